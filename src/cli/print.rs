//! The one place the command line prints: results as text for people or as
//! JSON for scripts (`--json`, `--format json`), one-line messages, and the
//! short time spans the listings use.
//!
//! Everything goes through a locked stdout and returns errors, so a closed
//! pipe (`khabar headlines | head`) ends the run quietly instead of
//! panicking (`main` treats `BrokenPipe` as success).

use std::fmt::Display;
use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use clap::ValueEnum;
use serde::Serialize;

/// Text or JSON, for commands that take `--format`.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

impl Format {
    /// `--json` as a format.
    pub fn from_json_flag(json: bool) -> Self {
        if json { Self::Json } else { Self::Text }
    }
}

/// Print `value` as pretty JSON, or as text written by `text`.
pub fn emit<T: Serialize + ?Sized>(
    format: Format,
    value: &T,
    text: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<ExitCode> {
    match format {
        Format::Json => json(value)?,
        Format::Text => raw(text)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Print `value` as pretty JSON and a newline.
pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<()> {
    let s = serde_json::to_string_pretty(value)?;
    writeln!(std::io::stdout().lock(), "{s}")?;
    Ok(())
}

/// Write text through a locked stdout, without bidi embedding, override and
/// isolate controls ([`khabar::bidi::neutralise_bytes`]), so that a title
/// cannot show itself in a terminal as another.
pub fn raw(text: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    let mut buf = Vec::new();
    text(&mut buf)?;
    let mut out = std::io::stdout().lock();
    out.write_all(&khabar::bidi::neutralise_bytes(&buf))?;
    out.flush()?;
    Ok(())
}

/// One line on stdout (bidi controls neutralised, as in [`raw`]).
pub fn line(s: impl Display) -> Result<()> {
    let s = s.to_string();
    writeln!(std::io::stdout().lock(), "{}", khabar::bidi::neutralise(&s))?;
    Ok(())
}

/// One line on stderr (warnings and skipped items; never fails the run).
pub fn warn(s: impl Display) {
    let _ = writeln!(std::io::stderr().lock(), "{s}");
}

/// A span of seconds in words (the core's, shared with the window's sync
/// state).
pub use khabar::dates::span;

/// "12 min ago".
pub fn ago(now: i64, t: i64) -> String {
    format!("{} ago", span((now - t).max(0)))
}

/// The headline list's age column: "12m", "3h", "2d".
pub fn short_ago(now: i64, t: i64) -> String {
    match (now - t).max(0) {
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86_400 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_as_words() {
        assert_eq!(span(45), "45 s");
        assert_eq!(span(12 * 60), "12 min");
        assert_eq!(span(3 * 3600), "3 h");
        assert_eq!(span(3 * 86_400), "3 days");
        assert_eq!(ago(100, 200), "0 s ago");
        assert_eq!(short_ago(10_000, 10_000 - 7200), "2h");
    }
}

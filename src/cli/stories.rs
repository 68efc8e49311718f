//! Stories: `khabar stories` (the same event from several outlets, with
//! each outlet's report) and `khabar digest` ("While you were away", as
//! text, HTML or EPUB). The digest itself is `khabar::stories::digest`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::{Subcommand, ValueEnum};

use khabar::model;
use khabar::stories::digest;

use super::Ctx;
use super::print::{self, Format};

/// Story commands.
#[derive(Subcommand, Debug)]
pub enum StoriesCommand {
    /// List stories told by several outlets, most outlets first, with each
    /// outlet's report.
    Stories {
        /// Stories with a report in the last this many hours.
        #[arg(long, value_name = "HOURS", default_value_t = 24)]
        since: u32,
        /// How many stories.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// "While you were away": the stories told by the most outlets since
    /// the last digest (followed topics first), each with its outlets and a
    /// two-sentence lead.
    Digest {
        /// Since this many hours ago (default: the last digest, else 24).
        #[arg(long, value_name = "HOURS")]
        since: Option<u32>,
        /// Output format (epub is written to a file).
        #[arg(long, value_enum, default_value_t = DigestFormat::Text)]
        format: DigestFormat,
        /// Write to this file (default: standard output; for epub,
        /// khabar-digest-DATE.epub here).
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// How many stories.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
}

/// The digest's formats. (No doc comments: clap lists bare values.)
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum DigestFormat {
    Text,
    Html,
    Epub,
    Json,
}

/// Run a story command.
pub fn run(cmd: StoriesCommand, ctx: &Ctx) -> Result<ExitCode> {
    let (dir, store) = ctx.open_store()?;
    let now = model::now();
    match cmd {
        StoriesCommand::Stories { since, limit, json } => {
            let stories = store.stories(now - i64::from(since) * 3600, limit)?;
            print::emit(Format::from_json_flag(json), &stories, |out| {
                if stories.is_empty() {
                    writeln!(
                        out,
                        "No story told by several outlets in the last {since} h."
                    )?;
                }
                for s in &stories {
                    writeln!(
                        out,
                        "{:>3} outlets {:>3} reports  {}",
                        s.outlets, s.size, s.headline
                    )?;
                    for h in &s.items {
                        writeln!(
                            out,
                            "    {:>7} {:<24.24} {:>4}  {}",
                            h.id,
                            h.feed,
                            print::short_ago(now, h.published_ts),
                            h.title
                        )?;
                    }
                }
                Ok(())
            })
        }
        StoriesCommand::Digest {
            since,
            format,
            output,
            limit,
        } => {
            let from = match since {
                Some(h) => now - i64::from(h) * 3600,
                None => digest::last_visit(&dir).unwrap_or(now - 24 * 3600),
            };
            let d = digest::build(&store, from, limit, Some(&dir.join("images")))?;
            let bytes = match format {
                DigestFormat::Text => d.to_text().into_bytes(),
                DigestFormat::Html => d.to_html().into_bytes(),
                DigestFormat::Json => {
                    let mut v = serde_json::to_vec_pretty(&d)?;
                    v.push(b'\n');
                    v
                }
                DigestFormat::Epub => d.to_epub().map_err(anyhow::Error::msg)?,
            };
            let output = output.or_else(|| {
                (format == DigestFormat::Epub).then(|| {
                    PathBuf::from(format!(
                        "khabar-digest-{}.epub",
                        chrono::Utc::now().format("%Y-%m-%d-%H%M")
                    ))
                })
            });
            match &output {
                Some(path) => {
                    std::fs::write(path, &bytes)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    print::line(format!(
                        "Wrote the digest ({} stories) to {}",
                        d.stories.len(),
                        path.display()
                    ))?;
                }
                None => print::raw(|out| out.write_all(&bytes))?,
            }
            // A digest since the last one is a visit: the next starts here.
            if since.is_none() {
                digest::record_visit(&dir, now)
                    .with_context(|| format!("cannot record the visit in {}", dir.display()))?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

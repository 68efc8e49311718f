//! Khabar on the desktop: what the desktop entry hands us. A browser or file
//! manager calls `khabar subscribe %u` with a `feed:`/`feeds:` link, an
//! http(s) URL, or a `file://` URL or path of a saved feed; [`feed_link`]
//! turns any of these into the http(s) address to subscribe to.
//!
//! [`PollLock`] is the one lock on polling a store: the window's service and
//! `khabar poll` (by hand or from a timer) each take it for the length of a
//! poll, so two polls never run on one store at once; the second one skips
//! with a message. It is an advisory `flock` on `poll.lock` in the data
//! folder, so it is let go when its holder exits, even by SIGKILL.
//!
//! Nothing here knows about egui.

use std::fs::{File, TryLockError};
use std::path::Path;

/// The lock file's name in the data folder.
pub const POLL_LOCK_FILE: &str = "poll.lock";

/// Held while one poll runs on a store; dropped, it lets go.
#[derive(Debug)]
pub struct PollLock {
    _file: File,
}

impl PollLock {
    /// Takes the store's poll lock, or `Ok(None)` when another poll (the
    /// window's or a background one) holds it.
    pub fn try_acquire(data_dir: &Path) -> std::io::Result<Option<PollLock>> {
        std::fs::create_dir_all(data_dir)?;
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(data_dir.join(POLL_LOCK_FILE))?;
        match file.try_lock() {
            Ok(()) => Ok(Some(PollLock { _file: file })),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(e)) => Err(e),
        }
    }
}

/// The http(s) URL a feed link points at.
///
/// - `feed://host/path` means `http://host/path`, `feeds://host/path` means
///   `https://host/path`;
/// - `feed:https://host/path` (and `feed:http:`) wraps a full URL;
/// - an http(s) URL is taken as it is;
/// - a `file://` URL or a path names a saved feed: its own address (the
///   Atom `self` link, else the channel's link) is used.
pub fn feed_link(arg: &str) -> Result<String, String> {
    let arg = arg.trim();
    let lower = arg.to_ascii_lowercase();
    let url = if let Some(rest) = strip(arg, &lower, "feeds://") {
        format!("https://{rest}")
    } else if let Some(rest) = strip(arg, &lower, "feed://") {
        format!("http://{rest}")
    } else if let Some(rest) = strip(arg, &lower, "feed:").or_else(|| strip(arg, &lower, "feeds:"))
    {
        rest.to_string()
    } else if lower.starts_with("http://") || lower.starts_with("https://") {
        arg.to_string()
    } else if let Some(rest) = strip(arg, &lower, "file://") {
        let path = url::Url::parse(&format!("file://{rest}"))
            .ok()
            .and_then(|u| u.to_file_path().ok())
            .ok_or_else(|| format!("not a file URL: {arg}"))?;
        return saved_feed_address(&path);
    } else if Path::new(arg).exists() {
        return saved_feed_address(Path::new(arg));
    } else {
        return Err(format!(
            "not a feed link: {arg} (expected feed:, feeds:, http or https)"
        ));
    };
    crate::fetch::guard::parse_http_url(&url)
        .map(|u| u.to_string())
        .map_err(|e| format!("not a feed link: {arg} ({e})"))
}

fn strip<'a>(arg: &'a str, lower: &str, prefix: &str) -> Option<&'a str> {
    lower.starts_with(prefix).then(|| &arg[prefix.len()..])
}

/// The address a saved feed file names for itself.
fn saved_feed_address(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    // feed-rs is contained as in `parse` (a panic is a bad file, not a crash).
    let feed = std::panic::catch_unwind(|| feed_rs::parser::parse(&bytes[..]))
        .map_err(|_| format!("{} is not a feed", path.display()))?
        .map_err(|e| format!("{} is not a feed: {e}", path.display()))?;
    // Its own address first, then its site (which `subscribe` searches for feeds).
    let is_self = |l: &&feed_rs::model::Link| l.rel.as_deref() == Some("self");
    feed.links
        .iter()
        .filter(is_self)
        .chain(feed.links.iter().filter(|l| !is_self(l)))
        .find_map(|l| crate::fetch::guard::parse_http_url(&l.href).ok())
        .map(|u| u.to_string())
        .ok_or_else(|| {
            format!(
                "{} does not say where it is published; subscribe by its URL instead",
                path.display()
            )
        })
}

#[cfg(test)]
mod tests {
    use super::{PollLock, feed_link};

    #[test]
    fn one_poll_lock_per_store() {
        let dir = tempfile::tempdir().unwrap();
        let first = PollLock::try_acquire(dir.path()).unwrap();
        assert!(first.is_some());
        // A second holder (another open file description, as another process
        // would have) is refused while the first holds it...
        assert!(PollLock::try_acquire(dir.path()).unwrap().is_none());
        // ...another store is not affected...
        let other = tempfile::tempdir().unwrap();
        assert!(PollLock::try_acquire(other.path()).unwrap().is_some());
        // ...and it is free again once let go.
        drop(first);
        assert!(PollLock::try_acquire(dir.path()).unwrap().is_some());
    }

    #[test]
    fn feed_schemes_become_http_urls() {
        assert_eq!(
            feed_link("feed://example.com/rss.xml").unwrap(),
            "http://example.com/rss.xml"
        );
        assert_eq!(
            feed_link("feeds://example.com/atom").unwrap(),
            "https://example.com/atom"
        );
        assert_eq!(
            feed_link("feed:https://example.com/a?b=1").unwrap(),
            "https://example.com/a?b=1"
        );
        assert_eq!(
            feed_link("FEED:http://example.com/x").unwrap(),
            "http://example.com/x"
        );
        assert_eq!(
            feed_link(" https://example.com/feed ").unwrap(),
            "https://example.com/feed"
        );
    }

    #[test]
    fn other_schemes_and_nonsense_are_refused() {
        assert!(feed_link("feed:javascript:alert(1)").is_err());
        assert!(feed_link("ftp://example.com/rss").is_err());
        assert!(feed_link("feed:").is_err());
        assert!(feed_link("no such thing").is_err());
    }

    #[test]
    fn a_saved_feed_names_its_own_address() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("saved.xml");
        std::fs::write(
            &path,
            r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Invented</title>
<id>urn:x</id><updated>2026-01-01T00:00:00Z</updated>
<link rel="self" href="https://news.example.org/atom.xml"/><link href="https://news.example.org/"/></feed>"#,
        )
        .unwrap();
        assert_eq!(
            feed_link(path.to_str().unwrap()).unwrap(),
            "https://news.example.org/atom.xml"
        );
        let url = url::Url::from_file_path(&path).unwrap();
        assert_eq!(
            feed_link(url.as_str()).unwrap(),
            "https://news.example.org/atom.xml"
        );
    }
}

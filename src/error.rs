//! Typed errors of the library. Each message says what failed in plain words;
//! callers add which feed it was. `anyhow` is used only by the binary.

use thiserror::Error;

/// Errors from the local store.
#[derive(Debug, Error)]
pub enum StoreError {
    /// SQLite reported an error.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The database was written by a newer Khabar.
    #[error(
        "the database has schema version {found}, newer than this Khabar understands ({supported}); upgrade Khabar"
    )]
    TooNew {
        /// Version found in the file.
        found: i64,
        /// Newest version this build knows.
        supported: i64,
    },
    /// The data folder could not be created or used.
    #[error("cannot use data folder {path}: {source}")]
    DataDir {
        /// The folder.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// No such feed or item.
    #[error("{0} not found")]
    NotFound(String),
    /// A feed with this URL is already subscribed.
    #[error("already subscribed to {0}")]
    Duplicate(String),
    /// A topic or search query cannot be used.
    #[error("{0}")]
    Topic(#[from] crate::topics::TopicError),
}

impl From<crate::topics::QueryError> for StoreError {
    fn from(e: crate::topics::QueryError) -> Self {
        StoreError::Topic(e.into())
    }
}

/// Errors from fetching a URL.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum FetchError {
    /// The URL could not be parsed.
    #[error("not a valid URL: {0}")]
    InvalidUrl(String),
    /// Only http and https are fetched.
    #[error("only http and https links are fetched, not {0}")]
    Scheme(String),
    /// A link in a public feed pointed at this machine or the local network.
    #[error(
        "refused to fetch a loopback, private or link-local address ({0}) named by a public feed"
    )]
    LocalAddress(String),
    /// The host name did not resolve.
    #[error("cannot find the server {0}")]
    Dns(String),
    /// The server did not answer in time.
    #[error("the server did not answer within {0} seconds")]
    Timeout(u64),
    /// The connection failed.
    #[error("cannot connect: {0}")]
    Connect(String),
    /// The server answered with an error status.
    #[error("the server answered {code} {reason}")]
    Status {
        /// HTTP status code.
        code: u16,
        /// Canonical reason phrase.
        reason: String,
        /// When the server asked us to come back (429/503 `Retry-After`), Unix seconds.
        retry_after: Option<i64>,
    },
    /// 410 Gone.
    #[error("the server says the feed is gone for good (410)")]
    Gone,
    /// The body exceeded the cap after decompression.
    #[error("the response is larger than the {0} byte limit")]
    TooLarge(u64),
    /// Too many redirects, or a redirect without a usable target.
    #[error("too many redirects or a bad redirect: {0}")]
    Redirect(String),
    /// The host asked us to wait (an earlier Retry-After) and the time has not come.
    #[error("waiting until {0} as the server asked (Retry-After)")]
    HostBackoff(String),
    /// Any other transport error.
    #[error("network error: {0}")]
    Network(String),
}

impl FetchError {
    /// True for errors that say the network itself is down rather than one server.
    pub fn is_offline_like(&self) -> bool {
        matches!(self, FetchError::Dns(_) | FetchError::Connect(_))
    }
}

/// Errors from turning bytes into a feed.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum ParseError {
    /// Nothing but whitespace.
    #[error("the document is empty")]
    Empty,
    /// An HTML page where a feed was expected.
    #[error("this is a web page, not a feed")]
    Html,
    /// Not a feed format we know.
    #[error("this is not an RSS, Atom or JSON feed")]
    NotAFeed,
    /// The feed is broken.
    #[error("the feed is malformed: {0}")]
    Malformed(String),
    /// Broken XML with nothing to recover before the damage.
    #[error("the feed is broken at line {line}: {cause}")]
    Broken {
        /// 1-based line of the damage.
        line: usize,
        /// What is broken.
        cause: String,
    },
    /// Nesting deeper than we are willing to walk.
    #[error("the document nests elements more than {0} deep")]
    TooDeep(usize),
    /// The text encoding could not be decoded.
    #[error("cannot decode the text: {0}")]
    Encoding(String),
    /// A dependency panicked on this input; contained.
    #[error("the feed parser failed on this document ({0})")]
    Panicked(String),
}

/// Errors from OPML import.
#[derive(Debug, Error)]
pub enum OpmlError {
    /// The XML is not readable.
    #[error("the OPML file is malformed: {0}")]
    Malformed(String),
    /// No `<body>`/`<outline>` found.
    #[error("the file has no OPML outlines")]
    NoOutlines,
}

/// What a feed's stored error means, in the plain words the window and
/// `feeds list` show. The store keeps the error as text (the `Display` of
/// [`FetchError`] or [`ParseError`], or the store's own words for a gone
/// feed), so the kind is read back from those words; the tests below build
/// the words from the error types, so a changed message fails them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Trouble {
    /// The server's name did not resolve or the connection failed: no
    /// network, or the host is down.
    Unreachable,
    /// The server took too long to answer.
    NoAnswer,
    /// The server answered with an error status, too much data, or a bad
    /// redirect.
    Server,
    /// The address gave something that is not a usable feed.
    NotAFeed,
    /// The server said the feed is gone for good (410); it is not checked.
    Gone,
    /// The address is one Khabar will not fetch (not http(s), local).
    Refused,
}

impl Trouble {
    /// The kind of `last_error` (`gone` is the feed's flag).
    pub fn of(last_error: &str, gone: bool) -> Trouble {
        let e = last_error;
        if gone || e.contains("(410)") {
            return Trouble::Gone;
        }
        if e.starts_with("cannot find the server")
            || e.starts_with("cannot connect")
            || e.starts_with("network error")
        {
            return Trouble::Unreachable;
        }
        if e.starts_with("the server did not answer within") {
            return Trouble::NoAnswer;
        }
        if e.starts_with("the server answered")
            || e.starts_with("the response is larger")
            || e.starts_with("too many redirects")
            || e.starts_with("waiting until")
        {
            return Trouble::Server;
        }
        if e.starts_with("not a valid URL")
            || e.starts_with("only http and https")
            || e.starts_with("refused to fetch")
        {
            return Trouble::Refused;
        }
        Trouble::NotAFeed
    }

    /// The badge's word (`offline` when the whole network looks down).
    pub fn badge(self, offline: bool) -> &'static str {
        match self {
            Trouble::Unreachable if offline => "offline",
            Trouble::Unreachable => "unreachable",
            Trouble::NoAnswer => "no answer",
            Trouble::Server => "server error",
            Trouble::NotAFeed => "not a feed",
            Trouble::Gone => "gone",
            Trouble::Refused => "refused",
        }
    }

    /// One sentence on what the badge means and what happens next.
    pub fn meaning(self, offline: bool) -> &'static str {
        match self {
            Trouble::Unreachable if offline => {
                "could not reach the outlet's server: this computer seems to be offline. Khabar tries again by itself; what it fetched before stays readable."
            }
            Trouble::Unreachable => {
                "could not reach the outlet's server (its name does not resolve, or it refused the connection). Khabar tries again later."
            }
            Trouble::NoAnswer => {
                "the outlet's server did not answer in time. Khabar tries again later."
            }
            Trouble::Server => {
                "the outlet's server answered with an error. Khabar tries again later, less often while it keeps failing."
            }
            Trouble::NotAFeed => {
                "the address gave a web page or a broken feed. Check the address in Settings, or add the site again to find its feed."
            }
            Trouble::Gone => {
                "the outlet says this feed is gone for good; it is no longer checked. Remove it in Settings."
            }
            Trouble::Refused => {
                "Khabar will not fetch this address (not http or https, or on this machine or the local network)."
            }
        }
    }
}

#[cfg(test)]
mod trouble_tests {
    use super::{FetchError, ParseError, Trouble};

    fn of(e: impl ToString) -> Trouble {
        Trouble::of(&e.to_string(), false)
    }

    #[test]
    fn each_stored_error_has_its_kind() {
        assert_eq!(
            of(FetchError::Dns("news.example".into())),
            Trouble::Unreachable
        );
        assert_eq!(
            of(FetchError::Connect("refused".into())),
            Trouble::Unreachable
        );
        assert_eq!(
            of(FetchError::Network("reset".into())),
            Trouble::Unreachable
        );
        assert_eq!(of(FetchError::Timeout(30)), Trouble::NoAnswer);
        let status = FetchError::Status {
            code: 503,
            reason: "Service Unavailable".into(),
            retry_after: None,
        };
        assert_eq!(of(status), Trouble::Server);
        assert_eq!(of(FetchError::TooLarge(10)), Trouble::Server);
        assert_eq!(of(FetchError::Redirect("loop".into())), Trouble::Server);
        assert_eq!(of(FetchError::HostBackoff("noon".into())), Trouble::Server);
        assert_eq!(of(FetchError::Gone), Trouble::Gone);
        assert_eq!(of(FetchError::Scheme("ftp".into())), Trouble::Refused);
        assert_eq!(of(FetchError::InvalidUrl("x".into())), Trouble::Refused);
        assert_eq!(
            of(FetchError::LocalAddress("10.0.0.1".into())),
            Trouble::Refused
        );
        assert_eq!(of(ParseError::Html), Trouble::NotAFeed);
        assert_eq!(of(ParseError::NotAFeed), Trouble::NotAFeed);
        assert_eq!(of(ParseError::Empty), Trouble::NotAFeed);
        // The store's own words for a gone feed, and the flag.
        assert_eq!(
            Trouble::of(
                "the server says this feed is gone for good (410); it is no longer checked",
                false
            ),
            Trouble::Gone
        );
        assert_eq!(Trouble::of("anything", true), Trouble::Gone);
    }

    #[test]
    fn unreachable_reads_offline_only_when_the_network_is_down() {
        assert_eq!(Trouble::Unreachable.badge(true), "offline");
        assert_eq!(Trouble::Unreachable.badge(false), "unreachable");
        assert_eq!(Trouble::Server.badge(true), "server error");
        assert!(Trouble::Unreachable.meaning(true).contains("offline"));
    }
}

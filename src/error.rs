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

//! The domain model: typed ids, feeds, items, and the untrusted `Incoming*`
//! shapes a parsed document produces before the store accepts them.
//!
//! This module depends on nothing else in the crate. Times are Unix seconds
//! (`i64`, UTC) everywhere below the UI: they index well in SQLite and compare
//! without time-zone surprises.

use serde::{Deserialize, Serialize};

/// Unix time in seconds, UTC.
pub type Timestamp = i64;

/// The current time as a [`Timestamp`].
pub fn now() -> Timestamp {
    chrono::Utc::now().timestamp()
}

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl rusqlite::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                self.0.to_sql()
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                i64::column_result(value).map($name)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// The store's id of a subscribed feed.
    FeedId
);
id_type!(
    /// The store's id of one item (article) of a feed.
    ItemId
);
id_type!(
    /// The store's id of a followed topic (or mute-words rule).
    TopicId
);

/// A subscription as stored, with its polling state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Feed {
    /// Store id.
    pub id: FeedId,
    /// The URL polled.
    pub url: String,
    /// Title from the feed (or from OPML before the first poll).
    pub title: Option<String>,
    /// The site's home page, from the feed.
    pub site_url: Option<String>,
    /// OPML folder, if any.
    pub folder: Option<String>,
    /// ETag exactly as received (bytes, since header values need not be UTF-8).
    #[serde(skip)]
    pub etag: Option<Vec<u8>>,
    /// Last-Modified exactly as received.
    #[serde(skip)]
    pub last_modified: Option<Vec<u8>>,
    /// Last time a request was made (success or not).
    pub last_fetch_at: Option<Timestamp>,
    /// Last time the feed was fetched and parsed (or answered 304).
    pub last_success_at: Option<Timestamp>,
    /// When the feed is next due.
    pub next_check_at: Timestamp,
    /// Errors in a row since the last success.
    pub error_count: u32,
    /// The last error, in plain words.
    pub last_error: Option<String>,
    /// A permanent redirect target seen but not yet confirmed as a feed.
    pub redirect_url: Option<String>,
    /// The server answered 410 Gone: the feed is no longer polled.
    pub gone: bool,
    /// Minimum interval the publisher asked for (`<ttl>`, `sy:updatePeriod`), seconds.
    pub publisher_interval: Option<i64>,
    /// Whether full articles are fetched for this feed.
    pub fetch_articles: bool,
}

impl Feed {
    /// A short name for messages: the title, else the URL.
    pub fn display_name(&self) -> &str {
        match &self.title {
            Some(t) if !t.trim().is_empty() => t,
            _ => &self.url,
        }
    }
}

/// One entry as parsed from a feed document, before it is stored.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IncomingItem {
    /// Stable identity within the feed: guid, else link, else hash of title and date.
    pub identity: String,
    /// Plain-text title (may be empty).
    pub title: String,
    /// Absolute link to the article page, http(s) only.
    pub link: Option<String>,
    /// Author names, comma-separated.
    pub author: Option<String>,
    /// Published (or updated) time, if the feed gave a parseable one.
    pub published: Option<Timestamp>,
    /// The feed's summary (HTML or text as given).
    pub summary: Option<String>,
    /// The feed's full content (HTML or text as given).
    pub content: Option<String>,
    /// Categories as given by the feed.
    pub categories: Vec<String>,
}

/// A whole parsed feed document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IncomingFeed {
    /// Feed title.
    pub title: Option<String>,
    /// Site home page.
    pub site_url: Option<String>,
    /// The feed's own icon or logo (Atom `icon`/`logo`, RSS `image`, JSON
    /// Feed `favicon`/`icon`), absolute.
    pub icon_url: Option<String>,
    /// Language declared by the feed.
    pub language: Option<String>,
    /// Publisher's minimum refresh interval in seconds (`<ttl>`, `sy:updatePeriod`).
    pub publisher_interval: Option<i64>,
    /// Entries in document order.
    pub items: Vec<IncomingItem>,
}

/// A row of the headline list: light, no bodies.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Headline {
    /// Item id.
    pub id: ItemId,
    /// Feed id.
    pub feed_id: FeedId,
    /// Feed name (title or URL).
    pub feed: String,
    /// Item title.
    pub title: String,
    /// Link to the article.
    pub link: Option<String>,
    /// Published time (first-seen time when the feed gave none), RFC 3339.
    pub published: String,
    /// Published time as Unix seconds.
    #[serde(skip)]
    pub published_ts: Timestamp,
    /// Read flag.
    pub read: bool,
    /// Starred flag.
    pub starred: bool,
    /// The story it belongs to: shared by every item of one story (the
    /// same event from several outlets); an item alone has its own id.
    pub story: i64,
}

/// A stored item with everything the reader needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    /// Item id.
    pub id: ItemId,
    /// Feed id.
    pub feed_id: FeedId,
    /// Feed name.
    pub feed: String,
    /// Identity within the feed.
    pub identity: String,
    /// Title.
    pub title: String,
    /// Link.
    pub link: Option<String>,
    /// Author.
    pub author: Option<String>,
    /// Published time, RFC 3339.
    pub published: String,
    /// True when the feed gave no usable date and `published` is the first-seen time.
    pub published_is_first_seen: bool,
    /// Feed summary.
    pub summary: Option<String>,
    /// Feed content.
    pub content: Option<String>,
    /// Read flag.
    pub read: bool,
    /// Starred flag.
    pub starred: bool,
}

/// Formats a timestamp as RFC 3339 UTC (seconds precision).
pub fn rfc3339(ts: Timestamp) -> String {
    match chrono::DateTime::from_timestamp(ts, 0) {
        Some(dt) => dt.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        None => ts.to_string(),
    }
}

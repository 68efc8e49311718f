//! The local store: one SQLite file in the data folder.
//!
//! - WAL mode, so the window's read-only connection never blocks the poller's
//!   writes, and a killed process loses at most the transaction in flight.
//! - Schema changes are add-only migrations ([`migrations`]).
//! - Updating one feed is one transaction ([`Store::apply_feed`]): a crash
//!   leaves either the whole update or none of it, and `UNIQUE(feed_id,
//!   identity)` makes a re-poll update items in place instead of duplicating.
//! - The full-text index (`items_fts`, FTS5) covers title and text; its rowid
//!   is the item id. It holds our own tokens (`topics::text`), and every
//!   write of an item's text goes through [`topics::index_and_match`], which
//!   also records its language and topic hits.
//!
//! The store knows nothing of HTTP or of the UI.

pub mod articles;
pub mod icons;
pub mod migrations;
pub mod retention;
pub mod stories;
pub mod sync;
pub mod topics;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::error::StoreError;
use crate::fetch::Validators;
use crate::model::{
    self, Feed, FeedId, Headline, IncomingFeed, IncomingItem, Item, ItemId, Timestamp,
};
use crate::parse::{collapse_ws, decode_entities, strip_tags};

/// File name of the database inside the data folder.
pub const DB_FILE: &str = "khabar.sqlite3";

/// The data folder: `--data-dir`/`KHABAR_DATA_DIR` if given, else the
/// platform's data folder for Khabar.
pub fn data_dir(explicit: Option<&Path>) -> Result<PathBuf, StoreError> {
    let dir = match explicit {
        Some(p) => p.to_path_buf(),
        None => directories::ProjectDirs::from("org", "Khabar", "khabar")
            .map(|d| d.data_dir().to_path_buf())
            .ok_or_else(|| StoreError::DataDir {
                path: "(home folder)".into(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no home folder found"),
            })?,
    };
    std::fs::create_dir_all(&dir).map_err(|source| StoreError::DataDir {
        path: dir.display().to_string(),
        source,
    })?;
    Ok(dir)
}

/// Which headlines to list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HeadlineFilter {
    /// Only this feed.
    pub feed: Option<FeedId>,
    /// Only feeds in this folder.
    pub folder: Option<String>,
    /// Only unread.
    pub unread_only: bool,
    /// Only starred.
    pub starred_only: bool,
    /// Only published at or after this time.
    pub since: Option<Timestamp>,
    /// A search in the topic query language (see `topics::query`).
    pub search: Option<String>,
    /// Only hits of this topic.
    pub topic: Option<crate::topics::TopicId>,
    /// Only articles in this language (two-letter code).
    pub lang: Option<String>,
    /// Page size.
    pub limit: usize,
    /// Rows to skip.
    pub offset: usize,
}

/// How a feed update went, for counting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ApplyStats {
    /// Items stored for the first time.
    pub new_items: usize,
    /// Items whose text changed.
    pub updated_items: usize,
}

/// Polling state to write after a successful fetch.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchRecord {
    /// When the request was made.
    pub fetched_at: Timestamp,
    /// When to check again.
    pub next_check_at: Timestamp,
    /// Validators to send next time.
    pub validators: Validators,
    /// A confirmed new URL (after a permanent redirect to a valid feed).
    pub new_url: Option<String>,
}

/// A connection to the store.
pub struct Store {
    conn: Connection,
    /// Topic hits that arrived since [`Store::take_new_hits`] last ran.
    fresh_hits: Vec<(crate::topics::TopicId, ItemId)>,
    /// The writer's story window (see [`stories`]).
    stories: stories::StoryState,
}

impl Store {
    /// Opens (creating and migrating) the store at `path` for reading and writing.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let mut store = Store::open_schema_only(path)?;
        store.run_store_tasks()?;
        Ok(store)
    }

    /// Opens (creating and migrating) the store at `path`, leaving any
    /// one-off rebuild a migration asked for (the full-text reindex) to the
    /// next [`Store::open`]: the window opens this way so that it can show
    /// at once while its service thread does the rebuild.
    pub fn open_schema_only(path: &Path) -> Result<Store, StoreError> {
        let mut conn = Connection::open(path)?;
        configure(&conn)?;
        migrations::migrate(&mut conn)?;
        Ok(Store {
            conn,
            fresh_hits: Vec::new(),
            stories: Default::default(),
        })
    }

    /// Opens the store in `dir` (see [`data_dir`]).
    pub fn open_in_dir(dir: &Path) -> Result<Store, StoreError> {
        Store::open(&dir.join(DB_FILE))
    }

    /// Opens an existing store read-only (the window's connection).
    pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "foreign_keys", true)?;
        Ok(Store {
            conn,
            fresh_hits: Vec::new(),
            stories: Default::default(),
        })
    }

    /// A fresh in-memory store, for tests.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let mut conn = Connection::open_in_memory()?;
        configure(&conn)?;
        migrations::migrate(&mut conn)?;
        Ok(Store {
            conn,
            fresh_hits: Vec::new(),
            stories: Default::default(),
        })
    }

    /// The raw connection (benchmarks and checks).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Runs `PRAGMA integrity_check`; `Ok(())` when it says ok.
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    // ---------------------------------------------------------------- feeds

    /// Subscribes to `url`. Fails with [`StoreError::Duplicate`] if present.
    pub fn add_feed(
        &self,
        url: &str,
        title: Option<&str>,
        folder: Option<&str>,
    ) -> Result<FeedId, StoreError> {
        let res = self.conn.execute(
            "INSERT INTO feeds (url, title, folder, added_at) VALUES (?1, ?2, ?3, ?4)",
            params![url, title, folder, model::now()],
        );
        match res {
            Ok(_) => Ok(FeedId(self.conn.last_insert_rowid())),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Err(StoreError::Duplicate(url.to_string()))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Removes a feed and all its items.
    pub fn remove_feed(&mut self, id: FeedId) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "DELETE FROM items_fts WHERE rowid IN (SELECT id FROM items WHERE feed_id = ?1)",
            [id],
        )?;
        tx.execute("DELETE FROM items WHERE feed_id = ?1", [id])?;
        let n = tx.execute("DELETE FROM feeds WHERE id = ?1", [id])?;
        tx.commit()?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("feed {id}")));
        }
        Ok(())
    }

    /// All feeds, by folder then title.
    pub fn feeds(&self) -> Result<Vec<Feed>, StoreError> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {FEED_COLS} FROM feeds ORDER BY folder IS NULL, folder, coalesce(title, url) COLLATE NOCASE"
        ))?;
        let rows = st.query_map([], feed_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every feed Khabar polls itself: all but those that come through a
    /// sync account.
    pub fn polled_feeds(&self) -> Result<Vec<Feed>, StoreError> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {FEED_COLS} FROM feeds WHERE id NOT IN (SELECT feed_id FROM sync_feeds)
             ORDER BY folder IS NULL, folder, coalesce(title, url) COLLATE NOCASE"
        ))?;
        let rows = st.query_map([], feed_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One feed.
    pub fn feed(&self, id: FeedId) -> Result<Feed, StoreError> {
        self.conn
            .query_row(
                &format!("SELECT {FEED_COLS} FROM feeds WHERE id = ?1"),
                [id],
                feed_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("feed {id}")))
    }

    /// The feed with this URL, if subscribed.
    pub fn feed_by_url(&self, url: &str) -> Result<Option<Feed>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {FEED_COLS} FROM feeds WHERE url = ?1"),
                [url],
                feed_from_row,
            )
            .optional()?)
    }

    /// Feeds not gone whose next check is due at `now`. Feeds that come
    /// through a sync account are left out: their server polls them.
    pub fn due_feeds(&self, now: Timestamp) -> Result<Vec<Feed>, StoreError> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {FEED_COLS} FROM feeds WHERE gone = 0 AND next_check_at <= ?1
               AND id NOT IN (SELECT feed_id FROM sync_feeds) ORDER BY next_check_at, id"
        ))?;
        let rows = st.query_map([now], feed_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Sets a feed's title and folder (OPML import of a known feed).
    pub fn set_feed_meta(
        &self,
        id: FeedId,
        title: Option<&str>,
        folder: Option<&str>,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE feeds SET title = coalesce(?2, title), folder = coalesce(?3, folder) WHERE id = ?1",
            params![id, title, folder],
        )?;
        Ok(())
    }

    /// Whether to fetch full articles for this feed.
    pub fn set_fetch_articles(&self, id: FeedId, on: bool) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE feeds SET fetch_articles = ?2 WHERE id = ?1",
            params![id, on],
        )?;
        Ok(())
    }

    /// Makes a feed due now (and revives a gone one when `revive`).
    pub fn make_due(&self, id: FeedId, revive: bool) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE feeds SET next_check_at = 0, gone = CASE WHEN ?2 THEN 0 ELSE gone END WHERE id = ?1",
            params![id, revive],
        )?;
        Ok(())
    }

    /// Records a 304 Not Modified: only the polling times change.
    pub fn record_not_modified(
        &self,
        id: FeedId,
        at: Timestamp,
        next_check_at: Timestamp,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE feeds SET last_fetch_at = ?2, last_success_at = ?2, next_check_at = ?3,
                 error_count = 0, last_error = NULL WHERE id = ?1",
            params![id, at, next_check_at],
        )?;
        Ok(())
    }

    /// Records a failed poll: the count goes up and the reason is kept.
    pub fn record_error(
        &self,
        id: FeedId,
        at: Timestamp,
        error: &str,
        next_check_at: Timestamp,
        redirect_url: Option<&str>,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE feeds SET last_fetch_at = ?2, last_error = ?3, next_check_at = ?4,
                 error_count = error_count + 1, redirect_url = coalesce(?5, redirect_url) WHERE id = ?1",
            params![id, at, error, next_check_at, redirect_url],
        )?;
        Ok(())
    }

    /// Records a permanent redirect seen but not adopted yet.
    pub fn set_redirect_url(&self, id: FeedId, url: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE feeds SET redirect_url = ?2 WHERE id = ?1",
            params![id, url],
        )?;
        Ok(())
    }

    /// Defers a feed without counting an error (its host asked us to wait).
    pub fn defer(&self, id: FeedId, until: Timestamp) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE feeds SET next_check_at = ?2 WHERE id = ?1",
            params![id, until],
        )?;
        Ok(())
    }

    /// Records 410 Gone: the feed is no longer polled.
    pub fn record_gone(&self, id: FeedId, at: Timestamp) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE feeds SET gone = 1, last_fetch_at = ?2, error_count = error_count + 1,
                 last_error = 'the server says this feed is gone for good (410); it is no longer checked' WHERE id = ?1",
            params![id, at],
        )?;
        Ok(())
    }

    /// Remembers a host's Retry-After deadline across runs.
    pub fn set_host_backoff(&self, host: &str, until: Timestamp) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO hosts (host, retry_after) VALUES (?1, ?2)
             ON CONFLICT(host) DO UPDATE SET retry_after = max(retry_after, excluded.retry_after)",
            params![host.to_ascii_lowercase(), until],
        )?;
        Ok(())
    }

    /// Hosts that asked us to wait past `now`.
    pub fn host_backoffs(&self, now: Timestamp) -> Result<Vec<(String, Timestamp)>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached("SELECT host, retry_after FROM hosts WHERE retry_after > ?1")?;
        let rows = st.query_map([now], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Stores a parsed feed document in one transaction: feed metadata and
    /// polling state, new items inserted, changed items updated, the
    /// full-text index kept in step. Items are never duplicated.
    pub fn apply_feed(
        &mut self,
        id: FeedId,
        incoming: &IncomingFeed,
        record: &FetchRecord,
    ) -> Result<ApplyStats, StoreError> {
        self.apply_feed_prepared(id, incoming, None, record)
    }

    /// [`Store::apply_feed`] with the items' text analysed ahead
    /// ([`prepare_items`] of `incoming`, on a parse worker): stores the same.
    pub(crate) fn apply_feed_prepared(
        &mut self,
        id: FeedId,
        incoming: &IncomingFeed,
        prepared: Option<Vec<topics::Prepared>>,
        record: &FetchRecord,
    ) -> Result<ApplyStats, StoreError> {
        let now = record.fetched_at;
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE feeds SET title = coalesce(?2, title), site_url = coalesce(?3, site_url),
                 etag = ?4, last_modified = ?5, last_fetch_at = ?6, last_success_at = ?6,
                 next_check_at = ?7, error_count = 0, last_error = NULL, redirect_url = NULL,
                 publisher_interval = ?8, language = coalesce(?9, language),
                 url = coalesce(?10, url)
             WHERE id = ?1",
            params![
                id,
                incoming.title,
                incoming.site_url,
                record.validators.etag,
                record.validators.last_modified,
                now,
                record.next_check_at,
                incoming.publisher_interval,
                incoming.language,
                record.new_url,
            ],
        )?;
        let (stats, fresh, _) =
            write_items(&tx, &mut self.stories, id, &incoming.items, prepared, now)?;
        tx.commit()?;
        self.fresh_hits.extend(fresh);
        Ok(stats)
    }

    // ---------------------------------------------------------------- items

    /// Ids of every headline matching `filter` (limit and offset ignored),
    /// newest first: the window keeps these and loads rows as they scroll
    /// into view.
    pub fn headline_ids(&self, filter: &HeadlineFilter) -> Result<Vec<ItemId>, StoreError> {
        Ok(self.search_ids(filter)?.0)
    }

    /// Like [`Store::headline_ids`], with the number of matches. A search
    /// in a broad view (all, unread, today) matching more than
    /// [`DENSE_SEARCH`] stored articles lists only the newest
    /// [`SEARCH_CAP`] of them, found by walking the time-ordered index;
    /// otherwise the matches are looked up and sorted. Either way a search over a million articles stays within tens
    /// of milliseconds (see `examples/bench_topics.rs`).
    pub fn search_ids(&self, filter: &HeadlineFilter) -> Result<(Vec<ItemId>, i64), StoreError> {
        let (rows, total) = self.search_rows(filter)?;
        Ok((rows.into_iter().map(|(id, _)| id).collect(), total))
    }

    /// [`Store::search_ids`] with each item's read flag (from the same
    /// covering index): the window groups these into story rows.
    pub fn search_rows(
        &self,
        filter: &HeadlineFilter,
    ) -> Result<(Vec<(ItemId, bool)>, i64), StoreError> {
        let (where_sql, args) = filter_sql(filter)?;
        let matches = match filter.search.as_deref().filter(|q| !q.trim().is_empty()) {
            Some(q) => Some(self.conn.query_row(
                "SELECT count(*) FROM items_fts WHERE items_fts MATCH ?1",
                [crate::topics::query::parse(q)?.to_fts()],
                |r| r.get::<_, i64>(0),
            )?),
            None => None,
        };
        // Walking the time-ordered index pays only when the view is broad
        // (all, unread, today): a narrow view (an outlet, a folder, a
        // language, starred) would walk far to fill the cap.
        let narrow = filter.feed.is_some()
            || filter.folder.is_some()
            || filter.lang.is_some()
            || filter.starred_only
            || filter.topic.is_some();
        let dense = matches.is_some_and(|n| n > DENSE_SEARCH && !narrow);
        let (index, limit) = match matches {
            Some(_) if dense => ("items_visible", format!(" LIMIT {SEARCH_CAP}")),
            Some(_) => ("items_meta", String::new()),
            None if filter.topic.is_some() => ("items_meta", String::new()),
            None => ("items_visible", String::new()),
        };
        let sql = format!(
            "SELECT i.id, i.read FROM items i INDEXED BY {index} JOIN feeds f ON f.id = i.feed_id{where_sql}
             ORDER BY i.published DESC, i.id DESC{limit}"
        );
        let mut st = self.conn.prepare_cached(&sql)?;
        let rows = st.query_map(rusqlite::params_from_iter(args), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        let ids: Vec<(ItemId, bool)> = rows.collect::<Result<_, _>>()?;
        let total = match matches {
            Some(n) if dense => n,
            _ => ids.len() as i64,
        };
        Ok((ids, total))
    }

    /// The headline rows for `ids` (in no particular order).
    pub fn headlines_by_ids(&self, ids: &[ItemId]) -> Result<Vec<Headline>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {HEADLINE_COLS} FROM items i JOIN feeds f ON f.id = i.feed_id WHERE i.id = ?1"
        ))?;
        for id in ids {
            if let Some(h) = st.query_row([id], headline_from_row).optional()? {
                out.push(h);
            }
        }
        Ok(out)
    }

    /// Headlines matching `filter`, newest first.
    pub fn headlines(&self, filter: &HeadlineFilter) -> Result<Vec<Headline>, StoreError> {
        let (where_sql, mut args) = filter_sql(filter)?;
        let sql = format!(
            "SELECT {HEADLINE_COLS}
             FROM items i JOIN feeds f ON f.id = i.feed_id{where_sql} ORDER BY i.published DESC, i.id DESC LIMIT ? OFFSET ?"
        );
        args.push((filter.limit.max(1) as i64).into());
        args.push((filter.offset as i64).into());
        let mut st = self.conn.prepare_cached(&sql)?;
        let rows = st.query_map(rusqlite::params_from_iter(args), headline_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// The columns [`headline_from_row`] reads, over `items i JOIN feeds f`.
pub(crate) const HEADLINE_COLS: &str = "i.id, i.feed_id, coalesce(f.title, f.url), i.title, i.link, i.published, i.read, i.starred, coalesce(i.story, i.id)";

pub(crate) fn headline_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Headline> {
    let ts: i64 = r.get(5)?;
    Ok(Headline {
        id: r.get(0)?,
        feed_id: r.get(1)?,
        feed: r.get(2)?,
        title: r.get(3)?,
        link: r.get(4)?,
        published: model::rfc3339(ts),
        published_ts: ts,
        read: r.get(6)?,
        starred: r.get(7)?,
        story: r.get(8)?,
    })
}

/// A search matching more stored articles than this lists only the newest
/// [`SEARCH_CAP`].
pub const DENSE_SEARCH: i64 = 30_000;
/// How many matches a dense search lists.
pub const SEARCH_CAP: usize = 5_000;

/// The WHERE clause (with a leading space) and its arguments for `filter`;
/// an error when the search does not parse. Hidden (muted) items are never
/// listed.
fn filter_sql(
    filter: &HeadlineFilter,
) -> Result<(String, Vec<rusqlite::types::Value>), StoreError> {
    let mut conds: Vec<String> = vec!["i.hidden = 0".into()];
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    if let Some(q) = filter.search.as_deref().filter(|q| !q.trim().is_empty()) {
        let expr = crate::topics::query::parse(q)?;
        conds.push("i.id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)".into());
        args.push(expr.to_fts().into());
    }
    if let Some(topic) = filter.topic {
        conds.push("i.id IN (SELECT item_id FROM topic_hits WHERE topic_id = ?)".into());
        args.push(topic.0.into());
    }
    if let Some(lang) = &filter.lang {
        conds.push("i.lang = ?".into());
        args.push(lang.clone().into());
    }
    if let Some(feed) = filter.feed {
        conds.push("i.feed_id = ?".into());
        args.push(feed.0.into());
    }
    if let Some(folder) = &filter.folder {
        conds.push("f.folder = ?".into());
        args.push(folder.clone().into());
    }
    if filter.unread_only {
        conds.push("i.read = 0".into());
    }
    if filter.starred_only {
        conds.push("i.starred = 1".into());
    }
    if let Some(since) = filter.since {
        conds.push("i.published >= ?".into());
        args.push(since.into());
    }
    Ok((format!(" WHERE {}", conds.join(" AND ")), args))
}

impl Store {
    /// One item in full.
    pub fn item(&self, id: ItemId) -> Result<Item, StoreError> {
        self.conn
            .query_row(
                "SELECT i.id, i.feed_id, coalesce(f.title, f.url), i.identity, i.title, i.link, i.author,
                        i.published, i.published_known, i.summary, i.content, i.read, i.starred
                 FROM items i JOIN feeds f ON f.id = i.feed_id WHERE i.id = ?1",
                [id],
                |r| {
                    Ok(Item {
                        id: r.get(0)?,
                        feed_id: r.get(1)?,
                        feed: r.get(2)?,
                        identity: r.get(3)?,
                        title: r.get(4)?,
                        link: r.get(5)?,
                        author: r.get(6)?,
                        published: model::rfc3339(r.get(7)?),
                        published_is_first_seen: !r.get::<_, bool>(8)?,
                        summary: r.get(9)?,
                        content: r.get(10)?,
                        read: r.get(11)?,
                        starred: r.get(12)?,
                    })
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("article {id}")))
    }

    /// Unread items per feed.
    pub fn unread_by_feed(&self) -> Result<std::collections::HashMap<FeedId, i64>, StoreError> {
        // Kept by triggers (migration 3): 200 rows, not a million.
        let mut st = self
            .conn
            .prepare_cached("SELECT feed_id, unread FROM feed_stats WHERE unread > 0")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Totals for the sidebar: (all, unread, starred, published since `today`).
    pub fn counts(&self, today: Timestamp) -> Result<(i64, i64, i64, i64), StoreError> {
        let (all, unread, starred) = self.conn.query_row(
            "SELECT coalesce(sum(total), 0), coalesce(sum(unread), 0), coalesce(sum(starred), 0) FROM feed_stats",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let today: i64 = self.conn.query_row(
            "SELECT count(*) FROM items WHERE published >= ?1",
            [today],
            |r| r.get(0),
        )?;
        Ok((all, unread, starred, today))
    }

    /// Languages of the stored articles: (code, articles, unread), most
    /// articles first. Kept by triggers (migration 4).
    pub fn languages(&self) -> Result<Vec<(String, i64, i64)>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT lang, total, unread FROM lang_stats WHERE total > 0 ORDER BY total DESC, lang",
        )?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Number of items stored.
    pub fn item_count(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM items", [], |r| r.get(0))?)
    }

    /// Marks an item read or unread.
    pub fn set_read(&self, id: ItemId, read: bool) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE items SET read = ?2 WHERE id = ?1",
            params![id, read],
        )?;
        Ok(())
    }

    /// Stars or unstars an item.
    pub fn set_starred(&self, id: ItemId, starred: bool) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE items SET starred = ?2 WHERE id = ?1",
            params![id, starred],
        )?;
        Ok(())
    }
}

/// Writes `items` of feed `id` inside `tx`: new ones inserted, changed ones
/// updated, unchanged ones left alone; every text through
/// [`topics::index_and_match`] and story grouping. The one path for polled
/// and synced items alike. Returns the counts, the fresh topic hits and the
/// store id of each item in order.
#[allow(clippy::type_complexity)]
pub(crate) fn write_items(
    tx: &rusqlite::Transaction<'_>,
    story_state: &mut stories::StoryState,
    id: FeedId,
    items: &[IncomingItem],
    prepared: Option<Vec<topics::Prepared>>,
    now: Timestamp,
) -> Result<
    (
        ApplyStats,
        Vec<(crate::topics::TopicId, ItemId)>,
        Vec<ItemId>,
    ),
    StoreError,
> {
    let mut stats = ApplyStats::default();
    let mut ids = Vec::with_capacity(items.len());
    let fresh;
    {
        let mut find =
            tx.prepare_cached("SELECT id, hash FROM items WHERE feed_id = ?1 AND identity = ?2")?;
        let mut insert = tx.prepare_cached(
            "INSERT INTO items (feed_id, identity, title, link, author, published, published_known,
                 first_seen, summary, content, categories, hash, lang, hidden, read)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)",
        )?;
        let mut update = tx.prepare_cached(
            "UPDATE items SET title = ?2, link = ?3, author = ?4,
                 published = CASE WHEN ?6 THEN ?5 ELSE published END,
                 published_known = max(published_known, ?6),
                 summary = ?7, content = ?8, categories = ?9, hash = ?10
             WHERE id = ?1",
        )?;
        let (folder, feed_lang): (Option<String>, Option<String>) = tx.query_row(
            "SELECT folder, language FROM feeds WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let topic_list = topics::compiled_topics(tx)?;
        let mut pending = topics::Pending::default();
        // Analyses made ahead, one per item in order (none if they do not pair up).
        let mut prepared = prepared
            .filter(|p| p.len() == items.len())
            .map(Vec::into_iter);
        for item in items {
            let pre = prepared.as_mut().and_then(Iterator::next);
            let hash = item_hash(item);
            let (published, known) = match item.published {
                // A date more than a day ahead is a typo or a scheduled post.
                Some(p) if p <= now + 86_400 => (p, true),
                _ => (now, false),
            };
            let categories = (!item.categories.is_empty()).then(|| item.categories.join("\u{1f}"));
            let existing: Option<(ItemId, Vec<u8>)> = find
                .query_row(params![id, item.identity], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let (body, pre) = match pre {
                Some(p) => (p.body, Some((p.doc, p.detected, p.queued))),
                None => (index_text(item), None),
            };
            let text = |rowid: ItemId, replace: bool| topics::ItemText {
                id: rowid,
                feed: id,
                folder: folder.as_deref(),
                title: &item.title,
                body: &body,
                declared_lang: feed_lang.as_deref(),
                at: published,
                replace,
            };
            match existing {
                #[cfg(test)]
                None if reference::on() => {
                    // The straightforward path the tests compare with:
                    // insert, then analyse and update the row.
                    insert.execute(params![
                        id,
                        item.identity,
                        item.title,
                        item.link,
                        item.author,
                        published,
                        known,
                        now,
                        item.summary,
                        item.content,
                        categories,
                        hash,
                        Option::<String>::None,
                        false,
                    ])?;
                    let rowid = ItemId(tx.last_insert_rowid());
                    ids.push(rowid);
                    topics::index_and_match(
                        tx,
                        &text(rowid, false),
                        &topic_list,
                        true,
                        &mut pending,
                    )?;
                    stats.new_items += 1;
                }
                None => {
                    let new = topics::analyse_new(&text(ItemId(0), false), &topic_list, pre);
                    insert.execute(params![
                        id,
                        item.identity,
                        item.title,
                        item.link,
                        item.author,
                        published,
                        known,
                        now,
                        item.summary,
                        item.content,
                        categories,
                        hash,
                        new.lang,
                        new.hidden,
                    ])?;
                    let rowid = ItemId(tx.last_insert_rowid());
                    ids.push(rowid);
                    topics::queue_new(rowid, &text(rowid, false), new, true, &mut pending);
                    stats.new_items += 1;
                }
                Some((rowid, old)) if old == hash => ids.push(rowid),
                Some((rowid, _)) => {
                    ids.push(rowid);
                    update.execute(params![
                        rowid,
                        item.title,
                        item.link,
                        item.author,
                        published,
                        known,
                        item.summary,
                        item.content,
                        categories,
                        hash
                    ])?;
                    // The lang_stats triggers of this update must see
                    // the new items counted (one may be this one).
                    pending.write_langs(tx)?;
                    topics::index_and_match(
                        tx,
                        &text(rowid, true),
                        &topic_list,
                        true,
                        &mut pending,
                    )?;
                    stats.updated_items += 1;
                }
            }
        }
        let grouped = std::mem::take(&mut pending.stories);
        fresh = pending.write(tx)?;
        stories::group(tx, story_state, grouped)?;
    }
    Ok((stats, fresh, ids))
}

const FEED_COLS: &str =
    "id, url, title, site_url, folder, etag, last_modified, last_fetch_at, last_success_at,
    next_check_at, error_count, last_error, redirect_url, gone, publisher_interval, fetch_articles";

fn feed_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Feed> {
    Ok(Feed {
        id: r.get(0)?,
        url: r.get(1)?,
        title: r.get(2)?,
        site_url: r.get(3)?,
        folder: r.get(4)?,
        etag: r.get(5)?,
        last_modified: r.get(6)?,
        last_fetch_at: r.get(7)?,
        last_success_at: r.get(8)?,
        next_check_at: r.get(9)?,
        error_count: r.get::<_, i64>(10)?.clamp(0, u32::MAX as i64) as u32,
        last_error: r.get(11)?,
        redirect_url: r.get(12)?,
        gone: r.get(13)?,
        publisher_interval: r.get(14)?,
        fetch_articles: r.get(15)?,
    })
}

fn configure(conn: &Connection) -> Result<(), StoreError> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Takes effect on a new database (before its first table), so that
    // retention's deletes give the disk back (`retention::vacuum`).
    conn.pragma_update(None, "auto_vacuum", "INCREMENTAL")?;
    // journal_mode returns a row; pragma_update_and_check reads it.
    conn.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(())
}

fn item_hash(i: &IncomingItem) -> Vec<u8> {
    let mut h = Sha256::new();
    for part in [
        Some(i.title.as_str()),
        i.link.as_deref(),
        i.author.as_deref(),
        i.summary.as_deref(),
        i.content.as_deref(),
    ] {
        h.update(part.unwrap_or("").as_bytes());
        h.update([0u8]);
    }
    h.update(i.published.unwrap_or(i64::MIN).to_le_bytes());
    h.finalize().to_vec()
}

/// Analyses the items of a parsed document ahead of [`Store::apply_feed_prepared`]
/// (pure work, for a parse worker): each one's index text, tokens and, when
/// the document declares no usable language, its detected language.
pub(crate) fn prepare_items(feed: &IncomingFeed) -> Vec<topics::Prepared> {
    let declared = feed
        .language
        .as_deref()
        .and_then(crate::lang::from_declared)
        .is_some();
    feed.items
        .iter()
        .map(|item| {
            let body = index_text(item);
            let doc = crate::topics::text::Analyzed::new(&item.title, &body);
            let detected = (!declared).then(|| crate::lang::detect_item(&item.title, &body));
            let queued = topics::queued(&doc);
            topics::Prepared {
                body,
                doc,
                detected,
                queued,
            }
        })
        .collect()
}

/// Plain text for the full-text index: content, else summary, without markup.
fn index_text(i: &IncomingItem) -> String {
    plain_text(i.content.as_deref().or(i.summary.as_deref()).unwrap_or(""))
}

/// Feed HTML as plain text.
pub(crate) fn plain_text(html: &str) -> String {
    collapse_ws(&decode_entities(&strip_tags(html)))
}

/// A switch for the tests: store new items the straightforward way
/// (insert, then [`topics::index_and_match`]), to compare with.
#[cfg(test)]
pub(crate) mod reference {
    use std::cell::Cell;

    thread_local! {
        static ON: Cell<bool> = const { Cell::new(false) };
    }

    /// Whether this thread stores the straightforward way.
    pub(crate) fn on() -> bool {
        ON.with(Cell::get)
    }

    /// Switches this thread's ingest path.
    pub(crate) fn set(on: bool) {
        ON.with(|c| c.set(on));
    }
}

#[cfg(test)]
mod ingest_tests;

#[cfg(test)]
mod tests {
    use super::*;

    fn item(identity: &str, title: &str, published: Option<i64>) -> IncomingItem {
        IncomingItem {
            identity: identity.into(),
            title: title.into(),
            link: Some(format!("http://example.test/{identity}")),
            published,
            summary: Some(format!("<p>Body of {title}</p>")),
            ..Default::default()
        }
    }

    fn record(now: i64) -> FetchRecord {
        FetchRecord {
            fetched_at: now,
            next_check_at: now + 1800,
            validators: Validators {
                etag: Some(b"W/\"abc\"".to_vec()),
                last_modified: None,
            },
            new_url: None,
        }
    }

    #[test]
    fn repoll_updates_in_place_and_never_duplicates() {
        let mut s = Store::open_in_memory().unwrap();
        let f = s
            .add_feed("http://example.test/feed", None, Some("World"))
            .unwrap();
        let doc = IncomingFeed {
            title: Some("Example".into()),
            items: vec![
                item("a", "Alpha", Some(1000)),
                item("b", "Beta", None),
                item("a", "Alpha again", Some(1000)),
            ],
            ..Default::default()
        };
        let st = s.apply_feed(f, &doc, &record(5000)).unwrap();
        assert_eq!(st.new_items, 2);
        assert_eq!(s.item_count().unwrap(), 2);
        let st = s.apply_feed(f, &doc, &record(6000)).unwrap();
        assert_eq!(st.new_items, 0);
        assert_eq!(s.item_count().unwrap(), 2);
        // Missing date: first-seen time, kept across polls.
        let hs = s
            .headlines(&HeadlineFilter {
                limit: 10,
                ..Default::default()
            })
            .unwrap();
        let beta = hs.iter().find(|h| h.title == "Beta").unwrap();
        assert_eq!(beta.published_ts, 5000);
        // Validators stored byte-exact.
        assert_eq!(s.feed(f).unwrap().etag.as_deref(), Some(&b"W/\"abc\""[..]));
    }

    #[test]
    fn search_uses_fts_and_survives_syntax() {
        let mut s = Store::open_in_memory().unwrap();
        let f = s.add_feed("http://example.test/feed", None, None).unwrap();
        let doc = IncomingFeed {
            items: vec![
                item("a", "Cricket final in Lahore", Some(1)),
                item("b", "Weather", Some(2)),
            ],
            ..Default::default()
        };
        s.apply_feed(f, &doc, &record(10)).unwrap();
        let q = |t: &str| {
            s.headlines(&HeadlineFilter {
                search: Some(t.into()),
                limit: 10,
                ..Default::default()
            })
            .map(|h| h.len())
        };
        assert_eq!(q("cricket").unwrap(), 1);
        assert_eq!(q("lahore CRICKET").unwrap(), 1);
        assert_eq!(q("Cricketers").unwrap(), 1, "stemmed like the index");
        assert_eq!(q("body").unwrap(), 2);
        assert_eq!(q("body -weather").unwrap(), 1);
        assert_eq!(q("weather OR Lahore").unwrap(), 2);
        assert_eq!(q("AND NEAR *").unwrap(), 0, "FTS5 syntax is just words");
        let e = q("\"unbalanced AND ( OR").unwrap_err();
        assert!(e.to_string().contains("never closed"), "{e}");
    }

    #[test]
    fn remove_feed_clears_items_and_index() {
        let mut s = Store::open_in_memory().unwrap();
        let f = s.add_feed("http://example.test/feed", None, None).unwrap();
        let doc = IncomingFeed {
            items: vec![item("a", "Alpha", Some(1))],
            ..Default::default()
        };
        s.apply_feed(f, &doc, &record(10)).unwrap();
        s.remove_feed(f).unwrap();
        assert_eq!(s.item_count().unwrap(), 0);
        let n: i64 = s
            .conn
            .query_row(
                "SELECT count(*) FROM items_fts WHERE items_fts MATCH 'alpha'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 0);
    }

    #[test]
    fn a_version_3_store_is_reindexed_with_the_new_tokenizer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE);
        {
            let conn = Connection::open(&path).unwrap();
            for sql in &migrations::MIGRATIONS[..3] {
                conn.execute_batch(sql).unwrap();
            }
            conn.execute_batch(
                "PRAGMA user_version = 3;
                 INSERT INTO feeds (id, url, added_at, language) VALUES (1, 'http://x.test/f', 0, 'en');
                 INSERT INTO items (id, feed_id, identity, title, published, published_known, first_seen, summary, hash)
                     VALUES (7, 1, 'a', 'Cricketers gather', 5, 1, 5, '<p>In Lahore</p>', x'00');
                 INSERT INTO items_fts (rowid, title, body) VALUES (7, 'Cricketers gather', 'In Lahore');",
            )
            .unwrap();
        }
        let s = Store::open(&path).unwrap();
        let hits = s
            .headline_ids(&HeadlineFilter {
                search: Some("cricket lahore".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(hits, [ItemId(7)]);
        let lang: Option<String> = s
            .connection()
            .query_row("SELECT lang FROM items WHERE id = 7", [], |r| r.get(0))
            .unwrap();
        assert_eq!(lang.as_deref(), Some("en"));
        drop(s);
        // The task ran once: reopening does not index twice.
        let s = Store::open(&path).unwrap();
        let n: i64 = s
            .connection()
            .query_row(
                "SELECT count(*) FROM items_fts WHERE items_fts MATCH 'lahor'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1);
    }

    #[test]
    fn language_counts_stay_right_as_articles_are_read_and_deleted() {
        let mut s = Store::open_in_memory().unwrap();
        let en = s.add_feed("http://example.test/en", None, None).unwrap();
        let ur = s.add_feed("http://example.test/ur", None, None).unwrap();
        let feed = |lang: Option<&str>, items| IncomingFeed {
            language: lang.map(String::from),
            items,
            ..Default::default()
        };
        s.apply_feed(
            en,
            &feed(
                Some("en-GB"),
                vec![item("a", "Budget", Some(1)), item("b", "Rain", Some(2))],
            ),
            &record(10),
        )
        .unwrap();
        // No declared language: detected from the text.
        let urdu = IncomingItem {
            summary: Some(
                "<p>وزیر اعظم نے کہا کہ حکومت عوام کی خدمت کے لیے ہر ممکن اقدامات کر رہی ہے</p>"
                    .into(),
            ),
            ..item("c", "حکومت کا اعلان", Some(3))
        };
        s.apply_feed(ur, &feed(None, vec![urdu]), &record(10))
            .unwrap();
        assert_eq!(
            s.languages().unwrap(),
            [("en".to_string(), 2, 2), ("ur".to_string(), 1, 1)]
        );
        let ids = s
            .headline_ids(&HeadlineFilter {
                lang: Some("en".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(ids.len(), 2);
        s.set_read(ids[0], true).unwrap();
        assert_eq!(s.languages().unwrap()[0], ("en".to_string(), 2, 1));
        s.remove_feed(ur).unwrap();
        assert_eq!(s.languages().unwrap(), [("en".to_string(), 2, 1)]);
    }

    #[test]
    fn newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.sqlite3");
        {
            let c = Connection::open(&path).unwrap();
            c.pragma_update(None, "user_version", 99).unwrap();
        }
        assert!(matches!(
            Store::open(&path),
            Err(StoreError::TooNew { found: 99, .. })
        ));
    }

    #[test]
    fn counts_stay_right_as_items_are_read_starred_and_deleted() {
        let mut s = Store::open_in_memory().unwrap();
        let f = s.add_feed("http://example.test/feed", None, None).unwrap();
        let doc = IncomingFeed {
            items: vec![
                item("a", "A", Some(1)),
                item("b", "B", Some(2)),
                item("c", "C", Some(3)),
            ],
            ..Default::default()
        };
        s.apply_feed(f, &doc, &record(10)).unwrap();
        assert_eq!(s.counts(0).unwrap(), (3, 3, 0, 3));
        let ids: Vec<ItemId> = s
            .headlines(&HeadlineFilter {
                limit: 10,
                ..Default::default()
            })
            .unwrap()
            .iter()
            .map(|h| h.id)
            .collect();
        s.set_read(ids[0], true).unwrap();
        s.set_read(ids[0], true).unwrap();
        s.set_starred(ids[1], true).unwrap();
        assert_eq!(s.counts(0).unwrap(), (3, 2, 1, 3));
        assert_eq!(s.unread_by_feed().unwrap().get(&f), Some(&2));
        s.set_read(ids[0], false).unwrap();
        assert_eq!(s.counts(0).unwrap().1, 3);
        // Re-polling the same document changes nothing.
        s.apply_feed(f, &doc, &record(20)).unwrap();
        assert_eq!(s.counts(0).unwrap(), (3, 3, 1, 3));
        s.remove_feed(f).unwrap();
        assert_eq!(s.counts(0).unwrap(), (0, 0, 0, 0));
    }

    #[test]
    fn duplicate_subscription_is_a_clear_error() {
        let s = Store::open_in_memory().unwrap();
        s.add_feed("http://x.test/f", None, None).unwrap();
        assert!(matches!(
            s.add_feed("http://x.test/f", None, None),
            Err(StoreError::Duplicate(_))
        ));
    }
}

//! Outlets' icons: the bytes found for each feed (see [`crate::icons`]),
//! kept for offline use, or why none was found, so each feed's icon is
//! looked for once (again a week after a failed search).

use rusqlite::params;

use super::Store;
use crate::error::StoreError;
use crate::model::{Feed, FeedId, Timestamp};

/// A failed search is tried again after this long.
pub const RETRY_AFTER: i64 = 7 * 86_400;

impl Store {
    /// Feeds that have been fetched at least once and have no icon yet
    /// (never looked for, or a failed search older than [`RETRY_AFTER`]).
    pub fn feeds_needing_icons(&self, now: Timestamp) -> Result<Vec<Feed>, StoreError> {
        let ids: Vec<i64> = {
            let mut st = self.conn.prepare_cached(
                "SELECT f.id FROM feeds f LEFT JOIN feed_icons i ON i.feed_id = f.id
                 WHERE f.last_success_at IS NOT NULL AND f.gone = 0
                   AND (i.feed_id IS NULL OR (i.bytes IS NULL AND i.fetched_at < ?1))
                 ORDER BY f.id",
            )?;
            let rows = st.query_map([now - RETRY_AFTER], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.feed(FeedId(id))?);
        }
        Ok(out)
    }

    /// Keeps `bytes` (from `url`) as the feed's icon.
    pub fn set_feed_icon(
        &self,
        feed: FeedId,
        url: &str,
        bytes: &[u8],
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO feed_icons (feed_id, url, bytes, fetched_at, error)
             VALUES (?1, ?2, ?3, ?4, NULL)",
            params![feed.0, url, bytes, at],
        )?;
        Ok(())
    }

    /// Records that no icon was found for the feed, and why.
    pub fn refuse_feed_icon(
        &self,
        feed: FeedId,
        reason: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO feed_icons (feed_id, url, bytes, fetched_at, error)
             VALUES (?1, NULL, NULL, ?2, ?3)",
            params![feed.0, at, reason],
        )?;
        Ok(())
    }

    /// When each stored icon was fetched (feeds with bytes only): the
    /// window compares these to know which icons to (re)load.
    pub fn icon_stamps(&self) -> Result<Vec<(FeedId, Timestamp)>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT feed_id, fetched_at FROM feed_icons WHERE bytes IS NOT NULL ORDER BY feed_id",
        )?;
        let rows = st.query_map([], |r| Ok((FeedId(r.get(0)?), r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The icon's bytes and where they came from, if one is stored.
    pub fn feed_icon(&self, feed: FeedId) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT coalesce(url, ''), bytes FROM feed_icons WHERE feed_id = ?1 AND bytes IS NOT NULL",
        )?;
        let mut rows = st.query([feed.0])?;
        match rows.next()? {
            Some(r) => Ok(Some((r.get(0)?, r.get(1)?))),
            None => Ok(None),
        }
    }

    /// Why no icon was found for the feed, if its search failed.
    pub fn feed_icon_error(&self, feed: FeedId) -> Result<Option<String>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached("SELECT error FROM feed_icons WHERE feed_id = ?1 AND bytes IS NULL")?;
        let mut rows = st.query([feed.0])?;
        match rows.next()? {
            Some(r) => Ok(r.get(0)?),
            None => Ok(None),
        }
    }
}

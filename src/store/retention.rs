//! Retention, for a laptop's disk: old articles go, with everything that
//! hangs off them, and the space comes back.
//!
//! By default, read and unstarred articles go 90 days after they were first
//! seen (a setting, shared by the window and the command line through the
//! `settings` table); starred articles are kept forever, and unread ones too
//! unless asked. Deleting an item takes its original page and clean copy
//! (`articles`), its image links and refusals, topic hits, story keys and
//! full-text rows with it (foreign keys and triggers do most of it; the
//! contentless FTS5 index is told here). Image files no article uses any
//! more are returned to the caller to delete. Then an incremental vacuum
//! gives the pages back to the file system.
//!
//! The age is counted from `first_seen`, not from the published date: an
//! item is never pruned the moment it arrives just because its feed dated it
//! long ago.

use rusqlite::{OptionalExtension, params};

use super::Store;
use crate::error::StoreError;
use crate::model::Timestamp;

/// Default retention: read, unstarred articles go after this many days.
pub const DEFAULT_DAYS: u32 = 90;
const KEY_DAYS: &str = "retention_days";
const KEY_LAST: &str = "retention_last_run";

/// What to prune.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PruneRule {
    /// Articles first seen more than this many days ago.
    pub older_than_days: u32,
    /// Unread articles go too (starred ones never do).
    pub include_unread: bool,
}

/// What a prune removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct PruneReport {
    /// Articles (items) deleted.
    pub items: usize,
    /// Stored pages (original and clean copy) deleted with them.
    pub pages: usize,
    /// Hashes of image files no article uses any more (delete the files).
    pub orphan_images: Vec<String>,
    /// Database bytes before and after (main file, after the vacuum).
    pub db_bytes: (i64, i64),
}

/// One table's share of the database file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TableSize {
    /// Table or index name.
    pub name: String,
    /// Rows (tables only; indexes report 0).
    pub rows: i64,
    /// Bytes in the file.
    pub bytes: i64,
}

/// What `khabar stats` shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct StoreStats {
    /// Feeds.
    pub feeds: i64,
    /// Articles (items).
    pub items: i64,
    /// Stored article pages.
    pub pages: i64,
    /// Cached images (rows) and their bytes on disk as recorded.
    pub images: i64,
    /// Recorded bytes of cached image files.
    pub image_bytes: i64,
    /// Database file size (page count x page size).
    pub db_bytes: i64,
    /// Free pages waiting for a vacuum, in bytes.
    pub free_bytes: i64,
    /// Per table and index, largest first.
    pub tables: Vec<TableSize>,
}

impl Store {
    /// The retention setting: `Some(days)`, or `None` when pruning is off.
    pub fn retention_days(&self) -> Result<Option<u32>, StoreError> {
        let v: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                [KEY_DAYS],
                |r| r.get(0),
            )
            .optional()?;
        Ok(match v {
            None => Some(DEFAULT_DAYS),
            Some(v) => v.parse::<u32>().ok().filter(|d| *d > 0),
        })
    }

    /// Sets the retention (`None`: keep everything).
    pub fn set_retention_days(&self, days: Option<u32>) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
            params![KEY_DAYS, days.unwrap_or(0).to_string()],
        )?;
        Ok(())
    }

    /// Prunes by the setting, at most once a day (the poll calls this).
    pub fn prune_if_due(&mut self, now: Timestamp) -> Result<Option<PruneReport>, StoreError> {
        let Some(days) = self.retention_days()? else {
            return Ok(None);
        };
        let last: Option<i64> = self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                [KEY_LAST],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .and_then(|v| v.parse().ok());
        if last.is_some_and(|l| now - l < 86_400) {
            return Ok(None);
        }
        let report = self.prune_with(
            PruneRule {
                older_than_days: days,
                include_unread: false,
            },
            now,
            false,
        )?;
        self.conn.execute(
            "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
            params![KEY_LAST, now.to_string()],
        )?;
        Ok(Some(report))
    }

    /// Deletes articles the rule selects (never starred ones), in one
    /// transaction, then gives the space back with an incremental vacuum
    /// (switching an older store over with one full `VACUUM`).
    pub fn prune(&mut self, rule: PruneRule, now: Timestamp) -> Result<PruneReport, StoreError> {
        self.prune_with(rule, now, true)
    }

    /// [`Store::prune`]; `full_vacuum: false` never runs a full `VACUUM`
    /// (the automatic prune, which must not hold the poll up for long).
    pub fn prune_with(
        &mut self,
        rule: PruneRule,
        now: Timestamp,
        full_vacuum: bool,
    ) -> Result<PruneReport, StoreError> {
        let before = self.db_bytes()?;
        let cutoff = now - i64::from(rule.older_than_days) * 86_400;
        let tx = self.conn.transaction()?;
        tx.execute(
            "CREATE TEMP TABLE IF NOT EXISTS prune_ids (id INTEGER PRIMARY KEY)",
            [],
        )?;
        tx.execute("DELETE FROM temp.prune_ids", [])?;
        tx.execute(
            "INSERT INTO temp.prune_ids (id) SELECT id FROM items
             WHERE starred = 0 AND first_seen < ?1 AND (?2 OR read = 1)",
            params![cutoff, rule.include_unread],
        )?;
        let pages: usize = tx.query_row(
            "SELECT count(*) FROM articles WHERE item_id IN (SELECT id FROM temp.prune_ids)",
            [],
            |r| r.get::<_, i64>(0),
        )? as usize;
        tx.execute(
            "DELETE FROM items_fts WHERE rowid IN (SELECT id FROM temp.prune_ids)",
            [],
        )?;
        // Tables keyed by item without a cascade.
        tx.execute(
            "DELETE FROM article_images WHERE item_id IN (SELECT id FROM temp.prune_ids)",
            [],
        )?;
        let items = tx.execute(
            "DELETE FROM items WHERE id IN (SELECT id FROM temp.prune_ids)",
            [],
        )?;
        tx.execute("DELETE FROM temp.prune_ids", [])?;
        let orphan_images: Vec<String> = {
            let mut st = tx.prepare(
                "SELECT hash FROM images WHERE hash NOT IN (SELECT hash FROM article_images)",
            )?;
            let rows = st.query_map([], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        tx.execute(
            "DELETE FROM images WHERE hash NOT IN (SELECT hash FROM article_images)",
            [],
        )?;
        tx.commit()?;
        self.vacuum(full_vacuum)?;
        Ok(PruneReport {
            items,
            pages,
            orphan_images,
            db_bytes: (before, self.db_bytes()?),
        })
    }

    /// Gives free pages back to the file system: incrementally when the
    /// store was created so (every store since schema 6); an older store is
    /// switched over once with a full `VACUUM`.
    pub fn vacuum(&mut self, allow_full: bool) -> Result<(), StoreError> {
        let mode: i64 = self
            .conn
            .query_row("PRAGMA auto_vacuum", [], |r| r.get(0))?;
        if mode != 2 && !allow_full {
            return Ok(());
        }
        if mode != 2 {
            self.conn
                .pragma_update(None, "auto_vacuum", "INCREMENTAL")?;
            self.conn.execute_batch("VACUUM")?;
        } else {
            self.conn.execute_batch("PRAGMA incremental_vacuum")?;
        }
        // Fold the WAL back so the main file is the size reported.
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .optional()?;
        Ok(())
    }

    fn db_bytes(&self) -> Result<i64, StoreError> {
        let pages: i64 = self.conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
        let size: i64 = self.conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        Ok(pages * size)
    }

    /// Counts and sizes for `khabar stats` (sizes from the `dbstat` table).
    pub fn stats(&self) -> Result<StoreStats, StoreError> {
        let one = |sql: &str| -> Result<i64, StoreError> {
            Ok(self
                .conn
                .query_row(sql, [], |r| r.get::<_, Option<i64>>(0))?
                .unwrap_or(0))
        };
        let page_size = one("PRAGMA page_size")?;
        let mut tables: Vec<TableSize> = {
            let mut st = self.conn.prepare(
                "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY sum(pgsize) DESC, name",
            )?;
            let rows = st.query_map([], |r| {
                Ok(TableSize {
                    name: r.get(0)?,
                    rows: 0,
                    bytes: r.get(1)?,
                })
            })?;
            rows.collect::<Result<_, _>>()?
        };
        let names: Vec<String> = {
            let mut st = self
                .conn
                .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")?;
            let rows = st.query_map([], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        for t in &mut tables {
            if names.contains(&t.name) && !t.name.starts_with("items_fts") {
                let q = format!("SELECT count(*) FROM \"{}\"", t.name.replace('"', "\"\""));
                t.rows = self.conn.query_row(&q, [], |r| r.get(0)).unwrap_or(0);
            }
        }
        Ok(StoreStats {
            feeds: one("SELECT count(*) FROM feeds")?,
            items: one("SELECT count(*) FROM items")?,
            pages: one("SELECT count(*) FROM articles")?,
            images: one("SELECT count(*) FROM images")?,
            image_bytes: one("SELECT sum(bytes) FROM images")?,
            db_bytes: one("PRAGMA page_count")? * page_size,
            free_bytes: one("PRAGMA freelist_count")? * page_size,
            tables,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{IncomingFeed, IncomingItem};
    use crate::store::FetchRecord;

    fn store_with(n: usize, first_seen: Timestamp) -> (Store, crate::model::FeedId) {
        let mut s = Store::open_in_memory().unwrap();
        let feed = s.add_feed("http://example.test/feed", None, None).unwrap();
        let doc = IncomingFeed {
            title: Some("Invented".into()),
            site_url: None,
            icon_url: None,
            language: Some("en".into()),
            publisher_interval: None,
            items: (0..n)
                .map(|i| IncomingItem {
                    identity: format!("id-{i}"),
                    title: format!("Story {i} about the harbour"),
                    link: Some(format!("http://example.test/{i}")),
                    author: None,
                    published: Some(first_seen),
                    summary: Some("x ".repeat(400)),
                    content: None,
                    categories: vec![],
                })
                .collect(),
        };
        s.apply_feed(
            feed,
            &doc,
            &FetchRecord {
                fetched_at: first_seen,
                next_check_at: first_seen + 1800,
                validators: Default::default(),
                new_url: None,
            },
        )
        .unwrap();
        (s, feed)
    }

    #[test]
    fn default_is_ninety_days_and_can_be_switched_off() {
        let s = Store::open_in_memory().unwrap();
        assert_eq!(s.retention_days().unwrap(), Some(DEFAULT_DAYS));
        s.set_retention_days(None).unwrap();
        assert_eq!(s.retention_days().unwrap(), None);
        s.set_retention_days(Some(30)).unwrap();
        assert_eq!(s.retention_days().unwrap(), Some(30));
    }

    #[test]
    fn prune_takes_read_unstarred_old_items_and_their_images() {
        let day = 86_400;
        let now = 1_800_000_000;
        let (mut s, _) = store_with(6, now - 100 * day);
        let ids: Vec<_> = s
            .conn
            .prepare("SELECT id FROM items ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get::<_, crate::model::ItemId>(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        // 0,1 read; 2 read+starred; 3 unread; 4,5 read but recent.
        s.conn
            .execute(
                "UPDATE items SET read = 1 WHERE id IN (?1, ?2, ?3, ?4, ?5)",
                params![ids[0], ids[1], ids[2], ids[4], ids[5]],
            )
            .unwrap();
        s.conn
            .execute("UPDATE items SET starred = 1 WHERE id = ?1", [ids[2]])
            .unwrap();
        s.conn
            .execute(
                "UPDATE items SET first_seen = ?1 WHERE id IN (?2, ?3)",
                params![now - day, ids[4], ids[5]],
            )
            .unwrap();
        s.add_image("aa11", "image/png", 10, Some((5, 5)), now)
            .unwrap();
        s.add_image("bb22", "image/png", 10, Some((5, 5)), now)
            .unwrap();
        s.link_image(ids[0], "http://example.test/a.png", "aa11")
            .unwrap();
        s.link_image(ids[0], "http://example.test/b.png", "bb22")
            .unwrap();
        s.link_image(ids[4], "http://example.test/b.png", "bb22")
            .unwrap();
        s.refuse_image(ids[0], "http://example.test/c.svg", "SVG")
            .unwrap();
        let r = s
            .prune(
                PruneRule {
                    older_than_days: 90,
                    include_unread: false,
                },
                now,
            )
            .unwrap();
        assert_eq!(r.items, 2);
        assert_eq!(r.orphan_images, vec!["aa11".to_string()]);
        let left: i64 = s
            .conn
            .query_row("SELECT count(*) FROM items", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 4);
        let refusals: i64 = s
            .conn
            .query_row("SELECT count(*) FROM image_refusals", [], |r| r.get(0))
            .unwrap();
        assert_eq!(refusals, 0);
        let fts: i64 = s
            .conn
            .query_row(
                "SELECT count(*) FROM items_fts WHERE items_fts MATCH 'harbour'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(fts <= 4, "{fts}");
        let ok: String = s
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
        // Unread old ones go only when asked.
        let r = s
            .prune(
                PruneRule {
                    older_than_days: 90,
                    include_unread: true,
                },
                now,
            )
            .unwrap();
        assert_eq!(r.items, 1);
        let stats = s.stats().unwrap();
        assert_eq!(stats.items, 3);
        assert!(
            stats
                .tables
                .iter()
                .any(|t| t.name == "items" && t.rows == 3)
        );
    }

    #[test]
    fn prune_if_due_runs_once_a_day() {
        let now = 1_800_000_000;
        let (mut s, _) = store_with(2, now - 200 * 86_400);
        s.conn.execute("UPDATE items SET read = 1", []).unwrap();
        assert_eq!(s.prune_if_due(now).unwrap().unwrap().items, 2);
        assert!(s.prune_if_due(now + 3600).unwrap().is_none());
        assert!(s.prune_if_due(now + 90_000).unwrap().is_some());
    }
}

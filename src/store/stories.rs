//! Stories in the store: each item's `story`, the `stories` rows, and the
//! writer's in-memory window ([`crate::stories::Index`]).
//!
//! - `index_and_match` queues each analysed item's grouping features
//!   ([`StoryInput`]); at the end of the feed's (or article's) transaction
//!   [`group`] places them and writes what changed: a `story_keys` row per
//!   item, and `items.story` plus a `stories` row only when an item joins
//!   another (a lone item's story is itself: `story` stays NULL).
//! - The window is loaded lazily from `story_keys` (the last three days),
//!   and reloaded when items in it were deleted (`story_meta.epoch`, bumped
//!   by a trigger) or another connection wrote (`PRAGMA data_version`).
//! - Deleting items keeps `stories` right by trigger (migration 5);
//!   re-extraction goes through [`group`] again and may move an item.

use rusqlite::{Connection, OptionalExtension, params};

use super::Store;
use crate::error::StoreError;
use crate::model::{self, Headline, ItemId, Timestamp};
use crate::stories::{self as st, Features, Index, Script};

/// Story ids start here; item ids stay below, so a lone item's id (its
/// story) never equals a stored story's id.
pub const FIRST_STORY_ID: i64 = 1 << 40;

/// One analysed item waiting to be placed.
#[derive(Debug, Clone)]
pub(crate) struct StoryInput {
    pub item: ItemId,
    pub feed: i64,
    pub at: Timestamp,
    pub features: Features,
}

/// The writer's grouping state.
#[derive(Debug, Default)]
pub(crate) struct StoryState {
    /// Grouping switched off ([`Store::set_story_grouping`]).
    off: bool,
    index: Option<Index>,
    epoch: i64,
    data_version: i64,
}

fn script_code(s: Script) -> i64 {
    match s {
        Script::Latin => 0,
        Script::Arabic => 1,
    }
}

fn encode_wire(w: &[u32]) -> String {
    w.iter()
        .map(|x| format!("{x:08x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn decode_wire(s: &str) -> Vec<u32> {
    s.split(' ')
        .filter_map(|p| u32::from_str_radix(p, 16).ok())
        .collect()
}

fn versions(conn: &Connection) -> Result<(i64, i64), StoreError> {
    let dv: i64 = conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
    let epoch: i64 = conn
        .prepare_cached("SELECT epoch FROM story_meta WHERE id = 1")?
        .query_row([], |r| r.get(0))?;
    Ok((dv, epoch))
}

/// Loads the window: items of the last [`st::WINDOW`] * 2 before the newest.
fn load(conn: &Connection) -> Result<Index, StoreError> {
    let newest: Option<i64> = conn.query_row("SELECT max(at) FROM story_keys", [], |r| r.get(0))?;
    let mut ix = Index::new();
    let Some(newest) = newest else {
        return Ok(ix);
    };
    let mut q = conn.prepare(
        "SELECT k.item_id, k.at, k.feed_id, k.terms, k.wire, k.script, coalesce(i.story, i.id)
         FROM story_keys k JOIN items i ON i.id = k.item_id WHERE k.at >= ?1 ORDER BY k.at",
    )?;
    let rows = q.query_map([newest - 2 * st::WINDOW], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, i64>(5)?,
            r.get::<_, i64>(6)?,
        ))
    })?;
    for row in rows {
        let (item, at, feed, terms, wire, script, story) = row?;
        let f = Features {
            terms: st::decode_terms(&terms),
            wire: decode_wire(&wire),
            script: if script == 1 {
                Script::Arabic
            } else {
                Script::Latin
            },
        };
        ix.insert(item, story, feed, at, f);
    }
    Ok(ix)
}

/// Places queued items in stories and writes the changes (inside the
/// caller's transaction).
pub(crate) fn group(
    conn: &Connection,
    state: &mut StoryState,
    inputs: Vec<StoryInput>,
) -> Result<(), StoreError> {
    if inputs.is_empty() || state.off {
        return Ok(());
    }
    let (dv, epoch) = versions(conn)?;
    if state.index.is_none() || state.data_version != dv || state.epoch != epoch {
        // Keys far older than the window are not needed any more.
        conn.execute(
            "DELETE FROM story_keys WHERE at < (SELECT max(at) FROM story_keys) - ?1",
            [4 * st::WINDOW],
        )?;
        state.index = Some(load(conn)?);
        state.epoch = versions(conn)?.1;
        state.data_version = dv;
    }
    let Some(ix) = state.index.as_mut() else {
        return Ok(());
    };
    let mut key = conn.prepare_cached(
        "INSERT OR REPLACE INTO story_keys (item_id, at, feed_id, terms, wire, script)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut set_story = conn.prepare_cached("UPDATE items SET story = ?2 WHERE id = ?1")?;
    for input in inputs {
        let item = input.item.0;
        key.execute(params![
            item,
            input.at,
            input.feed,
            st::encode_terms(&input.features.terms),
            encode_wire(&input.features.wire),
            script_code(input.features.script)
        ])?;
        let p = ix.assign(item, input.feed, input.at, input.features);
        if let Some(left) = p.left {
            leave(conn, ix, left, item)?;
        }
        if p.story == item {
            if p.left.is_some() {
                set_story.execute(params![item, Option::<i64>::None])?;
            }
            continue;
        }
        let story = if p.story < FIRST_STORY_ID {
            // A lone item gains a companion: the pair gets a stored story.
            let founder = p.story;
            let id: i64 = conn.query_row(
                "UPDATE story_meta SET next_id = next_id + 1 WHERE id = 1 RETURNING next_id - 1",
                [],
                |r| r.get(0),
            )?;
            ix.rekey(founder, id);
            conn.prepare_cached(
                "INSERT INTO stories (id, first_seen, last_seen, size, outlets, headline_item, headline)
                 SELECT ?1, published, published, 1, 1, id, title FROM items WHERE id = ?2",
            )?
            .execute(params![id, founder])?;
            set_story.execute(params![founder, id])?;
            id
        } else {
            p.story
        };
        set_story.execute(params![item, story])?;
        let outlets = ix.story(story).map_or(1, |s| s.feeds.len() as i64);
        // A changed article that stayed in its story is counted once.
        let joined = i64::from(!p.stayed);
        conn.prepare_cached(
            "UPDATE stories SET size = size + ?5, outlets = max(outlets, ?3),
                 headline_item = CASE WHEN ?4 < first_seen THEN ?2 ELSE headline_item END,
                 headline = CASE WHEN ?4 < first_seen
                     THEN (SELECT title FROM items WHERE id = ?2) ELSE headline END,
                 first_seen = min(first_seen, ?4), last_seen = max(last_seen, ?4)
             WHERE id = ?1",
        )?
        .execute(params![story, item, outlets, input.at, joined])?;
    }
    Ok(())
}

/// An item left a stored story (its text changed).
fn leave(conn: &Connection, ix: &Index, story: i64, item: i64) -> Result<(), StoreError> {
    if story < FIRST_STORY_ID {
        return Ok(());
    }
    let outlets = ix.story(story).map_or(0, |s| s.feeds.len() as i64);
    conn.prepare_cached(
        "UPDATE stories SET size = size - 1, outlets = ?3,
             headline_item = CASE WHEN headline_item = ?2
                 THEN (SELECT min(id) FROM items WHERE story = ?1 AND id <> ?2) ELSE headline_item END,
             headline = CASE WHEN headline_item = ?2
                 THEN coalesce((SELECT title FROM items WHERE story = ?1 AND id <> ?2
                                ORDER BY id LIMIT 1), '') ELSE headline END
         WHERE id = ?1",
    )?
    .execute(params![story, item, outlets])?;
    conn.prepare_cached("DELETE FROM stories WHERE id = ?1 AND size <= 0")?
        .execute([story])?;
    Ok(())
}

/// A stored story with its items.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Story {
    /// Story id (shared by its items' `story`).
    pub id: i64,
    /// The representative headline (the earliest report's).
    pub headline: String,
    /// First report, RFC 3339.
    pub first_seen: String,
    /// Latest report, RFC 3339.
    pub last_seen: String,
    /// Number of items.
    pub size: i64,
    /// Number of outlets.
    pub outlets: i64,
    /// Its items, earliest first.
    pub items: Vec<Headline>,
}

impl Store {
    /// Switches grouping at ingest on or off for this connection (items
    /// stored while it is off stay alone; benchmarks compare both).
    pub fn set_story_grouping(&mut self, on: bool) {
        self.stories.off = !on;
        self.stories.index = None;
    }

    /// Stories of two or more items seen since `since`, most outlets first,
    /// with their items.
    pub fn stories(&self, since: Timestamp, limit: usize) -> Result<Vec<Story>, StoreError> {
        let mut q = self.conn.prepare_cached(
            "SELECT id, headline, first_seen, last_seen, size, outlets FROM stories
             WHERE last_seen >= ?1 AND size >= 2
             ORDER BY outlets DESC, size DESC, last_seen DESC LIMIT ?2",
        )?;
        let rows: Vec<(i64, String, i64, i64, i64, i64)> = q
            .query_map(params![since, limit as i64], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, headline, first, last, size, outlets) in rows {
            out.push(Story {
                id,
                headline,
                first_seen: model::rfc3339(first),
                last_seen: model::rfc3339(last),
                size,
                outlets,
                items: self.story_items(id)?,
            });
        }
        Ok(out)
    }

    /// The items of a stored story, earliest first (hidden ones left out).
    pub fn story_items(&self, story: i64) -> Result<Vec<Headline>, StoreError> {
        let mut q = self.conn.prepare_cached(&format!(
            "SELECT {} FROM items i JOIN feeds f ON f.id = i.feed_id
             WHERE i.story = ?1 AND i.hidden = 0 ORDER BY i.published, i.id",
            super::HEADLINE_COLS
        ))?;
        let rows = q.query_map([story], super::headline_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Lone reports (in no story) published since `since` that hit a
    /// followed topic, newest first (the digest lists them beside the
    /// stories).
    pub fn lone_followed(
        &self,
        since: Timestamp,
        limit: usize,
    ) -> Result<Vec<Headline>, StoreError> {
        let mut q = self.conn.prepare_cached(&format!(
            "SELECT {} FROM items i JOIN feeds f ON f.id = i.feed_id
             WHERE i.story IS NULL AND i.hidden = 0 AND i.published >= ?1
               AND i.id IN (SELECT item_id FROM topic_hits
                            WHERE topic_id IN (SELECT id FROM topics WHERE action = 'follow'))
             ORDER BY i.published DESC, i.id DESC LIMIT ?2",
            super::HEADLINE_COLS
        ))?;
        let rows = q.query_map(params![since, limit as i64], super::headline_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Names of the followed topics any of `items` hit, by name.
    pub fn followed_topics_of(&self, items: &[ItemId]) -> Result<Vec<String>, StoreError> {
        // One primary-key probe per (followed topic, item): there are few topics.
        let mut q = self.conn.prepare_cached(
            "SELECT t.name FROM topics t WHERE t.action = 'follow'
             AND EXISTS (SELECT 1 FROM topic_hits h WHERE h.topic_id = t.id AND h.item_id = ?1)",
        )?;
        let mut names: Vec<String> = Vec::new();
        for id in items {
            for name in q.query_map([id], |r| r.get::<_, String>(0))? {
                names.push(name?);
            }
        }
        names.sort_by_key(|n| n.to_lowercase());
        names.dedup();
        Ok(names)
    }

    /// The stored story row of `id`, if it has one: (size, outlets, headline).
    pub fn story_row(&self, id: i64) -> Result<Option<(i64, i64, String)>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT size, outlets, headline FROM stories WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
    }
}

/// The settings key of [`Store::story_rows`].
pub const KEY_STORY_ROWS: &str = "stories.rows";

impl Store {
    /// The story of every grouped item (lone items are left out: their
    /// story is themselves), read from the story index alone. The window's
    /// view worker groups its id list with this.
    pub fn story_map(&self) -> Result<std::collections::HashMap<ItemId, i64>, StoreError> {
        let mut q = self.conn.prepare_cached(
            "SELECT id, story FROM items INDEXED BY items_by_story WHERE story IS NOT NULL",
        )?;
        let rows = q.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Whether the window shows one row per story (the setting; on unless
    /// turned off). Grouping at ingest goes on either way, so turning the
    /// rows back on shows the stories of what arrived in between.
    pub fn story_rows(&self) -> Result<bool, StoreError> {
        let v: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                [KEY_STORY_ROWS],
                |r| r.get(0),
            )
            .optional()?;
        Ok(v.as_deref() != Some("0"))
    }

    /// Turns the window's story rows on or off.
    pub fn set_story_rows(&self, on: bool) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
            params![KEY_STORY_ROWS, if on { "1" } else { "0" }],
        )?;
        Ok(())
    }

    /// Marks every item of `story` read or unread (a lone item's story is
    /// its own id); returns how many changed.
    pub fn set_story_read(&self, story: i64, read: bool) -> Result<usize, StoreError> {
        let sql = if story >= FIRST_STORY_ID {
            "UPDATE items SET read = ?2 WHERE story = ?1 AND read <> ?2"
        } else {
            "UPDATE items SET read = ?2 WHERE id = ?1 AND read <> ?2"
        };
        Ok(self.conn.execute(sql, params![story, read])?)
    }

    /// Every visible hit of a topic with its read flag (from the hits and
    /// the items' covering index): the window counts them per story.
    pub fn topic_hit_reads(
        &self,
        topic: crate::topics::TopicId,
    ) -> Result<Vec<(ItemId, bool)>, StoreError> {
        let mut q = self.conn.prepare_cached(
            "SELECT h.item_id, i.read FROM topic_hits h JOIN items i INDEXED BY items_meta
                 ON i.id = h.item_id
             WHERE h.topic_id = ?1 AND i.hidden = 0",
        )?;
        let rows = q.query_map([topic], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The stored story `id` belongs to, if it is grouped.
    pub fn story_of(&self, id: ItemId) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT story FROM items WHERE id = ?1", [id], |r| {
                r.get::<_, Option<i64>>(0)
            })
            .optional()?
            .flatten())
    }

    /// Unread stories: a story is unread while any of its items is; a lone
    /// unread item is a story of its own. From the counts the triggers keep
    /// (`feed_stats`, `stories.unread`), not from the items.
    pub fn unread_stories(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT (SELECT coalesce(sum(unread), 0) FROM feed_stats)
                  - coalesce(sum(unread), 0) + coalesce(sum(unread > 0), 0) FROM stories",
            [],
            |r| r.get(0),
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fetch::Validators;
    use crate::model::{FeedId, IncomingFeed, IncomingItem};
    use crate::store::FetchRecord;

    fn item(identity: &str, title: &str, body: &str, at: i64) -> IncomingItem {
        IncomingItem {
            identity: identity.into(),
            title: title.into(),
            link: Some(format!("http://example.test/{identity}")),
            published: Some(at),
            summary: Some(format!("<p>{body}</p>")),
            ..Default::default()
        }
    }

    fn record(now: i64) -> FetchRecord {
        FetchRecord {
            fetched_at: now,
            next_check_at: now + 1800,
            validators: Validators::default(),
            new_url: None,
        }
    }

    fn feed(s: &mut Store, n: usize) -> FeedId {
        s.add_feed(&format!("http://outlet{n}.test/feed"), None, None)
            .unwrap()
    }

    fn put(s: &mut Store, f: FeedId, items: Vec<IncomingItem>) {
        let doc = IncomingFeed {
            items,
            ..Default::default()
        };
        s.apply_feed(f, &doc, &record(10_000)).unwrap();
    }

    fn story_of(s: &Store, title: &str) -> i64 {
        s.connection()
            .query_row(
                "SELECT coalesce(story, id) FROM items WHERE title = ?1",
                [title],
                |r| r.get(0),
            )
            .unwrap()
    }

    const QUAKE: [&str; 3] = [
        "Earthquake of magnitude 6.1 strikes Quetta",
        "Quetta earthquake: magnitude 6.1 tremor kills 12",
        "Strong earthquake hits Quetta, 12 dead",
    ];

    fn filled() -> (Store, Vec<FeedId>) {
        let mut s = Store::open_in_memory().unwrap();
        let feeds: Vec<FeedId> = (0..4).map(|n| feed(&mut s, n)).collect();
        put(
            &mut s,
            feeds[3],
            vec![
                item("f1", "Flood waters rise in Sindh villages", "", 100),
                item("f2", "Central bank holds interest rate", "", 100),
                item("f3", "Film festival opens in Cannes", "", 100),
                item("f4", "Cricket: Quetta Gladiators win the final", "", 100),
            ],
        );
        for (i, t) in QUAKE.iter().enumerate() {
            put(&mut s, feeds[i], vec![item(&format!("q{i}"), t, "", 200)]);
        }
        (s, feeds)
    }

    #[test]
    fn three_outlets_make_one_stored_story_and_deleting_keeps_it_right() {
        let (mut s, feeds) = filled();
        let id = story_of(&s, QUAKE[0]);
        assert!(id >= FIRST_STORY_ID, "a stored story");
        assert_eq!(story_of(&s, QUAKE[1]), id);
        assert_eq!(story_of(&s, QUAKE[2]), id);
        assert_ne!(story_of(&s, "Cricket: Quetta Gladiators win the final"), id);
        assert_eq!(s.story_row(id).unwrap(), Some((3, 3, QUAKE[0].to_string())));
        let list = s.stories(0, 10).unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].items.len(), 3);
        // The headline's outlet goes: counts and headline follow.
        s.remove_feed(feeds[0]).unwrap();
        assert_eq!(s.story_row(id).unwrap(), Some((2, 2, QUAKE[1].to_string())));
        // The window is reloaded after the delete, and a fourth report joins.
        put(
            &mut s,
            feeds[3],
            vec![item(
                "q9",
                "Quetta quake toll rises to 12, magnitude 6.1",
                "",
                300,
            )],
        );
        assert_eq!(
            story_of(&s, "Quetta quake toll rises to 12, magnitude 6.1"),
            id
        );
        assert_eq!(s.story_row(id).unwrap().map(|r| r.0), Some(3));
    }

    #[test]
    fn a_reopened_store_keeps_grouping_into_the_same_story() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.sqlite3");
        let id;
        {
            let mut s = Store::open(&path).unwrap();
            let f: Vec<FeedId> = (0..3).map(|n| feed(&mut s, n)).collect();
            put(&mut s, f[0], vec![item("a", QUAKE[0], "", 200)]);
            put(&mut s, f[1], vec![item("b", QUAKE[1], "", 200)]);
            id = story_of(&s, QUAKE[0]);
        }
        let mut s = Store::open(&path).unwrap();
        let f = s
            .feed_by_url("http://outlet2.test/feed")
            .unwrap()
            .unwrap()
            .id;
        put(&mut s, f, vec![item("c", QUAKE[2], "", 250)]);
        assert_eq!(story_of(&s, QUAKE[2]), id);
    }

    #[test]
    fn a_changed_item_leaves_its_story() {
        let (mut s, feeds) = filled();
        let id = story_of(&s, QUAKE[0]);
        // The third outlet rewrites its item into another event.
        put(
            &mut s,
            feeds[2],
            vec![item("q2", "Gold prices climb to a record high", "", 200)],
        );
        assert_eq!(s.story_row(id).unwrap().map(|r| (r.0, r.1)), Some((2, 2)));
        let moved = story_of(&s, "Gold prices climb to a record high");
        assert_ne!(moved, id);
        assert!(moved < FIRST_STORY_ID, "alone again");
    }

    #[test]
    fn a_saved_article_page_regroups_its_item_and_grouping_can_be_off() {
        use crate::extract::{Article, Block, Inline};
        use crate::store::articles::{ArticleRecord, ArticleStatus};
        let (mut s, feeds) = filled();
        let id = story_of(&s, QUAKE[0]);
        let moved: ItemId = s
            .connection()
            .query_row("SELECT id FROM items WHERE title = ?1", [QUAKE[2]], |r| {
                r.get(0)
            })
            .unwrap();
        // The page turns out to be about something else entirely (a wrong link).
        let text = "Gold prices climbed to a record on Tuesday as jewellers in Lahore and \
                    Karachi reported strong demand before the wedding season, traders said.";
        let doc = Article {
            blocks: vec![Block::Paragraph {
                inlines: vec![Inline::Text { text: text.into() }],
            }],
            ..Default::default()
        };
        let rec = ArticleRecord {
            status: ArticleStatus::Ok,
            reason: None,
            fetched_at: 300,
            url: None,
            content_type: None,
            extractor_version: 1,
            document: Some(doc),
            original: None,
        };
        // A page on the same event keeps the item where it was, counted once.
        let same = "An earthquake of magnitude 6.1 struck Quetta, killing 12 people.";
        let same_rec = ArticleRecord {
            document: Some(Article {
                blocks: vec![Block::Paragraph {
                    inlines: vec![Inline::Text { text: same.into() }],
                }],
                ..Default::default()
            }),
            ..rec.clone()
        };
        s.save_article(moved, &same_rec).unwrap();
        assert_eq!(story_of(&s, QUAKE[2]), id);
        assert_eq!(s.story_row(id).unwrap().map(|r| r.0), Some(3), "size");
        assert_eq!(s.story_items(id).unwrap().len(), 3);

        s.save_article(moved, &rec).unwrap();
        assert_ne!(story_of(&s, QUAKE[2]), id, "the page moved it out");
        assert_eq!(s.story_row(id).unwrap().map(|r| r.0), Some(2));

        s.set_story_grouping(false);
        put(
            &mut s,
            feeds[3],
            vec![item(
                "q8",
                "Quetta earthquake of magnitude 6.1 kills 12",
                "",
                300,
            )],
        );
        assert!(
            story_of(&s, "Quetta earthquake of magnitude 6.1 kills 12") < FIRST_STORY_ID,
            "grouping off: alone"
        );
    }

    #[test]
    fn a_story_is_read_unread_counted_and_notified_once() {
        use crate::topics::TopicSpec;
        let (mut s, feeds) = filled();
        s.add_topic(&TopicSpec::follow("Museums", "museum"), 0)
            .unwrap();
        let id = story_of(&s, QUAKE[0]);
        // Seven unread items: four alone, three in one story: five stories.
        assert_eq!(s.counts(0).unwrap().1, 7);
        assert_eq!(s.unread_stories().unwrap(), 5);
        assert_eq!(s.set_story_read(id, true).unwrap(), 3);
        assert_eq!(s.unread_stories().unwrap(), 4);
        assert_eq!(s.counts(0).unwrap().1, 4);
        s.set_story_read(id, false).unwrap();
        let one: ItemId = s
            .connection()
            .query_row("SELECT id FROM items WHERE title = ?1", [QUAKE[1]], |r| {
                r.get(0)
            })
            .unwrap();
        s.set_read(one, true).unwrap();
        assert_eq!(s.unread_stories().unwrap(), 5, "unread while any item is");
        s.set_story_read(id, false).unwrap();
        // Backfilled hits are silent; new reports of one event ring once.
        let _ = s.take_new_hits(10_000).unwrap();
        let fresh = |n: usize, t: &str| item(&format!("n{n}"), t, "", 400);
        put(
            &mut s,
            feeds[0],
            vec![fresh(1, "Lahore museum reopens its Mughal gallery")],
        );
        put(
            &mut s,
            feeds[1],
            vec![fresh(
                2,
                "Mughal gallery of Lahore museum reopens after repairs",
            )],
        );
        put(
            &mut s,
            feeds[2],
            vec![fresh(3, "Lahore museum Mughal gallery open again")],
        );
        assert_eq!(
            story_of(&s, "Lahore museum Mughal gallery open again"),
            story_of(&s, "Lahore museum reopens its Mughal gallery"),
            "the fixture groups"
        );
        assert_ne!(
            story_of(&s, "Lahore museum Mughal gallery open again"),
            id,
            "another event"
        );
        let hits = s.take_new_hits(10_000).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].1, 1, "three reports of one event count once");
        // A fourth outlet's report of a story already notified does not ring.
        put(
            &mut s,
            feeds[3],
            vec![fresh(
                4,
                "Crowds at the reopened Mughal gallery of Lahore museum",
            )],
        );
        assert!(s.take_new_hits(10_000).unwrap().is_empty());
        // With story rows off, every article counts.
        s.set_story_rows(false).unwrap();
        put(
            &mut s,
            feeds[3],
            vec![fresh(5, "Lahore museum Mughal gallery: tickets sold out")],
        );
        assert_eq!(s.take_new_hits(10_000).unwrap().len(), 1);
        assert!(!s.story_rows().unwrap());
    }
}

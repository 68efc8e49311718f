//! Topics in the store: the topic rows, their hits, and the one place
//! where an article's text is analysed, indexed and matched.
//!
//! - [`index_and_match`] is called for every item stored or updated and for
//!   every article saved or re-extracted: it writes the full-text row, the
//!   language, and the topic hits (a diff against the item's old hits).
//! - A new or edited topic is backfilled with one FTS5 query over the same
//!   tokens ([`Store::backfill_topic`]).
//! - Counts (`topics.total`, `topics.unread`) are kept by triggers
//!   (migration 4), so the sidebar reads them without searching.
//! - A hide topic ("mute words") marks what it matches hidden and read;
//!   hidden items are left out of every list.

use std::collections::HashSet;

use rusqlite::{Connection, OptionalExtension, params};

use super::Store;
use crate::error::StoreError;
use crate::model::{FeedId, ItemId, Timestamp};
use crate::topics::text::{self, Analyzed};
use crate::topics::{Action, Compiled, Origin, Topic, TopicError, TopicId, TopicSpec, suggest};

const TOPIC_COLS: &str =
    "id, name, query, feed_id, folder, lang, action, notify, muted_until, total, unread";

fn topic_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Topic> {
    Ok(Topic {
        id: r.get(0)?,
        spec: TopicSpec {
            name: r.get(1)?,
            query: r.get(2)?,
            feed: r.get(3)?,
            folder: r.get(4)?,
            lang: r.get(5)?,
            action: Action::parse(&r.get::<_, String>(6)?),
            notify: r.get(7)?,
        },
        muted_until: r.get(8)?,
        total: r.get(9)?,
        unread: r.get(10)?,
    })
}

/// Every topic, compiled (topics whose stored query no longer parses are
/// skipped rather than failing the write).
pub(crate) fn compiled_topics(conn: &Connection) -> Result<Vec<Compiled>, StoreError> {
    let mut st = conn.prepare_cached(&format!("SELECT {TOPIC_COLS} FROM topics"))?;
    let rows = st.query_map([], topic_from_row)?;
    let mut out = Vec::new();
    for t in rows {
        let t = t?;
        if let Ok(expr) = crate::topics::query::parse(&t.spec.query) {
            out.push(Compiled {
                id: t.id,
                expr,
                feed: t.spec.feed,
                folder: t.spec.folder,
                lang: t.spec.lang,
                action: t.spec.action,
            });
        }
    }
    Ok(out)
}

/// What [`index_and_match`] needs to know about the item.
pub(crate) struct ItemText<'a> {
    pub id: ItemId,
    pub feed: FeedId,
    pub folder: Option<&'a str>,
    pub title: &'a str,
    pub body: &'a str,
    /// Declared language (page or feed), if any.
    pub declared_lang: Option<&'a str>,
    /// When it was published (for story grouping).
    pub at: Timestamp,
    /// Whether the item was stored before (it may have a full-text row
    /// and hits to replace); false for a new item.
    pub replace: bool,
}

/// Writes waiting for the end of a feed's (or an article's) transaction.
///
/// - Full-text rows: FTS5 flushes its pending terms to a new segment
///   whenever a statement opens a savepoint (any statement that fires a
///   trigger does), so writing the rows one by one between item inserts
///   made hundreds of tiny segments and merges.
/// - New topic hits, counted with one UPDATE per topic instead of a
///   trigger per hit.
#[derive(Default)]
pub(crate) struct Pending {
    fts: Vec<(ItemId, bool, String, String)>,
    /// New items per language: (count, unread), added to `lang_stats` in
    /// one statement per language (see [`queue_new`]).
    langs: std::collections::HashMap<String, (i64, i64)>,
    /// (topic, item, the item is unread, arrived now).
    hits: Vec<(TopicId, ItemId, bool, bool)>,
    /// Items to place in stories (`store::stories::group`), from the same
    /// analysed tokens.
    pub(crate) stories: Vec<super::stories::StoryInput>,
}

impl Pending {
    /// Writes everything; returns the hits that arrived now (for
    /// notifications).
    pub(crate) fn write(mut self, conn: &Connection) -> Result<Vec<(TopicId, ItemId)>, StoreError> {
        self.write_langs(conn)?;
        let mut del = conn.prepare_cached("DELETE FROM items_fts WHERE rowid = ?1")?;
        for (id, replace, _, _) in &self.fts {
            if *replace {
                del.execute([id])?;
            }
        }
        let mut ins =
            conn.prepare_cached("INSERT INTO items_fts (rowid, title, body) VALUES (?1, ?2, ?3)")?;
        for (id, _, title, body) in &self.fts {
            ins.execute(params![id, title, body])?;
        }
        let mut fresh = Vec::new();
        let mut counts: std::collections::HashMap<TopicId, (i64, i64)> =
            std::collections::HashMap::new();
        let mut hit = conn.prepare_cached(
            "INSERT OR IGNORE INTO topic_hits (topic_id, item_id) VALUES (?1, ?2)",
        )?;
        for (topic, item, unread, now) in self.hits {
            if hit.execute(params![topic, item])? == 1 {
                let c = counts.entry(topic).or_default();
                c.0 += 1;
                c.1 += i64::from(unread);
                if now {
                    fresh.push((topic, item));
                }
            }
        }
        let mut upd = conn.prepare_cached(
            "UPDATE topics SET total = total + ?2, unread = unread + ?3 WHERE id = ?1",
        )?;
        for (topic, (total, unread)) in counts {
            upd.execute(params![topic, total, unread])?;
        }
        Ok(fresh)
    }
}

impl Pending {
    /// Adds the queued new items to `lang_stats`. Called before any write
    /// that fires the `lang_stats` triggers on an item of this transaction
    /// (an update of an item inserted earlier in it), so each trigger sees
    /// the counts it would have seen had every insert counted itself.
    pub(crate) fn write_langs(&mut self, conn: &Connection) -> Result<(), StoreError> {
        if self.langs.is_empty() {
            return Ok(());
        }
        let mut row = conn.prepare_cached("INSERT OR IGNORE INTO lang_stats (lang) VALUES (?1)")?;
        let mut add = conn.prepare_cached(
            "UPDATE lang_stats SET total = total + ?2, unread = unread + ?3 WHERE lang = ?1",
        )?;
        for (lang, (total, unread)) in self.langs.drain() {
            row.execute([&lang])?;
            add.execute(params![lang, total, unread])?;
        }
        Ok(())
    }
}

/// A new item analysed before its row is inserted: the insert carries its
/// language and whether a hide topic matched (hidden and read), so it needs
/// no update after (see [`queue_new`]).
pub(crate) struct NewItem {
    doc: Analyzed,
    /// Its language (declared, else detected).
    pub lang: Option<String>,
    /// A hide topic matched: insert it hidden and read.
    pub hidden: bool,
    matched: Vec<TopicId>,
    /// [`Queued`] made ahead, if it was.
    queued: Option<Queued>,
}

/// An item's text analysed before the store's transaction, on a parse
/// worker in parallel with fetching (`store::prepare_items`): the part of
/// [`analyse_new`] that needs only the item. The declared language is
/// settled in the store, from the feed's row, exactly as `lang::of` would.
pub(crate) struct Prepared {
    /// `store::index_text` of the item.
    pub(crate) body: String,
    /// `Analyzed::new(title, body)`.
    pub(crate) doc: Analyzed,
    /// `lang::detect_item(title, body)`, when the document declared no
    /// usable language (else `None`: not needed, or not known here).
    pub(crate) detected: Option<Option<String>>,
    /// What [`queue_new`] makes from `doc`: story features and the title's
    /// and body's full-text forms.
    pub(crate) queued: Queued,
}

/// Story features, and the title's and body's full-text forms, of an
/// analysed item.
pub(crate) type Queued = (crate::stories::Features, String, String);

/// [`Queued`] of `doc`.
pub(crate) fn queued(doc: &Analyzed) -> Queued {
    (
        crate::stories::features(&doc.title, &doc.body),
        text::index_form(&doc.title),
        text::index_form(&doc.body),
    )
}

/// Analyses a new item's text once: tokens, language, topic matches.
/// `pre`: its tokens and detected language made ahead ([`Prepared`]).
pub(crate) fn analyse_new(
    item: &ItemText<'_>,
    topics: &[Compiled],
    pre: Option<(Analyzed, Option<Option<String>>, Queued)>,
) -> NewItem {
    let (doc, detected, queued) = match pre {
        Some((doc, detected, queued)) => (doc, detected, Some(queued)),
        None => (Analyzed::new(item.title, item.body), None, None),
    };
    // `lang::of`, with the detection perhaps done ahead.
    let lang = match item.declared_lang.and_then(crate::lang::from_declared) {
        Some(l) => Some(l),
        None => match detected {
            Some(d) => d,
            None => crate::lang::detect_item(item.title, item.body),
        },
    };
    let origin = Origin {
        feed: item.feed,
        folder: item.folder,
        lang: lang.as_deref(),
    };
    let mut hidden = false;
    let mut matched = Vec::new();
    for t in topics {
        if t.matches(origin, &doc) {
            hidden |= t.action == Action::Hide;
            matched.push(t.id);
        }
    }
    NewItem {
        doc,
        lang,
        hidden,
        matched,
        queued,
    }
}

/// Queues a new item's full-text row, story features, language count and
/// hits, once its row (with `new.lang` and `new.hidden`) is inserted as
/// `id`. Stores what [`index_and_match`] would for a new item: its language
/// counted in `lang_stats` (unread unless hidden), its hits unread unless
/// hidden.
pub(crate) fn queue_new(
    id: ItemId,
    item: &ItemText<'_>,
    new: NewItem,
    arrived: bool,
    pending: &mut Pending,
) {
    let NewItem {
        doc,
        lang,
        hidden,
        matched,
        queued: ahead,
    } = new;
    let (features, fts_title, fts_body) = ahead.unwrap_or_else(|| queued(&doc));
    pending.stories.push(super::stories::StoryInput {
        item: id,
        feed: item.feed.0,
        at: item.at,
        features,
    });
    pending.fts.push((id, false, fts_title, fts_body));
    if let Some(l) = lang {
        let c = pending.langs.entry(l).or_default();
        c.0 += 1;
        c.1 += i64::from(!hidden);
    }
    for t in matched {
        pending.hits.push((t, id, !hidden, arrived));
    }
}

/// Analyses an item's text, queues its full-text row and new hits in
/// `pending`, records its language, removes hits it no longer has and
/// applies hide topics. `arrived`: whether new hits count as news (for
/// notifications).
pub(crate) fn index_and_match(
    conn: &Connection,
    item: &ItemText<'_>,
    topics: &[Compiled],
    arrived: bool,
    pending: &mut Pending,
) -> Result<(), StoreError> {
    let doc = Analyzed::new(item.title, item.body);
    pending.stories.push(super::stories::StoryInput {
        item: item.id,
        feed: item.feed.0,
        at: item.at,
        features: crate::stories::features(&doc.title, &doc.body),
    });
    pending.fts.push((
        item.id,
        item.replace,
        text::index_form(&doc.title),
        text::index_form(&doc.body),
    ));
    let lang = crate::lang::of(item.declared_lang, item.title, item.body);
    conn.prepare_cached("UPDATE items SET lang = coalesce(?2, lang) WHERE id = ?1")?
        .execute(params![item.id, lang])?;
    let lang = match lang {
        Some(l) => Some(l),
        None => conn
            .prepare_cached("SELECT lang FROM items WHERE id = ?1")?
            .query_row([item.id], |r| r.get(0))?,
    };
    let origin = Origin {
        feed: item.feed,
        folder: item.folder,
        lang: lang.as_deref(),
    };
    let matched: Vec<&Compiled> = topics.iter().filter(|t| t.matches(origin, &doc)).collect();
    if !item.replace && matched.is_empty() {
        // A new item no topic matches: nothing to record or unhide.
        return Ok(());
    }
    let existing = item.replace;
    let old: HashSet<TopicId> = if !existing {
        HashSet::new()
    } else {
        let mut st = conn.prepare_cached(
            "SELECT t.id FROM topics t WHERE EXISTS
                 (SELECT 1 FROM topic_hits h WHERE h.topic_id = t.id AND h.item_id = ?1)",
        )?;
        st.query_map([item.id], |r| r.get(0))?
            .collect::<Result<_, _>>()?
    };
    let new: HashSet<TopicId> = matched.iter().map(|t| t.id).collect();
    for gone in old.difference(&new) {
        conn.prepare_cached("DELETE FROM topic_hits WHERE topic_id = ?1 AND item_id = ?2")?
            .execute(params![gone, item.id])?;
    }
    if matched.iter().any(|t| t.action == Action::Hide) {
        conn.prepare_cached("UPDATE items SET hidden = 1, read = 1 WHERE id = ?1 AND hidden = 0")?
            .execute([item.id])?;
    } else if existing {
        conn.prepare_cached("UPDATE items SET hidden = 0 WHERE id = ?1 AND hidden = 1")?
            .execute([item.id])?;
    }
    let unread = if matched.iter().any(|t| !old.contains(&t.id)) {
        conn.prepare_cached("SELECT read = 0 FROM items WHERE id = ?1")?
            .query_row([item.id], |r| r.get(0))?
    } else {
        false
    };
    for t in matched {
        if !old.contains(&t.id) {
            pending.hits.push((t.id, item.id, unread, arrived));
        }
    }
    Ok(())
}

/// Unhides items no hide topic matches any more (they stay read).
fn refresh_hidden(conn: &Connection) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE items SET hidden = 0 WHERE hidden = 1 AND id NOT IN
             (SELECT h.item_id FROM topic_hits h JOIN topics t ON t.id = h.topic_id
              WHERE t.action = 'hide')",
        [],
    )?;
    Ok(())
}

/// The WHERE clause (without WHERE) and arguments for a topic's scope, over
/// `items i JOIN feeds f`.
fn scope_sql(spec: &TopicSpec) -> (String, Vec<rusqlite::types::Value>) {
    let mut conds =
        vec!["i.id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)".to_string()];
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    if let Some(feed) = spec.feed {
        conds.push("i.feed_id = ?".into());
        args.push(feed.0.into());
    }
    if let Some(folder) = &spec.folder {
        conds.push("f.folder = ?".into());
        args.push(folder.clone().into());
    }
    if let Some(lang) = &spec.lang {
        conds.push("i.lang = ?".into());
        args.push(lang.clone().into());
    }
    (conds.join(" AND "), args)
}

impl Store {
    /// Every topic, by name.
    pub fn topics(&self) -> Result<Vec<Topic>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached(&format!("SELECT {TOPIC_COLS} FROM topics ORDER BY name"))?;
        let rows = st.query_map([], topic_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One topic.
    pub fn topic(&self, id: TopicId) -> Result<Topic, StoreError> {
        self.conn
            .query_row(
                &format!("SELECT {TOPIC_COLS} FROM topics WHERE id = ?1"),
                [id],
                topic_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("topic {id}")))
    }

    /// A topic by name (case-insensitive).
    pub fn topic_by_name(&self, name: &str) -> Result<Topic, StoreError> {
        self.conn
            .query_row(
                &format!("SELECT {TOPIC_COLS} FROM topics WHERE name = ?1"),
                [name.trim()],
                topic_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("topic \"{}\"", name.trim())))
    }

    /// Refuses a name another topic (not `except`) has.
    fn name_free(&self, name: &str, except: Option<TopicId>) -> Result<(), StoreError> {
        match self.topic_by_name(name) {
            Ok(other) if Some(other.id) != except => {
                Err(TopicError::Name(format!("a topic named \"{}\" exists", name.trim())).into())
            }
            _ => Ok(()),
        }
    }

    /// Creates a topic and fills it from the articles already stored.
    pub fn add_topic(&mut self, spec: &TopicSpec, now: Timestamp) -> Result<TopicId, StoreError> {
        spec.compile()?;
        self.name_free(&spec.name, None)?;
        self.conn.execute(
            "INSERT INTO topics (name, query, feed_id, folder, lang, action, notify, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                spec.name.trim(),
                spec.query,
                spec.feed,
                spec.folder,
                spec.lang,
                spec.action.as_str(),
                spec.notify,
                now
            ],
        )?;
        let id = TopicId(self.conn.last_insert_rowid());
        self.backfill_topic(id)?;
        Ok(id)
    }

    /// Changes a topic; a changed query or scope is backfilled again.
    pub fn update_topic(&mut self, id: TopicId, spec: &TopicSpec) -> Result<(), StoreError> {
        spec.compile()?;
        let old = self.topic(id)?;
        self.name_free(&spec.name, Some(id))?;
        self.conn.execute(
            "UPDATE topics SET name = ?2, query = ?3, feed_id = ?4, folder = ?5, lang = ?6,
                 action = ?7, notify = ?8 WHERE id = ?1",
            params![
                id,
                spec.name.trim(),
                spec.query,
                spec.feed,
                spec.folder,
                spec.lang,
                spec.action.as_str(),
                spec.notify
            ],
        )?;
        let same = |a: &TopicSpec, b: &TopicSpec| {
            (&a.query, a.feed, &a.folder, &a.lang, a.action)
                == (&b.query, b.feed, &b.folder, &b.lang, b.action)
        };
        if !same(&old.spec, spec) {
            self.backfill_topic(id)?;
        }
        Ok(())
    }

    /// Deletes a topic (its hits go with it; items it hid come back).
    pub fn remove_topic(&mut self, id: TopicId) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let n = tx.execute("DELETE FROM topics WHERE id = ?1", [id])?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("topic {id}")));
        }
        refresh_hidden(&tx)?;
        tx.commit()?;
        Ok(())
    }

    /// Mutes a topic until `until` (None unmutes).
    pub fn mute_topic(&self, id: TopicId, until: Option<Timestamp>) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE topics SET muted_until = ?2 WHERE id = ?1",
            params![id, until],
        )?;
        Ok(())
    }

    /// Recomputes a topic's hits over every stored article with one
    /// full-text query. Backfilled hits are silent (no notification).
    pub fn backfill_topic(&mut self, id: TopicId) -> Result<usize, StoreError> {
        let topic = self.topic(id)?;
        let fts = topic.spec.compile()?.to_fts();
        let (scope, mut args) = scope_sql(&topic.spec);
        args.insert(0, fts.into());
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM topic_hits WHERE topic_id = ?1", [id])?;
        let mut all = vec![rusqlite::types::Value::from(id.0)];
        all.extend(args);
        let n = tx.execute(
            &format!(
                "INSERT INTO topic_hits (topic_id, item_id)
                 SELECT ?, i.id FROM items i JOIN feeds f ON f.id = i.feed_id
                 WHERE {scope}"
            ),
            rusqlite::params_from_iter(all),
        )?;
        if topic.spec.action == Action::Hide {
            tx.execute(
                "UPDATE items SET hidden = 1, read = 1
                 WHERE hidden = 0 AND id IN (SELECT item_id FROM topic_hits WHERE topic_id = ?1)",
                [id],
            )?;
        }
        refresh_hidden(&tx)?;
        tx.execute(
            "UPDATE topics SET
                 total = (SELECT count(*) FROM topic_hits WHERE topic_id = ?1),
                 unread = (SELECT count(*) FROM topic_hits h JOIN items i ON i.id = h.item_id
                           WHERE h.topic_id = ?1 AND i.read = 0)
             WHERE id = ?1",
            [id],
        )?;
        tx.commit()?;
        Ok(n)
    }

    /// How many stored articles (and unread ones) a topic would match,
    /// for the preview while it is typed. Nothing is written.
    pub fn preview_topic(&self, spec: &TopicSpec) -> Result<(i64, i64), StoreError> {
        let fts = spec.compile()?.to_fts();
        let (scope, mut args) = scope_sql(spec);
        args.insert(0, fts.into());
        Ok(self.conn.query_row(
            &format!(
                "SELECT count(*), coalesce(sum(i.read = 0), 0)
                 FROM items i JOIN feeds f ON f.id = i.feed_id WHERE i.hidden = 0 AND {scope}"
            ),
            rusqlite::params_from_iter(args),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// Takes the hits that arrived since the last call (new articles, and
    /// articles whose saved page newly matches) and summarises those of
    /// followed, unmuted, notifying topics that are still unread:
    /// (topic name, count, newest headline), for one batched notification
    /// per poll. Hits arrive in memory, so a restart forgets unsent ones.
    pub fn take_new_hits(
        &mut self,
        now: Timestamp,
    ) -> Result<Vec<(String, i64, String)>, StoreError> {
        let fresh = std::mem::take(&mut self.fresh_hits);
        // Per story (unless story rows are off): a story counts once per
        // topic, and not at all when an earlier report of it already hit
        // the topic, so one event told by five outlets rings once.
        let per_story = self.story_rows()?;
        let fresh_ids: std::collections::HashSet<(TopicId, ItemId)> =
            fresh.iter().copied().collect();
        let mut seen: std::collections::HashSet<(TopicId, i64)> = Default::default();
        let mut by_topic: std::collections::BTreeMap<TopicId, (i64, Timestamp, String)> =
            std::collections::BTreeMap::new();
        let mut item = self.conn.prepare_cached(
            "SELECT published, title, coalesce(story, id) FROM items
             WHERE id = ?1 AND read = 0 AND hidden = 0",
        )?;
        let mut earlier = self.conn.prepare_cached(
            "SELECT h.item_id FROM items i JOIN topic_hits h ON h.item_id = i.id
             WHERE i.story = ?1 AND h.topic_id = ?2",
        )?;
        for (topic, id) in fresh {
            let Some((published, title, story)) = item
                .query_row([id], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                    ))
                })
                .optional()?
            else {
                continue;
            };
            if per_story && story != id.0 {
                if !seen.insert((topic, story)) {
                    continue;
                }
                let mut known = false;
                for other in earlier.query_map(params![story, topic], |r| r.get::<_, ItemId>(0))? {
                    if !fresh_ids.contains(&(topic, other?)) {
                        known = true;
                        break;
                    }
                }
                if known {
                    continue;
                }
            }
            let e = by_topic
                .entry(topic)
                .or_insert((0, i64::MIN, String::new()));
            e.0 += 1;
            if published > e.1 {
                e.1 = published;
                e.2 = title;
            }
        }
        drop(item);
        drop(earlier);
        let mut out = Vec::new();
        for (id, (n, _, title)) in by_topic {
            let Ok(t) = self.topic(id) else { continue };
            if t.spec.action == Action::Follow && t.spec.notify && !t.is_muted(now) {
                out.push((t.spec.name, n, title));
            }
        }
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(out)
    }

    /// Topics worth following, from the last week's categories and headlines.
    pub fn suggested_topics(
        &self,
        now: Timestamp,
        limit: usize,
    ) -> Result<Vec<suggest::Suggestion>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT title, coalesce(categories, '') FROM items
             WHERE hidden = 0 AND published >= ?1 ORDER BY published DESC LIMIT 5000",
        )?;
        let rows: Vec<(String, String)> = st
            .query_map([now - 7 * 86_400], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let recent: Vec<suggest::Recent<'_>> = rows
            .iter()
            .map(|(title, cats)| suggest::Recent {
                title,
                categories: cats.split('\u{1f}').filter(|c| !c.is_empty()).collect(),
            })
            .collect();
        let existing: Vec<String> = self.topics()?.into_iter().map(|t| t.spec.query).collect();
        Ok(suggest::suggest(&recent, &existing, limit))
    }

    /// Rebuilds the full-text index, languages and topic hits of every item
    /// from stored text (after the tokenizer changed). Runs once, when a
    /// migration leaves the `reindex` task.
    pub(crate) fn run_store_tasks(&mut self) -> Result<(), StoreError> {
        let pending: Option<String> = self
            .conn
            .query_row(
                "SELECT name FROM store_tasks WHERE name = 'reindex'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        if pending.is_none() {
            return Ok(());
        }
        let tx = self.conn.transaction()?;
        let topics = compiled_topics(&tx)?;
        let mut pending = Pending::default();
        type Row = (
            ItemId,
            FeedId,
            Option<String>,
            String,
            String,
            Option<String>,
        );
        let rows: Vec<Row> = {
            let mut st = tx.prepare(
                "SELECT i.id, i.feed_id, f.folder, i.title,
                        coalesce(i.content, i.summary, ''), f.language
                 FROM items i JOIN feeds f ON f.id = i.feed_id",
            )?;
            st.query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?
            .collect::<Result<_, _>>()?
        };
        for (id, feed, folder, title, html, feed_lang) in rows {
            let article: Option<String> = tx
                .query_row(
                    "SELECT document FROM articles WHERE item_id = ?1 AND status = 'ok'",
                    [id],
                    |r| r.get(0),
                )
                .optional()?
                .flatten();
            let doc =
                article.and_then(|j| serde_json::from_str::<crate::extract::Article>(&j).ok());
            let body = match &doc {
                Some(d) => d.body_text(),
                None => super::plain_text(&html),
            };
            let declared = doc
                .as_ref()
                .and_then(|d| d.meta.language.clone())
                .or(feed_lang);
            index_and_match(
                &tx,
                &ItemText {
                    id,
                    feed,
                    folder: folder.as_deref(),
                    title: &title,
                    body: &body,
                    declared_lang: declared.as_deref(),
                    at: 0,
                    replace: false,
                },
                &topics,
                false,
                &mut pending,
            )?;
        }
        pending.write(&tx)?;
        tx.execute("DELETE FROM store_tasks WHERE name = 'reindex'", [])?;
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{Article, Block, Inline};
    use crate::fetch::Validators;
    use crate::model::{IncomingFeed, IncomingItem};
    use crate::store::articles::{ArticleRecord, ArticleStatus};
    use crate::store::{FetchRecord, HeadlineFilter};

    fn item(identity: &str, title: &str, body: &str) -> IncomingItem {
        IncomingItem {
            identity: identity.into(),
            title: title.into(),
            link: Some(format!("http://example.test/{identity}")),
            published: Some(100),
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

    fn store_with(items: Vec<IncomingItem>) -> (Store, FeedId) {
        let mut s = Store::open_in_memory().unwrap();
        let f = s.add_feed("http://example.test/feed", None, None).unwrap();
        let doc = IncomingFeed {
            items,
            ..Default::default()
        };
        s.apply_feed(f, &doc, &record(1_000)).unwrap();
        (s, f)
    }

    fn counts(s: &Store, id: TopicId) -> (i64, i64) {
        let t = s.topic(id).unwrap();
        (t.total, t.unread)
    }

    fn ids(s: &Store, topic: TopicId) -> Vec<ItemId> {
        s.headline_ids(&HeadlineFilter {
            topic: Some(topic),
            ..Default::default()
        })
        .unwrap()
    }

    #[test]
    fn topic_counts_stay_right_as_articles_are_read_deleted_and_reextracted() {
        let (mut s, f) = store_with(vec![
            item("a", "Cricket final in Lahore", "Pakistan won."),
            item("b", "Weather", "Rain in Karachi."),
            item("c", "IPL auction", "Cricket money."),
        ]);
        let cricket = s
            .add_topic(&TopicSpec::follow("Cricket", "cricket -IPL"), 0)
            .unwrap();
        assert_eq!(counts(&s, cricket), (1, 1), "backfilled");
        let a = ids(&s, cricket)[0];
        s.set_read(a, true).unwrap();
        assert_eq!(counts(&s, cricket), (1, 0));
        s.set_read(a, false).unwrap();
        s.set_read(a, false).unwrap();
        assert_eq!(
            counts(&s, cricket),
            (1, 1),
            "marking unread twice counts once"
        );

        // A new article matches on arrival, and is remembered as new.
        let doc = IncomingFeed {
            items: vec![item("d", "Test cricket returns", "")],
            ..Default::default()
        };
        s.apply_feed(f, &doc, &record(2_000)).unwrap();
        assert_eq!(counts(&s, cricket), (2, 2));
        let fresh = s.take_new_hits(2_000).unwrap();
        assert_eq!(
            fresh,
            [("Cricket".to_string(), 1, "Test cricket returns".to_string())]
        );

        // Re-extraction: the weather story's full text mentions cricket.
        let b = s
            .headline_ids(&HeadlineFilter {
                search: Some("weather".into()),
                ..Default::default()
            })
            .unwrap()[0];
        let doc = Article {
            blocks: vec![Block::Paragraph {
                inlines: vec![Inline::Text {
                    text: "Rain stopped the cricket at the stadium.".into(),
                }],
            }],
            ..Default::default()
        };
        let rec = |doc: Option<Article>| ArticleRecord {
            status: ArticleStatus::Ok,
            reason: None,
            fetched_at: 3_000,
            url: None,
            content_type: None,
            extractor_version: 1,
            document: doc,
            original: None,
        };
        s.save_article(b, &rec(Some(doc))).unwrap();
        assert_eq!(counts(&s, cricket), (3, 3));
        // ...and a later extraction that no longer mentions it drops the hit.
        let plain = Article {
            blocks: vec![Block::Paragraph {
                inlines: vec![Inline::Text {
                    text: "Rain all day.".into(),
                }],
            }],
            ..Default::default()
        };
        s.save_article(b, &rec(Some(plain))).unwrap();
        assert_eq!(counts(&s, cricket), (2, 2));

        // Deleting the feed deletes the hits.
        s.remove_feed(f).unwrap();
        assert_eq!(counts(&s, cricket), (0, 0));
    }

    #[test]
    fn backfill_and_arrival_agree() {
        let titles = [
            "Imran Khan speaks in Lahore",
            "Khan Imran is a different order",
            "PTI rally planned",
            "Cricketers arrive; IPL waits",
            "عمران خان کا خطاب",
            "عمران خان كا جلسه",
            "Markets",
        ];
        let items: Vec<IncomingItem> = titles
            .iter()
            .enumerate()
            .map(|(i, t)| item(&i.to_string(), t, "Filler text about the day."))
            .collect();
        let queries = [
            "\"Imran Khan\" OR PTI",
            "cricket -IPL",
            "cricket",
            "\"عمران خان\"",
            "جلسہ",
            "(imran OR markets) -lahore",
        ];
        // Topics made first see every article arrive...
        let mut arrival = Store::open_in_memory().unwrap();
        let f = arrival
            .add_feed("http://example.test/feed", None, None)
            .unwrap();
        let mut first = Vec::new();
        for (i, q) in queries.iter().enumerate() {
            first.push(
                arrival
                    .add_topic(&TopicSpec::follow(&format!("t{i}"), q), 0)
                    .unwrap(),
            );
        }
        arrival
            .apply_feed(
                f,
                &IncomingFeed {
                    items: items.clone(),
                    ..Default::default()
                },
                &record(1),
            )
            .unwrap();
        // ...topics made after are backfilled by FTS: the same hits.
        let (mut later, _) = store_with(items);
        for (i, q) in queries.iter().enumerate() {
            let t = later
                .add_topic(&TopicSpec::follow(&format!("t{i}"), q), 0)
                .unwrap();
            let preview = later.preview_topic(&TopicSpec::follow("x", q)).unwrap();
            assert_eq!(counts(&later, t), counts(&arrival, first[i]), "{q}");
            assert_eq!(preview, counts(&later, t), "{q}");
            assert_eq!(ids(&later, t), ids(&arrival, first[i]), "{q}");
        }
        let n = |q: &str| {
            let t = later
                .topic_by_name(&format!(
                    "t{}",
                    queries.iter().position(|x| *x == q).unwrap()
                ))
                .unwrap();
            t.total
        };
        assert_eq!(n("\"Imran Khan\" OR PTI"), 2);
        assert_eq!(n("cricket"), 1);
        assert_eq!(n("cricket -IPL"), 0);
        assert_eq!(
            n("\"عمران خان\""),
            2,
            "Arabic kaf and heh match the Urdu letters"
        );
        assert_eq!(n("جلسہ"), 1);
        assert_eq!(n("(imran OR markets) -lahore"), 2);
    }

    #[test]
    fn mute_words_hide_everywhere_until_removed() {
        let (mut s, _) = store_with(vec![
            item("a", "Celebrity gossip of the week", ""),
            item("b", "Budget debate", ""),
        ]);
        let all = |s: &Store| s.headline_ids(&HeadlineFilter::default()).unwrap().len();
        assert_eq!(all(&s), 2);
        let hide = s
            .add_topic(
                &TopicSpec {
                    action: Action::Hide,
                    ..TopicSpec::follow("No gossip", "gossip")
                },
                0,
            )
            .unwrap();
        assert_eq!(all(&s), 1);
        assert_eq!(s.counts(0).unwrap().1, 1, "hidden articles are read");
        s.remove_topic(hide).unwrap();
        assert_eq!(all(&s), 2);
    }

    #[test]
    fn bad_topics_are_refused_and_store_nothing() {
        let (mut s, _) = store_with(vec![item("a", "x", "")]);
        let e = s
            .add_topic(&TopicSpec::follow("t", "cricket OR"), 0)
            .unwrap_err();
        assert!(e.to_string().contains("each side"), "{e}");
        s.add_topic(&TopicSpec::follow("Cricket", "cricket"), 0)
            .unwrap();
        let e = s
            .add_topic(&TopicSpec::follow("cricket ", "ipl"), 0)
            .unwrap_err();
        assert!(e.to_string().contains("exists"), "{e}");
        assert_eq!(s.topics().unwrap().len(), 1);
    }

    #[test]
    fn muted_topics_do_not_notify_until_the_mute_expires() {
        let (mut s, f) = store_with(vec![]);
        let t = s
            .add_topic(&TopicSpec::follow("Cricket", "cricket"), 0)
            .unwrap();
        s.mute_topic(t, Some(5_000)).unwrap();
        let doc = IncomingFeed {
            items: vec![item("a", "Cricket today", "")],
            ..Default::default()
        };
        s.apply_feed(f, &doc, &record(2_000)).unwrap();
        assert!(s.take_new_hits(2_000).unwrap().is_empty(), "muted");
        let doc = IncomingFeed {
            // Another event: a later report of the muted one's story would
            // not ring (a story notifies once).
            items: vec![item(
                "b",
                "Rain stops play at the cricket ground in Multan",
                "",
            )],
            ..Default::default()
        };
        s.apply_feed(f, &doc, &record(6_000)).unwrap();
        assert_eq!(s.take_new_hits(6_000).unwrap().len(), 1, "the mute expired");
        assert!(s.take_new_hits(6_000).unwrap().is_empty(), "taken once");
        assert!(s.topic(t).unwrap().is_muted(4_999));
    }
}

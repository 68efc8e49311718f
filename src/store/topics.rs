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
    pub published: Timestamp,
    pub title: &'a str,
    pub body: &'a str,
    /// Declared language (page or feed), if any.
    pub declared_lang: Option<&'a str>,
    /// Whether the item already has a full-text row to replace.
    pub replace: bool,
}

/// Indexes an item's text, records its language and syncs its topic hits.
/// New hits get `arrived` as their arrival time (None for silent ones).
pub(crate) fn index_and_match(
    conn: &Connection,
    item: &ItemText<'_>,
    topics: &[Compiled],
    arrived: Option<Timestamp>,
) -> Result<(), StoreError> {
    let doc = Analyzed::new(item.title, item.body);
    if item.replace {
        conn.prepare_cached("DELETE FROM items_fts WHERE rowid = ?1")?
            .execute([item.id])?;
    }
    conn.prepare_cached("INSERT INTO items_fts (rowid, title, body) VALUES (?1, ?2, ?3)")?
        .execute(params![
            item.id,
            text::index_form(&doc.title),
            text::index_form(&doc.body)
        ])?;
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
    sync_hits(conn, item.id, item.published, &matched, arrived)
}

fn sync_hits(
    conn: &Connection,
    item: ItemId,
    published: Timestamp,
    matched: &[&Compiled],
    arrived: Option<Timestamp>,
) -> Result<(), StoreError> {
    let old: HashSet<TopicId> = {
        let mut st = conn.prepare_cached("SELECT topic_id FROM topic_hits WHERE item_id = ?1")?;
        st.query_map([item], |r| r.get(0))?
            .collect::<Result<_, _>>()?
    };
    let new: HashSet<TopicId> = matched.iter().map(|t| t.id).collect();
    for gone in old.difference(&new) {
        conn.prepare_cached("DELETE FROM topic_hits WHERE topic_id = ?1 AND item_id = ?2")?
            .execute(params![gone, item])?;
    }
    for t in matched {
        if !old.contains(&t.id) {
            conn.prepare_cached(
                "INSERT OR IGNORE INTO topic_hits (topic_id, item_id, published, arrived_at)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![t.id, item, published, arrived])?;
        }
    }
    let hide = matched.iter().any(|t| t.action == Action::Hide);
    if hide {
        conn.prepare_cached("UPDATE items SET hidden = 1, read = 1 WHERE id = ?1 AND hidden = 0")?
            .execute([item])?;
    } else {
        conn.prepare_cached("UPDATE items SET hidden = 0 WHERE id = ?1 AND hidden = 1")?
            .execute([item])?;
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

    /// Creates a topic and fills it from the articles already stored.
    pub fn add_topic(&mut self, spec: &TopicSpec, now: Timestamp) -> Result<TopicId, StoreError> {
        spec.compile()?;
        if self.topic_by_name(&spec.name).is_ok() {
            return Err(
                TopicError::Name(format!("a topic named \"{}\" exists", spec.name.trim())).into(),
            );
        }
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
        if let Ok(other) = self.topic_by_name(&spec.name)
            && other.id != id
        {
            return Err(
                TopicError::Name(format!("a topic named \"{}\" exists", spec.name.trim())).into(),
            );
        }
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
                "INSERT INTO topic_hits (topic_id, item_id, published, arrived_at)
                 SELECT ?, i.id, i.published, NULL FROM items i JOIN feeds f ON f.id = i.feed_id
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

    /// New hits of followed, unmuted, notifying topics that arrived at or
    /// after `since`: (topic name, count, newest headline), for one batched
    /// notification per poll.
    pub fn new_hits_since(
        &self,
        since: Timestamp,
        now: Timestamp,
    ) -> Result<Vec<(String, i64, String)>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT t.name, count(*), (SELECT i2.title FROM topic_hits h2 JOIN items i2 ON i2.id = h2.item_id
                    WHERE h2.topic_id = t.id AND h2.arrived_at >= ?1 AND i2.hidden = 0
                    ORDER BY i2.published DESC LIMIT 1)
             FROM topic_hits h JOIN topics t ON t.id = h.topic_id JOIN items i ON i.id = h.item_id
             WHERE h.arrived_at >= ?1 AND t.action = 'follow' AND t.notify = 1
               AND (t.muted_until IS NULL OR t.muted_until <= ?2) AND i.hidden = 0 AND i.read = 0
             GROUP BY t.id ORDER BY count(*) DESC, t.name",
        )?;
        let rows = st.query_map(params![since, now], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get::<_, Option<String>>(2)?.unwrap_or_default(),
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
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
        type Row = (
            ItemId,
            FeedId,
            Option<String>,
            Timestamp,
            String,
            String,
            Option<String>,
        );
        let rows: Vec<Row> = {
            let mut st = tx.prepare(
                "SELECT i.id, i.feed_id, f.folder, i.published, i.title,
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
                    r.get(6)?,
                ))
            })?
            .collect::<Result<_, _>>()?
        };
        for (id, feed, folder, published, title, html, feed_lang) in rows {
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
                    published,
                    title: &title,
                    body: &body,
                    declared_lang: declared.as_deref(),
                    replace: false,
                },
                &topics,
                None,
            )?;
        }
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
        let fresh = s.new_hits_since(2_000, 2_000).unwrap();
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
        assert!(s.new_hits_since(2_000, 2_000).unwrap().is_empty());
        assert_eq!(s.new_hits_since(2_000, 5_000).unwrap().len(), 1, "expired");
        assert!(s.topic(t).unwrap().is_muted(4_999));
    }
}

//! The ingest path against the straightforward one: fixture feeds (invented
//! English and Urdu news, `tests/fixtures/stories`) stored both ways must
//! leave the same rows: languages, full-text index (every term, column and
//! position), topic hits and counts, hidden flags, language counts, stories.

use super::{FetchRecord, Store, reference};
use crate::fetch::Validators;
use crate::model::FeedId;
use crate::topics::{Action, TopicSpec};

const EN: &str = include_str!("../../tests/fixtures/stories/events-en.tsv");
const UR: &str = include_str!("../../tests/fixtures/stories/events-ur.tsv");
const MIXED: &str = include_str!("../../tests/fixtures/stories/events-mixed.tsv");

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// One RSS document per outlet of a fixture file; `lang` declared or not,
/// `round` 2 edits some items (the update path).
fn feeds(tsv: &str, lang: Option<&str>, round: u32) -> Vec<(String, String)> {
    let mut by_outlet: Vec<(String, Vec<String>)> = Vec::new();
    for (n, line) in tsv.lines().filter(|l| !l.starts_with('#')).enumerate() {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 6 {
            continue;
        }
        let (id, outlet, minutes, title, body) = (f[0], f[2], f[3], f[4], f[5]);
        let minutes: i64 = minutes.parse().unwrap_or(0);
        let at = chrono::DateTime::from_timestamp(1_785_000_000 + minutes * 60, 0)
            .unwrap()
            .to_rfc2822();
        let mut body = format!(
            "<p>{}</p><p>&ldquo;Quoted&rdquo; &amp; more.</p>",
            esc(body)
        );
        if round == 2 && n % 3 == 0 {
            body.push_str("<p>Updated: officials gave new figures on Monday.</p>");
        }
        let item = format!(
            "<item><guid>{id}</guid><title>{}</title><link>http://example.test/{id}</link>\
             <pubDate>{at}</pubDate><description>{}</description></item>",
            esc(title),
            esc(&body)
        );
        match by_outlet.iter_mut().find(|(o, _)| o == outlet) {
            Some((_, v)) => v.push(item),
            None => by_outlet.push((outlet.to_string(), vec![item])),
        }
    }
    by_outlet
        .into_iter()
        .map(|(outlet, items)| {
            let lang = lang.map_or(String::new(), |l| format!("<language>{l}</language>"));
            (
                outlet.clone(),
                format!(
                    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{}</title>{lang}{}</channel></rss>",
                    esc(&outlet),
                    items.join("")
                ),
            )
        })
        .collect()
}

/// Every row ingest decides, as text.
fn dump(s: &Store) -> Vec<String> {
    let c = &s.conn;
    c.execute_batch(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_terms USING fts5vocab(main, items_fts, instance)",
    )
    .unwrap();
    let mut out = Vec::new();
    for (name, sql) in [
        (
            "items",
            "SELECT id, feed_id, identity, title, coalesce(lang, '-'), hidden, read, coalesce(story, 0)
             FROM items ORDER BY id",
        ),
        (
            "fts",
            "SELECT term, doc, col, offset, '', '', '', '' FROM temp.fts_terms ORDER BY doc, col, offset",
        ),
        (
            "hits",
            "SELECT topic_id, item_id, '', '', '', '', '', '' FROM topic_hits ORDER BY 1, 2",
        ),
        (
            "topics",
            "SELECT id, total, unread, '', '', '', '', '' FROM topics ORDER BY id",
        ),
        (
            "langs",
            "SELECT lang, total, unread, '', '', '', '', '' FROM lang_stats ORDER BY lang",
        ),
        (
            "feed_stats",
            "SELECT feed_id, total, unread, starred, '', '', '', '' FROM feed_stats ORDER BY 1",
        ),
        (
            "stories",
            "SELECT id, first_seen, last_seen, size, outlets, headline_item, headline, ''
             FROM stories ORDER BY id",
        ),
        (
            "story_keys",
            "SELECT item_id, at, feed_id, terms, wire, script, '', '' FROM story_keys ORDER BY 1",
        ),
    ] {
        let mut st = c.prepare(sql).unwrap();
        let rows = st
            .query_map([], |r| {
                let mut v = Vec::new();
                for i in 0..8 {
                    let x: rusqlite::types::Value = r.get(i)?;
                    v.push(format!("{x:?}"));
                }
                Ok(v.join("|"))
            })
            .unwrap();
        for r in rows {
            out.push(format!("{name}: {}", r.unwrap()));
        }
    }
    out
}

/// Stores every fixture feed (twice: as published, then with edits) into a
/// fresh store following a few topics, the straightforward way or not.
fn ingest(mode: Mode) -> Vec<String> {
    reference::set(mode == Mode::Plain);
    let mut s = Store::open_in_memory().unwrap();
    let topics = [
        TopicSpec::follow("quake", "earthquake OR زلزلہ"),
        TopicSpec::follow("quetta", "Quetta"),
        TopicSpec::follow("cricket", "\"six wickets\" OR cricket"),
        TopicSpec {
            lang: Some("ur".into()),
            ..TopicSpec::follow("urdu karachi", "کراچی")
        },
        TopicSpec {
            action: Action::Hide,
            ..TopicSpec::follow("mute flood", "flood")
        },
    ];
    for t in &topics {
        s.add_topic(t, 0).unwrap();
    }
    // Declared language in round 1 and round 2: the last set stops
    // declaring one (the feed's row keeps it; the poll's parse worker,
    // seeing none, detects ahead and the store must still prefer the row's).
    let sets = [
        ("en", EN, [Some("en-GB"); 2]),
        ("ur", UR, [Some("ur"); 2]),
        ("mixed", MIXED, [None; 2]),
        ("en-undeclared", EN, [None; 2]),
        ("mixed-then-undeclared", MIXED, [Some("ur"), None]),
        ("bad-tag", MIXED, [Some("english"); 2]),
    ];
    let mut ids: Vec<(String, FeedId)> = Vec::new();
    for round in 1..=2 {
        for (set, tsv, lang) in sets {
            for (outlet, xml) in feeds(tsv, lang[round as usize - 1], round) {
                let key = format!("{set}/{outlet}");
                let id = match ids.iter().find(|(k, _)| *k == key) {
                    Some((_, id)) => *id,
                    None => {
                        let url = format!("http://127.0.0.1:9/{}", ids.len());
                        let id = s.add_feed(&url, None, None).unwrap();
                        ids.push((key, id));
                        id
                    }
                };
                let doc = crate::parse::parse_feed(xml.as_bytes(), None, None).unwrap();
                let now = 1_785_100_000 + i64::from(round) * 3600;
                let record = FetchRecord {
                    fetched_at: now,
                    next_check_at: now + 1800,
                    validators: Validators::default(),
                    new_url: None,
                };
                if mode == Mode::Prepared {
                    // What the poller does: analysed on the parse worker.
                    let pre = super::prepare_items(&doc);
                    s.apply_feed_prepared(id, &doc, Some(pre), &record).unwrap();
                } else {
                    s.apply_feed(id, &doc, &record).unwrap();
                }
            }
        }
    }
    reference::set(false);
    dump(&s)
}

/// How items reach the store.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Mode {
    /// Insert, then analyse and update the row (`reference`).
    Plain,
    /// `apply_feed`: analysed in the transaction before the insert.
    Fast,
    /// `apply_feed_prepared`: analysed ahead, as on the poll's parse workers.
    Prepared,
}

#[test]
fn ingest_stores_what_the_straightforward_path_stores() {
    let plain = ingest(Mode::Plain);
    let prepared = ingest(Mode::Prepared);
    assert_eq!(prepared.len(), plain.len());
    for (a, b) in prepared.iter().zip(&plain) {
        assert_eq!(a, b, "prepared ahead");
    }
    let fast = ingest(Mode::Fast);
    // The fixtures exercise what is compared.
    for part in ["items", "fts", "hits", "langs", "stories", "story_keys"] {
        assert!(
            plain.iter().any(|l| l.starts_with(&format!("{part}: "))),
            "no {part} rows"
        );
    }
    for lang in ["\"en\"", "\"ur\""] {
        assert!(
            plain
                .iter()
                .any(|l| l.starts_with("langs: ") && l.contains(lang)),
            "no {lang} items"
        );
    }
    assert!(
        plain
            .iter()
            .any(|l| l.starts_with("items: ") && l.contains("|Integer(1)|Integer(1)|")),
        "a hide topic hid something"
    );
    assert_eq!(fast.len(), plain.len());
    for (a, b) in fast.iter().zip(&plain) {
        assert_eq!(a, b);
    }
}

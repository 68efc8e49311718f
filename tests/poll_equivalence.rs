//! The poll's ingest (items' text analysed on the parse workers, the
//! language detected there when the document declares none) stores what the
//! plain path stores: the same feeds served on loopback are polled into one
//! store and applied one by one with `Store::apply_feed` into another, in
//! the order the poll stored them; items, languages, full-text rows, topic
//! hits and stories must match, and every item's language must be what
//! `lang::of` gives for it alone (per-item detection, the reference).
//! Fixtures are invented English and Urdu news: feeds with and without a
//! declared language, one with a tag that is no language, one mixing scripts.

mod common;

use common::*;
use khabar::fetch::Validators;
use khabar::model::FeedId;
use khabar::poller::PollEvent;
use khabar::store::{FetchRecord, Store};
use khabar::topics::TopicSpec;

const EN: &[(&str, &str)] = &[
    (
        "Harbour council approves new ferry timetable",
        "The harbour council voted on Tuesday to add two evening ferries to the island route after residents complained about crowded boats and long queues at the pier.",
    ),
    (
        "Cricket club wins the regional final by six wickets",
        "The visiting bowlers could not contain the opening pair, and the home side reached the target with three overs to spare in front of a full ground.",
    ),
    (
        "Earthquake drill held in schools across the valley",
        "Teachers led pupils to the playgrounds during the morning drill, which the education office said it would repeat every term from now on.",
    ),
    (
        "Library extends its opening hours during the exam season",
        "Students will be able to study until midnight on weekdays, the library said, and the reading rooms will also open on Sunday afternoons.",
    ),
];

const UR: &[(&str, &str)] = &[
    (
        "کراچی میں بندرگاہ کے نئے اوقات کا اعلان",
        "شہر کی انتظامیہ نے منگل کے روز بتایا کہ بندرگاہ پر شام کے وقت دو نئی کشتیاں چلائی جائیں گی تاکہ مسافروں کو لمبی قطاروں سے نجات مل سکے۔",
    ),
    (
        "کرکٹ کلب نے علاقائی فائنل جیت لیا",
        "مہمان ٹیم کے گیند باز ابتدائی جوڑی کو نہ روک سکے اور میزبان ٹیم نے تین اوورز پہلے ہدف حاصل کر لیا جبکہ میدان تماشائیوں سے بھرا ہوا تھا۔",
    ),
    (
        "وادی کے اسکولوں میں زلزلہ کی مشق",
        "اساتذہ نے صبح کی مشق کے دوران بچوں کو کھیل کے میدانوں تک پہنچایا اور محکمہ تعلیم نے کہا کہ یہ مشق ہر سہ ماہی دہرائی جائے گی۔",
    ),
    (
        "امتحانات کے دوران کتب خانہ دیر تک کھلا رہے گا",
        "طلبہ ہفتے کے دنوں میں آدھی رات تک پڑھ سکیں گے اور اتوار کی سہ پہر بھی مطالعے کے کمرے کھلے رہیں گے۔",
    ),
];

/// An RSS document of `items`, declaring `lang` if given.
fn doc(name: &str, lang: Option<&str>, items: &[(&str, &str)]) -> String {
    let lang = lang.map_or(String::new(), |l| format!("<language>{l}</language>"));
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>{name}</title>{lang}\n"
    );
    for (n, (title, body)) in items.iter().enumerate() {
        s.push_str(&format!(
            "<item><guid>{name}-{n}</guid><title>{title}</title>\
             <link>http://example.test/{name}/{n}</link>\
             <pubDate>Mon, 03 Aug 2026 {:02}:00:00 GMT</pubDate>\
             <description>{body}</description></item>\n",
            8 + n
        ));
    }
    s.push_str("</channel></rss>\n");
    s
}

/// A fixture feed: name, declared language, items (title, text).
type Set<'a> = (&'a str, Option<&'static str>, &'a [(&'a str, &'a str)]);

/// The fixture feeds: path, declared language, document.
fn fixtures() -> Vec<(String, Option<&'static str>, String)> {
    let mixed: Vec<(&str, &str)> = EN.iter().zip(UR).flat_map(|(e, u)| [*e, *u]).collect();
    let sets: [Set<'_>; 7] = [
        ("en-declared", Some("en-US"), EN),
        ("en-undeclared", None, EN),
        ("ur-declared", Some("ur"), UR),
        ("ur-undeclared", None, UR),
        ("mixed-undeclared", None, &mixed),
        ("mixed-declared-ur", Some("ur_PK"), &mixed),
        ("mixed-bad-tag", Some("english"), &mixed),
    ];
    sets.iter()
        .map(|(name, lang, items)| (format!("/{name}"), *lang, doc(name, *lang, items)))
        .collect()
}

fn follow(s: &mut Store) {
    for t in [
        TopicSpec::follow("quake", "earthquake OR زلزلہ"),
        TopicSpec::follow("cricket", "\"six wickets\" OR کرکٹ"),
        TopicSpec {
            lang: Some("ur".into()),
            ..TopicSpec::follow("urdu karachi", "کراچی")
        },
    ] {
        s.add_topic(&t, 0).unwrap();
    }
}

/// Rows ingest decides, as text, without row ids' order or times.
fn dump(s: &Store) -> Vec<String> {
    let c = s.connection();
    c.execute_batch(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_terms USING fts5vocab(main, items_fts, instance)",
    )
    .unwrap();
    let mut out = Vec::new();
    for (name, sql) in [
        (
            "items",
            "SELECT feed_id, identity, title, coalesce(lang, '-'), hidden, read, coalesce(story, 0), published
             FROM items ORDER BY id",
        ),
        (
            "fts",
            "SELECT i.identity, t.term, t.col, t.offset, '', '', '', ''
             FROM temp.fts_terms t JOIN items i ON i.id = t.doc ORDER BY i.id, t.col, t.offset",
        ),
        (
            "hits",
            "SELECT h.topic_id, i.identity, '', '', '', '', '', ''
             FROM topic_hits h JOIN items i ON i.id = h.item_id ORDER BY 1, 2",
        ),
        (
            "langs",
            "SELECT lang, total, unread, '', '', '', '', '' FROM lang_stats ORDER BY lang",
        ),
        (
            "stories",
            "SELECT id, size, outlets, headline, '', '', '', '' FROM stories ORDER BY id",
        ),
        (
            "story_keys",
            "SELECT i.identity, k.feed_id, k.terms, k.wire, k.script, '', '', ''
             FROM story_keys k JOIN items i ON i.id = k.item_id ORDER BY 1",
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

#[test]
fn polled_items_are_stored_as_the_plain_path_stores_them() {
    let site = Site::new();
    let fixtures = fixtures();
    let mut p = poller();
    follow(p.store());
    let mut ids: Vec<FeedId> = Vec::new();
    for (path, _, body) in &fixtures {
        site.feed(path, RSS, body.clone());
        ids.push(p.store().add_feed(&site.url(path), None, None).unwrap());
    }
    let (summary, events) = poll(&mut p, false);
    assert_eq!(summary.fetched, fixtures.len(), "{events:?}");
    let order: Vec<FeedId> = events
        .iter()
        .filter_map(|e| match e {
            PollEvent::FeedDone { feed, .. } => Some(*feed),
            _ => None,
        })
        .collect();
    assert_eq!(order.len(), fixtures.len());

    // The reference: each document applied whole, in the poll's order.
    let mut plain = Store::open_in_memory().unwrap();
    follow(&mut plain);
    for (path, _, _) in &fixtures {
        plain.add_feed(&site.url(path), None, None).unwrap();
    }
    for id in &order {
        let n = ids.iter().position(|i| i == id).unwrap();
        let doc = khabar::parse::parse_feed(fixtures[n].2.as_bytes(), None, None).unwrap();
        let record = FetchRecord {
            fetched_at: 1_785_800_000,
            next_check_at: 1_785_801_800,
            validators: Validators::default(),
            new_url: None,
        };
        plain.apply_feed(*id, &doc, &record).unwrap();
    }
    let polled = dump(p.store());
    let reference = dump(&plain);
    for part in ["items", "fts", "hits", "langs", "stories", "story_keys"] {
        assert!(
            reference
                .iter()
                .any(|l| l.starts_with(&format!("{part}: "))),
            "no {part} rows"
        );
    }
    assert_eq!(polled.len(), reference.len());
    for (a, b) in polled.iter().zip(&reference) {
        assert_eq!(a, b);
    }

    // Every item's language is per-item `lang::of` of its own text.
    let mut seen = std::collections::HashSet::new();
    for (n, (_, declared, body)) in fixtures.iter().enumerate() {
        let doc = khabar::parse::parse_feed(body.as_bytes(), None, None).unwrap();
        for item in &doc.items {
            let text = item.summary.as_deref().unwrap_or("");
            let expected = khabar::lang::of(*declared, &item.title, text);
            let stored: Option<String> = p
                .store()
                .connection()
                .query_row(
                    "SELECT lang FROM items WHERE feed_id = ?1 AND identity = ?2",
                    rusqlite::params![ids[n], item.identity],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(stored, expected, "{} / {}", fixtures[n].0, item.title);
            seen.insert(stored);
        }
    }
    // The fixtures exercise both detected languages.
    assert!(seen.contains(&Some("en".to_string())), "{seen:?}");
    assert!(seen.contains(&Some("ur".to_string())), "{seen:?}");

    // A poll where nothing changed stores nothing more.
    let before = dump(p.store());
    let (again, _) = poll(&mut p, true);
    assert_eq!(again.not_modified, fixtures.len());
    assert_eq!(dump(p.store()), before);
}

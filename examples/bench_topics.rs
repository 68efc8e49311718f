//! Topic and search benchmarks (issue 5). Figures, not assertions.
//!
//! ```sh
//! # Matching 50 topics on arrival vs none: N synthetic articles stored in
//! # feeds of 50, into fresh on-disk stores, alternating, 3 rounds each.
//! cargo run --release --example bench_topics -- ingest [N]
//! # Backfill and search on a big store made by gen_store:
//! cargo run --release --example gen_store -- /tmp/big 1000000
//! cargo run --release --example bench_topics -- scale /tmp/big
//! ```

#[path = "support/synth.rs"]
mod synth;

use std::time::{Duration, Instant};

use khabar::fetch::Validators;
use khabar::model::{IncomingFeed, IncomingItem};
use khabar::store::{FetchRecord, HeadlineFilter, Store};
use khabar::topics::TopicSpec;

/// Fifty topics in every form the query language has.
fn fifty_topics() -> Vec<TopicSpec> {
    let mut out = Vec::new();
    for w in synth::TOPICAL {
        out.push(TopicSpec::follow(w, w));
    }
    for n in synth::NAMES {
        out.push(TopicSpec::follow(n, &format!("\"{n}\"")));
    }
    let more = [
        "Iran Russia",
        "\"Imran Khan\" OR PTI",
        "cricket -IPL",
        "(Lahore OR Karachi) flood",
        "election -court",
        "budget minister",
        "Moscow OR Tehran",
        "\"Babar Azam\" OR \"Shaheen Afridi\" cricket",
        "strike railway",
        "power -school",
    ];
    for (i, q) in more.iter().enumerate() {
        out.push(TopicSpec::follow(&format!("combo {i}"), q));
    }
    out.truncate(50);
    out
}

fn feeds_of(n: usize, seed: u64) -> Vec<IncomingFeed> {
    let mut s = synth::Synth::new(seed);
    let now = khabar::model::now();
    (0..n.div_ceil(50))
        .map(|f| IncomingFeed {
            title: Some(format!("Outlet {f}")),
            language: Some("en".into()),
            items: (0..50)
                .map(|i| IncomingItem {
                    identity: format!("{f}-{i}"),
                    title: s.title(),
                    link: Some(format!("https://o{f}.example/{i}")),
                    published: Some(now - (i as i64) * 60),
                    summary: Some(format!("<p>{}</p>", s.body(60))),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        })
        .collect()
}

fn ingest_once(feeds: &[IncomingFeed], topics: &[TopicSpec]) -> Duration {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open_in_dir(dir.path()).expect("store");
    for t in topics {
        store.add_topic(t, 0).expect("topic");
    }
    let ids: Vec<_> = (0..feeds.len())
        .map(|f| {
            store
                .add_feed(&format!("https://o{f}.example/feed"), None, None)
                .expect("feed")
        })
        .collect();
    let rec = FetchRecord {
        fetched_at: khabar::model::now(),
        next_check_at: 0,
        validators: Validators::default(),
        new_url: None,
    };
    let t = Instant::now();
    for (id, doc) in ids.iter().zip(feeds) {
        store.apply_feed(*id, doc, &rec).expect("apply");
    }
    t.elapsed()
}

fn ingest(n: usize) {
    let feeds = feeds_of(n, 11);
    let topics = fifty_topics();
    println!(
        "ingest: {n} articles in {} feeds, 0 vs {} topics",
        feeds.len(),
        topics.len()
    );
    let (mut none, mut fifty) = (Vec::new(), Vec::new());
    for round in 0..3 {
        let a = ingest_once(&feeds, &[]);
        let b = ingest_once(&feeds, &topics);
        println!(
            "  round {round}: no topics {:.3} s, 50 topics {:.3} s",
            a.as_secs_f64(),
            b.as_secs_f64()
        );
        none.push(a);
        fifty.push(b);
    }
    none.sort();
    fifty.sort();
    let (a, b) = (none[1].as_secs_f64(), fifty[1].as_secs_f64());
    println!(
        "  median: {a:.3} s vs {b:.3} s: matching 50 topics adds {:.1}% ({:.1} µs per article)",
        (b / a - 1.0) * 100.0,
        (b - a) * 1e6 / n as f64
    );
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1e3
}

fn scale(dir: &str) {
    let mut store = Store::open_in_dir(std::path::Path::new(dir)).expect("store");
    let n = store.item_count().expect("count");
    println!("scale: {n} articles in {dir}");
    // Backfill: one topic at a time, removed after.
    let backfills = [
        "cricket",
        "\"Imran Khan\" OR PTI",
        "Iran Russia",
        "cricket -IPL",
        "(Lahore OR Karachi) flood",
        "\"Vladimir Putin\"",
        "market OR budget OR election OR court",
    ];
    let mut worst = 0.0f64;
    for q in backfills {
        let spec = TopicSpec::follow("bench backfill", q);
        let t = Instant::now();
        let id = store.add_topic(&spec, 0).expect("add");
        let secs = t.elapsed().as_secs_f64();
        worst = worst.max(secs);
        let topic = store.topic(id).expect("topic");
        println!("  backfill {q:<40} {:>8} hits in {secs:.2} s", topic.total);
        store.remove_topic(id).expect("remove");
    }
    println!("  backfill worst: {worst:.2} s");
    // Search: 200 searches, scoped like the window's views.
    let ro = Store::open_read_only(&std::path::Path::new(dir).join(khabar::store::DB_FILE))
        .expect("read-only store");
    let queries = [
        "cricket",
        "Lahore flood",
        "\"Imran Khan\"",
        "Iran OR Russia",
        "budget -minister",
        "Moscow",
        "\"Babar Azam\" OR \"Shaheen Afridi\"",
        "election court",
        "kalo",
        "shamir",
        "railway strike",
        "PTI",
        "harbour",
        "tanber",
        "\"Vladimir Putin\" Iran",
        "market OR wheat",
        "monsoon -flood",
        "power school",
        "Karachi",
        "zupen",
    ];
    let mut times = Vec::new();
    let mut hits_total = 0usize;
    for round in 0..10 {
        for (i, q) in queries.iter().enumerate() {
            let mut filter = HeadlineFilter {
                search: Some((*q).to_string()),
                ..Default::default()
            };
            match (round + i) % 4 {
                1 => filter.unread_only = true,
                2 => filter.folder = Some(format!("Folder {}", i % 10)),
                _ => {}
            }
            let t = Instant::now();
            let ids = ro.headline_ids(&filter).expect("search");
            times.push(t.elapsed());
            hits_total += ids.len();
            if round == 0 {
                println!("  search {q:<36} {:>8} hits", ids.len());
            }
        }
    }
    times.sort();
    println!(
        "  search over {n}: {} searches, p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms (mean {} hits)",
        times.len(),
        pct(&times, 0.5),
        pct(&times, 0.95),
        pct(&times, 1.0),
        hits_total / times.len()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("ingest") => ingest(args.get(1).and_then(|v| v.parse().ok()).unwrap_or(20_000)),
        Some("scale") if args.len() > 1 => scale(&args[1]),
        _ => {
            eprintln!("usage: bench_topics ingest [N] | bench_topics scale DIR");
            std::process::exit(2);
        }
    }
}

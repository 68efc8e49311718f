//! Topic and search benchmarks (issue 5). Figures, not assertions.
//!
//! ```sh
//! # Matching 50 topics on arrival vs none: N synthetic articles stored in
//! # feeds of 50, into fresh on-disk stores, alternating, 5 rounds each.
//! cargo run --release --example bench_topics -- ingest [N]
//! # Backfill and search on a big store made by gen_store:
//! cargo run --release --example gen_store -- /tmp/big 1000000
//! cargo run --release --example bench_topics -- scale /tmp/big
//! ```

#[path = "support/synth.rs"]
mod synth;
#[path = "support/topics.rs"]
mod topics;

use std::time::{Duration, Instant};

use khabar::fetch::Validators;
use khabar::model::{IncomingFeed, IncomingItem};
use khabar::store::{FetchRecord, HeadlineFilter, Store};
use khabar::topics::TopicSpec;

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
    if let Ok(sql) = std::env::var("BENCH_SQL") {
        store.connection().execute_batch(&sql).expect("BENCH_SQL");
    }
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
    let topics = topics::fifty();
    println!(
        "ingest: {n} articles in {} feeds, 0 vs {} topics",
        feeds.len(),
        topics.len()
    );
    // The pure CPU parts: analysing text once per article, and testing 50
    // compiled topics against it.
    let t = Instant::now();
    let docs: Vec<khabar::topics::text::Analyzed> = feeds
        .iter()
        .flat_map(|f| &f.items)
        .map(|i| khabar::topics::text::Analyzed::new(&i.title, i.summary.as_deref().unwrap_or("")))
        .collect();
    let analyse = t.elapsed().as_secs_f64();
    let exprs: Vec<_> = topics.iter().filter_map(|t| t.compile().ok()).collect();
    let t = Instant::now();
    let hits: usize = docs
        .iter()
        .map(|d| exprs.iter().filter(|e| e.matches(d)).count())
        .sum();
    let matching = t.elapsed().as_secs_f64();
    println!(
        "  analysing text: {:.1} µs per article; testing 50 topics: {:.2} µs per article ({:.2} hits per article)",
        analyse * 1e6 / n as f64,
        matching * 1e6 / n as f64,
        hits as f64 / n as f64
    );
    // The same 50 topics made to match nothing: the cost of testing them,
    // without the cost of storing hits.
    let silent: Vec<TopicSpec> = (0..50)
        .map(|i| {
            TopicSpec::follow(
                &format!("silent {i}"),
                &format!("zzqx{i} OR \"qqzv{i} wwx\""),
            )
        })
        .collect();
    let (mut none, mut fifty, mut quiet) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..5 {
        let a = ingest_once(&feeds, &[]);
        let b = ingest_once(&feeds, &topics);
        let c = ingest_once(&feeds, &silent);
        println!(
            "  round {round}: no topics {:.3} s, 50 topics {:.3} s, 50 topics matching nothing {:.3} s",
            a.as_secs_f64(),
            b.as_secs_f64(),
            c.as_secs_f64()
        );
        none.push(a);
        fifty.push(b);
        quiet.push(c);
    }
    none.sort();
    fifty.sort();
    quiet.sort();
    println!(
        "  median with 50 topics matching nothing: {:.3} s ({:+.1}%)",
        quiet[2].as_secs_f64(),
        (quiet[2].as_secs_f64() / none[2].as_secs_f64() - 1.0) * 100.0
    );
    let (a, b) = (none[2].as_secs_f64(), fifty[2].as_secs_f64());
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
    let mut slowest = Vec::new();
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
            slowest.push((
                t.elapsed(),
                format!(
                    "{q} [{}]",
                    ["all", "unread", "folder", "all"][(round + i) % 4]
                ),
            ));
            hits_total += ids.len();
            if round == 0 {
                println!("  search {q:<36} {:>8} hits", ids.len());
            }
        }
    }
    times.sort();
    slowest.sort();
    for (t, q) in slowest.iter().rev().take(8) {
        println!("  slow: {:.1} ms {q}", t.as_secs_f64() * 1e3);
    }
    println!(
        "  search over {n}: {} searches, p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms (mean {} hits)",
        times.len(),
        pct(&times, 0.5),
        pct(&times, 0.95),
        pct(&times, 1.0),
        hits_total / times.len()
    );
}

/// Plan and time one SQL statement (development aid).
fn sql(dir: &str, statement: &str, params: &[String]) {
    let ro = Store::open_in_dir(std::path::Path::new(dir)).expect("store");
    if statement.starts_with("CREATE") || statement.starts_with("DROP") {
        let t = Instant::now();
        ro.connection().execute_batch(statement).expect("statement");
        println!("  done in {:.1} s", t.elapsed().as_secs_f64());
        return;
    }
    let c = ro.connection();
    let mut st = c
        .prepare(&format!("EXPLAIN QUERY PLAN {statement}"))
        .expect("plan");
    let rows = st
        .query_map(rusqlite::params_from_iter(params), |r| {
            r.get::<_, String>(3)
        })
        .expect("plan");
    for r in rows.flatten() {
        println!("  plan: {r}");
    }
    for _ in 0..3 {
        let t = Instant::now();
        let mut st = c.prepare(statement).expect("prepare");
        let n = st
            .query_map(rusqlite::params_from_iter(params), |_| Ok(()))
            .expect("query")
            .count();
        println!("  {n} rows in {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("ingest") => ingest(args.get(1).and_then(|v| v.parse().ok()).unwrap_or(20_000)),
        Some("scale") if args.len() > 1 => scale(&args[1]),
        Some("sql") if args.len() > 2 => sql(&args[1], &args[2], &args[3..]),
        _ => {
            eprintln!("usage: bench_topics ingest [N] | bench_topics scale DIR");
            std::process::exit(2);
        }
    }
}

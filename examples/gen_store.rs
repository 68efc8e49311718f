//! Fills a store with N generated articles (default 1,000,000) across 200
//! feeds in 10 folders, for the window's and the topics' scale benchmarks.
//! Text comes from `support/synth.rs` (invented words, Zipf-like).
//!
//! With `--stories`, every third article of an outlet is one of four
//! outlets' report of the same invented event (the four outlets of a block
//! of feeds, at the same time, the title varied by a word), so grouping at
//! ingest makes about N/12 stories of four, as the window's story rows
//! need for their scale figures.
//!
//! ```sh
//! cargo run --release --example gen_store -- DIR [N] [--stories]
//! ```

use khabar::fetch::Validators;
use khabar::model::{IncomingFeed, IncomingItem};
use khabar::store::{FetchRecord, Store};

#[path = "support/synth.rs"]
mod synth;

fn main() {
    let stories = std::env::args().any(|a| a == "--stories");
    let mut args = std::env::args().skip(1).filter(|a| a != "--stories");
    let Some(dir) = args.next() else {
        eprintln!("usage: gen_store DIR [N]");
        std::process::exit(2);
    };
    let n: usize = args
        .next()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let _ = std::fs::create_dir_all(&dir);
    let mut store = match Store::open_in_dir(std::path::Path::new(&dir)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot open store: {e}");
            std::process::exit(2);
        }
    };
    let feeds = 200;
    let per_feed = n.div_ceil(feeds);
    let now = khabar::model::now();
    let t = std::time::Instant::now();
    let mut made = 0;
    let mut synth = synth::Synth::new(7);
    // Each event's title, made once, by (slot, block of four feeds).
    let mut events = std::collections::HashMap::new();
    for f in 0..feeds {
        let Ok(id) = store.add_feed(
            &format!("https://outlet{f}.example/feed.xml"),
            Some(&format!("Outlet {f}")),
            Some(&format!("Folder {}", f % 10)),
        ) else {
            continue;
        };
        let items: Vec<IncomingItem> = (0..per_feed.min(n - made))
            .map(|i| {
                let k = f * per_feed + i;
                let mut published = now - (k as i64 * 37) % (365 * 86_400);
                let mut title = synth.title();
                let mut body = synth.body(60);
                if stories && i % 3 == 0 {
                    // One event per slot and block of four outlets.
                    let key = (i, f / 4);
                    let (base, text) = events
                        .entry(key)
                        .or_insert_with(|| (synth.title(), synth.body(60)))
                        .clone();
                    // The same agency copy under each outlet's headline.
                    body = text;
                    let mut words: Vec<&str> = base.split(' ').collect();
                    if words.len() > 4 {
                        words.remove(f % 4);
                    }
                    title = words.join(" ");
                    published = now
                        - ((i * 200 + f / 4) as i64 * 37) % (365 * 86_400)
                        - (f % 4) as i64 * 60;
                }
                IncomingItem {
                    identity: format!("gen-{f}-{i}"),
                    title,
                    link: Some(format!("https://outlet{f}.example/story/{i}")),
                    published: Some(published),
                    summary: Some(format!("<p>{body}</p>")),
                    ..Default::default()
                }
            })
            .collect();
        made += items.len();
        let doc = IncomingFeed {
            title: Some(format!("Outlet {f}")),
            // Most outlets declare their language; every tenth is detected.
            language: (f % 10 != 0).then(|| "en".to_string()),
            items,
            ..Default::default()
        };
        let rec = FetchRecord {
            fetched_at: now,
            next_check_at: now + 365 * 86_400,
            validators: Validators::default(),
            new_url: None,
        };
        if let Err(e) = store.apply_feed(id, &doc, &rec) {
            eprintln!("feed {f}: {e}");
        }
    }
    println!(
        "{made} articles in {} feeds written to {dir} in {:.1} s",
        feeds,
        t.elapsed().as_secs_f64()
    );
}

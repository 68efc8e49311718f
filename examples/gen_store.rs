//! Fills a store with N generated articles (default 1,000,000) across 200
//! feeds in 10 folders, for the window's scale benchmark.
//!
//! ```sh
//! cargo run --release --example gen_store -- DIR [N]
//! ```

use khabar::fetch::Validators;
use khabar::model::{IncomingFeed, IncomingItem};
use khabar::store::{FetchRecord, Store};

const WORDS: &[&str] = &[
    "council", "harbour", "budget", "cricket", "election", "monsoon", "railway", "market",
    "festival", "court", "minister", "river", "school", "power", "airport", "wheat", "textile",
    "bridge", "hospital", "museum",
];

fn main() {
    let mut args = std::env::args().skip(1);
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
                let w = |j: usize| WORDS[(k / (j + 1) + j * 7) % WORDS.len()];
                IncomingItem {
                    identity: format!("gen-{f}-{i}"),
                    title: format!("{} {} {} story number {k}", w(0), w(1), w(2)),
                    link: Some(format!("https://outlet{f}.example/story/{i}")),
                    published: Some(now - (k as i64 * 37) % (365 * 86_400)),
                    summary: Some(format!(
                        "<p>The {} and the {} met the {} on a generated day.</p>",
                        w(3),
                        w(4),
                        w(5)
                    )),
                    ..Default::default()
                }
            })
            .collect();
        made += items.len();
        let doc = IncomingFeed {
            title: Some(format!("Outlet {f}")),
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

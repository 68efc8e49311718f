//! Story grouping scores (issue 13). Figures, not assertions.
//!
//! ```sh
//! cargo run --release --example eval_stories -- ../shared [--sweep]
//! ```
//!
//! - `../shared/corpus/clusters/uci-news-dev.tsv` (titles only) is split by
//!   a hash of the gold story into a tuning half and a validation half; each
//!   half is fed, in time order, one outlet per feed, through the real
//!   ingest path (`Store::apply_feed`, which analyses, indexes and groups)
//!   into a fresh store, and the stored `story` of each item is scored with
//!   `../shared/tools/score-clusters.py` (B-cubed).
//! - `--sweep` also scores a range of join thresholds on the tuning half
//!   with the same features and index, without the store (fast).
//! - Our own fixtures with bodies (`tests/fixtures/stories/*.tsv`: invented
//!   events told by three outlets, English and Urdu) are scored the same way.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use khabar::fetch::Validators;
use khabar::model::{IncomingFeed, IncomingItem};
use khabar::store::{FetchRecord, Store};

/// One labelled article.
#[derive(Clone)]
struct Row {
    id: String,
    title: String,
    body: String,
    outlet: String,
    gold: String,
    at: i64,
}

fn fnv(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

fn read_uci(path: &Path) -> Vec<Row> {
    let text = std::fs::read_to_string(path).expect("read uci tsv");
    let mut rows: Vec<Row> = text
        .lines()
        .skip(1)
        .filter_map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (c.len() >= 8).then(|| Row {
                id: c[0].to_string(),
                title: c[1].replace("\"\"", "\"").trim_matches('"').to_string(),
                body: String::new(),
                outlet: c[3].replace('\\', ""),
                gold: c[5].to_string(),
                at: c[7].parse::<i64>().unwrap_or(0) / 1000,
            })
        })
        .collect();
    rows.sort_by_key(|r| r.at);
    rows
}

/// Fixture format: `id<TAB>gold<TAB>outlet<TAB>minutes<TAB>title<TAB>body`.
fn read_fixture(path: &Path) -> Vec<Row> {
    let text = std::fs::read_to_string(path).expect("read fixture");
    let mut rows: Vec<Row> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (c.len() >= 6).then(|| Row {
                id: c[0].to_string(),
                gold: c[1].to_string(),
                outlet: c[2].to_string(),
                at: 1_700_000_000 + c[3].parse::<i64>().unwrap_or(0) * 60,
                title: c[4].to_string(),
                body: c[5].to_string(),
            })
        })
        .collect();
    rows.sort_by_key(|r| r.at);
    rows
}

/// Feeds `rows` through `Store::apply_feed`; returns item id -> story.
fn through_store(rows: &[Row]) -> (HashMap<String, String>, f64) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open_in_dir(dir.path()).expect("store");
    let mut feeds = HashMap::new();
    let started = std::time::Instant::now();
    for r in rows {
        let n = feeds.len();
        let feed = *feeds.entry(r.outlet.clone()).or_insert_with(|| {
            store
                .add_feed(&format!("http://outlet{n}.test/feed"), None, None)
                .expect("feed")
        });
        let doc = IncomingFeed {
            title: Some(r.outlet.clone()),
            items: vec![IncomingItem {
                identity: r.id.clone(),
                title: r.title.clone(),
                link: Some(format!("http://outlet{n}.test/{}", r.id)),
                published: Some(r.at),
                summary: (!r.body.is_empty()).then(|| format!("<p>{}</p>", r.body)),
                ..Default::default()
            }],
            ..Default::default()
        };
        let rec = FetchRecord {
            fetched_at: r.at,
            next_check_at: r.at + 1800,
            validators: Validators::default(),
            new_url: None,
        };
        store.apply_feed(feed, &doc, &rec).expect("apply");
    }
    let secs = started.elapsed().as_secs_f64();
    let mut q = store
        .connection()
        .prepare("SELECT identity, coalesce(story, id) FROM items")
        .expect("query");
    let out = q
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .expect("rows")
        .map(|r| {
            let (id, s) = r.expect("row");
            (id, s.to_string())
        })
        .collect();
    (out, secs)
}

/// The same features and index, without the store, at threshold `join`.
fn pure(rows: &[Row], join: f32, cover: f32, ev: f32) -> HashMap<String, String> {
    let mut ix = khabar::stories::Index::with_thresholds(join, cover, ev);
    let mut outlets: HashMap<&str, i64> = HashMap::new();
    let mut out = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        let n = outlets.len() as i64;
        let feed = *outlets.entry(&r.outlet).or_insert(n);
        let f = khabar::stories::features(
            &khabar::topics::text::tokens(&r.title),
            &khabar::topics::text::tokens(&r.body),
        );
        ix.assign(i as i64, feed, r.at, f);
    }
    for (i, r) in rows.iter().enumerate() {
        let s = ix.story_of(i as i64).unwrap_or(i as i64);
        out.insert(r.id.clone(), s.to_string());
    }
    out
}

fn score(shared: &Path, rows: &[Row], pred: &HashMap<String, String>, tag: &str) -> String {
    let dir = std::env::temp_dir().join(format!("eval_stories_{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let gold_p = dir.join(format!("{tag}.gold.tsv"));
    let pred_p = dir.join(format!("{tag}.pred.tsv"));
    let gold: String = rows
        .iter()
        .map(|r| format!("{}\t{}\n", r.id, r.gold))
        .collect();
    let predicted: String = rows
        .iter()
        .map(|r| format!("{}\t{}\n", r.id, pred.get(&r.id).map_or("?", |s| s)))
        .collect();
    std::fs::write(&gold_p, gold).expect("write gold");
    std::fs::write(&pred_p, predicted).expect("write pred");
    let out = Command::new("python3")
        .arg(shared.join("tools/score-clusters.py"))
        .arg(&gold_p)
        .arg(&pred_p)
        .output()
        .expect("run score-clusters.py");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let shared = PathBuf::from(
        args.iter()
            .find(|a| !a.starts_with("--"))
            .map_or("../shared", |s| s),
    );
    let sweep = args.iter().any(|a| a == "--sweep");
    let uci = read_uci(&shared.join("corpus/clusters/uci-news-dev.tsv"));
    let (tune, valid): (Vec<Row>, Vec<Row>) = uci
        .into_iter()
        .partition(|r| fnv(&r.gold).is_multiple_of(2));
    let stories = |rows: &[Row]| {
        rows.iter()
            .map(|r| r.gold.as_str())
            .collect::<std::collections::HashSet<_>>()
            .len()
    };
    println!(
        "uci-news-dev: tuning half {} headlines in {} stories, validation half {} in {}",
        tune.len(),
        stories(&tune),
        valid.len(),
        stories(&valid)
    );
    if sweep {
        for j in [0.25f32, 0.3, 0.35] {
            for c in [0.2f32, 0.25, 0.3, 0.35] {
                for e in [4.0f32, 5.0, 6.0, 8.0] {
                    let p = pure(&tune, j, c, e);
                    println!(
                        "  sweep join={j:.2} cover={c:.2} evidence={e:.1} tuning: {}",
                        score(&shared, &tune, &p, "sweep")
                    );
                }
            }
        }
    }
    for (name, rows) in [("tuning", &tune), ("validation", &valid)] {
        let (pred, secs) = through_store(rows);
        println!(
            "  {name:10} (store path, {:.2} s): {}",
            secs,
            score(&shared, rows, &pred, name)
        );
    }
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stories");
    if let Ok(dir) = std::fs::read_dir(&fixtures) {
        let mut files: Vec<PathBuf> = dir.filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.sort();
        for f in files
            .into_iter()
            .filter(|f| f.extension().is_some_and(|e| e == "tsv"))
        {
            let rows = read_fixture(&f);
            let (pred, _) = through_store(&rows);
            // Predicted stories that mix gold events.
            let mut groups: HashMap<&str, Vec<&Row>> = HashMap::new();
            for r in &rows {
                groups
                    .entry(pred.get(&r.id).map_or("?", |s| s))
                    .or_default()
                    .push(r);
            }
            let mut impure: Vec<String> = groups
                .values()
                .filter(|g| g.iter().any(|r| r.gold != g[0].gold))
                .map(|g| {
                    g.iter()
                        .map(|r| r.id.as_str())
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .collect();
            impure.sort();
            if !impure.is_empty() {
                println!("  mixed: {}", impure.join("  "));
            }
            let name = f
                .file_name()
                .map_or(String::new(), |n| n.to_string_lossy().into());
            println!(
                "fixture {name} ({} articles in {} events): {}",
                rows.len(),
                stories(&rows),
                score(&shared, &rows, &pred, "fixture")
            );
        }
    }
}

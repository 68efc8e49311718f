//! Poll benchmark: 500 feeds built from a folder of real feeds, served with
//! validators (ETag, Last-Modified, 304) by loopback servers in this process,
//! spread over 100 loopback addresses so that the per-host limit (2) acts as
//! it would on the internet. Prints wall time and peak memory of a first poll
//! into an empty store and of a second poll where nothing changed.
//!
//! ```sh
//! cargo run --release --example bench_poll -- ../shared/corpus/feeds/real [--feeds 500] [--newsboat] [--topics] [--no-stories]
//! ```
//!
//! `--no-stories` switches story grouping off, to measure what it adds.
//!
//! With `--topics`, the store follows 50 topics (`support/topics.rs`), to
//! measure what matching on arrival adds. With `--newsboat`, runs `newsboat -x reload` twice over the same 500 URLs
//! for comparison (newsboat must be installed).

use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use khabar::fetch::{FetchConfig, Fetcher};
use khabar::poller::{PollOptions, Poller};
use khabar::schedule::Policy;
use khabar::serve::{LocalServer, Reply, Request};
use khabar::store::Store;

#[path = "support/synth.rs"]
mod synth;
#[path = "support/topics.rs"]
mod topics;

const HOSTS: u8 = 100;

/// Body, content type and ETag of one served feed.
type Served = (Arc<Vec<u8>>, &'static str, String);
const LAST_MODIFIED: &str = "Sat, 01 Aug 2026 10:00:00 GMT";

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "../shared/corpus/feeds/real".into()),
    );
    let rest: Vec<String> = args.collect();
    let n_feeds: usize = rest
        .iter()
        .position(|a| a == "--feeds")
        .and_then(|i| rest.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let run_newsboat = rest.iter().any(|a| a == "--newsboat");
    let with_topics = rest.iter().any(|a| a == "--topics");

    // Feed documents that parse.
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    let docs: Vec<(Arc<Vec<u8>>, &'static str)> = files
        .iter()
        .filter_map(|p| {
            let bytes = std::fs::read(p).ok()?;
            khabar::parse::parse_feed(&bytes, None, None).ok()?;
            let ct = if p.extension().is_some_and(|e| e == "json") {
                "application/feed+json"
            } else {
                "application/xml"
            };
            Some((Arc::new(bytes), ct))
        })
        .collect();
    if docs.is_empty() {
        eprintln!("no feeds found under {}", root.display());
        std::process::exit(2);
    }
    let total_bytes: usize = (0..n_feeds).map(|i| docs[i % docs.len()].0.len()).sum();
    println!(
        "{} feeds from {} distinct documents in {}, {:.1} MB served per full poll",
        n_feeds,
        docs.len(),
        root.display(),
        total_bytes as f64 / 1e6
    );

    // Precomputed validators: the server does no hashing per request.
    let table: Arc<HashMap<String, Served>> = Arc::new(
        (0..n_feeds)
            .map(|i| {
                let (body, ct) = &docs[i % docs.len()];
                (
                    format!("/feed/{i}"),
                    (body.clone(), *ct, format!("\"v1-{i}\"")),
                )
            })
            .collect(),
    );
    let ok200 = Arc::new(AtomicUsize::new(0));
    let not_modified = Arc::new(AtomicUsize::new(0));
    let handler = {
        let (table, ok200, nm) = (table.clone(), ok200.clone(), not_modified.clone());
        Arc::new(move |req: &Request| {
            let Some((body, ct, etag)) = table.get(&req.path) else {
                return Reply::status(404);
            };
            let inm = req.header("if-none-match");
            let fresh = match inm {
                Some(v) => v == etag.as_bytes(),
                None => req.header("if-modified-since") == Some(LAST_MODIFIED.as_bytes()),
            };
            if fresh {
                nm.fetch_add(1, Ordering::Relaxed);
                return Reply::status(304).header("etag", etag);
            }
            ok200.fetch_add(1, Ordering::Relaxed);
            Reply::ok(ct, body.as_slice())
                .header("etag", etag)
                .header("last-modified", LAST_MODIFIED)
        })
    };
    let first =
        LocalServer::start_at(handler.clone(), Ipv4Addr::new(127, 0, 1, 1), 0).expect("server");
    let port = first.addr().port();
    let mut servers = vec![first];
    for h in 2..=HOSTS {
        servers.push(
            LocalServer::start_at(handler.clone(), Ipv4Addr::new(127, 0, 1, h), port)
                .expect("server"),
        );
    }
    let urls: Vec<String> = (0..n_feeds)
        .map(|i| {
            format!(
                "http://127.0.1.{}:{port}/feed/{i}",
                (i % HOSTS as usize) + 1
            )
        })
        .collect();

    let dir = std::env::temp_dir().join(format!("khabar-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut store = Store::open_in_dir(&dir).expect("store");
    if rest.iter().any(|a| a == "--no-stories") {
        store.set_story_grouping(false);
        println!("story grouping off");
    }
    if with_topics {
        for t in topics::fifty() {
            store.add_topic(&t, 0).expect("topic");
        }
        println!("following 50 topics");
    }
    for u in &urls {
        store.add_feed(u, None, None).expect("add");
    }
    let fetcher = Fetcher::new(FetchConfig::default()).expect("client");
    let mut poller = Poller::new(store, fetcher, Policy::default());

    let base = rss_kb();
    println!(
        "baseline RSS before polling: {:.1} MB",
        base as f64 / 1024.0
    );
    for (label, force) in [
        ("first poll (empty store)", false),
        ("second poll (nothing changed)", true),
    ] {
        reset_peak();
        ok200.store(0, Ordering::Relaxed);
        not_modified.store(0, Ordering::Relaxed);
        let t = Instant::now();
        let summary = poller
            .poll_blocking(
                // Feed polling only: the corpus items link to real sites.
                &PollOptions {
                    force,
                    articles: false,
                    ..Default::default()
                },
                &mut |_| {},
            )
            .expect("poll");
        let secs = t.elapsed().as_secs_f64();
        let peak = peak_kb();
        println!(
            "{label}: {secs:.3} s wall; peak RSS {:.1} MB ({:+.1} MB over baseline); server sent {} x 200, {} x 304; {summary}",
            peak as f64 / 1024.0,
            (peak as f64 - base as f64) / 1024.0,
            ok200.load(Ordering::Relaxed),
            not_modified.load(Ordering::Relaxed),
        );
    }
    let items = poller.store().item_count().unwrap_or(0);
    println!("items stored: {items}");
    if with_topics {
        let hits: i64 = poller
            .store()
            .topics()
            .map(|t| t.iter().map(|t| t.total).sum())
            .unwrap_or(0);
        println!(
            "topic hits: {hits} ({:.2} per article)",
            hits as f64 / items.max(1) as f64
        );
    }

    if run_newsboat {
        newsboat(&dir, &urls, &ok200, &not_modified);
    }
    drop(servers);
    let _ = std::fs::remove_dir_all(&dir);
}

fn newsboat(dir: &Path, urls: &[String], ok200: &AtomicUsize, nm: &AtomicUsize) {
    let nb = dir.join("newsboat");
    let _ = std::fs::create_dir_all(&nb);
    let url_file = nb.join("urls");
    let config = nb.join("config");
    let cache = nb.join("cache.db");
    let _ = std::fs::write(&url_file, urls.join("\n") + "\n");
    for (threads, round) in [(1, "first"), (1, "second"), (16, "first"), (16, "second")] {
        if round == "first" {
            let _ = std::fs::remove_file(&cache);
        }
        let _ = std::fs::write(&config, format!("reload-threads {threads}\n"));
        ok200.store(0, Ordering::Relaxed);
        nm.store(0, Ordering::Relaxed);
        let t = Instant::now();
        let status = std::process::Command::new("newsboat")
            .arg("-u")
            .arg(&url_file)
            .arg("-c")
            .arg(&cache)
            .arg("-C")
            .arg(&config)
            .args(["-x", "reload"])
            .env("HOME", &nb)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
        match status {
            Ok(s) => println!(
                "newsboat -x reload ({round}, reload-threads {threads}): {:.3} s wall, exit {s}; server sent {} x 200, {} x 304",
                t.elapsed().as_secs_f64(),
                ok200.load(Ordering::Relaxed),
                nm.load(Ordering::Relaxed)
            ),
            Err(e) => {
                println!("newsboat not run: {e}");
                return;
            }
        }
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn status_kb(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn rss_kb() -> u64 {
    status_kb("VmRSS:")
}

fn peak_kb() -> u64 {
    status_kb("VmHWM:")
}

/// Resets the kernel's peak-RSS mark for this process (Linux `clear_refs` 5).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

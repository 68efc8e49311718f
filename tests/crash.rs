//! Crash safety: a child `khabar poll` is killed with SIGKILL at random
//! moments, again and again. After every kill the database passes
//! `PRAGMA integrity_check`, no article stored earlier is missing, none is
//! duplicated, the full-text index matches the items, and every feed holds
//! whole documents only (never half a feed).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::*;
use khabar::serve::Reply;
use khabar::store::Store;

const FEEDS: usize = 24;
const WINDOW: usize = 12;
const STEP: usize = 3;
const ROUNDS: usize = 60;

/// Feed `f`'s k-th document holds items k*STEP .. k*STEP+WINDOW.
fn document(f: usize, k: usize) -> String {
    let items: Vec<(String, String, String)> = (k * STEP..k * STEP + WINDOW)
        .map(|i| {
            (
                format!("f{f}-i{i:05}"),
                format!("Story {i} of feed {f}"),
                format!("Mon, 05 Feb 2024 {:02}:{:02}:00 GMT", (i / 60) % 24, i % 60),
            )
        })
        .collect();
    let refs: Vec<(&str, &str, &str)> = items
        .iter()
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
        .collect();
    rss(&format!("Feed {f}"), &refs)
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

type Snapshot = BTreeMap<String, BTreeSet<usize>>;

fn snapshot(store: &Store) -> Snapshot {
    let mut st = store
        .connection()
        .prepare("SELECT f.url, i.identity FROM items i JOIN feeds f ON f.id = i.feed_id")
        .unwrap();
    let mut snap = Snapshot::new();
    let rows = st
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .unwrap();
    for row in rows {
        let (url, identity) = row.unwrap();
        let n: usize = identity.rsplit("-i").next().unwrap().parse().unwrap();
        assert!(
            snap.entry(url).or_default().insert(n),
            "duplicate {identity}"
        );
    }
    snap
}

#[test]
fn sigkill_during_poll_never_corrupts_loses_or_halves() {
    let site = Site::new();
    let counters: Arc<Vec<AtomicUsize>> =
        Arc::new((0..FEEDS).map(|_| AtomicUsize::new(0)).collect());
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("seed {seed}");
    for f in 0..FEEDS {
        let counters = counters.clone();
        site.route(&format!("/feed/{f}"), move |_| {
            let k = counters[f].fetch_add(1, Ordering::SeqCst);
            Reply {
                delay: Some(Duration::from_millis(((k * 7 + f * 13) % 15) as u64)),
                ..Reply::ok(RSS, document(f, k))
            }
        });
    }
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open_in_dir(dir.path()).unwrap();
        for f in 0..FEEDS {
            store
                .add_feed(&site.url(&format!("/feed/{f}")), None, None)
                .unwrap();
        }
    }
    let mut rng = Rng(seed);
    let mut previous = Snapshot::new();
    let mut killed_mid_run = 0;
    for round in 0..ROUNDS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_khabar"))
            .args(["poll", "--force", "--no-articles"])
            .env("KHABAR_DATA_DIR", dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Every fourth poll runs to the end, so the store moves on even when
        // a loaded machine makes every other poll die before it stores a
        // thing (the last assertion needs documents beyond the first).
        let wait = if round % 4 == 3 {
            Duration::from_secs(120)
        } else {
            Duration::from_millis(5 + rng.next() % 120)
        };
        let start = Instant::now();
        while start.elapsed() < wait {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        if child.try_wait().unwrap().is_none() {
            killed_mid_run += 1;
            child.kill().unwrap(); // SIGKILL
        }
        child.wait().unwrap();

        let store = Store::open_in_dir(dir.path()).unwrap();
        assert_eq!(store.integrity_check().unwrap(), "ok", "round {round}");
        let items = store.item_count().unwrap();
        let indexed: i64 = store
            .connection()
            .query_row("SELECT count(*) FROM items_fts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(items, indexed, "round {round}: index out of step");
        let now = snapshot(&store);
        for (url, before) in &previous {
            let after = now.get(url).cloned().unwrap_or_default();
            assert!(
                before.is_subset(&after),
                "round {round}: {url} lost articles"
            );
        }
        for (url, set) in &now {
            // The newest stored document must be whole.
            let max = *set.iter().next_back().unwrap();
            for i in max + 1 - WINDOW..=max {
                assert!(
                    set.contains(&i),
                    "round {round}: {url} holds half a document (missing {i})"
                );
            }
        }
        previous = now;
    }
    eprintln!("{killed_mid_run} of {ROUNDS} polls were killed mid-run");
    assert!(
        killed_mid_run >= (ROUNDS - ROUNDS / 4) / 2,
        "only {killed_mid_run} kills landed mid-run"
    );
    assert!(previous.values().map(BTreeSet::len).sum::<usize>() > FEEDS * WINDOW);
}

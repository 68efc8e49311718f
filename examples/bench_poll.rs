//! Poll benchmark: the `khabar` command a user runs, beside Newsboat, on 500
//! feeds built from a folder of real feeds. This process serves them with
//! validators (ETag, Last-Modified, 304) from loopback servers spread over 100
//! loopback addresses, so that the per-host limit (2) acts as it would on the
//! internet; it imports them into a fresh data folder with `khabar import`
//! and times, for each of `--runs` rounds:
//!
//! - `khabar --data-dir D poll --no-articles` into the empty store (cold);
//! - `khabar --data-dir D poll --force --no-articles` where nothing changed;
//! - `newsboat -x reload` with its own urls file and an empty cache, then
//!   again over that cache, once per `--newsboat-threads` value.
//!
//! Each child's wall time comes from the clock around it, CPU time and peak
//! RSS from `wait4`'s rusage.
//!
//! ```sh
//! cargo build --release --bin khabar --example bench_poll
//! target/release/examples/bench_poll ../shared/corpus/feeds/real [--feeds 500] [--runs 3]
//!     [--bin target/release/khabar] [--no-newsboat] [--newsboat-threads 1,16]
//!     [--topics] [--perf FILE] [--in-process] [--no-stories]
//! ```
//!
//! - `--topics`: the store follows 50 topics (`support/topics.rs`), to
//!   measure what matching on arrival adds.
//! - `--perf FILE`: the first cold poll runs under `perf record -g -o FILE`
//!   (Debian's linux-perf), with the same served feeds.
//! - `--in-process`: polls with the library in this process instead of the
//!   binary (the benchmark's old form; peak RSS then includes the servers).
//! - `--no-stories`: story grouping off, to measure what it adds. The binary
//!   has no switch for it, so this implies `--in-process`; compare with
//!   `--in-process` alone.

use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
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

/// Requests answered since the last reset: 200s and 304s.
#[derive(Default)]
struct Counters {
    ok: AtomicUsize,
    not_modified: AtomicUsize,
}

impl Counters {
    fn take(&self) -> (usize, usize) {
        (
            self.ok.swap(0, Ordering::Relaxed),
            self.not_modified.swap(0, Ordering::Relaxed),
        )
    }
}

/// One timed child process.
#[derive(Debug, Clone, Copy)]
struct Run {
    wall: f64,
    user: f64,
    sys: f64,
    /// Peak resident set, MB.
    peak_mb: f64,
    ok: bool,
    served: (usize, usize),
}

struct Opts {
    root: PathBuf,
    n_feeds: usize,
    runs: usize,
    bin: PathBuf,
    newsboat_threads: Vec<usize>,
    topics: bool,
    perf: Option<PathBuf>,
    in_process: bool,
    no_stories: bool,
}

fn value<'a>(rest: &'a [String], flag: &str) -> Option<&'a str> {
    rest.iter()
        .position(|a| a == flag)
        .and_then(|i| rest.get(i + 1))
        .map(String::as_str)
}

fn opts() -> Opts {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (root, rest) = match args.first() {
        Some(a) if !a.starts_with("--") => (PathBuf::from(a), &args[1..]),
        _ => (PathBuf::from("../shared/corpus/feeds/real"), &args[..]),
    };
    let has = |f: &str| rest.iter().any(|a| a == f);
    // Next to this example: target/<profile>/examples/bench_poll -> target/<profile>/khabar.
    let default_bin = std::env::current_exe()
        .ok()
        .and_then(|p| Some(p.parent()?.parent()?.join("khabar")))
        .unwrap_or_else(|| PathBuf::from("target/release/khabar"));
    let no_stories = has("--no-stories");
    Opts {
        root,
        n_feeds: value(rest, "--feeds")
            .and_then(|v| v.parse().ok())
            .unwrap_or(500),
        runs: value(rest, "--runs")
            .and_then(|v| v.parse().ok())
            .unwrap_or(3),
        bin: value(rest, "--bin").map_or(default_bin, PathBuf::from),
        newsboat_threads: if has("--no-newsboat") {
            Vec::new()
        } else {
            value(rest, "--newsboat-threads")
                .unwrap_or("1,16")
                .split(',')
                .filter_map(|v| v.trim().parse().ok())
                .collect()
        },
        topics: has("--topics"),
        perf: value(rest, "--perf").map(PathBuf::from),
        in_process: has("--in-process") || no_stories,
        no_stories,
    }
}

fn main() {
    let o = opts();

    // Feed documents that parse.
    let mut files = Vec::new();
    walk(&o.root, &mut files);
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
        eprintln!("no feeds found under {}", o.root.display());
        std::process::exit(2);
    }
    let total_bytes: usize = (0..o.n_feeds).map(|i| docs[i % docs.len()].0.len()).sum();
    println!(
        "{} feeds from {} distinct documents in {}, {:.1} MB served per full poll",
        o.n_feeds,
        docs.len(),
        o.root.display(),
        total_bytes as f64 / 1e6
    );

    // Precomputed validators: the server does no hashing per request.
    let table: Arc<HashMap<String, Served>> = Arc::new(
        (0..o.n_feeds)
            .map(|i| {
                let (body, ct) = &docs[i % docs.len()];
                (
                    format!("/feed/{i}"),
                    (body.clone(), *ct, format!("\"v1-{i}\"")),
                )
            })
            .collect(),
    );
    let counters = Arc::new(Counters::default());
    let handler = {
        let (table, counters) = (table.clone(), counters.clone());
        Arc::new(move |req: &Request| {
            let Some((body, ct, etag)) = table.get(&req.path) else {
                return Reply::status(404);
            };
            let fresh = match req.header("if-none-match") {
                Some(v) => v == etag.as_bytes(),
                None => req.header("if-modified-since") == Some(LAST_MODIFIED.as_bytes()),
            };
            if fresh {
                counters.not_modified.fetch_add(1, Ordering::Relaxed);
                return Reply::status(304).header("etag", etag);
            }
            counters.ok.fetch_add(1, Ordering::Relaxed);
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
    let urls: Vec<String> = (0..o.n_feeds)
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
    let opml = dir.join("feeds.opml");
    std::fs::write(&opml, opml_of(&urls)).expect("opml");
    if o.topics {
        println!("following 50 topics");
    }

    if o.in_process {
        in_process(&o, &dir, &urls, &counters);
    } else {
        println!("binary: {}", o.bin.display());
        let mut cold = Vec::new();
        let mut warm = Vec::new();
        let mut nb: HashMap<usize, (Vec<Run>, Vec<Run>)> = HashMap::new();
        for round in 1..=o.runs {
            let data = dir.join(format!("khabar-{round}"));
            let (c, w, items) = khabar_round(&o, &data, &opml, &counters, round == 1);
            println!(
                "run {round} khabar cold:      {}  ({items} items stored)",
                show(&c)
            );
            println!("run {round} khabar unchanged: {}", show(&w));
            cold.push(c);
            warm.push(w);
            let _ = std::fs::remove_dir_all(&data);
            for &threads in &o.newsboat_threads {
                let Some((c, w)) = newsboat_round(&dir, &urls, threads, &counters) else {
                    continue;
                };
                println!(
                    "run {round} newsboat (reload-threads {threads}) cold:      {}",
                    show(&c)
                );
                println!(
                    "run {round} newsboat (reload-threads {threads}) unchanged: {}",
                    show(&w)
                );
                let e = nb.entry(threads).or_default();
                e.0.push(c);
                e.1.push(w);
            }
        }
        println!();
        println!("| command | wall, s (runs) | CPU user+sys, s (median) | peak RSS, MB (max) |");
        println!("|---|---|---|---|");
        row("khabar poll --no-articles, empty store", &cold);
        row("khabar poll --force --no-articles, nothing changed", &warm);
        let mut threads: Vec<_> = nb.keys().copied().collect();
        threads.sort();
        for t in threads {
            let (c, w) = &nb[&t];
            row(
                &format!("newsboat -x reload (reload-threads {t}), empty cache"),
                c,
            );
            row(
                &format!("newsboat -x reload (reload-threads {t}), nothing changed"),
                w,
            );
            let ratio = median(&cold.iter().map(|r| r.wall).collect::<Vec<_>>())
                / median(&c.iter().map(|r| r.wall).collect::<Vec<_>>());
            println!("khabar cold / newsboat (reload-threads {t}) cold, medians: {ratio:.2}");
        }
    }
    drop(servers);
    let _ = std::fs::remove_dir_all(&dir);
}

fn show(r: &Run) -> String {
    format!(
        "{:.3} s wall, {:.2} s user, {:.2} s sys, peak RSS {:.1} MB; server sent {} x 200, {} x 304{}",
        r.wall,
        r.user,
        r.sys,
        r.peak_mb,
        r.served.0,
        r.served.1,
        if r.ok { "" } else { "; FAILED" }
    )
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn row(label: &str, runs: &[Run]) {
    let walls: Vec<String> = runs.iter().map(|r| format!("{:.3}", r.wall)).collect();
    let cpu: Vec<f64> = runs.iter().map(|r| r.user + r.sys).collect();
    let peak = runs.iter().map(|r| r.peak_mb).fold(0.0, f64::max);
    println!(
        "| {label} | {} | {:.2} | {peak:.1} |",
        walls.join(" / "),
        median(&cpu)
    );
}

fn opml_of(urls: &[String]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\"?>\n<opml version=\"2.0\"><head><title>bench</title></head><body>\n",
    );
    for (i, u) in urls.iter().enumerate() {
        s.push_str(&format!(
            "<outline type=\"rss\" text=\"feed {i}\" xmlUrl=\"{u}\"/>\n"
        ));
    }
    s.push_str("</body></opml>\n");
    s
}

/// One round of the binary: import into a fresh folder, cold poll, unchanged poll.
fn khabar_round(
    o: &Opts,
    data: &Path,
    opml: &Path,
    counters: &Counters,
    first: bool,
) -> (Run, Run, i64) {
    let _ = std::fs::remove_dir_all(data);
    std::fs::create_dir_all(data).expect("data dir");
    let status = Command::new(&o.bin)
        .arg("--data-dir")
        .arg(data)
        .arg("import")
        .arg(opml)
        .stdout(Stdio::null())
        .status();
    match status {
        Ok(s) if s.success() => {}
        other => {
            eprintln!("{} import failed: {other:?}", o.bin.display());
            std::process::exit(2);
        }
    }
    if o.topics {
        let mut store = Store::open_in_dir(data).expect("store");
        for t in topics::fifty() {
            store.add_topic(&t, 0).expect("topic");
        }
    }
    let poll = |force: bool, perf: Option<&Path>| {
        let mut cmd = match perf {
            Some(out) => {
                let mut c = Command::new("perf");
                c.args(["record", "-g", "-o"])
                    .arg(out)
                    .arg("--")
                    .arg(&o.bin);
                c
            }
            None => Command::new(&o.bin),
        };
        cmd.arg("--data-dir")
            .arg(data)
            .arg("poll")
            .arg("--no-articles");
        if force {
            cmd.arg("--force");
        }
        counters.take();
        let mut r = timed(&mut cmd);
        r.served = counters.take();
        r
    };
    let cold = poll(false, if first { o.perf.as_deref() } else { None });
    let warm = poll(true, None);
    let items = Store::open_in_dir(data)
        .ok()
        .and_then(|s| s.item_count().ok())
        .unwrap_or(-1);
    (cold, warm, items)
}

/// One round of Newsboat: an empty cache, then the same cache again.
fn newsboat_round(
    dir: &Path,
    urls: &[String],
    threads: usize,
    counters: &Counters,
) -> Option<(Run, Run)> {
    let nb = dir.join(format!("newsboat-{threads}"));
    let _ = std::fs::remove_dir_all(&nb);
    std::fs::create_dir_all(&nb).ok()?;
    let url_file = nb.join("urls");
    let config = nb.join("config");
    let cache = nb.join("cache.db");
    std::fs::write(&url_file, urls.join("\n") + "\n").ok()?;
    std::fs::write(&config, format!("reload-threads {threads}\n")).ok()?;
    let once = || {
        let mut cmd = Command::new("newsboat");
        cmd.arg("-u")
            .arg(&url_file)
            .arg("-c")
            .arg(&cache)
            .arg("-C")
            .arg(&config)
            .args(["-x", "reload"])
            .env("HOME", &nb)
            .env("XDG_CONFIG_HOME", &nb)
            .env("XDG_DATA_HOME", &nb);
        counters.take();
        let mut r = timed(&mut cmd);
        r.served = counters.take();
        r
    };
    let cold = once();
    if cold.wall.is_nan() {
        println!("newsboat not run (is it installed?)");
        return None;
    }
    let warm = once();
    let _ = std::fs::remove_dir_all(&nb);
    Some((cold, warm))
}

/// Runs `cmd` to the end (output discarded) and measures it: wall time around
/// it, CPU and peak RSS from `wait4`.
fn timed(cmd: &mut Command) -> Run {
    let failed = Run {
        wall: f64::NAN,
        user: 0.0,
        sys: 0.0,
        peak_mb: 0.0,
        ok: false,
        served: (0, 0),
    };
    let t = Instant::now();
    let child = match cmd.stdout(Stdio::null()).stderr(Stdio::null()).spawn() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cannot run {cmd:?}: {e}");
            return failed;
        }
    };
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: plain FFI call with valid out-pointers; the child is ours and
    // not waited for elsewhere (the `Child` handle is dropped unwaited).
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
    let wall = t.elapsed().as_secs_f64();
    drop(child);
    if rc != pid {
        return failed;
    }
    let secs = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
    Run {
        wall,
        user: secs(ru.ru_utime),
        sys: secs(ru.ru_stime),
        // Linux reports ru_maxrss in KB.
        peak_mb: ru.ru_maxrss as f64 / 1024.0,
        ok: libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        served: (0, 0),
    }
}

/// The benchmark's old form: the library polls in this process.
fn in_process(o: &Opts, dir: &Path, urls: &[String], counters: &Counters) {
    println!("in process (the library, not the binary)");
    let data = dir.join("in-process");
    let _ = std::fs::create_dir_all(&data);
    let mut store = Store::open_in_dir(&data).expect("store");
    if o.no_stories {
        store.set_story_grouping(false);
        println!("story grouping off");
    }
    if o.topics {
        for t in topics::fifty() {
            store.add_topic(&t, 0).expect("topic");
        }
    }
    for u in urls {
        store.add_feed(u, None, None).expect("add");
    }
    let fetcher = Fetcher::new(FetchConfig::default()).expect("client");
    let mut poller = Poller::new(store, fetcher, Policy::default());
    let base = status_kb("VmRSS:");
    println!(
        "baseline RSS before polling: {:.1} MB",
        base as f64 / 1024.0
    );
    for (label, force) in [
        ("first poll (empty store)", false),
        ("second poll (nothing changed)", true),
    ] {
        // Resets the kernel's peak-RSS mark for this process (Linux `clear_refs` 5).
        let _ = std::fs::write("/proc/self/clear_refs", "5");
        counters.take();
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
        let peak = status_kb("VmHWM:");
        let (ok, nm) = counters.take();
        println!(
            "{label}: {secs:.3} s wall; peak RSS {:.1} MB ({:+.1} MB over baseline); server sent {ok} x 200, {nm} x 304; {summary}",
            peak as f64 / 1024.0,
            (peak as f64 - base as f64) / 1024.0,
        );
    }
    let items = poller.store().item_count().unwrap_or(0);
    println!("items stored: {items}");
    if o.topics {
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

//! Robustness run: every file under a folder goes through the same decode,
//! parse and store path as a polled feed, and the run counts how many parsed,
//! how many failed cleanly (by reason) and how many panicked.
//!
//! ```sh
//! cargo run --release --example ingest_corpus -- ../shared/corpus/feeds [--verbose]
//! ```
//!
//! `.gz` files are inflated with the same 15 MiB cap as HTTP bodies. If the
//! folder has a feedparser-style `dates.tsv`, the date parser is scored on it.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::Instant;

use khabar::error::ParseError;
use khabar::fetch::Validators;
use khabar::model::FeedId;
use khabar::store::{FetchRecord, Store};

const CAP: u64 = 15 * 1024 * 1024;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next().map(PathBuf::from) else {
        eprintln!("usage: ingest_corpus FOLDER [--verbose]");
        std::process::exit(2);
    };
    let verbose = args.any(|a| a == "--verbose");
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();

    let dir = match tempfile_dir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("cannot make a temporary folder: {e}");
            std::process::exit(2);
        }
    };
    let mut store = match Store::open_in_dir(&dir) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot open store: {e}");
            std::process::exit(2);
        }
    };

    let (mut ok, mut failed, mut panicked, mut contained, mut items) =
        (0usize, 0usize, 0usize, 0usize, 0usize);
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    let started = Instant::now();
    let mut bytes_total = 0usize;
    // Item titles of the synthetic Urdu encoding cases, to compare.
    let mut urdu_titles: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (n, path) in files.iter().enumerate() {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if matches!(ext, "md" | "tsv") {
            continue;
        }
        let Ok(raw) = std::fs::read(path) else {
            continue;
        };
        let bytes = if ext == "gz" {
            match inflate_capped(&raw) {
                Ok(b) => b,
                Err(why) => {
                    failed += 1;
                    *reasons.entry(why.clone()).or_default() += 1;
                    if verbose {
                        println!("FAIL  {}: {why}", path.display());
                    }
                    continue;
                }
            }
        } else {
            raw
        };
        bytes_total += bytes.len();
        let base = url::Url::parse(&format!("http://corpus.invalid/{}", n)).ok();
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            let doc = khabar::parse::parse_feed(&bytes, None, base.as_ref())?;
            Ok::<_, ParseError>(doc)
        }));
        match result {
            Err(_) => {
                panicked += 1;
                println!("PANIC {}", path.display());
            }
            Ok(Err(e)) => {
                if matches!(e, ParseError::Panicked(_)) {
                    contained += 1;
                }
                failed += 1;
                *reasons.entry(reason_kind(&e)).or_default() += 1;
                if verbose {
                    println!("FAIL  {}: {e}", path.display());
                }
            }
            Ok(Ok(doc)) => {
                let name = path.file_name().and_then(|f| f.to_str()).unwrap_or("");
                if name.starts_with("urdu-") {
                    urdu_titles.insert(
                        name.to_string(),
                        doc.items.iter().map(|i| i.title.clone()).collect(),
                    );
                }
                let url = format!("file://{}", path.display());
                let id: FeedId = match store.add_feed(&url, None, None) {
                    Ok(id) => id,
                    Err(e) => {
                        println!("STORE {}: {e}", path.display());
                        continue;
                    }
                };
                let record = FetchRecord {
                    fetched_at: khabar::model::now(),
                    next_check_at: 0,
                    validators: Validators::default(),
                    new_url: None,
                };
                match store.apply_feed(id, &doc, &record) {
                    Ok(s) => {
                        ok += 1;
                        items += s.new_items;
                        if verbose {
                            println!(
                                "OK    {}: {} items, title {:?}",
                                path.display(),
                                doc.items.len(),
                                doc.title.as_deref().unwrap_or("")
                            );
                        }
                    }
                    Err(e) => println!("STORE {}: {e}", path.display()),
                }
            }
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!();
    println!("files: {}", ok + failed + panicked);
    println!("parsed and stored: {ok} ({items} items)");
    println!("failed cleanly: {failed}");
    for (why, n) in &reasons {
        println!("  {n:>5}  {why}");
    }
    println!("panicked (escaped): {panicked}");
    println!("dependency panics contained as errors: {contained}");
    println!("time: {secs:.2} s for {:.1} MB", bytes_total as f64 / 1e6);
    match store.integrity_check() {
        Ok(s) => println!("integrity_check: {s}"),
        Err(e) => println!("integrity_check failed: {e}"),
    }
    if let Some(reference) = urdu_titles.get("urdu-utf8.xml") {
        // Windows-1256 has no U+06CC or U+06A9 forms of yeh and kaf: compare modulo those.
        let norm = |v: &[String]| -> Vec<String> {
            v.iter()
                .map(|t| {
                    t.replace('\u{64A}', "\u{6CC}")
                        .replace('\u{643}', "\u{6A9}")
                })
                .collect()
        };
        let mut same = 0;
        for (name, titles) in &urdu_titles {
            if norm(titles) == norm(reference) {
                same += 1;
            } else {
                println!("urdu titles differ: {name}: {titles:?}");
            }
        }
        println!(
            "urdu encoding cases with exactly the reference titles: {same}/{}",
            urdu_titles.len()
        );
    }
    if let Some(dates) = files
        .iter()
        .find(|p| p.file_name().is_some_and(|f| f == "dates.tsv"))
    {
        score_dates(dates);
    }
    let _ = std::fs::remove_dir_all(&dir);
    if panicked > 0 {
        std::process::exit(1);
    }
}

fn reason_kind(e: &ParseError) -> String {
    match e {
        ParseError::Malformed(m) => {
            // Group by the message without positions.
            let short: String = m
                .split(" at ")
                .next()
                .unwrap_or(m)
                .chars()
                .take(60)
                .collect();
            format!("malformed: {short}")
        }
        other => other.to_string(),
    }
}

fn inflate_capped(raw: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut dec = flate2::read::GzDecoder::new(raw).take(CAP + 1);
    dec.read_to_end(&mut out)
        .map_err(|e| format!("gzip: {e}"))?;
    if out.len() as u64 > CAP {
        return Err(format!("the response is larger than the {CAP} byte limit"));
    }
    Ok(out)
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

fn tempfile_dir() -> std::io::Result<PathBuf> {
    let d = std::env::temp_dir().join(format!("khabar-ingest-{}", std::process::id()));
    std::fs::create_dir_all(&d)?;
    Ok(d)
}

/// Scores `dates::parse` on a feedparser-style table: family, input, expected UTC or `none`.
fn score_dates(path: &Path) {
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    let (mut right, mut wrong, mut missed, mut total) = (0, 0, 0, 0);
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let mut cols = line.split('\t');
        let (Some(_family), Some(input), Some(expected)) = (cols.next(), cols.next(), cols.next())
        else {
            continue;
        };
        total += 1;
        let got = khabar::dates::parse(input).map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string());
        match (got.as_deref(), expected) {
            (None, "none") => right += 1,
            (Some(g), e) if g == e => right += 1,
            (None, _) => missed += 1,
            (Some(_), _) => wrong += 1,
        }
    }
    println!(
        "dates ({}): {right}/{total} right, {missed} not read, {wrong} read wrongly",
        path.display()
    );
}

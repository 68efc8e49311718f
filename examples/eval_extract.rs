//! Extraction evaluation and speed benchmark over the development corpora.
//!
//! ```sh
//! cargo run --release --example eval_extract -- ../shared [--out DIR] [--speed | --speed-only]
//! ```
//!
//! Writes one plain-text output per page (title line, blank line, paragraphs)
//! for `corpus/trafilatura-eval` and `corpus/readability-test-pages`, then runs
//! the scorers from `tools/` on them. With `--speed`, also times extraction of
//! the trafilatura-eval pages on one thread with the HTML already in memory,
//! and reports peak memory above the baseline.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let shared = PathBuf::from(args.next().unwrap_or_else(|| "../shared".into()));
    let rest: Vec<String> = args.collect();
    let out = rest
        .iter()
        .position(|a| a == "--out")
        .and_then(|i| rest.get(i + 1))
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("khabar-eval"));
    let speed = rest.iter().any(|a| a == "--speed" || a == "--speed-only");
    // --speed-only: skip the scoring runs.
    let speed_only = rest.iter().any(|a| a == "--speed-only");
    // --baseline: score dom_smoothie's own text output instead of Khabar's.
    let baseline = rest.iter().any(|a| a == "--baseline");
    let run = |bytes: &[u8], url: Option<&url::Url>| -> Option<String> {
        if baseline {
            let html = khabar::fetch::charset::decode(bytes, None).text;
            let u = url
                .filter(|u| matches!(u.scheme(), "http" | "https"))
                .map(|u| u.as_str());
            let mut r = dom_smoothie::Readability::new(html, u, None).ok()?;
            let a = r.parse().ok()?;
            Some(format!("{}\n\n{}\n", a.title, a.text_content))
        } else {
            khabar::extract::extract_bytes(bytes, None, url)
                .ok()
                .map(|a| a.to_text())
        }
    };

    let traf = shared.join("corpus/trafilatura-eval");
    if speed_only {
        speed_run(&load_traf(&traf));
        return;
    }
    let read = shared.join("corpus/readability-test-pages");
    let traf_out = out.join("trafilatura-eval");
    let read_out = out.join("readability-test-pages");
    let _ = std::fs::remove_dir_all(&out);
    for d in [&traf_out, &read_out] {
        if let Err(e) = std::fs::create_dir_all(d) {
            eprintln!("cannot create {}: {e}", d.display());
            std::process::exit(2);
        }
    }

    // trafilatura-eval: html/NAME.html.gz, predictions NAME.html.txt
    let pages = load_traf(&traf);
    let mut failures = 0;
    for (name, url, bytes) in &pages {
        let base = url.as_deref().and_then(|u| url::Url::parse(u).ok());
        let text = run(bytes, base.as_ref()).unwrap_or_else(|| {
            failures += 1;
            String::new()
        });
        let _ = std::fs::write(traf_out.join(format!("{name}.txt")), text);
    }
    println!(
        "trafilatura-eval: {} pages, {failures} without an article",
        pages.len()
    );
    run_scorer(
        Command::new("python3")
            .arg(shared.join("tools/score-snippets.py"))
            .arg(&traf)
            .arg(&traf_out),
    );

    // readability-test-pages: DIR/source.html, predictions DIR.txt
    let mut n = 0;
    let mut failures = 0;
    if let Ok(rd) = std::fs::read_dir(&read) {
        let mut dirs: Vec<PathBuf> = rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        for d in dirs {
            let Ok(bytes) = std::fs::read(d.join("source.html")) else {
                continue;
            };
            n += 1;
            let url = url::Url::parse("http://fakehost/test/page.html").ok();
            let text = run(&bytes, url.as_ref()).unwrap_or_else(|| {
                failures += 1;
                String::new()
            });
            let name = d
                .file_name()
                .and_then(|f| f.to_str())
                .unwrap_or("x")
                .to_string();
            let _ = std::fs::write(read_out.join(format!("{name}.txt")), text);
        }
    }
    println!("readability-test-pages: {n} pages, {failures} without an article");
    run_scorer(
        Command::new("python3")
            .arg(shared.join("tools/score-shingles.py"))
            .arg("--corpus")
            .arg(&read)
            .arg("--pred")
            .arg(&read_out),
    );

    if speed {
        speed_run(&pages);
    }
}

fn run_scorer(cmd: &mut Command) {
    match cmd.output() {
        Ok(o) => {
            print!("{}", String::from_utf8_lossy(&o.stdout));
            eprint!("{}", String::from_utf8_lossy(&o.stderr));
        }
        Err(e) => println!("scorer not run: {e}"),
    }
}

type Page = (String, Option<String>, Vec<u8>);

fn load_traf(dir: &Path) -> Vec<Page> {
    let exp: serde_json::Value = std::fs::read_to_string(dir.join("expectations.json"))
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(serde_json::Value::Null);
    let mut names: Vec<String> = exp
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    names.sort();
    names
        .into_iter()
        .filter_map(|name| {
            let gz = std::fs::read(dir.join("html").join(format!("{name}.gz"))).ok()?;
            let mut bytes = Vec::new();
            flate2::read::GzDecoder::new(gz.as_slice())
                .read_to_end(&mut bytes)
                .ok()?;
            let url = exp[&name]["url"].as_str().map(str::to_string);
            Some((name, url, bytes))
        })
        .collect()
}

fn rss_kb(key: &str) -> u64 {
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

fn speed_run(pages: &[Page]) {
    // Decode first: the benchmark is extraction of in-memory HTML.
    let docs: Vec<(String, Option<url::Url>)> = pages
        .iter()
        .map(|(_, u, b)| {
            (
                khabar::fetch::charset::decode(b, None).text,
                u.as_deref().and_then(|u| url::Url::parse(u).ok()),
            )
        })
        .collect();
    let mb: f64 = docs.iter().map(|(d, _)| d.len() as f64).sum::<f64>() / 1e6;
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let base = rss_kb("VmRSS:");
    let t = Instant::now();
    let mut chars = 0usize;
    for (html, url) in &docs {
        if let Ok(a) = khabar::extract::extract(html, url.as_ref()) {
            chars += a.text_len();
        }
    }
    let secs = t.elapsed().as_secs_f64();
    let peak = rss_kb("VmHWM:");
    println!(
        "speed: {} pages ({mb:.1} MB of HTML) in {secs:.2} s on one thread = {:.0} pages/s; {} chars out",
        docs.len(),
        docs.len() as f64 / secs,
        chars
    );
    println!(
        "memory: baseline {:.1} MB (corpus in memory), peak {:.1} MB, {:.1} MB above baseline",
        base as f64 / 1024.0,
        peak as f64 / 1024.0,
        (peak as f64 - base as f64) / 1024.0
    );
}

//! Extraction evaluation and speed benchmark: every corpus, every half,
//! Khabar and its peers scored in the same run.
//!
//! ```sh
//! cargo run --release --example eval_extract -- ../shared [--out DIR]
//!     [--sets NAME,NAME] [--no-peers] [--speed | --speed-only] [--baseline]
//!     [--furniture-on all|RULE,RULE]
//! ```
//!
//! Sets: `trafilatura-eval` (with/without snippets, `tools/score-snippets.py`),
//! `readability-test-pages` (`tools/score-shingles.py`), and the three sets of
//! `corpus/extraction-more` (`wcxb-articles`, `l3s-gn1`, `dragnet`; word
//! 4-shingles, `tools/score-text.py`).
//!
//! Halves, as `corpus/extraction-more/README.md` says: WCXB's `dev` split is
//! the tuning half and its `test` split the validation half; every other set
//! is split on its ids: an even id tunes, an odd id validates. An id's parity
//! is that of its number when it is all digits, else of its last hex digit
//! (md5 and uuid names), else of the sum of its bytes.
//!
//! Columns: Khabar; trafilatura (Python, `TRAFILATURA_PYTHON` or
//! `/work/venv-traf/bin/python`, run through `examples/support/traf_python.py`
//! in parallel with Khabar's run); the `trafilatura` crate (with fallback on).
//! `--no-peers` scores Khabar alone (for iterating; final figures come from
//! a run with the peers). `--baseline` scores dom_smoothie's own text instead
//! of Khabar's. `--furniture-on` switches rules of `extract::furniture`
//! on (`all`, or names such as `labels,comments`), to measure each rule.
//!
//! Khabar's output per page is `Article::to_text()` (title line, blank line,
//! paragraphs) on the two development sets, as always; on extraction-more it
//! is the body alone (the title line dropped), which is how the unseen sets
//! are scored. Outputs land in `DIR/<extractor>/<set>/`, per-page scores of
//! the shingle sets in `DIR/<extractor>/<set>.<half>.csv`.
//!
//! With `--speed`, also times extraction of the trafilatura-eval pages on
//! one thread with the HTML already in memory, and reports peak memory above
//! the baseline.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// trafilatura-eval: expectations.json with/without snippets.
    Snippets,
    /// readability-test-pages: page folders with expected.html.
    Readability,
    /// extraction-more: truth/<id>.txt.
    Text,
}

struct Page {
    id: String,
    url: Option<String>,
    html: PathBuf,
    tuning: bool,
}

struct Set {
    name: &'static str,
    kind: Kind,
    dir: PathBuf,
    pages: Vec<Page>,
}

#[derive(Clone, Copy, PartialEq)]
enum Extractor {
    Khabar,
    TrafPython,
    TrafCrate,
}

impl Extractor {
    fn dir(self) -> &'static str {
        match self {
            Extractor::Khabar => "khabar",
            Extractor::TrafPython => "trafilatura-py",
            Extractor::TrafCrate => "trafilatura-crate",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Extractor::Khabar => "Khabar",
            Extractor::TrafPython => "trafilatura 2.3.1 (Py)",
            Extractor::TrafCrate => "trafilatura crate",
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let shared = PathBuf::from(args.next().unwrap_or_else(|| "../shared".into()));
    let rest: Vec<String> = args.collect();
    let opt = |name: &str| {
        rest.iter()
            .position(|a| a == name)
            .and_then(|i| rest.get(i + 1))
            .cloned()
    };
    let flag = |name: &str| rest.iter().any(|a| a == name);
    let out = opt("--out")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("khabar-eval"));
    let speed = flag("--speed") || flag("--speed-only");
    let baseline = flag("--baseline");
    let peers = !flag("--no-peers");
    // Rules of extract::furniture switched on (they are off by default),
    // to measure each alone.
    if let Some(on) = opt("--furniture-on") {
        let mut mask = 0u32;
        for name in on.split(',').filter(|n| !n.is_empty()) {
            match khabar::extract::furniture::Rule::ALL
                .iter()
                .find(|(_, n)| *n == name)
            {
                Some((r, _)) => mask |= *r as u32,
                None if name == "all" => mask = u32::MAX,
                None => {
                    eprintln!("no furniture rule named {name}");
                    std::process::exit(2);
                }
            }
        }
        khabar::extract::furniture::set_enabled(mask);
    }
    let wanted: Option<Vec<String>> =
        opt("--sets").map(|s| s.split(',').map(str::to_string).collect());

    let traf = shared.join("corpus/trafilatura-eval");
    if flag("--speed-only") {
        speed_run(&load_in_memory(&traf_set(&traf)));
        return;
    }
    let more = shared.join("corpus/extraction-more");
    let mut sets = vec![
        traf_set(&traf),
        readability_set(&shared.join("corpus/readability-test-pages")),
        text_set("wcxb-articles", &more.join("wcxb-articles")),
        text_set("l3s-gn1", &more.join("l3s-gn1")),
        text_set("dragnet", &more.join("dragnet")),
    ];
    if let Some(w) = &wanted {
        sets.retain(|s| w.iter().any(|n| n == s.name));
    }
    let _ = std::fs::remove_dir_all(&out);
    let mut extractors = vec![Extractor::Khabar];
    if peers {
        extractors.push(Extractor::TrafPython);
        extractors.push(Extractor::TrafCrate);
    }
    for e in &extractors {
        for s in &sets {
            if let Err(e) = std::fs::create_dir_all(out.join(e.dir()).join(s.name)) {
                eprintln!("cannot create the output folder: {e}");
                std::process::exit(2);
            }
        }
    }

    // trafilatura (Python) runs beside us, in its own process.
    let python = if peers {
        start_python(&out, &sets)
    } else {
        None
    };

    for &e in extractors.iter().filter(|e| **e != Extractor::TrafPython) {
        let t = Instant::now();
        let mut n = 0;
        for s in &sets {
            let mut failures = 0;
            for p in &s.pages {
                let Some(bytes) = read_page(&p.html) else {
                    failures += 1;
                    continue;
                };
                let url = p.url.as_deref().and_then(|u| url::Url::parse(u).ok());
                let text = match e {
                    Extractor::Khabar if baseline => smoothie(&bytes, url.as_ref()),
                    Extractor::Khabar => khabar(&bytes, url.as_ref(), s.kind),
                    _ => traf_crate(&bytes, url.as_ref()),
                };
                let text = text.unwrap_or_else(|| {
                    failures += 1;
                    String::new()
                });
                n += 1;
                let _ = std::fs::write(
                    out.join(e.dir()).join(s.name).join(format!("{}.txt", p.id)),
                    text,
                );
            }
            println!(
                "{}: {}: {} pages, {failures} without an article",
                e.label(),
                s.name,
                s.pages.len()
            );
        }
        let secs = t.elapsed().as_secs_f64();
        println!(
            "{}: {n} pages in {secs:.1} s (reading and decompressing included)",
            e.label()
        );
    }
    if let Some(child) = python {
        match child.wait_with_output() {
            Ok(o) => {
                print!("{}", String::from_utf8_lossy(&o.stdout));
                eprint!("{}", String::from_utf8_lossy(&o.stderr));
            }
            Err(e) => eprintln!("trafilatura (Python) did not finish: {e}"),
        }
    }

    // Scores: every set, every half, every extractor.
    let mut table = Vec::new();
    for s in &sets {
        for half in [Half::All, Half::Tuning, Half::Validation] {
            let truth = match half_corpus(&out, s, half) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("cannot write the {} half of {}: {e}", half.name(), s.name);
                    continue;
                }
            };
            let n = s.pages.iter().filter(|p| half.has(p)).count();
            let mut row = Vec::new();
            for &e in &extractors {
                let pred = out.join(e.dir()).join(s.name);
                let csv = out
                    .join(e.dir())
                    .join(format!("{}.{}.csv", s.name, half.name()));
                row.push(score(&shared, s.kind, &truth, &pred, &csv));
            }
            table.push((s.name, half.name(), n, row));
        }
    }
    println!();
    print!("| set | half | pages |");
    for e in &extractors {
        print!(" {} F1 (P / R) |", e.label());
    }
    println!();
    print!("|---|---|---|");
    for _ in &extractors {
        print!("---|");
    }
    println!();
    for (set, half, n, row) in &table {
        print!("| {set} | {half} | {n} |");
        for s in row {
            match s {
                Some((f, p, r)) => print!(" {f:.3} ({p:.3} / {r:.3}) |"),
                None => print!(" - |"),
            }
        }
        println!();
    }

    if speed {
        speed_run(&load_in_memory(&traf_set(&traf)));
    }
}

#[derive(Clone, Copy)]
enum Half {
    All,
    Tuning,
    Validation,
}

impl Half {
    fn name(self) -> &'static str {
        match self {
            Half::All => "all",
            Half::Tuning => "tuning",
            Half::Validation => "validation",
        }
    }
    fn has(self, p: &Page) -> bool {
        match self {
            Half::All => true,
            Half::Tuning => p.tuning,
            Half::Validation => !p.tuning,
        }
    }
}

/// The parity rule of the module note.
fn even_id(id: &str) -> bool {
    let stem = id.strip_suffix(".html").unwrap_or(id);
    if !stem.is_empty() && stem.bytes().all(|b| b.is_ascii_digit()) {
        return stem
            .bytes()
            .last()
            .is_some_and(|b| (b - b'0').is_multiple_of(2));
    }
    match stem.chars().last().and_then(|c| c.to_digit(16)) {
        Some(d) => d.is_multiple_of(2),
        None => stem.bytes().map(u32::from).sum::<u32>().is_multiple_of(2),
    }
}

fn traf_set(dir: &Path) -> Set {
    let exp = read_json(&dir.join("expectations.json"));
    let mut pages: Vec<Page> = exp
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(name, v)| Page {
                    id: name.clone(),
                    url: v["url"].as_str().map(str::to_string),
                    html: dir.join("html").join(format!("{name}.gz")),
                    tuning: even_id(name),
                })
                .collect()
        })
        .unwrap_or_default();
    pages.sort_by(|a, b| a.id.cmp(&b.id));
    Set {
        name: "trafilatura-eval",
        kind: Kind::Snippets,
        dir: dir.to_path_buf(),
        pages,
    }
}

fn readability_set(dir: &Path) -> Set {
    let mut pages: Vec<Page> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.join("source.html").is_file())
                .filter_map(|p| {
                    let id = p.file_name()?.to_str()?.to_string();
                    Some(Page {
                        tuning: even_id(&id),
                        id,
                        url: Some("http://fakehost/test/page.html".into()),
                        html: p.join("source.html"),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    pages.sort_by(|a, b| a.id.cmp(&b.id));
    Set {
        name: "readability-test-pages",
        kind: Kind::Readability,
        dir: dir.to_path_buf(),
        pages,
    }
}

fn text_set(name: &'static str, dir: &Path) -> Set {
    let meta = read_json(&dir.join("meta.json"));
    let mut pages: Vec<Page> = meta
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(id, v)| Page {
                    id: id.clone(),
                    url: v["url"].as_str().map(str::to_string),
                    html: dir.join("html").join(format!("{id}.html.gz")),
                    tuning: match v["split"].as_str() {
                        Some(split) => split == "dev",
                        None => even_id(id),
                    },
                })
                .collect()
        })
        .unwrap_or_default();
    pages.sort_by(|a, b| a.id.cmp(&b.id));
    Set {
        name,
        kind: Kind::Text,
        dir: dir.to_path_buf(),
        pages,
    }
}

fn read_json(path: &Path) -> serde_json::Value {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(serde_json::Value::Null)
}

fn read_page(path: &Path) -> Option<Vec<u8>> {
    let raw = std::fs::read(path).ok()?;
    if path.extension().is_some_and(|e| e == "gz") {
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(raw.as_slice())
            .read_to_end(&mut bytes)
            .ok()?;
        Some(bytes)
    } else {
        Some(raw)
    }
}

fn khabar(bytes: &[u8], url: Option<&url::Url>, kind: Kind) -> Option<String> {
    let a = khabar::extract::extract_bytes(bytes, None, url).ok()?;
    Some(match kind {
        Kind::Text => a.body_text(),
        _ => a.to_text(),
    })
}

fn smoothie(bytes: &[u8], url: Option<&url::Url>) -> Option<String> {
    let html = khabar::fetch::charset::decode(bytes, None).text;
    let u = url
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .map(|u| u.as_str());
    let mut r = dom_smoothie::Readability::new(html, u, None).ok()?;
    let a = r.parse().ok()?;
    Some(format!("{}\n\n{}\n", a.title, a.text_content))
}

fn traf_crate(bytes: &[u8], url: Option<&url::Url>) -> Option<String> {
    let html = khabar::fetch::charset::decode(bytes, None).text;
    let mut opts = trafilatura::Options::default()
        .with_fallback(true)
        .with_exclude_comments(true);
    if let Some(u) = url.filter(|u| matches!(u.scheme(), "http" | "https")) {
        opts = opts.with_url(u.clone());
    }
    // The crate is a peer under test: a panic is scored as no output.
    std::panic::catch_unwind(|| trafilatura::extract(&html, &opts))
        .ok()?
        .ok()
        .map(|r| r.content_text)
}

/// Starts trafilatura (Python) over every page of `sets`.
fn start_python(out: &Path, sets: &[Set]) -> Option<std::process::Child> {
    let python =
        std::env::var("TRAFILATURA_PYTHON").unwrap_or_else(|_| "/work/venv-traf/bin/python".into());
    let manifest = out.join("trafilatura-py.jsonl");
    let mut f = std::fs::File::create(&manifest).ok()?;
    for s in sets {
        for p in &s.pages {
            let job = serde_json::json!({
                "html": p.html,
                "url": p.url,
                "out": out.join(Extractor::TrafPython.dir()).join(s.name).join(format!("{}.txt", p.id)),
            });
            writeln!(f, "{job}").ok()?;
        }
    }
    drop(f);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/support/traf_python.py");
    match Command::new(&python)
        .arg(script)
        .arg(&manifest)
        .stdout(std::process::Stdio::piped())
        .spawn()
    {
        Ok(c) => Some(c),
        Err(e) => {
            eprintln!("trafilatura (Python) not run ({python}): {e}");
            None
        }
    }
}

/// Writes the scorer's view of one half of a set; returns its truth path.
fn half_corpus(out: &Path, s: &Set, half: Half) -> std::io::Result<PathBuf> {
    let dir = out.join("halves").join(s.name).join(half.name());
    std::fs::create_dir_all(&dir)?;
    let pages = s.pages.iter().filter(|p| half.has(p));
    match s.kind {
        Kind::Snippets => {
            let exp = read_json(&s.dir.join("expectations.json"));
            let sub: serde_json::Map<String, serde_json::Value> =
                pages.map(|p| (p.id.clone(), exp[&p.id].clone())).collect();
            std::fs::write(dir.join("expectations.json"), serde_json::to_vec(&sub)?)?;
            Ok(dir)
        }
        Kind::Readability => {
            for p in pages {
                let link = dir.join(&p.id);
                if !link.exists() {
                    std::os::unix::fs::symlink(s.dir.join(&p.id), link)?;
                }
            }
            Ok(dir)
        }
        Kind::Text => {
            let sub: serde_json::Map<String, serde_json::Value> = pages
                .map(|p| {
                    let t =
                        std::fs::read_to_string(s.dir.join("truth").join(format!("{}.txt", p.id)))
                            .unwrap_or_default();
                    (p.id.clone(), serde_json::Value::String(t))
                })
                .collect();
            let path = dir.join("truth.json");
            std::fs::write(&path, serde_json::to_vec(&sub)?)?;
            Ok(path)
        }
    }
}

/// Runs the set's scorer; returns (F1, P, R).
fn score(
    shared: &Path,
    kind: Kind,
    truth: &Path,
    pred: &Path,
    csv: &Path,
) -> Option<(f64, f64, f64)> {
    let tools = shared.join("tools");
    let mut cmd = Command::new("python3");
    match kind {
        Kind::Snippets => {
            cmd.arg(tools.join("score-snippets.py"))
                .arg(truth)
                .arg(pred)
                .args(["--worst", "0"]);
        }
        Kind::Readability => {
            cmd.arg(tools.join("score-shingles.py"))
                .arg("--corpus")
                .arg(truth)
                .arg("--pred")
                .arg(pred);
        }
        Kind::Text => {
            cmd.arg(tools.join("score-text.py"))
                .arg("--truth")
                .arg(truth)
                .arg("--pred")
                .arg(pred)
                .args(["--n-bootstrap", "0", "--per-page"])
                .arg(csv);
        }
    }
    let o = cmd.output().ok()?;
    let text = String::from_utf8_lossy(&o.stdout);
    let num = |key: &str, line: &str| -> Option<f64> {
        let at = line.find(key)? + key.len();
        line[at..]
            .trim_start()
            .split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .next()?
            .parse()
            .ok()
    };
    match kind {
        Kind::Snippets => {
            let l = text.lines().find(|l| l.starts_with("docs="))?;
            Some((num("f1=", l)?, num("precision=", l)?, num("recall=", l)?))
        }
        Kind::Readability => {
            let l = text.lines().find(|l| l.starts_with("shingles:"))?;
            Some((num("F1=", l)?, num("P=", l)?, num("R=", l)?))
        }
        Kind::Text => {
            let l = text
                .lines()
                .find(|l| l.trim_start().starts_with("benchmark"))?;
            Some((num("F1", l)?, num(" P", l)?, num(" R", l)?))
        }
    }
}

type Loaded = (String, Option<String>, Vec<u8>);

fn load_in_memory(set: &Set) -> Vec<Loaded> {
    set.pages
        .iter()
        .filter_map(|p| Some((p.id.clone(), p.url.clone(), read_page(&p.html)?)))
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

fn speed_run(pages: &[Loaded]) {
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

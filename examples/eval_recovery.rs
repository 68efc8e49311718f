//! Broken feeds: what the lenient parser recovers.
//!
//! Over a folder of feed documents, prints:
//! 1. how each file parses as it is: sound, repaired (with the warning's
//!    cause), broken (line and cause), or refused for another reason;
//! 2. for every sound XML feed with at least three items, three damaged
//!    copies made here: a bare `&` in the second title, the file cut off in
//!    the middle of the third item, and the file cut off inside a CDATA
//!    section (where the feed has one); and how many items each keeps.
//!
//! ```sh
//! cargo run --release --example eval_recovery -- ../shared/corpus/feeds
//! ```

use std::path::{Path, PathBuf};

use khabar::parse::parse_text_lenient;

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| matches!(x, "xml" | "rss" | "atom" | "rdf" | "feed"))
        {
            out.push(p);
        }
    }
}

/// Byte offsets of each `<item` / `<entry` start tag.
fn item_starts(text: &str) -> Vec<usize> {
    let mut v = Vec::new();
    for tag in ["<item>", "<item ", "<entry>", "<entry "] {
        let mut from = 0;
        while let Some(i) = text[from..].find(tag) {
            v.push(from + i);
            from += i + tag.len();
        }
    }
    v.sort_unstable();
    v
}

#[derive(Default)]
struct Tally {
    files: usize,
    original_items: usize,
    kept_items: usize,
    recovered_files: usize,
    errors: usize,
}

fn main() {
    let root = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "../shared/corpus/feeds".into()),
    );
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    let (mut sound, mut repaired, mut broken, mut other) = (0, 0, 0, 0);
    let mut repaired_list = Vec::new();
    let mut damage = [
        ("bare & in title 2", Tally::default()),
        ("cut in item 3", Tally::default()),
        ("cut inside CDATA", Tally::default()),
    ];
    for f in &files {
        let Ok(bytes) = std::fs::read(f) else {
            continue;
        };
        let text = khabar::fetch::charset::decode(&bytes, None).text;
        let name = f.strip_prefix(&root).unwrap_or(f).display().to_string();
        match parse_text_lenient(&text, None) {
            Ok(p) if p.warning.is_none() => sound += 1,
            Ok(p) => {
                repaired += 1;
                repaired_list.push(format!(
                    "  {name}: {} items; {}",
                    p.feed.items.len(),
                    p.warning.unwrap_or_default()
                ));
            }
            Err(e @ khabar::error::ParseError::Broken { .. }) => {
                broken += 1;
                repaired_list.push(format!("  {name}: {e}"));
            }
            Err(_) => other += 1,
        }
        // Damaged copies of sound feeds with three items or more.
        let Ok(p) = parse_text_lenient(&text, None) else {
            continue;
        };
        let starts = item_starts(&text);
        if p.warning.is_some() || p.feed.items.len() < 3 || starts.len() < 3 {
            continue;
        }
        let n = p.feed.items.len();
        let mut copies: Vec<(usize, String)> = Vec::new();
        // 1: a bare & inside the second item's title.
        if let Some(t) = text[starts[1]..].find("<title>").map(|i| starts[1] + i + 7)
            && t < starts[2]
        {
            copies.push((0, format!("{}Salt & {}", &text[..t], &text[t..])));
        }
        // 2: cut in the middle of the third item.
        let end3 = starts.get(3).copied().unwrap_or(text.len());
        let mid = starts[2] + (end3 - starts[2]) / 2;
        let mid = (mid..text.len())
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(text.len());
        copies.push((1, text[..mid].to_string()));
        // 3: cut inside a CDATA section in the third item or later.
        if let Some(c) = text[starts[2]..]
            .find("<![CDATA[")
            .map(|i| starts[2] + i + 12)
            && let Some(c) = (c..text.len()).find(|&i| text.is_char_boundary(i))
        {
            copies.push((2, text[..c].to_string()));
        }
        for (k, copy) in copies {
            let t = &mut damage[k].1;
            t.files += 1;
            t.original_items += n;
            match parse_text_lenient(&copy, None) {
                Ok(r) => {
                    t.kept_items += r.feed.items.len();
                    if r.warning.is_some() {
                        t.recovered_files += 1;
                    }
                }
                Err(_) => t.errors += 1,
            }
        }
    }
    println!(
        "{} documents under {}: {sound} sound, {repaired} repaired, {broken} broken (line and cause), {other} refused for another reason (not a feed, HTML, empty, too deep)",
        files.len(),
        root.display()
    );
    for l in &repaired_list {
        println!("{l}");
    }
    println!("\ndamaged copies of sound feeds (3+ items):");
    for (label, t) in &damage {
        println!(
            "  {label:<20} {:>4} files: {:>5} of {:>5} items kept; {} with a warning; {} failed",
            t.files, t.kept_items, t.original_items, t.recovered_files, t.errors
        );
    }
}

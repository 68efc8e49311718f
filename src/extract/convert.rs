//! DOM -> [`Block`]s. Walks a dom_query node and keeps only structure the
//! reader understands: paragraphs, headings, lists, quotes, preformatted text,
//! images with captions and simple tables, with text, emphasis and links
//! inside. Links and images are resolved against the page URL (and `<base>`),
//! and only http(s) survives: no script, style, iframe, form, event handler or
//! `javascript:` link can get through, because none of them has a
//! representation here. 1x1 tracking images are dropped.

use dom_query::NodeRef;
use url::Url;

use super::document::{Block, Inline};

/// Elements whose content is never article text.
const SKIP: &[&str] = &[
    "script", "style", "noscript", "iframe", "form", "button", "input", "select", "textarea",
    "svg", "canvas", "template", "object", "embed", "nav", "head", "title", "meta", "link",
    "audio", "video", "source", "track", "map", "dialog", "menu",
];

const INLINE: &[&str] = &[
    "a", "em", "i", "strong", "b", "span", "small", "sup", "sub", "code", "abbr", "time", "mark",
    "u", "s", "q", "cite", "font", "label", "dfn", "kbd", "samp", "var", "bdi", "bdo", "del",
    "ins", "big", "tt", "wbr", "nobr", "data", "acronym",
];

/// Converts the children of `root` into blocks.
pub fn blocks(root: &NodeRef<'_>, base: Option<&Url>) -> Vec<Block> {
    let mut c = Converter {
        base,
        out: Vec::new(),
        buf: Vec::new(),
    };
    for child in root.children() {
        c.walk(&child);
    }
    c.flush();
    c.out
}

struct Converter<'u> {
    base: Option<&'u Url>,
    out: Vec<Block>,
    buf: Vec<Inline>,
}

fn name(n: &NodeRef<'_>) -> String {
    n.node_name()
        .map(|s| s.to_ascii_lowercase())
        .unwrap_or_default()
}

fn hidden(n: &NodeRef<'_>) -> bool {
    if n.has_attr("hidden") || n.attr("aria-hidden").is_some_and(|v| v.as_ref() == "true") {
        return true;
    }
    n.attr("style").is_some_and(|s| {
        let s = s.to_ascii_lowercase().replace(' ', "");
        s.contains("display:none") || s.contains("visibility:hidden")
    })
}

impl Converter<'_> {
    fn flush(&mut self) {
        let runs = normalise_runs(std::mem::take(&mut self.buf));
        if !runs.is_empty() {
            self.out.push(Block::Paragraph { inlines: runs });
        }
    }

    fn walk(&mut self, n: &NodeRef<'_>) {
        if n.is_text() {
            self.buf.push(Inline::Text {
                text: tidy(&n.text()),
            });
            return;
        }
        if !n.is_element() {
            return;
        }
        let tag = name(n);
        if SKIP.contains(&tag.as_str()) || hidden(n) {
            return;
        }
        if INLINE.contains(&tag.as_str()) {
            let runs = inlines(n, self.base);
            // An inline wrapper around blocks (a <span> holding <p>s): walk it.
            if has_block_descendant(n) {
                for c in n.children() {
                    self.walk(&c);
                }
            } else {
                self.buf.extend(runs);
            }
            return;
        }
        match tag.as_str() {
            "br" => self.buf.push(Inline::Break),
            "p" => {
                self.flush();
                if has_block_descendant(n) {
                    for c in n.children() {
                        self.walk(&c);
                    }
                    self.flush();
                } else {
                    let runs = normalise_runs(inlines(n, self.base));
                    if !runs.is_empty() {
                        self.out.push(Block::Paragraph { inlines: runs });
                    }
                }
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.flush();
                let level = tag.as_bytes()[1] - b'0';
                let runs = normalise_runs(inlines(n, self.base));
                if !runs.is_empty() {
                    self.out.push(Block::Heading {
                        level: level.max(2),
                        inlines: runs,
                    });
                }
            }
            "ul" | "ol" => {
                self.flush();
                let items: Vec<Vec<Inline>> = n
                    .element_children()
                    .iter()
                    .filter(|li| !hidden(li))
                    .map(|li| normalise_runs(inlines(li, self.base)))
                    .filter(|r| !r.is_empty())
                    .collect();
                if !items.is_empty() {
                    self.out.push(Block::List {
                        ordered: tag == "ol",
                        items,
                    });
                }
            }
            "dl" => {
                self.flush();
                for c in n.element_children() {
                    let runs = normalise_runs(inlines(&c, self.base));
                    if !runs.is_empty() {
                        self.out.push(Block::Paragraph { inlines: runs });
                    }
                }
            }
            "blockquote" => {
                self.flush();
                let runs = normalise_runs(inlines(n, self.base));
                if !runs.is_empty() {
                    self.out.push(Block::Quote { inlines: runs });
                }
            }
            "pre" => {
                self.flush();
                let text = n.text().to_string();
                if !text.trim().is_empty() {
                    self.out.push(Block::Preformatted {
                        text: text.trim_end().to_string(),
                    });
                }
            }
            "img" => {
                self.flush();
                if let Some(b) = image(n, self.base, None) {
                    self.out.push(b);
                }
            }
            "picture" => {
                self.flush();
                if let Some(img) = n.find(&["img"]).into_iter().next()
                    && let Some(b) = image(&img, self.base, None)
                {
                    self.out.push(b);
                }
            }
            "figure" => {
                self.flush();
                let caption = n
                    .find(&["figcaption"])
                    .into_iter()
                    .next()
                    .map(|c| collapse(&c.text()))
                    .filter(|c| !c.is_empty());
                let imgs = n.find(&["img"]);
                if let Some(img) = imgs.first() {
                    if let Some(b) = image(img, self.base, caption.clone()) {
                        self.out.push(b);
                    }
                } else {
                    // A figure holding text (a pull quote, a code sample).
                    for c in n.children() {
                        self.walk(&c);
                    }
                    self.flush();
                }
            }
            "figcaption" => {}
            "table" => {
                self.flush();
                if is_layout_table(n) {
                    for c in n.children() {
                        self.walk(&c);
                    }
                    self.flush();
                } else {
                    let rows: Vec<Vec<String>> = n
                        .find(&["tr"])
                        .iter()
                        .map(|tr| {
                            tr.element_children()
                                .iter()
                                .map(|td| collapse(&td.text()))
                                .collect::<Vec<_>>()
                        })
                        .filter(|r: &Vec<String>| r.iter().any(|c| !c.is_empty()))
                        .collect();
                    if !rows.is_empty() {
                        self.out.push(Block::Table { rows });
                    }
                }
            }
            _ => {
                // Containers (div, section, article, td, li outside lists...).
                self.flush();
                for c in n.children() {
                    self.walk(&c);
                }
                self.flush();
            }
        }
    }
}

const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "ul",
    "ol",
    "table",
    "blockquote",
    "pre",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "figure",
    "dl",
];

fn has_block_descendant(n: &NodeRef<'_>) -> bool {
    n.descendants_it()
        .any(|d| d.is_element() && BLOCK_TAGS.contains(&name(&d).as_str()))
}

/// A table used for page layout rather than data: it holds paragraphs or
/// long runs of text in its cells.
fn is_layout_table(n: &NodeRef<'_>) -> bool {
    n.descendants_it().any(|d| {
        d.is_element()
            && matches!(
                name(&d).as_str(),
                "p" | "div" | "table" | "ul" | "h1" | "h2" | "h3"
            )
    }) || n
        .find(&["td"])
        .iter()
        .any(|td| td.text().chars().count() > 300)
}

/// The inline runs of `n`'s content (text, emphasis, links, breaks).
pub fn inlines(n: &NodeRef<'_>, base: Option<&Url>) -> Vec<Inline> {
    let mut out = Vec::new();
    collect(n, base, Style::Plain, &mut out);
    out
}

#[derive(Clone, Copy, PartialEq)]
enum Style {
    Plain,
    Em,
    Strong,
}

fn collect(n: &NodeRef<'_>, base: Option<&Url>, style: Style, out: &mut Vec<Inline>) {
    for c in n.children() {
        if c.is_text() {
            let text = tidy(&c.text());
            out.push(match style {
                Style::Plain => Inline::Text { text },
                Style::Em => Inline::Emphasis {
                    text,
                    strong: false,
                },
                Style::Strong => Inline::Emphasis { text, strong: true },
            });
            continue;
        }
        if !c.is_element() {
            continue;
        }
        let tag = name(&c);
        if SKIP.contains(&tag.as_str()) || hidden(&c) || tag == "img" || tag == "figcaption" {
            continue;
        }
        match tag.as_str() {
            "br" => out.push(Inline::Break),
            "em" | "i" | "cite" | "dfn" => collect(&c, base, Style::Em, out),
            "strong" | "b" => collect(&c, base, Style::Strong, out),
            "a" => {
                let text = c.text().to_string();
                match c.attr("href").and_then(|h| resolve(&h, base)) {
                    Some(href) if !text.trim().is_empty() => out.push(Inline::Link { text, href }),
                    _ => collect(&c, base, style, out),
                }
            }
            "p" | "div" | "li" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "tr" | "blockquote" => {
                // A block inside an inline context: keep it on its own line.
                if !out.is_empty() {
                    out.push(Inline::Break);
                }
                collect(&c, base, style, out);
                out.push(Inline::Break);
            }
            "td" | "th" => {
                collect(&c, base, style, out);
                out.push(Inline::Text { text: " ".into() });
            }
            _ => collect(&c, base, style, out),
        }
    }
}

/// Collapses whitespace inside runs, merges neighbours of the same kind and
/// trims the ends. Returns nothing for runs with no visible text.
pub fn normalise_runs(runs: Vec<Inline>) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    for r in runs {
        let r = match r {
            Inline::Text { text } => Inline::Text {
                text: squeeze(&text),
            },
            Inline::Emphasis { text, strong } => Inline::Emphasis {
                text: squeeze(&text),
                strong,
            },
            Inline::Link { text, href } => Inline::Link {
                text: squeeze(&text),
                href,
            },
            Inline::Break => Inline::Break,
        };
        if r.text().is_empty() {
            continue;
        }
        match (out.last_mut(), &r) {
            (Some(Inline::Text { text: a }), Inline::Text { text: b }) => {
                if a.ends_with(' ') && b.starts_with(' ') {
                    a.push_str(&b[1..]);
                } else {
                    a.push_str(b);
                }
            }
            (Some(Inline::Break), Inline::Break) => {}
            _ => out.push(r),
        }
    }
    // Trim leading/trailing whitespace and breaks.
    while matches!(out.first(), Some(Inline::Break)) {
        out.remove(0);
    }
    while matches!(out.last(), Some(Inline::Break)) {
        out.pop();
    }
    if let Some(first) = out.first_mut() {
        trim_run(first, true);
    }
    if let Some(last) = out.last_mut() {
        trim_run(last, false);
    }
    // Spaces next to breaks.
    for i in 0..out.len() {
        let next_is_break = matches!(out.get(i + 1), Some(Inline::Break));
        let prev_is_break = i > 0 && matches!(out.get(i - 1), Some(Inline::Break));
        if next_is_break {
            trim_run(&mut out[i], false);
        }
        if prev_is_break {
            trim_run(&mut out[i], true);
        }
    }
    out.retain(|r| !r.text().is_empty());
    if out.iter().all(|r| r.text().trim().is_empty()) {
        return Vec::new();
    }
    out
}

fn trim_run(r: &mut Inline, start: bool) {
    let t = match r {
        Inline::Text { text } | Inline::Emphasis { text, .. } | Inline::Link { text, .. } => text,
        Inline::Break => return,
    };
    *t = if start {
        t.trim_start().to_string()
    } else {
        t.trim_end().to_string()
    };
}

/// Whitespace runs become one space (ends kept as one space).
fn squeeze(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut ws = false;
    for c in s.chars() {
        if c.is_whitespace() {
            ws = true;
        } else {
            if ws {
                out.push(' ');
                ws = false;
            }
            out.push(c);
        }
    }
    if ws {
        out.push(' ');
    }
    out
}

/// Whitespace collapsed and trimmed (and [`tidy`]).
pub fn collapse(s: &str) -> String {
    tidy(s).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text as a reader stores it: Unicode NFC (pages mix composed and
/// decomposed forms, Bengali and Vietnamese especially, which would defeat
/// search and comparison), without soft hyphens, which are line-break hints
/// for a browser's hyphenation, not text.
pub fn tidy(s: &str) -> String {
    use unicode_normalization::{IsNormalized, UnicodeNormalization as _, is_nfc_quick};
    let shy = s.contains('\u{ad}');
    if !shy && is_nfc_quick(s.chars()) == IsNormalized::Yes {
        return s.to_string();
    }
    s.chars().filter(|&c| c != '\u{ad}').nfc().collect()
}

/// Resolves a link; only http(s) survives.
pub fn resolve(href: &str, base: Option<&Url>) -> Option<String> {
    crate::parse::resolve_link(href, base)
}

fn image(n: &NodeRef<'_>, base: Option<&Url>, caption: Option<String>) -> Option<Block> {
    let dim = |a: &str| {
        n.attr(a)
            .and_then(|v| v.trim().trim_end_matches("px").parse::<u32>().ok())
    };
    if matches!(dim("width"), Some(0..=2)) || matches!(dim("height"), Some(0..=2)) {
        return None; // a tracking pixel
    }
    let candidates = ["data-src", "data-lazy-src", "data-original", "src"];
    let src = candidates
        .iter()
        .filter_map(|a| n.attr(a))
        .map(|v| v.to_string())
        .find(|v| !v.trim().is_empty() && !v.trim_start().starts_with("data:"))
        .or_else(|| {
            n.attr("srcset").and_then(|s| {
                s.split(',')
                    .next()
                    .and_then(|p| p.split_whitespace().next())
                    .map(str::to_string)
            })
        })?;
    let src = resolve(&src, base)?;
    let lower = src.to_ascii_lowercase();
    if lower.contains("pixel")
        || lower.contains("/1x1")
        || lower.contains("spacer.gif")
        || lower.contains("tracking")
    {
        return None;
    }
    let alt = n
        .attr("alt")
        .map(|a| collapse(&a))
        .filter(|a| !a.is_empty());
    Some(Block::Image { src, alt, caption })
}

//! Article extraction: an HTML page -> a clean [`Article`] (metadata and
//! blocks), without the page around it.
//!
//! Pipeline:
//! 1. decode the bytes ([`crate::fetch::charset`]) and refuse what is not HTML;
//! 2. parse once with dom_query (html5ever), clean the page ([`select`]) and
//!    pick the main content: dom_smoothie's Readability scoring (which also
//!    reads JSON-LD, OpenGraph and meta tags for the metadata), weighed
//!    against the publisher's marked body, the headline's container and the
//!    JSON-LD `articleBody`;
//! 3. convert the chosen subtree to blocks ([`convert`]), dropping anything a
//!    reader cannot show safely;
//! 4. prune boilerplate blocks ([`boilerplate`]): related/recent tails, link
//!    farms, share and newsletter prompts, copyright lines.
//!
//! [`EXTRACTOR_VERSION`] is stored with every extraction so that
//! `khabar reextract` can redo articles made by an older extractor.

pub mod boilerplate;
pub mod convert;
pub mod document;
pub mod select;

use thiserror::Error;
use url::Url;

pub use document::{Article, Block, Inline, Meta};

/// Bumped whenever extraction output changes.
pub const EXTRACTOR_VERSION: i64 = 3;

/// Fewer characters of body text than this is "too short": a paywall stub,
/// a consent page, a video page. The feed's own text is kept instead.
pub const MIN_ARTICLE_CHARS: usize = 200;

/// Why a page gave no article.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum ExtractError {
    /// The body is not HTML (an image, a PDF, JSON).
    #[error("the page is not HTML ({0})")]
    NotHtml(String),
    /// Nothing but whitespace.
    #[error("the page is empty")]
    Empty,
    /// No article could be found.
    #[error("no article text found on the page")]
    NoContent,
    /// Elements nest deeper than any real page does.
    #[error("the page nests elements more than {0} deep")]
    TooDeep(usize),
    /// An article was found but it is too short to be the story.
    #[error("the article text is too short ({0} characters): a paywall or a teaser")]
    TooShort(usize),
}

/// Decodes `bytes` (with the HTTP charset, if any) and extracts the article.
pub fn extract_bytes(
    bytes: &[u8],
    content_type: Option<&str>,
    url: Option<&Url>,
) -> Result<Article, ExtractError> {
    if let Some(ct) = content_type {
        let mime = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let htmlish = mime.is_empty()
            || mime.contains("html")
            || mime == "text/plain"
            || mime == "application/octet-stream"
            || mime.ends_with("/xml");
        if !htmlish {
            return Err(ExtractError::NotHtml(mime));
        }
    }
    if looks_binary(bytes) {
        return Err(ExtractError::NotHtml("binary data".into()));
    }
    let cs = content_type.and_then(crate::fetch::charset::charset_param);
    let text = crate::fetch::charset::decode(bytes, cs.as_deref()).text;
    extract(&text, url)
}

fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(512)];
    head.starts_with(b"%PDF")
        || head.starts_with(b"\x89PNG")
        || head.starts_with(b"\xFF\xD8\xFF")
        || head.starts_with(b"GIF8")
        || head.starts_with(b"PK\x03\x04")
        || head.iter().filter(|&&b| b == 0).count() > head.len() / 8
}

/// Extracts the article from an HTML page.
///
/// Runs on a helper thread with a large stack: Readability's scoring and the
/// converter recurse over the tree, and badly nested real pages (unclosed
/// `<font>` and `<span>` pile up) can be hundreds of levels deep.
pub fn extract(html: &str, url: Option<&Url>) -> Result<Article, ExtractError> {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("khabar-extract".into())
            .stack_size(EXTRACT_STACK)
            .spawn_scoped(scope, || extract_here(html, url))
            .map_err(|_| ExtractError::NoContent)?
            .join()
            .unwrap_or(Err(ExtractError::NoContent))
    })
}

/// Stack for [`extract`]'s helper thread (virtual memory; only what is
/// touched is used).
const EXTRACT_STACK: usize = 64 * 1024 * 1024;

fn extract_here(html: &str, url: Option<&Url>) -> Result<Article, ExtractError> {
    if html.trim().is_empty() {
        return Err(ExtractError::Empty);
    }
    // html5ever's tree builder is quadratic in nesting depth: refuse absurd
    // nesting before parsing (a cheap byte scan), then check exactly after.
    if tag_depth_exceeds(html, 2 * MAX_DEPTH) {
        return Err(ExtractError::TooDeep(MAX_DEPTH));
    }
    let doc = dom_query::Document::from(html);
    // Templates first: what they hold is checked like the rest of the page.
    select::unwrap_templates(&doc, |t| !tag_depth_exceeds(t, 2 * MAX_DEPTH));
    // The Readability scoring and the converter recurse; refuse pathological
    // nesting before they see it (a stack overflow cannot be caught).
    if nesting_exceeds(&doc.root(), MAX_DEPTH) {
        return Err(ExtractError::TooDeep(MAX_DEPTH));
    }
    select::keep_datelines(&doc);
    let base = page_base(&doc, url);
    let cfg = dom_smoothie::Config {
        max_elements_to_parse: 50_000,
        ..Default::default()
    };
    // dom_smoothie refuses URLs it cannot use as a base; give it http(s) only.
    let url_str = url
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .map(Url::as_str);
    let mut readability = dom_smoothie::Readability::with_document(doc, url_str, Some(cfg))
        .map_err(|_| ExtractError::NoContent)?;
    // Metadata first: cleaning removes <meta> and <script type=ld+json>.
    let json_ld = readability.parse_json_ld();
    let md = readability.get_article_metadata(json_ld);
    let mut title = convert::collapse(&md.title);
    if title.is_empty() {
        title = convert::collapse(&readability.get_article_title());
    }

    let ld_body = json_ld_body(&readability.doc);
    let lead = select::lead(&readability.doc);
    select::clean(&readability.doc);
    let anchored = select::by_title(&readability.doc, &title).map(|node| {
        let text = convert::collapse(&node.text());
        (finish(convert::blocks(&node, base.as_ref()), &title), text)
    });
    // The body the publisher's markup names, converted before Readability
    // edits the page.
    let marked = select::by_markup(&readability.doc)
        .map(|node| finish(convert::blocks(&node, base.as_ref()), &title));
    let mut scored = Vec::new();
    let mut byline = md.byline.clone();
    if let Ok(found) = readability.parse() {
        // Readability leaves its pick in its document as #readability-page-1:
        // convert that node rather than parse the serialised copy again.
        let picked = readability.doc.select("#readability-page-1");
        scored = match picked.nodes().first() {
            Some(node) => finish(convert::blocks(node, base.as_ref()), &title),
            None => {
                let content = dom_query::Document::from(found.content.as_ref());
                finish(convert::blocks(&content.root(), base.as_ref()), &title)
            }
        };
        byline = byline.or(found.byline);
    }
    let mut blocks = scored;
    // Readability's pick, unless the publisher's markup names a body with
    // as much prose (it is cleaner: it ends where the article ends) or
    // Readability found too little.
    if let Some(m) = marked {
        let (bt, bp) = (text_len(&blocks), prose_len(&blocks));
        let (mt, mp) = (text_len(&m), prose_len(&m));
        let short = bt < 2 * MIN_ARTICLE_CHARS || bp < 2 * MIN_ARTICLE_CHARS;
        if (short && (mt > bt || mp > 2 * bp)) || mp * 2 >= bp * 3 {
            blocks = m;
        }
    }
    // Nothing yet: the container of the most paragraph text, looked up on
    // a fresh parse (Readability has edited the page), only in this case.
    if text_len(&blocks) < 2 * MIN_ARTICLE_CHARS {
        let fresh = dom_query::Document::from(html);
        select::unwrap_templates(&fresh, |t| !tag_depth_exceeds(t, 2 * MAX_DEPTH));
        select::clean(&fresh);
        if let Some(p) = select::by_paragraphs(&fresh)
            .map(|node| finish(convert::blocks(&node, base.as_ref()), &title))
            && text_len(&p) > text_len(&blocks)
        {
            blocks = p;
        }
    }
    // Readability chose text that is not under the page's own headline (a
    // teaser of another story, a table), or far less than the headline's
    // container holds: the headline's container wins.
    if let Some((a, anchor_text)) = anchored {
        let first = blocks
            .iter()
            .find(|b| matches!(b, Block::Paragraph { .. }) && b.text().chars().count() > 80)
            .map(|b| b.text().chars().take(80).collect::<String>());
        let (bt, bp) = (text_len(&blocks), prose_len(&blocks));
        let (at, ap) = (text_len(&a), prose_len(&a));
        let outside = first.is_some_and(|f| !anchor_text.contains(&convert::collapse(&f)))
            // ... unless Readability's pick has far more prose (a transcript
            // under a short summary).
            && bp < 3 * ap.max(1);
        let longer = at > 2 * bt;
        // A table or a list of names (short lines) is not the story when
        // the headline's container has its prose.
        let more_prose = ap > 2 * bp;
        if (outside || longer || more_prose) && at >= 2 * MIN_ARTICLE_CHARS {
            blocks = a;
        } else {
            blocks = with_opening(blocks, &a);
        }
    }
    // The publisher's own plain text (JSON-LD articleBody), when the page
    // gave us much less than it.
    if let Some(body) = ld_body {
        let ld_len = body.chars().filter(|c| !c.is_whitespace()).count();
        let ours: usize = blocks
            .iter()
            .filter(|b| !matches!(b, Block::Image { .. }))
            .map(|b| b.text().chars().filter(|c| !c.is_whitespace()).count())
            .sum();
        if ld_len >= 2 * MIN_ARTICLE_CHARS && ours * 2 < ld_len {
            blocks = body
                .split('\n')
                .map(convert::collapse)
                .filter(|p| !p.is_empty())
                .map(|p| Block::Paragraph {
                    inlines: vec![Inline::Text { text: p }],
                })
                .collect();
        }
    }
    // A standfirst that sits outside the body container; failing that, the
    // page's own description, which news pages show as their standfirst
    // (often only through scripts). Skipped when the body already says it.
    let lead = lead.or_else(|| {
        md.excerpt
            .as_deref()
            .map(convert::collapse)
            .filter(|d| d.chars().count() >= 60)
    });
    if let Some(lead) = lead {
        let norm = |s: &str| convert::collapse(s);
        // A description cut short ("...", "…") is compared without the cut.
        let lead_cmp = norm(&lead)
            .trim_end_matches("...")
            .trim_end_matches('…')
            .trim_end()
            .to_string();
        let have = blocks.iter().take(4).any(|b| {
            let t = norm(&b.text());
            t.contains(&lead_cmp) || lead_cmp.contains(&t) && !t.is_empty()
        });
        if !have && !same_text(&lead, &title) {
            blocks.insert(
                0,
                Block::Paragraph {
                    inlines: vec![Inline::Text { text: lead }],
                },
            );
        }
    }
    // Nothing in the page's body: some pages (photo galleries, archived
    // posts) carry their words only in the description.
    if blocks.iter().all(|b| b.text().trim().is_empty())
        && let Some(d) = md.excerpt.as_deref().map(convert::collapse)
        && d.chars().count() >= 40
        && !same_text(&d, &title)
    {
        blocks = vec![Block::Paragraph {
            inlines: vec![Inline::Text { text: d }],
        }];
    }
    if blocks.iter().all(|b| b.text().trim().is_empty()) {
        return Err(ExtractError::NoContent);
    }
    let meta = Meta {
        title,
        byline: byline
            .map(|b| convert::collapse(&b))
            .filter(|b| !b.is_empty()),
        published: md.published_time,
        site_name: md.site_name,
        language: md.lang,
        lead_image: md.image.and_then(|i| convert::resolve(&i, base.as_ref())),
        url: url.map(|u| u.to_string()),
    };
    Ok(Article { meta, blocks })
}

/// Deepest element nesting accepted. Well-formed pages stay under 100;
/// misnested ones reach a few hundred.
pub const MAX_DEPTH: usize = 2048;

/// A cheap upper bound on nesting: opening minus closing tags of the
/// container elements that are never closed implicitly.
fn tag_depth_exceeds(html: &str, limit: usize) -> bool {
    const CONTAINERS: &[&str] = &[
        "div",
        "section",
        "article",
        "blockquote",
        "table",
        "ul",
        "ol",
        "span",
    ];
    let bytes = html.as_bytes();
    let mut depth: i64 = 0;
    let mut i = 0;
    while let Some(off) = bytes[i..].iter().position(|&b| b == b'<') {
        i += off + 1;
        let closing = bytes.get(i) == Some(&b'/');
        let start = if closing { i + 1 } else { i };
        let end = bytes[start..]
            .iter()
            .position(|b| !b.is_ascii_alphanumeric())
            .map_or(bytes.len(), |e| start + e);
        let name = &bytes[start..end];
        if CONTAINERS
            .iter()
            .any(|c| name.eq_ignore_ascii_case(c.as_bytes()))
        {
            depth += if closing { -1 } else { 1 };
            if depth > limit as i64 {
                return true;
            }
        }
    }
    false
}

/// Whether elements under `root` nest deeper than `limit` (iterative walk).
fn nesting_exceeds(root: &dom_query::NodeRef<'_>, limit: usize) -> bool {
    let mut stack = vec![(*root, 0usize)];
    while let Some((n, d)) = stack.pop() {
        if d > limit {
            return true;
        }
        for c in n.children_it(false) {
            if c.is_element() {
                stack.push((c, d + 1));
            }
        }
    }
    false
}

/// Readability's pick often starts a paragraph or two into the story: the
/// opening paragraphs sit between the headline and the body container.
/// Prose paragraphs of the headline's container that come before the
/// pick's first paragraph are put back in front of it.
fn with_opening(blocks: Vec<Block>, anchored: &[Block]) -> Vec<Block> {
    let Some(first) = blocks
        .iter()
        .find(|b| matches!(b, Block::Paragraph { .. }) && b.text().chars().count() > 80)
        .map(|b| convert::collapse(&b.text()))
    else {
        return blocks;
    };
    let Some(at) = anchored.iter().position(|b| {
        matches!(b, Block::Paragraph { .. }) && convert::collapse(&b.text()) == first
    }) else {
        return blocks;
    };
    let opening: Vec<&Block> = anchored[..at]
        .iter()
        .filter(|b| {
            // A standfirst is often marked up as a (long) heading.
            matches!(b, Block::Paragraph { .. } | Block::Heading { .. })
                && b.text().chars().count() >= 80
                && boilerplate::link_density(b) < 0.3
        })
        .collect();
    if opening.is_empty() {
        return blocks;
    }
    let have: std::collections::HashSet<String> = blocks
        .iter()
        .map(|b| convert::collapse(&b.text()))
        .collect();
    let mut out: Vec<Block> = opening
        .into_iter()
        .filter(|b| !have.contains(&convert::collapse(&b.text())))
        .cloned()
        .collect();
    out.extend(blocks);
    out
}

fn text_len(blocks: &[Block]) -> usize {
    blocks
        .iter()
        .filter(|b| !matches!(b, Block::Image { .. }))
        .map(|b| b.text().chars().count())
        .sum()
}

/// Characters in paragraphs and quotes long enough to be prose (not table
/// cells, list items or lines of names).
fn prose_len(blocks: &[Block]) -> usize {
    blocks
        .iter()
        .filter(|b| matches!(b, Block::Paragraph { .. } | Block::Quote { .. }))
        .map(|b| {
            // A paragraph of short lines (names, addresses) is a list.
            b.text()
                .split('\n')
                .map(|l| l.trim().chars().count())
                .filter(|&n| n >= 80)
                .sum::<usize>()
        })
        .sum()
}

/// Drops the headline's copy from the body and prunes boilerplate.
fn finish(mut blocks: Vec<Block>, title: &str) -> Vec<Block> {
    if let Some(first) = blocks
        .iter()
        .position(|b| !matches!(b, Block::Image { .. }))
        && matches!(blocks[first], Block::Heading { .. })
        && same_text(&blocks[first].text(), title)
    {
        blocks.remove(first);
    }
    boilerplate::prune(&mut blocks);
    blocks
}

/// `articleBody` from the page's JSON-LD, if any.
fn json_ld_body(doc: &dom_query::Document) -> Option<String> {
    fn find(v: &serde_json::Value) -> Option<String> {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(serde_json::Value::String(b)) = m.get("articleBody") {
                    return Some(b.clone());
                }
                m.values().find_map(find)
            }
            serde_json::Value::Array(a) => a.iter().find_map(find),
            _ => None,
        }
    }
    doc.select("script[type=\"application/ld+json\"]")
        .nodes()
        .iter()
        .filter_map(|n| serde_json::from_str::<serde_json::Value>(n.text().trim()).ok())
        .find_map(|v| find(&v))
        .map(|b| crate::parse::decode_entities(&crate::parse::strip_tags(&b)))
}

/// The base for relative URLs: `<base href>` resolved against the page URL.
fn page_base(doc: &dom_query::Document, url: Option<&Url>) -> Option<Url> {
    let href = doc.select("base[href]").attr("href");
    match (href, url) {
        (Some(h), Some(u)) => u.join(&h).ok().or_else(|| Some(u.clone())),
        (Some(h), None) => Url::parse(&h).ok(),
        (None, u) => u.cloned(),
    }
}

fn same_text(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    let (a, b) = (norm(a), norm(b));
    !a.is_empty() && (a == b || b.starts_with(&a) || a.starts_with(&b))
}

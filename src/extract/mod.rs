//! Article extraction: an HTML page -> a clean [`Article`] (metadata and
//! blocks), without the page around it.
//!
//! Stages, each its own module, tested alone:
//! 1. parse once: decode the bytes ([`crate::fetch::charset`]), refuse what
//!    is not HTML or nests absurdly deep, parse with dom_query (html5ever);
//! 2. [`clean`]: remove what is never content;
//! 3. [`candidates`]: several bodies (Readability's pick, the publisher's
//!    marked body, the headline's container, the JSON-LD `articleBody`, the
//!    densest run of paragraphs), each [`convert`]ed to blocks and
//!    [`prune`]d;
//! 4. [`choose`]: one scorer picks the body and adds the standfirst;
//! 5. [`convert`]: DOM -> blocks, dropping anything a reader cannot show
//!    safely (run per candidate, inside stage 3);
//! 6. [`prune`]: furniture blocks inside a body (run per candidate), with
//!    the general rules of [`furniture`].
//!
//! [`EXTRACTOR_VERSION`] is stored with every extraction so that
//! `khabar reextract` can redo articles made by an older extractor.

pub mod candidates;
pub mod choose;
pub mod clean;
pub mod convert;
pub mod document;
pub mod furniture;
pub mod prune;

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
    // 1. Parse once.
    let doc = parse(html)?;
    clean::keep_datelines(&doc);
    let base = page_base(&doc, url);
    let mut readability = candidates::readability::open(doc, url)?;
    // Metadata first: cleaning removes <meta> and <script type=ld+json>.
    let (md, title) = candidates::readability::metadata(&readability);
    let ld_body = candidates::jsonld::article_body(&readability.doc);
    let standfirst = candidates::standfirst::lead(&readability.doc);
    // 2. Clean.
    clean::clean(&readability.doc);
    // 3. Candidates (converted and pruned), Readability's last: it edits
    // the page.
    let doc = &readability.doc;
    let base = base.as_ref();
    let mut found = candidates::Candidates {
        headline: candidates::headline::by_title(doc, &title).map(|node| {
            let text = convert::collapse(&node.text());
            (candidates::body(&node, base, &title), text)
        }),
        markup: candidates::markup::by_markup(doc).map(|n| candidates::body(&n, base, &title)),
        paragraphs: candidates::paragraphs::by_paragraphs(doc)
            .map(|n| candidates::body(&n, base, &title)),
        jsonld: ld_body.as_deref().map(candidates::jsonld::blocks),
        readability: None,
    };
    let (picked, found_byline) = candidates::readability::pick(&mut readability, base, &title);
    found.readability = picked;
    // 4. Choose.
    let blocks = choose::choose(found, &title, standfirst, md.excerpt.as_deref());
    if blocks.iter().all(|b| b.text().trim().is_empty()) {
        return Err(ExtractError::NoContent);
    }
    let meta = Meta {
        title,
        byline: md
            .byline
            .or(found_byline)
            .map(|b| convert::collapse(&b))
            .filter(|b| !b.is_empty()),
        published: md.published_time,
        site_name: md.site_name,
        language: md.lang,
        lead_image: md.image.and_then(|i| convert::resolve(&i, base)),
        url: url.map(|u| u.to_string()),
    };
    Ok(Article { meta, blocks })
}

/// Stage 1: the page parsed once, with templates that hold the article
/// unwrapped, or the reason it cannot be read.
fn parse(html: &str) -> Result<dom_query::Document, ExtractError> {
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
    clean::unwrap_templates(&doc, |t| !tag_depth_exceeds(t, 2 * MAX_DEPTH));
    // The Readability scoring and the converter recurse; refuse pathological
    // nesting before they see it (a stack overflow cannot be caught).
    if nesting_exceeds(&doc.root(), MAX_DEPTH) {
        return Err(ExtractError::TooDeep(MAX_DEPTH));
    }
    Ok(doc)
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

/// The base for relative URLs: `<base href>` resolved against the page URL.
fn page_base(doc: &dom_query::Document, url: Option<&Url>) -> Option<Url> {
    let href = doc.select("base[href]").attr("href");
    match (href, url) {
        (Some(h), Some(u)) => u.join(&h).ok().or_else(|| Some(u.clone())),
        (Some(h), None) => Url::parse(&h).ok(),
        (None, u) => u.cloned(),
    }
}

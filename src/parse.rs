//! Bytes of a feed document -> [`IncomingFeed`].
//!
//! The bytes are decoded to UTF-8 first ([`crate::fetch::charset`]), the XML
//! declaration is dropped (so feed-rs cannot re-decode UTF-8 text under a stale
//! label, and never sees UTF-16, on which feed-rs 3.0 panics), characters XML
//! forbids are removed, and nesting is bounded before feed-rs walks the
//! document. Each document gets a fresh feed-rs parser, and any panic inside
//! it is caught and returned as [`ParseError::Panicked`].
//!
//! A broken XML feed gives up what it holds, as lenient readers do
//! ([`parse_feed_lenient`]): a bare `&` is read as text; a document cut off
//! (also inside CDATA) or with a missing end tag keeps the items before the
//! damage, and a [`Parsed::warning`] says what was broken, on which line.
//! A broken document with nothing to recover is [`ParseError::Broken`] with
//! the line and the cause, never "not a feed".
//!
//! Item identity is the feed's guid or id, else the link, else a hash of title
//! and date. Links are resolved against the feed URL, and only http(s) links
//! are kept.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use sha2::{Digest, Sha256};
use url::Url;

use crate::dates;
use crate::error::ParseError;
use crate::fetch::charset;
use crate::model::{IncomingFeed, IncomingItem};

/// Deepest element nesting accepted. Real feeds nest fewer than 20 deep.
pub const MAX_DEPTH: usize = 256;

/// A parsed feed and, when it had to be repaired, what was broken.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The feed (for a repaired document, what could be recovered).
    pub feed: IncomingFeed,
    /// What was broken and what was kept, in plain words.
    pub warning: Option<String>,
}

/// Decodes and parses a feed document fetched from `base_url`.
pub fn parse_feed(
    bytes: &[u8],
    http_charset: Option<&str>,
    base_url: Option<&Url>,
) -> Result<IncomingFeed, ParseError> {
    parse_feed_lenient(bytes, http_charset, base_url).map(|p| p.feed)
}

/// Like [`parse_feed`], and says what was repaired.
pub fn parse_feed_lenient(
    bytes: &[u8],
    http_charset: Option<&str>,
    base_url: Option<&Url>,
) -> Result<Parsed, ParseError> {
    let decoded = charset::decode(bytes, http_charset);
    parse_text_lenient(&decoded.text, base_url)
}

/// Parses a document that is already text.
pub fn parse_text(text: &str, base_url: Option<&Url>) -> Result<IncomingFeed, ParseError> {
    parse_text_lenient(text, base_url).map(|p| p.feed)
}

/// Like [`parse_text`], and says what was repaired.
pub fn parse_text_lenient(text: &str, base_url: Option<&Url>) -> Result<Parsed, ParseError> {
    let (prepared, skipped) = prepare_counting(text)?;
    if prepared.starts_with('<') {
        check_depth(&prepared)?;
    }
    let publisher_interval = syndication_interval(&prepared);
    let first = contained_parse(&prepared, base_url);
    if !prepared.starts_with('<') || !root_is_feed(&prepared) {
        return first.map(|feed| Parsed {
            feed: convert(feed, base_url, publisher_interval),
            warning: None,
        });
    }
    match first {
        Ok(feed) => {
            let feed = convert(feed, base_url, publisher_interval);
            // feed-rs reads some damage silently, stopping early (a bare
            // '&') or reading to the end (an unclosed item): repair when
            // that gives more, and say what was broken either way.
            let Some(damage) = scan(&prepared, skipped).damage else {
                return Ok(Parsed {
                    feed,
                    warning: None,
                });
            };
            match recover(&prepared, skipped, base_url, publisher_interval) {
                Ok(p) if p.feed.items.len() > feed.items.len() => Ok(p),
                _ => Ok(Parsed {
                    feed,
                    warning: Some(format!("{damage}; read as far as it goes")),
                }),
            }
        }
        Err(first) => match recover(&prepared, skipped, base_url, publisher_interval) {
            Ok(p) => Ok(p),
            Err(Some(d)) => Err(ParseError::Broken {
                line: d.line,
                cause: d.cause,
            }),
            Err(None) => Err(first),
        },
    }
}

/// True when the root element names a feed format (RSS, Atom, RDF), so
/// damage in it is a broken feed rather than some other document.
fn root_is_feed(text: &str) -> bool {
    let Some(at) = root_start(text) else {
        return false;
    };
    let name: String = text[at + 1..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
        .collect();
    let local = name.rsplit(':').next().unwrap_or("");
    matches!(local, "rss" | "feed" | "RDF" | "rdf")
}

/// Where and how an XML document is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Damage {
    line: usize,
    cause: String,
}

impl std::fmt::Display for Damage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.cause)
    }
}

/// What one pass over the XML found.
#[derive(Debug, Default)]
struct Scan {
    /// The first damage.
    damage: Option<Damage>,
    /// Byte offset just after the last complete `</item>` or `</entry>`
    /// before the damage, with the elements still open there.
    last_item_end: Option<(usize, Vec<String>)>,
    /// When the document is cut off: how to close it where it stops (the
    /// text to keep, then what to append), keeping the item it stops in.
    cut_off: Option<(usize, String)>,
    /// Items completed before the damage.
    items: usize,
    /// The damage is a bare `&` (quick-xml stops there).
    bare_amp: bool,
}

fn line_of(text: &str, at: usize, skipped: usize) -> usize {
    let at = at.min(text.len());
    text.as_bytes()[..at]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
        + skipped
}

/// True when `rest` (after a `&`) starts a well-formed reference.
fn is_reference(rest: &[u8]) -> bool {
    let end = rest.iter().take(40).position(|&b| b == b';');
    let Some(end) = end else { return false };
    let name = &rest[..end];
    if let Some(num) = name.strip_prefix(b"#") {
        return match num.strip_prefix(b"x").or_else(|| num.strip_prefix(b"X")) {
            Some(hex) => !hex.is_empty() && hex.iter().all(u8::is_ascii_hexdigit),
            None => !num.is_empty() && num.iter().all(u8::is_ascii_digit),
        };
    }
    !name.is_empty()
        && name[0].is_ascii_alphabetic()
        && name
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// Walks the XML once, strictly, noting the first damage and the last
/// complete item before it.
fn scan(text: &str, skipped: usize) -> Scan {
    use quick_xml::events::Event;
    let mut out = Scan::default();
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<String> = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                stack.push(e.name().into_inner().to_string());
            }
            Ok(Event::End(e)) => {
                stack.pop();
                let local = e.local_name();
                if matches!(local.into_inner(), "item" | "entry") {
                    out.items += 1;
                    out.last_item_end = Some((reader.buffer_position() as usize, stack.clone()));
                }
            }
            Ok(Event::Eof) => {
                if let Some(open) = stack.last()
                    && out.damage.is_none()
                {
                    out.damage = Some(Damage {
                        line: line_of(text, text.len(), skipped),
                        cause: format!("the document ends inside <{open}> (cut off)"),
                    });
                    out.cut_off = Some((text.len(), closing(&stack)));
                }
                return out;
            }
            Ok(_) => {}
            Err(e) => {
                let at = reader.error_position() as usize;
                // Cut off inside a CDATA section or a tag: close it there.
                if let quick_xml::Error::Syntax(syn) = &e {
                    let tail = &text[at.min(text.len())..];
                    if tail.starts_with("<![CDATA[") {
                        out.cut_off = Some((text.len(), format!("]]>{}", closing(&stack))));
                    } else if !tail.contains('>') {
                        out.cut_off = Some((at.min(text.len()), closing(&stack)));
                    }
                    let _ = syn;
                }
                let cause = match &e {
                    quick_xml::Error::IllFormed(
                        quick_xml::errors::IllFormedError::UnclosedReference,
                    ) => {
                        out.bare_amp = true;
                        "a bare '&' (not written as &amp;)".to_string()
                    }
                    quick_xml::Error::Syntax(s) => format!("{s} (cut off?)"),
                    other => other.to_string(),
                };
                let d = Damage {
                    line: line_of(text, at, skipped),
                    cause,
                };
                // A bare '&' seen earlier stays the first damage reported.
                if out.damage.is_none() {
                    out.damage = Some(d);
                } else if let Some(first) = &out.damage
                    && first.line > d.line
                {
                    out.damage = Some(d);
                }
                return out;
            }
        }
    }
}

/// End tags for the open elements, innermost first.
fn closing(stack: &[String]) -> String {
    stack.iter().rev().map(|n| format!("</{n}>")).collect()
}

/// Writes each bare `&` in text as `&amp;`.
fn escape_bare_amps(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 16);
    let mut last = 0;
    let mut in_markup = false;
    let mut in_cdata = false;
    let mut i = 0;
    while i < b.len() {
        if in_cdata {
            if b[i..].starts_with(b"]]>") {
                in_cdata = false;
                i += 3;
                continue;
            }
        } else if b[i..].starts_with(b"<![CDATA[") {
            in_cdata = true;
            i += 9;
            continue;
        } else if b[i] == b'<' {
            in_markup = true;
        } else if b[i] == b'>' {
            in_markup = false;
        } else if b[i] == b'&' && !is_reference(&b[i + 1..]) {
            // Inside a tag (an attribute) or in text alike.
            let _ = in_markup;
            out.push_str(&text[last..i]);
            out.push_str("&amp;");
            last = i + 1;
        }
        i += 1;
    }
    out.push_str(&text[last..]);
    out
}

/// Tries the repairs in turn: bare ampersands, then cutting after the last
/// complete item before the damage and closing what is open there.
/// `Err(Some(d))`: broken, nothing recovered; `Err(None)`: well-formed XML.
fn recover(
    text: &str,
    skipped: usize,
    base_url: Option<&Url>,
    interval: Option<i64>,
) -> Result<Parsed, Option<Damage>> {
    let first = scan(text, skipped);
    let Some(damage) = first.damage.clone() else {
        return Err(None);
    };
    let mut text = std::borrow::Cow::Borrowed(text);
    let mut repaired = Vec::new();
    if first.bare_amp {
        text = std::borrow::Cow::Owned(escape_bare_amps(&text));
        repaired.push("bare '&' read as text");
    }
    let now = scan(&text, skipped);
    if now.damage.is_none()
        && let Ok(feed) = contained_parse(&text, base_url)
    {
        return Ok(Parsed {
            feed: convert(feed, base_url, interval),
            warning: Some(format!("{damage}; {}", repaired.join(", "))),
        });
    }
    // A cut-off document: close it where it stops, keeping the item it
    // stops in when that still parses (feedparser does the same).
    if let Some((keep, close)) = &now.cut_off
        && text.is_char_boundary(*keep)
    {
        let closed = format!("{}{close}", &text[..*keep]);
        let before = now.last_item_end.as_ref().map_or(0, |_| now.items);
        if let Ok(feed) = contained_parse(&closed, base_url)
            && feed.entries.len() > before
            && scan(&closed, skipped).damage.is_none()
        {
            let feed = convert(feed, base_url, interval);
            let later = now.damage.as_ref().unwrap_or(&damage);
            let n = feed.items.len();
            return Ok(Parsed {
                feed,
                warning: Some(format!(
                    "{later}; kept {n} item{}, the last one as far as it goes",
                    if n == 1 { "" } else { "s" }
                )),
            });
        }
    }
    let Some((cut, open)) = now.last_item_end.clone() else {
        return Err(Some(now.damage.unwrap_or(damage)));
    };
    let mut cut_text = text[..cut].to_string();
    for name in open.iter().rev() {
        cut_text.push_str("</");
        cut_text.push_str(name);
        cut_text.push('>');
    }
    match contained_parse(&cut_text, base_url) {
        Ok(feed) => {
            let feed = convert(feed, base_url, interval);
            let later = now.damage.as_ref().unwrap_or(&damage);
            let n = feed.items.len();
            Ok(Parsed {
                feed,
                warning: Some(format!(
                    "{later}; kept the {n} item{} before it{}",
                    if n == 1 { "" } else { "s" },
                    if repaired.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", repaired.join(", "))
                    }
                )),
            })
        }
        Err(_) => Err(Some(now.damage.unwrap_or(damage))),
    }
}

/// Strips what stops a lenient reader: BOM character, XML declaration,
/// leading junk (a PHP warning), and C0 control characters.
/// Also says how many lines were dropped from the start (so that damage is
/// reported on the line of the original document).
fn prepare_counting(text: &str) -> Result<(String, usize), ParseError> {
    let t = text.trim_start_matches('\u{FEFF}').trim_start();
    if t.trim().is_empty() {
        return Err(ParseError::Empty);
    }
    let start = t.find(['<', '{']).ok_or(ParseError::NotAFeed)?;
    let mut t = &t[start..];
    if t.starts_with("<?xml")
        && let Some(end) = t.find("?>")
    {
        t = t[end + 2..].trim_start();
    }
    let head: String = t.chars().take(512).collect::<String>().to_ascii_lowercase();
    let first_tag = head
        .split('<')
        .find(|s| !s.is_empty() && !s.starts_with('!') && !s.starts_with('?'))
        .unwrap_or("");
    if head.starts_with("<!doctype html") || first_tag.starts_with("html") {
        return Err(ParseError::Html);
    }
    // Every step above only trims the start: `t` is a suffix of `text`.
    let skipped = text[..text.len() - t.len()].matches('\n').count();
    let cleaned: String = t
        .chars()
        .filter(|&c| {
            !(c < ' ' && c != '\t' && c != '\n' && c != '\r') && c != '\u{FFFE}' && c != '\u{FFFF}'
        })
        .collect();
    Ok((normalise_rss_version(cleaned), skipped))
}

/// feed-rs dispatches `<rss>` on its version attribute and rejects a missing
/// one or anything but 0.91, 0.92 and 2.0. Real feeds say `<rss>`, `0.93`,
/// `0.94` or `2.01`, and are RSS 2.0 in all but name: read them as such.
fn normalise_rss_version(text: String) -> String {
    let Some(start) = root_start(&text) else {
        return text;
    };
    let rest = &text[start..];
    let is_rss = rest.starts_with("<rss")
        && rest[4..].starts_with(|c: char| c.is_whitespace() || c == '>' || c == '/');
    let Some(end) = rest.find('>').filter(|_| is_rss) else {
        return text;
    };
    let tag = &rest[..end];
    let version = tag.find("version").and_then(|i| {
        let after = tag[i + 7..].trim_start().strip_prefix('=')?.trim_start();
        let q = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let v = &after[1..];
        let value = &v[..v.find(q)?];
        // Byte offset of the value inside `tag`.
        let at = tag.len() - v.len();
        Some((at, value.len(), value.trim().to_string()))
    });
    let new_tag = match &version {
        Some((_, _, v)) if matches!(v.as_str(), "2.0" | "0.91" | "0.92") => return text,
        Some((at, len, _)) => format!("{}2.0{}", &tag[..*at], &tag[at + len..]),
        None => format!("<rss version=\"2.0\"{}", &tag[4..]),
    };
    format!("{}{}{}", &text[..start], new_tag, &rest[end..])
}

/// Byte offset of the root element's `<`, after comments, PIs and doctypes.
fn root_start(text: &str) -> Option<usize> {
    let mut pos = 0;
    while let Some(i) = text[pos..].find('<') {
        let at = pos + i;
        let rest = &text[at..];
        if rest.starts_with("<!--") {
            pos = at + rest.find("-->")? + 3;
        } else if rest.starts_with("<?") || rest.starts_with("<!") {
            pos = at + rest.find('>')? + 1;
        } else {
            return Some(at);
        }
    }
    None
}

/// Rejects documents nested deeper than [`MAX_DEPTH`] before any recursive
/// walker sees them: a stack overflow aborts the process and cannot be caught.
fn check_depth(text: &str) -> Result<(), ParseError> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    let mut depth = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Start(_)) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(ParseError::TooDeep(MAX_DEPTH));
                }
            }
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::Eof) => return Ok(()),
            Ok(_) => {}
            // Syntax errors are for feed-rs to report in its own words.
            Err(_) => return Ok(()),
        }
    }
}

thread_local! {
    static QUIET_PANICS: Cell<bool> = const { Cell::new(false) };
}

fn install_quiet_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET_PANICS.with(Cell::get) {
                default(info);
            }
        }));
    });
}

fn contained_parse(text: &str, base_url: Option<&Url>) -> Result<feed_rs::model::Feed, ParseError> {
    install_quiet_hook();
    let parser = feed_rs::parser::Builder::new()
        .base_uri(base_url.map(Url::as_str))
        // Keep missing ids missing: we derive identity ourselves.
        .id_generator(|_, _, _| String::new())
        .timestamp_parser(dates::parse)
        .sanitize_content(false)
        .build();
    QUIET_PANICS.with(|q| q.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(|| parser.parse(text.as_bytes())));
    QUIET_PANICS.with(|q| q.set(false));
    match result {
        Ok(Ok(feed)) => Ok(feed),
        Ok(Err(e)) => Err(map_feed_rs_error(e)),
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".into());
            Err(ParseError::Panicked(msg))
        }
    }
}

fn map_feed_rs_error(e: feed_rs::parser::ParseFeedError) -> ParseError {
    use feed_rs::parser::{ParseErrorKind, ParseFeedError};
    match e {
        ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot) => ParseError::NotAFeed,
        other => ParseError::Malformed(other.to_string()),
    }
}

/// `sy:updatePeriod` x `sy:updateFrequency`, as an interval in seconds.
fn syndication_interval(text: &str) -> Option<i64> {
    let period = tag_text(text, "updatePeriod")?;
    let secs = match period.trim() {
        "hourly" => 3600,
        "daily" => 86_400,
        "weekly" => 7 * 86_400,
        "monthly" => 30 * 86_400,
        "yearly" => 365 * 86_400,
        _ => return None,
    };
    let freq = tag_text(text, "updateFrequency")
        .and_then(|f| f.trim().parse::<i64>().ok())
        .filter(|f| *f > 0)
        .unwrap_or(1);
    Some(secs / freq)
}

fn tag_text<'a>(text: &'a str, local: &str) -> Option<&'a str> {
    let open = format!(":{local}>");
    let i = text.find(&open)? + open.len();
    let rest = &text[i..];
    Some(&rest[..rest.find('<')?])
}

fn convert(
    feed: feed_rs::model::Feed,
    base: Option<&Url>,
    sy_interval: Option<i64>,
) -> IncomingFeed {
    let site_url = feed
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .and_then(|l| resolve_link(&l.href, base));
    // The small icon first: a logo is often a wide banner.
    let icon_url = feed
        .icon
        .iter()
        .chain(feed.logo.iter())
        .find_map(|i| resolve_link(&i.uri, base));
    let ttl = feed.ttl.map(|m| i64::from(m) * 60);
    let publisher_interval = match (ttl, sy_interval) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    let items = feed
        .entries
        .into_iter()
        .map(|e| convert_entry(e, base))
        .collect();
    IncomingFeed {
        title: feed.title.map(|t| text_of(&t)).filter(|t| !t.is_empty()),
        site_url,
        icon_url,
        language: feed.language,
        publisher_interval,
        items,
    }
}

fn convert_entry(e: feed_rs::model::Entry, base: Option<&Url>) -> IncomingItem {
    let title = e.title.as_ref().map(text_of).unwrap_or_default();
    let link = e
        .links
        .iter()
        .filter(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .chain(e.links.iter())
        .find_map(|l| resolve_link(&l.href, base));
    let published = e.published.or(e.updated).map(|d| d.timestamp());
    let identity = if !e.id.trim().is_empty() {
        e.id.trim().to_string()
    } else if let Some(l) = &link {
        l.clone()
    } else {
        let mut h = Sha256::new();
        h.update(title.as_bytes());
        h.update(b"\n");
        h.update(
            published
                .map(|p| p.to_string())
                .unwrap_or_default()
                .as_bytes(),
        );
        h.update(b"\n");
        h.update(
            e.summary
                .as_ref()
                .map(|s| s.content.as_str())
                .unwrap_or("")
                .as_bytes(),
        );
        format!("sha256:{}", hex::encode(h.finalize()))
    };
    let author = Some(
        e.authors
            .iter()
            .filter_map(|p| p.name.as_deref().map(str::trim))
            .filter(|n| !n.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
    )
    .filter(|a| !a.is_empty());
    IncomingItem {
        identity,
        title,
        link,
        author,
        published,
        summary: e
            .summary
            .map(|s| s.content)
            .filter(|s| !s.trim().is_empty()),
        content: e
            .content
            .and_then(|c| c.body)
            .filter(|s| !s.trim().is_empty()),
        categories: e
            .categories
            .into_iter()
            .map(|c| c.label.unwrap_or(c.term))
            .filter(|c| !c.trim().is_empty())
            .collect(),
    }
}

/// Resolves `href` against `base`; keeps only http(s).
pub fn resolve_link(href: &str, base: Option<&Url>) -> Option<String> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    let url = match Url::parse(href) {
        Ok(u) => u,
        Err(url::ParseError::RelativeUrlWithoutBase) => base?.join(href).ok()?,
        Err(_) => return None,
    };
    matches!(url.scheme(), "http" | "https").then(|| url.to_string())
}

/// Plain text of a feed text construct: tags stripped, entities decoded,
/// whitespace collapsed.
fn text_of(t: &feed_rs::model::Text) -> String {
    let raw = if t.content_type.subty() == "html" || t.content.contains('<') {
        strip_tags(&t.content)
    } else {
        t.content.clone()
    };
    collapse_ws(&decode_entities(&raw))
}

/// Removes markup from a short HTML fragment (titles).
pub fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Paragraphs of a feed's HTML (summary or content), as plain text: block
/// ends and line breaks separate paragraphs, markup goes, entities decode.
pub fn html_paragraphs(html: &str) -> Vec<String> {
    let mut marked = html.to_string();
    for tag in [
        "</p>",
        "<br>",
        "<br/>",
        "<br />",
        "</div>",
        "</li>",
        "</h1>",
        "</h2>",
        "</h3>",
        "</blockquote>",
    ] {
        marked = marked
            .replace(tag, "\n\n")
            .replace(&tag.to_uppercase(), "\n\n");
    }
    decode_entities(&strip_tags(&marked))
        .split("\n\n")
        .map(collapse_ws)
        .filter(|p| !p.is_empty())
        .collect()
}

/// Collapses runs of whitespace to one space and trims.
pub fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Decodes the character references common in titles.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..].find(';').map(|e| e + 1).filter(|&e| e <= 12);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                "ndash" => Some('–'),
                "mdash" => Some('—'),
                "lsquo" => Some('‘'),
                "rsquo" => Some('’'),
                "ldquo" => Some('“'),
                "rdquo" => Some('”'),
                "hellip" => Some('…'),
                _ => {
                    let num = name.strip_prefix('#')?;
                    let v = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => num.parse::<u32>().ok()?,
                    };
                    char::from_u32(v)
                }
            }?;
            Some((c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("http://example.test/news/feed.xml").unwrap()
    }

    const DAMAGED_HEAD: &str =
        "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Invented Daily</title>\n";

    fn item(n: usize) -> String {
        format!(
            "<item><guid>id-{n}</guid><title>Story {n}</title><link>http://example.test/{n}</link>\n\
             <description><![CDATA[<p>Body of story {n}.</p>]]></description></item>\n"
        )
    }

    #[test]
    fn bare_ampersand_in_a_title_is_read_as_text() {
        let xml = format!(
            "{DAMAGED_HEAD}{}<item><guid>amp</guid><title>Salt & pepper prices</title></item>\n{}</channel></rss>",
            item(1),
            item(2)
        );
        let p = parse_text_lenient(&xml, Some(&base())).unwrap();
        assert_eq!(p.feed.items.len(), 3);
        assert_eq!(p.feed.items[1].title, "Salt & pepper prices");
        let w = p.warning.unwrap();
        assert!(w.contains("line 5") && w.contains("bare '&'"), "{w}");
    }

    #[test]
    fn feed_cut_off_in_an_item_keeps_the_items_before() {
        let xml = format!(
            "{DAMAGED_HEAD}{}{}<item><guid>cut</guid><title>Half a sto",
            item(1),
            item(2)
        );
        let p = parse_text_lenient(&xml, Some(&base())).unwrap();
        let ids: Vec<&str> = p.feed.items.iter().map(|i| i.identity.as_str()).collect();
        assert!(ids.starts_with(&["id-1", "id-2"]), "{ids:?}");
        assert!(p.warning.is_some());
    }

    #[test]
    fn feed_cut_off_inside_cdata_keeps_the_items_before() {
        let xml = format!(
            "{DAMAGED_HEAD}{}<item><guid>cut</guid><title>Cut</title><description><![CDATA[<p>Half",
            item(1)
        );
        let p = parse_text_lenient(&xml, Some(&base())).unwrap();
        assert_eq!(p.feed.items[0].identity, "id-1");
        let w = p.warning.unwrap();
        assert!(w.contains("line "), "{w}");
    }

    #[test]
    fn missing_end_tag_keeps_the_items_before() {
        let xml = format!(
            "{DAMAGED_HEAD}{}{}<item><guid>bad</guid><title>No end</item>\n{}</channel></rss>",
            item(1),
            item(2),
            item(3)
        );
        let p = parse_text_lenient(&xml, Some(&base())).unwrap();
        let ids: Vec<&str> = p.feed.items.iter().map(|i| i.identity.as_str()).collect();
        assert!(ids.starts_with(&["id-1", "id-2"]), "{ids:?}");
        let w = p.warning.unwrap();
        assert!(w.contains("line 7"), "{w}");
    }

    #[test]
    fn broken_feed_with_nothing_to_keep_says_where_and_why() {
        let xml =
            format!("{DAMAGED_HEAD}<item><guid>x</guid><title>Half</titel></item></channel></rss>");
        let err = parse_text_lenient(&xml, Some(&base())).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, ParseError::Broken { .. }), "{msg}");
        assert!(msg.contains("line 3"), "{msg}");
        assert!(!msg.contains("not a"), "{msg}");
    }

    #[test]
    fn cut_off_item_is_kept_as_far_as_it_goes() {
        let xml = format!("{DAMAGED_HEAD}{}<item><guid>cut</guid><title>Half", item(1));
        let p = parse_text_lenient(&xml, Some(&base())).unwrap();
        let ids: Vec<&str> = p.feed.items.iter().map(|i| i.identity.as_str()).collect();
        assert_eq!(ids, ["id-1", "cut"]);
    }

    #[test]
    fn atom_cut_off_keeps_entries() {
        let xml = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>A</title>\n\
            <entry><id>e1</id><title>One</title></entry>\n<entry><id>e2</id><title>Tw";
        let p = parse_text_lenient(xml, Some(&base())).unwrap();
        assert_eq!(p.feed.items[0].identity, "e1");
    }

    #[test]
    fn broken_xml_that_is_no_feed_is_not_called_a_broken_feed() {
        let err = parse_text_lenient("<note><to>Amina & co</to>", None).unwrap_err();
        assert!(!matches!(err, ParseError::Broken { .. }), "{err}");
    }

    #[test]
    fn sound_feed_has_no_warning() {
        let xml = format!("{DAMAGED_HEAD}{}</channel></rss>", item(1));
        assert!(parse_text_lenient(&xml, None).unwrap().warning.is_none());
    }

    #[test]
    fn rss_items_with_identity_fallbacks() {
        let xml = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>T &amp; Co</title>
          <link>http://example.test/</link><ttl>45</ttl>
          <item><guid>g1</guid><title>One</title><link>/a/1</link><pubDate>Mon, 5 Feb 2024 14:30:00 PKT</pubDate></item>
          <item><title>Two</title><link>http://example.test/a/2</link></item>
          <item><title>Three</title><description>no link</description></item>
        </channel></rss>"#;
        let f = parse_text(xml, Some(&base())).unwrap();
        assert_eq!(f.title.as_deref(), Some("T & Co"));
        assert_eq!(f.publisher_interval, Some(45 * 60));
        assert_eq!(f.items.len(), 3);
        assert_eq!(f.items[0].identity, "g1");
        assert_eq!(f.items[0].link.as_deref(), Some("http://example.test/a/1"));
        assert_eq!(f.items[0].published, Some(1_707_125_400));
        assert_eq!(f.items[1].identity, "http://example.test/a/2");
        assert!(f.items[2].identity.starts_with("sha256:"));
        assert_eq!(f.items[2].published, None);
    }

    #[test]
    fn html_page_is_not_a_feed() {
        let html = "<!DOCTYPE html><html><head><title>Login</title></head><body>Wifi</body></html>";
        assert_eq!(parse_text(html, None), Err(ParseError::Html));
        assert_eq!(parse_text("   \n", None), Err(ParseError::Empty));
    }

    #[test]
    fn deep_nesting_is_refused_without_overflow() {
        let xml = format!(
            "<rss version=\"2.0\"><channel>{}{}</channel></rss>",
            "<x>".repeat(50_000),
            "</x>".repeat(50_000)
        );
        assert_eq!(parse_text(&xml, None), Err(ParseError::TooDeep(MAX_DEPTH)));
    }

    #[test]
    fn utf16be_feed_parses_instead_of_panicking() {
        // feed-rs 3.0 panics on UTF-16BE input with a BOM; we transcode first.
        let s = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss version=\"2.0\"><channel><title>اردو</title><item><guid>1</guid><title>خبر</title></item></channel></rss>";
        let mut bytes = vec![0xFE, 0xFF];
        bytes.extend(s.encode_utf16().flat_map(|u| u.to_be_bytes()));
        let f = parse_feed(&bytes, None, None).unwrap();
        assert_eq!(f.title.as_deref(), Some("اردو"));
        assert_eq!(f.items[0].title, "خبر");
    }

    #[test]
    fn sy_update_period() {
        let xml = r#"<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel><title>x</title>
          <sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency></channel></rss>"#;
        assert_eq!(
            parse_text(xml, None).unwrap().publisher_interval,
            Some(1800)
        );
    }

    #[test]
    fn non_http_links_are_dropped() {
        let xml = r#"<rss version="2.0"><channel><title>x</title>
          <item><guid>a</guid><title>a</title><link>javascript:alert(1)</link></item>
          <item><guid>b</guid><title>b</title><link>file:///etc/passwd</link></item></channel></rss>"#;
        let f = parse_text(xml, Some(&base())).unwrap();
        assert!(f.items.iter().all(|i| i.link.is_none()));
    }

    #[test]
    fn rss_without_or_with_odd_version_reads_as_rss2() {
        for root in [
            "<rss>",
            "<rss version=\"2.01\">",
            "<rss version='0.94' xmlns:x=\"y\">",
        ] {
            let xml = format!(
                "<!-- c --><?xml-stylesheet href=\"x\"?>{root}<channel><title>V</title><item><guid>1</guid><title>I</title></item></channel></rss>"
            );
            let f = parse_text(&xml, None).unwrap_or_else(|e| panic!("{root}: {e}"));
            assert_eq!(f.items.len(), 1, "{root}");
        }
    }

    #[test]
    fn entities_decode() {
        assert_eq!(
            decode_entities("a &amp; b &#8217; &#x41; &bogus; &"),
            "a & b ’ A &bogus; &"
        );
    }
}

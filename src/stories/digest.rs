//! "While you were away": the catch-up digest.
//!
//! [`build`] takes the stories seen since a time (the last visit, by
//! default) from the store: stories told by several outlets, and lone
//! reports that hit a followed topic. Stories with followed topics come
//! first, then those with the most outlets. Each has its representative
//! headline, its outlets and a lead of two sentences from the clean article
//! (the feed's own text where no article was saved), and the article's
//! cached lead image.
//!
//! It is written as text ([`Digest::to_text`]), a standalone HTML page
//! ([`Digest::to_html`]) or an EPUB for an e-reader ([`Digest::to_epub`],
//! with `epub-builder`; the images travel inside it).
//!
//! The last visit is a timestamp in `last-visit` in the data folder
//! ([`last_visit`], [`record_visit`]): a plain file, so reading it needs no
//! store writer.
//!
//! Unlike the rest of `stories`, this reads the store. Nothing here knows
//! about egui.

use std::path::{Path, PathBuf};

use serde::Serialize;
use unicode_segmentation::UnicodeSegmentation as _;

use crate::error::StoreError;
use crate::extract::document::{Block, inline_text};
use crate::model::{self, Headline, ItemId, Timestamp};
use crate::store::Store;

/// The file in the data folder that holds the last visit.
pub const LAST_VISIT_FILE: &str = "last-visit";

/// Most characters of a lead (two long sentences are cut at a word).
const LEAD_CHARS: usize = 420;

/// The digest.
#[derive(Debug, Clone, Serialize)]
pub struct Digest {
    /// Since when, RFC 3339.
    pub since: String,
    /// Made at, RFC 3339.
    pub generated: String,
    /// Its stories, followed topics first, then most outlets.
    pub stories: Vec<Entry>,
}

/// One story of the digest.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// The story id (a lone report's is its item id).
    pub story: i64,
    /// The representative headline.
    pub headline: String,
    /// The outlets that told it, in the order they did.
    pub outlets: Vec<String>,
    /// Followed topics its reports hit.
    pub topics: Vec<String>,
    /// Two sentences from the clean article (or the feed's text).
    pub lead: String,
    /// The outlet whose article gave the lead.
    pub lead_outlet: Option<String>,
    /// The lead article's cached image, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    /// Its reports, earliest first.
    pub items: Vec<Headline>,
}

/// A cached image.
#[derive(Debug, Clone, Serialize)]
pub struct Image {
    /// The file in the image cache.
    pub path: PathBuf,
    /// Its MIME type.
    pub mime: String,
    /// Alt text (the headline).
    pub alt: String,
}

/// The last visit recorded in `data_dir`, if any.
pub fn last_visit(data_dir: &Path) -> Option<Timestamp> {
    std::fs::read_to_string(data_dir.join(LAST_VISIT_FILE))
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Records a visit at `at`.
pub fn record_visit(data_dir: &Path, at: Timestamp) -> std::io::Result<()> {
    std::fs::create_dir_all(data_dir)?;
    std::fs::write(data_dir.join(LAST_VISIT_FILE), format!("{at}\n"))
}

/// The digest of what was seen since `since`, at most `limit` stories.
/// `images_dir` is the image cache (None: no images).
pub fn build(
    store: &Store,
    since: Timestamp,
    limit: usize,
    images_dir: Option<&Path>,
) -> Result<Digest, StoreError> {
    let mut candidates: Vec<(i64, String, Vec<Headline>)> = store
        .stories(since, limit.saturating_mul(4).max(50))?
        .into_iter()
        .map(|s| (s.id, s.headline, s.items))
        .collect();
    for h in store.lone_followed(since, limit.max(1))? {
        candidates.push((h.story, h.title.clone(), vec![h]));
    }
    let mut entries = Vec::with_capacity(candidates.len());
    for (story, headline, items) in candidates {
        if items.is_empty() {
            continue;
        }
        let ids: Vec<ItemId> = items.iter().map(|h| h.id).collect();
        let mut outlets: Vec<String> = Vec::new();
        for h in &items {
            if !outlets.contains(&h.feed) {
                outlets.push(h.feed.clone());
            }
        }
        entries.push(Entry {
            story,
            headline,
            outlets,
            topics: store.followed_topics_of(&ids)?,
            lead: String::new(),
            lead_outlet: None,
            image: None,
            items,
        });
    }
    entries.sort_by(|a, b| {
        // Followed first (false sorts before true), then most outlets.
        a.topics
            .is_empty()
            .cmp(&b.topics.is_empty())
            .then(b.outlets.len().cmp(&a.outlets.len()))
            .then(b.items.len().cmp(&a.items.len()))
            .then_with(|| last(b).cmp(&last(a)))
    });
    entries.truncate(limit);
    // Leads and images only for the stories kept.
    for e in &mut entries {
        fill_lead(store, e, images_dir)?;
    }
    Ok(Digest {
        since: model::rfc3339(since),
        generated: model::rfc3339(model::now()),
        stories: entries,
    })
}

fn last(e: &Entry) -> Timestamp {
    e.items.iter().map(|h| h.published_ts).max().unwrap_or(0)
}

/// The lead from the first report (earliest first) with a clean article,
/// else from the first with any text of its own.
fn fill_lead(store: &Store, e: &mut Entry, images_dir: Option<&Path>) -> Result<(), StoreError> {
    let mut fallback: Option<(String, String)> = None;
    for h in &e.items {
        let doc = store.article(h.id)?.and_then(|a| a.document);
        if let Some(doc) = doc {
            let lead = two_sentences(&paragraphs(&doc.blocks));
            if !lead.is_empty() {
                e.lead = lead;
                e.lead_outlet = Some(h.feed.clone());
                e.image = lead_image(store, h.id, &doc, images_dir, &e.headline)?;
                return Ok(());
            }
        }
        if fallback.is_none() {
            let item = store.item(h.id)?;
            let html = item.content.as_deref().or(item.summary.as_deref());
            let text = crate::parse::html_paragraphs(html.unwrap_or("")).join(" ");
            let lead = two_sentences(&text);
            if !lead.is_empty() {
                fallback = Some((lead, h.feed.clone()));
            }
        }
    }
    if let Some((lead, outlet)) = fallback {
        e.lead = lead;
        e.lead_outlet = Some(outlet);
    }
    Ok(())
}

/// The article's paragraphs as one text (headings, lists and captions left
/// out: a lead is prose).
fn paragraphs(blocks: &[Block]) -> String {
    blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph { inlines } => Some(inline_text(inlines)),
            _ => None,
        })
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first cached image of the article (its lead image first).
fn lead_image(
    store: &Store,
    item: ItemId,
    doc: &crate::extract::Article,
    images_dir: Option<&Path>,
    alt: &str,
) -> Result<Option<Image>, StoreError> {
    let Some(dir) = images_dir else {
        return Ok(None);
    };
    for url in crate::articles::image_urls(doc) {
        if let Some((hash, mime)) = store.image_for(item, &url)? {
            let path = crate::articles::image_path(dir, &hash);
            if path.is_file() {
                return Ok(Some(Image {
                    path,
                    mime,
                    alt: alt.to_string(),
                }));
            }
        }
    }
    Ok(None)
}

/// The first two sentences of `text` (Unicode sentence boundaries, so the
/// Urdu full stop `۔` ends one too), at most [`LEAD_CHARS`] characters.
pub fn two_sentences(text: &str) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut pending = String::new();
    for piece in text.split_sentence_bounds() {
        pending.push_str(piece);
        // "Mr. Khan", "U.S. officials": a short capitalised word or an
        // initial before the full stop does not end a sentence.
        if ends_in_abbreviation(&pending) {
            continue;
        }
        if !pending.trim().is_empty() {
            out.push_str(&pending);
            count += 1;
        }
        pending.clear();
        if count == 2 {
            break;
        }
    }
    if count < 2 {
        out.push_str(&pending);
    }
    let out = out.trim();
    if out.chars().count() <= LEAD_CHARS {
        return out.to_string();
    }
    // Cut at a word, with an ellipsis.
    let cut: String = out.chars().take(LEAD_CHARS).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

fn ends_in_abbreviation(s: &str) -> bool {
    let t = s.trim_end();
    let Some(body) = t.strip_suffix('.') else {
        return false;
    };
    let word = body
        .rsplit([' ', '(', '"', '\u{201c}'])
        .next()
        .unwrap_or("");
    let letters = word.trim_start_matches(|c: char| !c.is_alphanumeric());
    const SHORT: &[&str] = &[
        "Mr", "Mrs", "Ms", "Dr", "St", "Prof", "Gen", "Lt", "Col", "Sen", "Rep", "Gov", "No", "Jr",
        "Sr", "vs",
    ];
    SHORT.contains(&letters)
        // An initial: "J." or the last letter of "U.S." / "U.N.".
        || (letters.chars().count() == 1 && letters.chars().all(char::is_uppercase))
        || (letters.contains('.') && letters.chars().all(|c| c == '.' || c.is_uppercase()))
}

impl Digest {
    /// A heading line: "While you were away: since ...".
    pub fn title(&self) -> String {
        format!("While you were away: since {}", human_time(&self.since))
    }

    /// Plain text, for a terminal or a mail.
    pub fn to_text(&self) -> String {
        let mut out = format!("{}\n", self.title());
        if self.stories.is_empty() {
            out.push_str(
                "\nNothing told by several outlets, and nothing new in followed topics.\n",
            );
            return out;
        }
        for (i, e) in self.stories.iter().enumerate() {
            out.push_str(&format!("\n{}. {}\n", i + 1, e.headline));
            if !e.topics.is_empty() {
                out.push_str(&format!("   Following: {}\n", e.topics.join(", ")));
            }
            out.push_str(&format!("   {}\n", outlets_line(e)));
            if !e.lead.is_empty() {
                out.push_str(&format!("   {}\n", e.lead));
            }
            if let Some(link) = e.items.first().and_then(|h| h.link.as_deref()) {
                out.push_str(&format!("   {link}\n"));
            }
        }
        out
    }

    /// A standalone HTML page (images as `file:` links to the cache).
    pub fn to_html(&self) -> String {
        let mut body = String::new();
        for e in &self.stories {
            body.push_str(&entry_html(e, e.image.as_ref().map(|i| file_url(&i.path))));
        }
        page(&self.title(), &self.empty_note(), &body, "html")
    }

    fn empty_note(&self) -> String {
        if self.stories.is_empty() {
            "<p>Nothing told by several outlets, and nothing new in followed topics.</p>".into()
        } else {
            format!(
                "<p class=\"meta\">{} stories, followed topics first, then those told by the most outlets.</p>",
                self.stories.len()
            )
        }
    }

    /// An EPUB 3 book: a title page, then one chapter per story, with the
    /// cached images inside.
    pub fn to_epub(&self) -> Result<Vec<u8>, String> {
        use epub_builder::{EpubBuilder, EpubContent, EpubVersion, ReferenceType, ZipLibrary};
        let err = |e: epub_builder::Error| format!("cannot write the EPUB: {e}");
        let mut b = EpubBuilder::new(ZipLibrary::new().map_err(err)?).map_err(err)?;
        b.epub_version(EpubVersion::V30);
        b.set_title(self.title());
        // Not `add_author`: epub-builder 0.8.3's EPUB 3 template numbers the
        // `dc:language` and `dc:creator` ids from 0 alike ("epub-creator-0"
        // twice), which epubcheck rejects. The creator goes in a `meta`
        // of its own instead (EPUB 3 takes any DCMI term there).
        b.add_metadata_opf(Box::new(epub_builder::MetadataOpfV3::new(
            "dcterms:creator".into(),
            "Khabar".into(),
        )));
        b.set_generator("Khabar");
        b.add_language("en");
        b.stylesheet(CSS.as_bytes()).map_err(err)?;
        let intro = page(&self.title(), &self.empty_note(), "", "epub");
        b.add_content(
            EpubContent::new("index.xhtml", intro.as_bytes())
                .title("While you were away")
                .reftype(ReferenceType::Text),
        )
        .map_err(err)?;
        for (i, e) in self.stories.iter().enumerate() {
            let mut src = None;
            if let Some(img) = &e.image
                && let Ok(bytes) = std::fs::read(&img.path)
            {
                let name = format!("images/story-{}.{}", i + 1, extension(&img.mime));
                b.add_resource(&name, bytes.as_slice(), img.mime.as_str())
                    .map_err(err)?;
                // Chapters are at the book's root, beside `images/`.
                src = Some(name);
            }
            let xhtml = page(&e.headline, "", &entry_html(e, src), "epub");
            b.add_content(
                EpubContent::new(format!("story-{}.xhtml", i + 1), xhtml.as_bytes())
                    .title(e.headline.as_str()),
            )
            .map_err(err)?;
        }
        let mut out = Vec::new();
        b.generate(&mut out).map_err(err)?;
        Ok(out)
    }
}

fn outlets_line(e: &Entry) -> String {
    match e.outlets.len() {
        1 => format!("1 outlet: {}", e.outlets[0]),
        n => format!("{n} outlets: {}", e.outlets.join(", ")),
    }
}

fn esc(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}

/// One story as HTML (also valid XHTML), its image at `img` if given.
fn entry_html(e: &Entry, img: Option<String>) -> String {
    let mut s = String::from("<section class=\"story\">\n");
    s.push_str(&format!("<h2 dir=\"auto\">{}</h2>\n", esc(&e.headline)));
    if !e.topics.is_empty() {
        s.push_str(&format!(
            "<p class=\"topics\">Following: {}</p>\n",
            esc(&e.topics.join(", "))
        ));
    }
    s.push_str(&format!(
        "<p class=\"meta\">{}</p>\n",
        esc(&outlets_line(e))
    ));
    if let (Some(src), Some(image)) = (img, &e.image) {
        s.push_str(&format!(
            "<p class=\"image\"><img src=\"{}\" alt=\"{}\"/></p>\n",
            esc(&src),
            esc(&image.alt)
        ));
    }
    if !e.lead.is_empty() {
        let from = e
            .lead_outlet
            .as_deref()
            .map(|o| format!(" <span class=\"meta\">({})</span>", esc(o)))
            .unwrap_or_default();
        s.push_str(&format!("<p dir=\"auto\">{}{from}</p>\n", esc(&e.lead)));
    }
    s.push_str("<ul class=\"reports\">\n");
    for h in &e.items {
        let title = esc(&h.title);
        let linked = match &h.link {
            Some(l) => format!("<a href=\"{}\">{title}</a>", esc(l)),
            None => title,
        };
        s.push_str(&format!(
            "<li dir=\"auto\"><b>{}</b>: {linked} <span class=\"meta\">{}</span></li>\n",
            esc(&h.feed),
            esc(&human_time(&h.published))
        ));
    }
    s.push_str("</ul>\n</section>\n");
    s
}

const CSS: &str = "body { font-family: serif; line-height: 1.45; max-width: 42em; margin: 1em auto; padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-bottom: 0.2em; }
.meta { color: #555; font-size: 0.9em; } .topics { color: #7a3b00; font-size: 0.9em; font-weight: bold; }
.image img { max-width: 100%; height: auto; }
ul.reports { padding-left: 1.2em; font-size: 0.95em; }
section.story { border-top: 1px solid #ccc; padding-top: 0.6em; margin-top: 1em; }
";

/// A whole page: HTML for a browser, XHTML for the EPUB.
fn page(title: &str, intro: &str, body: &str, kind: &str) -> String {
    let h1 = format!("<h1>{}</h1>\n{intro}\n", esc(title));
    if kind == "epub" {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n\
             <html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"en\" xml:lang=\"en\">\n\
             <head><meta charset=\"UTF-8\"/><title>{}</title>\
             <link rel=\"stylesheet\" type=\"text/css\" href=\"stylesheet.css\"/></head>\n\
             <body>\n{}{body}</body>\n</html>\n",
            esc(title),
            if body.is_empty() { h1 } else { String::new() }
        )
    } else {
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"/>\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\
             <title>{}</title>\n<style>\n{CSS}</style></head>\n<body>\n{h1}{body}</body>\n</html>\n",
            esc(title)
        )
    }
}

fn file_url(path: &Path) -> String {
    url::Url::from_file_path(path).map_or_else(|_| path.display().to_string(), |u| u.to_string())
}

fn extension(mime: &str) -> &'static str {
    match mime {
        "image/png" => "png",
        "image/gif" => "gif",
        "image/webp" => "webp",
        _ => "jpg",
    }
}

/// "2 Dec 2026 08:00 UTC" from RFC 3339.
fn human_time(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .format("%-d %b %Y %H:%M UTC")
                .to_string()
        })
        .unwrap_or_else(|_| rfc3339.to_string())
}

#[cfg(test)]
mod tests {
    use super::two_sentences;

    #[test]
    fn two_sentences_keep_titles_and_initials_and_end_at_the_urdu_full_stop() {
        assert_eq!(
            two_sentences(
                "Mr. Khan spoke in the U.S. capital on Monday. He said little. Then more."
            ),
            "Mr. Khan spoke in the U.S. capital on Monday. He said little."
        );
        assert_eq!(
            two_sentences("کراچی میں بارش ہوئی۔ سڑکیں بند ہیں۔ تیسرا جملہ۔"),
            "کراچی میں بارش ہوئی۔ سڑکیں بند ہیں۔"
        );
        assert_eq!(two_sentences("Only one."), "Only one.");
        assert_eq!(two_sentences(""), "");
        let long = "word ".repeat(200);
        let cut = two_sentences(&long);
        assert!(cut.ends_with('…') && cut.chars().count() <= 421, "{cut}");
    }
}

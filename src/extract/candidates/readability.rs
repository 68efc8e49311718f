//! Candidate: Readability's pick, through dom_smoothie (a port of Mozilla's
//! Readability.js). dom_smoothie also reads the page's metadata (JSON-LD,
//! OpenGraph, meta tags), which is taken first, before cleaning removes the
//! tags it reads.
//!
//! dom_smoothie owns the parsed page: every other stage works on
//! [`Readability::doc`]. [`pick`] edits that page (Readability strips what it
//! scores low), so it runs after the other candidates are taken.

use dom_query::Document;
use url::Url;

use crate::extract::ExtractError;
use crate::extract::convert;
use crate::extract::document::Block;

pub use dom_smoothie::{Metadata, Readability};

/// Hands the parsed page to dom_smoothie.
pub fn open(doc: Document, url: Option<&Url>) -> Result<Readability, ExtractError> {
    let cfg = dom_smoothie::Config {
        max_elements_to_parse: 50_000,
        ..Default::default()
    };
    // dom_smoothie refuses URLs it cannot use as a base; give it http(s) only.
    let url_str = url
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .map(Url::as_str);
    Readability::with_document(doc, url_str, Some(cfg)).map_err(|_| ExtractError::NoContent)
}

/// The page's metadata and its headline (the metadata's title, else the
/// `<title>` as Readability trims it), collapsed.
pub fn metadata(r: &Readability) -> (Metadata, String) {
    let json_ld = r.parse_json_ld();
    let md = r.get_article_metadata(json_ld);
    let mut title = convert::collapse(&md.title);
    if title.is_empty() {
        title = convert::collapse(&r.get_article_title());
    }
    (md, title)
}

/// Readability's pick as blocks, and the byline it found, if any.
pub fn pick(
    r: &mut Readability,
    base: Option<&Url>,
    title: &str,
) -> (Option<Vec<Block>>, Option<String>) {
    let Ok(found) = r.parse() else {
        return (None, None);
    };
    // Readability leaves its pick in its document as #readability-page-1:
    // convert that node rather than parse the serialised copy again.
    let picked = r.doc.select("#readability-page-1");
    let blocks = match picked.nodes().first() {
        Some(node) => super::body(node, base, title),
        None => {
            let content = Document::from(found.content.as_ref());
            super::body(&content.root(), base, title)
        }
    };
    (Some(blocks), found.byline)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pick_is_the_story_and_the_metadata_is_read() {
        let para = "The river rose past the old mill on Tuesday night, and by morning the \
                    lower streets of the village were under a foot of brown water. ";
        let html = format!(
            r#"<html><head><title>Flood at the mill | Valley Post</title>
            <meta property="og:site_name" content="Valley Post"></head><body>
            <div class="menu"><a href="/a">Home</a> <a href="/b">Weather</a></div>
            <div class="story"><p>{p}</p><p>{p}</p><p>{p}</p></div></body></html>"#,
            p = para.repeat(2)
        );
        let mut r = open(Document::from(html), None).unwrap();
        let (md, title) = metadata(&r);
        assert!(title.starts_with("Flood at the mill"));
        assert_eq!(md.site_name.as_deref(), Some("Valley Post"));
        let (blocks, _) = pick(&mut r, None, &title);
        let blocks = blocks.unwrap();
        assert_eq!(blocks.len(), 3);
        assert!(
            blocks
                .iter()
                .all(|b| b.text().starts_with("The river rose"))
        );
    }
}

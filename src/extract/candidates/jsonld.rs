//! Candidate: the publisher's own plain text, JSON-LD `articleBody`, as
//! paragraphs (one per line of the text). It has no links, images or
//! headings, so the chooser takes it only when the page itself gave far less.

use dom_query::Document;

use crate::extract::convert;
use crate::extract::document::{Block, Inline};

/// `articleBody` from the page's JSON-LD, if any, tags stripped and entities
/// decoded. Read before cleaning, which removes the scripts.
pub fn article_body(doc: &Document) -> Option<String> {
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

/// The body text as paragraphs: one per non-empty line.
pub fn blocks(body: &str) -> Vec<Block> {
    body.split('\n')
        .map(convert::collapse)
        .filter(|p| !p.is_empty())
        .map(|p| Block::Paragraph {
            inlines: vec![Inline::Text { text: p }],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_body_is_found_nested_and_split_into_paragraphs() {
        let doc = Document::from(
            r#"<html><head><script type="application/ld+json">
            {"@graph": [{"@type": "WebPage"}, {"@type": "NewsArticle",
              "articleBody": "First line of the story &amp; more.\n\n<b>Second</b> line."}]}
            </script></head><body></body></html>"#,
        );
        let body = article_body(&doc).unwrap();
        let b = blocks(&body);
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].text(), "First line of the story & more.");
        assert_eq!(b[1].text(), "Second line.");
    }

    #[test]
    fn a_page_without_json_ld_or_with_broken_json_ld_has_no_body() {
        let doc = Document::from(
            r#"<html><head><script type="application/ld+json">{"articleBody": </script></head></html>"#,
        );
        assert_eq!(article_body(&doc), None);
    }
}

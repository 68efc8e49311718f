//! Candidate: the densest run of paragraphs, the container of the most
//! paragraph text outside links.

use dom_query::{Document, NodeRef};

use crate::extract::clean::own_text_len;

/// The container of the most paragraph text outside links: each `<p>`
/// counts for its parent in full and for its grandparent by half. A plain
/// fallback for pages Readability gives up on.
pub fn by_paragraphs<'a>(doc: &'a Document) -> Option<NodeRef<'a>> {
    let mut score: std::collections::HashMap<dom_query::NodeId, (usize, NodeRef<'a>)> =
        std::collections::HashMap::new();
    for p in doc.select("p").nodes() {
        let (total, linked) = own_text_len(p);
        let own = total - linked;
        if own < 25 {
            continue;
        }
        if let Some(parent) = p.parent() {
            score.entry(parent.id).or_insert((0, parent)).0 += own;
            if let Some(grand) = parent.parent() {
                score.entry(grand.id).or_insert((0, grand)).0 += own / 2;
            }
        }
    }
    score
        .into_values()
        .filter(|(_, n)| {
            !n.node_name()
                .is_some_and(|t| t.eq_ignore_ascii_case("html"))
        })
        .max_by_key(|(s, _)| *s)
        .filter(|(s, _)| *s >= 200)
        .map(|(_, n)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parent_of_the_most_paragraph_text_is_found() {
        let para = "<p>The choir sang in the old mill for the first time since the \
                    flood, and the roof held.</p>";
        let doc = Document::from(format!(
            r#"<body><div id="side"><p><a href="/x">A linked teaser that is long enough to count as a paragraph</a></p></div>
            <div id="body">{p}{p}{p}</div></body>"#,
            p = para
        ));
        let node = by_paragraphs(&doc).unwrap();
        assert_eq!(node.attr("id").as_deref(), Some("body"));
    }

    #[test]
    fn a_page_without_paragraph_text_has_no_candidate() {
        let doc = Document::from("<body><div>Menu</div><p>Hi.</p></body>");
        assert!(by_paragraphs(&doc).is_none());
    }
}

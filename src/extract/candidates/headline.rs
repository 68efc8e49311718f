//! Candidate: the container of the page's own headline. Pages with several
//! stories (a main one and teasers) get the one the page is titled for.

use dom_query::{Document, NodeRef};

use crate::extract::clean::{body_own_text, own_text_len};

/// The container of the article whose headline matches `title`: the nearest
/// ancestor of that headline holding real text, when it is not most of the
/// page. Pages with several stories (a main one and teasers) get the one the
/// page is titled for.
pub fn by_title<'a>(doc: &'a Document, title: &str) -> Option<NodeRef<'a>> {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let want = norm(title);
    if want.chars().count() < 12 {
        return None;
    }
    let page_own = body_own_text(doc);
    let heading = doc
        .select("h1, h2, [itemprop=\"headline\"]")
        .nodes()
        .iter()
        .copied()
        .find(|h| {
            let t = norm(&h.text());
            t.chars().count() >= 12 && (t == want || want.contains(&t) || t.contains(&want))
        })?;
    let mut node = heading;
    for _ in 0..8 {
        node = node.parent()?;
        let name = node
            .node_name()
            .map(|s| s.to_ascii_lowercase())
            .unwrap_or_default();
        if matches!(name.as_str(), "body" | "html") {
            return None;
        }
        let (total, linked) = own_text_len(&node);
        let own = total - linked;
        if own >= 500 {
            return (own < page_own && linked * 2 < total).then_some(node);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_container_of_the_matching_headline_is_found_not_a_teaser() {
        let para = "<p>The lighthouse keeper retired on Friday after forty years, and \
                    the town gave him a brass telescope and a very long lunch.</p>";
        let doc = Document::from(format!(
            r#"<body><div id="teaser"><h2>Storm closes the harbour road</h2>{p}{p}{p}{p}{p}{p}</div>
            <div id="main"><h1>Lighthouse keeper retires after forty years</h1>{p}{p}{p}{p}{p}{p}</div>
            </body>"#,
            p = para
        ));
        let node = by_title(&doc, "Lighthouse keeper retires after forty years").unwrap();
        assert_eq!(node.attr("id").as_deref(), Some("main"));
        assert!(by_title(&doc, "A headline that is nowhere on the page").is_none());
    }
}

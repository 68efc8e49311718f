//! The standfirst: a lead paragraph the page marks by class ("standfirst",
//! "dek", "article-lead"...), often outside the body container. Not a body
//! candidate of its own: the chooser puts it in front of the chosen body
//! when the body does not already say it.

use dom_query::Document;

use crate::extract::clean::own_text_len;

/// A standfirst (the lead paragraph under the headline), when the page marks one.
pub fn lead(doc: &Document) -> Option<String> {
    const LEAD: &[&str] = &[
        "intro",
        "lead",
        "standfirst",
        "article-lead",
        "article__lead",
        "dek",
        "subtitle",
        "summary",
        "article-intro",
        "article__intro",
        "lead-paragraph",
        "entry-summary",
    ];
    doc.select("[class]").nodes().iter().find_map(|n| {
        let name = n.node_name()?.to_ascii_lowercase();
        if !matches!(name.as_str(), "p" | "div" | "h2" | "span") {
            return None;
        }
        let class = n.attr("class")?.to_ascii_lowercase();
        if !class.split_whitespace().any(|c| LEAD.contains(&c)) {
            return None;
        }
        let t = n.text().split_whitespace().collect::<Vec<_>>().join(" ");
        let len = t.chars().count();
        let (total, linked) = own_text_len(n);
        ((40..=600).contains(&len) && linked * 3 < total.max(1)).then_some(t)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marked_lead_is_found_and_a_linked_or_short_one_is_not() {
        let doc = Document::from(
            r#"<body><p class="standfirst">The village voted to keep its last post office open, by a narrow margin.</p></body>"#,
        );
        assert!(lead(&doc).unwrap().starts_with("The village voted"));
        let doc = Document::from(
            r#"<body><p class="lead"><a href="/x">The village voted to keep its last post office open.</a></p>
            <div class="summary">Too short.</div></body>"#,
        );
        assert_eq!(lead(&doc), None);
    }
}

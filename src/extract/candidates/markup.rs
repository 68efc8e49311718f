//! Candidate: the body the publisher's markup names (`itemprop=articleBody`,
//! `.entry-content`, `.article-body`...). [`by_markup`] tries those selectors
//! in order of reliability and takes the match with the most text outside
//! links, if it carries enough text to be an article.

use dom_query::{Document, NodeRef};

use crate::extract::clean::own_text_len;

/// Content selectors, most specific first.
const CONTENT_SELECTORS: &[&str] = &[
    "[itemprop=\"articleBody\"]",
    "[property=\"articleBody\"]",
    ".article-body, .article__body, .articleBody, .article-body-content, #article-body, #articleBody, .ArticleBody",
    ".story-body, .story__body, .story-content, #story-body, .StoryBody",
    ".entry-content, .post-content, .post-body, .post__content, .postBody, .post-entry, .blog-post-content, .td-post-content, .single-post-content, .article-content, .article__content, .articleContent, .content-article, .article-text, .article__text, .news-content, .news-text, .news-body, .detail-content, .detail_txt, .field-name-body, .field--name-body, .text-content, .body-text, .rich-text, .c-entry-content, .l-article__body, .content-body",
];

/// A content selector tier, split into what a single walk can test.
#[derive(Default)]
struct Tier {
    classes: Vec<&'static str>,
    ids: Vec<&'static str>,
    attrs: Vec<(&'static str, &'static str)>,
}

/// [`CONTENT_SELECTORS`] as tiers (every selector there is a class, an id or
/// an `[attr="value"]`).
static TIERS: std::sync::LazyLock<Vec<Tier>> = std::sync::LazyLock::new(|| {
    CONTENT_SELECTORS
        .iter()
        .map(|group| {
            let mut t = Tier::default();
            for sel in group.split(',').map(str::trim) {
                if let Some(c) = sel.strip_prefix('.') {
                    t.classes.push(c);
                } else if let Some(i) = sel.strip_prefix('#') {
                    t.ids.push(i);
                } else if let Some((a, v)) = sel
                    .strip_prefix('[')
                    .and_then(|x| x.strip_suffix(']'))
                    .and_then(|x| x.split_once('='))
                {
                    t.attrs.push((a, v.trim_matches('"')));
                }
            }
            t
        })
        .collect()
});

/// The main content node chosen by publisher markup, if any qualifies: the
/// most specific tier of the content selectors with a match holding enough
/// text outside links, and in it the match with the most. One walk over
/// the page.
pub fn by_markup<'a>(doc: &'a Document) -> Option<NodeRef<'a>> {
    let tiers = &*TIERS;
    let mut found: Vec<Vec<NodeRef<'a>>> = vec![Vec::new(); tiers.len()];
    for n in doc.root().descendants_it().filter(|n| n.is_element()) {
        let class = n.attr("class");
        let id = n.attr("id");
        let tier = tiers.iter().position(|t| {
            class
                .as_deref()
                .is_some_and(|cl| cl.split_ascii_whitespace().any(|c| t.classes.contains(&c)))
                || id.as_deref().is_some_and(|i| t.ids.contains(&i))
                || t.attrs
                    .iter()
                    .any(|(a, v)| n.attr(a).is_some_and(|x| &*x == *v))
        });
        if let Some(t) = tier {
            found[t].push(n);
        }
    }
    for matches in found {
        let best = matches
            .iter()
            .map(|n| {
                let (total, linked) = own_text_len(n);
                (total - linked, total, *n)
            })
            .max_by_key(|(own, _, _)| *own);
        if let Some((own, total, node)) = best
            && own >= 400
            && (total - own) * 2 < total
        {
            return Some(node);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARA: &str = "<p>The orchard on the north slope gave twice the apples this year, \
                        and the pickers worked from dawn until the light went.</p>";

    #[test]
    fn the_most_specific_marked_body_with_enough_text_wins() {
        let doc = Document::from(format!(
            r#"<body><div class="entry-content"><div itemprop="articleBody">{}</div>
            <p>Tags: apples</p></div></body>"#,
            PARA.repeat(6)
        ));
        let node = by_markup(&doc).unwrap();
        assert_eq!(node.attr("itemprop").as_deref(), Some("articleBody"));
    }

    #[test]
    fn a_marked_body_of_links_or_too_little_text_is_no_candidate() {
        let doc = Document::from(format!(
            r#"<body><div class="article-body"><a href="/a">{}</a></div>
            <div class="post-content"><p>Short.</p></div></body>"#,
            PARA.repeat(6)
        ));
        assert!(by_markup(&doc).is_none());
    }
}

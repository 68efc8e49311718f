//! Stage 2, clean: removes what is never content from the parsed page before
//! any candidate is looked for: scripts, styles, forms, navigation, hidden
//! elements, and containers whose class or id names them as share bars,
//! related stories, comments, newsletters, cookie boxes, ads and the like,
//! unless they hold the bulk of the article. Also the two repairs that must
//! run before Readability sees the page ([`unwrap_templates`],
//! [`keep_datelines`]) and the text measure every stage shares
//! ([`own_text_len`]).

use dom_query::{Document, NodeRef};

/// Tokens of class or id values that name non-content containers.
const BAD_TOKENS: &[&str] = &[
    "share",
    "sharing",
    "social",
    "socials",
    "related",
    "recommended",
    "recommendations",
    "comment",
    "comments",
    "newsletter",
    "subscribe",
    "subscription",
    "promo",
    "advert",
    "advertisement",
    "ad",
    "ads",
    "adsbygoogle",
    "banner",
    "sidebar",
    "widget",
    "breadcrumb",
    "breadcrumbs",
    "nav",
    "navbar",
    "navigation",
    "menu",
    "footer",
    "masthead",
    "cookie",
    "cookies",
    "consent",
    "popup",
    "modal",
    "tags",
    "taglist",
    "tag-list",
    "outbrain",
    "taboola",
    "disqus",
    "pagination",
    "pager",
    "toolbar",
    "print",
    "skip",
    "trending",
    "popular",
    "more-stories",
    "read-more",
    "readmore",
    "also-read",
    "author-bio",
    "author-box",
    "authorbox",
    "newsletter-signup",
    "rating",
    "votes",
    "paywall",
    "teaser",
    "teasers",
    "recirculation",
    "sponsored",
    "partner",
    "partners",
    "byline",
    "dateline-share",
    "jp-relatedposts",
    "yarpp",
    "wp-caption-text",
    "signup",
    "login",
    "caption",
    "credit",
    "credits",
    "copyright",
    "meta",
    "post-meta",
    "entry-meta",
    "article-meta",
    "infobox",
    "lightbox",
];

/// Elements that are never content.
const STRIP: &[&str] = &[
    "script", "style", "noscript", "iframe", "button", "input", "select", "textarea", "svg",
    "canvas", "template", "object", "embed", "dialog", "link", "meta",
];

/// Substrings of class or id values that name furniture wherever they
/// appear in the name (trafilatura's discard list uses the same idea).
const BAD_SUBSTRINGS: &[&str] = &["author", "meta", "embed", "paywall", "cookie", "related"];

fn tokens_bad(value: &str) -> bool {
    let lower: std::borrow::Cow<'_, str> = if value.bytes().any(|b| b.is_ascii_uppercase()) {
        value.to_ascii_lowercase().into()
    } else {
        value.into()
    };
    if BAD_SUBSTRINGS.iter().any(|s| lower.contains(s)) {
        return true;
    }
    lower
        .split(|c: char| c.is_whitespace())
        .filter(|t| !t.is_empty())
        .any(|t| {
            // A BEM modifier ("Section--Ads": a section that has ad slots)
            // describes, it does not name: look at the block name only.
            let t = t.split("--").next().unwrap_or(t);
            BAD_TOKENS.contains(&t)
                || t.split(['-', '_']).any(|part| {
                    matches!(
                        part,
                        "share"
                            | "sharing"
                            | "social"
                            | "related"
                            | "comments"
                            | "comment"
                            | "newsletter"
                            | "advert"
                            | "advertisement"
                            | "ads"
                            | "sidebar"
                            | "breadcrumb"
                            | "breadcrumbs"
                            | "cookie"
                            | "cookies"
                            | "outbrain"
                            | "taboola"
                            | "promo"
                            | "recommended"
                            | "trending"
                            | "subscribe"
                            | "widget"
                            | "popular"
                            | "footer"
                            | "navigation"
                            | "nav"
                    )
                })
        })
}

/// Characters of text not inside links.
pub fn own_text_len(n: &NodeRef<'_>) -> (usize, usize) {
    // One linear walk over the subtree (no subtree text is built): text
    // nodes count, and those under an <a> count as linked too.
    let (mut total, mut linked) = (0usize, 0usize);
    let mut stack: Vec<(NodeRef<'_>, bool)> = vec![(*n, false)];
    while let Some((node, in_link)) = stack.pop() {
        if node.is_text() {
            let count = node.text().chars().filter(|c| !c.is_whitespace()).count();
            total += count;
            if in_link {
                linked += count;
            }
            continue;
        }
        let link = in_link
            || node
                .node_name()
                .is_some_and(|t| t.eq_ignore_ascii_case("a"));
        let mut child = node.first_child();
        while let Some(c) = child {
            child = c.next_sibling();
            stack.push((c, link));
        }
    }
    (total, linked.min(total))
}

/// Characters of the page body's text outside links.
pub fn body_own_text(doc: &Document) -> usize {
    doc.body()
        .map(|b| {
            let (t, l) = own_text_len(&b);
            t - l
        })
        .unwrap_or(0)
}

/// Blogger (and a few other publishers) ship the article body as an HTML
/// template in `<script type="text/template">` inside the body container,
/// for JavaScript to render: parse such a template in place, so that the
/// article is in the tree like any other. `safe` vets a template's text
/// before it is parsed (the caller's nesting guard); templates over 1 MB
/// stay scripts.
pub fn unwrap_templates(doc: &Document, safe: impl Fn(&str) -> bool) {
    let scripts: Vec<NodeRef<'_>> = doc
        .select(r#"script[type="text/template"]"#)
        .nodes()
        .to_vec();
    for script in scripts {
        let mut in_body = false;
        let mut node = script.parent();
        for _ in 0..3 {
            let Some(n) = node else { break };
            let class = n
                .attr("class")
                .map(|c| c.to_ascii_lowercase())
                .unwrap_or_default();
            if n.attr("itemprop")
                .is_some_and(|v| v.eq_ignore_ascii_case("articleBody"))
                || ["post-body", "post-content", "entry-content", "article-body"]
                    .iter()
                    .any(|k| class.contains(k))
            {
                in_body = true;
                break;
            }
            node = n.parent();
        }
        let html = script.text();
        if in_body && html.len() < 1 << 20 && html.contains("<p") && safe(&html) {
            script.replace_with_html(html);
        }
    }
}

/// Datelines ("KOBE -", "MOSCOW (Agency) -") marked up inside the first
/// paragraph are part of the story, but Readability takes any element named
/// "dateline" for a byline and removes it: unname those inside paragraphs.
pub fn keep_datelines(doc: &Document) {
    let marked: Vec<NodeRef<'_>> = doc
        .select("[class*=\"dateline\"], [id*=\"dateline\"]")
        .nodes()
        .iter()
        .filter(|n| {
            n.ancestors_it(Some(6))
                .any(|a| a.node_name().is_some_and(|t| t.eq_ignore_ascii_case("p")))
        })
        .copied()
        .collect();
    for n in marked {
        n.remove_attr("class");
        n.remove_attr("id");
    }
}

/// Removes non-content elements from the page.
///
/// One walk sorts the elements into what each step looks at; the steps then
/// run in order, each skipping what an earlier one already took out.
pub fn clean(doc: &Document) {
    let mut noscripts = Vec::new();
    let mut strip = Vec::new();
    let mut forms = Vec::new();
    let mut hidden = Vec::new();
    let mut furniture = Vec::new();
    let mut suspects = Vec::new();
    for n in doc.root().descendants_it().filter(|n| n.is_element()) {
        // html5ever gives HTML element names in lower case.
        let Some(name) = n.node_name() else { continue };
        let name: &str = &name;
        if name == "noscript" {
            noscripts.push(n);
        }
        if STRIP.contains(&name) {
            strip.push(n);
            continue;
        }
        if name == "form" {
            forms.push(n);
        }
        let style_hidden = n.attr("style").is_some_and(|s| {
            let s = s.to_ascii_lowercase().replace(' ', "");
            s.contains("display:none") || s.contains("visibility:hidden")
        });
        if n.has_attr("hidden")
            || n.attr("aria-hidden").is_some_and(|v| &*v == "true")
            || style_hidden
        {
            hidden.push(n);
        }
        if matches!(name, "nav" | "aside" | "footer" | "menu") {
            furniture.push(n);
        }
        if !matches!(name, "html" | "body" | "article" | "main")
            && (n.attr("class").is_some_and(|c| tokens_bad(&c))
                || n.attr("id").is_some_and(|i| tokens_bad(&i)))
        {
            suspects.push(n);
        }
    }
    // A <noscript> that holds the page itself (sites that render the page
    // by script and ship the text for no-script readers) is kept.
    let mut page_own = None;
    for n in &noscripts {
        let (total, linked) = own_text_len(n);
        if total - linked >= 200
            && (total - linked) * 2 > *page_own.get_or_insert_with(|| body_own_text(doc))
            && let Some(child) = n.first_child()
        {
            // unwrap_node removes the child's parent (the noscript), keeping
            // its children in place; they were sorted by the walk above
            // (dom_query parses noscript markup as elements).
            child.unwrap_node();
        }
    }
    for n in strip {
        n.remove_from_parent();
    }
    let attached = |n: &NodeRef<'_>| {
        n.parent().is_some()
            && n.ancestors_it(None)
                .last()
                .is_some_and(|top| top.is_document())
    };
    // Forms are search boxes and sign-ups, except on ASP.NET pages, where one
    // form wraps the whole page: keep forms that hold real text.
    for f in forms {
        if attached(&f) && own_text_len(&f).0 < 1000 {
            f.remove_from_parent();
        }
    }
    // Hidden by attribute or by inline style.
    for n in hidden {
        if attached(&n) {
            n.remove_from_parent();
        }
    }
    // Semantic furniture, unless an unclosed one swallowed most of the page.
    let mut page_own = body_own_text(doc);
    let before = page_own;
    for n in furniture {
        if !attached(&n) {
            continue;
        }
        let (total, linked) = own_text_len(&n);
        if (total - linked) * 2 < before {
            n.remove_from_parent();
            // What is left of the page (removed pieces are disjoint).
            page_own = page_own.saturating_sub(total - linked);
        }
    }
    // Containers named as furniture, unless they hold the article itself.
    // A suspect inside one already removed is skipped (its subtree is gone
    // from the page).
    for n in suspects {
        if !attached(&n) {
            continue;
        }
        let (total, linked) = own_text_len(&n);
        let holds_article = (total - linked) * 10 > page_own * 3
            || (linked * 3 < total && long_paragraphs(&n, 120, 3) >= 3);
        if !holds_article {
            n.remove_from_parent();
        }
    }
}

/// How many `<p>` under `n` have more than `min_bytes` bytes of text,
/// counting up to `enough` (no text is copied).
fn long_paragraphs(n: &NodeRef<'_>, min_bytes: usize, enough: usize) -> usize {
    n.descendants_it()
        .filter(|p| p.node_name().is_some_and(|t| t.eq_ignore_ascii_case("p")))
        .filter(|p| {
            let bytes: usize = p
                .descendants_it()
                .filter(|t| t.is_text())
                .map(|t| t.text().len())
                .sum();
            bytes > min_bytes
        })
        .take(enough)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story() -> String {
        "<p>The ferry to the island ran late all week, and the harbour master blamed the \
         wind, the tide and, at last, the ferry itself, which is older than he is.</p>"
            .repeat(4)
    }

    #[test]
    fn scripts_navigation_hidden_and_named_furniture_go_and_the_story_stays() {
        let doc = Document::from(format!(
            r#"<html><body><nav><a href="/">Home</a></nav>
            <script>var x = 1;</script>
            <div style="display: none">Hidden promotion text</div>
            <div class="share-bar">Share this on every network</div>
            <div class="related-stories"><a href="/x">Another story</a></div>
            <article>{}</article><footer>Footer links</footer></body></html>"#,
            story()
        ));
        clean(&doc);
        let text = doc.root().text();
        assert!(text.contains("The ferry to the island"));
        for gone in [
            "Home",
            "var x",
            "Hidden promotion",
            "Share this",
            "Another story",
            "Footer",
        ] {
            assert!(!text.contains(gone), "{gone} should be cleaned away");
        }
    }

    #[test]
    fn a_container_named_as_furniture_that_holds_the_article_is_kept() {
        let doc = Document::from(format!(
            r#"<html><body><div class="content-with-sidebar">{}</div></body></html>"#,
            story()
        ));
        clean(&doc);
        assert!(doc.root().text().contains("The ferry to the island"));
    }

    #[test]
    fn own_text_counts_linked_text_apart() {
        let doc = Document::from(r#"<div id="x">four <a href="/">link</a></div>"#);
        let n = doc.select("#x").nodes()[0];
        assert_eq!(own_text_len(&n), (8, 4));
    }
}

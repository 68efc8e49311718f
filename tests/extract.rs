//! Boilerplate removal and the structured document, on fixture pages we
//! wrote ourselves (invented text) in the shapes real outlets use.

use khabar::extract::{self, Block, ExtractError, Inline};
use url::Url;

const URDUPOINT: &str = include_str!("../assets/demo/caspian-grain-talks.html");
const LONGREAD: &str = include_str!("../assets/demo/night-ferry.html");

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

#[test]
fn urdupoint_shaped_page_keeps_headline_dateline_and_body_only() {
    let a = extract::extract(
        URDUPOINT,
        Some(&url(
            "https://www.urdupoint.com/en/world/caspian-grain-talks.html",
        )),
    )
    .unwrap();
    let text = a.to_text();
    assert!(
        text.starts_with("Caspian Grain Talks Resume After Long Pause\n\n"),
        "{text}"
    );
    assert!(
        text.contains("MOSCOW (UrduPoint News / Sputnik - 22nd August, 2020) Delegations"),
        "{text}"
    );
    assert!(text.contains("predictable fees mattered more to his members"));
    let paragraphs = a
        .blocks
        .iter()
        .filter(|b| matches!(b, Block::Paragraph { .. }))
        .count();
    assert_eq!(paragraphs, 5, "{text}");
    for junk in [
        "Related Topics",
        "Recent Stories",
        "Harbour authority announces",
        "Petrol Price",
        "Copyright",
        "Share on Facebook",
        "Most Popular",
        "Advertisement",
        "Privacy Policy",
        "Home",
        "Search",
        "window.dataLayer",
    ] {
        assert!(!text.contains(junk), "{junk:?} leaked into:\n{text}");
    }
    assert_eq!(a.meta.site_name.as_deref(), Some("UrduPoint"));
    assert_eq!(
        a.meta.lead_image.as_deref(),
        Some("https://www.urdupoint.com/images/grain-talks.jpg")
    );
    assert!(
        a.meta
            .published
            .as_deref()
            .unwrap_or("")
            .starts_with("2020-08-22")
    );
}

#[test]
fn longread_keeps_structure_and_drops_everything_executable() {
    let a = extract::extract(
        LONGREAD,
        Some(&url("https://longreads.example/features/night-ferry")),
    )
    .unwrap();
    assert_eq!(a.meta.title, "The Night Ferry");
    assert_eq!(a.meta.byline.as_deref(), Some("Amina Qureshi"));
    // <base href> resolves relative URLs.
    assert_eq!(
        a.meta.lead_image.as_deref(),
        Some("https://longreads.example/features/images/lead.png")
    );
    let img = a.blocks.iter().find_map(|b| match b {
        Block::Image { src, caption, .. } => Some((src.clone(), caption.clone())),
        _ => None,
    });
    let (src, caption) = img.expect("the figure survives");
    assert_eq!(src, "https://longreads.example/features/images/deck.png");
    assert_eq!(
        caption.as_deref(),
        Some("The upper deck at dusk, an hour before departure.")
    );
    assert!(
        a.blocks
            .iter()
            .any(|b| matches!(b, Block::Heading { level: 2, .. }))
    );
    assert!(a.blocks.iter().any(|b| matches!(b, Block::Quote { .. })));
    assert!(
        a.blocks
            .iter()
            .any(|b| matches!(b, Block::List { items, .. } if items.len() == 3))
    );
    let links: Vec<&Inline> = a
        .blocks
        .iter()
        .flat_map(|b| match b {
            Block::Paragraph { inlines } => inlines.iter().collect::<Vec<_>>(),
            _ => Vec::new(),
        })
        .filter(|r| matches!(r, Inline::Link { .. }))
        .collect();
    assert_eq!(links.len(), 1, "{links:?}");
    assert!(
        matches!(links[0], Inline::Link { href, .. } if href == "https://longreads.example/people/regulars.html")
    );
    assert!(a.blocks.iter().any(|b| matches!(b, Block::Paragraph { inlines } if inlines.iter().any(|r| matches!(r, Inline::Emphasis { strong: true, .. })))));
    let json = serde_json::to_string(&a).unwrap();
    for bad in [
        "javascript:",
        "onclick",
        "steal()",
        "tracker.example",
        "//ads.example",
        "<script",
        "iframe",
    ] {
        assert!(!json.contains(bad), "{bad} survived");
    }
    let text = a.to_text();
    for junk in [
        "We use cookies",
        "Sign up for our newsletter",
        "Share on Facebook",
        "Great story",
        "ferries night harbours",
        "All rights reserved",
        "Features About",
    ] {
        assert!(!text.contains(junk), "{junk:?} leaked into:\n{text}");
    }
    assert!(text.contains("pause in the day"));
    // The HTML rendering escapes everything.
    let html = a.to_html();
    assert!(!html.contains("javascript:") && !html.contains("<script"));
}

#[test]
fn windows_1252_meta_charset_is_honoured() {
    let page = "<html><head><meta charset=\"windows-1252\"><title>Caf\u{e9}</title></head><body><article><h1>Caf\u{e9} culture</h1>\
        <p>The caf\u{e9} on the corner serves cr\u{e8}me br\u{fb}l\u{e9}e to night-shift workers, and has done so since long before the square was rebuilt after the flood.</p>\
        <p>Its owner says the recipe came from her grandmother, who ran a stall near the old station and sold desserts to travellers waiting for the overnight train.</p></article></body></html>";
    let bytes = encoding_rs::WINDOWS_1252.encode(page).0.into_owned();
    let a = extract::extract_bytes(&bytes, None, None).unwrap();
    assert!(a.to_text().contains("crème brûlée"), "{}", a.to_text());
}

#[test]
fn bad_input_gets_a_reason_not_a_crash() {
    assert_eq!(extract::extract("", None), Err(ExtractError::Empty));
    assert_eq!(extract::extract("   \n\t", None), Err(ExtractError::Empty));
    assert!(matches!(
        extract::extract_bytes(b"%PDF-1.7 binary", None, None),
        Err(ExtractError::NotHtml(_))
    ));
    assert!(matches!(
        extract::extract_bytes(b"\x89PNG\r\n\x1a\n....", Some("image/png"), None),
        Err(ExtractError::NotHtml(_))
    ));
    assert!(matches!(
        extract::extract_bytes(b"{\"a\":1}", Some("application/json"), None),
        Err(ExtractError::NotHtml(_))
    ));
    // Broken markup still parses (html5ever recovers) or reports no content.
    for broken in [
        "<html><body><p>unclosed <b>bold <i>both",
        "<<<>>><p",
        "<table><tr><td><p>x</table></p>",
        "\u{0}\u{1}<p>",
    ] {
        let _ = extract::extract(broken, None);
    }
    // Deeply nested markup does not overflow the stack.
    let deep = format!(
        "<html><body>{}<p>deep text</p>{}</body></html>",
        "<div>".repeat(20_000),
        "</div>".repeat(20_000)
    );
    let _ = extract::extract(&deep, None);
}

#[test]
fn paywall_stub_is_too_short_to_be_the_article() {
    let page = "<html><head><title>Budget 2026: what changes</title></head><body><article><h1>Budget 2026: what changes</h1>\
        <p>Subscribe to continue reading.</p></article></body></html>";
    let rec = khabar::articles::record_from_page(page.as_bytes(), Some("text/html"), None, 0);
    assert_eq!(rec.status, khabar::store::articles::ArticleStatus::Fallback);
    assert!(rec.reason.unwrap().contains("too short") || rec.document.is_none());
}

#[test]
fn a_blogger_body_shipped_as_a_script_template_is_read() {
    // Blogger puts the post in <script type="text/template"> for JavaScript
    // to render; without unwrapping it, the page had no article at all.
    let page = r#"<html><head><title>Harbour notes</title></head><body>
      <div class="header"><a href="/">Harbour Blog</a></div>
      <div class="post"><h3 class="post-title">Cranes at night</h3>
        <div class="post-body"><div class="post-content" itemprop="articleBody">
          <script type="text/template">
            <p>The night shift at the container harbour starts when the last ferry has left, and the cranes keep moving until dawn.</p>
            <p>Crews say the quiet hours are the busiest, because trucks can reach the quay without queuing on the coast road.</p>
          </script>
        </div></div></div>
      <div class="footer">Powered by a blog host</div>
    </body></html>"#;
    let a = extract::extract(
        page,
        Some(&url("https://harbour.example/2020/05/cranes.html")),
    )
    .unwrap();
    let text = a.to_text();
    assert!(
        text.contains("The night shift at the container harbour"),
        "{text}"
    );
    assert!(text.contains("trucks can reach the quay"), "{text}");
    assert!(!text.contains("<p>"), "{text}");
}

#[test]
fn a_page_with_words_only_in_its_description_gives_the_description() {
    let page = r#"<html><head><title>Two cameras, one roll</title>
      <meta name="description" content="Locations: Lahore and Hunza. Film: a slow colour negative. Cameras: a panoramic one and a folding one.">
      </head><body><div class="gallery"><img src="/a.jpg"><img src="/b.jpg"></div></body></html>"#;
    let a = extract::extract(page, None).unwrap();
    assert!(
        a.to_text().contains("Locations: Lahore and Hunza."),
        "{}",
        a.to_text()
    );
    // A page with nothing at all is still an error.
    let bare = "<html><head><title>x</title></head><body><div></div></body></html>";
    assert!(matches!(
        extract::extract(bare, None),
        Err(ExtractError::NoContent)
    ));
}

#[test]
fn the_description_is_the_standfirst_when_the_page_shows_none_but_never_twice() {
    let body = "<p>The committee met on Tuesday in the old customs house and agreed a new timetable for the harbour ferries, starting next month.</p>\
                <p>Passengers will see two extra crossings in the evening, the operator said, and fares stay the same until spring.</p>";
    let page = |desc: &str| {
        format!(
            r#"<html><head><title>Ferry timetable changes</title><meta name="description" content="{desc}"></head>
            <body><article><h1>Ferry timetable changes</h1>{body}</article></body></html>"#
        )
    };
    // A summary the page shows nowhere else: it leads the article.
    let a = extract::extract(
        &page(
            "Two more evening crossings from next month, and no change to fares before the spring.",
        ),
        None,
    )
    .unwrap();
    assert!(
        a.to_text()
            .contains("Ferry timetable changes\n\nTwo more evening crossings"),
        "{}",
        a.to_text()
    );
    // A description that is the first paragraph (cut short): not repeated.
    let a = extract::extract(
        &page(
            "The committee met on Tuesday in the old customs house and agreed a new timetable...",
        ),
        None,
    )
    .unwrap();
    assert_eq!(
        a.to_text().matches("The committee met").count(),
        1,
        "{}",
        a.to_text()
    );
}

#[test]
fn a_template_nested_absurdly_deep_is_not_unwrapped_into_a_crash() {
    let deep = format!(
        "{}<p>x</p>{}",
        "<div>".repeat(20_000),
        "</div>".repeat(20_000)
    );
    let page = format!(
        r#"<html><body><div class="post-body"><script type="text/template">{deep}</script>
        <p>The harbour board met on Monday and agreed the new winter timetable for the ferries across the bay, after a long debate.</p>
        <p>Passengers will see two extra evening crossings from next month, the operator said, with fares unchanged until the spring.</p>
        </div></body></html>"#
    );
    // Either an article without the template or a clear error; never a crash.
    match extract::extract(&page, None) {
        Ok(a) => assert!(a.to_text().contains("harbour board"), "{}", a.to_text()),
        Err(e) => assert!(matches!(e, ExtractError::TooDeep(_)), "{e}"),
    }
}

/// Invented story paragraphs, long enough to read as prose.
fn story(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "<p>Paragraph {i} of the story: the harbour board met again on Tuesday and \
                 agreed that the night ferries would keep their winter timetable until the \
                 ice on the northern channel has cleared, officials said.</p>"
            )
        })
        .collect()
}

fn text_of(html: &str) -> String {
    extract::extract(html, Some(&url("https://news.example/a/1.html")))
        .unwrap()
        .to_text()
}

#[test]
fn a_dateline_marked_up_inside_the_first_paragraph_is_kept() {
    // Readability takes any element named "dateline" for the byline and
    // drops it; the dateline is the start of the story.
    let html = format!(
        "<html><head><title>Ferries keep winter timetable</title></head><body>\
         <article><h1>Ferries keep winter timetable</h1>\
         <p><span class=\"dateline\">PORT ELLIS &ndash;</span> The night ferries will keep \
         their winter timetable for another month, the harbour board said on Tuesday \
         after a long meeting.</p>{}</article></body></html>",
        story(5)
    );
    let text = text_of(&html);
    assert!(text.contains("PORT ELLIS – The night ferries"), "{text}");
}

#[test]
fn a_page_shipped_inside_noscript_is_read() {
    let html = format!(
        "<html><head><title>Bears counted in the valley</title></head><body>\
         <script>render()</script><noscript><div id=\"page\"><nav><a href=\"/\">Home</a></nav>\
         <h1>Bears counted in the valley</h1><div id=\"text\">{}</div></div></noscript>\
         </body></html>",
        story(5)
    );
    let text = text_of(&html);
    assert!(text.contains("Paragraph 4 of the story"), "{text}");
}

#[test]
fn publication_metadata_lines_at_the_edges_are_dropped_but_dated_content_is_kept() {
    let html = format!(
        "<html><head><title>Tasting evenings this spring</title></head><body><article>\
         <h1>Tasting evenings this spring</h1><p>24.01.2022 11:38 Category: News</p>\
         {}<p>Hall B opens 2020</p>{}<p>Posted 16 March 2021</p></article></body></html>",
        story(3),
        story(3)
    );
    let text = text_of(&html);
    assert!(!text.contains("Category: News"), "{text}");
    assert!(!text.contains("16 March 2021"), "{text}");
    // The same shape inside the story is the story's.
    assert!(text.contains("Hall B opens 2020"), "{text}");
}

#[test]
fn a_read_more_link_to_another_story_and_the_line_introducing_links_are_dropped() {
    let html = format!(
        "<html><head><title>Ferries keep winter timetable</title></head><body><article>\
         <h1>Ferries keep winter timetable</h1>{}\
         <p>Read more: <a href=\"/b/2.html\">Harbour board names a new chair after vote</a></p>\
         {}<p>You might want to look at these:</p>\
         <p><a href=\"/c/3.html\">Ice on the northern channel: what we know so far</a></p>\
         </article></body></html>",
        story(3),
        story(3)
    );
    let text = text_of(&html);
    assert!(!text.contains("Read more"), "{text}");
    assert!(!text.contains("look at these"), "{text}");
    assert!(text.contains("Paragraph 2 of the story"), "{text}");
}

#[test]
fn soft_hyphens_go_and_text_is_composed() {
    // A soft hyphen is a hyphenation hint for a browser; kept, it splits
    // words for search and shows as a hyphen in the reader.
    let html = format!(
        "<html><head><title>Ferries keep winter timetable</title></head><body><article>\
         <h1>Ferries keep winter timetable</h1><p>In the Mit\u{ad}tel\u{ad}al\u{ad}ter the \
         cafe\u{301} by the harbour already sold tickets for the crossing, long before the \
         board existed.</p>{}</article></body></html>",
        story(4)
    );
    let text = text_of(&html);
    assert!(text.contains("Mittelalter the caf\u{e9} by"), "{text}");
}

#[test]
fn opening_paragraphs_above_the_body_container_are_kept() {
    let html = format!(
        "<html><head><title>Ferries keep winter timetable</title></head><body><article>\
         <h1>Ferries keep winter timetable</h1>\
         <div class=\"top\"><div class=\"kicker\"><a href=\"/ports\">Ports</a> \
         <a href=\"/winter\">Winter</a> <a href=\"/ferries\">Ferries</a></div>\
         <p>The opening paragraph sits above the body container, as many news sites lay \
         it out, and it is the first thing a reader should see.</p></div>\
         <div class=\"text\">{}</div></article>\
         <div class=\"site\">The Harbour Times, news from the coast since 1921</div>\
         </body></html>",
        story(8)
    );
    let text = text_of(&html);
    assert!(text.contains("The opening paragraph sits above"), "{text}");
    assert_eq!(text.matches("The opening paragraph").count(), 1, "{text}");
}

#[test]
fn an_author_box_named_in_a_class_is_dropped() {
    let html = format!(
        "<html><head><title>Ferries keep winter timetable</title></head><body><article>\
         <h1>Ferries keep winter timetable</h1>{}\
         <div class=\"post-author-info\"><p>Mira Sen writes about ports and shipping and \
         lives by the sea with two cats and a very old boat. Before that she reported on \
         railways for eleven years, and she still keeps a timetable from 1998 on her desk \
         next to a photograph of a ferry.</p></div></article></body></html>",
        story(5)
    );
    let text = text_of(&html);
    assert!(!text.contains("Mira Sen writes"), "{text}");
}

#[test]
fn disclosures_sign_in_prompts_rights_lines_and_caption_credits_are_dropped() {
    let html = format!(
        "<html><head><title>Ferries keep winter timetable</title></head><body><article>\
         <h1>Ferries keep winter timetable</h1>\
         <p>This post contains affiliate links: we may earn a commission on tickets.</p>{}\
         <p>The old quay at dawn, before the first crossing. (Photo: Harbour Archive)</p>\
         <h6><strong>See: </strong><a href=\"/d/4.html\">Ice breaker returns to the north</a></h6>\
         {}<p>To view the full story, please subscribe to The Harbour Times.</p>\
         <p>Materiały chronione. Wszelkie prawa zastrzeżone.</p></article></body></html>",
        story(3),
        story(3)
    );
    let text = text_of(&html);
    for junk in [
        "affiliate links",
        "(Photo: Harbour Archive)",
        "Ice breaker returns",
        "To view the full story",
        "prawa zastrzeżone",
    ] {
        assert!(!text.contains(junk), "{junk:?} leaked into:\n{text}");
    }
    assert_eq!(
        text.matches("Paragraph 2 of the story").count(),
        2,
        "{text}"
    );
}

#[test]
fn a_long_heading_above_the_body_is_kept_as_the_standfirst() {
    let html = format!(
        "<html><head><title>Ferries keep winter timetable</title></head><body><article>\
         <h1>Ferries keep winter timetable</h1>\
         <div class=\"top\"><h2>The harbour board wants the night ferries to run on the winter \
         timetable until the northern channel is free of ice, it said in a statement.</h2></div>\
         <div class=\"text\">{}</div></article>\
         <div class=\"site\">The Harbour Times, news from the coast since 1921</div>\
         </body></html>",
        story(8)
    );
    let text = text_of(&html);
    assert!(text.contains("wants the night ferries to run"), "{text}");
}

#[test]
fn a_related_heading_with_most_of_the_story_below_it_does_not_cut_the_story() {
    // "Related" is a tail marker; here it heads a section near the top and
    // the story goes on for much longer, so nothing is cut.
    let html = format!(
        "<html><head><title>Ferries keep winter timetable</title></head><body><article>\
         <h1>Ferries keep winter timetable</h1>{}<h2>Related</h2>{}</article></body></html>",
        story(1),
        story(6)
    );
    let text = text_of(&html);
    assert!(text.contains("Paragraph 5 of the story"), "{text}");
}

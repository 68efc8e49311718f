//! Bad and unusual documents through the whole poll path: each gets a clear
//! error or the right text, and nothing already stored is lost.

mod common;

use common::*;
use khabar::serve::Reply;
use khabar::store::HeadlineFilter;

fn all(p: &mut khabar::poller::Poller) -> Vec<khabar::model::Headline> {
    p.store()
        .headlines(&HeadlineFilter {
            limit: 1000,
            ..Default::default()
        })
        .unwrap()
}

#[test]
fn html_page_instead_of_feed_is_a_clear_error() {
    let site = Site::new();
    site.route("/f", |_| Reply::ok("text/html", "<!doctype html><html><head><title>Just a moment</title></head><body>Checking your browser</body></html>"));
    let mut p = poller();
    let f = p.store().add_feed(&site.url("/f"), None, None).unwrap();
    let (s, _) = poll(&mut p, false);
    assert_eq!(s.failed, 1);
    assert_eq!(
        p.store().feed(f).unwrap().last_error.as_deref(),
        Some("this is a web page, not a feed")
    );
}

#[test]
fn truncated_xml_fails_and_keeps_earlier_articles() {
    let site = Site::new();
    let good = rss(
        "News",
        &[("1", "One", ""), ("2", "Two", ""), ("3", "Three", "")],
    );
    site.feed("/f", RSS, good.clone());
    let mut p = poller();
    let f = p.store().add_feed(&site.url("/f"), None, None).unwrap();
    poll(&mut p, false);
    assert_eq!(p.store().item_count().unwrap(), 3);
    // The connection now drops mid-item.
    let cut = format!(
        "{}<item><guid>4</guid><title>Fo",
        &good[..good.find("</channel>").unwrap()]
    );
    site.route("/f", move |_| Reply::ok(RSS, cut.clone()));
    let (s, _) = poll(&mut p, true);
    // feed-rs may recover the complete items or report the damage; either
    // way nothing stored earlier is lost and nothing is duplicated.
    assert_eq!(s.failed + s.fetched, 1);
    let items = all(&mut p);
    for t in ["One", "Two", "Three"] {
        assert_eq!(items.iter().filter(|h| h.title == t).count(), 1, "{t}");
    }
    if s.failed == 1 {
        assert!(
            p.store()
                .feed(f)
                .unwrap()
                .last_error
                .unwrap()
                .contains("malformed")
        );
    }
}

#[test]
fn utf16_feed_gives_the_right_urdu_text() {
    let text = rss(
        "اردو خبریں",
        &[("u1", "پاکستان میں بارش", "Mon, 05 Feb 2024 14:30:00 PKT")],
    )
    .replace("encoding=\"UTF-8\"", "encoding=\"UTF-16\"");
    let mut be = vec![0xFE, 0xFF];
    be.extend(text.encode_utf16().flat_map(|u| u.to_be_bytes()));
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
    let site = Site::new();
    site.feed("/be", "application/xml", be);
    site.feed("/le", "application/xml", le);
    let mut p = poller();
    p.store().add_feed(&site.url("/be"), None, None).unwrap();
    p.store().add_feed(&site.url("/le"), None, None).unwrap();
    let (s, ev) = poll(&mut p, false);
    assert_eq!(s.fetched, 2, "{ev:?}");
    let items = all(&mut p);
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|h| h.title == "پاکستان میں بارش"));
    assert!(items.iter().all(|h| h.published == "2024-02-05T09:30:00Z"));
}

#[test]
fn windows_1256_feed_declared_or_only_in_http_header() {
    // Windows-1256 has U+064A (Arabic yeh) but not U+06CC (Farsi yeh), so
    // legacy Urdu feeds use the former.
    let title = "پاکستان کي خبريں";
    let doc = rss("Urdu", &[("w1", title, "")]);
    let declared = encoding_rs::WINDOWS_1256
        .encode(&doc.replace("UTF-8", "windows-1256"))
        .0
        .into_owned();
    let undeclared = encoding_rs::WINDOWS_1256
        .encode(&doc.replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", ""))
        .0
        .into_owned();
    let site = Site::new();
    site.feed("/declared", "application/xml", declared);
    site.feed("/header", "text/xml; charset=windows-1256", undeclared);
    let mut p = poller();
    p.store()
        .add_feed(&site.url("/declared"), None, None)
        .unwrap();
    p.store()
        .add_feed(&site.url("/header"), None, None)
        .unwrap();
    let (s, _) = poll(&mut p, false);
    assert_eq!(s.fetched, 2);
    let items = all(&mut p);
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|h| h.title == title), "{items:?}");
}

#[test]
fn duplicate_guids_are_stored_once() {
    let site = Site::new();
    site.feed(
        "/f",
        RSS,
        rss(
            "Dup",
            &[
                ("same", "First", ""),
                ("same", "Second", ""),
                ("other", "Third", ""),
                ("", "", ""),
            ],
        ),
    );
    let mut p = poller();
    p.store().add_feed(&site.url("/f"), None, None).unwrap();
    poll(&mut p, false);
    poll(&mut p, true);
    let items = all(&mut p);
    let n_same = items
        .iter()
        .filter(|h| h.title == "First" || h.title == "Second")
        .count();
    assert_eq!(n_same, 1);
    assert_eq!(items.iter().filter(|h| h.title == "Third").count(), 1);
}

#[test]
fn missing_and_unparseable_dates_use_first_seen_time() {
    let site = Site::new();
    site.feed(
        "/f",
        RSS,
        rss(
            "Dates",
            &[
                ("a", "No date", ""),
                ("b", "Bad date", "the day before yesterday"),
                ("c", "Zone PKT", "Mon, 5 Feb 2024 14:30:00 PKT"),
            ],
        ),
    );
    let mut p = poller();
    p.store().add_feed(&site.url("/f"), None, None).unwrap();
    let before = khabar::model::now();
    poll(&mut p, false);
    let items = all(&mut p);
    let get = |t: &str| items.iter().find(|h| h.title == t).unwrap().clone();
    assert!(get("No date").published_ts >= before);
    assert!(get("Bad date").published_ts >= before);
    assert_eq!(get("Zone PKT").published, "2024-02-05T09:30:00Z");
    let item = p.store().item(get("No date").id).unwrap();
    assert!(item.published_is_first_seen);
}

#[test]
fn relative_links_resolve_against_the_feed_url() {
    let site = Site::new();
    site.feed(
        "/news/feed.xml",
        RSS,
        r#"<rss version="2.0"><channel><title>Rel</title>
        <item><guid>1</guid><title>Rel</title><link>../story/1.html</link></item>
        <item><guid>2</guid><title>Abs</title><link>/story/2.html</link></item>
        </channel></rss>"#,
    );
    let mut p = poller();
    p.store()
        .add_feed(&site.url("/news/feed.xml"), None, None)
        .unwrap();
    poll(&mut p, false);
    let items = all(&mut p);
    let link = |t: &str| {
        items
            .iter()
            .find(|h| h.title == t)
            .unwrap()
            .link
            .clone()
            .unwrap()
    };
    assert_eq!(link("Rel"), site.url("/story/1.html"));
    assert_eq!(link("Abs"), site.url("/story/2.html"));
}

#[test]
fn empty_body_and_garbage_are_errors_not_crashes() {
    let site = Site::new();
    site.route("/empty", |_| Reply::ok(RSS, ""));
    site.route("/junk", |_| {
        Reply::ok(RSS, vec![0xFFu8, 0x00, 0x13, 0x37, 0x80, 0x81])
    });
    site.route("/json", |_| {
        Reply::ok("application/json", "{\"not\": \"a feed\"}")
    });
    let mut p = poller();
    for path in ["/empty", "/junk", "/json"] {
        p.store().add_feed(&site.url(path), None, None).unwrap();
    }
    let (s, _) = poll(&mut p, false);
    assert_eq!(s.failed, 3);
    for f in p.store().feeds().unwrap() {
        assert!(f.last_error.is_some(), "{}", f.url);
    }
}

#[test]
fn json_feed_and_atom_parse() {
    let site = Site::new();
    site.feed(
        "/feed.json",
        "application/feed+json",
        r#"{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":"j1","title":"Json item","url":"https://j.invalid/1","date_published":"2026-01-02T03:04:05Z"}]}"#,
    );
    site.feed(
        "/atom",
        "application/atom+xml",
        r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:a</id><updated>2026-01-01T00:00:00Z</updated>
        <entry><id>urn:a:1</id><title type="html">Atom &lt;b&gt;item&lt;/b&gt;</title><updated>2026-01-01T00:00:00Z</updated><link href="https://a.invalid/1"/></entry></feed>"#,
    );
    let mut p = poller();
    p.store()
        .add_feed(&site.url("/feed.json"), None, None)
        .unwrap();
    p.store().add_feed(&site.url("/atom"), None, None).unwrap();
    let (s, _) = poll(&mut p, false);
    assert_eq!(s.new_items, 2);
    let items = all(&mut p);
    assert!(items.iter().any(|h| h.title == "Json item"));
    assert!(items.iter().any(|h| h.title == "Atom item"));
}

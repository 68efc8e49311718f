//! Article pages fetched at poll time: the clean copy is stored for offline
//! reading and indexed, images are cached, failures fall back to the feed's
//! text with a reason, and a public feed cannot make Khabar fetch local
//! addresses.

mod common;

use std::process::Command;

use common::*;
use khabar::articles::{ImageConfig, fetch_article};
use khabar::fetch::{FetchConfig, Fetcher};
use khabar::model::ItemId;
use khabar::poller::{PollOptions, Poller};
use khabar::schedule::Policy;
use khabar::serve::Reply;
use khabar::store::articles::{ArticleJob, ArticleStatus};
use khabar::store::{HeadlineFilter, Store};

const URDUPOINT: &str = include_str!("../assets/demo/caspian-grain-talks.html");
const LONGREAD: &str = include_str!("../assets/demo/night-ferry.html");

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x * 20) as u8, (y * 20) as u8, 128])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn feed_with_links(site: &Site, items: &[(&str, &str)]) -> String {
    let mut s = String::from("<rss version=\"2.0\"><channel><title>Wire</title>");
    for (guid, path) in items {
        s.push_str(&format!(
            "<item><guid>{guid}</guid><title>Story {guid}</title><link>{}</link><description>Feed teaser for {guid}.</description></item>",
            site.url(path)
        ));
    }
    s.push_str("</channel></rss>");
    s
}

fn site_with_pages() -> Site {
    let site = Site::new();
    // The longread uses <base href> on another host; serve a copy whose base is this site.
    let longread = LONGREAD.replace(
        "https://longreads.example/features/",
        &site.url("/features/"),
    );
    site.route("/story/grain", |_| {
        Reply::ok("text/html; charset=utf-8", URDUPOINT)
    });
    site.route("/features/ferry", move |_| {
        Reply::ok("text/html", longread.clone())
    });
    site.route("/features/images/deck.png", |_| {
        Reply::ok("image/png", png(40, 30))
    });
    site.route("/features/images/lead.png", |_| {
        Reply::ok("image/png", png(60, 40))
    });
    site.route("/story/paywall", |_| {
        Reply::ok(
            "text/html",
            "<html><body><article><h1>Locked</h1><p>Subscribe to read.</p></article></body></html>",
        )
    });
    site.route("/story/pdf", |_| {
        Reply::ok("application/pdf", "%PDF-1.4 ...")
    });
    // /story/missing is not routed: 404.
    site
}

#[test]
fn poll_saves_clean_articles_with_images_and_falls_back_with_reasons() {
    let site = site_with_pages();
    let feed = feed_with_links(
        &site,
        &[
            ("grain", "/story/grain"),
            ("ferry", "/features/ferry"),
            ("paywall", "/story/paywall"),
            ("missing", "/story/missing"),
            ("pdf", "/story/pdf"),
        ],
    );
    site.feed("/feed", RSS, feed);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in_dir(dir.path()).unwrap();
    let mut p = Poller::new(
        store,
        Fetcher::new(test_fetch_config()).unwrap(),
        Policy::default(),
    )
    .with_images(ImageConfig {
        dir: Some(dir.path().join("images")),
        ..Default::default()
    });
    p.store().add_feed(&site.url("/feed"), None, None).unwrap();
    let summary = p
        .poll_blocking(&PollOptions::default(), &mut |_| {})
        .unwrap();
    assert_eq!(summary.new_items, 5);
    assert_eq!(summary.articles, 2, "{summary}");
    assert_eq!(summary.article_fallbacks, 3, "{summary}");

    let heads = p
        .store()
        .headlines(&HeadlineFilter {
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    let id = |g: &str| {
        heads
            .iter()
            .find(|h| h.title == format!("Story {g}"))
            .unwrap()
            .id
    };

    let grain = p.store().article(id("grain")).unwrap().unwrap();
    assert_eq!(grain.status, ArticleStatus::Ok);
    let text = grain.document.unwrap().to_text();
    assert!(text.contains("MOSCOW (UrduPoint News / Sputnik - 22nd August, 2020)"));
    assert!(!text.contains("Recent Stories"));

    // Words only in the article body are now searchable.
    let found = p
        .store()
        .headlines(&HeadlineFilter {
            search: Some("millers association".into()),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(found.len(), 1);

    // Images: lead and inline, decoded and stored by hash.
    let ferry = id("ferry");
    let deck = site.url("/features/images/deck.png");
    let (hash, mime) = p
        .store()
        .image_for(ferry, &deck)
        .unwrap()
        .expect("deck image cached");
    assert_eq!(mime, "image/png");
    let file = khabar::articles::image_path(&dir.path().join("images"), &hash);
    assert_eq!(std::fs::read(&file).unwrap(), png(40, 30));
    assert!(
        p.store()
            .image_for(ferry, &site.url("/features/images/lead.png"))
            .unwrap()
            .is_some()
    );

    let mut reason = |g: &str| p.store().article(id(g)).unwrap().unwrap().reason.unwrap();
    let paywall = reason("paywall");
    assert!(
        paywall.contains("too short") || paywall.contains("no article text"),
        "{paywall}"
    );
    assert!(reason("missing").contains("404"), "{}", reason("missing"));
    assert!(reason("pdf").contains("not HTML"), "{}", reason("pdf"));

    // A second poll does not fetch the pages again.
    let hits = site.hits("/story/grain");
    let s2 = p
        .poll_blocking(
            &PollOptions {
                force: true,
                ..Default::default()
            },
            &mut |_| {},
        )
        .unwrap();
    assert_eq!(s2.articles + s2.article_fallbacks, 0);
    assert_eq!(site.hits("/story/grain"), hits);
}

#[test]
fn show_works_offline_and_reextract_redoes_stored_pages() {
    let site = site_with_pages();
    site.feed(
        "/feed",
        RSS,
        feed_with_links(&site, &[("grain", "/story/grain")]),
    );
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_khabar"))
            .args(args)
            .env("KHABAR_DATA_DIR", dir.path())
            .output()
            .unwrap()
    };
    assert!(run(&["add", &site.url("/feed")]).status.success());
    let out = run(&["poll", "--force"]);
    let summary = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        summary.contains("1 articles saved for offline reading"),
        "{summary}"
    );
    let list: serde_json::Value =
        serde_json::from_slice(&run(&["headlines", "--json"]).stdout).unwrap();
    let id = list[0]["id"].as_i64().unwrap().to_string();
    // The site goes away: the stored copy still shows.
    drop(site);
    let out = run(&["show", &id]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        text.contains("Delegations from five coastal states"),
        "{text}"
    );
    assert!(!text.contains("Feed teaser"), "{text}");
    let out = run(&["reextract", "--all"]);
    let s = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        s.contains("Re-extracted 1 articles") && s.contains("1 clean"),
        "{s}"
    );
    let out = run(&["show", &id]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Delegations from five coastal states"));
}

#[test]
fn public_feed_cannot_make_khabar_fetch_a_local_address() {
    let site = site_with_pages();
    let fetcher = Fetcher::new(FetchConfig::default()).unwrap();
    let rt = khabar::poller::runtime().unwrap();
    // A feed on a public (unresolvable here, so treated as public) host whose
    // item links to this machine.
    let job = ArticleJob {
        item: ItemId(1),
        link: site.url("/story/grain"),
        feed_url: "https://news.example.com/feed.xml".into(),
    };
    let r = rt.block_on(fetch_article(fetcher.clone(), job, ImageConfig::default()));
    assert_eq!(r.record.status, ArticleStatus::Fallback);
    assert!(
        r.record
            .reason
            .unwrap()
            .contains("loopback, private or link-local")
    );
    assert_eq!(site.hits("/story/grain"), 0);
    // The same link from a feed that lives on this machine is fetched.
    let job = ArticleJob {
        item: ItemId(1),
        link: site.url("/story/grain"),
        feed_url: site.url("/feed"),
    };
    let r = rt.block_on(fetch_article(fetcher, job, ImageConfig::default()));
    assert_eq!(r.record.status, ArticleStatus::Ok);
    assert_eq!(site.hits("/story/grain"), 1);
}

//! Outlets' icons found at poll time on a loopback server: the feed's own
//! image first, else the home page's `<link rel=icon>`, else
//! `/favicon.ico`; fetched once, kept for offline use, refused past 64 KB.

mod common;

use std::io::Cursor;

use common::{RSS, Site, poller};
use khabar::poller::{PollOptions, Poller};

/// A small PNG of invented pixels.
fn png(side: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(side, side, |x, y| {
        image::Rgba([(x * 16) as u8, (y * 16) as u8, 0x80, 0xff])
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// An ICO holding a 16 x 16 picture.
fn ico() -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(16, 16, image::Rgba([0x20, 0x60, 0xa0, 0xff]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Ico).unwrap();
    out.into_inner()
}

/// An RSS document whose channel has `extra` (an `<image>`, say) and a
/// site link to the server's home page.
fn feed(site: &Site, extra: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Dak</title>\
         <link>{}</link>{extra}\
         <item><guid>a</guid><title>Harbour lights</title><description>Text.</description></item>\
         </channel></rss>",
        site.url("/")
    )
}

fn poll(p: &mut Poller) {
    p.poll_blocking(
        &PollOptions {
            force: true,
            articles: false,
            icons: true,
            ..Default::default()
        },
        &mut |_| {},
    )
    .unwrap();
}

fn subscribe(p: &mut Poller, site: &Site) -> khabar::model::FeedId {
    p.store()
        .add_feed(&site.url("/feed.xml"), None, None)
        .unwrap()
}

#[test]
fn the_feeds_own_image_is_fetched_once_and_kept() {
    let site = Site::new();
    let logo = png(16);
    let extra = format!(
        "<image><url>{}</url><title>Dak</title><link>{}</link></image>",
        site.url("/logo.png"),
        site.url("/")
    );
    site.feed("/feed.xml", RSS, feed(&site, &extra));
    let body = logo.clone();
    site.route("/logo.png", move |_| {
        khabar::serve::Reply::ok("image/png", body.clone())
    });
    let mut p = poller();
    let id = subscribe(&mut p, &site);
    poll(&mut p);
    let (url, bytes) = p.store().feed_icon(id).unwrap().expect("an icon");
    assert_eq!(url, site.url("/logo.png"));
    assert_eq!(bytes, logo);
    // Neither the page nor /favicon.ico was needed.
    assert_eq!(site.hits("/"), 0);
    assert_eq!(site.hits("/favicon.ico"), 0);
    // The next poll does not fetch it again.
    poll(&mut p);
    assert_eq!(site.hits("/logo.png"), 1);
    assert_eq!(p.store().icon_stamps().unwrap().len(), 1);
}

#[test]
fn the_home_pages_link_comes_next_then_favicon_ico() {
    let site = Site::new();
    site.feed("/feed.xml", RSS, feed(&site, ""));
    // The page names an SVG (not decoded) and a PNG that is missing.
    site.route("/", |_| {
        khabar::serve::Reply::ok(
            "text/html",
            "<html><head><link rel=icon type=image/svg+xml href=/mark.svg>\
             <link rel='shortcut icon' href='/static/fav.png'></head><body>Dak</body></html>",
        )
    });
    let icon = ico();
    let body = icon.clone();
    site.route("/favicon.ico", move |_| {
        khabar::serve::Reply::ok("image/x-icon", body.clone())
    });
    let mut p = poller();
    let id = subscribe(&mut p, &site);
    poll(&mut p);
    assert_eq!(site.hits("/mark.svg"), 0);
    assert_eq!(site.hits("/static/fav.png"), 1);
    let (url, bytes) = p.store().feed_icon(id).unwrap().expect("an icon");
    assert_eq!(url, site.url("/favicon.ico"));
    assert_eq!(bytes, icon);
    // It decodes (the window shows it).
    let rgba = khabar::images::decode_for_display(&bytes, 64).unwrap();
    assert_eq!((rgba.width(), rgba.height()), (16, 16));
}

#[test]
fn an_icon_over_64_kb_is_refused_and_not_asked_for_again_at_once() {
    let site = Site::new();
    let extra = format!("<image><url>{}</url></image>", site.url("/big.png"));
    site.feed("/feed.xml", RSS, feed(&site, &extra));
    // A valid PNG header with 100 KB of padding after it.
    let mut big = png(16);
    big.resize(100 * 1024, 0);
    site.route("/big.png", move |_| {
        khabar::serve::Reply::ok("image/png", big.clone())
    });
    let mut p = poller();
    let id = subscribe(&mut p, &site);
    poll(&mut p);
    assert!(p.store().feed_icon(id).unwrap().is_none());
    let why = p.store().feed_icon_error(id).unwrap().expect("a reason");
    assert!(why.contains("65536 byte limit"), "{why}");
    assert!(why.contains("/favicon.ico"), "{why}");
    let hits = (
        site.hits("/big.png"),
        site.hits("/"),
        site.hits("/favicon.ico"),
    );
    assert_eq!(hits, (1, 1, 1));
    // A failed search waits a week: the next poll asks nothing.
    poll(&mut p);
    assert_eq!(
        (
            site.hits("/big.png"),
            site.hits("/"),
            site.hits("/favicon.ico")
        ),
        hits
    );
}

#[test]
fn polls_that_do_not_ask_for_icons_fetch_none() {
    let site = Site::new();
    site.feed("/feed.xml", RSS, feed(&site, ""));
    let mut p = poller();
    let id = subscribe(&mut p, &site);
    common::poll(&mut p, true);
    assert_eq!(site.hits("/"), 0);
    assert_eq!(site.hits("/favicon.ico"), 0);
    assert!(p.store().feed_icon_error(id).unwrap().is_none());
}

//! HTTP behaviour of the poller against a loopback server: validators, 304,
//! Retry-After, 410, redirects, timeouts and size caps.

mod common;

use std::io::Write as _;
use std::time::Duration;

use common::*;
use khabar::fetch::FetchConfig;
use khabar::poller::{FeedResult, PollEvent};
use khabar::serve::Reply;

fn results(events: &[PollEvent]) -> Vec<FeedResult> {
    events
        .iter()
        .filter_map(|e| match e {
            PollEvent::FeedDone { result, .. } => Some(result.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn conditional_get_round_trip_sends_validators_byte_exact_and_304_writes_no_items() {
    let site = Site::new();
    // An ETag with bytes outside ASCII must come back exactly as sent.
    let etag: &[u8] = b"W/\"caf\xe9-42\"";
    let lm = "Tue, 04 Aug 2026 09:00:00 GMT";
    let body = rss("Cond", &[("a", "Alpha", "Mon, 03 Aug 2026 10:00:00 GMT")]);
    site.route("/feed", move |req| {
        if req.header("if-none-match") == Some(etag)
            && req.header("if-modified-since") == Some(lm.as_bytes())
        {
            Reply::status(304)
        } else {
            Reply::ok(RSS, body.clone())
                .header("etag", etag)
                .header("last-modified", lm)
        }
    });
    let mut p = poller();
    let f = p.store().add_feed(&site.url("/feed"), None, None).unwrap();
    let (s1, _) = poll(&mut p, false);
    assert_eq!((s1.fetched, s1.new_items), (1, 1));
    let stored = p.store().feed(f).unwrap();
    assert_eq!(stored.etag.as_deref(), Some(etag));
    assert_eq!(stored.last_modified.as_deref(), Some(lm.as_bytes()));

    let before = p.store().item_count().unwrap();
    let (s2, ev) = poll(&mut p, true);
    assert_eq!(s2.not_modified, 1, "{ev:?}");
    assert_eq!(results(&ev), vec![FeedResult::NotModified]);
    assert_eq!(p.store().item_count().unwrap(), before);
    let reqs = site.requests("/feed");
    assert_eq!(reqs[1].header("if-none-match"), Some(etag));
    // Not due again right away: a normal poll makes no request.
    let (s3, _) = poll(&mut p, false);
    assert_eq!(s3.feeds, 0);
    assert_eq!(site.hits("/feed"), 2);
}

#[test]
fn retry_after_on_429_holds_back_every_feed_of_that_host() {
    let site = Site::new();
    site.route("/busy", |_| {
        Reply::status(429).header("retry-after", "3600")
    });
    site.feed("/other", RSS, rss("Other", &[("x", "X", "")]));
    let mut p = poller();
    let busy = p.store().add_feed(&site.url("/busy"), None, None).unwrap();
    let other = p.store().add_feed(&site.url("/other"), None, None).unwrap();
    // Poll the busy one first, alone.
    p.store().defer(other, i64::MAX / 2).unwrap();
    let (s, _) = poll(&mut p, false);
    assert_eq!(s.failed, 1);
    let f = p.store().feed(busy).unwrap();
    assert!(
        f.last_error.as_deref().unwrap().contains("429"),
        "{:?}",
        f.last_error
    );
    assert!(f.next_check_at >= khabar::model::now() + 3500);
    // Now force everything: the other feed on the same host must wait, unasked.
    let (s, ev) = poll(&mut p, true);
    assert_eq!(s.deferred, 2, "{ev:?}");
    assert_eq!(site.hits("/other"), 0);
    assert_eq!(site.hits("/busy"), 1);
    // The deadline survives a restart: it is in the store.
    assert_eq!(
        p.store().host_backoffs(khabar::model::now()).unwrap().len(),
        1
    );
}

#[test]
fn retry_after_as_http_date_on_503() {
    let site = Site::new();
    let when = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(7200));
    site.route("/down", move |_| {
        Reply::status(503).header("retry-after", &when)
    });
    let mut p = poller();
    let f = p.store().add_feed(&site.url("/down"), None, None).unwrap();
    poll(&mut p, false);
    let feed = p.store().feed(f).unwrap();
    assert!(feed.next_check_at >= khabar::model::now() + 7100);
}

#[test]
fn gone_410_stops_polling_and_says_why() {
    let site = Site::new();
    site.route("/gone", |_| Reply::status(410));
    let mut p = poller();
    let f = p.store().add_feed(&site.url("/gone"), None, None).unwrap();
    let (s, ev) = poll(&mut p, false);
    assert_eq!(s.failed, 1);
    assert_eq!(results(&ev), vec![FeedResult::Gone]);
    let feed = p.store().feed(f).unwrap();
    assert!(feed.gone);
    assert!(feed.last_error.unwrap().contains("gone"));
    p.store().make_due(f, false).unwrap();
    let (s, _) = poll(&mut p, false);
    assert_eq!(s.feeds, 0);
    assert_eq!(site.hits("/gone"), 1);
}

#[test]
fn permanent_redirect_to_a_feed_updates_the_url() {
    let site = Site::new();
    let new = site.url("/new");
    site.route("/old", move |_| Reply::redirect(301, &new));
    site.feed("/new", RSS, rss("Moved", &[("a", "A", "")]));
    let mut p = poller();
    let f = p.store().add_feed(&site.url("/old"), None, None).unwrap();
    let (s, _) = poll(&mut p, false);
    assert_eq!(s.fetched, 1);
    assert_eq!(p.store().feed(f).unwrap().url, site.url("/new"));
}

#[test]
fn permanent_redirect_to_a_captive_portal_keeps_the_url() {
    let site = Site::new();
    let portal = site.url("/login");
    site.route("/feed", move |_| Reply::redirect(308, &portal));
    site.route("/login", |_| {
        Reply::ok(
            "text/html",
            "<!DOCTYPE html><html><body>Sign in to the hotel wifi</body></html>",
        )
    });
    let mut p = poller();
    let f = p.store().add_feed(&site.url("/feed"), None, None).unwrap();
    let (s, _) = poll(&mut p, false);
    assert_eq!(s.failed, 1);
    let feed = p.store().feed(f).unwrap();
    assert_eq!(feed.url, site.url("/feed"));
    assert_eq!(
        feed.redirect_url.as_deref(),
        Some(site.url("/login").as_str())
    );
    assert!(feed.last_error.unwrap().contains("not a feed"));
}

#[test]
fn temporary_redirect_never_changes_the_url() {
    for code in [302, 307] {
        let site = Site::new();
        let tmp = site.url("/tmp");
        site.route("/feed", move |_| Reply::redirect(code, &tmp));
        site.feed("/tmp", RSS, rss("Tmp", &[("a", "A", "")]));
        let mut p = poller();
        let f = p.store().add_feed(&site.url("/feed"), None, None).unwrap();
        let (s, _) = poll(&mut p, false);
        assert_eq!(s.fetched, 1);
        assert_eq!(p.store().feed(f).unwrap().url, site.url("/feed"), "{code}");
    }
}

#[test]
fn slow_server_times_out_with_a_clear_error_and_backs_off() {
    let site = Site::new();
    site.route("/slow", |_| Reply {
        delay: Some(Duration::from_secs(5)),
        ..Reply::ok(RSS, rss("Slow", &[]))
    });
    let mut p = poller_with(FetchConfig {
        total_timeout: Duration::from_millis(500),
        ..test_fetch_config()
    });
    let f = p.store().add_feed(&site.url("/slow"), None, None).unwrap();
    let t = std::time::Instant::now();
    let (s, _) = poll(&mut p, false);
    assert!(t.elapsed() < Duration::from_secs(4));
    assert_eq!(s.failed, 1);
    let feed = p.store().feed(f).unwrap();
    assert!(
        feed.last_error
            .as_deref()
            .unwrap()
            .contains("did not answer"),
        "{:?}",
        feed.last_error
    );
    assert_eq!(feed.error_count, 1);
    // A second failure doubles the wait.
    p.store().make_due(f, false).unwrap();
    let first_wait = feed.next_check_at - feed.last_fetch_at.unwrap();
    poll(&mut p, false);
    let feed = p.store().feed(f).unwrap();
    assert_eq!(feed.error_count, 2);
    assert_eq!(
        feed.next_check_at - feed.last_fetch_at.unwrap(),
        first_wait * 2
    );
}

#[test]
fn oversized_body_is_cut_off_at_the_cap() {
    let site = Site::new();
    let big = vec![b'x'; 3 * 1024 * 1024];
    site.route("/big", move |_| Reply::ok(RSS, big.clone()));
    let mut p = poller();
    let f = p.store().add_feed(&site.url("/big"), None, None).unwrap();
    let (s, _) = poll(&mut p, false);
    assert_eq!(s.failed, 1);
    assert!(
        p.store()
            .feed(f)
            .unwrap()
            .last_error
            .unwrap()
            .contains("larger than")
    );
}

#[test]
fn gzip_bomb_is_cut_off_by_decoded_size() {
    // 64 MiB of zeros compress to about 64 KiB; the cap is 1 MiB decoded.
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..64 {
        enc.write_all(&zeros).unwrap();
    }
    let bomb = enc.finish().unwrap();
    assert!(bomb.len() < 200 * 1024);
    let site = Site::new();
    site.route("/bomb", move |_| {
        Reply::ok(RSS, bomb.clone()).header("content-encoding", "gzip")
    });
    let mut p = poller();
    let f = p.store().add_feed(&site.url("/bomb"), None, None).unwrap();
    let (s, _) = poll(&mut p, false);
    assert_eq!(s.failed, 1);
    assert!(
        p.store()
            .feed(f)
            .unwrap()
            .last_error
            .unwrap()
            .contains("larger than")
    );
}

#[test]
fn compressed_feeds_are_decoded() {
    let body = rss("Zipped", &[("a", "Alpha", "")]);
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(body.as_bytes()).unwrap();
    let gz = enc.finish().unwrap();
    let site = Site::new();
    site.route("/z", move |_| {
        Reply::ok(RSS, gz.clone()).header("content-encoding", "gzip")
    });
    let mut p = poller();
    p.store().add_feed(&site.url("/z"), None, None).unwrap();
    let (s, _) = poll(&mut p, false);
    assert_eq!(s.new_items, 1);
    let accept_enc = site.requests("/z")[0]
        .header("accept-encoding")
        .map(|v| String::from_utf8_lossy(v).into_owned());
    let ae = accept_enc.unwrap_or_default();
    assert!(
        ae.contains("gzip") && ae.contains("br") && ae.contains("deflate"),
        "{ae}"
    );
}

#[test]
fn requests_carry_user_agent_and_feed_accept() {
    let site = Site::new();
    site.feed("/f", RSS, rss("F", &[]));
    let mut p = poller();
    p.store().add_feed(&site.url("/f"), None, None).unwrap();
    poll(&mut p, false);
    let r = &site.requests("/f")[0];
    let ua = String::from_utf8_lossy(r.header("user-agent").unwrap()).into_owned();
    assert!(ua.starts_with("Khabar/") && ua.contains("https://"), "{ua}");
    let accept = String::from_utf8_lossy(r.header("accept").unwrap()).into_owned();
    assert!(accept.contains("application/rss+xml") && accept.contains("application/atom+xml"));
}

#[test]
fn cache_control_max_age_and_ttl_push_the_next_check_out() {
    let site = Site::new();
    let body = rss("Cached", &[]).replace("<link>", "<ttl>120</ttl><link>");
    site.route("/ttl", move |_| Reply::ok(RSS, body.clone()));
    site.route("/maxage", |_| {
        Reply::ok(RSS, rss("M", &[])).header("cache-control", "max-age=10800")
    });
    let mut p = poller();
    let a = p.store().add_feed(&site.url("/ttl"), None, None).unwrap();
    let b = p
        .store()
        .add_feed(&site.url("/maxage"), None, None)
        .unwrap();
    poll(&mut p, false);
    let fa = p.store().feed(a).unwrap();
    let fb = p.store().feed(b).unwrap();
    assert_eq!(fa.next_check_at - fa.last_fetch_at.unwrap(), 7200);
    assert_eq!(fb.next_check_at - fb.last_fetch_at.unwrap(), 10800);
}

#[test]
fn at_most_two_requests_in_flight_per_host() {
    use std::sync::{Arc, Mutex};
    use std::time::Instant;
    let site = Site::new();
    let arrivals: Arc<Mutex<Vec<Instant>>> = Arc::default();
    for i in 0..8 {
        let arrivals = arrivals.clone();
        site.route(&format!("/f{i}"), move |_| {
            arrivals.lock().unwrap().push(Instant::now());
            Reply {
                delay: Some(Duration::from_millis(300)),
                ..Reply::ok(RSS, rss("F", &[]))
            }
        });
    }
    let mut p = poller();
    for i in 0..8 {
        p.store()
            .add_feed(&site.url(&format!("/f{i}")), None, None)
            .unwrap();
    }
    let (s, _) = poll(&mut p, false);
    assert_eq!(s.fetched, 8);
    // Each answer takes 300 ms. With two in flight, any three consecutive
    // arrivals span at least one answer time; with no limit all eight would
    // arrive within a few milliseconds.
    let mut t = arrivals.lock().unwrap().clone();
    t.sort();
    for w in t.windows(3) {
        assert!(
            w[2] - w[0] >= Duration::from_millis(250),
            "{:?}",
            w[2] - w[0]
        );
    }
}

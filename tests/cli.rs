//! The `khabar` command line, run as a child process against a loopback site.

mod common;

use std::process::{Command, Output};

use common::*;
use khabar::serve::Reply;

fn khabar(data: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_khabar"))
        .args(args)
        .env("KHABAR_DATA_DIR", data)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn add_by_site_url_discovers_the_feed_and_headlines_json_has_the_fields() {
    let site = Site::new();
    site.route("/", |_| {
        Reply::ok(
            "text/html",
            r#"<html><head><title>Site</title>
            <link rel="alternate" type="application/rss+xml" title="Latest" href="/rss/latest.xml">
            </head><body>Home</body></html>"#,
        )
    });
    site.feed(
        "/rss/latest.xml",
        RSS,
        rss(
            "Latest news",
            &[
                ("g1", "Budget passed", "Mon, 05 Feb 2024 14:30:00 +0500"),
                ("g2", "Rain in Lahore", ""),
            ],
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    let out = khabar(dir.path(), &["add", &site.url("/")]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Subscribed to Latest news"),
        "{}",
        stdout(&out)
    );

    let out = khabar(dir.path(), &["headlines", "--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 2);
    for key in ["id", "feed", "title", "link", "published"] {
        assert!(arr[0].get(key).is_some(), "missing {key}");
    }
    assert_eq!(
        arr.iter().filter(|h| h["title"] == "Budget passed").count(),
        1
    );

    // Search and show.
    let out = khabar(dir.path(), &["headlines", "--search", "lahore", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    let id = v[0]["id"].as_i64().unwrap().to_string();
    let out = khabar(dir.path(), &["show", &id]);
    let text = stdout(&out);
    assert!(text.starts_with("Rain in Lahore\n\n"), "{text}");
    assert!(text.contains("Text of Rain in Lahore."));
    let out = khabar(dir.path(), &["show", &id, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["title"], "Rain in Lahore");
}

#[test]
fn add_of_a_page_without_feeds_names_the_url_and_cause() {
    let site = Site::new();
    site.route("/plain", |_| {
        Reply::ok("text/html", "<html><body>No feeds here</body></html>")
    });
    let dir = tempfile::tempdir().unwrap();
    let out = khabar(dir.path(), &["add", &site.url("/plain")]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&site.url("/plain")) && err.contains("not a feed"),
        "{err}"
    );
}

#[test]
fn poll_exits_zero_with_failures_and_prints_a_summary() {
    let site = Site::new();
    site.feed("/ok", RSS, rss("Good", &[("1", "One", "")]));
    site.route("/broken", |_| Reply::status(500));
    let dir = tempfile::tempdir().unwrap();
    let opml = dir.path().join("subs.opml");
    std::fs::write(
        &opml,
        format!(
            r#"<opml version="2.0"><body><outline text="News"><outline text="Good" xmlUrl="{}"/><outline text="Broken" xmlUrl="{}"/></outline></body></opml>"#,
            site.url("/ok"),
            site.url("/broken")
        ),
    )
    .unwrap();
    let out = khabar(dir.path(), &["import", opml.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Imported 2 feeds"));

    let out = khabar(dir.path(), &["poll"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let s = stdout(&out);
    assert!(
        s.contains("2 feeds: 1 fetched, 0 not modified, 1 failed, 1 new items"),
        "{s}"
    );
    assert!(
        stderr(&out).contains("Broken: the server answered 500"),
        "{}",
        stderr(&out)
    );

    let out = khabar(dir.path(), &["feeds"]);
    let s = stdout(&out);
    assert!(
        s.contains("error (1 in a row): the server answered 500"),
        "{s}"
    );
    assert!(s.contains("[News]"));

    // Nothing is due now; --force polls all again, and the good one is a 304.
    let out = khabar(dir.path(), &["poll"]);
    assert!(stdout(&out).contains("0 feeds"), "{}", stdout(&out));
    let out = khabar(dir.path(), &["poll", "--force", "--no-articles"]);
    assert!(
        stdout(&out).contains("2 feeds: 0 fetched, 1 not modified, 1 failed, 0 new items"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn opml_round_trip_keeps_feeds_titles_and_folders() {
    let dir = tempfile::tempdir().unwrap();
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/default-feeds.opml");
    let out = khabar(dir.path(), &["import", src]);
    assert!(out.status.success(), "{}", stderr(&out));
    let exported = stdout(&khabar(dir.path(), &["export"]));
    let original = khabar::opml::parse(&std::fs::read_to_string(src).unwrap()).unwrap();
    let round = khabar::opml::parse(&exported).unwrap();
    let key = |v: &[khabar::opml::OpmlFeed]| {
        let mut k: Vec<_> = v
            .iter()
            .map(|f| (f.url.clone(), f.title.clone(), f.folder.clone()))
            .collect();
        k.sort();
        k
    };
    assert_eq!(key(&original), key(&round));
    assert!(exported.contains("<opml version=\"2.0\">"));
    // Importing the export again adds nothing.
    let again = dir.path().join("again.opml");
    std::fs::write(&again, &exported).unwrap();
    let out = khabar(dir.path(), &["import", again.to_str().unwrap()]);
    assert!(
        stdout(&out).contains("Imported 0 feeds"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn default_feeds_are_never_added_by_the_command_line_on_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let out = khabar(dir.path(), &["feeds"]);
    assert!(stdout(&out).contains("No feeds yet"));
}

#[test]
fn help_lists_the_subcommands() {
    let dir = tempfile::tempdir().unwrap();
    let out = khabar(dir.path(), &["--help"]);
    assert!(out.status.success());
    let s = stdout(&out);
    for cmd in [
        "add",
        "import",
        "export",
        "feeds",
        "poll",
        "headlines",
        "show",
        "extract",
        "reextract",
    ] {
        assert!(s.contains(cmd), "{cmd} missing from help:\n{s}");
    }
}

#[test]
fn bad_opml_is_a_clear_error_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.opml");
    std::fs::write(&bad, "<html><body>not opml</body></html>").unwrap();
    let out = khabar(dir.path(), &["import", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no OPML outlines"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn topics_from_the_command_line_follow_list_filter_and_refuse_bad_queries() {
    let site = Site::new();
    site.feed(
        "/feed.xml",
        RSS,
        rss(
            "Sport desk",
            &[
                ("g1", "Cricket final in Lahore", ""),
                ("g2", "IPL auction sets cricket record", ""),
                ("g3", "Rain in Karachi", ""),
            ],
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    let out = khabar(dir.path(), &["add", &site.url("/feed.xml")]);
    assert!(out.status.success(), "{}", stderr(&out));

    let out = khabar(dir.path(), &["topic", "add", "Cricket", "cricket OR"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("OR needs a word on each side"), "{err}");
    assert!(err.contains("  cricket OR\n          ^"), "{err}");

    let out = khabar(dir.path(), &["topic", "add", "Cricket", "cricket -IPL"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("1 articles so far, 1 unread"),
        "{}",
        stdout(&out)
    );

    let out = khabar(dir.path(), &["headlines", "--topic", "cricket", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let titles: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Cricket final in Lahore"]);

    let out = khabar(dir.path(), &["topic", "list", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["name"], "Cricket");
    assert_eq!(v[0]["unread"], 1);

    let out = khabar(dir.path(), &["headlines", "--topic", "nope"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("topic \"nope\" not found"),
        "{}",
        stderr(&out)
    );

    let out = khabar(dir.path(), &["topic", "rm", "CRICKET"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = khabar(dir.path(), &["topic", "list"]);
    assert_eq!(stdout(&out), "");
}

#[test]
fn a_poll_while_another_holds_the_store_lock_skips_without_a_request() {
    // The window (or a background poll) holds the store's poll lock: a
    // `khabar poll` from the timer says so and makes no request.
    let site = Site::new();
    site.feed("/ok", RSS, rss("Good", &[("1", "One", "")]));
    let dir = tempfile::tempdir().unwrap();
    let out = khabar(dir.path(), &["add", &site.url("/ok")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let before = site.hits("/ok");

    let lock = khabar::desktop::PollLock::try_acquire(dir.path())
        .unwrap()
        .unwrap();
    let out = khabar(dir.path(), &["poll", "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("another poll is running"),
        "{}",
        stderr(&out)
    );
    assert_eq!(site.hits("/ok"), before);

    drop(lock);
    let out = khabar(dir.path(), &["poll", "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(site.hits("/ok"), before + 1);
}

/// An invented article page for `extract`.
fn article_page(headline: &str) -> String {
    let para = format!(
        "<p>{headline}: the harbour board met again on Tuesday and agreed that the night \
         ferries would keep their winter timetable until the ice on the northern channel \
         has cleared, officials said.</p>"
    );
    format!(
        "<html><head><title>{headline}</title></head><body><article><h1>{headline}</h1>{}\
         </article></body></html>",
        para.repeat(4)
    )
}

#[test]
fn extract_takes_several_files_and_writes_one_output_each_into_the_out_dir() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("pages");
    std::fs::create_dir_all(pages.join("b")).unwrap();
    let one = pages.join("ferry.html");
    let two = pages.join("bridge.html.gz");
    // Same stem in another folder: written as ferry-2.
    let three = pages.join("b").join("ferry.htm");
    std::fs::write(&one, article_page("Ferry timetable")).unwrap();
    std::fs::write(&two, article_page("Bridge opening")).unwrap();
    std::fs::write(&three, article_page("Second ferry")).unwrap();
    let out_dir = dir.path().join("out");
    let args = |format: &str| {
        vec![
            "extract".to_string(),
            one.display().to_string(),
            two.display().to_string(),
            three.display().to_string(),
            "--out-dir".into(),
            out_dir.display().to_string(),
            "--format".into(),
            format.into(),
        ]
    };
    let a = args("text");
    let out = khabar(
        dir.path(),
        &a.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("pages/s"), "{}", stdout(&out));
    let ferry = std::fs::read_to_string(out_dir.join("ferry.txt")).unwrap();
    assert!(ferry.starts_with("Ferry timetable\n\n"), "{ferry}");
    assert!(
        std::fs::read_to_string(out_dir.join("bridge.txt"))
            .unwrap()
            .contains("Bridge opening")
    );
    assert!(
        std::fs::read_to_string(out_dir.join("ferry-2.txt"))
            .unwrap()
            .contains("Second ferry")
    );

    let a = args("json");
    let out = khabar(
        dir.path(),
        &a.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("bridge.json")).unwrap())
            .unwrap();
    assert_eq!(json["meta"]["title"], "Bridge opening");

    // A source that cannot be read is reported; the others are still written.
    let missing = pages.join("missing.html");
    let out = khabar(
        dir.path(),
        &[
            "extract",
            missing.to_str().unwrap(),
            one.to_str().unwrap(),
            "--format",
            "html",
            "--out-dir",
            out_dir.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("missing.html"), "{}", stderr(&out));
    assert!(out_dir.join("ferry.html").is_file());

    // Several sources without --out-dir: printed one after the other.
    let out = khabar(
        dir.path(),
        &["extract", one.to_str().unwrap(), two.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let s = stdout(&out);
    assert!(
        s.contains("Ferry timetable") && s.contains("Bridge opening"),
        "{s}"
    );
}

#[test]
fn retention_setting_prune_and_stats() {
    let dir = tempfile::tempdir().unwrap();
    let out = khabar(dir.path(), &["retention", "30"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("30 days"));
    let out = khabar(dir.path(), &["retention", "off"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("off"));
    let out = khabar(dir.path(), &["prune", "--older-than", "90"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Deleted 0 articles"));
    let out = khabar(dir.path(), &["stats", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["items"], 0);
    assert!(
        v["tables"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == "items")
    );
}

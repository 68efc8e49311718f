//! The window's real state driven through AccessKit with egui_kittest, over a
//! store filled from fixtures (no display, no service thread).

use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use khabar::fetch::Validators;
use khabar::model::{IncomingFeed, IncomingItem};
use khabar::store::{FetchRecord, Store};
use khabar::ui::{KhabarApp, Prefs, Source};

fn item(id: &str, title: &str, published: i64) -> IncomingItem {
    IncomingItem {
        identity: id.into(),
        title: title.into(),
        link: Some(format!("https://news.example/{id}")),
        published: Some(published),
        summary: Some(format!("<p>Summary of {title}.</p>")),
        ..Default::default()
    }
}

/// A fetch record for a poll at `now`.
fn record(now: i64) -> FetchRecord {
    FetchRecord {
        fetched_at: now,
        next_check_at: now + 1800,
        validators: Validators::default(),
        new_url: None,
    }
}

/// A store with two feeds (one failing) and three articles; returns the
/// folder (kept alive) and a read-only app over it.
fn app() -> (tempfile::TempDir, KhabarApp) {
    let dir = fixture_store();
    let ro = Store::open_read_only(&dir.path().join("khabar.sqlite3")).unwrap();
    (dir, KhabarApp::new(Some(ro), None, Prefs::default()))
}

/// The fixture store's folder.
fn fixture_store() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("khabar.sqlite3");
    {
        let mut s = Store::open(&path).unwrap();
        let wire = s
            .add_feed("https://wire.example/feed", Some("Wire"), Some("World"))
            .unwrap();
        let broken = s
            .add_feed(
                "https://broken.example/feed",
                Some("Broken Outlet"),
                Some("World"),
            )
            .unwrap();
        let now = khabar::model::now();
        let doc = IncomingFeed {
            title: Some("Wire".into()),
            items: vec![
                item("a", "Harbour cranes work through the night", now - 60),
                item("b", "Ferry timetable changes for winter", now - 3600),
                item("c", "Cricket final moves to Sunday", now - 7200),
            ],
            ..Default::default()
        };
        let rec = record(now);
        s.apply_feed(wire, &doc, &rec).unwrap();
        s.record_error(
            broken,
            now,
            "the server answered 503 Service Unavailable",
            now + 1800,
            None,
        )
        .unwrap();
    }
    dir
}

fn harness(app: KhabarApp) -> Harness<'static, KhabarApp> {
    Harness::builder()
        .with_size([1280.0, 800.0])
        .with_context_setup(khabar::ui::install_fonts)
        .build_ui_state(|ui, app: &mut KhabarApp| app.ui(ui), app)
}

#[test]
fn opening_a_headline_shows_the_article_and_marks_it_read() {
    let (_d, app) = app();
    let mut h = harness(app);
    h.run();
    h.get_by_label_contains("Ferry timetable changes for winter")
        .click();
    h.run();
    let open = h.state().open.as_ref().expect("an article is open");
    assert_eq!(open.item.title, "Ferry timetable changes for winter");
    // The reader shows the feed's text (no stored article for it).
    h.get_by_label("Summary of Ferry timetable changes for winter.");
    h.get_by_label("Open original");
    let read = (0..h.state().headline_count())
        .filter_map(|i| h.state_mut().headline(i).cloned())
        .find(|x| x.title.starts_with("Ferry"))
        .unwrap()
        .read;
    assert!(read);
}

#[test]
fn j_and_k_move_through_the_list_and_s_stars() {
    let (_d, app) = app();
    let mut h = harness(app);
    h.run();
    h.key_press(Key::J);
    h.run();
    assert_eq!(
        h.state().open.as_ref().unwrap().item.title,
        "Harbour cranes work through the night"
    );
    h.key_press(Key::J);
    h.run();
    assert_eq!(
        h.state().open.as_ref().unwrap().item.title,
        "Ferry timetable changes for winter"
    );
    h.key_press(Key::K);
    h.run();
    assert_eq!(
        h.state().open.as_ref().unwrap().item.title,
        "Harbour cranes work through the night"
    );
    h.key_press(Key::S);
    h.run();
    assert!(h.state_mut().headline(0).unwrap().starred);
    h.get_by_label_contains("(starred)");
}

#[test]
fn choosing_a_feed_and_the_error_badge() {
    let (_d, app) = app();
    let mut h = harness(app);
    h.run();
    // The failing feed carries a badge in plain words.
    h.get_by_label("server error");
    h.get_by_label_contains("Wire  3").click();
    h.run();
    assert!(matches!(h.state().prefs.source, Source::Feed(_)));
    assert_eq!(h.state().headline_count(), 3);
    h.get_by_label_contains("Broken Outlet").click();
    h.run();
    assert_eq!(h.state().headline_count(), 0);
    // Its empty list says why.
    h.get_by_label_contains("Nothing from Broken Outlet yet");
    h.get_by_label_contains("the outlet's server answered with an error");
    h.get_by_label_contains("503 Service Unavailable");
    h.get_by_label_contains("Unread").click();
    h.run();
    assert_eq!(h.state().prefs.source, Source::Unread);
    assert_eq!(h.state().headline_count(), 3);
}

/// Runs frames until `done` holds (the service answers on its own thread).
fn run_until(h: &mut Harness<'static, KhabarApp>, what: &str, done: impl Fn(&KhabarApp) -> bool) {
    for _ in 0..200 {
        h.run();
        if done(h.state()) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    panic!("timed out waiting for {what}");
}

#[test]
fn following_a_topic_in_the_window() {
    // The real architecture: the window sends commands to the service
    // thread, which writes; the window re-reads on its events.
    let dir = fixture_store();
    let service = khabar::service::spawn(
        khabar::service::ServiceConfig {
            data_dir: dir.path().to_path_buf(),
            poll_on_start: false,
            fetch: khabar::fetch::FetchConfig::default(),
            articles: false,
            sync: Default::default(),
        },
        Box::new(|| {}),
    )
    .unwrap();
    let ro = Store::open_read_only(&dir.path().join("khabar.sqlite3")).unwrap();
    let mut h = harness(KhabarApp::new(Some(ro), Some(service), Prefs::default()));
    h.run();
    h.get_by_label("+ Follow").click();
    h.run();
    h.get_by_label("Query").focus();
    h.run();
    h.get_by_label("Query").type_text("cricket OR");
    h.run();
    // A bad query is explained where it was typed, and cannot be saved.
    h.get_by_label("OR needs a word on each side");
    assert!(h.get_by_label("Follow").accesskit_node().is_disabled());
    h.get_by_label("Query").focus();
    h.run();
    for _ in 0..3 {
        h.key_press(Key::Backspace);
    }
    h.get_by_label("Query").type_text(" -Ferry");
    h.run();
    h.get_by_label("Name").focus();
    h.run();
    h.get_by_label("Name").type_text("Cricket");
    h.run();
    h.get_by_label("Matches 1 stored articles, 1 unread");
    h.get_by_label("Follow").click();
    run_until(&mut h, "the topic in the sidebar", |a| {
        a.topics
            .iter()
            .any(|t| t.spec.name == "Cricket" && t.unread == 1)
    });
    assert!(h.state().topic_draft.is_none());
    h.get_by_label("Cricket  1").click();
    h.run();
    assert_eq!(h.state().headline_count(), 1);
    assert_eq!(h.state().highlight, ["cricket"]);
    h.get_by_label_contains("Cricket final moves to Sunday")
        .click();
    // Opening it marks it read; the service updates the topic's count.
    run_until(&mut h, "the unread count to drop", |a| {
        a.topics
            .iter()
            .any(|t| t.spec.name == "Cricket" && t.unread == 0)
    });
    h.get_by_label("Cricket");
}

/// The fixture app with `text` typed into the search box (after "/").
fn searched(text: &str) -> (tempfile::TempDir, Harness<'static, KhabarApp>) {
    let (d, app) = app();
    let mut h = harness(app);
    h.run();
    h.key_press(Key::Slash);
    h.run();
    h.get_by_role(egui::accesskit::Role::TextInput)
        .type_text(text);
    h.run();
    (d, h)
}

#[test]
fn a_bad_search_is_explained_not_applied() {
    let (_d, h) = searched("\"cricket final");
    assert_eq!(h.state().headline_count(), 3, "not applied");
    h.get_by_label("this quote is never closed");
}

#[test]
fn search_filters_the_headlines() {
    let (_d, mut h) = searched("cricket");
    assert_eq!(h.state().search, "cricket");
    assert_eq!(h.state().headline_count(), 1);
    assert_eq!(
        h.state_mut().headline(0).unwrap().title,
        "Cricket final moves to Sunday"
    );
}

#[test]
fn help_overlay_lists_the_keys() {
    let (_d, app) = app();
    let mut h = harness(app);
    h.run();
    h.get_by_label("?").click();
    h.run();
    h.get_by_label("Keyboard shortcuts");
    h.get_by_label("next unread");
    assert!(h.state().show_help);
}

#[test]
fn settings_switch_off_full_articles_for_a_feed() {
    let (_d, app) = app();
    let mut h = harness(app);
    h.run();
    h.get_by_label("Settings").click();
    h.run();
    assert!(h.state().settings_open);
    h.get_by_label("Check feeds every");
    assert!(h.state().feeds.iter().all(|f| f.fetch_articles));
    h.get_by_role_and_label(egui::accesskit::Role::CheckBox, "Broken Outlet")
        .click();
    h.run();
    let broken = h
        .state()
        .feeds
        .iter()
        .find(|f| f.title.as_deref() == Some("Broken Outlet"))
        .unwrap()
        .clone();
    assert!(!broken.fetch_articles);
    h.key_press(Key::Escape);
    h.run();
    assert!(!h.state().settings_open);
}

#[test]
fn opml_dialog_opens() {
    let (_d, app) = app();
    let mut h = harness(app);
    h.run();
    h.get_by_label("OPML").click();
    h.run();
    assert!(h.state().opml_open);
    h.get_by_label("Import");
    h.get_by_label("Export");
}

#[test]
fn an_urdu_article_is_laid_out_right_to_left_and_copies_in_logical_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("khabar.sqlite3");
    let title = "عمران خان نے 2024 میں PTI کا جلسہ کیا";
    let body =
        "لاہور (ڈیمو) وزیر اعظم نے کہا کہ حکومت عوام کی خدمت کے لیے ہر ممکن اقدامات کر رہی ہے۔";
    {
        let mut s = Store::open(&path).unwrap();
        let f = s
            .add_feed("https://ur.example/feed", Some("اردو نیوز"), Some("اردو"))
            .unwrap();
        let now = khabar::model::now();
        let doc = IncomingFeed {
            language: Some("ur".into()),
            items: vec![IncomingItem {
                summary: Some(format!("<p>{body}</p>")),
                ..item("u1", title, now - 60)
            }],
            ..Default::default()
        };
        let rec = record(now);
        s.apply_feed(f, &doc, &rec).unwrap();
        let en = s
            .add_feed("https://en.example/feed", Some("Wire"), None)
            .unwrap();
        let doc = IncomingFeed {
            language: Some("en".into()),
            items: vec![item(
                "e1",
                "Harbour cranes work through the night",
                now - 120,
            )],
            ..Default::default()
        };
        s.apply_feed(en, &doc, &rec).unwrap();
    }
    let ro = Store::open_read_only(&path).unwrap();
    let mut h = harness(KhabarApp::new(Some(ro), None, Prefs::default()));
    h.run();
    // Two languages: the sidebar offers them as a filter.
    assert_eq!(h.state().headline_count(), 2);
    h.get_by_label("Urdu  1").click();
    h.run();
    assert_eq!(h.state().headline_count(), 1);
    // The headline row and the sidebar keep the logical text as their labels.
    h.get_by_label_contains(title).click();
    h.run();
    assert!(
        h.query_all_by_label_contains("اردو نیوز").count() >= 2,
        "sidebar and reader"
    );
    // The paragraph is one widget labelled with its logical text...
    let para = h.get_by_label(body);
    let width = para.rect().width();
    assert!(
        width > 300.0,
        "the paragraph takes the reading column: {width}"
    );
    // ...and copying it gives the logical order, not the visual one.
    para.click_secondary();
    h.run();
    h.get_by_label("Copy paragraph").click();
    h.step();
    let copied: Vec<String> = h
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            egui::OutputCommand::CopyText(t) => Some(t.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(copied, [body.to_string()]);
    // The language was recorded from the feed.
    let lang: Option<String> = Store::open_read_only(&path)
        .unwrap()
        .connection()
        .query_row("SELECT lang FROM items", [], |r| r.get(0))
        .unwrap();
    assert_eq!(lang.as_deref(), Some("ur"));
}

#[test]
fn a_topic_can_be_limited_to_one_outlet_with_a_live_preview() {
    let (_d, app) = app();
    let mut h = harness(app);
    h.run();
    h.get_by_label("+ Follow").click();
    h.run();
    h.get_by_label("Query").focus();
    h.run();
    h.get_by_label("Query").type_text("cricket");
    h.run();
    h.get_by_label("Matches 1 stored articles, 1 unread");
    h.get_by_label("Outlets").click();
    h.run();
    // The sidebar has the outlet too: the popup's entry is the last one.
    h.query_all_by_label("Broken Outlet")
        .last()
        .unwrap()
        .click();
    h.run();
    h.get_by_label("Matches 0 stored articles, 0 unread");
    let spec = h.state().topic_draft.as_ref().unwrap().spec();
    assert!(spec.feed.is_some() && spec.folder.is_none(), "{spec:?}");
}

#[test]
fn a_feed_link_opens_the_add_feed_dialog_filled_in() {
    // What `khabar subscribe feed://…` hands the window.
    let (_d, mut app) = app();
    let url = khabar::desktop::feed_link("feed://news.example.org/rss.xml").unwrap();
    app.scene = Some(khabar::ui::Scene {
        subscribe: Some(url),
        ..Default::default()
    });
    let mut h = harness(app);
    h.run();
    h.get_by_label("Add a feed");
    assert!(
        h.query_all_by_value("http://news.example.org/rss.xml")
            .next()
            .is_some()
    );
}

#[test]
fn a_later_starts_feed_link_opens_the_add_feed_dialog_in_the_running_window() {
    // What a running window gets when `khabar subscribe feed:…` starts
    // again: a request on its instance channel, taken on the next frame.
    let (_d, mut app) = app();
    let (tx, rx) = std::sync::mpsc::channel();
    app.requests = Some(rx);
    let mut h = harness(app);
    h.run();
    assert!(h.query_by_label("Add a feed").is_none());
    tx.send(khabar::instance::Request::Raise).unwrap();
    h.run();
    assert!(
        h.query_by_label("Add a feed").is_none(),
        "raise alone opens no dialog"
    );
    let url = khabar::desktop::feed_link("feed:https://news.example.org/atom.xml").unwrap();
    tx.send(khabar::instance::Request::Subscribe(url.clone()))
        .unwrap();
    h.run();
    h.get_by_label("Add a feed");
    assert!(h.query_all_by_value(&url).next().is_some(), "{url}");
}

/// The words painted inside `rect`, each with its left edge, as egui got
/// them to paint (right-to-left text is painted word by word).
fn painted_words(h: &Harness<'_, KhabarApp>, rect: egui::Rect) -> Vec<(String, f32)> {
    fn walk(s: &egui::Shape, rect: egui::Rect, out: &mut Vec<(String, f32)>) {
        match s {
            egui::Shape::Vec(v) => v.iter().for_each(|s| walk(s, rect, out)),
            egui::Shape::Text(t) => {
                let r = egui::Rect::from_min_size(t.pos, t.galley.size());
                if rect.contains(r.center()) && t.fallback_color != egui::Color32::TRANSPARENT {
                    out.push((t.galley.text().to_string(), r.left()));
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for c in &h.output().shapes {
        walk(&c.shape, rect, &mut out);
    }
    out
}

/// The left edges of `words` as painted in `rect` (NaN when not painted alone).
fn xs(h: &Harness<'_, KhabarApp>, rect: egui::Rect, words: &[&str]) -> Vec<f32> {
    let painted = painted_words(h, rect);
    words
        .iter()
        .map(|w| {
            painted
                .iter()
                .find(|(t, _)| t == w)
                .map_or(f32::NAN, |(_, x)| *x)
        })
        .collect()
}

/// A store with one Urdu outlet (and its id).
fn urdu_outlet() -> (tempfile::TempDir, KhabarApp, khabar::model::FeedId) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("khabar.sqlite3");
    let id = {
        let s = Store::open(&path).unwrap();
        s.add_feed("https://ur.example/feed", Some("ڈیمو نیوز اردو"), None)
            .unwrap()
    };
    let ro = Store::open_read_only(&path).unwrap();
    (dir, KhabarApp::new(Some(ro), None, Prefs::default()), id)
}

#[test]
fn the_settings_list_shows_an_urdu_outlet_right_to_left() {
    let (_d, mut app, _) = urdu_outlet();
    app.settings_open = true;
    let mut h = harness(app);
    h.run();
    // The checkbox keeps the logical text as its label...
    let rect = h
        .get_by_role_and_label(egui::accesskit::Role::CheckBox, "ڈیمو نیوز اردو")
        .rect();
    // ...and paints the words from the right: the first word rightmost.
    let x = xs(&h, rect, &["ڈیمو", "نیوز", "اردو"]);
    assert!(x[0] > x[1] && x[1] > x[2], "{x:?}");
}

#[test]
fn the_topic_dialog_shows_an_urdu_outlet_right_to_left() {
    use khabar::ui::dialogs::topic::{Scope, TopicDraft};
    let (_d, mut app, id) = urdu_outlet();
    let mut draft = TopicDraft::new("cricket");
    draft.scope = Scope::Feed(id);
    app.topic_draft = Some(draft);
    let mut h = harness(app);
    h.run();
    let rect = h.get_by_role(egui::accesskit::Role::ComboBox).rect();
    let x = xs(&h, rect, &["ڈیمو", "نیوز", "اردو"]);
    assert!(x[0] > x[1] && x[1] > x[2], "{x:?}");
}

/// Centres of the filled circles and the count of filled paths painted in `rect`.
fn dots_and_paths(h: &Harness<'_, KhabarApp>, rect: egui::Rect) -> (Vec<egui::Pos2>, usize) {
    fn walk(s: &egui::Shape, rect: egui::Rect, dots: &mut Vec<egui::Pos2>, paths: &mut usize) {
        match s {
            egui::Shape::Vec(v) => v.iter().for_each(|s| walk(s, rect, dots, paths)),
            egui::Shape::Circle(c) if rect.contains(c.center) => dots.push(c.center),
            egui::Shape::Path(p) if p.points.first().is_some_and(|q| rect.contains(*q)) => {
                *paths += 1;
            }
            _ => {}
        }
    }
    let (mut dots, mut paths) = (Vec::new(), 0);
    for c in &h.output().shapes {
        walk(&c.shape, rect, &mut dots, &mut paths);
    }
    (dots, paths)
}

#[test]
fn headline_rows_have_a_dot_column_a_drawn_star_and_a_summary_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("khabar.sqlite3");
    let urdu = "عمران خان نے جلسہ کیا";
    {
        let mut s = Store::open(&path).unwrap();
        let now = khabar::model::now();
        let ur = s
            .add_feed("https://ur.example/feed", Some("اردو نیوز"), None)
            .unwrap();
        let doc = IncomingFeed {
            items: vec![item("u1", urdu, now - 60)],
            ..Default::default()
        };
        s.apply_feed(ur, &doc, &record(now)).unwrap();
        let en = s
            .add_feed("https://en.example/feed", Some("Wire"), None)
            .unwrap();
        let doc = IncomingFeed {
            items: vec![item(
                "e1",
                "Harbour cranes work through the night",
                now - 120,
            )],
            ..Default::default()
        };
        s.apply_feed(en, &doc, &record(now)).unwrap();
        let ids = s.headline_ids(&Default::default()).unwrap();
        let rows = s.headlines_by_ids(&ids).unwrap();
        let harbour = rows
            .iter()
            .find(|h| h.title.starts_with("Harbour"))
            .unwrap();
        s.set_starred(harbour.id, true).unwrap();
    }
    let ro = Store::open_read_only(&path).unwrap();
    let mut h = harness(KhabarApp::new(Some(ro), None, Prefs::default()));
    h.run();
    let en = h
        .get_by_label_contains("Harbour cranes work through the night")
        .rect();
    let ur = h.get_by_label_contains(urdu).rect();
    // The unread dot sits in the same column in both rows, left of the Urdu title.
    let (en_dots, en_paths) = dots_and_paths(&h, en);
    let (ur_dots, ur_paths) = dots_and_paths(&h, ur);
    assert_eq!((en_dots.len(), ur_dots.len()), (1, 1), "one dot a row");
    assert!(
        (en_dots[0].x - ur_dots[0].x).abs() < 0.5,
        "{en_dots:?} {ur_dots:?}"
    );
    let words = xs(&h, ur, &["عمران", "کیا"]);
    assert!(words.iter().all(|x| *x > ur_dots[0].x + 4.0), "{words:?}");
    // The starred row has a drawn star (no "[starred]" text), the other none.
    assert!(en_paths >= 6 && ur_paths == 0, "{en_paths} {ur_paths}");
    let painted = painted_words(&h, en);
    assert!(painted.iter().all(|(t, _)| !t.contains("[starred]")));
    // A line of summary from the feed's text, under the title.
    assert!(
        painted
            .iter()
            .any(|(t, _)| t.starts_with("Summary of Harbour cranes")),
        "{painted:?}"
    );
}

/// A first start with no network: two outlets whose only check could not
/// reach their servers, nothing stored.
fn offline_first_start() -> (tempfile::TempDir, KhabarApp) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("khabar.sqlite3");
    {
        let s = Store::open(&path).unwrap();
        let now = khabar::model::now();
        for (host, title) in [("wire.example", "Wire"), ("dak.example", "Dak")] {
            let id = s
                .add_feed(&format!("https://{host}/feed"), Some(title), None)
                .unwrap();
            let err = khabar::error::FetchError::Dns(host.into()).to_string();
            s.record_error(id, now, &err, now + 60, None).unwrap();
        }
    }
    let ro = Store::open_read_only(&path).unwrap();
    (dir, KhabarApp::new(Some(ro), None, Prefs::default()))
}

#[test]
fn a_first_start_offline_says_why_and_offers_the_demo_and_a_feed() {
    let (_d, mut app) = offline_first_start();
    let launched = std::rc::Rc::new(std::cell::Cell::new(0));
    let l = launched.clone();
    app.set_demo_launcher(Some(Box::new(move || {
        l.set(l.get() + 1);
        Ok(())
    })));
    let mut h = harness(app);
    h.run();
    // Badges in plain words, not "error".
    assert_eq!(h.query_all_by_label("offline").count(), 2);
    assert!(h.query_by_label("error").is_none());
    // The list says what is going on; the reader says how to start.
    h.get_by_label_contains("none of your 2 outlets could be reached");
    h.get_by_label_contains("seems to be offline");
    h.get_by_label("Welcome to Khabar");
    // The legend explains the badge.
    h.get_by_label("What the badges mean").click();
    h.run();
    h.get_by_label_contains("offline: could not reach the outlet's server");
    // The demo opens elsewhere, once per click, and the window says so.
    h.get_by_label("Try the demo newsroom").click();
    h.run();
    assert_eq!(launched.get(), 1);
    let (msg, err) = h.state().message.clone().expect("a message");
    assert!(msg.contains("window of its own") && !err, "{msg}");
    // A visible way to add a feed: the welcome's button opens the dialog.
    assert!(
        h.query_by_label_contains("A feed URL, or a site's address")
            .is_none()
    );
    h.get_by_label("Add a feed…").click();
    h.run();
    h.get_by_label_contains("A feed URL, or a site's address");
}

#[test]
fn a_demo_that_cannot_start_says_why() {
    let (_d, mut app) = offline_first_start();
    app.set_demo_launcher(Some(Box::new(|| {
        Err(std::io::Error::other("no executable"))
    })));
    let mut h = harness(app);
    h.run();
    h.get_by_label("Try the demo newsroom").click();
    h.run();
    let (msg, err) = h.state().message.clone().expect("a message");
    assert!(err && msg.contains("no executable"), "{msg}");
}

#[test]
fn an_empty_profile_says_how_to_start_and_offers_no_demo_without_a_launcher() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("khabar.sqlite3");
    drop(Store::open(&path).unwrap());
    let ro = Store::open_read_only(&path).unwrap();
    let mut h = harness(KhabarApp::new(Some(ro), None, Prefs::default()));
    h.run();
    h.get_by_label("No subscriptions yet");
    h.get_by_label("Welcome to Khabar");
    h.get_by_label("Import OPML…");
    // No launcher (the demo window itself): no demo button.
    assert!(h.query_by_label("Try the demo newsroom").is_none());
    assert!(h.query_by_label("What the badges mean").is_none());
}

#[test]
fn empty_views_say_what_fills_them_and_lead_back_to_all() {
    let (_d, app) = app();
    let mut h = harness(app);
    h.run();
    // Articles are stored: no welcome, a hint at the keys instead.
    assert!(h.query_by_label("Welcome to Khabar").is_none());
    h.get_by_label_contains("Choose a headline");
    h.get_by_label_contains("Starred  0").click();
    h.run();
    h.get_by_label("No starred articles");
    h.get_by_label_contains("Press s on an open article");
    h.get_by_label("Show all articles").click();
    h.run();
    assert_eq!(h.state().prefs.source, Source::All);
    assert_eq!(h.state().headline_count(), 3);
}

#[test]
fn an_outlets_stored_icon_is_decoded_off_the_ui_thread_and_drawn_in_rows_and_sidebar() {
    let dir = fixture_store();
    let path = dir.path().join("khabar.sqlite3");
    let wire = {
        let s = Store::open(&path).unwrap();
        let wire = s
            .feeds()
            .unwrap()
            .into_iter()
            .find(|f| f.url.contains("wire"))
            .unwrap()
            .id;
        let img = image::RgbaImage::from_pixel(20, 20, image::Rgba([0x10, 0x70, 0xb0, 0xff]));
        let mut png = std::io::Cursor::new(Vec::new());
        img.write_to(&mut png, image::ImageFormat::Png).unwrap();
        s.set_feed_icon(wire, "https://wire.example/favicon.png", png.get_ref(), 1)
            .unwrap();
        wire
    };
    let ro = Store::open_read_only(&path).unwrap();
    let mut h = harness(KhabarApp::new(Some(ro), None, Prefs::default()));
    run_until(&mut h, "the icon's decode", |app| app.icons.ready() == 1);
    h.run();
    let tex = h.state().icons.get(wire).expect("a texture");
    let mut rects = Vec::new();
    fn walk(s: &egui::Shape, tex: egui::TextureId, out: &mut Vec<egui::Rect>) {
        match s {
            egui::Shape::Vec(v) => v.iter().for_each(|s| walk(s, tex, out)),
            egui::Shape::Mesh(m) if m.texture_id == tex => out.push(m.calc_bounds()),
            _ => {}
        }
    }
    for c in &h.output().shapes {
        walk(&c.shape, tex, &mut rects);
    }
    // Three Wire rows and the Wire line of the sidebar; none for Broken.
    assert_eq!(rects.len(), 4, "{rects:?}");
    for r in &rects {
        // Drawn at text height, not at the picture's 20 pixels.
        assert!(r.height() > 8.0 && r.height() < 19.0, "{r:?}");
    }
    let sidebar = rects.iter().filter(|r| r.left() < 230.0).count();
    assert_eq!(sidebar, 1);
}

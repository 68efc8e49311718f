//! The window's real state driven through AccessKit with egui_kittest, over a
//! store filled from fixtures (no display, no service thread).

use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
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

/// A store with two feeds (one failing) and three articles; returns the
/// folder (kept alive) and a read-only app over it.
fn app() -> (tempfile::TempDir, KhabarApp) {
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
        let rec = FetchRecord {
            fetched_at: now,
            next_check_at: now + 1800,
            validators: Validators::default(),
            new_url: None,
        };
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
    let ro = Store::open_read_only(&path).unwrap();
    (dir, KhabarApp::new(Some(ro), None, Prefs::default()))
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
    h.get_by_label_contains("[starred]");
}

#[test]
fn choosing_a_feed_and_the_error_badge() {
    let (_d, app) = app();
    let mut h = harness(app);
    h.run();
    // The failing feed carries a badge.
    h.get_by_label("error");
    h.get_by_label_contains("Wire  3").click();
    h.run();
    assert!(matches!(h.state().prefs.source, Source::Feed(_)));
    assert_eq!(h.state().headline_count(), 3);
    h.get_by_label_contains("Broken Outlet").click();
    h.run();
    assert_eq!(h.state().headline_count(), 0);
    h.get_by_label_contains("Unread").click();
    h.run();
    assert_eq!(h.state().prefs.source, Source::Unread);
    assert_eq!(h.state().headline_count(), 3);
}

#[test]
fn search_filters_the_headlines() {
    let (_d, app) = app();
    let mut h = harness(app);
    h.run();
    h.key_press(Key::Slash);
    h.run();
    h.get_by_role(egui::accesskit::Role::TextInput)
        .type_text("cricket");
    h.run();
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

//! Story rows in the window, driven through AccessKit with egui_kittest
//! over a fixture store (invented reports): one row per story with
//! "N outlets", expanding it, "Also reported by", marking a story read
//! (through a real service thread; no network: nothing is due), the
//! setting that turns story rows off, and the digest view.

use std::time::{Duration, Instant};

use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use khabar::fetch::Validators;
use khabar::model::{IncomingFeed, IncomingItem};
use khabar::store::{FetchRecord, Store};
use khabar::ui::{KhabarApp, Prefs};

const QUAKE: [(&str, &str); 3] = [
    (
        "Daily Lantern",
        "Earthquake of magnitude 6.1 strikes Quetta",
    ),
    (
        "Frontier Herald",
        "Quetta earthquake: magnitude 6.1 tremor kills 12",
    ),
    ("World Wire", "Strong earthquake hits Quetta, 12 dead"),
];

fn item(id: &str, title: &str, published: i64) -> IncomingItem {
    IncomingItem {
        identity: id.into(),
        title: title.into(),
        link: Some(format!("https://news.example/{id}")),
        published: Some(published),
        summary: Some(format!("<p>Summary of {title}. A second sentence.</p>")),
        ..Default::default()
    }
}

fn record(now: i64) -> FetchRecord {
    FetchRecord {
        fetched_at: now,
        // Nothing is due while the tests run: a service never polls.
        next_check_at: now + 86_400,
        validators: Validators::default(),
        new_url: None,
    }
}

/// Three outlets report one earthquake; two other articles stand alone.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("khabar.sqlite3")).unwrap();
    let now = khabar::model::now();
    for (n, (outlet, title)) in QUAKE.iter().enumerate() {
        let f = s
            .add_feed(
                &format!("https://outlet{n}.example/feed"),
                Some(outlet),
                None,
            )
            .unwrap();
        let mut quake = item(&format!("q{n}"), title, now - 600 + n as i64 * 60);
        // The same agency copy under each outlet's headline.
        quake.summary = Some(
            "<p>An earthquake of magnitude 6.1 struck Quetta on Sunday evening, killing 12 \
             people. Rescue teams from Karachi reached the city overnight. Schools stay shut.</p>"
                .into(),
        );
        let mut items = vec![quake];
        if n == 0 {
            items.push(item("a", "Ferry timetable changes for winter", now - 7200));
            items.push(item(
                "b",
                "Film festival opens with a silent classic",
                now - 9000,
            ));
        }
        let doc = IncomingFeed {
            title: Some(outlet.to_string()),
            items,
            ..Default::default()
        };
        s.apply_feed(f, &doc, &record(now)).unwrap();
    }
    dir
}

fn harness(app: KhabarApp) -> Harness<'static, KhabarApp> {
    Harness::builder()
        .with_size([1280.0, 800.0])
        .with_context_setup(khabar::ui::install_fonts)
        .build_ui_state(|ui, app: &mut KhabarApp| app.ui(ui), app)
}

fn app(dir: &tempfile::TempDir) -> KhabarApp {
    let ro = Store::open_read_only(&dir.path().join("khabar.sqlite3")).unwrap();
    KhabarApp::new(Some(ro), None, Prefs::default())
}

fn titles(h: &mut Harness<'static, KhabarApp>) -> Vec<String> {
    (0..h.state().headline_count())
        .filter_map(|i| h.state_mut().headline(i).map(|x| x.title.clone()))
        .collect()
}

#[test]
fn one_row_per_story_with_its_outlets_and_it_expands() {
    let d = fixture();
    let mut h = harness(app(&d));
    h.run();
    // Three reports of one event are one row; the other two stand alone.
    assert_eq!(h.state().headline_count(), 3, "{:?}", titles(&mut h));
    let quake_rows = titles(&mut h)
        .iter()
        .filter(|t| t.contains("Quetta"))
        .count();
    assert_eq!(quake_rows, 1);
    h.get_by_label_contains("· 3 outlets");
    // Unread counts per story: three stories, five articles.
    h.get_by_label("Unread  3");
    // Clicking the badge expands the row to each outlet's report.
    h.get_by_label("Show 3 outlets").click();
    h.run();
    // The row's own report is listed twice (the row and under it).
    let mut listed = 0;
    for (outlet, title) in QUAKE {
        let n = h
            .query_all_by_label_contains(&format!("{title}  {outlet}"))
            .count();
        assert!(n >= 1, "{title} listed under its story");
        listed += n;
    }
    assert_eq!(listed, 4);
    h.get_by_label("Hide 3 outlets").click();
    h.run();
    assert!(h.query_by_label("Hide 3 outlets").is_none(), "folded again");
    // The keyboard: open the story's row with j, Right expands, j walks
    // into its reports, Left folds.
    h.key_press(Key::J);
    h.run();
    h.key_press(Key::ArrowRight);
    h.run();
    h.get_by_label("Hide 3 outlets");
    let row_item = h.state().open.as_ref().unwrap().item.id;
    h.key_press(Key::J);
    h.run();
    h.key_press(Key::J);
    h.run();
    let child = h.state().open.as_ref().unwrap().item.clone();
    assert!(child.title.contains("Quetta") || child.title.contains("earthquake"));
    assert_ne!(child.id, row_item, "j walked into the story's reports");
    h.key_press(Key::ArrowLeft);
    h.run();
    h.get_by_label("Show 3 outlets");
}

#[test]
fn the_reader_lists_the_other_outlets_and_one_click_opens_one() {
    let d = fixture();
    let mut h = harness(app(&d));
    h.run();
    h.get_by_label_contains("· 3 outlets").click();
    h.run();
    h.get_by_label("Also reported by");
    let open = h.state().open.as_ref().unwrap().item.title.clone();
    let others: Vec<&str> = QUAKE
        .iter()
        .map(|(_, t)| *t)
        .filter(|t| *t != open)
        .collect();
    assert_eq!(others.len(), 2);
    for t in &others {
        h.get_by_label(t);
    }
    h.get_by_label(others[0]).click();
    h.run();
    assert_eq!(h.state().open.as_ref().unwrap().item.title, others[0]);
    // The story's first report is now among the others.
    h.get_by_label(open.as_str());
    // A lone article has no such list.
    h.get_by_label_contains("Ferry timetable changes for winter")
        .click();
    h.run();
    assert!(h.query_by_label("Also reported by").is_none());
}

#[test]
fn opening_a_story_marks_every_report_read_through_the_service() {
    let d = fixture();
    let db = d.path().join("khabar.sqlite3");
    let ctx = egui::Context::default();
    let service = khabar::service::spawn(
        khabar::service::ServiceConfig {
            data_dir: d.path().to_path_buf(),
            poll_on_start: false,
            fetch: khabar::fetch::FetchConfig::default(),
            articles: false,
            sync: Default::default(),
        },
        Box::new(move || ctx.request_repaint()),
    )
    .unwrap();
    let ro = Store::open_read_only(&db).unwrap();
    let mut h = harness(KhabarApp::new(Some(ro), Some(service), Prefs::default()));
    h.run();
    h.get_by_label("Unread  3");
    h.get_by_label_contains("· 3 outlets").click();
    h.run();
    // The service writes; the window sees it when the view is re-queried.
    let check = Store::open_read_only(&db).unwrap();
    let unread = || -> i64 {
        check
            .connection()
            .query_row(
                "SELECT count(*) FROM items WHERE read = 0 AND title LIKE '%uetta%'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    let t = Instant::now();
    while unread() > 0 && t.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
        h.run();
    }
    assert_eq!(unread(), 0, "all three reports read");
    let t = Instant::now();
    while h.query_by_label("Unread  2").is_none() && t.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
        h.run();
    }
    h.get_by_label("Unread  2");
    // m marks the story unread again: all three.
    h.key_press(Key::M);
    h.run();
    let t = Instant::now();
    while unread() < 3 && t.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
        h.run();
    }
    assert_eq!(unread(), 3);
}

#[test]
fn a_setting_turns_story_rows_off() {
    let d = fixture();
    let mut h = harness(app(&d));
    h.run();
    assert_eq!(h.state().headline_count(), 3);
    h.get_by_label("Settings").click();
    h.run();
    h.get_by_role_and_label(
        egui::accesskit::Role::CheckBox,
        "One row per story (the same event from several outlets)",
    )
    .click();
    h.run();
    assert_eq!(h.state().headline_count(), 5, "one row per article");
    assert!(h.query_by_label_contains("· 3 outlets").is_none());
    h.get_by_label("Unread  5");
    // Stored in the settings table, the list starts flat next time.
    {
        let s = Store::open(&d.path().join("khabar.sqlite3")).unwrap();
        s.set_story_rows(false).unwrap();
    }
    let mut h = harness(app(&d));
    h.run();
    assert_eq!(h.state().headline_count(), 5);
}

#[test]
fn the_digest_view_lists_the_story_with_its_outlets_and_opens_it() {
    let d = fixture();
    let mut h = harness(app(&d));
    h.run();
    h.get_by_label("While you were away").click();
    h.run();
    assert!(h.state().stories.digest.open);
    let digest = h.state().stories.digest.digest.clone().expect("loaded");
    assert_eq!(digest.stories.len(), 1, "one story told by several outlets");
    let e = &digest.stories[0];
    assert_eq!(e.outlets.len(), 3);
    h.get_by_label_contains("3 outlets: Daily Lantern, Frontier Herald, World Wire");
    // Its two-sentence lead (the feed's text: no article was saved).
    h.get_by_label_contains("Rescue teams from Karachi reached the city overnight.");
    assert!(!e.lead.contains("Schools"), "two sentences: {}", e.lead);
    h.get_by_label(e.headline.as_str()).click();
    h.run();
    assert!(!h.state().stories.digest.open, "the reader is back");
    assert_eq!(h.state().open.as_ref().unwrap().item.id, e.items[0].id);
}

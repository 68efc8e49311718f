//! Hostile text in the window's real state (egui_kittest over a store of
//! invented articles): direction controls that would make one title or
//! link pass itself off as another, and links whose text names a host
//! other than their target.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use khabar::extract::{Article, Block, Inline, Meta};
use khabar::fetch::Validators;
use khabar::model::{IncomingFeed, IncomingItem, ItemId};
use khabar::store::articles::{ArticleRecord, ArticleStatus};
use khabar::store::{FetchRecord, Store};
use khabar::ui::{KhabarApp, Prefs};

fn harness(app: KhabarApp) -> Harness<'static, KhabarApp> {
    Harness::builder()
        .with_size([1280.0, 800.0])
        .with_context_setup(khabar::ui::install_fonts)
        .build_ui_state(|ui, app: &mut KhabarApp| app.ui(ui), app)
}

/// A store with one outlet and one article per (title, blocks); returns
/// the folder (kept alive) and a read-only app over it.
fn store_with(articles: &[(&str, Vec<Block>)]) -> (tempfile::TempDir, KhabarApp) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("khabar.sqlite3");
    {
        let mut s = Store::open(&path).unwrap();
        let f = s
            .add_feed("http://127.0.0.1:9/feed", Some("Invented Wire"), None)
            .unwrap();
        let now = khabar::model::now();
        let items = articles
            .iter()
            .enumerate()
            .map(|(i, (title, _))| IncomingItem {
                identity: format!("h{i}"),
                title: (*title).into(),
                link: Some(format!("http://127.0.0.1:9/a{i}")),
                published: Some(now - 60 * (i as i64 + 1)),
                summary: Some("<p>Feed text.</p>".into()),
                ..Default::default()
            })
            .collect();
        let doc = IncomingFeed {
            title: Some("Invented Wire".into()),
            items,
            ..Default::default()
        };
        let rec = FetchRecord {
            fetched_at: now,
            next_check_at: now + 1800,
            validators: Validators::default(),
            new_url: None,
        };
        s.apply_feed(f, &doc, &rec).unwrap();
        for (i, (title, blocks)) in articles.iter().enumerate() {
            let id = ItemId(
                s.connection()
                    .query_row(
                        "SELECT id FROM items WHERE identity = ?1",
                        [format!("h{i}")],
                        |r| r.get(0),
                    )
                    .unwrap(),
            );
            s.save_article(
                id,
                &ArticleRecord {
                    status: ArticleStatus::Ok,
                    reason: None,
                    fetched_at: now,
                    url: Some(format!("http://127.0.0.1:9/a{i}")),
                    content_type: Some("text/html".into()),
                    extractor_version: khabar::extract::EXTRACTOR_VERSION,
                    document: Some(Article {
                        meta: Meta {
                            title: (*title).into(),
                            ..Default::default()
                        },
                        blocks: blocks.clone(),
                    }),
                    original: None,
                },
            )
            .unwrap();
        }
    }
    let ro = Store::open_read_only(&path).unwrap();
    (dir, KhabarApp::new(Some(ro), None, Prefs::default()))
}

/// The text of every galley painted this frame.
fn painted(h: &Harness<'_, KhabarApp>) -> Vec<String> {
    fn walk(s: &egui::Shape, out: &mut Vec<String>) {
        match s {
            egui::Shape::Vec(v) => v.iter().for_each(|s| walk(s, out)),
            egui::Shape::Text(t) if t.fallback_color != egui::Color32::TRANSPARENT => {
                out.push(t.galley.text().to_string());
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for c in &h.output().shapes {
        walk(&c.shape, &mut out);
    }
    out
}

fn para(inlines: Vec<Inline>) -> Block {
    Block::Paragraph { inlines }
}

fn text(t: &str) -> Inline {
    Inline::Text { text: t.into() }
}

fn link(t: &str, href: &str) -> Inline {
    Inline::Link {
        text: t.into(),
        href: href.into(),
    }
}

#[test]
fn direction_controls_do_not_reorder_titles_or_links_in_the_window() {
    // Urdu text makes these go through the bidi layout, which would apply
    // U+202E (and the isolates) and paint "bank.example" as "elpmaxe.knab".
    let title = "خبر \u{202E}bank.example\u{202C} اردو";
    let body = "لاہور \u{2067}bank.example\u{2069} میں";
    let (_d, app) = store_with(&[(
        title,
        vec![para(vec![
            text(body),
            text(" "),
            link("\u{202E}news.example", "http://news.example/"),
        ])],
    )]);
    let mut h = harness(app);
    h.run();
    // The headline row and the sidebar: no reversed host painted.
    let shown = painted(&h);
    assert!(
        shown.iter().any(|t| t.contains("bank.example")),
        "{shown:?}"
    );
    h.get_by_label_contains("bank.example").click();
    h.run();
    assert!(h.state().open.is_some());
    let shown = painted(&h);
    for reversed in ["elpmaxe.knab", "elpmaxe.swen"] {
        assert!(
            !shown.iter().any(|t| t.contains(reversed)),
            "{reversed} painted: {shown:?}"
        );
    }
    assert!(
        shown.iter().filter(|t| t.contains("bank.example")).count() >= 2,
        "title and body show the host as written: {shown:?}"
    );
    assert!(
        shown.iter().any(|t| t.contains("news.example")),
        "{shown:?}"
    );
    // No control character reaches the painter.
    assert!(
        !shown
            .iter()
            .any(|t| t.chars().any(khabar::bidi::is_direction_control)),
        "{shown:?}"
    );
}

#[test]
fn a_link_naming_another_host_shows_the_real_host() {
    let (_d, app) = store_with(&[(
        "Bank notice",
        vec![
            para(vec![
                text("Sign in at "),
                link("bank.example", "https://evil.example/login"),
                text(" today."),
            ]),
            para(vec![
                text("Read "),
                link("the full report", "https://evil.example/r"),
                text(" or visit "),
                link("www.wire.example", "https://wire.example/home"),
                text("."),
            ]),
            // Right to left: the bidi layout gets the tag too.
            para(vec![
                text("لاہور میں "),
                link("bank.example", "https://evil.example/ur"),
            ]),
        ],
    )]);
    let mut h = harness(app);
    h.run();
    h.get_by_label_contains("Bank notice").click();
    h.run();
    h.get_by_label("Sign in at bank.example (goes to evil.example) today.");
    // Links that name no host, or their own, get no tag.
    h.get_by_label("Read the full report or visit www.wire.example.");
    h.get_by_label("لاہور میں bank.example (goes to evil.example)");
}

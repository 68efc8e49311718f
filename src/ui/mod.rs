//! The egui window: sources | headlines | reader.
//!
//! The UI holds a read-only store connection and a
//! [`ServiceHandle`](crate::service::ServiceHandle). It
//! sends commands (poll now, mark read, star, add feed, OPML) and drains
//! events each frame; the service wakes it with `request_repaint`. Queries
//! run only when an event says data changed or the user changed the view,
//! never per frame, and the headline list is virtualised with `show_rows`.
//!
//! One module per thing the user sees:
//!
//! | module | owns |
//! |---|---|
//! | `app` | state, commands to the service, events, keys, the frame's layout |
//! | `view` | the view queries (on a worker), row loading, the start-up scene |
//! | `bars` | the top bar and the status bar |
//! | `sidebar` | sources, topics, languages, feeds |
//! | `headlines` | the headline list |
//! | `stories` | story rows ("N outlets", expanding), "Also reported by", per-story read and counts |
//! | `digest` | the "While you were away" view |
//! | [`reader`] | the reader pane and article layout |
//! | [`dialogs`] | add feed, OPML, settings, topic, help: one file each |
//! | `text` | fonts and short text |
//! | [`bidi`] | right-to-left text: measuring and painting |
//! | `guide` | empty states, the welcome, trouble badges, the way to the demo |
//! | [`icons`] | outlets' icons decoded on a worker |
//! | `images` | article images decoded on a worker |
//! | `notify` | desktop notifications |

mod app;
mod bars;
pub mod bidi;
pub mod dialogs;
mod digest;
mod guide;
mod headlines;
pub mod icons;
mod images;
mod notify;
pub mod reader;
mod sidebar;
pub mod stories;
mod text;
mod view;

use std::path::PathBuf;

pub use app::{KhabarApp, Open, PollStatus, Prefs, Scene, Source};
pub use guide::{DemoLauncher, spawn_demo};
pub use images::Images;
pub use text::{install_fonts, relative};
pub use view::ViewData;

use crate::service::{self, ServiceConfig};
use crate::store::Store;

/// Opens the window on the store in `data_dir`. `app_name` keys the saved
/// window state (the demo keeps its own).
pub fn run(data_dir: PathBuf, app_name: &str, scene: Scene) -> eframe::Result<()> {
    run_with(data_dir, app_name, scene, None)
}

/// [`run`], serving later starts' requests (raise, subscribe) through
/// `instance`: the caller has claimed the store with
/// [`instance::claim`](crate::instance::claim).
pub fn run_with(
    data_dir: PathBuf,
    app_name: &str,
    scene: Scene,
    instance: Option<crate::instance::Primary>,
) -> eframe::Result<()> {
    // Create and migrate the database before anyone reads it (a one-off
    // rebuild a migration asks for runs on the service thread instead).
    let db = data_dir.join(crate::store::DB_FILE);
    let first_run = !db.exists();
    let store = Store::open_schema_only(&db);
    if let (Ok(store), true) = (&store, first_run) {
        // A new profile starts with the default world-news feeds.
        let defaults = include_str!("../../assets/default-feeds.opml");
        if let Ok(entries) = crate::opml::parse(defaults) {
            for e in entries {
                let _ = store.add_feed(&e.url, e.title.as_deref(), e.folder.as_deref());
            }
        }
    }
    drop(store);
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Khabar")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([720.0, 420.0]),
        persist_window: true,
        ..Default::default()
    };
    eframe::run_native(
        app_name,
        options,
        Box::new(move |cc| {
            let prefs: Prefs = cc
                .storage
                .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
                .unwrap_or_default();
            match scene.dark.or(prefs.dark) {
                Some(true) => cc.egui_ctx.set_theme(egui::Theme::Dark),
                Some(false) => cc.egui_ctx.set_theme(egui::Theme::Light),
                None => cc.egui_ctx.set_theme(egui::ThemePreference::System),
            }
            install_fonts(&cc.egui_ctx);
            let ctx = cc.egui_ctx.clone();
            let service = service::spawn(
                ServiceConfig {
                    data_dir: data_dir.clone(),
                    poll_on_start: true,
                    fetch: crate::fetch::FetchConfig::default(),
                    articles: true,
                    sync: Default::default(),
                },
                Box::new(move || ctx.request_repaint()),
            )
            .ok();
            let store = Store::open_read_only(&db).ok();
            let mut app = KhabarApp::new(store, service, prefs);
            if !scene.demo {
                app.set_demo_launcher(Some(Box::new(spawn_demo)));
            }
            if scene.topic.is_some()
                || scene.open.is_some()
                || scene.dialog.is_some()
                || scene.subscribe.is_some()
            {
                app.scene = Some(scene);
            }
            app.images_dir = Some(data_dir.join("images"));
            app.db_path = Some(db.clone());
            app.sync_queries = false;
            app.repaint = Some(cc.egui_ctx.clone());
            if let Some(primary) = instance {
                // Requests arrive on the instance thread; the frame drains
                // them (no waiting on the UI thread).
                let (tx, rx) = std::sync::mpsc::channel();
                let wake = cc.egui_ctx.clone();
                let serving = primary.serve(move |req| {
                    let _ = tx.send(req);
                    wake.request_repaint();
                });
                match serving {
                    Ok(serving) => {
                        app.requests = Some(rx);
                        app.instance = Some(serving);
                    }
                    // The window still works; later starts will say it did
                    // not answer.
                    Err(e) => app.message = Some((format!("cannot serve later starts: {e}"), true)),
                }
            }
            app.configure();
            Ok(Box::new(app))
        }),
    )
}

//! The application's state and what it does: the preferences, the start-up
//! scene, the open article, poll status; commands to the service (mark
//! read, star, poll, configure); the service's events drained each frame;
//! the keyboard; and the frame itself, which lays out the panes (each pane
//! lives in its own module: `bars`, `sidebar`, `headlines`, `reader`,
//! `dialogs`).

use std::collections::HashMap;
use std::path::PathBuf;

use egui::Key;
use serde::{Deserialize, Serialize};

use super::dialogs::topic::TopicDraft;
use super::images::Images;
use super::notify;
use super::view::ViewData;
use crate::model::{Feed, FeedId, Headline, Item, ItemId};
use crate::service::{Command, Event, ServiceHandle};
use crate::store::Store;
use crate::store::articles::StoredArticle;

/// What the headline list shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Source {
    /// Everything.
    #[default]
    All,
    /// Unread only.
    Unread,
    /// Starred only.
    Starred,
    /// Published since midnight.
    Today,
    /// One feed.
    Feed(i64),
    /// One folder.
    Folder(String),
    /// A followed topic's hits.
    Topic(i64),
    /// Articles in one language (two-letter code).
    Lang(String),
}

/// A view to open at start-up (screenshots, demos): applied once the data
/// it names has loaded.
#[derive(Debug, Clone, Default)]
pub struct Scene {
    /// Show this topic's articles (by name).
    pub topic: Option<String>,
    /// Open the first headline whose title contains this.
    pub open: Option<String>,
    /// Force the dark (true) or light (false) theme.
    pub dark: Option<bool>,
    /// Open a dialog: `add-feed`, `settings`, `opml`, `topic`, `help`.
    pub dialog: Option<String>,
    /// Open the add-feed dialog filled with this URL (`khabar subscribe`).
    pub subscribe: Option<String>,
    /// This window is the demo newsroom (it does not offer the demo).
    pub demo: bool,
}

/// Preferences that persist between runs.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    /// Selected source.
    pub source: Source,
    /// Selected article.
    pub selected: Option<i64>,
    /// Theme: None follows the system.
    pub dark: Option<bool>,
    /// Reader font size.
    pub font_size: f32,
    /// Mark articles read when opened.
    pub mark_read_on_open: bool,
    /// Minutes between checks of a feed (at least 10).
    pub poll_minutes: u32,
    /// Largest image to cache, MB.
    pub image_cap_mb: u32,
    /// Most image data per article, MB.
    pub article_images_cap_mb: u32,
    /// Desktop notifications for new articles in followed topics.
    pub notifications: bool,
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs {
            source: Source::All,
            selected: None,
            dark: None,
            font_size: 17.0,
            mark_read_on_open: true,
            poll_minutes: 30,
            image_cap_mb: 5,
            article_images_cap_mb: 20,
            notifications: true,
        }
    }
}

/// Poll progress as the status bar shows it.
#[derive(Debug, Clone, Default)]
pub struct PollStatus {
    /// A poll is running.
    pub running: bool,
    /// Feeds done.
    pub done: usize,
    /// Feeds in the poll.
    pub total: usize,
    /// Articles saved.
    pub articles: usize,
    /// Last poll finished at.
    pub last: Option<i64>,
    /// The network looks down.
    pub offline: bool,
}

/// The open article.
#[derive(Debug, Clone)]
pub struct Open {
    /// The item.
    pub item: Item,
    /// Its stored article, if any.
    pub article: Option<StoredArticle>,
    /// Show the feed's text instead of the article.
    pub feed_text: bool,
    /// Cached image hash for each image URL of the article.
    pub image_hashes: HashMap<String, String>,
    /// Why an image URL of the article was not kept.
    pub image_refusals: HashMap<String, String>,
}

/// The application.
pub struct KhabarApp {
    /// Persisted preferences.
    pub prefs: Prefs,
    pub(super) store: Option<Store>,
    pub(super) service: Option<ServiceHandle>,
    /// Feeds, sorted by folder and title.
    pub feeds: Vec<Feed>,
    pub(super) unread: HashMap<FeedId, i64>,
    pub(super) counts: (i64, i64, i64, i64),
    /// Ids of the current source's headlines, newest first.
    pub(super) ids: Vec<ItemId>,
    /// Matches of the search (more than `ids` when only the newest are listed).
    pub(super) matches: i64,
    /// Loaded headline rows (only those that have been on screen).
    pub(super) rows: HashMap<ItemId, Headline>,
    /// Summary lines of the loaded rows (loaded with them).
    pub(super) leads: HashMap<ItemId, String>,
    /// Where to open a second read-only connection for the id list.
    pub db_path: Option<PathBuf>,
    /// Run view queries on the UI thread (tests); else on a worker.
    pub sync_queries: bool,
    pub(super) ids_rx: Option<std::sync::mpsc::Receiver<ViewData>>,
    pub(super) view_generation: u64,
    /// The open article.
    pub open: Option<Open>,
    /// Poll progress.
    pub status: PollStatus,
    /// Last message for the user (text, is_error).
    pub message: Option<(String, bool)>,
    /// The search box.
    pub search: String,
    pub(super) focus_search: bool,
    /// The help overlay is shown.
    pub show_help: bool,
    pub(super) add_open: bool,
    /// The settings dialog is shown.
    pub settings_open: bool,
    /// The OPML dialog is shown.
    pub opml_open: bool,
    pub(super) opml_path: String,
    pub(super) focus_add: bool,
    pub(super) add_url: String,
    pub(super) dirty: bool,
    pub(super) scroll_to_selected: bool,
    /// Folder of cached images.
    pub images_dir: Option<PathBuf>,
    pub(super) images: Images,
    pub(super) repaint: Option<egui::Context>,
    /// Topics, by name, with their counts.
    pub topics: Vec<crate::topics::Topic>,
    pub(super) suggestions: Vec<crate::topics::suggest::Suggestion>,
    /// Languages with (articles, unread).
    pub(super) langs: Vec<(String, i64, i64)>,
    /// The follow/edit topic dialog, when open.
    pub topic_draft: Option<TopicDraft>,
    /// Normal forms of the words to highlight (sorted): the open topic's
    /// and the search's.
    pub highlight: Vec<String>,
    /// Why the search box's query cannot be used.
    pub search_error: Option<crate::topics::QueryError>,
    /// A start-up view still waiting for its data.
    pub scene: Option<Scene>,
    /// Empty states and the first-run welcome.
    pub(super) guide: super::guide::Guide,
    /// Outlets' icons.
    pub icons: super::icons::Icons,
    /// Requests from later starts (`khabar`, `khabar subscribe URL`).
    pub requests: Option<std::sync::mpsc::Receiver<crate::instance::Request>>,
    /// Serves those requests while the window lives.
    pub(super) instance: Option<crate::instance::Serving>,
    /// Come to the front on the next frame.
    pub(super) raise: bool,
    /// Story rows, their expansion, "Also reported by", the digest view.
    pub stories: super::stories::StoryView,
    /// Settings → Accounts, and every sync account's state.
    pub accounts: super::dialogs::accounts::Accounts,
}

impl KhabarApp {
    /// An app over a read-only store and a service (either may be absent in tests).
    pub fn new(store: Option<Store>, service: Option<ServiceHandle>, prefs: Prefs) -> KhabarApp {
        let mut app = KhabarApp {
            prefs,
            store,
            service,
            feeds: Vec::new(),
            unread: HashMap::new(),
            counts: (0, 0, 0, 0),
            ids: Vec::new(),
            matches: 0,
            rows: HashMap::new(),
            leads: HashMap::new(),
            db_path: None,
            sync_queries: true,
            ids_rx: None,
            view_generation: 0,
            open: None,
            status: PollStatus::default(),
            message: None,
            search: String::new(),
            focus_search: false,
            show_help: false,
            add_open: false,
            settings_open: false,
            opml_open: false,
            opml_path: String::new(),
            focus_add: false,
            add_url: String::new(),
            dirty: true,
            scroll_to_selected: true,
            images_dir: None,
            images: Images::default(),
            repaint: None,
            topics: Vec::new(),
            suggestions: Vec::new(),
            langs: Vec::new(),
            topic_draft: None,
            highlight: Vec::new(),
            search_error: None,
            scene: None,
            guide: Default::default(),
            icons: Default::default(),
            requests: None,
            instance: None,
            raise: false,
            stories: Default::default(),
            accounts: Default::default(),
        };
        // The first frame runs the view queries (see `ui`), so that the
        // window shows before a large list has loaded.
        if let Some(id) = app.prefs.selected {
            app.load_open(ItemId(id));
        }
        app
    }

    pub(super) fn send(&self, c: Command) {
        if let Some(s) = &self.service {
            s.send(c);
        }
    }

    /// Number of headlines in the current view.
    pub fn headline_count(&self) -> usize {
        self.ids.len()
    }

    /// The headline at `index`, loading it if it has not been shown yet.
    pub fn headline(&mut self, index: usize) -> Option<&Headline> {
        self.ensure_rows(index..index + 1);
        let id = *self.ids.get(index)?;
        self.rows.get(&id)
    }

    pub(super) fn load_open(&mut self, id: ItemId) {
        let Some(store) = &self.store else { return };
        match store.item(id) {
            Ok(item) => {
                let article = store.article(id).ok().flatten();
                let mut image_hashes = HashMap::new();
                if let Some(doc) = article.as_ref().and_then(|a| a.document.as_ref()) {
                    for url in crate::articles::image_urls(doc) {
                        if let Ok(Some((hash, _))) = store.image_for(id, &url) {
                            image_hashes.insert(url, hash);
                        }
                    }
                }
                let image_refusals = store
                    .image_refusals(id)
                    .map(|v| v.into_iter().collect())
                    .unwrap_or_default();
                self.open = Some(Open {
                    item,
                    article,
                    feed_text: false,
                    image_hashes,
                    image_refusals,
                });
                self.prefs.selected = Some(id.0);
                self.load_also(id);
            }
            Err(_) => self.open = None,
        }
    }

    /// Opens the headline at `index`.
    pub fn select_index(&mut self, index: usize) {
        let Some(h) = self.headline(index).cloned() else {
            return;
        };
        self.load_open(h.id);
        self.scroll_to_selected = true;
        // Opening a story's row reads the story: all its reports.
        if self.prefs.mark_read_on_open && self.row_unread(index).unwrap_or(!h.read) {
            self.set_row_read(index, true);
        }
    }

    pub(super) fn selected_index(&self) -> Option<usize> {
        let id = self.prefs.selected?;
        self.ids.iter().position(|h| h.0 == id)
    }

    pub(super) fn set_read(&mut self, index: usize, read: bool) {
        self.ensure_rows(index..index + 1);
        let Some(h) = self.ids.get(index).and_then(|id| self.rows.get_mut(id)) else {
            return;
        };
        h.read = read;
        let id = h.id;
        self.send(Command::SetRead(id, read));
    }

    pub(super) fn toggle_star(&mut self) {
        let Some(i) = self.selected_index() else {
            return;
        };
        self.ensure_rows(i..i + 1);
        let Some(h) = self.ids.get(i).and_then(|id| self.rows.get_mut(id)) else {
            return;
        };
        h.starred = !h.starred;
        let (id, on) = (h.id, h.starred);
        self.send(Command::SetStarred(id, on));
    }

    /// Moves the selection by `delta` rows.
    pub fn step(&mut self, delta: i64) {
        if self.stories.expanded.is_some() {
            self.step_lines(delta);
            return;
        }
        if self.ids.is_empty() {
            return;
        }
        let next = match self.selected_index() {
            Some(i) => (i as i64 + delta).clamp(0, self.ids.len() as i64 - 1) as usize,
            None => 0,
        };
        self.select_index(next);
    }

    pub(super) fn next_unread(&mut self) {
        let start = self.selected_index().map_or(0, |i| i + 1);
        // Look ahead in chunks, loading rows as needed (bounded).
        let mut from = start;
        while from < self.ids.len() && from < start + 20_000 {
            let to = (from + 200).min(self.ids.len());
            self.ensure_rows(from..to);
            if let Some(i) = (from..to).find(|&i| self.row_unread(i) == Some(true)) {
                self.select_index(i);
                return;
            }
            from = to;
        }
    }

    /// Switches the headline list to `source`.
    pub fn set_source(&mut self, source: Source) {
        if self.prefs.source != source {
            self.prefs.source = source;
            self.refresh();
        }
    }

    /// Takes a later start's request: come to the front, with the add-feed
    /// dialog filled in for a feed link.
    pub fn handle_request(&mut self, request: crate::instance::Request) {
        self.raise = true;
        if let crate::instance::Request::Subscribe(url) = request {
            self.add_open = true;
            self.focus_add = true;
            self.add_url = url;
        }
    }

    pub(super) fn drain_events(&mut self) {
        self.receive_ids();
        while let Some(req) = self.requests.as_ref().and_then(|rx| rx.try_recv().ok()) {
            self.handle_request(req);
        }
        self.receive_digest();
        let Some(service) = &self.service else { return };
        let mut changed = false;
        while let Ok(ev) = service.events.try_recv() {
            match ev {
                Event::PollStarted { feeds } => {
                    self.status.running = true;
                    self.status.done = 0;
                    self.status.total = feeds;
                    self.status.articles = 0;
                }
                Event::Progress {
                    feeds_done,
                    feeds,
                    articles,
                } => {
                    self.status.done = feeds_done;
                    self.status.total = feeds;
                    self.status.articles = articles;
                }
                Event::PollFinished { at, .. } => {
                    self.status.running = false;
                    self.status.last = Some(at);
                }
                Event::DataChanged => changed = true,
                Event::Offline(off) => {
                    self.status.offline = off;
                    self.status.running = false;
                }
                Event::Done(m) => self.message = Some((m, false)),
                Event::Failed(m) => self.message = Some((m, true)),
                Event::SyncStatus(list) => {
                    self.accounts.list = list;
                    changed = true;
                }
                Event::AccountAdded {
                    url,
                    username,
                    message,
                } => {
                    self.accounts.added(&url, &username);
                    self.message = Some((message, false));
                }
                Event::AccountRefused {
                    url,
                    username,
                    reason,
                    detail,
                } => self.accounts.refused(&url, &username, reason, detail),
                Event::NewHits(hits) => {
                    if self.prefs.notifications {
                        notify::notify(&hits);
                    }
                }
            }
        }
        if changed {
            self.dirty = true;
        }
        if self.dirty {
            self.refresh();
        }
    }

    pub(super) fn keys(&mut self, ctx: &egui::Context) {
        if ctx.memory(|m| m.focused().is_some()) {
            if ctx.input(|i| i.key_pressed(Key::Escape)) {
                ctx.memory_mut(|m| m.stop_text_input());
            }
            return;
        }
        let pressed = |k: Key| ctx.input(|i| i.key_pressed(k) && i.modifiers.is_none());
        if pressed(Key::J) {
            self.step(1);
        }
        if pressed(Key::K) {
            self.step(-1);
        }
        if pressed(Key::N) {
            self.next_unread();
        }
        if pressed(Key::M)
            && let Some(i) = self.selected_index()
        {
            self.ensure_rows(i..i + 1);
            let unread = self.row_unread(i).unwrap_or(false);
            self.set_row_read(i, unread);
        }
        if pressed(Key::ArrowRight)
            && let Some(i) = self.selected_index()
            && self.stories.expanded.as_ref().is_none_or(|e| e.row != i)
        {
            self.expand_story(i);
        }
        if pressed(Key::ArrowLeft) {
            self.stories.expanded = None;
            self.scroll_to_selected = true;
        }
        if pressed(Key::S) {
            self.toggle_star();
        }
        if pressed(Key::O)
            && let Some(link) = self.open.as_ref().and_then(|o| o.item.link.clone())
        {
            ctx.open_url(egui::OpenUrl::new_tab(link));
        }
        if pressed(Key::R) {
            self.send(Command::PollNow);
        }
        if pressed(Key::Slash) {
            self.focus_search = true;
        }
        if ctx.input(|i| i.key_pressed(Key::Questionmark)) {
            self.show_help = !self.show_help;
        }
        if pressed(Key::Escape) {
            self.show_help = false;
            self.add_open = false;
            self.settings_open = false;
            self.opml_open = false;
            self.accounts.open = false;
            self.topic_draft = None;
        }
    }

    /// Draws the whole window.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        // Events first (the service's answers, the view worker's results).
        self.drain_events();
        if self.dirty {
            self.refresh();
        }
        let ctx = ui.ctx().clone();
        self.icons.receive(&ctx);
        if std::mem::take(&mut self.raise) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Minimized(false));
            ctx.send_viewport_cmd(egui::ViewportCommand::Focus);
            ctx.send_viewport_cmd(egui::ViewportCommand::RequestUserAttention(
                egui::UserAttentionType::Informational,
            ));
        }
        self.keys(&ctx);
        self.top_bar(ui);
        self.status_bar(ui);
        egui::Panel::left("sources")
            .default_size(230.0)
            .show(ui, |ui| self.sources(ui));
        egui::Panel::left("headlines")
            .default_size(380.0)
            .show(ui, |ui| self.headline_list(ui));
        egui::CentralPanel::default().show(ui, |ui| {
            if self.stories.digest.open {
                self.digest_pane(ui);
            } else {
                self.reader_pane(ui);
            }
        });
        self.dialogs(&ctx);
    }

    /// Sends the settings to the service.
    pub fn configure(&self) {
        self.send(Command::Configure {
            poll_minutes: self.prefs.poll_minutes,
            image_cap_mb: self.prefs.image_cap_mb,
            article_images_cap_mb: self.prefs.article_images_cap_mb,
        });
    }
}

impl eframe::App for KhabarApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        KhabarApp::ui(self, ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.prefs);
    }
}

//! The egui window: sources | headlines | reader.
//!
//! The UI holds a read-only store connection and a [`ServiceHandle`]. It
//! sends commands (poll now, mark read, star, add feed, OPML) and drains
//! events in [`eframe::App::logic`]; the service wakes it with
//! `request_repaint`. Queries run only when an event says data changed or
//! the user changed the view, never per frame, and the headline list is
//! virtualised with `show_rows`.

pub mod bidi;
pub mod reader;
pub mod topics;

use std::collections::HashMap;
use std::path::PathBuf;

use egui::{Key, RichText};
use serde::{Deserialize, Serialize};

use crate::model::{self, Feed, FeedId, Headline, Item, ItemId};
use crate::service::{self, Command, Event, ServiceConfig, ServiceHandle};
use crate::store::articles::StoredArticle;
use crate::store::{HeadlineFilter, Store};

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

/// What one view query returns: the sidebar and the headline ids.
#[derive(Debug, Default)]
pub struct ViewData {
    generation: u64,
    feeds: Vec<Feed>,
    unread: HashMap<FeedId, i64>,
    counts: (i64, i64, i64, i64),
    ids: Vec<ItemId>,
    matches: i64,
    topics: Vec<crate::topics::Topic>,
    suggestions: Vec<crate::topics::suggest::Suggestion>,
    langs: Vec<(String, i64, i64)>,
    error: Option<String>,
}

fn view_data(store: &Store, filter: &HeadlineFilter, today: i64, generation: u64) -> ViewData {
    let mut v = ViewData {
        generation,
        ..Default::default()
    };
    let r = (|| -> Result<(), crate::error::StoreError> {
        v.feeds = store.feeds()?;
        v.unread = store.unread_by_feed()?;
        v.counts = store.counts(today)?;
        (v.ids, v.matches) = store.search_ids(filter)?;
        v.topics = store.topics()?;
        v.langs = store.languages()?;
        v.suggestions = store.suggested_topics(model::now(), 8)?;
        Ok(())
    })();
    v.error = r.err().map(|e| e.to_string());
    v
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

/// Decoded images of the open article, as textures.
#[derive(Default)]
pub struct Images {
    textures: HashMap<String, Option<egui::TextureHandle>>,
    /// Why a cached file could not be shown, by hash.
    failed: HashMap<String, String>,
    tx: Option<ImageSender>,
    rx: Option<std::sync::mpsc::Receiver<(String, Result<egui::ColorImage, String>)>>,
}

type ImageSender = std::sync::mpsc::Sender<(String, Result<egui::ColorImage, String>)>;

/// Longest texture side the window asks for, below the GPU's own maximum:
/// a 4096 x 1000 picture is 16 MB of texture, enough for a reading column.
pub const WINDOW_TEXTURE_SIDE: usize = 4096;

impl Images {
    /// Why the file for `hash` cannot be shown, once its decode failed.
    pub fn failure(&self, hash: &str) -> Option<&str> {
        self.failed.get(hash).map(String::as_str)
    }

    /// The texture for `hash`, decoding the cached file on a worker thread the
    /// first time (the UI thread never reads or decodes files). The decode
    /// is capped at the GPU's real maximum texture side (and lower, for
    /// memory), and one decode runs at a time (`images::decode_for_display`).
    pub fn get(
        &mut self,
        ctx: &egui::Context,
        dir: &std::path::Path,
        hash: &str,
    ) -> Option<egui::TextureHandle> {
        if let Some(rx) = &self.rx {
            while let Ok((h, img)) = rx.try_recv() {
                let tex = match img {
                    Ok(i) => {
                        Some(ctx.load_texture(format!("img-{h}"), i, egui::TextureOptions::LINEAR))
                    }
                    Err(reason) => {
                        self.failed.insert(h.clone(), reason);
                        None
                    }
                };
                self.textures.insert(h, tex);
            }
        }
        if let Some(t) = self.textures.get(hash) {
            return t.clone();
        }
        if self.tx.is_none() {
            let (tx, rx) = std::sync::mpsc::channel();
            self.tx = Some(tx);
            self.rx = Some(rx);
        }
        self.textures.insert(hash.to_string(), None);
        let side = ctx
            .input(|i| i.max_texture_side)
            .clamp(256, WINDOW_TEXTURE_SIDE) as u32;
        if let Some(tx) = self.tx.clone() {
            let path = crate::articles::image_path(dir, hash);
            let (h, ctx) = (hash.to_string(), ctx.clone());
            let _ = std::thread::Builder::new()
                .name("khabar-image".into())
                .spawn(move || {
                    let img = std::fs::read(&path)
                        .map_err(|e| format!("cannot read the cached file: {e}"))
                        .and_then(|b| {
                            crate::images::decode_for_display(&b, side).map_err(|e| e.to_string())
                        })
                        .map(|rgba| {
                            egui::ColorImage::from_rgba_unmultiplied(
                                [rgba.width() as usize, rgba.height() as usize],
                                rgba.as_raw(),
                            )
                        });
                    let _ = tx.send((h, img));
                    ctx.request_repaint();
                });
        }
        None
    }
}

/// The application.
pub struct KhabarApp {
    /// Persisted preferences.
    pub prefs: Prefs,
    store: Option<Store>,
    service: Option<ServiceHandle>,
    /// Feeds, sorted by folder and title.
    pub feeds: Vec<Feed>,
    unread: HashMap<FeedId, i64>,
    counts: (i64, i64, i64, i64),
    /// Ids of the current source's headlines, newest first.
    ids: Vec<ItemId>,
    /// Matches of the search (more than `ids` when only the newest are listed).
    matches: i64,
    /// Loaded headline rows (only those that have been on screen).
    rows: HashMap<ItemId, Headline>,
    /// Where to open a second read-only connection for the id list.
    pub db_path: Option<PathBuf>,
    /// Run view queries on the UI thread (tests); else on a worker.
    pub sync_queries: bool,
    ids_rx: Option<std::sync::mpsc::Receiver<ViewData>>,
    view_generation: u64,
    /// The open article.
    pub open: Option<Open>,
    /// Poll progress.
    pub status: PollStatus,
    /// Last message for the user (text, is_error).
    pub message: Option<(String, bool)>,
    /// The search box.
    pub search: String,
    focus_search: bool,
    /// The help overlay is shown.
    pub show_help: bool,
    add_open: bool,
    /// The settings dialog is shown.
    pub settings_open: bool,
    /// The OPML dialog is shown.
    pub opml_open: bool,
    opml_path: String,
    focus_add: bool,
    add_url: String,
    dirty: bool,
    scroll_to_selected: bool,
    /// Folder of cached images.
    pub images_dir: Option<PathBuf>,
    images: Images,
    repaint: Option<egui::Context>,
    /// Topics, by name, with their counts.
    pub topics: Vec<crate::topics::Topic>,
    suggestions: Vec<crate::topics::suggest::Suggestion>,
    /// Languages with (articles, unread).
    langs: Vec<(String, i64, i64)>,
    /// The follow/edit topic dialog, when open.
    pub topic_draft: Option<topics::TopicDraft>,
    /// Normal forms of the words to highlight (sorted): the open topic's
    /// and the search's.
    pub highlight: Vec<String>,
    /// Why the search box's query cannot be used.
    pub search_error: Option<crate::topics::QueryError>,
    /// A start-up view still waiting for its data.
    pub scene: Option<Scene>,
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
        };
        // The first frame runs the view queries (see `ui`), so that the
        // window shows before a large list has loaded.
        if let Some(id) = app.prefs.selected {
            app.load_open(ItemId(id));
        }
        app
    }

    fn send(&self, c: Command) {
        if let Some(s) = &self.service {
            s.send(c);
        }
    }

    /// Re-queries the sidebar and the headline list.
    pub fn refresh(&mut self) {
        self.dirty = false;
        let Some(store) = &self.store else { return };
        let today = {
            let now = chrono::Local::now();
            now.date_naive()
                .and_hms_opt(0, 0, 0)
                .and_then(|d| d.and_local_timezone(chrono::Local).single())
                .map_or(model::now() - 86_400, |d| d.timestamp())
        };
        // No limit: the id list covers the whole view. A search that does
        // not parse is shown under the box and not applied.
        let search = match crate::topics::query::parse(&self.search) {
            Ok(expr) => {
                self.search_error = None;
                Some(expr)
            }
            Err(e) => {
                self.search_error = (!self.search.trim().is_empty()).then_some(e);
                None
            }
        };
        let mut filter = HeadlineFilter {
            search: search.is_some().then(|| self.search.clone()),
            ..Default::default()
        };
        let mut highlight = search.map(|e| e.positive_tokens()).unwrap_or_default();
        match &self.prefs.source {
            Source::All => {}
            Source::Unread => filter.unread_only = true,
            Source::Starred => filter.starred_only = true,
            Source::Today => filter.since = Some(today),
            Source::Feed(id) => filter.feed = Some(FeedId(*id)),
            Source::Folder(f) => filter.folder = Some(f.clone()),
            Source::Lang(l) => filter.lang = Some(l.clone()),
            Source::Topic(id) => {
                filter.topic = Some(crate::topics::TopicId(*id));
                if let Some(expr) = self
                    .topics
                    .iter()
                    .find(|t| t.id.0 == *id)
                    .and_then(|t| crate::topics::query::parse(&t.spec.query).ok())
                {
                    highlight.extend(expr.positive_tokens());
                }
            }
        }
        highlight.sort();
        highlight.dedup();
        self.highlight = highlight;
        self.rows.clear();
        self.view_generation += 1;
        match (&self.db_path, self.sync_queries) {
            (Some(path), false) => {
                // A million articles take a moment, and the service may be
                // writing: run the view's queries on a worker with its own
                // read-only connection, so the UI thread never waits.
                let (tx, rx) = std::sync::mpsc::channel();
                self.ids_rx = Some(rx);
                let (path, generation) = (path.clone(), self.view_generation);
                let ctx = self.repaint.clone();
                let _ = std::thread::Builder::new()
                    .name("khabar-view".into())
                    .spawn(move || {
                        if let Ok(s) = Store::open_read_only(&path) {
                            let _ = tx.send(view_data(&s, &filter, today, generation));
                        }
                        if let Some(ctx) = ctx {
                            ctx.request_repaint();
                        }
                    });
            }
            _ => {
                let v = view_data(store, &filter, today, self.view_generation);
                self.apply_view(v);
            }
        }
    }

    fn apply_view(&mut self, v: ViewData) {
        if v.generation != self.view_generation {
            return;
        }
        self.feeds = v.feeds;
        self.unread = v.unread;
        self.counts = v.counts;
        self.ids = v.ids;
        self.matches = v.matches;
        let topics_changed = self.topics != v.topics;
        self.topics = v.topics;
        self.suggestions = v.suggestions;
        self.langs = v.langs;
        self.rows.clear();
        if topics_changed && let Source::Topic(id) = self.prefs.source {
            // The open topic's words may have changed: highlight them.
            if let Some(expr) = self
                .topics
                .iter()
                .find(|t| t.id.0 == id)
                .and_then(|t| crate::topics::query::parse(&t.spec.query).ok())
            {
                self.highlight.extend(expr.positive_tokens());
                self.highlight.sort();
                self.highlight.dedup();
            }
        }
        if let Some(e) = v.error {
            self.message = Some((e, true));
        }
        self.apply_scene();
    }

    /// Applies what of the start-up scene the loaded data allows.
    fn apply_scene(&mut self) {
        let Some(mut scene) = self.scene.take() else {
            return;
        };
        if let Some(url) = scene.subscribe.take() {
            self.add_open = true;
            self.focus_add = true;
            self.add_url = url;
        }
        if let Some(dialog) = scene.dialog.take() {
            match dialog.as_str() {
                "add-feed" => {
                    self.add_open = true;
                    self.add_url = "https://www.dawn.com/".into();
                }
                "settings" => self.settings_open = true,
                "opml" => self.opml_open = true,
                "help" => self.show_help = true,
                "topic" => {
                    self.topic_draft = Some(topics::TopicDraft::new("\"Imran Khan\" OR PTI"));
                }
                _ => {}
            }
        }
        if let Some(name) = scene.topic.clone() {
            if let Some(t) = self.topics.iter().find(|t| t.spec.name == name) {
                scene.topic = None;
                let id = t.id.0;
                self.set_source(Source::Topic(id));
            }
            // Wait for the topic (or its view) to load, then go on.
            self.scene = Some(scene);
            return;
        }
        if let Some(text) = scene.open.clone() {
            let found = (0..self.ids.len()).find(|&i| {
                self.headline(i)
                    .is_some_and(|h| h.title.contains(text.as_str()))
            });
            match found {
                Some(i) => self.select_index(i),
                None => self.scene = Some(scene),
            }
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

    /// Loads the rows of `range` that are not loaded yet (primary-key reads).
    fn ensure_rows(&mut self, range: std::ops::Range<usize>) {
        let end = range.end.min(self.ids.len());
        let start = range.start.min(end);
        let missing: Vec<ItemId> = self.ids[start..end]
            .iter()
            .filter(|id| !self.rows.contains_key(id))
            .copied()
            .collect();
        if missing.is_empty() {
            return;
        }
        let Some(store) = &self.store else { return };
        if self.rows.len() > 20_000 {
            self.rows.clear();
        }
        if let Ok(rows) = store.headlines_by_ids(&missing) {
            for h in rows {
                self.rows.insert(h.id, h);
            }
        }
    }

    fn receive_ids(&mut self) {
        let Some(rx) = &self.ids_rx else { return };
        let mut got = Vec::new();
        while let Ok(v) = rx.try_recv() {
            got.push(v);
        }
        for v in got {
            if v.generation == self.view_generation {
                self.apply_view(v);
                self.scroll_to_selected = true;
            }
        }
    }

    fn load_open(&mut self, id: ItemId) {
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
        if self.prefs.mark_read_on_open && !h.read {
            self.set_read(index, true);
        }
    }

    fn selected_index(&self) -> Option<usize> {
        let id = self.prefs.selected?;
        self.ids.iter().position(|h| h.0 == id)
    }

    fn set_read(&mut self, index: usize, read: bool) {
        self.ensure_rows(index..index + 1);
        let Some(h) = self.ids.get(index).and_then(|id| self.rows.get_mut(id)) else {
            return;
        };
        h.read = read;
        let id = h.id;
        self.send(Command::SetRead(id, read));
    }

    fn toggle_star(&mut self) {
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
        if self.ids.is_empty() {
            return;
        }
        let next = match self.selected_index() {
            Some(i) => (i as i64 + delta).clamp(0, self.ids.len() as i64 - 1) as usize,
            None => 0,
        };
        self.select_index(next);
    }

    fn next_unread(&mut self) {
        let start = self.selected_index().map_or(0, |i| i + 1);
        // Look ahead in chunks, loading rows as needed (bounded).
        let mut from = start;
        while from < self.ids.len() && from < start + 20_000 {
            let to = (from + 200).min(self.ids.len());
            self.ensure_rows(from..to);
            if let Some(i) =
                (from..to).find(|&i| self.rows.get(&self.ids[i]).is_some_and(|h| !h.read))
            {
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

    fn drain_events(&mut self) {
        self.receive_ids();
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
                Event::NewHits(hits) => {
                    if self.prefs.notifications {
                        topics::notify(&hits);
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

    fn keys(&mut self, ctx: &egui::Context) {
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
            let read = self.headline(i).is_some_and(|h| h.read);
            self.set_read(i, !read);
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
        self.keys(&ctx);
        self.top_bar(ui);
        self.status_bar(ui);
        egui::Panel::left("sources")
            .default_size(230.0)
            .show(ui, |ui| self.sources(ui));
        egui::Panel::left("headlines")
            .default_size(380.0)
            .show(ui, |ui| self.headline_list(ui));
        egui::CentralPanel::default().show(ui, |ui| self.reader(ui));
        if self.show_help {
            self.help(&ctx);
        }
        if self.add_open {
            self.add_dialog(&ctx);
        }
        if self.settings_open {
            self.settings_dialog(&ctx);
        }
        if self.opml_open {
            self.opml_dialog(&ctx);
        }
        if self.topic_draft.is_some() {
            self.topic_dialog(&ctx);
        }
    }

    fn top_bar(&mut self, ui: &mut egui::Ui) {
        egui::Panel::top("top").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading("Khabar");
                if ui.button("Poll now").on_hover_text("r").clicked() {
                    self.send(Command::PollNow);
                }
                if ui.button("Add feed").clicked() {
                    self.add_open = true;
                    self.focus_add = true;
                }
                if ui
                    .button("OPML")
                    .on_hover_text("Import or export subscriptions")
                    .clicked()
                {
                    self.opml_open = true;
                }
                if ui.button("Settings").clicked() {
                    self.settings_open = true;
                }
                let search = ui.add(
                    egui::TextEdit::singleline(&mut self.search)
                        .hint_text("Search ( / )")
                        .desired_width(240.0),
                );
                if self.focus_search {
                    search.request_focus();
                    self.focus_search = false;
                }
                if search.changed() {
                    self.refresh();
                }
                if let Some(e) = &self.search_error {
                    ui.label(
                        RichText::new(&e.message)
                            .color(reader::error_color(ui))
                            .small(),
                    )
                    .on_hover_text(format!(
                        "{}\n{}^",
                        self.search,
                        " ".repeat(e.at)
                    ));
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    let dark = ui.visuals().dark_mode;
                    if ui
                        .button(if dark { "Light theme" } else { "Dark theme" })
                        .clicked()
                    {
                        self.prefs.dark = Some(!dark);
                        ui.ctx().set_theme(if dark {
                            egui::Theme::Light
                        } else {
                            egui::Theme::Dark
                        });
                    }
                    if ui.button("?").on_hover_text("Keyboard shortcuts").clicked() {
                        self.show_help = true;
                    }
                });
            });
        });
    }

    fn status_bar(&mut self, ui: &mut egui::Ui) {
        egui::Panel::bottom("status").show(ui, |ui| {
            ui.horizontal(|ui| {
                if self.status.offline {
                    ui.label(
                        RichText::new("Offline: showing stored articles")
                            .color(reader::error_color(ui)),
                    );
                }
                if self.status.running {
                    let frac = if self.status.total == 0 {
                        0.0
                    } else {
                        self.status.done as f32 / self.status.total as f32
                    };
                    ui.add(
                        egui::ProgressBar::new(frac)
                            .desired_width(160.0)
                            .text(format!(
                                "{}/{} feeds, {} articles",
                                self.status.done, self.status.total, self.status.articles
                            )),
                    );
                } else if let Some(at) = self.status.last {
                    ui.label(format!("Last poll {}", relative(model::now(), at)));
                }
                if let Some((m, err)) = &self.message {
                    let color = if *err {
                        reader::error_color(ui)
                    } else {
                        ui.visuals().text_color()
                    };
                    ui.label(RichText::new(m).color(color));
                }
            });
        });
    }

    fn sources(&mut self, ui: &mut egui::Ui) {
        egui::ScrollArea::vertical().show(ui, |ui| {
            let (all, unread, starred, today) = self.counts;
            for (label, src, n) in [
                ("All", Source::All, all),
                ("Unread", Source::Unread, unread),
                ("Starred", Source::Starred, starred),
                ("Today", Source::Today, today),
            ] {
                let sel = self.prefs.source == src;
                if ui.selectable_label(sel, format!("{label}  {n}")).clicked() {
                    self.set_source(src);
                }
            }
            ui.separator();
            self.topics_section(ui);
            if self.langs.len() > 1 {
                ui.separator();
                ui.label(RichText::new("Languages").strong());
                for (code, total, unread) in self.langs.clone() {
                    let sel = self.prefs.source == Source::Lang(code.clone());
                    let n = if unread > 0 { unread } else { total };
                    if ui
                        .selectable_label(sel, format!("{}  {n}", crate::lang::name(&code)))
                        .on_hover_text(format!("{total} articles, {unread} unread"))
                        .clicked()
                    {
                        self.set_source(Source::Lang(code));
                    }
                }
            }
            ui.separator();
            let mut folder: Option<Option<String>> = None;
            let feeds = self.feeds.clone();
            for f in &feeds {
                if folder.as_ref() != Some(&f.folder) {
                    folder = Some(f.folder.clone());
                    if let Some(name) = &f.folder {
                        let sel = self.prefs.source == Source::Folder(name.clone());
                        if bidi::selectable(ui, sel, name, "", true).clicked() {
                            self.set_source(Source::Folder(name.clone()));
                        }
                    }
                }
                ui.horizontal(|ui| {
                    ui.add_space(10.0);
                    let n = self.unread.get(&f.id).copied().unwrap_or(0);
                    let sel = self.prefs.source == Source::Feed(f.id.0);
                    let count = if n > 0 {
                        format!("  {n}")
                    } else {
                        String::new()
                    };
                    if bidi::selectable(ui, sel, f.display_name(), &count, false).clicked() {
                        self.set_source(Source::Feed(f.id.0));
                    }
                    if let Some(err) = &f.last_error {
                        let badge = if f.gone { "gone" } else { "error" };
                        ui.label(RichText::new(badge).color(reader::error_color(ui)))
                            .on_hover_text(format!("{err} ({} in a row)", f.error_count));
                    }
                });
            }
        });
    }

    fn headline_list(&mut self, ui: &mut egui::Ui) {
        let row_h = ui.text_style_height(&egui::TextStyle::Body) * 2.6;
        let now = model::now();
        let selected = self.selected_index();
        let mut clicked = None;
        let mut area = egui::ScrollArea::vertical().auto_shrink([false, false]);
        if self.scroll_to_selected {
            if let Some(i) = selected {
                let y = i as f32 * (row_h + ui.spacing().item_spacing.y);
                let visible = ui.available_height();
                area = area.vertical_scroll_offset((y - visible / 2.0).max(0.0));
            }
            self.scroll_to_selected = false;
        }
        if self.matches > self.ids.len() as i64 {
            ui.label(
                RichText::new(format!(
                    "The newest {} of {} matches",
                    self.ids.len(),
                    self.matches
                ))
                .weak(),
            );
        }
        let count = self.ids.len();
        let ids = &self.ids;
        let rows = &mut self.rows;
        let store = &self.store;
        let hl = &self.highlight;
        let hl_bg = reader::highlight_color(ui);
        area.show_rows(ui, row_h, count, |ui, range| {
            let missing: Vec<ItemId> = ids[range.clone()]
                .iter()
                .filter(|id| !rows.contains_key(id))
                .copied()
                .collect();
            if let (false, Some(store)) = (missing.is_empty(), store)
                && let Ok(loaded) = store.headlines_by_ids(&missing)
            {
                for h in loaded {
                    rows.insert(h.id, h);
                }
            }
            for i in range {
                let Some(h) = rows.get(&ids[i]) else {
                    ui.add_space(row_h);
                    continue;
                };
                let dot = if h.read { "   " } else { "• " };
                let star = if h.starred { "  [starred]" } else { "" };
                let style = ui.style();
                let font = egui::TextStyle::Button.resolve(style);
                let color = if h.read {
                    style.visuals.text_color()
                } else {
                    style.visuals.strong_text_color()
                };
                let fmt = egui::TextFormat::simple(font, color);
                let mut title = egui::text::LayoutJob::default();
                title.append(dot, 0.0, fmt.clone());
                reader::append_highlighted(&mut title, &h.title, fmt.clone(), hl, hl_bg);
                title.append(star, 0.0, fmt);
                let meta = format!("{} · {}", h.feed, relative(now, h.published_ts));
                // Right-to-left text is painted by `bidi` over an invisible
                // copy (which keeps the button's size and accessible label).
                let rtl_title = bidi::needs_bidi(&h.title);
                let rtl_meta = bidi::needs_bidi(&h.feed);
                let mut painted = rtl_title.then(|| title.clone());
                if rtl_title {
                    for sec in &mut title.sections {
                        sec.format.color = egui::Color32::TRANSPARENT;
                        sec.format.background = egui::Color32::TRANSPARENT;
                    }
                }
                let meta_text = if rtl_meta {
                    RichText::new(&meta).color(egui::Color32::TRANSPARENT)
                } else {
                    RichText::new(&meta).weak()
                };
                let resp = ui
                    .add_sized(
                        [ui.available_width(), row_h],
                        egui::Button::selectable(selected == Some(i), title).right_text(meta_text),
                    )
                    .on_hover_text(&h.title);
                if rtl_title || rtl_meta {
                    if selected == Some(i)
                        && let Some(job) = &mut painted
                    {
                        // The selected button's own text colour.
                        let c = ui.style().interact_selectable(&resp, true).text_color();
                        for sec in &mut job.sections {
                            sec.format.color = c;
                        }
                    }
                    bidi_row(
                        ui,
                        resp.rect,
                        painted,
                        &meta,
                        rtl_meta.then_some((&h.feed, &meta)),
                    );
                }
                if resp.clicked() {
                    clicked = Some(i);
                }
            }
        });
        if let Some(i) = clicked {
            self.select_index(i);
        }
    }

    fn reader(&mut self, ui: &mut egui::Ui) {
        let size = self.prefs.font_size;
        let Some(open) = self.open.clone() else {
            ui.centered_and_justified(|ui| reader::muted(ui, "Choose a headline", size));
            return;
        };
        let mut link = None;
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                let width = reader::column_width(size).min(ui.available_width() - 24.0);
                let margin = ((ui.available_width() - width) / 2.0).max(12.0);
                ui.horizontal(|ui| {
                    ui.add_space(margin);
                    ui.vertical(|ui| {
                        ui.set_max_width(width);
                        ui.add_space(16.0);
                        let doc = open.article.as_ref().and_then(|a| a.document.as_ref());
                        let title = doc.map_or(open.item.title.as_str(), |d| d.meta.title.as_str());
                        let title = if title.is_empty() {
                            open.item.title.as_str()
                        } else {
                            title
                        };
                        let fmt = egui::TextFormat::simple(
                            egui::FontId::proportional(size * 1.6),
                            ui.visuals().strong_text_color(),
                        );
                        reader::text_block(ui, title, fmt, &self.highlight);
                        // The date first: it starts the line left to right,
                        // so an Urdu outlet after it cannot turn the date's
                        // numbers around (UAX #9 rule W2).
                        let mut meta =
                            vec![open.item.published.replace('T', " ").replace('Z', " UTC")];
                        meta.push(open.item.feed.clone());
                        if let Some(a) = doc
                            .and_then(|d| d.meta.byline.clone())
                            .or(open.item.author.clone())
                        {
                            meta.push(a);
                        }
                        let fmt = egui::TextFormat::simple(
                            egui::FontId::proportional(size * 0.85),
                            ui.visuals().weak_text_color(),
                        );
                        reader::text_block(ui, &meta.join(" · "), fmt, &[]);
                        ui.horizontal(|ui| {
                            if let Some(l) = &open.item.link
                                && ui.button("Open original").on_hover_text("o").clicked()
                            {
                                link = Some(l.clone());
                            }
                            if doc.is_some() {
                                let label = if open.feed_text {
                                    "Show article"
                                } else {
                                    "Show feed text"
                                };
                                if ui.button(label).clicked()
                                    && let Some(o) = &mut self.open
                                {
                                    o.feed_text = !o.feed_text;
                                }
                            }
                        });
                        ui.add_space(12.0);
                        match doc {
                            Some(d) if !open.feed_text => {
                                let mut pics = reader::Pictures {
                                    hashes: &open.image_hashes,
                                    refused: &open.image_refusals,
                                    dir: self.images_dir.as_deref(),
                                    images: &mut self.images,
                                };
                                if let Some(l) =
                                    reader::article_body(ui, d, size, &mut pics, &self.highlight)
                                {
                                    link = Some(l);
                                }
                            }
                            _ => {
                                let html = open
                                    .item
                                    .content
                                    .as_deref()
                                    .or(open.item.summary.as_deref())
                                    .unwrap_or("");
                                for p in crate::parse::html_paragraphs(html) {
                                    reader::paragraph(
                                        ui,
                                        &[crate::extract::Inline::Text { text: p }],
                                        size,
                                        false,
                                        &self.highlight,
                                    );
                                    ui.add_space(size * 0.7);
                                }
                                if let Some(reason) =
                                    open.article.as_ref().and_then(|a| a.reason.as_deref())
                                {
                                    reader::muted(
                                        ui,
                                        format!("The feed's own text: {reason}"),
                                        size * 0.8,
                                    );
                                }
                            }
                        }
                        ui.add_space(40.0);
                    });
                });
            });
        if let Some(l) = link {
            ui.ctx().open_url(egui::OpenUrl::new_tab(l));
        }
    }

    fn help(&mut self, ctx: &egui::Context) {
        egui::Window::new("Keyboard shortcuts")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_TOP, [0.0, 120.0])
            .show(ctx, |ui| {
                egui::Grid::new("keys").show(ui, |ui| {
                    for (k, what) in [
                        ("j / k", "next / previous article"),
                        ("n", "next unread"),
                        ("m", "mark read / unread"),
                        ("s", "star"),
                        ("o", "open the original"),
                        ("r", "poll now"),
                        ("/", "search"),
                        ("Ctrl + / Ctrl -", "text size"),
                        ("?", "this help"),
                    ] {
                        ui.label(RichText::new(k).monospace().strong());
                        ui.label(what);
                        ui.end_row();
                    }
                });
                if ui.button("Close").clicked() {
                    self.show_help = false;
                }
            });
    }

    fn settings_dialog(&mut self, ctx: &egui::Context) {
        let before = (
            self.prefs.poll_minutes,
            self.prefs.image_cap_mb,
            self.prefs.article_images_cap_mb,
        );
        let mut open = true;
        egui::Window::new("Settings")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_TOP, [0.0, 80.0])
            .open(&mut open)
            .show(ctx, |ui| {
                egui::Grid::new("settings").num_columns(2).show(ui, |ui| {
                    ui.label("Check feeds every");
                    ui.add(
                        egui::DragValue::new(&mut self.prefs.poll_minutes)
                            .range(10..=1440)
                            .suffix(" min"),
                    );
                    ui.end_row();
                    ui.label("Largest image to keep");
                    ui.add(
                        egui::DragValue::new(&mut self.prefs.image_cap_mb)
                            .range(1..=50)
                            .suffix(" MB"),
                    );
                    ui.end_row();
                    ui.label("Images per article, at most");
                    ui.add(
                        egui::DragValue::new(&mut self.prefs.article_images_cap_mb)
                            .range(1..=200)
                            .suffix(" MB"),
                    );
                    ui.end_row();
                    ui.label("Notifications");
                    ui.checkbox(
                        &mut self.prefs.notifications,
                        "New articles in followed topics, once per poll",
                    );
                    ui.end_row();
                });
                ui.checkbox(
                    &mut self.prefs.mark_read_on_open,
                    "Mark articles read when opened",
                );
                ui.separator();
                ui.label(RichText::new("Save full articles for offline reading").strong());
                let feeds = self.feeds.clone();
                egui::ScrollArea::vertical()
                    .max_height(260.0)
                    .show(ui, |ui| {
                        for f in &feeds {
                            let mut on = f.fetch_articles;
                            if ui.checkbox(&mut on, f.display_name()).changed() {
                                self.send(Command::SetFeedArticles(f.id, on));
                                if let Some(x) = self.feeds.iter_mut().find(|x| x.id == f.id) {
                                    x.fetch_articles = on;
                                }
                            }
                        }
                    });
            });
        if !open {
            self.settings_open = false;
        }
        let after = (
            self.prefs.poll_minutes,
            self.prefs.image_cap_mb,
            self.prefs.article_images_cap_mb,
        );
        if before != after {
            self.configure();
        }
    }

    /// Sends the settings to the service.
    pub fn configure(&self) {
        self.send(Command::Configure {
            poll_minutes: self.prefs.poll_minutes,
            image_cap_mb: self.prefs.image_cap_mb,
            article_images_cap_mb: self.prefs.article_images_cap_mb,
        });
    }

    fn opml_dialog(&mut self, ctx: &egui::Context) {
        let mut open = true;
        egui::Window::new("OPML")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_TOP, [0.0, 120.0])
            .open(&mut open)
            .show(ctx, |ui| {
                ui.label("A file path: import subscriptions from it, or export them to it.");
                ui.add(
                    egui::TextEdit::singleline(&mut self.opml_path)
                        .hint_text("/home/me/subscriptions.opml")
                        .desired_width(360.0),
                );
                ui.horizontal(|ui| {
                    let path = self.opml_path.trim().to_string();
                    let ok = !path.is_empty();
                    if ui.add_enabled(ok, egui::Button::new("Import")).clicked() {
                        self.send(Command::ImportOpml(PathBuf::from(&path)));
                        self.message = Some((format!("Importing {path}…"), false));
                        self.opml_open = false;
                    }
                    if ui.add_enabled(ok, egui::Button::new("Export")).clicked() {
                        self.send(Command::ExportOpml(PathBuf::from(&path)));
                        self.opml_open = false;
                    }
                });
            });
        if !open {
            self.opml_open = false;
        }
    }

    fn add_dialog(&mut self, ctx: &egui::Context) {
        egui::Window::new("Add a feed")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_TOP, [0.0, 120.0])
            .show(ctx, |ui| {
                ui.label("A feed URL, or a site's address: Khabar finds the site's feeds.");
                let edit = ui.add(
                    egui::TextEdit::singleline(&mut self.add_url)
                        .hint_text("https://www.dawn.com/")
                        .desired_width(360.0),
                );
                if std::mem::take(&mut self.focus_add) {
                    edit.request_focus();
                }
                let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
                ui.horizontal(|ui| {
                    if (ui.button("Add").clicked() || enter) && !self.add_url.trim().is_empty() {
                        self.send(Command::AddFeed(self.add_url.trim().to_string()));
                        self.message = Some((format!("Adding {}…", self.add_url.trim()), false));
                        self.add_url.clear();
                        self.add_open = false;
                    }
                    if ui.button("Cancel").clicked() {
                        self.add_open = false;
                    }
                });
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

/// Installs the Arabic-script faces (OFL, in `assets/fonts`):
/// - Noto Naskh Arabic after egui's own faces in every family, so a stray
///   Arabic letter anywhere has a glyph;
/// - a family [`bidi::URDU`] with Noto Nastaliq Urdu first and one
///   [`bidi::ARABIC`] with Noto Naskh Arabic first, which [`bidi`] uses for
///   right-to-left runs only (Latin text keeps the Latin face).
pub fn install_fonts(ctx: &egui::Context) {
    let mut defs = egui::FontDefinitions::default();
    defs.font_data.insert(
        "naskh".into(),
        std::sync::Arc::new(egui::FontData::from_static(include_bytes!(
            "../../assets/fonts/NotoNaskhArabic-Regular.ttf"
        ))),
    );
    defs.font_data.insert(
        "nastaliq".into(),
        std::sync::Arc::new(egui::FontData::from_static(include_bytes!(
            "../../assets/fonts/NotoNastaliqUrdu-Regular.ttf"
        ))),
    );
    let latin = defs
        .families
        .get(&egui::FontFamily::Proportional)
        .cloned()
        .unwrap_or_default();
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        defs.families
            .entry(family)
            .or_default()
            .push("naskh".into());
    }
    let with_first = |first: &str| {
        let mut v = vec![first.to_string(), "naskh".to_string()];
        v.extend(latin.iter().cloned());
        v.dedup();
        v
    };
    defs.families.insert(
        egui::FontFamily::Name(bidi::URDU.into()),
        with_first("nastaliq"),
    );
    defs.families.insert(
        egui::FontFamily::Name(bidi::ARABIC.into()),
        with_first("naskh"),
    );
    ctx.set_fonts(defs);
}

/// Paints a headline row's right-to-left parts over the button at `rect`:
/// the title (`job`, up to two lines) and the outlet of the meta text.
fn bidi_row(
    ui: &egui::Ui,
    rect: egui::Rect,
    job: Option<egui::text::LayoutJob>,
    meta_full: &str,
    meta: Option<(&String, &String)>,
) {
    let pad = ui.spacing().button_padding;
    let weak = ui.visuals().weak_text_color();
    let font = egui::TextStyle::Button.resolve(ui.style());
    // Width the meta text takes on the right (as the button laid it out),
    // whether it is painted here or by the button.
    let meta_w = ui
        .painter()
        .layout_no_wrap(meta_full.to_string(), font.clone(), weak)
        .size()
        .x;
    if let Some((feed, full)) = meta {
        let time = full.strip_prefix(feed.as_str()).unwrap_or("").to_string();
        let time_g = ui.painter().layout_no_wrap(time, font.clone(), weak);
        let span = bidi::Span {
            range: 0..feed.len(),
            format: egui::TextFormat::simple(font.clone(), weak),
            link: None,
        };
        let face = bidi::rtl_family(feed, None);
        let laid = bidi::lay_out(ui, feed, &[span], f32::INFINITY, &face, 0.0, 1);
        let right = rect.right() - pad.x;
        let name_left = right - time_g.size().x - laid.size.x;
        let y = rect.center().y - laid.size.y / 2.0;
        bidi::paint(ui, &laid, egui::pos2(name_left, y), laid.size.x, weak);
        ui.painter().galley(
            egui::pos2(
                right - time_g.size().x,
                rect.center().y - time_g.size().y / 2.0,
            ),
            time_g,
            weak,
        );
    }
    if let Some(job) = job {
        let width = (rect.width() - 2.0 * pad.x - meta_w - 8.0).max(40.0);
        let spans = bidi::spans_of(&job, &[]);
        let face = bidi::rtl_family(&job.text, None);
        let laid = bidi::lay_out(ui, &job.text, &spans, width, &face, 0.0, 2);
        let y = rect.center().y - laid.size.y / 2.0;
        bidi::paint(ui, &laid, egui::pos2(rect.left() + pad.x, y), width, weak);
    }
}

/// "5m", "3h", "2d".
pub fn relative(now: i64, t: i64) -> String {
    match (now - t).max(0) {
        s if s < 60 => "now".into(),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86_400 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}

/// Opens the window on the store in `data_dir`. `app_name` keys the saved
/// window state (the demo keeps its own).
pub fn run(data_dir: PathBuf, app_name: &str, scene: Scene) -> eframe::Result<()> {
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
                },
                Box::new(move || ctx.request_repaint()),
            )
            .ok();
            let store = Store::open_read_only(&db).ok();
            let mut app = KhabarApp::new(store, service, prefs);
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
            app.configure();
            Ok(Box::new(app))
        }),
    )
}

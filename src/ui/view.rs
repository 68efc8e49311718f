//! The view: what the sidebar and the headline list show. A query runs only
//! when data changed or the user changed the view or the search, on a
//! worker with its own read-only connection (in tests, inline); results
//! carry a generation number and stale ones are dropped. Rows are loaded by
//! primary key when they first scroll into view. The start-up scene is
//! applied here, once the data it names has loaded.

use std::collections::HashMap;

use super::app::{KhabarApp, Source};
use super::dialogs::topic::TopicDraft;
use crate::model::{self, Feed, FeedId, Headline, ItemId};
use crate::store::{HeadlineFilter, Store};

/// What one view query returns: the sidebar and the headline ids.
#[derive(Debug, Default)]
pub struct ViewData {
    pub(super) generation: u64,
    pub(super) feeds: Vec<Feed>,
    pub(super) unread: HashMap<FeedId, i64>,
    pub(super) counts: (i64, i64, i64, i64),
    pub(super) ids: Vec<ItemId>,
    /// One per id when the list is grouped into stories (else empty).
    pub(super) stories: Vec<super::stories::RowStory>,
    /// Story rows are on (the setting, or the change the window asked for).
    pub(super) story_rows: bool,
    /// The setting as stored.
    pub(super) stored_rows: bool,
    pub(super) matches: i64,
    pub(super) topics: Vec<crate::topics::Topic>,
    pub(super) suggestions: Vec<crate::topics::suggest::Suggestion>,
    pub(super) langs: Vec<(String, i64, i64)>,
    pub(super) icon_stamps: Vec<(FeedId, model::Timestamp)>,
    pub(super) error: Option<String>,
}

fn view_data(
    store: &Store,
    filter: &HeadlineFilter,
    today: i64,
    generation: u64,
    want_rows: Option<bool>,
) -> ViewData {
    let mut v = ViewData {
        generation,
        ..Default::default()
    };
    let r = (|| -> Result<(), crate::error::StoreError> {
        v.feeds = store.feeds()?;
        v.unread = store.unread_by_feed()?;
        v.counts = store.counts(today)?;
        v.stored_rows = store.story_rows()?;
        v.story_rows = want_rows.unwrap_or(v.stored_rows);
        v.topics = store.topics()?;
        if v.story_rows {
            // One row per story, grouped here on the worker from the
            // story index (counts per story too: a story is unread while
            // any of its items is).
            let (scan, matches) = store.search_rows(filter)?;
            let map = store.story_map()?;
            (v.ids, v.stories) = super::stories::group(&scan, &map);
            v.matches = matches - (scan.len() - v.ids.len()) as i64;
            v.counts.1 = store.unread_stories()?;
            for t in &mut v.topics {
                (t.total, t.unread) =
                    super::stories::count_stories(&store.topic_hit_reads(t.id)?, &map);
            }
        } else {
            (v.ids, v.matches) = store.search_ids(filter)?;
        }
        v.langs = store.languages()?;
        v.icon_stamps = store.icon_stamps()?;
        v.suggestions = store.suggested_topics(model::now(), 8)?;
        Ok(())
    })();
    v.error = r.err().map(|e| e.to_string());
    v
}

impl KhabarApp {
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
        self.leads.clear();
        self.view_generation += 1;
        match (&self.db_path, self.sync_queries) {
            (Some(path), false) => {
                // A million articles take a moment, and the service may be
                // writing: run the view's queries on a worker with its own
                // read-only connection, so the UI thread never waits.
                let (tx, rx) = std::sync::mpsc::channel();
                self.ids_rx = Some(rx);
                let (path, generation) = (path.clone(), self.view_generation);
                let want = self.stories.want_rows;
                let ctx = self.repaint.clone();
                let _ = std::thread::Builder::new()
                    .name("khabar-view".into())
                    .spawn(move || {
                        if let Ok(s) = Store::open_read_only(&path) {
                            let _ = tx.send(view_data(&s, &filter, today, generation, want));
                        }
                        if let Some(ctx) = ctx {
                            ctx.request_repaint();
                        }
                    });
            }
            _ => {
                let v = view_data(
                    store,
                    &filter,
                    today,
                    self.view_generation,
                    self.stories.want_rows,
                );
                self.apply_view(v);
            }
        }
    }

    pub(super) fn apply_view(&mut self, v: ViewData) {
        if v.generation != self.view_generation {
            return;
        }
        self.guide.loaded = true;
        self.icons.update(
            &v.icon_stamps,
            self.db_path.as_ref().filter(|_| !self.sync_queries),
            self.store.as_ref(),
            self.repaint.as_ref(),
        );
        self.feeds = v.feeds;
        self.unread = v.unread;
        self.counts = v.counts;
        self.ids = v.ids;
        self.stories.rows = v.stories;
        self.stories.on = v.story_rows;
        if self.stories.want_rows == Some(v.stored_rows) {
            // The service has stored the change.
            self.stories.want_rows = None;
        }
        self.stories.meta.clear();
        // An expanded story stays open where its row went.
        let expanded = self.stories.expanded.take();
        self.stories.expanded = expanded.and_then(|mut e| {
            e.row = self.stories.rows.iter().position(|r| r.story == e.story)?;
            Some(e)
        });
        self.matches = v.matches;
        let topics_changed = self.topics != v.topics;
        self.topics = v.topics;
        self.suggestions = v.suggestions;
        self.langs = v.langs;
        self.rows.clear();
        self.leads.clear();
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
    pub(super) fn apply_scene(&mut self) {
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
                    self.topic_draft = Some(TopicDraft::new("\"Imran Khan\" OR PTI"));
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

    /// Loads the rows of `range` that are not loaded yet (primary-key reads).
    pub(super) fn ensure_rows(&mut self, range: std::ops::Range<usize>) {
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
        load_rows(store, &missing, &mut self.rows, &mut self.leads);
    }

    pub(super) fn receive_ids(&mut self) {
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
}

/// Loads the headline rows `missing` and their summary lines (primary-key
/// reads), dropping the cache first when it has grown past 20,000 rows.
pub(super) fn load_rows(
    store: &Store,
    missing: &[ItemId],
    rows: &mut HashMap<ItemId, Headline>,
    leads: &mut HashMap<ItemId, String>,
) {
    if rows.len() > 20_000 {
        rows.clear();
        leads.clear();
    }
    if let Ok(loaded) = store.headlines_by_ids(missing) {
        for h in loaded {
            rows.insert(h.id, h);
        }
    }
    if let Ok(l) = store.leads(missing) {
        leads.extend(l);
    }
}

//! Story rows: the same event from several outlets as one headline row
//! with "N outlets", which expands to each outlet's report; "Also reported
//! by" in the reader; marking a whole story read; counting unread per story.
//!
//! The grouping comes from the view worker: [`group`] folds the view's id
//! list (newest first, with read flags) into one row per story, using the
//! item -> story map the story index gives ([`Store::story_map`]). Nothing
//! here runs SQL per frame: story sizes and outlets are read with the rows
//! as they scroll into view, a story's items when it is expanded or its
//! article opened.

use std::collections::HashMap;

use egui::RichText;

use super::app::KhabarApp;
use super::text::relative;
use super::{bidi, text};
use crate::model::{self, Headline, ItemId};
use crate::service::Command;
use crate::store::Store;
use crate::store::stories::FIRST_STORY_ID;

/// One row of the grouped list: its story and what the view holds of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowStory {
    /// The story (a lone item's is its own id).
    pub story: i64,
    /// Items of the story in the view.
    pub items: u32,
    /// Any of them is unread.
    pub unread: bool,
}

/// An expanded story row: its items, earliest first.
#[derive(Debug, Clone)]
pub struct Expanded {
    /// The row (index into the id list).
    pub row: usize,
    /// Its story.
    pub story: i64,
    /// Each outlet's report.
    pub items: Vec<Headline>,
}

/// What the window knows of stories.
#[derive(Debug, Default)]
pub struct StoryView {
    /// One per row of the id list when the list is grouped; empty when
    /// story rows are off.
    pub rows: Vec<RowStory>,
    /// Story rows are on (the setting, as the last view query read it).
    pub on: bool,
    /// A change of the setting sent to the service and not yet seen stored.
    pub want_rows: Option<bool>,
    /// (size, outlets) of stored stories whose rows have been on screen.
    pub meta: HashMap<i64, (i64, i64)>,
    /// The expanded row, if any.
    pub expanded: Option<Expanded>,
    /// The other reports of the open article's story (for "Also reported by").
    pub also: Vec<Headline>,
    /// The digest view.
    pub digest: super::digest::DigestView,
}

/// Folds `scan` (newest first) into one row per story: the row is the
/// story's newest item in the view; it is unread while any item is.
pub fn group(scan: &[(ItemId, bool)], map: &HashMap<ItemId, i64>) -> (Vec<ItemId>, Vec<RowStory>) {
    let mut ids = Vec::with_capacity(scan.len());
    let mut rows: Vec<RowStory> = Vec::with_capacity(scan.len());
    let mut at: HashMap<i64, usize> = HashMap::new();
    for &(id, read) in scan {
        match map.get(&id) {
            Some(&story) => {
                if let Some(&i) = at.get(&story) {
                    rows[i].items += 1;
                    rows[i].unread |= !read;
                    continue;
                }
                at.insert(story, rows.len());
                ids.push(id);
                rows.push(RowStory {
                    story,
                    items: 1,
                    unread: !read,
                });
            }
            None => {
                ids.push(id);
                rows.push(RowStory {
                    story: id.0,
                    items: 1,
                    unread: !read,
                });
            }
        }
    }
    (ids, rows)
}

/// Counts hits per story: (stories, unread stories).
pub fn count_stories(hits: &[(ItemId, bool)], map: &HashMap<ItemId, i64>) -> (i64, i64) {
    let mut unread: HashMap<i64, bool> = HashMap::new();
    for &(id, read) in hits {
        let story = map.get(&id).copied().unwrap_or(id.0);
        *unread.entry(story).or_insert(false) |= !read;
    }
    (
        unread.len() as i64,
        unread.values().filter(|u| **u).count() as i64,
    )
}

/// Loads (size, outlets) of the stored stories of `rows` not known yet
/// (primary-key reads, with the rows as they scroll into view).
pub(super) fn load_meta<'a>(
    store: &Store,
    rows: impl Iterator<Item = &'a Headline>,
    meta: &mut HashMap<i64, (i64, i64)>,
) {
    for h in rows {
        if h.story >= FIRST_STORY_ID
            && !meta.contains_key(&h.story)
            && let Ok(Some((size, outlets, _))) = store.story_row(h.story)
        {
            meta.insert(h.story, (size, outlets));
        }
    }
}

/// The badge of a story row: "3 outlets" (or "2 reports" from one outlet).
pub fn badge(size: i64, outlets: i64) -> Option<String> {
    if size < 2 {
        return None;
    }
    Some(if outlets >= 2 {
        format!("{outlets} outlets")
    } else {
        format!("{size} reports")
    })
}

/// Where a line of the displayed list comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// A row of the id list.
    Row(usize),
    /// The expanded row's `n`th report.
    Child(usize),
}

impl StoryView {
    /// Lines the list shows for `rows` rows.
    pub fn lines(&self, rows: usize) -> usize {
        rows + self.expanded.as_ref().map_or(0, |e| e.items.len())
    }

    /// What line `i` shows.
    pub fn line(&self, i: usize) -> Line {
        match &self.expanded {
            Some(e) if i > e.row && i <= e.row + e.items.len() => Line::Child(i - e.row - 1),
            Some(e) if i > e.row => Line::Row(i - e.items.len()),
            _ => Line::Row(i),
        }
    }

    /// The line of row `row`.
    pub fn line_of_row(&self, row: usize) -> usize {
        match &self.expanded {
            Some(e) if row > e.row => row + e.items.len(),
            _ => row,
        }
    }

    /// The story of row `row`, when rows are grouped.
    pub fn story_at(&self, row: usize) -> Option<RowStory> {
        self.rows.get(row).copied()
    }
}

impl KhabarApp {
    /// Expands row `row` to its story's reports, or folds it back.
    pub fn toggle_story(&mut self, row: usize) {
        if self.stories.expanded.as_ref().is_some_and(|e| e.row == row) {
            self.stories.expanded = None;
            return;
        }
        self.expand_story(row);
    }

    /// Expands row `row` (a story of two or more reports).
    pub fn expand_story(&mut self, row: usize) {
        let Some(rs) = self.stories.story_at(row) else {
            return;
        };
        if rs.story < FIRST_STORY_ID {
            return;
        }
        let Some(store) = &self.store else { return };
        let items = store.story_items(rs.story).unwrap_or_default();
        if items.len() < 2 {
            return;
        }
        let ids: Vec<ItemId> = items.iter().map(|h| h.id).collect();
        if let Ok(l) = store.leads(&ids) {
            self.leads.extend(l);
        }
        self.stories.expanded = Some(Expanded {
            row,
            story: rs.story,
            items,
        });
    }

    /// Marks row `row` read or unread: the whole story when rows are
    /// grouped (through the service), else the one item.
    pub(super) fn set_row_read(&mut self, row: usize, read: bool) {
        let Some(rs) = self.stories.story_at(row) else {
            self.set_read(row, read);
            return;
        };
        if rs.items <= 1 && rs.story < FIRST_STORY_ID {
            self.set_read(row, read);
            if let Some(r) = self.stories.rows.get_mut(row) {
                r.unread = !read;
            }
            return;
        }
        if let Some(r) = self.stories.rows.get_mut(row) {
            r.unread = !read;
        }
        for h in self.rows.values_mut().filter(|h| h.story == rs.story) {
            h.read = read;
        }
        if let Some(e) = &mut self.stories.expanded
            && e.story == rs.story
        {
            for h in &mut e.items {
                h.read = read;
            }
        }
        for h in self.stories.also.iter_mut().filter(|h| h.story == rs.story) {
            h.read = read;
        }
        self.send(Command::SetStoryRead(rs.story, read));
    }

    /// Turns story rows on or off (the setting, stored by the service).
    pub fn set_story_rows(&mut self, on: bool) {
        self.stories.want_rows = Some(on);
        self.stories.on = on;
        self.stories.expanded = None;
        self.send(Command::SetStoryRows(on));
        self.refresh();
    }

    /// The settings dialog's line for story rows.
    pub(super) fn story_rows_setting(&mut self, ui: &mut egui::Ui) {
        let mut on = self.stories.on;
        if ui
            .checkbox(
                &mut on,
                "One row per story (the same event from several outlets)",
            )
            .changed()
        {
            self.set_story_rows(on);
        }
    }

    /// Whether row `row` shows as unread.
    pub(super) fn row_unread(&self, row: usize) -> Option<bool> {
        if let Some(rs) = self.stories.story_at(row) {
            return Some(rs.unread);
        }
        let id = self.ids.get(row)?;
        self.rows.get(id).map(|h| !h.read)
    }

    /// Opens a report by id (a child row, an "Also reported by" line),
    /// marking it read when opened.
    pub fn open_report(&mut self, h: &Headline) {
        self.load_open(h.id);
        if self.prefs.mark_read_on_open && !h.read {
            if let Some(x) = self.rows.get_mut(&h.id) {
                x.read = true;
            }
            for x in self
                .stories
                .expanded
                .iter_mut()
                .flat_map(|e| e.items.iter_mut())
                .chain(self.stories.also.iter_mut())
                .filter(|x| x.id == h.id)
            {
                x.read = true;
            }
            self.send(Command::SetRead(h.id, true));
        }
    }

    /// The line the open article is on, if it is listed.
    pub(super) fn selected_line(&self) -> Option<usize> {
        let id = self.prefs.selected?;
        if let Some(e) = &self.stories.expanded
            && let Some(c) = e.items.iter().position(|h| h.id.0 == id)
            && self.ids.get(e.row).is_none_or(|r| r.0 != id)
        {
            return Some(e.row + 1 + c);
        }
        self.selected_index().map(|r| self.stories.line_of_row(r))
    }

    /// Moves the selection by `delta` lines (through an expanded story's
    /// reports too).
    pub(super) fn step_lines(&mut self, delta: i64) {
        let n = self.stories.lines(self.ids.len());
        if n == 0 {
            return;
        }
        let next = match self.selected_line() {
            Some(i) => (i as i64 + delta).clamp(0, n as i64 - 1) as usize,
            None => 0,
        };
        match self.stories.line(next) {
            Line::Row(r) => self.select_index(r),
            Line::Child(c) => {
                if let Some(h) = self
                    .stories
                    .expanded
                    .as_ref()
                    .and_then(|e| e.items.get(c))
                    .cloned()
                {
                    self.open_report(&h);
                    self.scroll_to_selected = true;
                }
            }
        }
    }

    /// Loads the other reports of the open article's story.
    pub(super) fn load_also(&mut self, id: ItemId) {
        // Opening an article leaves the digest view for the reader.
        self.stories.digest.open = false;
        self.stories.also.clear();
        let Some(store) = &self.store else { return };
        if let Ok(Some(story)) = store.story_of(id) {
            self.stories.also = store
                .story_items(story)
                .unwrap_or_default()
                .into_iter()
                .filter(|h| h.id != id)
                .collect();
        }
    }

    /// "Also reported by": each other outlet's headline and time; a click
    /// opens it. Drawn in the reader under the article's header.
    pub(super) fn also_reported_by(&mut self, ui: &mut egui::Ui, size: f32) {
        if self.stories.also.is_empty() || !self.stories.on {
            return;
        }
        let now = model::now();
        let mut open = None;
        ui.add_space(8.0);
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(RichText::new("Also reported by").size(size * 0.8).strong());
            for h in &self.stories.also {
                ui.horizontal(|ui| {
                    let outlet = format!("{} · {}", h.feed, relative(now, h.published_ts));
                    if bidi::needs_bidi(&h.feed) {
                        text::label(ui, RichText::new(outlet).weak().size(size * 0.75));
                    } else {
                        ui.label(RichText::new(outlet).weak().size(size * 0.75));
                    }
                    let resp = bidi::selectable(ui, false, &h.title, "", !h.read);
                    if resp.clicked() {
                        open = Some(h.clone());
                    }
                });
            }
        });
        if let Some(h) = open {
            self.open_report(&h);
        }
    }
}

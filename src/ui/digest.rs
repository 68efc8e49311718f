//! The digest view, "While you were away": the stories with the most
//! outlets since the last visit, followed topics first, each with its
//! representative headline, outlets and a two-sentence lead. It is
//! [`crate::stories::digest::build`] (the same digest `khabar digest`
//! writes), loaded on a worker with its own read-only connection and shown
//! in the reader's place; a headline opens its first report.
//!
//! The last visit is the data folder's `last-visit` file: the first digest
//! of a session covers the time since it and records this visit (the
//! window's one write, and not to the store), as `khabar digest` does.

use std::sync::mpsc::Receiver;

use egui::RichText;

use super::app::KhabarApp;
use super::{bidi, reader};
use crate::model::{self, Timestamp};
use crate::store::Store;
use crate::stories::digest::{self, Digest};

/// Stories the window's digest lists at most.
pub const LIMIT: usize = 20;

/// The digest view's state.
#[derive(Debug, Default)]
pub struct DigestView {
    /// Shown in the reader's place.
    pub open: bool,
    /// Since when (fixed by the session's first digest).
    pub since: Option<Timestamp>,
    /// The loaded digest.
    pub digest: Option<Digest>,
    /// Why it could not be made.
    pub error: Option<String>,
    rx: Option<Receiver<Result<(Digest, Timestamp), String>>>,
}

fn make(
    store: &Store,
    since: Option<Timestamp>,
    dir: Option<&std::path::Path>,
) -> Result<(Digest, Timestamp), String> {
    let now = model::now();
    let from = since
        .or_else(|| dir.and_then(digest::last_visit))
        .unwrap_or(now - 24 * 3600);
    let images = dir.map(|d| d.join("images"));
    let d = digest::build(store, from, LIMIT, images.as_deref()).map_err(|e| e.to_string())?;
    if since.is_none()
        && let Some(dir) = dir
    {
        // A digest since the last visit is a visit: the next starts here.
        let _ = digest::record_visit(dir, now);
    }
    Ok((d, from))
}

impl KhabarApp {
    /// Opens the digest view and loads it (on a worker, unless queries run
    /// inline in tests).
    pub fn open_digest(&mut self) {
        self.stories.digest.open = true;
        self.stories.digest.error = None;
        let since = self.stories.digest.since;
        let dir = self
            .db_path
            .as_ref()
            .and_then(|p| p.parent())
            .map(|p| p.to_path_buf());
        match (&self.db_path, self.sync_queries) {
            (Some(path), false) => {
                let (tx, rx) = std::sync::mpsc::channel();
                self.stories.digest.rx = Some(rx);
                let path = path.clone();
                let ctx = self.repaint.clone();
                let _ = std::thread::Builder::new()
                    .name("khabar-digest".into())
                    .spawn(move || {
                        let r = Store::open_read_only(&path)
                            .map_err(|e| e.to_string())
                            .and_then(|s| make(&s, since, dir.as_deref()));
                        let _ = tx.send(r);
                        if let Some(ctx) = ctx {
                            ctx.request_repaint();
                        }
                    });
            }
            _ => {
                let Some(store) = &self.store else { return };
                let r = make(store, since, dir.as_deref());
                self.apply_digest(r);
            }
        }
    }

    fn apply_digest(&mut self, r: Result<(Digest, Timestamp), String>) {
        match r {
            Ok((d, since)) => {
                self.stories.digest.since = Some(since);
                self.stories.digest.digest = Some(d);
            }
            Err(e) => self.stories.digest.error = Some(e),
        }
    }

    /// Takes the worker's digest when it is ready.
    pub(super) fn receive_digest(&mut self) {
        let Some(rx) = &self.stories.digest.rx else {
            return;
        };
        if let Ok(r) = rx.try_recv() {
            self.stories.digest.rx = None;
            self.apply_digest(r);
        }
    }

    /// The sidebar's entry that opens the digest.
    pub(super) fn digest_entry(&mut self, ui: &mut egui::Ui) {
        let open = self.stories.digest.open;
        if ui
            .selectable_label(open, "While you were away")
            .on_hover_text("The stories with the most outlets since your last visit")
            .clicked()
        {
            if open {
                self.stories.digest.open = false;
            } else {
                self.open_digest();
            }
        }
    }

    /// The digest view, in the reader's place.
    pub(super) fn digest_pane(&mut self, ui: &mut egui::Ui) {
        self.receive_digest();
        let size = self.prefs.font_size;
        let mut open = None;
        let mut close = false;
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                reader::in_column(ui, size, |ui| {
                        ui.add_space(16.0);
                        ui.horizontal(|ui| {
                            ui.label(
                                RichText::new("While you were away")
                                    .size(size * 1.5)
                                    .strong(),
                            );
                            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                                if ui.button("Close").clicked() {
                                    close = true;
                                }
                            });
                        });
                        let v = &self.stories.digest;
                        if let Some(e) = &v.error {
                            reader::muted(ui, format!("No digest: {e}"), size * 0.9);
                            return;
                        }
                        let Some(d) = &v.digest else {
                            reader::muted(ui, "Gathering the stories…", size * 0.9);
                            return;
                        };
                        let since = v.since.map(model::rfc3339).unwrap_or_default();
                        reader::muted(
                            ui,
                            format!(
                                "Since {} · {} stories, followed topics first, then most outlets",
                                since.replace('T', " ").replace('Z', " UTC"),
                                d.stories.len()
                            ),
                            size * 0.8,
                        );
                        ui.add_space(12.0);
                        if d.stories.is_empty() {
                            reader::muted(
                                ui,
                                "Nothing told by several outlets since then, and nothing new in followed topics.",
                                size * 0.9,
                            );
                        }
                        for (n, e) in d.stories.iter().enumerate() {
                            ui.separator();
                            ui.add_space(4.0);
                            let resp = bidi::selectable(ui, false, &e.headline, "", true);
                            if resp.clicked() {
                                open = e.items.first().cloned();
                            }
                            let mut meta = vec![match e.outlets.len() {
                                1 => e.outlets[0].clone(),
                                k => format!("{k} outlets: {}", e.outlets.join(", ")),
                            }];
                            if !e.topics.is_empty() {
                                meta.push(format!("followed: {}", e.topics.join(", ")));
                            }
                            let fmt = egui::TextFormat::simple(
                                egui::FontId::proportional(size * 0.8),
                                ui.visuals().weak_text_color(),
                            );
                            reader::text_block(ui, &meta.join(" · "), fmt, &[]);
                            if !e.lead.is_empty() {
                                let fmt = egui::TextFormat::simple(
                                    egui::FontId::proportional(size * 0.9),
                                    reader::body_color(ui),
                                );
                                reader::text_block(ui, &e.lead, fmt, &[]);
                            }
                            ui.add_space(if n + 1 == d.stories.len() { 40.0 } else { 8.0 });
                        }
                    });
            });
        if close {
            self.stories.digest.open = false;
        }
        if let Some(h) = open {
            self.stories.digest.open = false;
            self.open_report(&h);
        }
    }
}

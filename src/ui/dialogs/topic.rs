//! The follow/edit topic dialog: name, query with a live check, scope
//! (outlets, language), hide or follow, notifications, and a preview count
//! run on a worker.

use egui::RichText;

use crate::service::Command;
use crate::topics::{Action, Topic, TopicId, TopicSpec};
use crate::ui::app::KhabarApp;
use crate::ui::{reader, text};

type PreviewRx = std::sync::mpsc::Receiver<(TopicSpec, Result<(i64, i64), String>)>;

/// The outlets a topic looks at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Scope {
    /// Every outlet.
    #[default]
    All,
    /// Outlets in one folder.
    Folder(String),
    /// One outlet.
    Feed(crate::model::FeedId),
}

/// The follow/edit dialog's fields.
#[derive(Debug, Default)]
pub struct TopicDraft {
    /// The topic being edited (None: a new one).
    pub editing: Option<TopicId>,
    /// Name.
    pub name: String,
    /// Query.
    pub query: String,
    /// Which outlets: all, a folder or one outlet.
    pub scope: Scope,
    /// Language scope ("" = any).
    pub lang: String,
    /// Hide what it matches (mute words) instead of following.
    pub hide: bool,
    /// Notify on new hits.
    pub notify: bool,
    /// Preview for `preview_for`: (matches, unread) or why not.
    pub preview: Option<Result<(i64, i64), String>>,
    preview_for: Option<TopicSpec>,
    preview_rx: Option<PreviewRx>,
}

impl TopicDraft {
    /// A new topic, prefilled with `query` (and the name from it).
    pub fn new(query: &str) -> TopicDraft {
        TopicDraft {
            name: query.replace('"', "").trim().to_string(),
            query: query.to_string(),
            notify: true,
            ..Default::default()
        }
    }

    pub(in crate::ui) fn edit(t: &Topic) -> TopicDraft {
        TopicDraft {
            editing: Some(t.id),
            name: t.spec.name.clone(),
            query: t.spec.query.clone(),
            scope: match (&t.spec.feed, &t.spec.folder) {
                (Some(f), _) => Scope::Feed(*f),
                (None, Some(folder)) => Scope::Folder(folder.clone()),
                (None, None) => Scope::All,
            },
            lang: t.spec.lang.clone().unwrap_or_default(),
            hide: t.spec.action == Action::Hide,
            notify: t.spec.notify,
            ..Default::default()
        }
    }

    /// The spec as typed.
    pub fn spec(&self) -> TopicSpec {
        let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        // No name typed: the query names the topic.
        let name = match self.name.trim() {
            "" => self.query.replace('"', "").trim().to_string(),
            n => n.to_string(),
        };
        TopicSpec {
            name,
            query: self.query.clone(),
            feed: match &self.scope {
                Scope::Feed(f) => Some(*f),
                _ => None,
            },
            folder: match &self.scope {
                Scope::Folder(f) => Some(f.clone()),
                _ => None,
            },
            lang: opt(&self.lang).map(|l| l.to_ascii_lowercase()),
            action: if self.hide {
                Action::Hide
            } else {
                Action::Follow
            },
            notify: self.notify,
        }
    }
}

impl KhabarApp {
    /// Starts (or finishes) the preview count for the draft's spec.
    pub(super) fn preview(&mut self) {
        let sync = self.sync_queries;
        let path = self.db_path.clone();
        let ctx = self.repaint.clone();
        let Some(d) = &mut self.topic_draft else {
            return;
        };
        if let Some(rx) = &d.preview_rx {
            while let Ok((spec, r)) = rx.try_recv() {
                if Some(&spec) == d.preview_for.as_ref() {
                    d.preview = Some(r);
                }
            }
        }
        let mut spec = d.spec();
        spec.name = "preview".into();
        if d.preview_for.as_ref() == Some(&spec) {
            return;
        }
        d.preview_for = Some(spec.clone());
        d.preview = None;
        if spec.compile().is_err() {
            return;
        }
        match (path, sync) {
            (Some(path), false) => {
                let (tx, rx) = std::sync::mpsc::channel();
                d.preview_rx = Some(rx);
                let _ = std::thread::Builder::new()
                    .name("khabar-preview".into())
                    .spawn(move || {
                        let r = crate::store::Store::open_read_only(&path)
                            .and_then(|s| s.preview_topic(&spec))
                            .map_err(|e| e.to_string());
                        let _ = tx.send((spec, r));
                        if let Some(ctx) = ctx {
                            ctx.request_repaint();
                        }
                    });
            }
            _ => {
                let r = match &self.store {
                    Some(s) => s.preview_topic(&spec).map_err(|e| e.to_string()),
                    None => Err("no store".into()),
                };
                if let Some(d) = &mut self.topic_draft {
                    d.preview = Some(r);
                }
            }
        }
    }

    pub(super) fn topic_dialog(&mut self, ctx: &egui::Context) {
        self.preview();
        let folders: Vec<String> = {
            let mut f: Vec<String> = self.feeds.iter().filter_map(|f| f.folder.clone()).collect();
            f.sort();
            f.dedup();
            f
        };
        let outlets: Vec<(crate::model::FeedId, String)> = self
            .feeds
            .iter()
            .map(|f| (f.id, f.display_name().to_string()))
            .collect();
        let taken: Vec<(TopicId, String)> = self
            .topics
            .iter()
            .map(|t| (t.id, t.spec.name.to_lowercase()))
            .collect();
        let Some(d) = &mut self.topic_draft else {
            return;
        };
        let mut open = true;
        let mut save = false;
        let mut cancel = false;
        let title = if d.editing.is_some() {
            "Edit topic"
        } else {
            "Follow a topic"
        };
        egui::Window::new(title)
            .collapsible(false)
            .resizable(false)
            .min_width(480.0)
            .anchor(egui::Align2::CENTER_TOP, [0.0, 100.0])
            .open(&mut open)
            .show(ctx, |ui| {
                ui.label("Words must all match; \"exact phrase\", OR, and -word to exclude.");
                ui.label(
                    RichText::new(
                        "Examples:  Iran Russia   ·   \"Imran Khan\" OR PTI   ·   cricket -IPL",
                    )
                    .weak(),
                );
                egui::Grid::new("topic-fields")
                    .num_columns(2)
                    .show(ui, |ui| {
                        let l = ui.label("Query");
                        ui.add(
                            egui::TextEdit::singleline(&mut d.query)
                                .hint_text("\"Imran Khan\" OR PTI")
                                .desired_width(340.0),
                        )
                        .labelled_by(l.id);
                        ui.end_row();
                        let l = ui.label("Name");
                        ui.add(egui::TextEdit::singleline(&mut d.name).desired_width(340.0))
                            .labelled_by(l.id);
                        ui.end_row();
                        let l = ui.label("Outlets");
                        let shown = match &d.scope {
                            Scope::All => "every outlet".to_string(),
                            Scope::Folder(f) => format!("folder {f}"),
                            Scope::Feed(id) => outlets
                                .iter()
                                .find(|(f, _)| f == id)
                                .map_or_else(|| "one outlet".into(), |(_, n)| n.clone()),
                        };
                        text::combo(ui, "topic-folder", shown, |ui| {
                            text::selectable_value(ui, &mut d.scope, Scope::All, "every outlet");
                            for f in &folders {
                                text::selectable_value(
                                    ui,
                                    &mut d.scope,
                                    Scope::Folder(f.clone()),
                                    format!("folder {f}"),
                                );
                            }
                            ui.separator();
                            for (id, name) in &outlets {
                                text::selectable_value(ui, &mut d.scope, Scope::Feed(*id), name);
                            }
                        })
                        .labelled_by(l.id);
                        ui.end_row();
                        let l = ui.label("Language");
                        ui.add(
                            egui::TextEdit::singleline(&mut d.lang)
                                .hint_text("any (or en, ur, ar…)")
                                .desired_width(120.0),
                        )
                        .labelled_by(l.id);
                        ui.end_row();
                    });
                ui.checkbox(
                    &mut d.hide,
                    "Hide what this matches everywhere (mute words)",
                );
                ui.add_enabled(
                    !d.hide,
                    egui::Checkbox::new(&mut d.notify, "Notify me of new articles"),
                );
                let spec = d.spec();
                let check = spec.compile();
                let dup = taken
                    .iter()
                    .any(|(id, n)| *n == spec.name.to_lowercase() && Some(*id) != d.editing);
                match &check {
                    Err(crate::topics::TopicError::Query(e)) if !d.query.trim().is_empty() => {
                        // Point at the problem under what was typed.
                        let caret: String = " ".repeat(e.at);
                        ui.label(
                            RichText::new(format!("{}\n{caret}^", d.query))
                                .monospace()
                                .color(reader::error_color(ui)),
                        );
                        ui.label(RichText::new(&e.message).color(reader::error_color(ui)));
                    }
                    Err(crate::topics::TopicError::Name(m)) if !d.query.trim().is_empty() => {
                        ui.label(RichText::new(m).color(reader::error_color(ui)));
                    }
                    Ok(_) if dup => {
                        text::label(
                            ui,
                            RichText::new(format!("a topic named \"{}\" exists", spec.name))
                                .color(reader::error_color(ui)),
                        );
                    }
                    Ok(_) => match &d.preview {
                        Some(Ok((n, unread))) => {
                            ui.label(format!("Matches {n} stored articles, {unread} unread"));
                        }
                        Some(Err(e)) => {
                            ui.label(RichText::new(e).color(reader::error_color(ui)));
                        }
                        None => {
                            ui.label(RichText::new("Counting…").weak());
                        }
                    },
                    Err(_) => {}
                }
                ui.horizontal(|ui| {
                    let label = match (d.editing.is_some(), d.hide) {
                        (true, _) => "Save",
                        (false, true) => "Hide",
                        (false, false) => "Follow",
                    };
                    if ui
                        .add_enabled(check.is_ok() && !dup, egui::Button::new(label))
                        .clicked()
                    {
                        save = true;
                    }
                    if ui.button("Cancel").clicked() {
                        cancel = true;
                    }
                });
            });
        if save {
            let spec = d.spec();
            match d.editing {
                Some(id) => self.send(Command::UpdateTopic(id, spec)),
                None => {
                    self.message = Some((format!("Following \"{}\"…", spec.name), false));
                    self.send(Command::AddTopic(spec));
                }
            }
            self.topic_draft = None;
        } else if cancel || !open {
            self.topic_draft = None;
        }
    }
}

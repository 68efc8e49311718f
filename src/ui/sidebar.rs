//! The sidebar: All / Unread / Starred / Today, followed topics (with
//! unread counts, mute words and suggestions), languages, and the feeds by
//! folder with their unread counts and error badges.

use egui::RichText;

use super::app::{KhabarApp, Source};
use super::dialogs::topic::TopicDraft;
use super::{bidi, text};
use crate::model;
use crate::service::Command;
use crate::topics::{Action, Topic, TopicSpec};

impl KhabarApp {
    pub(super) fn sources(&mut self, ui: &mut egui::Ui) {
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
            self.digest_entry(ui);
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
            // An icon column once any icon is ready (names stay aligned).
            let with_icons = self.icons.ready() > 0;
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
                    if with_icons {
                        self.icon_cell(ui, f.id);
                    }
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
                    self.trouble_badge(ui, f);
                });
            }
            self.badge_legend(ui);
        });
    }

    /// The outlet's icon at text height, or the same space empty.
    fn icon_cell(&self, ui: &mut egui::Ui, feed: model::FeedId) {
        let side = ui.text_style_height(&egui::TextStyle::Body);
        let (rect, _) = ui.allocate_exact_size(egui::vec2(side, side), egui::Sense::hover());
        if let Some(tex) = self.icons.get(feed) {
            super::icons::paint(ui, tex, rect.center(), side - 2.0);
        }
    }

    pub(super) fn topics_section(&mut self, ui: &mut egui::Ui) {
        let now = model::now();
        ui.horizontal(|ui| {
            ui.label(RichText::new("Topics").strong());
            if ui
                .small_button("+ Follow")
                .on_hover_text("Follow a topic across every outlet")
                .clicked()
            {
                self.topic_draft = Some(TopicDraft::new(""));
            }
        });
        let topics = self.topics.clone();
        let mut any = false;
        for t in topics.iter().filter(|t| t.spec.action == Action::Follow) {
            any = true;
            let sel = self.prefs.source == Source::Topic(t.id.0);
            let muted = t.is_muted(now);
            let text = if muted {
                RichText::new(format!("{}  (muted)", t.spec.name)).weak()
            } else if t.unread > 0 {
                RichText::new(format!("{}  {}", t.spec.name, t.unread))
            } else {
                RichText::new(&t.spec.name)
            };
            let resp = text::selectable(ui, sel, text);
            let resp = text::tooltip(
                resp,
                format!(
                    "{}\n{} articles, {} unread",
                    t.spec.query, t.total, t.unread
                ),
            );
            if resp.clicked() {
                self.set_source(Source::Topic(t.id.0));
            }
            resp.context_menu(|ui| self.topic_menu(ui, t, muted, now));
        }
        if !any {
            ui.label(
                RichText::new("Follow words, names or phrases across every outlet.")
                    .weak()
                    .small(),
            );
        }
        let hidden: Vec<&Topic> = topics
            .iter()
            .filter(|t| t.spec.action == Action::Hide)
            .collect();
        if !hidden.is_empty() {
            ui.collapsing(format!("Hidden words ({})", hidden.len()), |ui| {
                for t in hidden {
                    let resp = text::label(ui, format!("{}  ({} hidden)", t.spec.query, t.total))
                        .on_hover_text("Right-click to edit or remove");
                    resp.context_menu(|ui| self.topic_menu(ui, t, false, now));
                }
            });
        }
        if !self.suggestions.is_empty() {
            let suggestions = self.suggestions.clone();
            ui.collapsing("Suggested", |ui| {
                for s in suggestions {
                    let why = match s.source {
                        crate::topics::suggest::Source::Category => "a feed category",
                        crate::topics::suggest::Source::Name => "a name in recent headlines",
                    };
                    if ui
                        .small_button(format!("+ {}", s.name))
                        .on_hover_text(format!("{why}: {} recent articles", s.count))
                        .clicked()
                    {
                        self.send(Command::AddTopic(TopicSpec::follow(&s.name, &s.query)));
                        self.suggestions.retain(|x| x.name != s.name);
                    }
                }
            });
        }
    }

    pub(super) fn topic_menu(&mut self, ui: &mut egui::Ui, t: &Topic, muted: bool, now: i64) {
        if ui.button("Edit…").clicked() {
            self.topic_draft = Some(TopicDraft::edit(t));
            ui.close();
        }
        if t.spec.action == Action::Follow {
            if muted {
                if ui.button("Unmute").clicked() {
                    self.send(Command::MuteTopic(t.id, None));
                    ui.close();
                }
            } else {
                for (label, secs) in [
                    ("Mute for an hour", 3600),
                    ("Mute for a day", 86_400),
                    ("Mute for a week", 7 * 86_400),
                ] {
                    if ui.button(label).clicked() {
                        self.send(Command::MuteTopic(t.id, Some(now + secs)));
                        ui.close();
                    }
                }
            }
        }
        let label = if t.spec.action == Action::Hide {
            "Show these again"
        } else {
            "Stop following"
        };
        if ui.button(label).clicked() {
            self.send(Command::RemoveTopic(t.id));
            if self.prefs.source == Source::Topic(t.id.0) {
                self.set_source(Source::All);
            }
            ui.close();
        }
    }
}

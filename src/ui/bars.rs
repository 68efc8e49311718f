//! The top bar (poll, add feed, OPML, settings, search, theme, help) and the
//! status bar (offline, poll progress, last poll, sync state, the last
//! message).

use egui::RichText;

use super::app::KhabarApp;
use super::reader;
use super::text::{self, relative};
use crate::model;
use crate::service::Command;

impl KhabarApp {
    pub(super) fn top_bar(&mut self, ui: &mut egui::Ui) {
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

    pub(super) fn status_bar(&mut self, ui: &mut egui::Ui) {
        egui::Panel::bottom("status").show(ui, |ui| {
            ui.horizontal(|ui| {
                if self.status.offline {
                    let text = if self.counts.0 > 0 {
                        "Offline: could not reach any outlet; showing stored articles"
                    } else {
                        "Offline: could not reach any outlet"
                    };
                    ui.label(RichText::new(text).color(reader::error_color(ui)));
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
                if let Some((text, err, tip)) =
                    crate::sync::status::summary(&self.accounts.list, model::now())
                {
                    ui.separator();
                    let rich = if err {
                        RichText::new(text).color(reader::error_color(ui))
                    } else {
                        RichText::new(text)
                    };
                    let r = ui.add(egui::Label::new(rich).sense(egui::Sense::click()));
                    if r.on_hover_text(tip).clicked() {
                        self.accounts.open = true;
                    }
                    ui.separator();
                }
                if let Some((m, err)) = &self.message {
                    let color = if *err {
                        reader::error_color(ui)
                    } else {
                        ui.visuals().text_color()
                    };
                    text::label(ui, RichText::new(m).color(color));
                }
            });
        });
    }
}

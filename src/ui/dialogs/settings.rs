//! The settings dialog: poll interval, image caps, notifications, mark
//! read on open, which feeds save full articles, and the way to
//! Settings → Accounts (sync).

use egui::RichText;

use crate::service::Command;
use crate::ui::app::KhabarApp;
use crate::ui::text;

impl KhabarApp {
    pub(super) fn settings_dialog(&mut self, ctx: &egui::Context) {
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
                self.story_rows_setting(ui);
                ui.horizontal(|ui| {
                    ui.label("Sync with your own server");
                    if ui.button("Accounts…").clicked() {
                        self.accounts.open = true;
                    }
                });
                ui.separator();
                ui.label(RichText::new("Save full articles for offline reading").strong());
                let feeds = self.feeds.clone();
                egui::ScrollArea::vertical()
                    .max_height(260.0)
                    .show(ui, |ui| {
                        for f in &feeds {
                            let mut on = f.fetch_articles;
                            if text::checkbox(ui, &mut on, f.display_name()).changed() {
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
}

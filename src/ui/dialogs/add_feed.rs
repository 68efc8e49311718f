//! The add-feed dialog: a feed URL or a site's address (the service finds
//! the site's feeds); `khabar subscribe LINK` opens it filled in.

use egui::Key;

use crate::service::Command;
use crate::ui::app::KhabarApp;

impl KhabarApp {
    pub(super) fn add_dialog(&mut self, ctx: &egui::Context) {
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

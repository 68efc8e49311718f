//! The OPML dialog: import subscriptions from a file or export them to it.

use std::path::PathBuf;

use crate::service::Command;
use crate::ui::app::KhabarApp;

impl KhabarApp {
    pub(super) fn opml_dialog(&mut self, ctx: &egui::Context) {
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
}

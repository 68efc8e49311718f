//! The keyboard shortcuts overlay (`?`).

use egui::RichText;

use crate::ui::app::KhabarApp;

impl KhabarApp {
    pub(super) fn help(&mut self, ctx: &egui::Context) {
        egui::Window::new("Keyboard shortcuts")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_TOP, [0.0, 120.0])
            .show(ctx, |ui| {
                egui::Grid::new("keys").show(ui, |ui| {
                    for (k, what) in [
                        ("j / k", "next / previous article"),
                        ("n", "next unread"),
                        ("m", "mark read / unread (a whole story)"),
                        ("Right / Left", "show / hide a story's outlets"),
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
}

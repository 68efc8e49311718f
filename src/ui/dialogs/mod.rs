//! The dialogs, one file each: add a feed, OPML, settings, sync accounts,
//! a topic, the keyboard help. Each is a method on the app that draws its window while
//! its flag (or draft) is set; [`KhabarApp::dialogs`] draws those open.

pub mod accounts;
mod add_feed;
mod help;
mod opml;
mod settings;
pub mod topic;

use crate::ui::app::KhabarApp;

impl KhabarApp {
    /// Draws the dialogs that are open.
    pub(in crate::ui) fn dialogs(&mut self, ctx: &egui::Context) {
        if self.show_help {
            self.help(ctx);
        }
        if self.add_open {
            self.add_dialog(ctx);
        }
        if self.settings_open {
            self.settings_dialog(ctx);
        }
        if self.accounts.open {
            self.accounts_dialog(ctx);
        }
        if self.opml_open {
            self.opml_dialog(ctx);
        }
        if self.topic_draft.is_some() {
            self.topic_dialog(ctx);
        }
    }
}

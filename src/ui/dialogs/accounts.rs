//! Settings → Accounts: the sync accounts with their state, a form to add
//! one (kind, address, user, password), removal and "Sync now".
//!
//! The dialog writes nothing itself: adding, removing and syncing are
//! service commands, and the password goes to the service, which checks
//! it with the server and keeps it (keyring or a 0600 file). The form's
//! fields live here, in [`Accounts`], and only an `AccountAdded` answer
//! for the account typed empties them: a refusal, or any other account's
//! state arriving, leaves what was typed in place.

use egui::RichText;

use crate::model;
use crate::service::{Command, Password};
use crate::store::sync::AccountKind;
use crate::sync::status::{AccountStatus, ago};
use crate::ui::app::KhabarApp;
use crate::ui::reader;

/// The accounts dialog's state and the accounts' sync state.
#[derive(Debug, Default)]
pub struct Accounts {
    /// The dialog is shown.
    pub open: bool,
    /// Every account's state, as the service last sent it.
    pub list: Vec<AccountStatus>,
    /// The form: Google Reader API (true) or Fever.
    pub greader: bool,
    /// The form: the server's API address.
    pub url: String,
    /// The form: user name or email.
    pub username: String,
    /// The form: the password (sent to the service, never stored here
    /// after the account was added).
    pub password: String,
    /// The account sent to the service and not answered yet (url, user).
    pub pending: Option<(String, String)>,
    /// Why the last add was refused: (plain words, full cause).
    pub refused: Option<(String, String)>,
    /// The account whose removal waits for a confirmation.
    pub confirm_remove: Option<i64>,
}

impl Accounts {
    /// Whether (url, user) is the account sent to the service and not
    /// answered yet.
    fn is_pending(&self, url: &str, username: &str) -> bool {
        self.pending
            .as_ref()
            .is_some_and(|(u, n)| u == url && n == username)
    }

    /// The service added an account: the form empties if it was this one.
    pub fn added(&mut self, url: &str, username: &str) {
        if self.is_pending(url, username) {
            self.pending = None;
            self.refused = None;
            self.url.clear();
            self.username.clear();
            self.password.clear();
        }
    }

    /// The service refused an account: the form keeps what was typed.
    pub fn refused(&mut self, url: &str, username: &str, reason: String, detail: String) {
        if self.is_pending(url, username) {
            self.pending = None;
        }
        self.refused = Some((reason, detail));
    }
}

impl KhabarApp {
    pub(super) fn accounts_dialog(&mut self, ctx: &egui::Context) {
        let mut open = true;
        egui::Window::new("Accounts")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_TOP, [0.0, 100.0])
            .open(&mut open)
            .show(ctx, |ui| {
                ui.label("Sync subscriptions and read state with your own server.");
                self.accounts_list(ui);
                ui.separator();
                self.accounts_form(ui);
            });
        if !open {
            self.accounts.open = false;
            self.accounts.confirm_remove = None;
        }
    }

    fn accounts_list(&mut self, ui: &mut egui::Ui) {
        if self.accounts.list.is_empty() {
            ui.label(RichText::new("No accounts yet.").weak());
            return;
        }
        let now = model::now();
        let mut remove = None;
        let mut confirm = self.accounts.confirm_remove;
        egui::Grid::new("accounts")
            .num_columns(5)
            .striped(true)
            .show(ui, |ui| {
                for a in &self.accounts.list {
                    ui.label(a.kind.as_str());
                    ui.label(&a.url);
                    ui.label(&a.username);
                    let state = if a.running {
                        ui.label("Syncing…")
                    } else if let Some(e) = &a.error {
                        ui.label(RichText::new(e).color(reader::error_color(ui)))
                    } else if let Some(t) = a.last_success {
                        ui.label(format!("Synced {}", ago(now, t)))
                    } else {
                        ui.label("Not synced yet")
                    };
                    if let Some(d) = &a.detail {
                        state.on_hover_text(d);
                    }
                    if confirm == Some(a.id) {
                        ui.horizontal(|ui| {
                            if ui.button("Remove for good").clicked() {
                                remove = Some(a.id);
                            }
                            if ui.button("Keep").clicked() {
                                confirm = None;
                            }
                        });
                    } else if ui
                        .button("Remove")
                        .on_hover_text("Its feeds and articles stay, polled by Khabar")
                        .clicked()
                    {
                        confirm = Some(a.id);
                    }
                    ui.end_row();
                }
            });
        self.accounts.confirm_remove = confirm;
        if let Some(id) = remove {
            self.accounts.confirm_remove = None;
            self.send(Command::RemoveAccount(id));
        }
        let running = self.accounts.list.iter().any(|a| a.running);
        if ui
            .add_enabled(!running, egui::Button::new("Sync now"))
            .clicked()
        {
            self.send(Command::SyncNow);
        }
    }

    fn accounts_form(&mut self, ui: &mut egui::Ui) {
        ui.label(RichText::new("Add an account").strong());
        let f = &mut self.accounts;
        egui::Grid::new("account-form")
            .num_columns(2)
            .show(ui, |ui| {
                ui.label("Kind");
                ui.horizontal(|ui| {
                    ui.radio_value(&mut f.greader, false, "Fever")
                        .on_hover_text("Coldsweat, Miniflux, FreshRSS, tt-rss with the plugin");
                    ui.radio_value(&mut f.greader, true, "Google Reader")
                        .on_hover_text("FreshRSS, Miniflux, Inoreader, The Old Reader");
                });
                ui.end_row();
                let l = ui.label("Server address");
                ui.add(
                    egui::TextEdit::singleline(&mut f.url)
                        .hint_text("https://example.org/fever/")
                        .desired_width(300.0),
                )
                .labelled_by(l.id);
                ui.end_row();
                let l = ui.label("User");
                ui.add(egui::TextEdit::singleline(&mut f.username).desired_width(300.0))
                    .labelled_by(l.id);
                ui.end_row();
                let l = ui.label("Password");
                ui.add(
                    egui::TextEdit::singleline(&mut f.password)
                        .password(true)
                        .desired_width(300.0),
                )
                .labelled_by(l.id);
                ui.end_row();
            });
        if let Some((reason, detail)) = &f.refused {
            ui.label(RichText::new(format!("Not added: {reason}")).color(reader::error_color(ui)))
                .on_hover_text(detail);
        }
        let ready = f.pending.is_none()
            && !f.url.trim().is_empty()
            && !f.username.trim().is_empty()
            && !f.password.is_empty();
        let mut command = None;
        ui.horizontal(|ui| {
            let add = ui.add_enabled(ready, egui::Button::new("Add account"));
            if f.pending.is_some() {
                ui.spinner();
                ui.label("Checking the password with the server…");
            }
            if add.clicked() {
                let kind = if f.greader {
                    AccountKind::GReader
                } else {
                    AccountKind::Fever
                };
                let url = f.url.trim().to_string();
                let username = f.username.trim().to_string();
                f.pending = Some((url.clone(), username.clone()));
                f.refused = None;
                let password = Password(f.password.clone());
                command = Some(Command::AddAccount {
                    kind,
                    url,
                    username,
                    password,
                });
            }
        });
        if let Some(c) = command {
            self.send(c);
        }
    }
}

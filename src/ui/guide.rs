//! First-run guidance and empty states: what the headline list says when it
//! is empty (and why: no subscriptions yet, offline, a failing feed, nothing
//! unread), the welcome in the reader while nothing is stored, the sidebar's
//! trouble badges in plain words with their legend, and the way to the demo
//! newsroom (`khabar --demo` in a window of its own, so the user's profile
//! is left alone).

use egui::RichText;

use super::app::{KhabarApp, Source};
use super::{reader, text};
use crate::error::Trouble;
use crate::model::Feed;
use crate::service::Command;

/// Starts the demo newsroom somewhere else (a second process in the real
/// window; a counter in tests).
pub type DemoLauncher = Box<dyn FnMut() -> std::io::Result<()>>;

/// The guide's state.
#[derive(Default)]
pub struct Guide {
    /// A view query has been applied: until then an empty list means
    /// nothing (no "no subscriptions" flash at start-up).
    pub(super) loaded: bool,
    /// How to open the demo; without one the demo is not offered (in the
    /// demo itself, say).
    pub(super) demo: Option<DemoLauncher>,
}

/// Opens `khabar --demo` from this program's own executable, as a process
/// of its own (waited for on a thread, so it leaves no zombie).
pub fn spawn_demo() -> std::io::Result<()> {
    let exe = std::env::current_exe()?;
    let mut child = std::process::Command::new(exe)
        .arg("--demo")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    std::thread::Builder::new()
        .name("khabar-demo-wait".into())
        .spawn(move || {
            let _ = child.wait();
        })?;
    Ok(())
}

/// Something the empty list offers to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    PollAgain,
    ClearSearch,
    ShowAll,
}

/// A way to start, in the welcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    AddFeed,
    ImportOpml,
    Demo,
}

/// What an empty headline list says.
#[derive(Debug)]
struct Empty {
    title: String,
    detail: Option<String>,
    acts: Vec<Act>,
}

/// The badge of a feed with an error: its trouble and the word shown.
pub(super) fn trouble(f: &Feed) -> Option<Trouble> {
    f.last_error.as_deref().map(|e| Trouble::of(e, f.gone))
}

/// The host of a feed's address, for messages.
fn host(f: &Feed) -> String {
    url::Url::parse(&f.url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| f.url.clone())
}

impl KhabarApp {
    /// Sets how the window opens the demo newsroom (see [`spawn_demo`]).
    pub fn set_demo_launcher(&mut self, launcher: Option<DemoLauncher>) {
        self.guide.demo = launcher;
    }

    /// Whether the network looks down: the service said so, or every
    /// feed's last check failed to reach its server.
    fn looks_offline(&self) -> bool {
        self.status.offline
            || (!self.feeds.is_empty()
                && self
                    .feeds
                    .iter()
                    .all(|f| trouble(f) == Some(Trouble::Unreachable)))
    }

    /// The badge after a feed's name in the sidebar, with its meaning and
    /// the stored error in a tooltip.
    pub(super) fn trouble_badge(&self, ui: &mut egui::Ui, f: &Feed) {
        let Some(t) = trouble(f) else { return };
        let offline = self.looks_offline();
        let color = match t {
            // Not the outlet's fault: a quieter colour than a real error.
            Trouble::Unreachable | Trouble::NoAnswer => ui.visuals().warn_fg_color,
            _ => reader::error_color(ui),
        };
        let resp = ui.label(RichText::new(t.badge(offline)).color(color).small());
        let err = f.last_error.as_deref().unwrap_or_default();
        let checks = if f.error_count == 1 {
            "the last check".to_string()
        } else {
            format!("the last {} checks", f.error_count)
        };
        text::tooltip(
            resp,
            format!(
                "{}: {}\n{} failed: {err}",
                host(f),
                t.meaning(offline),
                checks
            ),
        );
    }

    /// Under the feeds: what the badges shown mean, once per kind.
    pub(super) fn badge_legend(&self, ui: &mut egui::Ui) {
        let mut kinds: Vec<Trouble> = self.feeds.iter().filter_map(trouble).collect();
        if kinds.is_empty() {
            return;
        }
        kinds.sort();
        kinds.dedup();
        let offline = self.looks_offline();
        ui.add_space(6.0);
        egui::CollapsingHeader::new(RichText::new("What the badges mean").small())
            .id_salt("badge-legend")
            .show(ui, |ui| {
                for t in kinds {
                    ui.label(
                        RichText::new(format!("{}: {}", t.badge(offline), t.meaning(offline)))
                            .small(),
                    );
                }
                ui.label(
                    RichText::new("Hover a badge for the outlet's own error.")
                        .small()
                        .weak(),
                );
            });
    }

    /// What the empty headline list says about the current view.
    fn empty_state(&self) -> Empty {
        let n = self.feeds.len();
        let none = |title: &str, detail: Option<&str>, acts: Vec<Act>| Empty {
            title: title.to_string(),
            detail: detail.map(str::to_string),
            acts,
        };
        if self.feeds.is_empty() {
            return none(
                "No subscriptions yet",
                Some(
                    "Add a feed or a site's address, import an OPML file, or look around the demo newsroom.",
                ),
                vec![],
            );
        }
        if !self.search.trim().is_empty() && self.search_error.is_none() {
            return Empty {
                title: format!("No headlines match “{}”", self.search.trim()),
                detail: Some("The search looks in titles and article text.".into()),
                acts: vec![Act::ClearSearch],
            };
        }
        if let Source::Feed(id) = &self.prefs.source {
            let feed = self.feeds.iter().find(|f| f.id.0 == *id);
            let name = feed.map_or("this outlet", |f| f.display_name());
            let detail = match feed.and_then(|f| trouble(f).map(|t| (f, t))) {
                Some((f, t)) => {
                    format!(
                        "{}: {}",
                        t.badge(self.looks_offline()),
                        t.meaning(self.looks_offline())
                    ) + &f
                        .last_error
                        .as_deref()
                        .map(|e| format!("\n({e})"))
                        .unwrap_or_default()
                }
                None => "Its articles show here after the next poll.".to_string(),
            };
            return Empty {
                title: format!("Nothing from {name} yet"),
                detail: Some(detail),
                acts: vec![Act::PollAgain],
            };
        }
        let stored = self.counts.0;
        if stored == 0 {
            if self.status.running {
                return Empty {
                    title: format!("Checking {n} outlets for the first time…"),
                    detail: Some("Headlines appear here as they arrive.".into()),
                    acts: vec![],
                };
            }
            if self.looks_offline() {
                return Empty {
                    title: format!("No articles yet: none of your {n} outlets could be reached"),
                    detail: Some(
                        "This computer seems to be offline. Khabar tries again by itself and keeps \
                         what it fetches for reading offline. The demo newsroom works with no network."
                            .into(),
                    ),
                    acts: vec![Act::PollAgain],
                };
            }
            let failing = self.feeds.iter().filter(|f| f.last_error.is_some()).count();
            let detail = if failing > 0 {
                format!(
                    "{failing} of {n} outlets failed at their last check: the badges in the sidebar say why."
                )
            } else {
                "Press Poll now (r) to check your outlets.".to_string()
            };
            return Empty {
                title: "No articles yet".into(),
                detail: Some(detail),
                acts: vec![Act::PollAgain],
            };
        }
        let show_all = vec![Act::ShowAll];
        match &self.prefs.source {
            // (A feed's own empty list is handled above.)
            Source::All | Source::Feed(_) => none("No headlines", None, vec![]),
            Source::Unread => none(
                "Nothing unread",
                Some("New articles arrive with the next poll."),
                show_all,
            ),
            Source::Starred => none(
                "No starred articles",
                Some("Press s on an open article to keep it here."),
                show_all,
            ),
            Source::Today => none(
                "Nothing published today yet",
                Some("Articles dated since midnight show here."),
                show_all,
            ),
            Source::Folder(name) => Empty {
                title: format!("Nothing in {name} yet"),
                detail: None,
                acts: show_all,
            },
            Source::Topic(_) => none(
                "Nothing matches this topic yet",
                Some("Articles that match its words are added as they arrive."),
                show_all,
            ),
            Source::Lang(code) => Empty {
                title: format!("No articles in {}", crate::lang::name(code)),
                detail: None,
                acts: show_all,
            },
        }
    }

    /// The empty headline list: what it means and what to do.
    pub(super) fn empty_list(&mut self, ui: &mut egui::Ui) {
        // The area fills the panel even before the first view has loaded
        // (an empty panel would shrink and keep its small width).
        let e = self.guide.loaded.then(|| self.empty_state());
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                if let Some(e) = e {
                    self.empty_list_body(ui, e);
                }
            });
    }

    fn empty_list_body(&mut self, ui: &mut egui::Ui, e: Empty) {
        ui.add_space(24.0);
        ui.vertical_centered(|ui| {
            text::label(ui, RichText::new(&e.title).strong().size(16.0));
            if let Some(d) = &e.detail {
                ui.add_space(4.0);
                text::label(ui, RichText::new(d).weak());
            }
            ui.add_space(8.0);
            for act in e.acts {
                let label = match act {
                    Act::PollAgain => "Check again now",
                    Act::ClearSearch => "Clear the search",
                    Act::ShowAll => "Show all articles",
                };
                if ui.button(label).clicked() {
                    match act {
                        Act::PollAgain => self.send(Command::PollNow),
                        Act::ClearSearch => {
                            self.search.clear();
                            self.refresh();
                        }
                        Act::ShowAll => self.set_source(Source::All),
                    }
                }
            }
        });
    }

    /// The reader while nothing is open: a welcome with the ways to start
    /// while nothing is stored, else a hint at the keys.
    pub(super) fn reader_empty(&mut self, ui: &mut egui::Ui) {
        let size = self.prefs.font_size;
        if !self.guide.loaded || self.counts.0 > 0 {
            ui.centered_and_justified(|ui| {
                reader::muted(
                    ui,
                    "Choose a headline (j and k move, ? lists every key)",
                    size,
                )
            });
            return;
        }
        reader::in_column(ui, size, |ui| {
            ui.add_space(48.0);
            ui.label(RichText::new("Welcome to Khabar").size(size * 1.6).strong());
            ui.add_space(6.0);
            ui.label(
                RichText::new(
                    "Khabar keeps the news you follow on this computer: the headlines, the \
                         clean article and its pictures, ready to read offline.",
                )
                .size(size),
            );
            ui.add_space(18.0);
            self.welcome_step(
                ui,
                Step::AddFeed,
                "Add a feed…",
                "Paste a site's address or a feed link; Khabar finds the site's feeds.",
                size,
            );
            self.welcome_step(
                ui,
                Step::ImportOpml,
                "Import OPML…",
                "Bring your subscriptions from another reader.",
                size,
            );
            if self.guide.demo.is_some() {
                self.welcome_step(
                    ui,
                    Step::Demo,
                    "Try the demo newsroom",
                    "A small newsroom served from this computer, with an Urdu outlet and a \
                         feed that fails on purpose. It opens in a window of its own and needs \
                         no network; your subscriptions are not touched.",
                    size,
                );
            }
            ui.add_space(12.0);
            reader::muted(ui, "Press ? for the keyboard shortcuts.", size * 0.85);
        });
    }

    fn welcome_step(&mut self, ui: &mut egui::Ui, step: Step, button: &str, why: &str, size: f32) {
        ui.horizontal_wrapped(|ui| {
            let resp = ui.add(
                egui::Button::new(RichText::new(button).size(size * 0.9))
                    .min_size(egui::vec2(190.0, 0.0)),
            );
            if resp.clicked() {
                self.welcome_action(step);
            }
            ui.label(
                RichText::new(why)
                    .size(size * 0.85)
                    .color(ui.visuals().weak_text_color()),
            );
        });
        ui.add_space(10.0);
    }

    fn welcome_action(&mut self, step: Step) {
        match step {
            Step::AddFeed => {
                self.add_open = true;
                self.focus_add = true;
            }
            Step::ImportOpml => self.opml_open = true,
            Step::Demo => self.try_demo(),
        }
    }

    /// Opens the demo newsroom, saying so (or why it could not).
    pub fn try_demo(&mut self) {
        let Some(launch) = self.guide.demo.as_mut() else {
            return;
        };
        self.message = Some(match launch() {
            Ok(()) => (
                "The demo newsroom opens in a window of its own.".to_string(),
                false,
            ),
            Err(e) => (format!("cannot start the demo newsroom: {e}"), true),
        });
    }
}

//! The background service the window talks to: one thread that owns the
//! writing connection and the poller, takes [`Command`]s and answers with
//! [`Event`]s. After sending events it calls the injected waker (the window
//! passes `ctx.request_repaint`), so the UI sleeps until something changed.
//!
//! Polling runs on a timer (the earliest next check, at least a minute
//! away) and on demand. While the network looks down (every fetch of a poll
//! failed with a DNS or connection error) the service says so and retries
//! with a short, growing delay, so polling resumes by itself.
//!
//! Sync with the reader's own server runs here too: after a scheduled
//! poll, once per poll interval, each account is synced in turn
//! ([`crate::sync::sync_account`]) and its state
//! ([`crate::sync::status::AccountStatus`]) goes to the window in an
//! [`Event::SyncStatus`]. Accounts are added (password checked and kept in
//! the keyring or a 0600 file) and removed through commands, so the window
//! never writes the store or waits on the network.
//!
//! Nothing here knows about egui.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::articles::ImageConfig;
use crate::fetch::{FetchConfig, Fetcher};
use crate::model::{self, ItemId};
use crate::poller::{FeedResult, PollEvent, PollOptions, PollSummary, Poller};
use crate::schedule::Policy;
use crate::store::Store;
use crate::store::sync::AccountKind;
use crate::sync::accounts::{self, Secrets};
use crate::sync::status::{self, AccountStatus};
use crate::sync::{Client, Http, SyncError, SyncOptions};
use crate::topics::{TopicId, TopicSpec};

/// A password on its way to the service: never printed, not even by
/// `{:?}` of a command.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(pub String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(hidden)")
    }
}

/// What the window asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Poll every feed now.
    PollNow,
    /// Mark an item read or unread.
    SetRead(ItemId, bool),
    /// Mark every item of a story read or unread (a lone item's story is
    /// its own id).
    SetStoryRead(i64, bool),
    /// Show one row per story in the window, or one per article (the
    /// setting, stored in the settings table).
    SetStoryRows(bool),
    /// Star or unstar an item.
    SetStarred(ItemId, bool),
    /// Subscribe to a feed or site URL.
    AddFeed(String),
    /// Import an OPML file.
    ImportOpml(PathBuf),
    /// Export subscriptions to an OPML file.
    ExportOpml(PathBuf),
    /// Fetch full articles for a feed, or not.
    SetFeedArticles(crate::model::FeedId, bool),
    /// New settings: poll interval in minutes and image caps in MB.
    Configure {
        /// Normal interval between checks.
        poll_minutes: u32,
        /// Largest image to cache.
        image_cap_mb: u32,
        /// Most image data per article.
        article_images_cap_mb: u32,
    },
    /// Follow a new topic (backfilled over stored articles).
    AddTopic(TopicSpec),
    /// Change a topic.
    UpdateTopic(TopicId, TopicSpec),
    /// Stop following a topic.
    RemoveTopic(TopicId),
    /// Mute a topic until a time (None unmutes).
    MuteTopic(TopicId, Option<i64>),
    /// Sync every account now (and poll the feeds that are due).
    SyncNow,
    /// Add a sync account: the password is checked with the server first;
    /// a refused one adds nothing ([`Event::AccountRefused`]).
    AddAccount {
        /// Protocol.
        kind: AccountKind,
        /// The server's API address.
        url: String,
        /// User name or email.
        username: String,
        /// The password, kept in the keyring or a 0600 file.
        password: Password,
    },
    /// Remove a sync account (its feeds and items stay).
    RemoveAccount(i64),
    /// Stop the service.
    Shutdown,
}

/// What the service reports.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A poll started.
    PollStarted {
        /// Feeds to poll.
        feeds: usize,
    },
    /// Progress of a poll.
    Progress {
        /// Feeds done.
        feeds_done: usize,
        /// Feeds in this poll.
        feeds: usize,
        /// Article pages saved so far.
        articles: usize,
    },
    /// A poll finished.
    PollFinished {
        /// Totals.
        summary: PollSummary,
        /// When it finished (Unix seconds).
        at: i64,
    },
    /// Stored data changed (items, flags, feeds): re-query.
    DataChanged,
    /// The network looks down (true) or back (false).
    Offline(bool),
    /// A command the user gave succeeded, in plain words.
    Done(String),
    /// A command the user gave failed, in plain words.
    Failed(String),
    /// Followed topics got new articles in the poll that just finished:
    /// (topic, new articles, newest headline), for one batched notification.
    NewHits(Vec<(String, i64, String)>),
    /// The state of every sync account (sent whole after each change).
    SyncStatus(Vec<AccountStatus>),
    /// An account asked for by [`Command::AddAccount`] was added.
    AccountAdded {
        /// Its address, as given.
        url: String,
        /// Its user, as given.
        username: String,
        /// What happened, in plain words.
        message: String,
    },
    /// An account asked for by [`Command::AddAccount`] was not added.
    AccountRefused {
        /// Its address, as given.
        url: String,
        /// Its user, as given.
        username: String,
        /// Why, in a few plain words ("wrong user name or password").
        reason: String,
        /// The full cause, naming the server.
        detail: String,
    },
}

/// The window's end of the service.
pub struct ServiceHandle {
    commands: Sender<Command>,
    /// Events to drain each frame.
    pub events: Receiver<Event>,
    thread: Option<JoinHandle<()>>,
}

impl ServiceHandle {
    /// Sends a command; a stopped service ignores it.
    pub fn send(&self, c: Command) {
        let _ = self.commands.send(c);
    }
}

impl Drop for ServiceHandle {
    fn drop(&mut self) {
        let _ = self.commands.send(Command::Shutdown);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Configuration of the service.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    /// Data folder (database and images).
    pub data_dir: PathBuf,
    /// Poll when started.
    pub poll_on_start: bool,
    /// HTTP limits.
    pub fetch: FetchConfig,
    /// Fetch full articles.
    pub articles: bool,
    /// Sync settings.
    pub sync: SyncSetup,
}

/// How the service syncs.
#[derive(Debug, Clone)]
pub struct SyncSetup {
    /// Timeouts and article fetching of a sync.
    pub options: SyncOptions,
    /// Keep passwords in the keyring where one answers (else in files;
    /// `KHABAR_NO_KEYRING` turns it off too).
    pub keyring: bool,
}

impl Default for SyncSetup {
    fn default() -> Self {
        SyncSetup {
            options: SyncOptions::default(),
            keyring: true,
        }
    }
}

/// Starts the service thread. `waker` is called after events are sent.
pub fn spawn(
    config: ServiceConfig,
    waker: Box<dyn Fn() + Send + Sync>,
) -> std::io::Result<ServiceHandle> {
    let (ctx, crx) = mpsc::channel::<Command>();
    let (etx, erx) = mpsc::channel::<Event>();
    let thread = std::thread::Builder::new()
        .name("khabar-service".into())
        .spawn(move || run(config, crx, etx, waker))?;
    Ok(ServiceHandle {
        commands: ctx,
        events: erx,
        thread: Some(thread),
    })
}

struct Ctx {
    events: Sender<Event>,
    waker: Box<dyn Fn() + Send + Sync>,
}

impl Ctx {
    fn send(&self, e: Event) {
        let _ = self.events.send(e);
        (self.waker)();
    }
}

fn run(
    config: ServiceConfig,
    commands: Receiver<Command>,
    events: Sender<Event>,
    waker: Box<dyn Fn() + Send + Sync>,
) {
    let cx = Ctx { events, waker };
    let setup = (|| {
        let store = Store::open_in_dir(&config.data_dir).map_err(|e| e.to_string())?;
        let fetcher = Fetcher::new(config.fetch.clone()).map_err(|e| e.to_string())?;
        let rt = crate::poller::runtime().map_err(|e| e.to_string())?;
        let images = ImageConfig {
            dir: Some(config.data_dir.join("images")),
            ..Default::default()
        };
        Ok::<_, String>((
            Poller::new(store, fetcher, Policy::default()).with_images(images),
            rt,
        ))
    })();
    let (mut poller, rt) = match setup {
        Ok(x) => x,
        Err(e) => {
            cx.send(Event::Failed(format!(
                "cannot start the background service: {e}"
            )));
            return;
        }
    };
    let secrets = if config.sync.keyring {
        Secrets::new(&config.data_dir)
    } else {
        Secrets::files_only(&config.data_dir)
    };
    let mut sync_opts = config.sync.options.clone();
    sync_opts.articles.articles &= config.articles;
    let mut sync_state: Vec<AccountStatus> = Vec::new();
    if let Ok(list) = poller.store().accounts()
        && !list.is_empty()
    {
        sync_state = list.iter().map(AccountStatus::of).collect();
        cx.send(Event::SyncStatus(sync_state.clone()));
    }
    let mut sync_every = Policy::default().interval;
    let mut next_sync = 0i64;
    let mut offline_streak = 0u32;
    // After an offline poll the feeds carry error backoffs that were not
    // their fault: the retry polls all of them.
    let mut force_next = false;
    let mut next_poll = if config.poll_on_start {
        0
    } else {
        next_due(&mut poller)
    };
    loop {
        let now = model::now();
        let wait = Duration::from_secs((next_poll - now).clamp(0, 3600) as u64);
        let cmd = if next_poll <= now {
            None
        } else {
            match commands.recv_timeout(wait) {
                Ok(c) => Some(c),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        };
        match cmd {
            Some(Command::Shutdown) => return,
            Some(Command::SetRead(id, on)) => {
                report(
                    &cx,
                    poller.store().set_read(id, on).map_err(|e| e.to_string()),
                    None,
                );
            }
            Some(Command::SetStoryRead(story, on)) => {
                let r = poller.store().set_story_read(story, on);
                report(&cx, r.map(|_| ()).map_err(|e| e.to_string()), None);
            }
            Some(Command::SetStoryRows(on)) => {
                let r = poller.store().set_story_rows(on);
                report(&cx, r.map_err(|e| e.to_string()), None);
            }
            Some(Command::SetStarred(id, on)) => {
                report(
                    &cx,
                    poller
                        .store()
                        .set_starred(id, on)
                        .map_err(|e| e.to_string()),
                    None,
                );
            }
            Some(Command::SetFeedArticles(id, on)) => {
                report(
                    &cx,
                    poller
                        .store()
                        .set_fetch_articles(id, on)
                        .map_err(|e| e.to_string()),
                    None,
                );
            }
            Some(Command::Configure {
                poll_minutes,
                image_cap_mb,
                article_images_cap_mb,
            }) => {
                let policy = Policy {
                    interval: i64::from(poll_minutes.max(10)) * 60,
                    ..Policy::default()
                };
                sync_every = policy.interval;
                poller.set_policy(policy);
                poller.set_image_caps(
                    image_cap_mb as usize * 1024 * 1024,
                    article_images_cap_mb as usize * 1024 * 1024,
                );
            }
            Some(Command::AddFeed(url)) => {
                let fetcher = poller.fetcher().clone();
                let r = rt.block_on(crate::discover::subscribe(
                    &fetcher,
                    poller.store(),
                    &url,
                    None,
                ));
                match r {
                    Ok(sub) => report(
                        &cx,
                        Ok(()),
                        Some(format!(
                            "Subscribed to {} ({} articles)",
                            sub.title.as_deref().unwrap_or(&sub.url),
                            sub.items
                        )),
                    ),
                    Err(e) => cx.send(Event::Failed(e.to_string())),
                }
            }
            Some(Command::ImportOpml(path)) => {
                let r = import_opml(poller.store(), &path);
                match r {
                    Ok(n) => report(
                        &cx,
                        Ok(()),
                        Some(format!("Imported {n} feeds from {}", path.display())),
                    ),
                    Err(e) => cx.send(Event::Failed(e)),
                }
                next_poll = 0;
            }
            Some(Command::ExportOpml(path)) => {
                let r = poller
                    .store()
                    .feeds()
                    .map_err(|e| e.to_string())
                    .and_then(|f| {
                        std::fs::write(
                            &path,
                            crate::opml::export(&f, &chrono::Utc::now().to_rfc2822()),
                        )
                        .map_err(|e| format!("cannot write {}: {e}", path.display()))
                    });
                match r {
                    Ok(()) => cx.send(Event::Done(format!(
                        "Exported subscriptions to {}",
                        path.display()
                    ))),
                    Err(e) => cx.send(Event::Failed(e)),
                }
            }
            Some(Command::AddTopic(spec)) => {
                let name = spec.name.trim().to_string();
                let r = poller.store().add_topic(&spec, model::now()).map(|_| ());
                report(
                    &cx,
                    r.map_err(|e| e.to_string()),
                    Some(format!("Following \"{name}\"")),
                );
            }
            Some(Command::UpdateTopic(id, spec)) => {
                let r = poller.store().update_topic(id, &spec);
                report(&cx, r.map_err(|e| e.to_string()), None);
            }
            Some(Command::RemoveTopic(id)) => {
                let r = poller.store().remove_topic(id);
                report(&cx, r.map_err(|e| e.to_string()), None);
            }
            Some(Command::MuteTopic(id, until)) => {
                let r = poller.store().mute_topic(id, until);
                report(&cx, r.map_err(|e| e.to_string()), None);
            }
            Some(Command::SyncNow) => {
                next_sync = 0;
                next_poll = 0;
            }
            Some(Command::AddAccount {
                kind,
                url,
                username,
                password,
            }) => {
                let added = add_account(
                    &rt,
                    poller.store(),
                    &secrets,
                    &sync_opts,
                    (kind, &url, &username),
                    &password.0,
                );
                match added {
                    Ok(message) => {
                        cx.send(Event::AccountAdded {
                            url,
                            username,
                            message,
                        });
                        let _ = refresh_sync_state(poller.store(), &mut sync_state);
                        cx.send(Event::SyncStatus(sync_state.clone()));
                        // Its first sync, now.
                        next_sync = 0;
                        next_poll = 0;
                    }
                    Err(e) => cx.send(Event::AccountRefused {
                        url,
                        username,
                        reason: status::plain(&e),
                        detail: e.to_string(),
                    }),
                }
            }
            Some(Command::RemoveAccount(id)) => {
                match accounts::remove_account(poller.store(), &secrets, id) {
                    Ok(a) => report(
                        &cx,
                        Ok(()),
                        Some(format!(
                            "Removed the {}; its feeds and articles stay",
                            a.label()
                        )),
                    ),
                    Err(e) => cx.send(Event::Failed(e.to_string())),
                }
                let _ = refresh_sync_state(poller.store(), &mut sync_state);
                cx.send(Event::SyncStatus(sync_state.clone()));
            }
            Some(Command::PollNow) | None => {
                // One poll at a time on a store: a background `khabar poll`
                // holding the lock makes this one wait a minute.
                // (A folder where no lock can be made does not stop polling.)
                let _lock = match crate::desktop::PollLock::try_acquire(&config.data_dir) {
                    Ok(Some(lock)) => Some(lock),
                    Err(_) => None,
                    Ok(None) => {
                        if matches!(cmd, Some(Command::PollNow)) {
                            cx.send(Event::Done(
                                "A background poll is running; this window polls after it".into(),
                            ));
                            force_next = true;
                        }
                        next_poll = model::now() + 60;
                        continue;
                    }
                };
                let force =
                    matches!(cmd, Some(Command::PollNow)) || std::mem::take(&mut force_next);
                let summary = poll(&rt, &mut poller, &cx, force, config.articles);
                if model::now() >= next_sync || matches!(cmd, Some(Command::PollNow)) {
                    sync_all(&rt, &mut poller, &cx, &secrets, &sync_opts, &mut sync_state);
                    next_sync = model::now() + sync_every;
                }
                let now = model::now();
                if let Some((s, all_offline)) = summary {
                    {
                        if all_offline {
                            offline_streak += 1;
                            cx.send(Event::Offline(true));
                            // Try again soon, backing off to five minutes.
                            next_poll = now + (30 * i64::from(offline_streak)).min(300);
                            force_next = true;
                            continue;
                        }
                        if offline_streak > 0 {
                            offline_streak = 0;
                            cx.send(Event::Offline(false));
                        }
                        cx.send(Event::PollFinished {
                            summary: s,
                            at: now,
                        });
                        match poller.store().take_new_hits(now) {
                            Ok(hits) if !hits.is_empty() => cx.send(Event::NewHits(hits)),
                            _ => {}
                        }
                    }
                }
                next_poll = next_due(&mut poller).max(now + 60);
            }
        }
    }
}

/// Checks the password with the server, then keeps the account and its
/// password. A server that cannot be reached now does not stop the adding
/// (Khabar syncs when it can); a refusal or a wrong answer does.
fn add_account(
    rt: &tokio::runtime::Runtime,
    store: &Store,
    secrets: &Secrets,
    opts: &SyncOptions,
    (kind, url, username): (AccountKind, &str, &str),
    password: &str,
) -> Result<String, SyncError> {
    crate::fetch::guard::parse_http_url(url.trim())
        .map_err(|e| SyncError::Password(format!("the server address is not usable: {e}")))?;
    if password.is_empty() {
        return Err(SyncError::Password("the password is empty".into()));
    }
    let (account, _kept) = accounts::add_account(store, secrets, kind, url, username, password)?;
    let checked =
        Http::new(opts).and_then(|http| rt.block_on(Client::login(&http, &account, password)));
    match checked {
        Ok(_) => Ok(format!("Added the {}", account.label())),
        Err(e) if e.is_unreachable() => Ok(format!(
            "Added the {}; the server cannot be reached now, Khabar syncs when it can",
            account.label()
        )),
        Err(e) => {
            let _ = accounts::remove_account(store, secrets, account.id);
            Err(e)
        }
    }
}

/// Makes `state` follow the stored accounts, keeping what is known of
/// the ones already there; returns the accounts read.
fn refresh_sync_state(
    store: &Store,
    state: &mut Vec<AccountStatus>,
) -> Result<Vec<crate::store::sync::Account>, crate::error::StoreError> {
    let list = store.accounts()?;
    let old = std::mem::take(state);
    *state = list
        .iter()
        .map(|a| {
            old.iter()
                .find(|o| o.id == a.id)
                .cloned()
                .unwrap_or_else(|| AccountStatus::of(a))
        })
        .collect();
    Ok(list)
}

/// Syncs every account in turn, reporting each one's state.
fn sync_all(
    rt: &tokio::runtime::Runtime,
    poller: &mut Poller,
    cx: &Ctx,
    secrets: &Secrets,
    opts: &SyncOptions,
    state: &mut Vec<AccountStatus>,
) {
    let list = match refresh_sync_state(poller.store(), state) {
        Ok(l) => l,
        Err(e) => {
            cx.send(Event::Failed(format!("cannot read the sync accounts: {e}")));
            return;
        }
    };
    for account in list {
        let Some(i) = state.iter().position(|s| s.id == account.id) else {
            continue;
        };
        state[i].running = true;
        cx.send(Event::SyncStatus(state.clone()));
        let result = secrets.load(&account).and_then(|password| {
            rt.block_on(crate::sync::sync_account(
                poller,
                &account,
                &password,
                opts,
                &mut |_| {},
            ))
        });
        state[i].finished(result.as_ref().map(|_| ()), model::now());
        cx.send(Event::SyncStatus(state.clone()));
        if result.is_ok() {
            cx.send(Event::DataChanged);
        }
    }
}

fn report(cx: &Ctx, r: Result<(), String>, done: Option<String>) {
    match r {
        Ok(()) => {
            cx.send(Event::DataChanged);
            if let Some(d) = done {
                cx.send(Event::Done(d));
            }
        }
        Err(e) => cx.send(Event::Failed(e)),
    }
}

fn next_due(poller: &mut Poller) -> i64 {
    poller
        .store()
        .feeds()
        .ok()
        .and_then(|f| f.iter().filter(|f| !f.gone).map(|f| f.next_check_at).min())
        .unwrap_or(model::now() + 1800)
}

/// One poll, with progress events; returns the summary and whether every
/// fetch failed as if offline.
fn poll(
    rt: &tokio::runtime::Runtime,
    poller: &mut Poller,
    cx: &Ctx,
    force: bool,
    articles: bool,
) -> Option<(PollSummary, bool)> {
    let opts = PollOptions {
        force,
        articles,
        icons: true,
        ..Default::default()
    };
    let (mut done, mut total, mut saved) = (0usize, 0usize, 0usize);
    let (mut offline, mut attempted) = (0usize, 0usize);
    let mut last_changed = std::time::Instant::now();
    let r = rt.block_on(poller.poll(&opts, &mut |ev| match ev {
        PollEvent::Started { total: t } => {
            total = t;
            cx.send(Event::PollStarted { feeds: t });
        }
        PollEvent::FeedDone { result, .. } => {
            done += 1;
            attempted += 1;
            if matches!(result, FeedResult::Failed { offline: true, .. }) {
                offline += 1;
            }
            cx.send(Event::Progress {
                feeds_done: done,
                feeds: total,
                articles: saved,
            });
            // New items show up while the poll goes on, at most twice a second.
            if matches!(result, FeedResult::Fetched { new_items } if new_items > 0)
                && last_changed.elapsed() > Duration::from_millis(500)
            {
                last_changed = std::time::Instant::now();
                cx.send(Event::DataChanged);
            }
        }
        PollEvent::ArticleDone { saved: s, .. } => {
            if s {
                saved += 1;
            }
            cx.send(Event::Progress {
                feeds_done: done,
                feeds: total,
                articles: saved,
            });
        }
        PollEvent::ArticlesStarted { .. } | PollEvent::Finished(_) => {}
    }));
    cx.send(Event::DataChanged);
    match r {
        Ok(s) => Some((s, attempted > 0 && offline == attempted)),
        Err(e) => {
            cx.send(Event::Failed(format!("the poll stopped: {e}")));
            None
        }
    }
}

fn import_opml(store: &mut Store, path: &std::path::Path) -> Result<usize, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let text = crate::fetch::charset::decode(&bytes, None).text;
    let entries =
        crate::opml::parse(&text).map_err(|e| format!("cannot import {}: {e}", path.display()))?;
    let mut added = 0;
    for e in entries {
        if let Ok(url) = crate::fetch::guard::parse_http_url(&e.url)
            && store
                .add_feed(url.as_str(), e.title.as_deref(), e.folder.as_deref())
                .is_ok()
        {
            added += 1;
        }
    }
    Ok(added)
}

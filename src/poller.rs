//! The poll: the one place that combines store, fetch, parse and schedule.
//!
//! [`Poller::poll`] takes the due feeds (all with `force`), fetches them
//! concurrently through the shared [`Fetcher`] (which enforces the global and
//! per-host limits), parses each document on the blocking pool, and applies
//! each result to the store as it arrives, one transaction per feed. It owns
//! the writing connection. Progress is reported through a callback, so the
//! command line can draw a bar and the window can forward events over a
//! channel and wake itself.
//!
//! Politeness rules applied here:
//! - validators are sent back byte-exact; a 304 costs no parse and no item
//!   write, only the feed's polling times;
//! - a host that sent `Retry-After` is not asked again before then, by any
//!   feed, across runs (the deadline is stored);
//! - errors back off exponentially, with the reason kept on the feed;
//! - 410 Gone stops polling the feed;
//! - a 301/308 chain changes the stored URL only once the new URL served a
//!   valid feed; 302/307 never do.

use tokio::task::JoinSet;
use url::Url;

use crate::articles::{ArticleResult, ImageConfig, fetch_article};
use crate::error::{FetchError, ParseError, StoreError};
use crate::fetch::{self, AddressPolicy, Fetcher, Kind, Outcome, Validators};
use crate::model::{self, Feed, FeedId, IncomingFeed, Timestamp};
use crate::parse;
use crate::schedule::{self, Policy};
use crate::store::articles::ArticleStatus;
use crate::store::{FetchRecord, Store};

/// Options of one poll.
#[derive(Debug, Clone)]
pub struct PollOptions {
    /// Poll every feed, due or not (gone feeds included).
    pub force: bool,
    /// Fetch the article pages of new items.
    pub articles: bool,
    /// Fetch pages of items first seen within this many seconds.
    pub article_window: i64,
    /// Most article pages per poll (newest first).
    pub max_articles: usize,
    /// Look for the icons of feeds that have none (once per feed, see
    /// [`crate::icons`]). Off unless asked for: the window, `khabar poll`
    /// and the daemon ask.
    pub icons: bool,
}

impl Default for PollOptions {
    fn default() -> Self {
        PollOptions {
            force: false,
            articles: true,
            article_window: 3 * 86_400,
            max_articles: 300,
            icons: false,
        }
    }
}

/// How one feed's poll ended.
#[derive(Debug, Clone, PartialEq)]
pub enum FeedResult {
    /// A document was fetched and stored.
    Fetched {
        /// Items new to the store.
        new_items: usize,
    },
    /// 304 Not Modified.
    NotModified,
    /// The host asked us to wait; not counted as an error.
    Deferred {
        /// Until when.
        until: Timestamp,
    },
    /// 410 Gone: polling stopped.
    Gone,
    /// Any failure, in plain words.
    Failed {
        /// The reason.
        error: String,
        /// True when it looks like the network is down.
        offline: bool,
    },
}

/// Progress of a poll.
#[derive(Debug, Clone, PartialEq)]
pub enum PollEvent {
    /// The poll started with this many feeds.
    Started {
        /// Feeds to poll.
        total: usize,
    },
    /// One feed finished.
    FeedDone {
        /// Which feed.
        feed: FeedId,
        /// Its title or URL.
        name: String,
        /// How it went.
        result: FeedResult,
    },
    /// Article pages are being fetched.
    ArticlesStarted {
        /// Pages to fetch.
        total: usize,
    },
    /// One article page finished.
    ArticleDone {
        /// The item.
        item: crate::model::ItemId,
        /// A clean article was saved (else the feed's text stays).
        saved: bool,
    },
    /// The poll finished.
    Finished(PollSummary),
}

/// Totals of one poll.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PollSummary {
    /// Feeds polled.
    pub feeds: usize,
    /// Fetched and stored.
    pub fetched: usize,
    /// Answered 304.
    pub not_modified: usize,
    /// Failed (gone included).
    pub failed: usize,
    /// Deferred because their host asked us to wait.
    pub deferred: usize,
    /// Items new to the store.
    pub new_items: usize,
    /// Article pages saved for offline reading.
    pub articles: usize,
    /// Article pages that fell back to the feed's text.
    pub article_fallbacks: usize,
}

impl std::fmt::Display for PollSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} feeds: {} fetched, {} not modified, {} failed, {} new items",
            self.feeds, self.fetched, self.not_modified, self.failed, self.new_items
        )?;
        if self.deferred > 0 {
            write!(f, ", {} waiting for their server", self.deferred)?;
        }
        if self.articles + self.article_fallbacks > 0 {
            write!(
                f,
                "; {} articles saved for offline reading, {} kept the feed's text",
                self.articles, self.article_fallbacks
            )?;
        }
        Ok(())
    }
}

/// What a fetch task hands back to the writer.
struct TaskResult {
    feed: Feed,
    started: Timestamp,
    result: Result<TaskOk, TaskErr>,
}

enum TaskOk {
    NotModified {
        max_age: Option<i64>,
        permanent_url: Option<Url>,
    },
    Parsed {
        doc: Box<IncomingFeed>,
        /// Its items' text analysed on the parse worker
        /// (`store::prepare_items`), for the store to use.
        prepared: Vec<crate::store::topics::Prepared>,
        /// What was repaired in a broken document.
        warning: Option<String>,
        validators: Validators,
        max_age: Option<i64>,
        permanent_url: Option<Url>,
    },
}

enum TaskErr {
    Fetch(FetchError),
    Parse {
        error: ParseError,
        permanent_url: Option<Url>,
    },
}

/// Polls feeds into a store.
pub struct Poller {
    store: Store,
    fetcher: Fetcher,
    policy: Policy,
    images: ImageConfig,
    /// Icons named by this poll's documents, for [`Poller::fetch_icons`].
    icon_hints: std::collections::HashMap<model::FeedId, String>,
}

/// Most feeds whose icon is looked for in one poll.
pub const MAX_ICON_JOBS: usize = 32;

impl Poller {
    /// A poller writing to `store`.
    pub fn new(store: Store, fetcher: Fetcher, policy: Policy) -> Poller {
        Poller {
            store,
            fetcher,
            policy,
            images: ImageConfig::default(),
            icon_hints: Default::default(),
        }
    }

    /// Changes the polling policy (the settings dialog).
    pub fn set_policy(&mut self, policy: Policy) {
        self.policy = policy;
    }

    /// Changes the image caps, keeping the cache folder.
    pub fn set_image_caps(&mut self, max_image: usize, max_per_article: usize) {
        self.images.max_image = max_image;
        self.images.max_per_article = max_per_article;
    }

    /// Caches article images under `config.dir` within its caps.
    pub fn with_images(mut self, config: ImageConfig) -> Poller {
        self.images = config;
        self
    }

    /// The store (the poller's writing connection).
    pub fn store(&mut self) -> &mut Store {
        &mut self.store
    }

    /// The fetcher.
    pub fn fetcher(&self) -> &Fetcher {
        &self.fetcher
    }

    /// Polls the due feeds (all with `force`) and reports progress to `on_event`.
    pub async fn poll(
        &mut self,
        opts: &PollOptions,
        on_event: &mut (dyn FnMut(PollEvent) + Send),
    ) -> Result<PollSummary, StoreError> {
        let now = model::now();
        for (host, until) in self.store.host_backoffs(now)? {
            self.fetcher.set_host_backoff(&host, until);
        }
        let feeds = if opts.force {
            self.store.polled_feeds()?
        } else {
            self.store.due_feeds(now)?
        };
        let mut summary = PollSummary {
            feeds: feeds.len(),
            ..Default::default()
        };
        on_event(PollEvent::Started { total: feeds.len() });

        let mut tasks: JoinSet<TaskResult> = JoinSet::new();
        for feed in feeds {
            let host = Url::parse(&feed.url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_default();
            if let Some(until) = self.fetcher.host_backoff(&host) {
                self.store.defer(feed.id, until)?;
                summary.deferred += 1;
                on_event(PollEvent::FeedDone {
                    feed: feed.id,
                    name: feed.display_name().to_string(),
                    result: FeedResult::Deferred { until },
                });
                continue;
            }
            let fetcher = self.fetcher.clone();
            tasks.spawn(poll_one(fetcher, feed));
        }

        while let Some(joined) = tasks.join_next().await {
            let Ok(done) = joined else {
                // A task panicked outside the contained parser; the feed keeps
                // its state and is retried at its next check.
                summary.failed += 1;
                continue;
            };
            let feed_id = done.feed.id;
            let name = done.feed.display_name().to_string();
            let result = self.apply(done)?;
            match &result {
                FeedResult::Fetched { new_items } => {
                    summary.fetched += 1;
                    summary.new_items += new_items;
                }
                FeedResult::NotModified => summary.not_modified += 1,
                FeedResult::Deferred { .. } => summary.deferred += 1,
                FeedResult::Gone | FeedResult::Failed { .. } => summary.failed += 1,
            }
            on_event(PollEvent::FeedDone {
                feed: feed_id,
                name,
                result,
            });
        }
        if opts.icons {
            self.fetch_icons().await?;
        }
        if opts.articles {
            self.fetch_articles(
                now - opts.article_window,
                opts.max_articles,
                &mut summary,
                on_event,
            )
            .await?;
        }
        self.prune_if_due();
        on_event(PollEvent::Finished(summary));
        Ok(summary)
    }

    /// Fetches the article pages of recent items that have none yet, with
    /// no feed poll: `khabar sync` calls this after a pull, so synced items
    /// get their pages like polled ones.
    pub async fn fetch_pending_articles(
        &mut self,
        opts: &PollOptions,
        on_event: &mut (dyn FnMut(PollEvent) + Send),
    ) -> Result<PollSummary, StoreError> {
        let mut summary = PollSummary::default();
        if opts.articles {
            let since = model::now() - opts.article_window;
            self.fetch_articles(since, opts.max_articles, &mut summary, on_event)
                .await?;
        }
        Ok(summary)
    }

    /// Automatic retention (`store::retention`), at most once a day: old
    /// read, unstarred articles go, and image files no article uses. A
    /// failure here never fails the poll: the next one tries again.
    fn prune_if_due(&mut self) {
        let Ok(Some(report)) = self.store.prune_if_due(model::now()) else {
            return;
        };
        if let Some(dir) = &self.images.dir {
            for hash in &report.orphan_images {
                let _ = std::fs::remove_file(crate::articles::image_path(dir, hash));
            }
        }
    }

    /// Looks for the icons of feeds that have none (at most
    /// [`MAX_ICON_JOBS`] a poll), with the feed's own icon from this poll's
    /// documents as the first place to look.
    async fn fetch_icons(&mut self) -> Result<(), StoreError> {
        let now = model::now();
        let feeds = self.store.feeds_needing_icons(now)?;
        let mut tasks: JoinSet<crate::icons::IconFound> = JoinSet::new();
        for feed in feeds.into_iter().take(MAX_ICON_JOBS) {
            let job = crate::icons::IconJob {
                feed: feed.id,
                hint: self.icon_hints.remove(&feed.id),
                site_url: feed.site_url.clone(),
                feed_url: feed.url,
            };
            tasks.spawn(crate::icons::find(self.fetcher.clone(), job));
        }
        while let Some(joined) = tasks.join_next().await {
            let Ok(found) = joined else { continue };
            match found.result {
                Ok((url, bytes)) => self.store.set_feed_icon(found.feed, &url, &bytes, now)?,
                Err(why) => self.store.refuse_feed_icon(found.feed, &why, now)?,
            }
        }
        self.icon_hints.clear();
        Ok(())
    }

    /// Fetches the article pages of recent items that have none yet.
    async fn fetch_articles(
        &mut self,
        since: Timestamp,
        limit: usize,
        summary: &mut PollSummary,
        on_event: &mut (dyn FnMut(PollEvent) + Send),
    ) -> Result<(), StoreError> {
        let jobs = self.store.items_needing_articles(since, limit)?;
        if jobs.is_empty() {
            return Ok(());
        }
        on_event(PollEvent::ArticlesStarted { total: jobs.len() });
        let mut tasks: JoinSet<ArticleResult> = JoinSet::new();
        for job in jobs {
            tasks.spawn(fetch_article(
                self.fetcher.clone(),
                job,
                self.images.clone(),
            ));
        }
        while let Some(joined) = tasks.join_next().await {
            let Ok(done) = joined else { continue };
            let item = done.job.item;
            self.store.save_article(item, &done.record)?;
            for img in &done.images {
                self.store.add_image(
                    &img.hash,
                    &img.mime,
                    img.bytes,
                    Some(img.size),
                    done.record.fetched_at,
                )?;
                self.store.link_image(item, &img.url, &img.hash)?;
            }
            for r in &done.refused {
                self.store.refuse_image(item, &r.url, &r.reason)?;
            }
            let saved = done.record.status == ArticleStatus::Ok;
            if saved {
                summary.articles += 1;
            } else {
                summary.article_fallbacks += 1;
            }
            on_event(PollEvent::ArticleDone { item, saved });
        }
        Ok(())
    }

    /// Writes one task's result to the store and says how it went.
    fn apply(&mut self, done: TaskResult) -> Result<FeedResult, StoreError> {
        let TaskResult {
            feed,
            started,
            result,
        } = done;
        let policy = self.policy;
        match result {
            Ok(TaskOk::NotModified {
                max_age,
                permanent_url,
            }) => {
                let next = schedule::next_check(
                    &policy,
                    schedule::Outcome::Success { max_age },
                    feed.publisher_interval,
                    started,
                );
                self.store.record_not_modified(feed.id, started, next)?;
                if let Some(u) = permanent_url {
                    // Not adopted until the new URL serves a feed itself.
                    self.store.set_redirect_url(feed.id, u.as_str())?;
                }
                Ok(FeedResult::NotModified)
            }
            Ok(TaskOk::Parsed {
                doc,
                prepared,
                warning,
                validators,
                max_age,
                permanent_url,
            }) => {
                let next = schedule::next_check(
                    &policy,
                    schedule::Outcome::Success { max_age },
                    doc.publisher_interval,
                    started,
                );
                let new_url = match permanent_url {
                    Some(u) if u.as_str() != feed.url => {
                        // Adopt only if no other subscription already has it.
                        match self.store.feed_by_url(u.as_str())? {
                            None => Some(u.to_string()),
                            Some(_) => None,
                        }
                    }
                    _ => None,
                };
                let record = FetchRecord {
                    fetched_at: started,
                    next_check_at: next,
                    validators,
                    new_url,
                };
                if let Some(icon) = &doc.icon_url {
                    self.icon_hints.insert(feed.id, icon.clone());
                }
                let stats =
                    self.store
                        .apply_feed_prepared(feed.id, &doc, Some(prepared), &record)?;
                self.store.set_feed_warning(feed.id, warning.as_deref())?;
                Ok(FeedResult::Fetched {
                    new_items: stats.new_items,
                })
            }
            Err(TaskErr::Fetch(FetchError::Gone)) => {
                self.store.record_gone(feed.id, started)?;
                Ok(FeedResult::Gone)
            }
            Err(TaskErr::Fetch(FetchError::HostBackoff(_))) => {
                let host = Url::parse(&feed.url)
                    .ok()
                    .and_then(|u| u.host_str().map(str::to_string))
                    .unwrap_or_default();
                let until = self
                    .fetcher
                    .host_backoff(&host)
                    .unwrap_or(started + policy.min_interval);
                self.store.defer(feed.id, until)?;
                Ok(FeedResult::Deferred { until })
            }
            Err(TaskErr::Fetch(e)) => {
                let retry_after = match &e {
                    FetchError::Status {
                        retry_after: Some(t),
                        ..
                    } => Some(*t),
                    _ => None,
                };
                if let (Some(t), Some(host)) = (
                    retry_after,
                    Url::parse(&feed.url)
                        .ok()
                        .and_then(|u| u.host_str().map(str::to_string)),
                ) {
                    self.store.set_host_backoff(&host, t)?;
                }
                let text = e.to_string();
                self.fail(&feed, started, &text, retry_after, None)?;
                Ok(FeedResult::Failed {
                    error: text,
                    offline: e.is_offline_like(),
                })
            }
            Err(TaskErr::Parse {
                error,
                permanent_url,
            }) => {
                let text = match &permanent_url {
                    Some(u) => format!(
                        "moved permanently to {u}, but that address did not give a feed ({error}); the subscription keeps its old address"
                    ),
                    None => error.to_string(),
                };
                self.fail(
                    &feed,
                    started,
                    &text,
                    None,
                    permanent_url.as_ref().map(Url::as_str),
                )?;
                Ok(FeedResult::Failed {
                    error: text,
                    offline: false,
                })
            }
        }
    }

    fn fail(
        &self,
        feed: &Feed,
        at: Timestamp,
        text: &str,
        retry_after: Option<Timestamp>,
        redirect: Option<&str>,
    ) -> Result<(), StoreError> {
        let next = schedule::next_check(
            &self.policy,
            schedule::Outcome::Error {
                consecutive: feed.error_count.saturating_add(1),
                retry_after,
            },
            feed.publisher_interval,
            at,
        );
        self.store.record_error(feed.id, at, text, next, redirect)
    }

    /// Runs [`Poller::poll`] on a fresh runtime (command line, tests).
    pub fn poll_blocking(
        &mut self,
        opts: &PollOptions,
        on_event: &mut (dyn FnMut(PollEvent) + Send),
    ) -> Result<PollSummary, StoreError> {
        let rt = runtime()?;
        rt.block_on(self.poll(opts, on_event))
    }
}

/// A tokio runtime sized for this work (two workers: the machines Khabar runs
/// on are laptops).
pub fn runtime() -> Result<tokio::runtime::Runtime, StoreError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        // Parsing is CPU work: more threads than cores only add memory.
        .max_blocking_threads(2)
        // Headroom for the recursive parts of extraction.
        .thread_stack_size(8 * 1024 * 1024)
        .enable_all()
        .build()
        .map_err(|e| StoreError::DataDir {
            path: "(runtime)".into(),
            source: e,
        })
}

async fn poll_one(fetcher: Fetcher, feed: Feed) -> TaskResult {
    let started = model::now();
    let validators = Validators {
        etag: feed.etag.clone(),
        last_modified: feed.last_modified.clone(),
    };
    let result = fetch_and_parse(&fetcher, &feed.url, &validators).await;
    TaskResult {
        feed,
        started,
        result,
    }
}

async fn fetch_and_parse(
    fetcher: &Fetcher,
    url: &str,
    validators: &Validators,
) -> Result<TaskOk, TaskErr> {
    // The user chose this feed: any address is fine for the feed itself.
    let outcome = fetcher
        .get(url, Kind::Feed, validators, AddressPolicy::Any)
        .await
        .map_err(TaskErr::Fetch)?;
    match outcome {
        Outcome::NotModified {
            cache,
            permanent_url,
        } => Ok(TaskOk::NotModified {
            max_age: cache.max_age,
            permanent_url,
        }),
        Outcome::Fetched(f) => {
            let charset = f
                .content_type
                .as_deref()
                .and_then(fetch::charset::charset_param);
            let base = f.final_url.clone();
            let body = f.body;
            // The items' text analysis (tokens, language) runs here too, on
            // the parse worker beside other feeds' fetches, not in the
            // store's transaction.
            let parsed = tokio::task::spawn_blocking(move || {
                parse::parse_feed_lenient(&body, charset.as_deref(), Some(&base)).map(|p| {
                    let prepared = crate::store::prepare_items(&p.feed);
                    (p, prepared)
                })
            })
            .await
            .unwrap_or_else(|e| Err(ParseError::Panicked(e.to_string())));
            match parsed {
                Ok((parsed, prepared)) => Ok(TaskOk::Parsed {
                    doc: Box::new(parsed.feed),
                    prepared,
                    warning: parsed.warning,
                    validators: f.validators,
                    max_age: f.cache.max_age,
                    permanent_url: f.permanent_url,
                }),
                Err(error) => Err(TaskErr::Parse {
                    error,
                    permanent_url: f.permanent_url,
                }),
            }
        }
    }
}

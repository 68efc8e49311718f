//! Sync with the reader's own server: accounts, the outbox, and the Fever
//! and Google Reader API clients. No egui here.
//!
//! One sync of one account ([`sync_account`]):
//! 1. log in (a wrong password is an error before anything changes);
//! 2. **push**: replay the outbox in order ([`outbox::push`]); each entry
//!    is deleted once the server took it, and kept when it could not be
//!    sent, so an outage or a crash loses nothing;
//! 3. **pull**: the server's groups become folders and its feeds become
//!    subscriptions; new items come incrementally (Fever `since_id`,
//!    Google Reader `ot` + continuation), one transaction per page with the
//!    cursor, through the same writer as polled items (full-text index,
//!    topics, stories);
//! 4. the read and starred flags follow the server's lists of unread and
//!    starred ids;
//! 5. article pages of the new items are fetched by Khabar itself
//!    ([`crate::poller::Poller::fetch_pending_articles`]).
//!
//! **Conflicts: the later change wins.** Neither protocol says *when* an
//! item was marked, so "later" is the order in which the changes reach the
//! server. A local mark (made offline or not) is sent before the pull, so
//! it wins over whatever the server had; a mark made on the server after
//! that is pulled and wins over the older local state. A pull never
//! overwrites a local mark still waiting in the outbox (the server could
//! not be reached): that mark is the later change and is sent next time.
//!
//! Synced feeds are ordinary feeds in every way but one: Khabar does not
//! poll them itself (the server does), so their items are not stored twice.
//! Removing the account, or the server dropping a feed, makes it an
//! ordinary polled feed again with its items kept.

pub mod accounts;
pub mod fever;
pub mod greader;
pub mod outbox;
pub mod status;

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use thiserror::Error;

use crate::error::StoreError;
use crate::model::{self, FeedId};
use crate::poller::{PollEvent, PollOptions, Poller};
use crate::store::Store;
use crate::store::sync::{Account, AccountKind, Mark, RemoteFeed, RemoteItem};

/// Most bytes of one answer from a sync server (10,000 items with their
/// texts fit easily).
pub const MAX_ANSWER: usize = 64 * 1024 * 1024;

/// Most pages pulled in one sync (a server that never stops is an error).
const MAX_PAGES: usize = 10_000;

/// What went wrong with a sync, in plain words naming the server.
#[derive(Debug, Error)]
pub enum SyncError {
    /// The server could not be reached at all.
    #[error("cannot reach the sync server {server}: {cause}")]
    Unreachable {
        /// The server's address.
        server: String,
        /// Why, in plain words.
        cause: String,
    },
    /// The server refused the user name or password.
    #[error("the sync server {server} refused the user name or password")]
    Auth {
        /// The server's address.
        server: String,
    },
    /// The server answered with an HTTP error.
    #[error("the sync server {server} answered {code} {reason}")]
    Status {
        /// The server's address.
        server: String,
        /// HTTP status.
        code: u16,
        /// Reason phrase.
        reason: String,
    },
    /// A web page came back where the API's JSON was expected.
    #[error(
        "the sync server {server} answered with a web page, not the API's data: is this the API's address?"
    )]
    Html {
        /// The server's address.
        server: String,
    },
    /// The answer could not be read (cut short, not JSON, wrong shape).
    #[error("the sync server {server} sent an answer Khabar cannot read: {detail}")]
    BadAnswer {
        /// The server's address.
        server: String,
        /// What was wrong.
        detail: String,
    },
    /// The answer was larger than [`MAX_ANSWER`].
    #[error("the sync server {server} sent more than {limit} bytes in one answer")]
    TooLarge {
        /// The server's address.
        server: String,
        /// The cap.
        limit: usize,
    },
    /// No password is known for the account.
    #[error("{0}")]
    Password(String),
    /// The local store failed.
    #[error("{0}")]
    Store(#[from] StoreError),
}

impl SyncError {
    /// True when the server could not be reached (the network or the
    /// server is down), as opposed to a server that answered wrongly.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, SyncError::Unreachable { .. })
    }
}

/// Totals of one sync.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct SyncReport {
    /// Outbox entries the server took.
    pub pushed: usize,
    /// Outbox entries dropped because the server no longer has the item.
    pub dropped: usize,
    /// Feeds new to the store.
    pub new_feeds: usize,
    /// Feeds the account lists.
    pub feeds: usize,
    /// Items new to the store.
    pub new_items: usize,
    /// Items whose flags changed to follow the server.
    pub state_changes: usize,
    /// Items skipped because their feed is not one the server listed.
    pub skipped: usize,
    /// Article pages saved for offline reading.
    pub articles: usize,
}

impl std::fmt::Display for SyncReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "sent {} marks, {} feeds ({} new), {} new items, {} flags changed by the server",
            self.pushed, self.feeds, self.new_feeds, self.new_items, self.state_changes
        )?;
        if self.dropped > 0 {
            write!(
                f,
                ", {} marks dropped (the server no longer has those items)",
                self.dropped
            )?;
        }
        if self.articles > 0 {
            write!(f, ", {} articles saved for offline reading", self.articles)?;
        }
        Ok(())
    }
}

/// Options of one sync.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// How long to wait to connect.
    pub connect_timeout: Duration,
    /// How long one request may take, answer included.
    pub timeout: Duration,
    /// Fetch the article pages of new items (as a poll does).
    pub articles: PollOptions,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            articles: PollOptions::default(),
        }
    }
}

/// The HTTP side of a sync: one client, answers capped, errors named.
#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
}

impl Http {
    /// A client with these timeouts.
    pub fn new(opts: &SyncOptions) -> Result<Http, SyncError> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .user_agent(crate::fetch::USER_AGENT)
            .connect_timeout(opts.connect_timeout)
            .timeout(opts.timeout)
            .redirect(reqwest::redirect::Policy::limited(5))
            .build()
            .map_err(|e| SyncError::Unreachable {
                server: "(none)".into(),
                cause: format!("cannot set up HTTP: {e}"),
            })?;
        Ok(Http { client })
    }

    /// Sends `req` and reads the answer: the status checked, the body
    /// capped. `server` names the server in errors.
    pub(crate) async fn send(
        &self,
        server: &str,
        req: reqwest::RequestBuilder,
    ) -> Result<(u16, Vec<u8>), SyncError> {
        let unreachable = |e: reqwest::Error| SyncError::Unreachable {
            server: server.to_string(),
            cause: describe(&e),
        };
        let mut resp = req.send().await.map_err(unreachable)?;
        let status = resp.status();
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| SyncError::BadAnswer {
            server: server.to_string(),
            detail: format!("the answer was cut off ({})", describe(&e)),
        })? {
            if body.len() + chunk.len() > MAX_ANSWER {
                return Err(SyncError::TooLarge {
                    server: server.to_string(),
                    limit: MAX_ANSWER,
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok((status.as_u16(), body))
    }

    /// The client, for building requests.
    pub(crate) fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

/// A POST with an `application/x-www-form-urlencoded` body.
pub(crate) fn post_form(
    client: &reqwest::Client,
    url: &str,
    fields: &[(&str, &str)],
) -> reqwest::RequestBuilder {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    client
        .post(url)
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(body)
}

/// `url` with `pairs` appended to its query.
pub(crate) fn with_query(url: &str, pairs: &[(&str, String)]) -> String {
    let mut s = url.to_string();
    let mut sep = if s.contains('?') { '&' } else { '?' };
    for (k, v) in pairs {
        let enc: String = url::form_urlencoded::byte_serialize(v.as_bytes()).collect();
        s.push(sep);
        s.push_str(k);
        s.push('=');
        s.push_str(&enc);
        sep = '&';
    }
    s
}

/// A transport error in plain words (reqwest's own text is nested).
fn describe(e: &reqwest::Error) -> String {
    let mut s = if e.is_timeout() {
        "no answer in time".to_string()
    } else if e.is_connect() {
        "the connection was refused or failed".to_string()
    } else {
        "network error".to_string()
    };
    let mut src: Option<&dyn std::error::Error> = std::error::Error::source(e);
    let mut last = None;
    while let Some(inner) = src {
        last = Some(inner.to_string());
        src = inner.source();
    }
    if let Some(l) = last {
        s.push_str(&format!(" ({l})"));
    }
    s
}

/// Checks a status and parses a JSON answer, naming what was wrong.
pub(crate) fn json_answer(
    server: &str,
    status: u16,
    body: &[u8],
) -> Result<serde_json::Value, SyncError> {
    check_status(server, status)?;
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map(|i| body[i]);
    if start == Some(b'<') {
        return Err(SyncError::Html {
            server: server.to_string(),
        });
    }
    serde_json::from_slice(body).map_err(|e| SyncError::BadAnswer {
        server: server.to_string(),
        detail: if e.is_eof() {
            "the JSON answer is cut short".to_string()
        } else {
            format!("not valid JSON ({e})")
        },
    })
}

/// An HTTP error status as a [`SyncError`].
pub(crate) fn check_status(server: &str, status: u16) -> Result<(), SyncError> {
    match status {
        200..=299 => Ok(()),
        401 | 403 => Err(SyncError::Auth {
            server: server.to_string(),
        }),
        code => Err(SyncError::Status {
            server: server.to_string(),
            code,
            reason: reqwest::StatusCode::from_u16(code)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("")
                .to_string(),
        }),
    }
}

/// An id that a server may send as a number or a string.
pub(crate) fn id_of(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    }
}

/// A flag a server may send as 0/1, true/false or "0"/"1".
pub(crate) fn flag_of(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Bool(b) => *b,
        serde_json::Value::Number(n) => n.as_i64().unwrap_or(0) != 0,
        serde_json::Value::String(s) => matches!(s.trim(), "1" | "true"),
        _ => false,
    }
}

/// Why one mark could not be sent.
#[derive(Debug)]
pub enum MarkError {
    /// The server no longer has the item: the mark is dropped.
    Gone,
    /// Anything else: the mark stays in the outbox.
    Failed(SyncError),
}

/// A logged-in client of either protocol.
pub enum Client {
    /// Fever API.
    Fever(fever::Fever),
    /// Google Reader API.
    GReader(greader::GReader),
}

impl Client {
    /// Logs in to the account's server.
    pub async fn login(
        http: &Http,
        account: &Account,
        password: &str,
    ) -> Result<Client, SyncError> {
        Ok(match account.kind {
            AccountKind::Fever => Client::Fever(
                fever::Fever::login(http.clone(), &account.url, &account.username, password)
                    .await?,
            ),
            AccountKind::GReader => Client::GReader(
                greader::GReader::login(http.clone(), &account.url, &account.username, password)
                    .await?,
            ),
        })
    }

    /// Sends one mark.
    pub async fn mark(&self, remote_id: &str, mark: Mark) -> Result<(), MarkError> {
        match self {
            Client::Fever(c) => c.mark(remote_id, mark).await,
            Client::GReader(c) => c.mark(remote_id, mark).await,
        }
    }

    /// The server's feeds with their folders.
    pub async fn feeds(&self) -> Result<Vec<RemoteFeed>, SyncError> {
        match self {
            Client::Fever(c) => c.feeds().await,
            Client::GReader(c) => c.feeds().await,
        }
    }

    /// One page of items after `cursor`, and the cursor after them (None:
    /// no more pages).
    pub async fn items_after(
        &self,
        cursor: &Cursor,
    ) -> Result<(Vec<RemoteItem>, Option<Cursor>), SyncError> {
        match self {
            Client::Fever(c) => c.items_after(cursor).await,
            Client::GReader(c) => c.items_after(cursor).await,
        }
    }

    /// The ids of unread and of starred items.
    pub async fn state(&self) -> Result<(HashSet<String>, HashSet<String>), SyncError> {
        match self {
            Client::Fever(c) => c.state().await,
            Client::GReader(c) => c.state().await,
        }
    }

    /// Where a first pull starts, or the stored cursor.
    pub fn start(&self, stored: Option<&str>) -> Cursor {
        match self {
            Client::Fever(_) => fever::start(stored),
            Client::GReader(_) => greader::start(stored),
        }
    }
}

/// Where an incremental pull is: what to store as the account's cursor,
/// and, within one sync, how to ask for the next page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cursor {
    /// Stored between syncs (Fever: the highest item id; Google Reader: the
    /// newest crawl time, Unix seconds).
    pub stored: String,
    /// Within one sync only (Google Reader's continuation).
    pub page: Option<String>,
}

/// Syncs one account: push, pull, state, article pages. The account's
/// `last_sync_at` / `last_error` are recorded either way. The outbox keeps
/// whatever could not be sent.
pub async fn sync_account(
    poller: &mut Poller,
    account: &Account,
    password: &str,
    opts: &SyncOptions,
    on_event: &mut (dyn FnMut(PollEvent) + Send),
) -> Result<SyncReport, SyncError> {
    let result = sync_inner(poller, account, password, opts).await;
    let store = poller.store();
    match &result {
        Ok(_) => store.record_sync(account.id, model::now(), None)?,
        Err(e) => store.record_sync(account.id, model::now(), Some(&e.to_string()))?,
    }
    let mut report = result?;
    let articles = poller
        .fetch_pending_articles(&opts.articles, on_event)
        .await?;
    report.articles = articles.articles;
    Ok(report)
}

async fn sync_inner(
    poller: &mut Poller,
    account: &Account,
    password: &str,
    opts: &SyncOptions,
) -> Result<SyncReport, SyncError> {
    let http = Http::new(opts)?;
    let client = Client::login(&http, account, password).await?;
    let store = poller.store();
    let mut report = SyncReport::default();
    let pushed = outbox::push(&client, store, account.id).await?;
    report.pushed = pushed.sent;
    report.dropped = pushed.dropped;

    let feeds = client.feeds().await?;
    let (map, new_feeds) = store.apply_remote_feeds(account.id, &feeds)?;
    report.new_feeds = new_feeds;
    report.feeds = map.len();

    pull_items(&client, store, account, &map, &mut report).await?;

    let (unread, starred) = client.state().await?;
    report.state_changes = store.apply_remote_state(account.id, &unread, &starred)?;
    Ok(report)
}

async fn pull_items(
    client: &Client,
    store: &mut Store,
    account: &Account,
    map: &HashMap<String, FeedId>,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    // The stored cursor may be newer than the account value we were given.
    let stored = store.account(account.id)?.cursor;
    let mut cursor = client.start(stored.as_deref());
    for _ in 0..MAX_PAGES {
        let (items, next) = client.items_after(&cursor).await?;
        let stored_cursor = next.as_ref().map(|c| c.stored.clone());
        let stats = store.apply_remote_items(account.id, map, &items, stored_cursor.as_deref())?;
        report.new_items += stats.stored.new_items;
        report.skipped += stats.skipped;
        match next {
            Some(n) if n != cursor => cursor = n,
            _ => return Ok(()),
        }
    }
    Err(SyncError::BadAnswer {
        server: account.url.clone(),
        detail: format!("more than {MAX_PAGES} pages of items; stopped"),
    })
}

/// [`sync_account`] on a runtime of its own, for callers without one (the
/// command line, tests).
pub fn sync_account_blocking(
    poller: &mut Poller,
    account: &Account,
    password: &str,
    opts: &SyncOptions,
    on_event: &mut (dyn FnMut(PollEvent) + Send),
) -> Result<SyncReport, SyncError> {
    let rt = crate::poller::runtime()?;
    rt.block_on(sync_account(poller, account, password, opts, on_event))
}

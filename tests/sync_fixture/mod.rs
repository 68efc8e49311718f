//! Loopback sync servers of our own, for the sync tests: a Fever API server
//! written from the Fever API's description (as Coldsweat, FreshRSS and
//! Miniflux implement it) and a Google Reader API server written from the
//! FreshRSS and Miniflux documentation. In-memory state, invented text,
//! and faults a test can switch on.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use khabar::fetch::{FetchConfig, Fetcher};
use khabar::poller::Poller;
use khabar::schedule::Policy;
use khabar::serve::{LocalServer, Reply, Request};
use khabar::store::Store;
use khabar::sync::SyncOptions;

pub const EMAIL: &str = "ann@example.org";
pub const PASSWORD: &str = "an invented password";

/// A fault the server shows instead of a good answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// A web page (a login page, a proxy's error page).
    Html,
    /// This HTTP status.
    Status(u16),
    /// The JSON answer cut in the middle.
    Truncated,
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub id: i64,
    pub feed: i64,
    pub title: String,
    pub url: String,
    pub html: String,
    pub created: i64,
}

#[derive(Debug, Default)]
pub struct State {
    pub groups: Vec<(i64, String)>,
    /// (id, title, url, group)
    pub feeds: Vec<(i64, String, String, Option<i64>)>,
    pub items: BTreeMap<i64, Entry>,
    pub read: BTreeSet<i64>,
    pub saved: BTreeSet<i64>,
    /// Items per `items` answer (Fever's 50; 0 = all).
    pub page: usize,
    /// A fault for every request whose command contains this text ("" = all).
    pub fault: Option<(String, Fault)>,
    /// Marks received: (id, as).
    pub marks: Vec<(String, String)>,
    /// Commands received, in order.
    pub log: Vec<String>,
}

impl State {
    /// Adds `n` items to feed `feed`, ids following the highest.
    pub fn add_items(&mut self, feed: i64, n: usize) {
        let start = self.items.keys().next_back().copied().unwrap_or(0) + 1;
        for id in start..start + n as i64 {
            self.items.insert(
                id,
                Entry {
                    id,
                    feed,
                    title: format!("Invented headline number {id}"),
                    url: format!("http://127.0.0.1:9/articles/{id}"),
                    html: format!("<p>Invented text of story {id} about the harbour.</p>"),
                    created: 1_700_000_000 + id,
                },
            );
        }
    }
}

pub fn form(body: &[u8]) -> BTreeMap<String, String> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

fn query(path: &str) -> BTreeMap<String, String> {
    let q = path.split_once('?').map(|(_, q)| q).unwrap_or("");
    url::form_urlencoded::parse(q.as_bytes())
        .into_owned()
        .collect()
}

fn fault_reply(f: Fault, good: &str) -> Reply {
    match f {
        Fault::Html => Reply::ok(
            "text/html",
            "<!DOCTYPE html><html><body><form>Please log in</form></body></html>",
        ),
        Fault::Status(code) => Reply::status(code),
        Fault::Truncated => Reply::ok("application/json", good[..good.len() / 2].to_string()),
    }
}

/// The Fever server: `/fever/?api&...`.
pub struct FeverServer {
    pub state: Arc<Mutex<State>>,
    pub server: LocalServer,
}

impl FeverServer {
    pub fn start() -> FeverServer {
        FeverServer::start_on(0, Arc::new(Mutex::new(FeverServer::seed())))
    }

    pub fn seed() -> State {
        let mut s = State {
            groups: vec![(1, "Harbour news".into())],
            feeds: vec![
                (
                    10,
                    "The Invented Gazette".into(),
                    "http://127.0.0.1:9/gazette.xml".into(),
                    Some(1),
                ),
                (
                    11,
                    "Loose Leaf".into(),
                    "http://127.0.0.1:9/leaf.xml".into(),
                    None,
                ),
            ],
            page: 50,
            ..Default::default()
        };
        s.add_items(10, 3);
        s.add_items(11, 2);
        s.read.insert(1);
        s.saved.insert(2);
        s
    }

    /// Serves `state` on 127.0.0.1:`port` (0: any), e.g. to come back on
    /// the same port after an outage.
    pub fn start_on(port: u16, state: Arc<Mutex<State>>) -> FeverServer {
        let st = state.clone();
        let server =
            LocalServer::start_on(Arc::new(move |req: &Request| fever_reply(&st, req)), port)
                .unwrap();
        FeverServer { state, server }
    }

    pub fn url(&self) -> String {
        self.server.url("/fever/")
    }
}

fn fever_reply(state: &Mutex<State>, req: &Request) -> Reply {
    let mut s = state.lock().unwrap();
    if !req.path.starts_with("/fever/") {
        return Reply::status(404);
    }
    let q = query(&req.path);
    let f = form(&req.body);
    let command: Vec<&str> = [
        "groups",
        "feeds",
        "items",
        "unread_item_ids",
        "saved_item_ids",
        "mark",
    ]
    .into_iter()
    .filter(|c| q.contains_key(*c) || f.contains_key(*c))
    .collect();
    let command = command.join("+");
    s.log.push(command.clone());
    if !q.contains_key("api") {
        return Reply::status(400);
    }
    let key = khabar::sync::fever::api_key(EMAIL, PASSWORD);
    let mut out = serde_json::json!({"api_version": 3, "auth": 0});
    if f.get("api_key") != Some(&key) {
        return Reply::ok("application/json", out.to_string());
    }
    out["auth"] = 1.into();
    let feeds_groups: Vec<serde_json::Value> = s
        .groups
        .iter()
        .map(|(g, _)| {
            let ids: Vec<String> = s
                .feeds
                .iter()
                .filter(|f| f.3 == Some(*g))
                .map(|f| f.0.to_string())
                .collect();
            serde_json::json!({"group_id": g, "feed_ids": ids.join(",")})
        })
        .collect();
    if q.contains_key("groups") {
        out["groups"] = s
            .groups
            .iter()
            .map(|(id, t)| serde_json::json!({"id": id, "title": t}))
            .collect();
        out["feeds_groups"] = feeds_groups.clone().into();
    }
    if q.contains_key("feeds") {
        out["feeds"] = s
            .feeds
            .iter()
            .map(|(id, t, u, _)| {
                serde_json::json!({"id": id, "favicon_id": id, "title": t, "url": u,
                    "site_url": "http://127.0.0.1:9/", "is_spark": 0, "last_updated_on_time": 0})
            })
            .collect();
        out["feeds_groups"] = feeds_groups.into();
    }
    if q.contains_key("items") {
        let since: i64 = q.get("since_id").and_then(|v| v.parse().ok()).unwrap_or(0);
        let take = if s.page == 0 { usize::MAX } else { s.page };
        let items: Vec<serde_json::Value> = s
            .items
            .range(since + 1..)
            .take(take)
            .map(|(_, e)| {
                serde_json::json!({"id": e.id, "feed_id": e.feed, "title": e.title, "author": "A. Writer",
                "html": e.html, "url": e.url, "is_saved": s.saved.contains(&e.id) as i32,
                "is_read": s.read.contains(&e.id) as i32, "created_on_time": e.created})
            })
            .collect();
        out["items"] = items.into();
        out["total_items"] = s.items.len().into();
    }
    if q.contains_key("unread_item_ids") {
        let ids: Vec<String> = s
            .items
            .keys()
            .filter(|id| !s.read.contains(id))
            .map(|i| i.to_string())
            .collect();
        out["unread_item_ids"] = ids.join(",").into();
    }
    if q.contains_key("saved_item_ids") {
        let ids: Vec<String> = s.saved.iter().map(|i| i.to_string()).collect();
        out["saved_item_ids"] = ids.join(",").into();
    }
    let good = out.to_string();
    if let Some((pat, fault)) = s.fault.clone()
        && (pat.is_empty() || command.contains(pat.as_str()))
    {
        return fault_reply(fault, &good);
    }
    if let Some(m) = f.get("mark") {
        let (Some(as_), Some(id)) = (f.get("as"), f.get("id")) else {
            return Reply::status(400);
        };
        let Ok(n) = id.parse::<i64>() else {
            return Reply::status(400);
        };
        if m != "item" {
            return Reply::status(400);
        }
        // As Coldsweat does: an unknown item is a 404.
        if !s.items.contains_key(&n) {
            return Reply::status(404);
        }
        match as_.as_str() {
            "read" => {
                s.read.insert(n);
            }
            "unread" => {
                s.read.remove(&n);
            }
            "saved" => {
                s.saved.insert(n);
            }
            "unsaved" => {
                s.saved.remove(&n);
            }
            _ => return Reply::status(400),
        }
        s.marks.push((id.clone(), as_.clone()));
    }
    Reply::ok("application/json", good)
}

/// A poller on a store in a temporary folder, with short timeouts and no
/// article pages (the fixtures' links go nowhere).
pub fn poller(dir: &std::path::Path) -> Poller {
    Poller::new(
        Store::open_in_dir(dir).unwrap(),
        Fetcher::new(FetchConfig {
            connect_timeout: Duration::from_secs(2),
            total_timeout: Duration::from_secs(5),
            ..FetchConfig::default()
        })
        .unwrap(),
        Policy::default(),
    )
}

pub fn options() -> SyncOptions {
    let mut o = SyncOptions {
        connect_timeout: Duration::from_secs(2),
        timeout: Duration::from_secs(20),
        ..SyncOptions::default()
    };
    o.articles.articles = false;
    o
}

/// The Google Reader API server: `/api/greader.php/...` as FreshRSS lays
/// it out. Feeds, items and flags come from the same [`State`]; groups
/// become labels. Faults apply to paths containing the pattern.
pub struct GReaderServer {
    pub state: Arc<Mutex<State>>,
    pub server: LocalServer,
}

pub const GR_AUTH: &str = "invented-auth-token";
pub const GR_TOKEN: &str = "invented-write-token";

impl GReaderServer {
    pub fn start(state: State) -> GReaderServer {
        let state = Arc::new(Mutex::new(state));
        let st = state.clone();
        let server =
            LocalServer::start(Arc::new(move |req: &Request| greader_reply(&st, req))).unwrap();
        GReaderServer { state, server }
    }

    pub fn url(&self) -> String {
        self.server.url("/api/greader.php")
    }
}

fn long_id(id: i64) -> String {
    format!("tag:google.com,2005:reader/item/{id:016x}")
}

fn parse_item_id(raw: &str) -> Option<i64> {
    match raw.strip_prefix("tag:google.com,2005:reader/item/") {
        Some(hex) => i64::from_str_radix(hex, 16).ok(),
        None => raw.parse().ok(),
    }
}

fn greader_reply(state: &Mutex<State>, req: &Request) -> Reply {
    let mut s = state.lock().unwrap();
    let Some(rest) = req.path.strip_prefix("/api/greader.php/") else {
        return Reply::status(404);
    };
    let (path, _) = rest.split_once('?').unwrap_or((rest, ""));
    let path = path.to_string();
    s.log.push(path.clone());
    let q = query(&req.path);
    let f = form(&req.body);
    if let Some((pat, fault)) = s.fault.clone()
        && (pat.is_empty() || path.contains(pat.as_str()))
    {
        return fault_reply(fault, r#"{"items":[{"id":"x","title":"cut"}]}"#);
    }
    if path == "accounts/ClientLogin" {
        if req.method != "POST" {
            return Reply::status(405);
        }
        if f.get("Email").map(String::as_str) == Some(EMAIL)
            && f.get("Passwd").map(String::as_str) == Some(PASSWORD)
        {
            return Reply::ok(
                "text/plain",
                format!("SID={EMAIL}/x\nLSID=null\nAuth={GR_AUTH}\n"),
            );
        }
        let mut r = Reply::ok("text/plain", "Error=BadAuthentication\n");
        r.status = 401;
        return r;
    }
    if req.header("authorization") != Some(format!("GoogleLogin auth={GR_AUTH}").as_bytes()) {
        let mut r = Reply::ok("text/plain", "Unauthorized");
        r.status = 401;
        return r;
    }
    let json = |v: serde_json::Value| Reply::ok("application/json", v.to_string());
    match path.as_str() {
        "reader/api/0/token" => Reply::ok("text/plain", format!("{GR_TOKEN}\n")),
        "reader/api/0/subscription/list" => {
            let subs: Vec<serde_json::Value> = s
                .feeds
                .iter()
                .map(|(id, title, url, group)| {
                    let cats: Vec<serde_json::Value> = group
                        .and_then(|g| s.groups.iter().find(|(i, _)| *i == g))
                        .map(|(_, label)| {
                            vec![serde_json::json!({"id": format!("user/-/label/{label}"), "label": label})]
                        })
                        .unwrap_or_default();
                    serde_json::json!({"id": format!("feed/{id}"), "title": title,
                        "categories": cats, "url": url, "htmlUrl": "http://127.0.0.1:9/", "iconUrl": ""})
                })
                .collect();
            json(serde_json::json!({ "subscriptions": subs }))
        }
        "reader/api/0/stream/contents/user/-/state/com.google/reading-list" => {
            let ot: i64 = q.get("ot").and_then(|v| v.parse().ok()).unwrap_or(0);
            let n: usize = q.get("n").and_then(|v| v.parse().ok()).unwrap_or(20);
            let start: usize = q.get("c").and_then(|v| v.parse().ok()).unwrap_or(0);
            let oldest_first = q.get("r").map(String::as_str) == Some("o");
            let mut all: Vec<&Entry> = s.items.values().filter(|e| e.created >= ot).collect();
            if !oldest_first {
                all.reverse();
            }
            let page: Vec<serde_json::Value> = all
                .iter()
                .skip(start)
                .take(n)
                .map(|e| {
                    let mut cats = vec!["user/-/state/com.google/reading-list".to_string()];
                    if s.read.contains(&e.id) {
                        cats.push("user/-/state/com.google/read".into());
                    }
                    if s.saved.contains(&e.id) {
                        cats.push("user/-/state/com.google/starred".into());
                    }
                    serde_json::json!({
                        "id": long_id(e.id),
                        "crawlTimeMsec": (e.created * 1000).to_string(),
                        "timestampUsec": (e.created * 1_000_000).to_string(),
                        "published": e.created,
                        "title": e.title,
                        "canonical": [{"href": e.url}],
                        "alternate": [{"href": e.url, "type": "text/html"}],
                        "categories": cats,
                        "origin": {"streamId": format!("feed/{}", e.feed), "title": "x", "htmlUrl": "http://127.0.0.1:9/"},
                        "summary": {"content": e.html},
                        "author": "A. Writer"
                    })
                })
                .collect();
            let mut out = serde_json::json!({"id": "user/-/state/com.google/reading-list", "updated": 0, "items": page});
            if start + n < all.len() {
                out["continuation"] = (start + n).to_string().into();
            }
            json(out)
        }
        "reader/api/0/stream/items/ids" => {
            let n: usize = q.get("n").and_then(|v| v.parse().ok()).unwrap_or(20);
            let start: usize = q.get("c").and_then(|v| v.parse().ok()).unwrap_or(0);
            let stream = q.get("s").cloned().unwrap_or_default();
            let ids: Vec<i64> = if stream.ends_with("/starred") {
                s.saved.iter().copied().collect()
            } else if q.get("xt").is_some_and(|x| x.ends_with("/read")) {
                s.items
                    .keys()
                    .filter(|i| !s.read.contains(i))
                    .copied()
                    .collect()
            } else {
                s.items.keys().copied().collect()
            };
            let refs: Vec<serde_json::Value> = ids
                .iter()
                .skip(start)
                .take(n)
                .map(|i| serde_json::json!({"id": i.to_string()}))
                .collect();
            let mut out = serde_json::json!({ "itemRefs": refs });
            if start + n < ids.len() {
                out["continuation"] = (start + n).to_string().into();
            }
            json(out)
        }
        "reader/api/0/edit-tag" => {
            if req.method != "POST" {
                return Reply::status(405);
            }
            if f.get("T").map(String::as_str) != Some(GR_TOKEN) {
                let mut r = Reply::ok("text/plain", "Unauthorized");
                r.status = 401;
                return r.header("x-reader-google-bad-token", "true");
            }
            let Some(id) = f.get("i").and_then(|i| parse_item_id(i)) else {
                return Reply::status(400);
            };
            let (op, tag) = match (f.get("a"), f.get("r")) {
                (Some(t), None) => ("a", t.clone()),
                (None, Some(t)) => ("r", t.clone()),
                _ => return Reply::status(400),
            };
            // Like FreshRSS: unknown ids are ignored, the answer is OK.
            if s.items.contains_key(&id) {
                match (op, tag.rsplit('/').next()) {
                    ("a", Some("read")) => {
                        s.read.insert(id);
                    }
                    ("r", Some("read")) => {
                        s.read.remove(&id);
                    }
                    ("a", Some("starred")) => {
                        s.saved.insert(id);
                    }
                    ("r", Some("starred")) => {
                        s.saved.remove(&id);
                    }
                    _ => return Reply::status(400),
                }
                s.marks.push((id.to_string(), format!("{op}:{tag}")));
            }
            Reply::ok("text/plain", "OK")
        }
        _ => Reply::status(404),
    }
}

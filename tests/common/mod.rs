//! Shared helpers for the integration tests: a routed loopback server, a
//! temporary store and a poller with short timeouts.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use khabar::fetch::{FetchConfig, Fetcher};
use khabar::poller::{PollEvent, PollOptions, PollSummary, Poller};
use khabar::schedule::Policy;
use khabar::serve::{LocalServer, Reply, Request};
use khabar::store::Store;

pub type Route = Arc<dyn Fn(&Request) -> Reply + Send + Sync>;

/// A loopback server whose routes can change during a test, with a log of
/// requests (path and headers).
pub struct Site {
    pub server: LocalServer,
    routes: Arc<Mutex<HashMap<String, Route>>>,
    pub log: Arc<Mutex<Vec<Request>>>,
}

impl Site {
    pub fn new() -> Site {
        let routes: Arc<Mutex<HashMap<String, Route>>> = Arc::default();
        let log: Arc<Mutex<Vec<Request>>> = Arc::default();
        let (r, l) = (routes.clone(), log.clone());
        let server = LocalServer::start(Arc::new(move |req: &Request| {
            l.lock().unwrap().push(req.clone());
            let route = r.lock().unwrap().get(&req.path).cloned();
            match route {
                Some(f) => f(req),
                None => Reply::status(404),
            }
        }))
        .unwrap();
        Site {
            server,
            routes,
            log,
        }
    }

    pub fn route(&self, path: &str, f: impl Fn(&Request) -> Reply + Send + Sync + 'static) {
        self.routes
            .lock()
            .unwrap()
            .insert(path.to_string(), Arc::new(f));
    }

    /// Serves fixed bytes with validators (ETag/Last-Modified, 304).
    pub fn feed(&self, path: &str, content_type: &'static str, body: impl Into<Vec<u8>>) {
        let body: Vec<u8> = body.into();
        self.route(path, move |req| {
            Reply::with_validators(req, content_type, &body)
        });
    }

    pub fn url(&self, path: &str) -> String {
        self.server.url(path)
    }

    pub fn hits(&self, path: &str) -> usize {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.path == path)
            .count()
    }

    pub fn requests(&self, path: &str) -> Vec<Request> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect()
    }
}

pub fn test_fetch_config() -> FetchConfig {
    FetchConfig {
        connect_timeout: Duration::from_secs(2),
        total_timeout: Duration::from_secs(2),
        max_body: 1024 * 1024,
        ..FetchConfig::default()
    }
}

pub fn poller_with(config: FetchConfig) -> Poller {
    Poller::new(
        Store::open_in_memory().unwrap(),
        Fetcher::new(config).unwrap(),
        Policy::default(),
    )
}

pub fn poller() -> Poller {
    poller_with(test_fetch_config())
}

pub fn poll(p: &mut Poller, force: bool) -> (PollSummary, Vec<PollEvent>) {
    let mut events = Vec::new();
    let s = p
        .poll_blocking(
            &PollOptions {
                force,
                ..Default::default()
            },
            &mut |e| events.push(e),
        )
        .unwrap();
    (s, events)
}

/// An RSS document with items `(guid, title, pubDate)`; empty fields are omitted.
pub fn rss(title: &str, items: &[(&str, &str, &str)]) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>{title}</title><link>http://site.invalid/</link>\n"
    );
    for (guid, t, date) in items {
        s.push_str("<item>");
        if !guid.is_empty() {
            s.push_str(&format!("<guid>{guid}</guid>"));
        }
        s.push_str(&format!(
            "<title>{t}</title><description>Text of {t}.</description>"
        ));
        if !date.is_empty() {
            s.push_str(&format!("<pubDate>{date}</pubDate>"));
        }
        s.push_str("</item>\n");
    }
    s.push_str("</channel></rss>\n");
    s
}

pub const RSS: &str = "application/rss+xml";

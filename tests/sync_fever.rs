//! Sync against a real Fever API server: Coldsweat 0.10.2, started by
//! `.ci/coldsweat.sh` (from `.ci/run`), subscribed to loopback feeds whose
//! article pages it serves too. The test reads the server's address and
//! user from `KHABAR_FEVER_URL`, `KHABAR_FEVER_EMAIL` and
//! `KHABAR_FEVER_PASSWORD`; without them it says it is skipped.
//!
//! The server's side is checked with plain HTTP of our own (another
//! client, like a phone), not with Khabar's client.

mod sync_fixture;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use khabar::poller::Poller;
use khabar::store::sync::{Account, AccountKind, Mark};
use khabar::sync::{SyncError, SyncOptions, SyncReport, sync_account_blocking};

struct Server {
    host: String,
    path: String,
    email: String,
    password: String,
}

impl Server {
    fn from_env() -> Option<Server> {
        let url = std::env::var("KHABAR_FEVER_URL").ok()?;
        let email = std::env::var("KHABAR_FEVER_EMAIL").ok()?;
        let password = std::env::var("KHABAR_FEVER_PASSWORD").ok()?;
        let u = url::Url::parse(&url).ok()?;
        Some(Server {
            host: format!("{}:{}", u.host_str()?, u.port()?),
            path: u.path().to_string(),
            email,
            password,
        })
    }

    /// One Fever call with plain HTTP/1.0: the answer's JSON.
    fn call(&self, command: &str, extra: &str) -> serde_json::Value {
        let key = khabar::sync::fever::api_key(&self.email, &self.password);
        let body = format!("api_key={key}{extra}");
        let mut s = TcpStream::connect(&self.host).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        write!(
            s,
            "POST {}?api{command} HTTP/1.0\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            self.path,
            self.host,
            body.len()
        )
        .unwrap();
        let mut out = Vec::new();
        s.read_to_end(&mut out).unwrap();
        let text = String::from_utf8_lossy(&out);
        let (_, json) = text.split_once("\r\n\r\n").unwrap();
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"))
    }

    fn ids(&self, which: &str) -> Vec<i64> {
        let v = self.call(&format!("&{which}"), "");
        v[which]
            .as_str()
            .unwrap_or("")
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect()
    }

    fn mark(&self, id: i64, as_: &str) {
        let v = self.call("", &format!("&mark=item&as={as_}&id={id}"));
        assert_eq!(v["auth"], 1);
    }
}

/// A loopback TCP forwarder to the server that can be cut and restored
/// on the same port: the outage.
struct Proxy {
    port: u16,
    target: String,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Proxy {
    fn start(target: &str, port: u16) -> Proxy {
        let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let (st, tgt) = (stop.clone(), target.to_string());
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(client) = conn else { continue };
                let Ok(upstream) = TcpStream::connect(&tgt) else {
                    continue;
                };
                let (mut c2, mut u2) = (client.try_clone().unwrap(), upstream.try_clone().unwrap());
                let (mut c1, mut u1) = (client, upstream);
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut c1, &mut u1);
                    let _ = u1.shutdown(std::net::Shutdown::Write);
                });
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut u2, &mut c2);
                    let _ = c2.shutdown(std::net::Shutdown::Both);
                });
            }
        });
        Proxy {
            port,
            target: target.to_string(),
            stop,
            thread: Some(thread),
        }
    }

    fn cut(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
    }

    fn restore(&mut self) {
        *self = Proxy::start(&self.target.clone(), self.port);
    }
}

fn sync(
    p: &mut Poller,
    a: &Account,
    password: &str,
    articles: bool,
) -> Result<SyncReport, SyncError> {
    let mut opts = SyncOptions {
        connect_timeout: Duration::from_secs(5),
        timeout: Duration::from_secs(30),
        ..SyncOptions::default()
    };
    opts.articles.articles = articles;
    sync_account_blocking(p, a, password, &opts, &mut |_| {})
}

#[test]
fn sync_with_a_real_coldsweat_server() {
    let Some(srv) = Server::from_env() else {
        eprintln!(
            "skipped: KHABAR_FEVER_URL, KHABAR_FEVER_EMAIL and KHABAR_FEVER_PASSWORD are not set (.ci/run starts Coldsweat and sets them)"
        );
        return;
    };
    // Start from a known server state: everything unread and unsaved.
    let all: Vec<i64> = {
        let v = srv.call("&items&since_id=0", "");
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(all.len(), 6, "the CI feeds have six entries");
    for &id in &all {
        srv.mark(id, "unread");
        srv.mark(id, "unsaved");
    }

    let mut proxy = Proxy::start(&srv.host, 0);
    let url = format!("http://127.0.0.1:{}{}", proxy.port, srv.path);
    let dir = tempfile::tempdir().unwrap();
    let mut p = sync_fixture::poller(dir.path());
    let id = p
        .store()
        .add_account(AccountKind::Fever, &url, &srv.email)
        .unwrap();
    let a = p.store().account(id).unwrap();

    // 1. First pull: folders, subscriptions, items, and article pages
    //    fetched by Khabar itself from the feeds' loopback site.
    let r = sync(&mut p, &a, &srv.password, true).unwrap();
    assert_eq!((r.feeds, r.new_feeds, r.new_items), (2, 2, 6), "{r:?}");
    assert!(r.articles >= 6, "article pages saved: {r:?}");
    let feeds = p.store().feeds().unwrap();
    let harbour = feeds
        .iter()
        .find(|f| f.title.as_deref() == Some("The Invented Harbour Desk"))
        .expect("harbour feed");
    assert_eq!(harbour.folder.as_deref(), Some("Harbour"));
    assert_eq!(p.store().counts(0).unwrap().1, 6, "all unread");
    let local = |p: &mut Poller, remote: i64| {
        p.store()
            .synced_item(a.id, &remote.to_string())
            .unwrap()
            .unwrap()
    };
    let (x, y) = (local(&mut p, all[0]), local(&mut p, all[1]));
    let art = p.store().article(x).unwrap().expect("article stored");
    assert_eq!(
        art.status,
        khabar::store::articles::ArticleStatus::Ok,
        "{art:?}"
    );

    // 2. Push: local marks reach the server.
    p.store().mark_items(&[x], Mark::Read).unwrap();
    p.store().mark_items(&[y], Mark::Star).unwrap();
    let r = sync(&mut p, &a, &srv.password, false).unwrap();
    assert_eq!(r.pushed, 2, "{r:?}");
    assert!(!srv.ids("unread_item_ids").contains(&all[0]));
    assert!(srv.ids("saved_item_ids").contains(&all[1]));

    // 3. Pull of marks made on the server by another client.
    srv.mark(all[2], "read");
    srv.mark(all[3], "saved");
    srv.mark(all[0], "unread");
    let r = sync(&mut p, &a, &srv.password, false).unwrap();
    assert_eq!(r.state_changes, 3, "{r:?}");
    let flags = |p: &mut Poller, remote: i64| {
        let id = local(p, remote);
        let i = p.store().item(id).unwrap();
        (i.read, i.starred)
    };
    assert_eq!(flags(&mut p, all[2]), (true, false));
    assert_eq!(flags(&mut p, all[3]), (false, true));
    assert_eq!(flags(&mut p, all[0]), (false, false));
    assert!(
        p.store().outbox(a.id).unwrap().is_empty(),
        "pulled marks are not echoed"
    );

    // 4. An outage: marks made meanwhile wait in the outbox.
    proxy.cut();
    let z = local(&mut p, all[4]);
    p.store().mark_items(&[z], Mark::Read).unwrap();
    p.store().mark_items(&[y], Mark::Unstar).unwrap();
    let e = sync(&mut p, &a, &srv.password, false).unwrap_err();
    assert!(e.is_unreachable(), "{e:?}");
    assert!(e.to_string().contains(&url), "{e}");
    assert_eq!(p.store().outbox(a.id).unwrap().len(), 2);
    proxy.restore();
    let r = sync(&mut p, &a, &srv.password, false).unwrap();
    assert_eq!(r.pushed, 2, "{r:?}");
    assert!(p.store().outbox(a.id).unwrap().is_empty());
    assert!(!srv.ids("unread_item_ids").contains(&all[4]));
    assert!(!srv.ids("saved_item_ids").contains(&all[1]));

    // A wrong password: named, nothing changed.
    let before = p.store().item_count().unwrap();
    let e = sync(&mut p, &a, "not the password at all", false).unwrap_err();
    assert!(matches!(e, SyncError::Auth { .. }), "{e:?}");
    assert_eq!(p.store().item_count().unwrap(), before);
    proxy.cut();
}

//! The demo newsroom: `khabar --demo` serves `assets/demo/` (feeds and pages
//! we wrote ourselves, shaped like real outlets) on loopback and opens the
//! window on a temporary profile subscribed to them, so a newcomer with no
//! network sees the whole app working: an UrduPoint-shaped story with its
//! boilerplate to strip, a long read with images, an Urdu article, and a feed
//! that fails.

use std::path::PathBuf;
use std::sync::Arc;

use crate::serve::{LocalServer, Reply, Request};
use crate::store::Store;

const WORLD: &str = include_str!("../assets/demo/world.xml");
const URDU: &str = include_str!("../assets/demo/urdu.xml");
const GRAIN: &str = include_str!("../assets/demo/caspian-grain-talks.html");
const FERRY: &str = include_str!("../assets/demo/night-ferry.html");
const BOOK_FAIR: &str = include_str!("../assets/demo/lahore-book-fair.html");
const FERRY_LEAD: &[u8] = include_bytes!("../assets/demo/images/ferry-lead.jpg");
const FERRY_DECK: &[u8] = include_bytes!("../assets/demo/images/ferry-deck.jpg");
const GRAIN_PORT: &[u8] = include_bytes!("../assets/demo/images/grain-port.jpg");
// Outlets' icons: the world feed names its own, the Urdu outlet's page
// links one (`icons` finds both; the broken outlet has none).
const WORLD_ICON: &[u8] = include_bytes!("../assets/demo/images/world-icon.png");
const URDU_ICON: &[u8] = include_bytes!("../assets/demo/images/urdu-icon.png");
const URDU_HOME: &str = "<!doctype html><html lang=ur dir=rtl><head><meta charset=utf-8>\
    <title>اردو نیوز ڈیمو</title><link rel=icon type=image/png href=/ur/icon.png></head>\
    <body><h1>اردو نیوز ڈیمو</h1></body></html>";

/// A running demo: the server and the temporary profile.
pub struct Demo {
    server: LocalServer,
    /// The temporary data folder.
    pub data_dir: PathBuf,
}

impl Demo {
    /// Starts the server and prepares a fresh profile subscribed to the demo feeds.
    pub fn start() -> std::io::Result<Demo> {
        let origin = Arc::new(std::sync::OnceLock::<String>::new());
        let o = origin.clone();
        let server = LocalServer::start(Arc::new(move |req: &Request| {
            let origin = o.get().cloned().unwrap_or_default();
            route(req, &origin)
        }))?;
        let _ = origin.set(server.url(""));
        let data_dir = std::env::temp_dir().join(format!("khabar-demo-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data_dir);
        std::fs::create_dir_all(&data_dir)?;
        let store = Store::open_in_dir(&data_dir).map_err(std::io::Error::other)?;
        for (path, title, folder) in [
            ("/feeds/world.xml", "Demo World Wire", "World"),
            ("/feeds/urdu.xml", "اردو نیوز ڈیمو", "اردو"),
            (
                "/feeds/broken.xml",
                "Broken Outlet (fails on purpose)",
                "World",
            ),
        ] {
            store
                .add_feed(&server.url(path), Some(title), Some(folder))
                .map_err(std::io::Error::other)?;
        }
        // Two followed topics, one of them across both languages.
        let mut store = store;
        for (name, query) in [
            ("Cricket", "cricket OR کرکٹ"),
            ("Iran & Russia", "(Iran OR ایران) (Russia OR روس)"),
        ] {
            store
                .add_topic(&crate::topics::TopicSpec::follow(name, query), 0)
                .map_err(std::io::Error::other)?;
        }
        Ok(Demo { server, data_dir })
    }

    /// The server's origin, `http://127.0.0.1:PORT`.
    pub fn origin(&self) -> String {
        self.server.url("")
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

fn rfc2822_ago(secs: i64) -> String {
    (chrono::Utc::now() - chrono::Duration::seconds(secs)).to_rfc2822()
}

/// Fills a feed template: `{{ORIGIN}}`, and `{{AGO:N}}` as the date N
/// minutes ago (so the demo's articles are always recent).
fn feed(template: &str, origin: &str) -> String {
    let mut out = String::with_capacity(template.len() + 512);
    let mut rest = template.replace("{{ORIGIN}}", origin);
    while let Some(start) = rest.find("{{AGO:") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 6..];
        match after.find("}}") {
            Some(end) => {
                let minutes: i64 = after[..end].trim().parse().unwrap_or(0);
                out.push_str(&rfc2822_ago(minutes * 60));
                rest = after[end + 2..].to_string();
            }
            None => {
                rest = after.to_string();
            }
        }
    }
    out.push_str(&rest);
    out
}

fn route(req: &Request, origin: &str) -> Reply {
    let html = "text/html; charset=utf-8";
    match req.path.as_str() {
        "/feeds/world.xml" => {
            Reply::with_validators(req, "application/rss+xml", feed(WORLD, origin).as_bytes())
        }
        "/feeds/urdu.xml" => {
            Reply::with_validators(req, "application/rss+xml", feed(URDU, origin).as_bytes())
        }
        // Fails on purpose, to show how errors look (a 503 with Retry-After
        // would hold back the whole demo host, as it should).
        "/feeds/broken.xml" => Reply::status(404),
        "/world/caspian-grain-talks.html" => Reply::ok(
            html,
            GRAIN.replace(
                "/images/grain-talks.jpg",
                &format!("{origin}/images/grain-port.jpg"),
            ),
        ),
        "/features/night-ferry.html" => Reply::ok(
            html,
            FERRY.replace(
                "https://longreads.example/features/",
                &format!("{origin}/features/"),
            ),
        ),
        "/ur/lahore-book-fair.html" => Reply::ok(html, BOOK_FAIR),
        "/features/images/lead.png" => Reply::ok("image/jpeg", FERRY_LEAD),
        "/features/images/deck.png" => Reply::ok("image/jpeg", FERRY_DECK),
        "/images/grain-port.jpg" => Reply::ok("image/jpeg", GRAIN_PORT),
        "/images/world-icon.png" => Reply::ok("image/png", WORLD_ICON),
        "/ur/" => Reply::ok(html, URDU_HOME),
        "/ur/icon.png" => Reply::ok("image/png", URDU_ICON),
        _ => Reply::status(404),
    }
}

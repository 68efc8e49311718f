//! Outlets' icons: where to find one and fetching it. The feed's own icon
//! or logo comes first, else the site's `<link rel=icon>` (its home page
//! read once, at most [`PAGE_CAP`]), else `/favicon.ico` at the site's
//! origin. Every request goes through the [`Fetcher`] (its per-host limits,
//! Retry-After, address guard), an icon over [`MAX_BYTES`] is refused, and
//! only what [`images::probe`](crate::images::probe) can read is kept. The
//! poller runs this once per feed (`store::icons` keeps the result); the
//! window decodes the bytes on a worker.

use url::Url;

use crate::fetch::{AddressPolicy, Fetcher, Kind, Outcome, Validators};
use crate::model::FeedId;

/// The largest icon kept, bytes.
pub const MAX_BYTES: u64 = 64 * 1024;
/// The most of a home page read to find its `<link rel=icon>`.
pub const PAGE_CAP: u64 = 512 * 1024;

/// A feed whose icon is to be found.
#[derive(Debug, Clone)]
pub struct IconJob {
    /// The feed.
    pub feed: FeedId,
    /// The feed's URL (decides which addresses may be fetched).
    pub feed_url: String,
    /// The feed's own icon or logo, if the document named one.
    pub hint: Option<String>,
    /// The site's home page, if the feed named one.
    pub site_url: Option<String>,
}

/// What the search found: the icon's URL and bytes, or why there is none.
#[derive(Debug)]
pub struct IconFound {
    /// The feed.
    pub feed: FeedId,
    /// The icon (URL, bytes), or the reasons each place failed.
    pub result: Result<(String, Vec<u8>), String>,
}

/// Looks for the feed's icon in order (feed, page, `/favicon.ico`),
/// stopping at the first that is a readable image of at most [`MAX_BYTES`].
pub async fn find(fetcher: Fetcher, job: IconJob) -> IconFound {
    let policy = crate::articles::policy_for_feed(&job.feed_url).await;
    // A feed served from this machine or the local network (a test, a
    // local server) looks on its own host only: its links are not
    // followed out to other hosts.
    let feed_host = Url::parse(&job.feed_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string));
    let allowed = |u: &Url| policy != AddressPolicy::Any || u.host_str() == feed_host.as_deref();
    let mut why = Vec::new();
    let mut tried = Vec::new();
    let mut attempt = async |url: String, why: &mut Vec<String>| -> Option<(String, Vec<u8>)> {
        if tried.contains(&url) || !Url::parse(&url).is_ok_and(|u| allowed(&u)) {
            return None;
        }
        tried.push(url.clone());
        match fetch_icon(&fetcher, &url, policy).await {
            Ok(bytes) => Some((url, bytes)),
            Err(e) => {
                why.push(format!("{url}: {e}"));
                None
            }
        }
    };
    if let Some(hint) = job.hint.clone()
        && let Some(found) = attempt(hint, &mut why).await
    {
        return IconFound {
            feed: job.feed,
            result: Ok(found),
        };
    }
    let site = job
        .site_url
        .as_deref()
        .and_then(|s| Url::parse(s).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https") && allowed(u))
        .or_else(|| {
            Url::parse(&job.feed_url)
                .ok()
                .and_then(|u| u.join("/").ok())
        });
    if let Some(site) = site {
        match page_links(&fetcher, &site, policy).await {
            Ok(links) => {
                // Two at most: politeness over completeness.
                for url in links.into_iter().take(2) {
                    if let Some(found) = attempt(url, &mut why).await {
                        return IconFound {
                            feed: job.feed,
                            result: Ok(found),
                        };
                    }
                }
            }
            Err(e) => why.push(format!("{site}: {e}")),
        }
        if let Ok(fav) = site.join("/favicon.ico")
            && let Some(found) = attempt(fav.to_string(), &mut why).await
        {
            return IconFound {
                feed: job.feed,
                result: Ok(found),
            };
        }
    }
    if why.is_empty() {
        why.push("the feed names no site to look at".into());
    }
    IconFound {
        feed: job.feed,
        result: Err(why.join("; ")),
    }
}

/// Fetches one candidate and checks that it is an image we can read.
async fn fetch_icon(
    fetcher: &Fetcher,
    url: &str,
    policy: AddressPolicy,
) -> Result<Vec<u8>, String> {
    let got = fetcher
        .get_capped(url, Kind::Image, &Validators::default(), policy, MAX_BYTES)
        .await;
    match got {
        Ok(Outcome::Fetched(f)) => {
            crate::images::probe(&f.body).map_err(|e| e.to_string())?;
            Ok(f.body)
        }
        Ok(Outcome::NotModified { .. }) => Err("the server answered 304 to a plain request".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// The icon links of the site's home page, best first.
async fn page_links(
    fetcher: &Fetcher,
    site: &Url,
    policy: AddressPolicy,
) -> Result<Vec<String>, String> {
    let got = fetcher
        .get_capped(
            site.as_str(),
            Kind::Html,
            &Validators::default(),
            policy,
            PAGE_CAP,
        )
        .await;
    match got {
        Ok(Outcome::Fetched(f)) => {
            let text = String::from_utf8_lossy(&f.body);
            Ok(icon_links(&text, &f.final_url))
        }
        Ok(Outcome::NotModified { .. }) => Ok(Vec::new()),
        Err(e) => Err(e.to_string()),
    }
}

/// The `<link rel=icon>` addresses of a page, absolute, best first: plain
/// icons before Apple touch icons (larger), SVG left out (not decoded).
pub fn icon_links(html: &str, base: &Url) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let Ok(sel) = scraper::Selector::parse("link[rel][href]") else {
        return Vec::new();
    };
    let mut found: Vec<(u8, String)> = Vec::new();
    for el in doc.select(&sel) {
        let v = el.value();
        let rel = v.attr("rel").unwrap_or_default().to_ascii_lowercase();
        let rank = if rel.split_ascii_whitespace().any(|t| t == "icon") {
            0
        } else if rel
            .split_ascii_whitespace()
            .any(|t| t.starts_with("apple-touch-icon"))
        {
            1
        } else {
            continue;
        };
        let href = v.attr("href").unwrap_or_default().trim();
        let svg = v
            .attr("type")
            .is_some_and(|t| t.eq_ignore_ascii_case("image/svg+xml"))
            || href.to_ascii_lowercase().ends_with(".svg");
        if svg || href.is_empty() {
            continue;
        }
        if let Ok(u) = base.join(href)
            && matches!(u.scheme(), "http" | "https")
        {
            found.push((rank, u.to_string()));
        }
    }
    found.sort_by_key(|(rank, _)| *rank);
    let mut out: Vec<String> = Vec::new();
    for (_, u) in found {
        if !out.contains(&u) {
            out.push(u);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::icon_links;

    #[test]
    fn page_icons_come_best_first_without_svg() {
        let base = url::Url::parse("https://outlet.example/news/").unwrap();
        let html = r#"<html><head>
            <link rel="apple-touch-icon" href="/touch.png">
            <link rel="stylesheet" href="/site.css">
            <link rel="icon" type="image/svg+xml" href="/mark.svg">
            <link rel="Shortcut Icon" href="fav.png">
            <link rel="icon" href="https://cdn.outlet.example/i.ico">
            </head><body></body></html>"#;
        assert_eq!(
            icon_links(html, &base),
            vec![
                "https://outlet.example/news/fav.png".to_string(),
                "https://cdn.outlet.example/i.ico".to_string(),
                "https://outlet.example/touch.png".to_string(),
            ]
        );
        assert!(icon_links("<p>no head</p>", &base).is_empty());
    }
}

//! Subscribing by feed URL or by site URL.
//!
//! [`subscribe`] fetches the URL. If it is a feed, that feed is added. If it is
//! a web page, its `<link rel="alternate">` feeds are tried in page order and
//! the first that parses is added. The document fetched on the way is stored
//! at once, so a new subscription shows its items without a second request.

use thiserror::Error;
use url::Url;

use crate::error::{FetchError, ParseError, StoreError};
use crate::fetch::{AddressPolicy, Fetcher, Kind, Outcome, Validators, charset};
use crate::model::{self, FeedId};
use crate::parse;
use crate::schedule::{self, Policy};
use crate::store::{FetchRecord, Store};

/// Errors from subscribing.
#[derive(Debug, Error)]
pub enum SubscribeError {
    /// The URL could not be fetched.
    #[error("cannot fetch {url}: {error}")]
    Fetch {
        /// The URL.
        url: String,
        /// Why.
        error: FetchError,
    },
    /// A feed, but broken beyond what can be recovered.
    #[error("{url} is a feed, but it is broken: {error}")]
    Broken {
        /// The URL.
        url: String,
        /// Where and how.
        error: ParseError,
    },
    /// Neither a feed nor a page naming one.
    #[error("{url} is not a feed, and the page names no feed ({detail})")]
    NoFeed {
        /// The URL.
        url: String,
        /// What was found instead.
        detail: String,
    },
    /// The store refused.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A feed link found in a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedLink {
    /// Absolute URL.
    pub url: String,
    /// `title` attribute.
    pub title: Option<String>,
}

/// Feed links a page announces with `<link rel="alternate" type=...>`.
pub fn feed_links(html: &str, base: &Url) -> Vec<FeedLink> {
    let doc = scraper::Html::parse_document(html);
    let Ok(sel) = scraper::Selector::parse("link[href]") else {
        return Vec::new();
    };
    let base_el = scraper::Selector::parse("base[href]").ok();
    let base = base_el
        .as_ref()
        .and_then(|s| doc.select(s).next())
        .and_then(|b| b.value().attr("href"))
        .and_then(|h| base.join(h).ok())
        .unwrap_or_else(|| base.clone());
    let mut out: Vec<FeedLink> = Vec::new();
    for el in doc.select(&sel) {
        let v = el.value();
        let rel = v.attr("rel").unwrap_or("").to_ascii_lowercase();
        let ty = v.attr("type").unwrap_or("").to_ascii_lowercase();
        let is_feed_type = matches!(
            ty.trim(),
            "application/rss+xml"
                | "application/atom+xml"
                | "application/feed+json"
                | "application/json"
                | "application/rdf+xml"
        );
        if !rel.split_whitespace().any(|r| r == "alternate") || !is_feed_type {
            continue;
        }
        let Some(url) = v
            .attr("href")
            .and_then(|h| parse::resolve_link(h, Some(&base)))
        else {
            continue;
        };
        if out.iter().all(|l| l.url != url) {
            out.push(FeedLink {
                url,
                title: v.attr("title").map(str::to_string),
            });
        }
    }
    out
}

/// What [`subscribe`] added.
#[derive(Debug, Clone, PartialEq)]
pub struct Subscribed {
    /// The new feed.
    pub id: FeedId,
    /// Its URL.
    pub url: String,
    /// Its title.
    pub title: Option<String>,
    /// Items stored from the first fetch.
    pub items: usize,
    /// Other feeds the page announced.
    pub alternatives: Vec<FeedLink>,
}

/// Subscribes to `input`, a feed URL or a site URL.
pub async fn subscribe(
    fetcher: &Fetcher,
    store: &mut Store,
    input: &str,
    folder: Option<&str>,
) -> Result<Subscribed, SubscribeError> {
    let first = fetch_doc(fetcher, input).await?;
    let (url, doc, validators, max_age, alternatives) = match first {
        Fetched::Feed {
            url,
            doc,
            validators,
            max_age,
        } => (url, doc, validators, max_age, Vec::new()),
        Fetched::NotFeed {
            error: error @ ParseError::Broken { .. },
            ..
        } => {
            return Err(SubscribeError::Broken {
                url: input.to_string(),
                error,
            });
        }
        Fetched::NotFeed { page, base, error } => {
            let links = feed_links(&page, &base);
            if links.is_empty() {
                return Err(SubscribeError::NoFeed {
                    url: input.to_string(),
                    detail: error.to_string(),
                });
            }
            let mut found = None;
            let mut last_err = String::new();
            for (i, link) in links.iter().enumerate() {
                match fetch_doc(fetcher, &link.url).await {
                    Ok(Fetched::Feed {
                        url,
                        doc,
                        validators,
                        max_age,
                    }) => {
                        found = Some((i, url, doc, validators, max_age));
                        break;
                    }
                    Ok(Fetched::NotFeed { error, .. }) => {
                        last_err = format!("{}: {error}", link.url)
                    }
                    Err(e) => last_err = e.to_string(),
                }
            }
            let Some((i, url, doc, validators, max_age)) = found else {
                return Err(SubscribeError::NoFeed {
                    url: input.to_string(),
                    detail: format!("the feeds it names failed; last: {last_err}"),
                });
            };
            let mut others = links;
            others.remove(i);
            (url, doc, validators, max_age, others)
        }
    };
    let id = store.add_feed(&url, doc.title.as_deref(), folder)?;
    let now = model::now();
    let next = schedule::next_check(
        &Policy::default(),
        schedule::Outcome::Success { max_age },
        doc.publisher_interval,
        now,
    );
    let stats = store.apply_feed(
        id,
        &doc,
        &FetchRecord {
            fetched_at: now,
            next_check_at: next,
            validators,
            new_url: None,
        },
    )?;
    Ok(Subscribed {
        id,
        url,
        title: doc.title,
        items: stats.new_items,
        alternatives,
    })
}

enum Fetched {
    Feed {
        url: String,
        doc: model::IncomingFeed,
        validators: Validators,
        max_age: Option<i64>,
    },
    NotFeed {
        page: String,
        base: Url,
        error: ParseError,
    },
}

async fn fetch_doc(fetcher: &Fetcher, url: &str) -> Result<Fetched, SubscribeError> {
    let err = |error| SubscribeError::Fetch {
        url: url.to_string(),
        error,
    };
    let outcome = fetcher
        .get(url, Kind::Feed, &Validators::default(), AddressPolicy::Any)
        .await
        .map_err(err)?;
    let Outcome::Fetched(f) = outcome else {
        return Err(err(FetchError::Network(
            "unexpected 304 to an unconditional request".into(),
        )));
    };
    let cs = f.content_type.as_deref().and_then(charset::charset_param);
    let text = charset::decode(&f.body, cs.as_deref()).text;
    // A permanent redirect on first contact: subscribe to where it points.
    let final_url = f
        .permanent_url
        .clone()
        .unwrap_or_else(|| f.final_url.clone());
    match parse::parse_text(&text, Some(&f.final_url)) {
        Ok(doc) => Ok(Fetched::Feed {
            url: if f.permanent_url.is_some() {
                final_url.to_string()
            } else {
                url.trim().to_string()
            },
            doc,
            validators: f.validators,
            max_age: f.cache.max_age,
        }),
        Err(error) => Ok(Fetched::NotFeed {
            page: text,
            base: f.final_url,
            error,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_alternate_links_in_order() {
        let html = r#"<html><head>
          <link rel="stylesheet" href="/s.css">
          <link rel="alternate" type="application/rss+xml" title="Top" href="/rss/top.xml">
          <link rel="alternate" type="application/atom+xml" href="https://other.test/atom">
          <link rel="alternate" type="text/html" hreflang="ur" href="/ur/">
          <link rel="alternate" type="application/rss+xml" href="javascript:x()">
        </head></html>"#;
        let base = Url::parse("https://site.test/news/").unwrap();
        let links = feed_links(html, &base);
        assert_eq!(links.len(), 2);
        assert_eq!(links[0].url, "https://site.test/rss/top.xml");
        assert_eq!(links[0].title.as_deref(), Some("Top"));
        assert_eq!(links[1].url, "https://other.test/atom");
    }
}

//! HTTP for feeds, pages and images: one shared reqwest client, politeness
//! and caps.
//!
//! The [`Fetcher`] owns:
//! - the client (rustls, gzip/brotli/deflate, connect and total timeouts);
//! - a cap on the *decoded* body, enforced while streaming, so a gzip bomb or
//!   a 200 MB feed is cut off holding at most the cap in memory;
//! - a global limit on requests in flight and a limit per host (2);
//! - per-host `Retry-After` deadlines (429/503), so other feeds on that host
//!   wait too;
//! - redirects, followed by hand so that each hop is checked against the
//!   [`guard::AddressPolicy`] and a chain of permanent (301/308) redirects is
//!   reported to the caller, which decides whether to adopt it.
//!
//! It does not parse or store anything.

pub mod charset;
pub mod guard;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap, HeaderValue};
use tokio::sync::Semaphore;
use url::Url;

use crate::error::FetchError;
use crate::model::{self, Timestamp};
pub use guard::AddressPolicy;

/// The User-Agent sent with every request.
pub const USER_AGENT: &str = concat!(
    "Khabar/",
    env!("CARGO_PKG_VERSION"),
    " (+",
    env!("CARGO_PKG_REPOSITORY"),
    ")"
);

/// Accept header for feed requests.
pub const ACCEPT_FEED: &str = "application/rss+xml, application/atom+xml, application/feed+json, \
application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5";
/// Accept header for page requests.
pub const ACCEPT_HTML: &str = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5";
/// Accept header for image requests.
pub const ACCEPT_IMAGE: &str = "image/avif, image/webp, image/png, image/jpeg, image/*;q=0.8";

/// Limits and timeouts.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// Time to establish a connection.
    pub connect_timeout: Duration,
    /// Time for the whole request, body included.
    pub total_timeout: Duration,
    /// Cap on the decoded body, bytes.
    pub max_body: u64,
    /// Redirect hops followed.
    pub max_redirects: usize,
    /// Requests in flight per host.
    pub per_host: usize,
    /// Requests in flight overall.
    pub global: usize,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(30),
            max_body: 15 * 1024 * 1024,
            max_redirects: 5,
            per_host: 2,
            global: 16,
        }
    }
}

/// Validators from an earlier response, sent back byte for byte.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Validators {
    /// `ETag` as received.
    pub etag: Option<Vec<u8>>,
    /// `Last-Modified` as received.
    pub last_modified: Option<Vec<u8>>,
}

/// What kind of resource is requested (sets `Accept`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A feed.
    Feed,
    /// A web page.
    Html,
    /// An image.
    Image,
}

/// Caching hints from the response headers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CacheHints {
    /// `Cache-Control: max-age` (or `Expires` - now), seconds.
    pub max_age: Option<i64>,
}

/// A successful response body.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// URL of the final response after redirects.
    pub final_url: Url,
    /// Where a chain of permanent redirects (301/308) from the requested URL
    /// ended, if the first hops were permanent.
    pub permanent_url: Option<Url>,
    /// The Content-Type header.
    pub content_type: Option<String>,
    /// Validators to store.
    pub validators: Validators,
    /// Caching hints.
    pub cache: CacheHints,
    /// The decoded body (at most the cap).
    pub body: Vec<u8>,
}

/// Result of a (conditional) GET.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// 304: nothing changed.
    NotModified {
        /// Caching hints.
        cache: CacheHints,
        /// Permanent redirect seen on the way, if any.
        permanent_url: Option<Url>,
    },
    /// 2xx with a body.
    Fetched(Fetched),
}

/// The shared HTTP client with its limits. Cheap to clone.
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    config: FetchConfig,
    global: Arc<Semaphore>,
    hosts: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>,
    backoff: Arc<Mutex<HashMap<String, Timestamp>>>,
}

impl Fetcher {
    /// Builds the client.
    pub fn new(config: FetchConfig) -> Result<Fetcher, FetchError> {
        // Ignore the error: it only says a provider is installed already.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(config.connect_timeout)
            .timeout(config.total_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(config.per_host)
            .build()
            .map_err(|e| FetchError::Network(format!("cannot set up HTTP: {e}")))?;
        Ok(Fetcher {
            client,
            global: Arc::new(Semaphore::new(config.global.max(1))),
            config,
            hosts: Arc::default(),
            backoff: Arc::default(),
        })
    }

    /// The limits in force.
    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    /// Records that `host` asked us to wait until `until`.
    pub fn set_host_backoff(&self, host: &str, until: Timestamp) {
        if let Ok(mut map) = self.backoff.lock() {
            let e = map.entry(host.to_ascii_lowercase()).or_insert(until);
            *e = (*e).max(until);
        }
    }

    /// When `host` may be asked again, if it asked us to wait.
    pub fn host_backoff(&self, host: &str) -> Option<Timestamp> {
        let now = model::now();
        let map = self.backoff.lock().ok()?;
        map.get(&host.to_ascii_lowercase())
            .copied()
            .filter(|&t| t > now)
    }

    fn host_semaphore(&self, host: &str) -> Arc<Semaphore> {
        match self.hosts.lock() {
            Ok(mut map) => map
                .entry(host.to_ascii_lowercase())
                .or_insert_with(|| Arc::new(Semaphore::new(self.config.per_host.max(1))))
                .clone(),
            // A poisoned map only loses sharing; still limit this request.
            Err(_) => Arc::new(Semaphore::new(self.config.per_host.max(1))),
        }
    }

    /// GET `url`, conditionally when `validators` are given.
    pub async fn get(
        &self,
        url: &str,
        kind: Kind,
        validators: &Validators,
        policy: AddressPolicy,
    ) -> Result<Outcome, FetchError> {
        self.get_capped(url, kind, validators, policy, self.config.max_body)
            .await
    }

    /// [`get`](Self::get) with a smaller cap on the body (`cap`, at most the
    /// configured one): an outlet's icon is refused past 64 KB.
    pub async fn get_capped(
        &self,
        url: &str,
        kind: Kind,
        validators: &Validators,
        policy: AddressPolicy,
        cap: u64,
    ) -> Result<Outcome, FetchError> {
        let cap = cap.min(self.config.max_body);
        let mut current = guard::parse_http_url(url)?;
        let mut permanent: Option<Url> = None;
        let mut still_permanent = true;
        for _hop in 0..=self.config.max_redirects {
            guard::check_policy(&current, policy).await?;
            let host = current.host_str().unwrap_or_default().to_string();
            if let Some(until) = self.host_backoff(&host) {
                return Err(FetchError::HostBackoff(model::rfc3339(until)));
            }
            // Host first, then global: a queue for one busy host must not
            // hold global slots that other hosts could use.
            let host_sem = self.host_semaphore(&host);
            let _host = host_sem
                .acquire()
                .await
                .map_err(|_| FetchError::Network("shutting down".into()))?;
            let _global = self
                .global
                .acquire()
                .await
                .map_err(|_| FetchError::Network("shutting down".into()))?;

            let resp = self
                .client
                .get(current.clone())
                .headers(request_headers(kind, validators))
                .send()
                .await
                .map_err(|e| self.map_error(e))?;
            let status = resp.status();
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                let next = redirect_target(&current, resp.headers())?;
                let is_perm = matches!(
                    status,
                    StatusCode::MOVED_PERMANENTLY | StatusCode::PERMANENT_REDIRECT
                );
                if is_perm && still_permanent {
                    permanent = Some(next.clone());
                } else {
                    still_permanent = false;
                }
                current = next;
                continue;
            }
            let cache = cache_hints(resp.headers());
            if status == StatusCode::NOT_MODIFIED {
                return Ok(Outcome::NotModified {
                    cache,
                    permanent_url: permanent,
                });
            }
            if status == StatusCode::GONE {
                return Err(FetchError::Gone);
            }
            if !status.is_success() {
                let retry_after = if status == StatusCode::TOO_MANY_REQUESTS
                    || status == StatusCode::SERVICE_UNAVAILABLE
                {
                    resp.headers()
                        .get(header::RETRY_AFTER)
                        .and_then(|v| parse_retry_after(v.as_bytes(), model::now()))
                } else {
                    None
                };
                if let Some(until) = retry_after {
                    self.set_host_backoff(&host, until);
                }
                return Err(FetchError::Status {
                    code: status.as_u16(),
                    reason: status.canonical_reason().unwrap_or("").to_string(),
                    retry_after,
                });
            }
            let headers = resp.headers().clone();
            let body = self.read_capped(resp, cap).await?;
            return Ok(Outcome::Fetched(Fetched {
                final_url: current,
                permanent_url: permanent,
                content_type: headers
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string),
                validators: Validators {
                    etag: headers.get(header::ETAG).map(|v| v.as_bytes().to_vec()),
                    last_modified: headers
                        .get(header::LAST_MODIFIED)
                        .map(|v| v.as_bytes().to_vec()),
                },
                cache,
                body,
            }));
        }
        Err(FetchError::Redirect(format!(
            "more than {} redirects",
            self.config.max_redirects
        )))
    }

    /// Reads the (already decompressed) body, stopping at the cap.
    async fn read_capped(
        &self,
        mut resp: reqwest::Response,
        cap: u64,
    ) -> Result<Vec<u8>, FetchError> {
        let encoded = resp.headers().contains_key(header::CONTENT_ENCODING);
        if let (Some(len), false) = (resp.content_length(), encoded)
            && len > cap
        {
            return Err(FetchError::TooLarge(cap));
        }
        let mut body: Vec<u8> = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.map_error(e))? {
            if body.len() as u64 + chunk.len() as u64 > cap {
                return Err(FetchError::TooLarge(cap));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    fn map_error(&self, e: reqwest::Error) -> FetchError {
        if e.is_timeout() {
            return FetchError::Timeout(self.config.total_timeout.as_secs().max(1));
        }
        let chain = error_chain(&e);
        if e.is_connect() {
            if chain.contains("dns error") || chain.contains("failed to lookup") {
                let host = e.url().and_then(|u| u.host_str()).unwrap_or("").to_string();
                return FetchError::Dns(host);
            }
            return FetchError::Connect(chain);
        }
        if e.is_decode() || e.is_body() {
            return FetchError::Network(format!("the response body broke off: {chain}"));
        }
        FetchError::Network(chain)
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        let msg = inner.to_string();
        if !s.contains(&msg) {
            s.push_str(": ");
            s.push_str(&msg);
        }
        src = inner.source();
    }
    s
}

fn request_headers(kind: Kind, v: &Validators) -> HeaderMap {
    let mut h = HeaderMap::new();
    let accept = match kind {
        Kind::Feed => ACCEPT_FEED,
        Kind::Html => ACCEPT_HTML,
        Kind::Image => ACCEPT_IMAGE,
    };
    h.insert(header::ACCEPT, HeaderValue::from_static(accept));
    if let Some(etag) = v
        .etag
        .as_deref()
        .and_then(|b| HeaderValue::from_bytes(b).ok())
    {
        h.insert(header::IF_NONE_MATCH, etag);
    }
    if let Some(lm) = v
        .last_modified
        .as_deref()
        .and_then(|b| HeaderValue::from_bytes(b).ok())
    {
        h.insert(header::IF_MODIFIED_SINCE, lm);
    }
    h
}

fn redirect_target(current: &Url, headers: &HeaderMap) -> Result<Url, FetchError> {
    let loc = headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| FetchError::Redirect("redirect without a Location".into()))?;
    let next = current
        .join(loc)
        .map_err(|e| FetchError::Redirect(format!("bad Location {loc}: {e}")))?;
    guard::check_scheme(&next)?;
    Ok(next)
}

/// Parses `Retry-After` (delta seconds or an HTTP date) into an absolute time.
pub fn parse_retry_after(value: &[u8], now: Timestamp) -> Option<Timestamp> {
    let s = std::str::from_utf8(value).ok()?.trim();
    if let Ok(secs) = s.parse::<i64>() {
        return Some(now + secs.clamp(0, 7 * 24 * 3600));
    }
    let t = httpdate::parse_http_date(s).ok()?;
    let ts = t.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs() as i64;
    Some(ts.clamp(now, now + 7 * 24 * 3600))
}

fn cache_hints(headers: &HeaderMap) -> CacheHints {
    let mut max_age = headers
        .get_all(header::CACHE_CONTROL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .find_map(|d| {
            let (k, v) = d.split_once('=')?;
            (k.trim().eq_ignore_ascii_case("max-age"))
                .then(|| v.trim().trim_matches('"').parse::<i64>().ok())
                .flatten()
        });
    if max_age.is_none() {
        let expires = headers
            .get(header::EXPIRES)
            .and_then(|v| v.to_str().ok())
            .and_then(|s| httpdate::parse_http_date(s).ok());
        if let Some(exp) = expires
            && let Ok(d) = exp.duration_since(std::time::SystemTime::now())
        {
            max_age = Some(d.as_secs() as i64);
        }
    }
    CacheHints { max_age }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_date() {
        assert_eq!(parse_retry_after(b"120", 1000), Some(1120));
        let t = parse_retry_after(b"Wed, 21 Oct 2065 07:28:00 GMT", 1_000_000_000).unwrap();
        // Clamped to a week at most.
        assert_eq!(t, 1_000_000_000 + 7 * 24 * 3600);
        let t = parse_retry_after(b"Sun, 09 Sep 2001 01:47:00 GMT", 1_000_000_000).unwrap();
        assert_eq!(t, 1_000_000_020);
        assert_eq!(parse_retry_after(b"soon", 0), None);
    }

    #[test]
    fn user_agent_names_khabar_version_and_url() {
        assert!(USER_AGENT.starts_with("Khabar/"));
        assert!(USER_AGENT.contains(env!("CARGO_PKG_VERSION")));
        assert!(USER_AGENT.contains("https://"));
    }

    #[test]
    fn max_age_from_cache_control() {
        let mut h = HeaderMap::new();
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=900"),
        );
        assert_eq!(cache_hints(&h).max_age, Some(900));
    }
}

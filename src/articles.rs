//! Fetching one article page for offline reading: the page, its clean
//! document, and its images.
//!
//! Every request goes through the shared [`Fetcher`], so article pages get the
//! same per-host limits, caps and Retry-After handling as feeds. Links named
//! by a public feed may not point at loopback or private addresses
//! ([`AddressPolicy::PublicOnly`]); a feed served from such an address may.
//! When the page cannot be fetched, is not HTML, or extracts to too little
//! text, the record says why and the reader keeps showing the feed's text.
//!
//! Images (the lead image and those in the body) are downloaded within caps,
//! checked by [`crate::images::prepare`] (header first, pixel and memory
//! budgets, a display copy no larger than any texture), and stored by the
//! hash of the downloaded bytes under the data folder. An image that is not
//! kept comes back as a [`RefusedImage`] with the reason, for the window's
//! placeholder.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use url::Url;

use crate::extract::{self, Article, Block, ExtractError};
use crate::fetch::{self, AddressPolicy, Fetcher, Kind, Outcome, Validators};
use crate::images;
use crate::model;
use crate::store::articles::{ArticleJob, ArticleRecord, ArticleStatus};

/// Caps for image downloads.
#[derive(Debug, Clone)]
pub struct ImageConfig {
    /// Folder for cached images (`None`: no images).
    pub dir: Option<PathBuf>,
    /// Largest image, bytes.
    pub max_image: usize,
    /// Most image bytes for one article.
    pub max_per_article: usize,
    /// Most images for one article.
    pub max_count: usize,
}

impl Default for ImageConfig {
    fn default() -> Self {
        ImageConfig {
            dir: None,
            max_image: 5 * 1024 * 1024,
            max_per_article: 20 * 1024 * 1024,
            max_count: 12,
        }
    }
}

/// A downloaded, checked image to record.
#[derive(Debug, Clone)]
pub struct SavedImage {
    /// The URL as it appears in the document.
    pub url: String,
    /// Content hash (hex SHA-256), also the file name.
    pub hash: String,
    /// MIME type from the decoded format.
    pub mime: String,
    /// Size in bytes.
    pub bytes: usize,
    /// Pixel size of the stored (display) copy.
    pub size: (u32, u32),
}

/// An image of the article that is not kept, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedImage {
    /// The URL as it appears in the document.
    pub url: String,
    /// Why, in plain words.
    pub reason: String,
}

/// The outcome of one article job.
#[derive(Debug, Clone)]
pub struct ArticleResult {
    /// The job.
    pub job: ArticleJob,
    /// What to store.
    pub record: ArticleRecord,
    /// Images saved to disk.
    pub images: Vec<SavedImage>,
    /// Images not kept, with the reason.
    pub refused: Vec<RefusedImage>,
}

/// Which addresses the links of a feed at `feed_url` may use.
pub async fn policy_for_feed(feed_url: &str) -> AddressPolicy {
    match Url::parse(feed_url) {
        Ok(u) if fetch::guard::url_is_local(&u).await => AddressPolicy::Any,
        _ => AddressPolicy::PublicOnly,
    }
}

/// Fetches, extracts and (optionally) caches images for one item.
pub async fn fetch_article(
    fetcher: Fetcher,
    job: ArticleJob,
    images: ImageConfig,
) -> ArticleResult {
    let policy = policy_for_feed(&job.feed_url).await;
    let fetched_at = model::now();
    let fallback = |reason: String,
                    url: Option<String>,
                    ct: Option<String>,
                    original: Option<Vec<u8>>| ArticleRecord {
        status: ArticleStatus::Fallback,
        reason: Some(reason),
        fetched_at,
        url,
        content_type: ct,
        extractor_version: extract::EXTRACTOR_VERSION,
        document: None,
        original,
    };
    let outcome = fetcher
        .get(&job.link, Kind::Html, &Validators::default(), policy)
        .await;
    let f = match outcome {
        Ok(Outcome::Fetched(f)) => f,
        Ok(Outcome::NotModified { .. }) => {
            let record = fallback(
                "the server answered 304 to a first request".into(),
                None,
                None,
                None,
            );
            return ArticleResult {
                job,
                record,
                images: Vec::new(),
                refused: Vec::new(),
            };
        }
        Err(e) => {
            let record = fallback(format!("cannot fetch the page: {e}"), None, None, None);
            return ArticleResult {
                job,
                record,
                images: Vec::new(),
                refused: Vec::new(),
            };
        }
    };
    let url = f.final_url.clone();
    let ct = f.content_type.clone();
    let body = f.body;
    let record = tokio::task::spawn_blocking(move || {
        record_from_page(&body, ct.as_deref(), Some(&url), fetched_at)
    })
    .await
    .unwrap_or_else(|e| fallback(format!("the extractor failed: {e}"), None, None, None));
    let (saved, refused) = match (&record.document, &images.dir) {
        (Some(doc), Some(dir)) => save_images(&fetcher, doc, policy, &images, dir).await,
        _ => (Vec::new(), Vec::new()),
    };
    ArticleResult {
        job,
        record,
        images: saved,
        refused,
    }
}

/// Extracts a fetched (or stored) page into a record: clean when the
/// article is long enough, else a fallback with the reason. The original is
/// kept whenever it is HTML, so a later extractor can try again.
pub fn record_from_page(
    body: &[u8],
    content_type: Option<&str>,
    url: Option<&Url>,
    fetched_at: i64,
) -> ArticleRecord {
    let mut rec = ArticleRecord {
        status: ArticleStatus::Fallback,
        reason: None,
        fetched_at,
        url: url.map(Url::to_string),
        content_type: content_type.map(str::to_string),
        extractor_version: extract::EXTRACTOR_VERSION,
        document: None,
        original: Some(body.to_vec()),
    };
    match extract::extract_bytes(body, content_type, url) {
        Ok(article) if article.text_len() >= extract::MIN_ARTICLE_CHARS => {
            rec.status = ArticleStatus::Ok;
            rec.document = Some(article);
        }
        Ok(article) => rec.reason = Some(ExtractError::TooShort(article.text_len()).to_string()),
        Err(e @ ExtractError::NotHtml(_)) => {
            rec.reason = Some(e.to_string());
            rec.original = None;
        }
        Err(e) => rec.reason = Some(e.to_string()),
    }
    rec
}

/// Image URLs of an article: the lead image, then those in the body.
pub fn image_urls(doc: &Article) -> Vec<String> {
    let mut urls: Vec<String> = doc.meta.lead_image.iter().cloned().collect();
    for b in &doc.blocks {
        if let Block::Image { src, .. } = b
            && !urls.contains(src)
        {
            urls.push(src.clone());
        }
    }
    urls
}

async fn save_images(
    fetcher: &Fetcher,
    doc: &Article,
    policy: AddressPolicy,
    cfg: &ImageConfig,
    dir: &Path,
) -> (Vec<SavedImage>, Vec<RefusedImage>) {
    let mut out = Vec::new();
    let mut refused = Vec::new();
    let mut budget = cfg.max_per_article;
    for url in image_urls(doc).into_iter().take(cfg.max_count) {
        match save_image(fetcher, &url, policy, cfg, dir, budget).await {
            Ok(saved) => {
                budget = budget.saturating_sub(saved.bytes);
                out.push(saved);
            }
            // Spacers and tracking pixels are dropped without a placeholder.
            Err(images::Refusal::Tiny { .. }) => {}
            Err(r) => refused.push(RefusedImage {
                url,
                reason: r.to_string(),
            }),
        }
    }
    (out, refused)
}

async fn save_image(
    fetcher: &Fetcher,
    url: &str,
    policy: AddressPolicy,
    cfg: &ImageConfig,
    dir: &Path,
    budget: usize,
) -> Result<SavedImage, images::Refusal> {
    let f = match fetcher
        .get(url, Kind::Image, &Validators::default(), policy)
        .await
    {
        Ok(Outcome::Fetched(f)) => f,
        Ok(Outcome::NotModified { .. }) => {
            return Err(images::Refusal::Fetch("304 to a first request".into()));
        }
        Err(e) => return Err(images::Refusal::Fetch(e.to_string())),
    };
    if f.body.len() > cfg.max_image {
        return Err(images::Refusal::TooBig {
            bytes: f.body.len(),
            cap: cfg.max_image,
        });
    }
    if f.body.len() > budget {
        return Err(images::Refusal::ArticleBudget);
    }
    let bytes = f.body;
    let hash = hex::encode(Sha256::digest(&bytes));
    let prepared =
        tokio::task::spawn_blocking(move || images::prepare(&bytes, &images::Budget::default()))
            .await
            .map_err(|e| images::Refusal::Damaged(format!("the decoder failed: {e}")))??;
    let path = image_path(dir, &hash);
    if !path.exists() {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| images::Refusal::Fetch(format!("cannot store it: {e}")))?;
        }
        // Write to a temporary name, then rename: a crash never leaves
        // half an image under its final name.
        let tmp = path.with_extension("part");
        if let Err(e) =
            std::fs::write(&tmp, &prepared.bytes).and_then(|()| std::fs::rename(&tmp, &path))
        {
            let _ = std::fs::remove_file(&tmp);
            return Err(images::Refusal::Fetch(format!("cannot store it: {e}")));
        }
    }
    Ok(SavedImage {
        url: url.to_string(),
        hash,
        mime: prepared.mime.to_string(),
        bytes: prepared.bytes.len(),
        size: prepared.size,
    })
}

/// Checks an image without keeping it; returns its MIME type and the size
/// of its display copy. Dimensions come from the header first, so a
/// dimension bomb is refused before any pixel is decoded.
pub fn check_image(bytes: &[u8]) -> Option<(&'static str, (u32, u32))> {
    images::prepare(bytes, &images::Budget::default())
        .ok()
        .map(|p| (p.mime, p.size))
}

/// Where the image with this hash lives under `dir`.
pub fn image_path(dir: &Path, hash: &str) -> PathBuf {
    let prefix = hash.get(..2).unwrap_or("00");
    dir.join(prefix).join(hash)
}

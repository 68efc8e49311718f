//! Stored article pages: the clean document for offline reading, the
//! original HTML (gzip-compressed, for re-extraction), and why a page fell
//! back to the feed's own text when it did. Also the image cache index.

use std::io::{Read as _, Write as _};

use rusqlite::{OptionalExtension, params};

use super::Store;
use crate::error::StoreError;
use crate::extract::Article;
use crate::model::{FeedId, ItemId, Timestamp};

/// An item whose article page is still to be fetched.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleJob {
    /// The item.
    pub item: ItemId,
    /// Its link.
    pub link: String,
    /// The URL of its feed (decides which addresses the link may use).
    pub feed_url: String,
}

/// How an article fetch ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArticleStatus {
    /// A clean article was extracted.
    Ok,
    /// The page could not be fetched or gave no article; the feed's text is shown.
    Fallback,
}

impl ArticleStatus {
    fn as_str(self) -> &'static str {
        match self {
            ArticleStatus::Ok => "ok",
            ArticleStatus::Fallback => "fallback",
        }
    }
}

/// What to store for one article.
#[derive(Debug, Clone)]
pub struct ArticleRecord {
    /// Outcome.
    pub status: ArticleStatus,
    /// Why it fell back, in plain words.
    pub reason: Option<String>,
    /// When fetched.
    pub fetched_at: Timestamp,
    /// Final URL of the page.
    pub url: Option<String>,
    /// Content-Type of the page.
    pub content_type: Option<String>,
    /// Extractor version used.
    pub extractor_version: i64,
    /// The clean document.
    pub document: Option<Article>,
    /// The original HTML, uncompressed (compressed on the way in).
    pub original: Option<Vec<u8>>,
}

/// An article as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredArticle {
    /// Outcome.
    pub status: ArticleStatus,
    /// Why it fell back.
    pub reason: Option<String>,
    /// Page URL.
    pub url: Option<String>,
    /// Extractor version.
    pub extractor_version: i64,
    /// The clean document.
    pub document: Option<Article>,
}

/// A stored original page, for re-extraction.
#[derive(Debug, Clone)]
pub struct StoredOriginal {
    /// The item.
    pub item: ItemId,
    /// Page URL.
    pub url: Option<String>,
    /// Content-Type.
    pub content_type: Option<String>,
    /// The HTML bytes (decompressed).
    pub html: Vec<u8>,
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

fn gunzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = flate2::read::GzDecoder::new(data).read_to_end(&mut out);
    out
}

/// The longest summary line kept for a headline row (two lines show).
pub const LEAD_MAX_CHARS: usize = 280;

/// A row's summary line from the article's first paragraph or the feed's
/// HTML: whitespace collapsed, cut at a word near [`LEAD_MAX_CHARS`] with
/// "…", none when empty or only the title again.
pub fn lead_text(title: &str, article: Option<&str>, feed_html: Option<&str>) -> Option<String> {
    let clean = |s: &str| crate::parse::collapse_ws(s);
    let text = article
        .map(clean)
        .filter(|s| !s.is_empty())
        .or_else(|| feed_html.map(super::plain_text))
        .filter(|s| !s.is_empty())?;
    if crate::parse::collapse_ws(title) == text {
        return None;
    }
    if text.chars().count() <= LEAD_MAX_CHARS {
        return Some(text);
    }
    let cut: String = text.chars().take(LEAD_MAX_CHARS).collect();
    let cut = match cut.rfind(' ') {
        Some(at) if at > cut.len() / 2 => &cut[..at],
        _ => cut.as_str(),
    };
    Some(format!("{}…", cut.trim_end_matches([',', ';', ':', ' '])))
}

impl Store {
    /// The summary line of each headline row: the clean article's first
    /// paragraph, else the feed's own summary (or content) as plain text;
    /// at most [`LEAD_MAX_CHARS`] characters, none when it only repeats the
    /// title. One primary-key read per id: the window calls it with the rows
    /// it loads as they scroll into view, never per frame.
    pub fn leads(&self, ids: &[ItemId]) -> Result<Vec<(ItemId, String)>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT i.title,
               (SELECT group_concat(json_extract(r.value, '$.text'), '')
                  FROM json_each((SELECT b.value
                                    FROM articles a, json_each(a.document, '$.blocks') b
                                   WHERE a.item_id = i.id AND a.document IS NOT NULL
                                     AND json_extract(b.value, '$.t') = 'paragraph'
                                   LIMIT 1), '$.inlines') r),
               substr(coalesce(i.summary, i.content), 1, 4000)
             FROM items i WHERE i.id = ?1",
        )?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let row = st
                .query_row([id], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, Option<String>>(2)?,
                    ))
                })
                .optional()?;
            let Some((title, article, feed_html)) = row else {
                continue;
            };
            if let Some(lead) = lead_text(&title, article.as_deref(), feed_html.as_deref()) {
                out.push((*id, lead));
            }
        }
        Ok(out)
    }

    /// Items first seen since `since` whose feed wants full articles and whose
    /// page has not been fetched yet, newest first.
    pub fn items_needing_articles(
        &self,
        since: Timestamp,
        limit: usize,
    ) -> Result<Vec<ArticleJob>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT i.id, i.link, f.url FROM items i JOIN feeds f ON f.id = i.feed_id
             WHERE f.fetch_articles = 1 AND i.link IS NOT NULL AND i.first_seen >= ?1
               AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.item_id = i.id)
             ORDER BY i.published DESC, i.id DESC LIMIT ?2",
        )?;
        let rows = st.query_map(params![since, limit as i64], |r| {
            Ok(ArticleJob {
                item: r.get(0)?,
                link: r.get(1)?,
                feed_url: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Stores an article (replacing an earlier one) and, when it is clean,
    /// indexes its text in place of the feed's. One transaction.
    pub fn save_article(&mut self, item: ItemId, rec: &ArticleRecord) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let doc_json = rec
            .document
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| StoreError::NotFound(format!("article document ({e})")))?;
        let text_len = rec.document.as_ref().map_or(0, |d| d.text_len() as i64);
        let original = rec.original.as_deref().map(gzip);
        tx.execute(
            "INSERT OR REPLACE INTO articles (item_id, status, reason, fetched_at, url, content_type,
                 extractor_version, document, text_len, original)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, coalesce(?10,
                 (SELECT original FROM articles WHERE item_id = ?1)))",
            params![
                item,
                rec.status.as_str(),
                rec.reason,
                rec.fetched_at,
                rec.url,
                rec.content_type,
                rec.extractor_version,
                doc_json,
                text_len,
                original
            ],
        )?;
        let mut fresh = Vec::new();
        if let (ArticleStatus::Ok, Some(doc)) = (rec.status, &rec.document) {
            type Row = (FeedId, Option<String>, String, Option<String>, Timestamp);
            let (feed, folder, title, feed_lang, at): Row = tx.query_row(
                "SELECT i.feed_id, f.folder, i.title, f.language, i.published
                 FROM items i JOIN feeds f ON f.id = i.feed_id WHERE i.id = ?1",
                [item],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )?;
            let topic_list = super::topics::compiled_topics(&tx)?;
            let mut pending = super::topics::Pending::default();
            let declared = doc.meta.language.as_deref().or(feed_lang.as_deref());
            super::topics::index_and_match(
                &tx,
                &super::topics::ItemText {
                    id: item,
                    feed,
                    folder: folder.as_deref(),
                    title: &title,
                    body: &doc.body_text(),
                    declared_lang: declared,
                    at,
                    replace: true,
                },
                &topic_list,
                true,
                &mut pending,
            )?;
            let grouped = std::mem::take(&mut pending.stories);
            fresh = pending.write(&tx)?;
            super::stories::group(&tx, &mut self.stories, grouped)?;
        }
        tx.commit()?;
        self.fresh_hits.extend(fresh);
        Ok(())
    }

    /// The stored article of an item, if its page was fetched.
    pub fn article(&self, item: ItemId) -> Result<Option<StoredArticle>, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT status, reason, url, extractor_version, document FROM articles WHERE item_id = ?1",
                [item],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, Option<String>>(4)?,
                    ))
                },
            )
            .optional()?;
        Ok(
            row.map(|(status, reason, url, version, doc)| StoredArticle {
                status: if status == "ok" {
                    ArticleStatus::Ok
                } else {
                    ArticleStatus::Fallback
                },
                reason,
                url,
                extractor_version: version,
                // A document that no longer deserialises reads as missing;
                // `khabar reextract` rebuilds it from the original.
                document: doc.and_then(|d| serde_json::from_str(&d).ok()),
            }),
        )
    }

    /// Ids of items whose stored original was extracted by a version older
    /// than `version` (all with originals when `all`).
    pub fn articles_to_reextract(
        &self,
        version: i64,
        all: bool,
    ) -> Result<Vec<ItemId>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT item_id FROM articles WHERE original IS NOT NULL AND (?2 OR extractor_version < ?1)
             ORDER BY item_id",
        )?;
        let rows = st.query_map(params![version, all], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The stored original page of an item.
    pub fn article_original(&self, item: ItemId) -> Result<Option<StoredOriginal>, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT url, content_type, original FROM articles WHERE item_id = ?1 AND original IS NOT NULL",
                [item],
                |r| {
                    Ok((
                        r.get::<_, Option<String>>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, Vec<u8>>(2)?,
                    ))
                },
            )
            .optional()?;
        Ok(row.map(|(url, content_type, z)| StoredOriginal {
            item,
            url,
            content_type,
            html: gunzip(&z),
        }))
    }

    /// Records that an item's article uses the cached image `hash` for `url`.
    pub fn link_image(&self, item: ItemId, url: &str, hash: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO article_images (item_id, url, hash) VALUES (?1, ?2, ?3)",
            params![item, url, hash],
        )?;
        Ok(())
    }

    /// Records why the image at `url` in an item's article is not kept.
    pub fn refuse_image(&self, item: ItemId, url: &str, reason: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO image_refusals (item_id, url, reason) VALUES (?1, ?2, ?3)",
            params![item, url, reason],
        )?;
        Ok(())
    }

    /// Why images of an item's article are not kept: (url, reason), by url.
    pub fn image_refusals(&self, item: ItemId) -> Result<Vec<(String, String)>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT url, reason FROM image_refusals WHERE item_id = ?1 ORDER BY url",
        )?;
        let rows = st.query_map([item], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records what was repaired in a feed's last document (`None`: nothing).
    pub fn set_feed_warning(&self, feed: FeedId, warning: Option<&str>) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE feeds SET last_warning = ?2 WHERE id = ?1 AND last_warning IS NOT ?2",
            params![feed, warning],
        )?;
        Ok(())
    }

    /// What was repaired in a feed's last document.
    pub fn feed_warning(&self, feed: FeedId) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT last_warning FROM feeds WHERE id = ?1",
                [feed],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    /// Records a cached image file.
    pub fn add_image(
        &self,
        hash: &str,
        mime: &str,
        bytes: usize,
        size: Option<(u32, u32)>,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR IGNORE INTO images (hash, mime, bytes, width, height, stored_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![hash, mime, bytes as i64, size.map(|s| s.0), size.map(|s| s.1), at],
        )?;
        Ok(())
    }

    /// The cached image for `url` in an item's article: (hash, mime).
    pub fn image_for(
        &self,
        item: ItemId,
        url: &str,
    ) -> Result<Option<(String, String)>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT im.hash, im.mime FROM article_images ai JOIN images im ON im.hash = ai.hash
                 WHERE ai.item_id = ?1 AND ai.url = ?2",
                params![item, url],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Cached images no article refers to any more; their rows are removed.
    pub fn take_orphan_images(&mut self) -> Result<Vec<String>, StoreError> {
        let tx = self.conn.transaction()?;
        let orphans: Vec<String> = {
            let mut st = tx.prepare(
                "SELECT hash FROM images WHERE hash NOT IN (SELECT hash FROM article_images)",
            )?;
            let rows = st.query_map([], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        tx.execute(
            "DELETE FROM images WHERE hash NOT IN (SELECT hash FROM article_images)",
            [],
        )?;
        tx.commit()?;
        Ok(orphans)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{Block, Inline};
    use crate::fetch::Validators;
    use crate::model::{IncomingFeed, IncomingItem};
    use crate::store::FetchRecord;

    #[test]
    fn a_rows_summary_is_the_articles_first_paragraph_else_the_feeds_text() {
        let mut s = Store::open_in_memory().unwrap();
        let f = s.add_feed("http://example.test/feed", None, None).unwrap();
        let item = |id: &str, title: &str, summary: Option<&str>| IncomingItem {
            identity: id.into(),
            title: title.into(),
            summary: summary.map(String::from),
            published: Some(1_000),
            ..Default::default()
        };
        let doc = IncomingFeed {
            items: vec![
                item(
                    "a",
                    "Harbour cranes",
                    Some("<p>The feed&#39;s <b>own</b> text.</p>"),
                ),
                item("b", "Ferry timetable", Some("<p>Feed text for b.</p>")),
                item("c", "Same as title", Some("Same as title")),
                item("d", "No text", None),
            ],
            ..Default::default()
        };
        let rec = FetchRecord {
            fetched_at: 1_000,
            next_check_at: 2_000,
            validators: Validators::default(),
            new_url: None,
        };
        s.apply_feed(f, &doc, &rec).unwrap();
        let ids = s.headline_ids(&Default::default()).unwrap();
        let rows = s.headlines_by_ids(&ids).unwrap();
        let id_of = |title: &str| rows.iter().find(|h| h.title == title).unwrap().id;
        let b = id_of("Ferry timetable");
        let article = Article {
            blocks: vec![
                Block::Heading {
                    level: 2,
                    inlines: vec![Inline::Text {
                        text: "Not the lead".into(),
                    }],
                },
                Block::Paragraph {
                    inlines: vec![
                        Inline::Text {
                            text: "Boats leave  at ".into(),
                        },
                        Inline::Emphasis {
                            text: "six".into(),
                            strong: false,
                        },
                        Inline::Text {
                            text: " from today.".into(),
                        },
                    ],
                },
                Block::Paragraph {
                    inlines: vec![Inline::Text {
                        text: "Second paragraph.".into(),
                    }],
                },
            ],
            ..Default::default()
        };
        let saved = ArticleRecord {
            status: ArticleStatus::Ok,
            reason: None,
            fetched_at: 1_500,
            url: None,
            content_type: None,
            extractor_version: 1,
            document: Some(article),
            original: None,
        };
        s.save_article(b, &saved).unwrap();
        let leads: std::collections::HashMap<ItemId, String> =
            s.leads(&ids).unwrap().into_iter().collect();
        assert_eq!(leads[&b], "Boats leave at six from today.");
        assert_eq!(leads[&id_of("Harbour cranes")], "The feed's own text.");
        assert!(!leads.contains_key(&id_of("Same as title")));
        assert!(!leads.contains_key(&id_of("No text")));
    }

    #[test]
    fn a_long_summary_is_cut_at_a_word() {
        let long = "word ".repeat(200);
        let lead = lead_text("t", Some(&long), None).unwrap();
        assert!(lead.ends_with("word…"), "{lead}");
        assert!(lead.chars().count() <= LEAD_MAX_CHARS + 1);
    }
}

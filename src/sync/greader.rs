//! The Google Reader API client, as FreshRSS (`/api/greader.php`) and
//! Miniflux document it. The account URL is the API's base: the paths
//! below are appended to it.
//!
//! - `POST accounts/ClientLogin` (`Email`, `Passwd`) answers lines
//!   `SID=`, `LSID=`, `Auth=TOKEN`; later calls send
//!   `Authorization: GoogleLogin auth=TOKEN`.
//! - `GET reader/api/0/token`: the `T` token that writes need.
//! - `GET reader/api/0/subscription/list?output=json`: feeds, with labels
//!   (`user/-/label/NAME`) as folders.
//! - `GET reader/api/0/stream/contents/user/-/state/com.google/reading-list`
//!   with `ot` (newer than, Unix seconds), `r=o` (oldest first), `n` and the
//!   `c` continuation: items, a page at a time.
//! - `GET reader/api/0/stream/items/ids`: unread (`xt=…/read`) and starred
//!   (`s=…/starred`) ids, a page at a time.
//! - `POST reader/api/0/edit-tag` (`T`, `i`, `a` or `r`): marks.
//!
//! Item ids come in a long form (`tag:google.com,2005:reader/item/` + 16
//! hex digits) and a short one (decimal); both are stored as decimal.

use std::collections::HashSet;

use serde_json::Value;

use super::{
    Cursor, Http, MarkError, SyncError, check_status, id_of, json_answer, post_form, with_query,
};
use crate::model::IncomingItem;
use crate::store::sync::{Mark, RemoteFeed, RemoteItem};

const READING_LIST: &str = "user/-/state/com.google/reading-list";
const READ: &str = "user/-/state/com.google/read";
const STARRED: &str = "user/-/state/com.google/starred";
const LONG_ID: &str = "tag:google.com,2005:reader/item/";
/// Items per page asked for.
const PAGE: usize = 1000;
/// Ids per page asked for.
const IDS_PAGE: usize = 10_000;
/// Most pages of ids read.
const MAX_ID_PAGES: usize = 1000;

/// A logged-in Google Reader API client.
pub struct GReader {
    http: Http,
    base: String,
    auth: String,
    token: String,
}

/// Where a pull starts: the stored newest time, else the beginning.
pub fn start(stored: Option<&str>) -> Cursor {
    Cursor {
        stored: stored
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
            .to_string(),
        page: None,
    }
}

/// An item id in decimal, from either form.
pub fn short_id(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if let Some(hex) = raw.strip_prefix(LONG_ID) {
        return u64::from_str_radix(hex, 16).ok().map(|n| n.to_string());
    }
    if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) {
        return raw.parse::<u64>().ok().map(|n| n.to_string());
    }
    None
}

impl GReader {
    /// Logs in with ClientLogin and fetches the write token.
    pub async fn login(
        http: Http,
        url: &str,
        user: &str,
        password: &str,
    ) -> Result<GReader, SyncError> {
        let base = url.trim().trim_end_matches('/').to_string();
        let req = post_form(
            http.client(),
            &format!("{base}/accounts/ClientLogin"),
            &[("Email", user), ("Passwd", password)],
        );
        let (status, body) = http.send(&base, req).await?;
        check_status(&base, status)?;
        let text = String::from_utf8_lossy(&body);
        if text.trim_start().starts_with('<') {
            return Err(SyncError::Html { server: base });
        }
        let auth = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("Auth="))
            .map(str::to_string)
            .filter(|a| !a.is_empty())
            .ok_or_else(|| SyncError::BadAnswer {
                server: base.clone(),
                detail: "the login answer has no Auth= line".into(),
            })?;
        let mut g = GReader {
            http,
            base,
            auth,
            token: String::new(),
        };
        let (status, body) = g
            .http
            .send(&g.base, g.get("reader/api/0/token", &[]))
            .await?;
        check_status(&g.base, status)?;
        g.token = String::from_utf8_lossy(&body).trim().to_string();
        Ok(g)
    }

    fn get(&self, path: &str, query: &[(&str, String)]) -> reqwest::RequestBuilder {
        self.http
            .client()
            .get(with_query(&format!("{}/{path}", self.base), query))
            .header("Authorization", format!("GoogleLogin auth={}", self.auth))
    }

    async fn get_json(&self, path: &str, query: &[(&str, String)]) -> Result<Value, SyncError> {
        let (status, body) = self.http.send(&self.base, self.get(path, query)).await?;
        let v = json_answer(&self.base, status, &body)?;
        if !v.is_object() {
            return Err(self.bad("the answer is not a JSON object"));
        }
        Ok(v)
    }

    fn bad(&self, detail: &str) -> SyncError {
        SyncError::BadAnswer {
            server: self.base.clone(),
            detail: detail.to_string(),
        }
    }

    /// Sends one mark with edit-tag.
    pub async fn mark(&self, remote_id: &str, mark: Mark) -> Result<(), MarkError> {
        let (op, tag) = match mark {
            Mark::Read => ("a", READ),
            Mark::Unread => ("r", READ),
            Mark::Star => ("a", STARRED),
            Mark::Unstar => ("r", STARRED),
        };
        let id = match remote_id.parse::<u64>() {
            Ok(n) => format!("{LONG_ID}{n:016x}"),
            Err(_) => remote_id.to_string(),
        };
        let req = post_form(
            self.http.client(),
            &format!("{}/reader/api/0/edit-tag", self.base),
            &[("T", self.token.as_str()), ("i", id.as_str()), (op, tag)],
        )
        .header("Authorization", format!("GoogleLogin auth={}", self.auth));
        let (status, _) = self
            .http
            .send(&self.base, req)
            .await
            .map_err(MarkError::Failed)?;
        match status {
            404 => Err(MarkError::Gone),
            s => check_status(&self.base, s).map_err(MarkError::Failed),
        }
    }

    /// Subscriptions with their first label as folder.
    pub async fn feeds(&self) -> Result<Vec<RemoteFeed>, SyncError> {
        let v = self
            .get_json(
                "reader/api/0/subscription/list",
                &[("output", "json".into())],
            )
            .await?;
        let list = v
            .get("subscriptions")
            .and_then(Value::as_array)
            .ok_or_else(|| self.bad("the subscription list is missing"))?;
        let mut out = Vec::with_capacity(list.len());
        for s in list {
            let (Some(id), Some(url)) = (
                s.get("id").and_then(Value::as_str),
                s.get("url").and_then(Value::as_str),
            ) else {
                continue;
            };
            let folder = s
                .get("categories")
                .and_then(Value::as_array)
                .and_then(|c| c.first())
                .and_then(|c| {
                    c.get("label")
                        .and_then(Value::as_str)
                        .map(String::from)
                        .or_else(|| {
                            c.get("id")
                                .and_then(Value::as_str)
                                .and_then(|i| i.rsplit_once("/label/"))
                                .map(|(_, l)| l.to_string())
                        })
                })
                .filter(|l| !l.trim().is_empty());
            out.push(RemoteFeed {
                id: id.to_string(),
                title: text(s.get("title")),
                url: url.trim().to_string(),
                site_url: text(s.get("htmlUrl")),
                folder,
            });
        }
        Ok(out)
    }

    /// One page of items newer than the cursor, oldest first.
    pub async fn items_after(
        &self,
        cursor: &Cursor,
    ) -> Result<(Vec<RemoteItem>, Option<Cursor>), SyncError> {
        // Within one sync the page string keeps the `ot` the pull began with.
        let (ot, cont) = match &cursor.page {
            Some(p) => match p.split_once('\n') {
                Some((ot, c)) => (ot.to_string(), Some(c.to_string())),
                None => (p.clone(), None),
            },
            None => (cursor.stored.clone(), None),
        };
        let mut query = vec![
            ("output", "json".to_string()),
            ("n", PAGE.to_string()),
            ("r", "o".to_string()),
            ("ot", ot.clone()),
        ];
        if let Some(c) = &cont {
            query.push(("c", c.clone()));
        }
        let v = self
            .get_json(
                &format!("reader/api/0/stream/contents/{READING_LIST}"),
                &query,
            )
            .await?;
        let list = match v.get("items") {
            Some(Value::Array(a)) => a,
            None | Some(Value::Null) => return Ok((Vec::new(), None)),
            Some(_) => return Err(self.bad("`items` is not a list")),
        };
        let mut newest: i64 = cursor.stored.parse().unwrap_or(0);
        let mut items = Vec::with_capacity(list.len());
        for it in list {
            let Some(id) = it.get("id").and_then(Value::as_str).and_then(short_id) else {
                continue;
            };
            let Some(feed) = it
                .get("origin")
                .and_then(|o| o.get("streamId"))
                .and_then(Value::as_str)
            else {
                continue;
            };
            let published = it.get("published").and_then(Value::as_i64);
            let crawled = it
                .get("crawlTimeMsec")
                .and_then(id_of)
                .and_then(|s| s.parse::<i64>().ok())
                .map(|ms| ms / 1000);
            if let Some(t) = crawled.or(published) {
                newest = newest.max(t);
            }
            let cats: Vec<&str> = it
                .get("categories")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let link = ["canonical", "alternate"].iter().find_map(|k| {
                it.get(*k)
                    .and_then(Value::as_array)
                    .and_then(|a| a.first())
                    .and_then(|l| l.get("href"))
                    .and_then(Value::as_str)
                    .filter(|h| h.starts_with("http"))
                    .map(String::from)
            });
            let body = |k: &str| {
                it.get(k)
                    .and_then(|c| c.get("content"))
                    .and_then(Value::as_str)
                    .map(String::from)
            };
            items.push(RemoteItem {
                id,
                feed: feed.to_string(),
                item: IncomingItem {
                    identity: String::new(),
                    title: text(it.get("title")).unwrap_or_default(),
                    link,
                    author: text(it.get("author")),
                    published,
                    summary: body("summary"),
                    content: body("content"),
                    categories: Vec::new(),
                },
                read: cats.iter().any(|c| c.ends_with("/state/com.google/read")),
                starred: cats
                    .iter()
                    .any(|c| c.ends_with("/state/com.google/starred")),
            });
        }
        let next_cont = v
            .get("continuation")
            .and_then(Value::as_str)
            .filter(|c| !c.is_empty() && Some(*c) != cont.as_deref());
        if items.is_empty() && next_cont.is_none() {
            return Ok((items, None));
        }
        let next = Cursor {
            stored: newest.to_string(),
            page: next_cont.map(|c| format!("{ot}\n{c}")),
        };
        // The last page: the stored time moves on, and no more pages.
        if next.page.is_none() {
            return Ok((items, Some(next.clone()).filter(|n| n != cursor)));
        }
        Ok((items, Some(next)))
    }

    async fn ids(&self, query: &[(&str, String)]) -> Result<HashSet<String>, SyncError> {
        let mut out = HashSet::new();
        let mut cont: Option<String> = None;
        for _ in 0..MAX_ID_PAGES {
            let mut q = query.to_vec();
            q.push(("output", "json".into()));
            q.push(("n", IDS_PAGE.to_string()));
            if let Some(c) = &cont {
                q.push(("c", c.clone()));
            }
            let v = self.get_json("reader/api/0/stream/items/ids", &q).await?;
            let refs = match v.get("itemRefs") {
                Some(Value::Array(a)) => a.as_slice(),
                None | Some(Value::Null) => &[],
                Some(_) => return Err(self.bad("`itemRefs` is not a list")),
            };
            for r in refs {
                if let Some(id) = r.get("id").and_then(id_of).and_then(|s| short_id(&s)) {
                    out.insert(id);
                }
            }
            match v.get("continuation").and_then(Value::as_str) {
                Some(c) if !c.is_empty() && Some(c) != cont.as_deref() => {
                    cont = Some(c.to_string())
                }
                _ => return Ok(out),
            }
        }
        Err(self.bad("the id lists never end"))
    }

    /// Unread and starred ids.
    pub async fn state(&self) -> Result<(HashSet<String>, HashSet<String>), SyncError> {
        let unread = self
            .ids(&[("s", READING_LIST.into()), ("xt", READ.into())])
            .await?;
        let starred = self.ids(&[("s", STARRED.into())]).await?;
        Ok((unread, starred))
    }
}

fn text(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_ids_in_both_forms_become_decimal() {
        assert_eq!(
            short_id("tag:google.com,2005:reader/item/00000000000000ff").as_deref(),
            Some("255")
        );
        assert_eq!(short_id("255").as_deref(), Some("255"));
        assert_eq!(short_id("feed/1"), None);
    }
}

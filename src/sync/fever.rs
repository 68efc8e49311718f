//! The Fever API client (Coldsweat, FreshRSS, Miniflux, tt-rss's plugin).
//!
//! Every call is a POST to `URL?api&COMMAND` with the form field
//! `api_key` = md5("email:password") in hex; the answer is JSON with
//! `auth` 1 or 0. Commands used:
//! - `groups` and `feeds` (with `feeds_groups`): folders and subscriptions;
//! - `items&since_id=N`: items with ids above N, a page at a time (50 on
//!   most servers; any number is accepted);
//! - `unread_item_ids`, `saved_item_ids`: comma-separated id lists;
//! - marks as form fields: `mark=item&as=read|unread|saved|unsaved&id=N`.
//!
//! Servers send ids and flags as numbers or strings; both are read.

use std::collections::{HashMap, HashSet};

use md5::{Digest, Md5};
use serde_json::Value;

use super::{Cursor, Http, MarkError, SyncError, flag_of, id_of, json_answer, post_form};
use crate::model::IncomingItem;
use crate::store::sync::{Mark, RemoteFeed, RemoteItem};

/// The Fever `api_key`: md5 of "email:password", lowercase hex.
pub fn api_key(email: &str, password: &str) -> String {
    hex::encode(Md5::digest(format!("{email}:{password}").as_bytes()))
}

/// A logged-in Fever client.
pub struct Fever {
    http: Http,
    url: String,
    api_key: String,
}

/// Where a pull starts: the stored highest id, else 0.
pub fn start(stored: Option<&str>) -> Cursor {
    Cursor {
        stored: stored
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
            .to_string(),
        page: None,
    }
}

impl Fever {
    /// Checks the key against the server (`auth` must be 1).
    pub async fn login(
        http: Http,
        url: &str,
        email: &str,
        password: &str,
    ) -> Result<Fever, SyncError> {
        let f = Fever {
            http,
            url: url.trim().to_string(),
            api_key: api_key(email, password),
        };
        f.call("", &[]).await?;
        Ok(f)
    }

    fn endpoint(&self, command: &str) -> String {
        let sep = if self.url.contains('?') { '&' } else { '?' };
        let base = if self.url.contains("?api") || self.url.contains("&api") {
            self.url.clone()
        } else {
            format!("{}{sep}api", self.url)
        };
        if command.is_empty() {
            base
        } else {
            format!("{base}&{command}")
        }
    }

    async fn call(&self, command: &str, form: &[(&str, &str)]) -> Result<Value, SyncError> {
        let mut fields: Vec<(&str, &str)> = vec![("api_key", &self.api_key)];
        fields.extend_from_slice(form);
        let req = post_form(self.http.client(), &self.endpoint(command), &fields);
        let (status, body) = self.http.send(&self.url, req).await?;
        let v = json_answer(&self.url, status, &body)?;
        if !v.is_object() {
            return Err(self.bad("the answer is not a JSON object"));
        }
        if !v.get("auth").is_some_and(flag_of) {
            return Err(SyncError::Auth {
                server: self.url.clone(),
            });
        }
        Ok(v)
    }

    fn bad(&self, detail: &str) -> SyncError {
        SyncError::BadAnswer {
            server: self.url.clone(),
            detail: detail.to_string(),
        }
    }

    /// Sends one mark. A 404 means the server no longer has the item.
    pub async fn mark(&self, remote_id: &str, mark: Mark) -> Result<(), MarkError> {
        let as_ = match mark {
            Mark::Read => "read",
            Mark::Unread => "unread",
            Mark::Star => "saved",
            Mark::Unstar => "unsaved",
        };
        match self
            .call("", &[("mark", "item"), ("as", as_), ("id", remote_id)])
            .await
        {
            Ok(_) => Ok(()),
            Err(SyncError::Status { code: 404, .. }) => Err(MarkError::Gone),
            Err(e) => Err(MarkError::Failed(e)),
        }
    }

    /// Groups (as folders) and feeds.
    pub async fn feeds(&self) -> Result<Vec<RemoteFeed>, SyncError> {
        let g = self.call("groups", &[]).await?;
        let mut group_title: HashMap<String, String> = HashMap::new();
        for group in g
            .get("groups")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let (Some(id), Some(title)) = (
                group.get("id").and_then(id_of),
                group.get("title").and_then(Value::as_str),
            ) {
                group_title.insert(id, title.trim().to_string());
            }
        }
        let f = self.call("feeds", &[]).await?;
        // A feed in several groups goes in the first one listed.
        let mut folder_of: HashMap<String, String> = HashMap::new();
        let pairs = f
            .get("feeds_groups")
            .or_else(|| g.get("feeds_groups"))
            .and_then(Value::as_array);
        for pair in pairs.into_iter().flatten() {
            let Some(title) = pair
                .get("group_id")
                .and_then(id_of)
                .and_then(|id| group_title.get(&id))
            else {
                continue;
            };
            for feed in ids_list(pair.get("feed_ids")) {
                folder_of.entry(feed).or_insert_with(|| title.clone());
            }
        }
        let list = f
            .get("feeds")
            .and_then(Value::as_array)
            .ok_or_else(|| self.bad("the answer to `feeds` has no feed list"))?;
        let mut out = Vec::with_capacity(list.len());
        for feed in list {
            let (Some(id), Some(url)) = (
                feed.get("id").and_then(id_of),
                feed.get("url").and_then(Value::as_str),
            ) else {
                continue;
            };
            if url.trim().is_empty() {
                continue;
            }
            out.push(RemoteFeed {
                folder: folder_of.get(&id).cloned().filter(|t| !t.is_empty()),
                id,
                title: text(feed.get("title")),
                url: url.trim().to_string(),
                site_url: text(feed.get("site_url")),
            });
        }
        Ok(out)
    }

    /// Items with ids above the cursor's.
    pub async fn items_after(
        &self,
        cursor: &Cursor,
    ) -> Result<(Vec<RemoteItem>, Option<Cursor>), SyncError> {
        let since: i64 = cursor.stored.parse().unwrap_or(0);
        let v = self.call(&format!("items&since_id={since}"), &[]).await?;
        let list = match v.get("items") {
            Some(Value::Array(a)) => a,
            None | Some(Value::Null) => return Ok((Vec::new(), None)),
            Some(_) => return Err(self.bad("`items` is not a list")),
        };
        let mut items = Vec::with_capacity(list.len());
        let mut max = since;
        for it in list {
            let (Some(id), Some(feed)) = (
                it.get("id").and_then(id_of),
                it.get("feed_id").and_then(id_of),
            ) else {
                continue;
            };
            if let Ok(n) = id.parse::<i64>() {
                max = max.max(n);
            }
            items.push(RemoteItem {
                id,
                feed,
                item: IncomingItem {
                    identity: String::new(),
                    title: text(it.get("title")).unwrap_or_default(),
                    link: text(it.get("url")).filter(|u| u.starts_with("http")),
                    author: text(it.get("author")),
                    published: it.get("created_on_time").and_then(Value::as_i64),
                    summary: None,
                    content: text(it.get("html")),
                    categories: Vec::new(),
                },
                read: it.get("is_read").is_some_and(flag_of),
                starred: it.get("is_saved").is_some_and(flag_of),
            });
        }
        if items.is_empty() {
            return Ok((items, None));
        }
        if max <= since {
            return Err(self.bad(&format!(
                "asked for items after id {since}, got only older ones (the server ignores since_id)"
            )));
        }
        Ok((
            items,
            Some(Cursor {
                stored: max.to_string(),
                page: None,
            }),
        ))
    }

    /// Unread and saved (starred) ids.
    pub async fn state(&self) -> Result<(HashSet<String>, HashSet<String>), SyncError> {
        let u = self.call("unread_item_ids", &[]).await?;
        let s = self.call("saved_item_ids", &[]).await?;
        if u.get("unread_item_ids").is_none() || s.get("saved_item_ids").is_none() {
            return Err(self.bad("the server did not list unread or saved items"));
        }
        Ok((
            ids_list(u.get("unread_item_ids")).collect(),
            ids_list(s.get("saved_item_ids")).collect(),
        ))
    }
}

/// A comma-separated id list (or a JSON list of ids).
fn ids_list(v: Option<&Value>) -> impl Iterator<Item = String> + '_ {
    let strings: Vec<String> = match v {
        Some(Value::String(s)) => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
        Some(Value::Array(a)) => a.iter().filter_map(id_of).collect(),
        Some(Value::Number(n)) => vec![n.to_string()],
        _ => Vec::new(),
    };
    strings.into_iter()
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
    fn api_key_is_md5_of_email_colon_password() {
        // Checked against Python's hashlib.md5(b"ann@example.org:secret").
        assert_eq!(
            api_key("ann@example.org", "secret"),
            "3afe9f7717944fb043723e74dbd00fdc"
        );
    }

    #[test]
    fn id_lists_in_either_shape() {
        let v: Value = serde_json::json!("1, 2,,3");
        assert_eq!(ids_list(Some(&v)).collect::<Vec<_>>(), ["1", "2", "3"]);
        let v: Value = serde_json::json!([4, "5"]);
        assert_eq!(ids_list(Some(&v)).collect::<Vec<_>>(), ["4", "5"]);
        assert_eq!(ids_list(None).count(), 0);
    }
}

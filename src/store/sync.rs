//! The store's side of sync (migration 6): accounts, the maps from remote
//! feed and item ids to local ones, the outbox of local marks, and writing
//! pulled items and state.
//!
//! - The outbox is filled by triggers on `items.read` / `items.starred`, so
//!   a mark and its outbox row commit together or not at all. Only items
//!   that came from an account get a row.
//! - Pulled items go through the same writer as polled ones
//!   ([`super::write_items`]): full-text index, topics, stories.
//! - Pulled state is written with `sync_apply.applying = 1`, so the
//!   triggers do not echo the server's marks back to it. The flag is set
//!   and cleared inside one transaction: no other connection ever sees it
//!   set.
//! - A pull never overwrites an item whose local mark is still waiting in
//!   the outbox (see `sync` for the conflict rule).

use std::collections::{HashMap, HashSet};

use rusqlite::{OptionalExtension, Transaction, params};

use super::{ApplyStats, Store, write_items};
use crate::error::StoreError;
use crate::model::{self, FeedId, IncomingItem, ItemId, Timestamp};

/// Which protocol an account speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountKind {
    /// The Fever API (Coldsweat, FreshRSS, Miniflux, tt-rss plugin...).
    Fever,
    /// The Google Reader API (FreshRSS, Miniflux, Inoreader, The Old Reader...).
    GReader,
}

impl AccountKind {
    /// The name stored and shown: `fever` or `greader`.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Fever => "fever",
            AccountKind::GReader => "greader",
        }
    }

    /// Parses a stored or typed name.
    pub fn parse(s: &str) -> Option<AccountKind> {
        match s.to_ascii_lowercase().as_str() {
            "fever" => Some(AccountKind::Fever),
            "greader" | "google-reader" | "googlereader" => Some(AccountKind::GReader),
            _ => None,
        }
    }
}

impl std::fmt::Display for AccountKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A sync account as stored (the password is not: see `sync::accounts`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Account {
    /// Store id.
    pub id: i64,
    /// Protocol.
    pub kind: AccountKind,
    /// The server's API address as the user gave it.
    pub url: String,
    /// User name or email.
    pub username: String,
    /// When it was added.
    pub added_at: Timestamp,
    /// The last sync that finished without error.
    pub last_sync_at: Option<Timestamp>,
    /// The last sync's error, in plain words (cleared by a good sync).
    pub last_error: Option<String>,
    /// Where the next incremental pull starts (protocol-specific).
    #[serde(skip)]
    pub cursor: Option<String>,
    /// Feeds that come through this account.
    pub feeds: i64,
    /// Local marks waiting to be sent.
    pub pending: i64,
}

impl Account {
    /// `kind user@url`, for messages.
    pub fn label(&self) -> String {
        format!("{} account {} at {}", self.kind, self.username, self.url)
    }
}

/// A local change waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    /// Order of the change (replayed in this order).
    pub seq: i64,
    /// The item's id on the server.
    pub remote_id: String,
    /// What changed.
    pub action: Mark,
    /// When (Unix seconds).
    pub at: Timestamp,
}

/// One change of an item's flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mark {
    /// Marked read.
    Read,
    /// Marked unread.
    Unread,
    /// Starred (Fever: saved).
    Star,
    /// Unstarred.
    Unstar,
}

impl Mark {
    /// The name stored in the outbox.
    pub fn as_str(self) -> &'static str {
        match self {
            Mark::Read => "read",
            Mark::Unread => "unread",
            Mark::Star => "star",
            Mark::Unstar => "unstar",
        }
    }

    fn parse(s: &str) -> Option<Mark> {
        match s {
            "read" => Some(Mark::Read),
            "unread" => Some(Mark::Unread),
            "star" => Some(Mark::Star),
            "unstar" => Some(Mark::Unstar),
            _ => None,
        }
    }
}

/// A feed as the server lists it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RemoteFeed {
    /// The server's id.
    pub id: String,
    /// Title.
    pub title: Option<String>,
    /// The feed's own URL.
    pub url: String,
    /// The site's home page.
    pub site_url: Option<String>,
    /// The server's group (folder), if any.
    pub folder: Option<String>,
}

/// An item as the server sends it, turned into the poller's shape.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteItem {
    /// The server's id.
    pub id: String,
    /// The server's id of its feed.
    pub feed: String,
    /// Title, link, text and date (identity is set from `id`).
    pub item: IncomingItem,
    /// Read on the server.
    pub read: bool,
    /// Starred on the server.
    pub starred: bool,
}

/// How writing one page of pulled items went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PullStats {
    /// Counts from the shared writer.
    pub stored: ApplyStats,
    /// Items of feeds we do not know (skipped).
    pub skipped: usize,
}

/// The identity a synced item gets within its feed.
pub fn synced_identity(remote_id: &str) -> String {
    format!("sync:{remote_id}")
}

fn account_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Account> {
    let kind: String = r.get(1)?;
    Ok(Account {
        id: r.get(0)?,
        kind: AccountKind::parse(&kind).unwrap_or(AccountKind::Fever),
        url: r.get(2)?,
        username: r.get(3)?,
        added_at: r.get(4)?,
        last_sync_at: r.get(5)?,
        last_error: r.get(6)?,
        cursor: r.get(7)?,
        feeds: r.get(8)?,
        pending: r.get(9)?,
    })
}

const ACCOUNT_COLS: &str = "a.id, a.kind, a.url, a.username, a.added_at, a.last_sync_at,
    a.last_error, a.cursor,
    (SELECT count(*) FROM sync_feeds f WHERE f.account_id = a.id),
    (SELECT count(*) FROM sync_outbox o WHERE o.account_id = a.id)";

fn set_applying(tx: &Transaction<'_>, on: bool) -> Result<(), StoreError> {
    tx.execute("UPDATE sync_apply SET applying = ?1 WHERE id = 1", [on])?;
    Ok(())
}

impl Store {
    /// Adds an account. Fails with [`StoreError::Duplicate`] if the same
    /// user on the same server is there already.
    pub fn add_account(
        &self,
        kind: AccountKind,
        url: &str,
        username: &str,
    ) -> Result<i64, StoreError> {
        let res = self.conn.execute(
            "INSERT INTO sync_accounts (kind, url, username, added_at) VALUES (?1, ?2, ?3, ?4)",
            params![kind.as_str(), url, username, model::now()],
        );
        match res {
            Ok(_) => Ok(self.conn.last_insert_rowid()),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Err(StoreError::Duplicate(format!(
                    "{kind} account {username} at {url}"
                )))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Every account, oldest first.
    pub fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {ACCOUNT_COLS} FROM sync_accounts a ORDER BY a.id"
        ))?;
        let rows = st.query_map([], account_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One account.
    pub fn account(&self, id: i64) -> Result<Account, StoreError> {
        self.conn
            .query_row(
                &format!("SELECT {ACCOUNT_COLS} FROM sync_accounts a WHERE a.id = ?1"),
                [id],
                account_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("sync account {id}")))
    }

    /// Removes an account with its maps and outbox. Its feeds and items
    /// stay, as ordinary feeds that Khabar polls itself.
    pub fn remove_account(&self, id: i64) -> Result<(), StoreError> {
        let n = self
            .conn
            .execute("DELETE FROM sync_accounts WHERE id = ?1", [id])?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("sync account {id}")));
        }
        Ok(())
    }

    /// Records how a sync ended: `error` is `None` for a good one.
    pub fn record_sync(
        &self,
        id: i64,
        at: Timestamp,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        match error {
            None => self.conn.execute(
                "UPDATE sync_accounts SET last_sync_at = ?2, last_error = NULL WHERE id = ?1",
                params![id, at],
            )?,
            Some(e) => self.conn.execute(
                "UPDATE sync_accounts SET last_error = ?2 WHERE id = ?1",
                params![id, e],
            )?,
        };
        Ok(())
    }

    /// Makes the server's feed list the account's subscriptions: known
    /// feeds get the server's title and folder, new ones are subscribed (a
    /// feed already subscribed by URL is adopted), and feeds the server no
    /// longer lists go back to being ordinary feeds, items kept. Returns
    /// the map from remote feed id to local feed, and the number of feeds
    /// new to the store.
    pub fn apply_remote_feeds(
        &mut self,
        account: i64,
        feeds: &[RemoteFeed],
    ) -> Result<(HashMap<String, FeedId>, usize), StoreError> {
        let tx = self.conn.transaction()?;
        let mut map = HashMap::new();
        let mut added = 0;
        {
            let mut known = tx.prepare_cached(
                "SELECT feed_id FROM sync_feeds WHERE account_id = ?1 AND remote_id = ?2",
            )?;
            let mut by_url = tx.prepare_cached(
                "SELECT f.id, (SELECT count(*) FROM sync_feeds s WHERE s.feed_id = f.id)
                 FROM feeds f WHERE f.url = ?1",
            )?;
            let mut insert_feed = tx.prepare_cached(
                "INSERT INTO feeds (url, title, site_url, folder, added_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let mut link = tx.prepare_cached(
                "INSERT INTO sync_feeds (account_id, remote_id, feed_id) VALUES (?1, ?2, ?3)",
            )?;
            let mut meta = tx.prepare_cached(
                "UPDATE feeds SET title = coalesce(?2, title), site_url = coalesce(?3, site_url),
                     folder = ?4 WHERE id = ?1",
            )?;
            for f in feeds {
                let id: Option<FeedId> = known
                    .query_row(params![account, f.id], |r| r.get(0))
                    .optional()?;
                let id = match id {
                    Some(id) => id,
                    None => {
                        let existing: Option<(FeedId, i64)> = by_url
                            .query_row([&f.url], |r| Ok((r.get(0)?, r.get(1)?)))
                            .optional()?;
                        let id = match existing {
                            // Another account has it: leave it there.
                            Some((_, linked)) if linked > 0 => continue,
                            Some((id, _)) => id,
                            None => {
                                insert_feed.execute(params![
                                    f.url,
                                    f.title,
                                    f.site_url,
                                    f.folder,
                                    model::now()
                                ])?;
                                added += 1;
                                FeedId(tx.last_insert_rowid())
                            }
                        };
                        link.execute(params![account, f.id, id])?;
                        id
                    }
                };
                meta.execute(params![id, f.title, f.site_url, f.folder])?;
                map.insert(f.id.clone(), id);
            }
        }
        let keep: HashSet<&str> = feeds.iter().map(|f| f.id.as_str()).collect();
        let listed: Vec<String> = {
            let mut st =
                tx.prepare_cached("SELECT remote_id FROM sync_feeds WHERE account_id = ?1")?;
            let rows = st.query_map([account], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        for remote in listed.iter().filter(|r| !keep.contains(r.as_str())) {
            tx.execute(
                "DELETE FROM sync_feeds WHERE account_id = ?1 AND remote_id = ?2",
                params![account, remote],
            )?;
        }
        tx.commit()?;
        Ok((map, added))
    }

    /// Stores one page of pulled items in one transaction: texts through
    /// the shared writer, ids mapped, the server's flags set (except on
    /// items with marks still in the outbox), and the cursor moved to
    /// `cursor`, so a crash resumes where the last stored page ended.
    pub fn apply_remote_items(
        &mut self,
        account: i64,
        feeds: &HashMap<String, FeedId>,
        items: &[RemoteItem],
        cursor: Option<&str>,
    ) -> Result<PullStats, StoreError> {
        let now = model::now();
        let tx = self.conn.transaction()?;
        let mut stats = PullStats::default();
        // Group by feed, keeping the server's order within each.
        let mut by_feed: HashMap<FeedId, Vec<&RemoteItem>> = HashMap::new();
        let mut order = Vec::new();
        for it in items {
            match feeds.get(&it.feed) {
                Some(&f) => {
                    let e = by_feed.entry(f).or_default();
                    if e.is_empty() {
                        order.push(f);
                    }
                    e.push(it);
                }
                None => stats.skipped += 1,
            }
        }
        set_applying(&tx, true)?;
        let mut fresh_all = Vec::new();
        for feed in order {
            let group = &by_feed[&feed];
            let incoming: Vec<IncomingItem> = group
                .iter()
                .map(|r| IncomingItem {
                    identity: synced_identity(&r.id),
                    ..r.item.clone()
                })
                .collect();
            let (st, fresh, ids) = write_items(&tx, &mut self.stories, feed, &incoming, None, now)?;
            stats.stored.new_items += st.new_items;
            stats.stored.updated_items += st.updated_items;
            fresh_all.extend(fresh);
            let mut link = tx.prepare_cached(
                "INSERT INTO sync_items (account_id, remote_id, item_id) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO NOTHING",
            )?;
            for (r, id) in group.iter().zip(&ids) {
                link.execute(params![account, r.id, id])?;
                set_flags_unless_pending(&tx, account, &r.id, *id, r.read, r.starred)?;
            }
        }
        if let Some(c) = cursor {
            tx.execute(
                "UPDATE sync_accounts SET cursor = ?2 WHERE id = ?1",
                params![account, c],
            )?;
        }
        set_applying(&tx, false)?;
        tx.commit()?;
        self.fresh_hits.extend(fresh_all);
        Ok(stats)
    }

    /// Makes the flags of every item of the account follow the server's
    /// lists of unread and starred ids, except items with marks still in
    /// the outbox. Returns how many items changed. Ids the server lists
    /// that we never stored are ignored.
    pub fn apply_remote_state(
        &mut self,
        account: i64,
        unread: &HashSet<String>,
        starred: &HashSet<String>,
    ) -> Result<usize, StoreError> {
        let tx = self.conn.transaction()?;
        set_applying(&tx, true)?;
        let mut changed = 0;
        {
            let mut st = tx.prepare_cached(
                "SELECT s.remote_id, s.item_id, i.read, i.starred FROM sync_items s
                 JOIN items i ON i.id = s.item_id
                 WHERE s.account_id = ?1
                   AND NOT EXISTS (SELECT 1 FROM sync_outbox o
                                   WHERE o.account_id = s.account_id AND o.remote_id = s.remote_id)",
            )?;
            let rows: Vec<(String, ItemId, bool, bool)> = st
                .query_map([account], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })?
                .collect::<Result<_, _>>()?;
            let mut upd =
                tx.prepare_cached("UPDATE items SET read = ?2, starred = ?3 WHERE id = ?1")?;
            for (remote, id, read, star) in rows {
                let want_read = !unread.contains(&remote);
                let want_star = starred.contains(&remote);
                if (want_read, want_star) != (read, star) {
                    upd.execute(params![id, want_read, want_star])?;
                    changed += 1;
                }
            }
        }
        set_applying(&tx, false)?;
        tx.commit()?;
        Ok(changed)
    }

    /// The account's outbox, in the order the changes were made.
    pub fn outbox(&self, account: i64) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT seq, remote_id, action, at FROM sync_outbox WHERE account_id = ?1 ORDER BY seq",
        )?;
        let rows = st.query_map([account], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, remote_id, action, at) = row?;
            // An action this build does not know is left in place.
            if let Some(action) = Mark::parse(&action) {
                out.push(OutboxEntry {
                    seq,
                    remote_id,
                    action,
                    at,
                });
            }
        }
        Ok(out)
    }

    /// Drops an outbox entry the server has taken.
    pub fn outbox_done(&self, seq: i64) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM sync_outbox WHERE seq = ?1", [seq])?;
        Ok(())
    }

    /// Applies a local mark to `ids` (the command line's `mark`): one
    /// transaction, the outbox filled by the triggers. Returns the ids
    /// that do not exist.
    pub fn mark_items(&mut self, ids: &[ItemId], mark: Mark) -> Result<Vec<ItemId>, StoreError> {
        let tx = self.conn.transaction()?;
        let mut missing = Vec::new();
        {
            let sql = match mark {
                Mark::Read => "UPDATE items SET read = 1 WHERE id = ?1",
                Mark::Unread => "UPDATE items SET read = 0 WHERE id = ?1",
                Mark::Star => "UPDATE items SET starred = 1 WHERE id = ?1",
                Mark::Unstar => "UPDATE items SET starred = 0 WHERE id = ?1",
            };
            let mut st = tx.prepare_cached(sql)?;
            for id in ids {
                if st.execute([id])? == 0 {
                    missing.push(*id);
                }
            }
        }
        tx.commit()?;
        Ok(missing)
    }

    /// The local item that stands for `remote_id` of `account`.
    pub fn synced_item(&self, account: i64, remote_id: &str) -> Result<Option<ItemId>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT item_id FROM sync_items WHERE account_id = ?1 AND remote_id = ?2",
                params![account, remote_id],
                |r| r.get(0),
            )
            .optional()?)
    }
}

fn set_flags_unless_pending(
    tx: &Transaction<'_>,
    account: i64,
    remote: &str,
    id: ItemId,
    read: bool,
    starred: bool,
) -> Result<(), StoreError> {
    let mut st = tx.prepare_cached(
        "UPDATE items SET read = ?2, starred = ?3
         WHERE id = ?1 AND (read <> ?2 OR starred <> ?3)
           AND NOT EXISTS (SELECT 1 FROM sync_outbox WHERE account_id = ?4 AND remote_id = ?5)",
    )?;
    st.execute(params![id, read, starred, account, remote])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::HeadlineFilter;

    fn remote(id: &str, feed: &str, read: bool, starred: bool) -> RemoteItem {
        RemoteItem {
            id: id.into(),
            feed: feed.into(),
            item: IncomingItem {
                title: format!("Remote item {id}"),
                link: Some(format!("http://127.0.0.1:9/{id}")),
                published: Some(1_000 + id.len() as i64),
                content: Some(format!("<p>Invented text of item {id}</p>")),
                ..Default::default()
            },
            read,
            starred,
        }
    }

    fn setup() -> (Store, i64, HashMap<String, FeedId>) {
        let mut s = Store::open_in_memory().unwrap();
        let a = s
            .add_account(
                AccountKind::Fever,
                "http://127.0.0.1:9/fever/",
                "ann@example.org",
            )
            .unwrap();
        let (map, added) = s
            .apply_remote_feeds(
                a,
                &[RemoteFeed {
                    id: "7".into(),
                    title: Some("Remote desk".into()),
                    url: "http://127.0.0.1:9/feed.xml".into(),
                    site_url: None,
                    folder: Some("News".into()),
                }],
            )
            .unwrap();
        assert_eq!(added, 1);
        (s, a, map)
    }

    fn flags(s: &Store, id: ItemId) -> (bool, bool) {
        let i = s.item(id).unwrap();
        (i.read, i.starred)
    }

    #[test]
    fn pulled_state_does_not_fill_the_outbox_but_local_marks_do() {
        let (mut s, a, map) = setup();
        let st = s
            .apply_remote_items(
                a,
                &map,
                &[remote("1", "7", true, false), remote("2", "7", false, true)],
                Some("2"),
            )
            .unwrap();
        assert_eq!(st.stored.new_items, 2);
        assert!(
            s.outbox(a).unwrap().is_empty(),
            "pulled marks are not echoed"
        );
        let one = s.synced_item(a, "1").unwrap().unwrap();
        let two = s.synced_item(a, "2").unwrap().unwrap();
        assert_eq!(flags(&s, one), (true, false));
        assert_eq!(flags(&s, two), (false, true));
        assert_eq!(s.account(a).unwrap().cursor.as_deref(), Some("2"));

        s.set_read(one, false).unwrap();
        s.mark_items(&[two], Mark::Unstar).unwrap();
        let out: Vec<_> = s
            .outbox(a)
            .unwrap()
            .into_iter()
            .map(|e| (e.remote_id, e.action))
            .collect();
        assert_eq!(
            out,
            [
                ("1".to_string(), Mark::Unread),
                ("2".to_string(), Mark::Unstar)
            ]
        );
        // A pull does not overwrite marks still waiting to be sent.
        s.apply_remote_state(a, &HashSet::new(), &["2".to_string()].into())
            .unwrap();
        assert_eq!(flags(&s, one), (false, false));
        assert_eq!(flags(&s, two), (false, false));
        for e in s.outbox(a).unwrap() {
            s.outbox_done(e.seq).unwrap();
        }
        // Now the server's word counts; unknown ids are ignored.
        let n = s
            .apply_remote_state(
                a,
                &["2".to_string(), "999".to_string()].into(),
                &["1".to_string()].into(),
            )
            .unwrap();
        assert_eq!(n, 1);
        assert_eq!(flags(&s, one), (true, true));
        assert_eq!(flags(&s, two), (false, false));
        assert!(s.outbox(a).unwrap().is_empty());
    }

    #[test]
    fn local_feeds_get_no_outbox_rows_and_synced_feeds_are_not_polled() {
        let (mut s, a, map) = setup();
        let local = s
            .add_feed("http://127.0.0.1:9/local.xml", None, None)
            .unwrap();
        s.apply_remote_items(a, &map, &[remote("1", "7", false, false)], None)
            .unwrap();
        let due: Vec<FeedId> = s
            .due_feeds(i64::MAX)
            .unwrap()
            .iter()
            .map(|f| f.id)
            .collect();
        assert_eq!(due, [local]);
        assert_eq!(s.polled_feeds().unwrap().len(), 1);
        // Items of a feed the server did not list are skipped, not stored.
        let st = s
            .apply_remote_items(a, &map, &[remote("5", "99", false, false)], None)
            .unwrap();
        assert_eq!(st.skipped, 1);
        let ids = s.headline_ids(&HeadlineFilter::default()).unwrap();
        assert_eq!(ids.len(), 1);
        s.set_read(ids[0], true).unwrap();
        assert_eq!(s.outbox(a).unwrap().len(), 1);
    }

    #[test]
    fn removing_an_account_keeps_feeds_and_items_as_ordinary_ones() {
        let (mut s, a, map) = setup();
        s.apply_remote_items(a, &map, &[remote("1", "7", false, true)], None)
            .unwrap();
        s.remove_account(a).unwrap();
        assert_eq!(s.item_count().unwrap(), 1);
        assert_eq!(s.polled_feeds().unwrap().len(), 1);
        let id = s.headline_ids(&HeadlineFilter::default()).unwrap()[0];
        s.set_read(id, true).unwrap();
        let n: i64 = s
            .connection()
            .query_row("SELECT count(*) FROM sync_outbox", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);
    }

    #[test]
    fn a_feed_the_server_drops_goes_back_to_being_polled() {
        let (mut s, a, map) = setup();
        s.apply_remote_items(a, &map, &[remote("1", "7", false, false)], None)
            .unwrap();
        let (map2, _) = s.apply_remote_feeds(a, &[]).unwrap();
        assert!(map2.is_empty());
        assert_eq!(s.item_count().unwrap(), 1);
        assert_eq!(s.due_feeds(i64::MAX).unwrap().len(), 1);
    }

    #[test]
    fn a_second_pull_of_the_same_items_updates_in_place() {
        let (mut s, a, map) = setup();
        let items = [
            remote("1", "7", false, false),
            remote("2", "7", false, false),
        ];
        s.apply_remote_items(a, &map, &items, None).unwrap();
        let st = s.apply_remote_items(a, &map, &items, None).unwrap();
        assert_eq!(st.stored.new_items, 0);
        assert_eq!(s.item_count().unwrap(), 2);
        assert_eq!(
            s.account(a).unwrap().feeds,
            1,
            "the account lists its one feed"
        );
    }
}

//! Replaying the outbox: local marks sent to the server in the order they
//! were made.
//!
//! The outbox itself is written by SQLite triggers in the same transaction
//! as the mark (migration 6, `store::sync`). Replay is idempotent: marking
//! read an item the server already has read changes nothing, so an entry
//! sent twice (a crash between the server's answer and the delete) is
//! harmless. Each entry is deleted once the server took it; the first one
//! that cannot be sent stops the replay and it and all later ones stay, so
//! the order is kept across outages. An entry whose item the server no
//! longer has is dropped (it can never be sent).

use super::{Client, MarkError, SyncError};
use crate::store::Store;

/// How a replay went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pushed {
    /// Entries the server took.
    pub sent: usize,
    /// Entries dropped: the server no longer has the item.
    pub dropped: usize,
}

/// Sends the account's outbox in order. On error, what was sent is gone
/// from the outbox and the rest is kept.
pub async fn push(client: &Client, store: &mut Store, account: i64) -> Result<Pushed, SyncError> {
    let mut pushed = Pushed::default();
    for entry in store.outbox(account)? {
        match client.mark(&entry.remote_id, entry.action).await {
            Ok(()) => pushed.sent += 1,
            Err(MarkError::Gone) => pushed.dropped += 1,
            Err(MarkError::Failed(e)) => return Err(e),
        }
        store.outbox_done(entry.seq)?;
    }
    Ok(pushed)
}

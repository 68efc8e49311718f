//! The sync state of each account as the window shows it: when the last
//! good sync finished, whether one is running, and the last error in plain
//! words (with the full cause for a tooltip). The service keeps one
//! [`AccountStatus`] per account and sends the whole list to the window
//! after every change. No egui here.

use crate::model::Timestamp;
use crate::store::sync::{Account, AccountKind};

use super::SyncError;

/// One account's sync state.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountStatus {
    /// Store id of the account.
    pub id: i64,
    /// Protocol.
    pub kind: AccountKind,
    /// The server's API address.
    pub url: String,
    /// User name or email.
    pub username: String,
    /// A sync of this account is running now.
    pub running: bool,
    /// When the last good sync finished.
    pub last_success: Option<Timestamp>,
    /// The last sync's error in a few plain words ("wrong password").
    pub error: Option<String>,
    /// The same error in full, naming the server and the cause.
    pub detail: Option<String>,
}

impl AccountStatus {
    /// The state of a stored account (an error stored by an earlier run
    /// is shown as it was recorded).
    pub fn of(account: &Account) -> AccountStatus {
        AccountStatus {
            id: account.id,
            kind: account.kind,
            url: account.url.clone(),
            username: account.username.clone(),
            running: false,
            last_success: account.last_sync_at,
            error: account.last_error.as_deref().map(plain_stored),
            detail: account.last_error.clone(),
        }
    }

    /// The server's host name, for short messages ("coldsweat.example").
    pub fn server(&self) -> String {
        host_of(&self.url)
    }

    /// Records a sync's end.
    pub fn finished(&mut self, result: Result<(), &SyncError>, at: Timestamp) {
        self.running = false;
        match result {
            Ok(()) => {
                self.last_success = Some(at);
                self.error = None;
                self.detail = None;
            }
            Err(e) => {
                self.error = Some(plain(e));
                self.detail = Some(e.to_string());
            }
        }
    }
}

/// The host of a URL, or the URL itself if it has none.
pub fn host_of(url: &str) -> String {
    match url::Url::parse(url.trim()) {
        Ok(u) => match (u.host_str(), u.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            _ => url.to_string(),
        },
        Err(_) => url.to_string(),
    }
}

/// A sync error in a few plain words, for the status bar and the
/// accounts list (the full text goes in the tooltip).
pub fn plain(e: &SyncError) -> String {
    match e {
        SyncError::Auth { .. } => "wrong user name or password".into(),
        SyncError::Unreachable { .. } => "server unreachable".into(),
        SyncError::Html { .. } => "server answered with a web page, not the API".into(),
        SyncError::Status { code, .. } if *code >= 500 => format!("server error {code}"),
        SyncError::Status { code, .. } => format!("server refused the request ({code})"),
        SyncError::BadAnswer { .. } => "server sent an answer Khabar cannot read".into(),
        SyncError::TooLarge { .. } => "server's answer was too large".into(),
        SyncError::Password(_) => "no password kept for this account".into(),
        SyncError::Store(_) => "the local store failed".into(),
    }
}

/// Plain words for an error text stored by an earlier run (only the text
/// survives a restart).
fn plain_stored(text: &str) -> String {
    let t = text.to_ascii_lowercase();
    if t.contains("refused the user name or password") {
        "wrong user name or password".into()
    } else if t.contains("cannot reach") {
        "server unreachable".into()
    } else if t.contains("web page") {
        "server answered with a web page, not the API".into()
    } else if t.contains("cannot read") {
        "server sent an answer Khabar cannot read".into()
    } else if let Some(code) = t
        .split("answered ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|c| c.parse::<u16>().ok())
    {
        if code >= 500 {
            format!("server error {code}")
        } else {
            format!("server refused the request ({code})")
        }
    } else {
        "the last sync failed".into()
    }
}

/// What the status bar says about sync, if there are accounts: the text,
/// whether it is an error, and a tooltip naming server and cause.
pub fn summary(accounts: &[AccountStatus], now: Timestamp) -> Option<(String, bool, String)> {
    if accounts.is_empty() {
        return None;
    }
    let servers = || {
        accounts
            .iter()
            .map(|a| format!("{} ({} {})", a.url, a.kind, a.username))
            .collect::<Vec<_>>()
            .join("\n")
    };
    if let Some(a) = accounts.iter().find(|a| a.running) {
        return Some((
            format!("Syncing with {}…", a.server()),
            false,
            format!("Syncing with\n{}", servers()),
        ));
    }
    if let Some(a) = accounts.iter().find(|a| a.error.is_some()) {
        let short = a.error.as_deref().unwrap_or_default();
        let detail = a.detail.as_deref().unwrap_or(short);
        return Some((
            format!("Sync with {} failed: {short}", a.server()),
            true,
            format!("{}\n{detail}", a.url),
        ));
    }
    let latest = accounts
        .iter()
        .filter_map(|a| a.last_success.map(|t| (t, a)))
        .max_by_key(|(t, _)| *t);
    Some(match latest {
        Some((t, a)) => (
            format!("Synced {} with {}", ago(now, t), a.server()),
            false,
            format!("Last good sync with\n{}", servers()),
        ),
        None => (
            "Not synced yet".into(),
            false,
            format!("Accounts:\n{}", servers()),
        ),
    })
}

/// "just now", then [`crate::dates::span`] ago: "3 min ago", "2 h ago".
pub fn ago(now: Timestamp, t: Timestamp) -> String {
    match (now - t).max(0) {
        s if s < 60 => "just now".into(),
        s => format!("{} ago", crate::dates::span(s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(url: &str) -> AccountStatus {
        AccountStatus {
            id: 1,
            kind: AccountKind::Fever,
            url: url.into(),
            username: "ann@example.org".into(),
            running: false,
            last_success: None,
            error: None,
            detail: None,
        }
    }

    #[test]
    fn the_summary_says_synced_running_or_the_error() {
        let mut a = status("http://coldsweat.example/fever/");
        assert_eq!(summary(&[], 0), None);
        a.finished(Ok(()), 1000);
        let (t, err, _) = summary(std::slice::from_ref(&a), 1000 + 180).unwrap();
        assert_eq!(t, "Synced 3 min ago with coldsweat.example");
        assert!(!err);
        a.running = true;
        assert_eq!(
            summary(std::slice::from_ref(&a), 0).unwrap().0,
            "Syncing with coldsweat.example…"
        );
        let e = SyncError::Auth {
            server: a.url.clone(),
        };
        a.finished(Err(&e), 2000);
        let (t, err, tip) = summary(std::slice::from_ref(&a), 2000).unwrap();
        assert_eq!(
            t,
            "Sync with coldsweat.example failed: wrong user name or password"
        );
        assert!(err);
        assert!(tip.contains("refused the user name or password"), "{tip}");
        assert_eq!(a.last_success, Some(1000), "the last good sync is kept");
    }

    #[test]
    fn stored_errors_and_statuses_in_plain_words() {
        let e = SyncError::Status {
            server: "s".into(),
            code: 500,
            reason: "Internal Server Error".into(),
        };
        assert_eq!(plain(&e), "server error 500");
        assert_eq!(plain_stored(&e.to_string()), "server error 500");
        let e = SyncError::Html { server: "s".into() };
        assert_eq!(plain_stored(&e.to_string()), plain(&e));
        let e = SyncError::Unreachable {
            server: "s".into(),
            cause: "refused".into(),
        };
        assert_eq!(plain_stored(&e.to_string()), "server unreachable");
        assert_eq!(host_of("http://127.0.0.1:8080/x"), "127.0.0.1:8080");
    }
}

//! Sync accounts and their passwords.
//!
//! The account row (kind, URL, user) lives in the store; the password
//! never does, and never goes on a command line or in a log. It is kept in
//! the desktop's Secret Service keyring where one answers (the `keyring`
//! crate); otherwise in a file of its own, mode 0600 in a 0700 folder of
//! the data folder, with a warning that says so.
//!
//! At `sync` time the stored password is used; `KHABAR_SYNC_PASSWORD` is
//! only a fallback when none is stored (so one variable set for scripts
//! never sends one account's password to another account's server).

use std::path::{Path, PathBuf};

use super::SyncError;
use crate::store::Store;
use crate::store::sync::{Account, AccountKind};

/// The environment variable that gives a password to `sync add` (and to
/// `sync` when none is stored).
pub const PASSWORD_ENV: &str = "KHABAR_SYNC_PASSWORD";

/// The keyring service name.
const SERVICE: &str = "khabar-sync";

/// Where a password was put.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kept {
    /// In the Secret Service keyring.
    Keyring,
    /// In this file (mode 0600), because no keyring answered.
    File {
        /// The file.
        path: PathBuf,
        /// Why the keyring was not used.
        why: String,
    },
}

/// Where passwords go: the keyring (when allowed and present) or files.
#[derive(Debug, Clone)]
pub struct Secrets {
    dir: PathBuf,
    use_keyring: bool,
}

impl Secrets {
    /// Passwords for the store in `data_dir`. `KHABAR_NO_KEYRING=1` keeps
    /// them in files (tests, headless machines).
    pub fn new(data_dir: &Path) -> Secrets {
        let use_keyring = std::env::var_os("KHABAR_NO_KEYRING").is_none_or(|v| v.is_empty());
        Secrets {
            dir: data_dir.join("sync-passwords"),
            use_keyring,
        }
    }

    /// Files only, never the keyring.
    pub fn files_only(data_dir: &Path) -> Secrets {
        Secrets {
            dir: data_dir.join("sync-passwords"),
            use_keyring: false,
        }
    }

    fn file(&self, account: &Account) -> PathBuf {
        self.dir.join(format!("account-{}", account.id))
    }

    /// Keeps `password` for `account`.
    pub fn save(&self, account: &Account, password: &str) -> Result<Kept, SyncError> {
        let why = if self.use_keyring {
            match keyring_save(account, password) {
                Ok(()) => {
                    // A file left from before would shadow nothing, but
                    // should not linger.
                    let _ = std::fs::remove_file(self.file(account));
                    return Ok(Kept::Keyring);
                }
                Err(why) => why,
            }
        } else {
            "the keyring is turned off (KHABAR_NO_KEYRING)".to_string()
        };
        let path = self.file(account);
        write_private(&self.dir, &path, password).map_err(|e| {
            SyncError::Password(format!(
                "cannot keep the password in {}: {e}",
                path.display()
            ))
        })?;
        Ok(Kept::File { path, why })
    }

    /// The password of `account`: the keyring, else its file, else
    /// `KHABAR_SYNC_PASSWORD`.
    pub fn load(&self, account: &Account) -> Result<String, SyncError> {
        if let Ok(p) = std::fs::read_to_string(self.file(account)) {
            return Ok(p.trim_end_matches(['\r', '\n']).to_string());
        }
        if self.use_keyring
            && let Ok(p) = keyring_load(account)
        {
            return Ok(p);
        }
        match std::env::var(PASSWORD_ENV) {
            Ok(p) if !p.is_empty() => Ok(p),
            _ => Err(SyncError::Password(format!(
                "no password is kept for the {}; add the account again or set {PASSWORD_ENV}",
                account.label()
            ))),
        }
    }

    /// Forgets the password of `account` (keyring and file).
    pub fn forget(&self, account: &Account) {
        if self.use_keyring {
            keyring_delete(account);
        }
        let _ = std::fs::remove_file(self.file(account));
    }
}

/// Adds an account and keeps its password. The account is added only if
/// the password could be kept.
pub fn add_account(
    store: &Store,
    secrets: &Secrets,
    kind: AccountKind,
    url: &str,
    username: &str,
    password: &str,
) -> Result<(Account, Kept), SyncError> {
    let url = url.trim();
    crate::fetch::guard::parse_http_url(url)
        .map_err(|e| SyncError::Password(format!("the server address is not usable: {e}")))?;
    if password.is_empty() {
        return Err(SyncError::Password("the password is empty".into()));
    }
    let id = store.add_account(kind, url, username.trim())?;
    let account = store.account(id)?;
    match secrets.save(&account, password) {
        Ok(kept) => Ok((account, kept)),
        Err(e) => {
            let _ = store.remove_account(id);
            Err(e)
        }
    }
}

/// Removes an account and forgets its password; its feeds and items stay.
pub fn remove_account(store: &Store, secrets: &Secrets, id: i64) -> Result<Account, SyncError> {
    let account = store.account(id)?;
    store.remove_account(id)?;
    secrets.forget(&account);
    Ok(account)
}

fn write_private(dir: &Path, path: &Path, password: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        let tmp = path.with_extension("tmp");
        let _ = std::fs::remove_file(&tmp);
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)?;
        std::io::Write::write_all(&mut f, password.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
    }
    #[cfg(not(unix))]
    std::fs::write(path, password)?;
    Ok(())
}

fn keyring_user(account: &Account) -> String {
    format!("{}:{}@{}", account.kind, account.username, account.url)
}

fn keyring_save(account: &Account, password: &str) -> Result<(), String> {
    let entry = keyring::Entry::new(SERVICE, &keyring_user(account))
        .map_err(|e| format!("no keyring ({e})"))?;
    entry
        .set_password(password)
        .map_err(|e| format!("the keyring did not take it ({e})"))
}

fn keyring_load(account: &Account) -> Result<String, String> {
    let entry = keyring::Entry::new(SERVICE, &keyring_user(account)).map_err(|e| e.to_string())?;
    entry.get_password().map_err(|e| e.to_string())
}

fn keyring_delete(account: &Account) {
    if let Ok(entry) = keyring::Entry::new(SERVICE, &keyring_user(account)) {
        let _ = entry.delete_credential();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_file_is_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in_memory().unwrap();
        let secrets = Secrets::files_only(dir.path());
        let (account, kept) = add_account(
            &store,
            &secrets,
            AccountKind::Fever,
            "http://127.0.0.1:9/fever/",
            "ann@example.org",
            "a long invented password",
        )
        .unwrap();
        let Kept::File { path, .. } = kept else {
            panic!("files only")
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(secrets.load(&account).unwrap(), "a long invented password");
        remove_account(&store, &secrets, account.id).unwrap();
        assert!(!path.exists());
        assert!(store.accounts().unwrap().is_empty());
    }

    #[test]
    fn a_bad_address_adds_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in_memory().unwrap();
        let secrets = Secrets::files_only(dir.path());
        let e = add_account(&store, &secrets, AccountKind::Fever, "ftp://x", "a", "b").unwrap_err();
        assert!(e.to_string().contains("not usable"), "{e}");
        assert!(store.accounts().unwrap().is_empty());
    }
}

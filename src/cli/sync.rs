//! Sync: `sync` (push the outbox, pull feeds, items and flags) and
//! `sync add|list|remove` (accounts). Passwords come from
//! `KHABAR_SYNC_PASSWORD` or `--password-stdin`, never from the command
//! line, and are never printed.

use std::io::BufRead as _;
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use clap::{Subcommand, ValueEnum};

use khabar::model;
use khabar::poller::Poller;
use khabar::schedule;
use khabar::store::sync::{Account, AccountKind};
use khabar::sync::accounts::{self, Kept, PASSWORD_ENV, Secrets};
use khabar::sync::{SyncOptions, sync_account_blocking};

use super::print::{self, Format};
use super::{Ctx, fetcher};

/// Sync commands.
#[derive(Subcommand, Debug)]
pub enum SyncCommand {
    /// Sync with your own server (Fever or Google Reader API): send marks
    /// made here, then fetch folders, feeds, new items and read/starred
    /// state. `sync add|list|remove` manage accounts.
    Sync {
        /// Manage accounts instead of syncing.
        #[command(subcommand)]
        action: Option<SyncAction>,
        /// Sync only this account (see `khabar sync list`).
        #[arg(long)]
        account: Option<i64>,
        /// Do not fetch the article pages of new items.
        #[arg(long)]
        no_articles: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Account management.
#[derive(Subcommand, Debug)]
pub enum SyncAction {
    /// Add an account. The password comes from KHABAR_SYNC_PASSWORD or
    /// --password-stdin.
    Add {
        /// The protocol the server speaks.
        #[arg(value_enum)]
        kind: KindArg,
        /// The API's address (Fever: ending in /fever/ or ?api;
        /// Google Reader: the API base, e.g. .../api/greader.php).
        url: String,
        /// User name (Fever: the email address).
        #[arg(long)]
        user: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts with their last sync, error and waiting marks.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove an account (its feeds stay, as ordinary feeds).
    Remove {
        /// Account id (see `khabar sync list`).
        id: i64,
    },
}

/// The protocols, as typed.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum KindArg {
    Fever,
    Greader,
}

impl From<KindArg> for AccountKind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::Fever => AccountKind::Fever,
            KindArg::Greader => AccountKind::GReader,
        }
    }
}

/// Run a sync command.
pub fn run(cmd: SyncCommand, ctx: &Ctx) -> Result<ExitCode> {
    let SyncCommand::Sync {
        action,
        account,
        no_articles,
        json,
    } = cmd;
    let (dir, store) = ctx.open_store()?;
    let secrets = Secrets::new(&dir);
    match action {
        Some(SyncAction::Add {
            kind,
            url,
            user,
            password_stdin,
        }) => {
            let password = read_password(password_stdin)?;
            let (acc, kept) =
                accounts::add_account(&store, &secrets, kind.into(), &url, &user, &password)?;
            print::line(format!(
                "Added {} (account {}); run `khabar sync` to fetch it",
                acc.label(),
                acc.id
            ))?;
            match kept {
                Kept::Keyring => print::line("The password is kept in the desktop keyring.")?,
                Kept::File { path, why } => print::warn(format!(
                    "khabar: warning: {why}; the password is kept in {} (readable by you only)",
                    path.display()
                )),
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(SyncAction::List { json }) => list(&store.accounts()?, Format::from_json_flag(json)),
        Some(SyncAction::Remove { id }) => {
            let acc = accounts::remove_account(&store, &secrets, id)?;
            print::line(format!(
                "Removed {}; its {} feeds stay as ordinary feeds",
                acc.label(),
                acc.feeds
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let Some(_lock) = khabar::desktop::PollLock::try_acquire(&dir)
                .with_context(|| format!("cannot lock {}", dir.display()))?
            else {
                bail!(
                    "another poll or sync is running on this store (the window or a background poll); try again later"
                );
            };
            let mut all = store.accounts()?;
            if let Some(id) = account {
                all.retain(|a| a.id == id);
                if all.is_empty() {
                    bail!("no sync account {id} (see `khabar sync list`)");
                }
            }
            if all.is_empty() {
                bail!(
                    "no sync accounts yet; add one with `khabar sync add fever URL --user EMAIL`"
                );
            }
            let images = khabar::articles::ImageConfig {
                dir: Some(dir.join("images")),
                ..Default::default()
            };
            let mut poller =
                Poller::new(store, fetcher()?, schedule::Policy::default()).with_images(images);
            let mut opts = SyncOptions::default();
            opts.articles.articles = !no_articles;
            sync_all(&mut poller, &secrets, &all, &opts, json)
        }
    }
}

fn read_password(stdin: bool) -> Result<String> {
    if stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        let p = line.trim_end_matches(['\r', '\n']).to_string();
        if p.is_empty() {
            bail!("standard input gave an empty password");
        }
        return Ok(p);
    }
    match std::env::var(PASSWORD_ENV) {
        Ok(p) if !p.is_empty() => Ok(p),
        _ => bail!(
            "give the password in {PASSWORD_ENV} or on standard input with --password-stdin (never on the command line)"
        ),
    }
}

#[derive(serde::Serialize)]
struct Outcome<'a> {
    account: i64,
    kind: AccountKind,
    url: &'a str,
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    report: Option<khabar::sync::SyncReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

fn sync_all(
    poller: &mut Poller,
    secrets: &Secrets,
    all: &[Account],
    opts: &SyncOptions,
    json: bool,
) -> Result<ExitCode> {
    let mut outcomes = Vec::new();
    let mut failed = false;
    for acc in all {
        let result = secrets
            .load(acc)
            .and_then(|password| sync_account_blocking(poller, acc, &password, opts, &mut |_| {}));
        let (report, error) = match result {
            Ok(r) => {
                if !json {
                    print::line(format!("{}: {r}", acc.label()))?;
                }
                (Some(r), None)
            }
            Err(e) => {
                failed = true;
                let waiting = poller.store().outbox(acc.id).map(|o| o.len()).unwrap_or(0);
                let msg = if waiting > 0 {
                    format!("{e} ({waiting} marks kept to send next time)")
                } else {
                    e.to_string()
                };
                print::warn(format!("khabar: {msg}"));
                (None, Some(msg))
            }
        };
        outcomes.push(Outcome {
            account: acc.id,
            kind: acc.kind,
            url: &acc.url,
            ok: error.is_none(),
            report,
            error,
        });
    }
    if json {
        print::json(&outcomes)?;
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn list(accounts: &[Account], format: Format) -> Result<ExitCode> {
    let now = model::now();
    print::emit(format, accounts, |out| {
        if accounts.is_empty() {
            writeln!(
                out,
                "No sync accounts. Add one with `khabar sync add fever URL --user EMAIL`."
            )?;
        }
        for a in accounts {
            writeln!(
                out,
                "{:>4}  {:<7} {} at {}",
                a.id, a.kind, a.username, a.url
            )?;
            let last = a
                .last_sync_at
                .map_or("never".to_string(), |t| print::ago(now, t));
            writeln!(
                out,
                "      last sync {last}; {} feeds; {} marks waiting to be sent",
                a.feeds, a.pending
            )?;
            if let Some(e) = &a.last_error {
                writeln!(out, "      error: {e}")?;
            }
        }
        Ok(())
    })
}

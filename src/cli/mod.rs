//! The command line: every subcommand, one file per group, over the library.
//!
//! | file | owns |
//! |---|---|
//! | `args.rs` | the top-level options and the list of groups (clap) |
//! | `feeds.rs` | add, remove, import, export, feeds, poll |
//! | `prune.rs` | prune, retention, stats (retention and the image cache) |
//! | `reading.rs` | headlines, show, mark |
//! | `sync.rs` | sync, sync add/list/remove |
//! | `topics.rs` | topic add/list/rm/mute/suggest |
//! | `extract.rs` | extract, reextract |
//! | `package.rs` | subscribe (desktop entry), package-files |
//! | `daemon.rs` | daemon --install/--uninstall/--run, poll --background |
//! | `stories.rs` | stories, digest |
//! | `window.rs` | opening the window |
//! | `print.rs` | the one printer: text or JSON, messages, time spans |
//!
//! A group is a `#[derive(Subcommand)]` enum and a `run(cmd, &Ctx)` in its
//! file; adding one is a line in [`args::Command`] and a line in [`run`].
//! Errors are `anyhow` here (and only in the binary); `main` prints them.

pub mod args;
mod daemon;
mod extract;
mod feeds;
mod package;
mod print;
mod prune;
mod reading;
mod stories;
mod sync;
mod topics;
mod window;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};

use khabar::fetch::{FetchConfig, Fetcher};
use khabar::model;
use khabar::store::{self, Store};

pub use args::Cli;
use args::{Command, WindowArgs};

/// What every handler may need: where the data lives (picked when first
/// asked for, so `extract` and `package-files` never create a folder) and
/// the window's start-up options.
pub struct Ctx {
    data_dir: Option<PathBuf>,
    /// The window's start-up options.
    pub window: WindowArgs,
}

impl Ctx {
    /// The data folder: `--data-dir`, `KHABAR_DATA_DIR`, or the platform's.
    pub fn dir(&self) -> Result<PathBuf> {
        Ok(store::data_dir(self.data_dir.as_deref())?)
    }

    /// The data folder as given (`--data-dir`, `KHABAR_DATA_DIR`), if it was.
    pub fn data_dir_arg(&self) -> Option<&std::path::Path> {
        self.data_dir.as_deref()
    }

    /// The data folder and the writing store in it.
    pub fn open_store(&self) -> Result<(PathBuf, Store)> {
        let dir = self.dir()?;
        let store = Store::open_in_dir(&dir)
            .with_context(|| format!("cannot open the store in {}", dir.display()))?;
        Ok((dir, store))
    }
}

/// Run one command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    let ctx = Ctx {
        data_dir: cli.data_dir,
        window: cli.window,
    };
    match cli.command {
        None => window::open(&ctx, None),
        Some(Command::Feeds(cmd)) => feeds::run(cmd, &ctx),
        Some(Command::Prune(cmd)) => prune::run(cmd, &ctx),
        Some(Command::Reading(cmd)) => reading::run(cmd, &ctx),
        Some(Command::Topics(cmd)) => topics::run(cmd, &ctx),
        Some(Command::Extract(cmd)) => extract::run(cmd, &ctx),
        Some(Command::Package(cmd)) => package::run(cmd, &ctx),
        Some(Command::Sync(cmd)) => sync::run(cmd, &ctx),
        Some(Command::Daemon(cmd)) => daemon::run(cmd, &ctx),
        Some(Command::Stories(cmd)) => stories::run(cmd, &ctx),
    }
}

/// The HTTP client with the default limits.
fn fetcher() -> Result<Fetcher> {
    Ok(Fetcher::new(FetchConfig::default())?)
}

/// A feed by id or URL.
fn find_feed(store: &Store, which: &str) -> Result<model::FeedId> {
    Ok(match which.parse::<i64>() {
        Ok(id) => store.feed(model::FeedId(id))?.id,
        Err(_) => {
            store
                .feed_by_url(which)?
                .with_context(|| format!("no feed with the URL {which}"))?
                .id
        }
    })
}

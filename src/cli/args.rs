//! The command line's shape: the options every run takes, the window's
//! start-up options, and the list of subcommand groups.
//!
//! Each group's subcommands and their arguments live in the group's own file
//! (`feeds.rs`, `reading.rs`, ...) next to their handlers, and are flattened
//! into [`Command`] here, so `khabar add` stays `khabar add`. Adding a group
//! is one line here (a `#[command(flatten)]` variant) and one line in the
//! dispatch in `mod.rs`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use super::{daemon, extract, feeds, package, prune, reading, stories, sync, topics};

/// Khabar: an offline-first news reader.
#[derive(Parser, Debug)]
#[command(name = "khabar", version, about, long_about = None)]
pub struct Cli {
    /// Folder for the database and article cache (default: the platform's data folder).
    #[arg(long, global = true, env = "KHABAR_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// How the window starts (with no subcommand, or `subscribe`).
    #[command(flatten)]
    pub window: WindowArgs,

    /// What to do; none opens the window.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The window's start-up options.
#[derive(Args, Debug, Clone, Default)]
pub struct WindowArgs {
    /// Open the window on a demo newsroom served from this machine (no network needed).
    #[arg(long)]
    pub demo: bool,

    /// Window start-up view (for screenshots): show this topic.
    #[arg(long, value_name = "NAME")]
    pub show_topic: Option<String>,
    /// Window start-up view: open the first headline containing this text.
    #[arg(long, value_name = "TEXT")]
    pub open: Option<String>,
    /// Window theme for this run.
    #[arg(long, value_enum)]
    pub theme: Option<Theme>,
    /// Window start-up view: open a dialog.
    #[arg(long, value_enum)]
    pub dialog: Option<Dialog>,
}

/// Every subcommand, group by group (each group's file has its own).
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Subscriptions and polling.
    #[command(flatten)]
    Feeds(feeds::FeedsCommand),
    /// The image cache.
    #[command(flatten)]
    Prune(prune::PruneCommand),
    /// Headlines and articles.
    #[command(flatten)]
    Reading(reading::ReadingCommand),
    /// Followed and hidden topics.
    #[command(flatten)]
    Topics(topics::TopicsCommand),
    /// Article extraction.
    #[command(flatten)]
    Extract(extract::ExtractCommand),
    /// Desktop entry and packaging.
    #[command(flatten)]
    Package(package::PackageCommand),
    /// Sync with the reader's own server.
    #[command(flatten)]
    Sync(sync::SyncCommand),
    /// Polling while the window is closed.
    #[command(flatten)]
    Daemon(daemon::DaemonCommand),
    /// Stories and the catch-up digest.
    #[command(flatten)]
    Stories(stories::StoriesCommand),
}

/// The window's theme. (Variants carry no doc comments: clap would print
/// them in `--help`, which lists the bare values.)
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

/// A dialog the window can open at start.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Dialog {
    AddFeed,
    Settings,
    Opml,
    Topic,
    Help,
}

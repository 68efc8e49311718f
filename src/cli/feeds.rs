//! Subscriptions and polling: `add`, `remove`, `import`, `export`, `feeds`,
//! `poll`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::Subcommand;

use khabar::model;
use khabar::poller::{FeedResult, PollEvent, PollOptions, Poller};
use khabar::store::Store;
use khabar::{discover, opml, schedule};

use super::print::{self, Format};
use super::{Ctx, fetcher, find_feed};

/// Subscription and polling commands.
#[derive(Subcommand, Debug)]
pub enum FeedsCommand {
    /// Subscribe to a feed URL, or to a site URL whose page names its feeds.
    Add {
        /// Feed or site URL.
        url: String,
        /// Put the feed in this folder.
        #[arg(long)]
        folder: Option<String>,
    },
    /// Unsubscribe from a feed (by id or URL) and delete its articles.
    Remove {
        /// Feed id (see `khabar feeds`) or URL.
        feed: String,
    },
    /// Import subscriptions from an OPML file.
    Import {
        /// The OPML file.
        file: PathBuf,
    },
    /// Export subscriptions as OPML 2.0 to standard output.
    Export,
    /// List feeds with their last fetch, next check and error.
    Feeds {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Poll the feeds that are due.
    Poll {
        /// Poll every feed, due or not.
        #[arg(long)]
        force: bool,
        /// Do not fetch full article pages.
        #[arg(long)]
        no_articles: bool,
        /// Largest image to cache, in MB.
        #[arg(long, default_value_t = 5)]
        image_cap_mb: usize,
        /// Most image data to cache for one article, in MB.
        #[arg(long, default_value_t = 20)]
        article_images_cap_mb: usize,
        /// As the background timer runs it: no request while offline,
        /// nothing while the window is open, on battery every other
        /// interval; one desktop notification for followed topics.
        #[arg(long)]
        background: bool,
        #[command(flatten)]
        every: super::daemon::Every,
    },
}

/// Run a subscription or polling command.
pub fn run(cmd: FeedsCommand, ctx: &Ctx) -> Result<ExitCode> {
    // The background poll decides first whether to open the store at all.
    if let FeedsCommand::Poll {
        background: true,
        every,
        ..
    } = &cmd
    {
        return super::daemon::background(ctx, every);
    }
    let (dir, mut store) = ctx.open_store()?;
    match cmd {
        FeedsCommand::Add { url, folder } => add(&mut store, &url, folder.as_deref()),
        FeedsCommand::Remove { feed } => remove(&mut store, &feed),
        FeedsCommand::Import { file } => import(&store, &file),
        FeedsCommand::Export => {
            let feeds = store.feeds()?;
            print::raw(|out| {
                out.write_all(opml::export(&feeds, &chrono::Utc::now().to_rfc2822()).as_bytes())
            })?;
            Ok(ExitCode::SUCCESS)
        }
        FeedsCommand::Feeds { json } => feeds(&store, Format::from_json_flag(json)),
        FeedsCommand::Poll {
            force,
            no_articles,
            image_cap_mb,
            article_images_cap_mb,
            ..
        } => {
            let images = khabar::articles::ImageConfig {
                dir: Some(dir.join("images")),
                max_image: image_cap_mb.saturating_mul(1024 * 1024),
                max_per_article: article_images_cap_mb.saturating_mul(1024 * 1024),
                ..Default::default()
            };
            // One poll at a time on a store: the window's, a timer's, or this one.
            let Some(_lock) = khabar::desktop::PollLock::try_acquire(&dir)
                .with_context(|| format!("cannot lock {}", dir.display()))?
            else {
                print::warn(
                    "khabar: another poll is running on this store (the window or a background poll); skipped",
                );
                return Ok(ExitCode::SUCCESS);
            };
            poll(store, images, force, !no_articles)
        }
    }
}

fn add(store: &mut Store, url: &str, folder: Option<&str>) -> Result<ExitCode> {
    let fetcher = fetcher()?;
    let rt = khabar::poller::runtime()?;
    let sub = rt.block_on(discover::subscribe(&fetcher, store, url, folder))?;
    print::raw(|out| {
        writeln!(
            out,
            "Subscribed to {} <{}>: {} articles (feed {})",
            sub.title.as_deref().unwrap_or("(untitled)"),
            sub.url,
            sub.items,
            sub.id
        )?;
        for alt in &sub.alternatives {
            writeln!(
                out,
                "  the site also offers {} <{}>",
                alt.title.as_deref().unwrap_or("another feed"),
                alt.url
            )?;
        }
        Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

fn remove(store: &mut Store, which: &str) -> Result<ExitCode> {
    let feed = store.feed(find_feed(store, which)?)?;
    store.remove_feed(feed.id)?;
    print::line(format!("Removed {} <{}>", feed.display_name(), feed.url))?;
    Ok(ExitCode::SUCCESS)
}

fn import(store: &Store, file: &Path) -> Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let text = khabar::fetch::charset::decode(&bytes, None).text;
    let entries =
        opml::parse(&text).with_context(|| format!("cannot import {}", file.display()))?;
    let (mut added, mut present, mut refused) = (0, 0, 0);
    for e in &entries {
        match khabar::fetch::guard::parse_http_url(&e.url) {
            Err(err) => {
                print::warn(format!("skipped {}: {err}", e.url));
                refused += 1;
            }
            Ok(url) => {
                match store.add_feed(url.as_str(), e.title.as_deref(), e.folder.as_deref()) {
                    Ok(_) => added += 1,
                    Err(khabar::error::StoreError::Duplicate(_)) => present += 1,
                    Err(err) => return Err(err.into()),
                }
            }
        }
    }
    print::line(format!(
        "Imported {added} feeds from {} ({present} already subscribed, {refused} skipped)",
        file.display()
    ))?;
    Ok(ExitCode::SUCCESS)
}

fn feeds(store: &Store, format: Format) -> Result<ExitCode> {
    let feeds = store.feeds()?;
    let now = model::now();
    print::emit(format, &feeds, |out| {
        if feeds.is_empty() {
            writeln!(
                out,
                "No feeds yet. Add one with `khabar add URL` or `khabar import FILE.opml`."
            )?;
        }
        for f in &feeds {
            let last = f
                .last_fetch_at
                .map_or("never".to_string(), |t| print::ago(now, t));
            let next = if f.gone {
                "never (gone)".to_string()
            } else if f.next_check_at <= now {
                "due now".to_string()
            } else {
                format!("in {}", print::span(f.next_check_at - now))
            };
            writeln!(
                out,
                "{:>4}  {}{}",
                f.id,
                f.display_name(),
                f.folder
                    .as_deref()
                    .map(|d| format!("  [{d}]"))
                    .unwrap_or_default()
            )?;
            writeln!(out, "      {}", f.url)?;
            writeln!(out, "      last fetch {last}; next check {next}")?;
            if let Some(err) = &f.last_error {
                writeln!(out, "      error ({} in a row): {err}", f.error_count)?;
            }
        }
        Ok(())
    })
}

fn bar_style(what: &str) -> indicatif::ProgressStyle {
    indicatif::ProgressStyle::with_template(&format!("{{bar:30}} {{pos}}/{{len}} {what} {{msg}}"))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
}

fn poll(
    store: Store,
    images: khabar::articles::ImageConfig,
    force: bool,
    articles: bool,
) -> Result<ExitCode> {
    let mut poller =
        Poller::new(store, fetcher()?, schedule::Policy::default()).with_images(images);
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(bar_style("feeds"));
    let mut failures: Vec<String> = Vec::new();
    let opts = PollOptions {
        force,
        articles,
        icons: articles,
        ..Default::default()
    };
    let summary = poller.poll_blocking(&opts, &mut |ev| match ev {
        PollEvent::Started { total } => bar.set_length(total as u64),
        PollEvent::FeedDone { name, result, .. } => {
            bar.inc(1);
            if let FeedResult::Failed { error, .. } = &result {
                failures.push(format!("{name}: {error}"));
            } else if result == FeedResult::Gone {
                failures.push(format!("{name}: gone for good (410); no longer checked"));
            }
            bar.set_message(name);
        }
        PollEvent::ArticlesStarted { total } => {
            bar.set_style(bar_style("articles"));
            bar.set_position(0);
            bar.set_length(total as u64);
            bar.set_message("");
        }
        PollEvent::ArticleDone { .. } => bar.inc(1),
        PollEvent::Finished(_) => bar.finish_and_clear(),
    })?;
    for f in &failures {
        print::warn(format!("failed: {f}"));
    }
    print::line(summary)?;
    Ok(ExitCode::SUCCESS)
}

//! Retention and the image cache: `khabar prune` (old articles and unused
//! cached images), `khabar retention` (the automatic pruning setting) and
//! `khabar stats` (what the store holds, per table).

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;

use khabar::store::Store;
use khabar::store::retention::{PruneReport, PruneRule};

use super::{Ctx, print};

/// Retention and cache commands.
#[derive(Subcommand, Debug)]
pub enum PruneCommand {
    /// Delete old articles (with their pages, images and topic hits) and
    /// cached images no article uses. Without --older-than, only the images.
    Prune {
        /// Delete read, unstarred articles first seen more than DAYS ago.
        #[arg(long, value_name = "DAYS")]
        older_than: Option<u32>,
        /// Unread articles go too (starred ones never do).
        #[arg(long, requires = "older_than")]
        include_unread: bool,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show or set automatic pruning: DAYS (read, unstarred articles go
    /// after that many days; 90 by default) or `off`.
    Retention {
        /// Days, or `off`.
        value: Option<String>,
    },
    /// What the store holds: articles, feeds, images, and bytes per table.
    Stats {
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Run a retention command.
pub fn run(cmd: PruneCommand, ctx: &Ctx) -> Result<ExitCode> {
    let (dir, mut store) = ctx.open_store()?;
    match cmd {
        PruneCommand::Prune {
            older_than,
            include_unread,
            json,
        } => prune(&mut store, &dir, older_than, include_unread, json),
        PruneCommand::Retention { value } => retention(&store, value.as_deref()),
        PruneCommand::Stats { json } => stats(&store, &dir, json),
    }
}

/// Deletes the files of cached images no article uses; returns how many.
pub fn remove_image_files(dir: &Path, hashes: &[String]) -> usize {
    let images = dir.join("images");
    hashes
        .iter()
        .filter(|h| std::fs::remove_file(khabar::articles::image_path(&images, h)).is_ok())
        .count()
}

fn prune(
    store: &mut Store,
    dir: &Path,
    older_than: Option<u32>,
    include_unread: bool,
    json: bool,
) -> Result<ExitCode> {
    let Some(days) = older_than else {
        let orphans = store.take_orphan_images()?;
        let removed = remove_image_files(dir, &orphans);
        print::line(format!("Removed {removed} cached images no article uses"))?;
        return Ok(ExitCode::SUCCESS);
    };
    let mut report: PruneReport = store.prune(
        PruneRule {
            older_than_days: days,
            include_unread,
        },
        khabar::model::now(),
    )?;
    // Images left without an article by earlier runs go too.
    report.orphan_images.extend(store.take_orphan_images()?);
    let removed = remove_image_files(dir, &report.orphan_images);
    print::emit(print::Format::from_json_flag(json), &report, |w| {
        writeln!(
            w,
            "Deleted {} articles older than {days} days ({} stored pages) and {removed} cached images; database {:.1} MB -> {:.1} MB",
            report.items,
            report.pages,
            report.db_bytes.0 as f64 / 1_048_576.0,
            report.db_bytes.1 as f64 / 1_048_576.0,
        )
    })
}

fn retention(store: &Store, value: Option<&str>) -> Result<ExitCode> {
    if let Some(v) = value {
        let days =
            match v.trim() {
                "off" | "never" | "0" => None,
                d => Some(d.parse::<u32>().map_err(|_| {
                    anyhow::anyhow!("expected a number of days or `off`, not {d:?}")
                })?),
            };
        store.set_retention_days(days)?;
    }
    match store.retention_days()? {
        Some(d) => print::line(format!(
            "Read, unstarred articles are deleted {d} days after they arrive; starred ones are kept"
        ))?,
        None => print::line("Automatic pruning is off: every article is kept")?,
    }
    Ok(ExitCode::SUCCESS)
}

fn dir_bytes(dir: &Path) -> u64 {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return 0;
    };
    rd.flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_bytes(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

fn stats(store: &Store, dir: &Path, json: bool) -> Result<ExitCode> {
    let s = store.stats()?;
    let files = dir_bytes(&dir.join("images"));
    let mb = |b: i64| b as f64 / 1_048_576.0;
    #[derive(serde::Serialize)]
    struct Out<'a> {
        #[serde(flatten)]
        stats: &'a khabar::store::retention::StoreStats,
        image_files_bytes: u64,
    }
    print::emit(
        print::Format::from_json_flag(json),
        &Out {
            stats: &s,
            image_files_bytes: files,
        },
        |w| {
            writeln!(
                w,
                "{} feeds, {} articles, {} stored pages, {} cached images ({:.1} MB on disk)",
                s.feeds,
                s.items,
                s.pages,
                s.images,
                files as f64 / 1_048_576.0
            )?;
            writeln!(
                w,
                "database {:.1} MB ({:.1} MB free, given back by the next prune)",
                mb(s.db_bytes),
                mb(s.free_bytes)
            )?;
            for t in &s.tables {
                if t.rows > 0 {
                    writeln!(
                        w,
                        "  {:<28} {:>10.2} MB {:>9} rows",
                        t.name,
                        mb(t.bytes),
                        t.rows
                    )?;
                } else {
                    writeln!(w, "  {:<28} {:>10.2} MB", t.name, mb(t.bytes))?;
                }
            }
            Ok(())
        },
    )
}

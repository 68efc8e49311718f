//! The image cache: `khabar prune` deletes cached images no stored article uses.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;

use khabar::store::Store;

use super::{Ctx, print};

/// Cache commands.
#[derive(Subcommand, Debug)]
pub enum PruneCommand {
    /// Delete cached images that no stored article uses.
    Prune,
}

/// Run a cache command.
pub fn run(cmd: PruneCommand, ctx: &Ctx) -> Result<ExitCode> {
    let (dir, mut store) = ctx.open_store()?;
    match cmd {
        PruneCommand::Prune => prune(&mut store, &dir),
    }
}

fn prune(store: &mut Store, dir: &Path) -> Result<ExitCode> {
    let orphans = store.take_orphan_images()?;
    let images = dir.join("images");
    let mut removed = 0;
    for hash in &orphans {
        if std::fs::remove_file(khabar::articles::image_path(&images, hash)).is_ok() {
            removed += 1;
        }
    }
    print::line(format!("Removed {removed} cached images no article uses"))?;
    Ok(ExitCode::SUCCESS)
}

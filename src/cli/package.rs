//! Desktop entry and packaging: `khabar subscribe LINK` (what the desktop
//! entry runs for feed links) and the hidden `khabar package-files DIR`
//! (man page and shell completions, for `cargo deb`).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::Subcommand;

use super::{Ctx, print, window};

/// Desktop entry and packaging commands.
#[derive(Subcommand, Debug)]
pub enum PackageCommand {
    /// Open the window's add-feed dialog filled with a feed link (feed:,
    /// feeds:, http(s), or a saved feed file); without one, open the window.
    /// The desktop entry calls this for feed links.
    Subscribe {
        /// The link.
        url: Option<String>,
    },
    /// Write the man page and shell completions into a folder (for packaging).
    #[command(hide = true)]
    PackageFiles {
        /// Where to write them.
        out_dir: PathBuf,
    },
}

/// Run a desktop entry or packaging command.
pub fn run(cmd: PackageCommand, ctx: &Ctx) -> Result<ExitCode> {
    match cmd {
        PackageCommand::Subscribe { url } => {
            let link = match url {
                Some(u) => Some(khabar::desktop::feed_link(&u).map_err(anyhow::Error::msg)?),
                None => None,
            };
            window::open(ctx, link)
        }
        PackageCommand::PackageFiles { out_dir } => package_files(&out_dir),
    }
}

/// The man page (`khabar.1`) and bash, zsh and fish completions, generated
/// from the same clap definitions that parse the arguments, so they cannot
/// drift. `.ci/run` runs this before `cargo deb`, which packages the files.
fn package_files(out_dir: &Path) -> Result<ExitCode> {
    use clap::CommandFactory as _;
    use clap_complete::Shell;
    std::fs::create_dir_all(out_dir)
        .with_context(|| format!("cannot create {}", out_dir.display()))?;
    let cmd = super::Cli::command();
    let mut man = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut man)?;
    // Debian ships man pages compressed (lintian checks); gzip at -9 with no
    // name or time in the header, so the file is the same on every build.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&man)?;
    std::fs::write(out_dir.join("khabar.1.gz"), gz.finish()?)?;
    for (shell, file) in [
        (Shell::Bash, "khabar.bash"),
        (Shell::Zsh, "_khabar"),
        (Shell::Fish, "khabar.fish"),
    ] {
        let mut out = Vec::new();
        clap_complete::generate(shell, &mut cmd.clone(), "khabar", &mut out);
        std::fs::write(out_dir.join(file), out)?;
    }
    print::line(format!(
        "wrote khabar.1.gz, khabar.bash, _khabar and khabar.fish to {}",
        out_dir.display()
    ))?;
    Ok(ExitCode::SUCCESS)
}

//! Polling while the window is closed: `khabar daemon --install`,
//! `--uninstall`, `--run` (the loop an autostart entry starts), and the
//! background poll itself, `khabar poll --background` (what the systemd
//! timer runs). The decisions (offline, battery, window open) are
//! `khabar::daemon`'s; this prints them and sends the one notification.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context as _, Result};
use clap::{Args, Subcommand, ValueEnum};

use khabar::daemon::{self, Decision, Dirs, Kind, Plan, Report, System};
use khabar::fetch::FetchConfig;

use super::{Ctx, print};

/// Background polling commands.
#[derive(Subcommand, Debug)]
pub enum DaemonCommand {
    /// Poll while the window is closed: --install puts a systemd user timer
    /// (or an XDG autostart entry where there is no systemd user session)
    /// that polls every interval; --uninstall removes it. Without an option,
    /// says what is installed.
    Daemon {
        /// Install the background poll.
        #[arg(long, conflicts_with_all = ["uninstall", "run"])]
        install: bool,
        /// Remove it.
        #[arg(long, conflicts_with = "run")]
        uninstall: bool,
        /// Run the poll loop here (what the autostart entry starts).
        #[arg(long)]
        run: bool,
        /// Install this kind rather than the one the session suggests.
        #[arg(long, value_enum, requires = "install")]
        kind: Option<KindArg>,
        #[command(flatten)]
        every: Every,
    },
}

/// The kinds of installation. (No doc comments: clap lists bare values.)
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum KindArg {
    Systemd,
    Autostart,
}

/// The interval, and where the machine's state is read (hidden: for tests).
#[derive(Args, Debug, Clone)]
pub struct Every {
    /// Minutes between background polls (doubled on battery).
    #[arg(long, value_name = "MINUTES", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(10..=1440))]
    pub every: u32,
    /// Where power supplies are listed.
    #[arg(long, hide = true, default_value = "/sys/class/power_supply")]
    pub power_supply: PathBuf,
    /// Where the route tables are.
    #[arg(long, hide = true, default_value = "/proc/net")]
    pub proc_net: PathBuf,
}

impl Every {
    fn system(&self) -> System {
        System {
            power_supply: self.power_supply.clone(),
            proc_net: self.proc_net.clone(),
        }
    }
}

/// Run a background polling command.
pub fn run(cmd: DaemonCommand, ctx: &Ctx) -> Result<ExitCode> {
    let DaemonCommand::Daemon {
        install,
        uninstall,
        run,
        kind,
        every,
    } = cmd;
    let dirs = Dirs::from_env()?;
    if install {
        let kind = match kind {
            Some(KindArg::Systemd) => Kind::Systemd,
            Some(KindArg::Autostart) => Kind::Autostart,
            None => dirs.best_kind(),
        };
        return install_kind(ctx, &dirs, kind, every.every);
    }
    if uninstall {
        return remove(&dirs);
    }
    if run {
        return poll_loop(ctx, &dirs, &every);
    }
    let installed = dirs.installed();
    if installed.is_empty() {
        print::line("No background poll is installed; `khabar daemon --install` installs one.")?;
    }
    for k in installed {
        for f in dirs.files(k) {
            if f.exists() {
                print::line(format!("installed: {}", f.display()))?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn install_kind(ctx: &Ctx, dirs: &Dirs, kind: Kind, minutes: u32) -> Result<ExitCode> {
    let exe = std::env::current_exe().context("cannot tell where this khabar is")?;
    let plan = Plan {
        exe,
        data_dir: ctx.data_dir_arg().map(Path::to_path_buf),
        minutes,
    };
    // One kind at a time, or two pollers would share the interval.
    let session = dirs.has_systemd_session();
    if session && kind == Kind::Autostart {
        systemctl(&["disable", "--now", &format!("{}.timer", daemon::UNIT)]);
    }
    daemon::uninstall(dirs)?;
    for f in plan.install(dirs, kind)? {
        print::line(format!("wrote {}", f.display()))?;
    }
    let timer = format!("{}.timer", daemon::UNIT);
    match kind {
        Kind::Systemd if session => {
            let ok = systemctl(&["daemon-reload"]) && systemctl(&["enable", "--now", &timer]);
            if ok {
                print::line(format!(
                    "Background poll every {minutes} min (twice that on battery): systemd user timer {timer} is on."
                ))?;
            } else {
                print::warn(format!(
                    "khabar: the units are written but systemctl failed; try `systemctl --user enable --now {timer}`"
                ));
            }
        }
        Kind::Systemd => print::line(format!(
            "No systemd user session is running here: once one is, `systemctl --user daemon-reload && systemctl --user enable --now {timer}`."
        ))?,
        Kind::Autostart => print::line(format!(
            "Background poll every {minutes} min (twice that on battery) from your next login; to start it now: `khabar daemon --run &`."
        ))?,
    }
    Ok(ExitCode::SUCCESS)
}

fn remove(dirs: &Dirs) -> Result<ExitCode> {
    let had_units = dirs.installed().contains(&Kind::Systemd);
    if had_units && dirs.has_systemd_session() {
        systemctl(&["disable", "--now", &format!("{}.timer", daemon::UNIT)]);
    }
    let removed = daemon::uninstall(dirs)?;
    if had_units && dirs.has_systemd_session() {
        systemctl(&["daemon-reload"]);
    }
    if removed.is_empty() {
        print::line("No background poll was installed.")?;
    }
    for f in removed {
        print::line(format!("removed {}", f.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `systemctl --user ARGS`; false (with a warning) when it fails.
fn systemctl(args: &[&str]) -> bool {
    match std::process::Command::new("systemctl")
        .arg("--user")
        .args(args)
        .status()
    {
        Ok(s) if s.success() => true,
        Ok(s) => {
            print::warn(format!(
                "khabar: systemctl --user {} failed ({s})",
                args.join(" ")
            ));
            false
        }
        Err(e) => {
            print::warn(format!("khabar: cannot run systemctl: {e}"));
            false
        }
    }
}

/// One background poll: `khabar poll --background`.
pub fn background(ctx: &Ctx, every: &Every) -> Result<ExitCode> {
    let dir = ctx.dir()?;
    once(&dir, every)?;
    Ok(ExitCode::SUCCESS)
}

/// One round: poll (or say why not), print, notify.
fn once(dir: &Path, every: &Every) -> Result<Report> {
    let report = daemon::background_poll(dir, every.every, &every.system(), FetchConfig::default())
        .map_err(anyhow::Error::msg)
        .with_context(|| format!("background poll of {}", dir.display()))?;
    match &report {
        Report::Busy => print::warn(format!("khabar: {report}")),
        _ => print::line(&report)?,
    }
    if let Report::Polled { hits, .. } = &report
        && let Some((summary, body)) = khabar::notify::text(hits)
    {
        print::line(format!(
            "Followed topics: {summary}: {}",
            body.replace('\n', "; ")
        ))?;
        if let Err(e) = khabar::notify::send(hits) {
            print::warn(format!("khabar: {e}"));
        }
    }
    Ok(report)
}

/// The loop an autostart entry starts: a round every interval (twice that
/// on battery, a few minutes while offline). It stops once the entry that
/// started it is removed (`khabar daemon --uninstall`).
fn poll_loop(ctx: &Ctx, dirs: &Dirs, every: &Every) -> Result<ExitCode> {
    let dir = ctx.dir()?;
    let entry = dirs.autostart_dir().join(daemon::AUTOSTART_FILE);
    let from_entry = entry.exists();
    let system = every.system();
    loop {
        let report = once(&dir, every)?;
        let secs = match report {
            Report::Skipped(Decision::Offline) => 300.min(daemon::sleep_secs(every.every, false)),
            _ => daemon::sleep_secs(every.every, system.on_battery()),
        };
        // Sleep in minutes, so removing the entry stops the loop soon.
        for _ in 0..secs.div_ceil(60) {
            if from_entry && !entry.exists() {
                print::line("The autostart entry was removed: background polling stops.")?;
                return Ok(ExitCode::SUCCESS);
            }
            std::thread::sleep(Duration::from_secs(60));
        }
    }
}

//! Polling while the window is closed: `khabar daemon --install` puts a
//! systemd user timer (or, without a systemd user session, an XDG autostart
//! entry) in the user's config folder; both run a background poll on the
//! poll interval.
//!
//! - The systemd timer fires `OnUnitActiveSec` the interval and runs the
//!   oneshot service `khabar poll --background --every N`.
//! - The autostart entry starts `khabar daemon --run --every N` at login,
//!   a loop that polls and sleeps, and stops once its entry is removed.
//! - A background poll ([`decide`]) makes no request while offline (no
//!   default route), skips while a window runs on the store (the window
//!   polls for itself), and on battery waits twice the interval since the
//!   last fetch. The poll lock (`desktop::PollLock`) keeps it from running
//!   beside the window's poll or a hand-started one.
//!
//! Power and network state are read from `/sys/class/power_supply` and
//! `/proc/net/route` (paths injectable for tests, [`System`]).
//!
//! Nothing here knows about egui.

use std::path::{Path, PathBuf};

use crate::articles::ImageConfig;
use crate::fetch::{FetchConfig, Fetcher};
use crate::model::Timestamp;
use crate::poller::{PollOptions, PollSummary, Poller};
use crate::schedule::Policy;
use crate::store::Store;

/// The systemd units' base name.
pub const UNIT: &str = "khabar-poll";
/// The autostart entry's file name.
pub const AUTOSTART_FILE: &str = "khabar-poll.desktop";

/// How the background poll is installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A systemd user timer and service.
    Systemd,
    /// An XDG autostart entry running the poll loop.
    Autostart,
}

/// The user's folders that decide where things go (from the XDG variables).
#[derive(Debug, Clone)]
pub struct Dirs {
    /// `$XDG_CONFIG_HOME`, else `$HOME/.config`.
    pub config_home: PathBuf,
    /// `$XDG_RUNTIME_DIR`, if set.
    pub runtime_dir: Option<PathBuf>,
}

/// Why the folders cannot be known.
#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    /// Neither `XDG_CONFIG_HOME` nor `HOME` is set.
    #[error("neither XDG_CONFIG_HOME nor HOME is set: cannot tell where the config folder is")]
    NoHome,
    /// A file could not be written or removed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl Dirs {
    /// From the environment.
    pub fn from_env() -> Result<Dirs, DaemonError> {
        let nonempty = |k: &str| {
            std::env::var_os(k)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let config_home = nonempty("XDG_CONFIG_HOME")
            .or_else(|| nonempty("HOME").map(|h| h.join(".config")))
            .ok_or(DaemonError::NoHome)?;
        Ok(Dirs {
            config_home,
            runtime_dir: nonempty("XDG_RUNTIME_DIR"),
        })
    }

    /// Where systemd looks for user units.
    pub fn systemd_dir(&self) -> PathBuf {
        self.config_home.join("systemd").join("user")
    }

    /// Where XDG autostart entries go.
    pub fn autostart_dir(&self) -> PathBuf {
        self.config_home.join("autostart")
    }

    /// Whether a systemd user manager runs for this user (its private
    /// socket is in the runtime folder).
    pub fn has_systemd_session(&self) -> bool {
        self.runtime_dir
            .as_ref()
            .is_some_and(|r| r.join("systemd").join("private").exists())
    }

    /// The kind to install here.
    pub fn best_kind(&self) -> Kind {
        if self.has_systemd_session() {
            Kind::Systemd
        } else {
            Kind::Autostart
        }
    }

    /// The files an installation of `kind` consists of.
    pub fn files(&self, kind: Kind) -> Vec<PathBuf> {
        match kind {
            Kind::Systemd => vec![
                self.systemd_dir().join(format!("{UNIT}.service")),
                self.systemd_dir().join(format!("{UNIT}.timer")),
            ],
            Kind::Autostart => vec![self.autostart_dir().join(AUTOSTART_FILE)],
        }
    }

    /// What is installed, if anything.
    pub fn installed(&self) -> Vec<Kind> {
        [Kind::Systemd, Kind::Autostart]
            .into_iter()
            .filter(|k| self.files(*k).iter().any(|f| f.exists()))
            .collect()
    }
}

/// What the background poll runs.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The `khabar` binary.
    pub exe: PathBuf,
    /// The store's folder, when not the default.
    pub data_dir: Option<PathBuf>,
    /// Minutes between polls (on mains power).
    pub minutes: u32,
}

impl Plan {
    /// The command line, quoted for a unit file (`unit`) or a desktop entry.
    fn command(&self, words: &[&str], unit: bool) -> String {
        let q = |w: &str| quote(w, unit);
        let mut out = vec![q(&self.exe.to_string_lossy())];
        out.extend(words.iter().map(|w| w.to_string()));
        out.push("--every".into());
        out.push(self.minutes.to_string());
        if let Some(d) = &self.data_dir {
            out.push("--data-dir".into());
            out.push(q(&d.to_string_lossy()));
        }
        out.join(" ")
    }

    /// The oneshot service the timer starts.
    pub fn service_unit(&self) -> String {
        format!(
            "[Unit]\n\
             Description=Khabar background poll: new articles for offline reading\n\
             Documentation=man:khabar(1)\n\
             \n\
             [Service]\n\
             Type=oneshot\n\
             ExecStart={}\n\
             Nice=10\n\
             IOSchedulingClass=idle\n",
            self.command(&["poll", "--background"], true)
        )
    }

    /// The timer: first a few minutes after login, then every interval
    /// after the last run.
    pub fn timer_unit(&self) -> String {
        format!(
            "[Unit]\n\
             Description=Khabar background poll every {} minutes\n\
             \n\
             [Timer]\n\
             OnActiveSec=2min\n\
             OnUnitActiveSec={}min\n\
             AccuracySec=1min\n\
             RandomizedDelaySec=30s\n\
             \n\
             [Install]\n\
             WantedBy=timers.target\n",
            self.minutes, self.minutes
        )
    }

    /// The autostart entry that starts the poll loop at login.
    pub fn autostart_entry(&self) -> String {
        format!(
            "[Desktop Entry]\n\
             Type=Application\n\
             Name=Khabar background poll\n\
             Comment=Fetches new articles for offline reading while the window is closed\n\
             Exec={}\n\
             Icon=khabar\n\
             Terminal=false\n\
             NoDisplay=true\n\
             X-GNOME-Autostart-enabled=true\n",
            self.command(&["daemon", "--run"], false)
        )
    }

    /// Writes the files of `kind` (replacing older ones); returns them.
    pub fn install(&self, dirs: &Dirs, kind: Kind) -> Result<Vec<PathBuf>, DaemonError> {
        let files = dirs.files(kind);
        let contents = match kind {
            Kind::Systemd => vec![self.service_unit(), self.timer_unit()],
            Kind::Autostart => vec![self.autostart_entry()],
        };
        for (path, text) in files.iter().zip(contents) {
            let io = |source| DaemonError::Io {
                path: path.clone(),
                source,
            };
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(io)?;
            }
            std::fs::write(path, text).map_err(io)?;
        }
        Ok(files)
    }
}

/// Removes every installed file of both kinds; returns those removed.
pub fn uninstall(dirs: &Dirs) -> Result<Vec<PathBuf>, DaemonError> {
    let mut removed = Vec::new();
    for path in dirs
        .files(Kind::Systemd)
        .into_iter()
        .chain(dirs.files(Kind::Autostart))
    {
        match std::fs::remove_file(&path) {
            Ok(()) => removed.push(path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(DaemonError::Io { path, source }),
        }
    }
    Ok(removed)
}

/// A word of a command line in a unit file (`unit`) or a desktop entry:
/// double quotes with backslash escapes when it needs them; `%` (a
/// specifier or field code in both) doubled; a `$` doubled in a unit (an
/// environment variable there), escaped in an entry.
fn quote(word: &str, unit: bool) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+=:,@".contains(c);
    let mut out = String::new();
    let quoted = word.is_empty() || !word.chars().all(plain);
    if quoted {
        out.push('"');
    }
    for c in word.chars() {
        match c {
            '%' => out.push_str("%%"),
            '$' if unit => out.push_str("$$"),
            '"' | '\\' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '`' if !unit => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    if quoted {
        out.push('"');
    }
    out
}

/// Where power and network state are read (the real paths, or a test's).
#[derive(Debug, Clone)]
pub struct System {
    /// `/sys/class/power_supply`.
    pub power_supply: PathBuf,
    /// `/proc/net` (its `route` and `ipv6_route`).
    pub proc_net: PathBuf,
}

impl Default for System {
    fn default() -> Self {
        System {
            power_supply: PathBuf::from("/sys/class/power_supply"),
            proc_net: PathBuf::from("/proc/net"),
        }
    }
}

impl System {
    /// Running on battery: a battery discharging and no mains adapter
    /// online. A machine without batteries (or without the folder) is on
    /// mains.
    pub fn on_battery(&self) -> bool {
        let Ok(entries) = std::fs::read_dir(&self.power_supply) else {
            return false;
        };
        let read = |p: &Path, f: &str| {
            std::fs::read_to_string(p.join(f))
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        let (mut discharging, mut mains) = (false, false);
        for e in entries.flatten() {
            let p = e.path();
            match read(&p, "type").as_str() {
                "Battery" => discharging |= read(&p, "status") == "Discharging",
                "Mains" | "USB" => mains |= read(&p, "online") == "1",
                _ => {}
            }
        }
        discharging && !mains
    }

    /// Whether the machine has a default route through an interface other
    /// than loopback (IPv4 or IPv6). Without one no request can leave, so
    /// none is made. Unreadable route tables count as online (let the
    /// fetch decide).
    pub fn online(&self) -> bool {
        let v4 = std::fs::read_to_string(self.proc_net.join("route"));
        let v6 = std::fs::read_to_string(self.proc_net.join("ipv6_route"));
        if v4.is_err() && v6.is_err() {
            return true;
        }
        let v4_default = v4.unwrap_or_default().lines().skip(1).any(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            // Iface Destination Gateway Flags ...; RTF_UP is 0x1.
            f.len() > 3
                && f[0] != "lo"
                && f[1] == "00000000"
                && u32::from_str_radix(f[3], 16).is_ok_and(|fl| fl & 1 == 1)
        });
        let v6_default = v6.unwrap_or_default().lines().any(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            // dest dest_len src src_len next_hop metric refcnt use flags iface
            f.len() >= 10
                && f[0].bytes().all(|b| b == b'0')
                && f[1] == "00"
                && f[9] != "lo"
                && u32::from_str_radix(f[8], 16).is_ok_and(|fl| fl & 1 == 1)
        });
        v4_default || v6_default
    }
}

/// What a background poll does now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Poll the due feeds.
    Poll,
    /// No network: no request is made.
    Offline,
    /// A window runs on this store and polls for itself.
    WindowOpen,
    /// On battery the interval doubles: not yet.
    Battery {
        /// When the next background poll is worth it.
        next: Timestamp,
    },
}

/// Whether a background poll runs now, given the last fetch of any feed
/// (the window's polls count), the interval in minutes and the state of
/// the machine.
pub fn decide(
    now: Timestamp,
    last_fetch: Option<Timestamp>,
    minutes: u32,
    on_battery: bool,
    online: bool,
    window_open: bool,
) -> Decision {
    if !online {
        return Decision::Offline;
    }
    if window_open {
        return Decision::WindowOpen;
    }
    if on_battery && let Some(last) = last_fetch {
        // A minute's slack: a timer firing on time is not "too early".
        let next = last + 2 * i64::from(minutes) * 60;
        if now + 60 < next {
            return Decision::Battery { next };
        }
    }
    Decision::Poll
}

/// Seconds the poll loop sleeps between rounds: the interval, doubled on
/// battery.
pub fn sleep_secs(minutes: u32, on_battery: bool) -> u64 {
    let base = u64::from(minutes.max(1)) * 60;
    if on_battery { base * 2 } else { base }
}

/// What one background poll came to.
#[derive(Debug)]
pub enum Report {
    /// Not now, and why (never [`Decision::Poll`]).
    Skipped(Decision),
    /// Another poll (the window's, or one started by hand) holds the store.
    Busy,
    /// Polled.
    Polled {
        /// Totals.
        summary: PollSummary,
        /// New articles in followed topics, for one notification.
        hits: Vec<(String, i64, String)>,
    },
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Report::Skipped(Decision::Offline) => {
                write!(f, "offline (no default route): no request made")
            }
            Report::Skipped(Decision::WindowOpen) => {
                write!(f, "the Khabar window is open and polls by itself: skipped")
            }
            Report::Skipped(Decision::Battery { next }) => write!(
                f,
                "on battery the interval doubles: next background poll after {}",
                crate::model::rfc3339(*next)
            ),
            Report::Skipped(Decision::Poll) => write!(f, "skipped"),
            Report::Busy => write!(
                f,
                "another poll is running on this store (the window or a background poll): skipped"
            ),
            Report::Polled { summary, .. } => write!(f, "{summary}"),
        }
    }
}

/// One background poll of the store in `data_dir`: the due feeds and their
/// article pages and images, unless [`decide`] says not now or another poll
/// holds the store.
pub fn background_poll(
    data_dir: &Path,
    minutes: u32,
    system: &System,
    fetch: FetchConfig,
) -> Result<Report, String> {
    let online = system.online();
    let window = crate::instance::window_running(data_dir);
    // Offline or with the window open, the store is not even opened.
    if !online || window {
        return Ok(Report::Skipped(decide(
            0, None, minutes, false, online, window,
        )));
    }
    let store = Store::open_in_dir(data_dir).map_err(|e| e.to_string())?;
    let last_fetch = store
        .feeds()
        .map_err(|e| e.to_string())?
        .iter()
        .filter_map(|f| f.last_fetch_at)
        .max();
    let decision = decide(
        crate::model::now(),
        last_fetch,
        minutes,
        system.on_battery(),
        true,
        false,
    );
    if decision != Decision::Poll {
        return Ok(Report::Skipped(decision));
    }
    let Some(_lock) = crate::desktop::PollLock::try_acquire(data_dir).map_err(|e| e.to_string())?
    else {
        return Ok(Report::Busy);
    };
    let fetcher = Fetcher::new(fetch).map_err(|e| e.to_string())?;
    let policy = Policy {
        interval: i64::from(minutes.max(10)) * 60,
        ..Policy::default()
    };
    let mut poller = Poller::new(store, fetcher, policy).with_images(ImageConfig {
        dir: Some(data_dir.join("images")),
        ..Default::default()
    });
    let opts = PollOptions {
        articles: true,
        icons: true,
        ..Default::default()
    };
    let summary = poller
        .poll_blocking(&opts, &mut |_| {})
        .map_err(|e| e.to_string())?;
    let hits = poller
        .store()
        .take_new_hits(crate::model::now())
        .map_err(|e| e.to_string())?;
    Ok(Report::Polled { summary, hits })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        Plan {
            exe: PathBuf::from("/usr/bin/khabar"),
            data_dir: Some(PathBuf::from("/home/a b/100% news")),
            minutes: 30,
        }
    }

    #[test]
    fn units_run_the_background_poll_on_the_interval() {
        let p = plan();
        let service = p.service_unit();
        assert!(
            service.contains(
                "ExecStart=/usr/bin/khabar poll --background --every 30 --data-dir \"/home/a b/100%% news\"\n"
            ),
            "{service}"
        );
        assert!(p.timer_unit().contains("OnUnitActiveSec=30min\n"));
        let entry = p.autostart_entry();
        assert!(
            entry.contains(
                "Exec=/usr/bin/khabar daemon --run --every 30 --data-dir \"/home/a b/100%% news\"\n"
            ),
            "{entry}"
        );
    }

    #[test]
    fn install_and_uninstall_in_the_config_folder() {
        let home = tempfile::tempdir().unwrap();
        let dirs = Dirs {
            config_home: home.path().join("config"),
            runtime_dir: Some(home.path().join("run")),
        };
        assert_eq!(dirs.best_kind(), Kind::Autostart);
        std::fs::create_dir_all(home.path().join("run/systemd")).unwrap();
        std::fs::write(home.path().join("run/systemd/private"), "").unwrap();
        assert_eq!(dirs.best_kind(), Kind::Systemd);

        let files = plan().install(&dirs, Kind::Systemd).unwrap();
        assert_eq!(files.len(), 2);
        assert!(
            home.path()
                .join("config/systemd/user/khabar-poll.timer")
                .exists()
        );
        assert_eq!(dirs.installed(), [Kind::Systemd]);
        plan().install(&dirs, Kind::Autostart).unwrap();
        assert_eq!(dirs.installed(), [Kind::Systemd, Kind::Autostart]);
        assert_eq!(uninstall(&dirs).unwrap().len(), 3);
        assert!(dirs.installed().is_empty());
        assert!(uninstall(&dirs).unwrap().is_empty());
    }

    fn supply(root: &Path, name: &str, files: &[(&str, &str)]) {
        let d = root.join(name);
        std::fs::create_dir_all(&d).unwrap();
        for (f, v) in files {
            std::fs::write(d.join(f), format!("{v}\n")).unwrap();
        }
    }

    #[test]
    fn battery_is_a_discharging_battery_without_mains() {
        let root = tempfile::tempdir().unwrap();
        let sys = System {
            power_supply: root.path().to_path_buf(),
            proc_net: root.path().join("none"),
        };
        assert!(!sys.on_battery(), "no supplies: a desktop on mains");
        supply(
            root.path(),
            "BAT0",
            &[("type", "Battery"), ("status", "Discharging")],
        );
        assert!(sys.on_battery());
        supply(root.path(), "AC", &[("type", "Mains"), ("online", "1")]);
        assert!(!sys.on_battery());
        supply(root.path(), "AC", &[("type", "Mains"), ("online", "0")]);
        assert!(sys.on_battery());
        supply(
            root.path(),
            "BAT0",
            &[("type", "Battery"), ("status", "Charging")],
        );
        assert!(!sys.on_battery());
    }

    #[test]
    fn online_is_a_default_route_off_loopback() {
        let root = tempfile::tempdir().unwrap();
        let sys = System {
            power_supply: root.path().join("none"),
            proc_net: root.path().to_path_buf(),
        };
        assert!(sys.online(), "unreadable tables: let the fetch decide");
        let head = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\n";
        std::fs::write(
            root.path().join("route"),
            format!("{head}eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\n"),
        )
        .unwrap();
        assert!(!sys.online(), "a local network only");
        std::fs::write(
            root.path().join("route"),
            format!("{head}wlan0\t00000000\t010200C0\t0003\t0\t0\t600\t00000000\n"),
        )
        .unwrap();
        assert!(sys.online());
        std::fs::write(root.path().join("route"), head).unwrap();
        std::fs::write(
            root.path().join("ipv6_route"),
            "00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000001 00000000 00450003     eth0\n",
        )
        .unwrap();
        assert!(sys.online(), "an IPv6 default route");
    }

    #[test]
    fn offline_window_and_battery_decide_the_background_poll() {
        let now = 100_000;
        assert_eq!(
            decide(now, None, 30, false, false, false),
            Decision::Offline
        );
        assert_eq!(
            decide(now, None, 30, false, true, true),
            Decision::WindowOpen
        );
        assert_eq!(
            decide(now, Some(now - 1800), 30, false, true, false),
            Decision::Poll
        );
        // On battery a poll after one interval waits for the second.
        assert_eq!(
            decide(now, Some(now - 1800), 30, true, true, false),
            Decision::Battery { next: now + 1800 }
        );
        assert_eq!(
            decide(now, Some(now - 3590), 30, true, true, false),
            Decision::Poll
        );
        assert_eq!(decide(now, None, 30, true, true, false), Decision::Poll);
        assert_eq!(sleep_secs(30, false), 1800);
        assert_eq!(sleep_secs(30, true), 3600);
    }
}

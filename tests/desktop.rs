//! Khabar on the desktop: the one poll lock between the window's service
//! and a background `khabar poll`.

mod common;

use std::time::Duration;

use common::*;
use khabar::desktop::PollLock;
use khabar::service::{Command, Event, ServiceConfig};
use khabar::store::Store;

/// Events until one matches, or panics after a while.
fn wait_for(events: &std::sync::mpsc::Receiver<Event>, what: impl Fn(&Event) -> bool) -> Event {
    loop {
        match events.recv_timeout(Duration::from_secs(20)) {
            Ok(e) if what(&e) => return e,
            Ok(_) => {}
            Err(e) => panic!("no such event: {e}"),
        }
    }
}

#[test]
fn the_window_does_not_poll_while_a_background_poll_holds_the_store() {
    let site = Site::new();
    site.feed("/ok", RSS, rss("Good", &[("1", "One", "")]));
    let dir = tempfile::tempdir().unwrap();
    Store::open_in_dir(dir.path())
        .unwrap()
        .add_feed(&site.url("/ok"), None, None)
        .unwrap();

    // A background poll (another process) has the store.
    let background = PollLock::try_acquire(dir.path()).unwrap().unwrap();
    let service = khabar::service::spawn(
        ServiceConfig {
            data_dir: dir.path().to_path_buf(),
            poll_on_start: false,
            fetch: test_fetch_config(),
            articles: false,
            sync: Default::default(),
        },
        Box::new(|| {}),
    )
    .unwrap();
    service.send(Command::PollNow);
    let e = wait_for(&service.events, |e| {
        matches!(e, Event::Done(_) | Event::PollStarted { .. })
    });
    assert_eq!(
        e,
        Event::Done("A background poll is running; this window polls after it".into())
    );
    assert_eq!(site.hits("/ok"), 0);

    // Let go: the window's poll runs; once the service has stopped, the
    // lock is free again.
    drop(background);
    service.send(Command::PollNow);
    wait_for(&service.events, |e| matches!(e, Event::PollFinished { .. }));
    assert_eq!(site.hits("/ok"), 1);
    drop(service);
    assert!(PollLock::try_acquire(dir.path()).unwrap().is_some());
}

mod single_instance {
    use std::sync::mpsc;
    use std::time::Duration;

    use khabar::instance::{self, Claim, Request};

    fn first(dir: &std::path::Path) -> instance::Primary {
        match instance::claim(dir, &Request::Raise).unwrap() {
            Claim::First(p) => p,
            Claim::HandedOver => panic!("no window runs yet"),
        }
    }

    #[test]
    fn a_second_start_hands_its_request_to_the_first_and_does_not_become_a_window() {
        let dir = tempfile::tempdir().unwrap();
        let primary = first(dir.path());
        let (tx, rx) = mpsc::channel();
        let serving = primary.serve(move |r| tx.send(r).unwrap()).unwrap();

        let url = "https://news.example.org/feed.xml".to_string();
        assert!(matches!(
            instance::claim(dir.path(), &Request::Subscribe(url.clone())).unwrap(),
            Claim::HandedOver
        ));
        assert!(matches!(
            instance::claim(dir.path(), &Request::Raise).unwrap(),
            Claim::HandedOver
        ));
        let got: Vec<Request> = (0..2)
            .map(|_| rx.recv_timeout(Duration::from_secs(5)).unwrap())
            .collect();
        assert_eq!(got, [Request::Subscribe(url), Request::Raise]);

        // Closed, the window leaves no socket behind and the next start is
        // the window.
        let socket = serving.socket().to_path_buf();
        drop(serving);
        assert!(!socket.exists());
        let _next = first(dir.path());
    }

    #[test]
    fn khabar_and_khabar_subscribe_hand_over_to_the_running_window_and_open_no_store() {
        // The real binary, as the desktop entry and a second launch run it.
        let home = tempfile::tempdir().unwrap();
        let data = home.path().join("data");
        let primary = first(&data);
        let (tx, rx) = mpsc::channel();
        let _serving = primary.serve(move |r| tx.send(r).unwrap()).unwrap();
        let run = |args: &[&str]| {
            std::process::Command::new(env!("CARGO_BIN_EXE_khabar"))
                .args(args)
                .env("HOME", home.path())
                .env("XDG_RUNTIME_DIR", home.path().join("run"))
                .env("KHABAR_DATA_DIR", &data)
                .env_remove("DISPLAY")
                .env_remove("WAYLAND_DISPLAY")
                .output()
                .unwrap()
        };
        let out = run(&["subscribe", "feed:https://news.example.org/feed.xml"]);
        let said = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(out.status.success(), "{said}");
        assert!(said.contains("already open"), "{said}");
        let out = run(&[]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got: Vec<Request> = (0..2)
            .map(|_| rx.recv_timeout(Duration::from_secs(5)).unwrap())
            .collect();
        assert_eq!(
            got,
            [
                Request::Subscribe("https://news.example.org/feed.xml".into()),
                Request::Raise
            ]
        );
        // Neither start opened (or created) the store: one writer only.
        assert!(!data.join(khabar::store::DB_FILE).exists());
    }

    #[test]
    fn a_request_made_while_the_window_starts_waits_for_it() {
        let dir = tempfile::tempdir().unwrap();
        // Claimed (lock and socket) but not serving yet: still loading.
        let primary = first(dir.path());
        let path = dir.path().to_path_buf();
        let later = std::thread::spawn(move || {
            instance::claim(&path, &Request::Raise).map(|c| matches!(c, Claim::HandedOver))
        });
        std::thread::sleep(Duration::from_millis(300));
        let (tx, rx) = mpsc::channel();
        let _serving = primary.serve(move |r| tx.send(r).unwrap()).unwrap();
        assert!(later.join().unwrap().unwrap());
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(5)).unwrap(),
            Request::Raise
        );
    }

    #[test]
    fn a_crashed_windows_socket_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let socket = instance::socket_path(dir.path());
        // A window that died leaves its socket file, with no one listening
        // and the lock free (the kernel let go of it).
        drop(std::os::unix::net::UnixListener::bind(&socket).unwrap());
        assert!(socket.exists());
        let primary = first(dir.path());
        let (tx, rx) = mpsc::channel();
        let _serving = primary.serve(move |r| tx.send(r).unwrap()).unwrap();
        assert!(matches!(
            instance::claim(dir.path(), &Request::Raise).unwrap(),
            Claim::HandedOver
        ));
        assert_eq!(rx.try_recv().unwrap(), Request::Raise);
    }

    #[test]
    fn nonsense_on_the_socket_is_refused_and_the_window_keeps_serving() {
        use std::io::{Read as _, Write as _};
        let dir = tempfile::tempdir().unwrap();
        let primary = first(dir.path());
        let (tx, rx) = mpsc::channel();
        let serving = primary.serve(move |r| tx.send(r).unwrap()).unwrap();
        let mut s = std::os::unix::net::UnixStream::connect(serving.socket()).unwrap();
        s.write_all(b"delete everything\n").unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("error"), "{answer}");
        assert!(rx.try_recv().is_err());
        assert!(matches!(
            instance::claim(dir.path(), &Request::Raise).unwrap(),
            Claim::HandedOver
        ));
        assert_eq!(rx.try_recv().unwrap(), Request::Raise);
    }
}

mod background {
    use std::path::Path;

    use super::common::*;
    use khabar::daemon::{self, Decision, Dirs, Kind, Plan, Report, System};
    use khabar::desktop::PollLock;
    use khabar::instance::{self, Claim, Request};
    use khabar::store::Store;

    /// A machine as the test describes it: on mains or battery, with or
    /// without a default route.
    fn machine(root: &Path, battery: bool, online: bool) -> System {
        let root = root.join(format!("machine-{battery}-{online}"));
        let power = root.join("power_supply");
        let bat = power.join("BAT0");
        std::fs::create_dir_all(&bat).unwrap();
        std::fs::write(bat.join("type"), "Battery\n").unwrap();
        let status = if battery { "Discharging" } else { "Full" };
        std::fs::write(bat.join("status"), format!("{status}\n")).unwrap();
        let net = root.join("net");
        std::fs::create_dir_all(&net).unwrap();
        let mut route =
            "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\n".to_string();
        if online {
            route.push_str("eth0\t00000000\t0102A8C0\t0003\t0\t0\t100\t00000000\n");
        }
        std::fs::write(net.join("route"), route).unwrap();
        std::fs::write(net.join("ipv6_route"), "").unwrap();
        System {
            power_supply: power,
            proc_net: net,
        }
    }

    fn store_with_feed(dir: &Path, url: &str) {
        let mut s = Store::open_in_dir(dir).unwrap();
        s.add_feed(url, None, None).unwrap();
        s.add_topic(&khabar::topics::TopicSpec::follow("Rain", "rain"), 0)
            .unwrap();
    }

    #[test]
    fn a_background_poll_fetches_and_reports_followed_topics_once() {
        let site = Site::new();
        site.feed(
            "/f",
            RSS,
            rss(
                "Outlet",
                &[("1", "Rain floods the valley", ""), ("2", "Budget", "")],
            ),
        );
        let dir = tempfile::tempdir().unwrap();
        store_with_feed(dir.path(), &site.url("/f"));
        let sys = machine(dir.path(), false, true);
        let r = daemon::background_poll(dir.path(), 30, &sys, test_fetch_config()).unwrap();
        let Report::Polled { summary, hits } = r else {
            panic!("{r:?}")
        };
        assert_eq!(summary.new_items, 2);
        assert_eq!(hits, [("Rain".into(), 1, "Rain floods the valley".into())]);
        assert_eq!(site.hits("/f"), 1);
        // The feed is not due again yet: nothing is fetched.
        let r = daemon::background_poll(dir.path(), 30, &sys, test_fetch_config()).unwrap();
        assert!(
            matches!(r, Report::Polled { ref hits, .. } if hits.is_empty()),
            "{r:?}"
        );
        assert_eq!(site.hits("/f"), 1);
    }

    #[test]
    fn offline_no_request_is_made() {
        let site = Site::new();
        site.feed("/f", RSS, rss("Outlet", &[("1", "One", "")]));
        let dir = tempfile::tempdir().unwrap();
        store_with_feed(dir.path(), &site.url("/f"));
        let sys = machine(dir.path(), false, false);
        let r = daemon::background_poll(dir.path(), 30, &sys, test_fetch_config()).unwrap();
        assert!(matches!(r, Report::Skipped(Decision::Offline)), "{r:?}");
        assert!(r.to_string().contains("no request made"));
        assert_eq!(site.hits("/f"), 0);
    }

    #[test]
    fn on_battery_the_interval_doubles() {
        let site = Site::new();
        site.feed("/f", RSS, rss("Outlet", &[("1", "One", "")]));
        let dir = tempfile::tempdir().unwrap();
        store_with_feed(dir.path(), &site.url("/f"));
        let mains = machine(dir.path(), false, true);
        daemon::background_poll(dir.path(), 30, &mains, test_fetch_config()).unwrap();
        assert_eq!(site.hits("/f"), 1);
        // One interval later, on battery, the poll waits for the second.
        let s = Store::open_in_dir(dir.path()).unwrap();
        let half_hour_ago = khabar::model::now() - 31 * 60;
        s.connection()
            .execute(
                "UPDATE feeds SET last_fetch_at = ?1, next_check_at = ?1",
                [half_hour_ago],
            )
            .unwrap();
        let battery = machine(dir.path(), true, true);
        let r = daemon::background_poll(dir.path(), 30, &battery, test_fetch_config()).unwrap();
        assert!(
            matches!(r, Report::Skipped(Decision::Battery { .. })),
            "{r:?}"
        );
        assert_eq!(site.hits("/f"), 1);
        // On mains the due feed is fetched.
        daemon::background_poll(dir.path(), 30, &mains, test_fetch_config()).unwrap();
        assert_eq!(site.hits("/f"), 2);
    }

    #[test]
    fn a_background_poll_leaves_the_store_to_the_window_and_to_a_running_poll() {
        let site = Site::new();
        site.feed("/f", RSS, rss("Outlet", &[("1", "One", "")]));
        let dir = tempfile::tempdir().unwrap();
        store_with_feed(dir.path(), &site.url("/f"));
        let sys = machine(dir.path(), false, true);

        let window = match instance::claim(dir.path(), &Request::Raise).unwrap() {
            Claim::First(p) => p,
            Claim::HandedOver => unreachable!(),
        };
        let r = daemon::background_poll(dir.path(), 30, &sys, test_fetch_config()).unwrap();
        assert!(matches!(r, Report::Skipped(Decision::WindowOpen)), "{r:?}");
        drop(window);

        let running = PollLock::try_acquire(dir.path()).unwrap().unwrap();
        let r = daemon::background_poll(dir.path(), 30, &sys, test_fetch_config()).unwrap();
        assert!(matches!(r, Report::Busy), "{r:?}");
        assert!(r.to_string().contains("skipped"));
        assert_eq!(site.hits("/f"), 0);
        drop(running);
        daemon::background_poll(dir.path(), 30, &sys, test_fetch_config()).unwrap();
        assert_eq!(site.hits("/f"), 1);
    }

    fn tool(name: &str) -> bool {
        std::process::Command::new(name)
            .arg("--help")
            .output()
            .is_ok()
    }

    #[test]
    fn the_timer_units_pass_systemd_analyze_verify() {
        if !tool("systemd-analyze") {
            eprintln!("systemd-analyze is not installed: unit files not verified");
            return;
        }
        let home = tempfile::tempdir().unwrap();
        let dirs = Dirs {
            config_home: home.path().join("config"),
            runtime_dir: None,
        };
        let plan = Plan {
            exe: env!("CARGO_BIN_EXE_khabar").into(),
            data_dir: Some(home.path().join("a store with 100% spaces")),
            minutes: 45,
        };
        let files = plan.install(&dirs, Kind::Systemd).unwrap();
        // A user manager needs a runtime folder; a private one will do.
        let run = home.path().join("run");
        std::fs::create_dir(&run).unwrap();
        std::fs::set_permissions(&run, std::os::unix::fs::PermissionsExt::from_mode(0o700))
            .unwrap();
        let out = std::process::Command::new("systemd-analyze")
            .args(["--user", "verify", "--man=no"])
            .args(&files)
            .env("XDG_RUNTIME_DIR", &run)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && stderr.trim().is_empty(), "{stderr}");
    }

    #[test]
    fn the_autostart_entry_passes_desktop_file_validate() {
        if !tool("desktop-file-validate") {
            eprintln!("desktop-file-validate is not installed: entry not validated");
            return;
        }
        let home = tempfile::tempdir().unwrap();
        let dirs = Dirs {
            config_home: home.path().to_path_buf(),
            runtime_dir: None,
        };
        let plan = Plan {
            exe: "/usr/bin/khabar".into(),
            data_dir: None,
            minutes: 30,
        };
        let files = plan.install(&dirs, Kind::Autostart).unwrap();
        let out = std::process::Command::new("desktop-file-validate")
            .args(&files)
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success() && all.trim().is_empty(), "{all}");
    }
}

mod command_line {
    use std::path::Path;
    use std::process::{Command, Output};

    use super::common::*;
    use khabar::desktop::PollLock;
    use khabar::store::Store;

    fn khabar(home: &Path, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_khabar"))
            .args(args)
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_RUNTIME_DIR", home.join("run"))
            .env("KHABAR_DATA_DIR", home.join("data"))
            // No desktop session: a notification is reported, not shown.
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .output()
            .unwrap()
    }

    fn text(o: &Output) -> String {
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    }

    #[test]
    fn daemon_install_and_uninstall_in_a_temporary_home() {
        let home = tempfile::tempdir().unwrap();
        let h = home.path();
        // No systemd user session here: the autostart entry.
        let o = khabar(h, &["daemon", "--install", "--every", "45"]);
        assert!(o.status.success(), "{}", text(&o));
        let entry = h.join("config/autostart/khabar-poll.desktop");
        let e = std::fs::read_to_string(&entry).unwrap();
        assert!(e.contains(" daemon --run --every 45 --data-dir "), "{e}");
        // Asked for, the systemd units replace it (one kind at a time).
        let o = khabar(h, &["daemon", "--install", "--kind", "systemd"]);
        assert!(o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("No systemd user session"), "{}", text(&o));
        assert!(!entry.exists());
        let timer = h.join("config/systemd/user/khabar-poll.timer");
        assert!(
            std::fs::read_to_string(&timer)
                .unwrap()
                .contains("OnUnitActiveSec=30min")
        );
        let o = khabar(h, &["daemon"]);
        assert!(text(&o).contains("installed: "), "{}", text(&o));
        let o = khabar(h, &["daemon", "--uninstall"]);
        assert!(o.status.success());
        assert!(!timer.exists());
        assert!(text(&o).contains("removed "), "{}", text(&o));
        // Intervals under ten minutes are refused.
        assert!(
            !khabar(h, &["daemon", "--install", "--every", "2"])
                .status
                .success()
        );
    }

    fn with_feed(home: &Path, site: &Site) {
        std::fs::create_dir_all(home.join("data")).unwrap();
        let mut s = Store::open_in_dir(&home.join("data")).unwrap();
        s.add_feed(&site.url("/f"), None, None).unwrap();
        s.add_topic(&khabar::topics::TopicSpec::follow("Rain", "rain"), 0)
            .unwrap();
    }

    /// Route tables with (or without) a default route.
    fn net(home: &Path, online: bool) -> String {
        let dir = home.join(format!("net-{online}"));
        std::fs::create_dir_all(&dir).unwrap();
        let mut route =
            "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\n".to_string();
        if online {
            route.push_str("eth0\t00000000\t0102A8C0\t0003\t0\t0\t100\t00000000\n");
        }
        std::fs::write(dir.join("route"), route).unwrap();
        std::fs::write(dir.join("ipv6_route"), "").unwrap();
        dir.to_string_lossy().into_owned()
    }

    #[test]
    fn poll_background_offline_busy_and_polling() {
        let site = Site::new();
        site.feed("/f", RSS, rss("Outlet", &[("1", "Rain in the hills", "")]));
        let home = tempfile::tempdir().unwrap();
        let h = home.path();
        with_feed(h, &site);
        let power = h.join("no-power-supply");
        let power = power.to_str().unwrap();

        let offline = net(h, false);
        let args = |n: &str| {
            vec![
                "poll".to_string(),
                "--background".into(),
                "--proc-net".into(),
                n.to_string(),
                "--power-supply".into(),
                power.to_string(),
            ]
        };
        let run = |n: &str| {
            let a = args(n);
            khabar(h, &a.iter().map(String::as_str).collect::<Vec<_>>())
        };
        let o = run(&offline);
        assert!(o.status.success());
        assert!(text(&o).contains("no request made"), "{}", text(&o));
        assert_eq!(site.hits("/f"), 0);

        // The window (or a poll started by hand) is polling: skipped.
        let online = net(h, true);
        let lock = PollLock::try_acquire(&h.join("data")).unwrap().unwrap();
        let o = run(&online);
        assert!(o.status.success());
        assert!(text(&o).contains("another poll is running"), "{}", text(&o));
        assert_eq!(site.hits("/f"), 0);
        drop(lock);

        let o = run(&online);
        assert!(o.status.success(), "{}", text(&o));
        assert_eq!(site.hits("/f"), 1);
        let t = text(&o);
        assert!(t.contains("1 new items"), "{t}");
        assert!(
            t.contains("Followed topics: 1 new in Rain: Rain in the hills"),
            "{t}"
        );
    }
}

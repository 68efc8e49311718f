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

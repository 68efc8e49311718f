//! Sync in the background service (no window) against our loopback Fever
//! fixture server: a sync on command and on the poll schedule reports each
//! account's state; a server error is reported in plain words and keeps
//! the stored items; adding an account checks the password first (a
//! refused one adds nothing) and removing one keeps its feeds.

mod sync_fixture;

use std::sync::mpsc::Receiver;
use std::time::Duration;

use khabar::service::{Command, Event, Password, ServiceConfig, SyncSetup};
use khabar::store::Store;
use khabar::store::sync::AccountKind;
use khabar::sync::accounts::{self, Secrets};
use khabar::sync::status::AccountStatus;
use sync_fixture::{EMAIL, Fault, FeverServer, PASSWORD, options};

fn spawn(dir: &std::path::Path, poll_on_start: bool) -> khabar::service::ServiceHandle {
    khabar::service::spawn(
        ServiceConfig {
            data_dir: dir.to_path_buf(),
            poll_on_start,
            fetch: khabar::fetch::FetchConfig::default(),
            articles: false,
            sync: SyncSetup {
                options: options(),
                keyring: false,
            },
        },
        Box::new(|| {}),
    )
    .unwrap()
}

fn wait_for(events: &Receiver<Event>, what: impl Fn(&Event) -> bool) -> Event {
    loop {
        match events.recv_timeout(Duration::from_secs(30)) {
            Ok(e) if what(&e) => return e,
            Ok(_) => {}
            Err(e) => panic!("no such event: {e}"),
        }
    }
}

/// The next state list in which no sync runs and `done` holds.
fn settled(events: &Receiver<Event>, done: impl Fn(&AccountStatus) -> bool) -> Vec<AccountStatus> {
    match wait_for(
        events,
        |e| matches!(e, Event::SyncStatus(l) if !l.is_empty() && l.iter().all(|a| !a.running && done(a))),
    ) {
        Event::SyncStatus(l) => l,
        _ => unreachable!(),
    }
}

#[test]
fn background_sync_reports_state_and_errors_in_plain_words() {
    let dir = tempfile::tempdir().unwrap();
    let srv = FeverServer::start();
    {
        let store = Store::open_in_dir(dir.path()).unwrap();
        accounts::add_account(
            &store,
            &Secrets::files_only(dir.path()),
            AccountKind::Fever,
            &srv.url(),
            EMAIL,
            PASSWORD,
        )
        .unwrap();
    }
    // The scheduled poll at start syncs too.
    let service = spawn(dir.path(), true);
    let first = wait_for(&service.events, |e| matches!(e, Event::SyncStatus(_)));
    let Event::SyncStatus(first) = first else {
        unreachable!()
    };
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].url, srv.url());
    wait_for(
        &service.events,
        |e| matches!(e, Event::SyncStatus(l) if l.iter().any(|a| a.running)),
    );
    let l = settled(&service.events, |a| a.last_success.is_some());
    assert_eq!(l[0].error, None);
    let ro = Store::open_read_only(&dir.path().join("khabar.sqlite3")).unwrap();
    assert_eq!(ro.item_count().unwrap(), 5);

    // A server error: plain words, the full cause, nothing lost.
    srv.state.lock().unwrap().fault = Some((String::new(), Fault::Status(500)));
    service.send(Command::SyncNow);
    let l = settled(&service.events, |a| a.error.is_some());
    assert_eq!(l[0].error.as_deref(), Some("server error 500"));
    let detail = l[0].detail.as_deref().unwrap();
    assert!(
        detail.contains(&srv.url()) && detail.contains("500"),
        "{detail}"
    );
    assert!(l[0].last_success.is_some(), "the last good sync is kept");
    assert_eq!(ro.item_count().unwrap(), 5);

    // A web page instead of the API.
    srv.state.lock().unwrap().fault = Some((String::new(), Fault::Html));
    service.send(Command::SyncNow);
    let l = settled(&service.events, |a| {
        a.error.as_deref() != Some("server error 500")
    });
    assert_eq!(
        l[0].error.as_deref(),
        Some("server answered with a web page, not the API")
    );

    // Well again: new items come, the error goes.
    {
        let mut s = srv.state.lock().unwrap();
        s.fault = None;
        s.add_items(11, 2);
    }
    service.send(Command::SyncNow);
    let l = settled(&service.events, |a| a.error.is_none());
    assert!(l[0].last_success.is_some());
    assert_eq!(ro.item_count().unwrap(), 7);
}

#[test]
fn accounts_are_added_checked_and_removed_through_the_service() {
    let dir = tempfile::tempdir().unwrap();
    let srv = FeverServer::start();
    let service = spawn(dir.path(), false);

    // A refused password adds nothing and says so in plain words.
    service.send(Command::AddAccount {
        kind: AccountKind::Fever,
        url: srv.url(),
        username: EMAIL.into(),
        password: Password("not the password".into()),
    });
    let e = wait_for(&service.events, |e| {
        matches!(e, Event::AccountRefused { .. } | Event::AccountAdded { .. })
    });
    let Event::AccountRefused {
        url,
        username,
        reason,
        detail,
    } = e
    else {
        panic!("added with a wrong password: {e:?}")
    };
    assert_eq!(
        (url.as_str(), username.as_str()),
        (srv.url().as_str(), EMAIL)
    );
    assert_eq!(reason, "wrong user name or password");
    assert!(detail.contains(&srv.url()), "{detail}");
    let ro = Store::open_read_only(&dir.path().join("khabar.sqlite3")).unwrap();
    assert!(ro.accounts().unwrap().is_empty());
    assert!(
        !format!("{:?}", Password("secret words".into())).contains("secret"),
        "a password never shows in a debug print"
    );

    // The right one: added, kept in a 0600 file, synced at once.
    service.send(Command::AddAccount {
        kind: AccountKind::Fever,
        url: srv.url(),
        username: EMAIL.into(),
        password: Password(PASSWORD.into()),
    });
    wait_for(&service.events, |e| matches!(e, Event::AccountAdded { .. }));
    let l = settled(&service.events, |a| a.last_success.is_some());
    assert_eq!(l.len(), 1);
    let account = ro.accounts().unwrap().remove(0);
    assert_eq!(
        Secrets::files_only(dir.path()).load(&account).unwrap(),
        PASSWORD
    );
    assert_eq!(ro.item_count().unwrap(), 5);

    // Removed: the password goes, the feeds and items stay.
    service.send(Command::RemoveAccount(account.id));
    wait_for(
        &service.events,
        |e| matches!(e, Event::SyncStatus(l) if l.is_empty()),
    );
    assert!(ro.accounts().unwrap().is_empty());
    assert!(
        Secrets::files_only(dir.path()).load(&account).is_err()
            || std::env::var_os(accounts::PASSWORD_ENV).is_some()
    );
    assert_eq!(ro.item_count().unwrap(), 5);
}

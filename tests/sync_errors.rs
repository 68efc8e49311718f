//! Fever sync against our loopback fixture server (tests/sync_fixture):
//! a full round trip, and every bad answer the issue names: a wrong
//! password, HTML, 500s, truncated JSON, 10,000 items in one answer, item
//! ids that disappear, and an outage. Each is a clear error and loses
//! nothing stored locally (items, flags, the outbox).

mod sync_fixture;

use std::sync::{Arc, Mutex};

use khabar::model::ItemId;
use khabar::poller::Poller;
use khabar::store::HeadlineFilter;
use khabar::store::sync::{Account, AccountKind, Mark};
use khabar::sync::{SyncError, SyncReport, sync_account_blocking};
use sync_fixture::{EMAIL, Fault, FeverServer, PASSWORD, State, options, poller};

fn account(p: &mut Poller, url: &str) -> Account {
    let s = p.store();
    let id = s.add_account(AccountKind::Fever, url, EMAIL).unwrap();
    s.account(id).unwrap()
}

fn sync(p: &mut Poller, a: &Account, password: &str) -> Result<SyncReport, SyncError> {
    sync_account_blocking(p, a, password, &options(), &mut |_| {})
}

fn item_of(p: &mut Poller, a: &Account, remote: i64) -> ItemId {
    p.store()
        .synced_item(a.id, &remote.to_string())
        .unwrap()
        .unwrap_or_else(|| panic!("remote item {remote} not stored"))
}

fn flags(p: &mut Poller, id: ItemId) -> (bool, bool) {
    let i = p.store().item(id).unwrap();
    (i.read, i.starred)
}

fn outbox_len(p: &mut Poller, a: &Account) -> usize {
    p.store().outbox(a.id).unwrap().len()
}

#[test]
fn first_pull_push_and_pull_of_server_marks() {
    let dir = tempfile::tempdir().unwrap();
    let srv = FeverServer::start();
    let mut p = poller(dir.path());
    let a = account(&mut p, &srv.url());

    let r = sync(&mut p, &a, PASSWORD).unwrap();
    assert_eq!((r.feeds, r.new_feeds, r.new_items), (2, 2, 5), "{r:?}");
    let feeds = p.store().feeds().unwrap();
    let gazette = feeds
        .iter()
        .find(|f| f.title.as_deref() == Some("The Invented Gazette"))
        .unwrap();
    assert_eq!(gazette.folder.as_deref(), Some("Harbour news"));
    assert!(
        p.store().due_feeds(i64::MAX).unwrap().is_empty(),
        "synced feeds are not polled"
    );
    let one = item_of(&mut p, &a, 1);
    let two = item_of(&mut p, &a, 2);
    assert_eq!(flags(&mut p, one), (true, false));
    assert_eq!(flags(&mut p, two), (false, true));
    // Searchable like any polled item (the same writer).
    let hits = p
        .store()
        .headline_ids(&HeadlineFilter {
            search: Some("harbour".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(hits.len(), 5);

    // Local marks go out, in order; the server's own marks come back.
    p.store().mark_items(&[one], Mark::Unread).unwrap();
    p.store().mark_items(&[two], Mark::Unstar).unwrap();
    p.store().mark_items(&[two], Mark::Read).unwrap();
    assert_eq!(outbox_len(&mut p, &a), 3);
    {
        let mut s = srv.state.lock().unwrap();
        s.read.insert(5);
        s.saved.insert(4);
        s.add_items(10, 2);
    }
    let r = sync(&mut p, &a, PASSWORD).unwrap();
    assert_eq!((r.pushed, r.new_items, r.new_feeds), (3, 2, 0), "{r:?}");
    assert_eq!(outbox_len(&mut p, &a), 0);
    {
        let s = srv.state.lock().unwrap();
        assert_eq!(
            s.marks,
            [
                ("1".to_string(), "unread".to_string()),
                ("2".to_string(), "unsaved".to_string()),
                ("2".to_string(), "read".to_string())
            ]
        );
        assert!(!s.read.contains(&1) && s.read.contains(&2) && !s.saved.contains(&2));
    }
    assert_eq!(flags(&mut p, one), (false, false));
    assert_eq!(flags(&mut p, two), (true, false));
    let five = item_of(&mut p, &a, 5);
    let four = item_of(&mut p, &a, 4);
    assert_eq!(flags(&mut p, five), (true, false));
    assert_eq!(flags(&mut p, four), (false, true));
    assert_eq!(p.store().item_count().unwrap(), 7);
    // Pulled marks were not echoed into the outbox.
    assert_eq!(outbox_len(&mut p, &a), 0);
    // Incremental: the next pull asks for items after the highest id.
    let r = sync(&mut p, &a, PASSWORD).unwrap();
    assert_eq!((r.pushed, r.new_items, r.state_changes), (0, 0, 0), "{r:?}");
    let last_items = srv
        .state
        .lock()
        .unwrap()
        .log
        .iter()
        .filter(|c| c.as_str() == "items")
        .count();
    assert!(last_items >= 3);
    let acc = p.store().account(a.id).unwrap();
    assert_eq!(acc.cursor.as_deref(), Some("7"));
    assert!(acc.last_sync_at.is_some() && acc.last_error.is_none());
}

#[test]
fn a_wrong_password_is_named_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let srv = FeverServer::start();
    let mut p = poller(dir.path());
    let a = account(&mut p, &srv.url());
    sync(&mut p, &a, PASSWORD).unwrap();
    let one = item_of(&mut p, &a, 1);
    p.store().mark_items(&[one], Mark::Star).unwrap();
    let e = sync(&mut p, &a, "not the password").unwrap_err();
    assert!(matches!(e, SyncError::Auth { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains(&srv.url()) && msg.contains("refused the user name or password"),
        "{msg}"
    );
    assert_eq!(outbox_len(&mut p, &a), 1);
    assert_eq!(p.store().item_count().unwrap(), 5);
    assert_eq!(flags(&mut p, one), (true, true));
    let acc = p.store().account(a.id).unwrap();
    assert_eq!(acc.last_error.as_deref(), Some(msg.as_str()));
}

/// Syncs once, marks locally, turns `fault` on for `command` and syncs
/// again: the error must name the server and nothing local may change.
fn fault_keeps_everything(command: &str, fault: Fault) -> SyncError {
    let dir = tempfile::tempdir().unwrap();
    let srv = FeverServer::start();
    let mut p = poller(dir.path());
    let a = account(&mut p, &srv.url());
    sync(&mut p, &a, PASSWORD).unwrap();
    let three = item_of(&mut p, &a, 3);
    p.store().mark_items(&[three], Mark::Read).unwrap();
    {
        let mut s = srv.state.lock().unwrap();
        s.add_items(11, 3);
        s.fault = Some((command.to_string(), fault));
    }
    let e = sync(&mut p, &a, PASSWORD).unwrap_err();
    assert!(e.to_string().contains(&srv.url()), "names the server: {e}");
    assert!(p.store().item_count().unwrap() >= 5);
    assert_eq!(flags(&mut p, three), (true, false));
    if command.is_empty() || command == "mark" {
        assert_eq!(outbox_len(&mut p, &a), 1, "the mark waits: {e}");
    }
    // Once the server is well again, the sync completes.
    srv.state.lock().unwrap().fault = None;
    let r = sync(&mut p, &a, PASSWORD).unwrap();
    assert_eq!(outbox_len(&mut p, &a), 0);
    assert_eq!(p.store().item_count().unwrap(), 8, "{r:?}");
    assert!(srv.state.lock().unwrap().read.contains(&3));
    e
}

#[test]
fn an_html_answer_is_a_clear_error() {
    let e = fault_keeps_everything("", Fault::Html);
    assert!(matches!(e, SyncError::Html { .. }), "{e:?}");
    assert!(e.to_string().contains("web page"), "{e}");
}

#[test]
fn server_errors_keep_the_outbox() {
    let e = fault_keeps_everything("", Fault::Status(500));
    assert!(matches!(e, SyncError::Status { code: 500, .. }), "{e:?}");
    assert!(e.to_string().contains("500 Internal Server Error"), "{e}");
    // A 500 only on marks: the pull does not run over the waiting mark.
    fault_keeps_everything("mark", Fault::Status(503));
}

#[test]
fn truncated_json_is_a_clear_error() {
    let e = fault_keeps_everything("items", Fault::Truncated);
    assert!(matches!(e, SyncError::BadAnswer { .. }), "{e:?}");
    assert!(e.to_string().contains("cut short"), "{e}");
    let e = fault_keeps_everything("unread_item_ids", Fault::Truncated);
    assert!(e.to_string().contains("cut short"), "{e}");
}

#[test]
fn ten_thousand_items_in_one_answer() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = FeverServer::seed();
    state.page = 0;
    state.add_items(10, 10_000 - 5);
    for id in (1..=10_000).step_by(3) {
        state.read.insert(id);
    }
    let srv = FeverServer::start_on(0, Arc::new(Mutex::new(state)));
    let mut p = poller(dir.path());
    let a = account(&mut p, &srv.url());
    let r = sync(&mut p, &a, PASSWORD).unwrap();
    assert_eq!(r.new_items, 10_000, "{r:?}");
    assert_eq!(p.store().item_count().unwrap(), 10_000);
    let (_, unread, _, _) = p.store().counts(0).unwrap();
    assert_eq!(unread, 10_000 - 3334);
    assert_eq!(
        p.store().account(a.id).unwrap().cursor.as_deref(),
        Some("10000")
    );
}

#[test]
fn item_ids_that_disappear() {
    let dir = tempfile::tempdir().unwrap();
    let srv = FeverServer::start();
    let mut p = poller(dir.path());
    let a = account(&mut p, &srv.url());
    sync(&mut p, &a, PASSWORD).unwrap();
    let two = item_of(&mut p, &a, 2);
    let four = item_of(&mut p, &a, 4);
    p.store().mark_items(&[two, four], Mark::Read).unwrap();
    {
        // The server forgets items 2 and 3 (pruned), and lists ids we
        // never saw.
        let mut s = srv.state.lock().unwrap();
        s.items.remove(&2);
        s.items.remove(&3);
        s.saved.insert(999);
    }
    let r = sync(&mut p, &a, PASSWORD).unwrap();
    assert_eq!((r.pushed, r.dropped), (1, 1), "{r:?}");
    assert_eq!(
        outbox_len(&mut p, &a),
        0,
        "a mark that can never go is dropped"
    );
    // Local copies stay, with their text.
    assert_eq!(p.store().item_count().unwrap(), 5);
    assert!(p.store().item(two).unwrap().content.is_some());
    assert!(srv.state.lock().unwrap().read.contains(&4));
}

#[test]
fn an_outage_in_the_middle_keeps_the_outbox_until_the_server_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let state: Arc<Mutex<State>> = Arc::new(Mutex::new(FeverServer::seed()));
    let srv = FeverServer::start_on(0, state.clone());
    let port = srv.server.addr().port();
    let url = srv.url();
    let mut p = poller(dir.path());
    let a = account(&mut p, &url);
    sync(&mut p, &a, PASSWORD).unwrap();
    let one = item_of(&mut p, &a, 1);
    let five = item_of(&mut p, &a, 5);
    // Offline: marks are made, the server is gone.
    drop(srv);
    p.store().mark_items(&[one], Mark::Unread).unwrap();
    p.store().mark_items(&[five], Mark::Star).unwrap();
    let e = sync(&mut p, &a, PASSWORD).unwrap_err();
    assert!(e.is_unreachable(), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("cannot reach the sync server") && msg.contains(&url),
        "{msg}"
    );
    assert_eq!(outbox_len(&mut p, &a), 2);
    assert_eq!(flags(&mut p, one), (false, false));
    // The server comes back on the same address, having changed meanwhile.
    state.lock().unwrap().saved.insert(3);
    let _srv = FeverServer::start_on(port, state.clone());
    let r = sync(&mut p, &a, PASSWORD).unwrap();
    assert_eq!(r.pushed, 2, "{r:?}");
    let s = state.lock().unwrap();
    assert!(!s.read.contains(&1) && s.saved.contains(&5));
    drop(s);
    let three = item_of(&mut p, &a, 3);
    assert_eq!(flags(&mut p, three), (false, true));
    assert_eq!(flags(&mut p, five), (false, true));
    assert!(p.store().account(a.id).unwrap().last_error.is_none());
}

#[test]
fn fever_pages_of_fifty_are_pulled_until_none_are_left() {
    // Fever answers at most 50 items per call: the pull asks again with
    // the highest id seen until an answer is empty.
    let dir = tempfile::tempdir().unwrap();
    let srv = FeverServer::start();
    srv.state.lock().unwrap().add_items(11, 1_000 - 5);
    let mut p = poller(dir.path());
    let a = account(&mut p, &srv.url());
    let r = sync(&mut p, &a, PASSWORD).unwrap();
    assert_eq!(r.new_items, 1_000, "{r:?}");
    assert_eq!(p.store().item_count().unwrap(), 1_000);
    let calls = srv
        .state
        .lock()
        .unwrap()
        .log
        .iter()
        .filter(|c| c.as_str() == "items")
        .count();
    assert_eq!(calls, 1_000 / 50 + 1, "20 full pages and an empty one");
    assert_eq!(
        p.store().account(a.id).unwrap().cursor.as_deref(),
        Some("1000")
    );
    // The next sync asks once, after the last id, and gets nothing new.
    let r = sync(&mut p, &a, PASSWORD).unwrap();
    assert_eq!(r.new_items, 0, "{r:?}");
}

#[test]
fn ten_thousand_new_items_keep_what_was_stored_and_marked_locally() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = FeverServer::seed();
    state.page = 0;
    let srv = FeverServer::start_on(0, Arc::new(Mutex::new(state)));
    let mut p = poller(dir.path());
    let a = account(&mut p, &srv.url());
    sync(&mut p, &a, PASSWORD).unwrap();
    let one = item_of(&mut p, &a, 1);
    let three = item_of(&mut p, &a, 3);
    let four = item_of(&mut p, &a, 4);
    let text_before = p.store().item(one).unwrap().content;
    p.store().mark_items(&[three], Mark::Read).unwrap();
    p.store().mark_items(&[four], Mark::Star).unwrap();
    // 9,995 new items in one answer.
    srv.state.lock().unwrap().add_items(11, 10_000 - 5);
    let r = sync(&mut p, &a, PASSWORD).unwrap();
    assert_eq!((r.new_items, r.pushed), (10_000 - 5, 2), "{r:?}");
    assert_eq!(p.store().item_count().unwrap(), 10_000);
    assert_eq!(flags(&mut p, one), (true, false));
    assert_eq!(flags(&mut p, three), (true, false));
    assert_eq!(flags(&mut p, four), (false, true));
    assert_eq!(p.store().item(one).unwrap().content, text_before);
    assert!(text_before.is_some());
    assert_eq!(outbox_len(&mut p, &a), 0);
    let s = srv.state.lock().unwrap();
    assert!(s.read.contains(&3) && s.saved.contains(&4));
}

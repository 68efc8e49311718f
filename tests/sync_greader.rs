//! Google Reader API sync against our loopback fixture server
//! (tests/sync_fixture), written from the protocol as FreshRSS and Miniflux
//! document it: no such server installs here, so this protocol is checked
//! against the fixture only.

mod sync_fixture;

use khabar::poller::Poller;
use khabar::store::sync::{Account, AccountKind, Mark};
use khabar::sync::{SyncError, SyncReport, sync_account_blocking};
use sync_fixture::{EMAIL, FeverServer, GReaderServer, PASSWORD, options, poller};

fn account(p: &mut Poller, url: &str) -> Account {
    let s = p.store();
    let id = s.add_account(AccountKind::GReader, url, EMAIL).unwrap();
    s.account(id).unwrap()
}

fn sync(p: &mut Poller, a: &Account, password: &str) -> Result<SyncReport, SyncError> {
    sync_account_blocking(p, a, password, &options(), &mut |_| {})
}

fn flags(p: &mut Poller, a: &Account, remote: i64) -> (bool, bool) {
    let id = p
        .store()
        .synced_item(a.id, &remote.to_string())
        .unwrap()
        .unwrap_or_else(|| panic!("remote item {remote} not stored"));
    let i = p.store().item(id).unwrap();
    (i.read, i.starred)
}

#[test]
fn greader_pull_push_and_server_marks_with_pages() {
    let mut state = FeverServer::seed();
    // More than one page of items (1,000 a page) and of ids.
    state.add_items(11, 2_400);
    let srv = GReaderServer::start(state);
    let dir = tempfile::tempdir().unwrap();
    let mut p = poller(dir.path());
    let a = account(&mut p, &srv.url());

    let r = sync(&mut p, &a, PASSWORD).unwrap();
    assert_eq!((r.feeds, r.new_feeds, r.new_items), (2, 2, 2_405), "{r:?}");
    let feeds = p.store().feeds().unwrap();
    let gazette = feeds
        .iter()
        .find(|f| f.title.as_deref() == Some("The Invented Gazette"))
        .unwrap();
    assert_eq!(gazette.folder.as_deref(), Some("Harbour news"));
    assert_eq!(flags(&mut p, &a, 1), (true, false));
    assert_eq!(flags(&mut p, &a, 2), (false, true));
    let one = p.store().synced_item(a.id, "1").unwrap().unwrap();
    let item = p.store().item(one).unwrap();
    assert_eq!(item.link.as_deref(), Some("http://127.0.0.1:9/articles/1"));

    // Local marks go out with edit-tag and the T token.
    let two = p.store().synced_item(a.id, "2").unwrap().unwrap();
    p.store().mark_items(&[one], Mark::Unread).unwrap();
    p.store().mark_items(&[two], Mark::Unstar).unwrap();
    {
        let mut s = srv.state.lock().unwrap();
        s.read.insert(3);
        s.saved.insert(2_000);
        s.add_items(10, 1);
    }
    let r = sync(&mut p, &a, PASSWORD).unwrap();
    assert_eq!((r.pushed, r.new_items), (2, 1), "{r:?}");
    {
        let s = srv.state.lock().unwrap();
        assert!(!s.read.contains(&1) && !s.saved.contains(&2));
        assert_eq!(s.marks.len(), 2);
    }
    assert_eq!(flags(&mut p, &a, 1), (false, false));
    assert_eq!(flags(&mut p, &a, 3), (true, false));
    assert_eq!(flags(&mut p, &a, 2_000), (false, true));
    assert!(p.store().outbox(a.id).unwrap().is_empty());
    assert_eq!(p.store().item_count().unwrap(), 2_406);
}

#[test]
fn greader_wrong_password_and_bad_answers_keep_everything() {
    let srv = GReaderServer::start(FeverServer::seed());
    let dir = tempfile::tempdir().unwrap();
    let mut p = poller(dir.path());
    let a = account(&mut p, &srv.url());
    sync(&mut p, &a, PASSWORD).unwrap();
    let one = p.store().synced_item(a.id, "1").unwrap().unwrap();
    p.store().mark_items(&[one], Mark::Unread).unwrap();

    let e = sync(&mut p, &a, "wrong").unwrap_err();
    assert!(matches!(e, SyncError::Auth { .. }), "{e:?}");
    assert!(e.to_string().contains(&srv.url()), "{e}");

    for (pat, fault) in [
        ("edit-tag", sync_fixture::Fault::Status(500)),
        ("subscription", sync_fixture::Fault::Html),
        ("stream/contents", sync_fixture::Fault::Truncated),
    ] {
        srv.state.lock().unwrap().fault = Some((pat.to_string(), fault));
        let e = sync(&mut p, &a, PASSWORD).unwrap_err();
        assert!(e.to_string().contains(&srv.url()), "{pat}: {e}");
        assert_eq!(p.store().item_count().unwrap(), 5, "{pat}");
        assert_eq!(flags(&mut p, &a, 1), (false, false), "{pat}");
        if pat == "edit-tag" {
            assert!(matches!(e, SyncError::Status { code: 500, .. }), "{e:?}");
            assert_eq!(
                p.store().outbox(a.id).unwrap().len(),
                1,
                "the failed mark waits"
            );
        }
    }
    // The mark went out with the next sync that could send it.
    assert!(p.store().outbox(a.id).unwrap().is_empty());
    assert!(!srv.state.lock().unwrap().read.contains(&1));
    srv.state.lock().unwrap().fault = None;
    let r = sync(&mut p, &a, PASSWORD).unwrap();
    assert_eq!(r.new_items, 0, "{r:?}");
}

//! Settings → Accounts and the status bar's sync state, driven through
//! AccessKit with egui_kittest, with the real service thread syncing
//! against our loopback Fever fixture server (tests/sync_fixture).

mod sync_fixture;

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use khabar::service::{ServiceConfig, SyncSetup};
use khabar::store::Store;
use khabar::ui::{KhabarApp, Prefs};
use sync_fixture::{EMAIL, FeverServer, PASSWORD, options};

fn harness(app: KhabarApp) -> Harness<'static, KhabarApp> {
    Harness::builder()
        .with_size([1280.0, 800.0])
        .with_context_setup(khabar::ui::install_fonts)
        .build_ui_state(|ui, app: &mut KhabarApp| app.ui(ui), app)
}

/// Runs frames until `done` holds (the service answers on its own thread).
fn run_until(h: &mut Harness<'static, KhabarApp>, what: &str, done: impl Fn(&KhabarApp) -> bool) {
    // Steps, not `run`: the dialog shows a spinner while the service checks
    // the password, and a spinner repaints every frame.
    for _ in 0..400 {
        h.run_steps(2);
        if done(h.state()) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    panic!("timed out waiting for {what}");
}

/// An empty store and a window with the real service over it.
fn window(dir: &std::path::Path) -> Harness<'static, KhabarApp> {
    Store::open_in_dir(dir).unwrap();
    let service = khabar::service::spawn(
        ServiceConfig {
            data_dir: dir.to_path_buf(),
            poll_on_start: false,
            fetch: khabar::fetch::FetchConfig::default(),
            articles: false,
            sync: SyncSetup {
                options: options(),
                keyring: false,
            },
        },
        Box::new(|| {}),
    )
    .unwrap();
    let ro = Store::open_read_only(&dir.join("khabar.sqlite3")).unwrap();
    harness(KhabarApp::new(Some(ro), Some(service), Prefs::default()))
}

fn type_into(h: &mut Harness<'static, KhabarApp>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run();
    h.get_by_label(label).type_text(text);
    h.run();
}

#[test]
fn adding_refusing_and_removing_an_account_in_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let srv = FeverServer::start();
    let mut h = window(dir.path());
    h.run();
    h.get_by_label("Settings").click();
    h.run();
    h.get_by_label("Accounts…").click();
    h.run();
    h.get_by_label("No accounts yet.");
    assert!(h.get_by_label("Add account").accesskit_node().is_disabled());
    type_into(&mut h, "Server address", &srv.url());
    type_into(&mut h, "User", EMAIL);
    type_into(&mut h, "Password", "not the password");
    h.get_by_label("Add account").click();
    run_until(&mut h, "the refusal", |a| a.accounts.refused.is_some());
    h.run();
    // In plain words, and the form keeps everything typed.
    h.get_by_label("Not added: wrong user name or password");
    let a = &h.state().accounts;
    assert_eq!(a.url, srv.url());
    assert_eq!(a.username, EMAIL);
    assert_eq!(a.password, "not the password");
    assert!(a.list.is_empty());
    // The password field shows no password.
    assert!(h.query_by_label_contains("not the password").is_none());

    // Fix the password: added, the form empties, the first sync runs.
    h.state_mut().accounts.password = PASSWORD.to_string();
    h.run();
    h.get_by_label("Add account").click();
    run_until(&mut h, "the synced account", |a| {
        a.accounts
            .list
            .first()
            .is_some_and(|s| s.last_success.is_some() && !s.running)
    });
    h.run();
    let a = &h.state().accounts;
    assert!(a.url.is_empty() && a.username.is_empty() && a.password.is_empty());
    assert!(a.refused.is_none());
    h.get_by_label("fever");
    h.get_by_label(&srv.url());
    h.get_by_label("Synced just now");
    // The status bar names the server.
    let host = khabar::sync::status::host_of(&srv.url());
    h.get_by_label(&format!("Synced just now with {host}"));
    // The synced feeds are in the sidebar.
    run_until(&mut h, "the synced feeds", |a| a.feeds.len() == 2);

    // Sync now, then remove (with a confirmation).
    // Steps, not `run`: the grid re-measures its columns over several
    // frames when a cell changes ("Syncing…", "Remove for good"), which can
    // take `run` past its settling limit.
    h.get_by_label("Sync now").click();
    h.run_steps(2);
    run_until(&mut h, "the sync to end", |a| {
        !a.accounts.list.iter().any(|s| s.running)
    });
    h.run_steps(8);
    h.get_by_label("Remove").click();
    h.run_steps(8);
    h.get_by_label("Remove for good").click();
    run_until(&mut h, "the removal", |a| a.accounts.list.is_empty());
    h.run_steps(2);
    h.get_by_label("No accounts yet.");
    assert!(h.query_by_label_contains("Synced just now with").is_none());
    // Its feeds stay.
    assert_eq!(h.state().feeds.len(), 2);
}

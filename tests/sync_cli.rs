//! `khabar sync` and `khabar mark` from the command line, against the
//! Fever fixture server (tests/sync_fixture): accounts added with the
//! password from the environment or standard input (never argv), listed
//! and removed; a sync; marks; and an unreachable server, which exits
//! non-zero naming the server and keeps the outbox.

mod sync_fixture;

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use sync_fixture::{EMAIL, FeverServer, PASSWORD};

fn khabar(data: &std::path::Path, args: &[&str], password: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_khabar"));
    c.arg("--data-dir")
        .arg(data)
        .args(args)
        .env("KHABAR_NO_KEYRING", "1");
    c.env_remove("KHABAR_SYNC_PASSWORD");
    if let Some(p) = password {
        c.env("KHABAR_SYNC_PASSWORD", p);
    }
    c.output().unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn sync_accounts_marks_and_an_unreachable_server_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let srv = FeverServer::start();
    let url = srv.url();

    // No password given: refused, nothing added.
    let o = khabar(d, &["sync", "add", "fever", &url, "--user", EMAIL], None);
    assert!(!o.status.success());
    assert!(err(&o).contains("KHABAR_SYNC_PASSWORD"), "{}", err(&o));

    let o = khabar(
        d,
        &["sync", "add", "fever", &url, "--user", EMAIL],
        Some(PASSWORD),
    );
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("Added fever account"), "{}", out(&o));
    assert!(
        err(&o).contains("readable by you only"),
        "warns about the file: {}",
        err(&o)
    );
    for text in [out(&o), err(&o)] {
        assert!(!text.contains(PASSWORD), "the password is never printed");
    }

    let o = khabar(d, &["sync", "--no-articles"], None);
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("5 new items"), "{}", out(&o));

    let o = khabar(d, &["headlines", "--json"], None);
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ids: Vec<String> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].to_string())
        .collect();
    assert_eq!(ids.len(), 5);

    // Marks from the command line reach the server at the next sync.
    let o = khabar(d, &["mark", &ids[0], &ids[1], "--star"], None);
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("Marked 2 articles starred"), "{}", out(&o));
    let o = khabar(d, &["mark", "999999", "--read"], None);
    assert!(!o.status.success());
    assert!(err(&o).contains("no article 999999"), "{}", err(&o));
    let o = khabar(d, &["mark", &ids[0]], None);
    assert!(
        !o.status.success(),
        "one of --read/--unread/--star/--unstar is required"
    );

    let o = khabar(d, &["sync", "list"], None);
    assert!(out(&o).contains("2 marks waiting"), "{}", out(&o));
    let o = khabar(d, &["sync", "--json", "--no-articles"], None);
    assert!(o.status.success(), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["report"]["pushed"], 2, "{v}");
    assert_eq!(
        srv.state.lock().unwrap().saved.len(),
        3,
        "seeded one, starred two"
    );

    // The server goes away: non-zero, server and cause named, marks kept.
    drop(srv);
    let o = khabar(d, &["mark", &ids[2], "--read"], None);
    assert!(o.status.success());
    let o = khabar(d, &["sync", "--no-articles"], None);
    assert!(!o.status.success());
    let e = err(&o);
    assert!(
        e.contains("cannot reach the sync server") && e.contains(&url),
        "{e}"
    );
    assert!(e.contains("1 marks kept"), "{e}");
    let o = khabar(d, &["sync", "list", "--json"], None);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["pending"], 1, "{v}");
    assert!(v[0]["last_error"].as_str().unwrap().contains(&url), "{v}");

    // Remove: feeds and items stay.
    let o = khabar(d, &["sync", "remove", "1"], None);
    assert!(o.status.success(), "{}", err(&o));
    let o = khabar(d, &["headlines", "--json"], None);
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 5);
    assert!(!d.join("sync-passwords/account-1").exists());
}

#[test]
fn the_password_can_come_on_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let srv = FeverServer::start();
    let mut child = Command::new(env!("CARGO_BIN_EXE_khabar"))
        .arg("--data-dir")
        .arg(dir.path())
        .args([
            "sync",
            "add",
            "fever",
            &srv.url(),
            "--user",
            EMAIL,
            "--password-stdin",
        ])
        .env("KHABAR_NO_KEYRING", "1")
        .env_remove("KHABAR_SYNC_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", err(&o));
    let o = khabar(dir.path(), &["sync", "--no-articles"], None);
    assert!(o.status.success(), "{}", err(&o));
    // The file holds the password, readable by its owner only.
    let path = dir.path().join("sync-passwords/account-1");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), PASSWORD);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}

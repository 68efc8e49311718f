//! Desktop notifications for followed topics: one per poll, whoever polled
//! (the window's service, or `khabar poll` from the background timer), so
//! one poll never rings more than once.
//!
//! The text is made here (no I/O); sending goes over D-Bus with
//! `notify-rust` when the crate is built with the `notify` feature (the
//! default, through `ui`). Without it, or without a session bus, [`send`]
//! says why and the command line prints the text instead.
//!
//! Nothing here knows about egui.

/// New articles of followed topics from one poll: (topic, count, newest
/// headline), as `Store::take_new_hits` returns them.
pub type Hits = [(String, i64, String)];

/// The notification's summary and body, or `None` when nothing is new.
pub fn text(hits: &Hits) -> Option<(String, String)> {
    let (first, n, title) = hits.first()?;
    let total: i64 = hits.iter().map(|h| h.1).sum();
    if hits.len() == 1 {
        return Some((format!("{n} new in {first}"), title.clone()));
    }
    let names: Vec<String> = hits.iter().map(|(t, n, _)| format!("{t} ({n})")).collect();
    Some((
        format!("{total} new articles in {} topics", hits.len()),
        format!("{}\n{title}", names.join(", ")),
    ))
}

/// Shows one notification for `hits` and waits until the notification
/// server took it (call it off the UI thread). Nothing new, nothing shown.
pub fn send(hits: &Hits) -> Result<(), String> {
    let Some((summary, body)) = text(hits) else {
        return Ok(());
    };
    show(&summary, &body)
}

#[cfg(feature = "notify")]
fn show(summary: &str, body: &str) -> Result<(), String> {
    notify_rust::Notification::new()
        .appname("Khabar")
        .icon("khabar")
        .summary(summary)
        .body(body)
        .show()
        .map(|_| ())
        .map_err(|e| format!("no desktop notification: {e}"))
}

#[cfg(not(feature = "notify"))]
fn show(_summary: &str, _body: &str) -> Result<(), String> {
    Err("no desktop notification: built without the `notify` feature".into())
}

#[cfg(test)]
mod tests {
    use super::text;

    #[test]
    fn one_notification_names_every_topic() {
        assert_eq!(text(&[]), None);
        let one = [("Cricket".to_string(), 2, "Final tonight".to_string())];
        assert_eq!(
            text(&one),
            Some(("2 new in Cricket".into(), "Final tonight".into()))
        );
        let two = [
            ("Cricket".to_string(), 2, "Final tonight".to_string()),
            ("Rain".to_string(), 1, "Floods".to_string()),
        ];
        assert_eq!(
            text(&two),
            Some((
                "3 new articles in 2 topics".into(),
                "Cricket (2), Rain (1)\nFinal tonight".into()
            ))
        );
    }
}

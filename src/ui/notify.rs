//! Desktop notifications: one per poll for new hits of followed topics.

/// Shows one desktop notification for the new hits of a poll, on a
/// thread (the D-Bus call may take a moment). Where there is no
/// notification service the error is dropped: notifications are off.
pub fn notify(hits: &[(String, i64, String)]) {
    let Some((first, n, title)) = hits.first() else {
        return;
    };
    let total: i64 = hits.iter().map(|h| h.1).sum();
    let summary = if hits.len() == 1 {
        format!("{n} new in {first}")
    } else {
        format!("{total} new articles in {} topics", hits.len())
    };
    let mut body = title.clone();
    if hits.len() > 1 {
        let names: Vec<String> = hits.iter().map(|(t, n, _)| format!("{t} ({n})")).collect();
        body = format!("{}\n{title}", names.join(", "));
    }
    let _ = std::thread::Builder::new()
        .name("khabar-notify".into())
        .spawn(move || {
            let _ = notify_rust::Notification::new()
                .appname("Khabar")
                .summary(&summary)
                .body(&body)
                .show();
        });
}

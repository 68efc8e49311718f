//! Opening the window: `khabar` with no subcommand, `khabar --demo`, and
//! `khabar subscribe LINK` (the add-feed dialog filled in).

use std::process::ExitCode;

use anyhow::Result;

use super::Ctx;

/// Open the window (on the demo newsroom with `--demo`), optionally with the
/// add-feed dialog filled with `subscribe`.
#[cfg(feature = "ui")]
pub fn open(ctx: &Ctx, subscribe: Option<String>) -> Result<ExitCode> {
    use anyhow::Context as _;
    use clap::ValueEnum as _;

    use super::args::Theme;

    let w = &ctx.window;
    let scene = || khabar::ui::Scene {
        subscribe: subscribe.clone(),
        demo: w.demo,
        topic: w.show_topic.clone(),
        open: w.open.clone(),
        dark: w.theme.map(|t| t == Theme::Dark),
        dialog: w
            .dialog
            .and_then(|d| d.to_possible_value().map(|v| v.get_name().to_string())),
    };
    if w.demo {
        let demo = khabar::demo::Demo::start().context("cannot start the demo newsroom")?;
        eprintln!(
            "Demo newsroom at {} (profile {})",
            demo.origin(),
            demo.data_dir.display()
        );
        khabar::ui::run(demo.data_dir.clone(), "Khabar demo", scene())
            .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))?;
        return Ok(ExitCode::SUCCESS);
    }
    let dir = ctx.dir()?;
    // One window per store: a window already running on this store gets the
    // request (come to the front, or the add-feed dialog filled in) and this
    // process exits without opening the store.
    let request = match &subscribe {
        Some(url) => khabar::instance::Request::Subscribe(url.clone()),
        None => khabar::instance::Request::Raise,
    };
    let primary = match khabar::instance::claim(&dir, &request)? {
        khabar::instance::Claim::HandedOver => {
            eprintln!(
                "Khabar is already open on {}: {}",
                dir.display(),
                match &request {
                    khabar::instance::Request::Raise => "brought it to the front".to_string(),
                    khabar::instance::Request::Subscribe(url) => {
                        format!("asked it to subscribe to {url}")
                    }
                }
            );
            return Ok(ExitCode::SUCCESS);
        }
        khabar::instance::Claim::First(primary) => primary,
    };
    khabar::ui::run_with(dir, "Khabar", scene(), Some(primary))
        .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

/// Without the `ui` feature there is no window to open.
#[cfg(not(feature = "ui"))]
pub fn open(ctx: &Ctx, subscribe: Option<String>) -> Result<ExitCode> {
    let _ = (&ctx.window, subscribe);
    anyhow::bail!(
        "this khabar was built without the window (cargo feature `ui`); use a subcommand, see --help"
    )
}

//! Scale benchmark for the window, headless (egui_kittest, no GPU): over a
//! store made by `gen_store` (1,000,000 articles), measures launch to first
//! frame, time until the full headline list is loaded, CPU time of our UI
//! code per frame while scrolling the headlines, and peak memory.
//!
//! ```sh
//! cargo run --release --example gen_store -- /tmp/big 1000000
//! cargo run --release --example bench_ui -- /tmp/big
//! ```

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use khabar::store::Store;
use khabar::ui::{KhabarApp, Prefs};

fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
        })
        .unwrap_or(0.0)
        / 1024.0
}

fn main() {
    let start = Instant::now();
    let dir =
        std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "/tmp/big".into()));
    let db = dir.join(khabar::store::DB_FILE);
    // Migrations (if any) as the window's start-up does them.
    if let Err(e) = Store::open(&db) {
        eprintln!("cannot open {}: {e}", db.display());
        std::process::exit(2);
    }
    let Ok(ro) = Store::open_read_only(&db) else {
        eprintln!("cannot open {} read-only", db.display());
        std::process::exit(2);
    };
    let mut app = KhabarApp::new(Some(ro), None, Prefs::default());
    app.db_path = Some(db.clone());
    app.sync_queries = false;

    let ui_time = Rc::new(Cell::new(Duration::ZERO));
    let t = ui_time.clone();
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .with_context_setup(khabar::ui::install_fonts)
        .build_ui_state(
            move |ui, app: &mut KhabarApp| {
                let s = Instant::now();
                app.ui(ui);
                t.set(t.get() + s.elapsed());
            },
            app,
        );
    h.step();
    println!(
        "launch to first frame: {:.0} ms (headless, store open + sidebar + first layout)",
        start.elapsed().as_secs_f64() * 1e3
    );
    let wait = Instant::now();
    while h.state().headline_count() == 0 && wait.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(5));
        h.step();
    }
    println!(
        "headline list loaded: {} ids after {:.0} ms from launch",
        h.state().headline_count(),
        start.elapsed().as_secs_f64() * 1e3
    );
    // Scroll: wheel events over the headline pane, one per frame.
    let frames = 300;
    let mut per_frame = Vec::with_capacity(frames);
    for i in 0..frames {
        let dy = if i < 200 { -120.0 } else { -4000.0 };
        h.event(egui::Event::PointerMoved(egui::pos2(450.0, 400.0)));
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, dy),
            modifiers: Default::default(),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
        });
        ui_time.set(Duration::ZERO);
        h.step();
        per_frame.push(ui_time.get().as_secs_f64() * 1e3);
    }
    per_frame.sort_by(|a, b| a.total_cmp(b));
    let p = |q: f64| per_frame[((per_frame.len() - 1) as f64 * q) as usize];
    println!(
        "scrolling {frames} frames: our UI code per frame median {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        p(0.5),
        p(0.95),
        p(1.0)
    );
    // Jump through the list with the keyboard too.
    for _ in 0..50 {
        h.key_press(egui::Key::J);
        ui_time.set(Duration::ZERO);
        h.step();
    }
    println!("peak RSS: {:.0} MB", peak_mb());
}

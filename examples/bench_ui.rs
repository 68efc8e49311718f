//! Scale benchmark for the window, headless (egui_kittest, no GPU): over a
//! store made by `gen_store` (1,000,000 articles), measures launch to first
//! frame, time until the full headline list is loaded, CPU time of our UI
//! code per frame while scrolling the headlines, and peak memory.
//!
//! ```sh
//! cargo run --release --example gen_store -- /tmp/big 1000000
//! cargo run --release --example bench_ui -- /tmp/big
//! cargo run --release --example bench_ui -- --urdu   # a long Urdu article in the reader
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

/// A store with one long Urdu article (40 paragraphs, invented text, with
/// numbers and Latin words inside), in a temporary folder.
fn urdu_store() -> std::path::PathBuf {
    use khabar::model::{IncomingFeed, IncomingItem};
    let dir = std::env::temp_dir().join(format!("khabar-bench-urdu-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::create_dir_all(&dir);
    let Ok(mut s) = Store::open_in_dir(&dir) else {
        eprintln!("cannot create a store in {}", dir.display());
        std::process::exit(2);
    };
    let Ok(f) = s.add_feed("https://ur.example/feed", Some("اردو نیوز"), None) else {
        std::process::exit(2);
    };
    let sentences = [
        "لاہور میں کتاب میلے کے دوسرے دن بھی شہریوں کی بڑی تعداد نے شرکت کی اور 250 سے زائد سٹالز کا دورہ کیا۔",
        "منتظمین کے مطابق اس سال PTI-2 ہال میں بچوں کی کتابوں کے لیے الگ حصہ بنایا گیا ہے جہاں روزانہ کہانیاں سنائی جاتی ہیں۔",
        "ایک ناشر نے بتایا کہ 2024 کے مقابلے میں اس بار فروخت دگنی ہو گئی ہے، خاص طور پر شاعری اور تاریخ کی کتابوں کی۔",
    ];
    let body: String = (0..40)
        .map(|i| format!("<p>{} {}</p>", sentences[i % 3], sentences[(i + 1) % 3]))
        .collect();
    let now = khabar::model::now();
    let doc = IncomingFeed {
        language: Some("ur".into()),
        items: vec![IncomingItem {
            identity: "u".into(),
            title: "لاہور میں کتاب میلہ، دوسرے دن بھی رش".into(),
            link: None,
            published: Some(now - 60),
            summary: Some(body),
            ..Default::default()
        }],
        ..Default::default()
    };
    let rec = khabar::store::FetchRecord {
        fetched_at: now,
        next_check_at: now + 3600,
        validators: Default::default(),
        new_url: None,
    };
    if s.apply_feed(f, &doc, &rec).is_err() {
        std::process::exit(2);
    }
    dir
}

/// A headless harness over `app` and the time our UI code took in the
/// last frames (reset it before a frame to measure that frame).
fn timed_harness(app: KhabarApp) -> (Harness<'static, KhabarApp>, Rc<Cell<Duration>>) {
    let ui_time = Rc::new(Cell::new(Duration::ZERO));
    let t = ui_time.clone();
    let h = Harness::builder()
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
    (h, ui_time)
}

/// Scrolls with the wheel over `at`, one event per frame (`dy(frame)`
/// points), and prints the median, p95 and max of our code's time per frame.
fn scroll(
    h: &mut Harness<'static, KhabarApp>,
    ui_time: &Cell<Duration>,
    at: egui::Pos2,
    frames: usize,
    dy: impl Fn(usize) -> f32,
    what: &str,
) {
    let mut per_frame = Vec::with_capacity(frames);
    for i in 0..frames {
        h.event(egui::Event::PointerMoved(at));
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, dy(i)),
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
        "{what}, {frames} frames: our UI code per frame median {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        p(0.5),
        p(0.95),
        p(1.0)
    );
}

fn main() {
    let start = Instant::now();
    let urdu = std::env::args().nth(1).is_some_and(|a| a == "--urdu");
    if urdu {
        let dir = urdu_store();
        let db = dir.join(khabar::store::DB_FILE);
        let Ok(ro) = Store::open_read_only(&db) else {
            std::process::exit(2);
        };
        let (mut h, ui_time) = timed_harness(KhabarApp::new(Some(ro), None, Prefs::default()));
        h.step();
        h.key_press(egui::Key::J);
        h.step();
        scroll(
            &mut h,
            &ui_time,
            egui::pos2(960.0, 400.0),
            200,
            |i| if i < 100 { -60.0 } else { 60.0 },
            "scrolling a 40-paragraph Urdu article",
        );
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
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

    let (mut h, ui_time) = timed_harness(app);
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
    scroll(
        &mut h,
        &ui_time,
        egui::pos2(450.0, 400.0),
        300,
        |i| if i < 200 { -120.0 } else { -4000.0 },
        "scrolling",
    );
    // Jump through the list with the keyboard too.
    for _ in 0..50 {
        h.key_press(egui::Key::J);
        ui_time.set(Duration::ZERO);
        h.step();
    }
    println!("peak RSS: {:.0} MB", peak_mb());
}

//! Hostile pages and images: peak memory of a poll that meets them.
//!
//! Each case is one feed on 127.0.0.1 (served by `khabar::serve` in this
//! process) whose one article page carries the hostile thing: a dimension
//! bomb, a tall infographic, a 10,000-frame GIF, truncated files, an SVG, an
//! image over the 5 MB cap, a lying content type, or a page of 50,000
//! paragraphs and the like. For each case the example polls into a fresh
//! store and prints the peak RSS of the poll (the kernel's high-water mark,
//! reset before each poll), what was stored and why images were refused.
//!
//! ```sh
//! cargo run --release --example bench_hostile [-- CASE...]
//! ```
//!
//! Target: every case at most 64 MB.

use std::collections::HashMap;
use std::io::{Cursor, Write as _};
use std::sync::Arc;
use std::time::Instant;

use image::{DynamicImage, ImageFormat, RgbImage, RgbaImage};
use khabar::articles::ImageConfig;
use khabar::fetch::{FetchConfig, Fetcher};
use khabar::poller::{PollOptions, Poller};
use khabar::schedule::Policy;
use khabar::serve::{LocalServer, Reply, Request};
use khabar::store::Store;

type Routes = HashMap<String, (&'static str, Arc<Vec<u8>>)>;

/// A PNG of `w` x `h`, written row by row (never whole in memory).
fn png_stream(w: u32, h: u32, rgb: [u8; 3]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Balanced);
        let mut writer = enc.write_header().expect("png header");
        let mut stream = writer.stream_writer().expect("png stream");
        let row: Vec<u8> = (0..w).flat_map(|_| rgb).collect();
        for _ in 0..h {
            stream.write_all(&row).expect("png row");
        }
        stream.finish().expect("png end");
    }
    out
}

fn encoded(img: DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).expect("encode");
    out.into_inner()
}

fn photo(w: u32, h: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x ^ y) % 256) as u8])
    }))
}

fn gif_frames(n: usize) -> Vec<u8> {
    use image::codecs::gif::{GifEncoder, Repeat};
    let mut out = Vec::new();
    {
        let mut enc = GifEncoder::new(&mut out);
        enc.set_repeat(Repeat::Infinite).expect("gif repeat");
        for i in 0..n {
            let f = RgbaImage::from_pixel(64, 48, image::Rgba([(i % 256) as u8, 40, 90, 255]));
            enc.encode_frame(image::Frame::new(f)).expect("gif frame");
        }
    }
    out
}

fn para(i: usize) -> String {
    format!(
        "<p>Paragraph {i} of the invented report on the harbour ferry timetable, \
         with enough words to count as body text for the extractor.</p>"
    )
}

fn article_page(title: &str, body: &str) -> Vec<u8> {
    format!(
        "<!doctype html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>\
         {}{}{body}{}</article></body></html>",
        para(1),
        para(2),
        para(3)
    )
    .into_bytes()
}

struct Case {
    name: &'static str,
    routes: Routes,
    title: String,
}

fn image_case(name: &'static str, ct: &'static str, bytes: Vec<u8>) -> Case {
    let mut routes = Routes::new();
    routes.insert(
        "/page".into(),
        (
            "text/html; charset=utf-8",
            Arc::new(article_page(
                &format!("Case {name}"),
                "<figure><img src=\"/img\" alt=\"the picture\"></figure>",
            )),
        ),
    );
    routes.insert("/img".into(), (ct, Arc::new(bytes)));
    Case {
        name,
        routes,
        title: format!("Case {name}"),
    }
}

fn page_case(name: &'static str, title: String, body: String) -> Case {
    let mut routes = Routes::new();
    routes.insert(
        "/page".into(),
        (
            "text/html; charset=utf-8",
            Arc::new(article_page(&title, &body)),
        ),
    );
    Case {
        name,
        routes,
        title,
    }
}

const CASES: &[&str] = &[
    "bomb-square",
    "bomb-tall",
    "infographic-tall",
    "jpeg-large",
    "gif-10000-frames",
    "svg",
    "over-5mb",
    "lying-type",
    "truncated-png",
    "truncated-jpeg",
    "truncated-webp",
    "truncated-gif",
    "paragraphs-50000",
    "table-5000",
    "links-10000",
    "lists-500-deep",
    "title-100000",
];

/// Builds one case (one at a time, so fixtures of other cases are not in memory).
fn case(one: &str) -> Option<Case> {
    let want = |n: &str| n == one;
    let mut out = Vec::new();
    if want("bomb-square") {
        out.push(image_case(
            "bomb-square",
            "image/png",
            png_stream(20_000, 20_000, [0, 0, 0]),
        ));
    }
    if want("bomb-tall") {
        out.push(image_case(
            "bomb-tall",
            "image/png",
            png_stream(1_000, 60_000, [200, 10, 10]),
        ));
    }
    if want("infographic-tall") {
        out.push(image_case(
            "infographic-tall",
            "image/png",
            png_stream(1_200, 30_000, [20, 120, 200]),
        ));
    }
    if want("jpeg-large") {
        out.push(image_case(
            "jpeg-large",
            "image/jpeg",
            encoded(photo(4_000, 2_600), ImageFormat::Jpeg),
        ));
    }
    if want("gif-10000-frames") {
        out.push(image_case(
            "gif-10000-frames",
            "image/gif",
            gif_frames(10_000),
        ));
    }
    if want("svg") {
        out.push(image_case(
            "svg",
            "image/svg+xml",
            br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000"><circle r="5"/></svg>"#.to_vec(),
        ));
    }
    if want("over-5mb") {
        let mut big = encoded(photo(64, 64), ImageFormat::Png);
        big.resize(6 * 1024 * 1024, 0);
        out.push(image_case("over-5mb", "image/png", big));
    }
    if want("lying-type") {
        out.push(image_case(
            "lying-type",
            "image/png",
            encoded(photo(640, 480), ImageFormat::Jpeg),
        ));
    }
    for (name, format) in [
        ("truncated-png", ImageFormat::Png),
        ("truncated-jpeg", ImageFormat::Jpeg),
        ("truncated-webp", ImageFormat::WebP),
        ("truncated-gif", ImageFormat::Gif),
    ] {
        if want(name) {
            let mut b = encoded(photo(800, 600), format);
            b.truncate(b.len() / 2);
            out.push(image_case(name, "image/png", b));
        }
    }
    if want("paragraphs-50000") {
        let body: String = (0..50_000).map(para).collect();
        out.push(page_case(
            "paragraphs-50000",
            "Fifty thousand paragraphs".into(),
            body,
        ));
    }
    if want("table-5000") {
        let rows: String = (0..5_000)
            .map(|i| format!("<tr><td>row {i}</td><td>ferry</td><td>{}</td></tr>", i * 7))
            .collect();
        out.push(page_case(
            "table-5000",
            "A table of five thousand rows".into(),
            format!("<table>{rows}</table>"),
        ));
    }
    if want("links-10000") {
        let links: String = (0..10_000)
            .map(|i| format!("<a href=\"https://example.org/{i}\">link {i}</a> "))
            .collect();
        out.push(page_case(
            "links-10000",
            "Ten thousand links".into(),
            format!("<p>{links}</p>"),
        ));
    }
    if want("lists-500-deep") {
        let open: String = (0..500).map(|i| format!("<ul><li>level {i}")).collect();
        let close: String = (0..500).map(|_| "</li></ul>").collect();
        out.push(page_case(
            "lists-500-deep",
            "Lists nested five hundred deep".into(),
            format!("{open}{close}"),
        ));
    }
    if want("title-100000") {
        let title: String = "Headline ".repeat(100_000 / 9);
        out.push(page_case("title-100000", title, String::new()));
    }
    out.pop()
}

fn status_kb(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let only: Vec<String> = std::env::args().skip(1).collect();
    if std::env::var_os("BENCH_HOSTILE_CHILD").is_none() {
        // Parent: one child process per case.
        println!(
            "{:<20} {:>9} {:>9} {:>7}  stored / refused",
            "case", "peak MB", "+base MB", "secs"
        );
        let exe = std::env::current_exe().expect("own path");
        for name in CASES {
            if !only.is_empty() && !only.iter().any(|o| o == name) {
                continue;
            }
            let out = std::process::Command::new(&exe)
                .arg(name)
                .env("BENCH_HOSTILE_CHILD", "1")
                .output()
                .expect("child");
            print!("{}", String::from_utf8_lossy(&out.stdout));
            if !out.status.success() {
                println!(
                    "{name}: the child failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
        return;
    }
    let mut worst = 0u64;
    for name in CASES {
        if !only.is_empty() && !only.iter().any(|o| o == name) {
            continue;
        }
        let Some(case) = case(name) else { continue };
        let routes = Arc::new(case.routes);
        let feed_routes = routes.clone();
        let title = case.title.clone();
        let server = LocalServer::start(Arc::new(move |req: &Request| {
            if req.path == "/feed" {
                let host = req
                    .header("host")
                    .map(|h| String::from_utf8_lossy(h).to_string())
                    .unwrap_or_default();
                let rss = format!(
                    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Hostile</title>\
                     <link>http://{host}/</link><item><title>{}</title><link>http://{host}/page</link>\
                     <guid>case-1</guid><description>Short summary.</description></item></channel></rss>",
                    title.replace('&', "&amp;").replace('<', "&lt;")
                );
                return Reply::ok("application/rss+xml", rss);
            }
            match feed_routes.get(&req.path) {
                Some((ct, body)) => Reply::ok(ct, body.as_ref().clone()),
                None => Reply::status(404),
            }
        }))
        .expect("server");
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open_in_dir(dir.path()).expect("store");
        store
            .add_feed(&server.url("/feed"), None, None)
            .expect("add feed");
        let fetcher = Fetcher::new(FetchConfig::default()).expect("client");
        let mut poller = Poller::new(store, fetcher, Policy::default()).with_images(ImageConfig {
            dir: Some(dir.path().join("images")),
            ..Default::default()
        });
        let base = status_kb("VmRSS:");
        let _ = std::fs::write("/proc/self/clear_refs", "5");
        let t = Instant::now();
        let summary = poller.poll_blocking(&PollOptions::default(), &mut |_| {});
        let secs = t.elapsed().as_secs_f64();
        let peak = status_kb("VmHWM:");
        worst = worst.max(peak);
        let items = poller
            .store()
            .headlines(&khabar::store::HeadlineFilter {
                limit: 10,
                ..Default::default()
            })
            .unwrap_or_default();
        let mut what = String::new();
        if let Some(h) = items.first() {
            let art = poller.store().article(h.id).ok().flatten();
            let refused = poller.store().image_refusals(h.id).unwrap_or_default();
            let imgs = art
                .as_ref()
                .and_then(|a| a.document.as_ref())
                .map(khabar::articles::image_urls)
                .unwrap_or_default();
            let kept = imgs
                .iter()
                .filter(|u| poller.store().image_for(h.id, u).ok().flatten().is_some())
                .count();
            what = format!(
                "article {}; {kept} image(s) kept; {}",
                art.map_or("none".into(), |a| format!("{:?}", a.status)),
                refused
                    .iter()
                    .map(|(_, r)| r.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            );
        }
        if let Err(e) = summary {
            what = format!("poll failed: {e}");
        }
        println!(
            "{:<20} {:>9.1} {:>9.1} {:>7.2}  {what}",
            case.name,
            peak as f64 / 1024.0,
            (peak as f64 - base as f64) / 1024.0,
            secs
        );
        let _ = std::io::stdout().flush();
        drop(poller);
        drop(server);
    }
    println!(
        "worst peak: {:.1} MB (target <= 64 MB)",
        worst as f64 / 1024.0
    );
}

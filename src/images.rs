//! Images from the open web, made safe to keep and to show: dimensions read
//! from the header before anything is decoded, a pixel budget, decoding
//! within a memory budget, and a display copy small enough for any texture.
//!
//! An image that cannot be kept gets a [`Refusal`] in plain words, which the
//! store records so the window can show a placeholder with the reason. The
//! format is always judged by the bytes, never by the server's content type.
//! Animated GIFs (and WebP) keep their first frame; SVG is never rendered.
//!
//! Memory: a PNG larger than the decode budget is decoded row by row and
//! box-filtered down as it streams (the `png` crate's row reader), so even a
//! 40-megapixel PNG costs a few megabytes. Other formats are decoded with
//! `image`'s [`image::Limits`] set to the budget and refused beyond it. One
//! decode runs at a time in the process (a lock), so several article workers
//! do not multiply the peak. No egui here: the window calls
//! [`decode_for_display`] on its own workers.

use std::io::Cursor;
use std::sync::Mutex;

use image::{DynamicImage, ImageFormat, ImageReader, RgbaImage};

/// Most pixels an image may have (its header says how many) before it is refused.
pub const MAX_PIXELS: u64 = 40_000_000;
/// Longest side of a stored display copy (every desktop GPU takes 8192).
pub const DISPLAY_MAX_SIDE: u32 = 8192;
/// Most pixels of a stored display copy (4 MP: 16 MB as a texture).
pub const DISPLAY_MAX_PIXELS: u64 = 4_000_000;
/// Most bytes one full decode may use; beyond it PNGs stream and the rest
/// is refused. 64 MB lets an ordinary 10 MP news photo (JPEG, 6 B/px)
/// through; 32 MB refused a 6 MP photo. A poll that decodes such a photo
/// peaks above 64 MB (baseline about 25 MB, `examples/bench_hostile.rs`)
/// until JPEGs are decoded scaled down.
pub const DECODE_BUDGET: u64 = 64 * 1024 * 1024;

/// Bytes a full decode uses per pixel, measured: the decoder's own buffers
/// plus its output (zune-jpeg keeps planes besides the RGB output; WebP and
/// GIF decode to RGBA through a canvas).
fn bytes_per_pixel(format: ImageFormat) -> u64 {
    match format {
        ImageFormat::Png => 4,
        ImageFormat::Jpeg => 6,
        _ => 8,
    }
}

/// One decode at a time, so the peak is one image, not one per worker.
static DECODE_GATE: Mutex<()> = Mutex::new(());

/// Why an image is not kept or not shown, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// SVG is never rendered (it can carry scripts and unbounded work).
    #[error("SVG images are not shown")]
    Svg,
    /// The bytes are no image format we read.
    #[error("not an image we can read ({0})")]
    NotAnImage(String),
    /// More pixels than [`MAX_PIXELS`].
    #[error("{width} x {height} pixels is over the {limit}-megapixel limit")]
    TooManyPixels {
        /// Width from the header.
        width: u32,
        /// Height from the header.
        height: u32,
        /// The limit, in megapixels.
        limit: u64,
    },
    /// Decoding would need more memory than the budget.
    #[error(
        "{width} x {height} pixels needs {need_mb} MB to decode, over the {budget_mb} MB budget"
    )]
    OverMemoryBudget {
        /// Width.
        width: u32,
        /// Height.
        height: u32,
        /// Memory needed, MB.
        need_mb: u64,
        /// Budget, MB.
        budget_mb: u64,
    },
    /// A file over the download cap.
    #[error("the file is {:.1} MB, over the {:.1} MB cap for one image", *bytes as f64 / 1048576.0, *cap as f64 / 1048576.0)]
    TooBig {
        /// Size (or at least what was read).
        bytes: usize,
        /// The cap.
        cap: usize,
    },
    /// The file is cut off or damaged.
    #[error("the image is damaged or cut off: {0}")]
    Damaged(String),
    /// A tracking pixel or spacer.
    #[error("{width} x {height} pixels is a spacer, not a picture")]
    Tiny {
        /// Width.
        width: u32,
        /// Height.
        height: u32,
    },
    /// It could not be downloaded.
    #[error("cannot fetch the image: {0}")]
    Fetch(String),
    /// Over the article's image budget.
    #[error("over the article's image budget")]
    ArticleBudget,
}

/// What the header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Probe {
    /// The format, judged by the bytes.
    pub format: ImageFormat,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// An image ready to store: the display copy and what it came from.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// MIME type of [`Prepared::bytes`].
    pub mime: &'static str,
    /// The file to store: the original when it is small enough and static,
    /// else a re-encoded display copy.
    pub bytes: Vec<u8>,
    /// Pixel size of the stored copy.
    pub size: (u32, u32),
    /// Pixel size of the original.
    pub original: (u32, u32),
}

/// Limits for [`prepare`].
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Pixel budget of the original.
    pub max_pixels: u64,
    /// Longest side of the display copy.
    pub display_side: u32,
    /// Most pixels of the display copy.
    pub display_pixels: u64,
    /// Most bytes one full decode may allocate.
    pub decode_bytes: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            max_pixels: MAX_PIXELS,
            display_side: DISPLAY_MAX_SIDE,
            display_pixels: DISPLAY_MAX_PIXELS,
            decode_bytes: DECODE_BUDGET,
        }
    }
}

fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let t = text.trim_start_matches('\u{feff}').trim_start();
    t.starts_with("<svg")
        || ((t.starts_with("<?xml") || t.starts_with("<!doctype svg")) && t.contains("<svg"))
}

fn mime_of(format: ImageFormat) -> Option<&'static str> {
    match format {
        ImageFormat::Png => Some("image/png"),
        ImageFormat::Jpeg => Some("image/jpeg"),
        ImageFormat::Gif => Some("image/gif"),
        ImageFormat::WebP => Some("image/webp"),
        ImageFormat::Ico => Some("image/x-icon"),
        _ => None,
    }
}

fn damaged(e: impl std::fmt::Display) -> Refusal {
    Refusal::Damaged(e.to_string())
}

/// Reads format and dimensions from the header, decoding nothing.
pub fn probe(bytes: &[u8]) -> Result<Probe, Refusal> {
    if looks_like_svg(bytes) {
        return Err(Refusal::Svg);
    }
    let format =
        image::guess_format(bytes).map_err(|_| Refusal::NotAnImage("unknown format".into()))?;
    if mime_of(format).is_none() {
        return Err(Refusal::NotAnImage(format!("{format:?}")));
    }
    let reader = ImageReader::with_format(Cursor::new(bytes), format);
    let (width, height) = reader.into_dimensions().map_err(damaged)?;
    Ok(Probe {
        format,
        width,
        height,
    })
}

/// The size of a copy of `w` x `h` that fits `side` and `pixels`.
pub fn fit(w: u32, h: u32, side: u32, pixels: u64) -> (u32, u32) {
    let (w, h) = (w.max(1), h.max(1));
    let mut scale = 1.0f64;
    let long = w.max(h);
    if long > side {
        scale = f64::from(side) / f64::from(long);
    }
    let area = f64::from(w) * f64::from(h) * scale * scale;
    if area > pixels as f64 {
        scale *= (pixels as f64 / area).sqrt();
    }
    if scale >= 1.0 {
        return (w, h);
    }
    let nw = ((f64::from(w) * scale).floor() as u32).clamp(1, side);
    let nh = ((f64::from(h) * scale).floor() as u32).clamp(1, side);
    (nw, nh)
}

/// Checks an image and makes its display copy (the poll's path).
pub fn prepare(bytes: &[u8], budget: &Budget) -> Result<Prepared, Refusal> {
    let p = probe(bytes)?;
    let (w, h) = (p.width, p.height);
    if w <= 2 || h <= 2 {
        return Err(Refusal::Tiny {
            width: w,
            height: h,
        });
    }
    let pixels = u64::from(w) * u64::from(h);
    if pixels > budget.max_pixels {
        return Err(Refusal::TooManyPixels {
            width: w,
            height: h,
            limit: budget.max_pixels / 1_000_000,
        });
    }
    let target = fit(w, h, budget.display_side, budget.display_pixels);
    let img = decode_to_fit(bytes, &p, target, budget.decode_bytes)?;
    let small_enough = (img.width(), img.height()) == (w, h);
    // Keep the original bytes when they already are a static picture of
    // display size; GIFs become their first frame as PNG.
    if small_enough
        && matches!(
            p.format,
            ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP
        )
    {
        return Ok(Prepared {
            mime: mime_of(p.format).unwrap_or("application/octet-stream"),
            bytes: bytes.to_vec(),
            size: (w, h),
            original: (w, h),
        });
    }
    let size = (img.width(), img.height());
    let (mime, out) = encode(img)?;
    Ok(Prepared {
        mime,
        bytes: out,
        size,
        original: (w, h),
    })
}

/// Decodes a stored file for the window at no more than `max_side` a side
/// (and the display pixel cap), refusing what is over budget.
pub fn decode_for_display(bytes: &[u8], max_side: u32) -> Result<RgbaImage, Refusal> {
    let budget = Budget {
        display_side: max_side.min(DISPLAY_MAX_SIDE),
        ..Budget::default()
    };
    let p = probe(bytes)?;
    if u64::from(p.width) * u64::from(p.height) > budget.max_pixels {
        return Err(Refusal::TooManyPixels {
            width: p.width,
            height: p.height,
            limit: budget.max_pixels / 1_000_000,
        });
    }
    let target = fit(
        p.width,
        p.height,
        budget.display_side,
        budget.display_pixels,
    );
    decode_to_fit(bytes, &p, target, budget.decode_bytes)
}

fn encode(img: RgbaImage) -> Result<(&'static str, Vec<u8>), Refusal> {
    let opaque = img.pixels().all(|p| p.0[3] == 255);
    let mut out = Cursor::new(Vec::new());
    if opaque {
        let rgb = DynamicImage::ImageRgba8(img).to_rgb8();
        let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
        rgb.write_with_encoder(enc).map_err(damaged)?;
        Ok(("image/jpeg", out.into_inner()))
    } else {
        img.write_to(&mut out, ImageFormat::Png).map_err(damaged)?;
        Ok(("image/png", out.into_inner()))
    }
}

/// Decodes to RGBA no larger than `target`, within `decode_bytes`.
fn decode_to_fit(
    bytes: &[u8],
    p: &Probe,
    target: (u32, u32),
    decode_bytes: u64,
) -> Result<RgbaImage, Refusal> {
    let _gate = DECODE_GATE.lock().unwrap_or_else(|e| e.into_inner());
    let need = u64::from(p.width) * u64::from(p.height) * bytes_per_pixel(p.format);
    if need > decode_bytes {
        if p.format == ImageFormat::Png {
            return png_streaming(bytes, target);
        }
        return Err(Refusal::OverMemoryBudget {
            width: p.width,
            height: p.height,
            need_mb: need.div_ceil(1024 * 1024),
            budget_mb: decode_bytes / (1024 * 1024),
        });
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), p.format);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(decode_bytes);
    limits.max_image_width = Some(p.width);
    limits.max_image_height = Some(p.height);
    reader.limits(limits);
    // `decode` reads one frame: the first of an animated GIF or WebP.
    let img = reader.decode().map_err(damaged)?;
    let rgba = if (img.width(), img.height()) == target {
        img.into_rgba8()
    } else {
        img.thumbnail_exact(target.0, target.1).into_rgba8()
    };
    Ok(rgba)
}

/// Decodes a PNG row by row, averaging blocks of source pixels into the
/// target as it goes: memory is a few rows, whatever the image's size.
/// Written by hand because neither `image` nor `png` scales while decoding.
fn png_streaming(bytes: &[u8], target: (u32, u32)) -> Result<RgbaImage, Refusal> {
    let mut dec = png::Decoder::new_with_limits(
        Cursor::new(bytes),
        png::Limits {
            bytes: 16 * 1024 * 1024,
        },
    );
    dec.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = dec.read_info().map_err(damaged)?;
    let (w, h, interlaced) = {
        let info = reader.info();
        (info.width, info.height, info.interlaced)
    };
    if interlaced {
        return Err(Refusal::OverMemoryBudget {
            width: w,
            height: h,
            need_mb: (u64::from(w) * u64::from(h) * 4).div_ceil(1024 * 1024),
            budget_mb: DECODE_BUDGET / (1024 * 1024),
        });
    }
    let (color, _) = reader.output_color_type();
    let channels = match color {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => return Err(damaged("palette left unexpanded")),
    };
    let (tw, th) = (target.0.max(1), target.1.max(1));
    // Source column -> target column, and per target row a sum per channel.
    let col: Vec<u32> = (0..w)
        .map(|x| ((u64::from(x) * u64::from(tw)) / u64::from(w)) as u32)
        .collect();
    let mut counts = vec![0u32; tw as usize];
    for &c in &col {
        counts[c as usize] += 1;
    }
    let mut sums = vec![0u64; tw as usize * 4];
    let mut rows_in = 0u32;
    let mut out = RgbaImage::new(tw, th);
    let mut ty = 0u32;
    let mut y = 0u32;
    let flush = |sums: &mut [u64], rows_in: &mut u32, ty: u32, out: &mut RgbaImage| {
        if *rows_in == 0 || ty >= th {
            return;
        }
        for tx in 0..tw as usize {
            let n = u64::from(counts[tx]) * u64::from(*rows_in);
            let n = n.max(1);
            let px = [
                (sums[tx * 4] / n) as u8,
                (sums[tx * 4 + 1] / n) as u8,
                (sums[tx * 4 + 2] / n) as u8,
                (sums[tx * 4 + 3] / n) as u8,
            ];
            out.put_pixel(tx as u32, ty, image::Rgba(px));
        }
        sums.iter_mut().for_each(|s| *s = 0);
        *rows_in = 0;
    };
    while let Some(row) = reader.next_row().map_err(damaged)? {
        let this_ty = ((u64::from(y) * u64::from(th)) / u64::from(h)) as u32;
        if this_ty != ty {
            flush(&mut sums, &mut rows_in, ty, &mut out);
            ty = this_ty;
        }
        let data = row.data();
        for (x, &tx) in col.iter().enumerate() {
            let s = &data[x * channels..x * channels + channels];
            let (r, g, b, a) = match channels {
                1 => (s[0], s[0], s[0], 255),
                2 => (s[0], s[0], s[0], s[1]),
                3 => (s[0], s[1], s[2], 255),
                _ => (s[0], s[1], s[2], s[3]),
            };
            let o = tx as usize * 4;
            sums[o] += u64::from(r);
            sums[o + 1] += u64::from(g);
            sums[o + 2] += u64::from(b);
            sums[o + 3] += u64::from(a);
        }
        rows_in += 1;
        y += 1;
    }
    flush(&mut sums, &mut rows_in, ty, &mut out);
    if y < h {
        return Err(damaged(format!("only {y} of {h} rows")));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first rows of a PNG whose header says `w` x `h`: what a
    /// dimension bomb looks like to anything that reads its header (the
    /// whole bomb is served by `examples/bench_hostile.rs`).
    fn png_header_only(w: u32, h: u32) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, w, h);
            enc.set_color(png::ColorType::Rgb);
            enc.set_depth(png::BitDepth::Eight);
            let mut writer = enc.write_header().unwrap();
            let mut stream = writer.stream_writer_with_size(4096).unwrap();
            let row = vec![0u8; w as usize * 3];
            for _ in 0..4 {
                std::io::Write::write_all(&mut stream, &row).unwrap();
            }
            std::io::Write::flush(&mut stream).unwrap();
            std::mem::forget(stream);
        }
        out
    }

    fn png_of(w: u32, h: u32) -> Vec<u8> {
        // Streamed out row by row so the test never holds the whole image.
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, w, h);
            enc.set_color(png::ColorType::Rgb);
            enc.set_depth(png::BitDepth::Eight);
            enc.set_compression(png::Compression::Fastest);
            let mut writer = enc.write_header().unwrap();
            let mut stream = writer.stream_writer().unwrap();
            let row: Vec<u8> = (0..w * 3).map(|i| (i % 251) as u8).collect();
            for _ in 0..h {
                std::io::Write::write_all(&mut stream, &row).unwrap();
            }
            stream.finish().unwrap();
        }
        out
    }

    fn encoded(img: DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    fn photo(w: u32, h: u32) -> DynamicImage {
        DynamicImage::ImageRgb8(image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
        }))
    }

    #[test]
    fn dimension_bomb_is_refused_from_its_header() {
        let bomb = png_header_only(20_000, 20_000);
        let p = probe(&bomb).unwrap();
        assert_eq!((p.width, p.height), (20_000, 20_000));
        let err = prepare(&bomb, &Budget::default()).unwrap_err();
        assert!(matches!(err, Refusal::TooManyPixels { .. }), "{err}");
        assert!(err.to_string().contains("20000 x 20000"), "{err}");
    }

    #[test]
    fn tall_png_streams_down_to_a_display_copy() {
        // 1,500 x 20,000: 30 MP, inside the pixel budget, over the decode budget.
        let tall = png_of(1_500, 20_000);
        let p = prepare(&tall, &Budget::default()).unwrap();
        assert_eq!(p.original, (1_500, 20_000));
        assert!(
            p.size.1 <= DISPLAY_MAX_SIDE && p.size.0 <= DISPLAY_MAX_SIDE,
            "{:?}",
            p.size
        );
        assert!(u64::from(p.size.0) * u64::from(p.size.1) <= DISPLAY_MAX_PIXELS);
        let back = image::load_from_memory(&p.bytes).unwrap();
        assert_eq!((back.width(), back.height()), p.size);
    }

    #[test]
    fn large_jpeg_over_the_decode_budget_is_refused_with_the_reason() {
        let budget = Budget {
            decode_bytes: 1024 * 1024,
            ..Budget::default()
        };
        let jpg = encoded(photo(800, 600), ImageFormat::Jpeg);
        let err = prepare(&jpg, &budget).unwrap_err();
        assert!(matches!(err, Refusal::OverMemoryBudget { .. }), "{err}");
    }

    #[test]
    fn small_pictures_are_kept_as_they_are() {
        for format in [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::WebP] {
            let bytes = encoded(photo(64, 48), format);
            let p = prepare(&bytes, &Budget::default()).unwrap();
            assert_eq!(p.bytes, bytes, "{format:?}");
            assert_eq!(p.size, (64, 48));
        }
    }

    #[test]
    fn big_picture_gets_a_smaller_copy() {
        let jpg = encoded(photo(3000, 2000), ImageFormat::Jpeg);
        let p = prepare(&jpg, &Budget::default()).unwrap();
        assert_eq!(p.original, (3000, 2000));
        assert!(u64::from(p.size.0) * u64::from(p.size.1) <= DISPLAY_MAX_PIXELS);
        assert_eq!(p.mime, "image/jpeg");
    }

    #[test]
    fn animated_gif_keeps_its_first_frame() {
        use image::codecs::gif::{GifEncoder, Repeat};
        let mut out = Vec::new();
        {
            let mut enc = GifEncoder::new(&mut out);
            enc.set_repeat(Repeat::Infinite).unwrap();
            for i in 0..200u32 {
                let f = RgbaImage::from_pixel(40, 30, image::Rgba([(i % 256) as u8, 0, 0, 255]));
                enc.encode_frame(image::Frame::new(f)).unwrap();
            }
        }
        let p = prepare(&out, &Budget::default()).unwrap();
        assert_eq!(p.size, (40, 30));
        assert_ne!(p.mime, "image/gif");
        let back = image::load_from_memory(&p.bytes).unwrap().to_rgba8();
        assert!(back.get_pixel(5, 5).0[0] < 8, "first frame is black-red 0");
    }

    #[test]
    fn svg_gets_a_reason() {
        let svg = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>"#;
        assert_eq!(prepare(svg, &Budget::default()).unwrap_err(), Refusal::Svg);
        assert_eq!(probe(b"  <svg width='1'/>").unwrap_err(), Refusal::Svg);
    }

    #[test]
    fn truncated_files_give_reasons_never_panics() {
        let files = [
            encoded(photo(300, 200), ImageFormat::Png),
            encoded(photo(300, 200), ImageFormat::Jpeg),
            encoded(photo(300, 200), ImageFormat::WebP),
            encoded(photo(300, 200), ImageFormat::Gif),
            png_of(1_500, 20_000),
        ];
        for f in &files {
            for cut in [8, 20, 40, f.len() / 3, f.len() / 2, f.len() - 10] {
                let r = prepare(&f[..cut], &Budget::default());
                if let Err(e) = &r {
                    assert!(!e.to_string().is_empty());
                }
            }
        }
        // A half PNG is refused, not kept.
        let half = &files[0][..files[0].len() / 2];
        assert!(matches!(
            prepare(half, &Budget::default()),
            Err(Refusal::Damaged(_))
        ));
    }

    #[test]
    fn a_lying_content_type_is_judged_by_the_bytes() {
        // Served as image/png; the bytes are JPEG. Served as image/jpeg; HTML.
        let jpg = encoded(photo(50, 40), ImageFormat::Jpeg);
        assert_eq!(
            prepare(&jpg, &Budget::default()).unwrap().mime,
            "image/jpeg"
        );
        let html = b"<!doctype html><html><body>not a picture</body></html>";
        assert!(matches!(
            prepare(html, &Budget::default()),
            Err(Refusal::NotAnImage(_))
        ));
    }

    #[test]
    fn spacers_are_not_pictures() {
        let gif = encoded(photo(1, 1), ImageFormat::Gif);
        assert!(matches!(
            prepare(&gif, &Budget::default()),
            Err(Refusal::Tiny { .. })
        ));
    }

    #[test]
    fn window_decode_respects_the_texture_side() {
        let png = png_of(5_000, 300);
        let img = decode_for_display(&png, 2048).unwrap();
        assert!(img.width() <= 2048 && img.height() <= 2048);
        let bomb = png_header_only(20_000, 20_000);
        assert!(decode_for_display(&bomb, 16384).is_err());
    }

    #[test]
    fn fit_keeps_aspect_within_caps() {
        assert_eq!(fit(100, 50, 8192, 4_000_000), (100, 50));
        let (w, h) = fit(1000, 40_000, 8192, 4_000_000);
        assert!(h <= 8192 && w >= 200, "{w}x{h}");
        let (w, h) = fit(4000, 4000, 8192, 4_000_000);
        assert!(u64::from(w) * u64::from(h) <= 4_000_000);
    }
}

//! Right-to-left and mixed text in egui: [`crate::bidi`] breaks and orders
//! the lines, this module measures with egui's fonts and paints.
//!
//! - Each piece (one direction, one style) is laid out alone: a
//!   right-to-left piece word by word in the Urdu (Nastaliq) or Arabic
//!   (Naskh) face, so harfrust shapes and joins each word right to left,
//!   and the words are placed from the right; a left-to-right piece
//!   (Latin, digits) in the style's own face.
//! - Pieces of a line share a baseline; right-to-left paragraphs are
//!   aligned right.
//! - Links and highlights are styles, so they survive the reordering; a
//!   click on a link piece returns its URL.
//! - The accessible label and "Copy paragraph" give the logical text.
//!
//! Paragraphs with no right-to-left character keep egui's own layout
//! (which also lets the reader select text; egui never applies direction
//! controls). Here the embedding, override and isolate controls are
//! neutralised before layout ([`crate::bidi::neutralise_in_place`]), so
//! U+202E and the isolates cannot reorder a title or a link.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontFamily, Galley, Pos2, Rect, Sense, Ui, Vec2};

use crate::bidi;

/// Family name of the Urdu (Nastaliq) face.
pub const URDU: &str = "urdu";
/// Family name of the Arabic (Naskh) face.
pub const ARABIC: &str = "arabic";

/// Letters Urdu uses and Arabic does not: a text with any of them is Urdu.
fn urdu_letter(c: char) -> bool {
    matches!(
        c,
        '\u{0679}' | '\u{0688}' | '\u{0691}' | '\u{06BA}' | '\u{06BE}' | '\u{06C1}' | '\u{06D2}'
    )
}

/// Whether any character of `text` is right-to-left (Hebrew or Arabic
/// script): such text needs [`paragraph`]'s layout.
pub fn needs_bidi(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(
            unicode_bidi::bidi_class(c),
            unicode_bidi::BidiClass::R | unicode_bidi::BidiClass::AL
        )
    })
}

/// The face for right-to-left runs of `text`: Urdu (Nastaliq) when the
/// language says so or the text has Urdu-only letters, else Arabic (Naskh).
pub fn rtl_family(text: &str, lang: Option<&str>) -> FontFamily {
    let urdu = match lang {
        Some("ur") => true,
        Some(_) => false,
        None => text.chars().any(urdu_letter),
    };
    FontFamily::Name(if urdu { URDU } else { ARABIC }.into())
}

/// A styled span of a paragraph: format and, for links, the URL.
#[derive(Debug, Clone)]
pub struct Span {
    /// Byte range in the text.
    pub range: Range<usize>,
    /// How it looks (the family is replaced for right-to-left pieces).
    pub format: TextFormat,
    /// Link target.
    pub link: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Space,
    Letters,
    Other,
}

/// A right-to-left piece cut into runs of spaces, Arabic-script text, and
/// anything else, in logical order.
fn rtl_tokens(s: &str) -> Vec<(&str, Class)> {
    let class = |c: char| {
        if c.is_whitespace() {
            Class::Space
        } else if bidi::is_arabic_script(c) || unicode_normalization::char::is_combining_mark(c) {
            Class::Letters
        } else {
            Class::Other
        }
    };
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev: Option<Class> = None;
    for (i, c) in s.char_indices() {
        let k = class(c);
        if prev.is_some_and(|p| p != k) {
            out.push((&s[start..i], prev.unwrap_or(k)));
            start = i;
        }
        prev = Some(k);
    }
    if start < s.len() {
        out.push((&s[start..], prev.unwrap_or(Class::Other)));
    }
    out
}

/// Mirrored brackets for right-to-left display (Bidi_Mirroring_Glyph,
/// the common pairs).
fn mirrored(s: &str) -> String {
    s.chars()
        .rev()
        .map(|c| match c {
            '(' => ')',
            ')' => '(',
            '[' => ']',
            ']' => '[',
            '{' => '}',
            '}' => '{',
            '<' => '>',
            '>' => '<',
            '«' => '»',
            '»' => '«',
            '‹' => '›',
            '›' => '‹',
            other => other,
        })
        .collect()
}

/// A measured piece: its width and its galleys with their x offsets.
type Measured = (f32, Vec<(f32, Arc<Galley>)>);

/// The spans of a laid-out job's sections; a section starting inside one
/// of `links` (byte range, URL) links there.
pub fn spans_of(job: &LayoutJob, links: &[(Range<usize>, String)]) -> Vec<Span> {
    job.sections
        .iter()
        .map(|sec| {
            let range = sec.byte_range.start.0..sec.byte_range.end.0;
            Span {
                link: links
                    .iter()
                    .find(|(r, _)| r.contains(&range.start))
                    .map(|(_, h)| h.clone()),
                range,
                format: sec.format.clone(),
            }
        })
        .collect()
}

struct Placed {
    x: f32,
    baseline: f32,
    galley: Arc<Galley>,
    span: usize,
}

/// A laid-out paragraph, ready to paint.
pub struct Laid {
    /// (pieces with x from the line's start, line width, height, baseline).
    lines: Vec<(Vec<Placed>, f32, f32, f32)>,
    /// Right to left: lines are aligned right when painted.
    pub rtl: bool,
    /// Width of the widest line, and the total height.
    pub size: Vec2,
}

fn baseline(g: &Galley) -> f32 {
    g.rows
        .first()
        .and_then(|r| r.row.glyphs.first().map(|gl| r.pos.y + gl.pos.y))
        .unwrap_or(g.size().y * 0.8)
}

/// Layouts made recently, by everything that decides them: the reader
/// repaints every paragraph while it scrolls, and shaping word by word is
/// too slow to redo each frame (9 ms a frame for a 40-paragraph Urdu
/// article; see `examples/bench_ui.rs --urdu`).
const LAYOUT_CACHE_MAX: usize = 4096;

thread_local! {
    static LAYOUTS: std::cell::RefCell<HashMap<u64, Arc<Laid>>> =
        std::cell::RefCell::new(HashMap::new());
    /// The font atlas's fill ratio when last seen: when it drops, egui has
    /// cleared the atlas and cached galleys point into the old one.
    static ATLAS_FILL: std::cell::Cell<f32> = const { std::cell::Cell::new(0.0) };
}

/// Lays out `text` with `spans` in `width`, lines at least `min_line`
/// high, at most `max_lines` lines (0: no limit). Cached.
pub fn lay_out(
    ui: &Ui,
    text: &str,
    spans: &[Span],
    width: f32,
    rtl_face: &FontFamily,
    min_line: f32,
    max_lines: usize,
) -> Arc<Laid> {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    for s in spans {
        s.range.hash(&mut h);
        s.format.hash(&mut h);
    }
    width.to_bits().hash(&mut h);
    rtl_face.hash(&mut h);
    min_line.to_bits().hash(&mut h);
    max_lines.hash(&mut h);
    ui.ctx().pixels_per_point().to_bits().hash(&mut h);
    let key = h.finish();
    let fill = ui.ctx().fonts(|f| f.font_atlas_fill_ratio());
    if fill < ATLAS_FILL.with(|a| a.replace(fill)) {
        LAYOUTS.with(|c| c.borrow_mut().clear());
    }
    if let Some(hit) = LAYOUTS.with(|c| c.borrow().get(&key).cloned()) {
        return hit;
    }
    let laid = Arc::new(lay_out_uncached(
        ui, text, spans, width, rtl_face, min_line, max_lines,
    ));
    LAYOUTS.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= LAYOUT_CACHE_MAX {
            c.clear();
        }
        c.insert(key, laid.clone());
    });
    laid
}

fn lay_out_uncached(
    ui: &Ui,
    text: &str,
    spans: &[Span],
    width: f32,
    rtl_face: &FontFamily,
    min_line: f32,
    max_lines: usize,
) -> Laid {
    // Embedding, override and isolate controls stand in as invisible word
    // joiners of the same length: the text shows in its own order (one
    // title cannot pass itself off as another) and the spans' byte ranges
    // still hold. The accessible label and the copy keep the stored text.
    // Done here, on a cache miss, not on every frame's lookup.
    let shown = bidi::neutralise_in_place(text);
    let text: &str = &shown;
    let painter = ui.painter();
    // (text, span, rtl) -> placed galleys (x offset inside the piece) and width.
    let mut cache: HashMap<(String, usize, bool), Measured> = HashMap::new();
    let mut measure = |s: &str, span: usize, rtl: bool| -> f32 {
        let key = (s.to_string(), span, rtl);
        if let Some((w, _)) = cache.get(&key) {
            return *w;
        }
        let mut fmt = spans
            .get(span)
            .map(|s| s.format.clone())
            .unwrap_or_default();
        let mut parts = Vec::new();
        let mut w = 0.0;
        if rtl {
            fmt.font_id.family = rtl_face.clone();
            // Nastaliq is tall: let its own metrics set the height.
            fmt.line_height = None;
            // Words, spaces and other marks (brackets, quotes), each shaped
            // alone and placed from the right: the first is rightmost. A
            // word is shaped right to left by harfrust; a bracket alone
            // would not be, so it is mirrored here (rule L4), and a face
            // without it cannot split a word into runs in the wrong order.
            let tokens = rtl_tokens(s);
            let galleys: Vec<Arc<Galley>> = tokens
                .iter()
                .map(|(t, class)| {
                    let mut job = LayoutJob::default();
                    if *class == Class::Other {
                        job.append(&mirrored(t), 0.0, fmt.clone());
                    } else {
                        job.append(t, 0.0, fmt.clone());
                    }
                    painter.layout_job(job)
                })
                .collect();
            let total: f32 = galleys.iter().map(|g| g.size().x).sum();
            let mut right = total;
            for g in galleys {
                right -= g.size().x;
                parts.push((right, g));
            }
            w = total;
        } else {
            let mut job = LayoutJob::default();
            job.append(s, 0.0, fmt);
            let g = painter.layout_job(job);
            w += g.size().x;
            parts.push((0.0, g));
        }
        cache.insert(key, (w, parts));
        w
    };
    let styles: Vec<(Range<usize>, usize)> = spans
        .iter()
        .enumerate()
        .map(|(i, s)| (s.range.clone(), i))
        .collect();
    let para = bidi::layout(text, &styles, width, &mut measure);
    let mut lines = Vec::new();
    let mut height = 0.0;
    let mut widest = 0.0f32;
    for line in para.lines.iter().take(if max_lines == 0 {
        usize::MAX
    } else {
        max_lines
    }) {
        let mut x = 0.0;
        let mut placed = Vec::new();
        let mut line_h = min_line;
        let mut base = 0.0f32;
        for p in &line.pieces {
            let key = (text[p.range.clone()].to_string(), p.style, p.rtl);
            if let Some((w, parts)) = cache.get(&key) {
                for (dx, g) in parts {
                    line_h = line_h.max(g.size().y);
                    base = base.max(baseline(g));
                    placed.push(Placed {
                        x: x + dx,
                        baseline: baseline(g),
                        galley: g.clone(),
                        span: p.style,
                    });
                }
                x += w;
            }
        }
        // Centre the tallest baseline in the line.
        let extra = (line_h - placed.iter().map(|p| p.galley.size().y).fold(0.0, f32::max)) / 2.0;
        widest = widest.max(x);
        lines.push((placed, x, line_h, base + extra.max(0.0)));
        height += line_h;
    }
    Laid {
        lines,
        rtl: para.rtl,
        size: Vec2::new(widest, height),
    }
}

/// Paints a laid-out paragraph with its top-left at `origin`, right-to-left
/// lines aligned right within `width`; returns the rectangles of its pieces
/// with their span index.
pub fn paint(
    ui: &Ui,
    laid: &Laid,
    origin: Pos2,
    width: f32,
    fallback: Color32,
) -> Vec<(Rect, usize)> {
    let painter = ui.painter();
    let mut links = Vec::new();
    let mut y = origin.y;
    for (pieces, line_w, h, base) in &laid.lines {
        let indent = if laid.rtl {
            (width - line_w).max(0.0)
        } else {
            0.0
        };
        for p in pieces {
            let pos = Pos2::new(origin.x + indent + p.x, y + base - p.baseline);
            let rect = Rect::from_min_size(pos, p.galley.size());
            painter.galley(pos, p.galley.clone(), fallback);
            links.push((rect, p.span));
        }
        y += h;
    }
    links
}

/// A one-line selectable label whose `name` may be right to left,
/// followed by a left-to-right `suffix` (a count). The accessible label is
/// `name` + `suffix`, in logical order.
pub fn selectable(
    ui: &mut Ui,
    selected: bool,
    name: &str,
    suffix: &str,
    strong: bool,
) -> egui::Response {
    let full = format!("{name}{suffix}");
    if !needs_bidi(name) {
        let text = egui::RichText::new(full);
        return ui.selectable_label(selected, if strong { text.strong() } else { text });
    }
    // An invisible copy keeps the size, the hover and the accessible label.
    let resp = ui.selectable_label(
        selected,
        egui::RichText::new(&full).color(Color32::TRANSPARENT),
    );
    let visuals = ui.style().interact_selectable(&resp, selected);
    let color = if strong {
        ui.visuals().strong_text_color()
    } else {
        visuals.text_color()
    };
    let font = egui::TextStyle::Button.resolve(ui.style());
    let span = Span {
        range: 0..name.len(),
        format: TextFormat::simple(font.clone(), color),
        link: None,
    };
    let laid = lay_out(
        ui,
        name,
        &[span],
        f32::INFINITY,
        &rtl_family(name, None),
        0.0,
        1,
    );
    let pad = ui.spacing().button_padding;
    let y = resp.rect.center().y - laid.size.y / 2.0;
    paint(
        ui,
        &laid,
        Pos2::new(resp.rect.left() + pad.x, y),
        laid.size.x,
        color,
    );
    if !suffix.is_empty() {
        let g = ui.painter().layout_no_wrap(suffix.to_string(), font, color);
        let pos = Pos2::new(
            resp.rect.left() + pad.x + laid.size.x,
            resp.rect.center().y - g.size().y / 2.0,
        );
        ui.painter().galley(pos, g, color);
    }
    resp
}

/// A paragraph as a widget: laid out, painted, clickable links, an
/// accessible label and "Copy paragraph" with the logical text. Returns the
/// URL of a clicked link.
pub fn paragraph(
    ui: &mut Ui,
    text: &str,
    spans: &[Span],
    rtl_face: &FontFamily,
    min_line: f32,
) -> Option<String> {
    let width = ui.available_width();
    let laid = lay_out(ui, text, spans, width, rtl_face, min_line, 0);
    let (rect, resp) = ui.allocate_exact_size(Vec2::new(width, laid.size.y), Sense::click());
    let logical = text.to_string();
    resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, logical.clone()));
    let fallback = ui.visuals().text_color();
    let rects = paint(ui, &laid, rect.min, width, fallback);
    resp.context_menu(|ui| {
        if ui.button("Copy paragraph").clicked() {
            ui.ctx().copy_text(logical.clone());
            ui.close();
        }
    });
    let pointer = resp.hover_pos().or(resp.interact_pointer_pos())?;
    let hit = rects
        .iter()
        .find(|(r, s)| r.contains(pointer) && spans.get(*s).is_some_and(|s| s.link.is_some()))
        .and_then(|(_, s)| spans.get(*s).and_then(|s| s.link.clone()));
    if hit.is_some() {
        ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
    }
    if resp.clicked() { hit } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `f` inside a frame of a headless context with our fonts.
    fn with_ui(f: impl FnMut(&mut Ui)) {
        let ctx = egui::Context::default();
        super::super::install_fonts(&ctx);
        let mut f = f;
        let mut out = ctx.run_ui(egui::RawInput::default(), |ui| f(ui));
        out.textures_delta.clear();
    }

    fn xs_of_words(text: &str, words: &[&str]) -> Vec<f32> {
        let mut out = Vec::new();
        with_ui(|ui| {
            let fmt = TextFormat::simple(egui::FontId::proportional(16.0), Color32::WHITE);
            let span = Span {
                range: 0..text.len(),
                format: fmt,
                link: None,
            };
            let face = rtl_family(text, None);
            let laid = lay_out(ui, text, &[span], 2000.0, &face, 0.0, 0);
            out = words
                .iter()
                .map(|w| {
                    laid.lines[0]
                        .0
                        .iter()
                        .find(|p| p.galley.text() == *w)
                        .map_or(f32::NAN, |p| p.x)
                })
                .collect();
        });
        out
    }

    #[test]
    fn a_wrapped_urdu_paragraph_starts_at_the_right_of_its_first_line() {
        let text = "لاہور (اردو نیوز ڈیمو - 20 نومبر 2026) شہر کے ایکسپو سینٹر میں پانچ روزہ کتاب میلے کا آغاز ہو گیا، جہاں پہلے ہی دن ہزاروں شہریوں نے مختلف سٹالز کا رخ کیا۔";
        with_ui(|ui| {
            let fmt = TextFormat::simple(egui::FontId::proportional(17.0), Color32::WHITE);
            let span = Span {
                range: 0..text.len(),
                format: fmt,
                link: None,
            };
            let laid = lay_out(ui, text, &[span], 500.0, &rtl_family(text, None), 0.0, 0);
            assert!(laid.lines.len() > 1);
            let first = &laid.lines[0].0;
            let x_of = |w: &str| first.iter().find(|p| p.galley.text() == w).map(|p| p.x);
            assert!(x_of("لاہور") > x_of("شہر"), "the first word is rightmost");
        });
    }

    #[test]
    fn brackets_in_urdu_are_mirrored_and_placed_by_the_words_they_open() {
        // Logical "(اردو)": the opening bracket is rightmost and shows as ")".
        let xs = xs_of_words("لاہور (اردو) شہر", &[")", "اردو", "("]);
        assert!(xs[0] > xs[1] && xs[1] > xs[2], "{xs:?}");
    }

    #[test]
    fn urdu_words_are_placed_right_to_left() {
        let xs = xs_of_words("ایران اور روس", &["ایران", "اور", "روس"]);
        assert!(xs[0] > xs[1] && xs[1] > xs[2], "{xs:?}");
    }

    #[test]
    fn numbers_and_latin_keep_their_place_in_urdu() {
        // "in the year 2024": the number sits between the words, read left to right.
        let xs = xs_of_words("سال 2024 میں", &["سال", "2024", "میں"]);
        assert!(xs[0] > xs[1] && xs[1] > xs[2], "{xs:?}");
        let xs = xs_of_words("Talks in تہران today", &["Talks in ", "تہران", " today"]);
        assert!(xs[0] < xs[1] && xs[1] < xs[2], "{xs:?}");
    }
}

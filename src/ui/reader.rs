//! The reader pane: the open article, a clean [`Article`] laid out for reading (about 70
//! characters a line, generous spacing), or the feed's own text.
//!
//! Paragraphs are one galley each (text, emphasis and links as sections);
//! a click on a link section opens it in the system browser. A link whose
//! text names another host than its target is followed by the real host
//! ("bank.example (goes to evil.example)", [`crate::linkhost`]).

use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontId, RichText, Sense, Ui};

use super::app::KhabarApp;
use crate::extract::{Article, Block, Inline};

/// Lays `add` out in the reading column for text of `size` points: at most
/// [`column_width`] wide, centred, with a margin on each side. The reader,
/// the digest and the welcome page share it.
pub fn in_column<R>(ui: &mut egui::Ui, size: f32, add: impl FnOnce(&mut egui::Ui) -> R) -> R {
    let width = column_width(size).min(ui.available_width() - 24.0);
    let margin = ((ui.available_width() - width) / 2.0).max(12.0);
    ui.horizontal(|ui| {
        ui.add_space(margin);
        ui.vertical(|ui| {
            ui.set_max_width(width);
            add(ui)
        })
        .inner
    })
    .inner
}

/// Reading column width in points for a body font size.
pub fn column_width(font_size: f32) -> f32 {
    // About 70 characters of proportional text.
    font_size * 0.52 * 70.0
}

/// Background of highlighted (matched) words.
pub fn highlight_color(ui: &Ui) -> Color32 {
    if ui.visuals().dark_mode {
        Color32::from_rgb(0x6b, 0x55, 0x10)
    } else {
        Color32::from_rgb(0xff, 0xe8, 0x8a)
    }
}

/// Appends `text` to `job` in `fmt`, with the words whose normal form is in
/// `hl` (sorted) on a highlight background.
pub fn append_highlighted(
    job: &mut LayoutJob,
    text: &str,
    fmt: TextFormat,
    hl: &[String],
    hl_bg: Color32,
) {
    if hl.is_empty() {
        job.append(text, 0.0, fmt);
        return;
    }
    let mut at = 0;
    for span in crate::topics::text::spans(text) {
        if hl.binary_search(&span.token).is_err() {
            continue;
        }
        if span.range.start > at {
            job.append(&text[at..span.range.start], 0.0, fmt.clone());
        }
        let mut marked = fmt.clone();
        marked.background = hl_bg;
        job.append(&text[span.range.clone()], 0.0, marked);
        at = span.range.end;
    }
    if at < text.len() {
        job.append(&text[at..], 0.0, fmt);
    }
}

/// One block of text in one format (a headline, a heading), highlighted,
/// laid out right to left when it needs it.
pub fn text_block(ui: &mut Ui, text: &str, fmt: TextFormat, hl: &[String]) {
    let mut job = LayoutJob::default();
    job.wrap.max_width = ui.available_width();
    let line = fmt.font_id.size * 1.3;
    append_highlighted(&mut job, text, fmt, hl, highlight_color(ui));
    if super::bidi::needs_bidi(text) {
        let spans = super::bidi::spans_of(&job, &[]);
        let face = super::bidi::rtl_family(text, None);
        super::bidi::paragraph(ui, &job.text, &spans, &face, line);
    } else {
        ui.label(job);
    }
}

/// Lays out runs as one paragraph, highlighting words in `hl`; returns the
/// URL of a clicked link.
pub fn paragraph(
    ui: &mut Ui,
    runs: &[Inline],
    size: f32,
    italic_all: bool,
    hl: &[String],
) -> Option<String> {
    let hl_bg = highlight_color(ui);
    let text_color = body_color(ui);
    let strong_color = ui.visuals().strong_text_color();
    let link_color = ui.visuals().hyperlink_color;
    let mut job = LayoutJob::default();
    job.wrap.max_width = ui.available_width();
    let mut links: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    for r in runs {
        let mut fmt = TextFormat {
            font_id: FontId::proportional(size),
            color: text_color,
            line_height: Some(size * 1.55),
            italics: italic_all,
            ..Default::default()
        };
        let mut tag = None;
        let text = match r {
            Inline::Text { text } => text.as_str(),
            Inline::Emphasis { text, strong } => {
                if *strong {
                    fmt.color = strong_color;
                } else {
                    fmt.italics = true;
                }
                text.as_str()
            }
            Inline::Link { text, href } => {
                // A link whose text names another host than its target
                // shows the real one after it, outside the link.
                tag = crate::linkhost::real_host(text, href).map(|host| {
                    let muted = TextFormat {
                        color: ui.visuals().weak_text_color(),
                        ..fmt.clone()
                    };
                    (format!(" (goes to {host})"), muted)
                });
                fmt.color = link_color;
                fmt.underline = egui::Stroke::new(1.0, link_color);
                let start = job.text.len();
                links.push((start..start + text.len(), href.clone()));
                text.as_str()
            }
            Inline::Break => "\n",
        };
        append_highlighted(&mut job, text, fmt, hl, hl_bg);
        if let Some((tag, muted)) = tag {
            job.append(&tag, 0.0, muted);
        }
    }
    if super::bidi::needs_bidi(&job.text) {
        let spans = super::bidi::spans_of(&job, &links);
        let face = super::bidi::rtl_family(&job.text, None);
        return super::bidi::paragraph(ui, &job.text, &spans, &face, size * 1.55);
    }
    let galley = ui.painter().layout_job(job);
    let resp = ui.add(
        egui::Label::new(galley.clone())
            .sense(Sense::click())
            .selectable(true),
    );
    if links.is_empty() {
        return None;
    }
    let pos = resp.hover_pos().or(resp.interact_pointer_pos())?;
    let cursor = galley.cursor_from_pos(pos - resp.rect.min);
    let byte = galley
        .text()
        .char_indices()
        .nth(cursor.index.0)
        .map_or(galley.text().len(), |(b, _)| b);
    let hit = links
        .iter()
        .find(|(range, _)| range.contains(&byte))
        .map(|(_, h)| h.clone());
    if hit.is_some() {
        ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
    }
    if resp.clicked() { hit } else { None }
}

/// Where the reader finds the article's cached images.
pub struct Pictures<'a> {
    /// Image URL -> content hash.
    pub hashes: &'a std::collections::HashMap<String, String>,
    /// Image URL -> why it was not kept.
    pub refused: &'a std::collections::HashMap<String, String>,
    /// Cache folder.
    pub dir: Option<&'a std::path::Path>,
    /// Decoded textures.
    pub images: &'a mut super::Images,
}

impl Pictures<'_> {
    /// Draws the cached image for `url` scaled to the column, if it is
    /// ready, or a placeholder saying why it cannot be shown.
    pub fn show(&mut self, ui: &mut Ui, url: &str) -> bool {
        if let Some(reason) = self.refused.get(url) {
            placeholder(ui, reason);
            return true;
        }
        let (Some(hash), Some(dir)) = (self.hashes.get(url), self.dir) else {
            return false;
        };
        let Some(tex) = self.images.get(ui.ctx(), dir, hash) else {
            if let Some(reason) = self.images.failure(hash) {
                placeholder(ui, reason);
                return true;
            }
            return false;
        };
        let size = tex.size_vec2();
        let w = ui.available_width().min(size.x);
        let h = size.y * w / size.x.max(1.0);
        ui.add(egui::Image::new((tex.id(), egui::vec2(w, h))).corner_radius(4.0));
        true
    }
}

/// A framed note where an image would be.
fn placeholder(ui: &mut Ui, reason: &str) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.label(
            RichText::new(format!("Image not shown: {reason}"))
                .italics()
                .color(ui.visuals().weak_text_color()),
        );
    });
}

/// Draws the article body (lead image first), highlighting words in `hl`;
/// returns a clicked link.
pub fn article_body(
    ui: &mut Ui,
    article: &Article,
    size: f32,
    pics: &mut Pictures<'_>,
    hl: &[String],
) -> Option<String> {
    let mut clicked = None;
    let first_image = article.blocks.iter().find_map(|b| match b {
        Block::Image { src, .. } => Some(src.as_str()),
        _ => None,
    });
    if let Some(lead) = article.meta.lead_image.as_deref()
        && first_image != Some(lead)
        && pics.show(ui, lead)
    {
        ui.add_space(size * 0.7);
    }
    for block in &article.blocks {
        let r = match block {
            Block::Paragraph { inlines } => paragraph(ui, inlines, size, false, hl),
            Block::Heading { level, inlines } => {
                let s = size * if *level <= 2 { 1.35 } else { 1.15 };
                ui.add_space(size * 0.4);
                let text = crate::extract::document::inline_text(inlines);
                let fmt =
                    TextFormat::simple(FontId::proportional(s), ui.visuals().strong_text_color());
                text_block(ui, &text, fmt, hl);
                None
            }
            Block::Quote { inlines } => {
                let mut out = None;
                ui.horizontal(|ui| {
                    let (rect, _) =
                        ui.allocate_exact_size(egui::vec2(3.0, size * 1.6), Sense::hover());
                    ui.painter()
                        .rect_filled(rect, 0.0, ui.visuals().weak_text_color());
                    ui.vertical(|ui| out = paragraph(ui, inlines, size, true, hl));
                });
                out
            }
            Block::List { ordered, items } => {
                let mut out = None;
                for (i, item) in items.iter().enumerate() {
                    ui.horizontal_top(|ui| {
                        let marker = if *ordered {
                            format!("{}.", i + 1)
                        } else {
                            "•".into()
                        };
                        ui.label(RichText::new(marker).size(size));
                        ui.vertical(|ui| {
                            if let Some(h) = paragraph(ui, item, size, false, hl) {
                                out = Some(h);
                            }
                        });
                    });
                }
                out
            }
            Block::Preformatted { text } => {
                ui.label(RichText::new(text).monospace().size(size * 0.85));
                None
            }
            Block::Image { src, alt, caption } => {
                let shown = pics.show(ui, src);
                let label = caption.clone().or_else(|| alt.clone()).unwrap_or_default();
                if !label.is_empty() {
                    let label = if shown {
                        label
                    } else {
                        format!("[image] {label}")
                    };
                    ui.label(
                        RichText::new(label)
                            .italics()
                            .size(size * 0.85)
                            .color(ui.visuals().weak_text_color()),
                    );
                }
                None
            }
            Block::Table { rows } => {
                egui::Grid::new(ui.next_auto_id())
                    .striped(true)
                    .show(ui, |ui| {
                        for row in rows {
                            for cell in row {
                                ui.label(RichText::new(cell).size(size * 0.9));
                            }
                            ui.end_row();
                        }
                    });
                None
            }
        };
        ui.add_space(size * 0.7);
        if r.is_some() {
            clicked = r;
        }
    }
    clicked
}

/// A muted line of text.
pub fn muted(ui: &mut Ui, text: impl Into<String>, size: f32) {
    ui.label(
        RichText::new(text.into())
            .size(size)
            .color(ui.visuals().weak_text_color()),
    );
}

/// Reading text: darker (lighter) than egui's default label grey, for
/// contrast over long paragraphs.
pub fn body_color(ui: &Ui) -> Color32 {
    if ui.visuals().dark_mode {
        Color32::from_gray(218)
    } else {
        Color32::from_gray(28)
    }
}

/// Colour for error badges.
pub fn error_color(ui: &Ui) -> Color32 {
    ui.visuals().error_fg_color
}

impl KhabarApp {
    pub(super) fn reader_pane(&mut self, ui: &mut egui::Ui) {
        let size = self.prefs.font_size;
        let Some(open) = self.open.clone() else {
            self.reader_empty(ui);
            return;
        };
        let mut link = None;
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                in_column(ui, size, |ui| {
                    ui.add_space(16.0);
                    let doc = open.article.as_ref().and_then(|a| a.document.as_ref());
                    let title = doc.map_or(open.item.title.as_str(), |d| d.meta.title.as_str());
                    let title = if title.is_empty() {
                        open.item.title.as_str()
                    } else {
                        title
                    };
                    let fmt = egui::TextFormat::simple(
                        egui::FontId::proportional(size * 1.6),
                        ui.visuals().strong_text_color(),
                    );
                    text_block(ui, title, fmt, &self.highlight);
                    // The date first: it starts the line left to right,
                    // so an Urdu outlet after it cannot turn the date's
                    // numbers around (UAX #9 rule W2).
                    let mut meta = vec![open.item.published.replace('T', " ").replace('Z', " UTC")];
                    meta.push(open.item.feed.clone());
                    if let Some(a) = doc
                        .and_then(|d| d.meta.byline.clone())
                        .or(open.item.author.clone())
                    {
                        meta.push(a);
                    }
                    let fmt = egui::TextFormat::simple(
                        egui::FontId::proportional(size * 0.85),
                        ui.visuals().weak_text_color(),
                    );
                    text_block(ui, &meta.join(" · "), fmt, &[]);
                    ui.horizontal(|ui| {
                        if let Some(l) = &open.item.link
                            && ui.button("Open original").on_hover_text("o").clicked()
                        {
                            link = Some(l.clone());
                        }
                        if doc.is_some() {
                            let label = if open.feed_text {
                                "Show article"
                            } else {
                                "Show feed text"
                            };
                            if ui.button(label).clicked()
                                && let Some(o) = &mut self.open
                            {
                                o.feed_text = !o.feed_text;
                            }
                        }
                    });
                    self.also_reported_by(ui, size);
                    ui.add_space(12.0);
                    match doc {
                        Some(d) if !open.feed_text => {
                            let mut pics = Pictures {
                                hashes: &open.image_hashes,
                                refused: &open.image_refusals,
                                dir: self.images_dir.as_deref(),
                                images: &mut self.images,
                            };
                            if let Some(l) = article_body(ui, d, size, &mut pics, &self.highlight) {
                                link = Some(l);
                            }
                        }
                        _ => {
                            let html = open
                                .item
                                .content
                                .as_deref()
                                .or(open.item.summary.as_deref())
                                .unwrap_or("");
                            for p in crate::parse::html_paragraphs(html) {
                                paragraph(
                                    ui,
                                    &[crate::extract::Inline::Text { text: p }],
                                    size,
                                    false,
                                    &self.highlight,
                                );
                                ui.add_space(size * 0.7);
                            }
                            if let Some(reason) =
                                open.article.as_ref().and_then(|a| a.reason.as_deref())
                            {
                                muted(ui, format!("The feed's own text: {reason}"), size * 0.8);
                            }
                        }
                    }
                    ui.add_space(40.0);
                });
            });
        if let Some(l) = link {
            ui.ctx().open_url(egui::OpenUrl::new_tab(l));
        }
    }
}

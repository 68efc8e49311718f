//! The headline list: one virtualised row per article of the view (title,
//! outlet, age, unread dot, star), rows loaded only as they scroll into
//! view; right-to-left titles and outlets painted by `bidi`.

use egui::RichText;

use super::app::KhabarApp;
use super::text::{self, relative};
use super::{bidi, reader};
use crate::model::{self, ItemId};

impl KhabarApp {
    pub(super) fn headline_list(&mut self, ui: &mut egui::Ui) {
        let row_h = ui.text_style_height(&egui::TextStyle::Body) * 2.6;
        let now = model::now();
        let selected = self.selected_index();
        let mut clicked = None;
        let mut area = egui::ScrollArea::vertical().auto_shrink([false, false]);
        if self.scroll_to_selected {
            if let Some(i) = selected {
                let y = i as f32 * (row_h + ui.spacing().item_spacing.y);
                let visible = ui.available_height();
                area = area.vertical_scroll_offset((y - visible / 2.0).max(0.0));
            }
            self.scroll_to_selected = false;
        }
        if self.matches > self.ids.len() as i64 {
            ui.label(
                RichText::new(format!(
                    "The newest {} of {} matches",
                    self.ids.len(),
                    self.matches
                ))
                .weak(),
            );
        }
        let count = self.ids.len();
        let ids = &self.ids;
        let rows = &mut self.rows;
        let store = &self.store;
        let hl = &self.highlight;
        let hl_bg = reader::highlight_color(ui);
        area.show_rows(ui, row_h, count, |ui, range| {
            let missing: Vec<ItemId> = ids[range.clone()]
                .iter()
                .filter(|id| !rows.contains_key(id))
                .copied()
                .collect();
            if let (false, Some(store)) = (missing.is_empty(), store)
                && let Ok(loaded) = store.headlines_by_ids(&missing)
            {
                for h in loaded {
                    rows.insert(h.id, h);
                }
            }
            for i in range {
                let Some(h) = rows.get(&ids[i]) else {
                    ui.add_space(row_h);
                    continue;
                };
                let dot = if h.read { "   " } else { "• " };
                let star = if h.starred { "  [starred]" } else { "" };
                let style = ui.style();
                let font = egui::TextStyle::Button.resolve(style);
                let color = if h.read {
                    style.visuals.text_color()
                } else {
                    style.visuals.strong_text_color()
                };
                let fmt = egui::TextFormat::simple(font, color);
                let mut title = egui::text::LayoutJob::default();
                title.append(dot, 0.0, fmt.clone());
                reader::append_highlighted(&mut title, &h.title, fmt.clone(), hl, hl_bg);
                title.append(star, 0.0, fmt);
                let meta = format!("{} · {}", h.feed, relative(now, h.published_ts));
                // Right-to-left text is painted by `bidi` over an invisible
                // copy (which keeps the button's size and accessible label).
                let rtl_title = bidi::needs_bidi(&h.title);
                let rtl_meta = bidi::needs_bidi(&h.feed);
                let mut painted = rtl_title.then(|| title.clone());
                if rtl_title {
                    for sec in &mut title.sections {
                        sec.format.color = egui::Color32::TRANSPARENT;
                        sec.format.background = egui::Color32::TRANSPARENT;
                    }
                }
                let meta_text = if rtl_meta {
                    RichText::new(&meta).color(egui::Color32::TRANSPARENT)
                } else {
                    RichText::new(&meta).weak()
                };
                let resp = ui.add_sized(
                    [ui.available_width(), row_h],
                    egui::Button::selectable(selected == Some(i), title).right_text(meta_text),
                );
                let resp = text::tooltip(resp, &h.title);
                if rtl_title || rtl_meta {
                    if selected == Some(i)
                        && let Some(job) = &mut painted
                    {
                        // The selected button's own text colour.
                        let c = ui.style().interact_selectable(&resp, true).text_color();
                        for sec in &mut job.sections {
                            sec.format.color = c;
                        }
                    }
                    bidi_row(
                        ui,
                        resp.rect,
                        painted,
                        &meta,
                        rtl_meta.then_some((&h.feed, &meta)),
                    );
                }
                if resp.clicked() {
                    clicked = Some(i);
                }
            }
        });
        if let Some(i) = clicked {
            self.select_index(i);
        }
    }
}

/// Paints a headline row's right-to-left parts over the button at `rect`:
/// the title (`job`, up to two lines) and the outlet of the meta text.
fn bidi_row(
    ui: &egui::Ui,
    rect: egui::Rect,
    job: Option<egui::text::LayoutJob>,
    meta_full: &str,
    meta: Option<(&String, &String)>,
) {
    let pad = ui.spacing().button_padding;
    let weak = ui.visuals().weak_text_color();
    let font = egui::TextStyle::Button.resolve(ui.style());
    // Width the meta text takes on the right (as the button laid it out),
    // whether it is painted here or by the button.
    let meta_w = ui
        .painter()
        .layout_no_wrap(meta_full.to_string(), font.clone(), weak)
        .size()
        .x;
    if let Some((feed, full)) = meta {
        let time = full.strip_prefix(feed.as_str()).unwrap_or("").to_string();
        let time_g = ui.painter().layout_no_wrap(time, font.clone(), weak);
        let span = bidi::Span {
            range: 0..feed.len(),
            format: egui::TextFormat::simple(font.clone(), weak),
            link: None,
        };
        let face = bidi::rtl_family(feed, None);
        let laid = bidi::lay_out(ui, feed, &[span], f32::INFINITY, &face, 0.0, 1);
        let right = rect.right() - pad.x;
        let name_left = right - time_g.size().x - laid.size.x;
        let y = rect.center().y - laid.size.y / 2.0;
        bidi::paint(ui, &laid, egui::pos2(name_left, y), laid.size.x, weak);
        ui.painter().galley(
            egui::pos2(
                right - time_g.size().x,
                rect.center().y - time_g.size().y / 2.0,
            ),
            time_g,
            weak,
        );
    }
    if let Some(job) = job {
        let width = (rect.width() - 2.0 * pad.x - meta_w - 8.0).max(40.0);
        let spans = bidi::spans_of(&job, &[]);
        let face = bidi::rtl_family(&job.text, None);
        let laid = bidi::lay_out(ui, &job.text, &spans, width, &face, 0.0, 2);
        let y = rect.center().y - laid.size.y / 2.0;
        bidi::paint(ui, &laid, egui::pos2(rect.left() + pad.x, y), width, weak);
    }
}

//! The headline list: one virtualised row per article of the view, rows
//! (and their summary lines) loaded only as they scroll into view. A row:
//! the unread dot in a column of its own, the title on one line with the
//! outlet and age at its right, a drawn star for starred articles, and up
//! to two lines of summary from the clean article's lead (else the feed's
//! text). Right-to-left titles, outlets and summaries are painted by `bidi`.

use egui::{Color32, RichText, Sense, Vec2};

use super::app::KhabarApp;
use super::stories::{self, Line};
use super::text::{self, relative};
use super::{bidi, reader};
use crate::model::{self, Headline, ItemId};

impl KhabarApp {
    pub(super) fn headline_list(&mut self, ui: &mut egui::Ui) {
        let row_h = row_height(ui);
        let now = model::now();
        let selected = self.selected_index();
        let selected_id = self.prefs.selected;
        let mut clicked = None;
        let mut area = egui::ScrollArea::vertical().auto_shrink([false, false]);
        if self.scroll_to_selected {
            if let Some(i) = self.selected_line() {
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
        let count = self.stories.lines(self.ids.len());
        if count == 0 {
            self.empty_list(ui);
            return;
        }
        let ids = &self.ids;
        let rows = &mut self.rows;
        let leads = &mut self.leads;
        let store = &self.store;
        let hl = &self.highlight;
        let hl_bg = reader::highlight_color(ui);
        let st = &mut self.stories;
        let icons = &self.icons;
        area.show_rows(ui, row_h, count, |ui, range| {
            let lines: Vec<Line> = range.clone().map(|i| st.line(i)).collect();
            let missing: Vec<ItemId> = lines
                .iter()
                .filter_map(|l| match l {
                    Line::Row(r) => ids.get(*r).filter(|id| !rows.contains_key(id)).copied(),
                    Line::Child(_) => None,
                })
                .collect();
            if let (false, Some(store)) = (missing.is_empty(), store) {
                super::view::load_rows(store, &missing, rows, leads);
                if st.on {
                    stories::load_meta(
                        store,
                        missing.iter().filter_map(|id| rows.get(id)),
                        &mut st.meta,
                    );
                }
            }
            for line in lines {
                let (h, child, row) = match line {
                    Line::Row(r) => (rows.get(&ids[r]), false, r),
                    Line::Child(c) => (st.expanded.as_ref().and_then(|e| e.items.get(c)), true, 0),
                };
                let Some(h) = h else {
                    ui.add_space(row_h);
                    continue;
                };
                let rs = if child { None } else { st.story_at(row) };
                let badge = rs
                    .and_then(|rs| st.meta.get(&rs.story).copied())
                    .and_then(|(size, outlets)| stories::badge(size, outlets));
                let expanded = !child && st.expanded.as_ref().is_some_and(|e| e.row == row);
                let row_view = Row {
                    h,
                    lead: leads.get(&h.id).map(String::as_str),
                    selected: if child {
                        selected_id == Some(h.id.0)
                    } else {
                        selected == Some(row)
                    },
                    unread: rs.map_or(!h.read, |rs| rs.unread),
                    age: relative(now, h.published_ts),
                    hl,
                    hl_bg,
                    badge: badge.as_deref(),
                    expanded,
                    child,
                    icon: icons.get(h.feed_id),
                };
                let (resp, toggle) = row_view.show(ui, row_h);
                let resp = text::tooltip(resp, &h.title);
                if toggle.is_some_and(|t| t.clicked()) {
                    clicked = Some(Click::Toggle(row));
                } else if resp.clicked() {
                    clicked = Some(if child {
                        Click::Child(h.clone())
                    } else {
                        Click::Row(row)
                    });
                }
            }
        });
        match clicked {
            Some(Click::Row(i)) => self.select_index(i),
            Some(Click::Child(h)) => self.open_report(&h),
            Some(Click::Toggle(i)) => self.toggle_story(i),
            None => {}
        }
    }
}

/// What a click in the list asked for.
enum Click {
    Row(usize),
    Child(Headline),
    Toggle(usize),
}

/// Height of a headline row: a title line and two summary lines.
pub(super) fn row_height(ui: &egui::Ui) -> f32 {
    let title = ui.text_style_height(&egui::TextStyle::Button);
    let small = ui.text_style_height(&egui::TextStyle::Small);
    2.0 * ROW_PAD_Y + title * 1.45 + small * 2.0 * 1.45
}

const ROW_PAD_Y: f32 = 5.0;
/// Width of the unread-dot column, left of every title (also Urdu ones).
const DOT_W: f32 = 14.0;
/// Width of the star column at the right end.
const STAR_W: f32 = 18.0;

/// One headline row, painted by hand: an unread dot in its own column,
/// the title (one line) with the outlet and age at its right, a star
/// column, and up to two lines of summary under the title.
struct Row<'a> {
    h: &'a Headline,
    lead: Option<&'a str>,
    selected: bool,
    /// The dot: the item (or, for a story row, any of its items) is unread.
    unread: bool,
    age: String,
    hl: &'a [String],
    hl_bg: Color32,
    /// "3 outlets" on a story's row (a button that expands it).
    badge: Option<&'a str>,
    expanded: bool,
    /// One outlet's report under an expanded story row (indented).
    child: bool,
    /// The outlet's icon, left of its name.
    icon: Option<egui::TextureId>,
}

/// Indent of an expanded story's reports.
const CHILD_INDENT: f32 = 18.0;

impl Row<'_> {
    /// Draws the row; the second response is the story badge's.
    fn show(&self, ui: &mut egui::Ui, row_h: f32) -> (egui::Response, Option<egui::Response>) {
        let h = self.h;
        let (rect, resp) =
            ui.allocate_exact_size(Vec2::new(ui.available_width(), row_h), Sense::click());
        let label = format!(
            "{}  {} · {}{}{}",
            h.title,
            h.feed,
            self.age,
            self.badge.map(|b| format!(" · {b}")).unwrap_or_default(),
            if h.starred { " (starred)" } else { "" }
        );
        let enabled = ui.is_enabled();
        let selected = self.selected;
        resp.widget_info(|| {
            egui::WidgetInfo::selected(egui::Role::Button, enabled, selected, &label)
        });
        let pad_x = ui.spacing().button_padding.x;
        let small = egui::TextStyle::Small.resolve(ui.style());
        let title_h = ui.text_style_height(&egui::TextStyle::Button) * 1.45;
        let title_mid = rect.top() + ROW_PAD_Y + title_h / 2.0;
        let right = rect.right() - pad_x - STAR_W;
        // The story badge, a button of its own left of the outlet.
        let badge = self.badge.map(|b| {
            let g = ui
                .painter()
                .layout_no_wrap(b.to_string(), small.clone(), Color32::PLACEHOLDER);
            // On the row's last line, under the title and one summary line.
            let w = g.size().x + 20.0;
            let r = egui::Rect::from_min_size(
                egui::pos2(
                    rect.left() + pad_x + DOT_W,
                    rect.bottom() - ROW_PAD_Y - 17.0,
                ),
                Vec2::new(w, 17.0),
            );
            let bresp = ui.interact(r, resp.id.with("story"), Sense::click());
            let what = if self.expanded { "Hide" } else { "Show" };
            let name = format!("{what} {b}");
            bresp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, enabled, &name));
            (r, g, bresp)
        });
        if !ui.is_rect_visible(rect) {
            return (resp, badge.map(|b| b.2));
        }
        let visuals = ui.style().interact_selectable(&resp, selected);
        if selected || resp.hovered() {
            ui.painter()
                .rect_filled(rect, visuals.corner_radius, visuals.weak_bg_fill);
        }
        let (title_c, weak_c, accent) = if selected {
            let c = visuals.text_color();
            (c, c.gamma_multiply(0.8), c)
        } else if !self.unread {
            let v = ui.visuals();
            (v.text_color(), v.weak_text_color(), v.hyperlink_color)
        } else {
            let v = ui.visuals();
            (
                v.strong_text_color(),
                v.weak_text_color(),
                v.hyperlink_color,
            )
        };
        let title_font = egui::TextStyle::Button.resolve(ui.style());
        let indent = if self.child { CHILD_INDENT } else { 0.0 };
        let left = rect.left() + pad_x + DOT_W + indent;
        if self.child {
            // A thin rule joins the reports to their story's row.
            let x = rect.left() + pad_x + 5.0;
            ui.painter().line_segment(
                [egui::pos2(x, rect.top()), egui::pos2(x, rect.bottom())],
                egui::Stroke::new(1.0, weak_c.gamma_multiply(0.5)),
            );
        }
        if self.unread {
            ui.painter().circle_filled(
                egui::pos2(rect.left() + pad_x + 5.0 + indent, title_mid),
                3.5,
                accent,
            );
        }
        if h.starred {
            star(ui, egui::pos2(right + STAR_W / 2.0, title_mid), 6.0);
        }
        // Outlet and age at the right of the title line.
        let age = ui
            .painter()
            .layout_no_wrap(self.age.clone(), small.clone(), weak_c);
        let mut x = right - age.size().x;
        ui.painter()
            .galley(egui::pos2(x, title_mid - age.size().y / 2.0), age, weak_c);
        // The separator is its own piece: at the end of a right-to-left
        // outlet name its space would be dropped.
        let sep = ui
            .painter()
            .layout_no_wrap(" · ".to_string(), small.clone(), weak_c);
        x -= sep.size().x;
        ui.painter()
            .galley(egui::pos2(x, title_mid - sep.size().y / 2.0), sep, weak_c);
        let outlet_max = ((right - left) * 0.4).max(40.0);
        let badge_resp = badge.map(|(r, g, bresp)| {
            let fill = if bresp.hovered() {
                accent.gamma_multiply(0.35)
            } else {
                accent.gamma_multiply(0.18)
            };
            ui.painter().rect_filled(r, 9.0, fill);
            ui.painter().galley(
                egui::pos2(r.left() + 7.0, r.center().y - g.size().y / 2.0),
                g,
                title_c,
            );
            // A drawn triangle: right when folded, down when expanded.
            let c = egui::pos2(r.right() - 8.0, r.center().y);
            let pts = if self.expanded {
                vec![
                    c + Vec2::new(-3.5, -2.0),
                    c + Vec2::new(3.5, -2.0),
                    c + Vec2::new(0.0, 2.5),
                ]
            } else {
                vec![
                    c + Vec2::new(-2.0, -3.5),
                    c + Vec2::new(2.5, 0.0),
                    c + Vec2::new(-2.0, 3.5),
                ]
            };
            ui.painter().add(egui::Shape::convex_polygon(
                pts,
                title_c,
                egui::Stroke::NONE,
            ));
            bresp
        });
        x -= right_aligned(
            ui,
            &h.feed,
            egui::TextFormat::simple(small.clone(), weak_c),
            (x - outlet_max, x),
            title_mid,
        );
        if let Some(tex) = self.icon {
            // At the height of the outlet's text line.
            let side = small.size + 2.0;
            x -= side + 4.0;
            super::icons::paint(ui, tex, egui::pos2(x + side / 2.0, title_mid), side);
        }
        // The title, one line, in what is left.
        let mut job = egui::text::LayoutJob::default();
        let fmt = egui::TextFormat::simple(title_font, title_c);
        reader::append_highlighted(&mut job, &h.title, fmt, self.hl, self.hl_bg);
        paint_job(ui, job, (left, x - 8.0), title_mid, 1, title_c);
        // Up to two lines of summary under it.
        if let Some(lead) = self.lead {
            let job = egui::text::LayoutJob::simple_format(
                lead.to_string(),
                egui::TextFormat::simple(small, weak_c),
            );
            let top = rect.top() + ROW_PAD_Y + title_h;
            let lines = if badge_resp.is_some() { 1 } else { 2 };
            paint_block(ui, job, (left, right), (top, rect.bottom()), lines, weak_c);
        }
        (resp, badge_resp)
    }
}

/// Paints `text` on one line at the right end of `span` (x from, x to),
/// centred on `mid`, right to left when it needs it; returns the width used.
fn right_aligned(
    ui: &egui::Ui,
    text: &str,
    fmt: egui::TextFormat,
    span: (f32, f32),
    mid: f32,
) -> f32 {
    let width = (span.1 - span.0).max(0.0);
    let color = fmt.color;
    let job = egui::text::LayoutJob::single_section(text.to_string(), fmt);
    if bidi::needs_bidi(text) {
        let spans = bidi::spans_of(&job, &[]);
        let face = bidi::rtl_family(text, None);
        let laid = bidi::lay_out(ui, text, &spans, width, &face, 0.0, 1);
        let w = laid.size.x.min(width);
        let x = span.1 - w;
        bidi::paint(ui, &laid, egui::pos2(x, mid - laid.size.y / 2.0), w, color);
        return w;
    }
    let g = ui.painter().layout_job(clipped(job, width, 1));
    let w = g.size().x;
    let x = span.1 - w;
    ui.painter()
        .galley(egui::pos2(x, mid - g.size().y / 2.0), g, color);
    w
}

/// `job` wrapped to `width`, at most `rows` rows, cut with "…".
fn clipped(mut job: egui::text::LayoutJob, width: f32, rows: usize) -> egui::text::LayoutJob {
    job.wrap = egui::text::TextWrapping {
        max_width: width.max(1.0),
        max_rows: rows,
        break_anywhere: rows == 1,
        overflow_character: Some('…'),
    };
    job
}

/// Paints a styled one-line job (the title) in `span`, centred on `mid`.
fn paint_job(
    ui: &egui::Ui,
    job: egui::text::LayoutJob,
    span: (f32, f32),
    mid: f32,
    rows: usize,
    color: Color32,
) {
    let width = (span.1 - span.0).max(1.0);
    if bidi::needs_bidi(&job.text) {
        let spans = bidi::spans_of(&job, &[]);
        let face = bidi::rtl_family(&job.text, None);
        let laid = bidi::lay_out(ui, &job.text, &spans, width, &face, 0.0, rows);
        bidi::paint(
            ui,
            &laid,
            egui::pos2(span.0, mid - laid.size.y / 2.0),
            width,
            color,
        );
        return;
    }
    let g = ui.painter().layout_job(clipped(job, width, rows));
    ui.painter()
        .galley(egui::pos2(span.0, mid - g.size().y / 2.0), g, color);
}

/// Paints a wrapped job (the summary) in `span` between `top` and `bottom`
/// (y), at most `rows` lines: fewer when the lines are too tall to fit
/// (Nastaliq lines are about half as tall again as Latin ones).
fn paint_block(
    ui: &egui::Ui,
    job: egui::text::LayoutJob,
    span: (f32, f32),
    (top, bottom): (f32, f32),
    rows: usize,
    color: Color32,
) {
    let width = (span.1 - span.0).max(1.0);
    if bidi::needs_bidi(&job.text) {
        let spans = bidi::spans_of(&job, &[]);
        let face = bidi::rtl_family(&job.text, None);
        let mut laid = bidi::lay_out(ui, &job.text, &spans, width, &face, 0.0, rows);
        if laid.size.y > bottom - top && rows > 1 {
            laid = bidi::lay_out(ui, &job.text, &spans, width, &face, 0.0, rows - 1);
        }
        bidi::paint(ui, &laid, egui::pos2(span.0, top), width, color);
        return;
    }
    let g = ui.painter().layout_job(clipped(job, width, rows));
    ui.painter().galley(egui::pos2(span.0, top), g, color);
}

/// A filled five-pointed star of outer radius `r` at `c` (drawn, so it
/// needs no font with a star glyph): a pentagon and five points, each a
/// convex polygon.
fn star(ui: &egui::Ui, c: egui::Pos2, r: f32) {
    let gold = Color32::from_rgb(0xe8, 0xa3, 0x17);
    let inner = r * 0.42;
    let at = |k: usize, radius: f32| {
        let a = -std::f32::consts::FRAC_PI_2 + k as f32 * std::f32::consts::PI / 5.0;
        c + radius * Vec2::new(a.cos(), a.sin())
    };
    let pentagon: Vec<egui::Pos2> = (0..5).map(|k| at(2 * k + 1, inner)).collect();
    let painter = ui.painter();
    painter.add(egui::Shape::convex_polygon(
        pentagon,
        gold,
        egui::Stroke::NONE,
    ));
    for k in 0..5 {
        let tip = at(2 * k, r);
        let a = at((2 * k + 9) % 10, inner);
        let b = at(2 * k + 1, inner);
        painter.add(egui::Shape::convex_polygon(
            vec![a, tip, b],
            gold,
            egui::Stroke::new(0.5, gold),
        ));
    }
}

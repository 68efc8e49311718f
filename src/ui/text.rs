//! Fonts and text: the Arabic-script faces, short relative times, and the
//! one text widget for user-visible strings that may hold right-to-left
//! text (outlet and folder names, topics, titles in tooltips, messages).
//!
//! egui shapes Arabic-script words but lays them out in logical order, so
//! "ڈیمو نیوز اردو" in a plain label reads backwards. [`label`],
//! [`checkbox`], [`selectable`], [`selectable_value`], [`combo`] and
//! [`tooltip`] take what egui's own widgets take (`impl Into<RichText>`).
//! Text with no right-to-left letter goes straight to egui's widget,
//! unchanged. Otherwise egui's widget is drawn with an invisible copy of
//! the text (which keeps its size, its hover and click, and its accessible
//! label in logical order) and [`bidi`] paints the words over it in visual
//! order, in the Urdu or Arabic face.

use egui::text::LayoutJob;
use egui::{Color32, FontSelection, Response, RichText, Sense, TextStyle, Ui};

use super::bidi;

/// `text` as [`bidi`] lays it out: its string and one span per style.
fn lay(
    ui: &Ui,
    text: RichText,
    font: FontSelection,
    width: f32,
    max_lines: usize,
) -> (String, std::sync::Arc<bidi::Laid>) {
    let mut job = LayoutJob::default();
    text.append_to(&mut job, ui.style(), font, egui::Align::Center);
    let spans = bidi::spans_of(&job, &[]);
    let face = bidi::rtl_family(&job.text, None);
    let laid = bidi::lay_out(ui, &job.text, &spans, width, &face, 0.0, max_lines);
    (job.text, laid)
}

/// Paints `text` on one line from `left`, centred vertically on `resp`.
fn paint_over(
    ui: &Ui,
    resp: &Response,
    left: f32,
    text: RichText,
    font: FontSelection,
    color: Color32,
) {
    let (_, laid) = lay(ui, text, font, f32::INFINITY, 1);
    let y = resp.rect.center().y - laid.size.y / 2.0;
    bidi::paint(ui, &laid, egui::pos2(left, y), laid.size.x, color);
}

/// Whether `text` needs [`bidi`] (has a right-to-left letter).
fn rtl(text: &RichText) -> bool {
    bidi::needs_bidi(text.text())
}

/// A label (wrapped to the available width; right-to-left lines aligned
/// right), labelled with its logical text.
pub fn label(ui: &mut Ui, text: impl Into<RichText>) -> Response {
    let text = text.into();
    if !rtl(&text) {
        return ui.label(text);
    }
    let (logical, laid) = lay(ui, text, FontSelection::Default, ui.available_width(), 0);
    let (rect, resp) = ui.allocate_exact_size(laid.size, Sense::click());
    let enabled = ui.is_enabled();
    resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, enabled, &logical));
    bidi::paint(ui, &laid, rect.min, rect.width(), ui.visuals().text_color());
    resp
}

/// A checkbox whose label may be right to left.
pub fn checkbox(ui: &mut Ui, checked: &mut bool, text: impl Into<RichText>) -> Response {
    let text = text.into();
    if !rtl(&text) {
        return ui.checkbox(checked, text);
    }
    let resp = ui.checkbox(checked, text.clone().color(Color32::TRANSPARENT));
    // The label starts after the box and the gap (egui's checkbox style).
    let left = resp.rect.left() + ui.spacing().icon_width + ui.spacing().icon_spacing;
    let color = ui.style().interact(&resp).text_color();
    paint_over(
        ui,
        &resp,
        left,
        text,
        FontSelection::Style(TextStyle::Body),
        color,
    );
    resp
}

/// A selectable label (a button that shows whether it is chosen).
pub fn selectable(ui: &mut Ui, selected: bool, text: impl Into<RichText>) -> Response {
    let text = text.into();
    if !rtl(&text) {
        return ui.selectable_label(selected, text);
    }
    let resp = ui.selectable_label(selected, text.clone().color(Color32::TRANSPARENT));
    let left = resp.rect.left() + ui.spacing().button_padding.x;
    let color = ui.style().interact_selectable(&resp, selected).text_color();
    paint_over(
        ui,
        &resp,
        left,
        text,
        FontSelection::Style(TextStyle::Button),
        color,
    );
    resp
}

/// [`selectable`] that sets `current` to `value` when clicked (as
/// [`Ui::selectable_value`]).
pub fn selectable_value<V: PartialEq>(
    ui: &mut Ui,
    current: &mut V,
    value: V,
    text: impl Into<RichText>,
) -> Response {
    let mut resp = selectable(ui, *current == value, text);
    if resp.clicked() && *current != value {
        *current = value;
        resp.mark_changed();
    }
    resp
}

/// A combo box whose shown choice may be right to left; `add_contents`
/// lists the choices (with [`selectable_value`]).
pub fn combo(
    ui: &mut Ui,
    id_salt: &str,
    shown: impl Into<RichText>,
    add_contents: impl FnOnce(&mut Ui),
) -> Response {
    let shown = shown.into();
    let right_to_left = rtl(&shown);
    let visible = if right_to_left {
        shown.clone().color(Color32::TRANSPARENT)
    } else {
        shown.clone()
    };
    let resp = egui::ComboBox::from_id_salt(id_salt)
        .selected_text(visible)
        .show_ui(ui, add_contents)
        .response;
    if right_to_left {
        let left = resp.rect.left() + ui.spacing().button_padding.x;
        let color = ui.style().interact(&resp).text_color();
        paint_over(
            ui,
            &resp,
            left,
            shown,
            FontSelection::Style(TextStyle::Button),
            color,
        );
    }
    resp
}

/// A tooltip whose text may be right to left.
pub fn tooltip(resp: Response, text: impl Into<RichText>) -> Response {
    let text = text.into();
    if !rtl(&text) {
        return resp.on_hover_text(text);
    }
    resp.on_hover_ui(|ui| {
        label(ui, text);
    })
}

/// Installs the Arabic-script faces (OFL, in `assets/fonts`):
/// - Noto Naskh Arabic after egui's own faces in every family, so a stray
///   Arabic letter anywhere has a glyph;
/// - a family [`bidi::URDU`] with Noto Nastaliq Urdu first and one
///   [`bidi::ARABIC`] with Noto Naskh Arabic first, which [`bidi`] uses for
///   right-to-left runs only (Latin text keeps the Latin face).
pub fn install_fonts(ctx: &egui::Context) {
    let mut defs = egui::FontDefinitions::default();
    defs.font_data.insert(
        "naskh".into(),
        std::sync::Arc::new(egui::FontData::from_static(include_bytes!(
            "../../assets/fonts/NotoNaskhArabic-Regular.ttf"
        ))),
    );
    defs.font_data.insert(
        "nastaliq".into(),
        std::sync::Arc::new(egui::FontData::from_static(include_bytes!(
            "../../assets/fonts/NotoNastaliqUrdu-Regular.ttf"
        ))),
    );
    let latin = defs
        .families
        .get(&egui::FontFamily::Proportional)
        .cloned()
        .unwrap_or_default();
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        defs.families
            .entry(family)
            .or_default()
            .push("naskh".into());
    }
    let with_first = |first: &str| {
        let mut v = vec![first.to_string(), "naskh".to_string()];
        v.extend(latin.iter().cloned());
        v.dedup();
        v
    };
    defs.families.insert(
        egui::FontFamily::Name(bidi::URDU.into()),
        with_first("nastaliq"),
    );
    defs.families.insert(
        egui::FontFamily::Name(bidi::ARABIC.into()),
        with_first("naskh"),
    );
    ctx.set_fonts(defs);
}

/// "5m", "3h", "2d".
pub fn relative(now: i64, t: i64) -> String {
    match (now - t).max(0) {
        s if s < 60 => "now".into(),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86_400 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}

//! Fonts and text: the Arabic-script faces, and short relative times.

use super::bidi;

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

//! Bidirectional paragraph layout (UAX #9), independent of any GUI.
//!
//! egui shapes Arabic-script text but does not reorder it. This module does
//! the part egui lacks, following the usual order of a text engine:
//! 1. the paragraph's direction comes from its first strong character
//!    (rules P2-P3, like HTML `dir=auto`), with `unicode-bidi`;
//! 2. lines are broken in *logical* order at spaces (and at forced breaks),
//!    with widths from the caller's font measurements;
//! 3. each line is reordered *visually*: `unicode-bidi` gives its level runs
//!    in visual order (rules L1-L2), and each run is cut at the caller's
//!    style boundaries (links, emphasis, highlights), the pieces of a
//!    right-to-left run placed right to left.
//!
//! A piece keeps its text in logical order: the shaper (harfrust, in egui)
//! lays a right-to-left piece out right to left and joins its letters.
//! Copying uses the logical text, never the visual order.

use std::ops::Range;

use unicode_bidi::ParagraphBidiInfo;

/// One piece of a line: text of one direction and one style.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    /// Byte range in the paragraph text (logical order inside).
    pub range: Range<usize>,
    /// Laid out right to left.
    pub rtl: bool,
    /// Index of the caller's style span it belongs to.
    pub style: usize,
    /// Measured width.
    pub width: f32,
}

/// One line: pieces in visual order, left to right.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Line {
    /// Pieces, left to right.
    pub pieces: Vec<Piece>,
    /// Sum of the pieces' widths.
    pub width: f32,
    /// The line's byte range in the paragraph (logical).
    pub range: Range<usize>,
}

/// A laid-out paragraph.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Paragraph {
    /// The paragraph runs right to left (align its lines right).
    pub rtl: bool,
    /// Lines, top to bottom.
    pub lines: Vec<Line>,
}

/// Whether the text's first strong character is right-to-left (rule P2).
pub fn is_rtl(text: &str) -> bool {
    for c in text.chars() {
        use unicode_bidi::BidiClass::*;
        match unicode_bidi::bidi_class(c) {
            L => return false,
            R | AL => return true,
            _ => {}
        }
    }
    false
}

/// Whether `c` is in an Arabic-script block.
pub fn is_arabic_script(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}'
        | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

/// The style index of the span holding byte `pos` (0 outside every span).
fn style_at(styles: &[(Range<usize>, usize)], pos: usize) -> usize {
    styles
        .iter()
        .find(|(r, _)| r.contains(&pos))
        .map_or(0, |(_, s)| *s)
}

/// Lays out `text` in lines at most `max_width` wide.
///
/// `styles` are (byte range, style index) spans covering the text in order;
/// `measure(text, style, rtl)` returns the width of a piece laid out alone.
/// A word wider than a line gets a line of its own. `\n` forces a break.
pub fn layout(
    text: &str,
    styles: &[(Range<usize>, usize)],
    max_width: f32,
    measure: &mut dyn FnMut(&str, usize, bool) -> f32,
) -> Paragraph {
    if text.is_empty() {
        return Paragraph::default();
    }
    // Overrides and isolates would reorder the text (rules X1-X10): each
    // becomes an invisible word joiner of the same length, so the caller's
    // byte ranges still hold and the text shows in its own order.
    let shown = neutralise_in_place(text);
    let text: &str = &shown;
    let info = ParagraphBidiInfo::new(text, None);
    let rtl = info.paragraph_level.is_rtl();
    let style_at = |pos: usize| style_at(styles, pos);
    // Break opportunities: after each run of spaces; forced at '\n'.
    let mut ranges = Vec::new();
    let mut line_start = 0usize;
    let mut line_width = 0f32;
    let mut pos = 0usize;
    let bytes_end = text.len();
    while pos < bytes_end {
        // The next word: non-space characters, then the spaces after it.
        let rest = &text[pos..];
        if rest.starts_with('\n') {
            ranges.push(line_start..trim_end(text, line_start, pos));
            pos += 1;
            line_start = pos;
            line_width = 0.0;
            continue;
        }
        let word_len = rest.find([' ', '\n', '\t']).unwrap_or(rest.len());
        let space_len = rest[word_len..]
            .find(|c: char| c != ' ' && c != '\t')
            .unwrap_or(rest.len() - word_len);
        let word = pos..pos + word_len;
        let w = measure_range(text, word.clone(), &info, styles, measure);
        let space_w = if space_len > 0 {
            measure(
                &text[word.end..word.end + space_len],
                style_at(word.end),
                rtl,
            )
        } else {
            0.0
        };
        if line_width > 0.0 && line_width + w > max_width {
            ranges.push(line_start..trim_end(text, line_start, pos));
            line_start = pos;
            line_width = 0.0;
        }
        line_width += w + space_w;
        pos = word.end + space_len;
    }
    if line_start < bytes_end {
        ranges.push(line_start..trim_end(text, line_start, bytes_end));
    }
    let lines = ranges
        .into_iter()
        .map(|r| line_pieces(text, r, &info, styles, measure))
        .collect();
    Paragraph { rtl, lines }
}

/// The pieces of one logical line range, in visual order, measured.
fn line_pieces(
    text: &str,
    range: Range<usize>,
    info: &ParagraphBidiInfo<'_>,
    styles: &[(Range<usize>, usize)],
    measure: &mut dyn FnMut(&str, usize, bool) -> f32,
) -> Line {
    let style_at = |pos: usize| style_at(styles, pos);
    let mut line = Line {
        range: range.clone(),
        ..Default::default()
    };
    if range.is_empty() {
        return line;
    }
    let (levels, runs) = info.visual_runs(range.clone());
    for run in runs {
        let run_rtl = levels[run.start].is_rtl();
        // Cut the run at style boundaries, in logical order.
        let mut cuts = vec![run.start];
        for (r, _) in styles {
            for b in [r.start, r.end] {
                if b > run.start && b < run.end {
                    cuts.push(b);
                }
            }
        }
        cuts.push(run.end);
        cuts.sort_unstable();
        cuts.dedup();
        let mut pieces: Vec<Piece> = cuts
            .windows(2)
            .map(|w| {
                let style = style_at(w[0]);
                Piece {
                    range: w[0]..w[1],
                    rtl: run_rtl,
                    style,
                    width: measure(&text[w[0]..w[1]], style, run_rtl),
                }
            })
            .collect();
        if run_rtl {
            pieces.reverse();
        }
        for p in pieces {
            line.width += p.width;
            line.pieces.push(p);
        }
    }
    line
}

/// The end of `start..end` without trailing spaces.
fn trim_end(text: &str, start: usize, end: usize) -> usize {
    start + text[start..end].trim_end_matches([' ', '\t']).len()
}

/// Width of a logical range (one word): its pieces by level and style.
fn measure_range(
    text: &str,
    range: Range<usize>,
    info: &ParagraphBidiInfo<'_>,
    styles: &[(Range<usize>, usize)],
    measure: &mut dyn FnMut(&str, usize, bool) -> f32,
) -> f32 {
    if range.is_empty() {
        return 0.0;
    }
    let mut total = 0.0;
    let mut start = range.start;
    let style_at = |pos: usize| style_at(styles, pos);
    let mut i = range.start;
    while i < range.end {
        let next = i + text[i..].chars().next().map_or(1, char::len_utf8);
        let boundary = next >= range.end
            || info.levels[next] != info.levels[start]
            || style_at(next) != style_at(start);
        if boundary {
            let end = next.min(range.end);
            total += measure(
                &text[start..end],
                style_at(start),
                info.levels[start].is_rtl(),
            );
            start = end;
        }
        i = next;
    }
    total
}

/// The visual order of a laid-out line as a string: each piece's
/// characters, reversed for right-to-left pieces (for tests and debugging;
/// mirrored brackets are not mirrored here).
pub fn visual_string(text: &str, line: &Line) -> String {
    let mut out = String::new();
    for p in &line.pieces {
        let s = &text[p.range.clone()];
        if p.rtl {
            out.extend(s.chars().rev());
        } else {
            out.push_str(s);
        }
    }
    out
}

/// Whether `c` is a directional embedding, override or isolate control
/// (U+202A-202E, U+2066-2069): characters that reorder the text around them.
pub fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` for display, without its embedding, override and isolate controls,
/// so that a title such as "moc.knab\u{202E}" cannot show itself as another
/// string: what is shown is the text's own order. The marks LRM, RLM and ALM
/// (U+200E, U+200F, U+061C) stay: they only settle neutral characters next
/// to them, and Urdu and Arabic text uses them legitimately. Stored text
/// keeps everything; this is for what is shown.
pub fn neutralise(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_direction_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.chars().filter(|c| !is_direction_control(*c)).collect())
}

/// What stands in for a control in [`neutralise_in_place`]: WORD JOINER,
/// boundary-neutral (class BN, no effect on ordering), zero width, and,
/// like every control it replaces, three bytes of UTF-8.
pub const CONTROL_STAND_IN: char = '\u{2060}';

/// [`neutralise`] that keeps every byte position: each control becomes
/// [`CONTROL_STAND_IN`], so byte ranges into `text` (styles, links) still
/// hold in the result. For layout; borrows when there is no control.
pub fn neutralise_in_place(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_direction_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| {
                if is_direction_control(c) {
                    CONTROL_STAND_IN
                } else {
                    c
                }
            })
            .collect(),
    )
}

/// [`neutralise`] on bytes that may not be UTF-8 (the command line's output):
/// the controls' UTF-8 sequences are removed, every other byte is kept.
pub fn neutralise_bytes(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    // U+202A-202E: E2 80 AA-AE; U+2066-2069: E2 81 A6-A9.
    let control = |w: &[u8]| {
        w[0] == 0xE2
            && ((w[1] == 0x80 && (0xAA..=0xAE).contains(&w[2]))
                || (w[1] == 0x81 && (0xA6..=0xA9).contains(&w[2])))
    };
    if !bytes.windows(3).any(control) {
        return std::borrow::Cow::Borrowed(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes.len() - i >= 3 && control(&bytes[i..i + 3]) {
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_controls_are_neutralised_for_display() {
        // An override that would show "evil.example" as "elpmaxe.live".
        let spoof = "\u{202E}elpmaxe.live\u{202C} news";
        assert_eq!(neutralise(spoof), "elpmaxe.live news");
        // Isolates too; marks and other text stay.
        let iso = "a\u{2066}b\u{2067}c\u{2068}d\u{2069}e\u{200F}f\u{061C}";
        assert_eq!(neutralise(iso), "abcde\u{200F}f\u{061C}");
        assert!(matches!(
            neutralise("خبریں today"),
            std::borrow::Cow::Borrowed(_)
        ));
        for c in ['\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}'] {
            assert!(is_direction_control(c));
        }
        assert!(!is_direction_control('\u{200E}'));
    }

    #[test]
    fn bytes_lose_only_the_controls() {
        let mut b = "x\u{202E}y\u{2069}z\u{2014}".as_bytes().to_vec();
        b.push(0xFF);
        b.extend_from_slice(&[0xE2, 0x80]);
        let out = neutralise_bytes(&b);
        let mut want = "xyz\u{2014}".as_bytes().to_vec();
        want.extend_from_slice(&[0xFF, 0xE2, 0x80]);
        assert_eq!(out.as_ref(), want.as_slice());
        assert!(matches!(
            neutralise_bytes(b"plain"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn in_place_neutralising_keeps_byte_positions() {
        let text = "a\u{202E}bc\u{2066}d";
        let out = neutralise_in_place(text);
        assert_eq!(out.len(), text.len());
        assert_eq!(out, "a\u{2060}bc\u{2060}d");
        for (c, _) in text.char_indices() {
            assert!(out.is_char_boundary(c));
        }
        assert!(matches!(
            neutralise_in_place("plain"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn an_override_in_right_to_left_text_does_not_reorder_the_line() {
        // "ایران" then an override and a Latin host: with U+202E applied,
        // "bank.example" would show reversed ("elpmaxe.knab").
        let plain = "ایران \u{2060}bank.example";
        let spoof = "ایران \u{202E}bank.example";
        let (_, want) = lines(plain, 1000.0);
        let p = layout(spoof, &[(0..spoof.len(), 0)], 1000.0, &mut unit);
        let got: Vec<String> = p
            .lines
            .iter()
            .map(|l| visual_string(&neutralise_in_place(spoof), l))
            .collect();
        assert_eq!(got, want);
        assert!(got[0].contains("bank.example"), "{got:?}");
        // Isolates neither: "\u{2067}" would make the host a right-to-left run.
        let iso = "ایران \u{2067}bank.example\u{2069} خبر";
        let p = layout(iso, &[(0..iso.len(), 0)], 1000.0, &mut unit);
        let shown = neutralise_in_place(iso);
        assert!(visual_string(&shown, &p.lines[0]).contains("bank.example"));
        // Without neutralising, unicode-bidi does apply the override.
        let info = ParagraphBidiInfo::new(spoof, None);
        assert!(info.reorder_line(0..spoof.len()).contains("elpmaxe.knab"));
    }

    /// Every character one unit wide.
    fn unit(s: &str, _style: usize, _rtl: bool) -> f32 {
        s.chars().count() as f32
    }

    fn lines(text: &str, width: f32) -> (bool, Vec<String>) {
        let p = layout(text, &[(0..text.len(), 0)], width, &mut unit);
        (
            p.rtl,
            p.lines.iter().map(|l| visual_string(text, l)).collect(),
        )
    }

    // Cases in the manner of BidiCharacterTest.txt: input (logical),
    // resolved paragraph direction, visual order. Expected strings were
    // worked out by hand with the UAX #9 rules (W1-W7, N1-N2, I1-I2, L1-L2)
    // and are also checked against unicode-bidi's own reordering below.
    const CASES: &[(&str, bool, &str)] = &[
        // Plain Urdu: one right-to-left run.
        ("ایران اور روس", true, "سور روا ناریا"),
        // Digits (EN) inside Urdu keep their order (level 2).
        ("سال 2024 میں", true, "ںیم 2024 لاس"),
        // Latin inside Urdu keeps its order; the run sits where Urdu puts it.
        ("PTI کا جلسہ", false, "PTI ہسلج اک"),
        ("جلسہ PTI-2 کا", true, "اک PTI-2 ہسلج"),
        // Urdu inside English.
        ("Talks in تہران today", false, "Talks in نارہت today"),
        // Eastern Arabic digits stay left to right.
        ("سال ۲۰۲۴ میں", true, "ںیم ۲۰۲۴ لاس"),
        // Neutral punctuation between right-to-left words takes their direction.
        ("ایران، روس", true, "سور ،ناریا"),
        // No strong character: left to right.
        ("2024 - 2025", false, "2024 - 2025"),
    ];

    #[test]
    fn lines_are_in_uax9_visual_order() {
        for (text, rtl, visual) in CASES {
            let (para_rtl, got) = lines(text, 1000.0);
            assert_eq!(para_rtl, *rtl, "{text}");
            assert_eq!(got, [*visual], "{text}");
            // unicode-bidi's reorder_line (tested upstream against
            // BidiCharacterTest.txt) agrees.
            let info = ParagraphBidiInfo::new(text, None);
            assert_eq!(info.reorder_line(0..text.len()), *visual, "{text}");
        }
    }

    #[test]
    fn wrapped_right_to_left_paragraphs_start_with_their_first_words() {
        // Each word is 4 or 3 units; a line holds 9.
        let text = "ایران اور روس کے درمیان";
        let (rtl, got) = lines(text, 9.0);
        assert!(rtl);
        // The first line holds the first words (logical order), shown
        // right to left; no line starts with the paragraph's end.
        assert_eq!(got, ["روا ناریا", "ےک سور", "نایمرد"]);
    }

    #[test]
    fn wrapping_breaks_logically_in_mixed_lines() {
        let text = "وزیر اعظم نے 2024 میں PTI سے بات کی";
        let (_, got) = lines(text, 14.0);
        let info = ParagraphBidiInfo::new(text, None);
        // Each line equals unicode-bidi's reordering of that logical line.
        let p = layout(text, &[(0..text.len(), 0)], 14.0, &mut unit);
        for (line, visual) in p.lines.iter().zip(&got) {
            assert_eq!(info.reorder_line(line.range.clone()), visual.as_str());
        }
        assert!(got.len() > 1);
        assert!(got.iter().any(|l| l.contains("2024")), "{got:?}");
    }

    #[test]
    fn styles_cut_pieces_and_survive_reordering() {
        // A link over "روس" and emphasis over "2024".
        let text = "ایران اور روس 2024";
        let link = text.find("روس").unwrap();
        let em = text.find("2024").unwrap();
        let styles = [
            (0..link, 0),
            (link..link + "روس".len(), 1),
            (link + "روس".len()..em, 0),
            (em..text.len(), 2),
        ];
        let p = layout(text, &styles, 1000.0, &mut unit);
        let line = &p.lines[0];
        assert_eq!(visual_string(text, line), "2024 سور روا ناریا");
        let styled: Vec<(usize, &str)> = line
            .pieces
            .iter()
            .map(|pc| (pc.style, &text[pc.range.clone()]))
            .collect();
        assert!(styled.contains(&(1, "روس")), "{styled:?}");
        assert!(styled.contains(&(2, "2024")), "{styled:?}");
        // Left to right on screen: the number, then the Urdu from its end.
        assert_eq!(styled.first(), Some(&(2, "2024")));
    }

    #[test]
    fn forced_breaks_and_empty_text() {
        let (_, got) = lines("one\ntwo", 100.0);
        assert_eq!(got, ["one", "two"]);
        assert!(layout("", &[], 10.0, &mut unit).lines.is_empty());
        assert!(is_rtl("  ۔ روس"));
        assert!(!is_rtl("123 abc روس"));
    }
}

//! An article's language as a two-letter code ("en", "ur", "ar"): the
//! declared one (feed `<language>`, page `lang`) when there is one, else
//! detected from the text with `whatlang`.

/// ISO 639-3 (whatlang) to ISO 639-1.
const CODES: &[(&str, &str)] = &[
    ("afr", "af"),
    ("aka", "ak"),
    ("amh", "am"),
    ("ara", "ar"),
    ("aze", "az"),
    ("bel", "be"),
    ("ben", "bn"),
    ("bul", "bg"),
    ("cat", "ca"),
    ("ces", "cs"),
    ("cmn", "zh"),
    ("cym", "cy"),
    ("dan", "da"),
    ("deu", "de"),
    ("ell", "el"),
    ("eng", "en"),
    ("epo", "eo"),
    ("est", "et"),
    ("fin", "fi"),
    ("fra", "fr"),
    ("guj", "gu"),
    ("heb", "he"),
    ("hin", "hi"),
    ("hrv", "hr"),
    ("hun", "hu"),
    ("hye", "hy"),
    ("ind", "id"),
    ("ita", "it"),
    ("jav", "jv"),
    ("jpn", "ja"),
    ("kan", "kn"),
    ("kat", "ka"),
    ("khm", "km"),
    ("kor", "ko"),
    ("lat", "la"),
    ("lav", "lv"),
    ("lit", "lt"),
    ("mal", "ml"),
    ("mar", "mr"),
    ("mkd", "mk"),
    ("mya", "my"),
    ("nep", "ne"),
    ("nld", "nl"),
    ("nob", "nb"),
    ("ori", "or"),
    ("pan", "pa"),
    ("pes", "fa"),
    ("pol", "pl"),
    ("por", "pt"),
    ("ron", "ro"),
    ("rus", "ru"),
    ("sin", "si"),
    ("slk", "sk"),
    ("slv", "sl"),
    ("sna", "sn"),
    ("spa", "es"),
    ("srp", "sr"),
    ("swe", "sv"),
    ("tam", "ta"),
    ("tel", "te"),
    ("tgl", "tl"),
    ("tha", "th"),
    ("tuk", "tk"),
    ("tur", "tr"),
    ("ukr", "uk"),
    ("urd", "ur"),
    ("uzb", "uz"),
    ("vie", "vi"),
    ("yid", "yi"),
    ("zul", "zu"),
];

/// A declared language tag ("en-US", "ur_PK", "URD") as a two-letter code.
pub fn from_declared(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    match primary.len() {
        2 if primary.bytes().all(|b| b.is_ascii_lowercase()) => Some(primary),
        3 => CODES
            .iter()
            .find(|(three, _)| *three == primary)
            .map(|(_, two)| (*two).to_string()),
        _ => None,
    }
}

/// Bytes of text looked at: a headline and a paragraph are plenty, and
/// detection time grows with the sample.
const SAMPLE: usize = 800;

/// Detects the language of `text` (its first few hundred characters);
/// `None` when the guess is unreliable.
pub fn detect(text: &str) -> Option<String> {
    let mut end = text.len().min(SAMPLE);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let info = whatlang::detect(&text[..end])?;
    if !info.is_reliable() && info.confidence() < 0.5 {
        return None;
    }
    let code = info.lang().code();
    CODES
        .iter()
        .find(|(three, _)| *three == code)
        .map(|(_, two)| (*two).to_string())
}

/// The language of an article: declared if known, else detected.
pub fn of(declared: Option<&str>, title: &str, text: &str) -> Option<String> {
    if let Some(l) = declared.and_then(from_declared) {
        return Some(l);
    }
    detect_item(title, text)
}

/// The detected half of [`of`]: the language of an article's title and
/// text when nothing is declared. `of(d, t, x)` is
/// `d.and_then(from_declared).or_else(|| detect_item(t, x))`, so the poll can
/// run this on a parse worker and settle the declared half in the store.
pub fn detect_item(title: &str, text: &str) -> Option<String> {
    // `detect` looks at the first SAMPLE bytes only: copy no more of the
    // body than can reach them (a few bytes over, so the cut `detect` makes
    // falls where it would in the whole text).
    let mut end = text.len().min(SAMPLE + 4);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut sample = String::with_capacity(title.len() + 1 + end);
    sample.push_str(title);
    sample.push('\n');
    sample.push_str(&text[..end]);
    detect(&sample)
}

/// A language's name in English, for the sidebar ("ur" -> "Urdu").
pub fn name(code: &str) -> String {
    CODES
        .iter()
        .find(|(_, two)| *two == code)
        .and_then(|(three, _)| whatlang::Lang::from_code(*three))
        .map_or_else(|| code.to_string(), |l| l.eng_name().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_tags_become_two_letters() {
        assert_eq!(from_declared("en-US").as_deref(), Some("en"));
        assert_eq!(from_declared("ur_PK").as_deref(), Some("ur"));
        assert_eq!(from_declared("URD").as_deref(), Some("ur"));
        assert_eq!(from_declared("").as_deref(), None);
        assert_eq!(from_declared("english").as_deref(), None);
    }

    #[test]
    fn a_short_sample_detects_as_the_whole_text() {
        let whole = |title: &str, text: &str| detect(&format!("{title}\n{text}"));
        let en = "The council met on Tuesday to discuss the harbour budget. ".repeat(30);
        let ur =
            "وزیر اعظم نے کہا کہ حکومت عوام کی خدمت کے لیے ہر ممکن اقدامات کر رہی ہے ".repeat(20);
        for title in ["", "Budget talks", "بجٹ"] {
            for text in [en.as_str(), ur.as_str(), "short"] {
                // Every cut near the sample's end, on and off character boundaries.
                for cut in (780..text.len().min(840)).chain([text.len()]) {
                    let mut c = cut.min(text.len());
                    while !text.is_char_boundary(c) {
                        c -= 1;
                    }
                    let t = &text[..c];
                    assert_eq!(of(None, title, t), whole(title, t), "{title} / {c}");
                }
            }
        }
    }

    #[test]
    fn detection_tells_urdu_from_english() {
        let ur = "وزیر اعظم نے کہا کہ حکومت عوام کی خدمت کے لیے ہر ممکن اقدامات کر رہی ہے اور ملک ترقی کی راہ پر گامزن ہے";
        let en = "The prime minister said the government was doing everything it could to serve the people.";
        assert_eq!(of(None, "", ur).as_deref(), Some("ur"));
        assert_eq!(of(None, "", en).as_deref(), Some("en"));
        assert_eq!(
            of(Some("ur"), "", en).as_deref(),
            Some("ur"),
            "declared wins"
        );
        assert_eq!(name("ur"), "Urdu");
    }
}

//! Text analysis shared by the full-text index, topic matching and
//! highlighting: one tokenizer, so a word indexed, a word matched and a
//! word highlighted are always the same word.
//!
//! A token is a run of letters and digits after:
//! - compatibility decomposition with every combining mark dropped (Latin
//!   accents, Arabic harakat, hamza above/below, madda), and tatweel and
//!   zero-width joiners removed;
//! - lower-casing;
//! - Arabic-script folding: ي ى ئ -> ی, ك -> ک, ه ة ۃ -> ہ, ۂ -> ہ, and
//!   Eastern Arabic digits -> ASCII digits;
//! - apostrophes inside a word dropped ("Pakistan's" -> "pakistans");
//! - English (Snowball) stemming for all-ASCII alphabetic tokens.
//!
//! The index stores these tokens separated by single spaces, and its FTS5
//! tokenizer splits on spaces only, so SQLite sees exactly our tokens.

use std::ops::Range;
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

static ENGLISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// Words repeat (news vocabulary is Zipfian), and Snowball is the costliest
/// step of analysis: each thread keeps the stems it has made, up to a cap.
const STEM_CACHE_MAX: usize = 50_000;

type StemMap = std::collections::HashMap<String, String, foldhash::fast::RandomState>;

thread_local! {
    static STEMS: std::cell::RefCell<StemMap> = std::cell::RefCell::new(StemMap::default());
}

/// One token: where it is in the original text and its normal form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// Byte range in the original text.
    pub range: Range<usize>,
    /// The normalised, stemmed token.
    pub token: String,
}

/// Folds one character (already decomposed) into zero or more characters
/// of the normal form, pushing them to `out`.
fn fold_into(c: char, out: &mut String) {
    match c {
        // Arabic yeh forms, kaf, heh forms.
        '\u{064A}' | '\u{0649}' | '\u{06D0}' => out.push('\u{06CC}'),
        '\u{0643}' => out.push('\u{06A9}'),
        '\u{0647}' | '\u{0629}' | '\u{06C3}' | '\u{06D5}' => out.push('\u{06C1}'),
        // Eastern Arabic and Persian digits.
        '\u{0660}'..='\u{0669}' => out.push(char::from(b'0' + (c as u32 - 0x0660) as u8)),
        '\u{06F0}'..='\u{06F9}' => out.push(char::from(b'0' + (c as u32 - 0x06F0) as u8)),
        _ => {
            for l in c.to_lowercase() {
                out.push(l);
            }
        }
    }
}

/// Characters dropped entirely (they join, stretch or mark, but are not letters).
fn ignorable(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
        || matches!(
            c,
            '\u{0640}' | '\u{200B}'..='\u{200F}' | '\u{00AD}' | '\u{FEFF}'
        )
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

/// Every token of `text` with its byte range, in order.
pub fn spans(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    walk(text, |range, token| out.push(Span { range, token }));
    out
}

/// Walks the tokens of `text`, handing each byte range and token to `emit`.
fn walk(text: &str, mut emit: impl FnMut(Range<usize>, String)) {
    let mut buf = String::new();
    let mut start: Option<usize> = None;
    let mut end = 0usize;
    let mut flush = |buf: &mut String, start: &mut Option<usize>, end: usize| {
        if let Some(s) = start.take() {
            emit(s..end, stem(buf));
        }
        buf.clear();
    };
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                start.get_or_insert(i);
                buf.push(c.to_ascii_lowercase());
                end = i + 1;
                continue;
            }
            if is_apostrophe(c)
                && start.is_some()
                && chars.peek().is_some_and(|&(_, n)| n.is_alphanumeric())
            {
                continue;
            }
            flush(&mut buf, &mut start, end);
            continue;
        }
        if is_apostrophe(c)
            && start.is_some()
            && chars.peek().is_some_and(|&(_, n)| n.is_alphanumeric())
        {
            continue;
        }
        let mut any_word = false;
        let mut any_sep = false;
        unicode_normalization::char::decompose_compatible(c, |d| {
            if ignorable(d) {
                return;
            }
            if d.is_alphanumeric() {
                any_word = true;
                fold_into(d, &mut buf);
            } else {
                any_sep = true;
            }
        });
        if any_word {
            start.get_or_insert(i);
            end = i + c.len_utf8();
        } else if any_sep {
            flush(&mut buf, &mut start, end);
        } else if start.is_some() {
            // A mark or joiner inside a word belongs to it.
            end = i + c.len_utf8();
        }
    }
    flush(&mut buf, &mut start, end);
}

/// Stems an all-ASCII alphabetic token with the English Snowball stemmer;
/// other tokens are kept as they are.
fn stem(token: &str) -> String {
    if token.len() <= 2 || !token.bytes().all(|b| b.is_ascii_lowercase()) {
        return token.to_owned();
    }
    STEMS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(s) = cache.get(token) {
            return s.clone();
        }
        let s = ENGLISH.stem(token).into_owned();
        if cache.len() >= STEM_CACHE_MAX {
            cache.clear();
        }
        cache.insert(token.to_owned(), s.clone());
        s
    })
}

/// The tokens of `text`, in order.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    walk(text, |_, token| out.push(token));
    out
}

/// The index form of `text`: its tokens separated by single spaces.
pub fn index_form(tokens: &[String]) -> String {
    let mut s = String::with_capacity(tokens.iter().map(|t| t.len() + 1).sum());
    for t in tokens {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(t);
    }
    s
}

/// An article analysed for matching: title and body tokens.
#[derive(Debug, Clone, Default)]
pub struct Analyzed {
    /// Title tokens.
    pub title: Vec<String>,
    /// Body tokens.
    pub body: Vec<String>,
    /// Every distinct token, made when a topic first asks (most polls
    /// follow no topic, and most items match none).
    words: std::cell::OnceCell<std::collections::HashSet<String, foldhash::fast::RandomState>>,
}

impl Analyzed {
    /// Analyses a title and a body text.
    pub fn new(title: &str, body: &str) -> Analyzed {
        Analyzed {
            title: tokens(title),
            body: tokens(body),
            words: std::cell::OnceCell::new(),
        }
    }

    /// Whether the token occurs anywhere.
    pub fn has(&self, token: &str) -> bool {
        self.words
            .get_or_init(|| self.title.iter().chain(self.body.iter()).cloned().collect())
            .contains(token)
    }

    /// Whether the tokens occur consecutively in the title or in the body.
    pub fn has_phrase(&self, phrase: &[String]) -> bool {
        if phrase.is_empty() || !phrase.iter().all(|t| self.has(t)) {
            return false;
        }
        [&self.title, &self.body]
            .iter()
            .any(|field| field.windows(phrase.len()).any(|w| w == phrase))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_is_stemmed_and_folded() {
        assert_eq!(
            tokens("Cricketers' CRICKET: Pakistan's café, matches!"),
            ["cricket", "cricket", "pakistan", "cafe", "match"]
        );
        assert_eq!(tokens("PTI-2 in 2024"), ["pti", "2", "in", "2024"]);
    }

    #[test]
    fn urdu_and_arabic_letter_forms_match() {
        // Arabic yeh/kaf/heh against the Urdu letters, with diacritics and tatweel.
        assert_eq!(tokens("پاکستان"), tokens("پاكستان"));
        assert_eq!(tokens("کرکٹ"), tokens("كركٹ"));
        assert_eq!(tokens("ہے"), tokens("هے"));
        assert_eq!(tokens("عمران"), tokens("عِمْران"));
        assert_eq!(tokens("علی"), tokens("علي"));
        assert_eq!(tokens("کتاب"), tokens("كتـــاب"));
        assert_eq!(tokens("۲۰۲۴ ٢٠٢٤"), ["2024", "2024"]);
        assert_eq!(
            tokens("ﻛﺘﺎﺏ"),
            tokens("کتاب"),
            "presentation forms fold too"
        );
    }

    #[test]
    fn spans_point_into_the_original_text() {
        let t = "Imran Khan’s rally — عمران خان";
        let s = spans(t);
        let words: Vec<&str> = s.iter().map(|s| &t[s.range.clone()]).collect();
        assert_eq!(words, ["Imran", "Khan’s", "rally", "عمران", "خان"]);
        assert_eq!(s[1].token, "khan");
    }

    /// The tokenizer as it was written first (one `Span` per token, then
    /// the tokens taken out), to compare the direct walk with.
    fn reference_tokens(text: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut buf = String::new();
        let mut start: Option<usize> = None;
        let mut chars = text.char_indices().peekable();
        let flush = |buf: &mut String, start: &mut Option<usize>, out: &mut Vec<String>| {
            if start.take().is_some() {
                out.push(stem(buf));
            }
            buf.clear();
        };
        while let Some((i, c)) = chars.next() {
            let next_is_word = chars.peek().is_some_and(|&(_, n)| n.is_alphanumeric());
            if c.is_ascii() {
                if c.is_ascii_alphanumeric() {
                    start.get_or_insert(i);
                    buf.push(c.to_ascii_lowercase());
                    continue;
                }
                if is_apostrophe(c) && start.is_some() && next_is_word {
                    continue;
                }
                flush(&mut buf, &mut start, &mut out);
                continue;
            }
            if is_apostrophe(c) && start.is_some() && next_is_word {
                continue;
            }
            let mut any_word = false;
            let mut any_sep = false;
            unicode_normalization::char::decompose_compatible(c, |d| {
                if ignorable(d) {
                    return;
                }
                if d.is_alphanumeric() {
                    any_word = true;
                    fold_into(d, &mut buf);
                } else {
                    any_sep = true;
                }
            });
            if any_word {
                start.get_or_insert(i);
            } else if any_sep {
                flush(&mut buf, &mut start, &mut out);
            }
        }
        flush(&mut buf, &mut start, &mut out);
        out
    }

    #[test]
    fn the_direct_walk_makes_the_reference_tokens() {
        let texts = [
            "Cricketers' CRICKET: Pakistan's café, matches! PTI-2 in 2024",
            "Imran Khan’s rally — عمران خان ’s ’ 'quoted' x'",
            "پاكستان کرکٹ ٹيم عِمْران كتـــاب ۲۰۲۴ ٢٠٢٤ ﻛﺘﺎﺏ",
            "a\u{200D}b \u{00AD}soft\u{00AD}hyphen ﬁne Ⅻ ½ x²",
            "",
            "   ",
            "end with apostrophe'",
        ];
        for t in texts {
            assert_eq!(tokens(t), reference_tokens(t), "{t}");
            let via_spans: Vec<String> = spans(t).into_iter().map(|s| s.token).collect();
            assert_eq!(via_spans, reference_tokens(t), "{t}");
        }
    }

    #[test]
    fn phrases_match_only_in_order_within_one_field() {
        let a = Analyzed::new("Imran Khan speaks", "Later, Khan met Imran's aides");
        assert!(a.has_phrase(&tokens("Imran Khan")));
        assert!(!a.has_phrase(&tokens("Khan Imran")));
        let b = Analyzed::new("Talks with Imran", "Khan said");
        assert!(!b.has_phrase(&tokens("Imran Khan")));
    }
}

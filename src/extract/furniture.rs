//! Furniture that is not prose, as general rules on a block's text (no site
//! names, no class names): control labels, bare URLs, "Updated <time>"
//! lines, lines that hold only a dateline, newsletter and "more stories like
//! this" prompts, photo captions and credits, and the opening of a comment
//! thread. [`super::prune`] applies them to every candidate body.
//!
//! Measured (`eval_extract --furniture-on RULE`, one rule at a time against
//! none, F1 deltas in 1e-4 on WCXB / L3S-GN1 / Dragnet, tuning then
//! validation): the human truths of L3S-GN1 and Dragnet keep "Posted:" and
//! "Last updated" lines and photo captions with credits, so `updated`
//! (tuning +0.2 / -19.7 / -0.8) and `credits` (+0.1 / -1.3 / -3.5) lose;
//! `labels`, `bare-url` and `dateline` change little either way; `comments`
//! (validation +0.0 / +2.1 / +0.8) and `prompts` (-0.3 / +0.7 / +3.8) help
//! the news sets but cost readability-test-pages' validation half. So every
//! rule is off by default ([`set_enabled`]) until one helps every
//! validation half.
//!
//! Each rule is a function of its own, tested alone with invented text. The
//! word lists cover the languages of the pages we read and evaluate on:
//! English, German, French, Spanish, Italian, Portuguese, Dutch, Polish,
//! Urdu and Arabic.

use std::sync::atomic::{AtomicU32, Ordering};

/// The rules, for switching each off while measuring it (ablation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// [`is_control_label`].
    Labels = 1,
    /// [`is_bare_url`].
    BareUrl = 2,
    /// [`is_updated_line`].
    Updated = 4,
    /// [`is_dateline_only`].
    Dateline = 8,
    /// [`is_prompt`].
    Prompts = 16,
    /// [`is_caption_credit`].
    Credits = 32,
    /// [`is_comment_start`].
    Comments = 64,
}

impl Rule {
    /// Every rule with its name (for `eval_extract --furniture-off`).
    pub const ALL: [(Rule, &'static str); 7] = [
        (Rule::Labels, "labels"),
        (Rule::BareUrl, "bare-url"),
        (Rule::Updated, "updated"),
        (Rule::Dateline, "dateline"),
        (Rule::Prompts, "prompts"),
        (Rule::Credits, "credits"),
        (Rule::Comments, "comments"),
    ];
}

/// Off by default: measured on the tuning and validation halves, none of
/// the rules helped every validation half (see the module note), so none is
/// part of extraction yet.
static ENABLED: AtomicU32 = AtomicU32::new(0);

/// Which rules run (a mask of [`Rule`] values); none by default. For
/// evaluation programs that measure one rule at a time
/// (`eval_extract --furniture-on`).
#[doc(hidden)]
pub fn set_enabled(mask: u32) {
    ENABLED.store(mask, Ordering::Relaxed);
}

/// Whether `rule` runs.
pub fn on(rule: Rule) -> bool {
    ENABLED.load(Ordering::Relaxed) & rule as u32 != 0
}

/// Lower case, whitespace collapsed, punctuation trimmed at both ends.
fn norm(text: &str) -> String {
    let t = text.to_lowercase();
    let t = t.trim_matches(|c: char| !c.is_alphanumeric());
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Words of controls: buttons and toggles that a page renders as text
/// ("Share", "Close", "Toggle caption", "Expand", "Advertisement").
const CONTROL_WORDS: &[&str] = &[
    // English
    "share",
    "sharing",
    "shares",
    "close",
    "caption",
    "captions",
    "toggle",
    "hide",
    "show",
    "expand",
    "collapse",
    "enlarge",
    "zoom",
    "fullscreen",
    "advertisement",
    "advertising",
    "ad",
    "ads",
    "sponsored",
    "facebook",
    "twitter",
    "x",
    "linkedin",
    "whatsapp",
    "pinterest",
    "reddit",
    "telegram",
    "email",
    "e-mail",
    "mail",
    "print",
    "copy",
    "copied",
    "link",
    "url",
    "save",
    "saved",
    "bookmark",
    "reply",
    "tweet",
    "flipboard",
    "messenger",
    "sms",
    "gift",
    "play",
    "pause",
    "mute",
    "unmute",
    "listen",
    "watch",
    "gallery",
    "slideshow",
    "image",
    "images",
    "photo",
    "photos",
    "video",
    "audio",
    "open",
    "view",
    "menu",
    "next",
    "previous",
    "prev",
    "back",
    "top",
    "skip",
    "loading",
    "subscribe",
    "follow",
    "like",
    "more",
    "less",
    "all",
    "full",
    "screen",
    "article",
    "story",
    "post",
    "page",
    // German
    "teilen",
    "schließen",
    "bildunterschrift",
    "vergrößern",
    "anzeige",
    "werbung",
    "drucken",
    "kopieren",
    "kopiert",
    "merken",
    "gemerkt",
    "anhören",
    "vorlesen",
    "galerie",
    "bild",
    "bilder",
    "mehr",
    "weniger",
    "anzeigen",
    "ausblenden",
    "einblenden",
    "zurück",
    "weiter",
    "artikel",
    "beitrag",
    // French
    "partager",
    "fermer",
    "légende",
    "agrandir",
    "publicité",
    "imprimer",
    "copier",
    "lien",
    "écouter",
    "voir",
    "plus",
    "moins",
    "afficher",
    "masquer",
    "suivant",
    "précédent",
    // Spanish, Portuguese, Italian
    "compartir",
    "cerrar",
    "leyenda",
    "ampliar",
    "publicidad",
    "imprimir",
    "copiar",
    "enlace",
    "escuchar",
    "ver",
    "más",
    "galería",
    "compartilhar",
    "partilhar",
    "fechar",
    "legenda",
    "publicidade",
    "mais",
    "ouvir",
    "condividi",
    "chiudi",
    "didascalia",
    "ingrandisci",
    "pubblicità",
    "stampa",
    "ascolta",
    "altro",
    "galleria",
    // Dutch, Polish
    "delen",
    "sluiten",
    "advertentie",
    "udostępnij",
    "zamknij",
    "reklama",
    "drukuj",
    // Urdu, Arabic
    "شیئر",
    "بند",
    "اشتہار",
    "تصویر",
    "ویڈیو",
    "مشاركة",
    "شارك",
    "إغلاق",
    "إعلان",
    "صورة",
];

/// Small words that join control words ("Share this article", "Back to
/// top", "Copy the link"); a line of only these is not a control.
const JOINERS: &[&str] = &[
    "this", "the", "to", "on", "in", "via", "of", "and", "or", "by", "a", "an", "full", "diesen",
    "den", "die", "das", "auf", "per", "nach", "oben", "le", "la", "l", "cet", "cette", "par",
    "en", "el", "este", "esta", "por", "o", "a", "de", "del", "questo", "il", "su", "dit", "ten",
    "کریں", "کو", "یہ", "هذا", "على",
];

/// Rule: a block that is only a control label, or a run of them ("Share",
/// "Close", "Toggle caption", "Share Facebook Twitter Email", "Image 3 of
/// 12", "Anzeige", "Publicité").
pub fn is_control_label(text: &str) -> bool {
    if text.len() > 120 {
        return false;
    }
    let t = norm(text);
    if t.is_empty() {
        return false;
    }
    let words: Vec<&str> = t
        .split(|c: char| c.is_whitespace() || matches!(c, '|' | '/' | '·' | '•'))
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() > 8 {
        return false;
    }
    // "Image 3 of 12", "Photo 2/9", "1 of 7", "(2/10)".
    let counter = {
        let ws: Vec<&str> = words
            .iter()
            .copied()
            .filter(|w| !matches!(*w, "of" | "von" | "sur" | "de" | "di"))
            .collect();
        let nums = ws
            .iter()
            .filter(|w| w.chars().all(|c| c.is_ascii_digit()))
            .count();
        nums == 2
            && ws.len() <= 3
            && ws
                .iter()
                .all(|w| w.chars().all(|c| c.is_ascii_digit()) || CONTROL_WORDS.contains(w))
    };
    if counter {
        return true;
    }
    let mut control = 0;
    for w in &words {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        if w.is_empty() {
            continue;
        }
        if CONTROL_WORDS.contains(&w) {
            control += 1;
        } else if !JOINERS.contains(&w) {
            return false;
        }
    }
    control > 0
}

/// Rule: a paragraph that is only a URL ("https://example.org/a/b",
/// "www.example.org", "pic.twitter.com/abc").
pub fn is_bare_url(text: &str) -> bool {
    let t = text.trim();
    if t.is_empty() || t.contains(char::is_whitespace) || t.len() > 300 {
        return false;
    }
    let l = t.to_ascii_lowercase();
    if l.starts_with("http://") || l.starts_with("https://") || l.starts_with("www.") {
        return true;
    }
    // host.tld/path
    let (host, path) = l.split_once('/').unwrap_or((&l, ""));
    let labels: Vec<&str> = host.split('.').collect();
    !path.is_empty()
        && labels.len() >= 2
        && labels
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
}

/// Words that open an "Updated <time>" line.
const UPDATED: &[&str] = &[
    "updated",
    "last updated",
    "last update",
    "first published",
    "published",
    "posted",
    "modified",
    "last modified",
    "originally published",
    "aktualisiert",
    "zuletzt aktualisiert",
    "veröffentlicht",
    "erstellt",
    "stand",
    "mis à jour",
    "publié",
    "actualizado",
    "publicado",
    "atualizado",
    "aggiornato",
    "pubblicato",
    "bijgewerkt",
    "gepubliceerd",
    "zaktualizowano",
    "opublikowano",
    "اپ ڈیٹ",
    "شائع",
    "تاریخ اشاعت",
    "آخری اپ ڈیٹ",
    "تحديث",
    "نشر",
];

/// Units of a relative time ("3 hours ago", "vor 2 Stunden").
const TIME_UNITS: &[&str] = &[
    "sec",
    "secs",
    "second",
    "seconds",
    "min",
    "mins",
    "minute",
    "minutes",
    "hr",
    "hrs",
    "hour",
    "hours",
    "h",
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "sekunden",
    "minuten",
    "stunde",
    "stunden",
    "tag",
    "tagen",
    "woche",
    "wochen",
    "monat",
    "monaten",
    "heure",
    "heures",
    "jour",
    "jours",
    "semaine",
    "semaines",
    "mois",
    "an",
    "ans",
    "minuto",
    "minutos",
    "hora",
    "horas",
    "día",
    "días",
    "dia",
    "dias",
    "semana",
    "semanas",
    "mes",
    "meses",
    "minuti",
    "ora",
    "ore",
    "giorno",
    "giorni",
    "منٹ",
    "گھنٹے",
    "دن",
];

/// "3 hours ago", "vor 2 Stunden", "il y a 5 minutes", "hace 2 días",
/// "2 ore fa", "just now".
fn is_relative_time(t: &str) -> bool {
    if matches!(
        t,
        "just now" | "gerade eben" | "soeben" | "à l'instant" | "ahora mismo"
    ) {
        return true;
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    let core: Vec<&str> = match words.as_slice() {
        [rest @ .., "ago"] | [rest @ .., "fa"] | [rest @ .., "پہلے"] => rest.to_vec(),
        ["vor", rest @ ..] | ["hace", rest @ ..] | ["há", rest @ ..] => rest.to_vec(),
        ["il", "y", "a", rest @ ..] => rest.to_vec(),
        _ => return false,
    };
    matches!(core.as_slice(), [n, unit] if (n.chars().all(|c| c.is_ascii_digit()) || matches!(*n, "a" | "an" | "one")) && TIME_UNITS.contains(unit))
}

/// Rule: an "Updated <time>" line ("Updated 3:05 PM EST, March 3, 2025",
/// "Last updated: 2 hours ago", "Aktualisiert am 12.03.2025, 10:27 Uhr",
/// "Publié le 3 mars 2025 à 10h"), or a relative time alone.
pub fn is_updated_line(text: &str) -> bool {
    if text.len() > 200 {
        return false;
    }
    let t = norm(text);
    if t.chars().count() > 90 {
        return false;
    }
    if is_relative_time(&t) {
        return true;
    }
    let Some(rest) = UPDATED.iter().find_map(|w| {
        t.strip_prefix(w)
            .filter(|r| r.is_empty() || r.starts_with([' ', ':', ',']))
    }) else {
        return false;
    };
    let rest = rest.trim_start_matches([' ', ':', ',']);
    let rest = ["on ", "at ", "am ", "le ", "el ", "em ", "il ", "um "]
        .iter()
        .find_map(|p| rest.strip_prefix(p))
        .unwrap_or(rest);
    if is_relative_time(rest.trim()) {
        return true;
    }
    // A date or a time follows, and little else: a few words (months,
    // weekdays, zones, "by" and a name).
    let digits = rest.chars().filter(char::is_ascii_digit).count();
    let words = rest
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() > 1)
        .count();
    digits >= 2 && words <= 8 && !rest.contains(". ")
}

/// Rule: a block that is only a dateline, the place (and agency) that opens
/// a story, set apart from it: "WASHINGTON —", "LONDON (Reuters) -",
/// "NEW DELHI:". Capitals only, a few words, ending in a dash or a colon.
pub fn is_dateline_only(text: &str) -> bool {
    let t = text.trim();
    if t.is_empty() || t.chars().count() > 60 {
        return false;
    }
    let Some(head) = t
        .strip_suffix(['—', '–', '-', ':'])
        .map(str::trim_end)
        .filter(|h| !h.is_empty())
    else {
        return false;
    };
    // The agency in brackets: "(Reuters)", "(AP)".
    let place = match head.split_once('(') {
        Some((p, agency)) if agency.ends_with(')') => p.trim(),
        Some(_) => return false,
        None => head,
    };
    let place = place.trim_end_matches(',').trim();
    let letters: Vec<char> = place.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 3
        && letters.iter().all(|c| c.is_uppercase())
        && place.split_whitespace().count() <= 4
        && place
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, ' ' | ',' | '.' | '\'' | '-'))
}

/// Phrases of newsletter prompts and "more stories like this" prompts.
const PROMPTS: &[&str] = &[
    "more stories like this",
    "stories like this",
    "more articles like this",
    "more like this in your inbox",
    "want more stories",
    "want more news",
    "like this story",
    "like this article",
    "enjoyed this article",
    "enjoy this article",
    "enjoyed this story",
    "if you enjoyed this",
    "if you liked this",
    "if you found this",
    "delivered to your inbox",
    "straight to your inbox",
    "directly to your inbox",
    "in your inbox",
    "to your inbox",
    "enter your email",
    "your email address",
    "by signing up",
    "by subscribing",
    "unsubscribe at any time",
    "sign up to receive",
    "sign up for free",
    "sign up now",
    "subscribe to our",
    "subscribe for",
    "support our journalism",
    "support independent journalism",
    "support quality journalism",
    "become a member",
    "become a subscriber",
    "newsletter abonnieren",
    "newsletter bestellen",
    "jetzt anmelden",
    "in ihr postfach",
    "in ihren posteingang",
    "inscrivez-vous",
    "recevez notre",
    "dans votre boîte",
    "suscríbete a",
    "recibe nuestro",
    "en tu correo",
    "iscriviti alla",
    "inscreva-se",
    "assine a nossa",
    "ہمارا نیوز لیٹر",
    "سبسکرائب کریں",
    "اشترك في",
];

/// Rule: a newsletter prompt or a "more stories like this" prompt: a short
/// block holding one of the phrases ("Want more stories like this? Sign up
/// for our daily briefing", "Get the best of the week delivered to your
/// inbox", "Newsletter abonnieren").
pub fn is_prompt(text: &str) -> bool {
    if text.len() > 4 * 240 {
        return false;
    }
    let t = text.to_lowercase();
    t.chars().count() < 240 && PROMPTS.iter().any(|p| t.contains(p))
}

/// Photo agencies and image libraries whose name closes a credit.
const AGENCIES: &[&str] = &[
    "getty images",
    "getty",
    "shutterstock",
    "istock",
    "istockphoto",
    "unsplash",
    "pexels",
    "pixabay",
    "alamy",
    "reuters",
    "afp",
    "ap",
    "ap photo",
    "epa",
    "dpa",
    "imago",
    "picture alliance",
    "anadolu",
    "xinhua",
    "file photo",
    "file",
];

/// Rule: a photo caption or credit that is not part of the story: a short
/// block that opens with a credit label ("Photo by ...", "Image credit:",
/// "Illustration: ...", "Foto: ...") or ends with a credit ("... (Photo: Jane
/// Roe/Getty Images)", "... | AP Photo/John Doe", "... Credit: Studio").
pub fn is_caption_credit(text: &str) -> bool {
    if text.len() > 4 * 300 {
        return false;
    }
    let t = text.trim().to_lowercase();
    let n = t.chars().count();
    if n == 0 || n > 300 {
        return false;
    }
    const OPENERS: &[&str] = &[
        "photo by",
        "photos by",
        "photo credit",
        "photo courtesy",
        "photograph by",
        "photographs by",
        "image by",
        "image via",
        "image credit",
        "image source",
        "image courtesy",
        "images via",
        "illustration by",
        "illustration:",
        "illustrations by",
        "pictured:",
        "caption:",
        "courtesy of",
        "source: getty",
        "credit:",
        "foto:",
        "fotos:",
        "foto von",
        "bildquelle",
        "bildnachweis",
        "crédit photo",
        "crédits photo",
        "foto de",
        "fotografía:",
        "fotografia:",
        "immagine:",
        "źródło zdjęcia",
        "تصویر:",
        "فوٹو:",
        "صورة:",
    ];
    if n <= 160 && OPENERS.iter().any(|o| t.starts_with(o)) {
        return true;
    }
    // The last piece, after the last bracket, bar, dash or full stop.
    let body = t.trim_end_matches([')', ']', '.', ' ']);
    let cut = ["(", "[", "|", "—", "–", ". "]
        .iter()
        .filter_map(|s| body.rfind(s).map(|i| i + s.len()))
        .max();
    let Some(cut) = cut else { return false };
    let tail = body[cut..].trim();
    let tail_n = tail.chars().count();
    if tail_n == 0 || tail_n > 60 {
        return false;
    }
    let labelled = [
        "photo:",
        "photo by",
        "photos:",
        "image:",
        "credit:",
        "foto:",
        "bild:",
        "crédit:",
        "crédito:",
        "source:",
    ]
    .iter()
    .any(|p| tail.starts_with(p));
    // "Jane Roe/Getty Images", "AP Photo/John Doe", "Jane Roe/Reuters"; a
    // bare agency name ("(Reuters)") is how stories sign off, not a credit.
    let agency = tail.contains("getty images")
        || tail.starts_with("ap photo")
        || tail.contains('/')
            && tail
                .split('/')
                .map(str::trim)
                .any(|p| AGENCIES.contains(&p));
    labelled || agency
}

/// Rule: the opening of a comment thread: a count of comments ("12
/// Comments", "One thought on ...", "Kommentare (4)"), a prompt to comment
/// ("Add a comment", "Write a comment", "Laisser un commentaire"), or a
/// commenter's signature line ("Jane Roe says:", "John on March 3, 2025 at
/// 4:12 pm"). Everything from it to the end goes.
pub fn is_comment_start(text: &str) -> bool {
    if text.len() > 4 * 120 {
        return false;
    }
    let t = norm(text);
    let n = t.chars().count();
    if n == 0 || n > 120 {
        return false;
    }
    const COMMENT_WORDS: &[&str] = &[
        "comment",
        "comments",
        "response",
        "responses",
        "reply",
        "replies",
        "thought",
        "thoughts",
        "kommentar",
        "kommentare",
        "commentaire",
        "commentaires",
        "comentario",
        "comentarios",
        "commento",
        "commenti",
        "comentário",
        "comentários",
        "reacties",
        "komentarze",
        "تبصرے",
        "تبصرہ",
        "تعليقات",
    ];
    let words: Vec<&str> = t
        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']'))
        .filter(|w| !w.is_empty())
        .collect();
    // "12 comments", "comments (12)", "one thought on <title>",
    // "no responses yet".
    let count_first = matches!(words.as_slice(),
        [c, w, ..] if (c.chars().all(|d| d.is_ascii_digit()) || matches!(*c, "one" | "no")) && COMMENT_WORDS.contains(w));
    let count_last = matches!(words.as_slice(),
        [w, c] if COMMENT_WORDS.contains(w) && c.chars().all(|d| d.is_ascii_digit()));
    if (count_first && (words.len() <= 4 || t.contains(" on ") || t.contains(" to "))) || count_last
    {
        return true;
    }
    const PROMPTS: &[&str] = &[
        "add a comment",
        "add comment",
        "post a comment",
        "write a comment",
        "submit a comment",
        "show comments",
        "view comments",
        "load comments",
        "read comments",
        "join the discussion",
        "reader comments",
        "comments are closed",
        "kommentar schreiben",
        "kommentieren",
        "laisser un commentaire",
        "ajouter un commentaire",
        "deja un comentario",
        "escribe un comentario",
        "lascia un commento",
        "deixe um comentário",
        "deixe seu comentário",
        "اپنی رائے دیں",
        "تبصرہ کریں",
    ];
    if n <= 40 && PROMPTS.iter().any(|p| t == *p || t.starts_with(p)) {
        return true;
    }
    // "Jane Roe says:" and "Jane Roe on March 3, 2025 at 4:12 pm".
    let raw = text.trim().to_lowercase();
    let says = raw
        .split_once(" says:")
        .or_else(|| raw.split_once(" said:"))
        .is_some_and(|(name, rest)| {
            let rest = rest.trim();
            (1..=4).contains(&name.split_whitespace().count())
                && (rest.is_empty()
                    || rest.chars().count() <= 40 && rest.chars().any(|c| c.is_ascii_digit()))
        });
    let signed = n <= 70
        && raw.split_once(" at ").is_some_and(|(before, time)| {
            let time = time.trim();
            (time.ends_with("am") || time.ends_with("pm"))
                && time.chars().any(|c| c.is_ascii_digit())
                && time.chars().count() <= 12
                && before
                    .split(|c: char| !c.is_ascii_digit())
                    .any(|d| d.len() == 4 && (d.starts_with("19") || d.starts_with("20")))
        });
    says || signed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_labels_in_several_languages_are_furniture_and_sentences_are_not() {
        for label in [
            "Caption",
            "Close",
            "Share",
            "Expand",
            "Advertisement",
            "Toggle caption",
            "Hide caption",
            "Share this article",
            "Share Facebook Twitter Email Copy link",
            "Back to top",
            "Image 3 of 12",
            "Photo 2/9",
            "Schließen",
            "Bildunterschrift",
            "Artikel teilen",
            "Fermer",
            "Publicité",
            "Cerrar",
            "Ver más",
            "Chiudi",
            "Compartilhar",
            "اشتہار",
            "شیئر کریں",
            "إغلاق",
        ] {
            assert!(is_control_label(label), "{label}");
        }
        for text in [
            "Close to the harbour, the ferry waited for the tide.",
            "Share prices fell by a tenth on Tuesday.",
            "The mayor said the bridge would open in spring.",
            "Chapter 3 of 12",
            "2024",
        ] {
            assert!(!is_control_label(text), "{text}");
        }
    }

    #[test]
    fn a_paragraph_that_is_only_a_url_is_furniture() {
        for url in [
            "https://example.org/ferry/timetable",
            "http://example.org",
            "www.example.org/harbour",
            "pic.example.com/AbC123",
        ] {
            assert!(is_bare_url(url), "{url}");
        }
        for text in [
            "See https://example.org/ferry for the timetable.",
            "e.g.",
            "3.5/10",
            "Mr.Smith",
        ] {
            assert!(!is_bare_url(text), "{text}");
        }
    }

    #[test]
    fn updated_lines_and_relative_times_are_furniture() {
        for line in [
            "Updated 3:05 PM EST, Mon March 3, 2025",
            "Last updated: 2 hours ago",
            "Updated on 12 March 2025",
            "Published 7 October 2020, 10:00",
            "Aktualisiert am 12.03.2025, 10:27 Uhr",
            "Publié le 3 mars 2025 à 10h12",
            "Actualizado: 03/03/2025 14:00",
            "3 hours ago",
            "vor 2 Stunden",
            "il y a 5 minutes",
            "hace 2 días",
        ] {
            assert!(is_updated_line(line), "{line}");
        }
        for text in [
            "Updated figures show the ferry carried 3,000 people in 2024. The council was pleased.",
            "Published by the harbour trust, the report names 12 ferries that need repairs and five \
             that should be sold before the winter storms arrive on the coast.",
            "Three hours ago the ferry left the harbour.",
            "Updated",
        ] {
            assert!(!is_updated_line(text), "{text}");
        }
    }

    #[test]
    fn a_dateline_standing_alone_is_furniture_but_a_sentence_is_not() {
        for line in [
            "WASHINGTON —",
            "LONDON (Reuters) -",
            "NEW DELHI:",
            "PORT LOUIS, MAURITIUS —",
        ] {
            assert!(is_dateline_only(line), "{line}");
        }
        for text in [
            "WASHINGTON — The council met on Tuesday.",
            "Note:",
            "FAQ",
            "Here is what he said:",
        ] {
            assert!(!is_dateline_only(text), "{text}");
        }
    }

    #[test]
    fn newsletter_and_more_stories_prompts_are_furniture() {
        for line in [
            "Want more stories like this? Sign up for our daily briefing.",
            "Get the best of the week delivered to your inbox.",
            "Enter your email address",
            "By signing up, you agree to our terms.",
            "Newsletter abonnieren und nichts verpassen",
            "Inscrivez-vous à notre lettre",
            "Suscríbete a nuestro boletín",
        ] {
            assert!(is_prompt(line), "{line}");
        }
        assert!(!is_prompt(
            "The harbour master said the ferry would run again on Monday."
        ));
    }

    #[test]
    fn photo_captions_with_credits_are_furniture_and_story_lines_are_not() {
        for line in [
            "Photo by Jane Roe on Unsplash",
            "Image credit: Harbour Trust",
            "Illustration: Studio North",
            "The ferry leaves the harbour at dawn. (Photo: Jane Roe/Getty Images)",
            "The old ferry in 1990. | AP Photo/John Doe",
            "Crowds on the quay on Sunday. Jane Roe/Reuters",
            "Foto: Hafenamt",
        ] {
            assert!(is_caption_credit(line), "{line}");
        }
        for text in [
            "The ferry leaves the harbour at dawn, the captain said.",
            "The agency said the photo was taken in 1990 (it was later sold).",
            "Reuters",
            "The minister resigned on Sunday, his office said. (Reuters)",
        ] {
            assert!(!is_caption_credit(text), "{text}");
        }
    }

    #[test]
    fn the_opening_of_a_comment_thread_is_recognised() {
        for line in [
            "12 Comments",
            "One thought on “The ferry”",
            "Comments (4)",
            "Kommentare (4)",
            "3 Kommentare",
            "Add a comment",
            "Laisser un commentaire",
            "Jane Roe says:",
            "John Doe on March 3, 2025 at 4:12 pm",
        ] {
            assert!(is_comment_start(line), "{line}");
        }
        for text in [
            "The council received 12 comments from residents about the ferry.",
            "Comments from the harbour master were not available.",
            "He says: the ferry is late.",
            "The ferry left on 3 March 2025 at 4 pm.",
            "Three thoughts on the budget",
        ] {
            assert!(!is_comment_start(text), "{text}");
        }
    }
}

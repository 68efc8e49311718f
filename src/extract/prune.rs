//! Stage 6, prune: block-level furniture inside a body, applied to every
//! candidate after conversion: the tail of "Related Topics", "Recent Stories"
//! and the like, link farms, share prompts, newsletter and cookie boxes,
//! labels, datelines and credits, and copyright lines.
//!
//! Rules work on text and link density only, so they apply to any site.

use super::document::{Block, Inline};
use super::furniture::{self, Rule};

/// Headings or short lines that open a section of links to other stories.
/// Everything from such a marker to the end of the article goes.
const TAIL_MARKERS: &[&str] = &[
    "related topics",
    "related articles",
    "related stories",
    "related posts",
    "related news",
    "related content",
    "related coverage",
    "related reading",
    "recent stories",
    "recent posts",
    "recent news",
    "more stories",
    "more from",
    "more news",
    "more on this",
    "more in ",
    "you may also like",
    "you might also like",
    "you may be interested",
    "also read",
    "also on ",
    "read more",
    "read next",
    "recommended",
    "trending",
    "most read",
    "most popular",
    "most viewed",
    "latest news",
    "latest stories",
    "top stories",
    "popular stories",
    "editor's picks",
    "editors' picks",
    "don't miss",
    "what to read next",
    "comments",
    "leave a comment",
    "leave a reply",
    "join the conversation",
    "share this",
    "share on",
    "tags",
    "topics",
    "filed under",
    "more like this",
    "related",
    "lesen sie auch",
    "lesen sie mehr",
    "mehr zum thema",
    "das könnte sie auch interessieren",
    "das könnte dich auch interessieren",
    "ähnliche artikel",
    "verwandte artikel",
    "weitere artikel",
    "schon gelesen",
    "kommentare",
    "artikel teilen",
    "le puede interesar",
    "te puede interesar",
    "lea también",
    "noticias relacionadas",
    "artículos relacionados",
    "à lire aussi",
    "lire aussi",
    "sur le même sujet",
    "articles similaires",
    "leggi anche",
    "potrebbe interessarti",
    "czytaj także",
    "zobacz także",
    "متعلقہ",
    "مزید پڑھیں",
    "تازہ ترین",
];

/// Phrases that mark a single block as furniture rather than article.
const FURNITURE: &[&str] = &[
    "all rights reserved",
    "alle rechte vorbehalten",
    "tous droits réservés",
    "todos los derechos reservados",
    "todos os direitos reservados",
    "tutti i diritti riservati",
    "wszelkie prawa zastrzeżone",
    "apps for ios",
    "copyright ©",
    "copyright (c)",
    "subscribe to our newsletter",
    "sign up for our newsletter",
    "sign up to our newsletter",
    "sign up for the",
    "get our newsletter",
    "follow us on",
    "share on facebook",
    "share on twitter",
    "share this article",
    "share this story",
    "click here to",
    "we use cookies",
    "this website uses cookies",
    "accept cookies",
    "cookie policy",
    "advertisement",
    "sponsored content",
    "download our app",
    "download the app",
    "join our whatsapp",
    "join our telegram",
    "for the latest news",
    "get the latest",
    "report an error",
    "newsletter",
    "posted in",
    "bookmark the permalink",
    "trackback",
    "was this article helpful",
    "did you find this article",
    "rate this article",
    "impressum",
    "datenschutz",
    "verwendung von cookies",
    "artikel teilen",
    "beitrag teilen",
    "war der artikel",
    "war dieser artikel",
    "hat ihnen der artikel",
    "als pdf herunterladen",
    "nächsten artikel",
    "vorheriger artikel",
    "zum newsletter",
    "jetzt abonnieren",
    "partager cet article",
    "abonnez-vous",
    "compartir en",
    "suscríbete",
    "condividi",
    // Licence lines.
    "creative commons",
    "cc-by",
    "cc by-",
    // Disclosures of affiliate links and advertising.
    "affiliate link",
    "affiliate-link",
    "advertising disclosure",
    "may receive compensation",
    "may earn a commission",
    "earn a commission",
    "enthält werbung",
    "provisions-link",
    // Sign-in and subscription prompts.
    "subscribe now",
    "to view the full story",
    "already a subscriber",
    "must be logged in",
    "nicht eingeloggt",
    "eingeloggt sein",
    "suscríbase",
    "hazte miembro",
];

/// A block that is exactly one of these words is a label, not text.
const LABELS: &[&str] = &[
    "anzeige",
    "- anzeige -",
    "-anzeige-",
    "werbung",
    "advertisement",
    "ad",
    "sponsored",
    "publicité",
    "publicidad",
    "pubblicità",
    "reklama",
    "share",
    "teilen",
    "partager",
    "compartir",
    "print",
    "drucken",
    "imprimer",
];

/// Photo credits and caption lines: "Foto: ...", "(Credit: ... / iStock)".
fn is_credit(t: &str) -> bool {
    let t = t.trim();
    if t.chars().count() > 160 {
        return false;
    }
    const PREFIXES: &[&str] = &[
        "foto:",
        "fotos:",
        "photo:",
        "photos:",
        "photograph",
        "bild:",
        "bilder:",
        "abbildung",
        "image:",
        "images:",
        "credit:",
        "credits:",
        "crédit",
        "crédits",
        "beitragsbild",
        "titelbild",
        "quelle: getty",
        "(foto",
        "(photo",
        "(credit",
        "(bild",
        "© ",
    ];
    // A caption that ends with its credit: "... im Überblick. (Foto: Getty)",
    // "... del año escolar. Foto: Andina".
    let credit_tail = t.rsplit_once(['(', '.']).is_some_and(|(_, tail)| {
        let tail = tail.trim();
        tail.chars().count() <= 50
            && ["foto:", "fotos:", "photo:", "crédito:", "credit:", "bild:"]
                .iter()
                .any(|p| tail.starts_with(p))
    });
    credit_tail
        || PREFIXES.iter().any(|p| t.starts_with(p))
        || (t.ends_with(')')
            && (t.contains("/ istock")
                || t.contains("/ getty")
                || t.contains("/ dpa")
                || t.contains("/ afp")
                || t.contains("/ reuters")
                || t.contains("/ shutterstock")))
}

fn link_density_runs(runs: &[Inline]) -> f32 {
    let total: usize = runs.iter().map(|r| r.text().trim().chars().count()).sum();
    if total == 0 {
        return 0.0;
    }
    let links: usize = runs
        .iter()
        .filter(|r| matches!(r, Inline::Link { .. }))
        .map(|r| r.text().trim().chars().count())
        .sum();
    links as f32 / total as f32
}

/// Share of the block's text that sits in links.
pub fn link_density(b: &Block) -> f32 {
    match b {
        Block::Paragraph { inlines }
        | Block::Heading { inlines, .. }
        | Block::Quote { inlines } => link_density_runs(inlines),
        Block::List { items, .. } => {
            let all: Vec<Inline> = items.iter().flatten().cloned().collect();
            link_density_runs(&all)
        }
        _ => 0.0,
    }
}

fn is_marker(b: &Block, text: &str) -> bool {
    // Markers are short; skip lower-casing long blocks.
    if text.len() > 400 {
        return false;
    }
    let t = text.to_lowercase();
    let t = t
        .trim()
        .trim_end_matches([':', '.', '»', '›', '>', '-', '|', '…'])
        .trim();
    if t.chars().count() > 40 {
        return false;
    }
    let heading_like = matches!(b, Block::Heading { .. })
        || matches!(b, Block::Paragraph { inlines } if inlines.iter().all(|r| !matches!(r, Inline::Text { text } if text.trim().len() > 40)));
    // Exact names; a few that take an object ("More from Dawn") by prefix.
    heading_like
        && TAIL_MARKERS.iter().any(|m| {
            let m = m.trim();
            t == m || (PREFIX_MARKERS.contains(&m) && t.starts_with(m) && t.len() <= m.len() + 24)
        })
}

/// Markers that are followed by a name: "more from Dawn", "also on BBC".
const PREFIX_MARKERS: &[&str] = &[
    "more from",
    "more in",
    "also on",
    "more on this",
    "more stories",
    "related",
];

/// A block that is only a date or time ("03.04.2020", "April 22, 2022"):
/// metadata, not article text.
fn is_date_only(t: &str) -> bool {
    let t = t.trim();
    let n = t.chars().count();
    if n == 0 || n > 40 {
        return false;
    }
    let digits = t.chars().filter(|c| c.is_ascii_digit()).count();
    let letters = t.chars().filter(|c| c.is_alphabetic()).count();
    digits >= 4 && letters <= 12 && crate::dates::parse(t).is_some()
        || (digits >= 6
            && letters == 0
            && t.chars()
                .all(|c| c.is_ascii_digit() || " .:/-,|".contains(c)))
}

/// A short line of publication metadata: a date with a label or a category
/// ("24.01.2022 11:38 Kategorie: News", "2021-10-16 | Botschaft",
/// "16 marca 2021").
fn is_date_meta(t: &str) -> bool {
    let t = t.trim();
    if t.chars().count() > 60 {
        return false;
    }
    // A year, or a day.month.year date.
    let has_year = t
        .split(|c: char| !c.is_ascii_digit())
        .any(|d| d.len() == 4 && (d.starts_with("19") || d.starts_with("20")));
    if !has_year {
        return false;
    }
    let words = t
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .count();
    words <= 3
}

fn is_furniture(b: &Block, text: &str) -> bool {
    // Every rule below is for blocks under 220 characters.
    if text.len() >= 4 * 220 || text.chars().count() >= 220 {
        return false;
    }
    let t = text.to_lowercase();
    if !matches!(b, Block::Image { .. }) {
        // "Aktualisiert: 11.04.2020, 10:27", "Published 7 October 2020"
        let unlabelled = t.split_once(':').map_or(t.as_str(), |(label, rest)| {
            if label.chars().count() <= 20 && !label.chars().any(|c| c.is_ascii_digit()) {
                rest
            } else {
                t.as_str()
            }
        });
        if is_date_only(&t) || is_date_only(unlabelled) || is_credit(&t) {
            return true;
        }
        let bare = t
            .trim()
            .trim_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace());
        if LABELS.contains(&bare) || LABELS.contains(&t.trim()) {
            return true;
        }
    }
    let n = t.chars().count();
    if n == 0 {
        return !matches!(b, Block::Image { .. });
    }
    if n < 220 && (t.contains('©') || t.starts_with("copyright")) {
        return true;
    }
    n < 160 && FURNITURE.iter().any(|f| t.contains(f))
}

/// The general rules of [`furniture`], by kind of block.
fn is_not_prose(b: &Block, text: &str) -> bool {
    let para = matches!(b, Block::Paragraph { .. });
    let texty = matches!(
        b,
        Block::Paragraph { .. } | Block::Heading { .. } | Block::Quote { .. }
    );
    (furniture::on(Rule::Labels)
        && (texty || matches!(b, Block::List { .. }))
        && furniture::is_control_label(text))
        || (furniture::on(Rule::BareUrl) && para && furniture::is_bare_url(text))
        || (furniture::on(Rule::Updated) && texty && furniture::is_updated_line(text))
        || (furniture::on(Rule::Dateline) && para && furniture::is_dateline_only(text))
        || (furniture::on(Rule::Prompts) && texty && furniture::is_prompt(text))
        || (furniture::on(Rule::Credits)
            && matches!(b, Block::Paragraph { .. } | Block::Quote { .. })
            && furniture::is_caption_credit(text))
}

/// A short line that introduces what follows: a heading, or a short
/// paragraph ending in a colon.
fn is_lead_in(b: &Block, text: &str) -> bool {
    let t = text.trim();
    let n = t.chars().count();
    match b {
        Block::Paragraph { .. } => {
            n <= 80 && (t.ends_with(':') || t.ends_with('…') || t.ends_with("..."))
        }
        _ => false,
    }
}

/// "Read more: <link>", "Le puede interesar: <link>": a label and a link to
/// another story, in a paragraph, a heading or a quote.
fn is_teaser_link(inlines: &[Inline]) -> bool {
    let len: usize = inlines.iter().map(|r| r.text().chars().count()).sum();
    let label: String = inlines
        .iter()
        .filter(|r| !matches!(r, Inline::Link { .. }))
        .map(|r| r.text())
        .collect::<String>();
    let label = label.trim();
    len < 300
        && link_density_runs(inlines) > 0.5
        && label.chars().count() <= 30
        && label.ends_with(':')
}

fn is_link_farm(b: &Block) -> bool {
    match b {
        Block::List { items, .. } => {
            let linky = items
                .iter()
                .filter(|it| link_density_runs(it) > 0.7)
                .count();
            items.len() >= 2 && linky * 10 >= items.len() * 6
        }
        Block::Paragraph { inlines } => {
            let len: usize = inlines.iter().map(|r| r.text().chars().count()).sum();
            (link_density_runs(inlines) > 0.75 || is_teaser_link(inlines)) && len < 300
        }
        Block::Heading { inlines, .. } | Block::Quote { inlines } => is_teaser_link(inlines),
        _ => false,
    }
}

/// Removes boilerplate blocks in place.
pub fn prune(blocks: &mut Vec<Block>) {
    // Each block's text, once.
    let mut texts: Vec<String> = blocks.iter().map(Block::text).collect();
    let chars: Vec<usize> = texts.iter().map(|t| t.chars().count()).collect();
    // 1. Cut the tail at the first marker past the opening of the article.
    let text_blocks = blocks
        .iter()
        .filter(|b| !matches!(b, Block::Image { .. }))
        .count();
    if text_blocks > 0 {
        let mut seen_text = 0usize;
        let mut cut = None;
        for (i, b) in blocks.iter().enumerate() {
            if is_marker(b, &texts[i]) && seen_text >= 1 {
                cut = Some(i);
                break;
            }
            // A comment thread runs to the end, however long it is.
            if seen_text >= 2
                && furniture::on(Rule::Comments)
                && !matches!(b, Block::Image { .. })
                && furniture::is_comment_start(&texts[i])
            {
                blocks.truncate(i);
                texts.truncate(i);
                break;
            }
            if !matches!(b, Block::Image { .. } | Block::Heading { .. }) && chars[i] > 80 {
                seen_text += 1;
            }
        }
        // A marker with most of the article still below it heads a section
        // of the story (a "Related research" heading, say), not a tail.
        if let Some(i) = cut
            && chars[i..].iter().sum::<usize>() < chars[..i].iter().sum::<usize>()
        {
            blocks.truncate(i);
            texts.truncate(i);
        }
    }
    // 2. Single blocks of furniture and link farms, with the line that
    // introduces a link farm ("See also:", "Auch interessant:").
    let last = blocks.len().saturating_sub(1);
    let mut drop: Vec<bool> = blocks
        .iter()
        .enumerate()
        .map(|(i, b)| {
            is_furniture(b, &texts[i])
                || is_link_farm(b)
                || is_not_prose(b, &texts[i])
                // Publication metadata sits at the edges of the article.
                || ((i < 3 || i == last)
                    && !matches!(b, Block::Image { .. })
                    && is_date_meta(&texts[i]))
        })
        .collect();
    for i in 1..blocks.len() {
        if is_link_farm(&blocks[i]) && is_lead_in(&blocks[i - 1], &texts[i - 1]) {
            drop[i - 1] = true;
        }
    }
    let mut keep = drop.iter().map(|d| !d);
    blocks.retain(|_| keep.next().unwrap_or(true));
    // 3. Trailing debris: short link-heavy or very short blocks at the end.
    while let Some(last) = blocks.last() {
        let len = last.text().chars().count();
        let drop = match last {
            Block::Heading { .. } => true,
            Block::Image { .. } => false,
            _ => len < 25 || (link_density(last) > 0.5 && len < 200),
        };
        if drop {
            blocks.pop();
        } else {
            break;
        }
    }
}

/// Drops the headline's copy from the top of the body, then [`prune`]s it.
pub fn finish(mut blocks: Vec<Block>, title: &str) -> Vec<Block> {
    if let Some(first) = blocks
        .iter()
        .position(|b| !matches!(b, Block::Image { .. }))
        && matches!(blocks[first], Block::Heading { .. })
        && super::choose::same_text(&blocks[first].text(), title)
    {
        blocks.remove(first);
    }
    prune(&mut blocks);
    blocks
}

//! Stage 4, choose: the one scorer that weighs the candidate bodies of a
//! page ([`super::candidates`]) and returns the article's blocks.
//!
//! Readability's pick is the default. The publisher's marked body wins when
//! it holds as much prose (it ends where the article ends) or Readability
//! found too little; the densest run of paragraphs stands in when both are
//! short; the headline's container wins when the pick lies outside it or
//! holds far less, and otherwise lends the pick the opening paragraphs it
//! missed; the JSON-LD `articleBody` wins when the page gave far less than
//! it. Then the standfirst goes in front, unless the body already says it.

use super::MIN_ARTICLE_CHARS;
use super::candidates::Candidates;
use super::convert::collapse;
use super::document::{Block, Inline};
use super::prune;

/// The article's blocks from the page's candidates. `standfirst` is the lead
/// the page marks; `description` the page's meta description.
pub fn choose(
    c: Candidates,
    title: &str,
    standfirst: Option<String>,
    description: Option<&str>,
) -> Vec<Block> {
    let mut blocks = c.readability.unwrap_or_default();
    // Readability's pick, unless the publisher's markup names a body with
    // as much prose (it is cleaner: it ends where the article ends) or
    // Readability found too little.
    if let Some(m) = c.markup {
        let (bt, bp) = (text_len(&blocks), prose_len(&blocks));
        let (mt, mp) = (text_len(&m), prose_len(&m));
        let short = bt < 2 * MIN_ARTICLE_CHARS || bp < 2 * MIN_ARTICLE_CHARS;
        if (short && (mt > bt || mp > 2 * bp)) || mp * 2 >= bp * 3 {
            blocks = m;
        }
    }
    // Nothing yet: the container of the most paragraph text.
    if text_len(&blocks) < 2 * MIN_ARTICLE_CHARS
        && let Some(p) = c.paragraphs
        && text_len(&p) > text_len(&blocks)
    {
        blocks = p;
    }
    // Readability chose text that is not under the page's own headline (a
    // teaser of another story, a table), or far less than the headline's
    // container holds: the headline's container wins.
    if let Some((a, anchor_text)) = c.headline {
        let first = blocks
            .iter()
            .find(|b| matches!(b, Block::Paragraph { .. }) && b.text().chars().count() > 80)
            .map(|b| b.text().chars().take(80).collect::<String>());
        let (bt, bp) = (text_len(&blocks), prose_len(&blocks));
        let (at, ap) = (text_len(&a), prose_len(&a));
        let outside = first.is_some_and(|f| !anchor_text.contains(&collapse(&f)))
            // ... unless Readability's pick has far more prose (a transcript
            // under a short summary).
            && bp < 3 * ap.max(1);
        let longer = at > 2 * bt;
        // A table or a list of names (short lines) is not the story when
        // the headline's container has its prose.
        let more_prose = ap > 2 * bp;
        if (outside || longer || more_prose) && at >= 2 * MIN_ARTICLE_CHARS {
            blocks = a;
        } else {
            blocks = with_opening(blocks, &a);
        }
    }
    // The publisher's own plain text, when the page gave us much less.
    if let Some(ld) = c.jsonld {
        let ld_len = non_space_len(&ld);
        if ld_len >= 2 * MIN_ARTICLE_CHARS && non_space_len(&blocks) * 2 < ld_len {
            blocks = ld;
        }
    }
    // A standfirst that sits outside the body container; failing that, the
    // page's own description, which news pages show as their standfirst
    // (often only through scripts). Skipped when the body already says it.
    let lead = standfirst.or_else(|| {
        description
            .map(collapse)
            .filter(|d| d.chars().count() >= 60)
    });
    if let Some(lead) = lead {
        blocks = with_standfirst(blocks, lead, title);
    }
    // Nothing in the page's body: some pages (photo galleries, archived
    // posts) carry their words only in the description.
    if blocks.iter().all(|b| b.text().trim().is_empty())
        && let Some(d) = description.map(collapse)
        && d.chars().count() >= 40
        && !same_text(&d, title)
    {
        blocks = vec![paragraph(d)];
    }
    blocks
}

fn paragraph(text: String) -> Block {
    Block::Paragraph {
        inlines: vec![Inline::Text { text }],
    }
}

/// Puts `lead` in front of `blocks` unless one of the first four blocks
/// already says it (a description cut short with "..." is compared without
/// the cut) or it is the headline.
fn with_standfirst(mut blocks: Vec<Block>, lead: String, title: &str) -> Vec<Block> {
    let lead_cmp = collapse(&lead)
        .trim_end_matches("...")
        .trim_end_matches('…')
        .trim_end()
        .to_string();
    let have = blocks.iter().take(4).any(|b| {
        let t = collapse(&b.text());
        t.contains(&lead_cmp) || lead_cmp.contains(&t) && !t.is_empty()
    });
    if !have && !same_text(&lead, title) {
        blocks.insert(0, paragraph(lead));
    }
    blocks
}

/// Readability's pick often starts a paragraph or two into the story: the
/// opening paragraphs sit between the headline and the body container.
/// Prose paragraphs of the headline's container that come before the
/// pick's first paragraph are put back in front of it.
fn with_opening(blocks: Vec<Block>, anchored: &[Block]) -> Vec<Block> {
    let Some(first) = blocks
        .iter()
        .find(|b| matches!(b, Block::Paragraph { .. }) && b.text().chars().count() > 80)
        .map(|b| collapse(&b.text()))
    else {
        return blocks;
    };
    let Some(at) = anchored
        .iter()
        .position(|b| matches!(b, Block::Paragraph { .. }) && collapse(&b.text()) == first)
    else {
        return blocks;
    };
    let opening: Vec<&Block> = anchored[..at]
        .iter()
        .filter(|b| {
            // A standfirst is often marked up as a (long) heading.
            matches!(b, Block::Paragraph { .. } | Block::Heading { .. })
                && b.text().chars().count() >= 80
                && prune::link_density(b) < 0.3
        })
        .collect();
    if opening.is_empty() {
        return blocks;
    }
    let have: std::collections::HashSet<String> =
        blocks.iter().map(|b| collapse(&b.text())).collect();
    let mut out: Vec<Block> = opening
        .into_iter()
        .filter(|b| !have.contains(&collapse(&b.text())))
        .cloned()
        .collect();
    out.extend(blocks);
    out
}

/// Characters of text blocks (images left out).
pub fn text_len(blocks: &[Block]) -> usize {
    blocks
        .iter()
        .filter(|b| !matches!(b, Block::Image { .. }))
        .map(|b| b.text().chars().count())
        .sum()
}

fn non_space_len(blocks: &[Block]) -> usize {
    blocks
        .iter()
        .filter(|b| !matches!(b, Block::Image { .. }))
        .map(|b| b.text().chars().filter(|c| !c.is_whitespace()).count())
        .sum()
}

/// Characters in paragraphs and quotes long enough to be prose (not table
/// cells, list items or lines of names).
pub fn prose_len(blocks: &[Block]) -> usize {
    blocks
        .iter()
        .filter(|b| matches!(b, Block::Paragraph { .. } | Block::Quote { .. }))
        .map(|b| {
            // A paragraph of short lines (names, addresses) is a list.
            b.text()
                .split('\n')
                .map(|l| l.trim().chars().count())
                .filter(|&n| n >= 80)
                .sum::<usize>()
        })
        .sum()
}

/// Whether two strings say the same, or one begins the other, comparing
/// letters and digits only, case folded.
pub fn same_text(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    let (a, b) = (norm(a), norm(b));
    !a.is_empty() && (a == b || b.starts_with(&a) || a.starts_with(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(s: &str) -> Block {
        paragraph(s.to_string())
    }

    fn prose(tag: &str, n: usize) -> Vec<Block> {
        (0..n)
            .map(|i| {
                para(&format!(
                    "{tag} paragraph {i}: the council met in the hall on the hill and argued \
                     for an hour about the price of the new bridge over the river."
                ))
            })
            .collect()
    }

    #[test]
    fn readability_is_the_default_pick() {
        let c = Candidates {
            readability: Some(prose("picked", 5)),
            ..Default::default()
        };
        let out = choose(c, "Bridge", None, None);
        assert_eq!(out.len(), 5);
        assert!(out[0].text().starts_with("picked"));
    }

    #[test]
    fn a_marked_body_with_as_much_prose_wins() {
        let c = Candidates {
            readability: Some(prose("picked", 4)),
            markup: Some(prose("marked", 6)),
            ..Default::default()
        };
        let out = choose(c, "Bridge", None, None);
        assert!(out.iter().all(|b| b.text().starts_with("marked")));
    }

    #[test]
    fn a_pick_outside_the_headline_container_loses_to_it() {
        let anchored = prose("anchored", 4);
        let text = anchored
            .iter()
            .map(|b| b.text())
            .collect::<Vec<_>>()
            .join(" ");
        let c = Candidates {
            readability: Some(prose("teaser", 4)),
            headline: Some((anchored, text)),
            ..Default::default()
        };
        let out = choose(c, "Bridge", None, None);
        assert!(out.iter().all(|b| b.text().starts_with("anchored")));
    }

    #[test]
    fn the_opening_above_the_pick_is_put_back() {
        let mut anchored = prose("opening", 1);
        let body = prose("body", 3);
        anchored.extend(body.clone());
        let text = anchored
            .iter()
            .map(|b| b.text())
            .collect::<Vec<_>>()
            .join(" ");
        let c = Candidates {
            readability: Some(body),
            headline: Some((anchored, text)),
            ..Default::default()
        };
        let out = choose(c, "Bridge", None, None);
        assert_eq!(out.len(), 4);
        assert!(out[0].text().starts_with("opening"));
    }

    #[test]
    fn json_ld_wins_only_when_the_page_gave_far_less() {
        let short = vec![para(
            "A caption of a video about the bridge over the river.",
        )];
        let c = Candidates {
            readability: Some(short.clone()),
            jsonld: Some(prose("ld", 6)),
            ..Default::default()
        };
        assert!(choose(c, "Bridge", None, None)[0].text().starts_with("ld"));
        let c = Candidates {
            readability: Some(prose("picked", 6)),
            jsonld: Some(prose("ld", 6)),
            ..Default::default()
        };
        assert!(
            choose(c, "Bridge", None, None)[0]
                .text()
                .starts_with("picked")
        );
    }

    #[test]
    fn the_standfirst_goes_in_front_once() {
        let lead = "The council has approved the bridge after a year of argument.".to_string();
        let c = Candidates {
            readability: Some(prose("picked", 3)),
            ..Default::default()
        };
        let out = choose(c.clone(), "Bridge", Some(lead.clone()), None);
        assert_eq!(out[0].text(), lead);
        let mut with_lead = vec![para(&lead)];
        with_lead.extend(prose("picked", 3));
        let c = Candidates {
            readability: Some(with_lead),
            ..Default::default()
        };
        let out = choose(c, "Bridge", Some(lead.clone()), None);
        assert_eq!(out.iter().filter(|b| b.text() == lead).count(), 1);
    }

    #[test]
    fn an_empty_page_falls_back_to_its_description() {
        let d = "Photographs of the new bridge, opened on Sunday by the mayor.";
        let out = choose(Candidates::default(), "Bridge", None, Some(d));
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].text(), d);
    }
}

//! Topics worth following, offered as one-click follows: the feeds' own
//! categories (UrduPoint's "Related Topics", say) and names that recur in
//! recent headlines ("Imran Khan"). A pure function over recent articles.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::text;

/// One recent article, as the suggester sees it.
#[derive(Debug, Clone)]
pub struct Recent<'a> {
    /// Headline.
    pub title: &'a str,
    /// The feed's categories for it.
    pub categories: Vec<&'a str>,
}

/// Where a suggestion comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// A feed category.
    Category,
    /// A name frequent in headlines.
    Name,
}

/// A suggested topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// Name to give the topic.
    pub name: String,
    /// Its query.
    pub query: String,
    /// Recent articles it would have matched (by the category or name).
    pub count: usize,
    /// Why it is offered.
    pub source: Source,
}

const STOP: &[&str] = &[
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "is", "of", "on", "or",
    "over", "the", "to", "with", "after", "amid", "says", "said", "will", "new", "more", "how",
    "why", "what", "who", "this", "that", "its", "his", "her", "their", "are", "be", "not", "no",
    "up", "out", "news", "latest", "live", "today", "video", "photos", "watch", "breaking", "vs",
];

/// Suggests up to `limit` topics from `recent` articles, leaving out any
/// whose query tokens equal those of an existing topic (`existing` holds
/// existing queries).
pub fn suggest(recent: &[Recent<'_>], existing: &[String], limit: usize) -> Vec<Suggestion> {
    let taken: HashSet<Vec<String>> = existing.iter().map(|q| text::tokens(q)).collect();
    // Normal form -> (surface forms with counts, articles).
    let mut cats: HashMap<Vec<String>, (HashMap<String, usize>, usize)> = HashMap::new();
    let mut names: HashMap<Vec<String>, (HashMap<String, usize>, usize)> = HashMap::new();
    for r in recent {
        let mut seen = HashSet::new();
        for c in &r.categories {
            let c = c.trim();
            let key = text::tokens(c);
            if key.is_empty() || c.chars().count() > 60 || !seen.insert(key.clone()) {
                continue;
            }
            let e = cats.entry(key).or_default();
            *e.0.entry(c.to_string()).or_default() += 1;
            e.1 += 1;
        }
        let mut seen = HashSet::new();
        for name in capitalised_runs(r.title) {
            let key = text::tokens(&name);
            if !seen.insert(key.clone()) {
                continue;
            }
            let e = names.entry(key).or_default();
            *e.0.entry(name).or_default() += 1;
            e.1 += 1;
        }
    }
    let mut out = Vec::new();
    let mut used: HashSet<Vec<String>> = taken;
    for (source, map, min) in [(Source::Category, cats, 2), (Source::Name, names, 3)] {
        let mut ranked: Vec<(Vec<String>, String, usize)> = map
            .into_iter()
            .filter(|(_, (_, n))| *n >= min)
            .map(|(key, (forms, n))| {
                let surface = forms
                    .into_iter()
                    .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
                    .map(|(s, _)| s)
                    .unwrap_or_default();
                (key, surface, n)
            })
            .collect();
        ranked.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
        for (key, surface, n) in ranked {
            if !used.insert(key.clone()) {
                continue;
            }
            let query = if key.len() > 1 {
                format!("\"{}\"", surface.replace('"', ""))
            } else {
                surface.clone()
            };
            out.push(Suggestion {
                name: surface,
                query,
                count: n,
                source,
            });
        }
    }
    // Categories first, then names; keep the best of each within the limit.
    out.truncate(limit);
    out
}

/// Runs of two or three capitalised words in a headline, split at small
/// words; longer runs are title-case headlines, not names.
fn capitalised_runs(title: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut run: Vec<&str> = Vec::new();
    let mut flush = |run: &mut Vec<&str>| {
        if (2..=3).contains(&run.len()) {
            out.push(run.join(" "));
        }
        run.clear();
    };
    for raw in title.split(|c: char| c.is_whitespace() || matches!(c, ',' | ':' | ';' | '|')) {
        let w = raw.trim_matches(|c: char| !c.is_alphanumeric());
        let w = w
            .strip_suffix("'s")
            .or_else(|| w.strip_suffix("’s"))
            .unwrap_or(w);
        let capital = w.chars().next().is_some_and(char::is_uppercase)
            && w.chars().skip(1).all(|c| c.is_alphabetic() || c == '-')
            && w.chars().count() > 1;
        let stop = STOP.contains(&w.to_lowercase().as_str());
        if capital && !stop {
            run.push(w);
        } else {
            flush(&mut run);
        }
        // Punctuation after a word ends the run ("Khan, Sharif").
        if raw.ends_with(['.', '!', '?', '"', '\'', '’']) && !raw.ends_with("'s") {
            flush(&mut run);
        }
    }
    flush(&mut run);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r<'a>(title: &'a str, cats: &[&'a str]) -> Recent<'a> {
        Recent {
            title,
            categories: cats.to_vec(),
        }
    }

    #[test]
    fn categories_and_recurring_names_are_suggested() {
        let recent = vec![
            r(
                "Imran Khan addresses rally in Lahore",
                &["Imran Khan", "Lahore"],
            ),
            r("Court hears plea of Imran Khan", &["Imran Khan", "Court"]),
            r("Why Imran Khan's party left the talks", &["Politics"]),
            r("Cricket board names squad", &["Cricket", "Lahore"]),
            r("Markets rise again", &["Business"]),
        ];
        let s = suggest(&recent, &[], 10);
        let names: Vec<(&str, &str, usize)> = s
            .iter()
            .map(|s| (s.name.as_str(), s.query.as_str(), s.count))
            .collect();
        assert_eq!(
            names,
            [("Imran Khan", "\"Imran Khan\"", 2), ("Lahore", "Lahore", 2)]
        );
        // Names from headlines need three articles; "Imran Khan" already came
        // from categories, so it is not offered twice.
        let more = [
            recent.clone(),
            vec![r("Imran Khan to appear in court", &[])],
        ]
        .concat();
        let s = suggest(&more, &[], 10);
        assert_eq!(s.iter().filter(|x| x.name == "Imran Khan").count(), 1);
    }

    #[test]
    fn followed_topics_are_not_suggested_again() {
        let recent = vec![r("a", &["Cricket"]), r("b", &["cricket"])];
        assert_eq!(suggest(&recent, &[], 5).len(), 1);
        assert!(suggest(&recent, &["cricket".into()], 5).is_empty());
        assert!(
            suggest(&recent, &["Cricketers".into()], 5).is_empty(),
            "same stem"
        );
    }

    #[test]
    fn title_case_headlines_are_not_names() {
        assert!(capitalised_runs("Prime Minister Meets Army Chief Over Budget").is_empty());
        assert_eq!(
            capitalised_runs("Talks with Imran Khan, Nawaz Sharif end"),
            ["Imran Khan", "Nawaz Sharif"]
        );
        assert_eq!(
            capitalised_runs("Lahore court: Imran Khan's bail"),
            ["Imran Khan"]
        );
    }
}

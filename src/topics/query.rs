//! The plain-words query language of topics and of the search box.
//!
//! - words: all must match (`Iran Russia`);
//! - `"exact phrases"`;
//! - `OR` (or `|`) between two parts: either matches (`"Imran Khan" OR PTI`);
//!   OR binds tighter than the implicit AND, as in web search engines;
//! - `-word` or `-"a phrase"` excludes (`cricket -IPL`);
//! - parentheses group: `(Iran OR Iraq) -football`.
//!
//! Words are analysed with [`super::text`], so they are stemmed and folded
//! exactly as the index is. A word that analyses to several tokens
//! ("PTI-2") is a phrase. A bad query gives a [`QueryError`] with the
//! character position where the problem is.

use super::text;

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// One token.
    Term(String),
    /// Consecutive tokens.
    Phrase(Vec<String>),
    /// All must match. Exclusions appear only here, as [`Expr::Not`].
    And(Vec<Expr>),
    /// Any may match.
    Or(Vec<Expr>),
    /// Must not match.
    Not(Box<Expr>),
}

/// Why a query cannot be used, and where (a character index into it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at character {})", at + 1)]
pub struct QueryError {
    /// Plain-words explanation.
    pub message: String,
    /// Character index (0-based) in the query where the problem is.
    pub at: usize,
}

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 1000;
const MAX_NESTING: usize = 20;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Phrase(String),
    Or,
    Minus,
    Open,
    Close,
}

fn err(message: impl Into<String>, at: usize) -> QueryError {
    QueryError {
        message: message.into(),
        at,
    }
}

fn lex(input: &str) -> Result<Vec<(Tok, usize)>, QueryError> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        match c {
            '(' => {
                out.push((Tok::Open, i));
                i += 1;
            }
            ')' => {
                out.push((Tok::Close, i));
                i += 1;
            }
            '|' => {
                out.push((Tok::Or, i));
                i += 1;
            }
            '"' | '“' | '”' => {
                let start = i;
                i += 1;
                let mut s = String::new();
                while i < chars.len() && !matches!(chars[i], '"' | '“' | '”') {
                    s.push(chars[i]);
                    i += 1;
                }
                if i >= chars.len() {
                    return Err(err("this quote is never closed", start));
                }
                i += 1;
                out.push((Tok::Phrase(s), start));
            }
            // A minus starts an exclusion only at the start of a word.
            '-' if i + 1 < chars.len()
                && !chars[i + 1].is_whitespace()
                && (i == 0
                    || chars[i - 1].is_whitespace()
                    || matches!(chars[i - 1], '(' | '-')) =>
            {
                out.push((Tok::Minus, i));
                i += 1;
            }
            _ => {
                let start = i;
                let mut s = String::new();
                while i < chars.len()
                    && !chars[i].is_whitespace()
                    && !matches!(chars[i], '(' | ')' | '"' | '“' | '”')
                {
                    s.push(chars[i]);
                    i += 1;
                }
                if s == "OR" {
                    out.push((Tok::Or, start));
                } else {
                    out.push((Tok::Word(s), start));
                }
            }
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }
    fn at(&self) -> usize {
        self.toks.get(self.pos).map_or(self.end, |(_, p)| *p)
    }

    /// and := or+ ; stops at `)` or the end.
    fn and(&mut self, depth: usize) -> Result<Option<Expr>, QueryError> {
        if depth > MAX_NESTING {
            return Err(err("too many nested parentheses", self.at()));
        }
        let start = self.at();
        let mut parts = Vec::new();
        while let Some(t) = self.peek() {
            if *t == Tok::Close {
                break;
            }
            if let Some(e) = self.or(depth)? {
                parts.push(e);
            }
        }
        if parts.is_empty() {
            return Ok(None);
        }
        if parts.iter().all(|p| matches!(p, Expr::Not(_))) {
            return Err(err(
                "a query needs at least one word to look for, not only exclusions",
                start,
            ));
        }
        Ok(Some(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::And(parts)
        }))
    }

    /// or := unary (OR unary)*
    fn or(&mut self, depth: usize) -> Result<Option<Expr>, QueryError> {
        if self.peek() == Some(&Tok::Or) {
            return Err(err("OR needs a word on each side", self.at()));
        }
        let first_at = self.at();
        let first = self.unary(depth)?;
        let mut alts = vec![(first, first_at)];
        while self.peek() == Some(&Tok::Or) {
            let or_at = self.at();
            self.pos += 1;
            if matches!(self.peek(), None | Some(Tok::Close) | Some(Tok::Or)) {
                return Err(err("OR needs a word on each side", or_at));
            }
            let at = self.at();
            alts.push((self.unary(depth)?, at));
        }
        if alts.len() == 1 {
            return Ok(alts.remove(0).0);
        }
        let mut out = Vec::new();
        for (e, at) in alts {
            match e {
                Some(Expr::Not(_)) => {
                    return Err(err("an exclusion (-word) cannot be one side of OR", at));
                }
                Some(Expr::Or(inner)) => out.extend(inner),
                Some(e) => out.push(e),
                None => {}
            }
        }
        Ok(match out.len() {
            0 => None,
            1 => out.pop(),
            _ => Some(Expr::Or(out)),
        })
    }

    fn unary(&mut self, depth: usize) -> Result<Option<Expr>, QueryError> {
        if self.peek() == Some(&Tok::Minus) {
            let at = self.at();
            self.pos += 1;
            if self.peek() == Some(&Tok::Minus) {
                return Err(err("one minus is enough to exclude a word", at));
            }
            return match self.primary(depth)? {
                Some(Expr::Not(_)) => Err(err("a double exclusion is not allowed", at)),
                Some(e) => Ok(Some(Expr::Not(Box::new(e)))),
                None => Err(err("a minus must be followed by a word to exclude", at)),
            };
        }
        self.primary(depth)
    }

    fn primary(&mut self, depth: usize) -> Result<Option<Expr>, QueryError> {
        let at = self.at();
        let Some((tok, _)) = self.toks.get(self.pos).cloned() else {
            return Err(err("the query ends too early", at));
        };
        self.pos += 1;
        match tok {
            Tok::Word(w) | Tok::Phrase(w) => Ok(words(&w)),
            Tok::Open => {
                let inner = self.and(depth + 1)?;
                if self.peek() != Some(&Tok::Close) {
                    return Err(err("this parenthesis is never closed", at));
                }
                self.pos += 1;
                match inner {
                    None => Err(err("empty parentheses", at)),
                    Some(e) => Ok(Some(e)),
                }
            }
            Tok::Close => Err(err("a closing parenthesis without an opening one", at)),
            Tok::Or => Err(err("OR needs a word on each side", at)),
            Tok::Minus => Err(err("a minus must be followed by a word to exclude", at)),
        }
    }
}

/// A word or phrase as an expression: no tokens (punctuation only) is nothing.
fn words(s: &str) -> Option<Expr> {
    let mut t = text::tokens(s);
    match t.len() {
        0 => None,
        1 => t.pop().map(Expr::Term),
        _ => Some(Expr::Phrase(t)),
    }
}

/// Parses a query.
pub fn parse(input: &str) -> Result<Expr, QueryError> {
    let n = input.chars().count();
    if n > MAX_QUERY_CHARS {
        return Err(err(
            format!("a query can be at most {MAX_QUERY_CHARS} characters"),
            MAX_QUERY_CHARS,
        ));
    }
    let toks = lex(input)?;
    let mut p = Parser {
        toks,
        pos: 0,
        end: n,
    };
    let e = p.and(0)?;
    if p.peek() == Some(&Tok::Close) {
        return Err(err("a closing parenthesis without an opening one", p.at()));
    }
    e.ok_or_else(|| err("type a word to look for", 0))
}

impl Expr {
    /// Whether an analysed article matches.
    pub fn matches(&self, doc: &text::Analyzed) -> bool {
        match self {
            Expr::Term(t) => doc.has(t),
            Expr::Phrase(p) => doc.has_phrase(p),
            Expr::And(xs) => xs.iter().all(|x| x.matches(doc)),
            Expr::Or(xs) => xs.iter().any(|x| x.matches(doc)),
            Expr::Not(x) => !x.matches(doc),
        }
    }

    /// The same query in FTS5 syntax, over an index holding
    /// [`text::index_form`] tokens. Every token is quoted, so nothing a user
    /// typed is read as FTS5 syntax.
    pub fn to_fts(&self) -> String {
        match self {
            Expr::Term(t) => format!("\"{t}\""),
            Expr::Phrase(p) => format!("\"{}\"", p.join(" ")),
            Expr::Or(xs) => {
                let parts: Vec<String> = xs.iter().map(|x| x.to_fts()).collect();
                format!("({})", parts.join(" OR "))
            }
            Expr::Not(x) => x.to_fts(),
            Expr::And(xs) => {
                let pos: Vec<String> = xs
                    .iter()
                    .filter(|x| !matches!(x, Expr::Not(_)))
                    .map(|x| x.to_fts())
                    .collect();
                let neg: Vec<String> = xs
                    .iter()
                    .filter(|x| matches!(x, Expr::Not(_)))
                    .map(|x| x.to_fts())
                    .collect();
                let pos = format!("({})", pos.join(" AND "));
                if neg.is_empty() {
                    pos
                } else {
                    format!("({pos} NOT ({}))", neg.join(" OR "))
                }
            }
        }
    }

    /// Tokens whose presence makes the query match (not the excluded ones):
    /// what the list and the reader highlight.
    pub fn positive_tokens(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect_positive(&mut out);
        out.sort();
        out.dedup();
        out
    }

    fn collect_positive(&self, out: &mut Vec<String>) {
        match self {
            Expr::Term(t) => out.push(t.clone()),
            Expr::Phrase(p) => out.extend(p.iter().cloned()),
            Expr::And(xs) | Expr::Or(xs) => xs.iter().for_each(|x| x.collect_positive(out)),
            Expr::Not(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topics::text::Analyzed;

    fn t(s: &str) -> Expr {
        Expr::Term(s.into())
    }

    #[test]
    fn the_issue_examples_parse() {
        assert_eq!(
            parse("Iran Russia").unwrap(),
            Expr::And(vec![t("iran"), t("russia")])
        );
        assert_eq!(
            parse("\"Imran Khan\" OR PTI").unwrap(),
            Expr::Or(vec![
                Expr::Phrase(vec!["imran".into(), "khan".into()]),
                t("pti")
            ])
        );
        assert_eq!(
            parse("cricket -IPL").unwrap(),
            Expr::And(vec![t("cricket"), Expr::Not(Box::new(t("ipl")))])
        );
        assert_eq!(
            parse("(Iran | Iraq) -\"world cup\"").unwrap(),
            Expr::And(vec![
                Expr::Or(vec![t("iran"), t("iraq")]),
                Expr::Not(Box::new(Expr::Phrase(vec!["world".into(), "cup".into()])))
            ])
        );
        // A hyphenated word is a phrase, not an exclusion.
        assert_eq!(
            parse("PTI-2").unwrap(),
            Expr::Phrase(vec!["pti".into(), "2".into()])
        );
        assert_eq!(parse("cricket").unwrap(), t("cricket"));
        assert_eq!(parse("Cricketers").unwrap(), t("cricket"));
        // Lower-case "or" is a word.
        assert_eq!(
            parse("war or peace").unwrap().positive_tokens(),
            ["or", "peac", "war"]
        );
    }

    #[test]
    fn bad_queries_say_what_and_where() {
        let cases: &[(&str, usize, &str)] = &[
            ("", 0, "type a word"),
            ("   ", 0, "type a word"),
            ("\"Imran Khan", 0, "never closed"),
            ("cricket \"", 8, "never closed"),
            ("-IPL", 0, "not only exclusions"),
            ("-IPL -PSL", 0, "not only exclusions"),
            ("OR cricket", 0, "each side"),
            ("cricket OR", 8, "each side"),
            ("a OR OR b", 2, "each side"),
            ("cricket OR -IPL", 11, "one side of OR"),
            ("(cricket", 0, "never closed"),
            ("cricket)", 7, "without an opening"),
            ("()", 0, "empty parentheses"),
            ("a --b", 2, "one minus"),
            ("&&& ...", 0, "type a word"),
        ];
        for (q, at, msg) in cases {
            let e = parse(q).expect_err(q);
            assert!(e.message.contains(msg), "{q:?}: {e}");
            assert_eq!(e.at, *at, "{q:?}: {e}");
        }
        assert!(parse(&"a ".repeat(600)).is_err());
        assert!(parse(&format!("{}x{}", "(".repeat(40), ")".repeat(40))).is_err());
    }

    #[test]
    fn matching_follows_the_expression() {
        let doc = Analyzed::new(
            "Imran Khan addresses rally in Lahore",
            "The PTI chairman spoke about cricket and the IPL auction.",
        );
        let yes = [
            "Imran",
            "\"Imran Khan\" OR PTI",
            "cricket",
            "(Iran OR Lahore) rally",
            "khan -Karachi",
        ];
        let no = [
            "cricket -IPL",
            "Iran Russia",
            "\"Khan Imran\"",
            "Lahore -(PTI OR cricket)",
        ];
        for q in yes {
            assert!(parse(q).unwrap().matches(&doc), "{q}");
        }
        for q in no {
            assert!(!parse(q).unwrap().matches(&doc), "{q}");
        }
    }

    #[test]
    fn urdu_queries_match_either_letter_form() {
        let doc = Analyzed::new("پاكستان کرکٹ ٹيم", "عمران خان نے کہا");
        assert!(parse("پاکستان").unwrap().matches(&doc));
        assert!(parse("کرکٹ ٹیم").unwrap().matches(&doc));
        assert!(parse("\"عمران خان\"").unwrap().matches(&doc));
        assert!(parse("كها").unwrap().matches(&doc));
    }

    #[test]
    fn fts_form_quotes_every_token() {
        assert_eq!(
            parse("\"Imran Khan\" OR PTI cricket -IPL")
                .unwrap()
                .to_fts(),
            r#"((("imran khan" OR "pti") AND "cricket") NOT ("ipl"))"#
        );
    }
}

//! The clean article: metadata plus a list of blocks of inline runs. This is
//! what the store keeps and the reader shows; it is data, not HTML, so nothing
//! executable can survive into it.

use serde::{Deserialize, Serialize};

/// Metadata of an article page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Meta {
    /// Headline.
    pub title: String,
    /// Author(s).
    pub byline: Option<String>,
    /// Published time as the page gives it (ISO 8601 usually).
    pub published: Option<String>,
    /// The site's name.
    pub site_name: Option<String>,
    /// Language code (`en`, `ur`, ...).
    pub language: Option<String>,
    /// Lead image URL.
    pub lead_image: Option<String>,
    /// The page's canonical URL.
    pub url: Option<String>,
}

/// A run of inline content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum Inline {
    /// Plain text.
    Text {
        /// The text.
        text: String,
    },
    /// Emphasised text (`em`, `i`; `strong` with `strong: true`).
    Emphasis {
        /// The text.
        text: String,
        /// Strong rather than italic.
        #[serde(default)]
        strong: bool,
    },
    /// A link (http or https only).
    Link {
        /// Link text.
        text: String,
        /// Absolute URL.
        href: String,
    },
    /// A forced line break.
    Break,
}

impl Inline {
    /// The visible text of this run.
    pub fn text(&self) -> &str {
        match self {
            Inline::Text { text } | Inline::Emphasis { text, .. } | Inline::Link { text, .. } => {
                text
            }
            Inline::Break => "\n",
        }
    }
}

/// A block of the article body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum Block {
    /// A paragraph.
    Paragraph {
        /// Its runs.
        inlines: Vec<Inline>,
    },
    /// A heading (level 2 to 6; the title is in [`Meta`]).
    Heading {
        /// 2..=6.
        level: u8,
        /// Its runs.
        inlines: Vec<Inline>,
    },
    /// A list.
    List {
        /// Numbered.
        ordered: bool,
        /// Items, each a run list.
        items: Vec<Vec<Inline>>,
    },
    /// A quotation.
    Quote {
        /// Its runs (paragraphs separated by breaks).
        inlines: Vec<Inline>,
    },
    /// Preformatted text.
    Preformatted {
        /// Text as is.
        text: String,
    },
    /// An image with optional caption.
    Image {
        /// Absolute URL.
        src: String,
        /// Alt text.
        alt: Option<String>,
        /// Caption.
        caption: Option<String>,
    },
    /// A simple table of text cells.
    Table {
        /// Rows of cells.
        rows: Vec<Vec<String>>,
    },
}

/// A cleaned article.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Article {
    /// Metadata.
    pub meta: Meta,
    /// Body.
    pub blocks: Vec<Block>,
}

/// Joins runs into one string, collapsing whitespace but keeping breaks.
pub fn inline_text(runs: &[Inline]) -> String {
    let mut s = String::new();
    for r in runs {
        s.push_str(r.text());
    }
    // Lines with their whitespace collapsed, empty lines dropped, joined by
    // "\n": written into one buffer (this runs for every block, often).
    let mut out = String::with_capacity(s.len());
    for line in s.split('\n') {
        let mut words = line.split_whitespace();
        let Some(first) = words.next() else { continue };
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(first);
        for w in words {
            out.push(' ');
            out.push_str(w);
        }
    }
    out
}

impl Block {
    /// Plain text of the block.
    pub fn text(&self) -> String {
        match self {
            Block::Paragraph { inlines }
            | Block::Heading { inlines, .. }
            | Block::Quote { inlines } => inline_text(inlines),
            Block::List { ordered, items } => items
                .iter()
                .enumerate()
                .map(|(i, it)| {
                    let marker = if *ordered {
                        format!("{}.", i + 1)
                    } else {
                        "-".into()
                    };
                    format!("{marker} {}", inline_text(it))
                })
                .collect::<Vec<_>>()
                .join("\n"),
            Block::Preformatted { text } => text.clone(),
            Block::Image { caption, alt, .. } => {
                caption.clone().or_else(|| alt.clone()).unwrap_or_default()
            }
            Block::Table { rows } => rows
                .iter()
                .map(|r| r.join(" | "))
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }
}

impl Article {
    /// The body as plain text: text blocks separated by blank lines. Images
    /// (and their captions) are not paragraphs and are left out.
    pub fn body_text(&self) -> String {
        self.blocks
            .iter()
            .filter(|b| !matches!(b, Block::Image { .. }))
            .map(Block::text)
            .filter(|t| !t.trim().is_empty())
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    /// The text format: the title line, a blank line, then the paragraphs
    /// separated by blank lines.
    pub fn to_text(&self) -> String {
        let mut s = self.meta.title.trim().to_string();
        s.push_str("\n\n");
        s.push_str(&self.body_text());
        s.push('\n');
        s
    }

    /// Number of characters of body text.
    pub fn text_len(&self) -> usize {
        self.blocks.iter().map(|b| b.text().chars().count()).sum()
    }

    /// Safe HTML for a browser: only the structure above, every string escaped.
    pub fn to_html(&self) -> String {
        let mut h = String::from("<article>\n");
        h.push_str(&format!("<h1>{}</h1>\n", esc(&self.meta.title)));
        for b in &self.blocks {
            match b {
                Block::Paragraph { inlines } => {
                    h.push_str(&format!("<p>{}</p>\n", runs_html(inlines)))
                }
                Block::Heading { level, inlines } => {
                    h.push_str(&format!("<h{level}>{}</h{level}>\n", runs_html(inlines)))
                }
                Block::Quote { inlines } => h.push_str(&format!(
                    "<blockquote>{}</blockquote>\n",
                    runs_html(inlines)
                )),
                Block::List { ordered, items } => {
                    let tag = if *ordered { "ol" } else { "ul" };
                    h.push_str(&format!("<{tag}>"));
                    for it in items {
                        h.push_str(&format!("<li>{}</li>", runs_html(it)));
                    }
                    h.push_str(&format!("</{tag}>\n"));
                }
                Block::Preformatted { text } => h.push_str(&format!("<pre>{}</pre>\n", esc(text))),
                Block::Image { src, alt, caption } => {
                    h.push_str(&format!(
                        "<figure><img src=\"{}\" alt=\"{}\">",
                        esc(src),
                        esc(alt.as_deref().unwrap_or(""))
                    ));
                    if let Some(c) = caption {
                        h.push_str(&format!("<figcaption>{}</figcaption>", esc(c)));
                    }
                    h.push_str("</figure>\n");
                }
                Block::Table { rows } => {
                    h.push_str("<table>");
                    for r in rows {
                        h.push_str("<tr>");
                        for c in r {
                            h.push_str(&format!("<td>{}</td>", esc(c)));
                        }
                        h.push_str("</tr>");
                    }
                    h.push_str("</table>\n");
                }
            }
        }
        h.push_str("</article>\n");
        h
    }
}

fn runs_html(runs: &[Inline]) -> String {
    runs.iter()
        .map(|r| match r {
            Inline::Text { text } => esc(text),
            Inline::Emphasis { text, strong: true } => format!("<strong>{}</strong>", esc(text)),
            Inline::Emphasis {
                text,
                strong: false,
            } => format!("<em>{}</em>", esc(text)),
            Inline::Link { text, href } => format!("<a href=\"{}\">{}</a>", esc(href), esc(text)),
            Inline::Break => "<br>".into(),
        })
        .collect()
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

//! Followed topics: saved queries in plain words, matched against every
//! article as it is stored.
//!
//! - [`query`]: the query language (parser, matching, FTS5 form);
//! - [`text`]: the one tokenizer behind the index, matching and highlighting;
//! - [`suggest`]: topics worth following, from categories and frequent names.
//!
//! The store ([`crate::store::topics`]) keeps topics and their hits; a
//! topic's unread count is a column kept by triggers, so the sidebar reads
//! it without searching.

pub mod query;
pub mod suggest;
pub mod text;

use serde::{Deserialize, Serialize};

pub use crate::model::TopicId;
use crate::model::{FeedId, Timestamp};

pub use query::{Expr, QueryError};

/// What a topic does with what it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Follow: list it, count it, notify.
    #[default]
    Follow,
    /// Mute words: hide what it matches everywhere.
    Hide,
}

impl Action {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Follow => "follow",
            Action::Hide => "hide",
        }
    }

    /// From the stored form (unknown values follow).
    pub fn parse(s: &str) -> Action {
        if s == "hide" {
            Action::Hide
        } else {
            Action::Follow
        }
    }
}

/// What the user writes to create or edit a topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TopicSpec {
    /// Display name, unique (case-insensitive).
    pub name: String,
    /// The query, in the language of [`query`].
    pub query: String,
    /// Only this outlet.
    pub feed: Option<FeedId>,
    /// Only outlets in this folder.
    pub folder: Option<String>,
    /// Only articles in this language (two-letter code).
    pub lang: Option<String>,
    /// Follow or hide.
    pub action: Action,
    /// Desktop notifications for new hits.
    pub notify: bool,
}

impl TopicSpec {
    /// A followed topic with notifications on.
    pub fn follow(name: &str, query: &str) -> TopicSpec {
        TopicSpec {
            name: name.trim().to_string(),
            query: query.to_string(),
            notify: true,
            ..Default::default()
        }
    }

    /// Parses the query, then checks the name (query errors come first:
    /// they say where the problem is).
    pub fn compile(&self) -> Result<Expr, TopicError> {
        let expr = query::parse(&self.query)?;
        if self.name.trim().is_empty() {
            return Err(TopicError::Name("give the topic a name".into()));
        }
        if self.name.chars().count() > 100 {
            return Err(TopicError::Name(
                "a name can be at most 100 characters".into(),
            ));
        }
        Ok(expr)
    }
}

/// Why a topic cannot be saved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TopicError {
    /// The name is empty, too long or taken.
    #[error("{0}")]
    Name(String),
    /// The query does not parse.
    #[error("{0}")]
    Query(#[from] QueryError),
}

/// A stored topic with its counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Topic {
    /// Id.
    pub id: TopicId,
    /// What the user wrote.
    #[serde(flatten)]
    pub spec: TopicSpec,
    /// Muted (no notifications, no unread badge) until this time.
    pub muted_until: Option<Timestamp>,
    /// Articles matched.
    pub total: i64,
    /// Unread articles matched.
    pub unread: i64,
}

impl Topic {
    /// Whether the topic is muted at `now` (a mute expires by itself).
    pub fn is_muted(&self, now: Timestamp) -> bool {
        self.muted_until.is_some_and(|t| t > now)
    }
}

/// A topic ready to test articles against.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// Id.
    pub id: TopicId,
    /// The parsed query.
    pub expr: Expr,
    /// Scope: outlet.
    pub feed: Option<FeedId>,
    /// Scope: folder.
    pub folder: Option<String>,
    /// Scope: language.
    pub lang: Option<String>,
    /// Follow or hide.
    pub action: Action,
}

/// Where an article comes from, for scope checks.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    /// Its feed.
    pub feed: FeedId,
    /// The feed's folder.
    pub folder: Option<&'a str>,
    /// The article's language.
    pub lang: Option<&'a str>,
}

impl Compiled {
    /// Whether the article is in scope and matches.
    pub fn matches(&self, origin: Origin<'_>, doc: &text::Analyzed) -> bool {
        if self.feed.is_some_and(|f| f != origin.feed) {
            return false;
        }
        if let Some(folder) = &self.folder
            && origin.folder != Some(folder.as_str())
        {
            return false;
        }
        if let Some(lang) = &self.lang
            && origin.lang != Some(lang.as_str())
        {
            return false;
        }
        self.expr.matches(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutes_expire_by_themselves() {
        let mut t = Topic {
            id: TopicId(1),
            spec: TopicSpec::follow("cricket", "cricket"),
            muted_until: Some(1_000),
            total: 0,
            unread: 0,
        };
        assert!(t.is_muted(999));
        assert!(!t.is_muted(1_000));
        assert!(!t.is_muted(5_000));
        t.muted_until = None;
        assert!(!t.is_muted(0));
    }

    #[test]
    fn scope_limits_matches() {
        let c = Compiled {
            id: TopicId(1),
            expr: query::parse("cricket").unwrap(),
            feed: None,
            folder: Some("Pakistan".into()),
            lang: Some("en".into()),
            action: Action::Follow,
        };
        let doc = text::Analyzed::new("Cricket today", "");
        let o = |folder, lang| Origin {
            feed: FeedId(3),
            folder,
            lang,
        };
        assert!(c.matches(o(Some("Pakistan"), Some("en")), &doc));
        assert!(!c.matches(o(Some("World"), Some("en")), &doc));
        assert!(!c.matches(o(Some("Pakistan"), Some("ur")), &doc));
        assert!(!c.matches(o(None, None), &doc));
    }

    #[test]
    fn a_bad_topic_is_a_clear_error() {
        let e = TopicSpec::follow("  ", "x").compile().unwrap_err();
        assert_eq!(e.to_string(), "give the topic a name");
        let e = TopicSpec::follow("ipl", "-IPL").compile().unwrap_err();
        assert!(matches!(e, TopicError::Query(ref q) if q.at == 0), "{e}");
    }
}

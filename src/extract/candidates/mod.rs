//! Stage 3, candidates: several bodies for the same page, each found its own
//! way, each converted to blocks ([`super::convert`]) and pruned
//! ([`super::prune::finish`]) so that the chooser ([`super::choose`]) weighs
//! them on the same footing:
//!
//! - [`readability`]: Readability's scoring (dom_smoothie), which also reads
//!   the page's metadata;
//! - [`markup`]: the body the publisher's markup names;
//! - [`headline`]: the container of the page's own headline;
//! - [`jsonld`]: the JSON-LD `articleBody`, as plain paragraphs;
//! - [`paragraphs`]: the densest run of paragraphs;
//! - [`standfirst`]: not a body but the lead paragraph the page marks, which
//!   the chooser may put in front of the body.

pub mod headline;
pub mod jsonld;
pub mod markup;
pub mod paragraphs;
pub mod readability;
pub mod standfirst;

use dom_query::NodeRef;
use url::Url;

use super::document::Block;
use super::{convert, prune};

/// The bodies found for one page. A candidate a finder could not make is
/// `None`.
#[derive(Debug, Default, Clone)]
pub struct Candidates {
    /// Readability's pick.
    pub readability: Option<Vec<Block>>,
    /// The body the publisher's markup names.
    pub markup: Option<Vec<Block>>,
    /// The headline's container, with its whole text (collapsed), so the
    /// chooser can tell whether another pick lies under the headline.
    pub headline: Option<(Vec<Block>, String)>,
    /// The JSON-LD `articleBody` as paragraphs.
    pub jsonld: Option<Vec<Block>>,
    /// The densest run of paragraphs.
    pub paragraphs: Option<Vec<Block>>,
}

/// Converts and prunes the subtree under `node`: the blocks of a candidate.
pub fn body(node: &NodeRef<'_>, base: Option<&Url>, title: &str) -> Vec<Block> {
    prune::finish(convert::blocks(node, base), title)
}

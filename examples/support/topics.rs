//! The 50 topics the benchmarks follow: every form of the query language,
//! over words and names common in news.

#![allow(dead_code)]

use khabar::topics::TopicSpec;

/// Fifty topics in every form the query language has.
pub fn fifty() -> Vec<TopicSpec> {
    let mut out = Vec::new();
    for w in super::synth::TOPICAL {
        out.push(TopicSpec::follow(w, w));
    }
    for n in super::synth::NAMES {
        out.push(TopicSpec::follow(n, &format!("\"{n}\"")));
    }
    let more = [
        "Iran Russia",
        "\"Imran Khan\" OR PTI",
        "cricket -IPL",
        "(Lahore OR Karachi) flood",
        "election -court",
        "budget minister",
        "Moscow OR Tehran",
        "\"Babar Azam\" OR \"Shaheen Afridi\" cricket",
        "strike railway",
        "power -school",
    ];
    for (i, q) in more.iter().enumerate() {
        out.push(TopicSpec::follow(&format!("combo {i}"), q));
    }
    out.truncate(50);
    out
}

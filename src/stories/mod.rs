//! Stories: the same event told by many outlets, grouped as articles
//! arrive (no pass over the store).
//!
//! - [`features`] turns the tokens `store::topics::index_and_match` has
//!   already made (title and body, see `topics::text`) into a short
//!   weighted term list (title > lead > body; function words dropped) and a
//!   few "wire" signatures (bottom-k hashes of the lead's 8-token shingles,
//!   and the whole title), so no second walk over the text is made.
//! - [`Index`] holds the recent window (about three days) in memory: each
//!   story's centroid (summed field weights per term), document
//!   frequencies over the window, and an inverted index term -> stories.
//!   An article is scored only against the stories it shares a rarer term
//!   with (cosine of idf-weighted vectors); it joins the best one at or over
//!   [`JOIN`], else starts its own. Articles sharing two wire signatures
//!   with a story (the same agency copy) always join it.
//! - Precision first: a story is joined on its centroid, not on one member,
//!   so a story does not drift through chains of weak links.
//! - Urdu and English: an article joins a story told mostly in the other
//!   script only on strong evidence: a shared number of two or more digits
//!   and [`CROSS_NAMES`] names spelled alike in both scripts (compared by
//!   consonant [`skeleton`]: "Karachi" and "کراچی" are both "krc").
//!
//! The store side (tables, persistence, deletion) is `store::stories`;
//! [`digest`] makes the catch-up digest ("While you were away") from it.

use std::sync::LazyLock;

pub mod digest;

// A fast non-cryptographic hash: the window's maps are keyed by our own
// tokens, and SipHash showed in ingest profiles.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

/// Seconds either side of an article within which stories are candidates.
pub const WINDOW: i64 = 3 * 86_400;

/// Cosine with a story's centroid at or over which an article joins it.
pub const JOIN: f32 = 0.30;

/// [`JOIN`] for an article with a body (lead or body terms): shared
/// everyday words ("rain", "roads", "officials") make two different events'
/// bodies more alike than two headlines.
pub const JOIN_BODY: f32 = 0.45;

/// Share of an article's known title terms (idf-weighted) that point at one
/// story (p(story | term), shrunk for rare terms) at or over which it joins
/// that story, given at least [`EVIDENCE`] of such weight. This is what lets
/// a short headline ("Titanfall review: my buddy") join the story that
/// holds nearly every use of its rarer words, where its cosine with a broad
/// story's centroid is low.
pub const COVER: f32 = 0.3;
/// How much a lone report's use of a term counts against a story's claim on it.
pub const LONE: f32 = 0.25;
/// Least idf-weighted evidence for [`COVER`].
pub const EVIDENCE: f32 = 4.0;

/// How many body terms (after the lead) an article keeps.
const BODY_TERMS: usize = 12;
/// How many body tokens count as the lead.
const LEAD_TOKENS: usize = 40;
/// Field weights, coded 3 (title), 2 (lead), 1 (body).
fn field_weight(code: u8) -> f32 {
    match code {
        3 => 1.0,
        2 => 0.6,
        _ => 0.35,
    }
}

/// Function words left out of story features (English after stemming, and
/// Urdu). Rare words, names and numbers are what tell stories apart; these
/// would only add noise while the window is small and document frequencies
/// are still unreliable.
const STOP: &[&str] = &[
    "a", "about", "after", "again", "against", "all", "also", "an", "and", "ani", "anoth", "are",
    "as", "at", "be", "becaus", "been", "befor", "being", "between", "both", "but", "by", "can",
    "could", "did", "do", "doe", "down", "dure", "each", "few", "for", "from", "further", "had",
    "has", "have", "he", "her", "here", "him", "his", "how", "i", "if", "in", "into", "is", "it",
    "it", "its", "just", "may", "me", "more", "most", "mr", "ms", "much", "must", "my", "new",
    "no", "nor", "not", "now", "of", "off", "on", "onc", "one", "onli", "or", "other", "our",
    "out", "over", "own", "s", "said", "same", "say", "says", "she", "should", "so", "some",
    "such", "t", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this",
    "those", "through", "to", "too", "under", "until", "up", "us", "veri", "via", "wa", "was",
    "we", "were", "what", "when", "where", "which", "while", "who", "whi", "why", "will", "with",
    "would", "year", "yet", "you", "your", "get", "make", "take", "go", "news", "report", "week",
    "day", "time", "first", "last", "two", "three", "like", "back",
    // Urdu (folded forms, see topics::text)
    "کے", "کی", "کا", "کو", "میں", "سے", "نے", "پر", "اور", "ہے", "ہیں", "تھا", "تھی", "تھے", "یہ",
    "وہ", "بھی", "کہ", "ایک", "لیے", "لئے", "گیا", "گئی", "گئے", "کر", "کیا", "کی", "ہو", "ہوا",
    "ہوئی", "ہوئے", "جو", "تو", "ان", "اس", "نہیں", "بعد", "ساتھ", "والے", "والی", "کہا", "رہا",
    "رہی", "رہے", "دیا", "جا", "جس", "تک", "اپنے", "اپنی", "بات",
];

/// Which script an article is written in, for the cross-language rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Script {
    /// Mostly Latin letters.
    Latin,
    /// Mostly Arabic-script letters (Urdu, Arabic, Persian).
    Arabic,
}

/// An article's features for grouping.
#[derive(Debug, Clone, PartialEq)]
pub struct Features {
    /// Distinct terms with their field code (3 title, 2 lead, 1 body).
    pub terms: Vec<(String, u8)>,
    /// Wire signatures (near-identical copies share them).
    pub wire: Vec<u32>,
    /// The article's script.
    pub script: Script,
}

static STOP_SET: LazyLock<HashSet<&'static str>> = LazyLock::new(|| STOP.iter().copied().collect());

fn is_stop(t: &str) -> bool {
    STOP_SET.contains(t)
}

fn is_number(t: &str) -> bool {
    !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())
}

fn is_latin(t: &str) -> bool {
    t.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// FNV-1a over the tokens (stable across runs and platforms).
fn fnv(tokens: &[String]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for t in tokens {
        for b in t.bytes().chain(std::iter::once(0)) {
            h ^= u32::from(b);
            h = h.wrapping_mul(0x0100_0193);
        }
    }
    h
}

/// Features from analysed title and body tokens.
pub fn features(title: &[String], body: &[String]) -> Features {
    let mut terms: Vec<(String, u8)> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::default();
    let useful = |t: &str| !is_stop(t) && (t.chars().count() > 1 || is_number(t));
    for t in title {
        if useful(t) && seen.insert(t) {
            terms.push((t.clone(), 3));
        }
    }
    let lead = &body[..body.len().min(LEAD_TOKENS)];
    for t in lead {
        if useful(t) && seen.insert(t) {
            terms.push((t.clone(), 2));
        }
    }
    if body.len() > LEAD_TOKENS {
        let mut tf: HashMap<&str, (u32, usize)> = HashMap::default();
        for (i, t) in body[LEAD_TOKENS..].iter().enumerate() {
            if useful(t) && !seen.contains(t.as_str()) {
                tf.entry(t).or_insert((0, i)).0 += 1;
            }
        }
        let mut v: Vec<(&str, (u32, usize))> = tf.into_iter().collect();
        // Most frequent first; ties by first appearance.
        v.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.1.1.cmp(&b.1.1)));
        for (t, _) in v.into_iter().take(BODY_TERMS) {
            terms.push((t.to_string(), 1));
        }
    }
    let mut wire = Vec::new();
    if title.len() >= 5 {
        wire.push(fnv(title));
    }
    if lead.len() >= 24 {
        let mut sh: Vec<u32> = lead.windows(8).map(fnv).collect();
        sh.sort_unstable();
        sh.dedup();
        wire.extend(sh.into_iter().take(4));
    }
    let arabic = title
        .iter()
        .chain(lead.iter())
        .filter(|t| !is_latin(t))
        .count();
    let latin = title
        .iter()
        .chain(lead.iter())
        .filter(|t| is_latin(t) && !is_number(t))
        .count();
    Features {
        terms,
        wire,
        script: if arabic > latin {
            Script::Arabic
        } else {
            Script::Latin
        },
    }
}

/// How many name skeletons an article must share with a story told in the
/// other script (with a shared number) to join it.
pub const CROSS_NAMES: usize = 3;

/// A consonant skeleton of a name, the same for its Latin and its Urdu
/// spelling ("karachi" and "کراچی" -> "krc", "balochistan" and "بلوچستان"
/// -> "blcstn"): vowels, and letters written as vowels in Urdu (alef, waw,
/// yeh, heh, ain), are dropped; digraphs (kh, gh, sh, ch, th, ph) are one
/// letter; doubled letters count once. Only skeletons of three letters or
/// more are returned (shorter ones collide too often).
pub fn skeleton(t: &str) -> Option<String> {
    if is_number(t) {
        return None;
    }
    let mut out = String::new();
    let push = |c: char, out: &mut String| {
        if !out.ends_with(c) {
            out.push(c);
        }
    };
    if is_latin(t) {
        let b = t.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let two = b.get(i + 1).copied();
            let (c, step) = match (b[i], two) {
                (b'k', Some(b'h')) => ('x', 2),
                (b'g', Some(b'h')) => ('g', 2),
                (b's', Some(b'h')) => ('S', 2),
                (b'c', Some(b'h')) => ('c', 2),
                (b't', Some(b'h')) => ('t', 2),
                (b'p', Some(b'h')) => ('f', 2),
                (b'q' | b'c', _) => ('k', 1),
                (b'a' | b'e' | b'i' | b'o' | b'u' | b'w' | b'v' | b'y' | b'h', _) => ('-', 1),
                (x, _) => (char::from(x), 1),
            };
            if c != '-' {
                push(c, &mut out);
            }
            i += step;
        }
    } else {
        for ch in t.chars() {
            let c = match ch {
                'ب' => 'b',
                'پ' => 'p',
                'ت' | 'ٹ' | 'ط' => 't',
                'ث' | 'س' | 'ص' => 's',
                'ج' => 'j',
                'چ' => 'c',
                'خ' => 'x',
                'د' | 'ڈ' => 'd',
                'ذ' | 'ز' | 'ژ' | 'ض' | 'ظ' => 'z',
                'ر' | 'ڑ' => 'r',
                'ش' => 'S',
                'غ' | 'گ' => 'g',
                'ف' => 'f',
                'ق' | 'ک' => 'k',
                'ل' => 'l',
                'م' => 'm',
                'ن' | 'ں' => 'n',
                'ا' | 'آ' | 'و' | 'ی' | 'ے' | 'ئ' | 'ؤ' | 'ء' | 'ہ' | 'ھ' | 'ح' | 'ع' => {
                    '-'
                }
                _ => return None,
            };
            if c != '-' {
                push(c, &mut out);
            }
        }
    }
    (out.chars().count() >= 3).then_some(out)
}

/// The stored form of a term list: `3term 2term 1term`.
pub fn encode_terms(terms: &[(String, u8)]) -> String {
    let mut s = String::new();
    for (t, c) in terms {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push(char::from(b'0' + c.min(&9)));
        s.push_str(t);
    }
    s
}

/// Reads [`encode_terms`]'s form back (bad pieces are skipped).
pub fn decode_terms(s: &str) -> Vec<(String, u8)> {
    s.split(' ')
        .filter_map(|p| {
            let c = p.as_bytes().first()?.checked_sub(b'0')?;
            (c <= 9 && p.len() > 1).then(|| (p[1..].to_string(), c))
        })
        .collect()
}

/// One article in the window.
#[derive(Debug, Clone)]
struct Entry {
    story: i64,
    feed: i64,
    at: i64,
    f: Features,
}

/// A story in the window.
#[derive(Debug, Clone, Default)]
pub struct StoryStat {
    /// Members in the window.
    pub members: Vec<i64>,
    /// Members per outlet.
    pub feeds: HashMap<i64, u32>,
    /// Earliest member time.
    pub first: i64,
    /// Latest member time.
    pub last: i64,
    terms: HashMap<String, f32>,
    scripts: HashMap<Script, u32>,
    norm: Option<f32>,
}

/// Where an article went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// The story it is in now (its own id when it is alone).
    pub story: i64,
    /// The story it left (re-extraction moved it), if any.
    pub left: Option<i64>,
    /// It was in this story already (a changed article that stayed).
    pub stayed: bool,
}

/// The recent window: stories, their centroids, document frequencies and
/// an inverted index. Story keys are caller-chosen ids; an article alone is
/// keyed by its own id until the caller [`Index::rekey`]s it.
#[derive(Debug, Default)]
pub struct Index {
    items: HashMap<i64, Entry>,
    stories: HashMap<i64, StoryStat>,
    df: HashMap<String, u32>,
    /// Summed field weights of each term over the window (for p(story|term)).
    mass: HashMap<String, f32>,
    postings: HashMap<String, HashSet<i64>>,
    wire: HashMap<u32, HashSet<i64>>,
    newest: i64,
    since_sweep: usize,
    join: f32,
    cover: f32,
    evidence: f32,
}

impl Index {
    /// An empty index.
    pub fn new() -> Index {
        Index::with_join(JOIN)
    }

    /// An empty index joining at cosine `join` (for tuning).
    pub fn with_join(join: f32) -> Index {
        Index::with_thresholds(join, COVER, EVIDENCE)
    }

    /// An empty index with every threshold given (for tuning).
    pub fn with_thresholds(join: f32, cover: f32, evidence: f32) -> Index {
        Index {
            join,
            cover,
            evidence,
            ..Default::default()
        }
    }

    /// Articles in the window.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the window is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// A story in the window.
    pub fn story(&self, key: i64) -> Option<&StoryStat> {
        self.stories.get(&key)
    }

    /// The story of an article in the window.
    pub fn story_of(&self, item: i64) -> Option<i64> {
        self.items.get(&item).map(|e| e.story)
    }

    fn idf(&self, t: &str) -> f32 {
        let n = self.items.len().max(300) as f32;
        let df = self.df.get(t).copied().unwrap_or(0) as f32;
        ((n + 1.0) / (df + 1.0)).ln().max(0.0)
    }

    /// A term too common to look stories up by.
    fn too_common(&self, t: &str) -> bool {
        let df = self.df.get(t).copied().unwrap_or(0) as usize;
        df > 40 && df * 12 > self.items.len()
    }

    /// Puts an article known to belong to `story` into the window (when
    /// loading the window from the store).
    pub fn insert(&mut self, item: i64, story: i64, feed: i64, at: i64, f: Features) {
        self.remove(item);
        self.add(item, story, feed, at, f);
    }

    fn add(&mut self, item: i64, story: i64, feed: i64, at: i64, f: Features) {
        self.newest = self.newest.max(at);
        let s = self.stories.entry(story).or_insert_with(|| StoryStat {
            first: at,
            last: at,
            ..Default::default()
        });
        s.members.push(item);
        *s.feeds.entry(feed).or_default() += 1;
        s.first = s.first.min(at);
        s.last = s.last.max(at);
        *s.scripts.entry(f.script).or_default() += 1;
        s.norm = None;
        for (t, c) in &f.terms {
            *s.terms.entry(t.clone()).or_default() += field_weight(*c);
            *self.df.entry(t.clone()).or_default() += 1;
            *self.mass.entry(t.clone()).or_default() += field_weight(*c);
            self.postings.entry(t.clone()).or_default().insert(story);
        }
        for w in &f.wire {
            self.wire.entry(*w).or_default().insert(story);
        }
        self.items.insert(item, Entry { story, feed, at, f });
    }

    /// Takes an article out of the window; returns the story it was in.
    pub fn remove(&mut self, item: i64) -> Option<i64> {
        let e = self.items.remove(&item)?;
        let mut gone = false;
        if let Some(s) = self.stories.get_mut(&e.story) {
            s.members.retain(|m| *m != item);
            if let Some(n) = s.feeds.get_mut(&e.feed) {
                *n -= 1;
                if *n == 0 {
                    s.feeds.remove(&e.feed);
                }
            }
            if let Some(n) = s.scripts.get_mut(&e.f.script) {
                *n = n.saturating_sub(1);
            }
            s.norm = None;
            for (t, c) in &e.f.terms {
                if let Some(w) = s.terms.get_mut(t) {
                    *w -= field_weight(*c);
                    if *w <= 1e-4 {
                        s.terms.remove(t);
                        if let Some(p) = self.postings.get_mut(t) {
                            p.remove(&e.story);
                        }
                    }
                }
            }
            gone = s.members.is_empty();
        }
        for (t, c) in &e.f.terms {
            if let Some(m) = self.mass.get_mut(t) {
                *m -= field_weight(*c);
            }
            if let Some(n) = self.df.get_mut(t) {
                *n -= 1;
                if *n == 0 {
                    self.df.remove(t);
                    self.mass.remove(t);
                    self.postings.remove(t);
                }
            }
        }
        if gone {
            self.stories.remove(&e.story);
            for w in &e.f.wire {
                if let Some(p) = self.wire.get_mut(w) {
                    p.remove(&e.story);
                }
            }
        }
        Some(e.story)
    }

    /// Renames a story (a lone article's story getting a stored id).
    pub fn rekey(&mut self, from: i64, to: i64) {
        if from == to {
            return;
        }
        let Some(s) = self.stories.remove(&from) else {
            return;
        };
        for m in &s.members {
            if let Some(e) = self.items.get_mut(m) {
                e.story = to;
                for w in &e.f.wire {
                    if let Some(p) = self.wire.get_mut(w)
                        && p.remove(&from)
                    {
                        p.insert(to);
                    }
                }
            }
        }
        for t in s.terms.keys() {
            if let Some(p) = self.postings.get_mut(t)
                && p.remove(&from)
            {
                p.insert(to);
            }
        }
        self.stories.insert(to, s);
    }

    fn norm(&mut self, key: i64) -> f32 {
        if let Some(n) = self.stories.get(&key).and_then(|s| s.norm) {
            return n;
        }
        let n = match self.stories.get(&key) {
            Some(s) => s
                .terms
                .iter()
                .map(|(t, w)| {
                    let x = w * self.idf(t);
                    x * x
                })
                .sum::<f32>()
                .sqrt(),
            None => 0.0,
        };
        if let Some(s) = self.stories.get_mut(&key) {
            s.norm = Some(n);
        }
        n
    }

    /// The best story for features `f` at time `at` and its score (1.0 for
    /// a wire copy), if any scores at or over [`JOIN`].
    pub fn best(&mut self, f: &Features, at: i64) -> Option<(i64, f32)> {
        let in_window = |s: &StoryStat| s.last >= at - WINDOW && s.first <= at + WINDOW;
        // Wire copies: two shared signatures with one story.
        let mut wire: HashMap<i64, u32> = HashMap::default();
        for w in &f.wire {
            if let Some(p) = self.wire.get(w) {
                for s in p {
                    *wire.entry(*s).or_default() += 1;
                }
            }
        }
        if let Some((s, _)) = wire
            .into_iter()
            .filter(|(s, n)| *n >= 2 && self.stories.get(s).is_some_and(in_window))
            .max_by_key(|(s, n)| (*n, -*s))
        {
            return Some((s, 1.0));
        }
        let weights: Vec<(&str, f32, f32, bool)> = f
            .terms
            .iter()
            .map(|(t, c)| {
                let idf = self.idf(t);
                (t.as_str(), field_weight(*c) * idf, idf, *c == 3)
            })
            .collect();
        let norm_x = weights.iter().map(|w| w.1 * w.1).sum::<f32>().sqrt();
        if norm_x <= 0.0 {
            return None;
        }
        let mut dots: HashMap<i64, (f32, f32)> = HashMap::default();
        let mut known = 0.0f32;
        for (t, x, idf, title) in &weights {
            let df = self.df.get(*t).copied().unwrap_or(0) as f32;
            if df > 0.0 && *title {
                known += x;
            }
            if self.too_common(t) {
                continue;
            }
            let Some(p) = self.postings.get(*t) else {
                continue;
            };
            // p(story | term) among stories of two or more: early
            // fragments and lone reports should not dilute a story that
            // holds most of the term's grouped uses.
            let mut mass = 0.0f32;
            for s in p {
                if let Some(st) = self.stories.get(s)
                    && let Some(w) = st.terms.get(*t)
                {
                    mass += if st.members.len() >= 2 { *w } else { LONE * w };
                }
            }
            let mass = mass.max(1e-3);
            let conf = df / (df + 2.0);
            for s in p {
                if let Some(st) = self.stories.get(s)
                    && let Some(w) = st.terms.get(*t)
                {
                    let e = dots.entry(*s).or_default();
                    e.0 += x * w * idf;
                    if *title {
                        e.1 += x * (w / mass).min(1.0) * conf;
                    }
                }
            }
        }
        // Keyness, for headlines without a body: most of the known title
        // weight points at one story.
        let has_body = f.terms.iter().any(|(_, c)| *c < 3);
        if !has_body
            && let Some((s, (_, ev))) = dots
                .iter()
                .filter(|(s, (_, ev))| {
                    *ev >= self.evidence
                        && *ev >= self.cover * known
                        && self
                            .stories
                            .get(s)
                            .is_some_and(|st| in_window(st) && st.members.len() >= 2)
                })
                .max_by(|a, b| a.1.1.total_cmp(&b.1.1).then(b.0.cmp(a.0)))
            && self.script_ok(f, *s)
        {
            return Some((*s, ev / known.max(1e-3)));
        }
        let mut cands: Vec<(i64, f32)> = dots
            .into_iter()
            .filter(|(s, _)| self.stories.get(s).is_some_and(in_window))
            .map(|(s, (dot, _))| (s, dot))
            .collect();
        cands.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        cands.truncate(12);
        let join = if has_body {
            self.join.max(JOIN_BODY)
        } else {
            self.join
        };
        let mut best: Option<(i64, f32)> = None;
        for (s, dot) in cands {
            let n = self.norm(s);
            if n <= 0.0 {
                continue;
            }
            let cos = dot / (norm_x * n);
            if cos < join || !self.script_ok(f, s) {
                continue;
            }
            if best.is_none_or(|b| cos > b.1) {
                best = Some((s, cos));
            }
        }
        best
    }

    /// The best story told mostly in the other script that shares a number
    /// of two or more digits and at least [`CROSS_NAMES`] name skeletons
    /// (see [`skeleton`]) with the article's title and lead.
    fn cross_script(&self, f: &Features, at: i64) -> Option<(i64, f32)> {
        let in_window = |s: &StoryStat| s.last >= at - WINDOW && s.first <= at + WINDOW;
        let numbers: Vec<&str> = f
            .terms
            .iter()
            .filter(|(t, c)| *c >= 2 && is_number(t) && t.len() >= 2)
            .map(|(t, _)| t.as_str())
            .collect();
        if numbers.is_empty() {
            return None;
        }
        let mine: HashSet<String> = f
            .terms
            .iter()
            .filter(|(_, c)| *c >= 2)
            .filter_map(|(t, _)| skeleton(t))
            .collect();
        if mine.len() < CROSS_NAMES {
            return None;
        }
        let mut cands: HashSet<i64> = HashSet::default();
        for n in &numbers {
            if let Some(p) = self.postings.get(*n) {
                cands.extend(p.iter().copied());
            }
        }
        let mut best: Option<(i64, usize)> = None;
        for key in cands {
            let Some(s) = self.stories.get(&key) else {
                continue;
            };
            let same = s.scripts.get(&f.script).copied().unwrap_or(0);
            let total: u32 = s.scripts.values().sum();
            if !in_window(s) || same * 2 > total {
                continue;
            }
            let theirs: HashSet<String> = s
                .terms
                .iter()
                .filter(|(_, w)| **w >= 0.6)
                .filter_map(|(t, _)| skeleton(t))
                .collect();
            let names = mine.intersection(&theirs).count();
            if names >= CROSS_NAMES && best.is_none_or(|b| names > b.1) {
                best = Some((key, names));
            }
        }
        best.map(|(k, n)| (k, n as f32))
    }

    /// An article in one script joins a story told in another only on
    /// strong evidence: two shared numbers and a shared Latin-script name.
    fn script_ok(&self, f: &Features, key: i64) -> bool {
        let Some(s) = self.stories.get(&key) else {
            return false;
        };
        let mine = s.scripts.get(&f.script).copied().unwrap_or(0);
        let other: u32 = s.scripts.values().sum::<u32>() - mine;
        if mine >= other {
            return true;
        }
        let shared = |pred: &dyn Fn(&str) -> bool| {
            f.terms
                .iter()
                .filter(|(t, _)| pred(t) && s.terms.contains_key(t))
                .count()
        };
        shared(&|t| is_number(t) && t.len() >= 2) >= 2
            && shared(&|t| is_latin(t) && !is_number(t) && self.idf(t) > 3.0) >= 1
    }

    /// Places an article (new, or changed: it is taken out first) in the
    /// best story or a story of its own keyed by its id.
    pub fn assign(&mut self, item: i64, feed: i64, at: i64, f: Features) -> Placement {
        let left = self.remove(item);
        let story = match self.best(&f, at).or_else(|| self.cross_script(&f, at)) {
            Some((s, _)) => s,
            None => item,
        };
        self.add(item, story, feed, at, f);
        self.since_sweep += 1;
        if self.since_sweep >= 512 {
            self.sweep();
        }
        Placement {
            story,
            left: left.filter(|l| *l != story),
            stayed: left == Some(story),
        }
    }

    /// Drops articles older than the window before the newest one.
    pub fn sweep(&mut self) {
        self.since_sweep = 0;
        let cutoff = self.newest - 2 * WINDOW;
        let old: Vec<i64> = self
            .items
            .iter()
            .filter(|(_, e)| e.at < cutoff)
            .map(|(id, _)| *id)
            .collect();
        for id in old {
            self.remove(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topics::text::tokens;

    fn feat(title: &str, body: &str) -> Features {
        features(&tokens(title), &tokens(body))
    }

    fn filler(index: &mut Index, from: i64) {
        // Unrelated stories so document frequencies mean something.
        let topics = [
            "Flood waters rise in Sindh villages",
            "Central bank holds interest rate",
            "Film festival opens in Cannes",
            "Election commission announces schedule",
            "Wheat harvest expected to rise",
            "Airline cancels flights over fog",
        ];
        for (i, t) in topics.iter().enumerate() {
            index.assign(from + i as i64, 900 + i as i64, 0, feat(t, ""));
        }
    }

    #[test]
    fn the_same_event_from_three_outlets_joins_and_another_event_does_not() {
        let mut ix = Index::new();
        filler(&mut ix, 100);
        let a = ix.assign(
            1,
            1,
            10,
            feat("Earthquake of magnitude 6.1 strikes Quetta", ""),
        );
        let b = ix.assign(
            2,
            2,
            20,
            feat("Quetta earthquake: magnitude 6.1 tremor kills 12", ""),
        );
        let c = ix.assign(3, 3, 30, feat("Strong earthquake hits Quetta, 12 dead", ""));
        let d = ix.assign(
            4,
            4,
            40,
            feat("Cricket: Quetta Gladiators win the final", ""),
        );
        assert_eq!(a.story, 1);
        assert_eq!(b.story, 1);
        assert_eq!(c.story, 1);
        assert_eq!(
            d.story, 4,
            "a different event sharing a city name stays apart"
        );
        assert_eq!(ix.story(1).unwrap().feeds.len(), 3);
    }

    #[test]
    fn wire_copies_always_join() {
        let mut ix = Index::new();
        filler(&mut ix, 100);
        let body = "The finance ministry said on Tuesday that the deficit narrowed to 4.9 \
                    percent of output in the first half, helped by lower interest payments \
                    and a rise in tax receipts from retailers and importers across the country.";
        ix.assign(1, 1, 0, feat("Deficit narrows, ministry says", body));
        let p = ix.assign(2, 2, 5, feat("Good news for budget", body));
        assert_eq!(p.story, 1, "different headlines, same agency text");
    }

    #[test]
    fn changed_text_moves_an_article_and_removal_keeps_counts() {
        let mut ix = Index::new();
        filler(&mut ix, 100);
        ix.assign(1, 1, 0, feat("Dam breach floods Nowshera", ""));
        ix.assign(2, 2, 0, feat("Nowshera dam breach: floods spread", ""));
        assert_eq!(ix.story_of(2), Some(1));
        let p = ix.assign(2, 2, 0, feat("Gold prices climb to record", ""));
        assert_eq!(
            p,
            Placement {
                story: 2,
                left: Some(1),
                stayed: false,
            }
        );
        assert_eq!(ix.story(1).unwrap().members, vec![1]);
        ix.remove(1);
        assert!(ix.story(1).is_none());
    }

    #[test]
    fn urdu_and_english_join_only_on_strong_evidence() {
        let mut ix = Index::new();
        filler(&mut ix, 100);
        ix.assign(1, 1, 0, feat("Imran Khan rally in Lahore draws 25000", ""));
        ix.assign(
            2,
            2,
            0,
            feat("Khan addresses Lahore rally of 25000 supporters", ""),
        );
        // Only a number in common: stays apart.
        let p = ix.assign(3, 3, 0, feat("لاہور میں جلسہ، 25000 افراد", ""));
        assert_eq!(p.story, 3);
        // The same Urdu story joins the Urdu one.
        let q = ix.assign(4, 4, 0, feat("لاہور جلسہ 25000 افراد شریک", ""));
        assert_eq!(q.story, 3);
    }

    #[test]
    fn old_stories_are_not_candidates() {
        let mut ix = Index::new();
        filler(&mut ix, 100);
        ix.assign(1, 1, 0, feat("Comet Nishimura visible at dawn", ""));
        let p = ix.assign(
            2,
            2,
            10 * 86_400,
            feat("Comet Nishimura visible at dawn", ""),
        );
        assert_eq!(p.story, 2);
    }

    #[test]
    fn names_have_the_same_skeleton_in_both_scripts() {
        for (latin, urdu) in [
            ("karachi", "کراچی"),
            ("balochistan", "بلوچستان"),
            ("imran", "عمران"),
            ("mingora", "مینگورہ"),
            ("loralai", "لورالائی"),
        ] {
            let l = skeleton(&tokens(latin)[0]);
            assert!(l.is_some(), "{latin}");
            assert_eq!(l, skeleton(&tokens(urdu)[0]), "{latin} / {urdu}");
        }
        assert_eq!(skeleton("2024"), None);
        assert_eq!(skeleton("kt"), None, "too short to trust");
    }

    #[test]
    fn terms_round_trip() {
        let f = feat("Imran Khan's 2024 rally", "Supporters gathered in Lahore.");
        assert_eq!(decode_terms(&encode_terms(&f.terms)), f.terms);
        assert!(f.terms.iter().any(|(t, c)| t == "2024" && *c == 3));
        assert!(!f.terms.iter().any(|(t, _)| t == "in"));
    }
}

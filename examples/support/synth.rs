//! Deterministic synthetic news text for benchmarks: titles and bodies
//! drawn from an 8,000-word invented vocabulary with a Zipf-like skew, plus
//! topical words and names at realistic rates, so searches and topics hit
//! between a few and a few percent of articles, as in a real archive.

#![allow(dead_code)]

/// Topical words (each in roughly 1-3% of titles).
pub const TOPICAL: &[&str] = &[
    "council", "harbour", "budget", "cricket", "election", "monsoon", "railway", "market",
    "festival", "court", "minister", "river", "school", "power", "airport", "wheat", "textile",
    "bridge", "hospital", "museum", "Iran", "Russia", "Lahore", "Karachi", "Moscow", "Tehran",
    "IPL", "PTI", "flood", "strike",
];

/// Names (each in well under 1% of titles).
pub const NAMES: &[&str] = &[
    "Imran Khan",
    "Nawaz Sharif",
    "Maryam Nawaz",
    "Babar Azam",
    "Shaheen Afridi",
    "Asim Munir",
    "Bilawal Bhutto",
    "Vladimir Putin",
    "Ebrahim Raisi",
    "Narendra Modi",
];

const SYLLABLES: &[&str] = &[
    "ka", "lo", "mir", "sha", "tan", "ber", "qui", "don", "ra", "vel", "zu", "pen", "hal", "sor",
    "ti", "mak", "ne", "gol", "far", "ish",
];

pub struct Synth {
    state: u64,
    vocab: Vec<String>,
}

impl Synth {
    pub fn new(seed: u64) -> Synth {
        let mut vocab = Vec::with_capacity(8000);
        'outer: for a in SYLLABLES {
            for b in SYLLABLES {
                for (c, last) in SYLLABLES.iter().enumerate() {
                    if vocab.len() == 8000 {
                        break 'outer;
                    }
                    let w = if c % 3 == 0 {
                        format!("{a}{b}")
                    } else {
                        format!("{a}{b}{last}")
                    };
                    vocab.push(w);
                }
            }
        }
        vocab.sort();
        vocab.dedup();
        Synth {
            state: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
            vocab,
        }
    }

    fn next(&mut self) -> u64 {
        // xorshift64*
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn common(&mut self) -> &str {
        let u = self.unit();
        let i = ((self.vocab.len() as f64) * u * u * u) as usize;
        &self.vocab[i.min(self.vocab.len() - 1)]
    }

    fn push_words(&mut self, out: &mut String, n: usize, topical_rate: f64) {
        for _ in 0..n {
            if !out.is_empty() {
                out.push(' ');
            }
            let r = self.unit();
            if r < topical_rate {
                let i = (self.next() % TOPICAL.len() as u64) as usize;
                out.push_str(TOPICAL[i]);
            } else if r < topical_rate * 1.15 {
                let i = (self.next() % NAMES.len() as u64) as usize;
                out.push_str(NAMES[i]);
            } else {
                let w = self.common().to_string();
                out.push_str(&w);
            }
        }
    }

    /// A headline of 6 to 10 words.
    pub fn title(&mut self) -> String {
        let mut s = String::new();
        let n = 6 + (self.next() % 5) as usize;
        self.push_words(&mut s, n, 0.06);
        if let Some(first) = s.get_mut(0..1) {
            first.make_ascii_uppercase();
        }
        s
    }

    /// A body of about `words` words, in sentences.
    pub fn body(&mut self, words: usize) -> String {
        let mut s = String::new();
        let mut left = words;
        while left > 0 {
            let n = (8 + (self.next() % 10) as usize).min(left);
            let mut sentence = String::new();
            self.push_words(&mut sentence, n, 0.02);
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(&sentence);
            s.push('.');
            left -= n;
        }
        s
    }
}

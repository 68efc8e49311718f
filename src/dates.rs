//! Lenient parsing of the dates real feeds carry.
//!
//! feed-rs understands RFC 3339 and clean RFC 2822. Feeds also send zone
//! names such as `PKT` or `IST`, `GMT+5`, missing or wrong weekdays, two-digit
//! years, ISO dates without a zone, bare epoch seconds, day/month dates and
//! Urdu month names with Eastern Arabic digits. [`parse`] normalises such text
//! and hands it to chrono's format parser; it never panics and returns `None`
//! for what it cannot read (the store then uses the first-seen time).
//!
//! Written here as a table plus chrono (which does the real parsing) rather
//! than taken from a date-guessing crate: the forms that matter for our
//! outlets (`PKT`, `GMT+5`, Urdu month names and digits) are specific, and a
//! table we own is easy to extend and test. (I did not survey such crates.)

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// Parses a feed date into UTC.
pub fn parse(raw: &str) -> Option<DateTime<Utc>> {
    let s = raw.trim();
    if s.is_empty() || s.len() > 100 {
        return None;
    }
    let dt = strict(s).or_else(|| lenient(s))?;
    plausible(&dt).then_some(dt)
}

/// Years outside this range are typos, two-digit years read as four, or
/// attacks; not news.
fn plausible(d: &impl chrono::Datelike) -> bool {
    (1970..=2200).contains(&d.year())
}

fn strict(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_rfc2822(s))
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// Zone abbreviations seen in feeds, with their offsets in minutes. Where a
/// name is ambiguous the reading common in news feeds wins (IST = India).
const ZONES: &[(&str, i32)] = &[
    ("UT", 0),
    ("UTC", 0),
    ("GMT", 0),
    ("Z", 0),
    ("WET", 0),
    ("BST", 60),
    ("CET", 60),
    ("MET", 60),
    ("WAT", 60),
    ("CEST", 120),
    ("MEST", 120),
    ("EET", 120),
    ("SAST", 120),
    ("CAT", 120),
    ("EEST", 180),
    ("MSK", 180),
    ("EAT", 180),
    ("AST", 180),
    ("TRT", 180),
    ("IRST", 210),
    ("GST", 240),
    ("AFT", 270),
    ("PKT", 300),
    ("UZT", 300),
    ("IST", 330),
    ("NPT", 345),
    ("BDT", 360),
    ("ICT", 420),
    ("WIB", 420),
    ("CST", -360),
    ("HKT", 480),
    ("SGT", 480),
    ("PHT", 480),
    ("AWST", 480),
    ("JST", 540),
    ("KST", 540),
    ("ACST", 570),
    ("AEST", 600),
    ("AEDT", 660),
    ("NZST", 720),
    ("NZDT", 780),
    ("EST", -300),
    ("EDT", -240),
    ("CDT", -300),
    ("MST", -420),
    ("MDT", -360),
    ("PST", -480),
    ("PDT", -420),
    ("AKST", -540),
    ("AKDT", -480),
    ("HST", -600),
    ("ADT", -180),
    // The short North American names feeds use, read as standard time.
    ("AT", -240),
    ("ET", -300),
    ("CT", -360),
    ("MT", -420),
    ("PT", -480),
    ("ETC/GMT", 0),
    ("ETC/UTC", 0),
];

const URDU_MONTHS: &[(&str, &str)] = &[
    ("جنوری", "Jan"),
    ("فروری", "Feb"),
    ("مارچ", "Mar"),
    ("اپریل", "Apr"),
    ("مئی", "May"),
    ("جون", "Jun"),
    ("جولائی", "Jul"),
    ("اگست", "Aug"),
    ("ستمبر", "Sep"),
    ("اکتوبر", "Oct"),
    ("نومبر", "Nov"),
    ("دسمبر", "Dec"),
];

const FULL_MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

const WITH_ZONE: &[&str] = &[
    "%d %b %Y %H:%M:%S%.f %z",
    "%d %b %Y %H:%M %z",
    "%d-%b-%Y %H:%M:%S %z",
    "%d-%b-%y %H:%M:%S %z",
    "%d %b %y %H:%M:%S %z",
    "%d %b %y %H:%M %z",
    "%b %d %Y %H:%M:%S %z",
    "%b %d %H:%M:%S %Y %z",
    "%Y-%m-%d %H:%M:%S%.f %z",
    "%Y-%m-%dT%H:%M:%S%.f %z",
    "%Y-%m-%dT%H:%M %z",
    "%Y-%m-%d %H:%M %z",
    "%Y/%m/%d %H:%M:%S %z",
];

const NAIVE: &[&str] = &[
    "%d %b %Y %H:%M:%S%.f",
    "%d %b %Y %H:%M",
    "%d-%b-%Y %H:%M:%S",
    "%d-%b-%y %H:%M:%S",
    "%d %b %y %H:%M:%S",
    "%b %d %Y %H:%M:%S",
    "%b %d %H:%M:%S %Y",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y%m%dT%H%M%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
];

const DATE_ONLY: &[&str] = &[
    "%Y-%m-%d", "%d %b %Y", "%b %d %Y", "%Y/%m/%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y%m%d",
];

fn lenient(s: &str) -> Option<DateTime<Utc>> {
    // Epoch seconds.
    if s.len() >= 9 && s.len() <= 11 && s.bytes().all(|b| b.is_ascii_digit()) {
        return s
            .parse::<i64>()
            .ok()
            .and_then(|t| Utc.timestamp_opt(t, 0).single());
    }
    let mut norm = normalise(s);
    // "Sun Jul 15 01:16:00 +0000 2012": the zone before the year.
    let toks: Vec<&str> = norm.split(' ').collect();
    if toks.len() >= 3
        && zone_offset(toks[toks.len() - 2]).is_some()
        && toks[toks.len() - 1].len() == 4
    {
        let mut t = toks.clone();
        let zone = t.remove(t.len() - 2);
        t.push(zone);
        norm = t.join(" ");
    }
    let (body, offset) = split_zone(&norm);
    if let Some(off) = offset {
        let with = format!("{body} {}", fmt_offset(off));
        for f in WITH_ZONE {
            if let Ok(d) = DateTime::parse_from_str(&with, f)
                && plausible(&d)
            {
                return Some(d.with_timezone(&Utc));
            }
        }
    }
    let off = FixedOffset::east_opt(offset.unwrap_or(0) * 60)?;
    for f in NAIVE {
        if let Ok(n) = NaiveDateTime::parse_from_str(body, f)
            && plausible(&n)
        {
            return off
                .from_local_datetime(&n)
                .single()
                .map(|d| d.with_timezone(&Utc));
        }
    }
    // "2003-12" and "2003".
    let padded = match body.len() {
        7 if body.as_bytes().get(4) == Some(&b'-') => Some(format!("{body}-01")),
        4 if body.bytes().all(|b| b.is_ascii_digit()) => Some(format!("{body}-01-01")),
        _ => None,
    };
    if let Some(d) = padded.and_then(|p| NaiveDate::parse_from_str(&p, "%Y-%m-%d").ok())
        && plausible(&d)
    {
        let n = d.and_hms_opt(0, 0, 0)?;
        return off
            .from_local_datetime(&n)
            .single()
            .map(|d| d.with_timezone(&Utc));
    }
    for f in DATE_ONLY {
        if let Ok(d) = NaiveDate::parse_from_str(body, f) {
            if !plausible(&d) {
                continue;
            }
            let n = d.and_hms_opt(0, 0, 0)?;
            return off
                .from_local_datetime(&n)
                .single()
                .map(|d| d.with_timezone(&Utc));
        }
    }
    None
}

/// Drops weekdays and commas, maps Urdu months and digits, fixes "Sept".
fn normalise(s: &str) -> String {
    let mapped: String = s
        .chars()
        .map(|c| match c {
            '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
            '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
            ',' => ' ',
            _ => c,
        })
        .collect();
    let mut out: Vec<String> = Vec::new();
    for tok in mapped.split_whitespace() {
        if let Some((_, en)) = URDU_MONTHS.iter().find(|(ur, _)| *ur == tok) {
            out.push((*en).to_string());
            continue;
        }
        if tok.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)) {
            continue; // an Urdu weekday or filler word
        }
        let lower = tok.to_ascii_lowercase();
        let is_weekday = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
            .iter()
            .any(|w| {
                lower.starts_with(w) && lower.chars().all(|c| c.is_ascii_alphabetic() || c == '.')
            })
            && out.is_empty();
        if is_weekday {
            continue;
        }
        // chrono's %b takes only the short names: shorten full ones.
        let month = lower.trim_end_matches('.');
        if month == "sept" || (month.len() > 3 && FULL_MONTHS.contains(&month)) {
            let mut short = month[..3].to_string();
            short[..1].make_ascii_uppercase();
            out.push(short);
            continue;
        }
        out.push(tok.to_string());
    }
    out.join(" ")
}

/// Splits a trailing zone (name, `GMT+5`, `+05:00`, `+0500`, `Z`) off.
fn split_zone(s: &str) -> (&str, Option<i32>) {
    let Some((body, last)) = s.rsplit_once(' ') else {
        // An ISO date with the zone glued on.
        if let Some(b) = s.strip_suffix('Z') {
            return (b, Some(0));
        }
        return (s, None);
    };
    if let Some(off) = zone_offset(last) {
        return (body, Some(off));
    }
    if let Some(b) = s.strip_suffix('Z') {
        return (b, Some(0));
    }
    (s, None)
}

fn zone_offset(tok: &str) -> Option<i32> {
    let upper = tok.to_ascii_uppercase();
    if let Some((_, m)) = ZONES.iter().find(|(n, _)| *n == upper) {
        return Some(*m);
    }
    let numeric = ["GMT", "UTC", "UT"]
        .iter()
        .find_map(|p| upper.strip_prefix(p))
        .unwrap_or(&upper);
    let (sign, digits) = match numeric.as_bytes().first()? {
        b'+' => (1, &numeric[1..]),
        b'-' => (-1, &numeric[1..]),
        _ => return None,
    };
    let digits: String = digits.chars().filter(|c| *c != ':').collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        3 => (
            digits[..1].parse::<i32>().ok()?,
            digits[1..].parse::<i32>().ok()?,
        ),
        4 => (
            digits[..2].parse::<i32>().ok()?,
            digits[2..].parse::<i32>().ok()?,
        ),
        _ => return None,
    };
    (h <= 14 && m < 60).then_some(sign * (h * 60 + m))
}

fn fmt_offset(minutes: i32) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let m = minutes.abs();
    format!("{sign}{:02}{:02}", m / 60, m % 60)
}

/// A span of seconds in words: "45 s", "12 min", "3 h", "2 days" (the
/// command line's ages and the window's sync state).
pub fn span(secs: i64) -> String {
    match secs {
        s if s < 90 => format!("{s} s"),
        s if s < 90 * 60 => format!("{} min", s / 60),
        s if s < 36 * 3600 => format!("{} h", s / 3600),
        s => format!("{} days", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(s: &str) -> Option<String> {
        parse(s).map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    }

    #[test]
    fn formats_seen_in_feeds() {
        let want = Some("2024-02-05T09:30:00Z".to_string());
        for s in [
            "Mon, 05 Feb 2024 14:30:00 +0500",
            "Mon, 5 Feb 2024 14:30:00 PKT",
            "05 Feb 2024 09:30:00 GMT",
            "Monday, 05-Feb-24 09:30:00 GMT",
            "2024-02-05T14:30:00+05:00",
            "Mon, 05 Feb 2024 14:30:00 +05:00",
            "Mon, 05 Feb 2024 14:30 +0500",
            "Tue, 05 Feb 2024 14:30:00 +0500",
            "Mon, 05 Feb 2024 14:30:00 GMT+5",
            "1707125400",
            "Mon, 05 Feb 2024 15:00:00 IST",
            "February 5, 2024 9:30:00 UTC",
            "Mon, 05 Sept 2024 09:30:00 GMT",
        ] {
            let got = iso(s);
            if s.contains("Sept") {
                assert_eq!(got.as_deref(), Some("2024-09-05T09:30:00Z"), "{s}");
            } else {
                assert_eq!(got, want, "{s}");
            }
        }
    }

    #[test]
    fn naive_dates_are_utc() {
        assert_eq!(
            iso("2024-02-05 14:30:00").as_deref(),
            Some("2024-02-05T14:30:00Z")
        );
        assert_eq!(iso("2024-02-05").as_deref(), Some("2024-02-05T00:00:00Z"));
        assert_eq!(
            iso("05/02/2024 14:30").as_deref(),
            Some("2024-02-05T14:30:00Z")
        );
    }

    #[test]
    fn urdu_month_names_and_digits() {
        assert_eq!(
            iso("پیر 5 فروری 2024").as_deref(),
            Some("2024-02-05T00:00:00Z")
        );
        assert_eq!(iso("۵ فروری ۲۰۲۴").as_deref(), Some("2024-02-05T00:00:00Z"));
    }

    #[test]
    fn impossible_dates_are_none_not_panics() {
        for s in [
            "",
            "Mon, 30 Feb 2024 14:30:00 +0500",
            "Mon, 05 Feb 10000 14:30:00 +0500",
            "yesterday",
            "99999999999999999999",
            "Mon, 05 Feb 2024 14:30:00 +9999",
            "\u{0}\u{1}",
        ] {
            assert_eq!(parse(s), None, "{s:?}");
        }
    }
}

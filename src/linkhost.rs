//! A link's real host, for when its shown text names another one.
//!
//! A page can write `<a href="https://evil.example/">bank.example</a>`: the
//! reader would show "bank.example" and open evil.example. [`real_host`]
//! finds the host names a link's text shows (a URL, or a word that reads as
//! a host name such as `www.bank.example`) and, when none of them is the
//! target's host (or a parent or child domain of it), returns the target's
//! real host, which the window shows next to the link. Hosts are compared in
//! their ASCII (punycode) form, so a look-alike written in another script
//! does not match the name it imitates, and direction controls are removed
//! first, so a reversed "elpmaxe.knab" is read as it shows. No egui here.

/// The target's host, in ASCII, when `text` names a host and none of the
/// hosts it names is `href`'s host or a parent or child domain of it. `None`
/// when the text names no host, or `href` has none (a `mailto:` link, a
/// relative or broken URL).
pub fn real_host(text: &str, href: &str) -> Option<String> {
    let named = named_hosts(text);
    if named.is_empty() {
        return None;
    }
    let target = url::Url::parse(href).ok()?.host_str()?.to_ascii_lowercase();
    let target = target.trim_end_matches('.');
    if named.iter().any(|n| same_site(n, target)) {
        return None;
    }
    Some(target.to_string())
}

/// The host names `text` shows, in ASCII: URLs and words that read as host
/// names (two or more labels, the last one letters only).
pub fn named_hosts(text: &str) -> Vec<String> {
    let text = crate::bidi::neutralise(text);
    let mut out = Vec::new();
    let separators = |c: char| c.is_whitespace() || "()<>[]{}\"',;«»“”‘’|".contains(c);
    for word in text.split(separators).filter(|w| !w.is_empty()) {
        if let Some(host) = host_of_word(word)
            && !out.contains(&host)
        {
            out.push(host);
        }
        if out.len() >= 8 {
            break;
        }
    }
    out
}

/// The host a word names, if it reads as a URL or a host name.
fn host_of_word(word: &str) -> Option<String> {
    let (rest, had_scheme) = match word.find("://") {
        Some(i)
            if i > 0
                && word[..i]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '+') =>
        {
            (&word[i + 3..], true)
        }
        _ => (word.strip_prefix("//").unwrap_or(word), false),
    };
    // Userinfo ("user@host") only in a URL; a bare address is not a host.
    let rest = match rest.rfind('@') {
        Some(i) if had_scheme => &rest[i + 1..],
        Some(_) => return None,
        None => rest,
    };
    let end = rest.find(['/', '?', '#', ':', '\\']).unwrap_or(rest.len());
    let host = rest[..end].trim_end_matches(['.', '!', '?', '…']);
    if host.is_empty() || host.len() > 253 {
        return None;
    }
    let labels: Vec<&str> = host.split('.').collect();
    let tld = labels.last()?;
    let plausible = labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'))
        && tld.chars().count() >= 2
        && tld.chars().all(char::is_alphabetic);
    if !plausible {
        return None;
    }
    // Through the URL parser for the ASCII (IDNA) form.
    let url = url::Url::parse(&format!("http://{host}/")).ok()?;
    Some(url.host_str()?.to_ascii_lowercase())
}

/// Whether `a` and `b` are the same host, or one is a subdomain of the
/// other (`www.` aside).
fn same_site(a: &str, b: &str) -> bool {
    let a = a.strip_prefix("www.").unwrap_or(a);
    let b = b.strip_prefix("www.").unwrap_or(b);
    a == b || a.ends_with(&format!(".{b}")) || b.ends_with(&format!(".{a}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_naming_another_host_gets_the_real_one() {
        assert_eq!(
            real_host("bank.example", "https://evil.example/login").as_deref(),
            Some("evil.example")
        );
        assert_eq!(
            real_host(
                "Log in at https://www.bank.example/secure",
                "http://bank.example.evil.test/x"
            )
            .as_deref(),
            Some("bank.example.evil.test")
        );
        // A reversed host written with an override reads as it shows.
        assert_eq!(
            real_host("\u{202E}elpmaxe.knab", "https://bank.example/").as_deref(),
            Some("bank.example")
        );
        // A look-alike in Cyrillic is not the Latin name.
        assert_eq!(
            real_host("bank.example", "https://b\u{0430}nk.example/").as_deref(),
            Some("xn--bnk-6cd.example")
        );
    }

    #[test]
    fn links_that_name_their_own_host_or_none_are_left_alone() {
        for (text, href) in [
            ("bank.example", "https://bank.example/"),
            ("www.bank.example", "https://bank.example/a"),
            ("bank.example", "https://login.bank.example/"),
            ("BANK.EXAMPLE.", "https://bank.example/"),
            ("the full report", "https://evil.example/"),
            ("e.g. this", "https://evil.example/"),
            ("write to news@bank.example", "mailto:news@bank.example"),
            (
                "see bank.example or other.example",
                "https://other.example/",
            ),
            ("bank.example", "/relative/path"),
            ("version 2.5", "https://evil.example/"),
        ] {
            assert_eq!(real_host(text, href), None, "{text} -> {href}");
        }
    }
}

//! Turning the bytes of a feed or page into text.
//!
//! Order of evidence, as XML 1.0 Appendix F and the HTML standard have it:
//! a byte-order mark, then the HTTP `charset`, then the document's own
//! declaration (`<?xml encoding>` or `<meta charset>`), then detection with
//! chardetng. Two corrections on top, because servers get labels wrong far more
//! often than bytes: a label naming a legacy code page on bytes that are valid
//! UTF-8 with non-ASCII text is ignored (the server transcoded and kept the old
//! label), and bytes labelled UTF-8 that are not valid UTF-8 are detected.
//! encoding_rs has no UTF-32, so that is decoded here.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

/// The result of decoding: the text and the name of the encoding used.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The document as UTF-8.
    pub text: String,
    /// The encoding that was applied (WHATWG name, or "UTF-32LE"/"UTF-32BE").
    pub encoding: &'static str,
    /// True when malformed sequences were replaced with U+FFFD.
    pub had_errors: bool,
}

/// Decodes `bytes` using the evidence order above. `http_charset` is the
/// `charset` parameter of the Content-Type header, if any.
pub fn decode(bytes: &[u8], http_charset: Option<&str>) -> Decoded {
    // 1. Byte-order marks (UTF-32 first: its LE mark begins with UTF-16LE's).
    if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) {
        return decode_utf32(&bytes[4..], false);
    }
    if bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return decode_utf32(&bytes[4..], true);
    }
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return with(enc, &bytes[bom_len..]);
    }
    // Unmarked UTF-16/32 announce themselves by the zero bytes around '<'.
    match bytes.get(..4) {
        Some([0x3C, 0, 0, 0]) => return decode_utf32(bytes, false),
        Some([0, 0, 0, 0x3C]) => return decode_utf32(bytes, true),
        Some([0x3C, 0, _, 0]) => return with(UTF_16LE, bytes),
        Some([0, 0x3C, 0, _]) => return with(UTF_16BE, bytes),
        _ => {}
    }
    // 2. HTTP, 3. the document's declaration.
    let labelled = http_charset
        .and_then(|l| Encoding::for_label(l.trim().trim_matches('"').as_bytes()))
        .or_else(|| declared_encoding(bytes));
    let utf8_ok = std::str::from_utf8(bytes).is_ok();
    match labelled {
        // A UTF-16 label on bytes without zero-byte pattern is wrong: the
        // document is ASCII-compatible. Fall through to detection.
        Some(enc) if enc == UTF_16LE || enc == UTF_16BE => {}
        // Labelled UTF-8: believe it when the bytes agree, else detect.
        Some(enc) if enc == UTF_8 => {}
        Some(enc) => {
            if utf8_ok && !bytes.is_ascii() {
                // Valid UTF-8 with multi-byte text is all but impossible by
                // chance in a legacy code page: the label is stale.
                return with(UTF_8, bytes);
            }
            return with(enc, bytes);
        }
        None => {}
    }
    // 4. Detection. UTF-8 with a stray bad byte or two (a truncated
    // character pasted into a CMS) is still UTF-8: browsers show it with a
    // replacement mark, and a legacy guess would garble every other letter.
    if utf8_ok || mostly_utf8(bytes) {
        return with(UTF_8, bytes);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let enc = detector.guess(None, chardetng::Utf8Detection::Allow);
    with(enc, bytes)
}

/// Whether the bytes are UTF-8 but for a few invalid sequences: at least
/// twenty well-formed multi-byte characters for every bad sequence.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut good, mut bad) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        good += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            bad += 1;
        }
    }
    good > 0 && bad * 20 <= good
}

fn with(enc: &'static Encoding, bytes: &[u8]) -> Decoded {
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    let text = match repair_double_encoding(&text) {
        Some(fixed) => fixed,
        None => text.into_owned(),
    };
    Decoded {
        text,
        encoding: enc.name(),
        had_errors,
    }
}

/// Undoes UTF-8 that was read as Latin-1/Windows-1252 and encoded again
/// ("Ø§Ø±Ø¯Ùˆ" for "اردو"). Applied only when every character maps back to
/// one byte and those bytes are valid UTF-8 with multi-byte sequences: genuine
/// Latin-1 text practically never passes both tests.
pub fn repair_double_encoding(text: &str) -> Option<String> {
    // Cheap pre-check: the tell-tale lead bytes of two-byte UTF-8 sequences.
    if !text
        .chars()
        .any(|c| ('\u{C2}'..='\u{DF}').contains(&c) || ('\u{E0}'..='\u{EF}').contains(&c))
    {
        return None;
    }
    let mut bytes = Vec::with_capacity(text.len());
    for c in text.chars() {
        let v = c as u32;
        if v <= 0xFF {
            bytes.push(v as u8);
        } else {
            let mut buf = [0u8; 4];
            let (b, _, unmappable) = encoding_rs::WINDOWS_1252.encode(c.encode_utf8(&mut buf));
            if unmappable || b.len() != 1 {
                return None;
            }
            bytes.push(b[0]);
        }
    }
    let fixed = String::from_utf8(bytes).ok()?;
    (fixed.len() < text.len()).then_some(fixed)
}

fn decode_utf32(bytes: &[u8], big_endian: bool) -> Decoded {
    let mut text = String::with_capacity(bytes.len() / 4);
    let mut had_errors = !bytes.len().is_multiple_of(4);
    for chunk in bytes.chunks_exact(4) {
        let arr = [chunk[0], chunk[1], chunk[2], chunk[3]];
        let v = if big_endian {
            u32::from_be_bytes(arr)
        } else {
            u32::from_le_bytes(arr)
        };
        match char::from_u32(v) {
            Some('\u{FEFF}') if text.is_empty() => {}
            Some(c) => text.push(c),
            None => {
                had_errors = true;
                text.push('\u{FFFD}');
            }
        }
    }
    Decoded {
        text,
        encoding: if big_endian { "UTF-32BE" } else { "UTF-32LE" },
        had_errors,
    }
}

/// The encoding a document declares in its first 1024 bytes: the XML
/// declaration's `encoding`, or an HTML `<meta charset>` /
/// `<meta http-equiv content="...; charset=...">`.
pub fn declared_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    if let Some(start) = head.find("<?xml") {
        let decl_end = head[start..]
            .find("?>")
            .map(|e| start + e)
            .unwrap_or(head.len());
        let decl = &head[start..decl_end];
        if let Some(label) = attr_value(decl, "encoding") {
            return Encoding::for_label(label.as_bytes());
        }
    }
    let mut rest = head.as_str();
    while let Some(pos) = rest.find("<meta") {
        rest = &rest[pos + 5..];
        let tag_end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..tag_end];
        if let Some(label) = attr_value(tag, "charset") {
            return Encoding::for_label(label.as_bytes());
        }
        if let Some(content) = attr_value(tag, "content")
            && let Some(i) = content.find("charset=")
        {
            let label = content[i + 8..]
                .split(|c: char| c == ';' || c.is_whitespace())
                .next()
                .unwrap_or("");
            return Encoding::for_label(label.as_bytes());
        }
    }
    None
}

/// Value of `name=` in a tag or declaration (quoted or not). Input is lowercased.
fn attr_value<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let mut search = tag;
    loop {
        let i = search.find(name)?;
        let before_ok = i == 0
            || search[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_whitespace() || c == '"' || c == '\'' || c == ';');
        let after = search[i + name.len()..].trim_start();
        if before_ok && after.starts_with('=') {
            let v = after[1..].trim_start();
            return Some(match v.chars().next() {
                Some(q @ ('"' | '\'')) => v[1..].split(q).next().unwrap_or(""),
                _ => v
                    .split(|c: char| c.is_whitespace() || c == '>' || c == '/' || c == '?')
                    .next()
                    .unwrap_or(""),
            });
        }
        search = &search[i + name.len()..];
    }
}

/// The `charset` parameter of a Content-Type header value.
pub fn charset_param(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"').to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const URDU: &str = "پاکستان کي خبريں";

    fn cp1256(s: &str) -> Vec<u8> {
        encoding_rs::WINDOWS_1256.encode(s).0.into_owned()
    }

    #[test]
    fn windows_1256_declared() {
        let mut doc = b"<?xml version=\"1.0\" encoding=\"windows-1256\"?><rss><t>".to_vec();
        doc.extend(cp1256(URDU));
        let d = decode(&doc, None);
        assert_eq!(d.encoding, "windows-1256");
        assert!(d.text.contains(URDU), "{}", d.text);
    }

    #[test]
    fn windows_1256_from_http_header_only() {
        let mut doc = b"<rss><t>".to_vec();
        doc.extend(cp1256(URDU));
        let d = decode(&doc, Some("windows-1256"));
        assert!(d.text.contains(URDU));
    }

    #[test]
    fn iso_8859_6_declared() {
        let arabic = "الأخبار العربية";
        let mut doc = b"<?xml version='1.0' encoding='ISO-8859-6'?><rss>".to_vec();
        doc.extend(encoding_rs::ISO_8859_6.encode(arabic).0.iter());
        let d = decode(&doc, None);
        assert!(d.text.contains(arabic), "{}", d.text);
    }

    #[test]
    fn utf8_with_stale_legacy_declaration_stays_utf8() {
        let doc = format!("<?xml version=\"1.0\" encoding=\"windows-1256\"?><rss>{URDU}</rss>");
        let d = decode(doc.as_bytes(), None);
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.text.contains(URDU));
    }

    #[test]
    fn cp1256_bytes_declared_utf8_are_detected() {
        let mut doc = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss><t>".to_vec();
        for _ in 0..4 {
            doc.extend(cp1256(URDU));
            doc.push(b' ');
        }
        let d = decode(&doc, None);
        assert!(d.text.contains(URDU), "{} via {}", d.text, d.encoding);
    }

    #[test]
    fn utf8_with_one_stray_byte_stays_utf8() {
        // Regression: a page labelled UTF-8 with one bad byte was detected
        // as windows-1252 and every Polish letter came out as mojibake.
        let mut doc = "<meta charset=\"UTF-8\"><p>Zażółć gęślą jaźń. "
            .repeat(5)
            .into_bytes();
        doc.push(0xC3);
        doc.extend("<p>Watchdog wytoczył zarządowi</p>".bytes());
        let d = decode(&doc, None);
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.text.contains("wytoczył zarządowi"), "{}", d.text);
    }

    #[test]
    fn bom_wins_over_declaration() {
        let mut doc = vec![0xEF, 0xBB, 0xBF];
        doc.extend(
            format!("<?xml version=\"1.0\" encoding=\"windows-1256\"?><rss>{URDU}</rss>").bytes(),
        );
        let d = decode(&doc, Some("iso-8859-1"));
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.text.starts_with("<?xml"));
        assert!(d.text.contains(URDU));
    }

    #[test]
    fn utf16_be_without_bom_and_utf16_le_with_bom() {
        let s = format!("<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss>{URDU}</rss>");
        let be: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert!(decode(&be, None).text.contains(URDU));
        let mut le = vec![0xFF, 0xFE];
        le.extend(s.encode_utf16().flat_map(|u| u.to_le_bytes()));
        assert_eq!(decode(&le, None).text, s);
    }

    #[test]
    fn utf32_both_orders() {
        let s = format!("<rss>{URDU}</rss>");
        let mut le = vec![0xFF, 0xFE, 0, 0];
        le.extend(s.chars().flat_map(|c| (c as u32).to_le_bytes()));
        assert_eq!(decode(&le, None).text, s);
        let be: Vec<u8> = s.chars().flat_map(|c| (c as u32).to_be_bytes()).collect();
        assert_eq!(decode(&be, None).text, s);
    }

    #[test]
    fn meta_charset_in_html() {
        let mut doc = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1256\"></head><body>".to_vec();
        doc.extend(cp1256(URDU));
        assert!(decode(&doc, None).text.contains(URDU));
    }

    #[test]
    fn double_encoded_utf8_is_repaired_and_latin1_is_left_alone() {
        let mojibake: String = URDU.bytes().map(|b| b as char).collect();
        assert_eq!(repair_double_encoding(&mojibake).as_deref(), Some(URDU));
        assert_eq!(repair_double_encoding("Café au lait, déjà vu"), None);
        assert_eq!(repair_double_encoding(URDU), None);
    }

    #[test]
    fn charset_param_parsing() {
        assert_eq!(
            charset_param("text/xml; charset=\"Windows-1256\"").as_deref(),
            Some("Windows-1256")
        );
        assert_eq!(charset_param("application/rss+xml"), None);
    }
}

//! OPML import and export.
//!
//! Import reads what real readers write (NetNewsWire, Feedly, Inoreader,
//! Newsboat): `xmlUrl` in any letter case, `text` or `title`, folders as
//! outlines without `xmlUrl`, nested to any depth (the outermost folder name is
//! kept, as Khabar has one level of folders), missing `version` attributes and
//! HTML entities in titles. Export writes OPML 2.0 with one outline per folder.
//!
//! Written on quick-xml (already a dependency through feed-rs) rather than
//! with the `opml` crate: import has to be lenient in the ways listed above,
//! which is a short walk over outline elements. (I did not evaluate the
//! `opml` crate against those files.)

use quick_xml::events::{BytesStart, Event};

use crate::error::OpmlError;
use crate::model::Feed;
use crate::parse::decode_entities;

/// A subscription read from an OPML file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpmlFeed {
    /// The feed URL (`xmlUrl`).
    pub url: String,
    /// Its title (`title`, else `text`).
    pub title: Option<String>,
    /// The site (`htmlUrl`).
    pub site_url: Option<String>,
    /// The folder it sits in.
    pub folder: Option<String>,
}

/// Reads an OPML document.
pub fn parse(text: &str) -> Result<Vec<OpmlFeed>, OpmlError> {
    let mut reader = quick_xml::Reader::from_str(text.trim_start_matches('\u{FEFF}'));
    reader.config_mut().trim_text(true);
    let mut out = Vec::new();
    // Stack of open outlines: Some(folder name) for folders, None for feeds.
    let mut stack: Vec<Option<String>> = Vec::new();
    let mut saw_outline = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.local_name().as_ref().eq_ignore_ascii_case("outline") => {
                saw_outline = true;
                let o = outline(&e);
                match o.url {
                    Some(url) => {
                        out.push(OpmlFeed {
                            url,
                            title: o.title,
                            site_url: o.site_url,
                            folder: current_folder(&stack),
                        });
                        stack.push(None);
                    }
                    None => stack.push(Some(o.title.unwrap_or_default())),
                }
            }
            Ok(Event::Empty(e)) if e.local_name().as_ref().eq_ignore_ascii_case("outline") => {
                saw_outline = true;
                let o = outline(&e);
                if let Some(url) = o.url {
                    out.push(OpmlFeed {
                        url,
                        title: o.title,
                        site_url: o.site_url,
                        folder: current_folder(&stack),
                    });
                }
            }
            Ok(Event::End(e)) if e.local_name().as_ref().eq_ignore_ascii_case("outline") => {
                stack.pop();
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                if out.is_empty() {
                    return Err(OpmlError::Malformed(format!(
                        "{e} (at byte {})",
                        reader.buffer_position()
                    )));
                }
                // Keep what was read before the damage.
                break;
            }
        }
    }
    if !saw_outline {
        return Err(OpmlError::NoOutlines);
    }
    Ok(out)
}

fn current_folder(stack: &[Option<String>]) -> Option<String> {
    stack
        .iter()
        .flatten()
        .find(|s| !s.trim().is_empty())
        .map(|s| s.trim().to_string())
}

struct Outline {
    url: Option<String>,
    title: Option<String>,
    site_url: Option<String>,
}

fn outline(e: &BytesStart<'_>) -> Outline {
    let mut o = Outline {
        url: None,
        title: None,
        site_url: None,
    };
    let mut text = None;
    for attr in e.attributes().with_checks(false).flatten() {
        let key = attr.key.local_name().as_ref().to_ascii_lowercase();
        let raw = attr.value.to_string();
        let value = decode_entities(&raw).trim().to_string();
        if value.is_empty() {
            continue;
        }
        match key.as_str() {
            "xmlurl" => o.url = Some(value),
            "htmlurl" => o.site_url = Some(value),
            "title" => o.title = Some(value),
            "text" => text = Some(value),
            _ => {}
        }
    }
    o.title = o.title.or(text);
    o
}

/// Writes feeds as an OPML 2.0 document, folders as outlines.
pub fn export(feeds: &[Feed], created: &str) -> String {
    let mut s = String::new();
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n");
    s.push_str("    <title>Khabar subscriptions</title>\n");
    s.push_str(&format!(
        "    <dateCreated>{}</dateCreated>\n",
        esc(created)
    ));
    s.push_str("  </head>\n  <body>\n");
    let mut folders: Vec<Option<&str>> = feeds.iter().map(|f| f.folder.as_deref()).collect();
    folders.sort();
    folders.dedup();
    for folder in folders {
        let indent = if folder.is_some() { "      " } else { "    " };
        if let Some(name) = folder {
            s.push_str(&format!(
                "    <outline text=\"{0}\" title=\"{0}\">\n",
                esc(name)
            ));
        }
        for f in feeds.iter().filter(|f| f.folder.as_deref() == folder) {
            let title = f.title.as_deref().unwrap_or(&f.url);
            s.push_str(&format!(
                "{indent}<outline type=\"rss\" text=\"{0}\" title=\"{0}\" xmlUrl=\"{1}\"",
                esc(title),
                esc(&f.url)
            ));
            if let Some(site) = &f.site_url {
                s.push_str(&format!(" htmlUrl=\"{}\"", esc(site)));
            }
            s.push_str("/>\n");
        }
        if folder.is_some() {
            s.push_str("    </outline>\n");
        }
    }
    s.push_str("  </body>\n</opml>\n");
    s
}

fn esc(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn netnewswire_and_feedly_shapes() {
        let nnw = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- OPML generated by NetNewsWire -->
<opml version="1.1">
<head><title>Subscriptions-OnMyMac.opml</title></head>
<body>
<outline text="Daring Fireball" title="Daring Fireball" description="" type="rss" version="RSS" htmlUrl="https://daringfireball.net/" xmlUrl="https://daringfireball.net/feeds/main"/>
<outline text="News" title="News">
  <outline text="Dawn &amp; Co" title="Dawn &amp; Co" type="rss" xmlUrl="https://example.test/dawn.xml"/>
</outline>
</body></opml>"#;
        let feeds = parse(nnw).unwrap();
        assert_eq!(feeds.len(), 2);
        assert_eq!(feeds[0].folder, None);
        assert_eq!(feeds[1].folder.as_deref(), Some("News"));
        assert_eq!(feeds[1].title.as_deref(), Some("Dawn & Co"));

        let feedly = r#"<opml version="1.0"><head><title>x subscriptions in feedly Cloud</title></head><body>
<outline text="World" title="World">
<outline type="rss" text="BBC" title="BBC" xmlUrl="http://feeds.example.test/bbc" htmlUrl="https://www.bbc.test"/>
</outline></body></opml>"#;
        let feeds = parse(feedly).unwrap();
        assert_eq!(feeds[0].folder.as_deref(), Some("World"));
        assert_eq!(feeds[0].site_url.as_deref(), Some("https://www.bbc.test"));
    }

    #[test]
    fn not_opml_is_a_clear_error() {
        assert!(matches!(
            parse("<html><body>hi</body></html>"),
            Err(OpmlError::NoOutlines)
        ));
        assert!(parse("<opml><body><outline xmlUrl=\"x\" <<<").is_err());
    }
}

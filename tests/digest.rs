//! Stories and the catch-up digest: `stories::digest` over a store made
//! here (invented reports by invented outlets), its text, HTML and EPUB
//! (read back with the `epub` crate, and checked by `epubcheck` where it is
//! installed), and the `khabar stories` / `khabar digest` commands.

use std::path::Path;
use std::process::Command;

use khabar::extract::{Article, Block, Inline, Meta};
use khabar::fetch::Validators;
use khabar::model::{FeedId, IncomingFeed, IncomingItem, ItemId};
use khabar::store::articles::{ArticleRecord, ArticleStatus};
use khabar::store::{FetchRecord, Store};
use khabar::stories::digest;
use khabar::topics::TopicSpec;

const QUAKE: [&str; 3] = [
    "Earthquake of magnitude 6.1 strikes Quetta",
    "Quetta earthquake: magnitude 6.1 tremor kills 12",
    "Strong earthquake hits Quetta, 12 dead",
];
const FLOOD: [&str; 2] = [
    "Flood waters rise in Sindh villages after record monsoon rain",
    "Sindh villages flooded as record monsoon rain swells rivers",
];
/// The agency copy the quake reports share.
const QUAKE_BODY: &str =
    "An earthquake of magnitude 6.1 struck Quetta on Tuesday night, killing 12 people.";
const FLOOD_BODY: &str = "Record monsoon rain flooded villages across Sindh.";
const LEAD: &str = "A strong earthquake of magnitude 6.1 struck Quetta on Tuesday night. \
    Dr. Amina Baloch of the provincial health office said 12 people had died. \
    Rescue teams worked through the night.";

fn record(at: i64) -> FetchRecord {
    FetchRecord {
        fetched_at: at,
        next_check_at: at + 1800,
        validators: Validators::default(),
        new_url: None,
    }
}

fn put(s: &mut Store, feed: FeedId, id: &str, title: &str, body: &str, at: i64) {
    let doc = IncomingFeed {
        items: vec![IncomingItem {
            identity: id.into(),
            title: title.into(),
            link: Some(format!("http://example.test/{id}")),
            published: Some(at),
            summary: Some(format!("<p>{title}. {body}</p>")),
            ..Default::default()
        }],
        ..Default::default()
    };
    s.apply_feed(feed, &doc, &record(at)).unwrap();
}

fn item_id(s: &Store, title: &str) -> ItemId {
    ItemId(
        s.connection()
            .query_row("SELECT id FROM items WHERE title = ?1", [title], |r| {
                r.get(0)
            })
            .unwrap(),
    )
}

/// A tiny PNG made here.
fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(8, 6, |x, y| image::Rgb([x as u8 * 30, y as u8 * 40, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A store in `dir`: a quake told by three outlets (with a saved article
/// and its image), a flood by two, a lone cricket report hitting the
/// followed topic "Cricket", and a lone report nobody follows.
fn newsroom(dir: &Path) -> i64 {
    let now = khabar::model::now();
    let mut s = Store::open_in_dir(dir).unwrap();
    let feeds: Vec<FeedId> = [
        "Daily Invented",
        "Evening Example",
        "Morning Mock",
        "Urdu Desk",
    ]
    .iter()
    .enumerate()
    .map(|(n, name)| {
        s.add_feed(&format!("http://outlet{n}.test/feed"), Some(name), None)
            .unwrap()
    })
    .collect();
    s.add_topic(&TopicSpec::follow("Cricket", "cricket"), now)
        .unwrap();
    for (i, t) in QUAKE.iter().enumerate() {
        put(
            &mut s,
            feeds[i],
            &format!("q{i}"),
            t,
            QUAKE_BODY,
            now - 3600 + i as i64 * 60,
        );
    }
    for (i, t) in FLOOD.iter().enumerate() {
        put(
            &mut s,
            feeds[i + 1],
            &format!("f{i}"),
            t,
            FLOOD_BODY,
            now - 7200 + i as i64 * 60,
        );
    }
    put(
        &mut s,
        feeds[3],
        "c1",
        "Cricket: Gladiators win the final in Lahore",
        "The crowd cheered.",
        now - 600,
    );
    put(
        &mut s,
        feeds[0],
        "x1",
        "Film festival opens with a comedy",
        "Tickets sold out.",
        now - 900,
    );

    // The first quake report's article was saved, with its image cached.
    let quake = item_id(&s, QUAKE[0]);
    let img_url = "http://outlet0.test/quake.png";
    let doc = Article {
        meta: Meta {
            title: QUAKE[0].into(),
            lead_image: Some(img_url.into()),
            ..Default::default()
        },
        blocks: vec![
            Block::Heading {
                level: 2,
                inlines: vec![Inline::Text {
                    text: "Latest".into(),
                }],
            },
            Block::Paragraph {
                inlines: vec![Inline::Text { text: LEAD.into() }],
            },
        ],
    };
    s.save_article(
        quake,
        &ArticleRecord {
            status: ArticleStatus::Ok,
            reason: None,
            fetched_at: now,
            url: Some("http://outlet0.test/q0".into()),
            content_type: Some("text/html".into()),
            extractor_version: khabar::extract::EXTRACTOR_VERSION,
            document: Some(doc),
            original: None,
        },
    )
    .unwrap();
    let bytes = png();
    let hash = "00aa11bb22cc33dd";
    let path = khabar::articles::image_path(&dir.join("images"), hash);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, &bytes).unwrap();
    s.add_image(hash, "image/png", bytes.len(), Some((8, 6)), now)
        .unwrap();
    s.link_image(quake, img_url, hash).unwrap();
    now
}

#[test]
fn the_digest_puts_followed_topics_first_then_the_most_outlets_with_a_lead_and_an_image() {
    let dir = tempfile::tempdir().unwrap();
    let now = newsroom(dir.path());
    let store = Store::open_in_dir(dir.path()).unwrap();
    let d = digest::build(&store, now - 86_400, 20, Some(&dir.path().join("images"))).unwrap();
    let heads: Vec<&str> = d.stories.iter().map(|e| e.headline.as_str()).collect();
    assert_eq!(
        heads,
        [
            "Cricket: Gladiators win the final in Lahore",
            QUAKE[0],
            FLOOD[0]
        ],
        "followed first, then most outlets; the lone unfollowed report is left out"
    );
    assert_eq!(d.stories[0].topics, ["Cricket"]);
    let quake = &d.stories[1];
    assert_eq!(
        quake.outlets,
        ["Daily Invented", "Evening Example", "Morning Mock"]
    );
    assert_eq!(
        quake.lead,
        "A strong earthquake of magnitude 6.1 struck Quetta on Tuesday night. \
         Dr. Amina Baloch of the provincial health office said 12 people had died."
    );
    assert_eq!(quake.lead_outlet.as_deref(), Some("Daily Invented"));
    assert!(quake.image.as_ref().is_some_and(|i| i.mime == "image/png"));
    // Without a saved article the feed's own text gives the lead.
    assert_eq!(d.stories[2].lead, format!("{}. {FLOOD_BODY}", FLOOD[0]));

    let text = d.to_text();
    assert!(text.starts_with("While you were away: since "), "{text}");
    assert!(text.contains("3 outlets: Daily Invented, Evening Example, Morning Mock"));
    assert!(text.contains("Following: Cricket"));
    let html = d.to_html();
    assert!(html.contains("<h2 dir=\"auto\">Quetta") || html.contains(QUAKE[0]));
    assert!(html.contains("<img src=\"file://"));

    // Since a later time, only what came after.
    let d = digest::build(&store, now - 1000, 20, None).unwrap();
    assert_eq!(d.stories.len(), 1);
}

#[test]
fn the_epub_carries_the_images_and_passes_the_checks() {
    let dir = tempfile::tempdir().unwrap();
    let now = newsroom(dir.path());
    let store = Store::open_in_dir(dir.path()).unwrap();
    let d = digest::build(&store, now - 86_400, 20, Some(&dir.path().join("images"))).unwrap();
    let bytes = d.to_epub().unwrap();

    let mut book = epub::doc::EpubDoc::from_reader(std::io::Cursor::new(bytes.clone())).unwrap();
    assert!(book.get_title().unwrap().starts_with("While you were away"));
    // A title page and one chapter per story.
    assert_eq!(book.get_num_chapters(), 1 + d.stories.len());
    let images: Vec<_> = book
        .resources
        .values()
        .filter(|r| r.mime == "image/png")
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(images.len(), 1, "{:?}", book.resources);
    assert_eq!(book.get_resource_by_path(&images[0]).unwrap(), png());
    book.set_current_chapter(2);
    let (chapter, _) = book.get_current_str().unwrap();
    assert!(chapter.contains("Dr. Amina Baloch"), "{chapter}");
    assert!(
        chapter.contains("<img src=\"images/story-2.png\""),
        "{chapter}"
    );

    // Every id is unique within each of the book's XML files (epub-builder
    // 0.8.3 gave dc:language and dc:creator the same one).
    let opf = book.root_file.clone();
    let mut xml_files = vec![opf];
    xml_files.extend(
        book.resources
            .values()
            .filter(|r| r.mime.contains("xml"))
            .map(|r| r.path.clone()),
    );
    for path in xml_files {
        let text = book.get_resource_str_by_path(&path).unwrap();
        let ids = xml_ids(&text);
        let mut seen = std::collections::HashSet::new();
        for id in &ids {
            assert!(seen.insert(id), "id {id:?} twice in {path:?}:\n{text}");
        }
    }
    let root = book.root_file.clone();
    let opf = book.get_resource_str_by_path(&root).unwrap();
    assert!(opf.contains("<dc:language"), "{opf}");
    assert!(opf.contains(">Khabar</meta>"), "{opf}");

    let Some(mut epubcheck) = epubcheck() else {
        eprintln!("epubcheck is not installed: the EPUB was read back but not validated");
        return;
    };
    let file = dir.path().join("digest.epub");
    std::fs::write(&file, &bytes).unwrap();
    let out = epubcheck.arg(&file).output().unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{all}");
    assert!(all.contains("No errors or warnings detected"), "{all}");
}

/// The `id` attributes of an XML text, in order.
fn xml_ids(text: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut ids = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) => {
                for a in e.attributes() {
                    let a = a.unwrap();
                    if a.key.0 == "id" {
                        ids.push(a.value.into_owned());
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    ids
}

/// `epubcheck` as Debian installs it, or its jar run by `java` where the
/// command on the PATH is the bare jar (it cannot be executed directly).
fn epubcheck() -> Option<Command> {
    if Command::new("epubcheck").arg("--version").output().is_ok() {
        return Some(Command::new("epubcheck"));
    }
    let path = std::env::var_os("PATH")?;
    let jar = std::env::split_paths(&path)
        .map(|d| d.join("epubcheck"))
        .find(|p| p.is_file())?;
    let mut java = Command::new("java");
    java.arg("-jar").arg(&jar);
    let ok = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .arg("--version")
        .output()
        // It exits 1 after printing its version ("no file specified").
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("EPUBCheck"));
    ok.then_some(java)
}

fn khabar(data: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_khabar"))
        .args(args)
        .env("KHABAR_DATA_DIR", data)
        .current_dir(data)
        .output()
        .unwrap()
}

#[test]
fn stories_and_digest_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    newsroom(dir.path());

    let out = khabar(dir.path(), &["stories", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let stories = v.as_array().unwrap();
    assert_eq!(stories.len(), 2);
    assert_eq!(stories[0]["headline"], QUAKE[0]);
    assert_eq!(stories[0]["outlets"], 3);
    let items = stories[0]["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert!(items.iter().all(|i| i["story"] == stories[0]["id"]));

    let out = khabar(dir.path(), &["stories"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("  3 outlets   3 reports  Earthquake"),
        "{text}"
    );

    // The first digest covers a day and records the visit; the next one
    // starts there.
    let out = khabar(dir.path(), &["digest"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("1. Cricket: Gladiators"), "{text}");
    assert!(dir.path().join(digest::LAST_VISIT_FILE).exists());
    let out = khabar(dir.path(), &["digest"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Nothing told by several outlets"), "{text}");

    let out = khabar(dir.path(), &["digest", "--since", "48", "--format", "epub"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let name = text.trim().rsplit(' ').next().unwrap();
    assert!(name.ends_with(".epub"), "{text}");
    let book = epub::doc::EpubDoc::new(dir.path().join(name)).unwrap();
    assert_eq!(book.get_num_chapters(), 4);

    let out = khabar(
        dir.path(),
        &[
            "digest", "--since", "48", "--format", "html", "-o", "d.html",
        ],
    );
    assert!(out.status.success());
    let html = std::fs::read_to_string(dir.path().join("d.html")).unwrap();
    assert!(html.contains("<!DOCTYPE html>") && html.contains("Morning Mock"));
}

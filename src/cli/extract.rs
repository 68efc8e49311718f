//! Article extraction: `extract` (a saved page or a URL, printed as text,
//! JSON or HTML; needs no store) and `reextract` (stored pages made by an
//! older extractor).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context as _, Result};
use clap::{Subcommand, ValueEnum};

use khabar::extract::Article;
use khabar::model;
use khabar::store::Store;

use super::{Ctx, fetcher, print};

/// Extraction commands.
#[derive(Subcommand, Debug)]
pub enum ExtractCommand {
    /// Re-extract stored article pages made by an older extractor (all with --all).
    Reextract {
        /// Redo every stored page.
        #[arg(long)]
        all: bool,
    },
    /// Extract the article from saved pages or URLs and print it (several
    /// sources: one after the other; with --out-dir: one file each).
    Extract {
        /// File paths or http(s) URLs.
        #[arg(required = true, num_args = 1..)]
        sources: Vec<String>,
        /// Resolve relative links against this URL (files only).
        #[arg(long)]
        base_url: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ExtractFormat::Text)]
        format: ExtractFormat,
        /// Write one `<file stem>.txt` (`.json`, `.html`) per source into
        /// this folder instead of printing, and report pages per second.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
    },
}

/// How `extract` prints the article.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ExtractFormat {
    Text,
    Json,
    Html,
}

/// Run an extraction command.
pub fn run(cmd: ExtractCommand, ctx: &Ctx) -> Result<ExitCode> {
    match cmd {
        ExtractCommand::Extract {
            sources,
            base_url,
            format,
            out_dir,
        } => extract_all(&sources, base_url.as_deref(), format, out_dir.as_deref()),
        ExtractCommand::Reextract { all } => {
            let (_dir, mut store) = ctx.open_store()?;
            reextract(&mut store, all)
        }
    }
}

impl ExtractFormat {
    fn ext(self) -> &'static str {
        match self {
            Self::Text => "txt",
            Self::Json => "json",
            Self::Html => "html",
        }
    }

    fn render(self, article: &Article) -> Result<String> {
        Ok(match self {
            Self::Text => article.to_text(),
            Self::Json => {
                let mut s = serde_json::to_string_pretty(article)?;
                s.push('\n');
                s
            }
            Self::Html => article.to_html(),
        })
    }
}

/// `extract SOURCE...`: one source keeps the plain behaviour (an error ends
/// the run); with several, a source that fails is reported on stderr and
/// the rest go on, and the exit code says whether any failed.
fn extract_all(
    sources: &[String],
    base_url: Option<&str>,
    format: ExtractFormat,
    out_dir: Option<&Path>,
) -> Result<ExitCode> {
    let base = match base_url {
        Some(b) => {
            Some(url::Url::parse(b).with_context(|| format!("--base-url {b} is not a URL"))?)
        }
        None => None,
    };
    if let Some(dir) = out_dir {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    if sources.len() == 1 && out_dir.is_none() {
        let text = format.render(&extract(&sources[0], base.as_ref())?)?;
        print::raw(|out| out.write_all(text.as_bytes()))?;
        return Ok(ExitCode::SUCCESS);
    }
    let started = Instant::now();
    let mut stems = HashSet::new();
    let (mut done, mut failed) = (0usize, 0usize);
    if format == ExtractFormat::Json && out_dir.is_none() {
        print::raw(|out| out.write_all(b"["))?;
    }
    for source in sources {
        let article = match extract(source, base.as_ref()) {
            Ok(a) => a,
            Err(e) => {
                print::warn(format!("{e:#}"));
                failed += 1;
                continue;
            }
        };
        let rendered = format.render(&article)?;
        match out_dir {
            Some(dir) => {
                let path = dir.join(format!(
                    "{}.{}",
                    unique_stem(source, &mut stems),
                    format.ext()
                ));
                std::fs::write(&path, rendered)
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
            None => {
                let sep: &[u8] = match format {
                    ExtractFormat::Json if done > 0 => b",\n",
                    ExtractFormat::Json => b"\n",
                    _ if done > 0 => b"\n",
                    _ => b"",
                };
                print::raw(|out| {
                    out.write_all(sep)?;
                    out.write_all(rendered.trim_end().as_bytes())?;
                    out.write_all(b"\n")
                })?;
            }
        }
        done += 1;
    }
    if format == ExtractFormat::Json && out_dir.is_none() {
        print::raw(|out| out.write_all(b"]\n"))?;
    }
    if let Some(dir) = out_dir {
        let secs = started.elapsed().as_secs_f64();
        print::line(format!(
            "Extracted {done} of {} pages into {} in {secs:.2} s: {:.1} pages/s{}",
            sources.len(),
            dir.display(),
            sources.len() as f64 / secs.max(1e-9),
            if failed > 0 {
                format!(" ({failed} without an article)")
            } else {
                String::new()
            }
        ))?;
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The output name for `source`: its file stem (for a URL, the last path
/// segment's, else the host), made unique within the run with `-2`, `-3`.
fn unique_stem(source: &str, used: &mut HashSet<String>) -> String {
    let name = match url::Url::parse(source) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => u
            .path_segments()
            .and_then(|mut s| s.next_back())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .or_else(|| u.host_str().map(str::to_string))
            .unwrap_or_default(),
        _ => Path::new(source)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    // "page.html.gz" -> "page"; "page.html" -> "page".
    let mut stem = name.as_str();
    while let Some((s, ext)) = stem.rsplit_once('.') {
        if s.is_empty()
            || !matches!(
                ext.to_ascii_lowercase().as_str(),
                "html" | "htm" | "xhtml" | "gz" | "txt" | "php" | "asp" | "aspx"
            )
        {
            break;
        }
        stem = s;
    }
    let stem: String = stem
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let stem = if stem.is_empty() || stem == "." || stem == ".." {
        "page".to_string()
    } else {
        stem
    };
    let mut name = stem.clone();
    let mut n = 1;
    while !used.insert(name.clone()) {
        n += 1;
        name = format!("{stem}-{n}");
    }
    name
}

/// Reads or fetches one source and extracts its article.
fn extract(source: &str, base: Option<&url::Url>) -> Result<Article> {
    let is_url = source.starts_with("http://") || source.starts_with("https://");
    let (bytes, content_type, base) = if is_url {
        let fetcher = fetcher()?;
        let rt = khabar::poller::runtime()?;
        let outcome = rt
            .block_on(fetcher.get(
                source,
                khabar::fetch::Kind::Html,
                &Default::default(),
                khabar::fetch::AddressPolicy::Any,
            ))
            .with_context(|| format!("cannot fetch {source}"))?;
        let khabar::fetch::Outcome::Fetched(f) = outcome else {
            anyhow::bail!("cannot fetch {source}: unexpected 304");
        };
        (f.body, f.content_type, Some(f.final_url))
    } else {
        let bytes = std::fs::read(source).with_context(|| format!("cannot read {source}"))?;
        (bytes, None, base.cloned())
    };
    khabar::extract::extract_bytes(&bytes, content_type.as_deref(), base.as_ref())
        .with_context(|| format!("cannot extract an article from {source}"))
}

fn reextract(store: &mut Store, all: bool) -> Result<ExitCode> {
    let ids = store.articles_to_reextract(khabar::extract::EXTRACTOR_VERSION, all)?;
    let (mut clean, mut fallback) = (0, 0);
    for id in &ids {
        let Some(orig) = store.article_original(*id)? else {
            continue;
        };
        let base = orig.url.as_deref().and_then(|u| url::Url::parse(u).ok());
        let rec = khabar::articles::record_from_page(
            &orig.html,
            orig.content_type.as_deref(),
            base.as_ref(),
            model::now(),
        );
        if rec.status == khabar::store::articles::ArticleStatus::Ok {
            clean += 1;
        } else {
            fallback += 1;
        }
        store.save_article(*id, &rec)?;
    }
    print::line(format!(
        "Re-extracted {} articles with extractor version {}: {clean} clean, {fallback} kept the feed's text",
        ids.len(),
        khabar::extract::EXTRACTOR_VERSION
    ))?;
    Ok(ExitCode::SUCCESS)
}

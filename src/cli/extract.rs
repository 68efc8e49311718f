//! Article extraction: `extract` (a saved page or a URL, printed as text,
//! JSON or HTML; needs no store) and `reextract` (stored pages made by an
//! older extractor).

use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::{Subcommand, ValueEnum};

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
    /// Extract the article from a saved page or a URL and print it.
    Extract {
        /// A file path or an http(s) URL.
        source: String,
        /// Resolve relative links against this URL (files only).
        #[arg(long)]
        base_url: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ExtractFormat::Text)]
        format: ExtractFormat,
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
            source,
            base_url,
            format,
        } => extract(&source, base_url.as_deref(), format),
        ExtractCommand::Reextract { all } => {
            let (_dir, mut store) = ctx.open_store()?;
            reextract(&mut store, all)
        }
    }
}

fn extract(source: &str, base_url: Option<&str>, format: ExtractFormat) -> Result<ExitCode> {
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
        let base = match base_url {
            Some(b) => {
                Some(url::Url::parse(b).with_context(|| format!("--base-url {b} is not a URL"))?)
            }
            None => None,
        };
        (bytes, None, base)
    };
    let article = khabar::extract::extract_bytes(&bytes, content_type.as_deref(), base.as_ref())
        .with_context(|| format!("cannot extract an article from {source}"))?;
    match format {
        ExtractFormat::Text => print::raw(|out| out.write_all(article.to_text().as_bytes()))?,
        ExtractFormat::Json => print::json(&article)?,
        ExtractFormat::Html => print::raw(|out| out.write_all(article.to_html().as_bytes()))?,
    }
    Ok(ExitCode::SUCCESS)
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

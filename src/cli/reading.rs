//! Reading: `headlines` (the list, filtered) and `show` (one article, the
//! clean text when it was saved, else the feed's own).

use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;

use khabar::model::{self, ItemId};
use khabar::parse;
use khabar::store::sync::Mark;
use khabar::store::{HeadlineFilter, Store};

use super::Ctx;
use super::print::{self, Format};

/// Reading commands.
#[derive(Subcommand, Debug)]
pub enum ReadingCommand {
    /// List headlines, newest first.
    Headlines {
        /// How many.
        #[arg(long, default_value_t = 30)]
        limit: usize,
        /// Only those matching this query (words, "phrases", OR, -exclusions).
        #[arg(long)]
        search: Option<String>,
        /// Only unread ones.
        #[arg(long)]
        unread: bool,
        /// Only this feed (id).
        #[arg(long)]
        feed: Option<i64>,
        /// Only hits of this topic (by name).
        #[arg(long)]
        topic: Option<String>,
        /// Only articles in this language (two-letter code, e.g. ur).
        #[arg(long)]
        lang: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Mark articles read, unread, starred or unstarred (for scripts; marks
    /// on synced articles go to the outbox for the next `khabar sync`).
    Mark {
        /// Article ids (see `khabar headlines`).
        #[arg(required = true)]
        ids: Vec<i64>,
        /// What to do.
        #[command(flatten)]
        how: MarkHow,
    },
    /// Show one article.
    Show {
        /// Article id (see `khabar headlines`).
        id: i64,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

/// The one change `mark` makes.
#[derive(clap::Args, Debug)]
#[group(required = true, multiple = false)]
pub struct MarkHow {
    /// Mark read.
    #[arg(long)]
    read: bool,
    /// Mark unread.
    #[arg(long)]
    unread: bool,
    /// Star.
    #[arg(long)]
    star: bool,
    /// Unstar.
    #[arg(long)]
    unstar: bool,
}

impl MarkHow {
    fn mark(&self) -> Mark {
        if self.read {
            Mark::Read
        } else if self.unread {
            Mark::Unread
        } else if self.star {
            Mark::Star
        } else {
            Mark::Unstar
        }
    }
}

/// Run a reading command.
pub fn run(cmd: ReadingCommand, ctx: &Ctx) -> Result<ExitCode> {
    let (_dir, mut store) = ctx.open_store()?;
    match cmd {
        ReadingCommand::Mark { ids, how } => {
            let ids: Vec<ItemId> = ids.into_iter().map(ItemId).collect();
            let mark = how.mark();
            let missing = store.mark_items(&ids, mark)?;
            for id in &missing {
                print::warn(format!("khabar: no article {id}"));
            }
            let done = match mark {
                Mark::Read => "read",
                Mark::Unread => "unread",
                Mark::Star => "starred",
                Mark::Unstar => "unstarred",
            };
            print::line(format!(
                "Marked {} articles {done}",
                ids.len() - missing.len()
            ))?;
            Ok(if missing.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        ReadingCommand::Headlines {
            limit,
            search,
            unread,
            feed,
            topic,
            lang,
            json,
        } => {
            let topic = match topic {
                Some(name) => Some(store.topic_by_name(&name)?.id),
                None => None,
            };
            headlines(
                &store,
                &HeadlineFilter {
                    limit,
                    search,
                    unread_only: unread,
                    feed: feed.map(model::FeedId),
                    topic,
                    lang,
                    ..Default::default()
                },
                Format::from_json_flag(json),
            )
        }
        ReadingCommand::Show { id, format } => show(&store, ItemId(id), format),
    }
}

fn headlines(store: &Store, filter: &HeadlineFilter, format: Format) -> Result<ExitCode> {
    let rows = store.headlines(filter)?;
    let now = model::now();
    print::emit(format, &rows, |out| {
        for h in &rows {
            writeln!(
                out,
                "{:>7} {} {:<28.28} {:>4}  {}",
                h.id,
                if h.read { ' ' } else { '•' },
                h.feed,
                print::short_ago(now, h.published_ts),
                h.title
            )?;
        }
        Ok(())
    })
}

fn show(store: &Store, id: ItemId, format: Format) -> Result<ExitCode> {
    let item = store.item(id)?;
    if format == Format::Json {
        print::json(&item)?;
        return Ok(ExitCode::SUCCESS);
    }
    let stored = store.article(id)?;
    print::raw(|out| {
        writeln!(out, "{}", item.title)?;
        writeln!(out)?;
        let mut meta = vec![item.feed.clone()];
        if let Some(a) = &item.author {
            meta.push(a.clone());
        }
        meta.push(item.published.clone());
        writeln!(out, "{}", meta.join(" · "))?;
        if let Some(l) = &item.link {
            writeln!(out, "{l}")?;
        }
        match stored.as_ref().and_then(|a| a.document.as_ref()) {
            Some(doc) => {
                for para in doc.body_text().split("\n\n") {
                    writeln!(out)?;
                    writeln!(out, "{para}")?;
                }
            }
            None => {
                let body = item
                    .content
                    .as_deref()
                    .or(item.summary.as_deref())
                    .unwrap_or("");
                for para in parse::html_paragraphs(body) {
                    writeln!(out)?;
                    writeln!(out, "{para}")?;
                }
                if let Some(reason) = stored.as_ref().and_then(|a| a.reason.as_deref()) {
                    writeln!(out)?;
                    writeln!(
                        out,
                        "[the feed's own text: the full article was not saved: {reason}]"
                    )?;
                }
            }
        }
        Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

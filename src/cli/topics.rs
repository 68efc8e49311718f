//! Topics: `topic add`, `topic list`, `topic rm`, `topic mute`,
//! `topic suggest`.

use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;

use khabar::model;
use khabar::store::Store;
use khabar::topics::{Action, TopicSpec};

use super::print::{self, Format};
use super::{Ctx, find_feed};

/// The topics group: one `topic` command with its own subcommands.
#[derive(Subcommand, Debug)]
pub enum TopicsCommand {
    /// Follow topics: saved queries matched against every article.
    #[command(subcommand)]
    Topic(TopicCommand),
}

/// `khabar topic ...`.
#[derive(Subcommand, Debug)]
pub enum TopicCommand {
    /// Follow a topic (or, with --hide, hide what it matches everywhere).
    Add {
        /// Its name, shown in the sidebar.
        name: String,
        /// What to match: words (all must match), "exact phrases", OR, -exclusions.
        query: String,
        /// Only this feed (id or URL).
        #[arg(long)]
        feed: Option<String>,
        /// Only feeds in this folder.
        #[arg(long)]
        folder: Option<String>,
        /// Only articles in this language (two-letter code, e.g. en, ur).
        #[arg(long)]
        lang: Option<String>,
        /// Mute words: hide matching articles instead of following them.
        #[arg(long)]
        hide: bool,
        /// No desktop notifications for it.
        #[arg(long)]
        quiet: bool,
    },
    /// List topics with their counts.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Stop following a topic.
    Rm {
        /// Its name.
        name: String,
    },
    /// Mute a topic's notifications and badge for a while (0 unmutes).
    Mute {
        /// Its name.
        name: String,
        /// Hours.
        #[arg(long, default_value_t = 24)]
        hours: u32,
    },
    /// Topics worth following, from recent categories and names.
    Suggest,
}

/// Run a topics command.
pub fn run(cmd: TopicsCommand, ctx: &Ctx) -> Result<ExitCode> {
    let (_dir, mut store) = ctx.open_store()?;
    let TopicsCommand::Topic(cmd) = cmd;
    topic(&mut store, cmd)
}

fn topic(store: &mut Store, cmd: TopicCommand) -> Result<ExitCode> {
    let now = model::now();
    match cmd {
        TopicCommand::Add {
            name,
            query,
            feed,
            folder,
            lang,
            hide,
            quiet,
        } => {
            let feed = match feed {
                Some(f) => Some(find_feed(store, &f)?),
                None => None,
            };
            let spec = TopicSpec {
                feed,
                folder,
                lang: lang.map(|l| l.trim().to_ascii_lowercase()),
                action: if hide { Action::Hide } else { Action::Follow },
                notify: !quiet,
                ..TopicSpec::follow(&name, &query)
            };
            if let Err(khabar::topics::TopicError::Query(e)) = spec.compile() {
                // Point at the problem under the query, as the window does.
                let col = query.chars().take(e.at).map(|_| ' ').collect::<String>();
                anyhow::bail!("bad query: {}\n  {query}\n  {col}^", e.message);
            }
            let id = store.add_topic(&spec, now)?;
            let t = store.topic(id)?;
            print::line(format!(
                "{} \"{}\": {} articles so far, {} unread",
                if hide { "Hiding" } else { "Following" },
                t.spec.name,
                t.total,
                t.unread
            ))?;
        }
        TopicCommand::List { json } => {
            let topics = store.topics()?;
            return print::emit(Format::from_json_flag(json), &topics, |out| {
                for t in &topics {
                    let mut flags = Vec::new();
                    if t.spec.action == Action::Hide {
                        flags.push("hides".to_string());
                    }
                    if t.is_muted(now) {
                        flags.push("muted".into());
                    }
                    if let Some(l) = &t.spec.lang {
                        flags.push(format!("lang {l}"));
                    }
                    writeln!(
                        out,
                        "{:<24} {:>6} unread {:>7} total  {}{}",
                        t.spec.name,
                        t.unread,
                        t.total,
                        t.spec.query,
                        if flags.is_empty() {
                            String::new()
                        } else {
                            format!("  [{}]", flags.join(", "))
                        }
                    )?;
                }
                Ok(())
            });
        }
        TopicCommand::Rm { name } => {
            let t = store.topic_by_name(&name)?;
            store.remove_topic(t.id)?;
            print::line(format!("Stopped following \"{}\"", t.spec.name))?;
        }
        TopicCommand::Mute { name, hours } => {
            let t = store.topic_by_name(&name)?;
            let until = (hours > 0).then(|| now + i64::from(hours) * 3600);
            store.mute_topic(t.id, until)?;
            match until {
                Some(_) => print::line(format!("Muted \"{}\" for {hours} h", t.spec.name))?,
                None => print::line(format!("Unmuted \"{}\"", t.spec.name))?,
            }
        }
        TopicCommand::Suggest => {
            let suggestions = store.suggested_topics(now, 20)?;
            print::raw(|out| {
                for s in &suggestions {
                    writeln!(
                        out,
                        "{:>4}  {:<8}  khabar topic add {:?} {:?}",
                        s.count,
                        format!("{:?}", s.source).to_lowercase(),
                        s.name,
                        s.query
                    )?;
                }
                Ok(())
            })?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

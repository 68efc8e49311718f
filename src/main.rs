//! The `khabar` binary: argument parsing and start-up only. Each subcommand
//! is a few lines over the library; errors become plain messages here, the
//! only place `anyhow` is used.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::{Parser, Subcommand, ValueEnum};

use khabar::fetch::{FetchConfig, Fetcher};
use khabar::model::{self, ItemId};
use khabar::poller::{FeedResult, PollEvent, PollOptions, Poller};
use khabar::store::{self, HeadlineFilter, Store};
use khabar::{discover, opml, parse, schedule};

/// Khabar: an offline-first news reader.
#[derive(Parser, Debug)]
#[command(name = "khabar", version, about, long_about = None)]
struct Cli {
    /// Folder for the database and article cache (default: the platform's data folder).
    #[arg(long, global = true, env = "KHABAR_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,

    /// Open the window on a demo newsroom served from this machine (no network needed).
    #[arg(long)]
    demo: bool,

    /// Window start-up view (for screenshots): show this topic.
    #[arg(long, value_name = "NAME")]
    show_topic: Option<String>,
    /// Window start-up view: open the first headline containing this text.
    #[arg(long, value_name = "TEXT")]
    open: Option<String>,
    /// Window theme for this run.
    #[arg(long, value_enum)]
    theme: Option<Theme>,
    /// Window start-up view: open a dialog.
    #[arg(long, value_enum)]
    dialog: Option<Dialog>,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Subscribe to a feed URL, or to a site URL whose page names its feeds.
    Add {
        /// Feed or site URL.
        url: String,
        /// Put the feed in this folder.
        #[arg(long)]
        folder: Option<String>,
    },
    /// Unsubscribe from a feed (by id or URL) and delete its articles.
    Remove {
        /// Feed id (see `khabar feeds`) or URL.
        feed: String,
    },
    /// Import subscriptions from an OPML file.
    Import {
        /// The OPML file.
        file: PathBuf,
    },
    /// Export subscriptions as OPML 2.0 to standard output.
    Export,
    /// List feeds with their last fetch, next check and error.
    Feeds {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Poll the feeds that are due.
    Poll {
        /// Poll every feed, due or not.
        #[arg(long)]
        force: bool,
        /// Do not fetch full article pages.
        #[arg(long)]
        no_articles: bool,
        /// Largest image to cache, in MB.
        #[arg(long, default_value_t = 5)]
        image_cap_mb: usize,
        /// Most image data to cache for one article, in MB.
        #[arg(long, default_value_t = 20)]
        article_images_cap_mb: usize,
    },
    /// Re-extract stored article pages made by an older extractor (all with --all).
    Reextract {
        /// Redo every stored page.
        #[arg(long)]
        all: bool,
    },
    /// Delete cached images that no stored article uses.
    Prune,
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
    /// Follow topics: saved queries matched against every article.
    #[command(subcommand)]
    Topic(TopicCommand),
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
    /// Open the window's add-feed dialog filled with a feed link (feed:,
    /// feeds:, http(s), or a saved feed file); without one, open the window.
    /// The desktop entry calls this for feed links.
    Subscribe {
        /// The link.
        url: Option<String>,
    },
    /// Write the man page and shell completions into a folder (for packaging).
    #[command(hide = true)]
    PackageFiles {
        /// Where to write them.
        out_dir: PathBuf,
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

#[derive(Subcommand, Debug)]
enum TopicCommand {
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

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum ExtractFormat {
    Text,
    Json,
    Html,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum Theme {
    Light,
    Dark,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum Dialog {
    AddFeed,
    Settings,
    Opml,
    Topic,
    Help,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            // A closed pipe (`khabar export | head`) is not an error.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("khabar: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let Some(command) = cli.command.as_ref() else {
        return open_window(&cli, None);
    };
    match command {
        Command::Subscribe { url } => {
            let link = match url {
                Some(u) => Some(khabar::desktop::feed_link(u).map_err(anyhow::Error::msg)?),
                None => None,
            };
            return open_window(&cli, link);
        }
        Command::PackageFiles { out_dir } => return package_files(out_dir),
        _ => {}
    }
    let Some(command) = cli.command else {
        return Ok(ExitCode::SUCCESS);
    };
    if let Command::Extract {
        source,
        base_url,
        format,
    } = &command
    {
        return extract(source, base_url.as_deref(), *format);
    }
    let dir = store::data_dir(cli.data_dir.as_deref())?;
    let mut store = Store::open_in_dir(&dir)
        .with_context(|| format!("cannot open the store in {}", dir.display()))?;
    match command {
        Command::Add { url, folder } => add(&mut store, &url, folder.as_deref()),
        Command::Remove { feed } => remove(&mut store, &feed),
        Command::Import { file } => import(&store, &file),
        Command::Export => {
            let feeds = store.feeds()?;
            let mut out = std::io::stdout().lock();
            out.write_all(opml::export(&feeds, &chrono::Utc::now().to_rfc2822()).as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Feeds { json } => feeds(&store, json),
        Command::Poll {
            force,
            no_articles,
            image_cap_mb,
            article_images_cap_mb,
        } => {
            let images = khabar::articles::ImageConfig {
                dir: Some(dir.join("images")),
                max_image: image_cap_mb.saturating_mul(1024 * 1024),
                max_per_article: article_images_cap_mb.saturating_mul(1024 * 1024),
                ..Default::default()
            };
            // One poll at a time on a store: the window's, a timer's, or this one.
            let Some(_lock) = khabar::desktop::PollLock::try_acquire(&dir)
                .with_context(|| format!("cannot lock {}", dir.display()))?
            else {
                eprintln!(
                    "khabar: another poll is running on this store (the window or a background poll); skipped"
                );
                return Ok(ExitCode::SUCCESS);
            };
            poll(store, images, force, !no_articles)
        }
        Command::Reextract { all } => reextract(&mut store, all),
        Command::Prune => prune(&mut store, &dir),
        Command::Headlines {
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
                json,
            )
        }
        Command::Topic(cmd) => topic(&mut store, cmd),
        Command::Show { id, format } => show(&store, ItemId(id), format),
        Command::Extract { .. } | Command::Subscribe { .. } | Command::PackageFiles { .. } => {
            Ok(ExitCode::SUCCESS)
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
    let mut out = std::io::stdout().lock();
    match format {
        ExtractFormat::Text => out.write_all(article.to_text().as_bytes())?,
        ExtractFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&article)?)?,
        ExtractFormat::Html => out.write_all(article.to_html().as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `khabar` with no subcommand: the window (on the demo newsroom with `--demo`).
#[cfg(feature = "ui")]
fn open_window(cli: &Cli, subscribe: Option<String>) -> Result<ExitCode> {
    let scene = || khabar::ui::Scene {
        subscribe: subscribe.clone(),
        topic: cli.show_topic.clone(),
        open: cli.open.clone(),
        dark: cli.theme.map(|t| t == Theme::Dark),
        dialog: cli
            .dialog
            .and_then(|d| d.to_possible_value().map(|v| v.get_name().to_string())),
    };
    if cli.demo {
        let demo = khabar::demo::Demo::start().context("cannot start the demo newsroom")?;
        eprintln!(
            "Demo newsroom at {} (profile {})",
            demo.origin(),
            demo.data_dir.display()
        );
        khabar::ui::run(demo.data_dir.clone(), "Khabar demo", scene())
            .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))?;
        return Ok(ExitCode::SUCCESS);
    }
    let dir = store::data_dir(cli.data_dir.as_deref())?;
    khabar::ui::run(dir, "Khabar", scene())
        .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(not(feature = "ui"))]
fn open_window(_cli: &Cli, _subscribe: Option<String>) -> Result<ExitCode> {
    anyhow::bail!(
        "this khabar was built without the window (cargo feature `ui`); use a subcommand, see --help"
    )
}

/// The man page (`khabar.1`) and bash, zsh and fish completions, generated
/// from the same clap definitions that parse the arguments, so they cannot
/// drift. `.ci/run` runs this before `cargo deb`, which packages the files.
fn package_files(out_dir: &std::path::Path) -> Result<ExitCode> {
    use clap::CommandFactory as _;
    use clap_complete::Shell;
    std::fs::create_dir_all(out_dir)
        .with_context(|| format!("cannot create {}", out_dir.display()))?;
    let cmd = Cli::command();
    let mut man = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut man)?;
    // Debian ships man pages compressed (lintian checks); gzip at -9 with no
    // name or time in the header, so the file is the same on every build.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&man)?;
    std::fs::write(out_dir.join("khabar.1.gz"), gz.finish()?)?;
    for (shell, file) in [
        (Shell::Bash, "khabar.bash"),
        (Shell::Zsh, "_khabar"),
        (Shell::Fish, "khabar.fish"),
    ] {
        let mut out = Vec::new();
        clap_complete::generate(shell, &mut cmd.clone(), "khabar", &mut out);
        std::fs::write(out_dir.join(file), out)?;
    }
    println!(
        "wrote khabar.1.gz, khabar.bash, _khabar and khabar.fish to {}",
        out_dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn fetcher() -> Result<Fetcher> {
    Ok(Fetcher::new(FetchConfig::default())?)
}

fn add(store: &mut Store, url: &str, folder: Option<&str>) -> Result<ExitCode> {
    let fetcher = fetcher()?;
    let rt = khabar::poller::runtime()?;
    let sub = rt.block_on(discover::subscribe(&fetcher, store, url, folder))?;
    println!(
        "Subscribed to {} <{}>: {} articles (feed {})",
        sub.title.as_deref().unwrap_or("(untitled)"),
        sub.url,
        sub.items,
        sub.id
    );
    for alt in &sub.alternatives {
        println!(
            "  the site also offers {} <{}>",
            alt.title.as_deref().unwrap_or("another feed"),
            alt.url
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// A feed by id or URL.
fn find_feed(store: &Store, which: &str) -> Result<model::FeedId> {
    Ok(match which.parse::<i64>() {
        Ok(id) => store.feed(model::FeedId(id))?.id,
        Err(_) => {
            store
                .feed_by_url(which)?
                .with_context(|| format!("no feed with the URL {which}"))?
                .id
        }
    })
}

fn remove(store: &mut Store, which: &str) -> Result<ExitCode> {
    let feed = store.feed(find_feed(store, which)?)?;
    store.remove_feed(feed.id)?;
    println!("Removed {} <{}>", feed.display_name(), feed.url);
    Ok(ExitCode::SUCCESS)
}

fn import(store: &Store, file: &std::path::Path) -> Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let text = khabar::fetch::charset::decode(&bytes, None).text;
    let entries =
        opml::parse(&text).with_context(|| format!("cannot import {}", file.display()))?;
    let (mut added, mut present, mut refused) = (0, 0, 0);
    for e in &entries {
        match khabar::fetch::guard::parse_http_url(&e.url) {
            Err(err) => {
                eprintln!("skipped {}: {err}", e.url);
                refused += 1;
            }
            Ok(url) => {
                match store.add_feed(url.as_str(), e.title.as_deref(), e.folder.as_deref()) {
                    Ok(_) => added += 1,
                    Err(khabar::error::StoreError::Duplicate(_)) => present += 1,
                    Err(err) => return Err(err.into()),
                }
            }
        }
    }
    println!(
        "Imported {added} feeds from {} ({present} already subscribed, {refused} skipped)",
        file.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn feeds(store: &Store, json: bool) -> Result<ExitCode> {
    let feeds = store.feeds()?;
    if json {
        println!("{}", serde_json::to_string_pretty(&feeds)?);
        return Ok(ExitCode::SUCCESS);
    }
    if feeds.is_empty() {
        println!("No feeds yet. Add one with `khabar add URL` or `khabar import FILE.opml`.");
    }
    let now = model::now();
    for f in &feeds {
        let last = f.last_fetch_at.map_or("never".to_string(), |t| ago(now, t));
        let next = if f.gone {
            "never (gone)".to_string()
        } else if f.next_check_at <= now {
            "due now".to_string()
        } else {
            format!("in {}", span(f.next_check_at - now))
        };
        println!(
            "{:>4}  {}{}",
            f.id,
            f.display_name(),
            f.folder
                .as_deref()
                .map(|d| format!("  [{d}]"))
                .unwrap_or_default()
        );
        println!("      {}", f.url);
        println!("      last fetch {last}; next check {next}");
        if let Some(err) = &f.last_error {
            println!("      error ({} in a row): {err}", f.error_count);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn bar_style(what: &str) -> indicatif::ProgressStyle {
    indicatif::ProgressStyle::with_template(&format!("{{bar:30}} {{pos}}/{{len}} {what} {{msg}}"))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
}

fn poll(
    store: Store,
    images: khabar::articles::ImageConfig,
    force: bool,
    articles: bool,
) -> Result<ExitCode> {
    let mut poller =
        Poller::new(store, fetcher()?, schedule::Policy::default()).with_images(images);
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(bar_style("feeds"));
    let mut failures: Vec<String> = Vec::new();
    let opts = PollOptions {
        force,
        articles,
        ..Default::default()
    };
    let summary = poller.poll_blocking(&opts, &mut |ev| match ev {
        PollEvent::Started { total } => bar.set_length(total as u64),
        PollEvent::FeedDone { name, result, .. } => {
            bar.inc(1);
            if let FeedResult::Failed { error, .. } = &result {
                failures.push(format!("{name}: {error}"));
            } else if result == FeedResult::Gone {
                failures.push(format!("{name}: gone for good (410); no longer checked"));
            }
            bar.set_message(name);
        }
        PollEvent::ArticlesStarted { total } => {
            bar.set_style(bar_style("articles"));
            bar.set_position(0);
            bar.set_length(total as u64);
            bar.set_message("");
        }
        PollEvent::ArticleDone { .. } => bar.inc(1),
        PollEvent::Finished(_) => bar.finish_and_clear(),
    })?;
    for f in &failures {
        eprintln!("failed: {f}");
    }
    println!("{summary}");
    Ok(ExitCode::SUCCESS)
}

fn topic(store: &mut Store, cmd: TopicCommand) -> Result<ExitCode> {
    use khabar::topics::{Action, TopicSpec};
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
            println!(
                "{} \"{}\": {} articles so far, {} unread",
                if hide { "Hiding" } else { "Following" },
                t.spec.name,
                t.total,
                t.unread
            );
        }
        TopicCommand::List { json } => {
            let topics = store.topics()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&topics)?);
                return Ok(ExitCode::SUCCESS);
            }
            let mut out = std::io::stdout().lock();
            for t in topics {
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
        }
        TopicCommand::Rm { name } => {
            let t = store.topic_by_name(&name)?;
            store.remove_topic(t.id)?;
            println!("Stopped following \"{}\"", t.spec.name);
        }
        TopicCommand::Mute { name, hours } => {
            let t = store.topic_by_name(&name)?;
            let until = (hours > 0).then(|| now + i64::from(hours) * 3600);
            store.mute_topic(t.id, until)?;
            match until {
                Some(_) => println!("Muted \"{}\" for {hours} h", t.spec.name),
                None => println!("Unmuted \"{}\"", t.spec.name),
            }
        }
        TopicCommand::Suggest => {
            for s in store.suggested_topics(now, 20)? {
                println!(
                    "{:>4}  {:<8}  khabar topic add {:?} {:?}",
                    s.count,
                    format!("{:?}", s.source).to_lowercase(),
                    s.name,
                    s.query
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn headlines(store: &Store, filter: &HeadlineFilter, json: bool) -> Result<ExitCode> {
    let rows = store.headlines(filter)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(ExitCode::SUCCESS);
    }
    let now = model::now();
    let mut out = std::io::stdout().lock();
    for h in rows {
        writeln!(
            out,
            "{:>7} {} {:<28.28} {:>4}  {}",
            h.id,
            if h.read { ' ' } else { '•' },
            h.feed,
            short_ago(now, h.published_ts),
            h.title
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn show(store: &Store, id: ItemId, format: Format) -> Result<ExitCode> {
    let item = store.item(id)?;
    if format == Format::Json {
        println!("{}", serde_json::to_string_pretty(&item)?);
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = std::io::stdout().lock();
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
    let stored = store.article(id)?;
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
    println!(
        "Re-extracted {} articles with extractor version {}: {clean} clean, {fallback} kept the feed's text",
        ids.len(),
        khabar::extract::EXTRACTOR_VERSION
    );
    Ok(ExitCode::SUCCESS)
}

fn prune(store: &mut Store, dir: &std::path::Path) -> Result<ExitCode> {
    let orphans = store.take_orphan_images()?;
    let images = dir.join("images");
    let mut removed = 0;
    for hash in &orphans {
        if std::fs::remove_file(khabar::articles::image_path(&images, hash)).is_ok() {
            removed += 1;
        }
    }
    println!("Removed {removed} cached images no article uses");
    Ok(ExitCode::SUCCESS)
}

fn span(secs: i64) -> String {
    match secs {
        s if s < 90 => format!("{s} s"),
        s if s < 90 * 60 => format!("{} min", s / 60),
        s if s < 36 * 3600 => format!("{} h", s / 3600),
        s => format!("{} days", s / 86_400),
    }
}

fn ago(now: i64, t: i64) -> String {
    format!("{} ago", span((now - t).max(0)))
}

fn short_ago(now: i64, t: i64) -> String {
    match (now - t).max(0) {
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86_400 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}

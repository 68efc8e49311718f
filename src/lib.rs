//! Khabar: an offline-first news reader.
//!
//! The library holds everything below the window; `src/main.rs` (start-up)
//! and `src/cli/` (one file per group of subcommands) make a thin
//! binary. Modules, from the bottom up:
//!
//! | module | owns |
//! |---|---|
//! | [`model`] | typed ids, feeds, items, parsed (`Incoming*`) shapes |
//! | [`error`] | typed errors |
//! | [`dates`] | lenient feed date parsing |
//! | [`fetch`] | the HTTP client, caps, per-host limits, charset, address guard |
//! | [`parse`] | bytes -> parsed feed (feed-rs, contained) |
//! | [`schedule`] | when a feed is next due (pure) |
//! | [`bidi`] | right-to-left and mixed paragraphs: lines broken logically, shown visually (UAX #9) |
//! | [`lang`] | an article's language: declared, else detected |
//! | [`topics`] | followed topics: query language, tokenizer, suggestions |
//! | [`stories`] | the same event from many outlets: grouping at ingest (candidate index, similarity) |
//! | [`store`] | SQLite: schema, migrations, reads and writes |
//! | [`extract`] | article page -> clean document (boilerplate removed) |
//! | [`icons`] | outlets' icons: where to find one (feed, `<link rel=icon>`, `/favicon.ico`), fetched at most 64 KB |
//! | [`images`] | image safety: header probe, pixel and memory budgets, display copies (no egui) |
//! | [`articles`] | fetching article pages and their images for offline reading |
//! | [`poller`] | one poll: feeds, then article pages; store; report progress |
//! | [`discover`] | subscribing by feed or site URL |
//! | [`opml`] | OPML import and export |
//! | [`notify`] | one desktop notification per poll for followed topics |
//! | [`serve`] | a loopback HTTP server for the demo, tests and benchmarks |
//! | [`sync`] | sync with the reader's own server: accounts, outbox, Fever and Google Reader API clients |
//! | [`service`] | the background thread the window talks to: commands in, events out |
//! | [`demo`] | the demo newsroom served from `assets/demo` |
//! | [`desktop`] | what the desktop entry hands over: feed links; the poll lock |
//! | [`daemon`] | polling while the window is closed: systemd timer or autostart entry, battery, offline |
//! | [`instance`] | one window per store: a later start hands its request to the running window |
//! | `ui` (feature `ui`) | the egui window; the only module that names egui |
//!
//! Dependencies flow one way: `model` depends on nothing; `poller` is the only
//! module that combines fetch, parse, schedule and store; `service` runs it on
//! a thread; `ui` reads the store read-only and talks to `service`. Nothing
//! outside `ui` names egui or eframe, and the crate builds without it
//! (`--no-default-features`).

#![warn(missing_docs)]

pub mod articles;
pub mod bidi;
pub mod daemon;
pub mod dates;
pub mod demo;
pub mod desktop;
pub mod discover;
pub mod error;
pub mod extract;
pub mod fetch;
pub mod icons;
pub mod images;
pub mod instance;
pub mod lang;
pub mod linkhost;
pub mod model;
pub mod notify;
pub mod opml;
pub mod parse;
pub mod poller;
pub mod schedule;
pub mod serve;
pub mod service;
pub mod store;
pub mod stories;
pub mod sync;
pub mod topics;
#[cfg(feature = "ui")]
pub mod ui;

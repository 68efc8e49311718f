//! Outlets' icons as textures: the stored bytes (`store::icons`) read and
//! decoded on a worker thread (its own read-only connection; the UI thread
//! neither reads nor decodes), within `crate::images`' budgets at
//! [`ICON_SIDE`] a side, reloaded when the view says an icon's stamp
//! changed. Rows and the sidebar draw them at text height.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::model::{FeedId, Timestamp};
use crate::store::Store;

/// Decoded side of an icon (drawn smaller; twice the size for sharp
/// high-density screens).
pub const ICON_SIDE: u32 = 32;

type Decoded = (FeedId, Timestamp, Result<egui::ColorImage, String>);

/// The outlets' icons of the window.
#[derive(Default)]
pub struct Icons {
    textures: HashMap<FeedId, (Timestamp, Option<egui::TextureHandle>)>,
    /// One per running worker (a later update must not drop an earlier one's results).
    rx: Vec<std::sync::mpsc::Receiver<Decoded>>,
}

impl Icons {
    /// Starts loading the icons whose stamp differs from the loaded one, on
    /// one worker: with `db` it reads through its own connection, else
    /// (tests) the bytes are read here and only decoded there.
    pub fn update(
        &mut self,
        stamps: &[(FeedId, Timestamp)],
        db: Option<&PathBuf>,
        store: Option<&Store>,
        ctx: Option<&egui::Context>,
    ) {
        let todo: Vec<(FeedId, Timestamp)> = stamps
            .iter()
            .filter(|(id, at)| self.textures.get(id).is_none_or(|(t, _)| t != at))
            .copied()
            .collect();
        if todo.is_empty() {
            return;
        }
        for (id, at) in &todo {
            let old = self.textures.remove(id).and_then(|(_, t)| t);
            self.textures.insert(*id, (*at, old));
        }
        enum Source {
            Db(PathBuf),
            Bytes(Vec<(FeedId, Vec<u8>)>),
        }
        let source = match (db, store) {
            (Some(path), _) => Source::Db(path.clone()),
            (None, Some(store)) => Source::Bytes(
                todo.iter()
                    .filter_map(|(id, _)| {
                        store.feed_icon(*id).ok().flatten().map(|(_, b)| (*id, b))
                    })
                    .collect(),
            ),
            (None, None) => return,
        };
        let (tx, rx) = std::sync::mpsc::channel();
        self.rx.push(rx);
        let ctx = ctx.cloned();
        let _ = std::thread::Builder::new()
            .name("khabar-icons".into())
            .spawn(move || {
                let stamp = |id: FeedId| todo.iter().find(|(i, _)| *i == id).map_or(0, |(_, t)| *t);
                let bytes: Vec<(FeedId, Vec<u8>)> = match source {
                    Source::Bytes(b) => b,
                    Source::Db(path) => match Store::open_read_only(&path) {
                        Ok(s) => todo
                            .iter()
                            .filter_map(|(id, _)| {
                                s.feed_icon(*id).ok().flatten().map(|(_, b)| (*id, b))
                            })
                            .collect(),
                        Err(_) => Vec::new(),
                    },
                };
                for (id, b) in bytes {
                    let img = crate::images::decode_for_display(&b, ICON_SIDE)
                        .map(|rgba| {
                            egui::ColorImage::from_rgba_unmultiplied(
                                [rgba.width() as usize, rgba.height() as usize],
                                rgba.as_raw(),
                            )
                        })
                        .map_err(|e| e.to_string());
                    if tx.send((id, stamp(id), img)).is_err() {
                        return;
                    }
                }
                if let Some(ctx) = ctx {
                    ctx.request_repaint();
                }
            });
    }

    /// Makes textures of what the worker decoded (cheap; each frame).
    pub fn receive(&mut self, ctx: &egui::Context) {
        let mut got = Vec::new();
        self.rx.retain(|rx| {
            loop {
                match rx.try_recv() {
                    Ok(d) => got.push(d),
                    Err(std::sync::mpsc::TryRecvError::Empty) => break true,
                    Err(std::sync::mpsc::TryRecvError::Disconnected) => break false,
                }
            }
        });
        for (id, at, img) in got {
            let tex = img.ok().map(|i| {
                ctx.load_texture(format!("icon-{}", id.0), i, egui::TextureOptions::LINEAR)
            });
            self.textures.insert(id, (at, tex));
        }
    }

    /// The feed's icon, once decoded.
    pub fn get(&self, feed: FeedId) -> Option<egui::TextureId> {
        self.textures
            .get(&feed)
            .and_then(|(_, t)| t.as_ref().map(egui::TextureHandle::id))
    }

    /// How many icons are ready to draw.
    pub fn ready(&self) -> usize {
        self.textures.values().filter(|(_, t)| t.is_some()).count()
    }
}

/// Paints `tex` as a square of `side` centred on `c`, rounded a little.
pub fn paint(ui: &egui::Ui, tex: egui::TextureId, c: egui::Pos2, side: f32) {
    let rect = egui::Rect::from_center_size(c, egui::vec2(side, side));
    let uv = egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0));
    ui.painter().image(tex, rect, uv, egui::Color32::WHITE);
}

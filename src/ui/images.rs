//! Images of the open article: cached files decoded into textures on a
//! worker thread (the UI thread never reads or decodes files), at no more
//! than the GPU's real maximum texture side (capped lower for memory), one
//! decode at a time (`crate::images`). A file that cannot be decoded keeps
//! its reason, for the reader's placeholder.

use std::collections::HashMap;

/// Decoded images of the open article, as textures.
#[derive(Default)]
pub struct Images {
    textures: HashMap<String, Option<egui::TextureHandle>>,
    /// Why a cached file could not be shown, by hash.
    failed: HashMap<String, String>,
    tx: Option<ImageSender>,
    rx: Option<std::sync::mpsc::Receiver<(String, Result<egui::ColorImage, String>)>>,
}

type ImageSender = std::sync::mpsc::Sender<(String, Result<egui::ColorImage, String>)>;

/// Longest texture side the window asks for, below the GPU's own maximum:
/// a 4096 x 1000 picture is 16 MB of texture, enough for a reading column.
pub const WINDOW_TEXTURE_SIDE: usize = 4096;

impl Images {
    /// Why the file for `hash` cannot be shown, once its decode failed.
    pub fn failure(&self, hash: &str) -> Option<&str> {
        self.failed.get(hash).map(String::as_str)
    }

    /// The texture for `hash`, decoding the cached file on a worker thread the
    /// first time (the UI thread never reads or decodes files). The decode
    /// is capped at the GPU's real maximum texture side (and lower, for
    /// memory), and one decode runs at a time (`images::decode_for_display`).
    pub fn get(
        &mut self,
        ctx: &egui::Context,
        dir: &std::path::Path,
        hash: &str,
    ) -> Option<egui::TextureHandle> {
        if let Some(rx) = &self.rx {
            while let Ok((h, img)) = rx.try_recv() {
                let tex = match img {
                    Ok(i) => {
                        Some(ctx.load_texture(format!("img-{h}"), i, egui::TextureOptions::LINEAR))
                    }
                    Err(reason) => {
                        self.failed.insert(h.clone(), reason);
                        None
                    }
                };
                self.textures.insert(h, tex);
            }
        }
        if let Some(t) = self.textures.get(hash) {
            return t.clone();
        }
        if self.tx.is_none() {
            let (tx, rx) = std::sync::mpsc::channel();
            self.tx = Some(tx);
            self.rx = Some(rx);
        }
        self.textures.insert(hash.to_string(), None);
        let side = ctx
            .input(|i| i.max_texture_side)
            .clamp(256, WINDOW_TEXTURE_SIDE) as u32;
        if let Some(tx) = self.tx.clone() {
            let path = crate::articles::image_path(dir, hash);
            let (h, ctx) = (hash.to_string(), ctx.clone());
            let _ = std::thread::Builder::new()
                .name("khabar-image".into())
                .spawn(move || {
                    let img = std::fs::read(&path)
                        .map_err(|e| format!("cannot read the cached file: {e}"))
                        .and_then(|b| {
                            crate::images::decode_for_display(&b, side).map_err(|e| e.to_string())
                        })
                        .map(|rgba| {
                            egui::ColorImage::from_rgba_unmultiplied(
                                [rgba.width() as usize, rgba.height() as usize],
                                rgba.as_raw(),
                            )
                        });
                    let _ = tx.send((h, img));
                    ctx.request_repaint();
                });
        }
        None
    }
}

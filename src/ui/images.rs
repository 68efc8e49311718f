//! Images of the open article: cached files decoded into textures on a
//! worker thread (the UI thread never reads or decodes files).

use std::collections::HashMap;

/// Decoded images of the open article, as textures.
#[derive(Default)]
pub struct Images {
    textures: HashMap<String, Option<egui::TextureHandle>>,
    tx: Option<std::sync::mpsc::Sender<(String, Option<egui::ColorImage>)>>,
    rx: Option<std::sync::mpsc::Receiver<(String, Option<egui::ColorImage>)>>,
}

impl Images {
    /// The texture for `hash`, decoding the cached file on a worker thread the
    /// first time (the UI thread never reads or decodes files).
    pub fn get(
        &mut self,
        ctx: &egui::Context,
        dir: &std::path::Path,
        hash: &str,
    ) -> Option<egui::TextureHandle> {
        if let Some(rx) = &self.rx {
            while let Ok((h, img)) = rx.try_recv() {
                let tex = img
                    .map(|i| ctx.load_texture(format!("img-{h}"), i, egui::TextureOptions::LINEAR));
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
        if let Some(tx) = self.tx.clone() {
            let path = crate::articles::image_path(dir, hash);
            let (h, ctx) = (hash.to_string(), ctx.clone());
            let _ = std::thread::Builder::new()
                .name("khabar-image".into())
                .spawn(move || {
                    let img = std::fs::read(&path)
                        .ok()
                        .and_then(|b| image::load_from_memory(&b).ok())
                        .map(|i| {
                            let rgba = i.to_rgba8();
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

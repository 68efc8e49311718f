//! Fuzzes feed decoding and parsing: any bytes must give a feed or an error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let base = url::Url::parse("https://news.example/feed.xml").ok();
    let _ = khabar::parse::parse_feed(data, None, base.as_ref());
});

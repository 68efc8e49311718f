//! Fuzzes article extraction: any bytes, as a page with and without a URL,
//! must give an article or a reason, never a panic, hang or overflow.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let url = url::Url::parse("https://news.example/a/b.html").ok();
    if let Ok(article) = khabar::extract::extract_bytes(data, None, url.as_ref()) {
        // The renderers must cope with whatever came out.
        let _ = article.to_text();
        let _ = article.to_html();
    }
});

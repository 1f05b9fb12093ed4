//! The Markdown renderer on arbitrary text: its output holds only the tags, attributes and
//! link schemes of the sanitising policy, and never a `<script`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        auditbook_fuzz::check_markdown(text);
    }
});

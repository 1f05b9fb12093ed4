//! Markdown to HTML: the only caller of pulldown-cmark, with one set of options and one
//! sanitising policy. Raw HTML in the source is shown as text; links and images keep only
//! http, https, mailto and relative targets; everything else is escaped.
//!
//! Also the one place where text is made fit for a page (docs/security.md): [`clean`] drops
//! control characters and closes explicit bidirectional embeddings a text leaves open, and
//! [`escape_html`], which the templates print every value through, does the same before
//! escaping. Markdown sources are cleaned before they are parsed.

use std::borrow::Cow;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

/// Whether `c` is dropped from every text a page or the search index shows: the C0 control
/// characters other than tab and newline, and DEL.
pub fn is_dropped(c: char) -> bool {
    (c < ' ' && c != '\t' && c != '\n') || c == '\u{7f}'
}

/// Explicit bidirectional formatting characters: embeddings and overrides (closed by
/// U+202C), isolates (closed by U+2069) and the marks.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Whether [`clean`] would change `s`: it holds a character [`is_dropped`] names, or one that
/// opens an embedding, override or isolate (U+202A, U+202B, U+202D, U+202E, U+2066 to U+2068,
/// which [`clean`] may have to close). Marks, pops and the ends of isolates alone leave a text
/// as it is, so dashes, arrows and the narrow spaces of number formats (all starting with byte
/// 0xE2 in UTF-8, as the openers do) keep the text borrowed. Every printed value passes here.
fn may_need_cleaning(s: &str) -> bool {
    let bytes = s.as_bytes();
    // Sixteen bytes at a time without an early exit (which the compiler vectorises), then
    // byte by byte only in the blocks where something may be.
    let suspect = |b: u8| b < b' ' || b == 0x7f || b == 0xe2;
    let mut start = 0;
    for block in bytes.chunks(16) {
        if block.iter().fold(false, |any, &b| any | suspect(b)) {
            for (i, &b) in block.iter().enumerate() {
                if (b < b' ' && b != b'\t' && b != b'\n') || b == 0x7f {
                    return true;
                }
                // A &str is valid UTF-8: 0xE2 leads a three-byte character.
                if b == 0xe2
                    && let Some(&[b1, b2]) = bytes.get(start + i + 1..start + i + 3)
                    && matches!(
                        (b1, b2),
                        (0x80, 0xaa | 0xab | 0xad | 0xae) | (0x81, 0xa6..=0xa8)
                    )
                {
                    return true;
                }
            }
        }
        start += block.len();
    }
    false
}

/// `s` without the characters [`is_dropped`] names, and with every embedding, override and
/// isolate it opens and leaves open closed at its end, so that a stray U+202E cannot reverse
/// the text after it on the page.
pub fn clean(s: &str) -> Cow<'_, str> {
    if !may_need_cleaning(s) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(clean_chars(s))
}

/// [`clean`] character by character.
fn clean_chars(s: &str) -> String {
    // Open embeddings/overrides (`false`) and isolates (`true`), innermost last, as the
    // Unicode bidirectional algorithm pairs them.
    let mut open: Vec<bool> = Vec::new();
    let mut out = String::with_capacity(s.len() + 3);
    for c in s.chars() {
        if is_dropped(c) {
            continue;
        }
        match c {
            '\u{202a}' | '\u{202b}' | '\u{202d}' | '\u{202e}' => open.push(false),
            '\u{2066}'..='\u{2068}' => open.push(true),
            // A pop closes an embedding opened inside the current isolate, else nothing.
            '\u{202c}' if open.last() == Some(&false) => {
                open.pop();
            }
            // The end of an isolate closes it and everything opened inside it.
            '\u{2069}' => {
                if let Some(at) = open.iter().rposition(|isolate| *isolate) {
                    open.truncate(at);
                }
            }
            _ => {}
        }
        out.push(c);
    }
    out.extend(
        open.iter()
            .rev()
            .map(|&isolate| if isolate { '\u{2069}' } else { '\u{202c}' }),
    );
    out
}

/// The escape function of the templates: [`clean`], then HTML escaping (`&`, `<`, `>`, `"`
/// and `'`, as Tera writes them).
///
/// Templates print hundreds of thousands of values per build, most of them short, so both
/// happen in one pass over the bytes. Up to the first character [`clean`] would drop or
/// close, the text is as [`clean`] leaves it (nothing before it opened anything), so that
/// part is escaped as it is and only the rest is cleaned character by character.
pub fn escape_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let bytes = input.as_bytes();
    // Bytes up to `done` are written.
    let mut done = 0;
    for (i, &b) in bytes.iter().enumerate() {
        match ESCAPE[usize::from(b)] {
            0 => {}
            LOOK_CLOSER => {
                let opener = b == 0xe2
                    && matches!(
                        bytes.get(i + 1..i + 3),
                        Some([0x80, 0xaa | 0xab | 0xad | 0xae] | [0x81, 0xa6..=0xa8])
                    );
                if opener || (b != 0xe2 && b != b'\t' && b != b'\n') {
                    out.write_all(&bytes[done..i])?;
                    return tera::escape_html(&clean_chars(&input[i..]), out);
                }
            }
            replacement => {
                out.write_all(&bytes[done..i])?;
                out.write_all(ESCAPES[usize::from(replacement)].as_bytes())?;
                done = i + 1;
            }
        }
    }
    out.write_all(&bytes[done..])
}

/// What [`escape_html`] does with each byte: nothing (0), write the escape of that index in
/// [`ESCAPES`], or look closer ([`LOOK_CLOSER`]: control characters, DEL, and 0xE2, which leads
/// the embedding, override and isolate openers).
const ESCAPE: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = LOOK_CLOSER;
        b += 1;
    }
    table[0x7f] = LOOK_CLOSER;
    table[0xe2] = LOOK_CLOSER;
    table[b'&' as usize] = 1;
    table[b'<' as usize] = 2;
    table[b'>' as usize] = 3;
    table[b'"' as usize] = 4;
    table[b'\'' as usize] = 5;
    table
};

const LOOK_CLOSER: u8 = 255;

const ESCAPES: [&str; 6] = ["", "&amp;", "&lt;", "&gt;", "&quot;", "&#39;"];

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// Whether a link target may stay a link: http, https, mailto, or a relative reference.
pub fn is_safe_url(url: &str) -> bool {
    let trimmed: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect();
    let lower = trimmed.to_ascii_lowercase();
    match lower.find(':') {
        None => true,
        Some(colon) => {
            let scheme = &lower[..colon];
            // A colon after the first '/', '?' or '#' belongs to a relative path, not a scheme.
            if lower[..colon].contains(['/', '?', '#']) {
                return true;
            }
            matches!(scheme, "http" | "https" | "mailto")
        }
    }
}

fn cleaned(s: CowStr<'_>) -> CowStr<'_> {
    match clean(&s) {
        Cow::Borrowed(_) => s,
        Cow::Owned(o) => CowStr::from(o),
    }
}

/// Renders Markdown as sanitised HTML.
pub fn render(source: &str) -> String {
    let source = clean(source);
    let source = source.as_ref();
    // For each open link or image: whether it became an `<a>` in the output. Links and
    // images nest (an image inside a link, images in an image's text), so a stack keeps every
    // end tag with its own start.
    let mut open: Vec<bool> = Vec::new();
    let events = Parser::new_ext(source, options()).filter_map(|event| match event {
        // Raw HTML becomes visible text.
        Event::Html(s) | Event::InlineHtml(s) => Some(Event::Text(cleaned(s))),
        Event::Start(Tag::Link { ref dest_url, .. }) => {
            let keep = is_safe_url(dest_url) && !open.contains(&true);
            open.push(keep);
            keep.then_some(event)
        }
        // Images would load from other hosts; show their text as a link to the image
        // instead. Inside a link, the text alone: a link within a link is not HTML.
        Event::Start(Tag::Image {
            dest_url,
            title,
            id,
            ..
        }) => {
            let keep = is_safe_url(&dest_url) && !open.contains(&true);
            open.push(keep);
            keep.then_some(Event::Start(Tag::Link {
                link_type: pulldown_cmark::LinkType::Inline,
                dest_url,
                title,
                id,
            }))
        }
        Event::End(TagEnd::Link | TagEnd::Image) => open
            .pop()
            .unwrap_or(false)
            .then_some(Event::End(TagEnd::Link)),
        // Each text closes what it opens, so that it cannot reverse the markup after it.
        Event::Text(s) => Some(Event::Text(cleaned(s))),
        Event::Code(s) | Event::InlineMath(s) | Event::DisplayMath(s) => {
            Some(Event::Code(cleaned(s)))
        }
        Event::FootnoteReference(s) => Some(Event::Text(CowStr::from(format!("[{s}]")))),
        other => Some(other),
    });
    let mut out = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

/// Renders Markdown that is expected to be one paragraph without the `<p>` wrapper.
pub fn render_inline(source: &str) -> String {
    let html = render(source);
    let trimmed = html.trim_end();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_values_are_cleaned_then_escaped_as_tera_escapes() {
        let pieces = [
            "a", "&", "<", ">", "\"", "'", "/", "—", "\u{202b}", "\u{202c}", "\u{2067}",
            "\u{2069}", "\u{1}", "\u{7f}", "\t", "\n", "é", "\u{202f}",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for d in ["", "x", "<b>"] {
                        let s = format!("{d}{a}{b}{d}{c}");
                        let mut fused = Vec::new();
                        let mut expected = Vec::new();
                        escape_html(&s, &mut fused).expect("in memory");
                        tera::escape_html(&clean_chars(&s), &mut expected).expect("in memory");
                        assert_eq!(fused, expected, "{s:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn clean_borrows_exactly_the_texts_it_leaves_as_they_are() {
        // Dashes, arrows, signs and the spaces of number formats are printed on every page:
        // they must not cost a copy of the text.
        for kept in [
            "Score — 86.4",
            "1\u{202f}234\u{a0}%",
            "−4.2 → +1.0 ± 0",
            "\u{200e}mark\u{200f} \u{61c} pop\u{202c} end\u{2069}",
            "tab\tand\nnewline",
            "",
        ] {
            assert!(matches!(clean(kept), Cow::Borrowed(_)), "{kept:?}");
        }
        let pieces = [
            "a", "—", "\u{202a}", "\u{202b}", "\u{202c}", "\u{202d}", "\u{202e}", "\u{2066}",
            "\u{2067}", "\u{2068}", "\u{2069}", "\u{200e}", "\u{61c}", "\u{1}", "\u{7f}", "\t",
            "\n", "\u{e000}", "\u{2028}", "é", "\u{2080}", "\u{2060}",
        ];
        // Every text of three pieces, at several offsets so that the 16-byte blocks of the
        // quick check split it everywhere: never borrowed when the character by character
        // version changes it, and, without an opener (which may be closed in the text),
        // borrowed whenever it does not.
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for pad in 0..18 {
                        let s = format!("{}{a}{b}{c}", "x".repeat(pad));
                        let changed = clean_chars(&s) != s;
                        let opener = s.contains(['\u{202a}', '\u{202b}', '\u{202d}', '\u{202e}'])
                            || s.contains(['\u{2066}', '\u{2067}', '\u{2068}']);
                        assert!(may_need_cleaning(&s) || !changed, "{s:?}");
                        if !opener {
                            assert_eq!(may_need_cleaning(&s), changed, "{s:?}");
                        }
                        assert_eq!(clean(&s), clean_chars(&s), "{s:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn raw_html_is_text() {
        let html = render("Hello <script>alert(1)</script> **world**");
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains("<strong>world</strong>"));
        let block = render("<div onclick=\"x()\">hi</div>\n");
        assert!(!block.contains("<div"), "{block}");
    }

    #[test]
    fn unsafe_links_lose_their_link() {
        for bad in [
            "[x](javascript:alert(1))",
            "[x](JAVASCRIPT:alert(1))",
            "[x](java\tscript:alert(1))",
            "[x](data:text/html,hi)",
            "[x](vbscript:msgbox)",
            "<javascript:alert(1)>",
            "![x](javascript:alert(1))",
        ] {
            let html = render(bad);
            assert!(!html.contains("href"), "{bad} -> {html}");
            assert!(!html.to_lowercase().contains("<img"), "{bad} -> {html}");
        }
        for good in [
            "[x](https://a.example/)",
            "[x](http://a.example/)",
            "[x](mailto:a@example.com)",
            "[x](../gaps/)",
            "[x](page.html#top)",
            "[x](a/b:c)",
        ] {
            assert!(render(good).contains("href"), "{good}");
        }
    }

    #[test]
    fn images_become_links() {
        let html = render("![chart](https://example.com/c.png)");
        assert!(!html.contains("<img"));
        assert!(html.contains("href=\"https://example.com/c.png\""));
    }

    #[test]
    fn links_and_images_inside_each_other_stay_balanced() {
        for (md, links) in [
            // A safe image inside an unsafe link: the link goes, the image's link stays and
            // is closed before the text after it.
            (
                "[![x](https://a.example/i.png)](javascript:alert(1)) after",
                1,
            ),
            // An unsafe image inside a safe link: the link stays, the image's text with it.
            ("[![x](javascript:alert(1))](https://a.example/) after", 1),
            // A safe image inside a safe link: one link, not one inside another.
            (
                "[![x](https://a.example/i.png)](https://b.example/) after",
                1,
            ),
            ("![![x](https://a.example/)](javascript:alert(1)) after", 1),
            ("![a ![b](javascript:x) c](https://a.example/) after", 1),
        ] {
            let html = render(md);
            assert_eq!(html.matches("<a ").count(), links, "{md} -> {html}");
            assert_eq!(html.matches("</a>").count(), links, "{md} -> {html}");
            assert!(!html.contains("javascript"), "{md} -> {html}");
            assert!(html.contains("after"), "{md} -> {html}");
        }
    }

    #[test]
    fn controls_are_dropped_and_open_embeddings_closed() {
        assert_eq!(clean("plain text"), "plain text");
        assert_eq!(clean("a\u{0}b\u{1b}[1mc\u{7f}d\te\nf\rg"), "ab[1mcd\te\nfg");
        // An override left open is closed; a closed one is left as it is.
        assert_eq!(clean("x\u{202e}y"), "x\u{202e}y\u{202c}");
        assert_eq!(clean("x\u{202e}y\u{202c}z"), "x\u{202e}y\u{202c}z");
        // An isolate's end closes what was opened inside it; a pop inside an isolate that
        // opened nothing closes nothing.
        assert_eq!(
            clean("\u{2067}\u{202b}a\u{2069}b"),
            "\u{2067}\u{202b}a\u{2069}b"
        );
        assert_eq!(
            clean("\u{202d}\u{2068}a\u{202c}"),
            "\u{202d}\u{2068}a\u{202c}\u{2069}\u{202c}"
        );
    }

    #[test]
    fn markdown_text_closes_what_it_opens_and_loses_controls() {
        let html = render("**bold \u{202e}flipped** after\u{0}");
        assert!(html.contains("flipped\u{202c}</strong>"), "{html}");
        assert!(!html.contains('\u{0}'), "{html}");
        let mut escaped = Vec::new();
        escape_html("<\u{1b}\u{202e}>", &mut escaped).expect("written");
        assert_eq!(
            String::from_utf8_lossy(&escaped),
            "&lt;\u{202e}&gt;\u{202c}"
        );
    }

    #[test]
    fn inline_strips_one_paragraph() {
        assert_eq!(render_inline("a *b*"), "a <em>b</em>");
        assert!(render_inline("a\n\nb").contains("<p>"));
    }
}

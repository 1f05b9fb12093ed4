//! Markdown to HTML: the only caller of pulldown-cmark, with one set of options and one
//! sanitising policy. Raw HTML in the source is shown as text; links and images keep only
//! http, https, mailto and relative targets; everything else is escaped.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

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

/// Renders Markdown as sanitised HTML.
pub fn render(source: &str) -> String {
    let mut dropped_link_depth = 0usize;
    let events = Parser::new_ext(source, options()).filter_map(|event| match event {
        // Raw HTML becomes visible text.
        Event::Html(s) | Event::InlineHtml(s) => Some(Event::Text(s)),
        Event::Start(Tag::Link { ref dest_url, .. }) if !is_safe_url(dest_url) => {
            dropped_link_depth += 1;
            None
        }
        Event::End(TagEnd::Link) if dropped_link_depth > 0 => {
            dropped_link_depth -= 1;
            None
        }
        // Images would load from other hosts; show their alt text's source as a link instead.
        Event::Start(Tag::Image {
            dest_url,
            title,
            id,
            ..
        }) => {
            if is_safe_url(&dest_url) {
                Some(Event::Start(Tag::Link {
                    link_type: pulldown_cmark::LinkType::Inline,
                    dest_url,
                    title,
                    id,
                }))
            } else {
                dropped_link_depth += 1;
                None
            }
        }
        Event::End(TagEnd::Image) => {
            if dropped_link_depth > 0 {
                dropped_link_depth -= 1;
                None
            } else {
                Some(Event::End(TagEnd::Link))
            }
        }
        Event::InlineMath(s) | Event::DisplayMath(s) => Some(Event::Code(s)),
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
    fn inline_strips_one_paragraph() {
        assert_eq!(render_inline("a *b*"), "a <em>b</em>");
        assert!(render_inline("a\n\nb").contains("<p>"));
    }
}

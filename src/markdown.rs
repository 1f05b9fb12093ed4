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
    // For each open link or image: whether it became an `<a>` in the output. Links and
    // images nest (an image inside a link, images in an image's text), so a stack keeps every
    // end tag with its own start.
    let mut open: Vec<bool> = Vec::new();
    let events = Parser::new_ext(source, options()).filter_map(|event| match event {
        // Raw HTML becomes visible text.
        Event::Html(s) | Event::InlineHtml(s) => Some(Event::Text(s)),
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
    fn inline_strips_one_paragraph() {
        assert_eq!(render_inline("a *b*"), "a <em>b</em>");
        assert!(render_inline("a\n\nb").contains("<p>"));
    }
}

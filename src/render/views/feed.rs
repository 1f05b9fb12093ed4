//! The Atom feed of rounds, one per site language (`feed.xml` at the root of the language),
//! written only when `auditbook.yaml` sets `base_url`: a feed needs absolute links
//! (docs/site.md). Every date in it is a round's date, so the same workspace gives the same
//! feed.

use std::fmt::Write as _;

use crate::render::format::Locale;
use crate::render::{Ctx, RenderError, Sink};
use crate::site::paths;

use super::{audit_label, round_title, status_view};

/// The absolute address of `path` (relative to the output folder) under the site's base URL.
pub fn absolute_url(base_url: &str, path: &str) -> String {
    format!("{}/{path}", base_url.trim_end_matches('/'))
}

/// The path of a language's feed, relative to the output folder; `None` without `base_url`.
pub fn feed_path(ctx: &Ctx, lang: &str) -> Option<String> {
    ctx.model
        .config
        .base_url
        .as_ref()
        .map(|_| format!("{}feed.xml", ctx.lang_prefix(lang)))
}

/// The feed of every site language, when the site has a base URL.
pub fn render_feeds(ctx: &Ctx, site: &dyn Sink) -> Result<(), RenderError> {
    let Some(base_url) = ctx.model.config.base_url.as_deref() else {
        return Ok(());
    };
    for lang in &ctx.model.config.languages {
        let Some(path) = feed_path(ctx, lang) else {
            continue;
        };
        let xml = feed(ctx, &ctx.locale(lang), base_url, &path);
        site.put_owned(path, xml.into_bytes())?;
    }
    Ok(())
}

/// An Atom timestamp for a day: its midnight in UTC.
fn timestamp(date: chrono::NaiveDate) -> String {
    format!("{}T00:00:00Z", date.format("%Y-%m-%d"))
}

fn feed(ctx: &Ctx, loc: &Locale, base_url: &str, path: &str) -> String {
    let prefix = ctx.lang_prefix(loc.lang);
    let site_title = loc.txt(&ctx.model.config.title).text;
    let self_url = absolute_url(base_url, path);
    // A feed without rounds still needs an `updated`; the epoch keeps it deterministic.
    let updated = ctx
        .model
        .rounds
        .iter()
        .map(|r| r.date)
        .max()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), timestamp);
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        x,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        esc(loc.lang)
    );
    let _ = writeln!(x, "  <id>{}</id>", esc(&self_url));
    let _ = writeln!(x, "  <title>{}</title>", esc(&site_title));
    let _ = writeln!(x, "  <updated>{updated}</updated>");
    let _ = writeln!(x, "  <author><name>{}</name></author>", esc(&site_title));
    let _ = writeln!(
        x,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        esc(&self_url)
    );
    let _ = writeln!(
        x,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        esc(&absolute_url(base_url, &format!("{prefix}index.html")))
    );
    x.push_str("  <generator>auditbook</generator>\n");
    let mut rounds: Vec<_> = ctx.model.rounds.iter().collect();
    // Newest first; rounds of one day keep their order, newest of them first.
    rounds.reverse();
    rounds.sort_by_key(|r| std::cmp::Reverse(r.date));
    for round in rounds {
        let url = absolute_url(base_url, &format!("{prefix}{}", paths::round(&round.id)));
        let mut summary = Vec::new();
        for audit in &round.audits {
            let Some(r) = ctx.result(&round.id, &audit.id) else {
                continue;
            };
            summary.push(format!(
                "{}{} {} {} / {} {} ({})",
                audit_label(ctx, loc, audit).text,
                loc.s("colon"),
                loc.s("score"),
                loc.score(r.score),
                loc.s("target"),
                loc.score(r.target),
                status_view(loc, r.status).label.text,
            ));
        }
        x.push_str("  <entry>\n");
        let _ = writeln!(x, "    <id>{}</id>", esc(&url));
        let _ = writeln!(
            x,
            "    <title>{}</title>",
            esc(&round_title(loc, round).text)
        );
        let _ = writeln!(x, "    <updated>{}</updated>", timestamp(round.date));
        let _ = writeln!(
            x,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            esc(&url)
        );
        let _ = writeln!(x, "    <summary>{}</summary>", esc(&summary.join("\n")));
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

/// Escapes text for XML content and attributes, and leaves out the characters XML 1.0 does
/// not allow at all (most control characters), which no escape can carry.
pub(super) fn esc(s: &str) -> String {
    // Cleaned like every text of a page first: no C0 control or DEL, and no embedding or
    // override left open (docs/security.md).
    let s = crate::markdown::clean(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_drops_what_xml_cannot_hold() {
        assert_eq!(
            esc("a & <b> \"c\" 'd'\u{1}\u{ffff}\n"),
            "a &amp; &lt;b&gt; &quot;c&quot; &apos;d&apos;\n"
        );
    }

    #[test]
    fn absolute_urls_join_with_one_slash() {
        assert_eq!(
            absolute_url("https://a.example/team/", "feed.xml"),
            "https://a.example/team/feed.xml"
        );
        assert_eq!(
            absolute_url("https://a.example/team", "hr/feed.xml"),
            "https://a.example/team/hr/feed.xml"
        );
    }
}

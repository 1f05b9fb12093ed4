//! The SVG badge of each series (docs/site.md): the newest audit's score and status, in the
//! style of shields.io, for READMEs and wikis. Self-contained: no fonts, images or styles are
//! loaded; text widths are estimated and fixed with `textLength`, so any font fits.

use std::fmt::Write as _;

use crate::metrics::Status;
use crate::render::{Ctx, RenderError, Sink};
use crate::site::paths;

use super::feed::esc;
use super::status_view;

/// Every series' badge, in the site's default language.
pub fn render_badges(ctx: &Ctx, site: &dyn Sink) -> Result<(), RenderError> {
    let loc = ctx.locale(ctx.model.default_language());
    for ((checklist, subject), audits) in crate::analysis::series(ctx.model) {
        let Some((round, audit)) = audits.last() else {
            continue;
        };
        let Some(result) = ctx.result(&round.id, &audit.id) else {
            continue;
        };
        let label = loc.txt(&ctx.model.checklist_of(audit).title).text;
        let status = status_view(&loc, result.status);
        let value = format!(
            "{} {} {}",
            loc.score(result.score),
            status.glyph,
            status.label.text
        );
        let svg = badge(&label, &value, result.status, &loc.s("colon"));
        site.put_owned(paths::badge(checklist, subject), svg.into_bytes())?;
    }
    Ok(())
}

/// The fill behind the value: each keeps white text at a contrast of at least 4.5:1.
fn colour(status: Status) -> &'static str {
    match status {
        Status::Met => "#1a7f37",
        Status::AtRisk => "#9a6700",
        Status::Below => "#cf222e",
        Status::Untracked => "#57606a",
    }
}

/// The width of a text at 11px in a Verdana-like font, estimated per character.
fn text_width(s: &str) -> f64 {
    s.chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | 'I' | '.' | ',' | ':' | ';' | '!' | '|' | '\'' | ' ' => 3.8,
            'f' | 't' | 'r' | '(' | ')' | '[' | ']' | '/' | '-' => 5.0,
            'm' | 'w' | 'M' | 'W' | '%' => 10.5,
            c if c.is_ascii_uppercase() => 8.0,
            c if c.is_ascii() => 7.0,
            // CJK, Hangul and other wide scripts.
            '\u{1100}'..='\u{115f}' | '\u{2e80}'..='\u{a4cf}' | '\u{ac00}'..='\u{d7a3}' => 11.0,
            _ => 7.5,
        })
        .sum()
}

/// A two-part badge: a grey label and a coloured value, with a title for screen readers
/// ("label: value", with the language's `colon`).
fn badge(label: &str, value: &str, status: Status, colon: &str) -> String {
    const PAD: f64 = 6.0;
    let lw = (text_width(label) + 2.0 * PAD).ceil();
    let vw = (text_width(value) + 2.0 * PAD).ceil();
    let w = lw + vw;
    let (label, value, colon) = (esc(label), esc(value), esc(colon));
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"20\" \
         viewBox=\"0 0 {w} 20\" role=\"img\" aria-label=\"{label}{colon} {value}\">\
         <title>{label}{colon} {value}</title>\
         <clipPath id=\"r\"><rect width=\"{w}\" height=\"20\" rx=\"3\"/></clipPath>\
         <g clip-path=\"url(#r)\">\
         <rect width=\"{lw}\" height=\"20\" fill=\"#3d4450\"/>\
         <rect x=\"{lw}\" width=\"{vw}\" height=\"20\" fill=\"{fill}\"/>\
         </g>\
         <g fill=\"#fff\" text-anchor=\"middle\" font-family=\"Verdana,Geneva,DejaVu Sans,sans-serif\" font-size=\"11\">\
         <text x=\"{lx}\" y=\"14\" textLength=\"{lt}\" lengthAdjust=\"spacingAndGlyphs\">{label}</text>\
         <text x=\"{vx}\" y=\"14\" textLength=\"{vt}\" lengthAdjust=\"spacingAndGlyphs\">{value}</text>\
         </g></svg>",
        fill = colour(status),
        lx = lw / 2.0,
        lt = lw - 2.0 * PAD,
        vx = lw + vw / 2.0,
        vt = vw - 2.0 * PAD,
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_in_a_badge_is_escaped() {
        let svg = badge("<Support & \"EU\">", "72.5 ✓ Met", Status::Met, ":");
        assert!(
            svg.contains("&lt;Support &amp; &quot;EU&quot;&gt;"),
            "{svg}"
        );
        assert!(!svg.contains("<Support"), "{svg}");
    }

    #[test]
    fn wider_text_makes_a_wider_badge() {
        let narrow = badge("a", "1", Status::Below, ":");
        let wide = badge("a much longer checklist title", "1", Status::Below, ":");
        let width = |s: &str| {
            s.split("width=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .map(str::to_string)
        };
        let (n, w): (f64, f64) = (
            width(&narrow)
                .and_then(|v| v.parse().ok())
                .unwrap_or_default(),
            width(&wide)
                .and_then(|v| v.parse().ok())
                .unwrap_or_default(),
        );
        assert!(w > n + 100.0, "{n} {w}");
    }
}

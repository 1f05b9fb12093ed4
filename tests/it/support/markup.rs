//! What sanitised Markdown output may contain, checked without an HTML parser so that the
//! fuzz targets (`fuzz/`) and the property tests share one definition: the tags and
//! attributes pulldown-cmark writes for the syntax auditbook enables, and link targets whose
//! scheme is http, https or mailto (or none).
//!
//! A module of the integration tests (`tests/it/`), also included with `#[path]` by
//! `fuzz/src/lib.rs`.

#![allow(dead_code)] // Each includer uses its own subset.

/// Elements the Markdown renderer may produce.
pub const ALLOWED_TAGS: &[&str] = &[
    "p",
    "em",
    "strong",
    "del",
    "a",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "br",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "input",
];

/// Attributes, by element, the renderer may produce.
fn allowed_attr(tag: &str, attr: &str, value: &str) -> bool {
    match (tag, attr) {
        ("a", "href" | "title") => true,
        ("ol", "start") => value.bytes().all(|b| b.is_ascii_digit()),
        ("code", "class") => value.starts_with("language-"),
        ("th" | "td", "style") => matches!(
            value,
            "text-align: left" | "text-align: center" | "text-align: right"
        ),
        ("input", "type") => value == "checkbox",
        ("input", "disabled" | "checked") => value.is_empty(),
        _ => false,
    }
}

/// Decodes the character references that an attribute value written by pulldown-cmark or
/// Tera can hold, plus numeric ones, as a browser would before reading a URL.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest[1..].find(';').map(|e| e + 1).filter(|&e| e <= 12) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let c = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "colon" => Some(':'),
            "Tab" => Some('\t'),
            "NewLine" => Some('\n'),
            n if n.starts_with("#x") || n.starts_with("#X") => u32::from_str_radix(&n[2..], 16)
                .ok()
                .and_then(char::from_u32),
            n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The scheme a browser would read from a URL attribute value (already entity-decoded):
/// leading and trailing C0 controls and spaces dropped, tabs and line breaks removed
/// anywhere, then `[a-zA-Z][a-zA-Z0-9+.-]*:`. `None` for a relative URL.
pub fn url_scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let colon = cleaned.find(':')?;
    let scheme = &cleaned[..colon];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then(|| scheme.to_ascii_lowercase())
}

/// Whether a URL attribute value may stay a link on a page.
pub fn is_allowed_url(raw_attr_value: &str) -> bool {
    match url_scheme(&decode_entities(raw_attr_value)) {
        None => true,
        Some(s) => matches!(s.as_str(), "http" | "https" | "mailto"),
    }
}

/// One start tag read from HTML text: its name, attributes (values still escaped) and, for
/// `<script>` and `<style>`, the raw text up to the end tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub raw_text: Option<String>,
}

/// The start tags of `html`, read the simple way a serialiser writes them (`<name a="v">`);
/// comments, `<!DOCTYPE>` and end tags are passed over. `Err` describes text that is not
/// such a tag: a `<` that an escaping writer would never leave in text.
pub fn start_tags(html: &str) -> Result<Vec<Tag>, String> {
    let mut tags = Vec::new();
    let bytes = html.as_bytes();
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        let start = i + off;
        i = start + 1;
        if html[start..].starts_with("<!--") {
            let end = html[start + 4..]
                .find("-->")
                .ok_or_else(|| format!("unclosed comment at {start}"))?;
            i = start + 4 + end + 3;
            continue;
        }
        if bytes.get(i) == Some(&b'!') {
            let end = html[i..]
                .find('>')
                .ok_or_else(|| format!("unclosed declaration at {start}"))?;
            i += end + 1;
            continue;
        }
        if bytes.get(i) == Some(&b'/') {
            let end = html[i..]
                .find('>')
                .ok_or_else(|| format!("unclosed end tag at {start}"))?;
            let name = &html[i + 1..i + end];
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(format!("odd end tag {:?}", &html[start..i + end + 1]));
            }
            i += end + 1;
            continue;
        }
        let name_len = html[i..]
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if name_len == 0 {
            let to = html[start..]
                .char_indices()
                .nth(20)
                .map_or(html.len(), |(k, _)| start + k);
            return Err(format!("a bare '<' in the output: {:?}", &html[start..to]));
        }
        let name = html[i..i + name_len].to_ascii_lowercase();
        i += name_len;
        let mut attrs = Vec::new();
        loop {
            while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
                i += 1;
            }
            match bytes.get(i) {
                None => return Err(format!("unclosed tag <{name}")),
                Some(b'>') => {
                    i += 1;
                    break;
                }
                Some(b'/') if bytes.get(i + 1) == Some(&b'>') => {
                    i += 2;
                    break;
                }
                _ => {}
            }
            let an_len = html[i..]
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b':' | b'_' | b'.'))
                .count();
            if an_len == 0 {
                return Err(format!("odd attribute in <{name} at {i}"));
            }
            let attr = html[i..i + an_len].to_ascii_lowercase();
            i += an_len;
            let value = if bytes.get(i) == Some(&b'=') {
                if bytes.get(i + 1) != Some(&b'"') {
                    return Err(format!("unquoted attribute {attr} in <{name}"));
                }
                let vstart = i + 2;
                let vlen = html[vstart..]
                    .find('"')
                    .ok_or_else(|| format!("unclosed attribute {attr} in <{name}"))?;
                i = vstart + vlen + 1;
                html[vstart..vstart + vlen].to_string()
            } else {
                String::new()
            };
            attrs.push((attr, value));
        }
        let raw_text = if name == "script" || name == "style" {
            let close = format!("</{name}");
            let end = lower[i..]
                .find(&close)
                .ok_or_else(|| format!("unclosed <{name}>"))?;
            let text = html[i..i + end].to_string();
            i += end;
            Some(text)
        } else {
            None
        };
        tags.push(Tag {
            name,
            attrs,
            raw_text,
        });
    }
    Ok(tags)
}

/// Attributes that hold a URL a browser may load or navigate to.
pub const URL_ATTRS: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "data",
    "cite",
    "background",
];

/// Everything wrong with a whole page: a `<script>` other than an empty one whose `src` ends
/// with one of `scripts`, an event-handler attribute, a URL attribute with a scheme other
/// than http, https or mailto, a `<meta http-equiv="refresh">` to such a URL, or markup the
/// simple reader cannot follow. Empty when the page is safe.
pub fn page_violations(html: &str, scripts: &[&str]) -> Vec<String> {
    let tags = match start_tags(html) {
        Ok(t) => t,
        Err(e) => return vec![e],
    };
    let mut wrong = Vec::new();
    for t in &tags {
        if t.name == "script" {
            let src = t.attrs.iter().find(|(a, _)| a == "src").map(|(_, v)| v);
            let ours = src.is_some_and(|s| scripts.iter().any(|ok| s.ends_with(ok)));
            let empty = t.raw_text.as_deref().is_some_and(|r| r.trim().is_empty());
            if !(ours && empty) {
                wrong.push(format!("a <script> that is not the site's own: {t:?}"));
            }
        }
        if t.name == "style"
            && t.raw_text
                .as_deref()
                .is_some_and(|r| r.to_ascii_lowercase().contains("</style"))
        {
            wrong.push("a <style> with an end tag inside".to_string());
        }
        for (a, v) in &t.attrs {
            if a.starts_with("on") {
                wrong.push(format!("<{} {a}=\"{v}\">", t.name));
            }
            if URL_ATTRS.contains(&a.as_str()) && !is_allowed_url(v) {
                wrong.push(format!("<{} {a}=\"{v}\">", t.name));
            }
        }
        if t.name == "meta"
            && let Some((_, content)) = t.attrs.iter().find(|(a, _)| a == "content")
            && t.attrs
                .iter()
                .any(|(a, v)| a == "http-equiv" && v.eq_ignore_ascii_case("refresh"))
        {
            let decoded = decode_entities(content);
            let url = decoded.split_once(['=', ';']).map_or("", |(_, u)| {
                u.trim_start_matches(|c: char| c == ';' || c.is_whitespace())
            });
            let url = url.trim_start_matches("url=").trim_start_matches("URL=");
            if !is_allowed_url(url) {
                wrong.push(format!("a refresh to {url:?}"));
            }
        }
    }
    wrong
}

/// Everything wrong with Markdown output: tags or attributes outside the allowed set, link
/// targets with other schemes, raw `<script`. Empty when the output is safe.
pub fn markdown_violations(html: &str) -> Vec<String> {
    let mut wrong = Vec::new();
    if html.to_ascii_lowercase().contains("<script") {
        wrong.push("a <script".to_string());
    }
    match start_tags(html) {
        Err(e) => wrong.push(e),
        Ok(tags) => {
            for t in tags {
                if !ALLOWED_TAGS.contains(&t.name.as_str()) {
                    wrong.push(format!("tag <{}>", t.name));
                }
                for (a, v) in &t.attrs {
                    if !allowed_attr(&t.name, a, v) {
                        wrong.push(format!("attribute {a}=\"{v}\" on <{}>", t.name));
                    }
                    if a == "href" && !is_allowed_url(v) {
                        wrong.push(format!("link to {v:?}"));
                    }
                }
            }
        }
    }
    wrong
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_are_read_like_a_browser() {
        assert_eq!(url_scheme("java\tscript:x").as_deref(), Some("javascript"));
        assert_eq!(
            url_scheme(" \u{1}JavaScript:x").as_deref(),
            Some("javascript")
        );
        assert_eq!(url_scheme("a/b:c"), None);
        assert_eq!(url_scheme("../x"), None);
        assert!(!is_allowed_url("javascript&#58;alert(1)"));
        assert!(!is_allowed_url("&#x6A;avascript:alert(1)"));
        assert!(is_allowed_url("https://a.example/?a=1&amp;b=2"));
    }
}

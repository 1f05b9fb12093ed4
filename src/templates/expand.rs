//! Components written into the templates that call them, once, when templates load.
//!
//! The page templates are written with the components of `components.html`
//! (`{{ <txt v={data.title} /> }}`), so that a workspace's own `components.html` changes
//! every page. Calling a component for each value while rendering is measurably slower than
//! printing the same markup in place, so each call whose component is a plain template
//! fragment is replaced by the component's body, its parameters replaced by the call's
//! arguments. Any call this cannot expand exactly (arguments that are not plain variable
//! paths, components with loops, `set`, defaults, or free variables) is left for Tera, which
//! renders it the same way, only slower.

use std::borrow::Cow;
use std::collections::HashMap;

/// How deep components that call components are expanded: a cycle stops here and is left to
/// Tera, which reports it.
const MAX_DEPTH: usize = 16;

/// The components of one template source that can be written in place.
#[derive(Default)]
pub(crate) struct Components {
    defs: HashMap<String, Component>,
}

struct Component {
    params: Vec<String>,
    /// The body with its whitespace control already applied.
    body: String,
}

/// One piece of a template: text as written, or a tag with its delimiters.
#[derive(Debug, PartialEq)]
enum Piece<'a> {
    Text(&'a str),
    /// `open` is `{{`, `{%` or `{#`; `inner` is between the delimiters, whitespace-control
    /// dashes included.
    Tag {
        open: &'a str,
        inner: &'a str,
    },
}

impl Components {
    /// The components defined in `source` (the text of `components.html`) that can be
    /// expanded in place. A source Tera would reject yields none: Tera reports it.
    pub(crate) fn parse(source: &str) -> Components {
        let mut defs = HashMap::new();
        let Some(pieces) = split(source) else {
            return Components::default();
        };
        let mut i = 0;
        while i < pieces.len() {
            if let Some((name, params, trim_body_start)) = definition(&pieces[i]) {
                let end = pieces[i + 1..]
                    .iter()
                    .position(|p| end_of_definition(p).is_some())
                    .map(|n| i + 1 + n);
                let Some(end) = end else { break };
                let trim_body_end = end_of_definition(&pieces[end]).unwrap_or(false);
                if let (Some(params), Some(body)) = (
                    params,
                    plain_body(&pieces[i + 1..end], trim_body_start, trim_body_end),
                ) && free_names_are(&body, &params)
                {
                    defs.insert(name, Component { params, body });
                }
                i = end;
            }
            i += 1;
        }
        Components { defs }
    }

    /// `template` with every call that can be expanded written in place.
    pub(crate) fn expand<'a>(&self, template: &'a str) -> Cow<'a, str> {
        if self.defs.is_empty() || !template.contains('<') {
            return Cow::Borrowed(template);
        }
        self.expand_at(template, 0)
    }

    fn expand_at<'a>(&self, template: &'a str, depth: usize) -> Cow<'a, str> {
        let Some(pieces) = split(template) else {
            return Cow::Borrowed(template);
        };
        let mut out = String::with_capacity(template.len());
        let mut changed = false;
        let mut raw = false;
        // Where the last text piece starts in `out`, and whether the next is to be trimmed:
        // the whitespace control of an expanded call applies to the text beside it.
        let mut text_start = None;
        let mut trim_next = false;
        for piece in &pieces {
            match piece {
                Piece::Text(t) => {
                    text_start = Some(out.len());
                    out.push_str(if trim_next { t.trim_start() } else { t });
                    trim_next = false;
                }
                Piece::Tag { open, inner } => {
                    // Nothing between `raw` and `endraw` is a tag.
                    let word = first_word(inner);
                    if *open == "{%" && word == "raw" {
                        raw = true;
                    } else if *open == "{%" && word == "endraw" {
                        raw = false;
                    }
                    let (trim_before, trim_after) = (inner.starts_with('-'), inner.ends_with('-'));
                    let call = inner.strip_prefix('-').unwrap_or(inner);
                    let call = call.strip_suffix('-').unwrap_or(call);
                    let expanded = (!raw && depth < MAX_DEPTH && *open == "{{")
                        .then(|| self.call(call))
                        .flatten();
                    match expanded {
                        Some(body) => {
                            if trim_before && let Some(start) = text_start {
                                let kept = start + out[start..].trim_end().len();
                                out.truncate(kept);
                            }
                            out.push_str(&self.expand_at(&body, depth + 1));
                            trim_next = trim_after;
                            changed = true;
                        }
                        None => {
                            out.push_str(open);
                            out.push_str(inner);
                            out.push_str(closing(open));
                            trim_next = false;
                        }
                    }
                    text_start = None;
                }
            }
        }
        if changed {
            Cow::Owned(out)
        } else {
            Cow::Borrowed(template)
        }
    }

    /// The body of the component called by `{{ <name p={path} /> }}`, its parameters
    /// replaced, when `inner` is such a call of a known component with every parameter.
    fn call(&self, inner: &str) -> Option<String> {
        let rest = inner.trim().strip_prefix('<')?.strip_suffix("/>")?;
        let (name, mut rest) = split_ident(rest, true)?;
        let def = self.defs.get(name)?;
        let mut args: HashMap<&str, &str> = HashMap::new();
        loop {
            rest = rest.trim_start();
            if rest.is_empty() {
                break;
            }
            let (key, after) = split_ident(rest, false)?;
            let after = after.trim_start().strip_prefix('=')?.trim_start();
            let after = after.strip_prefix('{')?;
            let close = after.find('}')?;
            let value = after[..close].trim();
            if !is_path(value) || args.insert(key, value).is_some() {
                return None;
            }
            rest = &after[close + 1..];
        }
        if args.len() != def.params.len() || !def.params.iter().all(|p| args.contains_key(&**p)) {
            return None;
        }
        substitute(&def.body, &args)
    }
}

/// Splits a template into text and tags; `None` when a tag is not closed.
fn split(source: &str) -> Option<Vec<Piece<'_>>> {
    let mut pieces = Vec::new();
    let mut rest = source;
    while let Some(at) = next_tag(rest) {
        if at > 0 {
            pieces.push(Piece::Text(&rest[..at]));
        }
        let open = &rest[at..at + 2];
        let body = &rest[at + 2..];
        let len = tag_len(body, closing(open))?;
        pieces.push(Piece::Tag {
            open,
            inner: &body[..len],
        });
        rest = &body[len + 2..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest));
    }
    Some(pieces)
}

/// Where the first tag of `s` opens (`{{`, `{%` or `{#`): one pass over the text, where a
/// search per delimiter would run on to the next of each, over and over.
fn next_tag(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    (0..bytes.len().saturating_sub(1))
        .find(|&i| bytes[i] == b'{' && matches!(bytes[i + 1], b'{' | b'%' | b'#'))
}

fn closing(open: &str) -> &'static str {
    match open {
        "{{" => "}}",
        "{%" => "%}",
        _ => "#}",
    }
}

/// Where `close` ends the tag starting `body`, outside string literals (comments have none).
fn tag_len(body: &str, close: &str) -> Option<usize> {
    if close == "#}" {
        return body.find(close);
    }
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            q @ (b'"' | b'\'' | b'`') => {
                i += 1 + body[i + 1..].find(q as char)?;
            }
            _ if body[i..].starts_with(close) => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

fn first_word(inner: &str) -> &str {
    let inner = inner.trim_start_matches('-').trim_start();
    let end = inner
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    &inner[..end]
}

/// `{% component name(a, b) %}`: the name, the parameters when all are plain names, and
/// whether the tag trims the whitespace after it.
fn definition(piece: &Piece) -> Option<(String, Option<Vec<String>>, bool)> {
    let Piece::Tag { open: "{%", inner } = piece else {
        return None;
    };
    let trims = inner.ends_with('-');
    let text = inner.trim_start_matches('-').trim_end_matches('-').trim();
    let rest = text.strip_prefix("component")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let (name, rest) = split_ident(rest.trim_start(), true)?;
    let params = rest
        .trim()
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .and_then(|list| {
            list.split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| is_ident(p).then(|| p.to_string()))
                .collect::<Option<Vec<_>>>()
        });
    Some((name.to_string(), params, trims))
}

/// `{% endcomponent … %}`: whether it trims the whitespace before it.
fn end_of_definition(piece: &Piece) -> Option<bool> {
    match piece {
        Piece::Tag { open: "{%", inner } if first_word(inner) == "endcomponent" => {
            Some(inner.starts_with('-'))
        }
        _ => None,
    }
}

/// The body as it renders, whitespace control applied, when it holds only text, printed
/// expressions, comments and `if` tags.
fn plain_body(pieces: &[Piece], trim_start: bool, trim_end: bool) -> Option<String> {
    let mut out = String::new();
    let mut trim_next = trim_start;
    for (n, piece) in pieces.iter().enumerate() {
        match piece {
            Piece::Text(t) => {
                let mut t: &str = t;
                if trim_next {
                    t = t.trim_start();
                }
                let before_trimming_tag = match pieces.get(n + 1) {
                    Some(Piece::Tag { inner, .. }) => inner.starts_with('-'),
                    None => trim_end,
                    _ => false,
                };
                if before_trimming_tag {
                    t = t.trim_end();
                }
                out.push_str(t);
            }
            Piece::Tag { open, inner } => {
                if *open == "{%" && !matches!(first_word(inner), "if" | "elif" | "else" | "endif") {
                    return None;
                }
                if *open != "{#" {
                    let inner = inner.strip_prefix('-').unwrap_or(inner);
                    let inner = inner.strip_suffix('-').unwrap_or(inner);
                    out.push_str(open);
                    // A tag on several lines is put on one, so that lines of a page
                    // template keep their numbers in Tera's messages.
                    out.push_str(&inner.replace('\n', " "));
                    out.push_str(closing(open));
                }
            }
        }
        trim_next = matches!(piece, Piece::Tag { inner, .. } if inner.ends_with('-'));
    }
    Some(out)
}

/// Whether every variable the body reads is one of `params`: a component sees nothing
/// else, so a body that reads more would render differently in place.
fn free_names_are(body: &str, params: &[String]) -> bool {
    let Some(pieces) = split(body) else {
        return false;
    };
    pieces.iter().all(|piece| match piece {
        Piece::Tag { open: "{#", .. } | Piece::Text(_) => true,
        Piece::Tag { open, inner } => names(inner, *open == "{%").iter().all(|(_, name)| {
            params.iter().any(|p| p == name)
                || matches!(
                    *name,
                    "true"
                        | "false"
                        | "True"
                        | "False"
                        | "none"
                        | "and"
                        | "or"
                        | "not"
                        | "in"
                        | "is"
                )
        }),
    })
}

/// The variables a tag reads, with their byte offsets in `inner`: names not after `.`, `|`
/// or `is`, not called, not keyword arguments, not component names. In `{% %}` tags the
/// first word is the keyword.
fn names(inner: &str, keyword_first: bool) -> Vec<(usize, &str)> {
    let bytes = inner.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    let mut prev: Option<u8> = None;
    // After `is` (and `is not`) comes the name of a test.
    let mut test_next = false;
    let mut first = keyword_first;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'"' || c == b'\'' || c == b'`' {
            match inner[i + 1..].find(c as char) {
                Some(n) => i += n + 2,
                None => i = bytes.len(),
            }
            prev = Some(c);
            continue;
        }
        if c.is_ascii_digit() {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            prev = Some(b'0');
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            let word = &inner[start..i];
            let next = inner[i..].trim_start();
            let keyword_argument = next.starts_with('=') && !next.starts_with("==");
            let not_read = first
                || matches!(prev, Some(b'.' | b'|' | b'<' | b'/'))
                || test_next
                || next.starts_with('(')
                || keyword_argument;
            if !not_read {
                found.push((start, word));
            }
            first = false;
            prev = Some(b'a');
            test_next = word == "is" || (test_next && word == "not");
            continue;
        }
        if !c.is_ascii_whitespace() {
            prev = Some(c);
            test_next = false;
        }
        i += 1;
    }
    found
}

/// `body` with each parameter it reads replaced by its argument.
fn substitute(body: &str, args: &HashMap<&str, &str>) -> Option<String> {
    let pieces = split(body)?;
    let mut out = String::with_capacity(body.len());
    for piece in &pieces {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Tag { open, inner } => {
                out.push_str(open);
                let mut last = 0;
                for (at, name) in names(inner, *open == "{%") {
                    if let Some(value) = args.get(name) {
                        out.push_str(&inner[last..at]);
                        out.push_str(value);
                        last = at + name.len();
                    }
                }
                out.push_str(&inner[last..]);
                out.push_str(closing(open));
            }
        }
    }
    Some(out)
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A name at the start of `s` (dotted when `dotted`), and what follows it.
fn split_ident(s: &str, dotted: bool) -> Option<(&str, &str)> {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || (dotted && c == '.')))
        .unwrap_or(s.len());
    let name = &s[..end];
    name.split('.').all(is_ident).then_some((name, &s[end..]))
}

/// A variable and its fields: `data.title`, `s.items.0`.
fn is_path(s: &str) -> bool {
    let mut parts = s.split('.');
    parts.next().is_some_and(is_ident)
        && parts.all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

/// The components `source` defines, each with its definition as written, from its
/// `{% component %}` tag to its `{% endcomponent %}` tag, in file order. A source whose tags
/// do not close defines none.
pub(crate) fn definitions(source: &str) -> Vec<(String, &str)> {
    let Some(pieces) = split(source) else {
        return Vec::new();
    };
    // Where a piece starts and ends in `source`: pieces are slices of it.
    let start_of = |p: &Piece| match p {
        Piece::Text(t) => t.as_ptr() as usize - source.as_ptr() as usize,
        Piece::Tag { open, .. } => open.as_ptr() as usize - source.as_ptr() as usize,
    };
    let end_of = |p: &Piece| match p {
        Piece::Text(t) => t.as_ptr() as usize - source.as_ptr() as usize + t.len(),
        Piece::Tag { inner, .. } => {
            inner.as_ptr() as usize - source.as_ptr() as usize + inner.len() + 2
        }
    };
    let mut found = Vec::new();
    let mut i = 0;
    while i < pieces.len() {
        if let Some((name, _, _)) = definition(&pieces[i]) {
            let Some(end) = (pieces[i + 1..].iter())
                .position(|p| end_of_definition(p).is_some())
                .map(|n| i + 1 + n)
            else {
                break;
            };
            found.push((name, &source[start_of(&pieces[i])..end_of(&pieces[end])]));
            i = end;
        }
        i += 1;
    }
    found
}

/// A workspace's `components.html` with every built-in component it does not define added
/// at its end (so its own lines keep their numbers), and the names of those added; `None`
/// when it defines them all. Pages call the built-in components: a file copied from an
/// earlier version, before a component was added, keeps working.
pub(crate) fn with_missing_builtins(own: &str, builtin: &str) -> Option<(String, Vec<String>)> {
    let defined: Vec<String> = definitions(own).into_iter().map(|(n, _)| n).collect();
    let missing: Vec<(String, &str)> = (definitions(builtin).into_iter())
        .filter(|(name, _)| !defined.contains(name))
        .collect();
    if missing.is_empty() {
        return None;
    }
    let mut text = own.to_string();
    for (_, definition) in &missing {
        text.push('\n');
        text.push_str(definition);
    }
    text.push('\n');
    Some((text, missing.into_iter().map(|(n, _)| n).collect()))
}

#[cfg(test)]
mod tests {

    proptest::proptest! {
        /// Text made of braces, the characters that follow them in tags, and others.
        #[test]
        fn the_next_tag_is_the_first_of_the_three_openers(s in "[{}%#aé \n]{0,16}") {
            let first = ["{{", "{%", "{#"].iter().filter_map(|d| s.find(d)).min();
            proptest::prop_assert_eq!(next_tag(&s), first);
        }
    }

    #[test]
    fn definitions_are_found_as_written_and_missing_built_ins_are_added_at_the_end() {
        let builtin = include_str!("../../templates/components.html");
        let names: Vec<String> = definitions(builtin).into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            [
                "txt",
                "md",
                "note",
                "status",
                "level",
                "evidence",
                "exemption"
            ]
        );
        for (name, text) in definitions(builtin) {
            assert!(
                text.starts_with(&format!("{{% component {name}(")),
                "{text}"
            );
            assert!(
                text.ends_with(&format!("endcomponent {name} %}}")),
                "{text}"
            );
        }
        assert!(with_missing_builtins(builtin, builtin).is_none());
        let own = "{# mine #}\n{% component txt(v) %}<b>{{ v.text }}</b>{% endcomponent txt %}";
        let (merged, added) = with_missing_builtins(own, builtin).expect("some are missing");
        assert_eq!(
            added,
            ["md", "note", "status", "level", "evidence", "exemption"]
        );
        assert!(merged.starts_with(own), "{merged}");
        let merged_names: Vec<String> =
            (definitions(&merged).into_iter()).map(|(n, _)| n).collect();
        assert_eq!(merged_names.len(), 7, "{merged_names:?}");
        assert_eq!(definitions(&merged)[0].1, &own[11..]);
    }

    use super::*;

    const TXT: &str = "{% component txt(v) -%}\n  {% if v.lang -%}\n    <span lang=\"{{ v.lang }}\">{{ v.text }}</span>\n  {%- else -%}\n    {{ v.text }}\n  {%- endif %}\n{%- endcomponent txt %}\n{% component st(s) %}<b>{{ <txt v={s.label} /> }}</b>{% endcomponent st %}";

    #[test]
    fn calls_are_replaced_by_bodies_with_whitespace_control_applied() {
        let c = Components::parse(TXT);
        assert_eq!(
            c.expand("<p>{{ <txt v={data.title} /> }}</p>"),
            "<p>{% if data.title.lang %}<span lang=\"{{ data.title.lang }}\">{{ data.title.text }}</span>{% else %}{{ data.title.text }}{% endif %}</p>"
        );
        assert_eq!(
            c.expand("{{ <st s={x.status} /> }}"),
            "<b>{% if x.status.label.lang %}<span lang=\"{{ x.status.label.lang }}\">{{ x.status.label.text }}</span>{% else %}{{ x.status.label.text }}{% endif %}</b>"
        );
    }

    #[test]
    fn calls_that_cannot_be_written_in_place_are_left_to_tera() {
        let c = Components::parse(TXT);
        for call in [
            "{{ <txt v={a | upper} /> }}",
            "{{ <txt /> }}",
            "{{ <txt v={a} w={b} /> }}",
            "{% raw %}{{ <txt v={a} /> }}{% endraw %}",
            "{{ <other v={a} /> }}",
        ] {
            assert_eq!(c.expand(call), call);
        }
        let loops = Components::parse(
            "{% component l(v) %}{% for x in v %}{{ x }}{% endfor %}{% endcomponent l %}\
             {% component g(v) %}{{ page.title }}{% endcomponent g %}\
             {% component d(v=1) %}{{ v }}{% endcomponent d %}",
        );
        for call in [
            "{{ <l v={a} /> }}",
            "{{ <g v={a} /> }}",
            "{{ <d v={a} /> }}",
        ] {
            assert_eq!(loops.expand(call), call);
        }
    }

    #[test]
    fn only_variables_are_replaced() {
        let c = Components::parse(
            "{% component f(v) %}{{ v.v | default(value=v) }}{{ \"v\" }}{% if v is defined %}{{ v }}{% endif %}{% endcomponent f %}",
        );
        assert_eq!(
            c.expand("{{ <f v={a.b} /> }}"),
            "{{ a.b.v | default(value=a.b) }}{{ \"v\" }}{% if a.b is defined %}{{ a.b }}{% endif %}"
        );
    }

    #[test]
    fn whitespace_control_on_a_call_trims_the_text_beside_it() {
        let c = Components::parse(TXT);
        assert_eq!(
            c.expand("<b> x \n  {{- <st s={a} /> -}}\n  y</b>"),
            c.expand("<b> x{{ <st s={a} /> }}y</b>")
        );
        assert_eq!(
            c.expand("{% if a %}\n  {{- <st s={a} /> }}"),
            c.expand("{% if a %}{{ <st s={a} /> }}")
        );
    }

    #[test]
    fn components_calling_themselves_stop() {
        let c = Components::parse("{% component r(v) %}{{ <r v={v} /> }}{% endcomponent r %}");
        assert_eq!(c.expand("{{ <r v={a} /> }}"), "{{ <r v={a} /> }}");
    }
}

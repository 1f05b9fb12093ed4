//! Interface strings: i18n/<lang>.ftl (Fluent messages) or i18n/<lang>.yaml (the older
//! form), the site's own words in a language.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::{Loader, file_ctx};
use crate::decode;
use crate::source::Loc;
use crate::yaml::Node;

/// The interface strings read, by language: the file and its strings (key -> the Fluent
/// source of the overriding message, `key = …`).
pub(super) type Strings = HashMap<String, (PathBuf, HashMap<String, String>)>;

impl Loader<'_> {
    /// Reads the i18n/<lang>.yaml files: a language tag as the file name, and a mapping of
    /// interface string to text. Unknown keys are warned about and left out.
    pub(super) fn strings(&mut self, files: Vec<(PathBuf, Arc<Node>)>) -> Strings {
        let mut out = HashMap::new();
        let ftl = self.ftl_strings();
        for (path, node) in &files {
            let mut ctx = file_ctx(self.diags, &mut self.texts, path);
            let lang = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            let lang = &crate::text::canonical_tag(lang);
            if !crate::text::is_language_tag(lang) {
                ctx.error_hint(
                    Loc::default(),
                    format!("'{lang}' is not a language tag"),
                    "name the file after its language, such as i18n/hr.yaml or i18n/pt-BR.yaml",
                );
                continue;
            }
            let Some(entries) = node.as_map() else {
                ctx.error(
                    node.loc,
                    format!(
                        "expected a mapping of interface string -> text, found {}",
                        node.describe()
                    ),
                );
                continue;
            };
            let mut strings = HashMap::new();
            for (k, v) in entries {
                let Some(key) = decode::string(&mut ctx, k, "key") else {
                    continue;
                };
                let Some(value) = decode::string(&mut ctx, v, &key) else {
                    continue;
                };
                if !crate::i18n::is_known_key(&key) {
                    let hint = ctx.hint(&key, crate::i18n::known_keys(), || {
                        "see docs/format.md for the interface strings".to_string()
                    });
                    ctx.warning_hint(k.loc, format!("unknown interface string '{key}'"), hint);
                    continue;
                }
                let Some(source) = check_message(&mut ctx, v.loc, &key, &value) else {
                    continue;
                };
                strings.insert(key, source);
            }
            out.insert(lang.to_string(), (path.clone(), strings));
        }
        // Where a language has both, i18n/<lang>.ftl wins over i18n/<lang>.yaml.
        for (lang, (path, strings)) in ftl {
            let entry = out
                .entry(lang)
                .or_insert_with(|| (path.clone(), HashMap::new()));
            entry.0 = path;
            entry.1.extend(strings);
        }
        out
    }

    /// Reads the i18n/<lang>.ftl files: Fluent messages overriding the built-in ones. A
    /// message that does not parse, or that uses a variable the program does not pass for
    /// its key, is reported at its line and column and left out.
    fn ftl_strings(&mut self) -> Strings {
        let mut out = HashMap::new();
        let dir = self.root.join("i18n");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return out;
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|n| n.ends_with(".ftl") && !n.starts_with('.'))
            .collect();
        names.sort();
        for name in names {
            let path = PathBuf::from("i18n").join(&name);
            let lang = name.trim_end_matches(".ftl").to_string();
            let mut sources = crate::source::Sources::default();
            let text = match crate::workspace::read_text(self.root, &path, &mut sources) {
                Ok(text) => text,
                Err(d) => {
                    self.diags.push(d);
                    continue;
                }
            };
            let mut ctx = file_ctx(self.diags, &mut self.texts, &path);
            if !crate::text::is_language_tag(&lang) {
                ctx.error_hint(
                    Loc::default(),
                    format!("'{lang}' is not a language tag"),
                    "name the file after its language, such as i18n/hr.ftl or i18n/pt-BR.ftl",
                );
                continue;
            }
            let strings = check_ftl(&mut ctx, &text);
            out.insert(lang, (path, strings));
        }
        out
    }
}

/// The messages of a workspace .ftl file that can be used, by key; the others are
/// reported.
fn check_ftl(ctx: &mut crate::decode::Ctx, text: &str) -> HashMap<String, String> {
    let at = |offset: usize, width: usize| {
        let (line, column) = crate::i18n::line_col(text, offset);
        Loc::new(line as u32, column as u32, width as u32)
    };
    let (messages, problems) = crate::i18n::parse_ftl(text);
    for p in &problems {
        ctx.warning_hint(
            Loc::new(p.line as u32, p.column as u32, 1),
            format!("broken message: {}", p.message),
            "write `key = text`, with `{ $name }` for a value and later lines indented; see docs/site.md",
        );
    }
    let mut strings = HashMap::new();
    'messages: for m in messages {
        if !crate::i18n::is_known_key(&m.key) {
            let hint = ctx.hint(&m.key, crate::i18n::known_keys(), || {
                "see docs/site.md for the interface strings".to_string()
            });
            ctx.warning_hint(
                at(m.offset, m.key.len()),
                format!("unknown interface string '{}'", m.key),
                hint,
            );
            continue;
        }
        let known = crate::i18n::known_vars(&m.key).cloned().unwrap_or_default();
        for var in &m.vars {
            if !known.contains(&var.name) {
                ctx.warning_hint(
                    at(var.offset.saturating_sub(1), var.name.len() + 1),
                    format!("unknown placeholder '${}' in '{}'", var.name, m.key),
                    placeholder_hint(&known),
                );
                continue 'messages;
            }
        }
        strings.insert(m.key, m.source);
    }
    strings
}

/// The Fluent message that a YAML override's text stands for: `{name}` becomes `{ $name }`,
/// other braces are kept as text, and later lines are indented so they continue the value.
pub(crate) fn yaml_to_fluent(key: &str, text: &str) -> String {
    let mut value = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(['{', '}']) {
        value.push_str(&rest[..i]);
        let tail = &rest[i..];
        let name_len = tail[1..]
            .find('}')
            .filter(|&n| {
                let name = &tail[1..1 + n];
                name.starts_with(|c: char| c.is_ascii_alphabetic())
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            })
            .filter(|_| tail.starts_with('{'));
        match name_len {
            Some(n) => {
                value.push_str(&format!("{{ ${} }}", &tail[1..1 + n]));
                rest = &tail[n + 2..];
            }
            None => {
                value.push_str(if tail.starts_with('{') {
                    "{ \"{\" }"
                } else {
                    "{ \"}\" }"
                });
                rest = &tail[1..];
            }
        }
    }
    value.push_str(rest);
    format!("{key} = {}", value.replace('\n', "\n    "))
}

/// Checks an overriding message: it must parse, and use only the variables the program
/// passes for its key. Returns its source, or `None` (with a warning) when it is broken.
fn check_message(ctx: &mut crate::decode::Ctx, loc: Loc, key: &str, text: &str) -> Option<String> {
    let source = yaml_to_fluent(key, text);
    let (messages, problems) = crate::i18n::parse_ftl(&source);
    if let Some(p) = problems.first() {
        ctx.warning_hint(
            loc,
            format!("broken message '{key}': {}", p.message),
            "write the text as in docs/site.md (interface strings); the built-in text is used",
        );
        return None;
    }
    let known = crate::i18n::known_vars(key)?;
    for var in messages.iter().flat_map(|m| &m.vars) {
        if !known.contains(&var.name) {
            ctx.warning_hint(
                loc,
                format!("unknown placeholder '{}' in '{key}'", var.name),
                placeholder_hint(known),
            );
            return None;
        }
    }
    Some(source)
}

/// What placeholders a message may use.
pub(crate) fn placeholder_hint(known: &std::collections::BTreeSet<String>) -> String {
    if known.is_empty() {
        "this message takes no placeholders; the built-in text is used".to_string()
    } else {
        let names: Vec<String> = known.iter().map(|n| format!("{{ ${n} }}")).collect();
        format!(
            "this message can use {}; the built-in text is used",
            names.join(", ")
        )
    }
}

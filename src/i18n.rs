//! Interface strings: the built-in ones for each interface language, embedded in the binary
//! as Project Fluent messages (`src/i18n/<lang>.ftl`), and the lookup that applies a
//! workspace's overrides. Messages that carry a count choose their plural form by the
//! language's CLDR plural rules; see docs/site.md.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use fluent_syntax::ast;

/// The built-in interface languages and their message files.
const BUILTIN: &[(&str, &str)] = &[
    ("en", include_str!("i18n/en.ftl")),
    ("hr", include_str!("i18n/hr.ftl")),
    ("hu", include_str!("i18n/hu.ftl")),
    ("sl", include_str!("i18n/sl.ftl")),
    ("et", include_str!("i18n/et.ftl")),
    ("ru", include_str!("i18n/ru.ftl")),
    ("de", include_str!("i18n/de.ftl")),
    ("fr", include_str!("i18n/fr.ftl")),
    ("es", include_str!("i18n/es.ftl")),
    ("it", include_str!("i18n/it.ftl")),
    ("pt", include_str!("i18n/pt.ftl")),
    ("nl", include_str!("i18n/nl.ftl")),
    ("pl", include_str!("i18n/pl.ftl")),
];

/// One message of a Fluent file: its source (`key = …`, every line of it) and the
/// variables it uses.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub source: String,
    pub vars: BTreeSet<String>,
}

/// The messages of one language, by key.
type Table = HashMap<String, Entry>;

/// A problem in a Fluent file: where it is (1-based line and column) and what it is.
#[derive(Debug, Clone, PartialEq)]
pub struct FtlProblem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// A variable used in a message, and its byte offset in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct VarUse {
    pub name: String,
    pub offset: usize,
}

/// One message as parsed: its key (and the key's offset), source, and variables used.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedMessage {
    pub key: String,
    pub offset: usize,
    pub source: String,
    pub vars: Vec<VarUse>,
}

/// Parses Fluent source into its messages; syntax errors come back with their positions
/// (the messages around them are still read).
pub fn parse_ftl(src: &str) -> (Vec<ParsedMessage>, Vec<FtlProblem>) {
    let (resource, errors) = match fluent_syntax::parser::parse(src) {
        Ok(r) => (r, Vec::new()),
        Err((r, errors)) => (r, errors),
    };
    let problems = errors
        .iter()
        .map(|e| {
            // An error found at the start of a line (a placeable left open) is shown at
            // the end of the line before, where the text went wrong.
            let mut at = e.pos.start.min(src.len());
            while at > 0 && src.as_bytes()[at - 1].is_ascii_whitespace() {
                at -= 1;
            }
            let at = if src[at..e.pos.start.min(src.len())].contains('\n') {
                at
            } else {
                e.pos.start
            };
            let (line, column) = line_col(src, at);
            FtlProblem {
                line,
                column,
                message: e.kind.to_string(),
            }
        })
        .collect();
    let mut messages = Vec::new();
    for entry in &resource.body {
        let ast::Entry::Message(m) = entry else {
            continue;
        };
        let start = offset_in(src, m.id.name);
        // The message runs to where the next entry (or a comment) starts; its source is
        // the lines up to there, trimmed of blank lines.
        let mut vars = Vec::new();
        if let Some(value) = &m.value {
            pattern_vars(src, value, &mut vars);
        }
        for attribute in &m.attributes {
            pattern_vars(src, &attribute.value, &mut vars);
        }
        messages.push(ParsedMessage {
            key: m.id.name.to_string(),
            offset: start,
            source: String::new(),
            vars,
        });
    }
    // Each message's source runs from its key to the next message's key (comments and
    // blank lines between are dropped with the trailing whitespace).
    let starts: Vec<usize> = messages.iter().map(|m| m.offset).collect();
    for (i, m) in messages.iter_mut().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(src.len());
        let text = &src[m.offset..end];
        let kept: Vec<&str> = text
            .lines()
            .enumerate()
            .take_while(|(n, l)| *n == 0 || l.starts_with([' ', '\t']) || l.trim().is_empty())
            .map(|(_, l)| l)
            .collect();
        m.source = kept.join("\n").trim_end().to_string();
    }
    (messages, problems)
}

/// The byte offset of `part`, a slice of `src`, in `src`.
fn offset_in(src: &str, part: &str) -> usize {
    (part.as_ptr() as usize)
        .saturating_sub(src.as_ptr() as usize)
        .min(src.len())
}

/// The 1-based line and column (in characters) of byte `offset` of `src`.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = src.get(..offset).unwrap_or(src);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

fn pattern_vars(src: &str, pattern: &ast::Pattern<&str>, out: &mut Vec<VarUse>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_vars(src, expression, out);
        }
    }
}

fn expression_vars(src: &str, expression: &ast::Expression<&str>, out: &mut Vec<VarUse>) {
    match expression {
        ast::Expression::Select { selector, variants } => {
            inline_vars(src, selector, out);
            for variant in variants {
                pattern_vars(src, &variant.value, out);
            }
        }
        ast::Expression::Inline(inline) => inline_vars(src, inline, out),
    }
}

fn inline_vars(src: &str, inline: &ast::InlineExpression<&str>, out: &mut Vec<VarUse>) {
    match inline {
        ast::InlineExpression::VariableReference { id } => out.push(VarUse {
            name: id.name.to_string(),
            offset: offset_in(src, id.name),
        }),
        ast::InlineExpression::FunctionReference { arguments, .. }
        | ast::InlineExpression::TermReference {
            arguments: Some(arguments),
            ..
        } => {
            for arg in &arguments.positional {
                inline_vars(src, arg, out);
            }
            for arg in &arguments.named {
                inline_vars(src, &arg.value, out);
            }
        }
        ast::InlineExpression::Placeable { expression } => expression_vars(src, expression, out),
        _ => {}
    }
}

fn tables() -> &'static HashMap<&'static str, Table> {
    static TABLES: OnceLock<HashMap<&'static str, Table>> = OnceLock::new();
    TABLES.get_or_init(|| {
        BUILTIN
            .iter()
            .map(|(lang, src)| {
                let (messages, _) = parse_ftl(src);
                let table = messages
                    .into_iter()
                    .map(|m| {
                        let vars = m.vars.into_iter().map(|v| v.name).collect();
                        (
                            m.key,
                            Entry {
                                source: m.source,
                                vars,
                            },
                        )
                    })
                    .collect();
                (*lang, table)
            })
            .collect()
    })
}

/// The built-in message files, by language, in a fixed order.
pub fn builtin_sources() -> &'static [(&'static str, &'static str)] {
    BUILTIN
}

/// The languages with built-in interface strings, in a fixed order.
pub fn builtin_languages() -> Vec<&'static str> {
    BUILTIN.iter().map(|(lang, _)| *lang).collect()
}

/// Whether the interface has built-in strings in `lang` or in one of its parents.
pub fn is_builtin_language(lang: &str) -> bool {
    own_table(lang).is_some()
}

pub fn is_known_key(key: &str) -> bool {
    tables()["en"].contains_key(key)
}

pub fn known_keys() -> impl Iterator<Item = &'static str> {
    tables()["en"].keys().map(String::as_str)
}

/// The variables the program passes to message `key` (those of the English built-in).
pub fn known_vars(key: &str) -> Option<&'static BTreeSet<String>> {
    tables()["en"].get(key).map(|e| &e.vars)
}

/// The built-in language of `lang`: itself or its nearest parent (`hr-HR` → `hr`).
fn own_language(lang: &str) -> Option<&'static (&'static str, &'static str)> {
    std::iter::once(lang)
        .chain(crate::text::parents(lang))
        .find_map(|l| BUILTIN.iter().find(|(b, _)| *b == l))
}

/// The built-in table of `lang` or of its nearest parent (`hr-HR` → `hr`).
fn own_table(lang: &str) -> Option<&'static Table> {
    own_language(lang).and_then(|(l, _)| tables().get(l))
}

/// The Fluent messages of one page language, ready to format.
pub type Bundle = FluentBundle<FluentResource>;

/// The interface strings of one page language.
#[derive(Clone, Default)]
pub struct Strings {
    /// The messages without variables, formatted: what templates get as `t`.
    /// With a quick hasher: every page looks up dozens of them.
    pub map: HashMap<String, String, ahash::RandomState>,
    /// Keys whose text is the English built-in because the language has none of its own;
    /// pages mark such text as English.
    pub fallback: HashSet<String>,
    /// Every message, built-in and overridden, to format with arguments.
    bundle: Option<Arc<Bundle>>,
    /// Messages already formatted, by key and arguments ([`Strings::remembered`]): pages
    /// format the same few thousand again and again, and Fluent formatting costs far more
    /// than a look-up.
    formatted: Arc<std::sync::Mutex<HashMap<String, String, ahash::RandomState>>>,
}

/// How many formatted messages a language's [`Strings`] keeps.
const FORMATTED_LIMIT: usize = 100_000;

impl std::fmt::Debug for Strings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Strings")
            .field("map", &self.map)
            .field("fallback", &self.fallback)
            .finish_non_exhaustive()
    }
}

impl Strings {
    /// The text `make` gives for `id` (a message key with its arguments written out), kept
    /// after the first time while there is room.
    pub fn remembered(&self, id: &str, make: impl FnOnce() -> String) -> String {
        if let Ok(kept) = self.formatted.lock()
            && let Some(text) = kept.get(id)
        {
            return text.clone();
        }
        let text = make();
        if let Ok(mut kept) = self.formatted.lock()
            && kept.len() < FORMATTED_LIMIT
        {
            kept.insert(id.to_string(), text.clone());
        }
        text
    }

    /// Message `key` formatted with `args`; `None` if there is no such message.
    pub fn msg(&self, key: &str, args: Option<&FluentArgs>) -> Option<String> {
        let bundle = self.bundle.as_ref()?;
        let pattern = bundle.get_message(key)?.value()?;
        let mut errors = Vec::new();
        Some(
            bundle
                .format_pattern(pattern, args, &mut errors)
                .into_owned(),
        )
    }
}

/// Fluent source for workspace overrides: one message per key, in key order.
fn overrides_source(overrides: &HashMap<String, String>) -> String {
    let mut keys: Vec<&String> = overrides.keys().collect();
    keys.sort();
    let mut src = String::new();
    for key in keys {
        src.push_str(&overrides[key]);
        src.push('\n');
    }
    src
}

/// The interface strings of a page language: the built-in ones of the language or of its
/// nearest parent (English where the interface has none), then the workspace's overrides,
/// given as the Fluent source of each overriding message by key.
pub fn strings_for(lang: &str, overrides: Option<&HashMap<String, String>>) -> Strings {
    let own = own_language(lang);
    let (source_lang, src) = own.copied().unwrap_or(BUILTIN[0]);
    let english = own.is_none() && lang.split('-').next() != Some("en");
    let langid: unic_langid::LanguageIdentifier = lang
        .parse()
        .or_else(|_| source_lang.parse())
        .unwrap_or_default();
    let mut bundle = Bundle::new_concurrent(vec![langid]);
    // Pages mark text that differs in language or direction with `lang`/`dir` on its
    // element, and values are numbers and names in the page's language, so Fluent's
    // isolation marks (U+2068, U+2069) would only add invisible characters to titles,
    // descriptions and exports.
    bundle.set_use_isolating(false);
    if let Ok(resource) = FluentResource::try_new(src.to_string()) {
        let _ = bundle.add_resource(resource);
    }
    let mut fallback: HashSet<String> = if english {
        tables()["en"].keys().cloned().collect()
    } else {
        HashSet::new()
    };
    if let Some(o) = overrides {
        // A broken override was reported by the loader; what parses is still used.
        let resource = match FluentResource::try_new(overrides_source(o)) {
            Ok(r) | Err((r, _)) => r,
        };
        bundle.add_resource_overriding(resource);
        for key in o.keys() {
            fallback.remove(key);
        }
    }
    let mut map = HashMap::default();
    for key in tables()["en"].keys() {
        let Some(message) = bundle.get_message(key) else {
            continue;
        };
        let Some(pattern) = message.value() else {
            continue;
        };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, None, &mut errors);
        if errors.is_empty() {
            map.insert(key.clone(), text.into_owned());
        }
    }
    Strings {
        map,
        fallback,
        bundle: Some(Arc::new(bundle)),
        formatted: Arc::default(),
    }
}

/// A built-in message's text without its arguments filled in: in `lang` (or its nearest
/// parent) if the interface has it, else in English.
pub fn builtin(lang: &str, key: &str) -> Option<&'static str> {
    let t = tables();
    let entry = own_table(lang)
        .and_then(|table| table.get(key))
        .or_else(|| t["en"].get(key))?;
    let value = entry.source.split_once('=').map_or("", |(_, v)| v);
    Some(value.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use fluent_bundle::FluentValue;

    #[test]
    fn regional_languages_use_their_parents_strings() {
        let hr = strings_for("hr-HR", None);
        assert_eq!(
            hr.map.get("round"),
            strings_for("hr", None).map.get("round")
        );
        assert!(hr.fallback.is_empty());
        assert_eq!(builtin("hr-HR", "round"), builtin("hr", "round"));
        assert!(!strings_for("ja-JP", None).fallback.is_empty());
        assert!(is_builtin_language("hr-HR") && !is_builtin_language("ja-JP"));
        // A regional German page takes the built-in German strings.
        assert!(is_builtin_language("de-CH") && strings_for("de-CH", None).fallback.is_empty());
    }

    #[test]
    fn every_builtin_file_parses_and_has_exactly_englishs_keys_and_variables() {
        let en = &tables()["en"];
        assert!(en.len() > 100);
        for (lang, src) in BUILTIN {
            let (_, problems) = parse_ftl(src);
            assert_eq!(problems, vec![], "{lang}");
            let table = &tables()[lang];
            for (key, entry) in en {
                let own = table.get(key);
                assert!(own.is_some(), "{lang} lacks {key}");
                assert_eq!(own.map(|e| &e.vars), Some(&entry.vars), "{lang} {key}");
            }
            for key in table.keys() {
                assert!(en.contains_key(key), "{lang} has unknown {key}");
            }
        }
    }

    fn count(lang: &str, key: &str, n: usize) -> String {
        let strings = strings_for(lang, None);
        let mut args = FluentArgs::new();
        args.set("count", FluentValue::from(n));
        strings.msg(key, Some(&args)).unwrap_or_default()
    }

    #[test]
    fn counts_take_their_languages_plural_forms() {
        let cases: &[(&str, usize, &str)] = &[
            ("en", 1, "1 item below target"),
            ("en", 5, "5 items below target"),
            ("ru", 1, "1 пункт ниже цели"),
            ("ru", 2, "2 пункта ниже цели"),
            ("ru", 5, "5 пунктов ниже цели"),
            ("ru", 21, "21 пункт ниже цели"),
            ("ru", 22, "22 пункта ниже цели"),
            ("hr", 1, "1 stavka ispod cilja"),
            ("hr", 2, "2 stavke ispod cilja"),
            ("hr", 5, "5 stavki ispod cilja"),
            ("hr", 21, "21 stavka ispod cilja"),
            ("hr", 22, "22 stavke ispod cilja"),
            ("sl", 1, "1 postavka pod ciljem"),
            ("sl", 2, "2 postavki pod ciljem"),
            ("sl", 3, "3 postavke pod ciljem"),
            ("sl", 5, "5 postavk pod ciljem"),
            ("sl", 21, "21 postavk pod ciljem"),
            ("sl", 102, "102 postavki pod ciljem"),
            ("pl", 1, "1 pozycja poniżej celu"),
            ("pl", 2, "2 pozycje poniżej celu"),
            ("pl", 5, "5 pozycji poniżej celu"),
            ("pl", 21, "21 pozycji poniżej celu"),
            ("pl", 22, "22 pozycje poniżej celu"),
        ];
        for (lang, n, want) in cases {
            assert_eq!(count(lang, "items_below_count", *n), *want, "{lang} {n}");
        }
    }

    #[test]
    fn messages_have_no_isolation_marks_and_plain_strings_are_formatted() {
        let strings = strings_for("en", None);
        let mut args = FluentArgs::new();
        args.set("name", "Uptime");
        assert_eq!(
            strings.msg("trend_of", Some(&args)).as_deref(),
            Some("Trend of Uptime")
        );
        assert_eq!(
            strings.map.get("scale_yes_no_no").map(String::as_str),
            Some("No")
        );
        assert!(!strings.map.contains_key("trend_of"));
    }

    #[test]
    fn overrides_replace_builtin_messages() {
        let overrides = HashMap::from([("gaps".to_string(), "gaps = Shortfalls".to_string())]);
        let strings = strings_for("de", Some(&overrides));
        assert_eq!(
            strings.map.get("gaps").map(String::as_str),
            Some("Shortfalls")
        );
        assert_eq!(strings.map.get("none").map(String::as_str), Some("Keine"));
    }

    #[test]
    fn parse_problems_and_variables_have_positions() {
        let (messages, problems) =
            parse_ftl("a = x\nb = { $n ->\n  *[other] y { $m }\n  }\nc = { ! }\nd = fine\n");
        assert_eq!(messages[1].key, "b");
        let vars: Vec<_> = messages[1].vars.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(vars, ["n", "m"]);
        assert_eq!(
            line_col(
                "a = x\nb = { $n ->\n  *[other] y { $m }\n  }\n",
                messages[1].vars[1].offset
            ),
            (3, 17)
        );
        assert_eq!(problems.len(), 1);
        assert_eq!((problems[0].line, problems[0].column), (5, 7));
        assert_eq!(messages.last().map(|m| m.key.as_str()), Some("d"));
    }
}

//! YAML parsing into a tree of located nodes, with the resource budgets in one place.
//!
//! Files are parsed into [`Node`]s rather than straight into typed structs so that one file
//! can report every problem it has, each at the value it is about, instead of stopping at the
//! first type error.

use std::collections::HashMap;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::budget::BudgetBreach;
use serde_saphyr::{Error, MessageFormatter, Spanned};

use crate::source::Loc;

/// A YAML value with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: Kind,
    pub loc: Loc,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// What the node is, for messages such as "expected a number, found a list".
    pub fn describe(&self) -> &'static str {
        match &self.kind {
            Kind::Null => "nothing (null)",
            Kind::Bool(_) => "a boolean",
            Kind::Int(_) | Kind::Float(_) => "a number",
            Kind::Str(_) => "a string",
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self.kind {
            Kind::Int(i) => Some(i as f64),
            Kind::Float(f) => Some(f),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            Kind::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The scalar as text, for values that may be written either way (`3` or `"3"`).
    pub fn scalar_text(&self) -> Option<String> {
        match &self.kind {
            Kind::Str(s) => Some(s.clone()),
            Kind::Int(i) => Some(i.to_string()),
            Kind::Float(f) => Some(format_number(*f)),
            Kind::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// A number as messages show it: `3`, `2.5`, `1e308` (not three hundred digits), and the
/// non-finite ones as YAML writes them.
pub fn format_number(v: f64) -> String {
    let magnitude = v.abs();
    if v.is_nan() {
        ".nan".to_string()
    } else if v.is_infinite() {
        if v < 0.0 { "-.inf" } else { ".inf" }.to_string()
    } else if magnitude != 0.0 && !(1e-6..1e15).contains(&magnitude) {
        format!("{v:e}")
    } else if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        v.to_string()
    }
}

/// Limits that keep hostile files (alias bombs, deep nesting, huge documents) from using
/// unbounded time or memory, while real workspaces with tens of thousands of nodes parse.
/// Documented in docs/format.md; keep the two in step.
pub mod limits {
    /// Largest file read, in bytes.
    pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
    /// Deepest nesting of lists and mappings.
    pub const MAX_DEPTH: usize = 48;
    /// Most YAML nodes in one file.
    pub const MAX_NODES: usize = 1_000_000;
    /// Most parser events in one file.
    pub const MAX_EVENTS: usize = 4_000_000;
    /// Most aliases (`*name`) in one file, and most events an alias may replay in total.
    pub const MAX_ALIASES: usize = 1_000;
    pub const MAX_REPLAYED_EVENTS: usize = 100_000;
}

fn options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = limits::MAX_DEPTH;
    budget.max_nodes = limits::MAX_NODES;
    budget.max_events = limits::MAX_EVENTS;
    budget.max_aliases = limits::MAX_ALIASES;
    budget.max_anchors = limits::MAX_ALIASES;
    budget.max_total_scalar_bytes = limits::MAX_FILE_BYTES as usize;
    budget.max_documents = 1;
    let mut alias_limits = serde_saphyr::options::AliasLimits::default();
    alias_limits.max_total_replayed_events = limits::MAX_REPLAYED_EVENTS;
    serde_saphyr::options! {
        budget: Some(budget),
        alias_limits: alias_limits,
        // `no`, `on` and `y` stay strings: `no` is a level key of the yes-no scale.
        strict_booleans: true,
        // Repeated keys reach the tree, where `parse` reports each one with the line of the
        // first, and the rest of the file is still checked.
        duplicate_keys: serde_saphyr::options::DuplicateKeyPolicy::PassThrough,
        // `.nan` and `.inf` reach the tree, where the field they are in says what is wrong.
        non_finite_float_policy: serde_saphyr::options::NonFiniteFloatPolicy::PassThrough,
        with_snippet: false,
    }
}

/// A YAML syntax problem: where it is, what it is, and how to fix it where that is known.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub loc: Loc,
    pub message: String,
    pub hint: Option<String>,
}

/// A parsed file: the root node, and the problems that did not stop parsing (repeated
/// keys, of which the first is kept).
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub root: Node,
    pub problems: Vec<SyntaxError>,
}

/// Parses one YAML document. An empty document is `Kind::Null`.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    parse_document(text).map(|d| d.root)
}

/// Parses one YAML document and reports its repeated mapping keys.
pub fn parse_document(text: &str) -> Result<Document, SyntaxError> {
    let result = serde_saphyr::from_str_with_options::<Spanned<Kind>>(text, options());
    match result {
        Ok(root) => {
            let mut root = from_spanned(root);
            let mut problems = Vec::new();
            remove_duplicate_keys(&mut root, &mut problems);
            Ok(Document { root, problems })
        }
        Err(err) => {
            let inner = err.without_snippet();
            let loc = inner
                .location()
                .map(|l| Loc::new(l.line() as u32, l.column() as u32, 1))
                .unwrap_or_else(Loc::start);
            let (message, hint) = describe_error(inner);
            Err(SyntaxError { loc, message, hint })
        }
    }
}

/// Turns the parser's error into a message and hint in the words of the format: its own
/// messages for syntax, ours for the resource limits, which a workspace author meets as
/// "this file is too deep or too big", not as the parser's counters.
fn describe_error(mut err: &Error) -> (String, Option<String>) {
    // The parser wraps errors met through an alias, or with a source excerpt; the cause
    // inside says what went wrong.
    while let Error::AliasError { error, .. } | Error::WithSnippet { error, .. } = err {
        err = error;
    }
    let too_deep = || {
        (
            "lists and mappings are nested too deeply".to_string(),
            Some(format!("nest at most {} levels deep", limits::MAX_DEPTH)),
        )
    };
    let aliases = || {
        (
            "aliases expand to too many values".to_string(),
            Some("write the values out instead of repeating them through `*aliases`".to_string()),
        )
    };
    match err {
        Error::Budget { breach, .. } => match breach {
            BudgetBreach::Depth { .. } => too_deep(),
            BudgetBreach::Aliases { .. }
            | BudgetBreach::Anchors { .. }
            | BudgetBreach::AliasAnchorRatio { .. } => aliases(),
            BudgetBreach::Documents { .. } => (
                "more than one YAML document in the file".to_string(),
                Some("remove the `---` line: each file holds one document".to_string()),
            ),
            _ => (
                "the file is too large or too complex".to_string(),
                Some("split it into several files".to_string()),
            ),
        },
        Error::AliasReplayLimitExceeded { .. }
        | Error::AliasExpansionLimitExceeded { .. }
        | Error::AliasReplayCounterOverflow { .. } => aliases(),
        Error::AliasReplayStackDepthExceeded { .. } => too_deep(),
        _ => {
            let message = serde_saphyr::UserMessageFormatter.format_message(err);
            let message = tidy_message(&message);
            if message.contains("recursion limit") {
                return too_deep();
            }
            let hint = syntax_hint(&message).map(str::to_string);
            (message, hint)
        }
    }
}

/// Advice for the syntax errors people make most in hand-written YAML.
fn syntax_hint(message: &str) -> Option<&'static str> {
    const HINTS: &[(&str, &str)] = &[
        (
            "mapping values are not allowed",
            "put quotes around a value that contains ': ', or check the indentation of this line",
        ),
        (
            "tabs disallowed",
            "indent with spaces; YAML does not allow tabs",
        ),
        ("unclosed quote", "close the quote, or remove it"),
        (
            "unclosed bracket",
            "close the bracket, or put quotes around the value",
        ),
        (
            "reference to unknown value",
            "an alias `*name` needs an anchor `&name` earlier in the file",
        ),
        (
            "simple key expected",
            "a key needs ': ' after it; or check the indentation of this line",
        ),
        (
            "Recursive reference",
            "an alias `*name` cannot be used inside the value its anchor `&name` marks",
        ),
        (
            "invalid u64",
            "remove the `!!` tag, or write a value of the type it names",
        ),
        (
            "invalid i64",
            "remove the `!!` tag, or write a value of the type it names",
        ),
        (
            "invalid f64",
            "remove the `!!` tag, or write a value of the type it names",
        ),
        (
            "did not find expected key",
            "check the indentation: keys of one mapping start in the same column",
        ),
    ];
    HINTS
        .iter()
        .find(|(pattern, _)| message.contains(pattern))
        .map(|(_, hint)| *hint)
}

/// Drops the parser's own advice about its options, which a workspace author cannot set.
/// (Control characters it quotes are escaped with every diagnostic, in `diag`.)
fn tidy_message(message: &str) -> String {
    let message = message
        .split(", set DuplicateKeyPolicy")
        .next()
        .unwrap_or(message);
    message.trim().to_string()
}

/// Reports every repeated key of every mapping and keeps only its first entry, so the
/// checks that follow see each field once.
fn remove_duplicate_keys(node: &mut Node, problems: &mut Vec<SyntaxError>) {
    match &mut node.kind {
        Kind::Map(entries) => {
            let mut first: HashMap<String, Loc> = HashMap::new();
            entries.retain(|(k, _)| {
                let Some(key) = k.scalar_text() else {
                    return true;
                };
                match first.get(&key) {
                    Some(at) => {
                        problems.push(SyntaxError {
                            loc: k.loc,
                            message: format!("duplicate key '{key}'"),
                            hint: Some(format!(
                                "'{key}' is already on line {}; a mapping names each key once",
                                at.line
                            )),
                        });
                        false
                    }
                    None => {
                        first.insert(key, k.loc);
                        true
                    }
                }
            });
            for (_, v) in entries {
                remove_duplicate_keys(v, problems);
            }
        }
        Kind::Seq(items) => {
            for item in items {
                remove_duplicate_keys(item, problems);
            }
        }
        _ => {}
    }
}

fn from_spanned(s: Spanned<Kind>) -> Node {
    let loc = s.referenced;
    // Mappings and lists report a zero or one byte span; underline one character for them.
    let width = loc
        .span()
        .byte_len()
        .unwrap_or(1)
        .clamp(1, u64::from(u32::MAX)) as u32;
    Node {
        kind: s.value,
        loc: Loc::new(loc.line() as u32, loc.column() as u32, width),
    }
}

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(KindVisitor)
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Spanned::<Kind>::deserialize(d)?;
        Ok(from_spanned(s))
    }
}

struct KindVisitor;

impl<'de> Visitor<'de> for KindVisitor {
    type Value = Kind;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Kind, E> {
        Ok(Kind::Null)
    }
    fn visit_none<E>(self) -> Result<Kind, E> {
        Ok(Kind::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Kind, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Kind, E> {
        Ok(Kind::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Kind, E> {
        Ok(Kind::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Kind, E> {
        Ok(i64::try_from(v).map_or(Kind::Float(v as f64), Kind::Int))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Kind, E> {
        Ok(i64::try_from(v).map_or(Kind::Float(v as f64), Kind::Int))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Kind, E> {
        Ok(i64::try_from(v).map_or(Kind::Float(v as f64), Kind::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Kind, E> {
        Ok(Kind::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Kind, E> {
        Ok(Kind::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Kind, E> {
        Ok(Kind::Str(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Kind, E> {
        Ok(Kind::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Kind, A::Error> {
        let mut items = Vec::new();
        while let Some(n) = a.next_element::<Node>()? {
            items.push(n);
        }
        Ok(Kind::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Kind, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = a.next_entry::<Node, Node>()? {
            entries.push((k, v));
        }
        Ok(Kind::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_are_reported_and_the_first_kept() {
        let doc = parse_document("a: 1\nb: {x: 1, x: 2}\na: 3\n").unwrap();
        let lines: Vec<(u32, &str)> = doc
            .problems
            .iter()
            .map(|p| (p.loc.line, p.message.as_str()))
            .collect();
        assert_eq!(lines, [(3, "duplicate key 'a'"), (2, "duplicate key 'x'")]);
        let Kind::Map(entries) = &doc.root.kind else {
            panic!("a mapping")
        };
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].1.kind, Kind::Int(1));
    }

    #[test]
    fn limits_are_told_in_the_words_of_the_format() {
        let deep = format!("a: {}{}", "[".repeat(100), "]".repeat(100));
        assert_eq!(
            parse(&deep).unwrap_err().message,
            "lists and mappings are nested too deeply"
        );
        let two = parse("a: 1\n---\nb: 2\n").unwrap_err();
        assert_eq!(two.message, "more than one YAML document in the file");
        assert_eq!(
            parse("x: .nan\n").unwrap().as_map().unwrap()[0]
                .1
                .describe(),
            "a number"
        );
    }

    #[test]
    fn numbers_in_messages() {
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(-2.5), "-2.5");
        assert_eq!(format_number(1e308), "1e308");
        assert_eq!(format_number(f64::NAN), ".nan");
        assert_eq!(format_number(f64::NEG_INFINITY), "-.inf");
    }
}

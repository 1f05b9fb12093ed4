//! YAML parsing into a tree of located nodes, with the resource budgets in one place.
//!
//! Files are parsed into [`Node`]s rather than straight into typed structs so that one file
//! can report every problem it has, each at the value it is about, instead of stopping at the
//! first type error.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{MessageFormatter, Spanned};

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
            Kind::Float(f) => Some(f.to_string()),
            Kind::Bool(b) => Some(b.to_string()),
            _ => None,
        }
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
        with_snippet: false,
    }
}

/// A YAML syntax problem: where it is and what it is.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub loc: Loc,
    pub message: String,
}

/// Parses one YAML document. An empty document is `Kind::Null`.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let result = serde_saphyr::from_str_with_options::<Spanned<Kind>>(text, options());
    match result {
        Ok(root) => Ok(from_spanned(root)),
        Err(err) => {
            let inner = err.without_snippet();
            let message = serde_saphyr::UserMessageFormatter.format_message(inner);
            let message = message.escape_debug().to_string();
            let loc = inner
                .location()
                .map(|l| Loc::new(l.line() as u32, l.column() as u32, 1))
                .unwrap_or_else(Loc::start);
            Err(SyntaxError {
                loc,
                message: tidy_message(&message),
            })
        }
    }
}

/// Drops the parser's own advice about its options, which a workspace author cannot set.
fn tidy_message(message: &str) -> String {
    let message = message
        .split(", set DuplicateKeyPolicy")
        .next()
        .unwrap_or(message);
    message.trim().to_string()
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

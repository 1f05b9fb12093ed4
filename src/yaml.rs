//! YAML parsing into a tree of located nodes, with the resource budgets in one place.
//!
//! Files are parsed into [`Node`]s rather than straight into typed structs so that one file
//! can report every problem it has, each at the value it is about, instead of stopping at the
//! first type error.

use std::borrow::Cow;
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
    /// The scalar as written, for a number whose written form is not the one it prints as
    /// (`0x10`, `0o17`, `+1`, `-0`, `1_000`, `2.50`): where a field wants text (an id, a
    /// string), the value is what the author wrote, never the converted number.
    pub source: Option<Box<str>>,
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
        self.scalar_str().map(Cow::into_owned)
    }

    /// [`Node::scalar_text`], borrowed where the node holds the text already.
    pub fn scalar_str(&self) -> Option<Cow<'_, str>> {
        if let Some(source) = &self.source {
            return Some(Cow::Borrowed(source));
        }
        match &self.kind {
            Kind::Str(s) => Some(Cow::Borrowed(s)),
            Kind::Int(i) => Some(Cow::Owned(i.to_string())),
            Kind::Float(f) => Some(Cow::Owned(format_number(*f))),
            Kind::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
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
///
/// Most files are built straight from the parser's events ([`fast`]); a file that uses
/// anything that path leaves out, or that has an error, is parsed again through serde-saphyr,
/// which gives the same tree and words every error and limit.
pub fn parse_document(text: &str) -> Result<Document, SyntaxError> {
    if let Some(mut root) = fast::parse(text) {
        keep_number_sources(&mut root, text);
        let mut problems = Vec::new();
        remove_duplicate_keys(&mut root, &mut problems);
        return Ok(Document { root, problems });
    }
    parse_document_slow(text)
}

/// Whether `text` is parsed without serde-saphyr (for tests and `examples/yaml_paths.rs`).
pub fn takes_fast_path(text: &str) -> bool {
    fast::parse(text).is_some()
}

/// [`parse_document`] through serde-saphyr alone: the reference the fast path is checked
/// against, and the only path that reports errors.
pub fn parse_document_slow(text: &str) -> Result<Document, SyntaxError> {
    let result = serde_saphyr::from_str_with_options::<Spanned<Kind>>(text, options());
    match result {
        Ok(root) => {
            let mut root = from_spanned(root);
            keep_number_sources(&mut root, text);
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
            // A tab in the indentation is the cause wherever the parser stumbles on it.
            if let Some(tab) = tab_indentation(text, loc.line, &message) {
                return Err(SyntaxError {
                    loc: tab,
                    message,
                    hint: Some(TAB_HINT.to_string()),
                });
            }
            Err(SyntaxError { loc, message, hint })
        }
    }
}

const TAB_HINT: &str = "YAML does not allow tabs for indentation; indent with spaces";

/// The first tab in the indentation of a line, where the parser stopped at `line` (1-based)
/// with `message`: on that line or the next (the parser may stop at the end of the line
/// before the tab), or anywhere before when the parser says it met a tab. Tabs inside block
/// scalars are text, so a tab elsewhere is not taken for the cause.
fn tab_indentation(text: &str, line: u32, message: &str) -> Option<Loc> {
    let first = if message.contains("tab") {
        1
    } else {
        line.max(1)
    };
    text.lines()
        .enumerate()
        .take(line as usize + 1)
        .skip(first as usize - 1)
        .find_map(|(n, l)| {
            let indent = l.len() - l.trim_start_matches([' ', '\t']).len();
            let rest = &l[indent..];
            let tab = l[..indent].find('\t')?;
            (!rest.is_empty() && !rest.starts_with('#'))
                .then(|| Loc::new(n as u32 + 1, tab as u32 + 1, 1))
        })
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
        ("tabs disallowed", TAB_HINT),
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

/// Records the written text of every number whose written form differs from the one it
/// prints as (see [`Node::source`]). Numbers are rare in workspaces, so this costs little;
/// each line holding one is indexed once, so a file of one long line of numbers stays
/// linear.
fn keep_number_sources(root: &mut Node, text: &str) {
    let mut lines = Lines::new(text);
    let mut stack: Vec<&mut Node> = vec![root];
    while let Some(node) = stack.pop() {
        let canonical = match &mut node.kind {
            // Most numbers are integers written plainly: compared without printing them.
            Kind::Int(i) => {
                let i = *i;
                if let Some(written) = lines.written_at(node.loc)
                    && !is_plain_int(written, i)
                {
                    node.source = Some(written.into());
                }
                continue;
            }
            Kind::Float(f) => format_number(*f),
            Kind::Seq(items) => {
                stack.extend(items.iter_mut());
                continue;
            }
            Kind::Map(entries) => {
                for (k, v) in entries.iter_mut() {
                    stack.push(k);
                    stack.push(v);
                }
                continue;
            }
            _ => continue,
        };
        if let Some(written) = lines.written_at(node.loc).filter(|w| *w != canonical) {
            node.source = Some(written.into());
        }
    }
}

/// Whether `written` is how `i` prints (`i.to_string()`): its digits, without a sign
/// other than `-`, leading zeros, `-0` or separators.
fn is_plain_int(written: &str, i: i64) -> bool {
    let digits = written.strip_prefix('-').unwrap_or(written);
    let plain = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
        && written != "-0";
    plain && written.parse::<i64>() == Ok(i)
}

/// Finds the text at a location (a 1-based line, a 1-based column in characters, a width
/// in bytes), indexing each line it is asked about once.
struct Lines<'t> {
    text: &'t str,
    starts: Option<Vec<usize>>,
    /// By line index, once the line is indexed: `None` for an ASCII line, else the byte
    /// offset of each character.
    chars: Vec<Option<Option<Vec<usize>>>>,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Self {
        Lines {
            text,
            starts: None,
            chars: Vec::new(),
        }
    }

    fn written_at(&mut self, loc: Loc) -> Option<&'t str> {
        let text = self.text;
        let starts = self.starts.get_or_insert_with(|| {
            std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let index = (loc.line as usize).checked_sub(1)?;
        let start = *starts.get(index)?;
        let end = starts.get(index + 1).copied().unwrap_or(text.len());
        let line = text.get(start..end)?;
        let column = (loc.column as usize).checked_sub(1)?;
        if self.chars.len() <= index {
            self.chars.resize(index + 1, None);
        }
        let offsets = self.chars[index].get_or_insert_with(|| {
            (!line.is_ascii()).then(|| line.char_indices().map(|(i, _)| i).collect())
        });
        let offset = match offsets {
            None => column,
            Some(offsets) => *offsets.get(column)?,
        };
        let from = start + offset;
        let written = text.get(from..from.checked_add(loc.width as usize)?)?;
        Some(written.trim_end())
    }
}

/// Reports every repeated key of every mapping and keeps only its first entry, so the
/// checks that follow see each field once.
fn remove_duplicate_keys(node: &mut Node, problems: &mut Vec<SyntaxError>) {
    match &mut node.kind {
        Kind::Map(entries) => {
            // In ascending order: each entry is checked against the next one to drop.
            let repeated = repeated_keys(entries, problems);
            if !repeated.is_empty() {
                let mut next = repeated.iter().peekable();
                let mut at = 0;
                entries.retain(|_| {
                    let drop = next.next_if_eq(&&at).is_some();
                    at += 1;
                    !drop
                });
            }
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

/// The places of the entries whose key an earlier entry of `entries` has, in ascending
/// order, each reported.
/// Most mappings have a handful of keys: those are compared in turn, without copying a key;
/// larger ones are looked up in a map.
fn repeated_keys(entries: &[(Node, Node)], problems: &mut Vec<SyntaxError>) -> Vec<usize> {
    const SEARCHED: usize = 16;
    let mut few: Vec<(Cow<str>, Loc)> = Vec::new();
    let mut many: HashMap<Cow<str>, Loc, ahash::RandomState> = HashMap::default();
    let mut repeated = Vec::new();
    for (at, (k, _)) in entries.iter().enumerate() {
        let Some(key) = k.scalar_str() else {
            continue;
        };
        let first = if entries.len() <= SEARCHED {
            few.iter()
                .find(|(seen, _)| *seen == key)
                .map(|(_, loc)| *loc)
        } else {
            many.get(&key).copied()
        };
        match first {
            Some(first) => {
                problems.push(SyntaxError {
                    loc: k.loc,
                    message: format!("duplicate key '{key}'"),
                    hint: Some(format!(
                        "'{key}' is already on line {}; a mapping names each key once",
                        first.line
                    )),
                });
                repeated.push(at);
            }
            None if entries.len() <= SEARCHED => few.push((key, k.loc)),
            None => {
                many.insert(key, k.loc);
            }
        }
    }
    repeated
}

/// Builds a [`Node`] tree from granit-parser's events, for the common case only: one document
/// with no anchors, aliases or tags, whose plain scalars are strings, null, booleans, decimal
/// integers, decimal fractions or dates, and whose keys are strings, within the nesting and
/// size limits. Anything else gives `None`, and [`parse_document`] falls back to serde-saphyr,
/// so both paths give the same tree (checked against each other in the tests below and in
/// `examples/yaml_paths.rs`). This skips serde-saphyr's per-value work (location maps, comment
/// tracking, the `Visitor` round trip), which was ~90% of loading a workspace.
mod fast {
    use granit_parser::{Event, Parser, ScalarStyle, Span};

    use super::{Kind, Node, limits};
    use crate::source::Loc;

    enum Frame {
        Seq(Loc, Vec<Node>),
        Map(Loc, Vec<(Node, Node)>, Option<Node>),
    }

    /// The location serde-saphyr gives the same event: 1-based column, width in bytes.
    fn loc(span: &Span) -> Loc {
        let width = match (span.start.byte_offset(), span.end.byte_offset()) {
            (Some(a), Some(b)) => b.saturating_sub(a),
            _ => 1,
        };
        Loc::new(
            span.start.line() as u32,
            span.start.col() as u32 + 1,
            width.clamp(1, u32::MAX as usize) as u32,
        )
    }

    pub(super) fn parse(text: &str) -> Option<Node> {
        let mut options = granit_parser::Options::default();
        options.emit_comments = false;
        let mut parser = Parser::new_from_str_with_options(text, options);
        let mut stack: Vec<Frame> = Vec::new();
        let mut root: Option<Node> = None;
        let mut nodes = 0usize;
        let mut events = 0usize;
        let mut documents = 0usize;
        loop {
            let (event, span) = parser.next_event()?.ok()?;
            events += 1;
            if events > limits::MAX_EVENTS {
                return None;
            }
            let node = match event {
                Event::StreamStart => continue,
                Event::StreamEnd => break,
                Event::DocumentStart(..) => {
                    documents += 1;
                    if documents > 1 {
                        return None;
                    }
                    continue;
                }
                Event::DocumentEnd => continue,
                Event::Scalar(value, style, anchor, tag) => {
                    if anchor != 0 || tag.is_some() {
                        return None;
                    }
                    let kind = match style {
                        ScalarStyle::Plain => plain(&value)?,
                        _ => Kind::Str(value.into_owned()),
                    };
                    Node {
                        kind,
                        loc: loc(&span),
                        source: None,
                    }
                }
                Event::SequenceStart(_, anchor, ref tag)
                | Event::MappingStart(_, anchor, ref tag) => {
                    if anchor != 0 || tag.is_some() || stack.len() + 1 >= limits::MAX_DEPTH {
                        return None;
                    }
                    let l = loc(&span);
                    stack.push(if matches!(event, Event::SequenceStart(..)) {
                        Frame::Seq(l, Vec::new())
                    } else {
                        Frame::Map(l, Vec::new(), None)
                    });
                    continue;
                }
                Event::SequenceEnd => match stack.pop()? {
                    Frame::Seq(loc, items) => Node {
                        kind: Kind::Seq(items),
                        loc,
                        source: None,
                    },
                    Frame::Map(..) => return None,
                },
                Event::MappingEnd => match stack.pop()? {
                    Frame::Map(loc, entries, None) => Node {
                        kind: Kind::Map(entries),
                        loc,
                        source: None,
                    },
                    _ => return None,
                },
                // Aliases, and anything a newer parser adds.
                _ => return None,
            };
            nodes += 1;
            if nodes > limits::MAX_NODES {
                return None;
            }
            match stack.last_mut() {
                None => {
                    if root.is_some() {
                        return None;
                    }
                    root = Some(node);
                }
                Some(Frame::Seq(_, items)) => items.push(node),
                Some(Frame::Map(_, entries, pending)) => match pending.take() {
                    Some(key) => entries.push((key, node)),
                    // Only string and integer keys (`1:` in a rating scale): serde-saphyr
                    // reads other keys in ways of its own.
                    None if matches!(node.kind, Kind::Str(_) | Kind::Int(_)) => {
                        *pending = Some(node)
                    }
                    None => return None,
                },
            }
        }
        if !stack.is_empty() {
            return None;
        }
        // An empty file: serde-saphyr says where its null is.
        root
    }

    /// What serde-saphyr makes of a plain scalar with strict booleans, for the spellings it
    /// is certain about; `None` for the rest (other number forms, `.inf`, merge keys).
    fn plain(s: &str) -> Option<Kind> {
        match s {
            "" | "~" | "null" | "Null" | "NULL" => return Some(Kind::Null),
            "true" | "True" | "TRUE" => return Some(Kind::Bool(true)),
            "false" | "False" | "FALSE" => return Some(Kind::Bool(false)),
            "<<" => return None,
            _ => {}
        }
        let b = s.as_bytes();
        if b[0].is_ascii_digit() || matches!(b[0], b'-' | b'+' | b'.') {
            return number_or_date(s);
        }
        // Words Rust's float parser accepts, in any case.
        if b.len() <= 8 && b[0].is_ascii_alphabetic() {
            let lower = s.to_ascii_lowercase();
            if matches!(lower.as_str(), "inf" | "infinity" | "nan") {
                return None;
            }
        }
        Some(Kind::Str(s.to_string()))
    }

    fn is_digits(b: &[u8]) -> bool {
        !b.is_empty() && b.iter().all(u8::is_ascii_digit)
    }

    /// `-12`, `0`, `2.5`, `-0.25`, `2026-09-30` and text that cannot be a number; anything
    /// else that starts like one (`0x1f`, `1e3`, `+1`, `01`, `1_000`, `12:30`, `1.2.3`) is
    /// left to serde-saphyr.
    fn number_or_date(s: &str) -> Option<Kind> {
        let b = s.as_bytes();
        let unsigned = b.strip_prefix(b"-").unwrap_or(b);
        let (int, frac) = match unsigned.iter().position(|&c| c == b'.') {
            Some(dot) => (&unsigned[..dot], Some(&unsigned[dot + 1..])),
            None => (unsigned, None),
        };
        // A character no number form has (hex digits, radix and exponent letters, `inf`,
        // `nan`, `_`, `:`) makes it a string: durations such as `2h 30m`, `61min`, `2.7h`,
        // and `3d`, which only a hex form without its `0x` would read as a number.
        const NUMERIC: &[u8] = b"0123456789+-._:eEbBoOxXaAcCdDfFiInN";
        let days = b.len() > 1 && b.ends_with(b"d") && is_digits(&b[..b.len() - 1]);
        if days || b.iter().any(|c| !NUMERIC.contains(c)) {
            return Some(Kind::Str(s.to_string()));
        }
        let int_ok = is_digits(int) && (int.len() == 1 || int[0] != b'0');
        match frac {
            None if int_ok && int.len() <= 18 => s.parse().ok().map(Kind::Int),
            Some(f) if int_ok && is_digits(f) && unsigned.len() <= 17 => {
                s.parse().ok().map(Kind::Float)
            }
            _ if b.len() == 10
                && is_digits(&b[..4])
                && b[4] == b'-'
                && is_digits(&b[5..7])
                && b[7] == b'-'
                && is_digits(&b[8..]) =>
            {
                Some(Kind::Str(s.to_string()))
            }
            _ => None,
        }
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
        source: None,
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
    fn repeated_keys_of_a_large_mapping_are_reported_and_the_first_kept() {
        let mut text: String = (0..20).map(|i| format!("k{i}: {i}\n")).collect();
        text.push_str("k3: again\nk19: again\n");
        let doc = parse_document(&text).unwrap();
        let lines: Vec<(u32, &str)> = doc
            .problems
            .iter()
            .map(|p| (p.loc.line, p.message.as_str()))
            .collect();
        assert_eq!(
            lines,
            [(21, "duplicate key 'k3'"), (22, "duplicate key 'k19'")]
        );
        assert_eq!(
            doc.problems[0].hint.as_deref(),
            Some("'k3' is already on line 4; a mapping names each key once")
        );
        let Kind::Map(entries) = &doc.root.kind else {
            panic!("a mapping")
        };
        assert_eq!(entries.len(), 20);
        assert_eq!(entries[3].1.kind, Kind::Int(3));
    }

    proptest::proptest! {
        /// The quick test of a plainly written integer agrees with printing it.
        #[test]
        fn a_plain_integer_is_one_written_as_it_prints(
            i in proptest::num::i64::ANY,
            form in 0..6usize,
        ) {
            let plain = i.to_string();
            let written = match form {
                0 => plain.clone(),
                1 => format!("+{plain}"),
                2 => format!("0{plain}"),
                3 => plain.replacen('-', "-0", 1),
                4 => format!("{plain}_0"),
                _ => format!("-{}", plain.trim_start_matches('-')),
            };
            proptest::prop_assert_eq!(is_plain_int(&written, i), written == plain);
        }
    }

    #[test]
    fn plain_integers_are_told_from_other_forms() {
        for (written, i, plain) in [
            ("0", 0, true),
            ("-0", 0, false),
            ("+1", 1, false),
            ("007", 7, false),
            ("1_000", 1000, false),
            ("-12", -12, true),
            ("9223372036854775807", i64::MAX, true),
            ("-9223372036854775808", i64::MIN, true),
            ("", 0, false),
            ("-", 0, false),
        ] {
            assert_eq!(is_plain_int(written, i), plain, "{written}");
        }
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

    /// The fast path gives serde-saphyr's tree, or steps aside.
    #[test]
    fn both_paths_agree() {
        let cases = [
            "a: 1\nb: -2\nc: 2.5\nd: -0.25\ne: 0\nf: -0\n",
            "a: 01\nb: 1e3\nc: 0x1f\nd: +1\ne: 1_000\nf: .5\ng: 1.\nh: 12:30\n",
            "a: .inf\nb: -.inf\nc: .nan\nd: inf\ne: NaN\nf: Infinity\n",
            "a: true\nb: True\nc: FALSE\nd: no\ne: yes\nf: on\ng: y\n",
            "a: null\nb: ~\nc:\nd: Null\ne: 'null'\nf: \"~\"\n",
            "a: 2026-09-30\nb: 2h 30m\nc: 61min\nd: 2.7h\ne: 3d\nf: PT2H\ng: 1.2.3\n",
            "a: '3'\nb: \"4\"\nc: |\n  x\n  y\nd: >\n  x\n  y\n",
            "{1: a, 2: b, x: [1, {y: z}], '': q}\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\nb: !custom x\n",
            "<<: {a: 1}\nb: 2\n",
            "a: 1\na: 2\nb: {x: 1, x: 2}\n",
            "- a\n- [b, c]\n- {d: e}\n",
            "",
            "# only a comment\n",
            "a: [1\n",
            "a: 1\n---\nb: 2\n",
            "a: \"caf\u{e9} \u{1F600}\"\nb: \u{17e}elva\n",
            "? [a]\n: b\n",
            "a: 9223372036854775807\nb: 123456789012345678\nc: 1234567890.123456\n",
        ];
        for text in cases {
            // Compared as text: `.nan` is not equal to itself.
            assert_eq!(
                format!("{:?}", parse_document(text)),
                format!("{:?}", parse_document_slow(text)),
                "{text:?}"
            );
        }
        assert!(takes_fast_path("a: 1\nb: [x, 2.5, 2026-01-01, 2h]\n"));
        for stepping_aside in ["a: &x 1\nb: *x\n", "a: !!str 1\n", "a: 1e3\n", "a: [1\n"] {
            assert!(!takes_fast_path(stepping_aside), "{stepping_aside:?}");
        }
    }

    #[test]
    fn the_fast_path_steps_aside_for_deep_nesting() {
        let deep = format!("a: {}{}", "[".repeat(100), "]".repeat(100));
        assert!(!takes_fast_path(&deep));
        let ok = format!("a: {}{}", "[".repeat(40), "]".repeat(40));
        assert!(takes_fast_path(&ok));
        assert_eq!(parse_document(&ok), parse_document_slow(&ok));
    }

    #[test]
    fn tabs_in_indentation_are_pointed_at() {
        for text in ["a:\n\tb: 1\n", "a:\n  b: 1\n \tc: 2\n", "a:\n\t- x\n"] {
            let err = parse(text).unwrap_err();
            let line = text.lines().position(|l| l.contains('\t')).unwrap() as u32 + 1;
            assert_eq!(err.loc.line, line, "{text:?}: {err:?}");
            assert_eq!(err.hint.as_deref(), Some(TAB_HINT), "{text:?}");
        }
        // A tab after a key is not indentation.
        assert!(parse("a:\tb\n").is_ok());
        assert!(parse("a: [1\n\t# note\n").unwrap_err().hint.as_deref() != Some(TAB_HINT));
        // A tab in a block scalar is text, not the cause of a later error.
        let text = "a: |\n  \tcode\nb: 1\nc: [1\n";
        assert_ne!(parse(text).unwrap_err().loc.line, 2);
    }

    /// A number keeps the text it was written as, on both paths, where that differs from
    /// how it prints: an id `0x10` is `0x10`, not `16`.
    #[test]
    fn numbers_keep_their_written_text() {
        let text = "a: 0x10\nb: 0o17\nc: 0b11\nd: +1\ne: -0\nf: 1_000\ng: 16\nh: 2.50\n\"\u{e9}\": [x, 0x1f]\n";
        let doc = parse_document(text).unwrap();
        let map = doc.root.as_map().unwrap();
        let written: Vec<String> = map[..8]
            .iter()
            .map(|(_, v)| v.scalar_text().unwrap())
            .collect();
        assert_eq!(
            written,
            ["0x10", "0o17", "0b11", "+1", "-0", "1_000", "16", "2.50"]
        );
        assert_eq!(map[0].1.kind, Kind::Int(16));
        assert_eq!(map[6].1.source, None);
        let Kind::Seq(items) = &map[8].1.kind else {
            panic!("a list")
        };
        assert_eq!(items[1].scalar_text().as_deref(), Some("0x1f"));
        for fast in ["a: -0\n", "a: 2.50\n"] {
            assert!(takes_fast_path(fast), "{fast:?}");
            assert_eq!(parse_document(fast), parse_document_slow(fast), "{fast:?}");
        }
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

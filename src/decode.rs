//! Reading typed values out of located YAML nodes, collecting a diagnostic for every problem
//! instead of stopping at the first.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;

use crate::diag::{Diagnostic, Diagnostics};
use crate::source::Loc;
use crate::suggest;
use crate::text::{Text, is_language_tag};
use crate::yaml::{Kind, Node};

/// The file being read and where its problems go.
pub struct Ctx<'a> {
    pub file: &'a Path,
    pub diags: &'a mut Diagnostics,
}

impl<'a> Ctx<'a> {
    pub fn new(file: &'a Path, diags: &'a mut Diagnostics) -> Self {
        Ctx { file, diags }
    }

    pub fn error(&mut self, loc: Loc, message: impl Into<String>) {
        self.diags.push(Diagnostic::error(self.file, loc, message));
    }

    pub fn error_hint(&mut self, loc: Loc, message: impl Into<String>, hint: impl Into<String>) {
        self.diags
            .push(Diagnostic::error(self.file, loc, message).with_hint(hint));
    }

    pub fn warning_hint(&mut self, loc: Loc, message: impl Into<String>, hint: impl Into<String>) {
        self.diags
            .push(Diagnostic::warning(self.file, loc, message).with_hint(hint));
    }

    fn wrong_type(&mut self, node: &Node, field: &str, expected: &str) {
        self.error(
            node.loc,
            format!(
                "expected {expected} for '{field}', found {}",
                node.describe()
            ),
        );
    }
}

/// A mapping whose keys were checked against the fields a structure allows.
pub struct Fields<'n> {
    loc: Loc,
    what: String,
    entries: Vec<(&'n str, &'n Node, &'n Node)>,
}

impl<'n> Fields<'n> {
    pub fn get(&self, name: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _, _)| *k == name)
            .map(|(_, _, v)| *v)
    }

    /// The value of a field that must be there; reports it missing otherwise.
    pub fn require(&self, ctx: &mut Ctx, name: &str) -> Option<&'n Node> {
        let v = self.get(name);
        if v.is_none() {
            ctx.error_hint(
                self.loc,
                format!("missing field '{name}' in {}", self.what),
                format!("add `{name}: …` to {}", self.what),
            );
        }
        v
    }

    /// Where a field's key is written, for problems about the field as a whole.
    pub fn key_loc(&self, name: &str) -> Loc {
        self.entries
            .iter()
            .find(|(k, _, _)| *k == name)
            .map_or(self.loc, |(_, k, _)| k.loc)
    }

    pub fn loc(&self) -> Loc {
        self.loc
    }
}

/// Checks that `node` is a mapping with only `allowed` keys. `what` names the structure in
/// messages ("a checklist", "section 'evaluate'").
pub fn fields<'n>(
    ctx: &mut Ctx,
    node: &'n Node,
    allowed: &[&str],
    what: &str,
) -> Option<Fields<'n>> {
    let Some(map) = node.as_map() else {
        ctx.error(
            node.loc,
            format!("expected a mapping for {what}, found {}", node.describe()),
        );
        return None;
    };
    let mut entries = Vec::with_capacity(map.len());
    for (k, v) in map {
        let Some(key) = k.as_str() else {
            ctx.error(
                k.loc,
                format!("expected a field name in {what}, found {}", k.describe()),
            );
            continue;
        };
        if allowed.contains(&key) {
            entries.push((key, k, v));
        } else {
            let hint = match suggest::nearest(key, allowed.iter().copied()) {
                Some(near) => format!("did you mean '{near}'?"),
                None => format!("the fields of {what} are: {}", allowed.join(", ")),
            };
            ctx.error_hint(k.loc, format!("unknown field '{key}' in {what}"), hint);
        }
    }
    Some(Fields {
        loc: node.loc,
        what: what.to_string(),
        entries,
    })
}

/// The ids of the format: lowercase letters, digits and dashes; used as path segments.
pub fn is_id(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 64
        && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

/// A suggestion for an id that does not match the pattern.
pub fn id_hint(s: &str) -> String {
    let mut fixed: String = s
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    while fixed.contains("--") {
        fixed = fixed.replace("--", "-");
    }
    let fixed: String = fixed.trim_matches('-').chars().take(64).collect();
    if is_id(&fixed) {
        format!("ids are lowercase letters, digits and '-' (they become paths): try '{fixed}'")
    } else {
        "ids are 1 to 64 lowercase letters, digits and '-', starting with a letter or digit".into()
    }
}

pub fn check_id(ctx: &mut Ctx, loc: Loc, id: &str, what: &str) -> bool {
    if is_id(id) {
        return true;
    }
    ctx.error_hint(loc, format!("invalid {what} '{id}'"), id_hint(id));
    false
}

pub fn string(ctx: &mut Ctx, node: &Node, field: &str) -> Option<String> {
    match &node.kind {
        Kind::Str(s) => Some(s.clone()),
        Kind::Int(_) | Kind::Float(_) => node.scalar_text(),
        _ => {
            ctx.wrong_type(node, field, "a string");
            None
        }
    }
}

/// An id-valued field (numbers such as `2026` are accepted as text).
pub fn id(ctx: &mut Ctx, node: &Node, field: &str, what: &str) -> Option<String> {
    let s = match &node.kind {
        Kind::Str(s) => s.clone(),
        Kind::Int(i) => i.to_string(),
        _ => {
            ctx.wrong_type(node, field, "an id");
            return None;
        }
    };
    check_id(ctx, node.loc, &s, what).then_some(s)
}

pub fn number(ctx: &mut Ctx, node: &Node, field: &str) -> Option<f64> {
    match node.as_f64() {
        Some(v) if v.is_finite() => Some(v),
        Some(_) => {
            ctx.error(node.loc, format!("'{field}' must be a finite number"));
            None
        }
        None => {
            ctx.wrong_type(node, field, "a number");
            None
        }
    }
}

/// A weight: a number, zero or more.
pub fn weight(ctx: &mut Ctx, node: &Node) -> Option<f64> {
    let w = number(ctx, node, "weight")?;
    if w < 0.0 {
        ctx.error_hint(
            node.loc,
            format!("negative weight {w}"),
            "weights are 0 or more; 0 shows an item without scoring it",
        );
        return None;
    }
    Some(w)
}

pub fn positive_int(ctx: &mut Ctx, node: &Node, field: &str) -> Option<u32> {
    match node.kind {
        Kind::Int(i) if i >= 1 && i <= i64::from(u32::MAX) => Some(i as u32),
        Kind::Int(_) => {
            ctx.error(
                node.loc,
                format!("'{field}' must be a positive whole number"),
            );
            None
        }
        _ => {
            ctx.wrong_type(node, field, "a positive whole number");
            None
        }
    }
}

pub fn count(ctx: &mut Ctx, node: &Node, field: &str) -> Option<f64> {
    match node.kind {
        Kind::Int(i) if i >= 0 => Some(i as f64),
        Kind::Int(i) => {
            ctx.error_hint(
                node.loc,
                format!("negative count {i} for '{field}'"),
                "counts are whole numbers, 0 or more",
            );
            None
        }
        _ => {
            ctx.wrong_type(node, field, "a whole number");
            None
        }
    }
}

pub fn date(ctx: &mut Ctx, node: &Node, field: &str) -> Option<NaiveDate> {
    let Some(s) = node.as_str() else {
        ctx.wrong_type(node, field, "a date (YYYY-MM-DD)");
        return None;
    };
    let parsed = (s.len() == 10)
        .then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .flatten();
    if parsed.is_none() {
        ctx.error_hint(
            node.loc,
            format!("invalid date '{s}' for '{field}'"),
            "write dates as YYYY-MM-DD, for example 2026-09-30",
        );
    }
    parsed
}

pub fn list<'n>(ctx: &mut Ctx, node: &'n Node, field: &str) -> Option<&'n [Node]> {
    match &node.kind {
        Kind::Seq(items) => Some(items),
        _ => {
            ctx.wrong_type(node, field, "a list");
            None
        }
    }
}

pub fn language(ctx: &mut Ctx, node: &Node, field: &str) -> Option<String> {
    let s = string(ctx, node, field)?;
    if is_language_tag(&s) {
        Some(s)
    } else {
        ctx.error_hint(
            node.loc,
            format!("invalid language tag '{s}'"),
            "use a BCP 47 tag such as en, hr, pt-BR or zh-Hant",
        );
        None
    }
}

/// A Text: a plain string (in `file_language`) or a map from language tag to string.
pub fn text(ctx: &mut Ctx, node: &Node, field: &str, file_language: &str) -> Option<Text> {
    match &node.kind {
        Kind::Str(s) => Some(Text::plain(s.clone(), file_language)),
        Kind::Int(_) | Kind::Float(_) => Some(Text::plain(
            node.scalar_text().unwrap_or_default(),
            file_language,
        )),
        Kind::Map(entries) => {
            let mut values = BTreeMap::new();
            for (k, v) in entries {
                let Some(lang) = k.as_str() else {
                    ctx.error(k.loc, format!("expected a language tag in '{field}'"));
                    continue;
                };
                if !is_language_tag(lang) {
                    ctx.error_hint(
                        k.loc,
                        format!("invalid language tag '{lang}' in '{field}'"),
                        "use a BCP 47 tag such as en, hr, pt-BR or zh-Hant",
                    );
                    continue;
                }
                match &v.kind {
                    Kind::Str(s) => {
                        values.insert(lang.to_string(), s.clone());
                    }
                    Kind::Int(_) | Kind::Float(_) => {
                        values.insert(lang.to_string(), v.scalar_text().unwrap_or_default());
                    }
                    _ => ctx.wrong_type(v, &format!("{field}.{lang}"), "a string"),
                }
            }
            if entries.is_empty() {
                ctx.error_hint(
                    node.loc,
                    format!("'{field}' has no text in any language"),
                    "write a string, or a map such as {en: …, hr: …}",
                );
                return None;
            }
            (!values.is_empty()).then(|| Text::from_map(values, file_language))
        }
        _ => {
            ctx.wrong_type(node, field, "a text (a string or a map of languages)");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(is_id("assess-quality") && is_id("2026-q3") && is_id("a"));
        assert!(!is_id("-a") && !is_id("A") && !is_id("a_b") && !is_id("") && !is_id("a/b"));
        assert!(!is_id(&"a".repeat(65)));
        assert!(id_hint("Assess Quality").contains("'assess-quality'"));
    }
}

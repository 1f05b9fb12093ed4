//! Reading typed values out of located YAML nodes, collecting a diagnostic for every problem
//! instead of stopping at the first.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;

use crate::diag::{Diagnostic, Diagnostics};
use crate::source::Loc;
use crate::suggest::{self, Suggestion};
use crate::text::{Text, canonical_tag, is_language_tag};
use crate::yaml::{Kind, Node};

/// The languages the text maps of a file are written in: each with where it is first
/// seen and how many texts use it.
pub type TextLanguages = BTreeMap<String, (Loc, usize)>;

/// Most names compared, per file, to find what a misspelt name was meant to be: more than
/// any real workspace needs, and a bound on the work a file of thousands of misspelt
/// answers to a checklist of thousands of items can cause.
const SUGGESTION_BUDGET: usize = 200_000;

/// The file being read and where its problems go.
pub struct Ctx<'a> {
    pub file: &'a Path,
    pub diags: &'a mut Diagnostics,
    /// Where to record the languages of the texts read, if anywhere.
    texts: Option<&'a mut TextLanguages>,
    /// How many more names suggestions may compare.
    suggestion_budget: usize,
}

impl<'a> Ctx<'a> {
    pub fn new(file: &'a Path, diags: &'a mut Diagnostics) -> Self {
        Ctx {
            file,
            diags,
            texts: None,
            suggestion_budget: SUGGESTION_BUDGET,
        }
    }

    /// A context that also records the language of every text map it reads into `texts`.
    pub fn with_texts(
        file: &'a Path,
        diags: &'a mut Diagnostics,
        texts: &'a mut TextLanguages,
    ) -> Self {
        Ctx {
            file,
            diags,
            texts: Some(texts),
            suggestion_budget: SUGGESTION_BUDGET,
        }
    }

    /// The candidate `word` is most likely a misspelling of, while the file's budget for
    /// suggestions lasts; after that, none.
    pub fn suggest<'c, I>(&mut self, word: &str, candidates: I) -> Option<Suggestion<'c>>
    where
        I: IntoIterator<Item = &'c str>,
    {
        let budget = &mut self.suggestion_budget;
        let mut exhausted = false;
        let counted = candidates.into_iter().take_while(|_| {
            exhausted = *budget == 0;
            *budget = budget.saturating_sub(1);
            !exhausted
        });
        let near = suggest::suggestion(word, counted);
        if exhausted { None } else { near }
    }

    /// The hint for a misspelt `word`: "did you mean …?" (see [`suggest::hint`]) while the
    /// file's budget for suggestions lasts, else `otherwise`.
    pub fn hint<'c, I>(
        &mut self,
        word: &str,
        candidates: I,
        otherwise: impl FnOnce() -> String,
    ) -> String
    where
        I: IntoIterator<Item = &'c str>,
    {
        self.suggest(word, candidates)
            .map_or_else(otherwise, |s| s.hint())
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
        let message = format!(
            "expected {expected} for '{field}', found {}",
            node.describe()
        );
        let wants_text = ["a string", "an id", "a text"]
            .iter()
            .any(|t| expected.starts_with(t));
        match wrong_type_hint(node, field, wants_text) {
            Some(hint) => self.error_hint(node.loc, message, hint),
            None => self.error(node.loc, message),
        }
    }
}

/// The usual slips behind a value of the wrong type: an empty value, or a word YAML reads
/// as a boolean. (A number in quotes is caught by [`number`].)
fn wrong_type_hint(node: &Node, field: &str, wants_text: bool) -> Option<String> {
    match &node.kind {
        Kind::Null => {
            let key = field.rsplit('.').next().unwrap_or(field);
            Some(format!("write a value after `{key}:`"))
        }
        Kind::Bool(b) if wants_text => Some(format!(
            "YAML reads {b} as a boolean; put it in quotes: \"{b}\""
        )),
        _ => None,
    }
}

/// A mapping whose keys were checked against the fields a structure allows.
pub struct Fields<'n> {
    loc: Loc,
    what: String,
    entries: Vec<(&'n str, &'n Node, &'n Node)>,
    /// Fields that an unknown key was taken for a misspelling of: already reported, so not
    /// reported again as missing.
    misspelt: Vec<String>,
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
        if v.is_none() && !self.misspelt(name) {
            ctx.error_hint(
                self.loc,
                format!("missing field '{name}' in {}", self.what),
                format!("add `{name}: …` to {}", self.what),
            );
        }
        v
    }

    /// Whether an unknown key was reported as a misspelling of field `name`.
    pub fn misspelt(&self, name: &str) -> bool {
        self.misspelt.iter().any(|m| m == name)
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
    let mut misspelt = Vec::new();
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
            let hint = match ctx.suggest(key, allowed.iter().copied()) {
                Some(s) => {
                    misspelt.push(s.near.to_string());
                    s.hint()
                }
                None => format!("the fields of {what} are: {}", allowed.join(", ")),
            };
            ctx.error_hint(k.loc, format!("unknown field '{key}' in {what}"), hint);
        }
    }
    Some(Fields {
        loc: node.loc,
        what: what.to_string(),
        entries,
        misspelt,
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

/// Why ids and file names such as `con` or `lpt1` are refused.
pub const DEVICE_NAME_HINT: &str = "ids become file and folder names, and Windows cannot have one named con, prn, aux, nul, com1 to com9 or lpt1 to lpt9: choose another";

pub fn check_id(ctx: &mut Ctx, loc: Loc, id: &str, what: &str) -> bool {
    if is_id(id) && crate::workspace::is_device_name(id) {
        ctx.error_hint(
            loc,
            format!("invalid {what} '{id}': a reserved device name on Windows"),
            DEVICE_NAME_HINT,
        );
        return false;
    }
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

/// A `true`/`false` field.
pub fn boolean(ctx: &mut Ctx, node: &Node, field: &str) -> Option<bool> {
    match node.kind {
        Kind::Bool(b) => Some(b),
        _ => {
            ctx.wrong_type(node, field, "true or false");
            None
        }
    }
}

/// An id-valued field. A number such as `2026` is taken as the text it is written as, so
/// `0x10`, `+1` or `1_000` are that text (and `+1`, `1_000` invalid ids), never `16`, `1` or
/// `1000`.
pub fn id(ctx: &mut Ctx, node: &Node, field: &str, what: &str) -> Option<String> {
    let s = match &node.kind {
        Kind::Str(s) => s.clone(),
        Kind::Int(_) => node.scalar_text().unwrap_or_default(),
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
            ctx.error(
                node.loc,
                format!(
                    "'{field}' must be a finite number, found {}",
                    node.scalar_text().unwrap_or_default()
                ),
            );
            None
        }
        None if node
            .as_str()
            .is_some_and(|s| s.trim().parse::<f64>().is_ok()) =>
        {
            ctx.error_hint(
                node.loc,
                format!("expected a number for '{field}', found a string"),
                "write the number without quotes",
            );
            None
        }
        None => match node.as_str().and_then(decimal_point) {
            Some(fixed) => {
                ctx.error_hint(
                    node.loc,
                    format!("expected a number for '{field}', found a string"),
                    format!("use a decimal point: {fixed}"),
                );
                None
            }
            None => {
                ctx.wrong_type(node, field, "a number");
                None
            }
        },
    }
}

/// `87,5` written with a decimal point, when that is what it is: a number with one comma
/// followed by digits (not `1,000`, which may be thousands).
fn decimal_point(s: &str) -> Option<String> {
    let (whole, fraction) = s.trim().split_once(',')?;
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let whole_ok = digits(whole.strip_prefix('-').unwrap_or(whole));
    (whole_ok && digits(fraction) && fraction.len() != 3).then(|| format!("{whole}.{fraction}"))
}

/// A weight: a number, zero or more.
pub fn weight(ctx: &mut Ctx, node: &Node) -> Option<f64> {
    let w = number(ctx, node, "weight")?;
    if w < 0.0 {
        ctx.error_hint(
            node.loc,
            format!("negative weight {}", crate::yaml::format_number(w)),
            "weights are 0 or more; 0 shows an item without scoring it",
        );
        return None;
    }
    Some(w)
}

pub fn positive_int(ctx: &mut Ctx, node: &Node, field: &str) -> Option<u32> {
    match node.kind {
        Kind::Int(i) if i >= 1 && i <= i64::from(u32::MAX) => Some(i as u32),
        Kind::Int(_) | Kind::Float(_) => {
            ctx.error(
                node.loc,
                format!(
                    "'{field}' must be a positive whole number, found {}",
                    node.scalar_text().unwrap_or_default()
                ),
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
    const HINT: &str = "counts are whole numbers, 0 or more";
    match node.kind {
        Kind::Int(i) if i >= 0 => Some(i as f64),
        Kind::Int(i) => {
            ctx.error_hint(node.loc, format!("negative count {i} for '{field}'"), HINT);
            None
        }
        // Written as `1e3`, or too large for an integer: still a count if whole.
        Kind::Float(f) if f >= 0.0 && f.is_finite() && f.fract() == 0.0 => Some(f),
        Kind::Float(f) => {
            let text = node.scalar_text().unwrap_or_default();
            let message = if f < 0.0 {
                format!("negative count {text} for '{field}'")
            } else {
                format!("count {text} for '{field}' is not a whole number")
            };
            ctx.error_hint(node.loc, message, HINT);
            None
        }
        _ => {
            ctx.wrong_type(node, field, "a whole number");
            None
        }
    }
}

pub fn date(ctx: &mut Ctx, node: &Node, field: &str) -> Option<NaiveDate> {
    const HINT: &str = "write dates as YYYY-MM-DD, for example 2026-09-30";
    let Some(s) = node.as_str() else {
        let message = format!(
            "expected a date (YYYY-MM-DD) for '{field}', found {}",
            node.describe()
        );
        let hint = wrong_type_hint(node, field, false).unwrap_or_else(|| HINT.to_string());
        ctx.error_hint(node.loc, message, hint);
        return None;
    };
    let shaped = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    let parsed = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .filter(|_| shaped);
    if parsed.is_none() {
        let hint = if shaped {
            format!("{s} is not a day of the calendar")
        } else {
            HINT.to_string()
        };
        ctx.error_hint(node.loc, format!("invalid date '{s}' for '{field}'"), hint);
    }
    parsed
}

pub fn list<'n>(ctx: &mut Ctx, node: &'n Node, field: &str) -> Option<&'n [Node]> {
    match &node.kind {
        Kind::Seq(items) => Some(items),
        Kind::Str(_) | Kind::Int(_) | Kind::Float(_) => {
            let one = node.scalar_text().unwrap_or_default();
            ctx.error_hint(
                node.loc,
                format!("expected a list for '{field}', found {}", node.describe()),
                format!("write a list, even of one: [{one}]"),
            );
            None
        }
        _ => {
            ctx.wrong_type(node, field, "a list");
            None
        }
    }
}

pub fn language(ctx: &mut Ctx, node: &Node, field: &str) -> Option<String> {
    let s = canonical_tag(&string(ctx, node, field)?);
    if is_language_tag(&s) && crate::workspace::is_device_name(&s) {
        ctx.error_hint(
            node.loc,
            format!("invalid language tag '{s}': a reserved device name on Windows"),
            "each language's pages are in a folder named after it, and Windows cannot have one named con, prn, aux or nul",
        );
        None
    } else if is_language_tag(&s) {
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
                if !is_language_tag(&canonical_tag(lang)) {
                    ctx.error_hint(
                        k.loc,
                        format!("invalid language tag '{lang}' in '{field}'"),
                        "use a BCP 47 tag such as en, hr, pt-BR or zh-Hant",
                    );
                    continue;
                }
                let value = match &v.kind {
                    Kind::Str(s) => s.clone(),
                    Kind::Int(_) | Kind::Float(_) => v.scalar_text().unwrap_or_default(),
                    _ => {
                        ctx.wrong_type(v, &format!("{field}.{lang}"), "a string");
                        continue;
                    }
                };
                if let Some(texts) = ctx.texts.as_deref_mut() {
                    texts.entry(lang.to_string()).or_insert((k.loc, 0)).1 += 1;
                }
                values.insert(lang.to_string(), value);
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
    fn suggestions_stop_when_their_budget_is_spent() {
        let mut diags = Diagnostics::default();
        let mut ctx = Ctx::new(Path::new("a.yaml"), &mut diags);
        let many: Vec<String> = (0..SUGGESTION_BUDGET).map(|i| format!("x{i}")).collect();
        assert_eq!(
            ctx.suggest("x-1", many.iter().map(String::as_str))
                .map(|s| s.near),
            Some("x1")
        );
        assert_eq!(ctx.suggest("x-1", ["x1"]), None);
    }

    #[test]
    fn ids() {
        assert!(is_id("assess-quality") && is_id("2026-q3") && is_id("a"));
        assert!(!is_id("-a") && !is_id("A") && !is_id("a_b") && !is_id("") && !is_id("a/b"));
        assert!(!is_id(&"a".repeat(65)));
        assert!(id_hint("Assess Quality").contains("'assess-quality'"));
    }

    #[test]
    fn decimal_commas() {
        assert_eq!(decimal_point("87,5").as_deref(), Some("87.5"));
        assert_eq!(decimal_point("-0,25").as_deref(), Some("-0.25"));
        assert_eq!(decimal_point("1,000"), None);
        assert_eq!(decimal_point("a,5"), None);
        assert_eq!(decimal_point("87.5"), None);
    }
}

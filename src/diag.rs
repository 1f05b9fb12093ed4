//! Diagnostics: one type for every problem found in a workspace, and the three ways to print them.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::source::{Loc, Sources};

/// How bad a problem is. Warnings fail `check` only with `--strict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, located in a file of the workspace.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// The file, relative to the workspace root.
    pub file: PathBuf,
    pub loc: Loc,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(file: &Path, loc: Loc, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: printable(message.into()),
            file: file.to_path_buf(),
            loc,
            hint: None,
        }
    }

    pub fn warning(file: &Path, loc: Loc, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, loc, message)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(printable(hint.into()));
        self
    }

    pub fn with_hint_opt(mut self, hint: Option<String>) -> Self {
        self.hint = hint.map(printable);
        self
    }
}

/// Longest message or hint printed, in characters: a value quoted from a file can be
/// megabytes long.
const MAX_TEXT: usize = 500;

/// Makes text quoted from a file safe to print on one line of a terminal: control
/// characters escaped (`\u{1b}`), and the middle of an overlong text left out.
fn printable(text: String) -> String {
    if text.len() <= MAX_TEXT && !text.chars().any(char::is_control) {
        return text;
    }
    let escaped: Vec<char> = text
        .chars()
        .flat_map(|c| {
            let e: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            e
        })
        .collect();
    if escaped.len() <= MAX_TEXT {
        return escaped.into_iter().collect();
    }
    let keep = MAX_TEXT / 2;
    let head: String = escaped[..keep].iter().collect();
    let tail: String = escaped[escaped.len() - keep..].iter().collect();
    format!("{head}…{tail}")
}

/// Diagnostics collected over a whole run, never thrown on the first problem.
#[derive(Debug, Default)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.list.push(d);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.list.extend(other.list);
    }

    pub fn has_errors(&self) -> bool {
        self.list.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.list.iter().filter(|d| d.severity == severity).count()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.list.iter()
    }

    /// Sorts by file, then position, so output is stable whatever order checks ran in.
    pub fn sort(&mut self) {
        self.list.sort_by(|a, b| {
            (&a.file, a.loc.line, a.loc.column, a.severity, &a.message).cmp(&(
                &b.file,
                b.loc.line,
                b.loc.column,
                b.severity,
                &b.message,
            ))
        });
        self.list.dedup();
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.list
    }
}

/// The output formats of `check --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Github,
}

pub fn render(diags: &Diagnostics, sources: &Sources, format: Format) -> String {
    match format {
        Format::Human => render_human(diags, sources),
        Format::Json => render_json(diags),
        Format::Github => render_github(diags),
    }
}

/// Renders like rustc: message, location, the source line with a caret, then the hint.
pub fn render_human(diags: &Diagnostics, sources: &Sources) -> String {
    let mut out = String::new();
    // Each file split into lines once, and each quoted line into characters once: a file
    // with thousands of problems, even on one line of megabytes, is not scanned again for
    // each of them.
    let mut lines: HashMap<&Path, Vec<&str>> = HashMap::new();
    let mut quoted: HashMap<(&Path, u32), Vec<char>> = HashMap::new();
    for d in diags.iter() {
        let line_chars = match d.loc.line.checked_sub(1) {
            Some(i) => {
                let text = lines
                    .entry(&d.file)
                    .or_insert_with(|| {
                        sources
                            .get(&d.file)
                            .map_or_else(Vec::new, |t| t.split('\n').collect())
                    })
                    .get(i as usize)
                    .copied();
                text.map(|t| {
                    quoted
                        .entry((&d.file, d.loc.line))
                        .or_insert_with(|| line_chars(t))
                        .as_slice()
                })
            }
            None => None,
        };
        render_at(&mut out, d, line_chars);
        out.push('\n');
    }
    out
}

pub fn render_one(out: &mut String, d: &Diagnostic, sources: &Sources) {
    let chars = match d.loc.line {
        0 => None,
        line => sources.line(&d.file, line).map(line_chars),
    };
    render_at(out, d, chars.as_deref());
}

/// The characters of a source line, without its line ending.
fn line_chars(text: &str) -> Vec<char> {
    text.trim_end_matches(['\r', '\n']).chars().collect()
}

/// One diagnostic, quoting `line`, the characters of its line where the file has one.
fn render_at(out: &mut String, d: &Diagnostic, line: Option<&[char]>) {
    let label = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let _ = writeln!(out, "{label}: {}", d.message);
    let file = display_path(&d.file);
    // As in rustc, the arrow and the bars line up with the width of the line number.
    let gutter = d.loc.line.to_string().len();
    let pad = " ".repeat(gutter);
    if d.loc.line == 0 {
        let _ = writeln!(out, "{pad}--> {file}");
    } else {
        let _ = writeln!(out, "{pad}--> {file}:{}:{}", d.loc.line, d.loc.column);
    }
    if let Some(chars) = line {
        let (shown, caret, width) = excerpt(chars, d.loc.column, d.loc.width);
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{} | {}", d.loc.line, shown);
        let _ = writeln!(out, "{pad} | {}{}", " ".repeat(caret), "^".repeat(width));
    }
    if let Some(hint) = &d.hint {
        let _ = writeln!(out, "{pad} = hint: {hint}");
    }
}

/// Most characters of a source line quoted: a minified file can be one line of megabytes.
const MAX_LINE: usize = 120;

/// The part of a line to quote around 1-based character `column`, with the caret's offset
/// and its width in characters, covering `bytes` bytes. Tabs become spaces and control
/// characters U+FFFD, so each character takes one column and nothing reaches the terminal
/// that it would act on. The work is bounded by the excerpt, not by the line.
fn excerpt(chars: &[char], column: u32, bytes: u32) -> (String, usize, usize) {
    let col = (column.max(1) as usize - 1).min(chars.len());
    let (start, end) = if chars.len() <= MAX_LINE {
        (0, chars.len())
    } else {
        let start = col.saturating_sub(MAX_LINE / 3).min(chars.len() - MAX_LINE);
        (start, start + MAX_LINE)
    };
    let mut shown = String::new();
    if start > 0 {
        shown.push('…');
    }
    shown.extend(chars[start..end].iter().map(|&c| match c {
        '\t' => ' ',
        c if c.is_control() => '\u{fffd}',
        c => c,
    }));
    if end < chars.len() {
        shown.push('…');
    }
    let mut covered = 0;
    let width = chars[col..end]
        .iter()
        .take_while(|c| {
            let more = covered < bytes as usize;
            covered += c.len_utf8();
            more
        })
        .count();
    (shown, col - start + usize::from(start > 0), width.max(1))
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: Severity,
    message: &'a str,
    file: String,
    line: u32,
    column: u32,
    hint: Option<&'a str>,
}

pub fn render_json(diags: &Diagnostics) -> String {
    let list: Vec<JsonDiagnostic> = diags
        .iter()
        .map(|d| {
            let (line, column) = line_column(d.loc);
            JsonDiagnostic {
                severity: d.severity,
                message: &d.message,
                file: display_path(&d.file),
                line,
                column,
                hint: d.hint.as_deref(),
            }
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&list).unwrap_or_else(|_| "[]".into());
    s.push('\n');
    s
}

/// GitHub Actions workflow commands: `::error file=…,line=…,col=…::message`.
pub fn render_github(diags: &Diagnostics) -> String {
    let mut out = String::new();
    for d in diags.iter() {
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = d.message.clone();
        if let Some(hint) = &d.hint {
            message.push_str("\nhint: ");
            message.push_str(hint);
        }
        let _ = write!(
            out,
            "::{kind} file={}",
            escape_property(&display_path(&d.file))
        );
        let (line, column) = line_column(d.loc);
        let _ = write!(out, ",line={line},col={column}");
        let _ = writeln!(out, ",title=auditbook::{}", escape_data(&message));
    }
    out
}

/// The line and column printed for tools. A problem with the file as a whole (line 0) is
/// placed at its start, so every diagnostic has a position editors and CI can jump to.
fn line_column(loc: Loc) -> (u32, u32) {
    if loc.line == 0 {
        (1, 1)
    } else {
        (loc.line, loc.column.max(1))
    }
}

pub(crate) fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

pub(crate) fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Paths are shown with forward slashes on every platform, so output is the same everywhere.
pub fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        s.into_owned()
    } else {
        s.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

/// "2 errors and 1 warning" — the closing line of `check`.
pub fn summary(diags: &Diagnostics) -> String {
    let errors = diags.count(Severity::Error);
    let warnings = diags.count(Severity::Warning);
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("1 {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    match (errors, warnings) {
        (0, 0) => "no problems".into(),
        (e, 0) => plural(e, "error"),
        (0, w) => plural(w, "warning"),
        (e, w) => format!("{} and {}", plural(e, "error"), plural(w, "warning")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_output_points_at_the_column() {
        let mut sources = Sources::default();
        let file = Path::new("audits/q3/eu.yaml");
        sources.insert(file, "answers:\n  asses-quality: 3\n".into());
        let mut diags = Diagnostics::default();
        diags.push(
            Diagnostic::error(file, Loc::new(2, 3, 13), "unknown item 'asses-quality'")
                .with_hint("did you mean 'assess-quality'?"),
        );
        assert_eq!(
            render_human(&diags, &sources),
            "error: unknown item 'asses-quality'\n --> audits/q3/eu.yaml:2:3\n  |\n2 |   asses-quality: 3\n  |   ^^^^^^^^^^^^^\n  = hint: did you mean 'assess-quality'?\n\n"
        );
    }

    #[test]
    fn long_lines_are_quoted_around_the_column() {
        let line: Vec<char> = format!("{}key: {}", "x".repeat(300), "y".repeat(300))
            .chars()
            .collect();
        let (shown, caret, width) = excerpt(&line, 301, 3);
        assert_eq!(shown.chars().count(), MAX_LINE + 2);
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert_eq!(
            shown.chars().skip(caret).take(width).collect::<String>(),
            "key"
        );
        let (shown, caret, width) = excerpt(&line_chars("a:\tb\u{1b}\r"), 4, 1);
        assert_eq!((shown.as_str(), caret, width), ("a: b\u{fffd}", 3, 1));
    }

    #[test]
    fn github_output_escapes_newlines_and_commas() {
        let mut diags = Diagnostics::default();
        diags.push(
            Diagnostic::warning(Path::new("a,b.yaml"), Loc::new(1, 2, 1), "50% done")
                .with_hint("x"),
        );
        assert_eq!(
            render_github(&diags),
            "::warning file=a%2Cb.yaml,line=1,col=2,title=auditbook::50%25 done%0Ahint: x\n"
        );
    }

    #[test]
    fn summary_counts() {
        let mut diags = Diagnostics::default();
        assert_eq!(summary(&diags), "no problems");
        diags.push(Diagnostic::error(Path::new("a"), Loc::default(), "x"));
        diags.push(Diagnostic::warning(Path::new("a"), Loc::default(), "y"));
        diags.push(Diagnostic::warning(Path::new("a"), Loc::default(), "z"));
        assert_eq!(summary(&diags), "1 error and 2 warnings");
    }
}

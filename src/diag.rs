//! Diagnostics: one type for every problem found in a workspace, and the three ways to print them.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::source::{Loc, Sources, chars_for_bytes};

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
            message: message.into(),
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
        self.hint = Some(hint.into());
        self
    }

    pub fn with_hint_opt(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }
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
    for d in diags.iter() {
        render_one(&mut out, d, sources);
        out.push('\n');
    }
    out
}

pub fn render_one(out: &mut String, d: &Diagnostic, sources: &Sources) {
    let label = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let _ = writeln!(out, "{label}: {}", d.message);
    let file = display_path(&d.file);
    let line_text = if d.loc.line > 0 {
        sources.line(&d.file, d.loc.line)
    } else {
        None
    };
    if d.loc.line == 0 {
        let _ = writeln!(out, " --> {file}");
    } else {
        let _ = writeln!(out, " --> {file}:{}:{}", d.loc.line, d.loc.column);
    }
    let gutter = d.loc.line.to_string().len();
    let pad = " ".repeat(gutter);
    if let Some(text) = line_text {
        let text = text.trim_end_matches(['\r', '\n']);
        let shown: String = text
            .chars()
            .map(|c| if c == '\t' { ' ' } else { c })
            .collect();
        let col = d.loc.column.max(1) as usize;
        let width = chars_for_bytes(&shown, d.loc.column, d.loc.width);
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{} | {}", d.loc.line, shown);
        let _ = writeln!(out, "{pad} | {}{}", " ".repeat(col - 1), "^".repeat(width));
    }
    if let Some(hint) = &d.hint {
        let _ = writeln!(out, "{pad} = hint: {hint}");
    }
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
        .map(|d| JsonDiagnostic {
            severity: d.severity,
            message: &d.message,
            file: display_path(&d.file),
            line: d.loc.line,
            column: d.loc.column,
            hint: d.hint.as_deref(),
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
        if d.loc.line > 0 {
            let _ = write!(out, ",line={},col={}", d.loc.line, d.loc.column);
        }
        let _ = writeln!(out, ",title=auditbook::{}", escape_data(&message));
    }
    out
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
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

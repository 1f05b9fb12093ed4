//! Diagnostics: one type for every problem found in a workspace, and the three ways to print them.

use std::borrow::Cow;
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

/// Whether a terminal would act on `c` rather than show it: C0 and C1 control characters,
/// DEL, the bidirectional overrides and isolates, which reorder what follows them, and the
/// invisible direction marks (left-to-right, right-to-left, Arabic letter), which move the
/// text around them.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// Text from input made safe to print on a terminal: each character a terminal would act on
/// (an escape sequence that sets the window title, writes the clipboard or erases lines; a
/// bidirectional override that reorders the line) is written as an escape such as
/// `\u{1b}`. Text without any is borrowed as it is.
pub fn terminal_safe(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Makes text quoted from a file safe to print on one line of a terminal: see
/// [`terminal_safe`]; the middle of an overlong text is left out.
fn printable(text: String) -> String {
    if text.len() <= MAX_TEXT && !text.chars().any(is_unsafe) {
        return text;
    }
    let escaped: Vec<char> = terminal_safe(&text).chars().collect();
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
    for shown in per_file_capped(diags) {
        let d = match shown {
            Shown::One(d) => d,
            Shown::More(file, more) => {
                let _ = writeln!(
                    out,
                    "note: {more} more {} in {} not shown (the first {MAX_PER_FILE} are; `check --format json` lists all)\n",
                    if more == 1 { "problem" } else { "problems" },
                    display_path(file)
                );
                continue;
            }
        };
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

/// Most diagnostics printed for one file in the human and GitHub formats: a file with
/// thousands of problems has one cause or a few, and ten thousand lines on a terminal or
/// as CI annotations help nobody. The JSON format, read by programs, lists them all.
pub const MAX_PER_FILE: usize = 50;

/// What the capped formats print: a diagnostic, or how many more of one file are not shown.
enum Shown<'a> {
    One(&'a Diagnostic),
    More(&'a Path, usize),
}

/// The diagnostics in order, at most [`MAX_PER_FILE`] of each file, each file's last shown
/// followed by the count of those left out. (Diagnostics are sorted by file, so a file's
/// are together.)
fn per_file_capped(diags: &Diagnostics) -> Vec<Shown<'_>> {
    let mut out = Vec::new();
    let list = &diags.list;
    let mut i = 0;
    while i < list.len() {
        let file = &list[i].file;
        let run = list[i..].iter().take_while(|d| d.file == *file).count();
        out.extend(list[i..i + run.min(MAX_PER_FILE)].iter().map(Shown::One));
        if run > MAX_PER_FILE {
            out.push(Shown::More(file, run - MAX_PER_FILE));
        }
        i += run;
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
    let _ = writeln!(out, "{label}: {}", terminal_safe(&d.message));
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
        let _ = writeln!(out, "{pad} = hint: {}", terminal_safe(hint));
    }
}

/// Most characters of a source line quoted: a minified file can be one line of megabytes.
const MAX_LINE: usize = 120;

/// The part of a line to quote around 1-based character `column`, with the caret's offset
/// and its width in columns, covering `bytes` bytes. Tabs become spaces and characters a
/// terminal would act on are escaped as in [`terminal_safe`], the caret moved to match, so
/// nothing reaches the terminal that it would act on. The work is bounded by the excerpt,
/// not by the line.
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
    let mut caret = usize::from(start > 0);
    let mut width = 0;
    let mut covered = 0;
    for (i, &c) in chars.iter().enumerate().take(end).skip(start) {
        let before = shown.len();
        match c {
            '\t' => shown.push(' '),
            c if is_unsafe(c) => {
                let _ = write!(shown, "\\u{{{:x}}}", u32::from(c));
            }
            c => shown.push(c),
        }
        // An escape is ASCII, one column a byte; any other character takes one column.
        let columns = if is_unsafe(c) {
            shown.len() - before
        } else {
            1
        };
        if i < col {
            caret += columns;
        } else if covered < bytes as usize {
            covered += c.len_utf8();
            width += columns;
        }
    }
    if end < chars.len() {
        shown.push('…');
    }
    (shown, caret, width.max(1))
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
                file: slash_path(&d.file),
                line,
                column,
                hint: d.hint.as_deref(),
            }
        })
        .collect();
    let s = serde_json::to_string_pretty(&list).unwrap_or_else(|_| "[]".into());
    json_terminal_safe(&s).into_owned() + "\n"
}

/// GitHub Actions workflow commands: `::error file=…,line=…,col=…::message`, files named
/// relative to the workspace.
pub fn render_github(diags: &Diagnostics) -> String {
    render_github_at(diags, Path::new(""))
}

/// [`render_github`] with files named from `base`, the workspace folder as seen from where
/// GitHub resolves annotations (the repository root).
pub fn render_github_at(diags: &Diagnostics, base: &Path) -> String {
    let mut out = String::new();
    for shown in per_file_capped(diags) {
        let d = match shown {
            Shown::One(d) => d,
            Shown::More(file, more) => {
                let _ = writeln!(
                    out,
                    "::notice file={},line=1,col=1,title=auditbook::{}",
                    escape_property(&display_path(file)),
                    escape_data(&format!(
                        "{more} more {} in this file not shown (the first {MAX_PER_FILE} are; `check --format json` lists all)",
                        if more == 1 { "problem" } else { "problems" }
                    ))
                );
                continue;
            }
        };
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        // Annotations are shown in a browser and in logs read on terminals: no raw controls.
        let mut message = terminal_safe(&d.message).into_owned();
        if let Some(hint) = &d.hint {
            message.push_str("\nhint: ");
            message.push_str(&terminal_safe(hint));
        }
        let _ = write!(
            out,
            "::{kind} file={}",
            escape_property(&display_path(&base.join(&d.file)))
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

/// Paths are shown with forward slashes on every platform, so output is the same everywhere,
/// and with the characters a terminal would act on escaped (see [`terminal_safe`]).
pub fn display_path(p: &Path) -> String {
    terminal_safe(&slash_path(p)).into_owned()
}

/// The path with forward slashes, as it is: for JSON, which is data.
fn slash_path(p: &Path) -> String {
    let s = p.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        s.into_owned()
    } else {
        s.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

/// JSON text made safe to print on a terminal without changing the data it holds: the
/// characters [`terminal_safe`] escapes that serde leaves raw (DEL, C1 controls, bidi
/// overrides and marks) become JSON `\uXXXX` escapes. Outside strings, JSON has none of them.
pub fn json_terminal_safe(json: &str) -> Cow<'_, str> {
    if !json.chars().any(is_unsafe) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 8);
    for c in json.chars() {
        if is_unsafe(c) && c != '\n' {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
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
        assert_eq!((shown.as_str(), caret, width), ("a: b\\u{1b}", 3, 1));
        // The caret stays under its character after an escaped one.
        let (shown, caret, width) = excerpt(&line_chars("\u{1b}]0;x\u{7}: yes"), 7, 3);
        assert_eq!(
            (shown.as_str(), caret, width),
            ("\\u{1b}]0;x\\u{7}: yes", 15, 3)
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
    fn terminal_safe_escapes_what_a_terminal_acts_on() {
        assert!(matches!(terminal_safe("plain ü – 日本"), Cow::Borrowed(_)));
        assert_eq!(
            terminal_safe("a\u{1b}]0;pwned\u{7}b\u{7f}\u{9b}2J\u{202e}x\u{2066}\u{2069}\n"),
            "a\\u{1b}]0;pwned\\u{7}b\\u{7f}\\u{9b}2J\\u{202e}x\\u{2066}\\u{2069}\\u{a}"
        );
        // Direction marks are invisible and move the text beside them: a request path or a
        // file name could pass for another with one.
        assert_eq!(
            terminal_safe("\u{200f}a\u{200e}b\u{61c}"),
            "\\u{200f}a\\u{200e}b\\u{61c}"
        );
        // Text already made safe stays as it is.
        let once = terminal_safe("\u{1b}[2K").into_owned();
        assert_eq!(terminal_safe(&once), once);
    }

    #[test]
    fn printed_diagnostics_carry_no_raw_controls() {
        let file = Path::new("audits/x\u{1b}]52;c;aGk=\u{7}.yaml");
        let mut sources = Sources::default();
        sources.insert(file, "title: \"\u{1b}[2A\u{202e}\"\n".into());
        let mut diags = Diagnostics::default();
        diags.push(
            Diagnostic::error(file, Loc::new(1, 8, 1), "bad \u{1b}[1A").with_hint("\u{9b}31m"),
        );
        for out in [render_human(&diags, &sources), render_github(&diags)] {
            assert!(!out.chars().any(|c| c != '\n' && is_unsafe(c)), "{out:?}");
        }
    }

    #[test]
    fn json_keeps_its_data_and_carries_no_raw_controls() {
        let mut diags = Diagnostics::default();
        diags.push(Diagnostic::error(
            Path::new("a\u{1b}\u{9b}\u{202e}.yaml"),
            Loc::default(),
            "x",
        ));
        let json = render_json(&diags);
        assert!(!json.chars().any(|c| c != '\n' && is_unsafe(c)), "{json}");
        let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        assert_eq!(value[0]["file"], "a\u{1b}\u{9b}\u{202e}.yaml");
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

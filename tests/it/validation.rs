//! Validation, checked against the real binary. Each rule of the format has a workspace under
//! `tests/fixtures/invalid/<rule>/` (the `minimal` workspace with one thing broken) holding the
//! exact output of `check` in `expected.txt`, compared by `expected.rs`. Here: the valid
//! workspaces, problems in files written by the tests, the other output formats, the exit
//! statuses, and inputs broken every way we could think of, none of which may make `check`
//! panic or hang.
//!
//! Files that are binary, not UTF-8, or have a BOM and CRLF line endings are written by the
//! tests into a temporary copy of a fixture, so the repository holds only plain text.

use crate::support::{self, Run, Workspace};

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use auditbook::yaml::{Kind, Node};
use serde_json::Value;

/// How long one run may take before it counts as hung. Generous, because the tests run in
/// parallel on a debug build; the slowest input here takes a few seconds.
const TIME_LIMIT: Duration = Duration::from_secs(20);

/// Runs `auditbook` with `args` in `cwd`, failing the test if it hangs or dies of a signal.
#[track_caller]
fn auditbook<I, S>(args: I, cwd: Option<&Path>) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut cmd = support::command();
    cmd.args(args);
    if let Some(dir) = cwd {
        cmd.current_dir(dir);
    }
    Run::from_output(support::output_within(&mut cmd, TIME_LIMIT), None)
}

/// One diagnostic as `check --format json` prints it.
#[derive(Debug, Clone, PartialEq)]
struct Diag {
    severity: String,
    file: String,
    line: u64,
    column: u64,
    message: String,
    hint: Option<String>,
}

fn diag(severity: &str, file: &str, line: u64, column: u64, message: &str, hint: &str) -> Diag {
    Diag {
        severity: severity.into(),
        file: file.into(),
        line,
        column,
        message: message.into(),
        hint: (!hint.is_empty()).then(|| hint.to_string()),
    }
}

/// An error; an empty `hint` means none.
fn error(file: &str, line: u64, column: u64, message: &str, hint: &str) -> Diag {
    diag("error", file, line, column, message, hint)
}

fn warning(file: &str, line: u64, column: u64, message: &str, hint: &str) -> Diag {
    diag("warning", file, line, column, message, hint)
}

/// `check <dir> [extra]`.
fn check(dir: &Path, extra: &[&str]) -> Run {
    let mut args = vec![std::ffi::OsStr::new("check"), dir.as_os_str()];
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    auditbook(args, None)
}

/// `check <dir> --format json [extra]`: the exit status and the diagnostics.
fn check_json(dir: &Path, extra: &[&str]) -> (i32, Vec<Diag>) {
    let out = check(dir, &[&["--format", "json"], extra].concat());
    let list: Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("check printed invalid JSON ({e}):\n{}", out.stdout));
    let field = |d: &Value, name: &str| -> String {
        d[name]
            .as_str()
            .unwrap_or_else(|| panic!("'{name}' is not a string in {d}"))
            .to_string()
    };
    let diags = list
        .as_array()
        .expect("a JSON array")
        .iter()
        .map(|d| Diag {
            severity: field(d, "severity"),
            file: field(d, "file"),
            line: d["line"].as_u64().expect("a line number"),
            column: d["column"].as_u64().expect("a column number"),
            message: field(d, "message"),
            hint: d["hint"].as_str().map(str::to_string),
        })
        .collect();
    (out.code, diags)
}

/// Checks `dir` and asserts exactly `expected`, and the exit status they call for.
#[track_caller]
fn assert_check(dir: &Path, expected: &[Diag]) {
    let (code, got) = check_json(dir, &[]);
    assert_eq!(got, expected, "diagnostics of {}", dir.display());
    let errors = expected.iter().any(|d| d.severity == "error");
    assert_eq!(code, i32::from(errors), "exit status of {}", dir.display());
}

const CHECKLIST: &str = "checklists/customer-service.yaml";
const AUDIT: &str = "audits/2026-q3/eu.yaml";
const SNAPSHOT: &str = "metrics/2026-09.yaml";

// ----- the fixtures' starting point --------------------------------------------------------

#[test]
fn minimal_workspace_is_valid() {
    assert_check(Workspace::fixture("minimal").path(), &[]);
}

#[test]
fn every_field_workspace_is_valid() {
    assert_check(Workspace::fixture("every-field").path(), &[]);
}

#[test]
fn bundled_workspace_is_valid_without_warnings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = auditbook(["check", ".", "--format", "json"], Some(root));
    assert_eq!(out.stdout, "[]\n", "stderr: {}", out.stderr);
    assert_eq!(out.code, 0);
    let out = auditbook(["check", "."], Some(root));
    assert_eq!(out.stderr, "checked .: no problems\n");
    assert_eq!(out.code, 0);
}

// ----- warnings ------------------------------------------------------------------------------

/// The model keeps, per checklist and language, the texts missing in it, for the
/// checklist's page.
#[test]
fn missing_translations_are_in_the_model() {
    let fixture = Workspace::fixture("invalid/missing-translation");
    let loaded = auditbook::load(fixture.path()).expect("the fixture is readable");
    let model = loaded.model.expect("warnings only");
    let missing: Vec<(&str, Vec<&str>)> = (model.checklists[0].missing_texts.iter())
        .map(|(lang, at)| (lang.as_str(), at.iter().map(String::as_str).collect()))
        .collect();
    assert_eq!(
        missing,
        [(
            "hr",
            vec![
                "evaluate.title",
                "evaluate.assess-quality.title",
                "evaluate.compare-goals.title"
            ]
        )]
    );
}

// ----- every problem, once, in one run --------------------------------------------------------

#[test]
fn unreadable_checklist_is_not_reported_again_by_its_audits() {
    let fixture = Workspace::fixture("minimal");
    std::fs::write(
        fixture.path().join(CHECKLIST),
        "id: customer-service\ntitle: [\n",
    )
    .unwrap();
    let (code, diags) = check_json(fixture.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        diags.iter().map(|d| d.file.as_str()).collect::<Vec<_>>(),
        [CHECKLIST],
        "{diags:#?}"
    );
}

// ----- files that are not YAML text ------------------------------------------------------------

#[test]
fn binary_file() {
    let fixture = Workspace::fixture("minimal");
    std::fs::write(
        fixture.path().join(SNAPSHOT),
        b"taken: \x00\x01\x02\xff\xfe",
    )
    .unwrap();
    assert_check(
        fixture.path(),
        &[error(
            SNAPSHOT,
            1,
            1,
            "binary file, not YAML text",
            "only UTF-8 text files belong here",
        )],
    );
}

#[test]
fn file_not_utf8() {
    let fixture = Workspace::fixture("minimal");
    let latin1 = b"taken: 2026-09-30\nvalues:\n  csat: 86.4 # caf\xe9\n";
    std::fs::write(fixture.path().join(SNAPSHOT), latin1).unwrap();
    assert_check(
        fixture.path(),
        &[error(
            SNAPSHOT,
            3,
            19,
            "file is not valid UTF-8",
            "save the file as UTF-8",
        )],
    );
}

/// Rewrites every `.yaml` file of a workspace with a UTF-8 byte-order mark and CRLF endings.
fn bom_and_crlf(root: &Path) {
    for entry in walkdir::WalkDir::new(root) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "yaml") {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let text = format!("\u{feff}{}", text.replace('\n', "\r\n"));
            std::fs::write(entry.path(), text).unwrap();
        }
    }
}

#[test]
fn bom_and_crlf_are_accepted() {
    let fixture = Workspace::fixture("minimal");
    bom_and_crlf(fixture.path());
    assert_check(fixture.path(), &[]);
}

#[test]
fn bom_and_crlf_keep_positions() {
    let fixture = Workspace::fixture("invalid/unknown-item");
    bom_and_crlf(fixture.path());
    assert_check(
        fixture.path(),
        &[error(
            AUDIT,
            6,
            3,
            "unknown item 'asses-quality'",
            "did you mean 'assess-quality'?",
        )],
    );
    let out = check(fixture.path(), &[]);
    assert!(
        out.stderr
            .contains("6 |   asses-quality: 3\n  |   ^^^^^^^^^^^^^\n"),
        "{}",
        out.stderr
    );
}

// ----- output formats and exit statuses ----------------------------------------------------------

#[test]
fn human_output_quotes_the_line_like_rustc() {
    let fixture = Workspace::fixture("invalid/unknown-item");
    let out = check(fixture.path(), &[]);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "\
error: unknown item 'asses-quality'
 --> audits/2026-q3/eu.yaml:6:3
  |
6 |   asses-quality: 3
  |   ^^^^^^^^^^^^^
  = hint: did you mean 'assess-quality'?

error: check failed: 1 error
"
    );
    assert_eq!(out.code, 1);
}

/// As in rustc, the arrow and the bars line up with a line number of two digits.
#[test]
fn human_output_aligns_with_the_line_number() {
    let fixture = Workspace::fixture("invalid/negative-weight");
    let out = check(fixture.path(), &[]);
    assert_eq!(
        out.stderr,
        "\
error: negative weight -1
  --> checklists/customer-service.yaml:10:17
   |
10 |         weight: -1
   |                 ^^
   = hint: weights are 0 or more; 0 shows an item without scoring it

error: check failed: 1 error
"
    );
}

#[test]
fn human_output_of_a_whole_file_problem() {
    let fixture = Workspace::fixture("invalid/empty-file");
    let out = check(fixture.path(), &[]);
    assert_eq!(
        out.stderr,
        "\
error: empty file
 --> metrics/2026-09.yaml
  = hint: write the file's fields, or delete the file

error: check failed: 1 error
"
    );
    assert_eq!(out.code, 1);
}

#[test]
fn github_output() {
    let fixture = Workspace::fixture("invalid/unknown-item");
    // Files are named from the current folder, here the workspace.
    let out = auditbook(["check", ".", "--format", "github"], Some(fixture.path()));
    assert_eq!(
        out.stdout,
        "::error file=audits/2026-q3/eu.yaml,line=6,col=3,title=auditbook::unknown item 'asses-quality'%0Ahint: did you mean 'assess-quality'?\n"
    );
    assert_eq!(out.code, 1);
}

#[test]
fn warnings_fail_only_with_strict() {
    let fixture = Workspace::fixture("invalid/unpinned-version");
    let (code, diags) = check_json(fixture.path(), &[]);
    assert_eq!((code, diags.len()), (0, 1));
    let (code, strict) = check_json(fixture.path(), &["--strict"]);
    assert_eq!((code, &strict), (1, &diags));
    let out = check(fixture.path(), &[]);
    assert_eq!(out.code, 0);
    assert!(
        out.stderr.ends_with(": 1 warning\n") && out.stderr.contains("\nchecked "),
        "{}",
        out.stderr
    );
    let out = check(fixture.path(), &["--strict"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.ends_with("\nerror: check failed: 1 warning\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn missing_workspace_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-folder");
    let out = check(&missing, &[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with("error: cannot read workspace ")
            && out.stderr.contains("no-such-folder"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout, "");
}

#[test]
fn workspace_that_is_a_file_is_a_usage_error() {
    let fixture = Workspace::fixture("minimal");
    let out = check(&fixture.path().join(CHECKLIST), &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
}

#[test]
fn unknown_format_is_a_usage_error() {
    let fixture = Workspace::fixture("minimal");
    let out = check(fixture.path(), &["--format", "xml"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
}

// ----- no input makes it panic or hang -------------------------------------------------------------

/// A small deterministic generator (xorshift64*), so a failure reproduces run after run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The file kinds of a workspace, each with a valid example in `tests/fixtures/every-field`
/// and a way to place many variants of it side by side in one workspace.
#[derive(Debug, Clone, Copy, PartialEq)]
enum FileKind {
    Config,
    Checklist,
    Round,
    Audit,
    Snapshot,
    Strings,
}

const KINDS: [FileKind; 6] = [
    FileKind::Config,
    FileKind::Checklist,
    FileKind::Round,
    FileKind::Audit,
    FileKind::Snapshot,
    FileKind::Strings,
];

impl FileKind {
    /// A valid file of this kind.
    fn example(self, root: &Path) -> String {
        let path = match self {
            FileKind::Config => "auditbook.yaml",
            FileKind::Checklist => "checklists/service.yaml",
            FileKind::Round => "audits/2026-q3/round.yaml",
            FileKind::Audit => "audits/2026-q3/eu.yaml",
            FileKind::Snapshot => "metrics/2026-09.yaml",
            FileKind::Strings => {
                return "title: Revizije\nstatus_met: Ispunjeno\n\"a.b\": {x: 1}\n".into();
            }
        };
        std::fs::read_to_string(root.join(path)).expect("read the example")
    }

    /// Where the `n`th variant goes; `None` for auditbook.yaml, of which a workspace has one.
    fn slot(self, n: usize) -> Option<PathBuf> {
        let letters = |mut n: usize| {
            let mut s = String::new();
            for _ in 0..3 {
                s.push((b'a' + (n % 26) as u8) as char);
                n /= 26;
            }
            s
        };
        Some(PathBuf::from(match self {
            FileKind::Config => return None,
            FileKind::Checklist => format!("checklists/variants/v{n:05}.yaml"),
            FileKind::Round => format!("audits/v{n:05}/round.yaml"),
            FileKind::Audit => format!("audits/2026-q3/v{n:05}.yaml"),
            FileKind::Snapshot => format!("metrics/variants/v{n:05}.yaml"),
            FileKind::Strings => format!("i18n/{}.yaml", letters(n)),
        }))
    }
}

/// Checks each file in `variants` (bytes) of `kind` on a copy of `every-field`, failing if
/// `check` panics, dies or hangs. Variants that can share a workspace are checked together;
/// when such a run fails, each is run alone to name the one at fault.
fn assert_survives(kind: FileKind, variants: &[Vec<u8>]) {
    let survives = |files: &[(PathBuf, &[u8])]| -> Result<(), String> {
        let fixture = Workspace::fixture("every-field");
        for (path, bytes) in files {
            let full = fixture.path().join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, bytes).unwrap();
        }
        let path = fixture.path();
        // The human format: the one that quotes source lines, at any column of any line.
        let result = std::panic::catch_unwind(|| check(path, &[]));
        match result {
            Ok(out) if out.code == 0 || out.code == 1 => Ok(()),
            Ok(out) => Err(format!("exit status {}: {}", out.code, out.stderr)),
            Err(e) => Err(e
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_else(|| "failed".into())),
        }
    };
    let show = |bytes: &[u8]| {
        let text = String::from_utf8_lossy(bytes);
        let mut s: String = text.chars().take(400).collect();
        if text.chars().count() > 400 {
            let _ = write!(s, "… ({} bytes)", bytes.len());
        }
        s
    };
    if kind == FileKind::Config {
        for v in variants {
            if let Err(e) = survives(&[(PathBuf::from("auditbook.yaml"), v)]) {
                panic!("{kind:?} variant broke check: {e}\n{}", show(v));
            }
        }
        return;
    }
    let files: Vec<(PathBuf, &[u8])> = variants
        .iter()
        .enumerate()
        .map(|(n, v)| (kind.slot(n).unwrap(), v.as_slice()))
        .collect();
    if survives(&files).is_ok() {
        return;
    }
    for file in &files {
        if let Err(e) = survives(std::slice::from_ref(file)) {
            panic!("{kind:?} variant broke check: {e}\n{}", show(file.1));
        }
    }
    panic!("{kind:?} variants broke check together, none alone");
}

/// YAML values put in place of each value of a valid file.
const REPLACEMENTS: &[&str] = &[
    "[]",
    "[1, \"a\", null, [true]]",
    "{}",
    "{\"a\": {\"b\": 1}}",
    "{\"value\": [], \"good\": -1}",
    "null",
    "true",
    "false",
    "0",
    "-1",
    "-0.5",
    "1e308",
    "123456789012345678901234567890",
    "-9223372036854775808",
    ".nan",
    "-.inf",
    "\"\"",
    "\"na\"",
    "\"2026-02-30\"",
    "\"PT\"",
    "\"\\u0000\\u001b[31m\"",
    "\"Ünïcödé ✓ עברית\"",
];

/// Where a value sits in a tree: the index of each mapping entry or list item on the way.
type NodePath = Vec<usize>;

fn value_paths(node: &Node, at: &mut NodePath, out: &mut Vec<NodePath>) {
    let children: Vec<&Node> = match &node.kind {
        Kind::Map(entries) => entries.iter().map(|(_, v)| v).collect(),
        Kind::Seq(items) => items.iter().collect(),
        _ => Vec::new(),
    };
    for (i, child) in children.into_iter().enumerate() {
        at.push(i);
        out.push(at.clone());
        value_paths(child, at, out);
        at.pop();
    }
}

/// What to do at the path: put YAML text there, or leave the entry out.
enum Edit<'a> {
    Replace(&'a str),
    Remove,
}

/// Writes `node` back as flow YAML (JSON-like, on one line), applying `edit` at `target`.
fn emit(node: &Node, target: Option<&[usize]>, edit: &Edit, out: &mut String) {
    if let (Some([]), Edit::Replace(text)) = (target, edit) {
        out.push_str(text);
        return;
    }
    let child = |i: usize| target.and_then(|t| (t.first() == Some(&i)).then(|| &t[1..]));
    let removed = |i: usize| matches!(edit, Edit::Remove) && child(i) == Some(&[][..]);
    match &node.kind {
        Kind::Null => out.push_str("null"),
        Kind::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        Kind::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Kind::Float(f) => {
            let _ = write!(out, "{f:?}");
        }
        Kind::Str(s) => out.push_str(&serde_json::to_string(s).unwrap()),
        Kind::Seq(items) => {
            out.push('[');
            let kept = items.iter().enumerate().filter(|(i, _)| !removed(*i));
            for (n, (i, item)) in kept.enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                emit(item, child(i), edit, out);
            }
            out.push(']');
        }
        Kind::Map(entries) => {
            out.push('{');
            let kept = entries.iter().enumerate().filter(|(i, _)| !removed(*i));
            for (n, (i, (k, v))) in kept.enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                emit(k, None, edit, out);
                out.push_str(": ");
                emit(v, child(i), edit, out);
            }
            out.push('}');
        }
    }
}

/// Every value of `text` replaced by `per_position` of the replacements (taken in turn),
/// and left out, one at a time.
fn field_variants(text: &str, per_position: usize) -> Vec<Vec<u8>> {
    let root = auditbook::yaml::parse(text).expect("the example parses");
    let mut paths = Vec::new();
    value_paths(&root, &mut Vec::new(), &mut paths);
    let mut turn = REPLACEMENTS.iter().cycle();
    let mut out = Vec::new();
    for path in &paths {
        let edits = turn
            .by_ref()
            .take(per_position)
            .map(|r| Edit::Replace(r))
            .chain([Edit::Remove]);
        for edit in edits {
            let mut s = String::new();
            emit(&root, Some(path), &edit, &mut s);
            out.push(s.into_bytes());
        }
    }
    out
}

#[test]
fn every_type_in_every_field_position() {
    let fixture = Workspace::fixture("every-field");
    for kind in KINDS {
        let example = kind.example(fixture.path());
        // auditbook.yaml takes one workspace, so one run, per variant: it gets three
        // replacements per position, in turn, so that each is used somewhere.
        let per_position = if kind == FileKind::Config {
            3
        } else {
            REPLACEMENTS.len()
        };
        let variants = field_variants(&example, per_position);
        assert!(variants.len() > 10, "{kind:?}: {} variants", variants.len());
        assert_survives(kind, &variants);
    }
}

/// Pieces of YAML, and of the format, to build plausible garbage from.
const TOKENS: &[&str] = &[
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ", ",
    "\n",
    "\n  ",
    "\n    ",
    "  ",
    "\t",
    "\r\n",
    "#",
    "&a ",
    "*a",
    "*b",
    "&b ",
    "\"",
    "'",
    "|",
    ">",
    "? ",
    "!!str ",
    "!!int ",
    "!x ",
    "---\n",
    "...\n",
    "%YAML 1.2\n",
    "<<: ",
    "id",
    "title",
    "version",
    "sections",
    "items",
    "score",
    "answers",
    "values",
    "checklist",
    "date",
    "taken",
    "good",
    "total",
    "scale",
    "value",
    "key",
    "target",
    "weight",
    "languages",
    "metrics",
    "en",
    "hr",
    "na",
    "csat",
    "2026-09-30",
    "2h 30m",
    "-1",
    "0",
    "1e999",
    "3",
    "partial",
    "\u{feff}",
    "é",
    "\u{0}",
    "\\",
    "%",
    "@",
    "`",
];

fn random_variants(rng: &mut Rng, count: usize) -> Vec<Vec<u8>> {
    (0..count)
        .map(|n| {
            let len = rng.below(600);
            if n % 3 == 0 {
                (0..len).map(|_| rng.next() as u8).collect()
            } else {
                let mut s = String::new();
                for _ in 0..len / 4 {
                    s.push_str(TOKENS[rng.below(TOKENS.len())]);
                }
                s.into_bytes()
            }
        })
        .collect()
}

#[test]
fn random_bytes_and_token_soup() {
    let mut rng = Rng(0x5eed_a0d1_7b00_c0de);
    for kind in KINDS {
        let count = if kind == FileKind::Config { 25 } else { 150 };
        assert_survives(kind, &random_variants(&mut rng, count));
    }
}

#[test]
fn truncated_files() {
    let fixture = Workspace::fixture("every-field");
    for kind in KINDS {
        let example = kind.example(fixture.path());
        let step = if kind == FileKind::Config { 23 } else { 3 };
        let variants: Vec<Vec<u8>> = (0..example.len())
            .step_by(step)
            .map(|cut| example.as_bytes()[..cut].to_vec())
            .collect();
        assert_survives(kind, &variants);
    }
}

#[test]
fn deep_nesting() {
    const DEPTH: usize = 10_000;
    let variants: Vec<Vec<u8>> = vec![
        "[".repeat(DEPTH).into_bytes(),
        format!("{}{}", "[".repeat(DEPTH), "]".repeat(DEPTH)).into_bytes(),
        "{a: ".repeat(DEPTH).into_bytes(),
        format!("title: {}1{}", "{a: ".repeat(DEPTH), "}".repeat(DEPTH)).into_bytes(),
        "- ".repeat(DEPTH).into_bytes(),
        format!("values:\n  csat: {}", "[".repeat(DEPTH)).into_bytes(),
        (0..200)
            .map(|i| format!("{}a:\n", " ".repeat(i)))
            .collect::<String>()
            .into_bytes(),
    ];
    for kind in KINDS {
        assert_survives(kind, &variants);
    }
}

#[test]
fn alias_bombs() {
    // A billion laughs: stopped by the parser's budget for replayed aliases.
    let mut laughs = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (prev, name) in "abcdefgh".chars().zip("bcdefghi".chars()) {
        let refs = vec![format!("*{prev}"); 9].join(", ");
        let _ = writeln!(laughs, "{name}: &{name} [{refs}]");
    }
    // A small one, within the budget, expanded into the fields of every file kind.
    let mut small = String::from("x: &x [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    small.push_str("y: &y [*x, *x, *x, *x, *x, *x, *x, *x, *x]\nz: &z [*y, *y, *y, *y, *y]\n");
    for field in [
        "id",
        "title",
        "sections",
        "scale",
        "answers",
        "values",
        "languages",
        "metrics",
        "date",
    ] {
        let _ = writeln!(small, "{field}: *z");
    }
    let variants = vec![
        laughs.into_bytes(),
        small.into_bytes(),
        b"a: &a [*a]\n".to_vec(),
    ];
    for kind in KINDS {
        assert_survives(kind, &variants);
    }
}

#[test]
fn five_megabyte_file() {
    let big = "x".repeat(5 << 20);
    let variants = vec![
        // A huge unknown field name: suggesting a field for it must not cost a huge table.
        format!("{big}: 1\n").into_bytes(),
        format!("taken: 2026-09-30\nvalues:\n  csat: {{value: 1, note: \"{big}\"}}\n").into_bytes(),
    ];
    assert_survives(FileKind::Snapshot, &variants);
}

#[test]
fn mapping_with_100_000_keys() {
    let mut block = String::from("taken: 2026-09-30\nvalues:\n");
    let mut flow = String::from("taken: 2026-09-30\nvalues: {");
    for i in 0..100_000 {
        let _ = writeln!(block, "  metric-{i}: {i}");
        let _ = write!(flow, "metric-{i}: {i}, ");
    }
    flow.push_str("}\n");
    // One file at a time: each has 100,000 problems to report, quoted from its lines (in
    // the flow one, all from a single line of 2 MB).
    assert_survives(FileKind::Snapshot, &[block.into_bytes()]);
    assert_survives(FileKind::Snapshot, &[flow.into_bytes()]);
}

/// A workspace's Fluent override that does not parse, and one that uses a placeholder the
/// message is never given, are each reported at their line and column; the rest is used.
#[test]
fn broken_fluent_override_and_unknown_placeholder() {
    let fixture = minimal_with(|root| {
        std::fs::create_dir_all(root.join("i18n")).expect("mkdir i18n");
        std::fs::write(
            root.join("i18n/en.ftl"),
            "gaps = Shortfalls\nnone = { Nothing\ntrend_of = Trend of { $name } in { $unit }\n",
        )
        .expect("write i18n/en.ftl");
    });
    assert_check(
        fixture.path(),
        &[
            warning(
                "i18n/en.ftl",
                2,
                17,
                "broken message: Expected a token starting with \"}\"",
                "write `key = text`, with `{ $name }` for a value and later lines indented; see docs/site.md",
            ),
            warning(
                "i18n/en.ftl",
                3,
                36,
                "unknown placeholder '$unit' in 'trend_of'",
                "this message can use { $name }; the built-in text is used",
            ),
        ],
    );
}

// ----- names and numbers a hostile workspace can abuse ------------------------------------------

/// A copy of the `minimal` workspace with `edit` applied to its files.
fn minimal_with(edit: impl FnOnce(&Path)) -> Workspace {
    let fixture = Workspace::fixture("minimal");
    edit(fixture.path());
    fixture
}

/// Replaces `from` with `to` in the file `rel` of `root`.
fn replace(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn copy(root: &Path, from: &str, to: &str) {
    let to = root.join(to);
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(root.join(from), to).unwrap();
}

#[test]
fn a_round_named_latest_is_reserved() {
    let f = minimal_with(|root| copy(root, AUDIT, "audits/latest/eu.yaml"));
    assert_check(
        f.path(),
        &[error(
            "audits/latest/eu.yaml",
            1,
            1,
            "round id 'latest' is reserved (the folder name)",
            "the site's rounds/latest/ is the newest round's address: rename the folder",
        )],
    );
}

/// `0x10` and `16` are two ids, not one number written twice.
#[test]
fn ids_are_their_written_text() {
    let f = minimal_with(|root| {
        replace(root, CHECKLIST, "id: assess-quality", "id: 0x10");
        replace(root, CHECKLIST, "id: compare-goals", "id: 16");
        replace(root, AUDIT, "assess-quality: 3", "0x10: 3");
        replace(root, AUDIT, "compare-goals:", "16:");
    });
    assert_check(f.path(), &[]);
    let json = f.score(&[]);
    let text = json.to_string();
    assert!(text.contains("\"0x10\""), "{text}");
}

#[test]
fn numbers_yaml_would_convert_are_invalid_ids() {
    let f = minimal_with(|root| {
        replace(root, CHECKLIST, "id: assess-quality", "id: +1");
        replace(root, CHECKLIST, "id: compare-goals", "id: 1_000");
    });
    let (_, got) = check_json(f.path(), &[]);
    let messages: Vec<(&str, u64)> = got.iter().map(|d| (d.message.as_str(), d.line)).collect();
    assert!(
        messages.contains(&("invalid item id '+1'", 8)),
        "{messages:?}"
    );
    assert!(
        messages.contains(&("invalid item id '1_000'", 10)),
        "{messages:?}"
    );
}

#[test]
fn language_tags_that_differ_only_in_case_are_one_language() {
    let f = minimal_with(|root| {
        std::fs::write(
            root.join("auditbook.yaml"),
            "title: Audits\nlanguages: [en, pt-BR, pt-br]\n",
        )
        .unwrap();
    });
    assert_check(
        f.path(),
        &[error(
            "auditbook.yaml",
            2,
            24,
            "languages 'pt-BR' and 'pt-br' are one language",
            "language tags do not depend on case: list each language once",
        )],
    );
}

#[test]
fn language_tags_must_be_bcp_47_and_not_device_names() {
    let f = minimal_with(|root| {
        std::fs::write(
            root.join("auditbook.yaml"),
            "title: Audits\nlanguages: [en, aux, en-US-Latn]\n",
        )
        .unwrap();
    });
    assert_check(
        f.path(),
        &[
            error(
                "auditbook.yaml",
                2,
                17,
                "invalid language tag 'aux': a reserved device name on Windows",
                "each language's pages are in a folder named after it, and Windows cannot have one named con, prn, aux or nul",
            ),
            error(
                "auditbook.yaml",
                2,
                22,
                "invalid language tag 'en-US-Latn'",
                "use a BCP 47 tag such as en, hr, pt-BR or zh-Hant",
            ),
        ],
    );
}

#[test]
fn more_than_64_languages_are_refused_at_the_list() {
    let tags: Vec<String> = (0..65u8)
        .map(|i| {
            format!(
                "e{}{}",
                char::from(b'a' + i / 26),
                char::from(b'a' + i % 26)
            )
        })
        .collect();
    let f = minimal_with(|root| {
        std::fs::write(
            root.join("auditbook.yaml"),
            format!("title: Audits\nlanguages: [{}]\n", tags.join(", ")),
        )
        .unwrap();
    });
    assert_check(
        f.path(),
        &[error(
            "auditbook.yaml",
            2,
            1,
            "65 site languages, more than 64",
            "a site has at most 64 languages: every page is made once for each",
        )],
    );
}

#[test]
fn names_windows_and_macos_cannot_check_out_are_refused() {
    const DEVICE: &str = "Windows cannot have a file or folder named con, prn, aux, nul, com1 to com9 or lpt1 to lpt9, with any extension: rename it";
    let f = minimal_with(|root| {
        copy(root, CHECKLIST, "checklists/con.yaml");
        copy(root, CHECKLIST, "checklists/Customer-service.yaml");
        copy(root, AUDIT, "audits/nul/eu.yaml");
        copy(root, SNAPSHOT, "metrics/lpt1.backup.yaml");
    });
    assert_check(
        f.path(),
        &[
            error(
                "audits/nul/eu.yaml",
                1,
                1,
                "'nul' is a reserved device name on Windows",
                DEVICE,
            ),
            error(
                "checklists/con.yaml",
                1,
                1,
                "'con.yaml' is a reserved device name on Windows",
                DEVICE,
            ),
            error(
                "checklists/customer-service.yaml",
                1,
                1,
                "'customer-service.yaml' and 'Customer-service.yaml' differ only in case",
                "on Windows and macOS they are one file, so a checkout keeps only one: rename one of them",
            ),
            error(
                "metrics/lpt1.backup.yaml",
                1,
                1,
                "'lpt1.backup.yaml' is a reserved device name on Windows",
                DEVICE,
            ),
        ],
    );
}

#[test]
fn an_id_that_is_a_device_name_is_refused() {
    let f = minimal_with(|root| replace(root, CHECKLIST, "id: evaluate", "id: aux"));
    assert_check(
        f.path(),
        &[error(
            CHECKLIST,
            5,
            9,
            "invalid section id 'aux': a reserved device name on Windows",
            "ids become file and folder names, and Windows cannot have one named con, prn, aux, nul, com1 to com9 or lpt1 to lpt9: choose another",
        )],
    );
}

#[test]
fn a_duration_too_long_is_out_of_range() {
    let f = minimal_with(|root| replace(root, SNAPSHOT, "2h 30m", "99999999999999999d"));
    assert_check(
        f.path(),
        &[error(
            SNAPSHOT,
            4,
            24,
            "duration '99999999999999999d' for 'first-response-time' is out of range",
            "the longest duration is 36500d (100 years)",
        )],
    );
}

#[test]
fn huge_numbers_are_printed_short() {
    let f = minimal_with(|root| {
        replace(
            root,
            CHECKLIST,
            "        title: Assess quality\n",
            "        title: Assess quality\n        weight: -1e308\n",
        );
        replace(
            root,
            SNAPSHOT,
            "{good: 950, total: 1000}",
            "{good: 1e300, total: 1e299}",
        );
    });
    assert_check(
        f.path(),
        &[
            error(
                CHECKLIST,
                10,
                17,
                "negative weight -1e308",
                "weights are 0 or more; 0 shows an item without scoring it",
            ),
            error(
                SNAPSHOT,
                5,
                26,
                "ratio with good 1e300 greater than total 1e299",
                "'good' counts the cases of 'total' that went well, so it cannot exceed it",
            ),
        ],
    );
}

#[test]
fn yaml_files_with_an_upper_case_extension_are_named() {
    let f = minimal_with(|root| {
        copy(root, SNAPSHOT, "metrics/2026-10.YAML");
        copy(root, SNAPSHOT, "metrics/2026-11.Yml");
    });
    let hint = "rename it to end in .yaml, in lowercase";
    let message = "file ignored: auditbook reads only files ending in .yaml";
    assert_check(
        f.path(),
        &[
            warning("metrics/2026-10.YAML", 1, 1, message, hint),
            warning("metrics/2026-11.Yml", 1, 1, message, hint),
        ],
    );
}

#[test]
fn utf16_files_are_named_as_such() {
    let f = minimal_with(|root| {
        let text = std::fs::read_to_string(root.join(SNAPSHOT)).unwrap();
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        std::fs::write(root.join(SNAPSHOT), le).unwrap();
        // Without a byte-order mark, big-endian.
        let text = std::fs::read_to_string(root.join(CHECKLIST)).unwrap();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        std::fs::write(root.join(CHECKLIST), be).unwrap();
    });
    let (_, got) = check_json(f.path(), &[]);
    let utf16 = |file: &str| {
        error(
            file,
            1,
            1,
            "file is UTF-16; convert it to UTF-8",
            "auditbook reads UTF-8 text: convert it, e.g. with `iconv -f UTF-16 -t UTF-8`",
        )
    };
    assert!(got.contains(&utf16(CHECKLIST)), "{got:?}");
    assert!(got.contains(&utf16(SNAPSHOT)), "{got:?}");
}

/// 60 problems in one file: 50 printed, then how many more; JSON lists every one.
#[test]
fn diagnostics_printed_per_file_are_capped() {
    let f = minimal_with(|root| {
        let answers: String = (0..60).map(|i| format!("  unknown-{i}: 3\n")).collect();
        replace(root, AUDIT, "answers:\n", &format!("answers:\n{answers}"));
    });
    let human = check(f.path(), &[]);
    assert_eq!(human.code, 1);
    assert_eq!(human.stderr.matches("error: unknown item").count(), 50);
    assert!(
        human.stderr.contains(
            "note: 10 more problems in audits/2026-q3/eu.yaml not shown (the first 50 are; `check --format json` lists all)"
        ),
        "{}",
        human.stderr
    );
    let github = check(f.path(), &["--format", "github"]);
    assert_eq!(github.stdout.matches("::error ").count(), 50);
    assert!(
        github.stdout.ends_with(
            "::notice file=audits/2026-q3/eu.yaml,line=1,col=1,title=auditbook::10 more problems in this file not shown (the first 50 are; `check --format json` lists all)\n"
        ),
        "{}",
        github.stdout
    );
    let (_, all) = check_json(f.path(), &[]);
    assert_eq!(all.len(), 60);
}

/// `1:` and `+1:` are two keys as written but one rating: counted once, not silently twice.
#[test]
fn a_rating_given_twice_in_two_spellings_is_an_error() {
    let f = minimal_with(|root| {
        replace(
            root,
            SNAPSHOT,
            "csat: 86.4",
            "csat: {ratings: {1: 17, +1: 3, 5: 30}}",
        );
    });
    assert_check(
        f.path(),
        &[error(
            SNAPSHOT,
            3,
            27,
            "answer 1 of 'ratings' is given twice",
            "give each answer's count once",
        )],
    );
}

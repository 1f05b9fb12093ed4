//! Each workspace under `tests/fixtures/invalid/<case>/` holds the exact human output of
//! `check` on it in `expected.txt` (the workspace folder written `$WORKSPACE`), next to the
//! files it is about. One test checks every case and prints a diff for each that differs.
//!
//! After a change to the diagnostics, `UPDATE_EXPECT=1 cargo test --test it expected` rewrites
//! the files; review the change with `git diff tests/fixtures/invalid`.

use std::fmt::Write as _;
use std::path::Path;

use crate::support::{self, Workspace};

/// The file of each case that holds what `check` prints.
const EXPECTED: &str = "expected.txt";

#[test]
fn every_invalid_fixture_prints_its_expected_diagnostics() {
    let cases = support::root().join("tests/fixtures/invalid");
    let mut names: Vec<String> = std::fs::read_dir(&cases)
        .expect("read tests/fixtures/invalid")
        .map(|e| e.expect("a case folder"))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no cases under {}", cases.display());
    let update = std::env::var_os("UPDATE_EXPECT").is_some_and(|v| !v.is_empty() && v != "0");
    let mut failures = String::new();
    for name in &names {
        let expected_path = cases.join(name).join(EXPECTED);
        let got = check_output(name);
        if update {
            std::fs::write(&expected_path, &got).expect("write expected.txt");
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(expected) if expected == got => {}
            Ok(expected) => {
                let _ = writeln!(failures, "--- {name}/{EXPECTED}\n+++ check output");
                failures.push_str(&line_diff(&expected, &got));
            }
            Err(e) => {
                let _ = writeln!(failures, "{name}: no {EXPECTED} ({e}); got:\n{got}");
            }
        }
    }
    assert!(
        failures.is_empty(),
        "check's output differs from {EXPECTED} (rerun with UPDATE_EXPECT=1 to accept):\n{failures}"
    );
}

/// `check <workspace>` on a copy of the case, without its `expected.txt`: stderr with the
/// workspace folder normalised, after checking the exit status fits the diagnostics.
fn check_output(name: &str) -> String {
    let ws = Workspace::fixture(&format!("invalid/{name}"));
    let _ = std::fs::remove_file(ws.join(EXPECTED));
    let run = ws.run([Path::new("check").as_os_str(), ws.path().as_os_str()]);
    assert_eq!(
        run.stdout, "",
        "{name}: the human format prints to stderr only"
    );
    let errors = run.stderr.lines().any(|l| l.starts_with("error"));
    assert_eq!(
        run.code,
        i32::from(errors),
        "{name}: exit status; stderr:\n{}",
        run.stderr
    );
    run.normalised(&run.stderr)
}

/// The lines of `a` and `b` as a unified listing: ` ` common, `-` only in `a`, `+` only in
/// `b` (a longest common subsequence of lines; the files are small).
fn line_diff(a: &str, b: &str) -> String {
    let a: Vec<&str> = a.lines().collect();
    let b: Vec<&str> = b.lines().collect();
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = String::new();
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            let _ = writeln!(out, " {}", a[i]);
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            let _ = writeln!(out, "-{}", a[i]);
            i += 1;
        } else {
            let _ = writeln!(out, "+{}", b[j]);
            j += 1;
        }
    }
    out
}

#[test]
fn line_diff_marks_removed_and_added_lines() {
    assert_eq!(line_diff("a\nb\nc\n", "a\nc\nd\n"), " a\n-b\n c\n+d\n");
    assert_eq!(line_diff("", "x\n"), "+x\n");
    assert_eq!(line_diff("x\n", "y\n"), "-x\n+y\n");
}

//! Gates (docs/format.md, "Gates"): `check` fails on the latest audits' scores, drops and
//! metrics, reports each failed gate as an error at the audit file, and `--no-gates` skips
//! them. Also `score`'s table and `--round latest`.
//!
//! tests/fixtures/gates: checklist `support` has five items of weight 1 on the maturity scale
//! (0–4) with target 4, so an audit scores 100 × Σ answers / 20 = 5 points per step.
//!
//! | series | 2026-q2 | 2026-q3 | drop | csat (2026-09-30) | first-response-time |
//! | --- | --- | --- | --- | --- | --- |
//! | cairo  | 14 → 70 | 14 → 70 | 0  | 95 (met)           | 45m (met)          |
//! | tokyo  | 16 → 80 | 15 → 75 | 5  | 80 (below, < 85)   | 2h 30m (below, > 2h) |
//! | zagreb | 13 → 65 | 11 → 55 | 10 | 86.4 (at-risk)     | —                  |
//!
//! csat has target 90 and warn 85; first-response-time target 1h and warn 2h. zagreb's
//! 2026-06-30 snapshot (csat 50, below) belongs to its 2026-q2 audit, which is not the latest.
//! The fixture's gates: min-score 60, no-regression 5, metrics below.

use std::path::Path;
use std::process::{Command, Output};

use crate::support::Workspace as Fixture;
use serde_json::Value;

fn auditbook(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_auditbook"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run auditbook")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The fixture with `gates:` replaced by `gates` (YAML lines under `gates:`, or none).
fn workspace(gates: Option<&str>) -> Fixture {
    let fixture = Fixture::fixture("gates");
    let config = fixture.path().join("auditbook.yaml");
    let original = std::fs::read_to_string(&config).expect("read auditbook.yaml");
    let (head, _) = original
        .split_once("gates:\n")
        .expect("the fixture has gates");
    let new = match gates {
        Some(g) => format!("{head}gates:\n{g}"),
        None => head.to_string(),
    };
    std::fs::write(&config, new).expect("write auditbook.yaml");
    fixture
}

/// `check --format json` in the workspace: the exit status and (file, line, message, hint) of
/// each diagnostic.
fn check_json(fixture: &Fixture, extra: &[&str]) -> (i32, Vec<(String, u64, String, String)>) {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    let out = auditbook(fixture.path(), &args);
    let list: Value = serde_json::from_slice(&out.stdout).expect("check prints JSON");
    let diags = list
        .as_array()
        .expect("an array")
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or_default(),
                d["message"].as_str().unwrap_or_default().to_string(),
                d["hint"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    (out.status.code().unwrap_or(-1), diags)
}

const TOKYO: &str = "audits/2026-q3/tokyo.yaml";
const ZAGREB: &str = "audits/2026-q3/zagreb.yaml";
const MIN_SCORE_HINT: &str = "the minimum is `gates: min-score` in auditbook.yaml";
const REGRESSION_HINT: &str =
    "the largest drop allowed is `gates: no-regression` in auditbook.yaml";
const BELOW_HINT: &str = "`gates: metrics: below` in auditbook.yaml fails on metrics below";

fn diag(file: &str, line: u64, message: &str, hint: &str) -> (String, u64, String, String) {
    (file.into(), line, message.into(), hint.into())
}

#[test]
fn every_failed_gate_is_an_error_at_the_audit_file() {
    let (code, diags) = check_json(&Fixture::fixture("gates"), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        diags,
        [
            // Metric gates point at `date:` (line 4), which picks the audit's snapshots.
            diag(
                TOKYO,
                4,
                "gate metrics: tokyo (2026-q3) has csat below: 80.0%, 10.0 points short of the \
                 target 90.0% (taken 2026-09-30)",
                BELOW_HINT
            ),
            diag(
                TOKYO,
                4,
                "gate metrics: tokyo (2026-q3) has first-response-time below: 9000 s, 5400 s \
                 short of the target 3600 s (taken 2026-09-30)",
                BELOW_HINT
            ),
            diag(
                ZAGREB,
                1,
                "gate min-score: zagreb (2026-q3) scores 55.0, 5.0 below the minimum 60",
                MIN_SCORE_HINT
            ),
            diag(
                ZAGREB,
                1,
                "gate no-regression: zagreb (2026-q3) scores 55.0, 10.0 below 65.0 in zagreb \
                 (2026-q2); at most 5 allowed",
                REGRESSION_HINT
            ),
        ]
    );
}

#[test]
fn without_gates_the_same_workspace_checks_clean() {
    let (code, diags) = check_json(&workspace(None), &[]);
    assert_eq!((code, diags), (0, vec![]));
}

#[test]
fn no_gates_skips_them() {
    let (code, diags) = check_json(&Fixture::fixture("gates"), &["--no-gates"]);
    assert_eq!((code, diags), (0, vec![]));
    let out = auditbook(Fixture::fixture("gates").path(), &["check", "--no-gates"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn min_score_passes_at_the_minimum_and_fails_just_above_it() {
    // zagreb scores exactly 55.
    let (code, diags) = check_json(&workspace(Some("  min-score: 55\n")), &[]);
    assert_eq!((code, diags), (0, vec![]));
    let (code, diags) = check_json(&workspace(Some("  min-score: 55.1\n")), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        diags,
        [diag(
            ZAGREB,
            1,
            "gate min-score: zagreb (2026-q3) scores 55.0, 0.1 below the minimum 55.1",
            MIN_SCORE_HINT
        )]
    );
}

#[test]
fn no_regression_allows_a_drop_up_to_the_setting() {
    // tokyo drops exactly 5, zagreb 10, cairo none.
    let (code, diags) = check_json(&workspace(Some("  no-regression: 10\n")), &[]);
    assert_eq!((code, diags), (0, vec![]));
    let (code, diags) = check_json(&workspace(Some("  no-regression: 4.9\n")), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        diags,
        [
            diag(
                TOKYO,
                1,
                "gate no-regression: tokyo (2026-q3) scores 75.0, 5.0 below 80.0 in tokyo \
                 (2026-q2); at most 4.9 allowed",
                REGRESSION_HINT
            ),
            diag(
                ZAGREB,
                1,
                "gate no-regression: zagreb (2026-q3) scores 55.0, 10.0 below 65.0 in zagreb \
                 (2026-q2); at most 4.9 allowed",
                REGRESSION_HINT
            ),
        ]
    );
}

#[test]
fn metrics_gate_at_risk_also_fails_on_at_risk_metrics_of_latest_audits_only() {
    let at_risk = "`gates: metrics: at-risk` in auditbook.yaml fails on metrics at-risk or below";
    let (code, diags) = check_json(&workspace(Some("  metrics: at-risk\n")), &[]);
    assert_eq!(code, 1);
    // zagreb's 2026-q2 audit has csat 50 (below) but is not the latest of its series.
    assert_eq!(
        diags,
        [
            diag(
                TOKYO,
                4,
                "gate metrics: tokyo (2026-q3) has csat below: 80.0%, 10.0 points short of the \
                 target 90.0% (taken 2026-09-30)",
                at_risk
            ),
            diag(
                TOKYO,
                4,
                "gate metrics: tokyo (2026-q3) has first-response-time below: 9000 s, 5400 s \
                 short of the target 3600 s (taken 2026-09-30)",
                at_risk
            ),
            diag(
                ZAGREB,
                4,
                "gate metrics: zagreb (2026-q3) has csat at-risk: 86.4%, 3.6 points short of the \
                 target 90.0% (taken 2026-09-30)",
                at_risk
            ),
        ]
    );
    // Without tokyo's snapshot, `below` passes: zagreb's csat is only at risk.
    let fixture = workspace(Some("  metrics: below\n"));
    std::fs::remove_file(fixture.path().join("metrics/tokyo-2026-09.yaml")).expect("remove");
    let (code, diags) = check_json(&fixture, &[]);
    assert_eq!((code, diags), (0, vec![]));
}

#[test]
fn github_annotations_put_gates_on_the_audit_files() {
    let fixture = workspace(Some("  min-score: 60\n  no-regression: 5\n"));
    let out = auditbook(fixture.path(), &["check", "--format", "github"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout).lines().collect::<Vec<_>>(),
        [
            "::error file=audits/2026-q3/zagreb.yaml,line=1,col=1,title=auditbook::gate \
             min-score: zagreb (2026-q3) scores 55.0, 5.0 below the minimum 60%0Ahint: the \
             minimum is `gates: min-score` in auditbook.yaml",
            "::error file=audits/2026-q3/zagreb.yaml,line=1,col=1,title=auditbook::gate \
             no-regression: zagreb (2026-q3) scores 55.0, 10.0 below 65.0 in zagreb (2026-q2); \
             at most 5 allowed%0Ahint: the largest drop allowed is `gates: no-regression` in \
             auditbook.yaml",
        ]
    );
}

#[test]
fn build_never_applies_gates() {
    let fixture = Fixture::fixture("gates");
    let out = auditbook(fixture.path(), &["build", "--out", "site"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(fixture.path().join("site/index.html").is_file());
}

#[test]
fn gate_settings_are_validated_at_their_line() {
    let (code, diags) = check_json(
        &workspace(Some(
            "  min-scor: 60\n  no-regression: -1\n  metrics: belwo\n",
        )),
        &[],
    );
    assert_eq!(code, 1);
    assert_eq!(
        diags,
        [
            diag(
                "auditbook.yaml",
                11,
                "unknown field 'min-scor' in gates",
                "did you mean 'min-score'?"
            ),
            diag(
                "auditbook.yaml",
                12,
                "'no-regression' must be 0 or more, found -1",
                "write how many points a latest audit may lose, such as 0.5; 0 allows no drop"
            ),
            diag(
                "auditbook.yaml",
                13,
                "invalid metrics gate 'belwo'; expected below or at-risk",
                "did you mean 'below'?"
            ),
        ]
    );
    let (code, diags) = check_json(
        &workspace(Some("  min-score: 120\n  metrics: worse\n  extra: 1\n")),
        &[],
    );
    assert_eq!(code, 1);
    assert_eq!(
        diags,
        [
            diag(
                "auditbook.yaml",
                11,
                "'min-score' must be between 0 and 100, found 120",
                "scores are percentages: write a number from 0 to 100"
            ),
            diag(
                "auditbook.yaml",
                12,
                "invalid metrics gate 'worse'; expected below or at-risk",
                "write `below` (fail on metrics below their warn level) or `at-risk` (fail on \
                 metrics short of their target)"
            ),
            diag(
                "auditbook.yaml",
                13,
                "unknown field 'extra' in gates",
                "the fields of gates are: min-score, no-regression, metrics"
            ),
        ]
    );
}

#[test]
fn score_prints_a_table_for_people() {
    let out = auditbook(Fixture::fixture("gates").path(), &["score"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "\
round    audit   subject  score  target  status  completion
2026-q2  cairo   cairo     70.0   100.0  below        100.0
2026-q2  tokyo   tokyo     80.0   100.0  below        100.0
2026-q2  zagreb  zagreb    65.0   100.0  below        100.0
2026-q3  cairo   cairo     70.0   100.0  below        100.0
2026-q3  tokyo   tokyo     75.0   100.0  below        100.0
2026-q3  zagreb  zagreb    55.0   100.0  below        100.0
"
    );
}

#[test]
fn round_latest_names_the_newest_round() {
    let fixture = Fixture::fixture("gates");
    let latest = auditbook(fixture.path(), &["score", "--round", "latest"]);
    assert_eq!(latest.status.code(), Some(0), "{}", text(&latest.stderr));
    let lines: Vec<String> = text(&latest.stdout).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 4, "a header and the three 2026-q3 audits");
    assert!(lines[1..].iter().all(|l| l.starts_with("2026-q3 ")));

    let json = |round: &str| {
        let out = auditbook(fixture.path(), &["score", "--json", "--round", round]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        out.stdout
    };
    assert_eq!(json("latest"), json("2026-q3"));

    let out = auditbook(fixture.path(), &["score", "--round", "2026-q9"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "error: no round '2026-q9'; the rounds are: 2026-q2, 2026-q3, or `latest` for the newest\n"
    );
}

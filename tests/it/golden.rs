//! `score --json` on the multilingual workspace `tests/fixtures/golden` (languages hr, en,
//! ar, ja; a custom scale 0, 1, 2.5, 4; weights 1, 2, 3, 0 and 0.5; checklist versions 1 and
//! 2; subjects zagreb, cairo, osaka and none; rounds 2025-h2, 2026-h1, 2026-h2; snapshots),
//! compared byte for byte with `tests/golden/`.
//!
//! The golden files were checked by hand against docs/format.md §9 (scores and results) and §8 (metrics) (every score,
//! target, completion, gap, metric and previous). When a change to the output is intended,
//! regenerate them with
//! `cargo run -q -- score tests/fixtures/golden --json > tests/golden/score.json` (and the
//! same with `--round 2026-h1` into `score-2026-h1.json`), and check the difference by hand.

use crate::support::Workspace;
use crate::support::json::parse_exact;

fn golden(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[track_caller]
fn assert_same(got: &str, want: &str, name: &str) {
    if got != want {
        let line = got
            .lines()
            .zip(want.lines())
            .position(|(g, w)| g != w)
            .map_or(got.lines().count().min(want.lines().count()), |i| i);
        panic!(
            "score --json differs from tests/golden/{name} at line {}:\n  got:  {:?}\n  want: {:?}",
            line + 1,
            got.lines().nth(line).unwrap_or("<end>"),
            want.lines().nth(line).unwrap_or("<end>"),
        );
    }
}

#[test]
fn every_round() {
    let got = Workspace::fixture("golden").score_text(&[]);
    assert_same(&got, &golden("score.json"), "score.json");
}

#[test]
fn one_round() {
    let got = Workspace::fixture("golden").score_text(&["--round", "2026-h1"]);
    assert_same(&got, &golden("score-2026-h1.json"), "score-2026-h1.json");
}

/// `--round` prints exactly that round's results from the full output, `previous` included.
#[test]
fn one_round_is_a_slice_of_every_round() {
    let all = parse_exact(&golden("score.json"));
    let one = parse_exact(&golden("score-2026-h1.json"));
    let slice: Vec<_> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["round"] == "2026-h1")
        .cloned()
        .collect();
    assert_eq!(one.as_array().unwrap(), &slice);
}

/// The same workspace gives byte-identical output run after run.
#[test]
fn deterministic() {
    let fixture = Workspace::fixture("golden");
    let first = fixture.score_text(&[]);
    for _ in 0..3 {
        assert_same(
            &fixture.score_text(&[]),
            &first,
            "score.json (previous run)",
        );
    }
}

/// Every audit result says how its score stands against its target, right after
/// `completion`: `met` at or above it, `at-risk` less than ten points below, `below`
/// otherwise, `null` without a score (docs/format.md).
#[test]
fn status_follows_completion_and_compares_score_with_target() {
    let text = Workspace::fixture("golden").score_text(&[]);
    let all = parse_exact(&text);
    let status: Vec<(&str, &str, Option<&str>)> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["round"].as_str().unwrap(),
                r["audit"].as_str().unwrap(),
                r["status"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        status,
        [
            ("2025-h2", "cairo", Some("met")),
            ("2025-h2", "zagreb", Some("below")),
            ("2026-h1", "cairo", Some("met")),
            ("2026-h1", "osaka", Some("at-risk")),
            ("2026-h1", "zagreb", Some("at-risk")),
            ("2026-h2", "company", None),
            ("2026-h2", "osaka", Some("below")),
            ("2026-h2", "zagreb", Some("met")),
        ]
    );
    // An audit's own fields are indented by four spaces, its sections' by eight.
    let lines: Vec<&str> = text.lines().collect();
    let completions: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with("    \"completion\""))
        .collect();
    assert_eq!(completions.len(), status.len());
    for i in completions {
        assert!(
            lines[i + 1].starts_with("    \"status\": "),
            "after {:?} comes {:?}",
            lines[i],
            lines[i + 1]
        );
    }
}

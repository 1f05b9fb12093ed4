//! `auditbook diff --base REV`: a workspace committed to a temporary git repository, then
//! changed in the working tree (an answer and its note, an audit added and one removed, a
//! translation, a snapshot value). Every number the diff prints is checked against
//! `score --json` run on the workspace before and after the change.

use crate::support::{self, run};

use run::{commit_all, git, git_repo};

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("create folders");
    std::fs::write(path, text).expect("write a file");
}

const CHECKLIST: &str = "id: customer-service
version: 1
title: Customer service
sections:
  - id: evaluate
    title: Evaluate
    items:
      - id: assess-quality
        title: Assess quality
      - id: compare-goals
        title: Compare goals
";

const EU: &str = "checklist: customer-service
version: 1
subject: eu
date: 2026-09-30
answers:
  assess-quality: 3
  compare-goals: {score: partial}
";

const US: &str = "checklist: customer-service
version: 1
subject: us
date: 2026-09-30
answers:
  assess-quality: 1
";

const METRICS: &str = "taken: 2026-09-30
values:
  csat: 86.4
  sla-compliance: {good: 950, total: 1000}
";

/// The workspace as committed, in `ws`.
fn base_workspace(ws: &Path) {
    write(
        &ws.join("auditbook.yaml"),
        "title: Audits\nlanguages: [en, hr]\n",
    );
    write(&ws.join("checklists/customer-service.yaml"), CHECKLIST);
    write(&ws.join("audits/2026-q3/eu.yaml"), EU);
    write(&ws.join("audits/2026-q3/us.yaml"), US);
    write(&ws.join("metrics/2026-09.yaml"), METRICS);
}

/// The changes under review: an answer raised with a note, `us` removed, a new round's
/// audit, the checklist title in Croatian, csat changed.
fn change_workspace(ws: &Path) {
    write(
        &ws.join("audits/2026-q3/eu.yaml"),
        &EU.replace(
            "  assess-quality: 3\n",
            "  assess-quality:\n    score: optimised\n    note: Checked in October\n",
        ),
    );
    std::fs::remove_file(ws.join("audits/2026-q3/us.yaml")).expect("remove us");
    write(
        &ws.join("audits/2026-q4/eu.yaml"),
        &EU.replace("2026-09-30", "2026-12-01")
            .replace("partial", "established"),
    );
    write(
        &ws.join("checklists/customer-service.yaml"),
        &CHECKLIST.replace(
            "title: Customer service\n",
            "title: {en: Customer service, hr: Korisnička podrška}\n",
        ),
    );
    write(
        &ws.join("metrics/2026-09.yaml"),
        &METRICS.replace("86.4", "88.4"),
    );
}

fn auditbook_in(cwd: &Path, args: &[&str]) -> Output {
    support::output(support::command().current_dir(cwd).args(args))
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output")
}

#[track_caller]
fn ok(o: Output) -> String {
    assert_eq!(o.status.code(), Some(0), "failed:\n{}", run::stderr(&o));
    stdout(&o)
}

fn score_json(cwd: &Path, dir: &str) -> Value {
    let text = ok(auditbook_in(cwd, &["score", dir, "--json"]));
    serde_json::from_str(&text).expect("score --json is JSON")
}

fn result<'a>(results: &'a Value, round: &str, audit: &str) -> &'a Value {
    results
        .as_array()
        .expect("an array")
        .iter()
        .find(|r| r["round"] == round && r["audit"] == audit)
        .unwrap_or_else(|| panic!("no result {round}/{audit}"))
}

fn find<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    list.as_array()
        .expect("an array")
        .iter()
        .find(|e| e[key] == value)
        .unwrap_or_else(|| panic!("no entry with {key} = {value} in {list}"))
}

/// The fields of one side of a diffed audit, as `score --json` gives them.
#[track_caller]
fn assert_side(side: &Value, scored: &Value) {
    for field in [
        "checklist",
        "version",
        "score",
        "target",
        "status",
        "completion",
    ] {
        assert_eq!(side[field], scored[field], "{field}");
    }
}

fn one_decimal(v: &Value) -> String {
    format!("{:.1}", v.as_f64().expect("a number"))
}

/// The 1-based line of the first line of `text` starting with `prefix`.
fn line_of(text: &str, prefix: &str) -> usize {
    text.lines()
        .position(|l| l.starts_with(prefix))
        .expect("the line")
        + 1
}

struct Setup {
    _tmp: tempfile::TempDir,
    repo: PathBuf,
    before: Value,
    after: Value,
}

/// The repository with the workspace in `ws/`, committed and then changed; `score --json`
/// before and after the change.
fn setup() -> Setup {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let repo = tmp.path().join("repo");
    std::fs::create_dir(&repo).expect("create repo");
    repo_init_and_commit(&repo);
    let before = score_json(&repo, "ws");
    change_workspace(&repo.join("ws"));
    let after = score_json(&repo, "ws");
    Setup {
        _tmp: tmp,
        repo,
        before,
        after,
    }
}

fn repo_init_and_commit(repo: &Path) {
    git_repo(repo);
    write(&repo.join("README.md"), "Not part of the workspace\n");
    base_workspace(&repo.join("ws"));
    commit_all(repo, "audits");
}

#[test]
fn json_numbers_are_those_of_score_before_and_after() {
    let s = setup();
    let diff: Value = serde_json::from_str(&ok(auditbook_in(
        &s.repo,
        &["diff", "ws", "--base", "HEAD", "--format", "json"],
    )))
    .expect("diff --format json is JSON");
    assert_eq!(diff["base"]["rev"], "HEAD");
    assert_eq!(diff["base"]["commit"], git(&s.repo, &["rev-parse", "HEAD"]));

    let audits = &diff["audits"];
    let names: Vec<(String, String)> = audits
        .as_array()
        .expect("an array")
        .iter()
        .map(|a| {
            (
                format!(
                    "{}/{}",
                    a["round"].as_str().unwrap(),
                    a["audit"].as_str().unwrap()
                ),
                a["change"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let pair = |a: &str, c: &str| (a.to_string(), c.to_string());
    assert_eq!(
        names,
        vec![
            pair("2026-q3/eu", "changed"),
            pair("2026-q4/eu", "added"),
            pair("2026-q3/us", "removed")
        ]
    );

    let eu = &audits[0];
    let (old, new) = (
        result(&s.before, "2026-q3", "eu"),
        result(&s.after, "2026-q3", "eu"),
    );
    assert_side(&eu["old"], old);
    assert_side(&eu["new"], new);
    assert_ne!(old["score"], new["score"], "the change moves the score");
    let change = new["score"].as_f64().unwrap() - old["score"].as_f64().unwrap();
    assert_eq!(eu["score_change"].as_f64(), Some(change));
    assert_eq!(eu["file"], "audits/2026-q3/eu.yaml");

    let answers = eu["answers"].as_array().expect("answers");
    assert_eq!(answers.len(), 1, "{answers:?}");
    let answer = &answers[0];
    assert_eq!(answer["item"], "assess-quality");
    let item = |r: &Value| find(&r["items"], "id", "assess-quality")["value"].as_f64();
    assert_eq!(answer["old"]["value"].as_f64(), item(old));
    assert_eq!(answer["new"]["value"].as_f64(), item(new));
    assert_eq!(answer["old"]["level"], "established");
    assert_eq!(answer["new"]["level"], "optimised");
    assert_eq!(answer["note_changed"], true);
    assert_eq!(answer["evidence_changed"], false);

    let added = &audits[1];
    assert!(added["old"].is_null());
    assert_side(&added["new"], result(&s.after, "2026-q4", "eu"));
    let removed = &audits[2];
    assert!(removed["new"].is_null());
    assert_side(&removed["old"], result(&s.before, "2026-q3", "us"));
    assert_eq!(removed["file"], "audits/2026-q3/us.yaml");

    // The snapshot's csat is what the audit's metrics show on each side.
    let metrics = diff["metrics"].as_array().expect("metrics");
    assert_eq!(metrics.len(), 1, "only csat changed: {metrics:?}");
    let csat = &metrics[0];
    assert_eq!(csat["metric"], "csat");
    assert!(csat["subject"].is_null());
    assert_eq!(csat["taken"], "2026-09-30");
    assert_eq!(csat["change"], "changed");
    let csat_of = |r: &Value| find(&r["metrics"], "id", "csat")["value"].clone();
    assert_eq!(csat["old"]["value"], csat_of(old));
    assert_eq!(csat["new"]["value"], csat_of(new));

    assert_eq!(
        diff["translations"],
        serde_json::json!([{
            "file": "checklists/customer-service.yaml",
            "text": "title",
            "languages": ["hr"]
        }])
    );
}

#[test]
fn markdown_has_a_table_row_per_audit_and_details() {
    let s = setup();
    let md = ok(auditbook_in(&s.repo, &["diff", "ws", "--base", "HEAD"]));
    let (old, new) = (
        result(&s.before, "2026-q3", "eu"),
        result(&s.after, "2026-q3", "eu"),
    );
    let change = new["score"].as_f64().unwrap() - old["score"].as_f64().unwrap();
    let row = format!(
        "| 2026-q3/eu | {} → {} (+{change:.1}) | {} | {} |",
        one_decimal(&old["score"]),
        one_decimal(&new["score"]),
        old["status"].as_str().unwrap(),
        one_decimal(&new["target"]),
    );
    assert!(md.contains(&row), "no row {row} in\n{md}");
    // Added and removed audits: their one side's score, status and target.
    for (r, round, audit, what) in [
        (&s.after, "2026-q4", "eu", "added"),
        (&s.before, "2026-q3", "us", "removed"),
    ] {
        let one = result(r, round, audit);
        let row = format!(
            "| {round}/{audit} | {} ({what}) | {} | {} |",
            one_decimal(&one["score"]),
            one["status"].as_str().unwrap(),
            one_decimal(&one["target"]),
        );
        assert!(md.contains(&row), "no row {row} in\n{md}");
    }
    assert!(
        md.contains("<details><summary>2026-q3/eu — 1 answer changed</summary>"),
        "{md}"
    );
    assert!(
        md.contains("| assess-quality | evaluate | established (3) → optimised (4) | note |"),
        "{md}"
    );
    assert!(
        md.contains("| csat | organisation | 2026-09-30 | – | 86.4 → 88.4 (+2.0) |"),
        "{md}"
    );
    assert!(
        md.contains("| checklists/customer-service.yaml | title | hr |"),
        "{md}"
    );
}

#[test]
fn github_annotations_point_at_the_changed_lines_from_the_current_folder() {
    let s = setup();
    let eu_text = std::fs::read_to_string(s.repo.join("ws/audits/2026-q3/eu.yaml")).unwrap();
    let answer_line = line_of(&eu_text, "  assess-quality:");
    let csat_line = line_of(
        &std::fs::read_to_string(s.repo.join("ws/metrics/2026-09.yaml")).unwrap(),
        "  csat:",
    );
    // From the repository root, files are named from there.
    let out = ok(auditbook_in(
        &s.repo,
        &["diff", "ws", "--base", "HEAD", "--format", "github"],
    ));
    let answer = format!(
        "::notice file=ws/audits/2026-q3/eu.yaml,line={answer_line},title=answer assess-quality::assess-quality: established (3) → optimised (4); note changed\n"
    );
    assert!(out.contains(&answer), "no {answer} in\n{out}");
    let (old, new) = (
        result(&s.before, "2026-q3", "eu"),
        result(&s.after, "2026-q3", "eu"),
    );
    let summary = format!(
        "::notice file=ws/audits/2026-q3/eu.yaml,line=1,title=audit 2026-q3/eu::score {} → {}",
        one_decimal(&old["score"]),
        one_decimal(&new["score"])
    );
    assert!(out.contains(&summary), "no {summary} in\n{out}");
    assert!(
        out.contains("::notice file=ws/audits/2026-q4/eu.yaml,line=1,"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "::notice file=ws/metrics/2026-09.yaml,line={csat_line},"
        )),
        "{out}"
    );
    // A removed file has no line to point at.
    assert!(
        out.contains("::notice title=audit 2026-q3/us::audit removed"),
        "{out}"
    );

    // From inside the workspace, the same annotations name files from there.
    let inside = ok(auditbook_in(
        &s.repo.join("ws"),
        &["diff", "--base", "HEAD", "--format", "github"],
    ));
    assert_eq!(inside, out.replace("file=ws/", "file="));
    // An absolute workspace path inside the current folder is named relative to it.
    let ws = s.repo.join("ws");
    let absolute = ok(auditbook_in(
        &s.repo,
        &[
            "diff",
            ws.to_str().unwrap(),
            "--base",
            "HEAD",
            "--format",
            "github",
        ],
    ));
    assert_eq!(absolute, out);
}

#[test]
fn a_workspace_at_the_repository_root_works_and_no_change_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    git_repo(repo);
    base_workspace(repo);
    commit_all(repo, "audits");
    let md = ok(auditbook_in(repo, &["diff", "--base", "HEAD"]));
    assert!(
        md.contains("No audit results, metric values or translations changed."),
        "{md}"
    );
    change_workspace(repo);
    let json: Value = serde_json::from_str(&ok(auditbook_in(
        repo,
        &["diff", ".", "--base", "HEAD", "--format", "json"],
    )))
    .unwrap();
    assert_eq!(json["audits"].as_array().unwrap().len(), 3);
    // Committed, the change is the difference from the commit before.
    commit_all(repo, "changes");
    let json: Value = serde_json::from_str(&ok(auditbook_in(
        repo,
        &["diff", "--base", "HEAD~1", "--format", "json"],
    )))
    .unwrap();
    assert_eq!(json["audits"].as_array().unwrap().len(), 3);
}

#[test]
fn a_shallow_clone_without_the_base_says_how_to_fetch_it() {
    let tmp = tempfile::tempdir().unwrap();
    let origin = tmp.path().join("origin");
    std::fs::create_dir(&origin).unwrap();
    repo_init_and_commit(&origin);
    let base = git(&origin, &["rev-parse", "HEAD"]);
    change_workspace(&origin.join("ws"));
    commit_all(&origin, "changes");
    let clone = tmp.path().join("clone");
    let url = format!("file://{}", origin.display());
    git(
        tmp.path(),
        &["clone", "-q", "--depth", "1", &url, clone.to_str().unwrap()],
    );
    let o = auditbook_in(&clone, &["diff", "ws", "--base", &base]);
    assert_eq!(o.status.code(), Some(2), "{}", run::stderr(&o));
    let err = run::stderr(&o);
    assert!(
        err.contains(&format!(
            "error: base revision '{base}' is not in this clone; fetch it with `git fetch --depth=…` or use `fetch-depth: 0` in actions/checkout"
        )),
        "{err}"
    );
    assert!(err.contains("shallow clone"), "{err}");
    assert!(o.stdout.is_empty());
    // A name git does not know gets the same message, and no option can be slipped in.
    for rev in ["no-such-branch", "--output=x"] {
        let o = auditbook_in(&clone, &["diff", "ws", &format!("--base={rev}")]);
        assert_eq!(o.status.code(), Some(2), "{rev}: {}", run::stderr(&o));
        assert!(run::stderr(&o).contains(&format!("base revision '{rev}' is not in this clone")));
    }
    assert!(!clone.join("x").exists());
}

#[test]
fn a_side_that_does_not_load_is_named_with_its_diagnostics() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    git_repo(repo);
    base_workspace(repo);
    write(
        &repo.join("audits/2026-q3/eu.yaml"),
        &EU.replace("assess-quality", "asses-quality"),
    );
    commit_all(repo, "a typo");
    let o = auditbook_in(repo, &["diff", "--base", "HEAD"]);
    assert_eq!(o.status.code(), Some(1));
    let err = run::stderr(&o);
    assert!(err.contains("unknown item 'asses-quality'"), "{err}");
    assert!(err.contains("audits/2026-q3/eu.yaml"), "{err}");
    assert!(err.contains("error: the base (HEAD) is invalid"), "{err}");

    // Fixed in the base, broken in the working tree.
    write(&repo.join("audits/2026-q3/eu.yaml"), EU);
    commit_all(repo, "fixed");
    write(
        &repo.join("audits/2026-q3/eu.yaml"),
        &EU.replace("partial", "partly"),
    );
    let o = auditbook_in(repo, &["diff", "--base", "HEAD"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        run::stderr(&o).contains("error: the working tree is invalid"),
        "{}",
        run::stderr(&o)
    );
}

#[test]
fn a_folder_outside_git_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    base_workspace(tmp.path());
    let o = auditbook_in(tmp.path(), &["diff", "--base", "HEAD"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        run::stderr(&o).contains("is not in a git repository"),
        "{}",
        run::stderr(&o)
    );
}

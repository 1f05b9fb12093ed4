//! Sources in a workspace (docs/exports.md): their computed snapshots join the written ones,
//! in `check`, `metrics --json`, and the metrics of audits in `score --json`.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::support::json::{num, parse_exact};
use crate::support::{Workspace, command, output, root};

fn auditbook(args: &[&str], dir: &Path) -> Output {
    output(command().args(args).arg(dir))
}

/// The hand-worked help desk of tests/it/sources.rs as a workspace, without its one error (a
/// duplicate ticket id), so that it loads; its warnings stay.
fn helpdesk() -> Workspace {
    let f = Workspace::fixture("sources/helpdesk");
    let b = f.path().join("exports/b.csv");
    let text = std::fs::read_to_string(&b).unwrap();
    let kept: Vec<&str> = text.lines().filter(|l| !l.contains(",T1,")).collect();
    std::fs::write(&b, kept.join("\n") + "\n").unwrap();
    f
}

fn metrics_json(dir: &Path) -> Value {
    let out = output(command().arg("metrics").arg(dir).arg("--json"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "metrics failed: {stderr}");
    parse_exact(&String::from_utf8(out.stdout).unwrap())
}

fn find<'a>(all: &'a Value, taken: &str, subject: Option<&str>) -> &'a Value {
    all.as_array()
        .unwrap()
        .iter()
        .find(|s| s["taken"] == taken && s["subject"].as_str() == subject)
        .unwrap_or_else(|| panic!("no snapshot taken {taken} for {subject:?}"))
}

#[test]
fn metrics_json_gives_the_hand_worked_values() {
    let f = helpdesk();
    let all = metrics_json(f.path());
    let order: Vec<(&str, Option<&str>, &str)> = (all.as_array().unwrap().iter())
        .map(|s| {
            (
                s["taken"].as_str().unwrap(),
                s["subject"].as_str(),
                s["origin"].as_str().unwrap(),
            )
        })
        .collect();
    let source = "sources/helpdesk.yaml";
    assert_eq!(
        order,
        [
            ("2026-03-31", None, source),
            ("2026-03-31", Some("tallinn-helpdesk"), source),
            ("2026-03-31", Some("tartu-helpdesk"), source),
            ("2026-04-30", None, source),
            ("2026-04-30", Some("tallinn-helpdesk"), source),
            ("2026-04-30", Some("tartu-helpdesk"), source),
        ]
    );
    let march = find(&all, "2026-03-31", None);
    assert_eq!(march["period"]["from"], "2026-03-01");
    assert_eq!(march["period"]["to"], "2026-03-31");
    let frt = &march["values"]["first-response-time"];
    // T1 45m, T2 5h 30m, T3 1h 30m, T5 20m (tests/it/sources.rs works them out).
    assert_eq!(
        num(&frt["value"]),
        (2700 + 19_800 + 5400 + 1200) as f64 / 4.0
    );
    assert!(frt["target"].is_null());
    assert_eq!(num(&frt["by"]["channel"]["chat"]), 19_800.0);
    assert_eq!(num(&frt["by"]["channel"]["email"]), 4050.0);
    assert_eq!(num(&frt["by"]["channel"]["phone"]), 1200.0);
    assert_eq!(num(&march["values"]["sla-compliance"]["value"]), 40.0);
    assert_eq!(num(&march["values"]["nps"]["value"]), 25.0);

    let tallinn = find(&all, "2026-03-31", Some("tallinn-helpdesk"));
    let values = &tallinn["values"];
    assert_eq!(num(&values["first-response-time"]["value"]), 4050.0);
    assert_eq!(num(&values["average-resolution-time"]["value"]), 28_800.0);
    assert_eq!(num(&values["sla-compliance"]["value"]), 100.0 / 3.0);

    let april = find(&all, "2026-04-30", None);
    assert_eq!(num(&april["values"]["nps"]["value"]), 100.0 / 3.0);
    assert_eq!(num(&april["values"]["csat"]["value"]), 100.0 / 3.0);
    let tartu = find(&all, "2026-04-30", Some("tartu-helpdesk"));
    assert_eq!(
        num(&tartu["values"]["average-resolution-time"]["value"]),
        12_750.0
    );
}

#[test]
fn written_and_computed_snapshot_of_one_period_is_an_error_naming_both() {
    let f = helpdesk();
    std::fs::create_dir_all(f.path().join("metrics")).unwrap();
    std::fs::write(
        f.path().join("metrics/tallinn-march.yaml"),
        "taken: 2026-03-31\nperiod: {from: 2026-03-01, to: 2026-03-31}\n\
         subject: tallinn-helpdesk\nvalues:\n  csat: 80\n",
    )
    .unwrap();
    let out = auditbook(&["check"], f.path());
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "metric csat for tallinn-helpdesk, 2026-03-01 to 2026-03-31, is written in \
             metrics/tallinn-march.yaml and computed by sources/helpdesk.yaml"
        ),
        "{text}"
    );
    // Another period, or a metric the source does not give, is no duplicate.
    std::fs::write(
        f.path().join("metrics/tallinn-march.yaml"),
        "taken: 2026-03-31\nperiod: {from: 2026-03-01, to: 2026-03-31}\n\
         subject: tallinn-helpdesk\nvalues:\n  csi: 80\n",
    )
    .unwrap();
    let out = auditbook(&["check"], f.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn a_glob_that_matches_nothing_or_leaves_the_workspace_is_an_error_at_its_line() {
    let f = helpdesk();
    let path = f.path().join("sources/helpdesk.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let yaml = text.replace(
        "files: [exports/*.csv]",
        "files:\n  - exports/*.csv\n  - exports/2027/*.csv\n  - ../elsewhere/*.csv",
    );
    assert_ne!(yaml, text);
    std::fs::write(&path, yaml).unwrap();
    let out = auditbook(&["check", "--format", "json"], f.path());
    assert_eq!(out.status.code(), Some(1));
    let diags: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors: Vec<(&str, u64, &str)> = (diags.as_array().unwrap().iter())
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            (
                d["file"].as_str().unwrap(),
                d["line"].as_u64().unwrap(),
                d["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            (
                "sources/helpdesk.yaml",
                3,
                "file glob 'exports/2027/*.csv' matches no file"
            ),
            (
                "sources/helpdesk.yaml",
                4,
                "file glob '../elsewhere/*.csv' leaves the workspace folder (`..`)"
            ),
        ]
    );
}

/// The bundled demo: the Tallinn help desk's snapshots are computed from its export.
#[test]
fn the_demo_checks_clean_and_its_audits_pick_computed_snapshots() {
    let root = root();
    let out = auditbook(&["check"], root);
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("no problems"), "{text}");

    let all = metrics_json(root);
    // The Q3 audit of 2026-09-23 takes the newest snapshot up to then: August's, computed.
    let august = (all.as_array().unwrap().iter())
        .find(|s| {
            s["taken"] == "2026-08-31"
                && s["subject"] == "tallinn-helpdesk"
                && s["origin"] == "sources/tallinn-helpdesk.yaml"
        })
        .expect("a computed snapshot for August");
    let computed = num(&august["values"]["first-response-time"]["value"]);

    let out = auditbook(&["score", "--json"], root);
    assert!(out.status.success());
    let results = parse_exact(&String::from_utf8(out.stdout).unwrap());
    let audit = (results.as_array().unwrap().iter())
        .find(|r| r["round"] == "2026-q3" && r["subject"] == "tallinn-helpdesk")
        .expect("the Tallinn audit of 2026-q3");
    let metric = (audit["metrics"].as_array().unwrap().iter())
        .find(|m| m["id"] == "first-response-time")
        .expect("its first response time");
    assert_eq!(num(&metric["value"]), computed);
}

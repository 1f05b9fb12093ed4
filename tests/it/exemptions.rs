//! Exemptions (docs/format.md, "Exemptions"): an exempt item counts like `na`, results keep
//! the score without exemptions as `raw`, gates judge the adjusted score, and the pages show
//! each exemption. The diagnostics of exemptions are in tests/fixtures/invalid/exemptions
//! (checked by `expected`).
//!
//! The workspace below: checklist `svc` on the maturity scale (0–4), target 3 for every item
//! (target ratio 0.75); one section of weight 1 with `greeting` (weight 1), `follow-up`
//! (weight 1) and `night-cover` (weight 2). Round 2026-q1, both audits dated 2026-03-31.
//!
//! | audit | greeting | follow-up | night-cover |
//! | --- | --- | --- | --- |
//! | north | 4 (r 1) | 1 (r 0.25) | 2 (r 0.5) |
//! | south | 1 (r 0.25) | 2 (r 0.5) | 4 (r 1) |
//!
//! Exemptions: `follow-up` for north (2026-01-01 to 2026-12-31); `greeting` for every
//! subject (2026-03-01 to 2026-04-30, so expiring: 30 days after the round's date);
//! `night-cover` for south in 2025 (expired, applies to no audit).
//!
//! north, raw: Σw = 4, Σw·r = 1 + 0.25 + 2 × 0.5 = 2.25, score = 100 × 2.25 / 4 = 56.25,
//! target = 100 × 0.75 = 75. Adjusted (greeting and follow-up exempt): only night-cover,
//! Σw = 2, Σw·r = 1, score = 50, target = 75; status below (25 points short). Gaps: raw
//! follow-up 0.5 and night-cover 0.5; adjusted only night-cover (0.5).
//!
//! south, raw: Σw·r = 0.25 + 0.5 + 2 × 1 = 2.75, score = 68.75, target 75 (at-risk).
//! Adjusted (greeting exempt): Σw = 3, Σw·r = 0.5 + 2 = 2.5, score = 100 × 2.5 / 3 =
//! 83.333…, target = 75: met. Gaps: adjusted follow-up only (1 × (0.75 − 0.5) = 0.25).
//!
//! Completion is 100 in both: every item is answered, and exempt items count as done.
//! With `min-score: 70`, north fails on 50 (raw 56.25 shown beside it); south passes on
//! 83.3 although its raw score, 68.75, is below 70.

use crate::support::Workspace;
use crate::support::json::num;
use serde_json::Value;

const CHECKLIST: &str = "\
id: svc
version: 1
title: Service
scale: maturity
target: 3
sections:
  - id: basics
    title: Basics
    items:
      - {id: greeting, title: Greeting}
      - {id: follow-up, title: Follow-up}
      - {id: night-cover, title: Night cover, weight: 2}
";

fn audit(subject: &str, answers: [u8; 3]) -> String {
    format!(
        "checklist: svc\nversion: 1\nsubject: {subject}\ndate: 2026-03-31\nanswers:\n  greeting: {}\n  follow-up: {}\n  night-cover: {}\n",
        answers[0], answers[1], answers[2]
    )
}

fn workspace(gates: &str) -> Workspace {
    Workspace::new()
        .file(
            "auditbook.yaml",
            format!("languages: [en, hr]\n{gates}"),
        )
        .file("checklists/svc.yaml", CHECKLIST)
        .file("audits/2026-q1/north.yaml", audit("north", [4, 1, 2]))
        .file("audits/2026-q1/south.yaml", audit("south", [1, 2, 4]))
        .file(
            "exemptions/north-follow-up.yaml",
            "checklist: svc\nitem: follow-up\nsubject: north\n\
             reason: {en: Follow-up **moves** to the new desk, hr: Praćenje **prelazi** na novi sustav}\n\
             owner: Ana Horvat\napproved: 2026-01-01\nuntil: 2026-12-31\n",
        )
        .file(
            "exemptions/greeting.yaml",
            "checklist: svc\nitem: greeting\nreason: The greeting script is being rewritten\n\
             owner: Kiss Péter\napproved: 2026-03-01\nuntil: 2026-04-30\n",
        )
        .file(
            "exemptions/old/south-night.yaml",
            "checklist: svc\nitem: night-cover\nsubject: south\nreason: Night cover started in 2026\n\
             owner: Kiss Péter\napproved: 2025-01-01\nuntil: 2025-12-31\n",
        )
}

fn item<'a>(result: &'a Value, id: &str) -> &'a Value {
    result["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["id"] == id))
        .unwrap_or_else(|| panic!("item {id}"))
}

#[test]
fn exempt_items_count_like_na_and_raw_is_the_score_without_them() {
    let ws = workspace("");
    let results = ws.score(&[]);
    let [north, south] = [&results[0], &results[1]];
    assert_eq!(
        (north["audit"].as_str(), south["audit"].as_str()),
        (Some("north"), Some("south"))
    );

    assert_eq!(num(&north["score"]), 50.0);
    assert_eq!(num(&north["target"]), 75.0);
    assert_eq!(num(&north["raw"]["score"]), 56.25);
    assert_eq!(num(&north["raw"]["target"]), 75.0);
    assert_eq!(north["status"], "below");
    assert_eq!(num(&north["completion"]), 100.0);
    assert_eq!(north["gaps"], serde_json::json!(["night-cover"]));
    for id in ["greeting", "follow-up"] {
        let i = item(north, id);
        assert_eq!(i["status"], "exempt", "{id}");
        assert_eq!(num(&i["gap"]), 0.0, "{id}");
    }
    // The answer is kept for readers.
    assert_eq!(num(&item(north, "follow-up")["value"]), 1.0);
    assert_eq!(item(north, "night-cover")["status"], "scored");

    assert_eq!(num(&south["score"]), 100.0 * 2.5 / 3.0);
    assert_eq!(num(&south["target"]), 75.0);
    assert_eq!(num(&south["raw"]["score"]), 68.75);
    assert_eq!(num(&south["raw"]["target"]), 75.0);
    // Met with the exemption; at risk (68.75, less than 10 below 75) without it.
    assert_eq!(south["status"], "met");
    assert_eq!(south["gaps"], serde_json::json!(["follow-up"]));
    assert_eq!(item(south, "greeting")["status"], "exempt");
    assert_eq!(item(south, "night-cover")["status"], "scored");
    let sections = &south["sections"][0];
    assert_eq!(num(&sections["score"]), 100.0 * 2.5 / 3.0);
    assert_eq!(num(&sections["completion"]), 100.0);
}

#[test]
fn the_data_files_write_raw_and_the_exempt_status() {
    let ws = workspace("");
    ws.build();
    let data: Value =
        serde_json::from_str(&ws.page("data/rounds/2026-q1/north.json")).expect("JSON");
    assert_eq!(data["raw"]["score"], 56.25);
    assert_eq!(data["score"], 50.0);
    let csv = ws.page("data/rounds/2026-q1/north.csv");
    let statuses: Vec<(&str, &str)> = csv
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            Some((*cells.get(1)?, *cells.get(2)?))
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("greeting", "exempt"),
            ("follow-up", "exempt"),
            ("night-cover", "scored")
        ]
    );
}

#[test]
fn an_expired_exemption_is_the_only_warning_of_a_clean_workspace() {
    let ws = workspace("");
    let run = ws.run(["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let diags: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let list: Vec<(String, String, u64, u64)> = diags
        .as_array()
        .expect("an array")
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap_or_default().to_string(),
                d["message"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or_default(),
                d["column"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        list,
        [(
            "exemptions/old/south-night.yaml".to_string(),
            "exemption expired on 2025-12-31, before round '2026-q1' (2026-03-31)".to_string(),
            7,
            8
        )]
    );
}

#[test]
fn gates_judge_the_adjusted_score_and_show_the_raw_one() {
    let ws = workspace("gates:\n  min-score: 70\n");
    let run = ws.run(["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let diags: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let errors: Vec<(&str, &str)> = diags
        .as_array()
        .expect("an array")
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            (
                d["file"].as_str().unwrap_or(""),
                d["message"].as_str().unwrap_or(""),
            )
        })
        .collect();
    // south's raw 68.75 is below 70, but its adjusted 83.3 passes.
    assert_eq!(
        errors,
        [(
            "audits/2026-q1/north.yaml",
            "gate min-score: north (2026-q1) scores 50.0 with exemptions (56.2 without), 20.0 below the minimum 70"
        )]
    );
}

#[test]
fn pages_show_exempt_items_and_list_exemptions_by_expiry() {
    let ws = workspace("");
    ws.build();
    let audit = ws.page("rounds/2026-q1/north/index.html");
    assert!(
        audit.contains("class=\"level level-exempt\">Exempt</span>"),
        "{audit}"
    );
    assert!(audit.contains("Follow-up <strong>moves</strong> to the new desk"));
    assert!(audit.contains("Owner: Ana Horvat"));
    assert!(audit.contains("<time datetime=\"2026-01-01\">"));
    assert!(audit.contains("<time datetime=\"2026-12-31\">"));
    // Score, and beside it the score and target without exemptions; pages round half to
    // even, so 56.25 shows as 56.2 (and 68.75 as 68.8).
    assert!(
        audit.contains("<dt>Without exemptions</dt><dd>56.2 <span class=\"muted\">/ 75.0</span>")
    );
    assert!(audit.contains("href=\"../../../exemptions/index.html\""));

    for page in [
        "rounds/2026-q1/north/gaps/index.html",
        "rounds/2026-q1/north/report.html",
    ] {
        let html = ws.page(page);
        let at = html
            .find("id=\"exempt-items\"")
            .unwrap_or_else(|| panic!("{page}"));
        let list = &html[at..];
        let (greeting, follow_up) = (list.find("Greeting"), list.find("Follow-up <strong>"));
        assert!(greeting.is_some() && follow_up.is_some(), "{page}");
        assert!(
            list.contains("Kiss Péter") && list.contains("Ana Horvat"),
            "{page}"
        );
        // The greeting exemption ends 30 days after the round: marked.
        assert!(
            list.contains("<span class=\"badge-expiring\">Expiring soon</span>"),
            "{page}"
        );
    }
    // The report loads nothing from outside itself.
    let report = ws.page("rounds/2026-q1/north/report.html");
    assert!(!report.contains("<link") && !report.contains("src=\""));

    let index = ws.page("exemptions/index.html");
    let order: Vec<usize> = [
        "The greeting script",
        "Follow-up <strong>",
        "Night cover started",
    ]
    .iter()
    .map(|t| index.find(t).unwrap_or_else(|| panic!("{t}")))
    .collect();
    assert!(
        order[0] < order[1] && order[1] < order[2],
        "expiring, active, expired: {order:?}"
    );
    assert!(index.contains("<span class=\"badge-expired\">Expired</span>"));
    assert!(index.contains("<td>Every team</td>"));
    let hr = ws.page("hr/exemptions/index.html");
    assert!(hr.contains("<h1>Izuzeća</h1>"));
    assert!(hr.contains("Praćenje <strong>prelazi</strong> na novi sustav"));

    // The exemptions page and the dashboard link each item to its page.
    assert!(index.contains("href=\"../checklists/svc/items/follow-up/index.html\""));
    assert!(
        ws.page("index.html")
            .contains("href=\"checklists/svc/items/greeting/index.html\"")
    );
    // The item's page lists the exemptions of that item, with their team.
    let item = ws.page("checklists/svc/items/follow-up/index.html");
    assert!(item.contains("id=\"exemptions\""), "{item}");
    assert!(item.contains("Follow-up <strong>moves</strong> to the new desk"));
    assert!(item.contains("Ana Horvat"));
    assert!(!item.contains("The greeting script"));

    let dashboard = ws.page("index.html");
    assert!(dashboard.contains("href=\"exemptions/index.html\""));
    // north 50.0 (56.2 without); south 83.3 (68.8 without).
    assert!(dashboard.contains(
        "<strong>50.0</strong><br><span class=\"muted small\">Without exemptions: 56.2</span>"
    ));
    assert!(dashboard.contains(
        "<strong>83.3</strong><br><span class=\"muted small\">Without exemptions: 68.8</span>"
    ));
}

#[test]
fn without_exemptions_there_is_no_exemptions_page() {
    let ws = workspace("");
    for f in [
        "exemptions/north-follow-up.yaml",
        "exemptions/greeting.yaml",
        "exemptions/old/south-night.yaml",
    ] {
        std::fs::remove_file(ws.join(f)).expect("remove");
    }
    ws.build();
    assert!(!ws.site().join("exemptions/index.html").exists());
    let dashboard = ws.page("index.html");
    assert!(!dashboard.contains("exemptions/index.html"));
    assert!(!dashboard.contains("Without exemptions"));
    let results = ws.score(&[]);
    assert_eq!(num(&results[0]["raw"]["score"]), 56.25);
    assert_eq!(num(&results[0]["score"]), 56.25);
    // No score changes: the table has no column for scores without exemptions.
    let table = ws.run(["score", "."]);
    table.success();
    assert!(
        !table.stdout.contains("without exemptions"),
        "{}",
        table.stdout
    );
}

#[test]
fn the_score_table_shows_scores_without_exemptions_when_one_changes_a_score() {
    let ws = workspace("");
    let run = ws.run(["score", "."]);
    run.success();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].ends_with("completion  without exemptions"),
        "{}",
        run.stdout
    );
    let cells = |line: &str| {
        line.split_whitespace()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    // round, audit, subject, score, target, status, completion, without exemptions
    assert_eq!(
        cells(lines[1])[1..],
        ["north", "north", "50.0", "75.0", "below", "100.0", "56.2"]
    );
    assert_eq!(
        cells(lines[2])[1..],
        ["south", "south", "83.3", "75.0", "met", "100.0", "68.8"]
    );
}

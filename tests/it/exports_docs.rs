//! The sources of docs/exports.md, run. Every ```` ```yaml ```` block there that is a source
//! file goes into a workspace of its own with a small export whose header is exactly the
//! columns it maps, in the notation of that help desk's timestamps; `check` must find no
//! problem, and `metrics --json` must give the metrics the rows give, and no others. So the
//! mappings cannot drift from the reader, nor the lists of what each mapping gives.

use std::collections::BTreeMap;

use auditbook::yaml::{self, Node};
use serde_json::Value;

use crate::support::json::num;
use crate::support::{Workspace, docs};

/// A mapping's test: rows of its export and the month they fall in.
struct Case {
    id: &'static str,
    /// Each row as (field of `columns`, cell); a mapped field a row leaves out is empty.
    rows: &'static [&'static [(&'static str, &'static str)]],
    /// The organisation's snapshot of this month (its last day)...
    taken: &'static str,
    /// ...has exactly these metrics, with these values.
    metrics: &'static [(&'static str, f64)],
}

const CASES: &[Case] = &[
    // The full example of section 1: Monday 2026-03-02 is open 09:00-18:00 in Tallinn.
    Case {
        id: "helpdesk",
        rows: &[
            &[
                ("id", "H1"),
                ("created", "2026-03-02 09:00"),
                ("first-response", "2026-03-02 09:30"),
                ("resolved", "2026-03-02 10:00"),
                ("replies", "1"),
                ("channel", "email"),
                ("group", "Tallinn L1"),
                ("agent", "ann"),
                ("topic", "billing"),
                ("rating", "good"),
                ("nps", "10"),
            ],
            &[
                ("id", "H2"),
                ("created", "2026-03-02 10:00"),
                ("first-response", "2026-03-02 12:00"),
                ("replies", "2"),
                ("channel", "chat"),
                ("group", "Tartu L1"),
                ("agent", "bob"),
                ("topic", "login"),
                ("rating", "bad"),
                ("nps", "6"),
            ],
        ],
        taken: "2026-03-31",
        metrics: &[
            // 30m and 2h.
            ("first-response-time", 4500.0),
            ("average-resolution-time", 3600.0),
            // H1 within the hour, H2 not.
            ("sla-compliance", 50.0),
            ("first-contact-resolution", 100.0),
            ("csi", 50.0),
            // One promoter, one detractor.
            ("nps", 0.0),
        ],
    },
    // No working hours: elapsed time.
    Case {
        id: "zendesk",
        rows: &[
            &[
                ("id", "101"),
                ("created", "2026-03-02 09:15:30"),
                ("resolved", "2026-03-02 11:15:30"),
                ("replies", "1"),
                ("channel", "Email"),
                ("group", "Support"),
                ("agent", "Ann Tamm"),
                ("topic", "question"),
            ],
            &[
                ("id", "102"),
                ("created", "2026-03-03 10:00:00"),
                ("resolved", "2026-03-04 10:00:00"),
                ("replies", "3"),
                ("channel", "Web form"),
                ("group", "Support"),
                ("agent", "Bob Kask"),
                ("topic", "incident"),
            ],
            &[
                ("id", "103"),
                ("created", "2026-03-05 16:45:00"),
                ("replies", "0"),
                ("channel", "Email"),
                ("group", "Support"),
            ],
        ],
        taken: "2026-03-31",
        metrics: &[
            // 2h and 24h.
            ("average-resolution-time", 46_800.0),
            // Of 101 and 102, solved with replies, 101 with one.
            ("first-contact-resolution", 50.0),
        ],
    },
    Case {
        id: "osticket",
        rows: &[
            &[
                ("id", "100231"),
                ("created", "2026-03-02 09:15"),
                ("resolved", "2026-03-02 13:45"),
                ("channel", "Email"),
                ("group", "Support"),
                ("agent", "Horvat, Ana"),
                ("topic", "Billing"),
            ],
            &[
                ("id", "100232"),
                ("created", "2026-03-09 08:00"),
                ("resolved", "2026-03-10 08:30"),
                ("channel", "Web"),
                ("group", "Support"),
                ("agent", "Kovač, Ivan"),
                ("topic", "Report a Problem"),
            ],
            &[
                ("id", "100233"),
                ("created", "2026-03-12 10:00"),
                ("channel", "Phone"),
                ("group", "Sales"),
            ],
        ],
        taken: "2026-03-31",
        // 4h 30m and 24h 30m.
        metrics: &[("average-resolution-time", 52_200.0)],
    },
];

/// `key` of a YAML map.
fn get<'a>(map: &'a Node, key: &str) -> Option<&'a Node> {
    map.as_map()?
        .iter()
        .find(|(k, _)| k.as_str() == Some(key))
        .map(|(_, v)| v)
}

/// A CSV field, quoted when it holds the delimiter, a quote or a line break.
fn field(cell: &str, delimiter: char) -> String {
    if cell.contains([delimiter, '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

/// The export of `case` for the source `text`: a header of its mapped columns in their
/// order, then one column no mapping reads, and a line a row.
fn export(text: &str, case: &Case) -> String {
    let source = yaml::parse(text).expect("the source is YAML");
    let delimiter = get(&source, "delimiter")
        .and_then(Node::as_str)
        .map_or(',', |d| d.chars().next().expect("a delimiter"));
    let columns: Vec<(String, String)> = get(&source, "columns")
        .and_then(Node::as_map)
        .expect("columns")
        .iter()
        .map(|(k, v)| {
            let header = v.as_str().expect("a column name").to_string();
            (k.as_str().expect("a field").to_string(), header)
        })
        .collect();
    let sep = delimiter.to_string();
    let mut header: Vec<String> = columns.iter().map(|(_, h)| field(h, delimiter)).collect();
    header.push("Notes".into());
    let mut csv = header.join(&sep) + "\n";
    for row in case.rows {
        let cells: BTreeMap<&str, &str> = row.iter().copied().collect();
        for name in cells.keys() {
            assert!(
                columns.iter().any(|(f, _)| f == name),
                "{}: the row sets `{name}`, which the source does not map",
                case.id
            );
        }
        let mut line: Vec<String> = (columns.iter())
            .map(|(f, _)| field(cells.get(f.as_str()).copied().unwrap_or(""), delimiter))
            .collect();
        line.push(field("printer, \"again\"", delimiter));
        csv += &(line.join(&sep) + "\n");
    }
    csv
}

/// The file the first glob of `files` matches once written: each `*` becomes `export`.
fn export_path(text: &str) -> String {
    let source = yaml::parse(text).expect("the source is YAML");
    let files = get(&source, "files").expect("files");
    let first = match &files.kind {
        yaml::Kind::Seq(items) => items.first().and_then(Node::as_str),
        _ => files.as_str(),
    };
    first.expect("a glob").replace('*', "export")
}

/// The breakdown dimensions `text` maps, sorted.
fn mapped_dimensions(text: &str) -> Vec<&'static str> {
    let source = yaml::parse(text).expect("the source is YAML");
    let columns = get(&source, "columns").expect("columns");
    ["agent", "channel", "group", "topic"]
        .into_iter()
        .filter(|d| get(columns, d).is_some())
        .collect()
}

#[test]
fn every_source_of_the_document_has_a_case() {
    let documented: Vec<String> = docs::sources("exports.md")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let tested: Vec<&str> = CASES.iter().map(|c| c.id).collect();
    assert_eq!(
        documented, tested,
        "docs/exports.md's sources and the cases here"
    );
}

#[test]
fn every_source_of_the_document_checks_clean_and_gives_its_metrics() {
    for (id, text) in docs::sources("exports.md") {
        let Some(case) = CASES.iter().find(|c| c.id == id) else {
            continue; // the test above fails
        };
        let ws = Workspace::new()
            .file(&format!("sources/{id}.yaml"), &text)
            .file(&export_path(&text), export(&text, case));

        let check = ws.run(["check", "."]);
        assert_eq!(check.code, 0, "{id}: check:\n{}", check.stderr);
        assert!(
            check.stderr.contains("no problems"),
            "{id}: check:\n{}",
            check.stderr
        );

        let run = ws.run(["metrics", ".", "--json"]);
        run.success();
        let all = run.stdout_exact_json();
        let org: Vec<&Value> = (all.as_array().expect("an array").iter())
            .filter(|s| s["subject"].is_null())
            .collect();
        assert_eq!(org.len(), 1, "{id}: one month, one snapshot: {all:#}");
        let snapshot = org[0];
        assert_eq!(snapshot["taken"], case.taken, "{id}");
        assert_eq!(snapshot["origin"], format!("sources/{id}.yaml"), "{id}");
        let values = snapshot["values"].as_object().expect("values");
        let mut got: Vec<&str> = values.keys().map(String::as_str).collect();
        got.sort_unstable();
        let mut want: Vec<&str> = case.metrics.iter().map(|(m, _)| *m).collect();
        want.sort_unstable();
        assert_eq!(got, want, "{id}: the metrics it gives");
        let dimensions = mapped_dimensions(&text);
        for (metric, value) in case.metrics {
            assert_eq!(num(&values[*metric]["value"]), *value, "{id}: {metric}");
            let mut by: Vec<&str> = (values[*metric]["by"].as_object().expect("by").keys())
                .map(String::as_str)
                .collect();
            by.sort_unstable();
            assert_eq!(by, dimensions, "{id}: {metric} broken down by");
        }
    }
}

//! Ticket exports worked out by hand: two months of a help desk in Europe/Tallinn, across the
//! clock change of 2026-03-29, every metric checked to the second (docs/exports.md).

use std::path::{Path, PathBuf};

use auditbook::diag::{Diagnostics, Severity, render_human};
use auditbook::metrics::{Counts, MetricValue, Snapshot};
use auditbook::source::Sources;
use auditbook::sources::{Computed, RowProblem, compute_files, config};
use chrono::NaiveDate;

const ROOT: &str = "tests/fixtures/sources/helpdesk";

fn run(yaml: &str) -> (Computed, Diagnostics) {
    let mut diags = Diagnostics::default();
    let source = config::parse(Path::new("sources/helpdesk.yaml"), yaml, &mut diags)
        .expect("the source reads");
    let files = [
        PathBuf::from("exports/a.csv"),
        PathBuf::from("exports/b.csv"),
    ];
    let computed = compute_files(&source, Path::new(ROOT), &files, &mut diags);
    (computed, diags)
}

fn fixture() -> String {
    std::fs::read_to_string(Path::new(ROOT).join("sources/helpdesk.yaml")).unwrap()
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn snapshot<'a>(c: &'a Computed, month: &str, subject: Option<&str>) -> &'a Snapshot {
    let from = date(&format!("{month}-01"));
    c.snapshots
        .iter()
        .find(|s| s.period.map(|p| p.0) == Some(from) && s.subject.as_deref() == subject)
        .unwrap_or_else(|| panic!("no snapshot for {month} {subject:?}"))
}

fn value<'a>(s: &'a Snapshot, metric: &str) -> &'a MetricValue {
    s.value(metric)
        .unwrap_or_else(|| panic!("no {metric} in {:?}", s.subject))
}

fn seconds(s: &Snapshot, metric: &str) -> f64 {
    value(s, metric).value.value
}

fn ratio(s: &Snapshot, metric: &str) -> (f64, f64) {
    match value(s, metric).value.counts {
        Counts::Ratio { good, total } => (good, total),
        other => panic!("{metric}: {other:?}"),
    }
}

fn nps(s: &Snapshot) -> (f64, f64, f64, f64) {
    let v = value(s, "nps");
    match v.value.counts {
        Counts::Nps {
            promoters,
            passives,
            detractors,
        } => (promoters, passives, detractors, v.value.value),
        other => panic!("nps: {other:?}"),
    }
}

fn by<'a>(v: &'a MetricValue, dimension: &str) -> Vec<(&'a str, f64)> {
    v.by.iter()
        .find(|b| b.dimension == dimension)
        .map(|b| {
            b.entries
                .iter()
                .map(|(k, m)| (k.as_str(), m.value))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn snapshots_per_month_and_subject_in_order() {
    let (c, _) = run(&fixture());
    let order: Vec<(NaiveDate, NaiveDate, NaiveDate, Option<&str>)> = c
        .snapshots
        .iter()
        .map(|s| {
            let (from, to) = s.period.unwrap();
            (from, to, s.taken, s.subject.as_deref())
        })
        .collect();
    let march = (date("2026-03-01"), date("2026-03-31"), date("2026-03-31"));
    let april = (date("2026-04-01"), date("2026-04-30"), date("2026-04-30"));
    assert_eq!(
        order,
        [
            (march.0, march.1, march.2, None),
            (march.0, march.1, march.2, Some("tallinn-helpdesk")),
            (march.0, march.1, march.2, Some("tartu-helpdesk")),
            (april.0, april.1, april.2, None),
            (april.0, april.1, april.2, Some("tallinn-helpdesk")),
            (april.0, april.1, april.2, Some("tartu-helpdesk")),
        ]
    );
    assert!(
        c.snapshots
            .iter()
            .all(|s| s.file == Path::new("sources/helpdesk.yaml"))
    );
    // The latest timestamp: T9 solved on Friday 2026-04-10 12:00 EEST.
    assert_eq!(c.as_of, Some(1_775_811_600));
    let metrics: Vec<&str> = snapshot(&c, "2026-03", None)
        .values
        .iter()
        .map(|v| v.metric.as_str())
        .collect();
    assert_eq!(
        metrics,
        [
            "first-response-time",
            "average-resolution-time",
            "sla-compliance",
            "first-contact-resolution",
            "csat",
            "nps"
        ]
    );
}

/// March: T1, T2, T5 (group not mapped: organisation only), T3 across the clock change,
/// and T4 without a response, overdue at the as-of.
#[test]
fn march_across_the_clock_change() {
    let (c, _) = run(&fixture());
    let org = snapshot(&c, "2026-03", None);
    // T1 45m, T2 30m + Sat 4h + 1h, T3 Sat 1h + Mon 30m (EET to EEST), T5 20m.
    assert_eq!(
        seconds(org, "first-response-time"),
        (2700 + 19_800 + 5400 + 1200) as f64 / 4.0
    );
    // T1 8h, T2 30m + 4h + 9h + 3h, T5 20m.
    assert_eq!(
        seconds(org, "average-resolution-time"),
        (28_800 + 59_400 + 1200) as f64 / 3.0
    );
    // T1 and T5 within 1h, T2 and T3 late, T4 overdue.
    assert_eq!(ratio(org, "sla-compliance"), (2.0, 5.0));
    assert_eq!(value(org, "sla-compliance").value.value, 40.0);
    // Resolved with replies: T1 (1), T2 (3), T5 (1).
    assert_eq!(ratio(org, "first-contact-resolution"), (2.0, 3.0));
    // Ratings 5, 2, 4.
    assert_eq!(ratio(org, "csat"), (2.0, 3.0));
    // 10, 6, 9, 8.
    assert_eq!(nps(org), (2.0, 1.0, 1.0, 25.0));
    assert!(org.value("csi").is_none());

    let frt = value(org, "first-response-time");
    assert_eq!(
        by(frt, "channel"),
        [("chat", 19_800.0), ("email", 4050.0), ("phone", 1200.0)]
    );
    let sla = value(org, "sla-compliance");
    assert_eq!(
        by(sla, "agent"),
        [("-", 0.0), ("ann", 50.0), ("bob", 0.0), ("carl", 100.0)]
    );
    assert_eq!(
        by(sla, "group"),
        [
            ("Support L2", 100.0),
            ("Tallinn L1", 100.0 / 3.0),
            ("Tartu L1", 0.0)
        ]
    );
    assert_eq!(by(sla, "topic"), [("billing", 200.0 / 3.0), ("login", 0.0)]);
    // T3 and T4 (login) were not rated: the key is absent, not zero.
    assert_eq!(
        by(value(org, "csat"), "topic"),
        [("billing", 100.0 * 2.0 / 3.0)]
    );

    let tallinn = snapshot(&c, "2026-03", Some("tallinn-helpdesk"));
    assert_eq!(seconds(tallinn, "first-response-time"), 4050.0);
    assert_eq!(seconds(tallinn, "average-resolution-time"), 28_800.0);
    assert_eq!(ratio(tallinn, "sla-compliance"), (1.0, 3.0));
    assert_eq!(ratio(tallinn, "first-contact-resolution"), (1.0, 1.0));
    assert_eq!(ratio(tallinn, "csat"), (1.0, 1.0));
    assert_eq!(nps(tallinn), (2.0, 0.0, 0.0, 100.0));

    let tartu = snapshot(&c, "2026-03", Some("tartu-helpdesk"));
    assert_eq!(seconds(tartu, "first-response-time"), 19_800.0);
    assert_eq!(seconds(tartu, "average-resolution-time"), 59_400.0);
    assert_eq!(ratio(tartu, "sla-compliance"), (0.0, 1.0));
    assert_eq!(ratio(tartu, "first-contact-resolution"), (0.0, 1.0));
    assert_eq!(ratio(tartu, "csat"), (0.0, 1.0));
    assert_eq!(nps(tartu), (0.0, 0.0, 1.0, -100.0));
}

/// April: a holiday (Friday 2026-04-03), an RFC 3339 ticket, a response exactly at the SLA,
/// a resolution without a response, and T13 whose bad cells leave it out of some metrics.
#[test]
fn april_with_a_holiday_and_row_problems() {
    let (c, _) = run(&fixture());
    let org = snapshot(&c, "2026-04", None);
    // T6 Thu 1h + holiday + Sat 4h + Mon 10m, T7 30m, T9 1h; T13 answered "before" it
    // was created.
    assert_eq!(
        seconds(org, "first-response-time"),
        (18_600 + 1800 + 3600) as f64 / 3.0
    );
    // T6 7h, T7 1h, T8 5m, T9 Thu 9h + Fri 3h, T13 1h.
    assert_eq!(
        seconds(org, "average-resolution-time"),
        (25_200 + 3600 + 300 + 43_200 + 3600) as f64 / 5.0
    );
    // T7 within, T9 exactly 1h (within), T6 late, T8 never answered (overdue).
    assert_eq!(ratio(org, "sla-compliance"), (2.0, 4.0));
    // T6 (2 replies), T7 (1), T13 (1); T8 has 0 replies and T9 none written.
    assert_eq!(ratio(org, "first-contact-resolution"), (2.0, 3.0));
    // Ratings 3, 5, 1; T13's 7 is out of range.
    assert_eq!(ratio(org, "csat"), (1.0, 3.0));
    // 0, 9, 10; T13's 11 is out of range.
    let (p, q, d, score) = nps(org);
    assert_eq!((p, q, d), (2.0, 0.0, 1.0));
    assert_eq!(score, 100.0 / 3.0);
    assert_eq!(
        by(value(org, "csat"), "agent"),
        [("ann", 50.0), ("bob", 0.0)]
    );

    let tallinn = snapshot(&c, "2026-04", Some("tallinn-helpdesk"));
    assert_eq!(seconds(tallinn, "first-response-time"), 2700.0);
    assert_eq!(seconds(tallinn, "average-resolution-time"), 16_800.0);
    assert_eq!(ratio(tallinn, "sla-compliance"), (2.0, 2.0));
    assert_eq!(ratio(tallinn, "first-contact-resolution"), (2.0, 2.0));
    assert_eq!(ratio(tallinn, "csat"), (1.0, 2.0));
    assert_eq!(nps(tallinn), (2.0, 0.0, 0.0, 100.0));

    let tartu = snapshot(&c, "2026-04", Some("tartu-helpdesk"));
    assert_eq!(seconds(tartu, "first-response-time"), 18_600.0);
    assert_eq!(seconds(tartu, "average-resolution-time"), 12_750.0);
    assert_eq!(ratio(tartu, "sla-compliance"), (0.0, 2.0));
    assert_eq!(ratio(tartu, "first-contact-resolution"), (0.0, 1.0));
    assert_eq!(nps(tartu), (0.0, 0.0, 1.0, -100.0));
}

#[test]
fn without_hours_working_time_is_elapsed_time_across_the_clock_change() {
    let yaml = fixture();
    let start = yaml.find("hours:").unwrap();
    let end = yaml.find("sla:").unwrap();
    let (c, _) = run(&format!("{}{}", &yaml[..start], &yaml[end..]));
    let tallinn = snapshot(&c, "2026-03", Some("tallinn-helpdesk"));
    // T1 08:00 -> 09:45; T3 Sat 13:00 EET -> Mon 09:30 EEST is 43h30m, not 44h30m.
    assert_eq!(
        seconds(tallinn, "first-response-time"),
        (6300 + 156_600) as f64 / 2.0
    );
}

#[test]
fn row_problems_are_located_warnings_and_summed_up() {
    let (c, diags) = run(&fixture());
    let mut sources = Sources::default();
    for f in ["exports/a.csv", "exports/b.csv"] {
        let text = std::fs::read_to_string(Path::new(ROOT).join(f)).unwrap();
        sources.insert(Path::new(f), text);
    }
    let found: Vec<(Severity, String, u32)> = diags
        .iter()
        .map(|d| (d.severity, d.file.display().to_string(), d.loc.line))
        .collect();
    let w = Severity::Warning;
    assert_eq!(
        found,
        [
            (w, "exports/a.csv".into(), 8),
            (w, "exports/a.csv".into(), 9),
            (Severity::Error, "exports/b.csv".into(), 3),
            (w, "exports/b.csv".into(), 5),
            (w, "exports/b.csv".into(), 5),
            (w, "exports/b.csv".into(), 5),
        ]
    );
    let printed = render_human(&diags, &sources);
    for expected in [
        "warning: row has 5 fields, the header 12; the row is left out\n --> exports/a.csv:8:1",
        "warning: '2026-03-29 03:30' in column 'Created' is a local time that does not exist (the clock skipped it for daylight saving time); the row is left out of everything\n --> exports/a.csv:9:1",
        "error: duplicate ticket id 'T1', first at exports/a.csv:2\n --> exports/b.csv:3:1",
        "warning: first response '2026-04-01 09:00' in column 'First reply' is before the ticket was created; the row is left out of first-response-time and sla-compliance\n --> exports/b.csv:5:1",
        "warning: '7' in column 'Rating' is neither good/bad nor a rating from 1 to 5; the row is left out of csat and csi",
        "warning: '11' in column 'Recommend' is not an answer from 0 to 10; the row is left out of nps",
    ] {
        assert!(printed.contains(expected), "{expected}\n---\n{printed}");
    }
    assert_eq!(c.summary.rows, 13);
    assert_eq!(c.summary.tickets, 10);
    let left: Vec<(&str, RowProblem, u64)> = c
        .summary
        .left_out
        .iter()
        .map(|((f, p), n)| (*f, *p, *n))
        .collect();
    assert_eq!(
        left,
        [
            ("created", RowProblem::SkippedTime, 1),
            ("first-response", RowProblem::BeforeCreated, 1),
            ("id", RowProblem::DuplicateId, 1),
            ("nps", RowProblem::OutOfRange, 1),
            ("rating", RowProblem::OutOfRange, 1),
            ("row", RowProblem::ColumnCount, 1),
        ]
    );
}

#[test]
fn a_missing_header_is_an_error_at_the_column() {
    let (c, diags) = run(&fixture().replace("nps: Recommend", "nps: Would recommend"));
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{}:{} {}", d.file.display(), d.loc.line, d.message))
        .collect();
    assert_eq!(
        errors,
        [
            "sources/helpdesk.yaml:14 column 'Would recommend' (columns.nps) is not in the header of exports/a.csv",
            "sources/helpdesk.yaml:14 column 'Would recommend' (columns.nps) is not in the header of exports/b.csv",
        ]
    );
    assert!(c.snapshots.is_empty());
}

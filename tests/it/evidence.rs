//! Evidence age (docs/format.md, "Evidence" and "Evidence age"): dated evidence entries,
//! `evidence-max-age` on a checklist, section or item (nearest wins), `check`'s warning for
//! stale evidence in the latest audit of each series only, and the pages' dates and marks.
//!
//! tests/fixtures/invalid/stale-evidence: checklist `support` sets 180d, its item
//! `assess-quality` 30d. Series `eu` has audits on 2026-06-30 (2026-q2) and 2026-09-30
//! (2026-q3). In 2026-q3, `assess-quality` has evidence 30 days old (2026-08-31, not stale)
//! and 31 days old (2026-08-30, stale); `compare-goals` 180 days (2026-04-03, not stale),
//! 181 days (2026-04-02, stale) and undated. The 2026-q2 audit's evidence (2025-01-31) is
//! stale too, but that audit is not the latest of its series.

use serde_json::Value;

use crate::support::Workspace;

/// A diagnostic as `check --format json` prints it: severity, file, line, column, message.
type Diag = (String, String, u64, u64, String);

/// `check --format json`: the exit status and each diagnostic.
fn check(ws: &Workspace) -> (i32, Vec<Diag>) {
    let run = ws.run(["check", "--format", "json"]);
    let list: Value = serde_json::from_str(&run.stdout).expect("check prints JSON");
    let field = |d: &Value, k: &str| d[k].as_str().unwrap_or_default().to_string();
    let diags = (list.as_array().expect("an array").iter())
        .map(|d| {
            (
                field(d, "severity"),
                field(d, "file"),
                d["line"].as_u64().unwrap_or_default(),
                d["column"].as_u64().unwrap_or_default(),
                field(d, "message"),
            )
        })
        .collect();
    (run.code, diags)
}

#[test]
fn stale_evidence_warns_at_the_entry_in_the_latest_audit_only() {
    let ws = Workspace::fixture("invalid/stale-evidence");
    let (code, diags) = check(&ws);
    assert_eq!(code, 0, "warnings do not fail check: {diags:?}");
    let q3 = "audits/2026-q3/eu.yaml".to_string();
    assert_eq!(
        diags,
        vec![
            (
                "warning".into(),
                q3.clone(),
                10,
                9,
                "stale evidence: dated 2026-08-30, more than 30d before the audit (2026-09-30)"
                    .into()
            ),
            (
                "warning".into(),
                q3,
                13,
                61,
                "stale evidence: dated 2026-04-02, more than 180d before the audit (2026-09-30)"
                    .into()
            ),
        ]
    );
}

#[test]
fn the_nearest_max_age_wins() {
    // Every entry is 20 days old: stale under the item's 10d only. Then 40 days old: stale
    // under the section's 30d too, but not under the checklist's 180d.
    let checklist = "\
id: c
title: C
evidence-max-age: 180d
sections:
  - id: s
    title: S
    evidence-max-age: 30d
    items:
      - {id: item-limit, title: Item limit, evidence-max-age: 10d}
      - {id: section-limit, title: Section limit}
  - id: t
    title: T
    items:
      - {id: checklist-limit, title: Checklist limit}
";
    let audit = |dated: &str| {
        format!(
            "\
checklist: c
version: 1
date: 2026-09-30
answers:
  item-limit: {{score: 3, evidence: [{{text: E, date: {dated}}}]}}
  section-limit: {{score: 3, evidence: [{{text: E, date: {dated}}}]}}
  checklist-limit: {{score: 3, evidence: [{{text: E, date: {dated}}}]}}
"
        )
    };
    let ws = Workspace::new()
        .file("auditbook.yaml", "languages: [en]\n")
        .file("checklists/c.yaml", checklist)
        .file("audits/r/org.yaml", audit("2026-09-10"));
    let stale_lines = |ws: &Workspace| -> Vec<u64> {
        let (code, diags) = check(ws);
        assert_eq!(code, 0, "{diags:?}");
        diags.iter().map(|d| d.2).collect()
    };
    assert_eq!(stale_lines(&ws), vec![5]);
    ws.write("audits/r/org.yaml", audit("2026-08-21"));
    assert_eq!(stale_lines(&ws), vec![5, 6]);
    // Exactly 180 days before the audit: still not stale under the checklist's limit.
    ws.write("audits/r/org.yaml", audit("2026-04-03"));
    assert_eq!(stale_lines(&ws), vec![5, 6]);
    ws.write("audits/r/org.yaml", audit("2026-04-02"));
    assert_eq!(stale_lines(&ws), vec![5, 6, 7]);
}

#[test]
fn pages_show_each_date_and_mark_stale_entries_in_words() {
    let ws = Workspace::fixture("invalid/stale-evidence");
    ws.build();
    let audit = ws.page("rounds/2026-q3/eu/index.html");
    assert!(audit.contains(r#"<time datetime="2026-08-31">August 31, 2026</time>"#));
    assert!(audit.contains(
        r#"<time datetime="2026-08-30" class="stale">August 30, 2026</time> <span class="badge-stale">Stale</span>"#
    ));
    assert!(audit.contains(r#"<time datetime="2026-04-03">April 3, 2026</time>"#));
    assert!(audit.contains(r#"<time datetime="2026-04-02" class="stale">"#));
    assert_eq!(audit.matches(r#"class="badge-stale""#).count(), 2);
    assert!(audit.contains(
        r#"<a href="https://example.com/kpi-07" rel="noopener noreferrer nofollow">https://example.com/kpi-07</a>"#
    ));
    assert!(audit.contains("<span>Undated goals</span>"));

    // Both items are below the target (optimised): the gap analysis lists their evidence.
    let gaps = ws.page("rounds/2026-q3/eu/gaps/index.html");
    assert!(gaps.contains(r#"<time datetime="2026-04-02" class="stale">"#));
    assert_eq!(gaps.matches(r#"class="badge-stale""#).count(), 2);

    let report = ws.page("rounds/2026-q3/eu/report.html");
    assert_eq!(report.matches(r#"class="badge-stale""#).count(), 2);
    assert!(report.contains(r#"<time datetime="2026-08-31">August 31, 2026</time>"#));

    // Pages mark stale evidence in earlier audits too, which check does not warn about.
    let earlier = ws.page("rounds/2026-q2/eu/index.html");
    assert!(earlier.contains(r#"<time datetime="2025-01-31" class="stale">"#));
}

#[test]
fn dates_are_written_in_the_page_language() {
    let ws = Workspace::fixture("invalid/stale-evidence");
    ws.write("auditbook.yaml", "languages: [en, de]\n");
    ws.build();
    let de = ws.page("de/rounds/2026-q3/eu/index.html");
    assert!(de.contains(r#"<time datetime="2026-08-31">31. August 2026</time>"#));
    assert!(de.contains(r#"<span class="badge-stale">Veraltet</span>"#));
}

#[test]
fn evidence_in_every_form_is_read() {
    let ws = Workspace::new()
        .file("auditbook.yaml", "languages: [en, hr]\n")
        .file(
            "checklists/c.yaml",
            "id: c\ntitle: C\nsections:\n  - id: s\n    title: S\n    items:\n      - {id: a, title: A}\n      - {id: b, title: B}\n",
        )
        .file(
            "audits/r/org.yaml",
            "\
checklist: c
version: 1
date: 2026-09-30
answers:
  a:
    score: 2
    evidence: {text: {en: Weekly report, hr: Tjedni izvještaj}, date: 2026-09-07}
  b:
    score: 2
    evidence:
      - https://example.com/plain
      - plain text
      - {link: mailto:support@example.com}
      - {link: ../shared/kpi.html, date: 2026-09-01}
",
        );
    // The checklist lacks Croatian texts: only that is reported.
    let (code, diags) = check(&ws);
    assert_eq!(code, 0, "{diags:?}");
    assert!(
        diags.iter().all(|d| d.1 == "checklists/c.yaml"),
        "{diags:?}"
    );
    ws.build();
    let en = ws.page("rounds/r/org/index.html");
    assert!(en.contains(r#"<span>Weekly report</span> <time datetime="2026-09-07">"#));
    assert!(
        en.contains(r#"<a href="https://example.com/plain" rel="noopener noreferrer nofollow">"#)
    );
    assert!(en.contains("<span>plain text</span>"));
    assert!(
        en.contains(r#"<a href="mailto:support@example.com" rel="noopener noreferrer nofollow">"#)
    );
    assert!(en.contains(r#"<a href="../shared/kpi.html" rel="noopener noreferrer nofollow">../shared/kpi.html</a> <time datetime="2026-09-01">"#));
    let hr = ws.page("hr/rounds/r/org/index.html");
    assert!(hr.contains("<span>Tjedni izvještaj</span>"));
}

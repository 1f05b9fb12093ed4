//! The numbers of `score --json`, worked out by hand from docs/format.md §9 (scoring), §8 (metric
//! values, status, snapshot choice) and §7 (rounds, series, previous), and checked against
//! the real binary on the fixture workspaces `tests/fixtures/{scoring,metrics,series}`.
//!
//! Floats are compared bit for bit. Where `100 × Σ w·r / Σ w` is exact in f64 (every sum a
//! multiple of a power of two, the quotient representable) the expected value is written as
//! a literal; otherwise it is computed in the test with the same f64 expression, in the same
//! order as the sums are taken (checklist order), and said so. The fractions in the comments
//! are the exact values.

use crate::support::Workspace;
use crate::support::json::{assert_null, assert_num, audit, by_id, ids, opt, strings, token};
use serde_json::Value;

/// Checks one item: status, value (as printed) and ratio (both null unless scored), weight,
/// target (as printed), gap.
#[track_caller]
fn item(
    result: &Value,
    id: &str,
    status: &str,
    value_ratio: Option<(&str, f64)>,
    weight: f64,
    target: &str,
    gap: f64,
) {
    let i = by_id(&result["items"], id);
    assert_eq!(i["status"], status, "{id} status");
    match value_ratio {
        Some((v, r)) => {
            assert_eq!(token(&i["value"]), v, "{id} value");
            assert_num(&i["ratio"], r);
        }
        None => {
            assert_null(&i["value"]);
            assert_null(&i["ratio"]);
        }
    }
    assert_num(&i["weight"], weight);
    assert_eq!(token(&i["target"]), target, "{id} target");
    assert_num(&i["gap"], gap);
}

/// Checks a section's score, target and completion.
#[track_caller]
fn section(result: &Value, id: &str, score: Option<f64>, target: Option<f64>, completion: f64) {
    let s = by_id(&result["sections"], id);
    assert_eq!(opt(&s["score"]), score, "{id} score");
    assert_eq!(opt(&s["target"]), target, "{id} target");
    assert_num(&s["completion"], completion);
}

/// Checks an audit's score, target and completion.
#[track_caller]
fn totals(result: &Value, score: Option<f64>, target: Option<f64>, completion: f64) {
    assert_eq!(opt(&result["score"]), score, "score");
    assert_eq!(opt(&result["target"]), target, "target");
    assert_num(&result["completion"], completion);
}

// ----- §2 scoring: tests/fixtures/scoring ---------------------------------------------------

#[test]
fn results_are_in_round_order_then_audit_id() {
    let results = Workspace::fixture("scoring").score(&[]);
    let order: Vec<(&str, &str)> = results
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["round"].as_str().unwrap(), r["audit"].as_str().unwrap()))
        .collect();
    assert_eq!(
        order,
        [
            ("r1", "a-main"),
            ("r1", "a-zero"),
            ("r1", "b-main"),
            ("r1", "b-na"),
            ("r1", "c-main"),
        ]
    );
}

/// Checklist `weights`: built-in maturity scale, min 0, max 4, span 4; checklist target 3.
/// Section alpha weight 2 (target 3 from the checklist), beta weight 1 with target `partial`
/// (2), gamma weight 0.
#[test]
fn weights_targets_na_and_unanswered() {
    let results = Workspace::fixture("scoring").score(&[]);
    let a = audit(&results, "r1", "a-main");
    assert_eq!(a["checklist"], "weights");
    assert_eq!(token(&a["version"]), "1");
    assert_eq!(a["subject"], "north");
    assert_eq!(a["date"], "2026-03-31");

    // alpha (weight 2)
    //   monitor-queues: w = 2×1 = 2, v = 2 → r = 2/4 = 1/2; t = 3 (checklist) → rt = 3/4;
    //                   g = 2 × (3/4 − 1/2) = 1/2
    item(
        a,
        "monitor-queues",
        "scored",
        Some(("2", 0.5)),
        2.0,
        "3",
        0.5,
    );
    //   escalate: w = 2×3 = 6, v = `established` = 3 → r = 3/4; t = `optimised` = 4 (item)
    //             → rt = 1; g = 6 × 1/4 = 3/2
    item(a, "escalate", "scored", Some(("3", 0.75)), 6.0, "4", 1.5);
    //   display-only: w = 2×0 = 0, v = 0 → r = 0; g = 0 × 3/4 = 0 (shown, never scored)
    item(a, "display-only", "scored", Some(("0", 0.0)), 0.0, "3", 0.0);
    //   translate: w = 2×1 = 2 (default item weight), na → no value, no ratio, g = 0
    item(a, "translate", "na", None, 2.0, "3", 0.0);
    // beta (weight 1, target `partial` = 2 → rt = 1/2)
    //   train-staff: w = 2, v = "4" (numeric string) → r = 1; g = max(0, 1/2 − 1) = 0
    item(a, "train-staff", "scored", Some(("4", 1.0)), 2.0, "2", 0.0);
    //   survey: w = 1, unanswered → g = 0
    item(a, "survey", "unanswered", None, 1.0, "2", 0.0);
    //   audit-calls: w = 2, v = {score: "1"} → r = 1/4; g = 2 × (1/2 − 1/4) = 1/2
    item(a, "audit-calls", "scored", Some(("1", 0.25)), 2.0, "2", 0.5);
    // gamma (weight 0): archive w = 0×5 = 0, v = `absent` = 0; backups w = 0, unanswered
    item(a, "archive", "scored", Some(("0", 0.0)), 0.0, "3", 0.0);
    item(a, "backups", "unanswered", None, 0.0, "3", 0.0);

    // alpha: scored with w > 0: monitor-queues (2, 1/2, 3/4), escalate (6, 3/4, 1)
    //   Σw = 8, Σw·r = 1 + 9/2 = 11/2 → score = 100 × 11/2 / 8 = 68.75
    //   Σw·rt = 3/2 + 6 = 15/2 → target = 100 × 15/2 / 8 = 93.75
    //   completion = 100 × 4/4 (translate is na, display-only counts) = 100
    section(a, "alpha", Some(68.75), Some(93.75), 100.0);
    // beta: train-staff (2, 1, 1/2), audit-calls (2, 1/4, 1/2)
    //   Σw = 4, Σw·r = 2 + 1/2 = 5/2 → 62.5; Σw·rt = 1 + 1 = 2 → 50
    //   completion = 100 × 2/3 = 200/3, not exact: 100 × 2 / 3 in f64
    section(a, "beta", Some(62.5), Some(50.0), 100.0 * 2.0 / 3.0);
    // gamma: Σw = 0 → score and target null; completion = 100 × 1/2 = 50
    section(a, "gamma", None, None, 50.0);

    // audit: Σw = 2 + 6 + 2 + 2 = 12; Σw·r = 1 + 9/2 + 2 + 1/2 = 8
    //   score = 100 × 8 / 12 = 200/3, not exact: 800 / 12 in f64
    //   Σw·rt = 3/2 + 6 + 1 + 1 = 19/2 → target = 100 × 19/2 / 12 = 475/6: 950 / 12 in f64
    //   completion = 100 × 7/9 (9 items; survey and backups unanswered) = 700/9: 700 / 9
    totals(a, Some(800.0 / 12.0), Some(950.0 / 12.0), 700.0 / 9.0);

    // gaps: escalate 3/2, then monitor-queues 1/2 and audit-calls 1/2, a tie kept in
    // checklist order (alphabetical order would put audit-calls first)
    assert_eq!(
        strings(&a["gaps"]),
        ["escalate", "monitor-queues", "audit-calls"]
    );
    assert_eq!(a["metrics"], Value::Array(vec![]));
    assert_null(&a["previous"]);
}

/// Checklist `weights` again, answered only on weight-0 items (and one na): Σw = 0.
#[test]
fn only_weight_zero_answers_score_null() {
    let results = Workspace::fixture("scoring").score(&[]);
    let a = audit(&results, "r1", "a-zero");
    // display-only: v = 4 → r = 1, but w = 0; archive: v = 2 → r = 1/2, t = 3, w = 0 so
    // g = 0 × 1/4 = 0 although it is below target
    item(a, "display-only", "scored", Some(("4", 1.0)), 0.0, "3", 0.0);
    item(a, "archive", "scored", Some(("2", 0.5)), 0.0, "3", 0.0);
    item(a, "monitor-queues", "na", None, 2.0, "3", 0.0);
    item(a, "escalate", "unanswered", None, 6.0, "4", 0.0);
    // alpha: 2 of 4 done (monitor-queues na, display-only) → 50; beta: 0 of 3 → 0;
    // gamma: 1 of 2 → 50. Every Σw = 0 → null.
    section(a, "alpha", None, None, 50.0);
    section(a, "beta", None, None, 0.0);
    section(a, "gamma", None, None, 50.0);
    // completion = 100 × 3/9 = 100/3: 300 / 9 in f64 (33.333333333333336)
    totals(a, None, None, 300.0 / 9.0);
    assert_eq!(a["gaps"], Value::Array(vec![]));
}

/// Checklist `frequency`: custom scale 1, 3, 5 (min 1, max 5, span 4); no checklist target,
/// so the default target is the max, 5. Section daily weight 1; weekly weight 3, target 3.
#[test]
fn custom_scale_above_zero_and_default_target() {
    let results = Workspace::fixture("scoring").score(&[]);
    let b = audit(&results, "r1", "b-main");
    assert_null(&b["subject"]);
    // greet: w = 1, v = `sometimes` = 3 → r = (3−1)/4 = 1/2; t = 5 (default) → rt = 1;
    //        g = 1 × (5−3)/4 = 1/2
    item(b, "greet", "scored", Some(("3", 0.5)), 1.0, "5", 0.5);
    // log-calls: w = 2, v = 5 → r = 1; t = `sometimes` = 3 → rt = 1/2; g = 0
    item(b, "log-calls", "scored", Some(("5", 1.0)), 2.0, "3", 0.0);
    // close-tickets: w = 1, v = "1" → r = 0; rt = 1; g = 1 × 4/4 = 1
    item(
        b,
        "close-tickets",
        "scored",
        Some(("1", 0.0)),
        1.0,
        "5",
        1.0,
    );
    // review: w = 3×1, na; report: w = 3, v = `never` = 1 → r = 0; t = 3 (section) → rt = 1/2;
    //         g = 3 × 2/4 = 3/2
    item(b, "review", "na", None, 3.0, "3", 0.0);
    item(b, "report", "scored", Some(("1", 0.0)), 3.0, "3", 1.5);

    // daily: Σw = 4, Σw·r = 1/2 + 2 + 0 = 5/2 → 62.5; Σw·rt = 1 + 1 + 1 = 3 → 75
    section(b, "daily", Some(62.5), Some(75.0), 100.0);
    // weekly: Σw = 3 (review is na), Σw·r = 0 → 0; Σw·rt = 3/2 → 50
    section(b, "weekly", Some(0.0), Some(50.0), 100.0);
    // audit: Σw = 7, Σw·r = 5/2 → 250/7; Σw·rt = 9/2 → 450/7; not exact: same f64 expressions
    totals(b, Some(100.0 * 2.5 / 7.0), Some(100.0 * 4.5 / 7.0), 100.0);
    assert_eq!(strings(&b["gaps"]), ["report", "close-tickets", "greet"]);
}

#[test]
fn all_not_applicable_scores_null_and_is_complete() {
    let results = Workspace::fixture("scoring").score(&[]);
    let b = audit(&results, "r1", "b-na");
    totals(b, None, None, 100.0);
    section(b, "daily", None, None, 100.0);
    section(b, "weekly", None, None, 100.0);
    for id in ["greet", "log-calls", "close-tickets", "review", "report"] {
        let i = by_id(&b["items"], id);
        assert_eq!(i["status"], "na");
        assert_num(&i["gap"], 0.0);
    }
    assert_eq!(b["gaps"], Value::Array(vec![]));
}

/// Checklist `precision`: custom scale 0, 1, 1.5, 2, 3 (listed out of order), min 0, max 3,
/// span 3; checklist target `high` = 2. Thirds are not exact in binary.
#[test]
fn non_integer_scale_thirds_and_gap_ties() {
    let results = Workspace::fixture("scoring").score(&[]);
    let c = audit(&results, "r1", "c-main");
    let third = 1.0 / 3.0;
    // queue-review: w = 1, v = `low` = 1 → r = 1/3; t = 2 → rt = 2/3; g = 1 × (2−1)/3 = 1/3
    item(
        c,
        "queue-review",
        "scored",
        Some(("1", third)),
        1.0,
        "2",
        third,
    );
    // call-review: w = 1, v = 2 → r = 2/3; t = `full` = 3 → rt = 1; g = 1 × (3−2)/3 = 1/3
    item(
        c,
        "call-review",
        "scored",
        Some(("2", 2.0 / 3.0)),
        1.0,
        "3",
        third,
    );
    // mail-review: w = 2, v = 1.0 → r = 1/3; t = 1.5 → rt = 1/2; g = 2 × (1.5−1)/3 = 1/3
    item(
        c,
        "mail-review",
        "scored",
        Some(("1", third)),
        2.0,
        "1.5",
        third,
    );
    // chat-review: w = 1, v = "3.0" → r = 1; rt = 2/3; g = 0
    item(c, "chat-review", "scored", Some(("3", 1.0)), 1.0, "2", 0.0);
    // tenth, seven-tenths: w = 0.1 and 0.7, v = 3 → r = 1; t = 3 (section) → rt = 1
    item(c, "tenth", "scored", Some(("3", 1.0)), 0.1, "3", 0.0);
    item(c, "seven-tenths", "scored", Some(("3", 1.0)), 0.7, "3", 0.0);
    item(c, "notes-only", "scored", Some(("0", 0.0)), 0.0, "2", 0.0);
    item(c, "links-only", "unanswered", None, 0.0, "2", 0.0);

    // ties: Σw = 5, Σw·r = 1/3 + 2/3 + 2/3 + 1 = 8/3 → 160/3; Σw·rt = 2/3 + 1 + 1 + 2/3
    // = 10/3 → 200/3. Not exact: the same f64 sums, in checklist order.
    let ties_wr = 1.0 * third + 1.0 * (2.0 / 3.0) + 2.0 * third + 1.0 * 1.0;
    let ties_wt = 1.0 * (2.0 / 3.0) + 1.0 * 1.0 + 2.0 * 0.5 + 1.0 * (2.0 / 3.0);
    section(
        c,
        "ties",
        Some(100.0 * ties_wr / 5.0),
        Some(100.0 * ties_wt / 5.0),
        100.0,
    );
    // edge: Σw = 0.1 + 0.7, which is 0.7999999999999999 in f64, and Σw·r is the same number.
    // Exactly 100 × Σw / Σw = 100, but 100 × 0.7999999999999999 / 0.7999999999999999 is
    // 100.00000000000001 in f64; the score is pinned to the exact 100 (see score::percent).
    assert_eq!(100.0 * (0.1 + 0.7) / (0.1 + 0.7), 100.00000000000001);
    section(c, "edge", Some(100.0), Some(100.0), 100.0);
    // info: only weight-0 items → null; completion 1 of 2 → 50
    section(c, "info", None, None, 50.0);
    // audit: Σw = 5 + 0.1 + 0.7 = 29/5; Σw·r = 8/3 + 4/5 = 52/15 → score = 5200/87;
    // Σw·rt = 10/3 + 4/5 = 62/15 → target = 6200/87; completion = 100 × 7/8 = 87.5.
    let w = 1.0 + 1.0 + 2.0 + 1.0 + 0.1 + 0.7;
    let score = 100.0 * (ties_wr + 0.1 + 0.7) / w;
    let target = 100.0 * (ties_wt + 0.1 + 0.7) / w;
    totals(c, Some(score), Some(target), 87.5);
    assert!((score - 5200.0 / 87.0).abs() < 1e-12 && (target - 6200.0 / 87.0).abs() < 1e-12);

    // Three gaps of exactly 1/3, from different (w, t, v): a tie, so checklist order. With
    // rt − r evaluated literally in f64 they would be 0.3333333333333333 (queue-review) and
    // 0.33333333333333337 (call-review, mail-review), and the order would come from rounding.
    assert_eq!(2.0 / 3.0 - third, third);
    assert_eq!(1.0 - 2.0 / 3.0, 0.33333333333333337);
    assert_eq!(
        strings(&c["gaps"]),
        ["queue-review", "call-review", "mail-review"]
    );
}

#[test]
fn items_and_sections_keep_checklist_order() {
    let results = Workspace::fixture("scoring").score(&[]);
    let c = audit(&results, "r1", "c-main");
    assert_eq!(ids(&c["sections"]), ["ties", "edge", "info"]);
    assert_eq!(
        ids(&c["items"]),
        [
            "queue-review",
            "call-review",
            "mail-review",
            "chat-review",
            "tenth",
            "seven-tenths",
            "notes-only",
            "links-only",
        ]
    );
    let sections: Vec<&str> = c["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["section"].as_str().unwrap())
        .collect();
    assert_eq!(
        sections,
        [
            "ties", "ties", "ties", "ties", "edge", "edge", "info", "info"
        ]
    );
}

// ----- §1.4 metrics: tests/fixtures/metrics ---------------------------------------------------

/// Checks one metric of an audit result.
#[track_caller]
fn metric(result: &Value, id: &str, value: f64, target: Option<f64>, status: &str, taken: &str) {
    let m = by_id(&result["metrics"], id);
    assert_num(&m["value"], value);
    assert_eq!(opt(&m["target"]), target, "{id} target");
    assert_eq!(m["status"], status, "{id} status");
    assert_eq!(m["taken"], taken, "{id} taken");
}

const H: f64 = 3600.0;

/// Audit r1/north (2026-03-31). Its own snapshots: s3 (02-01) and s4 (03-15); s5 (04-15) is
/// after the audit and ignored. Metrics without a north value come from the organisation's
/// newest snapshot on or before 03-31 that has them (s2 03-01, s6 03-31).
#[test]
fn metrics_of_a_subject() {
    let results = Workspace::fixture("metrics").score(&[]);
    let a = audit(&results, "r1", "north");
    // Every metric with a value, in definition order: built-ins, then auditbook.yaml's.
    assert_eq!(
        ids(&a["metrics"]),
        [
            "csat",
            "nps",
            "first-response-time",
            "average-resolution-time",
            "average-handle-time",
            "first-contact-resolution",
            "sla-compliance",
            "conversion-rate",
            "csi",
            "survey-nps",
            "email-csat",
            "backlog",
            "reply-time",
        ]
    );
    // csat: s3 86.4 (number). s4 is newer but has no csat: per metric, not per snapshot.
    // s2 (org, 03-01) is newer still, but the subject's own snapshot comes first.
    // Higher is better, target 90, warn 85: 85 <= 86.4 < 90 → at-risk.
    metric(a, "csat", 86.4, Some(90.0), "at-risk", "2026-02-01");
    // nps: s3 {scores}: detractors 0–6 = 2+3+5 = 10, passives 7–8 = 4+6 = 10, promoters
    // 9–10 = 10+10 = 20 → 100 × (20−10)/40 = 25; target 30, warn 10 → at-risk.
    metric(a, "nps", 25.0, Some(30.0), "at-risk", "2026-02-01");
    // first-response-time: s4 "2h" = 7200 s; lower is better, target 1h = 3600, warn 2h =
    // 7200: misses the target, exactly at warn → at-risk.
    metric(
        a,
        "first-response-time",
        2.0 * H,
        Some(H),
        "at-risk",
        "2026-03-15",
    );
    // average-resolution-time: s4 full form, value 30h = 108000, snapshot target 32h = 115200
    // overrides the built-in 24h → met.
    metric(
        a,
        "average-resolution-time",
        30.0 * H,
        Some(32.0 * H),
        "met",
        "2026-03-15",
    );
    // average-handle-time: s4 "2h 30m" = 9000; no target → untracked (lower is better).
    metric(
        a,
        "average-handle-time",
        9000.0,
        None,
        "untracked",
        "2026-03-15",
    );
    // first-contact-resolution: s3 59.9 < warn 60 → below.
    metric(
        a,
        "first-contact-resolution",
        59.9,
        Some(70.0),
        "below",
        "2026-02-01",
    );
    // sla-compliance: org s2 {good: 950, total: 1000} → 100 × 950/1000 = 95 = target → met.
    metric(a, "sla-compliance", 95.0, Some(95.0), "met", "2026-03-01");
    // conversion-rate: org s2 3.5; no target → untracked (higher is better).
    metric(a, "conversion-rate", 3.5, None, "untracked", "2026-03-01");
    // csi: org s2 74.5 < warn 75 → below.
    metric(a, "csi", 74.5, Some(80.0), "below", "2026-03-01");
    // survey-nps (new, score): org s2 {scores: {0: 1, 4: 2, 6: 2, 8: 1, 10: 2}}: detractors
    // 5, passives 1, promoters 2 → 100 × (2−5)/8 = −37.5; target 0, no warn → below.
    metric(a, "survey-nps", -37.5, Some(0.0), "below", "2026-03-01");
    // email-csat (new, percent): org s2 {good: 17, total: 20} → 85; target 90, warn 80.
    metric(a, "email-csat", 85.0, Some(90.0), "at-risk", "2026-03-01");
    // backlog (new, count, lower): s4 100 = target → met (org s6 151 is newer but org).
    metric(a, "backlog", 100.0, Some(100.0), "met", "2026-03-15");
    // reply-time (new, duration, lower): org s2 "PT2H30M" = 9000; target PT1H = 3600,
    // warn 90m = 5400 → below.
    metric(a, "reply-time", 9000.0, Some(H), "below", "2026-03-01");
}

/// Audit r1/south (2026-03-31): s8 (south, taken on the audit date) is used; s7 (south,
/// 04-01) is after the audit, so csat falls back to the organisation.
#[test]
fn metrics_snapshot_on_the_audit_date_counts_and_later_ones_do_not() {
    let results = Workspace::fixture("metrics").score(&[]);
    let s = audit(&results, "r1", "south");
    // sla-compliance: s8 {good: 47, total: 50} → 94 < 95, no warn → below.
    metric(s, "sla-compliance", 94.0, Some(95.0), "below", "2026-03-31");
    // csat: org s2 {ratings: {1: 2, 2: 0, 3: 3, 4: 5, 5: 10}} → 100 × (5+10)/20 = 75 → below.
    metric(s, "csat", 75.0, Some(90.0), "below", "2026-03-01");
    // nps: org s2 {promoters: 50, passives: 30, detractors: 20} → 100 × 30/100 = 30 → met.
    metric(s, "nps", 30.0, Some(30.0), "met", "2026-03-01");
    // first-response-time: org s2 "1d 4h" = 100800 > warn 7200 → below.
    metric(
        s,
        "first-response-time",
        28.0 * H,
        Some(H),
        "below",
        "2026-03-01",
    );
    // average-resolution-time: org s2 30h, no snapshot target: built-in 24h, warn 36h →
    // 86400 < 108000 <= 129600 → at-risk.
    metric(
        s,
        "average-resolution-time",
        30.0 * H,
        Some(24.0 * H),
        "at-risk",
        "2026-03-01",
    );
    // average-handle-time: org s2 "45m" = 2700.
    metric(
        s,
        "average-handle-time",
        2700.0,
        None,
        "untracked",
        "2026-03-01",
    );
    // first-contact-resolution: org s2 60 = warn → at-risk.
    metric(
        s,
        "first-contact-resolution",
        60.0,
        Some(70.0),
        "at-risk",
        "2026-03-01",
    );
    // backlog: org s6 (taken 03-31, newer than s2's 120) 151 > warn 150 → below.
    metric(s, "backlog", 151.0, Some(100.0), "below", "2026-03-31");
}

/// An audit without a subject uses only snapshots without one, even where a subject's
/// snapshot is newer.
#[test]
fn metrics_of_the_whole_organisation() {
    let results = Workspace::fixture("metrics").score(&[]);
    let o = audit(&results, "r1", "org");
    assert_null(&o["subject"]);
    metric(o, "sla-compliance", 95.0, Some(95.0), "met", "2026-03-01");
    metric(o, "csat", 75.0, Some(90.0), "below", "2026-03-01");
    metric(o, "backlog", 151.0, Some(100.0), "below", "2026-03-31");
    metric(
        o,
        "first-response-time",
        28.0 * H,
        Some(H),
        "below",
        "2026-03-01",
    );
}

/// Audit r0/north (2026-01-31): north's first snapshot is from 02-01, so only the
/// organisation's s1 (01-15) applies, and only its two metrics appear.
#[test]
fn metrics_before_any_subject_snapshot() {
    let results = Workspace::fixture("metrics").score(&[]);
    let a = audit(&results, "r0", "north");
    assert_eq!(ids(&a["metrics"]), ["csat", "first-response-time"]);
    // csat 84.9 < warn 85 → below; first-response-time "90s" = 90 <= 3600 → met.
    metric(a, "csat", 84.9, Some(90.0), "below", "2026-01-15");
    metric(a, "first-response-time", 90.0, Some(H), "met", "2026-01-15");
}

/// Breakdowns are not part of the result JSON (§4.2); the loaded model holds them, in
/// seconds, in the order written.
#[test]
fn metric_breakdowns() {
    let fixture = Workspace::fixture("metrics");
    let loaded = auditbook::load(fixture.path()).expect("load the workspace");
    let model = loaded.model.expect("a valid workspace");
    let s2 = model
        .snapshots
        .iter()
        .find(|s| s.taken.to_string() == "2026-03-01")
        .expect("snapshot s2");
    let art = s2.value("average-resolution-time").expect("a value");
    assert_eq!(art.value.value, 30.0 * H);
    assert_eq!(art.target, None);
    let by: Vec<(&str, Vec<(&str, f64)>)> = art
        .by
        .iter()
        .map(|b| {
            (
                b.dimension.as_str(),
                b.entries
                    .iter()
                    .map(|(k, m)| (k.as_str(), m.value))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        by,
        [
            (
                "channel",
                vec![("email", 41.0 * H), ("chat", 3.0 * H), ("phone", 20.0 * H)]
            ),
            (
                "group",
                vec![("billing", 52.0 * H), ("technical", 18.0 * H)]
            ),
        ]
    );
    let s4 = model
        .snapshots
        .iter()
        .find(|s| s.taken.to_string() == "2026-03-15")
        .expect("snapshot s4");
    let art = s4.value("average-resolution-time").expect("a value");
    assert_eq!(art.target, Some(32.0 * H));
    // "1d 12h" = 36 h; "90m" = 5400 s.
    assert_eq!(art.by[0].entries[0].1.value, 36.0 * H);
    assert_eq!(art.by[0].entries[1].1.value, 5400.0);
}

// ----- §1.3 rounds and previous: tests/fixtures/series ---------------------------------------

/// Rounds: beta (round.yaml date 2026-02-01, although its audits are dated 06-01), alpha
/// (no round.yaml: newest audit 05-01), delta and gamma (both 08-01: by id), epsilon (09-15).
/// Checklists audit-x and audit-y, default maturity scale, one item: score = 25 × value.
#[test]
fn rounds_in_order_and_previous_by_series() {
    let results = Workspace::fixture("series").score(&[]);
    type Row<'a> = (&'a str, &'a str, Option<(&'a str, &'a str)>);
    let rows: Vec<Row> = results
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let p = &r["previous"];
            (
                r["round"].as_str().unwrap(),
                r["audit"].as_str().unwrap(),
                (!p.is_null())
                    .then(|| (p["round"].as_str().unwrap(), p["audit"].as_str().unwrap())),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            // Every series' first audit has no previous.
            ("beta", "north", None),
            ("beta", "y-north", None),
            ("alpha", "north", Some(("beta", "north"))),
            // (audit-x, south) starts here: north's audit is another subject.
            ("alpha", "south", None),
            ("delta", "north", Some(("alpha", "north"))),
            // (audit-x, no subject) starts here.
            ("delta", "org", None),
            // gamma/north.yaml audits subject south: its series is (audit-x, south), so its
            // previous is alpha/south, skipping delta, which has none; the file name does
            // not matter.
            ("gamma", "north", Some(("alpha", "south"))),
            // (audit-y, north): beta/y-north, not alpha/north, another checklist.
            ("gamma", "y-north", Some(("beta", "y-north"))),
            // epsilon/n-team is (audit-x, north): the nearest earlier is delta/north.
            ("epsilon", "n-team", Some(("delta", "north"))),
            ("epsilon", "org", Some(("delta", "org"))),
        ]
    );
}

#[test]
fn previous_carries_the_earlier_score() {
    let results = Workspace::fixture("series").score(&[]);
    // alpha/north answered 2 → 50; beta/north answered 1 → 25.
    let p = &audit(&results, "alpha", "north")["previous"];
    assert_num(&p["score"], 25.0);
    // gamma/north's previous, alpha/south, answered 3 → 75.
    assert_num(
        &audit(&results, "gamma", "north")["previous"]["score"],
        75.0,
    );
    // delta/org answered na → score null, and so is epsilon/org's previous score.
    assert_null(&audit(&results, "delta", "org")["score"]);
    let p = &audit(&results, "epsilon", "org")["previous"];
    assert_eq!(p["round"], "delta");
    assert_null(&p["score"]);
}

#[test]
fn one_round_keeps_its_previous() {
    let results = Workspace::fixture("series").score(&["--round", "gamma"]);
    let audits: Vec<&str> = results
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert_eq!(r["round"], "gamma");
            r["audit"].as_str().unwrap()
        })
        .collect();
    assert_eq!(audits, ["north", "y-north"]);
    assert_eq!(
        audit(&results, "gamma", "north")["previous"]["round"],
        "alpha"
    );
}

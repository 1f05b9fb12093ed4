//! The rules between scoring and pages: how an audit stands against its target, which audits
//! form a series and which audit came before another, which actions are overdue, how gaps and
//! scores are shown in points and heat levels, and which snapshots a metric's breakdowns come
//! from. `score`, `load` (for `check`) and the pages all decide these here, so they agree.
//!
//! Plain functions of the model and of numbers; nothing here formats or renders.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;

use crate::metrics::{Snapshot, Status};
use crate::model::{Audit, Exemption, Model, Round};
use crate::score::{AuditResult, MetricResult};

/// How an audit's score stands against its target (docs/format.md): met at or above it, at
/// risk less than ten points below it, below otherwise; untracked without a score or target.
pub fn audit_status(score: Option<f64>, target: Option<f64>) -> Status {
    match (score, target) {
        (Some(s), Some(t)) if s >= t => Status::Met,
        (Some(s), Some(t)) if t - s < 10.0 => Status::AtRisk,
        (Some(_), Some(_)) => Status::Below,
        _ => Status::Untracked,
    }
}

/// The exemptions that apply to an audit (docs/format.md, "Exemptions"): those of its
/// checklist, for its subject or for every subject, approved on or before the audit's date and
/// lasting until it or later. In `exemptions`' order.
pub fn exemptions_of<'m>(exemptions: &'m [Exemption], audit: &Audit) -> Vec<&'m Exemption> {
    exemptions
        .iter()
        .filter(|e| {
            e.checklist == audit.checklist
                && (e.subject.is_none() || e.subject == audit.subject)
                && e.approved <= audit.date
                && audit.date <= e.until
        })
        .collect()
}

/// The exemption of `item` among those that apply to an audit ([`exemptions_of`]); the first
/// when several do, which only a workspace with errors has.
pub fn exemption_for<'m>(applying: &[&'m Exemption], item: &str) -> Option<&'m Exemption> {
    applying.iter().find(|e| e.item == item).copied()
}

/// How many days before its end an exemption is listed as expiring.
pub const EXPIRING_DAYS: i64 = 60;

/// Where an exemption stands on the newest round's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExemptionState {
    /// Its last day is before the newest round's date.
    Expired,
    /// It ends within [`EXPIRING_DAYS`] days of the newest round's date.
    Expiring,
    Active,
}

impl ExemptionState {
    /// Where `e` stands on `newest`, the newest round's date; active without rounds.
    pub fn of(e: &Exemption, newest: Option<NaiveDate>) -> Self {
        match newest {
            Some(d) if e.until < d => ExemptionState::Expired,
            Some(d) if (e.until - d).num_days() <= EXPIRING_DAYS => ExemptionState::Expiring,
            _ => ExemptionState::Active,
        }
    }

    /// The class the pages give it.
    pub fn as_str(self) -> &'static str {
        match self {
            ExemptionState::Expired => "expired",
            ExemptionState::Expiring => "expiring",
            ExemptionState::Active => "active",
        }
    }
}

/// Every exemption of the model with where it stands on the newest round's date, in the
/// order the exemptions page lists them: expiring first, then active, then expired; within
/// each, by last day, then file.
pub fn exemptions_by_expiry(model: &Model) -> Vec<(&Exemption, ExemptionState)> {
    let newest = model.rounds.last().map(|r| r.date);
    let rank = |s: ExemptionState| match s {
        ExemptionState::Expiring => 0,
        ExemptionState::Active => 1,
        ExemptionState::Expired => 2,
    };
    let mut out: Vec<(&Exemption, ExemptionState)> = (model.exemptions.iter())
        .map(|e| (e, ExemptionState::of(e, newest)))
        .collect();
    out.sort_by(|(a, sa), (b, sb)| {
        (rank(*sa), a.until, &a.file).cmp(&(rank(*sb), b.until, &b.file))
    });
    out
}

/// A series: the audits of one checklist for one subject (or for the whole organisation).
pub type SeriesKey<'m> = (&'m str, Option<&'m str>);

/// The series an audit belongs to.
pub fn series_key(audit: &Audit) -> SeriesKey<'_> {
    (audit.checklist.as_str(), audit.subject.as_deref())
}

/// The audits of one series, in round order.
pub type SeriesAudits<'m> = Vec<(&'m Round, &'m Audit)>;

/// Every series with its audits in round order (audits of one round in the round's order),
/// series by checklist id, then subject (the organisation first).
pub fn series(model: &Model) -> BTreeMap<SeriesKey<'_>, SeriesAudits<'_>> {
    let mut out: BTreeMap<SeriesKey, SeriesAudits> = BTreeMap::new();
    for round in &model.rounds {
        for audit in &round.audits {
            out.entry(series_key(audit))
                .or_default()
                .push((round, audit));
        }
    }
    out
}

/// For every audit of the model, in round order and each round's audit order, the position
/// in that same order of the audit before it in its series: the latest audit of the series
/// in an earlier round. Audits of one round never point at each other.
pub fn previous_audits(model: &Model) -> Vec<Option<usize>> {
    let mut latest: std::collections::HashMap<SeriesKey, usize> = std::collections::HashMap::new();
    let mut out = Vec::new();
    for round in &model.rounds {
        let mut this_round = Vec::new();
        for audit in &round.audits {
            let key = series_key(audit);
            out.push(latest.get(&key).copied());
            this_round.push((key, out.len() - 1));
        }
        // Updated after the round, so audits of one round never point at each other.
        latest.extend(this_round);
    }
    out
}

/// Which actions are overdue. An action is overdue when its due date is before the newest
/// round's date and its audit is the latest of its series: a later audit of the series
/// supersedes the earlier audit's actions.
pub struct Overdue<'m> {
    newest: Option<&'m Round>,
    /// (round id, audit id) of the latest audit of each series.
    latest: HashSet<(&'m str, &'m str)>,
}

impl<'m> Overdue<'m> {
    pub fn new(model: &'m Model) -> Self {
        let latest = series(model)
            .into_values()
            .filter_map(|audits| audits.last().map(|(r, a)| (r.id.as_str(), a.id.as_str())))
            .collect();
        Overdue {
            newest: model.rounds.last(),
            latest,
        }
    }

    /// The round whose date actions are judged against.
    pub fn newest(&self) -> Option<&'m Round> {
        self.newest
    }

    /// Whether the audit is the latest of its series, so its actions are still open.
    pub fn is_open(&self, round: &str, audit: &str) -> bool {
        self.latest.contains(&(round, audit))
    }

    /// Whether an action of `audit` in `round`, due on `due`, is overdue.
    pub fn is_overdue(&self, round: &str, audit: &str, due: Option<NaiveDate>) -> bool {
        match (due, self.newest) {
            (Some(due), Some(newest)) => due < newest.date && self.is_open(round, audit),
            _ => false,
        }
    }
}

/// Scores and point drops closer than this to a gate's threshold are at it: a score that is
/// exactly 60 in decimal may come out of f64 arithmetic a hair below.
const GATE_TOLERANCE: f64 = 1e-9;

/// A gate that the latest audit of a series fails (docs/format.md, "Gates").
#[derive(Debug, Clone, PartialEq)]
pub struct GateFailure<'a> {
    pub audit: &'a Audit,
    pub result: &'a AuditResult,
    pub gate: Gate<'a>,
}

/// Which gate failed, with what the result was measured against.
#[derive(Debug, Clone, PartialEq)]
pub enum Gate<'a> {
    /// `min-score`: the audit's score (with exemptions) is below `minimum`; `raw` is its
    /// score without exemptions where that differs.
    MinScore {
        score: f64,
        minimum: f64,
        raw: Option<f64>,
    },
    /// `no-regression`: the audit scores (with exemptions) more than `allowed` points below
    /// the audit before it in its series, which scored `previous`; `raw` is its score without
    /// exemptions where that differs.
    Regression {
        score: f64,
        previous: f64,
        allowed: f64,
        raw: Option<f64>,
    },
    /// `metrics`: a metric of the audit has the status `failing` or worse.
    Metric {
        metric: &'a MetricResult,
        failing: Status,
    },
}

/// The gates of `model.config.gates` applied to the latest audit of every series. `results`
/// are `score::score_all(model)`. Failures come series by series (see [`series`]), and for
/// one audit min-score, then no-regression, then metrics in the model's metric order. An
/// audit without a score passes the score gates: there is nothing to judge.
pub fn gates<'a>(model: &'a Model, results: &'a [AuditResult]) -> Vec<GateFailure<'a>> {
    let config = &model.config.gates;
    let by_audit: std::collections::HashMap<(&str, &str), &AuditResult> = results
        .iter()
        .map(|r| ((r.round.as_str(), r.audit.as_str()), r))
        .collect();
    let mut out = Vec::new();
    for audits in series(model).into_values() {
        let Some(&(round, audit)) = audits.last() else {
            continue;
        };
        let Some(&result) = by_audit.get(&(round.id.as_str(), audit.id.as_str())) else {
            continue;
        };
        let mut fail = |gate| {
            out.push(GateFailure {
                audit,
                result,
                gate,
            })
        };
        // Gates judge the score with exemptions; the one without is shown beside it.
        let raw = result.raw.score.filter(|r| Some(*r) != result.score);
        if let (Some(minimum), Some(score)) = (config.min_score, result.score)
            && score < minimum - GATE_TOLERANCE
        {
            fail(Gate::MinScore {
                score,
                minimum,
                raw,
            });
        }
        let previous = result.previous.as_ref().and_then(|p| p.score);
        if let (Some(allowed), Some(score), Some(previous)) =
            (config.no_regression, result.score, previous)
            && previous - score > allowed + GATE_TOLERANCE
        {
            fail(Gate::Regression {
                score,
                previous,
                allowed,
                raw,
            });
        }
        if let Some(failing) = config.metrics {
            for metric in &result.metrics {
                let fails = match metric.status {
                    Status::Below => true,
                    Status::AtRisk => failing == Status::AtRisk,
                    Status::Met | Status::Untracked => false,
                };
                if fails {
                    fail(Gate::Metric { metric, failing });
                }
            }
        }
    }
    out
}

/// A gap as points of the audit's score: what closing it would add, given the total weight
/// of the audit's scored items (`AuditResult::scored_weight`). 0 when nothing is scored.
pub fn gap_points(gap: f64, scored_weight: f64) -> f64 {
    if scored_weight > 0.0 {
        100.0 * gap / scored_weight
    } else {
        0.0
    }
}

/// A gap as a whole percentage of the largest gap of its audit, for the bar that shows it.
pub fn gap_share(gap: f64, max_gap: f64) -> u32 {
    if max_gap > 0.0 {
        (100.0 * gap / max_gap).round() as u32
    } else {
        0
    }
}

/// Which way a score moved since the previous audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    Up,
    Down,
    Same,
}

impl Trend {
    /// The class the pages give it.
    pub fn as_str(self) -> &'static str {
        match self {
            Trend::Up => "up",
            Trend::Down => "down",
            Trend::Same => "same",
        }
    }
}

/// The trend of a score change in points: a change that rounds away at the one decimal pages
/// show (under 0.05 points either way) is no change.
pub fn trend(delta: f64) -> Trend {
    if delta > 0.05 {
        Trend::Up
    } else if delta < -0.05 {
        Trend::Down
    } else {
        Trend::Same
    }
}

/// The heat-map level of a score: 0 without one, else 1 to 5, one per 20 points (100 is 5).
pub fn heat_level(score: Option<f64>) -> u8 {
    match score {
        None => 0,
        Some(s) => 1 + ((s / 20.0).floor() as u8).min(4),
    }
}

/// How dark a cell of a load map is: 0 for no tickets, else 1 to 4, one per quarter of the
/// busiest cell's count (the busiest is 4).
pub fn load_level(count: u64, max: u64) -> u8 {
    if count == 0 || max == 0 {
        return 0;
    }
    (4 * u128::from(count)).div_ceil(u128::from(max)).min(4) as u8
}

/// The snapshots a metric's breakdowns are shown from: every snapshot whose value of the
/// metric has a breakdown, newest first (by date taken); on one date the organisation first,
/// then subjects by id. `snapshots` are in the model's order (by date taken).
pub fn breakdown_snapshots<'a>(
    snapshots: &[&'a Snapshot],
    metric: &str,
) -> Vec<(Option<&'a str>, &'a Snapshot)> {
    let mut out: Vec<(Option<&'a str>, &'a Snapshot)> = snapshots
        .iter()
        .filter(|s| s.value(metric).is_some_and(|v| !v.by.is_empty()))
        .map(|s| (s.subject.as_deref(), *s))
        .collect();
    // Stable: two snapshots of one subject on one date keep the model's order.
    out.sort_by(|a, b| b.1.taken.cmp(&a.1.taken).then(a.0.cmp(&b.0)));
    out
}

/// The snapshots whose counts (cases met and missed, NPS bands) a metric's count table
/// shows, kept apart: the organisation's own and the teams' (to be added up per date).
#[derive(Debug, Default, PartialEq)]
pub struct CountSources<'a> {
    pub organisation: Vec<&'a Snapshot>,
    pub teams: Vec<&'a Snapshot>,
}

/// Whether evidence dated `dated` is stale on `audit_date` under `max_age` seconds
/// (docs/format.md, "Evidence age"): dated more than `max_age` before the audit. Evidence
/// exactly `max_age` old is not stale; undated evidence, or evidence without a limit, never
/// is.
pub fn is_stale(dated: Option<NaiveDate>, audit_date: NaiveDate, max_age: Option<f64>) -> bool {
    match (dated, max_age) {
        (Some(d), Some(max)) => (audit_date - d).num_seconds() as f64 > max,
        _ => false,
    }
}

/// An evidence entry that is stale in the latest audit of its series.
#[derive(Debug, Clone, PartialEq)]
pub struct StaleEvidence<'m> {
    pub audit: &'m Audit,
    /// The item's position in its checklist's item order, as in [`Audit::answers`].
    pub item: usize,
    /// The entry's position in the answer's evidence.
    pub entry: usize,
    pub dated: NaiveDate,
    /// The limit that applies to the item, in seconds.
    pub max_age: f64,
}

/// The stale evidence of the latest audit of every series, series by series (see
/// [`series`]), then in item and entry order: what `check` warns about. Earlier audits are
/// history; their evidence is marked on their pages only.
pub fn stale_evidence(model: &Model) -> Vec<StaleEvidence<'_>> {
    let mut out = Vec::new();
    for audits in series(model).into_values() {
        let Some(&(_, audit)) = audits.last() else {
            continue;
        };
        let checklist = model.checklist_of(audit);
        for (item, (section, it)) in checklist.items().enumerate() {
            let Some(answer) = audit.answer(item) else {
                continue;
            };
            let max_age = checklist.evidence_max_age(section, it);
            for (entry, e) in answer.evidence.iter().enumerate() {
                if let (Some(dated), Some(max)) = (e.date, max_age)
                    && is_stale(e.date, audit.date, max_age)
                {
                    out.push(StaleEvidence {
                        audit,
                        item,
                        entry,
                        dated,
                        max_age: max,
                    });
                }
            }
        }
    }
    out
}

/// Splits the snapshots with a value of a metric into [`CountSources`], in their order.
pub fn count_sources<'a>(snapshots: &[&'a Snapshot]) -> CountSources<'a> {
    let (teams, organisation) = snapshots.iter().partition(|s| s.subject.is_some());
    CountSources {
        organisation,
        teams,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// tests/fixtures/site/multilingual: one checklist; rounds 2025-q4 (cairo, zagreb),
    /// 2026-q1 (cairo, tokyo, zagreb) and 2026-q2 (tokyo, zagreb), dated 2026-06-30.
    fn multilingual() -> Model {
        match crate::build::prepare(std::path::Path::new("tests/fixtures/site/multilingual")) {
            Ok(p) => p.model,
            Err(_) => panic!("the fixture is valid"),
        }
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().expect("a date")
    }

    #[test]
    fn series_group_audits_by_checklist_and_subject_in_round_order() {
        let model = multilingual();
        let series: Vec<(SeriesKey, Vec<String>)> = series(&model)
            .into_iter()
            .map(|(k, audits)| {
                let ids = audits
                    .iter()
                    .map(|(r, a)| format!("{}/{}", r.id, a.id))
                    .collect();
                (k, ids)
            })
            .collect();
        let q = "quality-review";
        assert_eq!(
            series,
            [
                (
                    (q, Some("cairo")),
                    vec!["2025-q4/cairo".into(), "2026-q1/cairo".into()]
                ),
                (
                    (q, Some("tokyo")),
                    vec!["2026-q1/tokyo".into(), "2026-q2/tokyo".into()]
                ),
                (
                    (q, Some("zagreb")),
                    vec![
                        "2025-q4/zagreb".into(),
                        "2026-q1/zagreb".into(),
                        "2026-q2/zagreb".into()
                    ]
                ),
            ]
        );
    }

    #[test]
    fn previous_audit_is_the_latest_of_the_series_in_an_earlier_round() {
        // Order: 2025-q4 cairo, zagreb; 2026-q1 cairo, tokyo, zagreb; 2026-q2 tokyo, zagreb.
        assert_eq!(
            previous_audits(&multilingual()),
            [None, None, Some(0), None, Some(1), Some(3), Some(4)]
        );
    }

    #[test]
    fn only_actions_of_the_latest_audit_of_a_series_are_overdue() {
        let model = multilingual();
        let overdue = Overdue::new(&model);
        assert_eq!(overdue.newest().map(|r| r.id.as_str()), Some("2026-q2"));
        // 2026-q1/cairo is the latest cairo audit; 2025-q4/zagreb is superseded.
        assert!(overdue.is_overdue("2026-q1", "cairo", Some(date("2026-06-29"))));
        assert!(!overdue.is_overdue("2026-q1", "cairo", Some(date("2026-06-30"))));
        assert!(!overdue.is_overdue("2026-q1", "cairo", None));
        assert!(!overdue.is_overdue("2025-q4", "zagreb", Some(date("2026-03-01"))));
        assert!(!overdue.is_overdue("2026-q1", "tokyo", Some(date("2026-06-01"))));
        assert!(overdue.is_overdue("2026-q2", "tokyo", Some(date("2026-06-01"))));
    }

    /// tests/fixtures/gates: latest audits cairo 70 (no drop), tokyo 75 (5 below 80, csat 80
    /// and first-response-time 2h 30m below), zagreb 55 (10 below 65, csat 86.4 at risk).
    #[test]
    fn gates_judge_the_latest_audit_of_every_series() {
        let mut model = match crate::build::prepare(std::path::Path::new("tests/fixtures/gates")) {
            Ok(p) => p.model,
            Err(_) => panic!("the fixture is valid"),
        };
        let failed = |model: &Model| -> Vec<String> {
            let results = crate::score::score_all(model);
            gates(model, &results)
                .iter()
                .map(|f| {
                    let what = match &f.gate {
                        Gate::MinScore { .. } => "min-score".to_string(),
                        Gate::Regression { .. } => "no-regression".to_string(),
                        Gate::Metric { metric, .. } => metric.id.clone(),
                    };
                    format!("{}/{} {what}", f.audit.round, f.audit.id)
                })
                .collect()
        };
        assert_eq!(
            failed(&model),
            [
                "2026-q3/tokyo csat",
                "2026-q3/tokyo first-response-time",
                "2026-q3/zagreb min-score",
                "2026-q3/zagreb no-regression",
            ]
        );
        model.config.gates = crate::model::Gates {
            min_score: Some(55.0),
            no_regression: Some(4.9),
            metrics: Some(Status::AtRisk),
        };
        assert_eq!(
            failed(&model),
            [
                "2026-q3/tokyo no-regression",
                "2026-q3/tokyo csat",
                "2026-q3/tokyo first-response-time",
                "2026-q3/zagreb no-regression",
                "2026-q3/zagreb csat",
            ]
        );
        model.config.gates = crate::model::Gates::default();
        assert!(failed(&model).is_empty());
    }

    #[test]
    fn breakdowns_come_from_every_snapshot_with_one_newest_first() {
        let model = multilingual();
        let snaps: Vec<&Snapshot> = model.snapshots.iter().collect();
        let picked: Vec<(Option<&str>, String)> =
            breakdown_snapshots(&snaps, "average-resolution-time")
                .into_iter()
                .map(|(subject, s)| (subject, s.taken.to_string()))
                .collect();
        assert_eq!(
            picked,
            [
                (Some("zagreb"), "2026-06-18".to_string()),
                (Some("cairo"), "2026-03-20".to_string()),
                (Some("zagreb"), "2026-03-15".to_string()),
            ]
        );
        let sources = count_sources(&snaps);
        assert!(sources.organisation.iter().all(|s| s.subject.is_none()));
        assert!(sources.teams.iter().all(|s| s.subject.is_some()));
        assert_eq!(
            sources.organisation.len() + sources.teams.len(),
            snaps.len()
        );
        assert!(!sources.organisation.is_empty() && !sources.teams.is_empty());
    }

    fn exemption(item: &str, subject: Option<&str>, approved: &str, until: &str) -> Exemption {
        Exemption {
            file: std::path::PathBuf::from(format!("exemptions/{item}.yaml")),
            checklist: "svc".into(),
            item: item.into(),
            subject: subject.map(str::to_string),
            reason: crate::text::Text::plain("why", "en"),
            owner: "Ana".into(),
            approved: date(approved),
            until: date(until),
        }
    }

    fn audit_of(checklist: &str, subject: Option<&str>, day: &str) -> Audit {
        Audit {
            id: "a".into(),
            round: "r".into(),
            file: "audits/r/a.yaml".into(),
            checklist: checklist.into(),
            version: 1,
            subject: subject.map(str::to_string),
            subject_title: None,
            date: date(day),
            auditors: Vec::new(),
            language: "en".into(),
            summary: None,
            answers: Vec::new(),
        }
    }

    #[test]
    fn an_exemption_applies_to_its_checklist_and_subject_from_approved_to_until() {
        let list = [
            exemption("greeting", Some("north"), "2026-01-01", "2026-03-31"),
            exemption("follow-up", None, "2026-02-01", "2026-02-28"),
        ];
        let items = |checklist: &str, subject: Option<&str>, day: &str| -> Vec<String> {
            exemptions_of(&list, &audit_of(checklist, subject, day))
                .iter()
                .map(|e| e.item.clone())
                .collect()
        };
        assert_eq!(items("svc", Some("north"), "2026-01-01"), ["greeting"]);
        // Both ends are included; no subject is every subject.
        assert_eq!(
            items("svc", Some("north"), "2026-02-28"),
            ["greeting", "follow-up"]
        );
        assert_eq!(items("svc", Some("north"), "2026-03-31"), ["greeting"]);
        assert!(items("svc", Some("north"), "2026-04-01").is_empty());
        assert!(items("svc", Some("north"), "2025-12-31").is_empty());
        assert_eq!(items("svc", Some("south"), "2026-02-01"), ["follow-up"]);
        assert_eq!(items("svc", None, "2026-02-01"), ["follow-up"]);
        assert!(items("other", Some("north"), "2026-02-01").is_empty());
        let applying = exemptions_of(&list, &audit_of("svc", Some("north"), "2026-02-10"));
        assert_eq!(
            exemption_for(&applying, "follow-up").map(|e| e.subject.clone()),
            Some(None)
        );
        assert!(exemption_for(&applying, "night-cover").is_none());
    }

    #[test]
    fn exemptions_expire_after_their_last_day_and_expire_soon_within_60_days() {
        let newest = Some(date("2026-09-30"));
        let state =
            |until: &str| ExemptionState::of(&exemption("x", None, "2026-01-01", until), newest);
        assert_eq!(state("2026-09-29"), ExemptionState::Expired);
        assert_eq!(state("2026-09-30"), ExemptionState::Expiring);
        assert_eq!(state("2026-11-29"), ExemptionState::Expiring);
        assert_eq!(state("2026-11-30"), ExemptionState::Active);
        let e = exemption("x", None, "2026-01-01", "2020-01-01");
        assert_eq!(ExemptionState::of(&e, None), ExemptionState::Active);
    }

    #[test]
    fn evidence_older_than_the_limit_is_stale_from_the_day_after() {
        const DAY: f64 = 86_400.0;
        let audit = date("2026-09-30");
        let limit = Some(180.0 * DAY);
        // 2026-04-03 is exactly 180 days before 2026-09-30.
        assert!(!is_stale(Some(date("2026-04-03")), audit, limit));
        assert!(is_stale(Some(date("2026-04-02")), audit, limit));
        assert!(!is_stale(Some(audit), audit, limit));
        assert!(!is_stale(Some(date("2026-10-30")), audit, limit));
        assert!(!is_stale(None, audit, limit));
        assert!(!is_stale(Some(date("2000-01-01")), audit, None));
        // A limit in hours counts whole days of age against it.
        assert!(is_stale(
            Some(date("2026-09-29")),
            audit,
            Some(12.0 * 3600.0)
        ));
        assert!(!is_stale(Some(audit), audit, Some(0.0)));
    }

    #[test]
    fn status_against_target() {
        assert_eq!(audit_status(Some(85.0), Some(85.0)), Status::Met);
        assert_eq!(audit_status(Some(90.0), Some(85.0)), Status::Met);
        assert_eq!(audit_status(Some(80.0), Some(85.0)), Status::AtRisk);
        assert_eq!(audit_status(Some(75.01), Some(85.0)), Status::AtRisk);
        // Ten points below is no longer "less than ten points below".
        assert_eq!(audit_status(Some(75.0), Some(85.0)), Status::Below);
        assert_eq!(audit_status(Some(10.0), Some(85.0)), Status::Below);
        assert_eq!(audit_status(None, Some(85.0)), Status::Untracked);
        assert_eq!(audit_status(Some(50.0), None), Status::Untracked);
        assert_eq!(audit_status(None, None), Status::Untracked);
    }

    #[test]
    fn gap_points_share_the_scored_weight() {
        assert_eq!(gap_points(1.0, 4.0), 25.0);
        assert_eq!(gap_points(0.5, 6.0), 100.0 * 0.5 / 6.0);
        assert_eq!(gap_points(1.0, 0.0), 0.0);
    }

    #[test]
    fn small_changes_are_no_trend() {
        assert_eq!(trend(0.1), Trend::Up);
        assert_eq!(trend(0.05), Trend::Same);
        assert_eq!(trend(0.0), Trend::Same);
        assert_eq!(trend(-0.05), Trend::Same);
        assert_eq!(trend(-0.06), Trend::Down);
    }

    #[test]
    fn heat_levels_step_every_20_points() {
        assert_eq!(heat_level(None), 0);
        assert_eq!(heat_level(Some(0.0)), 1);
        assert_eq!(heat_level(Some(19.9)), 1);
        assert_eq!(heat_level(Some(20.0)), 2);
        assert_eq!(heat_level(Some(79.9)), 4);
        assert_eq!(heat_level(Some(80.0)), 5);
        assert_eq!(heat_level(Some(100.0)), 5);
    }

    #[test]
    fn load_levels_are_quarters_of_the_busiest_cell() {
        assert_eq!(load_level(0, 8), 0);
        assert_eq!(load_level(1, 8), 1);
        assert_eq!(load_level(2, 8), 1);
        assert_eq!(load_level(3, 8), 2);
        assert_eq!(load_level(6, 8), 3);
        assert_eq!(load_level(7, 8), 4);
        assert_eq!(load_level(8, 8), 4);
        assert_eq!(load_level(u64::MAX, u64::MAX), 4);
        assert_eq!(load_level(5, 0), 0);
    }
}

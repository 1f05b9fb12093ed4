//! Scoring (docs/format.md §9): item ratios and gaps, section and audit scores, targets and completion,
//! the metrics of an audit and its previous audit. Pure functions from the model to plain data.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::{Serialize, Serializer};

use crate::analysis;
use crate::metrics::{self, MetricDef, Snapshot, Status};
use crate::model::{Audit, Checklist, Model, Round, Score};

/// The result of one audit, as written to `data/rounds/<round>/<audit>.json` and printed by
/// `score --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditResult {
    pub round: String,
    pub audit: String,
    pub checklist: String,
    pub version: u32,
    pub subject: Option<String>,
    pub date: String,
    pub score: Option<f64>,
    pub target: Option<f64>,
    pub completion: f64,
    /// How the score stands against the target (`analysis::audit_status`); `null` when
    /// untracked.
    #[serde(serialize_with = "audit_status")]
    pub status: Status,
    /// Score and target of the audit scored without exemptions; the same as `score` and
    /// `target` when none applies.
    pub raw: Raw,
    pub sections: Vec<SectionResult>,
    pub items: Vec<ItemResult>,
    /// Ids of the items with a gap, largest gap first, ties in checklist order.
    pub gaps: Vec<String>,
    pub metrics: Vec<MetricResult>,
    pub previous: Option<Previous>,
}

impl AuditResult {
    /// The result's own figures, without its sections, items, gaps, metrics and previous
    /// audit: written as in the whole result, for the row of its round's CSV.
    pub fn headline(&self) -> Headline<'_> {
        Headline {
            round: &self.round,
            audit: &self.audit,
            checklist: &self.checklist,
            version: self.version,
            subject: self.subject.as_deref(),
            date: &self.date,
            score: self.score,
            target: self.target,
            completion: self.completion,
            status: self.status,
        }
    }
}

/// See [`AuditResult::headline`]: the same fields with the same serialisation.
#[derive(Serialize)]
pub struct Headline<'a> {
    round: &'a str,
    audit: &'a str,
    checklist: &'a str,
    version: u32,
    subject: Option<&'a str>,
    date: &'a str,
    score: Option<f64>,
    target: Option<f64>,
    completion: f64,
    #[serde(serialize_with = "audit_status")]
    status: Status,
}

/// An audit's score and target without exemptions (docs/format.md, "Exemptions").
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Raw {
    pub score: Option<f64>,
    pub target: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionResult {
    pub id: String,
    pub score: Option<f64>,
    pub target: Option<f64>,
    pub completion: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemStatus {
    Scored,
    Na,
    Unanswered,
    /// An exemption applies: counted like `Na`, whatever the answer.
    Exempt,
}

impl ItemStatus {
    /// The name data files and pages give the status.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemStatus::Scored => "scored",
            ItemStatus::Na => "na",
            ItemStatus::Unanswered => "unanswered",
            ItemStatus::Exempt => "exempt",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemResult {
    pub id: String,
    pub section: String,
    pub status: ItemStatus,
    /// The answered scale value.
    #[serde(serialize_with = "scale_value_opt")]
    pub value: Option<f64>,
    pub ratio: Option<f64>,
    /// Effective weight: section weight × item weight.
    pub weight: f64,
    /// The item's target, a scale value.
    #[serde(serialize_with = "scale_value")]
    pub target: f64,
    pub gap: f64,
    /// The target as a ratio of the scale, `rt`.
    #[serde(skip)]
    pub target_ratio: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricResult {
    pub id: String,
    /// In the metric's unit; durations in seconds.
    pub value: f64,
    pub target: Option<f64>,
    pub status: Status,
    pub taken: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Previous {
    pub round: String,
    pub audit: String,
    pub score: Option<f64>,
}

/// Scale values are written as whole numbers when they are whole (`3`, not `3.0`).
fn scale_value<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        s.serialize_i64(*v as i64)
    } else {
        s.serialize_f64(*v)
    }
}

/// An audit's status is `null` where it has no score or no target.
fn audit_status<S: Serializer>(v: &Status, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Status::Untracked => s.serialize_none(),
        v => v.serialize(s),
    }
}

fn scale_value_opt<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => scale_value(v, s),
        None => s.serialize_none(),
    }
}

/// Running sums over a set of items.
#[derive(Default)]
struct Totals {
    weight: f64,
    weighted_ratio: f64,
    weighted_target: f64,
    done: usize,
    all: usize,
}

impl Totals {
    fn add(&mut self, item: &ItemResult) {
        self.all += 1;
        if item.status != ItemStatus::Unanswered {
            self.done += 1;
        }
        if let (ItemStatus::Scored, Some(r)) = (item.status, item.ratio)
            && item.weight > 0.0
        {
            self.weight += item.weight;
            self.weighted_ratio += item.weight * r;
            self.weighted_target += item.weight * item.target_ratio;
        }
    }

    fn score(&self) -> Option<f64> {
        (self.weight > 0.0).then(|| percent(self.weighted_ratio, self.weight))
    }

    fn target(&self) -> Option<f64> {
        (self.weight > 0.0).then(|| percent(self.weighted_target, self.weight))
    }

    fn completion(&self) -> f64 {
        if self.all == 0 {
            0.0
        } else {
            100.0 * self.done as f64 / self.all as f64
        }
    }
}

/// `100 × part / whole`, evaluated left to right as §2 writes it, for `0 <= part <= whole`.
///
/// Left to right rounds once where the sums are exact, so exact shares print exactly
/// (`100 × 2.75 / 5` is 55, where `100 × (2.75 / 5)` is 55.00000000000001), but when `whole` is not exact in binary (weights 0.1 and 0.7 sum to
/// 0.7999999999999999) rounding can carry a set at its maximum, `part == whole`, to
/// 99.99999999999999 or 100.00000000000001. The true value is 100, and no part of a whole is
/// more than 100%, so those are pinned.
fn percent(part: f64, whole: f64) -> f64 {
    if part >= whole {
        100.0
    } else {
        (100.0 * part / whole).min(100.0)
    }
}

/// Scores one audit against its checklist, without exemptions; `metrics` and `previous` are
/// left empty.
pub fn score_audit(round: &Round, audit: &Audit, checklist: &Checklist) -> AuditResult {
    score_audit_exempt(round, audit, checklist, |_| false)
}

/// Scores one audit against its checklist with the items for which `exempt(item id)` holds
/// exempt: they count like `na` and have no gap. `raw` is the audit scored without them.
pub fn score_audit_exempt(
    round: &Round,
    audit: &Audit,
    checklist: &Checklist,
    exempt: impl Fn(&str) -> bool,
) -> AuditResult {
    let mut any_exempt = false;
    let mut result = score_items(round, audit, checklist, |id| {
        let e = exempt(id);
        any_exempt |= e;
        e
    });
    if any_exempt {
        let raw = score_items(round, audit, checklist, |_| false);
        result.raw = Raw {
            score: raw.score,
            target: raw.target,
        };
    }
    result
}

fn score_items(
    round: &Round,
    audit: &Audit,
    checklist: &Checklist,
    mut exempt: impl FnMut(&str) -> bool,
) -> AuditResult {
    let (min, max) = (checklist.scale.min(), checklist.scale.max());
    let span = max - min;
    let mut items = Vec::with_capacity(checklist.item_count());
    let mut sections = Vec::with_capacity(checklist.sections.len());
    let mut total = Totals::default();
    // Answers are stored in item order: the n-th item's answer is `audit.answer(n)`.
    let mut index = 0;
    for section in &checklist.sections {
        let mut sum = Totals::default();
        for item in &section.items {
            let answer = audit.answer(index);
            index += 1;
            let t = checklist.item_target(section, item);
            let rt = (t - min) / span;
            let w = section.weight * item.weight;
            let (mut status, value) = match answer.map(|a| a.score) {
                Some(Score::Value(v)) => (ItemStatus::Scored, Some(v)),
                Some(Score::NotApplicable) => (ItemStatus::Na, None),
                None => (ItemStatus::Unanswered, None),
            };
            // An exempt item keeps its answered value, for readers, but is not scored.
            if exempt(&item.id) {
                status = ItemStatus::Exempt;
            }
            let ratio = value.map(|v| (v - min) / span);
            // `rt − r` is computed as `(t − v) / span`: the same number, rounded once instead
            // of three times, so two items one level short of their targets with the same
            // weight have equal gaps on any scale (on 0..10, `0.8 − 0.7` and `0.3 − 0.2`
            // differ in f64) and keep checklist order, as §2 asks for ties. It also keeps
            // `g <= w`, since `(t − v) / span <= 1`.
            let gap = match value {
                Some(v) if status == ItemStatus::Scored => w * ((t - v) / span).max(0.0),
                _ => 0.0,
            };
            let result = ItemResult {
                id: item.id.clone(),
                section: section.id.clone(),
                status,
                value,
                ratio,
                weight: w,
                target: t,
                gap,
                target_ratio: rt,
            };
            sum.add(&result);
            total.add(&result);
            items.push(result);
        }
        sections.push(SectionResult {
            id: section.id.clone(),
            score: sum.score(),
            target: sum.target(),
            completion: sum.completion(),
        });
    }
    AuditResult {
        round: round.id.clone(),
        audit: audit.id.clone(),
        checklist: checklist.id.clone(),
        version: checklist.version,
        subject: audit.subject.clone(),
        date: audit.date.to_string(),
        score: total.score(),
        target: total.target(),
        completion: total.completion(),
        status: analysis::audit_status(total.score(), total.target()),
        raw: Raw {
            score: total.score(),
            target: total.target(),
        },
        gaps: gaps(&items),
        sections,
        items,
        metrics: Vec::new(),
        previous: None,
    }
}

impl AuditResult {
    /// Σ w over the scored items with weight above 0: the whole that score and target are
    /// shares of.
    pub fn scored_weight(&self) -> f64 {
        self.items
            .iter()
            .filter(|i| i.status == ItemStatus::Scored && i.weight > 0.0)
            .map(|i| i.weight)
            .sum()
    }
}

/// Items with a gap, largest first; the sort is stable, so ties keep checklist order.
fn gaps(items: &[ItemResult]) -> Vec<String> {
    let mut with_gap: Vec<&ItemResult> = items.iter().filter(|i| i.gap > 0.0).collect();
    with_gap.sort_by(|a, b| b.gap.total_cmp(&a.gap));
    with_gap.into_iter().map(|i| i.id.clone()).collect()
}

/// Snapshots grouped by subject, each group in the model's order (by date taken).
pub struct SnapshotIndex<'m> {
    by_subject: HashMap<Option<&'m str>, Vec<&'m Snapshot>>,
}

impl<'m> SnapshotIndex<'m> {
    pub fn new(snapshots: &'m [Snapshot]) -> Self {
        let mut by_subject: HashMap<Option<&str>, Vec<&Snapshot>> = HashMap::new();
        for s in snapshots {
            by_subject.entry(s.subject.as_deref()).or_default().push(s);
        }
        SnapshotIndex { by_subject }
    }

    /// The newest snapshot of `subject` taken on or before `date` with a value for `metric`.
    fn newest(
        &self,
        subject: Option<&str>,
        date: chrono::NaiveDate,
        metric: &str,
    ) -> Option<&'m Snapshot> {
        let list = self.by_subject.get(&subject)?;
        let end = list.partition_point(|s| s.taken <= date);
        list[..end]
            .iter()
            .rev()
            .find(|s| s.value(metric).is_some())
            .copied()
    }

    /// The snapshot that gives an audit its value of `metric`: the audit's subject first,
    /// then the whole organisation.
    pub fn for_audit(&self, audit: &Audit, metric: &str) -> Option<&'m Snapshot> {
        audit
            .subject
            .as_deref()
            .and_then(|s| self.newest(Some(s), audit.date, metric))
            .or_else(|| self.newest(None, audit.date, metric))
    }
}

/// The status of a metric value against the snapshot's target, else the metric's.
pub fn metric_result(def: &MetricDef, snapshot: &Snapshot) -> Option<MetricResult> {
    let v = snapshot.value(&def.id)?;
    let target = v.target.or(def.target);
    Some(MetricResult {
        id: def.id.clone(),
        value: v.value.value,
        target,
        status: metrics::status(v.value.value, target, def.warn, def.better),
        taken: snapshot.taken.to_string(),
    })
}

/// Scores every audit of the model: rounds in order, audits by id within a round.
pub fn score_all(model: &Model) -> Vec<AuditResult> {
    let index = SnapshotIndex::new(&model.snapshots);
    // Each audit is scored on its own, on every core; only `previous` links them.
    let audits: Vec<(&Round, &Audit)> = model
        .rounds
        .iter()
        .flat_map(|r| r.audits.iter().map(move |a| (r, &**a)))
        .collect();
    let mut results: Vec<AuditResult> = audits
        .par_iter()
        .map(|&(round, audit)| {
            let checklist = model.checklist_of(audit);
            let applying = analysis::exemptions_of(&model.exemptions, audit);
            let mut result = if applying.is_empty() {
                score_audit(round, audit, checklist)
            } else {
                score_audit_exempt(round, audit, checklist, |item| {
                    analysis::exemption_for(&applying, item).is_some()
                })
            };
            result.metrics = model
                .metrics
                .iter()
                .filter_map(|def| metric_result(def, index.for_audit(audit, &def.id)?))
                .collect();
            result
        })
        .collect();
    for (at, previous) in analysis::previous_audits(model).into_iter().enumerate() {
        results[at].previous = previous.map(|i| {
            let p: &AuditResult = &results[i];
            Previous {
                round: p.round.clone(),
                audit: p.audit.clone(),
                score: p.score,
            }
        });
    }
    results
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_at_its_maximum_is_exactly_100() {
        // Weights 0.1 and 0.7, both items at the scale's max: Σw·r = Σw = 0.7999999999999999.
        let whole = 0.1 + 0.7;
        assert_eq!(100.0 * whole / whole, 100.00000000000001);
        assert_eq!(percent(whole, whole), 100.0);
        // 1.3 + 0.1 rounds the other way.
        let whole = 0.1 + 1.3;
        assert_eq!(100.0 * whole / whole, 99.99999999999999);
        assert_eq!(percent(whole, whole), 100.0);
    }

    #[test]
    fn exact_shares_stay_exact() {
        assert_eq!(percent(0.0, 3.0), 0.0);
        assert_eq!(percent(5.5, 8.0), 68.75);
        assert_eq!(percent(7.375, 12.5), 59.0);
        assert_eq!(percent(8.0, 12.0), 800.0 / 12.0);
        assert_eq!(percent(2.75, 5.0), 55.0);
    }
}

//! `diff`: what a change to a workspace does to its results. The workspace at a git revision
//! (the base) and the working tree (the head) are each loaded and scored as `score` does;
//! this module pairs their audits, answers, metric snapshot values and texts, and keeps what
//! changed. Plain data, serialised as the stable JSON shape of docs/diff.md; [`format`] writes
//! it for people (Markdown) and for GitHub annotations.

pub mod format;
pub mod git;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::{Serialize, Serializer};

use crate::metrics::{Snapshot, Status};
use crate::model::{Audit, Checklist, Model, Score};
use crate::score::{self, AuditResult, ItemStatus};
use crate::text::Text;

/// Everything that changed between the base and the head, in a fixed order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    pub base: Base,
    /// Audits added, removed or changed: the head's audits in round order, then the removed
    /// ones in the base's round order.
    pub audits: Vec<AuditChange>,
    /// Snapshot values added, removed or changed, by metric, subject, date taken and period.
    pub metrics: Vec<MetricChange>,
    /// Texts that gained a language: checklists, then audits, then snapshots, each in the
    /// order of the head's model.
    pub translations: Vec<Translation>,
}

/// The revision compared against.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Base {
    /// The revision as it was given (`origin/main`, `HEAD~1`).
    pub rev: String,
    /// The commit it named.
    pub commit: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Added,
    Removed,
    Changed,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditChange {
    pub round: String,
    pub audit: String,
    /// The audit file, relative to the workspace (the base's file for a removed audit).
    #[serde(serialize_with = "path_text")]
    pub file: PathBuf,
    pub change: Change,
    /// The audit's result at the base; `null` for an added audit.
    pub old: Option<AuditSide>,
    /// The audit's result in the working tree; `null` for a removed audit.
    pub new: Option<AuditSide>,
    /// `new.score − old.score`, where both have a score.
    pub score_change: Option<f64>,
    /// The answers that changed, in the head checklist's item order, then items only the
    /// base's checklist has. Empty for added and removed audits.
    pub answers: Vec<AnswerChange>,
}

/// One side of an audit: the numbers `score --json` gives for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditSide {
    pub checklist: String,
    pub version: u32,
    pub score: Option<f64>,
    pub target: Option<f64>,
    /// `met`, `at-risk`, `below`, or `null` without a score or target.
    pub status: Option<&'static str>,
    pub completion: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnswerChange {
    pub item: String,
    pub section: String,
    /// The answer at the base; `null` when the base's checklist has no such item.
    pub old: Option<AnswerSide>,
    /// The answer in the working tree; `null` when the head's checklist has no such item.
    pub new: Option<AnswerSide>,
    /// Whether the note changed (in any language).
    pub note_changed: bool,
    /// Whether the evidence list changed.
    pub evidence_changed: bool,
    /// Whether the follow-up action changed.
    pub action_changed: bool,
    /// The line of the item's answer in the head's audit file, where it has one.
    #[serde(skip)]
    pub line: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnswerSide {
    /// `scored`, `na` or `unanswered`.
    pub status: ItemStatus,
    /// The scale value; `null` unless scored.
    pub value: Option<f64>,
    /// The scale level's key (`established`, `yes`, `4`); `null` unless scored.
    pub level: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricChange {
    pub metric: String,
    /// `null` for the whole organisation.
    pub subject: Option<String>,
    pub taken: String,
    pub period: Option<Period>,
    /// The snapshot file, relative to the workspace (the base's file for a removed value).
    #[serde(serialize_with = "path_text")]
    pub file: PathBuf,
    pub change: Change,
    pub old: Option<MetricSide>,
    pub new: Option<MetricSide>,
    /// The line of the metric's value in the head's snapshot file, where it has one.
    #[serde(skip)]
    pub line: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Period {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricSide {
    /// In the metric's unit; durations in seconds, percent 0–100.
    pub value: f64,
    /// The snapshot's own target, `null` without one.
    pub target: Option<f64>,
    /// Whether the breakdowns (`by`) differ from the other side; always `false` when the
    /// other side has no value.
    pub by_changed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Translation {
    /// The head's file holding the text, relative to the workspace.
    #[serde(serialize_with = "path_text")]
    pub file: PathBuf,
    /// Which text: `title`, `item assess-quality why`, `answer assess-quality note`, ….
    pub text: String,
    /// The languages it gained, sorted.
    pub languages: Vec<String>,
}

/// Compares two valid workspaces. `head_sources` gives the text of the head's files, to
/// place changes on their lines; a file it lacks gets no line.
pub fn compare(
    base: &Model,
    head: &Model,
    rev: Base,
    head_sources: &crate::source::Sources,
) -> Diff {
    let old = score::score_all(base);
    let new = score::score_all(head);
    Diff {
        base: rev,
        audits: audits(base, &old, head, &new, head_sources),
        metrics: metrics(base, head, head_sources),
        translations: translations(base, head),
    }
}

/// Paths are written with `/` on every platform, so the JSON is the same everywhere.
fn path_text<S: Serializer>(p: &Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::diag::display_path(p))
}

fn side(r: &AuditResult) -> AuditSide {
    AuditSide {
        checklist: r.checklist.clone(),
        version: r.version,
        score: r.score,
        target: r.target,
        status: match r.status {
            Status::Untracked => None,
            s => Some(s.as_str()),
        },
        completion: r.completion,
    }
}

/// Every audit of a model with its result, by (round, audit id), in round order.
fn by_id<'m>(model: &'m Model, results: &'m [AuditResult]) -> Vec<(&'m Audit, &'m AuditResult)> {
    // `score_all` gives results in the model's round and audit order.
    model
        .rounds
        .iter()
        .flat_map(|r| r.audits.iter().map(|a| &**a))
        .zip(results)
        .collect()
}

fn audits(
    base: &Model,
    old: &[AuditResult],
    head: &Model,
    new: &[AuditResult],
    head_sources: &crate::source::Sources,
) -> Vec<AuditChange> {
    let old_audits = by_id(base, old);
    let old_index: HashMap<(&str, &str), usize> = old_audits
        .iter()
        .enumerate()
        .map(|(i, (a, _))| ((a.round.as_str(), a.id.as_str()), i))
        .collect();
    let mut seen = vec![false; old_audits.len()];
    let mut out = Vec::new();
    for (audit, result) in by_id(head, new) {
        let Some(&i) = old_index.get(&(audit.round.as_str(), audit.id.as_str())) else {
            out.push(AuditChange {
                round: audit.round.clone(),
                audit: audit.id.clone(),
                file: audit.file.clone(),
                change: Change::Added,
                old: None,
                new: Some(side(result)),
                score_change: None,
                answers: Vec::new(),
            });
            continue;
        };
        seen[i] = true;
        let (old_audit, old_result) = old_audits[i];
        let (before, after) = (side(old_result), side(result));
        let lines = answer_lines(head_sources.get(&audit.file));
        let answers = answers(
            (old_audit, base.checklist_of(old_audit)),
            (audit, head.checklist_of(audit)),
            &lines,
        );
        if before == after && answers.is_empty() {
            continue;
        }
        out.push(AuditChange {
            round: audit.round.clone(),
            audit: audit.id.clone(),
            file: audit.file.clone(),
            change: Change::Changed,
            score_change: before.score.zip(after.score).map(|(o, n)| n - o),
            old: Some(before),
            new: Some(after),
            answers,
        });
    }
    for ((audit, result), _) in old_audits.iter().zip(&seen).filter(|(_, s)| !**s) {
        out.push(AuditChange {
            round: audit.round.clone(),
            audit: audit.id.clone(),
            file: audit.file.clone(),
            change: Change::Removed,
            old: Some(side(result)),
            new: None,
            score_change: None,
            answers: Vec::new(),
        });
    }
    out
}

fn answer_side(checklist: &Checklist, audit: &Audit, index: usize) -> AnswerSide {
    match audit.answer(index).map(|a| a.score) {
        Some(Score::Value(v)) => AnswerSide {
            status: ItemStatus::Scored,
            value: Some(v),
            level: checklist.scale.by_value(v).map(|l| l.key.clone()),
        },
        Some(Score::NotApplicable) => AnswerSide {
            status: ItemStatus::Na,
            value: None,
            level: None,
        },
        None => AnswerSide {
            status: ItemStatus::Unanswered,
            value: None,
            level: None,
        },
    }
}

/// The answers of one audit that differ between base and head, paired by item id.
fn answers(
    (old_audit, old_checklist): (&Audit, &Checklist),
    (new_audit, new_checklist): (&Audit, &Checklist),
    lines: &HashMap<String, u32>,
) -> Vec<AnswerChange> {
    let old_items: HashMap<&str, (usize, &str)> = old_checklist
        .items()
        .enumerate()
        .map(|(i, (s, item))| (item.id.as_str(), (i, s.id.as_str())))
        .collect();
    let mut out = Vec::new();
    let mut in_head = std::collections::HashSet::new();
    for (i, (section, item)) in new_checklist.items().enumerate() {
        in_head.insert(item.id.as_str());
        let new = answer_side(new_checklist, new_audit, i);
        let new_answer = new_audit.answer(i);
        let (old, old_answer) = match old_items.get(item.id.as_str()) {
            Some(&(j, _)) => (
                Some(answer_side(old_checklist, old_audit, j)),
                old_audit.answer(j),
            ),
            None => (None, None),
        };
        let note_changed =
            old_answer.and_then(|a| a.note.as_ref()) != new_answer.and_then(|a| a.note.as_ref());
        let evidence_changed = old_answer.map_or(&[][..], |a| &a.evidence[..])
            != new_answer.map_or(&[][..], |a| &a.evidence[..]);
        let action_changed = old_answer.and_then(|a| a.action.as_ref())
            != new_answer.and_then(|a| a.action.as_ref());
        // A new item nobody answered yet is a checklist change, not an answer change.
        let unanswered_new_item = old.is_none() && new.status == ItemStatus::Unanswered;
        if (old.as_ref() == Some(&new) || unanswered_new_item)
            && !note_changed
            && !evidence_changed
            && !action_changed
        {
            continue;
        }
        out.push(AnswerChange {
            item: item.id.clone(),
            section: section.id.clone(),
            old,
            new: Some(new),
            note_changed,
            evidence_changed,
            action_changed,
            line: lines.get(&item.id).copied(),
        });
    }
    for (j, (section, item)) in old_checklist.items().enumerate() {
        if in_head.contains(item.id.as_str()) || old_audit.answer(j).is_none() {
            continue;
        }
        out.push(AnswerChange {
            item: item.id.clone(),
            section: section.id.clone(),
            old: Some(answer_side(old_checklist, old_audit, j)),
            new: None,
            note_changed: false,
            evidence_changed: false,
            action_changed: false,
            line: None,
        });
    }
    out
}

/// The line of each top-level key's value of mapping `field` in a YAML file: the answers
/// of an audit (`answers:`) or the values of a snapshot (`values:`).
fn keys_under(text: Option<&str>, field: &str) -> HashMap<String, u32> {
    let Some(root) = text.and_then(|t| crate::yaml::parse(t).ok()) else {
        return HashMap::new();
    };
    root.as_map()
        .and_then(|m| m.iter().find(|(k, _)| k.as_str() == Some(field)))
        .and_then(|(_, v)| v.as_map())
        .map(|entries| {
            entries
                .iter()
                .filter_map(|(k, _)| Some((k.scalar_text()?, k.loc.line)))
                .collect()
        })
        .unwrap_or_default()
}

fn answer_lines(text: Option<&str>) -> HashMap<String, u32> {
    keys_under(text, "answers")
}

type MetricKey = (String, Option<String>, String, Option<Period>);

/// Each snapshot value by (metric, subject, date taken, period). Where two snapshot files
/// give the same key, the later file in the model's order is kept.
fn values(model: &Model) -> BTreeMap<MetricKey, (&Snapshot, &crate::metrics::MetricValue)> {
    let mut out = BTreeMap::new();
    for s in &model.snapshots {
        let period = s.period.map(|(from, to)| Period {
            from: from.to_string(),
            to: to.to_string(),
        });
        for v in &s.values {
            let key = (
                v.metric.clone(),
                s.subject.clone(),
                s.taken.to_string(),
                period.clone(),
            );
            out.insert(key, (s, v));
        }
    }
    out
}

fn metrics(base: &Model, head: &Model, head_sources: &crate::source::Sources) -> Vec<MetricChange> {
    let old = values(base);
    let new = values(head);
    let mut lines: HashMap<&Path, HashMap<String, u32>> = HashMap::new();
    let mut keys: Vec<&MetricKey> = old.keys().chain(new.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = Vec::new();
    for key in keys {
        let (o, n) = (old.get(key), new.get(key));
        let by_changed = matches!((o, n), (Some((_, a)), Some((_, b))) if a.by != b.by);
        let metric_side = |v: &crate::metrics::MetricValue| MetricSide {
            value: v.value.value,
            target: v.target,
            by_changed,
        };
        let (change, file) = match (o, n) {
            (Some((_, a)), Some((s, b))) => {
                if a.value.value == b.value.value && a.target == b.target && !by_changed {
                    continue;
                }
                (Change::Changed, &s.file)
            }
            (None, Some((s, _))) => (Change::Added, &s.file),
            (Some((s, _)), None) => (Change::Removed, &s.file),
            (None, None) => continue,
        };
        let line = n.and_then(|(s, v)| {
            lines
                .entry(&s.file)
                .or_insert_with(|| keys_under(head_sources.get(&s.file), "values"))
                .get(&v.metric)
                .copied()
        });
        out.push(MetricChange {
            metric: key.0.clone(),
            subject: key.1.clone(),
            taken: key.2.clone(),
            period: key.3.clone(),
            file: file.clone(),
            change,
            old: o.map(|(_, v)| metric_side(v)),
            new: n.map(|(_, v)| metric_side(v)),
            line,
        });
    }
    out
}

/// Every text of a model that can be translated, named by the file holding it and where in
/// the file it is: titles, descriptions, labels, why / how / tools, summaries, notes and
/// actions of answers.
fn texts(model: &Model) -> Vec<(&Path, String, &Text)> {
    let mut out: Vec<(&Path, String, &Text)> = Vec::new();
    for c in &model.checklists {
        let f = c.file.as_path();
        out.push((f, "title".into(), &c.title));
        if let Some(t) = &c.description {
            out.push((f, "description".into(), t));
        }
        for level in &c.scale.levels {
            if let Some(t) = &level.label {
                out.push((f, format!("level {} label", level.key), t));
            }
        }
        for s in &c.sections {
            out.push((f, format!("section {} title", s.id), &s.title));
            if let Some(t) = &s.description {
                out.push((f, format!("section {} description", s.id), t));
            }
            for i in &s.items {
                out.push((f, format!("item {} title", i.id), &i.title));
                if let Some(t) = &i.why {
                    out.push((f, format!("item {} why", i.id), t));
                }
                if let Some(t) = &i.how {
                    out.push((f, format!("item {} how", i.id), t));
                }
                for (n, t) in i.tools.iter().enumerate() {
                    out.push((f, format!("item {} tool {}", i.id, n + 1), t));
                }
            }
        }
    }
    for round in &model.rounds {
        for a in &round.audits {
            let f = a.file.as_path();
            if let Some(t) = &a.subject_title {
                out.push((f, "subject_title".into(), t));
            }
            if let Some(t) = &a.summary {
                out.push((f, "summary".into(), t));
            }
            let checklist = model.checklist_of(a);
            for (i, (_, item)) in checklist.items().enumerate() {
                let Some(answer) = a.answer(i) else { continue };
                if let Some(t) = &answer.note {
                    out.push((f, format!("answer {} note", item.id), t));
                }
                if let Some(action) = &answer.action {
                    out.push((f, format!("answer {} action", item.id), &action.text));
                }
            }
        }
    }
    for s in &model.snapshots {
        for v in &s.values {
            if let Some(t) = &v.note {
                out.push((&s.file, format!("value {} note", v.metric), t));
            }
        }
    }
    out
}

fn translations(base: &Model, head: &Model) -> Vec<Translation> {
    let old: HashMap<(&Path, String), &Text> = texts(base)
        .into_iter()
        .map(|(f, what, t)| ((f, what), t))
        .collect();
    let mut out = Vec::new();
    for (file, text, t) in texts(head) {
        let Some(before) = old.get(&(file, text.clone())) else {
            continue;
        };
        let languages: Vec<String> = t
            .languages()
            .filter(|l| !before.has(l))
            .map(str::to_string)
            .collect();
        if !languages.is_empty() {
            out.push(Translation {
                file: file.to_path_buf(),
                text,
                languages,
            });
        }
    }
    out
}

/// How `diff` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table and details for `$GITHUB_STEP_SUMMARY` or a merge-request comment
    Markdown,
    /// The stable shape of docs/diff.md
    Json,
    /// `::notice` annotations on the changed lines
    Github,
}

/// `auditbook diff DIR --base REV`: reads the base with git, loads and scores both sides,
/// prints what changed. Exit status 1 when a side does not load, 2 when git or a file fails.
pub fn command(dir: &Path, rev: &str, format: Format) -> std::process::ExitCode {
    use std::io::Write as _;
    use std::process::ExitCode;

    use crate::cli::{EXIT_INVALID, EXIT_USAGE};

    let checkout = match git::checkout(dir, rev) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            if let Some(hint) = e.hint() {
                eprintln!("  = hint: {hint}");
            }
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let sides = [
        (format!("the base ({rev})"), checkout.root().to_path_buf()),
        ("the working tree".to_string(), dir.to_path_buf()),
    ];
    let mut loaded = Vec::with_capacity(2);
    for (name, root) in &sides {
        let l = match crate::load(root) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: cannot read {name}: {e}");
                return ExitCode::from(EXIT_USAGE);
            }
        };
        if l.model.is_none() {
            let _ = std::io::stderr()
                .write_all(crate::diag::render_human(&l.diags, &l.sources).as_bytes());
            eprintln!(
                "error: {name} is invalid ({}), so it cannot be compared",
                crate::diag::summary(&l.diags)
            );
            return ExitCode::from(EXIT_INVALID);
        }
        loaded.push(l);
    }
    let head = loaded.pop();
    let base = loaded.pop();
    let (Some(base), Some(head)) = (base, head) else {
        return ExitCode::from(EXIT_USAGE);
    };
    let (Some(base_model), Some(head_model)) = (&base.model, &head.model) else {
        return ExitCode::from(EXIT_INVALID);
    };
    let diff = compare(
        base_model,
        head_model,
        Base {
            rev: rev.to_string(),
            commit: checkout.commit.clone(),
        },
        &head.sources,
    );
    let text = match format {
        Format::Markdown => format::markdown(&diff),
        Format::Json => format::json(&diff),
        Format::Github => {
            let cwd = std::env::current_dir().unwrap_or_default();
            format::github(&diff, dir, &cwd)
        }
    };
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write the diff: {e}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

//! Audits: audits/<round>/<audit>.yaml, each read on its own (on every core) against the
//! checklists read before.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::Loader;
use crate::decode::{self, Ctx, TextLanguages};
use crate::diag::Diagnostics;
use crate::model::{Action, Answer, Audit, Checklist, Evidence, EvidenceKind, Scale, Score};
use crate::source::Loc;
use crate::yaml::{self, Kind, Node};

/// Checklists by id and version, and the newest version of each id.
pub(super) struct ChecklistIndex<'c> {
    versions: HashMap<(&'c str, u32), &'c Checklist>,
    current: HashMap<&'c str, &'c Checklist>,
}

impl<'c> ChecklistIndex<'c> {
    pub(super) fn new(checklists: &'c [Checklist]) -> Self {
        let mut versions = HashMap::new();
        let mut current: HashMap<&str, &Checklist> = HashMap::new();
        for c in checklists {
            versions.insert((c.id.as_str(), c.version), c);
            let e = current.entry(c.id.as_str()).or_insert(c);
            if c.version > e.version {
                *e = c;
            }
        }
        ChecklistIndex { versions, current }
    }
}

/// An audit's place in its round's series: `(subject, checklist)` is unique within a round.
#[derive(Clone)]
pub(super) struct SeriesKey {
    pub(super) subject: Option<String>,
    pub(super) checklist: String,
    pub(super) file: PathBuf,
    /// Where the subject is written, or the audit's start without one.
    pub(super) loc: Loc,
}

/// What the loader keeps of an audit besides the model: positions for later checks.
#[derive(Clone)]
pub(super) struct AuditSite {
    pub(super) version_loc: Option<Loc>,
    pub(super) dues: Vec<(NaiveDate, Loc)>,
    /// Where each evidence entry is written: per item in the checklist's item order (as
    /// [`Audit::answers`]), per entry in the answer's order.
    pub(super) evidence: Vec<Vec<Loc>>,
}

impl Loader<'_> {
    /// Reads one audit file: the audit and its sites when it is valid, and its place in its
    /// round's series when its checklist and subject could be read.
    pub(super) fn audit(
        &self,
        diags: &mut Diagnostics,
        texts: &mut TextLanguages,
        path: &Path,
        node: &Node,
        round: &str,
        checklists: &ChecklistIndex,
    ) -> (Option<(Audit, AuditSite)>, Option<SeriesKey>) {
        let (index, current) = (&checklists.versions, &checklists.current);
        let default = self.default_language();
        let mut ctx = Ctx::with_texts(path, diags, texts);
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let id_ok = decode::is_id(stem);
        if !id_ok {
            ctx.error_hint(
                Loc::default(),
                format!("invalid audit id '{stem}' (the file name)"),
                decode::id_hint(stem),
            );
        }
        let f = decode::fields(
            &mut ctx,
            node,
            &[
                "checklist",
                "version",
                "subject",
                "subject_title",
                "date",
                "auditors",
                "language",
                "summary",
                "answers",
            ],
            "an audit",
        );
        let Some(f) = f else {
            return (None, None);
        };
        let checklist_node = f.require(&mut ctx, "checklist");
        let checklist_id =
            checklist_node.and_then(|n| decode::id(&mut ctx, n, "checklist", "checklist id"));
        let version_node = f.get("version");
        let version = version_node.and_then(|n| decode::positive_int(&mut ctx, n, "version"));
        let doubts = &self.doubts;
        let checklist: Option<&Checklist> = match (&checklist_id, checklist_node) {
            (Some(cid), Some(_))
                if doubts.checklist(cid, version, current.get(cid.as_str()).map(|c| c.version))
                    && version_node.is_none_or(|_| version.is_some()) =>
            {
                // Which checklist this audit answers is unsure while a checklist file has
                // errors; only what is certain is checked.
                version.and_then(|v| index.get(&(cid.as_str(), v))).copied()
            }
            (Some(cid), Some(cnode)) => match current.get(cid.as_str()) {
                None => {
                    let hint = ctx.hint(cid, current.keys().copied(), || {
                        "checklists are read from checklists/**/*.yaml".to_string()
                    });
                    ctx.error_hint(cnode.loc, format!("unknown checklist '{cid}'"), hint);
                    None
                }
                Some(cur) => match (version, version_node) {
                    (Some(v), Some(vnode)) => match index.get(&(cid.as_str(), v)) {
                        Some(c) => Some(*c),
                        None => {
                            let mut versions: Vec<u32> = index
                                .keys()
                                .filter(|(i, _)| *i == cid)
                                .map(|(_, v)| *v)
                                .collect();
                            versions.sort_unstable();
                            let list: Vec<String> = versions.iter().map(u32::to_string).collect();
                            ctx.error_hint(
                                vnode.loc,
                                format!("checklist '{cid}' has no version {v}"),
                                format!("its versions are: {}", list.join(", ")),
                            );
                            None
                        }
                    },
                    (None, None) => Some(*cur),
                    _ => None,
                },
            },
            _ => None,
        };
        let language = match f.get("language") {
            Some(n) => decode::language(&mut ctx, n, "language"),
            None => Some(checklist.map_or(default.clone(), |c| c.language.clone())),
        };
        let language = language.unwrap_or(default);
        let subject = f
            .get("subject")
            .and_then(|n| decode::id(&mut ctx, n, "subject", "subject id"));
        let subject_title = f
            .get("subject_title")
            .and_then(|n| decode::text(&mut ctx, n, "subject_title", &language));
        let date = f
            .require(&mut ctx, "date")
            .and_then(|n| decode::date(&mut ctx, n, "date"));
        let auditors = f
            .get("auditors")
            .map(|n| string_list(&mut ctx, n, "auditors"))
            .unwrap_or_default();
        let summary = f
            .get("summary")
            .and_then(|n| decode::text(&mut ctx, n, "summary", &language));
        let mut dues = Vec::new();
        let mut evidence_locs: Vec<Vec<Loc>> = Vec::new();
        // In the checklist's item order, so scoring and rendering walk items and answers
        // side by side instead of looking each item up by id.
        let mut answers: Vec<Option<Answer>> = Vec::new();
        let mut answers_ok = true;
        if let Some(n) = f.get("answers") {
            match n.as_map() {
                None if matches!(n.kind, Kind::Null) => {}
                None => {
                    ctx.error(
                        n.loc,
                        format!(
                            "expected a mapping of item id -> answer for 'answers', found {}",
                            n.describe()
                        ),
                    );
                    answers_ok = false;
                }
                Some(entries) => {
                    let items: HashMap<&str, usize> = checklist
                        .iter()
                        .flat_map(|c| c.items().map(|(_, i)| i.id.as_str()))
                        .enumerate()
                        .map(|(at, id)| (id, at))
                        .collect();
                    answers.resize(items.len(), None);
                    evidence_locs.resize(items.len(), Vec::new());
                    let mut elsewhere = None;
                    for (k, v) in entries {
                        let Some(item) = decode::id(&mut ctx, k, "answers", "item id") else {
                            answers_ok = false;
                            continue;
                        };
                        let Some(c) = checklist else {
                            continue;
                        };
                        let Some(&at) = items.get(item.as_str()) else {
                            answers_ok = false;
                            if !doubts.incomplete(&c.id, c.version) {
                                let elsewhere =
                                    elsewhere.get_or_insert_with(|| other_versions(c, index));
                                report_unknown_item(&mut ctx, k.loc, &item, c, elsewhere);
                            }
                            continue;
                        };
                        let mut locs = Vec::new();
                        let read =
                            read_answer(&mut ctx, v, &c.scale, &language, &mut dues, &mut locs);
                        match read {
                            Some(a) => {
                                answers[at] = Some(a);
                                evidence_locs[at] = locs;
                            }
                            None => answers_ok = false,
                        }
                    }
                }
            }
        }
        if let (Some(c), None, Some(cnode)) = (checklist, version_node, checklist_node) {
            ctx.warning_hint(
                cnode.loc,
                format!("unpinned checklist version: this audit answers '{}' version {}, the current one", c.id, c.version),
                format!("add `version: {}` so the audit keeps its meaning when the checklist changes", c.version),
            );
        }
        let subject_ok = f.get("subject").is_none() || subject.is_some();
        let key = match (&checklist_id, subject_ok) {
            (Some(cid), true) => Some(SeriesKey {
                subject: subject.clone(),
                checklist: cid.clone(),
                file: path.to_path_buf(),
                loc: f.get("subject").map_or(f.loc(), |n| n.loc),
            }),
            _ => None,
        };
        let (Some(checklist), Some(date), true, true) = (checklist, date, id_ok, answers_ok) else {
            return (None, key);
        };
        let audit = Audit {
            id: stem.to_string(),
            round: round.to_string(),
            file: path.to_path_buf(),
            checklist: checklist.id.clone(),
            version: checklist.version,
            subject,
            subject_title,
            date,
            auditors,
            language,
            summary,
            answers,
        };
        let site = AuditSite {
            version_loc: version_node.map(|n| n.loc),
            dues,
            evidence: evidence_locs,
        };
        (Some((audit, site)), key)
    }
}

fn string_list(ctx: &mut Ctx, node: &Node, field: &str) -> Vec<String> {
    match &node.kind {
        Kind::Seq(items) => items
            .iter()
            .filter_map(|n| decode::string(ctx, n, field))
            .collect(),
        Kind::Str(s) => vec![s.clone()],
        _ => {
            ctx.error(
                node.loc,
                format!(
                    "expected a list of strings for '{field}', found {}",
                    node.describe()
                ),
            );
            Vec::new()
        }
    }
}

/// The items of the other versions of checklist `c`, each with the highest version it is in.
fn other_versions<'c>(
    c: &Checklist,
    index: &HashMap<(&str, u32), &'c Checklist>,
) -> HashMap<&'c str, u32> {
    let mut out: HashMap<&str, u32> = HashMap::new();
    for ((id, v), other) in index {
        if *id != c.id || *v == c.version {
            continue;
        }
        for (_, i) in other.items() {
            let e = out.entry(i.id.as_str()).or_insert(*v);
            *e = (*e).max(*v);
        }
    }
    out
}

fn report_unknown_item(
    ctx: &mut Ctx,
    loc: Loc,
    item: &str,
    c: &Checklist,
    elsewhere: &HashMap<&str, u32>,
) {
    let hint = ctx.hint(
        item,
        c.items().map(|(_, i)| i.id.as_str()),
        || match elsewhere.get(item) {
            Some(other) => format!(
                "'{item}' is in version {other} of '{}'; this audit answers version {}",
                c.id, c.version
            ),
            None => format!("checklist '{}' v{} has no such item", c.id, c.version),
        },
    );
    ctx.error_hint(loc, format!("unknown item '{item}'"), hint);
}

/// An answer: `3`, `partial`, `na`, or `{score, note, evidence, action}`.
fn read_answer(
    ctx: &mut Ctx,
    node: &Node,
    scale: &Scale,
    language: &str,
    dues: &mut Vec<(NaiveDate, Loc)>,
    evidence_locs: &mut Vec<Loc>,
) -> Option<Answer> {
    if node.as_map().is_none() {
        let score = read_score(ctx, node, scale)?;
        return Some(Answer {
            score,
            note: None,
            evidence: Vec::new(),
            action: None,
        });
    }
    let f = decode::fields(
        ctx,
        node,
        &["score", "note", "evidence", "action"],
        "an answer",
    )?;
    let score = f
        .require(ctx, "score")
        .and_then(|n| read_score(ctx, n, scale));
    let note = f
        .get("note")
        .and_then(|n| decode::text(ctx, n, "note", language));
    let evidence = f
        .get("evidence")
        .map(|n| read_evidence(ctx, n, language, evidence_locs))
        .unwrap_or_default();
    let action = match f.get("action") {
        None => None,
        Some(n) if n.as_str().is_some() => {
            decode::text(ctx, n, "action", language).map(|text| Action {
                text,
                owner: None,
                due: None,
            })
        }
        Some(n) => {
            let a = decode::fields(ctx, n, &["text", "owner", "due"], "an action")?;
            let text = a
                .require(ctx, "text")
                .and_then(|n| decode::text(ctx, n, "text", language));
            let owner = a.get("owner").and_then(|n| decode::string(ctx, n, "owner"));
            let due = a.get("due").and_then(|n| {
                let d = decode::date(ctx, n, "due")?;
                dues.push((d, n.loc));
                Some(d)
            });
            Some(Action {
                text: text?,
                owner,
                due,
            })
        }
    };
    Some(Answer {
        score: score?,
        note,
        evidence,
        action,
    })
}

/// An answer's evidence: one entry or a list of them, each a string, `{link, date}` or
/// `{text, date}` (docs/format.md, "Evidence"). Where each entry read is written goes into
/// `locs`, in the same order.
fn read_evidence(ctx: &mut Ctx, node: &Node, language: &str, locs: &mut Vec<Loc>) -> Vec<Evidence> {
    let entries = match &node.kind {
        Kind::Seq(items) => &items[..],
        Kind::Null => {
            ctx.error_hint(
                node.loc,
                "expected evidence for 'evidence', found nothing",
                "write a string, a list, or leave `evidence` out",
            );
            return Vec::new();
        }
        _ => std::slice::from_ref(node),
    };
    let mut out = Vec::with_capacity(entries.len());
    for n in entries {
        if let Some(e) = read_evidence_entry(ctx, n, language) {
            out.push(e);
            locs.push(n.loc);
        }
    }
    out
}

fn read_evidence_entry(ctx: &mut Ctx, node: &Node, language: &str) -> Option<Evidence> {
    if node.as_map().is_none() {
        let s = decode::string(ctx, node, "evidence")?;
        return Some(Evidence {
            what: EvidenceKind::Plain(s),
            date: None,
        });
    }
    let f = decode::fields(ctx, node, &["link", "text", "date"], "an evidence entry")?;
    let date = match f.get("date") {
        Some(n) => Some(decode::date(ctx, n, "date")?),
        None => None,
    };
    let what = match (f.get("link"), f.get("text")) {
        (Some(_), Some(_)) => {
            ctx.error_hint(
                f.key_loc("text"),
                "an evidence entry has both 'link' and 'text'",
                "write one entry for the link and another for the text",
            );
            return None;
        }
        (Some(n), None) => {
            let link = decode::string(ctx, n, "link")?;
            if link.trim().is_empty() || !crate::markdown::is_safe_url(&link) {
                ctx.error_hint(
                    n.loc,
                    format!("evidence link '{link}' is not allowed"),
                    "links are http://, https:// or mailto: addresses, or relative paths",
                );
                return None;
            }
            EvidenceKind::Link(link)
        }
        (None, Some(n)) => EvidenceKind::Text(decode::text(ctx, n, "text", language)?),
        (None, None) => {
            if !f.misspelt("link") && !f.misspelt("text") {
                ctx.error_hint(
                    f.loc(),
                    "missing field 'link' or 'text' in an evidence entry",
                    "add `link: https://…` or `text: …` to the entry",
                );
            }
            return None;
        }
    };
    Some(Evidence { what, date })
}

fn read_score(ctx: &mut Ctx, node: &Node, scale: &Scale) -> Option<Score> {
    let keys = || -> String {
        let keys: Vec<String> = scale
            .levels
            .iter()
            .map(|l| format!("{} ({})", l.key, yaml::format_number(l.value)))
            .collect();
        format!("use a level key or value: {}, or 'na'", keys.join(", "))
    };
    match &node.kind {
        Kind::Str(s) if s == "na" => Some(Score::NotApplicable),
        Kind::Str(s) => {
            if let Some(level) = scale.by_key(s) {
                return Some(Score::Value(level.value));
            }
            if let Some(level) = s.parse::<f64>().ok().and_then(|v| scale.by_value(v)) {
                return Some(Score::Value(level.value));
            }
            let hint = ctx.hint(
                s,
                scale.levels.iter().map(|l| l.key.as_str()).chain(["na"]),
                keys,
            );
            ctx.error_hint(node.loc, format!("'{s}' is not a level of the scale"), hint);
            None
        }
        Kind::Int(_) | Kind::Float(_) => {
            let v = node.as_f64().unwrap_or(f64::NAN);
            match scale.by_value(v) {
                Some(level) => Some(Score::Value(level.value)),
                None => {
                    ctx.error_hint(
                        node.loc,
                        format!("{} is not a value of the scale", yaml::format_number(v)),
                        keys(),
                    );
                    None
                }
            }
        }
        Kind::Null => {
            ctx.error_hint(node.loc, "missing score", "write a score, 'na' for not applicable, or leave the item out to mark it unanswered");
            None
        }
        _ => {
            ctx.error(
                node.loc,
                format!("expected a score, found {}", node.describe()),
            );
            None
        }
    }
}

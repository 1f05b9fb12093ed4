//! Rounds: the folders under audits/, each with its audits and an optional round.yaml
//! (title, date, summary).

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;

use super::audit::{AuditSite, ChecklistIndex, SeriesKey};
use super::{Kept, Loader};
use crate::decode::{self, Ctx};
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{Audit, Checklist, Round};
use crate::source::Loc;
use crate::text::Text;
use crate::workspace::Role;
use crate::yaml::Node;

/// Each valid audit's round id, audit id and sites.
pub(super) type AuditSites = Vec<(String, String, Arc<AuditSite>)>;

/// A valid audit and its sites, shared with the audits kept for `serve`.
type ReadAudit = (Arc<Audit>, Arc<AuditSite>);

/// Audits decoded by the last load of `serve`, by file (see `Decoded`).
pub(super) type KeptAudits =
    std::collections::HashMap<PathBuf, Kept<(Arc<Audit>, Arc<AuditSite>, SeriesKey)>>;

/// Round ids that are addresses of the site under `rounds/`: a round of that name would
/// be written over them.
const RESERVED_ROUND_IDS: &[&str] = &["latest"];

impl Loader<'_> {
    pub(super) fn rounds(
        &mut self,
        round_files: Vec<(PathBuf, Arc<Node>)>,
        audit_files: Vec<(PathBuf, Arc<Node>)>,
        checklists: &[Checklist],
        kept: Option<KeptAudits>,
    ) -> (Vec<Round>, AuditSites, KeptAudits) {
        let index = ChecklistIndex::new(checklists);
        let mut settings: BTreeMap<String, (PathBuf, RoundSettings)> = BTreeMap::new();
        let mut audits: BTreeMap<String, Vec<ReadAudit>> = BTreeMap::new();
        let mut bad_rounds: HashSet<String> = HashSet::new();
        let default = self.default_language();

        let mut round_id = |diags: &mut Diagnostics, path: &Path| -> Option<String> {
            let name = path.parent()?.file_name()?.to_str()?.to_string();
            let reserved = RESERVED_ROUND_IDS.contains(&name.as_str());
            if decode::is_id(&name) && !reserved {
                return Some(name);
            }
            if bad_rounds.insert(name.clone()) {
                let d = if reserved {
                    Diagnostic::error(
                        path,
                        Loc::default(),
                        format!("round id '{name}' is reserved (the folder name)"),
                    )
                    .with_hint(format!(
                        "the site's rounds/{name}/ is the newest round's address: rename the folder"
                    ))
                } else {
                    Diagnostic::error(
                        path,
                        Loc::default(),
                        format!("invalid round id '{name}' (the folder name)"),
                    )
                    .with_hint(decode::id_hint(&name))
                };
                diags.push(d);
            }
            None
        };

        for (path, node) in &round_files {
            let Some(round) = round_id(self.diags, path) else {
                continue;
            };
            let mut ctx = self.ctx(path);
            let Some(s) = read_round(&mut ctx, node, &default) else {
                continue;
            };
            settings.insert(round, (path.clone(), s));
        }

        // Every audit whose checklist and subject could be read, valid or not, so that two
        // audits of one series in a round are reported even while either has other errors.
        let mut series: BTreeMap<String, Vec<SeriesKey>> = BTreeMap::new();
        let jobs: Vec<(&PathBuf, &Arc<Node>, String)> = audit_files
            .iter()
            .filter_map(|(path, node)| Some((path, node, round_id(self.diags, path)?)))
            .collect();
        let (read, keep) = self.read_each_kept(
            &jobs,
            |(path, node, _)| (path.as_path(), node),
            kept,
            |this, diags, texts, job| {
                let (path, node, round) = job;
                let (audit, key) = this.audit(diags, texts, path, node, round, &index);
                (audit.map(|(a, site)| (Arc::new(a), Arc::new(site))), key)
            },
            |(audit, site, key)| (Some((audit, site)), Some(key)),
            |read| match read {
                (Some((audit, site)), Some(key)) => {
                    Some((audit.clone(), site.clone(), key.clone()))
                }
                _ => None,
            },
        );
        for ((_, _, round), (audit, key)) in jobs.into_iter().zip(read) {
            let keys = series.entry(round.clone()).or_default();
            keys.extend(key);
            if let Some(audit) = audit {
                audits.entry(round).or_default().push(audit);
            }
        }
        self.check_series(&series);

        let mut rounds = Vec::new();
        let mut sites = Vec::new();
        let ids: std::collections::BTreeSet<String> =
            settings.keys().chain(audits.keys()).cloned().collect();
        for id in ids {
            let list = audits.remove(&id).unwrap_or_default();
            let (file, s) = match settings.remove(&id) {
                Some((file, s)) => (Some(file), s),
                None => (
                    None,
                    RoundSettings {
                        title: None,
                        date: None,
                        dated: false,
                        summary: None,
                    },
                ),
            };
            let date = s.date.or_else(|| list.iter().map(|(a, _)| a.date).max());
            let Some(date) = date else {
                // A round whose audits or date have errors is not empty; those errors say why.
                let in_round = |p: &Path| round_of(p) == Some(id.as_str());
                let has_audits = audit_files.iter().any(|(p, _)| in_round(p))
                    || self
                        .doubts
                        .unreadable
                        .iter()
                        .any(|u| u.role == Role::Audit && in_round(&u.path));
                if let (Some(file), false, false) = (file, has_audits, s.dated) {
                    self.diags.push(
                        Diagnostic::warning(
                            &file,
                            Loc::start(),
                            format!("round '{id}' has no audits and no date; it is left out"),
                        )
                        .with_hint("add audits to the round folder, or a `date:` to round.yaml"),
                    );
                }
                continue;
            };
            let mut round_audits = Vec::new();
            for (audit, site) in list {
                sites.push((id.clone(), audit.id.clone(), site));
                round_audits.push(audit);
            }
            rounds.push(Round {
                id,
                title: s.title,
                date,
                summary: s.summary,
                audits: round_audits,
            });
        }
        (rounds, sites, keep)
    }
}

/// The round folder a path under audits/ is in.
fn round_of(path: &Path) -> Option<&str> {
    path.parent()?.file_name()?.to_str()
}

/// What round.yaml says of its round.
struct RoundSettings {
    title: Option<Text>,
    date: Option<NaiveDate>,
    /// Whether round.yaml has a `date:`, valid or not.
    dated: bool,
    summary: Option<Text>,
}

/// Reads a round.yaml. Texts are in `default` unless written as a map.
fn read_round(ctx: &mut Ctx, node: &Node, default: &str) -> Option<RoundSettings> {
    let f = decode::fields(ctx, node, &["title", "date", "summary"], "round.yaml")?;
    Some(RoundSettings {
        title: f
            .get("title")
            .and_then(|n| decode::text(ctx, n, "title", default)),
        date: f.get("date").and_then(|n| decode::date(ctx, n, "date")),
        dated: f.get("date").is_some(),
        summary: f
            .get("summary")
            .and_then(|n| decode::text(ctx, n, "summary", default)),
    })
}

//! The checks across files: a checklist id and version defined twice, two audits of one
//! series in a round, texts missing a site language, texts in languages the site does not
//! publish, interface strings falling back to English, and the checks that need the whole
//! model (overdue actions, stale evidence, exemptions).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::Loader;
use super::audit::{AuditSite, SeriesKey};
use super::checklist::ReadChecklist;
use super::exemption::ExemptionSite;
use super::strings::Strings;
use crate::analysis::{self, ExemptionState};
use crate::decode::Ctx;
use crate::diag::Diagnostic;
use crate::model::{Checklist, Exemption, Model};
use crate::source::Loc;
use crate::workspace;

/// How many missing texts a warning names; the rest are counted.
const MISSING_NAMED: usize = 5;

impl Loader<'_> {
    /// The checklists with a distinct id and version, in file order; a later file with the
    /// same id and version as an earlier one is an error. Records, on each checklist read
    /// without errors, the texts each site language lacks, and warns about them.
    pub(super) fn distinct_checklists(&mut self, read: Vec<ReadChecklist>) -> Vec<Checklist> {
        let mut out: Vec<Checklist> = Vec::new();
        let mut seen: HashMap<(String, u32), PathBuf> = HashMap::new();
        for ReadChecklist {
            mut checklist,
            id_loc,
            clean,
        } in read
        {
            let key = (checklist.id.clone(), checklist.version);
            if let Some(first) = seen.get(&key) {
                self.diags.push(
                    Diagnostic::error(
                        &checklist.file,
                        id_loc,
                        format!("duplicate checklist '{}' version {}", key.0, key.1),
                    )
                    .with_hint(format!(
                        "{} has the same id and version; bump `version:` in one of them",
                        crate::diag::display_path(first)
                    )),
                );
                continue;
            }
            seen.insert(key, checklist.file.clone());
            // Counting the texts of a checklist with errors would count what is missing.
            if clean && self.languages_known {
                self.check_translations(&mut checklist, id_loc);
            }
            out.push(checklist);
        }
        out
    }

    /// Records on `c` the texts each site language lacks, and warns, per site language the
    /// checklist uses, which of its texts lack it.
    fn check_translations(&mut self, c: &mut Checklist, loc: Loc) {
        let texts = c.texts_at();
        let used: BTreeSet<&str> = texts.iter().flat_map(|(_, t)| t.languages()).collect();
        let mut missing_texts = BTreeMap::new();
        for lang in &self.languages {
            let missing: Vec<String> = (texts.iter())
                .filter(|(_, t)| !t.has(lang))
                .map(|(at, _)| at.clone())
                .collect();
            if missing.is_empty() {
                continue;
            }
            if used.contains(lang.as_str()) {
                let mut named = missing[..missing.len().min(MISSING_NAMED)].join(", ");
                if missing.len() > MISSING_NAMED {
                    named.push_str(&format!(" and {} more", missing.len() - MISSING_NAMED));
                }
                self.diags.push(
                    Diagnostic::warning(&c.file, loc, format!("checklist '{}' v{} lacks '{lang}' in {} of {} texts: {named}", c.id, c.version, missing.len(), texts.len()))
                        .with_hint(format!("add the '{lang}' translation to each text; until then readers see the fallback language")),
                );
            }
            missing_texts.insert(lang.clone(), missing);
        }
        c.missing_texts = missing_texts;
    }

    /// Reports the audits of a round that repeat an earlier one's `(subject, checklist)`.
    pub(super) fn check_series(&mut self, series: &BTreeMap<String, Vec<SeriesKey>>) {
        for (id, keys) in series {
            let mut first: HashMap<(Option<&str>, &str), &Path> = HashMap::new();
            for key in keys {
                let k = (key.subject.as_deref(), key.checklist.as_str());
                let Some(first) = first.get(&k) else {
                    first.insert(k, &key.file);
                    continue;
                };
                let who = key
                    .subject
                    .as_deref()
                    .map_or("no subject".to_string(), |s| format!("subject '{s}'"));
                self.diags.push(
                    Diagnostic::error(
                        &key.file,
                        key.loc,
                        format!(
                            "round '{id}' already has an audit of '{}' for {who}",
                            key.checklist
                        ),
                    )
                    .with_hint(format!(
                        "see {}; give this audit another `subject:`",
                        crate::diag::display_path(first)
                    )),
                );
            }
        }
    }

    /// Warns about interface strings for languages the site does not publish.
    pub(super) fn report_unpublished_strings(&mut self, i18n: &Strings) {
        if !self.languages_known {
            return;
        }
        for (lang, (path, _)) in i18n {
            if !self.languages.contains(lang) {
                self.diags.push(
                    Diagnostic::warning(
                        path,
                        Loc::start(),
                        format!("interface strings for '{lang}', which is not a site language"),
                    )
                    .with_hint("add it to `languages:` in auditbook.yaml, or delete the file"),
                );
            }
        }
    }

    /// Warns about site languages whose interface strings fall back to English: languages
    /// without built-in strings that i18n/<lang>.ftl (or .yaml) does not translate in full.
    pub(super) fn report_interface_languages(&mut self, i18n: &Strings) {
        if !self.languages_known {
            return;
        }
        let total = crate::i18n::known_keys().count();
        for lang in &self.languages {
            if crate::i18n::is_builtin_language(lang) {
                continue;
            }
            let translated = i18n.get(lang).map_or(0, |(_, strings)| strings.len());
            if translated >= total {
                continue;
            }
            let loc = self
                .language_locs
                .get(lang)
                .copied()
                .unwrap_or_else(Loc::start);
            self.diags.push(
                Diagnostic::warning(Path::new(workspace::CONFIG_FILE), loc, format!("interface strings for '{lang}' fall back to English: {} of {total} untranslated", total - translated))
                    .with_hint(format!("auditbook has built-in interface strings for {}; translate the rest in i18n/{lang}.ftl (see docs/site.md)", crate::i18n::builtin_languages().join(", "))),
            );
        }
    }

    pub(super) fn report_foreign_languages(&mut self) {
        if !self.languages_known {
            return;
        }
        let site = self.languages.join(", ");
        let foreign = std::mem::take(&mut self.texts)
            .into_iter()
            .flat_map(|(path, langs)| langs.into_iter().map(move |(l, at)| (path.clone(), l, at)))
            .filter(|(_, lang, _)| !self.languages.contains(lang));
        for (path, lang, (loc, count)) in foreign.collect::<Vec<_>>() {
            let texts = if count == 1 {
                "1 text".to_string()
            } else {
                format!("{count} texts")
            };
            self.diags.push(
                Diagnostic::warning(&path, loc, format!("{texts} in '{lang}', which the site does not publish"))
                    .with_hint(format!("the site's languages are {site}; add '{lang}' to `languages:` in auditbook.yaml, or remove these translations")),
            );
        }
    }

    /// Checks that need the whole model: overdue actions, stale evidence.
    pub(super) fn after_model(&mut self, model: &Model, sites: &super::round::AuditSites) {
        self.report_stale_evidence(model, sites);
        let overdue = crate::analysis::Overdue::new(model);
        let Some(newest) = overdue.newest() else {
            return;
        };
        for (round, audit, site) in sites {
            if !overdue.is_open(round, audit) {
                continue;
            }
            let Some(file) = model
                .round(round)
                .and_then(|r| r.audits.iter().find(|a| &a.id == audit))
                .map(|a| &a.file)
            else {
                continue;
            };
            for (due, loc) in &site.dues {
                if overdue.is_overdue(round, audit, Some(*due)) {
                    self.diags.push(
                        Diagnostic::warning(
                            file,
                            *loc,
                            format!(
                                "overdue action: due {due}, before round '{}' ({})",
                                newest.id, newest.date
                            ),
                        )
                        .with_hint("record the outcome in a new audit, or move the due date"),
                    );
                }
            }
            let _ = site.version_loc;
        }
    }

    /// Warns about the stale evidence of the latest audit of each series, where each entry
    /// is written.
    fn report_stale_evidence(&mut self, model: &Model, sites: &super::round::AuditSites) {
        let stale = crate::analysis::stale_evidence(model);
        if stale.is_empty() {
            return;
        }
        let by_audit: HashMap<(&str, &str), &AuditSite> = sites
            .iter()
            .map(|(r, a, site)| ((r.as_str(), a.as_str()), &**site))
            .collect();
        for s in stale {
            let Some(loc) = by_audit
                .get(&(s.audit.round.as_str(), s.audit.id.as_str()))
                .and_then(|site| site.evidence.get(s.item)?.get(s.entry))
            else {
                continue;
            };
            let max = written_duration(s.max_age);
            self.diags.push(
                Diagnostic::warning(
                    &s.audit.file,
                    *loc,
                    format!(
                        "stale evidence: dated {}, more than {max} before the audit ({})",
                        s.dated, s.audit.date
                    ),
                )
                .with_hint(format!(
                    "add newer evidence, or change `evidence-max-age` ({max}) if older evidence is fine"
                )),
            );
        }
    }
}

/// A duration of seconds the way format.md writes one: `180d`, `36h`, `90m` or `45s`.
fn written_duration(seconds: f64) -> String {
    let units = [(86_400.0, "d"), (3_600.0, "h"), (60.0, "m")];
    for (size, unit) in units {
        if seconds >= size && (seconds / size).fract() == 0.0 {
            return format!("{}{unit}", seconds / size);
        }
    }
    format!("{}s", crate::yaml::format_number(seconds))
}

impl Loader<'_> {
    /// The checks of exemptions against the rest of the workspace (docs/format.md,
    /// "Exemptions"): unknown checklists, items and subjects, exemptions expired by the newest
    /// round, exemptions of items that meet their target anyway (warnings), and two
    /// exemptions of one item and subject whose days overlap (an error). `sites` are where
    /// the fields of `model.exemptions` are written, in the same order.
    pub(super) fn check_exemptions(&mut self, model: &Model, sites: &[ExemptionSite]) {
        let subjects: BTreeSet<&str> = (model.rounds.iter())
            .flat_map(|r| &r.audits)
            .filter_map(|a| a.subject.as_deref())
            .collect();
        let newest = model.rounds.last();
        for (e, site) in model.exemptions.iter().zip(sites) {
            let mut ctx = Ctx::new(&e.file, self.diags);
            match model.current_checklist(&e.checklist) {
                None => {
                    let current = None;
                    if !self.doubts.checklist(&e.checklist, None, current) {
                        let ids: BTreeSet<&str> =
                            model.checklists.iter().map(|c| c.id.as_str()).collect();
                        let hint = ctx.hint(&e.checklist, ids.iter().copied(), || {
                            "name a checklist of checklists/ in `checklist:`".to_string()
                        });
                        ctx.warning_hint(
                            site.checklist,
                            format!("exemption of unknown checklist '{}'", e.checklist),
                            hint,
                        );
                    }
                }
                Some(current) => {
                    let known = (model.checklists.iter())
                        .filter(|c| c.id == e.checklist)
                        .any(|c| c.items().any(|(_, i)| i.id == e.item));
                    if !known {
                        let hint =
                            ctx.hint(&e.item, current.items().map(|(_, i)| i.id.as_str()), || {
                                format!("name an item of checklist '{}' in `item:`", e.checklist)
                            });
                        ctx.warning_hint(
                            site.item,
                            format!(
                                "exemption of unknown item '{}' in checklist '{}'",
                                e.item, e.checklist
                            ),
                            hint,
                        );
                    }
                }
            }
            if let (Some(subject), Some(loc)) = (&e.subject, site.subject)
                && !subjects.contains(subject.as_str())
            {
                let hint = ctx.hint(subject, subjects.iter().copied(), || {
                    "name the `subject:` of an audit, or leave it out for every subject".into()
                });
                ctx.warning_hint(
                    loc,
                    format!("exemption for unknown subject '{subject}': no audit has it"),
                    hint,
                );
            }
            if let Some(round) = newest
                && ExemptionState::of(e, Some(round.date)) == ExemptionState::Expired
            {
                ctx.warning_hint(
                    site.until,
                    format!(
                        "exemption expired on {}, before round '{}' ({})",
                        e.until, round.id, round.date
                    ),
                    "renew it with a later `until:` and a new `approved:`, or delete the file",
                );
            }
            self.warn_unneeded(model, e, site);
        }
        self.check_overlaps(model, sites);
    }

    /// Warns about an exemption whose item meets its target in every audit it applies to.
    fn warn_unneeded(&mut self, model: &Model, e: &Exemption, site: &ExemptionSite) {
        let mut applies_to = Vec::new();
        for round in &model.rounds {
            for audit in &round.audits {
                let applying = analysis::exemptions_of(&model.exemptions, audit);
                if !applying.iter().any(|x| std::ptr::eq(*x, e)) {
                    continue;
                }
                let result = crate::score::score_audit(round, audit, model.checklist_of(audit));
                let meets = (result.items.iter().find(|i| i.id == e.item))
                    .is_some_and(|i| i.ratio.is_some_and(|r| r >= i.target_ratio));
                if !meets {
                    return;
                }
                applies_to.push(format!("{}/{}", round.id, audit.id));
            }
        }
        if applies_to.is_empty() {
            return;
        }
        self.diags.push(
            Diagnostic::warning(
                &e.file,
                site.item,
                format!(
                    "exemption not needed: '{}' meets its target in every audit it applies to ({})",
                    e.item,
                    applies_to.join(", ")
                ),
            )
            .with_hint("delete the file, or end it with an earlier `until:`"),
        );
    }

    /// Reports each exemption whose item and subject an earlier one already covers on one of
    /// its days: which of the two applies would be a guess. No subject overlaps every subject.
    fn check_overlaps(&mut self, model: &Model, sites: &[ExemptionSite]) {
        for (j, (b, site)) in model.exemptions.iter().zip(sites).enumerate() {
            let earlier = model.exemptions[..j].iter().find(|a| {
                a.checklist == b.checklist
                    && a.item == b.item
                    && (a.subject.is_none() || b.subject.is_none() || a.subject == b.subject)
                    && a.approved <= b.until
                    && b.approved <= a.until
            });
            let Some(a) = earlier else {
                continue;
            };
            let who = match (&a.subject, &b.subject) {
                (Some(s), _) | (None, Some(s)) => format!("subject '{s}'"),
                (None, None) => "every subject".to_string(),
            };
            let (from, to) = (a.approved.max(b.approved), a.until.min(b.until));
            self.diags.push(
                Diagnostic::error(
                    &b.file,
                    site.item,
                    format!(
                        "exemption overlaps {}: both exempt '{}' of '{}' for {who} from {from} to {to}",
                        crate::diag::display_path(&a.file),
                        b.item,
                        b.checklist
                    ),
                )
                .with_hint(format!(
                    "an item has one exemption at a time: end one before the other's `approved:`, or merge {} and {}",
                    crate::diag::display_path(&a.file),
                    crate::diag::display_path(&b.file)
                )),
            );
        }
    }
}

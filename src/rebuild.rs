//! Incremental rebuilds for `serve`: after a change, only the files parsed again whose text
//! changed, and only the pages rendered again that depend on what changed.
//!
//! What depends on what is decided by comparing the new model with the previous one, not by
//! which files the watcher named, so editors that save through renames or several writes
//! cannot confuse it. When only audits changed (their answers, notes, evidence, actions,
//! summaries, auditors), the pages rendered again are:
//!
//! - the audit, gap analysis and report pages and the data file of each changed audit, and
//!   of each audit whose previous audit in its series changed (its "change since" section
//!   and its result's `previous` compare with it);
//! - the round pages of those audits;
//! - the pages of the items whose answer changed in some audit;
//! - the pages every audit feeds: dashboards, the rounds index, the latest-round redirect,
//!   search indexes and `versions.json`.
//!
//! Anything else — the configuration, a checklist, a snapshot, an exemption, a source (its snapshots or
//! its page's figures), interface strings, a template, a round's title or date, an audit
//! added, removed, moved to another checklist, subject or date — renders the whole site
//! again. Either way the result is the same site a full build makes, byte for byte
//! (tests/it/incremental.rs holds it to that), and only the files whose bytes changed are
//! replaced.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::build::{self, Edition, Failure, Prepared};
use crate::load::ParseCache;
use crate::model::{Audit, Model, Round};
use crate::render::{Collect, Plan, SearchMemo, Site};
use crate::score::AuditResult;

/// What one rebuild did to the site.
pub struct Rebuilt {
    /// The files whose bytes changed (or are new), with their new bytes.
    pub changed: Vec<(String, Vec<u8>)>,
    /// Files of the previous site that the new one no longer has.
    pub removed: Vec<String>,
    /// Whether the whole site was rendered again.
    pub whole: bool,
    /// What was rendered.
    pub plan: Plan,
    /// How many files were rendered.
    pub rendered: usize,
    /// Pages in the new site.
    pub pages: usize,
    pub took: Duration,
}

impl Rebuilt {
    /// Makes `site` the new site.
    pub fn apply(self, site: &mut Site) {
        for path in self.removed {
            site.files.remove(&path);
        }
        site.files.extend(self.changed);
    }
}

/// Keeps what a rebuild can reuse: parsed files, search entries, and the model and results
/// of the last good build.
pub struct Rebuilder {
    root: PathBuf,
    cache: ParseCache,
    memo: SearchMemo,
    last: Option<Prepared>,
    edition: Edition,
}

impl Rebuilder {
    pub fn new(root: &Path) -> Rebuilder {
        Rebuilder::for_edition(root, Edition::Internal)
    }

    /// A rebuilder of the site `edition` names.
    pub fn for_edition(root: &Path, edition: Edition) -> Rebuilder {
        Rebuilder {
            root: root.to_path_buf(),
            cache: ParseCache::default(),
            memo: SearchMemo::default(),
            last: None,
            edition,
        }
    }

    /// The output folder the workspace asks for, as of the last good build.
    pub fn output(&self) -> Option<&Path> {
        self.last.as_ref().map(|p| p.model.config.output.as_path())
    }

    /// What the site leaves out, as of the last good build: `None` for the internal site
    /// (or before a build worked).
    pub fn left_out(&self) -> Option<crate::public::Hide> {
        let last = self.last.as_ref()?;
        (self.edition == Edition::Public).then_some(last.model.config.left_out)
    }

    /// The warnings of the last good build, as the terminal shows them; `None` if it had
    /// none (or no build worked yet).
    pub fn warnings(&self) -> Option<String> {
        let last = self.last.as_ref()?;
        (!last.diags.is_empty()).then(|| crate::diag::render_human(&last.diags, &last.sources))
    }

    /// Builds the site again and tells how it differs from `current`, the site of the last
    /// good build (empty before the first). On failure nothing is kept of the attempt.
    pub fn rebuild(&mut self, current: &Site) -> Result<Rebuilt, Failure> {
        let started = Instant::now();
        let prepared = build::prepare_cached(
            &self.root,
            Some(&self.cache),
            self.last.as_ref(),
            self.edition,
        )?;
        let plan = match &self.last {
            Some(last) => plan(last, &prepared),
            None => Plan::All,
        };
        let sink = Collect::default();
        if let Err(e) = prepared.render(&plan, Some(&self.memo), &sink) {
            // Search entries of the failed attempt may be in the memo: the next rebuild
            // renders everything again.
            self.last = None;
            if let Ok(mut memo) = self.memo.lock() {
                memo.clear();
            }
            return Err(Failure::Render(e));
        }
        let fresh = sink.into_site();
        let rendered = fresh.files.len();
        let whole = plan == Plan::All;
        // A partial render leaves every file it did not make as it was.
        let removed: Vec<String> = if whole {
            (current.files.keys())
                .filter(|p| !fresh.files.contains_key(*p))
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
        let pages = if whole {
            fresh.page_count()
        } else {
            current.page_count()
        };
        let changed: Vec<(String, Vec<u8>)> = (fresh.files.into_iter())
            .filter(|(path, bytes)| current.files.get(path) != Some(bytes))
            .collect();
        // The previous model is freed on a thread of its own: the new site need not wait.
        if let Some(old) = self.last.replace(prepared) {
            std::thread::spawn(move || drop(old));
        }
        Ok(Rebuilt {
            changed,
            removed,
            whole,
            plan,
            rendered,
            pages,
            took: started.elapsed(),
        })
    }
}

/// What must be rendered again for the site of `old` to become the site of `new`.
pub fn plan(old: &Prepared, new: &Prepared) -> Plan {
    if !old.templates.same_sources(&new.templates) || !same_except_audits(&old.model, &new.model) {
        return Plan::All;
    }
    // Rounds, and the audits in each, are the same; find the audits that changed.
    let mut changed: HashSet<(String, String)> = HashSet::new();
    for (old_round, new_round) in old.model.rounds.iter().zip(&new.model.rounds) {
        for (a, b) in old_round.audits.iter().zip(&new_round.audits) {
            // An audit whose file did not change is the one decoded before (the same `Arc`).
            if !std::sync::Arc::ptr_eq(a, b) && a != b {
                changed.insert((b.round.clone(), b.id.clone()));
            }
        }
    }
    for (a, b) in old.results.iter().zip(&new.results) {
        if a != b {
            changed.insert((b.round.clone(), b.audit.clone()));
        }
    }
    // An audit's pages compare it with the previous audit of its series.
    let mut audits = changed.clone();
    for r in &new.results {
        if let Some(p) = &r.previous
            && changed.contains(&(p.round.clone(), p.audit.clone()))
        {
            audits.insert((r.round.clone(), r.audit.clone()));
        }
    }
    let rounds = audits.iter().map(|(r, _)| r.clone()).collect();
    Plan::Only {
        audits,
        rounds,
        items: changed_items(old, new, &changed),
    }
}

/// The items (checklist id, item id) whose pages show something that changed: an item's page
/// shows each audit's answer to it, so an audit of `changed` renders again only the pages of
/// the items whose answer or scored result changed.
fn changed_items(
    old: &Prepared,
    new: &Prepared,
    changed: &HashSet<(String, String)>,
) -> HashSet<(String, String)> {
    fn results(p: &Prepared) -> HashMap<(&str, &str), &AuditResult> {
        (p.results.iter())
            .map(|r| ((r.round.as_str(), r.audit.as_str()), r))
            .collect()
    }
    let (old_results, new_results) = (results(old), results(new));
    let mut items = HashSet::new();
    let old_audits = old.model.rounds.iter().flat_map(|r| &r.audits);
    let new_audits = new.model.rounds.iter().flat_map(|r| &r.audits);
    for (a, b) in old_audits.zip(new_audits) {
        if !changed.contains(&(b.round.clone(), b.id.clone())) {
            continue;
        }
        let old_result = old_results.get(&(a.round.as_str(), a.id.as_str()));
        let new_result = new_results.get(&(b.round.as_str(), b.id.as_str()));
        let checklist = new.model.checklist_of(b);
        for (i, (_, item)) in checklist.items().enumerate() {
            let same = a.language == b.language
                && a.answer(i) == b.answer(i)
                && old_result.map(|r| r.items.get(i)) == new_result.map(|r| r.items.get(i));
            if !same {
                items.insert((b.checklist.clone(), item.id.clone()));
            }
        }
    }
    items
}

/// Whether two models differ at most in what audits answer: the same configuration,
/// checklists, metrics, snapshots, source pages, strings and exemptions; the same rounds with the same audits, each
/// on the same checklist version, subject and date.
fn same_except_audits(old: &Model, new: &Model) -> bool {
    old.config == new.config
        && old.checklists == new.checklists
        && old.metrics == new.metrics
        && old.snapshots == new.snapshots
        && old.sources == new.sources
        && old.i18n == new.i18n
        && old.exemptions == new.exemptions
        && old.rounds.len() == new.rounds.len()
        && old
            .rounds
            .iter()
            .zip(&new.rounds)
            .all(|(a, b)| same_round(a, b))
}

fn same_round(a: &Round, b: &Round) -> bool {
    a.id == b.id
        && a.title == b.title
        && a.date == b.date
        && a.summary == b.summary
        && a.audits.len() == b.audits.len()
        && a.audits
            .iter()
            .zip(&b.audits)
            .all(|(x, y)| same_place(x, y))
}

/// The same audit in the same place: its series, date and subject's title are what other
/// pages show of it.
fn same_place(a: &Audit, b: &Audit) -> bool {
    a.id == b.id
        && a.round == b.round
        && a.checklist == b.checklist
        && a.version == b.version
        && a.subject == b.subject
        && a.subject_title == b.subject_title
        && a.date == b.date
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workspace with one source: the hand-worked help desk of tests/it/sources.rs, without
    /// its duplicate ticket (an error).
    fn helpdesk(root: &Path) {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sources/helpdesk");
        for rel in ["sources/helpdesk.yaml", "exports/a.csv", "exports/b.csv"] {
            let dest = root.join(rel);
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            let text = std::fs::read_to_string(src.join(rel)).unwrap();
            let kept: Vec<&str> = text.lines().filter(|l| !l.contains(",T1,")).collect();
            std::fs::write(dest, kept.join("\n") + "\n").unwrap();
        }
    }

    fn rebuild(r: &mut Rebuilder, site: &mut Site) {
        let rebuilt = r
            .rebuild(site)
            .unwrap_or_else(|_| panic!("the rebuild fails"));
        rebuilt.apply(site);
    }

    #[test]
    fn an_unchanged_source_is_not_computed_again() {
        let tmp = tempfile::tempdir().unwrap();
        helpdesk(tmp.path());
        let mut r = Rebuilder::new(tmp.path());
        let mut site = Site::default();
        rebuild(&mut r, &mut site);
        assert_eq!(r.cache.computations(), 1);
        // Nothing changed, or only a file the source does not read.
        rebuild(&mut r, &mut site);
        std::fs::write(tmp.path().join("exports/notes.txt"), "not an export").unwrap();
        rebuild(&mut r, &mut site);
        assert_eq!(r.cache.computations(), 1);
        let snapshots = |r: &Rebuilder| r.last.as_ref().unwrap().model.snapshots.len();
        assert_eq!(snapshots(&r), 6);

        // A changed export: a ticket in May gives two more snapshots.
        let b = tmp.path().join("exports/b.csv");
        let mut text = std::fs::read_to_string(&b).unwrap();
        text.push_str("2026-05-04 10:00,T20,Tallinn L1,chat,ann,billing,,,,,\n");
        std::fs::write(&b, text).unwrap();
        rebuild(&mut r, &mut site);
        assert_eq!(r.cache.computations(), 2);
        assert_eq!(snapshots(&r), 8);

        // A changed source file.
        let source = tmp.path().join("sources/helpdesk.yaml");
        let text = std::fs::read_to_string(&source).unwrap();
        std::fs::write(
            &source,
            text.replace("first-response: 1h", "first-response: 2h"),
        )
        .unwrap();
        rebuild(&mut r, &mut site);
        assert_eq!(r.cache.computations(), 3);
        rebuild(&mut r, &mut site);
        assert_eq!(r.cache.computations(), 3);
    }

    #[test]
    fn a_source_page_is_rendered_again_when_only_its_ticket_links_change() {
        let tmp = tempfile::tempdir().unwrap();
        helpdesk(tmp.path());
        let mut r = Rebuilder::new(tmp.path());
        let mut site = Site::default();
        rebuild(&mut r, &mut site);
        let page = "metrics/sources/helpdesk/index.html";
        let links = |site: &Site| {
            let html = site.files.get(page).expect("the source's page");
            String::from_utf8_lossy(html).contains("href=\"https://desk.example.com/t/")
        };
        assert!(!links(&site));
        // The snapshots stay the same: only the page's figures tell the change.
        let source = tmp.path().join("sources/helpdesk.yaml");
        let text = std::fs::read_to_string(&source).unwrap();
        let text = text + "ticket-url: \"https://desk.example.com/t/{id}\"\n";
        std::fs::write(&source, text).unwrap();
        rebuild(&mut r, &mut site);
        assert!(links(&site));
    }
}

//! Loading a workspace: every file read, parsed and validated into a [`Model`], with a
//! diagnostic for every problem. One broken file never stops the others from being checked.
//!
//! Each kind of file has a reader of its own, in its own module: `config` (auditbook.yaml;
//! the definitions under its `metrics:` are read by `metric`, like the built-in ones),
//! `checklist`, `round` (round.yaml, and the rounds made of it and the audits), `audit`,
//! `snapshot`, `source` (sources/<id>.yaml, whose computed snapshots join the written
//! ones), `exemption` (exemptions/**/*.yaml) and `strings` (i18n/<lang>.yaml). A reader checks what one record says on its
//! own; whether the record had errors travels with what it read (`Read`). The checks across
//! files (duplicates, series, translations, languages, overdue actions) are in `cross`.

mod audit;
mod checklist;
mod config;
mod cross;
mod exemption;
mod metric;
mod round;
mod snapshot;
mod source;
mod strings;

pub use metric::builtin_metrics;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::decode::{Ctx, TextLanguages};
use crate::diag::{Diagnostic, Diagnostics};
use crate::metrics::{MetricDef, Snapshot};
use crate::model::{Config, Model};
use crate::source::{Loc, Sources};
use crate::text::Text;
use crate::workspace::{self, Entry, IoError, Role, Stamp};

use crate::yaml::{self, Kind, Node};
use round::KeptAudits;

/// The outcome of loading: the model when the workspace has no errors, every diagnostic,
/// and the file texts the diagnostics quote.
pub struct Loaded {
    pub model: Option<Model>,
    pub diags: Diagnostics,
    pub sources: Sources,
}

/// Parsed files kept between loads, so that `serve` parses again only the files that
/// changed: each path with the text it had, the document made from it and, once the file
/// has settled, its [`Stamp`]. A file whose stamp is unchanged is not even read again.
/// Sources' computed snapshots are kept too, by source file, with what they were computed
/// from: a source whose file and exports are unchanged is not computed again.
pub struct ParseCache {
    files: Mutex<HashMap<PathBuf, KeptFile>>,
    decoded: Mutex<Decoded>,
    computed: Mutex<HashMap<PathBuf, source::KeptComputed>>,
    computations: Mutex<u64>,
    /// Files read from disk (not taken by their stamps) so far.
    reads: std::sync::atomic::AtomicU64,
    /// How long after its last change a file's stamp is trusted.
    settle: std::time::Duration,
}

struct KeptFile {
    text: Arc<str>,
    root: Arc<Node>,
    stamp: Option<Stamp>,
}

/// Audits and snapshots decoded by the last load, for `serve`: a file whose document is the
/// one kept (the same parsed document, so the same text) is not decoded again while what
/// decoding reads besides it is unchanged too: auditbook.yaml (languages, metrics) and the
/// checklists. Only files decoded without a single diagnostic are kept, and only from a
/// load whose configuration and checklists had no errors, so that no diagnostic is lost.
#[derive(Default)]
struct Decoded {
    /// The documents of auditbook.yaml and of the checklists, in file order.
    context: Vec<Arc<Node>>,
    audits: KeptAudits,
    snapshots: HashMap<PathBuf, Kept<Snapshot>>,
}

/// A file decoded without diagnostics: its document, what it gave and its texts' languages.
#[derive(Clone)]
struct Kept<T> {
    node: Arc<Node>,
    value: T,
    texts: TextLanguages,
}

impl Decoded {
    /// Takes the kept audits and snapshots out, if they were decoded against `context` (the
    /// same documents); else none.
    fn take_for(
        &mut self,
        context: &[Arc<Node>],
    ) -> (KeptAudits, HashMap<PathBuf, Kept<Snapshot>>) {
        let kept = std::mem::take(self);
        let same = kept.context.len() == context.len()
            && (kept.context.iter().zip(context)).all(|(a, b)| Arc::ptr_eq(a, b));
        if same {
            (kept.audits, kept.snapshots)
        } else {
            Default::default()
        }
    }
}

impl Default for ParseCache {
    fn default() -> Self {
        ParseCache::settling_for(workspace::SETTLE)
    }
}

impl ParseCache {
    /// A cache that trusts a file's stamp once the file has not changed for `settle`.
    pub fn settling_for(settle: std::time::Duration) -> ParseCache {
        ParseCache {
            files: Mutex::default(),
            decoded: Mutex::default(),
            computed: Mutex::default(),
            computations: Mutex::default(),
            reads: std::sync::atomic::AtomicU64::new(0),
            settle,
        }
    }

    /// How many times a source was computed (not taken from the cache) so far.
    pub fn computations(&self) -> u64 {
        self.computations.lock().map_or(0, |n| *n)
    }

    /// How many files were read from disk so far, not taken unread by their stamps.
    pub fn reads(&self) -> u64 {
        self.reads.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The text and document of `rel` when its stamp is the one kept with them.
    fn unchanged(&self, root: &Path, rel: &Path) -> Option<(Arc<str>, Arc<Node>)> {
        let (text, node, stamp) = {
            let files = self.files.lock().ok()?;
            let kept = files.get(rel)?;
            (kept.text.clone(), kept.root.clone(), kept.stamp.clone()?)
        };
        workspace::unchanged(root, rel, &stamp).then_some((text, node))
    }
}

/// Loads and validates the workspace at `root`. Fails only when `root` itself cannot be read.
pub fn load(root: &Path) -> Result<Loaded, IoError> {
    load_cached(root, None)
}

/// [`load`], taking the documents of files whose text is unchanged from `cache` and
/// keeping the new ones there.
pub fn load_cached(root: &Path, cache: Option<&ParseCache>) -> Result<Loaded, IoError> {
    let mut diags = Diagnostics::default();
    let mut sources = Sources::default();
    let entries = workspace::discover(root, &mut diags)?;
    let mut parsed: Vec<(Entry, Arc<Node>)> = Vec::with_capacity(entries.len());
    let mut unreadable: Vec<Unreadable> = Vec::new();
    // Files are read and parsed on every core; the outcomes are then taken in discovery
    // order, so diagnostics and the model do not depend on scheduling.
    let read_all = || -> Vec<(Entry, Sources, Result<Parsed, Diagnostic>)> {
        entries
            .into_par_iter()
            .map(|entry| {
                let mut local = Sources::default();
                let kept = cache.and_then(|c| c.unchanged(root, &entry.path));
                let outcome = match kept {
                    Some((text, node)) => {
                        local.insert_shared(&entry.path, text);
                        Ok(Parsed::Kept(node))
                    }
                    None => {
                        if let Some(cache) = cache {
                            cache
                                .reads
                                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        }
                        let settle = cache.map_or(workspace::SETTLE, |c| c.settle);
                        workspace::read_text_stamped(root, &entry.path, &mut local, settle)
                            .and_then(|(text, stamp)| parse_file(&entry.path, text, stamp, cache))
                    }
                };
                (entry, local, outcome)
            })
            .collect()
    };
    let outcomes = match parse_pool() {
        Some(pool) => pool.install(read_all),
        None => read_all(),
    };
    if let Some(cache) = cache
        && let Ok(mut files) = cache.files.lock()
    {
        // Only files that are still there are kept.
        let present: HashSet<&Path> = outcomes.iter().map(|(e, ..)| e.path.as_path()).collect();
        files.retain(|p, _| present.contains(p.as_path()));
    }
    for (entry, local, outcome) in outcomes {
        sources.extend(local);
        let mut fail = |diags: &mut Diagnostics, d: Diagnostic, sources: &Sources| {
            diags.push(d);
            unreadable.push(Unreadable {
                role: entry.role,
                path: entry.path.clone(),
                text: sources.get(&entry.path).map(str::to_string),
            });
        };
        match outcome {
            Ok(Parsed::Kept(root)) => parsed.push((entry, root)),
            Ok(Parsed::New(doc)) if matches!(doc.root.kind, Kind::Null) => {
                let d = Diagnostic::error(&entry.path, Loc::default(), "empty file")
                    .with_hint("write the file's fields, or delete the file");
                fail(&mut diags, d, &sources);
            }
            Ok(Parsed::New(doc)) => {
                for e in doc.problems {
                    diags.push(
                        Diagnostic::error(&entry.path, e.loc, e.message).with_hint_opt(e.hint),
                    );
                }
                parsed.push((entry, Arc::new(doc.root)));
            }
            Err(d) => fail(&mut diags, d, &sources),
        }
    }
    let mut loader = Loader::new(&mut diags, unreadable, root);
    loader.cache = cache;
    let model = loader.run(parsed);
    let model = if diags.has_errors() { None } else { model };
    diags.sort();
    Ok(Loaded {
        model,
        diags,
        sources,
    })
}

/// Stack of each thread that parses files: the YAML parser recurses once per level of
/// nesting, and a file nested to the limit ([`yaml::limits::MAX_DEPTH`]) needs more than the
/// 2 MiB threads get by default (it overflowed them in a debug build, now and then, when a
/// thread took that file while deep in other work).
const PARSE_STACK_BYTES: usize = 16 * 1024 * 1024;

/// The threads that read and parse files, with room for the deepest file allowed; `None`
/// if they cannot be started, and then files are parsed on the default threads.
fn parse_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .stack_size(PARSE_STACK_BYTES)
            .thread_name(|i| format!("auditbook-parse-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// A file's document: parsed now, or unchanged since it was kept in the cache.
enum Parsed {
    New(yaml::Document),
    Kept(Arc<Node>),
}

/// The document of `text`, the file `path` just read: the kept one when the text is the
/// same, else parsed (and kept, with `stamp`, when it has no problems).
fn parse_file(
    path: &Path,
    text: Arc<str>,
    stamp: Option<Stamp>,
    cache: Option<&ParseCache>,
) -> Result<Parsed, Diagnostic> {
    if let Some(cache) = cache
        && let Ok(mut files) = cache.files.lock()
        && let Some(kept) = files.get_mut(path)
        && kept.text == text
    {
        // A file read again because it had not settled may have settled since.
        kept.stamp = stamp;
        return Ok(Parsed::Kept(kept.root.clone()));
    }
    let doc = yaml::parse_document(&text)
        .map_err(|e| Diagnostic::error(path, e.loc, e.message).with_hint_opt(e.hint))?;
    // Only documents without problems are kept: the others must be reported again.
    if let Some(cache) = cache
        && doc.problems.is_empty()
        && !matches!(doc.root.kind, Kind::Null)
    {
        let root = Arc::new(doc.root);
        if let Ok(mut files) = cache.files.lock() {
            files.insert(
                path.to_path_buf(),
                KeptFile {
                    text,
                    root: root.clone(),
                    stamp,
                },
            );
        }
        return Ok(Parsed::Kept(root));
    }
    Ok(Parsed::New(doc))
}

/// A file that could not be read or parsed: already reported, and kept so that what it
/// may have defined is not reported again as missing from the files that use it.
struct Unreadable {
    role: Role,
    path: PathBuf,
    text: Option<String>,
}

impl Unreadable {
    /// Whether the file may be the one that defines `id`: named after it, or mentioning it.
    fn may_define(&self, role: Role, id: &str) -> bool {
        self.role == role
            && (stem(&self.path) == id || self.text.as_deref().is_some_and(|t| t.contains(id)))
    }
}

/// What files with errors may have defined: not reported again as missing from the files
/// that use it, since the fix is in the broken file.
#[derive(Default)]
struct Doubts {
    /// Metric ids whose definition in auditbook.yaml has errors; `None` when auditbook.yaml
    /// could not be read as a whole, so any metric may have been defined there.
    metrics: HashSet<Option<String>>,
    /// Checklists with errors, by id and version (`None` where the version is unreadable).
    checklists: HashSet<(String, Option<u32>)>,
    unreadable: Vec<Unreadable>,
}

impl Doubts {
    /// Whether a metric id unknown to the model may be one whose definition has errors.
    fn metric(&self, id: &str) -> bool {
        self.metrics.contains(&None) || self.metrics.contains(&Some(id.to_string()))
    }

    /// Whether version `version` of checklist `id` (`None`: the current one, `current`
    /// among those read) may be defined by a file with errors.
    fn checklist(&self, id: &str, version: Option<u32>, current: Option<u32>) -> bool {
        let broken = self.checklists.iter().any(|(i, v)| {
            i == id
                && match (v, version) {
                    (None, _) => true,
                    (Some(v), Some(want)) => *v == want,
                    (Some(v), None) => current.is_none_or(|c| *v > c),
                }
        });
        broken
            || self
                .unreadable
                .iter()
                .any(|u| u.may_define(Role::Checklist, id))
    }

    /// Whether this exact checklist version was read with errors, so may lack items.
    fn incomplete(&self, id: &str, version: u32) -> bool {
        self.checklists.contains(&(id.to_string(), Some(version)))
    }
}

/// What a reader made of one record (a file, or a metric definition): the value, when one
/// could be made, and whether the record had errors, which are already reported. A record
/// with errors may still give a value, so that what depends on it is checked too; the
/// model is then not built.
struct Read<T> {
    value: Option<T>,
    clean: bool,
}

/// Runs `read` on a record of file `path` with diagnostics of its own, so that whether the
/// record had errors is known from its own diagnostics; then adds them to `diags`.
fn read_record<T>(
    diags: &mut Diagnostics,
    texts: &mut TextLanguages,
    path: &Path,
    read: impl FnOnce(&mut Ctx) -> Option<T>,
) -> Read<T> {
    let mut own = Diagnostics::default();
    let value = read(&mut Ctx::with_texts(path, &mut own, texts));
    let clean = !own.has_errors();
    diags.extend(own);
    Read { value, clean }
}

/// A context for reading `path` that records the languages of its texts in `texts`.
fn file_ctx<'a>(
    diags: &'a mut Diagnostics,
    texts: &'a mut BTreeMap<PathBuf, TextLanguages>,
    path: &'a Path,
) -> Ctx<'a> {
    Ctx::with_texts(path, diags, texts.entry(path.to_path_buf()).or_default())
}

fn stem(path: &Path) -> &str {
    path.file_stem().and_then(|s| s.to_str()).unwrap_or("")
}

/// One load: what has been read so far that later files are checked against (the site's
/// languages, the metrics, what broken files may have defined), and where diagnostics go.
struct Loader<'d> {
    diags: &'d mut Diagnostics,
    /// The workspace folder, for the settings that name places in it.
    root: &'d Path,
    /// Site languages; the first is the default.
    languages: Vec<String>,
    /// False when auditbook.yaml is broken where it names the languages: checks that
    /// compare texts with the site's languages are skipped rather than run against a guess.
    languages_known: bool,
    metrics: Vec<MetricDef>,
    /// Where each metric is in `metrics`, by id.
    metric_index: HashMap<String, usize>,
    doubts: Doubts,
    /// The languages of each file's texts, to compare with the site's once all are read.
    texts: BTreeMap<PathBuf, TextLanguages>,
    /// Where each site language is named in auditbook.yaml.
    language_locs: HashMap<String, Loc>,
    /// What earlier loads computed from sources, for `serve`.
    cache: Option<&'d ParseCache>,
}

impl<'d> Loader<'d> {
    fn new(diags: &'d mut Diagnostics, unreadable: Vec<Unreadable>, root: &'d Path) -> Self {
        let config_unreadable = unreadable.iter().any(|u| u.role == Role::Config);
        let mut doubts = Doubts {
            unreadable,
            ..Doubts::default()
        };
        if config_unreadable {
            doubts.metrics.insert(None);
        }
        Loader {
            diags,
            root,
            languages: vec!["en".to_string()],
            languages_known: !config_unreadable,
            metrics: Vec::new(),
            metric_index: HashMap::new(),
            doubts,
            texts: BTreeMap::new(),
            language_locs: HashMap::new(),
            cache: None,
        }
    }

    fn ctx<'a>(&'a mut self, file: &'a Path) -> Ctx<'a> {
        file_ctx(self.diags, &mut self.texts, file)
    }

    fn default_language(&self) -> String {
        self.languages[0].clone()
    }

    /// Reads each of `files` with `read` on every core, each with diagnostics and text
    /// languages of its own, then takes them in file order: nothing depends on scheduling.
    ///
    /// For `serve`, `kept` holds what the last load decoded (none when it cannot be reused):
    /// a file whose document is the one kept gives that again (`taken`), without being
    /// decoded. Returns, beside the outcomes, what to keep for the next load: the files taken,
    /// and those decoded now without a diagnostic, as `keep` copies them.
    fn read_each_kept<F: Sync, T: Clone + Send + Sync, O: Send>(
        &mut self,
        files: &[F],
        file: impl Fn(&F) -> (&Path, &Arc<Node>) + Sync,
        mut kept: Option<HashMap<PathBuf, Kept<T>>>,
        read: impl Fn(&Self, &mut Diagnostics, &mut TextLanguages, &F) -> O + Sync,
        taken: impl Fn(T) -> O + Sync,
        keep: impl Fn(&O) -> Option<T>,
    ) -> (Vec<O>, HashMap<PathBuf, Kept<T>>) {
        let this = &*self;
        let before = kept.as_ref();
        let outcomes: Vec<(Diagnostics, TextLanguages, O, bool)> = files
            .par_iter()
            .map(|f| {
                let (path, node) = file(f);
                if let Some(k) = before.and_then(|k| k.get(path))
                    && Arc::ptr_eq(&k.node, node)
                {
                    let out = taken(k.value.clone());
                    return (Diagnostics::default(), k.texts.clone(), out, false);
                }
                let mut diags = Diagnostics::default();
                let mut texts = TextLanguages::default();
                let out = read(this, &mut diags, &mut texts, f);
                (diags, texts, out, true)
            })
            .collect();
        let mut next = HashMap::new();
        let outs = files
            .iter()
            .zip(outcomes)
            .map(|(f, (diags, texts, out, fresh))| {
                let (path, node) = file(f);
                if let Some(kept) = kept.as_mut() {
                    let entry = if fresh {
                        diags
                            .is_empty()
                            .then(|| keep(&out))
                            .flatten()
                            .map(|value| Kept {
                                node: node.clone(),
                                value,
                                texts: texts.clone(),
                            })
                    } else {
                        kept.remove(path)
                    };
                    if let Some(entry) = entry {
                        next.insert(path.to_path_buf(), entry);
                    }
                }
                self.diags.extend(diags);
                self.texts.insert(path.to_path_buf(), texts);
                out
            })
            .collect();
        (outs, next)
    }

    /// Whether what was read before the audits and snapshots (auditbook.yaml, the
    /// checklists) has no problem that decoding them could depend on.
    fn context_is_sound(&self) -> bool {
        !self.diags.has_errors()
            && self.languages_known
            && self.doubts.unreadable.is_empty()
            && self.doubts.metrics.is_empty()
            && self.doubts.checklists.is_empty()
    }

    fn run(&mut self, parsed: Vec<(Entry, Arc<Node>)>) -> Option<Model> {
        let mut by_role: BTreeMap<Role, Vec<(PathBuf, Arc<Node>)>> = BTreeMap::new();
        for (entry, node) in parsed {
            by_role
                .entry(entry.role)
                .or_default()
                .push((entry.path, node));
        }
        let mut take = |role| by_role.remove(&role).unwrap_or_default();
        let (config_files, checklist_files, round_files, audit_files, snapshot_files, string_files) = (
            take(Role::Config),
            take(Role::Checklist),
            take(Role::Round),
            take(Role::Audit),
            take(Role::Snapshot),
            take(Role::Strings),
        );
        let source_files = take(Role::Source);
        let exemption_files = take(Role::Exemption);

        self.metrics = builtin_metrics();
        self.metric_index = (self.metrics.iter().enumerate())
            .map(|(i, m)| (m.id.clone(), i))
            .collect();
        let config = match config_files.first() {
            Some((path, node)) => self.config(path, node),
            None => Some(Config {
                title: Text::plain("Audits", "en"),
                languages: self.languages.clone(),
                base_url: None,
                output: PathBuf::from("site"),
                gates: crate::model::Gates::default(),
                public: crate::public::Hide::default(),
                left_out: crate::public::Hide::NONE,
            }),
        };

        // What audits and snapshots are decoded with, besides their own files.
        let context: Vec<Arc<Node>> = (config_files.iter().chain(&checklist_files))
            .map(|(_, node)| node.clone())
            .collect();
        let read = self.checklists(checklist_files);
        let checklists = self.distinct_checklists(read);
        // Kept decodings are used, and kept again, only after a load without doubts: after
        // any other, none is kept.
        let sound = self.context_is_sound();
        let (kept_audits, kept_snapshots) = match self.cache.map(|c| c.decoded.lock()) {
            Some(Ok(mut kept)) if sound => {
                let (audits, snapshots) = kept.take_for(&context);
                (Some(audits), Some(snapshots))
            }
            Some(Ok(mut kept)) => {
                *kept = Decoded::default();
                (None, None)
            }
            _ => (None, None),
        };
        let (rounds, sites, keep_audits) =
            self.rounds(round_files, audit_files, &checklists, kept_audits);
        let (snapshots, keep_snapshots) = self.read_each_kept(
            &snapshot_files,
            |(path, node)| (path, node),
            kept_snapshots,
            |this, diags, texts, (path, node)| this.snapshot(diags, texts, path, node),
            Some,
            Option::clone,
        );
        if let Some(cache) = self.cache
            && sound
            && let Ok(mut kept) = cache.decoded.lock()
        {
            *kept = Decoded {
                context,
                audits: keep_audits,
                snapshots: keep_snapshots,
            };
        }
        let mut snapshots: Vec<Snapshot> = snapshots.into_iter().flatten().collect();
        let (computed, source_pages) = self.sources(source_files, &snapshots, self.cache);
        snapshots.extend(computed);
        let i18n = self.strings(string_files);
        let exemptions = self.exemptions(exemption_files);
        self.report_foreign_languages();
        self.report_interface_languages(&i18n);
        self.report_unpublished_strings(&i18n);
        let i18n = (i18n.into_iter())
            .map(|(lang, (_, strings))| (lang, strings))
            .collect();

        let config = config?;
        let mut model = Model::new(
            config,
            checklists,
            rounds,
            std::mem::take(&mut self.metrics),
            snapshots,
            i18n,
        );
        model.sources = source_pages;
        let (exemptions, exemption_sites): (Vec<_>, Vec<_>) = exemptions.into_iter().unzip();
        model.exemptions = exemptions;
        self.after_model(&model, &sites);
        self.check_exemptions(&model, &exemption_sites);
        Some(model)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// A copy of the minimal fixture, with the path of its one audit.
    fn minimal() -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().expect("a temporary folder");
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal");
        for entry in walkdir::WalkDir::new(&from) {
            let entry = entry.expect("the fixture is readable");
            let to = tmp
                .path()
                .join(entry.path().strip_prefix(&from).expect("inside"));
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).expect("a folder");
            } else {
                std::fs::copy(entry.path(), &to).expect("a copy");
            }
        }
        let audit = tmp.path().join("audits/2026-q3/eu.yaml");
        (tmp, audit)
    }

    fn answer(cache: &ParseCache, root: &Path) -> String {
        let loaded = load_cached(root, Some(cache)).expect("the folder is readable");
        let model = loaded.model.expect("the workspace is valid");
        format!("{:?}", model.rounds[0].audits[0].answers)
    }

    /// Writes `text` (the audit as the fixture has it) to `audit` with its first answer
    /// `level` instead of 3.
    fn answer_with(audit: &Path, text: &str, level: &str) {
        let edited = text.replace("assess-quality: 3", &format!("assess-quality: {level}"));
        assert_ne!(edited, text);
        std::fs::write(audit, edited).expect("written");
    }

    #[test]
    fn a_settled_file_whose_stamp_is_unchanged_is_not_read_again() {
        let (tmp, _) = minimal();
        let cache = ParseCache::settling_for(Duration::ZERO);
        let first = answer(&cache, tmp.path());
        let read = cache.reads();
        assert!(read >= 4, "every file is read once: {read}");
        assert_eq!(answer(&cache, tmp.path()), first);
        assert_eq!(cache.reads(), read, "nothing was read again");
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_read_again() {
        let (tmp, audit) = minimal();
        let cache = ParseCache::settling_for(Duration::ZERO);
        let first = answer(&cache, tmp.path());
        let read = cache.reads();
        let text = std::fs::read_to_string(&audit).expect("the audit");
        answer_with(&audit, &text, "2 ");
        let second = answer(&cache, tmp.path());
        assert_ne!(second, first);
        assert_eq!(cache.reads(), read + 1, "only the changed file is read");

        // The same length, and the modification time set back: the change time still moves
        // (once the clock has ticked), and the file is read again.
        std::thread::sleep(Duration::from_millis(50));
        let modified = std::fs::metadata(&audit)
            .and_then(|m| m.modified())
            .expect("a time");
        answer_with(&audit, &text, "1 ");
        let file = std::fs::File::options()
            .write(true)
            .open(&audit)
            .expect("opened");
        file.set_modified(modified).expect("time set");
        let third = answer(&cache, tmp.path());
        assert_ne!(third, second, "the new answer is read");
    }

    /// The messages of a load's diagnostics.
    fn messages(cache: &ParseCache, root: &Path) -> Vec<String> {
        let loaded = load_cached(root, Some(cache)).expect("the folder is readable");
        loaded.diags.iter().map(|d| d.message.clone()).collect()
    }

    #[test]
    fn an_audit_is_decoded_again_when_its_checklist_changes() {
        // The audit file is the same document, but what it answers is no longer there.
        let (tmp, _) = minimal();
        let cache = ParseCache::settling_for(Duration::ZERO);
        assert_eq!(messages(&cache, tmp.path()), Vec::<String>::new());
        assert_eq!(messages(&cache, tmp.path()), Vec::<String>::new());
        let checklist = tmp.path().join("checklists/customer-service.yaml");
        let text = std::fs::read_to_string(&checklist).expect("the checklist");
        let without = text.replace(
            "      - id: compare-goals\n        title: Compare goals\n",
            "",
        );
        assert_ne!(without, text);
        std::fs::write(&checklist, without).expect("written");
        let found = messages(&cache, tmp.path());
        assert!(
            found.iter().any(|m| m.contains("compare-goals")),
            "the audit's answer to the removed item is reported: {found:?}"
        );
        std::fs::write(&checklist, text).expect("written");
        assert_eq!(messages(&cache, tmp.path()), Vec::<String>::new());
    }

    #[test]
    fn an_audit_with_a_warning_reports_it_at_every_load() {
        // Only files decoded without any diagnostic are kept: a warning is never lost.
        let (tmp, audit) = minimal();
        let text = std::fs::read_to_string(&audit).expect("the audit");
        std::fs::write(&audit, text.replace("version: 1\n", "")).expect("written");
        let cache = ParseCache::settling_for(Duration::ZERO);
        for _ in 0..3 {
            let found = messages(&cache, tmp.path());
            assert!(
                found
                    .iter()
                    .any(|m| m.contains("unpinned checklist version")),
                "{found:?}"
            );
        }
    }

    #[test]
    fn a_file_that_changed_just_before_it_was_read_is_read_each_time() {
        // Its stamp could stay the same through another write within the same clock tick,
        // so it is not trusted until the file has settled.
        let (tmp, audit) = minimal();
        let cache = ParseCache::settling_for(Duration::from_secs(3600));
        let first = answer(&cache, tmp.path());
        let read = cache.reads();
        let text = std::fs::read_to_string(&audit).expect("the audit");
        // Same length, at once: nothing of the stamp needs to differ.
        answer_with(&audit, &text, "1");
        assert_ne!(answer(&cache, tmp.path()), first);
        assert_eq!(cache.reads(), 2 * read, "every file is read again");
    }
}

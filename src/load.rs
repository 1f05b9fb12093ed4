//! Loading a workspace: every file read, parsed and validated into a [`Model`], with a
//! diagnostic for every problem. One broken file never stops the others from being checked.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::decode::{self, Ctx, Fields, TextLanguages};
use crate::diag::{Diagnostic, Diagnostics};
use crate::metrics::{self, Better, MetricDef, Snapshot, Unit};
use crate::model::{
    Action, Answer, Audit, Checklist, Config, Item, Level, Model, Round, Scale, Score, Section,
};
use crate::source::{Loc, Sources};
use crate::text::Text;
use crate::workspace::{self, Entry, IoError, Role};
use crate::yaml::{self, Kind, Node};

/// The outcome of loading: the model when the workspace has no errors, every diagnostic,
/// and the file texts the diagnostics quote.
pub struct Loaded {
    pub model: Option<Model>,
    pub diags: Diagnostics,
    pub sources: Sources,
}

/// Parsed files kept between loads, so that `serve` parses again only the files that
/// changed: each path with the text it had and the document made from it.
#[derive(Default)]
pub struct ParseCache {
    files: Mutex<HashMap<PathBuf, (String, Arc<Node>)>>,
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
    let outcomes: Vec<(Entry, Sources, Result<Parsed, Diagnostic>)> = entries
        .into_par_iter()
        .map(|entry| {
            let mut local = Sources::default();
            let outcome = workspace::read_text(root, &entry.path, &mut local)
                .and_then(|text| parse_file(&entry.path, &text, cache));
            (entry, local, outcome)
        })
        .collect();
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
    let mut loader = Loader::new(&mut diags, unreadable);
    let model = loader.run(parsed);
    let model = if diags.has_errors() { None } else { model };
    diags.sort();
    Ok(Loaded {
        model,
        diags,
        sources,
    })
}

/// A file's document: parsed now, or unchanged since it was kept in the cache.
enum Parsed {
    New(yaml::Document),
    Kept(Arc<Node>),
}

fn parse_file(path: &Path, text: &str, cache: Option<&ParseCache>) -> Result<Parsed, Diagnostic> {
    if let Some(cache) = cache
        && let Ok(files) = cache.files.lock()
        && let Some((kept_text, root)) = files.get(path)
        && kept_text == text
    {
        return Ok(Parsed::Kept(root.clone()));
    }
    let doc = yaml::parse_document(text)
        .map_err(|e| Diagnostic::error(path, e.loc, e.message).with_hint_opt(e.hint))?;
    // Only documents without problems are kept: the others must be reported again.
    if let Some(cache) = cache
        && doc.problems.is_empty()
        && !matches!(doc.root.kind, Kind::Null)
    {
        let root = Arc::new(doc.root);
        if let Ok(mut files) = cache.files.lock() {
            files.insert(path.to_path_buf(), (text.to_string(), root.clone()));
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

/// Checklists by id and version, and the newest version of each id.
struct ChecklistIndex<'c> {
    versions: HashMap<(&'c str, u32), &'c Checklist>,
    current: HashMap<&'c str, &'c Checklist>,
}

impl<'c> ChecklistIndex<'c> {
    fn new(checklists: &'c [Checklist]) -> Self {
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

struct Loader<'d> {
    diags: &'d mut Diagnostics,
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
}

/// An audit's place in its round's series: `(subject, checklist)` is unique within a round.
struct SeriesKey {
    subject: Option<String>,
    checklist: String,
    file: PathBuf,
    /// Where the subject is written, or the audit's start without one.
    loc: Loc,
}

/// The round folder a path under audits/ is in.
fn round_of(path: &Path) -> Option<&str> {
    path.parent()?.file_name()?.to_str()
}

/// What the loader keeps of an audit besides the model: positions for later checks.
struct AuditSite {
    version_loc: Option<Loc>,
    dues: Vec<(NaiveDate, Loc)>,
}

impl<'d> Loader<'d> {
    fn new(diags: &'d mut Diagnostics, unreadable: Vec<Unreadable>) -> Self {
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
            languages: vec!["en".to_string()],
            languages_known: !config_unreadable,
            metrics: Vec::new(),
            metric_index: HashMap::new(),
            doubts,
            texts: BTreeMap::new(),
            language_locs: HashMap::new(),
        }
    }

    fn errors(&self) -> usize {
        self.diags.count(crate::diag::Severity::Error)
    }

    fn ctx<'a>(&'a mut self, file: &'a Path) -> Ctx<'a> {
        file_ctx(self.diags, &mut self.texts, file)
    }

    fn default_language(&self) -> String {
        self.languages[0].clone()
    }

    /// Reads each of `files` with `read` on every core, each with diagnostics and text
    /// languages of its own, then takes them in file order: nothing depends on scheduling.
    fn read_each<F: Sync, T: Send>(
        &mut self,
        files: &[F],
        path: impl Fn(&F) -> &Path,
        read: impl Fn(&Self, &mut Diagnostics, &mut TextLanguages, &F) -> T + Sync,
    ) -> Vec<T> {
        let this = &*self;
        let outcomes: Vec<(Diagnostics, TextLanguages, T)> = files
            .par_iter()
            .map(|file| {
                let mut diags = Diagnostics::default();
                let mut texts = TextLanguages::default();
                let out = read(this, &mut diags, &mut texts, file);
                (diags, texts, out)
            })
            .collect();
        files
            .iter()
            .zip(outcomes)
            .map(|(file, (diags, texts, out))| {
                self.diags.extend(diags);
                self.texts.insert(path(file).to_path_buf(), texts);
                out
            })
            .collect()
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
            }),
        };

        let checklists = self.checklists(checklist_files);
        let rounds = self.rounds(round_files, audit_files, &checklists);
        let snapshots: Vec<Snapshot> = self
            .read_each(
                &snapshot_files,
                |(path, _)| path,
                |this, diags, texts, (path, node)| this.snapshot(diags, texts, path, node),
            )
            .into_iter()
            .flatten()
            .collect();
        let i18n = self.strings(string_files);
        self.report_foreign_languages();
        self.report_interface_languages(&i18n);

        let config = config?;
        let (rounds, sites) = rounds;
        let model = Model::new(
            config,
            checklists,
            rounds,
            std::mem::take(&mut self.metrics),
            snapshots,
            i18n,
        );
        self.after_model(&model, &sites);
        Some(model)
    }

    // ----- auditbook.yaml -------------------------------------------------------------

    fn config(&mut self, path: &Path, node: &Node) -> Option<Config> {
        let mut ctx = self.ctx(path);
        let Some(f) = decode::fields(
            &mut ctx,
            node,
            &["title", "languages", "base_url", "output", "metrics"],
            "auditbook.yaml",
        ) else {
            self.languages_known = false;
            self.doubts.metrics.insert(None);
            return None;
        };
        let before = self.errors();
        let mut ctx = self.ctx(path);
        let mut languages = Vec::new();
        let mut locs = Vec::new();
        if let Some(list) = f
            .get("languages")
            .and_then(|n| decode::list(&mut ctx, n, "languages"))
        {
            for n in list {
                let Some(lang) = decode::language(&mut ctx, n, "languages") else {
                    continue;
                };
                if languages.contains(&lang) {
                    ctx.error(n.loc, format!("language '{lang}' is listed twice"));
                } else {
                    locs.push((lang.clone(), n.loc));
                    languages.push(lang);
                }
            }
            if list.is_empty() {
                ctx.error_hint(
                    f.key_loc("languages"),
                    "no site languages",
                    "list at least one, for example `languages: [en]`",
                );
            }
        }
        if !languages.is_empty() {
            self.languages = languages;
        }
        self.language_locs.extend(locs);
        if self.errors() > before || f.misspelt("languages") {
            self.languages_known = false;
        }
        let default = self.default_language();
        let mut ctx = self.ctx(path);
        let title = f
            .get("title")
            .and_then(|n| decode::text(&mut ctx, n, "title", &default))
            .unwrap_or_else(|| Text::plain("Audits", &default));
        let base_url = f.get("base_url").and_then(|n| {
            let url = decode::string(&mut ctx, n, "base_url")?;
            if url.starts_with("https://") || url.starts_with("http://") {
                Some(url)
            } else {
                ctx.error_hint(
                    n.loc,
                    format!("invalid base_url '{url}'"),
                    "write an absolute http or https address, such as https://audits.example.com/",
                );
                None
            }
        });
        let output = match f.get("output") {
            Some(n) => decode::string(&mut ctx, n, "output").and_then(|s| {
                if s.trim().is_empty() {
                    ctx.error(n.loc, "'output' is empty");
                    return None;
                }
                Some(PathBuf::from(s))
            }),
            None => Some(PathBuf::from("site")),
        };
        match f.get("metrics").map(|n| (n, &n.kind)) {
            Some((_, Kind::Seq(list))) => {
                for n in list {
                    let before = self.errors();
                    self.metric_override(path, n);
                    if self.errors() > before {
                        // Without a valid id, the definition may have been of any metric.
                        let id = n
                            .as_map()
                            .and_then(|m| m.iter().find(|(k, _)| k.as_str() == Some("id")))
                            .and_then(|(_, v)| v.scalar_text())
                            .filter(|id| decode::is_id(id));
                        self.doubts.metrics.insert(id);
                    }
                }
            }
            Some((n, _)) => {
                decode::list(&mut self.ctx(path), n, "metrics");
                self.doubts.metrics.insert(None);
            }
            // Under a misspelt `metrics:`, any metric may have been meant to be defined.
            None if f.misspelt("metrics") => {
                self.doubts.metrics.insert(None);
            }
            None => {}
        }
        Some(Config {
            title,
            languages: self.languages.clone(),
            base_url,
            output: output?,
        })
    }

    fn metric_override(&mut self, path: &Path, node: &Node) {
        let default = self.default_language();
        let mut ctx = file_ctx(self.diags, &mut self.texts, path);
        let Some(f) = decode::fields(
            &mut ctx,
            node,
            &[
                "id",
                "title",
                "unit",
                "better",
                "target",
                "warn",
                "description",
            ],
            "a metric",
        ) else {
            return;
        };
        let Some(id) = f
            .require(&mut ctx, "id")
            .and_then(|n| decode::id(&mut ctx, n, "id", "metric id"))
        else {
            return;
        };
        let existing = self.metric_index.get(&id).copied();
        let unit = f.get("unit").and_then(|n| {
            let s = decode::string(&mut ctx, n, "unit")?;
            let unit = Unit::parse(&s);
            if unit.is_none() {
                const UNITS: [&str; 4] = ["percent", "score", "duration", "count"];
                let hint = match ctx.suggest(&s, UNITS) {
                    Some(near) => format!("did you mean '{near}'?"),
                    None => "units are percent, score, duration and count".to_string(),
                };
                ctx.error_hint(n.loc, format!("unknown unit '{s}'"), hint);
            }
            unit
        });
        let mut def = match existing {
            Some(i) => {
                let def = self.metrics[i].clone();
                if let (Some(u), Some(n)) = (unit, f.get("unit"))
                    && u != def.unit
                {
                    ctx.error_hint(
                        n.loc,
                        format!("the unit of built-in metric '{id}' cannot change"),
                        "define a new metric with its own id instead",
                    );
                }
                def
            }
            None => {
                let Some(unit) = unit else {
                    if f.get("unit").is_none() {
                        let hint =
                            match ctx.suggest(&id, self.metrics.iter().map(|m| m.id.as_str())) {
                                Some(near) => format!(
                                    "did you mean the built-in '{near}'? A new metric needs `unit:`"
                                ),
                                None => {
                                    "a new metric needs `unit:` (percent, score, duration or count)"
                                        .into()
                                }
                            };
                        ctx.error_hint(f.loc(), format!("new metric '{id}' has no unit"), hint);
                    }
                    return;
                };
                MetricDef {
                    id: id.clone(),
                    title: Text::plain(id.clone(), &default),
                    unit,
                    better: Better::Higher,
                    target: None,
                    warn: None,
                    description: None,
                }
            }
        };
        if let Some(t) = f
            .get("title")
            .and_then(|n| decode::text(&mut ctx, n, "title", &default))
        {
            def.title = t;
        }
        if let Some(d) = f
            .get("description")
            .and_then(|n| decode::text(&mut ctx, n, "description", &default))
        {
            def.description = Some(d);
        }
        if let Some(n) = f.get("better") {
            match decode::string(&mut ctx, n, "better").as_deref() {
                Some("higher") => def.better = Better::Higher,
                Some("lower") => def.better = Better::Lower,
                Some(other) => ctx.error_hint(
                    n.loc,
                    format!("invalid 'better' value '{other}'"),
                    "write `better: higher` or `better: lower`",
                ),
                None => {}
            }
        }
        if let Some(n) = f.get("target") {
            def.target = metrics::read_level(&mut ctx, n, "target", def.unit);
        }
        if let Some(n) = f.get("warn") {
            def.warn = metrics::read_level(&mut ctx, n, "warn", def.unit);
            if let (Some(w), Some(t)) = (def.warn, def.target) {
                let wrong_side = match def.better {
                    Better::Higher => w > t,
                    Better::Lower => w < t,
                };
                if wrong_side {
                    let side = if def.better == Better::Higher {
                        "below"
                    } else {
                        "above"
                    };
                    ctx.error_hint(
                        n.loc,
                        format!("'warn' of '{id}' is beyond its target"),
                        format!("'warn' marks the at-risk zone, so it lies {side} the target"),
                    );
                }
            }
        }
        match existing {
            Some(i) => self.metrics[i] = def,
            None => {
                self.metric_index.insert(def.id.clone(), self.metrics.len());
                self.metrics.push(def);
            }
        }
    }

    // ----- checklists -------------------------------------------------------------------

    fn checklists(&mut self, files: Vec<(PathBuf, Arc<Node>)>) -> Vec<Checklist> {
        let mut out: Vec<Checklist> = Vec::new();
        let mut seen: HashMap<(String, u32), PathBuf> = HashMap::new();
        for (path, node) in &files {
            let before = self.errors();
            let read = self.checklist(path, node);
            let complete = self.errors() == before;
            if !complete {
                let field = |name: &str| {
                    node.as_map()
                        .and_then(|m| m.iter().find(|(k, _)| k.as_str() == Some(name)))
                        .map(|(_, v)| v)
                };
                if let Some(id) = field("id").and_then(Node::scalar_text) {
                    let version = match field("version").map(|v| &v.kind) {
                        None => Some(1),
                        Some(Kind::Int(v)) => u32::try_from(*v).ok(),
                        Some(_) => None,
                    };
                    self.doubts.checklists.insert((id, version));
                }
            }
            let Some((checklist, id_loc)) = read else {
                continue;
            };
            let key = (checklist.id.clone(), checklist.version);
            if let Some(first) = seen.get(&key) {
                self.diags.push(
                    Diagnostic::error(
                        path,
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
            seen.insert(key, path.clone());
            // Counting the texts of a checklist with errors would count what is missing.
            if complete && self.languages_known {
                self.check_translations(&checklist, id_loc);
            }
            out.push(checklist);
        }
        out
    }

    fn checklist(&mut self, path: &Path, node: &Node) -> Option<(Checklist, Loc)> {
        let default = self.default_language();
        let mut ctx = file_ctx(self.diags, &mut self.texts, path);
        let f = decode::fields(
            &mut ctx,
            node,
            &[
                "id",
                "version",
                "language",
                "title",
                "description",
                "scale",
                "target",
                "sections",
            ],
            "a checklist",
        )?;
        let id_node = f.require(&mut ctx, "id");
        let id = id_node.and_then(|n| decode::id(&mut ctx, n, "id", "checklist id"));
        let version = match f.get("version") {
            Some(n) => decode::positive_int(&mut ctx, n, "version"),
            None => Some(1),
        };
        let language = match f.get("language") {
            Some(n) => decode::language(&mut ctx, n, "language").unwrap_or_else(|| default.clone()),
            None => default.clone(),
        };
        let title = f
            .require(&mut ctx, "title")
            .and_then(|n| decode::text(&mut ctx, n, "title", &language));
        let description = f
            .get("description")
            .and_then(|n| decode::text(&mut ctx, n, "description", &language));
        let scale = match f.get("scale") {
            Some(n) => read_scale(&mut ctx, n, &language),
            None => Scale::builtin("maturity"),
        };
        let target = match (&scale, f.get("target")) {
            (Some(scale), Some(n)) => read_target(&mut ctx, n, scale),
            _ => None,
        };
        let mut sections = Vec::new();
        let mut section_ids: HashMap<String, Loc> = HashMap::new();
        let mut item_ids: HashMap<String, Loc> = HashMap::new();
        if let Some(list) = f
            .require(&mut ctx, "sections")
            .and_then(|n| decode::list(&mut ctx, n, "sections"))
        {
            if list.is_empty() {
                ctx.error_hint(
                    f.key_loc("sections"),
                    "a checklist needs at least one section",
                    "add a section with `id`, `title` and `items`",
                );
            }
            for n in list {
                let reader = SectionReader {
                    language: &language,
                    scale: scale.as_ref(),
                    metric_ids: &self.metric_index,
                    doubts: &self.doubts,
                };
                if let Some(s) = reader.section(&mut ctx, n, &mut section_ids, &mut item_ids) {
                    sections.push(s);
                }
            }
        }
        let checklist = Checklist {
            id: id?,
            version: version?,
            file: path.to_path_buf(),
            language,
            title: title?,
            description,
            scale: scale?,
            target,
            sections,
        };
        let id_loc = id_node.map_or(f.loc(), |n| n.loc);
        Some((checklist, id_loc))
    }

    /// Warns, per language the checklist uses, how many of its texts lack that language.
    fn check_translations(&mut self, c: &Checklist, loc: Loc) {
        let texts = c.texts();
        let used: std::collections::BTreeSet<&str> =
            texts.iter().flat_map(|t| t.languages()).collect();
        for lang in used {
            if !self.languages.iter().any(|l| l == lang) {
                continue;
            }
            let missing = texts.iter().filter(|t| !t.has(lang)).count();
            if missing > 0 {
                self.diags.push(
                    Diagnostic::warning(&c.file, loc, format!("checklist '{}' v{} lacks '{lang}' in {missing} of {} texts", c.id, c.version, texts.len()))
                        .with_hint(format!("add the '{lang}' translation to each text; until then readers see the fallback language")),
                );
            }
        }
    }

    // ----- rounds and audits -------------------------------------------------------------

    fn rounds(
        &mut self,
        round_files: Vec<(PathBuf, Arc<Node>)>,
        audit_files: Vec<(PathBuf, Arc<Node>)>,
        checklists: &[Checklist],
    ) -> (Vec<Round>, Vec<(String, String, AuditSite)>) {
        let index = ChecklistIndex::new(checklists);
        struct RoundSettings {
            title: Option<Text>,
            date: Option<NaiveDate>,
            /// Whether round.yaml has a `date:`, valid or not.
            dated: bool,
            summary: Option<Text>,
        }
        let mut settings: BTreeMap<String, (PathBuf, RoundSettings)> = BTreeMap::new();
        let mut audits: BTreeMap<String, Vec<(Audit, AuditSite)>> = BTreeMap::new();
        let mut bad_rounds: HashSet<String> = HashSet::new();
        let default = self.default_language();

        let mut round_id = |diags: &mut Diagnostics, path: &Path| -> Option<String> {
            let name = path.parent()?.file_name()?.to_str()?.to_string();
            if decode::is_id(&name) {
                return Some(name);
            }
            if bad_rounds.insert(name.clone()) {
                diags.push(
                    Diagnostic::error(
                        path,
                        Loc::default(),
                        format!("invalid round id '{name}' (the folder name)"),
                    )
                    .with_hint(decode::id_hint(&name)),
                );
            }
            None
        };

        for (path, node) in &round_files {
            let Some(round) = round_id(self.diags, path) else {
                continue;
            };
            let mut ctx = file_ctx(self.diags, &mut self.texts, path);
            let Some(f) =
                decode::fields(&mut ctx, node, &["title", "date", "summary"], "round.yaml")
            else {
                continue;
            };
            let s = RoundSettings {
                title: f
                    .get("title")
                    .and_then(|n| decode::text(&mut ctx, n, "title", &default)),
                date: f
                    .get("date")
                    .and_then(|n| decode::date(&mut ctx, n, "date")),
                dated: f.get("date").is_some(),
                summary: f
                    .get("summary")
                    .and_then(|n| decode::text(&mut ctx, n, "summary", &default)),
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
        let read = self.read_each(
            &jobs,
            |(path, ..)| path,
            |this, diags, texts, job| {
                let (path, node, round) = job;
                this.audit(diags, texts, path, node, round, &index)
            },
        );
        for ((_, _, round), (audit, key)) in jobs.into_iter().zip(read) {
            let keys = series.entry(round.clone()).or_default();
            keys.extend(key);
            if let Some(audit) = audit {
                audits.entry(round).or_default().push(audit);
            }
        }
        for (id, keys) in &series {
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
        (rounds, sites)
    }

    /// Reads one audit file: the audit and its sites when it is valid, and its place in its
    /// round's series when its checklist and subject could be read.
    fn audit(
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
                    let hint = match ctx.suggest(cid, current.keys().copied()) {
                        Some(near) => format!("did you mean '{near}'?"),
                        None => "checklists are read from checklists/**/*.yaml".to_string(),
                    };
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
                        match read_answer(&mut ctx, v, &c.scale, &language, &mut dues) {
                            Some(a) => answers[at] = Some(a),
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
        };
        (Some((audit, site)), key)
    }

    // ----- metric snapshots -------------------------------------------------------------

    fn snapshot(
        &self,
        diags: &mut Diagnostics,
        texts: &mut TextLanguages,
        path: &Path,
        node: &Node,
    ) -> Option<Snapshot> {
        let default = self.default_language();
        let mut ctx = Ctx::with_texts(path, diags, texts);
        let f = decode::fields(
            &mut ctx,
            node,
            &["taken", "period", "subject", "language", "values"],
            "a metric snapshot",
        )?;
        let taken = f
            .require(&mut ctx, "taken")
            .and_then(|n| decode::date(&mut ctx, n, "taken"));
        let period = f.get("period").and_then(|n| {
            let p = decode::fields(&mut ctx, n, &["from", "to"], "a period")?;
            let from = p
                .require(&mut ctx, "from")
                .and_then(|n| decode::date(&mut ctx, n, "from"));
            let to = p
                .require(&mut ctx, "to")
                .and_then(|n| decode::date(&mut ctx, n, "to"));
            let (from, to) = (from?, to?);
            if from > to {
                ctx.error_hint(
                    n.loc,
                    format!("period ends ({to}) before it starts ({from})"),
                    "swap `from` and `to`",
                );
                return None;
            }
            Some((from, to))
        });
        let subject = f
            .get("subject")
            .and_then(|n| decode::id(&mut ctx, n, "subject", "subject id"));
        let language = f
            .get("language")
            .and_then(|n| decode::language(&mut ctx, n, "language"))
            .unwrap_or(default);
        let mut values = Vec::new();
        let mut ok = true;
        if let Some(n) = f.require(&mut ctx, "values") {
            match n.as_map() {
                Some(entries) => {
                    for (k, v) in entries {
                        let Some(id) = decode::string(&mut ctx, k, "values") else {
                            ok = false;
                            continue;
                        };
                        let Some(def) = self.metric_index.get(&id).map(|&i| &self.metrics[i])
                        else {
                            ok = false;
                            if self.doubts.metric(&id) {
                                continue;
                            }
                            let hint = match ctx
                                .suggest(&id, self.metrics.iter().map(|m| m.id.as_str()))
                            {
                                Some(near) => format!("did you mean '{near}'?"),
                                None => "define it under `metrics:` in auditbook.yaml, with a unit"
                                    .to_string(),
                            };
                            ctx.error_hint(k.loc, format!("unknown metric '{id}'"), hint);
                            continue;
                        };
                        match metrics::read_value(&mut ctx, v, def, &language) {
                            Some(value) => values.push(value),
                            None => ok = false,
                        }
                    }
                }
                None => {
                    ctx.error(
                        n.loc,
                        format!(
                            "expected a mapping of metric id -> value for 'values', found {}",
                            n.describe()
                        ),
                    );
                    ok = false;
                }
            }
        }
        let snapshot = Snapshot {
            file: path.to_path_buf(),
            taken: taken?,
            period,
            subject,
            values,
        };
        ok.then_some(snapshot)
    }

    // ----- interface strings ------------------------------------------------------------

    fn strings(
        &mut self,
        files: Vec<(PathBuf, Arc<Node>)>,
    ) -> HashMap<String, HashMap<String, String>> {
        let mut out = HashMap::new();
        for (path, node) in &files {
            let mut ctx = file_ctx(self.diags, &mut self.texts, path);
            let lang = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            let lang = &crate::text::canonical_tag(lang);
            if !crate::text::is_language_tag(lang) {
                ctx.error_hint(
                    Loc::default(),
                    format!("'{lang}' is not a language tag"),
                    "name the file after its language, such as i18n/hr.yaml or i18n/pt-BR.yaml",
                );
                continue;
            }
            let Some(entries) = node.as_map() else {
                ctx.error(
                    node.loc,
                    format!(
                        "expected a mapping of interface string -> text, found {}",
                        node.describe()
                    ),
                );
                continue;
            };
            let mut strings = HashMap::new();
            for (k, v) in entries {
                let Some(key) = decode::string(&mut ctx, k, "key") else {
                    continue;
                };
                let Some(value) = decode::string(&mut ctx, v, &key) else {
                    continue;
                };
                if !crate::i18n::is_known_key(&key) {
                    let hint = match ctx.suggest(&key, crate::i18n::known_keys()) {
                        Some(near) => format!("did you mean '{near}'?"),
                        None => "see docs/format.md for the interface strings".to_string(),
                    };
                    ctx.warning_hint(k.loc, format!("unknown interface string '{key}'"), hint);
                    continue;
                }
                strings.insert(key, value);
            }
            if self.languages_known && !self.languages.iter().any(|l| l == lang) {
                ctx.warning_hint(
                    Loc::start(),
                    format!("interface strings for '{lang}', which is not a site language"),
                    "add it to `languages:` in auditbook.yaml, or delete the file",
                );
            }
            out.insert(lang.to_string(), strings);
        }
        out
    }

    /// Warns about site languages whose interface strings fall back to English: languages
    /// without built-in strings that i18n/<lang>.yaml does not translate in full.
    fn report_interface_languages(&mut self, i18n: &HashMap<String, HashMap<String, String>>) {
        if !self.languages_known {
            return;
        }
        let total = crate::i18n::known_keys().count();
        for lang in &self.languages {
            if crate::i18n::is_builtin_language(lang) {
                continue;
            }
            let translated = i18n.get(lang).map_or(0, HashMap::len);
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
                    .with_hint(format!("auditbook has built-in interface strings for {}; translate the rest in i18n/{lang}.yaml (see docs/format.md)", crate::i18n::builtin_languages().join(", "))),
            );
        }
    }

    // ----- checks across files ----------------------------------------------------------

    fn report_foreign_languages(&mut self) {
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

    /// Checks that need the whole model: overdue actions.
    fn after_model(&mut self, model: &Model, sites: &[(String, String, AuditSite)]) {
        let Some(newest) = model.rounds.last() else {
            return;
        };
        // An action is open until a later audit of the same series replaces it.
        let mut latest: HashMap<(&str, Option<&str>), (&str, &str)> = HashMap::new();
        for round in &model.rounds {
            for audit in &round.audits {
                latest.insert(
                    (&audit.checklist, audit.subject.as_deref()),
                    (&round.id, &audit.id),
                );
            }
        }
        let latest: HashSet<(&str, &str)> = latest.into_values().collect();
        for (round, audit, site) in sites {
            if !latest.contains(&(round.as_str(), audit.as_str())) {
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
                if *due < newest.date {
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
    let hint = if let Some(near) = ctx.suggest(item, c.items().map(|(_, i)| i.id.as_str())) {
        format!("did you mean '{near}'?")
    } else if let Some(other) = elsewhere.get(item) {
        format!(
            "'{item}' is in version {other} of '{}'; this audit answers version {}",
            c.id, c.version
        )
    } else {
        format!("checklist '{}' v{} has no such item", c.id, c.version)
    };
    ctx.error_hint(loc, format!("unknown item '{item}'"), hint);
}

/// A scale: a built-in name or a list of at least two levels with distinct values and keys.
fn read_scale(ctx: &mut Ctx, node: &Node, language: &str) -> Option<Scale> {
    if let Some(name) = node.as_str() {
        let scale = Scale::builtin(name);
        if scale.is_none() {
            let hint = match ctx.suggest(name, Scale::BUILTIN_NAMES) {
                Some(near) => format!("did you mean '{near}'?"),
                None => format!(
                    "the built-in scales are {}; or write a list of levels",
                    Scale::BUILTIN_NAMES.join(", ")
                ),
            };
            ctx.error_hint(node.loc, format!("unknown scale '{name}'"), hint);
        }
        return scale;
    }
    let list = decode::list(ctx, node, "scale")?;
    let mut levels: Vec<Level> = Vec::new();
    let mut ok = true;
    for n in list {
        let Some(f) = decode::fields(ctx, n, &["value", "key", "label"], "a scale level") else {
            ok = false;
            continue;
        };
        let value = f
            .require(ctx, "value")
            .and_then(|v| decode::number(ctx, v, "value"));
        let key = f
            .require(ctx, "key")
            .and_then(|k| decode::string(ctx, k, "key"));
        let label = f
            .get("label")
            .and_then(|l| decode::text(ctx, l, "label", language));
        let (Some(value), Some(key)) = (value, key) else {
            ok = false;
            continue;
        };
        if key == "na" {
            ctx.error_hint(
                f.key_loc("key"),
                "'na' cannot be a level key",
                "'na' marks an answer as not applicable; choose another key",
            );
            ok = false;
        } else if levels.iter().any(|l| l.value == value) {
            ctx.error_hint(
                f.get("value").map_or(f.loc(), |n| n.loc),
                format!("duplicate scale value {value}"),
                "each level needs its own value",
            );
            ok = false;
        } else if levels.iter().any(|l| l.key == key) {
            ctx.error_hint(
                f.get("key").map_or(f.loc(), |n| n.loc),
                format!("duplicate scale key '{key}'"),
                "each level needs its own key",
            );
            ok = false;
        } else {
            levels.push(Level { value, key, label });
        }
    }
    if ok && levels.len() < 2 {
        ctx.error_hint(
            node.loc,
            format!("a scale needs at least two levels, found {}", levels.len()),
            "add levels, or use a built-in scale: yes-no, maturity, five-point",
        );
        return None;
    }
    levels.sort_by(|a, b| a.value.total_cmp(&b.value));
    ok.then_some(Scale { name: None, levels })
}

/// A target: a scale value or key, inside the scale.
fn read_target(ctx: &mut Ctx, node: &Node, scale: &Scale) -> Option<f64> {
    let value = match &node.kind {
        Kind::Int(_) | Kind::Float(_) => decode::number(ctx, node, "target")?,
        Kind::Str(s) => match scale.by_key(s) {
            Some(level) => level.value,
            None => match s.parse::<f64>() {
                Ok(v) => v,
                Err(_) => {
                    let keys: Vec<&str> = scale.levels.iter().map(|l| l.key.as_str()).collect();
                    ctx.error_hint(
                        node.loc,
                        format!("'{s}' is not a level of the scale"),
                        format!(
                            "use a value from {} to {}, or a key: {}",
                            fmt_num(scale.min()),
                            fmt_num(scale.max()),
                            keys.join(", ")
                        ),
                    );
                    return None;
                }
            },
        },
        _ => {
            ctx.error(
                node.loc,
                format!(
                    "expected a scale value for 'target', found {}",
                    node.describe()
                ),
            );
            return None;
        }
    };
    if value < scale.min() || value > scale.max() {
        ctx.error_hint(
            node.loc,
            format!("target {} is outside the scale", fmt_num(value)),
            format!(
                "targets lie between {} and {}",
                fmt_num(scale.min()),
                fmt_num(scale.max())
            ),
        );
        return None;
    }
    Some(value)
}

fn fmt_num(v: f64) -> String {
    yaml::format_number(v)
}

struct SectionReader<'a> {
    language: &'a str,
    scale: Option<&'a Scale>,
    metric_ids: &'a HashMap<String, usize>,
    doubts: &'a Doubts,
}

impl SectionReader<'_> {
    fn section(
        &self,
        ctx: &mut Ctx,
        node: &Node,
        section_ids: &mut HashMap<String, Loc>,
        item_ids: &mut HashMap<String, Loc>,
    ) -> Option<Section> {
        let f = decode::fields(
            ctx,
            node,
            &["id", "title", "description", "weight", "target", "items"],
            "a section",
        )?;
        let id = f.require(ctx, "id").and_then(|n| {
            let id = decode::id(ctx, n, "id", "section id")?;
            if let Some(first) = section_ids.get(&id) {
                ctx.error_hint(
                    n.loc,
                    format!("duplicate section id '{id}'"),
                    format!("the first is on line {}", first.line),
                );
                return None;
            }
            section_ids.insert(id.clone(), n.loc);
            Some(id)
        });
        let title = f
            .require(ctx, "title")
            .and_then(|n| decode::text(ctx, n, "title", self.language));
        let description = f
            .get("description")
            .and_then(|n| decode::text(ctx, n, "description", self.language));
        let weight = f
            .get("weight")
            .map_or(Some(1.0), |n| decode::weight(ctx, n));
        let target = self.target(ctx, &f);
        let mut items = Vec::new();
        if let Some(list) = f
            .require(ctx, "items")
            .and_then(|n| decode::list(ctx, n, "items"))
        {
            if list.is_empty() {
                ctx.error_hint(
                    f.key_loc("items"),
                    "a section needs at least one item",
                    "add an item with `id` and `title`, or remove the section",
                );
            }
            for n in list {
                if let Some(item) = self.item(ctx, n, item_ids) {
                    items.push(item);
                }
            }
        }
        Some(Section {
            id: id?,
            title: title?,
            description,
            weight: weight?,
            target,
            items,
        })
    }

    fn target(&self, ctx: &mut Ctx, f: &Fields) -> Option<f64> {
        match (self.scale, f.get("target")) {
            (Some(scale), Some(n)) => read_target(ctx, n, scale),
            _ => None,
        }
    }

    fn item(
        &self,
        ctx: &mut Ctx,
        node: &Node,
        item_ids: &mut HashMap<String, Loc>,
    ) -> Option<Item> {
        let f = decode::fields(
            ctx,
            node,
            &[
                "id", "title", "why", "how", "tools", "weight", "target", "metrics", "tags",
            ],
            "an item",
        )?;
        let id = f.require(ctx, "id").and_then(|n| {
            let id = decode::id(ctx, n, "id", "item id")?;
            if let Some(first) = item_ids.get(&id) {
                ctx.error_hint(
                    n.loc,
                    format!("duplicate item id '{id}'"),
                    format!(
                        "item ids are unique within a checklist; the first is on line {}",
                        first.line
                    ),
                );
                return None;
            }
            item_ids.insert(id.clone(), n.loc);
            Some(id)
        });
        let lang = self.language;
        let title = f
            .require(ctx, "title")
            .and_then(|n| decode::text(ctx, n, "title", lang));
        let why = f.get("why").and_then(|n| decode::text(ctx, n, "why", lang));
        let how = f.get("how").and_then(|n| decode::text(ctx, n, "how", lang));
        let tools = match f.get("tools") {
            Some(n) => decode::list(ctx, n, "tools")
                .map(|l| {
                    l.iter()
                        .filter_map(|t| decode::text(ctx, t, "tools", lang))
                        .collect()
                })
                .unwrap_or_default(),
            None => Vec::new(),
        };
        let weight = f
            .get("weight")
            .map_or(Some(1.0), |n| decode::weight(ctx, n));
        let target = self.target(ctx, &f);
        let mut metrics = Vec::new();
        if let Some(list) = f
            .get("metrics")
            .and_then(|n| decode::list(ctx, n, "metrics"))
        {
            for n in list {
                let Some(m) = decode::string(ctx, n, "metrics") else {
                    continue;
                };
                if self.metric_ids.contains_key(&m) {
                    metrics.push(m);
                } else if !self.doubts.metric(&m) {
                    let hint = match ctx.suggest(&m, self.metric_ids.keys().map(String::as_str)) {
                        Some(near) => format!("did you mean '{near}'?"),
                        None => {
                            "define it under `metrics:` in auditbook.yaml, with a unit".to_string()
                        }
                    };
                    ctx.error_hint(n.loc, format!("unknown metric '{m}'"), hint);
                }
            }
        }
        let tags = match f.get("tags").and_then(|n| decode::list(ctx, n, "tags")) {
            Some(list) => list
                .iter()
                .filter_map(|n| decode::id(ctx, n, "tags", "tag"))
                .collect(),
            None => Vec::new(),
        };
        Some(Item {
            id: id?,
            title: title?,
            why,
            how,
            tools,
            weight: weight?,
            target,
            metrics,
            tags,
        })
    }
}

/// An answer: `3`, `partial`, `na`, or `{score, note, evidence, action}`.
fn read_answer(
    ctx: &mut Ctx,
    node: &Node,
    scale: &Scale,
    language: &str,
    dues: &mut Vec<(NaiveDate, Loc)>,
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
        .map(|n| string_list(ctx, n, "evidence"))
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

fn read_score(ctx: &mut Ctx, node: &Node, scale: &Scale) -> Option<Score> {
    let keys = || -> String {
        let keys: Vec<String> = scale
            .levels
            .iter()
            .map(|l| format!("{} ({})", l.key, fmt_num(l.value)))
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
            let hint =
                match ctx.suggest(s, scale.levels.iter().map(|l| l.key.as_str()).chain(["na"])) {
                    Some(near) => format!("did you mean '{near}'?"),
                    None => keys(),
                };
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
                        format!("{} is not a value of the scale", fmt_num(v)),
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

/// The built-in metrics, embedded in the binary.
pub fn builtin_metrics() -> Vec<MetricDef> {
    static SOURCE: &str = include_str!("builtin/metrics.yaml");
    let node = yaml::parse(SOURCE).expect("built-in metrics are valid YAML");
    let mut diags = Diagnostics::default();
    let file = Path::new("builtin/metrics.yaml");
    let mut ctx = Ctx::new(file, &mut diags);
    let mut out = Vec::new();
    let Some(list) = decode::list(&mut ctx, &node, "metrics") else {
        return out;
    };
    for n in list {
        let Some(f) = decode::fields(
            &mut ctx,
            n,
            &["id", "unit", "better", "target", "title", "description"],
            "a metric",
        ) else {
            continue;
        };
        let id = f
            .require(&mut ctx, "id")
            .and_then(|n| decode::id(&mut ctx, n, "id", "metric id"));
        let unit = f
            .require(&mut ctx, "unit")
            .and_then(|n| n.as_str())
            .and_then(Unit::parse);
        let better = match f.get("better").and_then(|n| n.as_str()) {
            Some("lower") => Better::Lower,
            _ => Better::Higher,
        };
        let (Some(id), Some(unit)) = (id, unit) else {
            continue;
        };
        let target = f
            .get("target")
            .and_then(|n| metrics::read_level(&mut ctx, n, "target", unit));
        let title = f
            .require(&mut ctx, "title")
            .and_then(|n| decode::text(&mut ctx, n, "title", "en"));
        let description = f
            .get("description")
            .and_then(|n| decode::text(&mut ctx, n, "description", "en"));
        out.push(MetricDef {
            title: title.unwrap_or_else(|| Text::plain(id.clone(), "en")),
            id,
            unit,
            better,
            target,
            warn: None,
            description,
        });
    }
    debug_assert!(diags.is_empty(), "built-in metrics: {diags:?}");
    out
}

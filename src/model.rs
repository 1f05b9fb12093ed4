//! The validated workspace: ids checked, defaults applied, references linked. Only the loader
//! builds one, so everything downstream may rely on it being consistent.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::metrics::{MetricDef, Snapshot};
use crate::text::Text;

/// A ticket source as its page shows it (docs/exports.md, "The source's page").
#[derive(Debug, Clone, PartialEq)]
pub struct SourcePage {
    pub id: String,
    /// The source file, relative to the workspace root.
    pub file: PathBuf,
    /// The IANA zone its times, days and hours are in.
    pub timezone: String,
    pub period: crate::sources::PeriodKind,
    /// Where single tickets are shown; `None` leaves ticket ids off the page.
    pub ticket_url: Option<String>,
    /// Rows read, tickets counted, and rows (or cells) left out by problem.
    pub summary: crate::sources::RowSummary,
    pub report: crate::sources::Report,
}

impl SourcePage {
    /// Leaves out everything about people: agents and ticket links.
    pub fn hide_people(&mut self) {
        self.hide_agents();
        self.hide_tickets();
    }

    /// Leaves out the agents: their ranking and their ratings.
    pub fn hide_agents(&mut self) {
        self.report.hide_agents();
    }

    /// Leaves out single tickets: the links to them and their ids.
    pub fn hide_tickets(&mut self) {
        self.ticket_url = None;
        self.report.hide_tickets();
    }
}

/// A whole workspace, ready to score and render.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub config: Config,
    /// Every version of every checklist, ordered by id, then version.
    pub checklists: Vec<Checklist>,
    /// Rounds in order: by date, then id.
    pub rounds: Vec<Round>,
    /// Built-in metrics in their order, then new ones from `auditbook.yaml`.
    pub metrics: Vec<MetricDef>,
    /// Snapshots ordered by date taken, then file path.
    pub snapshots: Vec<Snapshot>,
    /// Interface-string overrides from `i18n/<lang>.ftl` or `.yaml`: language -> key -> the
    /// Fluent source of the message (`key = …`).
    pub i18n: HashMap<String, HashMap<String, String>>,
    /// Ticket sources with the figures of their pages, by id.
    pub sources: Vec<SourcePage>,
    /// Accepted gaps (`exemptions/**/*.yaml`), in file order.
    pub exemptions: Vec<Exemption>,
    current_index: HashMap<String, usize>,
    metric_index: HashMap<String, usize>,
}

impl Model {
    pub fn new(
        config: Config,
        mut checklists: Vec<Checklist>,
        mut rounds: Vec<Round>,
        metrics: Vec<MetricDef>,
        mut snapshots: Vec<Snapshot>,
        i18n: HashMap<String, HashMap<String, String>>,
    ) -> Self {
        checklists.sort_by(|a, b| (&a.id, a.version).cmp(&(&b.id, b.version)));
        rounds.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
        for round in &mut rounds {
            round.audits.sort_by(|a, b| a.id.cmp(&b.id));
        }
        snapshots.sort_by(|a, b| (a.taken, &a.file).cmp(&(b.taken, &b.file)));
        let mut current_index = HashMap::new();
        for (i, c) in checklists.iter().enumerate() {
            // Sorted by version, so the last one seen is the highest.
            current_index.insert(c.id.clone(), i);
        }
        let metric_index = metrics
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.clone(), i))
            .collect();
        Model {
            config,
            checklists,
            rounds,
            metrics,
            snapshots,
            i18n,
            sources: Vec::new(),
            exemptions: Vec::new(),
            current_index,
            metric_index,
        }
    }

    pub fn checklist(&self, id: &str, version: u32) -> Option<&Checklist> {
        // `checklists` is sorted by (id, version): a search, without building a key.
        self.checklists
            .binary_search_by(|c| (c.id.as_str(), c.version).cmp(&(id, version)))
            .ok()
            .map(|i| &self.checklists[i])
    }

    /// The highest version of a checklist.
    pub fn current_checklist(&self, id: &str) -> Option<&Checklist> {
        self.current_index.get(id).map(|&i| &self.checklists[i])
    }

    /// The checklist an audit answers.
    pub fn checklist_of(&self, audit: &Audit) -> &Checklist {
        // The loader only accepts audits whose checklist version exists.
        self.checklist(&audit.checklist, audit.version)
            .expect("validated audit refers to a loaded checklist")
    }

    pub fn metric(&self, id: &str) -> Option<&MetricDef> {
        self.metric_index.get(id).map(|&i| &self.metrics[i])
    }

    pub fn round(&self, id: &str) -> Option<&Round> {
        self.rounds.iter().find(|r| r.id == id)
    }

    /// A round as the command line names it: `latest` for the newest round, else its id.
    pub fn round_arg(&self, name: &str) -> Option<&Round> {
        if name == LATEST_ROUND {
            self.rounds.last()
        } else {
            self.round(name)
        }
    }

    pub fn default_language(&self) -> &str {
        &self.config.languages[0]
    }
}

/// The name the command line takes for the newest round, wherever it takes a round.
pub const LATEST_ROUND: &str = "latest";

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub title: Text,
    /// Site languages; the first is the default, rendered at the root.
    pub languages: Vec<String>,
    pub base_url: Option<String>,
    /// Output folder, relative to the workspace root.
    pub output: PathBuf,
    /// The gates `check` applies to the results (docs/format.md, "Gates").
    pub gates: Gates,
    /// What a public build leaves out: `public: {hide: [...]}` (docs/public.md).
    pub public: crate::public::Hide,
    /// What was taken out of this model ([`crate::public::redact`]): nothing but in a public
    /// build.
    pub left_out: crate::public::Hide,
}

/// The gates of `auditbook.yaml`: conditions on the latest audit of every series that make
/// `check` fail. Each is off when not set.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Gates {
    /// `min-score`: the lowest score a latest audit may have (0–100).
    pub min_score: Option<f64>,
    /// `no-regression`: how many points a latest audit may score below the audit before it.
    pub no_regression: Option<f64>,
    /// `metrics`: the best metric status that fails, `Below` or `AtRisk` (which also fails
    /// on `Below`).
    pub metrics: Option<crate::metrics::Status>,
}

/// A scale: its levels ordered by value.
#[derive(Debug, Clone, PartialEq)]
pub struct Scale {
    /// The built-in scale's name, or `None` for a custom scale.
    pub name: Option<String>,
    pub levels: Vec<Level>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Level {
    pub value: f64,
    pub key: String,
    /// A custom scale's own label; built-in labels are interface strings.
    pub label: Option<Text>,
}

impl Scale {
    pub fn min(&self) -> f64 {
        self.levels[0].value
    }

    pub fn max(&self) -> f64 {
        self.levels[self.levels.len() - 1].value
    }

    pub fn by_key(&self, key: &str) -> Option<&Level> {
        self.levels.iter().find(|l| l.key == key)
    }

    pub fn by_value(&self, value: f64) -> Option<&Level> {
        self.levels.iter().find(|l| l.value == value)
    }

    pub fn builtin(name: &str) -> Option<Scale> {
        let keys: &[(&str, f64)] = match name {
            "yes-no" => &[("no", 0.0), ("yes", 1.0)],
            "maturity" => &[
                ("absent", 0.0),
                ("initial", 1.0),
                ("partial", 2.0),
                ("established", 3.0),
                ("optimised", 4.0),
            ],
            "five-point" => &[("1", 1.0), ("2", 2.0), ("3", 3.0), ("4", 4.0), ("5", 5.0)],
            _ => return None,
        };
        Some(Scale {
            name: Some(name.to_string()),
            levels: keys
                .iter()
                .map(|(key, value)| Level {
                    value: *value,
                    key: (*key).to_string(),
                    label: None,
                })
                .collect(),
        })
    }

    pub const BUILTIN_NAMES: [&'static str; 3] = ["yes-no", "maturity", "five-point"];
}

#[derive(Debug, Clone, PartialEq)]
pub struct Checklist {
    pub id: String,
    pub version: u32,
    /// The file it was read from, relative to the workspace root.
    pub file: PathBuf,
    pub language: String,
    pub title: Text,
    pub description: Option<Text>,
    pub scale: Scale,
    pub target: Option<f64>,
    /// `evidence-max-age` in seconds: how old evidence may be on an audit's date.
    pub evidence_max_age: Option<f64>,
    pub sections: Vec<Section>,
    /// Per site language, the texts without a translation in it, by field path (see
    /// [`Checklist::texts_at`]), in the checklist's order. Languages lacking none are left out.
    pub missing_texts: BTreeMap<String, Vec<String>>,
}

impl Checklist {
    pub fn items(&self) -> impl Iterator<Item = (&Section, &Item)> {
        self.sections
            .iter()
            .flat_map(|s| s.items.iter().map(move |i| (s, i)))
    }

    /// Every text of the checklist, for translation counts: title, description, custom level
    /// labels, section titles and descriptions, item titles, why, how and tools.
    pub fn texts(&self) -> Vec<&Text> {
        self.texts_at().into_iter().map(|(_, t)| t).collect()
    }

    /// [`Checklist::texts`], each with the path of its field, written with ids: `title`,
    /// `scale.<key>.label`, `<section>.title`, `<section>.<item>.why`, `<section>.<item>.tools[0]`.
    pub fn texts_at(&self) -> Vec<(String, &Text)> {
        let mut texts: Vec<(String, &Text)> = vec![("title".into(), &self.title)];
        texts.extend(self.description.iter().map(|d| ("description".into(), d)));
        for level in &self.scale.levels {
            let at = || format!("scale.{}.label", level.key);
            texts.extend(level.label.iter().map(|l| (at(), l)));
        }
        for s in &self.sections {
            texts.push((format!("{}.title", s.id), &s.title));
            let at = |field: &str| format!("{}.{field}", s.id);
            texts.extend(s.description.iter().map(|d| (at("description"), d)));
            for i in &s.items {
                let at = |field: &str| format!("{}.{}.{field}", s.id, i.id);
                texts.push((at("title"), &i.title));
                texts.extend(i.why.iter().map(|t| (at("why"), t)));
                texts.extend(i.how.iter().map(|t| (at("how"), t)));
                texts.extend(
                    (i.tools.iter().enumerate()).map(|(n, t)| (at(&format!("tools[{n}]")), t)),
                );
            }
        }
        texts
    }

    pub fn item_count(&self) -> usize {
        self.sections.iter().map(|s| s.items.len()).sum()
    }

    /// The target of an item: its own, else its section's, else the checklist's, else the
    /// scale's maximum.
    pub fn item_target(&self, section: &Section, item: &Item) -> f64 {
        item.target
            .or(section.target)
            .or(self.target)
            .unwrap_or_else(|| self.scale.max())
    }

    /// How old evidence for an item may be, in seconds: the item's `evidence-max-age`, else
    /// its section's, else the checklist's; `None` when none sets one.
    pub fn evidence_max_age(&self, section: &Section, item: &Item) -> Option<f64> {
        item.evidence_max_age
            .or(section.evidence_max_age)
            .or(self.evidence_max_age)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub id: String,
    pub title: Text,
    pub description: Option<Text>,
    pub weight: f64,
    pub target: Option<f64>,
    pub evidence_max_age: Option<f64>,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: String,
    pub title: Text,
    pub why: Option<Text>,
    pub how: Option<Text>,
    pub tools: Vec<Text>,
    pub weight: f64,
    pub target: Option<f64>,
    pub metrics: Vec<String>,
    pub tags: Vec<String>,
    pub evidence_max_age: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    pub id: String,
    pub title: Option<Text>,
    /// Its `date`, else the newest audit date in it.
    pub date: NaiveDate,
    pub summary: Option<Text>,
    /// Audits ordered by id. Shared: `serve` keeps each audit it decoded, and takes it again
    /// while its file is unchanged, without a copy.
    pub audits: Vec<std::sync::Arc<Audit>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Audit {
    /// The file stem: the audit's id within its round.
    pub id: String,
    pub round: String,
    pub file: PathBuf,
    pub checklist: String,
    pub version: u32,
    pub subject: Option<String>,
    pub subject_title: Option<Text>,
    pub date: NaiveDate,
    pub auditors: Vec<String>,
    pub language: String,
    pub summary: Option<Text>,
    /// Answers in the order of the checklist's items ([`Checklist::items`]), `None` where an
    /// item is unanswered; empty when nothing is answered.
    pub answers: Vec<Option<Answer>>,
}

impl Audit {
    /// The answer to the item at `index` in the checklist's item order.
    pub fn answer(&self, index: usize) -> Option<&Answer> {
        self.answers.get(index).and_then(Option::as_ref)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub score: Score,
    pub note: Option<Text>,
    /// Everything an answer says about its evidence, so a build that hides evidence leaves
    /// out this one field.
    pub evidence: Vec<Evidence>,
    pub action: Option<Action>,
}

/// One entry of an answer's evidence (docs/format.md, "Evidence").
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub what: EvidenceKind,
    /// When the evidence was produced; undated evidence never goes stale.
    pub date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum EvidenceKind {
    /// A plain string: a link when it is an `http://` or `https://` address, else text.
    Plain(String),
    /// `{link: …}`: an address that keeps the link policy of docs/security.md.
    Link(String),
    /// `{text: …}`: a translatable text.
    Text(Text),
}

impl Evidence {
    /// Where the entry links to, if anywhere.
    pub fn href(&self) -> Option<&str> {
        match &self.what {
            EvidenceKind::Plain(s) => {
                let is_url = (s.starts_with("https://") || s.starts_with("http://"))
                    && !s.contains(char::is_whitespace);
                is_url.then_some(s.as_str())
            }
            EvidenceKind::Link(s) => Some(s),
            EvidenceKind::Text(_) => None,
        }
    }
}

/// An answered score: a scale value, or not applicable.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Score {
    Value(f64),
    NotApplicable,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    pub text: Text,
    pub owner: Option<String>,
    pub due: Option<NaiveDate>,
}

/// An accepted gap: an item of a checklist that, for one subject or all of them, is not
/// scored from `approved` to `until` (docs/format.md, "Exemptions").
#[derive(Debug, Clone, PartialEq)]
pub struct Exemption {
    /// The file it was read from, relative to the workspace root.
    pub file: PathBuf,
    pub checklist: String,
    pub item: String,
    /// `None`: every subject.
    pub subject: Option<String>,
    pub reason: Text,
    pub owner: String,
    pub approved: NaiveDate,
    /// The last day it applies.
    pub until: NaiveDate,
}

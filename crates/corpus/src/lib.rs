//! A synthetic workspace of any size, deterministic by seed: checklists in several versions
//! and scales, quarterly rounds of audits over many subjects with answers in every form,
//! notes in several languages, and monthly metric snapshots with breakdowns.
//!
//! A development-only crate, shared by `examples/corpus.rs` (writes a workspace to a folder),
//! the benchmarks (write one to a temporary folder and load or render it) and the
//! integration tests.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{Datelike, Days, NaiveDate};

/// The size and seed of a corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    /// Audit files in all rounds together.
    pub audits: usize,
    /// Items per checklist.
    pub items: usize,
    /// Site languages, taken in order from [`LANGUAGES`].
    pub languages: usize,
    pub seed: u64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            audits: 200,
            items: 60,
            languages: 3,
            seed: 1,
        }
    }
}

/// What [`write`] produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub bytes: u64,
    pub checklists: usize,
    pub rounds: usize,
    pub subjects: usize,
    pub audits: usize,
    pub snapshots: usize,
}

impl Summary {
    /// One line for people: what was written and how big it is.
    pub fn describe(&self) -> String {
        format!(
            "{} files, {:.1} MiB: {} checklist files, {} subjects, {} rounds, {} audits, {} snapshots",
            self.files,
            self.bytes as f64 / (1024.0 * 1024.0),
            self.checklists,
            self.subjects,
            self.rounds,
            self.audits,
            self.snapshots
        )
    }
}

/// The language tags a corpus can use, in the order `--languages` takes them.
pub const LANGUAGES: [&str; 12] = [
    "en", "hr", "hu", "sl", "et", "ru", "de", "fr", "it", "pl", "pt-BR", "zh-Hant",
];

/// Writes a workspace of the given size into `dir` (created if missing; existing files with
/// the same names are overwritten, others are left alone).
pub fn write(dir: &Path, params: &Params) -> io::Result<Summary> {
    if params.languages == 0 || params.languages > LANGUAGES.len() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("languages must be 1 to {}", LANGUAGES.len()),
        ));
    }
    if params.items == 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "items must be at least 1",
        ));
    }
    let mut g = Gen::new(params);
    g.config();
    g.checklists();
    g.rounds();
    g.snapshots();
    let mut summary = g.summary.clone();
    for (path, text) in &g.files {
        let full = dir.join(path);
        if let Some(parent) = full.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&full, text)?;
        summary.files += 1;
        summary.bytes += text.len() as u64;
    }
    Ok(summary)
}

/// xorshift64*: small, fast and good enough for test data. Not for anything secret.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        // Zero is the one state xorshift never leaves; mix the seed so nearby seeds differ.
        Rng((seed ^ 0x9E37_79B9_7F4A_7C15).wrapping_mul(0xBF58_476D_1CE4_E5B9) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as i64
    }

    /// A float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Syllables that make each language's made-up words look like that language.
fn syllables(lang: &str) -> &'static [&'static str] {
    match lang {
        "en" => &[
            "ser", "vice", "cus", "to", "mer", "team", "check", "re", "ply", "time", "qua", "li",
            "ty", "tick", "et", "sup", "port", "call", "chat", "goal",
        ],
        "hr" => &[
            "ko", "ris", "ni", "ča", "pro", "vje", "ra", "šte", "žu", "ti", "ci", "lj", "od", "go",
            "vor", "tim",
        ],
        "hu" => &[
            "ügy", "fél", "szol", "gá", "lat", "el", "len", "őr", "zés", "mi", "nő", "ség", "vá",
            "lasz",
        ],
        "sl" => &[
            "stra", "nk", "pod", "po", "ra", "če", "ka", "nje", "ži", "vlj", "od", "ziv",
        ],
        "et" => &[
            "klien", "di", "tee", "nin", "dus", "kva", "li", "teet", "õ", "ä", "vas", "tus",
        ],
        "ru" => &[
            "кли", "ент", "сер", "вис", "про", "вер", "ка", "чест", "во", "от", "вет", "ко",
        ],
        "de" => &[
            "kun", "den", "dienst", "prü", "fung", "qua", "li", "tät", "ant", "wort", "zeit",
        ],
        "fr" => &[
            "ser", "vi", "ce", "cli", "ent", "é", "va", "lu", "a", "tion", "ré", "pon", "se",
        ],
        "it" => &[
            "ser", "vi", "zio", "cli", "en", "te", "qua", "li", "tà", "ris", "pos", "ta",
        ],
        "pl" => &[
            "ob", "słu", "ga", "kli", "en", "ta", "ja", "koś", "ć", "od", "po", "wiedź",
        ],
        "pt-BR" => &[
            "a", "ten", "di", "men", "to", "cli", "en", "te", "qua", "li", "da", "de", "ção",
        ],
        _ => &[
            "客", "戶", "服", "務", "品", "質", "檢", "查", "回", "覆", "時", "間",
        ],
    }
}

fn word(rng: &mut Rng, lang: &str) -> String {
    let syl = syllables(lang);
    let n = 1 + rng.below(3);
    (0..n).map(|_| *rng.pick(syl)).collect()
}

/// A sentence of `lo..=hi` made-up words, capitalised, ending with a full stop.
fn sentence(rng: &mut Rng, lang: &str, lo: usize, hi: usize) -> String {
    let n = lo + rng.below(hi - lo + 1);
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push(if rng.chance(0.08) { ',' } else { ' ' });
            if s.ends_with(',') {
                s.push(' ');
            }
        }
        let w = word(rng, lang);
        if i == 0 {
            let mut chars = w.chars();
            if let Some(c) = chars.next() {
                s.extend(c.to_uppercase());
                s.push_str(chars.as_str());
            }
        } else {
            s.push_str(&w);
        }
    }
    s.push('.');
    s
}

fn paragraph(rng: &mut Rng, lang: &str, sentences: usize) -> String {
    let mut out = String::new();
    for i in 0..sentences {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&sentence(rng, lang, 5, 14));
    }
    out
}

/// A YAML double-quoted string.
fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An id made of the English words of a title, with a number that keeps it unique.
fn slug(rng: &mut Rng, n: usize) -> String {
    let a = word(rng, "en");
    let b = word(rng, "en");
    format!("{a}-{b}-{n}")
}

const CITIES: [&str; 24] = [
    "zagreb",
    "budapest",
    "ljubljana",
    "tallinn",
    "vienna",
    "prague",
    "warsaw",
    "lisbon",
    "porto",
    "milan",
    "lyon",
    "berlin",
    "munich",
    "riga",
    "vilnius",
    "sofia",
    "athens",
    "dublin",
    "madrid",
    "seville",
    "oslo",
    "helsinki",
    "krakow",
    "split",
];
const TEAMS: [&str; 3] = ["support", "helpdesk", "billing"];
const CHANNELS: [&str; 4] = ["email", "chat", "phone", "social"];
const GROUPS: [&str; 5] = ["billing", "technical", "orders", "returns", "delivery"];
const PEOPLE: [&str; 10] = [
    "Ana Horvat",
    "Ivan Perić",
    "Eszter Nagy",
    "Mart Tamm",
    "Nina Kovač",
    "Jana Novak",
    "Péter Kiss",
    "Kadri Sepp",
    "Luka Babić",
    "Olga Ivanova",
];

/// One checklist version as the generator knows it: enough to write answers for it.
struct ChecklistPlan {
    id: &'static str,
    version: u32,
    current: bool,
    scale: ScalePlan,
    items: Vec<String>,
}

#[derive(Clone, Copy)]
enum ScalePlan {
    Maturity,
    FivePoint,
    /// Keys with their values: `never` = 0, `rarely` = 2, `often` = 3, `always` = 5.
    Custom,
}

const CUSTOM_LEVELS: [(&str, i64); 4] = [("never", 0), ("rarely", 2), ("often", 3), ("always", 5)];
const MATURITY_KEYS: [&str; 5] = ["absent", "initial", "partial", "established", "optimised"];

impl ScalePlan {
    /// The scale's levels as (key, value), lowest first.
    fn levels(self) -> Vec<(String, i64)> {
        match self {
            ScalePlan::Maturity => MATURITY_KEYS
                .iter()
                .enumerate()
                .map(|(i, k)| ((*k).to_string(), i as i64))
                .collect(),
            ScalePlan::FivePoint => (1..=5).map(|v| (v.to_string(), v)).collect(),
            ScalePlan::Custom => CUSTOM_LEVELS
                .iter()
                .map(|(k, v)| ((*k).to_string(), *v))
                .collect(),
        }
    }
}

struct Gen {
    rng: Rng,
    params: Params,
    langs: Vec<&'static str>,
    files: Vec<(PathBuf, String)>,
    plans: Vec<ChecklistPlan>,
    subjects: Vec<String>,
    /// Quarter-end dates of the rounds, oldest first.
    round_dates: Vec<NaiveDate>,
    summary: Summary,
}

impl Gen {
    fn new(params: &Params) -> Self {
        let subjects_n = params
            .audits
            .div_ceil(42)
            .clamp(1, CITIES.len() * TEAMS.len() * 4);
        let subjects: Vec<String> = (0..subjects_n)
            .map(|i| {
                let city = CITIES[i % CITIES.len()];
                let team = TEAMS[(i / CITIES.len()) % TEAMS.len()];
                match i / (CITIES.len() * TEAMS.len()) {
                    0 => format!("{city}-{team}"),
                    n => format!("{city}-{team}-{}", n + 1),
                }
            })
            .collect();
        Gen {
            rng: Rng::new(params.seed),
            params: *params,
            langs: LANGUAGES[..params.languages].to_vec(),
            files: Vec::new(),
            plans: Vec::new(),
            subjects,
            round_dates: Vec::new(),
            summary: Summary::default(),
        }
    }

    fn add(&mut self, path: impl Into<PathBuf>, text: String) {
        self.files.push((path.into(), text));
    }

    fn default_lang(&self) -> &'static str {
        self.langs[0]
    }

    /// A Text in every site language, as a flow mapping (short texts) or a block (long ones).
    fn text_all(&mut self, out: &mut String, indent: usize, key: &str, lo: usize, hi: usize) {
        let pad = " ".repeat(indent);
        let langs = self.langs.clone();
        if langs.len() == 1 {
            let s = sentence(&mut self.rng, langs[0], lo, hi);
            let _ = writeln!(out, "{pad}{key}: {}", q(&s));
            return;
        }
        let _ = writeln!(out, "{pad}{key}:");
        for lang in langs {
            let s = sentence(&mut self.rng, lang, lo, hi);
            let _ = writeln!(out, "{pad}  {lang}: {}", q(&s));
        }
    }

    fn para_all(&mut self, out: &mut String, indent: usize, key: &str, sentences: usize) {
        let pad = " ".repeat(indent);
        let langs = self.langs.clone();
        let _ = writeln!(out, "{pad}{key}:");
        for lang in langs {
            let p = paragraph(&mut self.rng, lang, sentences);
            let _ = writeln!(out, "{pad}  {lang}: >-");
            // Folded block scalar: wrapped lines join with spaces.
            let mut line = String::new();
            for w in p.split(' ') {
                if line.chars().count() + w.chars().count() > 80 && !line.is_empty() {
                    let _ = writeln!(out, "{pad}    {line}");
                    line.clear();
                }
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(w);
            }
            let _ = writeln!(out, "{pad}    {line}");
        }
    }

    // ----- auditbook.yaml -------------------------------------------------------------

    fn config(&mut self) {
        let mut out = String::from("# Generated by examples/corpus.rs\n");
        self.text_all(&mut out, 0, "title", 2, 4);
        let _ = writeln!(out, "languages: [{}]", self.langs.join(", "));
        out.push_str("base_url: https://audits.example.com/support/\n");
        out.push_str("output: site\n");
        out.push_str("metrics:\n");
        for (id, target, warn) in [
            ("csat", "90", "85"),
            ("nps", "40", "30"),
            ("first-response-time", "1h", "2h"),
            ("average-handle-time", "8m", "PT10M"),
            ("sla-compliance", "95", "90"),
            ("first-contact-resolution", "75", "65"),
            ("csi", "85", "80"),
        ] {
            let _ = writeln!(out, "  - id: {id}\n    target: {target}\n    warn: {warn}");
        }
        out.push_str(
            "  - id: backlog\n    unit: count\n    better: lower\n    target: 120\n    warn: 160\n",
        );
        self.text_all(&mut out, 4, "title", 1, 2);
        self.text_all(&mut out, 4, "description", 6, 12);
        out.push_str(
            "  - id: quality-score\n    unit: score\n    better: higher\n    target: 80\n",
        );
        let _ = writeln!(out, "    title: {}", q("Quality score"));
        self.add("auditbook.yaml", out);
    }

    // ----- checklists -------------------------------------------------------------------

    fn checklists(&mut self) {
        let m = self.params.items;
        // Item ids are shared by all checklists' plans; v1 of the main one renames a few.
        let ids: Vec<String> = (0..m).map(|i| slug(&mut self.rng, i + 1)).collect();
        let v1_ids: Vec<String> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                if i % 7 == 3 {
                    format!("{id}-old")
                } else {
                    id.clone()
                }
            })
            .collect();
        let specs: [(&'static str, u32, bool, ScalePlan, &str); 4] = [
            (
                "service-audit",
                1,
                false,
                ScalePlan::Maturity,
                "checklists/archive/service-audit.v1.yaml",
            ),
            (
                "service-audit",
                2,
                true,
                ScalePlan::Maturity,
                "checklists/service-audit.yaml",
            ),
            (
                "help-desk",
                1,
                true,
                ScalePlan::Custom,
                "checklists/help-desk/help-desk.yaml",
            ),
            (
                "channel-review",
                3,
                true,
                ScalePlan::FivePoint,
                "checklists/channel-review.yaml",
            ),
        ];
        for (id, version, current, scale, path) in specs {
            let items = if current { ids.clone() } else { v1_ids.clone() };
            let text = self.checklist(id, version, current, scale, &items);
            self.add(path, text);
            self.plans.push(ChecklistPlan {
                id,
                version,
                current,
                scale,
                items,
            });
            self.summary.checklists += 1;
        }
    }

    fn checklist(
        &mut self,
        id: &str,
        version: u32,
        current: bool,
        scale: ScalePlan,
        items: &[String],
    ) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "id: {id}\nversion: {version}");
        let default = self.default_lang();
        if current {
            let _ = writeln!(out, "language: {default}");
            self.text_all(&mut out, 0, "title", 2, 4);
            self.para_all(&mut out, 0, "description", 3);
        } else {
            // An archived version kept in one language: plain strings.
            let _ = writeln!(out, "language: {default}");
            let t = sentence(&mut self.rng, default, 2, 4);
            let _ = writeln!(out, "title: {}", q(&t));
        }
        let levels = scale.levels();
        match scale {
            ScalePlan::Maturity => out.push_str("scale: maturity\ntarget: 3\n"),
            ScalePlan::FivePoint => out.push_str("scale: five-point\ntarget: 4\n"),
            ScalePlan::Custom => {
                out.push_str("scale:\n");
                for (key, value) in &levels {
                    let _ = writeln!(out, "  - value: {value}\n    key: {key}");
                    if current {
                        self.text_all(&mut out, 4, "label", 1, 2);
                    } else {
                        let l = sentence(&mut self.rng, default, 1, 2);
                        let _ = writeln!(out, "    label: {}", q(&l));
                    }
                }
                out.push_str("target: often\n");
            }
        }
        out.push_str("sections:\n");
        let mut i = 0;
        let mut section_n = 0;
        while i < items.len() {
            section_n += 1;
            let len = (6 + self.rng.below(5)).min(items.len() - i);
            let _ = writeln!(out, "  - id: section-{section_n}");
            if current {
                self.text_all(&mut out, 4, "title", 2, 4);
            } else {
                let t = sentence(&mut self.rng, default, 2, 4);
                let _ = writeln!(out, "    title: {}", q(&t));
            }
            if current && self.rng.chance(0.5) {
                self.para_all(&mut out, 4, "description", 1);
            }
            match self.rng.below(6) {
                0 => out.push_str("    weight: 2\n"),
                1 => out.push_str("    weight: 0.5\n"),
                _ => {}
            }
            if self.rng.chance(0.3) {
                // A target as a key.
                let (key, _) = &levels[levels.len() - 1];
                let _ = writeln!(out, "    target: {}", q(key));
            }
            out.push_str("    items:\n");
            for id in &items[i..i + len] {
                self.item(&mut out, id, current, &levels);
            }
            i += len;
        }
        out
    }

    fn item(&mut self, out: &mut String, id: &str, current: bool, levels: &[(String, i64)]) {
        let _ = writeln!(out, "      - id: {id}");
        let default = self.default_lang();
        if current {
            self.text_all(out, 8, "title", 3, 7);
            self.para_all(out, 8, "why", 2);
            self.para_all(out, 8, "how", 3);
            if self.rng.chance(0.4) {
                out.push_str("        tools:\n");
                for _ in 0..1 + self.rng.below(3) {
                    let parts: Vec<String> = self
                        .langs
                        .clone()
                        .into_iter()
                        .map(|l| format!("{l}: {}", q(&sentence(&mut self.rng, l, 1, 2))))
                        .collect();
                    let _ = writeln!(out, "          - {{{}}}", parts.join(", "));
                }
            }
        } else {
            let t = sentence(&mut self.rng, default, 3, 7);
            let _ = writeln!(out, "        title: {}", q(&t));
            let w = paragraph(&mut self.rng, default, 2);
            let _ = writeln!(out, "        why: {}", q(&w));
        }
        match self.rng.below(12) {
            0 => out.push_str("        weight: 0\n"),
            1 | 2 => out.push_str("        weight: 2\n"),
            3 => out.push_str("        weight: 1.5\n"),
            _ => {}
        }
        match self.rng.below(10) {
            // A target as a value, then as a key.
            0 => {
                let _ = writeln!(out, "        target: {}", levels[levels.len() - 1].1);
            }
            1 => {
                let _ = writeln!(out, "        target: {}", levels[levels.len() - 2].0);
            }
            _ => {}
        }
        if self.rng.chance(0.2) {
            let all = [
                "csat",
                "nps",
                "first-response-time",
                "sla-compliance",
                "backlog",
                "quality-score",
            ];
            let a = *self.rng.pick(&all);
            let b = *self.rng.pick(&all);
            if a == b {
                let _ = writeln!(out, "        metrics: [{a}]");
            } else {
                let _ = writeln!(out, "        metrics: [{a}, {b}]");
            }
        }
        if self.rng.chance(0.25) {
            let tag = *self
                .rng
                .pick(&["kpi", "quick-win", "compliance", "training"]);
            let _ = writeln!(out, "        tags: [{tag}]");
        }
    }

    // ----- rounds and audits ------------------------------------------------------------

    fn rounds(&mut self) {
        let n = self.params.audits;
        let per_round = self.subjects.len() * 3;
        let rounds = n.div_ceil(per_round).max(1);
        self.summary.subjects = self.subjects.len();
        let start_year = 2020;
        let mut written = 0;
        for r in 0..rounds {
            let year = start_year + (r / 4) as i32;
            let quarter = (r % 4) as u32 + 1;
            let round_id = format!("{year}-q{quarter}");
            let end = quarter_end(year, quarter);
            self.round_dates.push(end);
            self.summary.rounds += 1;
            // Every fourth round has no round.yaml: its date is its newest audit's.
            if r % 4 != 2 {
                let mut out = String::new();
                let langs = self.langs.clone();
                out.push_str("title:\n");
                for lang in &langs {
                    let _ = writeln!(out, "  {lang}: {}", q(&format!("{round_id} ({lang})")));
                }
                let _ = writeln!(out, "date: {end}");
                if r % 3 == 0 {
                    let s = paragraph(&mut self.rng, langs[0], 2);
                    let _ = writeln!(out, "summary: {}", q(&s));
                }
                self.add(format!("audits/{round_id}/round.yaml"), out);
            }
            // Early rounds answer the archived version of the main checklist.
            let legacy = r < rounds / 3;
            for s in 0..self.subjects.len() {
                for plan_i in 0..self.plans.len() {
                    if written == n {
                        return;
                    }
                    let plan = &self.plans[plan_i];
                    let answers_it = if plan.id == "service-audit" {
                        plan.current != legacy
                    } else {
                        true
                    };
                    if !answers_it {
                        continue;
                    }
                    let text = self.audit(plan_i, s, r, end);
                    let subject = &self.subjects[s];
                    let id = format!("{subject}-{}", self.plans[plan_i].id);
                    self.add(format!("audits/{round_id}/{id}.yaml"), text);
                    written += 1;
                    self.summary.audits += 1;
                }
            }
        }
    }

    fn audit(&mut self, plan_i: usize, s: usize, r: usize, end: NaiveDate) -> String {
        let langs = self.langs.clone();
        let subject = self.subjects[s].clone();
        let (plan_id, version, current, scale) = {
            let p = &self.plans[plan_i];
            (p.id, p.version, p.current, p.scale)
        };
        let items = self.plans[plan_i].items.clone();
        let levels = scale.levels();
        let date = end - Days::new(self.rng.below(60) as u64);
        let lang = *self.rng.pick(&langs);
        let mut out = String::new();
        let _ = writeln!(out, "checklist: {plan_id}");
        // A few audits of current checklists leave the version unpinned (a warning).
        if !(current && self.rng.chance(0.04)) {
            let _ = writeln!(out, "version: {version}");
        }
        let _ = writeln!(out, "subject: {subject}");
        if self.rng.chance(0.5) {
            out.push_str("subject_title:\n");
            for l in &langs {
                let _ = writeln!(out, "  {l}: {}", q(&format!("{subject} ({l})")));
            }
        }
        let _ = writeln!(out, "date: {date}");
        let a = *self.rng.pick(&PEOPLE);
        let b = *self.rng.pick(&PEOPLE);
        if self.rng.chance(0.2) {
            let _ = writeln!(out, "auditors: {}", q(a));
        } else {
            let _ = writeln!(out, "auditors: [{}, {}]", q(a), q(b));
        }
        // Without `language:`, plain strings are in the checklist's language.
        if lang != self.default_lang() || self.rng.chance(0.3) {
            let _ = writeln!(out, "language: {lang}");
        }
        if self.rng.chance(0.6) {
            let p = paragraph(&mut self.rng, lang, 3);
            let _ = writeln!(out, "summary: {}", q(&p));
        }
        out.push_str("answers:\n");
        // Teams improve over the rounds; each subject starts at its own level.
        let base = 0.25 + 0.5 * ((s * 7919) % 100) as f64 / 100.0;
        let level = (base + 0.03 * r as f64).min(0.95);
        for id in &items {
            if self.rng.chance(0.08) {
                continue; // unanswered
            }
            if self.rng.chance(0.06) {
                if self.rng.chance(0.5) {
                    let _ = writeln!(out, "  {id}: na");
                } else {
                    let note = sentence(&mut self.rng, lang, 4, 10);
                    let _ = writeln!(out, "  {id}: {{score: na, note: {}}}", q(&note));
                }
                continue;
            }
            let x = (level + 0.35 * (self.rng.unit() - 0.5)).clamp(0.0, 0.999);
            let (key, value) = &levels[(x * levels.len() as f64) as usize];
            let shorthand_value = value.to_string();
            let shorthand_key = match scale {
                ScalePlan::FivePoint => q(key),
                _ => key.clone(),
            };
            match self.rng.below(20) {
                0..=7 => {
                    let _ = writeln!(out, "  {id}: {shorthand_value}");
                }
                8..=11 => {
                    let _ = writeln!(out, "  {id}: {shorthand_key}");
                }
                12..=13 => {
                    let _ = writeln!(out, "  {id}: {{score: {shorthand_key}}}");
                }
                14..=16 => {
                    let _ = writeln!(out, "  {id}:\n    score: {shorthand_value}");
                    self.note(&mut out, lang, &langs);
                }
                17 => {
                    let _ = writeln!(out, "  {id}:\n    score: {shorthand_key}");
                    self.note(&mut out, lang, &langs);
                    let n = self.rng.below(1000);
                    let _ = writeln!(
                        out,
                        "    evidence: [{}, {}]",
                        q(&format!("https://tickets.example.com/{subject}/{n}")),
                        q(&format!("export {date}"))
                    );
                }
                18 => {
                    let _ = writeln!(out, "  {id}:\n    score: {shorthand_value}");
                    self.note(&mut out, lang, &langs);
                    let owner = *self.rng.pick(&PEOPLE);
                    // Due well after the audit, so the newest round's actions are not overdue.
                    let due = date + Days::new(61 + self.rng.below(120) as u64);
                    let text = sentence(&mut self.rng, lang, 5, 12);
                    let _ = writeln!(
                        out,
                        "    action:\n      text: {}\n      owner: {}\n      due: {due}",
                        q(&text),
                        q(owner)
                    );
                }
                _ => {
                    // The short form of an action: just its text.
                    let _ = writeln!(out, "  {id}:\n    score: {shorthand_value}");
                    let text = sentence(&mut self.rng, lang, 5, 12);
                    let _ = writeln!(out, "    action: {}", q(&text));
                    let n = self.rng.below(1000);
                    let _ = writeln!(
                        out,
                        "    evidence: {}",
                        q(&format!("https://tickets.example.com/{subject}/{n}"))
                    );
                }
            }
        }
        out
    }

    /// A note: usually plain (in the audit's language), sometimes in two site languages.
    fn note(&mut self, out: &mut String, lang: &str, langs: &[&str]) {
        if langs.len() > 1 && self.rng.chance(0.25) {
            let other = langs.iter().copied().find(|l| *l != lang).unwrap_or(lang);
            let a = sentence(&mut self.rng, lang, 6, 16);
            let b = sentence(&mut self.rng, other, 6, 16);
            let _ = writeln!(
                out,
                "    note:\n      {lang}: {}\n      {other}: {}",
                q(&a),
                q(&b)
            );
        } else {
            let sentences = 1 + self.rng.below(2);
            let a = paragraph(&mut self.rng, lang, sentences);
            let _ = writeln!(out, "    note: {}", q(&a));
        }
    }

    // ----- metric snapshots -------------------------------------------------------------

    fn snapshots(&mut self) {
        let Some(&last) = self.round_dates.last() else {
            return;
        };
        let first = self.round_dates[0];
        let mut month = NaiveDate::from_ymd_opt(first.year(), 1, 1).unwrap_or(first);
        // From the first round's quarter to the last round's.
        month = NaiveDate::from_ymd_opt(month.year(), (first.month() - 1) / 3 * 3 + 1, 1)
            .unwrap_or(month);
        let mut m = 0usize;
        while month <= last {
            let taken = month_end(month);
            let from = month;
            for s in 0..self.subjects.len() {
                let subject = self.subjects[s].clone();
                let text = self.snapshot(Some(&subject), s, m, from, taken);
                let path = format!(
                    "metrics/{}/{}-{:02}-{subject}.yaml",
                    month.year(),
                    month.year(),
                    month.month()
                );
                self.add(path, text);
                self.summary.snapshots += 1;
            }
            let text = self.snapshot(None, 0, m, from, taken);
            let path = format!(
                "metrics/{}/{}-{:02}-org.yaml",
                month.year(),
                month.year(),
                month.month()
            );
            self.add(path, text);
            self.summary.snapshots += 1;
            month = taken + Days::new(1);
            m += 1;
        }
    }

    fn snapshot(
        &mut self,
        subject: Option<&str>,
        s: usize,
        m: usize,
        from: NaiveDate,
        taken: NaiveDate,
    ) -> String {
        let langs = self.langs.clone();
        let mut out = String::new();
        let _ = writeln!(out, "taken: {taken}");
        if self.rng.chance(0.7) {
            let _ = writeln!(out, "period: {{from: {from}, to: {taken}}}");
        }
        if let Some(subject) = subject {
            let _ = writeln!(out, "subject: {subject}");
        }
        // `language` gives plain-text notes their language.
        let lang = *self.rng.pick(&langs);
        if lang != langs[0] {
            let _ = writeln!(out, "language: {lang}");
        }
        // Organisation snapshots are bigger: break values down by team.
        let org = subject.is_none();
        let trend = (m as f64 * 0.3).min(12.0) + ((s * 31) % 10) as f64;
        let rng = &mut self.rng;
        out.push_str("values:\n");

        // csat: a number, or ratings.
        if rng.chance(0.5) {
            let _ = writeln!(out, "  csat: {:.1}", 72.0 + trend + 6.0 * rng.unit());
        } else {
            let r: Vec<u64> = (0..5).map(|i| 5 + rng.below(40 * (i + 1)) as u64).collect();
            let _ = writeln!(
                out,
                "  csat: {{ratings: {{1: {}, 2: {}, 3: {}, 4: {}, 5: {}}}}}",
                r[0], r[1], r[2], r[3], r[4]
            );
        }
        // nps: bands, 0-10 scores, or a number.
        match rng.below(3) {
            0 => {
                let _ = writeln!(
                    out,
                    "  nps: {{promoters: {}, passives: {}, detractors: {}}}",
                    100 + rng.below(400),
                    50 + rng.below(200),
                    20 + rng.below(150)
                );
            }
            1 => {
                let counts: Vec<String> = (0..=10)
                    .map(|k| format!("{k}: {}", 1 + rng.below(5 + 8 * k)))
                    .collect();
                let _ = writeln!(out, "  nps: {{scores: {{{}}}}}", counts.join(", "));
            }
            _ => {
                let _ = writeln!(out, "  nps: {}", rng.range(-20, 70));
            }
        }
        // first-response-time: every duration spelling.
        let secs = 600 + rng.below(3 * 3600) as u64;
        let _ = writeln!(out, "  first-response-time: {}", duration(rng, secs));
        // average-resolution-time: full form with breakdowns and sometimes a target.
        out.push_str("  average-resolution-time:\n");
        let secs = 10 * 3600 + rng.below(40 * 3600) as u64;
        let _ = writeln!(out, "    value: {}", duration(rng, secs));
        if rng.chance(0.2) {
            let _ = writeln!(
                out,
                "    target: {}",
                rng.pick(&["20h", "PT30H", "1d", "1d 6h"])
            );
        }
        out.push_str("    by:\n");
        let channels: Vec<String> = CHANNELS
            .iter()
            .map(|c| {
                let secs = 3600 + rng.below(50 * 3600) as u64;
                format!("{c}: {}", duration(rng, secs))
            })
            .collect();
        let _ = writeln!(out, "      channel: {{{}}}", channels.join(", "));
        let groups: Vec<String> = GROUPS
            .iter()
            .map(|g| {
                let secs = 3600 + rng.below(60 * 3600) as u64;
                format!("{g}: {}", duration(rng, secs))
            })
            .collect();
        let _ = writeln!(out, "      group: {{{}}}", groups.join(", "));
        if org {
            let teams: Vec<String> = self
                .subjects
                .iter()
                .take(12)
                .map(|t| {
                    let secs = 3600 + rng.below(50 * 3600) as u64;
                    format!("{t}: {}", duration(rng, secs))
                })
                .collect();
            let _ = writeln!(out, "      team: {{{}}}", teams.join(", "));
        }
        if rng.chance(0.3) {
            let note = sentence(rng, lang, 6, 14);
            let _ = writeln!(out, "    note: {}", q(&note));
        }
        // average-handle-time: by agent.
        if rng.chance(0.6) {
            out.push_str("  average-handle-time:\n");
            let secs = 240 + rng.below(600) as u64;
            let _ = writeln!(out, "    value: {}", duration(rng, secs));
            let agents: Vec<String> = (1..=6)
                .map(|a| {
                    let secs = 200 + rng.below(700) as u64;
                    format!("agent-{a:02}: {}", duration(rng, secs))
                })
                .collect();
            let _ = writeln!(out, "    by:\n      agent: {{{}}}", agents.join(", "));
        }
        // sla-compliance: a ratio, with ratio breakdowns.
        let total = 500 + rng.below(5000);
        let good = total - rng.below(total / 8);
        if rng.chance(0.5) {
            let _ = writeln!(out, "  sla-compliance: {{good: {good}, total: {total}}}");
        } else {
            let _ = writeln!(
                out,
                "  sla-compliance:\n    value: {{good: {good}, total: {total}}}\n    target: 97"
            );
            let parts: Vec<String> = CHANNELS
                .iter()
                .map(|c| {
                    let t = 100 + rng.below(2000);
                    let g = t - rng.below(t / 6);
                    format!("{c}: {{good: {g}, total: {t}}}")
                })
                .collect();
            let _ = writeln!(out, "    by:\n      channel: {{{}}}", parts.join(", "));
        }
        let total = 300 + rng.below(3000);
        let good = total / 2 + rng.below(total / 2);
        let _ = writeln!(
            out,
            "  first-contact-resolution: {{good: {good}, total: {total}}}"
        );
        // conversion-rate: a number with a note, plain or in two languages.
        let _ = writeln!(
            out,
            "  conversion-rate:\n    value: {:.1}",
            1.5 + 6.0 * rng.unit()
        );
        if langs.len() > 1 && rng.chance(0.3) {
            let _ = writeln!(out, "    note:");
            for l in langs.iter().take(2) {
                let _ = writeln!(out, "      {l}: {}", q(&sentence(rng, l, 5, 12)));
            }
        } else {
            let _ = writeln!(out, "    note: {}", q(&sentence(rng, lang, 5, 12)));
        }
        if rng.chance(0.5) {
            let _ = writeln!(out, "  csi: {:.1}", 75.0 + 20.0 * rng.unit());
        }
        let _ = writeln!(out, "  backlog: {}", 40 + rng.below(200));
        if rng.chance(0.3) {
            let _ = writeln!(out, "  quality-score: {}", rng.range(40, 95));
        }
        out
    }
}

/// A duration in one of the spellings the format accepts.
fn duration(rng: &mut Rng, secs: u64) -> String {
    let (d, h, m, s) = (
        secs / 86_400,
        secs % 86_400 / 3600,
        secs % 3600 / 60,
        secs % 60,
    );
    match rng.below(7) {
        0 if d > 0 => format!("{d}d {h}h"),
        0 | 1 => format!("{}h {m}m", d * 24 + h),
        2 => format!("PT{}H{m}M", d * 24 + h),
        3 => format!("{}m", secs / 60),
        4 => format!("{}min", secs / 60),
        5 if secs < 7200 => format!("{}m {s}s", secs / 60),
        5 => format!("{:.1}h", secs as f64 / 3600.0),
        _ => format!("{secs}s"),
    }
}

fn quarter_end(year: i32, quarter: u32) -> NaiveDate {
    let first_of_next = if quarter == 4 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, quarter * 3 + 1, 1)
    };
    first_of_next
        .and_then(|d| d.pred_opt())
        .unwrap_or(NaiveDate::MIN)
}

fn month_end(first: NaiveDate) -> NaiveDate {
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    };
    next.and_then(|d| d.pred_opt()).unwrap_or(first)
}

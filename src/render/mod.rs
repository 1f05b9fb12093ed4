//! Rendering: the validated model and its results become the site's pages, data files and
//! assets, handed to a [`Sink`] as they are made — `output::Staging` writes them to disk,
//! [`Collect`] keeps them in memory as a [`Site`]. A [`Plan`] says which files to make: all of
//! them, or (for `serve`) those that depend on the audits that changed.

mod format;
mod percent_table;
mod views;

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use rayon::prelude::*;
use serde::Serialize;

use crate::model::Model;
use crate::score::{AuditResult, SnapshotIndex};
use crate::templates::Templates;
use crate::text::{Text, is_rtl};

pub use crate::site::{CSP, Collect, REPORT_CSP, RenderError, Sink, Site, paths, up};
pub use format::{DatePart, Day, Formats, Locale, MarkdownCache, Md, Txt};

/// What every page template gets as `page`.
#[derive(Serialize)]
pub struct PageInfo {
    pub lang: String,
    pub dir: &'static str,
    pub title: String,
    pub site_title: Txt,
    pub description: String,
    /// From this page to the root of its language ("../../").
    pub root: String,
    /// From this page to the root of the output folder, where assets and data live.
    pub base: String,
    pub csp: &'static str,
    pub section: &'static str,
    pub languages: Vec<LangLink>,
    /// The site's sections: [`Link`]s as one template value, shared by the pages of a
    /// section at one folder depth.
    pub nav: tera::Value,
    pub crumbs: Vec<Link>,
    /// The round switcher: [`Link`]s as one template value, shared by the pages of a round
    /// at one folder depth ([`Ctx::round_switcher`]).
    pub rounds: tera::Value,
    /// From this page to its language's Atom feed, when the site has one.
    pub feed: Option<String>,
    /// The page's absolute address, when `base_url` is set.
    pub url: Option<String>,
    /// Whether the site is a public edition, which leaves something out (docs/public.md).
    pub public: bool,
}

#[derive(Serialize, Clone)]
pub struct Link {
    pub label: Txt,
    pub href: String,
    pub current: bool,
}

#[derive(Serialize)]
pub struct LangLink {
    pub code: String,
    pub name: String,
    pub href: String,
    pub current: bool,
    pub dir: &'static str,
}

/// Everything shared by the pages of one build.
pub struct Ctx<'m> {
    pub model: &'m Model,
    pub results: &'m [AuditResult],
    pub templates: &'m Templates,
    pub snapshots: SnapshotIndex<'m>,
    /// Which actions are overdue.
    pub overdue: crate::analysis::Overdue<'m>,
    pub subjects: HashMap<String, Text>,
    pub md: MarkdownCache,
    pub strings: HashMap<String, crate::i18n::Strings>,
    /// The same strings as template values, converted once per language: `t` for element
    /// content (marked as English where they fell back to it), `ta` for attributes.
    pub string_values: HashMap<String, (tera::Value, tera::Value)>,
    result_index: FastMap<(&'m str, &'m str), usize>,
    /// The item titles of each checklist version (by its address) in each language, as
    /// template values made once and shared by every audit of the version.
    item_titles: Mutex<FastMap<(String, usize), Values>>,
    /// Round switchers by language, path to the root and current round.
    switchers: Mutex<FastMap<(String, String, String), tera::Value>>,
    /// Section links by language, path to the root and current section.
    navs: Mutex<FastMap<(String, String, String), tera::Value>>,
}

/// The maps looked up for every page and value: keyed by the workspace's own ids and texts,
/// they need no defence against crafted keys, and SipHash was 2% of a build's instructions.
pub(crate) type FastMap<K, V> = HashMap<K, V, ahash::RandomState>;
pub(crate) type FastSet<K> = HashSet<K, ahash::RandomState>;

/// Template values made once and shared.
pub type Values = std::sync::Arc<[tera::Value]>;

/// The value kept in `made` for `key`, made by `make` and kept the first time. Values are
/// cheap to clone (template values share their contents).
fn made_once<K: std::hash::Hash + Eq, V: Clone>(
    made: &Mutex<FastMap<K, V>>,
    key: K,
    make: impl FnOnce() -> V,
) -> V {
    if let Ok(kept) = made.lock()
        && let Some(value) = kept.get(&key)
    {
        return value.clone();
    }
    let value = make();
    if let Ok(mut kept) = made.lock() {
        kept.insert(key, value.clone());
    }
    value
}

impl<'m> Ctx<'m> {
    /// The round switcher of a page at `path` of round `current`: every round, newest first,
    /// as one template value made once per language, folder depth and round.
    pub fn round_switcher(&self, loc: &Locale, path: &str, current: &str) -> tera::Value {
        let root = up(path);
        let key = (loc.lang.to_string(), root.clone(), current.to_string());
        made_once(&self.switchers, key, || {
            let links: Vec<Link> = (self.model.rounds.iter().rev())
                .map(|r| Link {
                    label: match &r.title {
                        Some(t) => loc.txt(t),
                        None => Txt::plain(r.id.clone()),
                    },
                    href: format!("{root}{}", paths::round(&r.id)),
                    current: r.id == current,
                })
                .collect();
            tera::Value::from_serializable(&links)
        })
    }

    /// The links to the site's sections from a page at `root` of section `section`.
    fn nav(&self, loc: &Locale, root: &str, section: &str) -> tera::Value {
        let key = (loc.lang.to_string(), root.to_string(), section.to_string());
        made_once(&self.navs, key, || self.make_nav(loc, root, section))
    }

    fn make_nav(&self, loc: &Locale, root: &str, section: &str) -> tera::Value {
        let sections = [
            ("dashboard", "nav_dashboard", "index.html"),
            ("rounds", "nav_rounds", "rounds/index.html"),
            ("checklists", "nav_checklists", "checklists/index.html"),
            ("metrics", "nav_metrics", "metrics/index.html"),
        ];
        // The exemptions page exists only where there are exemptions.
        let exemptions = [(
            "exemptions",
            "nav_exemptions",
            crate::site::paths::EXEMPTIONS,
        )];
        let sections = sections.iter().chain(
            exemptions
                .iter()
                .filter(|_| !self.model.exemptions.is_empty()),
        );
        let links: Vec<Link> = sections
            .map(|(id, key, href)| Link {
                label: loc.ui(key),
                href: format!("{root}{href}"),
                current: *id == section,
            })
            .collect();
        tera::Value::from_serializable(&links)
    }

    /// No round switcher.
    pub fn no_switcher() -> tera::Value {
        tera::Value::from(Vec::<tera::Value>::new())
    }

    /// The titles of `checklist`'s items in `loc`'s language, in item order, as template
    /// values ([`Txt`]s).
    pub fn item_titles(&self, loc: &Locale, checklist: &crate::model::Checklist) -> Values {
        let key = (loc.lang.to_string(), std::ptr::from_ref(checklist) as usize);
        made_once(&self.item_titles, key, || {
            (checklist.items())
                .map(|(_, item)| tera::Value::from_serializable(&loc.txt(&item.title)))
                .collect()
        })
    }

    pub fn result(&self, round: &str, audit: &str) -> Option<&'m AuditResult> {
        self.result_index
            .get(&(round, audit))
            .map(|&i| &self.results[i])
    }

    pub fn locale<'a>(&'a self, lang: &'a str) -> Locale<'a> {
        Locale {
            lang,
            default_lang: self.model.default_language(),
            strings: &self.strings[lang],
            md_cache: &self.md,
            formats: Formats::of(lang),
        }
    }

    /// The prefix of a language's pages: "" for the default language, "hr/" for others.
    pub fn lang_prefix(&self, lang: &str) -> String {
        if lang == self.model.default_language() {
            String::new()
        } else {
            format!("{lang}/")
        }
    }

    /// The common part of a page's context.
    pub fn page_info(
        &self,
        loc: &Locale,
        path: &str,
        section: &'static str,
        title: String,
        crumbs: Vec<Link>,
        rounds: tera::Value,
    ) -> PageInfo {
        let root = up(path);
        let base = format!("{root}{}", up(&self.lang_prefix(loc.lang)));
        let nav = self.nav(loc, &root, section);
        let languages = self
            .model
            .config
            .languages
            .iter()
            .map(|l| LangLink {
                code: l.clone(),
                name: format::autonym(l),
                href: format!("{base}{}{path}", self.lang_prefix(l)),
                current: l == loc.lang,
                dir: if is_rtl(l) { "rtl" } else { "ltr" },
            })
            .collect();
        let site_title = loc.txt(&self.model.config.title);
        let full_title = if title.is_empty() {
            site_title.text.clone()
        } else {
            format!("{title} · {}", site_title.text)
        };
        let feed = views::feed_path(self, loc.lang).map(|f| format!("{base}{f}"));
        let url = self
            .model
            .config
            .base_url
            .as_deref()
            .map(|b| views::absolute_url(b, &format!("{}{path}", self.lang_prefix(loc.lang))));
        PageInfo {
            lang: loc.lang.to_string(),
            dir: if is_rtl(loc.lang) { "rtl" } else { "ltr" },
            title: full_title,
            description: title,
            site_title,
            root,
            base,
            csp: CSP,
            section,
            languages,
            nav,
            crumbs,
            rounds,
            feed,
            url,
            public: self.model.config.left_out != crate::public::Hide::NONE,
        }
    }
}

/// The interface strings of a language as template values: `t` holds escaped HTML, with
/// text that fell back to English wrapped in a span that says so; `ta` holds plain text for
/// attributes, which Tera escapes when printing.
fn template_strings(lang: &str, strings: &crate::i18n::Strings) -> (tera::Value, tera::Value) {
    let mark = if is_rtl(lang) {
        " lang=\"en\" dir=\"ltr\""
    } else {
        " lang=\"en\""
    };
    let mut html = std::collections::BTreeMap::new();
    for (key, text) in &strings.map {
        let escaped = escape(text);
        let value = if strings.fallback.contains(key) {
            format!("<span{mark}>{escaped}</span>")
        } else {
            escaped
        };
        html.insert(key.clone(), tera::Value::safe_string(&value));
    }
    (
        tera::Value::from(html),
        tera::Value::from_serializable(&strings.map),
    )
}

fn escape(s: &str) -> String {
    let s = crate::markdown::clean(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            '/' => out.push_str("&#x2F;"),
            c => out.push(c),
        }
    }
    out
}

/// Which pages a render makes.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// Every file of the site.
    All,
    /// The pages and data files of these audits (round id, audit id), the pages of these
    /// rounds, the pages of these items (checklist id, item id), and the files any change of
    /// an audit touches: dashboards, the rounds index and latest-round redirect, search
    /// indexes, versions.json and assets. `serve` uses it when only audits changed.
    Only {
        audits: HashSet<(String, String)>,
        rounds: HashSet<String>,
        items: HashSet<(String, String)>,
    },
}

impl Plan {
    pub fn includes_audit(&self, round: &str, audit: &str) -> bool {
        match self {
            Plan::All => true,
            Plan::Only { audits, .. } => audits.contains(&(round.to_string(), audit.to_string())),
        }
    }

    /// Whether any item page of checklist `id` is rendered.
    pub fn includes_checklist(&self, id: &str) -> bool {
        match self {
            Plan::All => true,
            Plan::Only { items, .. } => items.iter().any(|(c, _)| c == id),
        }
    }

    /// Whether the page of item `item` of checklist `checklist` is rendered.
    pub fn includes_item(&self, checklist: &str, item: &str) -> bool {
        match self {
            Plan::All => true,
            Plan::Only { items, .. } => items.contains(&(checklist.to_string(), item.to_string())),
        }
    }

    pub fn includes_round(&self, round: &str) -> bool {
        match self {
            Plan::All => true,
            Plan::Only { rounds, .. } => rounds.contains(round),
        }
    }
}

/// Search entries of each audit per language (language, round, audit), kept between the
/// rebuilds of `serve` so that audits whose pages are not rendered again still have their
/// entries in the search index.
pub type SearchMemo = Mutex<HashMap<(String, String, String), views::SearchEntries>>;

/// Renders the whole site into memory.
pub fn render(
    model: &Model,
    results: &[AuditResult],
    templates: &Templates,
) -> Result<Site, RenderError> {
    let sink = Collect::default();
    render_into(model, results, templates, &Plan::All, None, &sink)?;
    Ok(sink.into_site())
}

/// Renders the files `plan` names into `sink`, on every core. Each file's bytes depend only
/// on the model, never on the order work is done in.
pub fn render_into(
    model: &Model,
    results: &[AuditResult],
    templates: &Templates,
    plan: &Plan,
    memo: Option<&SearchMemo>,
    sink: &dyn Sink,
) -> Result<(), RenderError> {
    let mut strings = HashMap::new();
    for lang in &model.config.languages {
        strings.insert(
            lang.clone(),
            crate::i18n::strings_for(lang, model.i18n.get(lang)),
        );
    }
    let string_values = strings
        .iter()
        .map(|(l, s)| (l.clone(), template_strings(l, s)))
        .collect();
    let result_index = results
        .iter()
        .enumerate()
        .map(|(i, r)| ((r.round.as_str(), r.audit.as_str()), i))
        .collect();
    let ctx = Ctx {
        model,
        results,
        templates,
        snapshots: SnapshotIndex::new(&model.snapshots),
        overdue: crate::analysis::Overdue::new(model),
        subjects: format::subject_titles(model),
        md: MarkdownCache::default(),
        strings,
        string_values,
        result_index,
        item_titles: Mutex::default(),
        switchers: Mutex::default(),
        navs: Mutex::default(),
    };
    // One list of work for all languages, so that both cores stay busy to the end.
    let units = views::units(&ctx);
    let languages = &model.config.languages;
    let work: Vec<(usize, views::Unit)> = (0..languages.len())
        .flat_map(|l| units.iter().map(move |u| (l, *u)))
        .collect();
    let entries: Vec<(usize, Option<views::SearchEntries>)> = work
        .par_iter()
        .map(|&(l, unit)| {
            views::render_unit(&ctx, &languages[l], unit, plan, memo, sink).map(|e| (l, e))
        })
        .collect::<Result<_, RenderError>>()?;
    // Work is in language order, one run of units per language: each index takes its run.
    // The indexes are megabytes each, so they are made side by side.
    languages
        .par_iter()
        .zip(entries.par_chunks(units.len().max(1)))
        .try_for_each(|(lang, of_lang)| {
            views::render_search(lang, of_lang.iter().filter_map(|(_, e)| e.as_deref()), sink)
        })?;
    views::render_data(&ctx, plan, sink)?;
    views::render_feeds(&ctx, sink)?;
    views::render_badges(&ctx, sink)?;
    sink.put("assets/style.css".into(), templates.style().as_bytes())?;
    sink.put(
        "assets/search.js".into(),
        crate::templates::SEARCH_JS.as_bytes(),
    )?;
    sink.put("assets/icon.svg".into(), crate::templates::ICON.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Takes a few files, then fails like a full disk.
    struct FailingSink {
        taken: AtomicUsize,
    }

    impl Sink for FailingSink {
        fn put(&self, path: String, _bytes: &[u8]) -> Result<(), crate::site::OutputError> {
            if self.taken.fetch_add(1, Ordering::SeqCst) < 10 {
                return Ok(());
            }
            Err(crate::site::OutputError::Io {
                path: path.into(),
                error: std::io::Error::other("no space left"),
            })
        }
    }

    #[test]
    fn a_file_the_sink_cannot_take_stops_the_render_with_its_error() {
        let Ok(p) = crate::build::prepare(std::path::Path::new("tests/fixtures/site/multilingual"))
        else {
            panic!("the fixture is valid");
        };
        let sink = FailingSink {
            taken: AtomicUsize::new(0),
        };
        let err = p
            .render(&Plan::All, None, &sink)
            .expect_err("the sink failed");
        assert!(matches!(err, RenderError::Write(_)), "{err}");
        assert!(err.to_string().contains("no space left"), "{err}");
    }
}

//! The built-in interface languages: every `src/i18n/<lang>.ftl` parses and has exactly the
//! messages of `en.ftl` with the same variables, and a workspace in German, French, Spanish, Italian,
//! Portuguese, Dutch and Polish (`tests/fixtures/languages`) checks without a fallback
//! warning and builds pages that name their language and carry no English interface text.

use crate::support::run;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use scraper::{Html, Node, Selector};
use serde_json::Value;

use run::{auditbook, build_ok, stderr};

/// The site languages of the fixture; the first is the default, rendered at the root.
const LANGS: &[&str] = &["de", "fr", "es", "it", "pt", "nl", "pl"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The messages of one `src/i18n/<lang>.ftl`, by key, with the variables each uses; the
/// file must parse without errors.
fn messages(lang: &str) -> BTreeMap<String, BTreeSet<String>> {
    let path = root().join(format!("src/i18n/{lang}.ftl"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (found, problems) = auditbook::i18n::parse_ftl(&text);
    assert!(problems.is_empty(), "{}: {problems:?}", path.display());
    found
        .into_iter()
        .map(|m| (m.key, m.vars.into_iter().map(|v| v.name).collect()))
        .collect()
}

/// The messages of one language that take no values, as pages show them.
fn strings(lang: &str) -> std::collections::HashMap<String, String> {
    auditbook::i18n::strings_for(lang, None)
        .map
        .into_iter()
        .collect()
}

/// Every language with a file under `src/i18n/`.
fn builtin_languages() -> Vec<String> {
    let dir = root().join("src/i18n");
    let mut langs: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("read src/i18n").path())
        .filter(|path| path.extension().is_some_and(|e| e == "ftl"))
        .filter_map(|path| Some(path.file_stem()?.to_str()?.to_string()))
        .collect();
    langs.sort();
    langs
}

#[test]
fn every_builtin_language_parses_and_has_the_keys_and_variables_of_english() {
    let en = messages("en");
    assert!(en.len() > 100, "only {} English strings", en.len());
    let langs = builtin_languages();
    assert_eq!(langs.len(), 13, "{langs:?}");
    for lang in LANGS {
        assert!(langs.iter().any(|l| l == lang), "no src/i18n/{lang}.ftl");
    }
    let mut problems = Vec::new();
    for lang in &langs {
        let table = messages(lang);
        let keys: BTreeSet<&String> = table.keys().collect();
        let en_keys: BTreeSet<&String> = en.keys().collect();
        for key in en_keys.difference(&keys) {
            problems.push(format!("{lang}: missing {key}"));
        }
        for key in keys.difference(&en_keys) {
            problems.push(format!("{lang}: unknown {key}"));
        }
        for (key, vars) in &table {
            let Some(english) = en.get(key) else { continue };
            if vars != english {
                problems.push(format!("{lang}: {key} has {vars:?}, English {english:?}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ----- the built site ---------------------------------------------------------------------

/// A copy of `tests/fixtures/languages` at `<tmp>/ws`, built into `<tmp>/out`.
struct Site {
    tmp: tempfile::TempDir,
}

impl Site {
    fn new() -> Site {
        let src = root().join("tests/fixtures/languages");
        let tmp = tempfile::tempdir().expect("create a temporary folder");
        for entry in walkdir::WalkDir::new(&src).sort_by_file_name() {
            let entry = entry.expect("walk the fixture");
            let rel = entry.path().strip_prefix(&src).expect("inside the fixture");
            let to = tmp.path().join("ws").join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).expect("create a folder");
            } else {
                std::fs::copy(entry.path(), &to).expect("copy a file");
            }
        }
        Site { tmp }
    }

    fn ws(&self) -> PathBuf {
        self.tmp.path().join("ws")
    }

    fn build(&self) -> PathBuf {
        let out = self.tmp.path().join("out");
        build_ok(&self.ws(), &out);
        out
    }
}

/// Every HTML page under `out`, relative path with `/`.
fn pages(out: &Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(out).sort_by_file_name() {
        let entry = entry.expect("walk the output");
        if entry.path().extension().is_some_and(|e| e == "html") {
            let rel = entry.path().strip_prefix(out).expect("inside the output");
            let text = std::fs::read_to_string(entry.path()).expect("read a page");
            found.push((rel.to_string_lossy().replace('\\', "/"), text));
        }
    }
    found
}

/// The language a page is in, from its path: the first folder for a non-default language.
fn page_lang(rel: &str) -> &'static str {
    LANGS[1..]
        .iter()
        .find(|l| rel.starts_with(&format!("{l}/")))
        .copied()
        .unwrap_or(LANGS[0])
}

/// The text a reader sees or hears on a page: its text nodes outside scripts and styles, and
/// the attributes read out or shown (labels, placeholders, titles), each split at `·` and
/// trimmed of a trailing colon.
fn visible_texts(html: &str) -> BTreeSet<String> {
    let doc = Html::parse_document(html);
    let mut raw = Vec::new();
    for node in doc.tree.nodes() {
        if let Node::Text(text) = node.value() {
            let hidden = node.ancestors().any(|a| {
                a.value()
                    .as_element()
                    .is_some_and(|e| matches!(e.name(), "script" | "style"))
            });
            if !hidden {
                raw.push(text.to_string());
            }
        }
    }
    let labelled =
        Selector::parse("[aria-label], [placeholder], [title], [alt]").expect("selector");
    for element in doc.select(&labelled) {
        for name in ["aria-label", "placeholder", "title", "alt"] {
            raw.extend(element.value().attr(name).map(str::to_string));
        }
    }
    raw.iter()
        .flat_map(|t| t.split('·'))
        .map(|t| t.trim().trim_end_matches(':').trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

#[test]
fn the_new_languages_check_without_falling_back_to_english() {
    let site = Site::new();
    let o = auditbook([std::ffi::OsStr::new("check"), site.ws().as_os_str()]);
    let all = format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
    assert_eq!(o.status.code(), Some(0), "check failed:\n{all}");
    assert!(!all.contains("fall back to English"), "{all}");
    assert!(!all.contains("warning"), "{all}");
}

#[test]
fn every_page_names_its_language() {
    let site = Site::new();
    let out = site.build();
    let pages = pages(&out);
    let html = Selector::parse("html").expect("selector");
    let mut per_lang: BTreeMap<&str, usize> = BTreeMap::new();
    for (rel, text) in &pages {
        let doc = Html::parse_document(text);
        let root = doc.select(&html).next().expect("an html element");
        let want = page_lang(rel);
        assert_eq!(root.value().attr("lang"), Some(want), "{rel}");
        assert_ne!(root.value().attr("dir"), Some("rtl"), "{rel}");
        *per_lang.entry(want).or_default() += 1;
    }
    assert_eq!(per_lang.keys().copied().collect::<Vec<_>>(), {
        let mut l = LANGS.to_vec();
        l.sort_unstable();
        l
    });
    let counts: BTreeSet<usize> = per_lang.values().copied().collect();
    assert_eq!(
        counts.len(),
        1,
        "the languages have different pages: {per_lang:?}"
    );
}

#[test]
fn the_german_dashboard_has_no_english_interface_text() {
    let site = Site::new();
    let out = site.build();
    let page = std::fs::read_to_string(out.join("index.html")).expect("read the dashboard");
    let texts = visible_texts(&page);
    assert!(texts.contains("Alle Teams und Checklisten"), "{texts:?}");

    // The English strings that German words differently: interface strings and metric titles.
    let (en, de) = (strings("en"), strings("de"));
    let mut english: Vec<String> = en
        .iter()
        .filter(|(key, text)| de.get(*key) != Some(*text) && !text.contains('{'))
        .map(|(_, text)| text.clone())
        .collect();
    let metrics: Value = serde_saphyr::from_str(
        &std::fs::read_to_string(root().join("src/builtin/metrics.yaml")).expect("read metrics"),
    )
    .expect("parse the built-in metrics");
    for metric in metrics.as_array().expect("a list of metrics") {
        let title = &metric["title"];
        if title["en"] != title["de"] {
            english.extend(title["en"].as_str().map(str::to_string));
        }
    }
    assert!(
        english.len() > 100,
        "only {} English strings",
        english.len()
    );

    let found: Vec<(&String, &String)> = texts
        .iter()
        .flat_map(|t| english.iter().map(move |e| (t, e)))
        .filter(|(t, e)| *t == *e || (e.contains(' ') && t.contains(e.as_str())))
        .collect();
    assert!(
        found.is_empty(),
        "English on the German dashboard: {found:?}"
    );
}

/// Counts on a built page take the page language's plural form: Polish "2 pozycje" (few)
/// and "12,5 punktu" (a fraction), where German has "2 Prüfpunkte".
#[test]
fn counts_on_built_pages_take_the_languages_plural_form() {
    let site = Site::new();
    let out = site.build();
    let read = |path: &str| {
        std::fs::read_to_string(out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    let pl: Vec<String> = visible_texts(&read("pl/rounds/2026-q2/berlin/gaps/index.html"))
        .into_iter()
        .collect();
    let has = |texts: &[String], s: &str| texts.iter().any(|t| t.contains(s));
    assert!(has(&pl, "2 pozycje poniżej celu"), "{pl:?}");
    assert!(has(&pl, "−12,5 punktu"), "{pl:?}");
    let de: Vec<String> = visible_texts(&read("rounds/2026-q2/berlin/gaps/index.html"))
        .into_iter()
        .collect();
    assert!(has(&de, "2 Prüfpunkte unter Zielwert"), "{de:?}");
}

/// The bundled demo is written in all six of its site languages, so no text on any page falls
/// back to another one: the only elements whose `lang` differs from the page's are language
/// names written in their own language (the language switcher, the translation coverage table).
#[test]
fn the_demo_has_no_text_that_fell_back_to_another_language() {
    let tmp = tempfile::tempdir().expect("create a temporary folder");
    let out = tmp.path().join("demo");
    build_ok(root(), &out);
    let html = Selector::parse("html").expect("selector");
    let marked = Selector::parse("[lang]").expect("selector");
    let switcher = Selector::parse("a[hreflang][lang]").expect("selector");
    let pages = pages(&out);
    // Each language's own name, from the language switcher.
    let mut autonyms: BTreeMap<String, String> = BTreeMap::new();
    for (_, text) in &pages {
        for a in Html::parse_document(text).select(&switcher) {
            let lang = a.value().attr("lang").unwrap_or_default().to_string();
            autonyms.insert(lang, a.text().collect::<String>().trim().to_string());
        }
    }
    assert!(autonyms.len() >= 6, "no language switcher: {autonyms:?}");
    let mut fallbacks = Vec::new();
    let mut seen = 0;
    for (rel, text) in &pages {
        let doc = Html::parse_document(text);
        let page = doc
            .select(&html)
            .next()
            .and_then(|e| e.value().attr("lang"))
            .unwrap_or_else(|| panic!("{rel}: no lang on <html>"))
            .to_string();
        for element in doc.select(&marked) {
            let lang = element.value().attr("lang").unwrap_or_default();
            if element.value().name() == "html" || lang == page {
                continue;
            }
            seen += 1;
            let words = element.text().collect::<String>();
            if autonyms.get(lang).map(String::as_str) != Some(words.trim()) {
                fallbacks.push(format!(
                    "{rel}: <{} lang={lang}> {words}",
                    element.value().name()
                ));
            }
        }
    }
    assert!(
        seen > 0,
        "no language names found: is the switcher still marked?"
    );
    assert!(
        fallbacks.is_empty(),
        "{} texts fell back to another language, first:\n{}",
        fallbacks.len(),
        fallbacks
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// A label's colon is written as its language writes it: French puts a no-break space
/// before it ("Objectif : Maîtrisé"), German none ("Zielwert: …").
#[test]
fn labels_end_in_the_languages_colon() {
    let site = Site::new();
    let out = site.build();
    let read = |path: &str| {
        std::fs::read_to_string(out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    let fr = read("fr/checklists/support/v1/index.html");
    assert!(fr.contains("Objectif\u{a0}: "), "no French colon");
    assert!(!fr.contains("Objectif: "), "a colon without its space");
    let de = read("checklists/support/v1/index.html");
    assert!(
        de.contains(": ") && !de.contains("\u{a0}: "),
        "German has no space before a colon"
    );
}

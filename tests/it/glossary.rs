//! The bundled wording against `docs/glossary.md`: for every idea of the glossary and every
//! language, none of the variants in its **not** column appears in that language's interface
//! strings (`src/i18n/<lang>.ftl`), in the built-in metric texts (`src/builtin/metrics.yaml`)
//! or in the demo workspace's texts (the checklists below, audits, snapshot notes and exemptions). A
//! variant is matched case-insensitively at the start of a word, so a stem rules out its
//! inflected forms too.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

/// The languages the project bundles, in the order of the glossary tables.
const LANGS: &[&str] = &[
    "en", "hr", "hu", "sl", "et", "ru", "de", "fr", "es", "it", "pt", "nl", "pl",
];

/// One row of a glossary table: an idea, a language and the variants that must not be used.
#[derive(Debug)]
struct Row {
    idea: String,
    lang: String,
    not: Vec<String>,
}

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The rows of every table in the glossary: `## idea` headings, then `| lang | term | not |`.
fn parse_glossary(text: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut idea = String::new();
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            idea = heading.trim().to_string();
            continue;
        }
        let Some(inner) = line.strip_prefix('|').and_then(|l| l.strip_suffix('|')) else {
            continue;
        };
        let cells: Vec<&str> = inner.split('|').map(str::trim).collect();
        let [lang, _term, not] = cells[..] else {
            panic!("glossary row without three cells: {line}");
        };
        if !LANGS.contains(&lang) {
            continue;
        }
        let not = not
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty() && *v != "—")
            .map(str::to_lowercase)
            .collect();
        rows.push(Row {
            idea: idea.clone(),
            lang: lang.to_string(),
            not,
        });
    }
    rows
}

fn parse_yaml(relative: &str) -> Value {
    serde_saphyr::from_str(&read(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// Every string under a key named `lang`, anywhere in `value`, with the path that leads to it.
fn texts_in(value: &Value, lang: &str, path: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let here = format!("{path}.{key}");
                match child {
                    Value::String(s) if key == lang => out.push((here, s.clone())),
                    _ => texts_in(child, lang, &here, out),
                }
            }
        }
        Value::Array(list) => {
            for (i, child) in list.iter().enumerate() {
                texts_in(child, lang, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// The demo files whose texts follow the glossary: two of the bundled checklists, and every
/// audit and metric snapshot.
fn demo_files() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![
        "checklists/customer-service-audit.yaml".to_string(),
        "checklists/archive/customer-service-audit.v1.yaml".to_string(),
        "checklists/customer-service-checklist.yaml".to_string(),
        "checklists/help-desk-setup.yaml".to_string(),
    ];
    for folder in ["audits", "metrics", "exemptions"] {
        for entry in walkdir::WalkDir::new(root.join(folder)).sort_by_file_name() {
            let entry = entry.expect("walk the demo workspace");
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "yaml") {
                let relative = path.strip_prefix(root).expect("inside the repository");
                files.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    files
}

/// The messages of a built-in `.ftl` file, by key: the text after `key =`, every line and
/// plural form of it.
fn ftl_texts(file: &str) -> Vec<(String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let src = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
    let (messages, problems) = auditbook::i18n::parse_ftl(&src);
    assert!(problems.is_empty(), "{file}: {problems:?}");
    messages
        .into_iter()
        .map(|m| {
            let text = m
                .source
                .split_once('=')
                .map_or("", |(_, v)| v)
                .trim()
                .to_string();
            (format!("{file}: {}", m.key), text)
        })
        .collect()
}

/// The interface strings, metric texts and demo texts of each language, each with where it
/// comes from.
fn bundled_texts() -> BTreeMap<&'static str, Vec<(String, String)>> {
    let metrics = parse_yaml("src/builtin/metrics.yaml");
    let demo: Vec<(String, Value)> = demo_files()
        .into_iter()
        .map(|file| {
            let value = parse_yaml(&file);
            (file, value)
        })
        .collect();
    assert!(demo.len() > 20, "only {} demo files", demo.len());
    let mut all = BTreeMap::new();
    for &lang in LANGS {
        let file = format!("src/i18n/{lang}.ftl");
        let mut texts: Vec<(String, String)> = ftl_texts(&file);
        texts_in(&metrics, lang, "src/builtin/metrics.yaml: ", &mut texts);
        for (file, value) in &demo {
            texts_in(value, lang, &format!("{file}: "), &mut texts);
        }
        all.insert(lang, texts);
    }
    all
}

/// `text` without its `{name}` placeholders: their names are filled in, never shown, so they
/// are no word of the language (`{target}` in a German string is not the English "target").
fn without_placeholders(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push(' ');
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// Whether `needle` (lower case) starts a word somewhere in `haystack`, outside placeholders.
fn starts_a_word(haystack: &str, needle: &str) -> bool {
    let haystack = without_placeholders(haystack).to_lowercase();
    haystack.match_indices(needle).any(|(at, _)| {
        haystack[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric())
    })
}

#[test]
fn word_start_matching() {
    assert!(starts_a_word("Zona je rizična", "rizič"));
    assert!(starts_a_word("«Раунд»", "раунд"));
    assert!(!starts_a_word("Sihttase", "tase"));
    assert!(!starts_a_word("points", "int"));
    assert!(!starts_a_word("Wynik {score} przy celu {target}", "target"));
    assert!(starts_a_word("{score} target", "target"));
    assert!(starts_a_word("{name: target", "target"));
}

#[test]
fn the_glossary_covers_every_language() {
    let rows = parse_glossary(&read("docs/glossary.md"));
    let mut per_idea: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for row in &rows {
        per_idea.entry(&row.idea).or_default().push(&row.lang);
    }
    assert!(per_idea.len() >= 30, "only {} ideas", per_idea.len());
    for (idea, langs) in per_idea {
        assert_eq!(langs, LANGS, "languages of '{idea}'");
    }
    assert!(rows.iter().any(|r| !r.not.is_empty()));
}

#[test]
fn bundled_texts_use_the_glossary_terms() {
    let rows = parse_glossary(&read("docs/glossary.md"));
    let texts = bundled_texts();
    let mut found = Vec::new();
    for row in &rows {
        for (place, text) in &texts[row.lang.as_str()] {
            for variant in &row.not {
                if starts_a_word(text, variant) {
                    found.push(format!(
                        "{place} ({}): '{variant}' instead of the glossary term for '{}': {text}",
                        row.lang, row.idea
                    ));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "{} discouraged variants:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn every_bundled_language_is_in_the_glossary() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/i18n");
    let mut bundled: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("read src/i18n").path())
        .filter(|path| path.extension().is_some_and(|e| e == "ftl"))
        .filter_map(|path| Some(path.file_stem()?.to_str()?.to_string()))
        .collect();
    bundled.sort();
    let mut checked: Vec<String> = LANGS.iter().map(|l| l.to_string()).collect();
    checked.sort();
    assert_eq!(
        bundled, checked,
        "src/i18n/*.ftl against the glossary languages"
    );
}

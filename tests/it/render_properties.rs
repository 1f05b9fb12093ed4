//! Properties of rendering hostile text (docs/security.md, promises 1 and 5):
//!
//! - Markdown rendered by `markdown::render` holds only the tags, attributes and link schemes
//!   of the sanitising policy (`tests/support/markup.rs`), whatever the input;
//! - a whole site rendered by `render::render` with the built-in templates, from a workspace
//!   whose every text field is random text over a hostile alphabet, never holds a `<script`
//!   other than the site's own, an event-handler attribute, or a link with another scheme.
//!
//! The workspaces are written to a temporary folder and loaded with `auditbook::load`, so the
//! model is one the loader accepts, as in a real build. The fuzz targets in `fuzz/` check the
//! same on inputs that libFuzzer mutates.

use crate::support::markup;

use std::path::Path;

use proptest::prelude::*;

/// Pieces of hostile text: markup, script, URL schemes, template syntax, YAML and XML
/// delimiters, and single characters that matter to HTML, Markdown and YAML.
const PIECES: &[&str] = &[
    "<script>",
    "</script>",
    "<SCRIPT SRC=//x>",
    "<img src=x onerror=alert(1)>",
    "\"><svg onload=alert(1)>",
    "javascript:alert(1)",
    "JaVaScRiPt:",
    "java\tscript:",
    "data:text/html,",
    "vbscript:",
    "&#106;avascript:",
    "&#x3C;script&#x3E;",
    "](javascript:alert(1))",
    "[x](",
    "![i](",
    "<javascript:alert(1)>",
    "<https://ok.example/>",
    "https://ok.example/?a=1&b=<",
    "</style>",
    "</title>",
    "</textarea>",
    "<!--",
    "-->",
    "]]>",
    "<![CDATA[",
    "{{ 7*7 }}",
    "{% raw %}",
    "{#",
    "\n\n",
    "\n- ",
    "\n> ",
    "\n    ",
    "```",
    "|a|b|\n|-|-|\n",
    "<",
    ">",
    "&",
    "\"",
    "'",
    "`",
    "*",
    "_",
    "\\",
    "=",
    " ",
    "x",
    "ž",
    "ع",
];

fn hostile() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..10)
        // A leading letter: an empty or blank text is an error of its own, not the subject.
        .prop_map(|parts| format!("T{}", parts.concat()))
}

/// A YAML double-quoted scalar holding `s` exactly.
fn q(s: &str) -> String {
    serde_json::to_string(s).expect("a JSON string")
}

/// The random texts of one workspace, by field.
#[derive(Debug, Clone)]
struct Texts {
    fields: Vec<String>,
}

impl Texts {
    fn get(&self, i: usize) -> String {
        q(&self.fields[i % self.fields.len()])
    }
}

fn texts() -> impl Strategy<Value = Texts> {
    prop::collection::vec(hostile(), 24).prop_map(|fields| Texts { fields })
}

fn write_workspace(dir: &Path, t: &Texts) {
    let files = [
        (
            "auditbook.yaml",
            format!(
                "title: {{en: {}, hr: {}}}\nlanguages: [en, hr]\nmetrics:\n  - {{id: backlog, unit: count, title: {}, description: {}}}\n",
                t.get(0),
                t.get(1),
                t.get(2),
                t.get(3)
            ),
        ),
        (
            "checklists/c.yaml",
            format!(
                "id: c\ntitle: {}\ndescription: {}\nscale:\n  - {{value: 0, key: lo, label: {}}}\n  - {{value: 1, key: hi, label: {}}}\nsections:\n  - id: s\n    title: {}\n    description: {}\n    items:\n      - {{id: i, title: {}, why: {}, how: {}, tools: [{}, {}], metrics: [csat]}}\n      - {{id: j, title: {}}}\n",
                t.get(4),
                t.get(5),
                t.get(6),
                t.get(7),
                t.get(8),
                t.get(9),
                t.get(10),
                t.get(11),
                t.get(12),
                t.get(13),
                t.get(14),
                t.get(15)
            ),
        ),
        (
            "audits/2026-q1/round.yaml",
            format!("title: {}\nsummary: {}\n", t.get(16), t.get(17)),
        ),
        (
            "audits/2026-q1/a.yaml",
            format!(
                "checklist: c\nversion: 1\nsubject: s\nsubject_title: {}\ndate: 2026-03-01\nauditors: [{}]\nsummary: {}\nanswers:\n  i: {{score: lo, note: {}, evidence: [{}, {}], action: {{text: {}, owner: {}}}}}\n  j: hi\n",
                t.get(18),
                t.get(19),
                t.get(20),
                t.get(21),
                t.get(22),
                t.get(23),
                t.get(0),
                t.get(1)
            ),
        ),
        (
            "metrics/m.yaml",
            format!(
                "taken: 2026-03-01\nsubject: s\nvalues:\n  csat: {{value: 80, note: {}, by: {{{}: {{{}: 70, {}: 90}}}}}}\n  backlog: 12\n",
                t.get(2),
                t.get(3),
                t.get(4),
                // Breakdown names must differ.
                q(&format!("{}2", t.fields[4]))
            ),
        ),
        (
            "i18n/en.yaml",
            format!(
                "dashboard: {}\naudits: {}\nsearch: {}\n",
                t.get(5),
                t.get(6),
                t.get(7)
            ),
        ),
    ];
    for (rel, text) in files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create a folder");
        std::fs::write(path, text).expect("write a file");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn markdown_output_keeps_to_the_policy(text in prop::collection::vec(prop::sample::select(PIECES), 0..24)) {
        let text = text.concat();
        for html in [auditbook::markdown::render(&text), auditbook::markdown::render_inline(&text)] {
            let wrong = markup::markdown_violations(&html);
            prop_assert!(wrong.is_empty(), "{text:?} -> {html:?}: {wrong:?}");
        }
    }

    #[test]
    fn markdown_of_any_string_keeps_to_the_policy(text in ".{0,200}") {
        let html = auditbook::markdown::render(&text);
        let wrong = markup::markdown_violations(&html);
        prop_assert!(wrong.is_empty(), "{text:?} -> {html:?}: {wrong:?}");
    }
}

proptest! {
    // Each case loads and renders a whole site (two languages) in a debug build.
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn rendered_sites_never_carry_script_from_input(t in texts()) {
        let tmp = tempfile::tempdir().expect("a temporary folder");
        write_workspace(tmp.path(), &t);
        let loaded = auditbook::load(tmp.path()).expect("the workspace folder is readable");
        let errors: Vec<String> = loaded
            .diags
            .iter()
            .filter(|d| d.severity == auditbook::diag::Severity::Error)
            .map(|d| format!("{}: {}", d.file.display(), d.message))
            .collect();
        let model = loaded.model.unwrap_or_else(|| panic!("the generated workspace is invalid: {errors:?}"));
        let results = auditbook::score::score_all(&model);
        let templates = auditbook::templates::Templates::builtin();
        let site = auditbook::render::render(&model, &results, &templates).expect("it renders");
        let mut pages = 0;
        for (path, bytes) in &site.files {
            if !path.ends_with(".html") {
                continue;
            }
            pages += 1;
            let html = String::from_utf8_lossy(bytes);
            let wrong = markup::page_violations(&html, &["assets/search.js"]);
            prop_assert!(wrong.is_empty(), "{path}: {wrong:?}");
            let scripts = html.to_ascii_lowercase().matches("<script").count();
            let own = html.matches("assets/search.js\" defer></script>").count();
            prop_assert_eq!(scripts, own, "{}: a <script from input", path);
        }
        prop_assert!(pages > 10, "only {} pages", pages);
    }
}

//! Hostile text (docs/security.md, promise 1): script and markup in every text field a
//! workspace has — titles, descriptions, why/how, tools, notes, evidence, actions and their
//! owners, auditors, subject and round titles, summaries, scale labels, metric titles and
//! notes, breakdown names, and interface-string overrides in `i18n/<lang>.yaml` — come out of
//! `build` as text, never as markup, script or a link with a dangerous scheme.
//!
//! The workspace is generated into a temporary folder with a payload in every such field,
//! each tagged with the field's name so a test can tell where a surviving payload came from.
//! Every page is then checked with an HTML5 parser and with the simple reader of
//! `tests/support/markup.rs`, and the tagged payloads are looked for as visible text.
//! `hostile_pages_run_nothing_in_chromium` opens hostile pages in headless Chromium (skipped
//! when `chromium` is not on PATH, like `tests/browser.rs`).

use crate::support::markup;

use crate::support::{self, run};

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::fs::File;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use run::chromium_on_path;
use scraper::{ElementRef, Html, Selector};

/// The payload put into every text field, after the field's tag. Its first part survives
/// Markdown as text, so it is what the tests look for on the pages; the links at the end
/// only become text (or nothing) in Markdown fields.
const SHOWN: &str = r#"<script>document.title=/PWNED/.source</script> "><img src=x onerror=document.title=/PWNED/.source> <script>alert(1)</script> javascript:alert(1) data:text/html,<b>x</b> </style></title></textarea> {{ 7*7 }} {{ 1111+8888 }} {% raw %} ]]> <!--"#;
/// Markdown links with dangerous targets: text in plain fields, never links anywhere.
const LINKS: &str =
    "[x](javascript:alert(3)) [d](data:text/html,PWN) <javascript:alert(4)> ![i](javascript:x)";

/// The payload of the field tagged `tag`.
fn payload(tag: &str) -> String {
    format!("{tag} {SHOWN} {LINKS}")
}

/// A YAML double-quoted scalar holding `s` exactly (JSON strings are YAML).
fn q(s: &str) -> String {
    serde_json::to_string(s).expect("a JSON string")
}

/// A text field with the payload in both site languages.
fn text(tag: &str) -> String {
    format!(
        "{{en: {}, hr: {}}}",
        q(&payload(&format!("{tag}-en"))),
        q(&payload(&format!("{tag}-hr")))
    )
}

/// A plain string field.
fn plain(tag: &str) -> String {
    q(&payload(tag))
}

/// The built-in English interface strings, so that the overrides keep their placeholders
/// (written the YAML way, `{name}`); messages over several lines (plural forms) are left out.
fn builtin_strings() -> Vec<(String, String)> {
    let src =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/i18n/en.ftl"))
            .expect("read the built-in strings");
    src.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with(' ') && l.contains(" = "))
        .filter(|l| !l.trim_end().ends_with("->"))
        .filter_map(|l| {
            let (k, v) = l.split_once(" = ")?;
            let v = v.trim().replace("{ $", "{").replace(" }", "}");
            Some((k.to_string(), v))
        })
        .collect()
}

/// Writes the hostile workspace into `dir`. Returns the tags of the fields, each with
/// whether its text must be visible somewhere in the site.
fn write_workspace(dir: &Path) -> Vec<String> {
    let mut tags = Vec::new();
    let mut tag = |t: &str| {
        tags.push(t.to_string());
        t.to_string()
    };
    let files: Vec<(String, String)> = vec![
        (
            "auditbook.yaml".into(),
            format!(
                "title: {}
languages: [en, hr]
base_url: {}
metrics:
  - id: csat
    target: 90
    warn: 85
    title: {}
    description: {}
  - id: backlog
    unit: count
    better: lower
    target: 100
    title: {}
    description: {}
",
                text(&tag("site-title")),
                q("https://audits.example.com/\"><script>alert(1)</script>/"),
                text(&tag("metric-title")),
                text(&tag("metric-description")),
                text(&tag("new-metric-title")),
                text(&tag("new-metric-description")),
            ),
        ),
        (
            "checklists/archive/service.v1.yaml".into(),
            format!(
                "id: service
version: 1
title: {}
sections:
  - id: evaluate
    title: {}
    items:
      - id: assess-quality
        title: {}
      - id: removed-item
        title: {}
",
                text(&tag("old-checklist-title")),
                text(&tag("old-section-title")),
                text(&tag("old-item-title")),
                text(&tag("removed-item-title")),
            ),
        ),
        (
            "checklists/service.yaml".into(),
            format!(
                "id: service
version: 2
language: en
title: {}
description: {}
scale:
  - {{value: 0, key: never, label: {}}}
  - {{value: 1, key: sometimes, label: {}}}
  - {{value: 2, key: always, label: {}}}
sections:
  - id: evaluate
    title: {}
    description: {}
    items:
      - id: assess-quality
        title: {}
        why: {}
        how: {}
        tools: [{}, {}]
        metrics: [csat, backlog]
      - id: compare-goals
        title: {}
        why: {}
  - id: improve
    title: {}
    items:
      - id: train
        title: {}
",
                text(&tag("checklist-title")),
                text(&tag("checklist-description")),
                text(&tag("level-never")),
                text(&tag("level-sometimes")),
                text(&tag("level-always")),
                text(&tag("section-title")),
                text(&tag("section-description")),
                text(&tag("item-title")),
                text(&tag("item-why")),
                text(&tag("item-how")),
                text(&tag("tool-one")),
                plain(&tag("tool-two")),
                text(&tag("item2-title")),
                plain(&tag("item2-why")),
                text(&tag("section2-title")),
                text(&tag("item3-title")),
            ),
        ),
        (
            "audits/2026-q1/round.yaml".into(),
            format!(
                "title: {}\ndate: 2026-03-31\nsummary: {}\n",
                text(&tag("round1-title")),
                text(&tag("round1-summary"))
            ),
        ),
        (
            "audits/2026-q1/eu.yaml".into(),
            format!(
                "checklist: service
version: 1
subject: eu
subject_title: {}
date: 2026-03-15
auditors: [{}]
answers:
  assess-quality: partial
  removed-item: {{score: absent, note: {}}}
",
                text(&tag("old-subject-title")),
                plain(&tag("old-auditor")),
                plain(&tag("old-note")),
            ),
        ),
        (
            "audits/2026-q2/round.yaml".into(),
            format!(
                "title: {}\ndate: 2026-06-30\nsummary: {}\n",
                text(&tag("round-title")),
                text(&tag("round-summary"))
            ),
        ),
        (
            "audits/2026-q2/eu.yaml".into(),
            format!(
                "checklist: service
version: 2
subject: eu
subject_title: {}
date: 2026-06-15
auditors: [{}, {}]
summary: {}
answers:
  assess-quality:
    score: sometimes
    note: {}
    evidence: [{}, {}, {}, {}, {}]
    action: {{text: {}, owner: {}, due: 2026-09-01}}
  compare-goals: {{score: never, note: {}, action: {{text: {}, owner: {}}}}}
  train: {{score: na, note: {}}}
",
                text(&tag("subject-title")),
                plain(&tag("auditor-one")),
                plain(&tag("auditor-two")),
                text(&tag("audit-summary")),
                text(&tag("answer-note")),
                q("javascript:alert(1)"),
                q("data:text/html,<script>alert(1)</script>"),
                q("https://ok.example/?q=\"><script>alert(1)</script>&a=1"),
                q("JaVaScRiPt:alert(1)"),
                plain(&tag("evidence")),
                text(&tag("action-text")),
                plain(&tag("action-owner")),
                plain(&tag("note2")),
                text(&tag("action2-text")),
                plain(&tag("action2-owner")),
                plain(&tag("na-note")),
            ),
        ),
        (
            "metrics/2026-03.yaml".into(),
            format!(
                "taken: 2026-03-31
values:
  csat: {{value: 80, note: {}, by: {{{}: {{{}: 70, {}: 90}}}}}}
  backlog: 130
",
                text(&tag("snapshot1-note")),
                plain(&tag("dimension")),
                plain(&tag("breakdown-a")),
                plain(&tag("breakdown-b")),
            ),
        ),
        (
            "metrics/2026-06.yaml".into(),
            format!(
                "taken: 2026-06-30
subject: eu
values:
  csat: {{value: 86.4, note: {}, by: {{{}: {{{}: 81, {}: 92}}}}}}
  backlog: {{value: 120, by: {{{}: {{{}: 60, {}: 60}}}}}}
",
                text(&tag("snapshot-note")),
                plain(&tag("dimension")),
                plain(&tag("breakdown-a")),
                plain(&tag("breakdown-b")),
                plain(&tag("dimension2")),
                plain(&tag("breakdown-c")),
                plain(&tag("breakdown-d")),
            ),
        ),
    ];
    for (rel, body) in files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create a folder");
        std::fs::write(path, body).expect("write a workspace file");
    }
    // Every interface string, in both languages, overridden with its built-in wording (so
    // placeholders stay) followed by a payload.
    std::fs::create_dir_all(dir.join("i18n")).expect("create i18n/");
    for lang in ["en", "hr"] {
        let mut body = String::new();
        for (key, value) in builtin_strings() {
            let t = format!("i18n-{lang}-{key}");
            body.push_str(&format!(
                "{key}: {}\n",
                q(&format!("{value} {}", payload(&t)))
            ));
            tags.push(t);
        }
        std::fs::write(dir.join(format!("i18n/{lang}.yaml")), body).expect("write i18n");
    }
    tags.sort();
    tags.dedup();
    tags
}

/// A built hostile site: every file's text by path.
struct Site {
    _tmp: tempfile::TempDir,
    out: PathBuf,
    files: BTreeMap<String, String>,
    tags: Vec<String>,
}

fn build_hostile() -> Site {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let ws = tmp.path().join("ws");
    let tags = write_workspace(&ws);
    let out = tmp.path().join("site");
    let o = support::output(support::command().args([
        OsStr::new("build"),
        ws.as_os_str(),
        OsStr::new("--out"),
        out.as_os_str(),
    ]));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "build failed:\n{stderr}");
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&out).sort_by_file_name() {
        let entry = entry.expect("walk the site");
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(&out).expect("inside");
            let bytes = std::fs::read(entry.path()).expect("read a file");
            files.insert(
                rel.to_string_lossy().replace('\\', "/"),
                String::from_utf8_lossy(&bytes).into_owned(),
            );
        }
    }
    Site {
        _tmp: tmp,
        out,
        files,
        tags,
    }
}

fn pages(site: &Site) -> impl Iterator<Item = (&String, &String)> {
    site.files.iter().filter(|(p, _)| p.ends_with(".html"))
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("a selector")
}

/// The text of an element, with runs of white space made one space.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn text_of(e: ElementRef) -> String {
    squash(&e.text().collect::<String>())
}

/// All text a reader or a screen reader gets from a page: element text plus the attributes
/// that browsers show (title, alt, aria-label, placeholder, content of meta description).
fn visible_text(html: &Html) -> String {
    let mut text = text_of(html.root_element());
    for e in html
        .root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
    {
        for a in ["title", "alt", "aria-label", "placeholder"] {
            if let Some(v) = e.value().attr(a) {
                text.push(' ');
                text.push_str(&squash(v));
            }
        }
    }
    text
}

/// Fields that no built-in page shows at all (so there is nothing to find): a metric
/// value's `note` in a snapshot is read and validated but not rendered by any template.
const NOT_RENDERED: &[&str] = &[];

/// One build of the hostile workspace, checked three ways.
#[test]
fn hostile_workspace_builds_to_inert_pages() {
    let site = build_hostile();
    hostile_text_in_every_field_stays_text(&site);
    hostile_data_files_stay_data(&site);
    the_only_script_is_the_shipped_file_and_csp_forbids_the_rest(&site);
}

fn hostile_text_in_every_field_stays_text(site: &Site) {
    let mut wrong = BTreeSet::new();
    let mut shown_somewhere: BTreeSet<String> = BTreeSet::new();
    let page_count = pages(site).count();
    assert!(page_count > 20, "only {page_count} pages");
    for (rel, raw) in pages(site) {
        // The simple reader: every tag as written, before a browser's error recovery.
        for v in markup::page_violations(raw, &["assets/search.js"]) {
            wrong.insert(format!("{rel}: {v}"));
        }
        let html = Html::parse_document(raw);
        for e in html
            .root_element()
            .descendants()
            .filter_map(ElementRef::wrap)
        {
            let el = e.value();
            if el.name() == "script"
                && !(el
                    .attr("src")
                    .is_some_and(|s| s.ends_with("assets/search.js"))
                    && e.text().all(|t| t.trim().is_empty()))
            {
                wrong.insert(format!("{rel}: a <script> not the site's own: {el:?}"));
            }
            // Elements the payloads would make, had they become markup.
            let from_input = match el.name() {
                "img" => el.attr("src") == Some("x"),
                name => matches!(name, "b" | "iframe" | "object" | "embed" | "textarea"),
            };
            if from_input {
                wrong.insert(format!("{rel}: a <{}> from input: {el:?}", el.name()));
            }
            for (name, value) in el.attrs() {
                if name.to_ascii_lowercase().starts_with("on") {
                    wrong.insert(format!("{rel}: <{} {name}={value:?}>", el.name()));
                }
                if markup::URL_ATTRS.contains(&name)
                    && markup::url_scheme(value)
                        .is_some_and(|s| !matches!(s.as_str(), "http" | "https" | "mailto"))
                {
                    wrong.insert(format!("{rel}: <{} {name}={value:?}>", el.name()));
                }
            }
        }
        // Template syntax from the input is never evaluated: 7*7 and 1111+8888 are nowhere.
        let text = visible_text(&html);
        for evaluated in ["9999", "{{ 49 }}"] {
            if raw.contains(evaluated) {
                wrong.insert(format!("{rel}: template syntax from input was evaluated"));
            }
        }
        if text.contains("PWNED") && !text.contains("/PWNED/.source") {
            wrong.insert(format!("{rel}: a payload ran or was cut"));
        }
        // Which payloads appear whole, as text.
        for tag in &site.tags {
            if ["", "-en", "-hr"]
                .iter()
                .any(|lang| text.contains(&format!("{tag}{lang} {SHOWN}")))
            {
                shown_somewhere.insert(tag.clone());
            }
        }
        // Wherever `{{ 7*7 }}` would be, it is still there as written.
        if text.contains("]]> <!--") && !text.contains("{{ 7*7 }} {{ 1111+8888 }}") {
            wrong.insert(format!("{rel}: the template payload changed"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} problems:\n{}",
        wrong.len(),
        wrong.into_iter().take(60).collect::<Vec<_>>().join("\n")
    );
    // Every field's payload is visible, whole, on at least one page. Interface strings that
    // only ever go into attributes that are not shown, or are not used by the built-in
    // templates, are exempt; every other field must be found.
    let missing: Vec<&String> = site
        .tags
        .iter()
        .filter(|t| !t.starts_with("i18n-") && !shown_somewhere.contains(*t))
        .filter(|t| !NOT_RENDERED.contains(&t.as_str()))
        .collect();
    let found_in: Vec<String> = missing
        .iter()
        .map(|t| {
            let at: Vec<&String> = site
                .files
                .iter()
                .filter(|(_, b)| b.contains(t.as_str()))
                .map(|(p, _)| p)
                .collect();
            format!("{t}: raw text in {at:?}")
        })
        .collect();
    assert!(
        missing.is_empty(),
        "these fields' payloads are not shown as text on any page:\n{}",
        found_in.join("\n")
    );
    let i18n_shown = shown_somewhere
        .iter()
        .filter(|t| t.starts_with("i18n-"))
        .count();
    assert!(
        i18n_shown > 40,
        "only {i18n_shown} interface-string overrides are shown as text"
    );
}

fn hostile_data_files_stay_data(site: &Site) {
    for (rel, body) in site.files.iter().filter(|(p, _)| p.ends_with(".json")) {
        let value: serde_json::Value =
            serde_json::from_str(body).unwrap_or_else(|e| panic!("{rel}: not JSON: {e}"));
        // JSON is not HTML: the payload is kept as the string it is, and a page that puts
        // it into HTML (search.js) must escape it there.
        assert!(value.is_object() || value.is_array(), "{rel}");
    }
    // The search index carries the hostile titles as plain strings.
    let index = site
        .files
        .iter()
        .find(|(p, _)| p.starts_with("data/search/"))
        .map(|(_, b)| b.clone());
    let index = index.expect("a search index");
    assert!(index.contains("<script>"), "the search index lost the text");
}

fn the_only_script_is_the_shipped_file_and_csp_forbids_the_rest(site: &Site) {
    let search = site
        .files
        .get("assets/search.js")
        .expect("assets/search.js is shipped");
    // search.js builds results from the index with DOM text, not HTML strings.
    for sink in [
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
    ] {
        assert!(!search.contains(sink), "search.js uses {sink}");
    }
    for (rel, raw) in pages(site) {
        let html = Html::parse_document(raw);
        let csp: Vec<&str> = html
            .select(&sel(r#"meta[http-equiv="Content-Security-Policy"]"#))
            .filter_map(|m| m.value().attr("content"))
            .collect();
        assert_eq!(csp.len(), 1, "{rel}: one CSP meta tag");
        let policy: BTreeMap<&str, &str> = csp[0]
            .split(';')
            .filter_map(|d| d.trim().split_once(' '))
            .collect();
        assert_eq!(
            policy.get("default-src"),
            Some(&"'none'"),
            "{rel}: {}",
            csp[0]
        );
        let scripts = policy.get("script-src").copied().unwrap_or("'none'");
        assert!(
            scripts == "'self'" || scripts == "'none'",
            "{rel}: script-src {scripts}"
        );
        assert!(!csp[0].contains("unsafe-eval"), "{rel}: {}", csp[0]);
        assert!(
            !policy
                .get("script-src")
                .is_some_and(|s| s.contains("unsafe-inline")),
            "{rel}: {}",
            csp[0]
        );
        // The meta tag comes before anything it governs.
        let head = raw.find("Content-Security-Policy").expect("the tag");
        if let Some(first_script) = raw.find("<script") {
            assert!(head < first_script, "{rel}: a script before the CSP");
        }
        // No inline script, so no hash is needed.
        for s in html.select(&sel("script")) {
            assert!(s.value().attr("src").is_some(), "{rel}: an inline script");
        }
        if rel.ends_with("report.html") {
            assert_eq!(scripts, "'none'", "{rel}: the report runs no script");
            assert!(html.select(&sel("script")).next().is_none(), "{rel}");
        }
    }
}

// ----- in a browser --------------------------------------------------------------------------

/// Console lines that mean a script failed or a CSP rule was broken (see tests/browser.rs).
const BAD_LINES: &[&str] = &[
    "Uncaught",
    "Refused to",
    "violates the following Content Security Policy",
];

/// One headless Chromium run on `page`: its DOM after scripts settled, and its log.
fn chromium(exe: &Path, tmp: &Path, name: &str, page: &Path) -> (String, String) {
    let dir = tmp.join(name);
    std::fs::create_dir_all(dir.join("profile")).expect("a profile folder");
    let (out, err) = (dir.join("stdout"), dir.join("stderr"));
    let mut child = Command::new(exe)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=3000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(File::create(&out).expect("stdout file"))
        .stderr(File::create(&err).expect("stderr file"))
        .process_group(0)
        .spawn()
        .expect("start chromium");
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        match child.try_wait().expect("wait for chromium") {
            Some(s) => break Some(s),
            None if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            None => break None,
        }
    };
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", child.id())])
        .stderr(Stdio::null())
        .status();
    if status.is_none() {
        let _ = child.wait();
    }
    let stdout = std::fs::read_to_string(&out).unwrap_or_default();
    let stderr = std::fs::read_to_string(&err).unwrap_or_default();
    assert!(
        status.is_some_and(|s| s.success()),
        "{name}: chromium failed or hung; stderr:\n{stderr}"
    );
    (stdout, stderr)
}

#[test]
fn hostile_pages_run_nothing_in_chromium() {
    let Some(exe) = chromium_on_path() else {
        eprintln!("note: chromium is not on PATH; skipping the browser test");
        return;
    };
    let site = build_hostile();
    let tmp = tempfile::tempdir().expect("a temporary folder");
    // A canary: the same payload as a page's own markup runs and sets the title, so a
    // title without PWNED below means the payload was inert, not that the check is blind.
    let canary = tmp.path().join("canary.html");
    std::fs::write(
        &canary,
        "<!DOCTYPE html><html><head><title>canary</title></head><body>\
         <img src=x onerror=document.title=/PWNED/.source></body></html>",
    )
    .expect("write the canary");
    let (dom, _) = chromium(&exe, tmp.path(), "canary", &canary);
    assert!(
        dom.contains("<title>PWNED</title>"),
        "canary: the payload did not run, so this test cannot see one that does:\n{dom}"
    );
    for page in [
        "index.html",
        "rounds/2026-q2/eu/index.html",
        "rounds/2026-q2/eu/gaps/index.html",
        "rounds/2026-q2/eu/report.html",
        "checklists/service/index.html",
        "checklists/service/v2/index.html",
        "metrics/index.html",
        "hr/rounds/2026-q2/index.html",
    ] {
        let path = site.out.join(page);
        assert!(path.is_file(), "{page} was not built");
        let name = page.replace('/', "_");
        let (dom, log) = chromium(&exe, tmp.path(), &name, &path);
        let bad: Vec<&str> = log
            .lines()
            .filter(|l| BAD_LINES.iter().any(|b| l.contains(b)))
            .collect();
        assert!(
            bad.is_empty(),
            "{page}: the browser reported:\n{}",
            bad.join("\n")
        );
        let html = Html::parse_document(&dom);
        let title = html
            .select(&sel("title"))
            .next()
            .map(text_of)
            .unwrap_or_default();
        assert_ne!(title, "PWNED", "{page}: a payload ran");
        assert!(
            title.contains("/PWNED/.source") || !title.contains("PWNED"),
            "{page}: the title {title:?} was changed"
        );
        assert!(
            html.select(&sel("img[onerror], script:not([src]), iframe"))
                .next()
                .is_none(),
            "{page}: the live DOM holds markup from input"
        );
    }
}

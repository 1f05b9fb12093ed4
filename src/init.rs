//! `auditbook init`: writes a new workspace that checks clean and builds — settings, a starter
//! checklist in the chosen languages, one example round with two audits, metric snapshots,
//! CI workflows for GitHub Actions and GitLab CI, and editor settings for the schemas. It
//! never overwrites a file: a folder with anything in it is refused before anything is written.

use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use crate::cli::EXIT_USAGE;
use crate::yaml::{self, Kind, Node};

/// The starter checklist: the bundled customer service audit, in every built-in language.
const CHECKLIST: &str = include_str!("../checklists/customer-service-audit.yaml");
const CHECKLIST_PATH: &str = "checklists/customer-service-audit.yaml";
/// The language of the starter checklist's plain strings.
const CHECKLIST_LANGUAGE: &str = "en";

/// Fields of a checklist that hold a Text; `tools` holds a list of them.
const TEXT_FIELDS: [&str; 5] = ["title", "description", "why", "how", "label"];

const ROUND: &str = "\
# Settings of the round `2026-q1` (the folder name is its id). Optional: without a date, the
# round's date is the newest date of its audits.
date: 2026-03-31
";

const AUDIT_NORTH: &str = "\
# One audit of the round: the file name (north-support) is its id. Items left out of
# `answers` are unanswered; `na` marks an item that does not apply.
checklist: customer-service-audit
version: 2
subject: north-support
subject_title: North support team
date: 2026-03-20
auditors: [Ana Horvat]
summary: The team meets most targets; feedback from agents is the weakest area.
answers:
  assess-quality: established
  compare-goals: 3
  identify-gaps: {score: partial, note: Gaps are listed but not ranked.}
  find-improvements: established
  gather-data:
    score: optimised
    evidence: [\"weekly KPI report\"]
  check-channels: established
  agent-feedback:
    score: initial
    note: Fewer than half of the agents answered the survey.
    action: {text: Shorten the agent survey to five questions, owner: Ana Horvat, due: 2026-06-30}
  customer-feedback: established
  audit-complaints: partial
  language-variations: na
  onboarding: established
  agent-qualifications: established
  agent-responsibilities: optimised
  service-standards: established
  agent-training: partial
  support-24-7: partial
  call-transfers: established
  evaluate-changes: partial
  competitor-monitoring: initial
  track-kpis: established
  minimize-wait-times: established
  share-reports: partial
";

const AUDIT_SOUTH: &str = "\
checklist: customer-service-audit
version: 2
subject: south-support
subject_title: South support team
date: 2026-03-27
auditors: [Ivan Perić]
answers:
  assess-quality: partial
  compare-goals: partial
  identify-gaps: initial
  find-improvements: partial
  gather-data: established
  check-channels: partial
  agent-feedback: established
  customer-feedback: partial
  audit-complaints: initial
  language-variations: {score: na, note: \"One market, one language.\"}
  onboarding: partial
  agent-qualifications: established
  agent-responsibilities: established
  service-standards: partial
  agent-training: initial
  support-24-7: absent
  call-transfers: partial
  evaluate-changes: initial
  track-kpis: partial
  minimize-wait-times: partial
";

const SNAPSHOT_ORG: &str = "\
# Metric values of the whole organisation (no subject), for March 2026.
taken: 2026-03-31
period: {from: 2026-03-01, to: 2026-03-31}
values:
  csat: {ratings: {1: 12, 2: 10, 3: 31, 4: 160, 5: 215}}
  nps: {promoters: 290, passives: 160, detractors: 85}
  first-response-time: 1h 10m
  sla-compliance: {good: 1870, total: 1990}
";

const SNAPSHOT_NORTH: &str = "\
# Metric values of one subject: audits of north-support show these instead of the
# organisation's.
taken: 2026-03-31
period: {from: 2026-03-01, to: 2026-03-31}
subject: north-support
values:
  csat: 91.5
  first-response-time:
    value: 48m
    by:
      channel: {email: 1h 30m, chat: 3m, phone: 2m}
  sla-compliance: {good: 960, total: 1000}
";

const GITIGNORE: &str = "\
# The built site (`output` in auditbook.yaml).
/site/
";

fn config(languages: &[String]) -> String {
    format!(
        "\
# Site settings. The first language is the default: its pages are at the root of the site,
# every other language gets the same pages under <lang>/.
title: Audits
languages: [{}]
output: site
# Targets of the built-in metrics: `warn` is where \"at risk\" ends and \"below\" begins.
metrics:
  - id: csat
    target: 90
    warn: 85
  - id: nps
    target: 40
    warn: 30
  - id: first-response-time
    target: 1h
    warn: 2h
  - id: sla-compliance
    target: 95
    warn: 90
",
        languages.join(", ")
    )
}

fn github_workflow() -> String {
    let version = env!("CARGO_PKG_VERSION");
    format!(
        "\
# Checks every push and pull request (problems appear as annotations on the changed lines)
# and publishes the site to GitHub Pages from the main branch. Enable Pages with
# \"Source: GitHub Actions\" in the repository settings. The gates of auditbook.yaml fail
# pull requests; the main branch publishes whatever its results are. A pull request's
# summary shows what it changes in the results (auditbook diff).
name: auditbook
on:
  push:
  pull_request:
  workflow_dispatch:
permissions:
  contents: read
concurrency:
  group: pages-${{{{ github.ref }}}}
  cancel-in-progress: true
env:
  AUDITBOOK_VERSION: \"{version}\"
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
        with:
          fetch-depth: 0
      - name: Install auditbook
        uses: actions/cache@v5
        id: cache
        with:
          path: ~/.cargo/bin/auditbook
          key: auditbook-${{{{ env.AUDITBOOK_VERSION }}}}-${{{{ runner.os }}}}
      - if: steps.cache.outputs.cache-hit != 'true'
        run: cargo install --locked auditbook --version \"$AUDITBOOK_VERSION\"
      - name: Check
        if: github.event_name == 'pull_request'
        run: auditbook check --format github
      - name: Check (without gates)
        if: github.event_name != 'pull_request'
        run: auditbook check --format github --no-gates
      - name: Summarise the changes
        if: github.event_name == 'pull_request' && !cancelled()
        run: auditbook diff --base \"origin/$GITHUB_BASE_REF\" --format markdown >> \"$GITHUB_STEP_SUMMARY\"
      - name: Build
        run: auditbook build --out site
      - uses: actions/upload-pages-artifact@v4
        with:
          path: site
  deploy:
    if: github.event_name != 'pull_request' && github.ref == 'refs/heads/main'
    needs: check
    runs-on: ubuntu-latest
    permissions:
      pages: write
      id-token: write
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v5
"
    )
}

fn gitlab_ci() -> String {
    let version = env!("CARGO_PKG_VERSION");
    format!(
        "\
# Checks every pipeline and publishes the site to GitLab Pages from the default branch. The
# gates of auditbook.yaml fail other branches; the default branch publishes whatever its
# results are.
variables:
  AUDITBOOK_VERSION: \"{version}\"
  CARGO_HOME: \"$CI_PROJECT_DIR/.cargo\"
default:
  image: rust:1-slim
  cache:
    key: auditbook-$AUDITBOOK_VERSION
    paths: [.cargo/bin/]
  before_script:
    - export PATH=\"$CARGO_HOME/bin:$PATH\"
    - command -v auditbook || cargo install --locked auditbook --version \"$AUDITBOOK_VERSION\"
stages: [check, deploy]
check:
  stage: check
  script:
    - auditbook check
    - auditbook build --out site
  rules:
    - if: $CI_COMMIT_BRANCH != $CI_DEFAULT_BRANCH
pages:
  stage: deploy
  script:
    - auditbook check --no-gates
    - auditbook build --out public
  artifacts:
    paths: [public]
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
"
    )
}

/// `.vscode/settings.json`: each file kind mapped to its schema in `schemas/`.
fn vscode_settings() -> String {
    let mut map = serde_json::Map::new();
    for kind in crate::schema::KINDS {
        map.insert(
            format!("./schemas/{kind}.json"),
            serde_json::json!(crate::schema::globs(kind)),
        );
    }
    let settings = serde_json::json!({ "yaml.schemas": map });
    serde_json::to_string_pretty(&settings).unwrap_or_default() + "\n"
}

const VSCODE_EXTENSIONS: &str = "{\n  \"recommendations\": [\"redhat.vscode-yaml\"]\n}\n";

/// Why `init` cannot write into `dir`, if it cannot.
fn refusal(dir: &Path) -> Option<String> {
    match fs::read_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(_) if dir.exists() && !dir.is_dir() => {
            Some(format!("{} is a file, not a folder", dir.display()))
        }
        Err(e) => Some(format!("cannot read {}: {e}", dir.display())),
        Ok(entries) => {
            let mut names: Vec<String> = entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                // A fresh `git init` is fine: nothing is written into .git.
                .filter(|n| n != ".git")
                .collect();
            names.sort();
            if names.is_empty() {
                return None;
            }
            let shown: Vec<&str> = names.iter().take(3).map(String::as_str).collect();
            let more = if names.len() > 3 { ", …" } else { "" };
            Some(format!(
                "{} is not empty (it holds {}{more}); init never overwrites files",
                dir.display(),
                shown.join(", ")
            ))
        }
    }
}

/// Checks the `--languages` list: language tags, each once, at least one.
fn check_languages(languages: &[String]) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for lang in languages.iter().map(|l| l.trim()) {
        if !crate::text::is_language_tag(lang) {
            return Err(format!(
                "invalid language tag '{lang}'; use BCP 47 tags such as en, hr, pt-BR"
            ));
        }
        if out.iter().any(|l| l == lang) {
            return Err(format!("language '{lang}' is listed twice"));
        }
        out.push(lang.to_string());
    }
    if out.is_empty() {
        return Err("no languages given; for example --languages en,de".into());
    }
    Ok(out)
}

/// The files of a new workspace, as (path relative to it, content).
pub fn files(languages: &[String]) -> Vec<(String, String)> {
    let mut files = vec![
        ("auditbook.yaml".to_string(), config(languages)),
        (CHECKLIST_PATH.to_string(), starter_checklist(languages)),
        ("audits/2026-q1/round.yaml".into(), ROUND.into()),
        (
            "audits/2026-q1/north-support.yaml".into(),
            AUDIT_NORTH.into(),
        ),
        (
            "audits/2026-q1/south-support.yaml".into(),
            AUDIT_SOUTH.into(),
        ),
        ("metrics/2026-03-org.yaml".into(), SNAPSHOT_ORG.into()),
        (
            "metrics/2026-03-north-support.yaml".into(),
            SNAPSHOT_NORTH.into(),
        ),
        (".gitignore".into(), GITIGNORE.into()),
        (".github/workflows/auditbook.yml".into(), github_workflow()),
        (".gitlab-ci.yml".into(), gitlab_ci()),
        (".vscode/settings.json".into(), vscode_settings()),
        (".vscode/extensions.json".into(), VSCODE_EXTENSIONS.into()),
    ];
    for kind in crate::schema::KINDS {
        if let Some(text) = crate::schema::schema_text(kind) {
            files.push((format!("schemas/{kind}.json"), text));
        }
    }
    files
}

/// `auditbook init DIR --languages …`.
pub fn run(dir: &Path, languages: &[String]) -> ExitCode {
    let languages = match check_languages(languages) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    if let Some(why) = refusal(dir) {
        eprintln!("error: cannot create a workspace: {why}");
        eprintln!("  = hint: choose a new or empty folder: auditbook init NEW-FOLDER");
        return ExitCode::from(EXIT_USAGE);
    }
    let files = files(&languages);
    for (rel, content) in &files {
        if let Err(e) = write_new(&dir.join(rel), content) {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    }
    let bundled = bundled_languages();
    let missing: Vec<&str> = languages
        .iter()
        .map(String::as_str)
        .filter(|l| !bundled.contains(l))
        .collect();
    eprintln!(
        "created a workspace in {} ({} files); next: auditbook check {0}, then auditbook build {0}",
        dir.display(),
        files.len()
    );
    if !missing.is_empty() {
        eprintln!(
            "note: the starter checklist and the interface have no '{}' text yet; pages show English until you translate them (see docs/format.md)",
            missing.join("', '")
        );
    }
    ExitCode::SUCCESS
}

/// Creates `path` (and its folders) with `content`; an existing file is an error, never
/// replaced.
fn write_new(path: &Path, content: &str) -> Result<(), String> {
    let name = |p: &Path| p.display().to_string();
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", name(parent)))?;
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| format!("cannot create {}: {e}", name(path)))?;
    file.write_all(content.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", name(path)))
}

/// The languages the starter checklist has text in.
fn bundled_languages() -> Vec<&'static str> {
    crate::i18n::builtin_languages()
}

// ----- the starter checklist in the chosen languages ---------------------------------------

/// The bundled checklist with each text cut down to the chosen languages; a text in none of
/// them keeps its English wording as a plain string.
pub fn starter_checklist(languages: &[String]) -> String {
    let Ok(mut node) = yaml::parse(CHECKLIST) else {
        return CHECKLIST.to_string();
    };
    keep_languages(&mut node, languages);
    let mut out = String::from(
        "# Starter checklist: the customer service audit bundled with auditbook. Edit it freely;\n\
         # when items change meaning, copy it to checklists/archive/ and bump `version:`.\n",
    );
    emit_map_body(&mut out, &node, 0);
    out
}

fn keep_languages(node: &mut Node, languages: &[String]) {
    match &mut node.kind {
        Kind::Map(entries) => {
            for (k, v) in entries.iter_mut() {
                match k.as_str() {
                    Some(f) if TEXT_FIELDS.contains(&f) => filter_text(v, languages),
                    Some("tools") => {
                        if let Kind::Seq(tools) = &mut v.kind {
                            for t in tools {
                                filter_text(t, languages);
                            }
                        }
                    }
                    _ => keep_languages(v, languages),
                }
            }
        }
        Kind::Seq(items) => {
            for n in items {
                keep_languages(n, languages);
            }
        }
        _ => {}
    }
}

fn filter_text(node: &mut Node, languages: &[String]) {
    let Kind::Map(entries) = &mut node.kind else {
        return;
    };
    let fallback = entries
        .iter()
        .find(|(k, _)| k.as_str() == Some(CHECKLIST_LANGUAGE))
        .or(entries.first())
        .map(|(_, v)| v.kind.clone());
    entries.retain(|(k, _)| k.as_str().is_some_and(|l| languages.iter().any(|x| x == l)));
    if entries.is_empty()
        && let Some(plain) = fallback
    {
        node.kind = plain;
    }
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// The entries of a mapping, one per line at `at` spaces (the first line's indentation
/// is written by the caller when the mapping starts a list entry).
fn emit_map_body(out: &mut String, node: &Node, at: usize) {
    let Kind::Map(entries) = &node.kind else {
        return;
    };
    for (i, (k, v)) in entries.iter().enumerate() {
        if i > 0 || out.ends_with('\n') {
            indent(out, at);
        }
        out.push_str(&scalar(k));
        out.push(':');
        emit_value(out, v, at);
    }
}

/// A mapping's value after `key:`, at mapping indentation `at`.
fn emit_value(out: &mut String, v: &Node, at: usize) {
    match &v.kind {
        Kind::Map(m) if !m.is_empty() => {
            out.push('\n');
            emit_map_body(out, v, at + 2);
        }
        Kind::Seq(s) if !s.is_empty() => {
            out.push('\n');
            emit_seq(out, v, at + 2);
        }
        Kind::Str(s) if block_literal(s).is_some() => {
            out.push(' ');
            emit_block(out, s, at + 2);
        }
        _ => {
            out.push(' ');
            out.push_str(&scalar(v));
            out.push('\n');
        }
    }
}

fn emit_seq(out: &mut String, node: &Node, at: usize) {
    let Kind::Seq(items) = &node.kind else {
        return;
    };
    for item in items {
        indent(out, at);
        out.push_str("- ");
        match &item.kind {
            Kind::Map(m) if !m.is_empty() => {
                // The first entry follows `- `; the others line up under it.
                let mut first = String::new();
                emit_map_body(&mut first, item, at + 2);
                out.push_str(&first);
            }
            Kind::Seq(s) if !s.is_empty() => {
                out.push('\n');
                emit_seq(out, item, at + 2);
            }
            Kind::Str(s) if block_literal(s).is_some() => emit_block(out, s, at + 2),
            _ => {
                out.push_str(&scalar(item));
                out.push('\n');
            }
        }
    }
}

/// The header of a literal block for `s` (`|` or `|-`), when one keeps `s` exactly.
fn block_literal(s: &str) -> Option<&'static str> {
    if !s.contains('\n')
        || s.starts_with([' ', '\n'])
        || s.chars().any(|c| c.is_control() && c != '\n' && c != '\t')
        || s.ends_with("\n\n")
        || s.lines().any(|l| l.ends_with(' ') || l.starts_with('\t'))
    {
        return None;
    }
    Some(if s.ends_with('\n') { "|" } else { "|-" })
}

fn emit_block(out: &mut String, s: &str, at: usize) {
    out.push_str(block_literal(s).unwrap_or("|"));
    out.push('\n');
    for line in s.lines() {
        if !line.is_empty() {
            indent(out, at);
            out.push_str(line);
        }
        out.push('\n');
    }
}

/// A scalar on one line: plain where that reads back as the same string, else quoted.
fn scalar(node: &Node) -> String {
    match &node.kind {
        Kind::Null => "null".into(),
        Kind::Bool(b) => b.to_string(),
        Kind::Int(i) => i.to_string(),
        Kind::Float(f) => yaml::format_number(*f),
        Kind::Str(s) if plain_safe(s) => s.clone(),
        Kind::Str(s) => serde_json::to_string(s).unwrap_or_default(),
        Kind::Seq(_) => "[]".into(),
        Kind::Map(_) => "{}".into(),
    }
}

fn plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    first.is_alphabetic()
        && !s.ends_with([' ', ':'])
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.chars().any(char::is_control)
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tree without positions, to compare what was written with what was meant.
    fn shape(node: &Node) -> String {
        match &node.kind {
            Kind::Map(entries) => {
                let inner: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{}={}", shape(k), shape(v)))
                    .collect();
                format!("{{{}}}", inner.join(","))
            }
            Kind::Seq(items) => {
                let inner: Vec<String> = items.iter().map(shape).collect();
                format!("[{}]", inner.join(","))
            }
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn the_starter_checklist_reads_back_as_the_filtered_tree() {
        for langs in [
            vec!["en"],
            vec!["hr", "en"],
            vec!["de"],
            vec!["en", "hr", "hu", "sl", "et", "ru"],
            vec!["ru", "de"],
        ] {
            let langs: Vec<String> = langs.into_iter().map(String::from).collect();
            let mut expected = yaml::parse(CHECKLIST).expect("bundled checklist");
            keep_languages(&mut expected, &langs);
            let written = starter_checklist(&langs);
            let read = yaml::parse(&written).unwrap_or_else(|e| panic!("{langs:?}: {e:?}"));
            assert_eq!(shape(&read), shape(&expected), "{langs:?}");
        }
    }

    #[test]
    fn texts_keep_only_the_chosen_languages() {
        let written = starter_checklist(&["hr".to_string()]);
        assert!(written.contains("hr: Revizija usluge korisnicima"));
        assert!(!written.contains("en: Customer service audit"));
        assert!(!written.contains("\n  hu: "));
        // In none of the chosen languages: the English wording, as a plain string.
        let german = starter_checklist(&["de".to_string()]);
        assert!(
            german.contains("title: Customer service audit\n"),
            "{german}"
        );
    }

    #[test]
    fn languages_are_checked() {
        assert!(check_languages(&["en".into(), "de".into()]).is_ok());
        assert!(check_languages(&["en".into(), "en".into()]).is_err());
        assert!(check_languages(&["English".into()]).is_err());
        assert!(check_languages(&[]).is_err());
    }
}

//! Shared code of the fuzz targets: a small valid workspace in a scratch folder, into which
//! each target writes its input as one file before loading (and, when valid, rendering) it.
//!
//! The library loads workspaces from folders only, so the input goes through the file system;
//! the scratch folder lives for the whole fuzzing process, and only the one file changes.

#[path = "../../tests/it/support/markup.rs"]
pub mod markup;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const CONFIG: &str = "title: {en: Audits, hr: Revizije}
languages: [en, hr]
metrics:
  - {id: csat, target: 90, warn: 85}
  - {id: backlog, unit: count, better: lower, target: 100, title: Backlog}
";

const CHECKLIST: &str = "id: service
version: 2
title: {en: Service audit, hr: Revizija usluge}
description: Checks the *basics*.
scale: maturity
target: 3
sections:
  - id: evaluate
    title: Evaluate
    weight: 2
    items:
      - {id: assess-quality, title: Assess quality, why: Because., how: '[Read](https://example.com)', tools: [Survey], metrics: [csat]}
      - {id: compare-goals, title: Compare goals, weight: 0}
  - id: improve
    title: Improve
    items:
      - {id: train, title: Train agents, target: optimised}
";

const AUDIT: &str = "checklist: service
version: 2
subject: eu
subject_title: EU support
date: 2026-03-31
auditors: [Ana]
summary: Fine.
answers:
  assess-quality: {score: partial, note: Half., evidence: ['https://example.com/e', export], action: {text: Fix, owner: Ana, due: 2026-06-01}}
  compare-goals: na
  train: 2
";

const ROUND: &str = "title: First round\ndate: 2026-03-31\n";

const SNAPSHOT: &str = "taken: 2026-03-31
subject: eu
values:
  csat: {value: 86.4, by: {channel: {email: 80, chat: 90}}}
  backlog: 120
  first-response-time: 2h 30m
";

/// The scratch workspace of this process, created on first use.
fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("auditbook-fuzz-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (rel, text) in [
            ("auditbook.yaml", CONFIG),
            ("checklists/service.yaml", CHECKLIST),
            ("audits/r0/eu.yaml", AUDIT),
            ("audits/r0/round.yaml", ROUND),
            ("metrics/2026-03.yaml", SNAPSHOT),
        ] {
            write(&dir.join(rel), text.as_bytes());
        }
        for sub in ["audits/r1", "metrics", "checklists"] {
            std::fs::create_dir_all(dir.join(sub)).expect("create a scratch folder");
        }
        dir
    })
}

fn write(path: &Path, bytes: &[u8]) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create a scratch folder");
    }
    std::fs::write(path, bytes).expect("write a scratch file");
}

/// Writes `data` as the workspace file `rel`, then runs the pipeline `build` runs: load,
/// validate, score and, when the workspace is valid, render every page. Panics (a finding)
/// when anything in the pipeline panics, or a rendered page holds script from the input.
pub fn load_with(rel: &str, data: &[u8]) {
    let root = scratch();
    write(&root.join(rel), data);
    if let Ok(built) = auditbook::build::build_site(root) {
        for (path, bytes) in &built.site.files {
            if !path.ends_with(".html") {
                continue;
            }
            let html = String::from_utf8_lossy(bytes);
            let wrong = markup::page_violations(&html, &["assets/search.js"]);
            assert!(wrong.is_empty(), "{path}: {wrong:?}");
        }
    }
}

/// Renders `text` as Markdown and checks the output against the sanitising policy.
pub fn check_markdown(text: &str) {
    for html in [
        auditbook::markdown::render(text),
        auditbook::markdown::render_inline(text),
    ] {
        let wrong = markup::markdown_violations(&html);
        assert!(wrong.is_empty(), "{text:?} -> {html:?}: {wrong:?}");
    }
}

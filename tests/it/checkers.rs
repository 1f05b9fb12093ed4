//! Outside checkers over the built pages: the Nu HTML checker (`vnu.jar`) must find no error
//! on any page, and axe-core in headless Chromium no serious or critical accessibility
//! violation (colour contrast among them) on the main kinds of page, in the light and the
//! dark colour scheme.
//!
//! The tools come from `tests/browser-tools/` (`npm ci` there installs `vnu.jar` and
//! axe-core); Java runs the checker, Node drives Chromium. A test whose tools are missing is
//! skipped with a note; CI installs them (`.ci/run`). Each test first checks a page with a
//! known fault, so a checker that reports nothing cannot pass for a clean site.

use crate::support::run;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use run::{build_ok as build, chromium_on_path};

/// Skips a test whose tools are missing, with a note; fails it instead where
/// `AUDITBOOK_REQUIRE_CHECKERS` is set (CI sets it, having installed them).
fn skip(what: &str) {
    assert!(
        std::env::var_os("AUDITBOOK_REQUIRE_CHECKERS").is_none(),
        "{what}, and AUDITBOOK_REQUIRE_CHECKERS is set"
    );
    eprintln!("note: {what}; skipping");
}

/// Where `npm ci` puts the tools.
fn tools() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser-tools")
}

/// `program` when it is on PATH.
fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// Runs `program` with `args`, killed after `limit_s` seconds (coreutils `timeout`).
fn run_limited(limit_s: u32, program: &Path, args: &[&std::ffi::OsStr]) -> Output {
    Command::new("timeout")
        .arg(limit_s.to_string())
        .arg(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", program.display()))
}

/// The demo workspace and the multilingual fixture (right to left, CJK, hostile text), built
/// into `dir`.
fn build_sites(dir: &Path) -> (PathBuf, PathBuf) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (demo, ml) = (dir.join("demo"), dir.join("multilingual"));
    build(root, &demo);
    build(&root.join("tests/fixtures/site/multilingual"), &ml);
    (demo, ml)
}

fn html_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.expect("walk the site").into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    files.sort();
    files
}

/// The checker's errors (`--format gnu` lines) per file.
fn vnu_errors(java: &Path, jar: &Path, files: &[PathBuf]) -> BTreeMap<PathBuf, Vec<String>> {
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "-jar".as_ref(),
        jar.as_os_str(),
        "--errors-only".as_ref(),
        "--format".as_ref(),
        "gnu".as_ref(),
    ];
    args.extend(files.iter().map(|f| f.as_os_str()));
    let out = run_limited(600, java, &args);
    let report =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    // Exit status 1 means "errors found"; anything else but 0 means the checker broke.
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "vnu.jar failed ({}):\n{report}",
        out.status
    );
    let mut errors: BTreeMap<PathBuf, Vec<String>> = BTreeMap::new();
    for line in report.lines().filter(|l| l.contains("error:")) {
        let file = files
            .iter()
            .find(|f| line.contains(&format!("{}\"", f.display())))
            .cloned()
            .unwrap_or_default();
        errors.entry(file).or_default().push(line.to_string());
    }
    errors
}

#[test]
fn every_page_is_valid_html_to_the_nu_checker() {
    let jar = tools().join("node_modules/vnu-jar/build/dist/vnu.jar");
    let (Some(java), true) = (on_path("java"), jar.is_file()) else {
        skip(&format!(
            "java or {} is missing (npm ci in tests/browser-tools): no Nu HTML checker",
            jar.display()
        ));
        return;
    };
    let tmp = tempfile::tempdir().expect("a temporary folder");
    // The canary: `dir` on SVG elements, which the site's charts once carried.
    let canary = tmp.path().join("canary.html");
    std::fs::write(
        &canary,
        "<!DOCTYPE html><html lang=en><title>Canary</title>\
         <svg dir=\"ltr\" viewBox=\"0 0 1 1\"><title>c</title></svg></html>",
    )
    .expect("write the canary");
    let (demo, ml) = build_sites(tmp.path());
    let mut files = vec![canary.clone()];
    let pages = [html_files(&demo), html_files(&ml)].concat();
    assert!(pages.len() > 100, "only {} pages were built", pages.len());
    files.extend(pages);

    let mut errors = vnu_errors(&java, &jar, &files);
    let canary_errors = errors.remove(&canary).unwrap_or_default();
    assert!(
        canary_errors.iter().any(|e| e.contains("“dir”")),
        "the checker did not report `dir` on <svg> in the canary: {canary_errors:?}"
    );
    let count: usize = errors.values().map(Vec::len).sum();
    let shown: Vec<&String> = errors.values().flatten().take(40).collect();
    assert_eq!(
        count,
        0,
        "the Nu HTML checker found {count} errors in {} files; the first:\n{}",
        errors.len(),
        shown
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// One page as the axe script reports it, with its serious and critical violations.
fn serious(result: &serde_json::Value) -> Vec<String> {
    let empty = Vec::new();
    let violations = result["violations"].as_array().unwrap_or(&empty);
    violations
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .map(|v| {
            let nodes = v["nodes"].as_array().unwrap_or(&empty);
            let first = nodes.first().map_or(String::new(), |n| {
                format!("{} — {}", n["target"], n["summary"].as_str().unwrap_or(""))
            });
            format!(
                "{} ({}, {} nodes): {first}",
                v["id"], v["impact"], v["count"]
            )
        })
        .collect()
}

#[test]
fn main_pages_pass_axe_in_light_and_dark() {
    let script = tools().join("axe.mjs");
    let axe = tools().join("node_modules/axe-core/axe.min.js");
    let (Some(node), Some(chromium), true) = (on_path("node"), chromium_on_path(), axe.is_file())
    else {
        skip(&format!(
            "node, chromium or {} is missing (npm ci in tests/browser-tools): no axe-core",
            axe.display()
        ));
        return;
    };
    let tmp = tempfile::tempdir().expect("a temporary folder");
    // The canary: grey text on grey, well under 4.5:1.
    let canary = tmp.path().join("canary.html");
    std::fs::write(
        &canary,
        "<!DOCTYPE html><html lang=en><title>Canary</title><main><h1>Canary</h1>\
         <p style=\"color:#999;background:#bbb\">Faint text</p></main></html>",
    )
    .expect("write the canary");
    let (demo, ml) = build_sites(tmp.path());
    let audit = demo.join("rounds/2026-q3/zagreb-support");
    let pages = [
        ("canary", canary),
        ("dashboard", demo.join("index.html")),
        ("round", demo.join("rounds/2026-q3/index.html")),
        ("audit", audit.join("index.html")),
        ("gaps", audit.join("gaps/index.html")),
        ("report", audit.join("report.html")),
        (
            "checklist",
            demo.join("checklists/customer-service-audit/index.html"),
        ),
        ("metrics", demo.join("metrics/index.html")),
        ("exemptions", demo.join("exemptions/index.html")),
        (
            "source",
            demo.join("metrics/sources/tallinn-helpdesk/index.html"),
        ),
        (
            "item",
            demo.join("checklists/customer-service-audit/items/identify-gaps/index.html"),
        ),
        // Stale evidence, marked.
        (
            "earlier-audit",
            demo.join("rounds/2026-q2/zagreb-support/index.html"),
        ),
        (
            "hr-audit",
            demo.join("hr/rounds/2026-q3/zagreb-support/index.html"),
        ),
        ("ar-metrics", ml.join("ar/metrics/index.html")),
        ("ar-audit", ml.join("ar/rounds/2026-q1/cairo/index.html")),
    ];
    for (name, page) in &pages {
        assert!(page.is_file(), "{name}: {} was not built", page.display());
    }
    let job = serde_json::json!({
        "schemes": ["light", "dark"],
        "pages": pages
            .iter()
            .map(|(name, path)| serde_json::json!({ "name": name, "path": path }))
            .collect::<Vec<_>>(),
    });
    let job_path = tmp.path().join("job.json");
    std::fs::write(&job_path, job.to_string()).expect("write the job");
    let args = [
        script.as_os_str(),
        chromium.as_os_str(),
        job_path.as_os_str(),
    ];
    let out = run_limited(300, &node, &args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "axe.mjs failed ({}):\n{stderr}",
        out.status
    );
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("axe.mjs prints JSON");
    let results = report["results"].as_array().expect("results");
    assert_eq!(
        results.len(),
        pages.len() * 2,
        "one result per page and scheme"
    );

    let mut found = Vec::new();
    for result in results {
        let (name, scheme) = (&result["name"], &result["scheme"]);
        let bad = serious(result);
        if name == "canary" {
            assert!(
                bad.iter().any(|v| v.contains("color-contrast")),
                "axe did not report the canary's faint text ({scheme}): {bad:?}"
            );
            continue;
        }
        found.extend(bad.into_iter().map(|v| format!("{name} ({scheme}): {v}")));
    }
    assert!(
        found.is_empty(),
        "axe-core found serious or critical violations:\n{}",
        found.join("\n")
    );
}

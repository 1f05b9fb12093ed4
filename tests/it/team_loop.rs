//! The commands around the core, run as the real binary: `schema` (checked with a real JSON
//! Schema validator against every bundled and fixture file), `init` (a new workspace that
//! checks clean and builds; never over existing files), `completions`, `man`, `--version`,
//! and the CI files of the project itself parsed as YAML.

use crate::support::{docs, run};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use auditbook::yaml::{Kind, Node};
use run::{auditbook, snapshot, stderr};
use serde_json::{Value, json};

const KINDS: [&str; 8] = [
    "config",
    "checklist",
    "audit",
    "round",
    "snapshot",
    "source",
    "exemption",
    "strings",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 on stdout")
}

// ----- YAML files as JSON instances --------------------------------------------------------

/// A YAML tree as the JSON a schema validator sees. Keys become strings; a number JSON cannot
/// hold (`.inf`) becomes its text, which no numeric schema accepts, as `check` does not.
fn to_json(node: &Node) -> Value {
    match &node.kind {
        Kind::Null => Value::Null,
        Kind::Bool(b) => json!(b),
        Kind::Int(i) => json!(i),
        Kind::Float(f) if f.is_finite() => json!(f),
        Kind::Float(f) => json!(f.to_string()),
        Kind::Str(s) => json!(s),
        Kind::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        Kind::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.scalar_text().unwrap_or_default(), to_json(v)))
                .collect(),
        ),
    }
}

/// The kind of a workspace file from its path relative to the workspace root.
fn kind_of(rel: &str) -> Option<&'static str> {
    let parts: Vec<&str> = rel.split('/').collect();
    if parts.iter().any(|p| p.starts_with('.')) || !rel.ends_with(".yaml") {
        return None;
    }
    match parts.as_slice() {
        ["auditbook.yaml"] => Some("config"),
        ["checklists", ..] => Some("checklist"),
        ["audits", _, "round.yaml"] => Some("round"),
        ["audits", _, _] => Some("audit"),
        ["metrics", ..] => Some("snapshot"),
        ["sources", _] => Some("source"),
        ["exemptions", ..] => Some("exemption"),
        ["i18n", _] => Some("strings"),
        _ => None,
    }
}

/// Every parseable workspace file under `ws`: (name for messages, kind, instance).
fn workspace_instances(ws: &Path, name: &str) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(ws).sort_by_file_name() {
        let entry = entry.expect("walk");
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(ws).expect("inside");
        let rel = rel.to_string_lossy().replace('\\', "/");
        if rel.starts_with("tests/") || rel.starts_with("target/") || rel.starts_with("src/") {
            continue;
        }
        let Some(kind) = kind_of(&rel) else { continue };
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        // Files that are not YAML at all are `check`'s to report, not a schema's.
        let Ok(node) = auditbook::yaml::parse(&text) else {
            continue;
        };
        out.push((format!("{name}/{rel}"), kind.to_string(), to_json(&node)));
    }
    out
}

// ----- the validator ------------------------------------------------------------------------

const VALIDATE: &str = r#"
import json, sys
from jsonschema import Draft202012Validator
job = json.load(open(sys.argv[1], encoding="utf-8"))
validators = {}
for kind, schema in job["schemas"].items():
    Draft202012Validator.check_schema(schema)
    validators[kind] = Draft202012Validator(schema)
out = {}
for name, kind, instance in job["instances"]:
    errors = sorted(validators[kind].iter_errors(instance), key=lambda e: list(e.path))
    out[name] = ["/".join(map(str, e.path)) + ": " + e.message[:200] for e in errors]
json.dump(out, sys.stdout)
"#;

fn validator_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import jsonschema"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!(
            "note: skipped: the Python jsonschema package is not installed (python3 -m pip install jsonschema)"
        );
    }
    ok
}

/// The schemas as `auditbook schema KIND` prints them.
fn schemas() -> BTreeMap<String, Value> {
    KINDS
        .iter()
        .map(|kind| {
            let o = auditbook(["schema", kind]);
            assert_eq!(o.status.code(), Some(0), "schema {kind}: {}", stderr(&o));
            let schema: Value = serde_json::from_str(&stdout(&o)).expect("schema is JSON");
            (kind.to_string(), schema)
        })
        .collect()
}

/// Validates every instance; returns name -> errors (empty when valid).
fn validate(instances: &[(String, String, Value)]) -> BTreeMap<String, Vec<String>> {
    let dir = tempfile::tempdir().expect("temp dir");
    let job = dir.path().join("job.json");
    let instances: Vec<Value> = instances.iter().map(|(n, k, v)| json!([n, k, v])).collect();
    let body = json!({"schemas": schemas(), "instances": instances});
    std::fs::write(&job, body.to_string()).expect("write the job");
    let o = Command::new("python3")
        .args(["-c", VALIDATE])
        .arg(&job)
        .output()
        .expect("run python3");
    assert!(o.status.success(), "validator failed: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("validator output")
}

// ----- schema ------------------------------------------------------------------------------

#[test]
fn schema_prints_draft_2020_12_with_descriptions() {
    for kind in KINDS {
        let o = auditbook(["schema", kind]);
        assert_eq!(o.status.code(), Some(0), "{kind}: {}", stderr(&o));
        let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
        assert_eq!(v["$schema"], "https://json-schema.org/draft/2020-12/schema");
        assert!(v["description"].as_str().is_some_and(|d| !d.is_empty()));
    }
    let checklist: Value =
        serde_json::from_str(&stdout(&auditbook(["schema", "checklist"]))).expect("JSON");
    let version = checklist["properties"]["version"]["description"]
        .as_str()
        .expect("a description on hover");
    assert!(version.contains("whole number from 1 up"), "{version}");
    let o = auditbook(["schema", "checklists"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn every_bundled_and_valid_fixture_file_matches_its_schema() {
    if !validator_available() {
        return;
    }
    let root = root();
    let mut instances = workspace_instances(&root, "bundled");
    // The built-in messages are Fluent, not YAML: each language's messages, written in the
    // older YAML form of an override (key -> text), must match the `strings` schema.
    for lang in auditbook::i18n::builtin_languages() {
        let strings: serde_json::Map<String, serde_json::Value> = auditbook::i18n::known_keys()
            .filter_map(|key| Some((key.to_string(), auditbook::i18n::builtin(lang, key)?.into())))
            .collect();
        assert!(strings.len() > 100, "{lang}");
        instances.push((
            format!("src/i18n/{lang}.ftl"),
            "strings".into(),
            serde_json::Value::Object(strings),
        ));
    }
    let fixtures = root.join("tests/fixtures");
    for ws in [
        "every-field",
        "golden",
        "metrics",
        "minimal",
        "scoring",
        "series",
        "site/multilingual",
    ] {
        instances.extend(workspace_instances(&fixtures.join(ws), ws));
    }
    for kind in [
        "config",
        "checklist",
        "audit",
        "round",
        "snapshot",
        "strings",
    ] {
        assert!(
            instances.iter().any(|(_, k, _)| k == kind),
            "no {kind} file was validated"
        );
    }
    let results = validate(&instances);
    let failed: Vec<_> = results.iter().filter(|(_, e)| !e.is_empty()).collect();
    assert!(
        failed.is_empty(),
        "valid files fail their schema: {failed:#?}"
    );
}

/// The files of the invalid fixtures whose mistake is structural (an unknown field, a wrong
/// type, a missing field, a malformed id, date or duration, a number out of range, an empty
/// file): the schema rejects each. Every other file of every invalid fixture is valid to the
/// schema, since its mistakes need more than one file or the scale to see.
const STRUCTURAL: &[(&str, &str)] = &[
    (
        "broken-checklist-no-cascade",
        "checklists/customer-service.yaml",
    ),
    ("control-characters", "checklists/customer-service.yaml"),
    ("empty-file-comments", "metrics/2026-09.yaml"),
    ("many-files", "auditbook.yaml"),
    ("many-files", "checklists/customer-service.yaml"),
    ("many-files", "metrics/2026-08.yaml"),
    ("many-files", "metrics/2026-09.yaml"),
    ("misspelt-languages-no-cascade", "auditbook.yaml"),
    ("unknown-field", "checklists/customer-service.yaml"),
    ("unknown-field-answer", "audits/2026-q3/eu.yaml"),
    ("wrong-type", "checklists/customer-service.yaml"),
    ("missing-field", "audits/2026-q3/eu.yaml"),
    ("invalid-id", "checklists/customer-service.yaml"),
    ("negative-weight", "checklists/customer-service.yaml"),
    ("non-finite-number", "checklists/customer-service.yaml"),
    ("invalid-date-format", "metrics/2026-09.yaml"),
    ("scale-one-level", "checklists/customer-service.yaml"),
    ("negative-count", "metrics/2026-09.yaml"),
    ("ratio-total-zero", "metrics/2026-09.yaml"),
    ("duration-bare-number", "metrics/2026-09.yaml"),
    ("duration-malformed", "metrics/2026-09.yaml"),
    ("value-out-of-range", "metrics/2026-09.yaml"),
    ("empty-file", "metrics/2026-09.yaml"),
    ("decimal-comma", "metrics/2026-09.yaml"),
    ("duration-spelt-out", "metrics/2026-09.yaml"),
    ("metric-level-out-of-range", "auditbook.yaml"),
    ("public-hide", "auditbook.yaml"),
    ("evidence-entry", "audits/2026-q3/eu.yaml"),
    ("evidence-max-age-malformed", "checklists/support.yaml"),
    ("exemptions", "exemptions/unknown-field.yaml"),
];

#[test]
fn structural_mistakes_fail_schema_validation() {
    if !validator_available() {
        return;
    }
    let invalid = root().join("tests/fixtures/invalid");
    let mut cases: Vec<String> = std::fs::read_dir(&invalid)
        .expect("invalid fixtures")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    let mut instances = Vec::new();
    for case in &cases {
        instances.extend(workspace_instances(&invalid.join(case), case));
    }
    let results = validate(&instances);
    for (case, file) in STRUCTURAL {
        let name = format!("{case}/{file}");
        let errors = results
            .get(&name)
            .unwrap_or_else(|| panic!("{name} was not validated"));
        assert!(!errors.is_empty(), "{name} passes its schema");
    }
    let wrongly_failed: Vec<_> = results
        .iter()
        .filter(|(name, errors)| {
            !errors.is_empty() && !STRUCTURAL.iter().any(|(c, f)| **name == format!("{c}/{f}"))
        })
        .collect();
    assert!(
        wrongly_failed.is_empty(),
        "files valid to `check`'s field rules fail their schema: {wrongly_failed:#?}"
    );
}

// ----- init ----------------------------------------------------------------------------------

fn check(ws: &Path) -> std::process::Output {
    auditbook([Path::new("check").as_os_str(), ws.as_os_str()])
}

#[test]
fn init_writes_a_workspace_that_checks_clean_and_builds() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let ws = tmp.path().join("audits-repo");
    let o = auditbook([Path::new("init").as_os_str(), ws.as_os_str()]);
    assert_eq!(o.status.code(), Some(0), "init: {}", stderr(&o));
    for file in [
        "auditbook.yaml",
        "checklists/customer-service-audit.yaml",
        "audits/2026-q1/north-support.yaml",
        "audits/2026-q1/south-support.yaml",
        ".gitignore",
        ".github/workflows/auditbook.yml",
        ".gitlab-ci.yml",
        ".vscode/settings.json",
        "schemas/checklist.json",
    ] {
        assert!(ws.join(file).is_file(), "{file} is missing");
    }
    let o = check(&ws);
    assert_eq!(o.status.code(), Some(0), "check: {}", stderr(&o));
    assert!(stderr(&o).contains("no problems"), "{}", stderr(&o));
    let out = tmp.path().join("out");
    run::build_ok(&ws, &out);
    assert!(
        out.join("rounds/2026-q1/north-support/index.html")
            .is_file()
    );
    // The output folder of auditbook.yaml is ignored by git.
    let gitignore = std::fs::read_to_string(ws.join(".gitignore")).expect(".gitignore");
    assert!(gitignore.lines().any(|l| l == "/site/"));
    // Every file it wrote matches its schema.
    if validator_available() {
        let results = validate(&workspace_instances(&ws, "init"));
        assert!(results.len() >= 6, "{results:?}");
        let failed: Vec<_> = results.iter().filter(|(_, e)| !e.is_empty()).collect();
        assert!(failed.is_empty(), "{failed:#?}");
    }
}

#[test]
fn init_in_several_languages_checks_clean() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let ws = tmp.path().join("ws");
    let o = auditbook([
        Path::new("init").as_os_str(),
        ws.as_os_str(),
        Path::new("--languages").as_os_str(),
        Path::new("hr,en,hu").as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(0), "init: {}", stderr(&o));
    let config = std::fs::read_to_string(ws.join("auditbook.yaml")).expect("config");
    assert!(config.contains("languages: [hr, en, hu]"), "{config}");
    let checklist = std::fs::read_to_string(ws.join("checklists/customer-service-audit.yaml"))
        .expect("checklist");
    assert!(checklist.contains("hu: Ügyfélszolgálati audit"));
    assert!(!checklist.contains("sl: "), "only the chosen languages");
    let o = check(&ws);
    assert_eq!(o.status.code(), Some(0), "check: {}", stderr(&o));
    assert!(stderr(&o).contains("no problems"), "{}", stderr(&o));
}

#[test]
fn init_into_a_folder_with_files_changes_nothing() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let ws = tmp.path();
    std::fs::write(ws.join("auditbook.yaml"), "title: Mine\n").expect("write");
    std::fs::create_dir(ws.join("notes")).expect("mkdir");
    let before = snapshot(ws);
    let o = auditbook([Path::new("init").as_os_str(), ws.as_os_str()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not empty"), "{}", stderr(&o));
    assert!(stderr(&o).contains("auditbook.yaml"), "{}", stderr(&o));
    assert_eq!(snapshot(ws), before);
    assert!(!ws.join("checklists").exists() && !ws.join(".github").exists());
}

#[test]
fn init_refuses_bad_languages() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let ws = tmp.path().join("ws");
    let o = auditbook([
        Path::new("init").as_os_str(),
        ws.as_os_str(),
        Path::new("--languages").as_os_str(),
        Path::new("en,English").as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("invalid language tag 'English'"));
    assert!(!ws.exists());
}

// ----- completions, man, version -------------------------------------------------------------

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = auditbook(["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
        let script = stdout(&o);
        assert!(script.contains("auditbook"), "{shell}");
        assert!(
            script.contains("schema") && script.contains("init"),
            "{shell}"
        );
    }
    assert_eq!(auditbook(["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn man_prints_a_roff_page() {
    let o = auditbook(["man"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = stdout(&o);
    assert!(page.contains(".TH auditbook"), "{page}");
    assert!(page.contains("completions") && page.contains("schema"));
}

#[test]
fn version_names_the_git_revision_of_a_checkout() {
    let o = auditbook(["--version"]);
    assert_eq!(o.status.code(), Some(0));
    let version = stdout(&o);
    assert!(
        version.starts_with(&format!("auditbook {}", env!("CARGO_PKG_VERSION"))),
        "{version}"
    );
    let rev = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(root())
        .output()
        .ok()
        .filter(|o| o.status.success() && root().join(".git").exists());
    if let Some(rev) = rev {
        let rev = String::from_utf8_lossy(&rev.stdout).trim().to_string();
        assert!(
            version.contains(&format!("({rev})")),
            "{version} lacks {rev}"
        );
    }
}

// ----- the project's own CI files ------------------------------------------------------------

/// The workflow files cannot run here; they must at least be YAML with the keys GitHub reads.
#[test]
fn release_workflow_is_well_formed() {
    let text = std::fs::read_to_string(root().join(".github/workflows/release.yml"))
        .expect("release workflow");
    let node = auditbook::yaml::parse(&text).expect("release.yml is YAML");
    let v = to_json(&node);
    assert!(v["on"]["push"]["tags"].is_array(), "runs on tags");
    let jobs = v["jobs"].as_object().expect("jobs");
    assert!(!jobs.is_empty());
    for (name, job) in jobs {
        assert!(
            job["runs-on"].is_string() || job["runs-on"].is_object(),
            "{name}"
        );
        assert!(job["steps"].is_array(), "{name}");
    }
    for target in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(text.contains(target), "builds {target}");
    }
    assert!(text.contains("sha256"), "publishes checksums");
}

#[test]
fn init_workflows_are_well_formed() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let ws = tmp.path().join("ws");
    let o = auditbook([Path::new("init").as_os_str(), ws.as_os_str()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let gh = std::fs::read_to_string(ws.join(".github/workflows/auditbook.yml")).expect("gh");
    let gh = to_json(&auditbook::yaml::parse(&gh).expect("GitHub workflow is YAML"));
    let steps = gh["jobs"]["check"]["steps"].as_array().expect("steps");
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(
        runs.contains(&"auditbook check --format github"),
        "{runs:?}"
    );
    assert!(
        gh["jobs"]["deploy"]["steps"][0]["uses"]
            .as_str()
            .is_some_and(|u| u.starts_with("actions/deploy-pages"))
    );
    let gl = std::fs::read_to_string(ws.join(".gitlab-ci.yml")).expect("gl");
    let gl = to_json(&auditbook::yaml::parse(&gl).expect("GitLab CI is YAML"));
    assert_eq!(gl["pages"]["artifacts"]["paths"][0], "public");
    let settings: Value = serde_json::from_str(
        &std::fs::read_to_string(ws.join(".vscode/settings.json")).expect("settings"),
    )
    .expect("settings are JSON");
    for kind in KINDS {
        let key = format!("./schemas/{kind}.json");
        assert!(settings["yaml.schemas"][&key].is_array(), "{key}");
        assert!(ws.join(&key).is_file(), "{key}");
    }
}

/// The schemas of sources and exemptions are held to the examples of the format, and to
/// mistakes in them; the sources are those of docs/exports.md, which tests/it/exports_docs.rs
/// runs through the reader.
#[test]
fn source_and_exemption_schemas_follow_the_format() {
    if !validator_available() {
        return;
    }
    const EXEMPTION: &str = r#"
checklist: customer-service-audit
item: check-24-7-support
subject: budapest-support
reason: {en: Chat is staffed 08-20 until the new hire starts}
owner: Kiss Péter
approved: 2026-05-02
until: 2026-12-31
"#;
    let parse = |text: &str| to_json(&auditbook::yaml::parse(text).expect("YAML"));
    let case =
        |name: &str, kind: &str, text: &str| (name.to_string(), kind.to_string(), parse(text));
    // The sources of docs/exports.md: the full example of section 1 and the ready mappings.
    let sources = docs::sources("exports.md");
    let (_, full) = (sources.iter())
        .find(|(id, _)| id == "helpdesk")
        .expect("the full example of docs/exports.md");
    let mutated = |what: &str, from: &str, to: &str| {
        assert!(full.contains(from), "the example has no {from:?}");
        (
            what.to_string(),
            "source".to_string(),
            parse(&full.replacen(from, to, 1)),
        )
    };
    let no_timezone: String = (full.lines())
        .filter(|line| !line.starts_with("timezone:"))
        .map(|line| format!("{line}\n"))
        .collect();
    let mut cases: Vec<_> = (sources.iter())
        .map(|(id, text)| (format!("source {id}"), "source".to_string(), parse(text)))
        .collect();
    cases.extend([
        case("exemption", "exemption", EXEMPTION),
        case("source-no-timezone", "source", &no_timezone),
        mutated("source-bad-hours", "\"10:00-14:00\"", "\"10 to 14\""),
        mutated(
            "source-unknown-column",
            "  nps: Recommend",
            "  npss: Recommend",
        ),
        case(
            "exemption-no-owner",
            "exemption",
            &EXEMPTION.replace("owner: Kiss Péter\n", ""),
        ),
        case(
            "exemption-bad-date",
            "exemption",
            &EXEMPTION.replace("2026-12-31", "31.12.2026"),
        ),
    ]);
    let results = validate(&cases);
    for (name, errors) in &results {
        let valid = name.starts_with("source ") || name == "exemption";
        assert_eq!(errors.is_empty(), valid, "{name}: {errors:?}");
    }
    assert_eq!(results.len(), sources.len() + 6);
}

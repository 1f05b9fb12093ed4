//! The commands of docs/getting-started.md, docs/ci.md and the CI workflows `auditbook init`
//! writes, run in the order a new user and CI run them: `init`, the checks, `serve`,
//! `score`, `build`, a commit, an edit, `diff` against the commit, and a failing gate. Every
//! `auditbook` command in the docs' ```sh blocks and in the workflows must be one this test
//! ran, so the docs and the workflows cannot drift from what works.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use auditbook::yaml::{Kind, Node};

use crate::support::run::{commit_all, git_repo};

/// The commands run so far, as their arguments after `auditbook`.
struct Session {
    ran: Vec<Vec<String>>,
}

impl Session {
    /// Runs `auditbook args` in `dir`, records it and returns its output.
    fn run(&mut self, dir: &Path, args: &[&str]) -> Output {
        let out = Command::new(env!("CARGO_BIN_EXE_auditbook"))
            .current_dir(dir)
            .args(args)
            .output()
            .expect("run auditbook");
        self.ran.push(args.iter().map(|a| a.to_string()).collect());
        out
    }

    /// [`Session::run`], which must exit with `code`.
    #[track_caller]
    fn expect(&mut self, dir: &Path, args: &[&str], code: i32) -> Output {
        let out = self.run(dir, args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "auditbook {}:\n{}{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Whether `command` (the words after `auditbook` in a doc or a workflow) is one that
    /// ran. A word with a shell variable (`"origin/$GITHUB_BASE_REF"`) stands for any value;
    /// `--port` is left out, since the test lets the system pick the port.
    fn covers(&self, command: &[String]) -> bool {
        self.ran.iter().any(|ran| {
            let ran = without_port(ran);
            ran.len() == command.len()
                && ran
                    .iter()
                    .zip(command)
                    .all(|(r, c)| r == c || c.contains('$'))
        })
    }
}

fn without_port(args: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut skip = false;
    for a in args {
        if skip {
            skip = false;
        } else if a == "--port" {
            skip = true;
        } else {
            out.push(a.clone());
        }
    }
    out
}

/// The words of a shell line after `auditbook`, up to a redirection, pipe, `&&`, `;` or
/// comment, with double quotes removed; `None` for a line that does not run auditbook.
fn auditbook_words(line: &str) -> Option<Vec<String>> {
    let rest = line.trim().strip_prefix("auditbook ")?;
    let mut words = Vec::new();
    let (mut word, mut quoted, mut started) = (String::new(), false, false);
    for c in rest.chars().chain([' ']) {
        match c {
            '"' => {
                quoted = !quoted;
                started = true;
            }
            c if c.is_whitespace() && !quoted => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            c => {
                word.push(c);
                started = true;
            }
        }
    }
    let end = words
        .iter()
        .position(|w| matches!(w.as_str(), ">" | ">>" | "|" | "&&" | ";") || w.starts_with('#'))
        .unwrap_or(words.len());
    words.truncate(end);
    Some(words)
}

/// The `auditbook` commands of the ```sh blocks of a Markdown file.
fn doc_commands(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).expect("read a doc");
    let mut in_sh = false;
    let mut out = Vec::new();
    for line in text.lines() {
        let fence = line.trim_start();
        if fence.starts_with("```") {
            in_sh = !in_sh && fence == "```sh";
        } else if in_sh && let Some(words) = auditbook_words(line) {
            out.push(words);
        }
    }
    out
}

/// The `auditbook` commands of a CI file: every line of every string in it.
fn workflow_commands(path: &Path) -> Vec<Vec<String>> {
    fn strings<'n>(node: &'n Node, out: &mut Vec<&'n str>) {
        match &node.kind {
            Kind::Str(s) => out.push(s),
            Kind::Seq(items) => items.iter().for_each(|n| strings(n, out)),
            Kind::Map(entries) => entries.iter().for_each(|(_, v)| strings(v, out)),
            _ => {}
        }
    }
    let text = std::fs::read_to_string(path).expect("read a workflow");
    let root = auditbook::yaml::parse(&text).expect("the workflow is YAML");
    let mut all = Vec::new();
    strings(&root, &mut all);
    all.iter()
        .flat_map(|s| s.lines())
        .filter_map(auditbook_words)
        .collect()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn the_documented_and_generated_commands_work_in_order() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let mut s = Session { ran: Vec::new() };

    s.expect(tmp.path(), &["init", "audits"], 0);
    let ws: PathBuf = tmp.path().join("audits");
    for args in [
        &["check"][..],
        &["check", "--format", "github"],
        &["check", "--no-gates"],
        &["check", "--format", "github", "--no-gates"],
    ] {
        let out = s.expect(&ws, args, 0);
        assert!(!stdout(&out).contains("::error"), "{}", stdout(&out));
    }

    // `serve`, with the port left to the system, until it says where it serves.
    let mut serve = Command::new(env!("CARGO_BIN_EXE_auditbook"))
        .current_dir(&ws)
        .args(["serve", "--port", "0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start serve");
    s.ran
        .push(vec!["serve".into(), "--port".into(), "0".into()]);
    let said = BufReader::new(serve.stderr.take().expect("serve's stderr"))
        .lines()
        .map_while(Result::ok)
        .find(|l| l.starts_with("serving on http://127.0.0.1:"));
    let _ = serve.kill();
    let _ = serve.wait();
    assert!(said.is_some(), "serve never said where it serves");

    let table = stdout(&s.expect(&ws, &["score"], 0));
    assert!(table.starts_with("round "), "{table}");
    let latest = stdout(&s.expect(&ws, &["score", "--round", "latest"], 0));
    assert_eq!(latest, table, "the example workspace has one round");

    s.expect(&ws, &["build"], 0);
    assert!(ws.join("site/index.html").is_file());
    s.expect(&ws, &["build", "--out", "site"], 0);

    git_repo(&ws);
    commit_all(&ws, "Audits");

    // GitLab Pages' folder, after the commit so it stays out of it.
    s.expect(&ws, &["build", "--out", "public"], 0);
    assert!(ws.join("public/index.html").is_file());

    let audit = ws.join("audits/2026-q1/north-support.yaml");
    let text = std::fs::read_to_string(&audit).expect("read the audit");
    assert!(text.contains("  share-reports: partial\n"));
    std::fs::write(
        &audit,
        text.replace(
            "  share-reports: partial\n",
            "  share-reports: established\n",
        ),
    )
    .expect("edit the audit");
    let diff = stdout(&s.expect(&ws, &["diff", "--base", "HEAD", "--format", "markdown"], 0));
    assert!(diff.contains("## Audit changes since `HEAD`"), "{diff}");
    assert!(diff.contains("2026-q1/north-support"), "{diff}");

    // A gate no audit passes fails `check`, on the audit files; `--no-gates` skips it.
    let config = ws.join("auditbook.yaml");
    let mut settings = std::fs::read_to_string(&config).expect("read auditbook.yaml");
    settings.push_str("gates:\n  min-score: 100\n");
    std::fs::write(&config, settings).expect("add a gate");
    let out = s.expect(&ws, &["check"], 1);
    assert!(
        stderr(&out).contains("error: gate min-score: north-support (2026-q1) scores "),
        "{}",
        stderr(&out)
    );
    let out = s.expect(&ws, &["check", "--format", "github"], 1);
    assert!(
        stdout(&out).contains(
            "::error file=audits/2026-q1/north-support.yaml,line=1,col=1,title=auditbook::gate \
             min-score: north-support (2026-q1) scores "
        ),
        "{}",
        stdout(&out)
    );
    s.expect(&ws, &["check", "--no-gates"], 0);
    s.expect(&ws, &["check", "--format", "github", "--no-gates"], 0);

    // Every command of the workflows and of the docs is one that ran above.
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    let sources = [
        ws.join(".github/workflows/auditbook.yml"),
        ws.join(".gitlab-ci.yml"),
        docs.join("ci.md"),
        docs.join("getting-started.md"),
    ];
    for source in &sources {
        let commands = if source.extension().is_some_and(|e| e == "md") {
            doc_commands(source)
        } else {
            workflow_commands(source)
        };
        assert!(
            commands.len() >= 2,
            "{} runs auditbook: {commands:?}",
            source.display()
        );
        for command in commands {
            assert!(
                s.covers(&command),
                "{} runs `auditbook {}`, which this test does not",
                source.display(),
                command.join(" ")
            );
        }
    }
}

#[test]
fn commands_are_read_as_the_shell_splits_them() {
    let words = |l: &str| auditbook_words(l).unwrap_or_default();
    assert_eq!(
        words(
            r#"  auditbook diff --base "origin/$GITHUB_BASE_REF" --format markdown >> "$GITHUB_STEP_SUMMARY""#
        ),
        [
            "diff",
            "--base",
            "origin/$GITHUB_BASE_REF",
            "--format",
            "markdown"
        ]
    );
    assert_eq!(words("auditbook check   # validate"), ["check"]);
    assert_eq!(auditbook_words("cargo install --locked auditbook"), None);
    let s = Session {
        ran: vec![vec!["serve".into(), "--port".into(), "0".into()]],
    };
    assert!(s.covers(&["serve".to_string()]));
    assert!(!s.covers(&["serve".to_string(), "--open".to_string()]));
}

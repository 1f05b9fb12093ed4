//! Incremental rebuilds (`serve`): after each kind of change, the site kept up to date by
//! [`Rebuilder`] is byte for byte the site a full build makes from scratch; a change to audit
//! answers renders only the pages that depend on it, and only files whose bytes changed are
//! replaced.

// The generator is shared with the benchmarks; not all of it is used here.
#[allow(dead_code)]
use crate::support::corpus;

use std::fs;
use std::path::{Path, PathBuf};

use auditbook::build::build_site;
use auditbook::rebuild::{Rebuilder, Rebuilt};
use auditbook::render::{Plan, Site};

struct Served {
    root: PathBuf,
    rebuilder: Rebuilder,
    site: Site,
    _tmp: tempfile::TempDir,
}

impl Served {
    fn corpus(audits: usize) -> Served {
        let tmp = tempfile::tempdir().expect("tmp");
        let root = tmp.path().join("ws");
        corpus::write(
            &root,
            &corpus::Params {
                audits,
                items: 8,
                languages: 3,
                seed: 7,
            },
        )
        .expect("a generated workspace");
        Served::start(root, tmp)
    }

    fn fixture(name: &str) -> Served {
        let tmp = tempfile::tempdir().expect("tmp");
        let root = tmp.path().join("ws");
        copy_dir(&Path::new("tests/fixtures").join(name), &root);
        Served::start(root, tmp)
    }

    fn start(root: PathBuf, tmp: tempfile::TempDir) -> Served {
        let mut rebuilder = Rebuilder::new(&root);
        let mut site = Site::default();
        let first = rebuilder
            .rebuild(&site)
            .unwrap_or_else(|_| panic!("the first build"));
        assert!(first.whole);
        first.apply(&mut site);
        Served {
            root,
            rebuilder,
            site,
            _tmp: tmp,
        }
    }

    /// Rebuilds, applies the changes, and checks the site against a full build.
    fn rebuild(&mut self) -> RebuiltSummary {
        let rebuilt: Rebuilt = self
            .rebuilder
            .rebuild(&self.site)
            .unwrap_or_else(|f| panic!("the rebuild fails: {}", describe(f)));
        let summary = RebuiltSummary {
            plan: rebuilt.plan.clone(),
            whole: rebuilt.whole,
            rendered: rebuilt.rendered,
            changed: rebuilt.changed.iter().map(|(p, _)| p.clone()).collect(),
            removed: rebuilt.removed.clone(),
        };
        for (path, bytes) in &rebuilt.changed {
            assert_ne!(
                self.site.files.get(path),
                Some(bytes),
                "{path} is reported changed but its bytes are the same"
            );
        }
        rebuilt.apply(&mut self.site);
        let full = build_site(&self.root).unwrap_or_else(|_| panic!("the full build"));
        assert_same_site(&self.site, &full.site);
        summary
    }

    fn edit(&self, rel: &str, f: impl FnOnce(String) -> String) {
        let path = self.root.join(rel);
        let text = fs::read_to_string(&path).expect("read");
        let new = f(text.clone());
        assert_ne!(text, new, "the edit of {rel} changed nothing");
        fs::write(&path, new).expect("write");
    }

    /// Audit files, sorted.
    fn audits(&self) -> Vec<String> {
        let mut out = Vec::new();
        for round in fs::read_dir(self.root.join("audits"))
            .expect("audits")
            .flatten()
        {
            for f in fs::read_dir(round.path()).expect("round").flatten() {
                let name = f.file_name().to_string_lossy().into_owned();
                if name != "round.yaml" && name.ends_with(".yaml") {
                    out.push(format!(
                        "audits/{}/{name}",
                        round.file_name().to_string_lossy()
                    ));
                }
            }
        }
        out.sort();
        out
    }
}

/// `text` with each line for which `f` gives a replacement replaced.
fn replace_lines(text: &str, f: impl Fn(&str) -> Option<String>) -> String {
    text.lines()
        .map(|l| f(l).unwrap_or_else(|| l.to_string()))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// "audits/2020-q1/x.yaml" -> ("2020-q1", "x")
fn round_and_stem(file: &str) -> (String, String) {
    let mut parts = file.split('/').skip(1);
    let round = parts.next().expect("a round").to_string();
    let stem = parts
        .next()
        .expect("a file")
        .trim_end_matches(".yaml")
        .to_string();
    (round, stem)
}

#[derive(Debug)]
struct RebuiltSummary {
    plan: Plan,
    whole: bool,
    rendered: usize,
    changed: Vec<String>,
    removed: Vec<String>,
}

fn describe(f: auditbook::build::Failure) -> String {
    match f {
        auditbook::build::Failure::Io(e) => e.to_string(),
        auditbook::build::Failure::Invalid { diags, sources } => {
            auditbook::diag::render_human(&diags, &sources)
        }
        auditbook::build::Failure::Render(e) => e.to_string(),
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for e in fs::read_dir(from).expect("read").flatten() {
        let target = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            fs::copy(e.path(), &target).expect("copy");
        }
    }
}

fn assert_same_site(incremental: &Site, full: &Site) {
    let a: Vec<&String> = incremental.files.keys().collect();
    let b: Vec<&String> = full.files.keys().collect();
    assert_eq!(
        a, b,
        "the incremental site has other files than a full build"
    );
    for (path, bytes) in &full.files {
        assert!(
            incremental.files[path] == *bytes,
            "{path} differs from a full build:\n--- incremental\n{}\n--- full\n{}",
            String::from_utf8_lossy(&incremental.files[path]),
            String::from_utf8_lossy(bytes)
        );
    }
}

/// The first answer line of the form `  item-id: N` in an audit.
fn first_plain_answer(text: &str) -> (String, u32) {
    text.lines()
        .find_map(|l| {
            let (id, v) = l.strip_prefix("  ")?.split_once(": ")?;
            let v: u32 = v.parse().ok()?;
            (!id.starts_with(' ')).then(|| (id.to_string(), v))
        })
        .expect("an audit with a plain numeric answer")
}

#[test]
fn answer_edits_render_only_what_depends_on_them_and_equal_a_full_build() {
    let mut s = Served::corpus(40);
    let total = s.site.files.len();
    let audits = s.audits();
    assert!(audits.len() >= 30, "{audits:?}");

    // A score changes.
    let file = &audits[audits.len() / 2];
    let (id, v) = first_plain_answer(&fs::read_to_string(s.root.join(file)).expect("read"));
    let new = if v == 0 { 1 } else { v - 1 };
    s.edit(file, |t| {
        t.replacen(&format!("  {id}: {v}\n"), &format!("  {id}: {new}\n"), 1)
    });
    let r = s.rebuild();
    assert!(!r.whole, "{r:?}");
    assert!(r.rendered * 3 < total, "rendered {} of {total}", r.rendered);
    let stem = Path::new(file).file_stem().unwrap().to_string_lossy();
    assert!(
        r.changed
            .iter()
            .any(|p| p.contains(&*stem) && p.ends_with("gaps/index.html")),
        "{r:?}"
    );
    assert!(r.changed.len() < r.rendered, "{r:?}");

    // A note is added to an answer.
    let file = &audits[3];
    let (id, v) = first_plain_answer(&fs::read_to_string(s.root.join(file)).expect("read"));
    s.edit(file, |t| {
        t.replacen(
            &format!("  {id}: {v}\n"),
            &format!("  {id}: {{score: {v}, note: \"Checked again **after** the call.\"}}\n"),
            1,
        )
    });
    let r = s.rebuild();
    assert!(!r.whole, "{r:?}");
    assert!(r.changed.iter().any(|p| p.starts_with("data/search/")));

    // The summary of the newest audit of a series, and the oldest one's answers.
    let (first, last) = (&audits[0], &audits[audits.len() - 1]);
    s.edit(last, |t| {
        replace_lines(&t, |l| {
            l.starts_with("summary:")
                .then(|| "summary: \"Rewritten: the team answers *faster* now.\"".to_string())
        })
    });
    let (id, v) = first_plain_answer(&fs::read_to_string(s.root.join(first)).expect("read"));
    s.edit(first, |t| {
        t.replacen(&format!("  {id}: {v}\n"), &format!("  {id}: na\n"), 1)
    });
    let r = s.rebuild();
    assert!(!r.whole, "{r:?}");

    // An audit of the oldest round: the next audit of its series compares with it, so its
    // pages are rendered again too.
    let file = &audits[1];
    let (round, stem) = round_and_stem(file);
    let next = s
        .audits()
        .into_iter()
        .map(|f| round_and_stem(&f))
        .find(|(r, a)| *r > round && *a == stem)
        .expect("a later audit of the same series");
    let (id, v) = first_plain_answer(&fs::read_to_string(s.root.join(file)).expect("read"));
    s.edit(file, |t| {
        t.replacen(&format!("  {id}: {v}\n"), &format!("  {id}: na\n"), 1)
    });
    let r = s.rebuild();
    match &r.plan {
        Plan::Only {
            audits,
            rounds,
            items,
        } => {
            assert!(audits.contains(&(round.clone(), stem.clone())), "{r:?}");
            assert!(audits.contains(&next), "{next:?} not rendered again: {r:?}");
            assert!(rounds.contains(&round) && rounds.contains(&next.0), "{r:?}");
            // The changed item's page shows the new answer; the other items' pages do not
            // change.
            let text = fs::read_to_string(s.root.join(file)).expect("read");
            let checklist = (text.lines())
                .find_map(|l| l.strip_prefix("checklist: "))
                .expect("the audit names its checklist");
            let changed = (checklist.trim().to_string(), id.to_string());
            assert!(items.contains(&changed), "{r:?}");
            assert_eq!(items.len(), 1, "{items:?}");
        }
        Plan::All => panic!("the whole site for one audit: {r:?}"),
    }

    // Nothing changed: nothing is replaced.
    let r = s.rebuild();
    assert!(r.changed.is_empty() && r.removed.is_empty(), "{r:?}");
}

#[test]
fn other_changes_render_the_whole_site_and_equal_a_full_build() {
    let mut s = Served::corpus(24);
    let audits = s.audits();

    // A checklist's title.
    let checklist = fs::read_dir(s.root.join("checklists"))
        .expect("checklists")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "yaml"))
        .expect("a checklist file");
    let rel = checklist
        .strip_prefix(&s.root)
        .unwrap()
        .to_string_lossy()
        .into_owned();
    s.edit(&rel, |t| {
        replace_lines(&t, |l| {
            let n: u32 = l.strip_prefix("target: ")?.parse().ok()?;
            Some(format!("target: {}", if n > 1 { n - 1 } else { n + 1 }))
        })
    });
    let r = s.rebuild();
    assert!(r.whole, "{r:?}");

    // An audit moves to another date: its round and series order can change.
    let file = &audits[5];
    s.edit(file, |t| {
        replace_lines(&t, |l| {
            let d = l.strip_prefix("date: ")?;
            let d = chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").expect("a date");
            Some(format!("date: {}", d - chrono::Days::new(1)))
        })
    });
    let r = s.rebuild();
    assert!(r.whole, "{r:?}");

    // An audit is removed: its pages go.
    fs::remove_file(s.root.join(&audits[7])).expect("remove");
    let r = s.rebuild();
    assert!(r.whole, "{r:?}");
    let stem = Path::new(&audits[7]).file_stem().unwrap().to_string_lossy();
    assert!(r.removed.iter().any(|p| p.contains(&*stem)), "{r:?}");

    // A snapshot value.
    let snapshot = walk(&s.root.join("metrics"))
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "yaml"))
        .expect("a snapshot");
    let rel = snapshot
        .strip_prefix(&s.root)
        .unwrap()
        .to_string_lossy()
        .into_owned();
    s.edit(&rel, |t| t.replacen("taken:", "# edited\ntaken:", 1));
    // A comment alone changes no value: nothing on the site changes.
    let r = s.rebuild();
    assert!(r.changed.is_empty(), "{r:?}");

    // A template override, then an interface string.
    let base = fs::read_to_string("templates/base.html").expect("the built-in base template");
    let dir = s.root.join("templates");
    fs::create_dir_all(&dir).expect("mkdir");
    fs::write(
        dir.join("base.html"),
        base.replacen("<body", "<!-- our own base -->\n<body", 1),
    )
    .expect("write");
    let r = s.rebuild();
    assert!(r.whole, "{r:?}");
    assert!(r.changed.len() > 100, "{r:?}");
    fs::create_dir_all(s.root.join("i18n")).expect("mkdir");
    fs::write(s.root.join("i18n/en.yaml"), "nav_dashboard: Overview\n").expect("write");
    let r = s.rebuild();
    assert!(r.whole, "{r:?}");
    // A Fluent file for the same language wins over the YAML one, and its edits are seen.
    fs::write(s.root.join("i18n/en.ftl"), "nav_dashboard = Summary\n").expect("write");
    let r = s.rebuild();
    assert!(r.whole, "{r:?}");
    let dashboard = |s: &Served| String::from_utf8_lossy(&s.site.files["index.html"]).into_owned();
    assert!(
        dashboard(&s).contains(">Summary<"),
        "the .ftl override is not on the page"
    );
    s.edit("i18n/en.ftl", |t| t.replace("Summary", "Home"));
    let r = s.rebuild();
    assert!(r.whole, "{r:?}");
    assert!(
        dashboard(&s).contains(">Home<"),
        "the edited .ftl is not on the page"
    );

    // The site's address.
    s.edit("auditbook.yaml", |t| {
        t.replace(
            "base_url: https://audits.example.com/support/",
            "base_url: https://example.org/audits/",
        )
    });
    let r = s.rebuild();
    assert!(r.whole, "{r:?}");
}

#[test]
fn a_broken_edit_keeps_the_site_and_its_fix_catches_up() {
    let mut s = Served::corpus(12);
    let audits = s.audits();
    let file = &audits[2];
    let good = fs::read_to_string(s.root.join(file)).expect("read");
    let (id, v) = first_plain_answer(&good);
    fs::write(
        s.root.join(file),
        good.replacen(&format!("  {id}: {v}\n"), &format!("  {id}: 99\n"), 1),
    )
    .expect("write");
    let before = s.site.clone();
    assert!(s.rebuilder.rebuild(&s.site).is_err(), "an invalid score");
    assert_eq!(s.site, before);
    let new = if v == 0 { 1 } else { v - 1 };
    fs::write(
        s.root.join(file),
        good.replacen(&format!("  {id}: {v}\n"), &format!("  {id}: {new}\n"), 1),
    )
    .expect("write");
    let r = s.rebuild();
    assert!(!r.whole, "{r:?}");
}

#[test]
fn edits_in_a_multilingual_right_to_left_workspace_equal_a_full_build() {
    let mut s = Served::fixture("site/multilingual");
    let audits = s.audits();
    let mut edited = 0;
    for file in &audits {
        let text = fs::read_to_string(s.root.join(file)).expect("read");
        // The first answer given as a plain scale key becomes "not applicable".
        let Some(line) = text
            .split("\nanswers:\n")
            .nth(1)
            .and_then(|a| {
                a.lines().find(|l| {
                    l.starts_with("  ")
                        && !l.starts_with("   ")
                        && !l.contains('{')
                        && l.split_once(": ")
                            .is_some_and(|(_, v)| !v.trim().is_empty())
                })
            })
            .map(str::to_string)
        else {
            continue;
        };
        let (id, _) = line.trim().split_once(':').expect("an answer");
        let replacement = format!("  {id}: na");
        s.edit(file, |t| t.replacen(&line, &replacement, 1));
        let r = s.rebuild();
        assert!(!r.whole, "{file}: {r:?}");
        assert!(!r.changed.is_empty(), "{file}: {r:?}");
        edited += 1;
    }
    assert!(edited >= 5, "{edited}");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).expect("read").flatten() {
        if e.file_type().expect("type").is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out.sort();
    out
}

#[test]
fn a_page_that_fails_to_render_keeps_the_site_and_its_fix_catches_up() {
    let mut s = Served::corpus(12);
    // An override that fails for one audit only: the one whose summary says BOOM.
    let audit = fs::read_to_string("templates/audit.html").expect("the built-in audit template");
    let failing = audit.replacen(
        "{% block content %}",
        "{% block content %}{% if data.summary %}{% if \"BOOM\" in data.summary.html %}{{ data.no_such_field.deeper }}{% endif %}{% endif %}",
        1,
    );
    fs::create_dir_all(s.root.join("templates")).expect("mkdir");
    fs::write(s.root.join("templates/audit.html"), failing).expect("write");
    let r = s.rebuild();
    assert!(r.whole, "{r:?}");

    let file = &s.audits()[4];
    let good = fs::read_to_string(s.root.join(file)).expect("read");
    let boom = replace_lines(&good, |l| {
        l.starts_with("summary:")
            .then(|| "summary: \"BOOM\"".to_string())
    });
    assert_ne!(good, boom, "the audit has a summary");
    fs::write(s.root.join(file), boom).expect("write");
    let before = s.site.clone();
    assert!(
        s.rebuilder.rebuild(&s.site).is_err(),
        "the page fails to render"
    );
    assert_eq!(s.site, before);
    fs::write(s.root.join(file), good).expect("write");
    s.rebuild();
}

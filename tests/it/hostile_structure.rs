//! Hostile structure (docs/security.md, promise 2): alias bombs, deep nesting, huge files,
//! tens of thousands of files or of values, symbolic-link loops and links out of the
//! workspace, special files, file names that are not UTF-8, and files that vanish or change
//! while a build reads them. Each must end in a clear diagnostic or be handled: exit status 0
//! or 1 (never 101, a panic), within seconds, with bounded memory.
//!
//! Each case runs the real binary on a workspace generated in a temporary folder, with a time
//! limit after which it is killed, and its peak resident memory read from
//! `/proc/<pid>/status` (VmHWM) while it runs. The limits below are for the debug build that
//! `cargo test` uses on a 2-core machine; a release build is several times faster.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt as _;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The longest one command may run before it is killed and the case fails.
const TIME_LIMIT: Duration = Duration::from_secs(40);
/// What "within seconds" means for one case. The debug build that plain `cargo test` runs is
/// ten to twenty times slower than a release build, and the large cases are smaller there;
/// `cargo test --release --test hostile_structure` runs them at full size.
const EXPECTED: Duration = if cfg!(debug_assertions) {
    Duration::from_secs(15)
} else {
    Duration::from_secs(5)
};
/// Whether the large cases run at full size (a release build).
const FULL_SIZE: bool = !cfg!(debug_assertions);
/// The most memory one command may use.
const MEMORY_LIMIT_KB: u64 = 500 * 1024;

/// How one run of the binary ended.
#[derive(Debug)]
struct Outcome {
    /// `None` when it was killed at [`TIME_LIMIT`] or by a signal.
    code: Option<i32>,
    stderr: String,
    elapsed: Duration,
    peak_kb: u64,
}

/// The peak resident memory of a running process, in KiB.
fn peak_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Runs `auditbook <args>` with the time limit, watching its memory.
fn run<I, S>(args: I) -> Outcome
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run_for(args, TIME_LIMIT)
}

/// [`run`] with another time limit.
fn run_for<I, S>(args: I, limit: Duration) -> Outcome
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let dir = tempfile::tempdir().expect("a temporary folder");
    let err_path = dir.path().join("stderr");
    let started = Instant::now();
    let mut child = crate::support::command()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&err_path).expect("a stderr file"))
        .process_group(0)
        .spawn()
        .expect("run auditbook");
    let mut peak = 0;
    let code = loop {
        if let Some(kb) = peak_kb(child.id()) {
            peak = peak.max(kb);
        }
        match child.try_wait().expect("wait for auditbook") {
            Some(status) => break status.code(),
            None if started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            None => std::thread::sleep(Duration::from_millis(2)),
        }
    };
    let elapsed = started.elapsed();
    let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
    Outcome {
        code,
        stderr,
        elapsed,
        peak_kb: peak,
    }
}

fn check(ws: &Path) -> Outcome {
    run([OsStr::new("check"), ws.as_os_str()])
}

fn build(ws: &Path, out: &Path) -> Outcome {
    run([
        OsStr::new("build"),
        ws.as_os_str(),
        OsStr::new("--out"),
        out.as_os_str(),
    ])
}

/// Asserts the run ended by itself with one of `codes`, quickly and within the memory
/// limit, and that its messages contain each of `says`.
#[track_caller]
fn assert_handled(what: &str, o: &Outcome, codes: &[i32], says: &[&str]) {
    let tail: String = {
        let lines: Vec<&str> = o.stderr.lines().collect();
        let from = lines.len().saturating_sub(30);
        lines[from..].join("\n")
    };
    assert!(
        o.code.is_some(),
        "{what}: killed after {:?} (or by a signal); stderr ends:\n{tail}",
        o.elapsed
    );
    assert_ne!(o.code, Some(101), "{what}: panicked:\n{tail}");
    assert!(
        o.code.is_some_and(|c| codes.contains(&c)),
        "{what}: exit status {:?}, expected one of {codes:?}; stderr ends:\n{tail}",
        o.code
    );
    assert!(!o.stderr.contains("panicked"), "{what}: panicked:\n{tail}");
    for s in says {
        assert!(o.stderr.contains(s), "{what}: no {s:?} in:\n{tail}");
    }
    assert!(
        o.elapsed < EXPECTED,
        "{what}: took {:?} (limit {EXPECTED:?})",
        o.elapsed
    );
    assert!(
        o.peak_kb < MEMORY_LIMIT_KB,
        "{what}: peak memory {} MiB",
        o.peak_kb / 1024
    );
    eprintln!(
        "{what}: exit {:?} in {:?}, peak {} MiB",
        o.code,
        o.elapsed,
        o.peak_kb / 1024
    );
}

/// A small valid workspace in `<tmp>/ws`, with room beside it for outputs and for files
/// "outside the workspace".
struct Ws {
    tmp: tempfile::TempDir,
}

const CHECKLIST: &str = "id: service
version: 1
title: Service audit
sections:
  - id: evaluate
    title: Evaluate
    items:
      - {id: assess-quality, title: Assess quality}
";
const AUDIT: &str = "checklist: service
version: 1
subject: eu
date: 2026-06-30
answers:
  assess-quality: 3
";

impl Ws {
    fn new() -> Ws {
        let w = Ws {
            tmp: tempfile::tempdir().expect("a temporary folder"),
        };
        w.write("checklists/service.yaml", CHECKLIST);
        w.write("audits/2026-q2/eu.yaml", AUDIT);
        w
    }

    fn root(&self) -> PathBuf {
        self.tmp.path().join("ws")
    }

    fn outside(&self) -> PathBuf {
        self.tmp.path().join("outside")
    }

    fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create a folder");
        std::fs::write(path, text).expect("write a file");
    }

    fn out(&self) -> PathBuf {
        self.tmp.path().join("site")
    }
}

// ----- YAML bombs ----------------------------------------------------------------------------

#[test]
fn an_alias_bomb_is_refused_quickly() {
    let w = Ws::new();
    // A billion laughs: each level repeats the one before ten times, 10^9 strings in all.
    let mut bomb = String::from(
        "id: bomb\ntitle: Bomb\nsections: []\nx0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    for i in 1..=9 {
        let p = i - 1;
        bomb.push_str(&format!(
            "x{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    w.write("checklists/bomb.yaml", &bomb);
    // The same in a snapshot and in the config, which are read by other code paths.
    w.write(
        "metrics/bomb.yaml",
        bomb.replace(
            "id: bomb\ntitle: Bomb\nsections: []\n",
            "taken: 2026-01-01\nvalues: {}\n",
        ),
    );
    let o = check(&w.root());
    assert_handled(
        "an alias bomb",
        &o,
        &[1],
        &["checklists/bomb.yaml", "metrics/bomb.yaml"],
    );
    assert!(o.stderr.contains("alias"), "{}", o.stderr);
}

#[test]
fn deep_nesting_is_refused_quickly() {
    let w = Ws::new();
    let depth = 10_000;
    let flow = format!(
        "id: deep\ntitle: Deep\nsections: {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    w.write("checklists/deep-flow.yaml", &flow);
    let mut maps = String::from("taken: 2026-01-01\nvalues: ");
    maps.push_str(&"{a: ".repeat(depth));
    maps.push('1');
    maps.push_str(&"}".repeat(depth));
    w.write("metrics/deep-map.yaml", &maps);
    // Block style: each level indented one more space.
    let mut block = String::from("checklist: service\ndate: 2026-06-30\nanswers:\n");
    for i in 0..2_000 {
        block.push_str(&" ".repeat(i + 1));
        block.push_str("k:\n");
    }
    w.write("audits/2026-q2/deep-block.yaml", &block);
    let o = check(&w.root());
    assert_handled(
        "10,000 levels of nesting",
        &o,
        &[1],
        &[
            "checklists/deep-flow.yaml",
            "metrics/deep-map.yaml",
            "audits/2026-q2/deep-block.yaml",
        ],
    );
}

#[test]
fn a_20_mb_file_is_refused_without_reading_it_all() {
    let w = Ws::new();
    let mut big = String::from("taken: 2026-01-01\nvalues: {}\n# ");
    big.push_str(&"x".repeat(20 * 1024 * 1024));
    big.push('\n');
    w.write("metrics/huge.yaml", &big);
    let o = check(&w.root());
    assert_handled(
        "a 20 MB file",
        &o,
        &[1],
        &["metrics/huge.yaml", "larger than 16 MiB"],
    );
}

#[test]
fn a_file_just_under_the_size_limit_with_many_values_is_handled() {
    let w = Ws::new();
    // 15 MiB (2 MiB in a debug build): a snapshot with hundreds of thousands of breakdown
    // entries, each a value to check; past 500,000 the node limit stops the parser.
    let size = if FULL_SIZE { 15 } else { 2 } * 1024 * 1024;
    let mut big =
        String::from("taken: 2026-01-01\nvalues:\n  csat:\n    value: 80\n    by:\n      agent:\n");
    let mut i = 0;
    while big.len() < size {
        big.push_str(&format!("        a{i}: {}\n", i % 100));
        i += 1;
    }
    w.write("metrics/big.yaml", &big);
    let o = check(&w.root());
    assert_handled(
        &format!("a {} MiB snapshot of {i} values", size / 1024 / 1024),
        &o,
        &[0, 1],
        &[],
    );
}

#[test]
fn tens_of_thousands_of_problems_in_one_file_are_reported_quickly() {
    let w = Ws::new();
    // 30,000 answers to items that do not exist: one diagnostic each, each with a
    // "did you mean" search, printed with its source line.
    let mut audit =
        String::from("checklist: service\nversion: 1\nsubject: x\ndate: 2026-06-30\nanswers:\n");
    for i in 0..30_000 {
        audit.push_str(&format!("  assess-quality-{i}: 3\n"));
    }
    w.write("audits/2026-q2/many.yaml", &audit);
    let o = check(&w.root());
    assert_handled(
        "30,000 errors in one file",
        &o,
        &[1],
        &["audits/2026-q2/many.yaml"],
    );
}

// ----- many files ----------------------------------------------------------------------------

#[test]
fn twenty_thousand_small_files_are_checked_and_built() {
    let w = Ws::new();
    // 20,000 metric snapshots: one a day for 55 years. A debug build checks them all and
    // builds a site from 2,000 (its metrics page alone is 7 MB for 20,000).
    let start = chrono::NaiveDate::from_ymd_opt(1990, 1, 1).expect("a date");
    let files = 20_000u64;
    for i in 0..files {
        let day = start + chrono::Days::new(i);
        w.write(
            &format!("metrics/{}/{day}.yaml", day.format("%Y")),
            format!(
                "taken: {day}\nvalues: {{csat: {}, backlog: {}}}\n",
                50 + i % 50,
                i % 300
            ),
        );
    }
    w.write(
        "auditbook.yaml",
        "metrics:\n  - {id: backlog, unit: count, better: lower, target: 100}\n",
    );
    let o = check(&w.root());
    assert_handled("20,000 files", &o, &[0], &[]);
    if !FULL_SIZE {
        std::fs::remove_dir_all(w.root().join("metrics")).expect("remove metrics/");
        for i in 0..2_000u64 {
            let day = start + chrono::Days::new(i * 10);
            w.write(
                &format!("metrics/{}/{day}.yaml", day.format("%Y")),
                format!(
                    "taken: {day}\nvalues: {{csat: {}, backlog: {}}}\n",
                    50 + i % 50,
                    i % 300
                ),
            );
        }
    }
    let o = build(&w.root(), &w.out());
    assert_handled("building 20,000 files", &o, &[0], &[]);
    assert!(w.out().join("metrics/index.html").is_file());
}

// ----- links, special files, names -----------------------------------------------------------

#[test]
fn symbolic_link_loops_are_handled() {
    use std::os::unix::fs::symlink;
    let w = Ws::new();
    let root = w.root();
    symlink(".", root.join("checklists/loop")).expect("a folder link to itself");
    symlink("..", root.join("metrics-up")).expect("a link up");
    std::fs::create_dir_all(root.join("metrics/a")).expect("mkdir");
    symlink("../../metrics", root.join("metrics/a/back")).expect("a loop through a parent");
    symlink("self.yaml", root.join("checklists/self.yaml")).expect("a file link to itself");
    symlink("b.yaml", root.join("metrics/a.yaml")).expect("a link");
    symlink("a.yaml", root.join("metrics/b.yaml")).expect("a link back");
    let o = check(&root);
    assert_handled(
        "symbolic-link loops",
        &o,
        &[0],
        &["checklists/self.yaml", "symbolic link ignored"],
    );
    let o = build(&root, &w.out());
    assert_handled("building with symbolic-link loops", &o, &[0], &[]);
}

/// A checklist outside the workspace whose title would show up in the site if read.
const SECRET: &str = "id: secret
version: 1
title: SECRET-OUTSIDE-TITLE
sections:
  - id: s
    title: S
    items:
      - {id: i, title: I}
";

fn site_mentions(out: &Path, needle: &str) -> Vec<String> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            std::fs::read(e.path()).is_ok_and(|b| String::from_utf8_lossy(&b).contains(needle))
        })
        .map(|e| e.path().display().to_string())
        .collect()
}

#[test]
fn a_linked_input_file_pointing_outside_is_not_read() {
    use std::os::unix::fs::symlink;
    let w = Ws::new();
    std::fs::create_dir_all(w.outside()).expect("mkdir");
    let secret = w.outside().join("secret.yaml");
    std::fs::write(&secret, SECRET).expect("write");
    std::fs::create_dir_all(w.root().join("metrics")).expect("mkdir");
    symlink(&secret, w.root().join("checklists/secret.yaml")).expect("a link out");
    symlink("/etc/passwd", w.root().join("metrics/passwd.yaml")).expect("a link out");
    let o = build(&w.root(), &w.out());
    assert_handled(
        "a linked file pointing outside",
        &o,
        &[0],
        &[
            "checklists/secret.yaml",
            "metrics/passwd.yaml",
            "symbolic link ignored",
        ],
    );
    assert_eq!(
        site_mentions(&w.out(), "SECRET-OUTSIDE"),
        Vec::<String>::new()
    );
    assert_eq!(site_mentions(&w.out(), "root:"), Vec::<String>::new());
}

/// Builds `w` and asserts that `secret` appears nowhere in the site: docs/format.md promises
/// that symbolic links are not followed.
#[track_caller]
fn assert_not_read_through_a_link(what: &str, w: &Ws, secret: &str) {
    let o = build(&w.root(), &w.out());
    assert_handled(what, &o, &[0, 1], &[]);
    assert_eq!(
        site_mentions(&w.out(), secret),
        Vec::<String>::new(),
        "{what}: {secret} was read through a symbolic link; stderr:\n{}",
        o.stderr
    );
}

#[test]
fn a_linked_config_file_pointing_outside_is_not_read() {
    use std::os::unix::fs::symlink;
    let w = Ws::new();
    std::fs::create_dir_all(w.outside()).expect("mkdir");
    std::fs::write(
        w.outside().join("auditbook.yaml"),
        "title: SECRET-OUTSIDE-CONFIG\n",
    )
    .expect("write");
    symlink(
        w.outside().join("auditbook.yaml"),
        w.root().join("auditbook.yaml"),
    )
    .expect("link");
    assert_not_read_through_a_link("auditbook.yaml as a link out", &w, "SECRET-OUTSIDE-CONFIG");
}

#[test]
fn a_linked_template_pointing_outside_is_not_read() {
    use std::os::unix::fs::symlink;
    let w = Ws::new();
    std::fs::create_dir_all(w.outside()).expect("mkdir");
    std::fs::write(
        w.outside().join("dashboard.html"),
        "{% extends \"base.html\" %}{% block content %}SECRET-OUTSIDE-TEMPLATE{% endblock content %}",
    )
    .expect("write");
    std::fs::write(w.outside().join("style.css"), "/* SECRET-OUTSIDE-STYLE */").expect("write");
    std::fs::create_dir_all(w.root().join("templates/assets")).expect("mkdir");
    symlink(
        w.outside().join("dashboard.html"),
        w.root().join("templates/dashboard.html"),
    )
    .expect("link");
    symlink(
        w.outside().join("style.css"),
        w.root().join("templates/assets/style.css"),
    )
    .expect("link");
    assert_not_read_through_a_link(
        "templates/dashboard.html as a link out",
        &w,
        "SECRET-OUTSIDE-TEMPLATE",
    );
    assert_not_read_through_a_link(
        "templates/assets/style.css as a link out",
        &w,
        "SECRET-OUTSIDE-STYLE",
    );
    // And the build says so, naming each file.
    let o = build(&w.root(), &w.out());
    for file in ["templates/dashboard.html", "templates/assets/style.css"] {
        assert!(
            o.stderr
                .contains(&format!("warning: symbolic link ignored\n --> {file}")),
            "{file}: {}",
            o.stderr
        );
    }
}

#[test]
fn a_linked_folder_inside_an_input_folder_is_not_read() {
    use std::os::unix::fs::symlink;
    let w = Ws::new();
    std::fs::create_dir_all(w.outside().join("checklists")).expect("mkdir");
    std::fs::write(w.outside().join("checklists/secret.yaml"), SECRET).expect("write");
    symlink(
        w.outside().join("checklists"),
        w.root().join("checklists/shared"),
    )
    .expect("link");
    assert_not_read_through_a_link(
        "checklists/shared as a link out",
        &w,
        "SECRET-OUTSIDE-TITLE",
    );
}

#[test]
fn an_input_folder_that_is_a_link_out_of_the_workspace_is_not_read() {
    use std::os::unix::fs::symlink;
    let w = Ws::new();
    let outside = w.outside();
    std::fs::create_dir_all(outside.join("metrics")).expect("mkdir");
    std::fs::write(
        outside.join("metrics/secret.yaml"),
        "taken: 2026-01-01\nvalues: {csat: 12.3456}\n",
    )
    .expect("write");
    symlink(outside.join("metrics"), w.root().join("metrics")).expect("link");
    assert_not_read_through_a_link("metrics/ as a link out", &w, "12.3456");
}

#[test]
fn a_fifo_named_like_an_input_does_not_hang_the_build() {
    let w = Ws::new();
    let fifo = w.root().join("checklists/pipe.yaml");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("note: mkfifo is not available; skipping");
        return;
    }
    // Opening a FIFO for reading waits for a writer that never comes; a hang here is what
    // the test is about, so it gets less time than the others.
    let o = run_for([OsStr::new("check"), w.root().as_os_str()], EXPECTED);
    assert_handled(
        "a FIFO named checklists/pipe.yaml",
        &o,
        &[0, 1],
        &["checklists/pipe.yaml"],
    );
}

#[test]
fn a_file_nested_deeper_than_the_folder_limit_is_reported_not_ignored() {
    // docs/format.md: folders nest "up to 32 levels" under checklists/ and metrics/. A file
    // deeper than that must not silently drop out of the site: it gets a diagnostic.
    let w = Ws::new();
    let deep = vec!["d"; 33].join("/");
    w.write(&format!("checklists/{deep}/broken.yaml"), "id: [broken\n");
    let o = check(&w.root());
    assert_handled("a file 34 folders deep", &o, &[0, 1], &[]);
    assert!(
        o.stderr.contains("broken.yaml"),
        "a file below the folder limit was skipped without a word:\n{}",
        o.stderr
    );
}

#[test]
fn file_names_that_are_not_utf8_get_a_diagnostic() {
    let w = Ws::new();
    let root = w.root();
    let bad = |prefix: &str, name: &[u8]| {
        let mut p = OsString::from(prefix);
        p.push(OsStr::from_bytes(name));
        root.join(p)
    };
    std::fs::write(bad("checklists/", b"caf\xe9.yaml"), CHECKLIST).expect("write");
    std::fs::create_dir_all(bad("audits/", b"\xff\xfe")).expect("mkdir");
    std::fs::write(bad("audits/", b"\xff\xfe").join("eu.yaml"), AUDIT).expect("write");
    std::fs::write(bad("i18n/", b"\xc3\x28.yaml"), "title: x\n")
        .or_else(|_| {
            std::fs::create_dir_all(root.join("i18n"))?;
            std::fs::write(bad("i18n/", b"\xc3\x28.yaml"), "title: x\n")
        })
        .expect("write");
    let o = check(&root);
    assert_handled(
        "names that are not UTF-8",
        &o,
        &[1],
        &["not valid UTF-8", "caf\u{fffd}.yaml"],
    );
    // Counted once per file: the checklist, the audit, the strings file.
    assert!(
        o.stderr.matches("not valid UTF-8").count() >= 3,
        "{}",
        o.stderr
    );
    let o = build(&root, &w.out());
    assert_handled("building with names that are not UTF-8", &o, &[1], &[]);
    assert!(!w.out().exists(), "an invalid workspace was built");
}

// ----- files that change under the build -----------------------------------------------------

#[test]
fn a_file_that_vanished_after_discovery_is_a_diagnostic() {
    // The loader lists files first and reads them after; a file deleted in between reaches
    // `read_text` missing. That step, on its own:
    let w = Ws::new();
    let mut sources = auditbook::source::Sources::default();
    let rel = Path::new("checklists/gone.yaml");
    let d = auditbook::workspace::read_text(&w.root(), rel, &mut sources)
        .expect_err("a missing file cannot be read");
    let text = format!("{d:?}");
    assert!(text.contains("cannot read"), "{text}");
    assert!(text.contains("gone.yaml"), "{text}");
}

#[test]
fn files_changing_during_builds_never_crash_it() {
    let w = Ws::new();
    let root = w.root();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // One thread keeps creating, rewriting, truncating and deleting inputs, and whole
    // folders of them, while builds run.
    let churn = {
        let root = root.clone();
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut n = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                n += 1;
                let dir = root.join(format!("metrics/churn-{}", n % 4));
                let _ = std::fs::create_dir_all(&dir);
                let file = dir.join(format!("{}.yaml", n % 16));
                match n % 5 {
                    0 => {
                        let _ = std::fs::remove_dir_all(&dir);
                    }
                    1 => {
                        let _ = std::fs::write(&file, "taken: 2026-01-01\nval");
                    }
                    2 => {
                        let _ = std::fs::remove_file(&file);
                    }
                    _ => {
                        let _ = std::fs::write(
                            &file,
                            format!(
                                "taken: 2026-01-{:02}\nvalues: {{csat: {}}}\n",
                                1 + n % 28,
                                n % 100
                            ),
                        );
                    }
                }
                let audit = root.join("audits/2026-q2/eu.yaml");
                let _ = if n.is_multiple_of(2) {
                    std::fs::write(&audit, AUDIT)
                } else {
                    std::fs::write(&audit, &AUDIT[..AUDIT.len() / 2])
                };
            }
        })
    };
    let started = Instant::now();
    let mut codes = Vec::new();
    for i in 0..12 {
        let o = if i % 2 == 0 {
            check(&root)
        } else {
            build(&root, &w.out())
        };
        assert_handled(&format!("run {i} under churn"), &o, &[0, 1], &[]);
        codes.push(o.code);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    churn.join().expect("the churn thread");
    eprintln!("12 runs under churn in {:?}: {codes:?}", started.elapsed());
    // Afterwards the workspace is whole again and builds.
    let _ = std::fs::remove_dir_all(root.join("metrics"));
    w.write("audits/2026-q2/eu.yaml", AUDIT);
    let o = build(&root, &w.out());
    assert_handled("a build after the churn", &o, &[0], &[]);
    assert!(w.out().join("index.html").is_file());
}

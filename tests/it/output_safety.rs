//! Output safety (docs/security.md, promise 3), beyond what `tests/site.rs` covers (refused
//! output folders, the atomic swap after a failed build, earlier outputs replaced): builds
//! racing for one output folder, builds killed mid-write, and output paths that reach the
//! workspace through a symbolic link or through `output:` in auditbook.yaml.
//!
//! The large workspaces are made by the generator the benchmarks use
//! (`crates/corpus`), so a build takes long enough to be caught in the middle.

// The generator's helpers that this file does not call are used by the benchmarks.
#[allow(dead_code)]
use crate::support::corpus;
use crate::support::run;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use run::{assert_same_files, auditbook, build, build_ok, debris, snapshot};

/// `auditbook build <ws> --out <out>`, started, with its stderr going to `err`.
fn spawn_build(ws: &Path, out: &Path, err: &Path) -> Child {
    crate::support::command()
        .args([
            OsStr::new("build"),
            ws.as_os_str(),
            OsStr::new("--out"),
            out.as_os_str(),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(err).expect("a stderr file"))
        .spawn()
        .expect("start auditbook")
}

/// A generated workspace at `<tmp>/ws`, with outputs beside it.
struct Big {
    tmp: tempfile::TempDir,
}

impl Big {
    fn new(audits: usize, items: usize) -> Big {
        let tmp = tempfile::tempdir().expect("a temporary folder");
        let params = corpus::Params {
            audits,
            items,
            languages: 2,
            seed: 7,
        };
        corpus::write(&tmp.path().join("ws"), &params).expect("generate a workspace");
        Big { tmp }
    }

    fn ws(&self) -> PathBuf {
        self.tmp.path().join("ws")
    }

    fn dir(&self) -> &Path {
        self.tmp.path()
    }

    /// Changes the site's title, so that the next build's pages differ from the last.
    fn retitle(&self, title: &str) {
        let path = self.ws().join("auditbook.yaml");
        let text = std::fs::read_to_string(&path).expect("read auditbook.yaml");
        let mut out = String::new();
        let mut skipping = false;
        for line in text.lines() {
            if line.starts_with("title:") {
                out.push_str(&format!("title: {title}\n"));
                skipping = true;
                continue;
            }
            if skipping && line.starts_with(' ') {
                continue;
            }
            skipping = false;
            out.push_str(line);
            out.push('\n');
        }
        if !out.contains("\ntitle:") && !out.starts_with("title:") {
            out.push_str(&format!("title: {title}\n"));
        }
        std::fs::write(&path, out).expect("write auditbook.yaml");
    }
}

fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_build_waits_for_another_writing_the_same_folder_and_says_so() {
    let w = Big::new(6, 8);
    let out = w.dir().join("site");
    // Another build holds the lock: this test process stands in for it.
    let lock = w.dir().join(".site.lock");
    let me = std::process::id();
    let held = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&lock)
        .expect("open the lock file");
    held.lock().expect("take the lock");
    std::fs::write(&lock, format!("{me}\n")).expect("name the holder");
    let err = w.dir().join("stderr");
    let mut child = spawn_build(&w.ws(), &out, &err);
    wait_for("the waiting message", Duration::from_secs(60), || {
        std::fs::read_to_string(&err)
            .is_ok_and(|s| s.contains(&format!("waiting for another build (process {me})")))
    });
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        child.try_wait().expect("poll the build").is_none(),
        "the build did not wait for the lock"
    );
    assert!(!out.exists(), "the build wrote while another held the lock");
    drop(held);
    let status = child.wait().expect("wait for the build");
    let stderr = std::fs::read_to_string(&err).unwrap_or_default();
    assert!(status.success(), "{stderr}");
    assert!(out.join("index.html").is_file());
    std::fs::remove_file(&err).expect("remove the stderr file");
    assert_eq!(debris(w.dir()), Vec::<String>::new());
}

#[test]
fn concurrent_builds_into_one_folder_leave_one_complete_site() {
    // Two different workspaces, so a mix of the two sites would show.
    let a = Big::new(12, 10);
    let b = tempfile::tempdir().expect("a temporary folder");
    corpus::write(
        b.path(),
        &corpus::Params {
            audits: 9,
            items: 12,
            languages: 2,
            seed: 8,
        },
    )
    .expect("generate a workspace");
    // Each site alone, for comparison.
    let ref_a = a.dir().join("ref-a");
    let ref_b = a.dir().join("ref-b");
    build_ok(&a.ws(), &ref_a);
    build_ok(b.path(), &ref_b);
    let (site_a, site_b) = (snapshot(&ref_a), snapshot(&ref_b));
    assert_ne!(site_a, site_b);

    let out = a.dir().join("site");
    let logs = tempfile::tempdir().expect("a temporary folder");
    for round in 0..3 {
        let mut children = Vec::new();
        for (i, ws) in [
            a.ws(),
            b.path().to_path_buf(),
            a.ws(),
            b.path().to_path_buf(),
        ]
        .iter()
        .enumerate()
        {
            let err = logs.path().join(format!("{round}-{i}"));
            children.push((spawn_build(ws, &out, &err), err));
        }
        let mut waited = 0;
        for (mut child, err) in children {
            let status = child.wait().expect("wait for a build");
            let stderr = std::fs::read_to_string(&err).unwrap_or_default();
            assert!(status.success(), "round {round}: a build failed:\n{stderr}");
            if stderr.contains("waiting for another build") {
                waited += 1;
            }
        }
        let got = snapshot(&out);
        let which = if got.get("versions.json") == site_a.get("versions.json") {
            "a"
        } else {
            "b"
        };
        let expected = if which == "a" { &site_a } else { &site_b };
        assert_same_files(&got, expected, &format!("round {round}: the site"));
        assert_eq!(
            debris(a.dir()),
            Vec::<String>::new(),
            "round {round}: debris"
        );
        eprintln!("round {round}: site {which}; {waited} of 4 builds waited for the lock");
    }
}

#[test]
fn a_build_killed_mid_write_leaves_the_old_site_and_no_debris() {
    let w = Big::new(20, 12);
    let out = w.dir().join("site");
    w.retitle("Old title");
    build_ok(&w.ws(), &out);
    let old = snapshot(&out);
    w.retitle("New title");
    let new_ref = w.dir().join("ref");
    build_ok(&w.ws(), &new_ref);
    let new = snapshot(&new_ref);
    std::fs::remove_dir_all(&new_ref).expect("remove the reference");
    assert_ne!(old, new);

    let logs = tempfile::tempdir().expect("a temporary folder");
    let mut killed_mid_write = 0;
    let delays = [0u64, 5, 20];
    for (attempt, delay_ms) in delays.into_iter().enumerate() {
        // The old site is in place; a build of the new one starts and is killed with SIGKILL
        // `delay_ms` after its staging folder appears.
        w.retitle("Old title");
        if snapshot(&out) != old {
            build_ok(&w.ws(), &out);
        }
        w.retitle("New title");
        let err = logs.path().join(format!("{attempt}"));
        let mut child = spawn_build(&w.ws(), &out, &err);
        let staging = format!(".site.new-{}", child.id());
        let started = Instant::now();
        let mut status = None;
        while started.elapsed() < Duration::from_secs(120) {
            if let Some(s) = child.try_wait().expect("poll the build") {
                status = Some(s);
                break;
            }
            if w.dir().join(&staging).exists() {
                std::thread::sleep(Duration::from_millis(delay_ms));
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        let _ = child.kill();
        let status = status.unwrap_or_else(|| child.wait().expect("wait for the build"));
        let got = snapshot(&out);
        if status.success() {
            // It finished before the kill: the new site, complete.
            assert_same_files(&got, &new, &format!("attempt {attempt}: a finished build"));
        } else if got == new {
            // Killed after the swap but before the process ended: the new site, complete.
        } else {
            killed_mid_write += 1;
            assert_same_files(
                &got,
                &old,
                &format!("attempt {attempt}: the site after a killed build"),
            );
        }
        // The next build succeeds and cleans up whatever the killed one left.
        let o = build(&w.ws(), &out);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "attempt {attempt}: {stderr}");
        assert!(
            !stderr.contains("waiting for another build"),
            "attempt {attempt}: the killed build's lock was not seen as stale: {stderr}"
        );
        assert_same_files(
            &snapshot(&out),
            &new,
            &format!("attempt {attempt}: rebuilt"),
        );
        assert_eq!(
            debris(w.dir()),
            Vec::<String>::new(),
            "attempt {attempt}: debris after the next build"
        );
    }
    eprintln!(
        "{killed_mid_write} of {} builds were killed mid-write",
        delays.len()
    );
    assert!(
        killed_mid_write > 0,
        "no build was caught mid-write; the workspace is too small to test this"
    );
}

// ----- output folders that reach the workspace ---------------------------------------------

/// A small workspace at `<tmp>/ws`.
fn small() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let ws = tmp.path().join("ws");
    for (rel, text) in [
        (
            "checklists/c.yaml",
            "id: c\ntitle: C\nsections:\n  - id: s\n    title: S\n    items:\n      - {id: i, title: I}\n",
        ),
        (
            "audits/2026-q1/a.yaml",
            "checklist: c\nversion: 1\ndate: 2026-03-01\nanswers: {i: 2}\n",
        ),
    ] {
        let path = ws.join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    tmp
}

#[test]
fn out_through_a_symbolic_link_to_the_workspace_is_refused() {
    use std::os::unix::fs::symlink;
    let tmp = small();
    let ws = tmp.path().join("ws");
    let links = [
        ("to-ws", ws.clone()),
        ("to-input", ws.join("checklists")),
        ("to-parent", tmp.path().to_path_buf()),
    ];
    for (name, target) in &links {
        symlink(target, tmp.path().join(name)).expect("a link");
    }
    // A link inside the workspace, too, where `site` would be.
    symlink(&ws, ws.join("site")).expect("a link");
    let before = snapshot(tmp.path());
    let mut outs: Vec<PathBuf> = links.iter().map(|(n, _)| tmp.path().join(n)).collect();
    outs.push(ws.join("site"));
    outs.push(tmp.path().join("to-ws/checklists"));
    for out in outs {
        let o = build(&ws, &out);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{}: {err}", out.display());
        assert!(err.contains("refusing"), "{}: {err}", out.display());
        assert_eq!(
            snapshot(tmp.path()),
            before,
            "{}: files changed",
            out.display()
        );
    }
    // The default output is the `site` link: refused the same way.
    let o = auditbook([OsStr::new("build"), ws.as_os_str()]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn output_setting_that_reaches_the_workspace_is_refused() {
    let tmp = small();
    let ws = tmp.path().join("ws");
    for output in [
        ".",
        "..",
        "checklists",
        "audits/2026-q1",
        "../..",
        "/",
        ".git",
    ] {
        std::fs::write(ws.join("auditbook.yaml"), format!("output: {output:?}\n"))
            .expect("write auditbook.yaml");
        let before = snapshot(tmp.path());
        let o = auditbook([OsStr::new("build"), ws.as_os_str()]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_ne!(o.status.code(), Some(0), "output: {output}: {err}");
        assert_ne!(o.status.code(), Some(101), "output: {output}: {err}");
        assert_eq!(
            snapshot(tmp.path()),
            before,
            "output: {output}: files changed"
        );
    }
}

// ----- output folders outside the workspace ----------------------------------------------------

/// `output:` is part of the workspace, which may come from anyone: it names a folder inside
/// the workspace or is an error of `check`, at its line, and `build` writes nothing.
#[test]
fn output_setting_outside_the_workspace_is_an_error_at_its_line() {
    use std::os::unix::fs::symlink;
    let tmp = small();
    let ws = tmp.path().join("ws");
    let elsewhere = tmp.path().join("elsewhere");
    symlink(&elsewhere, ws.join("link-out")).expect("a link");
    std::fs::create_dir(ws.join("real")).expect("mkdir");
    symlink(tmp.path(), ws.join("real/up")).expect("a link");
    let absolute = elsewhere.join("site");
    let cases = [
        (
            absolute.to_str().expect("UTF-8"),
            "is an absolute path, outside the workspace",
        ),
        ("../elsewhere", "is outside the workspace"),
        ("public/../../elsewhere", "is outside the workspace"),
        (
            "link-out/site",
            "leads outside the workspace through a symbolic link",
        ),
        (
            "link-out",
            "leads outside the workspace through a symbolic link",
        ),
        (
            "real/up/elsewhere",
            "leads outside the workspace through a symbolic link",
        ),
        ("real/up/ws", "leads back to the workspace itself"),
    ];
    for (output, problem) in cases {
        std::fs::write(
            ws.join("auditbook.yaml"),
            format!("title: T\noutput: {output:?}\n"),
        )
        .expect("write auditbook.yaml");
        let before = snapshot(tmp.path());
        let o = auditbook([OsStr::new("check"), ws.as_os_str()]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "output: {output}: {err}");
        assert!(
            err.contains(&format!(
                "error: output folder '{output}' {problem}\n --> auditbook.yaml:2:9"
            )),
            "output: {output}: {err}"
        );
        let o = auditbook([OsStr::new("build"), ws.as_os_str()]);
        assert_eq!(o.status.code(), Some(1), "output: {output}");
        assert!(!elsewhere.exists(), "output: {output}: wrote outside");
        assert_eq!(
            snapshot(tmp.path()),
            before,
            "output: {output}: files changed"
        );
    }
    // A folder inside, even through a link that stays inside, is fine.
    symlink(ws.join("real"), ws.join("link-in")).expect("a link");
    for (output, lands) in [
        ("public/site", "public/site"),
        ("link-in/site", "real/site"),
        ("./out/../site", "site"),
    ] {
        std::fs::write(
            ws.join("auditbook.yaml"),
            format!("title: T\noutput: {output:?}\n"),
        )
        .expect("write auditbook.yaml");
        let o = auditbook([OsStr::new("build"), ws.as_os_str()]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "output: {output}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(ws.join(lands).join("index.html").is_file(), "{output}");
    }
}

/// A mount point cannot be renamed away, so building into one used to fail with EBUSY
/// after rendering the whole site; it is refused first. Runs where an unprivileged mount
/// namespace is allowed (`unshare -rm`), where the mount disappears with the process.
#[test]
fn a_mount_point_as_output_is_refused_before_rendering() {
    let tmp = small();
    let ws = tmp.path().join("ws");
    let out = tmp.path().join("mnt");
    std::fs::create_dir(&out).expect("mkdir");
    let probe = Command::new("unshare")
        .args(["-rm", "true"])
        .stderr(Stdio::null())
        .status();
    if !probe.is_ok_and(|s| s.success()) {
        eprintln!("skipped: no mount namespaces here (unshare -rm)");
        return;
    }
    let o = Command::new("unshare")
        .args([
            "-rm",
            "sh",
            "-c",
            r#"mount -t tmpfs none "$2" && exec "$1" build "$3" --out "$2""#,
            "sh",
        ])
        .arg(env!("CARGO_BIN_EXE_auditbook"))
        .arg(&out)
        .arg(&ws)
        .output()
        .expect("run unshare");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("it is a mount point, and a build replaces its output folder as a whole"),
        "{err}"
    );
    assert!(!err.contains("EBUSY") && !err.contains("busy"), "{err}");
    assert!(debris(tmp.path()).is_empty(), "{:?}", debris(tmp.path()));
}

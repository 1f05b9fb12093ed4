//! Running the real binary and looking at what it wrote: shared by the integration tests.
//! A module of the integration tests (`tests/it/`); not every test uses every helper.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Output;

/// Runs `auditbook` with `args` to the end; see [`super::output`].
pub fn auditbook<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    super::output(super::command().args(args))
}

/// `auditbook build <ws> --out <out>`.
pub fn build(ws: &Path, out: &Path) -> Output {
    auditbook([
        OsStr::new("build"),
        ws.as_os_str(),
        OsStr::new("--out"),
        out.as_os_str(),
    ])
}

/// [`build`], which must succeed.
#[track_caller]
pub fn build_ok(ws: &Path, out: &Path) {
    let o = build(ws, out);
    assert_eq!(o.status.code(), Some(0), "build failed:\n{}", stderr(&o));
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every file under `dir`: path relative to `dir` (with `/`) and its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.expect("walk the output");
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).expect("inside");
            let rel = rel.to_string_lossy().replace('\\', "/");
            files.insert(rel, std::fs::read(entry.path()).expect("read a file"));
        }
    }
    files
}

/// Asserts two snapshots are the same, naming the files that differ.
#[track_caller]
pub fn assert_same_files(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>, what: &str) {
    let ka: BTreeSet<_> = a.keys().collect();
    let kb: BTreeSet<_> = b.keys().collect();
    assert_eq!(
        ka.symmetric_difference(&kb).collect::<Vec<_>>(),
        Vec::<&&String>::new(),
        "{what}: the files differ"
    );
    let differ: Vec<&String> = a
        .iter()
        .filter(|(path, bytes)| b[*path] != **bytes)
        .map(|(path, _)| path)
        .take(5)
        .collect();
    assert!(differ.is_empty(), "{what}: these differ: {differ:?}");
}

/// What builds left beside the output folders in `dir`: staging and old copies, locks
/// (names starting with a dot), sorted.
pub fn debris(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read the folder")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    names.sort();
    names
}

/// Debian's `chromium` on the `PATH`, if it is installed.
pub fn chromium_on_path() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("chromium"))
        .find(|p| p.is_file())
}

/// Runs `git -C <dir> <args>`, which must succeed; its stdout, trimmed.
#[track_caller]
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Makes `dir` a new git repository with an identity set locally, so that commits work on
/// any machine.
pub fn git_repo(dir: &Path) {
    git(dir, &["init", "-q"]);
    git(dir, &["config", "user.name", "Test"]);
    git(dir, &["config", "user.email", "test@example.com"]);
    git(dir, &["config", "commit.gpgsign", "false"]);
}

/// Commits everything in the repository `dir`.
pub fn commit_all(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
}

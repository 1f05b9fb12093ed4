//! Helpers shared by the integration tests: the one way to run the binary ([`command`],
//! [`output`]), throwaway workspaces built from a fixture or file by file ([`Workspace`]),
//! what a run printed ([`Run`]), git repositories ([`run::git_repo`]) and the examples of the
//! documents ([`docs`]).

#![allow(dead_code)] // Each test module uses its own subset of these helpers.

pub mod docs;
pub mod json;
pub mod markup;
pub mod run;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub use auditbook_corpus as corpus;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_auditbook");

/// How long [`output`] lets a run take before it counts as hung: generous, because the tests
/// run in parallel on a debug build.
pub const TIME_LIMIT: Duration = Duration::from_secs(120);

/// The source tree's root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A command that runs the binary under test, with no input; every test starts it through
/// this function.
pub fn command() -> Command {
    let mut cmd = Command::new(BIN);
    cmd.stdin(Stdio::null());
    cmd
}

/// Runs `cmd` to the end and returns what it printed, failing the test if it runs longer
/// than [`TIME_LIMIT`] (it hangs).
#[track_caller]
pub fn output(cmd: &mut Command) -> std::process::Output {
    output_within(cmd, TIME_LIMIT)
}

/// [`output`] with a time limit of its own.
#[track_caller]
pub fn output_within(cmd: &mut Command, limit: Duration) -> std::process::Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start auditbook");
    // Read both pipes while waiting: a run with many diagnostics fills a pipe buffer.
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let err = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for auditbook") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("auditbook ran longer than {limit:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    std::process::Output {
        status,
        stdout: out.join().expect("read stdout"),
        stderr: err.join().expect("read stderr"),
    }
}

/// What a run printed, and its exit status; see [`Workspace::run`].
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// The workspace folder, which [`Run::normalised`] replaces.
    workspace: Option<PathBuf>,
}

impl Run {
    /// The output of a run that ended by itself (a run killed by a signal fails the test).
    #[track_caller]
    pub fn from_output(o: std::process::Output, workspace: Option<&Path>) -> Run {
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        let Some(code) = o.status.code() else {
            panic!(
                "auditbook was killed by a signal ({}); stderr:\n{stderr}",
                o.status
            );
        };
        Run {
            code,
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr,
            workspace: workspace.map(Path::to_path_buf),
        }
    }

    /// Asserts the run succeeded.
    #[track_caller]
    pub fn success(&self) -> &Run {
        assert_eq!(self.code, 0, "auditbook failed:\n{}", self.stderr);
        self
    }

    /// Asserts the run failed with exit status `code`.
    #[track_caller]
    pub fn failure(&self, code: i32) -> &Run {
        assert_ne!(code, 0, "a failure has a status other than 0");
        assert_eq!(
            self.code, code,
            "exit status; stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts stderr is `expected`, with the workspace folder written `$WORKSPACE`.
    #[track_caller]
    pub fn stderr_is(&self, expected: &str) -> &Run {
        assert_eq!(self.normalised(&self.stderr), expected, "stderr");
        self
    }

    /// Asserts stdout is `expected`, with the workspace folder written `$WORKSPACE`.
    #[track_caller]
    pub fn stdout_is(&self, expected: &str) -> &Run {
        assert_eq!(self.normalised(&self.stdout), expected, "stdout");
        self
    }

    /// Stdout parsed as JSON.
    #[track_caller]
    pub fn stdout_json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }

    /// Stdout parsed as JSON with every number kept as printed; see [`json::parse_exact`].
    pub fn stdout_exact_json(&self) -> Value {
        json::parse_exact(&self.stdout)
    }

    /// `text` with the workspace folder written `$WORKSPACE`.
    pub fn normalised(&self, text: &str) -> String {
        match &self.workspace {
            Some(ws) => text.replace(&*ws.to_string_lossy(), "$WORKSPACE"),
            None => text.to_string(),
        }
    }
}

/// A workspace in a fresh temporary folder (`<tmp>/ws`, with room beside it for outputs), so
/// that nothing a test runs can touch the source tree: a copy of a fixture under
/// `tests/fixtures/`, or built file by file.
pub struct Workspace {
    tmp: tempfile::TempDir,
    ws: PathBuf,
}

impl Default for Workspace {
    fn default() -> Self {
        Workspace::new()
    }
}

impl Workspace {
    /// An empty workspace folder.
    pub fn new() -> Workspace {
        let tmp = tempfile::tempdir().expect("create a temporary folder");
        let ws = tmp.path().join("ws");
        std::fs::create_dir(&ws).expect("create the workspace folder");
        Workspace { tmp, ws }
    }

    /// A copy of the fixture `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> Workspace {
        let w = Workspace::new();
        copy_tree(&root().join("tests/fixtures").join(name), &w.ws);
        w
    }

    /// Writes `contents` to the file `rel` of the workspace, creating its folders.
    #[must_use]
    pub fn file(self, rel: &str, contents: impl AsRef<[u8]>) -> Workspace {
        self.write(rel, contents);
        self
    }

    /// Writes `contents` to the file `rel` of the workspace, creating its folders.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.ws.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create a folder");
        }
        std::fs::write(&path, contents).expect("write a workspace file");
    }

    /// The text of the file `rel` of the workspace.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.ws.join(rel)).expect("read a workspace file")
    }

    /// The workspace folder.
    pub fn path(&self) -> &Path {
        &self.ws
    }

    /// `rel` inside the workspace folder.
    pub fn join(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.ws.join(rel)
    }

    /// The temporary folder holding the workspace, where outputs go.
    pub fn dir(&self) -> &Path {
        self.tmp.path()
    }

    /// The folder [`Workspace::build`] writes the site to, beside the workspace.
    pub fn site(&self) -> PathBuf {
        self.tmp.path().join("site")
    }

    /// Runs `auditbook <args>` in the workspace folder.
    #[track_caller]
    pub fn run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let o = output(command().args(args).current_dir(&self.ws));
        Run::from_output(o, Some(&self.ws))
    }

    /// `auditbook build <ws> --out <site>`, which must succeed.
    #[track_caller]
    pub fn build(&self) -> Run {
        let run = self.run([
            OsStr::new("build"),
            self.ws.as_os_str(),
            OsStr::new("--out"),
            self.site().as_os_str(),
        ]);
        run.success();
        run
    }

    /// The text of the built site's file `rel`.
    pub fn page(&self, rel: &str) -> String {
        std::fs::read_to_string(self.site().join(rel))
            .unwrap_or_else(|e| panic!("read {rel} of the site: {e}"))
    }

    /// Every file of the built site: path relative to it (with `/`) and its bytes.
    pub fn site_files(&self) -> BTreeMap<String, Vec<u8>> {
        run::snapshot(&self.site())
    }

    /// `auditbook score <ws> --json [args]`: its stdout, after checking it succeeded.
    #[track_caller]
    pub fn score_text(&self, args: &[&str]) -> String {
        let mut all = vec![
            OsStr::new("score"),
            self.ws.as_os_str(),
            OsStr::new("--json"),
        ];
        all.extend(args.iter().map(OsStr::new));
        let run = self.run(all);
        assert_eq!(run.code, 0, "score failed: {}", run.stderr);
        run.stdout
    }

    /// `score --json` parsed; see [`json::parse_exact`].
    #[track_caller]
    pub fn score(&self, args: &[&str]) -> Value {
        json::parse_exact(&self.score_text(args))
    }
}

/// Copies the folder `src` into `dest`, which exists.
fn copy_tree(src: &Path, dest: &Path) {
    for entry in walkdir::WalkDir::new(src).sort_by_file_name() {
        let entry = entry.expect("walk the fixture");
        let rel = entry.path().strip_prefix(src).expect("inside the fixture");
        let to = dest.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).expect("create a fixture folder");
        } else {
            std::fs::copy(entry.path(), &to).expect("copy a fixture file");
        }
    }
}

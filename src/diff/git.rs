//! Reading the workspace as it was at a git revision, with the `git` command: the revision
//! is resolved with `rev-parse`, its files under the workspace folder are listed with
//! `ls-tree` and read with one `cat-file --batch`, and written to a temporary folder that is
//! removed when the [`Checkout`] is dropped. The repository itself is never changed.

use std::io::{BufRead, BufReader, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

/// Why the base revision could not be read. Every one is a usage or I/O error (exit 2).
#[derive(Debug)]
pub enum GitError {
    /// `git` could not be run at all.
    NoGit(std::io::Error),
    /// The folder is not inside a git work tree.
    NotARepository { dir: PathBuf, message: String },
    /// The revision is unknown here: mistyped, or not fetched (a shallow clone).
    UnknownRevision { rev: String, shallow: bool },
    /// A git command failed for another reason.
    Failed { command: String, message: String },
    /// The temporary copy could not be written.
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
}

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GitError::NoGit(e) => write!(f, "cannot run `git`: {e}"),
            GitError::NotARepository { dir, message } => write!(
                f,
                "{} is not in a git repository ({message})",
                crate::diag::display_path(dir)
            ),
            GitError::UnknownRevision { rev, .. } => write!(
                f,
                "base revision '{rev}' is not in this clone; fetch it with `git fetch --depth=…` \
                 or use `fetch-depth: 0` in actions/checkout"
            ),
            GitError::Failed { command, message } => write!(f, "`{command}` failed: {message}"),
            GitError::Io { path, error } => write!(f, "{}: {error}", path.display()),
        }
    }
}

impl std::error::Error for GitError {}

impl GitError {
    /// A second line that helps, where there is one.
    pub fn hint(&self) -> Option<String> {
        match self {
            GitError::UnknownRevision { shallow: true, .. } => {
                Some("this is a shallow clone: the base commit was not fetched".to_string())
            }
            GitError::UnknownRevision { shallow: false, .. } => {
                Some("check the spelling of the revision (a branch, tag or commit)".to_string())
            }
            GitError::NoGit(_) => Some("install git and put it on the PATH".to_string()),
            _ => None,
        }
    }
}

/// The workspace at a revision, copied into a temporary folder that lives as long as this.
#[derive(Debug)]
pub struct Checkout {
    root: PathBuf,
    /// The full commit id the revision named.
    pub commit: String,
}

impl Checkout {
    /// The copied workspace's root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl Drop for Checkout {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn git(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C").arg(dir);
    // Messages are matched on nothing, but keep them in one language for users' reports.
    cmd.env("LC_ALL", "C");
    cmd
}

/// Runs a git command and gives its standard output, or why it failed.
fn output(dir: &Path, args: &[&str]) -> Result<std::process::Output, GitError> {
    git(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(GitError::NoGit)
}

fn stderr_line(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .to_string()
}

/// Copies the workspace folder `dir` (the repository root or a folder inside it) as it was
/// at revision `rev`.
pub fn checkout(dir: &Path, rev: &str) -> Result<Checkout, GitError> {
    let inside = output(dir, &["rev-parse", "--is-inside-work-tree"])?;
    if !inside.status.success() || inside.stdout.trim_ascii() != b"true" {
        return Err(GitError::NotARepository {
            dir: dir.to_path_buf(),
            message: stderr_line(&inside),
        });
    }
    // A revision starting with '-' would be read as an option; none is valid anyway.
    let resolved = if rev.starts_with('-') || rev.is_empty() {
        None
    } else {
        let o = output(
            dir,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{rev}^{{commit}}"),
            ],
        )?;
        o.status
            .success()
            .then(|| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let Some(commit) = resolved else {
        let shallow = output(dir, &["rev-parse", "--is-shallow-repository"])?;
        return Err(GitError::UnknownRevision {
            rev: rev.to_string(),
            shallow: shallow.stdout.trim_ascii() == b"true",
        });
    };
    // From inside `dir`, `ls-tree` lists only the files below it, named relative to it.
    let listing = output(dir, &["ls-tree", "-r", "-z", &commit])?;
    if !listing.status.success() {
        return Err(GitError::Failed {
            command: format!("git ls-tree -r {commit}"),
            message: stderr_line(&listing),
        });
    }
    let files = parse_listing(&listing.stdout);
    let root = temp_root()?;
    let checkout = Checkout { root, commit };
    write_blobs(dir, &files, checkout.root())?;
    Ok(checkout)
}

/// `(object id, path)` of each regular file in `ls-tree -r -z` output. Links and
/// submodules are left out, as are paths that could leave the folder.
fn parse_listing(stdout: &[u8]) -> Vec<(String, PathBuf)> {
    stdout
        .split(|&b| b == 0)
        .filter_map(|entry| {
            let entry = std::str::from_utf8(entry).ok()?;
            let (meta, path) = entry.split_once('\t')?;
            let mut fields = meta.split(' ');
            let mode = fields.next()?;
            let kind = fields.next()?;
            let id = fields.next()?;
            if kind != "blob" || !(mode == "100644" || mode == "100755") {
                return None;
            }
            let path = PathBuf::from(path);
            let safe = path
                .components()
                .all(|c| matches!(c, Component::Normal(n) if n != ".git"));
            safe.then(|| (id.to_string(), path))
        })
        .collect()
}

/// A new, empty folder for the copy, unique to this process and moment.
fn temp_root() -> Result<PathBuf, GitError> {
    let base = std::env::temp_dir();
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut attempt = 0u32;
    loop {
        let path = base.join(format!(
            "auditbook-diff-{}-{stamp}-{attempt}",
            std::process::id()
        ));
        match std::fs::create_dir(&path) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(error) => return Err(GitError::Io { path, error }),
        }
    }
}

/// Reads every blob with one `git cat-file --batch` and writes it under `root`.
fn write_blobs(dir: &Path, files: &[(String, PathBuf)], root: &Path) -> Result<(), GitError> {
    if files.is_empty() {
        return Ok(());
    }
    let mut child = git(dir)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(GitError::NoGit)?;
    let failed = |message: String| GitError::Failed {
        command: "git cat-file --batch".to_string(),
        message,
    };
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err(failed("no pipes to the process".to_string()));
    };
    // Ids are written from another thread, so neither side of the pipes waits on the other.
    let ids: Vec<String> = files.iter().map(|(id, _)| format!("{id}\n")).collect();
    let writer = std::thread::spawn(move || {
        for id in ids {
            if stdin.write_all(id.as_bytes()).is_err() {
                break;
            }
        }
    });
    let mut reader = BufReader::new(stdout);
    let mut result = Ok(());
    for (id, path) in files {
        match read_blob(&mut reader, id) {
            Ok(bytes) => {
                let target = root.join(path);
                let written = target
                    .parent()
                    .map_or(Ok(()), std::fs::create_dir_all)
                    .and_then(|()| std::fs::write(&target, bytes));
                if let Err(error) = written {
                    result = Err(GitError::Io {
                        path: target,
                        error,
                    });
                    break;
                }
            }
            Err(message) => {
                result = Err(failed(message));
                break;
            }
        }
    }
    drop(reader);
    let _ = writer.join();
    let _ = child.wait();
    result
}

/// One answer of `cat-file --batch`: `<id> <type> <size>\n<bytes>\n`.
fn read_blob(reader: &mut impl BufRead, id: &str) -> Result<Vec<u8>, String> {
    let mut header = String::new();
    reader
        .read_line(&mut header)
        .map_err(|e| format!("reading {id}: {e}"))?;
    let mut fields = header.split_whitespace();
    let (Some(_), Some(kind), Some(size)) = (fields.next(), fields.next(), fields.next()) else {
        return Err(format!("reading {id}: {}", header.trim()));
    };
    let size: usize = size
        .parse()
        .map_err(|_| format!("reading {id}: {}", header.trim()))?;
    if kind != "blob" {
        return Err(format!("{id} is a {kind}, not a file"));
    }
    let mut bytes = vec![0; size];
    reader
        .read_exact(&mut bytes)
        .map_err(|e| format!("reading {id}: {e}"))?;
    let mut newline = [0u8; 1];
    reader
        .read_exact(&mut newline)
        .map_err(|e| format!("reading {id}: {e}"))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listing_keeps_regular_files_inside_the_folder() {
        let out = b"100644 blob aaa\taudits/q3/eu.yaml\0\
120000 blob bbb\tlink.yaml\0\
160000 commit ccc\tvendor\0\
100755 blob ddd\tchecklists/x.yaml\0\
100644 blob eee\t../escape.yaml\0\
100644 blob fff\tsub/.git/config\0";
        let files = parse_listing(out);
        assert_eq!(
            files,
            vec![
                ("aaa".to_string(), PathBuf::from("audits/q3/eu.yaml")),
                ("ddd".to_string(), PathBuf::from("checklists/x.yaml")),
            ]
        );
    }

    #[test]
    fn a_batch_answer_is_read_to_its_size() {
        let mut input: &[u8] = b"abc blob 5\nhello\nabd blob 0\n\n";
        assert_eq!(read_blob(&mut input, "abc").unwrap(), b"hello");
        assert_eq!(read_blob(&mut input, "abd").unwrap(), b"");
        let mut missing: &[u8] = b"xyz missing\n";
        assert!(read_blob(&mut missing, "xyz").is_err());
    }
}

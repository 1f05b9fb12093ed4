//! Writing a built site to disk: refusing output folders that would destroy user files, and
//! swapping the new site in only once it is complete.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Component, Path, PathBuf};

use crate::render::Site;

/// The file that marks a folder as auditbook's own output, safe to replace.
pub const MARKER: &str = ".auditbook-site";
const MARKER_TEXT: &str =
    "This folder is written by auditbook build; it is replaced on every build.\n";

/// Folders of the workspace that hold its inputs.
const INPUT_DIRS: &[&str] = &["checklists", "audits", "metrics", "i18n", "templates"];

/// Why an output folder was refused, or an I/O failure while writing.
#[derive(Debug)]
pub enum OutputError {
    Refused {
        path: PathBuf,
        reason: String,
        hint: String,
    },
    Io {
        path: PathBuf,
        error: io::Error,
    },
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputError::Refused { path, reason, .. } => write!(
                f,
                "refusing to write the site to {}: {reason}",
                path.display()
            ),
            OutputError::Io { path, error } => write!(f, "{}: {error}", path.display()),
        }
    }
}

impl std::error::Error for OutputError {}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |error| OutputError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// Makes `path` absolute and removes `.` and `..` without touching the file system, then
/// resolves symbolic links of the part that exists.
fn resolve(path: &Path) -> io::Result<PathBuf> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    let mut clean = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            other => clean.push(other),
        }
    }
    // Canonicalise the longest existing ancestor, keep the rest as written.
    let mut existing = clean.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (
            existing.file_name().map(|n| n.to_os_string()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        out.push(name);
    }
    Ok(out)
}

/// Checks that writing the site to `out` cannot destroy anything auditbook did not write.
pub fn check_out_dir(root: &Path, out: &Path) -> Result<PathBuf, OutputError> {
    let refuse = |reason: &str, hint: &str| OutputError::Refused {
        path: out.to_path_buf(),
        reason: reason.into(),
        hint: hint.into(),
    };
    let root = resolve(root).map_err(io_err(root))?;
    let target = resolve(out).map_err(io_err(out))?;
    let pick = "choose a new folder such as 'site', or an earlier output of auditbook";
    if target == root {
        return Err(refuse("it is the workspace itself", pick));
    }
    if root.starts_with(&target) {
        return Err(refuse("it contains the workspace", pick));
    }
    for dir in INPUT_DIRS {
        if target.starts_with(root.join(dir)) {
            return Err(refuse(
                &format!("it is inside the workspace's {dir}/ folder"),
                pick,
            ));
        }
    }
    if target.exists() {
        if !target.is_dir() {
            return Err(refuse("it is a file, not a folder", pick));
        }
        let mut entries = fs::read_dir(&target).map_err(io_err(&target))?;
        let empty = entries.next().is_none();
        if !empty && !target.join(MARKER).is_file() {
            return Err(refuse(
                "it is a folder with files that auditbook did not write",
                "empty it or choose another folder; auditbook only replaces folders it built (they hold a .auditbook-site file)",
            ));
        }
    }
    Ok(target)
}

/// Writes `site` beside `out` and swaps it in when complete. A failure at any point leaves
/// the previous site as it was.
pub fn write_site(out: &Path, site: &Site) -> Result<(), OutputError> {
    let parent = out
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let name = out
        .file_name()
        .map_or_else(|| "site".into(), |n| n.to_string_lossy().into_owned());
    fs::create_dir_all(&parent).map_err(io_err(&parent))?;
    let _lock = BuildLock::acquire(&parent, &name)?;
    clean_debris(&parent, &name);
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.new-{pid}"));
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(io_err(&staging))?;
    }
    let result =
        write_tree(&staging, site).and_then(|()| swap_in(&staging, out, &parent, &name, pid));
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

fn write_tree(dir: &Path, site: &Site) -> Result<(), OutputError> {
    fs::create_dir_all(dir).map_err(io_err(dir))?;
    let mut made = std::collections::HashSet::new();
    for (rel, bytes) in &site.files {
        let path = dir.join(rel);
        if let Some(p) = path.parent()
            && made.insert(p.to_path_buf())
        {
            fs::create_dir_all(p).map_err(io_err(p))?;
        }
        let mut f = io::BufWriter::new(fs::File::create(&path).map_err(io_err(&path))?);
        f.write_all(bytes).map_err(io_err(&path))?;
        f.flush().map_err(io_err(&path))?;
    }
    let marker = dir.join(MARKER);
    fs::write(&marker, MARKER_TEXT).map_err(io_err(&marker))
}

fn swap_in(
    staging: &Path,
    out: &Path,
    parent: &Path,
    name: &str,
    pid: u32,
) -> Result<(), OutputError> {
    if out.exists() {
        let old = parent.join(format!(".{name}.old-{pid}"));
        fs::rename(out, &old).map_err(io_err(out))?;
        if let Err(error) = fs::rename(staging, out) {
            let _ = fs::rename(&old, out);
            return Err(OutputError::Io {
                path: out.to_path_buf(),
                error,
            });
        }
        let _ = fs::remove_dir_all(&old);
    } else {
        fs::rename(staging, out).map_err(io_err(out))?;
    }
    Ok(())
}

/// Removes what an interrupted build left beside the output: its own staging and old
/// folders, recognised by name and marker.
fn clean_debris(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let prefixes = [format!(".{name}.new-"), format!(".{name}.old-")];
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = prefixes
            .iter()
            .find_map(|p| file_name.strip_prefix(p.as_str()))
        else {
            continue;
        };
        let Ok(pid) = rest.parse::<u32>() else {
            continue;
        };
        if pid != std::process::id() && process_alive(pid) {
            continue;
        }
        let _ = fs::remove_dir_all(entry.path());
    }
}

/// Held while one build writes beside an output folder: a second build into the same folder
/// waits for the first to finish, so the two never mix their files.
struct BuildLock {
    path: PathBuf,
}

/// How long a build waits for another one writing the same output folder.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

impl BuildLock {
    fn acquire(parent: &Path, name: &str) -> Result<BuildLock, OutputError> {
        let path = parent.join(format!(".{name}.lock"));
        let started = std::time::Instant::now();
        let mut told = false;
        loop {
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut f) => {
                    let _ = write!(f, "{}", std::process::id());
                    return Ok(BuildLock { path });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    let holder = fs::read_to_string(&path)
                        .ok()
                        .and_then(|s| s.trim().parse::<u32>().ok());
                    let age = fs::metadata(&path)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| t.elapsed().ok());
                    let stale = match holder {
                        Some(pid) => !process_alive(pid),
                        // A lock file is written right after it is created; an empty one
                        // that stays empty was left by a build killed at that moment.
                        None => age.is_some_and(|a| a > std::time::Duration::from_secs(5)),
                    };
                    if stale {
                        let _ = fs::remove_file(&path);
                        continue;
                    }
                    if started.elapsed() > LOCK_WAIT {
                        return Err(OutputError::Refused {
                            path: parent.join(name),
                            reason: format!(
                                "another build (process {}) has been writing it for over {} s",
                                holder.map_or("?".into(), |p| p.to_string()),
                                LOCK_WAIT.as_secs()
                            ),
                            hint: format!(
                                "wait for it to finish; if no build is running, delete {}",
                                path.display()
                            ),
                        });
                    }
                    if !told {
                        eprintln!(
                            "waiting for another build (process {}) writing {} to finish…",
                            holder.map_or("?".into(), |p| p.to_string()),
                            parent.join(name).display()
                        );
                        told = true;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(error) => return Err(OutputError::Io { path, error }),
            }
        }
    }
}

impl Drop for BuildLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Whether a process still runs, so a concurrent build's staging folder is left alone.
fn process_alive(pid: u32) -> bool {
    if Path::new("/proc/self").exists() {
        Path::new(&format!("/proc/{pid}")).exists()
    } else {
        // Without /proc there is no portable check; assume it runs, and let the lock's
        // waiting time bound the wait.
        true
    }
}

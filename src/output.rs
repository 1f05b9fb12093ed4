//! Writing a built site to disk: refusing output folders that would destroy user files, and
//! swapping the new site in only once it is complete.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

/// The file that marks a folder as auditbook's own output, safe to replace.
pub const MARKER: &str = ".auditbook-site";
const MARKER_TEXT: &str =
    "This folder is written by auditbook build; it is replaced on every build.\n";

/// Folders of the workspace that hold its inputs (and its history, where it is a git
/// repository): a site is never written into them.
pub(crate) const INPUT_DIRS: &[&str] = &[
    "checklists",
    "audits",
    "metrics",
    "i18n",
    "templates",
    ".git",
];

pub use crate::site::OutputError;

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
        // The site is swapped in by renaming folders, which a mount point refuses (EBUSY,
        // or EXDEV for the staging folder beside it): refused here, before any rendering.
        if is_mount_point(&target) {
            return Err(refuse(
                "it is a mount point, and a build replaces its output folder as a whole",
                "build into a folder inside it instead, such as <mount point>/site",
            ));
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

/// Whether the folder `path` (absolute, links resolved) is a mount point: on another
/// device than its parent, the root, or listed as a mount point by Linux (which also
/// finds bind mounts of the same device).
fn is_mount_point(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        let Some(parent) = path.parent() else {
            return true;
        };
        if let (Ok(here), Ok(up)) = (fs::metadata(path), fs::metadata(parent))
            && (here.dev() != up.dev() || here.ino() == up.ino())
        {
            return true;
        }
    }
    listed_as_mount_point(path)
}

/// Whether `/proc/self/mountinfo` names `path` as a mount point (false where there is none).
fn listed_as_mount_point(path: &Path) -> bool {
    let Ok(info) = fs::read_to_string("/proc/self/mountinfo") else {
        return false;
    };
    let Some(want) = path.to_str() else {
        return false;
    };
    info.lines()
        .filter_map(|l| l.split(' ').nth(4))
        .any(|m| unescape_mount_path(m) == want)
}

/// A mount point as mountinfo writes it: space, tab, newline and backslash as `\ooo`.
fn unescape_mount_path(m: &str) -> String {
    let mut out = String::with_capacity(m.len());
    let mut rest = m;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let code = rest
            .get(i + 1..i + 4)
            .and_then(|o| u8::from_str_radix(o, 8).ok());
        match code {
            Some(c) => {
                out.push(char::from(c));
                rest = &rest[i + 4..];
            }
            None => {
                out.push('\\');
                rest = &rest[i + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// How long a build waits for another one writing the same output folder.
pub const LOCK_WAIT: Duration = Duration::from_secs(120);

/// A new site being written beside the output folder, under the build lock. Files are
/// written as they are made, from any thread; [`Staging::commit`] swaps the folder in once
/// it is complete. Dropped without a commit — a failed build, a panic — it removes its
/// folder and the previous site is left as it was.
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    parent: PathBuf,
    name: String,
    pid: u32,
    /// Folders already made in `dir`, so each is created once.
    made: Mutex<HashSet<String, ahash::RandomState>>,
    files: AtomicUsize,
    pages: AtomicUsize,
    /// The site this one replaces, when it is auditbook's own: a file with the same bytes
    /// there is linked into the new site instead of written again (see [`Staging::reuse`]).
    previous: Option<PathBuf>,
    /// Cleared at the first link the file system refuses; the rest is written.
    linking: AtomicBool,
    /// Files taken from the previous site.
    reused: AtomicUsize,
    committed: bool,
    _lock: BuildLock,
}

impl Staging {
    /// Takes the build lock for `out` (waiting at most `lock_wait`), clears what killed
    /// builds left beside it and makes an empty staging folder.
    pub fn begin(out: &Path, lock_wait: Duration) -> Result<Staging, OutputError> {
        let parent = out
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let name = out
            .file_name()
            .map_or_else(|| "site".into(), |n| n.to_string_lossy().into_owned());
        fs::create_dir_all(&parent).map_err(io_err(&parent))?;
        let lock = BuildLock::acquire(&parent, &name, lock_wait)?;
        clean_debris(&parent, &name);
        let pid = std::process::id();
        let dir = parent.join(format!(".{name}.new-{pid}"));
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(io_err(&dir))?;
        }
        fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        let previous = (out.is_dir() && out.join(MARKER).is_file()).then(|| out.to_path_buf());
        Ok(Staging {
            dir,
            previous,
            linking: AtomicBool::new(true),
            reused: AtomicUsize::new(0),
            out: out.to_path_buf(),
            parent,
            name,
            pid,
            made: Mutex::default(),
            files: AtomicUsize::new(0),
            pages: AtomicUsize::new(0),
            committed: false,
            _lock: lock,
        })
    }

    /// Writes one file of the site; `rel` is its path in the site, with `/`.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        // Site paths come from validated ids; a path that could leave the folder is a bug,
        // and is refused rather than written.
        let inside = !rel.is_empty()
            && Path::new(rel)
                .components()
                .all(|c| matches!(c, Component::Normal(_)));
        if !inside {
            return Err(OutputError::Io {
                path: self.dir.join(rel),
                error: io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "a site file path that leaves the output folder",
                ),
            });
        }
        let path = self.dir.join(rel);
        // The folder, by its site path: a string is hashed faster than a path's components.
        if let Some((folder, _)) = rel.rsplit_once('/') {
            let known = self.made.lock().is_ok_and(|made| made.contains(folder));
            if !known {
                // Made before it is recorded, so no other thread writes into it too early;
                // two threads making the same folder is harmless.
                let p = self.dir.join(folder);
                fs::create_dir_all(&p).map_err(io_err(&p))?;
                if let Ok(mut made) = self.made.lock() {
                    made.insert(folder.to_string());
                }
            }
        }
        if self.reuse(rel, &path, bytes) {
            self.reused.fetch_add(1, Ordering::Relaxed);
        } else {
            // One write of the whole file: pages are made in memory, so no buffer is needed.
            fs::write(&path, bytes).map_err(io_err(&path))?;
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        if rel.ends_with(".html") {
            self.pages.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }

    /// Links the previous site's file at `rel` to `path` when it holds exactly `bytes`, and
    /// says whether it did. A build mostly makes the files the previous one made, and
    /// reading a file back costs less than writing it again: the system copies a write
    /// into new memory, and frees the old file's when the previous site is removed.
    ///
    /// The file is compared as it is now, byte for byte, so a file edited by hand since is
    /// written again. Only a regular file with no other link is taken, so the new site
    /// never shares a file with anything outside the two sites; and a link that turns out
    /// not to be the file compared (replaced in between) is removed again.
    #[cfg(unix)]
    fn reuse(&self, rel: &str, path: &Path, bytes: &[u8]) -> bool {
        use std::os::unix::fs::MetadataExt as _;
        let Some(previous) = &self.previous else {
            return false;
        };
        if !self.linking.load(Ordering::Relaxed) {
            return false;
        }
        let old = previous.join(rel);
        let Some(compared) = same_bytes(&old, bytes) else {
            return false;
        };
        if let Err(e) = fs::hard_link(&old, path) {
            // A file system without hard links: everything else is written.
            if e.kind() != io::ErrorKind::NotFound {
                self.linking.store(false, Ordering::Relaxed);
            }
            return false;
        }
        let linked = fs::symlink_metadata(path);
        if linked.is_ok_and(|m| m.dev() == compared.dev() && m.ino() == compared.ino()) {
            return true;
        }
        let _ = fs::remove_file(path);
        false
    }

    #[cfg(not(unix))]
    fn reuse(&self, _rel: &str, _path: &Path, _bytes: &[u8]) -> bool {
        false
    }

    /// How many files were taken unchanged from the previous site rather than written.
    pub fn reused(&self) -> usize {
        self.reused.load(Ordering::Relaxed)
    }

    /// How many files, and of them HTML pages, have been written.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.files.load(Ordering::Relaxed),
            self.pages.load(Ordering::Relaxed),
        )
    }

    /// Marks the folder as auditbook's and swaps it in for the previous site.
    pub fn commit(mut self) -> Result<(), OutputError> {
        let marker = self.dir.join(MARKER);
        fs::write(&marker, MARKER_TEXT).map_err(io_err(&marker))?;
        swap_in(&self.dir, &self.out, &self.parent, &self.name, self.pid)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

impl crate::site::Sink for Staging {
    fn put(&self, path: String, bytes: &[u8]) -> Result<(), OutputError> {
        self.write(&path, bytes)
    }
}

/// The metadata of the file at `path` when it is a regular file (not a symbolic link to
/// one, nor a FIFO or device), with no other link, holding exactly `bytes`.
#[cfg(unix)]
fn same_bytes(path: &Path, bytes: &[u8]) -> Option<fs::Metadata> {
    use std::io::Read as _;
    use std::os::unix::fs::{MetadataExt as _, OpenOptionsExt as _};
    // Not through a symbolic link; and without waiting, should the name be a FIFO.
    let mut file = (fs::OpenOptions::new().read(true))
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.nlink() != 1 || meta.len() != bytes.len() as u64 {
        return None;
    }
    thread_local! {
        /// Each thread reads into one buffer, reused file after file.
        static CHUNK: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let same = CHUNK.with_borrow_mut(|chunk| {
        chunk.resize(64 * 1024, 0);
        let mut rest = bytes;
        loop {
            let n = match file.read(chunk) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => return false,
            };
            if n == 0 {
                return rest.is_empty();
            }
            if n > rest.len() || chunk[..n] != rest[..n] {
                return false;
            }
            rest = &rest[n..];
        }
    });
    same.then_some(meta)
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
        remove_tree(&old);
    } else {
        fs::rename(staging, out).map_err(io_err(out))?;
    }
    Ok(())
}

/// Removes a folder and everything in it, folders in parallel: the previous site can hold
/// tens of thousands of files. Links are removed, never followed. Best effort: what cannot
/// be removed is left for the next build's [`clean_debris`].
fn remove_tree(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let entries: Vec<fs::DirEntry> = entries.flatten().collect();
    entries.par_iter().for_each(|e| {
        let path = e.path();
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            remove_tree(&path);
        } else {
            let _ = fs::remove_file(&path);
        }
    });
    let _ = fs::remove_dir(dir);
}

/// Removes what an interrupted build left beside the output: staging and old folders,
/// recognised by name. Called with the build lock held, so no other build is writing: every
/// such folder is a killed build's. A build killed between moving the old site aside and
/// moving the new one in leaves no site at all, only the old one under its temporary name:
/// that one is put back instead.
fn clean_debris(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let out = parent.join(name);
    let prefixes = [format!(".{name}.new-"), format!(".{name}.old-")];
    let mut names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for file_name in names {
        let Some((i, rest)) = prefixes
            .iter()
            .enumerate()
            .find_map(|(i, p)| file_name.strip_prefix(p.as_str()).map(|r| (i, r)))
        else {
            continue;
        };
        if rest.parse::<u32>().is_err() {
            continue;
        }
        let path = parent.join(&file_name);
        let is_old = i == 1;
        if is_old && !out.exists() && path.join(MARKER).is_file() && fs::rename(&path, &out).is_ok()
        {
            eprintln!(
                "note: put back the previous site, which an interrupted build had left at {}",
                path.display()
            );
            continue;
        }
        let _ = fs::remove_dir_all(&path);
    }
}

/// Held while one build writes beside an output folder: a second build into the same folder
/// waits for the first to finish, so the two never mix their files.
///
/// The lock is an advisory lock (`flock` on Unix) on the file `.<name>.lock` beside the
/// output, which also holds the holder's process id for messages. The system releases it
/// when its process ends, however it ends, so a killed build never leaves a lock behind. The
/// file is removed on release; a build that locked a file which was removed meanwhile tries
/// again, so two builds never hold locks on two different files of the same name.
struct BuildLock {
    path: PathBuf,
    file: fs::File,
}

impl BuildLock {
    fn acquire(parent: &Path, name: &str, wait: Duration) -> Result<BuildLock, OutputError> {
        let path = parent.join(format!(".{name}.lock"));
        let io = |error| OutputError::Io {
            path: path.clone(),
            error,
        };
        let started = Instant::now();
        let mut told = false;
        loop {
            let mut file = fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(io)?;
            match file.try_lock() {
                Ok(()) => {
                    if !same_file(&file, &path) {
                        // The holder before us removed it on release: lock the new one.
                        continue;
                    }
                    file.set_len(0).map_err(io)?;
                    let _ = writeln!(file, "{}", std::process::id());
                    return Ok(BuildLock { path, file });
                }
                Err(fs::TryLockError::WouldBlock) => {
                    let holder = fs::read_to_string(&path)
                        .ok()
                        .and_then(|s| s.trim().parse::<u32>().ok())
                        .map_or("?".into(), |p| p.to_string());
                    if started.elapsed() >= wait {
                        return Err(OutputError::Refused {
                            path: parent.join(name),
                            reason: format!(
                                "another build (process {holder}) has been writing it for over {} s",
                                wait.as_secs_f64().round()
                            ),
                            hint: format!(
                                "wait for it to finish, or stop process {holder}; {} is locked while a build writes",
                                path.display()
                            ),
                        });
                    }
                    if !told {
                        eprintln!(
                            "waiting for another build (process {holder}) writing {} to finish…",
                            parent.join(name).display()
                        );
                        told = true;
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(fs::TryLockError::Error(error)) => return Err(io(error)),
            }
        }
    }
}

impl Drop for BuildLock {
    fn drop(&mut self) {
        // Removed while still locked, so the next build opens a fresh file; the lock itself
        // goes with the file handle.
        let _ = fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// Whether `path` still names the file `file` has open.
fn same_file(file: &fs::File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        match (file.metadata(), fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::Site;

    /// Writes `site` beside `out` and swaps it in when complete. A failure at any point leaves
    /// the previous site as it was.
    fn write_site(out: &Path, site: &Site) -> Result<(), OutputError> {
        write_site_with(out, site, LOCK_WAIT)
    }

    /// [`write_site`], waiting at most `lock_wait` for another build writing the same folder.
    fn write_site_with(out: &Path, site: &Site, lock_wait: Duration) -> Result<(), OutputError> {
        let staging = Staging::begin(out, lock_wait)?;
        site.files
            .par_iter()
            .try_for_each(|(rel, bytes)| staging.write(rel, bytes))?;
        staging.commit()
    }

    fn site(page: &str) -> Site {
        let mut s = Site::default();
        s.add("index.html", page.as_bytes().to_vec());
        s.add("a/b/index.html", b"<html></html>".to_vec());
        s
    }

    /// Nothing but the site itself is left in `dir`: no staging or old folders, no lock.
    #[track_caller]
    fn assert_no_debris(dir: &Path) {
        let left: Vec<_> = fs::read_dir(dir)
            .expect("read")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n != "site")
            .collect();
        assert!(left.is_empty(), "debris: {left:?}");
    }

    /// Locks `.site.lock` in `dir` the way another build would.
    fn hold_lock(dir: &Path) -> fs::File {
        let file = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(dir.join(".site.lock"))
            .expect("open the lock");
        file.lock().expect("take the lock");
        fs::write(dir.join(".site.lock"), "4242\n").expect("name a holder");
        file
    }

    #[test]
    fn a_held_lock_makes_the_next_build_wait_then_give_up() {
        let tmp = tempfile::tempdir().expect("tmp");
        let out = tmp.path().join("site");
        let held = hold_lock(tmp.path());
        let started = Instant::now();
        let err = write_site_with(&out, &site("x"), Duration::from_millis(300))
            .expect_err("the lock is held");
        assert!(started.elapsed() >= Duration::from_millis(300));
        let text = err.to_string();
        assert!(text.contains("another build (process 4242)"), "{text}");
        match err {
            OutputError::Refused { hint, .. } => assert!(hint.contains(".site.lock"), "{hint}"),
            other => panic!("{other}"),
        }
        assert!(!out.exists());
        assert!(
            tmp.path().join(".site.lock").exists(),
            "another build's lock was removed"
        );
        // Released, the next build goes ahead, and leaves no lock file.
        drop(held);
        write_site_with(&out, &site("x"), Duration::from_millis(300)).expect("a free lock");
        assert!(out.join("index.html").is_file());
        assert!(!tmp.path().join(".site.lock").exists());
    }

    #[test]
    fn a_lock_file_left_by_a_killed_build_does_not_block() {
        let tmp = tempfile::tempdir().expect("tmp");
        let out = tmp.path().join("site");
        let lock = tmp.path().join(".site.lock");
        // Its process is gone, and with it the lock; only the file is left.
        fs::write(&lock, "4242\n").expect("write the lock file");
        write_site_with(&out, &site("x"), Duration::from_millis(300))
            .expect("an unlocked lock file does not block");
        assert!(!lock.exists(), "the lock file is left behind");
        assert!(out.join("index.html").is_file());
    }

    #[test]
    fn builds_racing_for_the_lock_take_turns() {
        let tmp = tempfile::tempdir().expect("tmp");
        let out = tmp.path().join("site");
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let out = out.clone();
                std::thread::spawn(move || {
                    write_site_with(&out, &site(&format!("build {i}")), Duration::from_secs(30))
                })
            })
            .collect();
        for h in handles {
            h.join()
                .expect("a thread")
                .expect("each build succeeds in turn");
        }
        let page = fs::read_to_string(out.join("index.html")).expect("a site");
        assert!(page.starts_with("build "), "{page}");
        assert_no_debris(tmp.path());
    }

    #[test]
    fn debris_of_killed_builds_is_removed_and_a_lost_site_put_back() {
        let tmp = tempfile::tempdir().expect("tmp");
        let parent = tmp.path();
        // Killed between moving the old site aside and moving the new one in.
        let old = parent.join(".site.old-4242");
        let new = parent.join(".site.new-4242");
        for d in [&old, &new] {
            fs::create_dir_all(d).expect("mkdir");
            fs::write(d.join(MARKER), MARKER_TEXT).expect("marker");
        }
        fs::write(old.join("index.html"), "old").expect("write");
        // Folders that only look alike are left alone.
        let other = parent.join(".site.new-x");
        fs::create_dir_all(&other).expect("mkdir");
        clean_debris(parent, "site");
        assert_eq!(
            fs::read_to_string(parent.join("site/index.html")).expect("the old site is back"),
            "old"
        );
        assert!(!old.exists() && !new.exists());
        assert!(
            other.exists(),
            "a folder auditbook did not name was removed"
        );
    }

    #[test]
    fn site_paths_that_leave_the_folder_are_refused() {
        let tmp = tempfile::tempdir().expect("tmp");
        for bad in ["../escape.html", "/etc/x", "a/../../x", ""] {
            let mut s = Site::default();
            s.add(bad, b"x".to_vec());
            let out = tmp.path().join("site");
            assert!(write_site(&out, &s).is_err(), "{bad}");
            assert!(!tmp.path().join("escape.html").exists());
            assert!(!out.exists(), "{bad}: a partial site was swapped in");
        }
    }

    #[test]
    fn a_staging_folder_dropped_before_its_commit_leaves_the_previous_site() {
        let tmp = tempfile::tempdir().expect("tmp");
        let out = tmp.path().join("site");
        write_site(&out, &site("old")).expect("the first build");
        let staging = Staging::begin(&out, Duration::from_secs(1)).expect("staging");
        staging
            .write("index.html", b"half a build")
            .expect("a page");
        staging.write("a/b/c.html", b"more").expect("a page");
        assert_eq!(staging.counts(), (2, 2));
        drop(staging);
        assert_eq!(
            fs::read_to_string(out.join("index.html")).expect("the old site"),
            "old"
        );
        assert_no_debris(tmp.path());
    }

    #[test]
    fn a_file_that_cannot_be_written_is_an_error_and_the_previous_site_stays() {
        let tmp = tempfile::tempdir().expect("tmp");
        let out = tmp.path().join("site");
        write_site(&out, &site("old")).expect("the first build");
        let staging = Staging::begin(&out, Duration::from_secs(1)).expect("staging");
        staging.write("a", b"a file").expect("a file");
        // Its folder would be the file just written.
        let err = staging
            .write("a/b.html", b"page")
            .expect_err("a page under a file");
        assert!(matches!(err, OutputError::Io { .. }), "{err}");
        assert!(err.to_string().contains(".site.new-"), "{err}");
        drop(staging);
        assert_eq!(
            fs::read_to_string(out.join("index.html")).expect("the old site"),
            "old"
        );
        assert_no_debris(tmp.path());
    }

    #[test]
    fn files_written_from_many_threads_all_arrive() {
        let tmp = tempfile::tempdir().expect("tmp");
        let out = tmp.path().join("site");
        let staging = Staging::begin(&out, Duration::from_secs(1)).expect("staging");
        (0..400).into_par_iter().for_each(|i| {
            staging
                .write(
                    &format!("d{}/e{}/p{i}.html", i % 7, i % 3),
                    i.to_string().as_bytes(),
                )
                .expect("a page");
        });
        staging.commit().expect("the swap");
        for i in 0..400 {
            let page = out.join(format!("d{}/e{}/p{i}.html", i % 7, i % 3));
            assert_eq!(fs::read_to_string(page).expect("written"), i.to_string());
        }
    }

    #[test]
    fn mount_points_are_found() {
        assert!(is_mount_point(Path::new("/")));
        #[cfg(target_os = "linux")]
        assert!(is_mount_point(Path::new("/proc")));
        let tmp = tempfile::tempdir().expect("tmp");
        let plain = tmp.path().canonicalize().expect("real").join("plain");
        fs::create_dir(&plain).expect("mkdir");
        assert!(!is_mount_point(&plain));
        assert_eq!(unescape_mount_path("/a\\040b\\134c"), "/a b\\c");
    }

    #[test]
    fn the_git_folder_is_refused() {
        let tmp = tempfile::tempdir().expect("tmp");
        let ws = tmp.path().join("ws");
        fs::create_dir_all(ws.join(".git")).expect("mkdir");
        let err = check_out_dir(&ws, &ws.join(".git/site")).expect_err("refused");
        assert!(err.to_string().contains(".git/"), "{err}");
    }

    /// A folder with the site of [`site`]`(page)` built in it: the folder and the site's path.
    #[cfg(unix)]
    fn built(page: &str) -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().expect("tmp");
        let out = tmp.path().join("site");
        write_site(&out, &site(page)).expect("first build");
        (tmp, out)
    }

    /// The inode number of a file.
    #[cfg(unix)]
    fn inode(path: &Path) -> u64 {
        use std::os::unix::fs::MetadataExt as _;
        fs::symlink_metadata(path).expect("metadata").ino()
    }

    #[cfg(unix)]
    #[test]
    fn a_rebuild_links_unchanged_files_and_writes_the_rest() {
        use std::os::unix::fs::MetadataExt as _;
        let (tmp, out) = built("first");
        let (kept, changed) = (out.join("a/b/index.html"), out.join("index.html"));
        let (kept_inode, changed_inode) = (inode(&kept), inode(&changed));
        let mut next = site("second");
        next.add("c/new.html", b"new".to_vec());
        let staging = Staging::begin(&out, LOCK_WAIT).expect("begin");
        next.files
            .par_iter()
            .try_for_each(|(rel, bytes)| staging.write(rel, bytes))
            .expect("written");
        assert_eq!(staging.reused(), 1, "only the unchanged page is linked");
        staging.commit().expect("the swap");
        assert_eq!(
            inode(&kept),
            kept_inode,
            "the unchanged page is the same file"
        );
        assert_ne!(inode(&changed), changed_inode);
        assert_eq!(fs::read_to_string(&changed).expect("read"), "second");
        assert_eq!(
            fs::read_to_string(out.join("c/new.html")).expect("read"),
            "new"
        );
        // The previous site is gone, and with it the second name of the linked file.
        assert_eq!(fs::metadata(&kept).expect("kept").nlink(), 1);
        assert_no_debris(tmp.path());
    }

    #[cfg(unix)]
    #[test]
    fn a_file_changed_in_the_previous_site_is_written_again() {
        let (_tmp, out) = built("page");
        // Edited by hand: the same length, other bytes.
        fs::write(out.join("index.html"), "PAGE").expect("edit");
        write_site(&out, &site("page")).expect("second build");
        assert_eq!(
            fs::read_to_string(out.join("index.html")).expect("read"),
            "page"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_file_with_another_name_or_a_link_to_one_is_not_taken() {
        let (tmp, out) = built("page");
        // A second name for a page, outside the site; and a page replaced by a symbolic link
        // to a file outside with the very bytes the build makes.
        let elsewhere = tmp.path().join("elsewhere.html");
        fs::hard_link(out.join("index.html"), &elsewhere).expect("link");
        let outside = tmp.path().join("outside.html");
        fs::write(&outside, "<html></html>").expect("write");
        fs::remove_file(out.join("a/b/index.html")).expect("remove");
        std::os::unix::fs::symlink(&outside, out.join("a/b/index.html")).expect("symlink");
        write_site(&out, &site("page")).expect("second build");
        assert_ne!(inode(&out.join("index.html")), inode(&elsewhere));
        let page = out.join("a/b/index.html");
        assert!(fs::symlink_metadata(&page).expect("page").is_file());
        assert_ne!(inode(&page), inode(&outside));
        assert_eq!(fs::read_to_string(&page).expect("read"), "<html></html>");
        // Nothing outside the site was touched.
        assert_eq!(fs::read_to_string(&elsewhere).expect("read"), "page");
        assert_eq!(fs::read_to_string(&outside).expect("read"), "<html></html>");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_in_the_previous_site_is_written_over_without_waiting() {
        let (_tmp, out) = built("page");
        fs::remove_file(out.join("index.html")).expect("remove");
        let fifo = std::ffi::CString::new(out.join("index.html").as_os_str().as_encoded_bytes())
            .expect("a path without NUL");
        // SAFETY: a valid NUL-terminated path; mkfifo only creates the file.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0, "mkfifo");
        // Reading a FIFO waits for a writer: the build must not.
        let (tx, rx) = std::sync::mpsc::channel();
        let to = out.clone();
        std::thread::spawn(move || {
            let _ = tx.send(write_site(&to, &site("page")).map_err(|e| e.to_string()));
        });
        rx.recv_timeout(Duration::from_secs(10))
            .expect("the build returned instead of waiting on the FIFO")
            .expect("the second build");
        let page = out.join("index.html");
        assert!(fs::symlink_metadata(&page).expect("page").is_file());
        assert_eq!(fs::read_to_string(&page).expect("read"), "page");
    }
}

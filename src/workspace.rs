//! Finding and reading the files of a workspace: sorted walks, size limits, and the checks
//! every file gets before it is parsed (empty, binary, not UTF-8).

use std::collections::HashMap;
use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diag::{Diagnostic, Diagnostics};
use crate::source::{Loc, Sources};
use crate::yaml::limits;

/// The role of a file in the workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Config,
    Checklist,
    Round,
    Audit,
    Snapshot,
    /// `sources/<id>.yaml`: a ticket export that metric snapshots are computed from.
    Source,
    /// `exemptions/**/*.yaml`: an accepted gap.
    Exemption,
    Strings,
}

/// A file to read, relative to the workspace root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub role: Role,
    pub path: PathBuf,
}

pub const CONFIG_FILE: &str = "auditbook.yaml";
/// How many folders deep inputs may sit inside `checklists/`, `metrics/` and the others.
pub const MAX_FOLDER_DEPTH: usize = 32;
pub const ROUND_FILE: &str = "round.yaml";

/// An I/O problem that stops the run as a whole (exit status 2).
#[derive(Debug)]
pub struct IoError {
    pub path: PathBuf,
    pub error: std::io::Error,
}

impl std::fmt::Display for IoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.error)
    }
}

impl std::error::Error for IoError {}

/// Lists the workspace's input files in a fixed order: config, checklists, rounds and audits,
/// snapshots, sources, exemptions, interface strings; each group sorted by path.
pub fn discover(root: &Path, diags: &mut Diagnostics) -> Result<Vec<Entry>, IoError> {
    let meta = fs::metadata(root).map_err(|error| IoError {
        path: root.to_path_buf(),
        error,
    })?;
    if !meta.is_dir() {
        return Err(IoError {
            path: root.to_path_buf(),
            error: std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a folder"),
        });
    }
    let mut entries = Vec::new();
    let config = Path::new(CONFIG_FILE);
    if let Some(kind) = kind_of(&root.join(config)) {
        if kind == Kind::File {
            entries.push(Entry {
                role: Role::Config,
                path: config.to_path_buf(),
            });
        } else {
            diags.push(not_a_file(config, kind));
        }
    }
    for path in walk(root, "checklists", diags) {
        entries.push(Entry {
            role: Role::Checklist,
            path,
        });
    }
    for path in walk(root, "audits", diags) {
        let depth = path.components().count();
        let is_round = path.file_name().is_some_and(|n| n == ROUND_FILE);
        if depth != 3 {
            let hint = if depth == 2 {
                "put each audit in a round folder: audits/<round>/<audit>.yaml"
            } else {
                "audits live directly in their round folder: audits/<round>/<audit>.yaml"
            };
            diags.push(
                Diagnostic::error(&path, Loc::start(), "audit file outside a round folder")
                    .with_hint(hint),
            );
            continue;
        }
        entries.push(Entry {
            role: if is_round { Role::Round } else { Role::Audit },
            path,
        });
    }
    for path in walk(root, "metrics", diags) {
        entries.push(Entry {
            role: Role::Snapshot,
            path,
        });
    }
    for path in walk(root, "sources", diags) {
        if path.components().count() != 2 {
            diags.push(
                Diagnostic::error(&path, Loc::start(), "source file outside sources/")
                    .with_hint("put each source directly in sources/: sources/<id>.yaml"),
            );
            continue;
        }
        entries.push(Entry {
            role: Role::Source,
            path,
        });
    }
    for path in walk(root, "exemptions", diags) {
        entries.push(Entry {
            role: Role::Exemption,
            path,
        });
    }
    for path in walk(root, "i18n", diags) {
        if path.components().count() != 2 {
            diags.push(
                Diagnostic::error(&path, Loc::start(), "interface strings outside i18n/")
                    .with_hint("name the file after its language: i18n/<lang>.yaml"),
            );
            continue;
        }
        entries.push(Entry {
            role: Role::Strings,
            path,
        });
    }
    Ok(entries)
}

/// The `.yaml` files under `root/dir`, sorted, as paths relative to `root`. Warns about
/// `.yml` files, which are easy to mistake for inputs but are not read.
fn walk(root: &Path, dir: &str, diags: &mut Diagnostics) -> Vec<PathBuf> {
    let base = root.join(dir);
    match kind_of(&base) {
        Some(Kind::Dir) => {}
        Some(Kind::Link) => {
            diags.push(
                Diagnostic::warning(Path::new(dir), Loc::default(), format!("{dir}/ is a symbolic link; it is not read"))
                    .with_hint("auditbook reads only files inside the workspace; move the folder in instead of linking to it"),
            );
            return Vec::new();
        }
        _ => return Vec::new(),
    }
    let mut out = Vec::new();
    // The first name of each folder's entries, by its lowercase form: names that differ
    // only in case are one file on Windows and macOS.
    let mut by_case: HashMap<(PathBuf, String), String> = HashMap::new();
    let walker = WalkDir::new(&base)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        // Hidden files and folders (.git, editor drafts) are never inputs.
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err
                    .path()
                    .and_then(|p| p.strip_prefix(root).ok())
                    .map_or_else(|| PathBuf::from(dir), Path::to_path_buf);
                diags.push(Diagnostic::error(
                    &path,
                    Loc::default(),
                    format!("cannot read: {}", io_message(err.io_error())),
                ));
                continue;
            }
        };
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        let name = entry.file_name().to_string_lossy();
        let ft = entry.file_type();
        let ext = Path::new(&*name).extension().and_then(|e| e.to_str());
        let is_yaml = ext == Some("yaml");
        if (ft.is_dir() || is_yaml) && entry.depth() > 0 {
            let parent = rel.parent().map(Path::to_path_buf).unwrap_or_default();
            let key = (parent, name.to_lowercase());
            match by_case.get(&key) {
                Some(first) if *first != name => {
                    diags.push(
                        Diagnostic::error(
                            rel,
                            Loc::default(),
                            format!("'{name}' and '{first}' differ only in case"),
                        )
                        .with_hint("on Windows and macOS they are one file, so a checkout keeps only one: rename one of them"),
                    );
                    continue;
                }
                Some(_) => {}
                None => {
                    by_case.insert(key, name.to_string());
                }
            }
        }
        if ft.is_dir() {
            continue;
        }
        match ext {
            _ if is_yaml => {}
            Some(e) if e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml") => {
                diags.push(
                    Diagnostic::warning(
                        rel,
                        Loc::default(),
                        "file ignored: auditbook reads only files ending in .yaml",
                    )
                    .with_hint("rename it to end in .yaml, in lowercase"),
                );
                continue;
            }
            _ => continue,
        }
        if let Some(device) = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .find(|c| is_device_name(c))
        {
            diags.push(
                Diagnostic::error(
                    rel,
                    Loc::default(),
                    format!("'{device}' is a reserved device name on Windows"),
                )
                .with_hint("Windows cannot have a file or folder named con, prn, aux, nul, com1 to com9 or lpt1 to lpt9, with any extension: rename it"),
            );
            continue;
        }
        if ft.is_symlink() {
            diags.push(not_a_file(rel, Kind::Link));
            continue;
        }
        // Deeper folders are walked (links are not followed, so there are no loops), but
        // their files are reported rather than read or silently dropped.
        if entry.depth() > MAX_FOLDER_DEPTH + 1 {
            diags.push(
                Diagnostic::error(
                    rel,
                    Loc::default(),
                    format!("file nested more than {MAX_FOLDER_DEPTH} folders deep"),
                )
                .with_hint("move it closer to the top of its input folder"),
            );
            continue;
        }
        if !ft.is_file() {
            diags.push(not_a_file(rel, Kind::Other));
            continue;
        }
        if rel.to_str().is_none() {
            diags.push(
                Diagnostic::error(rel, Loc::default(), "file name is not valid UTF-8")
                    .with_hint("rename the file using UTF-8 characters"),
            );
            continue;
        }
        out.push(rel.to_path_buf());
    }
    out
}

/// Whether `name` (a file or folder name, or an id that becomes one) cannot exist on
/// Windows: the device names `con`, `prn`, `aux`, `nul`, `com1`…`com9` and `lpt1`…`lpt9`,
/// in any case, alone or before an extension (`nul.yaml`, `aux.tar.gz`). A workspace is
/// checked out on Windows and macOS too, where such a file cannot be written.
pub fn is_device_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).trim_end_matches(' ');
    let lower = stem.to_ascii_lowercase();
    match lower.as_bytes() {
        b"con" | b"prn" | b"aux" | b"nul" => true,
        [b'c', b'o', b'm', d] | [b'l', b'p', b't', d] => (b'1'..=b'9').contains(d),
        _ => false,
    }
}

/// What a path is, without following a symbolic link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    Link,
    /// A FIFO, socket or device: reading one could block or never end.
    Other,
}

pub fn kind_of(path: &Path) -> Option<Kind> {
    let ft = std::fs::symlink_metadata(path).ok()?.file_type();
    Some(if ft.is_symlink() {
        Kind::Link
    } else if ft.is_dir() {
        Kind::Dir
    } else if ft.is_file() {
        Kind::File
    } else {
        Kind::Other
    })
}

/// Opens `path` for reading only if it is a regular file. Discovery already skipped
/// anything else, but a file can be swapped for a pipe in between: opened without blocking
/// (a pipe would wait for a writer) and checked after opening, so that cannot hang a build.
fn open_regular(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    Ok(file)
}

/// The text of `path`, read only if it is a regular file (see `open_regular`).
pub fn read_regular_to_string(path: &Path) -> std::io::Result<String> {
    let mut text = String::new();
    open_regular(path)?.read_to_string(&mut text)?;
    Ok(text)
}

/// The warning for an input path that is not a regular file and so is not read.
pub fn not_a_file(rel: &Path, kind: Kind) -> Diagnostic {
    let (message, hint) = match kind {
        Kind::Link => (
            "symbolic link ignored",
            "auditbook reads only regular files inside the workspace; copy the file in instead",
        ),
        _ => (
            "not a regular file; ignored",
            "only plain files are read: a pipe, socket or device could block the build",
        ),
    };
    Diagnostic::warning(rel, Loc::default(), message).with_hint(hint)
}

fn io_message(err: Option<&std::io::Error>) -> String {
    match err {
        Some(e) => e.to_string(),
        None => "file system loop".to_string(),
    }
}

/// What a file's metadata said when it was read: its device and inode, length, and the
/// times it was last modified and last changed (the change time, which no tool can set back).
/// `serve` keeps the files it parsed with their stamps, and takes a file whose stamp is the
/// same again without opening it (see [`unchanged`]).
///
/// Only a settled read gets a stamp: one made at least [`SETTLE`] after the file last
/// changed. File times advance in clock ticks, so a file written again within the tick of a
/// read could keep every field of its stamp; a file changed that recently is read again each
/// time until it has settled, as git does with "racily clean" files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    device: u64,
    inode: u64,
    len: u64,
    modified: (i64, i64),
    changed: (i64, i64),
}

/// How long after its last change a file's stamp is trusted (see [`Stamp`]).
pub const SETTLE: std::time::Duration = std::time::Duration::from_secs(2);

impl Stamp {
    /// The stamp of a regular file's metadata; none for anything else, or where the file
    /// system does not tell change times.
    #[cfg(unix)]
    fn of(meta: &fs::Metadata) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt as _;
        meta.is_file().then(|| Stamp {
            device: meta.dev(),
            inode: meta.ino(),
            len: meta.size(),
            modified: (meta.mtime(), meta.mtime_nsec()),
            changed: (meta.ctime(), meta.ctime_nsec()),
        })
    }

    #[cfg(not(unix))]
    fn of(_: &fs::Metadata) -> Option<Stamp> {
        None
    }

    /// Whether the file last changed at least `settle` before `read`.
    fn settled(&self, read: std::time::SystemTime, settle: std::time::Duration) -> bool {
        let (Ok(secs), Ok(nanos)) = (u64::try_from(self.changed.0), u32::try_from(self.changed.1))
        else {
            return false;
        };
        let changed = std::time::UNIX_EPOCH + std::time::Duration::new(secs, nanos);
        read.duration_since(changed)
            .is_ok_and(|since| since >= settle)
    }
}

/// Whether the file `rel` still has `stamp`: asked of its metadata, without opening it (so a
/// file swapped for a link, pipe or another file is never taken for the one read before).
pub fn unchanged(root: &Path, rel: &Path, stamp: &Stamp) -> bool {
    fs::symlink_metadata(root.join(rel))
        .ok()
        .and_then(|meta| Stamp::of(&meta))
        .is_some_and(|now| now == *stamp)
}

/// Reads a file as text, or explains why it cannot be used. A UTF-8 byte-order mark is
/// dropped; CRLF line endings are left to the YAML parser, which accepts them.
pub fn read_text(
    root: &Path,
    rel: &Path,
    sources: &mut Sources,
) -> Result<std::sync::Arc<str>, Diagnostic> {
    read_text_stamped(root, rel, sources, SETTLE).map(|(text, _)| text)
}

/// [`read_text`], with the file's [`Stamp`] when it last changed at least `settle` before
/// it was read.
pub fn read_text_stamped(
    root: &Path,
    rel: &Path,
    sources: &mut Sources,
    settle: std::time::Duration,
) -> Result<(std::sync::Arc<str>, Option<Stamp>), Diagnostic> {
    let full = root.join(rel);
    let fail = |message: String, hint: Option<&str>| {
        Diagnostic::error(rel, Loc::default(), message).with_hint_opt(hint.map(str::to_string))
    };
    let started = std::time::SystemTime::now();
    let file = open_regular(&full).map_err(|e| fail(format!("cannot read: {e}"), None))?;
    let meta = file.metadata().ok();
    let stamp = (meta.as_ref())
        .and_then(Stamp::of)
        .filter(|stamp| stamp.settled(started, settle));
    // Sized from the file's length, so a file is read in one call (plus the one that finds
    // its end) instead of in growing steps.
    let size = meta
        .as_ref()
        .map_or(0, fs::Metadata::len)
        .min(limits::MAX_FILE_BYTES + 1);
    let mut bytes = Vec::with_capacity(size as usize + 1);
    file.take(limits::MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(format!("cannot read: {e}"), None))?;
    if bytes.len() as u64 > limits::MAX_FILE_BYTES {
        return Err(fail(
            format!(
                "file is larger than {} MiB",
                limits::MAX_FILE_BYTES / (1024 * 1024)
            ),
            Some("split it into several files"),
        ));
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(fail(
            "empty file".into(),
            Some("write the file's fields, or delete the file"),
        ));
    }
    if looks_like_utf16(&bytes) {
        return Err(fail(
            "file is UTF-16; convert it to UTF-8".into(),
            Some("auditbook reads UTF-8 text: convert it, e.g. with `iconv -f UTF-16 -t UTF-8`"),
        ));
    }
    if body.contains(&0) {
        return Err(fail(
            "binary file, not YAML text".into(),
            Some("only UTF-8 text files belong here"),
        ));
    }
    match std::str::from_utf8(body) {
        Ok(text) => Ok((sources.insert(rel, text.to_string()), stamp)),
        Err(e) => {
            let valid = &body[..e.valid_up_to()];
            let text = String::from_utf8_lossy(valid);
            let line = text.matches('\n').count() as u32 + 1;
            let column = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
            sources.insert(rel, String::from_utf8_lossy(body).into_owned());
            Err(
                Diagnostic::error(rel, Loc::new(line, column, 1), "file is not valid UTF-8")
                    .with_hint("save the file as UTF-8"),
            )
        }
    }
}

/// Whether `bytes` are text in UTF-16: a UTF-16 byte-order mark, or (without one) the
/// pattern of mostly-ASCII text in UTF-16, a NUL beside every other character.
fn looks_like_utf16(bytes: &[u8]) -> bool {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return true;
    }
    let pairs: Vec<&[u8]> = bytes.chunks_exact(2).take(256).collect();
    if pairs.len() < 2 {
        return false;
    }
    let share = |nul_at: usize| {
        let hits = pairs
            .iter()
            .filter(|p| p[nul_at] == 0 && p[1 - nul_at] != 0)
            .count();
        hits * 4 >= pairs.len() * 3
    };
    share(0) || share(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_names_of_windows() {
        for name in [
            "con",
            "PRN",
            "aux.yaml",
            "nul.tar.gz",
            "com1",
            "LPT9.yaml",
            "con ",
        ] {
            assert!(is_device_name(name), "{name}");
        }
        for name in [
            "cons",
            "com0",
            "com10",
            "lpt",
            "console.yaml",
            "a-con",
            "eu.yaml",
        ] {
            assert!(!is_device_name(name), "{name}");
        }
    }

    #[test]
    fn utf16_is_recognised() {
        let utf16le: Vec<u8> = "title: Audits\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let utf16be: Vec<u8> = "title: Audits\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert!(looks_like_utf16(&utf16le) && looks_like_utf16(&utf16be));
        assert!(looks_like_utf16(b"\xFF\xFEt\x00"));
        assert!(!looks_like_utf16(b"title: Audits\n"));
        assert!(!looks_like_utf16(b"taken: \x00\x01\x02\xff\xfe"));
    }

    #[test]
    #[cfg(unix)]
    fn a_pipe_in_place_of_a_file_is_refused_without_waiting() {
        let tmp = tempfile::tempdir().expect("tmp");
        let rel = Path::new("checklists/pipe.yaml");
        std::fs::create_dir_all(tmp.path().join("checklists")).expect("mkdir");
        let path = std::ffi::CString::new(tmp.path().join(rel).to_string_lossy().as_bytes())
            .expect("a path");
        // SAFETY: a valid NUL-terminated path; mkfifo only creates the file.
        assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }, 0, "mkfifo");
        // As if discovery had seen a file there: read_text itself must not wait for a writer.
        let root = tmp.path().to_path_buf();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut sources = Sources::default();
            let _ = tx.send(read_text(&root, rel, &mut sources).map(|_| ()));
        });
        let outcome = rx
            .recv_timeout(std::time::Duration::from_secs(5))
            .expect("read_text returned instead of waiting on the pipe");
        let err = outcome.expect_err("a pipe is not read");
        assert!(
            err.message.contains("not a regular file"),
            "{}",
            err.message
        );
    }
}

//! File texts of a workspace, and positions in them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A position in a file: 1-based line and column (in characters), and how many bytes the
/// problem spans from there. Line 0 means "the file as a whole".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc {
    pub line: u32,
    pub column: u32,
    pub width: u32,
}

impl Loc {
    pub fn new(line: u32, column: u32, width: u32) -> Self {
        Loc {
            line,
            column,
            width,
        }
    }

    /// The start of a file: used for problems that concern a whole file.
    pub fn start() -> Self {
        Loc::new(1, 1, 1)
    }
}

/// The texts of the files read in one run, kept so diagnostics can quote their lines.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    texts: HashMap<PathBuf, Arc<str>>,
}

impl Sources {
    pub fn insert(&mut self, path: &Path, text: String) -> Arc<str> {
        let text: Arc<str> = Arc::from(text);
        self.texts.insert(path.to_path_buf(), text.clone());
        text
    }

    /// Keeps `text`, already shared elsewhere (such as a cache of parsed files), for `path`.
    pub fn insert_shared(&mut self, path: &Path, text: Arc<str>) {
        self.texts.insert(path.to_path_buf(), text);
    }

    /// Adds the texts of another set, such as one read on another thread.
    pub fn extend(&mut self, other: Sources) {
        self.texts.extend(other.texts);
    }

    pub fn get(&self, path: &Path) -> Option<&str> {
        self.texts.get(path).map(|t| &**t)
    }

    /// The text of a 1-based line, if the file and line exist.
    pub fn line(&self, path: &Path, line: u32) -> Option<&str> {
        let text = self.get(path)?;
        text.split('\n').nth(line.checked_sub(1)? as usize)
    }
}

/// How many characters of `line`, from 1-based character `column` on, cover `bytes` bytes:
/// spans are measured in bytes, carets are drawn in characters.
pub fn chars_for_bytes(line: &str, column: u32, bytes: u32) -> usize {
    let mut covered = 0usize;
    let mut count = 0usize;
    for c in line.chars().skip(column.saturating_sub(1) as usize) {
        if covered >= bytes as usize {
            break;
        }
        covered += c.len_utf8();
        count += 1;
    }
    count.max(1)
}

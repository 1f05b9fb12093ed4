//! Checks that the two YAML paths agree: for every `.yaml` file under the folders given, the
//! fast path (granit-parser events to `Node`s) and the reference path (serde-saphyr) must give
//! the same tree and the same problems, or the fast path must step aside. Prints how many
//! files took each path.
//!
//! ```text
//! cargo run --release --example yaml_paths -- tests/fixtures /dev/shm/corpus
//! ```

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

fn main() -> ExitCode {
    let mut files = Vec::new();
    for dir in std::env::args().skip(1) {
        yaml_files(Path::new(&dir), &mut files);
    }
    let (mut same, mut fallback, mut differ) = (0, 0, 0);
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let fast = auditbook::yaml::parse_document(&text);
        let slow = auditbook::yaml::parse_document_slow(&text);
        if fast != slow {
            differ += 1;
            eprintln!(
                "{}: the paths differ\n  fast: {fast:?}\n  slow: {slow:?}",
                path.display()
            );
        } else if auditbook::yaml::takes_fast_path(&text) {
            same += 1;
        } else {
            fallback += 1;
        }
    }
    println!(
        "{} files: {same} on the fast path, {fallback} through serde-saphyr, {differ} differ",
        files.len()
    );
    if differ == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

//! Sources: `sources/<id>.yaml`, each a help desk's ticket export (docs/exports.md). A source
//! is read by [`crate::sources::config::read`], its `files:` globs are expanded over the
//! workspace, and the snapshots computed from the exports join the written ones.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::io::Read as _;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use walkdir::WalkDir;

use super::{Loader, ParseCache, read_record};
use crate::decode::TextLanguages;
use crate::diag::{Diagnostic, Diagnostics, display_path};
use crate::metrics::Snapshot;
use crate::model::SourcePage;
use crate::source::Loc;
use crate::sources::{self, Computed, Source};
use crate::yaml::Node;

/// A computed source kept between loads: what it was computed from (the source as read,
/// and each export's path and content hash) and what it gave.
pub(super) struct KeptComputed {
    source: Source,
    exports: Vec<(PathBuf, u128)>,
    computed: Computed,
    diags: Vec<Diagnostic>,
}

impl Loader<'_> {
    /// Reads every source, computes its snapshots (or takes them from `cache` when neither
    /// the source nor its exports changed), and reports computed snapshots that a written
    /// one in `written` already gives.
    pub(super) fn sources(
        &mut self,
        files: Vec<(PathBuf, Arc<Node>)>,
        written: &[Snapshot],
        cache: Option<&ParseCache>,
    ) -> (Vec<Snapshot>, Vec<SourcePage>) {
        let mut out = Vec::new();
        let mut pages = Vec::new();
        for (path, node) in files {
            let mut texts = TextLanguages::default();
            let read = read_record(self.diags, &mut texts, &path, |ctx| {
                sources::config::read(ctx, &node)
            });
            self.texts.insert(path.clone(), texts);
            let Some(source) = read.value else { continue };
            let Some(exports) = expand(self.root, &source, &node, self.diags) else {
                continue;
            };
            let computed = compute(self.root, &source, &exports, cache, self.diags);
            out.extend(computed.snapshots);
            pages.push(SourcePage {
                id: source.id.clone(),
                file: source.file.clone(),
                timezone: source.clock.zone.name().to_string(),
                period: source.period,
                ticket_url: source.ticket_url.clone(),
                summary: computed.summary,
                report: computed.report,
            });
        }
        report_duplicates(written, &out, self.diags);
        pages.sort_by(|a, b| a.id.cmp(&b.id));
        (out, pages)
    }
}

/// The exports of `source`: the files its globs match, sorted and without repeats; `None`
/// (with errors reported) when a glob is refused or matches nothing.
fn expand(
    root: &Path,
    source: &Source,
    node: &Node,
    diags: &mut Diagnostics,
) -> Option<Vec<PathBuf>> {
    let locs = glob_locs(node);
    let mut all = Vec::new();
    let mut ok = true;
    for (i, glob) in source.files.iter().enumerate() {
        let loc = locs.get(i).copied().unwrap_or_default();
        match Glob::new(glob) {
            Err(why) => {
                diags.push(
                    Diagnostic::error(&source.file, loc, format!("file glob '{glob}' {why}"))
                        .with_hint("write globs relative to the workspace folder, such as exports/helpdesk/*.csv"),
                );
                ok = false;
            }
            Ok(g) => {
                let found = g.matches(root);
                if found.is_empty() {
                    diags.push(
                        Diagnostic::error(&source.file, loc, format!("file glob '{glob}' matches no file"))
                            .with_hint("check the path, relative to the workspace folder; a glob matches regular files only"),
                    );
                    ok = false;
                }
                all.extend(found);
            }
        }
    }
    all.sort();
    all.dedup();
    ok.then_some(all)
}

/// Where each item of `files:` is written, in order.
fn glob_locs(node: &Node) -> Vec<Loc> {
    let Some(map) = node.as_map() else {
        return Vec::new();
    };
    map.iter()
        .find(|(k, _)| k.as_str() == Some("files"))
        .and_then(|(_, v)| match &v.kind {
            crate::yaml::Kind::Seq(items) => Some(items.iter().map(|n| n.loc).collect()),
            _ => None,
        })
        .unwrap_or_default()
}

/// Computes a source (its snapshots and its page's figures), or takes what an unchanged
/// source over unchanged exports gave before.
fn compute(
    root: &Path,
    source: &Source,
    exports: &[PathBuf],
    cache: Option<&ParseCache>,
    diags: &mut Diagnostics,
) -> Computed {
    let Some(cache) = cache else {
        return sources::compute_files(source, root, exports, diags);
    };
    // Unreadable exports are reported by the computation; they are never kept.
    let hashes: Option<Vec<(PathBuf, u128)>> = exports
        .iter()
        .map(|p| content_hash(&root.join(p)).map(|h| (p.clone(), h)))
        .collect();
    if let Some(hashes) = &hashes
        && let Ok(kept) = cache.computed.lock()
        && let Some(k) = kept.get(&source.file)
        && k.source == *source
        && k.exports == *hashes
    {
        for d in &k.diags {
            diags.push(d.clone());
        }
        return k.computed.clone();
    }
    let mut own = Diagnostics::default();
    let computed = sources::compute_files(source, root, exports, &mut own);
    let own = own.into_vec();
    if let Ok(mut runs) = cache.computations.lock() {
        *runs += 1;
    }
    if let Ok(mut kept) = cache.computed.lock() {
        match hashes {
            Some(exports) => {
                kept.insert(
                    source.file.clone(),
                    KeptComputed {
                        source: source.clone(),
                        exports,
                        computed: computed.clone(),
                        diags: own.clone(),
                    },
                );
            }
            None => {
                kept.remove(&source.file);
            }
        }
    }
    for d in own {
        diags.push(d);
    }
    computed
}

/// A 128-bit hash of a file's bytes (two keyed SipHash passes), `None` if it cannot be read.
fn content_hash(path: &Path) -> Option<u128> {
    let mut file = std::fs::File::open(path).ok()?;
    let mut a = std::hash::DefaultHasher::new();
    let mut b = std::hash::DefaultHasher::new();
    0xa5a5_u16.hash(&mut b);
    let mut buf = vec![0u8; 64 * 1024];
    let mut len = 0u64;
    loop {
        let n = file.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        a.write(&buf[..n]);
        b.write(&buf[..n]);
        len += n as u64;
    }
    a.write_u64(len);
    b.write_u64(len);
    Some((u128::from(a.finish()) << 64) | u128::from(b.finish()))
}

/// A computed snapshot for the same metric, subject and period as a written one is an
/// error, at the written snapshot, naming both files.
fn report_duplicates(written: &[Snapshot], computed: &[Snapshot], diags: &mut Diagnostics) {
    type Key<'a> = (
        &'a str,
        Option<&'a str>,
        (chrono::NaiveDate, chrono::NaiveDate),
    );
    let mut by_key: HashMap<Key, &Path> = HashMap::new();
    for s in computed {
        let Some(period) = s.period else { continue };
        for v in &s.values {
            by_key
                .entry((&v.metric, s.subject.as_deref(), period))
                .or_insert(&s.file);
        }
    }
    // One error per written file and source, listing the metrics both give.
    let mut found: BTreeMap<(&Path, &Path), Vec<&str>> = BTreeMap::new();
    for s in written {
        let Some(period) = s.period else { continue };
        for v in &s.values {
            if let Some(source) = by_key.get(&(v.metric.as_str(), s.subject.as_deref(), period)) {
                found.entry((&s.file, source)).or_default().push(&v.metric);
            }
        }
    }
    for ((file, source), metrics) in found {
        let snapshot = written.iter().find(|s| s.file == file);
        let subject = snapshot
            .and_then(|s| s.subject.as_deref())
            .unwrap_or("the organisation");
        let period = snapshot
            .and_then(|s| s.period)
            .map(|(f, t)| format!("{f} to {t}"))
            .unwrap_or_default();
        diags.push(
            Diagnostic::error(
                file,
                Loc::default(),
                format!(
                    "{} {} for {subject}, {period}, {} written in {} and computed by {}",
                    if metrics.len() == 1 { "metric" } else { "metrics" },
                    metrics.join(", "),
                    if metrics.len() == 1 { "is" } else { "are" },
                    display_path(file),
                    display_path(source),
                ),
            )
            .with_hint(format!(
                "delete the written values that {} computes, or take those exports out of its `files`",
                display_path(source)
            )),
        );
    }
}

/// A `files:` glob: path parts relative to the workspace folder, where `*` matches any
/// characters of one name but `/`, `?` one character, and a part `**` any number of folders.
#[derive(Debug)]
struct Glob {
    parts: Vec<String>,
}

impl Glob {
    fn new(text: &str) -> Result<Glob, &'static str> {
        let path = Path::new(text);
        if text.starts_with('/') || text.starts_with('\\') || path.is_absolute() {
            return Err("is absolute");
        }
        let mut parts = Vec::new();
        for c in path.components() {
            match c {
                Component::Normal(s) => match s.to_str() {
                    Some(s) => parts.push(s.to_string()),
                    None => return Err("is not valid text"),
                },
                Component::CurDir => {}
                Component::ParentDir => return Err("leaves the workspace folder (`..`)"),
                Component::RootDir | Component::Prefix(_) => return Err("is absolute"),
            }
        }
        if parts.is_empty() {
            return Err("names no file");
        }
        if parts.iter().any(|p| p.starts_with('.')) {
            return Err("names a hidden file or folder");
        }
        Ok(Glob { parts })
    }

    /// The regular files under `root` that match, relative to it and sorted. Hidden files
    /// and folders and symbolic links are never matched.
    fn matches(&self, root: &Path) -> Vec<PathBuf> {
        // The folder the glob's literal leading parts name is the one walked.
        let literal = self
            .parts
            .iter()
            .take_while(|p| !p.contains(['*', '?']))
            .count()
            .min(self.parts.len() - 1);
        // No folder on the way may be a symbolic link: it could lead out of the workspace.
        let mut start = root.to_path_buf();
        for part in &self.parts[..literal] {
            start.push(part);
            match std::fs::symlink_metadata(&start) {
                Ok(meta) if meta.is_dir() => {}
                _ => return Vec::new(),
            }
        }
        // Without `**`, a glob names files exactly so many folders down.
        let depth = if self.parts.iter().any(|p| p == "**") {
            crate::workspace::MAX_FOLDER_DEPTH
        } else {
            self.parts.len() - literal
        };
        let walker = WalkDir::new(&start)
            .follow_links(false)
            .follow_root_links(false)
            .max_depth(depth)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        let mut out = Vec::new();
        for entry in walker.flatten() {
            if !entry.file_type().is_file() {
                continue;
            }
            let Ok(rel) = entry.path().strip_prefix(root) else {
                continue;
            };
            let names: Option<Vec<&str>> = rel
                .components()
                .map(|c| match c {
                    Component::Normal(s) => s.to_str(),
                    _ => None,
                })
                .collect();
            if let Some(names) = names
                && match_parts(&self.parts, &names)
            {
                out.push(rel.to_path_buf());
            }
        }
        out
    }
}

fn match_parts(parts: &[String], names: &[&str]) -> bool {
    match parts.split_first() {
        None => names.is_empty(),
        Some((p, rest)) if p == "**" => {
            (0..=names.len()).any(|skip| match_parts(rest, &names[skip..]))
        }
        Some((p, rest)) => match names.split_first() {
            Some((n, names)) => match_name(p.as_bytes(), n.as_bytes()) && match_parts(rest, names),
            None => false,
        },
    }
}

/// `*` and `?` within one name, by bytes (the names are ASCII in practice; `?` matches a
/// byte). Iterative, with one point to go back to, so it takes time linear in practice.
fn match_name(pattern: &[u8], name: &[u8]) -> bool {
    let (mut p, mut n) = (0, 0);
    let mut back: Option<(usize, usize)> = None;
    while n < name.len() {
        if p < pattern.len() && (pattern[p] == b'?' || pattern[p] == name[n]) {
            p += 1;
            n += 1;
        } else if p < pattern.len() && pattern[p] == b'*' {
            back = Some((p, n));
            p += 1;
        } else if let Some((bp, bn)) = back {
            p = bp + 1;
            n = bn + 1;
            back = Some((bp, bn + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&b| b == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_stars_and_marks() {
        assert!(match_name(b"*.csv", b"2026-03.csv"));
        assert!(match_name(b"2026-0?.csv", b"2026-03.csv"));
        assert!(!match_name(b"*.csv", b"2026-03.csv.bak"));
        assert!(match_name(b"a*b*c", b"aXbYbc"));
        assert!(!match_name(b"a*b", b"acb/"));
    }

    #[test]
    fn double_star_spans_folders() {
        let parts: Vec<String> = ["exports", "**", "*.csv"].map(String::from).to_vec();
        assert!(match_parts(&parts, &["exports", "a.csv"]));
        assert!(match_parts(&parts, &["exports", "x", "y", "a.csv"]));
        assert!(!match_parts(&parts, &["other", "a.csv"]));
    }

    #[cfg(unix)]
    #[test]
    fn linked_folders_and_files_are_never_matched() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.csv"), "a\n").unwrap();
        let ws = tempfile::tempdir().unwrap();
        let root = ws.path();
        std::fs::create_dir_all(root.join("exports/real")).unwrap();
        std::fs::write(root.join("exports/real/a.csv"), "a\n").unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("exports/linked")).unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("linked")).unwrap();
        let link = outside.path().join("secret.csv");
        std::os::unix::fs::symlink(link, root.join("exports/real/b.csv")).unwrap();
        let found = |g: &str| Glob::new(g).unwrap().matches(root);
        assert_eq!(
            found("exports/**/*.csv"),
            [PathBuf::from("exports/real/a.csv")]
        );
        assert!(found("exports/linked/*.csv").is_empty());
        assert!(found("linked/*.csv").is_empty());
        assert!(found("linked").is_empty());
        assert!(found("exports/real/b.csv").is_empty());
    }

    #[test]
    fn globs_may_not_leave_the_workspace() {
        assert!(Glob::new("../secret/*.csv").is_err());
        assert!(Glob::new("exports/../../x.csv").is_err());
        assert!(Glob::new("/etc/*.csv").is_err());
        assert!(Glob::new("exports/*.csv").is_ok());
    }
}

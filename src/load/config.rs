//! auditbook.yaml: the site's title, languages, address and output folder, and the metric
//! definitions under `metrics:` (each read by [`super::metric`]).

use std::path::{Component, Path, PathBuf};

use super::metric::read_metric;
use super::{Loader, Read, read_record};
use crate::decode::{self, Ctx};
use crate::metrics::Status;
use crate::model::{Config, Gates};
use crate::public::{Hidden, Hide};
use crate::source::Loc;
use crate::text::Text;
use crate::yaml::{Kind, Node};

impl Loader<'_> {
    pub(super) fn config(&mut self, path: &Path, node: &Node) -> Option<Config> {
        let mut ctx = self.ctx(path);
        let Some(f) = decode::fields(
            &mut ctx,
            node,
            &[
                "title",
                "languages",
                "base_url",
                "output",
                "metrics",
                "gates",
                "public",
            ],
            "auditbook.yaml",
        ) else {
            self.languages_known = false;
            self.doubts.metrics.insert(None);
            return None;
        };
        let languages = match f.get("languages") {
            Some(n) => read_languages(&mut self.ctx(path), n, f.key_loc("languages")),
            None => Read {
                value: None,
                clean: true,
            },
        };
        let listed = languages.value.unwrap_or_default();
        if !listed.is_empty() {
            self.languages = listed.iter().map(|(l, _)| l.clone()).collect();
        }
        self.language_locs.extend(listed);
        if !languages.clean || f.misspelt("languages") {
            self.languages_known = false;
        }
        let default = self.default_language();
        let root = self.root;
        let mut ctx = self.ctx(path);
        let title = f
            .get("title")
            .and_then(|n| decode::text(&mut ctx, n, "title", &default))
            .unwrap_or_else(|| Text::plain("Audits", &default));
        let base_url = f.get("base_url").and_then(|n| {
            let url = decode::string(&mut ctx, n, "base_url")?;
            if url.starts_with("https://") || url.starts_with("http://") {
                Some(url)
            } else {
                ctx.error_hint(
                    n.loc,
                    format!("invalid base_url '{url}'"),
                    "write an absolute http or https address, such as https://audits.example.com/",
                );
                None
            }
        });
        let output = match f.get("output") {
            Some(n) => decode::string(&mut ctx, n, "output").and_then(|s| {
                if s.trim().is_empty() {
                    ctx.error(n.loc, "'output' is empty");
                    return None;
                }
                match output_problem(root, &s) {
                    Some(problem) => {
                        ctx.error_hint(
                            n.loc,
                            format!("output folder '{s}' {problem}"),
                            "write a folder inside the workspace, such as `output: site`; to build elsewhere, use `auditbook build --out <folder>`",
                        );
                        None
                    }
                    None => Some(PathBuf::from(s)),
                }
            }),
            None => Some(PathBuf::from("site")),
        };
        match f.get("metrics").map(|n| (n, &n.kind)) {
            Some((_, Kind::Seq(list))) => {
                for n in list {
                    self.metric_override(path, n);
                }
            }
            Some((n, _)) => {
                decode::list(&mut self.ctx(path), n, "metrics");
                self.doubts.metrics.insert(None);
            }
            // Under a misspelt `metrics:`, any metric may have been meant to be defined.
            None if f.misspelt("metrics") => {
                self.doubts.metrics.insert(None);
            }
            None => {}
        }
        let gates = match f.get("gates") {
            // An invalid gate is an error, so no model is built and no gate applied; the rest
            // of the workspace is still checked.
            Some(n) => read_gates(&mut self.ctx(path), n).unwrap_or_default(),
            None => Gates::default(),
        };
        let public = match f.get("public") {
            // Like a gate, an invalid setting stops the build rather than hiding less.
            Some(n) => read_public(&mut self.ctx(path), n)?,
            None => Hide::default(),
        };
        Some(Config {
            title,
            languages: self.languages.clone(),
            base_url,
            output: output?,
            gates,
            public,
            left_out: Hide::NONE,
        })
    }
}

impl Loader<'_> {
    /// Reads one definition under `metrics:`: a change to a built-in metric or to one defined
    /// before, or a new metric.
    fn metric_override(&mut self, path: &Path, node: &Node) {
        let default = self.default_language();
        let (metrics, index) = (&self.metrics, &self.metric_index);
        let known = |id: &str| index.get(id).map(|&i| &metrics[i]);
        let read = read_record(
            self.diags,
            self.texts.entry(path.to_path_buf()).or_default(),
            path,
            |ctx| {
                read_metric(
                    ctx,
                    node,
                    &default,
                    known,
                    metrics.iter().map(|m| m.id.as_str()),
                )
            },
        );
        if !read.clean {
            // Without a valid id, the definition may have been of any metric.
            let id = node
                .as_map()
                .and_then(|m| m.iter().find(|(k, _)| k.as_str() == Some("id")))
                .and_then(|(_, v)| v.scalar_text())
                .filter(|id| decode::is_id(id));
            self.doubts.metrics.insert(id);
        }
        let Some(def) = read.value else {
            return;
        };
        match self.metric_index.get(&def.id) {
            Some(&i) => self.metrics[i] = def,
            None => {
                self.metric_index.insert(def.id.clone(), self.metrics.len());
                self.metrics.push(def);
            }
        }
    }
}

/// Most languages a site may have: each page is rendered once per language, so the work
/// of a build grows with this number times the size of the workspace.
pub const MAX_LANGUAGES: usize = 64;

/// The site languages: distinct language tags, at least one; each with where it is named.
fn read_languages(ctx: &mut Ctx, node: &Node, key_loc: Loc) -> Read<Vec<(String, Loc)>> {
    let Some(list) = decode::list(ctx, node, "languages") else {
        return Read {
            value: None,
            clean: false,
        };
    };
    let mut clean = true;
    let mut languages: Vec<(String, Loc)> = Vec::new();
    if list.len() > MAX_LANGUAGES {
        ctx.error_hint(
            key_loc,
            format!("{} site languages, more than {MAX_LANGUAGES}", list.len()),
            format!(
                "a site has at most {MAX_LANGUAGES} languages: every page is made once for each"
            ),
        );
        return Read {
            value: None,
            clean: false,
        };
    }
    // As written, to name both spellings when two differ only in case.
    let mut written: Vec<String> = Vec::new();
    for n in list {
        let Some(lang) = decode::language(ctx, n, "languages") else {
            clean = false;
            continue;
        };
        let spelt = n.scalar_text().unwrap_or_else(|| lang.clone());
        match languages.iter().position(|(l, _)| *l == lang) {
            Some(i) if written[i] == spelt => {
                ctx.error(n.loc, format!("language '{lang}' is listed twice"));
                clean = false;
            }
            Some(i) => {
                ctx.error_hint(
                    n.loc,
                    format!("languages '{}' and '{spelt}' are one language", written[i]),
                    "language tags do not depend on case: list each language once",
                );
                clean = false;
            }
            None => {
                languages.push((lang, n.loc));
                written.push(spelt);
            }
        }
    }
    if list.is_empty() {
        ctx.error_hint(
            key_loc,
            "no site languages",
            "list at least one, for example `languages: [en]`",
        );
        clean = false;
    }
    Read {
        value: Some(languages),
        clean,
    }
}

/// The statuses `gates.metrics` may name, from the best that fails.
const GATE_STATUSES: [&str; 2] = ["at-risk", "below"];

/// `gates:` (docs/format.md, "Gates"): each gate optional, each value in its range. `None`
/// after an error.
fn read_gates(ctx: &mut Ctx, node: &Node) -> Option<Gates> {
    let f = decode::fields(
        ctx,
        node,
        &["min-score", "no-regression", "metrics"],
        "gates",
    )?;
    let mut clean = true;
    let mut gates = Gates::default();
    if let Some(n) = f.get("min-score") {
        match decode::number(ctx, n, "min-score") {
            Some(v) if (0.0..=100.0).contains(&v) => gates.min_score = Some(v),
            Some(v) => {
                ctx.error_hint(
                    n.loc,
                    format!("'min-score' must be between 0 and 100, found {v}"),
                    "scores are percentages: write a number from 0 to 100",
                );
                clean = false;
            }
            None => clean = false,
        }
    }
    if let Some(n) = f.get("no-regression") {
        match decode::number(ctx, n, "no-regression") {
            Some(v) if v >= 0.0 => gates.no_regression = Some(v),
            Some(v) => {
                ctx.error_hint(
                    n.loc,
                    format!("'no-regression' must be 0 or more, found {v}"),
                    "write how many points a latest audit may lose, such as 0.5; 0 allows no drop",
                );
                clean = false;
            }
            None => clean = false,
        }
    }
    if let Some(n) = f.get("metrics") {
        match decode::string(ctx, n, "metrics").as_deref() {
            Some("below") => gates.metrics = Some(Status::Below),
            Some("at-risk") => gates.metrics = Some(Status::AtRisk),
            Some(other) => {
                let hint = ctx.hint(other, GATE_STATUSES, || {
                    "write `below` (fail on metrics below their warn level) or `at-risk` (fail on \
                     metrics short of their target)"
                        .to_string()
                });
                ctx.error_hint(
                    n.loc,
                    format!("invalid metrics gate '{other}'; expected below or at-risk"),
                    hint,
                );
                clean = false;
            }
            None => clean = false,
        }
    }
    clean.then_some(gates)
}

/// `public:` (docs/public.md): `hide`, a list of what a public build leaves out, which
/// replaces the default of everything. `None` after an error.
fn read_public(ctx: &mut Ctx, node: &Node) -> Option<Hide> {
    let f = decode::fields(ctx, node, &["hide"], "public")?;
    let Some(n) = f.get("hide") else {
        return Some(Hide::default());
    };
    let list = decode::list(ctx, n, "hide")?;
    let mut clean = true;
    let mut hide = Hide::NONE;
    for n in list {
        let Some(name) = decode::string(ctx, n, "hide") else {
            clean = false;
            continue;
        };
        match Hidden::parse(&name) {
            Some(h) if hide.hides(h) => {
                ctx.error(n.loc, format!("'{name}' is listed twice in 'hide'"));
                clean = false;
            }
            Some(h) => hide = hide.with(h),
            None => {
                let hint = ctx.hint(&name, Hidden::names(), || {
                    format!(
                        "a public build can hide: {}",
                        Hidden::names().collect::<Vec<_>>().join(", ")
                    )
                });
                ctx.error_hint(
                    n.loc,
                    format!("unknown kind of value '{name}' in 'hide'"),
                    hint,
                );
                clean = false;
            }
        }
    }
    clean.then_some(hide)
}

/// Why `output:` cannot be the site's folder, if it cannot: the setting is part of the
/// workspace, which may come from anyone, so it must name a folder inside the workspace
/// (and not the workspace itself or one of its input folders), as written and after
/// following the symbolic links that exist.
fn output_problem(root: &Path, output: &str) -> Option<&'static str> {
    let path = Path::new(output);
    // A drive or a leading separator is outside whatever the workspace is; `\` is a
    // separator on Windows.
    let windows_absolute = output.starts_with('\\')
        || output.as_bytes().get(1) == Some(&b':') && output.as_bytes()[0].is_ascii_alphabetic();
    if path.is_absolute() || path.has_root() || windows_absolute {
        return Some("is an absolute path, outside the workspace");
    }
    let mut inside: Vec<&std::ffi::OsStr> = Vec::new();
    for c in path.components() {
        match c {
            Component::Normal(name) => inside.push(name),
            Component::CurDir => {}
            Component::ParentDir => {
                if inside.pop().is_none() {
                    return Some("is outside the workspace");
                }
            }
            Component::RootDir | Component::Prefix(_) => {
                return Some("is an absolute path, outside the workspace");
            }
        }
    }
    let Some(first) = inside.first() else {
        return Some("is the workspace itself");
    };
    if crate::output::INPUT_DIRS.iter().any(|d| first == d) {
        return Some("is inside one of the workspace's input folders");
    }
    // Following links: the longest part of the path that exists, resolved, must still be
    // inside the workspace, resolved.
    let root = root.canonicalize().ok()?;
    let mut existing = root.clone();
    let mut found = 0;
    for name in &inside {
        let next = existing.join(name);
        if std::fs::symlink_metadata(&next).is_err() {
            break;
        }
        existing = next;
        found += 1;
    }
    let whole = found == inside.len();
    match existing.canonicalize() {
        Ok(real) if real == root && whole => Some("leads back to the workspace itself"),
        Ok(real) if real.starts_with(&root) => None,
        Ok(_) => Some("leads outside the workspace through a symbolic link"),
        // A link that leads nowhere: the build would create its target, wherever it is.
        Err(_) => Some("leads outside the workspace through a symbolic link"),
    }
}

//! The pipeline from a workspace folder to a site, shared by `build` and `serve`: load and
//! check the workspace, score it, then render into a [`Sink`] — the output's staging folder
//! for `build`, memory for `serve`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::diag::{self, Diagnostic, Diagnostics, terminal_safe};
use crate::load::{ParseCache, load_cached};
use crate::model::Model;
use crate::render::{self, Plan, RenderError, SearchMemo, Sink, Site};
use crate::score::{self, AuditResult};
use crate::source::Sources;
use crate::templates::Templates;
use crate::workspace::IoError;

/// A valid workspace, scored and ready to render.
pub struct Prepared {
    pub model: Model,
    pub results: Vec<AuditResult>,
    pub templates: Arc<Templates>,
    /// Warnings found on the way.
    pub diags: Diagnostics,
    pub sources: Sources,
    /// How long loading (with checking) and scoring took.
    pub load_time: Duration,
    pub score_time: Duration,
}

/// A built site, with the warnings found on the way.
pub struct Built {
    pub site: Site,
    pub diags: Diagnostics,
    pub sources: Sources,
    /// The output folder the workspace asks for, relative to its root.
    pub output: PathBuf,
}

/// Why a build produced no site.
pub enum Failure {
    /// The workspace folder cannot be read.
    Io(IoError),
    /// The workspace or a template override has errors.
    Invalid {
        diags: Diagnostics,
        sources: Sources,
    },
    /// A template failed while rendering a page, or a page could not be written.
    Render(RenderError),
}

/// Which site a build makes: the whole one, or the public one, without what `public:` in
/// `auditbook.yaml` hides (docs/public.md).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Edition {
    #[default]
    Internal,
    Public,
}

/// Loads, checks and scores the workspace at `root`.
pub fn prepare(root: &Path) -> Result<Prepared, Failure> {
    prepare_edition(root, Edition::Internal)
}

/// [`prepare`] for the site `edition` names.
pub fn prepare_edition(root: &Path, edition: Edition) -> Result<Prepared, Failure> {
    prepare_cached(root, None, None, edition)
}

/// [`prepare_edition`], reusing what has not changed since `last` (for `serve`): the parsed
/// files of `cache`, and the templates of the last build.
pub fn prepare_cached(
    root: &Path,
    cache: Option<&ParseCache>,
    last: Option<&Prepared>,
    edition: Edition,
) -> Result<Prepared, Failure> {
    let started = Instant::now();
    // The templates are read and compiled on a thread of their own while the workspace
    // loads: they depend on nothing else, and much of loading runs on one core.
    let (loaded, templates) = std::thread::scope(|scope| {
        let templates = scope.spawn(|| Templates::load_reusing(root, last.map(|p| &p.templates)));
        let loaded = load_cached(root, cache);
        (loaded, templates.join())
    });
    let loaded = loaded.map_err(Failure::Io)?;
    let Some(mut model) = loaded.model else {
        return Err(Failure::Invalid {
            diags: loaded.diags,
            sources: loaded.sources,
        });
    };
    // Before anything is scored or rendered, so that no output can show a hidden value.
    if edition == Edition::Public {
        let hide = model.config.public;
        crate::public::redact(&mut model, hide);
    }
    let mut diags = loaded.diags;
    let templates = match templates.unwrap_or_else(|panic| std::panic::resume_unwind(panic)) {
        Ok((t, warnings)) => {
            warnings.into_iter().for_each(|d| diags.push(d));
            t
        }
        Err(problems) => {
            problems.into_iter().for_each(|d: Diagnostic| diags.push(d));
            return Err(Failure::Invalid {
                diags,
                sources: loaded.sources,
            });
        }
    };
    let load_time = started.elapsed();
    let started = Instant::now();
    let results = score::score_all(&model);
    Ok(Prepared {
        model,
        results,
        templates,
        diags,
        sources: loaded.sources,
        load_time,
        score_time: started.elapsed(),
    })
}

impl Prepared {
    /// Renders what `plan` names into `sink`.
    pub fn render(
        &self,
        plan: &Plan,
        memo: Option<&SearchMemo>,
        sink: &dyn Sink,
    ) -> Result<(), RenderError> {
        render::render_into(
            &self.model,
            &self.results,
            &self.templates,
            plan,
            memo,
            sink,
        )
    }
}

/// Builds the whole site in memory.
pub fn build_site(root: &Path) -> Result<Built, Failure> {
    build_edition(root, Edition::Internal)
}

/// [`build_site`] for the site `edition` names.
pub fn build_edition(root: &Path, edition: Edition) -> Result<Built, Failure> {
    let prepared = prepare_edition(root, edition)?;
    let sink = render::Collect::default();
    prepared
        .render(&Plan::All, None, &sink)
        .map_err(Failure::Render)?;
    Ok(Built {
        site: sink.into_site(),
        diags: prepared.diags,
        sources: prepared.sources,
        output: prepared.model.config.output.clone(),
    })
}

/// Why a build failed, as printed by `build` and `serve`: the diagnostics, then one line
/// saying what happened to the site. A failed build never touches the site already built.
pub fn failure_text(failure: &Failure) -> String {
    match failure {
        Failure::Io(e) => format!(
            "error: cannot read workspace {}\n",
            terminal_safe(&e.to_string())
        ),
        Failure::Invalid { diags, sources } => format!(
            "{}error: the workspace is invalid ({}); the previous site is left as it was\n",
            diag::render_human(diags, sources),
            diag::summary(diags)
        ),
        Failure::Render(e @ RenderError::Write(_)) => format!(
            "error: {}; the previous site is left as it was\n",
            terminal_safe(&e.to_string())
        ),
        Failure::Render(e) => format!(
            "error: {}\n  = hint: fix or delete the template override in templates/; the previous site is left as it was\n",
            terminal_safe(&e.to_string())
        ),
    }
}

/// What `check` finds: every problem `build` would stop at, with the file texts to quote.
pub struct Checked {
    pub diags: Diagnostics,
    pub sources: Sources,
    /// The model and its results when the workspace is valid, for the gates.
    pub scored: Option<(Model, Vec<AuditResult>)>,
}

/// Checks the workspace at `root` as far as `build` goes without writing: loads, checks and
/// scores it, loads the templates and, when the workspace overrides any, renders every page
/// into nothing, so that an override failing only on some page is found too. Errors only
/// when the folder cannot be read.
pub fn check(root: &Path) -> Result<Checked, IoError> {
    let mut scored = None;
    let (mut diags, mut sources) = match prepare(root) {
        Ok(prepared) => {
            // Only a template override can fail on the workspace's data: without one, the
            // pages are not rendered, which would double the time `check` takes.
            let rendered = if prepared.templates.has_overrides() {
                prepared.render(&Plan::All, None, &Discard)
            } else {
                Ok(())
            };
            let mut diags = prepared.diags;
            if let Err(e) = rendered {
                diags.push(crate::templates::render_diagnostic(&e));
            }
            scored = Some((prepared.model, prepared.results));
            (diags, prepared.sources)
        }
        Err(Failure::Io(e)) => return Err(e),
        Err(Failure::Invalid { diags, sources }) => (diags, sources),
        Err(Failure::Render(e)) => {
            let mut diags = Diagnostics::default();
            diags.push(crate::templates::render_diagnostic(&e));
            (diags, Sources::default())
        }
    };
    // Template files are read by the template loader, not as sources: read the ones that
    // have a problem so that it can be quoted.
    for d in diags.iter() {
        if d.file.starts_with("templates")
            && d.loc.line > 0
            && sources.get(&d.file).is_none()
            && let Ok(text) = crate::workspace::read_regular_to_string(&root.join(&d.file))
        {
            sources.insert(&d.file, text);
        }
    }
    diags.sort();
    Ok(Checked {
        diags,
        sources,
        scored,
    })
}

/// A sink that drops every file: `check` renders to find template errors, not to write.
struct Discard;

impl Sink for Discard {
    fn put(&self, _path: String, _bytes: &[u8]) -> Result<(), crate::site::OutputError> {
        Ok(())
    }
}

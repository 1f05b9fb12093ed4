//! The whole pipeline from a workspace folder to an in-memory site, shared by `build` and
//! `serve`.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Diagnostics};
use crate::load::load;
use crate::render::{self, RenderError, Site};
use crate::score;
use crate::source::Sources;
use crate::templates::Templates;
use crate::workspace::IoError;

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
    /// A template failed while rendering a page.
    Render(RenderError),
}

pub fn build_site(root: &Path) -> Result<Built, Failure> {
    let loaded = load(root).map_err(Failure::Io)?;
    let Some(model) = loaded.model else {
        return Err(Failure::Invalid {
            diags: loaded.diags,
            sources: loaded.sources,
        });
    };
    let templates = match Templates::load(root) {
        Ok(t) => t,
        Err(problems) => {
            let mut diags = loaded.diags;
            problems.into_iter().for_each(|d: Diagnostic| diags.push(d));
            return Err(Failure::Invalid {
                diags,
                sources: loaded.sources,
            });
        }
    };
    let results = score::score_all(&model);
    let site = render::render(&model, &results, &templates).map_err(Failure::Render)?;
    Ok(Built {
        site,
        diags: loaded.diags,
        sources: loaded.sources,
        output: model.config.output.clone(),
    })
}

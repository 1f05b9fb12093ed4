//! The shape of a built site, shared by the code that renders it (`render`, `templates`) and
//! the code that writes it (`output`, `serve`): the files of a [`Site`], the [`Sink`] that
//! takes them as they are made, the errors on the way, and the paths of the pages.
//!
//! This module depends on none of them, so each depends one way on it.

use std::collections::BTreeMap;
use std::io;
use std::path::PathBuf;
use std::sync::Mutex;

/// A built site: file paths (relative, with `/`) and their bytes, in path order.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Site {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Site {
    pub fn add(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), bytes.into());
    }

    pub fn page_count(&self) -> usize {
        self.files.keys().filter(|p| p.ends_with(".html")).count()
    }
}

/// Where rendered files go, from any thread: the output's staging folder for `build`, memory
/// for `serve` and tests.
pub trait Sink: Sync {
    /// Takes one file of the site; `path` is relative, with `/`.
    fn put(&self, path: String, bytes: &[u8]) -> Result<(), OutputError>;

    /// [`Sink::put`] for bytes made for this one file: a sink that keeps files in memory
    /// takes them as they are instead of copying them (a search index is megabytes).
    fn put_owned(&self, path: String, bytes: Vec<u8>) -> Result<(), OutputError> {
        self.put(path, &bytes)
    }
}

/// Collects a site in memory.
#[derive(Default)]
pub struct Collect(Mutex<Site>);

impl Collect {
    pub fn into_site(self) -> Site {
        self.0.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for Collect {
    fn put(&self, path: String, bytes: &[u8]) -> Result<(), OutputError> {
        self.put_owned(path, bytes.to_vec())
    }

    fn put_owned(&self, path: String, bytes: Vec<u8>) -> Result<(), OutputError> {
        let mut site = self.0.lock().unwrap_or_else(|e| e.into_inner());
        site.add(path, bytes);
        Ok(())
    }
}

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

/// Why a site could not be rendered.
#[derive(Debug)]
pub enum RenderError {
    /// A template failed: a workspace override that does not compile or render.
    Template { template: String, message: String },
    /// A rendered file could not be written.
    Write(OutputError),
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenderError::Template { template, message } => {
                write!(f, "template '{template}': {message}")
            }
            RenderError::Write(e) => write!(f, "cannot write the site: {e}"),
        }
    }
}

impl std::error::Error for RenderError {}

impl From<OutputError> for RenderError {
    fn from(e: OutputError) -> Self {
        RenderError::Write(e)
    }
}

/// The Content-Security-Policy of every page but the shareable report: nothing from other
/// hosts, scripts only from the site's own files.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'";
/// The report loads nothing at all: its styles are inline and it has no script.
pub const REPORT_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'";

/// "../" once per folder in `path`, so links from that page reach the root it is under.
pub fn up(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// The paths of pages, relative to the root of their language (docs/site.md).
pub mod paths {
    pub fn round(r: &str) -> String {
        format!("rounds/{r}/index.html")
    }
    pub fn audit(r: &str, a: &str) -> String {
        format!("rounds/{r}/{a}/index.html")
    }
    pub fn gaps(r: &str, a: &str) -> String {
        format!("rounds/{r}/{a}/gaps/index.html")
    }
    pub fn report(r: &str, a: &str) -> String {
        format!("rounds/{r}/{a}/report.html")
    }
    pub fn checklist(id: &str) -> String {
        format!("checklists/{id}/index.html")
    }
    pub fn checklist_version(id: &str, v: u32) -> String {
        format!("checklists/{id}/v{v}/index.html")
    }
    pub fn source(id: &str) -> String {
        format!("metrics/sources/{id}/index.html")
    }

    /// One item of a checklist across rounds, whichever versions it is in.
    pub fn item(checklist: &str, item: &str) -> String {
        format!("checklists/{checklist}/items/{item}/index.html")
    }

    pub const EXEMPTIONS: &str = "exemptions/index.html";

    // Data files and badges, relative to the root of the output folder: written once.

    pub fn round_csv(r: &str) -> String {
        format!("data/rounds/{r}.csv")
    }
    pub fn audit_csv(r: &str, a: &str) -> String {
        format!("data/rounds/{r}/{a}.csv")
    }
    /// The badge of a series: `badges/<checklist>/<subject>.svg`, and `badges/<checklist>.svg`
    /// for the organisation's series, so no subject id can take its place.
    pub fn badge(checklist: &str, subject: Option<&str>) -> String {
        match subject {
            Some(s) => format!("badges/{checklist}/{s}.svg"),
            None => format!("badges/{checklist}.svg"),
        }
    }
}

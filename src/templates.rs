//! The built-in templates and assets, compiled into the binary, and a workspace's
//! `templates/` overrides, which replace built-ins one file at a time.

mod expand;

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

use tera::{Context, Tera};

use crate::diag::Diagnostic;
use crate::site::RenderError;
use crate::source::Loc;

pub const STYLE: &str = include_str!("../templates/assets/style.css");
pub const SEARCH_JS: &str = include_str!("../templates/assets/search.js");
pub const ICON: &str = include_str!("../templates/assets/icon.svg");

/// Built-in templates by name. Names end in `.html`, so Tera escapes everything they print.
const BUILTIN: &[(&str, &str)] = &[
    (
        "components.html",
        include_str!("../templates/components.html"),
    ),
    ("base.html", include_str!("../templates/base.html")),
    (
        "dashboard.html",
        include_str!("../templates/dashboard.html"),
    ),
    ("rounds.html", include_str!("../templates/rounds.html")),
    ("round.html", include_str!("../templates/round.html")),
    ("audit.html", include_str!("../templates/audit.html")),
    ("gaps.html", include_str!("../templates/gaps.html")),
    ("report.html", include_str!("../templates/report.html")),
    (
        "checklists.html",
        include_str!("../templates/checklists.html"),
    ),
    (
        "checklist.html",
        include_str!("../templates/checklist.html"),
    ),
    ("item.html", include_str!("../templates/item.html")),
    ("metrics.html", include_str!("../templates/metrics.html")),
    ("source.html", include_str!("../templates/source.html")),
    (
        "exemptions.html",
        include_str!("../templates/exemptions.html"),
    ),
    ("redirect.html", include_str!("../templates/redirect.html")),
];

/// Parsed templates, ready to render pages. Parsed once per build.
pub struct Templates {
    tera: Tera,
    style: String,
    /// The stylesheet as a template value, made once: the report inlines it.
    style_value: tera::Value,
    /// The source of each template, to tell whether two loads are the same.
    sources: Vec<(String, String)>,
}

impl Templates {
    /// The built-in templates with the workspace's overrides from `root/templates/`, and
    /// warnings about overrides that are not read. A broken override is an error on its file.
    /// `previous` is reused when the workspace's template files are what they were, so that
    /// `serve` parses templates once rather than at every rebuild.
    pub fn load_reusing(
        root: &Path,
        previous: Option<&Arc<Templates>>,
    ) -> Result<(Arc<Templates>, Vec<Diagnostic>), Vec<Diagnostic>> {
        use crate::workspace::{Kind, kind_of, not_a_file};
        let dir = root.join("templates");
        let mut warnings = Vec::new();
        // Overrides are plain files inside the workspace; a link (to anywhere) is not read.
        let dir_ok = match kind_of(&dir) {
            Some(Kind::Dir) => true,
            Some(kind) => {
                warnings.push(not_a_file(Path::new("templates"), kind));
                false
            }
            None => false,
        };
        let mut is_file = |p: &Path| {
            if !dir_ok {
                return false;
            }
            match kind_of(p) {
                Some(Kind::File) => true,
                Some(kind) => {
                    let rel = p.strip_prefix(root).unwrap_or(p);
                    warnings.push(not_a_file(rel, kind));
                    false
                }
                None => false,
            }
        };
        let mut sources: Vec<(String, String)> = Vec::new();
        let mut problems = Vec::new();
        let mut merged_warnings = Vec::new();
        for (name, builtin) in BUILTIN {
            let custom = dir.join(name);
            let text = if is_file(&custom) {
                match crate::workspace::read_regular_to_string(&custom) {
                    Ok(t) => t,
                    Err(e) => {
                        problems.push(Diagnostic::error(
                            &Path::new("templates").join(name),
                            Loc::default(),
                            format!("cannot read template: {e}"),
                        ));
                        continue;
                    }
                }
            } else {
                (*builtin).to_string()
            };
            let text = match (*name == "components.html")
                .then(|| expand::with_missing_builtins(&text, builtin))
                .flatten()
            {
                Some((merged, added)) => {
                    let names = added.join("`, `");
                    merged_warnings.push(
                        Diagnostic::warning(
                            &Path::new("templates").join(name),
                            Loc::default(),
                            format!("no component `{names}` here: the built-in one is used"),
                        )
                        .with_hint_opt(Some(
                            "copy it from the built-in components.html (docs/site.md, \"Components\") to change it".to_string(),
                        )),
                    );
                    merged
                }
                None => text,
            };
            sources.push(((*name).to_string(), text));
        }
        let css = dir.join("assets/style.css");
        let style = match is_file(&css).then(|| crate::workspace::read_regular_to_string(&css)) {
            Some(Ok(css)) => css,
            _ => STYLE.to_string(),
        };
        warnings.append(&mut merged_warnings);
        if !problems.is_empty() {
            return Err(problems);
        }
        if let Some(previous) = previous
            && previous.sources == sources
            && previous.style == style
        {
            return Ok((previous.clone(), warnings));
        }
        let tera = compile(&sources).map_err(|e| vec![template_error(&e)])?;
        Ok((
            Arc::new(Templates {
                tera,
                style_value: tera::Value::from(style.as_str()),
                style,
                sources,
            }),
            warnings,
        ))
    }

    /// The built-in templates alone.
    pub fn builtin() -> Templates {
        let sources: Vec<(String, String)> = BUILTIN
            .iter()
            .map(|(n, t)| ((*n).to_string(), (*t).to_string()))
            .collect();
        Templates {
            tera: compile(&sources).expect("built-in templates compile"),
            style: STYLE.to_string(),
            style_value: tera::Value::from(STYLE),
            sources,
        }
    }

    /// Whether any template is the workspace's own rather than a built-in one. Only these
    /// can fail on a workspace's data: the built-in ones are tested on every kind of page.
    pub fn has_overrides(&self) -> bool {
        self.sources
            .iter()
            .zip(BUILTIN)
            .any(|((_, text), (_, builtin))| text != builtin)
    }

    /// Whether `other` was made from the same template sources and stylesheet.
    pub fn same_sources(&self, other: &Templates) -> bool {
        self.style == other.style && self.sources == other.sources
    }

    /// The stylesheet: the workspace's `templates/assets/style.css`, else the built-in one.
    pub fn style(&self) -> &str {
        &self.style
    }

    /// Renders a page into `out`. `data` and `strings` are converted to template values
    /// once by the caller and shared by every page that uses them.
    pub fn render(
        &self,
        name: &str,
        page: &impl serde::Serialize,
        data: &tera::Value,
        (strings, attr_strings): &(tera::Value, tera::Value),
        out: &mut Vec<u8>,
    ) -> Result<(), RenderError> {
        let mut ctx = Context::new();
        ctx.insert("page", page);
        ctx.insert_value("data", data.clone());
        ctx.insert_value("t", strings.clone());
        ctx.insert_value("ta", attr_strings.clone());
        if name == "report.html" {
            ctx.insert_value("style", self.style_value.clone());
        }
        // Pages are written as bytes: rendering into a buffer skips checking the UTF-8 of
        // a string that is only ever written out (Tera writes valid UTF-8).
        self.tera.render_to(name, &ctx, out).map_err(|e| {
            let (file, loc, message) = locate(&e);
            RenderError::Template {
                template: file.unwrap_or_else(|| name.to_string()),
                message: if loc.line > 0 {
                    format!("line {}, column {}: {message}", loc.line, loc.column)
                } else {
                    message
                },
            }
        })
    }
}

/// Parses the templates, with the components of `components.html` written in place of
/// their calls (see [`expand`]). Should the expanded text not compile where the text as
/// written does, the text as written is used: expansion only ever makes rendering faster.
/// The error is the one of the text as written, so its lines are the file's.
fn compile(sources: &[(String, String)]) -> Result<Tera, tera::Error> {
    let components = sources
        .iter()
        .find(|(name, _)| name == "components.html")
        .map(|(_, text)| expand::Components::parse(text))
        .unwrap_or_default();
    let expanded: Vec<(&str, Cow<str>)> = sources
        .iter()
        .map(|(name, text)| (name.as_str(), components.expand(text)))
        .collect();
    let mut tera = Tera::default();
    // Every printed value is cleaned and escaped in one place (docs/security.md).
    tera.set_escape_fn(crate::markdown::escape_html);
    if tera
        .add_raw_templates(expanded.iter().map(|(n, t)| (*n, &**t)))
        .is_ok()
    {
        return Ok(tera);
    }
    let mut tera = Tera::default();
    tera.set_escape_fn(crate::markdown::escape_html);
    tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))?;
    Ok(tera)
}

/// Where a Tera error is: the template file Tera names, the line and column, and the
/// message without Tera's quoted source (diagnostics quote the file themselves).
fn locate(e: &tera::Error) -> (Option<String>, Loc, String) {
    match e.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let span = report.span();
            let line = u32::try_from(span.start_line).unwrap_or(0);
            let column = u32::try_from(span.start_col.saturating_add(1)).unwrap_or(1);
            let width = if span.start_line == span.end_line {
                span.end_col.saturating_sub(span.start_col).max(1)
            } else {
                1
            };
            let file = Some(report.filename().to_string()).filter(|f| !f.is_empty());
            let loc = Loc::new(line, column, u32::try_from(width).unwrap_or(1));
            (file, loc, one_line_text(report.message()))
        }
        tera::ErrorKind::Msg(text) if let Some(located) = first_report(text) => located,
        _ => {
            // Errors without a report name the template in their text.
            let message = one_line(e);
            let file = BUILTIN
                .iter()
                .map(|(n, _)| *n)
                .find(|n| message.contains(n))
                .map(str::to_string);
            (file, Loc::default(), message)
        }
    }
}

/// The first of the reports Tera joins into one message (unknown filters, tests,
/// functions, blocks): `error: <message>` then ` --> <file>:<line>:<column>`.
fn first_report(text: &str) -> Option<(Option<String>, Loc, String)> {
    let mut lines = text.lines();
    let message = lines.next()?.strip_prefix("error: ")?;
    let (file, rest) = lines
        .next()?
        .trim_start()
        .strip_prefix("--> ")?
        .rsplit_once(':')?;
    let column: u32 = rest.trim().parse().ok()?;
    let (file, line) = file.rsplit_once(':')?;
    let loc = Loc::new(line.parse().ok()?, column, 1);
    Some((Some(file.to_string()), loc, one_line_text(message)))
}

const HINT: &str = "fix the template, or delete it to use the built-in one";

/// A template that does not compile, as a diagnostic at its file, line and column.
fn template_error(e: &tera::Error) -> Diagnostic {
    let (file, loc, message) = locate(e);
    Diagnostic::error(
        &Path::new("templates").join(file.unwrap_or_default()),
        loc,
        format!("template does not compile: {message}"),
    )
    .with_hint(HINT)
}

/// A page that failed to render, as a diagnostic at the template file, line and column
/// Tera gave (see [`Templates::render`]); a page that could not be written, as one on the
/// output.
pub fn render_diagnostic(e: &RenderError) -> Diagnostic {
    match e {
        RenderError::Template { template, message } => {
            let (loc, message) = message
                .strip_prefix("line ")
                .and_then(|rest| {
                    let (line, rest) = rest.split_once(", column ")?;
                    let (column, message) = rest.split_once(": ")?;
                    Some((
                        Loc::new(line.parse().ok()?, column.parse().ok()?, 1),
                        message,
                    ))
                })
                .unwrap_or((Loc::default(), message.as_str()));
            Diagnostic::error(
                &Path::new("templates").join(template),
                loc,
                format!("template fails to render: {message}"),
            )
            .with_hint(HINT)
        }
        RenderError::Write(e) => Diagnostic::error(
            Path::new(""),
            Loc::default(),
            format!("cannot write the site: {e}"),
        ),
    }
}

/// A Tera error and its causes on one line.
fn one_line(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    one_line_text(&parts.join(": "))
}

fn one_line_text(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rendering is as fast as hand-written markup only while every call is expanded.
    #[test]
    fn every_component_call_of_the_builtin_pages_is_expanded() {
        let components = expand::Components::parse(BUILTIN[0].1);
        for (name, text) in &BUILTIN[1..] {
            let expanded = components.expand(text);
            assert!(
                !expanded.contains("{{ <"),
                "{name}: a call is left to Tera: {expanded}"
            );
        }
        let tera = compile(
            &BUILTIN
                .iter()
                .map(|(n, t)| ((*n).to_string(), (*t).to_string()))
                .collect::<Vec<_>>(),
        );
        assert!(tera.is_ok());
        assert!(!Templates::builtin().has_overrides());
    }

    #[test]
    fn templates_are_parsed_again_only_when_their_files_change() {
        let tmp = tempfile::tempdir().expect("tmp");
        let root = tmp.path();
        let (first, _) = Templates::load_reusing(root, None).expect("the built-ins");
        let (same, _) = Templates::load_reusing(root, Some(&first)).expect("unchanged");
        assert!(
            Arc::ptr_eq(&first, &same),
            "unchanged templates were parsed again"
        );

        std::fs::create_dir_all(root.join("templates/assets")).expect("mkdir");
        std::fs::write(
            root.join("templates/assets/style.css"),
            "body { color: red }",
        )
        .expect("write");
        let (styled, _) = Templates::load_reusing(root, Some(&same)).expect("a stylesheet");
        assert!(!Arc::ptr_eq(&same, &styled));
        assert_eq!(styled.style(), "body { color: red }");

        std::fs::write(
            root.join("templates/redirect.html"),
            "<p>{{ page.title }}</p>",
        )
        .expect("write");
        let (overridden, _) = Templates::load_reusing(root, Some(&styled)).expect("an override");
        assert!(!Arc::ptr_eq(&styled, &overridden));
        assert!(!overridden.same_sources(&styled));
        let (again, _) = Templates::load_reusing(root, Some(&overridden)).expect("unchanged");
        assert!(Arc::ptr_eq(&overridden, &again));
    }
}

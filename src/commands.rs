//! The commands of the command line, each a small function over the library: what `cli`
//! calls once it has parsed the arguments. They print and return the exit status.

use std::io::Write as _;
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use crate::analysis::{self, Gate};
use crate::diag::{self, Diagnostic, Format, Severity, terminal_safe};
use crate::metrics::{Status, Unit};
use crate::model::Model;
use crate::source::{Loc, Sources};
use crate::{build, output, render, score};

/// Exit statuses: 0 success, 1 invalid input, 2 usage or I/O error.
pub const EXIT_INVALID: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

/// `check`: everything `build` would stop at, printed in `format`; with `gates`, also the
/// gates of `auditbook.yaml` (docs/format.md, "Gates").
pub fn check(dir: &Path, format: Format, strict: bool, gates: bool) -> ExitCode {
    let mut checked = match build::check(dir) {
        Ok(c) => c,
        Err(e) => return fail(&format!("cannot read workspace {e}"), EXIT_USAGE),
    };
    // Gates judge results, so they apply only to a workspace without errors.
    if gates
        && !checked.diags.has_errors()
        && let Some((model, results)) = &checked.scored
    {
        for d in gate_diagnostics(model, results, &checked.sources) {
            checked.diags.push(d);
        }
        checked.diags.sort();
    }
    let diags = &checked.diags;
    let failed = diags.has_errors() || (strict && diags.count(Severity::Warning) > 0);
    match format {
        Format::Human => {
            let summary = diag::summary(diags);
            let last = if failed {
                format!("error: check failed: {summary}\n")
            } else {
                format!("checked {}: {summary}\n", diag::display_path(dir))
            };
            let text = diag::render_human(diags, &checked.sources) + &last;
            let _ = std::io::stderr().lock().write_all(text.as_bytes());
        }
        // Annotations name files from the current folder, where GitHub looks for them.
        Format::Github => print(&diag::render_github_at(diags, &from_current_dir(dir))),
        Format::Json => print(&diag::render_json(diags)),
    }
    status(failed)
}

/// `build`: the site `edition` names, written into `out` (default: the workspace's output
/// folder).
pub fn build(dir: &Path, out: Option<&Path>, timings: bool, edition: build::Edition) -> ExitCode {
    let started = Instant::now();
    let prepared = match build::prepare_edition(dir, edition) {
        Ok(p) => p,
        Err(failure) => return build_failed(&failure),
    };
    let _ = std::io::stderr()
        .write_all(diag::render_human(&prepared.diags, &prepared.sources).as_bytes());
    let out = out.map_or_else(
        || dir.join(&prepared.model.config.output),
        Path::to_path_buf,
    );
    let target = match output::check_out_dir(dir, &out) {
        Ok(t) => t,
        Err(e) => {
            let mut text = e.to_string();
            if let output::OutputError::Refused { hint, .. } = &e {
                text = format!("{text}\n  = hint: {hint}");
            }
            return fail(&text, EXIT_USAGE);
        }
    };
    // Pages are written as they are rendered, into a folder beside the output that is
    // swapped in only when complete: a failure removes it and keeps the previous site.
    let rendering = Instant::now();
    let staging = match output::Staging::begin(&target, output::LOCK_WAIT) {
        Ok(s) => s,
        Err(e) => return fail(&format!("cannot write the site: {e}"), EXIT_USAGE),
    };
    if let Err(e) = prepared.render(&render::Plan::All, None, &staging) {
        drop(staging);
        return build_failed(&build::Failure::Render(e));
    }
    let (files, pages) = staging.counts();
    let reused = staging.reused();
    let rendered = rendering.elapsed();
    let swapping = Instant::now();
    if let Err(e) = staging.commit() {
        return fail(&format!("cannot write the site: {e}"), EXIT_USAGE);
    }
    if timings {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        eprintln!(
            "timings: load and check {:.1} ms, score {:.1} ms, render and write {:.1} ms \
             ({reused} of {files} files unchanged, linked from the previous site), swap in {:.1} ms",
            ms(prepared.load_time),
            ms(prepared.score_time),
            ms(rendered),
            ms(swapping.elapsed())
        );
    }
    let public = match edition {
        build::Edition::Public => format!(
            "; public: left out {}",
            prepared.model.config.left_out.describe()
        ),
        build::Edition::Internal => String::new(),
    };
    eprintln!(
        "built {pages} pages ({files} files) into {} in {} ms{public}",
        diag::display_path(&out),
        started.elapsed().as_millis()
    );
    ExitCode::SUCCESS
}

/// `score`: the results of every audit, or of one round (`latest`: the newest), as a table
/// for people or, with `json`, in full as JSON.
pub fn score(dir: &Path, round: Option<&str>, json: bool) -> ExitCode {
    let model = match valid_model(dir) {
        Ok(model) => model,
        Err(code) => return code,
    };
    let round = match round.map(|name| (name, model.round_arg(name))) {
        None => None,
        Some((_, Some(r))) => Some(r.id.as_str()),
        Some((name, None)) => {
            let ids: Vec<&str> = model.rounds.iter().map(|r| r.id.as_str()).collect();
            let text = if ids.is_empty() {
                format!("no round '{name}'; the workspace has no rounds")
            } else {
                format!(
                    "no round '{name}'; the rounds are: {}, or `latest` for the newest",
                    ids.join(", ")
                )
            };
            return fail(&text, EXIT_USAGE);
        }
    };
    let mut results = score::score_all(&model);
    if let Some(id) = round {
        results.retain(|r| r.round == id);
    }
    if !json {
        print(&score_table(&results));
        return ExitCode::SUCCESS;
    }
    match serde_json::to_string_pretty(&results) {
        Ok(s) => {
            print(&(diag::json_terminal_safe(&s).into_owned() + "\n"));
            ExitCode::SUCCESS
        }
        Err(e) => fail(&format!("cannot write results: {e}"), EXIT_USAGE),
    }
}

/// Prints why a build failed (see [`build::failure_text`]) and gives its exit status.
fn build_failed(failure: &build::Failure) -> ExitCode {
    let _ = std::io::stderr().write_all(build::failure_text(failure).as_bytes());
    ExitCode::from(match failure {
        build::Failure::Invalid { .. }
        | build::Failure::Render(render::RenderError::Template { .. }) => EXIT_INVALID,
        build::Failure::Io(_) | build::Failure::Render(render::RenderError::Write(_)) => EXIT_USAGE,
    })
}

/// Prints `error: <text>`, with what a terminal would act on escaped, and gives `code`.
/// The workspace at `dir`, for commands that print results: when it cannot be read or is
/// invalid, its problems are printed and the exit status to end with is returned instead.
pub(crate) fn valid_model(dir: &Path) -> Result<crate::model::Model, ExitCode> {
    let loaded = match crate::load(dir) {
        Ok(l) => l,
        Err(e) => return Err(fail(&format!("cannot read workspace {e}"), EXIT_USAGE)),
    };
    let Some(model) = loaded.model else {
        let text = diag::render_human(&loaded.diags, &loaded.sources);
        let _ = std::io::stderr().write_all(text.as_bytes());
        let summary = diag::summary(&loaded.diags);
        return Err(fail(
            &format!("the workspace is invalid: {summary}"),
            EXIT_INVALID,
        ));
    };
    Ok(model)
}

pub(crate) fn fail(text: &str, code: u8) -> ExitCode {
    eprintln!("error: {}", terminal_safe(text));
    ExitCode::from(code)
}

fn print(text: &str) {
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

fn status(failed: bool) -> ExitCode {
    if failed {
        ExitCode::from(EXIT_INVALID)
    } else {
        ExitCode::SUCCESS
    }
}

/// `dir` as seen from the current folder: itself when relative, relative when inside the
/// current folder, without `.` parts.
fn from_current_dir(dir: &Path) -> PathBuf {
    let relative = match std::env::current_dir() {
        Ok(cwd) if dir.is_absolute() => dir.strip_prefix(&cwd).unwrap_or(dir),
        _ => dir,
    };
    relative
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}

/// The score without exemptions, after the one with them, where the two differ.
fn raw_note(raw: Option<f64>) -> String {
    raw.map_or_else(String::new, |r| {
        format!(" with exemptions ({r:.1} without)")
    })
}

/// The failed gates of `model` as errors at the audit files (docs/format.md, "Gates"): what
/// failed, by how much, and the threshold, with a hint naming the setting.
fn gate_diagnostics(
    model: &Model,
    results: &[score::AuditResult],
    sources: &Sources,
) -> Vec<Diagnostic> {
    analysis::gates(model, results)
        .into_iter()
        .map(|failure| {
            let (a, r) = (failure.audit, failure.result);
            let name = format!("{} ({})", a.id, a.round);
            let (message, hint, loc) = match failure.gate {
                Gate::MinScore {
                    score,
                    minimum,
                    raw,
                } => (
                    format!(
                        "gate min-score: {name} scores {score:.1}{}, {:.1} below the minimum {minimum}",
                        raw_note(raw),
                        minimum - score
                    ),
                    "the minimum is `gates: min-score` in auditbook.yaml".to_string(),
                    Loc::start(),
                ),
                Gate::Regression {
                    score,
                    previous,
                    allowed,
                    raw,
                } => {
                    let before = r
                        .previous
                        .as_ref()
                        .map(|p| format!("{} ({})", p.audit, p.round))
                        .unwrap_or_default();
                    (
                        format!(
                            "gate no-regression: {name} scores {score:.1}{}, {:.1} below {previous:.1} \
                             in {before}; at most {allowed} allowed",
                            raw_note(raw),
                            previous - score
                        ),
                        "the largest drop allowed is `gates: no-regression` in auditbook.yaml"
                            .to_string(),
                        Loc::start(),
                    )
                }
                Gate::Metric { metric, failing } => {
                    let unit = model.metric(&metric.id).map(|m| m.unit);
                    let value = metric_value(metric.value, unit);
                    let short = match metric.target {
                        Some(t) => format!(
                            ", {} short of the target {}",
                            metric_difference((t - metric.value).abs(), unit),
                            metric_value(t, unit)
                        ),
                        None => String::new(),
                    };
                    let fails = match failing {
                        Status::AtRisk => "at-risk or below",
                        _ => "below",
                    };
                    (
                        format!(
                            "gate metrics: {name} has {} {}: {value}{short} (taken {})",
                            metric.id,
                            metric.status.as_str(),
                            metric.taken
                        ),
                        format!(
                            "`gates: metrics: {}` in auditbook.yaml fails on metrics {fails}",
                            failing.as_str()
                        ),
                        date_line(sources, &a.file),
                    )
                }
            };
            Diagnostic::error(&a.file, loc, message).with_hint(hint)
        })
        .collect()
}

/// Where an audit file sets its `date:` (which picks the audit's metric snapshots), else
/// its start.
fn date_line(sources: &Sources, file: &Path) -> Loc {
    sources
        .get(file)
        .and_then(|text| text.split('\n').position(|l| l.starts_with("date:")))
        .and_then(|i| u32::try_from(i + 1).ok())
        .map_or_else(Loc::start, |line| Loc::new(line, 1, 4))
}

/// A metric value as the gates print it: one decimal, with its unit; durations in whole
/// seconds.
fn metric_value(v: f64, unit: Option<Unit>) -> String {
    match unit {
        Some(Unit::Percent) => format!("{v:.1}%"),
        Some(Unit::Duration) => format!("{v:.0} s"),
        _ => format!("{v:.1}"),
    }
}

/// How far a metric value is from its target, as the gates print it: percentages differ by
/// points.
fn metric_difference(v: f64, unit: Option<Unit>) -> String {
    match unit {
        Some(Unit::Percent) => format!("{v:.1} points"),
        _ => metric_value(v, unit),
    }
}

/// `score` without `--json`: one line per audit with aligned columns, numbers to one
/// decimal, `-` where there is none. When an exemption changes any score, a last column gives
/// each audit's score without exemptions (`raw`).
fn score_table(results: &[score::AuditResult]) -> String {
    const HEADER: [&str; 8] = [
        "round",
        "audit",
        "subject",
        "score",
        "target",
        "status",
        "completion",
        "without exemptions",
    ];
    /// Columns of numbers are aligned right.
    const RIGHT: [bool; 8] = [false, false, false, true, true, false, true, true];
    let with_raw = results.iter().any(|r| r.raw.score != r.score);
    let columns = if with_raw { 8 } else { 7 };
    let number = |v: Option<f64>| v.map_or_else(|| "-".to_string(), |v| format!("{v:.1}"));
    let mut rows: Vec<[String; 8]> = vec![HEADER.map(str::to_string)];
    for r in results {
        rows.push([
            terminal_safe(&r.round).into_owned(),
            terminal_safe(&r.audit).into_owned(),
            r.subject
                .as_deref()
                .map_or_else(|| "-".to_string(), |s| terminal_safe(s).into_owned()),
            number(r.score),
            number(r.target),
            match r.status {
                Status::Untracked => "-".to_string(),
                s => s.as_str().to_string(),
            },
            number(Some(r.completion)),
            number(r.raw.score),
        ]);
    }
    let mut widths = [0usize; 8];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(&row[..columns]) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (i, cell) in row[..columns].iter().enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            let pad = " ".repeat(widths[i] - cell.chars().count());
            if RIGHT[i] {
                line.push_str(&pad);
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&pad);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_folders_are_named_from_the_current_folder() {
        assert_eq!(from_current_dir(Path::new(".")), PathBuf::new());
        assert_eq!(
            from_current_dir(Path::new("./docs/audits")),
            Path::new("docs/audits")
        );
        let cwd = std::env::current_dir().expect("a current folder");
        assert_eq!(from_current_dir(&cwd.join("ws")), Path::new("ws"));
        assert_eq!(
            from_current_dir(Path::new("/elsewhere")),
            Path::new("/elsewhere")
        );
    }
}

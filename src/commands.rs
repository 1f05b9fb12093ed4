//! The commands of the command line, each a small function over the library: what `cli`
//! calls once it has parsed the arguments. They print and return the exit status.

use std::io::Write as _;
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use crate::diag::{self, Format, Severity, terminal_safe};
use crate::{build, output, render, score};

/// Exit statuses: 0 success, 1 invalid input, 2 usage or I/O error.
pub const EXIT_INVALID: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

/// `check`: everything `build` would stop at, printed in `format`.
pub fn check(dir: &Path, format: Format, strict: bool) -> ExitCode {
    let checked = match build::check(dir) {
        Ok(c) => c,
        Err(e) => return fail(&format!("cannot read workspace {e}"), EXIT_USAGE),
    };
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

/// `build`: the site, written into `out` (default: the workspace's output folder).
pub fn build(dir: &Path, out: Option<&Path>, timings: bool) -> ExitCode {
    let started = Instant::now();
    let prepared = match build::prepare(dir) {
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
    let rendered = rendering.elapsed();
    let swapping = Instant::now();
    if let Err(e) = staging.commit() {
        return fail(&format!("cannot write the site: {e}"), EXIT_USAGE);
    }
    if timings {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        eprintln!(
            "timings: load and check {:.1} ms, score {:.1} ms, render and write {:.1} ms, swap in {:.1} ms",
            ms(prepared.load_time),
            ms(prepared.score_time),
            ms(rendered),
            ms(swapping.elapsed())
        );
    }
    eprintln!(
        "built {pages} pages ({files} files) into {} in {} ms",
        diag::display_path(&out),
        started.elapsed().as_millis()
    );
    ExitCode::SUCCESS
}

/// `score --json`: the results of every audit, or of one round, as JSON.
pub fn score(dir: &Path, round: Option<&str>, json: bool) -> ExitCode {
    if !json {
        return fail("`score` prints JSON only: add --json", EXIT_USAGE);
    }
    let loaded = match crate::load(dir) {
        Ok(l) => l,
        Err(e) => return fail(&format!("cannot read workspace {e}"), EXIT_USAGE),
    };
    let Some(model) = loaded.model else {
        let text = diag::render_human(&loaded.diags, &loaded.sources);
        let _ = std::io::stderr().write_all(text.as_bytes());
        let summary = diag::summary(&loaded.diags);
        return fail(
            &format!("the workspace is invalid: {summary}"),
            EXIT_INVALID,
        );
    };
    if let Some(id) = round
        && model.round(id).is_none()
    {
        let ids: Vec<&str> = model.rounds.iter().map(|r| r.id.as_str()).collect();
        let text = format!("no round '{id}'; the rounds are: {}", ids.join(", "));
        return fail(&text, EXIT_USAGE);
    }
    let mut results = score::score_all(&model);
    if let Some(id) = round {
        results.retain(|r| r.round == id);
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
fn fail(text: &str, code: u8) -> ExitCode {
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

//! The command line: argument parsing and the commands, each a thin call into the library.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::analysis::{self, Gate};
use crate::diag::{self, Diagnostic, Format, Severity};
use crate::load::{Loaded, load};
use crate::metrics::{Status, Unit};
use crate::model::Model;
use crate::source::{Loc, Sources};
use crate::{build, output, render, score};

#[derive(Debug, Parser)]
#[command(
    name = "auditbook",
    version = env!("AUDITBOOK_VERSION"),
    about = "Build a static site of audit results from YAML checklists, answers and metrics"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate the workspace and report every problem
    Check {
        /// The workspace folder
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// How to print diagnostics
        #[arg(long, value_enum, default_value_t = FormatArg::Human)]
        format: FormatArg,
        /// Fail on warnings too
        #[arg(long)]
        strict: bool,
        /// Do not apply the gates of auditbook.yaml
        #[arg(long)]
        no_gates: bool,
    },
    /// Build the static site
    Build {
        /// The workspace folder
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Output folder (default: `output` in auditbook.yaml, else `site`)
        #[arg(long)]
        out: Option<PathBuf>,
        /// Print how long each step took
        #[arg(long)]
        timings: bool,
    },
    /// Serve the site locally, rebuilding and reloading on every change
    Serve {
        /// The workspace folder
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Port to listen on
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// Address to listen on; only this machine can connect to the default
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default browser once it is served
        #[arg(long)]
        open: bool,
    },
    /// Print audit results: a table, or every score, gap and metric as JSON
    Score {
        /// The workspace folder
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Only this round (`latest`: the newest)
        #[arg(long)]
        round: Option<String>,
        /// Print the full results as JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Write a new workspace that checks clean and builds, with CI workflows
    Init {
        /// The folder to create the workspace in (empty or absent)
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Site languages, the default first (comma-separated)
        #[arg(long, value_delimiter = ',', default_value = "en")]
        languages: Vec<String>,
    },
    /// Print the JSON Schema of a file kind, for editors
    Schema {
        /// The file kind
        #[arg(value_parser = clap::builder::PossibleValuesParser::new(crate::schema::KINDS))]
        kind: String,
    },
    /// Print a shell completion script
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff)
    Man,
    /// Compare the workspace at a git revision with the working tree
    Diff {
        /// The workspace folder
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The git revision to compare with (a branch, tag or commit)
        #[arg(long)]
        base: String,
        /// How to print the changes
        #[arg(long, value_enum, default_value_t = crate::diff::Format::Markdown)]
        format: crate::diff::Format,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Human,
    Json,
    Github,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Human => Format::Human,
            FormatArg::Json => Format::Json,
            FormatArg::Github => Format::Github,
        }
    }
}

/// Exit statuses: 0 success, 1 invalid input, 2 usage or I/O error.
pub const EXIT_INVALID: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Check {
            dir,
            format,
            strict,
            no_gates,
        } => check(&dir, format.into(), strict, !no_gates),
        Command::Build { dir, out, timings } => build(&dir, out.as_deref(), timings),
        Command::Serve {
            dir,
            port,
            bind,
            open,
        } => match crate::serve::serve(&dir, &crate::serve::Options { bind, port, open }) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(EXIT_USAGE)
            }
        },
        Command::Score { dir, round, json } => score(&dir, round.as_deref(), json),
        Command::Init { dir, languages } => crate::init::run(&dir, &languages),
        Command::Schema { kind } => crate::schema::run(&kind),
        Command::Completions { shell } => crate::manual::completions(shell),
        Command::Man => crate::manual::man(),
        Command::Diff { dir, base, format } => crate::diff::command(&dir, &base, format),
    }
}

fn load_or_report(dir: &std::path::Path) -> Result<Loaded, ExitCode> {
    load(dir).map_err(|e| {
        eprintln!("error: cannot read workspace {e}");
        ExitCode::from(EXIT_USAGE)
    })
}

fn check(dir: &std::path::Path, format: Format, strict: bool, gates: bool) -> ExitCode {
    let mut loaded = match load_or_report(dir) {
        Ok(l) => l,
        Err(code) => return code,
    };
    // Gates judge results, so they apply only to a workspace without errors.
    if gates && let Some(model) = &loaded.model {
        let results = score::score_all(model);
        for d in gate_diagnostics(model, &results, &loaded.sources) {
            loaded.diags.push(d);
        }
        loaded.diags.sort();
    }
    let failed = loaded.diags.has_errors() || (strict && loaded.diags.count(Severity::Warning) > 0);
    match format {
        Format::Human => {
            let mut err = std::io::stderr().lock();
            let _ = err.write_all(diag::render_human(&loaded.diags, &loaded.sources).as_bytes());
            let summary = diag::summary(&loaded.diags);
            let _ = if failed {
                writeln!(err, "error: check failed: {summary}")
            } else {
                writeln!(err, "checked {}: {summary}", dir.display())
            };
        }
        other => {
            let _ = std::io::stdout()
                .write_all(diag::render(&loaded.diags, &loaded.sources, other).as_bytes());
        }
    }
    if failed {
        ExitCode::from(EXIT_INVALID)
    } else {
        ExitCode::SUCCESS
    }
}

fn score(dir: &std::path::Path, round: Option<&str>, json: bool) -> ExitCode {
    let loaded = match load_or_report(dir) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let Some(model) = loaded.model else {
        let _ = std::io::stderr()
            .write_all(diag::render_human(&loaded.diags, &loaded.sources).as_bytes());
        eprintln!(
            "error: the workspace is invalid: {}",
            diag::summary(&loaded.diags)
        );
        return ExitCode::from(EXIT_INVALID);
    };
    let round = match round.map(|name| (name, model.round_arg(name))) {
        None => None,
        Some((_, Some(r))) => Some(r.id.as_str()),
        Some((name, None)) => {
            let ids: Vec<&str> = model.rounds.iter().map(|r| r.id.as_str()).collect();
            let name = terminal_safe(name);
            if ids.is_empty() {
                eprintln!("error: no round '{name}'; the workspace has no rounds");
            } else {
                eprintln!(
                    "error: no round '{name}'; the rounds are: {}, or `latest` for the newest",
                    ids.join(", ")
                );
            }
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let mut results = score::score_all(&model);
    if let Some(id) = round {
        results.retain(|r| r.round == id);
    }
    if !json {
        let _ = std::io::stdout()
            .lock()
            .write_all(score_table(&results).as_bytes());
        return ExitCode::SUCCESS;
    }
    match serde_json::to_string_pretty(&results) {
        Ok(s) => {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{s}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot write results: {e}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn build(dir: &std::path::Path, out: Option<&std::path::Path>, timings: bool) -> ExitCode {
    let started = std::time::Instant::now();
    let prepared = match build::prepare(dir) {
        Ok(p) => p,
        Err(failure) => return report_failure(failure),
    };
    let _ = std::io::stderr()
        .write_all(diag::render_human(&prepared.diags, &prepared.sources).as_bytes());
    let out = match out {
        Some(o) => o.to_path_buf(),
        None => dir.join(&prepared.model.config.output),
    };
    let target = match output::check_out_dir(dir, &out) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            if let output::OutputError::Refused { hint, .. } = &e {
                eprintln!("  = hint: {hint}");
            }
            return ExitCode::from(EXIT_USAGE);
        }
    };
    // Pages are written as they are rendered, into a folder beside the output that is
    // swapped in only when complete: a failure removes it and keeps the previous site.
    let rendering = std::time::Instant::now();
    let staging = match output::Staging::begin(&target, output::LOCK_WAIT) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot write the site: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    if let Err(e) = prepared.render(&render::Plan::All, None, &staging) {
        drop(staging);
        return report_failure(build::Failure::Render(e));
    }
    let (files, pages) = staging.counts();
    let rendered = rendering.elapsed();
    let swapping = std::time::Instant::now();
    if let Err(e) = staging.commit() {
        eprintln!("error: cannot write the site: {e}");
        return ExitCode::from(EXIT_USAGE);
    }
    if timings {
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
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
        out.display(),
        started.elapsed().as_millis()
    );
    ExitCode::SUCCESS
}

/// Prints why a build failed and gives its exit status. The previous site is never touched
/// before a build has succeeded, so every message can say so.
fn report_failure(failure: build::Failure) -> ExitCode {
    match failure {
        build::Failure::Io(e) => {
            eprintln!("error: cannot read workspace {e}");
            ExitCode::from(EXIT_USAGE)
        }
        build::Failure::Invalid { diags, sources } => {
            let _ = std::io::stderr().write_all(diag::render_human(&diags, &sources).as_bytes());
            eprintln!(
                "error: the workspace is invalid ({}); the previous site is left as it was",
                diag::summary(&diags)
            );
            ExitCode::from(EXIT_INVALID)
        }
        build::Failure::Render(e @ render::RenderError::Write(_)) => {
            eprintln!("error: {e}; the previous site is left as it was");
            ExitCode::from(EXIT_USAGE)
        }
        build::Failure::Render(e) => {
            eprintln!("error: {e}");
            eprintln!(
                "  = hint: fix or delete the template override in templates/; the previous site is left as it was"
            );
            ExitCode::from(EXIT_INVALID)
        }
    }
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
                Gate::MinScore { score, minimum } => (
                    format!(
                        "gate min-score: {name} scores {score:.1}, {:.1} below the minimum {minimum}",
                        minimum - score
                    ),
                    "the minimum is `gates: min-score` in auditbook.yaml".to_string(),
                    Loc::start(),
                ),
                Gate::Regression {
                    score,
                    previous,
                    allowed,
                } => {
                    let before = r
                        .previous
                        .as_ref()
                        .map(|p| format!("{} ({})", p.audit, p.round))
                        .unwrap_or_default();
                    (
                        format!(
                            "gate no-regression: {name} scores {score:.1}, {:.1} below {previous:.1} \
                             in {before}; at most {allowed} allowed",
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
fn date_line(sources: &Sources, file: &std::path::Path) -> Loc {
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
/// decimal, `-` where there is none.
fn score_table(results: &[score::AuditResult]) -> String {
    const HEADER: [&str; 7] = [
        "round",
        "audit",
        "subject",
        "score",
        "target",
        "status",
        "completion",
    ];
    /// Columns of numbers are aligned right.
    const RIGHT: [bool; 7] = [false, false, false, true, true, false, true];
    let number = |v: Option<f64>| v.map_or_else(|| "-".to_string(), |v| format!("{v:.1}"));
    let mut rows: Vec<[String; 7]> = vec![HEADER.map(str::to_string)];
    for r in results {
        rows.push([
            terminal_safe(&r.round),
            terminal_safe(&r.audit),
            r.subject
                .as_deref()
                .map_or_else(|| "-".to_string(), terminal_safe),
            number(r.score),
            number(r.target),
            match r.status {
                Status::Untracked => "-".to_string(),
                s => s.as_str().to_string(),
            },
            number(Some(r.completion)),
        ]);
    }
    let mut widths = [0usize; 7];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
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

/// Text from input made safe to print on a terminal: control characters and bidirectional
/// overrides written as escapes such as `\u{1b}`.
fn terminal_safe(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control()
            || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

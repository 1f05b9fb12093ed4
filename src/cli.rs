//! The command line: the arguments, parsed, and a call of the command they name (the
//! commands themselves are in [`crate::commands`]).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::build::Edition;
use crate::commands;
use crate::diag::Format;

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
        /// Build the public site: without what `public: hide` in auditbook.yaml lists
        /// (notes, evidence, owners, auditors, agents and tickets by default)
        #[arg(long)]
        public: bool,
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
        /// Serve the public site, as `build --public` writes it
        #[arg(long)]
        public: bool,
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
    /// Print every metric snapshot, written and computed from sources, as JSON
    Metrics {
        /// The workspace folder
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Print JSON (the only output format)
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

pub use crate::commands::{EXIT_INVALID, EXIT_USAGE};

/// The edition `--public` asks for.
fn edition(public: bool) -> Edition {
    if public {
        Edition::Public
    } else {
        Edition::Internal
    }
}

/// Runs the command `cli` names.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Check {
            dir,
            format,
            strict,
            no_gates,
        } => commands::check(&dir, format.into(), strict, !no_gates),
        Command::Build {
            dir,
            out,
            timings,
            public,
        } => commands::build(&dir, out.as_deref(), timings, edition(public)),
        Command::Serve {
            dir,
            port,
            bind,
            open,
            public,
        } => match crate::serve::serve(
            &dir,
            &crate::serve::Options {
                bind,
                port,
                open,
                edition: edition(public),
            },
        ) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {}", crate::diag::terminal_safe(&e));
                ExitCode::from(EXIT_USAGE)
            }
        },
        Command::Score { dir, round, json } => commands::score(&dir, round.as_deref(), json),
        Command::Metrics { dir, json } => crate::metrics_json::command(&dir, json),
        Command::Init { dir, languages } => crate::init::run(&dir, &languages),
        Command::Schema { kind } => crate::schema::run(&kind),
        Command::Completions { shell } => crate::manual::completions(shell),
        Command::Man => crate::manual::man(),
        Command::Diff { dir, base, format } => crate::diff::command(&dir, &base, format),
    }
}

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    auditbook::cli::run(auditbook::cli::Cli::parse())
}

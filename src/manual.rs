//! Shell completion scripts and the man page, generated from the command-line definition so
//! they never drift from what the parser accepts.

use std::io::Write as _;
use std::process::ExitCode;

use clap::CommandFactory as _;

use crate::cli::{Cli, EXIT_USAGE};

/// `auditbook completions SHELL`: the completion script on stdout.
pub fn completions(shell: clap_complete::Shell) -> ExitCode {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "auditbook", &mut out);
    print(&out)
}

/// `auditbook man`: the roff man page on stdout (`auditbook man > auditbook.1`).
pub fn man() -> ExitCode {
    let mut out = Vec::new();
    if let Err(e) = clap_mangen::Man::new(Cli::command()).render(&mut out) {
        eprintln!("error: cannot write the man page: {e}");
        return ExitCode::from(EXIT_USAGE);
    }
    print(&out)
}

fn print(bytes: &[u8]) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write to stdout: {e}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Writes `text` to stdout, for the commands that print a document.
pub(crate) fn print_text(text: &str) -> ExitCode {
    print(text.as_bytes())
}

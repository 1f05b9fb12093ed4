use std::process::ExitCode;

use clap::Parser;

/// mimalloc: rendering allocates and frees many small values on every core, which it does
/// in a fraction of the time glibc's allocator takes (see docs/performance.md).
#[global_allocator]
static ALLOCATOR: auditbook::alloc::MiMalloc = auditbook::alloc::MiMalloc;

fn main() -> ExitCode {
    auditbook::cli::run(auditbook::cli::Cli::parse())
}

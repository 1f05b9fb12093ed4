//! Writes a synthetic workspace of a chosen size, deterministic by seed, for trying auditbook
//! on big inputs:
//!
//! ```text
//! cargo run --release --example corpus -- --out DIR --audits N --items M --languages L --seed S
//! ```
//!
//! The generator itself is the development crate `crates/corpus`, shared with the tests and
//! the benchmarks.

use auditbook_corpus as corpus;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: corpus --out DIR [--audits N] [--items M] [--languages L] [--seed S]";

fn main() -> ExitCode {
    match parse(std::env::args().skip(1)) {
        Ok((out, params)) => match corpus::write(&out, &params) {
            Ok(summary) => {
                println!("wrote {}: {}", out.display(), summary.describe());
                ExitCode::SUCCESS
            }
            Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => {
                eprintln!("error: {e}\n{USAGE}");
                ExitCode::from(2)
            }
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", out.display());
                ExitCode::from(2)
            }
        },
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<(PathBuf, corpus::Params), String> {
    let mut out = None;
    let mut params = corpus::Params::default();
    while let Some(flag) = args.next() {
        if flag == "-h" || flag == "--help" {
            return Err("help requested".into());
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = || -> Result<u64, String> {
            value
                .parse()
                .map_err(|_| format!("{flag} takes a whole number, not '{value}'"))
        };
        match flag.as_str() {
            "--out" => out = Some(PathBuf::from(&value)),
            "--audits" => params.audits = number()? as usize,
            "--items" => params.items = number()? as usize,
            "--languages" => params.languages = number()? as usize,
            "--seed" => params.seed = number()?,
            _ => return Err(format!("unknown option '{flag}'")),
        }
    }
    let out = out.ok_or("--out DIR is required")?;
    Ok((out, params))
}

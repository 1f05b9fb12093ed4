//! Build script: puts the git revision into `--version` when built from a checkout. Without
//! git or a checkout (a crate tarball, `cargo install` from crates.io) the version is plain;
//! nothing here can fail the build.

use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

fn main() {
    let version = env!("CARGO_PKG_VERSION");
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let revision = if Path::new(&manifest).join(".git").exists() {
        git(&["rev-parse", "--short", "HEAD"])
    } else {
        None
    };
    match &revision {
        Some(rev) => {
            println!("cargo:rustc-env=AUDITBOOK_VERSION={version} ({rev})");
            // Built again when HEAD moves: a checkout, or a commit on the current branch.
            for path in
                ["HEAD"]
                    .into_iter()
                    .map(str::to_string)
                    .chain(git(&["symbolic-ref", "-q", "HEAD"]))
            {
                if let Some(file) = git(&["rev-parse", "--git-path", &path]) {
                    println!("cargo:rerun-if-changed={file}");
                }
            }
        }
        None => println!("cargo:rustc-env=AUDITBOOK_VERSION={version}"),
    }
    println!("cargo:rerun-if-changed=build.rs");
}

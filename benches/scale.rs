//! How a whole build grows with the size of a checklist and with the number of site
//! languages: generated workspaces of 5k, 10k, 20k and 40k items (one checklist, audited in
//! two rounds, so that every item has a previous answer, a fifth are gaps and half of those
//! carry an action), and of 4, 8, 16 and 32 languages (a 500-item checklist audited by 8
//! subjects in two rounds). Each is loaded, scored and rendered into memory; the median of
//! three runs is printed with the time per item (or per page and language), which stays flat
//! when the build is linear.
//!
//! ```text
//! cargo bench --bench scale
//! ```

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use auditbook::build;
use auditbook::render::{Collect, Plan};

/// The binary's allocator, so that the figures are the binary's.
#[global_allocator]
static ALLOCATOR: auditbook::alloc::MiMalloc = auditbook::alloc::MiMalloc;

/// Site languages, in the order a workspace of `n` languages takes them.
const LANGUAGES: [&str; 32] = [
    "en", "hr", "hu", "sl", "et", "ru", "de", "fr", "it", "pl", "pt", "es", "nl", "cs", "sk", "sr",
    "bs", "ro", "bg", "uk", "fi", "sv", "da", "nb", "lv", "lt", "el", "tr", "ja", "zh", "ko", "vi",
];

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("a folder");
    std::fs::write(path, text).expect("a workspace file");
}

/// A workspace of one checklist of `items` items in `languages` languages (every title
/// translated), audited by `subjects` subjects in two rounds.
fn workspace(dir: &Path, items: usize, languages: usize, subjects: usize) {
    let langs = &LANGUAGES[..languages];
    write(
        dir,
        "auditbook.yaml",
        &format!("title: Audits\nlanguages: [{}]\n", langs.join(", ")),
    );
    let text = |what: &str| {
        let values: Vec<String> = langs.iter().map(|l| format!("{l}: {what} {l}")).collect();
        format!("{{{}}}", values.join(", "))
    };
    let mut checklist = format!("id: big\nversion: 1\ntitle: {}\nsections:\n", text("Big"));
    for section in 0..items.div_ceil(50) {
        let _ = write!(
            checklist,
            "  - id: s{section}\n    title: {}\n    items:\n",
            text(&format!("Section {section}"))
        );
        for item in section * 50..((section + 1) * 50).min(items) {
            let _ = write!(
                checklist,
                "      - id: i{item}\n        title: {}\n",
                text(&format!("Item {item}"))
            );
        }
    }
    write(dir, "checklists/big.yaml", &checklist);
    for (round, date) in [("2026-q1", "2026-03-31"), ("2026-q2", "2026-06-30")] {
        for subject in 0..subjects {
            let mut audit = format!(
                "checklist: big\nversion: 1\nsubject: t{subject}\ndate: {date}\nanswers:\n"
            );
            for item in 0..items {
                let answer = match (item + subject + round.len()) % 10 {
                    0 => "{score: 1, action: Fix it, note: Not yet}".to_string(),
                    1 => "{score: 2}".to_string(),
                    2 => "{score: 3, note: Almost}".to_string(),
                    _ => "4".to_string(),
                };
                let _ = writeln!(audit, "  i{item}: {answer}");
            }
            write(dir, &format!("audits/{round}/t{subject}.yaml"), &audit);
        }
    }
}

/// Loads and scores, then renders, the workspace in `dir` three times; the median times of
/// both and the number of pages.
fn build_times(dir: &Path) -> (Duration, Duration, usize) {
    let mut times = Vec::new();
    let mut pages = 0;
    for _ in 0..3 {
        let start = Instant::now();
        let prepared = match build::prepare(dir) {
            Ok(p) => p,
            Err(build::Failure::Invalid { diags, .. }) => {
                let first: Vec<&str> = diags.iter().take(3).map(|d| d.message.as_str()).collect();
                panic!("the generated workspace is invalid: {first:?}")
            }
            Err(_) => panic!("the generated workspace cannot be read"),
        };
        let prepared_at = start.elapsed();
        let sink = Collect::default();
        prepared
            .render(&Plan::All, None, &sink)
            .expect("it renders");
        times.push((start.elapsed(), prepared_at));
        pages = sink.into_site().page_count();
    }
    times.sort();
    let (total, prepare) = times[1];
    (prepare, total - prepare, pages)
}

fn main() {
    // `cargo bench` passes `--bench`; a name filter is not supported.
    println!("items    pages   load+score   render   per 1,000 items");
    for items in [5_000, 10_000, 20_000, 40_000] {
        let dir = tempfile::tempdir().expect("a temporary folder");
        workspace(dir.path(), items, 2, 1);
        let (prepare, render, pages) = build_times(dir.path());
        let total = prepare + render;
        println!(
            "{items:>6} {pages:>7} {:>9.0} ms {:>6.0} ms {:>11.1} ms",
            prepare.as_secs_f64() * 1e3,
            render.as_secs_f64() * 1e3,
            total.as_secs_f64() * 1e6 / items as f64
        );
    }
    println!();
    println!("languages   pages   load+score   render   render per page");
    for languages in [4, 8, 16, 32] {
        let dir = tempfile::tempdir().expect("a temporary folder");
        workspace(dir.path(), 500, languages, 8);
        let (prepare, render, pages) = build_times(dir.path());
        println!(
            "{languages:>9} {pages:>7} {:>9.0} ms {:>6.0} ms {:>12.2} ms",
            prepare.as_secs_f64() * 1e3,
            render.as_secs_f64() * 1e3,
            render.as_secs_f64() * 1e3 / pages as f64
        );
    }
}

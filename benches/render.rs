//! Rendering a generated workspace of 480 audits × 40 items in 3 languages (4,398 pages):
//!
//! - `render_all`: every page, into memory (no disk), on every core;
//! - `rebuild_one_audit`: what `serve` does after one audit file is saved: load again (files
//!   whose text is unchanged come from the parse cache), score, render the pages that depend
//!   on the audit, and find the files whose bytes changed.
//!
//! ```text
//! cargo bench --bench render
//! ```

use auditbook_corpus as corpus;

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use auditbook::build;
use auditbook::rebuild::Rebuilder;
use auditbook::render::{Collect, Plan, Site};
use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};

/// The binary's allocator, so that the figures are the binary's.
#[global_allocator]
static ALLOCATOR: auditbook::alloc::MiMalloc = auditbook::alloc::MiMalloc;

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let params = corpus::Params {
        audits: 480,
        items: 40,
        languages: 3,
        seed: 1,
    };
    let summary = corpus::write(dir.path(), &params).expect("the corpus is written");
    eprintln!("corpus 480x40x3: {}", summary.describe());
    let prepared = build::prepare(dir.path()).unwrap_or_else(|_| panic!("a valid workspace"));

    let mut group = c.benchmark_group("480x40x3");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .measurement_time(Duration::from_secs(15));
    group.bench_function("render_all", |b| {
        b.iter(|| {
            let sink = Collect::default();
            prepared
                .render(&Plan::All, None, black_box(&sink))
                .expect("it renders");
            sink.into_site()
        });
    });

    // One audit in the middle of the history, saved with one answer changed and back.
    let mut rebuilder = Rebuilder::new(dir.path());
    let mut site = Site::default();
    rebuilder
        .rebuild(&site)
        .unwrap_or_else(|_| panic!("the first build"))
        .apply(&mut site);
    let file: PathBuf = {
        let mut rounds: Vec<PathBuf> = std::fs::read_dir(dir.path().join("audits"))
            .expect("audits")
            .flatten()
            .map(|e| e.path())
            .collect();
        rounds.sort();
        let round = &rounds[rounds.len() / 2];
        let mut files: Vec<PathBuf> = std::fs::read_dir(round)
            .expect("a round")
            .flatten()
            .map(|e| e.path())
            .filter(|p| !p.ends_with("round.yaml"))
            .collect();
        files.sort();
        files.swap_remove(0)
    };
    let original = std::fs::read_to_string(&file).expect("the audit");
    let (line, edited_line) = original
        .lines()
        .find_map(|l| {
            let (id, v) = l.strip_prefix("  ")?.split_once(": ")?;
            let v: u32 = v.parse().ok()?;
            Some((
                l.to_string(),
                format!("  {id}: {}", if v == 0 { 1 } else { v - 1 }),
            ))
        })
        .expect("a plain answer");
    let edited = original.replacen(&line, &edited_line, 1);
    let mut flip = false;
    group.bench_function("rebuild_one_audit", |b| {
        b.iter(|| {
            flip = !flip;
            std::fs::write(&file, if flip { &edited } else { &original }).expect("saved");
            let rebuilt = rebuilder
                .rebuild(&site)
                .unwrap_or_else(|_| panic!("the rebuild"));
            assert!(!rebuilt.whole && !rebuilt.changed.is_empty());
            rebuilt.apply(&mut site);
        });
    });
    group.finish();
}

criterion_group!(render, benches);
criterion_main!(render);

//! Loading (read, parse, validate) and scoring generated workspaces of two sizes: 2,000
//! audits × 60 items (the size a large team reaches in a few years) and 200 × 60. For each,
//! `load`, `score_all`, `yaml_parse`: the YAML parsing part of `load` on its own
//! (`yaml_parse_serde_saphyr`: the same through serde-saphyr alone, the path errors take),
//! and `load_validate_cached`: `load` with every parsed file taken from a warm cache, that is
//! reading and validation without parsing.
//!
//! ```text
//! cargo bench --bench load_score
//! ```
//!
//! Each workspace is written once to a temporary folder; the file cache is warm, so `load`
//! measures auditbook's own work rather than the disk.

use auditbook_corpus as corpus;

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};

/// The binary's allocator, so that the figures are the binary's.
#[global_allocator]
static ALLOCATOR: auditbook::alloc::MiMalloc = auditbook::alloc::MiMalloc;

fn workspace(audits: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let params = corpus::Params {
        audits,
        items: 60,
        languages: 3,
        seed: 1,
    };
    let summary = corpus::write(dir.path(), &params).expect("the corpus is written");
    eprintln!("corpus {audits}x60: {}", summary.describe());
    dir
}

fn load_valid(dir: &Path) -> auditbook::Model {
    let loaded = auditbook::load(dir).expect("the workspace is readable");
    assert!(
        !loaded.diags.has_errors(),
        "the generated workspace has errors: {:?}",
        loaded
            .diags
            .iter()
            .find(|d| d.severity == auditbook::diag::Severity::Error)
    );
    loaded.model.expect("a valid workspace has a model")
}

/// The text of every `.yaml` file under `dir`, for timing the YAML parser on its own.
fn yaml_texts(dir: &Path) -> Vec<String> {
    let mut texts = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("a readable folder") {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                texts.push(std::fs::read_to_string(&path).expect("a readable file"));
            }
        }
    }
    texts
}

fn bench_size(c: &mut Criterion, audits: usize, measurement: Duration) {
    let dir = workspace(audits);
    let model = load_valid(dir.path());
    let mut group = c.benchmark_group(format!("{audits}x60"));
    // A load takes long enough that one iteration per sample measures it well.
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .measurement_time(measurement);
    group.bench_function("load", |b| {
        b.iter(|| auditbook::load(black_box(dir.path())).expect("the workspace is readable"));
    });
    // Reading and validation without parsing: every document comes from a warm cache, as in
    // `serve` after a change.
    let cache = auditbook::load::ParseCache::default();
    auditbook::load::load_cached(dir.path(), Some(&cache)).expect("the workspace is readable");
    group.bench_function("load_validate_cached", |b| {
        b.iter(|| {
            auditbook::load::load_cached(black_box(dir.path()), Some(&cache))
                .expect("the workspace is readable")
        });
    });
    // The share of `load` spent in the YAML parser alone (no I/O, no validation).
    let texts = yaml_texts(dir.path());
    group.bench_function("yaml_parse", |b| {
        b.iter(|| {
            texts
                .iter()
                .filter(|t| auditbook::yaml::parse(black_box(t)).is_ok())
                .count()
        });
    });
    // The same files through serde-saphyr alone: what the fast path saves.
    group.bench_function("yaml_parse_serde_saphyr", |b| {
        b.iter(|| {
            texts
                .iter()
                .filter(|t| auditbook::yaml::parse_document_slow(black_box(t)).is_ok())
                .count()
        });
    });
    group.bench_function("score_all", |b| {
        b.iter(|| auditbook::score::score_all(black_box(&model)));
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    bench_size(c, 2_000, Duration::from_secs(20));
    bench_size(c, 200, Duration::from_secs(5));
}

criterion_group!(load_score, benches);
criterion_main!(load_score);

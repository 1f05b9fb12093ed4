//! Ticket exports: the computation against the csv crate reading the same file.
//!
//! `cargo bench --bench tickets` times both on 20,000 generated tickets in memory. For the
//! full-size comparison (1,000,000 tickets, peak memory, DuckDB), `benches/tickets.sh` runs
//! this binary's modes one process each:
//!
//! - `gen DIR N`: writes `DIR/sources/bench.yaml` and `DIR/exports/tickets.csv`;
//! - `csv DIR`: reads every record of the export with the csv crate alone;
//! - `full DIR`: reads the source and computes its snapshots.

use std::fmt::Write as _;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use auditbook::diag::Diagnostics;
use auditbook::sources::{compute, compute_files, config};

const SOURCE: &str = r#"files: [exports/tickets.csv]
timezone: Europe/Tallinn
columns:
  id: Ticket ID
  created: Created
  first-response: First reply
  resolved: Solved
  replies: Agent replies
  channel: Channel
  group: Group
  agent: Assignee
  topic: Topic
  rating: Rating
  nps: Recommend
subjects:
  column: group
  map: {"Tallinn L1": tallinn-helpdesk, "Tartu L1": tartu-helpdesk, "Narva L1": narva-helpdesk}
hours:
  mon: "09:00-18:00"
  tue: "09:00-18:00"
  wed: "09:00-18:00"
  thu: "09:00-18:00"
  fri: "09:00-12:00, 13:00-17:00"
  sat: "10:00-14:00"
  holidays: [2025-01-01, 2025-02-24, 2025-04-18, 2025-06-24, 2025-12-25, 2026-01-01, 2026-02-24]
sla:
  first-response: 1h
"#;

const HEADER: &str = "Ticket ID,Created,First reply,Solved,Agent replies,Channel,Group,Assignee,Topic,Rating,Recommend,Subject\n";
const CHANNELS: [&str; 4] = ["email", "chat", "phone", "web"];
const GROUPS: [&str; 5] = ["Tallinn L1", "Tartu L1", "Narva L1", "Billing", "L2"];

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// `YYYY-MM-DD HH:MM:SS` of a UTC instant shifted by two hours (close enough to local for
/// a benchmark; the computation reads it in the source's zone).
fn stamp(out: &mut String, t: i64) {
    let dt = chrono::DateTime::from_timestamp(t + 7200, 0).unwrap_or_default();
    let _ = write!(out, "{}", dt.format("%Y-%m-%d %H:%M:%S"));
}

/// `n` tickets numbered from `first`, after the header if `header`.
fn export(rng: &mut Rng, first: u64, n: u64, header: bool) -> String {
    let mut out = String::with_capacity(n as usize * 160 + HEADER.len());
    if header {
        out.push_str(HEADER);
    }
    // 2025-01-01T00:00:00Z, and two years of minutes after it.
    let start = 1_735_689_600i64;
    for i in 0..n {
        let created = start + rng.below(2 * 365 * 24 * 60) as i64 * 60 + rng.below(60) as i64;
        let _ = write!(out, "{},", 1_000_000 + first + i);
        stamp(&mut out, created);
        out.push(',');
        let responded = rng.below(10) != 0;
        let first = created + rng.below(3 * 24 * 3600) as i64;
        if responded {
            stamp(&mut out, first);
        }
        out.push(',');
        if responded && rng.below(5) != 0 {
            stamp(&mut out, first + rng.below(5 * 24 * 3600) as i64);
        }
        let _ = write!(
            out,
            ",{},{},{},agent{:02},topic {},",
            rng.below(6),
            CHANNELS[rng.below(4) as usize],
            GROUPS[rng.below(5) as usize],
            rng.below(50),
            rng.below(20),
        );
        if rng.below(10) < 7 {
            let _ = write!(out, "{}", 1 + rng.below(5));
        }
        out.push(',');
        if rng.below(10) < 3 {
            let _ = write!(out, "{}", rng.below(11));
        }
        out.push_str(if rng.below(4) == 0 {
            ",\"Cannot log in, \"\"error 42\"\" after the update\"\n"
        } else {
            ",Invoice for last month is missing\n"
        });
    }
    out
}

fn csv_only(path: &Path) -> u64 {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .expect("the export opens");
    let mut record = csv::ByteRecord::new();
    let mut fields = 0;
    while reader.read_byte_record(&mut record).expect("a record") {
        fields += record.len() as u64;
    }
    fields
}

fn full(dir: &Path) -> usize {
    let mut diags = Diagnostics::default();
    let text = fs::read_to_string(dir.join("sources/bench.yaml")).expect("the source");
    let source =
        config::parse(Path::new("sources/bench.yaml"), &text, &mut diags).expect("it reads");
    let files = [PathBuf::from("exports/tickets.csv")];
    let computed = compute_files(&source, dir, &files, &mut diags);
    assert!(!diags.has_errors(), "{diags:?}");
    computed.snapshots.len()
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["gen", dir, n] => {
            let dir = Path::new(dir);
            fs::create_dir_all(dir.join("sources")).expect("mkdir");
            fs::create_dir_all(dir.join("exports")).expect("mkdir");
            fs::write(dir.join("sources/bench.yaml"), SOURCE).expect("write");
            let file = fs::File::create(dir.join("exports/tickets.csv")).expect("create");
            let mut w = BufWriter::new(file);
            let n: u64 = n.parse().expect("a number of tickets");
            // In chunks, so the generator's own memory stays small.
            let mut rng = Rng(2026);
            let mut done = 0;
            while done < n {
                let chunk = (n - done).min(100_000);
                let text = export(&mut rng, done, chunk, done == 0);
                w.write_all(text.as_bytes()).expect("write");
                done += chunk;
            }
            w.flush().expect("write");
        }
        ["csv", dir] => {
            let t = Instant::now();
            let fields = csv_only(&Path::new(dir).join("exports/tickets.csv"));
            println!("csv: {fields} fields in {:.3}s", t.elapsed().as_secs_f64());
        }
        ["full", dir] => {
            let t = Instant::now();
            let snapshots = full(Path::new(dir));
            println!(
                "full: {snapshots} snapshots in {:.3}s",
                t.elapsed().as_secs_f64()
            );
        }
        _ => {
            let text = export(&mut Rng(2026), 0, 20_000, true);
            let mut diags = Diagnostics::default();
            let source = config::parse(Path::new("sources/bench.yaml"), SOURCE, &mut diags)
                .expect("it reads");
            let t = Instant::now();
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            let mut record = csv::ByteRecord::new();
            let mut n = 0;
            while reader.read_byte_record(&mut record).expect("a record") {
                n += record.len();
            }
            let csv_time = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let computed = compute(
                &source,
                vec![(PathBuf::from("exports/tickets.csv"), text.as_bytes())],
                &mut diags,
            );
            let full_time = t.elapsed().as_secs_f64();
            println!(
                "20,000 tickets: csv alone {csv_time:.4}s ({n} fields), computed {full_time:.4}s ({} snapshots), ratio {:.2}",
                computed.snapshots.len(),
                full_time / csv_time
            );
        }
    }
}

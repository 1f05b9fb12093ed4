//! Reading a ticket export: the columns of its header, and its records read on a thread of
//! their own, a few batches ahead of the computation (`compute`), with the timestamps of
//! each record already parsed there.

use std::io::Read;
use std::sync::mpsc;

use super::hours::Clock;
use super::timestamp::{self, TimestampError};

/// The column indexes of one file's header.
pub(super) struct Layout {
    pub(super) width: usize,
    pub(super) id: usize,
    pub(super) created: usize,
    pub(super) first_response: Option<usize>,
    pub(super) resolved: Option<usize>,
    pub(super) replies: Option<usize>,
    pub(super) dimensions: [Option<usize>; 4],
    pub(super) rating: Option<usize>,
    pub(super) nps: Option<usize>,
}

/// Records per batch handed from the reading thread to the computing one, and how many
/// batches there are: a few hundred kilobytes of records in flight.
pub(super) const BATCH: usize = 1024;
const BATCHES: usize = 4;

/// Records read in a row from one file, with their [`Times`].
#[derive(Default)]
struct Batch {
    /// `len` records read, then the ones of earlier batches, to be filled again.
    records: Vec<csv::ByteRecord>,
    times: Vec<Times>,
    len: usize,
    /// Set on the last batch of the file: the end reached, or the error that stopped it.
    end: Option<Result<(), csv::Error>>,
}

impl Batch {
    /// Reads up to [`BATCH`] records, reusing the ones it holds, and works out their times.
    fn fill<R: Read>(&mut self, csv: &mut csv::Reader<R>, layout: &Layout, clock: &Clock) {
        self.len = 0;
        self.times.clear();
        self.end = None;
        while self.len < BATCH {
            if self.len == self.records.len() {
                self.records.push(csv::ByteRecord::new());
            }
            let record = &mut self.records[self.len];
            match csv.read_byte_record(record) {
                Ok(true) => {
                    self.times.push(Times::of(record, layout, clock));
                    self.len += 1;
                }
                Ok(false) => {
                    self.end = Some(Ok(()));
                    return;
                }
                Err(e) => {
                    self.end = Some(Err(e));
                    return;
                }
            }
        }
    }
}

/// What a record's timestamps give, which depends on the record alone: the reading thread
/// works it out, so that it does not add to the computation's time. Whether and how a bad
/// cell is reported is decided with the rest of the row.
#[derive(Clone, Copy)]
pub(super) struct Times {
    pub(super) created: Result<i64, TimestampError>,
    /// `None` where the column is not mapped or the cell is empty.
    pub(super) first_response: Option<Result<i64, TimestampError>>,
    pub(super) resolved: Option<Result<i64, TimestampError>>,
    /// Working seconds from creation to the first response and to the resolution, where
    /// both are timestamps and the second is not before the first (0 otherwise).
    pub(super) first_response_work: i64,
    pub(super) resolution_work: i64,
}

impl Times {
    fn of(record: &csv::ByteRecord, layout: &Layout, clock: &Clock) -> Times {
        let parse = |i: usize| timestamp::parse_bytes(cell(record, i).0, &clock.zone);
        let optional = |i: Option<usize>| {
            let i = i?;
            (!cell(record, i).is_empty()).then(|| parse(i))
        };
        let created = parse(layout.created);
        let first_response = optional(layout.first_response);
        let resolved = optional(layout.resolved);
        let work = |end: Option<Result<i64, TimestampError>>| match (created, end) {
            (Ok(a), Some(Ok(b))) if b >= a => clock.working_time(a, b),
            _ => 0,
        };
        Times {
            created,
            first_response,
            resolved,
            first_response_work: work(first_response),
            resolution_work: work(resolved),
        }
    }
}

/// A cell, without the white space around it. Cells stay bytes: timestamps and numbers
/// are parsed from them directly, and only keys and messages are turned into text (bytes
/// that are not UTF-8 then show as U+FFFD).
#[derive(Clone, Copy)]
pub(super) struct Cell<'r>(pub(super) &'r [u8]);

pub(super) fn cell(record: &csv::ByteRecord, index: usize) -> Cell<'_> {
    Cell(record.get(index).unwrap_or_default().trim_ascii())
}

impl Cell<'_> {
    pub(super) fn is_empty(self) -> bool {
        self.0.is_empty()
    }

    /// A whole number of at most nine digits, nothing else.
    pub(super) fn number(self) -> Option<u32> {
        if self.0.is_empty() || self.0.len() > 9 {
            return None;
        }
        self.0.iter().try_fold(0u32, |n, &b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    }
}

impl std::fmt::Display for Cell<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&String::from_utf8_lossy(self.0))
    }
}

/// Reads every record of `csv` and gives each to `row` with its [`Times`] and line, in the
/// file's order. The csv reader runs on a thread of its own, a batch of records ahead of the
/// rows computed here. Each batch comes back to be filled again, so at most [`BATCHES`] of
/// them exist and records are not allocated again. Stops at the first record that cannot
/// be read, and returns its error.
pub(super) fn each_record<R: Read + Send>(
    mut csv: csv::Reader<R>,
    layout: &Layout,
    clock: &Clock,
    mut row: impl FnMut(&csv::ByteRecord, &Times, u64),
) -> Result<(), csv::Error> {
    std::thread::scope(|scope| {
        let (full_tx, full_rx) = mpsc::channel::<Batch>();
        let (empty_tx, empty_rx) = mpsc::channel::<Batch>();
        scope.spawn(move || {
            let mut fresh = BATCHES;
            loop {
                let mut batch = if fresh > 0 {
                    fresh -= 1;
                    Batch::default()
                } else {
                    match empty_rx.recv() {
                        Ok(batch) => batch,
                        Err(_) => return,
                    }
                };
                batch.fill(&mut csv, layout, clock);
                let last = batch.end.is_some();
                if full_tx.send(batch).is_err() || last {
                    return;
                }
            }
        });
        for mut batch in full_rx {
            for (record, times) in batch.records.iter().zip(&batch.times) {
                row(record, times, record.position().map_or(0, |p| p.line()));
            }
            if let Some(Err(e)) = batch.end.take() {
                return Err(e);
            }
            // The reader is gone once it has sent its last batch.
            let _ = empty_tx.send(batch);
        }
        Ok(())
    })
}

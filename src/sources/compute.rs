//! Streams a source's exports into metric snapshots (docs/exports.md).
//!
//! The exports are never held as rows. A second thread reads the records into a few reused
//! batches, a little ahead of the computation, and parses their timestamps (`reading`);
//! only the mapped columns are looked at, and each ticket is folded at once, in file order, into counters per
//! (period, subject) and per breakdown key. What is kept per ticket is its id (to find
//! duplicates) and, for a ticket without a first response, the little that the *as-of* rule
//! needs: whether it is overdue depends on the latest timestamp of the whole source, known
//! only at the end, so such tickets wait in a short list (created instant, period, subject,
//! breakdown keys) and are counted once the reading is done.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};

use crate::diag::{Diagnostic, Diagnostics, display_path};
use crate::metrics::{Breakdown, Measure, MetricValue, Snapshot};
use crate::source::Loc;

use super::config::{Column, Dimension, PeriodKind, Source};
use super::counters::{Facts, Group, Rating, Stats};
use super::fx::FxMap;
use super::ids::Ids;
use super::reading::{self, Cell, Layout, Times, cell};
use super::report::{self, Ending, KeyMeasure, Report, Tally, Ticket};
use super::timestamp::TimestampError;
use super::zone::{date_of_day, day_of, day_of_date, weekday};

/// Row problems reported one by one per source; the rest are counted in the summary.
pub const MAX_ROW_WARNINGS: usize = 100;

/// How many (day, period) pairs [`Run`] keeps: more than a quarter's days.
const PERIOD_CACHE: usize = 128;

/// How many recent (period, subject) keys [`Run`] keeps with the place of their counters.
const RECENT_GROUPS: usize = 256;

/// What computing a source gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Computed {
    /// Per period, oldest first: the organisation's snapshot, then each subject's by id.
    pub snapshots: Vec<Snapshot>,
    /// The latest timestamp in any mapped time column (instant, seconds since the epoch).
    pub as_of: Option<i64>,
    pub summary: RowSummary,
    /// The figures of the source's page.
    pub report: Report,
}

/// How many rows were read, how many became tickets, and which problems left rows (or some
/// of their cells) out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowSummary {
    pub rows: u64,
    pub tickets: u64,
    /// (column field, problem) -> rows.
    pub left_out: BTreeMap<(&'static str, RowProblem), u64>,
}

/// Why a row, or a cell of it, was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RowProblem {
    /// Not as many fields as the header: the whole row.
    ColumnCount,
    /// No ticket id: the whole row.
    EmptyId,
    /// A ticket id seen before (an error): the whole row.
    DuplicateId,
    NotATimestamp,
    SkippedTime,
    YearOutOfRange,
    BeforeCreated,
    OutOfRange,
    /// A good/bad rating in a column of 1–5 ratings, or the other way round.
    MixedRating,
}

impl RowProblem {
    pub fn describe(self) -> &'static str {
        match self {
            RowProblem::ColumnCount => "wrong number of fields",
            RowProblem::EmptyId => "no ticket id",
            RowProblem::DuplicateId => "duplicate ticket id",
            RowProblem::NotATimestamp => "not a timestamp",
            RowProblem::SkippedTime => "a local time skipped by the clock change",
            RowProblem::YearOutOfRange => "a year outside 1900-2199",
            RowProblem::BeforeCreated => "before the ticket was created",
            RowProblem::OutOfRange => "out of range",
            RowProblem::MixedRating => "a rating of the other kind",
        }
    }
}

/// The organisation, in the subject slot of a counter's key. While reading, it holds the
/// tickets of no subject; the organisation's own counters are summed up at the end, so each
/// ticket is counted once instead of twice.
const ORGANISATION: u32 = u32::MAX;

/// A ticket without a first response, waiting for the source's as-of.
struct Pending {
    created: i64,
    period: i64,
    subject: u32,
    keys: [Option<u32>; 4],
}

/// One dimension's cell values: value -> key, and the values by key.
type Interned = (FxMap<Box<[u8]>, u32>, Vec<Box<str>>);

/// The state of one computation.
struct Run<'s> {
    source: &'s Source,
    /// Counters per (period start, subject slot), and where each key's are.
    groups: Vec<((i64, u32), Group)>,
    group_index: FxMap<(i64, u32), usize>,
    /// Recent keys counted into with their places, by a hash of the key: tickets of a few
    /// periods share a handful of keys, and the map's lookup showed in a profile.
    recent_groups: Box<[((i64, u32), usize); RECENT_GROUPS]>,
    /// Per dimension: cell value -> key, and the values by key.
    interned: [Interned; 4],
    /// Subject ids, sorted; a counter's subject is an index into it.
    subject_ids: Vec<String>,
    /// Per key of the subjects' dimension: its subject slot, looked up once per key.
    subject_of: Vec<Option<u32>>,
    /// Every ticket id with the place of its row.
    seen: Ids,
    files: Vec<PathBuf>,
    pending: Vec<Pending>,
    as_of: Option<i64>,
    rating_kind: Option<bool>,
    summary: RowSummary,
    warnings: usize,
    /// Recent (created day, period start) pairs, by day modulo their number: rows of a few
    /// weeks or months share a handful of days' periods, and working the period out from
    /// the calendar each time shows in a profile.
    periods: [(i64, i64); PERIOD_CACHE],
    /// The counters of the source's page.
    tally: Tally,
}

/// Computes the snapshots of `source` from its exports, given in the order they are read
/// (sorted by path) with their paths relative to the workspace root. Problems go to `diags`.
pub fn compute<R: Read + Send>(
    source: &Source,
    exports: Vec<(PathBuf, R)>,
    diags: &mut Diagnostics,
) -> Computed {
    let mut run = Run::new(source);
    for (path, reader) in exports {
        run.read_file(path, reader, diags);
    }
    run.finish(diags)
}

/// [`compute`] over files under `root`; each path is relative to it.
pub fn compute_files(
    source: &Source,
    root: &Path,
    files: &[PathBuf],
    diags: &mut Diagnostics,
) -> Computed {
    let mut exports = Vec::new();
    for path in files {
        match File::open(root.join(path)) {
            Ok(f) => exports.push((path.clone(), f)),
            Err(e) => diags.push(Diagnostic::error(
                path,
                Loc::default(),
                format!("cannot read {}: {e}", display_path(path)),
            )),
        }
    }
    compute(source, exports, diags)
}

impl<'s> Run<'s> {
    fn new(source: &'s Source) -> Run<'s> {
        let mut subject_ids: Vec<String> = source
            .subjects
            .iter()
            .flat_map(|s| s.map.values().cloned())
            .collect();
        subject_ids.sort();
        subject_ids.dedup();
        Run {
            source,
            groups: Vec::new(),
            group_index: FxMap::default(),
            recent_groups: Box::new([((i64::MIN, 0), 0); RECENT_GROUPS]),
            interned: Default::default(),
            subject_ids,
            subject_of: Vec::new(),
            seen: Ids::default(),
            files: Vec::new(),
            pending: Vec::new(),
            as_of: None,
            rating_kind: None,
            summary: RowSummary::default(),
            warnings: 0,
            periods: [(i64::MIN, 0); PERIOD_CACHE],
            tally: Tally::new(source.ticket_url.is_some()),
        }
    }

    fn read_file<R: Read + Send>(&mut self, path: PathBuf, reader: R, diags: &mut Diagnostics) {
        let mut csv = csv::ReaderBuilder::new()
            .delimiter(self.source.delimiter)
            .flexible(true)
            // Records end at LF only: with csv's default CRLF handling, a record after a
            // CRLF line is placed on the line before. The CR left at the end of the last
            // field is trimmed with the rest of the cell's white space.
            .terminator(csv::Terminator::Any(b'\n'))
            .has_headers(true)
            .buffer_capacity(1 << 16)
            .from_reader(reader);
        let header = match csv.byte_headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                diags.push(Diagnostic::error(
                    &path,
                    Loc::start(),
                    format!("cannot read the header of {}: {e}", display_path(&path)),
                ));
                return;
            }
        };
        let Some(layout) = self.layout(&header, &path, diags) else {
            return;
        };
        let file_index = self.files.len() as u32;
        self.files.push(path);
        let clock = &self.source.clock;
        let read = reading::each_record(csv, &layout, clock, |record, times, line| {
            self.row(record, times, &layout, file_index, line, diags);
        });
        if let Err(e) = read {
            let path = &self.files[file_index as usize];
            let line = e.position().map_or(0, |p| p.line());
            diags.push(Diagnostic::error(
                path,
                Loc::new(line as u32, 1, 0),
                format!("cannot read {}: {e}", display_path(path)),
            ));
        }
    }

    /// Where each mapped column is in a file's header; `None` when one is missing.
    fn layout(
        &self,
        header: &csv::ByteRecord,
        path: &Path,
        diags: &mut Diagnostics,
    ) -> Option<Layout> {
        let find = |column: &Column| {
            header
                .iter()
                .position(|h| String::from_utf8_lossy(h).trim() == column.header)
        };
        let mut missing = false;
        for (field, column) in self.source.columns.all() {
            if find(column).is_none() {
                missing = true;
                diags.push(
                    Diagnostic::error(
                        &self.source.file,
                        column.loc,
                        format!(
                            "column '{}' (columns.{field}) is not in the header of {}",
                            column.header,
                            display_path(path)
                        ),
                    )
                    .with_hint("header names are matched exactly, case included"),
                );
            }
        }
        if missing {
            return None;
        }
        let c = &self.source.columns;
        let opt = |c: &Option<Column>| c.as_ref().and_then(find);
        Some(Layout {
            width: header.len(),
            id: find(&c.id)?,
            created: find(&c.created)?,
            first_response: opt(&c.first_response),
            resolved: opt(&c.resolved),
            replies: opt(&c.replies),
            dimensions: [
                opt(&c.dimensions[0]),
                opt(&c.dimensions[1]),
                opt(&c.dimensions[2]),
                opt(&c.dimensions[3]),
            ],
            rating: opt(&c.rating),
            nps: opt(&c.nps),
        })
    }

    /// Counts a row problem, and reports it while the source's allowance lasts.
    #[allow(clippy::too_many_arguments)] // one call per kind of problem, all located alike
    fn problem(
        &mut self,
        diags: &mut Diagnostics,
        file: u32,
        line: u64,
        field: &'static str,
        problem: RowProblem,
        message: String,
        hint: Option<&str>,
    ) {
        *self.summary.left_out.entry((field, problem)).or_default() += 1;
        if self.warnings < MAX_ROW_WARNINGS {
            self.warnings += 1;
            let path = &self.files[file as usize];
            diags.push(
                Diagnostic::warning(path, Loc::new(line as u32, 1, 0), message)
                    .with_hint_opt(hint.map(str::to_string)),
            );
        }
    }

    fn header(&self, field: &'static str) -> &str {
        let c = &self.source.columns;
        let column = match field {
            "id" => Some(&c.id),
            "created" => Some(&c.created),
            "first-response" => c.first_response.as_ref(),
            "resolved" => c.resolved.as_ref(),
            "replies" => c.replies.as_ref(),
            "rating" => c.rating.as_ref(),
            "nps" => c.nps.as_ref(),
            _ => None,
        };
        column.map_or("", |c| c.header.as_str())
    }

    /// A timestamp cell, or its problem reported.
    #[allow(clippy::too_many_arguments)] // the row's place and what a bad cell costs
    fn time(
        &mut self,
        diags: &mut Diagnostics,
        file: u32,
        line: u64,
        field: &'static str,
        text: Cell,
        parsed: Result<i64, TimestampError>,
        left_out_of: &str,
    ) -> Option<i64> {
        match parsed {
            Ok(t) => Some(t),
            Err(e) => {
                let problem = match e {
                    TimestampError::Malformed => RowProblem::NotATimestamp,
                    TimestampError::Skipped => RowProblem::SkippedTime,
                    TimestampError::OutOfRange => RowProblem::YearOutOfRange,
                };
                let message = format!(
                    "'{text}' in column '{}' {}; the row is left out of {left_out_of}",
                    self.header(field),
                    e.describe()
                );
                self.problem(diags, file, line, field, problem, message, Some(e.hint()));
                None
            }
        }
    }

    fn row(
        &mut self,
        record: &csv::ByteRecord,
        times: &Times,
        layout: &Layout,
        file: u32,
        line: u64,
        diags: &mut Diagnostics,
    ) {
        self.summary.rows += 1;
        if record.len() != layout.width {
            let message = format!(
                "row has {} fields, the header {}; the row is left out",
                record.len(),
                layout.width
            );
            self.problem(
                diags,
                file,
                line,
                "row",
                RowProblem::ColumnCount,
                message,
                None,
            );
            return;
        }
        let id = cell(record, layout.id);
        if id.is_empty() {
            let message = format!(
                "no ticket id in column '{}'; the row is left out",
                self.header("id")
            );
            self.problem(diags, file, line, "id", RowProblem::EmptyId, message, None);
            return;
        }
        if let Some((first_file, first_line)) = self.seen.insert(id.0, file, line as u32) {
            *self
                .summary
                .left_out
                .entry(("id", RowProblem::DuplicateId))
                .or_default() += 1;
            let first = display_path(&self.files[first_file as usize]);
            diags.push(
                Diagnostic::error(
                    &self.files[file as usize],
                    Loc::new(line as u32, 1, 0),
                    format!("duplicate ticket id '{id}', first at {first}:{first_line}"),
                )
                .with_hint("ticket ids are unique across all the exports of a source"),
            );
            return;
        }

        let created_text = cell(record, layout.created);
        let parsed = times.created;
        let Some(created) = self.time(
            diags,
            file,
            line,
            "created",
            created_text,
            parsed,
            "everything",
        ) else {
            return;
        };
        self.summary.tickets += 1;
        let mut latest = created;
        let mut facts = Facts::default();
        let source: &'s Source = self.source;
        let clock = &source.clock;

        // First response: a bad cell leaves the ticket out of first-response-time and SLA.
        let mut first_response_ok = layout.first_response.is_some();
        let mut responded = None;
        if let Some(i) = layout.first_response {
            let text = cell(record, i);
            if let Some(parsed) = times.first_response {
                let what = "first-response-time and sla-compliance";
                match self.time(diags, file, line, "first-response", text, parsed, what) {
                    Some(t) if t < created => {
                        let message = format!(
                            "first response '{text}' in column '{}' is before the ticket was created; the row is left out of {what}",
                            self.header("first-response")
                        );
                        self.problem(
                            diags,
                            file,
                            line,
                            "first-response",
                            RowProblem::BeforeCreated,
                            message,
                            None,
                        );
                        first_response_ok = false;
                    }
                    Some(t) => {
                        latest = latest.max(t);
                        responded = Some(t);
                    }
                    None => first_response_ok = false,
                }
            }
        }
        if responded.is_some() {
            let w = times.first_response_work;
            facts.first_response = Some(w);
            if let Some(sla) = self.source.sla_first_response {
                facts.sla_within = Some(w <= sla);
            }
        }

        // Resolution: a bad cell leaves the ticket out of resolution time and FCR.
        let mut resolved = None;
        if let Some(i) = layout.resolved {
            let text = cell(record, i);
            if let Some(parsed) = times.resolved {
                let what = "average-resolution-time and first-contact-resolution";
                match self.time(diags, file, line, "resolved", text, parsed, what) {
                    Some(t) if t < created => {
                        let message = format!(
                            "resolution '{text}' in column '{}' is before the ticket was created; the row is left out of {what}",
                            self.header("resolved")
                        );
                        self.problem(
                            diags,
                            file,
                            line,
                            "resolved",
                            RowProblem::BeforeCreated,
                            message,
                            None,
                        );
                    }
                    Some(t) => {
                        latest = latest.max(t);
                        resolved = Some(t);
                    }
                    None => {}
                }
            }
        }
        if resolved.is_some() {
            facts.resolution = Some(times.resolution_work);
        }

        if let Some(i) = layout.replies {
            let text = cell(record, i);
            if !text.is_empty() {
                match text.number() {
                    Some(n) if resolved.is_some() && n >= 1 => facts.fcr = Some(n == 1),
                    Some(_) => {}
                    None => {
                        let message = format!(
                            "'{text}' in column '{}' is not a whole number of replies, 0 or more; the row is left out of first-contact-resolution",
                            self.header("replies")
                        );
                        self.problem(
                            diags,
                            file,
                            line,
                            "replies",
                            RowProblem::OutOfRange,
                            message,
                            None,
                        );
                    }
                }
            }
        }

        if let Some(i) = layout.rating {
            let text = cell(record, i);
            if !text.is_empty() {
                facts.rating = self.rating(diags, file, line, text);
            }
        }

        if let Some(i) = layout.nps {
            let text = cell(record, i);
            if !text.is_empty() {
                match text.number() {
                    Some(n) if n <= 10 => facts.nps = Some(n as u8),
                    _ => {
                        let message = format!(
                            "'{text}' in column '{}' is not an answer from 0 to 10; the row is left out of nps",
                            self.header("nps")
                        );
                        self.problem(
                            diags,
                            file,
                            line,
                            "nps",
                            RowProblem::OutOfRange,
                            message,
                            None,
                        );
                    }
                }
            }
        }

        let mut keys = [None; 4];
        for (d, index) in layout.dimensions.iter().enumerate() {
            if let Some(i) = index {
                let text = cell(record, *i);
                let value = if text.is_empty() { b"-" } else { text.0 };
                keys[d] = Some(self.intern(d, value));
            }
        }
        let subject = match &self.source.subjects {
            Some(s) => keys[s.dimension as usize].and_then(|k| self.subject_of[k as usize]),
            None => None,
        };
        let civil = clock.zone.civil(created);
        let period = self.period(civil);
        let waiting =
            first_response_ok && responded.is_none() && self.source.sla_first_response.is_some();
        self.tally.observe(&Ticket {
            id: id.0,
            created,
            civil,
            period,
            keys,
            sla_within: facts.sla_within,
            waiting,
            rating: facts.rating.map(Rating::is_good),
        });

        if waiting {
            self.pending.push(Pending {
                created,
                period,
                subject: subject.unwrap_or(ORGANISATION),
                keys,
            });
        }
        self.as_of = Some(self.as_of.map_or(latest, |a| a.max(latest)));
        self.group(period, subject.unwrap_or(ORGANISATION))
            .add(&keys, &facts);
    }

    fn group(&mut self, period: i64, slot: u32) -> &mut Group {
        let key = (period, slot);
        let mix =
            (period as u64 ^ u64::from(slot).rotate_left(32)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let recent = &mut self.recent_groups[(mix >> 56) as usize % RECENT_GROUPS];
        let index = match *recent {
            (k, i) if k == key => i,
            _ => {
                let next = self.groups.len();
                let i = *self.group_index.entry(key).or_insert(next);
                if i == next {
                    self.groups.push((key, Group::default()));
                }
                *recent = (key, i);
                i
            }
        };
        &mut self.groups[index].1
    }

    fn rating(
        &mut self,
        diags: &mut Diagnostics,
        file: u32,
        line: u64,
        text: Cell,
    ) -> Option<Rating> {
        let rating = if text.0.eq_ignore_ascii_case(b"good") {
            Some(Rating::Good)
        } else if text.0.eq_ignore_ascii_case(b"bad") {
            Some(Rating::Bad)
        } else {
            match text.number() {
                Some(n @ 1..=5) => Some(Rating::Stars(n as u8)),
                _ => None,
            }
        };
        let Some(rating) = rating else {
            let header = self.header("rating");
            let message = format!(
                "'{text}' in column '{header}' is neither good/bad nor a rating from 1 to 5; the row is left out of csat and csi"
            );
            self.problem(
                diags,
                file,
                line,
                "rating",
                RowProblem::OutOfRange,
                message,
                None,
            );
            return None;
        };
        let stars = matches!(rating, Rating::Stars(_));
        match self.rating_kind {
            None => self.rating_kind = Some(stars),
            Some(kind) if kind != stars => {
                let header = self.header("rating");
                let (this, column) = if stars {
                    ("a 1-5 rating", "good/bad ratings")
                } else {
                    ("a good/bad rating", "1-5 ratings")
                };
                let message = format!(
                    "'{text}' in column '{header}' is {this} in a column of {column}; the row is left out of csat and csi"
                );
                self.problem(
                    diags,
                    file,
                    line,
                    "rating",
                    RowProblem::MixedRating,
                    message,
                    Some("a rating column holds either good/bad or 1-5; its first rating decides"),
                );
                return None;
            }
            Some(_) => {}
        }
        Some(rating)
    }

    fn intern(&mut self, dimension: usize, value: &[u8]) -> u32 {
        let (map, values) = &mut self.interned[dimension];
        if let Some(&k) = map.get(value) {
            return k;
        }
        let k = values.len() as u32;
        map.insert(value.into(), k);
        let name: Box<str> = String::from_utf8_lossy(value).into();
        if let Some(s) = &self.source.subjects
            && s.dimension as usize == dimension
        {
            let slot = s
                .map
                .get(&*name)
                .and_then(|id| self.subject_ids.binary_search(id).ok())
                .map(|i| i as u32);
            self.subject_of.push(slot);
        }
        values.push(name);
        k
    }

    /// The first day (day number) of the period of civil second `civil`.
    fn period(&mut self, civil: i64) -> i64 {
        let day = day_of(civil);
        let slot = &mut self.periods[day.rem_euclid(PERIOD_CACHE as i64) as usize];
        if slot.0 != day {
            *slot = (day, period_start(self.source.period, day));
        }
        slot.1
    }

    fn finish(mut self, diags: &mut Diagnostics) -> Computed {
        if let (Some(as_of), Some(sla)) = (self.as_of, self.source.sla_first_response) {
            for p in std::mem::take(&mut self.pending) {
                if self.source.clock.working_time(p.created, as_of) <= sla {
                    continue;
                }
                let overdue = Facts {
                    sla_within: Some(false),
                    ..Facts::default()
                };
                self.group(p.period, p.subject).add(&p.keys, &overdue);
            }
        }
        let hidden: u64 = self.summary.left_out.values().sum::<u64>()
            - self
                .summary
                .left_out
                .get(&("id", RowProblem::DuplicateId))
                .copied()
                .unwrap_or(0);
        if hidden > self.warnings as u64 {
            let counts: Vec<String> = self
                .summary
                .left_out
                .iter()
                .map(|((field, p), n)| format!("{field}: {} ({n})", p.describe()))
                .collect();
            diags.push(
                Diagnostic::warning(
                    &self.source.file,
                    Loc::default(),
                    format!(
                        "{hidden} row problems in the exports of source '{}', the first {} shown: {}",
                        self.source.id,
                        self.warnings,
                        counts.join(", ")
                    ),
                )
                .with_hint("fix the export, or the columns it is read with"),
            );
        }
        let snapshots = self.snapshots();
        let report = self.report();
        Computed {
            snapshots,
            as_of: self.as_of,
            summary: self.summary,
            report,
        }
    }

    /// The page's figures; agents and topics take their metrics from the counters of every
    /// (period, subject), summed up per key.
    fn report(&mut self) -> Report {
        let totals: [FxMap<u32, Stats>; 4] = std::array::from_fn(|d| {
            let mut sum: FxMap<u32, Stats> = FxMap::default();
            if d == Dimension::Agent as usize || d == Dimension::Topic as usize {
                for (_, group) in &self.groups {
                    for (k, stats) in group.by[d].iter() {
                        sum.entry(k).or_default().merge(stats);
                    }
                }
            }
            sum
        });
        let measures = |d: Dimension, k: u32| -> Vec<KeyMeasure> {
            let Some(stats) = totals[d as usize].get(&k) else {
                return Vec::new();
            };
            stats
                .measures()
                .into_iter()
                .filter(|(metric, _)| report::METRICS.contains(metric))
                .map(|(metric, measure)| KeyMeasure {
                    metric,
                    measure,
                    tickets: stats.basis(metric),
                })
                .collect()
        };
        let names: [&[Box<str>]; 4] = std::array::from_fn(|d| {
            let mapped = self.source.columns.dimension(Dimension::ALL[d]).is_some();
            if mapped { &self.interned[d].1[..] } else { &[] }
        });
        let end = Ending {
            clock: &self.source.clock,
            sla: self.source.sla_first_response,
            as_of: self.as_of,
            period: self.source.period,
            names,
            measures: &measures,
        };
        std::mem::take(&mut self.tally).finish(&end)
    }

    fn snapshots(&self) -> Vec<Snapshot> {
        // Keyed (period, slot + 1): the organisation (u32::MAX) first within a period, then
        // the subjects by id. The organisation's counters are the sum of every slot's.
        let mut sets: BTreeMap<(i64, u32), Group> = BTreeMap::new();
        for ((period, slot), group) in &self.groups {
            if self.source.organisation {
                sets.entry((*period, 0)).or_default().merge(group);
            }
            if *slot != ORGANISATION {
                sets.insert((*period, slot + 1), group.clone());
            }
        }
        sets.into_iter()
            .filter_map(|((period, slot), group)| {
                let (from, to) = period_range(self.source.period, period)?;
                Some(Snapshot {
                    file: self.source.file.clone(),
                    taken: to,
                    period: Some((from, to)),
                    subject: slot
                        .checked_sub(1)
                        .map(|i| self.subject_ids[i as usize].clone()),
                    values: self.values(&group),
                })
            })
            .collect()
    }

    fn values(&self, group: &Group) -> Vec<MetricValue> {
        group
            .all
            .measures()
            .into_iter()
            .map(|(metric, value)| {
                let mut by = Vec::new();
                for d in Dimension::ALL {
                    if self.source.columns.dimension(d).is_none() {
                        continue;
                    }
                    let names = &self.interned[d as usize].1;
                    let mut entries: Vec<(String, Measure)> = group.by[d as usize]
                        .iter()
                        .filter_map(|(k, stats)| {
                            let m = stats.measures().into_iter().find(|(id, _)| *id == metric)?;
                            Some((names[k as usize].to_string(), m.1))
                        })
                        .collect();
                    if entries.is_empty() {
                        continue;
                    }
                    entries.sort_by(|a, b| a.0.cmp(&b.0));
                    by.push(Breakdown {
                        dimension: d.name().to_string(),
                        entries,
                    });
                }
                MetricValue {
                    metric: metric.to_string(),
                    value,
                    target: None,
                    by,
                    note: None,
                }
            })
            .collect()
    }
}

/// The first day of the period holding `day`.
pub fn period_start(kind: PeriodKind, day: i64) -> i64 {
    match kind {
        PeriodKind::Week => day - weekday(day) as i64,
        PeriodKind::Month | PeriodKind::Quarter => {
            let Some(date) = date_of_day(day) else {
                return day;
            };
            let month = match kind {
                PeriodKind::Quarter => (date.month0() / 3) * 3 + 1,
                _ => date.month(),
            };
            NaiveDate::from_ymd_opt(date.year(), month, 1).map_or(day, day_of_date)
        }
    }
}

/// The first and last date of the period starting on day `start`.
pub fn period_range(kind: PeriodKind, start: i64) -> Option<(NaiveDate, NaiveDate)> {
    let from = date_of_day(start)?;
    let to = match kind {
        PeriodKind::Week => date_of_day(start + 6)?,
        PeriodKind::Month | PeriodKind::Quarter => {
            let months = if kind == PeriodKind::Month { 1 } else { 3 };
            let next = from.checked_add_months(chrono::Months::new(months))?;
            next.pred_opt()?
        }
    };
    Some((from, to))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;
    use crate::metrics::Counts;
    use crate::sources::config;
    use crate::sources::reading::BATCH;

    fn source(extra: &str) -> Source {
        let yaml = format!(
            "files: [x.csv]\ntimezone: Europe/Zagreb\ncolumns: {{id: id, created: created, rating: rating, agent: agent}}\n{extra}"
        );
        let mut diags = Diagnostics::default();
        let s = config::parse(Path::new("sources/s.yaml"), &yaml, &mut diags);
        s.unwrap_or_else(|| panic!("{diags:?}"))
    }

    proptest::proptest! {
        /// The counters a (period, subject) key finds through the recent keys are the ones
        /// the map finds: each key's counters count exactly its own tickets.
        #[test]
        fn recent_groups_find_the_mapped_ones(
            keys in proptest::collection::vec(
                (0i64..400, proptest::prop_oneof![0u32..4, proptest::strategy::Just(ORGANISATION)]),
                0..600,
            ),
        ) {
            let s = source("");
            let mut r = Run::new(&s);
            let mut map = BTreeMap::new();
            for (period, slot) in keys {
                r.group(period * 7, slot).all.first_response_n += 1;
                *map.entry((period * 7, slot)).or_insert(0u64) += 1;
            }
            let mut got: Vec<((i64, u32), u64)> =
                r.groups.iter().map(|(k, g)| (*k, g.all.first_response_n)).collect();
            got.sort();
            proptest::prop_assert_eq!(got, map.into_iter().collect::<Vec<_>>());
        }
    }

    #[test]
    fn cached_periods_are_the_calendar_ones() {
        for kind in [PeriodKind::Week, PeriodKind::Month, PeriodKind::Quarter] {
            let name = match kind {
                PeriodKind::Week => "week",
                PeriodKind::Month => "month",
                PeriodKind::Quarter => "quarter",
            };
            let s = source(&format!("period: {name}"));
            let mut r = Run::new(&s);
            // Days far apart that share cache slots, back and forth.
            for day in (0..2000)
                .chain((0..2000).rev())
                .map(|d| 20_000 + d * 37 % 1500)
            {
                assert_eq!(
                    r.period(day * crate::sources::zone::SECONDS_PER_DAY + 5),
                    period_start(kind, day)
                );
            }
        }
    }

    fn run(source: &Source, csv: &[u8]) -> (Computed, Diagnostics) {
        let mut diags = Diagnostics::default();
        let c = compute(source, vec![(PathBuf::from("x.csv"), csv)], &mut diags);
        (c, diags)
    }

    fn day(s: &str) -> i64 {
        day_of_date(s.parse().unwrap())
    }

    #[test]
    fn periods_in_the_zone() {
        let week = |d: &str| {
            period_range(PeriodKind::Week, period_start(PeriodKind::Week, day(d))).unwrap()
        };
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        // ISO weeks start on Monday; 2026-01-01 is a Thursday of week 1.
        assert_eq!(week("2026-01-01"), (d("2025-12-29"), d("2026-01-04")));
        assert_eq!(week("2026-03-29"), (d("2026-03-23"), d("2026-03-29")));
        let quarter = period_start(PeriodKind::Quarter, day("2026-08-15"));
        assert_eq!(
            period_range(PeriodKind::Quarter, quarter),
            Some((d("2026-07-01"), d("2026-09-30")))
        );
        let month = period_start(PeriodKind::Month, day("2024-02-10"));
        assert_eq!(
            period_range(PeriodKind::Month, month),
            Some((d("2024-02-01"), d("2024-02-29")))
        );
        // 2026-03-31 23:30 in Zagreb is 21:30 UTC: still March there.
        let s = source("");
        let (c, _) = run(&s, b"id,created,rating,agent\n1,2026-03-31T21:30:00Z,,\n");
        assert_eq!(c.snapshots[0].taken, d("2026-03-31"));
    }

    #[test]
    fn a_source_of_one_team_gives_no_organisation_snapshots() {
        let csv =
            b"id,created,rating,agent\n1,2026-03-02 10:00,good,ann\n2,2026-03-03 10:00,bad,bo\n";
        let subjects = "subjects: {column: agent, map: {ann: north}}\n";
        let subject_of = |c: &Computed| -> Vec<Option<String>> {
            c.snapshots.iter().map(|s| s.subject.clone()).collect()
        };
        let (c, _) = run(&source(subjects), csv);
        assert_eq!(subject_of(&c), [None, Some("north".to_string())]);
        let (c, diags) = run(&source(&format!("{subjects}organisation: false\n")), csv);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(subject_of(&c), [Some("north".to_string())]);
        // Only the mapped subject's ticket counts: one good rating of one.
        let csi = c.snapshots[0].value("csi").unwrap();
        assert_eq!(
            csi.value.counts,
            Counts::Ratio {
                good: 1.0,
                total: 1.0
            }
        );

        let mut diags = Diagnostics::default();
        let yaml =
            "files: [x.csv]\ntimezone: UTC\ncolumns: {id: id, created: c}\norganisation: no\n";
        assert!(config::parse(Path::new("sources/s.yaml"), yaml, &mut diags).is_none());
        assert!(
            diags.iter().any(|d| d.message.contains("organisation")),
            "{diags:?}"
        );
    }

    #[test]
    fn good_bad_ratings_give_csi_by_agent() {
        let s = source("period: week\n");
        let (c, diags) = run(
            &s,
            b"id,created,rating,agent\n1,2026-03-02 10:00,Good,ann\n2,2026-03-02 11:00,BAD,ann\n3,2026-03-03 11:00,good,\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        let v = c.snapshots[0].value("csi").unwrap();
        assert_eq!(
            v.value.counts,
            Counts::Ratio {
                good: 2.0,
                total: 3.0
            }
        );
        let entries: Vec<(&str, f64)> = v.by[0]
            .entries
            .iter()
            .map(|(k, m)| (k.as_str(), m.value))
            .collect();
        assert_eq!(v.by[0].dimension, "agent");
        assert_eq!(entries, [("-", 100.0), ("ann", 50.0)]);
        assert!(c.snapshots[0].value("csat").is_none());
        assert!(c.snapshots[0].value("first-response-time").is_none());
    }

    #[test]
    fn the_first_rating_decides_the_kind_of_the_column() {
        let s = source("");
        let (c, diags) = run(
            &s,
            b"id,created,rating,agent\n1,2026-03-02 10:00,4,a\n2,2026-03-02 11:00,good,a\n",
        );
        let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "'good' in column 'rating' is a good/bad rating in a column of 1-5 ratings; the row is left out of csat and csi"
            ]
        );
        assert_eq!(c.snapshots[0].values.len(), 1);
        assert_eq!(c.snapshots[0].values[0].metric, "csat");
    }

    #[test]
    fn delimiters_quotes_and_unread_columns() {
        let s = source("delimiter: \";\"\n");
        // The unmapped column holds bytes that are not UTF-8, a quoted delimiter and a
        // quoted newline: none of it is looked at.
        let mut csv = b"note;id;created;agent;rating\n".to_vec();
        csv.extend_from_slice(b"\xff\xfe;1;2026-03-02 10:00;\"a;b\";5\n");
        csv.extend_from_slice(b"\"x\ny\";2;2026-03-02 10:00;\"a;b\";\n");
        csv.extend_from_slice(b"z;3;nonsense;c;1\n");
        let (c, diags) = run(&s, &csv);
        let found: Vec<(u32, &str)> = diags
            .iter()
            .map(|d| (d.loc.line, d.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [(
                5,
                "'nonsense' in column 'created' is not a timestamp; the row is left out of everything"
            )]
        );
        let csat = c.snapshots[0].value("csat").unwrap();
        assert_eq!(csat.by[0].entries[0].0, "a;b");
        assert_eq!(c.summary.tickets, 2);

        let tab = source("delimiter: \"\\t\"\n");
        let (c, diags) = run(
            &tab,
            b"id\tcreated\tagent\trating\n1\t2026-03-02 10:00\ta\t5\n",
        );
        assert!(diags.is_empty() && c.snapshots[0].value("csat").is_some());
    }

    #[test]
    fn row_warnings_stop_at_the_allowance_and_are_summed_up() {
        let s = source("");
        let mut csv = b"id,created,rating,agent\n".to_vec();
        for i in 0..MAX_ROW_WARNINGS + 5 {
            csv.extend_from_slice(format!("{i},2026-03-02 10:00,9,a\n").as_bytes());
        }
        let (c, diags) = run(&s, &csv);
        assert_eq!(diags.count(Severity::Warning), MAX_ROW_WARNINGS + 1);
        let last = diags.iter().last().unwrap();
        assert_eq!(last.file, Path::new("sources/s.yaml"));
        assert_eq!(
            last.message,
            "105 row problems in the exports of source 's', the first 100 shown: rating: out of range (105)"
        );
        assert_eq!(c.summary.tickets, 105);
    }

    #[test]
    fn a_response_due_is_not_overdue_before_the_sla_has_passed() {
        let s = {
            let yaml = "files: [x.csv]\ntimezone: UTC\ncolumns: {id: id, created: created, first-response: first}\nsla: {first-response: 1h}\n";
            config::parse(
                Path::new("sources/s.yaml"),
                yaml,
                &mut Diagnostics::default(),
            )
            .unwrap()
        };
        // As of 11:00: ticket 2 (10:30) waits 30m, not yet overdue; ticket 3 waits 61m.
        let csv = b"id,created,first\n1,2026-03-02 10:00,2026-03-02 11:00\n2,2026-03-02 10:30,\n3,2026-03-02 09:59,\n";
        let (c, _) = run(&s, csv);
        assert_eq!(
            c.snapshots[0].value("sla-compliance").unwrap().value.counts,
            Counts::Ratio {
                good: 1.0,
                total: 2.0
            }
        );
    }

    /// An export that fails with an I/O error after `limit` bytes.
    struct Failing<'a> {
        bytes: &'a [u8],
        limit: usize,
    }

    impl Read for Failing<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.limit == 0 {
                return Err(std::io::Error::other("the disk is gone"));
            }
            let n = buf.len().min(self.limit).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            self.limit -= n;
            Ok(n)
        }
    }

    #[test]
    fn rows_across_batches_keep_their_order_lines_and_the_error_that_stopped_them() {
        let s = source("");
        // Rows 0..3·BATCH at lines 2.., ids 1000.. (row 0 has id 1000). The last row of the
        // first batch has a bad timestamp, the first of the second repeats row 0's id, and a
        // rating of the other kind sits in the third batch.
        let mut csv = b"id,created,rating,agent\n".to_vec();
        let mut ends = Vec::new();
        for row in 0..3 * BATCH {
            let id = if row == BATCH { 1000 } else { 1000 + row };
            let created = if row == BATCH - 1 {
                "soon"
            } else {
                "2026-03-02 10:00"
            };
            let rating = if row == 2 * BATCH + 5 { "good" } else { "5" };
            let line = format!("{id},{created},{rating},a{}\n", row % 7);
            csv.extend_from_slice(line.as_bytes());
            ends.push(csv.len());
        }
        let second = b"id,created,rating,agent\n1,2026-04-01 09:00,4,b\n";
        // The error comes in the middle of row 2·BATCH + 10.
        let failing = Failing {
            bytes: &csv,
            limit: ends[2 * BATCH + 9] + 3,
        };
        let mut diags = Diagnostics::default();
        let exports: Vec<(PathBuf, Box<dyn Read + Send>)> = vec![
            (PathBuf::from("a.csv"), Box::new(failing)),
            (PathBuf::from("b.csv"), Box::new(&second[..])),
        ];
        let c = compute(&s, exports, &mut diags);
        let found: Vec<(String, u32, &str)> = diags
            .iter()
            .map(|d| (display_path(&d.file), d.loc.line, d.message.as_str()))
            .collect();
        let bad = BATCH as u32; // the line of row BATCH - 1
        assert_eq!(
            found,
            [
                (
                    "a.csv".to_string(),
                    bad + 1,
                    "'soon' in column 'created' is not a timestamp; the row is left out of everything"
                ),
                (
                    "a.csv".to_string(),
                    bad + 2,
                    "duplicate ticket id '1000', first at a.csv:2"
                ),
                (
                    "a.csv".to_string(),
                    2 * bad + 7,
                    "'good' in column 'rating' is a good/bad rating in a column of 1-5 ratings; the row is left out of csat and csi"
                ),
                (
                    "a.csv".to_string(),
                    0,
                    "cannot read a.csv: the disk is gone"
                ),
            ]
        );
        // Every whole row before the error was read, the two bad ones left out; then the
        // second file.
        assert_eq!(c.summary.rows, 2 * BATCH as u64 + 10 + 1);
        assert_eq!(c.summary.tickets, 2 * BATCH as u64 + 10 - 2 + 1);
        assert_eq!(c.snapshots.len(), 2);
    }
}

//! Ticket exports: sources that compute metric snapshots from a help desk's CSV export
//! (docs/exports.md). `config` reads `sources/<id>.yaml`, `timestamp` and `zone` read times,
//! `hours` measures working time, `reading` reads an export's records on a thread of their
//! own, `compute` folds them into the counters of `counters` and makes the snapshots, and
//! `report` counts what the source's page shows besides them.

pub mod compute;
pub mod config;
mod counters;
mod fx;
pub mod hours;
mod ids;
mod reading;
pub mod report;
pub mod timestamp;
pub mod zone;

pub use compute::{Computed, RowProblem, RowSummary, compute, compute_files};
pub use config::{Column, Columns, Dimension, PeriodKind, Source, Subjects};
pub use hours::{Clock, WorkingHours};
pub use report::{KeyMeasure, KeyReport, PeriodReport, Ranked, Report, TicketList};

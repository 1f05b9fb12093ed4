//! Ticket exports: sources that compute metric snapshots from a help desk's CSV export
//! (docs/exports.md). `config` reads `sources/<id>.yaml`, `timestamp` and `zone` read times,
//! `hours` measures working time, and `compute` streams the export into snapshots.

pub mod hours;
pub mod timestamp;
pub mod zone;

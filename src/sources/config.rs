//! The reader of `sources/<id>.yaml`: decodes the file's YAML nodes into a typed [`Source`],
//! with a located diagnostic for every structural problem (docs/exports.md).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::decode::{self, Ctx};
use crate::diag::{Diagnostic, Diagnostics};
use crate::metrics::parse_duration;
use crate::source::Loc;
use crate::yaml::{self, Kind, Node};

use super::hours::{Clock, DayHours, WorkingHours};
use super::zone::{Zone, day_of_date};

/// A help-desk export and how to read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// The file stem of `sources/<id>.yaml`.
    pub id: String,
    /// The source file, relative to the workspace root: the origin of its snapshots.
    pub file: PathBuf,
    /// Globs relative to the workspace root, as written.
    pub files: Vec<String>,
    pub delimiter: u8,
    /// The zone and working hours.
    pub clock: Clock,
    pub columns: Columns,
    pub subjects: Option<Subjects>,
    /// `sla.first-response`, in working seconds.
    pub sla_first_response: Option<i64>,
    pub period: PeriodKind,
    pub ticket_url: Option<String>,
    /// `organisation: false`: the export covers only its mapped subjects (one team's help
    /// desk), so it gives no snapshots of the whole organisation (docs/exports.md §5).
    pub organisation: bool,
}

/// A header name of the export, and where the source file names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub header: String,
    pub loc: Loc,
}

/// The breakdown dimensions, in the order breakdowns are given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dimension {
    Channel,
    Group,
    Agent,
    Topic,
}

impl Dimension {
    pub const ALL: [Dimension; 4] = [
        Dimension::Channel,
        Dimension::Group,
        Dimension::Agent,
        Dimension::Topic,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Dimension::Channel => "channel",
            Dimension::Group => "group",
            Dimension::Agent => "agent",
            Dimension::Topic => "topic",
        }
    }

    fn parse(s: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.name() == s)
    }
}

/// The mapped columns. Only these are ever read from an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    pub id: Column,
    pub created: Column,
    pub first_response: Option<Column>,
    pub resolved: Option<Column>,
    pub replies: Option<Column>,
    /// Indexed like [`Dimension::ALL`].
    pub dimensions: [Option<Column>; 4],
    pub rating: Option<Column>,
    pub nps: Option<Column>,
}

impl Columns {
    pub fn dimension(&self, d: Dimension) -> Option<&Column> {
        self.dimensions[d as usize].as_ref()
    }

    /// Every mapped column with its field name under `columns`.
    pub fn all(&self) -> Vec<(&'static str, &Column)> {
        let mut all = vec![("id", &self.id), ("created", &self.created)];
        let optional = [
            ("first-response", &self.first_response),
            ("resolved", &self.resolved),
            ("replies", &self.replies),
            ("channel", &self.dimensions[0]),
            ("group", &self.dimensions[1]),
            ("agent", &self.dimensions[2]),
            ("topic", &self.dimensions[3]),
            ("rating", &self.rating),
            ("nps", &self.nps),
        ];
        all.extend(
            optional
                .into_iter()
                .filter_map(|(name, c)| c.as_ref().map(|c| (name, c))),
        );
        all
    }
}

/// Which tickets belong to which audited subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subjects {
    pub dimension: Dimension,
    /// Cell value -> subject id.
    pub map: BTreeMap<String, String>,
}

/// The length of a snapshot's period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PeriodKind {
    #[default]
    Month,
    Quarter,
    /// ISO weeks, Monday first.
    Week,
}

const FIELDS: &[&str] = &[
    "files",
    "delimiter",
    "timezone",
    "columns",
    "subjects",
    "hours",
    "sla",
    "period",
    "ticket-url",
    "organisation",
];
const COLUMN_FIELDS: &[&str] = &[
    "id",
    "created",
    "first-response",
    "resolved",
    "replies",
    "channel",
    "group",
    "agent",
    "topic",
    "rating",
    "nps",
];
const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const HOURS_FIELDS: &[&str] = &["mon", "tue", "wed", "thu", "fri", "sat", "sun", "holidays"];

/// Parses and reads a source file; `file` is relative to the workspace root.
pub fn parse(file: &Path, text: &str, diags: &mut Diagnostics) -> Option<Source> {
    let doc = match yaml::parse_document(text) {
        Ok(doc) => doc,
        Err(e) => {
            diags.push(Diagnostic::error(file, e.loc, e.message).with_hint_opt(e.hint));
            return None;
        }
    };
    for e in doc.problems {
        diags.push(Diagnostic::error(file, e.loc, e.message).with_hint_opt(e.hint));
    }
    read(&mut Ctx::new(file, diags), &doc.root)
}

/// Reads a source from its file's root node; `None` when it has any error.
pub fn read(ctx: &mut Ctx, root: &Node) -> Option<Source> {
    let errors_before = ctx.diags.count(crate::diag::Severity::Error);
    let id = ctx
        .file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string();
    decode::check_id(ctx, Loc::new(0, 0, 0), &id, "source id (the file name)");
    let fields = decode::fields(ctx, root, FIELDS, "a source")?;

    let files = fields
        .require(ctx, "files")
        .and_then(|n| read_files(ctx, n))
        .unwrap_or_default();
    let delimiter = fields
        .get("delimiter")
        .map_or(Some(b','), |n| read_delimiter(ctx, n));
    let zone = fields
        .require(ctx, "timezone")
        .and_then(|n| read_zone(ctx, n));
    let columns = fields
        .require(ctx, "columns")
        .and_then(|n| read_columns(ctx, n));
    let subjects = fields
        .get("subjects")
        .and_then(|n| read_subjects(ctx, n, columns.as_ref()));
    let hours = fields.get("hours").map(|n| read_hours(ctx, n));
    let sla = fields.get("sla").map(|n| read_sla(ctx, n));
    let period = fields
        .get("period")
        .map_or(Some(PeriodKind::Month), |n| read_period(ctx, n));
    let ticket_url = fields
        .get("ticket-url")
        .and_then(|n| decode::string(ctx, n, "ticket-url"));
    let organisation = fields
        .get("organisation")
        .map_or(Some(true), |n| decode::boolean(ctx, n, "organisation"));

    if ctx.diags.count(crate::diag::Severity::Error) > errors_before {
        return None;
    }
    Some(Source {
        id,
        file: ctx.file.to_path_buf(),
        files,
        delimiter: delimiter?,
        clock: Clock {
            zone: zone?,
            hours: hours.flatten(),
        },
        columns: columns?,
        subjects,
        sla_first_response: sla.flatten(),
        period: period?,
        ticket_url,
        organisation: organisation?,
    })
}

fn read_files(ctx: &mut Ctx, node: &Node) -> Option<Vec<String>> {
    let items = decode::list(ctx, node, "files")?;
    let mut files = Vec::new();
    for item in items {
        if let Some(s) = decode::string(ctx, item, "files") {
            if s.trim().is_empty() {
                ctx.error(item.loc, "empty file glob in 'files'");
            } else {
                files.push(s);
            }
        }
    }
    if items.is_empty() {
        ctx.error_hint(
            node.loc,
            "'files' lists no export",
            "list the exports' globs, such as [exports/helpdesk/*.csv]",
        );
    }
    Some(files)
}

fn read_delimiter(ctx: &mut Ctx, node: &Node) -> Option<u8> {
    let s = decode::string(ctx, node, "delimiter")?;
    match s.as_str() {
        "," => Some(b','),
        ";" => Some(b';'),
        "\t" => Some(b'\t'),
        _ => {
            ctx.error_hint(
                node.loc,
                format!("invalid delimiter {s:?}"),
                r#"the delimiter is "," (the default), ";" or "\t""#,
            );
            None
        }
    }
}

fn read_zone(ctx: &mut Ctx, node: &Node) -> Option<Zone> {
    let name = decode::string(ctx, node, "timezone")?;
    if let Some(zone) = Zone::get(&name) {
        return Some(zone);
    }
    let names = Zone::names();
    let hint = ctx.hint(&name, names.iter().map(String::as_str), || {
        "use an IANA time zone name, such as Europe/Tallinn".to_string()
    });
    ctx.error_hint(node.loc, format!("unknown time zone '{name}'"), hint);
    None
}

fn read_column(ctx: &mut Ctx, node: &Node, field: &str) -> Option<Column> {
    let header = decode::string(ctx, node, &format!("columns.{field}"))?;
    if header.is_empty() {
        ctx.error(node.loc, format!("empty header name for 'columns.{field}'"));
        return None;
    }
    Some(Column {
        header,
        loc: node.loc,
    })
}

fn read_columns(ctx: &mut Ctx, node: &Node) -> Option<Columns> {
    let fields = decode::fields(ctx, node, COLUMN_FIELDS, "'columns'")?;
    let id = fields.require(ctx, "id");
    let created = fields.require(ctx, "created");
    let mut get = |name: &str| fields.get(name).and_then(|n| read_column(ctx, n, name));
    let columns = Columns {
        id: Column {
            header: String::new(),
            loc: Loc::default(),
        },
        created: Column {
            header: String::new(),
            loc: Loc::default(),
        },
        first_response: get("first-response"),
        resolved: get("resolved"),
        replies: get("replies"),
        dimensions: [get("channel"), get("group"), get("agent"), get("topic")],
        rating: get("rating"),
        nps: get("nps"),
    };
    let id = read_column(ctx, id?, "id");
    let created = read_column(ctx, created?, "created");
    // One header for two fields would make a cell mean two things.
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    let mut named = vec![("id", id.as_ref()), ("created", created.as_ref())];
    named.extend(columns.all().into_iter().skip(2).map(|(n, c)| (n, Some(c))));
    for (name, column) in named {
        let Some(column) = column else { continue };
        if let Some(first) = seen.insert(&column.header, name) {
            ctx.error(
                column.loc,
                format!(
                    "column '{}' is mapped twice, to '{first}' and '{name}'",
                    column.header
                ),
            );
        }
    }
    Some(Columns {
        id: id?,
        created: created?,
        ..columns
    })
}

fn read_subjects(ctx: &mut Ctx, node: &Node, columns: Option<&Columns>) -> Option<Subjects> {
    let fields = decode::fields(ctx, node, &["column", "map"], "'subjects'")?;
    let column_node = fields.require(ctx, "column");
    let map_node = fields.require(ctx, "map");
    let dimension = column_node.and_then(|n| {
        let s = decode::string(ctx, n, "subjects.column")?;
        let Some(d) = Dimension::parse(&s) else {
            ctx.error_hint(
                n.loc,
                format!("'{s}' is not a dimension"),
                "subjects.column is one of channel, group, agent, topic",
            );
            return None;
        };
        if columns.is_some_and(|c| c.dimension(d).is_none()) {
            ctx.error_hint(
                n.loc,
                format!("subjects.column '{s}' has no column"),
                format!("map it under `columns:`, as `{s}: <header>`"),
            );
            return None;
        }
        Some(d)
    });
    let mut map = BTreeMap::new();
    if let Some(n) = map_node {
        let Some(entries) = n.as_map() else {
            ctx.error(
                n.loc,
                format!(
                    "expected a mapping for 'subjects.map', found {}",
                    n.describe()
                ),
            );
            return None;
        };
        for (k, v) in entries {
            let Some(value) = k.scalar_text() else {
                ctx.error(k.loc, "expected a column value as a key of 'subjects.map'");
                continue;
            };
            if let Some(subject) = decode::id(ctx, v, "subjects.map", "subject id") {
                map.insert(value, subject);
            }
        }
    }
    Some(Subjects {
        dimension: dimension?,
        map,
    })
}

fn read_hours(ctx: &mut Ctx, node: &Node) -> Option<WorkingHours> {
    let fields = decode::fields(ctx, node, HOURS_FIELDS, "'hours'")?;
    let mut days: [DayHours; 7] = Default::default();
    let mut ok = true;
    for (i, name) in WEEKDAYS.iter().enumerate() {
        if let Some(n) = fields.get(name) {
            match read_day(ctx, n, name) {
                Some(day) => days[i] = day,
                None => ok = false,
            }
        }
    }
    let mut holidays = Vec::new();
    if let Some(n) = fields.get("holidays") {
        for item in decode::list(ctx, n, "hours.holidays").unwrap_or_default() {
            match decode::date(ctx, item, "hours.holidays") {
                Some(d) => holidays.push(day_of_date(d)),
                None => ok = false,
            }
        }
    }
    ok.then(|| WorkingHours::new(days, &holidays))
}

/// `"09:00-12:00, 13:00-17:00"`: intervals in order, not overlapping.
fn read_day(ctx: &mut Ctx, node: &Node, day: &str) -> Option<DayHours> {
    let text = match &node.kind {
        Kind::Str(s) => s.clone(),
        _ => {
            ctx.error_hint(
                node.loc,
                format!(
                    "expected hours such as \"09:00-18:00\" for '{day}', found {}",
                    node.describe()
                ),
                "write the hours in quotes; leave a closed day out",
            );
            return None;
        }
    };
    const HINT: &str = "write intervals as \"09:00-18:00\", several separated by commas, in order";
    let mut intervals: DayHours = Vec::new();
    for part in text.split(',') {
        let part = part.trim();
        let parsed = part
            .split_once('-')
            .and_then(|(s, e)| Some((clock_time(s.trim())?, clock_time(e.trim())?)));
        let Some((start, end)) = parsed else {
            ctx.error_hint(
                node.loc,
                format!("malformed hours '{part}' for '{day}'"),
                HINT,
            );
            return None;
        };
        if start >= end {
            ctx.error_hint(
                node.loc,
                format!("hours '{part}' for '{day}' end before they start"),
                "an interval lies within one day; 24:00 is the end of the day",
            );
            return None;
        }
        if let Some(&(_, last_end)) = intervals.last()
            && start < last_end
        {
            ctx.error_hint(
                node.loc,
                format!("hours '{part}' for '{day}' overlap or precede the interval before"),
                HINT,
            );
            return None;
        }
        intervals.push((start, end));
    }
    Some(intervals)
}

/// `HH:MM` as seconds after midnight; `24:00` is the end of the day.
fn clock_time(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 || !(h.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    match (h, m) {
        (24, 0) => Some(86_400),
        (0..=23, 0..=59) => Some(h * 3600 + m * 60),
        _ => None,
    }
}

fn read_sla(ctx: &mut Ctx, node: &Node) -> Option<i64> {
    let fields = decode::fields(ctx, node, &["first-response"], "'sla'")?;
    let n = fields.get("first-response")?;
    let text = n.as_str();
    match text.and_then(parse_duration) {
        Some(seconds) => Some(seconds.round() as i64),
        None => {
            ctx.error_hint(
                n.loc,
                format!(
                    "invalid duration for 'sla.first-response': {}",
                    n.scalar_text().unwrap_or_else(|| n.describe().to_string())
                ),
                "durations carry units: 90s, 45m, 2h 30m, 1d 4h, or PT2H30M",
            );
            None
        }
    }
}

fn read_period(ctx: &mut Ctx, node: &Node) -> Option<PeriodKind> {
    let s = decode::string(ctx, node, "period")?;
    match s.as_str() {
        "month" => Some(PeriodKind::Month),
        "quarter" => Some(PeriodKind::Quarter),
        "week" => Some(PeriodKind::Week),
        _ => {
            let hint = ctx.hint(&s, ["month", "quarter", "week"], || {
                "the period is month (the default), quarter or week".to_string()
            });
            ctx.error_hint(node.loc, format!("invalid period '{s}'"), hint);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Severity, render_human};
    use crate::source::Sources;

    const FULL: &str = r#"files: [exports/helpdesk/*.csv]
delimiter: ";"
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
  map: {"Tallinn L1": tallinn-helpdesk, "Tartu L1": tartu-helpdesk}
hours:
  mon: "09:00-18:00"
  fri: "09:00-12:00, 13:00-17:00"
  sat: "10:00-14:00"
  holidays: [2026-01-01, 2026-02-24]
sla:
  first-response: 1h
period: quarter
ticket-url: "https://desk.example.com/tickets/{id}"
"#;

    fn read_text(text: &str) -> (Option<Source>, String) {
        let file = Path::new("sources/helpdesk.yaml");
        let mut diags = Diagnostics::default();
        let source = parse(file, text, &mut diags);
        let mut sources = Sources::default();
        sources.insert(file, text.to_string());
        (source, render_human(&diags, &sources))
    }

    /// The one error of `text`, as printed.
    fn error(text: &str) -> String {
        let (source, printed) = read_text(text);
        assert!(source.is_none(), "{printed}");
        printed
    }

    #[test]
    fn reads_every_field() {
        let (source, printed) = read_text(FULL);
        let s = source.unwrap_or_else(|| panic!("{printed}"));
        assert_eq!(s.id, "helpdesk");
        assert_eq!(s.files, ["exports/helpdesk/*.csv"]);
        assert_eq!(s.delimiter, b';');
        assert_eq!(s.clock.zone.name(), "Europe/Tallinn");
        assert_eq!(s.columns.id.header, "Ticket ID");
        assert_eq!(s.columns.id.loc.line, 5);
        assert_eq!(
            s.columns.dimension(Dimension::Agent).unwrap().header,
            "Assignee"
        );
        let subjects = s.subjects.unwrap();
        assert_eq!(subjects.dimension, Dimension::Group);
        assert_eq!(subjects.map["Tartu L1"], "tartu-helpdesk");
        assert!(s.clock.hours.is_some());
        assert_eq!(s.sla_first_response, Some(3600));
        assert_eq!(s.period, PeriodKind::Quarter);
        assert_eq!(
            s.ticket_url.as_deref(),
            Some("https://desk.example.com/tickets/{id}")
        );
    }

    #[test]
    fn defaults() {
        let (source, printed) =
            read_text("files: [a.csv]\ntimezone: UTC\ncolumns: {id: ID, created: Created}\n");
        let s = source.unwrap_or_else(|| panic!("{printed}"));
        assert_eq!(s.delimiter, b',');
        assert_eq!(s.period, PeriodKind::Month);
        assert!(s.clock.hours.is_none() && s.sla_first_response.is_none());
        let tab = read_text(
            "files: [a.csv]\ndelimiter: \"\\t\"\ntimezone: UTC\ncolumns: {id: a, created: b}\n",
        );
        assert_eq!(tab.0.unwrap().delimiter, b'\t');
    }

    #[test]
    fn unknown_field() {
        let e = error(&FULL.replace("period:", "perod:"));
        assert!(
            e.starts_with(
                "error: unknown field 'perod' in a source\n  --> sources/helpdesk.yaml:26:1"
            ),
            "{e}"
        );
        assert!(e.contains("= hint: did you mean 'period'?"), "{e}");
        let e = error(&FULL.replace("  topic: Topic", "  tpoic: Topic"));
        assert!(
            e.contains("unknown field 'tpoic' in 'columns'") && e.contains(":13:3"),
            "{e}"
        );
    }

    #[test]
    fn missing_timezone_and_columns() {
        let e = error("files: [a.csv]\ncolumns: {created: C}\n");
        assert!(
            e.contains(
                "error: missing field 'timezone' in a source\n --> sources/helpdesk.yaml:1:1"
            ),
            "{e}"
        );
        assert!(
            e.contains("error: missing field 'id' in 'columns'\n --> sources/helpdesk.yaml:2:10"),
            "{e}"
        );
        let e = error("files: [a.csv]\ntimezone: UTC\ncolumns: {id: I}\n");
        assert!(e.contains("missing field 'created' in 'columns'"), "{e}");
    }

    #[test]
    fn unknown_zone_with_suggestion() {
        let e = error(&FULL.replace("Europe/Tallinn", "Europe/Talinn"));
        assert!(
            e.starts_with(
                "error: unknown time zone 'Europe/Talinn'\n --> sources/helpdesk.yaml:3:11"
            ),
            "{e}"
        );
        assert!(e.contains("= hint: did you mean 'Europe/Tallinn'?"), "{e}");
    }

    #[test]
    fn bad_delimiter_and_period() {
        let e = error(&FULL.replace("delimiter: \";\"", "delimiter: \"|\""));
        assert!(
            e.starts_with("error: invalid delimiter \"|\"\n --> sources/helpdesk.yaml:2:12"),
            "{e}"
        );
        let e = error(&FULL.replace("period: quarter", "period: quater"));
        assert!(
            e.starts_with("error: invalid period 'quater'\n  --> sources/helpdesk.yaml:26:9"),
            "{e}"
        );
        assert!(e.contains("did you mean 'quarter'?"), "{e}");
    }

    #[test]
    fn malformed_and_overlapping_hours() {
        for (hours, message) in [
            ("9:00-18:00", "malformed hours '9:00-18:00' for 'mon'"),
            ("09:00-25:00", "malformed hours '09:00-25:00' for 'mon'"),
            ("09:00", "malformed hours '09:00' for 'mon'"),
            (
                "18:00-09:00",
                "hours '18:00-09:00' for 'mon' end before they start",
            ),
            (
                "09:00-13:00, 12:00-18:00",
                "hours '12:00-18:00' for 'mon' overlap or precede the interval before",
            ),
            (
                "13:00-18:00, 09:00-12:00",
                "hours '09:00-12:00' for 'mon' overlap or precede the interval before",
            ),
        ] {
            let e = error(&FULL.replace("mon: \"09:00-18:00\"", &format!("mon: \"{hours}\"")));
            assert!(
                e.starts_with(&format!(
                    "error: {message}\n  --> sources/helpdesk.yaml:20:8"
                )),
                "{e}"
            );
        }
        // Touching intervals and a day that ends at midnight are fine.
        let (ok, printed) = read_text(&FULL.replace("09:00-18:00", "09:00-12:00, 12:00-24:00"));
        assert!(ok.is_some(), "{printed}");
        let e = error(&FULL.replace("holidays: [2026-01-01,", "holidays: [2026-13-01,"));
        assert!(
            e.contains("invalid date '2026-13-01' for 'hours.holidays'"),
            "{e}"
        );
    }

    #[test]
    fn subjects_need_a_mapped_dimension_and_ids() {
        let text = "files: [a.csv]\ntimezone: UTC\ncolumns: {id: I, created: C}\nsubjects: {column: group, map: {A: a}}\n";
        let e = error(text);
        assert!(e.contains("subjects.column 'group' has no column"), "{e}");
        let e = error(&FULL.replace("tartu-helpdesk", "Tartu Helpdesk"));
        assert!(e.contains("invalid subject id 'Tartu Helpdesk'"), "{e}");
        let e = error(&FULL.replace("column: group", "column: team"));
        assert!(e.contains("'team' is not a dimension"), "{e}");
    }

    #[test]
    fn sla_needs_a_duration_and_columns_one_field_each() {
        let e = error(&FULL.replace("first-response: 1h", "first-response: 60"));
        assert!(
            e.contains("invalid duration for 'sla.first-response': 60"),
            "{e}"
        );
        let e = error(&FULL.replace("topic: Topic", "topic: Channel"));
        assert!(
            e.contains("column 'Channel' is mapped twice, to 'channel' and 'topic'"),
            "{e}"
        );
        let (_, printed) = read_text(&FULL.replace("timezone", "timezone: UTC\ntimezone"));
        assert!(printed.contains("error"), "{printed}");
        let mut diags = Diagnostics::default();
        parse(Path::new("sources/Help Desk.yaml"), FULL, &mut diags);
        assert_eq!(diags.count(Severity::Error), 1);
    }
}

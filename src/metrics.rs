//! Metrics: definitions, the value forms of snapshots, durations, and status against targets.

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::Serialize;

use crate::decode::{self, Ctx};
use crate::text::Text;
use crate::yaml::{Kind, Node, format_number};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Percent,
    Score,
    Duration,
    Count,
}

impl Unit {
    pub fn parse(s: &str) -> Option<Unit> {
        Some(match s {
            "percent" => Unit::Percent,
            "score" => Unit::Score,
            "duration" => Unit::Duration,
            "count" => Unit::Count,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Better {
    Higher,
    Lower,
}

/// A metric's definition. Durations (values, targets) are in seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricDef {
    pub id: String,
    pub title: Text,
    pub unit: Unit,
    pub better: Better,
    pub target: Option<f64>,
    pub warn: Option<f64>,
    pub description: Option<Text>,
}

/// Where a value stands against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Met,
    AtRisk,
    Below,
    Untracked,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::AtRisk => "at-risk",
            Status::Below => "below",
            Status::Untracked => "untracked",
        }
    }
}

/// `met` at or beyond the target in the better direction; `at-risk` short of it but at or
/// beyond `warn`; `below` otherwise; `untracked` without a target.
pub fn status(value: f64, target: Option<f64>, warn: Option<f64>, better: Better) -> Status {
    let Some(target) = target else {
        return Status::Untracked;
    };
    let at_or_beyond = |limit: f64| match better {
        Better::Higher => value >= limit,
        Better::Lower => value <= limit,
    };
    if at_or_beyond(target) {
        Status::Met
    } else if warn.is_some_and(at_or_beyond) {
        Status::AtRisk
    } else {
        Status::Below
    }
}

/// One metric snapshot file.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub file: PathBuf,
    pub taken: NaiveDate,
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub subject: Option<String>,
    /// Values in the order written.
    pub values: Vec<MetricValue>,
}

impl Snapshot {
    pub fn value(&self, metric: &str) -> Option<&MetricValue> {
        self.values.iter().find(|v| v.metric == metric)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MetricValue {
    pub metric: String,
    pub value: Measure,
    /// This snapshot's own target, overriding the metric's.
    pub target: Option<f64>,
    pub by: Vec<Breakdown>,
    pub note: Option<Text>,
}

/// A value in the metric's unit and the counts it came from, where it came from counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measure {
    pub value: f64,
    pub counts: Counts,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Counts {
    None,
    /// `{good, total}` and `{ratings}`: good of total.
    Ratio {
        good: f64,
        total: f64,
    },
    /// `{promoters, passives, detractors}` and `{scores}`.
    Nps {
        promoters: f64,
        passives: f64,
        detractors: f64,
    },
}

/// Values of one dimension (`channel`, `group`, `agent`): name -> value, in written order.
#[derive(Debug, Clone, PartialEq)]
pub struct Breakdown {
    pub dimension: String,
    pub entries: Vec<(String, Measure)>,
}

/// The longest duration a value may be, as written and in seconds: longer ones are
/// mistakes, and far longer ones would lose their precision, or overflow, on the way to
/// a page.
pub const MAX_DURATION: &str = "36500d";
pub const MAX_DURATION_YEARS: u32 = 100;
pub const MAX_DURATION_SECONDS: f64 = 36_500.0 * 86_400.0;

/// Parses a duration: `90s`, `45m`, `2h 30m`, `1d 4h`, `1.5h`, or ISO 8601 `PT2H30M`, `P1DT2H`.
/// Returns seconds. A day is 24 hours.
pub fn parse_duration(s: &str) -> Option<f64> {
    let s = s.trim();
    if let Some(iso) = s.strip_prefix('P') {
        return parse_iso_duration(iso);
    }
    let mut total = 0.0;
    let mut last_rank = usize::MAX;
    let mut rest = s;
    let mut any = false;
    while !rest.is_empty() {
        rest = rest.trim_start();
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = parse_plain_number(&rest[..digits])?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let (rank, seconds) = match &rest[..unit_len] {
            "d" => (0, 86_400.0),
            "h" => (1, 3_600.0),
            "m" | "min" => (2, 60.0),
            "s" => (3, 1.0),
            _ => return None,
        };
        // Units appear once each, largest first: `2h 30m`, not `30m 2h` or `1h 1h`.
        if last_rank != usize::MAX && rank <= last_rank {
            return None;
        }
        last_rank = rank;
        total += number * seconds;
        rest = &rest[unit_len..];
        any = true;
    }
    any.then_some(total)
}

fn parse_plain_number(s: &str) -> Option<f64> {
    if s.is_empty() || s.starts_with('.') || s.ends_with('.') || s.matches('.').count() > 1 {
        return None;
    }
    s.parse().ok()
}

fn parse_iso_duration(s: &str) -> Option<f64> {
    let (date, time) = match s.split_once('T') {
        Some((d, t)) if !t.is_empty() => (d, Some(t)),
        Some(_) => return None,
        None => (s, None),
    };
    let mut total = 0.0;
    let mut any = false;
    let mut take = |part: &str, units: &[(char, f64)]| -> Option<()> {
        let mut rest = part;
        let mut next_unit = 0;
        while !rest.is_empty() {
            let end = rest.find(|c: char| c.is_ascii_alphabetic())?;
            let number = parse_plain_number(&rest[..end])?;
            let unit = rest[end..].chars().next()?;
            let pos = units[next_unit..].iter().position(|(u, _)| *u == unit)? + next_unit;
            total += number * units[pos].1;
            next_unit = pos + 1;
            rest = &rest[end + 1..];
            any = true;
        }
        Some(())
    };
    take(date, &[('W', 604_800.0), ('D', 86_400.0)])?;
    if let Some(time) = time {
        take(time, &[('H', 3_600.0), ('M', 60.0), ('S', 1.0)])?;
    }
    any.then_some(total)
}

const DURATION_HINT: &str = "durations carry units: '90s', '45m', '2h 30m', '1d 4h' or 'PT2H30M'";

/// The hint for a duration written as a number and a unit word, such as `42 min` or
/// `2 hours`: the same in the short and the ISO 8601 form.
fn spelt_out_duration(s: &str) -> Option<String> {
    let (number, unit) = s.trim().split_once(char::is_whitespace)?;
    parse_plain_number(number)?;
    let (short, iso) = match unit.trim().to_ascii_lowercase().as_str() {
        "s" | "sec" | "secs" | "second" | "seconds" => ("s", "PT{}S"),
        "m" | "min" | "mins" | "minute" | "minutes" => ("m", "PT{}M"),
        "h" | "hr" | "hrs" | "hour" | "hours" => ("h", "PT{}H"),
        "d" | "day" | "days" => ("d", "P{}D"),
        _ => return None,
    };
    let iso = iso.replace("{}", number);
    Some(format!(
        "write durations as {number}{short} (units: s, m, h, d) or ISO 8601 {iso}"
    ))
}

/// A target or warn level of metric `id`, in its unit: a number, or a duration for duration
/// metrics; inside the values the metric can take.
pub fn read_level(ctx: &mut Ctx, node: &Node, field: &str, id: &str, unit: Unit) -> Option<f64> {
    let value = if unit == Unit::Duration {
        read_duration(ctx, node, field)?
    } else {
        decode::number(ctx, node, field)?
    };
    let (lo, hi) = range(id, unit);
    if (lo..=hi).contains(&value) {
        return Some(value);
    }
    let hint = match unit {
        Unit::Duration => "durations are 0 or more".to_string(),
        Unit::Count => "counts are 0 or more".to_string(),
        _ => format!(
            "'{id}' runs from {} to {}",
            format_number(lo),
            format_number(hi)
        ),
    };
    ctx.error_hint(
        node.loc,
        format!(
            "{field} {} is outside the range of '{id}'",
            node.scalar_text().unwrap_or_default()
        ),
        hint,
    );
    None
}

/// The values metric `id` can take: percents from 0 to 100, NPS from −100 to 100, counts
/// and durations 0 or more, other scores any.
fn range(id: &str, unit: Unit) -> (f64, f64) {
    match unit {
        Unit::Percent => (0.0, 100.0),
        Unit::Score if id == "nps" => (-100.0, 100.0),
        Unit::Score => (f64::NEG_INFINITY, f64::INFINITY),
        Unit::Duration | Unit::Count => (0.0, f64::INFINITY),
    }
}

/// A duration written with units (docs/format.md, "Durations"), in seconds.
pub(crate) fn read_duration(ctx: &mut Ctx, node: &Node, field: &str) -> Option<f64> {
    match &node.kind {
        Kind::Str(s) => {
            let d = parse_duration(s);
            if let Some(seconds) = d
                && seconds > MAX_DURATION_SECONDS
            {
                ctx.error_hint(
                    node.loc,
                    format!("duration '{s}' for '{field}' is out of range"),
                    format!("the longest duration is {MAX_DURATION} ({MAX_DURATION_YEARS} years)"),
                );
                return None;
            }
            if d.is_none() {
                let hint = spelt_out_duration(s).unwrap_or_else(|| DURATION_HINT.to_string());
                ctx.error_hint(
                    node.loc,
                    format!("malformed duration '{s}' for '{field}'"),
                    hint,
                );
            }
            d
        }
        Kind::Int(_) | Kind::Float(_) if node.as_f64().is_some_and(f64::is_finite) => {
            let n = node.scalar_text().unwrap_or_default();
            ctx.error_hint(
                node.loc,
                format!("bare number {n} for '{field}', which is a duration"),
                format!("durations carry units: write '{n}s', '{n}m' or '{n}h'"),
            );
            None
        }
        _ => {
            let found = match node.kind {
                Kind::Float(f) => format_number(f),
                _ => node.describe().to_string(),
            };
            ctx.error_hint(
                node.loc,
                format!("expected a duration for '{field}', found {found}"),
                DURATION_HINT,
            );
            None
        }
    }
}

/// A value in one of the short forms (not the full `{value, target, by, note}` form).
pub fn read_measure(ctx: &mut Ctx, node: &Node, metric: &MetricDef) -> Option<Measure> {
    let field = metric.id.as_str();
    let plain = |value| {
        Some(Measure {
            value,
            counts: Counts::None,
        })
    };
    match &node.kind {
        Kind::Map(entries) => {
            let first = entries.first().and_then(|(k, _)| k.as_str()).unwrap_or("");
            match first {
                "good" | "total" => read_ratio(ctx, node, metric),
                "promoters" | "passives" | "detractors" => read_bands(ctx, node, metric),
                "scores" => read_scores(ctx, node, metric),
                "ratings" => read_ratings(ctx, node, metric),
                _ => {
                    ctx.error_hint(
                        node.loc,
                        format!("unrecognised value form for '{field}'"),
                        "write a number, a duration, {good, total}, {promoters, passives, detractors}, {scores: …} or {ratings: …}",
                    );
                    None
                }
            }
        }
        _ if metric.unit == Unit::Duration => plain(read_duration(ctx, node, field)?),
        Kind::Str(s) if parse_duration(s).is_some() => {
            ctx.error_hint(
                node.loc,
                format!("duration '{s}' for '{field}', which is not a duration metric"),
                "write a number in the metric's unit",
            );
            None
        }
        _ => {
            let value = decode::number(ctx, node, field)?;
            if metric.unit == Unit::Count && value < 0.0 {
                ctx.error_hint(
                    node.loc,
                    format!(
                        "negative count {} for '{field}'",
                        node.scalar_text().unwrap_or_default()
                    ),
                    "counts are 0 or more",
                );
                return None;
            }
            if let Some((lo, hi)) = value_range(metric)
                && !(lo..=hi).contains(&value)
            {
                ctx.error_hint(
                    node.loc,
                    format!(
                        "{} is outside the range of '{field}'",
                        node.scalar_text().unwrap_or_default()
                    ),
                    format!(
                        "'{field}' runs from {} to {}",
                        format_number(lo),
                        format_number(hi)
                    ),
                );
                return None;
            }
            plain(value)
        }
    }
}

/// The bounds of a value's range, where the metric has both: percents and NPS.
fn value_range(metric: &MetricDef) -> Option<(f64, f64)> {
    let (lo, hi) = range(&metric.id, metric.unit);
    (lo.is_finite() && hi.is_finite()).then_some((lo, hi))
}

fn require_unit(ctx: &mut Ctx, node: &Node, metric: &MetricDef, unit: Unit, form: &str) -> bool {
    if metric.unit == unit {
        return true;
    }
    ctx.error_hint(
        node.loc,
        format!("the {form} form does not fit '{}'", metric.id),
        format!(
            "{form} gives a {} value; '{}' is measured as a {}",
            unit_name(unit),
            metric.id,
            unit_name(metric.unit)
        ),
    );
    false
}

fn unit_name(unit: Unit) -> &'static str {
    match unit {
        Unit::Percent => "percent",
        Unit::Score => "score",
        Unit::Duration => "duration",
        Unit::Count => "count",
    }
}

fn read_ratio(ctx: &mut Ctx, node: &Node, metric: &MetricDef) -> Option<Measure> {
    let f = decode::fields(ctx, node, &["good", "total"], "a ratio")?;
    let good = f
        .require(ctx, "good")
        .and_then(|n| decode::count(ctx, n, "good"));
    let total = f
        .require(ctx, "total")
        .and_then(|n| decode::count(ctx, n, "total"));
    if !require_unit(ctx, node, metric, Unit::Percent, "{good, total}") {
        return None;
    }
    let (good, total) = (good?, total?);
    let value_loc = |name| f.get(name).map_or(f.loc(), |n| n.loc);
    if total == 0.0 {
        ctx.error_hint(
            value_loc("total"),
            "ratio with total 0",
            "a ratio needs at least one case in 'total'",
        );
        return None;
    }
    if good > total {
        ctx.error_hint(
            value_loc("good"),
            format!(
                "ratio with good {} greater than total {}",
                format_number(good),
                format_number(total)
            ),
            "'good' counts the cases of 'total' that went well, so it cannot exceed it",
        );
        return None;
    }
    Some(Measure {
        value: 100.0 * good / total,
        counts: Counts::Ratio { good, total },
    })
}

fn read_bands(ctx: &mut Ctx, node: &Node, metric: &MetricDef) -> Option<Measure> {
    let f = decode::fields(
        ctx,
        node,
        &["promoters", "passives", "detractors"],
        "NPS answers",
    )?;
    let mut get = |name| {
        f.require(ctx, name)
            .and_then(|n| decode::count(ctx, n, name))
    };
    let (p, q, d) = (get("promoters"), get("passives"), get("detractors"));
    if !require_unit(
        ctx,
        node,
        metric,
        Unit::Score,
        "{promoters, passives, detractors}",
    ) {
        return None;
    }
    nps(ctx, node, p?, q?, d?)
}

fn nps(ctx: &mut Ctx, node: &Node, p: f64, q: f64, d: f64) -> Option<Measure> {
    let all = p + q + d;
    if all == 0.0 {
        ctx.error_hint(
            node.loc,
            "NPS from zero answers",
            "at least one promoter, passive or detractor is needed",
        );
        return None;
    }
    Some(Measure {
        value: 100.0 * (p - d) / all,
        counts: Counts::Nps {
            promoters: p,
            passives: q,
            detractors: d,
        },
    })
}

/// Reads `{k: n, …}` with whole-number keys in `range`, returning counts per key.
fn read_histogram(
    ctx: &mut Ctx,
    node: &Node,
    form: &str,
    range: std::ops::RangeInclusive<i64>,
) -> Option<Vec<(i64, f64)>> {
    let f = decode::fields(ctx, node, &[form], form)?;
    let map = f.require(ctx, form)?;
    let Some(entries) = map.as_map() else {
        ctx.error(
            map.loc,
            format!(
                "expected a mapping of answer -> count for '{form}', found {}",
                map.describe()
            ),
        );
        return None;
    };
    let mut out = Vec::new();
    let mut ok = true;
    for (k, v) in entries {
        let key = match &k.kind {
            Kind::Int(i) => Some(*i),
            Kind::Str(s) => s.parse().ok(),
            _ => None,
        };
        match key {
            // `1:` and `+1:` (or `0x1:`) are different keys as written, one answer as numbers.
            Some(key) if out.iter().any(|(k, _)| *k == key) => {
                ctx.error_hint(
                    k.loc,
                    format!("answer {key} of '{form}' is given twice"),
                    "give each answer's count once",
                );
                ok = false;
            }
            Some(key) if range.contains(&key) => match decode::count(ctx, v, form) {
                Some(n) => out.push((key, n)),
                None => ok = false,
            },
            _ => {
                ctx.error_hint(
                    k.loc,
                    format!(
                        "'{}' is not an answer of '{form}'",
                        k.scalar_text().unwrap_or_default()
                    ),
                    format!(
                        "the answers are the whole numbers {} to {}",
                        range.start(),
                        range.end()
                    ),
                );
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

fn read_scores(ctx: &mut Ctx, node: &Node, metric: &MetricDef) -> Option<Measure> {
    let counts = read_histogram(ctx, node, "scores", 0..=10);
    if !require_unit(ctx, node, metric, Unit::Score, "{scores}") {
        return None;
    }
    let sum = |r: std::ops::RangeInclusive<i64>, c: &[(i64, f64)]| -> f64 {
        c.iter()
            .filter(|(k, _)| r.contains(k))
            .map(|(_, n)| n)
            .sum()
    };
    let counts = counts?;
    nps(
        ctx,
        node,
        sum(9..=10, &counts),
        sum(7..=8, &counts),
        sum(0..=6, &counts),
    )
}

fn read_ratings(ctx: &mut Ctx, node: &Node, metric: &MetricDef) -> Option<Measure> {
    let counts = read_histogram(ctx, node, "ratings", 1..=5);
    if !require_unit(ctx, node, metric, Unit::Percent, "{ratings}") {
        return None;
    }
    let counts = counts?;
    let total: f64 = counts.iter().map(|(_, n)| n).sum();
    let good: f64 = counts.iter().filter(|(k, _)| *k >= 4).map(|(_, n)| n).sum();
    if total == 0.0 {
        ctx.error_hint(
            node.loc,
            "CSAT from zero ratings",
            "at least one rating from 1 to 5 is needed",
        );
        return None;
    }
    Some(Measure {
        value: 100.0 * good / total,
        counts: Counts::Ratio { good, total },
    })
}

/// A snapshot entry: a short form, or the full `{value, target, by, note}` form.
pub fn read_value(
    ctx: &mut Ctx,
    node: &Node,
    metric: &MetricDef,
    language: &str,
) -> Option<MetricValue> {
    let is_full = node
        .as_map()
        .and_then(|m| m.first())
        .and_then(|(k, _)| k.as_str())
        .is_some_and(|k| matches!(k, "value" | "target" | "by" | "note"));
    if !is_full {
        let value = read_measure(ctx, node, metric)?;
        return Some(MetricValue {
            metric: metric.id.clone(),
            value,
            target: None,
            by: Vec::new(),
            note: None,
        });
    }
    let what = format!("the value of '{}'", metric.id);
    let f = decode::fields(ctx, node, &["value", "target", "by", "note"], &what)?;
    let value = f
        .require(ctx, "value")
        .and_then(|n| read_measure(ctx, n, metric));
    let target = f
        .get("target")
        .and_then(|n| read_level(ctx, n, "target", &metric.id, metric.unit));
    let note = f
        .get("note")
        .and_then(|n| decode::text(ctx, n, "note", language));
    let mut by = Vec::new();
    let mut ok = true;
    if let Some(by_node) = f.get("by") {
        match by_node.as_map() {
            Some(dims) => {
                for (dim, entries) in dims {
                    let Some(dimension) = decode::string(ctx, dim, "by") else {
                        ok = false;
                        continue;
                    };
                    let Some(entries) = entries.as_map() else {
                        ctx.error_hint(
                            entries.loc,
                            format!("expected a mapping of name -> value for breakdown '{dimension}', found {}", entries.describe()),
                            "for example `channel: {email: 41h, chat: 3h}`",
                        );
                        ok = false;
                        continue;
                    };
                    let mut values = Vec::new();
                    for (name, v) in entries {
                        let name = decode::string(ctx, name, &dimension);
                        match (name, read_measure(ctx, v, metric)) {
                            (Some(name), Some(m)) => values.push((name, m)),
                            _ => ok = false,
                        }
                    }
                    by.push(Breakdown {
                        dimension,
                        entries: values,
                    });
                }
            }
            None => {
                ctx.error(
                    by_node.loc,
                    format!(
                        "expected a mapping of breakdowns for 'by', found {}",
                        by_node.describe()
                    ),
                );
                ok = false;
            }
        }
    }
    let value = value?;
    ok.then(|| MetricValue {
        metric: metric.id.clone(),
        value,
        target,
        by,
        note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90s"), Some(90.0));
        assert_eq!(parse_duration("45m"), Some(2700.0));
        assert_eq!(parse_duration("2h 30m"), Some(9000.0));
        assert_eq!(parse_duration("2h30m"), Some(9000.0));
        assert_eq!(parse_duration("1d 4h"), Some(100_800.0));
        assert_eq!(parse_duration("1.5h"), Some(5400.0));
        assert_eq!(parse_duration("PT2H30M"), Some(9000.0));
        assert_eq!(parse_duration("P1DT2H"), Some(93_600.0));
        assert_eq!(parse_duration("PT0.5S"), Some(0.5));
        for bad in [
            "", "90", "h", "2x", "30m 2h", "1h 1h", "PT", "P", "PT2M3H", "1..5h", ".5h", "P1H",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn durations_spelt_out() {
        let hint = |s| spelt_out_duration(s);
        assert_eq!(
            hint("42 min").as_deref(),
            Some("write durations as 42m (units: s, m, h, d) or ISO 8601 PT42M")
        );
        assert_eq!(
            hint("2 Hours").as_deref(),
            Some("write durations as 2h (units: s, m, h, d) or ISO 8601 PT2H")
        );
        assert_eq!(
            hint("3 days").as_deref(),
            Some("write durations as 3d (units: s, m, h, d) or ISO 8601 P3D")
        );
        assert_eq!(hint("2 fortnights"), None);
        assert_eq!(hint("soon"), None);
    }

    #[test]
    fn statuses() {
        assert_eq!(
            status(90.0, Some(90.0), Some(85.0), Better::Higher),
            Status::Met
        );
        assert_eq!(
            status(85.0, Some(90.0), Some(85.0), Better::Higher),
            Status::AtRisk
        );
        assert_eq!(
            status(84.9, Some(90.0), Some(85.0), Better::Higher),
            Status::Below
        );
        assert_eq!(
            status(84.9, Some(90.0), None, Better::Higher),
            Status::Below
        );
        assert_eq!(
            status(20.0, Some(24.0), Some(48.0), Better::Lower),
            Status::Met
        );
        assert_eq!(
            status(30.0, Some(24.0), Some(48.0), Better::Lower),
            Status::AtRisk
        );
        assert_eq!(
            status(49.0, Some(24.0), Some(48.0), Better::Lower),
            Status::Below
        );
        assert_eq!(
            status(49.0, None, Some(48.0), Better::Lower),
            Status::Untracked
        );
    }
}

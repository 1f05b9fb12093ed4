//! The metrics page: trends over snapshots, breakdowns and ticket counts.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::analysis::{self};
use crate::charts;
use crate::metrics::{Better, Counts, MetricDef};
use crate::render::format::{Arg, DatePart, Day, Locale, Md, Txt};
use crate::render::{Ctx, RenderError, Sink};

use super::*;

#[derive(Serialize)]
struct MetricView {
    id: String,
    title: Txt,
    description: Option<Md>,
    target: Option<String>,
    warn: Option<String>,
    better: String,
    chart: String,
    table_head: Vec<Txt>,
    table: Vec<TableRow>,
    breakdowns: Vec<BreakdownView>,
    counts: Option<CountsView>,
    /// Notes that snapshots give on this metric, newest first.
    notes: Vec<SnapshotNote>,
}

#[derive(Serialize)]
struct SnapshotNote {
    date: Day,
    subject: Txt,
    note: Md,
}

/// A chart of counts, with the same numbers as a table for readers who cannot see it.
#[derive(Serialize)]
struct CountsView {
    chart: String,
    head: Vec<String>,
    rows: Vec<TableRow>,
}

fn counts_view(
    loc: &Locale,
    chart: String,
    dates: &[chrono::NaiveDate],
    columns: &[(String, Vec<f64>)],
) -> CountsView {
    CountsView {
        chart,
        head: columns.iter().map(|(name, _)| name.clone()).collect(),
        rows: dates
            .iter()
            .enumerate()
            .map(|(i, d)| TableRow {
                date: loc.date(*d),
                cells: columns.iter().map(|(_, v)| loc.num(v[i], 0)).collect(),
            })
            .collect(),
    }
}

#[derive(Serialize)]
struct TableRow {
    date: Day,
    cells: Vec<String>,
}

#[derive(Serialize)]
struct BreakdownView {
    subject: Txt,
    dimension: String,
    /// The snapshot's period where it gives one, else the date it was taken.
    taken: Day,
    rows: Vec<BreakdownRow>,
}

/// A row of a breakdown's ranking, with the fields of [`RankRow`]. The page holds thousands
/// of them, so the label and the status are template values made once per page and shared by
/// every row that shows them ([`SharedValues`]) rather than a map of their own in each row.
#[derive(Serialize)]
struct BreakdownRow {
    rank: usize,
    label: tera::Value,
    href: &'static str,
    value: String,
    status: tera::Value,
}

/// The labels and statuses of breakdown rows as template values, one of each per page.
#[derive(Default)]
struct SharedValues {
    labels: HashMap<String, tera::Value>,
    statuses: HashMap<Status, tera::Value>,
}

impl SharedValues {
    /// The value of `Txt::plain(name)`.
    fn label(&mut self, name: &str) -> tera::Value {
        if let Some(v) = self.labels.get(name) {
            return v.clone();
        }
        let v = tera::Value::from_serializable(&Txt::plain(name));
        self.labels.insert(name.to_string(), v.clone());
        v
    }

    /// The value of `status_view(loc, status)`.
    fn status(&mut self, loc: &Locale, status: Status) -> tera::Value {
        self.statuses
            .entry(status)
            .or_insert_with(|| tera::Value::from_serializable(&status_view(loc, status)))
            .clone()
    }
}

#[derive(Serialize)]
struct MetricsPage {
    metrics: Vec<MetricView>,
    /// The ticket sources' pages.
    sources: Vec<super::source::SourceLink>,
}

pub(super) fn metrics_page(
    ctx: &Ctx,
    loc: &Locale,
    prefix: &str,
    site: &dyn Sink,
) -> Result<(), RenderError> {
    let path = "metrics/index.html";
    let mut views = Vec::new();
    let mut shared = SharedValues::default();
    for def in &ctx.model.metrics {
        if let Some(v) = metric_view(ctx, loc, def, &mut shared) {
            views.push(v);
        }
    }
    let crumbs = vec![crumb(loc.ui("nav_dashboard"), "../index.html".into())];
    let page = ctx.page_info(
        loc,
        path,
        "metrics",
        loc.s("nav_metrics"),
        crumbs,
        Ctx::no_switcher(),
    );
    render_page(
        ctx,
        site,
        "metrics.html",
        format!("{prefix}{path}"),
        &page,
        &MetricsPage {
            metrics: views,
            sources: super::source::source_links(ctx),
        },
    )
}

fn metric_view(
    ctx: &Ctx,
    loc: &Locale,
    def: &MetricDef,
    shared: &mut SharedValues,
) -> Option<MetricView> {
    let snaps: Vec<_> = ctx
        .model
        .snapshots
        .iter()
        .filter(|s| s.value(&def.id).is_some())
        .collect();
    if snaps.is_empty() {
        return None;
    }
    let mut dates: Vec<chrono::NaiveDate> = snaps.iter().map(|s| s.taken).collect();
    dates.dedup();
    let mut subjects: Vec<Option<&str>> = snaps.iter().map(|s| s.subject.as_deref()).collect();
    subjects.sort();
    subjects.dedup();
    // The last snapshot of each (date, subject), as a scan from the end would find it, but
    // without scanning every snapshot for every cell (subjects × dates × snapshots).
    let mut cell: HashMap<(chrono::NaiveDate, Option<&str>), &crate::metrics::Snapshot> =
        HashMap::new();
    for s in &snaps {
        cell.insert((s.taken, s.subject.as_deref()), s);
    }
    let columns: Vec<Vec<Option<f64>>> = subjects
        .iter()
        .map(|subject| {
            dates
                .iter()
                .map(|d| {
                    cell.get(&(*d, *subject))
                        .and_then(|s| s.value(&def.id))
                        .map(|v| v.value.value)
                })
                .collect()
        })
        .collect();
    let names: Vec<Txt> = subjects
        .iter()
        .map(|s| subject_label(ctx, loc, *s))
        .collect();
    let x_labels = date_labels(loc, &dates);
    // The whole organisation keeps its line beside the spread of many teams.
    let organisation = usize::from(subjects.first() == Some(&None));
    let lines = ChartLines::new(
        loc,
        names.iter().cloned().zip(columns.iter().cloned()).collect(),
        organisation,
    );
    let desc = lines.desc(loc, "metric_chart_desc", "metric_chart_desc");
    let fmt = |v: f64| loc.metric_value(def, v);
    let title = loc.txt(&def.title);
    let chart = charts::line_chart(&charts::LineChart {
        id: &format!("metric-chart-{}", def.id),
        title: &title.text,
        title_lang: title.lang.as_deref(),
        desc: Some(&desc),
        x_labels: &x_labels,
        dates: &dates,
        series: &lines.series(),
        target: def.target,
        warn: def.warn,
        higher_is_better: def.better == Better::Higher,
        y_format: &fmt,
        formats: &loc.formats,
        colon: &loc.s("colon"),
    });
    let table = dates
        .iter()
        .enumerate()
        .map(|(i, d)| TableRow {
            date: loc.date(*d),
            cells: columns
                .iter()
                .map(|c| c[i].map_or_else(|| "—".to_string(), |v| loc.metric_value(def, v)))
                .collect(),
        })
        .collect();
    let mut breakdowns = Vec::new();
    for (subject, snap) in analysis::breakdown_snapshots(&snaps, &def.id) {
        let Some(value) = snap.value(&def.id) else {
            continue;
        };
        let target = value.target.or(def.target);
        for b in &value.by {
            let mut entries: Vec<&(String, crate::metrics::Measure)> = b.entries.iter().collect();
            entries.sort_by(|x, y| match def.better {
                Better::Higher => y.1.value.total_cmp(&x.1.value),
                Better::Lower => x.1.value.total_cmp(&y.1.value),
            });
            breakdowns.push(BreakdownView {
                subject: subject_label(ctx, loc, subject),
                dimension: b.dimension.clone(),
                taken: match snap.period {
                    Some((from, to)) => Day {
                        text: format!("{} – {}", loc.date(from).text, loc.date(to).text),
                        iso: crate::render::format::iso_date(snap.taken),
                    },
                    None => loc.date(snap.taken),
                },
                rows: entries
                    .iter()
                    .enumerate()
                    .map(|(i, (name, m))| BreakdownRow {
                        rank: i + 1,
                        label: shared.label(name),
                        href: "",
                        value: loc.metric_value(def, m.value),
                        status: shared.status(
                            loc,
                            crate::metrics::status(m.value, target, def.warn, def.better),
                        ),
                    })
                    .collect(),
            });
        }
    }
    Some(MetricView {
        id: def.id.clone(),
        description: loc.md_opt(def.description.as_ref()),
        target: def.target.map(|t| loc.metric_value(def, t)),
        warn: def.warn.map(|t| loc.metric_value(def, t)),
        better: loc.s(if def.better == Better::Higher {
            "better_higher"
        } else {
            "better_lower"
        }),
        counts: counts_chart(loc, def, &snaps, &dates),
        notes: snaps
            .iter()
            .rev()
            .filter_map(|s| {
                let note = s.value(&def.id)?.note.as_ref()?;
                Some(SnapshotNote {
                    date: loc.date(s.taken),
                    subject: subject_label(ctx, loc, s.subject.as_deref()),
                    note: loc.md(note),
                })
            })
            .collect(),
        title,
        chart,
        table_head: names,
        table,
        breakdowns,
    })
}

/// For ratio metrics, good vs the rest per date; for NPS, promoters / passives / detractors.
/// Counts of team snapshots are added up and charted; the organisation's own counts are
/// charted when there are no teams', and tabled beside the teams' when there are both.
fn counts_chart(
    loc: &Locale,
    def: &MetricDef,
    snaps: &[&crate::metrics::Snapshot],
    dates: &[chrono::NaiveDate],
) -> Option<CountsView> {
    let sources = analysis::count_sources(snaps);
    let teams = sums(def, &sources.teams, dates);
    let organisation = sums(def, &sources.organisation, dates);
    let (charted, beside) = match (teams, organisation) {
        (Some(t), Some(o)) => (t, Some(o)),
        (Some(only), None) | (None, Some(only)) => (only, None),
        (None, None) => return None,
    };
    // With both, each column says whose counts it holds.
    let label = |band: &str, whose: &str| match beside {
        Some(_) => format!("{band} ({})", loc.s(whose)),
        None => band.to_string(),
    };
    let x = date_labels(loc, dates);
    let id = format!("counts-{}", def.id);
    let bands: Vec<(String, &'static str)> = match charted {
        Sums::Nps(_) => vec![
            (loc.s("nps_promoters"), "series-good"),
            (loc.s("nps_passives"), "series-mid"),
            (loc.s("nps_detractors"), "series-bad"),
        ],
        Sums::Ratio(_) => {
            // Service levels are met or missed; other ratios count positive cases.
            if def.id == "sla-compliance" {
                vec![
                    (loc.s("ratio_good"), "series-good"),
                    (loc.s("ratio_missed"), "series-bad"),
                ]
            } else {
                vec![
                    (loc.s("ratio_positive"), "series-good"),
                    (loc.s("ratio_other"), "series-bad"),
                ]
            }
        }
    };
    let charted_columns = charted.columns();
    let stacks: Vec<charts::Stack> = bands
        .iter()
        .zip(&charted_columns)
        .map(|((name, class), values)| charts::Stack {
            name,
            class,
            values,
        })
        .collect();
    let chart = match charted {
        Sums::Nps(_) => charts::stacked_columns(
            &id,
            (&loc.s("nps_bands"), Some(&loc.s("nps_bands_desc"))),
            &x,
            &stacks,
            true,
            &loc.formats,
            &loc.s("colon"),
        ),
        Sums::Ratio(_) => {
            let (title_key, desc_key) = if def.id == "sla-compliance" {
                ("ratio_over_time", "ratio_over_time_desc")
            } else {
                ("ratio_split", "ratio_split_desc")
            };
            let title = loc.msg(title_key, &[("name", Arg::Text(&loc.txt(&def.title).text))]);
            charts::stacked_columns(
                &id,
                (&title, Some(&loc.s(desc_key))),
                &x,
                &stacks,
                false,
                &loc.formats,
                &loc.s("colon"),
            )
        }
    };
    let mut columns: Vec<(String, Vec<f64>)> = bands
        .iter()
        .zip(charted_columns)
        .map(|((name, _), values)| (label(name, "all_teams"), values))
        .collect();
    // The organisation's counts are of the same kind as the teams' when both are given.
    if let Some(o) = &beside
        && std::mem::discriminant(o) == std::mem::discriminant(&charted)
    {
        columns.extend(
            bands
                .iter()
                .zip(o.columns())
                .map(|((name, _), values)| (label(name, "organisation"), values)),
        );
    }
    Some(counts_view(loc, chart, dates, &columns))
}

/// Counts added up per date: (good, rest) for ratios, (promoters, passives, detractors)
/// for NPS.
enum Sums {
    Ratio(Vec<(f64, f64)>),
    Nps(Vec<(f64, f64, f64)>),
}

impl Sums {
    /// One column of values per band.
    fn columns(&self) -> Vec<Vec<f64>> {
        match self {
            Sums::Ratio(v) => vec![
                v.iter().map(|x| x.0).collect(),
                v.iter().map(|x| x.1).collect(),
            ],
            Sums::Nps(v) => vec![
                v.iter().map(|x| x.0).collect(),
                v.iter().map(|x| x.1).collect(),
                v.iter().map(|x| x.2).collect(),
            ],
        }
    }
}

/// The counts of `snaps` added up per date of `dates`; `None` when none has counts. NPS
/// counts win over ratio counts, as a metric has one kind.
fn sums(
    def: &MetricDef,
    snaps: &[&crate::metrics::Snapshot],
    dates: &[chrono::NaiveDate],
) -> Option<Sums> {
    let at: HashMap<chrono::NaiveDate, usize> =
        dates.iter().enumerate().map(|(i, d)| (*d, i)).collect();
    let mut ratio = vec![(0.0, 0.0); dates.len()];
    let mut nps = vec![(0.0, 0.0, 0.0); dates.len()];
    let (mut any_ratio, mut any_nps) = (false, false);
    for s in snaps {
        let (Some(&i), Some(v)) = (at.get(&s.taken), s.value(&def.id)) else {
            continue;
        };
        match v.value.counts {
            Counts::Ratio { good, total } => {
                ratio[i].0 += good;
                ratio[i].1 += total - good;
                any_ratio = true;
            }
            Counts::Nps {
                promoters,
                passives,
                detractors,
            } => {
                nps[i].0 += promoters;
                nps[i].1 += passives;
                nps[i].2 += detractors;
                any_nps = true;
            }
            Counts::None => {}
        }
    }
    if any_nps {
        Some(Sums::Nps(nps))
    } else if any_ratio {
        Some(Sums::Ratio(ratio))
    } else {
        None
    }
}

/// Labels for snapshot dates on a chart's x axis and in its tooltips, in the page language:
/// months ("Sep 2026"), unless two dates share a month, then days.
fn date_labels(loc: &Locale, dates: &[chrono::NaiveDate]) -> Vec<String> {
    use chrono::Datelike;
    let months: HashSet<(i32, u32)> = dates.iter().map(|d| (d.year(), d.month())).collect();
    let part = if months.len() == dates.len() {
        DatePart::Month
    } else {
        DatePart::Day
    };
    dates
        .iter()
        .map(|d| loc.formats.date_part(*d, part))
        .collect()
}

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
    taken: Day,
    rows: Vec<RankRow>,
}

#[derive(Serialize)]
struct MetricsPage {
    metrics: Vec<MetricView>,
}

pub(super) fn metrics_page(
    ctx: &Ctx,
    loc: &Locale,
    prefix: &str,
    site: &dyn Sink,
) -> Result<(), RenderError> {
    let path = "metrics/index.html";
    let mut views = Vec::new();
    for def in &ctx.model.metrics {
        if let Some(v) = metric_view(ctx, loc, def) {
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
        Vec::new(),
    );
    render_page(
        ctx,
        site,
        "metrics.html",
        format!("{prefix}{path}"),
        &page,
        &MetricsPage { metrics: views },
    )
}

fn metric_view(ctx: &Ctx, loc: &Locale, def: &MetricDef) -> Option<MetricView> {
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
    let series: Vec<charts::LineSeries> = names
        .iter()
        .zip(&columns)
        .map(|(n, c)| charts::LineSeries {
            name: &n.text,
            lang: n.lang.as_deref(),
            points: c,
        })
        .collect();
    let fmt = |v: f64| loc.metric_value(def, v);
    let title = loc.txt(&def.title);
    let chart = charts::line_chart(&charts::LineChart {
        id: &format!("metric-chart-{}", def.id),
        title: &title.text,
        title_lang: title.lang.as_deref(),
        desc: Some(&loc.s("metric_chart_desc")),
        x_labels: &x_labels,
        dates: &dates,
        series: &series,
        target: def.target,
        warn: def.warn,
        higher_is_better: def.better == Better::Higher,
        y_format: &fmt,
        formats: &loc.formats,
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
                taken: loc.date(snap.taken),
                rows: entries
                    .iter()
                    .enumerate()
                    .map(|(i, (name, m))| RankRow {
                        rank: i + 1,
                        label: Txt::plain(name.clone()),
                        href: String::new(),
                        value: loc.metric_value(def, m.value),
                        status: status_view(
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
/// Counts of team snapshots are added up; organisation snapshots are used when there are none.
fn counts_chart(
    loc: &Locale,
    def: &MetricDef,
    snaps: &[&crate::metrics::Snapshot],
    dates: &[chrono::NaiveDate],
) -> Option<CountsView> {
    let teams: Vec<_> = snaps
        .iter()
        .filter(|s| s.subject.is_some())
        .copied()
        .collect();
    let source = if teams.is_empty() {
        snaps.to_vec()
    } else {
        teams
    };
    let mut ratio = vec![(0.0, 0.0); dates.len()];
    let mut nps = vec![(0.0, 0.0, 0.0); dates.len()];
    let (mut any_ratio, mut any_nps) = (false, false);
    for s in source {
        let Some(i) = dates.iter().position(|d| *d == s.taken) else {
            continue;
        };
        match s.value(&def.id)?.value.counts {
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
                nps[i] = (
                    nps[i].0 + promoters,
                    nps[i].1 + passives,
                    nps[i].2 + detractors,
                );
                any_nps = true;
            }
            Counts::None => {}
        }
    }
    let x = date_labels(loc, dates);
    let id = format!("counts-{}", def.id);
    if any_nps {
        let (p, q, d): (Vec<f64>, Vec<f64>, Vec<f64>) = (
            nps.iter().map(|v| v.0).collect(),
            nps.iter().map(|v| v.1).collect(),
            nps.iter().map(|v| v.2).collect(),
        );
        let (pn, qn, dn) = (
            loc.s("nps_promoters"),
            loc.s("nps_passives"),
            loc.s("nps_detractors"),
        );
        let stacks = [
            charts::Stack {
                name: &pn,
                class: "series-good",
                values: &p,
            },
            charts::Stack {
                name: &qn,
                class: "series-mid",
                values: &q,
            },
            charts::Stack {
                name: &dn,
                class: "series-bad",
                values: &d,
            },
        ];
        let chart = charts::stacked_columns(
            &id,
            &loc.s("nps_bands"),
            Some(&loc.s("nps_bands_desc")),
            &x,
            &stacks,
            true,
            &loc.formats,
        );
        return Some(counts_view(
            loc,
            chart,
            dates,
            &[
                (pn.clone(), p.clone()),
                (qn.clone(), q.clone()),
                (dn.clone(), d.clone()),
            ],
        ));
    }
    if any_ratio {
        let good: Vec<f64> = ratio.iter().map(|v| v.0).collect();
        let bad: Vec<f64> = ratio.iter().map(|v| v.1).collect();
        // Service levels are met or missed; other ratios count positive cases.
        let sla = def.id == "sla-compliance";
        let (gn, bn) = if sla {
            (loc.s("ratio_good"), loc.s("ratio_missed"))
        } else {
            (loc.s("ratio_positive"), loc.s("ratio_other"))
        };
        let stacks = [
            charts::Stack {
                name: &gn,
                class: "series-good",
                values: &good,
            },
            charts::Stack {
                name: &bn,
                class: "series-bad",
                values: &bad,
            },
        ];
        let (title_key, desc_key) = if sla {
            ("ratio_over_time", "ratio_over_time_desc")
        } else {
            ("ratio_split", "ratio_split_desc")
        };
        let title = loc.msg(title_key, &[("name", Arg::Text(&loc.txt(&def.title).text))]);
        let chart = charts::stacked_columns(
            &id,
            &title,
            Some(&loc.s(desc_key)),
            &x,
            &stacks,
            false,
            &loc.formats,
        );
        return Some(counts_view(
            loc,
            chart,
            dates,
            &[(gn.clone(), good.clone()), (bn.clone(), bad.clone())],
        ));
    }
    None
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

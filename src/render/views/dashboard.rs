//! The dashboard: the newest round, every series' score and trend, the largest gaps and
//! the metrics against their targets.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analysis::{self, audit_status, gap_points};
use crate::charts;
use crate::model::{Audit, Round};
use crate::render::format::{Day, Locale, Md, Txt};
use crate::render::{Ctx, RenderError, Sink};
use crate::score::AuditResult;
use crate::site::paths;

use super::*;

#[derive(Serialize)]
struct SeriesRow {
    title: Txt,
    checklist: Txt,
    href: String,
    score: String,
    /// The score without exemptions, where it differs.
    raw: Option<String>,
    target: String,
    delta: Option<String>,
    trend: &'static str,
    status: StatusView,
    spark: String,
    audits: usize,
}

#[derive(Serialize)]
struct GapRow {
    title: Txt,
    audit: Txt,
    href: String,
    current: Txt,
    target: Txt,
    gap: String,
    points: String,
    /// The points as a message with its unit: "−1.5 points".
    points_text: String,
}

/// A gap of the newest audit of a series, before it is formatted.
struct GapAt<'m> {
    round: &'m Round,
    audit: &'m Audit,
    item: &'m crate::score::ItemResult,
}

#[derive(Serialize)]
struct MetricTile {
    title: Txt,
    value: String,
    target: Option<String>,
    status: StatusView,
    taken: Day,
    spark: String,
    href: String,
}

#[derive(Serialize)]
struct Dashboard {
    round: Option<RoundSummary>,
    series: Vec<SeriesRow>,
    gaps: Vec<GapRow>,
    tiles: Vec<MetricTile>,
    exemptions: Option<ExemptionsCard>,
}

/// The link to the exemptions page, with the exemptions that are expiring or expired.
#[derive(Serialize)]
struct ExemptionsCard {
    href: String,
    count: usize,
    ending: Vec<super::exemptions::ExemptionView>,
}

#[derive(Serialize)]
struct RoundSummary {
    title: Txt,
    date: Day,
    href: String,
    audits: usize,
    average: String,
    summary: Option<Md>,
}

/// The audits of one series with their results, in round order.
type SeriesAudits<'m> = Vec<(&'m Round, &'m Audit, &'m AuditResult)>;

/// Each series (checklist, subject) with its audits and their results in round order.
fn series<'m>(ctx: &Ctx<'m>) -> BTreeMap<analysis::SeriesKey<'m>, SeriesAudits<'m>> {
    analysis::series(ctx.model)
        .into_iter()
        .map(|(key, audits)| {
            let with_results = audits
                .into_iter()
                .filter_map(|(round, audit)| {
                    Some((round, audit, ctx.result(&round.id, &audit.id)?))
                })
                .collect();
            (key, with_results)
        })
        .collect()
}

pub(super) fn dashboard(
    ctx: &Ctx,
    loc: &Locale,
    prefix: &str,
    site: &dyn Sink,
) -> Result<(), RenderError> {
    let path = "index.html";
    let newest = ctx.model.rounds.last();
    let round = newest.map(|r| {
        let scores: Vec<f64> = r
            .audits
            .iter()
            .filter_map(|a| ctx.result(&r.id, &a.id)?.score)
            .collect();
        let average = if scores.is_empty() {
            None
        } else {
            Some(scores.iter().sum::<f64>() / scores.len() as f64)
        };
        RoundSummary {
            title: round_title(loc, r),
            date: loc.date(r.date),
            href: paths::round(&r.id),
            audits: r.audits.len(),
            average: loc.score(average),
            summary: loc.md_opt(r.summary.as_ref()),
        }
    });
    let mut rows = Vec::new();
    let mut gaps: Vec<(f64, GapAt)> = Vec::new();
    for ((checklist_id, subject), audits) in series(ctx) {
        let Some(&(round, audit, result)) = audits.last() else {
            continue;
        };
        let checklist = ctx.model.checklist_of(audit);
        let values: Vec<Option<f64>> = audits.iter().map(|(_, _, r)| r.score).collect();
        let delta = result
            .previous
            .as_ref()
            .and_then(|p| Some(result.score? - p.score?));
        // The sparkline is named after its row, in the row's language.
        let spark_title = match &subject {
            Some(_) => audit_label(ctx, loc, audit),
            None => loc.txt(&checklist.title),
        };
        rows.push(SeriesRow {
            title: spark_title.clone(),
            checklist: loc.txt(&checklist.title),
            href: paths::audit(&round.id, &audit.id),
            score: loc.score(result.score),
            raw: (result.raw.score != result.score).then(|| loc.score(result.raw.score)),
            target: loc.score(result.target),
            delta: delta.map(|d| loc.delta(d)),
            trend: delta.map_or("none", |d| analysis::trend(d).as_str()),
            status: status_view(loc, audit_status(result.score, result.target)),
            spark: charts::sparkline(
                &format!("spark-{checklist_id}-{}", subject.unwrap_or("all")),
                &spark_title.text,
                spark_title.lang.as_deref(),
                &values,
                0.0,
                100.0,
            ),
            audits: audits.len(),
        });
        // Only the ten largest gaps are shown: each is weighed here and formatted below.
        let by_id: std::collections::HashMap<&str, &crate::score::ItemResult> =
            result.items.iter().map(|i| (i.id.as_str(), i)).collect();
        let scored_weight = result.scored_weight();
        for item_id in &result.gaps {
            let Some(item_result) = by_id.get(item_id.as_str()) else {
                continue;
            };
            gaps.push((
                gap_points(item_result.gap, scored_weight),
                GapAt {
                    round,
                    audit,
                    item: item_result,
                },
            ));
        }
    }
    // Largest first; the sort is stable, so equal gaps keep series order.
    gaps.sort_by(|a, b| b.0.total_cmp(&a.0));
    let gaps = gaps
        .into_iter()
        .take(10)
        .filter_map(|(points, g)| {
            let checklist = ctx.model.checklist_of(g.audit);
            let (_, item) = checklist.items().find(|(_, i)| i.id == g.item.id)?;
            Some(GapRow {
                title: loc.txt(&item.title),
                audit: audit_label(ctx, loc, g.audit),
                href: paths::gaps(&g.round.id, &g.audit.id),
                current: g
                    .item
                    .value
                    .map_or_else(|| Txt::plain("—"), |v| loc.level_label(&checklist.scale, v)),
                target: loc.level_label(&checklist.scale, g.item.target),
                gap: loc.num(g.item.gap, 2),
                points: loc.num(points, 1),
                points_text: loc.points_lost(points),
            })
        })
        .collect();
    let tiles = metric_tiles(ctx, loc);
    let exemptions = (!ctx.model.exemptions.is_empty()).then(|| ExemptionsCard {
        href: paths::EXEMPTIONS.to_string(),
        count: ctx.model.exemptions.len(),
        ending: analysis::exemptions_by_expiry(ctx.model)
            .into_iter()
            .filter(|(_, state)| *state != analysis::ExemptionState::Active)
            .map(|(e, _)| super::exemptions::exemption_view(ctx, loc, e, Some("")))
            .collect(),
    });
    let page = ctx.page_info(
        loc,
        path,
        "dashboard",
        String::new(),
        Vec::new(),
        Ctx::no_switcher(),
    );
    render_page(
        ctx,
        site,
        "dashboard.html",
        format!("{prefix}{path}"),
        &page,
        &Dashboard {
            round,
            series: rows,
            gaps,
            tiles,
            exemptions,
        },
    )
}

/// Organisation-wide values of each metric: the newest, with a sparkline of all.
fn metric_tiles(ctx: &Ctx, loc: &Locale) -> Vec<MetricTile> {
    let org: Vec<_> = ctx
        .model
        .snapshots
        .iter()
        .filter(|s| s.subject.is_none())
        .collect();
    let source: Vec<_> = if org.is_empty() {
        ctx.model.snapshots.iter().collect()
    } else {
        org
    };
    let mut tiles = Vec::new();
    for def in &ctx.model.metrics {
        let values: Vec<(&crate::metrics::Snapshot, f64)> = source
            .iter()
            .filter_map(|s| Some((*s, s.value(&def.id)?.value.value)))
            .collect();
        let Some(&(snap, value)) = values.last() else {
            continue;
        };
        let mv = snap.value(&def.id);
        let target = mv.and_then(|v| v.target).or(def.target);
        let status = crate::metrics::status(value, target, def.warn, def.better);
        let nums: Vec<Option<f64>> = values.iter().map(|(_, v)| Some(*v)).collect();
        let (lo, hi) = bounds(values.iter().map(|(_, v)| *v).chain(target));
        let tile_title = loc.txt(&def.title);
        tiles.push(MetricTile {
            title: tile_title.clone(),
            value: loc.metric_value(def, value),
            target: target.map(|t| loc.metric_value(def, t)),
            status: status_view(loc, status),
            taken: loc.date(snap.taken),
            spark: charts::sparkline(
                &format!("tile-{}", def.id),
                &tile_title.text,
                tile_title.lang.as_deref(),
                &nums,
                lo,
                hi,
            ),
            href: format!("metrics/index.html#metric-{}", def.id),
        });
    }
    tiles
}

fn bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.1).max(1e-9);
    (lo - pad, hi + pad)
}

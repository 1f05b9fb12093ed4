//! The pages of the site, one function each: they gather typed views from the model and
//! results, then render a template.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;
use serde::Serialize;

use super::format::{Day, Locale, Md, Txt};
use super::{Ctx, Link, Plan, RenderError, SearchMemo, Sink};
use crate::charts;
use crate::metrics::{Better, Counts, MetricDef, Status};
use crate::model::{Audit, Checklist, Round};
use crate::score::{AuditResult, ItemStatus};

/// How an audit's score stands against its target: met at or above it, at risk within ten
/// points below it, below otherwise.
pub fn audit_status(score: Option<f64>, target: Option<f64>) -> Status {
    match (score, target) {
        (Some(s), Some(t)) if s >= t => Status::Met,
        (Some(s), Some(t)) if s >= t - 10.0 => Status::AtRisk,
        (Some(_), Some(_)) => Status::Below,
        _ => Status::Untracked,
    }
}

fn chart_status(s: Status) -> charts::Status {
    match s {
        Status::Met => charts::Status::Met,
        Status::AtRisk => charts::Status::AtRisk,
        Status::Below => charts::Status::Below,
        Status::Untracked => charts::Status::Untracked,
    }
}

/// A status as the page shows it: a class for colour, a glyph and a word, so colour is never
/// the only signal.
#[derive(Serialize, Clone)]
pub struct StatusView {
    pub class: &'static str,
    pub glyph: &'static str,
    pub label: Txt,
}

fn status_view(loc: &Locale, s: Status) -> StatusView {
    let (glyph, key) = match s {
        Status::Met => ("✓", "status_met"),
        Status::AtRisk => ("!", "status_at_risk"),
        Status::Below => ("✗", "status_below"),
        Status::Untracked => ("–", "status_untracked"),
    };
    StatusView {
        class: s.as_str(),
        glyph,
        label: loc.ui(key),
    }
}

fn render_page<T: Serialize>(
    ctx: &Ctx,
    site: &dyn Sink,
    template: &str,
    path: String,
    page: &super::PageInfo,
    data: &T,
) -> Result<(), RenderError> {
    render_value(
        ctx,
        site,
        template,
        path,
        page,
        &tera::Value::from_serializable(data),
    )
}

fn render_value(
    ctx: &Ctx,
    site: &dyn Sink,
    template: &str,
    path: String,
    page: &super::PageInfo,
    data: &tera::Value,
) -> Result<(), RenderError> {
    let strings = &ctx.string_values[&page.lang];
    thread_local! {
        /// Each thread renders into one buffer, reused page after page.
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with_borrow_mut(|html| {
        html.clear();
        ctx.templates.render(template, page, data, strings, html)?;
        site.put(path, html)
    })
}

/// Paths of pages, relative to the root of a language.
pub mod paths {
    pub fn round(r: &str) -> String {
        format!("rounds/{r}/index.html")
    }
    pub fn audit(r: &str, a: &str) -> String {
        format!("rounds/{r}/{a}/index.html")
    }
    pub fn gaps(r: &str, a: &str) -> String {
        format!("rounds/{r}/{a}/gaps/index.html")
    }
    pub fn report(r: &str, a: &str) -> String {
        format!("rounds/{r}/{a}/report.html")
    }
    pub fn checklist(id: &str) -> String {
        format!("checklists/{id}/index.html")
    }
    pub fn checklist_version(id: &str, v: u32) -> String {
        format!("checklists/{id}/v{v}/index.html")
    }
}

/// One piece of rendering work in one language: a page, or the pages that share one view.
#[derive(Clone, Copy)]
pub enum Unit<'m> {
    Dashboard,
    RoundsIndex,
    Latest,
    Round(&'m Round),
    /// An audit's page, gap analysis and report, and its search entries.
    Audit(&'m Round, &'m Audit),
    Checklists,
    Metrics,
}

/// Every unit of one language, in the order of the site's search index.
pub fn units<'m>(ctx: &Ctx<'m>) -> Vec<Unit<'m>> {
    let mut units = vec![Unit::Dashboard, Unit::RoundsIndex, Unit::Latest];
    for round in &ctx.model.rounds {
        units.push(Unit::Round(round));
        units.extend(round.audits.iter().map(|a| Unit::Audit(round, a)));
    }
    units.extend([Unit::Checklists, Unit::Metrics]);
    units
}

/// The search entries of one audit in one language, as the JSON objects of the index
/// joined by commas: made once, in parallel, and joined into the index in site order.
pub type SearchEntries = std::sync::Arc<[u8]>;

/// Renders one unit in `lang`, if `plan` asks for it. An audit gives its search entries,
/// whether its pages were rendered or not: from `memo` when they were not, and into `memo`
/// when they were.
pub fn render_unit(
    ctx: &Ctx,
    lang: &str,
    unit: Unit,
    plan: &Plan,
    memo: Option<&SearchMemo>,
    site: &dyn Sink,
) -> Result<Option<SearchEntries>, RenderError> {
    let loc = ctx.locale(lang);
    let prefix = ctx.lang_prefix(lang);
    match unit {
        Unit::Dashboard => dashboard(ctx, &loc, &prefix, site)?,
        Unit::RoundsIndex => rounds_index(ctx, &loc, &prefix, site)?,
        Unit::Latest => latest_redirect(ctx, &loc, &prefix, site)?,
        // Checklist and metrics pages show nothing of audits.
        Unit::Checklists => {
            if *plan == Plan::All {
                checklist_pages(ctx, &loc, &prefix, site)?;
            }
        }
        Unit::Metrics => {
            if *plan == Plan::All {
                metrics_page(ctx, &loc, &prefix, site)?;
            }
        }
        Unit::Round(round) => {
            if plan.includes_round(&round.id) {
                round_page(ctx, &loc, &prefix, round, site)?;
            }
        }
        Unit::Audit(round, audit) => {
            let Some(result) = ctx.result(&round.id, &audit.id) else {
                return Ok(None);
            };
            let key = (lang.to_string(), round.id.clone(), audit.id.clone());
            let wanted = plan.includes_audit(&round.id, &audit.id);
            if !wanted && let Some(kept) = memo.and_then(|m| m.lock().ok()?.get(&key).cloned()) {
                return Ok(Some(kept));
            }
            let view = AuditView::new(ctx, &loc, round, audit, result);
            if wanted {
                audit_pages(ctx, &loc, &prefix, round, audit, &view, site)?;
            }
            let mut json = Vec::new();
            for (i, entry) in view.search_entries(&loc, round, audit).iter().enumerate() {
                if i > 0 {
                    json.push(b',');
                }
                serde_json::to_writer(&mut json, entry).unwrap_or_default();
            }
            let entries: SearchEntries = json.into();
            if let Some(mut memo) = memo.and_then(|m| m.lock().ok()) {
                memo.insert(key, entries.clone());
            }
            return Ok(Some(entries));
        }
    }
    Ok(None)
}

/// The search index of one language, from its audits' entries in site order: a JSON array.
pub fn render_search<'a>(
    lang: &str,
    entries: impl Iterator<Item = &'a [u8]>,
    site: &dyn Sink,
) -> Result<(), RenderError> {
    let mut json = vec![b'['];
    for chunk in entries.filter(|c| !c.is_empty()) {
        if json.len() > 1 {
            json.push(b',');
        }
        json.extend_from_slice(chunk);
    }
    json.push(b']');
    site.put(format!("data/search/{lang}.json"), &json)
}

/// Data files, written once for all languages.
pub fn render_data(ctx: &Ctx, plan: &Plan, site: &dyn Sink) -> Result<(), RenderError> {
    ctx.results
        .par_iter()
        .filter(|r| plan.includes_audit(&r.round, &r.audit))
        .try_for_each(|r| {
            let mut json = serde_json::to_vec_pretty(r).unwrap_or_default();
            json.push(b'\n');
            site.put(format!("data/rounds/{}/{}.json", r.round, r.audit), &json)
        })?;
    #[derive(Serialize)]
    struct Versions<'a> {
        latest: Option<&'a str>,
        rounds: Vec<RoundEntry<'a>>,
    }
    #[derive(Serialize)]
    struct RoundEntry<'a> {
        id: &'a str,
        title: String,
        date: String,
        path: String,
    }
    let default = ctx.model.default_language();
    let versions = Versions {
        latest: ctx.model.rounds.last().map(|r| r.id.as_str()),
        rounds: ctx
            .model
            .rounds
            .iter()
            .map(|r| RoundEntry {
                id: &r.id,
                title: r.title.as_ref().map_or_else(
                    || r.id.clone(),
                    |t| t.get(default, default).text.to_string(),
                ),
                date: r.date.to_string(),
                path: paths::round(&r.id),
            })
            .collect(),
    };
    let mut json = serde_json::to_vec_pretty(&versions).unwrap_or_default();
    json.push(b'\n');
    site.put("versions.json".into(), &json)
}

// ----- shared pieces ------------------------------------------------------------------------

fn round_title(loc: &Locale, round: &Round) -> Txt {
    match &round.title {
        Some(t) => loc.txt(t),
        None => Txt::plain(round.id.clone()),
    }
}

fn subject_label(ctx: &Ctx, loc: &Locale, subject: Option<&str>) -> Txt {
    match subject {
        Some(s) => match ctx.subjects.get(s) {
            Some(t) => loc.txt(t),
            None => Txt::plain(s.to_string()),
        },
        None => Txt::plain(loc.s("organisation")),
    }
}

/// The title of an audit as lists show it: the subject's name, else the audit id.
fn audit_label(ctx: &Ctx, loc: &Locale, audit: &Audit) -> Txt {
    match (&audit.subject_title, &audit.subject) {
        (Some(t), _) => loc.txt(t),
        (None, Some(s)) => subject_label(ctx, loc, Some(s)),
        (None, None) => Txt::plain(audit.id.clone()),
    }
}

fn round_switcher(ctx: &Ctx, loc: &Locale, path: &str, current: &str) -> Vec<Link> {
    let root = super::up(path);
    ctx.model
        .rounds
        .iter()
        .rev()
        .map(|r| Link {
            label: round_title(loc, r),
            href: format!("{root}{}", paths::round(&r.id)),
            current: r.id == current,
        })
        .collect()
}

/// The same breadcrumbs for a page one folder further down.
fn one_folder_deeper(crumbs: &[Link]) -> Vec<Link> {
    crumbs
        .iter()
        .map(|c| Link {
            href: format!("../{}", c.href),
            ..c.clone()
        })
        .collect()
}

fn crumb(label: Txt, href: String) -> Link {
    Link {
        label,
        href,
        current: false,
    }
}

#[derive(Serialize, Clone)]
struct MetricChip {
    id: String,
    title: Txt,
    value: String,
    target: Option<String>,
    status: StatusView,
    taken: Day,
}

/// The chips of every metric of an audit, in the audit's metric order. Built once per audit
/// and language; items and gaps take the ones they name with [`chips_for`].
fn metric_chips(ctx: &Ctx, loc: &Locale, result: &AuditResult) -> Vec<MetricChip> {
    result
        .metrics
        .iter()
        .filter_map(|m| {
            let def = ctx.model.metric(&m.id)?;
            Some(MetricChip {
                id: m.id.clone(),
                title: loc.txt(&def.title),
                value: loc.metric_value(def, m.value),
                target: m.target.map(|t| loc.metric_value(def, t)),
                status: status_view(loc, m.status),
                taken: loc.iso_day(&m.taken),
            })
        })
        .collect()
}

/// The chips of the metrics an item names, in the audit's metric order.
fn chips_for(chips: &[MetricChip], ids: &[String]) -> Vec<MetricChip> {
    if ids.is_empty() {
        return Vec::new();
    }
    chips
        .iter()
        .filter(|c| ids.contains(&c.id))
        .cloned()
        .collect()
}

// ----- dashboard ----------------------------------------------------------------------------

#[derive(Serialize)]
struct SeriesRow {
    title: Txt,
    checklist: Txt,
    href: String,
    score: String,
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

/// The audits of one series, in round order.
type SeriesAudits<'m> = Vec<(&'m Round, &'m Audit, &'m AuditResult)>;

/// Each series (checklist, subject) with its audits in round order.
fn series<'m>(ctx: &Ctx<'m>) -> BTreeMap<(String, Option<String>), SeriesAudits<'m>> {
    let mut out: BTreeMap<(String, Option<String>), Vec<_>> = BTreeMap::new();
    for round in &ctx.model.rounds {
        for audit in &round.audits {
            if let Some(r) = ctx.result(&round.id, &audit.id) {
                out.entry((audit.checklist.clone(), audit.subject.clone()))
                    .or_default()
                    .push((round, audit, r));
            }
        }
    }
    out
}

fn gap_points(result: &AuditResult, gap: f64) -> f64 {
    let total: f64 = result
        .items
        .iter()
        .filter(|i| i.status == ItemStatus::Scored && i.weight > 0.0)
        .map(|i| i.weight)
        .sum();
    if total > 0.0 {
        100.0 * gap / total
    } else {
        0.0
    }
}

fn dashboard(ctx: &Ctx, loc: &Locale, prefix: &str, site: &dyn Sink) -> Result<(), RenderError> {
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
    let mut gaps: Vec<(f64, GapRow)> = Vec::new();
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
            target: loc.score(result.target),
            delta: delta.map(|d| loc.delta(d)),
            trend: match delta {
                Some(d) if d > 0.05 => "up",
                Some(d) if d < -0.05 => "down",
                Some(_) => "same",
                None => "none",
            },
            status: status_view(loc, audit_status(result.score, result.target)),
            spark: charts::sparkline(
                &format!(
                    "spark-{checklist_id}-{}",
                    subject.as_deref().unwrap_or("all")
                ),
                &spark_title.text,
                spark_title.lang.as_deref(),
                &values,
                0.0,
                100.0,
            ),
            audits: audits.len(),
        });
        for item_id in &result.gaps {
            let Some(item_result) = result.items.iter().find(|i| &i.id == item_id) else {
                continue;
            };
            let Some((_, item)) = checklist.items().find(|(_, i)| &i.id == item_id) else {
                continue;
            };
            gaps.push((
                gap_points(result, item_result.gap),
                GapRow {
                    title: loc.txt(&item.title),
                    audit: audit_label(ctx, loc, audit),
                    href: paths::gaps(&round.id, &audit.id),
                    current: item_result
                        .value
                        .map_or_else(|| Txt::plain("—"), |v| loc.level_label(&checklist.scale, v)),
                    target: loc.level_label(&checklist.scale, item_result.target),
                    gap: loc.num(item_result.gap, 2),
                    points: loc.num(gap_points(result, item_result.gap), 1),
                },
            ));
        }
    }
    // Largest first; the sort is stable, so equal gaps keep series order.
    gaps.sort_by(|a, b| b.0.total_cmp(&a.0));
    let gaps = gaps.into_iter().take(10).map(|(_, g)| g).collect();
    let tiles = metric_tiles(ctx, loc);
    let page = ctx.page_info(
        loc,
        path,
        "dashboard",
        String::new(),
        Vec::new(),
        Vec::new(),
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

/// Labels for snapshot dates on a chart's x axis: months, unless two dates share a month.
fn date_labels(dates: &[chrono::NaiveDate]) -> Vec<String> {
    let months: Vec<String> = dates
        .iter()
        .map(|d| d.format("%Y-%m").to_string())
        .collect();
    let unique: HashSet<&String> = months.iter().collect();
    if unique.len() == months.len() {
        months
    } else {
        dates
            .iter()
            .map(|d| d.format("%Y-%m-%d").to_string())
            .collect()
    }
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

// ----- rounds -------------------------------------------------------------------------------

#[derive(Serialize)]
struct RoundsIndex {
    rounds: Vec<RoundRow>,
}

#[derive(Serialize)]
struct RoundRow {
    title: Txt,
    date: Day,
    href: String,
    audits: usize,
    average: String,
}

fn rounds_index(ctx: &Ctx, loc: &Locale, prefix: &str, site: &dyn Sink) -> Result<(), RenderError> {
    let path = "rounds/index.html";
    let rounds = ctx
        .model
        .rounds
        .iter()
        .rev()
        .map(|r| {
            let scores: Vec<f64> = r
                .audits
                .iter()
                .filter_map(|a| ctx.result(&r.id, &a.id)?.score)
                .collect();
            let avg =
                (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64);
            RoundRow {
                title: round_title(loc, r),
                date: loc.date(r.date),
                href: format!("{}/index.html", r.id),
                audits: r.audits.len(),
                average: loc.score(avg),
            }
        })
        .collect();
    let root = super::up(path);
    let crumbs = vec![crumb(loc.ui("nav_dashboard"), format!("{root}index.html"))];
    let page = ctx.page_info(loc, path, "rounds", loc.s("nav_rounds"), crumbs, Vec::new());
    render_page(
        ctx,
        site,
        "rounds.html",
        format!("{prefix}{path}"),
        &page,
        &RoundsIndex { rounds },
    )
}

fn latest_redirect(
    ctx: &Ctx,
    loc: &Locale,
    prefix: &str,
    site: &dyn Sink,
) -> Result<(), RenderError> {
    let path = "rounds/latest/index.html";
    #[derive(Serialize)]
    struct Redirect {
        target: String,
        label: Txt,
    }
    let Some(newest) = ctx.model.rounds.last() else {
        return Ok(());
    };
    let data = Redirect {
        target: format!("../{}/index.html", newest.id),
        label: round_title(loc, newest),
    };
    let page = ctx.page_info(
        loc,
        path,
        "rounds",
        round_title(loc, newest).text,
        Vec::new(),
        Vec::new(),
    );
    render_page(
        ctx,
        site,
        "redirect.html",
        format!("{prefix}{path}"),
        &page,
        &data,
    )
}

#[derive(Serialize)]
struct HeatMap {
    checklist: Txt,
    version: u32,
    sections: Vec<Txt>,
    rows: Vec<HeatRow>,
}

#[derive(Serialize)]
struct HeatRow {
    rank: usize,
    label: Txt,
    href: String,
    score: String,
    target: String,
    status: StatusView,
    cells: Vec<HeatCell>,
}

#[derive(Serialize)]
struct HeatCell {
    value: String,
    level: u8,
    status: StatusView,
}

#[derive(Serialize)]
struct MetricRanking {
    id: String,
    title: Txt,
    better: &'static str,
    rows: Vec<RankRow>,
}

#[derive(Serialize)]
struct RankRow {
    rank: usize,
    label: Txt,
    href: String,
    value: String,
    status: StatusView,
}

#[derive(Serialize)]
struct RoundView {
    title: Txt,
    date: Day,
    summary: Option<Md>,
    heatmaps: Vec<HeatMap>,
    rankings: Vec<MetricRanking>,
}

fn heat_level(score: Option<f64>) -> u8 {
    match score {
        None => 0,
        Some(s) => 1 + ((s / 20.0).floor() as u8).min(4),
    }
}

fn round_page(
    ctx: &Ctx,
    loc: &Locale,
    prefix: &str,
    round: &Round,
    site: &dyn Sink,
) -> Result<(), RenderError> {
    let path = paths::round(&round.id);
    let mut groups: BTreeMap<(String, u32), Vec<(&Audit, &AuditResult)>> = BTreeMap::new();
    for audit in &round.audits {
        if let Some(r) = ctx.result(&round.id, &audit.id) {
            groups
                .entry((audit.checklist.clone(), audit.version))
                .or_default()
                .push((audit, r));
        }
    }
    let mut heatmaps = Vec::new();
    for ((id, version), mut audits) in groups {
        let Some(checklist) = ctx.model.checklist(&id, version) else {
            continue;
        };
        audits.sort_by(|a, b| {
            b.1.score
                .unwrap_or(-1.0)
                .total_cmp(&a.1.score.unwrap_or(-1.0))
        });
        let rows = audits
            .iter()
            .enumerate()
            .map(|(i, (audit, r))| HeatRow {
                rank: i + 1,
                label: audit_label(ctx, loc, audit),
                href: format!("{}/index.html", audit.id),
                score: loc.score(r.score),
                target: loc.score(r.target),
                status: status_view(loc, audit_status(r.score, r.target)),
                cells: r
                    .sections
                    .iter()
                    .map(|s| HeatCell {
                        value: loc.score(s.score),
                        level: heat_level(s.score),
                        status: status_view(loc, audit_status(s.score, s.target)),
                    })
                    .collect(),
            })
            .collect();
        heatmaps.push(HeatMap {
            checklist: loc.txt(&checklist.title),
            version,
            sections: checklist
                .sections
                .iter()
                .map(|s| loc.txt(&s.title))
                .collect(),
            rows,
        });
    }
    let mut rankings = Vec::new();
    for def in &ctx.model.metrics {
        let mut rows: Vec<(f64, &Audit, Status)> = round
            .audits
            .iter()
            .filter_map(|a| {
                let m = ctx
                    .result(&round.id, &a.id)?
                    .metrics
                    .iter()
                    .find(|m| m.id == def.id)?;
                Some((m.value, a, m.status))
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        rows.sort_by(|a, b| match def.better {
            Better::Higher => b.0.total_cmp(&a.0),
            Better::Lower => a.0.total_cmp(&b.0),
        });
        rankings.push(MetricRanking {
            id: def.id.clone(),
            title: loc.txt(&def.title),
            better: if def.better == Better::Higher {
                "higher"
            } else {
                "lower"
            },
            rows: rows
                .into_iter()
                .enumerate()
                .map(|(i, (v, a, s))| RankRow {
                    rank: i + 1,
                    label: audit_label(ctx, loc, a),
                    href: format!("{}/index.html", a.id),
                    value: loc.metric_value(def, v),
                    status: status_view(loc, s),
                })
                .collect(),
        });
    }
    let root = super::up(&path);
    let title = round_title(loc, round);
    let crumbs = vec![
        crumb(loc.ui("nav_dashboard"), format!("{root}index.html")),
        crumb(loc.ui("nav_rounds"), format!("{root}rounds/index.html")),
    ];
    let switcher = round_switcher(ctx, loc, &path, &round.id);
    let page = ctx.page_info(loc, &path, "rounds", title.text.clone(), crumbs, switcher);
    let view = RoundView {
        title,
        date: loc.date(round.date),
        summary: loc.md_opt(round.summary.as_ref()),
        heatmaps,
        rankings,
    };
    render_page(
        ctx,
        site,
        "round.html",
        format!("{prefix}{path}"),
        &page,
        &view,
    )
}

// ----- audit, gaps, report ------------------------------------------------------------------

#[derive(Serialize)]
struct ItemView {
    id: String,
    title: Txt,
    status: &'static str,
    level: Option<Txt>,
    target: Txt,
    meets: bool,
    weight: String,
    gap: String,
    note: Option<Md>,
    evidence: Vec<Evidence>,
    action: Option<ActionView>,
    metrics: Vec<MetricChip>,
}

#[derive(Serialize)]
struct Evidence {
    text: String,
    href: Option<String>,
}

#[derive(Serialize, Clone)]
struct ActionView {
    item: Txt,
    text: Md,
    owner: Option<String>,
    due: Option<Day>,
    overdue: bool,
}

#[derive(Serialize)]
struct SectionView {
    id: String,
    title: Txt,
    description: Option<Md>,
    score: String,
    target: String,
    completion: String,
    status: StatusView,
    items: Vec<ItemView>,
    gap_count: usize,
    gap_points: String,
}

#[derive(Serialize)]
struct ChangeItem {
    title: Txt,
    from: Txt,
    to: Txt,
}

#[derive(Serialize)]
struct ChangeView {
    href: String,
    round: Txt,
    score: String,
    delta: Option<String>,
    trend: &'static str,
    improved: Vec<ChangeItem>,
    regressed: Vec<ChangeItem>,
    added: Vec<Txt>,
    removed: Vec<Txt>,
}

#[derive(Serialize)]
struct GapView {
    rank: usize,
    title: Txt,
    section: Txt,
    current: Txt,
    target: Txt,
    gap: String,
    points: String,
    share: u32,
    metrics: Vec<MetricChip>,
    action: Option<ActionView>,
}

#[derive(Serialize)]
struct MetricRow {
    id: String,
    title: Txt,
    value: String,
    target: Option<String>,
    status: StatusView,
    taken: Day,
    worst: Vec<Worst>,
    /// The snapshot's note on this value.
    note: Option<Md>,
}

#[derive(Serialize)]
struct Worst {
    dimension: String,
    name: String,
    value: String,
    status: StatusView,
}

#[derive(Serialize)]
struct AuditView {
    round: Txt,
    round_date: Day,
    title: Txt,
    checklist: Txt,
    checklist_href: String,
    version: u32,
    date: Day,
    auditors: Vec<String>,
    summary: Option<Md>,
    score: String,
    target: String,
    completion: String,
    status: StatusView,
    gauge: String,
    section_chart: String,
    sections: Vec<SectionView>,
    change: Option<ChangeView>,
    metrics: Vec<MetricRow>,
    gaps: Vec<GapView>,
    actions: Vec<ActionView>,
    counts: Counts4,
    report_title: String,
    report_description: String,
}

#[derive(Serialize, Default)]
struct Counts4 {
    items: usize,
    scored: usize,
    na: usize,
    unanswered: usize,
    gaps: usize,
}

#[derive(Serialize)]
pub struct SearchEntry {
    kind: String,
    title: String,
    text: String,
    url: String,
}

fn evidence(e: &str) -> Evidence {
    let is_url =
        (e.starts_with("https://") || e.starts_with("http://")) && !e.contains(char::is_whitespace);
    Evidence {
        text: e.to_string(),
        href: is_url.then(|| e.to_string()),
    }
}

impl AuditView {
    fn new(
        ctx: &Ctx,
        loc: &Locale,
        round: &Round,
        audit: &Audit,
        result: &AuditResult,
    ) -> AuditView {
        let checklist = ctx.model.checklist_of(audit);
        let newest_date = ctx.model.rounds.last().map(|r| r.date);
        let mut actions = Vec::new();
        let mut sections = Vec::new();
        let mut counts = Counts4 {
            items: result.items.len(),
            gaps: result.gaps.len(),
            ..Counts4::default()
        };
        let by_id: HashMap<&str, &crate::score::ItemResult> =
            result.items.iter().map(|i| (i.id.as_str(), i)).collect();
        let chips = metric_chips(ctx, loc, result);
        // The position of each item in checklist order, where its answer is.
        let mut item_index = 0;
        for (section, sr) in checklist.sections.iter().zip(&result.sections) {
            let mut items = Vec::new();
            let mut gap_sum = 0.0;
            let mut gap_count = 0;
            for item in &section.items {
                let answer = audit.answer(item_index);
                item_index += 1;
                let Some(ir) = by_id.get(item.id.as_str()) else {
                    continue;
                };
                match ir.status {
                    ItemStatus::Scored => counts.scored += 1,
                    ItemStatus::Na => counts.na += 1,
                    ItemStatus::Unanswered => counts.unanswered += 1,
                }
                if ir.gap > 0.0 {
                    gap_sum += ir.gap;
                    gap_count += 1;
                }
                let action = answer.and_then(|a| a.action.as_ref()).map(|a| ActionView {
                    item: loc.txt(&item.title),
                    text: loc.md(&a.text),
                    owner: a.owner.clone(),
                    due: a.due.map(|d| loc.date(d)),
                    overdue: matches!((a.due, newest_date), (Some(d), Some(n)) if d < n),
                });
                actions.extend(action.clone());
                items.push(ItemView {
                    id: item.id.clone(),
                    title: loc.txt(&item.title),
                    status: match ir.status {
                        ItemStatus::Scored => "scored",
                        ItemStatus::Na => "na",
                        ItemStatus::Unanswered => "unanswered",
                    },
                    level: ir.value.map(|v| loc.level_label(&checklist.scale, v)),
                    target: loc.level_label(&checklist.scale, ir.target),
                    meets: ir.ratio.is_some_and(|r| r >= ir.target_ratio),
                    weight: loc.num(ir.weight, if ir.weight.fract() == 0.0 { 0 } else { 2 }),
                    gap: loc.num(ir.gap, 2),
                    note: answer.and_then(|a| loc.md_opt(a.note.as_ref())),
                    evidence: answer
                        .map(|a| a.evidence.iter().map(|e| evidence(e)).collect())
                        .unwrap_or_default(),
                    action,
                    metrics: chips_for(&chips, &item.metrics),
                });
            }
            sections.push(SectionView {
                id: section.id.clone(),
                title: loc.txt(&section.title),
                description: loc.md_opt(section.description.as_ref()),
                score: loc.score(sr.score),
                target: loc.score(sr.target),
                completion: loc.num(sr.completion, 0),
                status: status_view(loc, audit_status(sr.score, sr.target)),
                items,
                gap_count,
                gap_points: loc.num(gap_points(result, gap_sum), 1),
            });
        }
        let gaps = gap_views(loc, audit, result, checklist, &actions, &chips);
        let title = audit_label(ctx, loc, audit);
        // Labels and values are owned here; the chart borrows them.
        let texts: Vec<(Txt, String)> = checklist
            .sections
            .iter()
            .zip(&result.sections)
            .map(|(s, r)| (loc.txt(&s.title), loc.score(r.score)))
            .collect();
        let chart_bars: Vec<charts::Bar> = texts
            .iter()
            .zip(&result.sections)
            .map(|((label, display), r)| charts::Bar {
                label: &label.text,
                lang: label.lang.as_deref(),
                value: r.score,
                target: r.target,
                status: chart_status(audit_status(r.score, r.target)),
                display,
            })
            .collect();
        let section_chart = charts::bar_chart(
            &format!("sections-{}", audit.id),
            &loc.s("section_scores"),
            Some(&loc.s("section_scores_desc")),
            &chart_bars,
            100.0,
            &loc.formats,
        );
        let status = audit_status(result.score, result.target);
        let gauge = charts::score_gauge(
            &format!("gauge-{}", audit.id),
            &loc.s("overall_score"),
            result.score,
            result.target,
            chart_status(status),
            &loc.formats,
        );
        let report_description = loc.fill(
            "report_description",
            &[
                ("score", &loc.score(result.score)),
                ("target", &loc.score(result.target)),
                ("gaps", &result.gaps.len().to_string()),
            ],
        );
        AuditView {
            round: round_title(loc, round),
            round_date: loc.date(round.date),
            report_title: format!("{} — {}", title.text, round_title(loc, round).text),
            title,
            checklist: loc.txt(&checklist.title),
            checklist_href: paths::checklist_version(&checklist.id, checklist.version),
            version: checklist.version,
            date: loc.date(audit.date),
            auditors: audit.auditors.clone(),
            summary: loc.md_opt(audit.summary.as_ref()),
            score: loc.score(result.score),
            target: loc.score(result.target),
            completion: loc.num(result.completion, 0),
            status: status_view(loc, status),
            gauge,
            section_chart,
            sections,
            change: change_view(ctx, loc, audit, result, checklist),
            metrics: metric_rows(ctx, loc, audit, result),
            gaps,
            actions,
            counts,
            report_description,
        }
    }

    fn search_entries(&self, loc: &Locale, round: &Round, audit: &Audit) -> Vec<SearchEntry> {
        let mut out = vec![SearchEntry {
            kind: loc.s("search_kind_audit"),
            title: format!("{} — {}", self.title.text, self.round.text),
            text: self
                .summary
                .as_ref()
                .map(|m| strip_tags(&m.html))
                .unwrap_or_default(),
            url: paths::audit(&round.id, &audit.id),
        }];
        for s in &self.sections {
            for i in &s.items {
                let note = i
                    .note
                    .as_ref()
                    .map(|m| strip_tags(&m.html))
                    .unwrap_or_default();
                if note.is_empty() && i.action.is_none() {
                    continue;
                }
                out.push(SearchEntry {
                    kind: loc.s("search_kind_note"),
                    title: format!("{} · {}", i.title.text, self.title.text),
                    text: note,
                    url: format!("{}#item-{}", paths::audit(&round.id, &audit.id), i.id),
                });
            }
        }
        for g in &self.gaps {
            out.push(SearchEntry {
                kind: loc.s("search_kind_gap"),
                title: format!("{} · {}", g.title.text, self.title.text),
                text: format!("{} → {}", g.current.text, g.target.text),
                url: paths::gaps(&round.id, &audit.id),
            });
        }
        out
    }
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    if !out.contains('&') {
        return out.trim().to_string();
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .trim()
        .to_string()
}

fn gap_views(
    loc: &Locale,
    _audit: &Audit,
    result: &AuditResult,
    checklist: &Checklist,
    actions: &[ActionView],
    chips: &[MetricChip],
) -> Vec<GapView> {
    let max_gap = result.items.iter().map(|i| i.gap).fold(0.0, f64::max);
    result
        .gaps
        .iter()
        .enumerate()
        .filter_map(|(rank, id)| {
            let ir = result.items.iter().find(|i| &i.id == id)?;
            let (section, item) = checklist.items().find(|(_, i)| &i.id == id)?;
            let title = loc.txt(&item.title);
            Some(GapView {
                rank: rank + 1,
                section: loc.txt(&section.title),
                current: ir
                    .value
                    .map_or_else(|| Txt::plain("—"), |v| loc.level_label(&checklist.scale, v)),
                target: loc.level_label(&checklist.scale, ir.target),
                gap: loc.num(ir.gap, 2),
                points: loc.num(gap_points(result, ir.gap), 1),
                share: if max_gap > 0.0 {
                    (100.0 * ir.gap / max_gap).round() as u32
                } else {
                    0
                },
                metrics: chips_for(chips, &item.metrics),
                action: actions.iter().find(|a| a.item == title).cloned(),
                title,
            })
        })
        .collect()
}

fn metric_rows(ctx: &Ctx, loc: &Locale, audit: &Audit, result: &AuditResult) -> Vec<MetricRow> {
    result
        .metrics
        .iter()
        .filter_map(|m| {
            let def = ctx.model.metric(&m.id)?;
            let snap = ctx.snapshots.for_audit(audit, &m.id)?;
            let value = snap.value(&m.id)?;
            let worst = value
                .by
                .iter()
                .filter_map(|b| {
                    let (name, measure) = b.entries.iter().min_by(|x, y| match def.better {
                        Better::Higher => x.1.value.total_cmp(&y.1.value),
                        Better::Lower => y.1.value.total_cmp(&x.1.value),
                    })?;
                    Some(Worst {
                        dimension: b.dimension.clone(),
                        name: name.clone(),
                        value: loc.metric_value(def, measure.value),
                        status: status_view(
                            loc,
                            crate::metrics::status(measure.value, m.target, def.warn, def.better),
                        ),
                    })
                })
                .collect();
            Some(MetricRow {
                id: m.id.clone(),
                title: loc.txt(&def.title),
                value: loc.metric_value(def, m.value),
                target: m.target.map(|t| loc.metric_value(def, t)),
                status: status_view(loc, m.status),
                taken: loc.iso_day(&m.taken),
                worst,
                note: loc.md_opt(value.note.as_ref()),
            })
        })
        .collect()
}

fn change_view(
    ctx: &Ctx,
    loc: &Locale,
    _audit: &Audit,
    result: &AuditResult,
    checklist: &Checklist,
) -> Option<ChangeView> {
    let prev = result.previous.as_ref()?;
    let prev_round = ctx.model.round(&prev.round)?;
    let prev_audit = prev_round.audits.iter().find(|a| a.id == prev.audit)?;
    let prev_result = ctx.result(&prev.round, &prev.audit)?;
    let prev_checklist = ctx.model.checklist_of(prev_audit);
    let before: HashMap<&str, &crate::score::ItemResult> = prev_result
        .items
        .iter()
        .map(|i| (i.id.as_str(), i))
        .collect();
    let mut improved = Vec::new();
    let mut regressed = Vec::new();
    let mut added = Vec::new();
    for (_, item) in checklist.items() {
        let Some(now) = result.items.iter().find(|i| i.id == item.id) else {
            continue;
        };
        match before.get(item.id.as_str()) {
            None => added.push(loc.txt(&item.title)),
            Some(then) => {
                if let (Some(a), Some(b), Some(va), Some(vb)) =
                    (then.ratio, now.ratio, then.value, now.value)
                {
                    let change = ChangeItem {
                        title: loc.txt(&item.title),
                        from: loc.level_label(&prev_checklist.scale, va),
                        to: loc.level_label(&checklist.scale, vb),
                    };
                    if b > a {
                        improved.push(change);
                    } else if b < a {
                        regressed.push(change);
                    }
                }
            }
        }
    }
    let now_ids: HashSet<&str> = result.items.iter().map(|i| i.id.as_str()).collect();
    let removed = prev_checklist
        .items()
        .filter(|(_, i)| !now_ids.contains(i.id.as_str()))
        .map(|(_, i)| loc.txt(&i.title))
        .collect();
    let delta = result.score.zip(prev.score).map(|(a, b)| a - b);
    Some(ChangeView {
        href: format!("../../{}/{}/index.html", prev.round, prev.audit),
        round: round_title(loc, prev_round),
        score: loc.score(prev.score),
        delta: delta.map(|d| loc.delta(d)),
        trend: match delta {
            Some(d) if d > 0.05 => "up",
            Some(d) if d < -0.05 => "down",
            _ => "same",
        },
        improved,
        regressed,
        added,
        removed,
    })
}

fn audit_pages(
    ctx: &Ctx,
    loc: &Locale,
    prefix: &str,
    round: &Round,
    audit: &Audit,
    view: &AuditView,
    site: &dyn Sink,
) -> Result<(), RenderError> {
    // One template value serves the audit, gaps and report pages.
    let value = tera::Value::from_serializable(view);
    let path = paths::audit(&round.id, &audit.id);
    let root = super::up(&path);
    let crumbs = vec![
        crumb(loc.ui("nav_dashboard"), format!("{root}index.html")),
        crumb(loc.ui("nav_rounds"), format!("{root}rounds/index.html")),
        crumb(
            view.round.clone(),
            format!("{root}{}", paths::round(&round.id)),
        ),
    ];
    let page = ctx.page_info(
        loc,
        &path,
        "rounds",
        view.report_title.clone(),
        crumbs.clone(),
        round_switcher(ctx, loc, &path, &round.id),
    );
    render_value(
        ctx,
        site,
        "audit.html",
        format!("{prefix}{path}"),
        &page,
        &value,
    )?;

    let path = paths::gaps(&round.id, &audit.id);
    let root = super::up(&path);
    let mut gap_crumbs = one_folder_deeper(&crumbs);
    gap_crumbs.push(crumb(
        view.title.clone(),
        format!("{root}{}", paths::audit(&round.id, &audit.id)),
    ));
    let title = format!("{} · {}", loc.s("gap_analysis"), view.report_title);
    let page = ctx.page_info(
        loc,
        &path,
        "rounds",
        title,
        gap_crumbs,
        round_switcher(ctx, loc, &path, &round.id),
    );
    render_value(
        ctx,
        site,
        "gaps.html",
        format!("{prefix}{path}"),
        &page,
        &value,
    )?;

    let path = paths::report(&round.id, &audit.id);
    let mut page = ctx.page_info(
        loc,
        &path,
        "rounds",
        view.report_title.clone(),
        Vec::new(),
        Vec::new(),
    );
    page.csp = super::REPORT_CSP;
    page.description = view.report_description.clone();
    render_value(
        ctx,
        site,
        "report.html",
        format!("{prefix}{path}"),
        &page,
        &value,
    )
}

// ----- checklists ---------------------------------------------------------------------------

#[derive(Serialize)]
struct ChecklistSummary {
    title: Txt,
    id: String,
    version: u32,
    href: String,
    items: usize,
    sections: usize,
    versions: usize,
}

#[derive(Serialize)]
struct ChecklistItemView {
    id: String,
    title: Txt,
    why: Option<Md>,
    how: Option<Md>,
    tools: Vec<Txt>,
    weight: String,
    target: Txt,
    metrics: Vec<Txt>,
    tags: Vec<String>,
}

#[derive(Serialize)]
struct ChecklistSectionView {
    id: String,
    title: Txt,
    description: Option<Md>,
    weight: String,
    items: Vec<ChecklistItemView>,
}

#[derive(Serialize)]
struct Coverage {
    lang: String,
    dir: &'static str,
    name: String,
    present: usize,
    total: usize,
    percent: String,
    complete: bool,
}

#[derive(Serialize)]
struct VersionLink {
    version: u32,
    href: String,
    current: bool,
    items: usize,
}

#[derive(Serialize)]
struct Retitled {
    id: String,
    from: Txt,
    to: Txt,
}

#[derive(Serialize)]
struct VersionChanges {
    previous: u32,
    previous_href: String,
    added: Vec<Txt>,
    removed: Vec<Txt>,
    retitled: Vec<Retitled>,
}

#[derive(Serialize)]
struct ChecklistView {
    id: String,
    title: Txt,
    description: Option<Md>,
    version: u32,
    is_current: bool,
    current_href: String,
    scale: Vec<ScaleLevel>,
    target: Txt,
    sections: Vec<ChecklistSectionView>,
    coverage: Vec<Coverage>,
    versions: Vec<VersionLink>,
    changes: Option<VersionChanges>,
    item_count: usize,
}

#[derive(Serialize)]
struct ScaleLevel {
    value: String,
    key: String,
    label: Txt,
}

fn checklist_view(
    ctx: &Ctx,
    loc: &Locale,
    c: &Checklist,
    versions: &[&Checklist],
    from_path: &str,
) -> ChecklistView {
    let root = super::up(from_path);
    let texts = c.texts();
    let coverage = ctx
        .model
        .config
        .languages
        .iter()
        .map(|l| {
            let present = texts.iter().filter(|t| t.has(l)).count();
            Coverage {
                dir: if crate::text::is_rtl(l) { "rtl" } else { "ltr" },
                lang: l.clone(),
                name: super::format::autonym(l),
                present,
                total: texts.len(),
                percent: loc.num(100.0 * present as f64 / texts.len().max(1) as f64, 0),
                complete: present == texts.len(),
            }
        })
        .collect();
    let current = versions.last().map_or(c.version, |v| v.version);
    let previous = versions.iter().rev().find(|v| v.version < c.version);
    let changes = previous.map(|p| {
        let old: HashMap<&str, &crate::model::Item> =
            p.items().map(|(_, i)| (i.id.as_str(), i)).collect();
        let new_ids: HashSet<&str> = c.items().map(|(_, i)| i.id.as_str()).collect();
        VersionChanges {
            previous: p.version,
            previous_href: format!("{root}{}", paths::checklist_version(&p.id, p.version)),
            added: c
                .items()
                .filter(|(_, i)| !old.contains_key(i.id.as_str()))
                .map(|(_, i)| loc.txt(&i.title))
                .collect(),
            removed: p
                .items()
                .filter(|(_, i)| !new_ids.contains(i.id.as_str()))
                .map(|(_, i)| loc.txt(&i.title))
                .collect(),
            retitled: c
                .items()
                .filter_map(|(_, i)| {
                    let o = old.get(i.id.as_str())?;
                    (o.title != i.title).then(|| Retitled {
                        id: i.id.clone(),
                        from: loc.txt(&o.title),
                        to: loc.txt(&i.title),
                    })
                })
                .collect(),
        }
    });
    let metric_title = |id: &String| {
        ctx.model
            .metric(id)
            .map_or_else(|| Txt::plain(id.clone()), |m| loc.txt(&m.title))
    };
    ChecklistView {
        id: c.id.clone(),
        title: loc.txt(&c.title),
        description: loc.md_opt(c.description.as_ref()),
        version: c.version,
        is_current: c.version == current,
        current_href: format!("{root}{}", paths::checklist(&c.id)),
        scale: c
            .scale
            .levels
            .iter()
            .map(|l| ScaleLevel {
                value: loc.num(l.value, if l.value.fract() == 0.0 { 0 } else { 2 }),
                key: l.key.clone(),
                label: loc.level_label(&c.scale, l.value),
            })
            .collect(),
        target: c.target.map_or_else(
            || loc.level_label(&c.scale, c.scale.max()),
            |t| loc.level_label(&c.scale, t),
        ),
        sections: c
            .sections
            .iter()
            .map(|s| ChecklistSectionView {
                id: s.id.clone(),
                title: loc.txt(&s.title),
                description: loc.md_opt(s.description.as_ref()),
                weight: loc.num(s.weight, if s.weight.fract() == 0.0 { 0 } else { 2 }),
                items: s
                    .items
                    .iter()
                    .map(|i| ChecklistItemView {
                        id: i.id.clone(),
                        title: loc.txt(&i.title),
                        why: loc.md_opt(i.why.as_ref()),
                        how: loc.md_opt(i.how.as_ref()),
                        tools: i.tools.iter().map(|t| loc.txt(t)).collect(),
                        weight: loc.num(i.weight, if i.weight.fract() == 0.0 { 0 } else { 2 }),
                        target: loc.level_label(&c.scale, c.item_target(s, i)),
                        metrics: i.metrics.iter().map(metric_title).collect(),
                        tags: i.tags.clone(),
                    })
                    .collect(),
            })
            .collect(),
        coverage,
        versions: versions
            .iter()
            .rev()
            .map(|v| VersionLink {
                version: v.version,
                href: format!("{root}{}", paths::checklist_version(&v.id, v.version)),
                current: v.version == c.version,
                items: v.item_count(),
            })
            .collect(),
        changes,
        item_count: c.item_count(),
    }
}

fn checklist_pages(
    ctx: &Ctx,
    loc: &Locale,
    prefix: &str,
    site: &dyn Sink,
) -> Result<(), RenderError> {
    let mut by_id: BTreeMap<&str, Vec<&Checklist>> = BTreeMap::new();
    for c in &ctx.model.checklists {
        by_id.entry(&c.id).or_default().push(c);
    }
    #[derive(Serialize)]
    struct Index {
        checklists: Vec<ChecklistSummary>,
    }
    let index = Index {
        checklists: by_id
            .values()
            .filter_map(|versions| {
                let c = versions.last()?;
                Some(ChecklistSummary {
                    title: loc.txt(&c.title),
                    id: c.id.clone(),
                    version: c.version,
                    href: format!("{}/index.html", c.id),
                    items: c.item_count(),
                    sections: c.sections.len(),
                    versions: versions.len(),
                })
            })
            .collect(),
    };
    let path = "checklists/index.html";
    let crumbs = vec![crumb(loc.ui("nav_dashboard"), "../index.html".into())];
    let page = ctx.page_info(
        loc,
        path,
        "checklists",
        loc.s("nav_checklists"),
        crumbs,
        Vec::new(),
    );
    render_page(
        ctx,
        site,
        "checklists.html",
        format!("{prefix}{path}"),
        &page,
        &index,
    )?;
    for (id, versions) in &by_id {
        let Some(current) = versions.last() else {
            continue;
        };
        let path = paths::checklist(id);
        let root = super::up(&path);
        let crumbs = vec![
            crumb(loc.ui("nav_dashboard"), format!("{root}index.html")),
            crumb(
                loc.ui("nav_checklists"),
                format!("{root}checklists/index.html"),
            ),
        ];
        let view = checklist_view(ctx, loc, current, versions, &path);
        let page = ctx.page_info(
            loc,
            &path,
            "checklists",
            view.title.text.clone(),
            crumbs.clone(),
            Vec::new(),
        );
        render_page(
            ctx,
            site,
            "checklist.html",
            format!("{prefix}{path}"),
            &page,
            &view,
        )?;
        for c in versions {
            let path = paths::checklist_version(id, c.version);
            let root = super::up(&path);
            let mut crumbs = one_folder_deeper(&crumbs);
            crumbs.push(crumb(
                loc.txt(&current.title),
                format!("{root}{}", paths::checklist(id)),
            ));
            let view = checklist_view(ctx, loc, c, versions, &path);
            let title = format!("{} · v{}", view.title.text, c.version);
            let page = ctx.page_info(loc, &path, "checklists", title, crumbs, Vec::new());
            render_page(
                ctx,
                site,
                "checklist.html",
                format!("{prefix}{path}"),
                &page,
                &view,
            )?;
        }
    }
    Ok(())
}

// ----- metrics ------------------------------------------------------------------------------

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

fn metrics_page(ctx: &Ctx, loc: &Locale, prefix: &str, site: &dyn Sink) -> Result<(), RenderError> {
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
    let x_labels = date_labels(&dates);
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
        series: &series,
        target: def.target,
        warn: def.warn,
        higher_is_better: def.better == Better::Higher,
        y_format: &fmt,
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
    for subject in &subjects {
        let Some(snap) = snaps
            .iter()
            .rev()
            .find(|s| s.subject.as_deref() == *subject)
        else {
            continue;
        };
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
                subject: subject_label(ctx, loc, *subject),
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
    let x = date_labels(dates);
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
        let title = loc.fill(title_key, &[("name", &loc.txt(&def.title).text)]);
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

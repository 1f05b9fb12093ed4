//! The rounds index, the redirect to the newest round, and each round's page: its audits
//! side by side, section heat maps and metric rankings.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analysis::{audit_status, heat_level};
use crate::metrics::{Better, Status};
use crate::model::{Audit, Round};
use crate::render::format::{Day, Locale, Md, Txt};
use crate::render::{Ctx, RenderError, Sink};
use crate::score::AuditResult;
use crate::site::paths;

use super::*;

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

pub(super) fn rounds_index(
    ctx: &Ctx,
    loc: &Locale,
    prefix: &str,
    site: &dyn Sink,
) -> Result<(), RenderError> {
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
    let root = crate::site::up(path);
    let crumbs = vec![crumb(loc.ui("nav_dashboard"), format!("{root}index.html"))];
    let page = ctx.page_info(
        loc,
        path,
        "rounds",
        loc.s("nav_rounds"),
        crumbs,
        Ctx::no_switcher(),
    );
    render_page(
        ctx,
        site,
        "rounds.html",
        format!("{prefix}{path}"),
        &page,
        &RoundsIndex { rounds },
    )
}

pub(super) fn latest_redirect(
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
        Ctx::no_switcher(),
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
struct RoundView {
    /// The round's CSV, from the root of the output folder.
    csv: String,
    title: Txt,
    date: Day,
    summary: Option<Md>,
    heatmaps: Vec<HeatMap>,
    rankings: Vec<MetricRanking>,
}

pub(super) fn round_page(
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
                Some((m.value, &**a, m.status))
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
    let root = crate::site::up(&path);
    let title = round_title(loc, round);
    let crumbs = vec![
        crumb(loc.ui("nav_dashboard"), format!("{root}index.html")),
        crumb(loc.ui("nav_rounds"), format!("{root}rounds/index.html")),
    ];
    let switcher = ctx.round_switcher(loc, &path, &round.id);
    let page = ctx.page_info(loc, &path, "rounds", title.text.clone(), crumbs, switcher);
    let view = RoundView {
        csv: paths::round_csv(&round.id),
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

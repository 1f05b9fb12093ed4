//! Item pages: one item of a checklist across rounds — its level per team in each round (a
//! table and a chart), the notes and evidence of every audit that answered it, its
//! exemptions, and the metrics it links. There is a page for every item of every version of a checklist, so
//! that items a newer version removed keep their history.

use std::collections::BTreeMap;

use crate::render::{FastMap, FastSet};

use serde::Serialize;

use crate::analysis;
use crate::charts;
use crate::model::{Audit, Checklist, Item, Round, Section};
use crate::render::format::{Day, Locale, Md, Txt};
use crate::render::{Ctx, Plan, RenderError, Sink};
use crate::score::ItemStatus;
use crate::site::paths;

use super::exemptions::{ExemptionView, exemption_view};
use super::*;

/// A round that audited the checklist: a column of the table.
#[derive(Serialize)]
struct RoundColumn {
    title: Txt,
    date: Day,
    href: String,
}

/// An item's answer in one audit, as a cell of the table. An item page holds a cell per
/// audit of its checklist, so texts every item page shows (level labels, and each audit's
/// round, team and date in the notes) are template values made once per language and
/// checklist and shared, not a map of their own in each cell.
#[derive(Serialize)]
struct LevelCell {
    /// The level's label, "not applicable" or "unanswered": a [`Txt`].
    level: tera::Value,
    status: &'static str,
    meets: bool,
    /// The audit's page, at the item.
    href: String,
}

/// One team's row: a cell per round, empty where the team was not audited.
#[derive(Serialize)]
struct SubjectRow {
    subject: Txt,
    cells: Vec<Option<LevelCell>>,
}

/// What one audit said about the item besides its level.
#[derive(Serialize)]
struct NoteEntry {
    /// A [`Txt`].
    round: tera::Value,
    /// A [`Txt`].
    subject: tera::Value,
    /// A [`Day`].
    date: tera::Value,
    /// A [`Txt`].
    level: tera::Value,
    note: Option<Md>,
    evidence: Vec<EvidenceView>,
    href: String,
}

#[derive(Serialize)]
struct LinkedMetric {
    title: Txt,
    description: Option<Md>,
    target: Option<String>,
    href: String,
}

#[derive(Serialize)]
struct ItemView {
    id: String,
    title: Txt,
    checklist: Txt,
    checklist_href: String,
    section: Txt,
    why: Option<Md>,
    how: Option<Md>,
    /// The target in the newest version that has the item.
    target: Txt,
    /// The versions of the checklist that have the item, newest first.
    versions: Vec<VersionRef>,
    rounds: Vec<RoundColumn>,
    subjects: Vec<SubjectRow>,
    chart: String,
    /// Newest first.
    notes: Vec<NoteEntry>,
    metrics: Vec<LinkedMetric>,
    /// The item's exemptions; the template shows the section only when there are some.
    exemptions: Vec<ExemptionView>,
}

#[derive(Serialize)]
struct VersionRef {
    version: u32,
    href: String,
}

/// An audit of the checklist, with what every item page shows of it: worked out once per
/// language, not once per item.
struct Audited<'m> {
    round: &'m Round,
    audit: &'m Audit,
    checklist: &'m Checklist,
    result: Option<&'m crate::score::AuditResult>,
    /// [`Txt`], [`Txt`] and [`Day`] as template values.
    round_title: tera::Value,
    label: tera::Value,
    date: tera::Value,
    /// The audit's page, from the folder of an item page.
    href: String,
}

/// The answers to one item: each audit of the checklist that answered a version with the
/// item, with the item's place in that version.
struct Answered<'a, 'm> {
    audited: &'a Audited<'m>,
    section: &'m Section,
    item: &'m Item,
    /// The item's position in its version's item order.
    index: usize,
}

/// An answer's level as the table, the chart and the notes show it.
#[derive(Clone)]
struct Level {
    /// The level's label, "not applicable" or "unanswered": a [`Txt`] as a template value.
    label: tera::Value,
    status: &'static str,
    meets: bool,
    /// The scored value, for the chart.
    value: Option<f64>,
}

/// Renders the page of each item `plan` includes of checklist `id`, whose versions are
/// `versions` (oldest first).
pub(super) fn item_pages(
    ctx: &Ctx,
    loc: &Locale,
    prefix: &str,
    versions: &[&Checklist],
    plan: &Plan,
    site: &dyn Sink,
) -> Result<(), RenderError> {
    let Some(current) = versions.last() else {
        return Ok(());
    };
    let id = current.id.as_str();
    // Every item id with the newest version that has it, in the order of the newest
    // version first, then of older ones for items removed since.
    let mut items: Vec<(&Checklist, &Section, &Item)> = Vec::new();
    let mut seen = FastSet::default();
    for c in versions.iter().rev() {
        for (s, i) in c.items() {
            if seen.insert(i.id.as_str()) {
                items.push((c, s, i));
            }
        }
    }
    // Every item page has the same folder depth: links from one are links from all.
    let root = crate::site::up(&paths::item(id, "x"));
    let audits: Vec<Audited> = (ctx.model.rounds.iter())
        .flat_map(|r| r.audits.iter().map(move |a| (r, a)))
        .filter(|(_, a)| a.checklist == id)
        .map(|(round, audit)| Audited {
            round,
            audit,
            checklist: ctx.model.checklist_of(audit),
            result: ctx.result(&round.id, &audit.id),
            round_title: tera::Value::from_serializable(&round_title(loc, round)),
            label: tera::Value::from_serializable(&audit_label(ctx, loc, audit)),
            date: tera::Value::from_serializable(&loc.date(audit.date)),
            href: format!("{root}{}", paths::audit(&round.id, &audit.id)),
        })
        .collect();
    // Each version's items by id, with their place in its item order: looked up once per
    // audit and item, not searched.
    let places: FastMap<u32, FastMap<&str, (usize, &Section, &Item)>> = versions
        .iter()
        .map(|v| {
            let by_id = (v.items().enumerate())
                .map(|(at, (s, i))| (i.id.as_str(), (at, s, i)))
                .collect();
            (v.version, by_id)
        })
        .collect();
    let mut labels = Labels::default();
    for (c, section, item) in items {
        if !plan.includes_item(id, &item.id) {
            continue;
        }
        let answered: Vec<Answered> = audits
            .iter()
            .filter_map(|audited| {
                let by_id = places.get(&audited.audit.version)?;
                let &(index, section, item) = by_id.get(item.id.as_str())?;
                Some(Answered {
                    audited,
                    section,
                    item,
                    index,
                })
            })
            .collect();
        let with_item: Vec<&Checklist> = versions
            .iter()
            .rev()
            .filter(|v| (places.get(&v.version)).is_some_and(|p| p.contains_key(item.id.as_str())))
            .copied()
            .collect();
        let path = paths::item(id, &item.id);
        let view = item_view(
            ctx,
            loc,
            &path,
            (c, section, item),
            &with_item,
            &answered,
            &mut labels,
        );
        let root = crate::site::up(&path);
        let mut crumbs = super::checklists::checklists_crumbs(loc, &root);
        crumbs.push(crumb(
            loc.txt(&current.title),
            format!("{root}{}", paths::checklist(id)),
        ));
        let title = format!("{} · {}", view.title.text, view.checklist.text);
        let page = ctx.page_info(loc, &path, "checklists", title, crumbs, Ctx::no_switcher());
        render_page(
            ctx,
            site,
            "item.html",
            format!("{prefix}{path}"),
            &page,
            &view,
        )?;
    }
    Ok(())
}

fn item_view(
    ctx: &Ctx,
    loc: &Locale,
    path: &str,
    (c, section, item): (&Checklist, &Section, &Item),
    with_item: &[&Checklist],
    answered: &[Answered],
    labels: &mut Labels,
) -> ItemView {
    let root = crate::site::up(path);
    // Columns: the rounds with an audit of the item; rows: its series, in series order.
    let mut rounds: Vec<&Round> = Vec::new();
    for a in answered {
        if rounds.last().is_none_or(|r| r.id != a.audited.round.id) {
            rounds.push(a.audited.round);
        }
    }
    // Each answer's level, once; answers are in round order, so their column only grows.
    let mut levels: Vec<Level> = Vec::with_capacity(answered.len());
    let mut rows: BTreeMap<analysis::SeriesKey, Vec<Option<usize>>> = BTreeMap::new();
    let mut column = 0;
    for (at, a) in answered.iter().enumerate() {
        while rounds[column].id != a.audited.round.id {
            column += 1;
        }
        levels.push(level_of(loc, a, labels));
        let row = rows
            .entry(analysis::series_key(a.audited.audit))
            .or_insert_with(|| vec![None; rounds.len()]);
        row[column] = Some(at);
    }
    let at_item = |a: &Answered| format!("{}#item-{}", a.audited.href, item.id);
    let subjects: Vec<SubjectRow> = rows
        .iter()
        .map(|((_, subject), cells)| SubjectRow {
            subject: subject_label(ctx, loc, *subject),
            cells: cells
                .iter()
                .map(|at| {
                    at.map(|at| {
                        let level = &levels[at];
                        LevelCell {
                            level: level.label.clone(),
                            status: level.status,
                            meets: level.meets,
                            href: at_item(&answered[at]),
                        }
                    })
                })
                .collect(),
        })
        .collect();
    let round_titles: Vec<Txt> = rounds.iter().map(|r| round_title(loc, r)).collect();
    // Rounds by id in the chart: a team's name and a round's title may be in two languages,
    // and a tooltip holds one text with one `lang`.
    let x_labels: Vec<String> = rounds.iter().map(|r| r.id.clone()).collect();
    let dates: Vec<chrono::NaiveDate> = rounds.iter().map(|r| r.date).collect();
    let lines = ChartLines::new(
        loc,
        (subjects.iter().zip(rows.values()))
            .map(|(s, cells)| {
                let points = (cells.iter())
                    .map(|at| at.and_then(|at| levels[at].value))
                    .collect();
                (s.subject.clone(), points)
            })
            .collect(),
        0,
    );
    let desc = lines.desc(loc, "item_levels_desc", "item_levels_spread_desc");
    let target = c.item_target(section, item);
    let fmt = |v: f64| loc.num(v, if v.fract() == 0.0 { 0 } else { 2 });
    let title = loc.txt(&item.title);
    let chart = charts::line_chart(&charts::LineChart {
        id: &format!("item-chart-{}", item.id),
        title: &loc.s("item_levels"),
        title_lang: loc.ui_lang(),
        desc: Some(&desc),
        x_labels: &x_labels,
        dates: &dates,
        series: &lines.series(),
        target: Some(target),
        warn: None,
        higher_is_better: true,
        y_format: &fmt,
        formats: &loc.formats,
        colon: &loc.s("colon"),
    });
    let mut notes: Vec<NoteEntry> = (answered.iter().zip(&levels))
        .filter_map(|(a, level)| {
            let audited = a.audited;
            let answer = audited.audit.answer(a.index)?;
            if answer.note.is_none() && answer.evidence.is_empty() {
                return None;
            }
            let max_age = audited.checklist.evidence_max_age(a.section, a.item);
            Some(NoteEntry {
                round: audited.round_title.clone(),
                subject: audited.label.clone(),
                date: audited.date.clone(),
                level: level.label.clone(),
                note: loc.md_opt(answer.note.as_ref()),
                evidence: evidence_views(loc, Some(answer), audited.audit, max_age),
                href: at_item(a),
            })
        })
        .collect();
    notes.reverse();
    let metrics = item
        .metrics
        .iter()
        .filter_map(|m| {
            let def = ctx.model.metric(m)?;
            Some(LinkedMetric {
                title: loc.txt(&def.title),
                description: loc.md_opt(def.description.as_ref()),
                target: def.target.map(|t| loc.metric_value(def, t)),
                href: format!("{root}metrics/index.html#metric-{}", def.id),
            })
        })
        .collect();
    ItemView {
        id: item.id.clone(),
        checklist: loc.txt(&c.title),
        checklist_href: format!("{root}{}", paths::checklist(&c.id)),
        section: loc.txt(&section.title),
        why: loc.md_opt(item.why.as_ref()),
        how: loc.md_opt(item.how.as_ref()),
        target: loc.level_label(&c.scale, target),
        versions: with_item
            .iter()
            .map(|v| VersionRef {
                version: v.version,
                href: format!("{root}{}", paths::checklist_version(&v.id, v.version)),
            })
            .collect(),
        rounds: rounds
            .iter()
            .zip(round_titles)
            .map(|(r, title)| RoundColumn {
                title,
                date: loc.date(r.date),
                href: format!("{root}{}", paths::round(&r.id)),
            })
            .collect(),
        subjects,
        chart,
        notes,
        metrics,
        exemptions: (ctx.model.exemptions.iter())
            .filter(|e| e.checklist == c.id && e.item == item.id)
            .map(|e| exemption_view(ctx, loc, e, None))
            .collect(),
        title,
    }
}

/// Level labels as template values, by checklist version (its address), status and value:
/// the few labels of a scale, made once for all the item pages of a checklist.
type Labels = FastMap<(usize, &'static str, Option<u64>), tera::Value>;

/// The level of one answer, from its audit's scored result.
fn level_of(loc: &Locale, a: &Answered, labels: &mut Labels) -> Level {
    let result = (a.audited.result)
        .and_then(|r| r.items.get(a.index))
        .filter(|r| r.id == a.item.id);
    let (status, meets, value) = match result {
        Some(r) if matches!(r.status, ItemStatus::Scored) => (
            "scored",
            r.ratio.is_some_and(|x| x >= r.target_ratio),
            r.value,
        ),
        Some(r) if matches!(r.status, ItemStatus::Na) => ("na", false, None),
        _ => ("unanswered", false, None),
    };
    let checklist = a.audited.checklist;
    let key = (
        std::ptr::from_ref(checklist) as usize,
        status,
        value.map(f64::to_bits),
    );
    let label = labels.entry(key).or_insert_with(|| {
        let text = match (status, value) {
            ("scored", Some(v)) => loc.level_label(&checklist.scale, v),
            ("scored", None) => Txt::plain("—"),
            ("na", _) => loc.ui("answer_na"),
            _ => loc.ui("answer_unanswered"),
        };
        tera::Value::from_serializable(&text)
    });
    Level {
        label: label.clone(),
        status,
        meets,
        value,
    }
}

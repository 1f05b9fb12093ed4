//! An audit's pages: its results, its gap analysis and its shareable report, all from one
//! view of the audit.

use crate::render::FastMap;

use serde::Serialize;

use crate::analysis::{self, audit_status, gap_points};
use crate::charts;
use crate::metrics::Better;
use crate::model::{Audit, Checklist, Round};
use crate::render::format::{Arg, Day, Locale, Md, Txt};
use crate::render::{Ctx, RenderError, Sink};
use crate::score::{AuditResult, ItemStatus};
use crate::site::paths;

use super::exemptions::{ExemptionView, exemption_view};
use super::*;

#[derive(Serialize)]
struct ItemView {
    id: String,
    /// A [`Txt`], shared by every audit of the checklist version ([`Ctx::item_titles`]).
    title: tera::Value,
    /// The title's text, for the search index.
    #[serde(skip)]
    title_text: String,
    status: &'static str,
    /// Level labels, [`Txt`]s made template values once per audit: the few labels of a
    /// scale are shared by its items instead of a map in each.
    level: Option<tera::Value>,
    target: tera::Value,
    meets: bool,
    weight: String,
    gap: String,
    note: Option<Md>,
    evidence: Vec<EvidenceView>,
    action: Option<ActionView>,
    /// [`MetricChip`]s.
    metrics: Vec<tera::Value>,
    /// The item's page across rounds, from the audit's page.
    history: String,
    /// The exemption that makes the item exempt.
    exemption: Option<ExemptionView>,
}

/// An exempt item, for the lists of the gap analysis and the report.
#[derive(Serialize)]
struct ExemptItem {
    title: Txt,
    section: Txt,
    level: Option<Txt>,
    target: Txt,
    exemption: ExemptionView,
}

/// The score and target without exemptions, where they differ from those with them.
#[derive(Serialize)]
struct RawView {
    score: String,
    target: String,
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
    /// The points as a message with its unit: "−1.5 points".
    points_text: String,
    share: u32,
    /// [`MetricChip`]s.
    metrics: Vec<tera::Value>,
    action: Option<ActionView>,
    evidence: Vec<EvidenceView>,
    /// The item's page across rounds, from the gap analysis page.
    history: String,
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
pub(super) struct AuditView {
    /// The audit's CSV and its series' badge, from the root of the output folder.
    csv: String,
    badge: String,
    badge_alt: String,
    /// A Markdown image of the badge for READMEs, when `base_url` gives it an address.
    badge_markdown: Option<String>,
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
    /// Whether any action has an owner: without one, tables have no owner column.
    action_owners: bool,
    /// Whether any item has a note or evidence: without one, the report's table of results
    /// has no column for them.
    item_notes: bool,
    /// Exempt items in checklist order.
    exempt: Vec<ExemptItem>,
    raw: Option<RawView>,
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
    exempt: usize,
    gaps: usize,
    /// The count of gaps as a message: "3 items below target".
    below_target: String,
}

impl AuditView {
    pub(super) fn new(
        ctx: &Ctx,
        loc: &Locale,
        round: &Round,
        audit: &Audit,
        result: &AuditResult,
    ) -> AuditView {
        let checklist = ctx.model.checklist_of(audit);
        let mut actions = Vec::new();
        // Each item's action by item id, for the gap list: titles need not be unique.
        let mut action_of: FastMap<&str, ActionView> = FastMap::default();
        // And its evidence, for the same list.
        let mut evidence_of: FastMap<&str, Vec<EvidenceView>> = FastMap::default();
        let from_audit = crate::site::up(&paths::audit(&round.id, &audit.id));
        let mut sections = Vec::new();
        let mut counts = Counts4 {
            items: result.items.len(),
            gaps: result.gaps.len(),
            below_target: loc.msg(
                "items_below_count",
                &[("count", Arg::Count(result.gaps.len()))],
            ),
            ..Counts4::default()
        };
        let by_id: FastMap<&str, &crate::score::ItemResult> =
            result.items.iter().map(|i| (i.id.as_str(), i)).collect();
        let chips = metric_chips(ctx, loc, result);
        let applying = analysis::exemptions_of(&ctx.model.exemptions, audit);
        let mut exempt = Vec::new();
        let mut labels: FastMap<u64, tera::Value> = FastMap::default();
        let mut level_value = |v: f64| {
            (labels.entry(v.to_bits()))
                .or_insert_with(|| {
                    tera::Value::from_serializable(&loc.level_label(&checklist.scale, v))
                })
                .clone()
        };
        // Summed over every item: once per audit, not once per section or gap.
        let scored_weight = result.scored_weight();
        // The position of each item in checklist order, where its answer is.
        let mut item_index = 0;
        let titles = ctx.item_titles(loc, checklist);
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
                    ItemStatus::Exempt => counts.exempt += 1,
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
                    overdue: ctx.overdue.is_overdue(&round.id, &audit.id, a.due),
                });
                if let Some(a) = &action {
                    actions.push(a.clone());
                    action_of.insert(item.id.as_str(), a.clone());
                }
                let max_age = checklist.evidence_max_age(section, item);
                let evidence = evidence_views(loc, answer, audit, max_age);
                if !evidence.is_empty() {
                    evidence_of.insert(item.id.as_str(), evidence.clone());
                }
                let exemption = (ir.status == ItemStatus::Exempt)
                    .then(|| analysis::exemption_for(&applying, &item.id))
                    .flatten()
                    .map(|e| exemption_view(ctx, loc, e, None));
                if let Some(e) = &exemption {
                    exempt.push(ExemptItem {
                        title: loc.txt(&item.title),
                        section: loc.txt(&section.title),
                        level: ir.value.map(|v| loc.level_label(&checklist.scale, v)),
                        target: loc.level_label(&checklist.scale, ir.target),
                        exemption: e.clone(),
                    });
                }
                items.push(ItemView {
                    id: item.id.clone(),
                    title: titles[item_index - 1].clone(),
                    title_text: loc.txt(&item.title).text,
                    status: ir.status.as_str(),
                    level: ir.value.map(&mut level_value),
                    target: level_value(ir.target),
                    meets: ir.ratio.is_some_and(|r| r >= ir.target_ratio),
                    weight: loc.num(ir.weight, if ir.weight.fract() == 0.0 { 0 } else { 2 }),
                    gap: loc.num(ir.gap, 2),
                    note: answer.and_then(|a| loc.md_opt(a.note.as_ref())),
                    evidence,
                    action,
                    metrics: chips_for(&chips, &item.metrics),
                    history: format!("{from_audit}{}", paths::item(&checklist.id, &item.id)),
                    exemption,
                });
            }
            sections.push(SectionView {
                id: section.id.clone(),
                title: loc.txt(&section.title),
                description: loc.md_opt(section.description.as_ref()),
                score: loc.score(sr.score),
                target: loc.score(sr.target),
                completion: loc.percent(sr.completion, 0),
                status: status_view(loc, audit_status(sr.score, sr.target)),
                items,
                gap_count,
                gap_points: loc.num(gap_points(gap_sum, scored_weight), 1),
            });
        }
        let gaps = gap_views(loc, result, checklist, (&action_of, &evidence_of), &chips);
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
            &loc.s("colon"),
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
        let report_description = loc.msg(
            "report_description",
            &[
                ("score", Arg::Text(&loc.score(result.score))),
                ("target", Arg::Text(&loc.score(result.target))),
                ("gaps", Arg::Count(result.gaps.len())),
            ],
        );
        let badge = paths::badge(&audit.checklist, audit.subject.as_deref());
        let badge_alt = format!("{} — {}", loc.txt(&checklist.title).text, title.text);
        let badge_markdown = ctx.model.config.base_url.as_deref().map(|b| {
            // One line, without the characters that would end a Markdown image's text early.
            let alt = badge_alt
                .replace(['[', ']', '\\'], "")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            format!("![{alt}]({})", absolute_url(b, &badge))
        });
        let action_owners = actions.iter().any(|a| a.owner.is_some());
        let item_notes = (sections.iter().flat_map(|s| &s.items))
            .any(|i| i.note.is_some() || !i.evidence.is_empty());
        AuditView {
            csv: paths::audit_csv(&round.id, &audit.id),
            badge,
            badge_alt,
            badge_markdown,
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
            completion: loc.percent(result.completion, 0),
            status: status_view(loc, status),
            gauge,
            section_chart,
            sections,
            change: change_view(ctx, loc, audit, result, checklist),
            metrics: metric_rows(ctx, loc, audit, result),
            gaps,
            action_owners,
            item_notes,
            actions,
            exempt,
            raw: (result.raw.score != result.score || result.raw.target != result.target).then(
                || RawView {
                    score: loc.score(result.raw.score),
                    target: loc.score(result.raw.target),
                },
            ),
            counts,
            report_description,
        }
    }

    pub(super) fn search_entries(
        &self,
        loc: &Locale,
        round: &Round,
        audit: &Audit,
    ) -> Vec<SearchEntry> {
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
                    title: format!("{} · {}", i.title_text, self.title.text),
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
    decode_entities(&out).trim().to_string()
}

/// The text of escaped HTML text: each entity the Markdown renderer writes is decoded once,
/// in one pass, so that `&amp;lt;` (the text `&lt;`) stays `&lt;`.
fn decode_entities(s: &str) -> String {
    const ENTITIES: &[(&str, char)] = &[
        ("&amp;", '&'),
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&quot;", '"'),
        ("&#39;", '\''),
        ("&#x27;", '\''),
    ];
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match ENTITIES.iter().find(|(e, _)| rest.starts_with(e)) {
            Some((e, c)) => {
                out.push(*c);
                rest = &rest[e.len()..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn gap_views(
    loc: &Locale,
    result: &AuditResult,
    checklist: &Checklist,
    (action_of, evidence_of): (
        &FastMap<&str, ActionView>,
        &FastMap<&str, Vec<EvidenceView>>,
    ),
    chips: &[(String, tera::Value)],
) -> Vec<GapView> {
    let from_gaps = crate::site::up(&paths::gaps(&result.round, &result.audit));
    let max_gap = result.items.iter().map(|i| i.gap).fold(0.0, f64::max);
    let scored_weight = result.scored_weight();
    // Item results and checklist items by id, so that each gap is found without a search.
    let results: FastMap<&str, &crate::score::ItemResult> =
        result.items.iter().map(|i| (i.id.as_str(), i)).collect();
    let items: FastMap<&str, (&crate::model::Section, &crate::model::Item)> = checklist
        .items()
        .map(|(s, i)| (i.id.as_str(), (s, i)))
        .collect();
    result
        .gaps
        .iter()
        .enumerate()
        .filter_map(|(rank, id)| {
            let ir = results.get(id.as_str())?;
            let (section, item) = items.get(id.as_str())?;
            Some(GapView {
                rank: rank + 1,
                section: loc.txt(&section.title),
                current: ir
                    .value
                    .map_or_else(|| Txt::plain("—"), |v| loc.level_label(&checklist.scale, v)),
                target: loc.level_label(&checklist.scale, ir.target),
                gap: loc.num(ir.gap, 2),
                points: loc.num(gap_points(ir.gap, scored_weight), 1),
                points_text: loc.points_lost(gap_points(ir.gap, scored_weight)),
                share: analysis::gap_share(ir.gap, max_gap),
                metrics: chips_for(chips, &item.metrics),
                action: action_of.get(id.as_str()).cloned(),
                evidence: evidence_of.get(id.as_str()).cloned().unwrap_or_default(),
                history: format!("{from_gaps}{}", paths::item(&checklist.id, &item.id)),
                title: loc.txt(&item.title),
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
    let before: FastMap<&str, &crate::score::ItemResult> = prev_result
        .items
        .iter()
        .map(|i| (i.id.as_str(), i))
        .collect();
    let mut improved = Vec::new();
    let mut regressed = Vec::new();
    let mut added = Vec::new();
    let now_by_id: FastMap<&str, &crate::score::ItemResult> =
        result.items.iter().map(|i| (i.id.as_str(), i)).collect();
    for (_, item) in checklist.items() {
        let Some(now) = now_by_id.get(item.id.as_str()) else {
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
    let removed = prev_checklist
        .items()
        .filter(|(_, i)| !now_by_id.contains_key(i.id.as_str()))
        .map(|(_, i)| loc.txt(&i.title))
        .collect();
    let delta = result.score.zip(prev.score).map(|(a, b)| a - b);
    Some(ChangeView {
        href: format!("../../{}/{}/index.html", prev.round, prev.audit),
        round: round_title(loc, prev_round),
        score: loc.score(prev.score),
        delta: delta.map(|d| loc.delta(d)),
        trend: delta
            .map_or(analysis::Trend::Same, analysis::trend)
            .as_str(),
        improved,
        regressed,
        added,
        removed,
    })
}

pub(super) fn audit_pages(
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
    let root = crate::site::up(&path);
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
        ctx.round_switcher(loc, &path, &round.id),
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
    let root = crate::site::up(&path);
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
        ctx.round_switcher(loc, &path, &round.id),
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
        Ctx::no_switcher(),
    );
    page.csp = crate::site::REPORT_CSP;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_decodes_each_entity_once() {
        let html = crate::markdown::render("Write `&lt;` &amp;amp; a < b & \"c\"");
        assert_eq!(strip_tags(&html), "Write &lt; &amp; a < b & \"c\"");
        assert_eq!(
            decode_entities("&amp;lt; &lt; &bogus; &"),
            "&lt; < &bogus; &"
        );
    }
}

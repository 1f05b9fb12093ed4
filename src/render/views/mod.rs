//! The pages of the site, one module per family of pages. Each gathers typed views from the
//! model, the results and the analysis layer, formats them for the page's language, then
//! renders a template; shared pieces (status badges, labels, breadcrumbs, metric chips, the
//! unit of work) are here.

mod audit;
mod badge;
mod checklists;
mod dashboard;
mod data;
mod exemptions;
mod feed;
mod items;
mod metrics;
mod rounds;
mod search;
mod source;
#[cfg(test)]
mod tests;

use serde::Serialize;

use super::format::{Day, Locale, Txt, WithHtml};
use super::{Ctx, Link, Plan, RenderError, SearchMemo, Sink};
use crate::charts;
use crate::metrics::Status;
use crate::model::{Audit, Round};
use crate::score::AuditResult;

use audit::{AuditView, audit_pages};
pub use badge::render_badges;
use checklists::checklist_pages;
use dashboard::dashboard;
pub use data::render_data;
use exemptions::exemptions_page;
pub use feed::{absolute_url, feed_path, render_feeds};
use items::item_pages;
use metrics::metrics_page;
use rounds::{latest_redirect, round_page, rounds_index};
use search::SearchEntry;
pub use search::render_search;
use source::source_page;

fn chart_status(s: Status) -> charts::Status {
    match s {
        Status::Met => charts::Status::Met,
        Status::AtRisk => charts::Status::AtRisk,
        Status::Below => charts::Status::Below,
        Status::Untracked => charts::Status::Untracked,
    }
}

/// The lines of a trend chart and their names: one line per series while they fit
/// ([`charts::MAX_LINES`]); beyond, the first `kept` series (a metric's whole organisation)
/// and then the lowest, the median and the highest of the others at each point. The table
/// beside the chart still has every series.
struct ChartLines {
    names: Vec<Txt>,
    points: Vec<Vec<Option<f64>>>,
    /// Whether the lines are the spread rather than one per series.
    spread: bool,
}

impl ChartLines {
    fn new(loc: &Locale, series: Vec<(Txt, Vec<Option<f64>>)>, kept: usize) -> ChartLines {
        if series.len() <= charts::MAX_LINES {
            let (names, points) = series.into_iter().unzip();
            return ChartLines {
                names,
                points,
                spread: false,
            };
        }
        let kept = kept.min(series.len());
        let rest: Vec<&[Option<f64>]> = series[kept..].iter().map(|(_, p)| &p[..]).collect();
        let [lowest, median, highest] = charts::spread(&rest);
        let (mut names, mut points): (Vec<Txt>, Vec<_>) = series.into_iter().take(kept).unzip();
        for (key, line) in [
            ("spread_lowest", lowest),
            ("spread_median", median),
            ("spread_highest", highest),
        ] {
            names.push(Txt::plain(loc.s(key)));
            points.push(line);
        }
        ChartLines {
            names,
            points,
            spread: true,
        }
    }

    /// The chart's description: the message `lines` when it draws a line per series, else
    /// `spread` followed by the note that says what the lines are and where every team is.
    fn desc(&self, loc: &Locale, lines: &str, spread: &str) -> String {
        match self.spread {
            true => format!("{} {}", loc.s(spread), loc.s("chart_spread_note")),
            false => loc.s(lines),
        }
    }

    fn series(&self) -> Vec<charts::LineSeries<'_>> {
        (self.names.iter().zip(&self.points))
            .map(|(n, p)| charts::LineSeries {
                name: &n.text,
                lang: n.lang.as_deref(),
                points: p,
            })
            .collect()
    }
}

/// A status as the page shows it: a class for colour, a glyph and a word, so colour is never
/// the only signal.
#[derive(Clone)]
pub struct StatusView {
    pub class: &'static str,
    pub glyph: &'static str,
    pub label: Txt,
}

impl Serialize for StatusView {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let label = self.label.html();
        // The badge the `status` component of `components.html` writes from `class`, `glyph`
        // and `label`, made once here: one template value to print instead of three to look
        // up. Escaped already (class and glyph are the program's own words).
        let (class, glyph) = (self.class, self.glyph);
        let html = format!(
            "<span class=\"status status-{class}\"><span class=\"glyph\" aria-hidden=\"true\">\
             {glyph}</span> {label}</span>"
        );
        let mut s = serializer.serialize_struct("StatusView", 4)?;
        s.serialize_field("class", class)?;
        s.serialize_field("glyph", glyph)?;
        s.serialize_field("label", &WithHtml(&self.label, &label))?;
        s.serialize_field("html", &tera::Value::safe_string(&html))?;
        s.end()
    }
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
    page: &crate::render::PageInfo,
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
    page: &crate::render::PageInfo,
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
        Ok(site.put(path, html)?)
    })
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
    /// The item pages of one checklist id.
    Items(&'m str),
    Metrics,
    /// A ticket source's page.
    Source(&'m crate::model::SourcePage),
    /// The list of exemptions.
    Exemptions,
}

/// Every unit of one language, audits in the order of the site's search index. The metrics,
/// checklist, item and source pages, the largest units, come first: at the end of the list
/// one of them would leave a core idle while the other finishes it.
pub fn units<'m>(ctx: &Ctx<'m>) -> Vec<Unit<'m>> {
    let mut units = vec![Unit::Metrics, Unit::Checklists];
    let mut ids: Vec<&str> = ctx.model.checklists.iter().map(|c| c.id.as_str()).collect();
    ids.dedup();
    units.extend(ids.into_iter().map(Unit::Items));
    units.extend(ctx.model.sources.iter().map(Unit::Source));
    units.extend([Unit::Dashboard, Unit::RoundsIndex, Unit::Latest]);
    for round in &ctx.model.rounds {
        units.push(Unit::Round(round));
        units.extend(round.audits.iter().map(|a| Unit::Audit(round, a)));
    }
    units.push(Unit::Exemptions);
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
        // An item's page shows every audit's answer to it.
        Unit::Items(id) => {
            if plan.includes_checklist(id) {
                let versions: Vec<&crate::model::Checklist> =
                    ctx.model.checklists.iter().filter(|c| c.id == id).collect();
                item_pages(ctx, &loc, &prefix, &versions, plan, site)?;
            }
        }
        Unit::Metrics => {
            if *plan == Plan::All {
                metrics_page(ctx, &loc, &prefix, site)?;
            }
        }
        // A source's page shows nothing of audits either.
        Unit::Source(source) => {
            if *plan == Plan::All {
                source_page(ctx, &loc, &prefix, source, site)?;
            }
        }
        // A change to an exemption renders the whole site again.
        Unit::Exemptions => {
            if *plan == Plan::All {
                exemptions_page(ctx, &loc, &prefix, site)?;
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
            for (i, entry) in view
                .search_entries(&loc, round, audit)
                .into_iter()
                .enumerate()
            {
                if i > 0 {
                    json.push(b',');
                }
                serde_json::to_writer(&mut json, &entry.cleaned()).unwrap_or_default();
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

/// The chips of every metric of an audit, in the audit's metric order, with their ids, as
/// template values: built once per audit and language and shared by the items and gaps that
/// name them ([`chips_for`]), instead of a copy of each in each.
fn metric_chips(ctx: &Ctx, loc: &Locale, result: &AuditResult) -> Vec<(String, tera::Value)> {
    result
        .metrics
        .iter()
        .filter_map(|m| {
            let def = ctx.model.metric(&m.id)?;
            let chip = MetricChip {
                id: m.id.clone(),
                title: loc.txt(&def.title),
                value: loc.metric_value(def, m.value),
                target: m.target.map(|t| loc.metric_value(def, t)),
                status: status_view(loc, m.status),
                taken: loc.iso_day(&m.taken),
            };
            Some((m.id.clone(), tera::Value::from_serializable(&chip)))
        })
        .collect()
}

/// The chips of the metrics an item names ([`MetricChip`]s), in the audit's metric order.
fn chips_for(chips: &[(String, tera::Value)], ids: &[String]) -> Vec<tera::Value> {
    if ids.is_empty() {
        return Vec::new();
    }
    chips
        .iter()
        .filter(|(id, _)| ids.contains(id))
        .map(|(_, chip)| chip.clone())
        .collect()
}

/// An evidence entry as pages show it: its text, its link when it has one, its date, and
/// whether it is stale on its audit's date.
#[derive(Serialize, Clone)]
struct EvidenceView {
    text: Txt,
    href: Option<String>,
    date: Option<Day>,
    stale: bool,
}

/// The evidence of an answer to an item whose evidence may be `max_age` seconds old.
fn evidence_views(
    loc: &Locale,
    answer: Option<&crate::model::Answer>,
    audit: &Audit,
    max_age: Option<f64>,
) -> Vec<EvidenceView> {
    use crate::model::EvidenceKind;
    let Some(answer) = answer else {
        return Vec::new();
    };
    answer
        .evidence
        .iter()
        .map(|e| EvidenceView {
            text: match &e.what {
                EvidenceKind::Plain(s) | EvidenceKind::Link(s) => Txt::plain(s.clone()),
                EvidenceKind::Text(t) => loc.txt(t),
            },
            href: e.href().map(str::to_string),
            date: e.date.map(|d| loc.date(d)),
            stale: crate::analysis::is_stale(e.date, audit.date, max_age),
        })
        .collect()
}

/// One row of a metric ranking, on the round and metrics pages.
#[derive(Serialize)]
struct RankRow {
    rank: usize,
    label: Txt,
    href: String,
    value: String,
    status: StatusView,
}

//! A ticket source's page, `metrics/sources/<id>/`: the help desk's own reports, from the
//! figures the computation counted (`sources::report`). Everything here is formatting; what
//! counts as overdue, how agents rank and how dark a cell of the load map is are decided in
//! the sources layer and in `analysis`.

use chrono::{Days, NaiveDate};
use serde::Serialize;

use crate::analysis;
use crate::charts;
use crate::metrics::MetricDef;
use crate::model::SourcePage;
use crate::render::format::{Arg, DatePart, Locale, Txt};
use crate::render::{Ctx, RenderError, Sink};
use crate::sources::report::{METRICS, ticket_link};
use crate::sources::{Dimension, PeriodKind, PeriodReport, TicketList};

use super::*;

#[derive(Serialize)]
struct SourceView {
    clock: String,
    /// Rows read, tickets counted, row problems.
    rows: String,
    /// On time and overdue per period, when the source has an SLA.
    responses: Option<ChartTable>,
    /// Per dimension, overdue tickets per key (rows) and period (columns).
    overdue_by: Vec<CountTable>,
    /// Agents ranked on each metric; empty when the page shows no agents.
    rankings: Vec<Ranking>,
    /// How many agents the rankings leave out, when they leave some out.
    agents_more: Option<String>,
    /// Positive and other ratings per agent; empty without ratings or agents.
    ratings: Option<CountTable>,
    per_day: Option<ChartTable>,
    week: Option<WeekView>,
    topics: Option<TopicsView>,
    /// Overdue and badly rated tickets per period, newest period first; empty without
    /// `ticket-url`.
    links: Vec<PeriodLinks>,
}

/// A chart with the same numbers as a table beside it.
#[derive(Serialize)]
struct ChartTable {
    chart: String,
    head: Vec<String>,
    rows: Vec<Row>,
}

/// A table of counts, with a header row and a first column that names each row.
#[derive(Serialize)]
struct CountTable {
    title: String,
    corner: String,
    head: Vec<String>,
    rows: Vec<Row>,
    /// How many rows are left out, when some are.
    more: Option<String>,
}

#[derive(Serialize)]
struct Row {
    label: Txt,
    /// A date, for rows that are one.
    iso: Option<String>,
    cells: Vec<String>,
}

#[derive(Serialize)]
struct Ranking {
    metric: Txt,
    rows: Vec<RankingRow>,
}

#[derive(Serialize)]
struct RankingRow {
    rank: usize,
    agent: Txt,
    value: String,
    tickets: String,
}

#[derive(Serialize)]
struct WeekView {
    hours: Vec<String>,
    days: Vec<WeekDay>,
}

#[derive(Serialize)]
struct WeekDay {
    name: String,
    cells: Vec<HeatCell>,
}

#[derive(Serialize)]
struct HeatCell {
    count: String,
    level: u8,
}

#[derive(Serialize)]
struct TopicsView {
    head: Vec<Txt>,
    rows: Vec<TopicRow>,
    more: Option<String>,
}

#[derive(Serialize)]
struct TopicRow {
    topic: Txt,
    tickets: String,
    cells: Vec<String>,
}

#[derive(Serialize)]
struct PeriodLinks {
    period: String,
    lists: Vec<LinkList>,
}

#[derive(Serialize)]
struct LinkList {
    title: String,
    tickets: Vec<TicketLink>,
    /// "Not listed: 12", when the list is cut short.
    more: Option<String>,
}

#[derive(Serialize)]
struct TicketLink {
    id: String,
    href: String,
}

/// One source's page in one language.
pub(super) fn source_page(
    ctx: &Ctx,
    loc: &Locale,
    prefix: &str,
    source: &SourcePage,
    site: &dyn Sink,
) -> Result<(), RenderError> {
    let path = crate::site::paths::source(&source.id);
    let view = source_view(ctx, loc, source);
    let crumbs = vec![
        crumb(loc.ui("nav_dashboard"), "../../../index.html".into()),
        crumb(loc.ui("nav_metrics"), "../../index.html".into()),
    ];
    let title = loc.msg("source_title", &[("name", Arg::Text(&source.id))]);
    let page = ctx.page_info(loc, &path, "metrics", title, crumbs, Ctx::no_switcher());
    render_page(
        ctx,
        site,
        "source.html",
        format!("{prefix}{path}"),
        &page,
        &view,
    )
}

/// A link to a source's page.
#[derive(Serialize)]
pub(super) struct SourceLink {
    id: String,
    href: String,
}

/// The links to every source's page from the metrics page.
pub(super) fn source_links(ctx: &Ctx) -> Vec<SourceLink> {
    (ctx.model.sources.iter())
        .map(|s| {
            let href = crate::site::paths::source(&s.id);
            let href = href.strip_prefix("metrics/").unwrap_or(&href).to_string();
            SourceLink {
                id: s.id.clone(),
                href,
            }
        })
        .collect()
}

fn source_view(ctx: &Ctx, loc: &Locale, source: &SourcePage) -> SourceView {
    let r = &source.report;
    let periods: Vec<String> = (r.periods.iter())
        .map(|p| period_label(loc, source.period, p))
        .collect();
    SourceView {
        clock: loc.msg("source_clock", &[("zone", Arg::Text(&source.timezone))]),
        rows: {
            let s = &source.summary;
            let problems: u64 = s.left_out.values().sum();
            let (rows, tickets, problems) = (
                count(loc, s.rows),
                count(loc, s.tickets),
                count(loc, problems),
            );
            loc.msg(
                "source_rows",
                &[
                    ("rows", Arg::Text(&rows)),
                    ("tickets", Arg::Text(&tickets)),
                    ("problems", Arg::Text(&problems)),
                ],
            )
        },
        responses: responses(loc, source, &periods),
        overdue_by: overdue_by(loc, source, &periods),
        rankings: rankings(ctx, loc, source),
        agents_more: not_listed(loc, r.agents_left_out),
        ratings: ratings(loc, source),
        per_day: per_day(loc, source),
        week: week(loc, source),
        topics: topics(ctx, loc, source),
        links: links(loc, source),
    }
}

/// A period as tables name it: a month by its name, other periods by their first and last
/// day.
fn period_label(loc: &Locale, kind: PeriodKind, p: &PeriodReport) -> String {
    if kind == PeriodKind::Month {
        return loc.formats.date_part(p.from, DatePart::Month);
    }
    let short = |d| loc.formats.date_part(d, DatePart::Day);
    format!("{} – {}", short(p.from), short(p.to))
}

fn count(loc: &Locale, n: u64) -> String {
    loc.num(n as f64, 0)
}

/// "Not listed: 12" for a list that leaves `n` out; `None` when it leaves none out.
fn not_listed(loc: &Locale, n: u64) -> Option<String> {
    (n > 0).then(|| loc.msg("source_not_listed", &[("count", Arg::Text(&count(loc, n)))]))
}

fn responses(loc: &Locale, source: &SourcePage, periods: &[String]) -> Option<ChartTable> {
    let r = &source.report;
    if !r.sla || r.periods.is_empty() {
        return None;
    }
    let column = |f: fn(&PeriodReport) -> u64| -> Vec<f64> {
        r.periods.iter().map(|p| f(p) as f64).collect()
    };
    let columns = [
        (loc.s("ratio_good"), "series-good", column(|p| p.on_time)),
        (
            loc.s("source_answered_late"),
            "series-mid",
            column(|p| p.late),
        ),
        (loc.s("source_waiting"), "series-bad", column(|p| p.waiting)),
    ];
    let stacks: Vec<charts::Stack> = (columns.iter())
        .map(|(name, class, values)| charts::Stack {
            name,
            class,
            values,
        })
        .collect();
    let chart = charts::stacked_columns(
        &format!("source-{}-responses", source.id),
        (
            &loc.s("source_responses"),
            Some(&loc.s("source_responses_desc")),
        ),
        periods,
        &stacks,
        false,
        &loc.formats,
        &loc.s("colon"),
    );
    Some(ChartTable {
        chart,
        head: columns.iter().map(|(name, _, _)| name.clone()).collect(),
        rows: (r.periods.iter().zip(periods))
            .map(|(p, label)| Row {
                label: Txt::plain(label.clone()),
                iso: None,
                cells: [p.on_time, p.late, p.waiting]
                    .map(|n| count(loc, n))
                    .to_vec(),
            })
            .collect(),
    })
}

fn dimension_name(loc: &Locale, d: Dimension) -> String {
    loc.s(match d {
        Dimension::Channel => "source_dim_channel",
        Dimension::Group => "source_dim_group",
        Dimension::Agent => "source_dim_agent",
        Dimension::Topic => "source_dim_topic",
    })
}

fn overdue_by(loc: &Locale, source: &SourcePage, periods: &[String]) -> Vec<CountTable> {
    let r = &source.report;
    if !r.sla || r.periods.iter().all(|p| p.overdue_count() == 0) {
        return Vec::new();
    }
    let dimensions = r.periods.first().map_or(&[][..], |p| &p.overdue_by[..]);
    dimensions
        .iter()
        .map(|(d, _)| {
            let mut keys: Vec<&str> = (r.periods.iter())
                .flat_map(|p| p.overdue_by.iter().filter(|(e, _)| e == d))
                .flat_map(|(_, keys)| keys.iter().map(|(k, _)| k.as_str()))
                .collect();
            keys.sort();
            keys.dedup();
            let rows = keys
                .iter()
                .map(|key| Row {
                    label: Txt::plain(key.to_string()),
                    iso: None,
                    cells: (r.periods.iter())
                        .map(|p| {
                            let n = (p.overdue_by.iter().filter(|(e, _)| e == d))
                                .flat_map(|(_, keys)| keys.iter())
                                .find(|(k, _)| k == key)
                                .map_or(0, |(_, n)| *n);
                            count(loc, n)
                        })
                        .collect(),
                })
                .collect();
            CountTable {
                title: String::new(),
                corner: dimension_name(loc, *d),
                head: periods.to_vec(),
                rows,
                more: not_listed(loc, r.overdue_keys_left_out[*d as usize]),
            }
        })
        .collect()
}

fn rankings(ctx: &Ctx, loc: &Locale, source: &SourcePage) -> Vec<Ranking> {
    METRICS
        .iter()
        .filter_map(|metric| {
            let def = ctx.model.metric(metric)?;
            let ranked = source.report.ranking(metric);
            if ranked.is_empty() {
                return None;
            }
            Some(Ranking {
                metric: loc.txt(&def.title),
                rows: ranked
                    .iter()
                    .map(|r| RankingRow {
                        rank: r.rank,
                        agent: Txt::plain(r.key.to_string()),
                        value: loc.metric_value(def, r.measure.measure.value),
                        tickets: count(loc, r.measure.tickets),
                    })
                    .collect(),
            })
        })
        .collect()
}

fn ratings(loc: &Locale, source: &SourcePage) -> Option<CountTable> {
    let agents: Vec<_> = (source.report.agents.iter())
        .filter(|a| a.good + a.bad > 0)
        .collect();
    if agents.is_empty() {
        return None;
    }
    Some(CountTable {
        title: loc.s("source_ratings"),
        corner: dimension_name(loc, Dimension::Agent),
        head: vec![loc.s("ratio_positive"), loc.s("ratio_other")],
        rows: agents
            .iter()
            .map(|a| Row {
                label: Txt::plain(a.key.clone()),
                iso: None,
                cells: vec![count(loc, a.good), count(loc, a.bad)],
            })
            .collect(),
        more: None,
    })
}

fn per_day(loc: &Locale, source: &SourcePage) -> Option<ChartTable> {
    let days = &source.report.days;
    if days.is_empty() {
        return None;
    }
    let dates: Vec<NaiveDate> = days.iter().map(|(d, _)| *d).collect();
    let values: Vec<Option<f64>> = days.iter().map(|(_, n)| Some(*n as f64)).collect();
    let labels: Vec<String> = (dates.iter())
        .map(|d| loc.formats.date_part(*d, DatePart::Day))
        .collect();
    let name = loc.s("source_ticket_count");
    let series = [charts::LineSeries {
        name: &name,
        lang: None,
        points: &values,
    }];
    let fmt = |v: f64| loc.num(v, 0);
    let chart = charts::line_chart(&charts::LineChart {
        id: &format!("source-{}-per-day", source.id),
        title: &loc.s("source_per_day"),
        title_lang: None,
        desc: Some(&loc.s("source_per_day_desc")),
        x_labels: &labels,
        dates: &dates,
        series: &series,
        target: None,
        warn: None,
        higher_is_better: false,
        y_format: &fmt,
        formats: &loc.formats,
        colon: &loc.s("colon"),
    });
    Some(ChartTable {
        chart,
        head: vec![name.clone()],
        rows: days
            .iter()
            .map(|(d, n)| {
                let day = loc.date(*d);
                Row {
                    label: Txt::plain(day.text),
                    iso: Some(day.iso),
                    cells: vec![count(loc, *n)],
                }
            })
            .collect(),
    })
}

fn week(loc: &Locale, source: &SourcePage) -> Option<WeekView> {
    let week = &source.report.week;
    let max = week.iter().flatten().copied().max().unwrap_or(0);
    if max == 0 {
        return None;
    }
    // 2024-01-01 was a Monday: its week names the weekdays in the page's language.
    let monday = NaiveDate::from_ymd_opt(2024, 1, 1)?;
    Some(WeekView {
        hours: (0..24).map(|h| loc.num(f64::from(h), 0)).collect(),
        days: (week.iter().enumerate())
            .map(|(i, hours)| WeekDay {
                name: (monday.checked_add_days(Days::new(i as u64)))
                    .map_or_else(String::new, |d| loc.formats.weekday(d)),
                cells: hours
                    .iter()
                    .map(|n| HeatCell {
                        count: count(loc, *n),
                        level: analysis::load_level(*n, max),
                    })
                    .collect(),
            })
            .collect(),
    })
}

fn topics(ctx: &Ctx, loc: &Locale, source: &SourcePage) -> Option<TopicsView> {
    let topics = &source.report.topics;
    if topics.is_empty() {
        return None;
    }
    // The metrics some topic has, in the page's order.
    let defs: Vec<&MetricDef> = (METRICS.iter())
        .filter(|m| topics.iter().any(|t| t.measure(m).is_some()))
        .filter_map(|m| ctx.model.metric(m))
        .collect();
    let mut head = vec![
        Txt::plain(dimension_name(loc, Dimension::Topic)),
        loc.ui("source_ticket_count"),
    ];
    head.extend(defs.iter().map(|d| loc.txt(&d.title)));
    Some(TopicsView {
        head,
        rows: topics
            .iter()
            .map(|t| TopicRow {
                topic: Txt::plain(t.key.clone()),
                tickets: count(loc, t.tickets),
                cells: (defs.iter())
                    .map(|d| {
                        t.measure(&d.id).map_or_else(
                            || "—".to_string(),
                            |m| loc.metric_value(d, m.measure.value),
                        )
                    })
                    .collect(),
            })
            .collect(),
        more: not_listed(loc, source.report.topics_left_out),
    })
}

fn links(loc: &Locale, source: &SourcePage) -> Vec<PeriodLinks> {
    let Some(template) = &source.ticket_url else {
        return Vec::new();
    };
    let list = |title: &str, tickets: &TicketList| -> Option<LinkList> {
        let links: Vec<TicketLink> = (tickets.ids.iter())
            .filter_map(|id| {
                Some(TicketLink {
                    href: ticket_link(template, id)?,
                    id: id.clone(),
                })
            })
            .collect();
        if links.is_empty() {
            return None;
        }
        let more = tickets.total.saturating_sub(links.len() as u64);
        Some(LinkList {
            title: loc.s(title),
            tickets: links,
            more: not_listed(loc, more),
        })
    };
    (source.report.periods.iter().rev())
        .filter_map(|p| {
            let lists: Vec<LinkList> = [
                list("source_overdue_tickets", &p.overdue),
                list("source_badly_rated", &p.bad),
            ]
            .into_iter()
            .flatten()
            .collect();
            if lists.is_empty() {
                return None;
            }
            Some(PeriodLinks {
                period: period_label(loc, source.period, p),
                lists,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    const SOURCE: &str = "\
files: [exports/*.csv]
timezone: UTC
columns: {id: Ticket, created: Created, first-response: First, agent: Agent, rating: Rating}
sla: {first-response: 1h}
ticket-url: \"https://desk.example.com/t/{id}\"
";
    const EXPORT: &str = "\
Ticket,Created,First,Agent,Rating
T1,2026-03-02 09:00,2026-03-02 11:00,ann,bad
T2,2026-03-02 10:00,2026-03-02 10:10,bob,good
";

    /// The source's page of a small workspace, after `change` to its model.
    fn page(change: impl Fn(&mut crate::model::Model)) -> String {
        let dir = tempfile::tempdir().expect("a temporary folder");
        for (path, text) in [
            ("auditbook.yaml", "title: Desk\nlanguages: [en]\n"),
            ("sources/desk.yaml", SOURCE),
            ("exports/a.csv", EXPORT),
        ] {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("a folder");
            std::fs::write(path, text).expect("a workspace file");
        }
        let Ok(mut p) = crate::build::prepare(dir.path()) else {
            panic!("the workspace is valid");
        };
        change(&mut p.model);
        let site = crate::render::render(&p.model, &p.results, &p.templates).expect("it renders");
        let bytes = &site.files["metrics/sources/desk/index.html"];
        String::from_utf8(bytes.clone()).expect("UTF-8")
    }

    #[test]
    fn a_page_without_people_has_no_agents_and_no_tickets_not_even_their_headings() {
        let full = page(|_| {});
        for shown in ["id=\"agents\"", "id=\"tickets\"", ">ann<", ">T1<"] {
            assert!(full.contains(shown), "{shown} is missing");
        }
        let public = page(|m| m.sources.iter_mut().for_each(|s| s.hide_people()));
        for hidden in [
            "id=\"agents\"",
            "id=\"tickets\"",
            "ann",
            "bob",
            "T1",
            "desk.example.com",
        ] {
            assert!(!public.contains(hidden), "{hidden} is on the page");
        }
        assert!(public.contains("id=\"responses\""));
    }
}

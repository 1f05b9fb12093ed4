//! What a source's page shows besides its snapshots (docs/exports.md, "The source's page"):
//! responses on time and overdue per period, where the overdue ones were, the load per day
//! and per weekday and hour, agents and topics with their metrics, and a bounded list of
//! overdue and badly rated tickets to link to.
//!
//! Like the snapshots, all of it is counted while the export streams by: the read loop hands
//! each ticket to [`Tally::observe`] and keeps nothing of it. Tickets still waiting for a first
//! response are the exception the snapshots have too: whether one is overdue depends on the
//! source's *as-of*, known only at the end, so they wait in a list until [`Tally::finish`].

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::config::{Dimension, PeriodKind};
use super::hours::Clock;
use super::zone::{date_of_day, day_of, weekday};
use crate::metrics::Measure;

/// Overdue and badly rated tickets listed per period: the newest ones.
pub const LINKS_PER_PERIOD: usize = 50;

/// Keys listed per dimension (agents, topics, the rows of each overdue table): the busiest.
pub const MAX_KEYS: usize = 100;

/// Days of the tickets-per-day series: the newest ones, up to the last ticket's day.
pub const MAX_DAYS: usize = 366;

/// The metrics agents and topics are measured on, in the order the page shows them.
pub const METRICS: [&str; 7] = [
    "first-response-time",
    "average-resolution-time",
    "sla-compliance",
    "first-contact-resolution",
    "csat",
    "csi",
    "nps",
];

/// Metrics where less is better: the times. Every other one of [`METRICS`] is a share or a
/// score, where more is better.
pub fn lower_is_better(metric: &str) -> bool {
    matches!(metric, "first-response-time" | "average-resolution-time")
}

/// One ticket as the read loop worked it out.
pub struct Ticket<'a> {
    pub id: &'a [u8],
    /// The creation instant, seconds since the epoch.
    pub created: i64,
    /// The creation time on the source's wall clock, in civil seconds.
    pub civil: i64,
    /// The first day (day number) of the ticket's period.
    pub period: i64,
    /// Interned key per dimension, in [`Dimension::ALL`] order; `None` where not mapped.
    pub keys: [Option<u32>; 4],
    /// For a ticket with a first response and a source with an SLA: whether it came in time.
    pub sla_within: Option<bool>,
    /// No first response yet, with an SLA to be overdue against.
    pub waiting: bool,
    /// Rated: whether the rating was good (`good`, or 4 and 5 of 1–5, as csat counts them).
    pub rating: Option<bool>,
}

/// How many recent (period start, place) pairs [`Tally`] keeps: two years of months, or half
/// a year of weeks.
const RECENT_PERIODS: usize = 32;

/// The counters of a source's page, filled ticket by ticket.
#[derive(Debug)]
pub struct Tally {
    /// Whether ticket ids are kept for links (the source has `ticket-url`).
    links: bool,
    /// Per period start, in order. Tickets come mostly in order of creation, so the period
    /// of the last ticket (at `last`) is checked first, then the place a start had when last
    /// looked up (by start modulo their number), then the list is searched.
    periods: Vec<(i64, PeriodTally)>,
    last: usize,
    recent: [(i64, usize); RECENT_PERIODS],
    days: DayCounts,
    week: [[u64; 24]; 7],
    /// Tickets per key, per dimension: keys are interned from 0 up, so they index a list.
    tickets: [Vec<u64>; 4],
    /// (good, bad) ratings per agent key.
    agent_ratings: Vec<(u64, u64)>,
    waiting: Vec<Waiting>,
}

#[derive(Debug, Default)]
struct PeriodTally {
    tickets: u64,
    on_time: u64,
    late: u64,
    waiting: u64,
    /// Overdue tickets per key, per dimension.
    overdue_by: [KeyCounts; 4],
    overdue: Newest,
    bad: Newest,
}

#[derive(Debug)]
struct Waiting {
    created: i64,
    period: i64,
    keys: [Option<u32>; 4],
    id: Option<Box<str>>,
}

/// The newest [`LINKS_PER_PERIOD`] tickets offered, by creation then id, and how many were.
#[derive(Debug, Default)]
struct Newest {
    kept: BTreeSet<(i64, Box<str>)>,
    total: u64,
}

impl Newest {
    fn offer(&mut self, created: i64, id: Option<&[u8]>) {
        self.total += 1;
        let Some(id) = id else { return };
        let id = String::from_utf8_lossy(id);
        if self.kept.len() >= LINKS_PER_PERIOD {
            match self.kept.first() {
                Some((c, i)) if (created, id.as_ref()) > (*c, i.as_ref()) => {
                    self.kept.pop_first();
                }
                _ => return,
            }
        }
        self.kept.insert((created, id.into()));
    }

    fn list(self) -> TicketList {
        TicketList {
            ids: self
                .kept
                .into_iter()
                .rev()
                .map(|(_, id)| id.into())
                .collect(),
            total: self.total,
        }
    }
}

/// What [`Tally::finish`] needs from the rest of the computation.
pub struct Ending<'a> {
    pub clock: &'a Clock,
    pub sla: Option<i64>,
    pub as_of: Option<i64>,
    pub period: PeriodKind,
    /// The value of each interned key, per dimension.
    pub names: [&'a [Box<str>]; 4],
    /// The metrics of the tickets with a key (dimension, key), with the tickets each counts.
    pub measures: &'a dyn Fn(Dimension, u32) -> Vec<KeyMeasure>,
}

impl Default for Tally {
    fn default() -> Tally {
        Tally {
            links: false,
            periods: Vec::new(),
            last: 0,
            recent: [(i64::MIN, 0); RECENT_PERIODS],
            days: DayCounts::default(),
            week: [[0; 24]; 7],
            tickets: Default::default(),
            agent_ratings: Vec::new(),
            waiting: Vec::new(),
        }
    }
}

impl Tally {
    pub fn new(links: bool) -> Tally {
        Tally {
            links,
            ..Tally::default()
        }
    }

    pub fn observe(&mut self, t: &Ticket) {
        let id = self.links.then_some(t.id);
        let p = self.period(t.period);
        p.tickets += 1;
        match t.sla_within {
            Some(true) => p.on_time += 1,
            Some(false) => {
                p.late += 1;
                count_overdue(p, &t.keys);
                p.overdue.offer(t.created, id);
            }
            None => {}
        }
        if t.rating == Some(false) {
            p.bad.offer(t.created, id);
        }
        let day = day_of(t.civil);
        self.days.add(day);
        let hour = t.civil.rem_euclid(86_400) / 3_600;
        self.week[weekday(day)][hour as usize] += 1;
        for (counts, key) in self.tickets.iter_mut().zip(&t.keys) {
            if let Some(k) = key {
                *at(counts, *k) += 1;
            }
        }
        if let (Some(good), Some(agent)) = (t.rating, t.keys[Dimension::Agent as usize]) {
            let counts = at(&mut self.agent_ratings, agent);
            if good {
                counts.0 += 1;
            } else {
                counts.1 += 1;
            }
        }
        if t.waiting {
            self.waiting.push(Waiting {
                created: t.created,
                period: t.period,
                keys: t.keys,
                id: id.map(|id| String::from_utf8_lossy(id).into()),
            });
        }
    }

    /// The counters of the period starting at `start`, new ones if it had none.
    fn period(&mut self, start: i64) -> &mut PeriodTally {
        if self.periods.get(self.last).is_none_or(|(s, _)| *s != start) {
            let slot = start.rem_euclid(RECENT_PERIODS as i64) as usize;
            self.last = match self.recent[slot] {
                (s, i) if s == start => i,
                _ => {
                    let i = match self.periods.binary_search_by_key(&start, |(s, _)| *s) {
                        Ok(i) => i,
                        Err(i) => {
                            // The places after it move: forget them all.
                            self.periods.insert(i, (start, PeriodTally::default()));
                            self.recent = [(i64::MIN, 0); RECENT_PERIODS];
                            i
                        }
                    };
                    self.recent[slot] = (start, i);
                    i
                }
            };
        }
        &mut self.periods[self.last].1
    }

    /// Counts the waiting tickets that are overdue as of the source's as-of, and turns the
    /// counters into the page's figures.
    pub fn finish(mut self, end: &Ending) -> Report {
        if let (Some(as_of), Some(sla)) = (end.as_of, end.sla) {
            for w in std::mem::take(&mut self.waiting) {
                if end.clock.working_time(w.created, as_of) <= sla {
                    continue;
                }
                let p = self.period(w.period);
                p.waiting += 1;
                count_overdue(p, &w.keys);
                p.overdue
                    .offer(w.created, w.id.as_deref().map(str::as_bytes));
            }
        }
        let name = |d: Dimension, k: u32| -> String {
            end.names[d as usize]
                .get(k as usize)
                .map_or_else(String::new, |n| n.to_string())
        };
        // The keys of each overdue table: those with the most overdue tickets in all periods.
        let mut overdue_keys_left_out = [0; 4];
        let kept: [BTreeSet<u32>; 4] = std::array::from_fn(|d| {
            let mut totals: BTreeMap<u32, u64> = BTreeMap::new();
            for (_, p) in &self.periods {
                for (k, n) in p.overdue_by[d].iter() {
                    *totals.entry(k).or_default() += n;
                }
            }
            let dimension = Dimension::ALL[d];
            let mut keys: Vec<(u64, String, u32)> = (totals.into_iter())
                .map(|(k, n)| (n, name(dimension, k), k))
                .collect();
            keys.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            overdue_keys_left_out[d] = keys.len().saturating_sub(MAX_KEYS) as u64;
            keys.into_iter().take(MAX_KEYS).map(|(_, _, k)| k).collect()
        });
        let periods = std::mem::take(&mut self.periods)
            .into_iter()
            .filter_map(|(start, p)| {
                let (from, to) = super::compute::period_range(end.period, start)?;
                let overdue_by = [Dimension::Channel, Dimension::Group, Dimension::Topic]
                    .into_iter()
                    .filter(|d| !end.names[*d as usize].is_empty())
                    .map(|d| {
                        let mut keys: Vec<(String, u64)> = p.overdue_by[d as usize]
                            .iter()
                            .filter(|(k, _)| kept[d as usize].contains(k))
                            .map(|(k, n)| (name(d, k), n))
                            .collect();
                        keys.sort();
                        (d, keys)
                    })
                    .collect();
                Some(PeriodReport {
                    from,
                    to,
                    tickets: p.tickets,
                    on_time: p.on_time,
                    late: p.late,
                    waiting: p.waiting,
                    overdue_by,
                    overdue: p.overdue.list(),
                    bad: p.bad.list(),
                })
            })
            .collect();
        // The busiest keys, and how many more there were.
        let keyed = |d: Dimension| -> (Vec<KeyReport>, u64) {
            let mut rows: Vec<KeyReport> = (self.tickets[d as usize].iter().enumerate())
                .filter(|(_, n)| **n > 0)
                .map(|(k, n)| {
                    let k = k as u32;
                    let (good, bad) = match d {
                        Dimension::Agent => {
                            (self.agent_ratings.get(k as usize).copied()).unwrap_or_default()
                        }
                        _ => (0, 0),
                    };
                    KeyReport {
                        key: name(d, k),
                        tickets: *n,
                        measures: (end.measures)(d, k),
                        good,
                        bad,
                    }
                })
                .collect();
            // By volume, then by key: the same order on every run.
            rows.sort_by(|a, b| b.tickets.cmp(&a.tickets).then_with(|| a.key.cmp(&b.key)));
            // An empty agent cell is no agent: it has no place in a ranking of agents.
            if d == Dimension::Agent {
                rows.retain(|a| a.key != "-");
            }
            let more = rows.len().saturating_sub(MAX_KEYS) as u64;
            rows.truncate(MAX_KEYS);
            (rows, more)
        };
        let (agents, agents_left_out) = keyed(Dimension::Agent);
        let (topics, topics_left_out) = keyed(Dimension::Topic);
        Report {
            sla: end.sla.is_some(),
            periods,
            days: days(&self.days.to_map()),
            week: self.week,
            agents,
            agents_left_out,
            topics,
            topics_left_out,
            overdue_keys_left_out,
        }
    }
}

/// The counter of key `k` in a list indexed by key, grown as keys come.
fn at<T: Default>(list: &mut Vec<T>, k: u32) -> &mut T {
    let i = k as usize;
    if i >= list.len() {
        list.resize_with(i + 1, T::default);
    }
    &mut list[i]
}

fn count_overdue(p: &mut PeriodTally, keys: &[Option<u32>; 4]) {
    for (counts, key) in p.overdue_by.iter_mut().zip(keys) {
        if let Some(k) = key {
            counts.add(*k);
        }
    }
}

/// Keys below this are counted in a list indexed by key, the rest in a tree: a tree lookup
/// per dimension per late ticket showed in the profile, while a list per period as long as
/// a dimension with a million values would not fit in memory.
const DENSE_KEYS: u32 = 256;

/// Tickets per key.
#[derive(Debug, Default)]
struct KeyCounts {
    dense: Vec<u64>,
    sparse: BTreeMap<u32, u64>,
}

impl KeyCounts {
    fn add(&mut self, k: u32) {
        if k < DENSE_KEYS {
            *at(&mut self.dense, k) += 1;
        } else {
            *self.sparse.entry(k).or_default() += 1;
        }
    }

    /// The keys counted, in order, with their counts.
    fn iter(&self) -> impl Iterator<Item = (u32, u64)> + '_ {
        let dense = (self.dense.iter().enumerate())
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| (k as u32, *n));
        dense.chain(self.sparse.iter().map(|(k, n)| (*k, *n)))
    }
}

/// Tickets per day number, in one list from the earliest day seen: a tree lookup per ticket
/// showed in the profile. Days come from timestamps of 1900-2199, so the list stays under
/// a megabyte.
#[derive(Debug, Default)]
struct DayCounts {
    first: i64,
    counts: Vec<u64>,
}

impl DayCounts {
    fn add(&mut self, day: i64) {
        if self.counts.is_empty() {
            self.first = day;
        }
        if day < self.first {
            // Room for as many days again before the new first one, so that a file in
            // reverse order does not shift the list once per day.
            let grow = ((self.first - day) as usize).max(self.counts.len());
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.first -= grow as i64;
        }
        let i = (day - self.first) as usize;
        if i >= self.counts.len() {
            self.counts.resize(i + 1, 0);
        }
        self.counts[i] += 1;
    }

    /// The days with tickets and their counts.
    fn to_map(&self) -> BTreeMap<i64, u64> {
        (self.counts.iter().enumerate())
            .filter(|(_, n)| **n > 0)
            .map(|(i, n)| (self.first + i as i64, *n))
            .collect()
    }
}

/// Tickets per day from the first day with a ticket to the last, days without one included,
/// at most the newest [`MAX_DAYS`].
fn days(counts: &BTreeMap<i64, u64>) -> Vec<(NaiveDate, u64)> {
    let (Some((&first, _)), Some((&last, _))) = (counts.first_key_value(), counts.last_key_value())
    else {
        return Vec::new();
    };
    let first = first.max(last - MAX_DAYS as i64 + 1);
    (first..=last)
        .filter_map(|d| Some((date_of_day(d)?, counts.get(&d).copied().unwrap_or(0))))
        .collect()
}

/// A metric of the tickets of one key, and how many tickets it counts (first responses for
/// first-response-time, resolved tickets for resolution time, the total of a share, the
/// answers of nps).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KeyMeasure {
    pub metric: &'static str,
    pub measure: Measure,
    pub tickets: u64,
}

/// The figures of a source's page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// Whether the source has an SLA, so that responses are on time or overdue.
    pub sla: bool,
    /// Per period with tickets, oldest first.
    pub periods: Vec<PeriodReport>,
    /// Tickets per day (see [`MAX_DAYS`]).
    pub days: Vec<(NaiveDate, u64)>,
    /// Tickets created per weekday (Monday first) and hour, on the source's wall clock.
    pub week: [[u64; 24]; 7],
    /// The busiest [`MAX_KEYS`] agents by tickets, then name; tickets without an agent are
    /// left out.
    pub agents: Vec<KeyReport>,
    /// Agents beyond [`MAX_KEYS`].
    pub agents_left_out: u64,
    /// The busiest [`MAX_KEYS`] topics by tickets, then name.
    pub topics: Vec<KeyReport>,
    pub topics_left_out: u64,
    /// Per dimension (in [`Dimension::ALL`] order), keys with overdue tickets beyond the
    /// [`MAX_KEYS`] with the most, which `overdue_by` leaves out.
    pub overdue_keys_left_out: [u64; 4],
}

#[derive(Debug, Clone, PartialEq)]
pub struct PeriodReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub tickets: u64,
    /// First responses within the SLA.
    pub on_time: u64,
    /// First responses after the SLA.
    pub late: u64,
    /// Tickets without a first response, overdue as of the source's as-of.
    pub waiting: u64,
    /// Overdue tickets (late or waiting) per key of channel, group and topic, where mapped;
    /// only the keys with the most overdue tickets over all periods (see [`MAX_KEYS`]).
    pub overdue_by: Vec<(Dimension, Vec<(String, u64)>)>,
    /// Overdue tickets, newest first.
    pub overdue: TicketList,
    /// Badly rated tickets (`bad`, or 1–3 of 1–5), newest first.
    pub bad: TicketList,
}

impl PeriodReport {
    pub fn overdue_count(&self) -> u64 {
        self.late + self.waiting
    }
}

/// The newest ticket ids of a kind (only when the source links to tickets), and how many
/// tickets there were of that kind in all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TicketList {
    pub ids: Vec<String>,
    pub total: u64,
}

impl TicketList {
    /// Tickets of the kind not in `ids`.
    pub fn more(&self) -> u64 {
        self.total.saturating_sub(self.ids.len() as u64)
    }
}

/// The tickets and metrics of one key of a dimension.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyReport {
    pub key: String,
    pub tickets: u64,
    /// In [`METRICS`] order, those with something to count.
    pub measures: Vec<KeyMeasure>,
    /// Good and bad ratings (agents only).
    pub good: u64,
    pub bad: u64,
}

impl KeyReport {
    pub fn measure(&self, metric: &str) -> Option<&KeyMeasure> {
        self.measures.iter().find(|m| m.metric == metric)
    }
}

/// One place in a ranking.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranked<'a> {
    /// Equal values share a rank, and the next rank skips as many (1, 2, 2, 4).
    pub rank: usize,
    pub key: &'a str,
    pub measure: KeyMeasure,
}

impl Report {
    /// The agents ranked on `metric`, best first; agents with nothing to count for it are
    /// left out.
    pub fn ranking(&self, metric: &str) -> Vec<Ranked<'_>> {
        let mut rows: Vec<(&str, KeyMeasure)> = (self.agents.iter())
            .filter_map(|a| Some((a.key.as_str(), *a.measure(metric)?)))
            .collect();
        let lower = lower_is_better(metric);
        rows.sort_by(|a, b| {
            let (x, y) = (a.1.measure.value, b.1.measure.value);
            let order = if lower {
                x.total_cmp(&y)
            } else {
                y.total_cmp(&x)
            };
            order.then_with(|| a.0.cmp(b.0))
        });
        let mut out: Vec<Ranked> = Vec::with_capacity(rows.len());
        for (i, (key, measure)) in rows.into_iter().enumerate() {
            let rank = match out.last() {
                Some(prev) if prev.measure.measure.value == measure.measure.value => prev.rank,
                _ => i + 1,
            };
            out.push(Ranked { rank, key, measure });
        }
        out
    }

    /// The report without people in it: no agents, no ticket lists. What a public page shows.
    pub fn hide_people(&mut self) {
        self.hide_agents();
        self.hide_tickets();
    }

    /// The report without agents: no ranking of agents, no ratings per agent.
    pub fn hide_agents(&mut self) {
        self.agents.clear();
        self.agents_left_out = 0;
    }

    /// The report without ticket ids: the lists of overdue and badly rated tickets keep only
    /// their counts.
    pub fn hide_tickets(&mut self) {
        for p in &mut self.periods {
            p.overdue.ids.clear();
            p.bad.ids.clear();
        }
    }
}

/// The address of ticket `id` from a `ticket-url` template: `{id}` replaced by the id with
/// every byte but letters, digits and `-._~` percent-encoded. Only `http` and `https`
/// templates give links.
pub fn ticket_link(template: &str, id: &str) -> Option<String> {
    let scheme = template.split_once(':')?.0;
    if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
        return None;
    }
    let mut encoded = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    Some(template.replace("{id}", &encoded))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(agent: &str, value: f64) -> KeyReport {
        KeyReport {
            key: agent.to_string(),
            tickets: 1,
            measures: vec![KeyMeasure {
                metric: "csat",
                measure: Measure {
                    value,
                    counts: crate::metrics::Counts::None,
                },
                tickets: 1,
            }],
            good: 0,
            bad: 0,
        }
    }

    #[test]
    fn equal_values_share_a_rank_and_the_next_skips() {
        let report = Report {
            agents: vec![
                key("dan", 50.0),
                key("bob", 80.0),
                key("ann", 90.0),
                key("cid", 80.0),
            ],
            ..Report::default()
        };
        let ranks: Vec<(usize, &str)> = (report.ranking("csat").iter())
            .map(|r| (r.rank, r.key))
            .collect();
        assert_eq!(ranks, [(1, "ann"), (2, "bob"), (2, "cid"), (4, "dan")]);
        assert!(report.ranking("nps").is_empty());
    }

    #[test]
    fn times_rank_the_shortest_first() {
        let mut a = key("ann", 600.0);
        let mut b = key("bob", 60.0);
        a.measures[0].metric = "first-response-time";
        b.measures[0].metric = "first-response-time";
        let report = Report {
            agents: vec![a, b],
            ..Report::default()
        };
        let keys: Vec<&str> = (report.ranking("first-response-time").iter())
            .map(|r| r.key)
            .collect();
        assert_eq!(keys, ["bob", "ann"]);
    }

    #[test]
    fn only_the_newest_tickets_are_kept_but_all_are_counted() {
        let mut n = Newest::default();
        for i in 0..LINKS_PER_PERIOD as i64 + 3 {
            // Offered out of order: the three oldest (0, 1, 2) are the ones left out.
            let t = (i * 7) % (LINKS_PER_PERIOD as i64 + 3);
            n.offer(t, Some(format!("T{t}").as_bytes()));
        }
        let list = n.list();
        assert_eq!(list.total, LINKS_PER_PERIOD as u64 + 3);
        assert_eq!(list.more(), 3);
        assert_eq!(list.ids.first().map(String::as_str), Some("T52"));
        assert_eq!(list.ids.last().map(String::as_str), Some("T3"));
    }

    #[test]
    fn only_the_busiest_keys_are_listed() {
        let mut tally = Tally::new(false);
        let names: Vec<Box<str>> = (0..MAX_KEYS + 2)
            .map(|i| format!("k{i:03}").into())
            .collect();
        for (k, _) in names.iter().enumerate() {
            // Key 0 has three tickets, key 1 two, the rest one each; every one is late.
            for _ in 0..[3, 2].get(k).copied().unwrap_or(1) {
                tally.observe(&Ticket {
                    id: b"x",
                    created: 0,
                    civil: 0,
                    period: 0,
                    keys: [Some(k as u32), None, None, Some(k as u32)],
                    sla_within: Some(false),
                    waiting: false,
                    rating: None,
                });
            }
        }
        let clock = Clock {
            zone: crate::sources::zone::Zone::get("UTC").unwrap(),
            hours: None,
        };
        let end = Ending {
            clock: &clock,
            sla: Some(3600),
            as_of: Some(0),
            period: PeriodKind::Month,
            names: [&names, &[], &[], &names],
            measures: &|_, _| Vec::new(),
        };
        let report = tally.finish(&end);
        assert_eq!(report.topics.len(), MAX_KEYS);
        assert_eq!(report.topics_left_out, 2);
        assert_eq!(report.topics[0].key, "k000");
        assert_eq!(report.topics[1].key, "k001");
        // Of the keys with one ticket each, the last by name are left out.
        assert_eq!(report.topics.last().map(|t| t.key.as_str()), Some("k099"));
        let channels = &report.periods[0].overdue_by[0];
        assert_eq!(channels.0, Dimension::Channel);
        assert_eq!(channels.1.len(), MAX_KEYS);
        assert_eq!(report.overdue_keys_left_out, [2, 0, 0, 2]);
    }

    /// A ticket of period `period` with nothing else to count.
    fn in_period(period: i64) -> Ticket<'static> {
        Ticket {
            id: b"x",
            created: 0,
            civil: 0,
            period,
            keys: [None; 4],
            sla_within: None,
            waiting: false,
            rating: None,
        }
    }

    #[test]
    fn periods_in_any_order_are_counted_in_order() {
        let mut tally = Tally::new(false);
        let starts = [31, 0, 31, 59, 0, 0, -31, 59, 31];
        let mut map = BTreeMap::new();
        for period in starts {
            tally.observe(&in_period(period));
            *map.entry(period).or_insert(0) += 1;
        }
        let counted: Vec<(i64, u64)> = tally.periods.iter().map(|(s, p)| (*s, p.tickets)).collect();
        assert_eq!(counted, map.into_iter().collect::<Vec<_>>());
    }

    proptest::proptest! {
        /// The list of small keys and the tree of the rest count what one tree counts, in the
        /// same order.
        #[test]
        fn key_counts_match_a_map(
            keys in proptest::collection::vec(
                proptest::prop_oneof![0u32..(DENSE_KEYS * 2), proptest::prelude::any::<u32>()],
                0..200,
            ),
        ) {
            let mut counts = KeyCounts::default();
            let mut map = BTreeMap::new();
            for k in keys {
                counts.add(k);
                *map.entry(k).or_insert(0u64) += 1;
            }
            proptest::prop_assert_eq!(
                counts.iter().collect::<Vec<_>>(),
                map.into_iter().collect::<Vec<_>>()
            );
        }

        /// Periods found through the recent places are the ones a search finds, whatever
        /// the order and however the starts share places.
        #[test]
        fn recent_periods_find_the_searched_ones(
            starts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Strategy::prop_map(0i64..40, |m| {
                        m * RECENT_PERIODS as i64
                    }),
                    -500i64..500,
                ],
                1..300,
            ),
        ) {
            let mut tally = Tally::new(false);
            let mut map = BTreeMap::new();
            for (n, period) in starts.into_iter().enumerate() {
                tally.observe(&in_period(period));
                *map.entry(period).or_insert(0u64) += 1;
                let counted: Vec<(i64, u64)> =
                    tally.periods.iter().map(|(s, p)| (*s, p.tickets)).collect();
                proptest::prop_assert_eq!(
                    counted,
                    map.clone().into_iter().collect::<Vec<_>>(),
                    "after {} tickets", n + 1
                );
            }
        }
    }

    #[test]
    fn day_counts_in_any_order_match_a_map() {
        let days = [5, 3, 9, 3, -2, 40, 0, 5, 5, -30, 41];
        let mut dense = DayCounts::default();
        let mut map = BTreeMap::new();
        for d in days {
            dense.add(d);
            *map.entry(d).or_insert(0) += 1;
        }
        assert_eq!(dense.to_map(), map);
        let mut reverse = DayCounts::default();
        for d in (0..1000).rev() {
            reverse.add(d);
        }
        assert_eq!(reverse.to_map().len(), 1000);
        assert!(reverse.counts.len() < 2100);
    }

    #[test]
    fn days_are_filled_and_bounded() {
        let counts = BTreeMap::from([(0, 2), (2, 1)]);
        let d = days(&counts);
        let n: Vec<u64> = d.iter().map(|x| x.1).collect();
        assert_eq!(n, [2, 0, 1]);
        let far = BTreeMap::from([(0, 1), (1000, 1)]);
        let d = days(&far);
        assert_eq!(d.len(), MAX_DAYS);
        assert_eq!(d.last().map(|x| x.1), Some(1));
    }

    #[test]
    fn ticket_links_encode_the_id_and_need_http() {
        let url = "https://desk.example.com/t/{id}";
        assert_eq!(
            ticket_link(url, "A 1/\"x\"").as_deref(),
            Some("https://desk.example.com/t/A%201%2F%22x%22")
        );
        assert_eq!(ticket_link("javascript:alert({id})", "1"), None);
        assert_eq!(ticket_link("desk/{id}", "1"), None);
    }
}

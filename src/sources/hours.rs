//! Working time: how much of a span falls inside a source's working hours.
//!
//! Each local calendar day has the wall-clock intervals of its weekday, except holidays,
//! which are closed. An instant is working time when its wall-clock time in the zone lies in
//! an interval of its own local day. Without hours, working time is elapsed time.
//!
//! The computation never walks minutes or days. On the wall clock, the working seconds
//! before a civil time are a closed formula: whole weeks times the week's total, plus the
//! week so far, less the holidays before it (a prefix sum). Between two offset changes of the
//! zone the wall clock runs with the real one, so a span is the sum, over its stretches of
//! constant offset, of that formula's difference at both ends.

use super::zone::{SECONDS_PER_DAY, Zone, day_of, weekday};

/// Wall-clock intervals of one weekday, `[start, end)` in seconds after midnight, ordered
/// and not overlapping.
pub type DayHours = Vec<(u32, u32)>;

/// A week of working hours and the holidays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingHours {
    /// Monday first.
    days: [DayHours; 7],
    /// Working seconds of the week before each weekday; the last entry is the whole week.
    week_prefix: [i64; 8],
    /// Holidays that are working weekdays, as day numbers, ascending.
    holidays: Vec<i64>,
    /// Working seconds of the holidays before each entry of `holidays`.
    holiday_prefix: Vec<i64>,
}

impl WorkingHours {
    /// `days` Monday first; `holidays` as day numbers (days since 1970-01-01).
    pub fn new(days: [DayHours; 7], holidays: &[i64]) -> Self {
        let mut week_prefix = [0; 8];
        for (i, day) in days.iter().enumerate() {
            week_prefix[i + 1] = week_prefix[i] + day_total(day);
        }
        let mut closing: Vec<i64> = holidays
            .iter()
            .copied()
            .filter(|d| !days[weekday(*d)].is_empty())
            .collect();
        closing.sort_unstable();
        closing.dedup();
        let mut holiday_prefix = Vec::with_capacity(closing.len() + 1);
        let mut sum = 0;
        for d in &closing {
            holiday_prefix.push(sum);
            sum += day_total(&days[weekday(*d)]);
        }
        holiday_prefix.push(sum);
        WorkingHours {
            days,
            week_prefix,
            holidays: closing,
            holiday_prefix,
        }
    }

    /// Working seconds from an arbitrary origin to civil second `c` (differences only mean
    /// anything).
    fn before(&self, c: i64) -> i64 {
        let day = day_of(c);
        let into_day = c - day * SECONDS_PER_DAY;
        // Day numbers counted from Monday 1969-12-29.
        let from_monday = day + 3;
        let weeks = from_monday.div_euclid(7);
        let wd = weekday(day);
        let today = partial(&self.days[wd], into_day);
        let mut total = weeks * self.week_prefix[7] + self.week_prefix[wd] + today;
        let i = self.holidays.partition_point(|h| *h < day);
        total -= self.holiday_prefix[i];
        if self.holidays.get(i) == Some(&day) {
            total -= today;
        }
        total
    }
}

fn day_total(day: &DayHours) -> i64 {
    day.iter().map(|(s, e)| i64::from(e - s)).sum()
}

/// Working seconds of a day's intervals before `into_day` seconds after midnight.
fn partial(day: &DayHours, into_day: i64) -> i64 {
    day.iter()
        .map(|&(s, e)| (into_day.min(i64::from(e)) - i64::from(s)).max(0))
        .sum()
}

/// Measures working time in a zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clock {
    pub zone: Zone,
    pub hours: Option<WorkingHours>,
}

impl Clock {
    /// Working seconds between instants `a` and `b`; zero when `b <= a`.
    pub fn working_time(&self, a: i64, b: i64) -> i64 {
        if b <= a {
            return 0;
        }
        let Some(hours) = &self.hours else {
            return b - a;
        };
        self.zone
            .stretches(a, b)
            .map(|(start, end, offset)| hours.before(end + offset) - hours.before(start + offset))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::zone::day_of_date;
    use chrono::NaiveDate;
    use jiff::Timestamp;
    use jiff::civil::Weekday;
    use jiff::tz::TimeZone;
    use proptest::prelude::*;

    fn hm(h: u32, m: u32) -> u32 {
        h * 3600 + m * 60
    }

    fn day(y: i32, m: u32, d: u32) -> i64 {
        day_of_date(NaiveDate::from_ymd_opt(y, m, d).unwrap())
    }

    /// The hours of the example in docs/exports.md, with intervals that reach into the
    /// night around the clock changes (03:00–04:00 local in the EU).
    fn week() -> [DayHours; 7] {
        let full = vec![(hm(9, 0), hm(18, 0))];
        [
            full.clone(),
            vec![(hm(2, 30), hm(5, 0)), (hm(9, 0), hm(18, 0))],
            full.clone(),
            full,
            vec![(hm(9, 0), hm(12, 0)), (hm(13, 0), hm(17, 0))],
            vec![(hm(10, 0), hm(14, 0))],
            vec![(hm(0, 0), hm(4, 0)), (hm(22, 0), hm(24, 0))],
        ]
    }

    fn holidays() -> Vec<i64> {
        vec![
            day(2026, 1, 1),
            day(2026, 2, 24),
            day(2026, 3, 30),
            day(2026, 10, 24),
            day(2026, 10, 27),
        ]
    }

    fn clock(zone: &str, hours: bool) -> Clock {
        Clock {
            zone: Zone::get(zone).unwrap(),
            hours: hours.then(|| WorkingHours::new(week(), &holidays())),
        }
    }

    /// Minute by minute with jiff's own conversions: does the minute starting at each instant
    /// fall in its local day's intervals?
    fn reference(zone: &str, a: i64, b: i64) -> i64 {
        let tz = TimeZone::get(zone).unwrap();
        let week = week();
        let holidays = holidays();
        let mut total = 0;
        let mut t = a;
        while t < b {
            let dt = tz.to_datetime(Timestamp::from_second(t).unwrap());
            let date =
                NaiveDate::from_ymd_opt(i32::from(dt.year()), dt.month() as u32, dt.day() as u32)
                    .unwrap();
            let wd = match dt.weekday() {
                Weekday::Monday => 0,
                Weekday::Tuesday => 1,
                Weekday::Wednesday => 2,
                Weekday::Thursday => 3,
                Weekday::Friday => 4,
                Weekday::Saturday => 5,
                Weekday::Sunday => 6,
            };
            let secs = hm(dt.hour() as u32, dt.minute() as u32) + dt.second() as u32;
            let open = !holidays.contains(&day_of_date(date))
                && week[wd].iter().any(|&(s, e)| s <= secs && secs < e);
            if open {
                total += 60;
            }
            t += 60;
        }
        total
    }

    /// 2026-01-01T00:00:00Z.
    const YEAR_START: i64 = 1_767_225_600;
    /// Whole minutes, spread over 2026 with extra weight on the weeks of the clock changes.
    fn instant() -> impl Strategy<Value = i64> {
        let minutes: i64 = 365 * 24 * 60;
        prop_oneof![
            (0..minutes).prop_map(|m| YEAR_START + m * 60),
            // 2026-03-27 .. 2026-04-01 and 2026-10-23 .. 2026-10-28.
            (0..5 * 24 * 60i64).prop_map(|m| 1_774_569_600 + m * 60),
            (0..5 * 24 * 60i64).prop_map(|m| 1_792_713_600 + m * 60),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn working_time_matches_minute_by_minute(
            a in instant(),
            len in prop_oneof![0..3 * 24 * 60i64, 0..40 * 24 * 60i64],
            zagreb in any::<bool>(),
        ) {
            let zone = if zagreb { "Europe/Zagreb" } else { "Europe/Tallinn" };
            let b = a + len * 60;
            prop_assert_eq!(clock(zone, true).working_time(a, b), reference(zone, a, b));
            prop_assert_eq!(clock(zone, false).working_time(a, b), b - a);
        }
    }

    fn at(s: &str) -> i64 {
        crate::sources::timestamp::parse(s, &Zone::get("Europe/Tallinn").unwrap()).unwrap()
    }

    #[test]
    fn a_nine_to_six_day_is_nine_hours_on_clock_change_days() {
        let c = clock("Europe/Tallinn", true);
        // Thursday 2026-10-22 to the Thursday after, the week the clock goes back: Thu 9h,
        // Fri 7h, Sat a holiday, Sun 00:00-04:00 is 5 real hours (03:00-04:00 repeats) plus
        // 22:00-24:00, Mon 9h, Tue a holiday, Wed 9h.
        let week = c.working_time(at("2026-10-22 00:00"), at("2026-10-29 00:00"));
        assert_eq!(week, (9 + 7 + 5 + 2 + 9 + 9) * 3600);
        // Sunday 2026-03-29: 00:00-04:00 loses the skipped hour 03:00-04:00.
        let sunday = c.working_time(at("2026-03-29 00:00"), at("2026-03-30 00:00"));
        assert_eq!(sunday, (3 + 2) * 3600);
    }

    #[test]
    fn created_on_a_closed_day_starts_at_the_next_opening() {
        let c = clock("Europe/Tallinn", true);
        // Holiday Tuesday 2026-02-24, answered Wednesday 10:30: 2h30m.
        let w = c.working_time(at("2026-02-24 11:00"), at("2026-02-25 11:30"));
        assert_eq!(w, 2 * 3600 + 30 * 60);
        assert_eq!(
            c.working_time(at("2026-02-25 11:30"), at("2026-02-24 11:00")),
            0
        );
    }

    #[test]
    fn long_spans_are_whole_weeks() {
        let c = clock("Europe/Tallinn", true);
        let a = at("2026-05-04 00:00");
        // Fifty-two weeks from a Monday: every holiday and both clock changes inside.
        let year = c.working_time(a, a + 52 * 7 * SECONDS_PER_DAY);
        let week_total: i64 = week().iter().map(day_total).sum();
        // Inside: the holidays 2026-10-24 (Sat, 4h) and 2026-10-27 (Tue, 11h30m); Sunday
        // 2026-10-25 gains an hour and Sunday 2027-03-28 loses one.
        assert_eq!(year, 52 * week_total - 4 * 3600 - (11 * 3600 + 1800));
    }
}

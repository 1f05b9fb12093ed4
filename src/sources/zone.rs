//! A source's time zone as a table of offset changes, built once from the tz database that
//! is compiled into the binary, and the calendar arithmetic on local days that the rest of
//! the ticket code shares.
//!
//! Instants are whole seconds since 1970-01-01T00:00:00Z; *civil* seconds count the same way
//! on the local wall clock (instant + offset). Between two transitions the offset is
//! constant, so civil time there is instant time shifted, which is what lets working time be
//! computed a stretch at a time instead of minute by minute.

use chrono::{Datelike, NaiveDate};
use jiff::Timestamp;
use jiff::tz::TimeZone;

pub const SECONDS_PER_DAY: i64 = 86_400;

/// The years a timestamp may fall in. The transition table covers a century more on each
/// side, so every supported instant has its true offset.
pub const MIN_YEAR: i32 = 1900;
pub const MAX_YEAR: i32 = 2199;

/// 1800-01-01T00:00:00Z and 2300-01-01T00:00:00Z.
const TABLE_START: i64 = -5_364_662_400;
const TABLE_END: i64 = 10_413_792_000;

/// Days from 0001-01-01 (chrono's day 1) to 1970-01-01.
const UNIX_EPOCH_FROM_CE: i64 = 719_163;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Transition {
    /// The instant the new offset starts.
    at: i64,
    before: i32,
    after: i32,
}

/// An IANA time zone's offsets from 1800 to 2300.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone {
    name: String,
    /// The offset before the first transition of the table.
    first: i32,
    transitions: Vec<Transition>,
    /// Per bucket of `2^BUCKET_BITS` seconds from `TABLE_START`: the transitions before it.
    /// A lookup starts there and steps a transition or two, instead of searching them all:
    /// an export asks millions of times.
    buckets: Vec<u32>,
}

/// About 48 days: fewer than one transition per bucket in most zones.
const BUCKET_BITS: u32 = 22;

/// What a local wall-clock time is as an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Local {
    /// One instant, or the earlier of two where the clock is set back and the time repeats.
    At(i64),
    /// The clock skipped this time (set forward): no instant has it.
    Skipped,
}

impl Zone {
    /// The zone of that IANA name from the bundled tz database, if it has one.
    pub fn get(name: &str) -> Option<Zone> {
        let tz = TimeZone::get(name).ok()?;
        Some(Zone::from_jiff(name, &tz))
    }

    /// Every IANA zone name the bundled database knows, for suggestions.
    pub fn names() -> Vec<String> {
        jiff::tz::db()
            .available()
            .map(|n| n.as_str().to_string())
            .collect()
    }

    fn from_jiff(name: &str, tz: &TimeZone) -> Zone {
        let start = Timestamp::from_second(TABLE_START).unwrap_or(Timestamp::UNIX_EPOCH);
        let first = tz.to_offset(start).seconds();
        let mut transitions = Vec::new();
        let mut before = first;
        for t in tz.following(start) {
            let at = t.timestamp().as_second();
            if at >= TABLE_END {
                break;
            }
            let after = t.offset().seconds();
            transitions.push(Transition { at, before, after });
            before = after;
        }
        let count = ((TABLE_END - TABLE_START) >> BUCKET_BITS) as usize + 1;
        let buckets = (0..count)
            .map(|k| {
                let start = TABLE_START + ((k as i64) << BUCKET_BITS);
                transitions.partition_point(|tr| tr.at < start) as u32
            })
            .collect();
        Zone {
            name: name.to_string(),
            first,
            transitions,
            buckets,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// How many transitions have `key(tr) <= x`, for a key within a day of `tr.at` (and so
    /// as ordered as the transitions).
    fn count_up_to(&self, x: i64, key: impl Fn(&Transition) -> i64) -> usize {
        let k = ((x.clamp(TABLE_START, TABLE_END) - TABLE_START) >> BUCKET_BITS) as usize;
        let mut i = self
            .buckets
            .get(k)
            .map_or(self.transitions.len(), |&b| b as usize);
        while i > 0 && key(&self.transitions[i - 1]) > x {
            i -= 1;
        }
        while self.transitions.get(i).is_some_and(|tr| key(tr) <= x) {
            i += 1;
        }
        i
    }

    /// The index of the first transition after instant `t`.
    fn next_transition(&self, t: i64) -> usize {
        self.count_up_to(t, |tr| tr.at)
    }

    fn offset_before(&self, index: usize) -> i32 {
        match index {
            0 => self.first,
            i => self.transitions[i - 1].after,
        }
    }

    /// The offset from UTC at instant `t`, in seconds.
    pub fn offset_at(&self, t: i64) -> i32 {
        self.offset_before(self.next_transition(t))
    }

    /// The civil (wall-clock) seconds of instant `t`.
    pub fn civil(&self, t: i64) -> i64 {
        t + i64::from(self.offset_at(t))
    }

    /// The instant of civil time `c`: a repeated time is its earlier instant.
    pub fn instant(&self, c: i64) -> Local {
        // A transition's civil range is from the lower of its two offsets to the higher:
        // skipped times when the clock goes forward, repeated ones when it goes back.
        let i = self.count_up_to(c, |tr| tr.at + i64::from(tr.before.min(tr.after)));
        if i == 0 {
            return Local::At(c - i64::from(self.first));
        }
        let tr = self.transitions[i - 1];
        let (before, after) = (i64::from(tr.before), i64::from(tr.after));
        if c < tr.at + before.max(after) {
            if after > before {
                Local::Skipped
            } else {
                Local::At(c - before)
            }
        } else {
            Local::At(c - after)
        }
    }

    /// The stretches of constant offset that cover `[a, b)`: `(start, end, offset)`.
    pub fn stretches(&self, a: i64, b: i64) -> impl Iterator<Item = (i64, i64, i64)> + '_ {
        let mut index = self.next_transition(a);
        let mut start = a;
        std::iter::from_fn(move || {
            if start >= b {
                return None;
            }
            let offset = i64::from(self.offset_before(index));
            let end = match self.transitions.get(index) {
                Some(tr) if tr.at < b => tr.at,
                _ => b,
            };
            let stretch = (start, end, offset);
            start = end;
            index += 1;
            Some(stretch)
        })
    }
}

/// The day number (days since 1970-01-01) of a civil second.
pub fn day_of(civil: i64) -> i64 {
    civil.div_euclid(SECONDS_PER_DAY)
}

/// The date of a day number.
pub fn date_of_day(day: i64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(day + UNIX_EPOCH_FROM_CE).ok()?)
}

/// The day number of a date.
pub fn day_of_date(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - UNIX_EPOCH_FROM_CE
}

/// The weekday of a day number, Monday 0 to Sunday 6.
pub fn weekday(day: i64) -> usize {
    // 1970-01-01 was a Thursday.
    (day + 3).rem_euclid(7) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::DateTime;

    fn civil(s: &str) -> i64 {
        let dt: DateTime = s.parse().unwrap();
        TimeZone::UTC.to_timestamp(dt).unwrap().as_second()
    }

    #[test]
    fn offsets_and_local_times_agree_with_jiff() {
        let zone = Zone::get("Europe/Tallinn").unwrap();
        let tz = TimeZone::get("Europe/Tallinn").unwrap();
        // Every quarter hour through 2026, plus the dawn of the table's supported years.
        let from = civil("2026-01-01T00:00:00");
        for t in (from..from + 366 * SECONDS_PER_DAY).step_by(900) {
            let ts = Timestamp::from_second(t).unwrap();
            assert_eq!(zone.offset_at(t), tz.to_offset(ts).seconds(), "{t}");
            let c = t + i64::from(zone.offset_at(t));
            let dt = tz.to_datetime(ts);
            let expected = tz.to_ambiguous_timestamp(dt).earlier().unwrap().as_second();
            // jiff resolves repeated times to the earlier instant too.
            assert_eq!(zone.instant(c), Local::At(expected), "{dt}");
        }
    }

    #[test]
    fn skipped_and_repeated_hours() {
        let zone = Zone::get("Europe/Tallinn").unwrap();
        // 2026-03-29 03:00 EET became 04:00 EEST; 2026-10-25 04:00 EEST became 03:00 EET.
        assert_eq!(zone.instant(civil("2026-03-29T03:30:00")), Local::Skipped);
        assert_eq!(
            zone.instant(civil("2026-03-29T04:00:00")),
            Local::At(civil("2026-03-29T01:00:00"))
        );
        assert_eq!(
            zone.instant(civil("2026-10-25T03:30:00")),
            Local::At(civil("2026-10-25T00:30:00"))
        );
        assert_eq!(
            zone.instant(civil("2026-10-25T04:00:00")),
            Local::At(civil("2026-10-25T02:00:00"))
        );
    }

    #[test]
    fn days_and_weekdays() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap();
        let n = day_of_date(d);
        assert_eq!(date_of_day(n), Some(d));
        assert_eq!(weekday(n), 6);
        assert_eq!(day_of(-1), -1);
        assert!(Zone::get("Europe/Talinn").is_none());
        assert!(Zone::names().iter().any(|n| n == "Europe/Zagreb"));
    }
}

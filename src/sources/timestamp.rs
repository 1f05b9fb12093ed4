//! Timestamps of ticket exports: local `YYYY-MM-DD HH:MM[:SS]` (or with `T`), read in the
//! source's zone, or RFC 3339 with an offset or `Z`. Parsed by hand: an export has millions.

use super::zone::{Local, MAX_YEAR, MIN_YEAR, SECONDS_PER_DAY, Zone};

/// Why a cell is not a timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampError {
    /// Not one of the notations, or not a day or time of the calendar.
    Malformed,
    /// A local time the clock skipped (set forward for daylight saving time).
    Skipped,
    /// A year outside 1900–2199.
    OutOfRange,
}

impl TimestampError {
    pub fn describe(self) -> &'static str {
        match self {
            TimestampError::Malformed => "is not a timestamp",
            TimestampError::Skipped => {
                "is a local time that does not exist (the clock skipped it for daylight saving time)"
            }
            TimestampError::OutOfRange => "is outside the years 1900 to 2199",
        }
    }

    pub fn hint(self) -> &'static str {
        match self {
            TimestampError::Malformed => {
                "write YYYY-MM-DD HH:MM[:SS], YYYY-MM-DDTHH:MM[:SS], or RFC 3339 such as 2026-03-02T09:15:00+02:00"
            }
            TimestampError::Skipped => "the export should give such times with their offset",
            TimestampError::OutOfRange => "check the export's date column",
        }
    }
}

/// The instant (seconds since the Unix epoch) a cell names; fractions of a second are
/// dropped.
pub fn parse(cell: &str, zone: &Zone) -> Result<i64, TimestampError> {
    parse_bytes(cell.as_bytes(), zone)
}

/// [`parse`] on the bytes of a cell, which need not be UTF-8 (then it is malformed).
pub fn parse_bytes(cell: &[u8], zone: &Zone) -> Result<i64, TimestampError> {
    let b = cell.trim_ascii();
    let mut p = Cursor { b, i: 0 };
    let year = p.digits(4)?;
    p.expect(b'-')?;
    let month = p.digits(2)?;
    p.expect(b'-')?;
    let day = p.digits(2)?;
    match p.next() {
        Some(b' ' | b'T' | b't') => {}
        _ => return Err(TimestampError::Malformed),
    }
    let hour = p.digits(2)?;
    p.expect(b':')?;
    let minute = p.digits(2)?;
    let mut second = 0;
    if p.peek() == Some(b':') {
        p.i += 1;
        second = p.digits(2)?;
        if p.peek() == Some(b'.') {
            p.i += 1;
            let start = p.i;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.i += 1;
            }
            if p.i == start {
                return Err(TimestampError::Malformed);
            }
        }
    }
    let offset = match p.next() {
        None => None,
        Some(b'Z' | b'z') => Some(0),
        Some(sign @ (b'+' | b'-')) => {
            let h = p.digits(2)?;
            p.expect(b':')?;
            let m = p.digits(2)?;
            if h > 23 || m > 59 {
                return Err(TimestampError::Malformed);
            }
            let seconds = i64::from(h * 3600 + m * 60);
            Some(if sign == b'-' { -seconds } else { seconds })
        }
        Some(_) => return Err(TimestampError::Malformed),
    };
    if p.i != b.len() {
        return Err(TimestampError::Malformed);
    }
    if hour > 23 || minute > 59 || second > 59 {
        return Err(TimestampError::Malformed);
    }
    let year = year as i32;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return Err(TimestampError::Malformed);
    }
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return Err(TimestampError::OutOfRange);
    }
    let civil = days_from_civil(year, month, day) * SECONDS_PER_DAY
        + i64::from(hour * 3600 + minute * 60 + second);
    match offset {
        Some(offset) => Ok(civil - offset),
        None => match zone.instant(civil) {
            Local::At(t) => Ok(t),
            Local::Skipped => Err(TimestampError::Skipped),
        },
    }
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let c = self.peek();
        if c.is_some() {
            self.i += 1;
        }
        c
    }

    fn expect(&mut self, c: u8) -> Result<(), TimestampError> {
        if self.next() == Some(c) {
            Ok(())
        } else {
            Err(TimestampError::Malformed)
        }
    }

    fn digits(&mut self, n: usize) -> Result<u32, TimestampError> {
        let mut v = 0;
        for _ in 0..n {
            match self.next() {
                Some(c @ b'0'..=b'9') => v = v * 10 + u32::from(c - b'0'),
                _ => return Err(TimestampError::Malformed),
            }
        }
        Ok(v)
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tallinn() -> Zone {
        Zone::get("Europe/Tallinn").unwrap()
    }

    /// 2026-03-02T07:15:00Z.
    const T: i64 = 1_772_435_700;

    #[test]
    fn local_with_space_minutes_and_seconds() {
        let z = tallinn();
        assert_eq!(parse("2026-03-02 09:15", &z), Ok(T));
        assert_eq!(parse("2026-03-02 09:15:00", &z), Ok(T));
        assert_eq!(parse("2026-03-02 09:15:07", &z), Ok(T + 7));
        assert_eq!(parse("  2026-03-02 09:15  ", &z), Ok(T));
    }

    #[test]
    fn local_with_t() {
        let z = tallinn();
        assert_eq!(parse("2026-03-02T09:15", &z), Ok(T));
        assert_eq!(parse("2026-03-02T09:15:30", &z), Ok(T + 30));
    }

    #[test]
    fn rfc3339_with_offset_or_z() {
        let z = tallinn();
        assert_eq!(parse("2026-03-02T09:15:00+02:00", &z), Ok(T));
        assert_eq!(parse("2026-03-02T07:15:00Z", &z), Ok(T));
        assert_eq!(parse("2026-03-02T07:15:00.250z", &z), Ok(T));
        assert_eq!(parse("2026-03-02T02:15:00-05:00", &z), Ok(T));
        // The offset wins over the zone, even inside a skipped hour.
        assert_eq!(
            parse("2026-03-29T03:30:00+02:00", &z),
            Ok(parse("2026-03-29T01:30:00Z", &z).unwrap())
        );
    }

    #[test]
    fn summer_time_is_read_with_its_offset() {
        let z = tallinn();
        assert_eq!(
            parse("2026-07-01 12:00", &z),
            parse("2026-07-01T09:00:00Z", &z)
        );
    }

    #[test]
    fn a_skipped_local_time_is_a_row_problem() {
        let z = tallinn();
        assert_eq!(parse("2026-03-29 03:30", &z), Err(TimestampError::Skipped));
        assert_eq!(
            parse("2026-03-29 04:00", &z),
            parse("2026-03-29T01:00:00Z", &z)
        );
    }

    #[test]
    fn a_repeated_local_time_is_its_earlier_instant() {
        let z = tallinn();
        assert_eq!(
            parse("2026-10-25 03:30", &z),
            parse("2026-10-25T00:30:00Z", &z)
        );
    }

    #[test]
    fn malformed_and_out_of_range() {
        let z = tallinn();
        for bad in [
            "",
            "2026-03-02",
            "2026-3-02 09:15",
            "2026-03-02 9:15",
            "2026-03-02 24:00",
            "2026-02-29 10:00",
            "2026-03-02 09:15:60",
            "2026-03-02 09:15:00+2",
            "2026-03-02 09:15:00 +02:00",
            "2026-03-02 09:15:00.",
            "2026-03-02_09:15",
            "02.03.2026 09:15",
        ] {
            assert_eq!(parse(bad, &z), Err(TimestampError::Malformed), "{bad:?}");
        }
        assert!(parse("2024-02-29 10:00", &z).is_ok());
        assert_eq!(
            parse("1899-12-31 10:00", &z),
            Err(TimestampError::OutOfRange)
        );
    }
}

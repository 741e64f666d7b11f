//! The `YYYYMMDDhhmmss` timestamp that opens every log line (UTC).

use std::time::{SystemTime, UNIX_EPOCH};

/// A second-resolution wall-clock time, printed as `YYYYMMDDhhmmss`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
}

impl Timestamp {
    /// A timestamp from its parts; `None` if a part is out of range
    /// (month 1–12, day 1–31, hour < 24, minute < 60, second < 61).
    pub fn new(year: u16, month: u8, day: u8, hour: u8, minute: u8, second: u8) -> Option<Self> {
        let ok = year <= 9999
            && (1..=12).contains(&month)
            && (1..=31).contains(&day)
            && hour < 24
            && minute < 60
            && second < 61;
        ok.then_some(Timestamp {
            year,
            month,
            day,
            hour,
            minute,
            second,
        })
    }

    /// The UTC time `secs` seconds after the Unix epoch.
    pub fn from_unix_secs(secs: u64) -> Self {
        let days = (secs / 86_400) as i64;
        let rem = secs % 86_400;
        let (year, month, day) = civil_from_days(days);
        Timestamp {
            year: year.clamp(0, 9999) as u16,
            month,
            day,
            hour: (rem / 3600) as u8,
            minute: (rem / 60 % 60) as u8,
            second: (rem % 60) as u8,
        }
    }

    /// The current UTC time (the Unix epoch if the clock is before it).
    pub fn now_utc() -> Self {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Self::from_unix_secs(secs)
    }

    /// Seconds since the Unix epoch (negative before 1970), so that two
    /// log lines' timestamps give the wall time between them.
    pub fn unix_secs(&self) -> i64 {
        let days = days_from_civil(i64::from(self.year), self.month, self.day);
        days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }

    /// Parses exactly 14 digits `YYYYMMDDhhmmss`.
    pub fn parse(text: &str) -> Option<Self> {
        if text.len() != 14 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let num = |r: std::ops::Range<usize>| text[r].parse::<u16>().ok();
        Timestamp::new(
            num(0..4)?,
            num(4..6)? as u8,
            num(6..8)? as u8,
            num(8..10)? as u8,
            num(10..12)? as u8,
            num(12..14)? as u8,
        )
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:04}{:02}{:02}{:02}{:02}{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

/// Gregorian (year, month, day) of a day count since 1970-01-01.
///
/// The standard era-based conversion (400-year cycles of 146,097 days,
/// years starting in March so the leap day falls last).
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153; // 0 = March
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u8;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u8;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Day count since 1970-01-01 of a Gregorian date: the inverse of
/// [`civil_from_days`] (same era arithmetic, run backwards).
fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let year = year - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_index = i64::from(if month > 2 { month - 3 } else { month + 9 }); // 0 = March
    let day_of_year = (153 * month_index + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_published_form() {
        let t = Timestamp::parse("20220901141247").unwrap();
        assert_eq!(t.to_string(), "20220901141247");
        assert!(Timestamp::parse("2022090114124").is_none());
        assert!(Timestamp::parse("20221301141247").is_none());
        assert!(Timestamp::parse("2022090114124x").is_none());
    }

    #[test]
    fn unix_seconds_convert_to_utc() {
        // 2022-09-01T14:12:47Z is 1662041567 s after the epoch.
        assert_eq!(
            Timestamp::from_unix_secs(1_662_041_567).to_string(),
            "20220901141247"
        );
        assert_eq!(Timestamp::from_unix_secs(0).to_string(), "19700101000000");
        // 2024-02-29T23:59:59Z, a leap day.
        assert_eq!(
            Timestamp::from_unix_secs(1_709_251_199).to_string(),
            "20240229235959"
        );
    }

    #[test]
    fn unix_seconds_round_trip() {
        for secs in [0, 1_662_041_567, 1_709_251_199, 951_782_400, 4_102_444_799] {
            assert_eq!(Timestamp::from_unix_secs(secs).unix_secs(), secs as i64);
        }
        let a = Timestamp::parse("20220901141252").unwrap();
        let b = Timestamp::parse("20220901144206").unwrap();
        assert_eq!(b.unix_secs() - a.unix_secs(), 29 * 60 + 14);
    }
}

//! China Standard Time (UTC+8, no daylight saving): the time every deadline is announced in.
//! Instants are UTC milliseconds everywhere else; this module turns them into the dates and
//! texts that statutes and notices speak of.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::{Offset, TimeZone};

/// UTC+8.
pub fn zone() -> TimeZone {
    TimeZone::fixed(Offset::constant(8))
}

fn timestamp(ms: i64) -> Timestamp {
    // Out-of-range instants (beyond year 9999) clamp to the epoch; callers only pass real times.
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// The civil date in China of an instant.
pub fn date_of(ms: i64) -> Date {
    timestamp(ms).to_zoned_datetime(zone()).date()
}

/// The civil date and time in China of an instant.
pub fn datetime_of(ms: i64) -> DateTime {
    timestamp(ms).to_zoned_datetime(zone()).datetime()
}

/// The instant of a civil date and time in China.
pub fn instant_of(datetime: DateTime) -> Option<i64> {
    datetime.to_zoned_datetime(zone()).ok().map(|zoned| zoned.timestamp().as_millisecond())
}

/// `2026年12月15日 09:30:00` (北京时间), as notices write it.
pub fn text(ms: i64) -> String {
    let dt = datetime_of(ms);
    format!("{}年{}月{}日 {:02}:{:02}:{:02}", dt.year(), dt.month(), dt.day(), dt.hour(), dt.minute(), dt.second())
}

/// `2026年12月15日`.
pub fn date_text(date: Date) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn midnight_utc_is_eight_in_the_morning_in_china() {
        // 2026-11-24T00:00:00Z
        let ms = 1_795_478_400_000;
        assert_eq!(text(ms), "2026年11月24日 08:00:00");
        assert_eq!(date_of(ms - 8 * 3_600_000 - 1), jiff::civil::date(2026, 11, 23));
        assert_eq!(instant_of(datetime_of(ms)), Some(ms));
        assert_eq!(date_text(jiff::civil::date(2027, 1, 5)), "2027年1月5日");
    }
}

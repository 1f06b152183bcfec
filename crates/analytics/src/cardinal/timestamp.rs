//! RFC 3339 date-times, read the way Cardinal reads them (`chrono`'s `parse_from_rfc3339`):
//! `YYYY-MM-DD`, then `T`, `t` or a space, `hh:mm:ss`, optional fraction, then `Z`, `z` or
//! `±hh:mm`. Anything else (a date without a time, a missing offset) is not a date-time, so the
//! indicators that need one skip the process instead of guessing a time zone.

/// Nanoseconds since 1970-01-01T00:00:00Z; `None` if `text` is not an RFC 3339 date-time.
pub(crate) fn parse_rfc3339(text: &str) -> Option<i128> {
    let bytes = text.as_bytes();
    let year = digits(bytes, 0, 4)?;
    expect(bytes, 4, b'-')?;
    let month = digits(bytes, 5, 2)?;
    expect(bytes, 7, b'-')?;
    let day = digits(bytes, 8, 2)?;
    if !matches!(bytes.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let hour = digits(bytes, 11, 2)?;
    expect(bytes, 13, b':')?;
    let minute = digits(bytes, 14, 2)?;
    expect(bytes, 16, b':')?;
    // 60 is a leap second; it counts as the first second of the next minute here.
    let second = digits(bytes, 17, 2)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 {
        return None;
    }
    if second > 60 {
        return None;
    }
    let mut position = 19;
    let mut nanos: i128 = 0;
    if bytes.get(position) == Some(&b'.') {
        position += 1;
        let start = position;
        let mut scale: i128 = 100_000_000;
        while let Some(digit) = bytes.get(position).filter(|b| b.is_ascii_digit()) {
            // Digits past the ninth (below a nanosecond) are read and ignored.
            nanos += i128::from(digit - b'0') * scale;
            scale /= 10;
            position += 1;
        }
        if position == start {
            return None;
        }
    }
    let offset_seconds: i128 = match bytes.get(position)? {
        b'Z' | b'z' => {
            position += 1;
            0
        }
        sign @ (b'+' | b'-') => {
            let hours = digits(bytes, position + 1, 2)?;
            expect(bytes, position + 3, b':')?;
            let minutes = digits(bytes, position + 4, 2)?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            position += 6;
            let magnitude = i128::from(hours * 3600 + minutes * 60);
            if *sign == b'-' { -magnitude } else { magnitude }
        }
        _ => return None,
    };
    if position != bytes.len() {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + i128::from(hour * 3600 + minute * 60 + second) - offset_seconds;
    Some(seconds * 1_000_000_000 + nanos)
}

/// Whole days from `start` to `end`, truncated toward zero (chrono's `num_days`).
pub(crate) fn whole_days_between(start_nanos: i128, end_nanos: i128) -> i128 {
    (end_nanos - start_nanos) / (86_400 * 1_000_000_000)
}

fn digits(bytes: &[u8], start: usize, count: usize) -> Option<u32> {
    let slice = bytes.get(start..start + count)?;
    slice.iter().try_fold(0u32, |acc, b| b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0')))
}

fn expect(bytes: &[u8], index: usize, wanted: u8) -> Option<()> {
    (bytes.get(index) == Some(&wanted)).then_some(())
}

fn is_leap(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: u32, month: u32, day: u32) -> i128 {
    let year = i128::from(year) - i128::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i128::from(month);
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i128::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: i128 = 1_000_000_000;

    #[test]
    fn the_forms_in_published_data() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("1970-01-02T00:00:00.5Z"), Some(86_400 * SECOND + SECOND / 2));
        assert_eq!(parse_rfc3339("1970-01-01T03:00:00+03:00"), Some(0));
        assert_eq!(parse_rfc3339("1969-12-31T19:00:00-05:00"), Some(0));
        assert_eq!(parse_rfc3339("2016-07-05T00:00:00.000000Z"), parse_rfc3339("2016-07-05 00:00:00z"));
        assert_eq!(parse_rfc3339("2000-03-01T00:00:00Z"), Some(951_868_800 * SECOND));
    }

    #[test]
    fn rejects_what_chrono_rejects() {
        for text in [
            "2017-01-01",
            "2017-01-01T00:00:00",
            "2017-02-29T00:00:00Z",
            "2017-01-01T24:00:00Z",
            "2017-01-01T00:00:00+0300",
            "2017-01-01T00:00:00.Z",
            "2017-01-01T00:00:00Z ",
            "17-01-01T00:00:00Z",
        ] {
            assert_eq!(parse_rfc3339(text), None, "{text}");
        }
        assert!(parse_rfc3339("2016-02-29T00:00:00Z").is_some());
    }

    #[test]
    fn days_truncate_toward_zero() {
        let start = parse_rfc3339("2020-01-01T12:00:00Z").expect("a date-time");
        assert_eq!(whole_days_between(start, parse_rfc3339("2020-01-16T11:59:59Z").expect("a date-time")), 14);
        assert_eq!(whole_days_between(start, parse_rfc3339("2020-01-16T12:00:00Z").expect("a date-time")), 15);
        assert_eq!(whole_days_between(start, parse_rfc3339("2019-12-31T13:00:00Z").expect("a date-time")), 0);
    }
}

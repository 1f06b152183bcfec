//! The working-day calendar shipped with this build (`data/calendar/holidays.csv`, from the State
//! Council's yearly notices; `.ci/run` checks every covered day against PyPI `chinese-calendar`).

use ggzy_domain::calendar::{CalendarError, HolidayCalendar};

/// The calendar data built into the binary.
pub const BUILTIN_CSV: &str = include_str!("../../../data/calendar/holidays.csv");

/// The built-in calendar.
pub fn builtin() -> Result<HolidayCalendar, CalendarError> {
    HolidayCalendar::parse_csv(BUILTIN_CSV)
}

#[cfg(test)]
mod tests {
    use jiff::civil::{Date, date};

    use super::*;

    #[test]
    fn covers_2020_to_2026_and_refuses_to_guess_2027() {
        let calendar = builtin().expect("built-in calendar");
        assert_eq!(calendar.years().collect::<Vec<_>>(), (2020..=2026).collect::<Vec<i16>>());
        assert_eq!(calendar.add_working_days(date(2026, 12, 30), 3), Err(CalendarError::NotCovered { year: 2027 }));
    }

    #[test]
    fn working_days_across_holidays_and_make_up_days() {
        let calendar = builtin().expect("built-in calendar");
        // (start, working days after it, expected date, why). The start day is not counted (民法典 201).
        let cases: &[(Date, u32, Date, &str)] = &[
            (date(2026, 2, 12), 3, date(2026, 2, 24), "Fri 13th, Sat 14th (调休), then 春节 15-23"),
            (date(2025, 9, 30), 1, date(2025, 10, 9), "国庆节、中秋节 1-8 October"),
            (date(2025, 9, 30), 3, date(2025, 10, 11), "9th, 10th, Sat 11th (调休)"),
            (date(2024, 2, 8), 2, date(2024, 2, 18), "Fri 9th, then 春节 10-17, Sun 18th (调休)"),
            (date(2023, 9, 28), 1, date(2023, 10, 7), "中秋节、国庆节 29 Sep - 6 Oct, Sat 7th (调休)"),
            (date(2020, 1, 31), 1, date(2020, 2, 3), "春节 extended to 2 February 2020"),
            (date(2022, 1, 28), 1, date(2022, 1, 29), "Sat 29 January 2022 (调休)"),
            (date(2026, 9, 21), 30, date(2026, 11, 9), "a 30-working-day decision period over 中秋 and 国庆"),
        ];
        for &(start, n, expected, why) in cases {
            assert_eq!(calendar.add_working_days(start, n), Ok(expected), "{start} + {n} WD: {why}");
        }
        assert_eq!(calendar.holiday_name(date(2026, 10, 1)), Some("国庆节"));
    }
}

//! The working-day calendar (工作日): statutory holidays and make-up working days (调休) from the
//! State Council's yearly notices, as data. Working days are Monday to Friday, minus holidays,
//! plus make-up days. A year without data is an error, never a guess (DESIGN §4).

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::{Date, Weekday};

/// Why the calendar cannot answer or be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The date lies in a year the calendar has no official data for.
    #[error("{year}年的节假日安排尚未载入工作日历，无法计算工作日；请先导入国务院办公厅当年的节假日安排通知")]
    NotCovered {
        /// The year.
        year: i16,
    },
    /// A line of the calendar file is wrong.
    #[error("工作日历第{line}行：{reason}")]
    Line {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
}

/// Holidays and make-up working days of the covered years.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HolidayCalendar {
    years: BTreeSet<i16>,
    holidays: BTreeMap<Date, String>,
    workdays: BTreeSet<Date>,
}

impl HolidayCalendar {
    /// Parses `date,kind,name,notice` rows (`kind` = `holiday` or `workday`). A year counts as
    /// covered when the file has rows for it.
    pub fn parse_csv(text: &str) -> Result<HolidayCalendar, CalendarError> {
        let mut calendar = HolidayCalendar::default();
        for (index, line) in text.lines().enumerate() {
            let number = index + 1;
            let line = line.trim();
            if line.is_empty() || number == 1 && line.starts_with("date,") {
                continue;
            }
            let fail = |reason: String| CalendarError::Line { line: number, reason };
            let fields: Vec<&str> = line.split(',').collect();
            let [date, kind, name, notice] = fields[..] else {
                return Err(fail("应为4列：date,kind,name,notice".to_owned()));
            };
            let date: Date = date.parse().map_err(|_| fail(format!("日期“{date}”应为 YYYY-MM-DD")))?;
            if notice.trim().is_empty() {
                return Err(fail("缺少依据（notice）".to_owned()));
            }
            let weekend = matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday);
            match kind {
                "holiday" => {
                    if calendar.holidays.insert(date, name.to_owned()).is_some() || calendar.workdays.contains(&date) {
                        return Err(fail(format!("{date} 重复")));
                    }
                }
                "workday" if !weekend => return Err(fail(format!("{date} 是工作日，不是调休上班的周末"))),
                "workday" => {
                    if !calendar.workdays.insert(date) || calendar.holidays.contains_key(&date) {
                        return Err(fail(format!("{date} 重复")));
                    }
                }
                other => return Err(fail(format!("类型“{other}”应为 holiday 或 workday"))),
            }
            calendar.years.insert(date.year());
        }
        Ok(calendar)
    }

    /// The years with official data.
    pub fn years(&self) -> impl Iterator<Item = i16> + '_ {
        self.years.iter().copied()
    }

    fn check(&self, date: Date) -> Result<(), CalendarError> {
        if self.years.contains(&date.year()) { Ok(()) } else { Err(CalendarError::NotCovered { year: date.year() }) }
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: Date) -> Result<bool, CalendarError> {
        self.check(date)?;
        let weekend = matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday);
        Ok(self.workdays.contains(&date) || !weekend && !self.holidays.contains_key(&date))
    }

    /// The holiday `date` belongs to, if any.
    pub fn holiday_name(&self, date: Date) -> Option<&str> {
        self.holidays.get(&date).map(String::as_str)
    }

    /// The `n`th working day after `start` (the start day itself is not counted, 民法典 第二百零一条).
    pub fn add_working_days(&self, start: Date, n: u32) -> Result<Date, CalendarError> {
        let mut date = start;
        let mut counted = 0;
        while counted < n {
            date = date.tomorrow().map_err(|_| CalendarError::NotCovered { year: i16::MAX })?;
            if self.is_working_day(date)? {
                counted += 1;
            }
        }
        Ok(date)
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    const SAMPLE: &str = "date,kind,name,notice\n\
        2026-02-14,workday,调休上班,国务院办公厅关于2026年部分节假日安排的通知\n\
        2026-02-15,holiday,春节,国务院办公厅关于2026年部分节假日安排的通知\n\
        2026-02-16,holiday,春节,国务院办公厅关于2026年部分节假日安排的通知\n";

    #[test]
    fn weekends_holidays_and_make_up_days() {
        let calendar = HolidayCalendar::parse_csv(SAMPLE).expect("sample");
        assert_eq!(calendar.is_working_day(date(2026, 2, 13)), Ok(true), "a Friday");
        assert_eq!(calendar.is_working_day(date(2026, 2, 14)), Ok(true), "a Saturday made a working day");
        assert_eq!(calendar.is_working_day(date(2026, 2, 16)), Ok(false), "a Monday in the holiday");
        assert_eq!(calendar.is_working_day(date(2026, 2, 21)), Ok(false), "an ordinary Saturday");
        assert_eq!(calendar.holiday_name(date(2026, 2, 15)), Some("春节"));
        assert_eq!(calendar.is_working_day(date(2027, 1, 4)), Err(CalendarError::NotCovered { year: 2027 }));
        assert!(calendar.is_working_day(date(2027, 1, 4)).expect_err("uncovered").to_string().contains("2027年"));
    }

    #[test]
    fn bad_rows_are_refused_with_their_line() {
        let bad = |text: &str| HolidayCalendar::parse_csv(text).expect_err("refused");
        assert!(
            matches!(bad("2026-02-16,workday,x,n"), CalendarError::Line { line: 1, .. }),
            "a Monday cannot be 调休"
        );
        assert!(matches!(bad("date,kind,name,notice\n2026-13-01,holiday,x,n"), CalendarError::Line { line: 2, .. }));
        assert!(matches!(bad("2026-02-15,holiday,x,"), CalendarError::Line { .. }), "a row needs its notice");
        assert!(matches!(bad("2026-02-15,holiday,x,n\n2026-02-15,holiday,x,n"), CalendarError::Line { line: 2, .. }));
        assert!(matches!(bad("2026-02-15,vacation,x,n"), CalendarError::Line { .. }));
    }
}

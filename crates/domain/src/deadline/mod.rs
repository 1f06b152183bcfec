//! Deadlines (截止时间): the day a statutory period ends, whether a chosen day keeps a floor
//! (不得少于) or a cap (不得超过), how far a late clarification pushes the bid deadline out (顺延),
//! and how an objection (异议) stops the clock.
//!
//! Why one engine: every deadline the platform enforces (投标截止时间, 公示期, 异议答复期限, ...) is a
//! statutory period counted the same way. One day wrong either voids a tender (a floor not kept) or
//! breaks the law (a cap exceeded), so the counting lives here once, with the rule and its article on
//! every result the operator sees.
//!
//! How periods are counted:
//!
//! - 民法典 第二百零一条: for a period counted in days the start day is not counted; counting starts
//!   the next day. `n` calendar days after the start day `S` count through `S + n`.
//! - 民法典 第二百零三条: if that last day is a 法定休假日 (a statutory holiday, or a Saturday or
//!   Sunday that is not a 调休 make-up working day) the period ends on the next working day. The
//!   result records that it rolled, from which day and why ([`Roll`]).
//! - Working-day periods (工作日) end on the `n`th working day after `S`, which is a working day, so
//!   they never roll.
//! - 民法典 第二百零二条: a period in months ends on the day of the month `n` months on that matches
//!   the start day, or on that month's last day when it has none (1-31 plus one month: 2-28 or
//!   2-29); then it rolls like a calendar-day period (第二百零三条).
//! - A period of length 0 ends on its start day, rolled forward if that is not a working day (both
//!   units). No statute has one; the rule is here so that a suspended clock with nothing left to run
//!   still has a well-defined end ([`PeriodClock`]).
//! - 民法典 第一千二百五十九条: 以上 / 以下 / 不少于 / 不超过 include the number, so a floor accepts its
//!   earliest day and a cap accepts its latest day.
//!
//! Which days are working days comes from the [`HolidayCalendar`] (the State Council notices). A day in
//! a year without data is an error ([`crate::calendar::CalendarError::NotCovered`]), never a guess
//! (DESIGN §4). Only days are handled: the last day ends at 24:00, or at close of business
//! (民法典 第二百零三条 第二款); joining the day with that time is the caller's job. Like the rest of
//! the crate this module reads no clock: "today" is always an argument.

use std::fmt;

use jiff::Span;
use jiff::civil::{Date, Weekday};

use crate::calendar::HolidayCalendar;
use crate::ruleset::{Rule, Unit};

mod clock;
mod error;
mod limits;

pub use clock::{ClockError, ClockStatus, PeriodClock, Suspension};
pub use error::DeadlineError;
pub use limits::{Extension, check_cap, check_floor, extend_for_late_amendment, latest_day_before, within_cap};

/// The longest run of non-working days rolled over before the calendar is reported as broken. The longest
/// real run in 2020–2026 is 10 days (春节 2020); a month leaves room and still bounds the loop.
const MAX_ROLL_DAYS: u32 = 31;

/// How a period counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Counting {
    Calendar,
    Working,
    Months,
}

/// A length of time counted in calendar days (日), working days (工作日) or months (个月).
///
/// Only these units make a period; a [`Rule`] in percent or as a count is refused by
/// [`Period::of_rule`], so every `Period` that exists can be counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    length: u32,
    counting: Counting,
}

impl Period {
    /// `length` calendar days (日).
    pub const fn days(length: u32) -> Period {
        Period { length, counting: Counting::Calendar }
    }

    /// `length` working days (工作日).
    pub const fn working_days(length: u32) -> Period {
        Period { length, counting: Counting::Working }
    }

    /// `length` months (个月).
    pub const fn months(length: u32) -> Period {
        Period { length, counting: Counting::Months }
    }

    /// The period a rule states; refused when the rule is not in days or working days, or its value
    /// is negative or too large.
    pub fn of_rule(rule: &Rule) -> Result<Period, DeadlineError> {
        let counting = match rule.unit {
            Unit::CalendarDays => Counting::Calendar,
            Unit::WorkingDays => Counting::Working,
            Unit::Months => Counting::Months,
            other @ (Unit::Percent | Unit::Count | Unit::Ratio | Unit::Fen) => {
                return Err(DeadlineError::NotAPeriod { rule: rule.id.clone(), unit: other.as_str() });
            }
        };
        let length = u32::try_from(rule.value)
            .map_err(|_| DeadlineError::BadLength { rule: rule.id.clone(), value: rule.value })?;
        Ok(Period { length, counting })
    }

    /// The number of days or working days.
    pub fn length(self) -> u32 {
        self.length
    }

    /// [`Unit::CalendarDays`], [`Unit::WorkingDays`] or [`Unit::Months`].
    pub fn unit(self) -> Unit {
        match self.counting {
            Counting::Calendar => Unit::CalendarDays,
            Counting::Working => Unit::WorkingDays,
            Counting::Months => Unit::Months,
        }
    }

    /// The same unit with another length.
    fn with_length(self, length: u32) -> Period {
        Period { length, ..self }
    }
}

/// Why and from where a period's end was moved to the next working day (顺延, 民法典 第二百零三条).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Roll {
    /// The last day by counting alone, which is not a working day.
    pub from: Date,
    /// What that day is: the holiday's name from the calendar (e.g. `国庆节`), or `周六` / `周日`.
    pub because: String,
}

/// The last day of a period, and whether it was moved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodEnd {
    /// The last day of the period (it ends at 24:00 of this day).
    pub day: Date,
    /// Set when counting ended on a non-working day and the end moved to `day`.
    pub rolled: Option<Roll>,
}

impl PeriodEnd {
    /// The day counting alone reached, before any 顺延.
    pub fn counted(&self) -> Date {
        self.rolled.as_ref().map_or(self.day, |roll| roll.from)
    }

    /// The day the end was moved from, if it was.
    pub fn rolled_from(&self) -> Option<Date> {
        self.rolled.as_ref().map(|roll| roll.from)
    }
}

/// The end of a period under a known rule: what the operator is shown, with its reasons.
///
/// `Display` gives the sentence, e.g. `2024年10月8日（期间最后一日2024年10月2日为国庆节，依民法典第二百零三条顺延；依据：招标投标法 第二十四条）`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deadline {
    /// The day (ending at 24:00, or at close of business where business hours apply).
    pub day: Date,
    /// Set when the end was moved off a non-working day.
    pub rolled: Option<Roll>,
    /// The rule's identifier, e.g. `bid_preparation_days_min`.
    pub rule_id: String,
    /// The rule's legal source, e.g. `招标投标法 第二十四条`.
    pub source: String,
}

impl Deadline {
    /// A period's end, labelled with the rule it was counted under.
    pub fn new(end: PeriodEnd, rule: &Rule) -> Deadline {
        Deadline { day: end.day, rolled: end.rolled, rule_id: rule.id.clone(), source: rule.source.clone() }
    }

    /// The day the end was moved from, if it was.
    pub fn rolled_from(&self) -> Option<Date> {
        self.rolled.as_ref().map(|roll| roll.from)
    }
}

impl fmt::Display for Deadline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}（", chinese_date(self.day))?;
        if let Some(roll) = &self.rolled {
            write!(f, "期间最后一日{}为{}，依民法典第二百零三条顺延；", chinese_date(roll.from), roll.because)?;
        }
        write!(f, "依据：{}）", self.source)
    }
}

/// A day as written in Chinese notices: `2024年10月8日` (no leading zeros).
pub fn chinese_date(date: Date) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

/// The last day of `period` started on `start`.
///
/// The start day is not counted (民法典 第二百零一条). A calendar-day period whose last day is not a
/// working day ends on the next working day (民法典 第二百零三条). Errors when a day the answer depends
/// on lies in a year the calendar does not cover.
pub fn period_end(calendar: &HolidayCalendar, start: Date, period: Period) -> Result<PeriodEnd, DeadlineError> {
    // 民法典 第二百零一条: count from the day after `start`.
    let counted = counted_end(calendar, start, period)?;
    // 民法典 第二百零三条: a last day that is a 法定休假日 moves to the next working day.
    roll(calendar, counted)
}

/// The end of the period `rule` states, counted from `start`: the earliest allowed day for a floor,
/// the latest for a cap.
pub fn deadline(calendar: &HolidayCalendar, start: Date, rule: &Rule) -> Result<Deadline, DeadlineError> {
    let end = period_end(calendar, start, Period::of_rule(rule)?)?;
    Ok(Deadline::new(end, rule))
}

/// The last day by counting alone (民法典 第二百零一条), before any 顺延.
fn counted_end(calendar: &HolidayCalendar, start: Date, period: Period) -> Result<Date, DeadlineError> {
    match period.counting {
        Counting::Calendar => add_days(start, i64::from(period.length)),
        Counting::Working => Ok(calendar.add_working_days(start, period.length)?),
        Counting::Months => add_months(start, period.length),
    }
}

/// `months` months after `day`, clamped to the month's last day (民法典 第二百零二条; jiff constrains
/// the day the same way).
pub(crate) fn add_months(day: Date, months: u32) -> Result<Date, DeadlineError> {
    let out_of_range = || DeadlineError::OutOfRange { from: day, days: i64::from(months) * 31 };
    Span::new().try_months(months).ok().and_then(|span| day.checked_add(span).ok()).ok_or_else(out_of_range)
}

/// `day` itself when it is a working day, else the next working day, with the reason (民法典 第二百零三条).
fn roll(calendar: &HolidayCalendar, day: Date) -> Result<PeriodEnd, DeadlineError> {
    if calendar.is_working_day(day)? {
        return Ok(PeriodEnd { day, rolled: None });
    }
    let because = calendar.holiday_name(day).map_or_else(|| rest_day_name(day).to_owned(), str::to_owned);
    let mut next = day;
    for _ in 0..MAX_ROLL_DAYS {
        next = add_days(next, 1)?;
        if calendar.is_working_day(next)? {
            return Ok(PeriodEnd { day: next, rolled: Some(Roll { from: day, because }) });
        }
    }
    Err(DeadlineError::NoWorkingDay { from: day, limit: MAX_ROLL_DAYS })
}

/// The name of a non-working day that is not a holiday.
fn rest_day_name(day: Date) -> &'static str {
    match day.weekday() {
        Weekday::Saturday => "周六",
        Weekday::Sunday => "周日",
        // Unreachable with a valid calendar: a weekday is a rest day only as a named holiday.
        _ => "休息日",
    }
}

/// `day` moved by `days` (negative: back).
fn add_days(day: Date, days: i64) -> Result<Date, DeadlineError> {
    let out_of_range = || DeadlineError::OutOfRange { from: day, days };
    Span::new().try_days(days).ok().and_then(|span| day.checked_add(span).ok()).ok_or_else(out_of_range)
}

/// How many units of `period`'s kind elapse in the days `(after, through]`; 0 when `through <= after`.
fn elapsed(calendar: &HolidayCalendar, period: Period, after: Date, through: Date) -> Result<u32, DeadlineError> {
    if through <= after {
        return Ok(0);
    }
    match period.counting {
        Counting::Calendar => {
            let days = after.until(through).map_err(|_| DeadlineError::OutOfRange { from: after, days: 0 })?.get_days();
            Ok(u32::try_from(days).unwrap_or(0))
        }
        Counting::Working => {
            let mut count = 0;
            let mut day = after;
            while day < through {
                day = add_days(day, 1)?;
                if calendar.is_working_day(day)? {
                    count += 1;
                }
            }
            Ok(count)
        }
        // Months begun: `through` within `n` months of `after` iff this is at most `n`.
        Counting::Months => {
            let mut months = 0;
            while add_months(after, months)? < through {
                months += 1;
            }
            Ok(months)
        }
    }
}

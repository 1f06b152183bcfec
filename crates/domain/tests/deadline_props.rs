//! Properties of the deadline engine over the covered years, checked against the calendar day by day.
//!
//! Start days are drawn from 2020-01-01..=2026-11-30 and lengths from 0..=30, so every answer stays in
//! the covered years (working-day and suspended clocks start by 2026-10-31 for the same reason).
//! The suspension invariants follow from the definition in `deadline/clock.rs`: the suspension day counts
//! as elapsed and counting resumes the day after the resumption day.

use std::sync::LazyLock;

use ggzy_domain::calendar::HolidayCalendar;
use ggzy_domain::deadline::{
    ClockStatus, DeadlineError, Period, PeriodClock, PeriodEnd, check_cap, check_floor, extend_for_late_amendment,
    latest_day_before, period_end,
};
use ggzy_domain::ruleset::{Bound, Rule, Unit};
use jiff::ToSpan;
use jiff::civil::{Date, date};
use proptest::prelude::*;

static CALENDAR: LazyLock<HolidayCalendar> = LazyLock::new(|| {
    HolidayCalendar::parse_csv(include_str!("../../../data/calendar/holidays.csv")).expect("the official calendar")
});

fn calendar() -> &'static HolidayCalendar {
    &CALENDAR
}

/// Days from 2020-01-01 to `last`.
fn offset(last: Date) -> i32 {
    date(2020, 1, 1).until(last).expect("in range").get_days()
}

fn plus(day: Date, days: i32) -> Date {
    day.checked_add(days.days()).expect("in range")
}

/// A start day from 2020-01-01 to `last`.
fn start_until(last: Date) -> impl Strategy<Value = Date> {
    (0..=offset(last)).prop_map(|days| plus(date(2020, 1, 1), days))
}

fn any_start() -> impl Strategy<Value = Date> {
    start_until(date(2026, 11, 30))
}

fn early_start() -> impl Strategy<Value = Date> {
    start_until(date(2026, 10, 31))
}

fn working(day: Date) -> bool {
    calendar().is_working_day(day).expect("covered")
}

/// Working days in `(after, through]`, counted one by one.
fn working_days_between(after: Date, through: Date) -> u32 {
    let mut count = 0;
    let mut day = after;
    while day < through {
        day = plus(day, 1);
        if working(day) {
            count += 1;
        }
    }
    count
}

fn end(start: Date, period: Period) -> PeriodEnd {
    period_end(calendar(), start, period).expect("covered")
}

fn clock_end(clock: &PeriodClock) -> Result<Date, DeadlineError> {
    match clock.end(calendar())? {
        ClockStatus::Ends(end) => Ok(end.day),
        ClockStatus::Suspended { .. } => panic!("the clock was resumed"),
    }
}

fn period(n: u32, working_days: bool) -> Period {
    if working_days { Period::working_days(n) } else { Period::days(n) }
}

fn rule(n: u32, unit: Unit, bound: Bound) -> Rule {
    Rule {
        id: "r".to_owned(),
        value: i64::from(n),
        denominator: 1,
        unit,
        bound,
        source: "测试 第一条".to_owned(),
        summary: String::new(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// 民法典 201/203: the end is never before S + n; unrolled it is S + n; rolled, it is the first working
    /// day after S + n and every day from S + n up to it is a rest day.
    #[test]
    fn calendar_day_periods_end_on_s_plus_n_or_the_next_working_day(start in any_start(), n in 0u32..=30) {
        let counted = plus(start, i32::try_from(n).expect("small"));
        let end = end(start, Period::days(n));
        prop_assert!(end.day >= counted);
        prop_assert!(working(end.day), "{} is not a working day", end.day);
        match &end.rolled {
            None => prop_assert_eq!(end.day, counted),
            Some(roll) => {
                prop_assert_eq!(roll.from, counted);
                prop_assert!(end.day > counted);
                let mut day = counted;
                while day < end.day {
                    prop_assert!(!working(day), "{} works but was rolled over", day);
                    day = plus(day, 1);
                }
                let expected_reason = calendar().holiday_name(counted).is_some_and(|name| name == roll.because)
                    || ["周六", "周日"].contains(&roll.because.as_str());
                prop_assert!(expected_reason, "reason {}", roll.because);
            }
        }
        prop_assert_eq!(end.counted(), counted);
    }

    /// Working days: exactly n working days in (S, end], the end is one of them, nothing rolls.
    #[test]
    fn working_day_periods_count_exactly_n_working_days(start in early_start(), n in 1u32..=30) {
        let end = end(start, Period::working_days(n));
        prop_assert_eq!(working_days_between(start, end.day), n);
        prop_assert!(working(end.day));
        prop_assert!(end.rolled.is_none());
    }

    /// A longer period never ends earlier, and a later start never ends earlier.
    #[test]
    fn ends_are_monotonic(start in early_start(), n in 0u32..30, later in 0i32..=10, wd in any::<bool>()) {
        let shorter = end(start, period(n, wd)).day;
        let longer = end(start, period(n + 1, wd)).day;
        prop_assert!(shorter <= longer, "{} then {}", shorter, longer);
        prop_assert!(shorter <= end(plus(start, later), period(n, wd)).day);
    }

    /// Suspended and resumed on the same day X, anywhere from S to the unsuspended end E (its 顺延 tail
    /// included): the end stays E. The day X ran, and counting restarts the day after X, so no day is
    /// lost or gained; in the tail nothing is left and the remainder of 0 rolls to E again.
    #[test]
    fn a_zero_length_suspension_changes_nothing(
        start in early_start(), n in 0u32..=30, at in 0i32..=45, wd in any::<bool>(),
    ) {
        let unsuspended = end(start, period(n, wd)).day;
        let x = plus(start, at);
        prop_assume!(x <= unsuspended);
        let mut clock = PeriodClock::new(start, period(n, wd));
        clock.suspend(x).expect("suspend");
        clock.resume(x).expect("resume");
        prop_assert_eq!(clock_end(&clock), Ok(unsuspended));
    }

    /// A suspension never makes the end earlier; for calendar days stopped by S + n, the counted last day
    /// moves by exactly the suspension's length Y - X.
    #[test]
    fn a_suspension_only_pushes_the_end_out(
        start in early_start(), n in 0u32..=30, at in 0i32..=45, length in 0i32..=20, wd in any::<bool>(),
    ) {
        let unsuspended = end(start, period(n, wd));
        let (x, y) = (plus(start, at), plus(start, at + length));
        prop_assume!(x <= unsuspended.day);
        let mut clock = PeriodClock::new(start, period(n, wd));
        clock.suspend(x).expect("suspend");
        let ran = if wd { working_days_between(start, x) } else { u32::try_from(at).expect("positive") };
        let stopped = ClockStatus::Suspended { since: x, remaining: n.saturating_sub(ran) };
        prop_assert_eq!(clock.end(calendar()), Ok(stopped));
        clock.resume(y).expect("resume");
        let ClockStatus::Ends(suspended) = clock.end(calendar()).expect("covered") else { panic!("resumed") };
        prop_assert!(suspended.day >= unsuspended.day);
        if !wd && x <= unsuspended.counted() {
            prop_assert_eq!(suspended.counted(), plus(unsuspended.counted(), length));
        }
    }

    /// Two suspensions in a row equal one suspension followed by a fresh clock for what was left.
    #[test]
    fn suspensions_compose(
        start in early_start(), n in 0u32..=30, a in 0i32..=15, b in 0i32..=5, c in 0i32..=15, d in 0i32..=5,
        wd in any::<bool>(),
    ) {
        let (x1, y1) = (plus(start, a), plus(start, a + b));
        let (x2, y2) = (plus(y1, c), plus(y1, c + d));
        prop_assume!(x1 <= end(start, period(n, wd)).day);
        let mut clock = PeriodClock::new(start, period(n, wd));
        clock.suspend(x1).expect("suspend");
        clock.resume(y1).expect("resume");
        let Ok(ClockStatus::Ends(after_first)) = clock.end(calendar()) else { panic!("covered and resumed") };
        prop_assume!(x2 <= after_first.day);
        clock.suspend(x2).expect("suspend");
        clock.resume(y2).expect("resume");
        let ran = if wd { working_days_between(start, x1) } else { u32::try_from(a).expect("positive") };
        let mut rest = PeriodClock::new(y1, period(n.saturating_sub(ran), wd));
        rest.suspend(x2).expect("suspend");
        rest.resume(y2).expect("resume");
        prop_assert_eq!(clock_end(&clock), clock_end(&rest));
    }

    /// A suspension after the end (with 顺延) is refused, naming the end.
    #[test]
    fn a_suspension_after_the_end_is_an_error(
        start in early_start(), n in 0u32..=30, after in 1i32..=10, wd in any::<bool>(),
    ) {
        let unsuspended = end(start, period(n, wd)).day;
        let x = plus(unsuspended, after);
        let mut clock = PeriodClock::new(start, period(n, wd));
        clock.suspend(x).expect("recorded");
        let refused = DeadlineError::SuspendedAfterEnd { suspended: x, end: unsuspended };
        prop_assert_eq!(clock.end(calendar()), Err(refused));
    }

    /// 民法典 1259: a floor accepts exactly the days on or after the earliest legal day, and the earliest day
    /// is the period's end with 顺延.
    #[test]
    fn floors_accept_exactly_the_days_from_the_earliest(
        start in any_start(), n in 0u32..=30, shift in -5i32..=45, wd in any::<bool>(),
    ) {
        prop_assume!(!wd || start <= date(2026, 10, 31));
        let unit = if wd { Unit::WorkingDays } else { Unit::CalendarDays };
        let earliest = end(start, period(n, wd)).day;
        let proposed = plus(start, shift);
        match check_floor(calendar(), start, proposed, &rule(n, unit, Bound::Floor)) {
            Ok(deadline) => {
                prop_assert!(proposed >= earliest);
                prop_assert_eq!(deadline.day, earliest);
            }
            Err(DeadlineError::TooEarly { earliest: refused, .. }) => {
                prop_assert!(proposed < earliest);
                prop_assert_eq!(refused.day, earliest);
            }
            Err(other) => prop_assert!(false, "unexpected {}", other),
        }
    }

    /// A cap accepts exactly the days from the start event to the latest legal day.
    #[test]
    fn caps_accept_exactly_the_days_up_to_the_latest(start in any_start(), n in 0u32..=30, shift in -5i32..=45) {
        let latest = end(start, Period::days(n)).day;
        let proposed = plus(start, shift);
        let result = check_cap(calendar(), start, proposed, &rule(n, Unit::CalendarDays, Bound::Cap));
        prop_assert_eq!(result.is_ok(), start <= proposed && proposed <= latest);
    }

    /// 法 23 / 条例 21: a clarification is in time iff it is issued by `latest_day_before`; a late one moves
    /// the deadline to the period's end counted from the issue day, which is later than the old deadline.
    #[test]
    fn late_clarifications_extend_to_the_period_end(
        deadline in start_until(date(2026, 10, 31)), n in 0u32..=30, before in -5i32..=40, wd in any::<bool>(),
    ) {
        let unit = if wd { Unit::WorkingDays } else { Unit::CalendarDays };
        let rule = rule(n, unit, Bound::Floor);
        let issue = plus(deadline, -before);
        prop_assume!(issue >= date(2020, 1, 1));
        let Ok(latest) = latest_day_before(calendar(), deadline, &rule) else {
            // Counting back reached 2019, which the calendar does not cover.
            return Ok(());
        };
        let extension = extend_for_late_amendment(calendar(), issue, deadline, &rule).expect("covered");
        prop_assert_eq!(extension.extended, issue > latest);
        if extension.extended {
            prop_assert!(extension.deadline.day > deadline);
            prop_assert_eq!(extension.deadline.day, end(issue, period(n, wd)).day);
        } else {
            prop_assert_eq!(extension.deadline.day, deadline);
            prop_assert!(end(issue, period(n, wd)).counted() <= deadline);
        }
    }
}

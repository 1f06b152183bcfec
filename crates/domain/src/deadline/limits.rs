//! Checking a chosen day against a rule: floors (不得少于), caps (不得超过) and periods counted
//! backward from a deadline (至少N日前), whose breach pushes the deadline out (顺延) rather than
//! refusing the clarification (条例 第二十一条; RULES §0.5).

use jiff::Span;
use jiff::civil::Date;

use super::{Deadline, DeadlineError, Period, add_days, add_months, counted_end, deadline, elapsed, roll};
use crate::calendar::HolidayCalendar;
use crate::ruleset::{Bound, Rule, Unit};

/// Checks a day chosen for the end event against a floor (`不得少于N日`) counted from `start`.
///
/// The earliest legal day is the period's end with 顺延 applied: ending on a holiday that counting
/// reaches is ending before the period legally ends (民法典 第二百零三条), so it is refused. The earliest
/// day itself is allowed (民法典 第一千二百五十九条). On success returns that earliest day; on failure
/// [`DeadlineError::TooEarly`] carries it with the rule and its source.
///
/// Example (招标投标法 第二十四条): documents issued 2024-09-12, 20 d: counting reaches 2024-10-02 (国庆节),
/// so the earliest bid deadline is 2024-10-08 and 2024-10-05 is refused.
pub fn check_floor(
    calendar: &HolidayCalendar,
    start: Date,
    proposed_end: Date,
    rule: &Rule,
) -> Result<Deadline, DeadlineError> {
    require_bound(rule, Bound::Floor)?;
    let earliest = deadline(calendar, start, rule)?;
    if proposed_end < earliest.day {
        return Err(DeadlineError::TooEarly { proposed: proposed_end, earliest });
    }
    Ok(earliest)
}

/// Checks a day chosen for an act against a cap (`不得超过N日` / `N日内`) counted from `start`.
///
/// The latest legal day is the period's end with 顺延 applied (民法典 第二百零三条); it is itself allowed
/// (民法典 第一千二百五十九条), and so is `start`. A day before `start` is refused as a data error. On
/// success returns the latest day; on failure [`DeadlineError::TooLate`] carries it with the rule.
pub fn check_cap(
    calendar: &HolidayCalendar,
    start: Date,
    proposed: Date,
    rule: &Rule,
) -> Result<Deadline, DeadlineError> {
    require_bound(rule, Bound::Cap)?;
    if proposed < start {
        return Err(DeadlineError::BeforeStart { start, proposed, rule_id: rule.id.clone() });
    }
    let latest = deadline(calendar, start, rule)?;
    if proposed > latest.day {
        return Err(DeadlineError::TooLate { proposed, latest });
    }
    Ok(latest)
}

/// Whether an act on `act` keeps a cap counted from `start`. Decidable whenever the days up to
/// `act` are in the calendar, even when the period's last day is not yet (a 30-working-day period
/// reaching an uncovered year): up to `n` units elapsed is in time; beyond, only a 顺延 day can be.
pub fn within_cap(calendar: &HolidayCalendar, start: Date, act: Date, rule: &Rule) -> Result<bool, DeadlineError> {
    require_bound(rule, Bound::Cap)?;
    let period = Period::of_rule(rule)?;
    if elapsed(calendar, period, start, act)? <= period.length() {
        return Ok(true);
    }
    Ok(act <= deadline(calendar, start, rule)?.day)
}

/// The last day an act may happen to be at least the rule's period before `deadline_day` (至少N日前,
/// 招标投标法 第二十三条, 条例 第二十一条、第二十二条).
///
/// An act on day `I` is in time iff the period counted from `I` (民法典 第二百零一条) reaches no later
/// than `deadline_day`; nothing rolls when counting backward. For calendar days that is
/// `deadline_day - n`; for working days it is the day before the `n`th working day counted back from
/// `deadline_day` (inclusive). The rule must be a floor.
pub fn latest_day_before(calendar: &HolidayCalendar, deadline_day: Date, rule: &Rule) -> Result<Date, DeadlineError> {
    require_bound(rule, Bound::Floor)?;
    let period = Period::of_rule(rule)?;
    match period.unit() {
        Unit::WorkingDays if period.length() > 0 => {
            let mut counted = 0;
            let mut day = deadline_day;
            // Bounded: every step asks the calendar, which errors once it leaves the covered years.
            loop {
                if calendar.is_working_day(day)? {
                    counted += 1;
                    if counted == period.length() {
                        return add_days(day, -1);
                    }
                }
                day = add_days(day, -1)?;
            }
        }
        Unit::Months => {
            // The latest day whose months still reach no later than `deadline_day`.
            let months = i64::from(period.length());
            let mut day = Span::new()
                .try_months(-months)
                .ok()
                .and_then(|span| deadline_day.checked_add(span).ok())
                .ok_or(DeadlineError::OutOfRange { from: deadline_day, days: -months * 31 })?;
            while add_months(add_days(day, 1)?, period.length())? <= deadline_day {
                day = add_days(day, 1)?;
            }
            while add_months(day, period.length())? > deadline_day {
                day = add_days(day, -1)?;
            }
            Ok(day)
        }
        _ => add_days(deadline_day, -i64::from(period.length())),
    }
}

/// What a clarification or amendment (澄清或者修改) does to the deadline it must precede.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extension {
    /// The deadline to use: unchanged when the clarification was in time, else the earliest day that
    /// keeps the rule (the tenderer may choose a later one), with its 顺延 reason, rule and source.
    pub deadline: Deadline,
    /// Whether the deadline had to be pushed out (顺延).
    pub extended: bool,
}

/// Applies a rule like "clarifications that may affect bid preparation are issued at least 15 d before
/// the bid deadline; if not, the deadline is pushed out" (招标投标法 第二十三条, 条例 第二十一条).
///
/// A clarification issued on `issue_day` is in time iff the period counted from it (民法典 第二百零一条)
/// reaches no later than `current_deadline_day` (no rolling backward). If it is late, the clarification
/// stands and the deadline moves to the period's end counted from `issue_day`, with 顺延 if that day is
/// not a working day (民法典 第二百零三条; RULES §0.5). The rule must be a floor.
pub fn extend_for_late_amendment(
    calendar: &HolidayCalendar,
    issue_day: Date,
    current_deadline_day: Date,
    rule: &Rule,
) -> Result<Extension, DeadlineError> {
    require_bound(rule, Bound::Floor)?;
    let counted = counted_end(calendar, issue_day, Period::of_rule(rule)?)?;
    if counted <= current_deadline_day {
        let unchanged =
            Deadline { day: current_deadline_day, rolled: None, rule_id: rule.id.clone(), source: rule.source.clone() };
        return Ok(Extension { deadline: unchanged, extended: false });
    }
    Ok(Extension { deadline: Deadline::new(roll(calendar, counted)?, rule), extended: true })
}

fn require_bound(rule: &Rule, expected: Bound) -> Result<(), DeadlineError> {
    if rule.bound == expected {
        Ok(())
    } else {
        Err(DeadlineError::WrongBound { rule: rule.id.clone(), expected, found: rule.bound })
    }
}

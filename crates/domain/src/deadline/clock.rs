//! A period that an objection can stop: "作出答复前，应当暂停招标投标活动" (条例 第二十二条、第五十四条).
//!
//! The statute says the activity stops until the reply but not how the days are counted around the
//! stop, so the definition is fixed here, once:
//!
//! - The suspension day `X` counts as elapsed: the clock ran on `X` (the objection arrives during it).
//! - The resumption day `Y` does not count: counting resumes the day after `Y`, as if `Y` were a new
//!   start day (民法典 第二百零一条, start day not counted).
//! - What is left is `n` minus the days (or working days) elapsed in `(S, X]`, never below 0; with
//!   several suspensions, minus the units elapsed in every running stretch `(S, X1]`, `(Y1, X2]`, ...
//! - The end is the end of the remaining length counted from the last `Y`, rolled forward off a
//!   non-working day for calendar days (民法典 第二百零三条). A remainder of 0 ends on `Y` itself, or the
//!   next working day.
//! - While a suspension is open the period has no end ([`ClockStatus::Suspended`]).
//! - A suspension after the period ended (after its end with 顺延) is an error, not ignored.
//!
//! Consequences (checked in `tests/deadline_props.rs`): suspending and resuming on the same day `X`,
//! anywhere from `S` to the unsuspended end `E`, leaves the end at `E`; a suspension never makes the end
//! earlier; for calendar days a suspension `X..Y` with `X <= S + n` moves the counted last day by
//! exactly `Y - X` days.

use jiff::civil::Date;

use super::{DeadlineError, Period, PeriodEnd, chinese_date, elapsed, period_end};
use crate::calendar::HolidayCalendar;

/// The most suspensions one clock records: far above any real procedure, and a bound on the work.
const MAX_SUSPENSIONS: usize = 64;

/// One stop of the clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Suspension {
    /// The day the clock stopped (it still counts as elapsed).
    pub suspended: Date,
    /// The day counting resumed (counting restarts the day after), or `None` while still stopped.
    pub resumed: Option<Date>,
}

/// A running period that can be suspended and resumed, e.g. the bid-preparation period while an
/// objection to the tender documents is answered. See the module documentation for how days count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodClock {
    start: Date,
    period: Period,
    suspensions: Vec<Suspension>,
}

/// Where a clock stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClockStatus {
    /// Running or finished: the period ends on this day.
    Ends(PeriodEnd),
    /// Stopped (暂停中): no end until counting resumes.
    Suspended {
        /// The day it stopped.
        since: Date,
        /// Days or working days left when it stopped.
        remaining: u32,
    },
}

impl ClockStatus {
    /// The end, unless the clock is stopped.
    pub fn end(&self) -> Option<&PeriodEnd> {
        match self {
            ClockStatus::Ends(end) => Some(end),
            ClockStatus::Suspended { .. } => None,
        }
    }
}

/// Why a suspension or resumption is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    /// Suspended while already suspended.
    #[error("期间已于{}暂停，请先恢复计算再暂停", chinese_date(*.since))]
    AlreadySuspended {
        /// The day of the open suspension.
        since: Date,
    },
    /// Resumed while running.
    #[error("期间未暂停，不能恢复计算")]
    NotSuspended,
    /// Resumed before the day it was suspended.
    #[error("恢复计算日期{}早于暂停日期{}，请核对日期", chinese_date(*.resumed), chinese_date(*.suspended))]
    ResumeBeforeSuspend {
        /// The day of the suspension.
        suspended: Date,
        /// The proposed resumption day.
        resumed: Date,
    },
    /// Suspended before the period started.
    #[error("暂停日期{}早于期间起算日{}，请核对日期", chinese_date(*.day), chinese_date(*.start))]
    SuspendBeforeStart {
        /// The period's start day.
        start: Date,
        /// The proposed suspension day.
        day: Date,
    },
    /// Suspended before the previous resumption.
    #[error("暂停日期{}早于上次恢复计算日期{}，请核对日期", chinese_date(*.day), chinese_date(*.resumed))]
    SuspendBeforeResume {
        /// The previous resumption day.
        resumed: Date,
        /// The proposed suspension day.
        day: Date,
    },
    /// More suspensions than any real procedure has.
    #[error("暂停次数超过{limit}次，请核对记录")]
    TooManySuspensions {
        /// The limit.
        limit: usize,
    },
}

impl PeriodClock {
    /// A clock for `period` counted from `start`, not suspended.
    pub fn new(start: Date, period: Period) -> PeriodClock {
        PeriodClock { start, period, suspensions: Vec::new() }
    }

    /// The start day (not counted).
    pub fn start(&self) -> Date {
        self.start
    }

    /// The full period.
    pub fn period(&self) -> Period {
        self.period
    }

    /// The suspensions so far, oldest first.
    pub fn suspensions(&self) -> &[Suspension] {
        &self.suspensions
    }

    /// Whether the clock is stopped now.
    pub fn is_suspended(&self) -> bool {
        self.suspensions.last().is_some_and(|last| last.resumed.is_none())
    }

    /// Stops the clock on `day` (which still counts as elapsed). Refused while stopped, before the
    /// start day or before the last resumption. Whether the period had already ended is only known
    /// with the calendar: [`PeriodClock::end`] reports that.
    pub fn suspend(&mut self, day: Date) -> Result<(), ClockError> {
        match self.suspensions.last() {
            Some(Suspension { suspended, resumed: None }) => {
                return Err(ClockError::AlreadySuspended { since: *suspended });
            }
            Some(Suspension { resumed: Some(resumed), .. }) if day < *resumed => {
                return Err(ClockError::SuspendBeforeResume { resumed: *resumed, day });
            }
            _ if day < self.start => return Err(ClockError::SuspendBeforeStart { start: self.start, day }),
            _ if self.suspensions.len() >= MAX_SUSPENSIONS => {
                return Err(ClockError::TooManySuspensions { limit: MAX_SUSPENSIONS });
            }
            _ => {}
        }
        self.suspensions.push(Suspension { suspended: day, resumed: None });
        Ok(())
    }

    /// Restarts the clock: counting resumes the day after `day`. Refused when not stopped or before
    /// the day it stopped (the same day is allowed).
    pub fn resume(&mut self, day: Date) -> Result<(), ClockError> {
        let Some(open) = self.suspensions.last_mut().filter(|last| last.resumed.is_none()) else {
            return Err(ClockError::NotSuspended);
        };
        if day < open.suspended {
            return Err(ClockError::ResumeBeforeSuspend { suspended: open.suspended, resumed: day });
        }
        open.resumed = Some(day);
        Ok(())
    }

    /// Where the clock stands: the end day (with 顺延 for calendar days), or stopped.
    ///
    /// Errors when a suspension lies after the day the period had already ended
    /// ([`DeadlineError::SuspendedAfterEnd`]) or a day needed is outside the calendar.
    pub fn end(&self, calendar: &HolidayCalendar) -> Result<ClockStatus, DeadlineError> {
        let mut from = self.start;
        let mut remaining = self.period.length();
        for suspension in &self.suspensions {
            let end = period_end(calendar, from, self.period.with_length(remaining))?;
            if suspension.suspended > end.day {
                return Err(DeadlineError::SuspendedAfterEnd { suspended: suspension.suspended, end: end.day });
            }
            // 条例 第二十二条: the suspension day itself ran; the rest waits for the reply.
            let ran = elapsed(calendar, self.period, from, suspension.suspended)?;
            remaining = remaining.saturating_sub(ran);
            match suspension.resumed {
                Some(resumed) => from = resumed,
                None => return Ok(ClockStatus::Suspended { since: suspension.suspended, remaining }),
            }
        }
        Ok(ClockStatus::Ends(period_end(calendar, from, self.period.with_length(remaining))?))
    }
}

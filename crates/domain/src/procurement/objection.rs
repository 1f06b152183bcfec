//! The clocks of supplier questions, objections and complaints (询问、质疑、投诉; RULES.md §2.6), as pure
//! functions over the deadline engine ([`crate::deadline`]): every period is a rule of the pinned
//! ruleset counted on the holiday calendar, and every answer carries its rule and article.
//!
//! Names: the glossary calls 质疑 an objection (`Objection`, as 异议 in tendering) and 询价 an inquiry, so
//! 询问 is a *question* here. The API error code of a late 质疑 stays `challenge_out_of_time`, as issue #9
//! specifies it.
//!
//! The construction objection (异议) counts calendar days before a deadline and has no counterpart
//! here; government procurement counts working days from the day the supplier knew (or should have
//! known), which 条例 第五十三条 fixes by what is objected to ([`ObjectionSubject`]).
//!
//! The complaint decision clock (30 WD from receipt) excludes testing, expert review and correction
//! time (条例 第五十八条): it is a [`PeriodClock`] the caller suspends and resumes.

use jiff::civil::Date;

use super::rules::ProcurementRules;
use crate::calendar::HolidayCalendar;
use crate::deadline::{Deadline, DeadlineError, Period, PeriodClock, check_cap, chinese_date, deadline};

/// What an objection is about, and the day the supplier is deemed to know (条例 第五十三条).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectionSubject {
    /// The procurement documents: the day they were received, or the day their notice period ended
    /// (give the one that applies).
    Documents {
        /// That day.
        known_on: Date,
    },
    /// A step of the procedure: the day the step ended.
    Process {
        /// That day.
        step_ended_on: Date,
    },
    /// The result: the day the result's notice period ended.
    Result {
        /// That day.
        publicity_ended_on: Date,
    },
}

impl ObjectionSubject {
    /// The day the seven working days run from.
    pub fn known_on(self) -> Date {
        match self {
            ObjectionSubject::Documents { known_on } => known_on,
            ObjectionSubject::Process { step_ended_on } => step_ended_on,
            ObjectionSubject::Result { publicity_ended_on } => publicity_ended_on,
        }
    }
}

/// Why an objection or complaint is refused, or its clock cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ObjectionError {
    /// An objection after its last day.
    #[error("质疑已超过法定期限：应当在{}前提出，提出日期为{}（依据：{}）", chinese_date(.last_day.day), chinese_date(*.filed), .last_day.source)]
    ObjectionOutOfTime {
        /// The last allowed day, with its rule.
        last_day: Deadline,
        /// The day it was filed.
        filed: Date,
    },
    /// A complaint after its last day.
    #[error("投诉已超过法定期限：应当在{}前提出，提出日期为{}（依据：{}）", chinese_date(.last_day.day), chinese_date(*.filed), .last_day.source)]
    ComplaintOutOfTime {
        /// The last allowed day, with its rule.
        last_day: Deadline,
        /// The day it was filed.
        filed: Date,
    },
    /// A suspension longer than the cap.
    #[error("暂停采购活动最长不得超过{days}日：最迟应于{}恢复（依据：{}）", chinese_date(.latest.day), .latest.source)]
    SuspensionTooLong {
        /// The cap, days.
        days: i64,
        /// The latest day to resume, with its rule.
        latest: Deadline,
    },
    /// The calendar or the rule does not allow the computation.
    #[error(transparent)]
    Deadline(#[from] DeadlineError),
}

impl ObjectionError {
    /// Stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            ObjectionError::ObjectionOutOfTime { .. } => "challenge_out_of_time",
            ObjectionError::ComplaintOutOfTime { .. } => "complaint_out_of_time",
            ObjectionError::SuspensionTooLong { .. } => "suspension_too_long",
            ObjectionError::Deadline(_) => "deadline_not_computable",
        }
    }
}

/// The last day to answer a question (询问) received on `received` (条例 第五十二条: 3 WD).
///
/// # Errors
/// A day outside the calendar.
pub fn question_reply_deadline(
    calendar: &HolidayCalendar,
    rules: &ProcurementRules,
    received: Date,
) -> Result<Deadline, DeadlineError> {
    deadline(calendar, received, &rules.objections.question_reply)
}

/// The last day to object (质疑, 政府采购法 第五十二条: 7 WD from the day known).
///
/// # Errors
/// A day outside the calendar.
pub fn objection_deadline(
    calendar: &HolidayCalendar,
    rules: &ProcurementRules,
    subject: ObjectionSubject,
) -> Result<Deadline, DeadlineError> {
    deadline(calendar, subject.known_on(), &rules.objections.objection)
}

/// Accepts an objection filed on `filed` if it is within the period; returns the last day.
///
/// # Errors
/// [`ObjectionError::ObjectionOutOfTime`] with the last allowed day, or a calendar error.
pub fn check_objection(
    calendar: &HolidayCalendar,
    rules: &ProcurementRules,
    subject: ObjectionSubject,
    filed: Date,
) -> Result<Deadline, ObjectionError> {
    let last_day = objection_deadline(calendar, rules, subject)?;
    if filed > last_day.day {
        return Err(ObjectionError::ObjectionOutOfTime { last_day, filed });
    }
    Ok(last_day)
}

/// The last day to reply to an objection received on `received` (政府采购法 第五十三条: 7 WD).
///
/// # Errors
/// A day outside the calendar.
pub fn objection_reply_deadline(
    calendar: &HolidayCalendar,
    rules: &ProcurementRules,
    received: Date,
) -> Result<Deadline, DeadlineError> {
    deadline(calendar, received, &rules.objections.objection_reply)
}

/// The last day to complain (政府采购法 第五十五条: 15 WD after the reply period ends, whether or not a
/// reply came). `reply_period_end` is the last day of the reply period
/// ([`objection_reply_deadline`]).
///
/// # Errors
/// A day outside the calendar.
pub fn complaint_deadline(
    calendar: &HolidayCalendar,
    rules: &ProcurementRules,
    reply_period_end: Date,
) -> Result<Deadline, DeadlineError> {
    deadline(calendar, reply_period_end, &rules.objections.complaint)
}

/// Accepts a complaint filed on `filed` if it is within the period; returns the last day.
///
/// # Errors
/// [`ObjectionError::ComplaintOutOfTime`] with the last allowed day, or a calendar error.
pub fn check_complaint(
    calendar: &HolidayCalendar,
    rules: &ProcurementRules,
    reply_period_end: Date,
    filed: Date,
) -> Result<Deadline, ObjectionError> {
    let last_day = complaint_deadline(calendar, rules, reply_period_end)?;
    if filed > last_day.day {
        return Err(ObjectionError::ComplaintOutOfTime { last_day, filed });
    }
    Ok(last_day)
}

/// The review of a complaint is due, from the day it was received (94号令 第二十一条: 5 WD).
///
/// # Errors
/// A day outside the calendar.
pub fn complaint_review_deadline(
    calendar: &HolidayCalendar,
    rules: &ProcurementRules,
    received: Date,
) -> Result<Deadline, DeadlineError> {
    deadline(calendar, received, &rules.objections.complaint_review)
}

/// The copy to the respondents is due if the complaint is admissible (94号令 第二十一条: 8 WD).
///
/// # Errors
/// A day outside the calendar.
pub fn complaint_copy_deadline(
    calendar: &HolidayCalendar,
    rules: &ProcurementRules,
    received: Date,
) -> Result<Deadline, DeadlineError> {
    deadline(calendar, received, &rules.objections.complaint_copy)
}

/// The decision clock as a [`PeriodClock`], to be suspended for testing, expert review and
/// correction (条例 第五十八条).
///
/// # Errors
/// A decision rule that is not a period.
pub fn complaint_decision_clock(rules: &ProcurementRules, received: Date) -> Result<PeriodClock, DeadlineError> {
    Ok(PeriodClock::new(received, Period::of_rule(&rules.objections.complaint_decision)?))
}

/// The last day for a respondent to answer, from the day it received the copy (94号令 第二十二条: 5 WD).
///
/// # Errors
/// A day outside the calendar.
pub fn complaint_answer_deadline(
    calendar: &HolidayCalendar,
    rules: &ProcurementRules,
    copy_received: Date,
) -> Result<Deadline, DeadlineError> {
    deadline(calendar, copy_received, &rules.objections.complaint_answer)
}

/// Checks a suspension of the procurement during a complaint (政府采购法 第五十七条: at most 30 d),
/// from `suspended_on` to `resumed_on`; returns the latest day to resume.
///
/// # Errors
/// [`ObjectionError::SuspensionTooLong`], or a calendar error.
pub fn check_suspension(
    calendar: &HolidayCalendar,
    rules: &ProcurementRules,
    suspended_on: Date,
    resumed_on: Date,
) -> Result<Deadline, ObjectionError> {
    let rule = &rules.objections.suspension;
    match check_cap(calendar, suspended_on, resumed_on, rule) {
        Ok(latest) => Ok(latest),
        Err(DeadlineError::TooLate { latest, .. }) => {
            Err(ObjectionError::SuspensionTooLong { days: rule.value, latest })
        }
        Err(other) => Err(other.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::rules::fixture;
    use super::*;

    fn calendar() -> HolidayCalendar {
        HolidayCalendar::parse_csv(include_str!("../../../../data/calendar/holidays.csv"))
            .expect("the official calendar")
    }

    fn day(text: &str) -> Date {
        text.parse().expect("a date")
    }

    #[test]
    fn objection_and_complaint_clocks_by_hand() {
        let (calendar, rules) = (calendar(), fixture::rules());
        // Result notice period ends Friday 2024-09-27. Seven working days after it (the day itself not
        // counted): 9-28 (Sat) rests; 9-29 (Sun, 调休 working day) is 1, 9-30 (Mon) 2; 10-01..10-07 are
        // 国庆节; 10-08 (Tue) 3, 10-09 4, 10-10 5, 10-11 6, 10-12 (Sat, 调休 working day) 7.
        // Last day: 2024-10-12.
        let subject = ObjectionSubject::Result { publicity_ended_on: day("2024-09-27") };
        let last = objection_deadline(&calendar, &rules, subject).expect("covered");
        assert_eq!(last.day, day("2024-10-12"));
        assert!(last.source.contains("第五十二条"));
        assert!(check_objection(&calendar, &rules, subject, day("2024-10-12")).is_ok());
        let late =
            check_objection(&calendar, &rules, subject, day("2024-10-14")).expect_err("the next working day is late");
        assert_eq!(late.code(), "challenge_out_of_time");
        assert!(late.to_string().contains("2024年10月12日"), "{late}");
        // Reply within 7 WD of receipt on 2024-10-14: 10-15..10-18 (4), 10-21..10-23 (7): 2024-10-23.
        let reply = objection_reply_deadline(&calendar, &rules, day("2024-10-14")).expect("covered");
        assert_eq!(reply.day, day("2024-10-23"));
        // Complaint within 15 WD after 2024-10-23: 10-24,25 (2), 10-28..11-01 (7), 11-04..08 (12),
        // 11-11,12,13 (15): 2024-11-13.
        let complaint = complaint_deadline(&calendar, &rules, reply.day).expect("covered");
        assert_eq!(complaint.day, day("2024-11-13"));
        assert_eq!(
            check_complaint(&calendar, &rules, reply.day, day("2024-11-14")).map_err(|e| e.code()),
            Err("complaint_out_of_time")
        );
        // Question reply: 3 WD after Thursday 2024-10-24: 10-25, 10-28, 10-29.
        assert_eq!(question_reply_deadline(&calendar, &rules, day("2024-10-24")).map(|d| d.day), Ok(day("2024-10-29")));
    }

    #[test]
    fn the_finance_department_clocks() {
        let (calendar, rules) = (calendar(), fixture::rules());
        // Received Monday 2024-11-04: review 5 WD → 11-11; copy 8 WD → 11-14; decision 30 WD → 12-16.
        let received = day("2024-11-04");
        let review = complaint_review_deadline(&calendar, &rules, received).expect("covered");
        let copy = complaint_copy_deadline(&calendar, &rules, received).expect("covered");
        assert_eq!((review.day, copy.day), (day("2024-11-11"), day("2024-11-14")));
        let decision = deadline(&calendar, received, &rules.objections.complaint_decision).expect("covered");
        assert_eq!(decision.day, day("2024-12-16"));
        // Expert review from 11-20 to 11-27 stops the clock: 5 working days later (11-21,22,25,26,27).
        let mut clock = complaint_decision_clock(&rules, day("2024-11-04")).expect("a period");
        clock.suspend(day("2024-11-20")).expect("suspend");
        clock.resume(day("2024-11-27")).expect("resume");
        let end = clock.end(&calendar).expect("covered");
        assert_eq!(end.end().map(|e| e.day), Some(day("2024-12-23")));
        assert_eq!(
            complaint_answer_deadline(&calendar, &rules, day("2024-11-14")).map(|d| d.day),
            Ok(day("2024-11-21"))
        );
        // Suspension: at most 30 d from 2024-11-05 → 12-05 (Thursday).
        assert!(check_suspension(&calendar, &rules, day("2024-11-05"), day("2024-12-05")).is_ok());
        let long = check_suspension(&calendar, &rules, day("2024-11-05"), day("2024-12-06")).expect_err("31 d");
        assert_eq!(long.code(), "suspension_too_long");
    }
}

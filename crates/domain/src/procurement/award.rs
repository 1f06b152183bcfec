//! The purchaser's award decision (确定中标、成交供应商, 条例 第四十三条): within 5 working days of receiving
//! the evaluation report, the purchaser picks the winner from the candidates in rank order; if it
//! neither picks nor gives a lawful reason by then, the first-ranked candidate is deemed chosen.
//!
//! Pure: "today" is an argument. The caller records the deemed choice as an event on the first day
//! after the last day, citing the rule this returns.

use jiff::civil::Date;

use super::rules::ProcurementRules;
use crate::calendar::HolidayCalendar;
use crate::deadline::{Deadline, DeadlineError, deadline};

/// Where the award decision stands on a given day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AwardDecisionStatus {
    /// Still open: the purchaser may decide until the last day.
    Open {
        /// The last day, with its rule.
        last_day: Deadline,
    },
    /// The period ran out without a decision or a lawful reason: the first-ranked candidate is
    /// deemed chosen (视为确定排名第一的候选人).
    DeemedFirstRanked {
        /// The last day that passed, with its rule.
        last_day: Deadline,
    },
}

/// The status on `today` of an award decision whose report was received on `report_received`, when
/// the purchaser has neither decided nor stated a lawful reason for the delay.
///
/// # Errors
/// A day outside the calendar.
pub fn award_decision_status(
    calendar: &HolidayCalendar,
    rules: &ProcurementRules,
    report_received: Date,
    today: Date,
) -> Result<AwardDecisionStatus, DeadlineError> {
    let last_day = deadline(calendar, report_received, &rules.periods.award_decision)?;
    Ok(if today > last_day.day {
        AwardDecisionStatus::DeemedFirstRanked { last_day }
    } else {
        AwardDecisionStatus::Open { last_day }
    })
}

#[cfg(test)]
mod tests {
    use super::super::rules::fixture;
    use super::*;

    #[test]
    fn the_first_ranked_is_deemed_chosen_after_five_working_days() {
        let calendar =
            HolidayCalendar::parse_csv(include_str!("../../../../data/calendar/holidays.csv")).expect("the calendar");
        let rules = fixture::rules();
        let day = |text: &str| -> Date { text.parse().expect("a date") };
        // Report received Thursday 2024-09-26: 9-27 (1), 9-29 (Sunday, 调休 working day, 2), 9-30 (3),
        // 国庆节 10-01..07, 10-08 (4), 10-09 (5). Last day 2024-10-09.
        let open = award_decision_status(&calendar, &rules, day("2024-09-26"), day("2024-10-09")).expect("covered");
        assert!(matches!(&open, AwardDecisionStatus::Open { last_day } if last_day.day == day("2024-10-09")));
        let deemed = award_decision_status(&calendar, &rules, day("2024-09-26"), day("2024-10-10")).expect("covered");
        assert!(
            matches!(&deemed, AwardDecisionStatus::DeemedFirstRanked { last_day } if last_day.source.contains("第四十三条"))
        );
    }
}

//! Which period of the ruleset governs which step of which method (RULES.md §2.2), so the caller counts
//! it with the deadline engine ([`crate::deadline`]) instead of choosing a number itself.
//!
//! - From the documents to the first bids or responses: 20 d for tenders (政府采购法 第三十五条), 3 WD for
//!   negotiation (74号令 第二十九条) and quotation (第四十五条), 10 d for consultation (214号 第十条).
//! - A clarification that may affect the bids must come at least 15 d (tenders), 3 WD (negotiation,
//!   quotation) or 5 d (consultation) before that deadline, or the deadline moves out (顺延):
//!   [`crate::deadline::extend_for_late_amendment`] with [`clarification_period`].
//! - After the evaluation every method shares the caps of 条例 第四十三条, 政府采购法 第四十六条、第四十七条
//!   and 条例 第五十条 ([`PeriodRules`]).

use super::ProcurementMethod;
use super::rules::{PeriodRules, ProcurementRules};
use crate::ruleset::Rule;

/// The floor from the issue of the documents to the deadline for bids or first responses; `None`
/// for single source (no competing responses) and framework agreements (set by 110号令, not yet
/// modelled).
pub fn response_period(rules: &ProcurementRules, method: ProcurementMethod) -> Option<&Rule> {
    let p: &PeriodRules = &rules.periods;
    match method {
        ProcurementMethod::OpenTender | ProcurementMethod::InvitedTender => Some(&p.bid_preparation),
        ProcurementMethod::CompetitiveNegotiation => Some(&p.negotiation_docs),
        ProcurementMethod::Inquiry => Some(&p.inquiry_response),
        ProcurementMethod::CompetitiveConsultation => Some(&p.consultation_docs),
        ProcurementMethod::SingleSource | ProcurementMethod::FrameworkAgreement => None,
    }
}

/// The floor between a clarification that may affect the bids or responses and their deadline.
pub fn clarification_period(rules: &ProcurementRules, method: ProcurementMethod) -> Option<&Rule> {
    let p = &rules.periods;
    match method {
        ProcurementMethod::OpenTender | ProcurementMethod::InvitedTender => Some(&p.amendment_before_bid_deadline),
        ProcurementMethod::CompetitiveNegotiation => Some(&p.negotiation_clarification),
        ProcurementMethod::Inquiry => Some(&p.inquiry_clarification),
        ProcurementMethod::CompetitiveConsultation => Some(&p.consultation_clarification),
        ProcurementMethod::SingleSource | ProcurementMethod::FrameworkAgreement => None,
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::Date;

    use super::super::rules::fixture;
    use super::*;
    use crate::calendar::HolidayCalendar;
    use crate::deadline::{deadline, extend_for_late_amendment};

    fn calendar() -> HolidayCalendar {
        HolidayCalendar::parse_csv(include_str!("../../../../data/calendar/holidays.csv")).expect("the calendar")
    }

    fn day(text: &str) -> Date {
        text.parse().expect("a date")
    }

    #[test]
    fn response_periods_by_hand() {
        let (calendar, rules) = (calendar(), fixture::rules());
        let earliest = |method, issued| {
            let rule = response_period(&rules, method).expect("a period");
            deadline(&calendar, day(issued), rule).map(|d| d.day)
        };
        // Tender documents issued 2024-09-12: 20 d reach 2024-10-02 (国庆节), so the earliest bid
        // deadline rolls to 2024-10-08 (民法典 第二百零三条).
        assert_eq!(earliest(ProcurementMethod::OpenTender, "2024-09-12"), Ok(day("2024-10-08")));
        // Consultation documents issued Friday 2024-09-27: 10 d reach 2024-10-07 (国庆节) → 2024-10-08.
        assert_eq!(earliest(ProcurementMethod::CompetitiveConsultation, "2024-09-27"), Ok(day("2024-10-08")));
        // Negotiation documents issued Friday 2024-09-27: 3 WD are 9-29 (Sunday, 调休 working day),
        // 9-30 and 10-08.
        assert_eq!(earliest(ProcurementMethod::CompetitiveNegotiation, "2024-09-27"), Ok(day("2024-10-08")));
        // Quotation notice issued Monday 2024-11-04: 11-05, 11-06, 11-07.
        assert_eq!(earliest(ProcurementMethod::Inquiry, "2024-11-04"), Ok(day("2024-11-07")));
        assert!(response_period(&rules, ProcurementMethod::SingleSource).is_none());
    }

    #[test]
    fn a_late_consultation_clarification_pushes_the_deadline_out() {
        let (calendar, rules) = (calendar(), fixture::rules());
        let rule = clarification_period(&rules, ProcurementMethod::CompetitiveConsultation).expect("5 d");
        // First responses due 2024-11-15. A clarification on 2024-11-10 is in time (5 d reach 11-15);
        // one on 2024-11-12 is not: the deadline moves to 11-17 (Sunday), rolled to Monday 11-18.
        let in_time = extend_for_late_amendment(&calendar, day("2024-11-10"), day("2024-11-15"), rule).expect("ok");
        assert!(!in_time.extended);
        let late = extend_for_late_amendment(&calendar, day("2024-11-12"), day("2024-11-15"), rule).expect("ok");
        assert_eq!((late.extended, late.deadline.day), (true, day("2024-11-18")));
        assert!(late.deadline.source.contains("第十条"));
    }
}

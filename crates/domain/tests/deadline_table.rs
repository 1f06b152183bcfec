//! Hand-computed deadlines (截止时间) against the official calendar in `data/calendar/holidays.csv`.
//!
//! Every expected value below was worked out by hand from the CSV and a wall calendar, not by running
//! the engine: count `n` days after the start day (民法典 第二百零一条), and if that day is a holiday
//! or an ordinary weekend day, move to the next working day (民法典 第二百零三条). A Saturday or Sunday
//! listed as `workday` (调休) is a working day and never rolls.

use ggzy_domain::calendar::{CalendarError, HolidayCalendar};
use ggzy_domain::deadline::{
    ClockError, ClockStatus, DeadlineError, Period, PeriodClock, check_cap, check_floor, deadline,
    extend_for_late_amendment, latest_day_before, period_end, within_cap,
};
use ggzy_domain::ruleset::{Bound, Rule, Unit};
use jiff::civil::Date;

const D: Unit = Unit::CalendarDays;
const WD: Unit = Unit::WorkingDays;
const M: Unit = Unit::Months;

fn calendar() -> HolidayCalendar {
    HolidayCalendar::parse_csv(include_str!("../../../data/calendar/holidays.csv")).expect("the official calendar")
}

fn day(text: &str) -> Date {
    text.parse().expect("a YYYY-MM-DD date in the table")
}

fn period(n: u32, unit: Unit) -> Period {
    match unit {
        Unit::WorkingDays => Period::working_days(n),
        Unit::Months => Period::months(n),
        _ => Period::days(n),
    }
}

fn rule(id: &str, value: i64, unit: Unit, bound: Bound, source: &str) -> Rule {
    Rule { id: id.to_owned(), value, denominator: 1, unit, bound, source: source.to_owned(), summary: String::new() }
}

/// 招标投标法 第二十四条: at least 20 d from first issue of the documents to the bid deadline.
fn bid_preparation() -> Rule {
    rule("bid_preparation_days_min", 20, D, Bound::Floor, "招标投标法 第二十四条")
}

/// 招标投标法 第二十三条 / 条例 第二十一条: clarifications at least 15 d before the bid deadline.
fn amendment_15() -> Rule {
    rule(
        "amendment_before_bid_deadline_days_min",
        15,
        D,
        Bound::Floor,
        "招标投标法 第二十三条；招标投标法实施条例 第二十一条",
    )
}

/// 条例 第二十二条: reply to an objection within 3 d.
fn objection_reply() -> Rule {
    rule("objection_reply_days_max", 3, D, Bound::Cap, "招标投标法实施条例 第二十二条")
}

/// 条例 第五十四条: publicity starts within 3 d of receiving the evaluation report ...
fn publicity_start() -> Rule {
    rule("candidates_publicity_start_days_max", 3, D, Bound::Cap, "招标投标法实施条例 第五十四条")
}

/// ... and lasts at least 3 d.
fn publicity_length() -> Rule {
    rule("candidates_publicity_days_min", 3, D, Bound::Floor, "招标投标法实施条例 第五十四条")
}

/// start, n, unit, expected last day, rolled from (day, because), why.
type Row = (&'static str, u32, Unit, &'static str, Option<(&'static str, &'static str)>, &'static str);

#[rustfmt::skip]
const PERIODS: &[Row] = &[
    // 国庆 2024 (10-01..10-07 off; Sun 09-29 and Sat 10-12 are 调休 working days), 中秋 2024 (09-15..09-17; Sat 09-14 works)
    ("2024-09-20", 20, D, "2024-10-10", None, "20 d from 09-20 lands on Thu 10-10, after 国庆: no roll"),
    ("2024-09-12", 20, D, "2024-10-08", Some(("2024-10-02", "国庆节")), "法24 example: 10-02..10-07 are 国庆: Tue 10-08"),
    ("2024-09-25",  5, D, "2024-09-30", None, "Mon 09-30, the last day before 国庆, is a working day"),
    ("2024-09-24",  5, D, "2024-09-29", None, "Sun 09-29 is a 调休 working day: must not roll"),
    ("2024-10-07",  5, D, "2024-10-12", None, "Sat 10-12 is a 调休 working day: must not roll"),
    ("2024-10-06",  7, D, "2024-10-14", Some(("2024-10-13", "周日")), "Sun 10-13 is an ordinary Sunday: Mon 10-14"),
    ("2024-09-01", 30, D, "2024-10-08", Some(("2024-10-01", "国庆节")), "国庆 day 1: the whole week rolls over"),
    ("2024-09-10",  3, D, "2024-09-13", None, "Fri 09-13, the day before the 中秋 make-up Saturday"),
    ("2024-09-11",  3, D, "2024-09-14", None, "Sat 09-14 is a 调休 working day for 中秋: must not roll"),
    ("2024-09-12",  3, D, "2024-09-18", Some(("2024-09-15", "中秋节")), "Sun 09-15 starts 中秋 (09-15..09-17): Wed 09-18"),
    ("2024-09-13",  4, D, "2024-09-18", Some(("2024-09-17", "中秋节")), "Tue 09-17 is the last 中秋 day: Wed 09-18"),
    // 中秋+国庆 2023 combined (09-29..10-06 off; Sat 10-07 and Sun 10-08 work)
    ("2023-09-14", 15, D, "2023-10-07", Some(("2023-09-29", "中秋节、国庆节")), "Fri 09-29 opens it: make-up Sat 10-07"),
    ("2023-09-20", 10, D, "2023-10-07", Some(("2023-09-30", "中秋节、国庆节")), "Sat 09-30 is in it: Sat 10-07"),
    ("2023-09-23", 15, D, "2023-10-08", None, "Sun 10-08 is a 调休 working day: must not roll"),
    ("2023-10-05",  2, D, "2023-10-07", None, "Sat 10-07 is a 调休 working day: must not roll"),
    ("2023-10-02",  7, D, "2023-10-09", None, "Mon 10-09, an ordinary working day after the holiday"),
    // 国庆+中秋 2025 (10-01..10-08 off; Sun 09-28 and Sat 10-11 work)
    ("2025-09-10", 20, D, "2025-09-30", None, "Tue 09-30 works"),
    ("2025-09-11", 20, D, "2025-10-09", Some(("2025-10-01", "国庆节、中秋节")), "Wed 10-01 opens an 8-day holiday: Thu 10-09"),
    ("2025-09-18", 20, D, "2025-10-09", Some(("2025-10-08", "国庆节、中秋节")), "last holiday day: Thu 10-09"),
    ("2025-09-23",  5, D, "2025-09-28", None, "Sun 09-28 is a 调休 working day: must not roll"),
    ("2025-10-06",  5, D, "2025-10-11", None, "Sat 10-11 is a 调休 working day: must not roll"),
    ("2025-10-07",  5, D, "2025-10-13", Some(("2025-10-12", "周日")), "Sun 10-12 is an ordinary Sunday: Mon 10-13"),
    // 春节 2024 (02-10..02-17 off; Sun 02-04 and Sun 02-18 work)
    ("2024-01-26", 15, D, "2024-02-18", Some(("2024-02-10", "春节")), "Sat 02-10 opens 春节: make-up Sun 02-18"),
    ("2024-02-01", 15, D, "2024-02-18", Some(("2024-02-16", "春节")), "Fri 02-16 is in 春节: make-up Sun 02-18"),
    ("2024-01-30",  5, D, "2024-02-04", None, "Sun 02-04 is a 调休 working day: must not roll"),
    ("2024-01-31",  5, D, "2024-02-05", None, "Mon 02-05 works"),
    ("2024-02-08", 20, D, "2024-02-28", None, "across 春节 and the leap month: Wed 02-28 works"),
    // 春节 2025 (01-28..02-04 off; Sun 01-26 and Sat 02-08 work)
    ("2025-01-18", 10, D, "2025-02-05", Some(("2025-01-28", "春节")), "Tue 01-28 opens 春节 (to 02-04): Wed 02-05"),
    ("2025-01-21",  5, D, "2025-01-26", None, "Sun 01-26 is a 调休 working day: must not roll"),
    ("2025-01-25", 14, D, "2025-02-08", None, "Sat 02-08 is a 调休 working day: must not roll"),
    ("2025-01-30", 10, D, "2025-02-10", Some(("2025-02-09", "周日")), "Sun 02-09 is an ordinary Sunday: Mon 02-10"),
    // 春节 2026 (02-15..02-23 off; Sat 02-14 and Sat 02-28 work)
    ("2026-02-01", 20, D, "2026-02-24", Some(("2026-02-21", "春节")), "Sat 02-21 is in 春节 (to Mon 02-23): Tue 02-24"),
    ("2026-02-10",  5, D, "2026-02-24", Some(("2026-02-15", "春节")), "Sun 02-15 opens a 9-day 春节: Tue 02-24"),
    ("2026-02-09",  5, D, "2026-02-14", None, "Sat 02-14 is a 调休 working day: must not roll"),
    ("2026-02-18", 10, D, "2026-02-28", None, "Sat 02-28 is a 调休 working day: must not roll"),
    ("2026-02-19", 10, D, "2026-03-02", Some(("2026-03-01", "周日")), "28-day February: Sun 03-01: Mon 03-02"),
    // 清明
    ("2024-03-20", 15, D, "2024-04-07", Some(("2024-04-04", "清明节")), "清明 04-04..04-06: make-up Sun 04-07"),
    ("2025-03-30",  5, D, "2025-04-07", Some(("2025-04-04", "清明节")), "清明 2025 is 04-04..04-06: Mon 04-07"),
    ("2023-03-31",  5, D, "2023-04-06", Some(("2023-04-05", "清明节")), "清明 2023 is the single day Wed 04-05: Thu 04-06"),
    // 劳动节 with 调休
    ("2024-04-20",  8, D, "2024-04-28", None, "Sun 04-28 is a 调休 working day for 劳动节: must not roll"),
    ("2024-04-21", 10, D, "2024-05-06", Some(("2024-05-01", "劳动节")), "劳动节 2024 is 05-01..05-05: Mon 05-06"),
    ("2024-05-01", 10, D, "2024-05-11", None, "Sat 05-11 is a 调休 working day: must not roll"),
    ("2023-04-19", 10, D, "2023-05-04", Some(("2023-04-29", "劳动节")), "劳动节 2023 is Sat 04-29..Wed 05-03: Thu 05-04"),
    ("2023-04-26", 10, D, "2023-05-06", None, "Sat 05-06 is a 调休 working day: must not roll"),
    ("2025-04-17", 10, D, "2025-04-27", None, "Sun 04-27 is a 调休 working day: must not roll"),
    ("2026-04-25", 10, D, "2026-05-06", Some(("2026-05-05", "劳动节")), "Tue 05-05 is the last 劳动节 day: Wed 05-06"),
    // 端午
    ("2024-06-05",  5, D, "2024-06-11", Some(("2024-06-10", "端午节")), "端午 2024 is the single Monday 06-10: Tue 06-11"),
    ("2025-05-26",  5, D, "2025-06-03", Some(("2025-05-31", "端午节")), "端午 2025 is 05-31..06-02: Tue 06-03"),
    ("2023-06-15", 10, D, "2023-06-25", None, "Sun 06-25 is the 端午 2023 make-up day: must not roll"),
    ("2026-06-09", 10, D, "2026-06-22", Some(("2026-06-19", "端午节")), "端午 2026 is 06-19..06-21: Mon 06-22"),
    // 中秋 2026 (09-25..09-27 off; Sun 09-20 works)
    ("2026-09-10", 10, D, "2026-09-20", None, "Sun 09-20 is a 调休 working day: must not roll"),
    ("2026-09-16", 10, D, "2026-09-28", Some(("2026-09-26", "中秋节")), "Sat 09-26 is in 中秋 (to Sun 09-27): Mon 09-28"),
    // plain weekends
    ("2024-03-01", 15, D, "2024-03-18", Some(("2024-03-16", "周六")), "Sat 03-16, no holiday: Mon 03-18"),
    ("2024-03-03", 15, D, "2024-03-18", None, "Mon 03-18 works"),
    ("2024-03-01", 30, D, "2024-04-01", Some(("2024-03-31", "周日")), "Sun 03-31: Mon 04-01"),
    // year boundary, 元旦
    ("2025-12-12", 20, D, "2026-01-04", Some(("2026-01-01", "元旦")), "元旦 01-01..01-03: make-up Sun 01-04"),
    ("2025-12-22", 10, D, "2026-01-04", Some(("2026-01-01", "元旦")), "Thu 01-01: make-up Sun 01-04"),
    ("2025-12-31",  5, D, "2026-01-05", None, "Mon 01-05 works"),
    ("2024-12-22", 10, D, "2025-01-02", Some(("2025-01-01", "元旦")), "元旦 2025 is the single Wednesday 01-01: Thu 01-02"),
    ("2023-12-22", 10, D, "2024-01-02", Some(("2024-01-01", "元旦")), "元旦 2024 is Mon 01-01: Tue 01-02"),
    ("2026-12-01", 30, D, "2026-12-31", None, "Thu 2026-12-31, the last covered day, works"),
    ("2019-12-25", 10, D, "2020-01-06", Some(("2020-01-04", "周六")), "2019 is not covered but not asked: Mon"),
    // working days (工作日): the nth working day after the start, never rolled
    ("2024-02-07",  3, WD, "2024-02-18", None, "Thu 02-08, Fri 02-09, then 春节 02-10..02-17, make-up Sun 02-18"),
    ("2024-02-08",  5, WD, "2024-02-21", None, "02-09, 02-18 (Sun, 调休), 02-19, 02-20, 02-21"),
    ("2025-01-24",  5, WD, "2025-02-07", None, "Sun 01-26 (调休), Mon 01-27, then 春节 to 02-04; 02-05, 02-06, 02-07"),
    ("2025-01-27",  5, WD, "2025-02-10", None, "02-05, 02-06, 02-07, Sat 02-08 (调休), Mon 02-10"),
    ("2026-02-12",  3, WD, "2026-02-24", None, "Fri 02-13, Sat 02-14 (调休), then 春节 02-15..02-23; Tue 02-24"),
    ("2026-02-13", 10, WD, "2026-03-05", None, "02-14, 02-24..02-27, Sat 02-28 (调休), 03-02..03-05"),
    ("2024-09-27",  3, WD, "2024-10-08", None, "Sun 09-29 (调休), Mon 09-30, then 国庆; Tue 10-08"),
    ("2023-09-27",  3, WD, "2023-10-08", None, "Thu 09-28, then 09-29..10-06 off; Sat 10-07 and Sun 10-08 (调休)"),
    ("2025-12-30",  3, WD, "2026-01-05", None, "Wed 12-31, then 元旦 01-01..01-03; Sun 01-04 (调休), Mon 01-05"),
    ("2024-03-01",  5, WD, "2024-03-08", None, "a plain week: Mon 03-04..Fri 03-08"),
    ("2025-04-30",  3, WD, "2025-05-08", None, "劳动节 05-01..05-05: 05-06, 05-07, 05-08"),
    ("2024-09-02", 30, WD, "2024-10-18", None, "20 WD in Sept (with 09-14, 09-29), 10 in Oct (with 10-12)"),
    // Months (民法典 第二百零二条: the matching day, or the month's last day; then 第二百零三条 rolls it)
    ("2026-03-15",  1, M, "2026-04-15", None, "the matching day, Wed 04-15"),
    ("2026-01-31",  1, M, "2026-02-28", None, "no 02-31: the last day, Sat 02-28, a 调休 working day"),
    ("2024-01-31",  1, M, "2024-02-29", None, "leap year: the last day is Thu 02-29"),
    ("2025-10-31",  1, M, "2025-12-01", Some(("2025-11-30", "周日")), "no 11-31: Sun 11-30 rolls to Mon 12-01"),
    ("2026-09-01",  1, M, "2026-10-08", Some(("2026-10-01", "国庆节")), "10-01..10-07 国庆: Thu 10-08"),
    ("2025-06-14", 12, M, "2026-06-15", Some(("2026-06-14", "周日")), "a year on is Sun 06-14: Mon 06-15"),
    ("2025-12-07", 12, M, "2026-12-07", None, "a year on, Mon 12-07"),
];

#[test]
fn periods_end_on_the_hand_computed_day() {
    let calendar = calendar();
    for &(start, n, unit, expected, rolled, why) in PERIODS {
        let end = period_end(&calendar, day(start), period(n, unit))
            .unwrap_or_else(|error| panic!("{start} + {n} {}: {error} ({why})", unit.as_str()));
        assert_eq!(end.day, day(expected), "{start} + {n} {}: {why}", unit.as_str());
        let got = end.rolled.as_ref().map(|roll| (roll.from, roll.because.as_str()));
        assert_eq!(got, rolled.map(|(from, because)| (day(from), because)), "{start} + {n} {}: {why}", unit.as_str());
    }
    assert!(PERIODS.len() >= 45, "the table keeps at least 45 hand-computed periods");
}

#[test]
fn a_period_reaching_an_uncovered_year_is_an_error_never_a_guess() {
    let calendar = calendar();
    let not_covered = Err(DeadlineError::Calendar(CalendarError::NotCovered { year: 2027 }));
    // 2026-12-20 + 20 d = Sat 2027-01-09: 2027 has no data.
    assert_eq!(period_end(&calendar, day("2026-12-20"), Period::days(20)), not_covered);
    // Mon 2026-12-28 .. Thu 12-31 are four working days; the fifth would be in 2027.
    assert_eq!(period_end(&calendar, day("2026-12-25"), Period::working_days(5)), not_covered);
    // A bid deadline in 2027 cannot be checked either.
    assert!(matches!(
        check_floor(&calendar, day("2026-12-20"), day("2027-01-20"), &bid_preparation()),
        Err(DeadlineError::Calendar(CalendarError::NotCovered { year: 2027 }))
    ));
    let message = period_end(&calendar, day("2026-12-20"), Period::days(20)).expect_err("2027").to_string();
    assert!(message.contains("2027年"), "{message}");
}

#[test]
fn floors_refuse_days_before_the_earliest_legal_day() {
    let calendar = calendar();
    let bid = bid_preparation();
    // 法24 example: issued 2024-09-12, 20 d counts to 10-02 (国庆), so the earliest deadline is 10-08.
    let refused = check_floor(&calendar, day("2024-09-12"), day("2024-10-05"), &bid).expect_err("10-05 is too early");
    let DeadlineError::TooEarly { proposed, earliest } = &refused else { panic!("TooEarly, got {refused:?}") };
    assert_eq!(*proposed, day("2024-10-05"));
    assert_eq!(earliest.day, day("2024-10-08"));
    assert_eq!(earliest.rolled_from(), Some(day("2024-10-02")));
    assert_eq!(earliest.rule_id, "bid_preparation_days_min");
    assert_eq!(earliest.source, "招标投标法 第二十四条");
    let message = refused.to_string();
    assert!(message.contains("最早可定于2024年10月8日（依据：招标投标法 第二十四条）"), "{message}");
    assert_eq!(
        earliest.to_string(),
        "2024年10月8日（期间最后一日2024年10月2日为国庆节，依民法典第二百零三条顺延；依据：招标投标法 第二十四条）"
    );

    // The counted day itself is a holiday and so is refused; the earliest day itself is allowed (民法典 1259).
    assert!(check_floor(&calendar, day("2024-09-12"), day("2024-10-02"), &bid).is_err(), "10-02 is a holiday");
    assert_eq!(
        check_floor(&calendar, day("2024-09-12"), day("2024-10-08"), &bid).map(|d| d.day),
        Ok(day("2024-10-08"))
    );
    assert!(check_floor(&calendar, day("2024-09-12"), day("2024-10-30"), &bid).is_ok(), "later is fine");
    // No roll: 09-20 + 20 = Thu 10-10 is the earliest; 10-09 is one day short.
    assert!(check_floor(&calendar, day("2024-09-20"), day("2024-10-10"), &bid).is_ok());
    assert!(matches!(
        check_floor(&calendar, day("2024-09-20"), day("2024-10-09"), &bid),
        Err(DeadlineError::TooEarly { earliest, .. }) if earliest.day == day("2024-10-10") && earliest.rolled.is_none()
    ));
    // 条例16: sale for at least 5 d from 2026-02-10 counts to Sun 02-15 (春节): sale may close 02-24 at the earliest.
    let sale = rule("doc_sale_days_min", 5, D, Bound::Floor, "招标投标法实施条例 第十六条");
    assert!(matches!(
        check_floor(&calendar, day("2026-02-10"), day("2026-02-16"), &sale),
        Err(DeadlineError::TooEarly { earliest, .. }) if earliest.day == day("2026-02-24")
    ));
    // A cap is not a floor.
    assert!(matches!(
        check_floor(&calendar, day("2024-09-12"), day("2024-10-08"), &objection_reply()),
        Err(DeadlineError::WrongBound { expected: Bound::Floor, found: Bound::Cap, .. })
    ));
}

#[test]
fn caps_refuse_days_after_the_latest_legal_day() {
    let calendar = calendar();
    let reply = objection_reply();
    // Objection received Thu 2024-09-26: + 3 d = Sun 09-29, a 调休 working day: the reply is due that Sunday.
    assert_eq!(
        check_cap(&calendar, day("2024-09-26"), day("2024-09-29"), &reply).map(|d| d.day),
        Ok(day("2024-09-29"))
    );
    assert!(matches!(
        check_cap(&calendar, day("2024-09-26"), day("2024-09-30"), &reply),
        Err(DeadlineError::TooLate { latest, .. }) if latest.day == day("2024-09-29") && latest.rolled.is_none()
    ));
    // Received Sat 2024-09-28: + 3 d = 10-01 (国庆) rolls to Tue 10-08.
    let latest = check_cap(&calendar, day("2024-09-28"), day("2024-10-08"), &reply).expect("10-08 is the last day");
    assert_eq!(latest.rolled_from(), Some(day("2024-10-01")));
    let late = check_cap(&calendar, day("2024-09-28"), day("2024-10-09"), &reply).expect_err("10-09 is late");
    assert!(late.to_string().contains("最迟应为2024年10月8日（依据：招标投标法实施条例 第二十二条）"), "{late}");
    // Received Sat 2025-01-25: + 3 d = 01-28 (春节) rolls to Wed 02-05; the day of receipt is fine too.
    assert!(check_cap(&calendar, day("2025-01-25"), day("2025-02-05"), &reply).is_ok());
    assert!(check_cap(&calendar, day("2025-01-25"), day("2025-01-25"), &reply).is_ok());
    // 法46: contract within 30 d of the award notice Fri 2025-09-05: Sun 10-05 (国庆) rolls to Thu 10-09.
    let contract = rule("contract_days_max", 30, D, Bound::Cap, "招标投标法 第四十六条");
    assert!(check_cap(&calendar, day("2025-09-05"), day("2025-10-09"), &contract).is_ok());
    assert!(matches!(
        check_cap(&calendar, day("2025-09-05"), day("2025-10-10"), &contract),
        Err(DeadlineError::TooLate { latest, .. }) if latest.day == day("2025-10-09")
    ));
    // 条例61: acceptance within 3 WD of receipt Fri 2024-09-27: Sun 09-29, Mon 09-30, Tue 10-08.
    let acceptance = rule("complaint_acceptance_wd_max", 3, WD, Bound::Cap, "招标投标法实施条例 第六十一条");
    assert_eq!(deadline(&calendar, day("2024-09-27"), &acceptance).map(|d| d.day), Ok(day("2024-10-08")));
    assert!(matches!(
        check_cap(&calendar, day("2024-09-27"), day("2024-10-09"), &acceptance),
        Err(DeadlineError::TooLate { .. })
    ));
    // A reply before the objection arrived is a data error.
    assert!(matches!(
        check_cap(&calendar, day("2024-09-26"), day("2024-09-25"), &reply),
        Err(DeadlineError::BeforeStart { .. })
    ));
}

#[test]
fn late_clarifications_push_the_bid_deadline_out() {
    let calendar = calendar();
    let amendment = amendment_15();
    // Deadline Fri 2024-10-25. Issued 10-10: 10-10 + 15 = 10-25, exactly enough (民法典 1259).
    let on_time =
        extend_for_late_amendment(&calendar, day("2024-10-10"), day("2024-10-25"), &amendment).expect("on time");
    assert!(!on_time.extended);
    assert_eq!(on_time.deadline.day, day("2024-10-25"));
    assert_eq!(latest_day_before(&calendar, day("2024-10-25"), &amendment), Ok(day("2024-10-10")));
    // Issued 10-11: 10-26 is past the deadline, and a Saturday: the new deadline is Mon 10-28.
    let late = extend_for_late_amendment(&calendar, day("2024-10-11"), day("2024-10-25"), &amendment).expect("late");
    assert!(late.extended);
    assert_eq!(late.deadline.day, day("2024-10-28"));
    assert_eq!(late.deadline.rolled_from(), Some(day("2024-10-26")));
    assert_eq!(late.deadline.source, "招标投标法 第二十三条；招标投标法实施条例 第二十一条");
    // No rolling backward: deadline Tue 2024-10-08, issued 09-20: 09-20 + 15 = 10-05 (a holiday) <= 10-08.
    let holiday =
        extend_for_late_amendment(&calendar, day("2024-09-20"), day("2024-10-08"), &amendment).expect("on time");
    assert!(!holiday.extended);
    // Issued 09-25: 10-10 > 10-08, a Thursday: the new deadline is 10-10 itself.
    let pushed = extend_for_late_amendment(&calendar, day("2024-09-25"), day("2024-10-08"), &amendment).expect("late");
    assert_eq!(
        (pushed.extended, pushed.deadline.day, pushed.deadline.rolled.is_none()),
        (true, day("2024-10-10"), true)
    );
    // 条例21, 3 d before the pre-qualification deadline Tue 2025-09-30: issued 09-28 counts to 10-01 (国庆),
    // so the application deadline moves to Thu 10-09.
    let pq = rule_pq();
    let pq_late = extend_for_late_amendment(&calendar, day("2025-09-28"), day("2025-09-30"), &pq).expect("late");
    assert_eq!((pq_late.extended, pq_late.deadline.day), (true, day("2025-10-09")));
    assert_eq!(pq_late.deadline.rolled_from(), Some(day("2025-10-01")));
    // The last day to clarify before Mon 2026-03-02 is Sun 02-15 (a 春节 day: no rolling backward).
    assert_eq!(latest_day_before(&calendar, day("2026-03-02"), &amendment), Ok(day("2026-02-15")));
    // 条例22: an objection to the tender documents at least 10 d before a Fri 2024-10-25 deadline: by 10-15.
    let objection =
        rule("objection_tender_docs_before_deadline_days", 10, D, Bound::Floor, "招标投标法实施条例 第二十二条");
    assert_eq!(latest_day_before(&calendar, day("2024-10-25"), &objection), Ok(day("2024-10-15")));
    // A working-day version (3 WD before Wed 2024-10-09): back from 10-09, 10-08, then 国庆, Mon 09-30:
    // the last day is Sun 09-29 (from 09-29: 09-30, 10-08, 10-09).
    let wd = rule("clarification_wd_min", 3, WD, Bound::Floor, "测试");
    assert_eq!(latest_day_before(&calendar, day("2024-10-09"), &wd), Ok(day("2024-09-29")));
    assert!(!extend_for_late_amendment(&calendar, day("2024-09-29"), day("2024-10-09"), &wd).expect("wd").extended);
    let wd_late = extend_for_late_amendment(&calendar, day("2024-09-30"), day("2024-10-09"), &wd).expect("wd");
    assert_eq!((wd_late.extended, wd_late.deadline.day), (true, day("2024-10-10")));
}

fn rule_pq() -> Rule {
    rule("amendment_before_pq_deadline_days_min", 3, D, Bound::Floor, "招标投标法实施条例 第二十一条")
}

fn ends(clock: &PeriodClock) -> Date {
    match clock.end(&calendar()) {
        Ok(ClockStatus::Ends(end)) => end.day,
        other => panic!("expected an end, got {other:?}"),
    }
}

#[test]
fn objections_stop_the_clock() {
    let calendar = calendar();
    let start = day("2024-03-01");
    // 20 d from Fri 2024-03-01: Thu 03-21 without objections.
    let mut clock = PeriodClock::new(start, Period::days(20));
    assert_eq!(ends(&clock), day("2024-03-21"));
    // Objection Tue 03-05 (4 d ran: 03-02..03-05), open: no end while the reply is awaited.
    clock.suspend(day("2024-03-05")).expect("suspend");
    assert_eq!(clock.end(&calendar), Ok(ClockStatus::Suspended { since: day("2024-03-05"), remaining: 16 }));
    assert_eq!(clock.suspend(day("2024-03-06")), Err(ClockError::AlreadySuspended { since: day("2024-03-05") }));
    assert!(matches!(clock.resume(day("2024-03-04")), Err(ClockError::ResumeBeforeSuspend { .. })));
    // Reply Thu 03-07: 16 d from 03-07 = Sat 03-23, rolled to Mon 03-25.
    clock.resume(day("2024-03-07")).expect("resume");
    let one = clock.end(&calendar).expect("end");
    assert_eq!(one.end().map(|end| (end.day, end.rolled_from())), Some((day("2024-03-25"), Some(day("2024-03-23")))));
    assert_eq!(clock.resume(day("2024-03-08")), Err(ClockError::NotSuspended));
    assert!(matches!(clock.suspend(day("2024-03-06")), Err(ClockError::SuspendBeforeResume { .. })));
    // Second objection Mon 03-11 (03-08..03-11 ran: 4 more, 12 left), answered Tue 03-12:
    // 03-12 + 12 = Sun 03-24, rolled to Mon 03-25.
    clock.suspend(day("2024-03-11")).expect("suspend");
    clock.resume(day("2024-03-12")).expect("resume");
    assert_eq!(ends(&clock), day("2024-03-25"));
    assert_eq!(clock.suspensions().len(), 2);

    // Suspended and resumed on the same day: no effect.
    let mut same_day = PeriodClock::new(start, Period::days(20));
    same_day.suspend(day("2024-03-10")).expect("suspend");
    same_day.resume(day("2024-03-10")).expect("resume");
    assert_eq!(ends(&same_day), day("2024-03-21"));

    // A suspension before the start is refused.
    let mut early = PeriodClock::new(start, Period::days(20));
    assert!(matches!(early.suspend(day("2024-02-29")), Err(ClockError::SuspendBeforeStart { .. })));
}

#[test]
fn working_day_clocks_and_the_edges_of_a_suspension() {
    let calendar = calendar();
    // 10 WD from Mon 2024-09-23; 09-24..09-27 ran (4 WD) when the clock stopped on Fri 09-27.
    // Resumed Wed 10-09: 10-10, 10-11, Sat 10-12 (调休), 10-14, 10-15, 10-16.
    let mut wd = PeriodClock::new(day("2024-09-23"), Period::working_days(10));
    wd.suspend(day("2024-09-27")).expect("suspend");
    assert_eq!(wd.end(&calendar), Ok(ClockStatus::Suspended { since: day("2024-09-27"), remaining: 6 }));
    wd.resume(day("2024-10-09")).expect("resume");
    assert_eq!(ends(&wd), day("2024-10-16"));

    // Publicity 3 d from Mon 2024-03-04 ends Thu 03-07; an objection on 03-08 comes after the end.
    let mut after = PeriodClock::new(day("2024-03-04"), Period::days(3));
    after.suspend(day("2024-03-08")).expect("recorded");
    assert_eq!(
        after.end(&calendar),
        Err(DeadlineError::SuspendedAfterEnd { suspended: day("2024-03-08"), end: day("2024-03-07") })
    );
    // Publicity 3 d from Wed 2024-03-13 counts to Sat 03-16 and ends Mon 03-18. An objection on Sun 03-17 is
    // still inside it; 4 d ran, nothing is left, so after the reply on Tue 03-19 it ends that day.
    let mut tail = PeriodClock::new(day("2024-03-13"), Period::days(3));
    tail.suspend(day("2024-03-17")).expect("suspend");
    tail.resume(day("2024-03-19")).expect("resume");
    assert_eq!(ends(&tail), day("2024-03-19"));
    // Publicity 3 d from Fri 2024-09-27; objection Sat 09-28 (1 d ran), reply Tue 10-08 (the 3-d reply period
    // from 09-28 counts to 10-01 and rolls to 10-08): 2 d left, Thu 10-10.
    let mut holiday = PeriodClock::new(day("2024-09-27"), Period::days(3));
    holiday.suspend(day("2024-09-28")).expect("suspend");
    holiday.resume(day("2024-10-08")).expect("resume");
    assert_eq!(ends(&holiday), day("2024-10-10"));
    assert!(check_cap(&calendar, day("2024-09-28"), day("2024-10-08"), &objection_reply()).is_ok());
}

#[test]
fn candidate_publicity_chains_a_cap_and_a_floor() {
    // 条例54: publicity starts within 3 d of receiving the report and lasts at least 3 d.
    let calendar = calendar();
    let report = day("2024-09-27");
    // Report received Fri 09-27: + 3 d = Mon 09-30, a working day, so publicity starts by 09-30.
    let start = check_cap(&calendar, report, day("2024-09-30"), &publicity_start()).expect("09-30 is in time");
    assert_eq!(start.day, day("2024-09-30"));
    assert!(matches!(
        check_cap(&calendar, report, day("2024-10-01"), &publicity_start()),
        Err(DeadlineError::TooLate { latest, .. }) if latest.day == day("2024-09-30")
    ));
    // Started 09-30, + 3 d = 10-03 (国庆): it may close 10-08 at the earliest, so 10-05 is refused.
    let earliest = deadline(&calendar, start.day, &publicity_length()).expect("earliest close");
    assert_eq!((earliest.day, earliest.rolled_from()), (day("2024-10-08"), Some(day("2024-10-03"))));
    assert!(matches!(
        check_floor(&calendar, start.day, day("2024-10-05"), &publicity_length()),
        Err(DeadlineError::TooEarly { earliest, .. }) if earliest.day == day("2024-10-08")
    ));
    assert!(check_floor(&calendar, start.day, day("2024-10-08"), &publicity_length()).is_ok());
    // The period of a percentage rule is refused.
    let deposit = rule("bid_deposit_percent_max", 2, Unit::Percent, Bound::Cap, "招标投标法实施条例 第二十六条");
    assert!(matches!(deadline(&calendar, report, &deposit), Err(DeadlineError::NotAPeriod { .. })));
}

/// `within_cap` decides "in time" from the days up to the act alone, so a 30-working-day decision
/// period whose last day lies in 2027 (not in the calendar) still judges an act in December 2026.
#[test]
fn a_cap_judges_an_act_even_when_its_last_day_is_beyond_the_calendar() {
    let calendar = calendar();
    let decision =
        rule("complaint_decision_wd_max", 30, Unit::WorkingDays, Bound::Cap, "招标投标法实施条例 第六十一条");
    // From 2026-11-30 (Mon): working days in December up to the 10th are 1-4 and 7-10: 8.
    assert_eq!(ggzy_domain::deadline::within_cap(&calendar, day("2026-11-30"), day("2026-12-10"), &decision), Ok(true));
    assert!(matches!(
        ggzy_domain::deadline::deadline(&calendar, day("2026-11-30"), &decision),
        Err(DeadlineError::Calendar(_))
    ));
    // 3 working days from 2026-11-24 (Tue): 25, 26, 27; the 30th (Mon) is the fourth.
    let acceptance =
        rule("complaint_acceptance_wd_max", 3, Unit::WorkingDays, Bound::Cap, "招标投标法实施条例 第六十一条");
    assert_eq!(
        ggzy_domain::deadline::within_cap(&calendar, day("2026-11-24"), day("2026-11-27"), &acceptance),
        Ok(true)
    );
    assert_eq!(
        ggzy_domain::deadline::within_cap(&calendar, day("2026-11-24"), day("2026-11-30"), &acceptance),
        Ok(false)
    );
    // 10 calendar days from 2024-09-21 end 10-01 (国庆节): rolled to 10-08, so 10-08 is in time, 10-09 not.
    let complaint = rule("complaint_days_max", 10, Unit::CalendarDays, Bound::Cap, "招标投标法实施条例 第六十条");
    assert_eq!(
        ggzy_domain::deadline::within_cap(&calendar, day("2024-09-21"), day("2024-10-08"), &complaint),
        Ok(true)
    );
    assert_eq!(
        ggzy_domain::deadline::within_cap(&calendar, day("2024-09-21"), day("2024-10-09"), &complaint),
        Ok(false)
    );
}

#[test]
fn month_periods_count_backward_and_keep_caps_by_the_matching_day() {
    let calendar = calendar();
    // 至少1个月前: every day from 01-28 to 01-31 reaches 02-28 one month on (the month's last day).
    let floor = rule("first_payment_months_before", 1, M, Bound::Floor, "民法典 第二百零二条");
    assert_eq!(latest_day_before(&calendar, day("2026-02-28"), &floor), Ok(day("2026-01-31")));
    assert_eq!(latest_day_before(&calendar, day("2026-04-15"), &floor), Ok(day("2026-03-15")));
    // 不超过1个月 from 01-31: 02-28 is in time, 03-01 is not.
    let cap = rule("first_payment_months_max", 1, M, Bound::Cap, "国土资发〔2010〕34号");
    assert_eq!(within_cap(&calendar, day("2026-01-31"), day("2026-02-28"), &cap), Ok(true));
    assert_eq!(within_cap(&calendar, day("2026-01-31"), day("2026-03-01"), &cap), Ok(false));
    // 不超过12个月 from 2025-06-14: the end (Sun 06-14) rolls to Mon 06-15, which is still in time.
    let year = rule("balance_months_max", 12, M, Bound::Cap, "国土资发〔2010〕34号");
    assert_eq!(within_cap(&calendar, day("2025-06-14"), day("2026-06-15"), &year), Ok(true));
    assert_eq!(within_cap(&calendar, day("2025-06-14"), day("2026-06-16"), &year), Ok(false));
}

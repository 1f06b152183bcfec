//! Why a deadline cannot be computed or a chosen day is refused. The messages are shown to the
//! operator, so each one says what to fix.

use jiff::civil::Date;

use super::{Deadline, chinese_date};
use crate::calendar::CalendarError;
use crate::ruleset::Bound;

/// Why a deadline cannot be computed, or why a chosen day breaks the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    /// A day the answer depends on is not in the working-day calendar (never guessed, DESIGN §4).
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// The chosen day is earlier than a floor allows (不得少于, 民法典 第一千二百五十九条: the earliest day
    /// itself is allowed).
    #[error("拟定日期{}早于法定最早日期：最早可定于{}（依据：{}）", chinese_date(*.proposed), chinese_date(.earliest.day), .earliest.source)]
    TooEarly {
        /// The day that was proposed.
        proposed: Date,
        /// The earliest legal day, with its rule and source.
        earliest: Deadline,
    },
    /// The chosen day is later than a cap allows (不得超过; the latest day itself is allowed).
    #[error("拟定日期{}已超过法定期限：最迟应为{}（依据：{}）", chinese_date(*.proposed), chinese_date(.latest.day), .latest.source)]
    TooLate {
        /// The day that was proposed.
        proposed: Date,
        /// The latest legal day, with its rule and source.
        latest: Deadline,
    },
    /// The chosen day comes before the event the period runs from.
    #[error("拟定日期{}早于起算日{}，请核对日期（规则 {rule_id}）", chinese_date(*.proposed), chinese_date(*.start))]
    BeforeStart {
        /// The day the period runs from.
        start: Date,
        /// The day that was proposed.
        proposed: Date,
        /// The rule's identifier.
        rule_id: String,
    },
    /// The rule is not a number of days or working days.
    #[error("规则 {rule} 的单位是 {unit}，不是日（d）或工作日（WD），不能用来计算期间；请检查规则集")]
    NotAPeriod {
        /// The rule.
        rule: String,
        /// Its unit identifier.
        unit: &'static str,
    },
    /// The rule's value cannot be a length of time.
    #[error("规则 {rule} 的期间长度 {value} 不合理，应为非负整数；请检查规则集")]
    BadLength {
        /// The rule.
        rule: String,
        /// Its value.
        value: i64,
    },
    /// The rule has the other bound from the one the check needs (a cap given to a floor check, ...).
    #[error("规则 {rule} 是{}规则，这里需要{}规则；请选用正确的规则", bound_name(*.found), bound_name(*.expected))]
    WrongBound {
        /// The rule.
        rule: String,
        /// The bound the check needs.
        expected: Bound,
        /// The rule's bound.
        found: Bound,
    },
    /// A clock was suspended after its period had already ended.
    #[error("暂停日期{}晚于期间届满日{}：期间届满后不能暂停，请核对暂停日期", chinese_date(*.suspended), chinese_date(*.end))]
    SuspendedAfterEnd {
        /// The day of the suspension.
        suspended: Date,
        /// The day the period had ended.
        end: Date,
    },
    /// The calendar has a run of non-working days longer than any real one.
    #[error("工作日历自{}起连续{limit}日无工作日，数据可能有误；请检查节假日安排", chinese_date(*.from))]
    NoWorkingDay {
        /// The first non-working day.
        from: Date,
        /// How many days were searched.
        limit: u32,
    },
    /// The arithmetic leaves the range of representable dates.
    #[error("日期超出可计算范围：{from} 加 {days} 日")]
    OutOfRange {
        /// The day counted from.
        from: Date,
        /// The days added (negative: subtracted).
        days: i64,
    },
}

fn bound_name(bound: Bound) -> &'static str {
    match bound {
        Bound::Floor => "下限（不得少于）",
        Bound::Cap => "上限（不得超过）",
    }
}

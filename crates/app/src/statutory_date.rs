//! A statutory date as shown beside a procedure (a sale, a procurement): the day, whether it is a
//! floor or a cap, and the rule and article it comes from.

use ggzy_domain::deadline::DeadlineError;
use jiff::civil::Date;

use crate::error::AppResult;

/// A date counted with the holiday calendar, or `None` when the count reaches a year the calendar
/// does not hold yet (the State Council publishes each year's holidays late in the year before):
/// a view leaves such a date out rather than guess or fail, and a command that needs it refuses
/// with `calendar_not_covered`. Any other error is the engine's.
pub(crate) fn unless_uncovered<T>(counted: Result<T, DeadlineError>) -> AppResult<Option<T>> {
    match counted {
        Ok(counted) => Ok(Some(counted)),
        Err(DeadlineError::Calendar(_)) => Ok(None),
        Err(other) => Err(other.into()),
    }
}

/// One statutory date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatutoryDate {
    /// What it is (Chinese).
    pub name: &'static str,
    /// The day.
    pub day: Date,
    /// `floor` (not before) or `cap` (not after).
    pub bound: &'static str,
    /// The rule id.
    pub rule_id: String,
    /// The legal source.
    pub source: String,
}

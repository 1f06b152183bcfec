//! A statutory date as shown beside a procedure (a sale, a procurement): the day, whether it is a
//! floor or a cap, and the rule and article it comes from.

use jiff::civil::Date;

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

//! Pure domain model of the ggzy platform (公共资源交易平台).
//!
//! Architecture invariant: this crate does no IO, reads no clock, draws no randomness and reads no
//! environment variables. Everything that varies (time, the region table, random seeds) is an input.
//! Values are parsed into validated types at the edge ("parse, don't validate"): a `CreditCode` that
//! exists is a valid one.

pub mod alert;
pub mod auction;
pub mod authz;
pub mod calendar;
pub mod china_time;
pub mod code_error;
pub mod complaint;
pub mod credit;
pub mod credit_code;
pub mod deadline;
pub mod evaluation;
pub mod expert;
pub mod lot_award;
pub mod money;
pub mod org_code;
pub mod person_key;
pub mod procurement;
pub mod project;
pub mod region;
pub mod related_bidders;
pub mod resident_id;
pub mod role;
pub mod ruleset;
pub mod sale;
pub mod tender;
pub mod transition_table;
pub mod venue;

pub use code_error::CodeError;
pub use credit_code::CreditCode;
pub use expert::{Expert, ExpertId, ExpertStatus};
pub use money::{Fen, MoneyError};
pub use org_code::OrgCode;
pub use region::{Region, RegionCode, RegionLevel, RegionTable, RegionTableError};
pub use resident_id::{ResidentId, Sex};
pub use role::Role;

//! Storage of the ggzy platform: the hash-chained event log, its projections and the operational
//! tables (sessions, credentials, idempotency), on SQLite or PostgreSQL through one `sqlx::AnyPool`.
//!
//! Architecture invariant: only this crate knows SQL. All writes to the event log go through one
//! appender task per process ([`appender`]), which groups pending appends into one transaction and
//! one sync (group commit). On PostgreSQL a transaction-scoped advisory lock serializes appenders of
//! several processes, so positions always commit in order: the change feed's watermark
//! (`MAX(position)`) therefore never skips a row that commits later.

pub mod actor_lookup;
pub mod alert;
pub mod appender;
mod bid_batch;
pub mod blob;
pub mod connect;
pub mod credit;
pub mod error;
pub mod event;
pub mod expert;
pub mod feed;
pub mod idempotency;
pub mod identity;
pub mod inline_blob;
pub mod ocds_import;
pub mod procurement;
pub mod projection;
pub mod read;
pub mod sale;
pub mod tender_projection;
pub mod tender_read;
#[cfg(feature = "testkit")]
pub mod testkit;
pub mod tree_head;
pub mod verify;

pub use connect::{Backend, Store, StoreOptions};
pub use error::StoreError;
pub use event::{AppendRequest, Appended, ExpectedVersion, NewEvent, StoredEvent};
pub use projection::ProjectionOp;

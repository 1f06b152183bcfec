//! Errors of the store, mapped once from driver errors.

use std::sync::Arc;

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Optimistic concurrency: the stream is not at the version the caller expected.
    #[error("stream {stream_id} is at version {actual}, expected {expected}")]
    VersionConflict {
        /// The stream.
        stream_id: String,
        /// What the caller expected (0 = the stream must not exist yet).
        expected: i64,
        /// The stream's current version.
        actual: i64,
    },
    /// A unique constraint was violated (the thing already exists).
    #[error("duplicate: {0}")]
    Duplicate(String),
    /// The appender task has stopped (the server is shutting down).
    #[error("the event appender has stopped")]
    Closed,
    /// The request is malformed (a bug in the caller, not user input).
    #[error("invalid append request: {0}")]
    Invalid(&'static str),
    /// A guard of the append did not hold inside its transaction (the state moved on meanwhile).
    #[error("precondition failed: {0}")]
    PreconditionFailed(&'static str),
    /// The database URL names no backend we support.
    #[error("unsupported database URL (use sqlite://PATH or postgres://...): {0}")]
    UnsupportedUrl(String),
    /// Migrations failed.
    #[error("migration failed")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    /// The database failed or is unreachable.
    #[error("database error")]
    Unavailable(#[source] Arc<sqlx::Error>),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> StoreError {
        if let sqlx::Error::Database(db) = &error
            && db.is_unique_violation()
        {
            return StoreError::Duplicate(db.message().to_owned());
        }
        StoreError::Unavailable(Arc::new(error))
    }
}

/// Result alias of the store.
pub type StoreResult<T> = Result<T, StoreError>;

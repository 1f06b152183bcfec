//! Event types as the store sees them: opaque JSON payloads with chain metadata.

use crate::projection::ProjectionOp;

/// An event to append; position, version, hashes are assigned by the appender.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// The stream (aggregate) the event belongs to.
    pub stream_id: String,
    /// Event type name.
    pub event_type: String,
    /// Region (tenant) of the event.
    pub region_code: String,
    /// JSON payload, stored and hashed byte for byte.
    pub payload: String,
}

/// The version a stream must be at for an append to go through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpectedVersion {
    /// No check (used for streams where concurrent appends are legitimate).
    Any,
    /// The stream must not exist yet.
    NoStream,
    /// The stream must be exactly at this version.
    Exactly(i64),
}

/// One caller's atomic append: all its events and projection updates commit together or not at all.
#[derive(Debug, Clone)]
pub struct AppendRequest {
    /// Who caused the events.
    pub actor: String,
    /// When the command was decided, UTC milliseconds (from the app's clock).
    pub recorded_at_ms: i64,
    /// Version checks, one per stream touched.
    pub expected: Vec<(String, ExpectedVersion)>,
    /// The events, in order.
    pub events: Vec<NewEvent>,
    /// Projection updates applied in the same transaction.
    pub projections: Vec<ProjectionOp>,
}

/// Where an append landed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    /// Position of the first event appended.
    pub first_position: i64,
    /// Position of the last event appended.
    pub last_position: i64,
    /// Version of each stream after the append, in the order streams first appear in the events.
    pub stream_versions: Vec<(String, i64)>,
    /// Hash of each event appended, in order (receipts name them).
    pub hashes: Vec<Vec<u8>>,
}

/// An event row as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    /// Global position, 1-based, contiguous.
    pub position: i64,
    /// The stream.
    pub stream_id: String,
    /// Version of the stream after this event.
    pub stream_version: i64,
    /// Event type name.
    pub event_type: String,
    /// Region (tenant).
    pub region_code: String,
    /// Who caused it.
    pub actor: String,
    /// When it was recorded, UTC ms.
    pub recorded_at_ms: i64,
    /// JSON payload.
    pub payload: String,
    /// Hash of the previous event.
    pub prev_hash: Vec<u8>,
    /// SM3 hash of this row, chained.
    pub hash: Vec<u8>,
}

impl StoredEvent {
    /// The fields covered by the row's hash.
    pub fn fields(&self) -> ggzy_crypto::chain::EventFields<'_> {
        ggzy_crypto::chain::EventFields {
            position: self.position,
            stream_id: &self.stream_id,
            stream_version: self.stream_version,
            event_type: &self.event_type,
            region_code: &self.region_code,
            actor: &self.actor,
            recorded_at_ms: self.recorded_at_ms,
            payload: &self.payload,
            prev_hash: &self.prev_hash,
        }
    }
}

/// Columns of `event` in the order every query selects them.
pub(crate) const EVENT_COLUMNS: &str =
    "position, stream_id, stream_version, event_type, region_code, actor, recorded_at_ms, payload, prev_hash, hash";

pub(crate) fn event_from_row(row: &sqlx::any::AnyRow) -> Result<StoredEvent, sqlx::Error> {
    use sqlx::Row;
    Ok(StoredEvent {
        position: row.try_get(0)?,
        stream_id: row.try_get(1)?,
        stream_version: row.try_get(2)?,
        event_type: row.try_get(3)?,
        region_code: row.try_get(4)?,
        actor: row.try_get(5)?,
        recorded_at_ms: row.try_get(6)?,
        payload: row.try_get(7)?,
        prev_hash: row.try_get(8)?,
        hash: row.try_get(9)?,
    })
}

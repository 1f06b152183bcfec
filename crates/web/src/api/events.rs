//! The audit feed of the event log, with its watermark.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::WebState;
use crate::api::rfc3339;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiQuery, RequireActor};

/// Where to read from.
#[derive(Debug, Deserialize, IntoParams)]
pub struct FeedQuery {
    /// Return events after this position (the previous page's `next_after`; 0 from the start).
    after: Option<i64>,
    /// Page size (1 to 1000, default 100).
    limit: Option<i64>,
}

/// An event of the record.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventDto {
    /// Global position.
    position: i64,
    /// Stream (aggregate).
    stream_id: String,
    /// Version of the stream after this event.
    stream_version: i64,
    /// Event type.
    event_type: String,
    /// Region (tenant).
    region_code: String,
    /// Who caused it.
    actor: String,
    /// When (RFC 3339, UTC).
    recorded_at: String,
    /// When, UTC milliseconds (the hashed value).
    recorded_at_ms: i64,
    /// The payload exactly as stored and hashed.
    payload: String,
    /// SM3 hash of the previous event (hex).
    prev_hash: String,
    /// SM3 hash of this event (hex), chained.
    hash: String,
}

/// A page of the feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedResponse {
    /// Events in position order.
    events: Vec<EventDto>,
    /// Every position up to here is committed and was considered.
    watermark: i64,
    /// Pass as `after` for the next page.
    next_after: i64,
}

/// Events of the regions the caller oversees (regulators, centre staff, admins).
#[utoipa::path(get, path = "/api/v1/events", tag = "audit", params(FeedQuery), responses(
    (status = 200, body = FeedResponse),
    (status = 403, body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn event_feed(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    ApiQuery(query): ApiQuery<FeedQuery>,
) -> ApiResult<axum::Json<FeedResponse>> {
    let page = state.app.event_feed(&actor, query.after.unwrap_or(0), query.limit.unwrap_or(100)).await?;
    Ok(axum::Json(FeedResponse {
        events: page
            .events
            .into_iter()
            .map(|e| EventDto {
                position: e.position,
                recorded_at: rfc3339(e.recorded_at_ms),
                stream_id: e.stream_id,
                stream_version: e.stream_version,
                event_type: e.event_type,
                region_code: e.region_code,
                actor: e.actor,
                recorded_at_ms: e.recorded_at_ms,
                payload: e.payload,
                prev_hash: hex::encode(e.prev_hash),
                hash: hex::encode(e.hash),
            })
            .collect(),
        watermark: page.watermark,
        next_after: page.next_after,
    }))
}

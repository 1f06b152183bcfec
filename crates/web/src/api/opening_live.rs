//! The opening hall's live view (不见面开标): `GET /api/v1/tenders/{id}/opening/live` sends the whole
//! opening whenever it changes, and the server's clock every second, so that a remote bidder follows
//! the deadline, the decryptions and the signed record without reloading.

use std::convert::Infallible;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use ggzy_app::AppError;
use ggzy_app::opening_hall::OpeningSubscription;

use crate::WebState;
use crate::api::opening::opening_dto;
use crate::error::{ApiResult, ErrorBody};

const CLOCK_EVERY: Duration = Duration::from_secs(1);

/// The opening hall, live.
#[utoipa::path(get, path = "/api/v1/tenders/{tender_id}/opening/live", tag = "opening", responses(
    (status = 200, content_type = "text/event-stream", description = "`waiting` before the opening starts (`{bid_deadline_ms, server_now_ms}`: nothing about bids, 招标投标法 第二十二条); `opening` with the whole opening as `GET …/opening` gives it, at the start and after every change (a reconnecting client gets it whole again); `clock` `{server_now_ms, bid_deadline_ms}` every second"),
    (status = 404, description = "not_found", body = ErrorBody),
))]
pub async fn live_opening(
    State(state): State<WebState>,
    Path(tender_id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let subscription = state.app.watch_opening(&tender_id).await?;
    let deadline_ms = state.app.tender(&tender_id).await?.bid_deadline_ms;
    let mut ticker = tokio::time::interval(CLOCK_EVERY);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let hall = Hall { state, tender_id, deadline_ms, subscription, ticker, first: true };
    let stream = futures_util::stream::unfold(hall, |mut hall| async move {
        let frame = hall.next().await?;
        Some((Ok::<_, Infallible>(frame), hall))
    });
    let headers = [(header::CONTENT_TYPE, "text/event-stream"), (header::CACHE_CONTROL, "no-cache")];
    Ok((headers, Body::from_stream(stream)))
}

/// One watcher of the hall.
struct Hall {
    state: WebState,
    tender_id: String,
    deadline_ms: Option<i64>,
    subscription: OpeningSubscription,
    ticker: tokio::time::Interval,
    first: bool,
}

impl Hall {
    /// The next SSE event; `None` ends the stream.
    async fn next(&mut self) -> Option<Bytes> {
        if std::mem::take(&mut self.first) {
            // The first tick fires at once: skip it, the snapshot tells the time.
            self.ticker.tick().await;
            return self.snapshot().await;
        }
        let changed = tokio::select! {
            _ = self.subscription.closing.wait_for(|closing| *closing) => return None,
            changed = self.subscription.changes.changed() => changed.is_ok(),
            _ = self.ticker.tick() => {
                let data = serde_json::json!({"server_now_ms": self.state.app.now_ms(), "bid_deadline_ms": self.deadline_ms});
                return Some(Bytes::from(format!("event: clock\ndata: {data}\n\n")));
            }
        };
        if changed { self.snapshot().await } else { None }
    }

    /// The opening now, or `waiting` before it starts.
    async fn snapshot(&mut self) -> Option<Bytes> {
        self.subscription.changes.borrow_and_update();
        match self.state.app.opening(&self.tender_id).await {
            Ok(view) => {
                let data = serde_json::to_string(&opening_dto(view)).ok()?;
                Some(Bytes::from(format!("event: opening\ndata: {data}\n\n")))
            }
            Err(AppError::Refused { code: "opening_not_started", .. }) => {
                let data =
                    serde_json::json!({"bid_deadline_ms": self.deadline_ms, "server_now_ms": self.state.app.now_ms()});
                Some(Bytes::from(format!("event: waiting\ndata: {data}\n\n")))
            }
            Err(_) => None,
        }
    }
}

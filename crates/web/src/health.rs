//! Liveness, readiness and metrics endpoints for operators.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;

use crate::WebState;
use crate::error::ApiError;

/// `/healthz`, `/readyz`, `/metrics`.
pub fn routes() -> Router<WebState> {
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz)).route("/metrics", get(metrics))
}

/// The process is up.
async fn healthz() -> &'static str {
    "ok"
}

/// The process can serve: the database answers.
async fn readyz(State(state): State<WebState>) -> Result<&'static str, ApiError> {
    match state.app.store().ping().await {
        Ok(()) => Ok("ready"),
        Err(error) => {
            tracing::warn!(error = %error, "readiness check failed");
            Err(ApiError::new("unavailable", "数据库暂不可用，请稍后重试"))
        }
    }
}

/// Prometheus text format.
async fn metrics(State(state): State<WebState>) -> impl IntoResponse {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")],
        state.metrics.render(),
    )
}

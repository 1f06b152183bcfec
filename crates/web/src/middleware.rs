//! The middleware every request passes: request ids, tracing, metrics, security headers, body
//! limits and idempotency keys.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::Response;
use tower_http::request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::WebState;
use crate::metrics::RequestLabels;

/// Header carrying the request id (set by us unless the client or a proxy sent one).
pub const REQUEST_ID: &str = "x-request-id";

/// Content Security Policy of every response: our own origin only, no framing.
pub const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
                       script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
                       frame-ancestors 'none'";

/// Request ids: a per-process prefix and a counter, short and unique within a deployment's logs.
#[derive(Clone)]
struct RequestIds {
    prefix: u32,
    counter: Arc<AtomicU64>,
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _request: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{:08x}-{n:06}", self.prefix)).ok().map(RequestId::new)
    }
}

fn process_prefix() -> u32 {
    // Not a secret, only distinct between restarts: pid mixed with the start time.
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    std::process::id().rotate_left(16) ^ nanos
}

/// Wraps the router in every layer. Order matters: the request id is set first, so the trace
/// span and the response carry it.
pub fn apply(router: Router, state: WebState) -> Router {
    let request_id = HeaderName::from_static(REQUEST_ID);
    let ids = RequestIds { prefix: process_prefix(), counter: Arc::new(AtomicU64::new(1)) };
    let trace = TraceLayer::new_for_http()
        .make_span_with(|request: &axum::http::Request<_>| {
            let id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
        })
        .on_failure(());
    router
        .layer(from_fn_with_state(state.clone(), crate::idempotency::layer))
        .layer(DefaultBodyLimit::max(state.config.max_json_bytes))
        .layer(from_fn_with_state(state, record_metrics))
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(trace)
        .layer(SetRequestIdLayer::new(request_id, ids))
}

async fn record_metrics(State(state): State<WebState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", |p| p.as_str()).to_owned();
    let response = next.run(request).await;
    let labels = RequestLabels { method, route, status: response.status().as_u16() };
    state.metrics.requests.get_or_create(&labels).inc();
    state.metrics.latency.get_or_create(&labels).observe(started.elapsed().as_secs_f64());
    if response.status().is_server_error() {
        tracing::error!(status = response.status().as_u16(), "request failed");
    }
    response
}

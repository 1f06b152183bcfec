//! The HTTP interface of ggzy: `/api/v1` JSON with its OpenAPI 3.1 document, server-rendered
//! zh-CN pages, health and metrics endpoints.
//!
//! Architecture invariant: only this crate knows HTTP. Handlers parse input into validated domain
//! types, call one app use case, and map errors once through [`error::ApiError`]. Access decisions
//! are never made here: the app asks the domain's policy table.

pub mod api;
pub mod error;
pub mod extract;
pub mod fields;
pub mod health;
pub mod idempotency;
pub mod metrics;
pub mod middleware;
pub mod pages;

use std::sync::Arc;

pub use axum::Router;
use ggzy_app::App;

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark session cookies `Secure` (off only for plain-HTTP development and tests).
    pub cookie_secure: bool,
    /// Requests per second per client IP on public endpoints (portal reads, login).
    pub public_rate_per_second: u64,
    /// Burst allowed above the steady rate.
    pub public_rate_burst: u32,
    /// Largest JSON request body, in bytes.
    pub max_json_bytes: usize,
    /// Largest sealed bid file, in bytes (one-shot submissions are buffered for idempotency up to this).
    pub max_bid_bytes: usize,
}

impl Default for WebConfig {
    fn default() -> WebConfig {
        WebConfig {
            cookie_secure: true,
            public_rate_per_second: 20,
            public_rate_burst: 60,
            max_json_bytes: 1 << 20,
            max_bid_bytes: 200 << 20,
        }
    }
}

/// Shared state of every handler.
#[derive(Clone)]
pub struct WebState {
    /// The application.
    pub app: App,
    /// Prometheus metrics of this server.
    pub metrics: Arc<metrics::Metrics>,
    /// Settings.
    pub config: Arc<WebConfig>,
}

impl WebState {
    /// State for a server.
    pub fn new(app: App, config: WebConfig) -> WebState {
        WebState { app, metrics: Arc::new(metrics::Metrics::new()), config: Arc::new(config) }
    }
}

/// The whole router: API, docs, pages, health, with every middleware.
pub fn router(state: WebState) -> Router {
    let (api, openapi) = api::routes(&state);
    let router = Router::new()
        .merge(api)
        .merge(api::docs(openapi))
        .merge(pages::routes(&state))
        .merge(health::routes())
        .fallback(pages::not_found)
        .method_not_allowed_fallback(pages::method_not_allowed)
        .with_state(state.clone());
    middleware::apply(router, state)
}

/// Serves the platform on `listener` until `shutdown` resolves, then lets in-flight requests finish.
/// Client addresses are passed on (the public rate limit is per client IP).
pub async fn serve(
    router: Router,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service).with_graceful_shutdown(shutdown).await
}

//! Server-rendered zh-CN pages of the public service portal (askama, compile-time checked and
//! auto-escaped): home, notice list and detail with the procedure's timeline, search, entity
//! pages, the results list, the expert pool's statistics, the transparency page, Atom feeds, and the
//! land and property sales with their live page, and the government procurements with their
//! timelines and clocks; and the role workbenches behind sign-in (`workbench/`).
//! Every page reads without JavaScript and shows real data.
//!
//! One file per page family; `format.rs` holds the display helpers they share, `listing.rs` what
//! the filtered list pages share, and `error.rs` the page every failure renders as.

mod credit;
mod entities;
mod error;
mod experts;
mod feeds;
mod format;
mod home;
mod listing;
mod notices;
mod procurements;
mod results;
mod sales;
mod search;
mod transparency;
mod workbench;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::WebState;
use crate::api::OPENAPI_PATH;
use crate::error::ApiError;

use error::PageError;

/// The page for a path that does not exist.
#[derive(Template, WebTemplate)]
#[template(path = "not_found.html")]
struct NotFoundPage {
    path: String,
}

/// Page routes, rate-limited per client IP like the public API (anonymous readers, DESIGN §8).
pub fn routes(state: &WebState) -> Router<WebState> {
    Router::new()
        .route("/", get(home::home))
        .route("/notices", get(notices::list))
        .route("/notices/{tender_id}", get(notices::detail))
        .route("/results", get(results::list))
        .route("/search", get(search::search))
        .route("/entities/{credit_code}", get(entities::entity))
        .route("/transparency", get(transparency::transparency))
        .route("/experts/statistics", get(experts::statistics))
        .route("/credit", get(credit::list))
        .route("/procurements", get(procurements::list))
        .route("/procurements/{procurement_id}", get(procurements::detail))
        .route("/sales", get(sales::list))
        .route("/sales/{sale_id}", get(sales::detail))
        .route("/static/sale-live.js", get(sale_live_js))
        .route("/static/opening-hall.js", get(opening_hall_js))
        .route("/static/htmx.min.js", get(htmx_js))
        .route("/feeds/notices.atom", get(feeds::notices))
        .route("/feeds/results.atom", get(feeds::results))
        .merge(workbench::routes())
        // A browser over the limit gets the error as a page, like every other failed page.
        .layer(crate::api::rate_limit(state, |error| PageError::from(error).into_response()))
}

/// A script of ours, served from our origin (the CSP allows no inline script).
fn script(body: &'static str) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=300")], body)
}

/// The live sale page's script.
async fn sale_live_js() -> impl IntoResponse {
    script(include_str!("../../static/sale-live.js"))
}

/// The opening hall's script on the notice page.
async fn opening_hall_js() -> impl IntoResponse {
    script(include_str!("../../static/opening-hall.js"))
}

/// htmx 2, vendored (`static/htmx.min.js`): the notice list's filters update the list in place.
async fn htmx_js() -> impl IntoResponse {
    script(include_str!("../../static/htmx.min.js"))
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|accept| accept.contains("text/html"))
}

/// Unknown paths: JSON for the API and for API clients, a Chinese page for browsers.
pub async fn not_found(uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path().to_owned();
    if path.starts_with("/api/") || !wants_html(&headers) {
        return ApiError::new("route_not_found", format!("接口 {path} 不存在，请查阅接口文档 {OPENAPI_PATH}"))
            .into_response();
    }
    (StatusCode::NOT_FOUND, NotFoundPage { path }).into_response()
}

/// A known path with the wrong method.
pub async fn method_not_allowed(uri: Uri) -> ApiError {
    ApiError::new("method_not_allowed", format!("接口 {} 不支持该请求方法，请查阅接口文档 {OPENAPI_PATH}", uri.path()))
}

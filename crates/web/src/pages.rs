//! Server-rendered zh-CN pages (askama, compile-time checked and auto-escaped).

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::WebState;
use crate::api::OPENAPI_PATH;
use crate::error::ApiError;

/// The home page of the public service portal.
#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
struct HomePage {
    regions: Vec<RegionRow>,
    entities: Vec<EntityRow>,
}

struct RegionRow {
    code: String,
    name: String,
}

struct EntityRow {
    credit_code: String,
    name: String,
    region_name: String,
}

/// The page for a path that does not exist.
#[derive(Template, WebTemplate)]
#[template(path = "not_found.html")]
struct NotFoundPage {
    path: String,
}

/// Page routes.
pub fn routes() -> Router<WebState> {
    Router::new().route("/", get(home))
}

async fn home(State(state): State<WebState>) -> Result<HomePage, ApiError> {
    let regions = state
        .app
        .platform_regions()
        .await?
        .into_iter()
        .map(|r| RegionRow { code: r.region_code, name: r.name })
        .collect();
    let entities = state
        .app
        .list_entities(None, None, 20)
        .await?
        .into_iter()
        .map(|e| EntityRow { credit_code: e.credit_code, name: e.name, region_name: e.region_name })
        .collect();
    Ok(HomePage { regions, entities })
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

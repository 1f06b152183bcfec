//! `Idempotency-Key` on POST: a retry gets the first response; the same key with a different body
//! is refused; a key whose first request is still running answers 409.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use ggzy_app::idempotency::{Claim, credential_scope, request_digest};

use crate::WebState;
use crate::error::ApiError;
use crate::extract::SESSION_COOKIE;

/// The request header.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// Set on a replayed response.
pub const REPLAYED: &str = "idempotent-replayed";
/// Largest response body kept for replay.
const MAX_STORED_RESPONSE: usize = 1 << 20;

/// The middleware.
pub async fn layer(State(state): State<WebState>, request: Request, next: Next) -> Response {
    if request.method() != axum::http::Method::POST {
        return next.run(request).await;
    }
    let Some(key) = request.headers().get(IDEMPOTENCY_KEY) else {
        return next.run(request).await;
    };
    let key = match key.to_str() {
        Ok(key) if (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic()) => key.to_owned(),
        _ => {
            return ApiError::new("invalid_idempotency_key", "Idempotency-Key 须为1至255个可见ASCII字符，建议使用UUID")
                .into_response();
        }
    };
    let credential = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| CookieJar::from_headers(request.headers()).get(SESSION_COOKIE).map(|c| c.value().to_owned()));
    let scope = credential_scope(credential.as_deref());
    let (parts, body) = request.into_parts();
    // A one-shot sealed bid is octet-stream up to the one-shot limit; everything else is JSON.
    let is_file = parts
        .headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/octet-stream"));
    let one_shot = usize::try_from(ggzy_app::bid::ONE_SHOT_MAX_BYTES).unwrap_or(usize::MAX);
    let limit = if is_file { state.config.max_bid_bytes.min(one_shot) } else { state.config.max_json_bytes };
    let Ok(bytes) = to_bytes(body, limit).await else {
        return ApiError::new("payload_too_large", "请求体过大，请减小后重试").into_response();
    };
    let path = parts.uri.path_and_query().map_or("", |p| p.as_str());
    let digest = request_digest(parts.method.as_str(), path, &bytes);
    match state.app.claim_idempotency(&scope, &key, &digest).await {
        Err(error) => return ApiError::from(error).into_response(),
        Ok(Claim::Mismatch) => {
            return ApiError::new(
                "idempotency_key_reused",
                "该 Idempotency-Key 已用于另一个不同的请求，请为新请求换一个新的键",
            )
            .into_response();
        }
        Ok(Claim::InProgress) => {
            return ApiError::new("idempotency_key_in_progress", "使用该 Idempotency-Key 的请求仍在处理中，请稍后重试")
                .into_response();
        }
        Ok(Claim::Replay { status, body }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            let mut response = (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
            response.headers_mut().insert(REPLAYED, HeaderValue::from_static("true"));
            return response;
        }
        Ok(Claim::New) => {}
    }
    let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    let (mut parts, body) = response.into_parts();
    let bytes = match to_bytes(body, MAX_STORED_RESPONSE).await {
        Ok(bytes) => bytes,
        Err(_) => {
            let _ = state.app.release_idempotency(&scope, &key).await;
            return ApiError::new("internal_error", "响应过大，无法保存幂等结果").into_response();
        }
    };
    let stored = if parts.status.is_server_error() {
        state.app.release_idempotency(&scope, &key).await
    } else {
        state.app.complete_idempotency(&scope, &key, parts.status.as_u16(), &String::from_utf8_lossy(&bytes)).await
    };
    if let Err(error) = stored {
        tracing::error!(error = %error, "storing idempotent response failed");
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes))
}

//! Extractors: JSON bodies with our error codes, and the authenticated caller with the CSRF check.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Method, header};
use axum_extra::extract::CookieJar;
use ggzy_app::actor::Credential;
use ggzy_app::{Actor, AppError};
use serde::de::DeserializeOwned;

use crate::WebState;
use crate::error::ApiError;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "ggzy_session";
/// Header carrying the session's CSRF token on state-changing browser requests.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A JSON body; malformed JSON is `invalid_json` (400), wrong fields `invalid_body` (422).
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(JsonRejection::JsonSyntaxError(error)) => Err(ApiError::new(
                "invalid_json",
                format!("请求体不是合法的JSON，请检查括号、引号和逗号：{}", error.body_text()),
            )),
            Err(JsonRejection::JsonDataError(error)) => Err(ApiError::new(
                "invalid_body",
                format!("请求体字段缺失或类型错误，请对照接口文档修改：{}", error.body_text()),
            )),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::new(
                "unsupported_media_type",
                "请求体须为JSON，并设置请求头 Content-Type: application/json",
            )),
            Err(other) if other.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::new("payload_too_large", "请求体过大，请减小后重试"))
            }
            Err(other) => Err(ApiError::new("invalid_json", format!("无法读取请求体：{}", other.body_text()))),
        }
    }
}

/// The caller, if any: an API bearer token, else a live session cookie, else anonymous.
#[derive(Debug, Clone)]
pub struct MaybeActor(pub Option<Actor>);

/// The caller, who must be signed in.
#[derive(Debug, Clone)]
pub struct RequireActor(pub Actor);

fn bearer_token(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer "))?;
    Some(token.trim())
}

/// The session token from the cookie, if present.
pub fn session_token(parts: &Parts) -> Option<String> {
    CookieJar::from_headers(&parts.headers).get(SESSION_COOKIE).map(|cookie| cookie.value().to_owned())
}

impl FromRequestParts<WebState> for MaybeActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, ApiError> {
        if let Some(actor) = parts.extensions.get::<MaybeActor>() {
            return Ok(actor.clone());
        }
        let actor = if let Some(token) = bearer_token(parts) {
            // A token that was sent but is wrong is an error, never a silent downgrade to anonymous.
            Some(state.app.token_actor(token).await?)
        } else if let Some(token) = session_token(parts) {
            match state.app.session_actor(&token).await {
                Ok(actor) => Some(actor),
                Err(AppError::Unauthenticated) => None,
                Err(other) => return Err(other.into()),
            }
        } else {
            None
        };
        if let Some(Actor { credential: Credential::Session { csrf_token }, .. }) = &actor {
            let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
            let echoed = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if !safe && echoed != Some(csrf_token.as_str()) {
                return Err(AppError::CsrfMismatch.into());
            }
        }
        let actor = MaybeActor(actor);
        parts.extensions.insert(actor.clone());
        Ok(actor)
    }
}

impl FromRequestParts<WebState> for RequireActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, ApiError> {
        match MaybeActor::from_request_parts(parts, state).await? {
            MaybeActor(Some(actor)) => Ok(RequireActor(actor)),
            MaybeActor(None) => Err(AppError::Unauthenticated.into()),
        }
    }
}

/// Query parameters; malformed ones are `invalid_query` (400) with a Chinese message.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| ApiQuery(value))
            .map_err(|rejection| {
                ApiError::new(
                    "invalid_query",
                    format!("查询参数格式错误，请对照接口文档修改：{}", rejection.body_text()),
                )
            })
    }
}

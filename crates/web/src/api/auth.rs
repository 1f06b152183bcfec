//! Sign-in with server-side sessions, the current user, API tokens.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use ggzy_app::actor::Actor;
use ggzy_app::identity::NewSession;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::WebState;
use crate::api::rfc3339;
use crate::api::users::{UserDto, grant_dtos};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, MaybeActor, RequireActor, SESSION_COOKIE};

/// Credentials.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    /// Login name.
    username: String,
    /// Password.
    password: String,
}

/// A new session; the session itself travels in an HttpOnly cookie.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// Who signed in.
    user: UserDto,
    /// Send this in the `X-CSRF-Token` header with every state-changing request of this session.
    csrf_token: String,
    /// When the session expires (RFC 3339, UTC).
    expires_at: String,
}

pub(crate) fn actor_dto(actor: &Actor) -> UserDto {
    UserDto {
        user_id: actor.user_id.clone(),
        username: actor.username.clone(),
        display_name: actor.display_name.clone(),
        region_code: actor.region.as_str().to_owned(),
        roles: grant_dtos(&actor.grants),
        entities: actor.entities.clone(),
    }
}

/// Signs in with username and password (throttled after repeated failures).
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest, responses(
    (status = 200, body = LoginResponse),
    (status = 401, description = "login_failed", body = ErrorBody),
    (status = 429, description = "login_throttled, rate_limited", body = ErrorBody),
))]
pub async fn login(
    State(state): State<WebState>,
    jar: CookieJar,
    ApiJson(request): ApiJson<LoginRequest>,
) -> ApiResult<impl IntoResponse> {
    let session = state.app.login(request.username.trim(), &request.password).await?;
    let cookie = session_cookie(&state, &session);
    let body = LoginResponse {
        user: actor_dto(&session.actor),
        csrf_token: session.csrf_token,
        expires_at: rfc3339(session.expires_at_ms),
    };
    Ok((jar.add(cookie), axum::Json(body)))
}

/// The cookie that carries a new session (HttpOnly, `SameSite=Lax`, as long as the session lives);
/// the sign-in page sets the same one.
pub(crate) fn session_cookie(state: &WebState, session: &NewSession) -> Cookie<'static> {
    let max_age_s = (session.expires_at_ms - state.app.now_ms()) / 1000;
    Cookie::build((SESSION_COOKIE, session.token.clone()))
        .path("/")
        .http_only(true)
        .secure(state.config.cookie_secure)
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::seconds(max_age_s))
        .build()
}

/// The cookie that removes the session cookie.
pub(crate) fn session_cookie_removal() -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE).path("/").build()
}

/// Signs out (ends the session).
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204)))]
pub async fn logout(
    State(state): State<WebState>,
    MaybeActor(_actor): MaybeActor,
    jar: CookieJar,
) -> ApiResult<impl IntoResponse> {
    if let Some(cookie) = jar.get(SESSION_COOKIE) {
        state.app.logout(cookie.value()).await?;
    }
    Ok((jar.remove(session_cookie_removal()), StatusCode::NO_CONTENT))
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", responses(
    (status = 200, body = UserDto),
    (status = 401, description = "unauthenticated", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn me(RequireActor(actor): RequireActor) -> axum::Json<UserDto> {
    axum::Json(actor_dto(&actor))
}

/// An API token to issue.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ApiTokenRequest {
    /// What the token is for (shown in listings).
    name: String,
    /// Validity in days, 1 to 365.
    days: i64,
}

/// A new API token: the secret is shown only now.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTokenResponse {
    /// Public id, for revocation.
    token_id: String,
    /// Send as `Authorization: Bearer <token>`.
    token: String,
    /// Expiry (RFC 3339, UTC).
    expires_at: String,
}

/// Issues an API token acting as the signed-in user (for machine clients).
#[utoipa::path(post, path = "/api/v1/api-tokens", tag = "auth", request_body = ApiTokenRequest, responses(
    (status = 201, body = ApiTokenResponse),
    (status = 422, body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn issue_api_token(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    ApiJson(request): ApiJson<ApiTokenRequest>,
) -> ApiResult<impl IntoResponse> {
    let token = state.app.issue_api_token(&actor, &request.name, request.days).await?;
    let body =
        ApiTokenResponse { token_id: token.token_id, token: token.secret, expires_at: rfc3339(token.expires_at_ms) };
    Ok((StatusCode::CREATED, axum::Json(body)))
}

/// Revokes one of the user's API tokens.
#[utoipa::path(delete, path = "/api/v1/api-tokens/{token_id}", tag = "auth", responses(
    (status = 204), (status = 404, body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn revoke_api_token(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(token_id): Path<String>,
) -> ApiResult<StatusCode> {
    state.app.revoke_api_token(&actor, &token_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

//! Users and their roles (admin).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use ggzy_app::FieldError;
use ggzy_app::identity::{NewUser, UserView};
use ggzy_domain::role::{Role, RoleGrant};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::WebState;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, RequireActor};
use crate::fields::{self as parse, collect};

/// A role held for a region.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RoleGrantDto {
    /// `bidder`, `principal`, `agency`, `expert`, `center_staff`, `regulator` or `admin`.
    role: String,
    /// GB/T 2260 region code the role is held for.
    region_code: String,
}

/// A user.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserDto {
    /// User id.
    pub(crate) user_id: String,
    /// Login name.
    pub(crate) username: String,
    /// Name shown.
    pub(crate) display_name: String,
    /// Home region.
    pub(crate) region_code: String,
    /// Roles held.
    pub(crate) roles: Vec<RoleGrantDto>,
    /// Credit codes of the market entities the user acts for.
    pub(crate) entities: Vec<String>,
}

pub(crate) fn grant_dtos(grants: &[RoleGrant]) -> Vec<RoleGrantDto> {
    grants
        .iter()
        .map(|grant| RoleGrantDto {
            role: grant.role.as_str().to_owned(),
            region_code: grant.region.as_str().to_owned(),
        })
        .collect()
}

fn user_dto(view: UserView) -> UserDto {
    UserDto {
        roles: grant_dtos(&view.grants),
        user_id: view.user_id,
        username: view.username,
        display_name: view.display_name,
        region_code: view.region_code,
        entities: view.entities,
    }
}

/// A user to create.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateUserRequest {
    /// Login name: 3 to 32 of a-z 0-9 _ . -
    username: String,
    /// Name shown.
    display_name: String,
    /// Initial password, at least 10 characters.
    password: String,
    /// Home region.
    region_code: String,
    /// Roles to grant.
    #[serde(default)]
    roles: Vec<RoleGrantDto>,
}

/// Creates a user (admin of the regions concerned).
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = CreateUserRequest, responses(
    (status = 201, body = UserDto),
    (status = 409, description = "already_exists", body = ErrorBody),
    (status = 422, body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn create_user(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    ApiJson(request): ApiJson<CreateUserRequest>,
) -> ApiResult<impl IntoResponse> {
    let table = state.app.region_table();
    let mut errors = Vec::new();
    let region = collect(parse::region(table, "region_code", &request.region_code), &mut errors);
    let mut grants = Vec::new();
    for (i, grant) in request.roles.iter().enumerate() {
        let role = collect(
            grant
                .role
                .parse::<Role>()
                .map_err(|e| FieldError::new(format!("roles[{i}].role"), "invalid_role", e.to_string())),
            &mut errors,
        );
        let region = collect(parse::region(table, &format!("roles[{i}].region_code"), &grant.region_code), &mut errors);
        if let (Some(role), Some(region)) = (role, region) {
            grants.push(RoleGrant { role, region });
        }
    }
    let Some(region) = region.filter(|_| errors.is_empty()) else {
        return Err(ApiError::invalid(errors));
    };
    let new = NewUser {
        username: request.username.trim().to_owned(),
        display_name: request.display_name,
        password: request.password,
        region,
        grants,
    };
    let view = state.app.create_user(&actor, new).await?;
    Ok((StatusCode::CREATED, axum::Json(user_dto(view))))
}

/// Cursor paging of users.
#[derive(Debug, Deserialize, IntoParams)]
pub struct UserListQuery {
    /// Continue after this username.
    after: Option<String>,
    /// Page size (1 to 200, default 50).
    limit: Option<i64>,
}

/// Users of the admin's regions.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(UserListQuery), responses(
    (status = 200, body = [UserDto]),
), security(("session" = []), ("api_token" = [])))]
pub async fn list_users(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    ApiQuery(query): ApiQuery<UserListQuery>,
) -> ApiResult<axum::Json<Vec<UserDto>>> {
    let views = state.app.list_users(&actor, query.after.as_deref(), query.limit.unwrap_or(50)).await?;
    Ok(axum::Json(views.into_iter().map(user_dto).collect()))
}

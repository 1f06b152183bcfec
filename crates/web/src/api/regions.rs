//! Regions: the GB/T 2260 table and the regions running a (branch) platform.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use ggzy_app::AppError;
use ggzy_app::regions::PlatformRegionView;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::WebState;
use crate::api::rfc3339;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, RequireActor};
use crate::fields as parse;

/// A region of the GB/T 2260 table.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionDto {
    /// Six-digit code.
    code: String,
    /// Name.
    name: String,
    /// Full name, e.g. 浙江省杭州市西湖区.
    full_name: String,
    /// `province`, `prefecture` or `county`.
    level: String,
    /// The region above it.
    #[serde(skip_serializing_if = "Option::is_none")]
    parent_code: Option<String>,
}

/// A region running a platform (a tenant).
#[derive(Debug, Serialize, ToSchema)]
pub struct PlatformRegionDto {
    /// Region code.
    region_code: String,
    /// Full name.
    name: String,
    /// The platform above it (a county branch platform's city).
    #[serde(skip_serializing_if = "Option::is_none")]
    parent_code: Option<String>,
    /// Enabled (RFC 3339, UTC).
    enabled_at: String,
}

fn platform_dto(view: PlatformRegionView) -> PlatformRegionDto {
    PlatformRegionDto {
        region_code: view.region_code,
        name: view.name,
        parent_code: view.parent_code,
        enabled_at: rfc3339(view.enabled_at_ms),
    }
}

/// Looks a code up in the GB/T 2260 table.
#[utoipa::path(get, path = "/api/v1/regions/{code}", tag = "regions", responses(
    (status = 200, body = RegionDto), (status = 422, body = ErrorBody),
))]
pub async fn get_region(State(state): State<WebState>, Path(code): Path<String>) -> ApiResult<axum::Json<RegionDto>> {
    let table = state.app.region_table();
    let code = parse::region(table, "code", &code).map_err(|e| ApiError::invalid(vec![e]))?;
    let region = table.get(&code).ok_or(AppError::NotFound { what: "行政区划" })?;
    Ok(axum::Json(RegionDto {
        code: region.code.as_str().to_owned(),
        name: region.name.clone(),
        full_name: table.full_name(&code).unwrap_or_else(|| region.name.clone()),
        level: region.level.as_str().to_owned(),
        parent_code: code.parent().map(|p| p.as_str().to_owned()),
    }))
}

/// Regions running a platform of this deployment.
#[utoipa::path(get, path = "/api/v1/platform-regions", tag = "regions", responses((status = 200, body = [PlatformRegionDto])))]
pub async fn list_platform_regions(State(state): State<WebState>) -> ApiResult<axum::Json<Vec<PlatformRegionDto>>> {
    Ok(axum::Json(state.app.platform_regions().await?.into_iter().map(platform_dto).collect()))
}

/// A region to enable.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EnableRegionRequest {
    /// GB/T 2260 code.
    region_code: String,
}

/// Enables a (branch) platform for a region (admin of the region or above).
#[utoipa::path(post, path = "/api/v1/platform-regions", tag = "regions", request_body = EnableRegionRequest, responses(
    (status = 201, body = PlatformRegionDto),
    (status = 409, description = "already_exists", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn enable_platform_region(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    ApiJson(request): ApiJson<EnableRegionRequest>,
) -> ApiResult<impl IntoResponse> {
    let code = parse::region(state.app.region_table(), "region_code", &request.region_code)
        .map_err(|e| ApiError::invalid(vec![e]))?;
    let view = state.app.enable_platform_region(&actor, &code).await?;
    Ok((StatusCode::CREATED, axum::Json(platform_dto(view))))
}

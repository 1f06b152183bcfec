//! Credit records over HTTP: the supervising authority records penalties and restrictions and revokes
//! them; anyone reads them (信用信息公示).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use ggzy_app::credit::{CreditDecision, CreditRecordView, NewCreditRecord};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::WebState;
use crate::api::rfc3339;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, RequireActor};
use crate::fields as parse;

/// A decision to record.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewCreditRecordRequest {
    /// The entity's credit code.
    credit_code: String,
    /// The deciding authority's region (GB/T 2260): a regulator of it or above records.
    region_code: String,
    /// `penalty` (行政处罚) or `restriction` (禁止参加交易活动, 失信惩戒).
    kind: String,
    /// Restrictions: `tendering` (依法必须进行招标的项目), `procurement` (政府采购) or `all`.
    #[serde(default)]
    scope: Option<String>,
    /// The deciding authority.
    authority: String,
    /// The decision's document number (文号).
    document_no: String,
    /// Decided on, `YYYY-MM-DD`.
    decided_on: String,
    /// Restrictions: first day barred, `YYYY-MM-DD`.
    #[serde(default)]
    barred_from: Option<String>,
    /// Restrictions: last day barred, `YYYY-MM-DD` (at most three years, 政府采购法 第七十七条).
    #[serde(default)]
    barred_until: Option<String>,
    /// Legal basis: law and article, e.g. `招标投标法实施条例 第六十七条`.
    basis: String,
    /// What it was for.
    facts: String,
}

/// A decision as published.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreditRecordDto {
    /// Record id.
    record_id: String,
    /// The entity.
    credit_code: String,
    /// Its name.
    entity_name: String,
    /// The authority's region.
    region_code: String,
    /// `penalty` or `restriction`.
    kind: String,
    /// In Chinese.
    kind_label: String,
    /// Restrictions: the scope.
    scope: Option<String>,
    /// In Chinese.
    scope_label: Option<String>,
    /// The authority.
    authority: String,
    /// The document number.
    document_no: String,
    /// Decided on.
    decided_on: String,
    /// First day barred.
    barred_from: Option<String>,
    /// Last day barred.
    barred_until: Option<String>,
    /// Legal basis.
    basis: String,
    /// What it was for.
    facts: String,
    /// Recorded (RFC 3339).
    recorded_at: String,
    /// Whether it bars the entity today.
    in_force: bool,
    /// Revoked: why.
    revoked_reason: Option<String>,
    /// Revoked: when (RFC 3339).
    revoked_at: Option<String>,
}

/// The DTO of a view.
pub fn credit_dto(view: CreditRecordView) -> CreditRecordDto {
    let row = view.row;
    CreditRecordDto {
        record_id: row.record_id,
        credit_code: row.credit_code,
        entity_name: view.entity_name,
        region_code: row.region_code,
        kind: view.kind.as_str().to_owned(),
        kind_label: view.kind.label().to_owned(),
        scope: view.scope.map(|scope| scope.as_str().to_owned()),
        scope_label: view.scope.map(|scope| scope.label().to_owned()),
        authority: row.authority,
        document_no: row.document_no,
        decided_on: row.decided_on,
        barred_from: row.barred_from,
        barred_until: row.barred_until,
        basis: row.basis,
        facts: row.facts,
        recorded_at: rfc3339(row.recorded_at_ms),
        in_force: view.in_force,
        revoked_reason: row.revoked_reason,
        revoked_at: row.revoked_at_ms.map(rfc3339),
    }
}

/// Records a penalty or a restriction (监管部门).
#[utoipa::path(post, path = "/api/v1/credit-records", tag = "credit", request_body = NewCreditRecordRequest, responses(
    (status = 201, body = CreditRecordDto),
    (status = 403, description = "forbidden (regulators of the region only)", body = ErrorBody),
    (status = 404, description = "not_found (no such entity)", body = ErrorBody),
    (status = 422, description = "invalid_kind, invalid_date, invalid_text, invalid_restriction_period, invalid_legal_basis", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn record_credit(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    ApiJson(request): ApiJson<NewCreditRecordRequest>,
) -> ApiResult<(StatusCode, axum::Json<CreditRecordDto>)> {
    let region = parse::region(state.app.region_table(), "region_code", &request.region_code)
        .map_err(|error| ApiError::invalid(vec![error]))?;
    let decision = CreditDecision {
        credit_code: request.credit_code,
        kind: request.kind,
        scope: request.scope,
        authority: request.authority,
        document_no: request.document_no,
        decided_on: request.decided_on,
        barred_from: request.barred_from,
        barred_until: request.barred_until,
        basis: request.basis,
        facts: request.facts,
    };
    let new = NewCreditRecord { region, decision };
    Ok((StatusCode::CREATED, axum::Json(credit_dto(state.app.record_credit(&actor, new).await?))))
}

/// Why a decision is revoked.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RevocationRequest {
    /// E.g. the review decision or judgment that overturned it.
    reason: String,
}

/// Revokes a decision overturned on review or in court; it stays published, marked revoked.
#[utoipa::path(post, path = "/api/v1/credit-records/{record_id}/revocation", tag = "credit", request_body = RevocationRequest, responses(
    (status = 200, body = CreditRecordDto),
    (status = 409, description = "already_revoked", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn revoke_credit(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(record_id): Path<String>,
    ApiJson(request): ApiJson<RevocationRequest>,
) -> ApiResult<axum::Json<CreditRecordDto>> {
    Ok(axum::Json(credit_dto(state.app.revoke_credit(&actor, &record_id, &request.reason).await?)))
}

/// Which records to list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct CreditQuery {
    /// One entity's records only.
    credit_code: Option<String>,
}

/// The published credit records, newest first (one entity's with `credit_code`).
#[utoipa::path(get, path = "/api/v1/credit-records", tag = "credit", params(CreditQuery), responses(
    (status = 200, body = Vec<CreditRecordDto>),
))]
pub async fn list_credit(
    State(state): State<WebState>,
    Query(query): Query<CreditQuery>,
) -> ApiResult<axum::Json<Vec<CreditRecordDto>>> {
    let views = match query.credit_code.as_deref().map(str::trim).filter(|code| !code.is_empty()) {
        Some(code) => state.app.entity_credit_records(code).await?,
        None => state.app.credit_records(100).await?,
    };
    Ok(axum::Json(views.into_iter().map(credit_dto).collect()))
}

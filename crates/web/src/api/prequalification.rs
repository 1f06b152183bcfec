//! Pre-qualification (资格预审, 招标投标法实施条例 第十五条至第十九条): the notice with its sale and
//! application periods, applications, and the review's result.

use axum::extract::{Path, State};
use ggzy_app::prequalification::PqResultInput;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::WebState;
use crate::api::tenders::{TenderDto, tender_dto};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, RequireActor};
use crate::fields as parse;

/// The pre-qualification notice.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PrequalificationRequest {
    /// Last day the documents are on sale, `YYYY-MM-DD` (at least 5 days from today, 条例 第十六条).
    sale_ends: String,
    /// Application deadline, RFC 3339 (at least 5 days after the sale ends, 条例 第十七条).
    application_deadline: String,
}

/// Publishes the pre-qualification notice.
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/prequalification", tag = "tenders",
    request_body = PrequalificationRequest, responses(
        (status = 200, body = TenderDto),
        (status = 409, description = "invalid_transition", body = ErrorBody),
        (status = 422, description = "deadline_below_statutory_minimum, invalid_time", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn publish_prequalification(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(tender_id): Path<String>,
    ApiJson(request): ApiJson<PrequalificationRequest>,
) -> ApiResult<axum::Json<TenderDto>> {
    let sale_ends =
        parse::day("sale_ends", "发售截止日", &request.sale_ends).map_err(|e| ApiError::invalid(vec![e]))?;
    let deadline_ms = parse::timestamp_ms("application_deadline", &request.application_deadline)
        .map_err(|e| ApiError::invalid(vec![e]))?;
    let view = state.app.publish_prequalification(&actor, &tender_id, sale_ends, deadline_ms).await?;
    Ok(axum::Json(tender_dto(view)))
}

/// An application.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ApplicationRequest {
    /// The applicant (the caller acts for it).
    applicant_credit_code: String,
}

/// Applies for pre-qualification before the application deadline.
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/prequalification/applications", tag = "tenders",
    request_body = ApplicationRequest, responses(
        (status = 200, body = TenderDto),
        (status = 409, description = "pq_deadline_passed, already_exists, invalid_transition", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn apply_for_prequalification(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(tender_id): Path<String>,
    ApiJson(request): ApiJson<ApplicationRequest>,
) -> ApiResult<axum::Json<TenderDto>> {
    let view = state.app.apply_for_prequalification(&actor, &tender_id, &request.applicant_credit_code).await?;
    Ok(axum::Json(tender_dto(view)))
}

/// An applicant that did not pass.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RejectedApplicant {
    /// Applicant.
    applicant_credit_code: String,
    /// Why (told to the applicant).
    reason: String,
}

/// The review's result.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PqResultRequest {
    /// Qualified applicants.
    qualified: Vec<String>,
    /// Rejected applicants.
    #[serde(default)]
    rejected: Vec<RejectedApplicant>,
}

/// Records the review's result after the application deadline; fewer than 3 qualified fails the
/// tender (条例 第十九条).
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/prequalification/result", tag = "tenders",
    request_body = PqResultRequest, responses(
        (status = 200, body = TenderDto),
        (status = 409, description = "pq_deadline_not_passed, invalid_transition", body = ErrorBody),
        (status = 422, description = "pq_result_incomplete, pq_applicant_unknown", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn record_prequalification(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(tender_id): Path<String>,
    ApiJson(request): ApiJson<PqResultRequest>,
) -> ApiResult<axum::Json<TenderDto>> {
    let result = PqResultInput {
        qualified: request.qualified,
        rejected: request.rejected.into_iter().map(|r| (r.applicant_credit_code, r.reason)).collect(),
    };
    Ok(axum::Json(tender_dto(state.app.record_prequalification(&actor, &tender_id, result).await?)))
}

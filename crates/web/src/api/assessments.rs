//! Assessments of drawn experts after the evaluation (评标专家考核评价).

use axum::extract::{Path, State};
use ggzy_app::expert::{AssessmentInput, AssessmentRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::WebState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, RequireActor};

/// An assessment to record.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AssessmentRequest {
    /// A drawn expert who sat on the lot's committee.
    expert_id: String,
    /// `excellent` (优秀), `good` (良好), `adequate` (合格) or `unqualified` (不合格).
    rating: String,
    /// Remarks; the facts and reasons when `unqualified`.
    #[serde(default)]
    remarks: String,
}

/// An assessment.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentDto {
    /// The expert.
    expert_id: String,
    /// Tender.
    tender_id: String,
    /// Lot.
    lot_id: String,
    /// Rating.
    rating: String,
    /// Remarks.
    remarks: String,
    /// When (UTC ms).
    assessed_at_ms: i64,
}

fn dto(row: AssessmentRow) -> AssessmentDto {
    AssessmentDto {
        expert_id: row.expert_id,
        tender_id: row.tender_id,
        lot_id: row.lot_id,
        rating: row.rating,
        remarks: row.remarks,
        assessed_at_ms: row.assessed_at_ms,
    }
}

/// The principal or agency assesses a drawn expert's work on the lot, once, after the report.
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/expert-assessments", tag = "experts",
    request_body = AssessmentRequest, responses(
        (status = 201, body = AssessmentDto),
        (status = 409, description = "assessment_before_report, expert_already_assessed", body = ErrorBody),
        (status = 422, description = "expert_not_on_committee, assessment_rating_invalid, assessment_remarks_invalid", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn assess_expert(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<AssessmentRequest>,
) -> ApiResult<(axum::http::StatusCode, axum::Json<AssessmentDto>)> {
    let input = AssessmentInput { expert_id: request.expert_id, rating: request.rating, remarks: request.remarks };
    let row = state.app.assess_expert(&actor, &tender_id, &lot_id, input).await?;
    Ok((axum::http::StatusCode::CREATED, axum::Json(dto(row))))
}

/// An expert's assessments (personal data: the centre, the regulators and the expert).
#[utoipa::path(get, path = "/api/v1/experts/{expert_id}/assessments", tag = "experts", responses(
    (status = 200, body = [AssessmentDto]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn expert_assessments(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(expert_id): Path<String>,
) -> ApiResult<axum::Json<Vec<AssessmentDto>>> {
    let rows = state.app.expert_assessments(&actor, &expert_id).await?;
    Ok(axum::Json(rows.into_iter().map(dto).collect()))
}

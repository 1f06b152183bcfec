//! Complaints to the regulator (投诉, 招标投标法实施条例 第六十条、第六十一条), with both clocks shown.

use axum::extract::{Path, State};
use ggzy_app::complaint::ComplaintView;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::WebState;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, RequireActor};

/// A complaint.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComplaintDto {
    /// Id.
    complaint_id: String,
    /// Tender.
    tender_id: String,
    /// The complainant.
    complainant_credit_code: String,
    /// What it says.
    text: String,
    /// The day the complainant knew or should have known.
    known_on: String,
    /// Day filed.
    filed_day: String,
    /// `filed`, `accepted`, `not_accepted`, `decided`.
    state: String,
    /// The state in Chinese.
    state_label: String,
    /// Last day to decide acceptance (3 working days); absent when the calendar does not reach it.
    acceptance_due: Option<String>,
    /// Day acceptance was decided.
    acceptance_day: Option<String>,
    /// Whether acceptance was decided in time.
    acceptance_in_time: Option<bool>,
    /// Why not accepted.
    refusal_reason: Option<String>,
    /// Last day for the decision (30 working days from acceptance); absent when not yet known.
    decision_due: Option<String>,
    /// Day decided.
    decision_day: Option<String>,
    /// Whether decided in time.
    decision_in_time: Option<bool>,
    /// Whether the complaint was upheld.
    upheld: Option<bool>,
    /// The decision.
    decision: Option<String>,
}

fn dto(view: ComplaintView) -> ComplaintDto {
    let refused = view.state == ggzy_domain::complaint::ComplaintState::NotAccepted;
    ComplaintDto {
        complaint_id: view.complaint_id,
        tender_id: view.tender_id,
        complainant_credit_code: view.complainant_credit_code,
        text: view.text,
        known_on: view.known_on.to_string(),
        filed_day: view.filed_day.to_string(),
        state: view.state.as_str().to_owned(),
        state_label: view.state.label().to_owned(),
        acceptance_due: view.acceptance_due.map(|d| d.to_string()),
        acceptance_day: view.acceptance.as_ref().map(|(d, _, _)| d.to_string()),
        acceptance_in_time: view.acceptance.as_ref().map(|(_, in_time, _)| *in_time),
        refusal_reason: view.acceptance.filter(|_| refused).map(|(_, _, reason)| reason),
        decision_due: view.decision_due.map(|d| d.to_string()),
        decision_day: view.decision.as_ref().map(|(d, _, _, _)| d.to_string()),
        decision_in_time: view.decision.as_ref().map(|(_, in_time, _, _)| *in_time),
        upheld: view.decision.as_ref().map(|(_, _, upheld, _)| *upheld),
        decision: view.decision.map(|(_, _, _, text)| text),
    }
}

type Complaint = ApiResult<axum::Json<ComplaintDto>>;

/// A complaint to file.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ComplaintRequest {
    /// The complainant (the caller acts for it).
    complainant_credit_code: String,
    /// The day it knew or should have known of the matter, `YYYY-MM-DD`.
    known_on: String,
    /// What it complains of, with its evidence.
    text: String,
}

/// Files a complaint about a tender with the regulator (within 10 days of knowing, 条例 第六十条).
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/complaints", tag = "supervision",
    request_body = ComplaintRequest, responses(
        (status = 200, body = ComplaintDto),
        (status = 422, description = "complaint_out_of_time (with the last day), invalid_time", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn file_complaint(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(tender_id): Path<String>,
    ApiJson(request): ApiJson<ComplaintRequest>,
) -> Complaint {
    let known_on = crate::fields::day("known_on", "知道或者应当知道之日", &request.known_on)
        .map_err(|e| ApiError::invalid(vec![e]))?;
    let view =
        state.app.file_complaint(&actor, &tender_id, &request.complainant_credit_code, known_on, &request.text).await?;
    Ok(axum::Json(dto(view)))
}

/// A complaint (the complainant, or the regulators of the tender's region).
#[utoipa::path(get, path = "/api/v1/complaints/{complaint_id}", tag = "supervision", responses(
    (status = 200, body = ComplaintDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn get_complaint(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(complaint_id): Path<String>,
) -> Complaint {
    Ok(axum::Json(dto(state.app.complaint(&actor, &complaint_id).await?)))
}

/// The regulator's acceptance decision.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AcceptanceRequest {
    /// Accept for handling (`true`) or not.
    accept: bool,
    /// Why not (required when not accepted).
    #[serde(default)]
    reason: String,
}

/// Accepts a complaint for handling or declines it (within 3 working days, 条例 第六十一条).
#[utoipa::path(post, path = "/api/v1/complaints/{complaint_id}/acceptance", tag = "supervision",
    request_body = AcceptanceRequest, responses(
        (status = 200, body = ComplaintDto), (status = 403, body = ErrorBody),
        (status = 409, description = "invalid_transition", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn decide_acceptance(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(complaint_id): Path<String>,
    ApiJson(request): ApiJson<AcceptanceRequest>,
) -> Complaint {
    let view = state.app.decide_complaint_acceptance(&actor, &complaint_id, request.accept, &request.reason).await?;
    Ok(axum::Json(dto(view)))
}

/// The regulator's written decision.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DecisionRequest {
    /// Whether the complaint is upheld.
    upheld: bool,
    /// The decision.
    decision: String,
}

/// Decides an accepted complaint (within 30 working days of acceptance, 条例 第六十一条).
#[utoipa::path(post, path = "/api/v1/complaints/{complaint_id}/decision", tag = "supervision",
    request_body = DecisionRequest, responses(
        (status = 200, body = ComplaintDto), (status = 403, body = ErrorBody),
        (status = 409, description = "invalid_transition", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn decide_complaint(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(complaint_id): Path<String>,
    ApiJson(request): ApiJson<DecisionRequest>,
) -> Complaint {
    let view = state.app.decide_complaint(&actor, &complaint_id, request.upheld, &request.decision).await?;
    Ok(axum::Json(dto(view)))
}

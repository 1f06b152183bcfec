//! Supervision alerts (预警) for the regulators: the lot screens' flags with their evidence, and
//! their handling (confirm or dismiss with a reason, refer a confirmed one).

use axum::extract::{Path, State};
use ggzy_app::alert::{AlertRow, AlertView};
use ggzy_domain::alert::{AlertCommand, AlertState};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::WebState;
use crate::api::rfc3339;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, RequireActor};

/// An alert in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertSummaryDto {
    /// Id.
    alert_id: String,
    /// Region of the tender.
    region_code: String,
    /// Tender.
    tender_id: String,
    /// Lot.
    lot_id: String,
    /// The screen's rule code.
    rule: String,
    /// Score, 0-1000.
    score_permille: i64,
    /// `new`, `confirmed`, `dismissed` or `referred`.
    state: String,
    /// Raised (RFC 3339).
    raised_at: String,
}

fn summary(row: AlertRow) -> AlertSummaryDto {
    AlertSummaryDto {
        alert_id: row.alert_id,
        region_code: row.region_code,
        tender_id: row.tender_id,
        lot_id: row.lot_id,
        rule: row.rule,
        score_permille: row.score_permille,
        state: row.state,
        raised_at: rfc3339(row.raised_at_ms),
    }
}

/// One evidence row.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceDto {
    /// What it is (e.g. `machine_id_hash`, `price_fen`).
    what: String,
    /// The value as recorded.
    value: String,
}

/// One review.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewDto {
    /// State after it.
    state: String,
    /// The regulator's reason.
    reason: String,
    /// When (RFC 3339).
    at: String,
}

/// An alert with its evidence and handling.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertDto {
    /// Id.
    alert_id: String,
    /// Region.
    region_code: String,
    /// Tender.
    tender_id: String,
    /// Lot.
    lot_id: String,
    /// The screen's rule code.
    rule: String,
    /// The rule in Chinese.
    label: String,
    /// The article it points to.
    article: String,
    /// Score, 0-1000.
    score_permille: i64,
    /// The bidders concerned.
    bidders: Vec<String>,
    /// Evidence.
    evidence: Vec<EvidenceDto>,
    /// State.
    state: String,
    /// State in Chinese.
    state_label: String,
    /// Raised (RFC 3339).
    raised_at: String,
    /// Reviews, oldest first.
    reviews: Vec<ReviewDto>,
    /// Stream version.
    version: i64,
}

fn dto(view: AlertView) -> AlertDto {
    let details = view.details;
    AlertDto {
        alert_id: details.alert_id,
        region_code: details.region_code,
        tender_id: details.tender_id,
        lot_id: details.lot_id,
        rule: details.rule,
        label: details.label,
        article: details.article,
        score_permille: details.score_permille,
        bidders: details.bidders,
        evidence: details.evidence.into_iter().map(|(what, value)| EvidenceDto { what, value }).collect(),
        state: view.state.as_str().to_owned(),
        state_label: view.state.label().to_owned(),
        raised_at: rfc3339(view.raised_at_ms),
        reviews: view
            .reviews
            .into_iter()
            .map(|(state, reason, at)| ReviewDto { state: state.as_str().to_owned(), reason, at: rfc3339(at) })
            .collect(),
        version: view.version,
    }
}

/// Query of the alert list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AlertQuery {
    /// Only alerts in this state (`new`, `confirmed`, `dismissed`, `referred`).
    #[serde(default)]
    state: Option<String>,
    /// Page size (1-500, default 100).
    #[serde(default)]
    limit: Option<i64>,
}

/// The alerts of the regions the caller supervises, newest first (regulators).
#[utoipa::path(get, path = "/api/v1/alerts", tag = "supervision", params(AlertQuery), responses(
    (status = 200, body = [AlertSummaryDto]), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn list_alerts(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    ApiQuery(query): ApiQuery<AlertQuery>,
) -> ApiResult<axum::Json<Vec<AlertSummaryDto>>> {
    let wanted = match query.state.as_deref().filter(|s| !s.is_empty()) {
        Some(text) => Some(AlertState::parse(text).ok_or_else(|| {
            ApiError::new("invalid_choice", "预警状态（state）须为 new、confirmed、dismissed 或 referred")
        })?),
        None => None,
    };
    let rows = state.app.alerts(&actor, wanted, query.limit.unwrap_or(100)).await?;
    Ok(axum::Json(rows.into_iter().map(summary).collect()))
}

/// One alert with its evidence (regulators of the tender's region).
#[utoipa::path(get, path = "/api/v1/alerts/{alert_id}", tag = "supervision", responses(
    (status = 200, body = AlertDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn get_alert(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(alert_id): Path<String>,
) -> ApiResult<axum::Json<AlertDto>> {
    Ok(axum::Json(dto(state.app.alert(&actor, &alert_id).await?)))
}

/// The regulator's finding on a new alert.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReviewRequest {
    /// `confirm` or `dismiss`.
    decision: String,
    /// What was found, or why it is unfounded.
    reason: String,
}

/// Confirms or dismisses a new alert, with the reason.
#[utoipa::path(post, path = "/api/v1/alerts/{alert_id}/review", tag = "supervision", request_body = ReviewRequest,
    responses(
        (status = 200, body = AlertDto),
        (status = 409, description = "invalid_transition", body = ErrorBody),
        (status = 422, description = "invalid_choice, invalid_text", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn review_alert(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(alert_id): Path<String>,
    ApiJson(request): ApiJson<ReviewRequest>,
) -> ApiResult<axum::Json<AlertDto>> {
    let command = match request.decision.as_str() {
        "confirm" => AlertCommand::Confirm,
        "dismiss" => AlertCommand::Dismiss,
        _ => return Err(ApiError::new("invalid_choice", "核查结论（decision）须为 confirm（确认）或 dismiss（排除）")),
    };
    Ok(axum::Json(dto(state.app.review_alert(&actor, &alert_id, command, &request.reason).await?)))
}

/// A referral.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReferralRequest {
    /// To whom and why (e.g. 移送公安机关, 立案调查).
    reason: String,
}

/// Refers a confirmed alert on for investigation or penalty.
#[utoipa::path(post, path = "/api/v1/alerts/{alert_id}/referral", tag = "supervision", request_body = ReferralRequest,
    responses(
        (status = 200, body = AlertDto),
        (status = 409, description = "invalid_transition (only a confirmed alert is referred)", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn refer_alert(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(alert_id): Path<String>,
    ApiJson(request): ApiJson<ReferralRequest>,
) -> ApiResult<axum::Json<AlertDto>> {
    Ok(axum::Json(dto(state.app.review_alert(&actor, &alert_id, AlertCommand::Refer, &request.reason).await?)))
}

//! Two-stage tendering (两阶段招标, 招标投标法实施条例 第三十条): the first-stage notice, technical
//! proposals without prices (one document each, sealed until their deadline), and the close of the
//! first stage with the settled technical standards. The second stage is the ordinary notice
//! (`POST /api/v1/tenders/{tender_id}/notice`), open only to the proposers.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderName, StatusCode, header};
use axum::response::IntoResponse;
use ggzy_app::bid::ONE_SHOT_MAX_BYTES;
use ggzy_app::two_stage::{ProposalInvitation, TechnicalProposalRow};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::WebState;
use crate::api::bids::read_whole;
use crate::api::rfc3339;
use crate::api::tenders::{TenderDto, tender_dto};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, RequireActor};
use crate::fields as parse;

/// The first-stage notice.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ProposalInvitationRequest {
    /// Deadline for technical proposals, RFC 3339 (later than now).
    proposal_deadline: String,
    /// What the proposals must address (published with the notice).
    requirements: String,
    /// Not allowed in the first stage (第三十条第四款): a value is refused with
    /// `bid_security_in_first_stage`; ask for the security in the second stage's notice.
    #[serde(default)]
    bid_security_fen: Option<i64>,
}

/// Publishes the first-stage notice of a two-stage tender.
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/two-stage", tag = "tenders",
    request_body = ProposalInvitationRequest, responses(
        (status = 200, body = TenderDto),
        (status = 409, description = "invalid_transition", body = ErrorBody),
        (status = 422, description = "bid_security_in_first_stage, invalid_time, invalid_text", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn invite_proposals(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(tender_id): Path<String>,
    ApiJson(request): ApiJson<ProposalInvitationRequest>,
) -> ApiResult<axum::Json<TenderDto>> {
    let proposal_deadline_ms =
        parse::timestamp_ms("proposal_deadline", &request.proposal_deadline).map_err(|e| ApiError::invalid(vec![e]))?;
    let invitation = ProposalInvitation {
        proposal_deadline_ms,
        requirements: request.requirements,
        bid_security_fen: request.bid_security_fen,
    };
    Ok(axum::Json(tender_dto(state.app.invite_proposals(&actor, &tender_id, invitation).await?)))
}

/// A technical proposal as recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct TechnicalProposalDto {
    /// Tender.
    tender_id: String,
    /// The potential bidder.
    proposer_credit_code: String,
    /// The document's file name.
    file_name: String,
    /// Its size, bytes.
    size_bytes: i64,
    /// Its SM3, hex: keep it to prove what was handed in.
    document_sm3: String,
    /// When handed in (RFC 3339).
    submitted_at: String,
}

fn proposal_dto(row: TechnicalProposalRow) -> TechnicalProposalDto {
    TechnicalProposalDto {
        tender_id: row.tender_id,
        proposer_credit_code: row.proposer_credit_code,
        file_name: row.file_name,
        size_bytes: row.size_bytes,
        document_sm3: row.document_sm3_hex,
        submitted_at: rfc3339(row.submitted_at_ms),
    }
}

/// Who hands in a proposal, and its file name.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ProposalQuery {
    /// The proposer's credit code (the caller must act for it).
    proposer: String,
    /// The document's file name.
    file_name: String,
}

fn proposal_too_large(limit: u64) -> ApiError {
    ApiError::new("payload_too_large", format!("技术建议文件不得超过 {limit} 字节，请压缩后重新提交"))
}

/// Hands in (or replaces) a technical proposal before the proposal deadline: the document is the
/// request body (application/octet-stream), without prices.
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/technical-proposals", tag = "tenders",
    request_body(content = Vec<u8>, content_type = "application/octet-stream"), params(ProposalQuery),
    responses(
        (status = 201, body = TechnicalProposalDto),
        (status = 409, description = "proposal_deadline_passed, invalid_transition", body = ErrorBody),
        (status = 413, description = "payload_too_large", body = ErrorBody),
        (status = 422, description = "invalid_file, bidder_not_invited", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn submit_technical_proposal(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(tender_id): Path<String>,
    Query(query): Query<ProposalQuery>,
    body: Body,
) -> ApiResult<impl IntoResponse> {
    let limit = u64::try_from(state.config.max_bid_bytes).unwrap_or(u64::MAX).min(ONE_SHOT_MAX_BYTES);
    let bytes = read_whole(body, limit, None, proposal_too_large).await?;
    let row = state.app.submit_technical_proposal(&actor, &tender_id, &query.proposer, &query.file_name, bytes).await?;
    Ok((StatusCode::CREATED, axum::Json(proposal_dto(row))))
}

/// The proposals, for the principal or agency after the proposal deadline (before it, who
/// proposed and how many stay sealed).
#[utoipa::path(get, path = "/api/v1/tenders/{tender_id}/technical-proposals", tag = "tenders", responses(
    (status = 200, body = Vec<TechnicalProposalDto>),
    (status = 409, description = "proposals_sealed", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn list_technical_proposals(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(tender_id): Path<String>,
) -> ApiResult<axum::Json<Vec<TechnicalProposalDto>>> {
    let rows = state.app.technical_proposals(&actor, &tender_id).await?;
    Ok(axum::Json(rows.into_iter().map(proposal_dto).collect()))
}

/// A proposal's document: for its proposer, or for the principal or agency after the deadline.
#[utoipa::path(get, path = "/api/v1/tenders/{tender_id}/technical-proposals/{proposer_credit_code}/document",
    tag = "tenders", responses(
        (status = 200, content_type = "application/octet-stream", body = Vec<u8>),
        (status = 404, body = ErrorBody),
        (status = 409, description = "proposals_sealed", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn technical_proposal_document(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, proposer)): Path<(String, String)>,
) -> ApiResult<impl IntoResponse> {
    let (row, bytes) = state.app.technical_proposal_document(&actor, &tender_id, &proposer).await?;
    let headers = [
        (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
        (HeaderName::from_static("document-sm3"), row.document_sm3_hex),
    ];
    Ok((headers, bytes))
}

/// The close of the first stage.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CloseProposalsRequest {
    /// The technical standards and requirements settled from the proposals (published).
    technical_standards: String,
}

/// Closes the first stage after the proposal deadline; with fewer proposers than the minimum of
/// bids the tender fails (招标投标法 第二十八条).
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/technical-proposals/close", tag = "tenders",
    request_body = CloseProposalsRequest, responses(
        (status = 200, body = TenderDto),
        (status = 409, description = "proposal_deadline_not_passed, invalid_transition", body = ErrorBody),
        (status = 422, description = "invalid_text", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn close_proposals(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(tender_id): Path<String>,
    ApiJson(request): ApiJson<CloseProposalsRequest>,
) -> ApiResult<axum::Json<TenderDto>> {
    Ok(axum::Json(tender_dto(state.app.close_proposals(&actor, &tender_id, &request.technical_standards).await?)))
}

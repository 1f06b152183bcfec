//! Opening (开标): start at the deadline, bidders decrypt online, the escrow quorum, the signed record.

use axum::extract::{Path, State};
use ggzy_app::events::OpeningLineDetails;
use ggzy_app::opening::OpeningView;
use ggzy_app::opening_objection::OpeningObjectionView;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::WebState;
use crate::api::rfc3339;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, RequireActor};
use crate::fields as parse;

/// One bid at the opening.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpeningLineDto {
    /// Lot.
    lot_id: String,
    /// Bidder.
    bidder_credit_code: String,
    /// `pending`, `decrypted` or `failed`.
    status: String,
    /// `bidder` or `escrow` once decrypted.
    method: String,
    /// Fields the bidder declared in its envelope (price...), once decrypted.
    declared: serde_json::Value,
    /// When the bid was received (RFC 3339).
    received_at: String,
}

/// A lot that failed at the deadline.
#[derive(Debug, Serialize, ToSchema)]
pub struct FailedLotDto {
    /// Lot.
    lot_id: String,
    /// Why, citing the article.
    reason: String,
}

/// The signed opening record.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpeningRecordDto {
    /// When the opening closed (RFC 3339).
    closed_at: String,
    /// When, UTC ms (the signed value).
    closed_at_ms: i64,
    /// Platform SM2 signature (DER, hex) over the `GGZY-OPENING-RECORD-V1` encoding (docs/envelope.md).
    signature: String,
}

/// The opening as it stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpeningDto {
    /// Tender.
    tender_id: String,
    /// Tender state.
    state: String,
    /// Lots that failed at the deadline.
    failed_lots: Vec<FailedLotDto>,
    /// One line per bid of the opened lots.
    lines: Vec<OpeningLineDto>,
    /// Escrow shares handed in so far.
    escrow_given: usize,
    /// Shares needed to open by escrow.
    escrow_threshold: i64,
    /// Objections raised at the opening, with the principal's answers (条例 第四十四条).
    objections: Vec<OpeningObjectionDto>,
    /// The signed record, once closed.
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<OpeningRecordDto>,
}

fn line_dto(line: OpeningLineDetails) -> OpeningLineDto {
    OpeningLineDto {
        declared: serde_json::from_str(&line.declared_json).unwrap_or_default(),
        received_at: rfc3339(line.received_at_ms),
        lot_id: line.lot_id,
        bidder_credit_code: line.bidder_credit_code,
        status: line.status,
        method: line.method,
    }
}

/// The DTO of an opening view.
pub fn opening_dto(view: OpeningView) -> OpeningDto {
    OpeningDto {
        tender_id: view.tender_id,
        state: view.state.as_str().to_owned(),
        failed_lots: view.failed_lots.into_iter().map(|(lot_id, reason)| FailedLotDto { lot_id, reason }).collect(),
        lines: view.lines.into_iter().map(line_dto).collect(),
        escrow_given: view.escrow_given,
        escrow_threshold: view.escrow_threshold,
        objections: view.objections.into_iter().map(objection_dto).collect(),
        record: view.record.map(|record| OpeningRecordDto {
            closed_at: rfc3339(record.closed_at_ms),
            closed_at_ms: record.closed_at_ms,
            signature: record.signature_hex,
        }),
    }
}

/// Starts the opening at the deadline (lots with fewer than 3 bids fail; no lot left: the tender fails).
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/opening", tag = "opening", responses(
    (status = 200, body = OpeningDto),
    (status = 409, description = "opening_before_deadline, invalid_transition, state_changed", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn start_opening(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(tender_id): Path<String>,
) -> ApiResult<axum::Json<OpeningDto>> {
    Ok(axum::Json(opening_dto(state.app.start_opening(&actor, &tender_id).await?)))
}

/// The opening (public once it has started; before the deadline nothing about bids is shown).
#[utoipa::path(get, path = "/api/v1/tenders/{tender_id}/opening", tag = "opening", responses(
    (status = 200, body = OpeningDto),
    (status = 409, description = "opening_not_started", body = ErrorBody),
))]
pub async fn get_opening(
    State(state): State<WebState>,
    Path(tender_id): Path<String>,
) -> ApiResult<axum::Json<OpeningDto>> {
    Ok(axum::Json(opening_dto(state.app.opening(&tender_id).await?)))
}

/// A bidder's data key.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DataKeyRequest {
    /// The SM4 data key the bidder unwrapped with its own private key (`ggzy bid open-key`), 32 hex.
    data_key_hex: String,
}

/// The bidder decrypts its bid online (解密).
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/bids/{bidder_credit_code}/key", tag = "opening",
    request_body = DataKeyRequest, responses(
        (status = 200, body = OpeningDto),
        (status = 409, description = "invalid_transition", body = ErrorBody),
        (status = 422, description = "bid_decryption_failed (recorded)", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn decrypt_bid(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id, bidder)): Path<(String, String, String)>,
    ApiJson(request): ApiJson<DataKeyRequest>,
) -> ApiResult<axum::Json<OpeningDto>> {
    let bidder = parse::credit_code("bidder_credit_code", &bidder).map_err(|e| ApiError::invalid(vec![e]))?;
    let key: [u8; 16] = hex::decode(request.data_key_hex.trim())
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or_else(|| ApiError::new("bid_decryption_failed", "数据密钥须为32位十六进制（SM4密钥16字节）"))?;
    Ok(axum::Json(opening_dto(state.app.decrypt_bid(&actor, &tender_id, &lot_id, &bidder, key).await?)))
}

/// An official's encrypted share.
#[derive(Debug, Serialize, ToSchema)]
pub struct EscrowShareDto {
    /// Share x-coordinate.
    share_index: u8,
    /// The share, SM2-encrypted to the official's certificate (C1C3C2 DER), hex.
    encrypted_share_hex: String,
}

/// The caller's own encrypted share of the opening key (named officials only).
#[utoipa::path(get, path = "/api/v1/tenders/{tender_id}/escrow-shares/mine", tag = "opening", responses(
    (status = 200, body = EscrowShareDto), (status = 404, body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn own_escrow_share(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(tender_id): Path<String>,
) -> ApiResult<axum::Json<EscrowShareDto>> {
    let (share_index, encrypted) = state.app.own_escrow_share(&actor, &tender_id).await?;
    Ok(axum::Json(EscrowShareDto { share_index, encrypted_share_hex: hex::encode(encrypted) }))
}

/// A decrypted share handed in after the deadline.
#[derive(Debug, Deserialize, ToSchema)]
pub struct GiveShareRequest {
    /// The share's value, decrypted with the official's own key (`ggzy escrow give`), hex.
    share_hex: String,
}

/// An official hands in its share; at the threshold the quorum opens the undecrypted bids.
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/escrow-shares", tag = "opening", request_body = GiveShareRequest, responses(
    (status = 200, body = OpeningDto),
    (status = 422, description = "invalid_escrow_share", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn give_escrow_share(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(tender_id): Path<String>,
    ApiJson(request): ApiJson<GiveShareRequest>,
) -> ApiResult<axum::Json<OpeningDto>> {
    let value = hex::decode(request.share_hex.trim())
        .map_err(|_| ApiError::new("invalid_escrow_share", "分片须为十六进制字符串"))?;
    Ok(axum::Json(opening_dto(state.app.give_escrow_share(&actor, &tender_id, value).await?)))
}

/// Closes the opening and signs the opening record (开标记录表).
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/opening/close", tag = "opening", responses(
    (status = 200, body = OpeningDto),
    (status = 409, description = "invalid_transition, opening_objection_pending", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn close_opening(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(tender_id): Path<String>,
) -> ApiResult<axum::Json<OpeningDto>> {
    Ok(axum::Json(opening_dto(state.app.close_opening(&actor, &tender_id).await?)))
}

/// An objection raised at the opening.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpeningObjectionDto {
    /// Number, from 1.
    objection_id: i64,
    /// The objecting bidder.
    objector_credit_code: String,
    /// What it objects to.
    text: String,
    /// Raised (RFC 3339).
    raised_at: String,
    /// The principal's answer.
    answer: Option<String>,
    /// Answered (RFC 3339).
    answered_at: Option<String>,
}

fn objection_dto(view: OpeningObjectionView) -> OpeningObjectionDto {
    OpeningObjectionDto {
        objection_id: view.objection_id,
        objector_credit_code: view.objector_credit_code,
        text: view.text,
        raised_at: rfc3339(view.raised_ms),
        answered_at: view.answer.as_ref().map(|(_, at)| rfc3339(*at)),
        answer: view.answer.map(|(answer, _)| answer),
    }
}

/// An objection to the opening.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OpeningObjectionRequest {
    /// The objecting bidder (the caller acts for it).
    objector_credit_code: String,
    /// What it objects to.
    text: String,
}

/// A bidder objects to the opening, on the spot while the session runs (条例 第四十四条).
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/opening/objections", tag = "opening",
    request_body = OpeningObjectionRequest, responses(
        (status = 200, body = [OpeningObjectionDto]),
        (status = 409, description = "invalid_transition (not during the opening)", body = ErrorBody),
        (status = 422, description = "not_a_bidder, invalid_text", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn raise_opening_objection(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(tender_id): Path<String>,
    ApiJson(request): ApiJson<OpeningObjectionRequest>,
) -> ApiResult<axum::Json<Vec<OpeningObjectionDto>>> {
    let views = state
        .app
        .raise_opening_objection(&actor, &tender_id, request.objector_credit_code.trim(), &request.text)
        .await?;
    Ok(axum::Json(views.into_iter().map(objection_dto).collect()))
}

/// The principal's answer at the opening.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OpeningAnswerRequest {
    /// The answer.
    answer: String,
}

/// The principal answers an objection on the spot.
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/opening/objections/{objection_id}/answer", tag = "opening",
    request_body = OpeningAnswerRequest, responses(
        (status = 200, body = [OpeningObjectionDto]),
        (status = 404, body = ErrorBody),
        (status = 409, description = "invalid_transition", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn answer_opening_objection(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, objection_id)): Path<(String, i64)>,
    ApiJson(request): ApiJson<OpeningAnswerRequest>,
) -> ApiResult<axum::Json<Vec<OpeningObjectionDto>>> {
    let views = state.app.answer_opening_objection(&actor, &tender_id, objection_id, &request.answer).await?;
    Ok(axum::Json(views.into_iter().map(objection_dto).collect()))
}

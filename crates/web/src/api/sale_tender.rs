//! A sale by tender over HTTP: sealed bids (only the commitment), their opening by each bidder,
//! and the panel's report.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use ggzy_app::sale::{SealedBidReceipt, TenderScore};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::WebState;
use crate::api::rfc3339;
use crate::api::sales::{SaleDto, TenderScoreDto, sale_dto};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, RequireActor};
use ggzy_app::FieldError;

/// A sealed bid: the commitment to the price, never the price.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SealedBidRequest {
    /// The bidder's credit code.
    bidder: String,
    /// SM3 commitment (hex) to the price: `reserve_commitment(price_fen, salt)` of docs/auction.md,
    /// computed on the bidder's side with a salt of at least 16 random bytes it keeps secret.
    commitment: String,
}

/// The receipt of a sealed bid.
#[derive(Debug, Serialize, ToSchema)]
pub struct SealedBidReceiptDto {
    /// Sale.
    sale_id: String,
    /// Paddle.
    paddle: u32,
    /// The commitment recorded.
    commitment: String,
    /// Server time (RFC 3339).
    at: String,
    /// Global log position of the event.
    log_position: i64,
    /// The event's chained SM3 hash (hex); prove inclusion with `/api/v1/log/inclusion`.
    event_hash: String,
}

fn receipt_dto(receipt: SealedBidReceipt) -> SealedBidReceiptDto {
    SealedBidReceiptDto {
        sale_id: receipt.sale_id,
        paddle: receipt.paddle,
        commitment: receipt.commitment_hex,
        at: rfc3339(receipt.at_ms),
        log_position: receipt.position,
        event_hash: receipt.event_hash_hex,
    }
}

/// Hands in a sealed tender bid (招标出让: 投标).
#[utoipa::path(post, path = "/api/v1/sales/{sale_id}/sealed-bids", tag = "sales", request_body = SealedBidRequest, responses(
    (status = 201, body = SealedBidReceiptDto),
    (status = 403, description = "deposit_not_paid", body = ErrorBody),
    (status = 409, description = "tender_not_accepting_bids, bid_deadline_passed (with the server time), already_exists (a land tender's bid is final), invalid_transition", body = ErrorBody),
    (status = 422, description = "invalid_commitment", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn submit_sealed_bid(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(sale_id): Path<String>,
    ApiJson(request): ApiJson<SealedBidRequest>,
) -> ApiResult<(StatusCode, axum::Json<SealedBidReceiptDto>)> {
    let receipt = state.app.submit_sealed_sale_bid(&actor, &sale_id, &request.bidder, &request.commitment).await?;
    Ok((StatusCode::CREATED, axum::Json(receipt_dto(receipt))))
}

/// Opens one's own sealed bid at the opening.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OpenSealedBidRequest {
    /// The bidder's credit code.
    bidder: String,
    /// The price committed to, fen.
    price_fen: i64,
    /// The salt, hex.
    salt: String,
}

/// Opens a sealed bid (开标): the price and salt must match the commitment handed in.
#[utoipa::path(post, path = "/api/v1/sales/{sale_id}/sealed-bids/opening", tag = "sales", request_body = OpenSealedBidRequest, responses(
    (status = 200, body = SaleDto),
    (status = 409, description = "commitment_mismatch, already_exists, not_applied, invalid_transition", body = ErrorBody),
    (status = 422, description = "invalid_commitment", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn open_sealed_bid(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(sale_id): Path<String>,
    ApiJson(request): ApiJson<OpenSealedBidRequest>,
) -> ApiResult<axum::Json<SaleDto>> {
    let view =
        state.app.open_sealed_sale_bid(&actor, &sale_id, &request.bidder, request.price_fen, &request.salt).await?;
    Ok(axum::Json(sale_dto(view)))
}

/// The panel's report.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EvaluationRequest {
    /// The members by name: at least five, an odd number.
    panel: Vec<String>,
    /// `highest_price` (价高者得) or `comprehensive` (综合评价).
    method: String,
    /// Comprehensive: every valid bid's total score (0–100, at most two decimals).
    #[serde(default)]
    scores: Vec<TenderScoreDto>,
}

/// Records the panel's report (评标): the winner follows from it by the method.
#[utoipa::path(post, path = "/api/v1/sales/{sale_id}/evaluation", tag = "sales", request_body = EvaluationRequest, responses(
    (status = 200, body = SaleDto),
    (status = 409, description = "invalid_transition (not at the opening)", body = ErrorBody),
    (status = 422, description = "panel_size, panel_members, invalid_method, invalid_scores", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn evaluate(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(sale_id): Path<String>,
    ApiJson(request): ApiJson<EvaluationRequest>,
) -> ApiResult<axum::Json<SaleDto>> {
    let mut scores = Vec::with_capacity(request.scores.len());
    for score in &request.scores {
        let centi = score.score * 100.0;
        if !(0.0..=10_000.0).contains(&centi) || (centi - centi.round()).abs() > 1e-6 {
            return Err(ApiError::invalid(vec![FieldError::new(
                "scores",
                "invalid_scores",
                format!("竞买号牌 {} 的得分须为0至100分，至多两位小数", score.paddle),
            )]));
        }
        // In 0..=10000 and whole after the check above: the cast is exact.
        scores.push(TenderScore { paddle: score.paddle, score_centi: centi.round() as u32 });
    }
    let view = state.app.evaluate_sale_tender(&actor, &sale_id, &request.panel, &request.method, &scores).await?;
    Ok(axum::Json(sale_dto(view)))
}

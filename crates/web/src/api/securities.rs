//! Bid security (投标保证金): lodged by bidders before the deadline, cash or electronic guarantee
//! (电子保函); shown to the tender's managers after opening; a guarantee verified by the SM3 of its document.

use axum::body::Bytes;
use axum::extract::{Path, State};
use ggzy_app::security::{SecurityInput, SecurityKind, SecurityRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::WebState;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, RequireActor};

/// A security to lodge.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SecurityRequest {
    /// The bidder (the caller acts for it).
    bidder_credit_code: String,
    /// `cash` or `e_guarantee`.
    kind: String,
    /// Amount, fen (at least what the notice requires).
    amount_fen: i64,
    /// Bank transfer reference (cash) or guarantee number (e_guarantee).
    reference: String,
    /// Issuing bank or insurer (e_guarantee).
    #[serde(default)]
    issuer: Option<String>,
    /// Last valid day, `YYYY-MM-DD` (e_guarantee; at least the deadline's day).
    #[serde(default)]
    valid_until: Option<String>,
    /// SM3 of the guarantee document, 64 hex (e_guarantee).
    #[serde(default)]
    document_sm3_hex: Option<String>,
}

/// A security as recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct SecurityDto {
    /// Lot.
    lot_id: String,
    /// Bidder.
    bidder_credit_code: String,
    /// `cash` or `e_guarantee`.
    kind: String,
    /// Amount, fen.
    amount_fen: i64,
    /// Transfer reference or guarantee number.
    reference: String,
    /// Issuer (e_guarantee).
    issuer: String,
    /// Last valid day (e_guarantee).
    valid_until: String,
    /// SM3 of the guarantee document, hex.
    document_sm3_hex: Option<String>,
    /// Day refunded.
    refunded_day: Option<String>,
}

fn dto(row: SecurityRow) -> SecurityDto {
    SecurityDto {
        lot_id: row.lot_id,
        bidder_credit_code: row.bidder_credit_code,
        kind: row.kind,
        amount_fen: row.amount_fen,
        reference: row.reference,
        issuer: row.issuer,
        valid_until: row.valid_until,
        document_sm3_hex: row.document_sm3.map(hex::encode),
        refunded_day: row.refunded_day,
    }
}

fn invalid(message: &str) -> ApiError {
    ApiError::new("invalid_security", message.to_owned())
}

/// Lodges (or replaces) the bidder's security for a lot, before the deadline.
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/securities", tag = "tenders",
    request_body = SecurityRequest, responses(
        (status = 200, body = SecurityDto),
        (status = 409, description = "security_not_required, bid_deadline_passed, tender_not_accepting_bids", body = ErrorBody),
        (status = 422, description = "security_insufficient, guarantee_validity_too_short, invalid_security, bidder_not_registered", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn lodge_security(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<SecurityRequest>,
) -> ApiResult<axum::Json<SecurityDto>> {
    let kind = match request.kind.as_str() {
        "cash" => SecurityKind::Cash { reference: request.reference },
        "e_guarantee" => {
            let valid_until = request
                .valid_until
                .as_deref()
                .and_then(|day| day.parse().ok())
                .ok_or_else(|| invalid("电子保函须写明有效期（valid_until，格式 YYYY-MM-DD）"))?;
            let document_sm3: [u8; 32] = request
                .document_sm3_hex
                .as_deref()
                .and_then(|text| hex::decode(text.trim()).ok())
                .and_then(|bytes| bytes.try_into().ok())
                .ok_or_else(|| invalid("电子保函须附保函文件的SM3摘要（document_sm3_hex，64位十六进制）"))?;
            SecurityKind::Guarantee {
                issuer: request.issuer.unwrap_or_default(),
                number: request.reference,
                valid_until,
                document_sm3,
            }
        }
        _ => return Err(invalid("保证金形式须为 cash（现金转账）或 e_guarantee（电子保函）")),
    };
    let input = SecurityInput { lot_id, bidder: request.bidder_credit_code, amount_fen: request.amount_fen, kind };
    Ok(axum::Json(dto(state.app.lodge_security(&actor, &tender_id, input).await?)))
}

/// A lot's securities (the tender's managers, after opening).
#[utoipa::path(get, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/securities", tag = "tenders", responses(
    (status = 200, body = Vec<SecurityDto>),
    (status = 409, description = "opening_not_started", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn list_securities(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id)): Path<(String, String)>,
) -> ApiResult<axum::Json<Vec<SecurityDto>>> {
    Ok(axum::Json(state.app.securities(&actor, &tender_id, &lot_id).await?.into_iter().map(dto).collect()))
}

/// The trading centre refunds the security of a bidder who withdrew its bid (条例 第三十五条: within 5
/// days of the withdrawal; a later refund is recorded as late).
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/securities/{bidder_credit_code}/refund", tag = "tenders", responses(
    (status = 200, body = SecurityDto),
    (status = 404, body = ErrorBody),
    (status = 409, description = "security_refund_not_due (the bid was not withdrawn), nothing_to_refund", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn refund_withdrawn_security(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id, bidder)): Path<(String, String, String)>,
) -> ApiResult<axum::Json<SecurityDto>> {
    Ok(axum::Json(dto(state.app.refund_withdrawn_security(&actor, &tender_id, &lot_id, &bidder).await?)))
}

/// Refunds every security of a terminated tender, with interest on cash (条例 第三十一条).
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/securities/refunds", tag = "tenders", responses(
    (status = 200, body = Vec<SecurityDto>),
    (status = 409, description = "invalid_transition (not terminated), nothing_to_refund", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn refund_after_termination(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(tender_id): Path<String>,
) -> ApiResult<axum::Json<Vec<SecurityDto>>> {
    let refunded = state.app.refund_after_termination(&actor, &tender_id).await?;
    Ok(axum::Json(refunded.into_iter().map(dto).collect()))
}

/// The outcome of checking a presented guarantee document.
#[derive(Debug, Serialize, ToSchema)]
pub struct GuaranteeCheckDto {
    /// Whether the document's SM3 equals the one recorded when the guarantee was lodged.
    matches: bool,
    /// The guarantee as recorded.
    security: SecurityDto,
}

/// Verifies a presented guarantee document (the request body, as bytes) against the recorded SM3.
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/securities/{bidder_credit_code}/verification",
    tag = "tenders", request_body(content = Vec<u8>, content_type = "application/octet-stream"), responses(
        (status = 200, body = GuaranteeCheckDto), (status = 404, body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn verify_guarantee(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id, bidder)): Path<(String, String, String)>,
    body: Bytes,
) -> ApiResult<axum::Json<GuaranteeCheckDto>> {
    let check = state.app.verify_guarantee(&actor, &tender_id, &lot_id, &bidder, &body).await?;
    Ok(axum::Json(GuaranteeCheckDto { matches: check.matches, security: dto(check.security) }))
}

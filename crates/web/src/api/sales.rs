//! Land-use rights and state-property sales (土地使用权招拍挂, 企业国有产权转让): announcement,
//! applications, admission with the deposit, bids, pauses, the listing's close into live bidding,
//! the reserve's reveal, confirmation, refunds, re-disclosure; and the live view over SSE.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use ggzy_app::sale::{LiveMessage, LiveSubscription, NewSale, SaleBidReceipt, SaleNotice, SaleRepricing, SaleView};
use ggzy_domain::sale::{NoSale, SaleOutcome};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast::error::RecvError;
use utoipa::{IntoParams, ToSchema};

use crate::WebState;
use crate::api::{StatutoryDateDto, rfc3339};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, RequireActor};
use crate::fields as parse;

/// An announcement.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewSaleRequest {
    /// `land_auction` (土地拍卖), `land_listing` (土地挂牌), `land_tender` (土地招标),
    /// `property_transfer` (产权转让), `mining_auction` (矿业权拍卖), `mining_listing` (矿业权挂牌)
    /// or `mining_tender` (矿业权招标).
    kind: String,
    /// Mining sales only: `exploration` (探矿权) or `mining` (采矿权).
    #[serde(default)]
    mining_right: Option<String>,
    /// Title of the parcel or asset.
    title: String,
    /// Region code of the platform.
    region_code: String,
    /// The principal's credit code (出让人 / 转让方).
    principal_credit_code: String,
    /// The published notice text.
    description: String,
    /// Start price (起始价 / 挂牌价 / 转让底价), fen.
    start_price_fen: i64,
    /// Minimum increment, fen (tenders: none, omit).
    #[serde(default)]
    increment_fen: i64,
    /// Deposit, fen.
    deposit_fen: i64,
    /// Approved appraisal, fen: property transfers only.
    #[serde(default)]
    appraisal_fen: Option<i64>,
    /// SM3 commitment (hex) to the sealed reserve: `reserve_commitment(price_fen, salt)` of
    /// docs/auction.md. Land only; omit for no reserve.
    #[serde(default)]
    reserve_commitment: Option<String>,
    /// Applications (property: the disclosure) close, RFC 3339.
    applications_close_at: String,
    /// Bidding starts, RFC 3339.
    bidding_starts_at: String,
    /// Bidding is scheduled to end, RFC 3339.
    bidding_ends_at: String,
    /// Countdown (限时竞价) in seconds: a bid this close to the end moves it.
    #[serde(default)]
    countdown_seconds: Option<i64>,
}

/// One accepted bid.
#[derive(Debug, Serialize, ToSchema)]
pub struct SaleBidDto {
    /// Paddle.
    paddle: u32,
    /// Price, fen.
    price_fen: i64,
    /// Server time (RFC 3339).
    at: String,
}

/// A sealed tender bid as shown after the deadline.
#[derive(Debug, Serialize, ToSchema)]
pub struct SealedBidDto {
    /// Paddle.
    paddle: u32,
    /// When handed in (RFC 3339).
    submitted_at: String,
    /// SM3 commitment to the price, hex.
    commitment: String,
    /// The price once opened, fen; unopened bids are invalid.
    price_fen: Option<i64>,
}

/// A paddle's total score.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TenderScoreDto {
    /// Paddle.
    pub(crate) paddle: u32,
    /// Total score, 0–100 with at most two decimals.
    pub(crate) score: f64,
}

/// A tender panel's report.
#[derive(Debug, Serialize, ToSchema)]
pub struct TenderEvaluationDto {
    /// The members.
    panel: Vec<String>,
    /// `highest_price` (价高者得) or `comprehensive` (综合评价).
    method: String,
    /// Its Chinese name.
    method_label: String,
    /// Comprehensive: each valid bid's total score.
    scores: Vec<TenderScoreDto>,
}

/// A sale as the public sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SaleDto {
    /// Sale id.
    sale_id: String,
    /// Kind.
    kind: String,
    /// Chinese name of the kind.
    kind_label: String,
    /// Mining sales: `exploration` (探矿权) or `mining` (采矿权).
    mining_right: Option<String>,
    /// Its Chinese name.
    mining_right_label: Option<String>,
    /// Title.
    title: String,
    /// Region.
    region_code: String,
    /// Principal.
    principal_credit_code: String,
    /// Notice text.
    description: String,
    /// Disclosure round.
    round: u32,
    /// Phase (`announced`, `bidding`, `paused`, `listing_over`, `awaiting_reserve`, `decided`, `confirmed`).
    phase: String,
    /// Phase in Chinese.
    phase_label: String,
    /// Start price, fen.
    start_price_fen: i64,
    /// Increment, fen.
    increment_fen: i64,
    /// Deposit, fen.
    deposit_fen: i64,
    /// Appraisal, fen.
    appraisal_fen: Option<i64>,
    /// Commitment to the sealed reserve.
    reserve_commitment: Option<String>,
    /// The revealed reserve, fen.
    reserve_fen: Option<i64>,
    /// Applications close (RFC 3339).
    applications_close_at: String,
    /// Bidding starts (RFC 3339).
    bidding_starts_at: String,
    /// Current end of bidding (RFC 3339), moved by countdown bids and pauses.
    bidding_ends_at: String,
    /// Current end, UTC ms.
    ends_at_ms: i64,
    /// Server time of this view, UTC ms: clients count down against it, not their own clock.
    server_now_ms: i64,
    /// Why paused.
    paused_reason: Option<String>,
    /// Accepted bids, in log order.
    bids: Vec<SaleBidDto>,
    /// Lowest acceptable next bid, fen.
    minimum_next_fen: i64,
    /// Paddles in live bidding.
    live_paddles: Option<Vec<u32>>,
    /// A tender's sealed bids once the deadline passed (nothing before, not even their number).
    tender_bids: Option<Vec<SealedBidDto>>,
    /// A tender's panel report.
    tender_evaluation: Option<TenderEvaluationDto>,
    /// Admitted bidders (after bidding only).
    admitted_count: Option<usize>,
    /// `sold`, `sold_to_sole_buyer`, `no_bids`, `below_reserve`, `too_few_bidders`; once decided.
    outcome: Option<String>,
    /// Winning paddle.
    winning_paddle: Option<u32>,
    /// Winning price, fen.
    winning_price_fen: Option<i64>,
    /// The buyer, once confirmed.
    winner_credit_code: Option<String>,
    /// When the contract was signed (RFC 3339).
    contract_signed_at: Option<String>,
    /// Paid of the price after the confirmation, the winner's deposit included, fen.
    paid_fen: Option<i64>,
    /// Statutory dates.
    deadlines: Vec<StatutoryDateDto>,
    /// Stream version (the last SSE id included).
    version: i64,
}

/// The DTO of a view.
pub fn sale_dto(view: SaleView) -> SaleDto {
    let outcome = view.outcome.map(|outcome| match outcome {
        SaleOutcome::Sold(_) => "sold",
        SaleOutcome::SoldToSoleBuyer { .. } => "sold_to_sole_buyer",
        SaleOutcome::Unsold(NoSale::NoBids) => "no_bids",
        SaleOutcome::Unsold(NoSale::BelowReserve { .. }) => "below_reserve",
        SaleOutcome::Unsold(NoSale::TooFewBidders { .. }) => "too_few_bidders",
    });
    let winner = view.outcome.and_then(|outcome| outcome.winner());
    let mining_right_label = view.announcement.mining_right().map(|right| right.label());
    SaleDto {
        sale_id: view.announcement.sale_id,
        kind: view.terms.kind.as_str().to_owned(),
        kind_label: view.terms.kind.label().to_owned(),
        mining_right_label: mining_right_label.map(str::to_owned),
        mining_right: view.announcement.notice.mining_right,
        title: view.announcement.notice.title,
        region_code: view.announcement.region_code,
        principal_credit_code: view.announcement.notice.principal_credit_code,
        description: view.announcement.notice.description,
        round: view.round,
        phase: view.phase.as_str().to_owned(),
        phase_label: view.phase.label_for(view.terms.kind).to_owned(),
        start_price_fen: view.terms.start_price.0,
        increment_fen: view.terms.increment.0,
        deposit_fen: view.terms.deposit.0,
        appraisal_fen: view.terms.appraisal.map(|fen| fen.0),
        reserve_commitment: view.announcement.notice.reserve_commitment_hex,
        reserve_fen: view.reserve.map(|fen| fen.0),
        applications_close_at: rfc3339(view.terms.applications_close_ms),
        bidding_starts_at: rfc3339(view.terms.starts_at_ms),
        bidding_ends_at: rfc3339(view.ends_at_ms),
        ends_at_ms: view.ends_at_ms,
        server_now_ms: view.server_now_ms,
        paused_reason: view.paused_reason,
        bids: view
            .bids
            .iter()
            .map(|bid| SaleBidDto { paddle: bid.paddle, price_fen: bid.price.0, at: rfc3339(bid.at_ms) })
            .collect(),
        minimum_next_fen: view.minimum_next.0,
        live_paddles: view.live_paddles,
        tender_bids: view.tender_bids.map(|bids| {
            bids.into_iter()
                .map(|bid| SealedBidDto {
                    paddle: bid.paddle,
                    submitted_at: rfc3339(bid.at_ms),
                    commitment: hex::encode(bid.commitment),
                    price_fen: bid.price.map(|fen| fen.0),
                })
                .collect()
        }),
        tender_evaluation: view.tender_evaluation.map(|evaluation| TenderEvaluationDto {
            panel: evaluation.panel,
            method: evaluation.method.as_str().to_owned(),
            method_label: evaluation.method.label().to_owned(),
            scores: evaluation
                .scores
                .into_iter()
                .map(|(paddle, centi)| TenderScoreDto { paddle, score: f64::from(centi) / 100.0 })
                .collect(),
        }),
        admitted_count: view.admitted_count,
        outcome: outcome.map(str::to_owned),
        winning_paddle: winner.map(|(paddle, _)| paddle),
        winning_price_fen: winner.map(|(_, price)| price.0),
        winner_credit_code: view.winner_credit_code,
        contract_signed_at: view.contract_signed_ms.map(rfc3339),
        paid_fen: view.paid.map(|fen| fen.0),
        deadlines: view.deadlines.into_iter().map(StatutoryDateDto::from).collect(),
        version: view.version,
    }
}

/// Announces a sale (出让公告 / 信息披露).
#[utoipa::path(post, path = "/api/v1/sales", tag = "sales", request_body = NewSaleRequest, responses(
    (status = 201, body = SaleDto),
    (status = 403, description = "forbidden", body = ErrorBody),
    (status = 422, description = "invalid_kind, invalid_mining_right, invalid_amount, deposit_below_minimum, invalid_time, appraisal_required, price_below_appraisal, invalid_commitment, deadline_below_statutory_minimum", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn announce_sale(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    ApiJson(request): ApiJson<NewSaleRequest>,
) -> ApiResult<(StatusCode, axum::Json<SaleDto>)> {
    let mut errors = Vec::new();
    let region =
        parse::collect(parse::region(state.app.region_table(), "region_code", &request.region_code), &mut errors);
    let close =
        parse::collect(parse::timestamp_ms("applications_close_at", &request.applications_close_at), &mut errors);
    let starts = parse::collect(parse::timestamp_ms("bidding_starts_at", &request.bidding_starts_at), &mut errors);
    let ends = parse::collect(parse::timestamp_ms("bidding_ends_at", &request.bidding_ends_at), &mut errors);
    let (Some(region), Some(close), Some(starts), Some(ends)) = (region, close, starts, ends) else {
        return Err(ApiError::invalid(errors));
    };
    let notice = SaleNotice {
        kind: request.kind,
        title: request.title,
        principal_credit_code: request.principal_credit_code,
        description: request.description,
        start_price_fen: request.start_price_fen,
        increment_fen: request.increment_fen,
        deposit_fen: request.deposit_fen,
        appraisal_fen: request.appraisal_fen,
        reserve_commitment_hex: request.reserve_commitment,
        applications_close_ms: close,
        starts_at_ms: starts,
        ends_at_ms: ends,
        countdown_ms: request.countdown_seconds.map(|seconds| seconds.saturating_mul(1000)),
        mining_right: request.mining_right,
    };
    let new = NewSale { region, notice };
    Ok((StatusCode::CREATED, axum::Json(sale_dto(state.app.announce_sale(&actor, new).await?))))
}

/// The latest sales.
#[utoipa::path(get, path = "/api/v1/sales", tag = "sales", responses((status = 200, body = Vec<SaleDto>)))]
pub async fn list_sales(State(state): State<WebState>) -> ApiResult<axum::Json<Vec<SaleDto>>> {
    Ok(axum::Json(state.app.sales(50).await?.into_iter().map(sale_dto).collect()))
}

/// A sale now, with the server's time.
#[utoipa::path(get, path = "/api/v1/sales/{sale_id}", tag = "sales", responses(
    (status = 200, body = SaleDto),
    (status = 404, description = "not_found", body = ErrorBody),
))]
pub async fn get_sale(State(state): State<WebState>, Path(sale_id): Path<String>) -> ApiResult<axum::Json<SaleDto>> {
    Ok(axum::Json(sale_dto(state.app.sale(&sale_id).await?)))
}

/// Who acts.
#[derive(Debug, Deserialize, IntoParams)]
pub struct BidderQuery {
    /// The bidder's credit code.
    bidder: String,
}

/// A bidder applies to bid (竞买申请).
#[utoipa::path(post, path = "/api/v1/sales/{sale_id}/applications", tag = "sales", params(BidderQuery), responses(
    (status = 204),
    (status = 409, description = "applications_closed, already_exists, invalid_transition", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn apply_for_sale(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(sale_id): Path<String>,
    Query(query): Query<BidderQuery>,
) -> ApiResult<StatusCode> {
    state.app.apply_for_sale(&actor, &sale_id, &query.bidder).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The trading center confirms an applicant's deposit and qualification.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AdmissionRequest {
    /// The applicant.
    bidder: String,
    /// The deposit received, fen.
    deposit_fen: i64,
    /// The bank's reference of the deposit.
    deposit_reference: String,
}

/// The paddle given.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaddleDto {
    /// Paddle number (竞买号牌), or none when not admitted.
    paddle: Option<u32>,
}

/// Admits an applicant whose deposit arrived; it gets a random paddle (told only to it).
#[utoipa::path(post, path = "/api/v1/sales/{sale_id}/admissions", tag = "sales", request_body = AdmissionRequest,
    responses(
        (status = 200, body = PaddleDto),
        (status = 409, description = "not_applied, already_exists, deposit_short, invalid_transition", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn admit_bidder(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(sale_id): Path<String>,
    ApiJson(request): ApiJson<AdmissionRequest>,
) -> ApiResult<axum::Json<PaddleDto>> {
    let paddle = state
        .app
        .admit_sale_bidder(&actor, &sale_id, &request.bidder, request.deposit_fen, &request.deposit_reference)
        .await?;
    Ok(axum::Json(PaddleDto { paddle: Some(paddle) }))
}

/// A bidder's own paddle.
#[utoipa::path(get, path = "/api/v1/sales/{sale_id}/paddle", tag = "sales", params(BidderQuery), responses(
    (status = 200, body = PaddleDto),
), security(("session" = []), ("api_token" = [])))]
pub async fn own_paddle(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(sale_id): Path<String>,
    Query(query): Query<BidderQuery>,
) -> ApiResult<axum::Json<PaddleDto>> {
    Ok(axum::Json(PaddleDto { paddle: state.app.sale_paddle(&actor, &sale_id, &query.bidder).await? }))
}

/// A bid.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SaleBidRequest {
    /// The bidder's credit code.
    bidder: String,
    /// Price, fen.
    price_fen: i64,
}

/// The receipt of a bid: its place in the log.
#[derive(Debug, Serialize, ToSchema)]
pub struct SaleBidReceiptDto {
    /// Sale.
    sale_id: String,
    /// Paddle.
    paddle: u32,
    /// Price, fen.
    price_fen: i64,
    /// Server time of the bid (RFC 3339).
    at: String,
    /// Server time, UTC ms.
    at_ms: i64,
    /// End of bidding after this bid (RFC 3339).
    bidding_ends_at: String,
    /// Global log position of the bid's event.
    log_position: i64,
    /// The event's chained SM3 hash (hex); prove inclusion with `/api/v1/log/inclusion`.
    event_hash: String,
}

fn receipt_dto(receipt: SaleBidReceipt) -> SaleBidReceiptDto {
    SaleBidReceiptDto {
        sale_id: receipt.sale_id,
        paddle: receipt.paddle,
        price_fen: receipt.price_fen,
        at: rfc3339(receipt.at_ms),
        at_ms: receipt.at_ms,
        bidding_ends_at: rfc3339(receipt.ends_at_ms),
        log_position: receipt.position,
        event_hash: receipt.event_hash_hex,
    }
}

/// Places a bid.
#[utoipa::path(post, path = "/api/v1/sales/{sale_id}/bids", tag = "sales", request_body = SaleBidRequest, responses(
    (status = 201, body = SaleBidReceiptDto),
    (status = 403, description = "deposit_not_paid, not_in_live_bidding", body = ErrorBody),
    (status = 409, description = "auction_ended, auction_not_started, auction_paused, already_leading, too_few_bidders", body = ErrorBody),
    (status = 422, description = "bid_below_increment (names the minimum)", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn place_bid(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(sale_id): Path<String>,
    ApiJson(request): ApiJson<SaleBidRequest>,
) -> ApiResult<(StatusCode, axum::Json<SaleBidReceiptDto>)> {
    let receipt = state.app.place_sale_bid(&actor, &sale_id, &request.bidder, request.price_fen).await?;
    Ok((StatusCode::CREATED, axum::Json(receipt_dto(receipt))))
}

/// Why the bidding is paused (published).
#[derive(Debug, Deserialize, ToSchema)]
pub struct PauseRequest {
    /// The reason.
    reason: String,
}

/// Pauses the bidding after a platform incident.
#[utoipa::path(post, path = "/api/v1/sales/{sale_id}/pause", tag = "sales", request_body = PauseRequest, responses(
    (status = 200, body = SaleDto),
    (status = 409, description = "invalid_transition", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn pause_sale(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(sale_id): Path<String>,
    ApiJson(request): ApiJson<PauseRequest>,
) -> ApiResult<axum::Json<SaleDto>> {
    Ok(axum::Json(sale_dto(state.app.pause_sale(&actor, &sale_id, &request.reason).await?)))
}

/// Resumes the bidding; the end moves out by the pause.
#[utoipa::path(post, path = "/api/v1/sales/{sale_id}/resume", tag = "sales", responses(
    (status = 200, body = SaleDto),
    (status = 409, description = "invalid_transition", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn resume_sale(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(sale_id): Path<String>,
) -> ApiResult<axum::Json<SaleDto>> {
    Ok(axum::Json(sale_dto(state.app.resume_sale(&actor, &sale_id).await?)))
}

/// The close of a listing period.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ListingCloseRequest {
    /// Paddles that wish to go on (两个以上 ⇒ 现场竞价).
    continuing_paddles: Vec<u32>,
    /// Length of the live bidding, seconds.
    live_bidding_seconds: i64,
    /// Its countdown, seconds.
    countdown_seconds: i64,
}

/// Closes a listing period: live bidding when two or more go on (39号令(土地) 第十九条).
#[utoipa::path(post, path = "/api/v1/sales/{sale_id}/listing-close", tag = "sales", request_body = ListingCloseRequest,
    responses(
        (status = 200, body = SaleDto),
        (status = 409, description = "invalid_transition, unknown_paddle", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn close_listing(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(sale_id): Path<String>,
    ApiJson(request): ApiJson<ListingCloseRequest>,
) -> ApiResult<axum::Json<SaleDto>> {
    let live_ms = request.live_bidding_seconds.saturating_mul(1000);
    let countdown_ms = request.countdown_seconds.saturating_mul(1000);
    let view = state.app.close_listing(&actor, &sale_id, &request.continuing_paddles, live_ms, countdown_ms).await?;
    Ok(axum::Json(sale_dto(view)))
}

/// The reserve and the salt of its commitment.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RevealRequest {
    /// The reserve, fen.
    reserve_fen: i64,
    /// The salt, hex.
    salt: String,
}

/// Reveals the sealed reserve once bidding is over; it must match the commitment.
#[utoipa::path(post, path = "/api/v1/sales/{sale_id}/reserve", tag = "sales", request_body = RevealRequest, responses(
    (status = 200, body = SaleDto),
    (status = 409, description = "commitment_mismatch, no_reserve, invalid_transition", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn reveal_reserve(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(sale_id): Path<String>,
    ApiJson(request): ApiJson<RevealRequest>,
) -> ApiResult<axum::Json<SaleDto>> {
    Ok(axum::Json(sale_dto(state.app.reveal_sale_reserve(&actor, &sale_id, request.reserve_fen, &request.salt).await?)))
}

/// Issues the confirmation (成交确认书) and publishes the buyer.
#[utoipa::path(post, path = "/api/v1/sales/{sale_id}/confirmation", tag = "sales", responses(
    (status = 200, body = SaleDto),
    (status = 409, description = "not_sold, invalid_transition", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn confirm_sale(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(sale_id): Path<String>,
) -> ApiResult<axum::Json<SaleDto>> {
    Ok(axum::Json(sale_dto(state.app.confirm_sale(&actor, &sale_id).await?)))
}

/// Refunds a losing bidder's deposit (late refunds are recorded as late).
#[utoipa::path(post, path = "/api/v1/sales/{sale_id}/deposit-refunds", tag = "sales", params(BidderQuery), responses(
    (status = 200, body = SaleDto),
    (status = 409, description = "winner_deposit, already_exists, not_applied, invalid_transition", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn refund_deposit(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(sale_id): Path<String>,
    Query(query): Query<BidderQuery>,
) -> ApiResult<axum::Json<SaleDto>> {
    Ok(axum::Json(sale_dto(state.app.refund_sale_deposit(&actor, &sale_id, &query.bidder).await?)))
}

/// Records the contract signed with the buyer (the principal).
#[utoipa::path(post, path = "/api/v1/sales/{sale_id}/contract", tag = "sales", responses(
    (status = 200, body = SaleDto),
    (status = 409, description = "already_exists, invalid_transition", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn sign_contract(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(sale_id): Path<String>,
) -> ApiResult<axum::Json<SaleDto>> {
    Ok(axum::Json(sale_dto(state.app.sign_sale_contract(&actor, &sale_id).await?)))
}

/// A payment of the price received by the trading centre.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PaymentRequest {
    /// Amount, fen.
    amount_fen: i64,
    /// The bank's reference.
    reference: String,
}

/// Records a payment of the price (late ones are recorded as late).
#[utoipa::path(post, path = "/api/v1/sales/{sale_id}/payments", tag = "sales", request_body = PaymentRequest, responses(
    (status = 200, body = SaleDto),
    (status = 409, description = "no_contract, invalid_transition", body = ErrorBody),
    (status = 422, description = "invalid_amount (more than is owed)", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn record_payment(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(sale_id): Path<String>,
    ApiJson(request): ApiJson<PaymentRequest>,
) -> ApiResult<axum::Json<SaleDto>> {
    let view = state.app.record_sale_payment(&actor, &sale_id, request.amount_fen, &request.reference).await?;
    Ok(axum::Json(sale_dto(view)))
}

/// A re-disclosure.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RepriceRequest {
    /// New listed price, fen.
    start_price_fen: i64,
    /// Increment, fen.
    increment_fen: i64,
    /// Deposit, fen.
    deposit_fen: i64,
    /// Applications close, RFC 3339.
    applications_close_at: String,
    /// Bidding starts, RFC 3339.
    bidding_starts_at: String,
    /// Bidding ends, RFC 3339.
    bidding_ends_at: String,
    /// Countdown, seconds.
    #[serde(default)]
    countdown_seconds: Option<i64>,
    /// The approving body's written consent, required below 90% of the appraisal.
    #[serde(default)]
    approval_document: Option<String>,
}

/// Discloses an unsold property transfer again, possibly at a lower price (32号令 第十八条).
#[utoipa::path(post, path = "/api/v1/sales/{sale_id}/reprice", tag = "sales", request_body = RepriceRequest, responses(
    (status = 200, body = SaleDto),
    (status = 409, description = "price_cut_needs_approval, disclosure_expired, invalid_transition", body = ErrorBody),
    (status = 422, description = "invalid_time, invalid_amount, deadline_below_statutory_minimum", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn reprice_sale(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(sale_id): Path<String>,
    ApiJson(request): ApiJson<RepriceRequest>,
) -> ApiResult<axum::Json<SaleDto>> {
    let mut errors = Vec::new();
    let close =
        parse::collect(parse::timestamp_ms("applications_close_at", &request.applications_close_at), &mut errors);
    let starts = parse::collect(parse::timestamp_ms("bidding_starts_at", &request.bidding_starts_at), &mut errors);
    let ends = parse::collect(parse::timestamp_ms("bidding_ends_at", &request.bidding_ends_at), &mut errors);
    let (Some(close), Some(starts), Some(ends)) = (close, starts, ends) else {
        return Err(ApiError::invalid(errors));
    };
    let repricing = SaleRepricing {
        sale_id: sale_id.clone(),
        start_price_fen: request.start_price_fen,
        increment_fen: request.increment_fen,
        deposit_fen: request.deposit_fen,
        applications_close_ms: close,
        starts_at_ms: starts,
        ends_at_ms: ends,
        countdown_ms: request.countdown_seconds.map(|seconds| seconds.saturating_mul(1000)),
        approval_document: request.approval_document,
    };
    Ok(axum::Json(sale_dto(state.app.reprice_sale(&actor, &sale_id, repricing).await?)))
}

/// Where a watcher starts.
#[derive(Debug, Deserialize, IntoParams)]
pub struct LiveQuery {
    /// The last event id the client already has (a page rendered at that version); a
    /// `Last-Event-ID` header, sent on reconnect, takes precedence.
    #[serde(default)]
    after: Option<i64>,
}

/// How long a watcher goes without the server's time before it gets a `clock` event.
const CLOCK_EVERY: Duration = Duration::from_secs(1);

/// The live view (SSE): `bid`, `paused`, `resumed`, `live_bidding`, `listing_closed`, `reserve`,
/// `confirmed`, `repriced` events with the stream version as id (send `Last-Event-ID` on reconnect
/// to resume without missing one), and a `clock` event with the server's time and the current end
/// on subscribing and after every second without a `bid` (a bid carries the server's time `at_ms`
/// and the end `ends_at_ms`), so that a late client counts down on the server's clock.
#[utoipa::path(get, path = "/api/v1/sales/{sale_id}/live", tag = "sales", params(LiveQuery), responses(
    (status = 200, description = "text/event-stream"),
    (status = 404, description = "not_found", body = ErrorBody),
))]
pub async fn live(
    State(state): State<WebState>,
    Path(sale_id): Path<String>,
    Query(query): Query<LiveQuery>,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    let last_id = headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .and_then(|text| text.trim().parse::<i64>().ok())
        .or(query.after)
        .unwrap_or(0);
    let subscription = state.app.watch_sale(&sale_id, last_id).await?;
    let app = state.app.clone();
    let stream = futures_util::stream::unfold(Watcher::new(subscription, last_id), move |mut watcher| {
        let app = app.clone();
        async move {
            let frame = watcher.next(&app).await?;
            Some((Ok::<_, Infallible>(frame), watcher))
        }
    });
    // The frames are written as they are (each event's frame is rendered once for all watchers);
    // the clock event, at least every second, keeps idle connections alive.
    let headers = [(header::CONTENT_TYPE, "text/event-stream"), (header::CACHE_CONTROL, "no-cache")];
    Ok((headers, Body::from_stream(stream)))
}

/// A message's rendered frame as the bytes of a response body.
struct Frame(Arc<LiveMessage>);

impl AsRef<[u8]> for Frame {
    fn as_ref(&self) -> &[u8] {
        self.0.frame.as_bytes()
    }
}

/// One watcher's state: the backlog still to send, the last id sent, the clock timer.
struct Watcher {
    backlog: std::collections::VecDeque<Arc<LiveMessage>>,
    subscription: LiveSubscription,
    last_sent: i64,
    ticker: tokio::time::Interval,
}

impl Watcher {
    fn new(mut subscription: LiveSubscription, last_id: i64) -> Watcher {
        let backlog = std::mem::take(&mut subscription.backlog).into();
        let mut ticker = tokio::time::interval(CLOCK_EVERY);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        Watcher { backlog, subscription, last_sent: last_id, ticker }
    }

    /// The next SSE event; `None` ends the stream (the client reconnects with its last id).
    async fn next(&mut self, app: &ggzy_app::App) -> Option<Bytes> {
        if let Some(message) = self.backlog.pop_front() {
            return Some(self.send(&message));
        }
        loop {
            let received = tokio::select! {
                _ = self.subscription.closing.wait_for(|closing| *closing) => return None,
                received = self.subscription.events.recv() => Some(received),
                _ = self.ticker.tick() => None,
            };
            let Some(received) = received else {
                return Some(self.clock_event(app));
            };
            match received {
                Ok(message) if message.version <= self.last_sent => continue,
                Ok(message) => {
                    // A bid tells the time already: during busy bidding the clock's once-a-second
                    // write per watcher was a sixth of all writes (P5 fan-out benchmark, README).
                    if message.name == "bid" {
                        self.ticker.reset();
                    }
                    return Some(self.send(&message));
                }
                // Fell behind the channel: end the stream; the client resumes from its last id.
                Err(RecvError::Lagged(_) | RecvError::Closed) => return None,
            }
        }
    }

    fn clock_event(&self, app: &ggzy_app::App) -> Bytes {
        let clock = *self.subscription.clock.borrow();
        let now_ms = app.now_ms();
        let data = serde_json::json!({
            "server_now_ms": now_ms,
            "starts_at_ms": clock.starts_at_ms,
            "ends_at_ms": clock.ends_at_ms,
            "remaining_ms": (clock.ends_at_ms - now_ms).max(0),
            "paused": clock.paused,
        });
        Bytes::from(format!("event: clock\ndata: {data}\n\n"))
    }

    fn send(&mut self, message: &Arc<LiveMessage>) -> Bytes {
        self.last_sent = message.version;
        // Shares the rendered frame: no copy per watcher.
        Bytes::from_owner(Frame(message.clone()))
    }
}

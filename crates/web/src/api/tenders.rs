//! Tenders (招标项目): creation, the opening-key ceremony, the notice, bidder registration.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use ggzy_app::events::DocumentFeeDetails;
use ggzy_app::tender::{CeremonyShare, KeyCeremony, NewTender, NoticeInput, TenderView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::WebState;
use crate::api::rfc3339;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, RequireActor};
use crate::fields::{self as parse, collect};

/// A tender to create (in draft).
#[derive(Debug, Deserialize, ToSchema)]
pub struct TenderRequest {
    /// Region of the trading platform running it (GB/T 2260).
    region_code: String,
    /// Project title (项目名称).
    title: String,
    /// The principal's credit code.
    principal_credit_code: String,
    /// The agency's credit code, if entrusted.
    #[serde(default)]
    agency_credit_code: Option<String>,
    /// Lot names, numbered 1.. in this order.
    lots: Vec<String>,
    /// The registered project it belongs to (its investment project code, `POST /api/v1/projects`).
    project_id: String,
}

/// A lot.
#[derive(Debug, Serialize, ToSchema)]
pub struct LotDto {
    /// Lot id within the tender.
    lot_id: String,
    /// Name.
    name: String,
}

/// A tender as published: never anything about bids or bidders before opening.
#[derive(Debug, Serialize, ToSchema)]
pub struct TenderDto {
    /// Tender id.
    tender_id: String,
    /// Region.
    region_code: String,
    /// Title.
    title: String,
    /// Principal.
    principal_credit_code: String,
    /// Agency.
    #[serde(skip_serializing_if = "Option::is_none")]
    agency_credit_code: Option<String>,
    /// Ruleset pinned (`id@version`).
    ruleset: String,
    /// State: draft, prequalifying, prequalified, proposing, proposals_closed, bidding, opening,
    /// opened, failed, terminated, suspended.
    state: String,
    /// State in Chinese.
    state_label: String,
    /// Documents first issued (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    documents_issued_at: Option<String>,
    /// Bid deadline and opening time (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    bid_deadline: Option<String>,
    /// Opening public key (SPKI PEM): seal bids to it with `ggzy bid seal`.
    #[serde(skip_serializing_if = "Option::is_none")]
    opening_public_key_pem: Option<String>,
    /// Shares needed to open a bid by escrow.
    #[serde(skip_serializing_if = "Option::is_none")]
    escrow_threshold: Option<i64>,
    /// The estimate (招标项目估算价), fen.
    estimate_fen: Option<i64>,
    /// The bid security each bidder must lodge (投标保证金), fen.
    bid_security_fen: Option<i64>,
    /// The ceiling price (最高投标限价), fen.
    ceiling_price_fen: Option<i64>,
    /// Bid validity, days from the bid deadline.
    bid_validity_days: Option<i64>,
    /// Lots.
    lots: Vec<LotDto>,
    /// The project (investment project code).
    #[serde(skip_serializing_if = "Option::is_none")]
    project_id: Option<String>,
    /// Two-stage tendering: the first stage's deadline for technical proposals (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    proposal_deadline: Option<String>,
    /// Stream version.
    version: i64,
}

pub(crate) fn tender_dto(view: TenderView) -> TenderDto {
    TenderDto {
        tender_id: view.tender_id,
        region_code: view.region_code,
        title: view.title,
        principal_credit_code: view.principal_credit_code,
        agency_credit_code: view.agency_credit_code,
        ruleset: view.ruleset,
        state: view.state.as_str().to_owned(),
        state_label: view.state.label().to_owned(),
        documents_issued_at: view.documents_issued_ms.map(rfc3339),
        bid_deadline: view.bid_deadline_ms.map(rfc3339),
        opening_public_key_pem: view.opening_public_key_pem,
        escrow_threshold: view.escrow_threshold,
        estimate_fen: view.estimate_fen,
        bid_security_fen: view.bid_security_fen,
        ceiling_price_fen: view.ceiling_price_fen,
        bid_validity_days: view.bid_validity_days,
        lots: view.lots.into_iter().map(|(lot_id, name)| LotDto { lot_id, name }).collect(),
        project_id: view.project_id,
        proposal_deadline: view.proposal_deadline_ms.map(rfc3339),
        version: view.version,
    }
}

/// Creates a tender in draft (the principal's or the agency's member).
#[utoipa::path(post, path = "/api/v1/tenders", tag = "tenders", request_body = TenderRequest, responses(
    (status = 201, body = TenderDto),
    (status = 403, body = ErrorBody),
    (status = 422, body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn create_tender(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    ApiJson(request): ApiJson<TenderRequest>,
) -> ApiResult<impl IntoResponse> {
    let mut errors = Vec::new();
    let region = collect(parse::region(state.app.region_table(), "region_code", &request.region_code), &mut errors);
    let principal = collect(parse::credit_code("principal_credit_code", &request.principal_credit_code), &mut errors);
    let agency = match request.agency_credit_code.as_deref().filter(|code| !code.trim().is_empty()) {
        Some(code) => collect(parse::credit_code("agency_credit_code", code), &mut errors),
        None => None,
    };
    let (Some(region), Some(principal_credit_code)) = (region, principal) else {
        return Err(ApiError::invalid(errors));
    };
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    let new = NewTender {
        region,
        title: request.title,
        principal_credit_code,
        agency_credit_code: agency,
        lot_names: request.lots,
        project_id: request.project_id,
    };
    let view = state.app.create_tender(&actor, new).await?;
    Ok((StatusCode::CREATED, axum::Json(tender_dto(view))))
}

/// One tender (public).
#[utoipa::path(get, path = "/api/v1/tenders/{tender_id}", tag = "tenders", responses(
    (status = 200, body = TenderDto),
    (status = 404, body = ErrorBody),
))]
pub async fn get_tender(
    State(state): State<WebState>,
    Path(tender_id): Path<String>,
) -> ApiResult<axum::Json<TenderDto>> {
    Ok(axum::Json(tender_dto(state.app.tender(&tender_id).await?)))
}

/// One official's share from the offline ceremony (`ggzy tender key-ceremony`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct CeremonyShareDto {
    /// The official's user id.
    official_user_id: String,
    /// The official's certificate (PEM) the share is encrypted to.
    official_cert_pem: String,
    /// Share x-coordinate (1..=255).
    share_index: u8,
    /// The share, SM2-encrypted (C1C3C2 DER), hex.
    encrypted_share_hex: String,
}

/// The result of the offline key ceremony: the opening private key never reaches the platform.
#[derive(Debug, Deserialize, ToSchema)]
pub struct KeyCeremonyRequest {
    /// Opening public key, SPKI PEM.
    public_key_pem: String,
    /// Shares needed to rebuild the key (k of n).
    threshold: u8,
    /// One share per official.
    shares: Vec<CeremonyShareDto>,
}

/// Records the opening-key ceremony (before the notice).
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/opening-key", tag = "tenders", request_body = KeyCeremonyRequest, responses(
    (status = 200, body = TenderDto),
    (status = 409, description = "invalid_transition", body = ErrorBody),
    (status = 422, description = "invalid_opening_key, invalid_escrow_threshold, invalid_escrow_share, certificate_*", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn record_key_ceremony(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(tender_id): Path<String>,
    ApiJson(request): ApiJson<KeyCeremonyRequest>,
) -> ApiResult<axum::Json<TenderDto>> {
    let mut shares = Vec::with_capacity(request.shares.len());
    for (i, share) in request.shares.into_iter().enumerate() {
        let encrypted_share = hex::decode(share.encrypted_share_hex.trim()).map_err(|_| {
            ApiError::invalid(vec![ggzy_app::FieldError::new(
                format!("shares[{i}].encrypted_share_hex"),
                "invalid_escrow_share",
                "加密分片须为十六进制字符串",
            )])
        })?;
        shares.push(CeremonyShare {
            official_user_id: share.official_user_id,
            official_cert_pem: share.official_cert_pem,
            share_index: share.share_index,
            encrypted_share,
        });
    }
    let ceremony = KeyCeremony { public_key_pem: request.public_key_pem, threshold: request.threshold, shares };
    Ok(axum::Json(tender_dto(state.app.record_key_ceremony(&actor, &tender_id, ceremony).await?)))
}

/// The notice to publish.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NoticeRequest {
    /// Bid deadline and opening time (RFC 3339, e.g. `2026-12-21T09:30:00+08:00`); at least the
    /// ruleset's floor after the documents are issued (now).
    bid_deadline: String,
    /// The tender's estimated price (招标项目估算价), fen.
    #[serde(default)]
    estimate_fen: Option<i64>,
    /// The bid security each bidder must lodge (投标保证金), fen: at most 2% of the estimate (条例 第二十六条).
    #[serde(default)]
    bid_security_fen: Option<i64>,
    /// The ceiling price (最高投标限价), fen, published with the documents (条例 第二十七条); bids above it
    /// are rejected at evaluation (第五十一条第（五）项).
    #[serde(default)]
    ceiling_price_fen: Option<i64>,
    /// Bid validity (投标有效期), days counted from the bid deadline (条例 第二十五条); bid securities
    /// must stay valid as long (第二十六条).
    #[serde(default)]
    bid_validity_days: Option<i64>,
    /// The documents' evaluation method and scoring table: the committee uses these and no other
    /// (条例 第四十九条); without them no committee can be formed.
    #[serde(default)]
    evaluation: Option<super::award::EvaluationTermsDto>,
    /// A fee for paper documents, with the printing and postage costs per copy it recovers: it may not
    /// exceed them (条例 第十六条); documents downloaded from the platform are free.
    #[serde(default)]
    document_fee: Option<DocumentFeeDto>,
}

/// A documents' fee and its costs, fen.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DocumentFeeDto {
    /// The fee per copy.
    fee_fen: i64,
    /// Printing cost per copy.
    #[serde(default)]
    printing_cost_fen: i64,
    /// Postage per copy.
    #[serde(default)]
    postage_cost_fen: i64,
}

/// Publishes the tender notice: documents are issued now and bidding opens.
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/notice", tag = "tenders", request_body = NoticeRequest, responses(
    (status = 200, body = TenderDto),
    (status = 409, description = "invalid_transition, opening_key_missing", body = ErrorBody),
    (status = 422, description = "deadline_below_statutory_minimum, invalid_time, deposit_above_cap, invalid_amount, evaluation_method_invalid, scoring_table_invalid, document_fee_above_cost", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn publish_notice(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(tender_id): Path<String>,
    ApiJson(request): ApiJson<NoticeRequest>,
) -> ApiResult<axum::Json<TenderDto>> {
    let deadline_ms =
        parse::timestamp_ms("bid_deadline", &request.bid_deadline).map_err(|e| ApiError::invalid(vec![e]))?;
    let notice = NoticeInput {
        bid_deadline_ms: deadline_ms,
        estimate_fen: request.estimate_fen,
        bid_security_fen: request.bid_security_fen,
        ceiling_price_fen: request.ceiling_price_fen,
        bid_validity_days: request.bid_validity_days,
        evaluation: request.evaluation.map(super::award::EvaluationTermsDto::into_details),
        document_fee: request.document_fee.map(|fee| DocumentFeeDetails {
            fee_fen: fee.fee_fen,
            printing_cost_fen: fee.printing_cost_fen,
            postage_cost_fen: fee.postage_cost_fen,
        }),
    };
    Ok(axum::Json(tender_dto(state.app.publish_notice_with(&actor, &tender_id, notice).await?)))
}

/// A registration for a lot.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RegistrationRequest {
    /// The bidder's credit code (the caller must act for it).
    bidder_credit_code: String,
}

/// Registers a potential bidder for a lot (its name stays sealed from the principal, 法 22).
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/registrations", tag = "bids", request_body = RegistrationRequest, responses(
    (status = 204),
    (status = 409, description = "already_exists, bid_deadline_passed, tender_not_accepting_bids", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn register_bidder(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<RegistrationRequest>,
) -> ApiResult<StatusCode> {
    let bidder = parse::credit_code("bidder_credit_code", &request.bidder_credit_code)
        .map_err(|e| ApiError::invalid(vec![e]))?;
    state.app.register_bidder(&actor, &tender_id, &lot_id, &bidder).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A clarification or amendment of the tender documents.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AmendmentRequest {
    /// What changes, as published to every potential bidder.
    summary: String,
    /// Whether it may affect the preparation of bids: then it must come 15 days before the deadline,
    /// or the deadline is pushed out (招标投标法 第二十三条). During pre-qualification: whether it may
    /// affect the applications, 3 days before the application deadline (条例 第二十一条).
    affects_bids: bool,
}

/// An amendment as recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct AmendmentDto {
    /// The tender after the amendment.
    tender: TenderDto,
    /// The deadline before (RFC 3339).
    previous_deadline: String,
    /// Whether the deadline was pushed out.
    extended: bool,
    /// Why, with the new date and the article (empty when not extended).
    extension_reason: String,
}

/// Issues a clarification or amendment of the documents (the pre-qualification documents while
/// pre-qualification runs); a late one pushes the bid (or application) deadline out and says why.
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/amendments", tag = "tenders", request_body = AmendmentRequest, responses(
    (status = 201, body = AmendmentDto),
    (status = 409, description = "invalid_transition, bid_deadline_passed, pq_deadline_passed", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn issue_amendment(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(tender_id): Path<String>,
    ApiJson(request): ApiJson<AmendmentRequest>,
) -> ApiResult<impl IntoResponse> {
    let view = state.app.issue_amendment(&actor, &tender_id, &request.summary, request.affects_bids).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(AmendmentDto {
            tender: tender_dto(view.tender),
            previous_deadline: rfc3339(view.previous_deadline_ms),
            extended: view.extended,
            extension_reason: view.extension_reason,
        }),
    ))
}

/// A reason: for a termination, as published in its notice; for a suspension or resumption, as
/// told to the principal and the bidders.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TerminationRequest {
    /// Why.
    reason: String,
}

/// Terminates the tender (终止招标, 招标投标法实施条例 第三十一条); nothing is accepted afterwards.
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/termination", tag = "tenders", request_body = TerminationRequest, responses(
    (status = 200, body = TenderDto),
    (status = 409, description = "invalid_transition", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn terminate_tender(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(tender_id): Path<String>,
    ApiJson(request): ApiJson<TerminationRequest>,
) -> ApiResult<axum::Json<TenderDto>> {
    Ok(axum::Json(tender_dto(state.app.terminate_tender(&actor, &tender_id, &request.reason).await?)))
}

/// The invited entities of an invited tender.
#[derive(Debug, Deserialize, ToSchema)]
pub struct InvitationRequest {
    /// At least 3 credit codes (招标投标法 第十七条).
    invitees: Vec<String>,
    /// `few_bidders` or `cost_disproportionate` (招标投标法实施条例 第八条).
    ground: String,
    /// The approving authority's finding (文号).
    approval_reference: String,
}

/// Makes a draft tender an invited one (邀请招标); only the invited may then register.
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/invitations", tag = "tenders", request_body = InvitationRequest, responses(
    (status = 200, body = TenderDto),
    (status = 409, description = "invalid_transition", body = ErrorBody),
    (status = 422, description = "invited_bidders_too_few, invitation_ground_invalid, invalid_credit_code", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn invite_bidders(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(tender_id): Path<String>,
    ApiJson(request): ApiJson<InvitationRequest>,
) -> ApiResult<axum::Json<TenderDto>> {
    let mut errors = Vec::new();
    let invitees: Vec<_> = request
        .invitees
        .iter()
        .enumerate()
        .filter_map(|(i, code)| collect(parse::credit_code(&format!("invitees[{i}]"), code), &mut errors))
        .collect();
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    let view =
        state.app.invite_bidders(&actor, &tender_id, &invitees, &request.ground, &request.approval_reference).await?;
    Ok(axum::Json(tender_dto(view)))
}

/// Suspends the procedure while the regulator handles a complaint (招标投标法实施条例 第六十二条):
/// no bid, opening or award step is accepted until it is resumed.
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/suspension", tag = "tenders", request_body = TerminationRequest, responses(
    (status = 200, body = TenderDto),
    (status = 403, description = "forbidden (regulators of the tender's region only)", body = ErrorBody),
    (status = 409, description = "invalid_transition", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn suspend_tender(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(tender_id): Path<String>,
    ApiJson(request): ApiJson<TerminationRequest>,
) -> ApiResult<axum::Json<TenderDto>> {
    Ok(axum::Json(tender_dto(state.app.suspend_tender(&actor, &tender_id, &request.reason).await?)))
}

/// Finds the documents unlawful or unfair in a way that affects the result: the tender fails and is
/// re-run with corrected documents (招标投标法实施条例 第二十三条). The region's regulator, or the
/// principal of its own documents, before the opening.
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/retender-order", tag = "tenders", request_body = TerminationRequest, responses(
    (status = 200, body = TenderDto),
    (status = 403, body = ErrorBody),
    (status = 409, description = "invalid_transition (after the opening, or already ended)", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn require_retender(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(tender_id): Path<String>,
    ApiJson(request): ApiJson<TerminationRequest>,
) -> ApiResult<axum::Json<TenderDto>> {
    Ok(axum::Json(tender_dto(state.app.require_retender(&actor, &tender_id, &request.reason).await?)))
}

/// Lets a suspended procedure go on, in the state it was suspended from.
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/resumption", tag = "tenders", request_body = TerminationRequest, responses(
    (status = 200, body = TenderDto),
    (status = 403, description = "forbidden (regulators of the tender's region only)", body = ErrorBody),
    (status = 409, description = "invalid_transition", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn resume_tender(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(tender_id): Path<String>,
    ApiJson(request): ApiJson<TerminationRequest>,
) -> ApiResult<axum::Json<TenderDto>> {
    Ok(axum::Json(tender_dto(state.app.resume_tender(&actor, &tender_id, &request.reason).await?)))
}

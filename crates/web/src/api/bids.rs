//! Sealed bids: resumable uploads (`/api/v1/uploads`), one-shot submission of a small file, and
//! withdrawal. Bodies stream to disk within the limit; every answer that accepts something is a
//! receipt signed by the platform after the event is durable.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use ggzy_app::bid::{BidReceipt, ONE_SHOT_MAX_BYTES, UploadStart, UploadView, UploadWriter};
use ggzy_crypto::receipt::{ReceiptFields, ReceiptKind};
use http_body_util::BodyExt as _;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::WebState;
use crate::api::rfc3339;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, RequireActor};
use crate::fields::{self as parse, collect};

/// Header naming the envelope digest on a one-shot submission.
pub const BID_DIGEST: &str = "bid-digest";
/// Header naming where a chunk starts (bytes received so far).
pub const UPLOAD_OFFSET: &str = "upload-offset";

/// A receipt (回执): keep it; `ggzy receipt verify` checks it offline and against the log.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReceiptDto {
    /// `submitted` or `withdrawn`.
    pub kind: String,
    /// Tender.
    pub tender_id: String,
    /// Lot.
    pub lot_id: String,
    /// Bidder.
    pub bidder_credit_code: String,
    /// SM3 the bidder signed, hex (empty for a withdrawal).
    pub envelope_digest: String,
    /// Server time at ingest (RFC 3339).
    pub received_at: String,
    /// Server time at ingest, UTC ms (the signed value).
    pub received_at_ms: i64,
    /// The event's position in the log (leaf index + 1): prove it with `/api/v1/log/proof/inclusion`.
    pub log_position: i64,
    /// The event's hash, hex.
    pub event_hash: String,
    /// Platform SM2 signature (DER, hex) over the `GGZY-RECEIPT-V1` encoding (docs/envelope.md).
    pub signature: String,
}

impl ReceiptDto {
    /// The signed fields and the signature, as the verifier needs them.
    pub fn to_fields(&self) -> Result<(ReceiptFields, Vec<u8>), String> {
        let kind = ReceiptKind::parse(&self.kind).ok_or_else(|| format!("unknown receipt kind {}", self.kind))?;
        let unhex = |name: &str, text: &str| hex::decode(text).map_err(|_| format!("{name} is not hex"));
        let fields = ReceiptFields {
            kind,
            tender_id: self.tender_id.clone(),
            lot_id: self.lot_id.clone(),
            bidder_credit_code: self.bidder_credit_code.clone(),
            envelope_digest: unhex("envelope_digest", &self.envelope_digest)?,
            received_at_ms: self.received_at_ms,
            log_position: self.log_position,
            event_hash: unhex("event_hash", &self.event_hash)?,
        };
        Ok((fields, unhex("signature", &self.signature)?))
    }
}

impl From<BidReceipt> for ReceiptDto {
    fn from(receipt: BidReceipt) -> ReceiptDto {
        let fields = receipt.fields;
        ReceiptDto {
            kind: fields.kind.as_str().to_owned(),
            received_at: rfc3339(fields.received_at_ms),
            tender_id: fields.tender_id,
            lot_id: fields.lot_id,
            bidder_credit_code: fields.bidder_credit_code,
            envelope_digest: hex::encode(fields.envelope_digest),
            received_at_ms: fields.received_at_ms,
            log_position: fields.log_position,
            event_hash: hex::encode(fields.event_hash),
            signature: hex::encode(receipt.signature),
        }
    }
}

/// An upload to start.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UploadRequest {
    /// Tender.
    tender_id: String,
    /// Lot.
    lot_id: String,
    /// The bidder (the caller must act for it).
    bidder_credit_code: String,
    /// Size of the sealed file in bytes.
    size_bytes: u64,
    /// The envelope digest the bidder signed (`ggzy bid seal` prints it), 64 hex.
    envelope_digest: String,
}

/// An upload's progress.
#[derive(Debug, Serialize, ToSchema)]
pub struct UploadDto {
    /// Upload id.
    upload_id: String,
    /// Tender.
    tender_id: String,
    /// Lot.
    lot_id: String,
    /// Size announced.
    size_bytes: u64,
    /// Bytes received: send the next chunk with `Upload-Offset` equal to this.
    received_bytes: u64,
}

fn upload_dto(view: UploadView) -> UploadDto {
    UploadDto {
        upload_id: view.upload_id,
        tender_id: view.tender_id,
        lot_id: view.lot_id,
        size_bytes: view.size_bytes,
        received_bytes: view.received_bytes,
    }
}

pub(crate) fn parse_start(
    tender_id: String,
    lot_id: String,
    bidder: &str,
    size_bytes: u64,
    digest: &str,
) -> ApiResult<UploadStart> {
    let mut errors = Vec::new();
    let bidder = collect(parse::credit_code("bidder_credit_code", bidder), &mut errors);
    let declared_digest = collect(parse::sm3_hex("envelope_digest", digest), &mut errors);
    match (bidder, declared_digest) {
        (Some(bidder), Some(declared_digest)) => {
            Ok(UploadStart { tender_id, lot_id, bidder, size_bytes, declared_digest })
        }
        _ => Err(ApiError::invalid(errors)),
    }
}

/// Streams a request body into an upload; on a broken body nothing is kept beyond what arrived.
async fn pump(body: Body, mut writer: UploadWriter) -> ApiResult<u64> {
    let mut body = body;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| {
            ApiError::new("upload_incomplete", "上传在传输中断开；已接收的部分已保存，请查询上传进度后续传")
        })?;
        if let Ok(data) = frame.into_data() {
            writer.write(&data).await?;
        }
    }
    Ok(writer.finish().await?)
}

/// Starts a resumable upload of a sealed bid (checks the tender, deadline, registration and size first).
#[utoipa::path(post, path = "/api/v1/uploads", tag = "bids", request_body = UploadRequest, responses(
    (status = 201, body = UploadDto),
    (status = 409, description = "bid_deadline_passed, tender_not_accepting_bids", body = ErrorBody),
    (status = 413, description = "bid_too_large", body = ErrorBody),
    (status = 422, description = "bidder_not_registered, invalid_digest", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn start_upload(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    ApiJson(request): ApiJson<UploadRequest>,
) -> ApiResult<impl IntoResponse> {
    let start = parse_start(
        request.tender_id,
        request.lot_id,
        &request.bidder_credit_code,
        request.size_bytes,
        &request.envelope_digest,
    )?;
    let view = state.app.start_upload(&actor, start).await?;
    Ok((StatusCode::CREATED, axum::Json(upload_dto(view))))
}

/// An upload's progress (resume from `received_bytes`).
#[utoipa::path(get, path = "/api/v1/uploads/{upload_id}", tag = "bids", responses(
    (status = 200, body = UploadDto), (status = 404, body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn upload_status(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(upload_id): Path<String>,
) -> ApiResult<axum::Json<UploadDto>> {
    Ok(axum::Json(upload_dto(state.app.upload_status(&actor, &upload_id).await?)))
}

/// Appends a chunk at `Upload-Offset` (application/octet-stream).
#[utoipa::path(patch, path = "/api/v1/uploads/{upload_id}", tag = "bids",
    request_body(content = Vec<u8>, content_type = "application/offset+octet-stream"),
    params(("upload-offset" = u64, Header, description = "bytes already received")),
    responses(
        (status = 200, body = UploadDto),
        (status = 409, description = "upload_offset_mismatch", body = ErrorBody),
        (status = 413, description = "bid_too_large", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn append_upload(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(upload_id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<axum::Json<UploadDto>> {
    let offset = headers
        .get(UPLOAD_OFFSET)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok())
        .ok_or_else(|| ApiError::new("upload_offset_mismatch", "缺少 Upload-Offset 请求头（已接收的字节数）"))?;
    let writer = state.app.write_upload(&actor, &upload_id, offset).await?;
    pump(body, writer).await?;
    Ok(axum::Json(upload_dto(state.app.upload_status(&actor, &upload_id).await?)))
}

/// Abandons an upload and drops its bytes.
#[utoipa::path(delete, path = "/api/v1/uploads/{upload_id}", tag = "bids", responses(
    (status = 204), (status = 404, body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn abandon_upload(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(upload_id): Path<String>,
) -> ApiResult<StatusCode> {
    state.app.abandon_upload(&actor, &upload_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Submits a complete upload: checks it in order and answers with the signed receipt.
#[utoipa::path(post, path = "/api/v1/uploads/{upload_id}/submit", tag = "bids", responses(
    (status = 201, body = ReceiptDto),
    (status = 400, description = "envelope_invalid", body = ErrorBody),
    (status = 409, description = "bid_deadline_passed, upload_incomplete", body = ErrorBody),
    (status = 422, description = "bid_signature_invalid, bid_digest_mismatch, certificate_untrusted, certificate_expired, certificate_revoked, bid_envelope_mismatch", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn submit_upload(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(upload_id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let receipt = state.app.submit_upload(&actor, &upload_id, &peer.ip().to_string()).await?;
    Ok((StatusCode::CREATED, axum::Json(ReceiptDto::from(receipt))))
}

/// The bidder of a one-shot submission.
#[derive(Debug, Deserialize, IntoParams)]
pub struct BidderQuery {
    /// The bidder's credit code (the caller must act for it).
    bidder: String,
}

/// Reads a one-shot body whole, refusing it with `too_large(limit)` as soon as it passes `limit`; a
/// broken body stores nothing.
pub(crate) async fn read_whole(
    body: Body,
    limit: u64,
    announced: Option<u64>,
    too_large: fn(u64) -> ApiError,
) -> ApiResult<Vec<u8>> {
    let mut body = body;
    // The announced length sizes the buffer once; past 1 MiB it grows as bytes arrive, so a client
    // that announces much and sends little reserves little.
    let reserve = announced.unwrap_or(0).min(limit).min(1 << 20);
    let mut bytes = Vec::with_capacity(usize::try_from(reserve).unwrap_or(0));
    while let Some(frame) = body.frame().await {
        let frame =
            frame.map_err(|_| ApiError::new("upload_incomplete", "上传在传输中断开，未保存任何内容；请重新提交"))?;
        if let Ok(data) = frame.into_data() {
            if bytes.len() as u64 + data.len() as u64 > limit {
                return Err(too_large(limit));
            }
            bytes.extend_from_slice(&data);
        }
    }
    Ok(bytes)
}

pub(crate) fn bid_too_large(limit: u64) -> ApiError {
    ApiError::new(
        "bid_too_large",
        format!("一次性提交的投标文件不得超过 {limit} 字节；更大的文件请用分片上传（ggzy bid submit）"),
    )
}

/// Submits a sealed bid of up to 32 MiB in one request (application/octet-stream with
/// `Content-Length` and `Bid-Digest`); larger files go through `/api/v1/uploads`.
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/bids", tag = "bids",
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    params(BidderQuery, ("bid-digest" = String, Header, description = "envelope digest (SM3, hex) the bidder signed")),
    responses(
        (status = 201, body = ReceiptDto),
        (status = 400, description = "envelope_invalid", body = ErrorBody),
        (status = 409, description = "bid_deadline_passed", body = ErrorBody),
        (status = 413, description = "bid_too_large", body = ErrorBody),
        (status = 422, description = "bid_signature_invalid, certificate_*", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn submit_bid(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path((tender_id, lot_id)): Path<(String, String)>,
    Query(query): Query<BidderQuery>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<impl IntoResponse> {
    let digest = headers.get(BID_DIGEST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let size = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .ok_or_else(|| {
            ApiError::new("envelope_invalid", "缺少 Content-Length：一次性提交须给出文件大小；大文件请用分片上传")
        })?;
    let start = parse_start(tender_id, lot_id, &query.bidder, size, digest)?;
    let limit = u64::try_from(state.config.max_bid_bytes).unwrap_or(u64::MAX).min(ONE_SHOT_MAX_BYTES);
    if size > limit {
        return Err(bid_too_large(limit));
    }
    let bytes = read_whole(body, limit, Some(size), bid_too_large).await?;
    let receipt = state.app.submit_bid(&actor, start, bytes, &peer.ip().to_string()).await?;
    Ok((StatusCode::CREATED, axum::Json(ReceiptDto::from(receipt))))
}

/// Withdraws the bidder's bid for a lot before the deadline (招标投标法 第二十九条).
#[utoipa::path(delete, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/bids/{bidder_credit_code}", tag = "bids", responses(
    (status = 200, body = ReceiptDto),
    (status = 404, body = ErrorBody),
    (status = 409, description = "bid_deadline_passed", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn withdraw_bid(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id, bidder)): Path<(String, String, String)>,
) -> ApiResult<axum::Json<ReceiptDto>> {
    let bidder = parse::credit_code("bidder_credit_code", &bidder).map_err(|e| ApiError::invalid(vec![e]))?;
    Ok(axum::Json(ReceiptDto::from(state.app.withdraw_bid(&actor, &tender_id, &lot_id, &bidder).await?)))
}

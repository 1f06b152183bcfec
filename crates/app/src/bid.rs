//! The submission service: sealed bids arrive as resumable uploads, are checked in the order the
//! law and DESIGN §5 set, stored content-addressed, recorded as one event on the bidder's own
//! stream, and answered with a receipt signed by the platform once the event is durable.
//!
//! Checks at submission, in order: the tender takes bids; the server time is before the deadline
//! (one comparison at ingest); the bidder registered; the certificate chains to a trusted CA, is
//! within its validity and not revoked, and names the bidder; the signature verifies over the
//! declared digest; the digest matches the bytes. A refused upload leaves nothing behind.

use ggzy_crypto::cert::{CertError, TrustStore};
use ggzy_crypto::envelope::{Envelope, envelope_digests};
use ggzy_crypto::receipt::{ReceiptFields, ReceiptKind};
use ggzy_crypto::sm3::Sm3Digest;
use ggzy_domain::authz::Action;
use ggzy_domain::credit::RestrictionScope;
use ggzy_domain::tender::{BidRefusal, TenderState, accept_bid};
use ggzy_domain::{CreditCode, china_time};
use ggzy_store::blob::{BlobStore, Incoming};
use ggzy_store::inline_blob::{INLINE_MAX_BYTES, InlineBlob};
use ggzy_store::tender_projection::{TenderOp, TenderRow};
use ggzy_store::tender_read::UploadRow;
use ggzy_store::{Appended, ProjectionOp};

use crate::App;
use crate::actor::Actor;
use crate::entity::stored_region;
use crate::entropy::random_hex;
use crate::error::{AppError, AppResult};
use crate::events::{BidDetails, Event, Recorded, stream};
use crate::tender::tender_state;

/// What the submission service needs besides the store.
#[derive(Debug, Clone)]
pub struct BidServices {
    /// Where sealed files are kept.
    pub blobs: BlobStore,
    /// The CAs (and CRLs) bidders' and officials' certificates must chain to.
    pub trust: TrustStore,
    /// Largest sealed file accepted, bytes.
    pub max_bid_bytes: u64,
}

/// An upload to start.
#[derive(Debug, Clone)]
pub struct UploadStart {
    /// Tender.
    pub tender_id: String,
    /// Lot.
    pub lot_id: String,
    /// The bidder.
    pub bidder: CreditCode,
    /// Size of the sealed file, bytes.
    pub size_bytes: u64,
    /// The envelope digest the bidder signed (`ggzy bid seal` prints it).
    pub declared_digest: Sm3Digest,
}

/// An upload's progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadView {
    /// Upload id.
    pub upload_id: String,
    /// Tender.
    pub tender_id: String,
    /// Lot.
    pub lot_id: String,
    /// Size announced.
    pub size_bytes: u64,
    /// Bytes received so far (resume from here).
    pub received_bytes: u64,
}

/// Largest bid accepted whole in one request (it is held in memory); larger ones use uploads.
pub const ONE_SHOT_MAX_BYTES: u64 = 32 << 20;

/// What a bid is submitted for, and what the bidder declared.
struct Target<'a> {
    tender_id: &'a str,
    lot_id: &'a str,
    bidder_credit_code: &'a str,
    declared_digest: &'a [u8],
    size_bytes: i64,
}

/// Where the bytes of a bid are until they are stored under their address.
enum Blob<'a> {
    /// In an upload's file, moved into place.
    Upload(&'a str),
    /// In memory (the same bytes as checked), written once.
    Whole(std::sync::Arc<Vec<u8>>),
}

/// A signed receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BidReceipt {
    /// What it attests.
    pub fields: ReceiptFields,
    /// Platform SM2 signature (DER).
    pub signature: Vec<u8>,
}

/// Appends the bytes of one upload, never past its announced size.
#[derive(Debug)]
pub struct UploadWriter {
    incoming: Incoming,
    size_bytes: u64,
}

impl UploadWriter {
    /// Appends a piece; refuses (and keeps what came before) if it would exceed the announced size.
    pub async fn write(&mut self, data: &[u8]) -> AppResult<()> {
        if self.incoming.received() + data.len() as u64 > self.size_bytes {
            return Err(AppError::refused(
                "bid_too_large",
                format!("上传的数据超过了开始上传时声明的文件大小（{} 字节），请核对文件后重新上传", self.size_bytes),
            ));
        }
        self.incoming.write(data).await.map_err(io_error)
    }

    /// Flushes; returns the bytes received so far.
    pub async fn finish(self) -> AppResult<u64> {
        self.incoming.finish().await.map_err(io_error)
    }
}

fn io_error(error: std::io::Error) -> AppError {
    AppError::Internal(format!("blob storage: {error}"))
}

/// Maps a certificate problem to its stable error.
pub(crate) fn certificate_refusal(error: CertError) -> AppError {
    match error {
        CertError::Expired { subject, not_after_unix } => AppError::refused(
            "certificate_expired",
            format!(
                "证书（{subject}）已于 {} 过期，请更新数字证书后重新加密投标文件",
                china_time::text(not_after_unix * 1000)
            ),
        ),
        CertError::NotYetValid { subject, not_before_unix } => AppError::refused(
            "certificate_expired",
            format!("证书（{subject}）自 {} 起才生效，请核对数字证书", china_time::text(not_before_unix * 1000)),
        ),
        CertError::Revoked { subject, serial_hex, revoked_at_unix } => AppError::refused(
            "certificate_revoked",
            format!(
                "证书（{subject}，序列号 {serial_hex}）已于 {} 被吊销，请向CA申请新证书后重新加密投标文件",
                china_time::text(revoked_at_unix * 1000)
            ),
        ),
        other => AppError::refused(
            "certificate_untrusted",
            format!("证书不是本平台信任的CA签发的，或证书链无效（{other}）；请使用互认CA签发的数字证书"),
        ),
    }
}

fn refusal(refused: BidRefusal) -> AppError {
    match refused {
        BidRefusal::DeadlinePassed { deadline_ms, now_ms } => AppError::refused(
            "bid_deadline_passed",
            format!(
                "投标截止时间为 {}，服务器时间为 {}，已过截止时间，投标文件不予接收（招标投标法实施条例 第三十六条）",
                china_time::text(deadline_ms),
                china_time::text(now_ms)
            ),
        ),
        BidRefusal::NotAcceptingBids(_) => AppError::refused("tender_not_accepting_bids", refused.to_string()),
    }
}

/// The tender takes bids now: bidding, the server time strictly before the deadline, and no
/// objection to the documents waiting for its reply (条例 第二十二条: the activity stops meanwhile).
pub(crate) fn check_accepting(row: &TenderRow, now_ms: i64) -> AppResult<()> {
    check_bidding(row, now_ms)?;
    if row.open_objections > 0 {
        return Err(AppError::refused(
            "objection_pending",
            "对招标文件的异议尚未答复，招标投标活动暂停；招标人答复后恢复，投标截止时间相应顺延（招标投标法实施条例 第二十二条）",
        ));
    }
    Ok(())
}

/// Bidding and before the deadline (what an amendment, which may answer an objection, needs).
pub(crate) fn check_bidding(row: &TenderRow, now_ms: i64) -> AppResult<()> {
    let state = tender_state(row)?;
    let deadline_ms = row.bid_deadline_ms.unwrap_or(i64::MIN);
    accept_bid(state, deadline_ms, now_ms).map_err(refusal)
}

pub(crate) fn bidding_guard(tender_id: &str) -> ProjectionOp {
    ProjectionOp::Tender(TenderOp::RequireState {
        tender_id: tender_id.to_owned(),
        state: TenderState::Bidding.as_str().to_owned(),
    })
}

fn upload_view(row: &UploadRow, received_bytes: u64) -> UploadView {
    UploadView {
        upload_id: row.upload_id.clone(),
        tender_id: row.tender_id.clone(),
        lot_id: row.lot_id.clone(),
        size_bytes: u64::try_from(row.size_bytes).unwrap_or(0),
        received_bytes,
    }
}

fn envelope_invalid(what: impl std::fmt::Display) -> AppError {
    AppError::refused(
        "envelope_invalid",
        format!("投标文件不是有效的加密投标文件（{what}）；请用 ggzy bid seal 重新生成后上传"),
    )
}

impl App {
    /// Installs the submission service's storage, trust store and limits.
    pub fn with_bid_services(mut self, services: BidServices) -> App {
        self.bids = Some(std::sync::Arc::new(services));
        self
    }

    pub(crate) fn bid_services(&self) -> AppResult<&BidServices> {
        self.bids.as_deref().ok_or_else(|| AppError::Internal("bid storage is not configured".to_owned()))
    }

    /// Starts an upload of a sealed bid: checks that the tender takes bids, the bidder registered
    /// and the size is within the limit, before any byte is stored.
    pub async fn start_upload(&self, actor: &Actor, start: UploadStart) -> AppResult<UploadView> {
        let services = self.bid_services()?;
        if start.size_bytes == 0 {
            return Err(envelope_invalid("文件为空"));
        }
        if start.size_bytes > services.max_bid_bytes {
            return Err(AppError::refused(
                "bid_too_large",
                format!(
                    "投标文件为 {} 字节，超过本平台上限 {} 字节；请压缩附件或联系交易中心",
                    start.size_bytes, services.max_bid_bytes
                ),
            ));
        }
        let row = self.tender_row(&start.tender_id).await?;
        let region = stored_region(&row.region_code)?;
        actor.authorize_on_entity(Action::SubmitBid, &region, start.bidder.as_str())?;
        if !self.store.tender_lots(&start.tender_id).await?.iter().any(|lot| lot.lot_id == start.lot_id) {
            return Err(AppError::NotFound { what: "标段" });
        }
        check_accepting(&row, self.now_ms())?;
        self.check_registered(&start.tender_id, &start.lot_id, start.bidder.as_str()).await?;
        self.check_not_restricted(start.bidder.as_str(), RestrictionScope::Tendering).await?;
        let upload = UploadRow {
            upload_id: format!("up{}", random_hex(self.entropy.as_ref(), 16)),
            tender_id: start.tender_id,
            lot_id: start.lot_id,
            bidder_credit_code: start.bidder.as_str().to_owned(),
            user_id: actor.user_id.clone(),
            size_bytes: i64::try_from(start.size_bytes).unwrap_or(i64::MAX),
            declared_digest: start.declared_digest.to_vec(),
            created_at_ms: self.now_ms(),
        };
        services.blobs.create_incoming(&upload.upload_id).await.map_err(io_error)?.finish().await.map_err(io_error)?;
        self.store.insert_upload(&upload).await?;
        Ok(upload_view(&upload, 0))
    }

    pub(crate) async fn check_registered(&self, tender_id: &str, lot_id: &str, bidder: &str) -> AppResult<()> {
        if self.store.is_registered(tender_id, lot_id, bidder).await? { Ok(()) } else { Err(not_registered()) }
    }

    async fn own_upload(&self, actor: &Actor, upload_id: &str) -> AppResult<UploadRow> {
        match self.store.upload(upload_id).await? {
            Some(row) if row.user_id == actor.user_id => Ok(row),
            _ => Err(AppError::NotFound { what: "上传任务" }),
        }
    }

    /// An upload's progress (to resume after a broken connection).
    pub async fn upload_status(&self, actor: &Actor, upload_id: &str) -> AppResult<UploadView> {
        let row = self.own_upload(actor, upload_id).await?;
        let received = self.bid_services()?.blobs.incoming_len(upload_id).await.map_err(io_error)?;
        Ok(upload_view(&row, received))
    }

    /// Opens an upload for appending at `offset`, which must be the bytes received so far.
    pub async fn write_upload(&self, actor: &Actor, upload_id: &str, offset: u64) -> AppResult<UploadWriter> {
        let row = self.own_upload(actor, upload_id).await?;
        let blobs = &self.bid_services()?.blobs;
        let incoming = blobs.reopen_incoming(upload_id).await.map_err(io_error)?;
        let Some(incoming) = incoming else {
            return Err(AppError::NotFound { what: "上传任务" });
        };
        if incoming.received() != offset {
            return Err(AppError::refused(
                "upload_offset_mismatch",
                format!(
                    "续传位置应为已接收的 {} 字节，请求给出的是 {offset}；请先查询上传进度再续传",
                    incoming.received()
                ),
            ));
        }
        Ok(UploadWriter { incoming, size_bytes: u64::try_from(row.size_bytes).unwrap_or(0) })
    }

    /// Drops an upload and its bytes (abandoned, broken or refused).
    pub async fn abandon_upload(&self, actor: &Actor, upload_id: &str) -> AppResult<()> {
        self.own_upload(actor, upload_id).await?;
        self.discard_upload(upload_id).await
    }

    async fn discard_upload(&self, upload_id: &str) -> AppResult<()> {
        self.bid_services()?.blobs.discard_incoming(upload_id).await.map_err(io_error)?;
        self.store.delete_upload(upload_id).await?;
        Ok(())
    }

    /// Submits a complete upload as the bidder's bid for the lot and returns the signed receipt.
    /// A refusal discards the upload; an incomplete upload is kept so that it can be resumed.
    pub async fn submit_upload(&self, actor: &Actor, upload_id: &str, client_ip: &str) -> AppResult<BidReceipt> {
        let upload = self.own_upload(actor, upload_id).await?;
        let services = self.bid_services()?;
        let received = services.blobs.incoming_len(upload_id).await.map_err(io_error)?;
        if i64::try_from(received).unwrap_or(i64::MAX) != upload.size_bytes {
            return Err(AppError::refused(
                "upload_incomplete",
                format!("已接收 {received} 字节，声明的文件大小为 {} 字节；请续传剩余部分后再提交", upload.size_bytes),
            ));
        }
        let bytes = services.blobs.read_incoming(&upload.upload_id).await.map_err(io_error)?;
        let target = Target {
            tender_id: &upload.tender_id,
            lot_id: &upload.lot_id,
            bidder_credit_code: &upload.bidder_credit_code,
            declared_digest: &upload.declared_digest,
            size_bytes: upload.size_bytes,
        };
        match self.check_and_record(actor, &target, &bytes, Blob::Upload(upload_id), client_ip).await {
            Ok(receipt) => Ok(receipt),
            Err(error) => {
                self.discard_upload(upload_id).await?;
                Err(error)
            }
        }
    }

    /// Submits a small sealed bid received whole in one request: the same checks in the same order
    /// as an upload, without an upload to track (nothing to resume); nothing is stored if refused.
    pub async fn submit_bid(
        &self,
        actor: &Actor,
        start: UploadStart,
        bytes: Vec<u8>,
        client_ip: &str,
    ) -> AppResult<BidReceipt> {
        let services = self.bid_services()?;
        let limit = services.max_bid_bytes.min(ONE_SHOT_MAX_BYTES);
        if start.size_bytes > limit || bytes.len() as u64 > limit {
            return Err(AppError::refused(
                "bid_too_large",
                format!("一次性提交的投标文件不得超过 {limit} 字节；更大的文件请用分片上传（ggzy bid submit）"),
            ));
        }
        if bytes.is_empty() || bytes.len() as u64 != start.size_bytes {
            return Err(envelope_invalid("收到的字节数与声明的文件大小不一致"));
        }
        let target = Target {
            tender_id: &start.tender_id,
            lot_id: &start.lot_id,
            bidder_credit_code: start.bidder.as_str(),
            declared_digest: &start.declared_digest,
            size_bytes: i64::try_from(start.size_bytes).unwrap_or(i64::MAX),
        };
        let bytes = std::sync::Arc::new(bytes);
        self.check_and_record(actor, &target, &bytes, Blob::Whole(bytes.clone()), client_ip).await
    }

    async fn check_and_record(
        &self,
        actor: &Actor,
        upload: &Target<'_>,
        bytes: &[u8],
        blob: Blob<'_>,
        client_ip: &str,
    ) -> AppResult<BidReceipt> {
        let services = self.bid_services()?;
        // One read for the tender, the registration and whether any credit record names the bidder.
        let admission = self
            .store
            .bid_admission(upload.tender_id, upload.lot_id, upload.bidder_credit_code)
            .await?
            .ok_or(AppError::NotFound { what: "招标项目" })?;
        let row = admission.tender;
        // 1-2. Open for bids, and the one comparison with server time at ingest.
        let received_at_ms = self.now_ms();
        check_accepting(&row, received_at_ms)?;
        // 3. Registered (and still a member acting for the bidder).
        let region = stored_region(&row.region_code)?;
        actor.authorize_on_entity(Action::SubmitBid, &region, upload.bidder_credit_code)?;
        if !admission.registered {
            return Err(not_registered());
        }
        // A restriction decided after the registration bars the bid too (一处失信、处处受限).
        if admission.credit_records > 0 {
            self.check_not_restricted(upload.bidder_credit_code, RestrictionScope::Tendering).await?;
        }
        let envelope = Envelope::parse(bytes).map_err(envelope_invalid)?;
        let digests = envelope_digests(bytes).map_err(envelope_invalid)?;
        let header = &envelope.header;
        if header.tender_id != upload.tender_id
            || header.lot_id != upload.lot_id
            || header.bidder_credit_code != upload.bidder_credit_code
        {
            return Err(AppError::refused(
                "bid_envelope_mismatch",
                format!(
                    "投标文件封装的是招标项目 {} 标段 {} 投标人 {}，与本次提交的招标项目 {} 标段 {} 投标人 {} 不一致",
                    header.tender_id,
                    header.lot_id,
                    header.bidder_credit_code,
                    upload.tender_id,
                    upload.lot_id,
                    upload.bidder_credit_code
                ),
            ));
        }
        // 4. Certificate: chain, validity, revocation, and it names the bidder.
        let cert = ggzy_crypto::cert::Certificate::from_der(&header.bidder_cert_der).map_err(envelope_invalid)?;
        services.trust.verify(&cert, &[], received_at_ms.div_euclid(1000)).map_err(certificate_refusal)?;
        if cert.common_name().as_deref() != Some(upload.bidder_credit_code) {
            return Err(AppError::refused(
                "bid_envelope_mismatch",
                format!("签名证书的主体为 {}，不是投标人 {} 的证书", cert.subject(), upload.bidder_credit_code),
            ));
        }
        // 5. Signature over the declared digest.
        let key = cert.public_key().map_err(certificate_refusal)?;
        if key.verify(upload.declared_digest, &envelope.signature).is_err() {
            return Err(AppError::refused(
                "bid_signature_invalid",
                "投标文件的签名与声明的摘要不符：文件可能被改动，或不是用本证书的私钥签名；请重新加密签名后上传",
            ));
        }
        // 6. Digest over the bytes.
        if digests.signed.as_slice() != upload.declared_digest {
            return Err(AppError::refused(
                "bid_digest_mismatch",
                "上传内容的SM3摘要与声明的摘要不一致：文件在传输中损坏或被改动；请重新上传",
            ));
        }
        let blob_sm3 = digests.whole;
        let mut extra = vec![bidding_guard(upload.tender_id)];
        match blob {
            Blob::Upload(upload_id) => {
                services.blobs.commit_incoming(upload_id, &blob_sm3).await.map_err(io_error)?;
                extra.push(ProjectionOp::Tender(TenderOp::DeleteUpload { upload_id: upload_id.to_owned() }));
            }
            // A small file rides in the event's own transaction (no file, no sync of its own).
            Blob::Whole(bytes) if bytes.len() <= INLINE_MAX_BYTES => {
                extra.push(ProjectionOp::PutInlineBlob(InlineBlob { address: blob_sm3, bytes }));
            }
            Blob::Whole(bytes) => {
                services.blobs.put(bytes, blob_sm3).await.map_err(io_error)?;
            }
        }
        let details = BidDetails {
            tender_id: upload.tender_id.to_owned(),
            lot_id: upload.lot_id.to_owned(),
            bidder_credit_code: upload.bidder_credit_code.to_owned(),
            envelope_digest_hex: hex::encode(upload.declared_digest),
            blob_sm3_hex: hex::encode(blob_sm3),
            size_bytes: upload.size_bytes,
            cert_serial: cert.serial_hex(),
            sealed_at_ms: header.sealed_at_ms,
            tool_version: header.tool_version.clone(),
            machine_id_hash_hex: hex::encode(header.machine_id_hash),
            mac_hash_hex: hex::encode(header.mac_hash),
            client_ip: client_ip.to_owned(),
            received_at_ms,
        };
        let event = Recorded {
            stream_id: stream::bidder(upload.tender_id, upload.lot_id, upload.bidder_credit_code),
            region_code: row.region_code.clone(),
            event: Event::BidSubmitted(details),
        };
        let appended = self.record(actor, Vec::new(), vec![event], extra).await.map_err(|error| match error {
            // The opening started between the check and the commit: the deadline had passed.
            AppError::Refused { code: "state_changed", .. } => refusal(BidRefusal::DeadlinePassed {
                deadline_ms: row.bid_deadline_ms.unwrap_or(0),
                now_ms: self.now_ms(),
            }),
            other => other,
        })?;
        let fields = ReceiptFields {
            kind: ReceiptKind::Submitted,
            tender_id: upload.tender_id.to_owned(),
            lot_id: upload.lot_id.to_owned(),
            bidder_credit_code: upload.bidder_credit_code.to_owned(),
            envelope_digest: upload.declared_digest.to_vec(),
            received_at_ms,
            log_position: appended.first_position,
            event_hash: first_hash(&appended),
        };
        self.sign_receipt(fields)
    }

    /// Withdraws the bidder's bid for a lot before the deadline (招标投标法 第二十九条).
    pub async fn withdraw_bid(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
        bidder: &CreditCode,
    ) -> AppResult<BidReceipt> {
        let row = self.tender_row(tender_id).await?;
        let region = stored_region(&row.region_code)?;
        actor.authorize_on_entity(Action::SubmitBid, &region, bidder.as_str())?;
        let received_at_ms = self.now_ms();
        check_accepting(&row, received_at_ms)?;
        match self.store.bid(tender_id, lot_id, bidder.as_str()).await? {
            Some(bid) if bid.status == "submitted" => {}
            _ => return Err(AppError::NotFound { what: "投标文件" }),
        }
        let event = Recorded {
            stream_id: stream::bidder(tender_id, lot_id, bidder.as_str()),
            region_code: row.region_code.clone(),
            event: Event::BidWithdrawn {
                tender_id: tender_id.to_owned(),
                lot_id: lot_id.to_owned(),
                bidder_credit_code: bidder.as_str().to_owned(),
            },
        };
        let appended = self.record(actor, Vec::new(), vec![event], vec![bidding_guard(tender_id)]).await?;
        self.sign_receipt(ReceiptFields {
            kind: ReceiptKind::Withdrawn,
            tender_id: tender_id.to_owned(),
            lot_id: lot_id.to_owned(),
            bidder_credit_code: bidder.as_str().to_owned(),
            envelope_digest: Vec::new(),
            received_at_ms,
            log_position: appended.first_position,
            event_hash: first_hash(&appended),
        })
    }

    fn sign_receipt(&self, fields: ReceiptFields) -> AppResult<BidReceipt> {
        let key = self.transparency.key.as_ref().ok_or(AppError::NotFound { what: "平台签名密钥" })?;
        let signature = fields.sign(key);
        Ok(BidReceipt { fields, signature })
    }
}

fn not_registered() -> AppError {
    AppError::refused("bidder_not_registered", "该投标人未在本标段报名（获取招标文件），不能提交投标文件；请先报名")
}

fn first_hash(appended: &Appended) -> Vec<u8> {
    appended.hashes.first().cloned().unwrap_or_default()
}

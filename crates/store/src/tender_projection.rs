//! Projection writes of tenders, lots, the opening-key escrow, registrations and bids.

use sqlx::AnyConnection;

use crate::connect::Backend;
use crate::error::{StoreError, StoreResult};

/// A new tender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenderRow {
    /// Tender id.
    pub tender_id: String,
    /// Region (tenant) running it.
    pub region_code: String,
    /// Title.
    pub title: String,
    /// The principal (招标人).
    pub principal_credit_code: String,
    /// The agency (招标代理机构), if entrusted.
    pub agency_credit_code: Option<String>,
    /// Ruleset version pinned at creation.
    pub ruleset_version: String,
    /// State identifier.
    pub state: String,
    /// When the documents were first issued, UTC ms.
    pub documents_issued_ms: Option<i64>,
    /// Bid deadline, UTC ms.
    pub bid_deadline_ms: Option<i64>,
    /// The opening public key (SPKI PEM), once the key ceremony is recorded.
    pub opening_public_key: Option<String>,
    /// Shares needed to rebuild the opening key.
    pub escrow_threshold: Option<i64>,
    /// The signed opening record (JSON), once the opening closed.
    pub opening_record: Option<String>,
    /// The tender's estimated price (招标项目估算价), fen, if the notice gave it.
    pub estimate_fen: Option<i64>,
    /// The bid security each bidder must lodge (投标保证金), fen, if the notice requires one.
    pub bid_security_fen: Option<i64>,
    /// Deadline for pre-qualification applications, UTC ms, when the tender pre-qualifies.
    pub pq_deadline_ms: Option<i64>,
    /// Objections to the documents waiting for their reply (the activity stops meanwhile).
    pub open_objections: i64,
    /// The published ceiling price (最高投标限价), fen, if the notice set one.
    pub ceiling_price_fen: Option<i64>,
    /// Bid validity (投标有效期), days from the bid deadline, if the notice set it.
    pub bid_validity_days: Option<i64>,
    /// The registered project (its investment project code), if any.
    pub project_id: Option<String>,
    /// Deadline for technical proposals, UTC ms, when the tender runs in two stages.
    pub proposal_deadline_ms: Option<i64>,
    /// Created, UTC ms.
    pub created_at_ms: i64,
    /// Last change, UTC ms.
    pub updated_at_ms: i64,
    /// Version of the tender's stream.
    pub version: i64,
}

/// A technical proposal of a two-stage tender's first stage (招标投标法实施条例 第三十条).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TechnicalProposalRow {
    /// Tender.
    pub tender_id: String,
    /// The potential bidder.
    pub proposer_credit_code: String,
    /// The document's file name.
    pub file_name: String,
    /// Its size.
    pub size_bytes: i64,
    /// Its SM3 (hex), the blob address.
    pub document_sm3_hex: String,
    /// When handed in, UTC ms.
    pub submitted_at_ms: i64,
}

/// The bidder's current bid for a lot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BidRow {
    /// Tender.
    pub tender_id: String,
    /// Lot.
    pub lot_id: String,
    /// Bidder.
    pub bidder_credit_code: String,
    /// SM3 digest the bidder signed (over magic, header and ciphertext).
    pub envelope_digest: Vec<u8>,
    /// SM3 of the stored file: its address in the blob store.
    pub blob_sm3: Vec<u8>,
    /// Size of the stored file.
    pub size_bytes: i64,
    /// Serial of the signing certificate (hex).
    pub cert_serial: String,
    /// When the bidder's tool sealed it (client clock, as declared).
    pub sealed_at_ms: i64,
    /// Client fingerprint: tool version.
    pub tool_version: String,
    /// Client fingerprint: SM3 of the machine id.
    pub machine_id_hash: Vec<u8>,
    /// Client fingerprint: SM3 of the MAC address.
    pub mac_hash: Vec<u8>,
    /// Submitting IP address.
    pub client_ip: String,
    /// Server time at ingest, UTC ms.
    pub received_at_ms: i64,
}

/// A bid's outcome at opening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BidOpeningRow {
    /// Tender.
    pub tender_id: String,
    /// Lot.
    pub lot_id: String,
    /// Bidder.
    pub bidder_credit_code: String,
    /// `decrypted` or `failed`.
    pub status: String,
    /// `bidder` or `escrow` (empty when failed).
    pub method: String,
    /// Fields the bidder declared in the envelope (price...), JSON; `{}` when failed.
    pub declared_json: String,
    /// Why it failed (empty when decrypted).
    pub reason: String,
    /// When, UTC ms.
    pub at_ms: i64,
}

/// A bidder's bid security for a lot (投标保证金: cash or an electronic guarantee, 电子保函).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityRow {
    /// Tender.
    pub tender_id: String,
    /// Lot.
    pub lot_id: String,
    /// Bidder.
    pub bidder_credit_code: String,
    /// `cash` or `e_guarantee`.
    pub kind: String,
    /// Amount, fen.
    pub amount_fen: i64,
    /// Bank transfer reference or guarantee number.
    pub reference: String,
    /// Guarantee issuer (bank or insurer); empty for cash.
    pub issuer: String,
    /// Last day the guarantee is valid (`YYYY-MM-DD`); empty for cash.
    pub valid_until: String,
    /// SM3 of the guarantee document, to verify a presented copy.
    pub document_sm3: Option<Vec<u8>>,
    /// When lodged, UTC ms.
    pub lodged_at_ms: i64,
    /// Day refunded (`YYYY-MM-DD`), once refunded.
    pub refunded_day: Option<String>,
}

/// One write to the tender read models.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TenderOp {
    /// A new tender.
    InsertTender(TenderRow),
    /// The notice's estimate, required bid security and ceiling price.
    SetSecurityTerms {
        /// Tender.
        tender_id: String,
        /// Estimate, fen.
        estimate_fen: Option<i64>,
        /// Required bid security, fen.
        bid_security_fen: Option<i64>,
        /// Ceiling price, fen.
        ceiling_price_fen: Option<i64>,
        /// Bid validity, days.
        bid_validity_days: Option<i64>,
    },
    /// A bidder lodges (or replaces) its bid security.
    PutSecurity(SecurityRow),
    /// The entities invited to an invited tender (邀请招标).
    InsertInvitees {
        /// Tender.
        tender_id: String,
        /// Credit codes.
        invitees: Vec<String>,
    },
    /// An objection to the documents is raised (+1) or answered (-1).
    CountObjection {
        /// Tender.
        tender_id: String,
        /// +1 or -1.
        delta: i64,
    },
    /// The pre-qualification notice's application deadline.
    SetPqDeadline {
        /// Tender.
        tender_id: String,
        /// UTC ms.
        pq_deadline_ms: i64,
    },
    /// The first-stage notice of a two-stage tender: its proposal deadline.
    SetProposalDeadline {
        /// Tender.
        tender_id: String,
        /// UTC ms.
        proposal_deadline_ms: i64,
    },
    /// A technical proposal is handed in, or replaced before the deadline.
    PutTechnicalProposal(TechnicalProposalRow),
    /// An applicant applies for pre-qualification.
    InsertPqApplication {
        /// Tender.
        tender_id: String,
        /// Applicant.
        applicant_credit_code: String,
        /// When, UTC ms.
        applied_at_ms: i64,
    },
    /// The review's result for one applicant (`qualified` or `rejected`).
    SetPqResult {
        /// Tender.
        tender_id: String,
        /// Applicant.
        applicant_credit_code: String,
        /// `qualified` or `rejected`.
        result: String,
        /// Why rejected (empty when qualified).
        reason: String,
    },
    /// Every security of a lot not yet refunded is refunded on a day.
    RefundSecurities {
        /// Tender.
        tender_id: String,
        /// Lot.
        lot_id: String,
        /// Day (`YYYY-MM-DD`).
        refunded_day: String,
    },
    /// One bidder's security of a lot refunded (after its withdrawal).
    RefundSecurity {
        /// Tender.
        tender_id: String,
        /// Lot.
        lot_id: String,
        /// Bidder.
        bidder_credit_code: String,
        /// Day (`YYYY-MM-DD`).
        refunded_day: String,
    },
    /// A lot of a tender.
    InsertLot {
        /// Tender.
        tender_id: String,
        /// Lot id.
        lot_id: String,
        /// Lot name.
        name: String,
    },
    /// The key ceremony: the opening public key and the threshold.
    SetOpeningKey {
        /// Tender.
        tender_id: String,
        /// SPKI PEM.
        public_key_pem: String,
        /// Shares needed.
        threshold: i64,
    },
    /// One official's encrypted share.
    InsertEscrowShare {
        /// Tender.
        tender_id: String,
        /// Official.
        official_user_id: String,
        /// Share x-coordinate.
        share_index: i64,
        /// Official's certificate serial.
        cert_serial: String,
        /// The share, SM2-encrypted to the official's certificate.
        encrypted_share: Vec<u8>,
    },
    /// Notice published: documents issued and the deadline set.
    SetSchedule {
        /// Tender.
        tender_id: String,
        /// Documents first issued, UTC ms.
        documents_issued_ms: i64,
        /// Bid deadline, UTC ms.
        bid_deadline_ms: i64,
    },
    /// The bid deadline moved (a late amendment pushed it out).
    SetDeadline {
        /// Tender.
        tender_id: String,
        /// Bid deadline, UTC ms.
        bid_deadline_ms: i64,
    },
    /// The tender moved to a state.
    SetState {
        /// Tender.
        tender_id: String,
        /// State identifier.
        state: String,
        /// Stream version now.
        version: i64,
        /// When, UTC ms.
        updated_at_ms: i64,
    },
    /// The tender's stream moved on without a change of state.
    SetVersion {
        /// Tender.
        tender_id: String,
        /// Stream version now.
        version: i64,
        /// When, UTC ms.
        updated_at_ms: i64,
    },
    /// A potential bidder registered for a lot.
    InsertRegistration {
        /// Tender.
        tender_id: String,
        /// Lot.
        lot_id: String,
        /// Bidder.
        bidder_credit_code: String,
        /// When, UTC ms.
        registered_at_ms: i64,
    },
    /// A bid submitted (it replaces the bidder's earlier one for the lot).
    PutBid(BidRow),
    /// The bidder withdrew its bid for the lot.
    WithdrawBid {
        /// Tender.
        tender_id: String,
        /// Lot.
        lot_id: String,
        /// Bidder.
        bidder_credit_code: String,
    },
    /// Guard: the tender is in this state when the transaction commits. Bids carry it, so a bid
    /// checked just before the deadline cannot land after the opening has started.
    RequireState {
        /// Tender.
        tender_id: String,
        /// Required state identifier.
        state: String,
    },
    /// Guard: the tender has exactly this many submitted bids when the transaction commits, so the
    /// opening decision (open or fail) is made on the final count.
    RequireSubmittedBids {
        /// Tender.
        tender_id: String,
        /// Required count.
        count: i64,
    },
    /// A lot failed at the deadline (流标): too few bids; its bids are not opened.
    SetLotFailed {
        /// Tender.
        tender_id: String,
        /// Lot.
        lot_id: String,
        /// Why.
        reason: String,
    },
    /// A bid's outcome at opening (a later outcome replaces an earlier failure).
    PutOpening(BidOpeningRow),
    /// The data key of an opened bid (operational: the evaluation reads the bid with it; never an event).
    PutOpenedKey {
        /// Tender.
        tender_id: String,
        /// Lot.
        lot_id: String,
        /// Bidder.
        bidder_credit_code: String,
        /// SM4 data key.
        data_key: Vec<u8>,
    },
    /// The signed opening record.
    SetOpeningRecord {
        /// Tender.
        tender_id: String,
        /// The record, JSON.
        record_json: String,
    },
    /// The escrow shares handed in are no longer needed (the quorum opened what it had to).
    DeleteGivenShares {
        /// Tender.
        tender_id: String,
    },
    /// An upload ended (submitted or abandoned); its operational row goes.
    DeleteUpload {
        /// Upload id.
        upload_id: String,
    },
}

fn expect_one(result: sqlx::any::AnyQueryResult, what: &'static str) -> StoreResult<()> {
    if result.rows_affected() == 1 { Ok(()) } else { Err(StoreError::Invalid(what)) }
}

impl TenderOp {
    /// Whether this write leaves every row of `tender` as it was, so a [`TenderOp::RequireState`]
    /// guard that held before it still holds after it. The writes of a bid are listed; every other
    /// write, including any added later, counts as a possible change.
    pub(crate) fn leaves_tenders(&self) -> bool {
        matches!(self, TenderOp::PutBid(_) | TenderOp::DeleteUpload { .. } | TenderOp::RequireState { .. })
    }
}

pub(crate) async fn apply(conn: &mut AnyConnection, backend: Backend, op: &TenderOp) -> StoreResult<()> {
    match op {
        TenderOp::InsertTender(row) => {
            sqlx::query(
                "INSERT INTO tender (tender_id, region_code, title, principal_credit_code, agency_credit_code, \
                 ruleset_version, state, documents_issued_ms, bid_deadline_ms, opening_public_key, \
                 escrow_threshold, opening_record, created_at_ms, updated_at_ms, version, project_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
            )
            .bind(row.tender_id.as_str())
            .bind(row.region_code.as_str())
            .bind(row.title.as_str())
            .bind(row.principal_credit_code.as_str())
            .bind(row.agency_credit_code.as_deref())
            .bind(row.ruleset_version.as_str())
            .bind(row.state.as_str())
            .bind(row.documents_issued_ms)
            .bind(row.bid_deadline_ms)
            .bind(row.opening_public_key.as_deref())
            .bind(row.escrow_threshold)
            .bind(row.opening_record.as_deref())
            .bind(row.created_at_ms)
            .bind(row.updated_at_ms)
            .bind(row.version)
            .bind(row.project_id.as_deref())
            .execute(&mut *conn)
            .await?;
        }
        TenderOp::InsertLot { tender_id, lot_id, name } => {
            sqlx::query("INSERT INTO tender_lot (tender_id, lot_id, name) VALUES ($1, $2, $3)")
                .bind(tender_id.as_str())
                .bind(lot_id.as_str())
                .bind(name.as_str())
                .execute(&mut *conn)
                .await?;
        }
        TenderOp::SetOpeningKey { tender_id, public_key_pem, threshold } => {
            let result =
                sqlx::query("UPDATE tender SET opening_public_key = $2, escrow_threshold = $3 WHERE tender_id = $1")
                    .bind(tender_id.as_str())
                    .bind(public_key_pem.as_str())
                    .bind(*threshold)
                    .execute(&mut *conn)
                    .await?;
            expect_one(result, "tender to update does not exist")?;
        }
        TenderOp::InsertEscrowShare { tender_id, official_user_id, share_index, cert_serial, encrypted_share } => {
            sqlx::query(
                "INSERT INTO escrow_share (tender_id, official_user_id, share_index, cert_serial, encrypted_share) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(tender_id.as_str())
            .bind(official_user_id.as_str())
            .bind(*share_index)
            .bind(cert_serial.as_str())
            .bind(encrypted_share.clone())
            .execute(&mut *conn)
            .await?;
        }
        TenderOp::SetSchedule { tender_id, documents_issued_ms, bid_deadline_ms } => {
            let result =
                sqlx::query("UPDATE tender SET documents_issued_ms = $2, bid_deadline_ms = $3 WHERE tender_id = $1")
                    .bind(tender_id.as_str())
                    .bind(*documents_issued_ms)
                    .bind(*bid_deadline_ms)
                    .execute(&mut *conn)
                    .await?;
            expect_one(result, "tender to update does not exist")?;
        }
        TenderOp::SetSecurityTerms {
            tender_id,
            estimate_fen,
            bid_security_fen,
            ceiling_price_fen,
            bid_validity_days,
        } => {
            let result = sqlx::query(
                "UPDATE tender SET estimate_fen = $2, bid_security_fen = $3, ceiling_price_fen = $4, \
                 bid_validity_days = $5 WHERE tender_id = $1",
            )
            .bind(tender_id.as_str())
            .bind(*estimate_fen)
            .bind(*bid_security_fen)
            .bind(*ceiling_price_fen)
            .bind(*bid_validity_days)
            .execute(&mut *conn)
            .await?;
            expect_one(result, "tender to update does not exist")?;
        }
        TenderOp::InsertInvitees { tender_id, invitees } => {
            for code in invitees {
                sqlx::query("INSERT INTO tender_invitee (tender_id, credit_code) VALUES ($1, $2)")
                    .bind(tender_id.as_str())
                    .bind(code.as_str())
                    .execute(&mut *conn)
                    .await?;
            }
        }
        TenderOp::CountObjection { tender_id, delta } => {
            let result = sqlx::query("UPDATE tender SET open_objections = open_objections + $2 WHERE tender_id = $1")
                .bind(tender_id.as_str())
                .bind(*delta)
                .execute(&mut *conn)
                .await?;
            expect_one(result, "tender to update does not exist")?;
        }
        TenderOp::SetPqDeadline { tender_id, pq_deadline_ms } => {
            let result = sqlx::query("UPDATE tender SET pq_deadline_ms = $2 WHERE tender_id = $1")
                .bind(tender_id.as_str())
                .bind(*pq_deadline_ms)
                .execute(&mut *conn)
                .await?;
            expect_one(result, "tender to update does not exist")?;
        }
        TenderOp::SetProposalDeadline { tender_id, proposal_deadline_ms } => {
            let result = sqlx::query("UPDATE tender SET proposal_deadline_ms = $2 WHERE tender_id = $1")
                .bind(tender_id.as_str())
                .bind(*proposal_deadline_ms)
                .execute(&mut *conn)
                .await?;
            expect_one(result, "tender to update does not exist")?;
        }
        TenderOp::PutTechnicalProposal(row) => {
            sqlx::query(
                "INSERT INTO technical_proposal (tender_id, proposer_credit_code, file_name, size_bytes, document_sm3, \
                 submitted_at_ms) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (tender_id, proposer_credit_code) DO UPDATE SET file_name = excluded.file_name, \
                 size_bytes = excluded.size_bytes, document_sm3 = excluded.document_sm3, \
                 submitted_at_ms = excluded.submitted_at_ms",
            )
            .bind(row.tender_id.as_str())
            .bind(row.proposer_credit_code.as_str())
            .bind(row.file_name.as_str())
            .bind(row.size_bytes)
            .bind(row.document_sm3_hex.as_str())
            .bind(row.submitted_at_ms)
            .execute(&mut *conn)
            .await?;
        }
        TenderOp::InsertPqApplication { tender_id, applicant_credit_code, applied_at_ms } => {
            sqlx::query(
                "INSERT INTO pq_application (tender_id, applicant_credit_code, applied_at_ms, result, reason) \
                 VALUES ($1, $2, $3, 'pending', '')",
            )
            .bind(tender_id.as_str())
            .bind(applicant_credit_code.as_str())
            .bind(*applied_at_ms)
            .execute(&mut *conn)
            .await?;
        }
        TenderOp::SetPqResult { tender_id, applicant_credit_code, result, reason } => {
            let done = sqlx::query(
                "UPDATE pq_application SET result = $3, reason = $4 WHERE tender_id = $1 AND applicant_credit_code = $2",
            )
            .bind(tender_id.as_str())
            .bind(applicant_credit_code.as_str())
            .bind(result.as_str())
            .bind(reason.as_str())
            .execute(&mut *conn)
            .await?;
            expect_one(done, "pre-qualification application does not exist")?;
        }
        TenderOp::PutSecurity(row) => {
            sqlx::query(
                "INSERT INTO bid_security (tender_id, lot_id, bidder_credit_code, kind, amount_fen, reference, issuer, \
                 valid_until, document_sm3, lodged_at_ms, refunded_day) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL) \
                 ON CONFLICT (tender_id, lot_id, bidder_credit_code) DO UPDATE SET kind = excluded.kind, \
                 amount_fen = excluded.amount_fen, reference = excluded.reference, issuer = excluded.issuer, \
                 valid_until = excluded.valid_until, document_sm3 = excluded.document_sm3, \
                 lodged_at_ms = excluded.lodged_at_ms, refunded_day = NULL",
            )
            .bind(row.tender_id.as_str())
            .bind(row.lot_id.as_str())
            .bind(row.bidder_credit_code.as_str())
            .bind(row.kind.as_str())
            .bind(row.amount_fen)
            .bind(row.reference.as_str())
            .bind(row.issuer.as_str())
            .bind(row.valid_until.as_str())
            .bind(row.document_sm3.clone())
            .bind(row.lodged_at_ms)
            .execute(&mut *conn)
            .await?;
        }
        TenderOp::RefundSecurities { tender_id, lot_id, refunded_day } => {
            sqlx::query(
                "UPDATE bid_security SET refunded_day = $3 \
                 WHERE tender_id = $1 AND lot_id = $2 AND refunded_day IS NULL",
            )
            .bind(tender_id.as_str())
            .bind(lot_id.as_str())
            .bind(refunded_day.as_str())
            .execute(&mut *conn)
            .await?;
        }
        TenderOp::RefundSecurity { tender_id, lot_id, bidder_credit_code, refunded_day } => {
            sqlx::query(
                "UPDATE bid_security SET refunded_day = $4 \
                 WHERE tender_id = $1 AND lot_id = $2 AND bidder_credit_code = $3 AND refunded_day IS NULL",
            )
            .bind(tender_id.as_str())
            .bind(lot_id.as_str())
            .bind(bidder_credit_code.as_str())
            .bind(refunded_day.as_str())
            .execute(&mut *conn)
            .await?;
        }
        TenderOp::SetDeadline { tender_id, bid_deadline_ms } => {
            let result = sqlx::query("UPDATE tender SET bid_deadline_ms = $2 WHERE tender_id = $1")
                .bind(tender_id.as_str())
                .bind(*bid_deadline_ms)
                .execute(&mut *conn)
                .await?;
            expect_one(result, "tender to update does not exist")?;
        }
        TenderOp::SetState { tender_id, state, version, updated_at_ms } => {
            let result =
                sqlx::query("UPDATE tender SET state = $2, version = $3, updated_at_ms = $4 WHERE tender_id = $1")
                    .bind(tender_id.as_str())
                    .bind(state.as_str())
                    .bind(*version)
                    .bind(*updated_at_ms)
                    .execute(&mut *conn)
                    .await?;
            expect_one(result, "tender to update does not exist")?;
        }
        TenderOp::SetVersion { tender_id, version, updated_at_ms } => {
            let result = sqlx::query("UPDATE tender SET version = $2, updated_at_ms = $3 WHERE tender_id = $1")
                .bind(tender_id.as_str())
                .bind(*version)
                .bind(*updated_at_ms)
                .execute(&mut *conn)
                .await?;
            expect_one(result, "tender to update does not exist")?;
        }
        TenderOp::InsertRegistration { tender_id, lot_id, bidder_credit_code, registered_at_ms } => {
            sqlx::query(
                "INSERT INTO bid_registration (tender_id, lot_id, bidder_credit_code, registered_at_ms) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(tender_id.as_str())
            .bind(lot_id.as_str())
            .bind(bidder_credit_code.as_str())
            .bind(*registered_at_ms)
            .execute(&mut *conn)
            .await?;
        }
        // One statement for one bid or for a batch's bids (`bid_batch.rs`).
        TenderOp::PutBid(row) => crate::bid_batch::put_bids(conn, backend, &[row]).await?,
        TenderOp::WithdrawBid { tender_id, lot_id, bidder_credit_code } => {
            let result = sqlx::query(
                "UPDATE bid SET status = 'withdrawn' WHERE tender_id = $1 AND lot_id = $2 \
                 AND bidder_credit_code = $3 AND status = 'submitted'",
            )
            .bind(tender_id.as_str())
            .bind(lot_id.as_str())
            .bind(bidder_credit_code.as_str())
            .execute(&mut *conn)
            .await?;
            expect_one(result, "bid to withdraw does not exist")?;
        }
        TenderOp::RequireState { tender_id, state } => {
            let row = sqlx::query("SELECT 1 FROM tender WHERE tender_id = $1 AND state = $2")
                .bind(tender_id.as_str())
                .bind(state.as_str())
                .fetch_optional(&mut *conn)
                .await?;
            if row.is_none() {
                return Err(StoreError::PreconditionFailed("tender state changed"));
            }
        }
        TenderOp::RequireSubmittedBids { tender_id, count } => {
            let actual: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM bid WHERE tender_id = $1 AND status = 'submitted'")
                    .bind(tender_id.as_str())
                    .fetch_one(&mut *conn)
                    .await?;
            if actual != *count {
                return Err(StoreError::PreconditionFailed("bid count changed"));
            }
        }
        TenderOp::SetLotFailed { tender_id, lot_id, reason } => {
            let result = sqlx::query("UPDATE tender_lot SET failed_reason = $3 WHERE tender_id = $1 AND lot_id = $2")
                .bind(tender_id.as_str())
                .bind(lot_id.as_str())
                .bind(reason.as_str())
                .execute(&mut *conn)
                .await?;
            expect_one(result, "lot to update does not exist")?;
        }
        TenderOp::PutOpening(row) => {
            sqlx::query(
                "INSERT INTO bid_opening (tender_id, lot_id, bidder_credit_code, status, method, declared_json, \
                 reason, at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (tender_id, lot_id, bidder_credit_code) DO UPDATE SET status = excluded.status, \
                 method = excluded.method, declared_json = excluded.declared_json, reason = excluded.reason, \
                 at_ms = excluded.at_ms",
            )
            .bind(row.tender_id.as_str())
            .bind(row.lot_id.as_str())
            .bind(row.bidder_credit_code.as_str())
            .bind(row.status.as_str())
            .bind(row.method.as_str())
            .bind(row.declared_json.as_str())
            .bind(row.reason.as_str())
            .bind(row.at_ms)
            .execute(&mut *conn)
            .await?;
        }
        TenderOp::PutOpenedKey { tender_id, lot_id, bidder_credit_code, data_key } => {
            sqlx::query(
                "INSERT INTO opened_key (tender_id, lot_id, bidder_credit_code, data_key) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (tender_id, lot_id, bidder_credit_code) DO UPDATE SET data_key = excluded.data_key",
            )
            .bind(tender_id.as_str())
            .bind(lot_id.as_str())
            .bind(bidder_credit_code.as_str())
            .bind(data_key.clone())
            .execute(&mut *conn)
            .await?;
        }
        TenderOp::SetOpeningRecord { tender_id, record_json } => {
            let result = sqlx::query("UPDATE tender SET opening_record = $2 WHERE tender_id = $1")
                .bind(tender_id.as_str())
                .bind(record_json.as_str())
                .execute(&mut *conn)
                .await?;
            expect_one(result, "tender to update does not exist")?;
        }
        TenderOp::DeleteGivenShares { tender_id } => {
            sqlx::query("DELETE FROM escrow_share_given WHERE tender_id = $1")
                .bind(tender_id.as_str())
                .execute(&mut *conn)
                .await?;
        }
        TenderOp::DeleteUpload { upload_id } => {
            sqlx::query("DELETE FROM bid_upload WHERE upload_id = $1")
                .bind(upload_id.as_str())
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

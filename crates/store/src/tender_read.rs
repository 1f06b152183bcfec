//! Reads of tenders and bids, and the operational rows of uploads in progress.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::connect::Store;
use crate::error::StoreResult;
use crate::tender_projection::{BidOpeningRow, BidRow, SecurityRow, TechnicalProposalRow, TenderRow};

/// A lot of a tender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotRow {
    /// Lot id.
    pub lot_id: String,
    /// Name.
    pub name: String,
    /// Why it failed at the deadline, if it did.
    pub failed_reason: Option<String>,
}

/// One official's encrypted share of an opening key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscrowShareRow {
    /// Official.
    pub official_user_id: String,
    /// Share x-coordinate.
    pub share_index: i64,
    /// Certificate serial the share is encrypted to.
    pub cert_serial: String,
    /// The encrypted share.
    pub encrypted_share: Vec<u8>,
}

/// A bid with its status (`submitted` or `withdrawn`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BidStatusRow {
    /// The bid.
    pub bid: BidRow,
    /// `submitted` or `withdrawn`.
    pub status: String,
}

/// An upload in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadRow {
    /// Upload id.
    pub upload_id: String,
    /// Tender.
    pub tender_id: String,
    /// Lot.
    pub lot_id: String,
    /// Bidder.
    pub bidder_credit_code: String,
    /// User who started it.
    pub user_id: String,
    /// Total size announced.
    pub size_bytes: i64,
    /// Envelope digest announced (SM3).
    pub declared_digest: Vec<u8>,
    /// Started, UTC ms.
    pub created_at_ms: i64,
}

const TENDER_COLUMNS: &str = "tender_id, region_code, title, principal_credit_code, agency_credit_code, \
     ruleset_version, state, documents_issued_ms, bid_deadline_ms, opening_public_key, escrow_threshold, \
     opening_record, created_at_ms, updated_at_ms, version, estimate_fen, bid_security_fen, pq_deadline_ms, open_objections, ceiling_price_fen, bid_validity_days, project_id, proposal_deadline_ms";

/// How many columns [`TENDER_COLUMNS`] names (a query appending columns reads them from here on).
const TENDER_COLUMN_COUNT: usize = column_count(TENDER_COLUMNS);

/// The number of comma-separated names in a column list.
const fn column_count(columns: &str) -> usize {
    let bytes = columns.as_bytes();
    let (mut i, mut count) = (0, 1);
    while i < bytes.len() {
        if bytes[i] == b',' {
            count += 1;
        }
        i += 1;
    }
    count
}

/// What a bid's admission checks read (see [`Store::bid_admission`]).
#[derive(Debug, Clone)]
pub struct BidAdmission {
    /// The tender.
    pub tender: TenderRow,
    /// The bidder is registered for the lot.
    pub registered: bool,
    /// Credit records naming the bidder (revoked ones included).
    pub credit_records: i64,
}

fn tender_from_row(row: &AnyRow) -> Result<TenderRow, sqlx::Error> {
    Ok(TenderRow {
        tender_id: row.try_get(0)?,
        region_code: row.try_get(1)?,
        title: row.try_get(2)?,
        principal_credit_code: row.try_get(3)?,
        agency_credit_code: row.try_get(4)?,
        ruleset_version: row.try_get(5)?,
        state: row.try_get(6)?,
        documents_issued_ms: row.try_get(7)?,
        bid_deadline_ms: row.try_get(8)?,
        opening_public_key: row.try_get(9)?,
        escrow_threshold: row.try_get(10)?,
        opening_record: row.try_get(11)?,
        created_at_ms: row.try_get(12)?,
        updated_at_ms: row.try_get(13)?,
        version: row.try_get(14)?,
        estimate_fen: row.try_get(15)?,
        bid_security_fen: row.try_get(16)?,
        pq_deadline_ms: row.try_get(17)?,
        open_objections: row.try_get(18)?,
        ceiling_price_fen: row.try_get(19)?,
        bid_validity_days: row.try_get(20)?,
        project_id: row.try_get(21)?,
        proposal_deadline_ms: row.try_get(22)?,
    })
}

const BID_COLUMNS: &str = "tender_id, lot_id, bidder_credit_code, envelope_digest, blob_sm3, size_bytes, cert_serial, \
     sealed_at_ms, tool_version, machine_id_hash, mac_hash, client_ip, received_at_ms, status";

fn bid_from_row(row: &AnyRow) -> Result<BidStatusRow, sqlx::Error> {
    Ok(BidStatusRow {
        bid: BidRow {
            tender_id: row.try_get(0)?,
            lot_id: row.try_get(1)?,
            bidder_credit_code: row.try_get(2)?,
            envelope_digest: row.try_get(3)?,
            blob_sm3: row.try_get(4)?,
            size_bytes: row.try_get(5)?,
            cert_serial: row.try_get(6)?,
            sealed_at_ms: row.try_get(7)?,
            tool_version: row.try_get(8)?,
            machine_id_hash: row.try_get(9)?,
            mac_hash: row.try_get(10)?,
            client_ip: row.try_get(11)?,
            received_at_ms: row.try_get(12)?,
        },
        status: row.try_get(13)?,
    })
}

const UPLOAD_COLUMNS: &str =
    "upload_id, tender_id, lot_id, bidder_credit_code, user_id, size_bytes, declared_digest, created_at_ms";

fn upload_from_row(row: &AnyRow) -> Result<UploadRow, sqlx::Error> {
    Ok(UploadRow {
        upload_id: row.try_get(0)?,
        tender_id: row.try_get(1)?,
        lot_id: row.try_get(2)?,
        bidder_credit_code: row.try_get(3)?,
        user_id: row.try_get(4)?,
        size_bytes: row.try_get(5)?,
        declared_digest: row.try_get(6)?,
        created_at_ms: row.try_get(7)?,
    })
}

impl Store {
    /// A tender by id.
    pub async fn tender(&self, tender_id: &str) -> StoreResult<Option<TenderRow>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {TENDER_COLUMNS} FROM tender WHERE tender_id = $1")))
            .bind(tender_id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(tender_from_row).transpose()?)
    }

    /// Tenders in creation order, at most `limit`.
    pub async fn tenders(&self, limit: i64) -> StoreResult<Vec<TenderRow>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {TENDER_COLUMNS} FROM tender ORDER BY created_at_ms, tender_id LIMIT $1"
        )))
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(tender_from_row).collect::<Result<_, sqlx::Error>>().map_err(Into::into)
    }

    /// The lots of a tender, in id order.
    pub async fn tender_lots(&self, tender_id: &str) -> StoreResult<Vec<LotRow>> {
        let rows =
            sqlx::query("SELECT lot_id, name, failed_reason FROM tender_lot WHERE tender_id = $1 ORDER BY lot_id")
                .bind(tender_id)
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|row| Ok(LotRow { lot_id: row.try_get(0)?, name: row.try_get(1)?, failed_reason: row.try_get(2)? }))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// The escrow shares of a tender's opening key.
    pub async fn escrow_shares(&self, tender_id: &str) -> StoreResult<Vec<EscrowShareRow>> {
        let rows = sqlx::query(
            "SELECT official_user_id, share_index, cert_serial, encrypted_share FROM escrow_share \
             WHERE tender_id = $1 ORDER BY share_index",
        )
        .bind(tender_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(EscrowShareRow {
                    official_user_id: row.try_get(0)?,
                    share_index: row.try_get(1)?,
                    cert_serial: row.try_get(2)?,
                    encrypted_share: row.try_get(3)?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// Every lot a bidder registered for, newest registration first: (tender, lot, when, UTC ms).
    pub async fn registrations_of(&self, bidder_credit_code: &str) -> StoreResult<Vec<(String, String, i64)>> {
        let rows = sqlx::query(
            "SELECT tender_id, lot_id, registered_at_ms FROM bid_registration WHERE bidder_credit_code = $1 \
             ORDER BY registered_at_ms DESC, tender_id, lot_id",
        )
        .bind(bidder_credit_code)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// Whether a bidder registered for a lot.
    pub async fn is_registered(&self, tender_id: &str, lot_id: &str, bidder_credit_code: &str) -> StoreResult<bool> {
        let row = sqlx::query(
            "SELECT 1 FROM bid_registration WHERE tender_id = $1 AND lot_id = $2 AND bidder_credit_code = $3",
        )
        .bind(tender_id)
        .bind(lot_id)
        .bind(bidder_credit_code)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.is_some())
    }

    /// What a bid's admission checks read, in one round trip: the tender, whether the bidder is
    /// registered for the lot, and how many credit records name the bidder (the records themselves
    /// are read only when there are any, which is rare).
    pub async fn bid_admission(
        &self,
        tender_id: &str,
        lot_id: &str,
        bidder_credit_code: &str,
    ) -> StoreResult<Option<BidAdmission>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {TENDER_COLUMNS}, \
             (SELECT COUNT(*) FROM bid_registration WHERE tender_id = $2 AND lot_id = $3 AND bidder_credit_code = $4), \
             (SELECT COUNT(*) FROM credit_record WHERE credit_code = $5) \
             FROM tender WHERE tender_id = $1"
        )))
        .bind(tender_id)
        .bind(tender_id)
        .bind(lot_id)
        .bind(bidder_credit_code)
        .bind(bidder_credit_code)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let registrations: i64 = row.try_get(TENDER_COLUMN_COUNT)?;
        Ok(Some(BidAdmission {
            tender: tender_from_row(&row)?,
            registered: registrations > 0,
            credit_records: row.try_get(TENDER_COLUMN_COUNT + 1)?,
        }))
    }

    /// A bidder's current bid for a lot, with its status.
    pub async fn bid(
        &self,
        tender_id: &str,
        lot_id: &str,
        bidder_credit_code: &str,
    ) -> StoreResult<Option<BidStatusRow>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {BID_COLUMNS} FROM bid WHERE tender_id = $1 AND lot_id = $2 AND bidder_credit_code = $3"
        )))
        .bind(tender_id)
        .bind(lot_id)
        .bind(bidder_credit_code)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.as_ref().map(bid_from_row).transpose()?)
    }

    /// The submitted (not withdrawn) bids of a tender, by lot and bidder.
    pub async fn submitted_bids(&self, tender_id: &str) -> StoreResult<Vec<BidRow>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {BID_COLUMNS} FROM bid WHERE tender_id = $1 AND status = 'submitted' \
             ORDER BY lot_id, bidder_credit_code"
        )))
        .bind(tender_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|row| bid_from_row(row).map(|b| b.bid)).collect::<Result<_, sqlx::Error>>().map_err(Into::into)
    }

    /// Records an upload in progress (operational, not an event: nothing is submitted yet).
    pub async fn insert_upload(&self, upload: &UploadRow) -> StoreResult<()> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO bid_upload ({UPLOAD_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        )))
        .bind(upload.upload_id.as_str())
        .bind(upload.tender_id.as_str())
        .bind(upload.lot_id.as_str())
        .bind(upload.bidder_credit_code.as_str())
        .bind(upload.user_id.as_str())
        .bind(upload.size_bytes)
        .bind(upload.declared_digest.as_slice())
        .bind(upload.created_at_ms)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// An upload in progress.
    pub async fn upload(&self, upload_id: &str) -> StoreResult<Option<UploadRow>> {
        let row =
            sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {UPLOAD_COLUMNS} FROM bid_upload WHERE upload_id = $1")))
                .bind(upload_id)
                .fetch_optional(self.pool())
                .await?;
        Ok(row.as_ref().map(upload_from_row).transpose()?)
    }

    /// The opening outcomes of a tender's bids, by lot and bidder.
    pub async fn bid_openings(&self, tender_id: &str) -> StoreResult<Vec<BidOpeningRow>> {
        let rows = sqlx::query(
            "SELECT tender_id, lot_id, bidder_credit_code, status, method, declared_json, reason, at_ms \
             FROM bid_opening WHERE tender_id = $1 ORDER BY lot_id, bidder_credit_code",
        )
        .bind(tender_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(BidOpeningRow {
                    tender_id: row.try_get(0)?,
                    lot_id: row.try_get(1)?,
                    bidder_credit_code: row.try_get(2)?,
                    status: row.try_get(3)?,
                    method: row.try_get(4)?,
                    declared_json: row.try_get(5)?,
                    reason: row.try_get(6)?,
                    at_ms: row.try_get(7)?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// A tender's pre-qualification applicants with their results (`pending`, `qualified`,
    /// `rejected`) and reasons, by credit code.
    pub async fn pq_applications(&self, tender_id: &str) -> StoreResult<Vec<(String, String, String)>> {
        let rows = sqlx::query(
            "SELECT applicant_credit_code, result, reason FROM pq_application WHERE tender_id = $1 \
             ORDER BY applicant_credit_code",
        )
        .bind(tender_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// The technical proposals of a two-stage tender's first stage, by proposer.
    pub async fn technical_proposals(&self, tender_id: &str) -> StoreResult<Vec<TechnicalProposalRow>> {
        let rows = sqlx::query(
            "SELECT tender_id, proposer_credit_code, file_name, size_bytes, document_sm3, submitted_at_ms \
             FROM technical_proposal WHERE tender_id = $1 ORDER BY proposer_credit_code",
        )
        .bind(tender_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(TechnicalProposalRow {
                    tender_id: row.try_get(0)?,
                    proposer_credit_code: row.try_get(1)?,
                    file_name: row.try_get(2)?,
                    size_bytes: row.try_get(3)?,
                    document_sm3_hex: row.try_get(4)?,
                    submitted_at_ms: row.try_get(5)?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// The entities invited to an invited tender (empty for an open one).
    pub async fn invitees(&self, tender_id: &str) -> StoreResult<Vec<String>> {
        let rows = sqlx::query("SELECT credit_code FROM tender_invitee WHERE tender_id = $1 ORDER BY credit_code")
            .bind(tender_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|row| row.try_get(0)).collect::<Result<_, sqlx::Error>>().map_err(Into::into)
    }

    /// The bid securities lodged for a lot, by bidder.
    pub async fn securities(&self, tender_id: &str, lot_id: &str) -> StoreResult<Vec<SecurityRow>> {
        let rows = sqlx::query(
            "SELECT tender_id, lot_id, bidder_credit_code, kind, amount_fen, reference, issuer, valid_until, \
             document_sm3, lodged_at_ms, refunded_day FROM bid_security WHERE tender_id = $1 AND lot_id = $2 \
             ORDER BY bidder_credit_code",
        )
        .bind(tender_id)
        .bind(lot_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(SecurityRow {
                    tender_id: row.try_get(0)?,
                    lot_id: row.try_get(1)?,
                    bidder_credit_code: row.try_get(2)?,
                    kind: row.try_get(3)?,
                    amount_fen: row.try_get(4)?,
                    reference: row.try_get(5)?,
                    issuer: row.try_get(6)?,
                    valid_until: row.try_get(7)?,
                    document_sm3: row.try_get(8)?,
                    lodged_at_ms: row.try_get(9)?,
                    refunded_day: row.try_get(10)?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// The data key of an opened bid.
    pub async fn opened_key(&self, tender_id: &str, lot_id: &str, bidder: &str) -> StoreResult<Option<Vec<u8>>> {
        let row = sqlx::query(
            "SELECT data_key FROM opened_key WHERE tender_id = $1 AND lot_id = $2 AND bidder_credit_code = $3",
        )
        .bind(tender_id)
        .bind(lot_id)
        .bind(bidder)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|row| row.try_get(0)).transpose()?)
    }

    /// Keeps an official's decrypted escrow share until the quorum is reached (operational; given
    /// only after the deadline). A second share from the same official replaces the first.
    pub async fn put_given_share(&self, tender_id: &str, official: &str, index: i64, value: &[u8]) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO escrow_share_given (tender_id, official_user_id, share_index, share_value) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (tender_id, official_user_id) DO UPDATE SET \
             share_index = excluded.share_index, share_value = excluded.share_value",
        )
        .bind(tender_id)
        .bind(official)
        .bind(index)
        .bind(value)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The escrow shares handed in so far: (official, index, value).
    pub async fn given_shares(&self, tender_id: &str) -> StoreResult<Vec<(String, i64, Vec<u8>)>> {
        let rows = sqlx::query(
            "SELECT official_user_id, share_index, share_value FROM escrow_share_given WHERE tender_id = $1 \
             ORDER BY share_index",
        )
        .bind(tender_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// Forgets every escrow share handed in for a tender (they did not rebuild the opening key).
    pub async fn delete_given_shares(&self, tender_id: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM escrow_share_given WHERE tender_id = $1").bind(tender_id).execute(self.pool()).await?;
        Ok(())
    }

    /// Forgets an upload that was refused or abandoned (operational row only).
    pub async fn delete_upload(&self, upload_id: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM bid_upload WHERE upload_id = $1").bind(upload_id).execute(self.pool()).await?;
        Ok(())
    }
}

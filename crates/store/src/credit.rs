//! The credit records' read model: one row per decision (penalty or restriction), written when it is
//! recorded and marked when it is revoked. The decision itself is the event `CreditRecorded`.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::Store;
use crate::error::StoreResult;

/// One decision as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditRecordRow {
    /// Record id.
    pub record_id: String,
    /// The entity.
    pub credit_code: String,
    /// Region of the deciding authority.
    pub region_code: String,
    /// `penalty` or `restriction`.
    pub kind: String,
    /// Restrictions: `tendering`, `procurement` or `all`.
    pub scope: Option<String>,
    /// The deciding authority.
    pub authority: String,
    /// The decision's document number (文号).
    pub document_no: String,
    /// Decided on (`YYYY-MM-DD`).
    pub decided_on: String,
    /// Restrictions: first day barred (`YYYY-MM-DD`).
    pub barred_from: Option<String>,
    /// Restrictions: last day barred (`YYYY-MM-DD`).
    pub barred_until: Option<String>,
    /// Legal basis (law and article).
    pub basis: String,
    /// What it was for.
    pub facts: String,
    /// Recorded, UTC ms.
    pub recorded_at_ms: i64,
    /// Why it was revoked, if it was.
    pub revoked_reason: Option<String>,
    /// When it was revoked, UTC ms.
    pub revoked_at_ms: Option<i64>,
}

/// Column list (a constant: the formatted SQL takes no input).
const COLUMNS: &str = "record_id, credit_code, region_code, kind, scope, authority, document_no, decided_on, \
                       barred_from, barred_until, basis, facts, recorded_at_ms, revoked_reason, revoked_at_ms";

fn credit_row(row: &AnyRow) -> StoreResult<CreditRecordRow> {
    Ok(CreditRecordRow {
        record_id: row.try_get(0)?,
        credit_code: row.try_get(1)?,
        region_code: row.try_get(2)?,
        kind: row.try_get(3)?,
        scope: row.try_get(4)?,
        authority: row.try_get(5)?,
        document_no: row.try_get(6)?,
        decided_on: row.try_get(7)?,
        barred_from: row.try_get(8)?,
        barred_until: row.try_get(9)?,
        basis: row.try_get(10)?,
        facts: row.try_get(11)?,
        recorded_at_ms: row.try_get(12)?,
        revoked_reason: row.try_get(13)?,
        revoked_at_ms: row.try_get(14)?,
    })
}

/// Writes a new decision's row.
pub(crate) async fn put(conn: &mut AnyConnection, row: &CreditRecordRow) -> StoreResult<()> {
    sqlx::query(AssertSqlSafe(format!(
        "INSERT INTO credit_record ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
    )))
    .bind(row.record_id.as_str())
    .bind(row.credit_code.as_str())
    .bind(row.region_code.as_str())
    .bind(row.kind.as_str())
    .bind(row.scope.as_deref())
    .bind(row.authority.as_str())
    .bind(row.document_no.as_str())
    .bind(row.decided_on.as_str())
    .bind(row.barred_from.as_deref())
    .bind(row.barred_until.as_deref())
    .bind(row.basis.as_str())
    .bind(row.facts.as_str())
    .bind(row.recorded_at_ms)
    .bind(row.revoked_reason.as_deref())
    .bind(row.revoked_at_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Marks a decision revoked.
pub(crate) async fn revoke(conn: &mut AnyConnection, record_id: &str, reason: &str, at_ms: i64) -> StoreResult<()> {
    sqlx::query("UPDATE credit_record SET revoked_reason = $1, revoked_at_ms = $2 WHERE record_id = $3")
        .bind(reason)
        .bind(at_ms)
        .bind(record_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

impl Store {
    /// One decision.
    pub async fn credit_record(&self, record_id: &str) -> StoreResult<Option<CreditRecordRow>> {
        let row = sqlx::query(AssertSqlSafe(format!("SELECT {COLUMNS} FROM credit_record WHERE record_id = $1")))
            .bind(record_id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(credit_row).transpose()
    }

    /// An entity's decisions, newest first.
    pub async fn entity_credit_records(&self, credit_code: &str) -> StoreResult<Vec<CreditRecordRow>> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM credit_record WHERE credit_code = $1 ORDER BY recorded_at_ms DESC, record_id"
        )))
        .bind(credit_code)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(credit_row).collect()
    }

    /// The latest decisions, newest first.
    pub async fn credit_records(&self, limit: i64) -> StoreResult<Vec<CreditRecordRow>> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM credit_record ORDER BY recorded_at_ms DESC, record_id LIMIT $1"
        )))
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(credit_row).collect()
    }
}

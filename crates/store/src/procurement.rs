//! The government procurements' list read model: one row per procedure, written when it is
//! planned. Everything else about a procedure is folded from its event stream.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::Store;
use crate::error::StoreResult;

/// One procurement as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcurementRow {
    /// Procurement id.
    pub procurement_id: String,
    /// Region of the platform running it.
    pub region_code: String,
    /// Method identifier (`open_tender`, `single_source`, ...).
    pub method: String,
    /// Category identifier (`goods`, `services`, `works`).
    pub category: String,
    /// Title.
    pub title: String,
    /// Budget, fen.
    pub budget_fen: i64,
    /// The purchaser's credit code.
    pub purchaser: String,
    /// Planned, UTC ms.
    pub planned_at_ms: i64,
}

/// Column list (a constant: the formatted SQL takes no input).
const COLUMNS: &str = "procurement_id, region_code, method, category, title, budget_fen, purchaser, planned_at_ms";

fn procurement_row(row: &AnyRow) -> StoreResult<ProcurementRow> {
    Ok(ProcurementRow {
        procurement_id: row.try_get(0)?,
        region_code: row.try_get(1)?,
        method: row.try_get(2)?,
        category: row.try_get(3)?,
        title: row.try_get(4)?,
        budget_fen: row.try_get(5)?,
        purchaser: row.try_get(6)?,
        planned_at_ms: row.try_get(7)?,
    })
}

/// Writes the row of a new procedure.
pub(crate) async fn put(conn: &mut AnyConnection, row: &ProcurementRow) -> StoreResult<()> {
    sqlx::query(AssertSqlSafe(format!("INSERT INTO procurement ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")))
        .bind(row.procurement_id.as_str())
        .bind(row.region_code.as_str())
        .bind(row.method.as_str())
        .bind(row.category.as_str())
        .bind(row.title.as_str())
        .bind(row.budget_fen)
        .bind(row.purchaser.as_str())
        .bind(row.planned_at_ms)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

impl Store {
    /// One procurement's row.
    pub async fn procurement(&self, procurement_id: &str) -> StoreResult<Option<ProcurementRow>> {
        let row = sqlx::query(AssertSqlSafe(format!("SELECT {COLUMNS} FROM procurement WHERE procurement_id = $1")))
            .bind(procurement_id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(procurement_row).transpose()
    }

    /// The latest planned procurements, newest first.
    pub async fn procurements(&self, limit: i64) -> StoreResult<Vec<ProcurementRow>> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM procurement ORDER BY planned_at_ms DESC, procurement_id LIMIT $1"
        )))
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(procurement_row).collect()
    }
}

//! The sales' list read model: one row per sale (land-use rights, state property), written when it
//! is announced. Everything else about a sale is folded from its event stream.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::Store;
use crate::error::StoreResult;

/// One sale as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleRow {
    /// Sale id.
    pub sale_id: String,
    /// Region of the platform running it.
    pub region_code: String,
    /// Kind identifier (`land_auction`, `land_listing`, `property_transfer`).
    pub kind: String,
    /// Title of the parcel or asset.
    pub title: String,
    /// First announced, UTC ms.
    pub announced_at_ms: i64,
    /// Bidding starts (current round), UTC ms.
    pub starts_at_ms: i64,
    /// Bidding is scheduled to end (current round), UTC ms.
    pub ends_at_ms: i64,
}

/// Column list (a constant: the formatted SQL takes no input).
const COLUMNS: &str = "sale_id, region_code, kind, title, announced_at_ms, starts_at_ms, ends_at_ms";

fn sale_row(row: &AnyRow) -> StoreResult<SaleRow> {
    Ok(SaleRow {
        sale_id: row.try_get(0)?,
        region_code: row.try_get(1)?,
        kind: row.try_get(2)?,
        title: row.try_get(3)?,
        announced_at_ms: row.try_get(4)?,
        starts_at_ms: row.try_get(5)?,
        ends_at_ms: row.try_get(6)?,
    })
}

/// Writes the row of a new sale (the list shows the first announcement's dates; a re-disclosure's
/// are folded from the stream).
pub(crate) async fn put(conn: &mut AnyConnection, row: &SaleRow) -> StoreResult<()> {
    sqlx::query(AssertSqlSafe(format!("INSERT INTO sale ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)")))
        .bind(row.sale_id.as_str())
        .bind(row.region_code.as_str())
        .bind(row.kind.as_str())
        .bind(row.title.as_str())
        .bind(row.announced_at_ms)
        .bind(row.starts_at_ms)
        .bind(row.ends_at_ms)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

impl Store {
    /// One sale's row.
    pub async fn sale(&self, sale_id: &str) -> StoreResult<Option<SaleRow>> {
        let row = sqlx::query(AssertSqlSafe(format!("SELECT {COLUMNS} FROM sale WHERE sale_id = $1")))
            .bind(sale_id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(sale_row).transpose()
    }

    /// The latest announced sales, newest first.
    pub async fn sales(&self, limit: i64) -> StoreResult<Vec<SaleRow>> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM sale ORDER BY announced_at_ms DESC, sale_id LIMIT $1"
        )))
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(sale_row).collect()
    }
}

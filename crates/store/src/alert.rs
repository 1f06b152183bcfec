//! The supervision alerts' read model: one row per alert for the regulators' lists (its evidence
//! and history are the events of its stream).

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::connect::Store;
use crate::error::StoreResult;
use crate::read::RegionRange;

/// An alert as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertRow {
    /// Id.
    pub alert_id: String,
    /// Region of the tender.
    pub region_code: String,
    /// Tender.
    pub tender_id: String,
    /// Lot.
    pub lot_id: String,
    /// The screen's rule code.
    pub rule: String,
    /// Score in thousandths.
    pub score_permille: i64,
    /// `new`, `confirmed`, `dismissed` or `referred`.
    pub state: String,
    /// Raised, UTC ms.
    pub raised_at_ms: i64,
    /// Last change, UTC ms.
    pub updated_at_ms: i64,
    /// Version of the alert's stream.
    pub version: i64,
}

/// A write of the alert read model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertOp {
    /// A new alert.
    Insert(AlertRow),
    /// A new state.
    SetState {
        /// The alert.
        alert_id: String,
        /// The state.
        state: String,
        /// When, UTC ms.
        updated_at_ms: i64,
        /// Stream version after the change.
        version: i64,
    },
}

pub(crate) async fn apply(conn: &mut AnyConnection, op: &AlertOp) -> StoreResult<()> {
    match op {
        AlertOp::Insert(row) => {
            sqlx::query(
                "INSERT INTO alert (alert_id, region_code, tender_id, lot_id, rule, score_permille, state, \
                 raised_at_ms, updated_at_ms, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(row.alert_id.as_str())
            .bind(row.region_code.as_str())
            .bind(row.tender_id.as_str())
            .bind(row.lot_id.as_str())
            .bind(row.rule.as_str())
            .bind(row.score_permille)
            .bind(row.state.as_str())
            .bind(row.raised_at_ms)
            .bind(row.updated_at_ms)
            .bind(row.version)
            .execute(&mut *conn)
            .await?;
        }
        AlertOp::SetState { alert_id, state, updated_at_ms, version } => {
            sqlx::query("UPDATE alert SET state = $2, updated_at_ms = $3, version = $4 WHERE alert_id = $1")
                .bind(alert_id.as_str())
                .bind(state.as_str())
                .bind(*updated_at_ms)
                .bind(*version)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

const ALERT_COLUMNS: &str =
    "alert_id, region_code, tender_id, lot_id, rule, score_permille, state, raised_at_ms, updated_at_ms, version";

fn alert_from_row(row: &AnyRow) -> Result<AlertRow, sqlx::Error> {
    Ok(AlertRow {
        alert_id: row.try_get(0)?,
        region_code: row.try_get(1)?,
        tender_id: row.try_get(2)?,
        lot_id: row.try_get(3)?,
        rule: row.try_get(4)?,
        score_permille: row.try_get(5)?,
        state: row.try_get(6)?,
        raised_at_ms: row.try_get(7)?,
        updated_at_ms: row.try_get(8)?,
        version: row.try_get(9)?,
    })
}

impl Store {
    /// Alerts of tenders within the region ranges (all when `None`), optionally in one state, newest
    /// first.
    pub async fn alerts(
        &self,
        regions: Option<&[RegionRange]>,
        state: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<AlertRow>> {
        let mut sql = format!("SELECT {ALERT_COLUMNS} FROM alert WHERE ($1 = '' OR state = $1)");
        let mut next = 2;
        if let Some(ranges) = regions {
            if ranges.is_empty() {
                return Ok(Vec::new());
            }
            sql.push_str(&format!(" AND {}", crate::read::region_clause(ranges, &mut next)));
        }
        sql.push_str(&format!(" ORDER BY raised_at_ms DESC, alert_id LIMIT ${next}"));
        // Only numbered placeholders are spliced in; every value is bound.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(state.unwrap_or(""));
        for range in regions.unwrap_or(&[]) {
            query = query.bind(range.low.as_str()).bind(range.high.as_str());
        }
        let rows = query.bind(limit).fetch_all(self.pool()).await?;
        Ok(rows.iter().map(alert_from_row).collect::<Result<_, _>>()?)
    }

    /// One alert.
    pub async fn alert(&self, alert_id: &str) -> StoreResult<Option<AlertRow>> {
        let sql = format!("SELECT {ALERT_COLUMNS} FROM alert WHERE alert_id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(alert_id).fetch_optional(self.pool()).await?;
        Ok(row.as_ref().map(alert_from_row).transpose()?)
    }
}

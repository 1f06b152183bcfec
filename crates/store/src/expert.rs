//! The expert pool's read model, the sealed draw secrets and the notification outbox.
//!
//! The `expert` rows are projections of the experts' streams; `draw_secret` and `outbox` are
//! operational rows written in the same transaction as the events that need them (a draw's
//! commitment, a draw's picks), so none exists without its event and no event without them.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::connect::Store;
use crate::error::{StoreError, StoreResult};
use crate::read::RegionRange;

/// An expert of the pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpertRow {
    /// Pool id.
    pub expert_id: String,
    /// Region the expert belongs to.
    pub region_code: String,
    /// Resident ID number (personal data; unique in the pool).
    pub resident_id: String,
    /// Name (personal data).
    pub name: String,
    /// `active`, `suspended` or `removed`.
    pub status: String,
    /// Specialty codes, space-separated (for statistics).
    pub specialties: String,
    /// The user account of the expert, if linked.
    pub user_id: Option<String>,
    /// The record as last registered or changed (JSON; personal data).
    pub details_json: String,
    /// Registered, UTC ms.
    pub registered_at_ms: i64,
    /// Last change, UTC ms.
    pub updated_at_ms: i64,
    /// Version of the expert's stream.
    pub version: i64,
}

/// A notification waiting in the outbox (or sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    /// Id, chosen by the app so that the same notification is never queued twice.
    pub message_id: String,
    /// Who it is for (an expert id).
    pub recipient: String,
    /// Subject.
    pub subject: String,
    /// Text.
    pub body: String,
    /// Queued, UTC ms.
    pub created_at_ms: i64,
    /// Sent, UTC ms.
    pub sent_at_ms: Option<i64>,
    /// Attempts so far.
    pub attempts: i64,
    /// The last failure.
    pub last_error: Option<String>,
}

/// A write of the expert read model or an operational row of the draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpertOp {
    /// A new expert.
    Insert(ExpertRow),
    /// New details of an expert (the registration time is kept).
    Update(ExpertRow),
    /// A new standing.
    SetStatus {
        /// The expert.
        expert_id: String,
        /// The status.
        status: String,
        /// When, UTC ms.
        updated_at_ms: i64,
        /// Stream version after the change.
        version: i64,
    },
    /// The secret of a draw being scheduled (sealed until the draw).
    PutDrawSecret {
        /// The draw.
        draw_id: String,
        /// The secret.
        secret: Vec<u8>,
        /// When, UTC ms.
        created_at_ms: i64,
    },
    /// A notification to send.
    Enqueue(OutboxRow),
    /// An assessment of an expert after an evaluation.
    PutAssessment(AssessmentRow),
}

/// An assessment of an expert's work on one lot (评标专家考核评价).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentRow {
    /// The expert.
    pub expert_id: String,
    /// Tender.
    pub tender_id: String,
    /// Lot.
    pub lot_id: String,
    /// `excellent`, `good`, `adequate` or `unqualified`.
    pub rating: String,
    /// Remarks.
    pub remarks: String,
    /// The user who assessed.
    pub assessed_by: String,
    /// When, UTC ms.
    pub assessed_at_ms: i64,
}

pub(crate) async fn apply(conn: &mut AnyConnection, op: &ExpertOp) -> StoreResult<()> {
    match op {
        ExpertOp::PutAssessment(row) => {
            sqlx::query(
                "INSERT INTO expert_assessment (expert_id, tender_id, lot_id, rating, remarks, assessed_by, \
                 assessed_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(row.expert_id.as_str())
            .bind(row.tender_id.as_str())
            .bind(row.lot_id.as_str())
            .bind(row.rating.as_str())
            .bind(row.remarks.as_str())
            .bind(row.assessed_by.as_str())
            .bind(row.assessed_at_ms)
            .execute(&mut *conn)
            .await?;
        }
        ExpertOp::Insert(row) => {
            sqlx::query(
                "INSERT INTO expert (expert_id, region_code, resident_id, name, status, specialties, user_id, \
                 details_json, registered_at_ms, updated_at_ms, version) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(row.expert_id.as_str())
            .bind(row.region_code.as_str())
            .bind(row.resident_id.as_str())
            .bind(row.name.as_str())
            .bind(row.status.as_str())
            .bind(row.specialties.as_str())
            .bind(row.user_id.as_deref())
            .bind(row.details_json.as_str())
            .bind(row.registered_at_ms)
            .bind(row.updated_at_ms)
            .bind(row.version)
            .execute(&mut *conn)
            .await?;
        }
        ExpertOp::Update(row) => {
            let result = sqlx::query(
                "UPDATE expert SET region_code = $2, resident_id = $3, name = $4, specialties = $5, user_id = $6, \
                 details_json = $7, updated_at_ms = $8, version = $9 WHERE expert_id = $1",
            )
            .bind(row.expert_id.as_str())
            .bind(row.region_code.as_str())
            .bind(row.resident_id.as_str())
            .bind(row.name.as_str())
            .bind(row.specialties.as_str())
            .bind(row.user_id.as_deref())
            .bind(row.details_json.as_str())
            .bind(row.updated_at_ms)
            .bind(row.version)
            .execute(&mut *conn)
            .await?;
            if result.rows_affected() != 1 {
                return Err(StoreError::Invalid("expert to update does not exist"));
            }
        }
        ExpertOp::SetStatus { expert_id, status, updated_at_ms, version } => {
            let result =
                sqlx::query("UPDATE expert SET status = $2, updated_at_ms = $3, version = $4 WHERE expert_id = $1")
                    .bind(expert_id.as_str())
                    .bind(status.as_str())
                    .bind(*updated_at_ms)
                    .bind(*version)
                    .execute(&mut *conn)
                    .await?;
            if result.rows_affected() != 1 {
                return Err(StoreError::Invalid("expert to update does not exist"));
            }
        }
        ExpertOp::PutDrawSecret { draw_id, secret, created_at_ms } => {
            sqlx::query("INSERT INTO draw_secret (draw_id, secret, created_at_ms) VALUES ($1, $2, $3)")
                .bind(draw_id.as_str())
                .bind(secret.as_slice())
                .bind(*created_at_ms)
                .execute(&mut *conn)
                .await?;
        }
        ExpertOp::Enqueue(row) => {
            sqlx::query(
                "INSERT INTO outbox (message_id, recipient, subject, body, created_at_ms, sent_at_ms, attempts, \
                 last_error) VALUES ($1, $2, $3, $4, $5, NULL, 0, NULL) ON CONFLICT (message_id) DO NOTHING",
            )
            .bind(row.message_id.as_str())
            .bind(row.recipient.as_str())
            .bind(row.subject.as_str())
            .bind(row.body.as_str())
            .bind(row.created_at_ms)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

const EXPERT_COLUMNS: &str = "expert_id, region_code, resident_id, name, status, specialties, user_id, details_json, \
     registered_at_ms, updated_at_ms, version";

fn expert_from_row(row: &AnyRow) -> Result<ExpertRow, sqlx::Error> {
    Ok(ExpertRow {
        expert_id: row.try_get(0)?,
        region_code: row.try_get(1)?,
        resident_id: row.try_get(2)?,
        name: row.try_get(3)?,
        status: row.try_get(4)?,
        specialties: row.try_get(5)?,
        user_id: row.try_get(6)?,
        details_json: row.try_get(7)?,
        registered_at_ms: row.try_get(8)?,
        updated_at_ms: row.try_get(9)?,
        version: row.try_get(10)?,
    })
}

const OUTBOX_COLUMNS: &str = "message_id, recipient, subject, body, created_at_ms, sent_at_ms, attempts, last_error";

fn outbox_from_row(row: &AnyRow) -> Result<OutboxRow, sqlx::Error> {
    Ok(OutboxRow {
        message_id: row.try_get(0)?,
        recipient: row.try_get(1)?,
        subject: row.try_get(2)?,
        body: row.try_get(3)?,
        created_at_ms: row.try_get(4)?,
        sent_at_ms: row.try_get(5)?,
        attempts: row.try_get(6)?,
        last_error: row.try_get(7)?,
    })
}

impl Store {
    /// One expert.
    pub async fn expert(&self, expert_id: &str) -> StoreResult<Option<ExpertRow>> {
        let sql = format!("SELECT {EXPERT_COLUMNS} FROM expert WHERE expert_id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(expert_id).fetch_optional(self.pool()).await?;
        Ok(row.as_ref().map(expert_from_row).transpose()?)
    }

    /// Experts in id order after `after` (a cursor), optionally within a region range.
    pub async fn experts(
        &self,
        region: Option<&RegionRange>,
        after: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<ExpertRow>> {
        let (low, high) = match region {
            Some(range) => (range.low.as_str(), range.high.as_str()),
            None => ("000000", "999999"),
        };
        let sql = format!(
            "SELECT {EXPERT_COLUMNS} FROM expert WHERE region_code >= $1 AND region_code <= $2 \
             AND expert_id > $3 ORDER BY expert_id LIMIT $4"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(low)
            .bind(high)
            .bind(after.unwrap_or(""))
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        Ok(rows.iter().map(expert_from_row).collect::<Result<_, _>>()?)
    }

    /// The whole pool (for the avoidance screen of a draw and for statistics), in id order.
    pub async fn all_experts(&self) -> StoreResult<Vec<ExpertRow>> {
        let sql = format!("SELECT {EXPERT_COLUMNS} FROM expert ORDER BY expert_id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(self.pool()).await?;
        Ok(rows.iter().map(expert_from_row).collect::<Result<_, _>>()?)
    }

    /// An expert's assessments, oldest first.
    pub async fn expert_assessments(&self, expert_id: &str) -> StoreResult<Vec<AssessmentRow>> {
        let rows = sqlx::query(
            "SELECT expert_id, tender_id, lot_id, rating, remarks, assessed_by, assessed_at_ms \
             FROM expert_assessment WHERE expert_id = $1 ORDER BY assessed_at_ms, tender_id, lot_id",
        )
        .bind(expert_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(AssessmentRow {
                    expert_id: row.try_get(0)?,
                    tender_id: row.try_get(1)?,
                    lot_id: row.try_get(2)?,
                    rating: row.try_get(3)?,
                    remarks: row.try_get(4)?,
                    assessed_by: row.try_get(5)?,
                    assessed_at_ms: row.try_get(6)?,
                })
            })
            .collect()
    }

    /// The expert whose record is linked to the user, if any.
    pub async fn expert_of_user(&self, user_id: &str) -> StoreResult<Option<ExpertRow>> {
        let sql = format!("SELECT {EXPERT_COLUMNS} FROM expert WHERE user_id = $1 ORDER BY expert_id LIMIT 1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(user_id).fetch_optional(self.pool()).await?;
        Ok(row.as_ref().map(expert_from_row).transpose()?)
    }

    /// The sealed secret of a draw.
    pub async fn draw_secret(&self, draw_id: &str) -> StoreResult<Option<Vec<u8>>> {
        let row = sqlx::query("SELECT secret FROM draw_secret WHERE draw_id = $1")
            .bind(draw_id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|row| row.try_get(0)).transpose()?)
    }

    /// Notifications not sent yet, oldest first.
    pub async fn pending_notifications(&self, limit: i64) -> StoreResult<Vec<OutboxRow>> {
        let sql = format!(
            "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE sent_at_ms IS NULL ORDER BY created_at_ms, message_id LIMIT $1"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(limit).fetch_all(self.pool()).await?;
        Ok(rows.iter().map(outbox_from_row).collect::<Result<_, _>>()?)
    }

    /// Every notification for a recipient, oldest first (sent or not).
    pub async fn notifications_for(&self, recipient: &str) -> StoreResult<Vec<OutboxRow>> {
        let sql =
            format!("SELECT {OUTBOX_COLUMNS} FROM outbox WHERE recipient = $1 ORDER BY created_at_ms, message_id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(recipient).fetch_all(self.pool()).await?;
        Ok(rows.iter().map(outbox_from_row).collect::<Result<_, _>>()?)
    }

    /// Marks a notification sent.
    pub async fn mark_notification_sent(&self, message_id: &str, at_ms: i64) -> StoreResult<()> {
        sqlx::query(
            "UPDATE outbox SET sent_at_ms = $2, attempts = attempts + 1, last_error = NULL WHERE message_id = $1",
        )
        .bind(message_id)
        .bind(at_ms)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Records why sending failed; the notification stays pending and is tried again.
    pub async fn mark_notification_failed(&self, message_id: &str, error: &str) -> StoreResult<()> {
        sqlx::query("UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE message_id = $1")
            .bind(message_id)
            .bind(error)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

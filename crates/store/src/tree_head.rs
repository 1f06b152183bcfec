//! Signed tree heads and the event hashes they are computed from.

use sqlx::Row;

use crate::connect::Store;
use crate::error::StoreResult;

/// A stored signed tree head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeHeadRow {
    /// Events covered.
    pub tree_size: i64,
    /// When signed, UTC ms.
    pub timestamp_ms: i64,
    /// Merkle root.
    pub root_hash: Vec<u8>,
    /// Platform SM2 signature (DER).
    pub signature: Vec<u8>,
}

fn head_from_row(row: &sqlx::any::AnyRow) -> Result<TreeHeadRow, sqlx::Error> {
    Ok(TreeHeadRow {
        tree_size: row.try_get(0)?,
        timestamp_ms: row.try_get(1)?,
        root_hash: row.try_get(2)?,
        signature: row.try_get(3)?,
    })
}

impl Store {
    /// Stores a head; a head for the same size already stored wins (returns false).
    pub async fn insert_tree_head(&self, head: &TreeHeadRow) -> StoreResult<bool> {
        let result = sqlx::query(
            "INSERT INTO tree_head (tree_size, timestamp_ms, root_hash, signature) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (tree_size) DO NOTHING",
        )
        .bind(head.tree_size)
        .bind(head.timestamp_ms)
        .bind(head.root_hash.as_slice())
        .bind(head.signature.as_slice())
        .execute(self.pool())
        .await?;
        Ok(result.rows_affected() == 1)
    }

    /// The newest head.
    pub async fn latest_tree_head(&self) -> StoreResult<Option<TreeHeadRow>> {
        let row = sqlx::query(
            "SELECT tree_size, timestamp_ms, root_hash, signature FROM tree_head ORDER BY tree_size DESC LIMIT 1",
        )
        .fetch_optional(self.pool())
        .await?;
        Ok(row.as_ref().map(head_from_row).transpose()?)
    }

    /// Every head, oldest first.
    pub async fn tree_heads(&self) -> StoreResult<Vec<TreeHeadRow>> {
        let rows =
            sqlx::query("SELECT tree_size, timestamp_ms, root_hash, signature FROM tree_head ORDER BY tree_size")
                .fetch_all(self.pool())
                .await?;
        Ok(rows.iter().map(head_from_row).collect::<Result<_, _>>()?)
    }

    /// The head of exactly `tree_size` events, if one was published.
    pub async fn tree_head(&self, tree_size: i64) -> StoreResult<Option<TreeHeadRow>> {
        let row =
            sqlx::query("SELECT tree_size, timestamp_ms, root_hash, signature FROM tree_head WHERE tree_size = $1")
                .bind(tree_size)
                .fetch_optional(self.pool())
                .await?;
        Ok(row.as_ref().map(head_from_row).transpose()?)
    }

    /// Event hashes after `after`, at most `limit`, in position order.
    pub async fn event_hashes(&self, after: i64, limit: i64) -> StoreResult<Vec<Vec<u8>>> {
        let rows = sqlx::query("SELECT hash FROM event WHERE position > $1 ORDER BY position LIMIT $2")
            .bind(after)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        Ok(rows.iter().map(|row| row.try_get(0)).collect::<Result<_, _>>()?)
    }
}

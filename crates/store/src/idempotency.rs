//! Idempotency keys: a POST retried with the same key gets the first response.
//!
//! A key is claimed before the handler runs (an INSERT that only one request can win), so two
//! concurrent retries cannot both execute. The response is stored when the handler finishes; a
//! claim whose handler failed with a server error is released so that the client may retry. A
//! claim still pending after its lease (its server died mid-request) may be taken over, so a
//! crash never blocks a key forever.

use sqlx::Row;

use crate::connect::Store;
use crate::error::StoreResult;

/// What a claim found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is new: run the request, then [`Store::complete_idempotency`].
    New,
    /// The key was used for the same request: return this response.
    Replay {
        /// HTTP status of the first response.
        status: u16,
        /// Body of the first response.
        body: String,
    },
    /// The first request with this key is still running.
    InProgress,
    /// The key was used for a different request.
    Mismatch,
}

impl Store {
    /// Claims `(scope, key)` for a request whose body hashes to `request_hash`; a pending claim
    /// older than `lease_ms` is taken over.
    pub async fn claim_idempotency(
        &self,
        scope: &str,
        key: &str,
        request_hash: &[u8],
        now_ms: i64,
        lease_ms: i64,
    ) -> StoreResult<Claim> {
        let inserted = sqlx::query(
            "INSERT INTO idempotency (scope, idem_key, request_hash, status, response_body, created_at_ms) \
             VALUES ($1, $2, $3, NULL, NULL, $4) ON CONFLICT (scope, idem_key) DO NOTHING",
        )
        .bind(scope)
        .bind(key)
        .bind(request_hash)
        .bind(now_ms)
        .execute(self.pool())
        .await?;
        if inserted.rows_affected() == 1 {
            return Ok(Claim::New);
        }
        let row = sqlx::query(
            "SELECT request_hash, status, response_body FROM idempotency WHERE scope = $1 AND idem_key = $2",
        )
        .bind(scope)
        .bind(key)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else {
            // Released between our insert and select: the caller may simply retry.
            return Ok(Claim::InProgress);
        };
        let stored_hash: Vec<u8> = row.try_get(0)?;
        if stored_hash != request_hash {
            return Ok(Claim::Mismatch);
        }
        let status: Option<i64> = row.try_get(1)?;
        let body: Option<String> = row.try_get(2)?;
        if let (Some(status), Some(body)) = (status, body) {
            return Ok(Claim::Replay { status: u16::try_from(status).unwrap_or(500), body });
        }
        // Pending: take it over only if the lease ran out, and only one taker wins (compare and set).
        let taken = sqlx::query(
            "UPDATE idempotency SET created_at_ms = $3 WHERE scope = $1 AND idem_key = $2 \
             AND status IS NULL AND created_at_ms <= $4",
        )
        .bind(scope)
        .bind(key)
        .bind(now_ms)
        .bind(now_ms - lease_ms)
        .execute(self.pool())
        .await?;
        Ok(if taken.rows_affected() == 1 { Claim::New } else { Claim::InProgress })
    }

    /// Stores the response of a claimed key.
    pub async fn complete_idempotency(&self, scope: &str, key: &str, status: u16, body: &str) -> StoreResult<()> {
        sqlx::query("UPDATE idempotency SET status = $3, response_body = $4 WHERE scope = $1 AND idem_key = $2")
            .bind(scope)
            .bind(key)
            .bind(i64::from(status))
            .bind(body)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Releases a claim whose request failed on our side.
    pub async fn release_idempotency(&self, scope: &str, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM idempotency WHERE scope = $1 AND idem_key = $2 AND status IS NULL")
            .bind(scope)
            .bind(key)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

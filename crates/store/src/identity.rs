//! Users, roles, credentials, sessions, API tokens and login throttling.

use sqlx::Row;

use crate::connect::Store;
use crate::error::StoreResult;

/// A user as projected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    /// User id.
    pub user_id: String,
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Home region.
    pub region_code: String,
    /// When created, UTC ms.
    pub created_at_ms: i64,
}

fn user_from_row(row: &sqlx::any::AnyRow) -> Result<UserRow, sqlx::Error> {
    Ok(UserRow {
        user_id: row.try_get(0)?,
        username: row.try_get(1)?,
        display_name: row.try_get(2)?,
        region_code: row.try_get(3)?,
        created_at_ms: row.try_get(4)?,
    })
}

impl Store {
    /// A user by login name.
    pub async fn user_by_username(&self, username: &str) -> StoreResult<Option<UserRow>> {
        let row = sqlx::query(
            "SELECT user_id, username, display_name, region_code, created_at_ms FROM app_user WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.as_ref().map(user_from_row).transpose()?)
    }

    /// A user by id.
    pub async fn user(&self, user_id: &str) -> StoreResult<Option<UserRow>> {
        let row = sqlx::query(
            "SELECT user_id, username, display_name, region_code, created_at_ms FROM app_user WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.as_ref().map(user_from_row).transpose()?)
    }

    /// All users in username order (admin listing).
    pub async fn users(&self, after: Option<&str>, limit: i64) -> StoreResult<Vec<UserRow>> {
        let rows = sqlx::query(
            "SELECT user_id, username, display_name, region_code, created_at_ms FROM app_user \
             WHERE username > $1 ORDER BY username LIMIT $2",
        )
        .bind(after.unwrap_or(""))
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.iter().map(user_from_row).collect::<Result<_, _>>()?)
    }

    /// The user's (role, region) grants.
    pub async fn user_roles(&self, user_id: &str) -> StoreResult<Vec<(String, String)>> {
        let rows = sqlx::query("SELECT role, region_code FROM user_role WHERE user_id = $1 ORDER BY role, region_code")
            .bind(user_id)
            .fetch_all(self.pool())
            .await?;
        Ok(rows.iter().map(|row| Ok((row.try_get(0)?, row.try_get(1)?))).collect::<Result<_, sqlx::Error>>()?)
    }

    /// The user's password hash (PHC string).
    pub async fn password_hash(&self, user_id: &str) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT password_hash FROM credential WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|row| row.try_get(0)).transpose()?)
    }

    /// Stores a new session keyed by the SM3 hash of its token (the token itself is never stored).
    pub async fn insert_session(
        &self,
        token_hash: &[u8],
        user_id: &str,
        csrf_token: &str,
        created_at_ms: i64,
        expires_at_ms: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO user_session (token_hash, user_id, csrf_token, created_at_ms, expires_at_ms) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf_token)
        .bind(created_at_ms)
        .bind(expires_at_ms)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Ends a session (logout).
    pub async fn delete_session(&self, token_hash: &[u8]) -> StoreResult<()> {
        sqlx::query("DELETE FROM user_session WHERE token_hash = $1").bind(token_hash).execute(self.pool()).await?;
        Ok(())
    }

    /// Removes sessions that expired before `now_ms`; returns how many.
    pub async fn delete_expired_sessions(&self, now_ms: i64) -> StoreResult<u64> {
        let result =
            sqlx::query("DELETE FROM user_session WHERE expires_at_ms <= $1").bind(now_ms).execute(self.pool()).await?;
        Ok(result.rows_affected())
    }

    /// Stores an API token keyed by the SM3 hash of its secret.
    pub async fn insert_api_token(
        &self,
        token_hash: &[u8],
        token_id: &str,
        user_id: &str,
        name: &str,
        created_at_ms: i64,
        expires_at_ms: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO api_token (token_hash, token_id, user_id, name, created_at_ms, expires_at_ms, revoked) \
             VALUES ($1, $2, $3, $4, $5, $6, 0)",
        )
        .bind(token_hash)
        .bind(token_id)
        .bind(user_id)
        .bind(name)
        .bind(created_at_ms)
        .bind(expires_at_ms)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Revokes one of the user's tokens; false if there is no such token.
    pub async fn revoke_api_token(&self, token_id: &str, user_id: &str) -> StoreResult<bool> {
        let result = sqlx::query("UPDATE api_token SET revoked = 1 WHERE token_id = $1 AND user_id = $2")
            .bind(token_id)
            .bind(user_id)
            .execute(self.pool())
            .await?;
        Ok(result.rows_affected() == 1)
    }

    /// Records a failed login for throttling.
    pub async fn record_login_failure(&self, username: &str, at_ms: i64) -> StoreResult<()> {
        sqlx::query("INSERT INTO login_failure (username, at_ms) VALUES ($1, $2)")
            .bind(username)
            .bind(at_ms)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Failed logins of a username since `since_ms`.
    pub async fn login_failures_since(&self, username: &str, since_ms: i64) -> StoreResult<i64> {
        let row = sqlx::query("SELECT COUNT(*) FROM login_failure WHERE username = $1 AND at_ms >= $2")
            .bind(username)
            .bind(since_ms)
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get(0)?)
    }

    /// Forgets a username's failures (after a successful login).
    pub async fn clear_login_failures(&self, username: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM login_failure WHERE username = $1").bind(username).execute(self.pool()).await?;
        Ok(())
    }
}

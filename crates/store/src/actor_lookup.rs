//! The user behind a live session or API token, with its role grants and entity memberships, in one
//! statement. Every authenticated request needs this; as separate queries it cost four round trips
//! to the driver's connection worker, whose thread hand-offs dominated the request's CPU.

use sqlx::Row;

use crate::connect::Store;
use crate::error::StoreResult;
use crate::identity::UserRow;

/// A user with what it may act as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorRow {
    /// The user.
    pub user: UserRow,
    /// (role, region) grants, ordered as [`Store::user_roles`] orders them.
    pub roles: Vec<(String, String)>,
    /// Credit codes of the entities the user acts for, ordered as [`Store::user_entities`] orders them.
    pub entities: Vec<String>,
}

/// The actor behind a live session, with the session's CSRF token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionActorRow {
    /// Who the session belongs to.
    pub actor: ActorRow,
    /// Token that state-changing browser requests must echo.
    pub csrf_token: String,
}

/// One statement for both credentials: `live` selects the credential's `user_id` (and whatever
/// `csrf` names) only while it is valid, so an unknown, expired or revoked credential yields no
/// rows at all. Row kind 0 is the user, with its memberships folded into one comma-separated column
/// (an agency acting for hundreds of entities would otherwise cost a row, and a message from the
/// driver's worker, per entity; credit codes never contain commas); kind 1 rows are role grants.
/// Both kinds share one column list; the padding is cast so PostgreSQL, which is strict about
/// UNION column types, accepts it. `string_agg(… ORDER BY …)` is spelled the same on PostgreSQL
/// and SQLite (3.44 and later). A string literal (not `format!`) so the statement is built once
/// and stays in sqlx's statement cache.
macro_rules! actor_sql {
    ($live:literal, $csrf:literal) => {
        concat!(
            "WITH live AS (",
            $live,
            ") \
             SELECT CAST(0 AS BIGINT) AS kind, u.user_id AS a, u.username AS b, u.display_name AS c, \
                    u.region_code AS d, u.created_at_ms AS e, ",
            $csrf,
            " AS f, \
                    (SELECT string_agg(m.credit_code, ',' ORDER BY m.credit_code) FROM entity_member m \
                     WHERE m.user_id = u.user_id) AS g \
             FROM live JOIN app_user u ON u.user_id = live.user_id \
             UNION ALL \
             SELECT CAST(1 AS BIGINT), r.role, r.region_code, CAST(NULL AS TEXT), CAST(NULL AS TEXT), \
                    CAST(NULL AS BIGINT), CAST(NULL AS TEXT), CAST(NULL AS TEXT) \
             FROM live JOIN user_role r ON r.user_id = live.user_id \
             ORDER BY kind, a, b"
        )
    };
}

const BY_API_TOKEN: &str = actor_sql!(
    "SELECT user_id FROM api_token WHERE token_hash = $1 AND revoked = 0 AND expires_at_ms > $2",
    "CAST(NULL AS TEXT)"
);

const BY_SESSION: &str = actor_sql!(
    "SELECT user_id, csrf_token FROM user_session WHERE token_hash = $1 AND expires_at_ms > $2",
    "live.csrf_token"
);

/// Folds the tagged rows; `None` if there is no user row (no valid credential, or no such user).
fn fold(rows: &[sqlx::any::AnyRow]) -> Result<Option<(ActorRow, Option<String>)>, sqlx::Error> {
    let mut user = None;
    let mut csrf_token = None;
    let mut roles = Vec::new();
    let mut entities = Vec::new();
    for row in rows {
        match row.try_get::<i64, _>(0)? {
            0 => {
                user = Some(UserRow {
                    user_id: row.try_get(1)?,
                    username: row.try_get(2)?,
                    display_name: row.try_get(3)?,
                    region_code: row.try_get(4)?,
                    created_at_ms: row.try_get(5)?,
                });
                csrf_token = row.try_get(6)?;
                // NULL when the user acts for no entity.
                if let Some(codes) = row.try_get::<Option<String>, _>(7)? {
                    entities = codes.split(',').map(str::to_owned).collect();
                }
            }
            1 => roles.push((row.try_get(1)?, row.try_get(2)?)),
            other => return Err(sqlx::Error::Decode(format!("unknown actor row kind {other}").into())),
        }
    }
    Ok(user.map(|user| (ActorRow { user, roles, entities }, csrf_token)))
}

impl Store {
    /// The actor behind an unrevoked API token that has not expired at `now_ms`, in one round trip.
    pub async fn actor_by_api_token(&self, token_hash: &[u8], now_ms: i64) -> StoreResult<Option<ActorRow>> {
        let rows = sqlx::query(BY_API_TOKEN).bind(token_hash).bind(now_ms).fetch_all(self.pool()).await?;
        Ok(fold(&rows)?.map(|(actor, _)| actor))
    }

    /// The actor behind a session that has not expired at `now_ms`, in one round trip.
    pub async fn actor_by_session(&self, token_hash: &[u8], now_ms: i64) -> StoreResult<Option<SessionActorRow>> {
        let rows = sqlx::query(BY_SESSION).bind(token_hash).bind(now_ms).fetch_all(self.pool()).await?;
        match fold(&rows)? {
            Some((actor, Some(csrf_token))) => Ok(Some(SessionActorRow { actor, csrf_token })),
            // The column is NOT NULL, so a user row always carries the token.
            Some((_, None)) => Err(sqlx::Error::Decode("session row without a CSRF token".into()).into()),
            None => Ok(None),
        }
    }
}

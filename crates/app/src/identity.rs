//! Users, roles, password login with server-side sessions, API tokens and login throttling.
//!
//! Secrets are stored only as hashes: passwords as argon2id PHC strings, session and API tokens as
//! SM3 digests (the tokens are 256-bit random, so a fast hash is enough). Sessions live in our own
//! database, expire by the app clock, and carry a CSRF token for the double-submit check.

use ggzy_crypto::sm3::sm3;
use ggzy_domain::RegionCode;
use ggzy_domain::role::{Role, RoleGrant};
use ggzy_store::actor_lookup::ActorRow;
use ggzy_store::{ExpectedVersion, ProjectionOp};

use crate::App;
use crate::actor::{Actor, Credential};
use crate::entropy::random_hex;
use crate::error::{AppError, AppResult, FieldError};
use crate::events::{Event, Recorded, stream};
use ggzy_domain::authz::Action;

/// Minimum password length.
pub const PASSWORD_MIN_CHARS: usize = 10;
/// Lifetime of an API token, in days, unless the caller asks for less.
pub const API_TOKEN_MAX_DAYS: i64 = 365;

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Initial password.
    pub password: String,
    /// Home region.
    pub region: RegionCode,
    /// Roles to grant.
    pub grants: Vec<RoleGrant>,
}

/// A user as shown to an admin or to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserView {
    /// User id.
    pub user_id: String,
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Home region.
    pub region_code: String,
    /// Roles held.
    pub grants: Vec<RoleGrant>,
    /// Entities the user acts for.
    pub entities: Vec<String>,
}

/// A new browser session; the token goes into a cookie and is never stored in clear.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The session token (cookie value).
    pub token: String,
    /// The CSRF token the browser must echo on state-changing requests.
    pub csrf_token: String,
    /// Expiry, UTC ms.
    pub expires_at_ms: i64,
    /// Who signed in.
    pub actor: Actor,
}

/// A new API token; the secret is shown once.
#[derive(Debug, Clone)]
pub struct NewApiToken {
    /// Public id of the token (for revocation).
    pub token_id: String,
    /// The secret bearer token.
    pub secret: String,
    /// Expiry, UTC ms.
    pub expires_at_ms: i64,
}

fn validate_username(username: &str, errors: &mut Vec<FieldError>) {
    let ok = (3..=32).contains(&username.len())
        && username.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.' || c == '-');
    if !ok {
        errors.push(FieldError::new("username", "invalid_username", "用户名须为3至32位小写字母、数字或 _ . -"));
    }
}

fn validate_password(password: &str, errors: &mut Vec<FieldError>) {
    if password.chars().count() < PASSWORD_MIN_CHARS {
        errors.push(FieldError::new("password", "weak_password", format!("密码至少{PASSWORD_MIN_CHARS}个字符")));
    }
}

fn validate_display_name(name: &str, errors: &mut Vec<FieldError>) {
    let chars = name.trim().chars().count();
    if chars == 0 || chars > 64 {
        errors.push(FieldError::new("display_name", "invalid_display_name", "姓名不能为空，且不超过64个字符"));
    }
}

async fn hash_password(password: String, salt: [u8; 16]) -> AppResult<String> {
    tokio::task::spawn_blocking(move || {
        use argon2::PasswordHasher as _;
        argon2::Argon2::default()
            .hash_password_with_salt(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| AppError::Internal(format!("argon2: {e}")))
    })
    .await
    .map_err(|e| AppError::Internal(format!("hashing task: {e}")))?
}

async fn verify_password(password: String, phc: String) -> AppResult<bool> {
    tokio::task::spawn_blocking(move || {
        use argon2::PasswordVerifier as _;
        let parsed = argon2::PasswordHash::new(&phc).map_err(|e| AppError::Internal(format!("stored hash: {e}")))?;
        Ok(argon2::Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
    .map_err(|e| AppError::Internal(format!("verifying task: {e}")))?
}

fn parse_grants(rows: Vec<(String, String)>) -> AppResult<Vec<RoleGrant>> {
    rows.into_iter()
        .map(|(role, region)| {
            let role = role.parse::<Role>().map_err(|e| AppError::Internal(e.to_string()))?;
            let region = RegionCode::parse(&region).map_err(|e| AppError::Internal(e.to_string()))?;
            Ok(RoleGrant { role, region })
        })
        .collect()
}

/// The actor the one-statement lookup found; the same fields as `App::actor_for` builds.
fn actor_from_row(row: ActorRow, credential: Credential) -> AppResult<Actor> {
    let region = RegionCode::parse(&row.user.region_code).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Actor {
        user_id: row.user.user_id,
        username: row.user.username,
        display_name: row.user.display_name,
        region,
        grants: parse_grants(row.roles)?,
        entities: row.entities,
        credential,
    })
}

impl App {
    /// Creates a user with roles; the actor needs `ManageUsers` for the home region and every
    /// region granted.
    pub async fn create_user(&self, actor: &Actor, new: NewUser) -> AppResult<UserView> {
        let mut errors = Vec::new();
        validate_username(&new.username, &mut errors);
        validate_display_name(&new.display_name, &mut errors);
        validate_password(&new.password, &mut errors);
        if new.grants.iter().any(|grant| grant.role == Role::Public) {
            errors.push(FieldError::new("roles", "invalid_role", "社会公众无需授予角色"));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        actor.authorize(Action::ManageUsers, &new.region)?;
        for grant in &new.grants {
            actor.authorize(Action::ManageUsers, &grant.region)?;
        }
        if self.store.user_by_username(&new.username).await?.is_some() {
            return Err(AppError::AlreadyExists { what: "用户名" });
        }
        let user_id = format!("u{}", random_hex(self.entropy.as_ref(), 8));
        let mut salt = [0; 16];
        self.entropy.fill(&mut salt);
        let password_hash = hash_password(new.password, salt).await?;
        let stream_id = stream::user(&user_id);
        let region_code = new.region.as_str().to_owned();
        let mut events = vec![Recorded {
            stream_id: stream_id.clone(),
            region_code: region_code.clone(),
            event: Event::UserCreated {
                user_id: user_id.clone(),
                username: new.username.clone(),
                display_name: new.display_name.trim().to_owned(),
                region_code: region_code.clone(),
            },
        }];
        let mut grants = new.grants.clone();
        grants.sort();
        grants.dedup();
        for grant in &grants {
            events.push(Recorded {
                stream_id: stream_id.clone(),
                region_code: region_code.clone(),
                event: Event::RoleGranted {
                    user_id: user_id.clone(),
                    role: grant.role.as_str().to_owned(),
                    region_code: grant.region.as_str().to_owned(),
                },
            });
        }
        events.push(Recorded {
            stream_id: stream_id.clone(),
            region_code,
            event: Event::PasswordSet { user_id: user_id.clone() },
        });
        let credential =
            ProjectionOp::SetCredential { user_id: user_id.clone(), password_hash, updated_at_ms: self.now_ms() };
        match self.record(actor, vec![(stream_id, ExpectedVersion::NoStream)], events, vec![credential]).await {
            Ok(_) => {}
            // Two admins racing for one username: the UNIQUE constraint decides.
            Err(AppError::AlreadyExists { .. }) => return Err(AppError::AlreadyExists { what: "用户名" }),
            Err(other) => return Err(other),
        }
        self.user_view(&user_id).await
    }

    /// A user with roles and entities.
    pub async fn user_view(&self, user_id: &str) -> AppResult<UserView> {
        let user = self.store.user(user_id).await?.ok_or(AppError::NotFound { what: "用户" })?;
        Ok(UserView {
            grants: self.grants_of(user_id).await?,
            entities: self.store.user_entities(user_id).await?,
            user_id: user.user_id,
            username: user.username,
            display_name: user.display_name,
            region_code: user.region_code,
        })
    }

    /// Lists users for an admin (cursor = last username seen).
    pub async fn list_users(&self, actor: &Actor, after: Option<&str>, limit: i64) -> AppResult<Vec<UserView>> {
        actor.authorize(Action::ManageUsers, &actor.region)?;
        let mut views = Vec::new();
        for user in self.store.users(after, limit.clamp(1, 200)).await? {
            let region = RegionCode::parse(&user.region_code)
                .map_err(|e| AppError::Internal(format!("stored region {}: {e}", user.region_code)))?;
            // An admin sees the users of its regions only.
            if actor.authorize(Action::ManageUsers, &region).is_ok() {
                views.push(self.user_view(&user.user_id).await?);
            }
        }
        Ok(views)
    }

    pub(crate) async fn grants_of(&self, user_id: &str) -> AppResult<Vec<RoleGrant>> {
        parse_grants(self.store.user_roles(user_id).await?)
    }

    async fn actor_for(&self, user_id: &str, credential: Credential) -> AppResult<Actor> {
        let view = self.user_view(user_id).await?;
        let region = RegionCode::parse(&view.region_code).map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(Actor {
            user_id: view.user_id,
            username: view.username,
            display_name: view.display_name,
            region,
            grants: view.grants,
            entities: view.entities,
            credential,
        })
    }

    /// Password login. Failed attempts per username are counted; past the limit within the
    /// window, even a right password is refused until the window has passed.
    pub async fn login(&self, username: &str, password: &str) -> AppResult<NewSession> {
        let now = self.now_ms();
        let window_start = now - self.config.login_window_ms;
        let failures = self.store.login_failures_since(username, window_start).await?;
        if failures >= self.config.login_max_failures {
            return Err(AppError::LoginThrottled { retry_after_s: self.config.login_window_ms / 1000 });
        }
        let user = self.store.user_by_username(username).await?;
        let hash = match &user {
            Some(user) => self.store.password_hash(&user.user_id).await?,
            None => None,
        };
        let ok = match hash {
            Some(hash) => verify_password(password.to_owned(), hash).await?,
            None => false,
        };
        let Some(user) = user.filter(|_| ok) else {
            self.store.record_login_failure(username, now).await?;
            return Err(AppError::LoginFailed);
        };
        self.store.clear_login_failures(username).await?;
        let token = random_hex(self.entropy.as_ref(), 32);
        let csrf_token = random_hex(self.entropy.as_ref(), 16);
        let expires_at_ms = now + self.config.session_ttl_ms;
        self.store.insert_session(&sm3(token.as_bytes()), &user.user_id, &csrf_token, now, expires_at_ms).await?;
        let actor = self.actor_for(&user.user_id, Credential::Session { csrf_token: csrf_token.clone() }).await?;
        Ok(NewSession { token, csrf_token, expires_at_ms, actor })
    }

    /// The actor behind a session cookie, if the session is live.
    pub async fn session_actor(&self, token: &str) -> AppResult<Actor> {
        // One round trip: this runs on every browser request.
        let found = self
            .store
            .actor_by_session(&sm3(token.as_bytes()), self.now_ms())
            .await?
            .ok_or(AppError::Unauthenticated)?;
        actor_from_row(found.actor, Credential::Session { csrf_token: found.csrf_token })
    }

    /// Ends a session.
    pub async fn logout(&self, token: &str) -> AppResult<()> {
        Ok(self.store.delete_session(&sm3(token.as_bytes())).await?)
    }

    /// The actor behind an API bearer token.
    pub async fn token_actor(&self, secret: &str) -> AppResult<Actor> {
        // One round trip: this runs on every API request.
        let found = self
            .store
            .actor_by_api_token(&sm3(secret.as_bytes()), self.now_ms())
            .await?
            .ok_or(AppError::Unauthenticated)?;
        actor_from_row(found, Credential::ApiToken)
    }

    /// Issues an API token acting as the actor, valid for `days` (1 to 365).
    pub async fn issue_api_token(&self, actor: &Actor, name: &str, days: i64) -> AppResult<NewApiToken> {
        let mut errors = Vec::new();
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 64 {
            errors.push(FieldError::new("name", "invalid_token_name", "令牌名称不能为空，且不超过64个字符"));
        }
        if !(1..=API_TOKEN_MAX_DAYS).contains(&days) {
            errors.push(FieldError::new(
                "days",
                "invalid_token_days",
                format!("有效天数须在1至{API_TOKEN_MAX_DAYS}之间"),
            ));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        actor.authorize(Action::IssueApiToken, &actor.region)?;
        let token_id = format!("t{}", random_hex(self.entropy.as_ref(), 8));
        let secret = format!("ggzy_{}", random_hex(self.entropy.as_ref(), 32));
        let now = self.now_ms();
        let expires_at_ms = now + days * 24 * 3600 * 1000;
        self.store
            .insert_api_token(&sm3(secret.as_bytes()), &token_id, &actor.user_id, name, now, expires_at_ms)
            .await?;
        Ok(NewApiToken { token_id, secret, expires_at_ms })
    }

    /// Revokes one of the actor's API tokens.
    pub async fn revoke_api_token(&self, actor: &Actor, token_id: &str) -> AppResult<()> {
        if self.store.revoke_api_token(token_id, &actor.user_id).await? {
            Ok(())
        } else {
            Err(AppError::NotFound { what: "API令牌" })
        }
    }

    /// Deletes expired sessions (run periodically by the server).
    pub async fn purge_expired_sessions(&self) -> AppResult<u64> {
        Ok(self.store.delete_expired_sessions(self.now_ms()).await?)
    }
}

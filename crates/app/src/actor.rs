//! The authenticated caller of a use case.

use ggzy_domain::RegionCode;
use ggzy_domain::authz::{self, Action, Decision};
use ggzy_domain::role::{Role, RoleGrant};

use crate::error::{AppError, AppResult};

/// How the caller proved who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A browser session cookie; state-changing requests must echo the CSRF token.
    Session {
        /// The session's CSRF token.
        csrf_token: String,
    },
    /// An API token (machine client); not exposed to CSRF.
    ApiToken,
    /// The platform itself (CLI bootstrap, demo seeding).
    System,
}

/// A signed-in user, or the system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// User id (`system` for the platform itself).
    pub user_id: String,
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Home region.
    pub region: RegionCode,
    /// Roles held, each for a region.
    pub grants: Vec<RoleGrant>,
    /// Market entities the user acts for (credit codes).
    pub entities: Vec<String>,
    /// How the caller authenticated.
    pub credential: Credential,
}

impl Actor {
    /// The platform acting on its own behalf (bootstrap); holds admin of the whole country.
    pub fn system(region: RegionCode) -> Actor {
        Actor {
            user_id: "system".to_owned(),
            username: "system".to_owned(),
            display_name: "平台".to_owned(),
            region,
            grants: Vec::new(),
            entities: Vec::new(),
            credential: Credential::System,
        }
    }

    /// Asks the policy; the system may do anything.
    pub fn authorize(&self, action: Action, region: &RegionCode) -> AppResult<()> {
        if self.credential == Credential::System {
            return Ok(());
        }
        authz::authorize(&self.grants, action, region).map_err(AppError::Forbidden)
    }

    /// Asks the policy for an action on an entity, counting membership for `OwnEntity` lines.
    pub fn authorize_on_entity(&self, action: Action, region: &RegionCode, credit_code: &str) -> AppResult<()> {
        if self.credential == Credential::System {
            return Ok(());
        }
        match authz::decide(&self.grants, action, region) {
            Decision::Allow => Ok(()),
            Decision::AllowIfOwnEntity if self.entities.iter().any(|code| code == credit_code) => Ok(()),
            Decision::AllowIfOwnEntity => Err(AppError::NotEntityMember),
            Decision::Deny => Err(AppError::Forbidden(authz::Denied { action, region: *region })),
        }
    }

    /// Whether the actor holds `role` anywhere.
    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|grant| grant.role == role)
    }
}

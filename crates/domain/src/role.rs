//! Roles (角色) a user can hold on the platform, each held for one region.

use std::fmt;
use std::str::FromStr;

use crate::region::RegionCode;

/// Role (角色): what a user may do, granted for one region (the tenant).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// 社会公众: anyone, signed in or not.
    Public,
    /// 投标人 / 供应商 / 竞买人: competes in procedures.
    Bidder,
    /// 招标人 / 采购人 / 出让方: offers the contract or asset.
    Principal,
    /// 招标代理机构 / 采购代理机构: acts for a principal.
    Agency,
    /// 评标专家 / 评审专家.
    Expert,
    /// 交易中心工作人员: runs the platform of a region; never a regulator.
    CenterStaff,
    /// 行政监督部门: supervises procedures of its region and the regions below.
    Regulator,
    /// 系统管理员: manages users and branch platforms of its region.
    Admin,
}

impl Role {
    /// Every role, in a fixed order (used by the authorization matrix test and the API schema).
    pub const ALL: [Role; 8] = [
        Role::Public,
        Role::Bidder,
        Role::Principal,
        Role::Agency,
        Role::Expert,
        Role::CenterStaff,
        Role::Regulator,
        Role::Admin,
    ];

    /// Stable identifier used in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Public => "public",
            Role::Bidder => "bidder",
            Role::Principal => "principal",
            Role::Agency => "agency",
            Role::Expert => "expert",
            Role::CenterStaff => "center_staff",
            Role::Regulator => "regulator",
            Role::Admin => "admin",
        }
    }

    /// Chinese name shown in the UI.
    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Public => "社会公众",
            Role::Bidder => "投标人",
            Role::Principal => "招标人",
            Role::Agency => "招标代理机构",
            Role::Expert => "评标专家",
            Role::CenterStaff => "交易中心工作人员",
            Role::Regulator => "行政监督部门",
            Role::Admin => "系统管理员",
        }
    }

    /// Roles whose holders act for a market entity (市场主体).
    pub fn acts_for_entity(self) -> bool {
        matches!(self, Role::Bidder | Role::Principal | Role::Agency)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text is not one of the role identifiers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("角色“{0}”不存在，可选：public、bidder、principal、agency、expert、center_staff、regulator、admin")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Role, UnknownRole> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

/// A role held for a region: a regulator of 330100 supervises Hangzhou and its districts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RoleGrant {
    /// The role.
    pub role: Role,
    /// The region (tenant) the role is held for.
    pub region: RegionCode,
}

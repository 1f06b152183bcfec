//! The one authorization policy: which role may take which action in which region.
//!
//! Every permission of the platform is a line of [`POLICY`]. The web layer never decides access
//! itself; it asks [`authorize`]. Ownership (a bidder editing *its own* entity) is a data check the
//! app makes on top of the `OwnEntity` scope, because it needs the membership table.

use std::fmt;

use crate::region::RegionCode;
use crate::role::{Role, RoleGrant};
use crate::tender::TenderState;

/// Something a user may try to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// Read what the portal publishes (regions, entity names and codes).
    ReadPublic,
    /// Register a market entity (市场主体) and become its first member.
    RegisterEntity,
    /// Change an entity's details (legal representative, contacts).
    UpdateEntity,
    /// See an entity's contacts and its legal representative's masked ID.
    ReadEntityContacts,
    /// Create users and grant roles.
    ManageUsers,
    /// Read the raw event log and its change feed (audit).
    ReadEventLog,
    /// Issue API tokens for machine clients acting as oneself.
    IssueApiToken,
    /// Enable a region's (branch) platform (分平台) under one's own.
    ManagePlatform,
    /// Create and run a tender (招标) for an entity: notice, key ceremony, opening.
    ManageTender,
    /// Register for a tender and submit, change or withdraw the entity's own sealed bid.
    SubmitBid,
    /// Hold a share of a tender's opening key and give it to the escrow quorum after the deadline.
    EscrowOpening,
    /// Suspend a procedure while handling a complaint, and let it go on (行政监督, 条例 第六十二条).
    SuperviseTender,
    /// Keep the expert pool (专家库): register experts, change their records and standing, and run
    /// the draws of the region's procedures (the platform keeps the pool, 39号令).
    ManageExperts,
    /// Keep the trading center's venues (开标室, 评标室) and book them for a tender's opening or
    /// evaluation (场地预约; the center provides the venue, 招标投标法实施条例 第五条).
    ManageVenues,
    /// See an expert's personal data (name, ID number, employer, phone, certificates). For an
    /// expert, `OwnEntity` means their own record (checked by the app against the linked user).
    ReadExpertPersonal,
    /// Answer a draw's notification (accept or decline to sit). For an expert, `OwnEntity` means
    /// their own picks; the centre records answers given by phone.
    AnswerDraw,
    /// Hold the bid securities paid into the trading centre's account and refund them (代收代退),
    /// e.g. to a bidder who withdrew before the deadline (条例 第三十五条), without naming bidders to
    /// the principal before the opening (招标投标法 第二十二条).
    HoldSecurities,
    /// Run the market-level collusion screens over the awarded lots of one's regions (陪标, 标王,
    /// 轮流中标, 串标团伙 across many tenders; 条例 第三十九条、第四十条).
    ScreenMarket,
    /// Record a decision against a market entity (行政处罚, 取消投标资格, 禁止参加政府采购活动) in the
    /// credit records, and revoke it when overturned; a restriction bars the entity everywhere
    /// (一处失信、处处受限).
    RecordCredit,
}

impl Action {
    /// Every action, in a fixed order.
    pub const ALL: [Action; 19] = [
        Action::ReadPublic,
        Action::RegisterEntity,
        Action::UpdateEntity,
        Action::ReadEntityContacts,
        Action::ManageUsers,
        Action::ReadEventLog,
        Action::IssueApiToken,
        Action::ManagePlatform,
        Action::ManageTender,
        Action::SubmitBid,
        Action::EscrowOpening,
        Action::SuperviseTender,
        Action::ManageExperts,
        Action::ManageVenues,
        Action::ReadExpertPersonal,
        Action::AnswerDraw,
        Action::HoldSecurities,
        Action::ScreenMarket,
        Action::RecordCredit,
    ];

    /// Stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::ReadPublic => "read_public",
            Action::RegisterEntity => "register_entity",
            Action::UpdateEntity => "update_entity",
            Action::ReadEntityContacts => "read_entity_contacts",
            Action::ManageUsers => "manage_users",
            Action::ReadEventLog => "read_event_log",
            Action::IssueApiToken => "issue_api_token",
            Action::ManagePlatform => "manage_platform",
            Action::ManageTender => "manage_tender",
            Action::SubmitBid => "submit_bid",
            Action::EscrowOpening => "escrow_opening",
            Action::SuperviseTender => "supervise_tender",
            Action::ManageExperts => "manage_experts",
            Action::ManageVenues => "manage_venues",
            Action::ReadExpertPersonal => "read_expert_personal",
            Action::AnswerDraw => "answer_draw",
            Action::HoldSecurities => "hold_securities",
            Action::ScreenMarket => "screen_market",
            Action::RecordCredit => "record_credit",
        }
    }
}

/// Where a grant lets its holder act.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// In every region.
    Anywhere,
    /// In the grant's region and the regions below it.
    GrantRegion,
    /// Only on market entities the user acts for (checked by the app), in any region.
    OwnEntity,
}

#[rustfmt::skip]
/// The policy table: one permission per line; anything not listed is denied.
pub const POLICY: &[(Role, Action, Scope)] = &[
    // The portal is public (公共服务平台).
    (Role::Public,      Action::ReadPublic,         Scope::Anywhere),
    (Role::Bidder,      Action::ReadPublic,         Scope::Anywhere),
    (Role::Principal,   Action::ReadPublic,         Scope::Anywhere),
    (Role::Agency,      Action::ReadPublic,         Scope::Anywhere),
    (Role::Expert,      Action::ReadPublic,         Scope::Anywhere),
    (Role::CenterStaff, Action::ReadPublic,         Scope::Anywhere),
    (Role::Regulator,   Action::ReadPublic,         Scope::Anywhere),
    (Role::Admin,       Action::ReadPublic,         Scope::Anywhere),
    // Market players register anywhere: a platform may not restrict outside players (宁波条例 18, 39号令).
    (Role::Bidder,      Action::RegisterEntity,     Scope::Anywhere),
    (Role::Principal,   Action::RegisterEntity,     Scope::Anywhere),
    (Role::Agency,      Action::RegisterEntity,     Scope::Anywhere),
    (Role::CenterStaff, Action::RegisterEntity,     Scope::GrantRegion),
    (Role::Admin,       Action::RegisterEntity,     Scope::GrantRegion),
    (Role::Bidder,      Action::UpdateEntity,       Scope::OwnEntity),
    (Role::Principal,   Action::UpdateEntity,       Scope::OwnEntity),
    (Role::Agency,      Action::UpdateEntity,       Scope::OwnEntity),
    (Role::CenterStaff, Action::UpdateEntity,       Scope::GrantRegion),
    (Role::Admin,       Action::UpdateEntity,       Scope::GrantRegion),
    (Role::Bidder,      Action::ReadEntityContacts, Scope::OwnEntity),
    (Role::Principal,   Action::ReadEntityContacts, Scope::OwnEntity),
    (Role::Agency,      Action::ReadEntityContacts, Scope::OwnEntity),
    (Role::CenterStaff, Action::ReadEntityContacts, Scope::GrantRegion),
    (Role::Regulator,   Action::ReadEntityContacts, Scope::GrantRegion),
    (Role::Admin,       Action::ReadEntityContacts, Scope::GrantRegion),
    // Users are managed by the admin of a region, for that region and the ones below.
    (Role::Admin,       Action::ManageUsers,        Scope::GrantRegion),
    // Audit: regulators see every procedure of their regions (在线监管平台); the centre sees its own.
    (Role::CenterStaff, Action::ReadEventLog,       Scope::GrantRegion),
    (Role::Regulator,   Action::ReadEventLog,       Scope::GrantRegion),
    (Role::Admin,       Action::ReadEventLog,       Scope::GrantRegion),
    // A county branch platform is a tenant of its city's deployment, opened by an admin above it.
    (Role::Admin,       Action::ManagePlatform,     Scope::GrantRegion),
    // A principal runs its own tenders; an agency those entrusted to it (the tender names both).
    (Role::Principal,   Action::ManageTender,       Scope::OwnEntity),
    (Role::Agency,      Action::ManageTender,       Scope::OwnEntity),
    // Bidders bid for themselves only (the envelope's certificate must name the entity too).
    (Role::Bidder,      Action::SubmitBid,          Scope::OwnEntity),
    // Opening-key shares are held by named officials of the centre and the regulator (DESIGN §5).
    (Role::CenterStaff, Action::EscrowOpening,      Scope::GrantRegion),
    (Role::Regulator,   Action::EscrowOpening,      Scope::GrantRegion),
    // The administrative supervisor of the region suspends and resumes procedures (条例 第六十二条).
    (Role::Regulator,   Action::SuperviseTender,    Scope::GrantRegion),
    // Market-wide screening reads every bid of the region's awarded lots: the supervisor's, not the
    // centre's (a trading centre may not act as regulator).
    (Role::Regulator,   Action::ScreenMarket,       Scope::GrantRegion),
    // Penalties and restrictions are decided by the supervising authority (行政监督部门: 条例 第六十七条;
    // 政府采购法 第七十七条 the finance department), never by the centre.
    (Role::Regulator,   Action::RecordCredit,       Scope::GrantRegion),
    // The centre keeps the region's expert pool and runs its draws (39号令; 条例 第四十六条).
    (Role::CenterStaff, Action::ManageExperts,      Scope::GrantRegion),
    (Role::Admin,       Action::ManageExperts,      Scope::GrantRegion),
    (Role::CenterStaff, Action::ManageVenues,       Scope::GrantRegion),
    // Experts' personal data: the pool's keepers, the regulators who sanction experts (条例 第七十一条)
    // and the expert themself; never bidders, principals, agencies or the public (法 第三十七条第五款:
    // 评标委员会成员的名单在中标结果确定前应当保密).
    (Role::Expert,      Action::ReadExpertPersonal, Scope::OwnEntity),
    (Role::CenterStaff, Action::ReadExpertPersonal, Scope::GrantRegion),
    (Role::Regulator,   Action::ReadExpertPersonal, Scope::GrantRegion),
    (Role::Admin,       Action::ReadExpertPersonal, Scope::GrantRegion),
    (Role::Expert,      Action::AnswerDraw,         Scope::OwnEntity),
    (Role::CenterStaff, Action::AnswerDraw,         Scope::GrantRegion),
    (Role::CenterStaff, Action::HoldSecurities,     Scope::GrantRegion),
    (Role::Bidder,      Action::IssueApiToken,      Scope::Anywhere),
    (Role::Principal,   Action::IssueApiToken,      Scope::Anywhere),
    (Role::Agency,      Action::IssueApiToken,      Scope::Anywhere),
    (Role::CenterStaff, Action::IssueApiToken,      Scope::Anywhere),
    (Role::Regulator,   Action::IssueApiToken,      Scope::Anywhere),
    (Role::Admin,       Action::IssueApiToken,      Scope::Anywhere),
];

/// What the policy allows a set of grants to do on a target region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Allowed outright.
    Allow,
    /// Allowed only if the user acts for the entity concerned (the app checks membership).
    AllowIfOwnEntity,
    /// Denied.
    Deny,
}

/// The action is not allowed for this user in this region.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub struct Denied {
    /// The action that was refused.
    pub action: Action,
    /// The region the action was aimed at.
    pub region: RegionCode,
}

impl fmt::Display for Denied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "无权在行政区划 {} 执行操作 {}", self.region.as_str(), self.action.as_str())
    }
}

/// Decides an action on `target` for a user holding `grants`. Anonymous visitors pass no grants
/// and act as [`Role::Public`]. The most permissive matching line wins.
pub fn decide(grants: &[RoleGrant], action: Action, target: &RegionCode) -> Decision {
    let public = RoleGrant { role: Role::Public, region: *target };
    let mut decision = Decision::Deny;
    for grant in grants.iter().chain(std::iter::once(&public)) {
        for &(role, line_action, scope) in POLICY {
            if role != grant.role || line_action != action {
                continue;
            }
            match scope {
                Scope::Anywhere => return Decision::Allow,
                Scope::GrantRegion if grant.region.contains(target) => return Decision::Allow,
                Scope::GrantRegion => {}
                Scope::OwnEntity => decision = Decision::AllowIfOwnEntity,
            }
        }
    }
    decision
}

/// Like [`decide`], for actions that have no entity to own: `AllowIfOwnEntity` counts as denied.
pub fn authorize(grants: &[RoleGrant], action: Action, target: &RegionCode) -> Result<(), Denied> {
    match decide(grants, action, target) {
        Decision::Allow => Ok(()),
        Decision::AllowIfOwnEntity | Decision::Deny => Err(Denied { action, region: *target }),
    }
}

/// What anyone may see of a tender's bids and bidders, by procedure state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BidVisibility {
    /// Nothing: not who registered or bid, not how many, not any content (招标投标法 第二十二条;
    /// 电子招标投标办法 第二十八条). The log shows only that entries were appended.
    Nothing,
    /// The opening record: bidders, status, declared fields (招标投标法 第三十六条).
    OpeningRecord,
}

/// The procedure-state dimension of the policy for bids. No role is exempt before the opening:
/// not the principal, not the centre, not the regulator, not the platform's admin.
pub fn bid_visibility(role: Role, state: TenderState) -> BidVisibility {
    // The role is part of the signature so that the matrix test walks every role, and so that a
    // future exception would have to be written here, in the one policy.
    let _ = role;
    match state {
        // A suspension may come from bidding: nothing is shown until it is lifted.
        TenderState::Draft
        | TenderState::Prequalifying
        | TenderState::Prequalified
        | TenderState::Proposing
        | TenderState::ProposalsClosed
        | TenderState::Bidding
        | TenderState::Suspended => BidVisibility::Nothing,
        TenderState::Opening | TenderState::Opened | TenderState::Failed | TenderState::Terminated => {
            BidVisibility::OpeningRecord
        }
    }
}

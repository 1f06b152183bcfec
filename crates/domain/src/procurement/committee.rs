//! The size and composition of the committee or group that evaluates (RULES.md §2.3):
//!
//! - tender committee (评标委员会): 5 or more, odd; 7 or more, odd, when the budget reaches 1000万元,
//!   the item is technically complex or the social impact is large (87号令 第四十七条);
//! - negotiation and quotation groups (谈判小组、询价小组): 3 or more, odd (政府采购法 第三十八条、
//!   第四十条); 5 or more, odd, at or above the open-tender threshold (74号令 第七条);
//! - consultation group (磋商小组): 3 or more, odd (214号 第十四条);
//! - experts at least 2/3 of the members in all of them;
//! - no purchaser staff sitting as an expert on their own unit's project, no agency staff on a project
//!   their agency runs (87号令 第四十七条; 74号令 第七条).
//!
//! The member type is the evaluation module's [`CommitteeMember`]; the counting is repeated here
//! rather than calling [`crate::evaluation::check_committee`] because that one cites the tendering
//! law in its messages, and a procurement committee must be told its own articles.

use std::collections::HashSet;

use super::rules::ProcurementRules;
use super::selection::open_tender_threshold;
use super::{ItemCategory, ProcurementMethod};
use crate::Fen;
use crate::evaluation::{CommitteeMember, MemberKind};

/// What the law asks of the committee or group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitteeSize {
    /// At least this many members, odd.
    pub members_min: i64,
    /// Experts' share (numerator, denominator).
    pub experts_share: (i64, i64),
    /// The articles.
    pub source: String,
}

/// The committee or group a method needs; `None` for single source (the price is negotiated by the
/// purchaser's experienced staff, 74号令 第四十一条) and framework agreements (not modelled yet).
pub fn committee_size(
    rules: &ProcurementRules,
    method: ProcurementMethod,
    category: ItemCategory,
    budget: Fen,
    complex_or_high_impact: bool,
) -> Option<CommitteeSize> {
    let c = &rules.committee;
    let share = (c.experts_share.value, c.experts_share.denominator);
    let size = |rule: &crate::ruleset::Rule| CommitteeSize {
        members_min: rule.value,
        experts_share: share,
        source: format!("{}；专家比例：{}", rule.source, c.experts_share.source),
    };
    match method {
        ProcurementMethod::OpenTender | ProcurementMethod::InvitedTender => {
            let large = budget.0 >= c.committee_large_budget.value || complex_or_high_impact;
            Some(size(if large { &c.committee_large_members_min } else { &c.committee_members_min }))
        }
        ProcurementMethod::CompetitiveNegotiation | ProcurementMethod::Inquiry => {
            let large = budget.0 >= open_tender_threshold(rules, category).value;
            Some(size(if large { &c.group_large_members_min } else { &c.group_members_min }))
        }
        ProcurementMethod::CompetitiveConsultation => Some(size(&c.group_members_min)),
        ProcurementMethod::SingleSource | ProcurementMethod::FrameworkAgreement => None,
    }
}

/// A member as the procurement checks need them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcurementMember {
    /// Identity and kind (expert or principal's representative).
    pub member: CommitteeMember,
    /// Works for the purchaser.
    pub purchaser_staff: bool,
    /// Works for the agency running the procurement.
    pub agency_staff: bool,
}

/// Why a committee or group may not evaluate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProcurementCommitteeError {
    /// The same person twice.
    #[error("成员“{id}”重复列出：每名成员只能计算一次，请删除重复的成员")]
    DuplicateMember {
        /// The member.
        id: String,
    },
    /// Too few members or an even number.
    #[error("现有成员{members}人：应为{min}人以上单数，请增补成员（{article}）")]
    WrongSize {
        /// Members.
        members: usize,
        /// Minimum.
        min: i64,
        /// The articles.
        article: String,
    },
    /// Too few experts.
    #[error("{members}名成员中评审专家只有{experts}人，少于成员总数的{}/{}：请增补评审专家或减少采购人代表（{article}）", .share.0, .share.1)]
    ExpertsTooFew {
        /// Experts.
        experts: usize,
        /// Members.
        members: usize,
        /// The share.
        share: (i64, i64),
        /// The articles.
        article: String,
    },
    /// Purchaser staff as an expert on their own unit's project.
    #[error(
        "成员“{id}”是采购人工作人员，不得以评审专家身份参加本单位采购项目的评审：请改为采购人代表或更换专家（政府采购货物和服务招标投标管理办法（财政部令第87号）第四十七条）"
    )]
    PurchaserStaffAsExpert {
        /// The member.
        id: String,
    },
    /// Agency staff on a project their agency runs.
    #[error(
        "成员“{id}”是本项目采购代理机构的工作人员，不得参加本机构代理项目的评审：请更换成员（政府采购货物和服务招标投标管理办法（财政部令第87号）第四十七条；政府采购非招标采购方式管理办法（财政部令第74号）第七条）"
    )]
    AgencyStaff {
        /// The member.
        id: String,
    },
}

impl ProcurementCommitteeError {
    /// Stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            ProcurementCommitteeError::DuplicateMember { .. } => "committee_member_duplicate",
            ProcurementCommitteeError::WrongSize { .. } => "committee_size_invalid",
            ProcurementCommitteeError::ExpertsTooFew { .. } => "committee_experts_too_few",
            ProcurementCommitteeError::PurchaserStaffAsExpert { .. } => "committee_purchaser_staff_as_expert",
            ProcurementCommitteeError::AgencyStaff { .. } => "committee_agency_staff",
        }
    }
}

/// Checks `members` against `size`.
///
/// # Errors
/// The first problem: a duplicate, the size, the experts' share, a member who may not sit.
pub fn check_procurement_committee(
    size: &CommitteeSize,
    members: &[ProcurementMember],
) -> Result<(), ProcurementCommitteeError> {
    let mut seen = HashSet::with_capacity(members.len());
    if let Some(m) = members.iter().find(|m| !seen.insert(m.member.id.as_str())) {
        return Err(ProcurementCommitteeError::DuplicateMember { id: m.member.id.clone() });
    }
    let count = members.len();
    // usize -> i128 is lossless; the comparison cannot overflow.
    if (count as i128) < i128::from(size.members_min) || count.is_multiple_of(2) {
        return Err(ProcurementCommitteeError::WrongSize {
            members: count,
            min: size.members_min,
            article: size.source.clone(),
        });
    }
    let experts = members.iter().filter(|m| m.member.kind == MemberKind::Expert).count();
    let (num, den) = size.experts_share;
    // experts / count ≥ num / den, cross-multiplied.
    if (experts as i128) * i128::from(den) < (count as i128) * i128::from(num) {
        return Err(ProcurementCommitteeError::ExpertsTooFew {
            experts,
            members: count,
            share: size.experts_share,
            article: size.source.clone(),
        });
    }
    for m in members {
        if m.agency_staff {
            return Err(ProcurementCommitteeError::AgencyStaff { id: m.member.id.clone() });
        }
        if m.purchaser_staff && m.member.kind == MemberKind::Expert {
            return Err(ProcurementCommitteeError::PurchaserStaffAsExpert { id: m.member.id.clone() });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::rules::fixture;
    use super::*;

    fn members(experts: usize, representatives: usize) -> Vec<ProcurementMember> {
        let make = |i: usize, kind| ProcurementMember {
            member: CommitteeMember { id: format!("m{i}"), kind },
            purchaser_staff: kind == MemberKind::PrincipalRepresentative,
            agency_staff: false,
        };
        (0..experts)
            .map(|i| make(i, MemberKind::Expert))
            .chain((experts..experts + representatives).map(|i| make(i, MemberKind::PrincipalRepresentative)))
            .collect()
    }

    #[test]
    fn sizes_per_method_and_budget() {
        let rules = fixture::rules();
        let min = |method, category, yuan: i64, complex| {
            committee_size(&rules, method, category, Fen(yuan * 100), complex).map(|size| size.members_min)
        };
        use ItemCategory::Goods;
        use ProcurementMethod::*;
        assert_eq!(min(OpenTender, Goods, 9_999_999, false), Some(5));
        assert_eq!(min(OpenTender, Goods, 10_000_000, false), Some(7), "1000万 itself is large (以上)");
        assert_eq!(min(OpenTender, Goods, 3_000_000, true), Some(7));
        assert_eq!(min(CompetitiveNegotiation, Goods, 1_999_999, false), Some(3));
        assert_eq!(min(Inquiry, Goods, 2_000_000, false), Some(5), "at the open-tender threshold (74号令 第七条)");
        assert_eq!(min(CompetitiveConsultation, Goods, 50_000_000, false), Some(3));
        assert_eq!(min(SingleSource, Goods, 5_000_000, false), None);
    }

    #[test]
    fn composition() {
        let rules = fixture::rules();
        let size = committee_size(&rules, ProcurementMethod::OpenTender, ItemCategory::Goods, Fen(1), false)
            .expect("a tender committee");
        assert!(check_procurement_committee(&size, &members(4, 1)).is_ok());
        assert_eq!(
            check_procurement_committee(&size, &members(3, 1)).map_err(|e| e.code()),
            Err("committee_size_invalid")
        );
        assert_eq!(
            check_procurement_committee(&size, &members(3, 2)).map_err(|e| e.code()),
            Err("committee_experts_too_few")
        );
        let mut staff = members(5, 0);
        staff[0].purchaser_staff = true;
        assert_eq!(
            check_procurement_committee(&size, &staff).map_err(|e| e.code()),
            Err("committee_purchaser_staff_as_expert")
        );
        staff[0].purchaser_staff = false;
        staff[1].agency_staff = true;
        assert_eq!(check_procurement_committee(&size, &staff).map_err(|e| e.code()), Err("committee_agency_staff"));
        let large =
            committee_size(&rules, ProcurementMethod::OpenTender, ItemCategory::Goods, Fen(1_000_000_000), false)
                .expect("large");
        let refused = check_procurement_committee(&large, &members(4, 1)).expect_err("7 needed");
        assert!(refused.to_string().contains("7人以上单数"), "{refused}");
    }
}

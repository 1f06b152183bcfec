//! The evaluation committee's composition (招标投标法 第三十七条): an odd number of members, at
//! least the statutory minimum, of whom technical and economic experts make up at least the
//! statutory share. The numbers come from the ruleset (`committee_members_min`,
//! `committee_experts_share_min`); this module only compares.

use std::collections::HashSet;

const ARTICLE: &str = "招标投标法 第三十七条";

/// Whether a committee member is an expert or sent by the principal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MemberKind {
    /// A technical or economic expert (评标专家) from the expert pool.
    Expert,
    /// A principal's representative (招标人代表).
    PrincipalRepresentative,
}

/// A member of the evaluation committee (评标委员会).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitteeMember {
    /// The member's identifier; a person counts once however often they are listed.
    pub id: String,
    /// Expert or principal's representative.
    pub kind: MemberKind,
}

/// Why a committee may not evaluate (招标投标法 第三十七条).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommitteeError {
    /// The ruleset numbers cannot describe a committee (minimum below 1, share not a fraction in
    /// 0..=1).
    #[error(
        "评标委员会组成规则有误：最少人数为{min_members}、专家比例为{share_num}/{share_den}，最少人数应至少为1，比例应在0至1之间；请检查规则集（{ARTICLE}）"
    )]
    RuleInvalid {
        /// The minimum number of members given.
        min_members: i64,
        /// Numerator of the experts' share given.
        share_num: i64,
        /// Denominator of the experts' share given.
        share_den: i64,
    },
    /// The same person is listed twice; counting them twice would inflate the committee.
    #[error("评标委员会成员“{id}”重复列出：每名成员只能计算一次，请删除重复的成员（{ARTICLE}）")]
    DuplicateMember {
        /// The member listed more than once.
        id: String,
    },
    /// Fewer members than the minimum.
    #[error(
        "评标委员会现有成员{members}人，少于法定最少人数{min}人：请增补成员，使成员人数为{min}人以上单数（{ARTICLE}）"
    )]
    TooSmall {
        /// The number of members.
        members: usize,
        /// The statutory minimum.
        min: i64,
    },
    /// An even number of members (the law asks for 单数, so that a vote cannot tie).
    #[error("评标委员会现有成员{members}人，为双数：成员人数应为{min}人以上单数，请增补或减少一名成员（{ARTICLE}）")]
    SizeEven {
        /// The number of members.
        members: usize,
        /// The statutory minimum.
        min: i64,
    },
    /// Experts make up less than the statutory share of the members.
    #[error(
        "评标委员会{members}名成员中技术、经济等方面的专家只有{experts}人，少于成员总数的{share_num}/{share_den}：至少需要{needed}名专家，请增补专家或减少招标人代表（{ARTICLE}）"
    )]
    ExpertsTooFew {
        /// The number of experts.
        experts: usize,
        /// The number of members.
        members: usize,
        /// Numerator of the statutory share.
        share_num: i64,
        /// Denominator of the statutory share.
        share_den: i64,
        /// The smallest number of experts that keeps the share with this many members.
        needed: i64,
    },
}

impl CommitteeError {
    /// Stable error code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            CommitteeError::RuleInvalid { .. } => "committee_rule_invalid",
            CommitteeError::DuplicateMember { .. } => "committee_member_duplicate",
            CommitteeError::TooSmall { .. } => "committee_too_small",
            CommitteeError::SizeEven { .. } => "committee_size_even",
            CommitteeError::ExpertsTooFew { .. } => "committee_experts_too_few",
        }
    }
}

/// Checks a committee against 招标投标法 第三十七条: at least `min_members` members, an odd number
/// of them, and experts at least `experts_share = (num, den)` of the total (`experts × den ≥ num ×
/// total`, exact integer arithmetic, so 2/3 of 7 members needs 5 experts, not 4.67).
///
/// # Errors
/// The first problem found, in this order: bad ruleset numbers, a member listed twice (so the
/// counts below are of people), too few members, an even number, too few experts.
pub fn check_committee(
    members: &[CommitteeMember],
    min_members: i64,
    experts_share: (i64, i64),
) -> Result<(), CommitteeError> {
    let (share_num, share_den) = experts_share;
    if min_members < 1 || share_den < 1 || share_num < 0 || share_num > share_den {
        return Err(CommitteeError::RuleInvalid { min_members, share_num, share_den });
    }

    let mut seen = HashSet::with_capacity(members.len());
    if let Some(member) = members.iter().find(|member| !seen.insert(member.id.as_str())) {
        return Err(CommitteeError::DuplicateMember { id: member.id.clone() });
    }

    let total = members.len();
    // usize -> i128 is lossless on every platform Rust supports; i128 keeps the products exact.
    let total_wide = total as i128;
    if total_wide < i128::from(min_members) {
        return Err(CommitteeError::TooSmall { members: total, min: min_members });
    }
    if total.is_multiple_of(2) {
        return Err(CommitteeError::SizeEven { members: total, min: min_members });
    }

    let experts = members.iter().filter(|member| member.kind == MemberKind::Expert).count();
    let (num, den) = (i128::from(share_num), i128::from(share_den));
    if (experts as i128) * den < num * total_wide {
        // Ceiling of num × total / den without floats; bounded by `total`, so it fits an i64.
        let needed = i64::try_from((num * total_wide + den - 1) / den).unwrap_or(i64::MAX);
        return Err(CommitteeError::ExpertsTooFew { experts, members: total, share_num, share_den, needed });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn committee(experts: usize, representatives: usize) -> Vec<CommitteeMember> {
        let experts = (0..experts).map(|i| CommitteeMember { id: format!("E{i}"), kind: MemberKind::Expert });
        let representatives = (0..representatives)
            .map(|i| CommitteeMember { id: format!("R{i}"), kind: MemberKind::PrincipalRepresentative });
        experts.chain(representatives).collect()
    }

    fn check(experts: usize, representatives: usize) -> Result<(), &'static str> {
        check_committee(&committee(experts, representatives), 5, (2, 3)).map_err(|error| error.code())
    }

    #[test]
    fn statutory_table() {
        let cases = [
            (5, 0, Ok(())),
            (4, 1, Ok(())), // 4 × 3 = 12 ≥ 2 × 5 = 10
            (3, 2, Err("committee_experts_too_few")),
            (5, 2, Ok(())), // 5 × 3 = 15 ≥ 14
            (4, 3, Err("committee_experts_too_few")),
            (6, 3, Ok(())), // exactly two thirds
            (5, 4, Err("committee_experts_too_few")),
            (3, 0, Err("committee_too_small")),
            (4, 0, Err("committee_too_small")),
            (6, 0, Err("committee_size_even")),
            (0, 0, Err("committee_too_small")),
        ];
        for (experts, representatives, expected) in cases {
            assert_eq!(
                check(experts, representatives),
                expected,
                "{experts} experts, {representatives} representatives"
            );
        }
    }

    #[test]
    fn experts_needed_is_rounded_up() {
        let error = check_committee(&committee(4, 3), 5, (2, 3));
        assert_eq!(
            error,
            Err(CommitteeError::ExpertsTooFew { experts: 4, members: 7, share_num: 2, share_den: 3, needed: 5 })
        );
        let message = error.expect_err("too few experts").to_string();
        assert!(message.contains("至少需要5名专家"), "{message}");
        assert!(message.contains("招标投标法 第三十七条"), "{message}");
    }

    #[test]
    fn a_member_counts_once() {
        let mut members = committee(4, 0);
        members.push(members[0].clone());
        assert_eq!(check_committee(&members, 5, (2, 3)), Err(CommitteeError::DuplicateMember { id: "E0".to_owned() }));
    }

    #[test]
    fn messages_name_the_numbers() {
        let too_small = CommitteeError::TooSmall { members: 3, min: 5 }.to_string();
        assert!(too_small.contains("3人") && too_small.contains("5人以上单数"), "{too_small}");
        let even = CommitteeError::SizeEven { members: 6, min: 5 }.to_string();
        assert!(even.contains("双数") && even.contains("第三十七条"), "{even}");
    }

    #[test]
    fn bad_rules_are_refused() {
        for (min, share) in [(0, (2, 3)), (5, (2, 0)), (5, (4, 3)), (5, (-1, 3))] {
            assert_eq!(
                check_committee(&committee(5, 0), min, share).map_err(|error| error.code()),
                Err("committee_rule_invalid")
            );
        }
    }
}

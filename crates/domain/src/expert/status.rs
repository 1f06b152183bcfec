//! An expert's standing in the pool: active, suspended for a period, or removed for good. Every
//! legal move is one line of [`EXPERT_TRANSITIONS`], citing its article; anything else is an
//! [`InvalidExpertTransition`]. Only an active expert can be drawn (the avoidance screen checks
//! this, see `avoidance.rs`).

use std::fmt;

/// Where an expert stands in the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ExpertStatus {
    /// In the pool and drawable (正常).
    Active,
    /// Barred from evaluations for a period (暂停), e.g. after misconduct or a failed assessment.
    Suspended,
    /// Taken out of the pool for good (清退): disqualified, or left at their own request.
    Removed,
}

impl ExpertStatus {
    /// Every status.
    pub const ALL: [ExpertStatus; 3] = [ExpertStatus::Active, ExpertStatus::Suspended, ExpertStatus::Removed];

    /// Identifier shown by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ExpertStatus::Active => "active",
            ExpertStatus::Suspended => "suspended",
            ExpertStatus::Removed => "removed",
        }
    }

    /// Parses an identifier.
    pub fn parse(text: &str) -> Option<ExpertStatus> {
        ExpertStatus::ALL.into_iter().find(|status| status.as_str() == text)
    }

    /// The Chinese name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            ExpertStatus::Active => "正常",
            ExpertStatus::Suspended => "暂停评标",
            ExpertStatus::Removed => "已清退",
        }
    }
}

/// What the pool's administrator (or the regulator, through it) does to an expert's standing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExpertCommand {
    /// Bar from evaluations for a period (禁止在一定期限内参加评标 / 暂停).
    Suspend,
    /// The period is over or the ground fell away: drawable again.
    Reinstate,
    /// Disqualify or take out at the expert's request (取消资格 / 清退).
    Remove,
}

impl ExpertCommand {
    /// The Chinese name shown in errors.
    pub fn label(self) -> &'static str {
        match self {
            ExpertCommand::Suspend => "暂停评标资格",
            ExpertCommand::Reinstate => "恢复评标资格",
            ExpertCommand::Remove => "清退出专家库",
        }
    }
}

/// One legal move of an expert's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExpertTransition {
    /// Status before.
    pub from: ExpertStatus,
    /// The command.
    pub command: ExpertCommand,
    /// Status after.
    pub to: ExpertStatus,
    /// The article that allows it.
    pub source: &'static str,
}

const fn line(from: ExpertStatus, command: ExpertCommand, to: ExpertStatus, source: &'static str) -> ExpertTransition {
    ExpertTransition { from, command, to, source }
}

use ExpertCommand as C;
use ExpertStatus as S;

/// The standing of an expert, one legal move per line. Suspension and removal are the sanctions of
/// 条例 第七十一条 (engineering) and 政府采购法实施条例 第七十五条 (GP); removal also covers the
/// pool's dynamic management (政府采购法实施条例 第六十二条). Removal is final: a removed expert
/// re-applies as a new registration.
#[rustfmt::skip]
pub const EXPERT_TRANSITIONS: &[ExpertTransition] = &[
    line(S::Active,    C::Suspend,   S::Suspended, "招标投标法实施条例 第七十一条；政府采购法实施条例 第七十五条"),
    line(S::Suspended, C::Reinstate, S::Active,    "招标投标法实施条例 第七十一条"),
    line(S::Active,    C::Remove,    S::Removed,   "招标投标法 第五十六条；招标投标法实施条例 第七十一条、第七十二条；政府采购法实施条例 第六十二条"),
    line(S::Suspended, C::Remove,    S::Removed,   "招标投标法实施条例 第七十一条、第七十二条"),
];

/// A command the expert's status does not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub struct InvalidExpertTransition {
    /// The status.
    pub status: ExpertStatus,
    /// The command refused.
    pub command: ExpertCommand,
}

impl InvalidExpertTransition {
    /// Stable error code for the API.
    pub fn code(&self) -> &'static str {
        "expert_transition_invalid"
    }
}

impl fmt::Display for InvalidExpertTransition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "该专家当前状态为“{}”，不能{}", self.status.label(), self.command.label())
    }
}

/// The move a command makes from a status, if the table allows it.
pub fn expert_transition(
    status: ExpertStatus,
    command: ExpertCommand,
) -> Result<&'static ExpertTransition, InvalidExpertTransition> {
    EXPERT_TRANSITIONS
        .iter()
        .find(|line| line.from == status && line.command == command)
        .ok_or(InvalidExpertTransition { status, command })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_every_line_cites_a_law() {
        for status in ExpertStatus::ALL {
            assert_eq!(ExpertStatus::parse(status.as_str()), Some(status));
        }
        for line in EXPERT_TRANSITIONS {
            assert!(line.source.contains('第') && line.source.contains('条'), "{line:?}");
        }
    }

    #[test]
    fn suspension_comes_back_and_removal_is_final() {
        assert_eq!(expert_transition(S::Active, C::Suspend).map(|l| l.to), Ok(S::Suspended));
        assert_eq!(expert_transition(S::Suspended, C::Reinstate).map(|l| l.to), Ok(S::Active));
        assert_eq!(expert_transition(S::Suspended, C::Remove).map(|l| l.to), Ok(S::Removed));
        for command in [C::Suspend, C::Reinstate, C::Remove] {
            assert!(expert_transition(S::Removed, command).is_err(), "{command:?}");
        }
        let refused = expert_transition(S::Active, C::Reinstate).expect_err("active cannot be reinstated");
        assert_eq!(refused.to_string(), "该专家当前状态为“正常”，不能恢复评标资格");
        assert_eq!(refused.code(), "expert_transition_invalid");
    }
}

//! The abnormally-low-price step (异常低价, 87号令 第六十条) as a state each bid goes through: a price
//! clearly below the other compliant bids that may harm quality or performance is flagged by the
//! committee; the bidder must explain in writing within a reasonable time at the evaluation, with
//! evidence where needed; a bid whose explanation fails or never comes is invalid (无效投标).
//!
//! 87号令 sets no number for "clearly below", so flagging is the committee's decision (a screen such
//! as [`crate::evaluation::abnormally_low`] may suggest it). What this module enforces is that a
//! flagged bid is neither ranked nor dropped until the step ends ([`AbnormallyLowReview::is_settled`]).

use std::fmt;

use crate::transition_table::{self, Transition};

/// Where a bid's price review stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AbnormallyLowReview {
    /// Not flagged.
    Unflagged,
    /// Flagged as possibly abnormally low.
    Flagged,
    /// A written explanation was asked for.
    ExplanationRequested,
    /// The explanation was accepted: the bid stays.
    Explained,
    /// The explanation failed or did not come: the bid is invalid.
    Invalid,
}

impl AbnormallyLowReview {
    /// Identifier in the API and the record.
    pub fn as_str(self) -> &'static str {
        match self {
            AbnormallyLowReview::Unflagged => "unflagged",
            AbnormallyLowReview::Flagged => "flagged",
            AbnormallyLowReview::ExplanationRequested => "explanation_requested",
            AbnormallyLowReview::Explained => "explained",
            AbnormallyLowReview::Invalid => "invalid",
        }
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            AbnormallyLowReview::Unflagged => "报价未见异常",
            AbnormallyLowReview::Flagged => "报价明显低于其他投标报价",
            AbnormallyLowReview::ExplanationRequested => "已要求书面说明报价合理性",
            AbnormallyLowReview::Explained => "报价合理性说明已采信",
            AbnormallyLowReview::Invalid => "不能证明报价合理性，投标无效",
        }
    }

    /// Whether the step is over (the bid can be ranked or dropped).
    pub fn is_settled(self) -> bool {
        matches!(self, AbnormallyLowReview::Unflagged | AbnormallyLowReview::Explained | AbnormallyLowReview::Invalid)
    }

    /// Whether the bid still stands after the step.
    pub fn stands(self) -> bool {
        matches!(self, AbnormallyLowReview::Unflagged | AbnormallyLowReview::Explained)
    }
}

/// What the committee does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AbnormallyLowCommand {
    /// Flag the price.
    Flag,
    /// Ask the bidder for a written explanation, with a time limit.
    RequestExplanation,
    /// Accept the explanation.
    AcceptExplanation,
    /// Reject the explanation.
    RejectExplanation,
    /// The time limit passed without an explanation.
    MissExplanation,
}

impl AbnormallyLowCommand {
    /// Every command.
    pub const ALL: [AbnormallyLowCommand; 5] = [
        AbnormallyLowCommand::Flag,
        AbnormallyLowCommand::RequestExplanation,
        AbnormallyLowCommand::AcceptExplanation,
        AbnormallyLowCommand::RejectExplanation,
        AbnormallyLowCommand::MissExplanation,
    ];

    /// Identifier in the API and the record.
    pub fn as_str(self) -> &'static str {
        match self {
            AbnormallyLowCommand::Flag => "flag",
            AbnormallyLowCommand::RequestExplanation => "request_explanation",
            AbnormallyLowCommand::AcceptExplanation => "accept_explanation",
            AbnormallyLowCommand::RejectExplanation => "reject_explanation",
            AbnormallyLowCommand::MissExplanation => "miss_explanation",
        }
    }

    /// Parses an identifier.
    pub fn parse(text: &str) -> Option<AbnormallyLowCommand> {
        AbnormallyLowCommand::ALL.into_iter().find(|command| command.as_str() == text)
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            AbnormallyLowCommand::Flag => "认定报价明显偏低",
            AbnormallyLowCommand::RequestExplanation => "要求书面说明",
            AbnormallyLowCommand::AcceptExplanation => "采信说明",
            AbnormallyLowCommand::RejectExplanation => "不采信说明",
            AbnormallyLowCommand::MissExplanation => "逾期未说明",
        }
    }
}

use AbnormallyLowCommand as C;
use AbnormallyLowReview as S;

const ARTICLE: &str = "政府采购货物和服务招标投标管理办法（财政部令第87号）第六十条";

/// The step, one legal move per line.
#[rustfmt::skip]
pub const ABNORMALLY_LOW_TRANSITIONS: &[Transition<AbnormallyLowReview, AbnormallyLowCommand>] = &[
    Transition::new(S::Unflagged,            C::Flag,               S::Flagged,              ARTICLE),
    Transition::new(S::Flagged,              C::RequestExplanation, S::ExplanationRequested, ARTICLE),
    Transition::new(S::ExplanationRequested, C::AcceptExplanation,  S::Explained,            ARTICLE),
    Transition::new(S::ExplanationRequested, C::RejectExplanation,  S::Invalid,              ARTICLE),
    Transition::new(S::ExplanationRequested, C::MissExplanation,    S::Invalid,              ARTICLE),
];

/// A command the review's state does not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub struct InvalidAbnormallyLowStep {
    /// The state.
    pub state: AbnormallyLowReview,
    /// The command refused.
    pub command: AbnormallyLowCommand,
}

impl InvalidAbnormallyLowStep {
    /// Stable error code.
    pub fn code(&self) -> &'static str {
        "abnormally_low_invalid_transition"
    }
}

impl fmt::Display for InvalidAbnormallyLowStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "该投标的报价审查状态为“{}”，不能{}（{ARTICLE}）", self.state.label(), self.command.label())
    }
}

/// The move a command makes.
pub fn abnormally_low_transition(
    state: AbnormallyLowReview,
    command: AbnormallyLowCommand,
) -> Result<&'static Transition<AbnormallyLowReview, AbnormallyLowCommand>, InvalidAbnormallyLowStep> {
    transition_table::find(ABNORMALLY_LOW_TRANSITIONS, &state, &command)
        .ok_or(InvalidAbnormallyLowStep { state, command })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flagged_bid_explains_or_becomes_invalid() {
        let step = |s, c| abnormally_low_transition(s, c).map(|line| line.to);
        assert_eq!(step(S::Unflagged, C::Flag), Ok(S::Flagged));
        assert!(step(S::Flagged, C::AcceptExplanation).is_err(), "an explanation must be asked for first");
        assert_eq!(step(S::ExplanationRequested, C::MissExplanation), Ok(S::Invalid));
        assert_eq!(step(S::ExplanationRequested, C::AcceptExplanation), Ok(S::Explained));
        assert!(step(S::Invalid, C::AcceptExplanation).is_err());
        assert!(!S::Flagged.is_settled() && !S::ExplanationRequested.is_settled());
        assert!(S::Explained.stands() && !S::Invalid.stands());
        for line in ABNORMALLY_LOW_TRANSITIONS {
            assert!(transition_table::cites_article(line.source));
        }
        let refused = abnormally_low_transition(S::Explained, C::Flag).expect_err("settled");
        assert!(refused.to_string().contains("第六十条"));
    }
}

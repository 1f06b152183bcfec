//! What happens to a lot (标段) after its bids are opened: the committee evaluates, the candidates
//! are publicised, the principal decides the award, the award letter goes out and the contract is
//! signed (RULES.md §1.4, from `OPENED` to `CONTRACTED`).
//!
//! Each lot is awarded on its own (a tender's lots may end with different winners, or one may fail
//! while another is awarded), so the stage belongs to the lot, not to the tender. Every legal move
//! is one line of [`LOT_TRANSITIONS`], citing its article; anything else is an
//! [`InvalidLotTransition`] naming the stage. Time conditions (the publicity period is over, no
//! objection waits for a reply) are checked by the caller with the deadline engine, on top of the
//! table.

use std::fmt;

/// Where a lot stands after opening.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LotStage {
    /// Opened, waiting for the evaluation committee.
    Opened,
    /// The committee is evaluating (评标中).
    Evaluating,
    /// The evaluation report with the ranked candidates is in (评标报告已提交).
    Recommended,
    /// The candidates are publicised (中标候选人公示中); objections may be raised.
    Publicity,
    /// The chosen winner dropped out; the principal picks the next candidate or re-tenders.
    AwardPending,
    /// The winner is decided (中标人已确定).
    Awarded,
    /// The award letter went to the winner and the result to every other bidder.
    Notified,
    /// The written contract is signed.
    Contracted,
    /// The evaluation rejected every bid, or the principal re-tenders: no award for this lot.
    Failed,
    /// The procedure's records are closed and archived (归档).
    Archived,
}

impl LotStage {
    /// Every stage.
    pub const ALL: [LotStage; 10] = [
        LotStage::Opened,
        LotStage::Evaluating,
        LotStage::Recommended,
        LotStage::Publicity,
        LotStage::AwardPending,
        LotStage::Awarded,
        LotStage::Notified,
        LotStage::Contracted,
        LotStage::Failed,
        LotStage::Archived,
    ];

    /// Identifier shown by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            LotStage::Opened => "opened",
            LotStage::Evaluating => "evaluating",
            LotStage::Recommended => "recommended",
            LotStage::Publicity => "publicity",
            LotStage::AwardPending => "award_pending",
            LotStage::Awarded => "awarded",
            LotStage::Notified => "notified",
            LotStage::Contracted => "contracted",
            LotStage::Failed => "failed",
            LotStage::Archived => "archived",
        }
    }

    /// Parses an identifier.
    pub fn parse(text: &str) -> Option<LotStage> {
        LotStage::ALL.into_iter().find(|stage| stage.as_str() == text)
    }

    /// The Chinese name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            LotStage::Opened => "已开标",
            LotStage::Evaluating => "评标中",
            LotStage::Recommended => "已提交评标报告",
            LotStage::Publicity => "中标候选人公示中",
            LotStage::AwardPending => "待重新确定中标人",
            LotStage::Awarded => "已确定中标人",
            LotStage::Notified => "已发出中标通知书",
            LotStage::Contracted => "已签订合同",
            LotStage::Failed => "否决所有投标或重新招标",
            LotStage::Archived => "已归档",
        }
    }
}

/// What someone asks a lot's procedure to do after opening.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LotCommand {
    /// Form the evaluation committee (组建评标委员会).
    FormCommittee,
    /// Submit the committee's report with the ranked candidates.
    SubmitReport,
    /// Record that the committee rejected every bid.
    FailEvaluation,
    /// Publish the candidates (公示中标候选人).
    PublishCandidates,
    /// A bidder or interested party objects to the result (异议).
    RaiseObjection,
    /// The principal answers an objection.
    AnswerObjection,
    /// Decide the winner.
    DecideAward,
    /// Record that the winner dropped out (放弃中标, cannot perform, no performance bond, unlawful).
    RecordDropout,
    /// Re-tender instead of taking the next candidate.
    Retender,
    /// Send the award letter and the results.
    IssueAwardLetter,
    /// Record the signed contract.
    SignContract,
    /// Refund the lot's bid securities.
    RefundSecurities,
    /// Send the written report on the tendering to the regulator.
    ReportToRegulator,
    /// Close and archive the lot's records.
    Archive,
}

impl LotCommand {
    /// The Chinese name shown in errors.
    pub fn label(self) -> &'static str {
        match self {
            LotCommand::FormCommittee => "组建评标委员会",
            LotCommand::SubmitReport => "提交评标报告",
            LotCommand::FailEvaluation => "否决所有投标",
            LotCommand::PublishCandidates => "公示中标候选人",
            LotCommand::RaiseObjection => "提出异议",
            LotCommand::AnswerObjection => "答复异议",
            LotCommand::DecideAward => "确定中标人",
            LotCommand::RecordDropout => "登记中标人放弃中标",
            LotCommand::Retender => "重新招标",
            LotCommand::IssueAwardLetter => "发出中标通知书",
            LotCommand::SignContract => "登记合同",
            LotCommand::RefundSecurities => "退还投标保证金",
            LotCommand::ReportToRegulator => "提交招标投标情况书面报告",
            LotCommand::Archive => "归档",
        }
    }
}

/// One legal move of a lot: from a stage, a command leads to a stage, on a legal basis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LotTransition {
    /// Stage before.
    pub from: LotStage,
    /// The command.
    pub command: LotCommand,
    /// Stage after.
    pub to: LotStage,
    /// The article that allows it.
    pub source: &'static str,
}

const fn line(from: LotStage, command: LotCommand, to: LotStage, source: &'static str) -> LotTransition {
    LotTransition { from, command, to, source }
}

use LotCommand as C;
use LotStage as S;

/// The award procedure of one lot, one legal move per line.
#[rustfmt::skip]
pub const LOT_TRANSITIONS: &[LotTransition] = &[
    line(S::Opened,       C::FormCommittee,     S::Evaluating,   "招标投标法 第三十七条"),
    line(S::Evaluating,   C::SubmitReport,      S::Recommended,  "招标投标法 第四十条；招标投标法实施条例 第五十三条"),
    line(S::Evaluating,   C::FailEvaluation,    S::Failed,       "招标投标法 第四十二条"),
    line(S::Recommended,  C::PublishCandidates, S::Publicity,    "招标投标法实施条例 第五十四条"),
    line(S::Publicity,    C::RaiseObjection,    S::Publicity,    "招标投标法实施条例 第五十四条"),
    line(S::Publicity,    C::AnswerObjection,   S::Publicity,    "招标投标法实施条例 第五十四条"),
    line(S::Publicity,    C::DecideAward,       S::Awarded,      "招标投标法 第四十条；招标投标法实施条例 第五十五条"),
    line(S::Awarded,      C::RecordDropout,     S::AwardPending, "招标投标法实施条例 第五十五条"),
    line(S::Notified,     C::RecordDropout,     S::AwardPending, "招标投标法 第四十五条；招标投标法实施条例 第五十五条"),
    line(S::AwardPending, C::DecideAward,       S::Awarded,      "招标投标法实施条例 第五十五条"),
    line(S::AwardPending, C::Retender,          S::Failed,       "招标投标法实施条例 第五十五条"),
    line(S::Awarded,      C::IssueAwardLetter,  S::Notified,     "招标投标法 第四十五条"),
    line(S::Notified,     C::SignContract,      S::Contracted,   "招标投标法 第四十六条"),
    line(S::Contracted,   C::RefundSecurities,  S::Contracted,   "招标投标法实施条例 第五十七条"),
    line(S::Failed,       C::RefundSecurities,  S::Failed,       "招标投标法实施条例 第五十七条"),
    line(S::Awarded,      C::ReportToRegulator, S::Awarded,      "招标投标法 第四十七条"),
    line(S::Notified,     C::ReportToRegulator, S::Notified,     "招标投标法 第四十七条"),
    line(S::Contracted,   C::ReportToRegulator, S::Contracted,   "招标投标法 第四十七条"),
    line(S::Contracted,   C::Archive,           S::Archived,     "招标投标法 第四十七条"),
    line(S::Failed,       C::Archive,           S::Archived,     "招标投标法 第四十二条"),
];

/// A command the lot's stage does not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub struct InvalidLotTransition {
    /// The stage.
    pub stage: LotStage,
    /// The command refused.
    pub command: LotCommand,
}

impl fmt::Display for InvalidLotTransition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "该标段当前为“{}”，不能{}", self.stage.label(), self.command.label())
    }
}

/// The move a command makes from a stage, if the table allows it.
pub fn lot_transition(stage: LotStage, command: LotCommand) -> Result<&'static LotTransition, InvalidLotTransition> {
    LOT_TRANSITIONS
        .iter()
        .find(|line| line.from == stage && line.command == command)
        .ok_or(InvalidLotTransition { stage, command })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_round_trip_and_every_line_cites_a_law() {
        for stage in LotStage::ALL {
            assert_eq!(LotStage::parse(stage.as_str()), Some(stage));
        }
        for line in LOT_TRANSITIONS {
            assert!(line.source.contains('第') && line.source.contains('条'), "{line:?}");
        }
    }

    #[test]
    fn the_happy_path_and_its_refusals() {
        let path = [
            (C::FormCommittee, S::Evaluating),
            (C::SubmitReport, S::Recommended),
            (C::PublishCandidates, S::Publicity),
            (C::RaiseObjection, S::Publicity),
            (C::AnswerObjection, S::Publicity),
            (C::DecideAward, S::Awarded),
            (C::IssueAwardLetter, S::Notified),
            (C::RecordDropout, S::AwardPending),
            (C::DecideAward, S::Awarded),
            (C::IssueAwardLetter, S::Notified),
            (C::SignContract, S::Contracted),
        ];
        let mut stage = S::Opened;
        for (command, expected) in path {
            stage = lot_transition(stage, command).map(|line| line.to).unwrap_or(stage);
            assert_eq!(stage, expected, "{command:?}");
        }
        let refused = lot_transition(S::Recommended, C::DecideAward).expect_err("no award before publicity");
        assert_eq!(refused.to_string(), "该标段当前为“已提交评标报告”，不能确定中标人");
        assert!(lot_transition(S::Contracted, C::RecordDropout).is_err());
        assert!(lot_transition(S::Failed, C::FormCommittee).is_err());
        assert_eq!(lot_transition(S::Contracted, C::Archive).map(|line| line.to), Ok(S::Archived));
        assert!(lot_transition(S::Archived, C::RefundSecurities).is_err());
    }
}

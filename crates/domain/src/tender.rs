//! The tender procedure (招标) as a transition table, and the decisions about bids that hang on
//! it: whether a bid may be accepted now, and whether opening may start.
//!
//! Every legal move is one line of [`TRANSITIONS`], citing its article; anything else is an
//! [`InvalidTransition`] naming the state. The table covers the steps that exist so far (notice,
//! bidding, opening, failure, termination); later steps of RULES.md §1.4 are added as lines.

use std::fmt;

use crate::transition_table;

/// Where a tender stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TenderState {
    /// Being prepared; nothing is public yet.
    Draft,
    /// Pre-qualification (资格预审): its notice is out, documents on sale, applications coming in.
    Prequalifying,
    /// Pre-qualification done with enough qualified applicants; the tender notice goes to them.
    Prequalified,
    /// Two-stage tendering, first stage (两阶段招标第一阶段): the notice asks for technical proposals
    /// without prices until the proposal deadline (招标投标法实施条例 第三十条第二款).
    Proposing,
    /// The first stage is over: the principal has settled the technical standards from the proposals
    /// and prepares the documents; the second-stage notice goes to the proposers only (第三十条第三款).
    ProposalsClosed,
    /// Notice published and documents issued; bids are accepted until the deadline.
    Bidding,
    /// The deadline has passed and the opening session is running (bidders decrypt online).
    Opening,
    /// The opening record is signed.
    Opened,
    /// Failed (流标), e.g. fewer than three bids at the deadline; to be re-tendered.
    Failed,
    /// Terminated by the principal (终止招标).
    Terminated,
    /// Suspended by the regulator while it handles a complaint (暂停招标投标活动); resumption returns
    /// to the state it was suspended from.
    Suspended,
}

impl TenderState {
    /// Every state.
    pub const ALL: [TenderState; 11] = [
        TenderState::Draft,
        TenderState::Prequalifying,
        TenderState::Prequalified,
        TenderState::Proposing,
        TenderState::ProposalsClosed,
        TenderState::Bidding,
        TenderState::Opening,
        TenderState::Opened,
        TenderState::Failed,
        TenderState::Terminated,
        TenderState::Suspended,
    ];

    /// Whether the tender notice (the documents, and so bidding) is still to come: drafting,
    /// pre-qualification, or the first stage of two-stage tendering.
    pub fn before_notice(self) -> bool {
        matches!(
            self,
            TenderState::Draft
                | TenderState::Prequalifying
                | TenderState::Prequalified
                | TenderState::Proposing
                | TenderState::ProposalsClosed
        )
    }

    /// Identifier stored in projections and shown by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            TenderState::Draft => "draft",
            TenderState::Prequalifying => "prequalifying",
            TenderState::Prequalified => "prequalified",
            TenderState::Proposing => "proposing",
            TenderState::ProposalsClosed => "proposals_closed",
            TenderState::Bidding => "bidding",
            TenderState::Opening => "opening",
            TenderState::Opened => "opened",
            TenderState::Failed => "failed",
            TenderState::Terminated => "terminated",
            TenderState::Suspended => "suspended",
        }
    }

    /// Parses an identifier.
    pub fn parse(text: &str) -> Option<TenderState> {
        TenderState::ALL.into_iter().find(|state| state.as_str() == text)
    }

    /// The Chinese name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            TenderState::Draft => "草稿",
            TenderState::Prequalifying => "资格预审中",
            TenderState::Prequalified => "资格预审已完成",
            TenderState::Proposing => "两阶段招标第一阶段（征集技术建议）",
            TenderState::ProposalsClosed => "第一阶段已结束（编制招标文件）",
            TenderState::Bidding => "投标中",
            TenderState::Opening => "开标中",
            TenderState::Opened => "已开标",
            TenderState::Failed => "流标",
            TenderState::Terminated => "已终止",
            TenderState::Suspended => "暂停（行政监督部门处理投诉期间）",
        }
    }
}

/// What someone asks the procedure to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TenderCommand {
    /// Turn the tender into an invited one (邀请招标) naming the invited entities.
    InviteBidders,
    /// Publish the pre-qualification notice and put its documents on sale (资格预审公告).
    PublishPrequalification,
    /// A potential bidder applies for pre-qualification (资格预审申请).
    ApplyForPrequalification,
    /// Record the review's result (资格审查结果).
    RecordPrequalification,
    /// Publish the first-stage notice of a two-stage tender, asking for technical proposals
    /// without prices (两阶段招标, 条例 第三十条).
    InviteProposals,
    /// A potential bidder hands in its technical proposal (技术建议).
    SubmitProposal,
    /// Close the first stage: the technical standards settled from the proposals.
    CloseProposals,
    /// Publish the tender notice and issue the documents.
    PublishNotice,
    /// Issue a clarification or amendment of the tender documents (澄清或者修改).
    IssueAmendment,
    /// Start the opening session at the deadline.
    StartOpening,
    /// Sign the opening record and close the session.
    CloseOpening,
    /// Declare the tender failed.
    DeclareFailed,
    /// Terminate the tender.
    Terminate,
    /// The regulator suspends the procedure while it handles a complaint.
    Suspend,
    /// The regulator lets the procedure go on.
    Resume,
    /// The documents break a mandatory provision or fairness and affect the result: the tender
    /// fails and must be re-run with corrected documents (条例 第二十三条).
    RequireRetender,
}

impl TenderCommand {
    /// The Chinese name shown in errors.
    pub fn label(self) -> &'static str {
        match self {
            TenderCommand::InviteBidders => "确定邀请招标的被邀请人",
            TenderCommand::PublishPrequalification => "发布资格预审公告",
            TenderCommand::ApplyForPrequalification => "提交资格预审申请",
            TenderCommand::RecordPrequalification => "登记资格审查结果",
            TenderCommand::InviteProposals => "发布两阶段招标第一阶段公告",
            TenderCommand::SubmitProposal => "提交技术建议",
            TenderCommand::CloseProposals => "确定技术标准和要求、结束第一阶段",
            TenderCommand::PublishNotice => "发布招标公告",
            TenderCommand::IssueAmendment => "发出澄清或者修改",
            TenderCommand::StartOpening => "开标",
            TenderCommand::CloseOpening => "签署开标记录",
            TenderCommand::DeclareFailed => "宣布流标",
            TenderCommand::Terminate => "终止招标",
            TenderCommand::Suspend => "暂停招标投标活动",
            TenderCommand::Resume => "恢复招标投标活动",
            TenderCommand::RequireRetender => "认定文件违法并重新招标",
        }
    }
}

/// One legal move of a tender: from a state, a command leads to a state, on a legal basis (the
/// shared table machinery of [`crate::transition_table`]).
pub type Transition = transition_table::Transition<TenderState, TenderCommand>;

const fn line(from: TenderState, command: TenderCommand, to: TenderState, source: &'static str) -> Transition {
    Transition::new(from, command, to, source)
}

use TenderCommand as C;
use TenderState as S;

/// The procedure of an open tender with post-qualification, one legal move per line.
#[rustfmt::skip]
pub const TRANSITIONS: &[Transition] = &[
    line(S::Draft,   C::PublishNotice, S::Bidding,    "招标投标法 第十六条；招标投标法实施条例 第十五条"),
    line(S::Draft,         C::InviteBidders,            S::Draft,         "招标投标法 第十七条；招标投标法实施条例 第八条"),
    line(S::Draft,         C::PublishPrequalification,  S::Prequalifying, "招标投标法实施条例 第十五条、第十六条、第十七条"),
    line(S::Prequalifying, C::ApplyForPrequalification, S::Prequalifying, "招标投标法实施条例 第十七条"),
    line(S::Prequalifying, C::RecordPrequalification,   S::Prequalified,  "招标投标法实施条例 第十八条、第十九条"),
    line(S::Prequalifying, C::DeclareFailed,            S::Failed,        "招标投标法实施条例 第十九条"),
    line(S::Prequalified,  C::PublishNotice,            S::Bidding,       "招标投标法实施条例 第十九条"),
    line(S::Prequalifying, C::Terminate,                S::Terminated,    "招标投标法实施条例 第三十一条"),
    line(S::Prequalified,  C::Terminate,                S::Terminated,    "招标投标法实施条例 第三十一条"),
    line(S::Prequalifying, C::Suspend,                  S::Suspended,     "招标投标法实施条例 第六十二条"),
    line(S::Prequalified,  C::Suspend,                  S::Suspended,     "招标投标法实施条例 第六十二条"),
    line(S::Suspended,     C::Resume,                   S::Prequalifying, "招标投标法实施条例 第六十二条"),
    line(S::Suspended,     C::Resume,                   S::Prequalified,  "招标投标法实施条例 第六十二条"),
    line(S::Prequalifying, C::IssueAmendment,           S::Prequalifying, "招标投标法实施条例 第二十一条"),
    line(S::Prequalifying, C::RequireRetender,          S::Failed,        "招标投标法实施条例 第二十三条"),
    line(S::Prequalified,  C::RequireRetender,          S::Failed,        "招标投标法实施条例 第二十三条"),
    line(S::Bidding,       C::RequireRetender,          S::Failed,        "招标投标法实施条例 第二十三条"),
    line(S::Suspended,     C::RequireRetender,          S::Failed,        "招标投标法实施条例 第二十三条"),
    line(S::Bidding, C::IssueAmendment, S::Bidding,   "招标投标法 第二十三条；招标投标法实施条例 第二十一条"),
    line(S::Bidding, C::StartOpening,  S::Opening,    "招标投标法 第三十四条；招标投标法实施条例 第四十四条"),
    line(S::Bidding, C::DeclareFailed, S::Failed,     "招标投标法 第二十八条；招标投标法实施条例 第四十四条"),
    line(S::Opening, C::CloseOpening,  S::Opened,     "招标投标法 第三十六条"),
    line(S::Draft,           C::InviteProposals, S::Proposing,       "招标投标法实施条例 第三十条第一款、第二款"),
    line(S::Proposing,       C::SubmitProposal,  S::Proposing,       "招标投标法实施条例 第三十条第二款"),
    line(S::Proposing,       C::CloseProposals,  S::ProposalsClosed, "招标投标法实施条例 第三十条第二款"),
    line(S::Proposing,       C::DeclareFailed,   S::Failed,          "招标投标法 第二十八条；招标投标法实施条例 第三十条第三款"),
    line(S::ProposalsClosed, C::PublishNotice,   S::Bidding,         "招标投标法实施条例 第三十条第三款、第四款"),
    line(S::Proposing,       C::Terminate,       S::Terminated,      "招标投标法实施条例 第三十一条"),
    line(S::ProposalsClosed, C::Terminate,       S::Terminated,      "招标投标法实施条例 第三十一条"),
    line(S::Proposing,       C::Suspend,         S::Suspended,       "招标投标法实施条例 第六十二条"),
    line(S::ProposalsClosed, C::Suspend,         S::Suspended,       "招标投标法实施条例 第六十二条"),
    line(S::Suspended,       C::Resume,          S::Proposing,       "招标投标法实施条例 第六十二条"),
    line(S::Suspended,       C::Resume,          S::ProposalsClosed, "招标投标法实施条例 第六十二条"),
    line(S::Draft,   C::Terminate,     S::Terminated, "招标投标法实施条例 第三十一条"),
    line(S::Bidding, C::Terminate,     S::Terminated, "招标投标法实施条例 第三十一条"),
    line(S::Opening, C::Terminate,     S::Terminated, "招标投标法实施条例 第三十一条"),
    line(S::Opened,  C::Terminate,     S::Terminated, "招标投标法实施条例 第三十一条"),
    line(S::Draft,     C::Suspend,     S::Suspended,  "招标投标法实施条例 第六十二条"),
    line(S::Bidding,   C::Suspend,     S::Suspended,  "招标投标法实施条例 第六十二条"),
    line(S::Opening,   C::Suspend,     S::Suspended,  "招标投标法实施条例 第六十二条"),
    line(S::Opened,    C::Suspend,     S::Suspended,  "招标投标法实施条例 第六十二条"),
    line(S::Suspended, C::Resume,      S::Draft,      "招标投标法实施条例 第六十二条"),
    line(S::Suspended, C::Resume,      S::Bidding,    "招标投标法实施条例 第六十二条"),
    line(S::Suspended, C::Resume,      S::Opening,    "招标投标法实施条例 第六十二条"),
    line(S::Suspended, C::Resume,      S::Opened,     "招标投标法实施条例 第六十二条"),
    line(S::Suspended, C::Terminate,   S::Terminated, "招标投标法实施条例 第三十一条"),
];

/// A command the current state does not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub struct InvalidTransition {
    /// The state.
    pub state: TenderState,
    /// The command refused.
    pub command: TenderCommand,
}

impl fmt::Display for InvalidTransition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "招标项目当前状态为“{}”，不能{}", self.state.label(), self.command.label())
    }
}

/// The move a command makes from a state, if the table allows it (for `Resume`, whose target
/// depends on the suspension, use [`resumption`]).
pub fn transition(state: TenderState, command: TenderCommand) -> Result<&'static Transition, InvalidTransition> {
    transition_table::find(TRANSITIONS, &state, &command).ok_or(InvalidTransition { state, command })
}

/// The resumption of a suspended tender, back to the state it was suspended from (`Resume` has one
/// line per state a suspension can come from, so [`transition`] alone cannot choose).
pub fn resumption(state: TenderState, suspended_from: TenderState) -> Result<&'static Transition, InvalidTransition> {
    transition_table::find_to(TRANSITIONS, &state, &TenderCommand::Resume, &suspended_from)
        .ok_or(InvalidTransition { state, command: TenderCommand::Resume })
}

/// Why a bid is not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BidRefusal {
    /// The tender does not take bids in its state.
    #[error("招标项目当前状态为“{}”，不接受投标文件", .0.label())]
    NotAcceptingBids(TenderState),
    /// The deadline has passed (at or after it: 电子招标投标办法 第二十七条, 招标投标法实施条例 第三十六条).
    #[error("已过投标截止时间，投标文件不予接收")]
    DeadlinePassed {
        /// The deadline, UTC ms.
        deadline_ms: i64,
        /// The server's time at ingest, UTC ms.
        now_ms: i64,
    },
}

/// Decides whether a bid (or a change or withdrawal of one) arriving at `now_ms` is accepted: the
/// tender is bidding and the server time is strictly before the deadline. This is the single
/// comparison at ingest (DESIGN §5); a bid not complete by then counts as withdrawn (电子招标投标办法 第二十七条).
pub fn accept_bid(state: TenderState, deadline_ms: i64, now_ms: i64) -> Result<(), BidRefusal> {
    if state != TenderState::Bidding {
        return Err(BidRefusal::NotAcceptingBids(state));
    }
    if now_ms >= deadline_ms {
        return Err(BidRefusal::DeadlinePassed { deadline_ms, now_ms });
    }
    Ok(())
}

/// Why opening cannot start yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OpeningRefusal {
    /// The state does not allow it.
    #[error(transparent)]
    Transition(#[from] InvalidTransition),
    /// Opening happens at the deadline, not before (招标投标法 第三十四条).
    #[error("开标应当在投标截止时间的同一时间公开进行，投标截止时间未到")]
    BeforeDeadline {
        /// The deadline, UTC ms.
        deadline_ms: i64,
        /// Now, UTC ms.
        now_ms: i64,
    },
}

/// What happens at the deadline, per lot (标段): a lot with fewer bids than the ruleset's minimum
/// fails and is not opened (招标投标法 第二十八条, 实施条例 第四十四条); if no lot has enough, the
/// whole tender fails, otherwise the opening starts for the others.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadlineOutcome {
    /// The move the tender makes.
    pub transition: &'static Transition,
    /// Lots that failed, with their bid counts.
    pub failed_lots: Vec<(String, u32)>,
}

/// Decides the deadline: `lots` are (lot id, bids received).
pub fn decide_at_deadline(
    state: TenderState,
    deadline_ms: i64,
    now_ms: i64,
    lots: &[(String, u32)],
    bids_min: u32,
) -> Result<DeadlineOutcome, OpeningRefusal> {
    let failed_lots: Vec<(String, u32)> = lots.iter().filter(|(_, count)| *count < bids_min).cloned().collect();
    let command =
        if failed_lots.len() == lots.len() { TenderCommand::DeclareFailed } else { TenderCommand::StartOpening };
    let transition = transition(state, command)?;
    if now_ms < deadline_ms {
        return Err(OpeningRefusal::BeforeDeadline { deadline_ms, now_ms });
    }
    Ok(DeadlineOutcome { transition, failed_lots })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_one_line_per_state_and_command() {
        // Resume alone has one line per state a suspension comes from (chosen by `resumption`).
        for (i, a) in TRANSITIONS.iter().enumerate() {
            assert!(!a.source.is_empty());
            for b in &TRANSITIONS[i + 1..] {
                let same = a.from == b.from && a.command == b.command;
                assert!(!same || (a.command == C::Resume && a.to != b.to), "{a:?} and {b:?} collide");
            }
        }
        for line in TRANSITIONS.iter().filter(|line| line.command == C::Suspend) {
            assert_eq!(resumption(S::Suspended, line.from).map(|back| back.to), Ok(line.from), "{line:?}");
        }
        assert!(resumption(S::Bidding, S::Bidding).is_err(), "only a suspended tender resumes");
    }

    #[test]
    fn a_terminated_or_failed_tender_accepts_nothing() {
        for state in [TenderState::Failed, TenderState::Terminated] {
            for command in
                [C::PublishNotice, C::IssueAmendment, C::StartOpening, C::CloseOpening, C::DeclareFailed, C::Terminate]
            {
                let refused = transition(state, command).expect_err("final state");
                assert!(refused.to_string().contains(state.label()));
            }
        }
    }

    #[test]
    fn bids_are_accepted_strictly_before_the_deadline() {
        assert_eq!(accept_bid(TenderState::Bidding, 1000, 999), Ok(()));
        assert_eq!(
            accept_bid(TenderState::Bidding, 1000, 1000),
            Err(BidRefusal::DeadlinePassed { deadline_ms: 1000, now_ms: 1000 })
        );
        assert_eq!(accept_bid(TenderState::Draft, 1000, 1), Err(BidRefusal::NotAcceptingBids(TenderState::Draft)));
    }

    #[test]
    fn two_stage_tendering_publishes_the_notice_only_after_the_first_stage_closes() {
        // 条例30: proposals first, the documents (and so the notice, bids and any deposit) after.
        assert_eq!(transition(S::Draft, C::InviteProposals).map(|line| line.to), Ok(S::Proposing));
        for command in [C::PublishNotice, C::StartOpening, C::IssueAmendment] {
            assert!(transition(S::Proposing, command).is_err(), "{command:?} while proposing");
        }
        assert!(transition(S::Proposing, C::SubmitProposal).is_ok_and(|line| line.source.contains("第三十条")));
        assert!(transition(S::ProposalsClosed, C::SubmitProposal).is_err(), "no proposal after the close");
        let notice = transition(S::ProposalsClosed, C::PublishNotice).expect("second stage");
        assert_eq!(notice.to, S::Bidding);
        assert!(notice.source.contains("第三十条第三款、第四款"));
        assert_eq!(accept_bid(S::Proposing, 1000, 1), Err(BidRefusal::NotAcceptingBids(S::Proposing)));
        assert_eq!(resumption(S::Suspended, S::Proposing).map(|line| line.to), Ok(S::Proposing));
    }

    fn lots(counts: &[u32]) -> Vec<(String, u32)> {
        counts.iter().enumerate().map(|(i, &n)| ((i + 1).to_string(), n)).collect()
    }

    #[test]
    fn fewer_than_the_minimum_fails_per_lot_at_the_deadline_and_nothing_opens_early() {
        let outcome = |counts: &[u32]| decide_at_deadline(S::Bidding, 1000, 1000, &lots(counts), 3);
        assert_eq!(outcome(&[2]).map(|o| o.transition.to), Ok(S::Failed));
        assert_eq!(outcome(&[3]).map(|o| (o.transition.to, o.failed_lots)), Ok((S::Opening, vec![])));
        assert_eq!(
            outcome(&[5, 1, 0]).map(|o| (o.transition.to, o.failed_lots)),
            Ok((S::Opening, vec![("2".to_owned(), 1), ("3".to_owned(), 0)]))
        );
        let early = decide_at_deadline(S::Bidding, 1000, 999, &lots(&[5]), 3);
        assert!(matches!(early, Err(OpeningRefusal::BeforeDeadline { .. })));
        let again = decide_at_deadline(S::Opened, 1000, 2000, &lots(&[5]), 3);
        assert!(matches!(again, Err(OpeningRefusal::Transition(_))));
    }
}

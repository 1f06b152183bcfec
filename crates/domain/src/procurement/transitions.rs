//! The procedure of each method as a transition table: one legal move per line, citing its article,
//! on the shared machinery of [`crate::transition_table`] (the same one the tender procedure uses).
//!
//! A method's lines are its own table ([`OPEN_TENDER`], [`INVITED_TENDER`], ...) plus the lines all
//! methods share after the winner is known, and the suspension, hold and termination lines
//! ([`COMMON`]). [`transition`] looks in the method's table first, then in the common one; a test
//! checks that no state and command pair is in both.
//!
//! Whether a step is *due* (approval required above the threshold, publicity for a sole supplier,
//! enough suppliers) is decided by [`super::decide_method`] and [`super::supplier_shortfall`]; the
//! table only says which steps are legal in which order.
//!
//! Confidence: articles of 政府采购法 and its 实施条例 are checked against ../shared/laws; those of
//! 87号令, 74号令 and 214号 follow RULES.md §2 where it gives them (M) and are unverified otherwise
//! (L); 110号令 (framework agreements) is cited by its Art 2 (the two stages) and Art 3 only.

use std::fmt;

use super::{ProcurementCommand, ProcurementMethod, ProcurementState};
use crate::transition_table;

/// One legal move of a procurement procedure.
pub type ProcurementTransition = transition_table::Transition<ProcurementState, ProcurementCommand>;

macro_rules! gpl {
    ($art:literal) => {
        concat!("政府采购法 ", $art)
    };
}
macro_rules! gpr {
    ($art:literal) => {
        concat!("政府采购法实施条例 ", $art)
    };
}
macro_rules! o87 {
    ($art:literal) => {
        concat!("政府采购货物和服务招标投标管理办法（财政部令第87号）", $art)
    };
}
macro_rules! o74 {
    ($art:literal) => {
        concat!("政府采购非招标采购方式管理办法（财政部令第74号）", $art)
    };
}
macro_rules! n214 {
    ($art:literal) => {
        concat!("政府采购竞争性磋商采购方式管理暂行办法（财库〔2014〕214号）", $art)
    };
}
macro_rules! o110 {
    ($art:literal) => {
        concat!("政府采购框架协议采购方式管理暂行办法（财政部令第110号）", $art)
    };
}

const fn line(
    from: ProcurementState,
    command: ProcurementCommand,
    to: ProcurementState,
    source: &'static str,
) -> ProcurementTransition {
    transition_table::Transition::new(from, command, to, source)
}

use ProcurementCommand as C;
use ProcurementState as S;

/// 公开招标.
#[rustfmt::skip]
pub const OPEN_TENDER: &[ProcurementTransition] = &[
    line(S::Planned,    C::PublishNotice,      S::Bidding,    concat!(gpl!("第三十五条"), "；", o87!("第十六条"))),
    line(S::Bidding,    C::IssueClarification, S::Bidding,    concat!(gpr!("第三十一条"), "；", o87!("第二十七条"))),
    line(S::Bidding,    C::StartOpening,       S::Opening,    o87!("第三十九条")),
    line(S::Bidding,    C::DeclareFailed,      S::Failed,     o87!("第四十一条")),
    line(S::Opening,    C::CloseOpening,       S::Review,     o87!("第四十四条")),
    line(S::Review,     C::CompleteReview,     S::Evaluating, o87!("第四十四条")),
    line(S::Review,     C::DeclareFailed,      S::Failed,     concat!(gpl!("第三十六条"), "；", o87!("第四十四条"))),
    line(S::Evaluating, C::SubmitReport,       S::Reported,   concat!(gpr!("第四十三条"), "；", o87!("第六十八条"))),
    line(S::Evaluating, C::DeclareFailed,      S::Failed,     gpl!("第三十六条")),
];

/// 邀请招标: suppliers chosen at random from those qualified (by notice, library draw or
/// recommendation), then as an open tender from the documents on.
#[rustfmt::skip]
pub const INVITED_TENDER: &[ProcurementTransition] = &[
    line(S::Planned,        C::SubmitForApproval,  S::MethodApproval, concat!(gpl!("第二十七条"), "；", gpr!("第二十三条"))),
    line(S::MethodApproval, C::Approve,            S::Approved,       concat!(gpl!("第二十七条"), "；", gpr!("第二十三条"))),
    line(S::MethodApproval, C::RefuseApproval,     S::Terminated,     gpl!("第二十七条")),
    line(S::Planned,        C::InviteSuppliers,    S::Inviting,       concat!(gpl!("第二十九条"), "；", o87!("第十四条"))),
    line(S::Approved,       C::InviteSuppliers,    S::Inviting,       concat!(gpl!("第二十九条"), "；", o87!("第十四条"))),
    line(S::Inviting,       C::IssueDocuments,     S::Bidding,        gpl!("第三十四条")),
    line(S::Inviting,       C::DeclareFailed,      S::Failed,         gpl!("第三十四条")),
    line(S::Bidding,        C::IssueClarification, S::Bidding,        gpr!("第三十一条")),
    line(S::Bidding,        C::StartOpening,       S::Opening,        o87!("第三十九条")),
    line(S::Bidding,        C::DeclareFailed,      S::Failed,         o87!("第四十一条")),
    line(S::Opening,        C::CloseOpening,       S::Review,         o87!("第四十四条")),
    line(S::Review,         C::CompleteReview,     S::Evaluating,     o87!("第四十四条")),
    line(S::Review,         C::DeclareFailed,      S::Failed,         gpl!("第三十六条")),
    line(S::Evaluating,     C::SubmitReport,       S::Reported,       gpr!("第四十三条")),
    line(S::Evaluating,     C::DeclareFailed,      S::Failed,         gpl!("第三十六条")),
];

/// 竞争性谈判.
#[rustfmt::skip]
pub const COMPETITIVE_NEGOTIATION: &[ProcurementTransition] = &[
    line(S::Planned,        C::SubmitForApproval,  S::MethodApproval, concat!(gpl!("第二十七条"), "；", gpr!("第二十三条"))),
    line(S::MethodApproval, C::Approve,            S::Approved,       concat!(gpl!("第二十七条"), "；", gpr!("第二十三条"))),
    line(S::MethodApproval, C::RefuseApproval,     S::Terminated,     gpl!("第二十七条")),
    line(S::Planned,        C::InviteSuppliers,    S::Inviting,       concat!(gpl!("第三十八条第（三）项"), "；", o74!("第十二条"))),
    line(S::Approved,       C::InviteSuppliers,    S::Inviting,       concat!(gpl!("第三十八条第（三）项"), "；", o74!("第十二条"))),
    line(S::Inviting,       C::IssueDocuments,     S::Bidding,        concat!(gpl!("第三十八条第（二）项"), "；", o74!("第二十九条"))),
    line(S::Bidding,        C::IssueClarification, S::Bidding,        o74!("第二十九条")),
    line(S::Bidding,        C::StartNegotiation,   S::Negotiating,    gpl!("第三十八条第（四）项")),
    line(S::Negotiating,    C::IssueClarification, S::Negotiating,    gpl!("第三十八条第（四）项")),
    line(S::Negotiating,    C::RequestFinalOffers, S::FinalOffers,    gpl!("第三十八条第（五）项")),
    line(S::FinalOffers,    C::CloseFinalOffers,   S::Evaluating,     gpl!("第三十八条第（五）项")),
    line(S::Evaluating,     C::SubmitReport,       S::Reported,       gpr!("第四十三条")),
    line(S::Inviting,       C::DeclareFailed,      S::Failed,         o74!("第三十七条")),
    line(S::Bidding,        C::DeclareFailed,      S::Failed,         o74!("第三十七条")),
    line(S::Negotiating,    C::DeclareFailed,      S::Failed,         o74!("第三十七条")),
    line(S::FinalOffers,    C::DeclareFailed,      S::Failed,         o74!("第三十七条")),
    line(S::Evaluating,     C::DeclareFailed,      S::Failed,         o74!("第三十七条")),
];

/// 竞争性磋商: the shape of a negotiation, scored by comprehensive scoring.
#[rustfmt::skip]
pub const COMPETITIVE_CONSULTATION: &[ProcurementTransition] = &[
    line(S::Planned,        C::SubmitForApproval,  S::MethodApproval, concat!(gpl!("第二十七条"), "；", gpr!("第二十三条"))),
    line(S::MethodApproval, C::Approve,            S::Approved,       concat!(gpl!("第二十七条"), "；", gpr!("第二十三条"))),
    line(S::MethodApproval, C::RefuseApproval,     S::Terminated,     gpl!("第二十七条")),
    line(S::Planned,        C::InviteSuppliers,    S::Inviting,       n214!("第六条")),
    line(S::Approved,       C::InviteSuppliers,    S::Inviting,       n214!("第六条")),
    line(S::Inviting,       C::IssueDocuments,     S::Bidding,        n214!("第十条")),
    line(S::Bidding,        C::IssueClarification, S::Bidding,        n214!("第十条")),
    line(S::Bidding,        C::StartNegotiation,   S::Negotiating,    n214!("第十八条")),
    line(S::Negotiating,    C::IssueClarification, S::Negotiating,    n214!("第十九条")),
    line(S::Negotiating,    C::RequestFinalOffers, S::FinalOffers,    n214!("第二十一条")),
    line(S::FinalOffers,    C::CloseFinalOffers,   S::Evaluating,     concat!(n214!("第二十一条"), "、第二十三条")),
    line(S::Evaluating,     C::SubmitReport,       S::Reported,       concat!(gpr!("第四十三条"), "；", n214!("第二十五条"))),
    line(S::Inviting,       C::DeclareFailed,      S::Failed,         n214!("第三十四条")),
    line(S::Bidding,        C::DeclareFailed,      S::Failed,         n214!("第三十四条")),
    line(S::Negotiating,    C::DeclareFailed,      S::Failed,         n214!("第三十四条")),
    line(S::FinalOffers,    C::DeclareFailed,      S::Failed,         concat!(n214!("第二十一条"), "、第三十四条")),
    line(S::Evaluating,     C::DeclareFailed,      S::Failed,         n214!("第三十四条")),
];

/// 询价: one quote per supplier, which cannot be changed; the lowest compliant quote wins.
#[rustfmt::skip]
pub const INQUIRY: &[ProcurementTransition] = &[
    line(S::Planned,        C::SubmitForApproval,  S::MethodApproval, concat!(gpl!("第二十七条"), "；", gpr!("第二十三条"))),
    line(S::MethodApproval, C::Approve,            S::Approved,       concat!(gpl!("第二十七条"), "；", gpr!("第二十三条"))),
    line(S::MethodApproval, C::RefuseApproval,     S::Terminated,     gpl!("第二十七条")),
    line(S::Planned,        C::InviteSuppliers,    S::Inviting,       concat!(gpl!("第四十条第（二）项"), "；", o74!("第十二条"))),
    line(S::Approved,       C::InviteSuppliers,    S::Inviting,       concat!(gpl!("第四十条第（二）项"), "；", o74!("第十二条"))),
    line(S::Inviting,       C::IssueDocuments,     S::Bidding,        concat!(gpl!("第四十条第（二）项"), "；", o74!("第四十五条"))),
    line(S::Bidding,        C::IssueClarification, S::Bidding,        o74!("第四十五条")),
    line(S::Bidding,        C::CloseResponses,     S::Evaluating,     gpl!("第四十条第（三）项")),
    line(S::Evaluating,     C::SubmitReport,       S::Reported,       concat!(gpl!("第四十条第（四）项"), "；", gpr!("第四十三条"))),
    line(S::Inviting,       C::DeclareFailed,      S::Failed,         concat!(gpl!("第四十条"), "；", o74!("第三十七条"))),
    line(S::Bidding,        C::DeclareFailed,      S::Failed,         concat!(gpl!("第四十条"), "；", o74!("第三十七条"))),
    line(S::Evaluating,     C::DeclareFailed,      S::Failed,         concat!(gpl!("第四十条"), "；", o74!("第三十七条"))),
];

/// 单一来源: above the threshold with a sole supplier, publicity first; then approval; then the
/// price talks with the supplier.
#[rustfmt::skip]
pub const SINGLE_SOURCE: &[ProcurementTransition] = &[
    line(S::Planned,        C::StartPublicity,     S::Publicity,      gpr!("第三十八条")),
    line(S::Publicity,      C::ReviewObjection,    S::Publicity,      concat!(gpr!("第三十八条"), "；", o74!("第四十条"))),
    line(S::Publicity,      C::ClosePublicity,     S::MethodApproval, concat!(gpr!("第三十八条"), "；", gpl!("第二十七条"))),
    line(S::Publicity,      C::DeclareFailed,      S::Failed,         concat!(gpr!("第三十八条"), "；", o74!("第四十条"))),
    line(S::Planned,        C::SubmitForApproval,  S::MethodApproval, concat!(gpl!("第二十七条"), "；", gpr!("第二十三条"))),
    line(S::MethodApproval, C::Approve,            S::Approved,       concat!(gpl!("第二十七条"), "；", gpr!("第二十三条"))),
    line(S::MethodApproval, C::RefuseApproval,     S::Terminated,     gpl!("第二十七条")),
    line(S::Planned,        C::StartNegotiation,   S::Negotiating,    concat!(gpl!("第三十九条"), "；", o74!("第四十一条"))),
    line(S::Approved,       C::StartNegotiation,   S::Negotiating,    concat!(gpl!("第三十九条"), "；", o74!("第四十一条"))),
    line(S::Negotiating,    C::DetermineWinner,    S::Awarded,        concat!(gpl!("第三十九条"), "；", o74!("第四十一条"))),
    line(S::Negotiating,    C::DeclareFailed,      S::Failed,         gpl!("第三十九条")),
];

/// 框架协议采购: the first stage admits suppliers into the agreement, the second calls purchases off
/// it (110号令 第二条).
#[rustfmt::skip]
pub const FRAMEWORK_AGREEMENT: &[ProcurementTransition] = &[
    line(S::Planned,    C::PublishNotice,      S::Bidding,    o110!("第二条")),
    line(S::Bidding,    C::IssueClarification, S::Bidding,    o110!("第二条")),
    line(S::Bidding,    C::CloseResponses,     S::Evaluating, o110!("第二条")),
    line(S::Bidding,    C::DeclareFailed,      S::Failed,     o110!("第二条")),
    line(S::Evaluating, C::SubmitReport,       S::Reported,   concat!(o110!("第二条"), "；", gpr!("第四十三条"))),
    line(S::Evaluating, C::DeclareFailed,      S::Failed,     o110!("第二条")),
    line(S::Contracted, C::CallOff,            S::Contracted, o110!("第二条")),
];

/// The lines every method shares: from the report to the acceptance, and the suspension, hold and
/// termination lines.
#[rustfmt::skip]
pub const COMMON: &[ProcurementTransition] = &[
    line(S::Reported,          C::DetermineWinner,  S::Awarded,           concat!(gpr!("第四十三条"), "；", o87!("第六十八条"))),
    line(S::Awarded,           C::PublishResult,    S::ResultPublished,   concat!(gpr!("第四十三条"), "；", o87!("第六十九条"))),
    line(S::ResultPublished,   C::SignContract,     S::Contracted,        gpl!("第四十六条")),
    line(S::ResultPublished,   C::NextCandidate,    S::Awarded,           gpr!("第四十九条")),
    line(S::Contracted,        C::PublishContract,  S::ContractPublished, gpr!("第五十条")),
    line(S::ContractPublished, C::RecordAcceptance, S::Accepted,          concat!(gpl!("第四十一条"), "；", gpr!("第四十五条"))),
    // 条例 第五十四条: an inquiry or challenge that may affect the result holds the signing, or
    // suspends the performance of a signed contract.
    line(S::Awarded,           C::HoldContract,     S::ContractHeld,      gpr!("第五十四条")),
    line(S::ResultPublished,   C::HoldContract,     S::ContractHeld,      gpr!("第五十四条")),
    line(S::Contracted,        C::HoldContract,     S::ContractHeld,      gpr!("第五十四条")),
    line(S::ContractPublished, C::HoldContract,     S::ContractHeld,      gpr!("第五十四条")),
    line(S::ContractHeld,      C::ReleaseContract,  S::Awarded,           gpr!("第五十四条")),
    line(S::ContractHeld,      C::ReleaseContract,  S::ResultPublished,   gpr!("第五十四条")),
    line(S::ContractHeld,      C::ReleaseContract,  S::Contracted,        gpr!("第五十四条")),
    line(S::ContractHeld,      C::ReleaseContract,  S::ContractPublished, gpr!("第五十四条")),
    // 政府采购法 第五十七条: the finance department may suspend the procurement during a complaint.
    line(S::Publicity,         C::Suspend,          S::Suspended,         gpl!("第五十七条")),
    line(S::Inviting,          C::Suspend,          S::Suspended,         gpl!("第五十七条")),
    line(S::Bidding,           C::Suspend,          S::Suspended,         gpl!("第五十七条")),
    line(S::Opening,           C::Suspend,          S::Suspended,         gpl!("第五十七条")),
    line(S::Review,            C::Suspend,          S::Suspended,         gpl!("第五十七条")),
    line(S::Negotiating,       C::Suspend,          S::Suspended,         gpl!("第五十七条")),
    line(S::FinalOffers,       C::Suspend,          S::Suspended,         gpl!("第五十七条")),
    line(S::Evaluating,        C::Suspend,          S::Suspended,         gpl!("第五十七条")),
    line(S::Reported,          C::Suspend,          S::Suspended,         gpl!("第五十七条")),
    line(S::Awarded,           C::Suspend,          S::Suspended,         gpl!("第五十七条")),
    line(S::ResultPublished,   C::Suspend,          S::Suspended,         gpl!("第五十七条")),
    line(S::Suspended,         C::Resume,           S::Publicity,         gpl!("第五十七条")),
    line(S::Suspended,         C::Resume,           S::Inviting,          gpl!("第五十七条")),
    line(S::Suspended,         C::Resume,           S::Bidding,           gpl!("第五十七条")),
    line(S::Suspended,         C::Resume,           S::Opening,           gpl!("第五十七条")),
    line(S::Suspended,         C::Resume,           S::Review,            gpl!("第五十七条")),
    line(S::Suspended,         C::Resume,           S::Negotiating,       gpl!("第五十七条")),
    line(S::Suspended,         C::Resume,           S::FinalOffers,       gpl!("第五十七条")),
    line(S::Suspended,         C::Resume,           S::Evaluating,        gpl!("第五十七条")),
    line(S::Suspended,         C::Resume,           S::Reported,          gpl!("第五十七条")),
    line(S::Suspended,         C::Resume,           S::Awarded,           gpl!("第五十七条")),
    line(S::Suspended,         C::Resume,           S::ResultPublished,   gpl!("第五十七条")),
    // 条例 第七十一条: an unlawful act that affects the result, found on a complaint: before the
    // winner is known the procedure ends and starts again; after it, the result (or the signed but
    // unperformed contract) is void and another qualified candidate is determined, or, with none,
    // the procedure starts again.
    line(S::Suspended,         C::DeclareFailed,    S::Failed,            gpr!("第七十一条第（一）项")),
    line(S::Reported,          C::DeclareFailed,    S::Failed,            gpr!("第七十一条第（一）项")),
    line(S::Awarded,           C::DeclareFailed,    S::Failed,            gpr!("第七十一条第（二）项")),
    line(S::ResultPublished,   C::DeclareFailed,    S::Failed,            gpr!("第七十一条第（二）项")),
    line(S::ContractHeld,      C::DeclareFailed,    S::Failed,            gpr!("第七十一条第（二）、（三）项")),
    line(S::Contracted,        C::DeclareFailed,    S::Failed,            gpr!("第七十一条第（三）项")),
    line(S::ContractPublished, C::DeclareFailed,    S::Failed,            gpr!("第七十一条第（三）项")),
    line(S::Suspended,         C::ReviseResult,     S::Awarded,           gpr!("第七十一条第（二）项")),
    line(S::Awarded,           C::ReviseResult,     S::Awarded,           gpr!("第七十一条第（二）项")),
    line(S::ResultPublished,   C::ReviseResult,     S::Awarded,           gpr!("第七十一条第（二）项")),
    line(S::ContractHeld,      C::ReviseResult,     S::Awarded,           gpr!("第七十一条第（二）、（三）项")),
    line(S::Contracted,        C::ReviseResult,     S::Awarded,           gpr!("第七十一条第（三）项")),
    line(S::ContractPublished, C::ReviseResult,     S::Awarded,           gpr!("第七十一条第（三）项")),
    // 政府采购法 第三十六条第一款第（四）项: the task is cancelled (采购任务取消).
    line(S::Planned,           C::Terminate,        S::Terminated,        gpl!("第三十六条第一款第（四）项")),
    line(S::MethodApproval,    C::Terminate,        S::Terminated,        gpl!("第三十六条第一款第（四）项")),
    line(S::Approved,          C::Terminate,        S::Terminated,        gpl!("第三十六条第一款第（四）项")),
    line(S::Publicity,         C::Terminate,        S::Terminated,        gpl!("第三十六条第一款第（四）项")),
    line(S::Inviting,          C::Terminate,        S::Terminated,        gpl!("第三十六条第一款第（四）项")),
    line(S::Bidding,           C::Terminate,        S::Terminated,        gpl!("第三十六条第一款第（四）项")),
    line(S::Opening,           C::Terminate,        S::Terminated,        gpl!("第三十六条第一款第（四）项")),
    line(S::Review,            C::Terminate,        S::Terminated,        gpl!("第三十六条第一款第（四）项")),
    line(S::Negotiating,       C::Terminate,        S::Terminated,        gpl!("第三十六条第一款第（四）项")),
    line(S::FinalOffers,       C::Terminate,        S::Terminated,        gpl!("第三十六条第一款第（四）项")),
    line(S::Evaluating,        C::Terminate,        S::Terminated,        gpl!("第三十六条第一款第（四）项")),
    line(S::Reported,          C::Terminate,        S::Terminated,        gpl!("第三十六条第一款第（四）项")),
    line(S::Suspended,         C::Terminate,        S::Terminated,        gpl!("第三十六条第一款第（四）项")),
];

/// The table of a method (without [`COMMON`]).
pub fn table(method: ProcurementMethod) -> &'static [ProcurementTransition] {
    match method {
        ProcurementMethod::OpenTender => OPEN_TENDER,
        ProcurementMethod::InvitedTender => INVITED_TENDER,
        ProcurementMethod::CompetitiveNegotiation => COMPETITIVE_NEGOTIATION,
        ProcurementMethod::CompetitiveConsultation => COMPETITIVE_CONSULTATION,
        ProcurementMethod::Inquiry => INQUIRY,
        ProcurementMethod::SingleSource => SINGLE_SOURCE,
        ProcurementMethod::FrameworkAgreement => FRAMEWORK_AGREEMENT,
    }
}

/// A command the method's procedure does not allow in its state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub struct InvalidProcurementTransition {
    /// The method.
    pub method: ProcurementMethod,
    /// The state.
    pub state: ProcurementState,
    /// The command refused.
    pub command: ProcurementCommand,
}

impl InvalidProcurementTransition {
    /// Stable error code.
    pub fn code(&self) -> &'static str {
        "procurement_invalid_transition"
    }
}

impl fmt::Display for InvalidProcurementTransition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}项目当前状态为“{}”，不能{}", self.method.label(), self.state.label(), self.command.label())
    }
}

/// The move a command makes from a state under a method (for the commands that go back to an
/// origin, [`ProcurementCommand::returns_to_origin`], use [`return_to`]).
pub fn transition(
    method: ProcurementMethod,
    state: ProcurementState,
    command: ProcurementCommand,
) -> Result<&'static ProcurementTransition, InvalidProcurementTransition> {
    transition_table::find(table(method), &state, &command)
        .or_else(|| transition_table::find(COMMON, &state, &command))
        .ok_or(InvalidProcurementTransition { method, state, command })
}

/// The resumption of a suspension or the release of a hold, back to the state it came from.
pub fn return_to(
    method: ProcurementMethod,
    state: ProcurementState,
    command: ProcurementCommand,
    origin: ProcurementState,
) -> Result<&'static ProcurementTransition, InvalidProcurementTransition> {
    let refused = InvalidProcurementTransition { method, state, command };
    if !command.returns_to_origin() {
        return Err(refused);
    }
    // Only an origin the method can reach: a suspension never "returns" into a state the method
    // does not have (an inquiry has no opening).
    let reachable = table(method)
        .iter()
        .chain(COMMON)
        .any(|line| line.to == origin && line.from != origin && !line.command.returns_to_origin());
    if !reachable {
        return Err(refused);
    }
    transition_table::find_to(COMMON, &state, &command, &origin).ok_or(refused)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transition_table::{cites_article, collisions};

    #[test]
    fn every_line_cites_an_article() {
        for method in ProcurementMethod::ALL {
            for line in table(method).iter().chain(COMMON) {
                assert!(cites_article(line.source), "{method:?} {line:?}");
            }
        }
    }

    #[test]
    fn no_state_and_command_is_ambiguous() {
        assert!(collisions(COMMON, |command| command.returns_to_origin()).is_empty());
        for method in ProcurementMethod::ALL {
            assert!(collisions(table(method), |_| false).is_empty(), "{method:?}");
            for own in table(method) {
                assert!(
                    !COMMON.iter().any(|common| common.from == own.from && common.command == own.command),
                    "{method:?}: {own:?} is also a common line"
                );
            }
        }
        // Every suspension and hold has its way back.
        for line in COMMON.iter().filter(|line| matches!(line.command, C::Suspend | C::HoldContract)) {
            let back = if line.command == C::Suspend { C::Resume } else { C::ReleaseContract };
            assert!(transition_table::find_to(COMMON, &line.to, &back, &line.from).is_some(), "{line:?}");
        }
    }

    /// Walks a method's happy path; every step must be legal.
    fn walk(method: ProcurementMethod, steps: &[ProcurementCommand]) -> ProcurementState {
        steps.iter().fold(S::Planned, |state, &command| {
            transition(method, state, command).unwrap_or_else(|e| panic!("{method:?}: {e}")).to
        })
    }

    #[test]
    fn each_method_runs_from_plan_to_acceptance() {
        let tail = [C::DetermineWinner, C::PublishResult, C::SignContract, C::PublishContract, C::RecordAcceptance];
        let paths: [(ProcurementMethod, &[ProcurementCommand]); 6] = [
            (
                ProcurementMethod::OpenTender,
                &[C::PublishNotice, C::StartOpening, C::CloseOpening, C::CompleteReview, C::SubmitReport],
            ),
            (
                ProcurementMethod::InvitedTender,
                &[
                    C::SubmitForApproval,
                    C::Approve,
                    C::InviteSuppliers,
                    C::IssueDocuments,
                    C::StartOpening,
                    C::CloseOpening,
                    C::CompleteReview,
                    C::SubmitReport,
                ],
            ),
            (
                ProcurementMethod::CompetitiveNegotiation,
                &[
                    C::InviteSuppliers,
                    C::IssueDocuments,
                    C::StartNegotiation,
                    C::RequestFinalOffers,
                    C::CloseFinalOffers,
                    C::SubmitReport,
                ],
            ),
            (
                ProcurementMethod::CompetitiveConsultation,
                &[
                    C::InviteSuppliers,
                    C::IssueDocuments,
                    C::StartNegotiation,
                    C::RequestFinalOffers,
                    C::CloseFinalOffers,
                    C::SubmitReport,
                ],
            ),
            (ProcurementMethod::Inquiry, &[C::InviteSuppliers, C::IssueDocuments, C::CloseResponses, C::SubmitReport]),
            (ProcurementMethod::FrameworkAgreement, &[C::PublishNotice, C::CloseResponses, C::SubmitReport]),
        ];
        for (method, path) in paths {
            let steps: Vec<ProcurementCommand> = path.iter().chain(&tail).copied().collect();
            assert_eq!(walk(method, &steps), S::Accepted, "{method:?}");
        }
        let single = [
            C::StartPublicity,
            C::ClosePublicity,
            C::Approve,
            C::StartNegotiation,
            C::DetermineWinner,
            C::PublishResult,
            C::SignContract,
        ];
        assert_eq!(walk(ProcurementMethod::SingleSource, &single), S::Contracted);
        assert_eq!(
            transition(ProcurementMethod::FrameworkAgreement, S::Contracted, C::CallOff).map(|l| l.to),
            Ok(S::Contracted)
        );
    }

    #[test]
    fn methods_refuse_steps_they_do_not_have() {
        // An inquiry has no negotiation and no opening; an open tender needs no approval.
        assert!(transition(ProcurementMethod::Inquiry, S::Bidding, C::StartNegotiation).is_err());
        assert!(transition(ProcurementMethod::Inquiry, S::Bidding, C::StartOpening).is_err());
        let refused =
            transition(ProcurementMethod::OpenTender, S::Planned, C::SubmitForApproval).expect_err("no approval");
        assert_eq!(refused.to_string(), "公开招标项目当前状态为“采购实施计划已备案”，不能报请批准采购方式");
        assert_eq!(refused.code(), "procurement_invalid_transition");
        for state in [S::Failed, S::Terminated, S::Accepted] {
            for method in ProcurementMethod::ALL {
                assert!(transition(method, state, C::Terminate).is_err(), "{method:?} {state:?}");
            }
        }
        assert_eq!(
            return_to(ProcurementMethod::Inquiry, S::Suspended, C::Resume, S::Bidding).map(|l| l.to),
            Ok(S::Bidding)
        );
        assert!(return_to(ProcurementMethod::Inquiry, S::Suspended, C::Resume, S::Opening).is_err());
        assert!(return_to(ProcurementMethod::OpenTender, S::Suspended, C::Terminate, S::Bidding).is_err());
        assert_eq!(
            return_to(ProcurementMethod::OpenTender, S::ContractHeld, C::ReleaseContract, S::Contracted).map(|l| l.to),
            Ok(S::Contracted)
        );
    }
}

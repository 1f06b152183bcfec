//! The record of the committee's work on a lot (评标过程记录): each member's sign-in with the
//! avoidance declaration, votes for the chair, signed score sheets, requests for more time, the
//! principal's extension, clarifications asked of bidders and their answers, the chair's draft
//! report and the members' signatures on it. One event type on the lot's stream
//! ([`crate::events::Event::EvaluationWork`]) carries them all, each act named by its variant.

use serde::{Deserialize, Serialize};

use crate::events::{EvaluationDetails, RejectedDetails};

/// One act of the committee's work on a lot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationWork {
    /// Tender.
    pub tender_id: String,
    /// Lot.
    pub lot_id: String,
    /// What was done.
    pub act: EvaluationAct,
}

/// What a member, the chair, the principal or a bidder did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EvaluationAct {
    /// A member signed in and declared that no ground for avoidance applies (回避承诺); the
    /// certificate their later signatures verify under.
    MemberSignedIn {
        /// Member id (the expert id, or the representative's name).
        member: String,
        /// The member's SM2 certificate, PEM.
        certificate_pem: String,
        /// The declaration as made.
        declaration: String,
    },
    /// A member's vote for the chair (the latest vote of a member counts).
    ChairVoted {
        /// Voter.
        member: String,
        /// The member voted for.
        candidate: String,
    },
    /// A member's score sheet, signed (replaces an earlier sheet of the same member).
    ScoresSigned {
        /// Member.
        member: String,
        /// The scores.
        scores: Vec<ScoreDetails>,
        /// SM2 signature (DER, hex) over the sheet's canonical bytes (`docs/evaluation.md`).
        signature_hex: String,
    },
    /// A member finds the time too short (条例 第四十八条第二款).
    MoreTimeRequested {
        /// Member.
        member: String,
        /// Why.
        reason: String,
    },
    /// The principal extended the evaluation time.
    TimeExtended {
        /// The new end, UTC ms.
        until_ms: i64,
        /// Why, as the principal wrote it.
        reason: String,
    },
    /// The committee asked a bidder to clarify (条例 第五十二条).
    ClarificationRequested {
        /// Id within the lot (`1`, `2`, ...).
        clarification_id: String,
        /// The bidder asked.
        bidder_credit_code: String,
        /// The question, in writing.
        question: String,
    },
    /// The bidder's written answer.
    ClarificationAnswered {
        /// Id.
        clarification_id: String,
        /// The answer.
        answer: String,
    },
    /// The chair's draft of the report, computed from the signed score sheets and the review.
    ReportDrafted {
        /// The outcome the report states.
        outcome: DraftOutcome,
        /// SM3 of the outcome's canonical JSON, hex: what the members sign.
        report_sm3_hex: String,
        /// Scores far from the other members' (评分畸高畸低), flagged to the committee and supervision.
        outliers: Vec<OutlierDetails>,
    },
    /// A member signed the draft, agreeing or with a written dissent.
    ReportSigned {
        /// Member.
        member: String,
        /// The draft signed.
        report_sm3_hex: String,
        /// Whether the member agrees.
        agree: bool,
        /// The dissent and its reasons, in writing.
        dissent: Option<String>,
        /// SM2 signature (DER, hex) over the signing bytes (`docs/evaluation.md`).
        signature_hex: String,
    },
    /// The chair closed the report: every member's stance, silence counting as agreement.
    ReportClosed {
        /// The draft closed.
        report_sm3_hex: String,
        /// Each member's stance.
        stances: Vec<StanceDetails>,
    },
}

impl EvaluationAct {
    /// The act's name, as the event type of the log.
    pub fn name(&self) -> &'static str {
        match self {
            EvaluationAct::MemberSignedIn { .. } => "EvaluationMemberSignedIn",
            EvaluationAct::ChairVoted { .. } => "EvaluationChairVoted",
            EvaluationAct::ScoresSigned { .. } => "EvaluationScoresSigned",
            EvaluationAct::MoreTimeRequested { .. } => "EvaluationMoreTimeRequested",
            EvaluationAct::TimeExtended { .. } => "EvaluationTimeExtended",
            EvaluationAct::ClarificationRequested { .. } => "EvaluationClarificationRequested",
            EvaluationAct::ClarificationAnswered { .. } => "EvaluationClarificationAnswered",
            EvaluationAct::ReportDrafted { .. } => "EvaluationReportDrafted",
            EvaluationAct::ReportSigned { .. } => "EvaluationReportSigned",
            EvaluationAct::ReportClosed { .. } => "EvaluationReportClosed",
        }
    }
}

/// One score of a member's sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreDetails {
    /// Bidder.
    pub bidder_credit_code: String,
    /// Criterion id of the documents' table.
    pub criterion: String,
    /// Hundredths of a point.
    pub centipoints: i64,
}

/// What the draft report states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DraftOutcome {
    /// Ranked candidates.
    Reported(EvaluationDetails),
    /// No bid stands: the lot fails.
    Failed {
        /// Why, citing the article.
        reason: String,
        /// The rejected bids.
        rejected: Vec<RejectedDetails>,
    },
}

/// A flagged score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutlierDetails {
    /// The member.
    pub member: String,
    /// Bidder.
    pub bidder_credit_code: String,
    /// Criterion.
    pub criterion: String,
    /// The score, hundredths of a point.
    pub centipoints: i64,
    /// The other members' mean, hundredths of a point.
    pub others_mean_centipoints: i64,
}

/// A member's stance on the closed report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StanceDetails {
    /// Member.
    pub member: String,
    /// `agrees`, `dissents` or `deemed_to_agree`.
    pub stance: String,
    /// The dissent, when there is one.
    pub dissent: Option<String>,
}

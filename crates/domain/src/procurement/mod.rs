//! Government procurement (政府采购, RULES.md §2): the methods and when each may be used, the
//! procedure of each method as a transition table, evaluation (lowest evaluated price and
//! comprehensive scoring with the statutory price formula, SME deductions, ties, abnormally low
//! prices), the committee and group sizes, the minimum numbers of suppliers, and the clocks of
//! questions, objections and complaints (询问、质疑、投诉).
//!
//! Everything here is pure and reads its numbers from the pinned `gov_procurement` ruleset through
//! [`ProcurementRules`]; regions override only the thresholds (政府采购法 第八条、第二十七条).
//!
//! Where each part lives:
//!
//! - [`ProcurementMethod`], [`ItemCategory`] (`method.rs`); the legal grounds as data, [`GROUNDS`]
//!   (`grounds.rs`); which methods are allowed and what they require, [`decide_method`],
//!   [`method_options`] (`selection.rs`).
//! - The procedure tables, [`transition`] over [`OPEN_TENDER`] … [`FRAMEWORK_AGREEMENT`] and
//!   [`COMMON`] (`state.rs`, `transitions.rs`), on the machinery shared with the tender procedure
//!   ([`crate::transition_table`]).
//! - Evaluation: [`AdjustedPrice`], [`check_price_weight`], [`price_scores`] (`price_score.rs`); the
//!   SME deduction (`sme.rs`); [`rank_lowest_price`], [`rank_comprehensive`], [`break_ties`]
//!   (`ranking.rs`); the abnormally-low-price step [`AbnormallyLowReview`] (`abnormal.rs`).
//! - [`committee_size`], [`check_procurement_committee`] (`committee.rs`); [`supplier_shortfall`]
//!   (`suppliers.rs`); which period governs which step, [`response_period`], [`clarification_period`]
//!   (`periods.rs`); the purchaser's award clock, [`award_decision_status`] (`award.rs`); the
//!   询问/质疑/投诉 clocks (`objection.rs`).
//!
//! Money is [`crate::Fen`], points are [`crate::evaluation::Centipoints`]; no floats anywhere, and the
//! one rounding rule of the evaluation module (half up, once, at the hundredth of a point).

mod abnormal;
mod award;
mod committee;
mod grounds;
mod method;
mod objection;
mod periods;
mod price_score;
mod procedure;
#[cfg(test)]
mod procedure_props;
#[cfg(test)]
mod props;
mod ranking;
mod rules;
mod selection;
mod sme;
mod state;
mod suppliers;
mod transitions;

pub use abnormal::{
    ABNORMALLY_LOW_TRANSITIONS, AbnormallyLowCommand, AbnormallyLowReview, InvalidAbnormallyLowStep,
    abnormally_low_transition,
};
pub use award::{AwardDecisionStatus, award_decision_status};
pub use committee::{
    CommitteeSize, ProcurementCommitteeError, ProcurementMember, check_procurement_committee, committee_size,
};
pub use grounds::{GROUNDS, Ground, GroundLine};
pub use method::{ItemCategory, ProcurementMethod};
pub use objection::{
    ObjectionError, ObjectionSubject, check_complaint, check_objection, check_suspension, complaint_answer_deadline,
    complaint_copy_deadline, complaint_deadline, complaint_decision_clock, complaint_review_deadline,
    objection_deadline, objection_reply_deadline, question_reply_deadline,
};
pub use periods::{clarification_period, response_period};
pub use price_score::{
    AdjustedPrice, PriceWeight, WeightError, WeightSetting, base_price, check_price_weight, price_score, price_scores,
};
pub use procedure::{Offer, Procedure, ProcedureFact, ProcedureRefusal, ProcedureTerms, StepRequest, draw_suppliers};
pub use ranking::{CompliantBid, RankedBid, RankingError, TieBreak, break_ties, rank_comprehensive, rank_lowest_price};
pub use rules::{
    CommitteeRules, OVERRIDABLE, ObjectionRules, PeriodRules, PriceWeightRules, ProcurementRules, RulesError, SmeRules,
    SupplierRules, Thresholds,
};
pub use selection::{
    AddOn, MethodDecision, MethodError, MethodOption, MethodRequest, Requirement, Scope, decide_method, method_options,
    open_tender_threshold,
};
pub use sme::{
    DeductionRates, SmeClaim, SmeError, SmeReservation, adjusted_price, check_deduction_rates, sme_deduction,
    sme_reservation,
};
pub use state::{ProcurementCommand, ProcurementState};
pub use suppliers::{Fallback, Shortfall, SupplierFacts, SupplierStage, supplier_shortfall};
pub use transitions::{
    COMMON, COMPETITIVE_CONSULTATION, COMPETITIVE_NEGOTIATION, FRAMEWORK_AGREEMENT, INQUIRY, INVITED_TENDER,
    InvalidProcurementTransition, OPEN_TENDER, ProcurementTransition, SINGLE_SOURCE, return_to, table, transition,
};

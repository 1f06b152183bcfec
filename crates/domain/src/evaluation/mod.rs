//! Evaluation (评标): the committee's composition, the rejection grounds, the two evaluation
//! methods, the ranking and report, the award decision and the caps on the security amounts.
//!
//! The steps, in the order the committee and the principal take them, and where each lives:
//!
//! 1. The committee is checked before it starts ([`check_committee`], 招标投标法 第三十七条).
//! 2. Bids that fail the preliminary review are rejected on one of the seven grounds of
//!    招标投标法实施条例 第五十一条 ([`RejectionGround`]). A price that looks abnormally low is only
//!    *flagged* ([`abnormally_low`], [`below_reference_price`]): the committee then asks the bidder
//!    for a written explanation, and rejects the bid as "below cost" (第五十一条第（五）项) only if the
//!    bidder cannot justify the price.
//! 3. The remaining bids are evaluated with the method the tender documents name (条例 第四十九条):
//!    lowest evaluated price ([`evaluate_lowest_price`], 招标投标法 第四十一条第（二）项) or
//!    comprehensive scoring ([`evaluate_comprehensive`] with a [`ScoringTable`], 第四十一条第（一）项).
//! 4. The result is a ranked list and at most `candidates_max` candidates ([`EvaluationReport`],
//!    条例 第五十三条), or a failed evaluation when no bid stands ([`EvaluationOutcome::Failed`],
//!    招标投标法 第四十二条).
//! 5. Supervision looks for scores far from the other members' ([`outlier_scores`]).
//! 6. The principal picks the winner from the candidates ([`decide_award`], 招标投标法 第四十条,
//!    条例 第五十五条). A candidate whose circumstances change materially is re-checked by the
//!    original committee before the award letter (条例 第五十六条); that is a new evaluation step
//!    for the caller, not a decision made here.
//!
//! Choices made once for the whole module (each is repeated where it is implemented):
//!
//! - **No floats.** Money is [`Fen`]; points are [`Centipoints`] (hundredths of a point); ratios
//!   are compared by cross-multiplication in `i128`.
//! - **Rounding** happens in one function, `round_half_up`: a criterion's score (the mean of the
//!   members' scores) and the price score are each rounded half up to the hundredth of a point,
//!   and a bid's total is the exact sum of those rounded parts, so the report adds up.
//! - **Ties** are broken by: the method's key (evaluated price ascending, or total score
//!   descending), then the lower evaluated price, then the lower bid price, then the earlier
//!   receipt time, then the bidder id. Bidder ids are unique, so every rank is distinct.
//! - **Statutory numbers** (committee size, experts' share, number of candidates, deposit caps)
//!   are parameters read from the pinned ruleset by the caller; nothing here hard-codes them.

mod abnormal;
mod award;
mod committee;
mod deposit;
mod error;
mod method;
mod outlier;
mod ranking;
mod rejection;
mod scoring;
mod workspace;

pub use abnormal::{abnormally_low, below_reference_price};
pub use award::{
    AwardBasis, AwardChoice, AwardDecision, AwardError, AwardOption, Dropout, DropoutGround, decide_award,
};
pub use committee::{CommitteeError, CommitteeMember, MemberKind, check_committee};
pub use deposit::{DepositError, check_bid_deposit, check_performance_bond};
pub use error::EvaluationError;
pub use method::{Method, evaluate_comprehensive, evaluate_lowest_price};
pub use outlier::{OutlierScore, outlier_scores};
pub use ranking::{
    BidScores, CriterionScore, EvaluationOutcome, EvaluationReport, FailureReason, RankedBid, RankingRules, RejectedBid,
};
pub use rejection::RejectionGround;
pub use scoring::{
    BenchmarkPrice, Centipoints, Criterion, CriterionKind, MemberScore, PriceFormula, ScoringTable, ScoringTableError,
};
pub use workspace::{
    Stance, WorkspaceError, WorkspaceState, check_score_sheet, elected_chair, extension_required, stances,
};

use crate::Fen;

/// A bid (投标文件) as the committee evaluates it: the price read out at opening, plus what the
/// committee recorded about it (rejection grounds, price adjustments).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bid {
    /// The bidder's identifier (its 统一社会信用代码 in practice); unique within one evaluation.
    pub bidder: String,
    /// The bid price (投标报价) as read out at opening.
    pub price: Fen,
    /// When the platform received the bid (UTC milliseconds); used only to break ties.
    pub received_at_ms: i64,
    /// The grounds on which the committee rejected the bid (否决投标); empty when the bid stands.
    pub rejections: Vec<RejectionGround>,
    /// Adjustments the committee recorded under the formula of the tender documents (a missing
    /// item priced in, a deviation charged, ...); the evaluated price is the bid price plus these.
    pub adjustments: Vec<PriceAdjustment>,
}

impl Bid {
    /// A bid that stands, with no adjustments.
    pub fn new(bidder: impl Into<String>, price: Fen, received_at_ms: i64) -> Bid {
        Bid { bidder: bidder.into(), price, received_at_ms, rejections: Vec::new(), adjustments: Vec::new() }
    }

    /// Whether the committee rejected the bid on at least one ground.
    pub fn is_rejected(&self) -> bool {
        !self.rejections.is_empty()
    }

    /// The evaluated price (经评审的投标价格): the bid price plus every adjustment; `None` if the
    /// sum does not fit in an `i64` of fen.
    pub fn evaluated_price(&self) -> Option<Fen> {
        self.adjustments.iter().try_fold(self.price, |sum, adjustment| sum.checked_add(adjustment.amount))
    }
}

/// One price adjustment the committee recorded for a bid (positive: the bid costs the principal
/// more than its price says; negative: less).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriceAdjustment {
    /// The amount added to the bid price.
    pub amount: Fen,
    /// Why, as the committee wrote it (shown in the evaluation report).
    pub reason: String,
}

/// `num / den` rounded to the nearest integer, halves rounded up (towards +∞).
///
/// This is the one place where evaluation rounds: the mean of the members' scores on a criterion
/// and the price score are exact fractions of a hundredth of a point, and each is rounded here
/// once. `den` must be positive (every caller divides by a count or a positive price); the
/// remainder form avoids overflowing on `2 * num`.
pub(crate) fn round_half_up(num: i128, den: i128) -> i128 {
    debug_assert!(den > 0, "round_half_up needs a positive denominator, got {den}");
    let quotient = num.div_euclid(den);
    let remainder = num.rem_euclid(den);
    if remainder >= den - remainder { quotient + 1 } else { quotient }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_half_up() {
        let cases = [(5, 2, 3), (4, 2, 2), (7, 3, 2), (8, 3, 3), (-5, 2, -2), (-7, 3, -2), (0, 7, 0), (1, 3, 0)];
        for (num, den, expected) in cases {
            assert_eq!(round_half_up(num, den), expected, "{num}/{den}");
        }
    }

    #[test]
    fn evaluated_price_adds_adjustments() {
        let mut bid = Bid::new("A", Fen(100_000), 0);
        bid.adjustments.push(PriceAdjustment { amount: Fen(2_500), reason: "缺项补齐".to_owned() });
        bid.adjustments.push(PriceAdjustment { amount: Fen(-500), reason: "付款条件优惠".to_owned() });
        assert_eq!(bid.evaluated_price(), Some(Fen(102_000)));
        bid.adjustments.push(PriceAdjustment { amount: Fen(i64::MAX), reason: String::new() });
        assert_eq!(bid.evaluated_price(), None);
    }
}

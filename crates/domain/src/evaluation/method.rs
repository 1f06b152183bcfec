//! The two evaluation methods of 招标投标法 第四十一条, from the bids (with the committee's
//! rejections and price adjustments) to the ranked report.
//!
//! - Lowest evaluated price (经评审的最低投标价法, 第四十一条第（二）项): the evaluated price is the
//!   bid price plus the adjustments the committee recorded under the documents' formula; the
//!   lowest evaluated price ranks first. A bid below cost never gets here: it was rejected on
//!   条例 第五十一条第（五）项 after the explanation step (see [`super::abnormally_low`]).
//! - Comprehensive scoring (综合评估法, 第四十一条第（一）项): each bid's total is its price score
//!   (from the [`PriceFormula`](super::PriceFormula) over the evaluated prices of the bids that
//!   stand) plus the members' mean score on every other criterion of the [`ScoringTable`]; the
//!   highest total ranks first.
//!
//! Both use only the criteria the tender documents set (条例 第四十九条) and end in the same
//! report (条例 第五十三条).

use std::collections::HashSet;

use super::ranking::report;
use super::scoring::ScoreSheet;
use super::{
    Bid, BidScores, Centipoints, CriterionKind, CriterionScore, EvaluationError, EvaluationOutcome, FailureReason,
    MemberScore, RankedBid, RankingRules, RejectedBid, ScoringTable,
};
use crate::Fen;

/// The evaluation method the tender documents name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// Lowest evaluated price (经评审的最低投标价法).
    LowestEvaluatedPrice,
    /// Comprehensive scoring (综合评估法).
    ComprehensiveScoring,
}

impl Method {
    /// Identifier stored in events and shown by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::LowestEvaluatedPrice => "lowest_evaluated_price",
            Method::ComprehensiveScoring => "comprehensive_scoring",
        }
    }

    /// Parses an identifier.
    pub fn parse(text: &str) -> Option<Method> {
        [Method::LowestEvaluatedPrice, Method::ComprehensiveScoring].into_iter().find(|method| method.as_str() == text)
    }

    /// The Chinese name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Method::LowestEvaluatedPrice => "经评审的最低投标价法",
            Method::ComprehensiveScoring => "综合评估法",
        }
    }

    /// The legal source.
    pub fn article(self) -> &'static str {
        match self {
            Method::LowestEvaluatedPrice => "招标投标法 第四十一条第（二）项",
            Method::ComprehensiveScoring => "招标投标法 第四十一条第（一）项",
        }
    }
}

/// Evaluates by the lowest evaluated price: the bids that stand, ranked by evaluated price
/// ascending (ties: see the ranking's tie rule).
///
/// # Errors
/// Bad `rules`, a bidder with two bids, a bid that stands with an evaluated price that is not
/// positive or does not fit in an `i64`.
pub fn evaluate_lowest_price(bids: &[Bid], rules: RankingRules) -> Result<EvaluationOutcome, EvaluationError> {
    let prepared = match prepare(bids, rules)? {
        Prepared::Failed(outcome) => return Ok(outcome),
        Prepared::Ready(prepared) => prepared,
    };
    let ranking = prepared.standing.iter().map(|&(bid, evaluated_price)| ranked(bid, evaluated_price, None)).collect();
    Ok(EvaluationOutcome::Ranked(report(
        Method::LowestEvaluatedPrice,
        ranking,
        prepared.rejected,
        prepared.candidates_max,
        prepared.valid_bids_min,
    )))
}

/// Evaluates by comprehensive scoring: every bid that stands gets the price score of the
/// `table`'s formula and the mean of the `members`' `scores` on each other criterion; ranked by
/// total descending (ties: see the ranking's tie rule).
///
/// `members` are the committee members who score (all of them, 招标投标法 第三十七条); each must
/// score every bid that stands on every non-price criterion exactly once.
///
/// # Errors
/// Bad `rules`, a bidder with two bids, an evaluated price that is not positive, or a score sheet
/// that is incomplete, out of range or names an unknown member, bidder or criterion.
pub fn evaluate_comprehensive(
    bids: &[Bid],
    table: &ScoringTable,
    members: &[String],
    scores: &[MemberScore],
    rules: RankingRules,
) -> Result<EvaluationOutcome, EvaluationError> {
    let prepared = match prepare(bids, rules)? {
        Prepared::Failed(outcome) => return Ok(outcome),
        Prepared::Ready(prepared) => prepared,
    };
    let sheet = ScoreSheet::new(table, members, scores, bids)?;
    let valid_prices: Vec<Fen> = prepared.standing.iter().map(|&(_, evaluated_price)| evaluated_price).collect();

    let mut ranking = Vec::with_capacity(prepared.standing.len());
    for &(bid, evaluated_price) in &prepared.standing {
        let overflow = || EvaluationError::Overflow { bidder: bid.bidder.clone() };
        let mut criteria = Vec::with_capacity(table.criteria().len());
        let mut total = Centipoints::ZERO;
        for criterion in table.criteria() {
            let points = match criterion.kind {
                CriterionKind::Price => {
                    table.price_formula().score(evaluated_price, &valid_prices, criterion.max).ok_or_else(overflow)?
                }
                CriterionKind::Technical | CriterionKind::Commercial => sheet.mean(&bid.bidder, criterion)?,
            };
            total = Centipoints(total.0.checked_add(points.0).ok_or_else(overflow)?);
            criteria.push(CriterionScore { criterion: criterion.id.clone(), points });
        }
        ranking.push(ranked(bid, evaluated_price, Some(BidScores { criteria, total })));
    }
    Ok(EvaluationOutcome::Ranked(report(
        Method::ComprehensiveScoring,
        ranking,
        prepared.rejected,
        prepared.candidates_max,
        prepared.valid_bids_min,
    )))
}

/// The checks and splits both methods share.
enum Prepared<'a> {
    /// No bid stands: nothing to evaluate.
    Failed(EvaluationOutcome),
    Ready(Ready<'a>),
}

struct Ready<'a> {
    /// The bids that stand, with their evaluated prices, in input order.
    standing: Vec<(&'a Bid, Fen)>,
    rejected: Vec<RejectedBid>,
    candidates_max: usize,
    valid_bids_min: usize,
}

fn prepare(bids: &[Bid], rules: RankingRules) -> Result<Prepared<'_>, EvaluationError> {
    let (candidates_max, valid_bids_min) = rules.counts()?;

    let mut bidders = HashSet::with_capacity(bids.len());
    if let Some(bid) = bids.iter().find(|bid| !bidders.insert(bid.bidder.as_str())) {
        return Err(EvaluationError::DuplicateBidder { bidder: bid.bidder.clone() });
    }

    let mut standing = Vec::with_capacity(bids.len());
    let mut rejected = Vec::new();
    for bid in bids {
        if bid.is_rejected() {
            rejected.push(RejectedBid { bidder: bid.bidder.clone(), grounds: bid.rejections.clone() });
            continue;
        }
        let evaluated_price =
            bid.evaluated_price().ok_or_else(|| EvaluationError::Overflow { bidder: bid.bidder.clone() })?;
        if evaluated_price.0 <= 0 {
            return Err(EvaluationError::EvaluatedPriceNotPositive { bidder: bid.bidder.clone(), evaluated_price });
        }
        standing.push((bid, evaluated_price));
    }

    if standing.is_empty() {
        let reason = if bids.is_empty() { FailureReason::NoBids } else { FailureReason::AllRejected };
        return Ok(Prepared::Failed(EvaluationOutcome::Failed { reason, rejected }));
    }
    Ok(Prepared::Ready(Ready { standing, rejected, candidates_max, valid_bids_min }))
}

fn ranked(bid: &Bid, evaluated_price: Fen, scores: Option<BidScores>) -> RankedBid {
    RankedBid {
        rank: 0, // numbered by `report` after sorting
        bidder: bid.bidder.clone(),
        price: bid.price,
        evaluated_price,
        received_at_ms: bid.received_at_ms,
        scores,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::{PriceAdjustment, RejectionGround};

    const RULES: RankingRules = RankingRules { candidates_max: 3, valid_bids_min: 3 };

    #[test]
    fn adjustments_decide_the_lowest_price() {
        let mut a = Bid::new("A", Fen(100_000), 1);
        a.adjustments.push(PriceAdjustment { amount: Fen(8_000), reason: "缺漏项按最高报价补齐".to_owned() });
        let b = Bid::new("B", Fen(105_000), 2);
        let outcome = evaluate_lowest_price(&[a, b], RULES).expect("valid inputs");
        let report = outcome.report().expect("ranked");
        let order: Vec<(&str, Fen)> =
            report.ranking.iter().map(|bid| (bid.bidder.as_str(), bid.evaluated_price)).collect();
        assert_eq!(order, [("B", Fen(105_000)), ("A", Fen(108_000))]);
        assert!(report.competition_lacking);
    }

    #[test]
    fn failures() {
        assert_eq!(
            evaluate_lowest_price(&[], RULES),
            Ok(EvaluationOutcome::Failed { reason: FailureReason::NoBids, rejected: Vec::new() })
        );
        let mut bid = Bid::new("A", Fen(1), 0);
        bid.rejections.push(RejectionGround::NotQualified);
        let rejected = vec![RejectedBid { bidder: "A".to_owned(), grounds: vec![RejectionGround::NotQualified] }];
        assert_eq!(
            evaluate_lowest_price(&[bid], RULES),
            Ok(EvaluationOutcome::Failed { reason: FailureReason::AllRejected, rejected })
        );
    }

    #[test]
    fn input_errors() {
        let twice = [Bid::new("A", Fen(1), 0), Bid::new("A", Fen(2), 0)];
        assert_eq!(evaluate_lowest_price(&twice, RULES).map_err(|e| e.code()), Err("bid_bidder_duplicate"));
        let free = [Bid::new("A", Fen(0), 0)];
        assert_eq!(evaluate_lowest_price(&free, RULES).map_err(|e| e.code()), Err("evaluated_price_not_positive"));
        let bad_rules = RankingRules { candidates_max: 0, valid_bids_min: 3 };
        assert_eq!(evaluate_lowest_price(&[], bad_rules).map_err(|e| e.code()), Err("evaluation_rule_invalid"));
    }

    #[test]
    fn identifiers_round_trip() {
        for method in [Method::LowestEvaluatedPrice, Method::ComprehensiveScoring] {
            assert_eq!(Method::parse(method.as_str()), Some(method));
        }
    }
}

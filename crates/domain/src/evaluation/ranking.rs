//! Ranking and the evaluation report (评标报告, 招标投标法实施条例 第五十三条): the bids that stand in
//! order, at most `candidates_max` candidates, the rejected bids with their grounds, and whether
//! too few bids stand for real competition.
//!
//! The tie rule: bids are ordered by the method's key (evaluated price ascending for the lowest
//! evaluated price method, total score descending for comprehensive scoring); equal keys are
//! ordered by the lower evaluated price, then the lower bid price, then the earlier receipt time,
//! then the bidder id (byte order). The first two tie-breaks favour the principal's cost, the
//! receipt time rewards the earlier commitment, and the bidder id only makes the order total so
//! that the same inputs always give the same report; bidder ids are unique, so no two bids share
//! a rank.

use std::cmp::Ordering;

use super::{Centipoints, EvaluationError, Method, RejectionGround};
use crate::Fen;

/// The statutory numbers the ranking needs, from the pinned ruleset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RankingRules {
    /// The most candidates the report may name (`candidates_max`, 条例 第五十三条); at least 1.
    pub candidates_max: i64,
    /// Below this many bids that stand, competition is flagged as lacking; at least 0. Practice
    /// uses 3 (评标委员会和评标方法暂行规定 第二十七条: 有效投标不足三个). The ruleset has no rule of
    /// its own for it yet; `bids_min` (招标投标法 第二十八条) carries the same number.
    pub valid_bids_min: i64,
}

impl RankingRules {
    /// The two numbers as counts, or the first that makes no sense.
    pub(super) fn counts(self) -> Result<(usize, usize), EvaluationError> {
        let candidates_max = usize::try_from(self.candidates_max).ok().filter(|&max| max >= 1).ok_or_else(|| {
            EvaluationError::RuleInvalid { rule: "candidates_max", value: self.candidates_max.to_string() }
        })?;
        let valid_bids_min = usize::try_from(self.valid_bids_min).map_err(|_| EvaluationError::RuleInvalid {
            rule: "valid_bids_min",
            value: self.valid_bids_min.to_string(),
        })?;
        Ok((candidates_max, valid_bids_min))
    }
}

/// A bid's score on one criterion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CriterionScore {
    /// The criterion's identifier.
    pub criterion: String,
    /// The points: the formula's result for the price criterion, the members' mean otherwise.
    pub points: Centipoints,
}

/// A bid's scores under comprehensive scoring.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BidScores {
    /// One score per criterion, in the table's order (the price criterion included).
    pub criteria: Vec<CriterionScore>,
    /// The sum of `criteria`.
    pub total: Centipoints,
}

/// A bid that stands, with its place in the ranking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RankedBid {
    /// 1-based rank; distinct for every bid (see the tie rule in the module documentation).
    pub rank: usize,
    /// The bidder.
    pub bidder: String,
    /// The bid price read out at opening.
    pub price: Fen,
    /// The bid price plus the committee's adjustments.
    pub evaluated_price: Fen,
    /// When the bid was received (UTC milliseconds).
    pub received_at_ms: i64,
    /// The scores, under comprehensive scoring; `None` under the lowest evaluated price method.
    pub scores: Option<BidScores>,
}

/// A rejected bid and why (recorded in the report).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RejectedBid {
    /// The bidder.
    pub bidder: String,
    /// The grounds (招标投标法实施条例 第五十一条).
    pub grounds: Vec<RejectionGround>,
}

/// The evaluation report's result part (评标报告, 招标投标法实施条例 第五十三条).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvaluationReport {
    /// The method used.
    pub method: Method,
    /// The recommended candidates (中标候选人), in order: the first `candidates_max` of `ranking`.
    pub candidates: Vec<RankedBid>,
    /// Every bid that stands, in order.
    pub ranking: Vec<RankedBid>,
    /// The rejected bids, in input order.
    pub rejected: Vec<RejectedBid>,
    /// Fewer bids stand than `valid_bids_min`. The committee may then reject all bids as lacking
    /// competition, and the tender is re-run; or it may recommend candidates. That is the
    /// committee's judgment, so the report only raises the question.
    pub competition_lacking: bool,
}

impl EvaluationReport {
    /// The legal source of the committee's choice when [`EvaluationReport::competition_lacking`]
    /// is set.
    pub const COMPETITION_LACKING_ARTICLE: &'static str =
        "评标委员会和评标方法暂行规定 第二十七条；招标投标法 第四十二条";
}

/// Why no bid could be ranked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FailureReason {
    /// There was no bid to evaluate.
    NoBids,
    /// Every bid was rejected.
    AllRejected,
}

impl FailureReason {
    /// Identifier stored in events and shown by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureReason::NoBids => "no_bids",
            FailureReason::AllRejected => "all_rejected",
        }
    }

    /// Parses an identifier.
    pub fn parse(text: &str) -> Option<FailureReason> {
        [FailureReason::NoBids, FailureReason::AllRejected].into_iter().find(|reason| reason.as_str() == text)
    }

    /// The Chinese description shown to users.
    pub fn label(self) -> &'static str {
        match self {
            FailureReason::NoBids => "没有参加评审的投标",
            FailureReason::AllRejected => "所有投标均被否决",
        }
    }

    /// The legal source: a 依法必须招标 project whose bids were all rejected is tendered again.
    pub fn article(self) -> &'static str {
        "招标投标法 第四十二条"
    }
}

/// What an evaluation ends with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EvaluationOutcome {
    /// At least one bid stands: the report with its ranking and candidates.
    Ranked(EvaluationReport),
    /// No bid stands; the tender fails (流标) and is re-run (招标投标法 第四十二条).
    Failed {
        /// Why.
        reason: FailureReason,
        /// The rejected bids with their grounds (for the record).
        rejected: Vec<RejectedBid>,
    },
}

impl EvaluationOutcome {
    /// The report, when bids were ranked.
    pub fn report(&self) -> Option<&EvaluationReport> {
        match self {
            EvaluationOutcome::Ranked(report) => Some(report),
            EvaluationOutcome::Failed { .. } => None,
        }
    }
}

/// Orders the bids by [`compare`], numbers them, and cuts the candidate list.
pub(super) fn report(
    method: Method,
    mut ranking: Vec<RankedBid>,
    rejected: Vec<RejectedBid>,
    candidates_max: usize,
    valid_bids_min: usize,
) -> EvaluationReport {
    ranking.sort_by(|a, b| compare(method, a, b));
    for (index, bid) in ranking.iter_mut().enumerate() {
        bid.rank = index + 1;
    }
    let candidates = ranking.iter().take(candidates_max).cloned().collect();
    let competition_lacking = ranking.len() < valid_bids_min;
    EvaluationReport { method, candidates, ranking, rejected, competition_lacking }
}

/// The ranking order, tie rule included (see the module documentation).
fn compare(method: Method, a: &RankedBid, b: &RankedBid) -> Ordering {
    let key = match method {
        Method::LowestEvaluatedPrice => a.evaluated_price.cmp(&b.evaluated_price),
        // Descending: `b` before `a`. Every bid ranked under this method has scores.
        Method::ComprehensiveScoring => total(b).cmp(&total(a)),
    };
    key.then(a.evaluated_price.cmp(&b.evaluated_price))
        .then(a.price.cmp(&b.price))
        .then(a.received_at_ms.cmp(&b.received_at_ms))
        .then_with(|| a.bidder.cmp(&b.bidder))
}

fn total(bid: &RankedBid) -> Option<Centipoints> {
    bid.scores.as_ref().map(|scores| scores.total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranked(bidder: &str, price: i64, evaluated: i64, at: i64, total: Option<i64>) -> RankedBid {
        RankedBid {
            rank: 0,
            bidder: bidder.to_owned(),
            price: Fen(price),
            evaluated_price: Fen(evaluated),
            received_at_ms: at,
            scores: total.map(|total| BidScores { criteria: Vec::new(), total: Centipoints(total) }),
        }
    }

    fn order(method: Method, bids: Vec<RankedBid>) -> Vec<String> {
        report(method, bids, Vec::new(), 10, 0).ranking.into_iter().map(|bid| bid.bidder).collect()
    }

    #[test]
    fn lowest_price_tie_rule() {
        let bids = vec![
            ranked("E", 100, 100, 5, None),
            ranked("D", 90, 100, 5, None),  // same evaluated price, lower bid price
            ranked("C", 100, 100, 1, None), // same prices as E, received earlier
            ranked("B", 100, 100, 1, None), // same as C in everything but the id
            ranked("A", 200, 99, 9, None),
        ];
        assert_eq!(order(Method::LowestEvaluatedPrice, bids), ["A", "D", "B", "C", "E"]);
    }

    #[test]
    fn comprehensive_tie_rule() {
        let bids = vec![
            ranked("A", 100, 100, 1, Some(8_000)),
            ranked("B", 100, 100, 1, Some(9_000)),
            ranked("C", 100, 95, 1, Some(8_000)), // same total as A, lower evaluated price
            ranked("D", 100, 100, 0, Some(8_000)), // same as A, received earlier
        ];
        assert_eq!(order(Method::ComprehensiveScoring, bids), ["B", "C", "D", "A"]);
    }

    #[test]
    fn candidates_and_competition() {
        let bids = vec![ranked("A", 1, 1, 0, None), ranked("B", 2, 2, 0, None)];
        let report = report(Method::LowestEvaluatedPrice, bids, Vec::new(), 1, 3);
        assert_eq!(report.candidates.len(), 1);
        assert_eq!(report.candidates[0].rank, 1);
        assert_eq!(report.ranking[1].rank, 2);
        assert!(report.competition_lacking);
    }

    #[test]
    fn rules_must_be_counts() {
        let rules = |candidates_max, valid_bids_min| RankingRules { candidates_max, valid_bids_min }.counts();
        assert_eq!(rules(3, 3), Ok((3, 3)));
        assert_eq!(rules(0, 3).map_err(|error| error.code()), Err("evaluation_rule_invalid"));
        assert_eq!(rules(3, -1).map_err(|error| error.code()), Err("evaluation_rule_invalid"));
    }
}

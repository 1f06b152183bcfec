//! Comprehensive scoring (综合评估法, 招标投标法 第四十一条第（一）项): the scoring table of the tender
//! documents, the price-score formula and the members' scores.
//!
//! Points are kept exact as [`Centipoints`] (hundredths of a point). Each committee member scores
//! every non-price criterion of every bid that stands; the bid's score on a criterion is the mean
//! of the members' scores, rounded half up to the hundredth once (`round_half_up`). The price
//! criterion is not scored by hand but computed by the [`PriceFormula`].
//!
//! Price formula (the documents choose the benchmark price and the two penalty factors):
//!
//! ```text
//! score = max × (1 − k × |p − base| / base), floored at 0
//! ```
//!
//! where `p` is the bid's evaluated price, `base` the benchmark price (评标基准价): the lowest
//! evaluated price of the bids that stand ([`BenchmarkPrice::LowestValid`], the default) or their
//! arithmetic mean ([`BenchmarkPrice::AverageValid`]), and `k` the penalty factor for prices above the
//! base or for prices below it, given in basis points (`k = bp / 10 000`; 20 000 bp deducts twice the
//! relative deviation: 10% above the base keeps 80% of the points). The base is never the
//! reference price (标底): 条例 第五十条 forbids making closeness to it a condition of winning.

use std::collections::{HashMap, HashSet};
use std::fmt;

use super::{Bid, EvaluationError, round_half_up};
use crate::Fen;

const TABLE_ARTICLE: &str = "招标投标法实施条例 第四十九条";

/// Points in hundredths of a point (分 to two decimals): `Centipoints(1234)` is 12.34 分.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Centipoints(pub i64);

impl Centipoints {
    /// No points.
    pub const ZERO: Centipoints = Centipoints(0);

    /// Whole points; `None` on overflow.
    pub fn from_points(points: i64) -> Option<Centipoints> {
        points.checked_mul(100).map(Centipoints)
    }
}

impl fmt::Display for Centipoints {
    /// Points with two decimals: `12.34`, `-0.05`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// What a criterion assesses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CriterionKind {
    /// The price (价格分), computed by the [`PriceFormula`]; exactly one per table.
    Price,
    /// Technical merit (技术分): method statement, schedule, quality and safety measures, ...
    Technical,
    /// Commercial and other factors (商务分): experience, staff, credit, ...
    Commercial,
}

impl CriterionKind {
    /// Identifier stored with the table.
    pub fn as_str(self) -> &'static str {
        match self {
            CriterionKind::Price => "price",
            CriterionKind::Technical => "technical",
            CriterionKind::Commercial => "commercial",
        }
    }

    /// Parses an identifier.
    pub fn parse(text: &str) -> Option<CriterionKind> {
        [CriterionKind::Price, CriterionKind::Technical, CriterionKind::Commercial]
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }

    /// The Chinese name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            CriterionKind::Price => "价格",
            CriterionKind::Technical => "技术",
            CriterionKind::Commercial => "商务及其他",
        }
    }
}

/// One line of the scoring table (评分项).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Criterion {
    /// Stable identifier, unique within the table.
    pub id: String,
    /// The name printed in the documents and the report (Chinese).
    pub name: String,
    /// The most points a bid can get on it.
    pub max: Centipoints,
    /// Price, technical or commercial.
    pub kind: CriterionKind,
}

/// How the benchmark price (评标基准价) of the price formula is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum BenchmarkPrice {
    /// The lowest evaluated price of the bids that stand (the default).
    #[default]
    LowestValid,
    /// The arithmetic mean of the evaluated prices of the bids that stand, kept as an exact
    /// fraction (no rounding to the fen).
    AverageValid,
}

/// The price-score formula: `max × (1 − k × |p − base| / base)`, floored at 0 (see the module
/// documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PriceFormula {
    benchmark: BenchmarkPrice,
    penalty_above_bp: i64,
    penalty_below_bp: i64,
}

impl PriceFormula {
    /// A formula with the given benchmark price and penalty factors in basis points (10 000 bp = a factor of
    /// 1: a price 10% off the base loses 10% of the points).
    ///
    /// # Errors
    /// [`ScoringTableError::PenaltyNegative`] if a factor is negative: a negative penalty would
    /// reward distance from the base and push scores above the maximum.
    pub fn new(
        benchmark: BenchmarkPrice,
        penalty_above_bp: i64,
        penalty_below_bp: i64,
    ) -> Result<PriceFormula, ScoringTableError> {
        if penalty_above_bp < 0 || penalty_below_bp < 0 {
            return Err(ScoringTableError::PenaltyNegative { penalty_above_bp, penalty_below_bp });
        }
        Ok(PriceFormula { benchmark, penalty_above_bp, penalty_below_bp })
    }

    /// How the benchmark price (评标基准价, `base` in the formula) is set.
    pub fn benchmark(&self) -> BenchmarkPrice {
        self.benchmark
    }

    /// Penalty factor for prices above the base, in basis points.
    pub fn penalty_above_bp(&self) -> i64 {
        self.penalty_above_bp
    }

    /// Penalty factor for prices below the base, in basis points.
    pub fn penalty_below_bp(&self) -> i64 {
        self.penalty_below_bp
    }

    /// The price score of `price` on a criterion worth `max`, when the evaluated prices of the bids
    /// that stand are `valid_prices` (which set the base). Always within `0..=max`; the bid whose
    /// price equals the base gets `max`.
    ///
    /// Computed exactly: with the base `num / den` (the lowest price over 1, or the sum over the
    /// count), the score is `max × (10 000 × num − k × |p × den − num|) / (10 000 × num)`, rounded
    /// half up to the hundredth once.
    ///
    /// `None` when there is no valid price, the base is not positive (the formula divides by it),
    /// `max` is negative, or an intermediate product overflows `i128` (only with absurd inputs).
    pub fn score(&self, price: Fen, valid_prices: &[Fen], max: Centipoints) -> Option<Centipoints> {
        let (num, den) = match self.benchmark {
            BenchmarkPrice::LowestValid => (i128::from(valid_prices.iter().min()?.0), 1),
            BenchmarkPrice::AverageValid => {
                // usize -> i128 is lossless.
                (valid_prices.iter().map(|price| i128::from(price.0)).sum(), valid_prices.len() as i128)
            }
        };
        if num <= 0 || den == 0 || max.0 < 0 {
            return None;
        }
        let deviation = i128::from(price.0).checked_mul(den)?.checked_sub(num)?;
        let factor = if deviation > 0 { self.penalty_above_bp } else { self.penalty_below_bp };
        let full = num.checked_mul(10_000)?;
        // A penalty too large to represent is certainly beyond `full`: zero points.
        let penalty = i128::from(factor).saturating_mul(deviation.abs());
        if penalty >= full {
            return Some(Centipoints::ZERO);
        }
        let scaled = i128::from(max.0).checked_mul(full - penalty)?;
        i64::try_from(round_half_up(scaled, full)).ok().map(Centipoints)
    }
}

/// The scoring table of the tender documents (评分标准): its criteria, which add up to 100
/// points with exactly one price criterion, and the price formula.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScoringTable {
    criteria: Vec<Criterion>,
    /// Index of the one price criterion in `criteria`.
    price_index: usize,
    price_formula: PriceFormula,
}

impl ScoringTable {
    /// The total of the criteria's maxima (百分制).
    pub const FULL_MARKS: Centipoints = Centipoints(10_000);

    /// Validates a table.
    ///
    /// # Errors
    /// The first problem found: an empty or duplicate id, a maximum that is not positive, no or
    /// several price criteria, maxima not adding up to [`ScoringTable::FULL_MARKS`].
    pub fn new(criteria: Vec<Criterion>, price_formula: PriceFormula) -> Result<ScoringTable, ScoringTableError> {
        let mut ids = HashSet::with_capacity(criteria.len());
        for criterion in &criteria {
            if criterion.id.trim().is_empty() {
                return Err(ScoringTableError::EmptyId { name: criterion.name.clone() });
            }
            if !ids.insert(criterion.id.as_str()) {
                return Err(ScoringTableError::DuplicateId { id: criterion.id.clone() });
            }
            if criterion.max.0 <= 0 {
                return Err(ScoringTableError::MaxNotPositive { id: criterion.id.clone(), max: criterion.max });
            }
        }
        let price_indices: Vec<usize> =
            (0..criteria.len()).filter(|&i| criteria[i].kind == CriterionKind::Price).collect();
        let price_index = match price_indices.as_slice() {
            [] => return Err(ScoringTableError::NoPriceCriterion),
            [index] => *index,
            several => {
                let ids = several.iter().map(|&i| criteria[i].id.clone()).collect();
                return Err(ScoringTableError::SeveralPriceCriteria { ids });
            }
        };
        // Each maximum is positive and below i64::MAX, so the i128 sum cannot overflow.
        let total: i128 = criteria.iter().map(|criterion| i128::from(criterion.max.0)).sum();
        if total != i128::from(Self::FULL_MARKS.0) {
            let total = Centipoints(i64::try_from(total).unwrap_or(i64::MAX));
            return Err(ScoringTableError::TotalNot100 { total });
        }
        Ok(ScoringTable { criteria, price_index, price_formula })
    }

    /// The criteria, in the documents' order.
    pub fn criteria(&self) -> &[Criterion] {
        &self.criteria
    }

    /// The criterion with this id.
    pub fn criterion(&self, id: &str) -> Option<&Criterion> {
        self.criteria.iter().find(|criterion| criterion.id == id)
    }

    /// The one price criterion.
    pub fn price_criterion(&self) -> &Criterion {
        // In bounds: `new` found the price criterion at this index and the criteria never change.
        &self.criteria[self.price_index]
    }

    /// The price formula.
    pub fn price_formula(&self) -> &PriceFormula {
        &self.price_formula
    }
}

/// Why a scoring table is refused. All variants share the code `scoring_table_invalid`; the
/// message says which line to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScoringTableError {
    /// A criterion without an identifier.
    #[error("评分项“{name}”缺少编号：请为每个评分项填写唯一编号（{TABLE_ARTICLE}）")]
    EmptyId {
        /// The criterion's name.
        name: String,
    },
    /// Two criteria share an identifier, so scores could not be told apart.
    #[error("评分项编号“{id}”重复：每个评分项的编号应唯一，请修改其中一个（{TABLE_ARTICLE}）")]
    DuplicateId {
        /// The duplicated identifier.
        id: String,
    },
    /// A criterion worth nothing (or less).
    #[error("评分项“{id}”的满分为{max}分：满分应大于0，请修改分值或删除该评分项（{TABLE_ARTICLE}）")]
    MaxNotPositive {
        /// The criterion.
        id: String,
        /// Its maximum.
        max: Centipoints,
    },
    /// No price criterion.
    #[error("评分表没有价格评分项：综合评估法的评分表应设且只设一个价格评分项，请增加价格评分项（{TABLE_ARTICLE}）")]
    NoPriceCriterion,
    /// More than one price criterion.
    #[error("评分表有多个价格评分项（{}）：应只设一个价格评分项，请合并为一项（{TABLE_ARTICLE}）", .ids.join("、"))]
    SeveralPriceCriteria {
        /// The price criteria's identifiers.
        ids: Vec<String>,
    },
    /// The maxima do not add up to 100 points.
    #[error("各评分项满分合计为{total}分，应为{}分：请调整各评分项的分值（{TABLE_ARTICLE}）", ScoringTable::FULL_MARKS)]
    TotalNot100 {
        /// The actual total.
        total: Centipoints,
    },
    /// A negative penalty factor in the price formula.
    #[error(
        "价格分计算公式的扣分系数不能为负数（高于基准价：{penalty_above_bp}个基点，低于基准价：{penalty_below_bp}个基点）：请改为0或正数（{TABLE_ARTICLE}）"
    )]
    PenaltyNegative {
        /// Factor above the base, in basis points.
        penalty_above_bp: i64,
        /// Factor below the base, in basis points.
        penalty_below_bp: i64,
    },
}

impl ScoringTableError {
    /// Stable error code for the API (the same for every table problem).
    pub fn code(&self) -> &'static str {
        "scoring_table_invalid"
    }
}

/// One member's score of one bid on one non-price criterion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberScore {
    /// The committee member who scored (every member scores, experts and principal's
    /// representatives alike).
    pub member: String,
    /// The bidder whose bid was scored.
    pub bidder: String,
    /// The criterion's identifier.
    pub criterion: String,
    /// The score, within `0..=max` of the criterion.
    pub points: Centipoints,
}

/// A validated score sheet: every score names a scoring member, a bidder and a non-price
/// criterion, lies within `0..=max` and is given once.
///
/// Scores of rejected bids are ignored once their member, bidder and criterion are known: a bid
/// rejected in the preliminary review is not scored, but a sheet filled in before the rejection is
/// not an error either.
pub(super) struct ScoreSheet<'a> {
    members: &'a [String],
    /// (member, bidder, criterion) of every counted score.
    given: HashSet<(&'a str, &'a str, &'a str)>,
    /// Sum of the counted scores per (bidder, criterion).
    sums: HashMap<(&'a str, &'a str), i128>,
}

impl<'a> ScoreSheet<'a> {
    /// Checks the members and every score.
    ///
    /// # Errors
    /// No members, a member listed twice, or the first score that names an unknown member,
    /// bidder or criterion, scores the price criterion, is out of range or is given twice.
    pub(super) fn new(
        table: &ScoringTable,
        members: &'a [String],
        scores: &'a [MemberScore],
        bids: &[Bid],
    ) -> Result<ScoreSheet<'a>, EvaluationError> {
        if members.is_empty() {
            return Err(EvaluationError::NoMembers);
        }
        let mut member_set = HashSet::with_capacity(members.len());
        if let Some(member) = members.iter().find(|member| !member_set.insert(member.as_str())) {
            return Err(EvaluationError::DuplicateMember { member: member.clone() });
        }
        let rejected: HashMap<&str, bool> = bids.iter().map(|bid| (bid.bidder.as_str(), bid.is_rejected())).collect();

        let mut given = HashSet::with_capacity(scores.len());
        let mut sums: HashMap<(&str, &str), i128> = HashMap::new();
        for score in scores {
            let names = || (score.member.clone(), score.bidder.clone(), score.criterion.clone());
            if !member_set.contains(score.member.as_str()) {
                let (member, bidder, criterion) = names();
                return Err(EvaluationError::ScoreUnknownMember { member, bidder, criterion });
            }
            let Some(&is_rejected) = rejected.get(score.bidder.as_str()) else {
                let (member, bidder, criterion) = names();
                return Err(EvaluationError::ScoreUnknownBidder { member, bidder, criterion });
            };
            let Some(criterion) = table.criterion(&score.criterion) else {
                let (member, bidder, criterion) = names();
                return Err(EvaluationError::ScoreUnknownCriterion { member, bidder, criterion });
            };
            if criterion.kind == CriterionKind::Price {
                let (member, bidder, criterion) = names();
                return Err(EvaluationError::ScoreOnPriceCriterion { member, bidder, criterion });
            }
            if is_rejected {
                continue;
            }
            if !(0..=criterion.max.0).contains(&score.points.0) {
                let (member, bidder, criterion_id) = names();
                let (points, max) = (score.points, criterion.max);
                return Err(EvaluationError::ScoreOutOfRange { member, bidder, criterion: criterion_id, points, max });
            }
            if !given.insert((score.member.as_str(), score.bidder.as_str(), score.criterion.as_str())) {
                let (member, bidder, criterion) = names();
                return Err(EvaluationError::ScoreDuplicate { member, bidder, criterion });
            }
            *sums.entry((score.bidder.as_str(), score.criterion.as_str())).or_default() += i128::from(score.points.0);
        }
        Ok(ScoreSheet { members, given, sums })
    }

    /// The bid's score on a non-price criterion: the mean of the members' scores, rounded half up
    /// to the hundredth (the one rounding, `round_half_up`).
    ///
    /// # Errors
    /// [`EvaluationError::ScoreMissing`] naming the first member (in committee order) who has not
    /// scored this bid on this criterion.
    pub(super) fn mean(&self, bidder: &str, criterion: &Criterion) -> Result<Centipoints, EvaluationError> {
        if let Some(member) =
            self.members.iter().find(|member| !self.given.contains(&(member.as_str(), bidder, criterion.id.as_str())))
        {
            return Err(EvaluationError::ScoreMissing {
                member: member.clone(),
                bidder: bidder.to_owned(),
                criterion: criterion.id.clone(),
            });
        }
        let sum = self.sums.get(&(bidder, criterion.id.as_str())).copied().unwrap_or(0);
        // usize -> i128 is lossless, and `new` refused an empty committee, so the divisor is
        // positive. The mean of scores within 0..=max lies within 0..=max, so it fits an i64.
        let mean = round_half_up(sum, self.members.len() as i128);
        Ok(Centipoints(i64::try_from(mean).unwrap_or(criterion.max.0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn criterion(id: &str, points: i64, kind: CriterionKind) -> Criterion {
        Criterion { id: id.to_owned(), name: id.to_owned(), max: Centipoints(points * 100), kind }
    }

    fn formula() -> PriceFormula {
        PriceFormula::new(BenchmarkPrice::LowestValid, 10_000, 10_000).expect("valid factors")
    }

    fn table_error(criteria: Vec<Criterion>) -> Option<ScoringTableError> {
        ScoringTable::new(criteria, formula()).err()
    }

    #[test]
    fn centipoints_display() {
        assert_eq!(Centipoints(1234).to_string(), "12.34");
        assert_eq!(Centipoints(5).to_string(), "0.05");
        assert_eq!(Centipoints(-5).to_string(), "-0.05");
        assert_eq!(Centipoints(10_000).to_string(), "100.00");
    }

    #[test]
    fn table_validation() {
        use CriterionKind::{Commercial, Price, Technical};
        let ok = vec![criterion("p", 40, Price), criterion("t", 40, Technical), criterion("c", 20, Commercial)];
        assert!(table_error(ok).is_none());
        assert_eq!(
            table_error(vec![criterion("p", 40, Price), criterion("t", 50, Technical)]),
            Some(ScoringTableError::TotalNot100 { total: Centipoints(9_000) })
        );
        assert_eq!(table_error(vec![criterion("t", 100, Technical)]), Some(ScoringTableError::NoPriceCriterion));
        assert_eq!(
            table_error(vec![criterion("p1", 50, Price), criterion("p2", 50, Price)]),
            Some(ScoringTableError::SeveralPriceCriteria { ids: vec!["p1".to_owned(), "p2".to_owned()] })
        );
        assert_eq!(
            table_error(vec![criterion("p", 50, Price), criterion("p", 50, Technical)]),
            Some(ScoringTableError::DuplicateId { id: "p".to_owned() })
        );
        assert_eq!(
            table_error(vec![criterion("p", 100, Price), criterion("t", 0, Technical)]),
            Some(ScoringTableError::MaxNotPositive { id: "t".to_owned(), max: Centipoints::ZERO })
        );
        assert_eq!(table_error(vec![]), Some(ScoringTableError::NoPriceCriterion));
        let total = ScoringTableError::TotalNot100 { total: Centipoints(9_000) };
        assert_eq!(total.code(), "scoring_table_invalid");
        assert!(total.to_string().contains("合计为90.00分，应为100.00分"), "{total}");
    }

    #[test]
    fn negative_penalties_are_refused() {
        assert!(PriceFormula::new(BenchmarkPrice::LowestValid, -1, 0).is_err());
        assert!(PriceFormula::new(BenchmarkPrice::AverageValid, 0, -1).is_err());
    }

    #[test]
    fn price_score_lowest_base() {
        // Base 100.00 元, factor 2 above: 110 元 is 10% above, so 40 × (1 − 0.2) = 32.
        let formula = PriceFormula::new(BenchmarkPrice::LowestValid, 20_000, 10_000).expect("valid");
        let prices = [Fen(10_000), Fen(11_000), Fen(16_000)];
        let max = Centipoints(4_000);
        assert_eq!(formula.score(Fen(10_000), &prices, max), Some(Centipoints(4_000)));
        assert_eq!(formula.score(Fen(11_000), &prices, max), Some(Centipoints(3_200)));
        // 60% above, factor 2: 1 − 1.2 < 0, floored at 0.
        assert_eq!(formula.score(Fen(16_000), &prices, max), Some(Centipoints::ZERO));
    }

    #[test]
    fn price_score_average_base_is_exact() {
        // Base (100 + 101 + 102) / 3 = 101 元 exactly; factor 1 both ways.
        let formula = PriceFormula::new(BenchmarkPrice::AverageValid, 10_000, 10_000).expect("valid");
        let prices = [Fen(10_000), Fen(10_100), Fen(10_200)];
        let max = Centipoints(3_000);
        assert_eq!(formula.score(Fen(10_100), &prices, max), Some(Centipoints(3_000)));
        // |100 − 101| / 101 = 0.990099%; 30 × (1 − 0.00990099) = 29.70297 → 29.70.
        assert_eq!(formula.score(Fen(10_000), &prices, max), Some(Centipoints(2_970)));
        assert_eq!(formula.score(Fen(10_200), &prices, max), Some(Centipoints(2_970)));
        // Base 100.5 元 (not a whole fen): 100 元 is 0.4975% below; 30 × 0.995025 = 29.85075 → 29.85.
        let two = [Fen(10_000), Fen(10_100)];
        assert_eq!(formula.score(Fen(10_000), &two, max), Some(Centipoints(2_985)));
    }

    #[test]
    fn price_score_refuses_what_it_cannot_compute() {
        let formula = formula();
        assert_eq!(formula.score(Fen(1), &[], Centipoints(100)), None);
        assert_eq!(formula.score(Fen(1), &[Fen(0)], Centipoints(100)), None);
        assert_eq!(formula.score(Fen(1), &[Fen(1)], Centipoints(-1)), None);
    }
}

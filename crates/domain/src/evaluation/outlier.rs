//! Outlying scores (评分畸高畸低): a member whose score of a bid on a criterion is far from the
//! other members' mean. Supervision reviews these (a member may be favouring or punishing a
//! bidder, 招标投标法实施条例 第四十九条 第二款); the flag decides nothing by itself.
//!
//! The rule: with `n ≥ 2` scores of one bid on one criterion summing to `S`, the score `s` is
//! flagged when `|s − (S − s) / (n − 1)| > num / den × max`, compared exactly as
//! `|s × (n − 1) − (S − s)| × den > num × max × (n − 1)`. Strictly greater: a score exactly at the
//! threshold is not flagged. The mean of the others is compared to the criterion's maximum rather
//! than to the others' spread so that a unanimous committee does not turn a one-point difference
//! into a flag.

use std::collections::BTreeMap;

use super::{Centipoints, CriterionKind, EvaluationError, MemberScore, ScoringTable, round_half_up};

/// A score far from the other members' scores of the same bid on the same criterion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutlierScore {
    /// The member who gave it.
    pub member: String,
    /// The bidder scored.
    pub bidder: String,
    /// The criterion.
    pub criterion: String,
    /// The score.
    pub points: Centipoints,
    /// The mean of the other members' scores, rounded half up (for display only; the flag was
    /// decided exactly).
    pub others_mean: Centipoints,
}

/// The scores that differ from the mean of the other members' scores (same bid, same criterion)
/// by more than `fraction = (num, den)` of the criterion's maximum, ordered by bidder, criterion
/// and member. Scores on criteria the table does not have, or on the price criterion, are
/// skipped, as are groups with a single score.
///
/// # Errors
/// [`EvaluationError::RuleInvalid`] if `den ≤ 0` or `num < 0`.
pub fn outlier_scores(
    scores: &[MemberScore],
    table: &ScoringTable,
    fraction: (i64, i64),
) -> Result<Vec<OutlierScore>, EvaluationError> {
    let (num, den) = fraction;
    if den <= 0 || num < 0 {
        return Err(EvaluationError::RuleInvalid { rule: "outlier_fraction", value: format!("{num}/{den}") });
    }
    let (num, den) = (i128::from(num), i128::from(den));

    let mut groups: BTreeMap<(&str, &str), Vec<&MemberScore>> = BTreeMap::new();
    for score in scores {
        groups.entry((score.bidder.as_str(), score.criterion.as_str())).or_default().push(score);
    }

    let mut outliers = Vec::new();
    for ((_, criterion_id), mut group) in groups {
        let Some(criterion) = table.criterion(criterion_id) else { continue };
        if criterion.kind == CriterionKind::Price || group.len() < 2 {
            continue;
        }
        group.sort_by(|a, b| a.member.cmp(&b.member));
        let max = i128::from(criterion.max.0);
        // usize -> i128 is lossless; group.len() ≥ 2, so `others` is positive.
        let others = group.len() as i128 - 1;
        let sum: i128 = group.iter().map(|score| i128::from(score.points.0)).sum();
        for score in group {
            let points = i128::from(score.points.0);
            let rest = sum - points;
            if (points * others - rest).abs() * den > num * max * others {
                // The mean of scores that fit an i64 fits an i64.
                let others_mean = i64::try_from(round_half_up(rest, others)).unwrap_or(i64::MAX);
                outliers.push(OutlierScore {
                    member: score.member.clone(),
                    bidder: score.bidder.clone(),
                    criterion: score.criterion.clone(),
                    points: score.points,
                    others_mean: Centipoints(others_mean),
                });
            }
        }
    }
    Ok(outliers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::{BenchmarkPrice, Criterion, PriceFormula};

    fn table() -> ScoringTable {
        let criterion = |id: &str, points: i64, kind| Criterion {
            id: id.to_owned(),
            name: id.to_owned(),
            max: Centipoints(points * 100),
            kind,
        };
        ScoringTable::new(
            vec![criterion("price", 50, CriterionKind::Price), criterion("tech", 50, CriterionKind::Technical)],
            PriceFormula::new(BenchmarkPrice::LowestValid, 10_000, 10_000).expect("valid"),
        )
        .expect("valid table")
    }

    fn score(member: &str, criterion: &str, points: i64) -> MemberScore {
        MemberScore {
            member: member.to_owned(),
            bidder: "A".to_owned(),
            criterion: criterion.to_owned(),
            points: Centipoints(points * 100),
        }
    }

    #[test]
    fn far_from_the_others() {
        // Others' mean for E5 is 40; 10 is 30 points off, more than 20% of 50 (10 points).
        // For E1 the others' mean is (40 + 40 + 40 + 10) / 4 = 32.5: 7.5 off, not flagged.
        let scores = [
            score("E1", "tech", 40),
            score("E2", "tech", 40),
            score("E3", "tech", 40),
            score("E4", "tech", 40),
            score("E5", "tech", 10),
        ];
        let outliers = outlier_scores(&scores, &table(), (1, 5)).expect("valid fraction");
        assert_eq!(outliers.len(), 1);
        assert_eq!(outliers[0].member, "E5");
        assert_eq!(outliers[0].others_mean, Centipoints(4_000));
    }

    #[test]
    fn exactly_at_the_threshold_is_not_flagged() {
        // Others' mean 40, E3 at 30: 10 points off = exactly 20% of 50.
        let scores = [score("E1", "tech", 40), score("E2", "tech", 40), score("E3", "tech", 30)];
        let flagged: Vec<String> =
            outlier_scores(&scores, &table(), (1, 5)).expect("valid").into_iter().map(|o| o.member).collect();
        // E1's others are (40 + 30) / 2 = 35: 5 off, fine; E3 exactly 10 off: fine.
        assert!(flagged.is_empty(), "{flagged:?}");
    }

    #[test]
    fn skips_what_cannot_be_compared() {
        let scores =
            [score("E1", "price", 0), score("E2", "price", 50), score("E1", "other", 0), score("E2", "other", 50)];
        assert!(outlier_scores(&scores, &table(), (1, 5)).expect("valid").is_empty());
        assert!(outlier_scores(&[score("E1", "tech", 0)], &table(), (0, 1)).expect("valid").is_empty());
        assert!(outlier_scores(&[], &table(), (1, 0)).is_err());
    }
}

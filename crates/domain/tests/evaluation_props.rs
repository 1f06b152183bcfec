//! Properties of evaluation: the ranking never holds a rejected bid, names at most
//! `candidates_max` candidates and keeps the method's order; the committee check accepts exactly
//! the odd sizes at or above the minimum with enough experts; the price score stays within
//! `0..=max` and the bid at the base price gets full points.

use std::collections::HashSet;

use ggzy_domain::Fen;
use ggzy_domain::evaluation::{
    BenchmarkPrice, Bid, Centipoints, CommitteeMember, Criterion, CriterionKind, EvaluationOutcome, EvaluationReport,
    FailureReason, MemberKind, MemberScore, PriceAdjustment, PriceFormula, RankingRules, RejectionGround, ScoringTable,
    check_committee, evaluate_comprehensive, evaluate_lowest_price,
};
use proptest::prelude::*;

/// (price in fen, adjustment in fen, received at, rejection ground index or none)
type RawBid = (i64, i64, i64, Option<usize>);

fn raw_bids() -> impl Strategy<Value = Vec<RawBid>> {
    prop::collection::vec(
        (1i64..=10_000_000_000, -1_000_000i64..=1_000_000, 0i64..20, prop::option::weighted(0.3, 0usize..7)),
        0..12,
    )
}

fn bids(raw: &[RawBid]) -> Vec<Bid> {
    raw.iter()
        .enumerate()
        .map(|(i, &(price, adjustment, received_at_ms, ground))| {
            // Keep the evaluated price positive, as a committee's adjustment would.
            let adjustment = adjustment.max(1 - price);
            let mut bid = Bid::new(format!("B{i:02}"), Fen(price), received_at_ms);
            bid.adjustments.push(PriceAdjustment { amount: Fen(adjustment), reason: String::new() });
            bid.rejections.extend(ground.map(|index| RejectionGround::ALL[index]));
            bid
        })
        .collect()
}

fn rules() -> impl Strategy<Value = RankingRules> {
    (1i64..6, 0i64..6).prop_map(|(candidates_max, valid_bids_min)| RankingRules { candidates_max, valid_bids_min })
}

/// A table of price, technical and commercial criteria whose maxima add up to 100 points.
fn table() -> impl Strategy<Value = ScoringTable> {
    (1i64..=9_998, 1i64..=9_998, prop::bool::ANY, 0i64..=40_000, 0i64..=40_000)
        .prop_filter("three positive maxima", |(a, b, ..)| a + b < 10_000)
        .prop_map(|(price, tech, average, above, below)| {
            let base = if average { BenchmarkPrice::AverageValid } else { BenchmarkPrice::LowestValid };
            let criterion = |id: &str, max: i64, kind| Criterion {
                id: id.to_owned(),
                name: id.to_owned(),
                max: Centipoints(max),
                kind,
            };
            ScoringTable::new(
                vec![
                    criterion("price", price, CriterionKind::Price),
                    criterion("tech", tech, CriterionKind::Technical),
                    criterion("biz", 10_000 - price - tech, CriterionKind::Commercial),
                ],
                PriceFormula::new(base, above, below).expect("non-negative factors"),
            )
            .expect("maxima add up to 100")
        })
}

/// A complete score sheet: every member scores every bid (rejected ones too, which must be
/// ignored) on every non-price criterion, each score a share `raw / 10 000` of the maximum.
fn sheet(table: &ScoringTable, members: &[String], bids: &[Bid], raw: &[u16]) -> Vec<MemberScore> {
    let mut shares = raw.iter().cycle();
    let mut scores = Vec::new();
    for bid in bids {
        for criterion in table.criteria().iter().filter(|criterion| criterion.kind != CriterionKind::Price) {
            for member in members {
                let share = i64::from(*shares.next().unwrap_or(&0));
                scores.push(MemberScore {
                    member: member.clone(),
                    bidder: bid.bidder.clone(),
                    criterion: criterion.id.clone(),
                    points: Centipoints(criterion.max.0 * share / 10_000),
                });
            }
        }
    }
    scores
}

/// The properties every report must keep, whatever the method.
fn check_report(report: &EvaluationReport, bids: &[Bid], rules: RankingRules) -> Result<(), TestCaseError> {
    let rejected: HashSet<&str> = bids.iter().filter(|bid| bid.is_rejected()).map(|bid| bid.bidder.as_str()).collect();
    let standing = bids.len() - rejected.len();
    prop_assert_eq!(report.ranking.len(), standing);
    for bid in &report.ranking {
        prop_assert!(!rejected.contains(bid.bidder.as_str()), "rejected bid {} was ranked", bid.bidder);
    }
    prop_assert_eq!(report.rejected.len(), rejected.len());
    let max = usize::try_from(rules.candidates_max).unwrap_or(0);
    prop_assert!(report.candidates.len() <= max);
    prop_assert_eq!(report.candidates.len(), standing.min(max));
    prop_assert_eq!(&report.candidates[..], &report.ranking[..report.candidates.len()]);
    for (index, bid) in report.ranking.iter().enumerate() {
        prop_assert_eq!(bid.rank, index + 1);
    }
    prop_assert_eq!(report.competition_lacking, i64::try_from(standing).unwrap_or(i64::MAX) < rules.valid_bids_min);
    Ok(())
}

fn check_failure(outcome: &EvaluationOutcome, bids: &[Bid]) -> Result<(), TestCaseError> {
    match outcome {
        EvaluationOutcome::Ranked(report) => prop_assert!(!report.ranking.is_empty()),
        EvaluationOutcome::Failed { reason, rejected } => {
            prop_assert!(bids.iter().all(Bid::is_rejected));
            prop_assert_eq!(rejected.len(), bids.len());
            let expected = if bids.is_empty() { FailureReason::NoBids } else { FailureReason::AllRejected };
            prop_assert_eq!(*reason, expected);
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn lowest_price_ranking(raw in raw_bids(), rules in rules()) {
        let bids = bids(&raw);
        let outcome = evaluate_lowest_price(&bids, rules).expect("valid inputs");
        check_failure(&outcome, &bids)?;
        if let EvaluationOutcome::Ranked(report) = &outcome {
            check_report(report, &bids, rules)?;
            for pair in report.ranking.windows(2) {
                prop_assert!(pair[0].evaluated_price <= pair[1].evaluated_price, "{:?}", pair);
                if pair[0].evaluated_price == pair[1].evaluated_price {
                    prop_assert!(pair[0].price <= pair[1].price, "{:?}", pair);
                }
            }
        }
    }

    #[test]
    fn comprehensive_ranking(
        raw in raw_bids(),
        rules in rules(),
        table in table(),
        member_count in 1usize..8,
        shares in prop::collection::vec(0u16..=10_000, 1..64),
    ) {
        let bids = bids(&raw);
        let members: Vec<String> = (0..member_count).map(|i| format!("M{i}")).collect();
        let scores = sheet(&table, &members, &bids, &shares);
        let outcome = evaluate_comprehensive(&bids, &table, &members, &scores, rules).expect("complete sheet");
        check_failure(&outcome, &bids)?;
        if let EvaluationOutcome::Ranked(report) = &outcome {
            check_report(report, &bids, rules)?;
            let totals: Vec<Centipoints> = report
                .ranking
                .iter()
                .map(|bid| bid.scores.as_ref().map_or(Centipoints(-1), |scores| scores.total))
                .collect();
            for pair in totals.windows(2) {
                prop_assert!(pair[0] >= pair[1], "totals out of order: {:?}", totals);
            }
            for bid in &report.ranking {
                let scores = bid.scores.as_ref().expect("scored");
                prop_assert_eq!(scores.total.0, scores.criteria.iter().map(|score| score.points.0).sum::<i64>());
                for (score, criterion) in scores.criteria.iter().zip(table.criteria()) {
                    prop_assert!((0..=criterion.max.0).contains(&score.points.0), "{:?} {:?}", score, criterion);
                }
                prop_assert!(scores.total <= ScoringTable::FULL_MARKS);
            }
        }
    }

    #[test]
    fn committee_sizes(
        experts in 0usize..14,
        representatives in 0usize..14,
        min in 1i64..10,
        (num, den) in (1i64..6).prop_flat_map(|den| (0..=den, Just(den))),
    ) {
        let mut members: Vec<CommitteeMember> =
            (0..experts).map(|i| CommitteeMember { id: format!("E{i}"), kind: MemberKind::Expert }).collect();
        members.extend(
            (0..representatives).map(|i| CommitteeMember { id: format!("R{i}"), kind: MemberKind::PrincipalRepresentative }),
        );
        let total = i64::try_from(experts + representatives).unwrap_or(i64::MAX);
        let experts = i64::try_from(experts).unwrap_or(i64::MAX);
        let lawful = total >= min && total % 2 == 1 && experts * den >= num * total;
        prop_assert_eq!(check_committee(&members, min, (num, den)).is_ok(), lawful);
    }

    #[test]
    fn price_score_bounds(
        prices in prop::collection::vec(1i64..=1_000_000_000_000, 1..12),
        probe in 0i64..=3_000_000_000_000,
        max in 0i64..=10_000,
        above in 0i64..=100_000,
        below in 0i64..=100_000,
        average in prop::bool::ANY,
    ) {
        let base = if average { BenchmarkPrice::AverageValid } else { BenchmarkPrice::LowestValid };
        let formula = PriceFormula::new(base, above, below).expect("non-negative factors");
        let valid: Vec<Fen> = prices.iter().map(|&price| Fen(price)).collect();
        let max = Centipoints(max);
        for price in valid.iter().copied().chain([Fen(probe)]) {
            let score = formula.score(price, &valid, max).expect("positive base");
            prop_assert!((0..=max.0).contains(&score.0), "{:?} for {:?}", score, price);
        }
        let base_price = match base {
            BenchmarkPrice::LowestValid => valid.iter().min().copied(),
            BenchmarkPrice::AverageValid => {
                let sum: i64 = prices.iter().sum();
                let count = i64::try_from(prices.len()).unwrap_or(1);
                (sum % count == 0).then_some(Fen(sum / count))
            }
        };
        if let Some(base_price) = base_price {
            prop_assert_eq!(formula.score(base_price, &valid, max), Some(max));
        }
    }
}

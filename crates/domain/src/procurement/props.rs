//! Property tests of the written invariants of government procurement (proptest, STYLE §2.5).

use proptest::prelude::*;

use super::rules::fixture;
use super::*;
use crate::Fen;
use crate::evaluation::Centipoints;
use crate::ruleset::{Bound, Rule, Ruleset, Unit};

fn method() -> impl Strategy<Value = ProcurementMethod> {
    proptest::sample::select(ProcurementMethod::ALL.to_vec())
}

fn category() -> impl Strategy<Value = ItemCategory> {
    proptest::sample::select(ItemCategory::ALL.to_vec())
}

fn ground() -> impl Strategy<Value = Ground> {
    proptest::sample::select(GROUNDS.iter().map(|line| line.ground).collect::<Vec<_>>())
}

/// The ruleset's rules, with a province's open-tender thresholds (or none).
fn rules_with(region: Option<(i64, i64)>) -> ProcurementRules {
    let rules = fixture::rules();
    let Some((goods_services, works)) = region else { return rules };
    let threshold = |id: &str, value| Rule {
        id: id.to_owned(),
        value,
        denominator: 1,
        unit: Unit::Fen,
        bound: Bound::Floor,
        source: "某省政府采购限额标准 第二条".to_owned(),
        summary: String::new(),
    };
    let regional = Ruleset::new(
        "region".to_owned(),
        "2021-01-01".to_owned(),
        "地方标准".to_owned(),
        "2021-01-01".to_owned(),
        vec![
            threshold("open_tender_goods_services_fen_min", goods_services),
            threshold("open_tender_works_fen_min", works),
        ],
    )
    .expect("valid regional ruleset");
    rules.with_regional_thresholds(&regional).expect("thresholds may be overridden")
}

proptest! {
    /// The lowest adjusted compliant price always gets the full price score, no score exceeds the
    /// weight, and a lower adjusted price never scores lower.
    #[test]
    fn price_scores_are_bounded_and_monotone(
        bids in proptest::collection::vec((1i64..=1_000_000_000_000, 0i64..=20), 1..12),
        weight in 0i64..=100,
    ) {
        let rules = fixture::rules();
        let setting = WeightSetting {
            method: ProcurementMethod::OpenTender,
            category: ItemCategory::Goods,
            percent: weight,
            fixed_price: false,
            approved_exception: true,
        };
        // Below the goods floor the check refuses; score with the floor then.
        let weight = check_price_weight(&rules, setting)
            .or_else(|_| check_price_weight(&rules, WeightSetting { percent: 30, ..setting }))
            .expect("30% is always allowed for goods");
        let prices: Vec<AdjustedPrice> =
            bids.iter().map(|&(fen, deduction)| AdjustedPrice { price: Fen(fen), deduction_percent: deduction }).collect();
        let scores = price_scores(&prices, weight).expect("positive prices");
        let lowest = prices.iter().map(|p| p.hundredths_of_fen()).min().expect("non-empty");
        for (price, score) in prices.iter().zip(&scores) {
            prop_assert!(*score <= weight.max_points());
            prop_assert!(*score >= Centipoints::ZERO);
            if price.hundredths_of_fen() == lowest {
                prop_assert_eq!(*score, weight.max_points());
            }
        }
        for (a, sa) in prices.iter().zip(&scores) {
            for (b, sb) in prices.iter().zip(&scores) {
                if a.hundredths_of_fen() < b.hundredths_of_fen() {
                    prop_assert!(sa >= sb);
                }
            }
        }
    }

    /// A method not allowed by the thresholds is never returned as allowed without an approval
    /// requirement, with central or regional thresholds.
    #[test]
    fn above_the_threshold_only_open_tender_goes_without_approval(
        method in method(),
        category in category(),
        budget in 1i64..=2_000_000_000,
        grounds in proptest::collection::vec(ground(), 0..3),
        region in proptest::option::of((50_000_000i64..=1_000_000_000, 100_000_000i64..=1_000_000_000)),
        add_on_total in 0i64..=20_000_000,
    ) {
        let rules = rules_with(region);
        let request = MethodRequest {
            method,
            category,
            budget: Fen(budget),
            grounds,
            add_on: Some(AddOn { original_contract: Fen(100_000_000), add_ons_total: Fen(add_on_total) }),
        };
        let threshold = open_tender_threshold(&rules, category).value;
        if let Ok(decision) = decide_method(&rules, &request) {
            prop_assert_eq!(decision.above_open_tender_threshold, budget >= threshold);
            if budget >= threshold && method != ProcurementMethod::OpenTender {
                prop_assert!(decision.needs_approval(), "{:?}", decision);
            }
            if budget < threshold {
                // Below the threshold only a failed tender makes another method need approval.
                prop_assert_eq!(decision.needs_approval(), request.grounds.contains(&Ground::TenderFailed));
            }
            for line in &decision.grounds {
                prop_assert_eq!(line.method, method);
            }
        }
        for option in method_options(&rules, category, Fen(budget)) {
            let approval = option.requirements.iter().any(|r| matches!(r, Requirement::PriorApproval { .. }));
            prop_assert_eq!(approval, budget >= threshold && option.method != ProcurementMethod::OpenTender);
        }
    }

    /// Ranks never go down the list, the first bid has the best total, and a random draw with
    /// distinct values gives every bid its own rank.
    #[test]
    fn rankings_are_ordered_and_draws_separate_ties(
        bids in proptest::collection::vec((1i64..=50, 0i64..=20, 0i64..=7000), 1..10),
        draws in proptest::collection::hash_set(any::<u64>(), 10),
    ) {
        let weight = check_price_weight(&fixture::rules(), WeightSetting {
            method: ProcurementMethod::OpenTender,
            category: ItemCategory::Goods,
            percent: 30,
            fixed_price: false,
            approved_exception: false,
        }).expect("30%");
        let compliant: Vec<CompliantBid> = bids
            .iter()
            .enumerate()
            .map(|(i, &(wan, deduction, other))| CompliantBid {
                bidder: format!("S{i}"),
                price: AdjustedPrice { price: Fen(wan * 1_000_000), deduction_percent: deduction },
                abnormally_low: AbnormallyLowReview::Unflagged,
                other_points: Centipoints(other),
            })
            .collect();
        for ranked in [rank_comprehensive(&compliant, weight), rank_lowest_price(&compliant)] {
            let ranked = ranked.expect("ranks");
            prop_assert_eq!(ranked.len(), compliant.len());
            prop_assert_eq!(ranked[0].rank, 1);
            for pair in ranked.windows(2) {
                prop_assert!(pair[0].rank <= pair[1].rank);
                prop_assert!(pair[0].total >= pair[1].total || pair[0].total.is_none());
            }
            let values: Vec<(String, u64)> =
                ranked.iter().map(|bid| bid.bidder.clone()).zip(draws.iter().copied()).collect();
            let separated = break_ties(&ranked, &TieBreak::RandomDraw(values)).expect("distinct draws");
            let ranks: Vec<usize> = separated.iter().map(|bid| bid.rank).collect();
            prop_assert_eq!(ranks, (1..=ranked.len()).collect::<Vec<_>>());
        }
    }
}

//! Ranking in government procurement: by lowest evaluated price (最低评标价法, 87号令 第五十四条、
//! 第五十六条) or by comprehensive scoring (综合评分法, 第五十五条、第五十七条), with ties kept as ties
//! until broken by the documents' rule or a random draw (第六十八条).
//!
//! - Lowest evaluated price: the only price changes are arithmetic corrections (already in the price
//!   given) and policy deductions (the SME deduction, in the [`AdjustedPrice`]); bids rank by adjusted
//!   price ascending; equal prices tie (投标报价相同的并列).
//! - Comprehensive scoring: price score ([`super::price_score`]) plus the other criteria's points; higher
//!   total first; equal totals rank by the lower adjusted price; equal on both tie.
//!
//! Tied bids share a rank; [`break_ties`] orders them by the documents' rule (given as an order of
//! bidders) or by random values the caller drew (the domain draws nothing itself).
//!
//! A bid enters ranking only when its abnormally-low-price step is over ([`AbnormallyLowReview::is_settled`]);
//! an invalid bid is left out.

use std::cmp::Ordering;
use std::collections::HashSet;

use super::{AbnormallyLowReview, AdjustedPrice, PriceWeight, base_price, price_score};
use crate::evaluation::Centipoints;

/// A bid that passed the qualification and compliance review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompliantBid {
    /// The bidder; unique within one evaluation.
    pub bidder: String,
    /// The adjusted price.
    pub price: AdjustedPrice,
    /// Where its abnormally-low-price step stands.
    pub abnormally_low: AbnormallyLowReview,
    /// Points on every criterion but price (comprehensive scoring only; zero otherwise).
    pub other_points: Centipoints,
}

/// A bid in the ranking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RankedBid {
    /// 1-based rank; tied bids share one until [`break_ties`].
    pub rank: usize,
    /// The bidder.
    pub bidder: String,
    /// The adjusted price.
    pub price: AdjustedPrice,
    /// The price score (comprehensive scoring only).
    pub price_points: Option<Centipoints>,
    /// The total (comprehensive scoring only).
    pub total: Option<Centipoints>,
}

/// How tied bids are separated (87号令 第六十八条).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TieBreak {
    /// The rule of the documents, applied by the caller into an order of bidders (first wins).
    DocumentsOrder(Vec<String>),
    /// A random draw: one value per tied bidder, drawn by the caller; the lowest value wins.
    RandomDraw(Vec<(String, u64)>),
}

/// Why a ranking cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RankingError {
    /// Two bids from one bidder.
    #[error("供应商“{bidder}”有多份投标参加评审：请核对投标记录，每个供应商只能有一份有效投标")]
    DuplicateBidder {
        /// The bidder.
        bidder: String,
    },
    /// A bid still in the abnormally-low-price step.
    #[error("供应商“{bidder}”的报价审查尚未结束（{}）：请先完成书面说明和认定，再进行排序（政府采购货物和服务招标投标管理办法（财政部令第87号）第六十条）", .state.label())]
    AbnormallyLowPending {
        /// The bidder.
        bidder: String,
        /// Its state.
        state: AbnormallyLowReview,
    },
    /// A price that is not positive.
    #[error("供应商“{bidder}”的报价不是正数，无法计算价格分：请核对报价")]
    PriceNotPositive {
        /// The bidder.
        bidder: String,
    },
    /// A tied bidder without a place in the tie-break.
    #[error(
        "并列的供应商“{bidder}”没有随机抽取结果或采购文件规定的排序：请为每个并列的供应商确定顺序（政府采购货物和服务招标投标管理办法（财政部令第87号）第六十八条）"
    )]
    TieBreakMissing {
        /// The bidder.
        bidder: String,
    },
    /// Two tied bidders with the same draw value or the same place.
    #[error("并列的供应商“{first}”和“{second}”的抽取结果相同：请重新抽取")]
    TieBreakTied {
        /// One bidder.
        first: String,
        /// The other.
        second: String,
    },
}

impl RankingError {
    /// Stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            RankingError::DuplicateBidder { .. } => "ranking_duplicate_bidder",
            RankingError::AbnormallyLowPending { .. } => "abnormally_low_pending",
            RankingError::PriceNotPositive { .. } => "ranking_price_invalid",
            RankingError::TieBreakMissing { .. } => "tie_break_missing",
            RankingError::TieBreakTied { .. } => "tie_break_tied",
        }
    }
}

/// The bids that stand, checked.
fn standing(bids: &[CompliantBid]) -> Result<Vec<&CompliantBid>, RankingError> {
    let mut seen = HashSet::with_capacity(bids.len());
    let mut out = Vec::with_capacity(bids.len());
    for bid in bids {
        if !seen.insert(bid.bidder.as_str()) {
            return Err(RankingError::DuplicateBidder { bidder: bid.bidder.clone() });
        }
        if !bid.abnormally_low.is_settled() {
            return Err(RankingError::AbnormallyLowPending { bidder: bid.bidder.clone(), state: bid.abnormally_low });
        }
        if !bid.abnormally_low.stands() {
            continue;
        }
        if bid.price.hundredths_of_fen() <= 0 {
            return Err(RankingError::PriceNotPositive { bidder: bid.bidder.clone() });
        }
        out.push(bid);
    }
    Ok(out)
}

/// Numbers sorted entries: an entry equal to the one before (by `same`) shares its rank.
fn number(mut ranked: Vec<RankedBid>, same: impl Fn(&RankedBid, &RankedBid) -> bool) -> Vec<RankedBid> {
    for i in 0..ranked.len() {
        ranked[i].rank = if i > 0 && same(&ranked[i - 1], &ranked[i]) { ranked[i - 1].rank } else { i + 1 };
    }
    ranked
}

/// Ranks by the lowest adjusted price (87号令 第五十四条、第五十六条).
///
/// # Errors
/// A duplicate bidder, a bid whose price review is pending, or a price that is not positive.
pub fn rank_lowest_price(bids: &[CompliantBid]) -> Result<Vec<RankedBid>, RankingError> {
    let mut ranked: Vec<RankedBid> = standing(bids)?
        .into_iter()
        .map(|bid| RankedBid { rank: 0, bidder: bid.bidder.clone(), price: bid.price, price_points: None, total: None })
        .collect();
    // Stable sort: ties keep input order until broken, but share their rank.
    ranked.sort_by_key(|bid| bid.price.hundredths_of_fen());
    Ok(number(ranked, |a, b| a.price.hundredths_of_fen() == b.price.hundredths_of_fen()))
}

/// Ranks by comprehensive scoring (87号令 第五十五条、第五十七条): total = price score + other points.
///
/// # Errors
/// A duplicate bidder, a bid whose price review is pending, or a price that is not positive.
pub fn rank_comprehensive(bids: &[CompliantBid], weight: PriceWeight) -> Result<Vec<RankedBid>, RankingError> {
    let bids = standing(bids)?;
    let prices: Vec<AdjustedPrice> = bids.iter().map(|bid| bid.price).collect();
    let mut ranked = Vec::with_capacity(bids.len());
    if let Some(base) = base_price(&prices) {
        for bid in bids {
            let not_positive = || RankingError::PriceNotPositive { bidder: bid.bidder.clone() };
            let points = price_score(base, bid.price, weight).ok_or_else(not_positive)?;
            let total = Centipoints(points.0.saturating_add(bid.other_points.0));
            ranked.push(RankedBid {
                rank: 0,
                bidder: bid.bidder.clone(),
                price: bid.price,
                price_points: Some(points),
                total: Some(total),
            });
        }
    }
    let key = |bid: &RankedBid| (std::cmp::Reverse(bid.total), bid.price.hundredths_of_fen());
    ranked.sort_by_key(key);
    Ok(number(ranked, |a, b| key(a) == key(b)))
}

/// Orders tied bids by `tie_break`, giving every bid its own rank.
///
/// # Errors
/// A tied bidder missing from the tie-break, or two tied bidders in the same place.
pub fn break_ties(ranking: &[RankedBid], tie_break: &TieBreak) -> Result<Vec<RankedBid>, RankingError> {
    let place = |bidder: &str| -> Option<u64> {
        match tie_break {
            TieBreak::DocumentsOrder(order) => order.iter().position(|b| b == bidder).map(|i| i as u64),
            TieBreak::RandomDraw(draws) => draws.iter().find(|(b, _)| b == bidder).map(|&(_, value)| value),
        }
    };
    let mut out: Vec<RankedBid> = ranking.to_vec();
    let mut start = 0;
    while start < out.len() {
        let end = (start..out.len()).find(|&j| out[j].rank != out[start].rank).unwrap_or(out.len());
        if end - start > 1 {
            let mut group: Vec<(u64, RankedBid)> = Vec::with_capacity(end - start);
            for bid in &out[start..end] {
                let value =
                    place(&bid.bidder).ok_or_else(|| RankingError::TieBreakMissing { bidder: bid.bidder.clone() })?;
                group.push((value, bid.clone()));
            }
            group.sort_by_key(|entry| entry.0);
            if let Some(pair) = group.windows(2).find(|pair| pair[0].0.cmp(&pair[1].0) == Ordering::Equal) {
                return Err(RankingError::TieBreakTied {
                    first: pair[0].1.bidder.clone(),
                    second: pair[1].1.bidder.clone(),
                });
            }
            for (slot, (_, bid)) in out[start..end].iter_mut().zip(group) {
                *slot = bid;
            }
        }
        start = end;
    }
    for (i, bid) in out.iter_mut().enumerate() {
        bid.rank = i + 1;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Fen;

    fn bid(bidder: &str, yuan: i64, deduction: i64, other: i64) -> CompliantBid {
        CompliantBid {
            bidder: bidder.to_owned(),
            price: AdjustedPrice { price: Fen(yuan * 100), deduction_percent: deduction },
            abnormally_low: AbnormallyLowReview::Unflagged,
            other_points: Centipoints(other),
        }
    }

    #[test]
    fn lowest_price_ties_share_a_rank_until_drawn() {
        // B's 100 000 with 10% off is 90 000, equal to C's plain 90 000: a tie for first.
        let bids = [bid("A", 95_000, 0, 0), bid("B", 100_000, 10, 0), bid("C", 90_000, 0, 0)];
        let ranked = rank_lowest_price(&bids).expect("ranks");
        let ranks: Vec<(usize, &str)> = ranked.iter().map(|b| (b.rank, b.bidder.as_str())).collect();
        assert_eq!(ranks, vec![(1, "B"), (1, "C"), (3, "A")]);
        let drawn = break_ties(&ranked, &TieBreak::RandomDraw(vec![("B".into(), 7), ("C".into(), 3)])).expect("drawn");
        let ranks: Vec<(usize, &str)> = drawn.iter().map(|b| (b.rank, b.bidder.as_str())).collect();
        assert_eq!(ranks, vec![(1, "C"), (2, "B"), (3, "A")]);
        let missing = break_ties(&ranked, &TieBreak::RandomDraw(vec![("B".into(), 7)])).expect_err("C has no draw");
        assert_eq!(missing.code(), "tie_break_missing");
        let same = break_ties(&ranked, &TieBreak::RandomDraw(vec![("B".into(), 1), ("C".into(), 1)]));
        assert_eq!(same.map_err(|e| e.code()), Err("tie_break_tied"));
        let by_documents =
            break_ties(&ranked, &TieBreak::DocumentsOrder(vec!["B".into(), "C".into()])).expect("ordered");
        assert_eq!(by_documents[0].bidder, "B");
    }

    #[test]
    fn pending_and_invalid_abnormally_lows() {
        let mut pending = bid("A", 50_000, 0, 0);
        pending.abnormally_low = AbnormallyLowReview::ExplanationRequested;
        let refused = rank_lowest_price(&[pending.clone(), bid("B", 60_000, 0, 0)]).expect_err("pending");
        assert_eq!(refused.code(), "abnormally_low_pending");
        pending.abnormally_low = AbnormallyLowReview::Invalid;
        let ranked = rank_lowest_price(&[pending, bid("B", 60_000, 0, 0)]).expect("A left out");
        assert_eq!(ranked.len(), 1);
        assert_eq!(ranked[0].bidder, "B");
    }

    /// A 磋商 of services with three suppliers, price weight 30%, one small enterprise with a 10%
    /// deduction; the other criteria (70 points) were scored by the group.
    ///
    /// - A quotes 500 000 元 (no deduction): adjusted 500 000; other points 60.00.
    /// - B quotes 520 000 元, small enterprise, 10% off: adjusted 520 000 × 0.9 = 468 000; other 55.00.
    /// - C quotes 480 000 元 (no deduction): adjusted 480 000; other 50.00.
    ///
    /// Base (磋商基准价) = lowest adjusted price = B's 468 000 (not C's 480 000: the deduction counts).
    /// Price scores (214号 第二十四条: base / price × 30):
    /// - B: 468 000 / 468 000 × 30 = 30.00
    /// - C: 468 000 / 480 000 × 30 = 29.25
    /// - A: 468 000 / 500 000 × 30 = 28.08
    ///
    /// Totals: A 88.08, B 85.00, C 79.25, so A ranks first.
    #[test]
    fn consultation_with_an_sme_deduction_by_hand() {
        let bids = [bid("A", 500_000, 0, 6000), bid("B", 520_000, 10, 5500), bid("C", 480_000, 0, 5000)];
        let weight = PriceWeightForTests::thirty();
        let ranked = rank_comprehensive(&bids, weight).expect("ranks");
        let rows: Vec<(usize, &str, i64, i64)> = ranked
            .iter()
            .map(|b| (b.rank, b.bidder.as_str(), b.price_points.map_or(-1, |p| p.0), b.total.map_or(-1, |t| t.0)))
            .collect();
        assert_eq!(rows, vec![(1, "A", 2808, 8808), (2, "B", 3000, 8500), (3, "C", 2925, 7925)]);
        assert_eq!(ranked[1].price.rounded(), Fen(46_800_000));
    }

    #[test]
    fn equal_totals_rank_by_the_lower_price() {
        // Equal totals: A 80.00 price-points 20 + 60; B at the base 30 + 50. The lower price first.
        let weight = PriceWeightForTests::thirty();
        let bids = [bid("A", 150, 0, 6000), bid("B", 100, 0, 5000)];
        let ranked = rank_comprehensive(&bids, weight).expect("ranks");
        assert_eq!(ranked[0].total, ranked[1].total);
        assert_eq!((ranked[0].bidder.as_str(), ranked[0].rank, ranked[1].rank), ("B", 1, 2));
    }

    /// Builds weights without the ruleset (the checks are tested in `price_score`).
    struct PriceWeightForTests;

    impl PriceWeightForTests {
        fn thirty() -> PriceWeight {
            let rules = super::super::rules::fixture::rules();
            let setting = super::super::WeightSetting {
                method: super::super::ProcurementMethod::CompetitiveConsultation,
                category: super::super::ItemCategory::Services,
                percent: 30,
                fixed_price: false,
                approved_exception: false,
            };
            super::super::check_price_weight(&rules, setting).expect("30% is within 10%–30%")
        }
    }
}

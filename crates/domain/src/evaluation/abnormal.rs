//! Abnormally low prices (异常低价): which bids the committee must ask to explain their price.
//!
//! 招标投标法实施条例 第五十一条第（五）项 requires rejecting a bid priced below cost, and
//! 招标投标法 第四十一条第（二）项 excludes such a bid from winning, but neither says how to see it.
//! Practice (评标委员会和评标方法暂行规定 第二十一条) is a two-step test: a price clearly below the
//! other bids, or below the reference price (标底), is *flagged*; the committee asks the bidder for
//! a written explanation with evidence and rejects the bid as below cost only if the explanation
//! fails. These functions are the first step only. A flag is never a rejection by itself:
//! 条例 第五十条 forbids rejecting a bid for falling outside a band around the 标底.
//!
//! The rule chosen, for both benchmarks: a price is flagged when it is *strictly* below
//! `threshold_percent`% of the benchmark (低于 excludes the number itself, 民法典 第一千二百五十九条),
//! compared exactly as `price × 100 < benchmark × threshold_percent`. For the average this becomes
//! `price × 100 × n < sum × threshold_percent`, so no division and no rounding ever decide a flag.
//! The average is the plain arithmetic mean of the prices passed in, the bid itself included
//! (pass the prices of the bids that stand, so rejected bids do not drag it down).
//! `threshold_percent` is clamped to 0..=100: below 0 flags nothing, and above 100 would flag bids
//! priced above the benchmark, which are not low.

use crate::Fen;

/// Indices (into `prices`) of the prices strictly below `threshold_percent`% of the average of
/// all of `prices`, in ascending order. With `threshold_percent = 85`, a price is flagged when it
/// is more than 15% under the average.
pub fn abnormally_low(prices: &[Fen], threshold_percent: i64) -> Vec<usize> {
    let threshold = i128::from(threshold_percent.clamp(0, 100));
    // usize -> i128 is lossless; with at most i64::MAX per price the sum cannot overflow i128
    // for any slice that fits in memory.
    let count = prices.len() as i128;
    let sum: i128 = prices.iter().map(|price| i128::from(price.0)).sum();
    flag(prices, |price| price * 100 * count < sum * threshold)
}

/// Indices (into `prices`) of the prices strictly below `threshold_percent`% of the reference
/// price (标底), in ascending order. With `threshold_percent = 85`, a price more than 15% under
/// the 标底 is flagged for an explanation (never rejected for that alone, 条例 第五十条).
pub fn below_reference_price(prices: &[Fen], reference: Fen, threshold_percent: i64) -> Vec<usize> {
    let threshold = i128::from(threshold_percent.clamp(0, 100));
    let reference = i128::from(reference.0);
    flag(prices, |price| price * 100 < reference * threshold)
}

fn flag(prices: &[Fen], is_low: impl Fn(i128) -> bool) -> Vec<usize> {
    prices.iter().enumerate().filter(|(_, price)| is_low(i128::from(price.0))).map(|(index, _)| index).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yuan(amounts: &[i64]) -> Vec<Fen> {
        amounts.iter().map(|&amount| Fen(amount * 100)).collect()
    }

    #[test]
    fn below_a_share_of_the_average() {
        // Average of 100, 100, 100, 100, 80 is 96; 85% of it is 81.6, so 80 is flagged.
        assert_eq!(abnormally_low(&yuan(&[100, 100, 100, 100, 80]), 85), vec![4]);
        // 90% of 96 is 86.4: still only 80.
        assert_eq!(abnormally_low(&yuan(&[100, 100, 100, 100, 80]), 90), vec![4]);
        // 80% of 96 is 76.8: nothing.
        assert!(abnormally_low(&yuan(&[100, 100, 100, 100, 80]), 80).is_empty());
    }

    #[test]
    fn exactly_at_the_threshold_is_not_low() {
        // Average 100, 80% of it is exactly 80: 低于 excludes the number.
        assert!(abnormally_low(&yuan(&[120, 100, 80]), 80).is_empty());
        assert_eq!(below_reference_price(&yuan(&[85, 84]), Fen(10_000), 85), vec![1]);
    }

    #[test]
    fn thresholds_are_clamped() {
        assert!(abnormally_low(&yuan(&[100, 1]), -5).is_empty());
        // Unclamped, 150% of the average 95 (142.5) would flag both; clamped to 100 only 90 is low.
        assert_eq!(abnormally_low(&yuan(&[100, 90]), 150), vec![1]);
        assert!(abnormally_low(&[], 85).is_empty());
    }

    #[test]
    fn extreme_amounts_do_not_overflow() {
        let prices = [Fen(i64::MAX), Fen(i64::MAX), Fen(1)];
        assert_eq!(abnormally_low(&prices, 100), vec![2]);
        assert_eq!(below_reference_price(&prices, Fen(i64::MAX), 100), vec![2]);
    }
}

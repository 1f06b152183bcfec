//! Descriptive statistics of the bid prices of one lot: the building blocks of bid-rigging screens.
//!
//! Collusive bidders often coordinate prices, which shows up as an unusually small dispersion (a
//! low coefficient of variation, a small relative spread between the highest and lowest bid). The
//! thresholds belong to the screens that use these numbers; here only the statistics are computed.
//!
//! Amounts are integer fen. Sums are taken in `i128` so that even `i64` extremes cannot overflow,
//! and deviations from the mean are computed exactly in integers before conversion to `f64`, so
//! nearly equal large bids (the interesting case) do not lose their differences to rounding.

use ggzy_domain::Fen;

/// Summary of a set of prices.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PriceStats {
    /// Number of prices.
    pub count: usize,
    /// Lowest price.
    pub min: Fen,
    /// Highest price.
    pub max: Fen,
    /// Arithmetic mean in fen.
    pub mean_fen: f64,
    /// Population standard deviation in fen (divides by `count`, not `count − 1`: the bids of a lot
    /// are the whole population, not a sample).
    pub std_dev_fen: f64,
    /// `std_dev_fen / |mean_fen|`; `None` when the mean is 0 (undefined). Dimensionless, so lots of
    /// different size can be compared; lower means more uniform bids.
    pub coefficient_of_variation: Option<f64>,
    /// Excess kurtosis of the population (m4 / m2² − 3: 0 for a normal distribution, −1.2 for a
    /// uniform one); `None` with fewer than 4 prices or when all are equal. High values mean a
    /// tight cluster with outliers, a shape cover bids around a chosen winner take.
    pub excess_kurtosis: Option<f64>,
}

/// Statistics of `prices`, or `None` for an empty slice.
///
/// The result depends only on the multiset of prices, not on their order: the prices are sorted
/// before the floating-point accumulation, so the same bids always give bit-identical statistics
/// (an alert must not change when a database returns rows in another order).
pub fn price_stats(prices: &[Fen]) -> Option<PriceStats> {
    let mut sorted: Vec<i64> = prices.iter().map(|p| p.0).collect();
    sorted.sort_unstable();
    let (&min, &max) = (sorted.first()?, sorted.last()?);

    let count = sorted.len();
    // A slice of 8-byte values has fewer than 2^61 elements, so n·x and the sum stay far below
    // i128::MAX (|n·x| < 2^124).
    let n = i128::try_from(count).ok()?;
    let sum: i128 = sorted.iter().map(|&x| i128::from(x)).sum();
    let n_f = count as f64;
    let mean_fen = sum as f64 / n_f;

    // Deviation from the mean, scaled by n to stay an exact integer: n·x − Σ = n·(x − mean).
    let deviations: Vec<f64> = sorted.iter().map(|&x| (n * i128::from(x) - sum) as f64 / n_f).collect();
    let sum_sq: f64 = deviations.iter().map(|d| d * d).sum();
    let std_dev_fen = (sum_sq / n_f).sqrt();
    let coefficient_of_variation = (sum != 0).then(|| std_dev_fen / mean_fen.abs());
    let m2 = sum_sq / n_f;
    let m4 = deviations.iter().map(|d| d * d * d * d).sum::<f64>() / n_f;
    let excess_kurtosis = (count >= 4 && m2 > 0.0).then(|| m4 / (m2 * m2) - 3.0);

    Some(PriceStats {
        count,
        min: Fen(min),
        max: Fen(max),
        mean_fen,
        std_dev_fen,
        coefficient_of_variation,
        excess_kurtosis,
    })
}

/// `(max − min) / min`: how far the highest price lies above the lowest, relative to the lowest.
/// `None` for an empty slice or when the lowest price is not positive (the ratio would be
/// meaningless).
pub fn relative_spread(prices: &[Fen]) -> Option<f64> {
    let min = prices.iter().min()?.0;
    let max = prices.iter().max()?.0;
    if min <= 0 {
        return None;
    }
    // In i128: max − min can exceed i64 only if min < 0, excluded above, but it costs nothing.
    let spread = i128::from(max) - i128::from(min);
    Some(spread as f64 / min as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fens(values: &[i64]) -> Vec<Fen> {
        values.iter().copied().map(Fen).collect()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
    }

    #[test]
    fn empty_has_no_stats() {
        assert_eq!(price_stats(&[]), None);
        assert_eq!(relative_spread(&[]), None);
    }

    #[test]
    fn single_price() {
        let stats = price_stats(&fens(&[500])).expect("non-empty");
        assert_eq!(stats.count, 1);
        assert_eq!((stats.min, stats.max), (Fen(500), Fen(500)));
        assert_eq!(stats.mean_fen, 500.0);
        assert_eq!(stats.std_dev_fen, 0.0);
        assert_eq!(stats.coefficient_of_variation, Some(0.0));
        assert_eq!(relative_spread(&fens(&[500])), Some(0.0));
    }

    #[test]
    fn kurtosis_by_hand() {
        // 1,2,3,4: deviations ±1.5, ±0.5; m2 = 5/4, m4 = (2·5.0625 + 2·0.0625)/4 = 2.5625;
        // m4 / m2² = 1.64, excess −1.36.
        let even = price_stats(&fens(&[1, 2, 3, 4])).expect("stats");
        assert!(close(even.excess_kurtosis.expect("four prices"), -1.36), "{even:?}");
        // 2,4,4,4,5,5,7,9: deviations −3,−1,−1,−1,0,0,2,4; m2 = 4, m4 = (81+1+1+1+16+256)/8 = 44.5;
        // 44.5 / 16 = 2.78125, excess −0.21875.
        let sample = price_stats(&fens(&[2, 4, 4, 4, 5, 5, 7, 9])).expect("stats");
        assert!(close(sample.excess_kurtosis.expect("eight prices"), -0.218_75), "{sample:?}");
        assert_eq!(price_stats(&fens(&[1, 2, 3])).and_then(|s| s.excess_kurtosis), None, "too few");
        assert_eq!(price_stats(&fens(&[5, 5, 5, 5])).and_then(|s| s.excess_kurtosis), None, "no spread");
    }

    #[test]
    fn hand_computed_values() {
        // (prices, mean, population std dev, cv)
        // 2,4,4,4,5,5,7,9: mean 5, deviations² 9,1,1,1,0,0,4,16 = 32, /8 = 4, sd 2, cv 0.4.
        // 100,200,300: mean 200, deviations² 1e4,0,1e4, /3, sd = 100·√(2/3).
        // −100,100: mean 0 → cv undefined.
        let rows: [(&[i64], f64, f64, Option<f64>); 4] = [
            (&[2, 4, 4, 4, 5, 5, 7, 9], 5.0, 2.0, Some(0.4)),
            (&[100, 200, 300], 200.0, 100.0 * (2.0f64 / 3.0).sqrt(), Some((2.0f64 / 3.0).sqrt() / 2.0)),
            (&[-100, 100], 0.0, 100.0, None),
            (&[-300, -100], -200.0, 100.0, Some(0.5)),
        ];
        for (prices, mean, sd, cv) in rows {
            let stats = price_stats(&fens(prices)).expect("non-empty");
            assert_eq!(stats.count, prices.len());
            assert!(close(stats.mean_fen, mean), "{prices:?}: mean {}", stats.mean_fen);
            assert!(close(stats.std_dev_fen, sd), "{prices:?}: sd {}", stats.std_dev_fen);
            match (stats.coefficient_of_variation, cv) {
                (Some(a), Some(b)) => assert!(close(a, b), "{prices:?}: cv {a}"),
                (a, b) => assert_eq!(a, b, "{prices:?}"),
            }
        }
    }

    #[test]
    fn large_amounts_do_not_overflow_or_lose_precision() {
        // Bids of about 1e10 fen (1 亿元) differing by a single fen: mean 1e10 + 1, sd √(2/3).
        let stats = price_stats(&fens(&[10_000_000_000, 10_000_000_001, 10_000_000_002])).expect("non-empty");
        assert_eq!(stats.mean_fen, 10_000_000_001.0);
        assert!(close(stats.std_dev_fen, (2.0f64 / 3.0).sqrt()), "{}", stats.std_dev_fen);

        // Sums beyond i64: three times i64::MAX.
        let stats = price_stats(&fens(&[i64::MAX, i64::MAX, i64::MAX])).expect("non-empty");
        assert_eq!(stats.mean_fen, i64::MAX as f64);
        assert_eq!(stats.std_dev_fen, 0.0);
        let stats = price_stats(&fens(&[i64::MIN, i64::MAX])).expect("non-empty");
        assert_eq!((stats.min, stats.max), (Fen(i64::MIN), Fen(i64::MAX)));
        assert!(close(stats.std_dev_fen, 2f64.powi(63)), "{}", stats.std_dev_fen);
    }

    #[test]
    fn relative_spread_values() {
        let rows: [(&[i64], Option<f64>); 6] = [
            (&[100, 150, 120], Some(0.5)),
            (&[1_000, 1_000], Some(0.0)),
            (&[400, 100, 200], Some(3.0)),
            (&[0, 100], None),
            (&[-50, 100], None),
            (&[1, i64::MAX], Some((i64::MAX - 1) as f64)),
        ];
        for (prices, expected) in rows {
            assert_eq!(relative_spread(&fens(prices)), expected, "{prices:?}");
        }
    }

    proptest! {
        #[test]
        fn stats_are_order_independent(
            prices in proptest::collection::vec(any::<i64>(), 1..40),
            seed in any::<u64>(),
        ) {
            let original = fens(&prices);
            let mut reversed = original.clone();
            reversed.reverse();
            // A deterministic shuffle driven by the seed (rotate, then swap pairs).
            let mut shuffled = original.clone();
            let len = shuffled.len();
            shuffled.rotate_left(usize::try_from(seed % len as u64).unwrap_or(0));
            for i in (1..len).step_by(2) {
                if (seed >> (i % 64)) & 1 == 1 {
                    shuffled.swap(i - 1, i);
                }
            }
            let expected = price_stats(&original);
            prop_assert_eq!(price_stats(&reversed), expected);
            prop_assert_eq!(price_stats(&shuffled), expected);
            prop_assert_eq!(relative_spread(&reversed), relative_spread(&original));
            prop_assert_eq!(relative_spread(&shuffled), relative_spread(&original));
        }

        #[test]
        fn stats_are_bounded(prices in proptest::collection::vec(-1_000_000_000_000i64..1_000_000_000_000, 1..40)) {
            let stats = price_stats(&fens(&prices)).expect("non-empty");
            prop_assert!(stats.min.0 as f64 <= stats.mean_fen && stats.mean_fen <= stats.max.0 as f64);
            prop_assert!(stats.std_dev_fen >= 0.0);
            prop_assert!(stats.std_dev_fen <= (stats.max.0 - stats.min.0) as f64 / 2.0 + 1e-6);
            prop_assert_eq!(stats.count, prices.len());
        }
    }
}

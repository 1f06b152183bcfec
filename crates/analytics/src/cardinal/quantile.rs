//! Quartiles and Tukey fences as Cardinal computes them. Cardinal uses `statrs`' order statistics,
//! whose quantile is Hyndman and Fan's type 8 (approximately median-unbiased): with `n` sorted
//! values and `h = (n + 1/3) tau + 1/3`, it interpolates between the `floor(h)`-th and the next value,
//! and clamps to the minimum or maximum at the ends. The type matters: R's default (type 7) gives
//! other fences on small samples.

/// The `tau` quantile (0 ≤ tau ≤ 1) of `values`; NaN when `values` is empty or `tau` is out of range.
pub(crate) fn quantile(values: &[f64], tau: f64) -> f64 {
    if !(0.0..=1.0).contains(&tau) || values.is_empty() {
        return f64::NAN;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let h = (n as f64 + 1.0 / 3.0) * tau + 1.0 / 3.0;
    // Truncation, as `statrs` does (`h as i64`); h is never negative here.
    let floor = h as usize;
    if floor == 0 || tau == 0.0 {
        return sorted[0];
    }
    if floor >= n || (tau - 1.0).abs() <= f64::EPSILON {
        return sorted[n - 1];
    }
    let a = sorted[floor - 1];
    let b = sorted[floor];
    a + (h - floor as f64) * (b - a)
}

/// `statrs`' `percentile(p)`: the `p / 100` quantile.
pub(crate) fn percentile(values: &[f64], p: usize) -> f64 {
    quantile(values, p as f64 / 100.0)
}

/// First and third quartiles.
pub(crate) fn quartiles(values: &[f64]) -> (f64, f64) {
    (quantile(values, 0.25), quantile(values, 0.75))
}

/// `q1 - 1.5 IQR`, with the fused multiply-add Cardinal uses (it can differ in the last bit).
pub(crate) fn lower_fence(q1: f64, q3: f64) -> f64 {
    (q3 - q1).mul_add(-1.5, q1)
}

/// `q3 + 1.5 IQR`, fused like Cardinal's.
pub(crate) fn upper_fence(q1: f64, q3: f64) -> f64 {
    (q3 - q1).mul_add(1.5, q3)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The reference values of `statrs`' own tests for this quantile definition.
    #[test]
    fn matches_the_type_8_reference_values() {
        let data = [-1.0, 5.0, 0.0, -3.0, 10.0, -0.5, 4.0, 0.2, 1.0, 6.0];
        assert_eq!(quantile(&data, 0.0), -3.0);
        assert_eq!(quantile(&data, 1.0), 10.0);
        assert!((quantile(&data, 0.5) - 3.0 / 5.0).abs() < 1e-15);
        assert!((quantile(&data, 0.2) - -4.0 / 5.0).abs() < 1e-15);
        assert_eq!(quantile(&data, 0.7), 137.0 / 30.0);
        assert_eq!(quantile(&data, 0.01), -3.0);
        assert_eq!(quantile(&data, 0.99), 10.0);
        assert!((quantile(&data, 0.52) - 287.0 / 375.0).abs() < 1e-15);
        assert!((quantile(&data, 0.325) - -37.0 / 240.0).abs() < 1e-15);
    }

    #[test]
    fn empty_and_single() {
        assert!(quantile(&[], 0.25).is_nan());
        assert!(quantile(&[1.0], 1.5).is_nan());
        assert_eq!(quartiles(&[2.0]), (2.0, 2.0));
        assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0], 100), 4.0);
    }

    #[test]
    fn fences() {
        assert_eq!(lower_fence(0.0, 1.0), -1.5);
        assert_eq!(upper_fence(0.0, 0.5), 1.25);
    }
}

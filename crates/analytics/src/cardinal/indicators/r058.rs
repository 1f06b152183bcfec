//! R058 Heavily discounted bid: the relative distance from the winning bid up to the next lowest
//! valid bid (see `price_ratio`) is a high outlier, at or above `Q3 + 1.5 IQR` of all such distances
//! (or the configured threshold). The value is the distance, per flagged process; the winner gets
//! 0.0 in the Tenderer group. Nothing is flagged if the fence is not above zero.

use super::{Indicator, Shared};
use crate::cardinal::output::{Code, Group};
use crate::cardinal::quantile::{quartiles, upper_fence};
use crate::cardinal::release::Release;
use crate::cardinal::settings::RatioThreshold;

pub(crate) struct R058 {
    threshold: Option<f64>,
}

impl R058 {
    pub(crate) fn new(setting: &RatioThreshold) -> Self {
        Self { threshold: setting.threshold }
    }
}

impl Indicator for R058 {
    fn fold(&mut self, _release: &Release, _ocid: &str, _shared: &mut Shared) {}

    fn finalize(&mut self, shared: &mut Shared) {
        let fence = self.threshold.unwrap_or_else(|| {
            let ratios: Vec<f64> = shared.price_ratios.values().map(|r| r.ratio).collect();
            let (q1, q3) = quartiles(&ratios);
            shared.results.set_meta(Code::R058, "q1", q1);
            shared.results.set_meta(Code::R058, "q3", q3);
            upper_fence(q1, q3)
        });
        shared.results.set_meta(Code::R058, "upper_fence", fence);
        if fence.is_nan() || fence <= 0.0 {
            return;
        }
        for (ocid, ratio) in &shared.price_ratios {
            if ratio.ratio >= fence {
                shared.results.set(Group::Ocid, ocid, Code::R058, ratio.ratio);
                shared.results.set(Group::Tenderer, &ratio.winner, Code::R058, 0.0);
            }
        }
    }
}

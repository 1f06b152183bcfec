//! R024 Price close to winning bid: the relative distance from the winning bid up to the next
//! lowest valid bid (see `price_ratio`) is a low outlier, at or below `Q1 - 1.5 IQR` of all such
//! distances (or the configured threshold). The value is the distance, per flagged process; the
//! winner and the runner-up get 0.0 in the Tenderer group. The distance is never negative, so if
//! the fence is not above zero (or Q1 is zero) nothing is flagged: flagging would catch a quarter
//! of all processes.

use super::{Indicator, Shared};
use crate::cardinal::output::{Code, Group};
use crate::cardinal::quantile::{lower_fence, quartiles};
use crate::cardinal::release::Release;
use crate::cardinal::settings::RatioThreshold;

pub(crate) struct R024 {
    threshold: Option<f64>,
}

impl R024 {
    pub(crate) fn new(setting: &RatioThreshold) -> Self {
        Self { threshold: setting.threshold }
    }
}

impl Indicator for R024 {
    fn fold(&mut self, _release: &Release, _ocid: &str, _shared: &mut Shared) {}

    fn finalize(&mut self, shared: &mut Shared) {
        let (fence, q1) = match self.threshold {
            Some(threshold) => (threshold, None),
            None => {
                let ratios: Vec<f64> = shared.price_ratios.values().map(|r| r.ratio).collect();
                let (q1, q3) = quartiles(&ratios);
                shared.results.set_meta(Code::R024, "q1", q1);
                shared.results.set_meta(Code::R024, "q3", q3);
                (lower_fence(q1, q3), Some(q1))
            }
        };
        shared.results.set_meta(Code::R024, "lower_fence", fence);
        if q1.is_some_and(|q1| q1 <= 0.0 || q1.is_nan()) || fence.is_nan() || fence <= 0.0 {
            return;
        }
        for (ocid, ratio) in &shared.price_ratios {
            if ratio.ratio <= fence {
                shared.results.set(Group::Ocid, ocid, Code::R024, ratio.ratio);
                shared.results.set(Group::Tenderer, &ratio.winner, Code::R024, 0.0);
                shared.results.set(Group::Tenderer, &ratio.runner_up, Code::R024, 0.0);
            }
        }
    }
}

//! R025 Excessive unsuccessful bids: a top tenderer (by number of processes bid in, at or above
//! the 75th percentile, configurable) whose ratio of won to bid-in processes is a low outlier, at
//! or below `Q1 - 1.5 IQR` of all tenderers' ratios (or the configured threshold). Counted over
//! processes with final awards and exactly one active award to one supplier; each tenderer with a
//! valid single-tenderer bid counts once per process. The value is the ratio, per flagged
//! tenderer. Nothing is flagged when Q1 or the fence is not above zero.

use std::collections::{BTreeSet, HashMap};

use super::{Indicator, Shared};
use crate::cardinal::output::{Code, Group};
use crate::cardinal::quantile::{lower_fence, percentile, quartiles};
use crate::cardinal::release::{self, Release};
use crate::cardinal::settings::R025Settings;

/// Won and bid-in processes of one tenderer.
#[derive(Clone, Copy, Default)]
struct Tally {
    won: usize,
    bid: usize,
}

pub(crate) struct R025 {
    percentile: usize,
    threshold: Option<f64>,
    tallies: HashMap<String, Tally>,
}

impl R025 {
    pub(crate) fn new(setting: &R025Settings) -> Self {
        Self { percentile: setting.percentile.unwrap_or(75), threshold: setting.threshold, tallies: HashMap::new() }
    }
}

impl Indicator for R025 {
    fn fold(&mut self, release: &Release, _ocid: &str, _shared: &mut Shared) {
        let Some((active, details)) = release::final_awards_and_bids(release) else { return };
        let Some(supplier) = release::sole_winner(&active) else { return };
        let tenderers: BTreeSet<&str> = details
            .iter()
            .filter(|bid| release::has_status(bid, "valid"))
            .filter_map(|bid| release::sole_id(bid, "tenderers"))
            .collect();
        for tenderer in tenderers {
            let tally = self.tallies.entry(tenderer.to_owned()).or_default();
            tally.won += usize::from(tenderer == supplier);
            tally.bid += 1;
        }
    }

    fn finalize(&mut self, shared: &mut Shared) {
        let bid_counts: Vec<f64> = self.tallies.values().map(|t| t.bid as f64).collect();
        let top = percentile(&bid_counts, self.percentile);
        let ratio = |tally: &Tally| tally.won as f64 / tally.bid as f64;
        let (fence, q1) = match self.threshold {
            Some(threshold) => (threshold, None),
            None => {
                let ratios: Vec<f64> = self.tallies.values().map(ratio).collect();
                let (q1, q3) = quartiles(&ratios);
                shared.results.set_meta(Code::R025, "q1", q1);
                shared.results.set_meta(Code::R025, "q3", q3);
                (lower_fence(q1, q3), Some(q1))
            }
        };
        shared.results.set_meta(Code::R025, "upper_fence", top);
        shared.results.set_meta(Code::R025, "lower_fence", fence);
        if q1.is_some_and(|q1| q1 <= 0.0 || q1.is_nan()) || fence.is_nan() || fence <= 0.0 {
            return;
        }
        for (tenderer, tally) in &self.tallies {
            if tally.bid as f64 >= top && ratio(tally) <= fence {
                shared.results.set(Group::Tenderer, tenderer, Code::R025, ratio(tally));
            }
        }
    }
}

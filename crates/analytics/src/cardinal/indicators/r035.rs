//! R035 All except winning bid disqualified: one tenderer has valid bids, it is exactly the set of
//! active-award suppliers, and at least `threshold` (default 1) other tenderers have disqualified
//! bids. Requires every award to be final. The value is the number of other disqualified
//! tenderers, per process; the winner gets 0.0 in the Tenderer group.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Indicator, Shared};
use crate::cardinal::output::{Code, Group};
use crate::cardinal::release::{self, Release};
use crate::cardinal::settings::CountThreshold;

pub(crate) struct R035 {
    threshold: usize,
}

impl R035 {
    pub(crate) fn new(setting: &CountThreshold) -> Self {
        // A threshold of 0 would flag every single-bid process; Cardinal raises it to 1.
        Self { threshold: setting.threshold.unwrap_or(1).max(1) }
    }
}

impl Indicator for R035 {
    fn fold(&mut self, release: &Release, ocid: &str, shared: &mut Shared) {
        let Some((active, details)) = release::final_awards_and_bids(release) else { return };
        let suppliers: BTreeSet<&str> = active
            .iter()
            .filter_map(|award| release::array(award, "suppliers"))
            .flatten()
            .filter_map(|supplier| release::string(supplier, "id"))
            .collect();
        let mut valid = BTreeSet::new();
        let mut disqualified = BTreeSet::new();
        for bid in details {
            let set = match bid.get("status").and_then(Value::as_str) {
                Some("valid") => &mut valid,
                Some("disqualified") => &mut disqualified,
                _ => continue,
            };
            let Some(tenderers) = release::array(bid, "tenderers") else { continue };
            set.extend(tenderers.iter().filter_map(|t| t.get("id").and_then(Value::as_str)));
        }
        // Several winners, or several valid tenderers, are not this red flag: a buyer may split
        // an award among bids, which is not suspicious in itself.
        if valid.len() != 1 || valid != suppliers {
            return;
        }
        let others = disqualified.difference(&valid).count();
        if others >= self.threshold {
            shared.results.set(Group::Ocid, ocid, Code::R035, others as f64);
            if let Some(winner) = valid.first() {
                shared.results.set(Group::Tenderer, winner, Code::R035, 0.0);
            }
        }
    }
}

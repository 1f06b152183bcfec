//! R038 Excessive disqualified bids: the ratio of disqualified to submitted bids, summed over all
//! processes, is a high outlier (at or above `Q3 + 1.5 IQR`, or the configured threshold) per
//! buyer, per procuring entity and per tenderer. Organizations with too few bids are left out
//! (`minimum_contracting_processes` for buyers and procuring entities, `minimum_submitted_bids`
//! for tenderers, both default 2; like Cardinal 0.0.8, both minimums are compared with the number
//! of submitted bids). The value is the ratio. Nothing is flagged if the fence is not above zero.

use std::collections::HashMap;

use serde_json::Value;

use super::{Indicator, Shared};
use crate::cardinal::output::{Code, Group};
use crate::cardinal::quantile::{quartiles, upper_fence};
use crate::cardinal::release::{self, Release};
use crate::cardinal::settings::R038Settings;

/// Disqualified and submitted bids of one organization.
#[derive(Clone, Copy, Default)]
struct Tally {
    disqualified: usize,
    submitted: usize,
}

pub(crate) struct R038 {
    threshold: Option<f64>,
    minimum_submitted_bids: usize,
    minimum_contracting_processes: usize,
    buyers: HashMap<String, Tally>,
    procuring_entities: HashMap<String, Tally>,
    tenderers: HashMap<String, Tally>,
}

impl R038 {
    pub(crate) fn new(setting: &R038Settings) -> Self {
        Self {
            threshold: setting.threshold,
            minimum_submitted_bids: setting.minimum_submitted_bids.unwrap_or(2),
            minimum_contracting_processes: setting.minimum_contracting_processes.unwrap_or(2),
            buyers: HashMap::new(),
            procuring_entities: HashMap::new(),
            tenderers: HashMap::new(),
        }
    }

    fn flag(&self, shared: &mut Shared, group: Group, tallies: &HashMap<String, Tally>, minimum: usize) {
        let ratios: Vec<(&String, f64)> = tallies
            .iter()
            .filter(|(_, tally)| tally.submitted >= minimum)
            .map(|(id, tally)| (id, tally.disqualified as f64 / tally.submitted as f64))
            .collect();
        if ratios.is_empty() {
            return;
        }
        let fence = self.threshold.unwrap_or_else(|| {
            let values: Vec<f64> = ratios.iter().map(|(_, ratio)| *ratio).collect();
            let (q1, q3) = quartiles(&values);
            shared.results.set_meta(Code::R038, &format!("{group}_q1"), q1);
            shared.results.set_meta(Code::R038, &format!("{group}_q3"), q3);
            upper_fence(q1, q3)
        });
        shared.results.set_meta(Code::R038, &format!("{group}_upper_fence"), fence);
        if fence.is_nan() || fence <= 0.0 {
            return;
        }
        for (id, ratio) in ratios {
            if ratio >= fence {
                shared.results.set(group, id, Code::R038, ratio);
            }
        }
    }
}

impl Indicator for R038 {
    fn fold(&mut self, release: &Release, _ocid: &str, _shared: &mut Shared) {
        let bids = release::submitted_bids(release);
        if bids.is_empty() {
            return;
        }
        let mut disqualified = 0;
        for bid in &bids {
            let is_disqualified = usize::from(release::has_status(bid, "disqualified"));
            disqualified += is_disqualified;
            for id in release::array(bid, "tenderers")
                .into_iter()
                .flatten()
                .filter_map(|t| t.get("id").and_then(Value::as_str))
            {
                let tally = self.tenderers.entry(id.to_owned()).or_default();
                tally.disqualified += is_disqualified;
                tally.submitted += 1;
            }
        }
        let process = Tally { disqualified, submitted: bids.len() };
        let add = |tallies: &mut HashMap<String, Tally>, id: &str| {
            let tally = tallies.entry(id.to_owned()).or_default();
            tally.disqualified += process.disqualified;
            tally.submitted += process.submitted;
        };
        if let Some(id) = release.get("buyer").and_then(|buyer| release::string(buyer, "id")) {
            add(&mut self.buyers, id);
        }
        if let Some(id) = release::tender(release)
            .and_then(|tender| tender.get("procuringEntity"))
            .and_then(|entity| release::string(entity, "id"))
        {
            add(&mut self.procuring_entities, id);
        }
    }

    fn finalize(&mut self, shared: &mut Shared) {
        self.flag(shared, Group::Buyer, &self.buyers, self.minimum_contracting_processes);
        self.flag(shared, Group::ProcuringEntity, &self.procuring_entities, self.minimum_contracting_processes);
        self.flag(shared, Group::Tenderer, &self.tenderers, self.minimum_submitted_bids);
    }
}

//! R048 Heterogeneous supplier: a supplier (of active awards with a single supplier) whose awarded
//! items span many classification groups (the first `digits`, default 2, characters of the item
//! classification ID) is a high outlier, at or above `Q3 + 1.5 IQR` (or the configured threshold),
//! among suppliers awarded in at least `minimum_contracting_processes` (default 20) processes.
//! The value is the number of groups, per flagged supplier (Tenderer group).

use std::collections::{BTreeSet, HashMap};

use super::{Indicator, Shared};
use crate::cardinal::output::{Code, Group};
use crate::cardinal::quantile::{quartiles, upper_fence};
use crate::cardinal::release::{self, Release};
use crate::cardinal::settings::R048Settings;

#[derive(Default)]
struct Supplier {
    processes: usize,
    groups: BTreeSet<String>,
}

pub(crate) struct R048 {
    digits: usize,
    threshold: Option<usize>,
    minimum_contracting_processes: usize,
    suppliers: HashMap<String, Supplier>,
}

impl R048 {
    pub(crate) fn new(setting: &R048Settings) -> Self {
        Self {
            digits: setting.digits.unwrap_or(2),
            threshold: setting.threshold,
            minimum_contracting_processes: setting.minimum_contracting_processes.unwrap_or(20),
            suppliers: HashMap::new(),
        }
    }
}

impl Indicator for R048 {
    fn fold(&mut self, release: &Release, _ocid: &str, _shared: &mut Shared) {
        let mut counted = BTreeSet::new();
        for award in release::awards(release).into_iter().flatten() {
            // Several suppliers on one award may split its items: attributing all items to each
            // would overstate heterogeneity.
            if !release::has_status(award, "active") || !award.get("items").is_some_and(serde_json::Value::is_array) {
                continue;
            }
            let Some(supplier) = release::sole_id(award, "suppliers") else { continue };
            for item in release::array(award, "items").into_iter().flatten() {
                let Some(id) = item
                    .get("classification")
                    .and_then(|c| c.as_object())
                    .and_then(|c| c.get("id"))
                    .and_then(|id| id.as_str())
                else {
                    continue;
                };
                let entry = self.suppliers.entry(supplier.to_owned()).or_default();
                if counted.insert(supplier) {
                    entry.processes += 1;
                }
                entry.groups.insert(id.chars().take(self.digits).collect());
            }
        }
    }

    fn finalize(&mut self, shared: &mut Shared) {
        let minimum = self.minimum_contracting_processes;
        let widths: Vec<(&String, f64)> = self
            .suppliers
            .iter()
            .filter(|(_, supplier)| supplier.processes >= minimum)
            .map(|(id, supplier)| (id, supplier.groups.len() as f64))
            .collect();
        let fence = match self.threshold {
            Some(threshold) => threshold as f64,
            None => {
                let values: Vec<f64> = widths.iter().map(|(_, width)| *width).collect();
                let (q1, q3) = quartiles(&values);
                shared.results.set_meta(Code::R048, "q1", q1);
                shared.results.set_meta(Code::R048, "q3", q3);
                upper_fence(q1, q3)
            }
        };
        shared.results.set_meta(Code::R048, "upper_fence", fence);
        for (id, width) in widths {
            if width >= fence {
                shared.results.set(Group::Tenderer, id, Code::R048, width);
            }
        }
    }
}

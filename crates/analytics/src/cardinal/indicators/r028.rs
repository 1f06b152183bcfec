//! R028 Identical bid prices: two submitted bids in a process have the same amount and currency
//! but different tenderers. A tenderer may repeat its own price. Value 1.0 for the process and
//! for every tenderer involved.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use super::{Indicator, Shared};
use crate::cardinal::output::{Code, Group};
use crate::cardinal::release::{self, Release};
use crate::cardinal::settings::Settings;

pub(crate) struct R028 {
    allow: BTreeSet<String>,
    deny: BTreeSet<String>,
}

impl R028 {
    pub(crate) fn new(settings: &Settings) -> Self {
        Self {
            allow: settings.price_comparison_procurement_methods.clone(),
            deny: settings.no_price_comparison_procurement_methods.clone(),
        }
    }
}

/// An amount as a hashable key; +0 and -0 are the same price.
fn price_key(amount: f64) -> u64 {
    if amount == 0.0 { 0 } else { amount.to_bits() }
}

impl Indicator for R028 {
    fn fold(&mut self, release: &Release, ocid: &str, shared: &mut Shared) {
        if !release::procurement_method_details_match(release, &self.allow, &self.deny) {
            return;
        }
        // The tenderers of the latest bid at each price.
        let mut seen: HashMap<(u64, &str), BTreeSet<&str>> = HashMap::new();
        for bid in release::submitted_bids(release) {
            let Some(tenderers) = release::array(bid, "tenderers") else { continue };
            let Some((amount, currency)) = release::amount_and_currency(bid) else { continue };
            let ids: BTreeSet<&str> = tenderers.iter().filter_map(|t| t.get("id").and_then(Value::as_str)).collect();
            if ids.is_empty() {
                continue;
            }
            let key = (price_key(amount), currency);
            if let Some(earlier) = seen.get(&key)
                && *earlier != ids
            {
                shared.results.set(Group::Ocid, ocid, Code::R028, 1.0);
                for id in ids.iter().chain(earlier) {
                    shared.results.set(Group::Tenderer, id, Code::R028, 1.0);
                }
            }
            seen.insert(key, ids);
        }
    }
}

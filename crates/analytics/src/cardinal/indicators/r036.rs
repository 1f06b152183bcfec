//! R036 Lowest bid disqualified: in a process with an active award, the lowest submitted bid (in
//! the main currency) is disqualified while at least one valid bid has a price. Value 1.0 per
//! flagged process.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Indicator, Shared};
use crate::cardinal::output::{Code, Group};
use crate::cardinal::release::{self, Release};
use crate::cardinal::settings::Settings;

pub(crate) struct R036 {
    allow: BTreeSet<String>,
    deny: BTreeSet<String>,
}

impl R036 {
    pub(crate) fn new(settings: &Settings) -> Self {
        Self {
            allow: settings.price_comparison_procurement_methods.clone(),
            deny: settings.no_price_comparison_procurement_methods.clone(),
        }
    }
}

impl Indicator for R036 {
    fn fold(&mut self, release: &Release, ocid: &str, shared: &mut Shared) {
        if !release::procurement_method_details_match(release, &self.allow, &self.deny) {
            return;
        }
        let Some(awards) = release::awards(release) else { return };
        if !awards.iter().any(|award| release::has_status(award, "active")) {
            return;
        }
        // The first bid wins ties (strictly lower replaces).
        let mut lowest: Option<(f64, bool)> = None;
        let mut valid_with_price = false;
        for bid in release::submitted_bids(release) {
            let Some(status) = bid.get("status").and_then(Value::as_str) else { continue };
            let Some((amount, currency)) = release::amount_and_currency(bid) else { continue };
            if !shared.currency.accepts(currency) {
                continue;
            }
            if lowest.is_none_or(|(low, _)| amount < low) {
                lowest = Some((amount, status == "disqualified"));
            }
            valid_with_price |= status == "valid";
        }
        if valid_with_price && lowest.is_some_and(|(_, disqualified)| disqualified) {
            shared.results.set(Group::Ocid, ocid, Code::R036, 1.0);
        }
    }
}

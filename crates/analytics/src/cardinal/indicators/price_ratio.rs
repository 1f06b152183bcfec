//! The relative distance from the winning bid up to the lowest other valid bid, per process
//! (Cardinal's "second-lowest bid ratio"), which R024 (too close) and R058 (too far) judge.
//!
//! Only processes where the comparison is meaningful get a ratio: every award final, exactly one
//! active award to exactly one supplier (so all bids competed for the same thing), valid bids by a
//! single tenderer in the main currency, and a winner whose bid was the lowest (otherwise the
//! award criteria were not price only). If the winner bid several times, its lowest bid counts.

use std::collections::BTreeSet;

use super::{Indicator, Shared};
use crate::cardinal::release::{self, Release};
use crate::cardinal::settings::Settings;

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PriceRatio {
    /// `(lowest other bid - winning bid) / winning bid`.
    pub(crate) ratio: f64,
    pub(crate) winner: String,
    /// The tenderer of the lowest other bid.
    pub(crate) runner_up: String,
}

pub(crate) struct PriceRatios {
    allow: BTreeSet<String>,
    deny: BTreeSet<String>,
}

impl PriceRatios {
    pub(crate) fn new(settings: &Settings) -> Self {
        Self {
            allow: settings.price_comparison_procurement_methods.clone(),
            deny: settings.no_price_comparison_procurement_methods.clone(),
        }
    }
}

impl Indicator for PriceRatios {
    fn fold(&mut self, release: &Release, ocid: &str, shared: &mut Shared) {
        if !release::procurement_method_details_match(release, &self.allow, &self.deny) {
            return;
        }
        let Some((active, details)) = release::final_awards_and_bids(release) else { return };
        let Some(supplier) = release::sole_winner(&active) else { return };

        // The first bid wins ties, as in Cardinal (strictly lower replaces).
        let mut winner: Option<(&str, f64)> = None;
        let mut runner_up: Option<(&str, f64)> = None;
        for bid in release::valid_priced_bids(details) {
            if !shared.currency.accepts(bid.currency) {
                continue;
            }
            let slot = if bid.tenderer == supplier { &mut winner } else { &mut runner_up };
            if slot.is_none_or(|(_, amount)| bid.amount < amount) {
                *slot = Some((bid.tenderer, bid.amount));
            }
        }

        if let (Some((winner, winning)), Some((runner_up, lowest_other))) = (winner, runner_up)
            && lowest_other >= winning
        {
            let ratio = PriceRatio {
                ratio: (lowest_other - winning) / winning,
                winner: winner.to_owned(),
                runner_up: runner_up.to_owned(),
            };
            shared.price_ratios.insert(ocid.to_owned(), ratio);
        }
    }
}

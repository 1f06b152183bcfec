//! The indicators step: every enabled indicator folds over the prepared releases one by one, then
//! the outlier indicators compute their fences over the whole sample in `finalize`.
//!
//! The order is Cardinal's: the second-lowest-bid ratio first (R024 and R058 read it), then R003 to
//! R058. It matters for one thing only: with no `currency` setting, the main currency is the first
//! one a price-reading indicator sees, in file order.

mod price_ratio;
mod r003;
mod r018;
mod r024;
mod r025;
mod r028;
mod r030;
mod r035;
mod r036;
mod r038;
mod r048;
mod r058;

use std::collections::{BTreeSet, HashMap};
use std::mem;

use serde_json::Value;

use super::output::Results;
use super::release::{self, Release};
use super::settings::Settings;

/// State shared between indicators.
#[derive(Default)]
pub(crate) struct Shared {
    pub(crate) results: Results,
    pub(crate) currency: MainCurrency,
    /// Per `ocid`: the relative distance from the winning bid up to the lowest other valid bid.
    pub(crate) price_ratios: HashMap<String, price_ratio::PriceRatio>,
}

/// The currency prices are compared in: the configured one, else the first one observed. Bids in
/// other currencies are skipped (and counted), never converted.
#[derive(Default)]
pub(crate) struct MainCurrency {
    configured: Option<String>,
    chosen: Option<String>,
    skipped: usize,
    /// The currencies skipped in the release being folded, for the per-line report.
    skipped_in_release: BTreeSet<String>,
}

impl MainCurrency {
    pub(crate) fn accepts(&mut self, currency: &str) -> bool {
        let configured = &self.configured;
        let main = self.chosen.get_or_insert_with(|| configured.clone().unwrap_or_else(|| currency.to_owned()));
        let accepted = main == currency;
        if !accepted {
            self.skipped += 1;
            if !self.skipped_in_release.contains(currency) {
                self.skipped_in_release.insert(currency.to_owned());
            }
        }
        accepted
    }
}

/// One indicator (or a helper that several read).
pub(crate) trait Indicator {
    /// Looks at one prepared release that passed the global exclusions.
    fn fold(&mut self, release: &Release, ocid: &str, shared: &mut Shared);

    /// Runs once after the last release.
    fn finalize(&mut self, _shared: &mut Shared) {}
}

/// The indicators step over prepared releases.
pub struct Indicators {
    indicators: Vec<Box<dyn Indicator>>,
    excluded_procurement_method_details: BTreeSet<String>,
    shared: Shared,
    releases: usize,
}

/// What the indicators step produced, with the facts a reader needs to interpret it.
#[derive(Clone, Debug, PartialEq)]
pub struct IndicatorOutput {
    pub results: Results,
    /// The currency prices were compared in (`None` if no price was read).
    pub main_currency: Option<String>,
    /// Bids skipped because their currency is not the main one (each time an indicator skips one).
    pub skipped_currency_bids: usize,
    /// Releases that passed the global exclusions.
    pub releases: usize,
}

impl Indicators {
    pub fn new(settings: &Settings) -> Self {
        let mut indicators: Vec<Box<dyn Indicator>> = Vec::new();
        if settings.r024.is_some() || settings.r058.is_some() {
            indicators.push(Box::new(price_ratio::PriceRatios::new(settings)));
        }
        if let Some(setting) = &settings.r003 {
            indicators.push(Box::new(r003::R003::new(setting)));
        }
        if let Some(setting) = &settings.r018 {
            indicators.push(Box::new(r018::R018::new(setting)));
        }
        if let Some(setting) = &settings.r024 {
            indicators.push(Box::new(r024::R024::new(setting)));
        }
        if let Some(setting) = &settings.r025 {
            indicators.push(Box::new(r025::R025::new(setting)));
        }
        if settings.r028.is_some() {
            indicators.push(Box::new(r028::R028::new(settings)));
        }
        if settings.r030.is_some() {
            indicators.push(Box::new(r030::R030));
        }
        if let Some(setting) = &settings.r035 {
            indicators.push(Box::new(r035::R035::new(setting)));
        }
        if settings.r036.is_some() {
            indicators.push(Box::new(r036::R036::new(settings)));
        }
        if let Some(setting) = &settings.r038 {
            indicators.push(Box::new(r038::R038::new(setting)));
        }
        if let Some(setting) = &settings.r048 {
            indicators.push(Box::new(r048::R048::new(setting)));
        }
        if let Some(setting) = &settings.r058 {
            indicators.push(Box::new(r058::R058::new(setting)));
        }
        let mut shared = Shared::default();
        shared.currency.configured = settings.currency.clone();
        Self {
            indicators,
            excluded_procurement_method_details: settings.excluded_procurement_method_details.clone(),
            shared,
            releases: 0,
        }
    }

    /// Adds one prepared release. Releases without a string `ocid`, cancelled processes and
    /// excluded `procurementMethodDetails` are left out of every indicator.
    pub fn add(&mut self, release: &Release) {
        let Some(ocid) = release.get("ocid").and_then(Value::as_str) else { return };
        let cancelled = release::tender(release)
            .is_some_and(|tender| tender.get("status").and_then(Value::as_str) == Some("cancelled"));
        let no_allow_list = BTreeSet::new();
        if cancelled
            || !release::procurement_method_details_match(
                release,
                &no_allow_list,
                &self.excluded_procurement_method_details,
            )
        {
            return;
        }
        self.releases += 1;
        for indicator in &mut self.indicators {
            indicator.fold(release, ocid, &mut self.shared);
        }
    }

    /// The main currency, once chosen.
    pub(crate) fn main_currency(&self) -> Option<&str> {
        self.shared.currency.chosen.as_deref()
    }

    /// The currencies that indicators skipped since the last call (in practice: in the release
    /// just added), because they are not the main currency.
    pub(crate) fn take_skipped_currencies(&mut self) -> BTreeSet<String> {
        mem::take(&mut self.shared.currency.skipped_in_release)
    }

    pub fn finish(mut self) -> IndicatorOutput {
        for indicator in &mut self.indicators {
            indicator.finalize(&mut self.shared);
        }
        IndicatorOutput {
            results: self.shared.results,
            main_currency: self.shared.currency.chosen,
            skipped_currency_bids: self.shared.currency.skipped,
            releases: self.releases,
        }
    }
}

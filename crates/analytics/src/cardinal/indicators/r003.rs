//! R003 Short submission period: the tender period (`/tender/tenderPeriod/endDate - startDate`,
//! in whole days, truncated) is shorter than the threshold (default 15 days, or the threshold for
//! the process's `procurementMethodDetails`). Value 1.0 per flagged process.

use std::collections::{BTreeMap, BTreeSet};

use super::{Indicator, Shared};
use crate::cardinal::output::{Code, Group};
use crate::cardinal::release::{self, Release};
use crate::cardinal::settings::R003Settings;
use crate::cardinal::timestamp::{parse_rfc3339, whole_days_between};

pub(crate) struct R003 {
    threshold: i64,
    procurement_methods: BTreeSet<String>,
    thresholds_by_details: BTreeMap<String, i64>,
}

impl R003 {
    pub(crate) fn new(setting: &R003Settings) -> Self {
        Self {
            threshold: setting.threshold.unwrap_or(15),
            procurement_methods: setting.procurement_methods.clone(),
            thresholds_by_details: setting.procurement_method_details.clone(),
        }
    }
}

impl Indicator for R003 {
    fn fold(&mut self, release: &Release, ocid: &str, shared: &mut Shared) {
        let Some(tender) = release::tender(release) else { return };
        if !release::procurement_method_matches(tender, &self.procurement_methods) {
            return;
        }
        let Some(period) = tender.get("tenderPeriod") else { return };
        let (Some(start), Some(end)) = (release::string(period, "startDate"), release::string(period, "endDate"))
        else {
            return;
        };
        let (Some(start), Some(end)) = (parse_rfc3339(start), parse_rfc3339(end)) else { return };
        let days = whole_days_between(start, end);
        let threshold = tender
            .get("procurementMethodDetails")
            .and_then(serde_json::Value::as_str)
            .and_then(|details| self.thresholds_by_details.get(details))
            .copied()
            .unwrap_or(self.threshold);
        if days < i128::from(threshold) {
            shared.results.set(Group::Ocid, ocid, Code::R003, 1.0);
        }
    }
}

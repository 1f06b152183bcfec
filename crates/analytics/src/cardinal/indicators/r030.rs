//! R030 Late bid won: a valid bid dated after `/tender/tenderPeriod/endDate` is by a supplier of
//! an active award. Dates compare as text, as Cardinal compares them (same-format timestamps).
//! Value 1.0 for the process and the tenderer.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Indicator, Shared};
use crate::cardinal::output::{Code, Group};
use crate::cardinal::release::{self, Release};

pub(crate) struct R030;

impl Indicator for R030 {
    fn fold(&mut self, release: &Release, ocid: &str, shared: &mut Shared) {
        let Some(end) = release::tender(release)
            .and_then(|tender| tender.get("tenderPeriod"))
            .and_then(|period| release::string(period, "endDate"))
        else {
            return;
        };
        let (Some(awards), Some(details)) = (release::awards(release), release::bid_details(release)) else { return };
        let winners: BTreeSet<&str> = awards
            .iter()
            .filter(|award| release::has_status(award, "active"))
            .filter_map(|award| release::array(award, "suppliers"))
            .flatten()
            .filter_map(|supplier| release::string(supplier, "id"))
            .collect();
        for bid in details {
            let Some(date) = release::string(bid, "date") else { continue };
            let Some(tenderers) = release::array(bid, "tenderers") else { continue };
            if !release::has_status(bid, "valid") || date <= end {
                continue;
            }
            for id in tenderers.iter().filter_map(|t| t.get("id").and_then(Value::as_str)) {
                if winners.contains(id) {
                    shared.results.set(Group::Ocid, ocid, Code::R030, 1.0);
                    shared.results.set(Group::Tenderer, id, Code::R030, 1.0);
                }
            }
        }
    }
}

//! R018 Single bid received: `/tender/numberOfTenderers` is 1 in an open or selective process
//! (the procurement methods are configurable). Value 1.0 per flagged process.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Indicator, Shared};
use crate::cardinal::output::{Code, Group};
use crate::cardinal::release::{self, Release};
use crate::cardinal::settings::{R018Settings, pipe_separated};

pub(crate) struct R018 {
    procurement_methods: BTreeSet<String>,
}

impl R018 {
    pub(crate) fn new(setting: &R018Settings) -> Self {
        let procurement_methods =
            setting.procurement_methods.clone().unwrap_or_else(|| pipe_separated("open|selective"));
        Self { procurement_methods }
    }
}

impl Indicator for R018 {
    fn fold(&mut self, release: &Release, ocid: &str, shared: &mut Shared) {
        let Some(tender) = release::tender(release) else { return };
        // Only an integer 1 counts: Cardinal reads the field as an unsigned integer.
        if release::procurement_method_matches(tender, &self.procurement_methods)
            && tender.get("numberOfTenderers").and_then(Value::as_u64) == Some(1)
        {
            shared.results.set(Group::Ocid, ocid, Code::R018, 1.0);
        }
    }
}

//! Indicator results in Cardinal's output shape: `{ group: { identifier: { code: value } } }`,
//! groups present only when they hold a result, plus a `Meta` object with the quartiles and fences
//! behind the outlier indicators, rounded to 4 decimals (NaN, from an empty sample, becomes null).

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Number, Value};

/// Whom a result is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// A contracting process (`/ocid`).
    Ocid,
    /// `/buyer/id`.
    Buyer,
    /// `/tender/procuringEntity/id`.
    ProcuringEntity,
    /// `/bids/details[]/tenderers[]/id` (or an award supplier).
    Tenderer,
}

impl Group {
    /// The key in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ocid => "OCID",
            Self::Buyer => "Buyer",
            Self::ProcuringEntity => "ProcuringEntity",
            Self::Tenderer => "Tenderer",
        }
    }
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An indicator code of Cardinal 0.0.8.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    R003,
    R018,
    R024,
    R025,
    R028,
    R030,
    R035,
    R036,
    R038,
    R048,
    R058,
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// All results of one run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Results {
    pub groups: BTreeMap<Group, BTreeMap<String, BTreeMap<Code, f64>>>,
    /// Per indicator: quartiles and fences by name (`q1`, `upper_fence`, `Buyer_q3`, ...), unrounded.
    pub meta: BTreeMap<Code, BTreeMap<String, f64>>,
}

impl Results {
    pub(crate) fn set(&mut self, group: Group, id: &str, code: Code, value: f64) {
        self.groups.entry(group).or_default().entry(id.to_owned()).or_default().insert(code, value);
    }

    pub(crate) fn set_meta(&mut self, code: Code, key: &str, value: f64) {
        self.meta.entry(code).or_default().insert(key.to_owned(), value);
    }

    /// The value of one result, if any.
    pub fn get(&self, group: Group, id: &str, code: Code) -> Option<f64> {
        self.groups.get(&group)?.get(id)?.get(&code).copied()
    }

    /// How many identifiers have a result, per non-empty group (Cardinal's `--count`).
    pub fn counts(&self) -> Vec<(Group, usize)> {
        self.groups.iter().filter(|(_, ids)| !ids.is_empty()).map(|(group, ids)| (*group, ids.len())).collect()
    }

    /// The JSON that `ocdscardinal indicators` prints; `with_meta = false` is its `--no-meta`.
    pub fn to_json(&self, with_meta: bool) -> Value {
        let mut root = Map::new();
        for (group, ids) in self.groups.iter().filter(|(_, ids)| !ids.is_empty()) {
            let ids = ids
                .iter()
                .map(|(id, codes)| {
                    let codes = codes.iter().map(|(code, value)| (code.to_string(), number(*value))).collect();
                    (id.clone(), Value::Object(codes))
                })
                .collect();
            root.insert(group.as_str().to_owned(), Value::Object(ids));
        }
        if with_meta {
            let meta = self
                .meta
                .iter()
                .map(|(code, entries)| {
                    let entries = entries.iter().map(|(key, value)| (key.clone(), number(round4(*value)))).collect();
                    (code.to_string(), Value::Object(entries))
                })
                .collect();
            root.insert("Meta".to_owned(), Value::Object(meta));
        }
        Value::Object(root)
    }
}

/// Cardinal rounds `Meta` values to 4 decimals, half away from zero.
fn round4(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

/// A JSON number, or null for NaN and infinities (which JSON cannot carry), as `serde_json` does.
fn number(value: f64) -> Value {
    Number::from_f64(value).map_or(Value::Null, Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape_counts_and_meta_rounding() {
        let mut results = Results::default();
        results.set(Group::Ocid, "ocds-1", Code::R003, 1.0);
        results.set(Group::Tenderer, "T", Code::R035, 0.0);
        results.set_meta(Code::R058, "q1", 0.060_606_06);
        results.set_meta(Code::R048, "q1", f64::NAN);
        let json = results.to_json(true);
        assert_eq!(json["OCID"]["ocds-1"]["R003"], 1.0);
        assert_eq!(json["Tenderer"]["T"]["R035"], 0.0);
        assert_eq!(json["Meta"]["R058"]["q1"], 0.0606);
        assert_eq!(json["Meta"]["R048"]["q1"], Value::Null);
        assert!(json.get("Buyer").is_none());
        assert!(results.to_json(false).get("Meta").is_none());
        assert_eq!(results.counts(), vec![(Group::Ocid, 1), (Group::Tenderer, 1)]);
    }
}

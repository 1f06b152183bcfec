//! Reading the parts of an OCDS compiled release that several indicators share. Every reader is
//! total: a field of the wrong JSON type counts as absent, as in Cardinal, because published data
//! is not clean (see `data/ocds/README.md`).

use std::collections::BTreeSet;

use serde_json::{Map, Value};

pub(crate) type Release = Map<String, Value>;

pub(crate) fn object<'a>(value: &'a Value, key: &str) -> Option<&'a Map<String, Value>> {
    value.get(key)?.as_object()
}

pub(crate) fn array<'a>(value: &'a Value, key: &str) -> Option<&'a Vec<Value>> {
    value.get(key)?.as_array()
}

pub(crate) fn string<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key)?.as_str()
}

pub(crate) fn tender(release: &Release) -> Option<&Map<String, Value>> {
    release.get("tender")?.as_object()
}

/// `/bids/details`, if it is an array.
pub(crate) fn bid_details(release: &Release) -> Option<&Vec<Value>> {
    release.get("bids")?.as_object()?.get("details")?.as_array()
}

/// `/awards`, if it is an array.
pub(crate) fn awards(release: &Release) -> Option<&Vec<Value>> {
    release.get("awards")?.as_array()
}

/// The `id` of the only entry of an organization array (`tenderers`, `suppliers`); `None` for
/// zero or several entries, because several tenderers on one bid (a consortium) cannot be matched
/// against one supplier.
pub(crate) fn sole_id<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    match array(value, key)?.as_slice() {
        [only] => string(only, "id"),
        _ => None,
    }
}

/// The active awards and the bids, when every award with a status is final. An award in any
/// other status (e.g. pending) can still change, so no indicator would be stable; awards without
/// a string status are ignored. Bids come back even without an active award.
pub(crate) fn final_awards_and_bids(release: &Release) -> Option<(Vec<&Value>, &Vec<Value>)> {
    let awards = awards(release)?;
    let details = bid_details(release)?;
    let mut active = Vec::new();
    for award in awards {
        match award.get("status").and_then(Value::as_str) {
            Some("active") => active.push(award),
            Some("cancelled" | "unsuccessful") | None => {}
            Some(_) => return None,
        }
    }
    Some((active, details))
}

/// The supplier of a process with exactly one active award to exactly one supplier: the only
/// shape in which Cardinal assumes all bids competed for the same thing.
pub(crate) fn sole_winner<'a>(active_awards: &[&'a Value]) -> Option<&'a str> {
    match active_awards {
        [award] => sole_id(award, "suppliers"),
        _ => None,
    }
}

/// Submitted bids: those with a status other than invited or withdrawn (pending, valid,
/// disqualified, or a code `prepare` could not map).
pub(crate) fn submitted_bids(release: &Release) -> Vec<&Value> {
    bid_details(release)
        .map(|details| {
            details
                .iter()
                .filter(|bid| matches!(bid.get("status").and_then(Value::as_str), Some(s) if s != "invited" && s != "withdrawn"))
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) fn has_status(value: &Value, status: &str) -> bool {
    value.get("status").and_then(Value::as_str) == Some(status)
}

/// A bid's amount and currency, when `value.amount` is a number and `value.currency` a string.
pub(crate) fn amount_and_currency(bid: &Value) -> Option<(f64, &str)> {
    let value = object(bid, "value")?;
    let amount = value.get("amount")?.as_f64()?;
    let currency = value.get("currency")?.as_str()?;
    Some((amount, currency))
}

/// A valid bid by a single tenderer, with a price.
pub(crate) struct PricedBid<'a> {
    pub(crate) tenderer: &'a str,
    pub(crate) amount: f64,
    pub(crate) currency: &'a str,
}

pub(crate) fn valid_priced_bids(details: &[Value]) -> Vec<PricedBid<'_>> {
    details
        .iter()
        .filter(|bid| has_status(bid, "valid"))
        .filter_map(|bid| {
            let (amount, currency) = amount_and_currency(bid)?;
            Some(PricedBid { tenderer: sole_id(bid, "tenderers")?, amount, currency })
        })
        .collect()
}

/// Whether `/tender/procurementMethodDetails` passes an allow list (if non-empty) or else a deny
/// list. A process without the field passes only a deny list.
pub(crate) fn procurement_method_details_match(
    release: &Release,
    allow: &BTreeSet<String>,
    deny: &BTreeSet<String>,
) -> bool {
    match tender(release).and_then(|tender| tender.get("procurementMethodDetails")).and_then(Value::as_str) {
        Some(details) if allow.is_empty() => !deny.contains(details),
        Some(details) => allow.contains(details),
        None => allow.is_empty(),
    }
}

/// Whether `/tender/procurementMethod` is in `methods`; an empty set lets every process through,
/// a non-empty one none without the field.
pub(crate) fn procurement_method_matches(tender: &Map<String, Value>, methods: &BTreeSet<String>) -> bool {
    methods.is_empty()
        || tender.get("procurementMethod").and_then(Value::as_str).is_some_and(|method| methods.contains(method))
}

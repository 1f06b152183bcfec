//! Cardinal's `prepare` step on one compiled release: normalizes organization references and ID
//! types, fills in configured defaults, redacts placeholder values, re-maps codelist values, and
//! reports the quality issues that would distort indicators (zero bid amounts, missing or invalid
//! statuses, missing currencies and classification schemes). Indicators then read the prepared
//! release, so a mapped `qualified` bid status counts as `valid`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use serde_json::{Map, Value};

use super::settings::Settings;

/// The `bidStatus` codes of the OCDS bids extension.
const BID_STATUS: [&str; 5] = ["invited", "pending", "valid", "disqualified", "withdrawn"];
/// The `awardStatus` codes of OCDS 1.1.
const AWARD_STATUS: [&str; 4] = ["pending", "active", "cancelled", "unsuccessful"];

/// What is wrong with a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Problem {
    NotSet,
    Invalid,
    IsZero,
}

impl Problem {
    /// Cardinal's wording, the last column of its CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotSet => "not set",
            Self::Invalid => "invalid",
            Self::IsZero => "is zero",
        }
    }
}

/// One quality issue, as a row of Cardinal's `prepare` error CSV.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Issue {
    /// 1-based line of the release in the input file.
    pub line: usize,
    /// The release's `ocid` as text (empty if it has none).
    pub ocid: String,
    /// The field, with `[]` for array levels, e.g. `/awards[]/status`.
    pub path: &'static str,
    /// The array indexes, joined by `.` when the path has several arrays.
    pub indexes: String,
    /// The offending value; empty when the field is not set.
    pub value: String,
    pub problem: Problem,
}

impl fmt::Display for Issue {
    /// A CSV row in Cardinal's column order: line, ocid, path, indexes, value, problem.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{},{},{},{},{},{}",
            self.line,
            csv_field(&self.ocid),
            self.path,
            self.indexes,
            csv_field(&self.value),
            self.problem.as_str()
        )
    }
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_owned() }
}

/// Organization IDs to the roles that their references imply (`party_roles = true`).
type RolesById = HashMap<String, BTreeSet<String>>;

/// How one kind of organization reference is normalized.
struct OrgRule<'a> {
    prefix: &'a str,
    role: &'a str,
}

/// Prepares `release` in place and returns its issues. `line` is its 1-based line number.
pub fn prepare_release(release: &mut Map<String, Value>, line: usize, settings: &Settings) -> Vec<Issue> {
    let mut preparer = Preparer { settings, line, ocid: ocid_text(release.get("ocid")), issues: Vec::new() };
    preparer.run(release);
    preparer.issues
}

fn ocid_text(ocid: Option<&Value>) -> String {
    match ocid {
        Some(Value::String(text)) => text.clone(),
        None | Some(Value::Null) => String::new(),
        Some(other) => other.to_string(),
    }
}

struct Preparer<'s> {
    settings: &'s Settings,
    line: usize,
    ocid: String,
    issues: Vec<Issue>,
}

impl Preparer<'_> {
    fn report(&mut self, path: &'static str, indexes: String, value: &str, problem: Problem) {
        let issue = Issue { line: self.line, ocid: self.ocid.clone(), path, indexes, value: value.to_owned(), problem };
        self.issues.push(issue);
    }

    fn run(&mut self, release: &mut Map<String, Value>) {
        let settings = self.settings;
        let modifications = &settings.modifications;
        let buyer_rule = |role| OrgRule { prefix: &modifications.prefix_buyer_or_procuring_entity_id, role };
        let supplier_rule = |role| OrgRule { prefix: &modifications.prefix_tenderer_or_supplier_id, role };

        // Parties are only type-normalized and redacted: their IDs are the reference point.
        self.normalize_org_array(release, "parties", &OrgRule { prefix: "", role: "" }, None);
        let mut roles = settings.defaults.party_roles.then(|| party_roles(release));

        self.normalize_org(release, "buyer", &buyer_rule("buyer"), roles.as_mut());
        if let Some(Value::Object(tender)) = release.get_mut("tender") {
            self.normalize_org(tender, "procuringEntity", &buyer_rule("procuringEntity"), roles.as_mut());
            if let Some(separator) = &modifications.split_procurement_method_details
                && let Some(Value::String(details)) = tender.get_mut("procurementMethodDetails")
            {
                let head = details.split(separator.as_str()).next().unwrap_or_default().trim_end().to_owned();
                *details = head;
            }
        }

        if modifications.move_auctions {
            move_auction_bids(release);
        }

        if let Some(Value::Object(bids)) = release.get_mut("bids")
            && let Some(Value::Array(details)) = bids.get_mut("details")
        {
            for (j, bid) in details.iter_mut().enumerate() {
                self.prepare_bid(bid, j, roles.as_mut(), &supplier_rule("tenderer"));
            }
        }

        let cancelled_awards =
            settings.award_status_by_contract_status.then(|| awards_with_all_contracts_cancelled(release));

        if let Some(Value::Array(awards)) = release.get_mut("awards") {
            for (j, award) in awards.iter_mut().enumerate() {
                self.prepare_award(award, j, cancelled_awards.as_ref(), roles.as_mut(), &supplier_rule("supplier"));
            }
        }

        if let Some(roles) = roles
            && let Some(Value::Array(parties)) = release.get_mut("parties")
        {
            for party in parties.iter_mut().filter_map(Value::as_object_mut) {
                let Some(implied) = party.get("id").and_then(Value::as_str).and_then(|id| roles.get(id)) else {
                    continue;
                };
                if !implied.is_empty() {
                    let sorted = implied.iter().cloned().map(Value::String).collect();
                    party.insert("roles".to_owned(), Value::Array(sorted));
                }
            }
        }
    }

    fn prepare_bid(&mut self, bid: &mut Value, j: usize, roles: Option<&mut RolesById>, rule: &OrgRule<'_>) {
        let defaults = &self.settings.defaults;
        if let Some(Value::Object(value)) = bid.get_mut("value") {
            if let Some(amount) = value.get("amount").and_then(Value::as_f64) {
                if self.settings.redactions.amounts.contains(&amount) {
                    value.remove("amount");
                } else if amount == 0.0 {
                    self.report("/bids/details[]/value/amount", j.to_string(), "", Problem::IsZero);
                }
            }
            if !value.contains_key("currency") {
                match &defaults.currency {
                    Some(currency) => {
                        value.insert("currency".to_owned(), Value::String(currency.clone()));
                    }
                    None => self.report("/bids/details[]/value/currency", j.to_string(), "", Problem::NotSet),
                }
            }
        }

        if let Some(Value::Array(items)) = bid.get_mut("items") {
            for (k, item) in items.iter_mut().enumerate() {
                self.fill_classification_scheme(item, "/bids/details[]/items[]/classification/scheme", j, k);
            }
        }

        let codes = &self.settings.bid_status_codes;
        self.prepare_status(bid, "/bids/details[]/status", j, defaults.bid_status.as_deref(), codes, &BID_STATUS);

        if let Value::Object(bid) = bid {
            self.normalize_org_array(bid, "tenderers", rule, roles);
        }
    }

    fn prepare_award(
        &mut self,
        award: &mut Value,
        j: usize,
        cancelled_awards: Option<&HashMap<String, bool>>,
        roles: Option<&mut RolesById>,
        rule: &OrgRule<'_>,
    ) {
        let default = self.settings.defaults.award_status.as_deref();
        let codes = &self.settings.award_status_codes;
        let Value::Object(object) = award else {
            // Not an award at all: its status cannot be set, so it is reported as not set.
            self.prepare_status(award, "/awards[]/status", j, default, codes, &AWARD_STATUS);
            return;
        };
        stringify_number(object, "id");

        if let Some(Value::Array(items)) = object.get_mut("items") {
            for (k, item) in items.iter_mut().enumerate() {
                if let Some(Value::Object(classification)) = item.get_mut("classification") {
                    stringify_number(classification, "id");
                }
                self.fill_classification_scheme(item, "/awards[]/items[]/classification/scheme", j, k);
            }
        }

        self.prepare_status(award, "/awards[]/status", j, default, codes, &AWARD_STATUS);

        let Value::Object(object) = award else { return };
        if let Some(cancelled) = cancelled_awards
            && let Some(id) = object.get("id").and_then(Value::as_str)
            && cancelled.get(id).copied().unwrap_or(false)
        {
            object.insert("status".to_owned(), Value::String("cancelled".to_owned()));
        }
        self.normalize_org_array(object, "suppliers", rule, roles);
    }

    /// Fills a missing status with the default (or reports it), re-maps a published code to its
    /// OCDS code, and reports a code that is still not in the codelist.
    fn prepare_status(
        &mut self,
        object: &mut Value,
        path: &'static str,
        j: usize,
        default: Option<&str>,
        codes: &BTreeMap<String, String>,
        codelist: &[&str],
    ) {
        if object.get("status").is_none() {
            match (default, object.as_object_mut()) {
                (Some(default), Some(map)) => {
                    map.insert("status".to_owned(), Value::String(default.to_owned()));
                }
                _ => self.report(path, j.to_string(), "", Problem::NotSet),
            }
        }
        if let Some(Value::String(status)) = object.get_mut("status") {
            if let Some(mapped) = codes.get(status.as_str()) {
                status.clone_from(mapped);
            }
            if !codelist.contains(&status.as_str()) {
                let value = status.clone();
                self.report(path, j.to_string(), &value, Problem::Invalid);
            }
        }
    }

    fn fill_classification_scheme(&mut self, item: &mut Value, path: &'static str, j: usize, k: usize) {
        if let Some(Value::Object(classification)) = item.get_mut("classification")
            && !classification.contains_key("scheme")
        {
            match &self.settings.defaults.item_classification_scheme {
                Some(scheme) => {
                    classification.insert("scheme".to_owned(), Value::String(scheme.clone()));
                }
                None => self.report(path, format!("{j}.{k}"), "", Problem::NotSet),
            }
        }
    }

    /// An organization reference (`{ "id": … }`): numeric IDs become strings, placeholder IDs are
    /// removed, the configured prefix is added, and the reference's role is noted for its party.
    fn normalize_org(
        &self,
        container: &mut Map<String, Value>,
        key: &str,
        rule: &OrgRule<'_>,
        roles: Option<&mut RolesById>,
    ) {
        if let Some(Value::Object(reference)) = container.get_mut(key) {
            self.normalize_reference(reference, rule, roles);
        }
    }

    /// An array of organization references; a single object where an array belongs is wrapped.
    fn normalize_org_array(
        &self,
        container: &mut Map<String, Value>,
        key: &str,
        rule: &OrgRule<'_>,
        mut roles: Option<&mut RolesById>,
    ) {
        if let Some(value) = container.get_mut(key)
            && value.is_object()
        {
            let object = value.take();
            *value = Value::Array(vec![object]);
        }
        if let Some(Value::Array(references)) = container.get_mut(key) {
            for reference in references.iter_mut().filter_map(Value::as_object_mut) {
                self.normalize_reference(reference, rule, roles.as_deref_mut());
            }
        }
    }

    fn normalize_reference(
        &self,
        reference: &mut Map<String, Value>,
        rule: &OrgRule<'_>,
        roles: Option<&mut RolesById>,
    ) {
        stringify_number(reference, "id");
        let Some(Value::String(id)) = reference.get_mut("id") else { return };
        if self.settings.redactions.organization_ids.contains(id.as_str()) {
            reference.remove("id");
            return;
        }
        if !id.starts_with(rule.prefix) {
            id.insert_str(0, rule.prefix);
        }
        if let Some(implied) = roles.and_then(|roles| roles.get_mut(id.as_str())) {
            implied.insert(rule.role.to_owned());
        }
    }
}

/// Each party's current roles, keyed by its (string) ID.
fn party_roles(release: &Map<String, Value>) -> RolesById {
    let mut roles = RolesById::new();
    if let Some(Value::Array(parties)) = release.get("parties") {
        for party in parties {
            if let Some(id) = party.get("id").and_then(Value::as_str) {
                let current = party
                    .get("roles")
                    .and_then(Value::as_array)
                    .map(|roles| roles.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                    .unwrap_or_default();
                roles.insert(id.to_owned(), current);
            }
        }
    }
    roles
}

/// `awardID` → whether every contract of that award is cancelled (`award_status_by_contract_status`).
fn awards_with_all_contracts_cancelled(release: &mut Map<String, Value>) -> HashMap<String, bool> {
    let mut all_cancelled = HashMap::new();
    if let Some(Value::Array(contracts)) = release.get_mut("contracts") {
        for contract in contracts.iter_mut().filter_map(Value::as_object_mut) {
            stringify_number(contract, "awardID");
            if let Some(award_id) = contract.get("awardID").and_then(Value::as_str) {
                let cancelled = contract.get("status").and_then(Value::as_str) == Some("cancelled");
                all_cancelled
                    .entry(award_id.to_owned())
                    .and_modify(|all: &mut bool| *all &= cancelled)
                    .or_insert(cancelled);
            }
        }
    }
    all_cancelled
}

/// Moves `/auctions[]/stages[]/bids[]` to `/bids/details[]`, unless `/bids` is already there.
fn move_auction_bids(release: &mut Map<String, Value>) {
    if release.contains_key("bids") && release.contains_key("auctions") {
        return;
    }
    let Some(Value::Array(auctions)) = release.get_mut("auctions") else { return };
    let mut details = Vec::new();
    for auction in auctions.iter_mut() {
        if let Some(Value::Array(stages)) = auction.get_mut("stages") {
            for stage in stages.iter_mut().filter_map(Value::as_object_mut) {
                if let Some(Value::Array(bids)) = stage.remove("bids") {
                    details.extend(bids);
                }
            }
        }
    }
    let mut bids = Map::new();
    bids.insert("details".to_owned(), Value::Array(details));
    release.insert("bids".to_owned(), Value::Object(bids));
}

/// Some publishers write IDs as numbers; lookups compare strings.
fn stringify_number(object: &mut Map<String, Value>, key: &str) {
    if let Some(value) = object.get_mut(key)
        && let Value::Number(number) = value
    {
        *value = Value::String(number.to_string());
    }
}

//! Bad input, line by line: a line that cannot be used is a finding naming its line and field
//! (or column), and the rest of the file is screened exactly as if the line were blank. Data-quality
//! problems inside a release (negative amounts, wrong currencies, bids without tenderers) are
//! findings too, and never stop the run.
#![allow(clippy::disallowed_methods, reason = "tests read the shared sample files; the library does no IO")]

use std::collections::BTreeSet;
use std::path::PathBuf;

use ggzy_analytics::cardinal::{Code, Finding, FindingKind, Group, Screener, Screening, Settings};
use serde_json::{Value, json};

/// Per-process indicators, so that one release cannot change another's result through a fence.
const SETTINGS: &str = "[R003]\n[R018]\n[R028]\n[R030]\n[R035]\n[R036]\n";

fn run(settings: &Settings, lines: &[String]) -> (Screening, Vec<Finding>) {
    let mut screener = Screener::new(settings);
    let mut findings = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        findings.extend(screener.add_line(index + 1, line.as_bytes()));
    }
    (screener.finish(), findings)
}

/// A process with one active award to `winner` and single-tenderer bids `(tenderer, amount, currency, status)`.
fn priced(ocid: &str, winner: &str, bids: &[(&str, Value, Value, &str)]) -> Value {
    let details: Vec<Value> = bids
        .iter()
        .map(|(tenderer, amount, currency, status)| {
            json!({"status": status, "tenderers": [{"id": tenderer}], "value": {"amount": amount, "currency": currency}})
        })
        .collect();
    json!({"ocid": ocid, "awards": [{"status": "active", "suppliers": [{"id": winner}]}], "bids": {"details": details}})
}

/// The hand-made file: good releases on lines 1, 8 and 10, one kind of bad input on each other line.
fn lines() -> Vec<String> {
    let good_1 = priced(
        "good-1",
        "W",
        &[("W", json!(100), json!("USD"), "valid"), ("X", json!(90), json!("USD"), "disqualified")],
    );
    let negative =
        priced("negative", "N1", &[("N1", json!(-5), json!("USD"), "valid"), ("N2", json!(10), json!("USD"), "valid")]);
    let currencies = priced(
        "currencies",
        "C1",
        &[
            ("C1", json!(100), json!("usd"), "valid"),
            ("C2", json!(90), json!("EUR"), "disqualified"),
            ("C3", json!(80), json!(840), "valid"),
        ],
    );
    let mut anonymous = priced("anonymous", "A1", &[("A1", json!(50), json!("USD"), "valid")]);
    anonymous["bids"]["details"] = json!([
        {"status": "valid", "value": {"amount": 40, "currency": "USD"}},
        {"status": "valid", "tenderers": [], "value": {"amount": 45, "currency": "USD"}},
        {"status": "disqualified", "tenderers": [{"name": "no id"}], "value": {"amount": 30, "currency": "USD"}},
        {"status": "valid", "tenderers": [{"id": "A1"}], "value": {"amount": 50, "currency": "USD"}},
    ]);
    let good_2 = json!({
        "ocid": "good-2",
        "tender": {"procurementMethod": "open", "numberOfTenderers": 1,
            "tenderPeriod": {"startDate": "2020-01-01T00:00:00Z", "endDate": "2020-01-05T00:00:00Z"}},
    });
    let good_3 =
        priced("good-3", "Y", &[("Y", json!(70), json!("USD"), "valid"), ("Z", json!(70), json!("USD"), "valid")]);
    let odd = json!({"ocid": "odd", "awards": [{"status": "active"}, 7],
        "bids": {"details": [1, "x", null, {"value": "cheap", "tenderers": "ACME"}, {"value": {"amount": "12"}}]}});
    vec![
        good_1.to_string(),                                                       // 1
        "{\"ocid\": \"broken\",".to_owned(),                                      // 2 not JSON
        "[1, 2, 3]".to_owned(),                                                   // 3 not an object
        json!({"id": "no-ocid", "tender": {"numberOfTenderers": 1}}).to_string(), // 4 no ocid
        negative.to_string(),                                                     // 5 negative amount
        currencies.to_string(),                                                   // 6 wrong currencies
        anonymous.to_string(),                                                    // 7 bids without tenderers
        good_2.to_string(),                                                       // 8
        "   ".to_owned(),                                                         // 9 blank
        good_3.to_string(),                                                       // 10
        odd.to_string(),                                                          // 11 odd shapes everywhere
        "\u{feff}{\"ocid\": \"bom\"}".to_owned(),                                 // 12 a byte-order mark is not JSON
    ]
}

const BAD: [usize; 7] = [2, 3, 4, 5, 6, 7, 11];

#[test]
fn each_bad_line_is_reported_with_its_line_and_field() {
    let settings = Settings::parse(SETTINGS).expect("settings");
    let (screening, findings) = run(&settings, &lines());
    let rows: Vec<(usize, &str)> = findings.iter().map(|f| (f.line, f.field.as_str())).collect();
    assert_eq!(
        rows,
        [
            (2, "column 18"),
            (3, "/"),
            (4, "/ocid"),
            (5, "/bids/details[0]/value/amount"),
            (6, "/bids/details[0]/value/currency"),
            (6, "/bids/details[0]/value/currency"),
            (6, "/bids/details[1]/value/currency"),
            (6, "/bids/details[2]/value/currency"),
            (7, "/bids/details[0]/tenderers"),
            (7, "/bids/details[1]/tenderers"),
            (7, "/bids/details[2]/tenderers"),
            (11, "/bids/details[3]/tenderers"),
            (11, "/bids/details[4]/value/amount"),
            (11, "/bids/details[4]/tenderers"),
            (12, "column 1"),
        ]
    );
    let texts: Vec<String> = findings.iter().map(ToString::to_string).collect();
    assert_eq!(texts[0], "line 2: column 18: not valid JSON (EOF while parsing a value); line skipped");
    assert_eq!(texts[1], "line 3: /: not a JSON object (a compiled release); line skipped");
    assert_eq!(texts[2], "line 4: /ocid: missing or not a string; release left out of the indicators");
    assert_eq!(texts[3], "line 5: /bids/details[0]/value/amount: negative amount -5; used as published");
    assert_eq!(texts[4], "line 6: /bids/details[0]/value/currency: \"usd\" is not an ISO 4217 currency code");
    assert_eq!(
        texts[5],
        "line 6: /bids/details[0]/value/currency: usd is not the main currency USD; the bid is left out of price comparisons"
    );
    assert_eq!(findings[6].kind, FindingKind::OtherCurrency { currency: "EUR".into(), main: "USD".into() });
    assert_eq!(texts[7], "line 6: /bids/details[2]/value/currency: not a string; the bid has no price");
    assert_eq!(texts[8], "line 7: /bids/details[0]/tenderers: no tenderer with an id; the bid counts for no tenderer");
    assert_eq!(findings[12].kind, FindingKind::AmountNotANumber);
    let skipped: BTreeSet<usize> = findings.iter().filter(|f| f.kind.skips_line()).map(|f| f.line).collect();
    assert_eq!(skipped, BTreeSet::from([2, 3, 4, 12]));
    // 12 lines: one blank, four skipped; the seven others are releases.
    assert_eq!(screening.releases_read, 7);
    assert_eq!(screening.indicators.main_currency.as_deref(), Some("USD"));
}

#[test]
fn the_other_lines_results_are_unchanged() {
    let settings = Settings::parse(SETTINGS).expect("settings");
    let all = lines();
    let (mixed, _) = run(&settings, &all);
    // The same file with every bad line blanked: same line numbers, only the good releases.
    let blanked: Vec<String> = all
        .iter()
        .enumerate()
        .map(|(i, line)| if BAD.contains(&(i + 1)) { String::new() } else { line.clone() })
        .collect();
    let (good, findings) = run(&settings, &blanked);
    assert_eq!(findings.iter().map(|f| f.line).collect::<Vec<_>>(), [12], "only the BOM line");
    let good_results = &good.indicators.results;
    assert!(!good_results.groups.is_empty());
    for (group, ids) in &good_results.groups {
        for (id, codes) in ids {
            assert_eq!(mixed.indicators.results.groups[group].get(id), Some(codes), "{group} {id}");
        }
    }
    // The flags of the good lines, written out, so that the comparison is not vacuous.
    let ocids: BTreeSet<&str> = good_results.groups[&Group::Ocid].keys().map(String::as_str).collect();
    assert_eq!(ocids, BTreeSet::from(["good-1", "good-2", "good-3"]));
    // Their prepare issues (none here) and the bad-but-valid releases' own flags are their own business.
    let good_issue_lines: Vec<usize> = good.issues.iter().map(|issue| issue.line).collect();
    let mixed_good_issue_lines: Vec<usize> =
        mixed.issues.iter().map(|issue| issue.line).filter(|line| !BAD.contains(line)).collect();
    assert_eq!(good_issue_lines, mixed_good_issue_lines);
    // The bad-but-valid lines, as Cardinal reads them: R036 skips the foreign and unpriced bids (the
    // lowest USD bid won), but a bid without tenderers still counts for its process (the lowest bid
    // of `anonymous`, 30, was disqualified), not for R035 (no disqualified *tenderer*).
    let results = &mixed.indicators.results;
    assert_eq!(results.groups[&Group::Ocid].get("currencies"), None);
    assert_eq!(results.groups[&Group::Ocid].get("anonymous").map(|codes| codes.len()), Some(1));
    assert_eq!(results.get(Group::Ocid, "anonymous", Code::R036), Some(1.0));
    assert_eq!(results.groups[&Group::Ocid].get("odd"), None);
}

fn sample(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/ocds").join(name)
}

#[test]
fn bad_lines_added_to_the_sample_change_nothing() {
    let settings = Settings::parse(&std::fs::read_to_string(sample("sample-dev.cardinal.ini")).expect("settings"))
        .expect("the sample settings parse");
    let text = std::fs::read_to_string(sample("sample-dev.jsonl")).expect("the sample");
    let clean: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut dirty = clean.clone();
    for bad in ["{\"ocid\": ", "[]", "\"text\"", "{\"tender\": {\"numberOfTenderers\": 1}}", "null"] {
        dirty.push(bad.to_owned());
    }
    let (before, _) = run(&settings, &clean);
    let (after, findings) = run(&settings, &dirty);
    assert_eq!(after.indicators.results.to_json(true), before.indicators.results.to_json(true));
    assert_eq!(after.indicators.skipped_currency_bids, before.indicators.skipped_currency_bids);
    assert_eq!(after.indicators.releases, before.indicators.releases);
    assert_eq!(after.issues, before.issues);
    let skipped: Vec<usize> = findings.iter().filter(|f| f.kind.skips_line()).map(|f| f.line).collect();
    assert_eq!(skipped, (708..=712).collect::<Vec<_>>());
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(sample("sample-dev.cardinal.json")).expect("the reference output"),
    )
    .expect("JSON");
    assert_eq!(after.indicators.results.counts(), vec![(Group::Ocid, 159), (Group::Tenderer, 25)]);
    assert!(expected.get("Meta").is_some());
}

#[test]
fn reading_only_the_needed_fields_changes_nothing_on_the_sample() {
    let settings = Settings::parse(&std::fs::read_to_string(sample("sample-dev.cardinal.ini")).expect("settings"))
        .expect("the sample settings parse");
    let text = std::fs::read_to_string(sample("sample-dev.jsonl")).expect("the sample");
    // Whole values, as `serde_json` builds them.
    let mut whole = Screener::new(&settings);
    let mut whole_findings = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let value: Value = serde_json::from_str(line).expect("each sample line is JSON");
        whole_findings.extend(whole.add_value(index + 1, value));
    }
    let whole = whole.finish();
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let (filtered, filtered_findings) = run(&settings, &lines);
    assert_eq!(filtered.indicators.results.to_json(true), whole.indicators.results.to_json(true));
    assert_eq!(filtered.indicators.skipped_currency_bids, whole.indicators.skipped_currency_bids);
    assert_eq!(filtered.issues, whole.issues);
    assert_eq!(filtered_findings, whole_findings);
    assert_eq!(filtered.releases_read, 707);
}

#[test]
fn reading_only_the_needed_fields_changes_nothing_with_every_prepare_option() {
    let settings = Settings::parse(
        "[defaults]\nparty_roles = true\nbid_status = valid\naward_status = active\nitem_classification_scheme = X\n\
         [corrections]\naward_status_by_contract_status = true\n[modifications]\nmove_auctions = true\n\
         prefix_buyer_or_procuring_entity_id = B-\nprefix_tenderer_or_supplier_id = T-\n\
         split_procurement_method_details = -\n[R003]\n[R018]\n[R024]\n[R025]\n[R028]\n[R030]\n[R035]\n[R036]\n\
         [R038]\n[R048]\nminimum_contracting_processes = 1\n[R058]\n",
    )
    .expect("settings");
    let mut all = lines();
    all.push(
        json!({"ocid": "auction", "parties": [{"id": 5, "roles": ["buyer"], "name": "x"}], "buyer": {"id": 5},
            "tender": {"procurementMethodDetails": "open - fast", "items": [{"id": 1}]},
            "auctions": [{"stages": [{"bids": [{"tenderers": {"id": 9}, "value": {"amount": 3}}]}]}],
            "awards": [{"id": 1, "items": [{"classification": {"id": 4510}}], "suppliers": {"id": 9}}],
            "contracts": [{"awardID": 1, "status": "cancelled", "documents": []}]})
        .to_string(),
    );
    let mut whole = Screener::new(&settings);
    let mut whole_findings = Vec::new();
    for (index, line) in all.iter().enumerate() {
        match serde_json::from_str::<Value>(line) {
            Ok(value) => whole_findings.extend(whole.add_value(index + 1, value)),
            Err(_) => whole_findings.extend(whole.add_line(index + 1, line.as_bytes())),
        }
    }
    let whole = whole.finish();
    let (filtered, filtered_findings) = run(&settings, &all);
    assert_eq!(filtered.indicators.results.to_json(true), whole.indicators.results.to_json(true));
    assert_eq!(filtered.issues, whole.issues);
    assert_eq!(filtered_findings, whole_findings);
    assert!(!filtered.indicators.results.groups.is_empty());
}

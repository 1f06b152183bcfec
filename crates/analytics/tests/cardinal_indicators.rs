//! Each Cardinal indicator on small hand-built releases: one case that must be flagged and one
//! that must not, so that a wrong definition fails here with a readable cause (the sample test
//! only says that something differs).

use ggzy_analytics::cardinal::{self, Code, Group, Problem, Results, Settings};
use serde_json::{Value, json};

fn run(settings: &str, releases: Vec<Value>) -> Results {
    let settings = Settings::parse(settings).expect("test settings parse");
    let lines = releases.into_iter().enumerate().map(|(index, release)| (index + 1, release));
    let (screening, _) = cardinal::screen(lines, &settings);
    screening.indicators.results
}

fn flag(results: &Results, group: Group, id: &str, code: Code) -> Option<f64> {
    results.get(group, id, code)
}

/// A process with one active award to `winner` and single-tenderer bids `(tenderer, amount, status)`.
fn priced(ocid: &str, winner: &str, bids: &[(&str, f64, &str)]) -> Value {
    let details: Vec<Value> = bids
        .iter()
        .map(|(tenderer, amount, status)| {
            json!({"status": status, "tenderers": [{"id": tenderer}], "value": {"amount": amount, "currency": "USD"}})
        })
        .collect();
    json!({
        "ocid": ocid,
        "awards": [{"status": "active", "suppliers": [{"id": winner}]}],
        "bids": {"details": details},
    })
}

fn period(ocid: &str, start: &str, end: &str) -> Value {
    json!({"ocid": ocid, "tender": {"procurementMethod": "open", "tenderPeriod": {"startDate": start, "endDate": end}}})
}

#[test]
fn r003_short_submission_period() {
    let results = run(
        "[R003]\n[R003.procurement_method_details]\nurgent = 5\n",
        vec![
            period("short", "2020-01-01T00:00:00Z", "2020-01-15T23:59:59Z"),
            period("long", "2020-01-01T00:00:00Z", "2020-01-16T00:00:00+00:00"),
            json!({"ocid": "urgent", "tender": {"procurementMethodDetails": "urgent",
                "tenderPeriod": {"startDate": "2020-01-01T00:00:00Z", "endDate": "2020-01-07T00:00:00Z"}}}),
            period("no-offset", "2020-01-01T00:00:00", "2020-01-02T00:00:00"),
        ],
    );
    assert_eq!(flag(&results, Group::Ocid, "short", Code::R003), Some(1.0));
    assert_eq!(flag(&results, Group::Ocid, "long", Code::R003), None);
    assert_eq!(flag(&results, Group::Ocid, "urgent", Code::R003), None, "6 days is not under the 5 days for `urgent`");
    assert_eq!(flag(&results, Group::Ocid, "no-offset", Code::R003), None, "not RFC 3339: skipped");
}

#[test]
fn r018_single_bid_received() {
    let tender = |ocid: &str, method: &str, count: Value| json!({"ocid": ocid, "tender": {"procurementMethod": method, "numberOfTenderers": count}});
    let results = run(
        "[R018]\n",
        vec![
            tender("one", "open", json!(1)),
            tender("two", "open", json!(2)),
            tender("limited", "limited", json!(1)),
            tender("float", "selective", json!(1.0)),
        ],
    );
    assert_eq!(flag(&results, Group::Ocid, "one", Code::R018), Some(1.0));
    assert_eq!(flag(&results, Group::Ocid, "two", Code::R018), None);
    assert_eq!(flag(&results, Group::Ocid, "limited", Code::R018), None);
    assert_eq!(flag(&results, Group::Ocid, "float", Code::R018), None, "Cardinal reads an unsigned integer");
}

#[test]
fn r024_price_close_to_winning_bid_with_a_threshold() {
    let results = run(
        "[R024]\nthreshold = 0.05\n",
        vec![
            priced("close", "W", &[("W", 100.0, "valid"), ("X", 102.0, "valid"), ("Y", 150.0, "valid")]),
            priced("far", "W", &[("W", 100.0, "valid"), ("X", 120.0, "valid")]),
            // The winner was not the lowest bidder: criteria are not price only, no ratio.
            priced("not-lowest", "W", &[("W", 100.0, "valid"), ("X", 99.0, "valid")]),
        ],
    );
    assert!((flag(&results, Group::Ocid, "close", Code::R024).expect("flagged") - 0.02).abs() < 1e-12);
    assert_eq!(flag(&results, Group::Tenderer, "W", Code::R024), Some(0.0));
    assert_eq!(flag(&results, Group::Tenderer, "X", Code::R024), Some(0.0));
    assert_eq!(flag(&results, Group::Tenderer, "Y", Code::R024), None);
    assert_eq!(flag(&results, Group::Ocid, "far", Code::R024), None);
    assert_eq!(flag(&results, Group::Ocid, "not-lowest", Code::R024), None);
    assert_eq!(results.meta[&Code::R024].len(), 1, "only the fence when it is configured");
}

#[test]
fn r024_uses_type_8_quartiles_for_its_fence() {
    // Ratios 0.1, 0.5, 0.5, 0.5, 0.5: Q1 = 0.1 + (2/3)(0.4), Q3 = 0.5, lower fence = Q1 - 1.5 IQR = 1/6.
    let mut releases = vec![priced("low", "W", &[("W", 100.0, "valid"), ("X", 110.0, "valid")])];
    for i in 0..4 {
        releases.push(priced(&format!("p{i}"), "W", &[("W", 100.0, "valid"), ("X", 150.0, "valid")]));
    }
    let results = run("[R024]\n", releases);
    let q1 = 0.1 + (2.0 / 3.0) * 0.4;
    assert!((results.meta[&Code::R024]["q1"] - q1).abs() < 1e-12);
    assert!((results.meta[&Code::R024]["lower_fence"] - 1.0 / 6.0).abs() < 1e-12);
    assert!(flag(&results, Group::Ocid, "low", Code::R024).is_some());
    assert_eq!(flag(&results, Group::Ocid, "p0", Code::R024), None);
}

#[test]
fn r025_excessive_unsuccessful_bids() {
    let mut releases = Vec::new();
    for i in 0..4 {
        releases.push(priced(&format!("p{i}"), "B", &[("A", 90.0, "valid"), ("B", 100.0, "valid")]));
    }
    let results = run("[R025]\nthreshold = 0.05\n", releases);
    assert_eq!(flag(&results, Group::Tenderer, "A", Code::R025), Some(0.0), "bid 4 times, won none");
    assert_eq!(flag(&results, Group::Tenderer, "B", Code::R025), None, "won every time");
}

#[test]
fn r028_identical_bid_prices() {
    let results = run(
        "[R028]\n",
        vec![
            priced("same", "A", &[("A", 100.0, "valid"), ("B", 100.0, "disqualified"), ("C", 90.0, "valid")]),
            priced("own-repeat", "A", &[("A", 100.0, "valid"), ("A", 100.0, "valid"), ("B", 90.0, "valid")]),
        ],
    );
    assert_eq!(flag(&results, Group::Ocid, "same", Code::R028), Some(1.0));
    assert_eq!(flag(&results, Group::Tenderer, "A", Code::R028), Some(1.0));
    assert_eq!(flag(&results, Group::Tenderer, "B", Code::R028), Some(1.0));
    assert_eq!(flag(&results, Group::Tenderer, "C", Code::R028), None);
    assert_eq!(flag(&results, Group::Ocid, "own-repeat", Code::R028), None);
}

#[test]
fn r030_late_bid_won() {
    let with_dates = |ocid: &str, bid_date: &str| {
        let mut release = priced(ocid, "W", &[("W", 100.0, "valid")]);
        release["bids"]["details"][0]["date"] = json!(bid_date);
        release["tender"] = json!({"tenderPeriod": {"endDate": "2020-01-10T00:00:00Z"}});
        release
    };
    let results = run(
        "[R030]\n",
        vec![with_dates("late", "2020-01-10T00:00:01Z"), with_dates("on-time", "2020-01-09T00:00:00Z")],
    );
    assert_eq!(flag(&results, Group::Ocid, "late", Code::R030), Some(1.0));
    assert_eq!(flag(&results, Group::Tenderer, "W", Code::R030), Some(1.0));
    assert_eq!(flag(&results, Group::Ocid, "on-time", Code::R030), None);
}

#[test]
fn r035_all_except_winning_bid_disqualified() {
    let results = run(
        "[R035]\n",
        vec![
            priced("all-out", "W", &[("W", 100.0, "valid"), ("X", 90.0, "disqualified"), ("Y", 95.0, "disqualified")]),
            priced("two-valid", "V", &[("V", 100.0, "valid"), ("Z", 90.0, "valid"), ("Y", 95.0, "disqualified")]),
        ],
    );
    assert_eq!(flag(&results, Group::Ocid, "all-out", Code::R035), Some(2.0));
    assert_eq!(flag(&results, Group::Tenderer, "W", Code::R035), Some(0.0));
    assert_eq!(flag(&results, Group::Ocid, "two-valid", Code::R035), None);
    assert_eq!(flag(&results, Group::Tenderer, "V", Code::R035), None);
}

#[test]
fn r036_lowest_bid_disqualified() {
    let mut foreign = priced("foreign", "W", &[("W", 100.0, "valid"), ("X", 90.0, "disqualified")]);
    foreign["bids"]["details"][1]["value"]["currency"] = json!("EUR");
    let results = run(
        "[R036]\n",
        vec![
            priced("lowest-out", "W", &[("W", 100.0, "valid"), ("X", 90.0, "disqualified")]),
            priced("lowest-won", "W", &[("W", 80.0, "valid"), ("X", 90.0, "disqualified")]),
            // USD is the main currency (first seen), so the cheaper EUR bid is not compared.
            foreign,
        ],
    );
    assert_eq!(flag(&results, Group::Ocid, "lowest-out", Code::R036), Some(1.0));
    assert_eq!(flag(&results, Group::Ocid, "lowest-won", Code::R036), None);
    assert_eq!(flag(&results, Group::Ocid, "foreign", Code::R036), None);
}

#[test]
fn r038_excessive_disqualified_bids() {
    let with_buyer = |ocid: &str, buyer: &str, statuses: [&str; 2]| {
        let mut release = priced(ocid, "A", &[("A", 100.0, statuses[0]), ("B", 90.0, statuses[1])]);
        release["buyer"] = json!({"id": buyer});
        release
    };
    let results = run(
        "[R038]\nthreshold = 0.5\n",
        vec![
            with_buyer("1", "strict", ["valid", "disqualified"]),
            with_buyer("2", "strict", ["disqualified", "disqualified"]),
            with_buyer("3", "fair", ["valid", "valid"]),
            with_buyer("4", "fair", ["valid", "valid"]),
        ],
    );
    assert_eq!(flag(&results, Group::Buyer, "strict", Code::R038), Some(0.75));
    assert_eq!(flag(&results, Group::Buyer, "fair", Code::R038), None);
    assert_eq!(flag(&results, Group::Tenderer, "B", Code::R038), Some(0.5), "2 of its 4 bids");
    assert_eq!(flag(&results, Group::Tenderer, "A", Code::R038), None);
}

#[test]
fn r048_heterogeneous_supplier() {
    let award = |ocid: &str, supplier: &str, codes: &[&str]| {
        let items: Vec<Value> = codes.iter().map(|code| json!({"classification": {"id": code}})).collect();
        json!({"ocid": ocid, "awards": [{"status": "active", "suppliers": [{"id": supplier}], "items": items}]})
    };
    let results = run(
        "[R048]\nthreshold = 3\nminimum_contracting_processes = 1\n",
        vec![
            award("1", "S", &["10100000", "20100000"]),
            award("2", "S", &["30100000"]),
            award("3", "T", &["1010", "1020"]),
        ],
    );
    assert_eq!(flag(&results, Group::Tenderer, "S", Code::R048), Some(3.0));
    assert_eq!(flag(&results, Group::Tenderer, "T", Code::R048), None);
}

#[test]
fn r058_heavily_discounted_bid() {
    let results = run(
        "[R058]\nthreshold = 0.5\n",
        vec![
            priced("discounted", "W", &[("W", 100.0, "valid"), ("X", 200.0, "valid")]),
            priced("normal", "V", &[("V", 100.0, "valid"), ("X", 110.0, "valid")]),
        ],
    );
    assert_eq!(flag(&results, Group::Ocid, "discounted", Code::R058), Some(1.0));
    assert_eq!(flag(&results, Group::Tenderer, "W", Code::R058), Some(0.0));
    assert_eq!(flag(&results, Group::Tenderer, "X", Code::R058), None);
    assert_eq!(flag(&results, Group::Ocid, "normal", Code::R058), None);
}

#[test]
fn cancelled_and_excluded_processes_are_left_out() {
    let mut cancelled = period("cancelled", "2020-01-01T00:00:00Z", "2020-01-02T00:00:00Z");
    cancelled["tender"]["status"] = json!("cancelled");
    let mut random = period("random", "2020-01-01T00:00:00Z", "2020-01-02T00:00:00Z");
    random["tender"]["procurementMethodDetails"] = json!("Random Selection");
    let results = run("[exclusions]\nprocurement_method_details = Random Selection\n[R003]\n", vec![cancelled, random]);
    assert!(results.groups.is_empty());
}

#[test]
fn prepare_maps_codes_fills_defaults_and_reports_issues() {
    let release = json!({
        "ocid": "p",
        "parties": [{"id": 7, "roles": ["payer"]}],
        "buyer": {"id": 7},
        "bids": {"details": [
            {"status": "qualified", "tenderers": {"id": "A"}, "value": {"amount": 0, "currency": "USD"}},
            {"status": "weird", "tenderers": [{"id": "B"}], "value": {"amount": 5}},
        ]},
        "awards": [{"id": 1, "suppliers": [{"id": "A"}]}],
    });
    let settings = Settings::parse(
        "[defaults]\nparty_roles = true\n[modifications]\nprefix_tenderer_or_supplier_id = T-\n[codelists.bid_status]\nqualified = valid\n",
    )
    .expect("test settings parse");
    let Value::Object(mut release) = release else { panic!("a release is an object") };
    let issues = cardinal::prepare_release(&mut release, 3, &settings);
    let rows: Vec<String> = issues.iter().map(ToString::to_string).collect();
    assert_eq!(
        rows,
        [
            "3,p,/bids/details[]/value/amount,0,,is zero",
            "3,p,/bids/details[]/value/currency,1,,not set",
            "3,p,/bids/details[]/status,1,weird,invalid",
            "3,p,/awards[]/status,0,,not set",
        ]
    );
    assert_eq!(issues[0].problem, Problem::IsZero);
    assert_eq!(release["bids"]["details"][0]["status"], "valid");
    assert_eq!(release["bids"]["details"][0]["tenderers"], json!([{"id": "T-A"}]), "object wrapped, prefixed");
    assert_eq!(release["awards"][0]["id"], "1");
    assert_eq!(release["parties"][0], json!({"id": "7", "roles": ["buyer", "payer"]}));
}

#[test]
fn a_value_that_is_not_a_release_is_a_finding_naming_its_line() {
    let settings = Settings::default();
    let (screening, findings) =
        cardinal::screen([(1, json!({"ocid": "a"})), (2, json!({"id": 1})), (4, json!([1]))], &settings);
    let rows: Vec<String> = findings.iter().map(ToString::to_string).collect();
    assert_eq!(
        rows,
        [
            "line 2: /ocid: missing or not a string; release left out of the indicators",
            "line 4: /: not a JSON object (a compiled release); line skipped",
        ]
    );
    assert_eq!(screening.releases_read, 1);
}

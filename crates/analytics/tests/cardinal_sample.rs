//! Our Cardinal reimplementation against the reference tool's own output on the shared OCDS
//! sample (`data/ocds/README.md`): the same results, every key and every value to 1e-9,
//! including `Meta`, and the same `prepare` quality issues.
#![allow(clippy::disallowed_methods, reason = "tests read the shared sample files; the library does no IO")]

use std::path::PathBuf;

use ggzy_analytics::cardinal::{self, FindingKind, Group, Screening, Settings};
use serde_json::Value;

fn sample(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/ocds").join(name)
}

fn read(name: &str) -> String {
    let path = sample(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn run_sample() -> Screening {
    let settings = Settings::parse(&read("sample-dev.cardinal.ini")).expect("the sample settings parse");
    let text = read("sample-dev.jsonl");
    let lines = text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| (index + 1, serde_json::from_str::<Value>(line).expect("each sample line is JSON")));
    let (screening, findings) = cardinal::screen(lines, &settings);
    // Findings on the sample: the Ukrainian bids (OCDS 1.0) in UAH, skipped because AMD is the main
    // currency, whose tenderers have an `identifier` but no `id`.
    let uah = findings
        .iter()
        .filter(
            |f| matches!(&f.kind, FindingKind::OtherCurrency { currency, main } if currency == "UAH" && main == "AMD"),
        )
        .count();
    let no_tenderer = findings.iter().filter(|f| f.kind == FindingKind::NoTenderer).count();
    let other: Vec<String> = findings
        .iter()
        .filter(|f| !matches!(f.kind, FindingKind::OtherCurrency { .. } | FindingKind::NoTenderer))
        .map(ToString::to_string)
        .collect();
    assert!(other.is_empty(), "{}", other.join("\n"));
    assert_eq!((uah, no_tenderer), (12, 12), "{findings:#?}");
    assert_eq!(screening.releases_read, 707);
    screening
}

/// Every difference between two JSON values, with its path; numbers are equal within 1e-9.
fn differences(path: &str, ours: &Value, theirs: &Value, found: &mut Vec<String>) {
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => {
            for key in a.keys().filter(|key| !b.contains_key(*key)) {
                found.push(format!("{path}/{key}: only ours ({})", a[key]));
            }
            for key in b.keys().filter(|key| !a.contains_key(*key)) {
                found.push(format!("{path}/{key}: only Cardinal's ({})", b[key]));
            }
            for (key, value) in a {
                if let Some(other) = b.get(key) {
                    differences(&format!("{path}/{key}"), value, other, found);
                }
            }
        }
        (Value::Number(a), Value::Number(b)) => {
            let (a, b) = (a.as_f64().unwrap_or(f64::NAN), b.as_f64().unwrap_or(f64::NAN));
            if (a - b).abs() > 1e-9 {
                found.push(format!("{path}: ours {a}, Cardinal's {b}"));
            }
        }
        _ if ours == theirs => {}
        _ => found.push(format!("{path}: ours {ours}, Cardinal's {theirs}")),
    }
}

#[test]
fn indicators_match_cardinal_on_the_sample() {
    let screening = run_sample();
    let expected: Value =
        serde_json::from_str(&read("sample-dev.cardinal.json")).expect("the reference output is JSON");
    let ours = screening.indicators.results.to_json(true);
    let mut found = Vec::new();
    differences("", &ours, &expected, &mut found);
    assert!(found.is_empty(), "{} differences:\n{}", found.len(), found.join("\n"));

    // The README's `--count` figures, and that the comparison was not vacuous.
    let counts = screening.indicators.results.counts();
    assert_eq!(counts, vec![(Group::Ocid, 159), (Group::Tenderer, 25)]);
    assert_eq!(expected["Meta"].as_object().map(serde_json::Map::len), Some(5));
    assert_eq!(screening.indicators.main_currency.as_deref(), Some("AMD"));
}

#[test]
fn prepare_reports_the_issues_cardinal_reported() {
    let screening = run_sample();
    let mut ours: Vec<String> = screening.issues.iter().map(ToString::to_string).collect();
    let mut theirs: Vec<String> = read("sample-dev.prepare-errors.csv").lines().map(str::to_owned).collect();
    // Cardinal prepares lines in parallel, so its row order is not meaningful.
    ours.sort();
    theirs.sort();
    assert_eq!(theirs.len(), 108);
    assert_eq!(ours, theirs);
}

//! `ggzy screen` end to end: the real binary on the shared OCDS sample prints what Cardinal
//! 0.0.8 printed (`data/ocds/sample-dev.cardinal.json`, values to 1e-9); a bad input line
//! is reported on standard error with its line and field and the rest is screened; only a file
//! with nothing readable fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn sample(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/ocds").join(name)
}

fn screen(ocds: &Path, extra: &[&str]) -> Output {
    screen_with(ocds, &sample("sample-dev.cardinal.ini"), extra)
}

fn screen_with(ocds: &Path, settings: &Path, extra: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ggzy"));
    // Neither a ./ggzy.toml nor the GGZY_* environment of the developer or CI may leak into the run.
    for (key, _) in std::env::vars() {
        if key.starts_with("GGZY_") {
            command.env_remove(key);
        }
    }
    command
        .arg("screen")
        .arg("--ocds")
        .arg(ocds)
        .arg("--settings")
        .arg(settings)
        .args(extra)
        .output()
        .expect("run ggzy screen")
}

/// Every difference between two JSON values, with its path; numbers are equal within 1e-9.
fn differences(path: &str, ours: &Value, theirs: &Value, found: &mut Vec<String>) {
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => {
            for key in a.keys().chain(b.keys()) {
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => differences(&format!("{path}/{key}"), x, y, found),
                    (Some(x), None) => found.push(format!("{path}/{key}: only ours ({x})")),
                    (None, Some(y)) => found.push(format!("{path}/{key}: only Cardinal's ({y})")),
                    (None, None) => {}
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
fn prints_what_cardinal_printed_on_the_sample() {
    let output = screen(&sample("sample-dev.jsonl"), &["--count"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let ours: Value = serde_json::from_slice(&output.stdout).expect("stdout is one JSON document");
    let reference = std::fs::read(sample("sample-dev.cardinal.json")).expect("read the reference output");
    let theirs: Value = serde_json::from_slice(&reference).expect("the reference output is JSON");
    let mut found = Vec::new();
    differences("", &ours, &theirs, &mut found);
    assert!(found.is_empty(), "{} differences:\n{}", found.len(), found.join("\n"));
    // `--count` goes to standard error, as in Cardinal, so stdout stays one JSON document.
    assert!(stderr.contains("OCID: 159\n") && stderr.contains("Tenderer: 25\n"), "{stderr}");
    assert!(stderr.contains("main currency AMD"), "{stderr}");
}

#[test]
fn writes_the_prepare_issues_as_cardinal_did() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let issues = dir.path().join("issues.csv");
    let output = screen(&sample("sample-dev.jsonl"), &["--issues", issues.to_str().expect("utf-8 path")]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let mut ours: Vec<String> =
        std::fs::read_to_string(&issues).expect("issues written").lines().map(str::to_owned).collect();
    let mut theirs: Vec<String> = std::fs::read_to_string(sample("sample-dev.prepare-errors.csv"))
        .expect("read the reference issues")
        .lines()
        .map(str::to_owned)
        .collect();
    ours.sort();
    theirs.sort();
    assert_eq!(ours, theirs);
}

/// One hand-made line per kind of bad input, between good releases (lines 1, 7 and 9).
const MIXED: [&str; 9] = [
    r#"{"ocid":"good-1","awards":[{"status":"active","suppliers":[{"id":"W"}]}],"bids":{"details":[{"status":"valid","tenderers":[{"id":"W"}],"value":{"amount":100,"currency":"USD"}},{"status":"disqualified","tenderers":[{"id":"X"}],"value":{"amount":90,"currency":"USD"}}]}}"#,
    r#"{"ocid": "broken", "#,
    r#"{"id":"no-ocid","tender":{"numberOfTenderers":1}}"#,
    r#"{"ocid":"negative","awards":[{"status":"active","suppliers":[{"id":"N1"}]}],"bids":{"details":[{"status":"valid","tenderers":[{"id":"N1"}],"value":{"amount":-5,"currency":"USD"}},{"status":"valid","tenderers":[{"id":"N2"}],"value":{"amount":10,"currency":"USD"}}]}}"#,
    r#"{"ocid":"currencies","awards":[{"status":"active","suppliers":[{"id":"C1"}]}],"bids":{"details":[{"status":"valid","tenderers":[{"id":"C1"}],"value":{"amount":100,"currency":"usd"}},{"status":"disqualified","tenderers":[{"id":"C2"}],"value":{"amount":90,"currency":"EUR"}}]}}"#,
    r#"{"ocid":"anonymous","bids":{"details":[{"status":"valid","value":{"amount":40,"currency":"USD"}}]}}"#,
    r#"{"ocid":"good-2","tender":{"procurementMethod":"open","numberOfTenderers":1,"tenderPeriod":{"startDate":"2020-01-01T00:00:00Z","endDate":"2020-01-05T00:00:00Z"}}}"#,
    "[1,2]",
    r#"{"ocid":"good-3","awards":[{"status":"active","suppliers":[{"id":"Y"}]}],"bids":{"details":[{"status":"valid","tenderers":[{"id":"Y"}],"value":{"amount":70,"currency":"USD"}},{"status":"valid","tenderers":[{"id":"Z"}],"value":{"amount":70,"currency":"USD"}}]}}"#,
];

#[test]
fn bad_lines_are_reported_and_the_rest_is_screened() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let settings = dir.path().join("per-process.ini");
    std::fs::write(&settings, "[R003]\n[R018]\n[R028]\n[R030]\n[R035]\n[R036]\n").expect("write the settings");
    let mixed = dir.path().join("mixed.jsonl");
    std::fs::write(&mixed, MIXED.join("\n") + "\n").expect("write the input");
    let output = screen_with(&mixed, &settings, &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let reported: Vec<&str> = stderr.lines().filter(|line| line.starts_with("line ")).collect();
    assert_eq!(
        reported,
        [
            "line 2: column 19: not valid JSON (EOF while parsing a value); line skipped",
            "line 3: /ocid: missing or not a string; release left out of the indicators",
            "line 4: /bids/details[0]/value/amount: negative amount -5; used as published",
            "line 5: /bids/details[0]/value/currency: \"usd\" is not an ISO 4217 currency code",
            "line 5: /bids/details[0]/value/currency: usd is not the main currency USD; the bid is left out of price comparisons",
            "line 5: /bids/details[1]/value/currency: EUR is not the main currency USD; the bid is left out of price comparisons",
            "line 6: /bids/details[0]/tenderers: no tenderer with an id; the bid counts for no tenderer",
            "line 8: /: not a JSON object (a compiled release); line skipped",
        ],
        "{stderr}"
    );
    assert!(stderr.contains("(6 releases read, 3 line(s) skipped or left out, 5 data-quality finding(s))"), "{stderr}");
    let ours: Value = serde_json::from_slice(&output.stdout).expect("stdout is one JSON document");

    // The good lines alone, at the same line numbers: their results are the same.
    let good = dir.path().join("good.jsonl");
    let blanked: Vec<&str> =
        MIXED.iter().enumerate().map(|(i, line)| if [0, 6, 8].contains(&i) { *line } else { "" }).collect();
    std::fs::write(&good, blanked.join("\n") + "\n").expect("write the input");
    let output = screen_with(&good, &settings, &[]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let alone: Value = serde_json::from_slice(&output.stdout).expect("stdout is one JSON document");
    let alone_ocids = alone["OCID"].as_object().expect("OCID results");
    assert_eq!(alone_ocids.keys().collect::<Vec<_>>(), ["good-1", "good-2", "good-3"]);
    for (group, ids) in alone.as_object().expect("an object").iter().filter(|(group, _)| *group != "Meta") {
        for (id, codes) in ids.as_object().expect("a group") {
            assert_eq!(&ours[group][id], codes, "{group} {id}");
        }
    }
}

#[test]
fn bad_lines_added_to_the_sample_leave_the_output_byte_identical() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let clean = screen(&sample("sample-dev.jsonl"), &[]);
    assert!(clean.status.success());
    let mut text = std::fs::read_to_string(sample("sample-dev.jsonl")).expect("read the sample");
    text.push_str("{\"ocid\": \n[]\n\"text\"\n{\"tender\":{}}\n\n");
    let dirty = dir.path().join("dirty.jsonl");
    std::fs::write(&dirty, text).expect("write the input");
    let output = screen(&dirty, &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(output.stdout, clean.stdout);
    for line in 708..=711 {
        assert!(stderr.contains(&format!("line {line}: ")), "{stderr}");
    }
}

#[test]
fn nothing_readable_is_an_error() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let cases = [
        ("", None),
        ("\n  \n", None),
        (
            "{\"ocid\": \n[1]\n{\"id\":\"x\"}\n",
            Some("line 1: column 9: not valid JSON (EOF while parsing a value); line skipped"),
        ),
    ];
    for (index, (text, reported)) in cases.into_iter().enumerate() {
        let path = dir.path().join(format!("bad{index}.jsonl"));
        std::fs::write(&path, text).expect("write the input");
        let output = screen(&path, &[]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{text:?} must fail");
        assert!(stderr.contains(&format!("bad{index}.jsonl: no compiled release could be read")), "{stderr}");
        if let Some(reported) = reported {
            assert!(stderr.contains(reported), "{stderr}");
            assert!(stderr.contains("line 2: /: not a JSON object"), "{stderr}");
            assert!(stderr.contains("line 3: /ocid: missing or not a string"), "{stderr}");
        }
        assert!(output.stdout.is_empty(), "no results on stdout");
    }
}

//! `ggzy screen` end to end: the real binary on the shared OCDS sample prints what Cardinal
//! 0.0.8 printed (`shared/data/ocds/sample-dev.cardinal.json`, values to 1e-9), and a bad input
//! line is an error that names the line and the field.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn sample(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/ocds").join(name)
}

fn screen(ocds: &std::path::Path, extra: &[&str]) -> Output {
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
        .arg(sample("sample-dev.cardinal.ini"))
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

#[test]
fn a_bad_line_is_named() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let cases = [
        ("{\"ocid\":\"a\"}\n{\"ocid\": \n", "line 2, column 9: not valid JSON"),
        ("{\"ocid\":\"a\"}\n\n{\"id\":\"x\"}\n", "line 3: field /ocid is missing or not a string"),
        ("[1,2]\n", "line 1: not a JSON object"),
    ];
    for (index, (text, message)) in cases.into_iter().enumerate() {
        let path = dir.path().join(format!("bad{index}.jsonl"));
        std::fs::write(&path, text).expect("write the input");
        let output = screen(&path, &[]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{text:?} must fail");
        assert!(stderr.contains(message), "{text:?}: {stderr}");
        assert!(stderr.contains(&format!("bad{index}.jsonl")), "the file is named: {stderr}");
        assert!(output.stdout.is_empty(), "no partial results on stdout");
    }
}

//! `ggzy import --ocds` through the real binary: another publisher's compiled releases become
//! reference data, one per ocid (a later `date` replaces an earlier one, an older one is ignored);
//! each bad line is reported with its line number and field and the rest imported; the import is
//! an event naming the file's SM3 digest; the imports export as read and screen with `ggzy screen`; a
//! file with nothing importable fails.

use std::process::Command;

use ggzy_store::{Store, StoreOptions};
use serde_json::Value;

fn ggzy(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ggzy")).args(args).output().expect("run ggzy")
}

#[tokio::test]
async fn releases_are_imported_once_per_ocid_and_bad_lines_are_reported_by_line_and_field() {
    let dir = tempfile::tempdir().expect("dir");
    let sample = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/ocds/sample-dev.jsonl"))
        .expect("sample");
    let mut lines: Vec<String> = sample.lines().take(50).map(str::to_owned).collect();
    let first: Value = serde_json::from_str(&lines[0]).expect("json");
    let ocid = first["ocid"].as_str().expect("ocid").to_owned();
    lines.push("{\"ocid\": ".to_owned()); // 51: not JSON
    lines.push(r#"{"date": "2018-01-11T17:30:19Z", "tag": ["compiled"]}"#.to_owned()); // 52: no ocid
    lines.push(r#"{"ocid": "ocds-x-1", "date": "2018-01-11T17:30:19Z", "tag": ["tender"]}"#.to_owned()); // 53
    let mut older = first.clone();
    older["date"] = Value::from("2000-01-01T00:00:00Z");
    older["title_note"] = Value::from("older");
    lines.push(older.to_string()); // 54: an older release of the first process: ignored
    let mut newer = first.clone();
    newer["date"] = Value::from("2030-01-01T00:00:00Z");
    lines.push(newer.to_string()); // 55: a newer one: replaces it
    let file = dir.path().join("other.jsonl");
    std::fs::write(&file, lines.join("\n") + "\n").expect("write");

    let data = dir.path().join("data");
    let args = |file: &std::path::Path| {
        vec![
            "import".to_owned(),
            "--data-dir".to_owned(),
            data.display().to_string(),
            "--ocds".to_owned(),
            file.display().to_string(),
            "--publisher".to_owned(),
            "Armeps (OCP sample data)".to_owned(),
            "--region".to_owned(),
            "330100".to_owned(),
        ]
    };
    let output = ggzy(&args(&file).iter().map(String::as_str).collect::<Vec<_>>());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("line 51: column"), "{stderr}");
    assert!(stderr.contains("line 52: /ocid: is missing"), "{stderr}");
    assert!(stderr.contains("line 53: /tag: must contain"), "{stderr}");
    assert!(stderr.contains("imported 52 releases of Armeps (OCP sample data); 3 lines refused"), "{stderr}");

    let store = Store::connect(&format!("sqlite://{}/platform.db", data.display()), StoreOptions::default())
        .await
        .expect("store");
    assert_eq!(store.ocds_import_count().await.expect("count"), 50, "one row per ocid");
    let (_, date, json) = store.ocds_imported(&ocid).await.expect("read").expect("held");
    assert_eq!(date, "2030-01-01T00:00:00Z");
    assert!(!json.contains("older"));
    let events = store.scan(0, 1_000).await.expect("events");
    let imports: Vec<_> = events.iter().filter(|e| e.event_type == "OcdsImported").collect();
    assert_eq!(imports.len(), 1);
    assert!(imports[0].payload.contains("\"imported\":52") && imports[0].payload.contains("\"rejected\":3"));
    store.close().await;

    // The imported releases go out as read, and `ggzy screen` runs on them.
    let exported = dir.path().join("imported.jsonl");
    let output = ggzy(&[
        "export",
        "--data-dir",
        &data.display().to_string(),
        "--ocds",
        "--imported",
        "--out",
        &exported.display().to_string(),
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = std::fs::read_to_string(&exported).expect("export");
    assert_eq!(text.lines().count(), 50);
    assert!(text.lines().any(|line| line.contains("2030-01-01T00:00:00Z")), "the newer release is the one held");
    let settings = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/ocds/sample-dev.cardinal.ini");
    let output = ggzy(&["screen", "--ocds", &exported.display().to_string(), "--settings", settings]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let results: Value = serde_json::from_slice(&output.stdout).expect("screen JSON");
    assert!(results["OCID"].as_object().is_some_and(|ocids| !ocids.is_empty()), "{results}");

    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, "not json\n[1, 2]\n").expect("write");
    let output = ggzy(&args(&bad).iter().map(String::as_str).collect::<Vec<_>>());
    assert!(!output.status.success(), "nothing importable must fail");
    assert!(String::from_utf8_lossy(&output.stderr).contains("line 2: not a JSON object"));
}

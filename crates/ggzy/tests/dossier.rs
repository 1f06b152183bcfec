//! The dossier (电子档案) of a tender, end to end: a tender is opened over HTTP with real sealed bids,
//! `ggzy export --dossier` writes its dossier from the database, and `ggzy verify --dossier` checks it
//! with no database. Then single-byte edits of each part of the file, and dropped lines, must each
//! be found and named by the check they break.

// The API suite's harness and tender fixture, shared rather than copied; this test uses part of them.
#[allow(dead_code, reason = "shared with the API suite, which uses the rest")]
#[path = "api/helpers.rs"]
mod helpers;
#[allow(dead_code, reason = "shared with the API suite, which uses the rest")]
#[path = "api/tender_fixture.rs"]
mod tender_fixture;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use ggzy::config::Config;
use ggzy::dossier::{Check, DossierFinding, DossierOutcome, verify_dossier};
use ggzy_crypto::envelope::{Envelope, KeyHolder};
use ggzy_crypto::sm2::PrivateKey;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, call, spawn_apps_with};
use crate::tender_fixture::{Ca, DEADLINE_MS, TenderFixture, trust};

/// The binary, run in `dir` with no `GGZY_*` settings inherited (no `./ggzy.toml`, no caller's
/// environment pointing it at another database).
fn ggzy(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ggzy"));
    command.current_dir(dir);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("GGZY_") {
            command.env_remove(key);
        }
    }
    command
}

fn output_text(output: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A tender taking bids: four sealed bids for lot 1. Returns the fixture and the sealed files.
async fn bidding_tender(app: &TestApp, ca: &Ca) -> (TenderFixture, Vec<Vec<u8>>) {
    let fixture = tender_fixture::tender(app, ca, true).await;
    let mut files = Vec::new();
    for (i, bidder) in fixture.bidders.iter().enumerate() {
        let (bytes, digest) = fixture.seal(bidder, 10_000_000 + i as i64, 2_000 + i);
        let (status, body) = fixture.submit(app, bidder, bytes.clone(), &digest).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        files.push(bytes);
    }
    (fixture, files)
}

/// The opening at the deadline, one bidder decrypting its own bid, and the signed record at close.
async fn open_and_close(app: &TestApp, fixture: &mut TenderFixture, files: &[Vec<u8>]) {
    app.clock.set_ms(DEADLINE_MS);
    fixture.relogin(app).await;
    let (status, _, body) = call(fixture.principal.post(app, &fixture.path("/opening"))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let bidder = &fixture.bidders[0];
    let data_key =
        Envelope::parse(&files[0]).expect("envelope").unwrap_key(&bidder.key, KeyHolder::Bidder).expect("own key");
    let key_path = fixture.path(&format!("/lots/1/bids/{}/key", bidder.code));
    let (status, _, body) =
        call(bidder.session.post(app, &key_path).json(&json!({"data_key_hex": hex::encode(data_key)}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _, body) = call(fixture.principal.post(app, &fixture.path("/opening/close"))).await;
    assert_eq!((status, body["state"].as_str()), (StatusCode::OK, Some("opened")), "{body}");
}

fn outcome(text: &str) -> DossierOutcome {
    verify_dossier(text.as_bytes(), None).expect("reading from memory cannot fail")
}

/// The finding for an edited dossier (the test fails if the edit goes unnoticed).
fn broken(text: &str, what: &str) -> DossierFinding {
    match outcome(text) {
        DossierOutcome::Broken(finding) => finding,
        DossierOutcome::Intact(summary) => panic!("{what}: not detected\n{summary}"),
    }
}

fn assert_broken(text: &str, what: &str, check: Check, line: Option<u64>, says: &str) {
    let finding = broken(text, what);
    assert_eq!((finding.check, finding.line), (check, line), "{what}: {finding}");
    assert!(finding.reason.contains(says), "{what}: {finding} does not say {says:?}");
}

/// The text with one ASCII byte replaced by another ASCII byte (so the file stays UTF-8).
fn with_byte(text: &str, at: usize, replacement: impl Fn(u8) -> u8) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let original = bytes[at];
    bytes[at] = replacement(original);
    assert!(original.is_ascii() && bytes[at].is_ascii() && bytes[at] != original, "not a one-byte ASCII edit");
    String::from_utf8(bytes).expect("ASCII for ASCII keeps UTF-8")
}

/// Another lower-case hex digit.
fn other_hex(byte: u8) -> u8 {
    if byte == b'0' { b'1' } else { b'0' }
}

/// The file offset just after the first `marker` at or after `from`.
fn after(text: &str, from: usize, marker: &str) -> usize {
    from + text[from..].find(marker).unwrap_or_else(|| panic!("no {marker:?} after {from}")) + marker.len()
}

/// Where each line starts, and each line.
fn lines(text: &str) -> Vec<(usize, &str)> {
    let mut start = 0;
    text.split_terminator('\n')
        .map(|line| {
            let at = start;
            start += line.len() + 1;
            (at, line)
        })
        .collect()
}

/// The text without line `index` (0-based).
fn without_line(text: &str, index: usize) -> String {
    lines(text).iter().enumerate().filter(|(i, _)| *i != index).map(|(_, (_, line))| format!("{line}\n")).collect()
}

/// Line number (1-based) of a 0-based index.
fn number(index: usize) -> Option<u64> {
    Some(u64::try_from(index).expect("index") + 1)
}

fn event_of(line: &str) -> Value {
    serde_json::from_str::<Value>(line).expect("JSON line")["event"].clone()
}

/// Every single-byte edit and dropped line the brief names, each found by its own check.
fn check_edits(dossier: &str, tender_id: &str) {
    let all = lines(dossier);
    let events: Vec<(usize, usize, Value)> = all
        .iter()
        .enumerate()
        .filter(|(_, (_, line))| line.starts_with("{\"event\":"))
        .map(|(index, (start, line))| (index, *start, event_of(line)))
        .collect();
    let blobs: Vec<(usize, usize)> = all
        .iter()
        .enumerate()
        .filter(|(_, (_, line))| line.starts_with("{\"blob_sm3\":"))
        .map(|(index, (start, _))| (index, *start))
        .collect();
    assert_eq!(blobs.len(), 4, "one bid file per bidder");
    let tender_stream = format!("tender-{tender_id}");
    let find = |pred: &dyn Fn(&Value) -> bool| events.iter().find(|(_, _, e)| pred(e)).expect("such an event");

    // An event's payload: one digit of a BidSubmitted payload.
    let (index, start, event) = find(&|e| e["event_type"] == "BidSubmitted");
    let payload = after(dossier, *start, "\"payload\":\"");
    let digit = payload + dossier[payload..].find(|c: char| c.is_ascii_digit()).expect("a digit");
    let edited = with_byte(dossier, digit, |b| if b == b'9' { b'8' } else { b + 1 });
    let position = event["position"].as_i64().expect("position");
    assert_broken(&edited, "payload byte", Check::EventHash, number(*index), &format!("event {position}"));

    // An event's hash.
    let (index, start, _) = &events[0];
    let edited = with_byte(dossier, after(dossier, *start, ",\"hash\":\""), other_hex);
    assert_broken(&edited, "hash byte", Check::EventHash, number(*index), "does not match its fields");

    // An audit path.
    let (index, start, _) = &events[1];
    let edited = with_byte(dossier, after(dossier, *start, "\"audit_path\":[\"") + 5, other_hex);
    assert_broken(&edited, "audit path byte", Check::Inclusion, number(*index), "is not proven in the tree head");

    // The tree head's signature (DER; a byte well inside r or s).
    let head_signature = after(dossier, after(dossier, 0, "\"tree_head\":{"), "\"signature\":\"");
    let edited = with_byte(dossier, head_signature + 20, other_hex);
    assert_broken(&edited, "tree head signature byte", Check::TreeHeadSignature, Some(1), "tree head of size");

    // The platform's signature over the header.
    let edited = with_byte(dossier, after(dossier, 0, "],\"signature\":\"") + 20, other_hex);
    assert_broken(&edited, "header signature byte", Check::DossierSignature, Some(1), "over the header");

    // A listed stream's version changed: the header's signature covers it.
    let at = after(dossier, 0, &format!("{{\"stream_id\":\"{tender_stream}\",\"last_version\":"));
    let edited = with_byte(dossier, at, |b| if b == b'9' { b'8' } else { b + 1 });
    assert_broken(&edited, "signed stream list", Check::DossierSignature, Some(1), "over the header");

    // A byte of a bid file.
    let (index, start) = blobs[1];
    let edited =
        with_byte(dossier, after(dossier, start, "\"bytes_base64\":\"") + 100, |b| if b == b'A' { b'B' } else { b'A' });
    assert_broken(&edited, "bid file byte", Check::BidFile, number(index), "was altered");

    // An event dropped from the middle of a stream: the tender's second.
    let (index, _, _) = find(&|e| e["stream_id"] == tender_stream.as_str() && e["stream_version"] == 2);
    let edited = without_line(dossier, *index);
    // The next line of the stream is where the gap shows; it moved up into the dropped line's place.
    let (next, _, _) = find(&|e| e["stream_id"] == tender_stream.as_str() && e["stream_version"] == 3);
    assert_broken(&edited, "dropped event", Check::StreamVersions, number(next - 1), "version 3");

    // The last event of a stream dropped (the signed opening record): only the signed list tells.
    let (index, _, last) = events
        .iter()
        .filter(|(_, _, e)| e["stream_id"] == tender_stream.as_str())
        .max_by_key(|(_, _, e)| e["stream_version"].as_i64())
        .expect("tender stream");
    assert_eq!(last["event_type"], "OpeningRecordSigned");
    let edited = without_line(dossier, *index);
    let first_blob = number(blobs[0].0 - 1);
    assert_broken(&edited, "dropped last event", Check::Completeness, first_blob, &tender_stream);

    // A bid file dropped.
    let edited = without_line(dossier, blobs[2].0);
    assert_broken(&edited, "dropped bid file", Check::BidFile, None, "which the dossier does not hold");

    // The format: another version, and a cut file.
    let edited = dossier.replacen(ggzy::dossier::FORMAT, "GGZY-DOSSIER-V2", 1);
    assert_broken(&edited, "format", Check::Format, Some(1), "is not GGZY-DOSSIER-V1");
    let cut = &dossier[..dossier.len() - 1];
    assert_broken(cut, "cut", Check::Format, number(all.len() - 1), "truncated");
    // Same values, other bytes: upper-case hex is an edit too.
    let (index, start, _) = &events[2];
    let at = after(dossier, *start, ",\"hash\":\"");
    let edited = with_byte(dossier, at + dossier[at..].find(|c: char| c.is_ascii_lowercase()).expect("a-f"), |b| {
        b.to_ascii_uppercase()
    });
    assert_broken(&edited, "upper-case hex", Check::Format, number(*index), "");
}

#[tokio::test]
async fn an_opened_tenders_dossier_verifies_offline_and_every_edit_is_named() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    let urls = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&urls);
    let trusted = trust(&ca, dir.path());
    let apps = spawn_apps_with(move |config: &mut Config| {
        trusted(config);
        seen.lock().expect("lock").push(config.database_url.clone().expect("the harness sets a URL"));
    })
    .await;
    let urls = urls.lock().expect("lock").clone();
    for (backend, (app, url)) in apps.into_iter().zip(urls).enumerate() {
        let (mut fixture, files) = bidding_tender(&app, &ca).await;
        let tender_id = fixture.tender_id.clone();
        let out = dir.path().join(format!("dossier-{backend}.jsonl"));
        let export = |tender: &str, out: &Path| {
            ggzy(dir.path())
                .args(["export", "--dossier", tender, "--out"])
                .arg(out)
                .arg("--data-dir")
                .arg(app.data_dir())
                .args(["--database-url", &url])
                .output()
                .expect("run ggzy export --dossier")
        };
        // Before the opening the dossier would name the bidders, who are sealed until then (法 22).
        let output = export(&tender_id, &out);
        assert_eq!(output.status.code(), Some(1), "{}", output_text(&output));
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("has not reached its opening"),
            "{}",
            output_text(&output)
        );
        assert!(!out.exists());

        open_and_close(&app, &mut fixture, &files).await;
        let output = export(&tender_id, &out);
        assert!(output.status.success(), "{}", output_text(&output));
        assert!(String::from_utf8_lossy(&output.stderr).contains("4 bid files"), "{}", output_text(&output));

        // Offline: the binary gets nothing but the file (and, pinned, the platform key).
        let output = ggzy(dir.path()).arg("verify").arg("--dossier").arg(&out).output().expect("run verify");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{}", output_text(&output));
        assert!(stdout.contains(&format!("dossier intact: tender {tender_id},")), "{stdout}");
        assert!(stdout.contains("opening record: signature verified"), "{stdout}");
        let key_file = app.data_dir().join("platform-key.pem");
        let output = ggzy(dir.path())
            .args(["verify", "--dossier"])
            .arg(&out)
            .arg("--platform-key")
            .arg(&key_file)
            .output()
            .expect("run verify");
        assert!(output.status.success(), "{}", output_text(&output));
        assert!(
            String::from_utf8_lossy(&output.stdout).contains("the pinned platform key"),
            "{}",
            output_text(&output)
        );
        let other_key = dir.path().join("other-key.pem");
        let pem = PrivateKey::from_scalar_bytes(&[9; 32]).expect("key").to_pkcs8_pem().expect("pem");
        std::fs::write(&other_key, pem).expect("write key");
        let output = ggzy(dir.path())
            .args(["verify", "--dossier"])
            .arg(&out)
            .arg("--platform-key")
            .arg(&other_key)
            .output()
            .expect("run verify");
        assert_eq!(output.status.code(), Some(1), "{}", output_text(&output));
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("dossier broken at line 1 (platform key)"),
            "{}",
            output_text(&output)
        );

        let dossier = std::fs::read_to_string(&out).expect("read the dossier");
        let DossierOutcome::Intact(summary) = outcome(&dossier) else { panic!("{:?}", outcome(&dossier)) };
        let event_lines = dossier.lines().filter(|line| line.starts_with("{\"event\":")).count();
        assert_eq!((summary.events, summary.blobs), (event_lines, 4));
        // The tender, four bidders' streams; every event of them is in the file.
        assert!(summary.streams >= 5, "{summary}");
        let in_db = app.app.store().stream(&format!("tender-{tender_id}")).await.expect("stream").len();
        assert_eq!(dossier.matches(&format!("\"stream_id\":\"tender-{tender_id}\"")).count(), in_db + 1);
        assert!(summary.opening_closed_at_ms.is_some());
        check_edits(&dossier, &tender_id);

        // An edited file through the binary: exit 1, the line and the check named.
        let edited_path = dir.path().join(format!("edited-{backend}.jsonl"));
        let at = after(&dossier, after(&dossier, 0, "\n"), ",\"hash\":\"");
        std::fs::write(&edited_path, with_byte(&dossier, at, other_hex)).expect("write");
        let output = ggzy(dir.path()).args(["verify", "--dossier"]).arg(&edited_path).output().expect("run verify");
        assert_eq!(output.status.code(), Some(1), "{}", output_text(&output));
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("dossier broken at line 2 (event hash)"),
            "{}",
            output_text(&output)
        );

        // A tender that does not exist: a clear error, and no file left behind.
        let missing = dir.path().join(format!("missing-{backend}.jsonl"));
        let output = export("ZB33010020261124FFFFFF", &missing);
        assert_eq!(output.status.code(), Some(1), "{}", output_text(&output));
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("tender ZB33010020261124FFFFFF not found"),
            "{}",
            output_text(&output)
        );
        assert!(!missing.exists());
        assert!(!dir.path().join(format!("missing-{backend}.jsonl.partial")).exists());
        app.finish().await;
    }
}

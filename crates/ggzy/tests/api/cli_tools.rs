//! The bidder's and officials' command-line tools against the real server: the key ceremony,
//! `bid seal` → `bid submit` (chunked) → `receipt verify` (signature and inclusion in the signed
//! log), and at opening `bid open-key` and `escrow give`.

use std::path::Path;
use std::process::Command;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, call, spawn_apps_with};
use crate::tender_fixture::{self, Ca, DEADLINE_MS, Session, trust};

fn ggzy(args: &[&str], token: Option<&str>) -> (bool, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ggzy"));
    command.args(args).env_remove("GGZY_CONFIG");
    if let Some(token) = token {
        command.env("GGZY_TOKEN", token);
    }
    let output = command.output().expect("run ggzy");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

async fn token(app: &TestApp, session: &Session) -> String {
    let (status, _, body) =
        call(session.post(app, "/api/v1/api-tokens").json(&json!({"name": "投标工具", "days": 30}))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["token"].as_str().expect("token").to_owned()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path.display().to_string()
}

// The tool runs as a child process while this test waits for it: the server needs its own threads.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_bidder_tool_seals_submits_verifies_and_decrypts_and_officials_hold_the_key() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let work = tempfile::tempdir().expect("work dir");
        let w = work.path();
        let server = app.url("");
        let fixture = tender_fixture::tender(&app, &ca, false).await;
        // The ceremony, offline, with the officials' certificates.
        let mut officials = Vec::new();
        for (i, (session, key)) in fixture.officials.iter().enumerate() {
            let (cert, _) = ca.issue_valid(&format!("official{i}"), 60 + u8::try_from(i).expect("small"));
            assert_eq!(
                cert.public_key().expect("key").to_uncompressed_point(),
                key.verifying_key().to_uncompressed_point()
            );
            let cert_path = write(w, &format!("official{i}.pem"), &cert.to_pem().expect("pem"));
            officials.push(format!("{}={cert_path}", session.user_id));
        }
        let ceremony_path = w.join("ceremony.json").display().to_string();
        let mut args = vec!["tender", "key-ceremony", "--threshold", "2", "--out", &ceremony_path];
        for official in &officials {
            args.extend(["--official", official.as_str()]);
        }
        let (ok, _, err) = ggzy(&args, None);
        assert!(ok, "{err}");
        let ceremony: Value =
            serde_json::from_str(&std::fs::read_to_string(&ceremony_path).expect("file")).expect("json");
        let (status, _, body) = call(fixture.principal.post(&app, &fixture.path("/opening-key")).json(&ceremony)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let mut fixture = fixture;
        fixture.opening_key =
            ggzy_crypto::sm2::PublicKey::from_public_key_pem(ceremony["public_key_pem"].as_str().expect("pem"))
                .expect("key");
        fixture.ceremony = serde_json::from_value(ceremony.clone()).expect("ceremony");
        let (status, _, body) = call(fixture.principal.post(&app, &fixture.path("/notice")).json(&json!({
            "bid_deadline": tender_fixture::rfc3339(DEADLINE_MS)
        })))
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");

        // Three bidders seal and submit with the tool (1 MiB chunks over a 2.5 MB file for one).
        let opening_key = write(w, "opening.pem", ceremony["public_key_pem"].as_str().expect("pem"));
        let mut envelopes = Vec::new();
        for (i, bidder) in fixture.bidders.iter().take(3).enumerate() {
            let (status, _, _) = call(fixture.register(&app, bidder)).await;
            assert_eq!(status, StatusCode::NO_CONTENT);
            let cert = write(w, &format!("b{i}.pem"), &bidder.cert.to_pem().expect("pem"));
            let key = w.join(format!("b{i}.key"));
            ggzy::keys::write_private(&key, &bidder.key).expect("key");
            let file = w.join(format!("投标文件{i}.pdf"));
            std::fs::write(&file, vec![b'%'; if i == 0 { 2_500_000 } else { 1000 }]).expect("file");
            let envelope = w.join(format!("b{i}.bid")).display().to_string();
            let declared = format!("{{\"price_fen\":{}}}", 50_000_000 + i);
            let (ok, out, err) = ggzy(
                &[
                    "bid",
                    "seal",
                    "--tender",
                    &fixture.tender_id,
                    "--lot",
                    "1",
                    "--cert",
                    &cert,
                    "--key",
                    &key.display().to_string(),
                    "--opening-key",
                    &opening_key,
                    "--declared",
                    &declared,
                    "--out",
                    &envelope,
                    &file.display().to_string(),
                ],
                None,
            );
            assert!(ok && out.starts_with("digest "), "{err}");
            let bidder_token = token(&app, &bidder.session).await;
            let receipt = w.join(format!("b{i}.receipt.json")).display().to_string();
            let (ok, out, err) = ggzy(
                &["bid", "submit", "--server", &server, "--chunk-mib", "1", "--out", &receipt, &envelope],
                Some(&bidder_token),
            );
            assert!(ok, "{err}");
            let printed: Value = serde_json::from_str(&out).expect("receipt on stdout");
            assert_eq!(printed["kind"], "submitted");
            envelopes.push((envelope, key, bidder_token, receipt));
        }
        // Receipts verify offline with the platform key, and against the signed log.
        app.app.publish_tree_head().await.expect("publish head");
        let (_, _, key) = call(app.client.get(app.url("/api/v1/log/key"))).await;
        let platform = write(w, "platform.pem", key["public_key_pem"].as_str().expect("pem"));
        let (ok, out, err) = ggzy(&["receipt", "verify", "--platform-key", &platform, &envelopes[0].3], None);
        assert!(ok && out.contains("回执签名有效"), "{out}{err}");
        let (ok, out, err) =
            ggzy(&["receipt", "verify", "--platform-key", &platform, "--server", &server, &envelopes[0].3], None);
        assert!(ok && out.contains("已证明纳入已签名树头"), "{out}{err}");
        // An altered receipt does not verify.
        let mut altered: Value =
            serde_json::from_str(&std::fs::read_to_string(&envelopes[0].3).expect("r")).expect("j");
        altered["received_at_ms"] = json!(altered["received_at_ms"].as_i64().expect("ms") - 1000);
        let altered_path = write(w, "altered.json", &altered.to_string());
        let (ok, _, err) = ggzy(&["receipt", "verify", "--platform-key", &platform, &altered_path], None);
        assert!(!ok && err.contains("回执签名无效"), "{err}");

        // Opening: bidders 0 and 1 decrypt with the tool; bidder 2 does not; two officials give shares.
        app.clock.set_ms(DEADLINE_MS);
        fixture.relogin(&app).await;
        let (status, _, body) = call(fixture.principal.post(&app, &fixture.path("/opening"))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        for (envelope, key, bidder_token, _) in envelopes.iter().take(2) {
            let (ok, out, err) = ggzy(
                &["bid", "open-key", "--server", &server, "--key", &key.display().to_string(), envelope],
                Some(bidder_token),
            );
            assert!(ok, "{out}{err}");
        }
        for (i, (session, key)) in fixture.officials.iter().take(2).enumerate() {
            let official_token = token(&app, session).await;
            let key_path = w.join(format!("official{i}.key"));
            ggzy::keys::write_private(&key_path, key).expect("key");
            let (ok, out, err) = ggzy(
                &["escrow", "give", "--server", &server, "--key", &key_path.display().to_string(), &fixture.tender_id],
                Some(&official_token),
            );
            assert!(ok, "{out}{err}");
        }
        let (_, _, opening) = call(app.client.get(app.url(&fixture.path("/opening")))).await;
        let methods: Vec<(&str, i64)> = opening["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .map(|l| (l["method"].as_str().expect("method"), l["declared"]["price_fen"].as_i64().expect("price")))
            .collect();
        let mut expected: Vec<(&str, i64)> =
            vec![("bidder", 50_000_000), ("bidder", 50_000_001), ("escrow", 50_000_002)];
        let mut sorted = methods.clone();
        sorted.sort_by_key(|(_, price)| *price);
        expected.sort_by_key(|(_, price)| *price);
        assert_eq!(sorted, expected, "{opening}");
        app.finish().await;
    }
}

//! Tenders and sealed bids over HTTP: the notice floor, submission checks in order, receipts,
//! resumable uploads, withdrawal, and the deadline as one comparison with server time.

use ggzy_crypto::receipt::ReceiptKind;
use ggzy_crypto::sm2::PublicKey;
use ggzy_web::api::bids::ReceiptDto;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{T0_MS, call, spawn_apps_with};
use crate::tender_fixture::{self, BIDDERS, Ca, DEADLINE_MS, rfc3339, trust};

async fn platform_key(app: &crate::helpers::TestApp) -> PublicKey {
    let (_, _, body) = call(app.client.get(app.url("/api/v1/log/key"))).await;
    PublicKey::from_public_key_pem(body["public_key_pem"].as_str().expect("pem")).expect("platform key")
}

fn receipt(body: &Value) -> ReceiptDto {
    serde_json::from_value(body.clone()).expect("receipt body")
}

#[tokio::test]
async fn a_notice_earlier_than_twenty_days_is_refused_with_the_earliest_legal_date() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let fixture = tender_fixture::tender(&app, &ca, false).await;
        let (status, _, body) = call(fixture.principal.post(&app, &fixture.path("/notice")).json(&json!({
            "bid_deadline": rfc3339(DEADLINE_MS)
        })))
        .await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("opening_key_missing")), "{body}");
        let (status, _, body) =
            call(fixture.principal.post(&app, &fixture.path("/opening-key")).json(&fixture.ceremony)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["escrow_threshold"], 2);
        // Documents issued 2026-11-24 (CST): 20 days are counted from 11-25 (民法典 第二百零一条) and
        // end on 2026-12-14, a Monday. 12-13 23:00 CST is one day short.
        let (status, _, body) = call(fixture.principal.post(&app, &fixture.path("/notice")).json(&json!({
            "bid_deadline": "2026-12-13T23:00:00+08:00"
        })))
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["code"], "deadline_below_statutory_minimum");
        let message = body["message"].as_str().expect("message");
        assert!(message.contains("招标投标法 第二十四条") && message.contains("2026年12月14日"), "{message}");
        let (status, _, body) = call(fixture.principal.post(&app, &fixture.path("/notice")).json(&json!({
            "bid_deadline": "2026-12-14T09:30:00+08:00"
        })))
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["state"], "bidding");
        // A command the state does not allow names the state.
        let (status, _, body) = call(fixture.principal.post(&app, &fixture.path("/notice")).json(&json!({
            "bid_deadline": "2026-12-30T09:30:00+08:00"
        })))
        .await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("invalid_transition")));
        assert!(body["message"].as_str().is_some_and(|m| m.contains("投标中")), "{body}");
        app.finish().await;
    }
}

#[tokio::test]
async fn a_sealed_bid_gets_a_signed_receipt_and_bad_ones_get_clear_errors_in_order() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    let foreign = Ca::new(8, "未互认CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let fixture = tender_fixture::tender(&app, &ca, true).await;
        let key = platform_key(&app).await;
        let bidder = &fixture.bidders[0];
        let (bytes, digest) = fixture.seal(bidder, 12_345_678_900, 10_000);

        // Signature over the declared digest: a wrong declared digest fails the signature first.
        let wrong_digest = hex::encode([0u8; 32]);
        let (status, body) = fixture.submit(&app, bidder, bytes.clone(), &wrong_digest).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("bid_signature_invalid")));
        // Truncated file: not an envelope.
        let (status, body) = fixture.submit(&app, bidder, bytes[..bytes.len() - 10].to_vec(), &digest).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("envelope_invalid")), "{body}");
        // A flipped ciphertext byte: the signature still matches the declared digest, the bytes do not.
        let mut altered = bytes.clone();
        let at = altered.len() - 200;
        altered[at] ^= 1;
        let (status, body) = fixture.submit(&app, bidder, altered, &digest).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("bid_digest_mismatch")));
        // A certificate from a CA the platform does not trust.
        let mut untrusted = tender_fixture::Bidder {
            code: bidder.code,
            session: tender_fixture::Session {
                username: bidder.session.username.clone(),
                client: bidder.session.client.clone(),
                csrf: bidder.session.csrf.clone(),
                user_id: bidder.session.user_id.clone(),
            },
            cert: bidder.cert.clone(),
            key: bidder.key.clone(),
        };
        (untrusted.cert, untrusted.key) = foreign.issue_valid(bidder.code, 90);
        let (file, file_digest) = fixture.seal(&untrusted, 1, 100);
        let (status, body) = fixture.submit(&app, bidder, file, &file_digest).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("certificate_untrusted")));
        // An expired certificate from the trusted CA.
        (untrusted.cert, untrusted.key) = ca.issue(bidder.code, 91, T0_MS / 1000 - 400 * 86_400, T0_MS / 1000 - 86_400);
        let (file, file_digest) = fixture.seal(&untrusted, 1, 100);
        let (status, body) = fixture.submit(&app, bidder, file, &file_digest).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("certificate_expired")));
        assert!(body["message"].as_str().is_some_and(|m| m.contains("过期")), "{body}");
        // Another bidder's certificate inside this bidder's envelope.
        (untrusted.cert, untrusted.key) = (fixture.bidders[1].cert.clone(), fixture.bidders[1].key.clone());
        let (file, file_digest) = fixture.seal(&untrusted, 1, 100);
        let (status, body) = fixture.submit(&app, bidder, file, &file_digest).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("bid_envelope_mismatch")));

        // The good one.
        let (status, body) = fixture.submit(&app, bidder, bytes, &digest).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let receipt = receipt(&body);
        let (fields, signature) = receipt.to_fields().expect("fields");
        fields.verify(&key, &signature).expect("platform signature verifies");
        assert_eq!(fields.kind, ReceiptKind::Submitted);
        assert_eq!((fields.envelope_digest, fields.received_at_ms), (hex::decode(&digest).expect("hex"), T0_MS));
        // The receipt names the event: its hash is the log's at that position.
        let events = app.app.store().scan(fields.log_position - 1, 1).await.expect("events");
        assert_eq!(events[0].hash, fields.event_hash);
        assert_eq!(events[0].event_type, "BidSubmitted");
        // Nothing of the refused attempts was kept: one blob, no uploads in progress.
        assert_eq!(stored_files(&app).await, (0, 1), "only the accepted bid is stored, in the database (small)");
        assert_eq!(walk(&app.data_dir().join("blobs/incoming")), 0);

        // An unregistered lot and a stranger are refused before any byte is stored.
        let (bytes, digest) = fixture.seal(&fixture.bidders[1], 5, 100);
        let (status, _, body) = call(
            fixture.bidders[0]
                .session
                .post(&app, &format!("{}?bidder={}", fixture.path("/lots/1/bids"), BIDDERS[1]))
                .header("content-type", "application/octet-stream")
                .header("bid-digest", &digest)
                .body(bytes),
        )
        .await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("not_entity_member")), "{body}");
        app.finish().await;
    }
}

fn walk(dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries.filter_map(Result::ok).map(|entry| if entry.path().is_dir() { walk(&entry.path()) } else { 1 }).sum()
}

/// Bid files kept: files in the blob directory and rows in the database (small one-shot bids).
async fn stored_files(app: &crate::helpers::TestApp) -> (usize, i64) {
    let rows = app.app.store().inline_blob_count().await.expect("inline blobs");
    (walk(&app.data_dir().join("blobs/sm3")), rows)
}

#[tokio::test]
async fn an_upload_resumes_after_a_break_and_a_bid_can_be_replaced_and_withdrawn() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let fixture = tender_fixture::tender(&app, &ca, true).await;
        let bidder = &fixture.bidders[2];
        let (bytes, digest) = fixture.seal(bidder, 99_000_000, 50_000);
        let (status, _, body) = call(bidder.session.post(&app, "/api/v1/uploads").json(&json!({
            "tender_id": fixture.tender_id,
            "lot_id": "1",
            "bidder_credit_code": bidder.code,
            "size_bytes": bytes.len(),
            "envelope_digest": digest,
        })))
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let upload = format!("/api/v1/uploads/{}", body["upload_id"].as_str().expect("id"));
        let half = bytes.len() / 2;
        let patch = |offset: usize, chunk: Vec<u8>| {
            bidder
                .session
                .send(Method::PATCH, &app, &upload)
                .header("upload-offset", offset.to_string())
                .header("content-type", "application/offset+octet-stream")
                .body(chunk)
        };
        let (status, _, body) = call(patch(0, bytes[..half].to_vec())).await;
        assert_eq!((status, body["received_bytes"].as_u64()), (StatusCode::OK, Some(half as u64)), "{body}");
        // Submitting early is refused and keeps what arrived.
        let (status, _, body) = call(bidder.session.post(&app, &format!("{upload}/submit"))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("upload_incomplete")));
        // A chunk at the wrong offset is refused; the status says where to resume.
        let (status, _, body) = call(patch(half + 1, bytes[half + 1..].to_vec())).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("upload_offset_mismatch")));
        let (_, _, body) = call(bidder.session.client.get(app.url(&upload))).await;
        assert_eq!(body["received_bytes"].as_u64(), Some(half as u64));
        // More than announced is refused.
        let mut too_much = bytes[half..].to_vec();
        too_much.push(0);
        let (status, _, body) = call(patch(half, too_much)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("bid_too_large")));
        let (_, _, body) = call(bidder.session.client.get(app.url(&upload))).await;
        let resume = usize::try_from(body["received_bytes"].as_u64().expect("received")).expect("usize");
        let (status, _, body) = call(patch(resume, bytes[resume..].to_vec())).await;
        assert_eq!((status, body["received_bytes"].as_u64()), (StatusCode::OK, Some(bytes.len() as u64)), "{body}");
        let (status, _, body) = call(bidder.session.post(&app, &format!("{upload}/submit"))).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let first = receipt(&body);

        // A replacement bid is a new event; the receipt names it.
        app.clock.advance_ms(60_000);
        let (bytes, digest) = fixture.seal(bidder, 98_000_000, 1_000);
        let (status, body) = fixture.submit(&app, bidder, bytes, &digest).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let second = receipt(&body);
        assert!(second.log_position > first.log_position);
        assert_eq!(second.received_at_ms, T0_MS + 60_000);

        // Withdrawal, with its own receipt; withdrawing twice finds nothing.
        let path = fixture.path(&format!("/lots/1/bids/{}", bidder.code));
        let (status, _, body) = call(bidder.session.send(Method::DELETE, &app, &path)).await;
        assert_eq!((status, body["kind"].as_str()), (StatusCode::OK, Some("withdrawn")), "{body}");
        let (status, _, _) = call(bidder.session.send(Method::DELETE, &app, &path)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        app.finish().await;
    }
}

#[tokio::test]
async fn the_deadline_is_one_comparison_with_server_time_and_too_large_is_refused_up_front() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    let trusting = trust(&ca, dir.path());
    let tweak = move |config: &mut ggzy::config::Config| {
        trusting(config);
        config.max_bid_mib = 1;
    };
    for app in spawn_apps_with(tweak).await {
        let mut fixture = tender_fixture::tender(&app, &ca, true).await;
        let (status, _, body) = call(fixture.bidders[0].session.post(&app, "/api/v1/uploads").json(&json!({
            "tender_id": fixture.tender_id,
            "lot_id": "1",
            "bidder_credit_code": BIDDERS[0],
            "size_bytes": 2 << 20,
            "envelope_digest": hex::encode([1u8; 32]),
        })))
        .await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("bid_too_large")), "{body}");

        let (early, early_digest) = fixture.seal(&fixture.bidders[0], 1, 100);
        let (late, late_digest) = fixture.seal(&fixture.bidders[1], 1, 100);
        app.clock.set_ms(DEADLINE_MS - 1);
        fixture.relogin(&app).await;
        let (status, body) = fixture.submit(&app, &fixture.bidders[0], early, &early_digest).await;
        assert_eq!(status, StatusCode::CREATED, "one millisecond before the deadline: {body}");
        app.clock.set_ms(DEADLINE_MS);
        let (status, body) = fixture.submit(&app, &fixture.bidders[1], late, &late_digest).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("bid_deadline_passed")));
        let message = body["message"].as_str().expect("message");
        assert!(message.contains("2026年12月19日 16:00:00"), "names the deadline and the server time: {message}");
        // Registration closes with it, and nothing that was accepted changed.
        let (status, _, _) = call(
            fixture.bidders[1]
                .session
                .post(&app, &fixture.path("/lots/2/registrations"))
                .json(&json!({"bidder_credit_code": BIDDERS[1]})),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT);
        let bids = app.app.store().submitted_bids(&fixture.tender_id).await.expect("bids");
        assert_eq!(bids.iter().map(|b| b.bidder_credit_code.as_str()).collect::<Vec<_>>(), vec![BIDDERS[0]]);
        app.finish().await;
    }
}

#[tokio::test]
async fn before_the_deadline_the_principal_sees_neither_bids_nor_bidders() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let fixture = tender_fixture::tender(&app, &ca, true).await;
        let (bytes, digest) = fixture.seal(&fixture.bidders[0], 1, 100);
        let (status, _) = fixture.submit(&app, &fixture.bidders[0], bytes, &digest).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, _, tender) = call(fixture.principal.client.get(app.url(&fixture.path("")))).await;
        assert_eq!(status, StatusCode::OK);
        let text = tender.to_string();
        for code in BIDDERS {
            assert!(!text.contains(code), "the tender view names no bidder: {text}");
        }
        assert!(!text.contains("bid_count") && !text.contains("registrations"), "{text}");
        let (status, _, _) = call(fixture.principal.client.get(app.url("/api/v1/events?after=0"))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "the principal cannot read the event log");
        // The regulator's audit feed shows that bids arrived (positions, types, hashes), not who sent them.
        let regulator =
            tender_fixture::session(&app, "regulator", &[(ggzy_domain::role::Role::Regulator, "330100")]).await;
        let (status, _, feed) = call(regulator.client.get(app.url("/api/v1/events?after=0&limit=1000"))).await;
        assert_eq!(status, StatusCode::OK, "{feed}");
        let bid_events: Vec<&Value> = feed["events"]
            .as_array()
            .expect("events")
            .iter()
            .filter(|e| ["BidderRegistered", "BidSubmitted"].contains(&e["event_type"].as_str().unwrap_or("")))
            .collect();
        assert_eq!(bid_events.len(), BIDDERS.len() + 1, "four registrations and one bid are in the feed");
        for event in bid_events {
            let text = event.to_string();
            assert!(text.contains("sealed_until_opening"), "{text}");
            assert!(BIDDERS.iter().all(|code| !text.contains(code)), "names no bidder before opening: {text}");
        }
        // The bidder's upload endpoints are the bidder's own: another user sees no upload.
        let (status, _, _) = call(fixture.principal.client.get(app.url("/api/v1/uploads/up0000"))).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        app.finish().await;
    }
}

#[tokio::test]
async fn a_truncated_upload_leaves_nothing_behind() {
    use tokio::io::AsyncWriteExt as _;
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let fixture = tender_fixture::tender(&app, &ca, true).await;
        let bidder = &fixture.bidders[0];
        let (status, _, token) =
            call(bidder.session.post(&app, "/api/v1/api-tokens").json(&json!({"name": "投标工具", "days": 30}))).await;
        assert_eq!(status, StatusCode::CREATED, "{token}");
        let (bytes, digest) = fixture.seal(bidder, 1, 50_000);
        // The client announces the whole file, sends a third of it and hangs up.
        let mut stream = tokio::net::TcpStream::connect(app.addr).await.expect("connect");
        let head = format!(
            "POST {}?bidder={} HTTP/1.1\r\nhost: localhost\r\nauthorization: Bearer {}\r\n\
             content-type: application/octet-stream\r\nbid-digest: {digest}\r\ncontent-length: {}\r\n\r\n",
            fixture.path("/lots/1/bids"),
            bidder.code,
            token["token"].as_str().expect("token"),
            bytes.len()
        );
        stream.write_all(head.as_bytes()).await.expect("head");
        stream.write_all(&bytes[..bytes.len() / 3]).await.expect("part of the body");
        stream.flush().await.expect("flush");
        drop(stream);
        // The same bid sent whole afterwards is accepted; it is the only thing stored.
        let (status, body) = fixture.submit(&app, bidder, bytes.clone(), &digest).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(stored_files(&app).await, (0, 1), "one stored file: the complete bid");
        assert_eq!(walk(&app.data_dir().join("blobs/incoming")), 0, "no partial file is kept");
        let events = app.app.store().scan(0, 10_000).await.expect("events");
        assert_eq!(events.iter().filter(|e| e.event_type == "BidSubmitted").count(), 1);
        // A one-shot bid above the database's limit (64 KiB) is a file of its own.
        let (large, large_digest) = fixture.seal(&fixture.bidders[1], 2, 70_000);
        let (status, body) = fixture.submit(&app, &fixture.bidders[1], large, &large_digest).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(stored_files(&app).await, (1, 1), "the large bid is a file, the small one a row");
        app.finish().await;
    }
}

#[tokio::test]
async fn a_late_amendment_pushes_the_deadline_out_and_says_why() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let mut fixture = tender_fixture::tender(&app, &ca, true).await;
        // Deadline 2026-12-19 16:00 CST. An amendment on 2026-12-01: 15 days counted from 12-02 end on
        // 12-16, before the deadline (招标投标法 第二十三条): nothing moves.
        app.clock.set_ms(T0_MS + 7 * 86_400_000);
        fixture.relogin(&app).await;
        let amend = |summary: &str, affects: bool| {
            fixture
                .principal
                .post(&app, &fixture.path("/amendments"))
                .json(&json!({"summary": summary, "affects_bids": affects}))
        };
        let (status, _, body) = call(amend("第三章技术条款第2.1条更正", true)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(
            (body["extended"].as_bool(), body["tender"]["bid_deadline"].as_str()),
            (Some(false), Some("2026-12-19T08:00:00Z"))
        );
        // On 2026-12-10 (Thursday) it is late: 15 days counted from 12-11 end on Friday 2026-12-25, a
        // working day, so the deadline moves to 2026-12-25 16:00 CST, same time of day.
        app.clock.set_ms(T0_MS + 16 * 86_400_000);
        fixture.relogin(&app).await;
        let amend = |summary: &str, affects: bool| {
            fixture
                .principal
                .post(&app, &fixture.path("/amendments"))
                .json(&json!({"summary": summary, "affects_bids": affects}))
        };
        let (status, _, body) = call(amend("工程量清单第5项数量更正", true)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["extended"], true);
        assert_eq!(body["tender"]["bid_deadline"], "2026-12-25T08:00:00Z");
        let reason = body["extension_reason"].as_str().expect("reason");
        assert!(reason.contains("2026年12月25日") && reason.contains("招标投标法 第二十三条"), "{reason}");
        // One that cannot affect the bids (e.g. a venue change) moves nothing.
        let (status, _, body) = call(amend("开标地点变更为线上开标大厅", false)).await;
        assert_eq!((status, body["extended"].as_bool()), (StatusCode::CREATED, Some(false)));
        // Bids are accepted until the new deadline.
        app.clock.set_ms(T0_MS + 25 * 86_400_000 + 1000);
        fixture.relogin(&app).await;
        let (bytes, digest) = fixture.seal(&fixture.bidders[0], 1, 100);
        let (status, body) = fixture.submit(&app, &fixture.bidders[0], bytes, &digest).await;
        assert_eq!(status, StatusCode::CREATED, "after the old deadline, before the new one: {body}");
        app.finish().await;
    }
}

#[tokio::test]
async fn a_terminated_tender_accepts_nothing_more_and_says_what_is_owed() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let fixture = tender_fixture::tender(&app, &ca, false).await;
        fixture.hold_ceremony(&app).await;
        fixture.announce(&app, json!({"estimate_fen": 100_000_000, "bid_security_fen": 2_000_000})).await;
        let (bytes, digest) = fixture.seal(&fixture.bidders[0], 1, 100);
        let (status, _) = fixture.submit(&app, &fixture.bidders[0], bytes, &digest).await;
        assert_eq!(status, StatusCode::CREATED);
        // Two bidders lodge their security (one of them has not bid yet).
        for (i, bidder) in fixture.bidders.iter().take(2).enumerate() {
            let cash = json!({"bidder_credit_code": bidder.code, "kind": "cash", "amount_fen": 2_000_000, "reference": format!("ZZ{i}")});
            let (status, _, body) =
                call(bidder.session.post(&app, &fixture.path("/lots/1/securities")).json(&cash)).await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        let refund = || fixture.principal.post(&app, &fixture.path("/securities/refunds"));
        let (status, _, body) = call(refund()).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::CONFLICT, Some("invalid_transition")),
            "not while the tender runs: {body}"
        );
        let terminate =
            |reason: &str| fixture.principal.post(&app, &fixture.path("/termination")).json(&json!({"reason": reason}));
        let (status, _, body) = call(terminate(" ")).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_text")));
        // A bidder cannot terminate the principal's tender.
        let (status, _, _) =
            call(fixture.bidders[0].session.post(&app, &fixture.path("/termination")).json(&json!({"reason": "无"})))
                .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, body) = call(terminate("项目建设规划调整，招标项目取消")).await;
        assert_eq!((status, body["state"].as_str()), (StatusCode::OK, Some("terminated")), "{body}");
        let events = app.app.store().stream(&format!("tender-{}", fixture.tender_id)).await.expect("stream");
        let last = events.last().expect("event");
        assert_eq!(last.event_type, "TenderTerminated");
        assert!(last.payload.contains("第三十一条") && last.payload.contains("投标保证金"), "{}", last.payload);
        // Nothing more is accepted, and nothing accepted before changed.
        let (bytes, digest) = fixture.seal(&fixture.bidders[1], 2, 100);
        let (status, body) = fixture.submit(&app, &fixture.bidders[1], bytes, &digest).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("tender_not_accepting_bids")));
        let (status, _, body) = call(terminate("再次终止")).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("invalid_transition")));
        assert!(body["message"].as_str().is_some_and(|m| m.contains("已终止")), "{body}");
        let bids = app.app.store().submitted_bids(&fixture.tender_id).await.expect("bids");
        assert_eq!(bids.len(), 1);
        // 条例31: every security lodged is refunded, once, by the principal; a bidder cannot.
        let (status, _, _) = call(fixture.bidders[0].session.post(&app, &fixture.path("/securities/refunds"))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, body) = call(refund()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let refunded: Vec<Option<&str>> =
            body.as_array().expect("securities").iter().map(|s| s["refunded_day"].as_str()).collect();
        assert_eq!(refunded, [Some("2026-11-24"), Some("2026-11-24")], "{body}");
        let (status, _, body) = call(refund()).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("nothing_to_refund")));
        let events = app.app.store().stream(&format!("tender-{}", fixture.tender_id)).await.expect("stream");
        assert_eq!(events.last().map(|e| e.event_type.as_str()), Some("TerminationRefunded"));
        app.finish().await;
    }
}

/// 条例35: the trading centre, which holds the securities, refunds a withdrawn bidder's within 5 days
/// of the withdrawal (a later refund is recorded as late); the principal cannot, and learns nothing.
#[tokio::test]
async fn a_withdrawn_bidders_security_is_refunded_by_the_centre_within_five_days() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let mut fixture = tender_fixture::tender(&app, &ca, false).await;
        fixture.hold_ceremony(&app).await;
        fixture.announce(&app, json!({"estimate_fen": 100_000_000, "bid_security_fen": 2_000_000})).await;
        for (i, bidder) in fixture.bidders.iter().take(2).enumerate() {
            let cash = json!({"bidder_credit_code": bidder.code, "kind": "cash", "amount_fen": 2_000_000, "reference": format!("ZZ{i}")});
            let (status, _, body) =
                call(bidder.session.post(&app, &fixture.path("/lots/1/securities")).json(&cash)).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            let (bytes, digest) = fixture.seal(bidder, 90_000_000, 100);
            let (status, body) = fixture.submit(&app, bidder, bytes, &digest).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        let [b0, b1] = [0, 1].map(|i| fixture.bidders[i].code);
        // 2026-11-24: bidder 0 withdraws its bid.
        let (status, _, body) =
            call(fixture.bidders[0].session.send(Method::DELETE, &app, &fixture.path(&format!("/lots/1/bids/{b0}"))))
                .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let lot = fixture.path("/lots/1/securities");
        let refund = |bidder: &str| format!("{lot}/{bidder}/refund");
        let (status, _, _) = call(fixture.principal.post(&app, &refund(b0))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "the principal does not hold the securities");

        // 5 days from 11-24 reach 11-29, a Sunday: the last day is Monday 11-30. On 12-01 it is late.
        app.clock.set_ms(T0_MS + 7 * 86_400_000);
        fixture.relogin(&app).await;
        let centre =
            tender_fixture::session(&app, "centre-refunds", &[(ggzy_domain::role::Role::CenterStaff, "330100")]).await;
        let (status, _, body) = call(centre.post(&app, &refund(b1))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("security_refund_not_due")), "{body}");
        let (status, _, body) = call(centre.post(&app, &refund(b0))).await;
        assert_eq!((status, body["refunded_day"].as_str()), (StatusCode::OK, Some("2026-12-01")), "{body}");
        let events = app.app.store().stream(&format!("bid-{}-1-{b0}", fixture.tender_id)).await.expect("stream");
        let last = events.last().expect("event");
        assert_eq!(last.event_type, "WithdrawnSecurityRefunded");
        assert!(
            last.payload.contains("\"due_day\":\"2026-11-30\"") && last.payload.contains("\"in_time\":false"),
            "{}",
            last.payload
        );
        let (status, _, body) = call(centre.post(&app, &refund(b0))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("nothing_to_refund")), "{body}");
        app.finish().await;
    }
}

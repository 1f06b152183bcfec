//! Opening over HTTP: nothing before the deadline, bidders decrypt online, a wrong key is recorded,
//! the escrow quorum opens the rest, the record is signed; fewer than three bids fail the tender.

use ggzy::ceremony;
use ggzy_crypto::envelope::{Envelope, KeyHolder};
use ggzy_crypto::opening_record::{OpeningLine, OpeningRecord};
use ggzy_crypto::sm2::PublicKey;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, call, read_events, spawn_apps_with};
use crate::tender_fixture::{self, Ca, DEADLINE_MS, TenderFixture, trust};

async fn submit_all(app: &TestApp, fixture: &TenderFixture, how_many: usize) -> Vec<Vec<u8>> {
    let mut files = Vec::new();
    for (i, bidder) in fixture.bidders.iter().take(how_many).enumerate() {
        let (bytes, digest) = fixture.seal(bidder, 10_000_000 + i as i64, 2_000);
        let (status, body) = fixture.submit(app, bidder, bytes.clone(), &digest).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        files.push(bytes);
    }
    files
}

fn line<'a>(opening: &'a Value, bidder: &str) -> &'a Value {
    opening["lines"]
        .as_array()
        .and_then(|lines| lines.iter().find(|l| l["bidder_credit_code"] == bidder))
        .expect("line")
}

#[tokio::test]
async fn bidders_decrypt_online_the_escrow_quorum_opens_the_rest_and_the_record_is_signed() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let mut fixture = tender_fixture::tender(&app, &ca, true).await;
        let files = submit_all(&app, &fixture, 4).await;
        let (status, _, body) = call(app.client.get(app.url(&fixture.path("/opening")))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("opening_not_started")));

        app.clock.set_ms(DEADLINE_MS - 1);
        fixture.relogin(&app).await;
        let (status, _, body) = call(fixture.principal.post(&app, &fixture.path("/opening"))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("opening_before_deadline")));
        app.clock.set_ms(DEADLINE_MS);
        let (status, _, body) = call(fixture.principal.post(&app, &fixture.path("/opening"))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["state"], "opening");
        assert_eq!(body["lines"].as_array().map(Vec::len), Some(4));
        // From the opening on, the audit feed names the bidders.
        let regulator =
            tender_fixture::session(&app, "regulator", &[(ggzy_domain::role::Role::Regulator, "330100")]).await;
        let (_, _, feed) = call(regulator.client.get(app.url("/api/v1/events?after=0&limit=1000"))).await;
        assert!(feed.to_string().contains(fixture.bidders[3].code), "{feed}");
        // Lot 2 had no bid: it failed, citing the article.
        assert!(body["failed_lots"][0]["reason"].as_str().is_some_and(|r| r.contains("第二十八条")), "{body}");

        // Bidder 0 decrypts with the key unwrapped by its own private key.
        let bidder = &fixture.bidders[0];
        let envelope = Envelope::parse(&files[0]).expect("envelope");
        let data_key = envelope.unwrap_key(&bidder.key, KeyHolder::Bidder).expect("own key unwraps");
        let key_path = fixture.path(&format!("/lots/1/bids/{}/key", bidder.code));
        let (status, _, body) =
            call(bidder.session.post(&app, &key_path).json(&json!({"data_key_hex": hex::encode(data_key)}))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(line(&body, bidder.code)["status"], "decrypted");
        assert_eq!(line(&body, bidder.code)["declared"]["price_fen"], 10_000_000);
        // Bidder 1 sends a wrong key: refused, and the failure is on record.
        let other = &fixture.bidders[1];
        let other_path = fixture.path(&format!("/lots/1/bids/{}/key", other.code));
        let (status, _, body) =
            call(other.session.post(&app, &other_path).json(&json!({"data_key_hex": hex::encode([7u8; 16])}))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("bid_decryption_failed")));
        let (_, _, opening) = call(app.client.get(app.url(&fixture.path("/opening")))).await;
        assert_eq!(line(&opening, other.code)["status"], "failed");
        // A bidder cannot decrypt someone else's bid.
        let (status, _, _) =
            call(other.session.post(&app, &key_path).json(&json!({"data_key_hex": hex::encode(data_key)}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // The escrow quorum: two of three officials decrypt their shares and hand them in.
        for (i, (official, key)) in fixture.officials.iter().take(2).enumerate() {
            let (status, _, mine) = call(official.client.get(app.url(&fixture.path("/escrow-shares/mine")))).await;
            assert_eq!(status, StatusCode::OK, "{mine}");
            let share = ceremony::CeremonyShare {
                official_user_id: official.user_id.clone(),
                official_cert_pem: String::new(),
                share_index: u8::try_from(mine["share_index"].as_u64().expect("index")).expect("u8"),
                encrypted_share_hex: mine["encrypted_share_hex"].as_str().expect("share").to_owned(),
            };
            let value = ceremony::decrypt_share(&share, key).expect("own share decrypts");
            let (status, _, body) = call(
                official.post(&app, &fixture.path("/escrow-shares")).json(&json!({"share_hex": hex::encode(value.y)})),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(body["escrow_given"], if i == 0 { 1 } else { 0 }, "{body}");
        }
        let (_, _, opening) = call(app.client.get(app.url(&fixture.path("/opening")))).await;
        for (i, bidder) in fixture.bidders.iter().enumerate() {
            let expected = if i == 0 { "bidder" } else { "escrow" };
            assert_eq!(line(&opening, bidder.code)["status"], "decrypted", "{opening}");
            assert_eq!(line(&opening, bidder.code)["method"], expected);
            assert_eq!(line(&opening, bidder.code)["declared"]["price_fen"], 10_000_000 + i as i64);
        }
        // A principal cannot hand in a share.
        let (status, _, _) =
            call(fixture.principal.post(&app, &fixture.path("/escrow-shares")).json(&json!({"share_hex": "00"}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Close: the record is signed by the platform over exactly what the API shows.
        let (status, _, closed) = call(fixture.principal.post(&app, &fixture.path("/opening/close"))).await;
        assert_eq!(status, StatusCode::OK, "{closed}");
        assert_eq!(closed["state"], "opened");
        let (_, _, key) = call(app.client.get(app.url("/api/v1/log/key"))).await;
        let platform = PublicKey::from_public_key_pem(key["public_key_pem"].as_str().expect("pem")).expect("key");
        let record = OpeningRecord {
            tender_id: fixture.tender_id.clone(),
            closed_at_ms: closed["record"]["closed_at_ms"].as_i64().expect("closed"),
            lines: closed["lines"]
                .as_array()
                .expect("lines")
                .iter()
                .map(|l| OpeningLine {
                    lot_id: l["lot_id"].as_str().expect("lot").to_owned(),
                    bidder_credit_code: l["bidder_credit_code"].as_str().expect("bidder").to_owned(),
                    status: l["status"].as_str().expect("status").to_owned(),
                    method: l["method"].as_str().expect("method").to_owned(),
                    declared_json: l["declared"].to_string(),
                    received_at_ms: l["received_at"]
                        .as_str()
                        .and_then(|t| t.parse::<jiff::Timestamp>().ok())
                        .expect("received_at is RFC 3339")
                        .as_millisecond(),
                })
                .collect(),
        };
        let signature = hex::decode(closed["record"]["signature"].as_str().expect("signature")).expect("hex");
        record.verify(&platform, &signature).expect("the opening record verifies");
        let (status, _, _) = call(fixture.principal.post(&app, &fixture.path("/opening/close"))).await;
        assert_eq!(status, StatusCode::CONFLICT, "closing twice is an invalid transition");
        app.finish().await;
    }
}

#[tokio::test]
async fn fewer_than_three_bids_fail_the_tender_and_nothing_is_opened() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let mut fixture = tender_fixture::tender(&app, &ca, true).await;
        submit_all(&app, &fixture, 2).await;
        app.clock.set_ms(DEADLINE_MS + 60_000);
        fixture.relogin(&app).await;
        let (status, _, body) = call(fixture.principal.post(&app, &fixture.path("/opening"))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["state"], "failed");
        let (_, _, tender) = call(app.client.get(app.url(&fixture.path("")))).await;
        assert_eq!(tender["state"], "failed");
        let events = app.app.store().stream(&format!("tender-{}", fixture.tender_id)).await.expect("stream");
        let failed = events.last().expect("event");
        assert_eq!(failed.event_type, "TenderFailed");
        assert!(failed.payload.contains("招标投标法 第二十八条"), "{}", failed.payload);
        app.finish().await;
    }
}

#[tokio::test]
async fn the_opening_hall_waits_for_the_deadline_then_shows_every_change_live() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let mut fixture = tender_fixture::tender(&app, &ca, true).await;
        let files = submit_all(&app, &fixture, 3).await;
        let hall = app.url(&fixture.path("/opening/live"));
        let (status, _, body) = call(app.client.get(app.url("/api/v1/tenders/no-such/opening/live"))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));

        // Before the deadline: the hall tells the deadline and the server's time, nothing about bids.
        let mut watcher = app.client.get(hall.clone()).send().await.expect("hall");
        assert_eq!(watcher.headers()["content-type"], "text/event-stream");
        let events = read_events(&mut watcher, 1).await;
        assert_eq!(events[0].1, "waiting");
        assert_eq!(events[0].2["bid_deadline_ms"], DEADLINE_MS);
        assert!(!events[0].2.to_string().contains(fixture.bidders[0].code), "no bidder before the opening");

        // The principal starts the opening: the open hall gets the whole record, three pending lines.
        app.clock.set_ms(DEADLINE_MS);
        fixture.relogin(&app).await;
        let (status, _, _) = call(fixture.principal.post(&app, &fixture.path("/opening"))).await;
        assert_eq!(status, StatusCode::OK);
        let events = read_events(&mut watcher, 1).await;
        assert_eq!((events[0].1.as_str(), &events[0].2["state"]), ("opening", &json!("opening")));
        assert_eq!(events[0].2["lines"].as_array().map(Vec::len), Some(3));

        // A bidder decrypts: the hall shows its price at once.
        let bidder = &fixture.bidders[2];
        let data_key =
            Envelope::parse(&files[2]).expect("envelope").unwrap_key(&bidder.key, KeyHolder::Bidder).expect("key");
        let key_path = fixture.path(&format!("/lots/1/bids/{}/key", bidder.code));
        let (status, _, _) =
            call(bidder.session.post(&app, &key_path).json(&json!({"data_key_hex": hex::encode(data_key)}))).await;
        assert_eq!(status, StatusCode::OK);
        let events = read_events(&mut watcher, 1).await;
        assert_eq!(line(&events[0].2, bidder.code)["status"], "decrypted");
        assert_eq!(line(&events[0].2, bidder.code)["declared"]["price_fen"], 10_000_002);

        // A late comer gets the opening as it stands, whole.
        let mut late = app.client.get(hall).send().await.expect("hall");
        let events = read_events(&mut late, 1).await;
        assert_eq!(line(&events[0].2, bidder.code)["status"], "decrypted");
        app.finish().await;
    }
}

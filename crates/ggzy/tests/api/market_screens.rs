//! The market screens over HTTP (W1-F): three tenders of one project run side by side from the
//! notice to the award (bids, opening, drawn committee, report, publicity, award), and the
//! regulator screens the awarded lots. Bidders 0 and 1 seal every bid on one machine (the same
//! machine id and MAC hash) and bidder 0 always wins with bidder 1 just above it; bidders 2 and 3
//! bid from their own machines at prices of their own: the honest control. Each bidder has its own
//! contact phone here (the harness gives all one), so the machine is the only shared trace.

use ggzy_crypto::envelope::{self, BidFile, Payload, SealRequest};
use ggzy_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::award::{escrow_shares_given, members};
use crate::committee_fixture::{evaluate, members_of};
use crate::expert_fixture::seat_drawn_experts;
use crate::helpers::{T0_MS, TestApp, call, entity_body, spawn_apps_with};
use crate::tender_fixture::{self, Bidder, Ca, DEADLINE_MS, Session, TenderFixture, own_file, session, trust};

/// Tenders run to the award.
const TENDERS: usize = 3;
/// The experts of the pool: one draw of four per lot, from the same four.
const EXPERTS: usize = 4;

/// 10:00 China time on `day` (`YYYY-MM-DD`), UTC ms.
fn morning(day: &str) -> i64 {
    format!("{day}T10:00:00+08:00").parse::<jiff::Timestamp>().expect("timestamp").as_millisecond()
}

/// A tender of the fixture's project: its id, ceremony and opening key.
#[derive(Clone)]
struct Tender {
    id: String,
    ceremony: ggzy::ceremony::CeremonyFile,
    opening_key: ggzy_crypto::sm2::PublicKey,
}

/// Points the fixture at `tender` (the fixture's helpers act on its current tender).
fn switch(fixture: &mut TenderFixture, tender: &Tender) {
    fixture.tender_id.clone_from(&tender.id);
    fixture.ceremony = tender.ceremony.clone();
    fixture.opening_key = tender.opening_key.clone();
}

/// Another tender of the fixture's project, by the same principal with the same officials.
async fn another_tender(app: &TestApp, fixture: &TenderFixture, title: &str) -> Tender {
    let (status, _, body) = call(fixture.principal.post(app, "/api/v1/tenders").json(&json!({
        "region_code": "330100",
        "title": title,
        "principal_credit_code": tender_fixture::PRINCIPAL,
        "lots": ["土建工程"],
        "project_id": fixture.project_id,
    })))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let people: Vec<ggzy::ceremony::Official> = fixture
        .ceremony
        .shares
        .iter()
        .map(|share| ggzy::ceremony::Official {
            user_id: share.official_user_id.clone(),
            cert: ggzy_crypto::cert::Certificate::from_pem(&share.official_cert_pem).expect("official certificate"),
        })
        .collect();
    let ceremony = ggzy::ceremony::hold(2, &people, &mut rand::rng()).expect("ceremony");
    let opening_key = ggzy_crypto::sm2::PublicKey::from_public_key_pem(&ceremony.public_key_pem).expect("key");
    Tender { id: body["tender_id"].as_str().expect("tender id").to_owned(), ceremony, opening_key }
}

/// Bidder `i`'s sealing machine: bidders 0 and 1 share one (machine id and network card).
fn machine(i: usize) -> ([u8; 32], [u8; 32]) {
    match i {
        0 | 1 => ([7; 32], [8; 32]),
        _ => ([u8::try_from(30 + 2 * i).expect("few"); 32], [u8::try_from(31 + 2 * i).expect("few"); 32]),
    }
}

/// Bidder `i`'s price on tender `round`, fen: bidder 0 lowest, bidder 1 one per cent above, the
/// others spread apart with no regular gaps.
fn price(i: usize, round: usize) -> i64 {
    let round = i64::try_from(round).expect("few");
    match i {
        0 => 1_000_000_000,
        1 => 1_010_000_000,
        2 => 1_070_000_000 + 7_000_000 * round,
        _ => 1_190_000_000 - 11_000_000 * round,
    }
}

/// Bidder `i` seals and submits its bid for lot 1 of the fixture's current tender.
async fn bid(app: &TestApp, fixture: &TenderFixture, i: usize, bidder: &Bidder, round: usize) {
    let (machine_id_hash, mac_hash) = machine(i);
    let payload = Payload {
        declared_json: json!({"price_fen": price(i, round)}).to_string(),
        files: vec![BidFile { name: "投标函.pdf".to_owned(), bytes: own_file(bidder, 1_000) }],
    };
    let request = SealRequest {
        tender_id: &fixture.tender_id,
        lot_id: "1",
        bidder_credit_code: bidder.code,
        sealed_at_ms: T0_MS,
        tool_version: "ggzy-test",
        machine_id_hash,
        mac_hash,
        bidder_cert: &bidder.cert,
        bidder_key: &bidder.key,
        opening_key: &fixture.opening_key,
        payload: &payload,
    };
    let bytes = envelope::seal(&request, &mut rand::rng()).expect("seal");
    let digest = hex::encode(envelope::Envelope::parse(&bytes).expect("parse").digest());
    let (status, body) = fixture.submit(app, bidder, bytes, &digest).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

/// Each bidder gives its own contact phone (the harness registers one phone for all).
async fn own_phones(app: &TestApp, fixture: &TenderFixture) {
    for (i, bidder) in fixture.bidders.iter().enumerate() {
        let path = format!("/api/v1/entities/{}", bidder.code);
        let (status, _, entity) = call(bidder.session.client.get(app.url(&path))).await;
        assert_eq!(status, StatusCode::OK, "{entity}");
        let mut body = entity_body(bidder.code, entity["name"].as_str().expect("name"));
        body["contact_phone"] = json!(format!("0571-8765430{i}"));
        body["expected_version"] = entity["version"].clone();
        let (status, _, response) = call(bidder.session.send(reqwest::Method::PUT, app, &path).json(&body)).await;
        assert_eq!(status, StatusCode::OK, "{response}");
    }
}

/// The pool's experts signed in again, by id (`D001`...), for a committee.
async fn experts(app: &TestApp) -> Vec<(String, Session)> {
    let mut experts = Vec::new();
    for i in 1..=EXPERTS {
        let id = format!("D{i:03}");
        let username = format!("expert-1-{}", id.to_lowercase());
        let (client, csrf) = app.login(&username).await;
        experts.push((id, Session { username, client, csrf, user_id: String::new() }));
    }
    experts
}

/// The lot's draw of the pool's four experts, scheduled a minute ahead and made then (the pool was
/// registered by the first tender's [`seat_drawn_experts`]).
async fn draw(app: &TestApp, fixture: &TenderFixture) {
    let (client, csrf) = app.login("center-1-1").await;
    let staff = Session { username: "center-1-1".to_owned(), client, csrf, user_id: String::new() };
    let now = app.app.now_ms();
    let request = json!({
        "slots": [{"specialty": "A0101", "include": ["330000"], "count": EXPERTS}],
        "draw_at": tender_fixture::rfc3339(now + 60_000),
        "evaluation_start": tender_fixture::rfc3339(now + 3_600_000),
        "evaluation_end": tender_fixture::rfc3339(now + 8 * 3_600_000),
    });
    let (status, _, body) = call(fixture.principal.post(app, &fixture.path("/lots/1/draws")).json(&request)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let draw_id = body["draw_id"].as_str().expect("draw id").to_owned();
    app.clock.advance_ms(60_000);
    let (status, _, body) = call(staff.post(app, &format!("/api/v1/draws/{draw_id}/execution"))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// Every tender to the award of lot 1 to bidder 0, side by side in time (the holiday calendar
/// covers 2026 only, so the tenders cannot follow one another).
async fn run_to_award(app: &TestApp, ca: &Ca, fixture: &mut TenderFixture, tenders: &[Tender]) {
    for (round, tender) in tenders.iter().enumerate() {
        switch(fixture, tender);
        fixture.publish(app).await;
        for (i, bidder) in fixture.bidders.iter().enumerate() {
            bid(app, fixture, i, bidder, round).await;
        }
    }
    app.clock.set_ms(DEADLINE_MS);
    fixture.relogin(app).await;
    for tender in tenders {
        switch(fixture, tender);
        let (status, _, body) = call(fixture.principal.post(app, &fixture.path("/opening"))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        escrow_shares_given(app, fixture).await;
        let (status, _, body) = call(fixture.principal.post(app, &fixture.path("/opening/close"))).await;
        assert_eq!((status, body["state"].as_str()), (StatusCode::OK, Some("opened")), "{body}");
    }
    // 2026-12-21 (Mon): committees of four drawn experts and a representative, reports, publicity.
    app.clock.set_ms(morning("2026-12-21"));
    fixture.relogin(app).await;
    for (round, tender) in tenders.iter().enumerate() {
        switch(fixture, tender);
        if round == 0 {
            seat_drawn_experts(app, fixture, "1", EXPERTS, 1).await;
        } else {
            draw(app, fixture).await;
        }
        let committee = json!({"method": "lowest_evaluated_price", "members": members(0, 1)});
        let (status, _, body) =
            call(fixture.principal.post(app, &fixture.path("/lots/1/committee")).json(&committee)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let seed = 200 + 10 * u8::try_from(round).expect("few");
        let seated = members_of(ca, experts(app).await, &["招标人代表0"], seed);
        let lot = evaluate(app, fixture, "1", &seated, json!({})).await;
        assert_eq!(lot["report"]["candidates"][0], fixture.bidders[0].code, "{lot}");
        let (status, _, body) = call(fixture.principal.post(app, &fixture.path("/lots/1/publicity"))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    // 2026-12-26: publicity over (12-22..12-24); the first candidate wins.
    app.clock.set_ms(morning("2026-12-26"));
    fixture.relogin(app).await;
    for tender in tenders {
        switch(fixture, tender);
        let award = json!({"winner_credit_code": fixture.bidders[0].code});
        let (status, _, body) = call(fixture.principal.post(app, &fixture.path("/lots/1/award")).json(&award)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
}

fn evidence<'a>(score: &'a Value, what: &str) -> &'a str {
    score["evidence"]
        .as_array()
        .and_then(|rows| rows.iter().find(|row| row["what"] == what))
        .and_then(|row| row["value"].as_str())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_market_screens_find_two_firms_sharing_a_machine_across_awarded_lots_for_regulators_only() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let mut fixture = tender_fixture::tender(&app, &ca, false).await;
        own_phones(&app, &fixture).await;
        let first = Tender {
            id: fixture.tender_id.clone(),
            ceremony: fixture.ceremony.clone(),
            opening_key: fixture.opening_key.clone(),
        };
        let mut tenders = vec![first];
        for n in 1..TENDERS {
            tenders.push(another_tender(&app, &fixture, &format!("杭州市文三路综合管廊工程第{n}标段")).await);
        }
        run_to_award(&app, &ca, &mut fixture, &tenders).await;
        let regulator = session(&app, "regulator-hz", &[(Role::Regulator, "330100")]).await;
        let screens =
            |query: &str| regulator.client.get(app.url(&format!("/api/v1/supervision/market-screens{query}")));

        // Three shared lots give the pair 3/5 × 3/5 = 0.36 under the shared-trace screen: at the
        // default threshold (0.3) the two firms are named, each as the other's partner, with every lot.
        let (status, _, body) = call(screens("?min_joint_lots=3&year_from=2026&year_to=2026")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!((body["platform_lots"].as_u64(), body["imported_lots"].as_u64()), (Some(3), Some(0)), "{body}");
        assert_eq!(body["firms"], 4);
        let scores = body["scores"].as_array().expect("scores");
        let [b0, b1, b2, b3] = [0, 1, 2, 3].map(|i| fixture.bidders[i].code);
        let mut flagged: Vec<&str> = scores.iter().filter_map(|s| s["firm"].as_str()).collect();
        flagged.sort_unstable();
        let mut pair = vec![b0, b1];
        pair.sort_unstable();
        assert_eq!(flagged, pair, "only the two firms sharing a machine, not the honest control: {body}");
        for (firm, partner) in [(b0, b1), (b1, b0)] {
            let score = scores.iter().find(|s| s["firm"] == firm).expect("score");
            assert_eq!((score["rule"].as_str(), score["score_permille"].as_i64()), (Some("shared_traces"), Some(360)));
            assert!(score["article"].as_str().is_some_and(|a| a.contains("第四十条")), "{score}");
            assert_eq!(evidence(score, "partner"), partner);
            assert_eq!((evidence(score, "lots_with_hit"), evidence(score, "joint_lots")), ("3", "3"));
            assert!(evidence(score, "lot_rules").contains("same_machine"), "{score}");
            for tender in &tenders {
                assert!(evidence(score, "lots").contains(&format!("{}/1", tender.id)), "{score}");
            }
        }
        assert!(!body.to_string().contains(b2) && !body.to_string().contains(b3), "{body}");

        // Thresholds and years narrow it: above 0.36 nothing, awards of 2027 none.
        let (status, _, body) = call(screens("?min_score=0.4")).await;
        assert_eq!((status, body["scores"].as_array().map(Vec::len)), (StatusCode::OK, Some(0)), "{body}");
        let (status, _, body) = call(screens("?year_from=2027")).await;
        assert_eq!((status, body["platform_lots"].as_u64()), (StatusCode::OK, Some(0)), "{body}");

        // Bad input: 422 with a stable code and a Chinese message naming the field.
        for (query, code, field) in [
            ("?year_from=2026&year_to=2025", "invalid_year_range", "year_to"),
            ("?year_from=1800", "invalid_year_range", "year_from"),
            ("?min_score=1.5", "threshold_out_of_range", "min_score"),
            ("?min_joint_lots=0", "threshold_out_of_range", "min_joint_lots"),
            ("?min_bids=-3", "threshold_out_of_range", "min_bids"),
            ("?region_code=339999", "invalid_region_code", "region_code"),
        ] {
            let (status, _, body) = call(screens(query)).await;
            assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(code)), "{query}");
            assert!(body["message"].as_str().is_some_and(|m| m.contains(field)), "{query}: {body}");
        }
        let (status, _, body) = call(screens("?min_score=2&min_bids=0")).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_input")));
        assert_eq!(body["details"].as_array().map(Vec::len), Some(2), "every problem at once: {body}");

        // Only regulators, and only of their regions: the principal, a bidder and the centre get 403;
        // Beijing's regulator sees none of Hangzhou's lots and may not ask for them.
        let centre = session(&app, "centre-hz", &[(Role::CenterStaff, "330100")]).await;
        for (who, client) in [
            ("principal", &fixture.principal.client),
            ("bidder", &fixture.bidders[0].session.client),
            ("centre", &centre.client),
        ] {
            let (status, _, body) =
                call(client.get(app.url("/api/v1/supervision/market-screens?min_joint_lots=3"))).await;
            assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "{who}");
        }
        let beijing = session(&app, "regulator-bj", &[(Role::Regulator, "110000")]).await;
        let url = |query: &str| app.url(&format!("/api/v1/supervision/market-screens{query}"));
        let (status, _, body) = call(beijing.client.get(url(""))).await;
        assert_eq!((status, body["platform_lots"].as_u64()), (StatusCode::OK, Some(0)), "{body}");
        let (status, _, _) = call(beijing.client.get(url("?region_code=330100"))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // The served OpenAPI document lists the endpoint.
        let (_, _, openapi) = call(app.client.get(app.url("/api/v1/openapi.json"))).await;
        assert!(openapi["paths"]["/api/v1/supervision/market-screens"]["get"].is_object());
        app.finish().await;
    }
}

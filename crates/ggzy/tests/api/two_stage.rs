//! Two-stage tendering over HTTP (两阶段招标, 招标投标法实施条例 第三十条): the first stage takes
//! technical proposals without prices and no deposit; the proposals stay sealed until their
//! deadline; the first stage closes with the settled standards, or fails with too few proposers; the
//! second stage is the ordinary notice, with the deposit, open only to the proposers. The clock
//! starts on 2026-11-24, a Tuesday; days asserted are computed by hand in the comments.

use ggzy_crypto::sm3::sm3;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, call, spawn_apps_with};
use crate::tender_fixture::{self, Ca, TenderFixture, trust};

fn propose(app: &TestApp, fixture: &TenderFixture, i: usize, tender: &str, bytes: &[u8]) -> reqwest::RequestBuilder {
    let bidder = &fixture.bidders[i];
    let path =
        format!("/api/v1/tenders/{tender}/technical-proposals?proposer={}&file_name=技术建议书.pdf", bidder.code);
    bidder.session.post(app, &path).header("content-type", "application/octet-stream").body(bytes.to_vec())
}

fn close(app: &TestApp, fixture: &TenderFixture, tender: &str) -> reqwest::RequestBuilder {
    fixture
        .principal
        .post(app, &format!("/api/v1/tenders/{tender}/technical-proposals/close"))
        .json(&json!({"technical_standards": "采用集中式调度架构，接口符合 CJJ/T 标准，系统可用性不低于99.99%"}))
}

fn at(text: &str) -> i64 {
    text.parse::<jiff::Timestamp>().expect("timestamp").as_millisecond()
}

const PROPOSAL_DEADLINE: &str = "2026-12-01T09:00:00+08:00";

#[tokio::test]
async fn two_stage_tendering_takes_sealed_unpriced_proposals_then_bids_with_the_deposit_from_proposers_only() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let mut fixture = tender_fixture::tender(&app, &ca, false).await;
        let second = fixture.another_tender(&app, "杭州市地铁智能调度系统集成", "系统集成").await;
        let first = fixture.tender_id.clone();
        let path = |tender: &str, rest: &str| format!("/api/v1/tenders/{tender}{rest}");
        let stage_one = |deadline: &str| json!({"proposal_deadline": deadline, "requirements": "请就调度算法、系统架构和接口标准提出技术建议，不得报价"});

        // A deposit asked for in the first stage is refused (第三十条第四款), and nothing changes.
        let mut with_deposit = stage_one(PROPOSAL_DEADLINE);
        with_deposit["bid_security_fen"] = json!(10_000_000);
        let (status, _, body) =
            call(fixture.principal.post(&app, &path(&first, "/two-stage")).json(&with_deposit)).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("bid_security_in_first_stage")),
            "{body}"
        );
        assert!(body["message"].as_str().is_some_and(|m| m.contains("第三十条第四款")), "{body}");
        let (status, _, body) = call(
            fixture.principal.post(&app, &path(&first, "/two-stage")).json(&stage_one("2026-11-24T08:00:00+08:00")),
        )
        .await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_time")), "{body}");
        let (_, _, body) = call(fixture.principal.get(&app, &path(&first, ""))).await;
        assert_eq!(body["state"].as_str(), Some("draft"), "{body}");
        // Only the principal's side publishes.
        let (status, _, _) = call(
            fixture.bidders[0].session.post(&app, &path(&first, "/two-stage")).json(&stage_one(PROPOSAL_DEADLINE)),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        for tender in [&first, &second] {
            let (status, _, body) =
                call(fixture.principal.post(&app, &path(tender, "/two-stage")).json(&stage_one(PROPOSAL_DEADLINE)))
                    .await;
            assert_eq!((status, body["state"].as_str()), (StatusCode::OK, Some("proposing")), "{body}");
            assert_eq!(body["proposal_deadline"].as_str(), Some("2026-12-01T01:00:00Z"), "{body}");
        }
        // No second-stage notice, hence no deposit and no bids, during the first stage.
        fixture.hold_ceremony(&app).await;
        let (status, _, body) = call(
            fixture
                .principal
                .post(&app, &fixture.path("/notice"))
                .json(&json!({"bid_deadline": "2026-12-28T09:30:00+08:00"})),
        )
        .await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("invalid_transition")), "{body}");
        assert!(body["message"].as_str().is_some_and(|m| m.contains("征集技术建议")), "{body}");

        // Proposals: three to the first tender (the first proposer replaces its own), two to the second.
        let document = |i: usize, version: u8| format!("第{i}号潜在投标人的技术建议，第{version}稿").into_bytes();
        for i in 0..3 {
            let (status, _, body) = call(propose(&app, &fixture, i, &first, &document(i, 1))).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
            assert_eq!(body["document_sm3"].as_str(), Some(hex::encode(sm3(&document(i, 1))).as_str()), "{body}");
        }
        let (status, _, body) = call(propose(&app, &fixture, 0, &first, &document(0, 2))).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        for i in 0..2 {
            let (status, _, body) = call(propose(&app, &fixture, i, &second, &document(i, 1))).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        let (status, _, body) = call(propose(&app, &fixture, 3, &first, b"")).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_file")), "{body}");

        // The regulator's audit feed shows that proposals arrived, not who sent them (法22).
        let regulator = &fixture.officials[1].0;
        let (status, _, feed) = call(regulator.get(&app, "/api/v1/events?after=0&limit=1000")).await;
        assert_eq!(status, StatusCode::OK, "{feed}");
        let proposals: Vec<String> = feed["events"]
            .as_array()
            .expect("events")
            .iter()
            .filter(|e| e["event_type"] == "TechnicalProposalSubmitted")
            .map(|e| e.to_string())
            .collect();
        assert_eq!(proposals.len(), 6, "three proposals and a replacement to the first tender, two to the second");
        for text in proposals {
            assert!(text.contains("sealed_until_opening"), "{text}");
            assert!(fixture.bidders.iter().all(|b| !text.contains(b.code)), "names no proposer: {text}");
        }

        // Sealed until the deadline: the principal learns neither who nor how many, nor may it close.
        let (status, _, body) = call(fixture.principal.get(&app, &path(&first, "/technical-proposals"))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("proposals_sealed")), "{body}");
        let own_document = format!("{}/{}/document", path(&first, "/technical-proposals"), fixture.bidders[1].code);
        let (status, _, body) = call(fixture.principal.get(&app, &own_document)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("proposals_sealed")), "{body}");
        let (status, _, body) = call(close(&app, &fixture, &first)).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::CONFLICT, Some("proposal_deadline_not_passed")),
            "{body}"
        );
        // A proposer reads back its own document; another bidder cannot.
        let response = fixture.bidders[1].session.get(&app, &own_document).send().await.expect("download");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.bytes().await.expect("bytes").as_ref(), document(1, 1).as_slice());
        let (status, _, _) = call(fixture.bidders[2].session.get(&app, &own_document)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // 2026-12-01 10:00: the proposal deadline has passed.
        app.clock.set_ms(at("2026-12-01T10:00:00+08:00"));
        fixture.relogin(&app).await;
        let (status, _, body) = call(propose(&app, &fixture, 3, &first, &document(3, 1))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("proposal_deadline_passed")), "{body}");
        let (status, _, body) = call(fixture.principal.get(&app, &path(&first, "/technical-proposals"))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let listed: Vec<(&str, &str)> = body
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|row| Some((row["proposer_credit_code"].as_str()?, row["document_sm3"].as_str()?)))
            .collect();
        let expected_sm3: Vec<String> =
            [document(0, 2), document(1, 1), document(2, 1)].iter().map(|bytes| hex::encode(sm3(bytes))).collect();
        let mut expected: Vec<(&str, &str)> =
            (0..3).map(|i| (fixture.bidders[i].code, expected_sm3[i].as_str())).collect();
        expected.sort_unstable();
        assert_eq!(listed, expected, "the replacement counts, once");
        let response = fixture.principal.get(&app, &own_document).send().await.expect("download");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.bytes().await.expect("bytes").as_ref(), document(1, 1).as_slice());

        // Two proposers of the second tender: its second stage could not reach 3 bids, so it fails.
        let (status, _, body) = call(close(&app, &fixture, &second)).await;
        assert_eq!((status, body["state"].as_str()), (StatusCode::OK, Some("failed")), "{body}");
        let events = app.app.store().stream(&format!("tender-{second}")).await.expect("stream");
        assert!(
            events.last().is_some_and(|e| e.payload.contains("第二十八条") && e.payload.contains("第三十条第三款")),
            "the failure cites 法28 and 条例30"
        );
        let (status, _, body) = call(close(&app, &fixture, &first)).await;
        assert_eq!((status, body["state"].as_str()), (StatusCode::OK, Some("proposals_closed")), "{body}");

        // Second stage: documents issued 12-01, 20 days (法24) reach 12-21, a Monday: 12-18 is too early.
        let notice = |deadline: &str| json!({"bid_deadline": deadline, "estimate_fen": 2_000_000_000_i64, "bid_security_fen": 40_000_000_i64});
        let (status, _, body) =
            call(fixture.principal.post(&app, &fixture.path("/notice")).json(&notice("2026-12-18T09:30:00+08:00")))
                .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("deadline_below_statutory_minimum")),
            "{body}"
        );
        assert!(body["message"].as_str().is_some_and(|m| m.contains("2026年12月21日")), "{body}");
        let (status, _, body) =
            call(fixture.principal.post(&app, &fixture.path("/notice")).json(&notice("2026-12-21T09:30:00+08:00")))
                .await;
        assert_eq!((status, body["state"].as_str()), (StatusCode::OK, Some("bidding")), "{body}");
        assert_eq!(body["bid_security_fen"].as_i64(), Some(40_000_000), "the deposit comes in the second stage");

        // Only proposers take part in the second stage (第三十条第三款).
        let (status, _, body) = call(fixture.register(&app, &fixture.bidders[3])).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("bidder_not_proposer")),
            "{body}"
        );
        assert!(body["message"].as_str().is_some_and(|m| m.contains("第三十条第三款")), "{body}");
        for i in 0..3 {
            let (status, _, body) = call(fixture.register(&app, &fixture.bidders[i])).await;
            assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        }
        app.finish().await;
    }
}

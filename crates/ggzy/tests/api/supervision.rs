//! The regulator's suspension (招标投标法实施条例 第六十二条) over HTTP: only the regulator of the
//! tender's region may suspend; while suspended nothing moves (no bid, no amendment, nothing shown);
//! resumption returns to the state it was suspended from.

use ggzy_domain::role::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{call, spawn_apps_with};
use crate::tender_fixture::{self, Ca, trust};

#[tokio::test]
async fn a_suspended_tender_takes_nothing_until_the_regulator_resumes_it() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let fixture = tender_fixture::tender(&app, &ca, true).await;
        let regulator = tender_fixture::session(&app, "regulator", &[(Role::Regulator, "330100")]).await;
        let elsewhere = tender_fixture::session(&app, "regulator-bj", &[(Role::Regulator, "110000")]).await;
        let reason = json!({"reason": "投标人投诉招标文件设置歧视性资格条件，正在调查"});

        for outsider in [&fixture.principal, &elsewhere] {
            let (status, _, body) = call(outsider.post(&app, &fixture.path("/suspension")).json(&reason)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        }
        let (status, _, body) = call(regulator.post(&app, &fixture.path("/suspension")).json(&reason)).await;
        assert_eq!((status, body["state"].as_str()), (StatusCode::OK, Some("suspended")), "{body}");

        // Nothing moves: no bid, no amendment, no second suspension; bids stay sealed.
        let bidder = &fixture.bidders[0];
        let (bytes, digest) = fixture.seal(bidder, 10_000_000, 1_000);
        let (status, body) = fixture.submit(&app, bidder, bytes.clone(), &digest).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("tender_not_accepting_bids")));
        let (status, _, body) = call(
            fixture
                .principal
                .post(&app, &fixture.path("/amendments"))
                .json(&json!({"summary": "修改资格条件", "affects_bids": true})),
        )
        .await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("invalid_transition")));
        assert!(body["message"].as_str().is_some_and(|m| m.contains("暂停")), "{body}");
        let (status, _, _) = call(regulator.post(&app, &fixture.path("/suspension")).json(&reason)).await;
        assert_eq!(status, StatusCode::CONFLICT, "a suspended tender is not suspended twice");
        let (status, _, body) = call(app.client.get(app.url(&fixture.path("/opening")))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("opening_not_started")));

        // Resumed: bidding again, and the bid is taken.
        let (status, _, body) = call(regulator.post(&app, &fixture.path("/resumption")).json(&reason)).await;
        assert_eq!((status, body["state"].as_str()), (StatusCode::OK, Some("bidding")), "{body}");
        let (status, body) = fixture.submit(&app, bidder, bytes, &digest).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (status, _, _) = call(regulator.post(&app, &fixture.path("/resumption")).json(&reason)).await;
        assert_eq!(status, StatusCode::CONFLICT, "only a suspended tender resumes");
        app.finish().await;
    }
}

/// 条例23: documents found to break a mandatory rule in a way that affects the result make the tender
/// fail, to be re-run with corrected documents: the regulator orders it (the tender suspended on a
/// complaint meanwhile); a bidder cannot; afterwards nothing is accepted.
#[tokio::test]
async fn unlawful_documents_make_the_tender_fail_to_be_run_again() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let fixture = tender_fixture::tender(&app, &ca, true).await;
        let regulator = tender_fixture::session(&app, "regulator-23", &[(Role::Regulator, "330100")]).await;
        let finding = json!({"reason": "招标文件以杭州市本地业绩作为加分条件，以不合理条件排斥外地潜在投标人"});
        let (status, _, body) = call(regulator.post(&app, &fixture.path("/suspension")).json(&finding)).await;
        assert_eq!((status, body["state"].as_str()), (StatusCode::OK, Some("suspended")), "{body}");
        let order = fixture.path("/retender-order");
        let (status, _, _) = call(fixture.bidders[0].session.post(&app, &order).json(&finding)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, body) = call(regulator.post(&app, &order).json(&finding)).await;
        assert_eq!((status, body["state"].as_str()), (StatusCode::OK, Some("failed")), "{body}");
        let events = app.app.store().stream(&format!("tender-{}", fixture.tender_id)).await.expect("stream");
        let last = events.last().expect("event");
        assert_eq!(last.event_type, "TenderFailed");
        assert!(last.payload.contains("第二十三条") && last.payload.contains("重新招标"), "{}", last.payload);
        let (status, _, body) = call(regulator.post(&app, &order).json(&finding)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("invalid_transition")), "{body}");
        let (bytes, digest) = fixture.seal(&fixture.bidders[1], 100_000_000, 100);
        let (status, body) = fixture.submit(&app, &fixture.bidders[1], bytes, &digest).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::CONFLICT, Some("tender_not_accepting_bids")),
            "{body}"
        );
        app.finish().await;
    }
}

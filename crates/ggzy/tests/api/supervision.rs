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

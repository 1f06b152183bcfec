//! Invited tendering over HTTP (邀请招标, 招标投标法 第十七条, 招标投标法实施条例 第八条): at least three
//! invitees on a ground of 条例8 with the approving authority's finding; only the invited register.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{call, spawn_apps_with};
use crate::tender_fixture::{self, Ca, DEADLINE_MS, trust};

#[tokio::test]
async fn an_invited_tender_needs_three_invitees_and_takes_registrations_from_them_only() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        // A state-controlled project approved for invited tendering on the first ground of 条例8.
        let project = json!({"method": "invited", "invitation_ground": "few_bidders"});
        let fixture = tender_fixture::tender_with(&app, &ca, false, project).await;
        let [b0, b1, b2, _] = [0, 1, 2, 3].map(|i| fixture.bidders[i].code);
        let invite = |invitees: &[&str], ground: &str| json!({"invitees": invitees, "ground": ground, "approval_reference": "杭发改审批〔2026〕88号"});
        let path = fixture.path("/invitations");
        let (status, _, body) = call(fixture.principal.post(&app, &path).json(&invite(&[b0, b1], "few_bidders"))).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invited_bidders_too_few"))
        );
        assert!(body["message"].as_str().is_some_and(|m| m.contains("第十七条")), "{body}");
        let (status, _, body) =
            call(fixture.principal.post(&app, &path).json(&invite(&[b0, b1, b2], "cheaper_that_way"))).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invitation_ground_invalid"))
        );
        let (status, _, body) =
            call(fixture.principal.post(&app, &path).json(&invite(&[b0, b1, b2], "few_bidders"))).await;
        assert_eq!((status, body["state"].as_str()), (StatusCode::OK, Some("draft")), "{body}");

        fixture.hold_ceremony(&app).await;
        let notice = json!({"bid_deadline": tender_fixture::rfc3339(DEADLINE_MS)});
        let (status, _, body) = call(fixture.principal.post(&app, &fixture.path("/notice")).json(&notice)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let register = |i: usize| fixture.register(&app, &fixture.bidders[i]);
        let (status, _, body) = call(register(3)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("bidder_not_invited")));
        let (status, _, body) = call(register(0)).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        let (status, _, _) =
            call(fixture.principal.post(&app, &path).json(&invite(&[b0, b1, b2], "few_bidders"))).await;
        assert_eq!(status, StatusCode::CONFLICT, "invitations come before the notice, once");
        app.finish().await;
    }
}

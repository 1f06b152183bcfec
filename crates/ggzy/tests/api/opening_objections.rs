//! Objections at the opening over HTTP (招标投标法实施条例 第四十四条): raised by a bidder on the
//! spot while the session runs, answered by the principal on the spot; the opening does not close
//! with one unanswered; both stay in the public opening view.

use reqwest::StatusCode;
use serde_json::json;

use crate::award::{escrow_shares_given, opening_started};
use crate::helpers::{call, spawn_apps_with};
use crate::tender_fixture::{self, Ca, PRINCIPAL, trust};

#[tokio::test]
async fn an_objection_at_the_opening_is_answered_on_the_spot_before_it_closes() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let mut fixture = tender_fixture::tender(&app, &ca, true).await;
        let objections = fixture.path("/opening/objections");
        let bidder = &fixture.bidders[1];
        let objection = json!({"objector_credit_code": bidder.code, "text": "唱标时本公司投标报价读错"});
        let (status, _, body) = call(bidder.session.post(&app, &objections).json(&objection)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("invalid_transition")), "{body}");
        assert!(body["message"].as_str().is_some_and(|m| m.contains("第四十四条")), "{body}");

        opening_started(&app, &mut fixture).await;
        let bidder = &fixture.bidders[1];
        // Only a bidder of the tender objects, for itself.
        let outsider = json!({"objector_credit_code": PRINCIPAL, "text": "异议"});
        let (status, _, _) = call(bidder.session.post(&app, &objections).json(&outsider)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a bidder objects only for itself");
        let (status, _, body) = call(bidder.session.post(&app, &objections).json(&objection)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body[0]["objection_id"], 1);

        escrow_shares_given(&app, &fixture).await;
        let close = fixture.path("/opening/close");
        let (status, _, body) = call(fixture.principal.post(&app, &close)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("opening_objection_pending")));
        let answer = json!({"answer": "经核对开标记录，报价为1050万元，唱标无误"});
        let (status, _, body) =
            call(fixture.principal.post(&app, &format!("{objections}/1/answer")).json(&answer)).await;
        assert_eq!((status, body[0]["answer"].as_str()), (StatusCode::OK, answer["answer"].as_str()), "{body}");
        let (status, _, body) =
            call(fixture.principal.post(&app, &format!("{objections}/1/answer")).json(&answer)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("invalid_transition")));
        let (status, _, body) = call(fixture.principal.post(&app, &close)).await;
        assert_eq!((status, body["state"].as_str()), (StatusCode::OK, Some("opened")), "{body}");

        // On the record, for everyone; and no more objections once the opening is over.
        let (_, _, public) = call(app.client.get(app.url(&fixture.path("/opening")))).await;
        assert_eq!(public["objections"][0]["objector_credit_code"], bidder.code);
        assert!(public["objections"][0]["answered_at"].is_string(), "{public}");
        let (status, _, _) = call(bidder.session.post(&app, &objections).json(&objection)).await;
        assert_eq!(status, StatusCode::CONFLICT);
        app.finish().await;
    }
}

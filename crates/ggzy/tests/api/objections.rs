//! Objections to the tender documents over HTTP (招标投标法实施条例 第二十二条): the activity stops until
//! the reply, the deadline moves out by the pause, objections close 10 days before the deadline,
//! and the objector stays sealed from the principal (招标投标法 第二十二条). Days computed by hand.

use ggzy_domain::role::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{call, spawn_apps_with};
use crate::tender_fixture::{self, Ca, trust};

fn at(text: &str) -> i64 {
    text.parse::<jiff::Timestamp>().expect("timestamp").as_millisecond()
}

#[tokio::test]
async fn an_objection_stops_the_tender_until_the_reply_and_moves_the_deadline_by_the_pause() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let mut fixture = tender_fixture::tender(&app, &ca, true).await;
        let objector = fixture.bidders[0].code;
        let objection = json!({"objector_credit_code": objector, "text": "资格条件要求本省业绩，排斥外地投标人"});

        // 2026-11-25: bidder 0 objects; bids stop.
        app.clock.set_ms(at("2026-11-25T10:00:00+08:00"));
        fixture.relogin(&app).await;
        let (status, _, body) =
            call(fixture.bidders[0].session.post(&app, &fixture.path("/objections")).json(&objection)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body[0]["objector_credit_code"], objector, "the objector sees its own name");
        let objection_id = body[0]["objection_id"].as_str().expect("id").to_owned();
        let (bytes, digest) = fixture.seal(&fixture.bidders[1], 10_000_000, 1_000);
        let (status, body) = fixture.submit(&app, &fixture.bidders[1], bytes.clone(), &digest).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("objection_pending")), "{body}");
        // The principal does not learn who objected; the regulator does.
        let (_, _, seen) = call(fixture.principal.client.get(app.url(&fixture.path("/objections")))).await;
        assert_eq!(seen[0]["objector_credit_code"], "", "{seen}");
        let regulator = tender_fixture::session(&app, "regulator", &[(Role::Regulator, "330100")]).await;
        let (_, _, seen) = call(regulator.client.get(app.url(&fixture.path("/objections")))).await;
        assert_eq!(seen[0]["objector_credit_code"], objector);

        // 2026-11-27: the reply. The pause ran 11-25 to 11-27, 2 days: the deadline of 2026-12-19
        // 16:00 moves to 12-21 16:00 (a Monday, a working day).
        app.clock.set_ms(at("2026-11-27T10:00:00+08:00"));
        fixture.relogin(&app).await;
        let reply = json!({"reply": "资格条件已修改为全国范围业绩，见澄清文件"});
        let path = fixture.path(&format!("/objections/{objection_id}/reply"));
        let (status, _, body) = call(fixture.principal.post(&app, &path).json(&reply)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body[0]["answered_day"], "2026-11-27");
        let (status, _, _) = call(fixture.principal.post(&app, &path).json(&reply)).await;
        assert_eq!(status, StatusCode::CONFLICT, "answered once");
        let (_, _, tender) = call(app.client.get(app.url(&fixture.path("")))).await;
        let deadline =
            tender["bid_deadline"].as_str().and_then(|t| t.parse::<jiff::Timestamp>().ok()).expect("deadline");
        assert_eq!(deadline.as_millisecond(), at("2026-12-21T16:00:00+08:00"), "{tender}");
        let (status, body) = fixture.submit(&app, &fixture.bidders[1], bytes, &digest).await;
        assert_eq!(status, StatusCode::CREATED, "bids are taken again: {body}");

        // Objections close 10 days before the deadline: 12-11 is the last day; 12-12 is late.
        app.clock.set_ms(at("2026-12-12T10:00:00+08:00"));
        fixture.relogin(&app).await;
        let (status, _, body) =
            call(fixture.bidders[0].session.post(&app, &fixture.path("/objections")).json(&objection)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("objection_out_of_time")), "{body}");
        assert!(body["message"].as_str().is_some_and(|m| m.contains("2026年12月11日")), "{body}");
        app.finish().await;
    }
}

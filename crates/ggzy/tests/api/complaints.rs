//! Complaints to the regulator over HTTP (招标投标法实施条例 第六十条、第六十一条): the 10-day filing
//! period with its last day, the 3-working-day acceptance clock (late acceptance recorded as such),
//! the 30-working-day decision clock decided even when its last day lies in a year the calendar does
//! not hold yet. Who may see a complaint. Days computed by hand (2026-11-24 is a Tuesday).

use ggzy_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{call, spawn_apps_with};
use crate::tender_fixture::{self, Ca, trust};

fn at(text: &str) -> i64 {
    text.parse::<jiff::Timestamp>().expect("timestamp").as_millisecond()
}

#[tokio::test]
async fn a_complaint_is_filed_in_time_accepted_late_and_decided_in_time() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let mut fixture = tender_fixture::tender(&app, &ca, true).await;
        let complainant = fixture.bidders[0].code;
        let complaint = |known_on: &str| json!({"complainant_credit_code": complainant, "known_on": known_on, "text": "评标委员会组成不合法，请求调查"});
        let file = |body: Value| fixture.bidders[0].session.post(&app, &fixture.path("/complaints")).json(&body);

        // Known on 11-10: 10 days end 11-20; filed 11-24 is late, and the message says the last day.
        let (status, _, body) = call(file(complaint("2026-11-10"))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("complaint_out_of_time")));
        assert!(
            body["message"].as_str().is_some_and(|m| m.contains("2026年11月20日") && m.contains("第六十条")),
            "{body}"
        );
        // Known on 11-20: in time. Acceptance is due in 3 working days: 11-25, 11-26, 11-27.
        let (status, _, body) = call(file(complaint("2026-11-20"))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!((body["state"].as_str(), body["filed_day"].as_str()), (Some("filed"), Some("2026-11-24")));
        assert_eq!(body["acceptance_due"], "2026-11-27");
        let id = body["complaint_id"].as_str().expect("id").to_owned();

        let regulator = tender_fixture::session(&app, "regulator", &[(Role::Regulator, "330100")]).await;
        let elsewhere = tender_fixture::session(&app, "regulator-bj", &[(Role::Regulator, "110000")]).await;
        for outsider in [&fixture.principal, &elsewhere] {
            let (status, _, _) = call(outsider.client.get(app.url(&format!("/api/v1/complaints/{id}")))).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "neither the principal nor another region's regulator");
        }
        let (status, _, body) = call(regulator.client.get(app.url(&format!("/api/v1/complaints/{id}")))).await;
        assert_eq!((status, body["complainant_credit_code"].as_str()), (StatusCode::OK, Some(complainant)));

        // Accepted on 11-30 (Mon): four working days after filing, so late, and recorded as late.
        app.clock.set_ms(at("2026-11-30T10:00:00+08:00"));
        fixture.relogin(&app).await;
        let regulator = tender_fixture::session(&app, "regulator2", &[(Role::Regulator, "330100")]).await;
        let acceptance = format!("/api/v1/complaints/{id}/acceptance");
        let (status, _, body) = call(regulator.post(&app, &acceptance).json(&json!({"accept": true}))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!((body["state"].as_str(), body["acceptance_in_time"].as_bool()), (Some("accepted"), Some(false)));
        // 30 working days from 11-30 reach January 2027, not in the calendar yet: the due day is unknown.
        assert_eq!(body["decision_due"], Value::Null, "{body}");
        let (status, _, _) =
            call(regulator.post(&app, &acceptance).json(&json!({"accept": false, "reason": "x"}))).await;
        assert_eq!(status, StatusCode::CONFLICT, "acceptance is decided once");

        // Decided on 12-10: eight working days after acceptance, in time though the last day is unknown.
        app.clock.set_ms(at("2026-12-10T10:00:00+08:00"));
        fixture.relogin(&app).await;
        let regulator = tender_fixture::session(&app, "regulator3", &[(Role::Regulator, "330100")]).await;
        let decision =
            json!({"upheld": true, "decision": "评标委员会中招标人代表超过三分之一，责令重新组建评标委员会"});
        let (status, _, body) =
            call(regulator.post(&app, &format!("/api/v1/complaints/{id}/decision")).json(&decision)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            (body["state"].as_str(), body["decision_in_time"].as_bool(), body["upheld"].as_bool()),
            (Some("decided"), Some(true), Some(true))
        );
        // The complainant sees the outcome.
        let (status, _, body) =
            call(fixture.bidders[0].session.client.get(app.url(&format!("/api/v1/complaints/{id}")))).await;
        assert_eq!((status, body["state_label"].as_str()), (StatusCode::OK, Some("已作出处理决定")));
        app.finish().await;
    }
}

/// The last day of a period ends at 24:00 (民法典 第二百零三条第二款): the platform takes filings at any
/// hour, so it has no close of business. Known on 11-14, the 10 days end on 11-24 (a Tuesday).
#[tokio::test]
async fn a_complaint_on_the_last_day_is_in_time_until_midnight() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let mut fixture = tender_fixture::tender(&app, &ca, true).await;
        let complaint = |fixture: &tender_fixture::TenderFixture, i: usize| {
            let body = json!({"complainant_credit_code": fixture.bidders[i].code, "known_on": "2026-11-14", "text": "开标程序违法"});
            fixture.bidders[i].session.post(&app, &fixture.path("/complaints")).json(&body)
        };
        app.clock.set_ms(at("2026-11-24T23:59:59+08:00"));
        fixture.relogin(&app).await;
        let (status, _, body) = call(complaint(&fixture, 0)).await;
        assert_eq!((status, body["filed_day"].as_str()), (StatusCode::OK, Some("2026-11-24")), "{body}");
        app.clock.set_ms(at("2026-11-25T00:00:00+08:00"));
        fixture.relogin(&app).await;
        let (status, _, body) = call(complaint(&fixture, 1)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("complaint_out_of_time")));
        assert!(body["message"].as_str().is_some_and(|m| m.contains("2026年11月24日")), "{body}");
        app.finish().await;
    }
}

//! The regulator's workbench as a browser uses it, over HTTP: after an opening that raised alerts
//! and a complaint, the regulator of the tender's region signs in by form and sees the tender, the
//! alerts with their evidence and the complaint with its clock; a review or acceptance refused by
//! the API shows the Chinese reason beside the field and changes nothing; accepted ones are
//! recorded as through the API. Another region's regulator sees none of it; a bidder gets 403.

use ggzy_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::award::opened;
use crate::helpers::{PASSWORD, TestApp, browser, call, csrf, sign_in, spawn_apps_with};
use crate::procurement_fixture::{People, WAN};
use crate::tender_fixture::{self, Ca, trust};

const TITLE: &str = "杭州市文三路综合管廊工程施工";
const COMPLAINT: &str = "开标时监督人员未到场，请求调查";

/// The first error shown beside a field of a page.
fn field_error(html: &str) -> String {
    let error = html.split("class=\"field-error\" role=\"alert\">").nth(1).and_then(|rest| rest.split('<').next());
    error.expect("an error beside a field").to_owned()
}

/// An alert's or a complaint's state as the API reports it.
async fn api_state(app: &TestApp, client: &reqwest::Client, path: &str) -> Value {
    let (status, _, body) = call(client.get(app.url(path))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["state"].clone()
}

/// Posts a workbench form; returns the final URL path, status and page.
async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> (String, StatusCode, String) {
    let response = client.post(app.url(path)).form(form).send().await.expect("form");
    let path = response.url().path().to_owned();
    let status = response.status();
    (path, status, response.text().await.expect("page"))
}

#[tokio::test]
async fn a_regulator_sees_its_regions_alerts_and_complaints_and_reviews_them_by_form() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let mut fixture = tender_fixture::tender(&app, &ca, true).await;
        opened(&app, &mut fixture).await;
        // The deadline day is 2026-12-19: known the day before, the complaint is in time.
        let complaint =
            json!({"complainant_credit_code": fixture.bidders[0].code, "known_on": "2026-12-18", "text": COMPLAINT});
        let (status, _, body) =
            call(fixture.bidders[0].session.post(&app, &fixture.path("/complaints")).json(&complaint)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let complaint_id = body["complaint_id"].as_str().expect("id").to_owned();
        let complaint_id = complaint_id.as_str();

        // Signed in by form: the only workbench of a regulator opens directly, with every list.
        app.create_user("regulator-wb", &[(Role::Regulator, "330100")]).await;
        let client = browser();
        let (path, status, html) = sign_in(&app, &client, "regulator-wb", PASSWORD).await;
        assert_eq!((path.as_str(), status), ("/workbench/regulator", StatusCode::OK), "{html}");
        assert!(html.contains("监管工作台") && html.contains(TITLE), "the tender is monitored: {html}");
        assert!(html.contains(&format!("/notices/{}", fixture.tender_id)), "{html}");
        assert!(html.contains("<code>same_machine</code>") && html.contains("第四十条第（一）项"), "alerts: {html}");
        assert!(html.contains(&hex::encode([1u8; 32])), "the shared machine id is the evidence: {html}");
        assert!(html.contains(COMPLAINT) && html.contains("已提交"), "the complaint: {html}");
        assert!(html.contains("/workbench/regulator/complaints/acceptance"), "its acceptance form: {html}");
        let token = csrf(&html);
        let token = token.as_str();

        let (_, _, alerts) = call(client.get(app.url("/api/v1/alerts"))).await;
        let machine = alerts
            .as_array()
            .and_then(|all| all.iter().find(|a| a["rule"] == "same_machine"))
            .and_then(|a| a["alert_id"].as_str())
            .expect("the same-machine alert")
            .to_owned();
        let machine = machine.as_str();
        let alert_path = format!("/api/v1/alerts/{machine}");

        // A form without the session's token is refused outright.
        let review = "/workbench/regulator/alerts/review";
        let (_, status, _) = post(&app, &client, review, &[("alert_id", machine), ("decision", "confirm")]).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // A blank reason: the API's message beside the reason field; the alert is still new.
        let blank = [("csrf_token", token), ("alert_id", machine), ("decision", "confirm"), ("reason", " ")];
        let (_, status, html) = post(&app, &client, review, &blank).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&html).contains("须写明核查结论或理由"), "{html}");
        assert!(html.contains("aria-invalid=\"true\""), "{html}");
        assert_eq!(api_state(&app, &client, &alert_path).await, "new");
        // No conclusion chosen: the message beside the choice.
        let (_, status, html) =
            post(&app, &client, review, &[("csrf_token", token), ("alert_id", machine), ("reason", "x")]).await;
        assert_eq!((status, field_error(&html).contains("请选择核查结论")), (StatusCode::UNPROCESSABLE_ENTITY, true));
        // Confirmed with the finding: recorded, and the alert can now be referred.
        let found = "四家投标人的投标文件由同一台计算机制作";
        let confirm = [("csrf_token", token), ("alert_id", machine), ("decision", "confirm"), ("reason", found)];
        let (path, status, html) = post(&app, &client, review, &confirm).await;
        assert_eq!((path.as_str(), status), ("/workbench/regulator", StatusCode::OK));
        assert!(html.contains("核查结论已记录") && html.contains(found), "{html}");
        assert!(html.contains("/workbench/regulator/alerts/referral"), "{html}");
        assert_eq!(api_state(&app, &client, &alert_path).await, "confirmed");

        // Declining a complaint without a reason: refused beside the reason; still filed.
        let acceptance = "/workbench/regulator/complaints/acceptance";
        let complaint_path = format!("/api/v1/complaints/{complaint_id}");
        let refuse = [("csrf_token", token), ("complaint_id", complaint_id), ("accept", "refuse")];
        let (_, status, html) = post(&app, &client, acceptance, &refuse).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&html).contains("不予受理的理由"), "{html}");
        assert_eq!(api_state(&app, &client, &complaint_path).await, "filed");
        let accept = [("csrf_token", token), ("complaint_id", complaint_id), ("accept", "accept")];
        let (path, status, html) = post(&app, &client, acceptance, &accept).await;
        assert_eq!((path.as_str(), status), ("/workbench/regulator", StatusCode::OK));
        assert!(html.contains("受理决定已记录") && html.contains("已受理"), "{html}");
        assert!(html.contains("/workbench/regulator/complaints/decision"), "the decision form: {html}");
        assert_eq!(api_state(&app, &client, &complaint_path).await, "accepted");

        // Another region's regulator: its workbench, none of these rows.
        app.create_user("regulator-bj-wb", &[(Role::Regulator, "110000")]).await;
        let beijing = browser();
        let (path, status, html) = sign_in(&app, &beijing, "regulator-bj-wb", PASSWORD).await;
        assert_eq!((path.as_str(), status), ("/workbench/regulator", StatusCode::OK), "{html}");
        assert!(!html.contains(TITLE) && !html.contains(machine) && !html.contains(COMPLAINT), "{html}");
        assert!(html.contains("目前没有预警") && html.contains("目前没有招标投标投诉"), "{html}");
        // Its forms cannot reach this region's records: the API's 403, and nothing changes.
        let beijing_token = csrf(&html);
        let decline = [
            ("csrf_token", beijing_token.as_str()),
            ("complaint_id", complaint_id),
            ("upheld", "rejected"),
            ("decision", "不属于本机关管辖"),
        ];
        let (_, status, _) = post(&app, &beijing, "/workbench/regulator/complaints/decision", &decline).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(api_state(&app, &client, &complaint_path).await, "accepted");

        // A bidder is told this is the regulator's workbench.
        let bidder = browser();
        let (path, _, _) = sign_in(&app, &bidder, &fixture.bidders[1].session.username, PASSWORD).await;
        assert_eq!(path, "/workbench/bidder");
        let response = bidder.get(app.url("/workbench/regulator")).send().await.expect("page");
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        app.finish().await;
    }
}

/// A government procurement of the region is on the monitor with its state, linked to its page;
/// another region's regulator does not see it.
#[tokio::test]
async fn a_regulator_monitors_its_regions_procurements() {
    for app in crate::helpers::spawn_apps().await {
        let people = People::new(&app).await;
        let plan = json!({"method": "inquiry", "budget_fen": 60 * WAN, "grounds": ["standard_goods"]});
        let id = people.planned(&app, plan).await;
        let client = browser();
        let (path, status, html) = sign_in(&app, &client, &people.regulator.username, PASSWORD).await;
        assert_eq!((path.as_str(), status), ("/workbench/regulator", StatusCode::OK), "{html}");
        assert!(html.contains(&format!("<a href=\"/procurements/{id}\">西湖区中小学教学设备采购项目</a>")), "{html}");
        assert!(html.contains("目前没有政府采购投诉"), "{html}");
        app.create_user("regulator-bj-gp", &[(Role::Regulator, "110000")]).await;
        let (_, _, html) = sign_in(&app, &browser(), "regulator-bj-gp", PASSWORD).await;
        assert!(!html.contains(&id) && html.contains("本区域暂无政府采购项目"), "{html}");
        app.finish().await;
    }
}

//! The principal's workbench as a browser uses it, over HTTP: sign-in by form, its own tenders
//! (never another entity's), the objection to its documents answered by form, the API's Chinese
//! refusal beside the reply when it is empty (nothing recorded), and other roles kept out.

use ggzy_domain::role::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{PASSWORD, browser, call, csrf, sign_in, spawn_apps_with};
use crate::tender_fixture::{self, Ca, ready_project, register, session, trust};

/// A principal unrelated to the fixture's.
const OTHER_PRINCIPAL: &str = "91330106MA2H00014Q";

#[tokio::test]
async fn a_principal_sees_only_its_tenders_and_answers_an_objection_by_form() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let fixture = tender_fixture::tender(&app, &ca, true).await;
        // Another principal's tender: not on this principal's workbench.
        let other = session(&app, "principal-other", &[(Role::Principal, "330000")]).await;
        register(&app, &other, OTHER_PRINCIPAL, "西湖园林绿化工程有限公司").await;
        let project = json!({"principal_credit_code": OTHER_PRINCIPAL, "name": "西湖景区绿化提升工程"});
        let project_id = ready_project(&app, &other, "2026-330106-48-01-000456", project).await;
        let tender = json!({"region_code": "330100", "title": "西湖景区绿化提升工程施工",
            "principal_credit_code": OTHER_PRINCIPAL, "lots": ["绿化工程"], "project_id": project_id});
        let (status, _, body) = call(other.post(&app, "/api/v1/tenders").json(&tender)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");

        // A bidder objects to the documents (more than 10 days before the deadline).
        let bidder = &fixture.bidders[0];
        let objection =
            json!({"objector_credit_code": bidder.code, "text": "招标文件第三章资格条件要求过高，排斥潜在投标人"});
        let (status, _, body) = call(bidder.session.post(&app, &fixture.path("/objections")).json(&objection)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let objection_id = body[0]["objection_id"].as_str().expect("objection id").to_owned();

        // A government procurement the same entity runs as purchaser.
        let plan = json!({"region_code": "330100", "title": "西湖区中小学教学设备采购项目",
            "purchaser_credit_code": tender_fixture::PRINCIPAL, "category": "goods", "method": "inquiry",
            "budget_fen": 60_000_000, "grounds": ["standard_goods"]});
        let (status, _, body) = call(fixture.principal.post(&app, "/api/v1/procurements").json(&plan)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let procurement_id = body["procurement_id"].as_str().expect("procurement id").to_owned();

        // Signed in by form, the principal's only workbench opens directly with its own rows.
        let client = browser();
        let (path, status, html) = sign_in(&app, &client, "principal", PASSWORD).await;
        assert_eq!((path.as_str(), status), ("/workbench/principal", StatusCode::OK), "{html}");
        assert!(html.contains("杭州市文三路综合管廊工程施工"), "{html}");
        assert!(html.contains(&format!("href=\"/notices/{}\"", fixture.tender_id)), "{html}");
        assert!(html.contains(tender_fixture::PROJECT_CODE) && html.contains("杭州市文三路综合管廊工程"), "{html}");
        assert!(html.contains("资格条件要求过高") && html.contains("待答复"), "{html}");
        assert!(html.contains("标段 1 土建工程") && html.contains("标段 2 机电安装"), "{html}");
        assert!(html.contains(&format!("href=\"/procurements/{procurement_id}\"")), "{html}");
        assert!(html.contains("西湖区中小学教学设备采购项目") && html.contains("采购人"), "{html}");
        assert!(!html.contains("西湖景区绿化提升工程"), "another entity's tender is not shown: {html}");
        assert!(!html.contains(bidder.code), "the objector stays unnamed to the principal: {html}");
        let token = csrf(&html);

        // An empty reply: the use case's Chinese refusal beside the reply; nothing recorded.
        let url = app.url("/workbench/principal/objection-replies");
        let form = |reply: &'static str| {
            [
                ("csrf_token", token.clone()),
                ("tender_id", fixture.tender_id.clone()),
                ("objection_id", objection_id.clone()),
                ("reply", reply.to_owned()),
            ]
        };
        let response = client.post(&url).form(&form("   ")).send().await.expect("post");
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.expect("page");
        let beside = format!("id=\"reply-{objection_id}-error\" class=\"field-error\" role=\"alert\">答复内容不能为空");
        assert!(html.contains(&beside), "{html}");
        assert!(html.contains(&format!("aria-describedby=\"reply-{objection_id}-error\"")), "{html}");
        let (_, _, list) = call(client.get(app.url(&fixture.path("/objections")))).await;
        assert!(list[0]["reply"].is_null(), "nothing was recorded: {list}");
        // A form without the session's token is refused.
        let mut forged = form("资格条件依据项目规模设定");
        forged[0].1 = "forged".to_owned();
        let response = client.post(&url).form(&forged).send().await.expect("post");
        assert_eq!(response.status(), StatusCode::FORBIDDEN);

        // The reply by form: back to the workbench (PRG), recorded as the API records it.
        let response = client.post(&url).form(&form("资格条件依据项目规模设定，符合规定")).send().await.expect("post");
        assert_eq!(response.url().path(), "/workbench/principal");
        let html = response.text().await.expect("page");
        assert!(html.contains("异议已答复") && html.contains("资格条件依据项目规模设定，符合规定"), "{html}");
        let (_, _, list) = call(client.get(app.url(&fixture.path("/objections")))).await;
        assert_eq!(list[0]["reply"], "资格条件依据项目规模设定，符合规定", "{list}");

        // The other principal sees its own tender and not this one.
        let other_browser = browser();
        let (_, _, html) = sign_in(&app, &other_browser, "principal-other", PASSWORD).await;
        assert!(html.contains("西湖景区绿化提升工程施工") && !html.contains("文三路"), "{html}");
        assert!(!html.contains(&procurement_id), "nor another entity's procurement: {html}");

        // An agency's account uses the same workbench; acting for no entity, it sees no tender.
        app.create_user("agency-desk", &[(Role::Agency, "330100")]).await;
        let agency = browser();
        let (path, status, html) = sign_in(&app, &agency, "agency-desk", PASSWORD).await;
        assert_eq!((path.as_str(), status), ("/workbench/principal", StatusCode::OK), "{html}");
        assert!(html.contains("尚无招标项目") && !html.contains("文三路"), "{html}");

        // Another role is refused.
        app.create_user("expert-desk", &[(Role::Expert, "330100")]).await;
        let expert = browser();
        let (path, _, _) = sign_in(&app, &expert, "expert-desk", PASSWORD).await;
        assert_eq!(path, "/workbench/expert");
        let response = expert.get(app.url("/workbench/principal")).send().await.expect("page");
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        app.finish().await;
    }
}

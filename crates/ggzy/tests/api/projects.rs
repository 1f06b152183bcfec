//! Projects over HTTP (项目登记, RULES.md §1.1): the duty to tender assessed from the funding and
//! the packages (招标投标法 第三条、第四条; 16号令 第二条、第五条), exemptions (第六十六条; 条例 第九条),
//! and the gate before a tender's first notice: the approval of scope, method and form (条例 第七条),
//! open tendering for state-funded projects (条例 第八条) and the self-tendering filing (法 第十二条).

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, call, spawn_apps_with};
use crate::tender_fixture::{self, Ca, DEADLINE_MS, PRINCIPAL, Session, project_body, trust};

async fn post(app: &TestApp, session: &Session, path: &str, body: &Value) -> (StatusCode, Value) {
    let (status, _, body) = call(session.post(app, path).json(body)).await;
    (status, body)
}

fn code_of(status: StatusCode, body: &Value) -> (StatusCode, Option<&str>) {
    (status, body["code"].as_str())
}

#[tokio::test]
async fn a_project_is_assessed_and_its_tender_waits_for_approval_and_filing() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let fixture = tender_fixture::tender(&app, &ca, false).await;
        let principal = &fixture.principal;

        // Bad input: a code off its layout; invited tendering of a state-controlled project without
        // a ground of 条例8. Nothing is recorded.
        let bad_code = project_body("2026-330106-48-01-00012", json!({}));
        let (status, body) = post(&app, principal, "/api/v1/projects", &bad_code).await;
        assert_eq!(code_of(status, &body), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_investment_code")));
        assert!(body["message"].as_str().is_some_and(|m| m.contains("24位")), "{body}");
        let code = "2026-330106-48-01-000124";
        let invited = project_body(code, json!({"method": "invited"}));
        let (status, body) = post(&app, principal, "/api/v1/projects", &invited).await;
        assert_eq!(code_of(status, &body), (StatusCode::UNPROCESSABLE_ENTITY, Some("open_tendering_required")));
        assert!(body["message"].as_str().is_some_and(|m| m.contains("第八条")), "{body}");
        let (status, _, _) = call(app.client.get(app.url(&format!("/api/v1/projects/{code}")))).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // Budget funds of 300万 in 2000万 (15%) make it state-funded (16号令 第二条); two survey
        // packages of 60万 and 50万 are each below 100万 but 110万 together (法 第四条).
        let split = project_body(
            code,
            json!({
                "public_interest": false, "state_controlled": false,
                "total_investment_fen": 2_000_000_000_i64, "state_budget_funds_fen": 300_000_000_i64,
                "packages": [
                    {"kind": "survey", "name": "地质勘察一", "estimate_fen": 60_000_000_i64},
                    {"kind": "survey", "name": "地质勘察二", "estimate_fen": 50_000_000_i64},
                    {"kind": "goods", "name": "水泵", "estimate_fen": 199_999_999_i64},
                ],
            }),
        );
        let (status, body) = post(&app, principal, "/api/v1/projects", &split).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["categories"], json!(["state_budget_funded"]));
        assert_eq!(
            body["classes"],
            json!([
                {"class": "goods", "aggregate_fen": 199_999_999_i64, "threshold_fen": 200_000_000_i64, "must_tender": false},
                {"class": "services", "aggregate_fen": 110_000_000_i64, "threshold_fen": 100_000_000_i64, "must_tender": true},
            ])
        );
        assert_eq!((body["must_tender"].as_bool(), body["state_funded"].as_bool()), (Some(true), Some(true)));
        assert_eq!(body["ready"].as_bool(), Some(false));
        assert!(body["not_ready_reason"].as_str().is_some_and(|m| m.contains("第七条")), "{body}");
        let (status, body) = post(&app, principal, "/api/v1/projects", &split).await;
        assert_eq!(status, StatusCode::CONFLICT, "one code registers once: {body}");

        // A self-tendering project's tender names no agency.
        let tender = |agency: Option<&str>| {
            json!({"region_code": "330100", "title": "杭州市地质勘察", "principal_credit_code": PRINCIPAL,
                   "lots": ["勘察"], "project_id": code, "agency_credit_code": agency})
        };
        let (status, body) = post(&app, principal, "/api/v1/tenders", &tender(Some(tender_fixture::BIDDERS[0]))).await;
        assert_eq!(code_of(status, &body), (StatusCode::UNPROCESSABLE_ENTITY, Some("agency_not_allowed")));
        let (status, body) = post(&app, principal, "/api/v1/tenders", &tender(None)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let tender_id = body["tender_id"].as_str().expect("id").to_owned();
        let (status, body) =
            post(&app, principal, &format!("/api/v1/tenders/{tender_id}/opening-key"), &json!(fixture.ceremony)).await;
        assert_eq!(status, StatusCode::OK, "{body}");

        // The notice waits for the approval (条例7), then for the filing (法12); an invitation is
        // refused because the project tenders openly.
        let notice_path = format!("/api/v1/tenders/{tender_id}/notice");
        let notice = json!({"bid_deadline": tender_fixture::rfc3339(DEADLINE_MS)});
        let (status, body) = post(&app, principal, &notice_path, &notice).await;
        assert_eq!(code_of(status, &body), (StatusCode::CONFLICT, Some("project_not_approved")));
        let approval = json!({"authority": "杭州市发展和改革委员会", "document_number": "杭发改审批〔2026〕90号",
                              "decided_on": "2026-11-23", "method": "open", "organisation_form": "self"});
        let approval_path = format!("/api/v1/projects/{code}/approval");
        let mut future = approval.clone();
        future["decided_on"] = json!("2026-11-25");
        let (status, body) = post(&app, principal, &approval_path, &future).await;
        assert_eq!(code_of(status, &body), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_date")));
        let (status, body) = post(&app, principal, &approval_path, &approval).await;
        assert_eq!((status, body["state"].as_str()), (StatusCode::OK, Some("approved")), "{body}");
        let (status, body) = post(&app, principal, &approval_path, &approval).await;
        assert_eq!(code_of(status, &body), (StatusCode::CONFLICT, Some("invalid_transition")));
        let (status, body) = post(&app, principal, &notice_path, &notice).await;
        assert_eq!(code_of(status, &body), (StatusCode::CONFLICT, Some("self_tendering_not_filed")));
        assert!(body["message"].as_str().is_some_and(|m| m.contains("第十二条")), "{body}");
        let invite = json!({"invitees": &tender_fixture::BIDDERS[..3], "ground": "", "approval_reference": ""});
        let (status, body) = post(&app, principal, &format!("/api/v1/tenders/{tender_id}/invitations"), &invite).await;
        assert_eq!(code_of(status, &body), (StatusCode::CONFLICT, Some("self_tendering_not_filed")));

        let filing_path = format!("/api/v1/projects/{code}/self-tendering-filing");
        let no_staff = json!({"technical_staff": 0, "economic_staff": 1, "statement": "无"});
        let (status, body) = post(&app, principal, &filing_path, &no_staff).await;
        assert_eq!(code_of(status, &body), (StatusCode::UNPROCESSABLE_ENTITY, Some("self_tendering_staff_missing")));
        let filing = json!({"technical_staff": 2, "economic_staff": 1, "statement": "工程部具备组织招标的专业人员"});
        let (status, body) = post(&app, principal, &filing_path, &filing).await;
        assert_eq!((status, body["ready"].as_bool()), (StatusCode::OK, Some(true)), "{body}");
        let (status, body) = post(&app, principal, &format!("/api/v1/tenders/{tender_id}/invitations"), &invite).await;
        assert_eq!(code_of(status, &body), (StatusCode::CONFLICT, Some("method_not_approved")));
        let (status, body) = post(&app, principal, &notice_path, &notice).await;
        assert_eq!((status, body["state"].as_str()), (StatusCode::OK, Some("bidding")), "{body}");

        // The project is public, with its approval and filing.
        let (status, _, body) = call(app.client.get(app.url(&format!("/api/v1/projects/{code}")))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["approval"]["document_number"], "杭发改审批〔2026〕90号");
        assert_eq!(body["filing"]["technical_staff"], 2);
        app.finish().await;
    }
}

#[tokio::test]
async fn an_exempt_or_voluntary_project_tenders_without_approval_and_an_entrusted_one_names_its_agency() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let fixture = tender_fixture::tender(&app, &ca, false).await;
        let principal = &fixture.principal;

        // Emergency relief (法 第六十六条) lifts the duty; the approval is then not required either.
        let code = "2026-330106-48-01-000125";
        let exempt = project_body(
            code,
            json!({"organisation_form": "entrusted", "approval_required": false,
                   "exemption": {"ground": "emergency_relief", "justification": "汛期堤防抢险加固"}}),
        );
        let (status, body) = post(&app, principal, "/api/v1/projects", &exempt).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!((body["must_tender"].as_bool(), body["ready"].as_bool()), (Some(false), Some(true)), "{body}");
        let approval = json!({"authority": "杭州市发展和改革委员会", "document_number": "杭发改〔2026〕1号",
                              "decided_on": "2026-11-23", "method": "open", "organisation_form": "entrusted"});
        let (status, body) = post(&app, principal, &format!("/api/v1/projects/{code}/approval"), &approval).await;
        assert_eq!(code_of(status, &body), (StatusCode::CONFLICT, Some("approval_not_required")));
        let filing = json!({"technical_staff": 2, "economic_staff": 1, "statement": "有"});
        let (status, body) =
            post(&app, principal, &format!("/api/v1/projects/{code}/self-tendering-filing"), &filing).await;
        assert_eq!(code_of(status, &body), (StatusCode::CONFLICT, Some("self_tendering_not_chosen")));

        // An entrusted project's tender must name its agency (法 第十二条).
        let tender = json!({"region_code": "330100", "title": "堤防抢险加固工程", "principal_credit_code": PRINCIPAL,
                            "lots": ["施工"], "project_id": code});
        let (status, body) = post(&app, principal, "/api/v1/tenders", &tender).await;
        assert_eq!(code_of(status, &body), (StatusCode::UNPROCESSABLE_ENTITY, Some("agency_required")));

        // An unknown exemption ground and a package kind outside 条例2 are refused by name.
        let bad = project_body(
            "2026-330106-48-01-000126",
            json!({"exemption": {"ground": "urgent", "justification": "赶工期"}}),
        );
        let (status, body) = post(&app, principal, "/api/v1/projects", &bad).await;
        assert_eq!(code_of(status, &body), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_choice")));
        assert!(body["message"].as_str().is_some_and(|m| m.contains("第六十六条")), "{body}");
        let bad = project_body(
            "2026-330106-48-01-000126",
            json!({"packages": [{"kind": "catering", "name": "食堂", "estimate_fen": 1}]}),
        );
        let (status, body) = post(&app, principal, "/api/v1/projects", &bad).await;
        assert_eq!(code_of(status, &body), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_choice")));
        app.finish().await;
    }
}

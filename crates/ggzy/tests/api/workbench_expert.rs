//! The expert's workbench as a browser uses it, over HTTP: a drawn expert signs in by form, sees
//! its draw, answers it (a decline without a reason is refused beside the field, nothing
//! recorded), then signs in to the committee with the avoidance declaration and reads the opened
//! bids; the principal sees only counts, and other roles are kept out.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::award::{members, opened};
use crate::expert_fixture::seat_drawn_experts;
use crate::helpers::{PASSWORD, browser, call, csrf, sign_in, spawn_apps_with};
use crate::tender_fixture::{self, Ca, trust};

/// The expert's answer as recorded in the public draw record.
fn recorded_answer(draw: &Value, expert_id: &str) -> Value {
    let picks = draw["picks"].as_array().cloned().unwrap_or_default();
    picks.into_iter().rev().find(|p| p["expert_id"] == expert_id).map(|p| p["answer"].clone()).unwrap_or_default()
}

#[tokio::test]
async fn a_drawn_expert_answers_signs_in_and_reads_the_opened_bids_by_form() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let mut fixture = tender_fixture::tender(&app, &ca, true).await;
        opened(&app, &mut fixture).await;
        let experts = seat_drawn_experts(&app, &fixture, "1", 4, 1).await;
        let (expert_id, account) = &experts[0];
        let draw_id = format!("{}-1", fixture.tender_id);
        let draw_path = app.url(&format!("/api/v1/draws/{draw_id}"));

        // Signed in by form, the expert's only workbench opens with its draw and the answer form.
        let client = browser();
        let (path, status, html) = sign_in(&app, &client, &account.username, PASSWORD).await;
        assert_eq!((path.as_str(), status), ("/workbench/expert", StatusCode::OK), "{html}");
        assert!(html.contains(expert_id.as_str()) && html.contains("专家1"), "{html}");
        assert!(html.contains("杭州市文三路综合管廊工程施工") && html.contains("标段 1 土建工程"), "{html}");
        assert!(html.contains("评标委员会成员") && html.contains("尚未答复"), "{html}");
        let token = csrf(&html);

        // Declining without a reason: refused beside the reason, nothing recorded.
        let url = app.url("/workbench/expert/draw-answers");
        let answer = |expert: &str, accepted: &str, reason: &str| {
            [
                ("csrf_token", token.clone()),
                ("draw_id", draw_id.clone()),
                ("expert_id", expert.to_owned()),
                ("accepted", accepted.to_owned()),
                ("reason", reason.to_owned()),
            ]
        };
        let response = client.post(&url).form(&answer(expert_id, "no", "")).send().await.expect("post");
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.expect("page");
        let beside =
            format!("id=\"reason-{draw_id}-error\" class=\"field-error\" role=\"alert\">请填写不能参加评标的理由");
        assert!(html.contains(&beside), "{html}");
        let (_, _, draw) = call(client.get(&draw_path)).await;
        assert!(recorded_answer(&draw, expert_id).is_null(), "{draw}");
        // Answering for another expert's record is refused by the use case.
        let someone_else = &experts[1].0;
        let response = client.post(&url).form(&answer(someone_else, "yes", "")).send().await.expect("post");
        assert!(!response.status().is_success(), "{}", response.status());
        let (_, _, draw) = call(client.get(&draw_path)).await;
        assert!(recorded_answer(&draw, someone_else).is_null(), "{draw}");

        // Accepting: back to the workbench (PRG), recorded like the API's answer.
        let response = client.post(&url).form(&answer(expert_id, "yes", "")).send().await.expect("post");
        assert_eq!(response.url().path(), "/workbench/expert");
        let html = response.text().await.expect("page");
        assert!(html.contains("已确认参加评标") && !html.contains("提交答复"), "{html}");
        let (_, _, draw) = call(client.get(&draw_path)).await;
        assert_eq!(recorded_answer(&draw, expert_id), "accepted", "{draw}");

        // The committee is formed: the expert signs in with the avoidance declaration.
        let committee = json!({"members": members(0, 1)});
        let (status, _, body) =
            call(fixture.principal.post(&app, &fixture.path("/lots/1/committee")).json(&committee)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let html = client.get(app.url("/workbench/expert")).send().await.expect("page").text().await.expect("html");
        assert!(html.contains("回避承诺") && html.contains("签到并进入评标"), "{html}");
        let (cert, _key) = ca.issue_valid(expert_id, 200);
        let pem = cert.to_pem().expect("pem");
        let sign_in_url = app.url("/workbench/expert/evaluation-sign-ins");
        let mut form = vec![
            ("csrf_token", token.clone()),
            ("tender_id", fixture.tender_id.clone()),
            ("lot_id", "1".to_owned()),
            ("declaration", "本人承诺与本项目当事人无利害关系".to_owned()),
            ("certificate_pem", pem.clone()),
        ];
        // Not affirming "no conflict": refused beside the checkbox, the pasted certificate kept.
        let response = client.post(&sign_in_url).form(&form).send().await.expect("post");
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.expect("page");
        let beside =
            format!("id=\"no-conflict-{draw_id}-error\" class=\"field-error\" role=\"alert\">您声明存在应当回避的情形");
        assert!(html.contains(&beside) && html.contains("BEGIN CERTIFICATE"), "{html}");
        assert!(!html.contains("已签到并作出回避承诺"), "nothing recorded: {html}");
        form.push(("no_conflict", "yes".to_owned()));
        let response = client.post(&sign_in_url).form(&form).send().await.expect("post");
        assert_eq!(response.url().path(), "/workbench/expert");
        let html = response.text().await.expect("page");
        assert!(html.contains("已签到并作出回避承诺") && html.contains("开标后的投标文件（4 份）"), "{html}");
        assert!(fixture.bidders.iter().all(|b| html.contains(b.code)), "every opened bid is listed: {html}");
        assert!(html.contains("投标报价 10,000,000.00 元"), "the declared price in yuan: {html}");
        assert!(html.contains("evaluation/score-sheets"), "scoring is signed offline: {html}");

        // The principal sees the draw as counts, no names.
        let principal = browser();
        let (path, _, html) = sign_in(&app, &principal, &fixture.principal.username, PASSWORD).await;
        assert_eq!(path, "/workbench/principal");
        assert!(html.contains("已抽取 4 人：确认参加 1 人") && !html.contains("专家1"), "{html}");
        assert!(html.contains("评标中"), "{html}");

        // Another role is refused.
        let bidder = browser();
        let (path, _, _) = sign_in(&app, &bidder, &fixture.bidders[0].session.username, PASSWORD).await;
        assert_eq!(path, "/workbench/bidder");
        let response = bidder.get(app.url("/workbench/expert")).send().await.expect("page");
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        app.finish().await;
    }
}

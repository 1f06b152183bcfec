//! The committee's workspace over HTTP, comprehensive scoring (综合评估法): members sign in with
//! the avoidance declaration and a certificate (条例46), read the opened bids only then, elect the
//! chair, hand in SM2-signed score sheets on the criteria the documents state and no other (条例49), more than a
//! third ask for more time and the principal extends it (条例48), the chair asks a bidder to
//! clarify and only that bidder answers (条例52), the chair drafts, one member dissents in writing,
//! one stays silent and is deemed to agree (条例53); an outlying score reaches supervision; the
//! principal assesses each drawn expert once, after the report.
//! Every total is computed by hand in the comments.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::award::{members, opened};
use crate::committee_fixture::{Member, draft, members_of, sign_in};
use crate::expert_fixture::seat_drawn_experts;
use crate::helpers::{call, spawn_apps_with};
use crate::tender_fixture::{self, Ca, TenderFixture, trust};

/// The documents' table: technical 50, commercial 10, price 40 points; the price score falls by
/// 1% of its 40 points for each 1% above the lowest valid price (10,000 bp).
fn table() -> Value {
    json!({
        "criteria": [
            {"id": "tech", "name": "技术方案", "max_centipoints": 5000, "kind": "technical"},
            {"id": "biz", "name": "商务条款", "max_centipoints": 1000, "kind": "commercial"},
            {"id": "price", "name": "投标报价", "max_centipoints": 4000, "kind": "price"},
        ],
        "benchmark": "lowest_valid", "penalty_above_bp": 10_000, "penalty_below_bp": 10_000,
    })
}

async fn ok(request: reqwest::RequestBuilder) -> Value {
    let (status, _, body) = call(request).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn refused(request: reqwest::RequestBuilder) -> (StatusCode, String) {
    let (status, _, body) = call(request).await;
    (status, body["code"].as_str().unwrap_or_default().to_owned())
}

/// The scores `member` gives: (bidder, tech, biz) for bidders 0..3.
fn sheet_of(fixture: &TenderFixture, outlier: bool) -> Vec<(&'static str, &'static str, i64)> {
    let [b0, b1, b2, b3] = [0, 1, 2, 3].map(|i| fixture.bidders[i].code);
    let b2_tech = if outlier { 1000 } else { 4800 };
    vec![
        (b0, "tech", 4000),
        (b0, "biz", 800),
        (b1, "tech", 4500),
        (b1, "biz", 900),
        (b2, "tech", b2_tech),
        (b2, "biz", 1000),
        (b3, "tech", 3000),
        (b3, "biz", 500),
    ]
}

#[tokio::test]
async fn a_committee_signs_in_scores_clarifies_and_signs_its_report() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let mut fixture = tender_fixture::tender(&app, &ca, false).await;
        fixture.hold_ceremony(&app).await;
        // The documents state the method and the table (条例49); a table that does not add up is refused.
        let mut broken = table();
        broken["criteria"][0]["max_centipoints"] = json!(5001);
        let notice = json!({"bid_deadline": tender_fixture::rfc3339(tender_fixture::DEADLINE_MS),
            "evaluation": {"method": "comprehensive_scoring", "scoring_table": broken}});
        let request = fixture.principal.post(&app, &fixture.path("/notice")).json(&notice);
        assert_eq!(refused(request).await, (StatusCode::UNPROCESSABLE_ENTITY, "scoring_table_invalid".to_owned()));
        fixture
            .announce(&app, json!({"evaluation": {"method": "comprehensive_scoring", "scoring_table": table()}}))
            .await;
        opened(&app, &mut fixture).await;
        let experts = seat_drawn_experts(&app, &fixture, "1", 4, 1).await;
        // The committee uses the documents' terms: another method or table is refused, none is fine.
        let committee_path = fixture.path("/lots/1/committee");
        for other in [
            json!({"method": "lowest_evaluated_price", "members": members(0, 1)}),
            json!({"members": members(0, 1), "scoring_table": broken}),
        ] {
            let request = fixture.principal.post(&app, &committee_path).json(&other);
            assert_eq!(
                refused(request).await,
                (StatusCode::UNPROCESSABLE_ENTITY, "evaluation_method_not_in_documents".to_owned())
            );
        }
        let lot = ok(fixture.principal.post(&app, &committee_path).json(&json!({"members": members(0, 1)}))).await;
        assert_eq!(lot["committee"]["method"], "comprehensive_scoring", "{lot}");
        // The experts' names are sealed from the principal too until the winner is decided (法37).
        assert!(!lot.to_string().contains("专家1"), "{lot}");
        let seated = members_of(&ca, experts, &["招标人代表0"], 200);
        let [b0, b1, b2, b3] = [0, 1, 2, 3].map(|i| fixture.bidders[i].code);

        // Nothing before the sign-in: not the bids, not a vote.
        let (status, code) = refused(seated[0].get(&app, &fixture, "/lots/1/evaluation/bids")).await;
        assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "evaluation_not_signed_in"));
        // A member who declares a conflict does not sit; a certificate of someone else is refused;
        // the principal cannot act for a drawn expert.
        let mut body =
            json!({"declaration": "本人曾在投标人处任职", "no_conflict": false, "certificate_pem": seated[0].cert_pem});
        let (status, code) = refused(seated[0].post(&app, &fixture, "/lots/1/evaluation/sign-in", body.clone())).await;
        assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "avoidance_declared"));
        body["no_conflict"] = json!(true);
        body["certificate_pem"] = json!(seated[1].cert_pem);
        let (status, code) = refused(seated[0].post(&app, &fixture, "/lots/1/evaluation/sign-in", body.clone())).await;
        assert_eq!((status, code.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "member_certificate_mismatch"));
        body["member"] = json!(seated[0].id);
        let request = fixture.principal.post(&app, &fixture.path("/lots/1/evaluation/sign-in")).json(&body);
        assert_eq!(refused(request).await, (StatusCode::FORBIDDEN, "member_must_act_in_person".to_owned()));
        for member in &seated {
            let (status, body) = sign_in(&app, &fixture, "1", member).await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        let bids = ok(seated[0].get(&app, &fixture, "/lots/1/evaluation/bids")).await;
        assert_eq!(bids.as_array().map(Vec::len), Some(4), "{bids}");
        assert_eq!(bids[0]["declared"]["price_fen"].as_i64().map(|p| p % 50_000_000), Some(0), "{bids}");
        // Bidders and the public see none of the committee's work.
        let (_, _, public) = call(app.client.get(app.url(&fixture.path("/lots/1/award")))).await;
        assert_eq!(public["workspace"], Value::Null, "{public}");

        // The chair: two votes of five are not enough, the third elects D001.
        let vote = |member: &Member, candidate: &str| {
            member.post(&app, &fixture, "/lots/1/evaluation/chair-votes", json!({"candidate": candidate}))
        };
        for member in &seated[..2] {
            ok(vote(member, &seated[0].id)).await;
        }
        let (status, body) = draft(&app, &fixture, "1", &seated[0], json!({})).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("evaluation_chair_missing")));
        let lot = ok(vote(&seated[2], &seated[0].id)).await;
        assert_eq!(lot["workspace"]["chair"], "D001", "{lot}");
        assert!(lot.to_string().contains("专家1"), "the members see each other: {lot}");
        for member in &seated[3..] {
            ok(vote(member, &seated[0].id)).await;
        }

        // Score sheets: a criterion the documents do not state (条例49), a missing score, a bad
        // signature and the price (computed, never scored) are refused; nothing is recorded.
        let sheet_path = "/lots/1/evaluation/score-sheets";
        let mut extra = sheet_of(&fixture, false);
        extra.push((b0, "brand", 100));
        let (status, code) =
            refused(seated[0].post(&app, &fixture, sheet_path, seated[0].sheet(&fixture, "1", &extra))).await;
        assert_eq!((status, code.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "score_criterion_unknown"));
        let short = &sheet_of(&fixture, false)[1..];
        let (_, code) =
            refused(seated[0].post(&app, &fixture, sheet_path, seated[0].sheet(&fixture, "1", short))).await;
        assert_eq!(code, "score_missing");
        let mut priced = sheet_of(&fixture, false);
        priced.push((b0, "price", 4000));
        let (_, code) =
            refused(seated[0].post(&app, &fixture, sheet_path, seated[0].sheet(&fixture, "1", &priced))).await;
        assert_eq!(code, "score_on_price_criterion");
        let mut forged = seated[0].sheet(&fixture, "1", &sheet_of(&fixture, false));
        forged["signature_hex"] = json!(seated[1].sign_sheet(&fixture, "1", &sheet_of(&fixture, false)));
        let (status, code) = refused(seated[0].post(&app, &fixture, sheet_path, forged)).await;
        assert_eq!((status, code.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "evaluation_signature_invalid"));
        // Four members agree; the representative gives bidder 2 a technical 10 where the others give 48.
        for (i, member) in seated.iter().enumerate() {
            let scores = sheet_of(&fixture, i == 4);
            ok(member.post(&app, &fixture, sheet_path, member.sheet(&fixture, "1", &scores))).await;
        }

        // More time (条例48): two of five is more than a third, so the report waits for the extension.
        for member in &seated[1..3] {
            ok(member.post(
                &app,
                &fixture,
                "/lots/1/evaluation/time-requests",
                json!({"reason": "投标文件技术部分篇幅较大"}),
            ))
            .await;
        }
        let (status, body) = draft(&app, &fixture, "1", &seated[0], json!({})).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::CONFLICT, Some("evaluation_time_extension_required")),
            "{body}"
        );
        assert!(body["message"].as_str().is_some_and(|m| m.contains("第四十八条")), "{body}");
        let until = tender_fixture::rfc3339(app.app.now_ms() + 4 * 3_600_000);
        let extension = json!({"until": until, "reason": "评标委员会三分之一以上成员认为评标时间不够"});
        let lot =
            ok(fixture.principal.post(&app, &fixture.path("/lots/1/evaluation/extension")).json(&extension)).await;
        assert_eq!(lot["workspace"]["extension_required"], false, "{lot}");

        // A clarification (条例52): asked by the chair only, answered by that bidder only, once;
        // the report waits for it.
        let question = json!({"bidder_credit_code": b1, "question": "投标文件第12页与第30页工期不一致，请澄清"});
        let (status, code) =
            refused(seated[1].post(&app, &fixture, "/lots/1/evaluation/clarifications", question.clone())).await;
        assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "evaluation_not_chair"));
        ok(seated[0].post(&app, &fixture, "/lots/1/evaluation/clarifications", question)).await;
        let (status, body) = draft(&app, &fixture, "1", &seated[0], json!({})).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("clarification_open")));
        let answer = |i: usize, id: &str| {
            fixture.bidders[i]
                .session
                .post(&app, &fixture.path(&format!("/lots/1/evaluation/clarifications/{id}/answer")))
                .json(&json!({"answer": "工期以第12页的180日历天为准，系笔误"}))
        };
        let (status, _, _) = call(answer(2, "1")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "only the bidder asked answers");
        let (status, _, _) = call(answer(1, "2")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "no unsolicited clarification");
        ok(answer(1, "1")).await;
        let (status, code) = refused(answer(1, "1")).await;
        assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "clarification_answered"));

        // The draft. Technical means: b0 40.00, b1 45.00, b2 (48×4+10)/5 = 40.40, b3 30.00;
        // commercial: 8, 9, 10, 5. Price, base 10.0 million: b0 40.00, b1 10.5 → 38.00, b2 11.0 →
        // 36.00, b3 11.5 → 34.00. Totals: b0 88.00, b1 92.00, b2 86.40, b3 69.00.
        let (status, drafted) = draft(&app, &fixture, "1", &seated[1], json!({})).await;
        assert_eq!((status, drafted["code"].as_str()), (StatusCode::FORBIDDEN, Some("evaluation_not_chair")));
        let (status, drafted) = draft(&app, &fixture, "1", &seated[0], json!({})).await;
        assert_eq!(status, StatusCode::OK, "{drafted}");
        let draft_view = &drafted["workspace"]["draft"];
        assert_eq!(draft_view["candidates"], json!([b1, b0, b2]), "{drafted}");
        // Only the representative's 10 on bidder 2 is an outlier: 38 points from the others' 48,
        // beyond a fifth of 50; each 48 is 9.5 from the others' (48×3+10)/4 = 38.5, within it.
        assert_eq!(
            draft_view["outliers"],
            json!([{"member": "招标人代表0", "bidder_credit_code": b2, "criterion": "tech", "centipoints": 1000, "others_mean_centipoints": 4800}]),
            "{drafted}"
        );
        let report = draft_view["report_sm3_hex"].as_str().expect("sm3").to_owned();

        // Signatures (条例53): a dissent needs its reasons; a signature over another draft is refused.
        let signatures = "/lots/1/evaluation-report/signatures";
        let mut silent_dissent = seated[3].report_signature(&fixture, "1", &report, false, "");
        silent_dissent["dissent"] = json!("  ");
        let (status, code) = refused(seated[3].post(&app, &fixture, signatures, silent_dissent)).await;
        assert_eq!((status, code.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "dissent_reason_missing"));
        let stale = seated[3].report_signature(&fixture, "1", &"00".repeat(32), true, "");
        let (status, code) = refused(seated[3].post(&app, &fixture, signatures, stale)).await;
        assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "report_draft_changed"));
        let dissent = "招标人代表对投标人2的技术评分明显偏低，应复核";
        ok(seated[3].post(
            &app,
            &fixture,
            signatures,
            seated[3].report_signature(&fixture, "1", &report, false, dissent),
        ))
        .await;
        for member in &seated[..3] {
            let lot =
                ok(member.post(&app, &fixture, signatures, member.report_signature(&fixture, "1", &report, true, "")))
                    .await;
            assert_eq!(lot["stage"], "evaluating", "the representative has not signed: {lot}");
        }
        // No assessment of the experts before the report is closed.
        let assessments = fixture.path("/lots/1/expert-assessments");
        let assess = |body: Value| fixture.principal.post(&app, &assessments).json(&body);
        let (status, code) = refused(assess(json!({"expert_id": "D001", "rating": "excellent"}))).await;
        assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "assessment_before_report"));
        // The representative does not sign: only the chair closes, and silence counts as agreement.
        let (status, _, body) =
            call(fixture.principal.post(&app, &fixture.path("/lots/1/evaluation-report/close?member=招标人代表0")))
                .await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("evaluation_not_chair")), "{body}");
        let closed = ok(seated[0]
            .account
            .as_ref()
            .expect("expert")
            .post(&app, &fixture.path("/lots/1/evaluation-report/close")))
        .await;
        assert_eq!(closed["stage"], "recommended", "{closed}");
        assert_eq!(closed["report"]["candidates"], json!([b1, b0, b2]));
        let totals: Vec<Option<i64>> =
            (0..4).map(|i| closed["report"]["ranking"][i]["total_centipoints"].as_i64()).collect();
        assert_eq!(totals, [Some(9200), Some(8800), Some(8640), Some(6900)], "{closed}");
        assert_eq!(closed["report"]["ranking"][3]["bidder_credit_code"], b3);
        let mut stances: Vec<(String, String)> = closed["workspace"]["stances"]
            .as_array()
            .expect("stances")
            .iter()
            .map(|s| {
                (
                    s["member"].as_str().unwrap_or_default().to_owned(),
                    s["stance"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        stances.sort();
        assert_eq!(
            stances,
            [
                ("D001", "agrees"),
                ("D002", "agrees"),
                ("D003", "agrees"),
                ("D004", "dissents"),
                ("招标人代表0", "deemed_to_agree")
            ]
            .map(|(m, s)| (m.to_owned(), s.to_owned()))
        );
        assert!(
            closed["workspace"]["stances"].as_array().is_some_and(|all| all.iter().any(|s| s["dissent"] == dissent)),
            "{closed}"
        );

        // The principal assesses each drawn expert once (评标专家考核); an unqualified rating needs
        // its reasons; only drawn members of the committee are assessed.
        let (status, _, body) =
            call(assess(json!({"expert_id": "D001", "rating": "excellent", "remarks": "评审认真"}))).await;
        assert_eq!((status, body["rating"].as_str()), (StatusCode::CREATED, Some("excellent")), "{body}");
        let (status, code) = refused(assess(json!({"expert_id": "D001", "rating": "good"}))).await;
        assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "expert_already_assessed"));
        let (status, code) = refused(assess(json!({"expert_id": "D002", "rating": "unqualified"}))).await;
        assert_eq!((status, code.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "assessment_remarks_invalid"));
        let (_, code) = refused(assess(json!({"expert_id": "D002", "rating": "perfect"}))).await;
        assert_eq!(code, "assessment_rating_invalid");
        let (_, code) = refused(assess(json!({"expert_id": "D999", "rating": "good"}))).await;
        assert_eq!(code, "expert_not_on_committee");
        let own = seated[0].account.as_ref().expect("expert");
        let mine = ok(own.client.get(app.url("/api/v1/experts/D001/assessments"))).await;
        assert_eq!(mine.as_array().map(Vec::len), Some(1), "{mine}");
        let (status, _, _) =
            call(fixture.bidders[0].session.client.get(app.url("/api/v1/experts/D001/assessments"))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "assessments are personal data");

        // Supervision sees the outlier as an alert.
        let regulator =
            tender_fixture::session(&app, "regulator-eval", &[(ggzy_domain::role::Role::Regulator, "330000")]).await;
        let alerts = ok(regulator.client.get(app.url("/api/v1/alerts"))).await;
        let outliers: Vec<&Value> =
            alerts.as_array().expect("alerts").iter().filter(|a| a["rule"] == "outlier_score").collect();
        assert_eq!(outliers.len(), 1, "{alerts}");
        let id = outliers[0]["alert_id"].as_str().expect("id");
        let alert = ok(regulator.client.get(app.url(&format!("/api/v1/alerts/{id}")))).await;
        assert_eq!(alert["bidders"], json!([b2]), "{alert}");
        assert!(alert.to_string().contains("招标人代表0") && alert.to_string().contains("10.00"), "{alert}");
        // The work is over: no more scores.
        let (status, code) = refused(seated[0].post(
            &app,
            &fixture,
            sheet_path,
            seated[0].sheet(&fixture, "1", &sheet_of(&fixture, false)),
        ))
        .await;
        assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "invalid_transition"));
        app.finish().await;
    }
}

/// 条例34: bidder 3 declares bidder 2 its controlling entity, and both bid for lot 1: both bids are
/// invalid (第三款), whatever the committee finds, and the others are ranked.
#[tokio::test]
async fn the_bids_of_related_bidders_are_all_invalid() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let mut fixture = tender_fixture::tender(&app, &ca, false).await;
        fixture.hold_ceremony(&app).await;
        fixture.announce(&app, json!({})).await;
        let [b0, b1, b2, b3] = [0, 1, 2, 3].map(|i| fixture.bidders[i].code);
        let declaration = json!({"controlling_entity": b2});
        let path = format!("/api/v1/entities/{b3}/relations");
        let request = fixture.bidders[3]
            .session
            .client
            .put(app.url(&path))
            .header("x-csrf-token", &fixture.bidders[3].session.csrf);
        ok(request.json(&declaration)).await;
        opened(&app, &mut fixture).await;
        let experts = seat_drawn_experts(&app, &fixture, "1", 4, 1).await;
        ok(fixture.principal.post(&app, &fixture.path("/lots/1/committee")).json(&json!({"members": members(0, 1)})))
            .await;
        let seated = members_of(&ca, experts, &["招标人代表0"], 200);
        let lot = crate::committee_fixture::evaluate(&app, &fixture, "1", &seated, json!({})).await;
        assert_eq!(lot["stage"], "recommended", "{lot}");
        assert_eq!(lot["report"]["candidates"], json!([b0, b1]), "{lot}");
        let rejected = lot["report"]["rejected"].as_array().cloned().unwrap_or_default();
        for bidder in [b2, b3] {
            assert!(rejected.contains(&json!({"bidder_credit_code": bidder, "grounds": ["not_qualified"]})), "{lot}");
        }
        app.finish().await;
    }
}

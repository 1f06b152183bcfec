//! Government procurement over HTTP, one end-to-end test per method (RULES.md §2), each deadline
//! checked against a day computed by hand in the comments (calendar: Mid-Autumn 09-25..27, National
//! Day 10-01..07, 调休 working days 09-20 and 10-10). The clock starts Monday 2026-09-14 10:00.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{call, spawn_apps};
use crate::procurement_fixture::{People, SUPPLIERS, WAN, committee, deadline, get, last_source};

#[tokio::test]
async fn an_open_tender_runs_from_its_notice_to_the_accepted_contract() {
    for app in spawn_apps().await {
        let mut people = People::new(&app).await;
        // 500万 of goods: at or above the 200万 threshold, open tender needs no approval. The bid
        // deposit is at most 2% of the budget (条例 第三十三条): 10万.
        let plan = |deposit: i64| json!({"method": "open_tender", "budget_fen": 500 * WAN, "category": "goods", "bid_deposit_fen": deposit});
        let (status, body) = people.plan(&app, plan(10 * WAN + 1)).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("deposit_above_cap")),
            "{body}"
        );
        assert!(body["message"].as_str().is_some_and(|m| m.contains("第三十三条")), "{body}");
        // 条例 第三十四条: goods of uniform standards are evaluated by the lowest price only.
        let mut scored = plan(10 * WAN);
        scored["uniform_standards"] = json!(true);
        scored["price_weight_percent"] = json!(30);
        let (status, body) = people.plan(&app, scored).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("lowest_price_required")),
            "{body}"
        );
        let id = people.planned(&app, plan(10 * WAN)).await;
        // 政府采购法 第三十五条: at least 20 days from the notice (09-14) to the bid deadline; counting
        // from 09-15 the 20th day is 10-04, inside National Day, so it moves to 10-08 (Thursday).
        let (status, body) = people
            .step_as(
                &app,
                &people.purchaser,
                &id,
                json!({"command": "publish_notice", "offers_due_at": "2026-10-07T09:30:00+08:00"}),
            )
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("deadline_below_statutory_minimum")),
            "{body}"
        );
        assert!(
            body["message"].as_str().is_some_and(|m| m.contains("2026年10月8日") && m.contains("第三十五条")),
            "{body}"
        );
        let view = people
            .step(
                &app,
                &id,
                json!({"command": "publish_notice", "offers_due_at": "2026-10-08T09:30:00+08:00"}),
                "bidding",
            )
            .await;
        assert_eq!(deadline(&view, "bid_preparation_days_min").0, "2026-10-08");
        assert!(last_source(&view).contains("第三十五条"), "{view}");
        // The budget is published with the notice (条例 第三十条).
        assert_eq!(view["budget_fen"], 500 * WAN);
        // A step out of order is refused with both states named.
        let (status, body) = people.step_as(&app, &people.purchaser, &id, json!({"command": "submit_report"})).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::CONFLICT, Some("procurement_invalid_transition")),
            "{body}"
        );

        let prices = [(0, 468 * WAN), (1, 455 * WAN), (2, 472 * WAN)];
        people.seal_all(&app, &id, &prices).await;
        // Before the deadline nobody reads an offer, not even how many there are, and none opens; the
        // regulators' feed does not say who sealed one either.
        assert!(get(&app, &id).await["offers"].is_null());
        let sealed_offers = |feed: &serde_json::Value| -> Vec<String> {
            feed["events"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|event| event["event_type"] == "ProcurementOfferSealed")
                .map(|event| event["payload"].as_str().unwrap_or_default().to_owned())
                .collect()
        };
        let (_, _, feed) = call(people.regulator.get(&app, "/api/v1/events?after=0&limit=1000")).await;
        let before = sealed_offers(&feed);
        assert!(
            before.len() == 3
                && before.iter().all(|p| p.contains("sealed_until_offers_due") && !p.contains(SUPPLIERS[0])),
            "{before:?}"
        );
        let (status, body) = people.open(&app, &id, 0, 468 * WAN, json!({})).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("opening_too_early")), "{body}");
        let (status, body) = people.step_as(&app, &people.purchaser, &id, json!({"command": "start_opening"})).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("offers_not_due")), "{body}");

        people.at(&app, "2026-10-08T09:30:00+08:00").await;
        let (_, _, feed) = call(people.regulator.get(&app, "/api/v1/events?after=0&limit=1000")).await;
        assert!(sealed_offers(&feed).iter().all(|p| p.contains("commitment_hex")), "unsealed after the deadline");
        let (status, body) = people.seal(&app, &id, 3, 400 * WAN).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("bid_deadline_passed")), "{body}");
        people.step(&app, &id, json!({"command": "start_opening"}), "opening").await;
        let (status, body) = people.open(&app, &id, 1, 454 * WAN, json!({})).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("commitment_mismatch")), "{body}");
        people.open_all(&app, &id, &prices).await;
        people.step(&app, &id, json!({"command": "close_opening"}), "review").await;
        people.step(&app, &id, json!({"command": "complete_review"}), "evaluating").await;
        // 87号令 第四十七条: a tender committee of 5 or more, odd, experts at least two thirds.
        let (status, body) = people.evaluate(&app, &id, json!({"committee": committee(3, 1)})).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("committee_size_invalid")),
            "{body}"
        );
        assert!(body["message"].as_str().is_some_and(|m| m.contains("第四十七条")), "{body}");
        let (status, body) = people.evaluate(&app, &id, json!({"committee": committee(3, 2)})).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("committee_experts_too_few")),
            "{body}"
        );
        let (status, view) = people.evaluate(&app, &id, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{view}");
        assert_eq!(view["committee"].as_array().map(Vec::len), Some(0), "named only with the result");
        let (status, body) = people.evaluate(&app, &id, json!({})).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("re_evaluation_forbidden")), "{body}");
        assert!(body["message"].as_str().is_some_and(|m| m.contains("第四十四条")), "{body}");
        // 条例 第四十三条: the report to the purchaser within 2 working days of the evaluation (10-08).
        assert_eq!(deadline(&view, "report_to_purchaser_wd_max").0, "2026-10-10");
        let ranking: Vec<&str> = view["ranking"]
            .as_array()
            .expect("ranking")
            .iter()
            .filter_map(|p| p["supplier_credit_code"].as_str())
            .collect();
        assert_eq!(ranking, [SUPPLIERS[1], SUPPLIERS[0], SUPPLIERS[2]]);
        let view = people.step(&app, &id, json!({"command": "submit_report"}), "reported").await;
        // 条例 第四十三条: the purchaser decides within 5 working days of the report (10-08):
        // 10-09, 10-10 (调休), 10-12, 10-13, 10-14.
        let (day, source) = deadline(&view, "award_decision_wd_max");
        assert_eq!(day, "2026-10-14");
        assert!(source.contains("政府采购法实施条例 第四十三条"), "{source}");
        let view = people.step(&app, &id, json!({"command": "determine_winner"}), "awarded").await;
        assert_eq!(view["winners"][0]["supplier_credit_code"], SUPPLIERS[1]);
        assert_eq!(view["winners"][0]["price_fen"], 455 * WAN);
        // 条例 第四十三条: the result is published within 2 working days: 10-09, 10-10.
        assert_eq!(deadline(&view, "result_notice_wd_max").0, "2026-10-10");
        let view = people.step(&app, &id, json!({"command": "publish_result"}), "result_published").await;
        assert_eq!(view["committee"].as_array().map(Vec::len), Some(5));
        // 政府采购法 第四十六条: the contract within 30 days of the award notice (10-08): 11-07 is a
        // Saturday, so 11-09. 87号令 第六十九条: the result notice runs 1 working day (10-09); a
        // objection to the result is due within 7 working days after it: 10-10, 10-12..10-16, 10-19.
        assert_eq!(deadline(&view, "contract_days_max").0, "2026-11-09");
        assert_eq!(deadline(&view, "result_publicity_wd_min").0, "2026-10-09");
        assert_eq!(deadline(&view, "objection_wd_max").0, "2026-10-19");
        // 条例 第四十八条: the performance bond is at most 10% of the contract (455万): 45.5万.
        let sign = |bond: i64| json!({"command": "sign_contract", "performance_bond_fen": bond});
        let (status, body) = people.step_as(&app, &people.purchaser, &id, sign(45 * WAN + 500_001)).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("performance_bond_above_cap")),
            "{body}"
        );
        assert!(body["message"].as_str().is_some_and(|m| m.contains("第四十八条")), "{body}");
        let view = people.step(&app, &id, sign(45 * WAN + 500_000), "contracted").await;
        assert_eq!(
            view["history"].as_array().and_then(|h| h.last()).map(|s| s["performance_bond_fen"].clone()),
            Some(json!(45 * WAN + 500_000))
        );
        // 条例 第五十条: the contract is published within 2 working days of signing (10-08).
        assert_eq!(deadline(&view, "contract_publish_wd_max").0, "2026-10-10");
        // 政府采购法 第四十七条: filed with the finance department within 7 working days: 10-16.
        assert_eq!(deadline(&view, "contract_filing_wd_max").0, "2026-10-16");
        people.step(&app, &id, json!({"command": "publish_contract"}), "contract_published").await;
        let view = people.step(&app, &id, json!({"command": "record_acceptance"}), "accepted").await;
        assert!(last_source(&view).contains("第四十一条"), "{view}");
        assert_eq!(view["history"].as_array().map(Vec::len), Some(10));
        app.finish().await;
    }
}

/// The suppliers' credit codes in rank order.
fn ranked(view: &serde_json::Value) -> Vec<&str> {
    view["ranking"].as_array().expect("ranking").iter().filter_map(|p| p["supplier_credit_code"].as_str()).collect()
}

#[tokio::test]
async fn an_invited_tender_above_the_threshold_waits_for_approval_and_takes_only_the_invited() {
    for app in spawn_apps().await {
        let mut people = People::new(&app).await;
        // 300万 of services at or above the 200万 threshold: another method needs the finance
        // department's approval first (政府采购法 第二十七条).
        let id = people
            .planned(
                &app,
                json!({"method": "invited_tender", "category": "services", "budget_fen": 300 * WAN, "grounds": ["limited_suppliers"]}),
            )
            .await;
        // 政府采购法 第三十四条, 87号令 第十四条: the platform draws three or more at random from the qualified
        // candidates.
        let invite = json!({"command": "invite_suppliers", "selection": "library_draw", "candidates": SUPPLIERS, "draw_count": 3});
        let (status, body) = people.step_as(&app, &people.purchaser, &id, invite.clone()).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("method_approval_required")), "{body}");
        people.step(&app, &id, json!({"command": "submit_for_approval"}), "method_approval").await;
        // The purchaser cannot approve its own method.
        let (status, _) = people.step_as(&app, &people.purchaser, &id, json!({"command": "approve"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, body) = people.step_as(&app, &people.regulator, &id, json!({"command": "approve"})).await;
        assert_eq!((status, body["state"].as_str()), (StatusCode::OK, Some("approved")), "{body}");
        // Naming the invited instead of drawing them is refused; fewer than three are too few.
        let named = json!({"command": "invite_suppliers", "selection": "library_draw", "suppliers": &SUPPLIERS[..3]});
        let (status, body) = people.step_as(&app, &people.purchaser, &id, named).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_suppliers")),
            "{body}"
        );
        let two = json!({"command": "invite_suppliers", "selection": "library_draw", "candidates": SUPPLIERS, "draw_count": 2});
        let (status, body) = people.step_as(&app, &people.purchaser, &id, two).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("suppliers_too_few")), "{body}");
        let view = people.step(&app, &id, invite, "inviting").await;
        let drawn: Vec<usize> = view["invited"]
            .as_array()
            .expect("invited")
            .iter()
            .map(|code| SUPPLIERS.iter().position(|s| code == s).expect("drawn from the candidates"))
            .collect();
        assert_eq!(drawn.len(), 3, "{view}");
        let left_out = (0..4).find(|i| !drawn.contains(i)).expect("one left out");
        let (a, b, c) = (drawn[0], drawn[1], drawn[2]);
        // The tender's 20 days (第三十五条) from 09-14: 10-04 is in the holiday, so 10-08.
        let view = people
            .step(
                &app,
                &id,
                json!({"command": "issue_documents", "offers_due_at": "2026-10-08T10:00:00+08:00"}),
                "bidding",
            )
            .await;
        assert_eq!(deadline(&view, "bid_preparation_days_min").0, "2026-10-08");
        let prices = [(a, 280 * WAN), (b, 275 * WAN), (c, 290 * WAN)];
        people.seal_all(&app, &id, &prices).await;
        let (status, body) = people.seal(&app, &id, left_out, 200 * WAN).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("supplier_not_invited")), "{body}");
        people.at(&app, "2026-10-08T10:00:00+08:00").await;
        people.step(&app, &id, json!({"command": "start_opening"}), "opening").await;
        people.open_all(&app, &id, &prices).await;
        people.step(&app, &id, json!({"command": "close_opening"}), "review").await;
        people.step(&app, &id, json!({"command": "complete_review"}), "evaluating").await;
        // 87号令 第六十条: the committee finds supplier b's price clearly low and asks it to explain; until
        // the review ends nothing is ranked.
        let review = |command: &str| json!({"supplier_credit_code": SUPPLIERS[b], "command": command, "reason": "报价明显低于其他投标人报价"});
        let path = format!("/api/v1/procurements/{id}/price-reviews");
        for (command, state) in [("flag", "flagged"), ("request_explanation", "explanation_requested")] {
            let (status, _, view) = call(people.purchaser.post(&app, &path).json(&review(command))).await;
            assert_eq!((status, view["price_reviews"][0]["review"].as_str()), (StatusCode::OK, Some(state)), "{view}");
        }
        let (status, _, body) = call(people.purchaser.post(&app, &path).json(&review("flag"))).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::CONFLICT, Some("abnormally_low_invalid_transition")),
            "{body}"
        );
        let (status, body) = people.evaluate(&app, &id, json!({})).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("abnormally_low_pending")), "{body}");
        let (status, _, _) = call(people.purchaser.post(&app, &path).json(&review("accept_explanation"))).await;
        assert_eq!(status, StatusCode::OK);
        // 政府采购法 第三十六条: with one of the three non-compliant, too few remain to evaluate.
        let (status, body) = people.evaluate(&app, &id, json!({"non_compliant": [SUPPLIERS[c]]})).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("suppliers_too_few")), "{body}");
        let (status, view) = people.evaluate(&app, &id, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{view}");
        // The explained price stands and is the lowest.
        assert_eq!(ranked(&view), [SUPPLIERS[b], SUPPLIERS[a], SUPPLIERS[c]]);
        people.step(&app, &id, json!({"command": "submit_report"}), "reported").await;
        let view = people.step(&app, &id, json!({"command": "determine_winner"}), "awarded").await;
        assert_eq!(view["winners"][0]["supplier_credit_code"], SUPPLIERS[b]);
        app.finish().await;
    }
}

#[tokio::test]
async fn a_competitive_negotiation_takes_final_offers_from_those_who_responded() {
    for app in spawn_apps().await {
        let mut people = People::new(&app).await;
        let id = people
            .planned(&app, json!({"method": "competitive_negotiation", "budget_fen": 80 * WAN, "grounds": ["urgency"]}))
            .await;
        let invite =
            json!({"command": "invite_suppliers", "selection": "recommendation", "suppliers": &SUPPLIERS[..3]});
        people.step(&app, &id, invite, "inviting").await;
        // 74号令 第二十九条: at least 3 working days from the documents (09-14): 09-15, 09-16, 09-17.
        let (status, body) = people
            .step_as(
                &app,
                &people.purchaser,
                &id,
                json!({"command": "issue_documents", "offers_due_at": "2026-09-16T17:00:00+08:00"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            body["message"].as_str().is_some_and(|m| m.contains("2026年9月17日") && m.contains("第二十九条")),
            "{body}"
        );
        let view = people
            .step(
                &app,
                &id,
                json!({"command": "issue_documents", "offers_due_at": "2026-09-17T17:00:00+08:00"}),
                "bidding",
            )
            .await;
        assert_eq!(deadline(&view, "negotiation_docs_wd_min").0, "2026-09-17");
        // A clarification on 09-15 comes less than 3 working days before the deadline (09-16, 09-17,
        // 09-18): the deadline moves out to 09-18 at the same hour (74号令 第二十九条).
        people.at(&app, "2026-09-15T10:00:00+08:00").await;
        let clarification = json!({"command": "issue_clarification", "reason": "交货地点更正为区应急物资仓库"});
        let view = people.step(&app, &id, clarification, "bidding").await;
        assert_eq!(view["offers_due_at"], "2026-09-18T09:00:00Z");
        let reason = view["history"].as_array().and_then(|h| h.last()).and_then(|s| s["reason"].as_str());
        assert!(reason.is_some_and(|r| r.contains("顺延至2026年9月18日 17:00:00")), "{view}");
        people.seal_all(&app, &id, &[(0, 79 * WAN), (1, 78 * WAN), (2, 80 * WAN)]).await;
        people.at(&app, "2026-09-17T17:00:00+08:00").await;
        let (status, body) =
            people.step_as(&app, &people.purchaser, &id, json!({"command": "start_negotiation"})).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("offers_not_due")), "{body}");
        people.at(&app, "2026-09-18T17:00:00+08:00").await;
        people.step(&app, &id, json!({"command": "start_negotiation"}), "negotiating").await;
        people
            .step(
                &app,
                &id,
                json!({"command": "request_final_offers", "offers_due_at": "2026-09-21T12:00:00+08:00"}),
                "final_offers",
            )
            .await;
        // Only those who responded make final offers (政府采购法 第三十八条第（五）项).
        let (status, body) = people.seal(&app, &id, 3, 60 * WAN).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("supplier_not_invited")), "{body}");
        let finals = [(0, 74 * WAN), (1, 76 * WAN), (2, 75 * WAN)];
        people.seal_all(&app, &id, &finals).await;
        people.at(&app, "2026-09-21T12:00:00+08:00").await;
        people.open_all(&app, &id, &finals).await;
        let view = people.step(&app, &id, json!({"command": "close_final_offers"}), "evaluating").await;
        assert_eq!(view["round"], 1);
        let (status, view) = people.evaluate(&app, &id, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{view}");
        assert_eq!(ranked(&view), [SUPPLIERS[0], SUPPLIERS[2], SUPPLIERS[1]]);
        people.step(&app, &id, json!({"command": "submit_report"}), "reported").await;
        let view = people.step(&app, &id, json!({"command": "determine_winner"}), "awarded").await;
        assert_eq!(view["winners"][0]["price_fen"], 74 * WAN);
        app.finish().await;
    }
}

#[tokio::test]
async fn a_competitive_consultation_scores_the_price_with_the_sme_deduction_as_computed_by_hand() {
    for app in spawn_apps().await {
        let mut people = People::new(&app).await;
        let plan = |weight: i64| {
            json!({"method": "competitive_consultation", "category": "services", "budget_fen": 150 * WAN,
                   "grounds": ["purchased_services"], "price_weight_percent": weight, "sme_deduction_percent": 10,
                   "sme_share_deduction_percent": 5})
        };
        // 214号 第二十四条: the price weighs 10%–30% for services; 5% is refused with the article.
        let (status, body) = people.plan(&app, plan(5)).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("price_weight_below_floor")),
            "{body}"
        );
        assert!(body["message"].as_str().is_some_and(|m| m.contains("第二十四条")), "{body}");
        let id = people.planned(&app, plan(20)).await;
        let invite = json!({"command": "invite_suppliers", "selection": "library_draw", "candidates": &SUPPLIERS[..3], "draw_count": 3});
        people.step(&app, &id, invite, "inviting").await;
        // 214号 第十条: at least 10 days from the documents (09-14): 09-24, a Thursday.
        let view = people
            .step(
                &app,
                &id,
                json!({"command": "issue_documents", "offers_due_at": "2026-09-24T09:00:00+08:00"}),
                "bidding",
            )
            .await;
        assert_eq!(deadline(&view, "consultation_docs_days_min").0, "2026-09-24");
        people.seal_all(&app, &id, &[(0, 110 * WAN), (1, 99 * WAN), (2, 105 * WAN)]).await;
        people.at(&app, "2026-09-24T09:00:00+08:00").await;
        people.step(&app, &id, json!({"command": "start_negotiation"}), "negotiating").await;
        people
            .step(
                &app,
                &id,
                json!({"command": "request_final_offers", "offers_due_at": "2026-09-24T15:00:00+08:00"}),
                "final_offers",
            )
            .await;
        people.seal_all(&app, &id, &[(0, 100 * WAN), (1, 95 * WAN), (2, 98 * WAN)]).await;
        people.at(&app, "2026-09-24T15:00:00+08:00").await;
        let small_micro = json!({"kind": "small_micro"});
        for (i, price, sme) in [(0, 100 * WAN, &small_micro), (1, 95 * WAN, &json!({})), (2, 98 * WAN, &small_micro)] {
            let (status, body) = people.open(&app, &id, i, price, sme.clone()).await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        people.step(&app, &id, json!({"command": "close_final_offers"}), "evaluating").await;
        // By hand (214号 第二十四条, 财库〔2020〕46号 第九条): small and micro prices are cut by 10%:
        // 100万 → 90万, 98万 → 88.2万; 95万 stays. The base is the lowest, 88.2万.
        // Price scores at weight 20: 88.2/90×20 = 19.60; 88.2/95×20 = 18.568… → 18.57; 88.2/88.2×20 = 20.00.
        // With the other points 70.00, 72.50 and 66.00 the totals are 89.60, 91.07 and 86.00.
        let points = json!({SUPPLIERS[0]: 7000, SUPPLIERS[1]: 7250, SUPPLIERS[2]: 6600});
        let (status, view) = people.evaluate(&app, &id, json!({"other_points": points})).await;
        assert_eq!(status, StatusCode::OK, "{view}");
        assert_eq!(ranked(&view), [SUPPLIERS[1], SUPPLIERS[0], SUPPLIERS[2]]);
        let place = |code: &str| {
            view["ranking"].as_array().and_then(|all| all.iter().find(|p| p["supplier_credit_code"] == code)).cloned()
        };
        let expect =
            [(SUPPLIERS[0], 10, 19.60, 89.60), (SUPPLIERS[1], 0, 18.57, 91.07), (SUPPLIERS[2], 10, 20.00, 86.00)];
        for (code, deduction, price_points, total) in expect {
            let found = place(code).expect("ranked");
            assert_eq!(found["deduction_percent"], deduction, "{found}");
            assert_eq!(found["price_points"].as_f64(), Some(price_points), "{found}");
            assert_eq!(found["total_points"].as_f64(), Some(total), "{found}");
        }
        let view = people.step(&app, &id, json!({"command": "submit_report"}), "reported").await;
        assert!(view["award_deemed"].is_null());
        // 条例 第四十三条: 5 working days after the report (09-24): 09-28..09-30, 10-08, 10-09 (Mid-Autumn
        // and National Day between). From 10-10 the first-ranked is deemed chosen.
        people.at(&app, "2026-10-09T18:00:00+08:00").await;
        assert!(get(&app, &id).await["award_deemed"].is_null());
        people.at(&app, "2026-10-10T09:00:00+08:00").await;
        let view = get(&app, &id).await;
        assert_eq!(view["award_deemed"]["day"], "2026-10-09", "{view}");
        let view = people.step(&app, &id, json!({"command": "determine_winner"}), "awarded").await;
        // The contract is at the price quoted, not the adjusted one.
        assert_eq!(view["winners"][0]["price_fen"], 95 * WAN);
        app.finish().await;
    }
}

#[tokio::test]
async fn an_inquiry_takes_one_unchangeable_quote_per_supplier() {
    for app in spawn_apps().await {
        let mut people = People::new(&app).await;
        let id = people
            .planned(&app, json!({"method": "inquiry", "budget_fen": 60 * WAN, "grounds": ["standard_goods"]}))
            .await;
        let invite = json!({"command": "invite_suppliers", "selection": "notice", "suppliers": &SUPPLIERS[..3]});
        people.step(&app, &id, invite, "inviting").await;
        // 74号令 第四十五条: 3 working days, 09-17.
        let view = people
            .step(
                &app,
                &id,
                json!({"command": "issue_documents", "offers_due_at": "2026-09-17T09:00:00+08:00"}),
                "bidding",
            )
            .await;
        assert_eq!(deadline(&view, "inquiry_response_wd_min").0, "2026-09-17");
        let quotes = [(0, 58 * WAN), (1, 57 * WAN), (2, 59 * WAN)];
        people.seal_all(&app, &id, &quotes).await;
        // 政府采购法 第四十条第（三）项: one quote that cannot be changed.
        let (status, body) = people.seal(&app, &id, 1, 50 * WAN).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("offer_final")), "{body}");
        people.at(&app, "2026-09-17T09:00:00+08:00").await;
        people.open_all(&app, &id, &quotes).await;
        let view = people.step(&app, &id, json!({"command": "close_responses"}), "evaluating").await;
        assert!(last_source(&view).contains("第四十条"), "{view}");
        let (status, view) = people.evaluate(&app, &id, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{view}");
        assert_eq!(ranked(&view), [SUPPLIERS[1], SUPPLIERS[0], SUPPLIERS[2]]);
        people.step(&app, &id, json!({"command": "submit_report"}), "reported").await;
        let view = people.step(&app, &id, json!({"command": "determine_winner"}), "awarded").await;
        assert_eq!(view["winners"][0]["supplier_credit_code"], SUPPLIERS[1]);
        // The result published late in December: the contract's 30 days reach 2027, a year the
        // holiday calendar does not hold yet. The procurement still shows, with the dates that can
        // be counted (the notice period ends 12-29), and leaves that one out rather than guess.
        people.at(&app, "2026-12-28T10:00:00+08:00").await;
        let view = people.step(&app, &id, json!({"command": "publish_result"}), "result_published").await;
        assert_eq!(deadline(&view, "result_publicity_wd_min").0, "2026-12-29");
        let rules: Vec<&str> =
            view["deadlines"].as_array().expect("deadlines").iter().filter_map(|d| d["rule_id"].as_str()).collect();
        assert!(!rules.contains(&"contract_days_max"), "{rules:?}");
        let (status, _, body) = call(people.purchaser.get(&app, &format!("/api/v1/procurements/{id}"))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let page = app.client.get(app.url(&format!("/procurements/{id}"))).send().await.expect("page");
        assert_eq!(page.status(), StatusCode::OK);
        app.finish().await;
    }
}

#[tokio::test]
async fn a_single_source_is_publicised_objected_to_and_then_approved() {
    for app in spawn_apps().await {
        let mut people = People::new(&app).await;
        let single = json!({"method": "single_source", "budget_fen": 300 * WAN, "grounds": ["sole_supplier"],
                            "single_source_supplier": SUPPLIERS[0],
                            "justification": "原有教学平台使用该供应商的专有技术，须由其升级扩容"});
        let id = people.planned(&app, single.clone()).await;
        // 300万 at or above the threshold with a sole supplier: publicity first (条例 第三十八条).
        let (status, body) =
            people.step_as(&app, &people.purchaser, &id, json!({"command": "submit_for_approval"})).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("method_approval_required")), "{body}");
        // At least 5 working days from 09-14: 09-15..09-18 and Sunday 09-20 (调休): 09-18 is refused.
        let (status, body) = people
            .step_as(
                &app,
                &people.purchaser,
                &id,
                json!({"command": "start_publicity", "publicity_ends_at": "2026-09-18T17:00:00+08:00"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            body["message"].as_str().is_some_and(|m| m.contains("2026年9月20日") && m.contains("第三十八条")),
            "{body}"
        );
        let view = people
            .step(
                &app,
                &id,
                json!({"command": "start_publicity", "publicity_ends_at": "2026-09-21T17:00:00+08:00"}),
                "publicity",
            )
            .await;
        assert_eq!(deadline(&view, "single_source_publicity_wd_min").0, "2026-09-20");
        // A competitor objects during the publicity.
        let objection = json!({"supplier_credit_code": SUPPLIERS[1], "text": "本公司产品同样可以满足该平台的扩容需求，并非唯一供应商"});
        let (status, _, body) = call(
            people.suppliers[1].post(&app, &format!("/api/v1/procurements/{id}/publicity-objections")).json(&objection),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let objection_id = body["id"].as_str().expect("objection id").to_owned();
        people.at(&app, "2026-09-21T17:00:00+08:00").await;
        let (status, body) = people.step_as(&app, &people.purchaser, &id, json!({"command": "close_publicity"})).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("publicity_objection_open")), "{body}");
        let review = json!({"upheld": false, "text": "经组织专家论证，该平台扩容依赖原供应商专有接口，异议不成立"});
        let (status, _, view) = call(
            people
                .purchaser
                .post(&app, &format!("/api/v1/procurements/{id}/publicity-objections/{objection_id}/review"))
                .json(&review),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{view}");
        assert_eq!(view["publicity_objections"][0]["upheld"], false);
        people.step(&app, &id, json!({"command": "close_publicity"}), "method_approval").await;
        let (status, body) = people.step_as(&app, &people.regulator, &id, json!({"command": "approve"})).await;
        assert_eq!((status, body["state"].as_str()), (StatusCode::OK, Some("approved")), "{body}");
        people.step(&app, &id, json!({"command": "start_negotiation"}), "negotiating").await;
        let (status, body) = people.step_as(&app, &people.purchaser, &id, json!({"command": "determine_winner"})).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("price_missing")),
            "{body}"
        );
        let view =
            people.step(&app, &id, json!({"command": "determine_winner", "price_fen": 288 * WAN}), "awarded").await;
        assert_eq!(view["winners"][0]["supplier_credit_code"], SUPPLIERS[0]);
        people.step(&app, &id, json!({"command": "publish_result"}), "result_published").await;

        // Another one whose objection is upheld cannot go on as a single source: it ends.
        people.at(&app, "2026-09-14T10:00:00+08:00").await;
        let id = people.planned(&app, single).await;
        people
            .step(
                &app,
                &id,
                json!({"command": "start_publicity", "publicity_ends_at": "2026-09-21T17:00:00+08:00"}),
                "publicity",
            )
            .await;
        let (_, _, body) = call(
            people.suppliers[1].post(&app, &format!("/api/v1/procurements/{id}/publicity-objections")).json(&objection),
        )
        .await;
        let objection_id = body["id"].as_str().expect("objection id").to_owned();
        let upheld = json!({"upheld": true, "text": "经专家论证，存在其他合格供应商，异议成立"});
        let (status, _, _) = call(
            people
                .purchaser
                .post(&app, &format!("/api/v1/procurements/{id}/publicity-objections/{objection_id}/review"))
                .json(&upheld),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        people.at(&app, "2026-09-21T17:00:00+08:00").await;
        let (status, body) = people.step_as(&app, &people.purchaser, &id, json!({"command": "close_publicity"})).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("publicity_objection_open")), "{body}");
        assert!(body["message"].as_str().is_some_and(|m| m.contains("第三十八条")), "{body}");
        let reason = "公示异议成立，改为公开招标";
        people.step(&app, &id, json!({"command": "declare_failed", "reason": reason}), "failed").await;
        app.finish().await;
    }
}

#[tokio::test]
async fn a_framework_agreement_admits_the_ranked_suppliers_and_calls_off_from_them() {
    for app in spawn_apps().await {
        let mut people = People::new(&app).await;
        let id = people
            .planned(&app, json!({"method": "framework_agreement", "budget_fen": 100 * WAN, "grounds": ["framework_catalogue_items"]}))
            .await;
        people
            .step(
                &app,
                &id,
                json!({"command": "publish_notice", "offers_due_at": "2026-09-30T17:00:00+08:00"}),
                "bidding",
            )
            .await;
        let prices = [(0, 3 * WAN), (1, 2 * WAN + 80_000), (2, 3 * WAN + 50_000)];
        people.seal_all(&app, &id, &prices).await;
        people.at(&app, "2026-09-30T17:00:00+08:00").await;
        people.open_all(&app, &id, &prices).await;
        people.step(&app, &id, json!({"command": "close_responses"}), "evaluating").await;
        let (status, view) = people.evaluate(&app, &id, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{view}");
        people.step(&app, &id, json!({"command": "submit_report"}), "reported").await;
        let view = people.step(&app, &id, json!({"command": "determine_winner"}), "awarded").await;
        assert_eq!(view["winners"].as_array().map(Vec::len), Some(3), "{view}");
        people.step(&app, &id, json!({"command": "publish_result"}), "result_published").await;
        people.step(&app, &id, json!({"command": "sign_contract"}), "contracted").await;
        // The second stage: a call-off from a supplier in the agreement, and none from outside it.
        let (status, body) = people
            .step_as(
                &app,
                &people.purchaser,
                &id,
                json!({"command": "call_off", "supplier_credit_code": SUPPLIERS[3], "price_fen": 2 * WAN}),
            )
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::CONFLICT, Some("supplier_not_in_agreement")),
            "{body}"
        );
        let view = people
            .step(
                &app,
                &id,
                json!({"command": "call_off", "supplier_credit_code": SUPPLIERS[1], "price_fen": 2 * WAN}),
                "contracted",
            )
            .await;
        assert_eq!(view["call_offs"][0]["supplier_credit_code"], SUPPLIERS[1]);
        assert!(last_source(&view).contains("110号"), "{view}");
        app.finish().await;
    }
}

#[tokio::test]
async fn a_method_not_allowed_for_the_amount_is_refused_and_a_failed_tender_switches_with_approval() {
    for app in spawn_apps().await {
        let mut people = People::new(&app).await;
        // Works of 500万 reach the 400万 tendering threshold: negotiation is refused, citing it.
        let (status, body) = people
            .plan(&app, json!({"method": "competitive_negotiation", "category": "works", "budget_fen": 500 * WAN, "grounds": ["urgency"]}))
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("method_not_allowed_for_amount")),
            "{body}"
        );
        let (_, _, list) = call(app.client.get(app.url("/api/v1/procurements"))).await;
        assert_eq!(list.as_array().map(Vec::len), Some(0), "nothing recorded");

        // An open tender that draws two bids fails (政府采购法 第三十六条) ...
        let id = people.planned(&app, json!({"method": "open_tender", "budget_fen": 300 * WAN})).await;
        people
            .step(
                &app,
                &id,
                json!({"command": "publish_notice", "offers_due_at": "2026-10-08T09:30:00+08:00"}),
                "bidding",
            )
            .await;
        // A clarification on 09-24 comes less than 15 days before the deadline (条例 第三十一条): counted
        // from 09-25 the 15th day is 10-09, so the deadline moves there at the same hour.
        people.at(&app, "2026-09-24T10:00:00+08:00").await;
        let clarification = json!({"command": "issue_clarification", "reason": "技术参数第3项更正"});
        let view = people.step(&app, &id, clarification, "bidding").await;
        assert_eq!(view["offers_due_at"], "2026-10-09T01:30:00Z");
        people.seal_all(&app, &id, &[(0, 280 * WAN), (1, 285 * WAN)]).await;
        people.at(&app, "2026-10-09T09:30:00+08:00").await;
        let (status, body) = people.step_as(&app, &people.purchaser, &id, json!({"command": "start_opening"})).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("suppliers_too_few")), "{body}");
        people
            .step(&app, &id, json!({"command": "declare_failed", "reason": "投标截止时只有两家供应商投标"}), "failed")
            .await;
        // ... and its replacement by negotiation with the two needs the finance department's approval
        // (第三十七条), recorded as a step.
        let next = people
            .planned(
                &app,
                json!({"method": "competitive_negotiation", "budget_fen": 300 * WAN, "grounds": ["tender_failed"], "previous_procurement_id": id}),
            )
            .await;
        let view = get(&app, &next).await;
        assert_eq!(view["needs_approval"], true);
        people.step(&app, &next, json!({"command": "submit_for_approval"}), "method_approval").await;
        let (status, _) = people.step_as(&app, &people.regulator, &next, json!({"command": "approve"})).await;
        assert_eq!(status, StatusCode::OK);
        let two = json!({"command": "invite_suppliers", "selection": "notice", "suppliers": &SUPPLIERS[..2]});
        people.step(&app, &next, two, "inviting").await;
        app.finish().await;
    }
}

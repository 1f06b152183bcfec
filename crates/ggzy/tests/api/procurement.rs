//! Government procurement over HTTP, one end-to-end test per method (RULES.md §2), each deadline
//! checked against a day computed by hand in the comments (calendar: Mid-Autumn 09-25..27, National
//! Day 10-01..07, 调休 working days 09-20 and 10-10). The clock starts Monday 2026-09-14 10:00.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::spawn_apps;
use crate::procurement_fixture::{People, SUPPLIERS, WAN, deadline, get, last_source};

#[tokio::test]
async fn an_open_tender_runs_from_its_notice_to_the_accepted_contract() {
    for app in spawn_apps().await {
        let mut people = People::new(&app).await;
        // 500万 of goods: at or above the 200万 threshold, open tender needs no approval.
        let id =
            people.planned(&app, json!({"method": "open_tender", "budget_fen": 500 * WAN, "category": "goods"})).await;
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
        // A step out of order is refused with both states named.
        let (status, body) = people.step_as(&app, &people.purchaser, &id, json!({"command": "submit_report"})).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::CONFLICT, Some("procurement_invalid_transition")),
            "{body}"
        );

        let prices = [(0, 468 * WAN), (1, 455 * WAN), (2, 472 * WAN)];
        people.seal_all(&app, &id, &prices).await;
        // Before the deadline nobody reads an offer, not even how many there are, and none opens.
        assert!(get(&app, &id).await["offers"].is_null());
        let (status, body) = people.open(&app, &id, 0, 468 * WAN, json!({})).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("opening_too_early")), "{body}");
        let (status, body) = people.step_as(&app, &people.purchaser, &id, json!({"command": "start_opening"})).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("offers_not_due")), "{body}");

        people.at(&app, "2026-10-08T09:30:00+08:00").await;
        let (status, body) = people.seal(&app, &id, 3, 400 * WAN).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("bid_deadline_passed")), "{body}");
        people.step(&app, &id, json!({"command": "start_opening"}), "opening").await;
        let (status, body) = people.open(&app, &id, 1, 454 * WAN, json!({})).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("commitment_mismatch")), "{body}");
        people.open_all(&app, &id, &prices).await;
        people.step(&app, &id, json!({"command": "close_opening"}), "review").await;
        people.step(&app, &id, json!({"command": "complete_review"}), "evaluating").await;
        let (status, view) = people.evaluate(&app, &id, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{view}");
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
        // 政府采购法 第四十六条: the contract within 30 days of the award notice (10-08): 11-07 is a
        // Saturday, so 11-09. 87号令 第六十九条: the result notice runs 1 working day (10-09); a
        // challenge to the result is due within 7 working days after it: 10-10, 10-12..10-16, 10-19.
        assert_eq!(deadline(&view, "contract_days_max").0, "2026-11-09");
        assert_eq!(deadline(&view, "result_publicity_wd_min").0, "2026-10-09");
        assert_eq!(deadline(&view, "objection_wd_max").0, "2026-10-19");
        let view = people.step(&app, &id, json!({"command": "sign_contract"}), "contracted").await;
        // 条例 第五十条: the contract is published within 2 working days of signing (10-08).
        assert_eq!(deadline(&view, "contract_publish_wd_max").0, "2026-10-10");
        people.step(&app, &id, json!({"command": "publish_contract"}), "contract_published").await;
        let view = people.step(&app, &id, json!({"command": "record_acceptance"}), "accepted").await;
        assert!(last_source(&view).contains("第四十一条"), "{view}");
        assert_eq!(view["history"].as_array().map(Vec::len), Some(10));
        app.finish().await;
    }
}

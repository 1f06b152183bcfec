//! A lot from the notice to the archive over HTTP: the bid-security cap (条例26) and securities
//! (cash and electronic guarantees), committee (法37), report (条例51, 53), publicity with an
//! objection that stops and restarts the clock (条例54), award with the first candidate's dropout
//! (条例55), award letter (法45), contract (法46, 条例58), refunds (条例57), the report to the
//! regulator (法47) and the archive. Every day asserted is computed by hand in the comments.

use ggzy::ceremony;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::committee_fixture::{all_sign, draft, members_of, sign_in_and_elect};
use crate::expert_fixture::seat_drawn_experts;
use crate::helpers::{call, spawn_apps_with};
use crate::tender_fixture::{self, Ca, DEADLINE_MS, TenderFixture, trust};

/// 10:00 China time on `day` (`YYYY-MM-DD`), UTC ms.
fn morning(day: &str) -> i64 {
    format!("{day}T10:00:00+08:00").parse::<jiff::Timestamp>().expect("timestamp").as_millisecond()
}

/// Every bidder bids (10.0, 10.5, 11.0 and 11.5 million yuan, in fen), the clock moves to the
/// deadline and the opening starts.
pub(crate) async fn opening_started(app: &crate::helpers::TestApp, fixture: &mut TenderFixture) {
    for (i, bidder) in fixture.bidders.iter().enumerate() {
        let (bytes, digest) = fixture.seal(bidder, 1_000_000_000 + 50_000_000 * i as i64, 2_000);
        let (status, body) = fixture.submit(app, bidder, bytes, &digest).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    app.clock.set_ms(DEADLINE_MS);
    fixture.relogin(app).await;
    let (status, _, body) = call(fixture.principal.post(app, &fixture.path("/opening"))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// Two officials hand in their escrow shares of the opening key.
pub(crate) async fn escrow_shares_given(app: &crate::helpers::TestApp, fixture: &TenderFixture) {
    for (official, key) in fixture.officials.iter().take(2) {
        let (_, _, mine) = call(official.client.get(app.url(&fixture.path("/escrow-shares/mine")))).await;
        let share = ceremony::CeremonyShare {
            official_user_id: official.user_id.clone(),
            official_cert_pem: String::new(),
            share_index: u8::try_from(mine["share_index"].as_u64().expect("index")).expect("u8"),
            encrypted_share_hex: mine["encrypted_share_hex"].as_str().expect("share").to_owned(),
        };
        let value = ceremony::decrypt_share(&share, key).expect("share");
        let (status, _, body) =
            call(official.post(app, &fixture.path("/escrow-shares")).json(&json!({"share_hex": hex::encode(value.y)})))
                .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
}

/// The opening from the bids to the signed record: the escrow quorum opens every bid.
pub(crate) async fn opened(app: &crate::helpers::TestApp, fixture: &mut TenderFixture) {
    opening_started(app, fixture).await;
    escrow_shares_given(app, fixture).await;
    let (status, _, body) = call(fixture.principal.post(app, &fixture.path("/opening/close"))).await;
    assert_eq!((status, body["state"].as_str()), (StatusCode::OK, Some("opened")), "{body}");
}

/// The guarantee document bidder 1 lodges (its SM3 is recorded).
const GUARANTEE: &[u8] = "投标保函 编号 BH-2026-0001 中国银行杭州分行 金额 400,000.00 元".as_bytes();

/// Every bidder lodges its security: bidder 1 an electronic guarantee, the others cash. Too little,
/// or a guarantee that expires before the deadline, is refused.
async fn lodge_securities(app: &crate::helpers::TestApp, fixture: &TenderFixture) {
    let path = fixture.path("/lots/1/securities");
    for (i, bidder) in fixture.bidders.iter().enumerate() {
        let lodge = |body: Value| bidder.session.post(app, &path).json(&body);
        if i == 1 {
            let mut guarantee = json!({
                "bidder_credit_code": bidder.code, "kind": "e_guarantee", "amount_fen": 40_000_000,
                "reference": "BH-2026-0001", "issuer": "中国银行杭州分行", "valid_until": "2026-12-18",
                "document_sm3_hex": hex::encode(ggzy_crypto::sm3::sm3(GUARANTEE)),
            });
            let (status, _, body) = call(lodge(guarantee.clone())).await;
            assert_eq!(
                (status, body["code"].as_str()),
                (StatusCode::UNPROCESSABLE_ENTITY, Some("guarantee_validity_too_short")),
                "valid to 12-18, the deadline is 12-19: {body}"
            );
            // Bids stay valid 90 days from the 12-19 deadline (条例25): to 2027-03-19, and so must the
            // guarantee (条例26): one day short is refused.
            guarantee["valid_until"] = json!("2027-03-18");
            let (status, _, body) = call(lodge(guarantee.clone())).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            assert!(body["message"].as_str().is_some_and(|m| m.contains("2027年3月19日")), "{body}");
            guarantee["valid_until"] = json!("2027-03-19");
            let (status, _, body) = call(lodge(guarantee)).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            continue;
        }
        let cash = |amount: i64| json!({"bidder_credit_code": bidder.code, "kind": "cash", "amount_fen": amount, "reference": format!("ZZ{i}")});
        if i == 2 {
            let (status, _, body) = call(lodge(cash(39_999_999))).await;
            assert_eq!(
                (status, body["code"].as_str()),
                (StatusCode::UNPROCESSABLE_ENTITY, Some("security_insufficient"))
            );
        }
        let (status, _, body) = call(lodge(cash(40_000_000))).await;
        assert_eq!((status, body["kind"].as_str()), (StatusCode::OK, Some("cash")), "{body}");
    }
}

/// Bidders as the API lists them (by credit code).
fn sorted<const N: usize>(mut codes: [&str; N]) -> Value {
    codes.sort_unstable();
    json!(codes.to_vec())
}

pub(crate) fn members(experts: usize, representatives: usize) -> Value {
    let experts = (0..experts).map(|i| json!({"name": format!("专家{i}"), "kind": "expert"}));
    let representatives =
        (0..representatives).map(|i| json!({"name": format!("招标人代表{i}"), "kind": "principal_representative"}));
    Value::Array(experts.chain(representatives).collect())
}

#[tokio::test]
async fn a_lot_goes_from_notice_to_archive_through_an_objection_and_a_dropout() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let mut fixture = tender_fixture::tender(&app, &ca, false).await;
        let lot = fixture.path("/lots/1");
        // The bid security may not exceed 2% of the estimate (条例26): 40,000,001 fen of 2,000,000,000.
        fixture.hold_ceremony(&app).await;
        let terms = |security: i64| json!({"estimate_fen": 2_000_000_000_i64, "bid_security_fen": security, "ceiling_price_fen": 1_140_000_000_i64, "bid_validity_days": 90});
        let mut notice = terms(40_000_001);
        notice["bid_deadline"] = json!(tender_fixture::rfc3339(DEADLINE_MS));
        let (status, _, body) = call(fixture.principal.post(&app, &fixture.path("/notice")).json(&notice)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("deposit_above_cap")));
        let message = body["message"].as_str().unwrap_or_default();
        assert!(message.contains("第二十六条") && message.contains("400,000.00"), "{body}");
        // A fee for paper documents recovers printing and postage only (条例16): 300 yuan against
        // 250 yuan of costs is refused.
        let mut notice = terms(40_000_000);
        notice["bid_deadline"] = json!(tender_fixture::rfc3339(DEADLINE_MS));
        notice["document_fee"] = json!({"fee_fen": 30_000, "printing_cost_fen": 20_000, "postage_cost_fen": 5_000});
        let (status, _, body) = call(fixture.principal.post(&app, &fixture.path("/notice")).json(&notice)).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("document_fee_above_cost"))
        );
        assert!(body["message"].as_str().is_some_and(|m| m.contains("第十六条") && m.contains("250.00")), "{body}");
        fixture.announce(&app, terms(40_000_000)).await;
        lodge_securities(&app, &fixture).await;
        let early = json!({"method": "lowest_evaluated_price", "members": members(4, 1)});
        let (status, _, body) = call(fixture.principal.post(&app, &format!("{lot}/committee")).json(&early)).await;
        assert_eq!(status, StatusCode::CONFLICT, "no committee before the opening: {body}");
        let (status, _, body) = call(fixture.principal.client.get(app.url(&format!("{lot}/securities")))).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::CONFLICT, Some("opening_not_started")),
            "who lodged a security is sealed until opening (法22)"
        );
        opened(&app, &mut fixture).await;
        let [b0, b1, b2, b3] = [0, 1, 2, 3].map(|i| fixture.bidders[i].code);
        // After opening the principal sees the securities and checks the guarantee by its SM3.
        let (status, _, body) = call(fixture.principal.client.get(app.url(&format!("{lot}/securities")))).await;
        assert_eq!((status, body.as_array().map(Vec::len)), (StatusCode::OK, Some(4)), "{body}");
        let verification = format!("{lot}/securities/{b1}/verification");
        for (document, matches) in [(GUARANTEE.to_vec(), true), (b"forged".to_vec(), false)] {
            let (status, _, body) = call(
                fixture
                    .principal
                    .post(&app, &verification)
                    .header("content-type", "application/octet-stream")
                    .body(document),
            )
            .await;
            assert_eq!((status, body["matches"].as_bool()), (StatusCode::OK, Some(matches)), "{body}");
        }

        // 2026-12-21 (Mon): the committee. The project must be tendered, so its experts are drawn
        // from the pool (条例46): none before the draw, none named by the principal. Four drawn
        // experts alone are too few, with three representatives the experts are under two thirds
        // (法37); with one representative the committee sits.
        app.clock.set_ms(morning("2026-12-21"));
        fixture.relogin(&app).await;
        let principal = &fixture.principal;
        let committee = |members: Value| json!({"method": "lowest_evaluated_price", "members": members});
        let (status, _, body) =
            call(principal.post(&app, &format!("{lot}/committee")).json(&committee(members(0, 1)))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("draw_not_performed")), "{body}");
        let experts = seat_drawn_experts(&app, &fixture, "1", 4, 1).await;
        let (status, _, body) =
            call(principal.post(&app, &format!("{lot}/committee")).json(&committee(members(4, 1)))).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("committee_experts_not_drawn")),
            "{body}"
        );
        assert!(body["message"].as_str().is_some_and(|m| m.contains("第四十六条")), "{body}");
        let (status, _, body) =
            call(principal.post(&app, &format!("{lot}/committee")).json(&committee(members(0, 0)))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("committee_too_small")));
        assert!(body["message"].as_str().is_some_and(|m| m.contains("第三十七条")), "{body}");
        let (status, _, body) =
            call(principal.post(&app, &format!("{lot}/committee")).json(&committee(members(0, 3)))).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("committee_experts_too_few")),
            "4 experts of 7 are fewer than two thirds: {body}"
        );
        let (status, _, body) =
            call(principal.post(&app, &format!("{lot}/committee")).json(&committee(members(0, 1)))).await;
        assert_eq!((status, body["stage"].as_str()), (StatusCode::OK, Some("evaluating")), "{body}");
        // The public does not see the committee's names before the award (法37).
        let (_, _, public) = call(app.client.get(app.url(&format!("{lot}/award")))).await;
        assert!(!public.to_string().contains("专家1"), "{public}");

        // The report: bidder 2 rejected as not responsive (条例51(六)) by the committee, bidder 3 (11.5
        // million) by the platform as above the published ceiling of 11.4 million (条例51(五));
        // the rest ranked by price. The chair drafts it, every member signs (条例53).
        let seated = members_of(&ca, experts, &["招标人代表0"], 200);
        sign_in_and_elect(&app, &fixture, "1", &seated, 0).await;
        let (status, body) = draft(
            &app,
            &fixture,
            "1",
            &seated[0],
            json!({
                "rejections": [{"bidder_credit_code": b3, "grounds": ["no_such_ground"]}],
            }),
        )
        .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("rejection_ground_invalid"))
        );
        let (status, drafted) = draft(
            &app,
            &fixture,
            "1",
            &seated[0],
            json!({
                "rejections": [{"bidder_credit_code": b2, "grounds": ["not_responsive"]}],
            }),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{drafted}");
        assert_eq!(drafted["stage"], "evaluating", "not before every member signed: {drafted}");
        let body = all_sign(&app, &fixture, "1", &seated, &drafted).await;
        let principal = &fixture.principal;
        assert_eq!(body["stage"], "recommended");
        assert_eq!(body["report"]["candidates"], json!([b0, b1]));
        assert_eq!(body["report"]["competition_lacking"], true, "two valid bids of the ruleset's three");
        let rejected = body["report"]["rejected"].as_array().cloned().unwrap_or_default();
        assert!(rejected.contains(&json!({"bidder_credit_code": b2, "grounds": ["not_responsive"]})), "{body}");
        assert!(
            rejected.contains(&json!({"bidder_credit_code": b3, "grounds": ["price_below_cost_or_above_ceiling"]})),
            "{body}"
        );
        assert_eq!(body["report"]["ranking"][0]["price_fen"], 1_000_000_000);

        // Publicity from 2026-12-21: the 3 days (条例54) run 12-22..12-24 (Thu, a working day). The law
        // allowed starting as late as 12-24 (3 days after the report).
        let (status, _, body) = call(principal.post(&app, &format!("{lot}/publicity"))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["publicity"]["start_day"], "2026-12-21");
        assert_eq!(body["publicity"]["latest_start_day"], "2026-12-24");
        assert_eq!(body["publicity"]["ends_day"], "2026-12-24");

        // 2026-12-22: bidder 1 objects. The clock stops (12-22 counts as run); no award meanwhile.
        app.clock.set_ms(morning("2026-12-22"));
        fixture.relogin(&app).await;
        let (status, _, body) = call(
            fixture.bidders[1]
                .session
                .post(&app, &format!("{lot}/objections"))
                .json(&json!({"objector_credit_code": b1, "text": "第一名的项目经理不具备注册建造师资格"})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["publicity"]["suspended"], true);
        assert_eq!(body["publicity"]["ends_day"], Value::Null);
        // The reply is due within 3 days: 12-25 (Fri).
        assert_eq!(body["objections"][0]["reply_due_day"], "2026-12-25");
        let objection_id = body["objections"][0]["objection_id"].as_str().expect("id").to_owned();
        let award = |winner: &str| json!({"winner_credit_code": winner});
        let (status, _, body) = call(fixture.principal.post(&app, &format!("{lot}/award")).json(&award(b0))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("objection_pending")));

        // 2026-12-23: the reply. One day had run (12-22); 2 remain from 12-23: the end moves to 12-25.
        app.clock.set_ms(morning("2026-12-23"));
        fixture.relogin(&app).await;
        let (status, _, body) = call(
            fixture
                .principal
                .post(&app, &format!("{lot}/objections/{objection_id}/reply"))
                .json(&json!({"reply": "经核查，项目经理持有一级注册建造师证书，异议不成立"})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["publicity"]["ends_day"], "2026-12-25");
        assert_eq!(body["objections"][0]["answered_day"], "2026-12-23");

        // 2026-12-25: still the last day of publicity.
        app.clock.set_ms(morning("2026-12-25"));
        fixture.relogin(&app).await;
        let (status, _, body) = call(fixture.principal.post(&app, &format!("{lot}/award")).json(&award(b0))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("publicity_not_over")));
        assert!(body["message"].as_str().is_some_and(|m| m.contains("2026年12月25日")), "{body}");

        // 2026-12-26: state-funded, so the first candidate wins (条例55), not the second.
        app.clock.set_ms(morning("2026-12-26"));
        fixture.relogin(&app).await;
        let (status, _, body) = call(fixture.principal.post(&app, &format!("{lot}/award")).json(&award(b1))).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("award_not_first_candidate")),
            "{body}"
        );
        let (status, _, body) = call(fixture.principal.post(&app, &format!("{lot}/award")).json(&award(b0))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["winner"], json!({"credit_code": b0, "rank": 1}));
        // After publicity no objection to the result is taken.
        let (status, _, body) = call(
            fixture.bidders[2]
                .session
                .post(&app, &format!("{lot}/objections"))
                .json(&json!({"objector_credit_code": b2, "text": "异议"})),
        )
        .await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("objection_out_of_time")));

        // The letter (法45): every other bidder is told. The contract is due 30 days after 12-26:
        // counting reaches 2027-01-25, whose 顺延 is unknown while 2027's holidays are not in the
        // calendar, so the due day is left open and the counted day shown.
        let (status, _, body) = call(fixture.principal.post(&app, &format!("{lot}/award-letter"))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["letter"]["notified"], sorted([b1, b2, b3]));
        assert_eq!(body["letter"]["contract_counted_day"], "2027-01-25");
        assert_eq!(body["letter"]["contract_due_day"], Value::Null);

        // The winner declines (条例55): the next candidate may be chosen, not a rejected bidder.
        let (status, _, body) =
            call(fixture.principal.post(&app, &format!("{lot}/award/dropout")).json(&json!({"ground": "declined"})))
                .await;
        assert_eq!((status, body["stage"].as_str()), (StatusCode::OK, Some("award_pending")), "{body}");
        let (status, _, body) = call(fixture.principal.post(&app, &format!("{lot}/award")).json(&award(b2))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, _, body) = call(fixture.principal.post(&app, &format!("{lot}/award")).json(&award(b1))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["winner"], json!({"credit_code": b1, "rank": 2}));
        assert_eq!(body["dropouts"], json!([{"bidder_credit_code": b0, "ground": "declined"}]));

        // 2026-12-28: the new letter, then the contract; a bond above 10% is refused (条例58).
        app.clock.set_ms(morning("2026-12-28"));
        fixture.relogin(&app).await;
        let (status, _, body) = call(fixture.principal.post(&app, &format!("{lot}/award-letter"))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["letter"]["notified"], sorted([b0, b2, b3]));
        let contract = |bond: i64| json!({"amount_fen": 1_050_000_000_i64, "performance_bond_fen": bond});
        let (status, _, body) =
            call(fixture.principal.post(&app, &format!("{lot}/contract")).json(&contract(105_000_001))).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("performance_bond_above_cap")),
            "{body}"
        );
        let (status, _, body) =
            call(fixture.principal.post(&app, &format!("{lot}/contract")).json(&contract(105_000_000))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["stage"], "contracted");
        assert_eq!(body["contract"]["in_time"], true);
        assert_eq!(body["contract"]["signed_day"], "2026-12-28");
        let winner = body["winner"]["credit_code"].as_str().expect("winner").to_owned();

        // Subcontracts (法48): main or key work, a subcontractor subcontracting again, or the winner
        // itself are refused; non-key work with the principal's consent is recorded.
        let subcontracts = format!("{lot}/subcontracts");
        let subcontract = |by: Option<&str>, key: bool| json!({"subcontractor_credit_code": b3, "subcontracted_by": by, "work": "室外绿化及围墙砌筑", "main_or_key_work": key, "basis": "consent"});
        for (body, code) in [
            (subcontract(None, true), "subcontract_main_work"),
            (subcontract(Some(b2), false), "subcontract_resubcontracting"),
            (
                json!({"subcontractor_credit_code": winner, "work": "土方", "main_or_key_work": false, "basis": "consent"}),
                "subcontract_invalid",
            ),
        ] {
            let (status, _, response) = call(fixture.principal.post(&app, &subcontracts).json(&body)).await;
            assert_eq!(
                (status, response["code"].as_str()),
                (StatusCode::UNPROCESSABLE_ENTITY, Some(code)),
                "{response}"
            );
            assert!(response["message"].as_str().is_some_and(|m| m.contains("第四十八条")), "{response}");
        }
        let (status, _, body) = call(fixture.principal.post(&app, &subcontracts).json(&subcontract(None, false))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            body["subcontracts"],
            json!([{"subcontractor_credit_code": b3, "work": "室外绿化及围墙砌筑", "basis": "consent"}])
        );

        // The report to the regulator (法47): 15 days from the award of 12-26 reach 2027-01-10, not
        // in the calendar yet, so the counted day decides: 12-29 is in time. Archiving waits for it
        // and for the refunds (条例57: 5 days from the contract of 12-28, counted to 2027-01-02).
        let (status, _, body) = call(fixture.principal.post(&app, &format!("{lot}/archive"))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("archive_incomplete")));
        app.clock.set_ms(morning("2026-12-29"));
        fixture.relogin(&app).await;
        let (status, _, body) = call(fixture.principal.post(&app, &format!("{lot}/regulator-report"))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["regulator_report"], json!({"day": "2026-12-29", "in_time": true}));
        assert_eq!(body["awarded_day"], "2026-12-26");
        let (status, _, body) = call(fixture.principal.post(&app, &format!("{lot}/archive"))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("archive_incomplete")));
        assert!(body["message"].as_str().is_some_and(|m| m.contains("第五十七条")), "{body}");
        let (status, _, body) = call(fixture.principal.post(&app, &format!("{lot}/securities/refunds"))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["refunded"], json!({"day": "2026-12-29", "in_time": true}));
        let (_, _, securities) = call(fixture.principal.client.get(app.url(&format!("{lot}/securities")))).await;
        assert!(
            securities.as_array().is_some_and(|all| all.iter().all(|s| s["refunded_day"] == "2026-12-29")),
            "{securities}"
        );
        let (status, _, body) = call(fixture.principal.post(&app, &format!("{lot}/archive"))).await;
        assert_eq!((status, body["stage"].as_str()), (StatusCode::OK, Some("archived")), "{body}");
        // Nothing more after the archive; the public now sees the committee.
        let (status, _, body) = call(fixture.principal.post(&app, &format!("{lot}/publicity"))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("invalid_transition")));
        let (_, _, public) = call(app.client.get(app.url(&format!("{lot}/award")))).await;
        assert!(public.to_string().contains("专家1"), "{public}");
        assert_eq!(public["objections"][0]["objector_credit_code"], "", "objectors stay unnamed to the public");
        // Lot 2 failed at opening (no bids): nothing of the award procedure applies.
        let (status, _, body) =
            call(fixture.principal.post(&app, &fixture.path("/lots/2/committee")).json(&committee(members(4, 1))))
                .await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("invalid_transition")));
        app.finish().await;
    }
}

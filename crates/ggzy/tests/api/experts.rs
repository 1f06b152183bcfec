//! The expert library and the expert draw over HTTP (docs/draw.md): registration with a validated
//! resident ID, who sees personal data, a draw committed before it is made, avoidance (an expert
//! employed by a bidder and a suspended one are never drawn), an insufficient pool naming the
//! specialty and the count, a decline replaced from the same stream, names sealed from the public,
//! the published data recomputing to the same picks, and no draw once the committee is formed.

use ggzy_app::events::Event;
use ggzy_app::expert::verify_recorded_draw;
use ggzy_crypto::sm2::PublicKey;
use ggzy_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::award::{members, opened};
use crate::expert_fixture::{expert_body, register};
use crate::helpers::{call, spawn_apps, spawn_apps_with};
use crate::tender_fixture::{self, BIDDERS, Ca, session, trust};

#[tokio::test]
async fn the_library_checks_id_numbers_and_shows_personal_data_only_to_those_who_need_it() {
    for app in spawn_apps().await {
        let staff = session(&app, "center", &[(Role::CenterStaff, "330000")]).await;
        let regulator = session(&app, "regulator", &[(Role::Regulator, "330100")]).await;
        let me = session(&app, "expert-me", &[(Role::Expert, "330100")]).await;
        let other = session(&app, "other", &[(Role::Expert, "330100")]).await;
        let bidder = session(&app, "bidder", &[(Role::Bidder, "330000")]).await;
        let principal = session(&app, "principal", &[(Role::Principal, "330000")]).await;

        // A wrong check digit: 422 invalid_id_number, saying what to fix; nothing is recorded.
        let mut bad = expert_body("E1", "330106", 1, &["A0101"], None);
        let good_id = bad["resident_id"].as_str().expect("id").to_owned();
        let wrong_check = if good_id.ends_with('0') { "1" } else { "0" };
        bad["resident_id"] = json!(format!("{}{wrong_check}", &good_id[..17]));
        let (status, _, body) = call(staff.post(&app, "/api/v1/experts").json(&bad)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_id_number")));
        assert!(body["message"].as_str().is_some_and(|m| m.contains("校验位")), "{body}");
        // Too few years in the field (法37: eight) is refused citing the article.
        let mut junior = expert_body("E1", "330106", 1, &["A0101"], None);
        junior["career_start"] = json!("2022-01-01");
        let (status, _, body) = call(staff.post(&app, "/api/v1/experts").json(&junior)).await;
        assert_eq!(body["code"].as_str(), Some("expert_experience_too_short"), "{status} {body}");
        // A bidder cannot keep the pool.
        let (status, _, _) =
            call(bidder.post(&app, "/api/v1/experts").json(&expert_body("E1", "330106", 1, &["A0101"], None))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        let mut mine = expert_body("E1", "330106", 1, &["A0101"], None);
        mine["user_id"] = json!(me.user_id);
        register(&app, &staff, &mine).await;
        register(&app, &staff, &expert_body("E2", "330203", 2, &["C0102"], None)).await;
        // One resident ID registers once.
        let (status, _, _) = call(staff.post(&app, "/api/v1/experts").json(&{
            let mut again = expert_body("E9", "330106", 1, &["A0101"], None);
            again["resident_id"] = json!(good_id);
            again
        }))
        .await;
        assert_eq!(status, StatusCode::CONFLICT);

        // Who sees E1's personal data.
        let path = "/api/v1/experts/E1";
        for (who, client, expected) in [
            ("centre", &staff.client, StatusCode::OK),
            ("regulator", &regulator.client, StatusCode::OK),
            ("the expert", &me.client, StatusCode::OK),
            ("another expert", &other.client, StatusCode::FORBIDDEN),
            ("a bidder", &bidder.client, StatusCode::FORBIDDEN),
            ("a principal", &principal.client, StatusCode::FORBIDDEN),
            ("the public", &app.client, StatusCode::UNAUTHORIZED),
        ] {
            let (status, _, body) = call(client.get(app.url(path))).await;
            assert_eq!(status, expected, "{who}: {body}");
            if status == StatusCode::OK {
                assert_eq!(body["resident_id"].as_str(), Some(good_id.as_str()), "{who}");
            } else {
                assert!(!body.to_string().contains(&good_id), "{who} sees no ID number");
            }
        }
        // Every change is an event: suspension, then the history shows both.
        let (status, _, body) = call(
            staff.post(&app, "/api/v1/experts/E1/status").json(&json!({"command": "suspend", "reason": "考核不合格"})),
        )
        .await;
        assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("suspended")), "{body}");
        let types: Vec<&str> =
            body["history"].as_array().expect("history").iter().filter_map(|h| h["event_type"].as_str()).collect();
        assert_eq!(types, ["ExpertRegistered", "ExpertStatusChanged"]);
        let (status, _, body) =
            call(staff.post(&app, "/api/v1/experts/E1/status").json(&json!({"command": "suspend", "reason": "再次"})))
                .await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("expert_transition_invalid")));
        // The public sees numbers only.
        let (status, _, body) = call(app.client.get(app.url("/api/v1/experts/statistics"))).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!body.to_string().contains("专家1") && !body.to_string().contains(&good_id), "{body}");
        let c0102 = body["by_specialty"].as_array().expect("lines").iter().find(|l| l["key"] == "C0102").cloned();
        assert_eq!(c0102.and_then(|l| l["count"].as_i64()), Some(1), "{body}");
        app.finish().await;
    }
}

/// A draw request for lot 1: `a0101` building experts from Zhejiang with one reserve, one cost expert
/// from outside Hangzhou (remote cross-region).
fn draw_request(now: i64, a0101: u16) -> Value {
    let time = tender_fixture::rfc3339;
    json!({
        "slots": [
            {"specialty": "A0101", "include": ["330000"], "count": a0101, "reserves": 1},
            {"specialty": "C0102", "exclude": ["330100"], "count": 1},
        ],
        "draw_at": time(now + 60_000),
        "evaluation_start": time(now + 2 * 3_600_000),
        "evaluation_end": time(now + 8 * 3_600_000),
    })
}

#[tokio::test]
async fn a_draw_is_committed_screened_replaced_sealed_and_reproduced() {
    let ca = Ca::new(7, "抽取测试CA");
    let dir = tempfile::tempdir().expect("dir");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let mut fixture = tender_fixture::tender(&app, &ca, true).await;
        opened(&app, &mut fixture).await;
        let now = app.app.now_ms();
        let staff = session(&app, "center", &[(Role::CenterStaff, "330000"), (Role::CenterStaff, "310000")]).await;
        // Nine building experts in Zhejiang (E05 works for a bidder, E06 is suspended, E07 lives
        // in Shanghai), three cost experts (E10 in Hangzhou, so outside a remote slot).
        let counties = ["330106", "330203", "330302", "330402", "330110", "330106", "310101", "330502", "330602"];
        for (i, county) in counties.iter().enumerate() {
            let employer = (i == 4).then_some(BIDDERS[0]);
            register(&app, &staff, &expert_body(&format!("E0{}", i + 1), county, 10 + i, &["A0101"], employer)).await;
        }
        for (i, county) in ["330106", "330203", "330302"].iter().enumerate() {
            register(&app, &staff, &expert_body(&format!("E1{i}"), county, 30 + i, &["C0102"], None)).await;
        }
        let (status, _, _) =
            call(staff.post(&app, "/api/v1/experts/E06/status").json(&json!({"command": "suspend", "reason": "暂停"})))
                .await;
        assert_eq!(status, StatusCode::OK);

        let principal = &fixture.principal;
        let draws = fixture.path("/lots/1/draws");
        // Six eligible building experts: seven (six members and a reserve) cannot be drawn.
        let (status, _, body) = call(principal.post(&app, &draws).json(&draw_request(now, 6))).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("expert_pool_insufficient")),
            "{body}"
        );
        let message = body["message"].as_str().unwrap_or_default();
        assert!(message.contains("A0101") && message.contains("只有6人"), "{message}");

        // Scheduled: the commitment is published, nothing else.
        let (status, _, body) = call(principal.post(&app, &draws).json(&draw_request(now, 3))).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let draw_id = body["draw_id"].as_str().expect("draw id").to_owned();
        assert_eq!(body["commitment_hex"].as_str().map(str::len), Some(64));
        assert!(body["secret_hex"].is_null() && body["picks"].as_array().is_some_and(Vec::is_empty), "{body}");
        let (status, _, _) = call(principal.post(&app, &draws).json(&draw_request(now, 3))).await;
        assert_eq!(status, StatusCode::CONFLICT, "one draw per lot");
        let execution = format!("/api/v1/draws/{draw_id}/execution");
        let (status, _, body) = call(principal.post(&app, &execution)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("draw_minute_not_reached")));

        // At the draw minute: made, screened, published.
        app.clock.advance_ms(60_000);
        let (status, _, body) = call(staff.post(&app, &execution)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let picks: Vec<String> = body["picks"]
            .as_array()
            .expect("picks")
            .iter()
            .filter_map(|p| p["expert_id"].as_str().map(str::to_owned))
            .collect();
        assert_eq!(picks.len(), 5, "{body}");
        for never in ["E05", "E06", "E07", "E10"] {
            assert!(!picks.contains(&never.to_owned()), "{never} drawn: {picks:?}");
        }
        let exclusions = body["exclusions"].as_array().expect("exclusions");
        let codes = |id: &str| -> Vec<String> {
            exclusions
                .iter()
                .find(|e| e["expert_id"] == id)
                .map(|e| {
                    e["codes"].as_array().expect("codes").iter().filter_map(|c| c.as_str().map(str::to_owned)).collect()
                })
                .unwrap_or_default()
        };
        assert_eq!(codes("E05"), ["employed_by_party"]);
        assert_eq!(codes("E06"), ["expert_not_active"]);

        // The public sees the ids, never the names, until the winner is decided.
        let (_, _, public) = call(app.client.get(app.url(&format!("/api/v1/draws/{draw_id}")))).await;
        assert_eq!(public["names_sealed"].as_bool(), Some(true));
        assert!(public["picks"].as_array().expect("picks").iter().all(|p| p["name"].is_null()), "{public}");
        let (_, _, own) = call(principal.client.get(app.url(&format!("/api/v1/draws/{draw_id}")))).await;
        assert_eq!(own["names_sealed"].as_bool(), Some(true), "the principal sees no names either");
        let (_, _, kept) = call(staff.client.get(app.url(&format!("/api/v1/draws/{draw_id}")))).await;
        assert!(kept["picks"][0]["name"].as_str().is_some_and(|n| n.starts_with("专家")), "{kept}");

        // The first member declines and is replaced from the same stream, at the recorded position.
        let first = picks[0].clone();
        let values_used = body["values_used"].as_u64().expect("values used");
        let answers = format!("/api/v1/draws/{draw_id}/answers");
        let replacements = format!("/api/v1/draws/{draw_id}/replacements");
        let (status, _, body) =
            call(staff.post(&app, &replacements).json(&json!({"expert_id": first, "reason": "declined"}))).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::CONFLICT, Some("draw_not_replaceable")),
            "no answer recorded as a decline"
        );
        let (status, _, _) =
            call(staff.post(&app, &answers).json(&json!({"expert_id": first, "accepted": false, "reason": "出差"})))
                .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _, body) =
            call(staff.post(&app, &replacements).json(&json!({"expert_id": first, "reason": "declined"}))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let last = body["picks"].as_array().expect("picks").last().cloned().expect("replacement");
        assert_eq!(last["role"].as_str(), Some("replacement"));
        assert_eq!(last["stream_position"].as_u64(), Some(values_used));
        assert!(!picks.contains(&last["expert_id"].as_str().expect("id").to_owned()), "nobody drawn twice");

        // Anyone recomputes the same picks from the published events.
        let (status, _, data) =
            call(app.client.get(app.url(&format!("/api/v1/draws/{draw_id}/verification-data")))).await;
        assert_eq!(status, StatusCode::OK);
        let events: Vec<(i64, Event)> = data["events"]
            .as_array()
            .expect("events")
            .iter()
            .map(|e| {
                (e["position"].as_i64().expect("position"), serde_json::from_value(e["event"].clone()).expect("event"))
            })
            .collect();
        let key = PublicKey::from_public_key_pem(&app.app.platform_public_key_pem().expect("key pem")).expect("key");
        let verified = verify_recorded_draw(&events, Some(&key)).expect("the draw reproduces");
        assert_eq!((verified.picks, verified.replacements), (6, 1));
        // A forged pick does not.
        let mut forged = events.clone();
        for (_, event) in &mut forged {
            if let Event::DrawPerformed(details) = event {
                details.picks[0].expert_id = "E07".to_owned();
            }
        }
        assert!(verify_recorded_draw(&forged, Some(&key)).is_err());

        // The committee sits with the drawn experts (four, the replacement among them) and one
        // representative of the principal; naming an expert is refused (条例46). Then no more
        // answers or replacements: 409.
        let committee = |members: Value| json!({"method": "lowest_evaluated_price", "members": members});
        let lot_committee = fixture.path("/lots/1/committee");
        let (status, _, body) = call(principal.post(&app, &lot_committee).json(&committee(members(1, 1)))).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("committee_experts_not_drawn"))
        );
        let (status, _, body) = call(principal.post(&app, &lot_committee).json(&committee(members(0, 1)))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let seated = body["committee"]["members"].as_array().map(Vec::len);
        assert_eq!(seated, Some(5), "{body}");
        let second = picks[1].clone();
        let (status, _, body) =
            call(staff.post(&app, &answers).json(&json!({"expert_id": second, "accepted": false, "reason": "生病"})))
                .await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("draw_after_evaluation")), "{body}");
        app.finish().await;
    }
}

//! Supervision alerts over HTTP (W1-F): when the opening record is signed, the lot screens of
//! 招标投标法实施条例 第三十九条、第四十条 raise alerts at once, with their evidence, for the regulators
//! of the tender's region only; a regulator confirms or dismisses each with a reason and refers a
//! confirmed one. The fixture's bidders all seal on one machine (the same machine id and MAC hash)
//! and bid 1000万, 1050万, 1100万 and 1150万 yuan: equal gaps (条例40(四)).

use ggzy_crypto::envelope::BidFile;
use ggzy_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::award::opened;
use crate::helpers::{call, spawn_apps_with};
use crate::tender_fixture::{self, BIDDERS, Ca, session, trust};

#[tokio::test]
async fn the_opening_raises_alerts_with_evidence_that_regulators_confirm_dismiss_and_refer() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let mut fixture = tender_fixture::tender(&app, &ca, true).await;
        opened(&app, &mut fixture).await;
        let closed_at = app.app.now_ms();
        let regulator = session(&app, "regulator-hz", &[(Role::Regulator, "330100")]).await;
        let (status, _, list) = call(regulator.client.get(app.url("/api/v1/alerts"))).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        let mut rules: Vec<&str> = list.as_array().expect("alerts").iter().filter_map(|a| a["rule"].as_str()).collect();
        rules.sort_unstable();
        // The test entities share one contact phone (条例40(二)). The submission address is loopback
        // for every test client: not attributable, not compared.
        assert_eq!(rules, ["regular_price_gaps", "same_contact_phone", "same_machine", "same_network_card"], "{list}");
        let alert_of = |rule: &str| -> String {
            list.as_array()
                .and_then(|alerts| alerts.iter().find(|a| a["rule"] == rule))
                .and_then(|a| a["alert_id"].as_str())
                .expect("alert")
                .to_owned()
        };
        assert!(list.as_array().expect("alerts").iter().all(|a| a["raised_at"] == tender_fixture::rfc3339(closed_at)));

        // The evidence: the shared machine id hash, every bidder, the article.
        let machine = alert_of("same_machine");
        let (status, _, body) = call(regulator.client.get(app.url(&format!("/api/v1/alerts/{machine}")))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["article"], "招标投标法实施条例 第四十条第（一）项");
        assert_eq!(body["evidence"][0], json!({"what": "machine_id_hash", "value": hex::encode([1u8; 32])}));
        let mut bidders: Vec<&str> = BIDDERS.to_vec();
        bidders.sort_unstable();
        assert_eq!(body["bidders"], json!(bidders));
        let gaps = alert_of("regular_price_gaps");
        let (_, _, body) = call(regulator.client.get(app.url(&format!("/api/v1/alerts/{gaps}")))).await;
        assert_eq!(body["evidence"][1], json!({"what": "gap_fen", "value": "50000000"}), "{body}");

        // Nobody else sees them: not the principal, not a bidder, not another region's regulator.
        let elsewhere = session(&app, "regulator-bj", &[(Role::Regulator, "110000")]).await;
        for (who, client) in [
            ("principal", &fixture.principal.client),
            ("bidder", &fixture.bidders[0].session.client),
            ("another region", &elsewhere.client),
        ] {
            let (status, _, _) = call(client.get(app.url(&format!("/api/v1/alerts/{machine}")))).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
        }
        let (status, _, body) = call(elsewhere.client.get(app.url("/api/v1/alerts"))).await;
        assert_eq!((status, body.as_array().map(Vec::len)), (StatusCode::OK, Some(0)));

        // The workflow: a reason is required; only a confirmed alert is referred.
        let post = |path: String, body: Value| regulator.post(&app, &path).json(&body);
        let review = |id: &str| format!("/api/v1/alerts/{id}/review");
        let referral = |id: &str| format!("/api/v1/alerts/{id}/referral");
        let (status, _, body) = call(post(referral(&machine), json!({"reason": "移送"}))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("invalid_transition")));
        let (status, _, body) = call(post(review(&machine), json!({"decision": "confirm", "reason": " "}))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_text")));
        let (status, _, body) = call(post(review(&machine), json!({"decision": "accept", "reason": "x"}))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_choice")));
        let found = "四家投标人的投标文件由同一台计算机制作，已调取投标文件制作记录";
        let (status, _, body) = call(post(review(&machine), json!({"decision": "confirm", "reason": found}))).await;
        assert_eq!((status, body["state"].as_str()), (StatusCode::OK, Some("confirmed")), "{body}");
        let network = alert_of("same_network_card");
        let reason = "与同一计算机预警重复，一并处理";
        let (status, _, body) = call(post(review(&network), json!({"decision": "dismiss", "reason": reason}))).await;
        assert_eq!((status, body["state"].as_str()), (StatusCode::OK, Some("dismissed")), "{body}");
        let (status, _, body) = call(post(referral(&machine), json!({"reason": "移送市公安局经侦支队"}))).await;
        assert_eq!((status, body["state"].as_str()), (StatusCode::OK, Some("referred")), "{body}");
        assert_eq!(body["reviews"].as_array().map(Vec::len), Some(2));
        let (_, _, open) = call(regulator.client.get(app.url("/api/v1/alerts?state=new"))).await;
        let open: Vec<&str> = open.as_array().expect("alerts").iter().filter_map(|a| a["rule"].as_str()).collect();
        assert_eq!(open.len(), 2, "{open:?}");
        assert!(open.contains(&"regular_price_gaps") && open.contains(&"same_contact_phone"), "{open:?}");
        app.finish().await;
    }
}

/// Two bids naming the same project manager (条例40(三)), written differently: one alert naming both;
/// two other bids carrying the very same file (条例40(一)(五)): one alert naming those.
#[tokio::test]
async fn bids_naming_one_project_manager_or_sharing_a_file_raise_alerts() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let mut fixture = tender_fixture::tender(&app, &ca, true).await;
        let managers = [
            json!({"name": "王强", "certificate_no": "浙233 1012 3456"}),
            json!("沪2331099"),
            json!({"name": "王强", "certificate_no": "浙23310123456"}),
            json!(null),
        ];
        let proposal =
            BidFile { name: "技术标.pdf".to_owned(), bytes: b"%PDF-1.7 one proposal for two bidders".to_vec() };
        for (i, (bidder, manager)) in fixture.bidders.iter().zip(managers).enumerate() {
            let declared =
                json!({"price_fen": 1_000_000_000 + 37_000_000 * (i * i) as i64, "project_manager": manager});
            let mut files =
                vec![BidFile { name: "投标函.pdf".to_owned(), bytes: tender_fixture::own_file(bidder, 2_000) }];
            if i % 2 == 1 {
                files.push(proposal.clone());
            }
            let (bytes, digest) = fixture.seal_files(bidder, &declared, files);
            let (status, body) = fixture.submit(&app, bidder, bytes, &digest).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        app.clock.set_ms(tender_fixture::DEADLINE_MS);
        fixture.relogin(&app).await;
        let (status, _, body) = call(fixture.principal.post(&app, &fixture.path("/opening"))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        crate::award::escrow_shares_given(&app, &fixture).await;
        let (status, _, body) = call(fixture.principal.post(&app, &fixture.path("/opening/close"))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let regulator = session(&app, "regulator-pm", &[(Role::Regulator, "330100")]).await;
        let (_, _, list) = call(regulator.client.get(app.url("/api/v1/alerts"))).await;
        let managers: Vec<&Value> =
            list.as_array().expect("alerts").iter().filter(|a| a["rule"] == "same_project_manager").collect();
        assert_eq!(managers.len(), 1, "{list}");
        let id = managers[0]["alert_id"].as_str().expect("id");
        let (_, _, alert) = call(regulator.client.get(app.url(&format!("/api/v1/alerts/{id}")))).await;
        let mut bidders = vec![fixture.bidders[0].code, fixture.bidders[2].code];
        bidders.sort_unstable();
        assert_eq!(alert["bidders"], json!(bidders), "{alert}");
        assert_eq!(alert["article"], "招标投标法实施条例 第四十条第（三）项", "{alert}");
        assert_eq!(alert["evidence"][0], json!({"what": "project_manager", "value": "浙23310123456"}), "{alert}");
        let shared: Vec<&Value> =
            list.as_array().expect("alerts").iter().filter(|a| a["rule"] == "same_file").collect();
        assert_eq!(shared.len(), 1, "{list}");
        let id = shared[0]["alert_id"].as_str().expect("id");
        let (_, _, alert) = call(regulator.client.get(app.url(&format!("/api/v1/alerts/{id}")))).await;
        let mut bidders = vec![fixture.bidders[1].code, fixture.bidders[3].code];
        bidders.sort_unstable();
        assert_eq!(alert["bidders"], json!(bidders), "{alert}");
        assert_eq!(alert["article"], "招标投标法实施条例 第四十条第（一）项、第（五）项", "{alert}");
        let file_sm3 = hex::encode(ggzy_crypto::sm3::sm3(&proposal.bytes));
        assert_eq!(alert["evidence"][0], json!({"what": "file_sm3", "value": file_sm3}), "{alert}");
        app.finish().await;
    }
}

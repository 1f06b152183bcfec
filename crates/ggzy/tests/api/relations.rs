//! The entity-relations register (关联关系) over HTTP: declaring shareholders, officers and the
//! controlling entity (bad input 422 naming the field, other users 403, nothing recorded after a
//! refusal), reading them back with masked IDs only for those who may see them, the related-bidder
//! groups of 条例34, and a draw whose avoidance screen excludes experts linked to a bidder through
//! the register.

use ggzy_domain::role::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::award::opened;
use crate::expert_fixture::{expert_body, register as register_expert, resident_id};
use crate::helpers::{TestApp, call, entity_body, legal_rep_id, spawn_apps, spawn_apps_with};
use crate::tender_fixture::{self, BIDDERS, Ca, Session, register, session, trust};

/// The declaring entity and a parent company (synthetic codes with valid check characters).
const OWN: &str = "91330100MA2H00030P";
const PARENT: &str = "91330100MA2H00049L";

fn relations_path(code: &str) -> String {
    format!("/api/v1/entities/{code}/relations")
}

async fn declare(app: &TestApp, who: &Session, code: &str, body: &Value) -> (StatusCode, Value) {
    let (status, _, response) = call(who.send(Method::PUT, app, &relations_path(code)).json(body)).await;
    (status, response)
}

fn fields(error: &Value) -> Vec<String> {
    error["details"]
        .as_array()
        .map(|details| details.iter().filter_map(|d| d["field"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

fn masked(id: &str) -> String {
    format!("{}********{}", &id[..6], &id[14..])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relations_are_declared_by_members_validated_and_read_back_masked() {
    for app in spawn_apps().await {
        let owner = session(&app, "owner", &[(Role::Bidder, "330100")]).await;
        let rival = session(&app, "rival", &[(Role::Bidder, "330100")]).await;
        let centre = session(&app, "centre", &[(Role::CenterStaff, "330100")]).await;
        register(&app, &owner, OWN, "杭州关联测试建设有限公司").await;
        register(&app, &rival, PARENT, "杭州关联测试集团有限公司").await;
        let holder_id = resident_id("330106", 501);
        let officer_id = resident_id("330106", 502);
        let good = json!({
            "shareholders": [
                {"credit_code": PARENT, "share_percent": 60},
                {"name": "李四", "resident_id": holder_id, "share_percent": 40},
            ],
            "officers": [{"name": "王五", "resident_id": officer_id, "post": "董事"}],
            "controlling_entity": PARENT,
        });

        // Nothing declared yet.
        let (status, _, empty) = call(app.client.get(app.url(&relations_path(OWN)))).await;
        assert_eq!(status, StatusCode::OK, "{empty}");
        assert!(empty["declared_at"].is_null() && empty["shareholders"] == json!([]), "{empty}");

        // A wrong check character: 422 with the code, naming the field.
        let mut bad = good.clone();
        bad["officers"][0]["resident_id"] =
            json!(format!("{}{}", &officer_id[..17], if officer_id.ends_with('1') { '2' } else { '1' }));
        let (status, error) = declare(&app, &owner, OWN, &bad).await;
        assert_eq!((status, error["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_resident_id")));
        assert_eq!(fields(&error), ["officers[0].resident_id"]);
        let message = error["message"].as_str().unwrap_or_default();
        assert!(message.contains("officers[0].resident_id") && message.contains("校验位"), "{message}");

        // Every problem at once: a share over 100, a holder given both ways, a bad credit code.
        let mut bad = good.clone();
        bad["shareholders"][0]["share_percent"] = json!(100.5);
        bad["shareholders"][1]["credit_code"] = json!(PARENT);
        bad["controlling_entity"] = json!("91330100MA2H00049X");
        let (status, error) = declare(&app, &owner, OWN, &bad).await;
        assert_eq!((status, error["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_input")));
        assert_eq!(fields(&error), ["shareholders[0].share_percent", "shareholders[1]", "controlling_entity"]);
        let codes: Vec<&str> =
            error["details"].as_array().expect("details").iter().filter_map(|d| d["code"].as_str()).collect();
        assert_eq!(codes, ["invalid_share_percent", "relation_holder_ambiguous", "invalid_credit_code"]);

        // Rules of the register: not its own shareholder, nobody twice, shares not above 100% in all.
        let mut bad = good.clone();
        bad["controlling_entity"] = json!(OWN);
        let (status, error) = declare(&app, &owner, OWN, &bad).await;
        assert_eq!((status, error["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("relation_to_self")));
        assert_eq!(fields(&error), ["controlling_entity"]);
        let mut bad = good.clone();
        bad["shareholders"][1]["share_percent"] = json!(40.01);
        bad["officers"] = json!([
            {"name": "王五", "resident_id": officer_id, "post": "董事"},
            {"name": "王五", "resident_id": officer_id, "post": "总经理"},
        ]);
        let (status, error) = declare(&app, &owner, OWN, &bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        assert_eq!(fields(&error), ["shareholders", "officers[1].resident_id"]);
        assert!(error["message"].as_str().is_some_and(|m| m.contains("100.01%")), "{error}");

        // Another bidder may not declare for this entity; the public may not declare at all.
        let (status, error) = declare(&app, &rival, OWN, &good).await;
        assert_eq!((status, error["code"].as_str()), (StatusCode::FORBIDDEN, Some("not_entity_member")));
        let (status, _, _) = call(app.client.put(app.url(&relations_path(OWN))).json(&good)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, error) = declare(&app, &owner, "91330100MA2H00057F", &good).await;
        assert_eq!((status, error["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));

        // Nothing was recorded by any refused request.
        let stream = format!("entity-relations-{OWN}");
        assert_eq!(app.app.store().stream_version(&stream).await.expect("version"), 0);
        let (_, _, still) = call(app.client.get(app.url(&relations_path(OWN)))).await;
        assert!(still["declared_at"].is_null() && still["officers"] == json!([]), "{still}");

        // Declared by a member: read back with masked IDs, never the numbers or the person keys.
        let (status, declared) = declare(&app, &owner, OWN, &good).await;
        assert_eq!(status, StatusCode::OK, "{declared}");
        assert_eq!(declared["persons_identified"], json!(true));
        assert_eq!(
            declared["shareholders"][0]["entity"],
            json!({"credit_code": PARENT, "name": "杭州关联测试集团有限公司"})
        );
        assert_eq!(declared["shareholders"][0]["share_percent"], json!(60.0));
        assert_eq!(
            declared["shareholders"][1]["person"],
            json!({"name": "李四", "resident_id_masked": masked(&holder_id)})
        );
        assert_eq!(
            declared["officers"][0],
            json!({"person": {"name": "王五", "resident_id_masked": masked(&officer_id)}, "post": "董事"})
        );
        assert_eq!(declared["controlling_entity"]["credit_code"], PARENT);
        assert!(declared["declared_at"].is_string());
        let text = declared.to_string();
        assert!(!text.contains(&holder_id) && !text.contains(&officer_id) && !text.contains("person_key"), "{text}");

        // The record holds masked IDs and person keys, not the numbers.
        let events = app.app.store().stream(&stream).await.expect("stream");
        assert_eq!(events.iter().map(|e| e.event_type.as_str()).collect::<Vec<_>>(), ["EntityRelationsDeclared"]);
        assert!(!events[0].payload.contains(&holder_id) && events[0].payload.contains(&masked(&holder_id)));
        assert!(events[0].payload.contains("person_key"));

        // The public and other bidders see entities, names, posts and shares; no IDs, even masked.
        for (who, client) in [("the public", &app.client), ("another bidder", &rival.client)] {
            let (status, _, seen) = call(client.get(app.url(&relations_path(OWN)))).await;
            assert_eq!(status, StatusCode::OK, "{who}");
            assert_eq!(seen["persons_identified"], json!(false), "{who}");
            assert_eq!(seen["shareholders"][1]["person"], json!({"name": "李四"}), "{who}");
            assert_eq!(seen["shareholders"][0]["entity"]["credit_code"], PARENT, "{who}");
            assert!(!seen.to_string().contains("resident_id_masked"), "{who}: {seen}");
        }
        // The centre of the region sees masked IDs, and may replace the declaration as a whole.
        let (_, _, seen) = call(centre.client.get(app.url(&relations_path(OWN)))).await;
        assert_eq!(seen["officers"][0]["person"]["resident_id_masked"].as_str(), Some(masked(&officer_id).as_str()));
        app.clock.advance_ms(1_000);
        let (status, replaced) = declare(&app, &centre, OWN, &json!({"shareholders": [{"credit_code": PARENT}]})).await;
        assert_eq!(status, StatusCode::OK, "{replaced}");
        assert_eq!(replaced["shareholders"].as_array().map(Vec::len), Some(1));
        assert!(replaced["shareholders"][0]["share_percent"].is_null() && replaced["officers"] == json!([]));
        assert!(replaced["controlling_entity"].is_null());
        assert_ne!(replaced["declared_at"], declared["declared_at"]);
        app.finish().await;
    }
}

/// 条例34 第二款: same legal representative, or a controlling share or declared control between two
/// bidders, puts them in one group; a half share, or an unrelated bidder, does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn related_bidders_are_grouped_by_head_and_control() {
    const A: &str = "91330100MA2H000735";
    const B: &str = "91330100MA2H000810";
    const C: &str = "91330100MA2H0009XP";
    const D: &str = "91330100MA2H00102G";
    const E: &str = "91330100MA2H00110B";
    const F: &str = "91330100MA2H001298";
    for app in spawn_apps().await {
        let owner = session(&app, "owner", &[(Role::Bidder, "330100")]).await;
        for (code, name) in [(A, "甲"), (B, "乙"), (C, "丙"), (D, "丁"), (E, "戊"), (F, "己")] {
            let mut body = entity_body(code, &format!("杭州{name}建设有限公司"));
            // A and B have the same legal representative (the same ID, whatever the name says).
            if code == B {
                body["legal_rep_id_number"] = json!(legal_rep_id(A));
                body["legal_rep_name"] = json!("张三丰");
            }
            let (status, _, response) = call(owner.post(&app, "/api/v1/entities").json(&body)).await;
            assert_eq!(status, StatusCode::CREATED, "{response}");
        }
        // D holds 60% of C; F declares E its controlling entity with no share on record; E holds
        // exactly half of D, which is not control.
        let declarations = [
            (C, json!({"shareholders": [{"credit_code": D, "share_percent": 60}]})),
            (F, json!({"controlling_entity": E})),
            (D, json!({"shareholders": [{"credit_code": E, "share_percent": 50}]})),
        ];
        for (code, body) in declarations {
            let (status, response) = declare(&app, &owner, code, &body).await;
            assert_eq!(status, StatusCode::OK, "{response}");
        }
        let lot = |codes: &[&str]| codes.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
        let groups = app.app.related_bidder_groups("T1", "1", &lot(&[F, E, D, C, B, A])).await.expect("groups");
        let summary: Vec<(Vec<&str>, Vec<&str>, &str)> = groups
            .iter()
            .map(|g| {
                (
                    g.bidders.iter().map(|b| b.as_str()).collect(),
                    g.evidence.iter().map(|e| e.code()).collect(),
                    g.article,
                )
            })
            .collect();
        let rule = "招标投标法实施条例 第三十四条第二款";
        assert_eq!(
            summary,
            [
                (vec![A, B], vec!["same_legal_representative"], rule),
                (vec![C, D], vec!["controlling_share"], rule),
                (vec![E, F], vec!["declared_controller"], rule),
            ]
        );
        assert!(groups[1].evidence[0].label().contains("60%"), "{:?}", groups[1].evidence);
        // A lot without related bidders has no group.
        assert!(app.app.related_bidder_groups("T1", "1", &lot(&[A, C, E])).await.expect("groups").is_empty());
        app.finish().await;
    }
}

/// An expert who is a declared officer or shareholder of a bidder, or whose employer has the same
/// legal representative as a bidder, is never drawn, and the draw says why.
#[tokio::test]
async fn the_draw_excludes_experts_related_to_a_bidder_through_the_register() {
    const EMPLOYER: &str = "91330100MA2H00145X";
    let ca = Ca::new(9, "关联关系测试CA");
    let dir = tempfile::tempdir().expect("dir");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let mut fixture = tender_fixture::tender(&app, &ca, true).await;
        opened(&app, &mut fixture).await;
        let staff = session(&app, "centre", &[(Role::CenterStaff, "330000")]).await;
        let employer_owner = session(&app, "employer", &[(Role::Bidder, "330100")]).await;
        let mut body = entity_body(EMPLOYER, "杭州关联咨询有限公司");
        body["legal_rep_id_number"] = json!(legal_rep_id(BIDDERS[2]));
        let (status, _, response) = call(employer_owner.post(&app, "/api/v1/entities").json(&body)).await;
        assert_eq!(status, StatusCode::CREATED, "{response}");
        // R1 sits on bidder 0's board, R2 holds shares in bidder 1, R3 works for a company whose
        // legal representative is bidder 2's; N1 to N3 have no tie.
        let experts = [("R1", 601, None), ("R2", 602, None), ("R3", 603, Some(EMPLOYER))];
        let clean = [("N1", 611), ("N2", 612), ("N3", 613)];
        for (id, sequence, employer) in experts {
            register_expert(&app, &staff, &expert_body(id, "330106", sequence, &["A0101"], employer)).await;
        }
        for (id, sequence) in clean {
            register_expert(&app, &staff, &expert_body(id, "330106", sequence, &["A0101"], None)).await;
        }
        let officer =
            json!({"officers": [{"name": "专家601", "resident_id": resident_id("330106", 601), "post": "独立董事"}]});
        let (status, response) = declare(&app, &fixture.bidders[0].session, BIDDERS[0], &officer).await;
        assert_eq!(status, StatusCode::OK, "{response}");
        let holder = json!({"shareholders": [{"name": "专家602", "resident_id": resident_id("330106", 602), "share_percent": 5}]});
        let (status, response) = declare(&app, &fixture.bidders[1].session, BIDDERS[1], &holder).await;
        assert_eq!(status, StatusCode::OK, "{response}");

        let now = app.app.now_ms();
        let time = tender_fixture::rfc3339;
        let request = json!({
            "slots": [{"specialty": "A0101", "include": ["330000"], "count": 2, "reserves": 1}],
            "draw_at": time(now + 60_000),
            "evaluation_start": time(now + 3_600_000),
            "evaluation_end": time(now + 8 * 3_600_000),
        });
        let (status, _, body) = call(fixture.principal.post(&app, &fixture.path("/lots/1/draws")).json(&request)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let draw_id = body["draw_id"].as_str().expect("draw id").to_owned();
        app.clock.advance_ms(60_000);
        let (status, _, body) = call(staff.post(&app, &format!("/api/v1/draws/{draw_id}/execution"))).await;
        assert_eq!(status, StatusCode::OK, "{body}");

        let picks: Vec<&str> =
            body["picks"].as_array().expect("picks").iter().filter_map(|p| p["expert_id"].as_str()).collect();
        assert_eq!(picks.len(), 3, "{body}");
        assert!(picks.iter().all(|id| id.starts_with('N')), "only experts with no tie are drawn: {picks:?}");
        let exclusion = |id: &str| -> (Vec<String>, Vec<String>) {
            let found = body["exclusions"].as_array().expect("exclusions").iter().find(|e| e["expert_id"] == id);
            let strings = |key: &str| -> Vec<String> {
                found
                    .and_then(|e| e[key].as_array())
                    .map(|values| values.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
                    .unwrap_or_default()
            };
            (strings("codes"), strings("reasons"))
        };
        let (codes, reasons) = exclusion("R1");
        assert_eq!(codes, ["personally_related_to_party"]);
        assert!(reasons[0].contains(BIDDERS[0]) && reasons[0].contains("董事、监事或高级管理人员"), "{reasons:?}");
        let (codes, reasons) = exclusion("R2");
        assert_eq!(codes, ["personally_related_to_party"]);
        assert!(reasons[0].contains(BIDDERS[1]) && reasons[0].contains("持有其股份"), "{reasons:?}");
        let (codes, reasons) = exclusion("R3");
        assert_eq!(codes, ["employer_related_to_party"]);
        assert!(
            reasons[0].contains(EMPLOYER) && reasons[0].contains(BIDDERS[2]) && reasons[0].contains("法定代表人相同"),
            "{reasons:?}"
        );
        assert!(exclusion("N1").0.is_empty());
        app.finish().await;
    }
}

//! Market entities over HTTP: validation at the edge, ownership, optimistic concurrency.

use ggzy_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{call, entity_body, legal_rep_id, spawn_apps};

const CODE: &str = "91330106MA27XY122Q";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registration_validates_every_field_and_names_it() {
    for app in spawn_apps().await {
        app.create_user("bidder", &[(Role::Bidder, "330100")]).await;
        let (client, csrf) = app.login("bidder").await;
        let register = |body: Value| client.post(app.url("/api/v1/entities")).header("x-csrf-token", &csrf).json(&body);

        // One wrong check character: 422 invalid_credit_code, a message naming the field.
        let mut body = entity_body("91330106MA27XY122R", "杭州测试建设有限公司");
        let (status, _, error) = call(register(body.clone())).await;
        assert_eq!((status, error["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_credit_code")));
        let message = error["message"].as_str().expect("message");
        assert!(
            message.contains("统一社会信用代码") && message.contains("credit_code") && message.contains("校验位"),
            "{message}"
        );
        assert_eq!(error["details"][0]["field"], "credit_code");

        // Several wrong fields are all reported at once.
        body["legal_rep_id_number"] = json!("110105194912310021");
        body["region_code"] = json!("339999");
        body["contact_phone"] = json!("电话");
        let (status, _, error) = call(register(body)).await;
        assert_eq!((status, error["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_input")));
        let fields: Vec<&str> =
            error["details"].as_array().expect("details").iter().map(|d| d["field"].as_str().expect("field")).collect();
        assert_eq!(fields, vec!["credit_code", "region_code", "legal_rep_id_number"], "{error}");

        let (status, _, error) = call(register({
            let mut b = entity_body(CODE, "杭州测试建设有限公司");
            b["contact_phone"] = json!("电话");
            b
        }))
        .await;
        assert_eq!((status, error["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_phone")));
        assert_eq!(app.app.store().count_entities().await.expect("count"), 0, "nothing was accepted");
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_see_and_change_their_entity_others_cannot_and_stale_versions_conflict() {
    for app in spawn_apps().await {
        app.create_user("owner", &[(Role::Bidder, "330100")]).await;
        app.create_user("rival", &[(Role::Bidder, "330100")]).await;
        app.create_user("center", &[(Role::CenterStaff, "330100")]).await;
        let (owner, owner_csrf) = app.login("owner").await;

        let (status, _, created) = call(
            owner
                .post(app.url("/api/v1/entities"))
                .header("x-csrf-token", &owner_csrf)
                .json(&entity_body(CODE, "杭州测试建设有限公司")),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        assert_eq!(created["region_name"], "浙江省杭州市西湖区");
        let id = legal_rep_id(CODE);
        assert_eq!(created["contacts"]["legal_rep_id_masked"], format!("{}********{}", &id[..6], &id[14..]));
        let version = created["version"].as_i64().expect("version");

        let (status, _, again) = call(
            owner
                .post(app.url("/api/v1/entities"))
                .header("x-csrf-token", &owner_csrf)
                .json(&entity_body(CODE, "重复")),
        )
        .await;
        assert_eq!((status, again["code"].as_str()), (StatusCode::CONFLICT, Some("already_exists")));

        // The public sees the directory entry, not contacts or the ID number.
        let (status, _, public) = call(reqwest::Client::new().get(app.url(&format!("/api/v1/entities/{CODE}")))).await;
        assert_eq!(status, StatusCode::OK);
        assert!(public.get("contacts").is_none(), "{public}");
        let (_, _, list) = call(reqwest::Client::new().get(app.url("/api/v1/entities?region=330100"))).await;
        assert_eq!(list["items"][0]["credit_code"], CODE);

        let update = |version: i64, name: &str| {
            let mut body = entity_body(CODE, name);
            body.as_object_mut().expect("object").remove("credit_code");
            body["expected_version"] = json!(version);
            body
        };
        let (rival, rival_csrf) = app.login("rival").await;
        let (status, _, error) = call(
            rival
                .put(app.url(&format!("/api/v1/entities/{CODE}")))
                .header("x-csrf-token", &rival_csrf)
                .json(&update(version, "被冒改")),
        )
        .await;
        assert_eq!((status, error["code"].as_str()), (StatusCode::FORBIDDEN, Some("not_entity_member")));

        let put = owner.put(app.url(&format!("/api/v1/entities/{CODE}"))).header("x-csrf-token", &owner_csrf);
        let (status, _, updated) = call(put.json(&update(version, "杭州测试建设集团有限公司"))).await;
        assert_eq!(status, StatusCode::OK, "{updated}");
        assert_eq!(updated["version"].as_i64(), Some(version + 1));

        // The centre of the region edits with the version it read; a stale one is refused.
        let (center, center_csrf) = app.login("center").await;
        let put = center.put(app.url(&format!("/api/v1/entities/{CODE}"))).header("x-csrf-token", &center_csrf);
        let (status, _, error) = call(put.json(&update(version, "过期的修改"))).await;
        assert_eq!((status, error["code"].as_str()), (StatusCode::CONFLICT, Some("version_conflict")));
        assert!(error["message"].as_str().expect("message").contains("刷新"));
        let (_, _, current) = call(reqwest::Client::new().get(app.url(&format!("/api/v1/entities/{CODE}")))).await;
        assert_eq!(current["name"], "杭州测试建设集团有限公司", "the stale write changed nothing");

        let report = ggzy_store::verify::verify_store(app.app.store()).await.expect("chain verifies");
        assert!(report.events > 0);
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_directory_is_searchable_in_chinese_and_follows_updates() {
    for app in spawn_apps().await {
        app.create_user("owner", &[(Role::Bidder, "330100")]).await;
        let (owner, csrf) = app.login("owner").await;
        for (code, name) in [(CODE, "杭州测试建设有限公司"), ("91330106MA2H00014Q", "西湖园林绿化工程有限公司")]
        {
            let (status, _, _) = call(
                owner.post(app.url("/api/v1/entities")).header("x-csrf-token", &csrf).json(&entity_body(code, name)),
            )
            .await;
            assert_eq!(status, StatusCode::CREATED);
        }
        let search = |q: &str| reqwest::Client::new().get(app.url("/api/v1/entities")).query(&[("q", q)]);
        let names = |page: &Value| -> Vec<String> {
            page["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|e| e["name"].as_str().expect("name").to_owned())
                .collect()
        };
        let (status, _, page) = call(search("建设")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(names(&page), vec!["杭州测试建设有限公司"]);
        let (_, _, page) = call(search("园林 工程")).await;
        assert_eq!(names(&page), vec!["西湖园林绿化工程有限公司"]);
        let (_, _, page) = call(search(&CODE.to_lowercase())).await;
        assert_eq!(names(&page), vec!["杭州测试建设有限公司"], "a credit code finds its entity");
        let (_, _, page) =
            call(reqwest::Client::new().get(app.url("/api/v1/entities")).query(&[("q", "建设"), ("region", "110000")]))
                .await;
        assert!(names(&page).is_empty(), "region filter");

        let mut body = entity_body(CODE, "杭州测试市政集团有限公司");
        body.as_object_mut().expect("object").remove("credit_code");
        body["expected_version"] = json!(2);
        let (status, _, updated) =
            call(owner.put(app.url(&format!("/api/v1/entities/{CODE}"))).header("x-csrf-token", &csrf).json(&body))
                .await;
        assert_eq!(status, StatusCode::OK, "{updated}");
        assert_eq!(names(&call(search("市政")).await.2), vec!["杭州测试市政集团有限公司"]);
        assert!(names(&call(search("建设")).await.2).is_empty(), "the old name is gone from the index");
        app.finish().await;
    }
}

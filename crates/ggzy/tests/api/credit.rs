//! Credit records over HTTP: a regulator restricts a bidder from tenders (招标投标法实施条例 第六十七条),
//! with the bad inputs refused; the bidder cannot register for a tender in any region while barred
//! (一处失信、处处受限), and a bidder restricted after registering cannot hand in its bid; the revoked
//! decision bars nothing; the public reads the records and the entity page shows them.

use ggzy_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{call, spawn_apps_with};
use crate::tender_fixture::{self, Ca, session, trust};

fn restriction(code: &str, until: &str, basis: &str, scope: &str) -> Value {
    json!({
        "credit_code": code,
        "region_code": "330000",
        "kind": "restriction",
        "scope": scope,
        "authority": "浙江省发展和改革委员会",
        "document_no": "浙发改法〔2026〕18号",
        "decided_on": "2026-11-20",
        "barred_from": "2026-11-20",
        "barred_until": until,
        "basis": basis,
        "facts": "在文三路综合管廊工程投标中与其他投标人相互串通投标，情节严重",
    })
}

#[tokio::test]
async fn a_restricted_bidder_cannot_register_anywhere_until_the_decision_is_revoked() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(17, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let fixture = tender_fixture::tender(&app, &ca, false).await;
        fixture.hold_ceremony(&app).await;
        fixture.post_notice(&app, json!({})).await;
        let bidder = &fixture.bidders[1];
        let regulator = session(&app, "fgw-regulator", &[(Role::Regulator, "330000")]).await;
        let centre = session(&app, "centre-clerk", &[(Role::CenterStaff, "330100")]).await;
        const ARTICLE: &str = "招标投标法实施条例 第六十七条";

        // Bad input: no article, more than three years, a penalty with a period, the centre.
        let record = |session: &tender_fixture::Session, body: Value| {
            call(session.post(&app, "/api/v1/credit-records").json(&body))
        };
        let (status, _, body) =
            record(&regulator, restriction(bidder.code, "2027-11-19", "招标投标法实施条例", "tendering")).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_legal_basis")),
            "{body}"
        );
        let (status, _, body) = record(&regulator, restriction(bidder.code, "2029-11-21", ARTICLE, "tendering")).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_restriction_period")),
            "{body}"
        );
        assert!(body["message"].as_str().is_some_and(|m| m.contains("第七十七条")), "{body}");
        let mut penalty = restriction(bidder.code, "2027-11-19", ARTICLE, "tendering");
        penalty["kind"] = json!("penalty");
        let (status, _, body) = record(&regulator, penalty).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_restriction_period"))
        );
        let (status, _, _) = record(&centre, restriction(bidder.code, "2027-11-19", ARTICLE, "tendering")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "the centre does not sanction");
        let (status, _, body) =
            record(&regulator, restriction("91330106000000000X", "2027-11-19", ARTICLE, "tendering")).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{body}");

        // One year from 11-20 (第六十七条: 1 to 2 years), decided by the province.
        let (status, _, body) = record(&regulator, restriction(bidder.code, "2027-11-19", ARTICLE, "tendering")).await;
        assert_eq!((status, body["in_force"].as_bool()), (StatusCode::CREATED, Some(true)), "{body}");
        let record_id = body["record_id"].as_str().expect("id").to_owned();

        // The tender runs in 杭州 (330100): the province's decision bars the bidder there too.
        let (status, _, body) = call(fixture.register(&app, bidder)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("bidder_restricted")), "{body}");
        let message = body["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("浙发改法〔2026〕18号") && message.contains("2027-11-19") && message.contains(ARTICLE)
        );
        // Another bidder registers as usual; restricted after registering, it cannot hand in its bid.
        let other = &fixture.bidders[0];
        assert_eq!(call(fixture.register(&app, other)).await.0, StatusCode::NO_CONTENT);
        let (status, _, _) = record(&regulator, restriction(other.code, "2027-05-19", ARTICLE, "all")).await;
        assert_eq!(status, StatusCode::CREATED);
        let (bytes, digest) = fixture.seal(other, 12_300_000, 1_000);
        let (status, body) = fixture.submit(&app, other, bytes, &digest).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("bidder_restricted")), "{body}");

        // The public reads it: the list, the entity's records, the entity page.
        let (status, _, list) =
            call(app.client.get(app.url(&format!("/api/v1/credit-records?credit_code={}", bidder.code)))).await;
        assert_eq!((status, list.as_array().map(Vec::len)), (StatusCode::OK, Some(1)), "{list}");
        assert_eq!(list[0]["scope_label"], "依法必须进行招标的项目");
        let page = app.client.get(app.url(&format!("/entities/{}", bidder.code))).send().await.expect("page");
        let html = page.text().await.expect("html");
        assert!(
            html.contains("信用记录") && html.contains("浙发改法〔2026〕18号") && html.contains("禁止期内"),
            "{html}"
        );
        let html = app.client.get(app.url("/credit")).send().await.expect("page").text().await.expect("html");
        assert!(html.contains("浙江测试建设第1工程有限公司"), "{html}");

        // Revoked on review: it stays published, marked revoked, and bars nothing.
        let revoke = |reason: &str| {
            call(
                regulator
                    .post(&app, &format!("/api/v1/credit-records/{record_id}/revocation"))
                    .json(&json!({"reason": reason})),
            )
        };
        let (status, _, body) = revoke("浙江省人民政府行政复议决定书（浙政复〔2026〕301号）撤销原处理决定").await;
        assert_eq!((status, body["in_force"].as_bool()), (StatusCode::OK, Some(false)), "{body}");
        let (status, _, body) = revoke("再次撤销").await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("already_revoked")), "{body}");
        assert_eq!(call(fixture.register(&app, bidder)).await.0, StatusCode::NO_CONTENT);
        let html = app.client.get(app.url(&format!("/entities/{}", bidder.code))).send().await.expect("page");
        assert!(html.text().await.expect("html").contains("已撤销"));
        app.finish().await;
    }
}

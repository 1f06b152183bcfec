//! The sealed reference price over HTTP (标底, 招标投标法实施条例 第二十七条、第五十条): one per lot,
//! only its commitment before the deadline, read out at the opening against that commitment, and
//! a reference only: a bid above it is not rejected for that. The fixture's bids are 1000万, 1050万,
//! 1100万 and 1150万 yuan; the reference price is 1080万.

use ggzy_crypto::reference_price::commitment;
use reqwest::StatusCode;
use serde_json::json;

use crate::award::{members, opened};
use crate::committee_fixture::{evaluate, members_of};
use crate::expert_fixture::seat_drawn_experts;
use crate::helpers::{call, spawn_apps_with};
use crate::tender_fixture::{self, Ca, trust};

const PRICE_FEN: i64 = 1_080_000_000;

#[tokio::test]
async fn a_reference_price_is_committed_before_the_deadline_read_out_at_the_opening_and_only_a_reference() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let mut fixture = tender_fixture::tender(&app, &ca, true).await;
        let salt = [0x5a_u8; 32];
        let sealed = hex::encode(commitment(&fixture.tender_id, "1", PRICE_FEN, &salt).expect("commitment"));
        let lot = fixture.path("/lots/1");
        let commit = |hex: &str| json!({"commitment_hex": hex});
        let (status, _, body) =
            call(fixture.principal.post(&app, &format!("{lot}/reference-price")).json(&commit("abcd"))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_digest")));
        let (status, _, body) =
            call(fixture.principal.post(&app, &format!("{lot}/reference-price")).json(&commit(&sealed))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["reference_price"], json!({"commitment_hex": sealed, "price_fen": null, "revealed_day": null}));
        let (status, _, body) =
            call(fixture.principal.post(&app, &format!("{lot}/reference-price")).json(&commit(&sealed))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("reference_price_exists")));
        // Nothing but the commitment is public before the opening.
        let (_, _, public) = call(app.client.get(app.url(&format!("{lot}/award")))).await;
        assert!(!public.to_string().contains(&PRICE_FEN.to_string()), "{public}");
        let reveal = |price: i64| json!({"price_fen": price, "salt_hex": hex::encode(salt)});
        let (status, _, body) =
            call(fixture.principal.post(&app, &format!("{lot}/reference-price/reveal")).json(&reveal(PRICE_FEN))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("reference_price_before_opening")));

        opened(&app, &mut fixture).await;
        let principal = &fixture.principal;
        let late = fixture.path("/lots/2/reference-price");
        let (status, _, body) = call(principal.post(&app, &late).json(&commit(&sealed))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("reference_price_too_late")));
        // No committee before the reference price is read out.
        let experts = seat_drawn_experts(&app, &fixture, "1", 4, 1).await;
        let committee = json!({"method": "lowest_evaluated_price", "members": members(0, 1)});
        let (status, _, body) = call(principal.post(&app, &format!("{lot}/committee")).json(&committee)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("reference_price_not_revealed")));
        // A price that does not open the commitment is refused; the committed one is published.
        let (status, _, body) =
            call(principal.post(&app, &format!("{lot}/reference-price/reveal")).json(&reveal(PRICE_FEN + 1))).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("reference_price_mismatch"))
        );
        let (status, _, body) =
            call(principal.post(&app, &format!("{lot}/reference-price/reveal")).json(&reveal(PRICE_FEN))).await;
        assert_eq!(
            (status, body["reference_price"]["price_fen"].as_i64()),
            (StatusCode::OK, Some(PRICE_FEN)),
            "{body}"
        );
        let (_, _, public) = call(app.client.get(app.url(&format!("{lot}/award")))).await;
        assert_eq!(public["reference_price"]["price_fen"].as_i64(), Some(PRICE_FEN));

        // A reference only: the bids above it (1100万, 1150万) stand and are ranked.
        let (status, _, body) = call(principal.post(&app, &format!("{lot}/committee")).json(&committee)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let seated = members_of(&ca, experts, &["招标人代表0"], 200);
        let body = evaluate(&app, &fixture, "1", &seated, json!({"rejections": []})).await;
        assert_eq!(body["stage"], "recommended", "{body}");
        assert_eq!(body["report"]["ranking"].as_array().map(Vec::len), Some(4), "{body}");
        assert_eq!(body["report"]["rejected"], json!([]), "{body}");
        app.finish().await;
    }
}

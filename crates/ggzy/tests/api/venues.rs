//! The center's venues over HTTP and in its workbench: an opening room booked for a tender's opening
//! must cover its bid deadline (招标投标法 第三十四条); an evaluation goes to an evaluation room; a
//! room holds one session at a time (the booking in the way is named); a cancelled booking frees the
//! slot; only the region's center staff keep its venues; the workbench forms show the errors beside
//! the field and record nothing on an error; an opening booking that an amendment's new deadline has
//! left is flagged until the center books again.

use ggzy_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, T0_MS, browser, call, csrf, sign_in, spawn_apps_with};
use crate::tender_fixture::{self, Ca, Session, session, trust};

/// Registers a venue; returns its id.
async fn venue(app: &crate::helpers::TestApp, staff: &Session, name: &str, kind: &str) -> String {
    let body =
        json!({"region_code": "330100", "name": name, "kind": kind, "capacity": 40, "address": "杭州市民中心G座"});
    let (status, _, body) = call(staff.post(app, "/api/v1/venues").json(&body)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["venue_id"].as_str().expect("venue id").to_owned()
}

fn booking(tender_id: &str, purpose: &str, starts: &str, ends: &str) -> Value {
    json!({"tender_id": tender_id, "purpose": purpose, "starts_at": starts, "ends_at": ends})
}

#[tokio::test]
async fn a_room_is_booked_once_per_slot_and_an_opening_covers_the_deadline() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let fixture = tender_fixture::tender(&app, &ca, true).await;
        let tender = fixture.tender_id.as_str();
        let staff = &fixture.officials[0].0;
        let room = venue(&app, staff, "第一开标室", "opening_room").await;
        let closed = venue(&app, staff, "第三评标室", "evaluation_room").await;
        let book = |venue: &str, body: Value| staff.post(&app, &format!("/api/v1/venues/{venue}/bookings")).json(&body);

        // The deadline is 2026-12-19 16:00 (China time): the opening room from 15:30 to 17:30.
        let (status, _, body) =
            call(book(&room, booking(tender, "opening", "2026-12-19T15:30:00+08:00", "2026-12-19T17:30:00+08:00")))
                .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let first = body["bookings"][0]["booking_id"].as_str().expect("booking").to_owned();
        // 招标投标法 第三十四条: an opening that starts after the deadline is refused.
        let (status, _, body) =
            call(book(&room, booking(tender, "opening", "2026-12-19T16:30:00+08:00", "2026-12-19T18:00:00+08:00")))
                .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("venue_booking_misses_deadline"))
        );
        assert!(body["message"].as_str().is_some_and(|m| m.contains("第三十四条")), "{body}");
        // The same room, overlapping: refused, naming the booking in the way.
        let (status, _, body) =
            call(book(&room, booking(tender, "opening", "2026-12-19T15:00:00+08:00", "2026-12-19T16:30:00+08:00")))
                .await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("venue_booking_overlap")), "{body}");
        assert!(body["message"].as_str().is_some_and(|m| m.contains(&first)), "{body}");
        // An evaluation in an opening room is refused; in the evaluation room it is booked.
        let evaluation = booking(tender, "evaluation", "2026-12-21T09:00:00+08:00", "2026-12-21T17:00:00+08:00");
        let (status, _, body) = call(book(&room, evaluation.clone())).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("venue_purpose_mismatch")));
        let (status, _, body) = call(book(&closed, evaluation)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // Bad times: an end before the start, and not RFC 3339.
        let (status, _, body) = call(book(
            &closed,
            booking(tender, "evaluation", "2026-12-22T17:00:00+08:00", "2026-12-22T09:00:00+08:00"),
        ))
        .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("venue_booking_time_invalid")),
            "{body}"
        );
        let (status, _, body) = call(book(&closed, booking(tender, "evaluation", "明天上午", "明天下午"))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        // Cancelled, the slot is free again; the record keeps the cancelled booking.
        let cancel = format!("/api/v1/venues/{room}/bookings/{first}/cancel");
        let (status, _, body) = call(staff.post(&app, &cancel).json(&json!({"reason": "开标时间因澄清顺延"}))).await;
        assert_eq!((status, body["bookings"][0]["cancelled"].as_bool()), (StatusCode::OK, Some(true)), "{body}");
        let (status, _, body) = call(staff.post(&app, &cancel).json(&json!({"reason": "再次取消"}))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("venue_booking_cancelled")));
        let (status, _, body) =
            call(book(&room, booking(tender, "opening", "2026-12-19T15:45:00+08:00", "2026-12-19T17:00:00+08:00")))
                .await;
        assert_eq!((status, body["bookings"].as_array().map(Vec::len)), (StatusCode::OK, Some(2)), "{body}");

        // Only the region's center staff: a bidder and another city's center are refused and see none.
        let (status, _, _) = call(fixture.bidders[0].session.post(&app, "/api/v1/venues").json(&json!({
            "region_code": "330100", "name": "x", "kind": "opening_room", "capacity": 1, "address": "x"
        })))
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let ningbo = session(&app, "center-nb", &[(Role::CenterStaff, "330200")]).await;
        let (status, _, body) = call(ningbo.get(&app, "/api/v1/venues")).await;
        assert_eq!((status, body.as_array().map(Vec::len)), (StatusCode::OK, Some(0)), "{body}");
        let (status, _, _) = call(ningbo.post(&app, &format!("/api/v1/venues/{closed}/bookings")).json(&booking(
            tender,
            "evaluation",
            "2026-12-23T09:00:00+08:00",
            "2026-12-23T12:00:00+08:00",
        )))
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, body) = call(staff.get(&app, "/api/v1/venues")).await;
        assert_eq!((status, body.as_array().map(Vec::len)), (StatusCode::OK, Some(2)), "{body}");
        app.finish().await;
    }
}

#[tokio::test]
async fn the_center_registers_and_books_its_venues_by_form() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let fixture = tender_fixture::tender(&app, &ca, true).await;
        let client = browser();
        let (path, _, html) = sign_in(&app, &client, &fixture.officials[0].0.username, PASSWORD).await;
        assert_eq!(path, "/workbench/center", "{html}");
        assert!(html.contains("尚未登记场地"), "{html}");
        let token = csrf(&html);

        // A capacity that is not a number: beside the field, nothing registered.
        let form = [
            ("csrf_token", token.as_str()),
            ("name", "第一开标室"),
            ("kind", "opening_room"),
            ("capacity", "很多"),
            ("address", "杭州市民中心G座"),
        ];
        let response = client.post(app.url("/workbench/center/venues")).form(&form).send().await.expect("post");
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.expect("page");
        assert!(html.contains("座位数须为") && html.contains("尚未登记场地"), "{html}");
        let mut form = form.to_vec();
        form[3] = ("capacity", "40");
        let response = client.post(app.url("/workbench/center/venues")).form(&form).send().await.expect("post");
        assert_eq!(response.url().path(), "/workbench/center");
        let html = response.text().await.expect("page");
        assert!(html.contains("第一开标室") && html.contains("暂无预约"), "{html}");
        let venue_id = html
            .split("name=\"venue_id\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("venue id")
            .to_owned();

        // An opening after the deadline: the article beside the time; then one covering it.
        let tender = fixture.tender_id.as_str();
        let late = [
            ("csrf_token", token.as_str()),
            ("venue_id", venue_id.as_str()),
            ("tender_id", tender),
            ("starts_at", "2026-12-19T16:30"),
            ("ends_at", "2026-12-19T18:00"),
        ];
        let response = client.post(app.url("/workbench/center/bookings")).form(&late).send().await.expect("post");
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.expect("page");
        assert!(html.contains("第三十四条") && html.contains("暂无预约"), "{html}");
        let mut good = late.to_vec();
        good[3] = ("starts_at", "2026-12-19T15:30");
        let response = client.post(app.url("/workbench/center/bookings")).form(&good).send().await.expect("post");
        assert_eq!(response.url().path(), "/workbench/center");
        let html = response.text().await.expect("page");
        assert!(html.contains("2026-12-19 15:30 至 2026-12-19 18:00：开标"), "{html}");
        app.finish().await;
    }
}

#[tokio::test]
async fn an_opening_booking_left_by_an_amended_deadline_is_flagged_until_booked_again() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let mut fixture = tender_fixture::tender(&app, &ca, true).await;
        let tender = fixture.tender_id.clone();
        let (room, hall, first) = {
            let staff = &fixture.officials[0].0;
            let room = venue(&app, staff, "第一开标室", "opening_room").await;
            let hall = venue(&app, staff, "第一评标室", "evaluation_room").await;
            // The deadline is 2026-12-19 16:00 (China time).
            let slot = booking(&tender, "opening", "2026-12-19T15:30:00+08:00", "2026-12-19T17:30:00+08:00");
            let (status, _, body) =
                call(staff.post(&app, &format!("/api/v1/venues/{room}/bookings")).json(&slot)).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert!(body["bookings"][0]["opening_moved_to"].is_null(), "{body}");
            let first = body["bookings"][0]["booking_id"].as_str().expect("booking").to_owned();
            let evaluation = booking(&tender, "evaluation", "2026-12-21T09:00:00+08:00", "2026-12-21T17:00:00+08:00");
            let (status, _, body) =
                call(staff.post(&app, &format!("/api/v1/venues/{hall}/bookings")).json(&evaluation)).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            (room, hall, first)
        };

        // Thursday 2026-12-10, an amendment that affects the bids: 15 days from 12-11 end on 12-25, so
        // the deadline moves to 2026-12-25 16:00 (招标投标法 第二十三条).
        app.clock.set_ms(T0_MS + 16 * 86_400_000);
        fixture.relogin(&app).await;
        let amendment = json!({"summary": "工程量清单第5项数量更正", "affects_bids": true});
        let (status, _, body) = call(fixture.principal.post(&app, &fixture.path("/amendments")).json(&amendment)).await;
        assert_eq!((status, body["extended"].as_bool()), (StatusCode::CREATED, Some(true)), "{body}");
        assert_eq!(body["tender"]["bid_deadline"], "2026-12-25T08:00:00Z", "{body}");

        let staff = &fixture.officials[0].0;
        let (status, _, body) = call(staff.get(&app, &format!("/api/v1/venues/{room}"))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["bookings"][0]["opening_moved_to"], "2026-12-25T08:00:00Z", "{body}");
        // The evaluation is not held at the deadline: nothing to say about it.
        let (_, _, body) = call(staff.get(&app, &format!("/api/v1/venues/{hall}"))).await;
        assert!(body["bookings"][0]["opening_moved_to"].is_null(), "{body}");
        let client = browser();
        let (path, _, html) = sign_in(&app, &client, &staff.username, PASSWORD).await;
        assert_eq!(path, "/workbench/center", "{html}");
        assert!(html.contains("投标截止时间已变更为 2026-12-25 16:00"), "{html}");

        // Cancelled and booked again at the new time: nothing is flagged any more.
        let cancel = format!("/api/v1/venues/{room}/bookings/{first}/cancel");
        let (status, _, _) = call(staff.post(&app, &cancel).json(&json!({"reason": "开标时间因补遗顺延"}))).await;
        assert_eq!(status, StatusCode::OK);
        let slot = booking(&tender, "opening", "2026-12-25T15:30:00+08:00", "2026-12-25T17:30:00+08:00");
        let (status, _, body) = call(staff.post(&app, &format!("/api/v1/venues/{room}/bookings")).json(&slot)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let bookings = body["bookings"].as_array().expect("bookings");
        assert!(bookings.iter().all(|b| b["opening_moved_to"].is_null()), "{body}");
        app.finish().await;
    }
}

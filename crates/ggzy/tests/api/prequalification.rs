//! Pre-qualification over HTTP (招标投标法实施条例 第十五条至第十九条、第三十六条): the sale and
//! application periods with their floors, applications until the deadline, the review's result;
//! fewer than 3 qualified fails the tender; only the qualified may register afterwards. Every day
//! asserted is computed by hand in the comments (the clock starts on 2026-11-24, a Tuesday).

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{call, spawn_apps_with};
use crate::tender_fixture::{self, Ca, trust};

fn at(text: &str) -> i64 {
    text.parse::<jiff::Timestamp>().expect("timestamp").as_millisecond()
}

#[tokio::test]
async fn prequalification_with_three_qualified_goes_on_and_with_two_is_re_tendered() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let mut fixture = tender_fixture::tender(&app, &ca, false).await;
        let second = fixture.another_tender(&app, "杭州市拱墅区运河绿道提升工程", "施工").await;
        let pq = |tender: &str, rest: &str| format!("/api/v1/tenders/{tender}/prequalification{rest}");
        let first = fixture.tender_id.clone();

        // Sale from 2026-11-24: 5 days (条例16) reach 11-29, a Sunday, so it may end 11-30 at the earliest.
        let notice =
            |sale_ends: &str, deadline: &str| json!({"sale_ends": sale_ends, "application_deadline": deadline});
        let (status, _, body) = call(
            fixture.principal.post(&app, &pq(&first, "")).json(&notice("2026-11-28", "2026-12-07T09:00:00+08:00")),
        )
        .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("deadline_below_statutory_minimum"))
        );
        assert!(body["message"].as_str().is_some_and(|m| m.contains("2026年11月30日")), "{body}");
        // Applications: 5 days after 11-30 (条例17) reach 12-05, a Saturday: 12-07 at the earliest.
        let (status, _, body) = call(
            fixture.principal.post(&app, &pq(&first, "")).json(&notice("2026-11-30", "2026-12-04T09:00:00+08:00")),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            body["message"].as_str().is_some_and(|m| m.contains("2026年12月7日") && m.contains("第十七条")),
            "{body}"
        );
        for tender in [&first, &second] {
            let (status, _, body) = call(
                fixture.principal.post(&app, &pq(tender, "")).json(&notice("2026-11-30", "2026-12-07T09:00:00+08:00")),
            )
            .await;
            assert_eq!((status, body["state"].as_str()), (StatusCode::OK, Some("prequalifying")), "{body}");
        }

        // Applications: all four to the first tender, three to the second; twice is refused.
        for (i, bidder) in fixture.bidders.iter().enumerate() {
            let tenders: &[&String] = if i < 3 { &[&first, &second] } else { &[&first] };
            for tender in tenders {
                let (status, _, body) = call(
                    bidder
                        .session
                        .post(&app, &pq(tender, "/applications"))
                        .json(&json!({"applicant_credit_code": bidder.code})),
                )
                .await;
                assert_eq!(status, StatusCode::OK, "{body}");
            }
        }
        let [b0, b1, b2, b3] = [0, 1, 2, 3].map(|i| fixture.bidders[i].code);
        let (status, _, _) = call(
            fixture.bidders[0]
                .session
                .post(&app, &pq(&first, "/applications"))
                .json(&json!({"applicant_credit_code": b0})),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT);
        let result = |qualified: &[&str], rejected: &[&str]| {
            json!({
                "qualified": qualified,
                "rejected": rejected.iter().map(|code| json!({"applicant_credit_code": code, "reason": "安全生产许可证已过期"})).collect::<Vec<Value>>(),
            })
        };
        let (status, _, body) =
            call(fixture.principal.post(&app, &pq(&first, "/result")).json(&result(&[b0, b1, b2], &[b3]))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("pq_deadline_not_passed")));

        // 2026-12-07 10:00: applications are closed.
        app.clock.set_ms(at("2026-12-07T10:00:00+08:00"));
        fixture.relogin(&app).await;
        let (status, _, body) = call(
            fixture.bidders[3]
                .session
                .post(&app, &pq(&second, "/applications"))
                .json(&json!({"applicant_credit_code": b3})),
        )
        .await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("pq_deadline_passed")));
        let (status, _, body) =
            call(fixture.principal.post(&app, &pq(&first, "/result")).json(&result(&[b0, b1], &[b3]))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("pq_result_incomplete")));
        let (status, _, body) =
            call(fixture.principal.post(&app, &pq(&first, "/result")).json(&result(&[b0, b1, b2], &[b3]))).await;
        assert_eq!((status, body["state"].as_str()), (StatusCode::OK, Some("prequalified")), "{body}");
        // Two qualified of three: the second tender fails, to be re-tendered (条例19).
        let (status, _, body) =
            call(fixture.principal.post(&app, &pq(&second, "/result")).json(&result(&[b0, b1], &[b2]))).await;
        assert_eq!((status, body["state"].as_str()), (StatusCode::OK, Some("failed")), "{body}");
        let events = app.app.store().stream(&format!("tender-{second}")).await.expect("stream");
        assert!(events.last().is_some_and(|e| e.payload.contains("第十九条")), "the failure cites 条例19");

        // The first tender goes on: its notice (20 days from 12-07 reach 12-27, a Sunday: 12-28), and
        // only the qualified may register (条例36).
        fixture.hold_ceremony(&app).await;
        let (status, _, body) = call(
            fixture
                .principal
                .post(&app, &fixture.path("/notice"))
                .json(&json!({"bid_deadline": "2026-12-28T09:30:00+08:00"})),
        )
        .await;
        assert_eq!((status, body["state"].as_str()), (StatusCode::OK, Some("bidding")), "{body}");
        let register = |i: usize| fixture.register(&app, &fixture.bidders[i]);
        let (status, _, body) = call(register(3)).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("bidder_not_prequalified")),
            "{body}"
        );
        let (status, _, body) = call(register(0)).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        app.finish().await;
    }
}

/// 条例21: a clarification of the pre-qualification documents that may affect the applications,
/// issued less than 3 days before the application deadline, pushes that deadline out.
#[tokio::test]
async fn a_late_clarification_of_the_prequalification_documents_pushes_the_application_deadline_out() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let mut fixture = tender_fixture::tender(&app, &ca, false).await;
        let tender = fixture.tender_id.clone();
        let pq = |rest: &str| format!("/api/v1/tenders/{tender}/prequalification{rest}");
        let notice = json!({"sale_ends": "2026-11-30", "application_deadline": "2026-12-07T09:00:00+08:00"});
        let (status, _, body) = call(fixture.principal.post(&app, &pq("")).json(&notice)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let amendments = format!("/api/v1/tenders/{tender}/amendments");
        let amend = |fixture: &tender_fixture::TenderFixture, summary: &str, affects: bool| {
            fixture.principal.post(&app, &amendments).json(&json!({"summary": summary, "affects_bids": affects}))
        };
        // 2026-11-24: 3 days reach 11-27, well before 12-07: nothing moves.
        let (status, _, body) = call(amend(&fixture, "资格预审文件第三章业绩要求更正", true)).await;
        assert_eq!((status, body["extended"].as_bool()), (StatusCode::CREATED, Some(false)), "{body}");

        // 2026-12-05 (Sat): 3 days reach 12-08 (Tue, a working day), after 12-07: the deadline moves
        // to 12-08 09:00. One that cannot affect the applications moves nothing.
        app.clock.set_ms(at("2026-12-05T10:00:00+08:00"));
        fixture.relogin(&app).await;
        let (status, _, body) = call(amend(&fixture, "资格预审申请文件递交地点变更为线上", false)).await;
        assert_eq!((status, body["extended"].as_bool()), (StatusCode::CREATED, Some(false)), "{body}");
        let (status, _, body) = call(amend(&fixture, "资格预审文件附件二格式更正", true)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["extended"], true, "{body}");
        assert_eq!(body["previous_deadline"], "2026-12-07T01:00:00Z");
        let reason = body["extension_reason"].as_str().unwrap_or_default();
        assert!(reason.contains("2026年12月8日") && reason.contains("第二十一条"), "{reason}");

        // 2026-12-07 10:00: past the old deadline, an application is still in time.
        app.clock.set_ms(at("2026-12-07T10:00:00+08:00"));
        fixture.relogin(&app).await;
        let bidder = &fixture.bidders[0];
        let application = json!({"applicant_credit_code": bidder.code});
        let (status, _, body) = call(bidder.session.post(&app, &pq("/applications")).json(&application)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // 2026-12-08 09:00: the moved deadline has passed; no more amendments of these documents.
        app.clock.set_ms(at("2026-12-08T09:00:00+08:00"));
        fixture.relogin(&app).await;
        let (status, _, body) = call(amend(&fixture, "再次更正", true)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("pq_deadline_passed")), "{body}");
        app.finish().await;
    }
}

/// 条例22: an objection to the pre-qualification documents comes at least 2 days before the
/// application deadline; the reply moves that deadline out by the days the activity stood still.
#[tokio::test]
async fn an_objection_to_the_prequalification_documents_moves_the_application_deadline() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let mut fixture = tender_fixture::tender(&app, &ca, false).await;
        let tender = fixture.tender_id.clone();
        let notice = json!({"sale_ends": "2026-11-30", "application_deadline": "2026-12-07T09:00:00+08:00"});
        let path = format!("/api/v1/tenders/{tender}/prequalification");
        let (status, _, body) = call(fixture.principal.post(&app, &path).json(&notice)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let objections = format!("/api/v1/tenders/{tender}/objections");
        let objection = json!({"objector_credit_code": fixture.bidders[0].code, "text": "资格预审文件要求本市业绩，排斥外地申请人"});

        // 2026-11-25: bidder 0 objects; 11-27: the reply. The pause ran 2 days: the application
        // deadline of 12-07 09:00 moves to 12-09 09:00 (a Wednesday).
        app.clock.set_ms(at("2026-11-25T10:00:00+08:00"));
        fixture.relogin(&app).await;
        let (status, _, body) = call(fixture.bidders[0].session.post(&app, &objections).json(&objection)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let objection_id = body[0]["objection_id"].as_str().expect("id").to_owned();
        app.clock.set_ms(at("2026-11-27T10:00:00+08:00"));
        fixture.relogin(&app).await;
        let reply = json!({"reply": "业绩要求已修改为全国范围，见资格预审文件澄清"});
        let (status, _, body) =
            call(fixture.principal.post(&app, &format!("{objections}/{objection_id}/reply")).json(&reply)).await;
        assert_eq!(status, StatusCode::OK, "{body}");

        // 2026-12-08 10:00: past the old deadline, an application is still in time; but objections to
        // the pre-qualification documents closed 2 days before 12-09: 12-07 was the last day.
        app.clock.set_ms(at("2026-12-08T10:00:00+08:00"));
        fixture.relogin(&app).await;
        let bidder = &fixture.bidders[1];
        let application = json!({"applicant_credit_code": bidder.code});
        let (status, _, body) =
            call(bidder.session.post(&app, &format!("{path}/applications")).json(&application)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, _, body) = call(fixture.bidders[0].session.post(&app, &objections).json(&objection)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("objection_out_of_time")), "{body}");
        let message = body["message"].as_str().unwrap_or_default();
        assert!(message.contains("2026年12月7日") && message.contains("资格预审"), "{body}");
        app.finish().await;
    }
}

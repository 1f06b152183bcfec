//! Experts for tests: valid records, registration by the centre, and a lot's draw made so that a
//! committee can sit (条例 第四十六条: a must-tender project's experts are drawn, never named).

use ggzy_domain::ResidentId;
use ggzy_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, call};
use crate::tender_fixture::{self, Session, TenderFixture, session};

/// A valid resident ID for a county and a sequence number (born 1970-2-1 + seq days).
pub(crate) fn resident_id(county: &str, sequence: usize) -> String {
    let body = format!("{county}197002{:02}{:03}", 1 + sequence % 28, sequence);
    "0123456789X"
        .chars()
        .map(|check| format!("{body}{check}"))
        .find(|number| ResidentId::parse(number).is_ok())
        .expect("a check character fits")
}

pub(crate) fn expert_body(
    id: &str,
    county: &str,
    sequence: usize,
    specialties: &[&str],
    employer: Option<&str>,
) -> Value {
    json!({
        "expert_id": id,
        "name": format!("专家{sequence}"),
        "resident_id": resident_id(county, sequence),
        "region_code": county,
        "phone": "13900001111",
        "employments": employer.map(|code| vec![json!({"employer_credit_code": code, "from": "2015-01-01"})]).unwrap_or_default(),
        "career_start": "1995-07-01",
        "specialties": specialties,
        "qualifications": [{"level": "senior", "name": "高级工程师", "certificate_no": format!("C{sequence:05}")}],
    })
}

pub(crate) async fn register(app: &TestApp, staff: &Session, body: &Value) {
    let (status, _, response) = call(staff.post(app, "/api/v1/experts").json(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{response}");
}

/// Registers `count` building experts (A0101) in Zhejiang with no tie to the tender's parties, numbered
/// from `first`, each with their own account, then schedules the lot's draw of `count` experts a
/// minute ahead and makes it then: the drawn experts sit on the committee. Returns each expert's id
/// and signed-in account.
pub(crate) async fn seat_drawn_experts(
    app: &TestApp,
    fixture: &TenderFixture,
    lot: &str,
    count: usize,
    first: usize,
) -> Vec<(String, Session)> {
    let staff = session(app, &format!("center-{lot}-{first}"), &[(Role::CenterStaff, "330000")]).await;
    let mut experts = Vec::new();
    for i in first..first + count {
        let id = format!("D{i:03}");
        let account = session(app, &format!("expert-{lot}-{}", id.to_lowercase()), &[(Role::Expert, "330000")]).await;
        let mut body = expert_body(&id, "330106", i, &["A0101"], None);
        body["user_id"] = json!(account.user_id);
        register(app, &staff, &body).await;
        experts.push((id, account));
    }
    let now = app.app.now_ms();
    let time = tender_fixture::rfc3339;
    let request = json!({
        "slots": [{"specialty": "A0101", "include": ["330000"], "count": count}],
        "draw_at": time(now + 60_000),
        "evaluation_start": time(now + 3_600_000),
        "evaluation_end": time(now + 8 * 3_600_000),
    });
    let (status, _, body) =
        call(fixture.principal.post(app, &fixture.path(&format!("/lots/{lot}/draws"))).json(&request)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let draw_id = body["draw_id"].as_str().expect("draw id").to_owned();
    app.clock.advance_ms(60_000);
    let (status, _, body) = call(staff.post(app, &format!("/api/v1/draws/{draw_id}/execution"))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    experts
}

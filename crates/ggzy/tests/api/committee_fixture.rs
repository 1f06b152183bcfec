//! A committee at work in tests: each member with a certificate from the test CA and the key to
//! sign with, acting through their own account (drawn experts) or the principal's (representatives).

use ggzy_crypto::evaluation_signing::{SheetScore, report_signature_bytes, score_sheet_bytes};
use ggzy_crypto::sm2::PrivateKey;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, call};
use crate::tender_fixture::{Ca, Session, TenderFixture};

/// One committee member.
pub(crate) struct Member {
    /// Member id: the expert id, or the representative's name.
    pub(crate) id: String,
    /// The expert's own account; `None` for a representative (the principal acts, naming them).
    pub(crate) account: Option<Session>,
    /// The member's certificate, PEM.
    pub(crate) cert_pem: String,
    /// The member's signing key.
    pub(crate) key: PrivateKey,
}

impl Member {
    /// A request by this member: through their own account, or the principal's naming them.
    pub(crate) fn post(
        &self,
        app: &TestApp,
        fixture: &TenderFixture,
        path: &str,
        mut body: Value,
    ) -> reqwest::RequestBuilder {
        match &self.account {
            Some(account) => account.post(app, &fixture.path(path)).json(&body),
            None => {
                body["member"] = json!(self.id);
                fixture.principal.post(app, &fixture.path(path)).json(&body)
            }
        }
    }

    /// A GET by this member.
    pub(crate) fn get(&self, app: &TestApp, fixture: &TenderFixture, path: &str) -> reqwest::RequestBuilder {
        match &self.account {
            Some(account) => account.client.get(app.url(&fixture.path(path))),
            None => fixture.principal.client.get(app.url(&fixture.path(path))).query(&[("member", &self.id)]),
        }
    }

    /// The member's signature over the score sheet for `lot` of `scores` (bidder, criterion, centipoints).
    pub(crate) fn sign_sheet(&self, fixture: &TenderFixture, lot: &str, scores: &[(&str, &str, i64)]) -> String {
        let sheet: Vec<SheetScore<'_>> = scores
            .iter()
            .map(|(bidder, criterion, centipoints)| SheetScore { bidder, criterion, centipoints: *centipoints })
            .collect();
        hex::encode(self.key.sign(&score_sheet_bytes(&fixture.tender_id, lot, &self.id, &sheet)))
    }

    /// The member's signed sheet as the API takes it.
    pub(crate) fn sheet(&self, fixture: &TenderFixture, lot: &str, scores: &[(&str, &str, i64)]) -> Value {
        json!({
            "scores": scores.iter().map(|(b, c, p)| json!({"bidder_credit_code": b, "criterion": c, "centipoints": p})).collect::<Vec<_>>(),
            "signature_hex": self.sign_sheet(fixture, lot, scores),
        })
    }

    /// The member's signature on the draft `report_sm3_hex`.
    pub(crate) fn report_signature(
        &self,
        fixture: &TenderFixture,
        lot: &str,
        report: &str,
        agree: bool,
        dissent: &str,
    ) -> Value {
        let bytes = report_signature_bytes(&fixture.tender_id, lot, &self.id, report, agree, dissent);
        let mut body =
            json!({"report_sm3_hex": report, "agree": agree, "signature_hex": hex::encode(self.key.sign(&bytes))});
        if !dissent.is_empty() {
            body["dissent"] = json!(dissent);
        }
        body
    }
}

/// The committee's members: `experts` (id and own account) and the principal's `representatives`,
/// each with a certificate of `ca` whose common name is the member id (seeds from `seed` on).
pub(crate) fn members_of(ca: &Ca, experts: Vec<(String, Session)>, representatives: &[&str], seed: u8) -> Vec<Member> {
    let experts = experts.into_iter().map(|(id, account)| (id, Some(account)));
    let representatives = representatives.iter().map(|name| ((*name).to_owned(), None));
    experts
        .chain(representatives)
        .enumerate()
        .map(|(i, (id, account))| {
            let (cert, key) = ca.issue_valid(&id, seed + u8::try_from(i).expect("few members"));
            Member { id, account, cert_pem: cert.to_pem().expect("pem"), key }
        })
        .collect()
}

/// One member signs in with the avoidance declaration and their certificate.
pub(crate) async fn sign_in(app: &TestApp, fixture: &TenderFixture, lot: &str, member: &Member) -> (StatusCode, Value) {
    let body = json!({"declaration": "本人承诺与投标人无利害关系，不存在应当回避的情形", "no_conflict": true, "certificate_pem": member.cert_pem});
    let (status, _, response) = call(member.post(app, fixture, &format!("/lots/{lot}/evaluation/sign-in"), body)).await;
    (status, response)
}

/// Every member signs in with the declaration, then all vote for `members[chair]`.
pub(crate) async fn sign_in_and_elect(
    app: &TestApp,
    fixture: &TenderFixture,
    lot: &str,
    members: &[Member],
    chair: usize,
) {
    let base = format!("/lots/{lot}/evaluation");
    for member in members {
        let (status, response) = sign_in(app, fixture, lot, member).await;
        assert_eq!(status, StatusCode::OK, "{}: {response}", member.id);
    }
    for member in members {
        let body = json!({"candidate": members[chair].id});
        let (status, _, response) = call(member.post(app, fixture, &format!("{base}/chair-votes"), body)).await;
        assert_eq!(status, StatusCode::OK, "{response}");
    }
}

/// The chair (`members[chair]`) drafts the report with `review` (rejections, adjustments);
/// returns the lot and the draft's SM3.
pub(crate) async fn draft(
    app: &TestApp,
    fixture: &TenderFixture,
    lot: &str,
    chair: &Member,
    review: Value,
) -> (StatusCode, Value) {
    let (status, _, body) = call(chair.post(app, fixture, &format!("/lots/{lot}/evaluation-report"), review)).await;
    (status, body)
}

/// Every member signs the current draft, agreeing; returns the lot after the last signature.
pub(crate) async fn all_sign(
    app: &TestApp,
    fixture: &TenderFixture,
    lot: &str,
    members: &[Member],
    drafted: &Value,
) -> Value {
    let report = drafted["workspace"]["draft"]["report_sm3_hex"].as_str().expect("draft").to_owned();
    let mut last = Value::Null;
    for member in members {
        let body = member.report_signature(fixture, lot, &report, true, "");
        let (status, _, response) =
            call(member.post(app, fixture, &format!("/lots/{lot}/evaluation-report/signatures"), body)).await;
        assert_eq!(status, StatusCode::OK, "{response}");
        last = response;
    }
    last
}

/// The whole evaluation of a lot by the lowest evaluated price: sign-in, chair, draft with
/// `review`, every signature. Returns the lot as the last signature left it.
pub(crate) async fn evaluate(
    app: &TestApp,
    fixture: &TenderFixture,
    lot: &str,
    members: &[Member],
    review: Value,
) -> Value {
    sign_in_and_elect(app, fixture, lot, members, 0).await;
    let (status, drafted) = draft(app, fixture, lot, &members[0], review).await;
    assert_eq!(status, StatusCode::OK, "{drafted}");
    all_sign(app, fixture, lot, members, &drafted).await
}

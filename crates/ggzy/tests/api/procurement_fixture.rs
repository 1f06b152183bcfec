//! What the government-procurement tests share: a purchaser, a finance-department regulator and four
//! suppliers; planning, steps, sealed offers and their opening over HTTP.
//!
//! The clock starts on Monday 2026-09-14 10:00 (China time), so that periods cross the Mid-Autumn
//! holiday (09-25..27), National Day (10-01..07) and its 调休 working Saturday (10-10); every period
//! stays inside the calendar's years.

use ggzy_crypto::reference_price::reserve_commitment;
use ggzy_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, call};
use crate::tender_fixture::{Session, register, session};

pub(crate) const PURCHASER: &str = "91330106725872199N";
pub(crate) const SUPPLIERS: [&str; 4] =
    ["91330106769614255P", "91330106682104877T", "9133010614291836XR", "91330106134205714Q"];
pub(crate) const WAN: i64 = 1_000_000; // 1万元 in fen
const SALT: [u8; 16] = [0x3c; 16];

pub(crate) fn at(text: &str) -> i64 {
    text.parse::<jiff::Timestamp>().expect("timestamp").as_millisecond()
}

pub(crate) struct People {
    pub(crate) purchaser: Session,
    pub(crate) regulator: Session,
    pub(crate) suppliers: Vec<Session>,
}

impl People {
    pub(crate) async fn new(app: &TestApp) -> People {
        app.clock.set_ms(at("2026-09-14T10:00:00+08:00"));
        let purchaser = session(app, "purchaser", &[(Role::Principal, "330000")]).await;
        register(app, &purchaser, PURCHASER, "杭州市西湖区教育局").await;
        let regulator = session(app, "finance-dept", &[(Role::Regulator, "330100")]).await;
        let mut suppliers = Vec::new();
        for (i, code) in SUPPLIERS.iter().enumerate() {
            let supplier = session(app, &format!("supplier{i}"), &[(Role::Bidder, "330000")]).await;
            register(app, &supplier, code, &format!("浙江测试供应第{i}有限公司")).await;
            suppliers.push(supplier);
        }
        People { purchaser, regulator, suppliers }
    }

    /// Moves the clock and signs everyone in again (sessions last 8 hours).
    pub(crate) async fn at(&mut self, app: &TestApp, time: &str) {
        app.clock.set_ms(at(time));
        for session in std::iter::once(&mut self.purchaser)
            .chain(std::iter::once(&mut self.regulator))
            .chain(self.suppliers.iter_mut())
        {
            let (client, csrf) = app.login(&session.username).await;
            session.client = client;
            session.csrf = csrf;
        }
    }

    /// Plans a procurement; returns the response.
    pub(crate) async fn plan(&self, app: &TestApp, extra: Value) -> (StatusCode, Value) {
        let mut request = json!({
            "region_code": "330100",
            "title": "西湖区中小学教学设备采购项目",
            "purchaser_credit_code": PURCHASER,
            "category": "goods",
        });
        if let (Some(base), Some(extra)) = (request.as_object_mut(), extra.as_object()) {
            base.extend(extra.clone());
        }
        let (status, _, body) = call(self.purchaser.post(app, "/api/v1/procurements").json(&request)).await;
        (status, body)
    }

    /// Plans and expects success; returns the id.
    pub(crate) async fn planned(&self, app: &TestApp, extra: Value) -> String {
        let (status, body) = self.plan(app, extra).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["procurement_id"].as_str().expect("procurement id").to_owned()
    }

    /// A step by `session`.
    pub(crate) async fn step_as(&self, app: &TestApp, session: &Session, id: &str, body: Value) -> (StatusCode, Value) {
        let (status, _, body) = call(session.post(app, &format!("/api/v1/procurements/{id}/steps")).json(&body)).await;
        (status, body)
    }

    /// A step by the purchaser that must succeed and reach `state`.
    pub(crate) async fn step(&self, app: &TestApp, id: &str, body: Value, state: &str) -> Value {
        let (status, body) = self.step_as(app, &self.purchaser, id, body).await;
        assert_eq!((status, body["state"].as_str()), (StatusCode::OK, Some(state)), "{body}");
        body
    }

    /// Supplier `i` seals `price_fen`.
    pub(crate) async fn seal(&self, app: &TestApp, id: &str, i: usize, price_fen: i64) -> (StatusCode, Value) {
        let commitment = hex::encode(reserve_commitment(price_fen, &SALT).expect("commitment"));
        let request = json!({"supplier_credit_code": SUPPLIERS[i], "commitment": commitment});
        let (status, _, body) =
            call(self.suppliers[i].post(app, &format!("/api/v1/procurements/{id}/offers")).json(&request)).await;
        (status, body)
    }

    /// Supplier `i` opens `price_fen` with an SME claim.
    pub(crate) async fn open(
        &self,
        app: &TestApp,
        id: &str,
        i: usize,
        price_fen: i64,
        sme: Value,
    ) -> (StatusCode, Value) {
        let request = json!({"supplier_credit_code": SUPPLIERS[i], "price_fen": price_fen, "salt": hex::encode(SALT), "sme": sme});
        let (status, _, body) =
            call(self.suppliers[i].post(app, &format!("/api/v1/procurements/{id}/offers/opening")).json(&request))
                .await;
        (status, body)
    }

    /// Seals then (after the clock moved past the deadline) opens; expects success for each.
    pub(crate) async fn seal_all(&self, app: &TestApp, id: &str, prices: &[(usize, i64)]) {
        for &(i, price) in prices {
            let (status, body) = self.seal(app, id, i, price).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
    }

    pub(crate) async fn open_all(&self, app: &TestApp, id: &str, prices: &[(usize, i64)]) {
        for &(i, price) in prices {
            let (status, body) = self.open(app, id, i, price, json!({})).await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
    }

    /// The committee's evaluation; without a committee in `body`, five members: four experts and
    /// the purchaser's representative (enough for every method here).
    pub(crate) async fn evaluate(&self, app: &TestApp, id: &str, mut body: Value) -> (StatusCode, Value) {
        if let Some(fields) = body.as_object_mut() {
            fields.entry("committee").or_insert_with(|| committee(4, 1));
        }
        let (status, _, body) =
            call(self.purchaser.post(app, &format!("/api/v1/procurements/{id}/evaluation")).json(&body)).await;
        (status, body)
    }
}

pub(crate) async fn get(app: &TestApp, id: &str) -> Value {
    let (status, _, body) = call(app.client.get(app.url(&format!("/api/v1/procurements/{id}")))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// The statutory date of `rule` in a view: (day, source).
pub(crate) fn deadline<'a>(view: &'a Value, rule: &str) -> (&'a str, &'a str) {
    let found = view["deadlines"].as_array().and_then(|all| all.iter().find(|d| d["rule_id"] == rule));
    let found = found.unwrap_or_else(|| panic!("no {rule} in {view}"));
    (found["day"].as_str().unwrap_or_default(), found["source"].as_str().unwrap_or_default())
}

/// The last step's article.
pub(crate) fn last_source(view: &Value) -> &str {
    view["history"].as_array().and_then(|steps| steps.last()).and_then(|step| step["source"].as_str()).unwrap_or("")
}

/// A committee of `experts` experts and `representatives` purchaser's representatives.
pub(crate) fn committee(experts: usize, representatives: usize) -> Value {
    let experts = (0..experts).map(|i| json!({"name": format!("专家{i}"), "expert": true}));
    let representatives = (0..representatives)
        .map(|i| json!({"name": format!("采购人代表{i}"), "expert": false, "purchaser_staff": true}));
    Value::Array(experts.chain(representatives).collect())
}

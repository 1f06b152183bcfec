//! A tender ready for bids: a demo CA the server trusts, a principal, bidders with certificates,
//! officials holding opening-key shares, the ceremony and the notice, all through the HTTP API.

use ggzy::ceremony::{self, CeremonyFile, Official};
use ggzy::config::Config;
use ggzy_crypto::cert::{Certificate, IssueRequest, issue};
use ggzy_crypto::envelope::{self, BidFile, Payload, SealRequest};
use ggzy_crypto::sm2::{PrivateKey, PublicKey};
use ggzy_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{T0_MS, TestApp, call, entity_body};

/// The principal (招标人).
pub(crate) const PRINCIPAL: &str = "91330106725872199N";
/// Bidders with certificates from the trusted CA.
pub(crate) const BIDDERS: [&str; 4] =
    ["91330106769614255P", "91330106682104877T", "9133010614291836XR", "91330106134205714Q"];
/// 25 days after T0 (2026-11-24 16:00 CST): 2026-12-19 16:00 CST, a Saturday; 20 days would be 12-14.
pub(crate) const DEADLINE_MS: i64 = T0_MS + 25 * 86_400_000;

/// A CA: its certificate and key.
pub(crate) struct Ca {
    pub(crate) cert: Certificate,
    pub(crate) key: PrivateKey,
}

impl Ca {
    pub(crate) fn new(seed: u8, name: &str) -> Ca {
        let key = PrivateKey::from_scalar_bytes(&[seed; 32]).expect("CA key");
        let request = IssueRequest {
            subject: &format!("CN={name},O=ggzy,C=CN"),
            public_key: &key.verifying_key(),
            serial: &[seed],
            not_before_unix: T0_MS / 1000 - 86_400,
            not_after_unix: T0_MS / 1000 + 3650 * 86_400,
            is_ca: true,
        };
        let cert = issue(&request, None, &key).expect("CA certificate");
        Ca { cert, key }
    }

    /// A certificate for `cn` with key seed `seed`, valid from `from` to `to` (Unix seconds).
    pub(crate) fn issue(&self, cn: &str, seed: u8, from: i64, to: i64) -> (Certificate, PrivateKey) {
        let key = PrivateKey::from_scalar_bytes(&[seed; 32]).expect("key");
        let request = IssueRequest {
            subject: &format!("CN={cn},O=测试,C=CN"),
            public_key: &key.verifying_key(),
            serial: &[0x10, seed],
            not_before_unix: from,
            not_after_unix: to,
            is_ca: false,
        };
        (issue(&request, Some(&self.cert), &self.key).expect("certificate"), key)
    }

    /// A certificate valid for a year around T0.
    pub(crate) fn issue_valid(&self, cn: &str, seed: u8) -> (Certificate, PrivateKey) {
        self.issue(cn, seed, T0_MS / 1000 - 86_400, T0_MS / 1000 + 365 * 86_400)
    }
}

/// A bid file of `size` bytes that is the bidder's own: its credit code, then filler, so that no two
/// bidders' files are the same (the screen of 条例40(一)(五) compares them).
pub(crate) fn own_file(bidder: &Bidder, size: usize) -> Vec<u8> {
    let mut bytes = bidder.code.as_bytes().to_vec();
    bytes.resize(size.max(bytes.len()), 0x25);
    bytes
}

/// Writes the CA into the config's trusted CA files.
pub(crate) fn trust(ca: &Ca, dir: &std::path::Path) -> impl Fn(&mut Config) + use<> {
    let path = dir.join(format!("ca-{}.pem", ca.cert.serial_hex()));
    std::fs::write(&path, ca.cert.to_pem().expect("pem")).expect("write CA");
    move |config: &mut Config| config.trusted_ca_files = vec![path.clone()]
}

/// A signed-in user.
pub(crate) struct Session {
    pub(crate) username: String,
    pub(crate) client: reqwest::Client,
    pub(crate) csrf: String,
    pub(crate) user_id: String,
}

impl Session {
    pub(crate) fn post(&self, app: &TestApp, path: &str) -> reqwest::RequestBuilder {
        self.client.post(app.url(path)).header("x-csrf-token", &self.csrf)
    }

    pub(crate) fn get(&self, app: &TestApp, path: &str) -> reqwest::RequestBuilder {
        self.client.get(app.url(path))
    }

    pub(crate) fn send(&self, method: reqwest::Method, app: &TestApp, path: &str) -> reqwest::RequestBuilder {
        self.client.request(method, app.url(path)).header("x-csrf-token", &self.csrf)
    }
}

pub(crate) async fn session(app: &TestApp, username: &str, grants: &[(Role, &str)]) -> Session {
    let user_id = app.create_user(username, grants).await;
    let (client, csrf) = app.login(username).await;
    Session { username: username.to_owned(), client, csrf, user_id }
}

/// An entity registered by (and so acting through) the session.
pub(crate) async fn register(app: &TestApp, session: &Session, code: &str, name: &str) {
    let (status, _, body) = call(session.post(app, "/api/v1/entities").json(&entity_body(code, name))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

/// A bidder: its session, certificate and key.
pub(crate) struct Bidder {
    pub(crate) code: &'static str,
    pub(crate) session: Session,
    pub(crate) cert: Certificate,
    pub(crate) key: PrivateKey,
}

/// Everything a bidding test needs.
pub(crate) struct TenderFixture {
    pub(crate) principal: Session,
    pub(crate) bidders: Vec<Bidder>,
    pub(crate) officials: Vec<(Session, PrivateKey)>,
    pub(crate) ceremony: CeremonyFile,
    pub(crate) tender_id: String,
    pub(crate) project_id: String,
    pub(crate) opening_key: PublicKey,
}

/// The investment project code of the fixture's project.
pub(crate) const PROJECT_CODE: &str = "2026-330106-48-01-000123";

/// A project the principal registers: state-controlled public works that must be tendered (土建
/// 1800万元 + 机电 900万元), approved for open self-tendering; `extra` overrides request fields.
pub(crate) fn project_body(code: &str, extra: Value) -> Value {
    let mut body = json!({
        "code": code,
        "name": "杭州市文三路综合管廊工程",
        "region_code": "330100",
        "principal_credit_code": PRINCIPAL,
        "public_interest": true,
        "total_investment_fen": 5_000_000_000_i64,
        "state_controlled": true,
        "packages": [
            {"kind": "works", "name": "土建工程", "estimate_fen": 1_800_000_000_i64},
            {"kind": "works", "name": "机电安装", "estimate_fen": 900_000_000_i64},
        ],
        "approval_required": true,
        "method": "open",
        "organisation_form": "self",
    });
    if let (Some(body), Value::Object(extra)) = (body.as_object_mut(), extra) {
        body.extend(extra);
    }
    body
}

/// Registers the project of [`project_body`] and makes it ready: the approval of its tender scope,
/// method and form (实施条例 第七条) and the self-tendering filing (招标投标法 第十二条).
pub(crate) async fn ready_project(app: &TestApp, principal: &Session, code: &str, extra: Value) -> String {
    let request = project_body(code, extra);
    let (status, _, body) = call(principal.post(app, "/api/v1/projects").json(&request)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let approval = json!({
        "authority": "杭州市发展和改革委员会", "document_number": "杭发改审批〔2026〕88号",
        "decided_on": "2026-11-20", "method": request["method"], "organisation_form": request["organisation_form"],
        "invitation_ground": request.get("invitation_ground"),
    });
    let (status, _, body) =
        call(principal.post(app, &format!("/api/v1/projects/{code}/approval")).json(&approval)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let filing =
        json!({"technical_staff": 3, "economic_staff": 2, "statement": "工程部有编制招标文件和组织评标的专业人员"});
    let (status, _, body) =
        call(principal.post(app, &format!("/api/v1/projects/{code}/self-tendering-filing")).json(&filing)).await;
    assert_eq!((status, body["ready"].as_bool()), (StatusCode::OK, Some(true)), "{body}");
    code.to_owned()
}

/// Creates users, entities and a tender; with `publish` the ceremony and notice are done too and
/// every bidder is registered for lot 1.
pub(crate) async fn tender(app: &TestApp, ca: &Ca, publish: bool) -> TenderFixture {
    tender_with(app, ca, publish, json!({})).await
}

/// [`tender`] under a project whose request fields `project` overrides.
pub(crate) async fn tender_with(app: &TestApp, ca: &Ca, publish: bool, project: Value) -> TenderFixture {
    let principal = session(app, "principal", &[(Role::Principal, "330000")]).await;
    register(app, &principal, PRINCIPAL, "杭州市城市建设投资集团有限公司").await;
    let mut bidders = Vec::new();
    for (i, code) in BIDDERS.iter().enumerate() {
        let session = session(app, &format!("bidder{i}"), &[(Role::Bidder, "330000")]).await;
        register(app, &session, code, &format!("浙江测试建设第{i}工程有限公司")).await;
        let (cert, key) = ca.issue_valid(code, 40 + i as u8);
        bidders.push(Bidder { code, session, cert, key });
    }
    let mut officials = Vec::new();
    for (i, role) in [Role::CenterStaff, Role::Regulator, Role::CenterStaff].into_iter().enumerate() {
        let session = session(app, &format!("official{i}"), &[(role, "330100")]).await;
        let (cert, key) = ca.issue_valid(&format!("official{i}"), 60 + i as u8);
        officials.push((session, key, cert));
    }
    let project_id = ready_project(app, &principal, PROJECT_CODE, project).await;
    let (status, _, body) = call(principal.post(app, "/api/v1/tenders").json(&json!({
        "region_code": "330100",
        "title": "杭州市文三路综合管廊工程施工",
        "principal_credit_code": PRINCIPAL,
        "lots": ["土建工程", "机电安装"],
        "project_id": project_id,
    })))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let tender_id = body["tender_id"].as_str().expect("tender id").to_owned();
    let people: Vec<Official> = officials
        .iter()
        .map(|(session, _, cert)| Official { user_id: session.user_id.clone(), cert: cert.clone() })
        .collect();
    let ceremony = ceremony::hold(2, &people, &mut rand::rng()).expect("ceremony");
    let opening_key = PublicKey::from_public_key_pem(&ceremony.public_key_pem).expect("opening key");
    let fixture = TenderFixture {
        principal,
        bidders,
        officials: officials.into_iter().map(|(session, key, _)| (session, key)).collect(),
        ceremony,
        tender_id,
        project_id,
        opening_key,
    };
    if publish {
        fixture.publish(app).await;
    }
    fixture
}

impl TenderFixture {
    /// Signs everyone in again (sessions expire when a test moves the clock by days).
    pub(crate) async fn relogin(&mut self, app: &TestApp) {
        let sessions = std::iter::once(&mut self.principal)
            .chain(self.bidders.iter_mut().map(|bidder| &mut bidder.session))
            .chain(self.officials.iter_mut().map(|(session, _)| session));
        for session in sessions {
            (session.client, session.csrf) = app.login(&session.username).await;
        }
    }

    /// The request registering `bidder` for lot 1 (获取招标文件).
    pub(crate) fn register(&self, app: &TestApp, bidder: &Bidder) -> reqwest::RequestBuilder {
        bidder.session.post(app, &self.path("/lots/1/registrations")).json(&json!({"bidder_credit_code": bidder.code}))
    }

    /// Another tender of the principal under the fixture's project, in draft, with one lot.
    pub(crate) async fn another_tender(&self, app: &TestApp, title: &str, lot: &str) -> String {
        let (status, _, body) = call(self.principal.post(app, "/api/v1/tenders").json(&json!({
            "region_code": "330100", "title": title, "principal_credit_code": PRINCIPAL, "lots": [lot],
            "project_id": self.project_id,
        })))
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["tender_id"].as_str().expect("tender id").to_owned()
    }

    pub(crate) fn path(&self, rest: &str) -> String {
        format!("/api/v1/tenders/{}{rest}", self.tender_id)
    }

    /// Ceremony, notice (deadline [`DEADLINE_MS`]) and every bidder registered for lot 1.
    pub(crate) async fn publish(&self, app: &TestApp) {
        self.hold_ceremony(app).await;
        self.announce(app, json!({})).await;
    }

    /// The opening-key ceremony.
    pub(crate) async fn hold_ceremony(&self, app: &TestApp) {
        let (status, _, body) = call(self.principal.post(app, &self.path("/opening-key")).json(&self.ceremony)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    /// The notice (deadline [`DEADLINE_MS`], evaluation by the lowest evaluated price, and the fields
    /// of `extra` over those) and every bidder registered for lot 1.
    pub(crate) async fn announce(&self, app: &TestApp, extra: Value) {
        self.post_notice(app, extra).await;
        for bidder in &self.bidders {
            let (status, _, body) = call(self.register(app, bidder)).await;
            assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        }
    }

    /// The notice of [`Self::announce`], without registering anyone.
    pub(crate) async fn post_notice(&self, app: &TestApp, extra: Value) {
        let mut notice =
            json!({"bid_deadline": rfc3339(DEADLINE_MS), "evaluation": {"method": "lowest_evaluated_price"}});
        if let (Some(notice), Some(extra)) = (notice.as_object_mut(), extra.as_object()) {
            notice.extend(extra.clone());
        }
        let (status, _, body) = call(self.principal.post(app, &self.path("/notice")).json(&notice)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    /// A sealed bid of `bidder` for lot 1 with a declared price; returns the file and its digest.
    pub(crate) fn seal(&self, bidder: &Bidder, price_fen: i64, size: usize) -> (Vec<u8>, String) {
        self.seal_declared(bidder, &json!({"price_fen": price_fen}), size)
    }

    /// A sealed bid of `bidder` for lot 1 declaring `declared` (price and fields read out at opening).
    pub(crate) fn seal_declared(&self, bidder: &Bidder, declared: &Value, size: usize) -> (Vec<u8>, String) {
        self.seal_files(
            bidder,
            declared,
            vec![BidFile { name: "投标函.pdf".to_owned(), bytes: own_file(bidder, size) }],
        )
    }

    /// A sealed bid of `bidder` for lot 1 with `files`.
    pub(crate) fn seal_files(&self, bidder: &Bidder, declared: &Value, files: Vec<BidFile>) -> (Vec<u8>, String) {
        let payload = Payload { declared_json: declared.to_string(), files };
        let request = SealRequest {
            tender_id: &self.tender_id,
            lot_id: "1",
            bidder_credit_code: bidder.code,
            sealed_at_ms: T0_MS,
            tool_version: "ggzy-test",
            machine_id_hash: [1; 32],
            mac_hash: [2; 32],
            bidder_cert: &bidder.cert,
            bidder_key: &bidder.key,
            opening_key: &self.opening_key,
            payload: &payload,
        };
        let bytes = envelope::seal(&request, &mut rand::rng()).expect("seal");
        let digest = hex::encode(envelope::Envelope::parse(&bytes).expect("parse").digest());
        (bytes, digest)
    }

    /// Submits a file in one request; returns status and body.
    pub(crate) async fn submit(
        &self,
        app: &TestApp,
        bidder: &Bidder,
        bytes: Vec<u8>,
        digest: &str,
    ) -> (StatusCode, Value) {
        let (status, _, body) = call(
            bidder
                .session
                .post(app, &format!("{}?bidder={}", self.path("/lots/1/bids"), bidder.code))
                .header("content-type", "application/octet-stream")
                .header("bid-digest", digest)
                .body(bytes),
        )
        .await;
        (status, body)
    }
}

/// UTC ms as RFC 3339.
pub(crate) fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms).expect("time").to_string()
}

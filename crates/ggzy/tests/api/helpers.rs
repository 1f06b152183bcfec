//! The test harness: the real server, built from the production `Config`, spawned in-process on
//! 127.0.0.1:0 against a fresh database with a fake clock; tests talk plain HTTP to it.

use std::net::SocketAddr;
use std::sync::Arc;

use ggzy::config::Config;
use ggzy::server;
use ggzy_app::clock::FakeClock;
use ggzy_app::identity::NewUser;
use ggzy_app::{Actor, App};
use ggzy_domain::RegionCode;
use ggzy_domain::role::{Role, RoleGrant};
use ggzy_store::testkit::TestDb;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::sync::oneshot;

/// 2026-11-24T08:00:00Z, the fake clock's start.
pub(crate) const T0_MS: i64 = 1_795_507_200_000;
/// Password of every user the harness creates.
pub(crate) const PASSWORD: &str = "correct horse battery";

/// A running server and a client with its own cookie jar.
pub(crate) struct TestApp {
    pub(crate) addr: SocketAddr,
    pub(crate) client: reqwest::Client,
    pub(crate) clock: FakeClock,
    pub(crate) app: App,
    db: TestDb,
    _data_dir: tempfile::TempDir,
    stop: oneshot::Sender<()>,
    served: tokio::task::JoinHandle<anyhow::Result<()>>,
}

pub(crate) fn region(code: &str) -> RegionCode {
    RegionCode::parse(code).expect("test region codes are valid")
}

/// One server per configured backend (SQLite always, PostgreSQL when `TEST_DATABASE_URL` is set).
pub(crate) async fn spawn_apps() -> Vec<TestApp> {
    spawn_apps_with(|_| {}).await
}

/// Like [`spawn_apps`], with the config adjusted first.
pub(crate) async fn spawn_apps_with(tweak: impl Fn(&mut Config)) -> Vec<TestApp> {
    let mut apps = Vec::new();
    for db in TestDb::all().await {
        apps.push(spawn_on(db, &tweak).await);
    }
    apps
}

async fn spawn_on(db: TestDb, tweak: &impl Fn(&mut Config)) -> TestApp {
    let data_dir = tempfile::tempdir().expect("data directory");
    let mut config = Config {
        data_dir: data_dir.path().to_owned(),
        database_url: Some(db.url().to_owned()),
        cookie_secure: false,
        public_rate_per_second: 10_000,
        public_rate_burst: 10_000,
        ..Config::default()
    };
    tweak(&mut config);
    let clock = FakeClock::at(T0_MS);
    let server = server::build(&config, Arc::new(clock.clone())).await.expect("build server");
    let app = server.app.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let (stop, stopped) = oneshot::channel::<()>();
    let served = tokio::spawn(server.serve(listener, async {
        stopped.await.ok();
    }));
    let client = reqwest::Client::builder().cookie_store(true).build().expect("client");
    let test_app = TestApp { addr, client, clock, app, db, _data_dir: data_dir, stop, served };
    let system = Actor::system(region("330000"));
    for code in ["330000", "330100", "110000"] {
        test_app.app.enable_platform_region(&system, &region(code)).await.expect("enable region");
    }
    test_app
}

impl TestApp {
    pub(crate) fn data_dir(&self) -> &std::path::Path {
        self._data_dir.path()
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A user created directly through the app (as the platform itself).
    pub(crate) async fn create_user(&self, username: &str, grants: &[(Role, &str)]) -> String {
        let system = Actor::system(region("330000"));
        let grants = grants.iter().map(|(role, code)| RoleGrant { role: *role, region: region(code) }).collect();
        let user = NewUser {
            username: username.to_owned(),
            display_name: format!("测试用户{username}"),
            password: PASSWORD.to_owned(),
            region: region("330100"),
            grants,
        };
        self.app.create_user(&system, user).await.expect("create user").user_id
    }

    /// A fresh client (own cookie jar) signed in as `username`; returns it and its CSRF token.
    pub(crate) async fn login(&self, username: &str) -> (reqwest::Client, String) {
        let client = reqwest::Client::builder().cookie_store(true).build().expect("client");
        let response = client
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({"username": username, "password": PASSWORD}))
            .send()
            .await
            .expect("login request");
        assert_eq!(response.status(), StatusCode::OK, "login of {username}");
        let body: Value = response.json().await.expect("login body");
        let csrf = body["csrf_token"].as_str().expect("csrf token").to_owned();
        (client, csrf)
    }

    /// Stops the server, closes the store and drops the database.
    pub(crate) async fn finish(self) {
        let _ = self.stop.send(());
        self.served.await.expect("server task").expect("server stopped cleanly");
        self.db.drop_db().await;
    }
}

/// Sends a request and returns status, headers and JSON body (Null when empty or not JSON).
pub(crate) async fn call(request: reqwest::RequestBuilder) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let response = request.send().await.expect("request");
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body");
    (status, headers, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// A valid resident ID number of its own for each credit code (so that no two test entities share
/// a legal representative, which 条例34 would make related bidders): Xihu's address code, a birth
/// date and sequence number from the code's FNV-1a hash, and the GB 11643 check character.
pub(crate) fn legal_rep_id(credit_code: &str) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let hash =
        credit_code.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    let (year, month, day, sequence) =
        (1950 + hash % 50, 1 + (hash >> 8) % 12, 1 + (hash >> 16) % 28, (hash >> 24) % 1000);
    let body = format!("330106{year}{month:02}{day:02}{sequence:03}");
    let sum: u32 = body.chars().zip(WEIGHTS).map(|(c, w)| c.to_digit(10).expect("digit") * w).sum();
    format!("{body}{}", CHECK[(sum % 11) as usize])
}

/// A valid registration body for a credit code; its legal representative is its own (see
/// [`legal_rep_id`]), the contact phone is shared by all (the supervision tests rely on that).
pub(crate) fn entity_body(credit_code: &str, name: &str) -> Value {
    json!({
        "credit_code": credit_code,
        "name": name,
        "region_code": "330106",
        "legal_rep_name": "张三",
        "legal_rep_id_number": legal_rep_id(credit_code),
        "contact_name": "李四",
        "contact_phone": "0571-87654321",
        "address": "浙江省杭州市西湖区文三路1号",
    })
}

/// Reads SSE events (id, name, data) from a response until `want` non-clock events arrived.
pub(crate) async fn read_events(response: &mut reqwest::Response, want: usize) -> Vec<(Option<i64>, String, Value)> {
    let mut buffer = String::new();
    let mut events = Vec::new();
    while events.len() < want {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(10), response.chunk())
            .await
            .expect("an event within 10 s")
            .expect("stream")
            .expect("not ended");
        buffer.push_str(std::str::from_utf8(&chunk).expect("utf-8"));
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let (mut id, mut name, mut data) = (None, String::new(), Value::Null);
            for line in block.lines() {
                if let Some(value) = line.strip_prefix("id:") {
                    id = value.trim().parse().ok();
                } else if let Some(value) = line.strip_prefix("event:") {
                    name = value.trim().to_owned();
                } else if let Some(value) = line.strip_prefix("data:") {
                    data = serde_json::from_str(value.trim()).unwrap_or(Value::Null);
                }
            }
            if !name.is_empty() && name != "clock" {
                events.push((id, name, data));
            }
        }
    }
    events
}

/// A browser: its own cookie jar, following redirects like one.
pub(crate) fn browser() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).build().expect("client")
}

/// Signs in through the form; returns the page it landed on (URL path, status, HTML).
pub(crate) async fn sign_in(
    app: &TestApp,
    client: &reqwest::Client,
    username: &str,
    password: &str,
) -> (String, StatusCode, String) {
    let response = client
        .post(app.url("/login"))
        .form(&[("username", username), ("password", password), ("next", "/workbench")])
        .send()
        .await
        .expect("login form");
    let path = response.url().path().to_owned();
    let status = response.status();
    (path, status, response.text().await.expect("page"))
}

/// The value of the first hidden `csrf_token` field of a page.
pub(crate) fn csrf(html: &str) -> String {
    let start = html.find("name=\"csrf_token\" value=\"").expect("csrf field") + "name=\"csrf_token\" value=\"".len();
    html[start..].split('"').next().expect("csrf value").to_owned()
}

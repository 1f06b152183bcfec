//! The real binary end to end: migrate, `admin create-user` (password on stdin), `serve` with JSON
//! logs on a free port, sign-in over HTTP, graceful shutdown on SIGTERM, then `verify`.

use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Command, Stdio};

fn ggzy(data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ggzy"));
    command.arg("--config").arg(data_dir.join("empty.toml"));
    // Neither a ./ggzy.toml nor the GGZY_* environment of the developer or CI may leak into the run.
    for (key, _) in std::env::vars() {
        if key.starts_with("GGZY_") {
            command.env_remove(key);
        }
    }
    command
}

/// Starts `ggzy serve` with JSON logs on a free port; returns the process and the address it logs.
fn start_server(dir: &std::path::Path, data: &std::path::Path) -> (std::process::Child, String) {
    start(dir, data, "serve")
}

/// Serves a demo data directory with `ggzy demo` (on the demo's own clock, see `demo_clock`).
fn start_demo(dir: &std::path::Path, data: &std::path::Path) -> (std::process::Child, String) {
    start(dir, data, "demo")
}

fn start(dir: &std::path::Path, data: &std::path::Path, command: &str) -> (std::process::Child, String) {
    let mut server = ggzy(dir)
        .arg(command)
        .args(["--data-dir", data.to_str().expect("utf-8 path")])
        .args(["--listen", "127.0.0.1:0", "--log-format", "json"])
        .stdout(Stdio::null()) // `demo` prints its summary there
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the server");
    let mut logs = BufReader::new(server.stderr.take().expect("stderr"));
    let mut line = String::new();
    // Bounded: the server logs a handful of lines before it serves.
    for _ in 0..50 {
        line.clear();
        if logs.read_line(&mut line).expect("read log") == 0 {
            break;
        }
        let record: serde_json::Value = serde_json::from_str(&line).expect("every log line is JSON");
        if record["message"] == "serving" {
            let address = record["address"].as_str().expect("address").to_owned();
            // Keep draining the log so the server never blocks on a full pipe.
            std::thread::spawn(move || std::io::copy(&mut logs, &mut std::io::sink()));
            return (server, address);
        }
    }
    let _ = server.kill();
    let _ = server.wait();
    panic!("the server did not log the address it serves on");
}

#[test]
fn migrate_create_user_serve_sign_in_shut_down_and_verify() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let data = dir.path().join("data");
    std::fs::write(dir.path().join("empty.toml"), "").expect("empty config file");
    let flags = ["--data-dir", data.to_str().expect("utf-8 path")];

    let status = ggzy(dir.path()).arg("migrate").args(flags).status().expect("run migrate");
    assert!(status.success());

    let mut create = ggzy(dir.path())
        .args(["admin", "create-user"])
        .args(flags)
        .args(["--username", "root", "--display-name", "平台管理员", "--region", "330100"])
        .args(["--role", "admin", "--role", "regulator@330000", "--enable-region"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run admin create-user");
    create.stdin.take().expect("stdin").write_all(b"a-long-passphrase\n").expect("write password");
    let output = create.wait_with_output().expect("create-user finished");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stderr).contains("created user root"));

    let (mut server, address) = start_server(dir.path(), &data);

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let client = reqwest::Client::new();
        let health = client.get(format!("http://{address}/healthz")).send().await.expect("healthz");
        assert_eq!(health.status(), 200);
        let login = client
            .post(format!("http://{address}/api/v1/auth/login"))
            .json(&serde_json::json!({"username": "root", "password": "a-long-passphrase"}))
            .send()
            .await
            .expect("login");
        assert_eq!(login.status(), 200);
        let body: serde_json::Value = login.json().await.expect("json");
        let roles: Vec<&str> = body["user"]["roles"]
            .as_array()
            .expect("roles")
            .iter()
            .map(|r| r["role"].as_str().expect("role"))
            .collect();
        assert_eq!(roles, vec!["admin", "regulator"]);
    });

    let pid = server.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success());
    let status = server.wait().expect("server exits");
    assert!(status.success(), "SIGTERM is a graceful, successful shutdown: {status}");

    let db = data.join("platform.db");
    let verify = ggzy(dir.path()).arg("verify").arg(&db).output().expect("run verify");
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
    let report = String::from_utf8_lossy(&verify.stdout).into_owned();
    assert!(report.starts_with("chain intact: "), "{report}");
    assert!(
        report.contains("tree heads: 1 match the chain (signatures checked)"),
        "the server signed a head: {report}"
    );

    // Rewrite history and recompute every chain hash: the chain alone verifies again, the signed head does not.
    let copy = dir.path().join("rewritten.db");
    std::fs::copy(&db, &copy).expect("copy database");
    runtime.block_on(rewrite_history(&copy));
    let verify = ggzy(dir.path())
        .arg("verify")
        .arg(&copy)
        .args(["--platform-key", data.join("platform-key.pem").to_str().expect("utf-8")])
        .output()
        .expect("run verify");
    assert_eq!(verify.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&verify.stderr);
    assert!(stderr.contains("tree head of size") && stderr.contains("rewritten"), "{stderr}");

    // Dropping the newest event leaves a valid shorter chain; the head still covers it.
    let truncated = dir.path().join("truncated.db");
    std::fs::copy(&db, &truncated).expect("copy database");
    runtime.block_on(execute(&truncated, "DELETE FROM event WHERE position = (SELECT MAX(position) FROM event)"));
    let verify = ggzy(dir.path()).arg("verify").arg(&truncated).output().expect("run verify");
    assert_eq!(verify.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&verify.stderr).contains("events were removed"));

    // One changed bit in any column of the signed head is found (the platform key sits beside the file).
    let key = data.join("platform-key.pem");
    for column in ["tree_size", "timestamp_ms", "root_hash", "signature"] {
        let copy = dir.path().join(format!("head-{column}.db"));
        std::fs::copy(&db, &copy).expect("copy database");
        runtime.block_on(flip_head_column(&copy, column));
        let verify = ggzy(dir.path())
            .arg("verify")
            .arg(&copy)
            .args(["--platform-key", key.to_str().expect("utf-8")])
            .output()
            .expect("run verify");
        let stderr = String::from_utf8_lossy(&verify.stderr);
        assert_eq!(verify.status.code(), Some(1), "{column}: {stderr}");
        assert!(stderr.contains("tree head of size"), "{column}: {stderr}");
    }
}

/// Flips the lowest bit of one column of the (only) tree head.
async fn flip_head_column(path: &std::path::Path, column: &str) {
    use sqlx::{Connection as _, Row as _};
    let mut conn = sqlx::sqlite::SqliteConnection::connect(&format!("sqlite://{}?mode=rw", path.display()))
        .await
        .expect("open copy");
    let row = sqlx::query("SELECT tree_size, timestamp_ms, root_hash, signature FROM tree_head")
        .fetch_one(&mut conn)
        .await
        .expect("one head");
    let size: i64 = row.get(0);
    let (mut root, mut signature): (Vec<u8>, Vec<u8>) = (row.get(2), row.get(3));
    let (new_size, new_time) = match column {
        "tree_size" => (size ^ 1, row.get::<i64, _>(1)),
        "timestamp_ms" => (size, row.get::<i64, _>(1) ^ 1),
        "root_hash" => {
            root[31] ^= 1;
            (size, row.get(1))
        }
        _ => {
            let last = signature.len() - 1;
            signature[last] ^= 1;
            (size, row.get(1))
        }
    };
    sqlx::query(
        "UPDATE tree_head SET tree_size = ?, timestamp_ms = ?, root_hash = ?, signature = ? WHERE tree_size = ?",
    )
    .bind(new_size)
    .bind(new_time)
    .bind(root)
    .bind(signature)
    .bind(size)
    .execute(&mut conn)
    .await
    .expect("update head");
    conn.close().await.expect("close");
}

async fn execute(path: &std::path::Path, sql: &'static str) {
    use sqlx::Connection as _;
    let mut conn = sqlx::sqlite::SqliteConnection::connect(&format!("sqlite://{}?mode=rw", path.display()))
        .await
        .expect("open copy");
    sqlx::query(sql).execute(&mut conn).await.expect("statement");
    conn.close().await.expect("close");
}

/// Changes the first event's actor and re-chains every row after it with correct hashes, as an
/// operator with write access to the database could.
async fn rewrite_history(path: &std::path::Path) {
    use ggzy_crypto::chain::{EventFields, event_hash};
    use sqlx::{Connection as _, Row as _};
    let mut conn = sqlx::sqlite::SqliteConnection::connect(&format!("sqlite://{}?mode=rw", path.display()))
        .await
        .expect("open copy");
    let rows = sqlx::query(
        "SELECT position, stream_id, stream_version, event_type, region_code, actor, recorded_at_ms, payload \
         FROM event ORDER BY position",
    )
    .fetch_all(&mut conn)
    .await
    .expect("events");
    let mut prev_hash = ggzy_crypto::chain::GENESIS_HASH.to_vec();
    for row in rows {
        let position: i64 = row.get(0);
        let actor: String = if position == 1 { "forged".to_owned() } else { row.get(5) };
        let (stream_id, event_type, region_code, payload): (String, String, String, String) =
            (row.get(1), row.get(3), row.get(4), row.get(7));
        let hash = event_hash(&EventFields {
            position,
            stream_id: &stream_id,
            stream_version: row.get(2),
            event_type: &event_type,
            region_code: &region_code,
            actor: &actor,
            recorded_at_ms: row.get(6),
            payload: &payload,
            prev_hash: &prev_hash,
        })
        .to_vec();
        sqlx::query("UPDATE event SET actor = ?, prev_hash = ?, hash = ? WHERE position = ?")
            .bind(&actor)
            .bind(&prev_hash)
            .bind(&hash)
            .bind(position)
            .execute(&mut conn)
            .await
            .expect("rewrite row");
        prev_hash = hash;
    }
    conn.close().await.expect("close");
}

#[test]
fn the_demo_ca_issues_certificates_that_chain_to_it() {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(dir.path().join("empty.toml"), "").expect("empty config file");
    let ca = dir.path().join("ca");
    let ca_flag = ca.to_str().expect("utf-8 path");
    let status = ggzy(dir.path()).args(["ca", "init", "--dir", ca_flag]).status().expect("run ca init");
    assert!(status.success());
    let output = ggzy(dir.path())
        .args([
            "ca",
            "issue",
            "--dir",
            ca_flag,
            "--credit-code",
            "91330106MA27XY122Q",
            "--name",
            "杭州测试建设有限公司",
        ])
        .args(["--out", ca.join("bidder").to_str().expect("utf-8 path")])
        .output()
        .expect("run ca issue");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));

    let read = |name: &str| std::fs::read_to_string(ca.join(name)).expect("file written");
    let root = ggzy_crypto::cert::Certificate::from_pem(&read("ca.pem")).expect("CA certificate");
    let leaf = ggzy_crypto::cert::Certificate::from_pem(&read("bidder.pem")).expect("bidder certificate");
    assert!(leaf.subject().contains("91330106MA27XY122Q") && leaf.subject().contains("杭州测试建设有限公司"));
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
    let store = ggzy_crypto::cert::TrustStore::new(vec![root]);
    store.verify(&leaf, &[], i64::try_from(now).expect("time")).expect("the certificate chains to the demo CA");
    let key = ggzy_crypto::sm2::PrivateKey::from_pkcs8_pem(&read("bidder.key.pem")).expect("bidder key");
    assert_eq!(
        key.verifying_key().to_uncompressed_point(),
        leaf.public_key().expect("key").to_uncompressed_point(),
        "the key file belongs to the certificate"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(ca.join("bidder.key.pem")).expect("key file").permissions().mode();
        assert_eq!(mode & 0o077, 0, "private keys are readable by their owner only");
    }

    let refused = ggzy(dir.path())
        .args(["ca", "issue", "--dir", ca_flag, "--credit-code", "91330106MA27XY122R", "--name", "x"])
        .args(["--out", ca.join("other").to_str().expect("utf-8 path")])
        .output()
        .expect("run ca issue");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("统一社会信用代码"));

    // The bidder seals two files with that certificate for a tender's opening key, offline.
    let opening = ggzy::keys::generate();
    let opening_pub = dir.path().join("opening.pub.pem");
    std::fs::write(&opening_pub, opening.verifying_key().to_public_key_pem().expect("pem")).expect("write");
    std::fs::write(dir.path().join("商务标.txt"), "商务标内容").expect("write");
    std::fs::write(dir.path().join("技术标.txt"), "技术标内容").expect("write");
    let path = |p: &std::path::Path| p.to_str().expect("utf-8 path").to_owned();
    let seal = |declared: &str| {
        ggzy(dir.path())
            .args(["bid", "seal", "--tender", "GZ-2026-001", "--lot", "GZ-2026-001-01"])
            .args(["--cert", &path(&ca.join("bidder.pem")), "--key", &path(&ca.join("bidder.key.pem"))])
            .args(["--opening-key", &path(&opening_pub), "--declared", declared])
            .args(["--out", &path(&dir.path().join("bid.env"))])
            .args([path(&dir.path().join("商务标.txt")), path(&dir.path().join("技术标.txt"))])
            .output()
            .expect("run bid seal")
    };
    let bad = seal("price: 1");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("JSON"), "{}", String::from_utf8_lossy(&bad.stderr));
    let sealed = seal(r#"{"price_fen":123456789}"#);
    assert!(sealed.status.success(), "{}", String::from_utf8_lossy(&sealed.stderr));
    let digest = String::from_utf8_lossy(&sealed.stdout).trim().to_owned();

    let inspected =
        ggzy(dir.path()).args(["bid", "inspect", &path(&dir.path().join("bid.env"))]).output().expect("inspect");
    assert!(inspected.status.success(), "{}", String::from_utf8_lossy(&inspected.stderr));
    let report = String::from_utf8_lossy(&inspected.stdout).into_owned();
    assert!(report.contains("bidder 91330106MA27XY122Q") && report.contains(&digest), "{report}\n{digest}");

    let bytes = std::fs::read(dir.path().join("bid.env")).expect("envelope");
    let envelope = ggzy_crypto::envelope::Envelope::parse(&bytes).expect("parse");
    let data_key = envelope.unwrap_key(&key, ggzy_crypto::envelope::KeyHolder::Bidder).expect("bidder unwraps");
    assert_eq!(envelope.unwrap_key(&opening, ggzy_crypto::envelope::KeyHolder::Opening), Ok(data_key));
    let payload = envelope.open(&data_key).expect("open");
    assert_eq!(payload.declared_json, r#"{"price_fen":123456789}"#);
    let names: Vec<&str> = payload.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, vec!["商务标.txt", "技术标.txt"]);
    assert_eq!(payload.files[0].bytes, "商务标内容".as_bytes());
}

/// A valid credit code for a test number: 91330106 + an organisation code with its check + check.
fn credit_code(n: usize) -> String {
    let body = format!("{:08}", 10_000_000 + n);
    let org = "0123456789X"
        .chars()
        .map(|check| format!("{body}{check}"))
        .find(|candidate| ggzy_domain::OrgCode::parse(candidate).is_ok())
        .expect("one check character fits");
    let body17 = format!("91330106{org}");
    let check = ggzy_domain::CreditCode::check_char_for(&body17).expect("check character");
    format!("{body17}{check}")
}

#[test]
fn kill_9_mid_surge_loses_no_acknowledged_write_and_retries_never_duplicate() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let dir = tempfile::tempdir().expect("temporary directory");
    let data = dir.path().join("data");
    std::fs::write(dir.path().join("empty.toml"), "").expect("empty config file");
    let mut create = ggzy(dir.path())
        .args(["admin", "create-user", "--data-dir", data.to_str().expect("utf-8")])
        .args(["--username", "bidder", "--display-name", "投标人", "--region", "330100", "--role", "bidder"])
        .arg("--enable-region")
        .stdin(Stdio::piped())
        .spawn()
        .expect("create-user");
    create.stdin.take().expect("stdin").write_all(b"a-long-passphrase\n").expect("password");
    assert!(create.wait().expect("create-user").success());

    let (server, address) = start_server(dir.path(), &data);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let client = reqwest::Client::builder().cookie_store(true).build().expect("client");
    let csrf: String = runtime.block_on(async {
        let login = client
            .post(format!("http://{address}/api/v1/auth/login"))
            .json(&serde_json::json!({"username": "bidder", "password": "a-long-passphrase"}))
            .send()
            .await
            .expect("login");
        let body: serde_json::Value = login.json().await.expect("json");
        body["csrf_token"].as_str().expect("csrf").to_owned()
    });
    // 16 clients register entities until the server is killed after 40 acknowledgements.
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let enough = Arc::new(tokio::sync::Notify::new());
    let (acked, attempted) = runtime.block_on(async {
        let mut tasks = Vec::new();
        for worker in 0..16 {
            let (client, address, csrf) = (client.clone(), address.clone(), csrf.clone());
            let (acknowledged, enough) = (acknowledged.clone(), enough.clone());
            tasks.push(tokio::spawn(async move {
                let (mut acked, mut attempted) = (Vec::new(), Vec::new());
                for round in 0..50 {
                    let n = worker * 1000 + round;
                    attempted.push(n);
                    match register(&client, &address, &csrf, n).await {
                        Ok(response) if response.status() == 201 => {
                            acked.push(n);
                            if acknowledged.fetch_add(1, Ordering::SeqCst) + 1 == 40 {
                                enough.notify_one();
                            }
                        }
                        Ok(response) => panic!("unexpected status {} before the kill", response.status()),
                        Err(_) => break, // the server is gone
                    }
                }
                (acked, attempted)
            }));
        }
        enough.notified().await;
        let pid = server.id().to_string();
        assert!(Command::new("kill").args(["-KILL", &pid]).status().expect("kill").success());
        let (mut acked, mut attempted) = (Vec::new(), Vec::new());
        for task in tasks {
            let (a, t) = task.await.expect("client task");
            acked.extend(a);
            attempted.extend(t);
        }
        (acked, attempted)
    });
    assert!(acked.len() >= 40, "{} acknowledged before the kill", acked.len());

    // Restart on the same data: every acknowledged entity is there; retries with the same keys
    // replay or are refused, and never create a second entity.
    let (mut server, address) = start_server(dir.path(), &data);
    runtime.block_on(async {
        for &n in &acked {
            let response = client.get(format!("http://{address}/api/v1/entities/{}", credit_code(n))).send().await;
            assert_eq!(response.expect("get").status(), 200, "acknowledged entity {n} survived the kill");
            let retry = register(&client, &address, &csrf, n).await.expect("retry");
            assert_eq!(retry.status(), 201, "a retry of an acknowledged request replays it");
            assert_eq!(retry.headers()["idempotent-replayed"], "true");
        }
        for &n in attempted.iter().filter(|n| !acked.contains(n)) {
            let retry = register(&client, &address, &csrf, n).await.expect("retry");
            let status = retry.status().as_u16();
            let body: serde_json::Value = retry.json().await.expect("json");
            let allowed = status == 201
                || (status == 409
                    && ["already_exists", "idempotency_key_in_progress"]
                        .contains(&body["code"].as_str().unwrap_or("")));
            assert!(allowed, "retry of unacknowledged {n}: {status} {body}");
        }
    });
    let pid = server.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success());
    assert!(server.wait().expect("exit").success());
    let verify = ggzy(dir.path()).arg("verify").arg(data.join("platform.db")).output().expect("verify");
    assert!(verify.status.success(), "the chain survives kill -9: {}", String::from_utf8_lossy(&verify.stderr));
}

/// Registers test entity `n` with an idempotency key of its own.
async fn register(client: &reqwest::Client, address: &str, csrf: &str, n: usize) -> reqwest::Result<reqwest::Response> {
    client
        .post(format!("http://{address}/api/v1/entities"))
        .header("x-csrf-token", csrf)
        .header("idempotency-key", format!("register-{n}"))
        .json(&serde_json::json!({
            "credit_code": credit_code(n), "name": format!("压力测试公司{n}"), "region_code": "330106",
            "legal_rep_name": "张三", "legal_rep_id_number": "11010519491231002X",
            "contact_name": "李四", "contact_phone": "0571-87654321", "address": "杭州市西湖区",
        }))
        .send()
        .await
}

#[test]
fn rules_are_listed_shown_and_diffed_with_their_sources() {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(dir.path().join("empty.toml"), "").expect("empty config file");
    let run = |args: &[&str]| ggzy(dir.path()).args(args).output().expect("run ggzy rules");
    let list = run(&["rules", "list"]);
    assert!(list.status.success());
    assert!(String::from_utf8_lossy(&list.stdout).contains("construction@2019-03-02"));
    let show = run(&["rules", "show", "construction@2019-03-02"]);
    let text = String::from_utf8_lossy(&show.stdout).into_owned();
    assert!(text.contains("bid_preparation_days_min ≥ 20 d  [招标投标法 第二十四条]"), "{text}");
    assert!(text.contains("committee_experts_share_min ≥ 2/3"), "{text}");
    let same = run(&["rules", "diff", "construction@2019-03-02", "construction@2019-03-02"]);
    assert_eq!(String::from_utf8_lossy(&same.stdout).trim(), "无变化");
    let unknown = run(&["rules", "show", "construction@1999-01-01"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("可选：construction@2019-03-02"));
}

#[test]
fn a_price_commitment_is_made_offline_with_a_fresh_secret_salt() {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(dir.path().join("empty.toml"), "").expect("empty config file");
    let salt_path = dir.path().join("salt.hex");
    let run = || {
        let salt = salt_path.to_string_lossy().into_owned();
        ggzy(dir.path()).args(["bid", "commit", "--price-fen", "105000000000", "--salt-out", &salt]).output()
    };
    let out = run().expect("run ggzy bid commit");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let salt = hex::decode(std::fs::read_to_string(&salt_path).expect("salt file").trim()).expect("hex salt");
    let expected = ggzy_crypto::reference_price::reserve_commitment(105_000_000_000, &salt).expect("commitment");
    assert_eq!(printed, format!("commitment {}", hex::encode(expected)));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&salt_path).expect("metadata").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the salt is readable by its owner only");
    }
    // An existing salt is never overwritten (it may belong to a bid already handed in).
    assert!(!run().expect("second run").status.success());
}

/// A demo bidder signed in over HTTP, with its certificate and key from the demo's key directory.
struct DemoBidder {
    client: reqwest::Client,
    csrf: String,
    code: String,
    cert: ggzy_crypto::cert::Certificate,
    key: ggzy_crypto::sm2::PrivateKey,
}

async fn demo_bidder(address: &str, username: &str, keys: &std::path::Path) -> DemoBidder {
    let client = reqwest::Client::builder().cookie_store(true).build().expect("client");
    let login = client
        .post(format!("http://{address}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": username, "password": ggzy::demo::DEMO_PASSWORD}))
        .send()
        .await
        .expect("login");
    let body: serde_json::Value = login.json().await.expect("json");
    let code = body["user"]["entities"][0].as_str().expect("the demo bidder acts for an entity").to_owned();
    let pem = std::fs::read_to_string(keys.join(format!("{code}.pem"))).expect("demo certificate");
    DemoBidder {
        client,
        csrf: body["csrf_token"].as_str().expect("csrf").to_owned(),
        cert: ggzy_crypto::cert::Certificate::from_pem(&pem).expect("certificate"),
        key: ggzy::keys::read_private(&keys.join(format!("{code}.key.pem"))).expect("demo key"),
        code,
    }
}

/// Submits a sealed bid with an idempotency key of its own.
async fn submit_bid(
    bidder: &DemoBidder,
    address: &str,
    tender: &str,
    key: &str,
    envelope: &(Vec<u8>, String),
) -> reqwest::Result<reqwest::Response> {
    bidder
        .client
        .post(format!("http://{address}/api/v1/tenders/{tender}/lots/1/bids?bidder={}", bidder.code))
        .header("x-csrf-token", &bidder.csrf)
        .header("idempotency-key", key)
        .header("content-type", "application/octet-stream")
        .header("bid-digest", &envelope.1)
        .body(envelope.0.clone())
        .send()
        .await
}

#[test]
fn kill_9_mid_bid_surge_keeps_every_receipted_bid_and_retries_never_duplicate() {
    use ggzy_crypto::envelope::{BidFile, Envelope, Payload, SealRequest, seal};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let dir = tempfile::tempdir().expect("temporary directory");
    let data = dir.path().join("data");
    std::fs::write(dir.path().join("empty.toml"), "").expect("empty config file");
    let seeded = ggzy(dir.path()).args(["demo", "--seed-only", "--data-dir"]).arg(&data).output().expect("demo");
    assert!(seeded.status.success(), "{}", String::from_utf8_lossy(&seeded.stderr));
    let stdout = String::from_utf8_lossy(&seeded.stdout);
    let tender = stdout
        .lines()
        .find(|line| line.contains("投标中"))
        .and_then(|line| line.split_whitespace().nth(1))
        .expect("the demo has a tender taking bids")
        .to_owned();
    let keys = data.join("demo-ca/keys");
    let (server, address) = start_demo(dir.path(), &data);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let (bidders, sealed) = runtime.block_on(async {
        let mut bidders = Vec::new();
        for username in ["bidder1", "bidder2", "bidder3"] {
            bidders.push(demo_bidder(&address, username, &keys).await);
        }
        let registered = bidders[2]
            .client
            .post(format!("http://{address}/api/v1/tenders/{tender}/lots/1/registrations"))
            .header("x-csrf-token", &bidders[2].csrf)
            .json(&serde_json::json!({"bidder_credit_code": bidders[2].code}))
            .send()
            .await
            .expect("register");
        assert_eq!(registered.status(), 204);
        let view: serde_json::Value = reqwest::get(format!("http://{address}/api/v1/tenders/{tender}"))
            .await
            .expect("tender")
            .json()
            .await
            .expect("json");
        let opening =
            ggzy_crypto::sm2::PublicKey::from_public_key_pem(view["opening_public_key_pem"].as_str().expect("key"))
                .expect("opening key");
        // 30 sealed bids of 10 KB per bidder, each one a replacement of the bidder's previous one.
        let mut sealed = Vec::new();
        for bidder in &bidders {
            let mut own = Vec::new();
            for n in 0..30 {
                let payload = Payload {
                    declared_json: serde_json::json!({"price_fen": 40_000_000 + n}).to_string(),
                    files: vec![BidFile { name: "投标函.pdf".to_owned(), bytes: vec![b'%'; 10_000] }],
                };
                let request = SealRequest {
                    tender_id: &tender,
                    lot_id: "1",
                    bidder_credit_code: &bidder.code,
                    sealed_at_ms: 0,
                    tool_version: "kill-test",
                    machine_id_hash: [0; 32],
                    mac_hash: [0; 32],
                    bidder_cert: &bidder.cert,
                    bidder_key: &bidder.key,
                    opening_key: &opening,
                    payload: &payload,
                };
                let bytes = seal(&request, &mut rand::rng()).expect("seal");
                let digest = hex::encode(Envelope::parse(&bytes).expect("parse").digest());
                own.push((bytes, digest));
            }
            sealed.push(own);
        }
        (bidders, sealed)
    });
    let bidders = Arc::new(bidders);
    let sealed = Arc::new(sealed);
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let enough = Arc::new(tokio::sync::Notify::new());
    let (acked, attempted) = runtime.block_on(async {
        let mut tasks = Vec::new();
        for b in 0..3 {
            let (bidders, sealed, address, tender) = (bidders.clone(), sealed.clone(), address.clone(), tender.clone());
            let (acknowledged, enough) = (acknowledged.clone(), enough.clone());
            tasks.push(tokio::spawn(async move {
                let (mut acked, mut attempted) = (Vec::new(), Vec::new());
                for n in 0..30 {
                    attempted.push((b, n));
                    let key = format!("bid-{b}-{n}");
                    match submit_bid(&bidders[b], &address, &tender, &key, &sealed[b][n]).await {
                        Ok(response) if response.status() == 201 => {
                            let receipt: serde_json::Value = response.json().await.expect("receipt");
                            acked.push(((b, n), receipt));
                            if acknowledged.fetch_add(1, Ordering::SeqCst) + 1 == 24 {
                                enough.notify_one();
                            }
                        }
                        Ok(response) => panic!("unexpected status {} before the kill", response.status()),
                        Err(_) => break,
                    }
                }
                (acked, attempted)
            }));
        }
        enough.notified().await;
        assert!(Command::new("kill").args(["-KILL", &server.id().to_string()]).status().expect("kill").success());
        let (mut acked, mut attempted) = (Vec::new(), Vec::new());
        for task in tasks {
            let (a, t) = task.await.expect("client task");
            acked.extend(a);
            attempted.extend(t);
        }
        (acked, attempted)
    });
    assert!(acked.len() >= 24, "{} receipts before the kill", acked.len());

    // Restart: every receipted bid replays its receipt; the rest are accepted or still claimed.
    // The bidders keep their sessions (they survive a restart): idempotency keys are per credential.
    let (mut server, address) = start_demo(dir.path(), &data);
    runtime.block_on(async {
        let relogged = &bidders;
        for ((b, n), receipt) in &acked {
            let retry = submit_bid(&relogged[*b], &address, &tender, &format!("bid-{b}-{n}"), &sealed[*b][*n]).await;
            let retry = retry.expect("retry");
            assert_eq!(retry.status(), 201);
            assert_eq!(retry.headers()["idempotent-replayed"], "true");
            let again: serde_json::Value = retry.json().await.expect("json");
            assert_eq!(&again, receipt, "the same receipt, not a second bid");
        }
        for (b, n) in attempted.iter().filter(|attempt| !acked.iter().any(|(a, _)| a == *attempt)) {
            let retry = submit_bid(&relogged[*b], &address, &tender, &format!("bid-{b}-{n}"), &sealed[*b][*n]).await;
            let retry = retry.expect("retry");
            let status = retry.status().as_u16();
            let body: serde_json::Value = retry.json().await.expect("json");
            let allowed = status == 201 || (status == 409 && body["code"] == "idempotency_key_in_progress");
            assert!(allowed, "retry of unacknowledged bid {b}/{n}: {status} {body}");
        }
    });
    assert!(Command::new("kill").args(["-TERM", &server.id().to_string()]).status().expect("kill").success());
    assert!(server.wait().expect("exit").success());

    // Offline: the chain, every bid file, and every receipt the bidders hold.
    let mut verify = ggzy(dir.path());
    verify.arg("verify").arg(data.join("platform.db")).arg("--platform-key").arg(data.join("platform-key.pem"));
    for (i, (_, receipt)) in acked.iter().enumerate() {
        let path = dir.path().join(format!("receipt-{i}.json"));
        std::fs::write(&path, receipt.to_string()).expect("receipt file");
        verify.arg("--receipt").arg(path);
    }
    let output = verify.output().expect("verify");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}{}", String::from_utf8_lossy(&output.stderr));
    assert!(text.contains(&format!("receipts: {} verified", acked.len())), "{text}");
    // No bid was recorded twice: every BidSubmitted names a different sealed envelope.
    let export = dir.path().join("export.jsonl");
    let exported = ggzy(dir.path()).args(["export", "--data-dir"]).arg(&data).arg("--out").arg(&export).output();
    assert!(exported.expect("export").status.success());
    let digests: Vec<String> = std::fs::read_to_string(&export)
        .expect("export")
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).expect("line"))
        .filter(|line| line["event_type"] == "BidSubmitted")
        .map(|line| {
            let payload: serde_json::Value =
                serde_json::from_str(line["payload"].as_str().expect("payload")).expect("json");
            payload["envelope_digest_hex"].as_str().expect("digest").to_owned()
        })
        .collect();
    let unique: std::collections::HashSet<&String> = digests.iter().collect();
    assert_eq!(unique.len(), digests.len(), "a bid was recorded twice");
}

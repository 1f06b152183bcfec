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

    let mut server = ggzy(dir.path())
        .arg("serve")
        .args(flags)
        .args(["--listen", "127.0.0.1:0", "--log-format", "json"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("run serve");
    let mut logs = BufReader::new(server.stderr.take().expect("stderr"));
    let mut address = None;
    let mut line = String::new();
    // Bounded: the server logs a handful of lines before it serves.
    for _ in 0..50 {
        line.clear();
        if logs.read_line(&mut line).expect("read log") == 0 {
            break;
        }
        let record: serde_json::Value = serde_json::from_str(&line).expect("every log line is JSON");
        if record["message"] == "serving" {
            address = record["address"].as_str().map(str::to_owned);
            break;
        }
    }
    let address = address.expect("the server logs the address it serves on");

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

    let verify = ggzy(dir.path()).arg("verify").arg(data.join("platform.db")).output().expect("run verify");
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
    assert!(String::from_utf8_lossy(&verify.stdout).starts_with("chain intact: "));
}

//! Sign-in, sessions with CSRF, API tokens, throttling, and the authorization policy over HTTP.

use ggzy_domain::role::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{PASSWORD, call, spawn_apps};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_login_me_csrf_logout_and_expiry() {
    for app in spawn_apps().await {
        app.create_user("admin", &[(Role::Admin, "330100")]).await;
        let (status, _, body) = call(app.client.get(app.url("/api/v1/me"))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthenticated")));

        let (client, csrf) = app.login("admin").await;
        let (status, _, me) = call(client.get(app.url("/api/v1/me"))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(me["username"], "admin");
        assert_eq!(me["roles"][0]["role"], "admin");

        // A state-changing request authenticated by cookie must echo the CSRF token.
        let new_user = json!({"username": "clerk", "display_name": "办事员", "password": PASSWORD,
                              "region_code": "330100", "roles": [{"role": "center_staff", "region_code": "330100"}]});
        let (status, _, body) = call(client.post(app.url("/api/v1/users")).json(&new_user)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("csrf_mismatch")));
        let (status, _, body) =
            call(client.post(app.url("/api/v1/users")).header("x-csrf-token", "wrong").json(&new_user)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("csrf_mismatch")));
        let (status, _, created) =
            call(client.post(app.url("/api/v1/users")).header("x-csrf-token", &csrf).json(&new_user)).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        assert_eq!(created["roles"][0]["role"], "center_staff");

        // Sessions expire by the app clock (8 hours by default).
        app.clock.advance_ms(8 * 3600 * 1000 + 1);
        assert_eq!(call(client.get(app.url("/api/v1/me"))).await.0, StatusCode::UNAUTHORIZED);

        let (client, csrf) = app.login("clerk").await;
        assert_eq!(call(client.get(app.url("/api/v1/me"))).await.0, StatusCode::OK);
        assert_eq!(
            call(client.post(app.url("/api/v1/auth/logout")).header("x-csrf-token", &csrf)).await.0,
            StatusCode::NO_CONTENT
        );
        assert_eq!(call(client.get(app.url("/api/v1/me"))).await.0, StatusCode::UNAUTHORIZED);
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_failed_logins_lock_the_username_until_the_window_passes() {
    for app in spawn_apps().await {
        app.create_user("bidder", &[(Role::Bidder, "330100")]).await;
        let attempt = |password: &str| {
            app.client.post(app.url("/api/v1/auth/login")).json(&json!({"username": "bidder", "password": password}))
        };
        for _ in 0..5 {
            let (status, _, body) = call(attempt("wrong password")).await;
            assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("login_failed")));
        }
        let (status, headers, body) = call(attempt(PASSWORD)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("login_throttled")));
        assert!(headers.contains_key("retry-after"));
        assert!(body["message"].as_str().expect("message").contains("分钟后再试"));
        // An unknown username fails the same way as a wrong password (no account probing).
        let (status, _, body) =
            call(app.client.post(app.url("/api/v1/auth/login")).json(&json!({"username": "nobody", "password": "x"})))
                .await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("login_failed")));

        app.clock.advance_ms(15 * 60 * 1000 + 1);
        assert_eq!(call(attempt(PASSWORD)).await.0, StatusCode::OK);
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_tokens_authenticate_machine_clients_without_csrf_until_revoked() {
    for app in spawn_apps().await {
        app.create_user("regulator", &[(Role::Regulator, "330100")]).await;
        let (client, csrf) = app.login("regulator").await;
        let (status, _, token) = call(
            client
                .post(app.url("/api/v1/api-tokens"))
                .header("x-csrf-token", &csrf)
                .json(&json!({"name": "监管数据对接", "days": 30})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{token}");
        let secret = token["token"].as_str().expect("secret").to_owned();
        let token_id = token["token_id"].as_str().expect("id").to_owned();

        let machine = reqwest::Client::new();
        let (status, _, me) = call(machine.get(app.url("/api/v1/me")).bearer_auth(&secret)).await;
        assert_eq!((status, me["username"].as_str()), (StatusCode::OK, Some("regulator")));
        let (status, _, body) = call(machine.get(app.url("/api/v1/me")).bearer_auth("ggzy_wrong")).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthenticated")));

        let (status, _, body) = call(
            client
                .post(app.url("/api/v1/api-tokens"))
                .header("x-csrf-token", &csrf)
                .json(&json!({"name": "", "days": 999})),
        )
        .await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_input")));
        assert_eq!(body["details"].as_array().expect("details").len(), 2);

        let revoke = machine.delete(app.url(&format!("/api/v1/api-tokens/{token_id}"))).bearer_auth(&secret);
        assert_eq!(call(revoke).await.0, StatusCode::NO_CONTENT);
        assert_eq!(call(machine.get(app.url("/api/v1/me")).bearer_auth(&secret)).await.0, StatusCode::UNAUTHORIZED);
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_policy_scopes_every_role_to_its_regions() {
    for app in spawn_apps().await {
        app.create_user("admin-hz", &[(Role::Admin, "330100")]).await;
        app.create_user("regulator-hz", &[(Role::Regulator, "330100")]).await;
        app.create_user("regulator-bj", &[(Role::Regulator, "110000")]).await;
        app.create_user("bidder", &[(Role::Bidder, "330100")]).await;

        let (admin, csrf) = app.login("admin-hz").await;
        let user_in = |code: &str, name: &str| {
            json!({"username": name, "display_name": "新用户", "password": PASSWORD, "region_code": code,
                   "roles": [{"role": "expert", "region_code": code}]})
        };
        let (status, _, body) = call(
            admin.post(app.url("/api/v1/users")).header("x-csrf-token", &csrf).json(&user_in("110105", "bj-user")),
        )
        .await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "{body}");
        let (status, _, _) = call(
            admin.post(app.url("/api/v1/users")).header("x-csrf-token", &csrf).json(&user_in("330106", "xh-user")),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "a city admin manages its districts");

        // Events of Hangzhou are visible to Hangzhou's regulator, not Beijing's; bidders see none.
        let (hz, _) = app.login("regulator-hz").await;
        let (status, _, feed) = call(hz.get(app.url("/api/v1/events?after=0&limit=1000"))).await;
        assert_eq!(status, StatusCode::OK);
        let events = feed["events"].as_array().expect("events");
        assert!(!events.is_empty());
        assert!(events.iter().all(|e| e["region_code"].as_str().expect("region").starts_with("3301")));
        assert!(feed["watermark"].as_i64().expect("watermark") >= events.len() as i64);

        let (bj, _) = app.login("regulator-bj").await;
        let (status, _, feed) = call(bj.get(app.url("/api/v1/events"))).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            feed["events"]
                .as_array()
                .expect("events")
                .iter()
                .all(|e| e["region_code"].as_str().expect("r").starts_with("11"))
        );

        let (bidder, _) = app.login("bidder").await;
        let (status, _, body) = call(bidder.get(app.url("/api/v1/events"))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")));
        let (status, _, body) = call(bidder.get(app.url("/api/v1/users"))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")));
        app.finish().await;
    }
}

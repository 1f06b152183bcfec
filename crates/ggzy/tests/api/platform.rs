//! Cross-cutting behaviour: health, metrics, OpenAPI, errors, headers, rate limits, idempotency.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{call, entity_body, spawn_apps, spawn_apps_with};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_readiness_metrics_and_openapi() {
    for app in spawn_apps().await {
        let (status, headers, _) = call(app.client.get(app.url("/healthz"))).await;
        assert_eq!(status, StatusCode::OK);
        assert!(headers.contains_key("x-request-id"), "every response carries a request id");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["x-frame-options"], "DENY");
        assert!(headers["content-security-policy"].to_str().expect("ascii").contains("frame-ancestors 'none'"));
        assert_eq!(call(app.client.get(app.url("/readyz"))).await.0, StatusCode::OK);

        let (status, _, openapi) = call(app.client.get(app.url("/api/v1/openapi.json"))).await;
        assert_eq!(status, StatusCode::OK);
        assert!(openapi["openapi"].as_str().expect("version").starts_with("3.1"));
        for path in ["/api/v1/entities", "/api/v1/auth/login", "/api/v1/events", "/api/v1/users", "/api/v1/me"] {
            assert!(openapi["paths"].get(path).is_some(), "{path} documented");
        }
        let swagger = app.client.get(app.url("/api/v1/docs/")).send().await.expect("swagger");
        assert_eq!(swagger.status(), StatusCode::OK);
        assert!(swagger.text().await.expect("html").contains("swagger"), "vendored Swagger UI served");

        let metrics = app.client.get(app.url("/metrics")).send().await.expect("metrics").text().await.expect("text");
        assert!(metrics.contains("ggzy_http_requests_total"), "{metrics}");
        assert!(metrics.contains("route=\"/readyz\""));

        let (status, _, table) = call(app.client.get(app.url("/api/v1/errors"))).await;
        assert_eq!(status, StatusCode::OK);
        assert!(table.as_array().expect("array").iter().any(|row| row["code"] == "version_conflict"));
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_routes_answer_json_for_the_api_and_a_chinese_page_for_browsers() {
    for app in spawn_apps().await {
        let (status, _, body) = call(app.client.get(app.url("/api/v1/nope"))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("route_not_found")));
        assert!(body["message"].as_str().expect("message").contains("/api/v1/nope"));

        let page = app.client.get(app.url("/no/such/page")).header("accept", "text/html").send().await.expect("page");
        assert_eq!(page.status(), StatusCode::NOT_FOUND);
        let html = page.text().await.expect("html");
        assert!(html.contains("页面不存在") && html.contains("/no/such/page"), "{html}");

        let (status, _, body) = call(app.client.delete(app.url("/api/v1/entities"))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::METHOD_NOT_ALLOWED, Some("method_not_allowed")));

        let home = app.client.get(app.url("/")).send().await.expect("home");
        assert_eq!(home.status(), StatusCode::OK);
        assert!(home.text().await.expect("html").contains("浙江省杭州市"), "home lists platform regions");
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json_and_wrong_content_type() {
    for app in spawn_apps().await {
        let (status, _, body) = call(
            app.client
                .post(app.url("/api/v1/auth/login"))
                .header("content-type", "application/json")
                .body("{\"username\": "),
        )
        .await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_json")));
        assert!(body["message"].as_str().expect("message").contains("JSON"));

        let (status, _, body) =
            call(app.client.post(app.url("/api/v1/auth/login")).json(&json!({"username": "x"}))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_body")));

        let (status, _, body) = call(app.client.post(app.url("/api/v1/auth/login")).body("username=x")).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, Some("unsupported_media_type"))
        );

        let (status, _, body) = call(app.client.get(app.url("/api/v1/entities?limit=many"))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_query")));
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_endpoints_are_rate_limited_per_client() {
    for app in spawn_apps_with(|config| {
        config.public_rate_per_second = 1;
        config.public_rate_burst = 3;
    })
    .await
    {
        let mut statuses = Vec::new();
        for _ in 0..12 {
            let (status, headers, body) = call(app.client.get(app.url("/api/v1/platform-regions"))).await;
            if status == StatusCode::TOO_MANY_REQUESTS {
                assert_eq!(body["code"], "rate_limited");
                assert!(headers.contains_key("retry-after"));
            }
            statuses.push(status);
        }
        assert!(statuses[..3].iter().all(|s| *s == StatusCode::OK), "the burst passes: {statuses:?}");
        assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
        // Health checks are not rate-limited.
        assert_eq!(call(app.client.get(app.url("/healthz"))).await.0, StatusCode::OK);
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotency_key_replays_the_first_response_and_refuses_a_different_body() {
    for app in spawn_apps().await {
        app.create_user("bidder", &[(ggzy_domain::role::Role::Bidder, "330100")]).await;
        let (client, csrf) = app.login("bidder").await;
        let post = |body: Value, key: &str| {
            client
                .post(app.url("/api/v1/entities"))
                .header("x-csrf-token", &csrf)
                .header("idempotency-key", key)
                .json(&body)
        };
        let body = entity_body("91330106MA27XY122Q", "杭州幂等建设有限公司");
        let (first_status, first_headers, first) = call(post(body.clone(), "key-1")).await;
        assert_eq!(first_status, StatusCode::CREATED);
        assert!(!first_headers.contains_key("idempotent-replayed"));
        let watermark = app.app.store().watermark().await.expect("watermark");

        let (status, headers, replay) = call(post(body.clone(), "key-1")).await;
        assert_eq!(status, StatusCode::CREATED, "the retry gets the first response, not already_exists");
        assert_eq!(headers["idempotent-replayed"], "true");
        assert_eq!(replay, first);
        assert_eq!(app.app.store().watermark().await.expect("watermark"), watermark, "nothing appended twice");

        let other = entity_body("91330106MA2H00014Q", "另一家公司");
        let (status, _, error) = call(post(other, "key-1")).await;
        assert_eq!(
            (status, error["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("idempotency_key_reused"))
        );

        let (status, _, error) = call(post(body, "bad key with spaces")).await;
        assert_eq!((status, error["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_idempotency_key")));
        app.finish().await;
    }
}

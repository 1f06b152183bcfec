//! The role workbenches as a browser uses them, over HTTP: sign-in by form, the bidder's
//! registration and sealed-bid upload with its receipt, and the API's Chinese errors beside the
//! field when a form is refused (nothing already accepted changes).

use ggzy_crypto::sm2::PublicKey;
use ggzy_domain::role::Role;
use ggzy_web::api::bids::ReceiptDto;
use reqwest::StatusCode;
use reqwest::redirect::Policy;

use crate::helpers::{TestApp, browser, call, csrf, sign_in, spawn_apps_with};
use crate::tender_fixture::{self, Ca, trust};

/// A `multipart/form-data` body of text fields and one file (what a browser's upload form sends).
fn multipart(fields: &[(&str, &str)], file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----ggzyTestBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"envelope\"; filename=\"my.bid\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Posts the bidder's upload form; returns the status and the page.
async fn upload(app: &TestApp, client: &reqwest::Client, fields: &[(&str, &str)], file: &[u8]) -> (StatusCode, String) {
    let (content_type, body) = multipart(fields, file);
    let response = client
        .post(app.url("/workbench/bidder/bids"))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("upload");
    (response.status(), response.text().await.expect("page"))
}

/// Reverses askama's HTML escaping of the receipt's JSON.
fn unescape(text: &str) -> String {
    text.replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[tokio::test]
async fn a_bidder_signs_in_registers_uploads_a_sealed_bid_and_gets_the_receipt() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let fixture = tender_fixture::tender(&app, &ca, true).await;
        let bidder = &fixture.bidders[0];
        let tender_id = fixture.tender_id.clone();

        // Not signed in: sent to the sign-in page, which would bring the visitor back.
        let plain = reqwest::Client::builder().redirect(Policy::none()).build().expect("client");
        let response = plain.get(app.url("/workbench/bidder")).send().await.expect("page");
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let location = response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default();
        assert_eq!(location, "/login?next=/workbench/bidder");

        // A wrong password: the form again, the API's message beside the password field.
        let client = browser();
        let (path, status, html) = sign_in(&app, &client, &bidder.session.username, "not-the-password").await;
        assert_eq!((path.as_str(), status), ("/login", StatusCode::UNPROCESSABLE_ENTITY));
        assert!(html.contains("id=\"password-error\"") && html.contains("用户名或密码错误"), "{html}");

        // Signed in: the only workbench of a bidder opens directly.
        let (path, status, html) = sign_in(&app, &client, &bidder.session.username, crate::helpers::PASSWORD).await;
        assert_eq!((path.as_str(), status), ("/workbench/bidder", StatusCode::OK), "{html}");
        assert!(html.contains("投标人工作台") && html.contains("浙江测试建设第0工程有限公司"), "{html}");
        assert!(html.contains("标段 1 土建工程") && html.contains("未递交"), "registered for lot 1: {html}");
        let token = csrf(&html);

        // Registration for lot 2 by form; a form without the session's token is refused.
        let register = [("tender_id", tender_id.as_str()), ("lot_id", "2"), ("bidder_credit_code", bidder.code)];
        let response =
            client.post(app.url("/workbench/bidder/registrations")).form(&register).send().await.expect("post");
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "a form without its csrf_token");
        let mut with_token = register.to_vec();
        with_token.push(("csrf_token", "forged"));
        let response =
            client.post(app.url("/workbench/bidder/registrations")).form(&with_token).send().await.expect("post");
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        with_token.pop();
        with_token.push(("csrf_token", token.as_str()));
        let response =
            client.post(app.url("/workbench/bidder/registrations")).form(&with_token).send().await.expect("post");
        assert_eq!(response.url().path(), "/workbench/bidder");
        let html = response.text().await.expect("page");
        assert!(html.contains("报名成功") && html.contains("标段 2 机电安装"), "{html}");
        // The same again: the API's refusal beside the entity field, and nothing else changed.
        let response =
            client.post(app.url("/workbench/bidder/registrations")).form(&with_token).send().await.expect("post");
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

        // The documents of a tender it registered for, with the opening key to seal to; none of
        // a tender it did not register for.
        let response =
            client.get(app.url(&format!("/workbench/bidder/documents/{tender_id}"))).send().await.expect("get");
        assert_eq!(response.status(), StatusCode::OK);
        let documents: serde_json::Value = response.json().await.expect("documents json");
        assert_eq!(documents["tender"]["tender_id"], tender_id.as_str());
        assert!(documents["tender"]["opening_public_key_pem"].as_str().is_some_and(|pem| pem.contains("PUBLIC KEY")));
        assert_eq!(documents["evaluation"]["method"], "lowest_evaluated_price");
        assert!(documents["steps"].as_array().is_some_and(|steps| !steps.is_empty()), "{documents}");
        let response = client.get(app.url("/workbench/bidder/documents/ZB-NOT-REGISTERED")).send().await.expect("get");
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.expect("page").contains("尚未报名"));

        // A sealed bid from `ggzy bid seal` (the fixture seals the same envelope), uploaded by form.
        let (envelope, digest) = fixture.seal(bidder, 1_650_000_000, 2_000);
        let fields = [
            ("csrf_token", token.as_str()),
            ("tender_id", tender_id.as_str()),
            ("lot_id", "1"),
            ("bidder_credit_code", bidder.code),
            ("envelope_digest", digest.as_str()),
        ];
        let (status, html) = upload(&app, &client, &fields, &envelope).await;
        assert_eq!(status, StatusCode::CREATED);
        assert!(html.contains("投标文件已递交：回执") && html.contains("已递交"), "{html}");
        let json = html.split("<pre id=\"receipt-json\">").nth(1).and_then(|rest| rest.split("</pre>").next());
        let receipt: ReceiptDto = serde_json::from_str(&unescape(json.expect("receipt block"))).expect("receipt json");
        assert_eq!((receipt.kind.as_str(), receipt.envelope_digest.as_str()), ("submitted", digest.as_str()));
        let (_, _, key) = call(app.client.get(app.url("/api/v1/log/key"))).await;
        let key = PublicKey::from_public_key_pem(key["public_key_pem"].as_str().expect("pem")).expect("platform key");
        let (signed, signature) = receipt.to_fields().expect("fields");
        signed.verify(&key, &signature).expect("the page's receipt is signed by the platform");

        // A bad upload (not an envelope): the Chinese reason beside the file field; the bid stays.
        let (status, html) = upload(&app, &client, &fields, b"this is a PDF, not a sealed envelope").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let error = html.split("class=\"field-error\" role=\"alert\">").nth(1).and_then(|rest| rest.split('<').next());
        let error = error.expect("an error beside a field");
        assert!(error.contains("投标文件") || error.contains("信封"), "{error}");
        assert!(html.contains(&digest) && html.contains("已递交"), "the accepted bid is unchanged: {html}");
        // A digest that is not SM3 hex: the message beside the digest field.
        let mut bad_digest = fields.to_vec();
        bad_digest[4] = ("envelope_digest", "abc");
        let (status, html) = upload(&app, &client, &bad_digest, &envelope).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("aria-invalid=\"true\"") && html.contains("envelope_digest"), "{html}");

        // Another role is told which workbench this is.
        app.create_user("expert-wb", &[(Role::Expert, "330100")]).await;
        let expert = browser();
        let (path, _, _) = sign_in(&app, &expert, "expert-wb", crate::helpers::PASSWORD).await;
        assert_eq!(path, "/workbench/expert");
        let response = expert.get(app.url("/workbench/bidder")).send().await.expect("page");
        assert_eq!(response.status(), StatusCode::FORBIDDEN);

        // Signing out ends the session: the workbench asks for a sign-in again.
        let response =
            client.post(app.url("/logout")).form(&[("csrf_token", token.as_str())]).send().await.expect("logout");
        assert_eq!(response.url().path(), "/");
        let response = client.get(app.url("/workbench/bidder")).send().await.expect("page");
        assert_eq!(response.url().path(), "/login");
        app.finish().await;
    }
}

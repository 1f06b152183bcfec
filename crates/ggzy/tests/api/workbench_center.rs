//! The trading centre's workbench as a browser uses it, over HTTP: a tender becomes an opening
//! session when its deadline is near; before the deadline the page gives no count of the sealed
//! bids and no bidder; once the opening runs it shows the count, the escrow progress and, to an
//! official holding a share, the `ggzy escrow give` command (no private key in a page). Another
//! region's centre sees nothing of it; a regulator gets 403.

use ggzy_domain::role::Role;
use reqwest::StatusCode;

use crate::helpers::{PASSWORD, TestApp, browser, call, sign_in, spawn_apps_with};
use crate::tender_fixture::{self, BIDDERS, Ca, DEADLINE_MS, trust};

const TITLE: &str = "杭州市文三路综合管廊工程施工";
const DAY_MS: i64 = 86_400_000;

/// The centre workbench of a fresh form sign-in (sessions end when the clock jumps days).
async fn center_page(app: &TestApp, username: &str) -> String {
    let (path, status, html) = sign_in(app, &browser(), username, PASSWORD).await;
    assert_eq!((path.as_str(), status), ("/workbench/center", StatusCode::OK), "{html}");
    html
}

#[tokio::test]
async fn centre_staff_see_their_regions_opening_sessions_without_bidders_before_the_deadline() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = Ca::new(7, "测试CA");
    for app in spawn_apps_with(trust(&ca, dir.path())).await {
        let mut fixture = tender_fixture::tender(&app, &ca, true).await;
        for (i, bidder) in fixture.bidders.iter().enumerate() {
            let (bytes, digest) = fixture.seal(bidder, 1_000_000_000 + 50_000_000 * i as i64, 2_000);
            let (status, body) = fixture.submit(&app, bidder, bytes, &digest).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        // `official0` is centre staff of 330100 holding an escrow share of the opening key.
        let staff = fixture.officials[0].0.username.clone();

        // 25 days before the deadline: not a session yet.
        let html = center_page(&app, &staff).await;
        assert!(html.contains("交易中心工作台") && html.contains("近期没有开标场次"), "{html}");
        assert!(!html.contains(TITLE), "{html}");

        // Two days before: a session, with no count of the bids and no bidder.
        app.clock.set_ms(DEADLINE_MS - 2 * DAY_MS);
        let html = center_page(&app, &staff).await;
        assert!(html.contains(TITLE) && html.contains("待开标（投标截止前）"), "{html}");
        assert!(html.contains("截止前不公开") && !html.contains("4 份"), "{html}");
        assert!(!html.contains("浙江测试建设") && !BIDDERS.iter().any(|code| html.contains(code)), "{html}");
        assert!(html.contains(&format!("/notices/{}#opening-heading", fixture.tender_id)), "{html}");
        assert!(html.contains("您持有第") && !html.contains("ggzy escrow give"), "{html}");

        // The deadline passed, the opening not started yet, then running: the count and the command.
        app.clock.set_ms(DEADLINE_MS);
        fixture.relogin(&app).await;
        let html = center_page(&app, &staff).await;
        assert!(html.contains("已截止，待招标人或代理机构开始开标") && html.contains("4 份"), "{html}");
        let (status, _, body) = call(fixture.principal.post(&app, &fixture.path("/opening"))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let html = center_page(&app, &staff).await;
        assert!(html.contains("开标中") && html.contains("4 份") && html.contains("已提交 0 片"), "{html}");
        let command =
            format!("ggzy escrow give --server 平台地址 --token 本人API令牌 --key 本人私钥.pem {}", fixture.tender_id);
        assert!(html.contains(&command), "{html}");
        assert!(!html.contains("private_key") && !html.contains("type=\"file\""), "no key is asked for: {html}");
        crate::award::escrow_shares_given(&app, &fixture).await;
        let html = center_page(&app, &staff).await;
        assert!(
            html.contains("已达门限") && html.contains("已解密</dt><dd>4 份") && html.contains("已提交。"),
            "{html}"
        );
        assert!(!html.contains("ggzy escrow give"), "the share was handed in: {html}");

        // Another region's centre: no session of this region.
        app.create_user("center-bj-wb", &[(Role::CenterStaff, "110000")]).await;
        let html = center_page(&app, "center-bj-wb").await;
        assert!(!html.contains(TITLE) && html.contains("近期没有开标场次"), "{html}");

        // A regulator is told this is the centre's workbench.
        let regulator = browser();
        let (path, _, _) = sign_in(&app, &regulator, &fixture.officials[1].0.username, PASSWORD).await;
        assert_eq!(path, "/workbench/regulator");
        let response = regulator.get(app.url("/workbench/center")).send().await.expect("page");
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        app.finish().await;
    }
}

//! Land-use rights and state-property sales over HTTP: a land listing (挂牌) closed into live bidding
//! (现场竞价), a land auction (拍卖) with the bad inputs of the issue and a watcher that reconnects,
//! a property transfer repriced under the 90% rule, and a mining-right (探矿权) auction. The clock is set back to 2026-10-09 (Friday;
//! 10-10 is a 调休 working day) so that every statutory period stays inside the calendar's years;
//! the days asserted are computed by hand in the comments.

use ggzy_crypto::reference_price::reserve_commitment;
use ggzy_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, call, read_events, spawn_apps};
use crate::tender_fixture::{Session, register, session};

const PRINCIPAL: &str = "91330106725872199N";
const BIDDERS: [&str; 3] = ["91330106769614255P", "91330106682104877T", "9133010614291836XR"];
const WAN: i64 = 1_000_000; // 1万元 in fen
const SALT: [u8; 16] = [0x5a; 16];

fn at(text: &str) -> i64 {
    text.parse::<jiff::Timestamp>().expect("timestamp").as_millisecond()
}

struct People {
    principal: Session,
    center: Session,
    bidders: Vec<Session>,
}

async fn people(app: &TestApp) -> People {
    let principal = session(app, "land-bureau", &[(Role::Principal, "330000")]).await;
    register(app, &principal, PRINCIPAL, "杭州市规划和自然资源局").await;
    let center = session(app, "center-staff", &[(Role::CenterStaff, "330100")]).await;
    let mut bidders = Vec::new();
    for (i, code) in BIDDERS.iter().enumerate() {
        let bidder = session(app, &format!("buyer{i}"), &[(Role::Bidder, "330000")]).await;
        register(app, &bidder, code, &format!("杭州测试置业第{i}有限公司")).await;
        bidders.push(bidder);
    }
    People { principal, center, bidders }
}

/// Signs everyone in again: sessions last 8 hours from T0 (2026-11-24 16:00), and the clock moves
/// past that.
async fn sign_in_again(app: &TestApp, people: &mut People) {
    for session in std::iter::once(&mut people.principal)
        .chain(std::iter::once(&mut people.center))
        .chain(people.bidders.iter_mut())
    {
        let (client, csrf) = app.login(&session.username).await;
        session.client = client;
        session.csrf = csrf;
    }
}

fn land(kind: &str, starts: &str, ends: &str, reserve_fen: Option<i64>) -> Value {
    json!({
        "kind": kind,
        "title": "杭政储出〔2026〕18号地块国有建设用地使用权",
        "region_code": "330100",
        "principal_credit_code": PRINCIPAL,
        "description": "位于西湖区文三路以北，出让面积23456平方米，用途为商住用地，出让年限住宅70年、商业40年，容积率不大于2.5",
        "start_price_fen": 1_000 * WAN,
        "increment_fen": 10 * WAN,
        "deposit_fen": 200 * WAN,
        "reserve_commitment": reserve_fen.map(|fen| hex::encode(reserve_commitment(fen, &SALT).expect("commitment"))),
        "applications_close_at": "2026-10-28T17:00:00+08:00",
        "bidding_starts_at": starts,
        "bidding_ends_at": ends,
        "countdown_seconds": 300,
    })
}

/// Every bidder applies; the centre admits them with their deposit; returns their paddles.
async fn admit_all(app: &TestApp, people: &People, sale: &str, n: usize) -> Vec<u32> {
    for (i, bidder) in people.bidders.iter().take(n).enumerate() {
        let path = format!("/api/v1/sales/{sale}/applications?bidder={}", BIDDERS[i]);
        let (status, _, body) = call(bidder.post(app, &path)).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    }
    let mut paddles = Vec::new();
    for code in BIDDERS.iter().take(n) {
        let request = json!({"bidder": code, "deposit_fen": 200 * WAN, "deposit_reference": format!("ZJ{code}")});
        let (status, _, body) =
            call(people.center.post(app, &format!("/api/v1/sales/{sale}/admissions")).json(&request)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        paddles.push(u32::try_from(body["paddle"].as_u64().expect("paddle")).expect("u32"));
    }
    paddles
}

async fn bid(app: &TestApp, people: &People, sale: &str, i: usize, price_fen: i64) -> (StatusCode, Value) {
    let request = json!({"bidder": BIDDERS[i], "price_fen": price_fen});
    let (status, _, body) =
        call(people.bidders[i].post(app, &format!("/api/v1/sales/{sale}/bids")).json(&request)).await;
    (status, body)
}

async fn get(app: &TestApp, sale: &str) -> Value {
    let (status, _, body) = call(app.client.get(app.url(&format!("/api/v1/sales/{sale}")))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

fn deadline<'a>(sale: &'a Value, rule: &str) -> (&'a str, &'a str) {
    let found = sale["deadlines"].as_array().and_then(|all| all.iter().find(|d| d["rule_id"] == rule));
    let found = found.unwrap_or_else(|| panic!("no {rule} in {sale}"));
    (found["day"].as_str().unwrap_or_default(), found["source"].as_str().unwrap_or_default())
}

#[tokio::test]
async fn a_land_listing_closes_into_live_bidding_and_the_highest_live_bid_buys_the_parcel() {
    for app in spawn_apps().await {
        let people = people(&app).await;
        // Announced Friday 2026-10-09. 第十条: at least 20 days before the listing starts, counted from
        // 10-10: the 20th day is 10-29 (Thursday). 10-28 is refused, naming 10-29.
        app.clock.set_ms(at("2026-10-09T10:00:00+08:00"));
        let request = land("land_listing", "2026-10-28T18:00:00+08:00", "2026-11-12T10:00:00+08:00", Some(1_025 * WAN));
        let (status, _, body) = call(people.principal.post(&app, "/api/v1/sales").json(&request)).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("deadline_below_statutory_minimum")),
            "{body}"
        );
        assert!(body["message"].as_str().is_some_and(|m| m.contains("2026-10-29") && m.contains("第十条")), "{body}");
        // 第十八条: the listing lasts at least 10 working days from 10-29: 10-30, 11-02..11-06,
        // 11-09..11-12 make ten, so 11-11 is refused and 11-12 is the earliest end.
        let request = land("land_listing", "2026-10-29T09:00:00+08:00", "2026-11-11T10:00:00+08:00", Some(1_025 * WAN));
        let (status, _, body) = call(people.principal.post(&app, "/api/v1/sales").json(&request)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["message"].as_str().is_some_and(|m| m.contains("2026-11-12") && m.contains("第十八条")), "{body}");
        let request = land("land_listing", "2026-10-29T09:00:00+08:00", "2026-11-12T10:00:00+08:00", Some(1_025 * WAN));
        let (status, _, body) = call(people.principal.post(&app, "/api/v1/sales").json(&request)).await;
        assert_eq!((status, body["phase"].as_str()), (StatusCode::CREATED, Some("announced")), "{body}");
        let sale = body["sale_id"].as_str().expect("sale id").to_owned();
        assert_eq!(deadline(&body, "notice_days_min").0, "2026-10-29");
        assert_eq!(deadline(&body, "listing_days_min").0, "2026-11-12");

        // A bidder may only apply for itself; the centre admits after the deposit arrived.
        let (status, _, _) =
            call(people.bidders[1].post(&app, &format!("/api/v1/sales/{sale}/applications?bidder={}", BIDDERS[0])))
                .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        app.clock.set_ms(at("2026-10-28T09:00:00+08:00"));
        let paddles = admit_all(&app, &people, &sale, 3).await;
        let short = json!({"bidder": BIDDERS[0], "deposit_fen": 100 * WAN, "deposit_reference": "X"});
        let (status, _, body) =
            call(people.center.post(&app, &format!("/api/v1/sales/{sale}/admissions")).json(&short)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("already_exists")), "{body}");

        // Who applied and which paddle each holds stays sealed in the regulators' feed while bidding runs.
        let regulator = session(&app, "land-regulator", &[(Role::Regulator, "330100")]).await;
        let feed = |regulator: &Session| call(regulator.get(&app, "/api/v1/events?after=0&limit=1000"));
        let admissions = |feed: &Value| -> Vec<String> {
            feed["events"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|event| event["event_type"] == "SaleBidderAdmitted")
                .map(|event| event["payload"].as_str().unwrap_or_default().to_owned())
                .collect()
        };
        let (_, _, body) = feed(&regulator).await;
        let sealed = admissions(&body);
        assert!(
            sealed.len() == 3
                && sealed.iter().all(|p| p.contains("sealed_until_bidding_ends") && !p.contains("paddle")),
            "{sealed:?}"
        );

        // The listing: bids climb by the increment.
        app.clock.set_ms(at("2026-10-29T09:30:00+08:00"));
        assert_eq!(bid(&app, &people, &sale, 0, 1_000 * WAN).await.0, StatusCode::CREATED);
        app.clock.set_ms(at("2026-11-05T14:00:00+08:00"));
        assert_eq!(bid(&app, &people, &sale, 1, 1_010 * WAN).await.0, StatusCode::CREATED);
        // The public page shows the bids by paddle and no bidder; an admitted bidder also gets the form.
        let page = |client: &reqwest::Client| {
            client.get(app.url(&format!("/sales/{sale}"))).header("accept", "text/html").send()
        };
        let html = page(&app.client).await.expect("page").text().await.expect("html");
        assert!(
            html.contains("出价记录") && html.contains(&paddles[1].to_string()) && html.contains("10,100,000.00 元"),
            "{html}"
        );
        assert!(!html.contains(BIDDERS[0]) && !html.contains("bid-form"), "{html}");
        let html = page(&people.bidders[0].client).await.expect("page").text().await.expect("html");
        assert!(html.contains("bid-form") && html.contains(&people.bidders[0].csrf), "{html}");
        let list = app.client.get(app.url("/sales")).send().await.expect("list").text().await.expect("html");
        assert!(list.contains("杭政储出〔2026〕18号地块") && list.contains("竞价中"), "{list}");

        // The period is over: the host asks who goes on (第十九条); 0 and 1 do, 2 does not.
        app.clock.set_ms(at("2026-11-12T10:00:00+08:00"));
        assert_eq!(get(&app, &sale).await["phase"], "listing_over");
        let (status, body) = bid(&app, &people, &sale, 2, 1_100 * WAN).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("auction_ended")), "{body}");
        let close = json!({"continuing_paddles": [paddles[0], paddles[1]], "live_bidding_seconds": 1800, "countdown_seconds": 300});
        let (status, _, body) =
            call(people.center.post(&app, &format!("/api/v1/sales/{sale}/listing-close")).json(&close)).await;
        assert_eq!((status, body["phase"].as_str()), (StatusCode::OK, Some("bidding")), "{body}");
        // Live bidding: 10:00 + 30 min; the bidder who did not go on is refused.
        assert_eq!(body["bidding_ends_at"], "2026-11-12T02:30:00Z", "{body}");
        let (status, body) = bid(&app, &people, &sale, 2, 1_100 * WAN).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("not_in_live_bidding")), "{body}");
        app.clock.set_ms(at("2026-11-12T10:28:00+08:00"));
        let (status, receipt) = bid(&app, &people, &sale, 0, 1_030 * WAN).await;
        assert_eq!(status, StatusCode::CREATED, "{receipt}");
        // Two minutes before the end: the countdown moves the end to 10:33.
        assert_eq!(receipt["bidding_ends_at"], "2026-11-12T02:33:00Z", "{receipt}");
        assert!(receipt["event_hash"].as_str().is_some_and(|h| h.len() == 64), "{receipt}");

        // Over: the reserve (1025万) is revealed against its commitment; 1030万 reaches it.
        app.clock.set_ms(at("2026-11-12T10:33:00+08:00"));
        assert_eq!(get(&app, &sale).await["phase"], "awaiting_reserve");
        let wrong = json!({"reserve_fen": 1_020 * WAN, "salt": hex::encode(SALT)});
        let (status, _, body) =
            call(people.principal.post(&app, &format!("/api/v1/sales/{sale}/reserve")).json(&wrong)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("commitment_mismatch")), "{body}");
        let right = json!({"reserve_fen": 1_025 * WAN, "salt": hex::encode(SALT)});
        let (status, _, body) =
            call(people.principal.post(&app, &format!("/api/v1/sales/{sale}/reserve")).json(&right)).await;
        assert_eq!((status, body["outcome"].as_str()), (StatusCode::OK, Some("sold")), "{body}");
        assert_eq!(
            (body["winning_paddle"].as_u64(), body["winning_price_fen"].as_i64()),
            (Some(u64::from(paddles[0])), Some(1_030 * WAN))
        );
        assert_eq!(body["winner_credit_code"], Value::Null, "the buyer is named at the confirmation");
        // 第二十一条: deposits back within 5 working days of 11-12 (11-13, 11-16..11-19): 11-19.
        // 第二十二条: result within 10 working days: 11-13, 11-16..20, 11-23..26: 11-26.
        assert_eq!(
            deadline(&body, "deposit_refund_wd_max"),
            ("2026-11-19", "招标拍卖挂牌出让国有建设用地使用权规定 第二十一条")
        );
        assert_eq!(deadline(&body, "result_publish_wd_max").0, "2026-11-26");
        let refund =
            |i: usize| people.center.post(&app, &format!("/api/v1/sales/{sale}/deposit-refunds?bidder={}", BIDDERS[i]));
        let (status, _, body) = call(refund(0)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("winner_deposit")), "{body}");
        assert_eq!(call(refund(1)).await.0, StatusCode::OK);
        let (status, _, body) = call(people.center.post(&app, &format!("/api/v1/sales/{sale}/confirmation"))).await;
        assert_eq!((status, body["phase"].as_str()), (StatusCode::OK, Some("confirmed")), "{body}");
        assert_eq!(body["winner_credit_code"], BIDDERS[0]);
        // Over: the feed names them.
        let (client, csrf) = app.login(&regulator.username).await;
        let regulator = Session { client, csrf, ..regulator };
        let (_, _, body) = feed(&regulator).await;
        let open = admissions(&body);
        assert!(open.len() == 3 && open.iter().any(|p| p.contains(BIDDERS[2]) && p.contains("paddle")), "{open:?}");
        app.finish().await;
    }
}

#[tokio::test]
async fn a_land_auction_refuses_bad_bids_and_a_reconnecting_watcher_misses_no_bid() {
    for app in spawn_apps().await {
        let people = people(&app).await;
        app.clock.set_ms(at("2026-10-09T10:00:00+08:00"));
        let request = land("land_auction", "2026-10-29T10:00:00+08:00", "2026-10-29T11:00:00+08:00", Some(1_015 * WAN));
        let (status, _, body) = call(people.principal.post(&app, "/api/v1/sales").json(&request)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let sale = body["sale_id"].as_str().expect("sale id").to_owned();
        // Two applicants only: the auction cannot be held (第十五条).
        let lonely = call(people.principal.post(&app, "/api/v1/sales").json(&request)).await.2;
        let lonely = lonely["sale_id"].as_str().expect("second sale").to_owned();
        app.clock.set_ms(at("2026-10-28T09:00:00+08:00"));
        admit_all(&app, &people, &sale, 3).await;
        admit_all(&app, &people, &lonely, 2).await;
        app.clock.set_ms(at("2026-10-29T10:00:00+08:00"));
        let (status, body) = bid(&app, &people, &lonely, 0, 1_000 * WAN).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("too_few_bidders")), "{body}");
        assert_eq!(get(&app, &lonely).await["outcome"], "too_few_bidders");

        // An unknown sale: 404, for its view and its live view alike.
        for path in ["/api/v1/sales/JY000000NOPE", "/api/v1/sales/JY000000NOPE/live"] {
            let (status, _, body) = call(app.client.get(app.url(path))).await;
            assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{path} {body}");
        }

        // A watcher connects before the bidding.
        let live = app.url(&format!("/api/v1/sales/{sale}/live"));
        let mut watcher = app.client.get(&live).send().await.expect("watch");
        assert_eq!(watcher.status(), StatusCode::OK);
        assert_eq!(bid(&app, &people, &sale, 0, 1_000 * WAN).await.0, StatusCode::CREATED);
        assert_eq!(bid(&app, &people, &sale, 1, 1_010 * WAN).await.0, StatusCode::CREATED);
        let seen = read_events(&mut watcher, 2).await;
        assert_eq!(seen.iter().map(|(_, name, _)| name.as_str()).collect::<Vec<_>>(), ["bid", "bid"]);
        assert_eq!(seen[1].2["price_fen"], 1_010 * WAN);
        let last_id = seen[1].0.expect("id");
        drop(watcher);

        // Bad input, nothing recorded: below the increment (422, naming 1020万), no deposit (403),
        // the leader outbidding itself (409).
        let (status, body) = bid(&app, &people, &sale, 0, 1_015 * WAN).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("bid_below_increment")),
            "{body}"
        );
        assert!(body["message"].as_str().is_some_and(|m| m.contains("10,200,000.00元")), "{body}");
        let outsider = session(&app, "outsider", &[(Role::Bidder, "330000")]).await;
        register(&app, &outsider, "91330106134205714Q", "未交保证金的公司").await;
        let request = json!({"bidder": "91330106134205714Q", "price_fen": 1_100 * WAN});
        let (status, _, body) = call(outsider.post(&app, &format!("/api/v1/sales/{sale}/bids")).json(&request)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("deposit_not_paid")), "{body}");
        let (status, body) = bid(&app, &people, &sale, 1, 1_050 * WAN).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("already_leading")), "{body}");

        // While the watcher is away: two bids at the same price at once; the log orders them, the
        // second is refused and told an earlier bid holds that price. Then a pause with its reason.
        let (first, second) =
            tokio::join!(bid(&app, &people, &sale, 0, 1_020 * WAN), bid(&app, &people, &sale, 2, 1_020 * WAN));
        let mut answers = [first, second];
        answers.sort_by_key(|(status, _)| status.as_u16());
        assert_eq!(answers[0].0, StatusCode::CREATED, "{answers:?}");
        assert_eq!(
            (answers[1].0, answers[1].1["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("bid_below_increment")),
            "{answers:?}"
        );
        assert!(answers[1].1["message"].as_str().is_some_and(|m| m.contains("更早的出价")), "{answers:?}");
        app.clock.set_ms(at("2026-10-29T10:58:00+08:00"));
        let pause = json!({"reason": "电子竞价系统行情服务器故障"});
        let (status, _, body) =
            call(people.center.post(&app, &format!("/api/v1/sales/{sale}/pause")).json(&pause)).await;
        assert_eq!((status, body["phase"].as_str()), (StatusCode::OK, Some("paused")), "{body}");
        // Reconnecting with the last id it saw: exactly what it missed, in order.
        let mut watcher =
            app.client.get(&live).header("Last-Event-ID", last_id.to_string()).send().await.expect("rewatch");
        let missed = read_events(&mut watcher, 2).await;
        assert_eq!(missed.iter().map(|(_, name, _)| name.as_str()).collect::<Vec<_>>(), ["bid", "paused"]);
        assert_eq!(missed[0].2["price_fen"], 1_020 * WAN);
        assert_eq!(missed[0].0, Some(last_id + 1));
        assert_eq!(missed[1].2["reason"], "电子竞价系统行情服务器故障");
        // Resumed 10 minutes later: the 2 minutes left plus the lost 10 and at least a countdown.
        app.clock.set_ms(at("2026-10-29T11:08:00+08:00"));
        let (status, _, body) = call(people.center.post(&app, &format!("/api/v1/sales/{sale}/resume"))).await;
        assert_eq!(
            (status, body["bidding_ends_at"].as_str()),
            (StatusCode::OK, Some("2026-10-29T03:13:00Z")),
            "{body}"
        );
        let live_now = read_events(&mut watcher, 1).await;
        assert_eq!(live_now[0].1, "resumed");

        // After the end: 409 with the server time; the reserve is 1015万, so 1020万 sold.
        app.clock.set_ms(at("2026-10-29T11:13:00+08:00"));
        let (status, body) = bid(&app, &people, &sale, 0, 1_100 * WAN).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("auction_ended")), "{body}");
        assert!(body["message"].as_str().is_some_and(|m| m.contains("服务器时间为 2026年10月29日 11:13:00")), "{body}");
        let right = json!({"reserve_fen": 1_015 * WAN, "salt": hex::encode(SALT)});
        let (status, _, body) =
            call(people.principal.post(&app, &format!("/api/v1/sales/{sale}/reserve")).json(&right)).await;
        assert_eq!((status, body["winning_price_fen"].as_i64()), (StatusCode::OK, Some(1_020 * WAN)), "{body}");
        assert_eq!(body["bids"].as_array().map(Vec::len), Some(3), "refused bids left no trace: {body}");
        app.finish().await;
    }
}

#[tokio::test]
async fn a_property_transfer_without_buyers_is_repriced_under_the_ninety_percent_rule() {
    for app in spawn_apps().await {
        let mut people = people(&app).await;
        app.clock.set_ms(at("2026-10-09T10:00:00+08:00"));
        let transfer = |close: &str| {
            json!({
                "kind": "property_transfer",
                "title": "杭州市某国有控股公司持有的杭州测试科技有限公司51%股权",
                "region_code": "330100",
                "principal_credit_code": PRINCIPAL,
                "description": "转让标的为51%股权，评估值1000万元，受让方须具备相应资格",
                "start_price_fen": 1_000 * WAN,
                "increment_fen": 10 * WAN,
                "deposit_fen": 100 * WAN,
                "appraisal_fen": 1_000 * WAN,
                "applications_close_at": close,
                "bidding_starts_at": "2026-11-06T10:00:00+08:00",
                "bidding_ends_at": "2026-11-06T11:00:00+08:00",
                "countdown_seconds": 300,
            })
        };
        // 第十三条: disclosure at least 20 working days from 10-09: 10-10 (调休), 10-12..16, 10-19..23,
        // 10-26..30, 11-02..05 make twenty: 11-05. 11-04 is refused.
        let (status, _, body) =
            call(people.principal.post(&app, "/api/v1/sales").json(&transfer("2026-11-04T17:00:00+08:00"))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["message"].as_str().is_some_and(|m| m.contains("2026-11-05") && m.contains("第十三条")), "{body}");
        let mut below = transfer("2026-11-05T17:00:00+08:00");
        below["start_price_fen"] = json!(990 * WAN);
        let (status, _, body) = call(people.principal.post(&app, "/api/v1/sales").json(&below)).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("price_below_appraisal")),
            "{body}"
        );
        let (status, _, body) =
            call(people.principal.post(&app, "/api/v1/sales").json(&transfer("2026-11-05T17:00:00+08:00"))).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let sale = body["sale_id"].as_str().expect("sale id").to_owned();
        assert_eq!(deadline(&body, "disclosure_wd_min").0, "2026-11-05");

        // Nobody came forward: not sold.
        app.clock.set_ms(at("2026-11-06T12:00:00+08:00"));
        assert_eq!(get(&app, &sale).await["outcome"], "no_bids");
        // Repriced to 850万 (85% of the appraisal): refused without the approving body's consent.
        // New disclosure from 11-06: 11-09..13, 16..20, 23..27, 11-30..12-04: 12-04.
        let mut reprice = json!({
            "start_price_fen": 850 * WAN, "increment_fen": 10 * WAN, "deposit_fen": 100 * WAN,
            "applications_close_at": "2026-12-04T17:00:00+08:00",
            "bidding_starts_at": "2026-12-07T10:00:00+08:00", "bidding_ends_at": "2026-12-07T11:00:00+08:00",
            "countdown_seconds": 300,
        });
        let path = format!("/api/v1/sales/{sale}/reprice");
        let (status, _, body) = call(people.principal.post(&app, &path).json(&reprice)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("price_cut_needs_approval")), "{body}");
        assert!(
            body["message"].as_str().is_some_and(|m| m.contains("9,000,000.00") && m.contains("第十八条")),
            "{body}"
        );
        reprice["approval_document"] = json!("杭国资产权〔2026〕12号 关于同意降低转让底价的批复");
        reprice["applications_close_at"] = json!("2026-12-03T17:00:00+08:00");
        let (status, _, body) = call(people.principal.post(&app, &path).json(&reprice)).await;
        assert!(body["message"].as_str().is_some_and(|m| m.contains("2026-12-04")), "{status} {body}");
        reprice["applications_close_at"] = json!("2026-12-04T17:00:00+08:00");
        let (status, _, body) = call(people.principal.post(&app, &path).json(&reprice)).await;
        assert_eq!(
            (status, body["round"].as_u64(), body["phase"].as_str()),
            (StatusCode::OK, Some(2), Some("announced")),
            "{body}"
        );
        assert_eq!(deadline(&body, "disclosure_wd_min").0, "2026-12-04");

        // Two qualified buyers: online bidding (企业国有资产法 第五十四条).
        app.clock.set_ms(at("2026-12-04T09:00:00+08:00"));
        sign_in_again(&app, &mut people).await;
        admit_all(&app, &people, &sale, 2).await;
        app.clock.set_ms(at("2026-12-07T10:10:00+08:00"));
        sign_in_again(&app, &mut people).await;
        assert_eq!(bid(&app, &people, &sale, 1, 850 * WAN).await.0, StatusCode::CREATED);
        assert_eq!(bid(&app, &people, &sale, 0, 870 * WAN).await.0, StatusCode::CREATED);
        app.clock.set_ms(at("2026-12-07T11:00:00+08:00"));
        let (status, _, body) = call(people.center.post(&app, &format!("/api/v1/sales/{sale}/confirmation"))).await;
        assert_eq!((status, body["winner_credit_code"].as_str()), (StatusCode::OK, Some(BIDDERS[0])), "{body}");
        // 第二十九条: the result stays published at least 5 working days from 12-07: 12-08..11, 12-14.
        assert_eq!(
            deadline(&body, "result_publicity_wd_min"),
            ("2026-12-14", "企业国有资产交易监督管理办法 第二十九条")
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn a_mining_right_auction_counts_its_periods_in_working_days_and_names_the_right_sold() {
    for app in spawn_apps().await {
        let people = people(&app).await;
        // Announced Friday 2026-10-09 under the mining_rights ruleset. Notice at least 20 working
        // days (矿产资源法 第十九条; the day count is the Sichuan baseline): 10-10 (调休), 10-12..16,
        // 10-19..23, 10-26..30, 11-02..05 make twenty, so bidding may start on 11-05, not 11-04.
        app.clock.set_ms(at("2026-10-09T10:00:00+08:00"));
        let mining = |starts: &str, ends: &str, right: Option<&str>| {
            let mut request = land("mining_auction", starts, ends, Some(1_015 * WAN));
            request["title"] = json!("淳安县某萤石矿探矿权");
            request["description"] =
                json!("勘查矿种为萤石，勘查面积12.6平方千米，出让年限5年；竞买人须具备相应勘查技术能力");
            request["mining_right"] = json!(right);
            request
        };
        let request = mining("2026-11-05T10:00:00+08:00", "2026-11-05T11:00:00+08:00", None);
        let (status, _, body) = call(people.principal.post(&app, "/api/v1/sales").json(&request)).await;
        assert_eq!(
            (status, body["code"].as_str(), body["details"][0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_mining_right"), Some("mining_right")),
            "{body}"
        );
        let request = mining("2026-11-04T10:00:00+08:00", "2026-11-04T11:00:00+08:00", Some("exploration"));
        let (status, _, body) = call(people.principal.post(&app, "/api/v1/sales").json(&request)).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("deadline_below_statutory_minimum")),
            "{body}"
        );
        assert!(body["message"].as_str().is_some_and(|m| m.contains("2026-11-05") && m.contains("第十九条")), "{body}");
        let request = mining("2026-11-05T10:00:00+08:00", "2026-11-05T11:00:00+08:00", Some("exploration"));
        let (status, _, body) = call(people.principal.post(&app, "/api/v1/sales").json(&request)).await;
        assert_eq!((status, body["mining_right_label"].as_str()), (StatusCode::CREATED, Some("探矿权")), "{body}");
        assert_eq!(body["kind_label"], "矿业权拍卖出让");
        assert!(body["deadlines"][0]["rule_id"] == "notice_wd_min" && body["deadlines"][0]["day"] == "2026-11-05");
        let sale = body["sale_id"].as_str().expect("sale id").to_owned();
        let paddles = admit_all(&app, &people, &sale, 3).await;

        // Three bidders: the auction is held (fewer than three would end it, as the domain tests show).
        app.clock.set_ms(at("2026-11-05T10:05:00+08:00"));
        for (i, price) in [1_000, 1_010, 1_020].into_iter().enumerate() {
            let (status, body) = bid(&app, &people, &sale, i, price * WAN).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        app.clock.set_ms(at("2026-11-05T11:00:00+08:00"));
        let right = json!({"reserve_fen": 1_015 * WAN, "salt": hex::encode(SALT)});
        let (status, _, body) =
            call(people.principal.post(&app, &format!("/api/v1/sales/{sale}/reserve")).json(&right)).await;
        assert_eq!((status, body["winning_paddle"].as_u64()), (StatusCode::OK, Some(u64::from(paddles[2]))), "{body}");
        // 成交确认书 within 3 working days of 11-05: 11-06, 11-09, 11-10.
        assert_eq!(deadline(&body, "confirmation_wd_max").0, "2026-11-10");
        assert!(deadline(&body, "confirmation_wd_max").1.contains("矿产资源法 第十七条、第二十条"));

        app.clock.set_ms(at("2026-11-06T09:00:00+08:00"));
        let (status, _, body) = call(people.center.post(&app, &format!("/api/v1/sales/{sale}/confirmation"))).await;
        assert_eq!((status, body["winner_credit_code"].as_str()), (StatusCode::OK, Some(BIDDERS[2])), "{body}");
        // Confirmed Friday 11-06: the result published within 5 working days (11-09..11-13: 11-13)
        // and shown for at least 10 (11-09..13, 11-16..20: 11-20).
        assert_eq!(deadline(&body, "result_publish_after_confirmation_wd_max").0, "2026-11-13");
        assert_eq!(deadline(&body, "result_publicity_wd_min").0, "2026-11-20");
        let (status, _, body) = call(people.principal.post(&app, &format!("/api/v1/sales/{sale}/contract"))).await;
        assert_eq!((status, body["contract_signed_at"].is_string()), (StatusCode::OK, true), "{body}");
        app.finish().await;
    }
}

#[tokio::test]
async fn a_land_tender_takes_sealed_bids_opens_them_after_the_deadline_and_the_panel_names_the_winner() {
    for app in spawn_apps().await {
        let mut people = people(&app).await;
        // Announced Friday 2026-10-09; 第十条: bids may be handed in from the 20th day, 10-29.
        app.clock.set_ms(at("2026-10-09T10:00:00+08:00"));
        let mut request =
            land("land_tender", "2026-10-29T09:00:00+08:00", "2026-11-12T10:00:00+08:00", Some(1_040 * WAN));
        request["countdown_seconds"] = Value::Null;
        let (status, _, body) = call(people.principal.post(&app, "/api/v1/sales").json(&request)).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_amount")),
            "{body}"
        );
        assert!(body["message"].as_str().is_some_and(|m| m.contains("招标出让不设加价幅度")), "{body}");
        request["increment_fen"] = json!(0);
        // 国土资发〔2010〕34号: the deposit is at least 20% of the price (200万 of 1000万).
        request["deposit_fen"] = json!(199 * WAN);
        let (status, _, body) = call(people.principal.post(&app, "/api/v1/sales").json(&request)).await;
        assert_eq!(
            (status, body["code"].as_str(), body["details"][0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("deposit_below_minimum"), Some("deposit_fen")),
            "{body}"
        );
        assert!(body["message"].as_str().is_some_and(|m| m.contains("2,000,000.00") && m.contains("34号")), "{body}");
        request["deposit_fen"] = json!(200 * WAN);
        let (status, _, body) = call(people.principal.post(&app, "/api/v1/sales").json(&request)).await;
        assert_eq!(
            (status, body["kind_label"].as_str()),
            (StatusCode::CREATED, Some("国有建设用地使用权招标出让")),
            "{body}"
        );
        assert_eq!(deadline(&body, "notice_days_min").0, "2026-10-29");
        let sale = body["sale_id"].as_str().expect("sale id").to_owned();
        let paddles = admit_all(&app, &people, &sale, 3).await;

        let commitment =
            |price_wan: i64, salt: u8| hex::encode(reserve_commitment(price_wan * WAN, &[salt; 16]).expect("c"));
        let seal = |i: usize, commitment: String| {
            let request = json!({"bidder": BIDDERS[i], "commitment": commitment});
            call(people.bidders[i].post(&app, &format!("/api/v1/sales/{sale}/sealed-bids")).json(&request))
        };
        // Before the tender opens for bids: 409 with the server time.
        let (status, _, body) = seal(0, commitment(1_050, 1)).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::CONFLICT, Some("tender_not_accepting_bids")),
            "{body}"
        );
        app.clock.set_ms(at("2026-10-30T09:00:00+08:00"));
        let (status, _, body) = seal(0, "abc".to_owned()).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_commitment")),
            "{body}"
        );
        let (status, _, receipt) = seal(0, commitment(1_050, 1)).await;
        assert_eq!(
            (status, receipt["paddle"].as_u64()),
            (StatusCode::CREATED, Some(u64::from(paddles[0]))),
            "{receipt}"
        );
        assert!(receipt["event_hash"].as_str().is_some_and(|h| h.len() == 64), "{receipt}");
        // 第十三条: a bid in the box is final.
        let (status, _, body) = seal(0, commitment(1_100, 1)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("already_exists")), "{body}");
        assert!(seal(1, commitment(1_080, 2)).await.0.is_success());
        assert!(seal(2, commitment(1_200, 3)).await.0.is_success());
        // Before the deadline the public sees neither the bids nor their number.
        let body = get(&app, &sale).await;
        assert_eq!((body["phase"].as_str(), &body["tender_bids"]), (Some("bidding"), &Value::Null), "{body}");

        // After the deadline: refused with the server time; the opening starts.
        app.clock.set_ms(at("2026-11-12T10:00:00+08:00"));
        let (status, _, body) = seal(1, commitment(1_090, 2)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("bid_deadline_passed")), "{body}");
        assert!(body["message"].as_str().is_some_and(|m| m.contains("2026年11月12日 10:00:00 已过")), "{body}");
        let body = get(&app, &sale).await;
        assert_eq!(body["phase"], "opening");
        assert_eq!(body["tender_bids"].as_array().map(Vec::len), Some(3), "{body}");
        let open = |i: usize, price_wan: i64, salt: u8| {
            let request = json!({"bidder": BIDDERS[i], "price_fen": price_wan * WAN, "salt": hex::encode([salt; 16])});
            call(people.bidders[i].post(&app, &format!("/api/v1/sales/{sale}/sealed-bids/opening")).json(&request))
        };
        let (status, _, body) = open(0, 1_060, 1).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("commitment_mismatch")), "{body}");
        assert!(open(0, 1_050, 1).await.0.is_success());
        let (status, _, body) = open(1, 1_080, 2).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // Bidder 2 never opens its bid (1200万): it is invalid and cannot win.

        // The panel: five or more, odd (第十三条); comprehensive scores for every valid bid.
        let evaluate = |panel: Vec<&str>, scores: Value| {
            let request = json!({"panel": panel, "method": "comprehensive", "scores": scores});
            call(people.principal.post(&app, &format!("/api/v1/sales/{sale}/evaluation")).json(&request))
        };
        let five = vec!["张明", "李华", "王芳", "赵强", "陈静"];
        let (status, _, body) = evaluate(five[..4].to_vec(), json!([])).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("panel_size")), "{body}");
        assert!(
            body["message"].as_str().is_some_and(|m| m.contains("5人以上单数") && m.contains("第十三条")),
            "{body}"
        );
        let (status, _, body) = evaluate(five.clone(), json!([{"paddle": paddles[0], "score": 92.5}])).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_scores")),
            "{body}"
        );
        let scores = json!([{"paddle": paddles[0], "score": 92.5}, {"paddle": paddles[1], "score": 88.25}]);
        let (status, _, body) = evaluate(five, scores).await;
        assert_eq!((status, body["phase"].as_str()), (StatusCode::OK, Some("awaiting_reserve")), "{body}");
        // The reserve (标底 1040万) is revealed; the best score (paddle 0, 1050万) is above it.
        let right = json!({"reserve_fen": 1_040 * WAN, "salt": hex::encode(SALT)});
        let (status, _, body) =
            call(people.principal.post(&app, &format!("/api/v1/sales/{sale}/reserve")).json(&right)).await;
        assert_eq!((status, body["outcome"].as_str()), (StatusCode::OK, Some("sold")), "{body}");
        assert_eq!(
            (body["winning_paddle"].as_u64(), body["winning_price_fen"].as_i64()),
            (Some(u64::from(paddles[0])), Some(1_050 * WAN)),
            "the higher score wins over the higher price"
        );
        // 第二十一条: deposits back within 5 working days of 11-12 (11-13, 11-16..11-19).
        assert_eq!(deadline(&body, "deposit_refund_wd_max").0, "2026-11-19");
        let (status, _, body) = call(people.center.post(&app, &format!("/api/v1/sales/{sale}/confirmation"))).await;
        assert_eq!((status, body["winner_credit_code"].as_str()), (StatusCode::OK, Some(BIDDERS[0])), "{body}");
        // The contract within 10 working days of the deal (11-12): 11-13, 11-16..20, 11-23..26.
        let (day, source) = deadline(&body, "contract_wd_max");
        assert_eq!(day, "2026-11-26");
        assert!(source.starts_with("国土资发〔2010〕34号"), "{source}");

        // The contract on Friday 11-13. 50% of the price within one month (民法典 第二百零二条: 12-13,
        // a Sunday, so Monday 12-14); the balance within twelve months (2027, beyond the calendar:
        // no day shown, yet lateness is still decided).
        app.clock.set_ms(at("2026-11-13T10:00:00+08:00"));
        let (status, _, body) = call(people.principal.post(&app, &format!("/api/v1/sales/{sale}/contract"))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(deadline(&body, "first_payment_months_max").0, "2026-12-14");
        let pay = |people: &People, amount_wan: i64| {
            let request = json!({"amount_fen": amount_wan * WAN, "reference": format!("ZF{amount_wan}")});
            call(people.center.post(&app, &format!("/api/v1/sales/{sale}/payments")).json(&request))
        };
        // The deposit (200万) counts: 850万 are owed of 1050万.
        let (status, _, body) = pay(&people, 851).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_amount")),
            "{body}"
        );
        app.clock.set_ms(at("2026-12-14T16:00:00+08:00"));
        sign_in_again(&app, &mut people).await;
        let (status, _, body) = pay(&people, 325).await;
        assert_eq!((status, body["paid_fen"].as_i64()), (StatusCode::OK, Some(525 * WAN)), "{body}");
        app.clock.set_ms(at("2027-01-20T10:00:00+08:00"));
        sign_in_again(&app, &mut people).await;
        let (status, _, body) = pay(&people, 525).await;
        assert_eq!((status, body["paid_fen"].as_i64()), (StatusCode::OK, Some(1_050 * WAN)), "{body}");
        app.finish().await;
    }
}

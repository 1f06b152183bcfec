//! The public portal's pages over HTTP against the real server holding the demo data set (seeded
//! in-process the way `ggzy demo` seeds it): every page renders real records, unknown and draft
//! notices are 404 pages, bad input gets a Chinese message without reflected markup, the notice
//! list pages with a cursor, and no page about a tender before its opening names a bidder.

use std::sync::Arc;

use ggzy::config::Config;
use ggzy::{demo, demo_tenders, server};
use ggzy_app::App;
use ggzy_app::clock::FakeClock;
use ggzy_app::portal::{NoticeFilter, ResultFilter};
use ggzy_domain::tender::TenderState;
use reqwest::StatusCode;
use tokio::sync::oneshot;

const DAY_MS: i64 = 86_400_000;
/// A plain working day; the demo's history runs the 40 days before it.
const NOW: &str = "2026-11-24T08:00:00Z";
/// The demo's opened tender (three bids decrypted, opening record signed).
const OPENED_TITLE: &str = "杭州市文三路综合管廊工程施工";
/// The demo's tender taking bids (one bid in, one more bidder registered).
const BIDDING_TITLE: &str = "宁波市轨道交通5号线二期车站装修工程";
/// The demo's tender in pre-qualification (two applications in).
const PREQUALIFYING_TITLE: &str = "杭州市钱塘区江东大道智慧交通系统工程";
/// The demo's draft: not published, so not on the portal.
const DRAFT_TITLE: &str = "浙江之江市政园林绿化养护项目";

struct Portal {
    app: App,
    base: String,
    client: reqwest::Client,
    stop: oneshot::Sender<()>,
    served: tokio::task::JoinHandle<anyhow::Result<()>>,
    config: Config,
    _dir: tempfile::TempDir,
}

async fn demo_portal() -> Portal {
    demo_portal_limited(10_000, 10_000).await
}

/// The demo portal with a public rate limit of `per_second` and `burst` per client IP.
async fn demo_portal_limited(per_second: u64, burst: u32) -> Portal {
    let now_ms = NOW.parse::<jiff::Timestamp>().expect("timestamp").as_millisecond();
    let dir = tempfile::tempdir().expect("data directory");
    let config = Config {
        data_dir: dir.path().to_owned(),
        cookie_secure: false,
        public_rate_per_second: per_second,
        public_rate_burst: burst,
        ..Config::default()
    };
    demo_tenders::prepare_pki(&config.data_dir, now_ms / 1000).expect("demo PKI");
    let server = server::build(&config, Arc::new(FakeClock::at(now_ms))).await.expect("server");
    let clock = FakeClock::at(now_ms - 40 * DAY_MS);
    let seeding = server.app.with_clock(Arc::new(clock.clone()));
    demo::seed_demo(&seeding).await.expect("demo data");
    demo_tenders::seed_tenders(&seeding, &clock, &config.data_dir).await.expect("demo tenders");
    ggzy::demo_procurement::seed_procurements(&server.app, now_ms).await.expect("demo procurements");
    let app = server.app.clone();
    app.publish_tree_head().await.expect("tree head");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let (stop, stopped) = oneshot::channel::<()>();
    let served = tokio::spawn(server.serve(listener, async {
        stopped.await.ok();
    }));
    Portal { app, base, client: reqwest::Client::new(), stop, served, config, _dir: dir }
}

impl Portal {
    /// GETs a page as a browser does; returns status and body.
    async fn page(&self, path: &str) -> (StatusCode, String) {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .header("accept", "text/html")
            .send()
            .await
            .expect("request");
        let status = response.status();
        let content_type =
            response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        assert!(content_type.starts_with("text/html"), "{path}: a page, not {content_type}");
        (status, response.text().await.expect("body"))
    }

    async fn tender_id(&self, title: &str) -> String {
        let rows = self.app.store().tenders(1000).await.expect("tenders");
        rows.into_iter().find(|row| row.title == title).map(|row| row.tender_id).expect("demo tender")
    }

    async fn finish(self) {
        let _ = self.stop.send(());
        self.served.await.expect("server task").expect("server stopped cleanly");
        self.app.store().close().await;
    }
}

#[tokio::test]
async fn every_portal_page_shows_the_demo_records() {
    let portal = demo_portal().await;

    let (status, home) = portal.page("/").await;
    assert_eq!(status, StatusCode::OK);
    for text in ["最新交易公告", BIDDING_TITLE, "href=\"/notices\"", "href=\"/search\"", "href=\"/transparency\""]
    {
        assert!(home.contains(text), "home page lacks {text}");
    }

    let (status, list) = portal.page("/notices").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains(OPENED_TITLE) && list.contains(BIDDING_TITLE), "{list}");
    assert!(!list.contains(DRAFT_TITLE), "a draft is not published");
    // Filters: state, region, method, dates.
    let (_, bidding) = portal.page("/notices?state=bidding").await;
    assert!(bidding.contains(BIDDING_TITLE) && !bidding.contains(OPENED_TITLE), "{bidding}");
    // Every demo tender runs on 杭州市's platform, every project tenders openly.
    let (_, hangzhou) = portal.page("/notices?region=330100&method=open").await;
    assert!(hangzhou.contains(OPENED_TITLE) && hangzhou.contains(BIDDING_TITLE), "{hangzhou}");
    for path in ["/notices?region=110000", "/notices?method=invited"] {
        let (_, none) = portal.page(path).await;
        assert!(none.contains("没有符合条件的公告") && !none.contains(OPENED_TITLE), "{path}: {none}");
    }
    let (_, future) = portal.page("/notices?from=2027-01-01").await;
    assert!(future.contains("没有符合条件的公告") && !future.contains(OPENED_TITLE), "{future}");
    let (_, past) = portal.page("/notices?from=2026-01-01&to=2026-12-31").await;
    assert!(past.contains(OPENED_TITLE), "{past}");

    let opened_id = portal.tender_id(OPENED_TITLE).await;
    let (status, notice) = portal.page(&format!("/notices/{opened_id}")).await;
    assert_eq!(status, StatusCode::OK);
    for text in [
        OPENED_TITLE,
        "办理过程",
        "发布招标公告，发出招标文件",
        "投标截止时间（开标时间）",
        "招标投标法 第二十四条",
        "不得少于20日",
        "投标截止，开标",
        "开标记录签署",
    ] {
        assert!(notice.contains(text), "the opened notice lacks {text}");
    }
    // After the opening the record is public, as at `/api/v1/tenders/{id}/opening`.
    let opening = portal.app.opening(&opened_id).await.expect("opening");
    assert!(!opening.lines.is_empty());
    for line in &opening.lines {
        assert!(notice.contains(&line.bidder_credit_code), "opening line of {} missing", line.bidder_credit_code);
    }

    let (status, search) = portal.page(&format!("/search?q={}", "综合管廊")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(search.contains(&format!("/notices/{opened_id}")), "{search}");
    assert!(search.contains("<mark>"), "the searched words are marked: {search}");
    assert!(search.contains(TenderState::Opened.label()), "a facet by state: {search}");
    // Every word must match: 宁波 装修 finds the one notice with both.
    let bidding_id = portal.tender_id(BIDDING_TITLE).await;
    let (_, both) = portal.page("/search?q=%E5%AE%81%E6%B3%A2%20%E8%A3%85%E4%BF%AE").await;
    assert!(both.contains(&format!("/notices/{bidding_id}")), "{both}");
    assert!(both.contains("<mark>宁波</mark>") && !both.contains(&format!("/notices/{opened_id}")), "{both}");

    let opened = portal.app.tender(&opened_id).await.expect("tender");
    let principal = portal.app.entity(None, &opened.principal_credit_code).await.expect("principal");
    let (status, entity) = portal.page(&format!("/entities/{}", principal.credit_code)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(entity.contains(&principal.name) && entity.contains(OPENED_TITLE), "{entity}");

    // The demo's credit records: the province's restriction and fine, on /credit and on the entity.
    let (status, credit) = portal.page("/credit").await;
    assert_eq!(status, StatusCode::OK);
    for text in
        ["杭州演示路桥工程有限公司", "禁止期内", "招标投标法实施条例 第六十七条", "宁波演示水利建设有限公司", "已公示"]
    {
        assert!(credit.contains(text), "the credit page lacks {text}: {credit}");
    }
    let restricted = portal.app.credit_records(10).await.expect("records");
    let restricted = restricted.iter().find(|record| record.in_force).expect("a restriction in force");
    let (_, entity) = portal.page(&format!("/entities/{}", restricted.row.credit_code)).await;
    assert!(entity.contains("信用记录") && entity.contains(&restricted.row.document_no), "{entity}");

    let head = portal.app.latest_tree_head().await.expect("head");
    let (status, transparency) = portal.page("/transparency").await;
    assert_eq!(status, StatusCode::OK);
    assert!(transparency.contains(&hex::encode(&head.root_hash)), "the newest head's root is shown");
    assert!(transparency.contains("ggzy verify --dossier"), "{transparency}");
    portal.finish().await;
}

#[tokio::test]
async fn unknown_and_draft_notices_are_not_found_and_bad_input_is_told_in_chinese() {
    let portal = demo_portal().await;
    let (status, page) = portal.page("/notices/no-such-tender").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("未找到"), "{page}");
    let draft_id = portal.tender_id(DRAFT_TITLE).await;
    let (status, page) = portal.page(&format!("/notices/{draft_id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!page.contains(DRAFT_TITLE));
    let (status, _) = portal.page("/entities/913300000000000000").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let script = "%3Cscript%3Ealert(1)%3C%2Fscript%3E";
    for (path, message) in [
        (format!("/notices?after={script}"), "翻页参数无效"),
        (format!("/notices?state={script}"), "项目状态有误"),
        ("/notices?region=999999".to_owned(), "行政区域代码有误"),
        ("/notices?from=2026-02-30".to_owned(), "须为日期"),
        (format!("/search?q={}", "建".repeat(1000)), "搜索词过长"),
    ] {
        let (status, page) = portal.page(&path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert!(page.contains(message), "{path}: {page}");
        assert!(!page.contains("<script>alert"), "{path}: markup reflected");
    }
    for path in [format!("/search?q={script}"), "/search?q=".to_owned(), "/search?q=%22%27%3B--".to_owned()] {
        let (status, page) = portal.page(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!page.contains("<script>alert"), "{path}: markup reflected");
    }
    portal.finish().await;
}

#[tokio::test]
async fn the_notice_list_pages_through_every_published_notice_once() {
    let portal = demo_portal().await;
    let all = portal.app.public_notices(&NoticeFilter { limit: 100, ..NoticeFilter::default() }).await.expect("all");
    assert!(all.next.is_none() && all.notices.len() >= 10, "{}", all.notices.len());
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = portal
            .app
            .public_notices(&NoticeFilter { limit: 3, after: after.clone(), ..NoticeFilter::default() })
            .await
            .expect("page");
        assert!(page.notices.len() <= 3);
        seen.extend(page.notices.into_iter().map(|n| n.tender_id));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    let expected: Vec<String> = all.notices.into_iter().map(|n| n.tender_id).collect();
    assert_eq!(seen, expected, "pages in order, each notice once");
    // The page's own "next" link carries the cursor and the filters.
    let (_, first) = portal.page("/notices?region=330000").await;
    assert!(!first.contains("下一页"), "one page of 20 holds the demo's notices");
    portal.finish().await;
}

#[tokio::test]
async fn a_notice_before_its_opening_names_no_bidder() {
    let portal = demo_portal().await;
    let entities = portal.app.list_entities(None, None, 200).await.expect("entities");
    for title in [BIDDING_TITLE, PREQUALIFYING_TITLE] {
        let tender_id = portal.tender_id(title).await;
        let tender = portal.app.tender(&tender_id).await.expect("tender");
        // The demo has bidders in these procedures: a bid and a registration, or two applications.
        let bids = portal.app.store().submitted_bids(&tender_id).await.expect("bids");
        let applications = portal.app.store().pq_applications(&tender_id).await.expect("applications");
        assert!(!bids.is_empty() || !applications.is_empty(), "{title}: the demo has bidders here");

        let mut pages = Vec::new();
        pages.push(portal.page(&format!("/notices/{tender_id}")).await.1);
        pages.push(portal.page(&format!("/search?q={title}")).await.1);
        pages.push(portal.page("/notices").await.1);
        assert!(pages[0].contains(title) && pages[0].contains("开标前不公开投标人名称"), "{}", pages[0]);
        for entity in &entities {
            let runs_it = entity.credit_code == tender.principal_credit_code
                || tender.agency_credit_code.as_deref() == Some(entity.credit_code.as_str());
            if runs_it {
                continue;
            }
            for page in &pages[..1] {
                assert!(!page.contains(&entity.credit_code), "{title}: names {}", entity.credit_code);
                assert!(!page.contains(&entity.name), "{title}: names {}", entity.name);
            }
        }
        for bid in &bids {
            for page in &pages {
                assert!(!page.contains(&bid.bidder_credit_code), "{title}: a bidder's code on a page");
            }
        }
    }
    portal.finish().await;
}

#[tokio::test]
async fn pages_are_rate_limited_per_client_like_the_public_api() {
    let portal = demo_portal_limited(1, 3).await;
    let mut statuses = Vec::new();
    let mut limited = None;
    for _ in 0..5 {
        let response = portal.client.get(format!("{}/notices", portal.base)).send().await.expect("request");
        statuses.push(response.status());
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            let retry = response.headers().get("retry-after").is_some();
            let kind = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
            limited = Some((retry, kind, response.text().await.expect("body")));
        }
    }
    assert_eq!(&statuses[..3], [StatusCode::OK; 3], "{statuses:?}");
    assert!(statuses[3..].contains(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    // A browser gets the error as a Chinese page with Retry-After, not the API's JSON.
    let (retry, kind, body) = limited.expect("a limited answer");
    assert!(retry && kind.starts_with("text/html") && body.contains("请求过于频繁"), "{kind} {body}");
    portal.finish().await;
}

/// The demo's lot 1 archived after its contract (an objection during its publicity).
const ARCHIVED_TITLE: &str = "杭州市余杭区良渚港河道综合整治工程";
/// The demo's lot 1 contracted.
const CONTRACTED_TITLE: &str = "杭州市拱墅区大关路道路综合提升改造工程";
/// The demo's lot 1 in its candidates' publicity.
const PUBLICITY_TITLE: &str = "杭州市上城区望江路人行天桥新建工程";
/// The demo's lot 1 being evaluated (committee formed, experts drawn).
const EVALUATING_TITLE: &str = "杭州市钱塘区义蓬中学新建工程";

/// The names of a lot's committee members as recorded (sealed from the public until the award).
async fn committee_names(portal: &Portal, tender_id: &str) -> Vec<String> {
    let events = portal.app.store().stream(&ggzy_app::events::stream::lot(tender_id, "1")).await.expect("stream");
    events
        .iter()
        .filter_map(|stored| serde_json::from_str::<ggzy_app::events::Event>(&stored.payload).ok())
        .filter_map(|event| match event {
            ggzy_app::events::Event::CommitteeFormed(details) => Some(details.members),
            _ => None,
        })
        .flatten()
        .filter(|m| m.kind == "expert")
        .map(|m| m.name)
        .collect()
}

/// The page's read is kept per log position (`App::public_notice_page`): the same read while nothing
/// is committed, a new one after any event, and the same page either way but for the clock.
#[tokio::test]
async fn a_notice_page_is_read_again_after_any_event() {
    let portal = demo_portal().await;
    let tender_id = portal.tender_id(OPENED_TITLE).await;
    let first = portal.app.public_notice_page(&tender_id).await.expect("read");
    let again = portal.app.public_notice_page(&tender_id).await.expect("read");
    assert!(Arc::ptr_eq(&first, &again), "nothing committed: the read is kept");
    let (status, page_before) = portal.page(&format!("/notices/{tender_id}")).await;
    assert_eq!(status, StatusCode::OK);

    // An event that has nothing to do with the tender (温州市 joins the platform).
    let system = ggzy_app::actor::Actor::system(ggzy_domain::RegionCode::parse("330000").expect("region"));
    let wenzhou = ggzy_domain::RegionCode::parse("330300").expect("region");
    portal.app.enable_platform_region(&system, &wenzhou).await.expect("region enabled");
    let after = portal.app.public_notice_page(&tender_id).await.expect("read");
    assert!(!Arc::ptr_eq(&first, &after), "an event was committed: the read is taken again");
    assert_eq!(*first, *after, "the tender did not change");

    // The page differs only in the server's clock for the opening hall.
    let (_, page_after) = portal.page(&format!("/notices/{tender_id}")).await;
    let without_clock = |page: &str| {
        let at = page.find("data-server-now-ms=\"").expect("the hall's clock") + "data-server-now-ms=\"".len();
        let end = at + page[at..].find('"').expect("closing quote");
        format!("{}{}", &page[..at], &page[end..])
    };
    assert_eq!(without_clock(&page_before), without_clock(&page_after));
    assert!(page_after.contains(OPENED_TITLE) && page_after.contains("开标记录"), "{page_after}");
    portal.finish().await;
}

#[tokio::test]
async fn notice_pages_show_candidates_award_and_contract_once_public() {
    let portal = demo_portal().await;
    for title in [ARCHIVED_TITLE, CONTRACTED_TITLE] {
        let tender_id = portal.tender_id(title).await;
        let award = portal.app.lot_award(None, &tender_id, "1").await.expect("award");
        let (status, page) = portal.page(&format!("/notices/{tender_id}")).await;
        assert_eq!(status, StatusCode::OK);
        for text in ["<h4>中标候选人公示</h4>", "<h4>中标结果</h4>", "<h4>合同</h4>", "公示期已满"] {
            assert!(page.contains(text), "{title}: lacks {text}");
        }
        // The candidates in rank order, each with its bid price.
        let report = award.report.as_ref().expect("report");
        let mut last = 0;
        for code in &award.candidates() {
            let name = portal.app.entity(None, code).await.expect("candidate").name;
            let at = page.find(&name).unwrap_or_else(|| panic!("{title}: candidate {name} missing"));
            assert!(at > last, "{title}: candidates out of rank order");
            last = at;
            let price = report.ranking.iter().find(|r| &r.bidder_credit_code == code).expect("ranked").price_fen;
            assert!(page.contains(&format!("{} 元", ggzy_domain::Fen(price))), "{title}: price of {name}");
        }
        let (winner, _) = award.winner.clone().expect("winner");
        let winner_name = portal.app.entity(None, &winner).await.expect("winner").name;
        let winner_block = &page[page.find("<h4>中标结果</h4>").expect("award block")..];
        assert!(winner_block.contains(&winner_name), "{title}: winner {winner_name}");
        let contract = award.contract.clone().expect("contract");
        assert!(page.contains(&format!("{} 元", ggzy_domain::Fen(contract.amount_fen))), "{title}: contract amount");
        assert!(page.contains(&contract.signed_day.to_string()), "{title}: contract day");
        // The objection raised during publicity is counted; its objector is not named.
        assert!(page.contains("1件（异议人不公开）"), "{title}: objections count");
    }

    // In publicity: the candidates, no winner and no contract yet.
    let publicity_id = portal.tender_id(PUBLICITY_TITLE).await;
    let (_, page) = portal.page(&format!("/notices/{publicity_id}")).await;
    assert!(page.contains("<h4>中标候选人公示</h4>") && page.contains("第1名"), "{page}");
    assert!(page.contains("公示中"), "the publicity is running");
    assert!(!page.contains("<h4>中标结果</h4>") && !page.contains("<h4>合同</h4>"), "no result before the award");

    // Being evaluated and taking bids: no result, and the experts stay sealed.
    for title in [EVALUATING_TITLE, PUBLICITY_TITLE, BIDDING_TITLE] {
        let tender_id = portal.tender_id(title).await;
        let (status, page) = portal.page(&format!("/notices/{tender_id}")).await;
        assert_eq!(status, StatusCode::OK);
        if title != PUBLICITY_TITLE {
            assert!(!page.contains("<h4>中标候选人公示</h4>") && !page.contains("<h4>中标结果</h4>"), "{title}");
        }
        for name in committee_names(&portal, &tender_id).await {
            assert!(!page.contains(&name), "{title}: expert {name} named before the award");
        }
    }
    assert!(!committee_names(&portal, &portal.tender_id(EVALUATING_TITLE).await).await.is_empty(), "a committee");
    portal.finish().await;
}

#[tokio::test]
async fn the_results_list_filters_and_pages_newest_first() {
    let portal = demo_portal().await;
    let (status, list) = portal.page("/results").await;
    assert_eq!(status, StatusCode::OK);
    for title in [ARCHIVED_TITLE, CONTRACTED_TITLE, PUBLICITY_TITLE] {
        assert!(list.contains(title), "/results lacks {title}");
    }
    for title in [EVALUATING_TITLE, BIDDING_TITLE, OPENED_TITLE] {
        assert!(!list.contains(title), "/results lists {title}, which has no result");
    }
    assert!(list.contains("rel=\"alternate\" type=\"application/atom+xml\""), "a feed link");
    let (_, contracts) = portal.page("/results?kind=contract").await;
    assert!(contracts.contains(ARCHIVED_TITLE) && contracts.contains(CONTRACTED_TITLE), "{contracts}");
    assert!(!contracts.contains(PUBLICITY_TITLE), "{contracts}");
    let (_, candidates) = portal.page("/results?kind=candidates&region=330100").await;
    assert!(candidates.contains(PUBLICITY_TITLE) && !candidates.contains(ARCHIVED_TITLE), "{candidates}");
    let (_, elsewhere) = portal.page("/results?region=110000").await;
    assert!(elsewhere.contains("没有符合条件的交易结果"), "{elsewhere}");
    for (path, message) in [
        ("/results?kind=%3Cscript%3E", "结果类型有误"),
        ("/results?after=%3Cscript%3E", "翻页参数无效"),
        ("/results?region=999999", "行政区域代码有误"),
    ] {
        let (status, page) = portal.page(path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert!(page.contains(message) && !page.contains("<script>"), "{path}: {page}");
    }

    // Newest first, each lot once across pages of one.
    let all = portal.app.public_results(&ResultFilter { limit: 100, ..ResultFilter::default() }).await.expect("all");
    assert_eq!(all.results.len(), 3, "the demo's three lots with results");
    assert!(all.results.windows(2).all(|w| w[0].at_ms >= w[1].at_ms), "newest first");
    assert_eq!(all.results[0].tender_id, portal.tender_id(PUBLICITY_TITLE).await, "the newest is the publicity");
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = portal
            .app
            .public_results(&ResultFilter { limit: 1, after: after.clone(), ..ResultFilter::default() })
            .await
            .expect("page");
        seen.extend(page.results.into_iter().map(|r| r.tender_id));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    let expected: Vec<String> = all.results.into_iter().map(|r| r.tender_id).collect();
    assert_eq!(seen, expected);
    portal.finish().await;
}

#[tokio::test]
async fn the_expert_statistics_page_shows_the_public_numbers_and_no_expert() {
    let portal = demo_portal().await;
    let stats = portal.app.expert_statistics().await.expect("statistics");
    let experts = portal.app.store().all_experts().await.expect("experts");
    assert!(!experts.is_empty(), "the demo has an expert pool");
    let (status, page) = portal.page("/experts/statistics").await;
    assert_eq!(status, StatusCode::OK);
    let total: i64 = stats.by_status.iter().map(|(_, n)| n).sum();
    assert_eq!(usize::try_from(total).ok(), Some(experts.len()));
    assert!(page.contains(&format!("<th scope=\"row\">合计</th><td class=\"nowrap\">{total}</td>")), "{page}");
    for (status, count) in &stats.by_status {
        assert!(page.contains(&format!("<td>{}</td><td class=\"nowrap\">{count}</td>", status.label())), "{page}");
    }
    assert!(!stats.by_specialty.is_empty());
    for line in &stats.by_specialty {
        let row = format!("<code>{}</code></td><td class=\"level-", line.specialty);
        let at = page.find(&row).unwrap_or_else(|| panic!("specialty {} missing", line.specialty));
        let rest = &page[at..];
        let end = rest.find("</tr>").expect("row end");
        assert!(rest[..end].contains(&format!(">{}</td>", line.active)), "count of {}", line.specialty);
    }
    for expert in &experts {
        assert!(!page.contains(&expert.name), "an expert's name ({}) on the statistics page", expert.name);
        assert!(!page.contains(&expert.expert_id), "an expert's id on the statistics page");
    }
    portal.finish().await;
}

/// A small well-formedness check of the XML the feeds are: every element closes in order, the
/// root is Atom's `feed`, text and attributes hold no raw `<` and only the predefined or numeric
/// entity references (what a parser would reject). Returns the entries' bodies. Enough here
/// because the feed writer emits no comments, CDATA or processing instructions beyond the
/// declaration (which this check insists on).
fn atom_entries(xml: &str) -> Vec<String> {
    let body = xml.strip_prefix("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n").expect("XML declaration");
    let mut stack: Vec<String> = Vec::new();
    let mut rest = body;
    let mut entries = Vec::new();
    let mut entry_start = 0;
    let check_text = |text: &str| {
        assert!(!text.contains('<') && !text.contains('>') || text.is_empty(), "raw markup in {text:?}");
        let mut t = text;
        while let Some(at) = t.find('&') {
            let after = &t[at + 1..];
            let end = after.find(';').expect("entity end");
            let name = &after[..end];
            let ok = matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
                || name.strip_prefix("#x").is_some_and(|h| u32::from_str_radix(h, 16).is_ok())
                || name.strip_prefix('#').is_some_and(|d| d.parse::<u32>().is_ok());
            assert!(ok, "bad entity &{name};");
            t = &after[end..];
        }
    };
    while let Some(open) = rest.find('<') {
        check_text(&rest[..open]);
        let close = rest[open..].find('>').expect("tag end") + open;
        let tag = &rest[open + 1..close];
        let offset = body.len() - rest.len();
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "closing {name} out of order");
            if name == "entry" {
                entries.push(body[entry_start..offset].to_owned());
            }
        } else {
            let self_closing = tag.ends_with('/');
            let tag = tag.trim_end_matches('/');
            let name = tag.split_whitespace().next().expect("tag name").to_owned();
            // Attribute values are quoted and escaped like text.
            for value in tag.split('"').skip(1).step_by(2) {
                check_text(value);
            }
            if stack.is_empty() {
                assert_eq!(name, "feed");
                assert!(tag.contains("xmlns=\"http://www.w3.org/2005/Atom\""), "the Atom namespace");
            }
            if name == "entry" {
                entry_start = offset + close + 1;
            }
            if !self_closing {
                stack.push(name);
            }
        }
        rest = &rest[close + 1..];
    }
    assert!(stack.is_empty() && rest.trim().is_empty(), "unclosed {stack:?}");
    entries
}

#[test]
fn the_well_formedness_check_rejects_broken_xml() {
    let head = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
    let good = format!("{head}<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>a &amp; b</id></entry></feed>");
    assert_eq!(atom_entries(&good), ["<id>a &amp; b</id>"]);
    for bad in [
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry></feed></entry>",
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><id>a & b</id></feed>",
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><id>a &nbsp; b</id></feed>",
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><link href=\"<x>\"/></feed>",
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>",
        "<rss><channel/></rss>",
    ] {
        let xml = format!("{head}{bad}");
        assert!(std::panic::catch_unwind(|| atom_entries(&xml)).is_err(), "accepted {bad}");
    }
}

/// `<name>text</name>` of an element in a piece of XML.
fn element<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let start = xml.find(&format!("<{name}>"))? + name.len() + 2;
    let end = xml[start..].find(&format!("</{name}>"))? + start;
    Some(&xml[start..end])
}

#[tokio::test]
async fn the_atom_feeds_are_well_formed_and_list_the_regions_notices_and_results() {
    let portal = demo_portal().await;
    let get = |path: &str| {
        let url = format!("{}{path}", portal.base);
        let client = portal.client.clone();
        async move {
            let response = client.get(url).send().await.expect("request");
            let status = response.status();
            let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
            (status, content_type.unwrap_or_default(), response.text().await.expect("body"))
        }
    };
    let rfc3339 = |text: &str| {
        text.parse::<jiff::Timestamp>().is_ok() && text.len() == 25 && text.ends_with("+08:00") && text.contains('T')
    };

    let (status, content_type, xml) = get("/feeds/notices.atom?region=330100").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "application/atom+xml; charset=utf-8");
    let entries = atom_entries(&xml);
    let expected = portal
        .app
        .public_notices(&NoticeFilter {
            region: Some(ggzy_domain::RegionCode::parse("330100").expect("region")),
            limit: 100,
            ..NoticeFilter::default()
        })
        .await
        .expect("notices");
    assert_eq!(entries.len(), expected.notices.len().min(50));
    assert!(rfc3339(element(&xml, "updated").expect("feed updated")), "{xml}");
    assert!(xml.contains("<id>urn:ggzy:feed:notices:330100</id>"));
    let mut last_updated = None;
    for entry in &entries {
        let id = element(entry, "id").expect("entry id");
        let tender_id = id.strip_prefix("urn:ggzy:notice:").expect("a notice id");
        assert!(entry.contains(&format!("href=\"/notices/{tender_id}\"")), "{entry}");
        let updated = element(entry, "updated").expect("entry updated");
        assert!(rfc3339(updated), "{updated}");
        let ts = updated.parse::<jiff::Timestamp>().expect("timestamp");
        assert!(last_updated.is_none_or(|last| last >= ts), "newest change first");
        last_updated = Some(ts);
        assert!(element(entry, "title").is_some_and(|t| !t.is_empty()));
    }
    assert!(xml.contains(OPENED_TITLE) && !xml.contains(DRAFT_TITLE), "published notices only");
    // Ids are stable: a second fetch gives the same ids.
    let (_, _, again) = get("/feeds/notices.atom?region=330100").await;
    let ids = |x: &str| atom_entries(x).iter().filter_map(|e| element(e, "id").map(str::to_owned)).collect::<Vec<_>>();
    assert_eq!(ids(&xml), ids(&again));

    let (status, _, results) = get("/feeds/results.atom?region=330100").await;
    assert_eq!(status, StatusCode::OK);
    let entries = atom_entries(&results);
    assert_eq!(entries.len(), 3, "the demo's three lots with results");
    let archived_id = portal.tender_id(ARCHIVED_TITLE).await;
    let archived = entries
        .iter()
        .find(|e| element(e, "id") == Some(&format!("urn:ggzy:result:{archived_id}:1:contract")))
        .expect("the archived lot's contract");
    let (winner, _) = portal.app.lot_award(None, &archived_id, "1").await.expect("award").winner.expect("winner");
    let winner_name = portal.app.entity(None, &winner).await.expect("winner").name;
    assert!(element(archived, "summary").is_some_and(|s| s.contains(&winner_name)), "{archived}");
    let publicity_id = portal.tender_id(PUBLICITY_TITLE).await;
    assert!(results.contains(&format!("urn:ggzy:result:{publicity_id}:1:candidates")));

    // Another region's feeds are valid and empty; a bad region is refused.
    let (_, _, beijing) = get("/feeds/results.atom?region=110000").await;
    assert!(atom_entries(&beijing).is_empty());
    assert!(beijing.contains("<updated>1970-01-01T08:00:00+08:00</updated>"));
    let (status, _, _) = get("/feeds/notices.atom?region=%3Cx%3E").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Per trading category: government procurements and land and property sales (this portal seeds
    // no sales: that feed is valid and empty), each entry linking its page; an unknown category is
    // refused.
    for (category, urn, page, seeded) in [
        ("procurement", "urn:ggzy:procurement:", "/procurements/", true),
        ("land_property", "urn:ggzy:sale:", "/sales/", false),
    ] {
        let (status, _, xml) = get(&format!("/feeds/notices.atom?category={category}")).await;
        assert_eq!(status, StatusCode::OK, "{xml}");
        assert!(xml.contains(&format!("<id>urn:ggzy:feed:notices:{category}:all</id>")), "{xml}");
        let entries = atom_entries(&xml);
        assert_eq!(!entries.is_empty(), seeded, "{category}: {xml}");
        for entry in &entries {
            let id = element(entry, "id").expect("entry id");
            let key = id.strip_prefix(urn).expect("an id of the category");
            assert!(entry.contains(&format!("href=\"{page}{key}\"")), "{entry}");
        }
        let (_, _, beijing) = get(&format!("/feeds/notices.atom?category={category}&region=110000")).await;
        assert!(atom_entries(&beijing).is_empty(), "{beijing}");
    }
    let (status, _, _) = get("/feeds/notices.atom?category=lottery").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, home) = portal.page("/").await;
    assert!(home.contains("href=\"/feeds/notices.atom?category=procurement\"") && home.contains("/procurements/"));
    assert!(
        home.contains("href=\"/feeds/notices.atom?category=land_property\"") && home.contains("暂无土地与产权交易")
    );

    // The pages link their feeds.
    let (_, notice) = portal.page(&format!("/notices/{archived_id}")).await;
    assert!(notice.contains(
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"本地区交易公告订阅\" href=\"/feeds/notices.atom?region=330100\">"
    ));
    let (_, list) = portal.page("/notices?region=330100").await;
    assert!(list.contains("href=\"/feeds/notices.atom?region=330100\""));
    portal.finish().await;
}

#[tokio::test]
async fn reindex_rebuilds_both_indexes_from_the_database() {
    let portal = demo_portal().await;
    let summary = ggzy::reindex::reindex_with_config(&portal.config).await.expect("reindex");
    let entities = portal.app.list_entities(None, None, 1000).await.expect("entities");
    assert_eq!(summary.entities, entities.len());
    let notices = portal.app.public_notices(&NoticeFilter { limit: 100, ..NoticeFilter::default() }).await;
    assert_eq!(summary.notices, notices.expect("notices").notices.len(), "every published notice, no draft");
    portal.finish().await;
}

#[tokio::test]
async fn the_procurement_pages_show_every_demo_procurement_with_its_steps_and_clocks() {
    let portal = demo_portal().await;
    let (status, list) = portal.page("/procurements").await;
    assert_eq!(status, StatusCode::OK);
    for text in ["公开招标", "邀请招标", "竞争性谈判", "竞争性磋商", "询价", "单一来源", "框架协议采购", "暂停采购活动"]
    {
        assert!(list.contains(text), "the list lacks {text}");
    }
    assert_eq!(list.matches("href=\"/procurements/CG").count(), 8, "{list}");
    let views = portal.app.procurements(50).await.expect("procurements");
    let id_of = |state: &str| {
        views
            .iter()
            .find(|view| view.state.as_str() == state)
            .map(|view| view.plan.procurement_id.clone())
            .expect(state)
    };
    // The negotiation suspended on a complaint: its steps with articles, the objection's and the
    // complaint's clocks.
    let (status, page) = portal.page(&format!("/procurements/{}", id_of("suspended"))).await;
    assert_eq!(status, StatusCode::OK);
    for text in [
        "办理过程",
        "政府采购法 第五十七条",
        "质疑期限：",
        "答复期限：",
        "处理决定期限：",
        "恢复采购活动不晚于",
        "评审结果",
    ] {
        assert!(page.contains(text), "the suspended procurement's page lacks {text}");
    }
    // The single source in publicity shows its objection; the open tender taking bids shows no offer.
    let (_, single) = portal.page(&format!("/procurements/{}", id_of("publicity"))).await;
    assert!(single.contains("单一来源公示异议") && single.contains("公示期满日不早于"), "{single}");
    let (_, bidding) = portal.page(&format!("/procurements/{}", id_of("bidding"))).await;
    assert!(bidding.contains("递交截止前不公开供应商及报价数量") && !bidding.contains("评审结果"), "{bidding}");
    let (_, done) = portal.page(&format!("/procurements/{}", id_of("contract_published"))).await;
    for text in ["合同已公告", "评审结果", "中标（成交）供应商", "公告合同不晚于"] {
        assert!(done.contains(text), "the published contract's page lacks {text}");
    }
}

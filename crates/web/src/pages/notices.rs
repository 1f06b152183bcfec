//! The notice list (`/notices`, filters and cursor paging) and one notice (`/notices/{id}`)
//! with the procedure's timeline, the lots' results and, once the opening has started, the
//! opening record.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use ggzy_app::AppError;
use ggzy_app::opening::OpeningView;
use ggzy_app::portal::{NoticeDetail, NoticeFilter, NoticePageRead, NoticeSummary, PublicOpening, TimelineStep};
use ggzy_domain::project::TenderingMethod;
use ggzy_domain::tender::TenderState;
use serde::Deserialize;

use super::PageError;
use super::format::{datetime, machine_datetime, yuan};
use super::listing::{Choice, feed_href, non_empty, page_links, region_choices, region_filter};
use super::results::ResultView;
use crate::WebState;

/// Notices per page.
const PAGE_SIZE: usize = 20;

/// A notice as a row of a list.
pub(crate) struct NoticeRow {
    pub(crate) tender_id: String,
    pub(crate) title: String,
    pub(crate) region_name: String,
    pub(crate) principal_name: String,
    pub(crate) state_label: &'static str,
    pub(crate) state: &'static str,
    pub(crate) published: String,
    pub(crate) published_machine: String,
    pub(crate) deadline: String,
}

impl From<NoticeSummary> for NoticeRow {
    fn from(n: NoticeSummary) -> NoticeRow {
        let published_ms = n.documents_issued_ms.unwrap_or(n.created_at_ms);
        NoticeRow {
            tender_id: n.tender_id,
            title: n.title,
            region_name: n.region_name,
            principal_name: n.principal_name,
            state_label: n.state.label(),
            state: n.state.as_str(),
            published: datetime(published_ms),
            published_machine: machine_datetime(published_ms),
            deadline: n.bid_deadline_ms.map(datetime).unwrap_or_default(),
        }
    }
}

/// The list's query string; every value is text, checked here so that a bad one gets a page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    after: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "notices.html")]
pub(crate) struct NoticeListPage {
    notices: Vec<NoticeRow>,
    regions: Vec<Choice>,
    states: Vec<Choice>,
    methods: Vec<Choice>,
    from: String,
    to: String,
    filtered: bool,
    next_href: Option<String>,
    first_href: Option<String>,
    feed_href: String,
}

pub(crate) async fn list(
    State(state): State<WebState>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<NoticeListPage, PageError> {
    let Query(query) = query.map_err(|_| PageError::bad_query("查询参数格式错误，请使用页面上的筛选条件"))?;
    let region = region_filter(&state, &query.region)?;
    let tender_state = match non_empty(&query.state) {
        Some(s) => Some(
            TenderState::parse(s)
                .filter(|s| *s != TenderState::Draft)
                .ok_or_else(|| PageError::bad_query("项目状态有误，请从列表中选择状态"))?,
        ),
        None => None,
    };
    let method = match non_empty(&query.method) {
        Some(m) => Some(TenderingMethod::parse(m).ok_or_else(|| PageError::bad_query("招标方式有误，请从列表中选择"))?),
        None => None,
    };
    let day = |value: &Option<String>, what: &str| -> Result<Option<i64>, PageError> {
        match non_empty(value) {
            Some(d) => super::format::day_start_ms(d)
                .map(Some)
                .ok_or_else(|| PageError::bad_query(format!("{what}须为日期，格式如 2026-11-24"))),
            None => Ok(None),
        }
    };
    let from_ms = day(&query.from, "发布日期起")?;
    // The "to" day is inclusive: notices published before the next day's start.
    let to_ms = day(&query.to, "发布日期止")?.map(|ms| ms + 86_400_000);
    let filter = NoticeFilter {
        region,
        state: tender_state,
        method,
        published_from_ms: from_ms,
        published_before_ms: to_ms,
        after: non_empty(&query.after).map(str::to_owned),
        limit: PAGE_SIZE,
    };
    let page = state.app.public_notices(&filter).await?;

    let filters = [
        ("region", &query.region),
        ("state", &query.state),
        ("method", &query.method),
        ("from", &query.from),
        ("to", &query.to),
    ];
    let filtered = filters.iter().any(|(_, value)| non_empty(value).is_some());
    let (next_href, first_href) = page_links("/notices", &filters, &query.after, page.next.as_deref());
    let feed_href = feed_href("notices", region.as_ref());
    let regions = region_choices(&state, region.as_ref()).await?;
    // Every state a published tender can be in, labelled by the domain (new states appear by themselves).
    let states = TenderState::ALL
        .into_iter()
        .filter(|s| *s != TenderState::Draft)
        .map(|s| Choice {
            value: s.as_str().to_owned(),
            label: s.label().to_owned(),
            selected: tender_state == Some(s),
        })
        .collect();
    let methods = [TenderingMethod::Open, TenderingMethod::Invited]
        .into_iter()
        .map(|m| Choice { value: m.as_str().to_owned(), label: m.label().to_owned(), selected: method == Some(m) })
        .collect();
    Ok(NoticeListPage {
        notices: page.notices.into_iter().map(NoticeRow::from).collect(),
        regions,
        states,
        methods,
        from: non_empty(&query.from).unwrap_or_default().to_owned(),
        to: non_empty(&query.to).unwrap_or_default().to_owned(),
        filtered,
        next_href,
        first_href,
        feed_href,
    })
}

/// A fact of the notice: label and value.
pub(crate) struct Fact {
    pub(crate) label: &'static str,
    pub(crate) value: String,
}

/// A timeline step as shown.
pub(crate) struct StepRow {
    pub(crate) time: String,
    pub(crate) time_machine: String,
    pub(crate) lot: Option<String>,
    pub(crate) title: String,
    pub(crate) detail: String,
    pub(crate) deadline: Option<DeadlineRow>,
}

/// A step's deadline as shown.
pub(crate) struct DeadlineRow {
    pub(crate) label: String,
    pub(crate) when: String,
    pub(crate) article: String,
    pub(crate) rule: String,
    pub(crate) earliest: String,
    pub(crate) in_time: Option<bool>,
}

/// One line of the opening record.
pub(crate) struct OpeningRow {
    pub(crate) lot: String,
    pub(crate) bidder: String,
    pub(crate) bidder_code: String,
    pub(crate) status: &'static str,
    pub(crate) price: String,
}

#[derive(Template)]
#[template(path = "notice.html")]
pub(crate) struct NoticePage {
    tender_id: String,
    title: String,
    state_label: &'static str,
    facts: Vec<Fact>,
    lots: Vec<(String, String)>,
    steps: Vec<StepRow>,
    opening: Option<Vec<OpeningRow>>,
    hall: Hall,
    principal_code: String,
    agency_code: Option<String>,
    region_code: String,
    results: Vec<ResultView>,
}

fn step_row(step: TimelineStep, lots: &[(String, String)]) -> StepRow {
    let lot = step.lot_id.map(|id| {
        let name = lots.iter().find(|(lot_id, _)| *lot_id == id).map(|(_, name)| name.as_str()).unwrap_or_default();
        format!("标段{id} {name}").trim_end().to_owned()
    });
    let deadline = step.deadline.map(|d| DeadlineRow {
        when: d.at_ms.map(datetime).or(d.day).unwrap_or_default(),
        earliest: d.earliest_ms.map(datetime).unwrap_or_default(),
        label: d.label,
        article: d.article,
        rule: d.rule,
        in_time: d.in_time,
    });
    StepRow {
        time: datetime(step.at_ms),
        time_machine: machine_datetime(step.at_ms),
        lot,
        title: step.title,
        detail: step.detail,
        deadline,
    }
}

/// What the opening hall's script needs: the state it was rendered at (it reloads the page when a
/// live snapshot differs) and the clock.
pub(crate) struct Hall {
    fingerprint: String,
    deadline_ms: i64,
    server_now_ms: i64,
}

/// The opening's observable state, computed the same way by `/static/opening-hall.js` from the
/// live snapshot: state, decrypted and failed lines, escrow shares given, objections (answered),
/// signed or not.
fn fingerprint(view: &OpeningView) -> String {
    let count = |status: &str| view.lines.iter().filter(|line| line.status == status).count();
    let answered = view.objections.iter().filter(|objection| objection.answer.is_some()).count();
    format!(
        "{}|{}|{}|{}|{}/{}|{}",
        view.state.as_str(),
        count("decrypted"),
        count("failed"),
        view.escrow_given,
        view.objections.len(),
        answered,
        u8::from(view.record.is_some())
    )
}

fn opening_status(status: &str) -> &'static str {
    match status {
        "decrypted" => "已解密",
        "failed" => "解密失败",
        "pending" => "待解密",
        _ => "其他",
    }
}

/// A notice page rendered once per read of the app (`App::public_notice_page`, one per log
/// position), split around the one value that is each request's own: the server's clock that the
/// hall's script counts from.
struct Rendered {
    /// Up to and including `data-server-now-ms="`.
    before_now: String,
    /// From the closing quote on.
    after_now: String,
}

/// Tender id → the read a page was rendered from, and the page.
type RenderedPages = HashMap<String, (Arc<NoticePageRead>, Arc<Rendered>)>;

/// Pages rendered: a page is used only for the very read it came from (`Arc::ptr_eq`), so it is
/// exactly as fresh as the app's read.
static RENDERED: LazyLock<Mutex<RenderedPages>> = LazyLock::new(Default::default);
/// Pages kept at most (as the app keeps reads); past this they are dropped and rendered again.
const RENDERED_MAX: usize = 1_024;
/// The attribute holding the server's clock on the page, and the value rendered into a shared page
/// in its place. In quotes after the attribute's name it cannot come from a notice's escaped text.
const NOW_ATTRIBUTE: &str = "data-server-now-ms=\"";
const NOW_PLACEHOLDER: i64 = i64::MIN;

pub(crate) async fn detail(
    State(state): State<WebState>,
    Path(tender_id): Path<String>,
) -> Result<Response, PageError> {
    let read = state.app.public_notice_page(&tender_id).await?;
    let kept = {
        let rendered = RENDERED.lock().unwrap_or_else(PoisonError::into_inner);
        rendered.get(&tender_id).filter(|(from, _)| Arc::ptr_eq(from, &read)).map(|(_, page)| page.clone())
    };
    let rendered = match kept {
        Some(page) => page,
        None => {
            let html = render(&notice_page(&read, NOW_PLACEHOLDER))?;
            let mark = format!("{NOW_ATTRIBUTE}{NOW_PLACEHOLDER}\"");
            let Some(at) = html.find(&mark) else {
                // No clock on the page (the template changed): it is rendered for each request.
                return Ok(html_response(render(&notice_page(&read, state.app.now_ms()))?));
            };
            let page = Arc::new(Rendered {
                before_now: html[..at + NOW_ATTRIBUTE.len()].to_owned(),
                after_now: html[at + mark.len() - 1..].to_owned(),
            });
            let mut rendered = RENDERED.lock().unwrap_or_else(PoisonError::into_inner);
            if rendered.len() >= RENDERED_MAX {
                rendered.clear();
            }
            rendered.insert(tender_id, (read.clone(), page.clone()));
            page
        }
    };
    let now = state.app.now_ms().to_string();
    let mut html = String::with_capacity(rendered.before_now.len() + now.len() + rendered.after_now.len());
    html.push_str(&rendered.before_now);
    html.push_str(&now);
    html.push_str(&rendered.after_now);
    Ok(html_response(html))
}

fn render(page: &NoticePage) -> Result<String, PageError> {
    page.render().map_err(|e| PageError::from(AppError::Internal(format!("rendering the notice page: {e}"))))
}

/// The answer askama's `WebTemplate` gives for a rendered page.
fn html_response(html: String) -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"))], html).into_response()
}

fn notice_page(read: &NoticePageRead, server_now_ms: i64) -> NoticePage {
    let NoticeDetail { tender, region_name, principal_name, agency_name, method, timeline, results } =
        read.detail.clone();
    // The opening record is public once the opening has started; before that the app shows
    // nothing about bids (招标投标法 第二十二条).
    let (opening, fingerprint) = match &read.opening {
        Some(opening) => (Some(opening_rows(opening)), fingerprint(&opening.view)),
        None => (None, "waiting".to_owned()),
    };
    let mut facts = vec![
        Fact { label: "项目编号", value: tender.tender_id.clone() },
        Fact { label: "交易平台", value: region_name },
        Fact { label: "招标人", value: principal_name },
    ];
    if let Some(agency) = agency_name {
        facts.push(Fact { label: "招标代理机构", value: agency });
    }
    if let Some(method) = method {
        facts.push(Fact { label: "招标方式", value: method.label().to_owned() });
    }
    facts.push(Fact { label: "项目状态", value: tender.state.label().to_owned() });
    if let Some(ms) = tender.documents_issued_ms {
        facts.push(Fact { label: "招标文件发出时间", value: datetime(ms) });
    }
    if let Some(ms) = tender.bid_deadline_ms {
        facts.push(Fact { label: "投标截止时间（开标时间）", value: datetime(ms) });
    }
    for (label, fen) in [
        ("招标项目估算价", tender.estimate_fen),
        ("最高投标限价", tender.ceiling_price_fen),
        ("投标保证金", tender.bid_security_fen),
    ] {
        if let Some(fen) = fen {
            facts.push(Fact { label, value: yuan(fen) });
        }
    }
    if let Some(days) = tender.bid_validity_days {
        facts.push(Fact { label: "投标有效期", value: format!("自投标截止之日起{days}日") });
    }
    let steps = timeline.into_iter().map(|s| step_row(s, &tender.lots)).collect();
    let hall = Hall { fingerprint, deadline_ms: tender.bid_deadline_ms.unwrap_or_default(), server_now_ms };
    NoticePage {
        tender_id: tender.tender_id,
        title: tender.title,
        state_label: tender.state.label(),
        facts,
        steps,
        opening,
        hall,
        principal_code: tender.principal_credit_code,
        agency_code: tender.agency_credit_code,
        region_code: tender.region_code,
        results: results.into_iter().map(ResultView::from).collect(),
        lots: tender.lots,
    }
}

fn opening_rows(opening: &PublicOpening) -> Vec<OpeningRow> {
    opening
        .view
        .lines
        .iter()
        .zip(&opening.bidder_names)
        .map(|(line, bidder)| OpeningRow {
            lot: line.lot_id.clone(),
            bidder: bidder.clone(),
            bidder_code: line.bidder_credit_code.clone(),
            status: opening_status(&line.status),
            price: serde_json::from_str::<serde_json::Value>(&line.declared_json)
                .ok()
                .and_then(|v| v.get("price_fen").and_then(serde_json::Value::as_i64))
                .map(yuan)
                .unwrap_or_else(|| "—".to_owned()),
        })
        .collect()
}

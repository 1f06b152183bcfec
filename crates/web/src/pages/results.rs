//! Results: a lot's candidate publicity, award and contract as shown on its notice page, and the
//! results list (`/results`, filters region and kind, cursor paging like `/notices`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use ggzy_app::portal::{LotResult, ResultFilter, ResultKind, ResultParty};
use serde::Deserialize;

use super::PageError;
use super::format::{datetime, machine_datetime, yuan};
use super::listing::{Choice, feed_href, non_empty, page_links, region_choices, region_filter};
use crate::WebState;

/// Results per page.
const PAGE_SIZE: usize = 20;

/// A bidder named in a result, as shown.
pub(crate) struct PartyRow {
    pub(crate) rank: i64,
    pub(crate) name: String,
    pub(crate) credit_code: String,
    pub(crate) price: String,
}

impl From<ResultParty> for PartyRow {
    fn from(p: ResultParty) -> PartyRow {
        PartyRow {
            rank: p.rank,
            name: p.name,
            credit_code: p.credit_code,
            price: p.price_fen.map(yuan).unwrap_or_else(|| "—".to_owned()),
        }
    }
}

/// The publicity as shown.
pub(crate) struct PublicityRow {
    pub(crate) start_day: String,
    /// The last day, or why it is not known.
    pub(crate) ends: String,
    pub(crate) status: &'static str,
}

/// The contract as shown.
pub(crate) struct ContractRow {
    pub(crate) amount: String,
    pub(crate) signed_day: String,
    pub(crate) in_time: bool,
}

/// A lot's results as shown.
pub(crate) struct ResultView {
    pub(crate) tender_id: String,
    pub(crate) title: String,
    pub(crate) lot: String,
    pub(crate) region_name: String,
    pub(crate) kind: &'static str,
    pub(crate) kind_label: &'static str,
    pub(crate) at: String,
    pub(crate) at_machine: String,
    pub(crate) stage_label: &'static str,
    pub(crate) candidates: Vec<PartyRow>,
    pub(crate) publicity: Option<PublicityRow>,
    pub(crate) objections: usize,
    pub(crate) winner: Option<PartyRow>,
    pub(crate) awarded_day: String,
    pub(crate) contract: Option<ContractRow>,
}

impl From<LotResult> for ResultView {
    fn from(r: LotResult) -> ResultView {
        let publicity = r.publicity.map(|p| {
            let ends = match (p.ends_day, p.suspended, p.unknown_reason) {
                (Some(day), _, _) => day.to_string(),
                (None, true, _) => "因异议答复前暂停计算，尚未确定".to_owned(),
                (None, false, Some(reason)) => format!("尚不能确定（{reason}）"),
                (None, false, None) => "尚不能确定".to_owned(),
            };
            let status = if p.over {
                "公示期已满"
            } else if p.suspended {
                "收到异议，公示暂停"
            } else {
                "公示中"
            };
            PublicityRow { start_day: p.start_day.to_string(), ends, status }
        });
        ResultView {
            lot: format!("标段{} {}", r.lot_id, r.lot_name).trim_end().to_owned(),
            tender_id: r.tender_id,
            title: r.title,
            region_name: r.region_name,
            kind: r.kind.as_str(),
            kind_label: r.kind.label(),
            at: datetime(r.at_ms),
            at_machine: machine_datetime(r.at_ms),
            stage_label: r.stage_label,
            candidates: r.candidates.into_iter().map(PartyRow::from).collect(),
            publicity,
            objections: r.objections,
            winner: r.winner.map(PartyRow::from),
            awarded_day: r.awarded_day.unwrap_or_default(),
            contract: r.contract.map(|c| ContractRow {
                amount: yuan(c.amount_fen),
                signed_day: c.signed_day.to_string(),
                in_time: c.in_time,
            }),
        }
    }
}

/// The list's query string; every value is text, checked here so that a bad one gets a page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ResultQuery {
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    after: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "results.html")]
pub(crate) struct ResultListPage {
    results: Vec<ResultView>,
    regions: Vec<Choice>,
    kinds: Vec<Choice>,
    filtered: bool,
    next_href: Option<String>,
    first_href: Option<String>,
    feed_href: String,
}

pub(crate) async fn list(
    State(state): State<WebState>,
    query: Result<Query<ResultQuery>, QueryRejection>,
) -> Result<ResultListPage, PageError> {
    let Query(query) = query.map_err(|_| PageError::bad_query("查询参数格式错误，请使用页面上的筛选条件"))?;
    let region = region_filter(&state, &query.region)?;
    let kind = match non_empty(&query.kind) {
        Some(k) => Some(ResultKind::parse(k).ok_or_else(|| PageError::bad_query("结果类型有误，请从列表中选择"))?),
        None => None,
    };
    let filter = ResultFilter { region, kind, after: non_empty(&query.after).map(str::to_owned), limit: PAGE_SIZE };
    let page = state.app.public_results(&filter).await?;

    let filters = [("region", &query.region), ("kind", &query.kind)];
    let filtered = filters.iter().any(|(_, value)| non_empty(value).is_some());
    let (next_href, first_href) = page_links("/results", &filters, &query.after, page.next.as_deref());
    let feed_href = feed_href("results", region.as_ref());
    let regions = region_choices(&state, region.as_ref()).await?;
    let kinds = ResultKind::ALL
        .into_iter()
        .map(|k| Choice { value: k.as_str().to_owned(), label: k.label().to_owned(), selected: kind == Some(k) })
        .collect();
    Ok(ResultListPage {
        results: page.results.into_iter().map(ResultView::from).collect(),
        regions,
        kinds,
        filtered,
        next_href,
        first_href,
        feed_href,
    })
}

//! The search page (`/search?q=…`): notices and market entities matching a Chinese query, the
//! searched words marked in the titles, facets by state and region to narrow the notices.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use ggzy_domain::tender::TenderState;
use serde::Deserialize;

use super::PageError;
use super::format::{Segment, highlight, query_value};
use super::listing::region_filter;
use super::notices::NoticeRow;
use crate::WebState;

/// Longest query accepted (the index reads at most 100 characters anyway).
const MAX_QUERY_CHARS: usize = 100;

/// Entities shown for a query.
const ENTITY_HITS: i64 = 20;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct SearchQuery {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    state: Option<String>,
}

/// A notice hit: the row and its title cut into marked segments.
pub(crate) struct NoticeHitRow {
    pub(crate) notice: NoticeRow,
    pub(crate) title: Vec<Segment>,
}

/// An entity hit.
pub(crate) struct EntityHitRow {
    pub(crate) credit_code: String,
    pub(crate) name: Vec<Segment>,
    pub(crate) region_name: String,
}

/// A facet link.
pub(crate) struct FacetLink {
    pub(crate) label: String,
    pub(crate) count: usize,
    pub(crate) href: String,
    pub(crate) selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "search.html")]
pub(crate) struct SearchPage {
    q: String,
    searched: bool,
    notices: Vec<NoticeHitRow>,
    entities: Vec<EntityHitRow>,
    states: Vec<FacetLink>,
    regions: Vec<FacetLink>,
    clear_href: Option<String>,
}

pub(crate) async fn search(
    State(state): State<WebState>,
    query: Result<Query<SearchQuery>, QueryRejection>,
) -> Result<SearchPage, PageError> {
    let Query(query) = query.map_err(|_| PageError::bad_query("查询参数格式错误"))?;
    let q = query.q.as_deref().map(str::trim).unwrap_or_default().to_owned();
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(PageError::bad_query(format!("搜索词过长：最多{MAX_QUERY_CHARS}个字")));
    }
    let region = region_filter(&state, &query.region)?;
    let tender_state = match query.state.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(
            TenderState::parse(s)
                .filter(|s| *s != TenderState::Draft)
                .ok_or_else(|| PageError::bad_query("项目状态有误"))?,
        ),
        None => None,
    };
    if q.is_empty() {
        return Ok(SearchPage {
            q,
            searched: false,
            notices: Vec::new(),
            entities: Vec::new(),
            states: Vec::new(),
            regions: Vec::new(),
            clear_href: None,
        });
    }
    let found = state.app.search_notices(&q, region.as_ref(), tender_state).await?;
    let entities = state.app.search_entities(&q, region.as_ref(), ENTITY_HITS).await?;

    let base = format!("/search?q={}", query_value(&q));
    let region_code = region.as_ref().map(|r| r.as_str().to_owned());
    let state_code = tender_state.map(|s| s.as_str());
    let states = found
        .states
        .iter()
        .map(|f| {
            let selected = state_code == Some(f.value.as_str());
            let mut href = base.clone();
            if let Some(r) = &region_code {
                href.push_str(&format!("&region={r}"));
            }
            if !selected {
                href.push_str(&format!("&state={}", query_value(&f.value)));
            }
            FacetLink { label: f.label.clone(), count: f.count, href, selected }
        })
        .collect();
    let regions = found
        .regions
        .iter()
        .map(|f| {
            let selected = region_code.as_deref() == Some(f.value.as_str());
            let mut href = base.clone();
            if !selected {
                href.push_str(&format!("&region={}", query_value(&f.value)));
            }
            if let Some(s) = state_code {
                href.push_str(&format!("&state={s}"));
            }
            FacetLink { label: f.label.clone(), count: f.count, href, selected }
        })
        .collect();
    let words = found.words.clone();
    let notices = found
        .notices
        .into_iter()
        .map(|n| NoticeHitRow { title: highlight(&n.title, &words), notice: NoticeRow::from(n) })
        .collect();
    let entities = entities
        .into_iter()
        .map(|e| EntityHitRow {
            name: highlight(&e.name, &words),
            credit_code: e.credit_code,
            region_name: e.region_name,
        })
        .collect();
    Ok(SearchPage {
        clear_href: (region.is_some() || tender_state.is_some()).then_some(base),
        q,
        searched: true,
        notices,
        entities,
        states,
        regions,
    })
}

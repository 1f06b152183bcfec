//! The public service portal's reads (公共服务平台): published notices with filters and cursor
//! paging, one notice with its procedure's timeline and its lots' results, the results list,
//! notice search, and an entity's notices.
//!
//! Everything here is public: no actor is asked for. What a read returns is what the public API
//! already shows (the tender as published, the opening once it has started); a draft tender is
//! not published yet and is reported as not found. Nothing here names a bidder.

mod notice_page;
mod notice_search;
mod results;
mod timeline;

use ggzy_domain::project::TenderingMethod;
use ggzy_domain::tender::TenderState;
use ggzy_domain::{RegionCode, RegionLevel};
use ggzy_store::tender_projection::TenderRow;

pub use notice_page::{NoticePageRead, NoticePages, PublicOpening};
pub use notice_search::{Facet, NoticeCatalog, NoticeSearch};
pub use results::{LotResult, ResultFilter, ResultKind, ResultPage, ResultParty};
pub use timeline::TimelineStep;

use crate::App;
use crate::error::{AppError, AppResult, FieldError};
use crate::tender::{TenderView, tender_state};

/// Largest page of the notice list.
pub const MAX_PAGE: usize = 100;

/// A published notice as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeSummary {
    /// Tender id.
    pub tender_id: String,
    /// Project title.
    pub title: String,
    /// Region of the platform running it.
    pub region_code: String,
    /// Its full Chinese name.
    pub region_name: String,
    /// The principal's registered name (its code when the name is unknown).
    pub principal_name: String,
    /// Where the procedure stands.
    pub state: TenderState,
    /// Documents first issued (the notice's publication), UTC ms.
    pub documents_issued_ms: Option<i64>,
    /// Bid deadline, UTC ms.
    pub bid_deadline_ms: Option<i64>,
    /// When the tender was created, UTC ms (orders notices that have no publication time yet).
    pub created_at_ms: i64,
    /// Its last recorded change (an amendment, the opening …), UTC ms.
    pub updated_at_ms: i64,
}

/// Filters of the notice list; every one optional.
#[derive(Debug, Clone, Default)]
pub struct NoticeFilter {
    /// Only tenders run by this region's platform or the ones below it.
    pub region: Option<RegionCode>,
    /// Only tenders in this state.
    pub state: Option<TenderState>,
    /// Only tenders of projects tendering by this method.
    pub method: Option<TenderingMethod>,
    /// Published on or after this instant, UTC ms.
    pub published_from_ms: Option<i64>,
    /// Published before this instant, UTC ms.
    pub published_before_ms: Option<i64>,
    /// Cursor: the `next` of the previous page.
    pub after: Option<String>,
    /// Page size (clamped to 1..=[`MAX_PAGE`]).
    pub limit: usize,
}

/// One page of notices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticePage {
    /// Newest first.
    pub notices: Vec<NoticeSummary>,
    /// Cursor of the next page, when there is one.
    pub next: Option<String>,
}

/// A notice as the portal shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeDetail {
    /// The tender as published (the public API's view).
    pub tender: TenderView,
    /// Region name.
    pub region_name: String,
    /// Principal's name.
    pub principal_name: String,
    /// Agency's name, when entrusted.
    pub agency_name: Option<String>,
    /// The project's tendering method, when the project is registered.
    pub method: Option<TenderingMethod>,
    /// Every recorded public step, oldest first.
    pub timeline: Vec<TimelineStep>,
    /// The lots' published results (candidates, award, contract), in lot order.
    pub results: Vec<LotResult>,
}

/// The order of the list: newest publication first, then the tender id; the cursor is this key.
fn sort_key(row: &TenderRow) -> (i64, &str) {
    (row.documents_issued_ms.unwrap_or(row.created_at_ms), row.tender_id.as_str())
}

fn encode_cursor(row: &TenderRow) -> String {
    let (ms, id) = sort_key(row);
    encode_key(ms, id)
}

fn decode_cursor(cursor: &str) -> AppResult<(i64, String)> {
    decode_key(cursor, "after")
}

/// A list cursor: the last row's instant and key, `{ms}_{key}`.
fn encode_key(ms: i64, key: &str) -> String {
    format!("{ms}_{key}")
}

/// Reads a cursor written by [`encode_key`]; anything else (a tampered one) is refused.
fn decode_key(cursor: &str, field: &str) -> AppResult<(i64, String)> {
    let invalid =
        || AppError::Invalid(vec![FieldError::new(field, "invalid_query", "翻页参数无效，请从第一页重新浏览")]);
    let (ms, id) = cursor.split_once('_').ok_or_else(invalid)?;
    let ms = ms.parse::<i64>().map_err(|_| invalid())?;
    if id.is_empty() || id.len() > 100 {
        return Err(invalid());
    }
    Ok((ms, id.to_owned()))
}

fn region_digits(code: &RegionCode) -> &str {
    let digits = match code.level() {
        RegionLevel::Province => 2,
        RegionLevel::Prefecture => 4,
        RegionLevel::County => 6,
    };
    &code.as_str()[..digits]
}

impl App {
    /// Published notices (every tender past its draft), newest first, filtered and paged.
    pub async fn public_notices(&self, filter: &NoticeFilter) -> AppResult<NoticePage> {
        let cursor = filter.after.as_deref().map(decode_cursor).transpose()?;
        let limit = filter.limit.clamp(1, MAX_PAGE);
        let prefix = filter.region.as_ref().map(region_digits);
        // Read from the tender projection; the list and its filters run in memory, which is fine for
        // the thousands of tenders of one platform (the P3/P4 scale needs a store query).
        let mut rows: Vec<TenderRow> = self
            .store
            .tenders(i64::MAX)
            .await?
            .into_iter()
            .filter(|row| row.state != TenderState::Draft.as_str())
            .filter(|row| prefix.is_none_or(|p| row.region_code.starts_with(p)))
            .filter(|row| filter.state.is_none_or(|s| row.state == s.as_str()))
            .filter(|row| {
                let published = row.documents_issued_ms.unwrap_or(row.created_at_ms);
                filter.published_from_ms.is_none_or(|from| published >= from)
                    && filter.published_before_ms.is_none_or(|before| published < before)
            })
            .collect();
        rows.sort_by(|a, b| sort_key(b).cmp(&sort_key(a)));
        if let Some((ms, id)) = &cursor {
            rows.retain(|row| sort_key(row) < (*ms, id.as_str()));
        }
        let mut page = Vec::with_capacity(limit + 1);
        for row in rows {
            if let Some(method) = filter.method
                && self.tender_method(&row).await? != Some(method)
            {
                continue;
            }
            page.push(row);
            if page.len() > limit {
                break;
            }
        }
        let next = (page.len() > limit).then(|| {
            page.truncate(limit);
            page.last().map(encode_cursor)
        });
        let mut notices = Vec::with_capacity(page.len());
        for row in &page {
            notices.push(self.notice_summary(row).await?);
        }
        Ok(NoticePage { notices, next: next.flatten() })
    }

    /// One published notice with its timeline; a draft is not published and is not found.
    pub async fn public_notice(&self, tender_id: &str) -> AppResult<NoticeDetail> {
        let row = self.tender_row(tender_id).await?;
        if tender_state(&row)? == TenderState::Draft {
            return Err(AppError::NotFound { what: "招标公告" });
        }
        let method = self.tender_method(&row).await?;
        let agency_name = match &row.agency_credit_code {
            Some(code) => Some(self.entity_name(code).await?),
            None => None,
        };
        let principal_name = self.entity_name(&row.principal_credit_code).await?;
        let timeline = self.notice_timeline(&row).await?;
        let results = self.tender_results(&row).await?;
        let tender = self.tender(tender_id).await?;
        Ok(NoticeDetail {
            region_name: self.region_name(&tender.region_code),
            tender,
            principal_name,
            agency_name,
            method,
            timeline,
            results,
        })
    }

    /// The published notices of tenders an entity runs as principal or agency, newest first. Its
    /// bids are never listed: who bids is sealed until the opening (招标投标法 第二十二条).
    pub async fn entity_notices(&self, credit_code: &str) -> AppResult<Vec<NoticeSummary>> {
        let mut rows: Vec<TenderRow> = self
            .store
            .tenders(i64::MAX)
            .await?
            .into_iter()
            .filter(|row| row.state != TenderState::Draft.as_str())
            .filter(|row| {
                row.principal_credit_code == credit_code || row.agency_credit_code.as_deref() == Some(credit_code)
            })
            .collect();
        rows.sort_by(|a, b| sort_key(b).cmp(&sort_key(a)));
        let mut notices = Vec::with_capacity(rows.len());
        for row in &rows {
            notices.push(self.notice_summary(row).await?);
        }
        Ok(notices)
    }

    pub(crate) async fn notice_summary(&self, row: &TenderRow) -> AppResult<NoticeSummary> {
        Ok(NoticeSummary {
            tender_id: row.tender_id.clone(),
            title: row.title.clone(),
            region_code: row.region_code.clone(),
            region_name: self.region_name(&row.region_code),
            principal_name: self.entity_name(&row.principal_credit_code).await?,
            state: tender_state(row)?,
            documents_issued_ms: row.documents_issued_ms,
            bid_deadline_ms: row.bid_deadline_ms,
            created_at_ms: row.created_at_ms,
            updated_at_ms: row.updated_at_ms,
        })
    }

    /// The full name of a stored region code (the code itself when the table lacks it).
    pub fn region_name(&self, code: &str) -> String {
        RegionCode::parse(code).ok().and_then(|c| self.regions.full_name(&c)).unwrap_or_else(|| code.to_owned())
    }

    pub(crate) async fn entity_name(&self, credit_code: &str) -> AppResult<String> {
        Ok(self.store.entity(credit_code).await?.map_or_else(|| credit_code.to_owned(), |row| row.name))
    }

    /// The tendering method of the tender's project (`None` for a tender without one).
    async fn tender_method(&self, row: &TenderRow) -> AppResult<Option<TenderingMethod>> {
        let Some(project_id) = row.project_id.as_deref() else { return Ok(None) };
        match self.project(project_id).await {
            Ok(project) => Ok(Some(project.method)),
            Err(AppError::NotFound { .. }) => Ok(None),
            Err(other) => Err(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_and_a_tampered_one_is_refused() {
        assert_eq!(decode_cursor("1795507200000_abc-1").ok(), Some((1_795_507_200_000, "abc-1".to_owned())));
        for bad in ["", "x_abc", "123", "123_", "<script>_1"] {
            assert!(matches!(decode_cursor(bad), Err(AppError::Invalid(_))), "{bad}");
        }
    }
}

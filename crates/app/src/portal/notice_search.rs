//! Chinese full-text search of published notices, kept current from the event log.
//!
//! The index (`ggzy_search::NoticeIndex`) is derived data. It remembers the log position it is
//! current to; a search first reads the watermark and, when the log has grown, re-indexes the
//! tenders whose streams the new events touched (the first search builds it from the tender
//! projection). So no write path has to remember to index, and a search never misses a notice
//! committed before it started.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use ggzy_domain::RegionCode;
use ggzy_domain::tender::TenderState;
use ggzy_search::{NoticeDoc, NoticeIndex};
use ggzy_store::tender_projection::TenderRow;
use tokio::sync::Mutex;

use super::{NoticeSummary, region_digits};
use crate::App;
use crate::error::{AppError, AppResult};
use crate::tender::tender_state;

/// Events read per page while catching up with the log.
const SCAN_PAGE: i64 = 2_000;

/// Most notices a search returns (and counts its facets over).
const MAX_HITS: usize = 200;

/// The trading category of the tenders the platform runs (工程建设项目招标投标).
const NOTICE_CATEGORY: &str = "construction";

/// The notice index and the log position it reflects.
#[derive(Clone)]
pub struct NoticeCatalog {
    index: NoticeIndex,
    /// Every event at or below this position is reflected; 0 = never built.
    synced: Arc<Mutex<i64>>,
}

impl NoticeCatalog {
    /// An empty catalog; built on first use.
    pub fn new() -> AppResult<NoticeCatalog> {
        let index =
            NoticeIndex::in_memory().map_err(|e| AppError::Internal(format!("creating the notice index: {e}")))?;
        Ok(NoticeCatalog { index, synced: Arc::new(Mutex::new(0)) })
    }
}

/// A count of hits sharing one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facet {
    /// The value (a state's or region's code).
    pub value: String,
    /// Its Chinese label.
    pub label: String,
    /// Hits with it.
    pub count: usize,
}

/// The answer to a notice search.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NoticeSearch {
    /// Best first.
    pub notices: Vec<NoticeSummary>,
    /// The words matched (to mark in the titles).
    pub words: Vec<String>,
    /// Hits per state, in the order of `TenderState::ALL`.
    pub states: Vec<Facet>,
    /// Hits per region, by code.
    pub regions: Vec<Facet>,
}

impl App {
    /// Published notices matching a Chinese query, optionally in one region (and those below)
    /// and in one state; facets count the hits by state and region before the state filter.
    pub async fn search_notices(
        &self,
        query: &str,
        region: Option<&RegionCode>,
        state: Option<TenderState>,
    ) -> AppResult<NoticeSearch> {
        self.sync_notice_index().await?;
        let index = self.notices.index.clone();
        let query = query.to_owned();
        let prefix = region.map(|r| region_digits(r).to_owned());
        let results = tokio::task::spawn_blocking(move || index.search(&query, prefix.as_deref(), MAX_HITS))
            .await
            .map_err(|e| AppError::Internal(format!("search task: {e}")))?
            .map_err(|e| AppError::Internal(format!("notice search: {e}")))?;
        let mut hits = Vec::with_capacity(results.hits.len());
        for hit in &results.hits {
            // A tender is never deleted; skip rather than fail if one ever vanished.
            if let Some(row) = self.store.tender(&hit.tender_id).await? {
                hits.push(self.notice_summary(&row).await?);
            }
        }
        let mut by_state: BTreeMap<&str, usize> = BTreeMap::new();
        let mut by_region: BTreeMap<String, usize> = BTreeMap::new();
        for hit in &hits {
            *by_state.entry(hit.state.as_str()).or_default() += 1;
            *by_region.entry(hit.region_code.clone()).or_default() += 1;
        }
        let states = TenderState::ALL
            .into_iter()
            .filter_map(|s| {
                by_state.get(s.as_str()).map(|&count| Facet {
                    value: s.as_str().to_owned(),
                    label: s.label().to_owned(),
                    count,
                })
            })
            .collect();
        let regions = by_region
            .into_iter()
            .map(|(code, count)| Facet { label: self.region_name(&code), value: code, count })
            .collect();
        let notices = hits.into_iter().filter(|n| state.is_none_or(|s| n.state == s)).collect();
        Ok(NoticeSearch { notices, words: results.words, states, regions })
    }

    /// Rebuilds the notice index from the tender projection, `chunk` notices per commit, calling
    /// `progress(done, total)` after each; returns how many notices it holds. The index is then
    /// current to the watermark read before the projection, as after a first search.
    pub async fn rebuild_notice_index(
        &self,
        chunk: usize,
        mut progress: impl FnMut(usize, usize) + Send,
    ) -> AppResult<usize> {
        let mut synced = self.notices.synced.lock().await;
        let watermark = self.store.watermark().await?;
        let rows: Vec<TenderRow> = self.store.tenders(i64::MAX).await?.into_iter().filter(is_published).collect();
        let total = rows.len();
        let mut done = 0;
        progress(done, total);
        for part in rows.chunks(chunk.max(1)) {
            let mut docs = Vec::with_capacity(part.len());
            for row in part {
                docs.push(self.notice_doc(row).await?);
            }
            let index = self.notices.index.clone();
            tokio::task::spawn_blocking(move || index.upsert_many(&docs))
                .await
                .map_err(|e| AppError::Internal(format!("indexing task: {e}")))?
                .map_err(|e| AppError::Internal(format!("indexing notices: {e}")))?;
            done += part.len();
            progress(done, total);
        }
        *synced = watermark;
        Ok(total)
    }

    /// Brings the notice index up to the log's watermark.
    async fn sync_notice_index(&self) -> AppResult<()> {
        let mut synced = self.notices.synced.lock().await;
        let watermark = self.store.watermark().await?;
        if watermark <= *synced {
            return Ok(());
        }
        let rows = if *synced == 0 {
            // The projections reflect at least the watermark read above.
            self.store.tenders(i64::MAX).await?
        } else {
            let mut touched = BTreeSet::new();
            let mut after = *synced;
            while after < watermark {
                let events = self.store.scan(after, SCAN_PAGE).await?;
                let Some(last) = events.last() else { break };
                after = last.position;
                touched.extend(
                    events
                        .iter()
                        .filter(|e| e.position <= watermark)
                        .filter_map(|e| e.stream_id.strip_prefix("tender-").map(str::to_owned)),
                );
            }
            let mut rows = Vec::with_capacity(touched.len());
            for tender_id in touched {
                rows.extend(self.store.tender(&tender_id).await?);
            }
            rows
        };
        let mut docs = Vec::with_capacity(rows.len());
        for row in rows.iter().filter(|row| is_published(row)) {
            docs.push(self.notice_doc(row).await?);
        }
        let index = self.notices.index.clone();
        tokio::task::spawn_blocking(move || index.upsert_many(&docs))
            .await
            .map_err(|e| AppError::Internal(format!("indexing task: {e}")))?
            .map_err(|e| AppError::Internal(format!("indexing notices: {e}")))?;
        *synced = watermark;
        Ok(())
    }

    async fn notice_doc(&self, row: &TenderRow) -> AppResult<NoticeDoc> {
        let lot_names = self.store.tender_lots(&row.tender_id).await?.into_iter().map(|lot| lot.name).collect();
        let summary = self.notice_summary(row).await?;
        let method = self.tender_method(row).await?;
        Ok(NoticeDoc {
            tender_id: row.tender_id.clone(),
            title: row.title.clone(),
            lot_names,
            region_code: row.region_code.clone(),
            region_name: summary.region_name,
            principal_name: summary.principal_name,
            // Every tender here runs under 招标投标法: construction tendering (GLOSSARY `Category`).
            category: NOTICE_CATEGORY.to_owned(),
            method: method.map(|m| m.as_str().to_owned()).unwrap_or_default(),
            status: summary.state.as_str().to_owned(),
            published_ms: summary.documents_issued_ms,
            // The notice's text is not stored apart from its fields yet.
            body: None,
        })
    }
}

/// A draft is not published: it is neither listed nor found. Tenders never return to draft, so
/// a notice once indexed stays.
fn is_published(row: &TenderRow) -> bool {
    tender_state(row).is_ok_and(|state| state != TenderState::Draft)
}

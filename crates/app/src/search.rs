//! Chinese full-text search of market entities. The index is derived data: rebuilt from the
//! projection at startup and updated after each write; the database stays the record.

use ggzy_domain::{RegionCode, RegionLevel};
use ggzy_search::EntityDoc;

use crate::App;
use crate::entity::EntityView;
use crate::error::{AppError, AppResult};

/// Rows read per page while rebuilding.
const REBUILD_PAGE: i64 = 500;

fn doc(view: &EntityView) -> EntityDoc {
    EntityDoc {
        credit_code: view.credit_code.clone(),
        name: view.name.clone(),
        region_code: view.region_code.clone(),
        region_name: view.region_name.clone(),
        legal_rep_name: view.legal_rep_name.clone(),
    }
}

fn region_prefix(code: &RegionCode) -> String {
    let digits = match code.level() {
        RegionLevel::Province => 2,
        RegionLevel::Prefecture => 4,
        RegionLevel::County => 6,
    };
    code.as_str()[..digits].to_owned()
}

impl App {
    /// Indexes every entity of the store; returns how many.
    pub async fn rebuild_search_index(&self) -> AppResult<usize> {
        let mut after: Option<String> = None;
        let mut total = 0;
        loop {
            let page = self.list_entities(None, after.as_deref(), REBUILD_PAGE).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.credit_code.clone());
            total += page.len();
            let docs: Vec<EntityDoc> = page.iter().map(doc).collect();
            let index = self.search.clone();
            tokio::task::spawn_blocking(move || index.upsert_many(&docs))
                .await
                .map_err(|e| AppError::Internal(format!("indexing task: {e}")))?
                .map_err(|e| AppError::Internal(format!("indexing entities: {e}")))?;
        }
        Ok(total)
    }

    /// Updates the index after a write. A failure is logged, not returned: the write itself is
    /// committed, and a restart rebuilds the index.
    pub(crate) async fn index_entity(&self, view: &EntityView) {
        let index = self.search.clone();
        let doc = doc(view);
        match tokio::task::spawn_blocking(move || index.upsert(&doc)).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => tracing::warn!(error = %error, "indexing an entity failed"),
            Err(error) => tracing::warn!(error = %error, "indexing task failed"),
        }
    }

    /// Entities matching a Chinese query (every word must match the name, region or legal
    /// representative; a credit code or its first 6+ characters also match), best first.
    pub async fn search_entities(
        &self,
        query: &str,
        region: Option<&RegionCode>,
        limit: i64,
    ) -> AppResult<Vec<EntityView>> {
        let index = self.search.clone();
        let query = query.to_owned();
        let prefix = region.map(region_prefix);
        let limit = usize::try_from(limit.clamp(1, 200)).unwrap_or(50);
        let hits = tokio::task::spawn_blocking(move || index.search(&query, prefix.as_deref(), limit))
            .await
            .map_err(|e| AppError::Internal(format!("search task: {e}")))?
            .map_err(|e| AppError::Internal(format!("search: {e}")))?;
        let mut views = Vec::with_capacity(hits.len());
        for hit in hits {
            // A hit whose entity vanished cannot happen today (entities are never deleted); skip it
            // rather than fail the whole search if it ever does.
            if let Some(row) = self.store.entity(&hit.credit_code).await? {
                views.push(self.public_entity_view(row));
            }
        }
        Ok(views)
    }
}

//! `ggzy reindex`: rebuilds the search indexes (market entities and published notices) from the
//! database, printing progress to standard error.
//!
//! The indexes are derived data held in memory by each server process, which rebuilds them at
//! start and keeps them current from the log; they are never the record. This command does the
//! same rebuild against a database, offline, so that an operator can check that every entity and
//! notice indexes from the record alone, and see how long a rebuild takes at the platform's size,
//! without touching the running server. It writes nothing.

use std::io::Write as _;
use std::time::{Duration, Instant};

use crate::config::Config;

/// Notices per index commit (and per progress line).
const NOTICE_CHUNK: usize = 500;

/// What a rebuild indexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReindexSummary {
    /// Market entities indexed.
    pub entities: usize,
    /// Published notices indexed.
    pub notices: usize,
    /// Time taken.
    pub elapsed: Duration,
}

/// Rebuilds both indexes from `config`'s database.
pub async fn reindex_with_config(config: &Config) -> anyhow::Result<ReindexSummary> {
    let started = Instant::now();
    let app = crate::server::offline_app(config).await?;
    eprintln!("indexing market entities …");
    let entities = app.rebuild_search_index().await.map_err(|e| anyhow::anyhow!("indexing entities: {e}"))?;
    eprintln!("entities: {entities} indexed");
    let notices = app
        .rebuild_notice_index(NOTICE_CHUNK, |done, total| {
            // One counter line per chunk: readable in a terminal and in a CI log alike.
            let _ = writeln!(std::io::stderr(), "notices: {done}/{total}");
        })
        .await
        .map_err(|e| anyhow::anyhow!("indexing notices: {e}"))?;
    app.store().close().await;
    Ok(ReindexSummary { entities, notices, elapsed: started.elapsed() })
}

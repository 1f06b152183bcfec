//! Reading the event log: the change feed with its watermark, and full scans for `verify`.

use sqlx::{AssertSqlSafe, Row};

use crate::connect::Store;
use crate::error::StoreResult;
use crate::event::{EVENT_COLUMNS, StoredEvent, event_from_row};
use crate::read::RegionRange;

/// A page of the change feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedPage {
    /// Events after the cursor, in position order, at most the limit.
    pub events: Vec<StoredEvent>,
    /// Every position up to here is committed and was considered for this page.
    pub watermark: i64,
    /// Cursor for the next page: resume after this position.
    pub next_after: i64,
}

impl Store {
    /// The highest committed position (0 for an empty log). Appends commit in position order (one
    /// appender, and an advisory lock on PostgreSQL), so no position below it can appear later.
    pub async fn watermark(&self) -> StoreResult<i64> {
        let row = sqlx::query("SELECT COALESCE(MAX(position), 0) FROM event").fetch_one(self.pool()).await?;
        Ok(row.try_get(0)?)
    }

    /// Events after `after`, up to `limit`, optionally only those in some region ranges.
    ///
    /// The watermark is read first and bounds the page, so a reader resuming from `next_after`
    /// never skips a row: everything at or below the watermark was already visible.
    pub async fn feed(&self, after: i64, limit: i64, regions: Option<&[RegionRange]>) -> StoreResult<FeedPage> {
        let watermark = self.watermark().await?;
        let mut sql = format!("SELECT {EVENT_COLUMNS} FROM event WHERE position > $1 AND position <= $2");
        let mut next = 3;
        if let Some(ranges) = regions {
            if ranges.is_empty() {
                return Ok(FeedPage { events: Vec::new(), watermark, next_after: watermark.max(after) });
            }
            sql.push_str(&format!(" AND {}", crate::read::region_clause(ranges, &mut next)));
        }
        sql.push_str(&format!(" ORDER BY position LIMIT ${next}"));
        // Only numbered placeholders are spliced in; every value is bound.
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(after).bind(watermark);
        for range in regions.unwrap_or(&[]) {
            query = query.bind(range.low.as_str()).bind(range.high.as_str());
        }
        let rows = query.bind(limit).fetch_all(self.pool()).await?;
        let events: Vec<StoredEvent> = rows.iter().map(event_from_row).collect::<Result<_, _>>()?;
        let full_page = i64::try_from(events.len()).unwrap_or(i64::MAX) >= limit;
        let next_after = match events.last() {
            Some(last) if full_page => last.position,
            _ => watermark.max(after),
        };
        Ok(FeedPage { events, watermark, next_after })
    }

    /// All events after `after` in position order, up to `limit`, with no filter (for `verify`).
    pub async fn scan(&self, after: i64, limit: i64) -> StoreResult<Vec<StoredEvent>> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM event WHERE position > $1 ORDER BY position LIMIT $2");
        let rows = sqlx::query(AssertSqlSafe(sql)).bind(after).bind(limit).fetch_all(self.pool()).await?;
        Ok(rows.iter().map(event_from_row).collect::<Result<_, _>>()?)
    }

    /// The events of one stream, in version order.
    pub async fn stream(&self, stream_id: &str) -> StoreResult<Vec<StoredEvent>> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM event WHERE stream_id = $1 ORDER BY stream_version");
        let rows = sqlx::query(AssertSqlSafe(sql)).bind(stream_id).fetch_all(self.pool()).await?;
        Ok(rows.iter().map(event_from_row).collect::<Result<_, _>>()?)
    }
}

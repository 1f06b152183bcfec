//! The audit view of the record: the event change feed, scoped to the regions a reader oversees.

use ggzy_domain::authz::{self, Action};
use ggzy_store::feed::FeedPage;

use crate::App;
use crate::actor::{Actor, Credential};
use crate::error::{AppError, AppResult};
use crate::regions::region_range;

/// Most events one feed page returns.
pub const FEED_PAGE_MAX: i64 = 1000;

impl App {
    /// Events after `after` in the regions the actor may audit, with the feed's watermark.
    pub async fn event_feed(&self, actor: &Actor, after: i64, limit: i64) -> AppResult<FeedPage> {
        let limit = limit.clamp(1, FEED_PAGE_MAX);
        if actor.credential == Credential::System {
            return Ok(self.store.feed(after.max(0), limit, None).await?);
        }
        let ranges: Vec<_> = actor
            .grants
            .iter()
            .filter(|grant| authz::authorize(&[**grant], Action::ReadEventLog, &grant.region).is_ok())
            .map(|grant| region_range(&grant.region))
            .collect();
        if ranges.is_empty() {
            return Err(AppError::Forbidden(authz::Denied { action: Action::ReadEventLog, region: actor.region }));
        }
        Ok(self.store.feed(after.max(0), limit, Some(&ranges)).await?)
    }
}

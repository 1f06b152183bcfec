//! The audit view of the record: the event change feed, scoped to the regions a reader oversees.
//!
//! Events that name potential bidders (registrations, bids, withdrawals, pre-qualification
//! applications and results, two-stage proposals) stay sealed in the feed until their tender's
//! opening: the reader sees the position, type and hash (so the chain and the count of log entries
//! stay checkable) but not the stream, the actor or the payload (法 22: the names of potential
//! bidders are kept secret; DESIGN §5).

use std::collections::HashMap;

use ggzy_domain::authz::{self, Action, BidVisibility, bid_visibility};
use ggzy_domain::tender::TenderState;
use ggzy_store::StoredEvent;
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
        let mut page = self.store.feed(after.max(0), limit, Some(&ranges)).await?;
        self.seal_bidder_events(actor, &mut page.events).await?;
        self.seal_sale_bidders(&mut page.events).await?;
        self.seal_procurement_offers(&mut page.events).await?;
        Ok(page)
    }

    /// Who applied to a sale, which paddle each holds, and who handed in a sealed tender bid stay
    /// sealed until its bidding is over: paddles keep bidders anonymous while they bid (DESIGN §5),
    /// for every reader.
    async fn seal_sale_bidders(&self, events: &mut [StoredEvent]) -> AppResult<()> {
        let mut over: HashMap<String, bool> = HashMap::new();
        for event in events.iter_mut().filter(|event| SEALED_UNTIL_SALE_ENDS.contains(&event.event_type.as_str())) {
            let payload: serde_json::Value = serde_json::from_str(&event.payload).unwrap_or_default();
            let sale_id = payload["sale_id"].as_str().unwrap_or_default().to_owned();
            let is_over = match over.get(&sale_id) {
                Some(is_over) => *is_over,
                None => {
                    let is_over = self.sale(&sale_id).await.is_ok_and(|view| view.phase.bidding_over());
                    over.insert(sale_id, is_over);
                    is_over
                }
            };
            if !is_over {
                seal(event, "sealed_until_bidding_ends");
            }
        }
        Ok(())
    }

    /// Who sealed an offer in a procurement stays sealed until the offers' deadline passed: the
    /// commitment hides the price, the event would still name the supplier.
    async fn seal_procurement_offers(&self, events: &mut [StoredEvent]) -> AppResult<()> {
        let mut readable: HashMap<String, bool> = HashMap::new();
        for event in events.iter_mut().filter(|event| event.event_type == "ProcurementOfferSealed") {
            let payload: serde_json::Value = serde_json::from_str(&event.payload).unwrap_or_default();
            let procurement_id = payload["procurement_id"].as_str().unwrap_or_default().to_owned();
            let round = payload["round"].as_u64().unwrap_or_default();
            let key = format!("{procurement_id}/{round}");
            let open = match readable.get(&key) {
                Some(open) => *open,
                None => {
                    let open = self.procurement(&procurement_id).await.is_ok_and(|view| {
                        u64::from(view.round) > round || view.offers.is_some() && u64::from(view.round) == round
                    });
                    readable.insert(key, open);
                    open
                }
            };
            if !open {
                seal(event, "sealed_until_offers_due");
            }
        }
        Ok(())
    }

    async fn seal_bidder_events(&self, reader: &Actor, events: &mut [StoredEvent]) -> AppResult<()> {
        let mut states: HashMap<String, bool> = HashMap::new();
        for event in events.iter_mut().filter(|event| SEALED_UNTIL_OPENING.contains(&event.event_type.as_str())) {
            let payload: serde_json::Value = serde_json::from_str(&event.payload).unwrap_or_default();
            let tender_id = payload["tender_id"].as_str().unwrap_or_default().to_owned();
            let sealed = match states.get(&tender_id) {
                Some(sealed) => *sealed,
                None => {
                    let state = self.store.tender(&tender_id).await?.and_then(|row| TenderState::parse(&row.state));
                    let sealed = state.is_none_or(|state| {
                        reader.grants.iter().all(|grant| bid_visibility(grant.role, state) == BidVisibility::Nothing)
                    });
                    states.insert(tender_id, sealed);
                    sealed
                }
            };
            if sealed {
                seal(event, "sealed_until_opening");
            }
        }
        Ok(())
    }
}

/// Replaces what an event says (its stream, actor and payload) by its type and `marker`.
fn seal(event: &mut StoredEvent, marker: &str) {
    event.stream_id = "sealed".to_owned();
    event.actor = "sealed".to_owned();
    event.payload = format!(r#"{{"type":"{}","{marker}":true}}"#, event.event_type);
}

/// Event types of a sale that name its bidders.
const SEALED_UNTIL_SALE_ENDS: [&str; 3] = ["SaleApplied", "SaleBidderAdmitted", "SaleSealedBidSubmitted"];

/// Event types that name potential bidders before the opening: registrations, bids and
/// withdrawals, pre-qualification applicants, and two-stage tenders' proposers.
const SEALED_UNTIL_OPENING: [&str; 7] = [
    "BidderRegistered",
    "BidSubmitted",
    "BidWithdrawn",
    "PrequalificationApplied",
    "PrequalificationRecorded",
    "TechnicalProposalSubmitted",
    "TechnicalProposalsClosed",
];

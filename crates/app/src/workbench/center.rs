//! The trading centre staff's workbench (交易中心工作台): the opening sessions of the centre's regions
//! (开标场次) — tenders whose bid deadline is near or has passed and whose opening record is not
//! signed yet — with the sealed bids' count once the deadline passed (never who bid: 招标投标法
//! 第二十二条), the escrow shares handed in, and the land and property sales taking bids.
//!
//! The code knows no venue (开标室): an opening is the online session of its tender, so a session
//! is a tender, not a room booking.

use ggzy_domain::Role;
use ggzy_domain::authz::{Action, Denied};
use ggzy_domain::sale::SalePhase;
use ggzy_domain::tender::TenderState;
use ggzy_store::read::RegionRange;
use ggzy_store::tender_projection::TenderRow;

use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::events::{Event, stream};
use crate::regions::in_ranges;
use crate::regions::region_range;
use crate::tender::tender_state;
use crate::workbench::regulator::MonitoredSale;

/// How far ahead a bid deadline makes an opening session worth preparing.
pub const UPCOMING_DAYS: i64 = 7;
const DAY_MS: i64 = 86_400_000;

/// Where an opening session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStage {
    /// Bids are still taken; the opening starts at the deadline.
    Upcoming,
    /// The deadline passed; the principal or agency has not started the opening yet.
    AwaitingStart,
    /// The opening runs: bidders decrypt, escrow officials hand in their shares.
    Running,
}

impl SessionStage {
    /// Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            SessionStage::Upcoming => "待开标（投标截止前）",
            SessionStage::AwaitingStart => "已截止，待招标人或代理机构开始开标",
            SessionStage::Running => "开标中",
        }
    }
}

/// The signed-in official's own escrow share of a session's opening key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OwnShare {
    /// Its x-coordinate.
    pub share_index: i64,
    /// Handed in already.
    pub given: bool,
}

/// One opening session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpeningSession {
    /// Tender.
    pub tender_id: String,
    /// Project title.
    pub title: String,
    /// Region running it.
    pub region_code: String,
    /// Bid deadline (the opening time), UTC ms.
    pub bid_deadline_ms: i64,
    /// Where the session stands.
    pub stage: SessionStage,
    /// Sealed bids received, once the deadline passed (`None` before: not even their number).
    pub sealed_bids: Option<usize>,
    /// Bids decrypted so far (while the opening runs).
    pub decrypted: usize,
    /// Shares needed to open by escrow, when the key ceremony set them.
    pub escrow_threshold: Option<i64>,
    /// Officials holding a share.
    pub escrow_holders: usize,
    /// Shares handed in so far (while the opening runs), the quorum's once it was reached.
    pub escrow_given: usize,
    /// The shares handed in reached the threshold and the key opened the bids (the shares are
    /// cleared then; the tender's stream names who gave them).
    pub escrow_quorum_reached: bool,
    /// The signed-in official's share, if it holds one.
    pub own_share: Option<OwnShare>,
}

/// Everything the centre's workbench shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CenterDesk {
    /// The centre's region codes (ranges' lowest code).
    pub regions: Vec<String>,
    /// Opening sessions, soonest deadline first.
    pub sessions: Vec<OpeningSession>,
    /// Sales taking bids or paused, soonest end first.
    pub sales: Vec<MonitoredSale>,
    /// The server's clock, UTC ms.
    pub server_now_ms: i64,
}

/// The stage of a tender's opening, if it is a session to show at `now_ms`.
fn stage(state: TenderState, deadline_ms: i64, now_ms: i64) -> Option<SessionStage> {
    match state {
        TenderState::Opening => Some(SessionStage::Running),
        TenderState::Bidding if deadline_ms <= now_ms => Some(SessionStage::AwaitingStart),
        TenderState::Bidding if deadline_ms <= now_ms + UPCOMING_DAYS * DAY_MS => Some(SessionStage::Upcoming),
        _ => None,
    }
}

impl App {
    /// The centre staff's workbench: only the regions of its `CenterStaff` grants.
    pub async fn center_desk(&self, actor: &Actor) -> AppResult<CenterDesk> {
        let ranges: Vec<RegionRange> = actor
            .grants
            .iter()
            .filter(|grant| grant.role == Role::CenterStaff)
            .map(|grant| region_range(&grant.region))
            .collect();
        if ranges.is_empty() {
            return Err(AppError::Forbidden(Denied { action: Action::EscrowOpening, region: actor.region }));
        }
        let now_ms = self.now_ms();
        let mut sessions = Vec::new();
        for row in self.store.tenders(i64::MAX).await? {
            if !in_ranges(&row.region_code, &ranges) {
                continue;
            }
            let Some(deadline_ms) = row.bid_deadline_ms else { continue };
            if let Some(stage) = stage(tender_state(&row)?, deadline_ms, now_ms) {
                sessions.push(self.opening_session(actor, row, deadline_ms, stage).await?);
            }
        }
        sessions.sort_by_key(|session| session.bid_deadline_ms);
        Ok(CenterDesk {
            regions: ranges.iter().map(|range| range.low.clone()).collect(),
            sessions,
            sales: self.live_sales(&ranges).await?,
            server_now_ms: now_ms,
        })
    }

    async fn opening_session(
        &self,
        actor: &Actor,
        row: TenderRow,
        deadline_ms: i64,
        stage: SessionStage,
    ) -> AppResult<OpeningSession> {
        let tender_id = row.tender_id.as_str();
        let sealed_bids = if stage == SessionStage::Upcoming {
            None
        } else {
            Some(self.store.submitted_bids(tender_id).await?.len())
        };
        let (decrypted, quorum, given) = if stage == SessionStage::Running {
            let openings = self.store.bid_openings(tender_id).await?;
            let decrypted = openings.iter().filter(|o| o.status == "decrypted").count();
            let given: Vec<String> =
                self.store.given_shares(tender_id).await?.into_iter().map(|(official, _, _)| official).collect();
            (decrypted, self.escrow_quorum(tender_id).await?, given)
        } else {
            (0, None, Vec::new())
        };
        let escrow_quorum_reached = quorum.is_some();
        let given = quorum.unwrap_or(given);
        let holders = self.store.escrow_shares(tender_id).await?;
        let own_share = holders
            .iter()
            .find(|share| share.official_user_id == actor.user_id)
            .map(|share| OwnShare { share_index: share.share_index, given: given.contains(&actor.user_id) });
        Ok(OpeningSession {
            tender_id: row.tender_id.clone(),
            title: row.title,
            region_code: row.region_code,
            bid_deadline_ms: deadline_ms,
            stage,
            sealed_bids,
            decrypted,
            escrow_threshold: row.escrow_threshold,
            escrow_holders: holders.len(),
            escrow_given: given.len(),
            escrow_quorum_reached,
            own_share,
        })
    }

    /// The officials whose shares reached the threshold, once they did (`EscrowQuorumReached`).
    async fn escrow_quorum(&self, tender_id: &str) -> AppResult<Option<Vec<String>>> {
        for stored in self.store.stream(&stream::tender(tender_id)).await?.into_iter().rev() {
            if stored.event_type != "EscrowQuorumReached" {
                continue;
            }
            let event: Event = serde_json::from_str(&stored.payload)
                .map_err(|e| AppError::Internal(format!("stored event {}: {e}", stored.position)))?;
            if let Event::EscrowQuorumReached { official_user_ids, .. } = event {
                return Ok(Some(official_user_ids));
            }
        }
        Ok(None)
    }

    /// The region's sales taking bids (or paused, or opening sealed bids), soonest end first.
    async fn live_sales(&self, ranges: &[RegionRange]) -> AppResult<Vec<MonitoredSale>> {
        let mut sales = self.monitored_sales(ranges).await?;
        sales.retain(|sale| matches!(sale.phase, SalePhase::Bidding | SalePhase::Opening | SalePhase::Paused));
        sales.sort_by_key(|sale| sale.ends_at_ms);
        Ok(sales)
    }
}

//! The bidder's workbench (投标人工作台): the market entities the user acts for, the lots taking
//! registrations, the lots it registered for with its sealed bid's status, and where to upload.

use ggzy_domain::tender::TenderState;
use ggzy_store::tender_projection::TenderRow;

use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::tender::tender_state;

/// Most open tenders listed (the notice list pages through the rest).
const OPEN_TENDERS_SHOWN: usize = 50;

/// A market entity the user acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskEntity {
    /// 统一社会信用代码.
    pub credit_code: String,
    /// Registered name (the code when the entity is unknown).
    pub name: String,
}

/// A lot of a tender taking registrations, with the user's entities not yet registered for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenLot {
    /// Tender.
    pub tender_id: String,
    /// Project title.
    pub title: String,
    /// Lot.
    pub lot_id: String,
    /// Lot name.
    pub lot_name: String,
    /// Bid deadline, UTC ms.
    pub bid_deadline_ms: i64,
    /// The user's entities that may still register (credit codes).
    pub unregistered: Vec<String>,
}

/// The current sealed bid of a registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskBid {
    /// `submitted` or `withdrawn`.
    pub status: String,
    /// The SM3 digest the bidder signed (hex).
    pub envelope_digest: String,
    /// Size of the stored envelope.
    pub size_bytes: i64,
    /// Server time at ingest, UTC ms.
    pub received_at_ms: i64,
}

/// A lot the user's entity registered for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskRegistration {
    /// Tender.
    pub tender_id: String,
    /// Project title.
    pub title: String,
    /// Where the tender stands.
    pub state: TenderState,
    /// Lot.
    pub lot_id: String,
    /// Lot name.
    pub lot_name: String,
    /// The registered entity.
    pub bidder: DeskEntity,
    /// When it registered, UTC ms.
    pub registered_at_ms: i64,
    /// Bid deadline, UTC ms.
    pub bid_deadline_ms: Option<i64>,
    /// Still taking bids (state and deadline, on the server's clock).
    pub accepting: bool,
    /// Its current sealed bid, if any.
    pub bid: Option<DeskBid>,
}

/// Everything the bidder's workbench shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BidderDesk {
    /// The entities the user acts for.
    pub entities: Vec<DeskEntity>,
    /// Lots taking registrations, soonest deadline first.
    pub open: Vec<OpenLot>,
    /// The user's registrations, newest first.
    pub registrations: Vec<DeskRegistration>,
    /// The server's clock, UTC ms.
    pub server_now_ms: i64,
}

/// The tender documents a registered bidder downloads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenderDocuments {
    /// The tender as published.
    pub tender: crate::tender::TenderView,
    /// The evaluation method and scoring table of the notice.
    pub evaluation: Option<crate::events::EvaluationTermsDetails>,
    /// Every public step, oldest first (clarifications and amendments among them).
    pub steps: Vec<crate::portal::TimelineStep>,
}

fn accepting(row: &TenderRow, now_ms: i64) -> bool {
    row.state == TenderState::Bidding.as_str() && row.bid_deadline_ms.is_some_and(|deadline| now_ms < deadline)
}

impl App {
    /// The bidder's workbench of a signed-in user: only its own entities' registrations and bids.
    pub async fn bidder_desk(&self, actor: &Actor) -> AppResult<BidderDesk> {
        let now_ms = self.now_ms();
        let mut entities = Vec::with_capacity(actor.entities.len());
        for code in &actor.entities {
            let name = self.entity_name(code).await?;
            entities.push(DeskEntity { credit_code: code.clone(), name });
        }

        let mut registrations = Vec::new();
        let mut registered = std::collections::HashSet::new();
        for entity in &entities {
            for (tender_id, lot_id, registered_at_ms) in self.store.registrations_of(&entity.credit_code).await? {
                let Some(row) = self.store.tender(&tender_id).await? else { continue };
                let lot_name = self.lot_name(&tender_id, &lot_id).await?;
                let bid = self.store.bid(&tender_id, &lot_id, &entity.credit_code).await?.map(|found| DeskBid {
                    status: found.status,
                    envelope_digest: hex::encode(&found.bid.envelope_digest),
                    size_bytes: found.bid.size_bytes,
                    received_at_ms: found.bid.received_at_ms,
                });
                registered.insert((tender_id.clone(), lot_id.clone(), entity.credit_code.clone()));
                registrations.push(DeskRegistration {
                    state: tender_state(&row)?,
                    accepting: accepting(&row, now_ms),
                    title: row.title,
                    bid_deadline_ms: row.bid_deadline_ms,
                    tender_id,
                    lot_id,
                    lot_name,
                    bidder: entity.clone(),
                    registered_at_ms,
                    bid,
                });
            }
        }
        registrations.sort_by_key(|r| std::cmp::Reverse(r.registered_at_ms));

        let mut taking: Vec<TenderRow> =
            self.store.tenders(i64::MAX).await?.into_iter().filter(|row| accepting(row, now_ms)).collect();
        taking.sort_by_key(|row| row.bid_deadline_ms);
        let mut open = Vec::new();
        for row in taking.into_iter().take(OPEN_TENDERS_SHOWN) {
            for lot in self.store.tender_lots(&row.tender_id).await? {
                let unregistered = entities
                    .iter()
                    .filter(|e| {
                        !registered.contains(&(row.tender_id.clone(), lot.lot_id.clone(), e.credit_code.clone()))
                    })
                    .map(|e| e.credit_code.clone())
                    .collect();
                open.push(OpenLot {
                    tender_id: row.tender_id.clone(),
                    title: row.title.clone(),
                    lot_id: lot.lot_id,
                    lot_name: lot.name,
                    bid_deadline_ms: row.bid_deadline_ms.unwrap_or_default(),
                    unregistered,
                });
            }
        }
        Ok(BidderDesk { entities, open, registrations, server_now_ms: now_ms })
    }

    /// The tender documents as issued to a registered bidder (获取招标文件): the tender as
    /// published (lots, deadline, prices, opening key), the evaluation terms and scoring table, and
    /// every public step since (clarifications and amendments included). Only for a user whose
    /// entity registered for one of its lots.
    pub async fn tender_documents(&self, actor: &Actor, tender_id: &str) -> AppResult<TenderDocuments> {
        let lots = self.store.tender_lots(tender_id).await?;
        let mut registered = false;
        for code in &actor.entities {
            for lot in &lots {
                registered |= self.store.is_registered(tender_id, &lot.lot_id, code).await?;
            }
        }
        if !registered {
            return Err(AppError::refused(
                "bidder_not_registered",
                "本单位尚未报名此招标项目的任何标段：请先在工作台报名（获取招标文件）后下载",
            ));
        }
        let notice = self.public_notice(tender_id).await?;
        let evaluation = self.documents_evaluation(tender_id).await?;
        Ok(TenderDocuments { tender: notice.tender, evaluation, steps: notice.timeline })
    }

    async fn lot_name(&self, tender_id: &str, lot_id: &str) -> AppResult<String> {
        let lots = self.store.tender_lots(tender_id).await?;
        Ok(lots.into_iter().find(|lot| lot.lot_id == lot_id).map_or_else(|| lot_id.to_owned(), |lot| lot.name))
    }
}

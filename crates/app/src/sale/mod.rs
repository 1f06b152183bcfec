//! Land-use rights and state-property sales (土地使用权招拍挂, 企业国有产权转让) on the live-bidding
//! core: announcement with the statutory periods checked against the ruleset, applications,
//! admission with the deposit and a random paddle, bids (each an event of the sale's stream, answered
//! with its place in the log), pauses, the close of a listing into live bidding, the sealed reserve
//! revealed against its commitment, the confirmation, deposit refunds and re-disclosure under the
//! 90% rule. The decisions are the pure [`ggzy_domain::sale`]; this module loads, records and fans out.

mod commands;
mod deadlines;
mod fold;
pub mod live;
mod records;
mod tender;

use std::sync::Arc;

use ggzy_crypto::reference_price::reserve_commitment;
use ggzy_domain::authz::Action;
use ggzy_domain::sale::{MiningRight, Sale, SaleKind, SaleOutcome, SalePhase, SaleRefusal, SaleTerms};
use ggzy_domain::{Fen, RegionCode};
use ggzy_store::ExpectedVersion;

use fold::{Loaded, message_of};
pub use live::{LiveClock, LiveMessage, LiveSubscription, SaleHub};
pub use records::{NewSale, SaleAnnouncement, SaleNotice, SaleRepricing};
pub use tender::{SealedBidReceipt, TenderScore};

use crate::App;
use crate::actor::Actor;
use crate::entity::stored_region;
use crate::entropy::random_hex;
use crate::error::{AppError, AppResult, FieldError, required_text};
use crate::events::{Event, Recorded, stream};

/// Longest title.
const TITLE_MAX_CHARS: usize = 200;
/// Longest description or reason.
const TEXT_MAX_CHARS: usize = 2000;
/// Paddle numbers are drawn from 100..=999 (three digits on a physical paddle).
const PADDLE_MIN: u32 = 100;
const PADDLE_SPAN: u32 = 900;

/// A sale as the public sees it at a server time (no bidder names before the confirmation, no
/// reserve before it is revealed).
#[derive(Debug, Clone)]
pub struct SaleView {
    /// The announcement.
    pub announcement: SaleAnnouncement,
    /// The current round's terms.
    pub terms: SaleTerms,
    /// Disclosure round.
    pub round: u32,
    /// Phase now.
    pub phase: SalePhase,
    /// Server time of the view, UTC ms.
    pub server_now_ms: i64,
    /// Current end of bidding, UTC ms.
    pub ends_at_ms: i64,
    /// Why paused, if paused.
    pub paused_reason: Option<String>,
    /// Accepted bids in log order.
    pub bids: Vec<ggzy_domain::auction::Bid>,
    /// Lowest acceptable next bid.
    pub minimum_next: Fen,
    /// Paddles in live bidding.
    pub live_paddles: Option<Vec<u32>>,
    /// A tender's sealed bids once the deadline passed (paddle, time, price once opened), and the
    /// panel's report; before the deadline nothing, not even their number (招标投标法 第二十二条).
    pub tender_bids: Option<Vec<ggzy_domain::sale::SealedBid>>,
    /// The panel's report.
    pub tender_evaluation: Option<ggzy_domain::sale::TenderEvaluation>,
    /// Admitted bidders: known once bidding is over.
    pub admitted_count: Option<usize>,
    /// The revealed reserve.
    pub reserve: Option<Fen>,
    /// The outcome, once decided.
    pub outcome: Option<SaleOutcome>,
    /// The buyer, once confirmed.
    pub winner_credit_code: Option<String>,
    /// When the contract was signed, UTC ms.
    pub contract_signed_ms: Option<i64>,
    /// Paid of the price, the winner's deposit included, fen.
    pub paid: Option<Fen>,
    /// The statutory dates and their sources.
    pub deadlines: Vec<crate::statutory_date::StatutoryDate>,
    /// Stream version.
    pub version: i64,
}

/// Where a bid landed: the log's receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleBidReceipt {
    /// Sale.
    pub sale_id: String,
    /// The bidder's paddle.
    pub paddle: u32,
    /// Price, fen.
    pub price_fen: i64,
    /// Server time of the bid, UTC ms.
    pub at_ms: i64,
    /// The bidding's end after this bid, UTC ms.
    pub ends_at_ms: i64,
    /// The event's global log position.
    pub position: i64,
    /// The event's chained SM3 hash, hex: check it against a signed tree head.
    pub event_hash_hex: String,
}

fn sale_refusal(refusal: SaleRefusal) -> AppError {
    match refusal {
        SaleRefusal::NotAdmitted | SaleRefusal::NotInLiveBidding => {
            AppError::Refused { code: refusal.code(), message: refusal.to_string() }
        }
        SaleRefusal::Terms(error) => {
            AppError::Invalid(vec![FieldError::new(error.field(), error.code(), error.to_string())])
        }
        other => AppError::refused(other.code(), other.to_string()),
    }
}

fn field(name: &str, code: &'static str, message: impl Into<String>) -> AppError {
    AppError::Invalid(vec![FieldError::new(name, code, message)])
}

/// The SM3 commitment to `price_fen` with the salt in `salt_hex` (a sealed reserve or tender bid,
/// docs/auction.md), and the salt's bytes.
pub(crate) fn commitment_of_price(price_fen: i64, salt_hex: &str) -> AppResult<([u8; 32], Vec<u8>)> {
    let salt = hex::decode(salt_hex.trim())
        .map_err(|_| field("salt", "invalid_commitment", "盐值须为十六进制（至少32位）"))?;
    let commitment = reserve_commitment(price_fen, &salt)
        .map_err(|_| field("salt", "invalid_commitment", "盐值至少16字节（32位十六进制）"))?;
    Ok((commitment, salt))
}

impl App {
    /// The live hub (for the SSE endpoint).
    pub fn sale_hub(&self) -> &SaleHub {
        &self.sales
    }

    /// Announces a sale (出让公告 / 正式披露): the principal or its agent, with the statutory periods
    /// checked (land: notice ≥ 20 d before bidding, listing ≥ 10 WD; property: disclosure ≥ 20 WD).
    pub async fn announce_sale(&self, actor: &Actor, asked: NewSale) -> AppResult<SaleView> {
        let region = asked.region;
        let new = asked.notice;
        actor.authorize_on_entity(Action::ManageTender, &region, &new.principal_credit_code)?;
        self.store.entity(&new.principal_credit_code).await?.ok_or(AppError::NotFound { what: "市场主体" })?;
        let kind = SaleKind::parse(&new.kind).ok_or_else(|| {
            field(
                "kind",
                "invalid_kind",
                "交易方式须为 land_auction（土地拍卖）、land_listing（土地挂牌）、land_tender（土地招标）、\
                 property_transfer（产权转让）、mining_auction（矿业权拍卖）、mining_listing（矿业权挂牌）\
                 或 mining_tender（矿业权招标）",
            )
        })?;
        let mining_right = match (kind.is_mining(), new.mining_right.as_deref().map(MiningRight::parse)) {
            (true, Some(Some(right))) => Some(right.as_str().to_owned()),
            (true, _) => {
                return Err(field(
                    "mining_right",
                    "invalid_mining_right",
                    "矿业权出让须注明出让的权利：exploration（探矿权）或 mining（采矿权）（矿产资源法 第十六条）",
                ));
            }
            (false, None) => None,
            (false, Some(_)) => {
                return Err(field("mining_right", "invalid_mining_right", "只有矿业权出让填写 mining_right，请删去"));
            }
        };
        let title = required_text("title", &new.title, "标的名称", TITLE_MAX_CHARS)?;
        let description = required_text("description", &new.description, "公告内容", TEXT_MAX_CHARS)?;
        if let Some(hex_text) = &new.reserve_commitment_hex
            && hex::decode(hex_text).map_or(true, |bytes| bytes.len() != 32)
        {
            return Err(field("reserve_commitment", "invalid_commitment", "底价承诺值须为64位十六进制的SM3摘要"));
        }
        if kind == SaleKind::PropertyTransfer && new.reserve_commitment_hex.is_some() {
            return Err(field(
                "reserve_commitment",
                "invalid_commitment",
                "产权转让的转让底价即挂牌价，公开披露，不设密封底价；请删去 reserve_commitment",
            ));
        }
        let now_ms = self.now_ms();
        if new.applications_close_ms <= now_ms {
            return Err(field("applications_close_at", "invalid_time", "申请截止时间须晚于现在"));
        }
        let ruleset = self.current_ruleset(kind.ruleset_id())?;
        let (year, month, day) = self.today();
        let sale_id = format!(
            "JY{}{year:04}{month:02}{day:02}{}",
            region.as_str(),
            random_hex(self.entropy.as_ref(), 3).to_uppercase()
        );
        let announcement = SaleAnnouncement {
            sale_id: sale_id.clone(),
            region_code: region.as_str().to_owned(),
            notice: SaleNotice {
                kind: kind.as_str().to_owned(),
                title,
                description,
                reserve_commitment_hex: new.reserve_commitment_hex.as_deref().map(str::to_ascii_lowercase),
                mining_right,
                ..new
            },
            ruleset: ruleset.key(),
        };
        let terms = announcement.terms()?;
        Sale::announce(terms.clone(), now_ms, deadlines::bidders_min_rule(ruleset, kind)?).map_err(sale_refusal)?;
        deadlines::check_periods(&self.calendar, ruleset, &terms, now_ms)?;
        deadlines::check_deposit(ruleset, &terms)?;
        let stream_id = stream::sale(&sale_id);
        let event = Recorded {
            stream_id: stream_id.clone(),
            region_code: announcement.region_code.clone(),
            event: Event::SaleAnnounced(announcement),
        };
        self.record(actor, vec![(stream_id, ExpectedVersion::NoStream)], vec![event], Vec::new()).await?;
        self.sale(&sale_id).await
    }

    /// The latest sales, newest first, as public views.
    pub async fn sales(&self, limit: i64) -> AppResult<Vec<SaleView>> {
        let mut views = Vec::new();
        for row in self.store.sales(limit.clamp(1, 200)).await? {
            views.push(self.sale(&row.sale_id).await?);
        }
        Ok(views)
    }

    /// A sale as the public sees it now.
    pub async fn sale(&self, sale_id: &str) -> AppResult<SaleView> {
        let slot = self.sale_slot(sale_id).await?;
        let mut state = slot.state.lock().await;
        let loaded = self.loaded(sale_id, &mut state, &slot).await?;
        self.view_of(loaded, self.now_ms())
    }

    fn view_of(&self, loaded: &Loaded, now_ms: i64) -> AppResult<SaleView> {
        let sale = &loaded.sale;
        let phase = sale.phase(now_ms);
        let over = phase.bidding_over();
        Ok(SaleView {
            announcement: loaded.announcement.clone(),
            terms: sale.terms().clone(),
            round: sale.round(),
            phase,
            server_now_ms: now_ms,
            ends_at_ms: sale.auction().ends_at_ms(),
            paused_reason: sale.auction().paused().map(|(_, reason)| reason.to_owned()),
            bids: sale.auction().bids().to_vec(),
            minimum_next: sale.auction().minimum_next(),
            live_paddles: sale.live_paddles().map(<[u32]>::to_vec),
            tender_bids: (sale.terms().kind.is_tender() && now_ms >= sale.terms().ends_at_ms)
                .then(|| sale.tender().bids().to_vec()),
            tender_evaluation: sale.tender().evaluation().cloned(),
            admitted_count: over.then_some(sale.admitted().len()),
            reserve: sale.reserve(),
            outcome: sale.outcome(now_ms),
            winner_credit_code: loaded.winner_credit_code.clone(),
            contract_signed_ms: sale.contract_signed_ms(),
            paid: sale.confirmed_at_ms().map(|_| sale.paid()),
            deadlines: deadlines::sale_deadlines(
                &self.calendar,
                self.pinned_ruleset(&loaded.announcement.ruleset)?,
                sale,
                loaded.round_started_ms,
                now_ms,
            )?,
            version: loaded.version,
        })
    }

    /// The live slot of an existing sale; an unknown id is `NotFound` and leaves no slot behind.
    async fn sale_slot(&self, sale_id: &str) -> AppResult<Arc<live::Slot>> {
        if let Some(slot) = self.sales.get(sale_id) {
            return Ok(slot);
        }
        self.store.sale(sale_id).await?.ok_or(AppError::NotFound { what: "交易" })?;
        Ok(self.sales.slot(sale_id))
    }

    /// Fills the slot from the stream if empty.
    async fn loaded<'a>(
        &self,
        sale_id: &str,
        state: &'a mut Option<Loaded>,
        slot: &live::Slot,
    ) -> AppResult<&'a mut Loaded> {
        if state.is_none() {
            let events = self.store.stream(&stream::sale(sale_id)).await?;
            if events.is_empty() {
                return Err(AppError::NotFound { what: "交易" });
            }
            let loaded = Loaded::fold(&events, |key| self.pinned_ruleset(key).ok().cloned())?;
            slot.clock.send_replace(loaded.clock());
            *state = Some(loaded);
        }
        state.as_mut().ok_or_else(|| AppError::Internal("sale slot".to_owned()))
    }

    /// Runs one command on a sale: decides on the folded state under the sale's lock, appends at
    /// the expected version, folds the result and fans it out. A lost race reloads and decides again.
    /// Returns the decision's extra value, where the event landed, and the sale's clock after it.
    async fn sale_command<T>(
        &self,
        actor: &Actor,
        sale_id: &str,
        decide: impl Fn(&Loaded, i64) -> AppResult<(Event, T)>,
    ) -> AppResult<(T, ggzy_store::Appended, LiveClock)> {
        let slot = self.sale_slot(sale_id).await?;
        let mut state = slot.state.lock().await;
        for _attempt in 0..3 {
            let loaded = self.loaded(sale_id, &mut state, &slot).await?;
            let now_ms = self.now_ms();
            let (event, extra) = decide(loaded, now_ms)?;
            let stream_id = stream::sale(sale_id);
            let recorded = Recorded {
                stream_id: stream_id.clone(),
                region_code: loaded.announcement.region_code.clone(),
                event: event.clone(),
            };
            let expected = ExpectedVersion::Exactly(loaded.version);
            match self.record(actor, vec![(stream_id, expected)], vec![recorded], Vec::new()).await {
                Ok(appended) => {
                    let version = loaded.version + 1;
                    loaded.apply(&event, version, now_ms)?;
                    if let Some(message) = message_of(&event, &loaded.sale, version) {
                        let message = Arc::new(message);
                        loaded.messages.push(message.clone());
                        // No watcher is not an error.
                        let _ = slot.events.send(message);
                    }
                    let clock = loaded.clock();
                    slot.clock.send_replace(clock);
                    return Ok((extra, appended, clock));
                }
                Err(AppError::VersionConflict { .. }) => *state = None,
                Err(other) => return Err(other),
            }
        }
        Err(AppError::refused("state_changed", "办理期间该交易的状态已发生变化，请刷新后重试"))
    }

    /// Subscribes to a sale's public events after `last_id` (0: from the start).
    pub async fn watch_sale(&self, sale_id: &str, last_id: i64) -> AppResult<LiveSubscription> {
        let slot = self.sale_slot(sale_id).await?;
        let mut state = slot.state.lock().await;
        let loaded = self.loaded(sale_id, &mut state, &slot).await?;
        // Under the lock no command runs: the backlog and the subscription meet exactly.
        let backlog = loaded.messages.iter().filter(|message| message.version > last_id).cloned().collect();
        Ok(LiveSubscription {
            backlog,
            events: slot.events.subscribe(),
            clock: slot.clock.subscribe(),
            closing: self.sales.closing(),
        })
    }

    fn sale_region(loaded: &Loaded) -> AppResult<RegionCode> {
        stored_region(&loaded.announcement.region_code)
    }
}

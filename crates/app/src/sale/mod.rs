//! Land-use rights and state-property sales (土地使用权招拍挂, 企业国有产权转让) on the live-bidding
//! core: announcement with the statutory periods checked against the ruleset, applications,
//! admission with the deposit and a random paddle, bids (each an event of the sale's stream, answered
//! with its place in the log), pauses, the close of a listing into live bidding, the sealed reserve
//! revealed against its commitment, the confirmation, deposit refunds and re-disclosure under the
//! 90% rule. The decisions are the pure [`ggzy_domain::sale`]; this module loads, records and fans out.

mod deadlines;
mod fold;
pub mod live;

use std::sync::Arc;

use ggzy_crypto::reference_price::reserve_commitment;
use ggzy_domain::authz::Action;
use ggzy_domain::sale::{Sale, SaleKind, SaleOutcome, SalePhase, SaleRefusal, SaleTerms};
use ggzy_domain::{Fen, RegionCode};
use ggzy_store::ExpectedVersion;
use ggzy_store::sale::SaleRow;
use serde::{Deserialize, Serialize};

pub use deadlines::SaleDeadline;
use fold::{Loaded, message_of};
pub use live::{LiveClock, LiveMessage, LiveSubscription, SaleHub};

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

/// A sale's announcement as recorded (the first event of its stream).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleAnnouncement {
    /// Sale id.
    pub sale_id: String,
    /// Kind identifier.
    pub kind: String,
    /// Title of the parcel or asset.
    pub title: String,
    /// Region of the platform running it.
    pub region_code: String,
    /// The principal (出让人 / 转让方).
    pub principal_credit_code: String,
    /// Published description (location, area, use, term, planning indicators, conditions).
    pub description: String,
    /// Start price, fen.
    pub start_price_fen: i64,
    /// Increment, fen.
    pub increment_fen: i64,
    /// Deposit, fen.
    pub deposit_fen: i64,
    /// Appraisal, fen (property transfers).
    pub appraisal_fen: Option<i64>,
    /// SM3 commitment to the sealed reserve, hex (`reference_price::reserve_commitment`).
    pub reserve_commitment_hex: Option<String>,
    /// Applications close, UTC ms.
    pub applications_close_ms: i64,
    /// Bidding starts, UTC ms.
    pub starts_at_ms: i64,
    /// Bidding is scheduled to end, UTC ms.
    pub ends_at_ms: i64,
    /// Countdown, ms.
    pub countdown_ms: Option<i64>,
    /// The ruleset the sale is pinned to (`id@version`).
    pub ruleset: String,
}

impl SaleAnnouncement {
    /// The list row.
    pub fn row(&self, at_ms: i64) -> SaleRow {
        SaleRow {
            sale_id: self.sale_id.clone(),
            region_code: self.region_code.clone(),
            kind: self.kind.clone(),
            title: self.title.clone(),
            announced_at_ms: at_ms,
            starts_at_ms: self.starts_at_ms,
            ends_at_ms: self.ends_at_ms,
        }
    }

    fn sale_kind(&self) -> AppResult<SaleKind> {
        SaleKind::parse(&self.kind).ok_or_else(|| AppError::Internal(format!("stored sale kind {}", self.kind)))
    }

    /// The first round's terms.
    pub fn terms(&self) -> AppResult<SaleTerms> {
        Ok(SaleTerms {
            kind: self.sale_kind()?,
            start_price: Fen(self.start_price_fen),
            increment: Fen(self.increment_fen),
            deposit: Fen(self.deposit_fen),
            appraisal: self.appraisal_fen.map(Fen),
            reserve_sealed: self.reserve_commitment_hex.is_some(),
            applications_close_ms: self.applications_close_ms,
            starts_at_ms: self.starts_at_ms,
            ends_at_ms: self.ends_at_ms,
            countdown_ms: self.countdown_ms,
        })
    }
}

/// A re-disclosure's new terms as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleRepricing {
    /// Sale id.
    pub sale_id: String,
    /// New listed price, fen.
    pub start_price_fen: i64,
    /// Increment, fen.
    pub increment_fen: i64,
    /// Deposit, fen.
    pub deposit_fen: i64,
    /// Applications close, UTC ms.
    pub applications_close_ms: i64,
    /// Bidding starts, UTC ms.
    pub starts_at_ms: i64,
    /// Bidding is scheduled to end, UTC ms.
    pub ends_at_ms: i64,
    /// Countdown, ms.
    pub countdown_ms: Option<i64>,
    /// The approving body's written consent to a price below 90% of the appraisal (32号令 第十八条).
    pub approval_document: Option<String>,
}

impl SaleRepricing {
    fn terms(&self, kind: SaleKind, appraisal: Option<Fen>) -> SaleTerms {
        SaleTerms {
            kind,
            start_price: Fen(self.start_price_fen),
            increment: Fen(self.increment_fen),
            deposit: Fen(self.deposit_fen),
            appraisal,
            reserve_sealed: false,
            applications_close_ms: self.applications_close_ms,
            starts_at_ms: self.starts_at_ms,
            ends_at_ms: self.ends_at_ms,
            countdown_ms: self.countdown_ms,
        }
    }
}

/// What an announcement asks for.
#[derive(Debug, Clone)]
pub struct NewSale {
    /// Kind identifier.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Region.
    pub region: RegionCode,
    /// Principal.
    pub principal_credit_code: String,
    /// Description.
    pub description: String,
    /// Start price, fen.
    pub start_price_fen: i64,
    /// Increment, fen.
    pub increment_fen: i64,
    /// Deposit, fen.
    pub deposit_fen: i64,
    /// Appraisal, fen.
    pub appraisal_fen: Option<i64>,
    /// Reserve commitment, hex.
    pub reserve_commitment_hex: Option<String>,
    /// Applications close, UTC ms.
    pub applications_close_ms: i64,
    /// Bidding starts, UTC ms.
    pub starts_at_ms: i64,
    /// Bidding ends, UTC ms.
    pub ends_at_ms: i64,
    /// Countdown, ms.
    pub countdown_ms: Option<i64>,
}

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
    pub deadlines: Vec<SaleDeadline>,
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

impl App {
    /// The live hub (for the SSE endpoint).
    pub fn sale_hub(&self) -> &SaleHub {
        &self.sales
    }

    /// Announces a sale (出让公告 / 正式披露): the principal or its agent, with the statutory periods
    /// checked (land: notice ≥ 20 d before bidding, listing ≥ 10 WD; property: disclosure ≥ 20 WD).
    pub async fn announce_sale(&self, actor: &Actor, new: NewSale) -> AppResult<SaleView> {
        actor.authorize_on_entity(Action::ManageTender, &new.region, &new.principal_credit_code)?;
        self.store.entity(&new.principal_credit_code).await?.ok_or(AppError::NotFound { what: "市场主体" })?;
        let kind = SaleKind::parse(&new.kind).ok_or_else(|| {
            field(
                "kind",
                "invalid_kind",
                "交易方式须为 land_auction（土地拍卖）、land_listing（土地挂牌）或 property_transfer（产权转让）",
            )
        })?;
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
            new.region.as_str(),
            random_hex(self.entropy.as_ref(), 3).to_uppercase()
        );
        let announcement = SaleAnnouncement {
            sale_id: sale_id.clone(),
            kind: kind.as_str().to_owned(),
            title,
            region_code: new.region.as_str().to_owned(),
            principal_credit_code: new.principal_credit_code.clone(),
            description,
            start_price_fen: new.start_price_fen,
            increment_fen: new.increment_fen,
            deposit_fen: new.deposit_fen,
            appraisal_fen: new.appraisal_fen,
            reserve_commitment_hex: new.reserve_commitment_hex.map(|text| text.to_ascii_lowercase()),
            applications_close_ms: new.applications_close_ms,
            starts_at_ms: new.starts_at_ms,
            ends_at_ms: new.ends_at_ms,
            countdown_ms: new.countdown_ms,
            ruleset: ruleset.key(),
        };
        let terms = announcement.terms()?;
        Sale::announce(terms.clone(), now_ms, deadlines::auction_bidders_min(ruleset)?).map_err(sale_refusal)?;
        deadlines::check_periods(&self.calendar, ruleset, &terms, now_ms)?;
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
        let slot = self.sales.slot(sale_id);
        let mut state = slot.state.lock().await;
        let loaded = self.loaded(sale_id, &mut state, &slot).await?;
        self.view_of(loaded, self.now_ms())
    }

    fn view_of(&self, loaded: &Loaded, now_ms: i64) -> AppResult<SaleView> {
        let sale = &loaded.sale;
        let phase = sale.phase(now_ms);
        let over = matches!(phase, SalePhase::Decided | SalePhase::Confirmed | SalePhase::AwaitingReserve);
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
    async fn sale_command<T>(
        &self,
        actor: &Actor,
        sale_id: &str,
        decide: impl Fn(&Loaded, i64) -> AppResult<(Event, T)>,
    ) -> AppResult<(T, ggzy_store::Appended, i64)> {
        let slot = self.sales.slot(sale_id);
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
                    slot.clock.send_replace(loaded.clock());
                    return Ok((extra, appended, now_ms));
                }
                Err(AppError::VersionConflict { .. }) => *state = None,
                Err(other) => return Err(other),
            }
        }
        Err(AppError::refused("state_changed", "办理期间该交易的状态已发生变化，请刷新后重试"))
    }

    /// Subscribes to a sale's public events after `last_id` (0: from the start).
    pub async fn watch_sale(&self, sale_id: &str, last_id: i64) -> AppResult<LiveSubscription> {
        let slot = self.sales.slot(sale_id);
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

    /// A bidder applies (竞买申请).
    pub async fn apply_for_sale(&self, actor: &Actor, sale_id: &str, bidder: &str) -> AppResult<()> {
        self.store.entity(bidder).await?.ok_or(AppError::NotFound { what: "市场主体" })?;
        self.sale_command(actor, sale_id, |loaded, now_ms| {
            actor.authorize_on_entity(Action::SubmitBid, &Self::sale_region(loaded)?, bidder)?;
            loaded.sale.decide_apply(bidder, now_ms).map_err(sale_refusal)?;
            Ok((Event::SaleApplied { sale_id: sale_id.to_owned(), bidder_credit_code: bidder.to_owned() }, ()))
        })
        .await?;
        Ok(())
    }

    /// The trading center admits an applicant whose deposit arrived and gives it a random paddle.
    /// Returns the paddle.
    pub async fn admit_sale_bidder(
        &self,
        actor: &Actor,
        sale_id: &str,
        bidder: &str,
        deposit_fen: i64,
        deposit_reference: &str,
    ) -> AppResult<u32> {
        let reference = required_text("deposit_reference", deposit_reference, "保证金到账凭证号", 100)?;
        let (paddle, _, _) = self
            .sale_command(actor, sale_id, |loaded, now_ms| {
                actor.authorize(Action::HoldSecurities, &Self::sale_region(loaded)?)?;
                let paddle = self.draw_paddle(&loaded.sale);
                loaded.sale.decide_admit(bidder, paddle, Fen(deposit_fen), now_ms).map_err(sale_refusal)?;
                let event = Event::SaleBidderAdmitted {
                    sale_id: sale_id.to_owned(),
                    bidder_credit_code: bidder.to_owned(),
                    paddle,
                    deposit_fen,
                    deposit_reference: reference.clone(),
                };
                Ok((event, paddle))
            })
            .await?;
        Ok(paddle)
    }

    fn draw_paddle(&self, sale: &Sale) -> u32 {
        loop {
            let mut bytes = [0u8; 4];
            self.entropy.fill(&mut bytes);
            let paddle = PADDLE_MIN + u32::from_be_bytes(bytes) % PADDLE_SPAN;
            if sale.bidder_of(paddle).is_none() {
                return paddle;
            }
        }
    }

    /// A bidder's own paddle (for the bidder only).
    pub async fn sale_paddle(&self, actor: &Actor, sale_id: &str, bidder: &str) -> AppResult<Option<u32>> {
        let slot = self.sales.slot(sale_id);
        let mut state = slot.state.lock().await;
        let loaded = self.loaded(sale_id, &mut state, &slot).await?;
        actor.authorize_on_entity(Action::SubmitBid, &Self::sale_region(loaded)?, bidder)?;
        Ok(loaded.sale.paddle_of(bidder))
    }

    /// A bid at `price_fen` by `bidder`: accepted only from an admitted bidder, above the leader by
    /// the increment, before the (moving) end.
    pub async fn place_sale_bid(
        &self,
        actor: &Actor,
        sale_id: &str,
        bidder: &str,
        price_fen: i64,
    ) -> AppResult<SaleBidReceipt> {
        let ((paddle, at_ms), appended, _) = self
            .sale_command(actor, sale_id, |loaded, now_ms| {
                actor.authorize_on_entity(Action::SubmitBid, &Self::sale_region(loaded)?, bidder)?;
                let decided = loaded.sale.decide_bid(bidder, Fen(price_fen), now_ms).map_err(sale_refusal)?;
                let ggzy_domain::sale::SaleEvent::Auction(ggzy_domain::auction::AuctionEvent::BidPlaced(bid)) = decided
                else {
                    return Err(AppError::Internal("a bid decided as something else".to_owned()));
                };
                let event = Event::SaleBidPlaced {
                    sale_id: sale_id.to_owned(),
                    paddle: bid.paddle,
                    price_fen: bid.price.0,
                    at_ms: bid.at_ms,
                };
                Ok((event, (bid.paddle, bid.at_ms)))
            })
            .await?;
        let ends_at_ms = self.sale(sale_id).await?.ends_at_ms;
        Ok(SaleBidReceipt {
            sale_id: sale_id.to_owned(),
            paddle,
            price_fen,
            at_ms,
            ends_at_ms,
            position: appended.last_position,
            event_hash_hex: appended.hashes.last().map(hex::encode).unwrap_or_default(),
        })
    }

    /// The trading center pauses the bidding after a platform incident; the reason is published.
    pub async fn pause_sale(&self, actor: &Actor, sale_id: &str, reason: &str) -> AppResult<SaleView> {
        let reason = required_text("reason", reason, "暂停原因", TEXT_MAX_CHARS)?;
        self.sale_command(actor, sale_id, |loaded, now_ms| {
            actor.authorize(Action::HoldSecurities, &Self::sale_region(loaded)?)?;
            loaded.sale.decide_pause(now_ms, &reason).map_err(sale_refusal)?;
            Ok((Event::SalePaused { sale_id: sale_id.to_owned(), at_ms: now_ms, reason: reason.clone() }, ()))
        })
        .await?;
        self.sale(sale_id).await
    }

    /// The bidding goes on; the end moves out by the pause.
    pub async fn resume_sale(&self, actor: &Actor, sale_id: &str) -> AppResult<SaleView> {
        self.sale_command(actor, sale_id, |loaded, now_ms| {
            actor.authorize(Action::HoldSecurities, &Self::sale_region(loaded)?)?;
            loaded.sale.decide_resume(now_ms).map_err(sale_refusal)?;
            Ok((Event::SaleResumed { sale_id: sale_id.to_owned(), at_ms: now_ms }, ()))
        })
        .await?;
        self.sale(sale_id).await
    }

    /// The host closes a listing period (39号令(土地) 第十九条): `continuing` paddles wish to go on;
    /// with two or more, live bidding runs for `live_ms` with a `countdown_ms` countdown.
    pub async fn close_listing(
        &self,
        actor: &Actor,
        sale_id: &str,
        continuing: &[u32],
        live_ms: i64,
        countdown_ms: i64,
    ) -> AppResult<SaleView> {
        self.sale_command(actor, sale_id, |loaded, now_ms| {
            actor.authorize(Action::HoldSecurities, &Self::sale_region(loaded)?)?;
            let decided = loaded
                .sale
                .decide_close_listing(continuing, now_ms, now_ms.saturating_add(live_ms), countdown_ms)
                .map_err(sale_refusal)?;
            let event = match decided {
                ggzy_domain::sale::SaleEvent::LiveBiddingOpened { at_ms, ends_at_ms, countdown_ms, paddles } => {
                    Event::SaleLiveBiddingOpened {
                        sale_id: sale_id.to_owned(),
                        at_ms,
                        ends_at_ms,
                        countdown_ms,
                        paddles,
                    }
                }
                _ => Event::SaleListingClosed { sale_id: sale_id.to_owned(), at_ms: now_ms },
            };
            Ok((event, ()))
        })
        .await?;
        self.sale(sale_id).await
    }

    /// The principal reveals the sealed reserve; it must match the published commitment.
    pub async fn reveal_sale_reserve(
        &self,
        actor: &Actor,
        sale_id: &str,
        reserve_fen: i64,
        salt_hex: &str,
    ) -> AppResult<SaleView> {
        let salt = hex::decode(salt_hex.trim())
            .map_err(|_| field("salt", "invalid_commitment", "盐值须为十六进制（至少32位）"))?;
        let digest = reserve_commitment(reserve_fen, &salt)
            .map_err(|_| field("salt", "invalid_commitment", "盐值至少16字节（32位十六进制）"))?;
        self.sale_command(actor, sale_id, |loaded, now_ms| {
            let region = Self::sale_region(loaded)?;
            actor.authorize_on_entity(Action::ManageTender, &region, &loaded.announcement.principal_credit_code)?;
            if loaded.announcement.reserve_commitment_hex.as_deref() != Some(hex::encode(digest).as_str()) {
                return Err(AppError::refused(
                    "commitment_mismatch",
                    "揭示的底价和盐值与公告时公布的底价承诺值不符，请核对后重新提交",
                ));
            }
            loaded.sale.decide_reveal_reserve(Fen(reserve_fen), now_ms).map_err(sale_refusal)?;
            let event =
                Event::SaleReserveRevealed { sale_id: sale_id.to_owned(), reserve_fen, salt_hex: hex::encode(&salt) };
            Ok((event, ()))
        })
        .await?;
        self.sale(sale_id).await
    }

    /// The trading center issues the confirmation (成交确认书) and publishes the buyer.
    pub async fn confirm_sale(&self, actor: &Actor, sale_id: &str) -> AppResult<SaleView> {
        self.sale_command(actor, sale_id, |loaded, now_ms| {
            actor.authorize(Action::HoldSecurities, &Self::sale_region(loaded)?)?;
            loaded.sale.decide_confirm(now_ms).map_err(sale_refusal)?;
            let (paddle, price) = loaded
                .sale
                .outcome(now_ms)
                .and_then(|outcome| outcome.winner())
                .ok_or_else(|| AppError::Internal("confirmed without a winner".to_owned()))?;
            let winner = loaded
                .sale
                .bidder_of(paddle)
                .ok_or_else(|| AppError::Internal(format!("paddle {paddle} without a bidder")))?;
            let event = Event::SaleConfirmed {
                sale_id: sale_id.to_owned(),
                winner_credit_code: winner.to_owned(),
                paddle,
                price_fen: price.0,
            };
            Ok((event, ()))
        })
        .await?;
        self.sale(sale_id).await
    }

    /// Refunds a losing bidder's deposit; a refund after the statutory day is recorded as late.
    pub async fn refund_sale_deposit(&self, actor: &Actor, sale_id: &str, bidder: &str) -> AppResult<SaleView> {
        self.sale_command(actor, sale_id, |loaded, now_ms| {
            actor.authorize(Action::HoldSecurities, &Self::sale_region(loaded)?)?;
            loaded.sale.decide_refund(bidder, now_ms).map_err(sale_refusal)?;
            let ruleset = self.pinned_ruleset(&loaded.announcement.ruleset)?;
            let due = deadlines::refund_due(&self.calendar, ruleset, &loaded.sale, now_ms)?;
            let today = ggzy_domain::china_time::date_of(now_ms);
            let event = Event::SaleDepositRefunded {
                sale_id: sale_id.to_owned(),
                bidder_credit_code: bidder.to_owned(),
                due_date: due.map(|day| day.to_string()).unwrap_or_default(),
                late: due.is_some_and(|day| today > day),
            };
            Ok((event, ()))
        })
        .await?;
        self.sale(sale_id).await
    }

    /// The principal records the contract signed with the buyer.
    pub async fn sign_sale_contract(&self, actor: &Actor, sale_id: &str) -> AppResult<SaleView> {
        self.sale_command(actor, sale_id, |loaded, now_ms| {
            let region = Self::sale_region(loaded)?;
            actor.authorize_on_entity(Action::ManageTender, &region, &loaded.announcement.principal_credit_code)?;
            loaded.sale.decide_sign_contract(now_ms).map_err(sale_refusal)?;
            Ok((Event::SaleContractSigned { sale_id: sale_id.to_owned() }, ()))
        })
        .await?;
        self.sale(sale_id).await
    }

    /// The trading centre records a payment of the price it received (价款通过交易机构结算); one after
    /// the statutory period is recorded as late.
    pub async fn record_sale_payment(
        &self,
        actor: &Actor,
        sale_id: &str,
        amount_fen: i64,
        reference: &str,
    ) -> AppResult<SaleView> {
        let reference = required_text("reference", reference, "付款凭证号", 100)?;
        self.sale_command(actor, sale_id, |loaded, now_ms| {
            actor.authorize(Action::HoldSecurities, &Self::sale_region(loaded)?)?;
            loaded.sale.decide_payment(Fen(amount_fen), now_ms).map_err(sale_refusal)?;
            let ruleset = self.pinned_ruleset(&loaded.announcement.ruleset)?;
            let due = deadlines::payment_due(&self.calendar, ruleset, &loaded.sale)?;
            let today = ggzy_domain::china_time::date_of(now_ms);
            let event = Event::SalePaymentRecorded {
                sale_id: sale_id.to_owned(),
                amount_fen,
                reference: reference.clone(),
                due_date: due.map(|day| day.to_string()).unwrap_or_default(),
                late: due.is_some_and(|day| today > day),
            };
            Ok((event, ()))
        })
        .await?;
        self.sale(sale_id).await
    }

    /// Discloses an unsold property transfer again under new terms (32号令 第十八条、第十九条).
    pub async fn reprice_sale(&self, actor: &Actor, sale_id: &str, repricing: SaleRepricing) -> AppResult<SaleView> {
        let approval = repricing.approval_document.as_deref().map(str::trim).filter(|text| !text.is_empty());
        if approval.is_some_and(|text| text.chars().count() > TEXT_MAX_CHARS) {
            return Err(field("approval_document", "invalid_text", "批准文件说明不超过2000字"));
        }
        self.sale_command(actor, sale_id, |loaded, now_ms| {
            let region = Self::sale_region(loaded)?;
            actor.authorize_on_entity(Action::ManageTender, &region, &loaded.announcement.principal_credit_code)?;
            let ruleset = self.pinned_ruleset(&loaded.announcement.ruleset)?;
            let kind = loaded.sale.terms().kind;
            let terms = repricing.terms(kind, loaded.sale.terms().appraisal);
            let year_later = deadlines::twelve_months_after(loaded.sale.first_announced_ms())?;
            let percent = deadlines::rule_value(ruleset, "price_cut_percent_of_appraisal_min")?;
            loaded.sale.decide_reprice(terms.clone(), percent, approval, now_ms, year_later).map_err(sale_refusal)?;
            if terms.applications_close_ms <= now_ms {
                return Err(field("applications_close_at", "invalid_time", "申请截止时间须晚于现在"));
            }
            deadlines::check_periods(&self.calendar, ruleset, &terms, now_ms)?;
            let event = Event::SaleRepriced(SaleRepricing {
                sale_id: sale_id.to_owned(),
                approval_document: approval.map(str::to_owned),
                ..repricing.clone()
            });
            Ok((event, ()))
        })
        .await?;
        self.sale(sale_id).await
    }
}

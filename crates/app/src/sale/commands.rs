//! What bidders, the trading centre and the principal do in a sale after its announcement: apply,
//! admit with the deposit and a paddle, bid, pause and resume, close a listing, reveal the reserve,
//! confirm, refund deposits, sign the contract, record payments, disclose again. Each runs through
//! `App::sale_command` (in `mod.rs`) on the sale's fold.

use ggzy_domain::Fen;
use ggzy_domain::authz::Action;
use ggzy_domain::sale::Sale;

use super::{
    PADDLE_MIN, PADDLE_SPAN, SaleBidReceipt, SaleRepricing, SaleView, TEXT_MAX_CHARS, commitment_of_price, deadlines,
    field, sale_refusal,
};
use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, AppResult, required_text};
use crate::events::Event;

impl App {
    /// A bidder applies (竞买申请).
    pub async fn apply_for_sale(&self, actor: &Actor, sale_id: &str, bidder: &str) -> AppResult<()> {
        self.store.entity(bidder).await?.ok_or(AppError::NotFound { what: "市场主体" })?;
        self.check_not_restricted(bidder, ggzy_domain::credit::RestrictionScope::All).await?;
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
        let slot = self.sale_slot(sale_id).await?;
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
        let ((paddle, at_ms), appended, clock) = self
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
        let ends_at_ms = clock.ends_at_ms;
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
        let (digest, salt) = commitment_of_price(reserve_fen, salt_hex)?;
        self.sale_command(actor, sale_id, |loaded, now_ms| {
            let region = Self::sale_region(loaded)?;
            actor.authorize_on_entity(
                Action::ManageTender,
                &region,
                &loaded.announcement.notice.principal_credit_code,
            )?;
            if loaded.announcement.notice.reserve_commitment_hex.as_deref() != Some(hex::encode(digest).as_str()) {
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
            actor.authorize_on_entity(
                Action::ManageTender,
                &region,
                &loaded.announcement.notice.principal_credit_code,
            )?;
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
            let today = ggzy_domain::china_time::date_of(now_ms);
            let due = deadlines::payment_due(&self.calendar, ruleset, &loaded.sale, today)?;
            let event = Event::SalePaymentRecorded {
                sale_id: sale_id.to_owned(),
                amount_fen,
                reference: reference.clone(),
                due_date: due.and_then(|(day, _)| day).map(|day| day.to_string()).unwrap_or_default(),
                late: due.is_some_and(|(_, late)| late),
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
            actor.authorize_on_entity(
                Action::ManageTender,
                &region,
                &loaded.announcement.notice.principal_credit_code,
            )?;
            let ruleset = self.pinned_ruleset(&loaded.announcement.ruleset)?;
            let kind = loaded.sale.terms().kind;
            let terms = repricing.terms(kind, loaded.sale.terms().appraisal);
            let today = ggzy_domain::china_time::date_of(now_ms);
            let within =
                deadlines::within_disclosure_period(&self.calendar, ruleset, loaded.sale.first_announced_ms(), today)?;
            let percent = deadlines::rule_value(ruleset, "price_cut_percent_of_appraisal_min")?;
            loaded.sale.decide_reprice(terms.clone(), percent, approval, now_ms, within).map_err(sale_refusal)?;
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

//! Bid security (投标保证金, 招标投标法实施条例 第二十六条): each bidder lodges cash or an electronic
//! guarantee (电子保函) for a lot before the deadline; a guarantee is recorded with its issuer, number,
//! amount, validity and the SM3 of its document, so that a copy presented later can be verified by
//! hash. Refunds belong to the lot's award procedure (`award/closing.rs`, 条例 第五十七条), except after a
//! termination (条例 第三十一条), when every security of the tender is refunded at once.

use ggzy_crypto::sm3::sm3;
use ggzy_domain::authz::Action;
use ggzy_domain::china_time;
use ggzy_domain::tender::TenderState;
pub use ggzy_store::tender_projection::SecurityRow;
use jiff::civil::Date;

use crate::App;
use crate::actor::Actor;
use crate::bid::{bidding_guard, check_accepting};
use crate::entity::stored_region;
use crate::error::{AppError, AppResult};
use crate::events::{Event, Recorded, SecurityDetails, stream};
use crate::tender::tender_state;

/// How a bidder secures its bid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecurityKind {
    /// A transfer from the bidder's basic account (基本账户) into the centre's deposit account.
    Cash {
        /// The bank transfer reference.
        reference: String,
    },
    /// An electronic guarantee (电子保函) by a bank or insurer.
    Guarantee {
        /// Issuer.
        issuer: String,
        /// Guarantee number.
        number: String,
        /// Last day it is valid.
        valid_until: Date,
        /// SM3 of the guarantee document.
        document_sm3: [u8; 32],
    },
}

/// A security to lodge.
#[derive(Debug, Clone)]
pub struct SecurityInput {
    /// Lot.
    pub lot_id: String,
    /// Bidder (the caller acts for it).
    pub bidder: String,
    /// Amount, fen.
    pub amount_fen: i64,
    /// Cash or guarantee.
    pub kind: SecurityKind,
}

/// What a presented guarantee document was checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuaranteeCheck {
    /// Whether its SM3 equals the one recorded.
    pub matches: bool,
    /// The security as recorded.
    pub security: SecurityRow,
}

fn text(value: &str, what: &str, max: usize) -> AppResult<String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(AppError::refused("invalid_text", format!("{what}不能为空，且不超过{max}个字")));
    }
    Ok(value.to_owned())
}

impl App {
    /// Lodges (or replaces) a bidder's security for a lot, before the deadline: at least the amount
    /// the notice requires; a guarantee must stay valid at least to the deadline's day.
    pub async fn lodge_security(&self, actor: &Actor, tender_id: &str, input: SecurityInput) -> AppResult<SecurityRow> {
        let row = self.tender_row(tender_id).await?;
        actor.authorize_on_entity(Action::SubmitBid, &stored_region(&row.region_code)?, &input.bidder)?;
        check_accepting(&row, self.now_ms())?;
        self.check_registered(tender_id, &input.lot_id, &input.bidder).await?;
        let Some(required) = row.bid_security_fen else {
            return Err(AppError::refused("security_not_required", "本招标项目的招标公告未要求投标保证金，无需提交"));
        };
        if input.amount_fen < required {
            return Err(AppError::refused(
                "security_insufficient",
                format!(
                    "投标保证金为{}元，少于招标公告要求的{}元；请按要求足额提交",
                    ggzy_domain::Fen(input.amount_fen),
                    ggzy_domain::Fen(required)
                ),
            ));
        }
        let (kind, reference, issuer, valid_until, document_sm3_hex) = match &input.kind {
            SecurityKind::Cash { reference } => {
                ("cash", text(reference, "转账凭证号", 100)?, String::new(), String::new(), None)
            }
            SecurityKind::Guarantee { issuer, number, valid_until, document_sm3 } => {
                // 条例26: the security lasts as long as the bid (条例25: validity runs from the deadline).
                let deadline_day = china_time::date_of(row.bid_deadline_ms.unwrap_or_default());
                let needed = deadline_day
                    .checked_add(jiff::Span::new().days(row.bid_validity_days.unwrap_or(0)))
                    .map_err(|e| AppError::Internal(e.to_string()))?;
                if *valid_until < needed {
                    return Err(AppError::refused(
                        "guarantee_validity_too_short",
                        format!(
                            "电子保函有效期至{}，短于投标有效期（至{}）：投标保证金有效期应当与投标有效期一致（招标投标法实施条例 第二十六条）",
                            ggzy_domain::deadline::chinese_date(*valid_until),
                            ggzy_domain::deadline::chinese_date(needed)
                        ),
                    ));
                }
                (
                    "e_guarantee",
                    text(number, "保函编号", 100)?,
                    text(issuer, "出函机构", 200)?,
                    valid_until.to_string(),
                    Some(hex::encode(document_sm3)),
                )
            }
        };
        let details = SecurityDetails {
            tender_id: tender_id.to_owned(),
            lot_id: input.lot_id.clone(),
            bidder_credit_code: input.bidder.clone(),
            kind: kind.to_owned(),
            amount_fen: input.amount_fen,
            reference,
            issuer,
            valid_until,
            document_sm3_hex,
        };
        let event = Recorded {
            stream_id: stream::bidder(tender_id, &input.lot_id, &input.bidder),
            region_code: row.region_code.clone(),
            event: Event::SecurityLodged(details),
        };
        // Guarded like a bid: a security checked a moment before the deadline cannot land after it.
        self.record(actor, Vec::new(), vec![event], vec![bidding_guard(tender_id)]).await?;
        self.store
            .securities(tender_id, &input.lot_id)
            .await?
            .into_iter()
            .find(|s| s.bidder_credit_code == input.bidder)
            .ok_or_else(|| AppError::Internal("lodged security not found".to_owned()))
    }

    /// The trading centre refunds the security of a bidder who withdrew its bid, within the
    /// ruleset's days of the withdrawal (招标投标法实施条例 第三十五条: 5 days); a later refund is
    /// recorded as late. The centre holds the securities (代收代退), so no bidder is named to the
    /// principal before the opening (招标投标法 第二十二条).
    pub async fn refund_withdrawn_security(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
        bidder: &str,
    ) -> AppResult<SecurityRow> {
        let row = self.tender_row(tender_id).await?;
        actor.authorize(Action::HoldSecurities, &stored_region(&row.region_code)?)?;
        let security = self
            .store
            .securities(tender_id, lot_id)
            .await?
            .into_iter()
            .find(|s| s.bidder_credit_code == bidder)
            .ok_or(AppError::NotFound { what: "投标保证金" })?;
        if security.refunded_day.is_some() {
            return Err(AppError::refused("nothing_to_refund", format!("投标人 {bidder} 的投标保证金已经退还")));
        }
        // Withdrawn: the bidder's latest bid event is a withdrawal.
        let withdrawn_at_ms = self
            .store
            .stream(&stream::bidder(tender_id, lot_id, bidder))
            .await?
            .iter()
            .rev()
            .find_map(|event| match event.event_type.as_str() {
                "BidWithdrawn" => Some(Some(event.recorded_at_ms)),
                "BidSubmitted" => Some(None),
                _ => None,
            })
            .flatten()
            .ok_or_else(|| {
                AppError::refused(
                    "security_refund_not_due",
                    format!(
                        "投标人 {bidder} 没有撤回投标文件：其投标保证金在签订书面合同后退还（招标投标法实施条例 第五十七条），招标终止的在终止后退还（第三十一条）"
                    ),
                )
            })?;
        let ruleset = self.pinned_ruleset(&row.ruleset_version)?;
        let rule = ruleset
            .get("withdrawal_deposit_refund_days_max")
            .ok_or_else(|| AppError::Internal("ruleset lacks withdrawal_deposit_refund_days_max".to_owned()))?;
        let (due, counted) = self.limit(china_time::date_of(withdrawn_at_ms), rule)?;
        let today = china_time::date_of(self.now_ms());
        let event = Recorded {
            stream_id: stream::bidder(tender_id, lot_id, bidder),
            region_code: row.region_code.clone(),
            event: Event::WithdrawnSecurityRefunded {
                tender_id: tender_id.to_owned(),
                lot_id: lot_id.to_owned(),
                bidder_credit_code: bidder.to_owned(),
                refunded_day: today.to_string(),
                due_day: due.map(|d| d.to_string()),
                in_time: today <= due.unwrap_or(counted),
            },
        };
        self.record(actor, Vec::new(), vec![event], Vec::new()).await?;
        self.store
            .securities(tender_id, lot_id)
            .await?
            .into_iter()
            .find(|s| s.bidder_credit_code == bidder)
            .ok_or_else(|| AppError::Internal("refunded security not found".to_owned()))
    }

    /// Refunds every bid security of a terminated tender, with the interest on cash (招标投标法实施条例
    /// 第三十一条: 及时退还): the termination is public, so who lodged one is no longer sealed.
    pub async fn refund_after_termination(&self, actor: &Actor, tender_id: &str) -> AppResult<Vec<SecurityRow>> {
        let row = self.tender_row(tender_id).await?;
        self.authorize_tender(actor, &row)?;
        if tender_state(&row)? != TenderState::Terminated {
            return Err(AppError::refused(
                "invalid_transition",
                "只有已终止的招标项目在此一并退还投标保证金；其他情形随标段在签订合同后退还（招标投标法实施条例 第五十七条）",
            ));
        }
        let mut lot_ids = Vec::new();
        let mut bidders = Vec::new();
        for lot in self.store.tender_lots(tender_id).await? {
            let owed: Vec<String> = self
                .store
                .securities(tender_id, &lot.lot_id)
                .await?
                .into_iter()
                .filter(|s| s.refunded_day.is_none())
                .map(|s| s.bidder_credit_code)
                .collect();
            if !owed.is_empty() {
                lot_ids.push(lot.lot_id);
                bidders.extend(owed);
            }
        }
        if bidders.is_empty() {
            return Err(AppError::refused("nothing_to_refund", "该招标项目没有尚未退还的投标保证金"));
        }
        let stream_id = stream::tender(tender_id);
        let event = Recorded {
            stream_id: stream_id.clone(),
            region_code: row.region_code.clone(),
            event: Event::TerminationRefunded {
                tender_id: tender_id.to_owned(),
                lot_ids: lot_ids.clone(),
                bidders,
                refunded_day: china_time::date_of(self.now_ms()).to_string(),
            },
        };
        self.record(
            actor,
            vec![(stream_id, ggzy_store::ExpectedVersion::Exactly(row.version))],
            vec![event],
            Vec::new(),
        )
        .await?;
        let mut refunded = Vec::new();
        for lot_id in &lot_ids {
            refunded.extend(self.store.securities(tender_id, lot_id).await?);
        }
        Ok(refunded)
    }

    /// A lot's securities, for the tender's managers once bids are opened (before, who lodged one
    /// would reveal the bidders, 招标投标法 第二十二条).
    pub async fn securities(&self, actor: &Actor, tender_id: &str, lot_id: &str) -> AppResult<Vec<SecurityRow>> {
        let row = self.tender_row(tender_id).await?;
        self.authorize_tender(actor, &row)?;
        if matches!(tender_state(&row)?, TenderState::Draft | TenderState::Bidding | TenderState::Opening) {
            return Err(AppError::refused(
                "opening_not_started",
                "开标前不公开投标保证金的提交情况：提交人即投标人（招标投标法 第二十二条）",
            ));
        }
        Ok(self.store.securities(tender_id, lot_id).await?)
    }

    /// Checks a presented guarantee document against the SM3 recorded when it was lodged.
    pub async fn verify_guarantee(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
        bidder: &str,
        document: &[u8],
    ) -> AppResult<GuaranteeCheck> {
        let security = self
            .securities(actor, tender_id, lot_id)
            .await?
            .into_iter()
            .find(|s| s.bidder_credit_code == bidder && s.kind == "e_guarantee")
            .ok_or(AppError::NotFound { what: "电子保函" })?;
        let matches = security.document_sm3.as_deref() == Some(sm3(document).as_slice());
        Ok(GuaranteeCheck { matches, security })
    }
}

//! The sealed reference price (标底, 招标投标法实施条例 第二十七条、第五十条): optional, one per lot,
//! secret until the opening, a reference only. Before the bid deadline the principal records only a
//! commitment (`ggzy_crypto::reference_price`); at the opening it reveals the price and the salt, the
//! platform checks them against the commitment and publishes the price. No rejection ground uses
//! it: a bid is never rejected for its distance from the reference price (第五十条).

use ggzy_crypto::reference_price::commitment;
use ggzy_domain::tender::TenderState;

use super::LotAward;
use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::events::Event;

fn hex_field(value: &str, what: &str) -> AppResult<Vec<u8>> {
    hex::decode(value.trim()).map_err(|_| AppError::refused("invalid_text", format!("{what}须为十六进制字符串")))
}

impl App {
    async fn reference_lot(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
    ) -> AppResult<(crate::tender::TenderView, LotAward)> {
        let row = self.tender_row(tender_id).await?;
        self.authorize_tender(actor, &row)?;
        if !self.store.tender_lots(tender_id).await?.iter().any(|lot| lot.lot_id == lot_id) {
            return Err(AppError::NotFound { what: "标段" });
        }
        Ok((self.tender(tender_id).await?, self.lot_fold(tender_id, lot_id).await?))
    }

    /// Records the commitment to a lot's reference price, before the bid deadline, once.
    pub async fn commit_reference_price(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
        commitment_hex: &str,
    ) -> AppResult<LotAward> {
        let (tender, fold) = self.reference_lot(actor, tender_id, lot_id).await?;
        let before_deadline = (tender.state.before_notice() || tender.state == TenderState::Bidding)
            && tender.bid_deadline_ms.is_none_or(|deadline| self.now_ms() < deadline);
        if !before_deadline {
            return Err(AppError::refused(
                "reference_price_too_late",
                "标底须在投标截止前设定并保密（招标投标法实施条例 第二十七条），投标截止后不能再设定",
            ));
        }
        if fold.reference_price.is_some() {
            return Err(AppError::refused(
                "reference_price_exists",
                "一个标段只能有一个标底（招标投标法实施条例 第二十七条），本标段已设定",
            ));
        }
        let digest = hex_field(commitment_hex, "标底承诺值（commitment_hex）")?;
        if digest.len() != 32 {
            return Err(AppError::refused("invalid_digest", "标底承诺值（commitment_hex）须为64位十六进制SM3值"));
        }
        let row = self.tender_row(tender_id).await?;
        let event = Event::ReferencePriceCommitted {
            tender_id: tender_id.to_owned(),
            lot_id: lot_id.to_owned(),
            commitment_hex: hex::encode(digest),
        };
        self.record_lot(actor, &row, &fold, event).await
    }

    /// Reveals the reference price at the opening; it must open the commitment.
    pub async fn reveal_reference_price(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
        price_fen: i64,
        salt_hex: &str,
    ) -> AppResult<LotAward> {
        let (tender, fold) = self.reference_lot(actor, tender_id, lot_id).await?;
        if !matches!(tender.state, TenderState::Opening | TenderState::Opened) {
            return Err(AppError::refused(
                "reference_price_before_opening",
                "标底在开标时公布（招标投标法实施条例 第五十条），开标前不能公布",
            ));
        }
        let Some((committed, revealed)) = fold.reference_price.clone() else {
            return Err(AppError::NotFound { what: "标底" });
        };
        if revealed.is_some() {
            return Err(AppError::refused("invalid_transition", "本标段的标底已经公布"));
        }
        if price_fen <= 0 {
            return Err(AppError::refused("invalid_amount", "标底须大于0（单位：分）"));
        }
        let salt = hex_field(salt_hex, "盐值（salt_hex）")?;
        let opened = commitment(tender_id, lot_id, price_fen, &salt)
            .map_err(|e| AppError::refused("reference_price_mismatch", format!("盐值无效：{e}")))?;
        if hex::encode(opened) != committed {
            return Err(AppError::refused(
                "reference_price_mismatch",
                "公布的标底与投标截止前登记的承诺值不符：请核对标底金额（分）和盐值",
            ));
        }
        let row = self.tender_row(tender_id).await?;
        let event = Event::ReferencePriceRevealed {
            tender_id: tender_id.to_owned(),
            lot_id: lot_id.to_owned(),
            price_fen,
            salt_hex: hex::encode(salt),
        };
        self.record_lot(actor, &row, &fold, event).await
    }
}

/// A lot whose reference price was committed but not read out cannot be evaluated (条例 第五十条).
pub(super) fn check_reference_price_revealed(fold: &LotAward) -> AppResult<()> {
    match &fold.reference_price {
        Some((_, None)) => Err(AppError::refused(
            "reference_price_not_revealed",
            "本标段设有标底，须在开标时公布（招标投标法实施条例 第五十条）后方可组建评标委员会",
        )),
        _ => Ok(()),
    }
}

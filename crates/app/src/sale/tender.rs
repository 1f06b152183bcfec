//! A sale by tender (招标出让): sealed bids handed in as SM3 commitments before the deadline, each
//! opened by its bidder with the price and salt, and the panel's report. The decisions are
//! [`ggzy_domain::sale::Sale`]'s; the commitments are computed here (the domain stays free of
//! crypto).

use ggzy_domain::Fen;
use ggzy_domain::authz::Action;
use ggzy_domain::sale::{SCORE_MAX, SaleEvent, TenderMethod};
use serde::{Deserialize, Serialize};

use super::{SaleView, commitment_of_price, deadlines, field, sale_refusal};
use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::events::Event;

/// One paddle's total score in a comprehensive evaluation, hundredths of a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenderScore {
    /// The paddle.
    pub paddle: u32,
    /// Total score, hundredths of a point (0–10000).
    pub score_centi: u32,
}

/// The receipt of a sealed tender bid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedBidReceipt {
    /// Sale.
    pub sale_id: String,
    /// The bidder's paddle.
    pub paddle: u32,
    /// The commitment recorded, hex.
    pub commitment_hex: String,
    /// Server time, UTC ms.
    pub at_ms: i64,
    /// The event's global log position.
    pub position: i64,
    /// The event's chained SM3 hash, hex.
    pub event_hash_hex: String,
}

/// A 32-byte commitment from hex, or the field error naming `name`.
fn commitment_of(name: &str, text: &str) -> AppResult<[u8; 32]> {
    hex::decode(text.trim())
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .ok_or_else(|| field(name, "invalid_commitment", "承诺值须为64位十六进制的SM3摘要"))
}

impl App {
    /// An admitted bidder hands in its sealed bid: only the commitment to its price, so that
    /// nobody can read the price before the deadline.
    pub async fn submit_sealed_sale_bid(
        &self,
        actor: &Actor,
        sale_id: &str,
        bidder: &str,
        commitment_hex: &str,
    ) -> AppResult<SealedBidReceipt> {
        let commitment = commitment_of("commitment", commitment_hex)?;
        let ((paddle, at_ms), appended, _) = self
            .sale_command(actor, sale_id, |loaded, now_ms| {
                actor.authorize_on_entity(Action::SubmitBid, &Self::sale_region(loaded)?, bidder)?;
                let SaleEvent::SealedBidSubmitted { paddle, at_ms, .. } =
                    loaded.sale.decide_sealed_bid(bidder, commitment, now_ms).map_err(sale_refusal)?
                else {
                    return Err(AppError::Internal("a sealed bid decided as something else".to_owned()));
                };
                let event = Event::SaleSealedBidSubmitted {
                    sale_id: sale_id.to_owned(),
                    paddle,
                    commitment_hex: hex::encode(commitment),
                    at_ms,
                };
                Ok((event, (paddle, at_ms)))
            })
            .await?;
        Ok(SealedBidReceipt {
            sale_id: sale_id.to_owned(),
            paddle,
            commitment_hex: hex::encode(commitment),
            at_ms,
            position: appended.last_position,
            event_hash_hex: appended.hashes.last().map(hex::encode).unwrap_or_default(),
        })
    }

    /// At the opening a bidder opens its own bid with the price and salt it committed to.
    pub async fn open_sealed_sale_bid(
        &self,
        actor: &Actor,
        sale_id: &str,
        bidder: &str,
        price_fen: i64,
        salt_hex: &str,
    ) -> AppResult<SaleView> {
        let (commitment, salt) = commitment_of_price(price_fen, salt_hex)?;
        self.sale_command(actor, sale_id, |loaded, now_ms| {
            actor.authorize_on_entity(Action::SubmitBid, &Self::sale_region(loaded)?, bidder)?;
            let SaleEvent::SealedBidOpened { paddle, price } =
                loaded.sale.decide_open_bid(bidder, Fen(price_fen), commitment, now_ms).map_err(sale_refusal)?
            else {
                return Err(AppError::Internal("an opening decided as something else".to_owned()));
            };
            let event = Event::SaleSealedBidOpened {
                sale_id: sale_id.to_owned(),
                paddle,
                price_fen: price.0,
                salt_hex: hex::encode(&salt),
            };
            Ok((event, ()))
        })
        .await?;
        self.sale(sale_id).await
    }

    /// The principal records its panel's report: the members, the method and, for a comprehensive
    /// evaluation, each valid bid's total score. Bids left unopened are invalid.
    pub async fn evaluate_sale_tender(
        &self,
        actor: &Actor,
        sale_id: &str,
        panel: &[String],
        method: &str,
        scores: &[TenderScore],
    ) -> AppResult<SaleView> {
        let method = TenderMethod::parse(method).ok_or_else(|| {
            field("method", "invalid_method", "评标方法须为 highest_price（价高者得）或 comprehensive（综合评价）")
        })?;
        if let Some(score) = scores.iter().find(|score| score.score_centi > SCORE_MAX) {
            return Err(field("scores", "invalid_scores", format!("竞买号牌 {} 的得分超过100分", score.paddle)));
        }
        let pairs: Vec<(u32, u32)> = scores.iter().map(|score| (score.paddle, score.score_centi)).collect();
        self.sale_command(actor, sale_id, |loaded, now_ms| {
            let region = Self::sale_region(loaded)?;
            actor.authorize_on_entity(
                Action::ManageTender,
                &region,
                &loaded.announcement.notice.principal_credit_code,
            )?;
            let ruleset = self.pinned_ruleset(&loaded.announcement.ruleset)?;
            let panel_min = u32::try_from(deadlines::rule_value(ruleset, "tender_panel_min")?)
                .map_err(|_| AppError::Internal("tender_panel_min out of range".to_owned()))?;
            loaded.sale.decide_evaluation(panel, method, &pairs, panel_min, now_ms).map_err(sale_refusal)?;
            let event = Event::SaleTenderEvaluated {
                sale_id: sale_id.to_owned(),
                panel: panel.iter().map(|name| name.trim().to_owned()).collect(),
                method: method.as_str().to_owned(),
                scores: scores.to_vec(),
            };
            Ok((event, ()))
        })
        .await?;
        self.sale(sale_id).await
    }
}

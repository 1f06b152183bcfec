//! From a sale's stored events to the pure [`Sale`] and to the public messages watchers get.

use std::sync::Arc;

use ggzy_domain::Fen;
use ggzy_domain::auction::{AuctionEvent, Bid};
use ggzy_domain::ruleset::Ruleset;
use ggzy_domain::sale::{Sale, SaleEvent, TenderEvaluation, TenderMethod};
use ggzy_store::StoredEvent;
use serde_json::json;

use super::live::{LiveClock, LiveMessage};
use super::{SaleAnnouncement, deadlines};
use crate::error::{AppError, AppResult};
use crate::events::Event;

/// A sale folded from its stream, with its public messages.
pub(crate) struct Loaded {
    /// The first event.
    pub(crate) announcement: SaleAnnouncement,
    /// When the current round was announced (or re-disclosed), UTC ms.
    pub(crate) round_started_ms: i64,
    /// The fold.
    pub(crate) sale: Sale,
    /// Stream version.
    pub(crate) version: i64,
    /// Public messages in order (the backlog of a reconnecting watcher).
    pub(crate) messages: Vec<Arc<LiveMessage>>,
    /// The confirmed buyer.
    pub(crate) winner_credit_code: Option<String>,
}

impl Loaded {
    /// Folds the stored stream; `ruleset` finds the pinned ruleset by key.
    pub(crate) fn fold(events: &[StoredEvent], ruleset: impl Fn(&str) -> Option<Ruleset>) -> AppResult<Loaded> {
        let mut parsed = events.iter().map(|stored| {
            serde_json::from_str::<Event>(&stored.payload)
                .map(|event| (stored, event))
                .map_err(|error| AppError::Internal(format!("sale event {}: {error}", stored.position)))
        });
        let (first, Event::SaleAnnounced(announcement)) =
            parsed.next().ok_or_else(|| AppError::Internal("empty sale stream".to_owned()))??
        else {
            return Err(AppError::Internal("a sale stream not starting with its announcement".to_owned()));
        };
        let pinned = ruleset(&announcement.ruleset)
            .ok_or_else(|| AppError::Internal(format!("pinned ruleset {} is not loaded", announcement.ruleset)))?;
        let sale = Sale::replay(
            announcement.terms()?,
            first.recorded_at_ms,
            deadlines::bidders_min_rule(&pinned, announcement.sale_kind()?)?,
            std::iter::empty(),
        );
        let mut loaded = Loaded {
            round_started_ms: first.recorded_at_ms,
            announcement,
            sale,
            version: first.stream_version,
            messages: Vec::new(),
            winner_credit_code: None,
        };
        for item in parsed {
            let (stored, event) = item?;
            loaded.apply(&event, stored.stream_version, stored.recorded_at_ms)?;
            if let Some(message) = message_of(&event, &loaded.sale, stored.stream_version) {
                loaded.messages.push(Arc::new(message));
            }
        }
        Ok(loaded)
    }

    /// Folds one recorded event at `version`.
    pub(crate) fn apply(&mut self, event: &Event, version: i64, recorded_at_ms: i64) -> AppResult<()> {
        let kind = self.sale.terms().kind;
        let appraisal = self.sale.terms().appraisal;
        let sale_event = match event {
            Event::SaleApplied { bidder_credit_code, .. } => SaleEvent::Applied { bidder: bidder_credit_code.clone() },
            Event::SaleBidderAdmitted { bidder_credit_code, paddle, .. } => {
                SaleEvent::Admitted { bidder: bidder_credit_code.clone(), paddle: *paddle }
            }
            Event::SaleBidPlaced { paddle, price_fen, at_ms, .. } => SaleEvent::Auction(AuctionEvent::BidPlaced(Bid {
                paddle: *paddle,
                price: Fen(*price_fen),
                at_ms: *at_ms,
            })),
            Event::SalePaused { at_ms, reason, .. } => {
                SaleEvent::Auction(AuctionEvent::Paused { at_ms: *at_ms, reason: reason.clone() })
            }
            Event::SaleResumed { at_ms, .. } => SaleEvent::Auction(AuctionEvent::Resumed { at_ms: *at_ms }),
            Event::SaleLiveBiddingOpened { at_ms, ends_at_ms, countdown_ms, paddles, .. } => {
                SaleEvent::LiveBiddingOpened {
                    at_ms: *at_ms,
                    ends_at_ms: *ends_at_ms,
                    countdown_ms: *countdown_ms,
                    paddles: paddles.clone(),
                }
            }
            Event::SaleListingClosed { at_ms, .. } => SaleEvent::ListingClosed { at_ms: *at_ms },
            Event::SaleSealedBidSubmitted { paddle, commitment_hex, at_ms, .. } => SaleEvent::SealedBidSubmitted {
                paddle: *paddle,
                commitment: hex::decode(commitment_hex)
                    .ok()
                    .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
                    .ok_or_else(|| AppError::Internal(format!("stored commitment {commitment_hex}")))?,
                at_ms: *at_ms,
            },
            Event::SaleSealedBidOpened { paddle, price_fen, .. } => {
                SaleEvent::SealedBidOpened { paddle: *paddle, price: Fen(*price_fen) }
            }
            Event::SaleTenderEvaluated { panel, method, scores, .. } => SaleEvent::TenderEvaluated(TenderEvaluation {
                panel: panel.clone(),
                method: TenderMethod::parse(method)
                    .ok_or_else(|| AppError::Internal(format!("stored tender method {method}")))?,
                scores: scores.iter().map(|score| (score.paddle, score.score_centi)).collect(),
            }),
            Event::SaleReserveRevealed { reserve_fen, .. } => SaleEvent::ReserveRevealed { reserve: Fen(*reserve_fen) },
            Event::SaleConfirmed { winner_credit_code, .. } => {
                self.winner_credit_code = Some(winner_credit_code.clone());
                SaleEvent::Confirmed { at_ms: recorded_at_ms }
            }
            Event::SaleDepositRefunded { bidder_credit_code, .. } => {
                SaleEvent::DepositRefunded { bidder: bidder_credit_code.clone() }
            }
            Event::SaleContractSigned { .. } => SaleEvent::ContractSigned { at_ms: recorded_at_ms },
            Event::SalePaymentRecorded { amount_fen, .. } => SaleEvent::PaymentRecorded { amount: Fen(*amount_fen) },
            Event::SaleRepriced(repricing) => {
                self.round_started_ms = recorded_at_ms;
                SaleEvent::Repriced(repricing.terms(kind, appraisal))
            }
            other => return Err(AppError::Internal(format!("{} in a sale stream", other.type_name()))),
        };
        self.sale.apply(&sale_event);
        self.version = version;
        Ok(())
    }

    /// The clock values watchers need.
    pub(crate) fn clock(&self) -> LiveClock {
        LiveClock {
            starts_at_ms: self.sale.terms().starts_at_ms,
            ends_at_ms: self.sale.auction().ends_at_ms(),
            paused: self.sale.auction().paused().is_some(),
        }
    }
}

/// The public message of an event, if it is public: applications and admissions name bidders
/// and are never sent; everything else is, by paddle.
pub(crate) fn message_of(event: &Event, sale: &Sale, version: i64) -> Option<LiveMessage> {
    let ends_at_ms = sale.auction().ends_at_ms();
    let minimum_next_fen = sale.auction().minimum_next().0;
    let (name, data) = match event {
        Event::SaleBidPlaced { paddle, price_fen, at_ms, .. } => (
            "bid",
            json!({"paddle": paddle, "price_fen": price_fen, "at_ms": at_ms, "ends_at_ms": ends_at_ms,
                   "minimum_next_fen": minimum_next_fen}),
        ),
        Event::SalePaused { at_ms, reason, .. } => ("paused", json!({"at_ms": at_ms, "reason": reason})),
        Event::SaleResumed { at_ms, .. } => ("resumed", json!({"at_ms": at_ms, "ends_at_ms": ends_at_ms})),
        Event::SaleLiveBiddingOpened { at_ms, ends_at_ms, countdown_ms, paddles, .. } => (
            "live_bidding",
            json!({"at_ms": at_ms, "ends_at_ms": ends_at_ms, "countdown_ms": countdown_ms, "paddles": paddles,
                   "minimum_next_fen": minimum_next_fen}),
        ),
        Event::SaleListingClosed { at_ms, .. } => ("listing_closed", json!({"at_ms": at_ms})),
        // A sealed bid says nothing to watchers, not even that it arrived; its opening does.
        Event::SaleSealedBidOpened { paddle, price_fen, .. } => {
            ("bid_opened", json!({"paddle": paddle, "price_fen": price_fen}))
        }
        Event::SaleTenderEvaluated { method, .. } => (
            "evaluated",
            json!({"method": method, "candidate_paddle": sale.tender().winner(sale.terms().start_price).map(|bid| bid.paddle)}),
        ),
        Event::SaleReserveRevealed { reserve_fen, .. } => ("reserve", json!({"reserve_fen": reserve_fen})),
        Event::SaleConfirmed { winner_credit_code, paddle, price_fen, .. } => {
            ("confirmed", json!({"winner_credit_code": winner_credit_code, "paddle": paddle, "price_fen": price_fen}))
        }
        Event::SaleRepriced(repricing) => (
            "repriced",
            json!({"start_price_fen": repricing.start_price_fen, "starts_at_ms": repricing.starts_at_ms,
                   "ends_at_ms": repricing.ends_at_ms, "round": sale.round()}),
        ),
        _ => return None,
    };
    Some(LiveMessage::new(version, name, data.to_string()))
}

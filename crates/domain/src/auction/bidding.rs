//! The auction as a fold over its events, the decisions on new ones, and the outcome.

use crate::Fen;
use crate::auction::AuctionTerms;
use crate::china_time;

/// One accepted bid: the bidder's paddle (竞买号牌), its price and the server's time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bid {
    /// The paddle number: bidders stay anonymous to each other and to the public.
    pub paddle: u32,
    /// The price, fen.
    pub price: Fen,
    /// Server time of the bid, UTC ms.
    pub at_ms: i64,
}

/// What happens in an auction, in log order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuctionEvent {
    /// A bid was accepted.
    BidPlaced(Bid),
    /// The platform paused the bidding after an incident; the reason is published.
    Paused {
        /// When, UTC ms.
        at_ms: i64,
        /// Why (published).
        reason: String,
    },
    /// The bidding goes on; the end moves out by the pause (and leaves at least a countdown).
    Resumed {
        /// When, UTC ms.
        at_ms: i64,
    },
    /// After a listing period closed with several bidders wishing to go on, live bidding (现场竞价)
    /// starts from the standing price: a new end and a countdown (39号令(土地) 第十九条).
    LiveBiddingOpened {
        /// When, UTC ms.
        at_ms: i64,
        /// The live bidding's scheduled end, UTC ms.
        ends_at_ms: i64,
        /// Its countdown, ms.
        countdown_ms: i64,
    },
}

/// Why a bid, pause or resumption is refused. Nothing is recorded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AuctionRefusal {
    /// Too early.
    #[error("竞价尚未开始：开始时间为 {}，服务器时间为 {}", china_time::text(*.starts_at_ms), china_time::text(*.now_ms))]
    NotStarted {
        /// Start, UTC ms.
        starts_at_ms: i64,
        /// Server time, UTC ms.
        now_ms: i64,
    },
    /// At or after the end.
    #[error("竞价已于 {} 结束，服务器时间为 {}，出价不予接受", china_time::text(*.ends_at_ms), china_time::text(*.now_ms))]
    Ended {
        /// The end, UTC ms.
        ends_at_ms: i64,
        /// Server time, UTC ms.
        now_ms: i64,
    },
    /// Paused after an incident.
    #[error("竞价因“{reason}”暂停中，恢复后方可出价")]
    Paused {
        /// Why.
        reason: String,
    },
    /// Not above the leader by the increment (or below the start price for the first bid).
    #[error("{}出价须不低于{minimum}元", if *.same_price_taken { "该价格已有更早的出价（按记录顺序在先）；" } else { "" })]
    BelowMinimum {
        /// The lowest acceptable price now.
        minimum: Fen,
        /// Another bidder's bid at the same price came first in the log.
        same_price_taken: bool,
    },
    /// The leader cannot outbid itself.
    #[error("您的出价已是当前最高价，不能对自己的出价加价")]
    AlreadyLeading,
    /// A pause while paused, or after the end.
    #[error("竞价已暂停或已结束，不能再暂停")]
    CannotPause,
    /// A resumption while not paused.
    #[error("竞价未暂停，无需恢复")]
    NotPaused,
    /// Live bidding asked for before the listing period is over, or with a bad end or countdown.
    #[error("现场竞价须在挂牌期满后开始，结束时间须晚于开始时间，倒计时须大于0")]
    CannotOpenLiveBidding,
}

impl AuctionRefusal {
    /// Stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            AuctionRefusal::NotStarted { .. } => "auction_not_started",
            AuctionRefusal::Ended { .. } => "auction_ended",
            AuctionRefusal::Paused { .. } => "auction_paused",
            AuctionRefusal::BelowMinimum { .. } => "bid_below_increment",
            AuctionRefusal::AlreadyLeading => "already_leading",
            AuctionRefusal::CannotPause | AuctionRefusal::NotPaused | AuctionRefusal::CannotOpenLiveBidding => {
                "invalid_transition"
            }
        }
    }
}

/// Why nothing sold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unsold {
    /// Nobody bid.
    NoBids,
    /// The highest bid stayed below the reserve (拍卖法 第五十条; 39号令(土地) 第十六条).
    BelowReserve {
        /// The highest bid.
        highest: Fen,
    },
}

/// The result once the bidding has ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The highest bid, at or above the reserve.
    Sold(Bid),
    /// Nothing sold.
    Unsold(Unsold),
}

/// An auction: its terms and what its events made of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Auction {
    terms: AuctionTerms,
    bids: Vec<Bid>,
    ends_at_ms: i64,
    paused: Option<(i64, String)>,
}

impl Auction {
    /// An auction nobody has bid in yet.
    pub fn new(terms: AuctionTerms) -> Auction {
        let ends_at_ms = terms.ends_at_ms;
        Auction { terms, bids: Vec::new(), ends_at_ms, paused: None }
    }

    /// The auction after `events`, in log order.
    pub fn replay<'a>(terms: AuctionTerms, events: impl IntoIterator<Item = &'a AuctionEvent>) -> Auction {
        let mut auction = Auction::new(terms);
        for event in events {
            auction.apply(event);
        }
        auction
    }

    /// The terms.
    pub fn terms(&self) -> &AuctionTerms {
        &self.terms
    }

    /// Accepted bids in log order; each beats the one before it.
    pub fn bids(&self) -> &[Bid] {
        &self.bids
    }

    /// The highest bid so far.
    pub fn leader(&self) -> Option<&Bid> {
        self.bids.last()
    }

    /// The current end, UTC ms (while paused, the end before the pause).
    pub fn ends_at_ms(&self) -> i64 {
        self.ends_at_ms
    }

    /// Since when and why the bidding is paused.
    pub fn paused(&self) -> Option<(i64, &str)> {
        self.paused.as_ref().map(|(at, reason)| (*at, reason.as_str()))
    }

    /// The lowest price a bid may offer now.
    pub fn minimum_next(&self) -> Fen {
        self.leader().map_or(self.terms.start_price, |bid| Fen(bid.price.0.saturating_add(self.terms.increment.0)))
    }

    /// Whether bidding is over at `now_ms` (a paused auction is not).
    pub fn is_over(&self, now_ms: i64) -> bool {
        self.paused.is_none() && now_ms >= self.ends_at_ms
    }

    /// Decides a bid of `paddle` at `price` arriving at server time `now_ms`.
    pub fn decide_bid(&self, paddle: u32, price: Fen, now_ms: i64) -> Result<AuctionEvent, AuctionRefusal> {
        if let Some((_, reason)) = &self.paused {
            return Err(AuctionRefusal::Paused { reason: reason.clone() });
        }
        if now_ms < self.terms.starts_at_ms {
            return Err(AuctionRefusal::NotStarted { starts_at_ms: self.terms.starts_at_ms, now_ms });
        }
        if now_ms >= self.ends_at_ms {
            return Err(AuctionRefusal::Ended { ends_at_ms: self.ends_at_ms, now_ms });
        }
        if self.leader().is_some_and(|leader| leader.paddle == paddle) {
            return Err(AuctionRefusal::AlreadyLeading);
        }
        let minimum = self.minimum_next();
        if price < minimum {
            let same_price_taken = self.leader().is_some_and(|leader| leader.price == price);
            return Err(AuctionRefusal::BelowMinimum { minimum, same_price_taken });
        }
        Ok(AuctionEvent::BidPlaced(Bid { paddle, price, at_ms: now_ms }))
    }

    /// Decides a pause at `now_ms`: only while bidding runs.
    pub fn decide_pause(&self, now_ms: i64, reason: &str) -> Result<AuctionEvent, AuctionRefusal> {
        if self.paused.is_some() || now_ms >= self.ends_at_ms {
            return Err(AuctionRefusal::CannotPause);
        }
        Ok(AuctionEvent::Paused { at_ms: now_ms, reason: reason.to_owned() })
    }

    /// Decides a resumption at `now_ms`: only while paused.
    pub fn decide_resume(&self, now_ms: i64) -> Result<AuctionEvent, AuctionRefusal> {
        match &self.paused {
            Some(_) => Ok(AuctionEvent::Resumed { at_ms: now_ms }),
            None => Err(AuctionRefusal::NotPaused),
        }
    }

    /// Decides the start of live bidding at `now_ms` once the listing period is over: it ends at
    /// `ends_at_ms` unless bids in its last `countdown_ms` move the end.
    pub fn decide_live_bidding(
        &self,
        now_ms: i64,
        ends_at_ms: i64,
        countdown_ms: i64,
    ) -> Result<AuctionEvent, AuctionRefusal> {
        if !self.is_over(now_ms) || ends_at_ms <= now_ms || countdown_ms <= 0 {
            return Err(AuctionRefusal::CannotOpenLiveBidding);
        }
        Ok(AuctionEvent::LiveBiddingOpened { at_ms: now_ms, ends_at_ms, countdown_ms })
    }

    /// Folds one event (decided earlier by the `decide_*` methods).
    pub fn apply(&mut self, event: &AuctionEvent) {
        match event {
            AuctionEvent::BidPlaced(bid) => {
                self.bids.push(*bid);
                // 限时竞价: a bid inside the countdown restarts it.
                if let Some(countdown) = self.terms.countdown_ms {
                    self.ends_at_ms = self.ends_at_ms.max(bid.at_ms.saturating_add(countdown));
                }
            }
            AuctionEvent::Paused { at_ms, reason } => self.paused = Some((*at_ms, reason.clone())),
            AuctionEvent::Resumed { at_ms } => {
                if let Some((since, _)) = self.paused.take() {
                    // The time lost is given back, and with a countdown at least one full countdown.
                    let lost = at_ms.saturating_sub(since).max(0);
                    let mut end = self.ends_at_ms.saturating_add(lost);
                    if let Some(countdown) = self.terms.countdown_ms {
                        end = end.max(at_ms.saturating_add(countdown));
                    }
                    self.ends_at_ms = end;
                }
            }
            AuctionEvent::LiveBiddingOpened { ends_at_ms, countdown_ms, .. } => {
                self.ends_at_ms = self.ends_at_ms.max(*ends_at_ms);
                self.terms.countdown_ms = Some(*countdown_ms);
            }
        }
    }

    /// The result at `now_ms`, once bidding is over; `None` while it runs. The reserve is compared
    /// only here: before the end nothing reveals it.
    pub fn outcome(&self, now_ms: i64) -> Option<Outcome> {
        if !self.is_over(now_ms) {
            return None;
        }
        Some(match (self.leader(), self.terms.reserve) {
            (None, _) => Outcome::Unsold(Unsold::NoBids),
            (Some(leader), Some(reserve)) if leader.price < reserve => {
                Outcome::Unsold(Unsold::BelowReserve { highest: leader.price })
            }
            (Some(leader), _) => Outcome::Sold(*leader),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    fn terms(countdown_ms: Option<i64>) -> AuctionTerms {
        AuctionTerms {
            start_price: Fen(100_000_000),
            increment: Fen(1_000_000),
            reserve: Some(Fen(105_000_000)),
            starts_at_ms: 0,
            ends_at_ms: 60 * MIN,
            countdown_ms,
        }
    }

    fn bid(auction: &mut Auction, paddle: u32, yuan: i64, at_ms: i64) -> Result<(), AuctionRefusal> {
        let event = auction.decide_bid(paddle, Fen(yuan * 100), at_ms)?;
        auction.apply(&event);
        Ok(())
    }

    #[test]
    fn bids_climb_by_the_increment_and_the_same_price_second_in_the_log_is_told_it_lost() {
        let mut auction = Auction::new(terms(None));
        assert_eq!(
            bid(&mut auction, 1, 999_999, 10),
            Err(AuctionRefusal::BelowMinimum { minimum: Fen(100_000_000), same_price_taken: false })
        );
        assert_eq!(bid(&mut auction, 1, 1_000_000, 10), Ok(()));
        assert_eq!(bid(&mut auction, 1, 1_020_000, 11), Err(AuctionRefusal::AlreadyLeading));
        assert_eq!(bid(&mut auction, 2, 1_010_000, 12), Ok(()));
        let lost = bid(&mut auction, 3, 1_010_000, 12).expect_err("same price, later in the log");
        assert_eq!(lost, AuctionRefusal::BelowMinimum { minimum: Fen(102_000_000), same_price_taken: true });
        assert!(lost.to_string().contains("更早的出价") && lost.to_string().contains("1,020,000.00元"), "{lost}");
        assert_eq!(lost.code(), "bid_below_increment");
        assert_eq!(auction.outcome(60 * MIN - 1), None, "still running");
        assert_eq!(
            auction.outcome(60 * MIN),
            Some(Outcome::Unsold(Unsold::BelowReserve { highest: Fen(101_000_000) }))
        );
        assert!(matches!(bid(&mut auction, 3, 2_000_000, 60 * MIN), Err(AuctionRefusal::Ended { .. })));
    }

    #[test]
    fn a_bid_in_the_countdown_moves_the_end_and_a_pause_gives_the_lost_time_back() {
        let mut auction = Auction::new(terms(Some(5 * MIN)));
        assert_eq!(bid(&mut auction, 1, 1_000_000, 10 * MIN), Ok(()));
        assert_eq!(auction.ends_at_ms(), 60 * MIN, "outside the countdown nothing moves");
        assert_eq!(bid(&mut auction, 2, 1_060_000, 58 * MIN), Ok(()));
        assert_eq!(auction.ends_at_ms(), 63 * MIN);
        let pause = auction.decide_pause(62 * MIN, "行情服务器故障").expect("pause");
        auction.apply(&pause);
        assert!(matches!(bid(&mut auction, 1, 1_100_000, 62 * MIN), Err(AuctionRefusal::Paused { .. })));
        assert_eq!(auction.outcome(70 * MIN), None, "a paused auction is not over");
        let resume = auction.decide_resume(80 * MIN).expect("resume");
        auction.apply(&resume);
        // 18 minutes lost: 63 + 18 = 81, and at least a countdown after 80: 85.
        assert_eq!(auction.ends_at_ms(), 85 * MIN);
        assert_eq!(bid(&mut auction, 1, 1_100_000, 84 * MIN), Ok(()));
        assert_eq!(auction.ends_at_ms(), 89 * MIN);
        assert_eq!(
            auction.outcome(89 * MIN),
            Some(Outcome::Sold(Bid { paddle: 1, price: Fen(110_000_000), at_ms: 84 * MIN }))
        );
        assert_eq!(auction.decide_resume(89 * MIN), Err(AuctionRefusal::NotPaused));
        assert_eq!(auction.decide_pause(89 * MIN, "x"), Err(AuctionRefusal::CannotPause));
    }

    #[test]
    fn terms_are_checked() {
        assert_eq!(terms(None).check(), Ok(()));
        let mut bad = terms(None);
        bad.reserve = Some(Fen(1));
        assert_eq!(bad.check(), Err(crate::auction::TermsError::ReserveBelowStart));
        let mut bad = terms(Some(0));
        assert_eq!(bad.check().map_err(|e| e.code()), Err("invalid_time"));
        bad.countdown_ms = None;
        bad.increment = Fen(0);
        assert_eq!(bad.check().map_err(|e| e.code()), Err("invalid_amount"));
    }
}

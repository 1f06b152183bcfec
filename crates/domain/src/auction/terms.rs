//! The terms an auction runs under, checked once when it is set up.

use crate::Fen;

/// The terms of one auction (or of the live bidding that closes a listing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuctionTerms {
    /// The starting price (起始价): the first bid must reach it.
    pub start_price: Fen,
    /// The minimum increment (加价幅度): every later bid beats the leader by at least this.
    pub increment: Fen,
    /// The reserve price (底价), sealed until the bidding ends; `None` when there is none.
    pub reserve: Option<Fen>,
    /// When bids are first taken, UTC ms.
    pub starts_at_ms: i64,
    /// The scheduled end, UTC ms; extensions and pauses move it out, never in.
    pub ends_at_ms: i64,
    /// The countdown (限时竞价), ms: a bid within this long before the end moves the end to the
    /// bid's time plus this. `None`: the end is fixed (pauses aside).
    pub countdown_ms: Option<i64>,
}

/// Why terms are refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TermsError {
    /// A price or increment that is not positive.
    #[error("起始价和加价幅度须大于0")]
    NotPositive,
    /// The reserve must be at least the start price, or the start price already sells.
    #[error("底价不得低于起始价")]
    ReserveBelowStart,
    /// The end must come after the start.
    #[error("竞价结束时间须晚于开始时间")]
    EndsBeforeStart,
    /// A countdown must be positive.
    #[error("限时竞价的倒计时须大于0")]
    CountdownNotPositive,
}

impl TermsError {
    /// Stable error code.
    pub fn code(self) -> &'static str {
        match self {
            TermsError::NotPositive => "invalid_amount",
            TermsError::ReserveBelowStart => "reserve_below_start",
            TermsError::EndsBeforeStart | TermsError::CountdownNotPositive => "invalid_time",
        }
    }
}

impl AuctionTerms {
    /// Checks the terms.
    pub fn check(&self) -> Result<(), TermsError> {
        if self.start_price.0 <= 0 || self.increment.0 <= 0 {
            return Err(TermsError::NotPositive);
        }
        if self.reserve.is_some_and(|reserve| reserve < self.start_price) {
            return Err(TermsError::ReserveBelowStart);
        }
        if self.ends_at_ms <= self.starts_at_ms {
            return Err(TermsError::EndsBeforeStart);
        }
        if self.countdown_ms.is_some_and(|ms| ms <= 0) {
            return Err(TermsError::CountdownNotPositive);
        }
        Ok(())
    }
}

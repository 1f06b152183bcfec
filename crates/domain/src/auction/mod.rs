//! The live-bidding core (竞价) that land-use and mining-rights auctions and listings (拍卖, 挂牌 and
//! its 现场竞价) and state-property online bidding (网络竞价) share: an increasing (English) auction
//! with a minimum increment, an optional countdown extension (限时竞价: a bid in the last minutes
//! moves the end), a sealed reserve price (底价, compared only when the bidding ends), bidders known
//! only by paddle number, and pauses for platform incidents that push the end out by their length.
//!
//! Everything is decided from the auction's events in log order: [`Auction::apply`] folds them, the
//! `decide_*` methods say whether a new one may be recorded, and [`Auction::outcome`] reads the
//! result, so the result of any auction can be recomputed from its published events. Time is an
//! input; ties are impossible because two bids at the same price are ordered by the log and the
//! second one is refused (it no longer beats the leader).

mod bidding;
mod terms;

pub use bidding::{Auction, AuctionEvent, AuctionRefusal, Bid, Outcome, Unsold};
pub use terms::{AuctionTerms, TermsError};

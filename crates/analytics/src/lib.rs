//! Pure analytics for ggzy supervision (在线监管): statistics over bid prices.
//!
//! Like `ggzy-domain`, this crate does no IO and reads no clock: it turns numbers into numbers so
//! that screens (e.g. for bid rigging, 围标串标) can be tested exhaustively.

pub mod price_stats;

pub use price_stats::{PriceStats, price_stats, relative_spread};

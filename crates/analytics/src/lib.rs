//! Pure analytics for ggzy supervision (在线监管): statistics over bid prices, and the red-flag
//! indicators of OCP's Cardinal over OCDS data (`cardinal`, docs/cardinal.md).
//!
//! Like `ggzy-domain`, this crate does no IO and reads no clock: it turns numbers into numbers so
//! that screens (e.g. for bid rigging, 围标串标) can be tested exhaustively.

pub mod cardinal;
pub mod collusion;
pub mod market;
pub mod ocds_input;
pub mod ocds_release;
pub mod price_stats;

pub use price_stats::{PriceStats, price_stats, relative_spread};

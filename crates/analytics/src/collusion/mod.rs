//! Bid-rigging screens of Chinese practice on one lot's bids (围标串标, 招标投标法实施条例 第三十九条、
//! 第四十条): shared traces (the same machine, network address, deposit account, contact, legal
//! representative or project manager) and price patterns (identical prices, regular gaps, a
//! dispersion too small, a lone low bid far below a tight cluster).
//!
//! A flag is a reason to look, never a finding: each carries its rule, the article it points to,
//! a score in [0, 1] and the evidence rows (which bidders, which shared value or which numbers),
//! so that a regulator can check it against the record. Thresholds are settings with documented
//! defaults, to be calibrated on a market with known cartels.

mod lot;
mod rule;

pub use lot::{LotBid, ScreenSettings, screen_lot};
pub use rule::{Evidence, Flag, Rule};

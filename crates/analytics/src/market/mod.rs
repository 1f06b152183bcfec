//! Market-level bid-rigging screens of Chinese practice (围标串标 over many tenders): cover bidders
//! (陪标), serial winners (标王), bid rotation (轮流中标), co-bidding rings (串标团伙), and the lot
//! screens of `crate::collusion` summed up per firm (shared device or address, common owner, price
//! patterns).
//!
//! The input is the awarded lots of a market (region, category, year, and every bid with its
//! winner flag and the traces the lot screens read); the output is a graded score per firm and
//! rule, with evidence rows a regulator can check against the record. As with the lot screens, a
//! score is a reason to look, never a finding. Everything is deterministic: ties are broken by
//! firm id, and no screen draws random numbers. Definitions, defaults and measured quality are in
//! docs/market-screens.md.

mod cover;
mod index;
mod input;
mod ocds;
mod pairs;
mod ring;
mod rotation;
mod rule;
mod serial;
pub mod synthetic;

pub use cover::cover_bidders;
pub use input::{MarketBid, MarketLot};
pub use ocds::{lots_of_release, release_of_lot};
pub use pairs::{common_owners, price_patterns, shared_traces};
pub use ring::co_bidding_rings;
pub use rotation::rotations;
pub use rule::{FirmScore, MarketRule};
pub use serial::serial_winners;

use crate::collusion::ScreenSettings;
use index::Index;

/// Thresholds and sample sizes of the market screens. Scores are graded in [0, 1]; `min_score`
/// only decides what [`screen_market`] returns.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MarketSettings {
    /// Fewest bids a firm needs before the cover, serial-winner and rotation screens judge it: with
    /// fewer, a win ratio says nothing. Default 8.
    pub min_bids: usize,
    /// How many top winners "the same few" are, for the cover-bidder screen. Default 2.
    pub few_winners: usize,
    /// Fewest lots two firms must share before a pair screen counts them. Default 4.
    pub min_joint_lots: usize,
    /// A co-bidding pair is a ring edge when its joint lots are at least this many times what
    /// independent bidding in the same region × category cells predicts. Default 3.0.
    pub ring_min_lift: f64,
    /// … and when joint lots / lots of either firm (Jaccard) is at least this. Default 0.25.
    pub ring_min_jaccard: f64,
    /// A co-bidder is a rotation partner of a firm when it is in at least this share of the firm's
    /// lots. Default 0.5.
    pub partner_share: f64,
    /// Two prices within this relative distance count as a price-pattern hit for the pair. Default
    /// 0.002 (0.2%): honest bids on works spread by several percent.
    pub close_price: f64,
    /// The lot screens' settings.
    pub lot: ScreenSettings,
    /// [`screen_market`] returns only scores at or above this. Default 0.3.
    pub min_score: f64,
}

impl Default for MarketSettings {
    fn default() -> MarketSettings {
        MarketSettings {
            min_bids: 8,
            few_winners: 2,
            min_joint_lots: 4,
            ring_min_lift: 3.0,
            ring_min_jaccard: 0.25,
            partner_share: 0.5,
            close_price: 0.002,
            lot: ScreenSettings::default(),
            min_score: 0.3,
        }
    }
}

/// Every market screen over `lots`: the scores at or above `settings.min_score`, by rule, then by
/// score (highest first), then by firm.
pub fn screen_market(lots: &[MarketLot], settings: &MarketSettings) -> Vec<FirmScore> {
    let index = Index::new(lots);
    let mut scores = Vec::new();
    scores.extend(cover::screen(&index, settings));
    scores.extend(serial::screen(&index, settings));
    scores.extend(rotation::screen(&index, settings));
    scores.extend(ring::screen(&index, settings));
    scores.extend(pairs::screen(&index, lots, settings));
    scores.retain(|s| s.score >= settings.min_score);
    rule::sort(&mut scores);
    scores
}

/// Small sample shrinkage: `n / (n + k)`, so that a few observations never score high.
#[allow(clippy::cast_precision_loss)]
fn support(n: usize, k: usize) -> f64 {
    n as f64 / (n + k).max(1) as f64
}

#[cfg(test)]
mod test_market;

//! What the market screens read: awarded lots with their bids.

use crate::collusion::LotBid;

/// One bid on an awarded lot.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MarketBid {
    /// The bid, with the traces the lot screens compare (`LotBid::bidder` is the firm id).
    pub bid: LotBid,
    /// Whether this bid won the lot.
    pub winner: bool,
}

/// One awarded lot.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MarketLot {
    /// The lot's id (标段编号).
    pub id: String,
    /// Where (e.g. the city).
    pub region: String,
    /// What (e.g. 房建, 市政).
    pub category: String,
    /// The year of the award.
    pub year: i32,
    /// The bids.
    pub bids: Vec<MarketBid>,
}

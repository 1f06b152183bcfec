//! Serial winners (标王): a firm whose win share in a region × category is far above its bid share
//! there, i.e. it wins far more of its bids than equal chance among the bidders gives.

use super::index::Index;
use super::rule::{FirmScore, MarketRule, evidence, sort};
use super::{MarketLot, MarketSettings, support};

/// Scores every firm in each region × category where it has at least `min_bids` bids, and keeps its
/// strongest cell.
///
/// Score = (W − E) / (B − E) × B / (B + min_bids): W wins, B bids, E = Σ 1 / bidders the wins equal
/// chance gives. Winning every bid scores near 1; winning at chance scores 0.
pub fn serial_winners(lots: &[MarketLot], settings: &MarketSettings) -> Vec<FirmScore> {
    let mut scores = screen(&Index::new(lots), settings);
    sort(&mut scores);
    scores
}

#[allow(clippy::cast_precision_loss)]
pub(super) fn screen(index: &Index<'_>, settings: &MarketSettings) -> Vec<FirmScore> {
    // Awarded lots and bids per cell, for the shares shown as evidence.
    let mut cell_awarded = vec![0usize; index.cells.len()];
    let mut cell_bids = vec![0usize; index.cells.len()];
    for view in &index.lots {
        cell_bids[view.cell] += view.bidders.len();
        if view.winner.is_some() {
            cell_awarded[view.cell] += 1;
        }
    }
    let mut scores = Vec::new();
    for (firm, lots) in index.firm_lots.iter().enumerate() {
        let mut best: Option<FirmScore> = None;
        for (&cell, &bids) in &index.firm_cells[firm] {
            if bids < settings.min_bids {
                continue;
            }
            let (mut wins, mut expected, mut awarded) = (0usize, 0.0, 0usize);
            for &lot in lots {
                let view = &index.lots[lot];
                if view.cell != cell || view.winner.is_none() {
                    continue;
                }
                awarded += 1;
                expected += 1.0 / view.bidders.len() as f64;
                if view.winner == Some(firm) {
                    wins += 1;
                }
            }
            let headroom = awarded as f64 - expected;
            if headroom <= 0.0 {
                continue;
            }
            let score = ((wins as f64 - expected) / headroom).max(0.0) * support(awarded, settings.min_bids);
            if score > best.as_ref().map_or(0.0, |b| b.score) {
                let (region, category) = index.cells[cell];
                let win_share = wins as f64 / cell_awarded[cell].max(1) as f64;
                let bid_share = bids as f64 / cell_bids[cell].max(1) as f64;
                best = Some(FirmScore {
                    firm: index.firms[firm].to_owned(),
                    rule: MarketRule::SerialWinner,
                    score,
                    evidence: vec![
                        evidence("region", region),
                        evidence("category", category),
                        evidence("bids", awarded),
                        evidence("wins", wins),
                        evidence("wins_at_equal_chance", format!("{expected:.2}")),
                        evidence("win_share", format!("{win_share:.3}")),
                        evidence("bid_share", format!("{bid_share:.3}")),
                    ],
                });
            }
        }
        scores.extend(best);
    }
    scores
}

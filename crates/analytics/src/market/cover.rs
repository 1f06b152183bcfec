//! Cover bidders (陪标): firms that bid often, almost never win, and lose mostly to the same few
//! winners — more often than those winners' strength elsewhere explains.

use std::collections::BTreeMap;

use super::index::Index;
use super::rule::{FirmScore, MarketRule, evidence, sort};
use super::{MarketLot, MarketSettings, support};

/// Scores every firm with at least `min_bids` bids and at least one loss.
///
/// Score = (1 − win rate) × excess × n / (n + min_bids), where excess = c − e, c is the
/// share of the firm's losses that went to its `few_winners` most frequent winners, and e is the
/// share those winners would take at their win rate on the lots they bid without this firm (an
/// honest strong competitor wins against everyone, a cover bidder's leader wins against it).
pub fn cover_bidders(lots: &[MarketLot], settings: &MarketSettings) -> Vec<FirmScore> {
    let mut scores = screen(&Index::new(lots), settings);
    sort(&mut scores);
    scores
}

#[allow(clippy::cast_precision_loss)]
pub(super) fn screen(index: &Index<'_>, settings: &MarketSettings) -> Vec<FirmScore> {
    let mut scores = Vec::new();
    for (firm, lots) in index.firm_lots.iter().enumerate() {
        let bids = lots.len();
        if bids < settings.min_bids {
            continue;
        }
        let mut wins = 0;
        let mut lost_to: BTreeMap<usize, usize> = BTreeMap::new();
        for &lot in lots {
            match index.lots[lot].winner {
                Some(w) if w == firm => wins += 1,
                Some(w) => *lost_to.entry(w).or_insert(0) += 1,
                None => {}
            }
        }
        let losses: usize = lost_to.values().sum();
        if losses == 0 {
            continue;
        }
        let mut ranked: Vec<(usize, usize)> = lost_to.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(settings.few_winners.max(1));
        let to_top: usize = ranked.iter().map(|(_, n)| n).sum();
        let concentration = to_top as f64 / losses as f64;
        // What the top winners would take of these losses at their strength elsewhere.
        let mut expected = 0.0;
        for &(winner, _) in &ranked {
            let present = lots
                .iter()
                .filter(|&&l| index.lots[l].winner.is_some() && index.lots[l].bidders.binary_search(&winner).is_ok())
                .count();
            expected += present as f64 * strength_without(index, winner, firm);
        }
        let expected = (expected / losses as f64).clamp(0.0, 1.0);
        // Absolute, not relative to the room left: a firm losing to a winner who wins everywhere
        // has no room left, and must not score for it.
        let excess = (concentration - expected).max(0.0);
        let win_rate = wins as f64 / bids as f64;
        let score = (1.0 - win_rate) * excess * support(bids, settings.min_bids);
        if score > 0.0 {
            let top: Vec<String> = ranked.iter().map(|(w, n)| format!("{}×{n}", index.firms[*w])).collect();
            scores.push(FirmScore {
                firm: index.firms[firm].to_owned(),
                rule: MarketRule::CoverBidder,
                score,
                evidence: vec![
                    evidence("bids", bids),
                    evidence("wins", wins),
                    evidence("losses", losses),
                    evidence("lost_to_top_winners", top.join(", ")),
                    evidence("share_lost_to_top", format!("{concentration:.3}")),
                    evidence("share_expected", format!("{expected:.3}")),
                ],
            });
        }
    }
    scores
}

/// A firm's win rate on the awarded lots it bid without `absent`, shrunk towards the equal chance
/// 1 / bidders so that a winner seen only next to `absent` gets the prior.
#[allow(clippy::cast_precision_loss)]
fn strength_without(index: &Index<'_>, firm: usize, absent: usize) -> f64 {
    const PRIOR_WEIGHT: f64 = 2.0;
    let (mut wins, mut chance, mut bids) = (0.0, 0.0, 0.0);
    for &lot in &index.firm_lots[firm] {
        let view = &index.lots[lot];
        if view.winner.is_none() || view.bidders.binary_search(&absent).is_ok() {
            continue;
        }
        bids += 1.0;
        chance += 1.0 / view.bidders.len() as f64;
        if view.winner == Some(firm) {
            wins += 1.0;
        }
    }
    let prior = if bids > 0.0 { chance / bids } else { 0.2 };
    (wins + PRIOR_WEIGHT * prior) / (bids + PRIOR_WEIGHT)
}

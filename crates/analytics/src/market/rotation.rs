//! Bid rotation (轮流中标): a group that keeps bidding together, wins its joint lots far more often
//! than its numbers among the bidders give, and spreads those wins across its members.

use std::collections::BTreeMap;

use super::index::Index;
use super::rule::{FirmScore, MarketRule, evidence, sort};
use super::{MarketLot, MarketSettings, support};

/// Scores every firm with at least `min_bids` bids and at least two partners (co-bidders present in
/// at least `partner_share` of its lots and `min_joint_lots` lots): the group is the firm and its
/// partners, the joint lots are the firm's awarded lots with a partner present.
///
/// Score = excess × evenness × J / (J + min_bids): excess = (g − e) / (J − e), g the joint lots the
/// group won, e = Σ group bidders / bidders what equal chance gives; evenness is the entropy of
/// the wins over the group's members, divided by its largest value ln(group size).
pub fn rotations(lots: &[MarketLot], settings: &MarketSettings) -> Vec<FirmScore> {
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
        let floor = (settings.partner_share * bids as f64).max(settings.min_joint_lots as f64);
        let mut group: Vec<usize> =
            index.partners(firm).into_iter().filter(|&(_, n)| n as f64 >= floor).map(|(p, _)| p).collect();
        if group.len() < 2 {
            continue;
        }
        group.push(firm);
        group.sort_unstable();
        let (mut joint, mut expected) = (0usize, 0.0);
        let mut wins: BTreeMap<usize, usize> = BTreeMap::new();
        for &lot in lots {
            let view = &index.lots[lot];
            let Some(winner) = view.winner else { continue };
            let present = view.bidders.iter().filter(|b| group.binary_search(b).is_ok()).count();
            if present < 2 {
                continue;
            }
            joint += 1;
            expected += present as f64 / view.bidders.len() as f64;
            if group.binary_search(&winner).is_ok() {
                *wins.entry(winner).or_insert(0) += 1;
            }
        }
        let group_wins: usize = wins.values().sum();
        let headroom = joint as f64 - expected;
        if group_wins == 0 || headroom <= 0.0 {
            continue;
        }
        let excess = ((group_wins as f64 - expected) / headroom).max(0.0);
        let entropy: f64 = wins
            .values()
            .map(|&w| {
                let p = w as f64 / group_wins as f64;
                -p * p.ln()
            })
            .sum();
        let evenness = entropy / (group.len() as f64).ln();
        let score = (excess * evenness * support(joint, settings.min_bids)).clamp(0.0, 1.0);
        if score > 0.0 {
            let members: Vec<&str> = group.iter().map(|&g| index.firms[g]).collect();
            let turns: Vec<String> = wins.iter().map(|(w, n)| format!("{}×{n}", index.firms[*w])).collect();
            scores.push(FirmScore {
                firm: index.firms[firm].to_owned(),
                rule: MarketRule::Rotation,
                score,
                evidence: vec![
                    evidence("group", members.join(", ")),
                    evidence("joint_lots", joint),
                    evidence("won_by_group", group_wins),
                    evidence("won_at_equal_chance", format!("{expected:.2}")),
                    evidence("wins_by_member", turns.join(", ")),
                    evidence("evenness", format!("{evenness:.3}")),
                ],
            });
        }
    }
    scores
}

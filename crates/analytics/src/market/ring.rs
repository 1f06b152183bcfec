//! Co-bidding rings (串标团伙): the weighted co-bidding graph, its edges kept where a pair bids
//! together far more than chance (lift over independent bidding within the same region × category
//! cells, and Jaccard overlap), and the connected components of those edges as communities.
//! Deterministic: union-find over edges in firm order.

use std::collections::BTreeMap;

use super::index::Index;
use super::rule::{FirmScore, MarketRule, evidence, sort};
use super::{MarketLot, MarketSettings};

/// Scores every firm with a co-bidding pair of at least `min_joint_lots` joint lots.
///
/// Pair strength = Jaccard × (1 − 1 / lift), lift = joint lots / joint lots expected from
/// independent bidding within cells; a firm's score is its strongest pair's. Pairs with
/// lift ≥ `ring_min_lift` and Jaccard ≥ `ring_min_jaccard` are ring edges; the evidence names the
/// firm's community (connected component of ring edges) when it has one.
pub fn co_bidding_rings(lots: &[MarketLot], settings: &MarketSettings) -> Vec<FirmScore> {
    let mut scores = screen(&Index::new(lots), settings);
    sort(&mut scores);
    scores
}

struct Best {
    partner: usize,
    joint: usize,
    lift: f64,
    jaccard: f64,
    strength: f64,
}

#[allow(clippy::cast_precision_loss)]
pub(super) fn screen(index: &Index<'_>, settings: &MarketSettings) -> Vec<FirmScore> {
    let n = index.firms.len();
    let mut parent: Vec<usize> = (0..n).collect();
    let mut best: Vec<Option<Best>> = (0..n).map(|_| None).collect();
    for (&(a, b), &joint) in &index.joint {
        if joint < settings.min_joint_lots {
            continue;
        }
        let expected = index.expected_joint(a, b);
        let lift = if expected > 0.0 { joint as f64 / expected } else { f64::INFINITY };
        let union = index.firm_lots[a].len() + index.firm_lots[b].len() - joint;
        let jaccard = joint as f64 / union.max(1) as f64;
        let strength = jaccard * (1.0 - 1.0 / lift).max(0.0);
        if lift >= settings.ring_min_lift && jaccard >= settings.ring_min_jaccard {
            let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
            parent[ra.max(rb)] = ra.min(rb);
        }
        for (firm, partner) in [(a, b), (b, a)] {
            if best[firm].as_ref().is_none_or(|x| strength > x.strength) {
                best[firm] = Some(Best { partner, joint, lift, jaccard, strength });
            }
        }
    }
    let mut communities: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for firm in 0..n {
        let r = root(&mut parent, firm);
        communities.entry(r).or_default().push(firm);
    }
    let mut scores = Vec::new();
    for (firm, found) in best.into_iter().enumerate() {
        let Some(found) = found.filter(|b| b.strength > 0.0) else { continue };
        let mut rows = vec![
            evidence("strongest_partner", index.firms[found.partner]),
            evidence("joint_lots", found.joint),
            evidence("lift", format!("{:.2}", found.lift)),
            evidence("jaccard", format!("{:.3}", found.jaccard)),
        ];
        let community = &communities[&root(&mut parent, firm)];
        if community.len() >= 2 {
            let names: Vec<&str> = community.iter().map(|&c| index.firms[c]).collect();
            rows.push(evidence("community", names.join(", ")));
        }
        scores.push(FirmScore {
            firm: index.firms[firm].to_owned(),
            rule: MarketRule::CoBiddingRing,
            score: found.strength.clamp(0.0, 1.0),
            evidence: rows,
        });
    }
    scores
}

fn root(parent: &mut [usize], mut at: usize) -> usize {
    while parent[at] != at {
        parent[at] = parent[parent[at]];
        at = parent[at];
    }
    at
}

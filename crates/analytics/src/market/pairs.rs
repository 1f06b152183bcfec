//! The lot screens of `crate::collusion` summed up per firm: how often a firm is caught with the
//! same partner. One shared IP with a stranger happens (a bidding agent's office, a trading
//! centre's hall); the same machine with the same partner in lot after lot does not.

use std::collections::{BTreeMap, BTreeSet};

use super::index::Index;
use super::rule::{FirmScore, MarketRule, evidence, sort};
use super::{MarketLot, MarketSettings, support};
use crate::collusion::{LotBid, Rule, screen_lot};

/// Shared machine, network card, address, deposit account, contact phone or project manager.
pub fn shared_traces(lots: &[MarketLot], settings: &MarketSettings) -> Vec<FirmScore> {
    only(lots, settings, MarketRule::SharedTraces)
}

/// The same legal representative on two bids of one lot.
pub fn common_owners(lots: &[MarketLot], settings: &MarketSettings) -> Vec<FirmScore> {
    only(lots, settings, MarketRule::CommonOwner)
}

/// Identical prices, prices in one equal-gap run, or prices within `close_price` of each other.
pub fn price_patterns(lots: &[MarketLot], settings: &MarketSettings) -> Vec<FirmScore> {
    only(lots, settings, MarketRule::PricePattern)
}

fn only(lots: &[MarketLot], settings: &MarketSettings, rule: MarketRule) -> Vec<FirmScore> {
    let mut scores = screen(&Index::new(lots), lots, settings);
    scores.retain(|s| s.rule == rule);
    sort(&mut scores);
    scores
}

/// The market rule a lot rule feeds, if any. Dispersion and the lone low bid concern the whole lot,
/// not a pair: they are left to the lot screens.
fn market_rule(rule: Rule) -> Option<MarketRule> {
    match rule {
        Rule::SameMachine
        | Rule::SameNetworkCard
        | Rule::SameSubmissionAddress
        | Rule::SameDepositAccount
        | Rule::SameContactPhone
        | Rule::SameProjectManager
        | Rule::SameFile => Some(MarketRule::SharedTraces),
        Rule::SameLegalRepresentative => Some(MarketRule::CommonOwner),
        Rule::IdenticalPrices | Rule::RegularPriceGaps => Some(MarketRule::PricePattern),
        Rule::LowPriceDispersion | Rule::LoneLowBid | Rule::HighKurtosis => None,
    }
}

/// Per (rule, firm, partner): the lots (indices) of the hits and the lot rules seen.
type Hits = BTreeMap<(MarketRule, usize, usize), (BTreeSet<usize>, BTreeSet<&'static str>)>;

/// Per firm and rule: score = h / (h + 2) × h / (J + 2) for its strongest partner, h the lots with a
/// hit with that partner, J their joint lots.
#[allow(clippy::cast_precision_loss)]
pub(super) fn screen(index: &Index<'_>, lots: &[MarketLot], settings: &MarketSettings) -> Vec<FirmScore> {
    let firm_of: BTreeMap<&str, usize> = index.firms.iter().enumerate().map(|(i, f)| (*f, i)).collect();
    let mut hits: Hits = BTreeMap::new();
    let mut hit = |rule: MarketRule, a: usize, b: usize, lot: usize, why: &'static str| {
        if a != b {
            for (x, y) in [(a, b), (b, a)] {
                let entry = hits.entry((rule, x, y)).or_default();
                entry.0.insert(lot);
                entry.1.insert(why);
            }
        }
    };
    for (at, lot) in lots.iter().enumerate() {
        let bids: Vec<LotBid> = lot.bids.iter().map(|b| b.bid.clone()).collect();
        for flag in screen_lot(&bids, &settings.lot) {
            let Some(rule) = market_rule(flag.rule) else { continue };
            let members: Vec<usize> = flag.bidders.iter().filter_map(|b| firm_of.get(b.as_str()).copied()).collect();
            for (i, &a) in members.iter().enumerate() {
                for &b in &members[i + 1..] {
                    hit(rule, a, b, at, flag.rule.code());
                }
            }
        }
        let mut priced: Vec<(i64, usize)> = lot
            .bids
            .iter()
            .filter_map(|b| Some((b.bid.price?.0, *firm_of.get(b.bid.bidder.as_str())?)))
            .filter(|(p, _)| *p > 0)
            .collect();
        priced.sort_unstable();
        for (i, &(pa, a)) in priced.iter().enumerate() {
            for &(pb, b) in &priced[i + 1..] {
                if (pb - pa) as f64 > settings.close_price * pa as f64 {
                    break;
                }
                hit(MarketRule::PricePattern, a, b, at, "close_prices");
            }
        }
    }
    let mut best: BTreeMap<(usize, MarketRule), FirmScore> = BTreeMap::new();
    for ((rule, firm, partner), (lots_hit, why)) in hits {
        let h = lots_hit.len();
        let joint = index.joint(firm, partner);
        let score = support(h, 2) * support(h, joint.saturating_sub(h) + 2);
        if best.get(&(firm, rule)).is_some_and(|b| b.score >= score) {
            continue;
        }
        let ids: Vec<&str> = lots_hit.iter().take(10).map(|&l| lots[l].id.as_str()).collect();
        best.insert(
            (firm, rule),
            FirmScore {
                firm: index.firms[firm].to_owned(),
                rule,
                score,
                evidence: vec![
                    evidence("partner", index.firms[partner]),
                    evidence("lots_with_hit", h),
                    evidence("joint_lots", joint),
                    evidence("lot_rules", why.into_iter().collect::<Vec<_>>().join(", ")),
                    evidence("lots", ids.join(", ")),
                ],
            },
        );
    }
    best.into_values().collect()
}

//! A synthetic public-works market with planted cartels, for measuring the market screens
//! (`bench/`, market-quality) and for showing them in `ggzy demo`. Pure: every random number comes
//! from the [`Draws`] passed in (the caller's seeded generator), so a seed gives the same market on
//! every run (with the caller's locked generator version); this crate draws none itself.
//!
//! Honest firms have a home city, one or two categories, an activity level and a cost efficiency;
//! they bid on lots of their categories, mostly at home, at the estimate plus noise, and the best
//! evaluated bid wins. Each cartel is a few firms of one city and category that also bid honestly
//! elsewhere, and on its target lots plants one shape: cover bidding, rotation, a shared device or
//! address, a common owner, or a price pattern. Next to each cartel sit honest look-alikes (same
//! city, same category, similar volume). docs/market-screens.md describes each shape.

use std::collections::BTreeMap;

use std::ops::{Range, RangeInclusive};

use ggzy_domain::Fen;

use super::{MarketBid, MarketLot};
use crate::collusion::LotBid;

/// The random numbers the generator draws, in the order it draws them. A caller adapts its seeded
/// generator (e.g. `rand`'s `StdRng`) by calling the same-named sampling of that generator, so
/// that the stream, and the market, is the generator's.
pub trait Draws {
    /// Uniform in [0, 1) (`rand`: `random::<f64>()`).
    fn unit(&mut self) -> f64;
    /// Uniform in `range` (`rand`: `random_range(range)` on `usize`).
    fn index(&mut self, range: Range<usize>) -> usize;
    /// Uniform in `range`, both ends included (`rand`: `random_range(range)` on `usize`).
    fn index_inclusive(&mut self, range: RangeInclusive<usize>) -> usize;
    /// Uniform in `range` (`rand`: `random_range(range)` on `f64`).
    fn uniform(&mut self, range: Range<f64>) -> f64;
    /// True with probability `p` (`rand`: `random_bool(p)`).
    fn chance(&mut self, p: f64) -> bool;
}

/// A cartel's shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Shape {
    /// One leader wins, the others bid higher to make up the numbers (陪标).
    CoverBidding,
    /// All bid, and the designated winner takes turns (轮流中标).
    Rotation,
    /// Bid files from one machine, or bids from one address.
    SharedDevice,
    /// Firms with one legal representative bid on the same lots.
    CommonOwner,
    /// The others' prices sit at equal gaps above the winner's, or within 0.2% of it.
    PricePattern,
}

impl Shape {
    /// Every shape, in order.
    pub const ALL: [Shape; 5] =
        [Shape::CoverBidding, Shape::Rotation, Shape::SharedDevice, Shape::CommonOwner, Shape::PricePattern];

    /// Short name for tables.
    pub fn name(self) -> &'static str {
        match self {
            Shape::CoverBidding => "cover bidding",
            Shape::Rotation => "rotation",
            Shape::SharedDevice => "shared device/IP",
            Shape::CommonOwner => "common owner",
            Shape::PricePattern => "price pattern",
        }
    }
}

/// The generator's knobs.
#[derive(Clone, Debug)]
pub struct Params {
    /// Honest firms (look-alikes come on top).
    pub firms: usize,
    pub regions: usize,
    pub categories: usize,
    pub years: usize,
    pub lots_per_year: usize,
    pub cartels_per_shape: usize,
    /// Members per cartel, drawn uniformly from this inclusive range.
    pub cartel_size: (usize, usize),
    /// Lots each cartel rigs over the years.
    pub target_lots: usize,
    /// Honest firms placed next to each cartel: same city, category and activity.
    pub lookalikes_per_cartel: usize,
    /// Chance an honest bid is submitted from the trading centre's hall (a shared address).
    pub hall_ip_rate: f64,
    /// Share of honest firms that belong to a group with another firm (one legal representative).
    pub sister_rate: f64,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            firms: 3_000,
            regions: 8,
            categories: 6,
            years: 5,
            lots_per_year: 2_000,
            cartels_per_shape: 8,
            cartel_size: (3, 5),
            target_lots: 24,
            lookalikes_per_cartel: 4,
            hall_ip_rate: 0.05,
            sister_rate: 0.02,
        }
    }
}

/// The market and the truth behind it.
pub struct SyntheticMarket {
    pub lots: Vec<MarketLot>,
    /// Every firm: `None` when honest, else its cartel's shape.
    pub truth: BTreeMap<String, Option<Shape>>,
}

struct Firm {
    id: String,
    region: usize,
    categories: Vec<usize>,
    activity: f64,
    /// The size class of works the firm is qualified and equipped for (资质等级): honest firms of
    /// one class meet far more often than their city and category predict.
    tier: usize,
    /// Added to the price ratio: negative is cheaper.
    efficiency: f64,
    owner: String,
    shape: Option<Shape>,
}

/// Who bids in a region × category × size class, with their weights.
type Pool = (Vec<usize>, Vec<f64>);

const REGIONS: [&str; 8] = ["杭州", "宁波", "温州", "嘉兴", "湖州", "绍兴", "金华", "台州"];
const CATEGORIES: [&str; 6] = ["房建", "市政", "水利", "交通", "园林", "设备采购"];
/// Bids from outside the home city weigh this much less.
const AWAY_WEIGHT: f64 = 0.03;
/// Size classes of lots and firms.
const TIERS: usize = 3;
/// Bids on a lot of another size class weigh this much less.
const OFF_TIER_WEIGHT: f64 = 0.15;

fn normal(rng: &mut impl Draws, mean: f64, sd: f64) -> f64 {
    // Box–Muller; 1 − u keeps the logarithm finite.
    let u: f64 = 1.0 - rng.unit();
    let v: f64 = rng.unit();
    mean + sd * (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

#[allow(clippy::cast_possible_truncation)]
fn fen(value: f64) -> i64 {
    // Bids are written in whole yuan.
    (value / 100.0).round() as i64 * 100
}

fn region_name(r: usize) -> String {
    REGIONS.get(r).map_or_else(|| format!("地区{r}"), |n| (*n).to_owned())
}

fn category_name(c: usize) -> String {
    CATEGORIES.get(c).map_or_else(|| format!("类别{c}"), |n| (*n).to_owned())
}

/// One market from `rng`.
pub fn generate(params: &Params, rng: &mut impl Draws) -> SyntheticMarket {
    let regions = params.regions.max(1);
    let categories = params.categories.max(1);
    let mut firms: Vec<Firm> = Vec::new();
    let new_firm = |firms: &mut Vec<Firm>, region, cats: Vec<usize>, tier, activity, efficiency, shape| {
        let id = format!("91330000F{:06}", firms.len());
        firms.push(Firm {
            owner: format!("owner-{id}"),
            id,
            region,
            categories: cats,
            activity,
            tier,
            efficiency,
            shape,
        });
    };
    for _ in 0..params.firms {
        // Bigger cities first: region r has weight 1 / (r + 1).
        let region = pick_weighted(rng, &(0..regions).map(|r| 1.0 / (r as f64 + 1.0)).collect::<Vec<_>>());
        let mut cats = vec![rng.index(0..categories)];
        if rng.chance(0.4) {
            cats.push(rng.index(0..categories));
            cats.dedup();
        }
        let activity = normal(rng, 0.0, 0.7).exp();
        let efficiency = normal(rng, 0.0, 0.025);
        let tier = rng.index(0..TIERS);
        new_firm(&mut firms, region, cats, tier, activity, efficiency, None);
    }
    // Sister firms of one group: one legal representative, usually different lines of business.
    let honest = firms.len();
    for i in 0..honest {
        if rng.chance(params.sister_rate) {
            let j = rng.index(0..honest);
            let owner = firms[i].owner.clone();
            firms[j].owner = owner;
        }
    }
    struct Cartel {
        shape: Shape,
        variant: usize,
        cell: (usize, usize),
        members: Vec<usize>,
    }
    let mut cartels = Vec::new();
    for shape in Shape::ALL {
        for variant in 0..params.cartels_per_shape {
            let cell = (rng.index(0..regions), rng.index(0..categories));
            let tier = rng.index(0..TIERS);
            let (lo, hi) = params.cartel_size;
            let size = rng.index_inclusive(lo.max(2)..=hi.max(lo.max(2)));
            let mut members = Vec::new();
            for _ in 0..size {
                let activity = normal(rng, 0.0, 0.5).exp();
                members.push(firms.len());
                new_firm(&mut firms, cell.0, vec![cell.1], tier, activity, normal(rng, 0.0, 0.025), Some(shape));
            }
            if shape == Shape::CommonOwner {
                let owner = firms[members[0]].owner.clone();
                for &m in &members {
                    firms[m].owner.clone_from(&owner);
                }
            }
            for _ in 0..params.lookalikes_per_cartel {
                let activity = normal(rng, 0.0, 0.5).exp();
                new_firm(&mut firms, cell.0, vec![cell.1], tier, activity, normal(rng, 0.0, 0.025), None);
            }
            cartels.push(Cartel { shape, variant, cell, members });
        }
    }
    // Who bids in each cell, and how likely.
    let mut pools: BTreeMap<(usize, usize, usize), Pool> = BTreeMap::new();
    for (at, firm) in firms.iter().enumerate() {
        for &c in &firm.categories {
            for r in 0..regions {
                for t in 0..TIERS {
                    let weight = firm.activity
                        * if r == firm.region { 1.0 } else { AWAY_WEIGHT }
                        * if t == firm.tier { 1.0 } else { OFF_TIER_WEIGHT };
                    let pool = pools.entry((r, c, t)).or_default();
                    pool.0.push(at);
                    pool.1.push(weight);
                }
            }
        }
    }
    let region_weights: Vec<f64> = (0..regions).map(|r| 1.0 / (r as f64 + 1.0)).collect();
    let mut lots = Vec::new();
    let mut estimates = Vec::new();
    let mut lot_cells = Vec::new();
    for year in 0..params.years {
        for _ in 0..params.lots_per_year {
            let cell = (pick_weighted(rng, &region_weights), rng.index(0..categories));
            // Tier t: around 2 million yuan × 5^t (in fen).
            let tier = rng.index(0..TIERS);
            #[allow(clippy::cast_precision_loss)]
            let estimate = normal(rng, (2.0e8_f64 * 5f64.powi(tier as i32)).ln(), 0.5).exp();
            let wanted = rng.index_inclusive(3..=8);
            let mut bidders: Vec<usize> = Vec::new();
            if let Some((pool, weights)) = pools.get(&(cell.0, cell.1, tier)) {
                for _ in 0..wanted * 4 {
                    if bidders.len() >= wanted.min(pool.len()) {
                        break;
                    }
                    let firm = pool[pick_weighted(rng, weights)];
                    if !bidders.contains(&firm) {
                        bidders.push(firm);
                    }
                }
            }
            let mut bids: Vec<MarketBid> = bidders
                .iter()
                .map(|&f| {
                    let price = estimate * (1.0 + firms[f].efficiency + normal(rng, -0.04, 0.035));
                    honest_bid(rng, &firms[f], cell.0, fen(price), params.hall_ip_rate)
                })
                .collect();
            award_best(rng, &mut bids);
            #[allow(clippy::cast_possible_wrap, clippy::cast_possible_truncation)]
            let year = 2020 + year as i32;
            lots.push(MarketLot {
                id: format!("L{:06}", lots.len()),
                region: region_name(cell.0),
                category: category_name(cell.1),
                year,
                bids,
            });
            estimates.push(estimate);
            lot_cells.push(cell);
        }
    }
    for cartel in &cartels {
        let mut targets: Vec<usize> = (0..lots.len()).filter(|&l| lot_cells[l] == cartel.cell).collect();
        // A partial Fisher–Yates draw of the targets, then back in time order for the rotation.
        let take = params.target_lots.min(targets.len());
        for i in 0..take {
            let j = rng.index(i..targets.len());
            targets.swap(i, j);
        }
        targets.truncate(take);
        targets.sort_unstable();
        for (turn, &lot) in targets.iter().enumerate() {
            rig(rng, &firms, cartel.shape, cartel.variant, &cartel.members, turn, estimates[lot], &mut lots[lot]);
        }
    }
    let truth = firms.iter().map(|f| (f.id.clone(), f.shape)).collect();
    SyntheticMarket { lots, truth }
}

fn honest_bid(rng: &mut impl Draws, firm: &Firm, region: usize, price: i64, hall_ip_rate: f64) -> MarketBid {
    let client_ip = if rng.chance(hall_ip_rate) { format!("hall-{region}") } else { format!("ip-{}", firm.id) };
    MarketBid {
        bid: LotBid {
            bidder: firm.id.clone(),
            price: Some(Fen(price)),
            machine_id_hash: format!("m-{}", firm.id),
            mac_hash: format!("mac-{}", firm.id),
            client_ip,
            deposit_account: format!("acct-{}", firm.id),
            contact_phone: format!("tel-{}", firm.id),
            legal_representative: firm.owner.clone(),
            project_manager: format!("pm-{}-{}", firm.id, rng.index(0..3)),
            file_digests: Vec::new(),
        },
        winner: false,
    }
}

/// The best evaluated bid wins: the price with a small quality noise (综合评估).
fn award_best(rng: &mut impl Draws, bids: &mut [MarketBid]) {
    let mut best: Option<(f64, usize)> = None;
    for (i, bid) in bids.iter().enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let score = bid.bid.price.map_or(f64::INFINITY, |p| p.0 as f64) * (1.0 + normal(rng, 0.0, 0.02));
        if best.is_none_or(|(s, _)| score < s) {
            best = Some((score, i));
        }
    }
    if let Some((_, i)) = best {
        bids[i].winner = true;
    }
}

/// Plants one cartel's shape on one target lot: its bidders replace any members already there
/// and some honest bidders, the designated member wins below the best honest price.
#[allow(clippy::too_many_arguments, clippy::cast_precision_loss)]
fn rig(
    rng: &mut impl Draws,
    firms: &[Firm],
    shape: Shape,
    variant: usize,
    members: &[usize],
    turn: usize,
    estimate: f64,
    lot: &mut MarketLot,
) {
    let k = members.len();
    let winner = match shape {
        Shape::CoverBidding => members[0],
        Shape::Rotation => members[turn % k],
        _ => members[rng.index(0..k)],
    };
    let join = match shape {
        Shape::CoverBidding => 0.8,
        Shape::Rotation => 0.9,
        _ => 0.7,
    };
    let mut taking: Vec<usize> = vec![winner];
    for &m in members {
        if m != winner && rng.chance(join) {
            taking.push(m);
        }
    }
    if taking.len() < 2 {
        let other = members.iter().copied().find(|&m| m != winner);
        taking.extend(other);
    }
    lot.bids.retain(|b| !members.iter().any(|&m| firms[m].id == b.bid.bidder));
    // A rigged lot draws fewer outsiders: keep at most four honest bids.
    let keep = rng.index_inclusive(1..=4).min(lot.bids.len());
    lot.bids.truncate(keep);
    for bid in &mut lot.bids {
        bid.winner = false;
    }
    let best_honest = lot.bids.iter().filter_map(|b| b.bid.price).map(|p| p.0 as f64).fold(estimate, f64::min);
    let win_price = fen(best_honest * rng.uniform(0.975..0.995));
    let region = REGIONS.iter().position(|r| *r == lot.region).unwrap_or(0);
    let gap = fen(win_price as f64 * rng.uniform(0.003..0.01)).max(100);
    for (i, &m) in taking.iter().enumerate() {
        let price = if i == 0 {
            win_price
        } else if shape == Shape::PricePattern && variant.is_multiple_of(2) {
            win_price + gap * i as i64
        } else if shape == Shape::PricePattern {
            fen(win_price as f64 * (1.0 + rng.uniform(0.0003..0.0019)))
        } else {
            fen(win_price as f64 * rng.uniform(1.01..1.08))
        };
        let mut bid = honest_bid(rng, &firms[m], region, price, 0.0);
        if shape == Shape::SharedDevice && rng.chance(0.75) {
            let shared = format!("cartel-{}", firms[members[0]].id);
            if variant.is_multiple_of(2) {
                bid.bid.machine_id_hash = shared;
            } else {
                bid.bid.client_ip = shared;
            }
        }
        bid.winner = i == 0;
        lot.bids.push(bid);
    }
}

fn pick_weighted(rng: &mut impl Draws, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut at = rng.unit() * total;
    for (i, w) in weights.iter().enumerate() {
        if at < *w {
            return i;
        }
        at -= w;
    }
    weights.len().saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SplitMix64: a small seeded stream for the tests (the callers bring `rand`'s `StdRng`).
    struct SplitMix(u64);

    impl SplitMix {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }
    }

    #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
    impl Draws for SplitMix {
        fn unit(&mut self) -> f64 {
            (self.next() >> 11) as f64 / (1u64 << 53) as f64
        }
        fn index(&mut self, range: Range<usize>) -> usize {
            range.start + (self.unit() * (range.end - range.start) as f64) as usize
        }
        fn index_inclusive(&mut self, range: RangeInclusive<usize>) -> usize {
            let (low, high) = range.into_inner();
            self.index(low..high + 1)
        }
        fn uniform(&mut self, range: Range<f64>) -> f64 {
            range.start + self.unit() * (range.end - range.start)
        }
        fn chance(&mut self, p: f64) -> bool {
            self.unit() < p
        }
    }

    fn small() -> Params {
        Params { firms: 200, years: 2, lots_per_year: 300, cartels_per_shape: 1, target_lots: 6, ..Params::default() }
    }

    #[test]
    fn one_seed_gives_one_market_and_every_lot_one_winner() {
        let a = generate(&small(), &mut SplitMix(7));
        let b = generate(&small(), &mut SplitMix(7));
        assert_eq!(a.lots, b.lots);
        assert_ne!(a.lots, generate(&small(), &mut SplitMix(8)).lots);
        assert!(a.lots.iter().all(|l| l.bids.iter().filter(|b| b.winner).count() == 1));
        let planted = a.truth.values().filter(|s| s.is_some()).count();
        assert!((5 * 3..=5 * 5).contains(&planted), "{planted}");
    }

    #[test]
    fn a_common_owner_cartel_shares_its_legal_representative() {
        let market = generate(&small(), &mut SplitMix(7));
        let owners: Vec<&str> = market
            .lots
            .iter()
            .flat_map(|l| &l.bids)
            .filter(|b| market.truth.get(&b.bid.bidder) == Some(&Some(Shape::CommonOwner)))
            .map(|b| b.bid.legal_representative.as_str())
            .collect();
        assert!(!owners.is_empty() && owners.iter().all(|o| *o == owners[0]));
    }
}

//! The market in numbers: firms and cells by index, each lot's bidders and winner, and how often
//! each pair of firms bid on the same lot. Built once and shared by the screens.

use std::collections::{BTreeMap, HashMap};

use super::MarketLot;

/// One lot, by index.
pub(super) struct LotView {
    /// The region × category cell.
    pub cell: usize,
    /// The bidders (firm indices, sorted, each once).
    pub bidders: Vec<usize>,
    /// The winner, when exactly one bidder won.
    pub winner: Option<usize>,
}

pub(super) struct Index<'a> {
    /// Firm ids, sorted.
    pub firms: Vec<&'a str>,
    /// Region and category of each cell, sorted.
    pub cells: Vec<(&'a str, &'a str)>,
    pub lots: Vec<LotView>,
    /// The lots (indices into `lots`) each firm bid on.
    pub firm_lots: Vec<Vec<usize>>,
    /// Lots per cell.
    pub cell_lots: Vec<usize>,
    /// Per firm: lots bid on per cell.
    pub firm_cells: Vec<BTreeMap<usize, usize>>,
    /// Per pair of firms (lower index first): lots both bid on.
    pub joint: BTreeMap<(usize, usize), usize>,
}

impl<'a> Index<'a> {
    pub(super) fn new(market: &'a [MarketLot]) -> Index<'a> {
        let mut firms: Vec<&str> = market.iter().flat_map(|l| l.bids.iter().map(|b| b.bid.bidder.as_str())).collect();
        firms.sort_unstable();
        firms.dedup();
        let firm_of: HashMap<&str, usize> = firms.iter().enumerate().map(|(i, f)| (*f, i)).collect();
        let mut cells: Vec<(&str, &str)> = market.iter().map(|l| (l.region.as_str(), l.category.as_str())).collect();
        cells.sort_unstable();
        cells.dedup();
        let cell_of: HashMap<(&str, &str), usize> = cells.iter().enumerate().map(|(i, c)| (*c, i)).collect();
        let mut lots = Vec::with_capacity(market.len());
        let mut firm_lots = vec![Vec::new(); firms.len()];
        let mut cell_lots = vec![0; cells.len()];
        let mut firm_cells = vec![BTreeMap::new(); firms.len()];
        let mut joint = BTreeMap::new();
        for (at, lot) in market.iter().enumerate() {
            let cell = cell_of[&(lot.region.as_str(), lot.category.as_str())];
            cell_lots[cell] += 1;
            let mut bidders: Vec<usize> = lot.bids.iter().map(|b| firm_of[b.bid.bidder.as_str()]).collect();
            bidders.sort_unstable();
            bidders.dedup();
            let mut winners = lot.bids.iter().filter(|b| b.winner).map(|b| firm_of[b.bid.bidder.as_str()]);
            let winner = match (winners.next(), winners.next()) {
                (Some(w), None) => Some(w),
                _ => None,
            };
            for (i, &a) in bidders.iter().enumerate() {
                firm_lots[a].push(at);
                *firm_cells[a].entry(cell).or_insert(0) += 1;
                for &b in &bidders[i + 1..] {
                    *joint.entry((a, b)).or_insert(0) += 1;
                }
            }
            lots.push(LotView { cell, bidders, winner });
        }
        Index { firms, cells, lots, firm_lots, cell_lots, firm_cells, joint }
    }

    /// Lots both firms bid on.
    pub(super) fn joint(&self, a: usize, b: usize) -> usize {
        self.joint.get(&(a.min(b), a.max(b))).copied().unwrap_or(0)
    }

    /// The co-bidders of a firm with their joint lots, by firm index.
    pub(super) fn partners(&self, firm: usize) -> BTreeMap<usize, usize> {
        let mut partners = BTreeMap::new();
        for &lot in &self.firm_lots[firm] {
            for &other in &self.lots[lot].bidders {
                if other != firm {
                    *partners.entry(other).or_insert(0) += 1;
                }
            }
        }
        partners
    }

    /// Joint lots two firms would have if each bid independently within the cells where it bids:
    /// Σ over cells of n_a · n_b / lots.
    #[allow(clippy::cast_precision_loss)]
    pub(super) fn expected_joint(&self, a: usize, b: usize) -> f64 {
        self.firm_cells[a]
            .iter()
            .filter_map(|(cell, &na)| {
                let nb = *self.firm_cells[b].get(cell)?;
                Some(na as f64 * nb as f64 / self.cell_lots[*cell].max(1) as f64)
            })
            .sum()
    }
}

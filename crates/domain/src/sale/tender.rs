//! A sale by tender (招标出让): admitted bidders hand in sealed bids (only an SM3 commitment to the
//! price until the deadline, so nobody, the operator included, can read one early); at the
//! opening each bidder reveals its price against its commitment; an evaluation panel of at least
//! five, an odd number, names the winner by the highest price or by comprehensive scores
//! (39号令(土地) 第十三条、第十四条; 招标投标法 第二十八条、第三十七条 for mining rights).

use crate::Fen;
use crate::auction::Bid;

/// One sealed bid: its commitment, and its price once opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealedBid {
    /// The bidder's paddle.
    pub paddle: u32,
    /// SM3 commitment to the price (`reserve_commitment(price, salt)` of docs/auction.md).
    pub commitment: [u8; 32],
    /// When it was handed in (the latest one counts), UTC ms.
    pub at_ms: i64,
    /// Its place in the log among the tender's bids (the latest hand-in counts): orders two bids
    /// handed in within the same millisecond.
    pub seq: u32,
    /// The price revealed at the opening.
    pub price: Option<Fen>,
}

/// How the panel names the winner (39号令(土地) 第十四条).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TenderMethod {
    /// 价高者得: the highest valid price, the earlier bid on a tie.
    HighestPrice,
    /// 综合评价: the highest total score, then the higher price, then the earlier bid.
    Comprehensive,
}

impl TenderMethod {
    /// Identifier in the API and the events.
    pub fn as_str(self) -> &'static str {
        match self {
            TenderMethod::HighestPrice => "highest_price",
            TenderMethod::Comprehensive => "comprehensive",
        }
    }

    /// Parses an identifier.
    pub fn parse(text: &str) -> Option<TenderMethod> {
        [TenderMethod::HighestPrice, TenderMethod::Comprehensive].into_iter().find(|method| method.as_str() == text)
    }

    /// Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            TenderMethod::HighestPrice => "价高者得",
            TenderMethod::Comprehensive => "综合评价",
        }
    }
}

/// The panel's report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TenderEvaluation {
    /// The members (出让人代表 and experts), by name.
    pub panel: Vec<String>,
    /// The method.
    pub method: TenderMethod,
    /// Total scores in hundredths of a point (0–10000), per paddle: comprehensive only.
    pub scores: Vec<(u32, u32)>,
}

/// Highest total score a bid can get, in hundredths of a point (100 points).
pub const SCORE_MAX: u32 = 10_000;

/// The sealed bids of a tender and the panel's report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TenderBook {
    bids: Vec<SealedBid>,
    evaluation: Option<TenderEvaluation>,
    handed_in: u32,
}

impl TenderBook {
    /// The bids, in the order first handed in.
    pub fn bids(&self) -> &[SealedBid] {
        &self.bids
    }

    /// One paddle's bid.
    pub fn bid_of(&self, paddle: u32) -> Option<&SealedBid> {
        self.bids.iter().find(|bid| bid.paddle == paddle)
    }

    /// The panel's report, once recorded.
    pub fn evaluation(&self) -> Option<&TenderEvaluation> {
        self.evaluation.as_ref()
    }

    /// How many bidders handed in a bid.
    pub fn count(&self) -> u32 {
        u32::try_from(self.bids.len()).unwrap_or(u32::MAX)
    }

    /// Bids opened at a price of at least `start` (起始价): the valid ones.
    pub fn valid(&self, start: Fen) -> impl Iterator<Item = &SealedBid> {
        self.bids.iter().filter(move |bid| bid.price.is_some_and(|price| price >= start))
    }

    /// A bid handed in (or replaced before the deadline).
    pub(crate) fn submit(&mut self, paddle: u32, commitment: [u8; 32], at_ms: i64) {
        self.handed_in = self.handed_in.saturating_add(1);
        let seq = self.handed_in;
        match self.bids.iter_mut().find(|bid| bid.paddle == paddle) {
            Some(bid) => {
                bid.commitment = commitment;
                bid.at_ms = at_ms;
                bid.seq = seq;
            }
            None => self.bids.push(SealedBid { paddle, commitment, at_ms, seq, price: None }),
        }
    }

    /// A bid opened at `price`.
    pub(crate) fn open(&mut self, paddle: u32, price: Fen) {
        if let Some(bid) = self.bids.iter_mut().find(|bid| bid.paddle == paddle) {
            bid.price = Some(price);
        }
    }

    /// The panel's report recorded.
    pub(crate) fn evaluate(&mut self, evaluation: TenderEvaluation) {
        self.evaluation = Some(evaluation);
    }

    /// The best valid bid by the panel's method among those at or above `floor` (the start price,
    /// or the revealed reserve when higher); `None` before the report or when none qualifies.
    pub fn winner(&self, floor: Fen) -> Option<Bid> {
        let evaluation = self.evaluation.as_ref()?;
        let score = |paddle: u32| evaluation.scores.iter().find(|(p, _)| *p == paddle).map_or(0, |(_, s)| *s);
        self.valid(floor)
            .filter_map(|bid| bid.price.map(|price| (bid, price)))
            .max_by(|(a, a_price), (b, b_price)| {
                let by_score = match evaluation.method {
                    TenderMethod::HighestPrice => std::cmp::Ordering::Equal,
                    TenderMethod::Comprehensive => score(a.paddle).cmp(&score(b.paddle)),
                };
                // On equal score and price the earlier bid wins (by time, then by the log): the
                // later ranks lower.
                by_score.then(a_price.cmp(b_price)).then(b.at_ms.cmp(&a.at_ms)).then(b.seq.cmp(&a.seq))
            })
            .map(|(bid, price)| Bid { paddle: bid.paddle, price, at_ms: bid.at_ms })
    }

    /// The highest opened valid price.
    pub fn highest(&self, start: Fen) -> Option<Fen> {
        self.valid(start).filter_map(|bid| bid.price).max()
    }
}

//! The market screens' rules, their legal basis, and the per-firm scores they give.

use crate::collusion::Evidence;

/// What a market score is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MarketRule {
    /// Many bids, almost no wins, and the losses mostly to the same few winners.
    CoverBidder,
    /// Wins in a region × category far above what its bids there predict.
    SerialWinner,
    /// A group that keeps bidding together, wins its joint lots, and takes turns winning.
    Rotation,
    /// A community of firms that bid together far more than chance.
    CoBiddingRing,
    /// Repeated shared traces with the same partner (machine, network card, address, deposit
    /// account, contact phone, project manager).
    SharedTraces,
    /// Repeatedly bidding against a firm with the same legal representative (owner).
    CommonOwner,
    /// Repeated identical, equally spaced or near-identical prices with the same partner.
    PricePattern,
}

impl MarketRule {
    /// Every rule, in order.
    pub const ALL: [MarketRule; 7] = [
        MarketRule::CoverBidder,
        MarketRule::SerialWinner,
        MarketRule::Rotation,
        MarketRule::CoBiddingRing,
        MarketRule::SharedTraces,
        MarketRule::CommonOwner,
        MarketRule::PricePattern,
    ];

    /// Stable identifier.
    pub fn code(self) -> &'static str {
        match self {
            MarketRule::CoverBidder => "cover_bidder",
            MarketRule::SerialWinner => "serial_winner",
            MarketRule::Rotation => "rotation",
            MarketRule::CoBiddingRing => "co_bidding_ring",
            MarketRule::SharedTraces => "shared_traces",
            MarketRule::CommonOwner => "common_owner",
            MarketRule::PricePattern => "price_pattern",
        }
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            MarketRule::CoverBidder => "陪标：投标多、中标极少且多输给同几家",
            MarketRule::SerialWinner => "标王：在某地区某类别中标份额远超投标份额",
            MarketRule::Rotation => "轮流中标：固定组合反复共同投标并轮流中标",
            MarketRule::CoBiddingRing => "串标团伙：共同投标频率远超偶然",
            MarketRule::SharedTraces => "多次与同一投标人共用设备、网络地址、账户或人员",
            MarketRule::CommonOwner => "多次与法定代表人相同的单位参加同一标段",
            MarketRule::PricePattern => "多次与同一投标人报价相同、等差或极为接近",
        }
    }

    /// The articles it points to (only those the pattern fits).
    pub fn article(self) -> &'static str {
        match self {
            MarketRule::CoverBidder => "招标投标法实施条例 第三十九条第（二）项、第（三）项",
            MarketRule::SerialWinner => "招标投标法实施条例 第三十九条第（二）项",
            MarketRule::Rotation => "招标投标法实施条例 第三十九条第（二）项、第（三）项",
            MarketRule::CoBiddingRing => "招标投标法实施条例 第三十九条第（五）项",
            MarketRule::SharedTraces => "招标投标法实施条例 第四十条第（一）项、第（二）项、第（三）项、第（六）项",
            MarketRule::CommonOwner => "招标投标法实施条例 第三十四条第二款",
            MarketRule::PricePattern => "招标投标法实施条例 第三十九条第（一）项、第四十条第（四）项",
        }
    }
}

/// A firm's score under one market rule.
#[derive(Clone, Debug, PartialEq)]
pub struct FirmScore {
    /// The firm (credit code).
    pub firm: String,
    /// The rule.
    pub rule: MarketRule,
    /// How strong, in [0, 1].
    pub score: f64,
    /// The evidence (counts, partners, the lots behind them).
    pub evidence: Vec<Evidence>,
}

pub(super) fn evidence(what: &str, value: impl ToString) -> Evidence {
    Evidence { what: what.to_owned(), value: value.to_string() }
}

/// By rule, then highest score first, then by firm.
pub(super) fn sort(scores: &mut [FirmScore]) {
    scores.sort_by(|a, b| a.rule.cmp(&b.rule).then(b.score.total_cmp(&a.score)).then_with(|| a.firm.cmp(&b.firm)));
}

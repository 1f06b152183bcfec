//! A sale as a fold over its events: who applied and was admitted under which paddle, the bidding
//! (the shared [`Auction`] core), the listing's close, the reserve, the confirmation, refunds and
//! re-disclosures. The `decide_*` methods say whether a new event may be recorded; the phase and
//! the outcome are read at a server time.

use crate::Fen;
use crate::auction::{Auction, AuctionEvent, AuctionRefusal, AuctionTerms, Bid};
use crate::sale::tender::{SCORE_MAX, TenderBook, TenderEvaluation, TenderMethod};
use crate::sale::{
    SaleCommand, SaleKind, SalePhase, SaleTerms, SaleTermsError, SaleTransitionRefused, sale_transition,
};

/// Fewest admitted bidders for an auction to proceed (land: 39号令(土地) 第十五条、第十六条; mining:
/// the ruleset), and for online bidding of a property transfer (企业国有资产法 第五十四条: two or
/// more ⇒ competitive bidding).
pub fn bidders_min(kind: SaleKind, auction_bidders_min: u32) -> u32 {
    match kind {
        SaleKind::LandAuction | SaleKind::MiningAuction | SaleKind::LandTender | SaleKind::MiningTender => {
            auction_bidders_min
        }
        SaleKind::LandListing | SaleKind::MiningListing => 1,
        SaleKind::PropertyTransfer => 2,
    }
}

/// The source of an auction's bidder minimum, for the refusal's message.
fn bidders_min_source(kind: SaleKind) -> &'static str {
    match kind {
        SaleKind::LandTender => "招标拍卖挂牌出让国有建设用地使用权规定 第十三条",
        SaleKind::MiningTender => "招标投标法 第二十八条",
        kind if kind.is_mining() => "矿产资源法 第十七条；人数见规则集 mining_rights 的 auction_bidders_min",
        _ => "招标拍卖挂牌出让国有建设用地使用权规定 第十五条",
    }
}

/// What happens in a sale, in log order (the announcement itself starts the fold).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaleEvent {
    /// A bidder applied.
    Applied {
        /// Its credit code.
        bidder: String,
    },
    /// The trading center admitted an applicant whose deposit arrived.
    Admitted {
        /// Its credit code.
        bidder: String,
        /// Its paddle number (竞买号牌).
        paddle: u32,
    },
    /// Something in the bidding (bid, pause, resumption, live bidding).
    Auction(AuctionEvent),
    /// A sealed tender bid was handed in (a later one by the same paddle replaces it).
    SealedBidSubmitted {
        /// The paddle.
        paddle: u32,
        /// SM3 commitment to the price.
        commitment: [u8; 32],
        /// When, UTC ms.
        at_ms: i64,
    },
    /// A sealed bid was opened: its price matched its commitment.
    SealedBidOpened {
        /// The paddle.
        paddle: u32,
        /// The price.
        price: Fen,
    },
    /// The panel's report on a tender.
    TenderEvaluated(TenderEvaluation),
    /// The host closed a listing period and two or more bidders go on to live bidding (现场竞价).
    LiveBiddingOpened {
        /// When, UTC ms.
        at_ms: i64,
        /// Its scheduled end, UTC ms.
        ends_at_ms: i64,
        /// Its countdown, ms.
        countdown_ms: i64,
        /// The paddles that go on.
        paddles: Vec<u32>,
    },
    /// The host closed a listing period without live bidding (fewer than two wished to go on).
    ListingClosed {
        /// When, UTC ms.
        at_ms: i64,
    },
    /// The principal revealed the sealed reserve price.
    ReserveRevealed {
        /// The reserve.
        reserve: Fen,
    },
    /// The deal was confirmed and the result published.
    Confirmed {
        /// When, UTC ms.
        at_ms: i64,
    },
    /// A bidder's deposit was refunded.
    DepositRefunded {
        /// Its credit code.
        bidder: String,
    },
    /// A property transfer without a buyer was disclosed again under new terms.
    Repriced(SaleTerms),
    /// The buyer and the principal signed the contract.
    ContractSigned {
        /// When, UTC ms.
        at_ms: i64,
    },
    /// The buyer paid an amount of the price (the deposit counts towards it).
    PaymentRecorded {
        /// The amount.
        amount: Fen,
    },
}

/// Why nothing was sold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoSale {
    /// Nobody bid (or no buyer came forward).
    NoBids,
    /// The highest bid stayed below the reserve (拍卖法 第五十条).
    BelowReserve {
        /// The highest bid.
        highest: Fen,
    },
    /// Too few bidders were admitted (39号令(土地) 第十五条; mining: the ruleset).
    TooFewBidders {
        /// Admitted.
        admitted: u32,
        /// Needed.
        needed: u32,
    },
}

/// How the sale ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaleOutcome {
    /// Sold by bidding to the highest bid.
    Sold(Bid),
    /// One qualified buyer of a property transfer takes it at the listed price (协议成交).
    SoldToSoleBuyer {
        /// Its paddle.
        paddle: u32,
        /// The listed price.
        price: Fen,
    },
    /// Not sold.
    Unsold(NoSale),
}

impl SaleOutcome {
    /// The winning paddle and price, if sold.
    pub fn winner(&self) -> Option<(u32, Fen)> {
        match self {
            SaleOutcome::Sold(bid) => Some((bid.paddle, bid.price)),
            SaleOutcome::SoldToSoleBuyer { paddle, price } => Some((*paddle, *price)),
            SaleOutcome::Unsold(_) => None,
        }
    }
}

/// Why a command is refused. Nothing is recorded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SaleRefusal {
    /// Not allowed in this phase.
    #[error(transparent)]
    Phase(#[from] SaleTransitionRefused),
    /// The bidding core refused.
    #[error(transparent)]
    Auction(#[from] AuctionRefusal),
    /// Applications closed.
    #[error("竞买申请已于截止时间截止，不再接受申请")]
    ApplicationsClosed,
    /// Applied already.
    #[error("已提交竞买申请，无需重复申请")]
    AlreadyApplied,
    /// Admitted without having applied.
    #[error("该主体未提交竞买申请，不能确认竞买资格")]
    NotApplied,
    /// Admitted already.
    #[error("该竞买人已确认竞买资格并领取竞买号牌")]
    AlreadyAdmitted,
    /// The deposit received is short.
    #[error("到账的竞买保证金 {paid} 元少于公告要求的 {required} 元，不能确认竞买资格")]
    DepositShort {
        /// Paid, fen.
        paid: Fen,
        /// Required, fen.
        required: Fen,
    },
    /// A bid from someone not admitted (no deposit confirmed).
    #[error("未交纳竞买保证金或未取得竞买资格，不能出价：请先交纳保证金并经交易中心确认")]
    NotAdmitted,
    /// A tender bid before the tender opens for bids.
    #[error("尚未开始接受投标：开始时间为 {}，服务器时间为 {}", crate::china_time::text(*.starts_at_ms), crate::china_time::text(*.now_ms))]
    TenderNotOpen {
        /// Start, UTC ms.
        starts_at_ms: i64,
        /// Server time, UTC ms.
        now_ms: i64,
    },
    /// A tender bid at or after the deadline.
    #[error("投标截止时间 {} 已过，服务器时间为 {}，投标文件不予接收", crate::china_time::text(*.deadline_ms), crate::china_time::text(*.now_ms))]
    TenderClosed {
        /// The deadline, UTC ms.
        deadline_ms: i64,
        /// Server time, UTC ms.
        now_ms: i64,
    },
    /// A second land tender bid: a bid in the box cannot be withdrawn (39号令(土地) 第十三条).
    #[error("标书投入标箱后不可撤回或更换（招标拍卖挂牌出让国有建设用地使用权规定 第十三条）")]
    SealedBidFinal,
    /// Opening a bid that was never handed in.
    #[error("该竞买人没有递交投标文件")]
    NoSealedBid,
    /// Opening a bid twice.
    #[error("该投标文件已开标解密")]
    AlreadyOpened,
    /// A price and salt that do not match the commitment handed in.
    #[error("报价和盐值与递交时的承诺值不符，投标文件无法解密")]
    CommitmentMismatch,
    /// A panel smaller than the minimum or even.
    #[error("评标小组成员须为{min}人以上单数（现为{size}人）（{article}）")]
    PanelSize {
        /// Members named.
        size: usize,
        /// The minimum.
        min: u32,
        /// The legal source.
        article: &'static str,
    },
    /// A member named twice or without a name.
    #[error("评标小组成员姓名不能为空或重复")]
    PanelMembers,
    /// Scores that do not cover exactly the valid bids, or out of range.
    #[error(
        "综合评价须为每个有效投标（竞买号牌 {missing:?}）打分，分值为0至100分，且不得为其他号牌打分；价高者得不打分"
    )]
    Scores {
        /// Valid paddles without a score.
        missing: Vec<u32>,
    },
    /// An auction with too few bidders (39号令(土地) 第十五条; mining: the ruleset).
    #[error("竞买人不足{needed}人（现有{admitted}人），拍卖不能进行（{article}）")]
    TooFewBidders {
        /// Admitted.
        admitted: u32,
        /// Needed.
        needed: u32,
        /// The legal source of the minimum.
        article: &'static str,
    },
    /// A bid in live bidding from a bidder that did not ask to go on.
    #[error("您未在挂牌截止时表示继续竞价，不能参加现场竞价（招标拍卖挂牌出让国有建设用地使用权规定 第十九条）")]
    NotInLiveBidding,
    /// A paddle named at the listing close that is not admitted.
    #[error("竞买号牌 {0} 不存在")]
    UnknownPaddle(u32),
    /// A refund to the winner: its deposit becomes part of the price (39号令(土地) 第二十条、第二十一条).
    #[error(
        "竞得人的保证金转作定金并抵作成交价款，不予退还（招标拍卖挂牌出让国有建设用地使用权规定 第二十条、第二十一条）"
    )]
    WinnerDeposit,
    /// Refunded already.
    #[error("该竞买人的保证金已退还")]
    AlreadyRefunded,
    /// Refund to someone never admitted.
    #[error("该主体没有已确认的竞买保证金")]
    NoDeposit,
    /// Confirmation of an unsold sale.
    #[error("本次交易未成交，不能出具成交确认书")]
    NotSold,
    /// A reveal without a sealed reserve.
    #[error("本次交易没有密封底价")]
    NoReserve,
    /// A re-disclosure of a sale that sold.
    #[error("已成交的交易不能重新披露")]
    RepriceAfterSale,
    /// A second contract.
    #[error("合同已签订")]
    ContractAlreadySigned,
    /// A payment before the contract.
    #[error("请先登记签订合同，再登记价款支付")]
    NoContract,
    /// A payment that is not positive or exceeds what is owed.
    #[error("支付金额须大于0且不超过尚欠价款 {owed} 元")]
    PaymentOutOfRange {
        /// Still owed.
        owed: Fen,
    },
    /// A re-disclosed price below 90% of the appraisal without the approving body's written consent.
    #[error(
        "新的转让底价 {price} 元低于评估结果的{percent}%（{floor} 元），须经转让行为批准单位书面同意：请填写批准文件（approval_document）（企业国有资产交易监督管理办法 第十八条）"
    )]
    PriceCutNeedsApproval {
        /// The new price.
        price: Fen,
        /// The floor without approval.
        floor: Fen,
        /// The percent.
        percent: i64,
    },
    /// More than 12 months since the first disclosure (32号令 第十九条).
    #[error(
        "自首次正式披露起已超过12个月未征集到合格受让方，须重新履行审计、资产评估以及信息披露等产权转让工作程序（企业国有资产交易监督管理办法 第十九条）"
    )]
    DisclosureExpired,
    /// New terms refused.
    #[error(transparent)]
    Terms(#[from] SaleTermsError),
}

impl SaleRefusal {
    /// Stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            SaleRefusal::Phase(_) => "invalid_transition",
            SaleRefusal::Auction(refusal) => refusal.code(),
            SaleRefusal::ApplicationsClosed => "applications_closed",
            SaleRefusal::AlreadyApplied | SaleRefusal::AlreadyAdmitted | SaleRefusal::AlreadyRefunded => {
                "already_exists"
            }
            SaleRefusal::NotApplied | SaleRefusal::NoDeposit => "not_applied",
            SaleRefusal::DepositShort { .. } => "deposit_short",
            SaleRefusal::NotAdmitted => "deposit_not_paid",
            SaleRefusal::TooFewBidders { .. } => "too_few_bidders",
            SaleRefusal::NotInLiveBidding => "not_in_live_bidding",
            SaleRefusal::TenderNotOpen { .. } => "tender_not_accepting_bids",
            SaleRefusal::TenderClosed { .. } => "bid_deadline_passed",
            SaleRefusal::NoSealedBid => "not_applied",
            SaleRefusal::AlreadyOpened | SaleRefusal::SealedBidFinal => "already_exists",
            SaleRefusal::CommitmentMismatch => "commitment_mismatch",
            SaleRefusal::PanelSize { .. } => "panel_size",
            SaleRefusal::PanelMembers => "panel_members",
            SaleRefusal::Scores { .. } => "invalid_scores",
            SaleRefusal::UnknownPaddle(_) => "unknown_paddle",
            SaleRefusal::WinnerDeposit => "winner_deposit",
            SaleRefusal::NotSold => "not_sold",
            SaleRefusal::NoReserve => "no_reserve",
            SaleRefusal::RepriceAfterSale => "invalid_transition",
            SaleRefusal::ContractAlreadySigned => "already_exists",
            SaleRefusal::NoContract => "no_contract",
            SaleRefusal::PaymentOutOfRange { .. } => "invalid_amount",
            SaleRefusal::PriceCutNeedsApproval { .. } => "price_cut_needs_approval",
            SaleRefusal::DisclosureExpired => "disclosure_expired",
            SaleRefusal::Terms(error) => error.code(),
        }
    }
}

/// A sale: its current terms and what its events made of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sale {
    terms: SaleTerms,
    bidders_min: u32,
    first_announced_ms: i64,
    applied: Vec<String>,
    admitted: Vec<(String, u32)>,
    auction: Auction,
    tender: TenderBook,
    live_paddles: Option<Vec<u32>>,
    listing_closed: bool,
    reserve: Option<Fen>,
    confirmed_at_ms: Option<i64>,
    refunded: Vec<String>,
    round: u32,
    contract_signed_ms: Option<i64>,
    paid: Fen,
}

impl Sale {
    /// A sale announced at `announced_ms` under `terms`; `auction_bidders_min` comes from the ruleset.
    pub fn announce(terms: SaleTerms, announced_ms: i64, auction_bidders_min: u32) -> Result<Sale, SaleRefusal> {
        terms.check()?;
        let kind = terms.kind;
        Ok(Sale::start(terms, announced_ms, bidders_min(kind, auction_bidders_min), 1))
    }

    fn start(terms: SaleTerms, first_announced_ms: i64, bidders_min: u32, round: u32) -> Sale {
        let auction = Auction::new(auction_terms(&terms));
        Sale {
            terms,
            bidders_min,
            first_announced_ms,
            applied: Vec::new(),
            admitted: Vec::new(),
            auction,
            tender: TenderBook::default(),
            live_paddles: None,
            listing_closed: false,
            reserve: None,
            confirmed_at_ms: None,
            refunded: Vec::new(),
            round,
            contract_signed_ms: None,
            paid: Fen(0),
        }
    }

    /// The sale after `events`, in log order, from its announcement.
    pub fn replay<'a>(
        terms: SaleTerms,
        announced_ms: i64,
        auction_bidders_min: u32,
        events: impl IntoIterator<Item = &'a SaleEvent>,
    ) -> Sale {
        let kind = terms.kind;
        let mut sale = Sale::start(terms, announced_ms, bidders_min(kind, auction_bidders_min), 1);
        for event in events {
            sale.apply(event);
        }
        sale
    }

    /// The current terms.
    pub fn terms(&self) -> &SaleTerms {
        &self.terms
    }

    /// The disclosure round: 1, then one more per re-disclosure.
    pub fn round(&self) -> u32 {
        self.round
    }

    /// When the sale was first announced, UTC ms.
    pub fn first_announced_ms(&self) -> i64 {
        self.first_announced_ms
    }

    /// The bidding.
    pub fn auction(&self) -> &Auction {
        &self.auction
    }

    /// A tender's sealed bids and report.
    pub fn tender(&self) -> &TenderBook {
        &self.tender
    }

    /// Applicants of this round, in order.
    pub fn applied(&self) -> &[String] {
        &self.applied
    }

    /// Admitted bidders of this round and their paddles.
    pub fn admitted(&self) -> &[(String, u32)] {
        &self.admitted
    }

    /// The paddle of an admitted bidder.
    pub fn paddle_of(&self, bidder: &str) -> Option<u32> {
        self.admitted.iter().find(|(code, _)| code == bidder).map(|(_, paddle)| *paddle)
    }

    /// The bidder holding a paddle.
    pub fn bidder_of(&self, paddle: u32) -> Option<&str> {
        self.admitted.iter().find(|(_, p)| *p == paddle).map(|(code, _)| code.as_str())
    }

    /// Paddles in live bidding, once it opened.
    pub fn live_paddles(&self) -> Option<&[u32]> {
        self.live_paddles.as_deref()
    }

    /// The revealed reserve.
    pub fn reserve(&self) -> Option<Fen> {
        self.reserve
    }

    /// When the deal was confirmed.
    pub fn confirmed_at_ms(&self) -> Option<i64> {
        self.confirmed_at_ms
    }

    /// The price of the confirmed deal.
    pub fn outcome_price(&self) -> Option<Fen> {
        let confirmed = self.confirmed_at_ms?;
        self.outcome(confirmed).and_then(|outcome| outcome.winner()).map(|(_, price)| price)
    }

    /// When the contract was signed.
    pub fn contract_signed_ms(&self) -> Option<i64> {
        self.contract_signed_ms
    }

    /// Paid of the price so far, the winner's deposit included (it becomes part of the price,
    /// 39号令(土地) 第二十一条).
    pub fn paid(&self) -> Fen {
        Fen(self.paid.0.saturating_add(if self.confirmed_at_ms.is_some() { self.terms.deposit.0 } else { 0 }))
    }

    /// Bidders whose deposit was refunded.
    pub fn refunded(&self) -> &[String] {
        &self.refunded
    }

    fn admitted_count(&self) -> u32 {
        u32::try_from(self.admitted.len()).unwrap_or(u32::MAX)
    }

    /// Whether the bidding is skipped when it would start: a property transfer with fewer than
    /// two qualified buyers needs none; a land auction with too few bidders cannot be held.
    fn bidding_skipped(&self, now_ms: i64) -> bool {
        self.terms.kind != SaleKind::LandListing
            && now_ms >= self.terms.starts_at_ms
            && self.admitted_count() < self.bidders_min
    }

    /// When bidding ended (or was skipped), if it has at `now_ms`.
    pub fn bidding_ended_ms(&self, now_ms: i64) -> Option<i64> {
        if self.bidding_skipped(now_ms) {
            return Some(self.terms.starts_at_ms);
        }
        if self.terms.kind == SaleKind::LandListing && !self.listing_closed && self.live_paddles.is_none() {
            return None;
        }
        self.auction.is_over(now_ms).then(|| self.auction.ends_at_ms())
    }

    /// The phase at `now_ms`.
    pub fn phase(&self, now_ms: i64) -> SalePhase {
        if self.confirmed_at_ms.is_some() {
            return SalePhase::Confirmed;
        }
        if self.auction.paused().is_some() {
            return SalePhase::Paused;
        }
        if self.bidding_skipped(now_ms) {
            return SalePhase::Decided;
        }
        if now_ms < self.terms.starts_at_ms {
            return SalePhase::Announced;
        }
        if !self.auction.is_over(now_ms) {
            return SalePhase::Bidding;
        }
        if self.terms.kind.is_tender() {
            return self.tender_phase();
        }
        if self.terms.kind == SaleKind::LandListing && !self.listing_closed && self.live_paddles.is_none() {
            return SalePhase::ListingOver;
        }
        if self.terms.reserve_sealed && self.reserve.is_none() && self.auction.leader().is_some() {
            return SalePhase::AwaitingReserve;
        }
        SalePhase::Decided
    }

    /// A tender after its deadline: too few bids end it; then the opening until the panel's
    /// report; then the reserve (标底) if one was sealed and a bid could win.
    fn tender_phase(&self) -> SalePhase {
        if self.tender.count() < self.bidders_min {
            return SalePhase::Decided;
        }
        if self.tender.evaluation().is_none() {
            return SalePhase::Opening;
        }
        if self.terms.reserve_sealed && self.reserve.is_none() && self.tender.winner(self.terms.start_price).is_some() {
            return SalePhase::AwaitingReserve;
        }
        SalePhase::Decided
    }

    fn tender_outcome(&self) -> SaleOutcome {
        let bids = self.tender.count();
        if bids < self.bidders_min {
            return SaleOutcome::Unsold(NoSale::TooFewBidders { admitted: bids, needed: self.bidders_min });
        }
        let floor = self.reserve.map_or(self.terms.start_price, |reserve| reserve.max(self.terms.start_price));
        match (self.tender.winner(floor), self.tender.highest(self.terms.start_price)) {
            (Some(bid), _) => SaleOutcome::Sold(bid),
            (None, Some(highest)) => SaleOutcome::Unsold(NoSale::BelowReserve { highest }),
            (None, None) => SaleOutcome::Unsold(NoSale::NoBids),
        }
    }

    /// The outcome at `now_ms`, once decided.
    pub fn outcome(&self, now_ms: i64) -> Option<SaleOutcome> {
        if !matches!(self.phase(now_ms), SalePhase::Decided | SalePhase::Confirmed) {
            return None;
        }
        let admitted = self.admitted_count();
        if admitted < self.bidders_min {
            return Some(match (self.terms.kind, self.admitted.first()) {
                (SaleKind::PropertyTransfer, Some((_, paddle))) => {
                    SaleOutcome::SoldToSoleBuyer { paddle: *paddle, price: self.terms.start_price }
                }
                (kind, _) if kind.is_auction() || kind.is_tender() => {
                    SaleOutcome::Unsold(NoSale::TooFewBidders { admitted, needed: self.bidders_min })
                }
                _ => SaleOutcome::Unsold(NoSale::NoBids),
            });
        }
        if self.terms.kind.is_tender() {
            return Some(self.tender_outcome());
        }
        Some(match (self.auction.leader(), self.reserve) {
            (None, _) => SaleOutcome::Unsold(NoSale::NoBids),
            (Some(leader), Some(reserve)) if leader.price < reserve => {
                SaleOutcome::Unsold(NoSale::BelowReserve { highest: leader.price })
            }
            (Some(leader), _) => SaleOutcome::Sold(*leader),
        })
    }

    fn allow(&self, now_ms: i64, command: SaleCommand) -> Result<(), SaleRefusal> {
        sale_transition(self.terms.kind, self.phase(now_ms), command)?;
        Ok(())
    }

    /// Decides an application.
    pub fn decide_apply(&self, bidder: &str, now_ms: i64) -> Result<SaleEvent, SaleRefusal> {
        self.allow(now_ms, SaleCommand::Apply)?;
        if now_ms >= self.terms.applications_close_ms {
            return Err(SaleRefusal::ApplicationsClosed);
        }
        if self.applied.iter().any(|code| code == bidder) {
            return Err(SaleRefusal::AlreadyApplied);
        }
        Ok(SaleEvent::Applied { bidder: bidder.to_owned() })
    }

    /// Decides an admission with `paddle` after a deposit of `paid` arrived.
    pub fn decide_admit(&self, bidder: &str, paddle: u32, paid: Fen, now_ms: i64) -> Result<SaleEvent, SaleRefusal> {
        self.allow(now_ms, SaleCommand::Admit)?;
        if !self.applied.iter().any(|code| code == bidder) {
            return Err(SaleRefusal::NotApplied);
        }
        if self.paddle_of(bidder).is_some() {
            return Err(SaleRefusal::AlreadyAdmitted);
        }
        if paid < self.terms.deposit {
            return Err(SaleRefusal::DepositShort { paid, required: self.terms.deposit });
        }
        if self.bidder_of(paddle).is_some() {
            return Err(SaleRefusal::AlreadyAdmitted);
        }
        Ok(SaleEvent::Admitted { bidder: bidder.to_owned(), paddle })
    }

    /// Decides a bid by `bidder` at `price`.
    pub fn decide_bid(&self, bidder: &str, price: Fen, now_ms: i64) -> Result<SaleEvent, SaleRefusal> {
        let paddle = self.paddle_of(bidder).ok_or(SaleRefusal::NotAdmitted)?;
        let admitted = self.admitted_count();
        if self.terms.kind.is_auction() && admitted < self.bidders_min {
            let article = bidders_min_source(self.terms.kind);
            return Err(SaleRefusal::TooFewBidders { admitted, needed: self.bidders_min, article });
        }
        if let Some(live) = &self.live_paddles
            && !live.contains(&paddle)
        {
            return Err(SaleRefusal::NotInLiveBidding);
        }
        match self.phase(now_ms) {
            // The core words the refusal with the times (too early, ended, paused).
            SalePhase::Announced | SalePhase::Paused | SalePhase::Bidding => {}
            _ if self.auction.is_over(now_ms) || self.bidding_skipped(now_ms) => {
                return Err(SaleRefusal::Auction(AuctionRefusal::Ended {
                    ends_at_ms: self.bidding_ended_ms(now_ms).unwrap_or(self.auction.ends_at_ms()),
                    now_ms,
                }));
            }
            _ => self.allow(now_ms, SaleCommand::Bid)?,
        }
        Ok(SaleEvent::Auction(self.auction.decide_bid(paddle, price, now_ms)?))
    }

    /// Decides a sealed tender bid by `bidder` committing to its price with `commitment`.
    pub fn decide_sealed_bid(&self, bidder: &str, commitment: [u8; 32], now_ms: i64) -> Result<SaleEvent, SaleRefusal> {
        let paddle = self.paddle_of(bidder).ok_or(SaleRefusal::NotAdmitted)?;
        match self.phase(now_ms) {
            SalePhase::Announced => {
                return Err(SaleRefusal::TenderNotOpen { starts_at_ms: self.terms.starts_at_ms, now_ms });
            }
            SalePhase::Bidding => {}
            _ => return Err(SaleRefusal::TenderClosed { deadline_ms: self.terms.ends_at_ms, now_ms }),
        }
        self.allow(now_ms, SaleCommand::SubmitSealedBid)?;
        // Under 招标投标法 第二十九条 a bid may be replaced before the deadline; a land tender's
        // may not.
        if self.terms.kind == SaleKind::LandTender && self.tender.bid_of(paddle).is_some() {
            return Err(SaleRefusal::SealedBidFinal);
        }
        Ok(SaleEvent::SealedBidSubmitted { paddle, commitment, at_ms: now_ms })
    }

    /// Decides the opening of `bidder`'s sealed bid at `price`; `commitment` is the commitment the
    /// caller computed from that price and the bidder's salt, compared with the one handed in.
    pub fn decide_open_bid(
        &self,
        bidder: &str,
        price: Fen,
        commitment: [u8; 32],
        now_ms: i64,
    ) -> Result<SaleEvent, SaleRefusal> {
        self.allow(now_ms, SaleCommand::OpenSealedBid)?;
        let paddle = self.paddle_of(bidder).ok_or(SaleRefusal::NoSealedBid)?;
        let sealed = self.tender.bid_of(paddle).ok_or(SaleRefusal::NoSealedBid)?;
        if sealed.price.is_some() {
            return Err(SaleRefusal::AlreadyOpened);
        }
        if sealed.commitment != commitment {
            return Err(SaleRefusal::CommitmentMismatch);
        }
        Ok(SaleEvent::SealedBidOpened { paddle, price })
    }

    /// Decides the panel's report: `panel` of at least `panel_min` members, an odd number; a
    /// comprehensive evaluation scores every valid bid (opened at or above the start price) and no
    /// other; a bid left unopened is invalid.
    pub fn decide_evaluation(
        &self,
        panel: &[String],
        method: TenderMethod,
        scores: &[(u32, u32)],
        panel_min: u32,
        now_ms: i64,
    ) -> Result<SaleEvent, SaleRefusal> {
        self.allow(now_ms, SaleCommand::Evaluate)?;
        let size = panel.len();
        if size < usize::try_from(panel_min).unwrap_or(usize::MAX) || size.is_multiple_of(2) {
            let article = if self.terms.kind.is_mining() {
                "招标投标法 第三十七条"
            } else {
                "招标拍卖挂牌出让国有建设用地使用权规定 第十三条"
            };
            return Err(SaleRefusal::PanelSize { size, min: panel_min, article });
        }
        let mut names: Vec<&str> = panel.iter().map(|name| name.trim()).collect();
        names.sort_unstable();
        names.dedup();
        if names.len() != size || names.iter().any(|name| name.is_empty()) {
            return Err(SaleRefusal::PanelMembers);
        }
        let valid: Vec<u32> = self.tender.valid(self.terms.start_price).map(|bid| bid.paddle).collect();
        let missing: Vec<u32> =
            valid.iter().copied().filter(|paddle| !scores.iter().any(|(p, _)| p == paddle)).collect();
        let stray = scores.iter().any(|(paddle, score)| !valid.contains(paddle) || *score > SCORE_MAX);
        let mut paddles: Vec<u32> = scores.iter().map(|(paddle, _)| *paddle).collect();
        paddles.sort_unstable();
        paddles.dedup();
        let well_formed = match method {
            TenderMethod::HighestPrice => scores.is_empty(),
            TenderMethod::Comprehensive => missing.is_empty() && !stray && paddles.len() == scores.len(),
        };
        if !well_formed {
            return Err(SaleRefusal::Scores { missing });
        }
        Ok(SaleEvent::TenderEvaluated(TenderEvaluation {
            panel: panel.iter().map(|name| name.trim().to_owned()).collect(),
            method,
            scores: scores.to_vec(),
        }))
    }

    /// Decides a pause for a platform incident.
    pub fn decide_pause(&self, now_ms: i64, reason: &str) -> Result<SaleEvent, SaleRefusal> {
        self.allow(now_ms, SaleCommand::Pause)?;
        Ok(SaleEvent::Auction(self.auction.decide_pause(now_ms, reason)?))
    }

    /// Decides the resumption after a pause.
    pub fn decide_resume(&self, now_ms: i64) -> Result<SaleEvent, SaleRefusal> {
        self.allow(now_ms, SaleCommand::Resume)?;
        Ok(SaleEvent::Auction(self.auction.decide_resume(now_ms)?))
    }

    /// Decides the close of a listing period: `continuing` are the paddles that wish to go on;
    /// two or more go to live bidding ending at `live_ends_at_ms` with `countdown_ms`
    /// (39号令(土地) 第十九条); otherwise the listing ends on its standing bids.
    pub fn decide_close_listing(
        &self,
        continuing: &[u32],
        now_ms: i64,
        live_ends_at_ms: i64,
        countdown_ms: i64,
    ) -> Result<SaleEvent, SaleRefusal> {
        self.allow(now_ms, SaleCommand::CloseListing)?;
        if let Some(unknown) = continuing.iter().find(|paddle| self.bidder_of(**paddle).is_none()) {
            return Err(SaleRefusal::UnknownPaddle(*unknown));
        }
        let mut paddles = continuing.to_vec();
        paddles.sort_unstable();
        paddles.dedup();
        if paddles.len() < 2 {
            return Ok(SaleEvent::ListingClosed { at_ms: now_ms });
        }
        self.auction.decide_live_bidding(now_ms, live_ends_at_ms, countdown_ms)?;
        Ok(SaleEvent::LiveBiddingOpened { at_ms: now_ms, ends_at_ms: live_ends_at_ms, countdown_ms, paddles })
    }

    /// Decides the reveal of the sealed reserve (the caller checked it against the commitment).
    pub fn decide_reveal_reserve(&self, reserve: Fen, now_ms: i64) -> Result<SaleEvent, SaleRefusal> {
        if !self.terms.reserve_sealed {
            return Err(SaleRefusal::NoReserve);
        }
        self.allow(now_ms, SaleCommand::RevealReserve)?;
        Ok(SaleEvent::ReserveRevealed { reserve })
    }

    /// Decides the confirmation of a sold sale.
    pub fn decide_confirm(&self, now_ms: i64) -> Result<SaleEvent, SaleRefusal> {
        self.allow(now_ms, SaleCommand::Confirm)?;
        match self.outcome(now_ms) {
            Some(outcome) if outcome.winner().is_some() => Ok(SaleEvent::Confirmed { at_ms: now_ms }),
            _ => Err(SaleRefusal::NotSold),
        }
    }

    /// Decides the refund of a losing bidder's deposit.
    pub fn decide_refund(&self, bidder: &str, now_ms: i64) -> Result<SaleEvent, SaleRefusal> {
        self.allow(now_ms, SaleCommand::RefundDeposit)?;
        let paddle = self.paddle_of(bidder).ok_or(SaleRefusal::NoDeposit)?;
        if self.outcome(now_ms).and_then(|outcome| outcome.winner()).is_some_and(|(winner, _)| winner == paddle) {
            return Err(SaleRefusal::WinnerDeposit);
        }
        if self.refunded.iter().any(|code| code == bidder) {
            return Err(SaleRefusal::AlreadyRefunded);
        }
        Ok(SaleEvent::DepositRefunded { bidder: bidder.to_owned() })
    }

    /// Decides the signing of the contract after the confirmation.
    pub fn decide_sign_contract(&self, now_ms: i64) -> Result<SaleEvent, SaleRefusal> {
        self.allow(now_ms, SaleCommand::SignContract)?;
        if self.contract_signed_ms.is_some() {
            return Err(SaleRefusal::ContractAlreadySigned);
        }
        Ok(SaleEvent::ContractSigned { at_ms: now_ms })
    }

    /// Decides a payment of `amount` towards the price, once the contract is signed.
    pub fn decide_payment(&self, amount: Fen, now_ms: i64) -> Result<SaleEvent, SaleRefusal> {
        self.allow(now_ms, SaleCommand::RecordPayment)?;
        if self.contract_signed_ms.is_none() {
            return Err(SaleRefusal::NoContract);
        }
        let price = self.outcome_price().unwrap_or(Fen(0));
        let owed = Fen(price.0.saturating_sub(self.paid().0).max(0));
        if amount.0 <= 0 || amount > owed {
            return Err(SaleRefusal::PaymentOutOfRange { owed });
        }
        Ok(SaleEvent::PaymentRecorded { amount })
    }

    /// Decides a re-disclosure of an unsold property transfer under `terms`: within 12 months of
    /// the first disclosure (`within_period`, counted by the caller on the calendar), and below
    /// `percent_min` of the appraisal only with the approving body's written consent
    /// (32号令 第十八条、第十九条).
    pub fn decide_reprice(
        &self,
        terms: SaleTerms,
        percent_min: i64,
        approval: Option<&str>,
        now_ms: i64,
        within_period: bool,
    ) -> Result<SaleEvent, SaleRefusal> {
        self.allow(now_ms, SaleCommand::Reprice)?;
        if self.outcome(now_ms).is_some_and(|outcome| outcome.winner().is_some()) {
            return Err(SaleRefusal::RepriceAfterSale);
        }
        if !within_period {
            return Err(SaleRefusal::DisclosureExpired);
        }
        let terms = SaleTerms { kind: self.terms.kind, appraisal: self.terms.appraisal, ..terms };
        terms.check_shape()?;
        let appraisal = self.terms.appraisal.unwrap_or(terms.start_price);
        // floor = ceil(appraisal × percent / 100), so that exactly 90% needs no approval.
        let floor = Fen((appraisal.0.saturating_mul(percent_min) + 99) / 100);
        if terms.start_price < floor && approval.is_none_or(|text| text.trim().is_empty()) {
            return Err(SaleRefusal::PriceCutNeedsApproval { price: terms.start_price, floor, percent: percent_min });
        }
        Ok(SaleEvent::Repriced(terms))
    }

    /// Folds one event.
    pub fn apply(&mut self, event: &SaleEvent) {
        match event {
            SaleEvent::Applied { bidder } => self.applied.push(bidder.clone()),
            SaleEvent::Admitted { bidder, paddle } => self.admitted.push((bidder.clone(), *paddle)),
            SaleEvent::Auction(event) => self.auction.apply(event),
            SaleEvent::SealedBidSubmitted { paddle, commitment, at_ms } => {
                self.tender.submit(*paddle, *commitment, *at_ms);
            }
            SaleEvent::SealedBidOpened { paddle, price } => self.tender.open(*paddle, *price),
            SaleEvent::TenderEvaluated(evaluation) => self.tender.evaluate(evaluation.clone()),
            SaleEvent::LiveBiddingOpened { at_ms, ends_at_ms, countdown_ms, paddles } => {
                self.auction.apply(&AuctionEvent::LiveBiddingOpened {
                    at_ms: *at_ms,
                    ends_at_ms: *ends_at_ms,
                    countdown_ms: *countdown_ms,
                });
                self.live_paddles = Some(paddles.clone());
            }
            SaleEvent::ListingClosed { .. } => self.listing_closed = true,
            SaleEvent::ReserveRevealed { reserve } => self.reserve = Some(*reserve),
            SaleEvent::Confirmed { at_ms } => self.confirmed_at_ms = Some(*at_ms),
            SaleEvent::DepositRefunded { bidder } => self.refunded.push(bidder.clone()),
            SaleEvent::ContractSigned { at_ms } => self.contract_signed_ms = Some(*at_ms),
            SaleEvent::PaymentRecorded { amount } => self.paid = Fen(self.paid.0.saturating_add(amount.0)),
            SaleEvent::Repriced(terms) => {
                *self = Sale::start(terms.clone(), self.first_announced_ms, self.bidders_min, self.round + 1);
            }
        }
    }
}

/// The bidding core's terms for a sale: the reserve is compared by the sale once revealed, never
/// by the core (it is not known while bids are taken).
fn auction_terms(terms: &SaleTerms) -> AuctionTerms {
    AuctionTerms {
        start_price: terms.start_price,
        increment: terms.increment,
        reserve: None,
        starts_at_ms: terms.starts_at_ms,
        ends_at_ms: terms.ends_at_ms,
        countdown_ms: terms.countdown_ms,
    }
}

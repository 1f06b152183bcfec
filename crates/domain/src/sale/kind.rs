//! The kinds of sale the platform runs on the shared live-bidding core, and the terms a sale is
//! announced with.

use crate::Fen;

/// What is sold and how (GLOSSARY: 拍卖 auction, 挂牌 listing, 网络竞价 online bidding).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SaleKind {
    /// 国有建设用地使用权拍卖出让: bidding at one session; fewer than 3 bidders ends it
    /// (39号令(土地) 第十五条、第十六条).
    LandAuction,
    /// 国有建设用地使用权挂牌出让: bids over a listing period; when several bidders wish to go on at
    /// its close, live bidding (现场竞价) decides (39号令(土地) 第十七条至第十九条).
    LandListing,
    /// 企业国有产权转让: disclosure; one qualified buyer signs at the listed price; two or more bid
    /// online (企业国有资产法 第五十四条); a price cut below 90% of the appraisal needs approval
    /// (32号令 第十八条).
    PropertyTransfer,
    /// 矿业权（探矿权、采矿权）拍卖出让: a competitive sale (矿产资源法 第十七条) announced in advance
    /// (第十九条); fewer than the ruleset's minimum of bidders ends it, as for land.
    MiningAuction,
    /// 矿业权网上挂牌出让: free bidding over the listing period, then countdown bidding (限时竞价:
    /// each bid in the last minutes extends the end) decides; one bidder at or above the reserve
    /// buys (矿产资源法 第十七条).
    MiningListing,
    /// 国有建设用地使用权招标出让: sealed bids, opened at the deadline; fewer than 3 bidders ends
    /// it; a panel of five or more, odd, names the winner (39号令(土地) 第十三条、第十四条).
    LandTender,
    /// 矿业权招标出让 (矿产资源法 第十七条) under 招标投标法 (第二条: every tender in China): fewer
    /// than 3 bids ⇒ re-tender (第二十八条), a committee of five or more, odd (第三十七条).
    MiningTender,
}

impl SaleKind {
    /// Every kind.
    pub const ALL: [SaleKind; 7] = [
        SaleKind::LandAuction,
        SaleKind::LandListing,
        SaleKind::PropertyTransfer,
        SaleKind::MiningAuction,
        SaleKind::MiningListing,
        SaleKind::LandTender,
        SaleKind::MiningTender,
    ];

    /// Identifier in the API and the events.
    pub fn as_str(self) -> &'static str {
        match self {
            SaleKind::LandAuction => "land_auction",
            SaleKind::LandListing => "land_listing",
            SaleKind::PropertyTransfer => "property_transfer",
            SaleKind::MiningAuction => "mining_auction",
            SaleKind::MiningListing => "mining_listing",
            SaleKind::LandTender => "land_tender",
            SaleKind::MiningTender => "mining_tender",
        }
    }

    /// Parses an identifier.
    pub fn parse(text: &str) -> Option<SaleKind> {
        SaleKind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            SaleKind::LandAuction => "国有建设用地使用权拍卖出让",
            SaleKind::LandListing => "国有建设用地使用权挂牌出让",
            SaleKind::PropertyTransfer => "企业国有产权转让",
            SaleKind::MiningAuction => "矿业权拍卖出让",
            SaleKind::MiningListing => "矿业权挂牌出让",
            SaleKind::LandTender => "国有建设用地使用权招标出让",
            SaleKind::MiningTender => "矿业权招标出让",
        }
    }

    /// The ruleset holding this kind's statutory numbers (`rules/<id>/`).
    pub fn ruleset_id(self) -> &'static str {
        match self {
            SaleKind::LandAuction | SaleKind::LandListing | SaleKind::LandTender => "land",
            SaleKind::PropertyTransfer => "state_property",
            SaleKind::MiningAuction | SaleKind::MiningListing | SaleKind::MiningTender => "mining_rights",
        }
    }

    /// An auction at one session, held only with enough admitted bidders (the ruleset's
    /// `auction_bidders_min`).
    pub fn is_auction(self) -> bool {
        matches!(self, SaleKind::LandAuction | SaleKind::MiningAuction)
    }

    /// A mining right is sold: the announcement names which (探矿权 or 采矿权).
    pub fn is_mining(self) -> bool {
        matches!(self, SaleKind::MiningAuction | SaleKind::MiningListing | SaleKind::MiningTender)
    }

    /// A sale by tender: sealed bids, opening, evaluation (see [`crate::sale::TenderBook`]).
    pub fn is_tender(self) -> bool {
        matches!(self, SaleKind::LandTender | SaleKind::MiningTender)
    }
}

/// Which mining right is sold (矿产资源法 第十六条: 探矿权、采矿权统称矿业权).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MiningRight {
    /// 探矿权.
    Exploration,
    /// 采矿权.
    Mining,
}

impl MiningRight {
    /// Identifier in the API and the events.
    pub fn as_str(self) -> &'static str {
        match self {
            MiningRight::Exploration => "exploration",
            MiningRight::Mining => "mining",
        }
    }

    /// Parses an identifier.
    pub fn parse(text: &str) -> Option<MiningRight> {
        [MiningRight::Exploration, MiningRight::Mining].into_iter().find(|right| right.as_str() == text)
    }

    /// Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            MiningRight::Exploration => "探矿权",
            MiningRight::Mining => "采矿权",
        }
    }
}

/// The terms a sale is announced (or re-disclosed) with. The reserve price is not here: it is
/// sealed by a commitment until the bidding ends (39号令(土地) 第十二条; 拍卖法 第二十八条).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaleTerms {
    /// The kind.
    pub kind: SaleKind,
    /// The starting price (起始价 / 挂牌起始价 / 转让底价), public.
    pub start_price: Fen,
    /// The minimum increment (加价幅度).
    pub increment: Fen,
    /// The deposit a bidder pays before it may bid (竞买保证金).
    pub deposit: Fen,
    /// The approved appraisal (评估值): property transfers only (32号令 第十七条、第十八条).
    pub appraisal: Option<Fen>,
    /// Whether a sealed reserve price was committed to; without one the sale has none (拍卖法 第五十条).
    pub reserve_sealed: bool,
    /// Applications (and, for property, the disclosure) close then, UTC ms.
    pub applications_close_ms: i64,
    /// Bidding starts then (the auction session, the listing period, the online bidding), UTC ms.
    pub starts_at_ms: i64,
    /// Bidding is scheduled to end then, UTC ms.
    pub ends_at_ms: i64,
    /// The countdown (限时竞价), ms, if any.
    pub countdown_ms: Option<i64>,
}

/// Why terms are refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SaleTermsError {
    /// A price, increment or deposit that is not positive.
    #[error("起始价、加价幅度和竞买保证金须大于0（招标出让不设加价幅度，increment_fen 填0或不填）")]
    NotPositive,
    /// The order of the dates is wrong.
    #[error("时间顺序有误：申请截止时间不得晚于竞价开始时间，竞价结束时间须晚于开始时间")]
    DatesOutOfOrder,
    /// A countdown that is not positive.
    #[error("限时竞价的倒计时须大于0（招标出让不设限时竞价，countdown_seconds 不填）")]
    CountdownNotPositive,
    /// A property transfer needs its appraisal; land sales have none.
    #[error("企业国有产权转让须填写经核准或备案的评估值（appraisal_fen）；土地和矿业权出让不填写评估值")]
    AppraisalMissing,
    /// The first disclosure price of a property transfer below the appraisal (32号令 第十七条).
    #[error("首次正式披露的转让底价不得低于经核准或备案的转让标的评估结果（企业国有资产交易监督管理办法 第十七条）")]
    BelowAppraisal,
}

impl SaleTermsError {
    /// Stable error code.
    pub fn code(self) -> &'static str {
        match self {
            SaleTermsError::NotPositive => "invalid_amount",
            SaleTermsError::DatesOutOfOrder | SaleTermsError::CountdownNotPositive => "invalid_time",
            SaleTermsError::AppraisalMissing => "appraisal_required",
            SaleTermsError::BelowAppraisal => "price_below_appraisal",
        }
    }

    /// The request field to fix.
    pub fn field(self) -> &'static str {
        match self {
            SaleTermsError::NotPositive => "start_price_fen",
            SaleTermsError::DatesOutOfOrder => "bidding_starts_at",
            SaleTermsError::CountdownNotPositive => "countdown_seconds",
            SaleTermsError::AppraisalMissing => "appraisal_fen",
            SaleTermsError::BelowAppraisal => "start_price_fen",
        }
    }
}

impl SaleTerms {
    /// Checks the terms of a first announcement: every amount positive, the dates in order, and
    /// a property transfer's first price at least its appraisal.
    pub fn check(&self) -> Result<(), SaleTermsError> {
        self.check_shape()?;
        if let Some(appraisal) = self.appraisal
            && self.start_price < appraisal
        {
            return Err(SaleTermsError::BelowAppraisal);
        }
        Ok(())
    }

    /// Checks everything but the appraisal floor (a re-disclosure may go lower, see
    /// [`crate::sale::Sale::decide_reprice`]).
    pub fn check_shape(&self) -> Result<(), SaleTermsError> {
        // A tender has no increment: each bidder names one sealed price.
        let increment_ok = if self.kind.is_tender() { self.increment.0 == 0 } else { self.increment.0 > 0 };
        if self.start_price.0 <= 0 || self.deposit.0 <= 0 || !increment_ok {
            return Err(SaleTermsError::NotPositive);
        }
        if self.kind.is_tender() && self.countdown_ms.is_some() {
            return Err(SaleTermsError::CountdownNotPositive);
        }
        if self.applications_close_ms > self.starts_at_ms || self.ends_at_ms <= self.starts_at_ms {
            return Err(SaleTermsError::DatesOutOfOrder);
        }
        if self.countdown_ms.is_some_and(|ms| ms <= 0) {
            return Err(SaleTermsError::CountdownNotPositive);
        }
        match (self.kind, self.appraisal) {
            (SaleKind::PropertyTransfer, None) => Err(SaleTermsError::AppraisalMissing),
            (_, Some(_)) if self.kind != SaleKind::PropertyTransfer => Err(SaleTermsError::AppraisalMissing),
            (SaleKind::PropertyTransfer, Some(appraisal)) if appraisal.0 <= 0 => Err(SaleTermsError::NotPositive),
            _ => Ok(()),
        }
    }
}

//! The sale procedure as a transition table: which command each phase allows, for which kinds of
//! sale, and the article that says so. Time moves a sale between phases (announced → bidding →
//! over); commands are what people do.

use crate::sale::SaleKind;

/// Where a sale stands at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SalePhase {
    /// Announced (出让公告 / 信息披露): applications taken until they close, no bids yet.
    Announced,
    /// Bids are taken: the auction session, the listing period, live bidding, online bidding, a
    /// tender's sealed bids.
    Bidding,
    /// A tender's deadline passed with enough bids: they are opened and evaluated.
    Opening,
    /// Paused after a platform incident; the reason is published.
    Paused,
    /// A listing period is over and the host has not yet asked who goes on (39号令(土地) 第十九条).
    ListingOver,
    /// Bidding is over and the sealed reserve price has not been revealed yet.
    AwaitingReserve,
    /// Decided: sold or not.
    Decided,
    /// The deal is confirmed (成交确认书) and the result published.
    Confirmed,
}

impl SalePhase {
    /// Identifier in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            SalePhase::Announced => "announced",
            SalePhase::Bidding => "bidding",
            SalePhase::Opening => "opening",
            SalePhase::Paused => "paused",
            SalePhase::ListingOver => "listing_over",
            SalePhase::AwaitingReserve => "awaiting_reserve",
            SalePhase::Decided => "decided",
            SalePhase::Confirmed => "confirmed",
        }
    }

    /// Whether the bidding is over (so who bid may be named to regulators and counted in public).
    pub fn bidding_over(self) -> bool {
        matches!(self, SalePhase::Opening | SalePhase::AwaitingReserve | SalePhase::Decided | SalePhase::Confirmed)
    }

    /// Chinese name in a sale of `kind`: a tender takes bids (投标), the others are bid on (竞价).
    pub fn label_for(self, kind: SaleKind) -> &'static str {
        match self {
            SalePhase::Bidding if kind.is_tender() => "投标中",
            other => other.label(),
        }
    }

    /// Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            SalePhase::Announced => "公告期",
            SalePhase::Bidding => "竞价中",
            SalePhase::Opening => "开标评标",
            SalePhase::Paused => "暂停",
            SalePhase::ListingOver => "挂牌期满",
            SalePhase::AwaitingReserve => "待揭示底价",
            SalePhase::Decided => "竞价结束",
            SalePhase::Confirmed => "已成交确认",
        }
    }
}

/// What people do in a sale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SaleCommand {
    /// A bidder applies (竞买申请).
    Apply,
    /// The trading center admits an applicant whose deposit arrived, with a paddle number.
    Admit,
    /// A bid.
    Bid,
    /// A sealed tender bid handed in (or replaced) before the deadline.
    SubmitSealedBid,
    /// A bidder opens its sealed bid at the opening.
    OpenSealedBid,
    /// The panel's report on a tender's bids.
    Evaluate,
    /// The platform pauses the bidding after an incident.
    Pause,
    /// The bidding goes on.
    Resume,
    /// The host closes a listing period: sold, unsold, or live bidding.
    CloseListing,
    /// The principal reveals the sealed reserve price.
    RevealReserve,
    /// The trading center issues the confirmation (成交确认书) and publishes the result.
    Confirm,
    /// A losing bidder's deposit is refunded.
    RefundDeposit,
    /// A property transfer without a buyer is disclosed again, possibly at a lower price.
    Reprice,
    /// The transfer contract is signed.
    SignContract,
    /// The buyer pays (part of) the price.
    RecordPayment,
}

/// One allowed command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SaleTransition {
    /// The phase it is allowed in.
    pub phase: SalePhase,
    /// The command.
    pub command: SaleCommand,
    /// The kinds of sale it applies to.
    pub kinds: &'static [SaleKind],
    /// The legal source.
    pub source: &'static str,
}

const ALL: &[SaleKind] = &SaleKind::ALL;
const LAND: &[SaleKind] = &[SaleKind::LandAuction, SaleKind::LandListing, SaleKind::LandTender];
const LIVE: &[SaleKind] = &[
    SaleKind::LandAuction,
    SaleKind::LandListing,
    SaleKind::PropertyTransfer,
    SaleKind::MiningAuction,
    SaleKind::MiningListing,
];
const LAND_TENDER: &[SaleKind] = &[SaleKind::LandTender];
const MINING_TENDER: &[SaleKind] = &[SaleKind::MiningTender];
const LISTING: &[SaleKind] = &[SaleKind::LandListing];
const MINING: &[SaleKind] = &[SaleKind::MiningAuction, SaleKind::MiningListing, SaleKind::MiningTender];
const PROPERTY: &[SaleKind] = &[SaleKind::PropertyTransfer];

/// The table. A command not listed for a phase and kind is refused.
pub const SALE_TRANSITIONS: &[SaleTransition] = &[
    SaleTransition {
        phase: SalePhase::Announced,
        command: SaleCommand::Apply,
        kinds: LAND,
        source: "招标拍卖挂牌出让国有建设用地使用权规定 第十条（出让公告发布后申请参加竞买）",
    },
    SaleTransition {
        phase: SalePhase::Announced,
        command: SaleCommand::Apply,
        kinds: PROPERTY,
        source: "企业国有资产法 第五十四条（如实披露有关信息，征集受让方）",
    },
    SaleTransition {
        phase: SalePhase::Announced,
        command: SaleCommand::Apply,
        kinds: MINING,
        source: "矿产资源法 第十九条（提前公告拟出让矿业权的基本情况、竞争规则和受让人条件）",
    },
    SaleTransition {
        phase: SalePhase::Announced,
        command: SaleCommand::Admit,
        kinds: ALL,
        source: "招标拍卖挂牌出让国有建设用地使用权规定 第二十一条；企业国有资产交易监督管理办法 第十八条（交纳保证金、资格确认）",
    },
    SaleTransition {
        phase: SalePhase::Bidding,
        command: SaleCommand::Bid,
        kinds: LIVE,
        source: "拍卖法 第三十六条（竞买人一经应价，不得撤回；有更高应价时其应价丧失约束力）",
    },
    SaleTransition {
        phase: SalePhase::Bidding,
        command: SaleCommand::Pause,
        kinds: LIVE,
        source: "电子交易系统故障时暂停竞价并公告原因（拍卖法 第四条 公开、公平、公正原则）",
    },
    SaleTransition {
        phase: SalePhase::Paused,
        command: SaleCommand::Resume,
        kinds: LIVE,
        source: "电子交易系统故障排除后恢复竞价，顺延损失的时间（拍卖法 第四条）",
    },
    SaleTransition {
        phase: SalePhase::Bidding,
        command: SaleCommand::SubmitSealedBid,
        kinds: LAND_TENDER,
        source: "招标拍卖挂牌出让国有建设用地使用权规定 第十三条（投标人在投标截止时间前将标书投入标箱）",
    },
    SaleTransition {
        phase: SalePhase::Bidding,
        command: SaleCommand::SubmitSealedBid,
        kinds: MINING_TENDER,
        source: "招标投标法 第二十八条、第二十九条（截止时间前送达，不得开启；截止前可以修改）",
    },
    SaleTransition {
        phase: SalePhase::Opening,
        command: SaleCommand::OpenSealedBid,
        kinds: LAND_TENDER,
        source: "招标拍卖挂牌出让国有建设用地使用权规定 第十三条（出让人按招标公告规定的时间、地点开标）",
    },
    SaleTransition {
        phase: SalePhase::Opening,
        command: SaleCommand::OpenSealedBid,
        kinds: MINING_TENDER,
        source: "招标投标法 第三十四条、第三十六条（开标时间即投标截止时间，当众拆封、宣读投标价格）",
    },
    SaleTransition {
        phase: SalePhase::Opening,
        command: SaleCommand::Evaluate,
        kinds: LAND_TENDER,
        source: "招标拍卖挂牌出让国有建设用地使用权规定 第十三条、第十四条（评标小组五人以上单数；按综合评价或价高者确定中标人）",
    },
    SaleTransition {
        phase: SalePhase::Opening,
        command: SaleCommand::Evaluate,
        kinds: MINING_TENDER,
        source: "招标投标法 第三十七条、第四十条（评标委员会五人以上单数，按招标文件确定的标准和方法评审）",
    },
    SaleTransition {
        phase: SalePhase::ListingOver,
        command: SaleCommand::CloseListing,
        kinds: LISTING,
        source: "招标拍卖挂牌出让国有建设用地使用权规定 第十九条（挂牌期满，有两个以上竞买人要求报价的，现场竞价）",
    },
    SaleTransition {
        phase: SalePhase::AwaitingReserve,
        command: SaleCommand::RevealReserve,
        kinds: ALL,
        source: "拍卖法 第五十条（最高应价未达到保留价时，该应价不发生效力）",
    },
    SaleTransition {
        phase: SalePhase::Decided,
        command: SaleCommand::Confirm,
        kinds: LAND,
        source: "招标拍卖挂牌出让国有建设用地使用权规定 第二十条（签订成交确认书）；拍卖法 第五十二条",
    },
    SaleTransition {
        phase: SalePhase::Decided,
        command: SaleCommand::Confirm,
        kinds: PROPERTY,
        source: "企业国有资产交易监督管理办法 第二十九条（交易结果公示）",
    },
    SaleTransition {
        phase: SalePhase::Decided,
        command: SaleCommand::Confirm,
        kinds: MINING,
        source: "矿产资源法 第十七条（以竞争性方式确定受让人）；成交确认书的期限见规则集 mining_rights",
    },
    SaleTransition {
        phase: SalePhase::Decided,
        command: SaleCommand::RefundDeposit,
        kinds: ALL,
        source: "招标拍卖挂牌出让国有建设用地使用权规定 第二十一条（未竞得人的保证金5个工作日内退还，不计利息）",
    },
    SaleTransition {
        phase: SalePhase::Confirmed,
        command: SaleCommand::RefundDeposit,
        kinds: ALL,
        source: "招标拍卖挂牌出让国有建设用地使用权规定 第二十一条（未竞得人的保证金5个工作日内退还，不计利息）",
    },
    SaleTransition {
        phase: SalePhase::Confirmed,
        command: SaleCommand::SignContract,
        kinds: LAND,
        source: "招标拍卖挂牌出让国有建设用地使用权规定 第二十一条（按成交确认书约定的时间签订出让合同，保证金抵作土地出让价款）",
    },
    SaleTransition {
        phase: SalePhase::Confirmed,
        command: SaleCommand::SignContract,
        kinds: PROPERTY,
        source: "企业国有资产交易监督管理办法 第二十八条（产权交易合同生效后支付交易价款）",
    },
    SaleTransition {
        phase: SalePhase::Confirmed,
        command: SaleCommand::SignContract,
        kinds: MINING,
        source: "矿产资源法 第二十条（与依法确定的受让人以书面形式签订矿业权出让合同）",
    },
    SaleTransition {
        phase: SalePhase::Confirmed,
        command: SaleCommand::RecordPayment,
        kinds: ALL,
        source: "企业国有资产交易监督管理办法 第二十八条；招标拍卖挂牌出让国有建设用地使用权规定 第二十一条（价款支付）",
    },
    SaleTransition {
        phase: SalePhase::Decided,
        command: SaleCommand::Reprice,
        kinds: PROPERTY,
        source: "企业国有资产交易监督管理办法 第十八条（未征集到意向受让方的，可以降低转让底价重新披露；低于评估结果90%的，应当经转让行为批准单位书面同意）",
    },
];

/// Why a command is refused in a phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}（{}）不能办理“{}”", .kind.label(), .phase.label(), command_label(*.command))]
pub struct SaleTransitionRefused {
    /// The kind of sale.
    pub kind: SaleKind,
    /// Its phase.
    pub phase: SalePhase,
    /// The command.
    pub command: SaleCommand,
}

fn command_label(command: SaleCommand) -> &'static str {
    match command {
        SaleCommand::Apply => "竞买申请",
        SaleCommand::Admit => "确认竞买资格",
        SaleCommand::Bid => "出价",
        SaleCommand::SubmitSealedBid => "递交投标文件",
        SaleCommand::OpenSealedBid => "开标解密",
        SaleCommand::Evaluate => "评标",
        SaleCommand::Pause => "暂停竞价",
        SaleCommand::Resume => "恢复竞价",
        SaleCommand::CloseListing => "挂牌截止",
        SaleCommand::RevealReserve => "揭示底价",
        SaleCommand::Confirm => "成交确认",
        SaleCommand::RefundDeposit => "退还保证金",
        SaleCommand::Reprice => "降价重新披露",
        SaleCommand::SignContract => "签订合同",
        SaleCommand::RecordPayment => "登记价款支付",
    }
}

/// The row allowing `command` in `phase` for `kind`.
pub fn sale_transition(
    kind: SaleKind,
    phase: SalePhase,
    command: SaleCommand,
) -> Result<&'static SaleTransition, SaleTransitionRefused> {
    SALE_TRANSITIONS
        .iter()
        .find(|row| row.phase == phase && row.command == command && row.kinds.contains(&kind))
        .ok_or(SaleTransitionRefused { kind, phase, command })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_cites_an_article() {
        for row in SALE_TRANSITIONS {
            assert!(row.source.contains('第') && row.source.contains('条'), "{row:?}");
        }
    }

    #[test]
    fn only_listings_close_and_only_property_reprices() {
        assert!(sale_transition(SaleKind::LandListing, SalePhase::ListingOver, SaleCommand::CloseListing).is_ok());
        assert!(sale_transition(SaleKind::LandAuction, SalePhase::ListingOver, SaleCommand::CloseListing).is_err());
        assert!(sale_transition(SaleKind::PropertyTransfer, SalePhase::Decided, SaleCommand::Reprice).is_ok());
        let refused = sale_transition(SaleKind::LandAuction, SalePhase::Decided, SaleCommand::Reprice)
            .expect_err("land is not repriced here");
        assert_eq!(refused.to_string(), "国有建设用地使用权拍卖出让（竞价结束）不能办理“降价重新披露”");
    }
}

//! The legal grounds (适用情形) for each method other than open tender, as data: one line of
//! [`GROUNDS`] per ground, with the method it allows and its article.
//!
//! Open tender needs no ground (政府采购法 第二十六条第二款: it is the main method). Every other
//! method is lawful only on one of its grounds; above the open-tender threshold it also needs prior
//! approval (see [`super::decide_method`]).

use super::ProcurementMethod;

/// A ground on which a method other than open tender may be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ground {
    /// Special items available only from a limited range of suppliers (政府采购法 第二十九条第（一）项).
    LimitedSuppliers,
    /// Open tender would cost too large a share of the value (第二十九条第（二）项).
    TenderCostExcessive,
    /// The tender drew no bids or no qualified ones, or the re-tender failed (第三十条第（一）项).
    TenderFailed,
    /// Technically complex or special: detailed specifications cannot be set (第三十条第（二）项).
    CannotSpecify,
    /// The time a tender takes cannot meet an urgent need, unforeseeable and not caused by the
    /// purchaser's delay (第三十条第（三）项; 条例 第二十六条).
    Urgency,
    /// The total price cannot be computed in advance: artworks, patents or know-how, services whose
    /// time or quantity is unknown (第三十条第（四）项; 条例 第二十六条).
    PriceNotComputable,
    /// Only one supplier can supply: irreplaceable patent or know-how, or special public-service
    /// requirements (第三十一条第（一）项; 条例 第二十七条).
    SoleSupplier,
    /// An unforeseeable emergency rules out other suppliers (第三十一条第（二）项).
    Emergency,
    /// An add-on purchase from the original supplier for consistency or compatibility, at most a
    /// share of the original contract (第三十一条第（三）项).
    AddOnPurchase,
    /// Standardised goods in ample supply with stable prices (第三十二条; 74号令 第三条).
    StandardGoods,
    /// Services the government purchases (214号 第三条第（一）项).
    PurchasedServices,
    /// Technically complex or special: specifications cannot be set (214号 第三条第（二）项).
    ConsultationCannotSpecify,
    /// The total price cannot be computed in advance (214号 第三条第（三）项).
    ConsultationPriceNotComputable,
    /// Research with little market competition, or technology transfer to be supported
    /// (214号 第三条第（四）项).
    ResearchOrTechTransfer,
    /// Works outside mandatory tendering (214号 第三条第（五）项).
    UntenderedWorks,
    /// Small, frequent purchases of catalogue items and their consumables (110号令 第三条第（一）项).
    FrameworkCatalogueItems,
    /// Small, frequent assurance and consulting services for the department's administration
    /// (110号令 第三条第（二）项).
    FrameworkConsultingServices,
    /// Purchased services where the served persons choose among two or more suppliers
    /// (110号令 第三条第（三）项).
    FrameworkServiceChoice,
}

/// One ground as data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GroundLine {
    /// The ground.
    pub ground: Ground,
    /// The method it allows.
    pub method: ProcurementMethod,
    /// The article.
    pub source: &'static str,
    /// What the article requires, in brief (Chinese).
    pub label: &'static str,
}

use Ground as G;
use ProcurementMethod as M;

const fn line(ground: Ground, method: ProcurementMethod, source: &'static str, label: &'static str) -> GroundLine {
    GroundLine { ground, method, source, label }
}

/// Every ground, one per line.
#[rustfmt::skip]
pub const GROUNDS: &[GroundLine] = &[
    line(G::LimitedSuppliers,    M::InvitedTender,          "政府采购法 第二十九条第（一）项", "具有特殊性，只能从有限范围的供应商处采购"),
    line(G::TenderCostExcessive, M::InvitedTender,          "政府采购法 第二十九条第（二）项", "采用公开招标方式的费用占政府采购项目总价值的比例过大"),
    line(G::TenderFailed,        M::CompetitiveNegotiation, "政府采购法 第三十条第（一）项", "招标后没有供应商投标或者没有合格标的或者重新招标未能成立"),
    line(G::CannotSpecify,       M::CompetitiveNegotiation, "政府采购法 第三十条第（二）项", "技术复杂或者性质特殊，不能确定详细规格或者具体要求"),
    line(G::Urgency,             M::CompetitiveNegotiation, "政府采购法 第三十条第（三）项；政府采购法实施条例 第二十六条", "采用招标所需时间不能满足用户紧急需要，且是采购人不可预见的或者非因采购人拖延导致的"),
    line(G::PriceNotComputable,  M::CompetitiveNegotiation, "政府采购法 第三十条第（四）项；政府采购法实施条例 第二十六条", "因采购艺术品、专利、专有技术或者服务的时间、数量事先不能确定等，不能事先计算出价格总额"),
    line(G::SoleSupplier,        M::SingleSource,           "政府采购法 第三十一条第（一）项；政府采购法实施条例 第二十七条", "因使用不可替代的专利、专有技术，或者公共服务项目具有特殊要求，只能从唯一供应商处采购"),
    line(G::Emergency,           M::SingleSource,           "政府采购法 第三十一条第（二）项", "发生了不可预见的紧急情况不能从其他供应商处采购"),
    line(G::AddOnPurchase,       M::SingleSource,           "政府采购法 第三十一条第（三）项", "必须保证原有采购项目一致性或者服务配套的要求，需要继续从原供应商处添购，且添购资金总额不超过原合同采购金额的规定比例"),
    line(G::StandardGoods,       M::Inquiry,                "政府采购法 第三十二条；政府采购非招标采购方式管理办法（财政部令第74号）第三条", "货物规格、标准统一、现货货源充足且价格变化幅度小"),
    line(G::PurchasedServices,   M::CompetitiveConsultation, "政府采购竞争性磋商采购方式管理暂行办法（财库〔2014〕214号）第三条第（一）项", "政府购买服务项目"),
    line(G::ConsultationCannotSpecify, M::CompetitiveConsultation, "政府采购竞争性磋商采购方式管理暂行办法（财库〔2014〕214号）第三条第（二）项", "技术复杂或者性质特殊，不能确定详细规格或者具体要求"),
    line(G::ConsultationPriceNotComputable, M::CompetitiveConsultation, "政府采购竞争性磋商采购方式管理暂行办法（财库〔2014〕214号）第三条第（三）项", "因专利、专有技术或者服务的时间、数量事先不能确定等，不能事先计算出价格总额"),
    line(G::ResearchOrTechTransfer, M::CompetitiveConsultation, "政府采购竞争性磋商采购方式管理暂行办法（财库〔2014〕214号）第三条第（四）项", "市场竞争不充分的科研项目，以及需要扶持的科技成果转化项目"),
    line(G::UntenderedWorks,     M::CompetitiveConsultation, "政府采购竞争性磋商采购方式管理暂行办法（财库〔2014〕214号）第三条第（五）项", "按照招标投标法及其实施条例必须进行招标的工程建设项目以外的工程建设项目"),
    line(G::FrameworkCatalogueItems, M::FrameworkAgreement, "政府采购框架协议采购方式管理暂行办法（财政部令第110号）第三条第（一）项", "集中采购目录以内品目以及与之配套的必要耗材、配件等，属于小额零星采购"),
    line(G::FrameworkConsultingServices, M::FrameworkAgreement, "政府采购框架协议采购方式管理暂行办法（财政部令第110号）第三条第（二）项", "集中采购目录以外、采购限额标准以上，本部门、本系统行政管理所需的法律、评估、会计、审计等鉴证咨询服务，属于小额零星采购"),
    line(G::FrameworkServiceChoice, M::FrameworkAgreement, "政府采购框架协议采购方式管理暂行办法（财政部令第110号）第三条第（三）项", "为本部门、本系统以外的服务对象提供服务的政府购买服务项目，需要确定2家以上供应商由服务对象自主选择"),
];

impl Ground {
    /// Every ground.
    pub const ALL: [Ground; 18] = [
        Ground::LimitedSuppliers,
        Ground::TenderCostExcessive,
        Ground::TenderFailed,
        Ground::CannotSpecify,
        Ground::Urgency,
        Ground::PriceNotComputable,
        Ground::SoleSupplier,
        Ground::Emergency,
        Ground::AddOnPurchase,
        Ground::StandardGoods,
        Ground::PurchasedServices,
        Ground::ConsultationCannotSpecify,
        Ground::ConsultationPriceNotComputable,
        Ground::ResearchOrTechTransfer,
        Ground::UntenderedWorks,
        Ground::FrameworkCatalogueItems,
        Ground::FrameworkConsultingServices,
        Ground::FrameworkServiceChoice,
    ];

    /// Identifier in the API and the record.
    pub fn as_str(self) -> &'static str {
        match self {
            Ground::LimitedSuppliers => "limited_suppliers",
            Ground::TenderCostExcessive => "tender_cost_excessive",
            Ground::TenderFailed => "tender_failed",
            Ground::CannotSpecify => "cannot_specify",
            Ground::Urgency => "urgency",
            Ground::PriceNotComputable => "price_not_computable",
            Ground::SoleSupplier => "sole_supplier",
            Ground::Emergency => "emergency",
            Ground::AddOnPurchase => "add_on_purchase",
            Ground::StandardGoods => "standard_goods",
            Ground::PurchasedServices => "purchased_services",
            Ground::ConsultationCannotSpecify => "consultation_cannot_specify",
            Ground::ConsultationPriceNotComputable => "consultation_price_not_computable",
            Ground::ResearchOrTechTransfer => "research_or_tech_transfer",
            Ground::UntenderedWorks => "untendered_works",
            Ground::FrameworkCatalogueItems => "framework_catalogue_items",
            Ground::FrameworkConsultingServices => "framework_consulting_services",
            Ground::FrameworkServiceChoice => "framework_service_choice",
        }
    }

    /// Parses an identifier.
    pub fn parse(text: &str) -> Option<Ground> {
        Ground::ALL.into_iter().find(|ground| ground.as_str() == text)
    }

    /// The ground's line of [`GROUNDS`].
    pub fn line(self) -> &'static GroundLine {
        // Every variant has exactly one line (checked by a test); the fallback keeps this total
        // without a panic path.
        GROUNDS.iter().find(|line| line.ground == self).unwrap_or(&GROUNDS[0])
    }

    /// The method the ground allows.
    pub fn method(self) -> ProcurementMethod {
        self.line().method
    }

    /// The article.
    pub fn source(self) -> &'static str {
        self.line().source
    }

    /// The grounds of a method (empty for open tender).
    pub fn of(method: ProcurementMethod) -> impl Iterator<Item = Ground> {
        GROUNDS.iter().filter(move |line| line.method == method).map(|line| line.ground)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ground_has_one_line_citing_an_article() {
        for (i, a) in GROUNDS.iter().enumerate() {
            assert!(crate::transition_table::cites_article(a.source), "{a:?}");
            assert!(GROUNDS[i + 1..].iter().all(|b| b.ground != a.ground), "{a:?} twice");
            assert_eq!(a.ground.line(), a);
        }
        assert_eq!(GROUNDS.len(), Ground::ALL.len());
        for ground in Ground::ALL {
            assert_eq!(Ground::parse(ground.as_str()), Some(ground));
        }
        for ground in Ground::ALL {
            assert_eq!(GROUNDS.iter().filter(|line| line.ground == ground).count(), 1, "{ground:?}");
        }
        assert_eq!(Ground::of(ProcurementMethod::OpenTender).count(), 0);
        for method in ProcurementMethod::ALL.into_iter().filter(|m| *m != ProcurementMethod::OpenTender) {
            assert!(Ground::of(method).count() > 0, "{method:?} has no ground");
        }
    }
}

//! The procurement methods (采购方式, 政府采购法 第二十六条) and the item categories (货物、工程、服务,
//! 政府采购法 第二条) that decide which of them, and which numbers, apply.

/// A government-procurement method (采购方式).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProcurementMethod {
    /// Open tender (公开招标), the main method (政府采购法 第二十六条第二款).
    OpenTender,
    /// Invited tender (邀请招标, 政府采购法 第二十九条、第三十四条).
    InvitedTender,
    /// Competitive negotiation (竞争性谈判, 政府采购法 第三十条、第三十八条).
    CompetitiveNegotiation,
    /// Competitive consultation (竞争性磋商, 财库〔2014〕214号), a method recognised by the Ministry of
    /// Finance under 政府采购法 第二十六条第一款第（六）项.
    CompetitiveConsultation,
    /// Request for quotation (询价, 政府采购法 第三十二条、第四十条).
    Inquiry,
    /// Single source (单一来源, 政府采购法 第三十一条、第三十九条).
    SingleSource,
    /// Framework agreement (框架协议采购, 财政部令第110号): suppliers enter the agreement in a first
    /// stage, and purchases are called off from them in a second.
    FrameworkAgreement,
}

impl ProcurementMethod {
    /// Every method.
    pub const ALL: [ProcurementMethod; 7] = [
        ProcurementMethod::OpenTender,
        ProcurementMethod::InvitedTender,
        ProcurementMethod::CompetitiveNegotiation,
        ProcurementMethod::CompetitiveConsultation,
        ProcurementMethod::Inquiry,
        ProcurementMethod::SingleSource,
        ProcurementMethod::FrameworkAgreement,
    ];

    /// Identifier stored in events and shown by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ProcurementMethod::OpenTender => "open_tender",
            ProcurementMethod::InvitedTender => "invited_tender",
            ProcurementMethod::CompetitiveNegotiation => "competitive_negotiation",
            ProcurementMethod::CompetitiveConsultation => "competitive_consultation",
            ProcurementMethod::Inquiry => "inquiry",
            ProcurementMethod::SingleSource => "single_source",
            ProcurementMethod::FrameworkAgreement => "framework_agreement",
        }
    }

    /// Parses an identifier.
    pub fn parse(text: &str) -> Option<ProcurementMethod> {
        ProcurementMethod::ALL.into_iter().find(|method| method.as_str() == text)
    }

    /// The Chinese name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            ProcurementMethod::OpenTender => "公开招标",
            ProcurementMethod::InvitedTender => "邀请招标",
            ProcurementMethod::CompetitiveNegotiation => "竞争性谈判",
            ProcurementMethod::CompetitiveConsultation => "竞争性磋商",
            ProcurementMethod::Inquiry => "询价",
            ProcurementMethod::SingleSource => "单一来源",
            ProcurementMethod::FrameworkAgreement => "框架协议采购",
        }
    }

    /// Whether the method is a tender (招标): open or invited. Tenders are evaluated by a committee
    /// (评标委员会, 87号令 第四十七条); the other methods by a group (谈判小组、询价小组、磋商小组).
    pub fn is_tender(self) -> bool {
        matches!(self, ProcurementMethod::OpenTender | ProcurementMethod::InvitedTender)
    }
}

/// What is bought (采购对象, 政府采购法 第二条): the category decides the thresholds, the price-weight
/// floors and the SME deduction ranges.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ItemCategory {
    /// Goods (货物).
    Goods,
    /// Services (服务).
    Services,
    /// Works (工程), with the goods and services tied to them.
    Works,
}

impl ItemCategory {
    /// Every category.
    pub const ALL: [ItemCategory; 3] = [ItemCategory::Goods, ItemCategory::Services, ItemCategory::Works];

    /// Identifier stored in events and shown by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemCategory::Goods => "goods",
            ItemCategory::Services => "services",
            ItemCategory::Works => "works",
        }
    }

    /// Parses an identifier.
    pub fn parse(text: &str) -> Option<ItemCategory> {
        ItemCategory::ALL.into_iter().find(|category| category.as_str() == text)
    }

    /// The Chinese name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            ItemCategory::Goods => "货物",
            ItemCategory::Services => "服务",
            ItemCategory::Works => "工程",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_round_trip() {
        for method in ProcurementMethod::ALL {
            assert_eq!(ProcurementMethod::parse(method.as_str()), Some(method));
        }
        for category in ItemCategory::ALL {
            assert_eq!(ItemCategory::parse(category.as_str()), Some(category));
        }
        assert_eq!(ProcurementMethod::parse("auction"), None);
    }
}

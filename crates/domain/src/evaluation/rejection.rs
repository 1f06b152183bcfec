//! The grounds on which the committee must reject a bid (否决投标), one per item of
//! 招标投标法实施条例 第五十一条. The list is closed: 条例 第四十九条 lets the committee use only the
//! criteria of the tender documents and the law, so a rejection names one of these items.

/// A ground for rejecting a bid (招标投标法实施条例 第五十一条).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RejectionGround {
    /// (一) The bid lacks the bidder's seal and its head's signature.
    MissingSealOrSignature,
    /// (二) A consortium bid without the joint bidding agreement.
    NoConsortiumAgreement,
    /// (三) The bidder does not meet the qualification conditions.
    NotQualified,
    /// (四) The same bidder submitted two or more different bids or prices (unless the tender
    /// documents ask for alternative bids).
    MultipleBids,
    /// (五) The price is below cost or above the ceiling price (最高投标限价) of the documents.
    PriceBelowCostOrAboveCeiling,
    /// (六) The bid does not respond to the substantive requirements of the documents.
    NotResponsive,
    /// (七) Collusion, fraud or bribery.
    CollusionFraudOrBribery,
}

impl RejectionGround {
    /// Every ground, in the order of the article's items.
    pub const ALL: [RejectionGround; 7] = [
        RejectionGround::MissingSealOrSignature,
        RejectionGround::NoConsortiumAgreement,
        RejectionGround::NotQualified,
        RejectionGround::MultipleBids,
        RejectionGround::PriceBelowCostOrAboveCeiling,
        RejectionGround::NotResponsive,
        RejectionGround::CollusionFraudOrBribery,
    ];

    /// Identifier stored in events and shown by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            RejectionGround::MissingSealOrSignature => "missing_seal_or_signature",
            RejectionGround::NoConsortiumAgreement => "no_consortium_agreement",
            RejectionGround::NotQualified => "not_qualified",
            RejectionGround::MultipleBids => "multiple_bids",
            RejectionGround::PriceBelowCostOrAboveCeiling => "price_below_cost_or_above_ceiling",
            RejectionGround::NotResponsive => "not_responsive",
            RejectionGround::CollusionFraudOrBribery => "collusion_fraud_or_bribery",
        }
    }

    /// Parses an identifier.
    pub fn parse(text: &str) -> Option<RejectionGround> {
        RejectionGround::ALL.into_iter().find(|ground| ground.as_str() == text)
    }

    /// The Chinese wording, as in the article, printed in the evaluation report.
    pub fn label(self) -> &'static str {
        match self {
            RejectionGround::MissingSealOrSignature => "投标文件未经投标单位盖章和单位负责人签字",
            RejectionGround::NoConsortiumAgreement => "投标联合体没有提交共同投标协议",
            RejectionGround::NotQualified => "投标人不符合国家或者招标文件规定的资格条件",
            RejectionGround::MultipleBids => {
                "同一投标人提交两个以上不同的投标文件或者投标报价（招标文件要求提交备选投标的除外）"
            }
            RejectionGround::PriceBelowCostOrAboveCeiling => "投标报价低于成本或者高于招标文件设定的最高投标限价",
            RejectionGround::NotResponsive => "投标文件没有对招标文件的实质性要求和条件作出响应",
            RejectionGround::CollusionFraudOrBribery => "投标人有串通投标、弄虚作假、行贿等违法行为",
        }
    }

    /// The legal source, down to the item.
    pub fn article(self) -> &'static str {
        match self {
            RejectionGround::MissingSealOrSignature => "招标投标法实施条例 第五十一条第（一）项",
            RejectionGround::NoConsortiumAgreement => "招标投标法实施条例 第五十一条第（二）项",
            RejectionGround::NotQualified => "招标投标法实施条例 第五十一条第（三）项",
            RejectionGround::MultipleBids => "招标投标法实施条例 第五十一条第（四）项",
            RejectionGround::PriceBelowCostOrAboveCeiling => "招标投标法实施条例 第五十一条第（五）项",
            RejectionGround::NotResponsive => "招标投标法实施条例 第五十一条第（六）项",
            RejectionGround::CollusionFraudOrBribery => "招标投标法实施条例 第五十一条第（七）项",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_round_trip_and_are_unique() {
        for ground in RejectionGround::ALL {
            assert_eq!(RejectionGround::parse(ground.as_str()), Some(ground));
        }
        let mut ids: Vec<&str> = RejectionGround::ALL.iter().map(|ground| ground.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RejectionGround::ALL.len());
        assert_eq!(RejectionGround::parse("below_cost"), None);
    }

    #[test]
    fn articles_follow_the_item_order() {
        let items = ["一", "二", "三", "四", "五", "六", "七"];
        for (ground, item) in RejectionGround::ALL.iter().zip(items) {
            assert_eq!(ground.article(), format!("招标投标法实施条例 第五十一条第（{item}）项"));
        }
    }
}

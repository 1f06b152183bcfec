//! The SME price deduction (价格扣除) of 政府采购促进中小企业发展管理办法 (财库〔2020〕46号) 第九条, with the
//! ranges raised by 财库〔2022〕19号, and its conditions.
//!
//! The documents set one rate for small and micro enterprises and one for consortia and subcontracts,
//! each inside the ruleset's range for the category ([`check_deduction_rates`]). A bid then gets:
//!
//! - the small-and-micro rate, when the bidder is a small or micro enterprise and everything it
//!   delivers is made or provided by small or micro enterprises (declared in 中小企业声明函);
//! - the consortium rate, when a consortium agreement or subcontracting intention gives small and
//!   micro enterprises at least the ruleset's share (30%) of the contract, and none of them is in a
//!   direct control or management relation with another member or the subcontracting enterprise;
//! - nothing, for a medium or large enterprise, or in a lot reserved for SMEs (预留份额: every bidder
//!   there is an SME, so a deduction would change nothing but the scores).
//!
//! The deduction applies to both evaluation methods; the adjusted price sets the base and is scored
//! ([`super::price_score`]).

use super::rules::ProcurementRules;
use super::{AdjustedPrice, ItemCategory};
use crate::Fen;
use crate::ruleset::Rule;

/// The rates the procurement documents set, percent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeductionRates {
    /// For a small or micro enterprise.
    pub small_micro_percent: i64,
    /// For a consortium or subcontract with the required small and micro share.
    pub share_percent: i64,
}

/// What a bidder claims (and the committee has checked against its declaration).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmeClaim {
    /// No claim, or a medium or large enterprise.
    None,
    /// A small or micro enterprise whose goods, works or services all come from small or micro
    /// enterprises.
    SmallMicro,
    /// A consortium or subcontract.
    Share {
        /// Small and micro enterprises' share of the contract, percent.
        small_micro_share_percent: i64,
        /// Whether a small or micro member is in a direct control or management relation with another
        /// member or the subcontracting enterprise (then no deduction).
        related: bool,
    },
}

/// Why deduction rates are refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmeError {
    /// A rate outside the ruleset's range.
    #[error("{category}项目的{kind}价格扣除比例{percent}%不在{min}%至{max}%范围内：请在采购文件中改为该范围内的比例（{article}）", category = .category.label())]
    RateOutOfRange {
        /// The category.
        category: ItemCategory,
        /// Which rate (Chinese).
        kind: &'static str,
        /// The rate given.
        percent: i64,
        /// Range floor.
        min: i64,
        /// Range cap.
        max: i64,
        /// The article.
        article: String,
    },
}

impl SmeError {
    /// Stable error code.
    pub fn code(&self) -> &'static str {
        "sme_deduction_out_of_range"
    }
}

fn ranges(rules: &ProcurementRules, category: ItemCategory) -> [(&'static str, &Rule, &Rule); 2] {
    let sme = &rules.sme;
    match category {
        ItemCategory::Goods | ItemCategory::Services => [
            ("小微企业", &sme.goods_services_min, &sme.goods_services_max),
            ("联合体或者分包", &sme.share_goods_services_min, &sme.share_goods_services_max),
        ],
        ItemCategory::Works => [
            ("小微企业", &sme.works_min, &sme.works_max),
            ("联合体或者分包", &sme.share_works_min, &sme.share_works_max),
        ],
    }
}

/// Checks the documents' rates against the ranges for the category.
///
/// # Errors
/// [`SmeError::RateOutOfRange`] naming the rate, the range and the article.
pub fn check_deduction_rates(
    rules: &ProcurementRules,
    category: ItemCategory,
    rates: DeductionRates,
) -> Result<DeductionRates, SmeError> {
    let [small_micro, share] = ranges(rules, category);
    for ((kind, min, max), percent) in [(small_micro, rates.small_micro_percent), (share, rates.share_percent)] {
        if percent < min.value || percent > max.value {
            return Err(SmeError::RateOutOfRange {
                category,
                kind,
                percent,
                min: min.value,
                max: max.value,
                article: min.source.clone(),
            });
        }
    }
    Ok(rates)
}

/// The deduction a bid gets, percent (0 when none), under checked `rates`.
pub fn sme_deduction(rules: &ProcurementRules, rates: DeductionRates, reserved_for_sme: bool, claim: SmeClaim) -> i64 {
    if reserved_for_sme {
        return 0;
    }
    match claim {
        SmeClaim::None => 0,
        SmeClaim::SmallMicro => rates.small_micro_percent,
        SmeClaim::Share { small_micro_share_percent, related } => {
            if !related && small_micro_share_percent >= rules.sme.share_of_contract_min.value {
                rates.share_percent
            } else {
                0
            }
        }
    }
}

/// The adjusted price of a bid: its price with its deduction.
pub fn adjusted_price(
    rules: &ProcurementRules,
    rates: DeductionRates,
    reserved_for_sme: bool,
    claim: SmeClaim,
    price: Fen,
) -> AdjustedPrice {
    AdjustedPrice { price, deduction_percent: sme_deduction(rules, rates, reserved_for_sme, claim) }
}

/// How much of a purchase is reserved for SMEs (预留份额, 46号 第八条), when it suits them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SmeReservation {
    /// Not reserved: the purchase does not suit SMEs (the purchaser states why).
    None,
    /// Reserved wholly (专门面向中小企业采购): up to the amount of the rule.
    Whole {
        /// The rule (amount and article).
        rule: Rule,
    },
    /// At least a share of the budget reserved.
    Share {
        /// The rule (percent and article).
        rule: Rule,
    },
}

/// The reservation a purchase of `category` at `budget` needs when it suits SMEs (46号 第八条):
/// wholly up to the amount (以下 includes it), a share of the budget above it.
pub fn sme_reservation(
    rules: &ProcurementRules,
    category: ItemCategory,
    budget: Fen,
    suits_smes: bool,
) -> SmeReservation {
    if !suits_smes {
        return SmeReservation::None;
    }
    let sme = &rules.sme;
    let (whole, share) = match category {
        ItemCategory::Goods | ItemCategory::Services => {
            (&sme.reserved_goods_services_max, &sme.reserved_share_goods_services_min)
        }
        ItemCategory::Works => (&sme.reserved_works_max, &sme.reserved_share_works_min),
    };
    if budget.0 <= whole.value {
        SmeReservation::Whole { rule: whole.clone() }
    } else {
        SmeReservation::Share { rule: share.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::super::rules::fixture;
    use super::*;

    #[test]
    fn rates_stay_in_the_ranges_of_the_category() {
        let rules = fixture::rules();
        let rates = |a, b| DeductionRates { small_micro_percent: a, share_percent: b };
        assert!(check_deduction_rates(&rules, ItemCategory::Goods, rates(10, 4)).is_ok());
        assert!(check_deduction_rates(&rules, ItemCategory::Services, rates(20, 6)).is_ok());
        // The 2020 rates (6%, 2%) are below the 2022 floors.
        let old = check_deduction_rates(&rules, ItemCategory::Goods, rates(6, 2)).expect_err("raised by 19号");
        assert_eq!(old.code(), "sme_deduction_out_of_range");
        assert!(old.to_string().contains("10%至20%"), "{old}");
        assert!(check_deduction_rates(&rules, ItemCategory::Works, rates(3, 1)).is_ok());
        assert!(check_deduction_rates(&rules, ItemCategory::Works, rates(10, 1)).is_err());
    }

    #[test]
    fn the_conditions_decide_the_deduction() {
        let rules = fixture::rules();
        let rates = DeductionRates { small_micro_percent: 10, share_percent: 4 };
        assert_eq!(sme_deduction(&rules, rates, false, SmeClaim::SmallMicro), 10);
        assert_eq!(sme_deduction(&rules, rates, true, SmeClaim::SmallMicro), 0, "reserved lot");
        assert_eq!(sme_deduction(&rules, rates, false, SmeClaim::None), 0);
        let share = |percent, related| SmeClaim::Share { small_micro_share_percent: percent, related };
        assert_eq!(sme_deduction(&rules, rates, false, share(30, false)), 4);
        assert_eq!(sme_deduction(&rules, rates, false, share(29, false)), 0);
        assert_eq!(sme_deduction(&rules, rates, false, share(50, true)), 0);
        let reservation = |category, yuan: i64| match sme_reservation(&rules, category, Fen(yuan * 100), true) {
            SmeReservation::Whole { .. } => "whole".to_owned(),
            SmeReservation::Share { rule } => format!("{}%", rule.value),
            SmeReservation::None => "none".to_owned(),
        };
        assert_eq!(reservation(ItemCategory::Goods, 2_000_000), "whole", "200万 itself (以下 includes it)");
        assert_eq!(reservation(ItemCategory::Services, 2_000_001), "30%");
        assert_eq!(reservation(ItemCategory::Works, 4_000_000), "whole");
        assert_eq!(reservation(ItemCategory::Works, 5_000_000), "40%");
        assert_eq!(sme_reservation(&rules, ItemCategory::Goods, Fen(1), false), SmeReservation::None);
        let adjusted = adjusted_price(&rules, rates, false, SmeClaim::SmallMicro, Fen(100_000));
        assert_eq!(adjusted.rounded(), Fen(90_000));
    }
}

//! The price score of comprehensive scoring (综合评分法) in government procurement, and the price
//! weight's statutory range.
//!
//! The formula (87号令 第五十五条; 磋商: 214号 第二十四条) is "low price first":
//!
//! ```text
//! price score = (base / price) × 100 × weight
//! ```
//!
//! where `base` (评标基准价 / 磋商基准价) is the lowest price among the bids that meet the requirements,
//! and every price is the *adjusted* one (after the SME deduction, [`super::sme_deduction`]): the same
//! adjusted prices set the base and are scored. The highest and lowest bids are never dropped.
//!
//! Exact arithmetic: an [`AdjustedPrice`] is kept as `price × (100 − deduction%)` hundredths of a fen,
//! so the deduction is never rounded. The score is `base × weight% × 100 / price` centipoints
//! (hundredths of a point), computed in `i128` and rounded half up once
//! (the evaluation module's one rounding rule). Consequences: the bid at the base gets exactly the
//! weight; no bid gets more; and a lower adjusted price never gets a lower score.

use super::rules::ProcurementRules;
use super::{ItemCategory, ProcurementMethod};
use crate::Fen;
use crate::evaluation::{Centipoints, round_half_up};

/// A price after the SME deduction (价格扣除), kept exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AdjustedPrice {
    /// The price quoted (投标报价 or 最后报价).
    pub price: Fen,
    /// The deduction applied, percent (0 when none).
    pub deduction_percent: i64,
}

impl AdjustedPrice {
    /// A price without deduction.
    pub fn plain(price: Fen) -> AdjustedPrice {
        AdjustedPrice { price, deduction_percent: 0 }
    }

    /// The adjusted price in hundredths of a fen: `price × (100 − deduction%)`, exact.
    pub fn hundredths_of_fen(self) -> i128 {
        i128::from(self.price.0) * (100 - i128::from(self.deduction_percent.clamp(0, 100)))
    }

    /// The adjusted price rounded half up to the fen, for the report (never used to compare or score).
    pub fn rounded(self) -> Fen {
        let rounded = round_half_up(self.hundredths_of_fen(), 100);
        Fen(i64::try_from(rounded).unwrap_or(i64::MAX))
    }
}

/// A price weight that keeps its statutory range: the share of the 100 points the price is worth.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PriceWeight {
    percent: i64,
}

impl PriceWeight {
    /// The weight, percent of the total.
    pub fn percent(self) -> i64 {
        self.percent
    }

    /// The most points the price can earn: the weight as centipoints (30% → 30.00 points).
    pub fn max_points(self) -> Centipoints {
        Centipoints(self.percent * 100)
    }
}

/// What the documents say about price weighting, checked by [`check_price_weight`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WeightSetting {
    /// The method (tender or consultation ranges differ).
    pub method: ProcurementMethod,
    /// What is bought.
    pub category: ItemCategory,
    /// The weight, percent.
    pub percent: i64,
    /// A fixed or state-set price (固定价格、国家统一定价): the price is not scored at all.
    pub fixed_price: bool,
    /// The finance department approved a consultation weight outside the range (214号 第二十四条).
    pub approved_exception: bool,
}

/// Why a price weight is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeightError {
    /// Not a percentage.
    #[error("价格分值比重{percent}%不合理：应为0至100之间的整数，请修改评分办法")]
    OutOfRange {
        /// The weight given.
        percent: i64,
    },
    /// Below the statutory floor.
    #[error("{category}项目的价格分值比重{percent}%低于法定下限{floor}%：请将价格分值比重提高到{floor}%以上（{article}）", category = .category.label())]
    BelowFloor {
        /// The category.
        category: ItemCategory,
        /// The weight given.
        percent: i64,
        /// The floor.
        floor: i64,
        /// The article.
        article: String,
    },
    /// Above the consultation cap without approval.
    #[error("竞争性磋商{category}项目的价格分值比重{percent}%高于{cap}%：请调整到规定范围内，或者取得本级财政部门的同意（{article}）", category = .category.label())]
    AboveCap {
        /// The category.
        category: ItemCategory,
        /// The weight given.
        percent: i64,
        /// The cap.
        cap: i64,
        /// The article.
        article: String,
    },
    /// A fixed-price item with the price scored.
    #[error(
        "执行国家统一定价标准或者采用固定价格采购的项目，价格不列为评审因素：请将价格分值比重设为0（政府采购货物和服务招标投标管理办法（财政部令第87号）第五十五条）"
    )]
    FixedPriceScored,
    /// A method that does not score prices.
    #[error("{}不采用综合评分法，不设价格分值比重", .0.label())]
    NotScored(ProcurementMethod),
}

impl WeightError {
    /// Stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            WeightError::OutOfRange { .. } => "price_weight_invalid",
            WeightError::BelowFloor { .. } => "price_weight_below_floor",
            WeightError::AboveCap { .. } => "price_weight_above_cap",
            WeightError::FixedPriceScored => "price_weight_fixed_price",
            WeightError::NotScored(_) => "price_weight_not_applicable",
        }
    }
}

/// Checks a price weight against the ruleset: tenders have only floors (87号令 第五十五条 sets no upper
/// bound), consultations a range unless the finance department approved otherwise (214号 第二十四条).
/// Works tendered under government procurement follow the tendering law and consultations of works
/// have no range, so only 0..=100 is checked for them.
///
/// # Errors
/// See [`WeightError`].
pub fn check_price_weight(rules: &ProcurementRules, setting: WeightSetting) -> Result<PriceWeight, WeightError> {
    let WeightSetting { method, category, percent, fixed_price, approved_exception } = setting;
    if !(0..=100).contains(&percent) {
        return Err(WeightError::OutOfRange { percent });
    }
    if fixed_price {
        return if percent == 0 { Ok(PriceWeight { percent }) } else { Err(WeightError::FixedPriceScored) };
    }
    let weights = &rules.price_weights;
    let (floor, cap) = match (method, category) {
        (ProcurementMethod::OpenTender | ProcurementMethod::InvitedTender, ItemCategory::Goods) => {
            (Some(&weights.goods_min), None)
        }
        (ProcurementMethod::OpenTender | ProcurementMethod::InvitedTender, ItemCategory::Services) => {
            (Some(&weights.services_min), None)
        }
        (ProcurementMethod::CompetitiveConsultation, ItemCategory::Goods) => {
            (Some(&weights.consultation_goods_min), Some(&weights.consultation_goods_max))
        }
        (ProcurementMethod::CompetitiveConsultation, ItemCategory::Services) => {
            (Some(&weights.consultation_services_min), Some(&weights.consultation_services_max))
        }
        (ProcurementMethod::OpenTender | ProcurementMethod::InvitedTender, ItemCategory::Works)
        | (ProcurementMethod::CompetitiveConsultation, ItemCategory::Works)
        | (ProcurementMethod::FrameworkAgreement, _) => (None, None),
        (
            ProcurementMethod::CompetitiveNegotiation | ProcurementMethod::Inquiry | ProcurementMethod::SingleSource,
            _,
        ) => return Err(WeightError::NotScored(method)),
    };
    let exempt = approved_exception && method == ProcurementMethod::CompetitiveConsultation;
    if let Some(floor) = floor.filter(|floor| percent < floor.value && !exempt) {
        return Err(WeightError::BelowFloor { category, percent, floor: floor.value, article: floor.source.clone() });
    }
    if let Some(cap) = cap.filter(|cap| percent > cap.value && !exempt) {
        return Err(WeightError::AboveCap { category, percent, cap: cap.value, article: cap.source.clone() });
    }
    Ok(PriceWeight { percent })
}

/// The base price (评标基准价): the lowest adjusted price of the bids that meet the requirements;
/// `None` without a positive one.
pub fn base_price(prices: &[AdjustedPrice]) -> Option<AdjustedPrice> {
    prices.iter().copied().filter(|price| price.hundredths_of_fen() > 0).min_by_key(|price| price.hundredths_of_fen())
}

/// The price score of `price` against `base` (see the module documentation). `None` when a price is
/// not positive or `price` is below `base` (the base is the lowest, so that is a caller's error).
pub fn price_score(base: AdjustedPrice, price: AdjustedPrice, weight: PriceWeight) -> Option<Centipoints> {
    let (base, price) = (base.hundredths_of_fen(), price.hundredths_of_fen());
    if base <= 0 || price < base {
        return None;
    }
    // (base / price) × weight points, in centipoints: base × weight% × 100 / price.
    let scaled = base.checked_mul(i128::from(weight.percent))?.checked_mul(100)?;
    i64::try_from(round_half_up(scaled, price)).ok().map(Centipoints)
}

/// The price scores of all `prices` (the adjusted prices of the bids that meet the requirements), in
/// input order; `None` if there is no positive price to set the base or a price is not positive.
pub fn price_scores(prices: &[AdjustedPrice], weight: PriceWeight) -> Option<Vec<Centipoints>> {
    let base = base_price(prices)?;
    prices.iter().map(|&price| price_score(base, price, weight)).collect()
}

#[cfg(test)]
mod tests {
    use super::super::rules::fixture;
    use super::*;

    fn setting(method: ProcurementMethod, category: ItemCategory, percent: i64) -> WeightSetting {
        WeightSetting { method, category, percent, fixed_price: false, approved_exception: false }
    }

    #[test]
    fn weight_floors_and_consultation_ranges() {
        let rules = fixture::rules();
        let check = |s| check_price_weight(&rules, s);
        use ItemCategory::{Goods, Services};
        use ProcurementMethod::{CompetitiveConsultation as Cc, OpenTender as Ot};
        assert!(check(setting(Ot, Goods, 30)).is_ok());
        assert!(check(setting(Ot, Goods, 90)).is_ok(), "87号令 sets no upper bound");
        let low = check(setting(Ot, Goods, 29)).expect_err("below 30%");
        assert_eq!(low.code(), "price_weight_below_floor");
        assert!(low.to_string().contains("第五十五条"), "{low}");
        assert!(check(setting(Ot, Services, 10)).is_ok());
        assert!(check(setting(Ot, Services, 9)).is_err());
        assert_eq!(check(setting(Cc, Goods, 61)).map_err(|e| e.code()), Err("price_weight_above_cap"));
        assert_eq!(check(setting(Cc, Services, 31)).map_err(|e| e.code()), Err("price_weight_above_cap"));
        assert!(check(setting(Cc, Services, 30)).is_ok());
        assert!(check(WeightSetting { approved_exception: true, ..setting(Cc, Services, 40) }).is_ok());
        assert!(
            check(WeightSetting { approved_exception: true, ..setting(Ot, Goods, 20) }).is_err(),
            "tenders have no exception"
        );
        assert_eq!(
            check(WeightSetting { fixed_price: true, ..setting(Ot, Goods, 30) }).map_err(|e| e.code()),
            Err("price_weight_fixed_price")
        );
        assert!(check(WeightSetting { fixed_price: true, ..setting(Ot, Goods, 0) }).is_ok());
        assert_eq!(
            check(setting(ProcurementMethod::Inquiry, Goods, 30)).map_err(|e| e.code()),
            Err("price_weight_not_applicable")
        );
        assert_eq!(check(setting(Ot, Goods, 101)).map_err(|e| e.code()), Err("price_weight_invalid"));
    }

    #[test]
    fn scores_by_the_statutory_formula() {
        // Weight 30%. Prices 80, 100, 120 万元, no deduction: base 80万.
        // 80/80 × 30 = 30.00; 80/100 × 30 = 24.00; 80/120 × 30 = 20.00.
        let weight = PriceWeight { percent: 30 };
        let prices: Vec<AdjustedPrice> =
            [80, 100, 120].iter().map(|&wan| AdjustedPrice::plain(Fen(wan * 1_000_000))).collect();
        assert_eq!(price_scores(&prices, weight), Some(vec![Centipoints(3000), Centipoints(2400), Centipoints(2000)]));
        // 80/90 × 30 = 26.666… → 26.67 (half up at the hundredth).
        let base = AdjustedPrice::plain(Fen(80));
        assert_eq!(price_score(base, AdjustedPrice::plain(Fen(90)), weight), Some(Centipoints(2667)));
        assert_eq!(price_score(base, AdjustedPrice::plain(Fen(70)), weight), None, "below the base");
        assert_eq!(price_scores(&[], weight), None);
        // 10% deduction of 100 元 is exactly 90 元 (9000 hundredths of a fen × 100).
        let deducted = AdjustedPrice { price: Fen(10_000), deduction_percent: 10 };
        assert_eq!(deducted.hundredths_of_fen(), 900_000);
        assert_eq!(deducted.rounded(), Fen(9_000));
        assert_eq!(AdjustedPrice { price: Fen(1), deduction_percent: 15 }.rounded(), Fen(1), "0.85 fen rounds to 1");
    }
}

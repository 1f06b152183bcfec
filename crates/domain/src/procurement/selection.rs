//! Which methods a purchase may use (RULES.md §2.1): by category, by budget against the thresholds
//! of the pinned ruleset (central, or the province's), and by the grounds the purchaser states.
//!
//! The decision never silently allows a method the thresholds forbid: a method other than open tender
//! at or above the open-tender threshold comes back with [`Requirement::PriorApproval`]
//! (政府采购法 第二十七条; 条例 第二十三条), which the procedure must satisfy before it starts.

use super::rules::ProcurementRules;
use super::{Ground, GroundLine, ItemCategory, ProcurementMethod};
use crate::Fen;
use crate::ruleset::Rule;

const APPROVAL_SOURCE: &str = "政府采购法 第二十七条；政府采购法实施条例 第二十三条";
const AFTER_FAILURE_SOURCE: &str = "政府采购法 第三十七条";
const WORKS_INVITATION_SOURCE: &str = "招标投标法实施条例 第八条";
const WORKS_METHODS_SOURCE: &str =
    "政府采购法实施条例 第二十五条；政府采购竞争性磋商采购方式管理暂行办法（财库〔2014〕214号）第三条第（五）项";

/// What a method needs before the procedure may start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Requirement {
    /// Approval of the finance department at prefecture level or above before procurement starts.
    PriorApproval {
        /// The article.
        source: &'static str,
    },
    /// Publicity of the single-source justification and the supplier's name for at least the rule's
    /// working days, with objections heard (条例 第三十八条).
    SingleSourcePublicity {
        /// The rule (period and article).
        rule: Rule,
    },
}

/// Whether the purchase is government procurement by amount (政府采购法 第二条).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// At or above the decentralised-procurement limit (分散采购限额标准).
    AboveLimit,
    /// Below it: government procurement only if the item is in the centralised catalogue.
    BelowLimitCatalogueOnly,
}

/// An add-on purchase from the original supplier (政府采购法 第三十一条第（三）项).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AddOn {
    /// The original contract's amount.
    pub original_contract: Fen,
    /// All add-ons to it, this one included.
    pub add_ons_total: Fen,
}

/// What the purchaser asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MethodRequest {
    /// The method.
    pub method: ProcurementMethod,
    /// What is bought.
    pub category: ItemCategory,
    /// The budget (采购预算).
    pub budget: Fen,
    /// The grounds stated (none for open tender).
    pub grounds: Vec<Ground>,
    /// Amounts of an add-on purchase, required with [`Ground::AddOnPurchase`].
    pub add_on: Option<AddOn>,
}

/// The method allowed, with what it needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MethodDecision {
    /// The method.
    pub method: ProcurementMethod,
    /// The grounds relied on, with their articles.
    pub grounds: Vec<&'static GroundLine>,
    /// What must happen before the procedure starts.
    pub requirements: Vec<Requirement>,
    /// Whether the budget reaches the open-tender threshold.
    pub above_open_tender_threshold: bool,
    /// Whether the amount alone makes it government procurement.
    pub scope: Scope,
}

impl MethodDecision {
    /// Whether prior approval is required.
    pub fn needs_approval(&self) -> bool {
        self.requirements.iter().any(|requirement| matches!(requirement, Requirement::PriorApproval { .. }))
    }
}

/// Why a method is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MethodError {
    /// A budget of zero or less.
    #[error("采购预算应大于0元，请填写采购项目的预算金额（政府采购法实施条例 第三十条）")]
    BudgetNotPositive,
    /// The method cannot buy this category.
    #[error("{}不适用于{}采购项目，请改用其他采购方式（{article}）", .method.label(), .category.label())]
    NotForCategory {
        /// The method.
        method: ProcurementMethod,
        /// The category.
        category: ItemCategory,
        /// The article.
        article: &'static str,
    },
    /// Works at or above the tendering threshold must be tendered.
    #[error("工程预算{budget}元达到招标规模标准{threshold}元，应当依法招标，不能采用{}；请改用公开招标或者邀请招标（{article}；{WORKS_METHODS_SOURCE}）", .method.label())]
    WorksMustBeTendered {
        /// The method asked for.
        method: ProcurementMethod,
        /// The budget.
        budget: Fen,
        /// The threshold.
        threshold: Fen,
        /// The threshold rule's article.
        article: String,
    },
    /// A method other than open tender without a ground.
    #[error("采用{}应当说明适用情形：请从以下情形中选择：{}", .method.label(), ground_labels(*.method))]
    GroundMissing {
        /// The method.
        method: ProcurementMethod,
    },
    /// A ground of another method.
    #[error("适用情形“{}”属于{}，不能作为{}的依据（{}）；请选择{}的适用情形", .ground.line().label, .ground.method().label(), .method.label(), .ground.source(), .method.label())]
    GroundNotForMethod {
        /// The ground.
        ground: Ground,
        /// The method asked for.
        method: ProcurementMethod,
    },
    /// A ground that does not fit the category.
    #[error("适用情形“{}”不适用于{}采购项目（{}）；请选择其他适用情形", .ground.line().label, .category.label(), .ground.source())]
    GroundNotForCategory {
        /// The ground.
        ground: Ground,
        /// The category.
        category: ItemCategory,
    },
    /// An add-on purchase without its amounts.
    #[error("以添购为由采用单一来源方式的，请填写原合同金额和添购资金总额（政府采购法 第三十一条第（三）项）")]
    AddOnMissing,
    /// Add-ons above the cap.
    #[error(
        "添购资金总额{add_ons_total}元超过原合同金额{original_contract}元的{percent}%，不能以添购为由采用单一来源方式；请减少添购金额或者另行采购（{article}）"
    )]
    AddOnAboveCap {
        /// The add-ons.
        add_ons_total: Fen,
        /// The original contract.
        original_contract: Fen,
        /// The cap, percent.
        percent: i64,
        /// The article.
        article: String,
    },
}

fn ground_labels(method: ProcurementMethod) -> String {
    let labels: Vec<String> =
        Ground::of(method).map(|ground| format!("{}（{}）", ground.line().label, ground.source())).collect();
    labels.join("；")
}

impl MethodError {
    /// Stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            MethodError::BudgetNotPositive => "procurement_budget_invalid",
            MethodError::NotForCategory { .. } => "method_not_for_category",
            MethodError::WorksMustBeTendered { .. } => "method_not_allowed_for_amount",
            MethodError::GroundMissing { .. } => "method_ground_missing",
            MethodError::GroundNotForMethod { .. } | MethodError::GroundNotForCategory { .. } => {
                "method_ground_mismatch"
            }
            MethodError::AddOnMissing => "add_on_amounts_missing",
            MethodError::AddOnAboveCap { .. } => "add_on_above_cap",
        }
    }
}

/// The open-tender threshold rule for a category.
pub fn open_tender_threshold(rules: &ProcurementRules, category: ItemCategory) -> &Rule {
    match category {
        ItemCategory::Goods | ItemCategory::Services => &rules.thresholds.open_tender_goods_services,
        ItemCategory::Works => &rules.thresholds.open_tender_works,
    }
}

fn decentralised_limit(rules: &ProcurementRules, category: ItemCategory) -> &Rule {
    match category {
        ItemCategory::Goods | ItemCategory::Services => &rules.thresholds.decentralised_goods_services,
        ItemCategory::Works => &rules.thresholds.decentralised_works,
    }
}

/// Whether the method may buy the category at all (without looking at grounds or amounts).
fn category_check(method: ProcurementMethod, category: ItemCategory) -> Result<(), MethodError> {
    let refuse = |article| Err(MethodError::NotForCategory { method, category, article });
    match (method, category) {
        (ProcurementMethod::Inquiry, ItemCategory::Services | ItemCategory::Works) => {
            refuse("政府采购法 第三十二条；政府采购非招标采购方式管理办法（财政部令第74号）第三条")
        }
        (ProcurementMethod::FrameworkAgreement, ItemCategory::Works) => {
            refuse("政府采购框架协议采购方式管理暂行办法（财政部令第110号）第三条")
        }
        _ => Ok(()),
    }
}

/// The requirements a method has at a budget, grounds aside.
fn requirements(
    rules: &ProcurementRules,
    method: ProcurementMethod,
    category: ItemCategory,
    above_threshold: bool,
    grounds: &[Ground],
) -> Vec<Requirement> {
    let mut out = Vec::new();
    if above_threshold && method != ProcurementMethod::OpenTender {
        // Invited tender of works is authorised under the tendering law, not by the finance
        // department; it is still an approval that must come first.
        let source = if category == ItemCategory::Works && method == ProcurementMethod::InvitedTender {
            WORKS_INVITATION_SOURCE
        } else {
            APPROVAL_SOURCE
        };
        out.push(Requirement::PriorApproval { source });
    } else if grounds.contains(&Ground::TenderFailed) {
        // 政府采购法 第三十七条: after a failed tender, any other method needs approval, whatever the
        // amount.
        out.push(Requirement::PriorApproval { source: AFTER_FAILURE_SOURCE });
    }
    if above_threshold && method == ProcurementMethod::SingleSource && grounds.contains(&Ground::SoleSupplier) {
        out.push(Requirement::SingleSourcePublicity { rule: rules.single_source_publicity.clone() });
    }
    out
}

/// Decides whether `request` may go ahead, and with what requirements.
///
/// # Errors
/// A non-positive budget, a method that cannot buy the category, untendered works at or above the
/// tendering threshold, a missing or wrong ground, or an add-on purchase beyond its cap.
pub fn decide_method(rules: &ProcurementRules, request: &MethodRequest) -> Result<MethodDecision, MethodError> {
    let MethodRequest { method, category, budget, .. } = *request;
    if budget.0 <= 0 {
        return Err(MethodError::BudgetNotPositive);
    }
    category_check(method, category)?;
    let threshold = open_tender_threshold(rules, category);
    let above_threshold = budget.0 >= threshold.value;
    // 条例 第二十五条: works that are not tendered use negotiation or single source (214号 adds
    // consultation); works the tendering law requires to be tendered cannot use them at all.
    if category == ItemCategory::Works && above_threshold && !method.is_tender() {
        return Err(MethodError::WorksMustBeTendered {
            method,
            budget,
            threshold: Fen(threshold.value),
            article: threshold.source.clone(),
        });
    }
    let mut grounds = Vec::with_capacity(request.grounds.len());
    if method != ProcurementMethod::OpenTender {
        if request.grounds.is_empty() {
            return Err(MethodError::GroundMissing { method });
        }
        for &ground in &request.grounds {
            check_ground(rules, request, ground)?;
            grounds.push(ground.line());
        }
    }
    let scope = if budget.0 >= decentralised_limit(rules, category).value {
        Scope::AboveLimit
    } else {
        Scope::BelowLimitCatalogueOnly
    };
    Ok(MethodDecision {
        method,
        grounds,
        requirements: requirements(rules, method, category, above_threshold, &request.grounds),
        above_open_tender_threshold: above_threshold,
        scope,
    })
}

/// Whether a ground can apply to the category: some grounds name what is bought (standardised goods,
/// purchased services, untendered works).
fn ground_fits(ground: Ground, category: ItemCategory) -> bool {
    match ground {
        Ground::StandardGoods => category == ItemCategory::Goods,
        Ground::PurchasedServices | Ground::FrameworkConsultingServices | Ground::FrameworkServiceChoice => {
            category == ItemCategory::Services
        }
        Ground::UntenderedWorks => category == ItemCategory::Works,
        _ => true,
    }
}

fn check_ground(rules: &ProcurementRules, request: &MethodRequest, ground: Ground) -> Result<(), MethodError> {
    if ground.method() != request.method {
        return Err(MethodError::GroundNotForMethod { ground, method: request.method });
    }
    if !ground_fits(ground, request.category) {
        return Err(MethodError::GroundNotForCategory { ground, category: request.category });
    }
    if ground == Ground::AddOnPurchase {
        let add_on = request.add_on.ok_or(MethodError::AddOnMissing)?;
        let cap = &rules.single_source_add_on_max;
        // Exact: add_ons × 100 ≤ original × percent, in i128 so no product overflows.
        let within =
            i128::from(add_on.add_ons_total.0) * 100 <= i128::from(add_on.original_contract.0) * i128::from(cap.value);
        if add_on.add_ons_total.0 < 0 || !within {
            return Err(MethodError::AddOnAboveCap {
                add_ons_total: add_on.add_ons_total,
                original_contract: add_on.original_contract,
                percent: cap.value,
                article: cap.source.clone(),
            });
        }
    }
    Ok(())
}

/// One method a purchase may consider, with what it would need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MethodOption {
    /// The method.
    pub method: ProcurementMethod,
    /// What it would need (besides one of its grounds).
    pub requirements: Vec<Requirement>,
    /// The grounds that fit the category (empty for open tender).
    pub grounds: Vec<Ground>,
}

/// The methods a purchase of `category` at `budget` may consider, each with the requirements it
/// would have and its grounds. A non-open method at or above the open-tender threshold is listed
/// only with [`Requirement::PriorApproval`].
pub fn method_options(rules: &ProcurementRules, category: ItemCategory, budget: Fen) -> Vec<MethodOption> {
    let threshold = open_tender_threshold(rules, category);
    let above_threshold = budget.0 >= threshold.value;
    let mut options = Vec::new();
    for method in ProcurementMethod::ALL {
        if category_check(method, category).is_err() {
            continue;
        }
        if category == ItemCategory::Works && above_threshold && !method.is_tender() {
            continue;
        }
        let grounds: Vec<Ground> = Ground::of(method).filter(|&ground| ground_fits(ground, category)).collect();
        if method != ProcurementMethod::OpenTender && grounds.is_empty() {
            continue;
        }
        // Publicity depends on the ground chosen; the option lists what every ground needs.
        let requirements = requirements(rules, method, category, above_threshold, &[]);
        options.push(MethodOption { method, requirements, grounds });
    }
    options
}

#[cfg(test)]
mod tests {
    use super::super::rules::fixture;
    use super::*;

    fn request(method: ProcurementMethod, category: ItemCategory, yuan: i64, grounds: &[Ground]) -> MethodRequest {
        MethodRequest { method, category, budget: Fen(yuan * 100), grounds: grounds.to_vec(), add_on: None }
    }

    #[test]
    fn open_tender_needs_no_ground_and_no_approval() {
        let rules = fixture::rules();
        let decision =
            decide_method(&rules, &request(ProcurementMethod::OpenTender, ItemCategory::Goods, 3_000_000, &[]))
                .expect("open tender is always allowed");
        assert!(decision.requirements.is_empty());
        assert!(decision.above_open_tender_threshold);
    }

    #[test]
    fn a_non_open_method_above_the_threshold_needs_prior_approval() {
        let rules = fixture::rules();
        // 200万 is the threshold itself (以上 includes it): approval needed; 199.99万 is below.
        let at = request(ProcurementMethod::CompetitiveNegotiation, ItemCategory::Goods, 2_000_000, &[Ground::Urgency]);
        let decision = decide_method(&rules, &at).expect("allowed with approval");
        assert!(decision.needs_approval());
        let below = MethodRequest { budget: Fen(199_999_999), ..at };
        assert!(!decide_method(&rules, &below).expect("allowed").needs_approval());
        // After a failed tender another method needs approval at any amount (政府采购法 第三十七条).
        let after_failure = MethodRequest { grounds: vec![Ground::TenderFailed], ..below };
        let decision = decide_method(&rules, &after_failure).expect("allowed with approval");
        assert_eq!(decision.requirements, vec![Requirement::PriorApproval { source: "政府采购法 第三十七条" }]);
        // Sole supplier above the threshold: publicity of 5 WD as well (条例 第三十八条).
        let sole = request(ProcurementMethod::SingleSource, ItemCategory::Services, 5_000_000, &[Ground::SoleSupplier]);
        let decision = decide_method(&rules, &sole).expect("allowed");
        assert!(
            decision
                .requirements
                .iter()
                .any(|r| matches!(r, Requirement::SingleSourcePublicity { rule } if rule.value == 5))
        );
    }

    #[test]
    fn refusals_say_what_to_fix() {
        let rules = fixture::rules();
        let refused = |r: MethodRequest| decide_method(&rules, &r).expect_err("refused");
        let e = refused(request(ProcurementMethod::Inquiry, ItemCategory::Services, 500_000, &[Ground::StandardGoods]));
        assert_eq!(e.code(), "method_not_for_category");
        assert!(e.to_string().contains("第三十二条"));
        let e = refused(request(
            ProcurementMethod::CompetitiveNegotiation,
            ItemCategory::Works,
            5_000_000,
            &[Ground::Urgency],
        ));
        assert_eq!(e.code(), "method_not_allowed_for_amount");
        assert!(e.to_string().contains("4,000,000.00"), "{e}");
        let e = refused(request(ProcurementMethod::InvitedTender, ItemCategory::Goods, 500_000, &[]));
        assert_eq!(e.code(), "method_ground_missing");
        assert!(e.to_string().contains("第二十九条第（一）项"));
        let e = refused(request(ProcurementMethod::InvitedTender, ItemCategory::Goods, 500_000, &[Ground::Urgency]));
        assert_eq!(e.code(), "method_ground_mismatch");
        let e =
            refused(request(ProcurementMethod::SingleSource, ItemCategory::Goods, 500_000, &[Ground::AddOnPurchase]));
        assert_eq!(e.code(), "add_on_amounts_missing");
        let mut add_on =
            request(ProcurementMethod::SingleSource, ItemCategory::Goods, 500_000, &[Ground::AddOnPurchase]);
        // 10% of 1 000 000 元 is 100 000 元: exactly that is allowed, one fen more is not.
        add_on.add_on = Some(AddOn { original_contract: Fen(100_000_000), add_ons_total: Fen(10_000_000) });
        assert!(decide_method(&rules, &add_on).is_ok());
        add_on.add_on = Some(AddOn { original_contract: Fen(100_000_000), add_ons_total: Fen(10_000_001) });
        assert_eq!(refused(add_on).code(), "add_on_above_cap");
        assert_eq!(
            refused(request(ProcurementMethod::OpenTender, ItemCategory::Goods, 0, &[])).code(),
            "procurement_budget_invalid"
        );
    }

    #[test]
    fn options_follow_category_and_amount() {
        let rules = fixture::rules();
        let methods = |category, yuan: i64| -> Vec<ProcurementMethod> {
            method_options(&rules, category, Fen(yuan * 100)).into_iter().map(|o| o.method).collect()
        };
        assert!(methods(ItemCategory::Goods, 500_000).contains(&ProcurementMethod::Inquiry));
        assert!(!methods(ItemCategory::Services, 500_000).contains(&ProcurementMethod::Inquiry));
        assert_eq!(
            methods(ItemCategory::Works, 5_000_000),
            vec![ProcurementMethod::OpenTender, ProcurementMethod::InvitedTender]
        );
        assert!(methods(ItemCategory::Works, 1_500_000).contains(&ProcurementMethod::CompetitiveConsultation));
        for option in method_options(&rules, ItemCategory::Goods, Fen(300_000_000)) {
            let approval = option.requirements.iter().any(|r| matches!(r, Requirement::PriorApproval { .. }));
            assert_eq!(approval, option.method != ProcurementMethod::OpenTender, "{option:?}");
        }
    }
}

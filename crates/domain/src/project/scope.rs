//! Whether a project must be tendered (依法必须招标, RULES.md §1.1): its categories under 招标投标法
//! 第三条, the state-funding test and the contract-value thresholds of 必须招标的工程项目规定 (发改委令
//! 第16号), aggregation against splitting (招标投标法 第四条), and the exemptions of 招标投标法 第六十六条
//! and 实施条例 第九条.

use crate::Fen;

/// What kind of procurement a package is (实施条例 第二条: works, and the goods and services tied
/// to them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContractKind {
    /// 施工: building works, including renovation, demolition and repair.
    Works,
    /// 重要设备、材料: goods that are an inseparable part of the works.
    Goods,
    /// 勘察: survey.
    Survey,
    /// 设计: design.
    Design,
    /// 监理: supervision.
    Supervision,
}

/// Which threshold a kind is measured against: services share one (16号令 第五条第（三）项).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ThresholdClass {
    /// Works.
    Works,
    /// Goods.
    Goods,
    /// Survey, design, supervision and similar services.
    Services,
}

impl ThresholdClass {
    /// Identifier used by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ThresholdClass::Works => "works",
            ThresholdClass::Goods => "goods",
            ThresholdClass::Services => "services",
        }
    }
}

impl ContractKind {
    /// Every kind.
    pub const ALL: [ContractKind; 5] = [
        ContractKind::Works,
        ContractKind::Goods,
        ContractKind::Survey,
        ContractKind::Design,
        ContractKind::Supervision,
    ];

    /// Identifier used by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ContractKind::Works => "works",
            ContractKind::Goods => "goods",
            ContractKind::Survey => "survey",
            ContractKind::Design => "design",
            ContractKind::Supervision => "supervision",
        }
    }

    /// Parses an identifier.
    pub fn parse(text: &str) -> Option<ContractKind> {
        ContractKind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            ContractKind::Works => "施工",
            ContractKind::Goods => "重要设备、材料",
            ContractKind::Survey => "勘察",
            ContractKind::Design => "设计",
            ContractKind::Supervision => "监理",
        }
    }

    /// The threshold it is measured against.
    pub fn class(self) -> ThresholdClass {
        match self {
            ContractKind::Works => ThresholdClass::Works,
            ContractKind::Goods => ThresholdClass::Goods,
            ContractKind::Survey | ContractKind::Design | ContractKind::Supervision => ThresholdClass::Services,
        }
    }
}

/// A ground on which a project need not be tendered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExemptionGround {
    /// 涉及国家安全.
    NationalSecurity,
    /// 涉及国家秘密.
    StateSecret,
    /// 抢险救灾.
    EmergencyRelief,
    /// 利用扶贫资金实行以工代赈、需要使用农民工.
    WorkForRelief,
    /// 需要采用不可替代的专利或者专有技术.
    IrreplaceablePatent,
    /// 采购人依法能够自行建设、生产或者提供.
    SelfSupply,
    /// 已通过招标方式选定的特许经营项目投资人依法能够自行建设、生产或者提供.
    ConcessionInvestor,
    /// 需要向原中标人采购工程、货物或者服务，否则将影响施工或者功能配套要求.
    CompatibilityAddOn,
}

impl ExemptionGround {
    /// Every ground.
    pub const ALL: [ExemptionGround; 8] = [
        ExemptionGround::NationalSecurity,
        ExemptionGround::StateSecret,
        ExemptionGround::EmergencyRelief,
        ExemptionGround::WorkForRelief,
        ExemptionGround::IrreplaceablePatent,
        ExemptionGround::SelfSupply,
        ExemptionGround::ConcessionInvestor,
        ExemptionGround::CompatibilityAddOn,
    ];

    /// Identifier used by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ExemptionGround::NationalSecurity => "national_security",
            ExemptionGround::StateSecret => "state_secret",
            ExemptionGround::EmergencyRelief => "emergency_relief",
            ExemptionGround::WorkForRelief => "work_for_relief",
            ExemptionGround::IrreplaceablePatent => "irreplaceable_patent",
            ExemptionGround::SelfSupply => "self_supply",
            ExemptionGround::ConcessionInvestor => "concession_investor",
            ExemptionGround::CompatibilityAddOn => "compatibility_add_on",
        }
    }

    /// Parses an identifier.
    pub fn parse(text: &str) -> Option<ExemptionGround> {
        ExemptionGround::ALL.into_iter().find(|ground| ground.as_str() == text)
    }

    /// The statute's words.
    pub fn label(self) -> &'static str {
        match self {
            ExemptionGround::NationalSecurity => "涉及国家安全",
            ExemptionGround::StateSecret => "涉及国家秘密",
            ExemptionGround::EmergencyRelief => "抢险救灾",
            ExemptionGround::WorkForRelief => "利用扶贫资金实行以工代赈、需要使用农民工",
            ExemptionGround::IrreplaceablePatent => "需要采用不可替代的专利或者专有技术",
            ExemptionGround::SelfSupply => "采购人依法能够自行建设、生产或者提供",
            ExemptionGround::ConcessionInvestor => {
                "已通过招标方式选定的特许经营项目投资人依法能够自行建设、生产或者提供"
            }
            ExemptionGround::CompatibilityAddOn => {
                "需要向原中标人采购工程、货物或者服务，否则将影响施工或者功能配套要求"
            }
        }
    }

    /// The article that grants it. Faking a 第九条 ground is itself avoidance of tendering (第九条
    /// 第二款, 招标投标法 第四条), so the ground is recorded with the justification given.
    pub fn source(self) -> &'static str {
        match self {
            ExemptionGround::NationalSecurity
            | ExemptionGround::StateSecret
            | ExemptionGround::EmergencyRelief
            | ExemptionGround::WorkForRelief => "招标投标法 第六十六条",
            ExemptionGround::IrreplaceablePatent => "招标投标法实施条例 第九条第（一）项",
            ExemptionGround::SelfSupply => "招标投标法实施条例 第九条第（二）项",
            ExemptionGround::ConcessionInvestor => "招标投标法实施条例 第九条第（三）项",
            ExemptionGround::CompatibilityAddOn => "招标投标法实施条例 第九条第（四）项",
        }
    }
}

/// The facts of a project that decide whether it must be tendered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopeFacts {
    /// 大型基础设施、公用事业等关系社会公共利益、公众安全的项目 (招标投标法 第三条第（一）项).
    pub public_interest: bool,
    /// 使用国际组织或者外国政府贷款、援助资金 (第三条第（三）项).
    pub foreign_loan_or_aid: bool,
    /// Total investment.
    pub total_investment: Fen,
    /// Budget funds (预算资金) in it.
    pub state_budget_funds: Fen,
    /// Funds of state-owned enterprises or institutions hold a controlling or leading position
    /// (国有企业事业单位资金占控股或者主导地位, 16号令 第二条第（二）项).
    pub state_controlled: bool,
    /// The procurement packages of the project, each with its estimate.
    pub packages: Vec<(ContractKind, Fen)>,
    /// A claimed exemption.
    pub exemption: Option<ExemptionGround>,
}

/// The statutory figures the assessment needs, from the pinned ruleset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScopeThresholds {
    /// `state_budget_funds_fen_min`.
    pub state_budget_funds_min: Fen,
    /// `state_budget_funds_percent_min`.
    pub state_budget_funds_percent_min: i64,
    /// `must_tender_works_fen_min`.
    pub works_min: Fen,
    /// `must_tender_goods_fen_min`.
    pub goods_min: Fen,
    /// `must_tender_services_fen_min`.
    pub services_min: Fen,
}

impl ScopeThresholds {
    fn of(&self, class: ThresholdClass) -> Fen {
        match class {
            ThresholdClass::Works => self.works_min,
            ThresholdClass::Goods => self.goods_min,
            ThresholdClass::Services => self.services_min,
        }
    }
}

/// Why a category of 招标投标法 第三条 applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    /// 第三条第（一）项.
    PublicInterest,
    /// 第三条第（二）项: budget funds at or above both figures (16号令 第二条第（一）项).
    StateBudgetFunded,
    /// 第三条第（二）项: state-controlled funds (16号令 第二条第（二）项).
    StateControlled,
    /// 第三条第（三）项.
    ForeignLoanOrAid,
}

impl Category {
    /// Identifier used by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::PublicInterest => "public_interest",
            Category::StateBudgetFunded => "state_budget_funded",
            Category::StateControlled => "state_controlled",
            Category::ForeignLoanOrAid => "foreign_loan_or_aid",
        }
    }

    /// The article.
    pub fn source(self) -> &'static str {
        match self {
            Category::PublicInterest => "招标投标法 第三条第（一）项",
            Category::StateBudgetFunded => "招标投标法 第三条第（二）项；必须招标的工程项目规定 第二条第（一）项",
            Category::StateControlled => "招标投标法 第三条第（二）项；必须招标的工程项目规定 第二条第（二）项",
            Category::ForeignLoanOrAid => "招标投标法 第三条第（三）项",
        }
    }
}

/// The verdict for one threshold class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassVerdict {
    /// The class.
    pub class: ThresholdClass,
    /// The estimates of all the project's packages in it, summed: packages that could be procured
    /// together count together, so splitting does not escape the threshold (招标投标法 第四条; 16号令
    /// 第五条第二款).
    pub aggregate: Fen,
    /// The threshold.
    pub threshold: Fen,
    /// Whether its packages must be tendered.
    pub must_tender: bool,
}

/// Whether and what the project must tender.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopeAssessment {
    /// The categories of 第三条 that apply (none: the law does not require tendering).
    pub categories: Vec<Category>,
    /// The exemption, if claimed: it lifts the duty for the whole project.
    pub exemption: Option<ExemptionGround>,
    /// One verdict per class the project has packages in.
    pub classes: Vec<ClassVerdict>,
}

impl ScopeAssessment {
    /// Whether any package must be tendered (依法必须进行招标的项目).
    pub fn must_tender(&self) -> bool {
        self.classes.iter().any(|class| class.must_tender)
    }

    /// Whether state funds control or lead the project, so that a tender must be open (实施条例
    /// 第八条) and the first candidate wins (第五十五条).
    pub fn state_funded(&self) -> bool {
        self.categories.iter().any(|c| matches!(c, Category::StateBudgetFunded | Category::StateControlled))
    }
}

/// Why the facts cannot be assessed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    /// No packages.
    #[error("至少登记一个采购内容（施工、货物或勘察、设计、监理服务）及其合同估算价")]
    NoPackages,
    /// A negative or zero amount.
    #[error("{what}须大于0元")]
    NotPositive {
        /// The amount's name.
        what: &'static str,
    },
    /// Budget funds above the total.
    #[error("预算资金不能超过项目总投资")]
    BudgetAboveTotal,
}

/// Assesses a project against the law.
pub fn assess(facts: &ScopeFacts, thresholds: &ScopeThresholds) -> Result<ScopeAssessment, ScopeError> {
    if facts.packages.is_empty() {
        return Err(ScopeError::NoPackages);
    }
    if facts.total_investment.0 <= 0 {
        return Err(ScopeError::NotPositive { what: "项目总投资" });
    }
    if facts.packages.iter().any(|(_, estimate)| estimate.0 <= 0) {
        return Err(ScopeError::NotPositive { what: "合同估算价" });
    }
    if facts.state_budget_funds.0 < 0 {
        return Err(ScopeError::NotPositive { what: "预算资金（无预算资金的填0）" });
    }
    if facts.state_budget_funds.0 > facts.total_investment.0 {
        return Err(ScopeError::BudgetAboveTotal);
    }
    let budget = i128::from(facts.state_budget_funds.0);
    let share_reached =
        budget * 100 >= i128::from(facts.total_investment.0) * i128::from(thresholds.state_budget_funds_percent_min);
    let mut categories = Vec::new();
    if facts.public_interest {
        categories.push(Category::PublicInterest);
    }
    if facts.state_budget_funds.0 >= thresholds.state_budget_funds_min.0 && share_reached {
        categories.push(Category::StateBudgetFunded);
    }
    if facts.state_controlled {
        categories.push(Category::StateControlled);
    }
    if facts.foreign_loan_or_aid {
        categories.push(Category::ForeignLoanOrAid);
    }
    let in_scope = !categories.is_empty() && facts.exemption.is_none();
    let mut classes: Vec<ClassVerdict> = Vec::new();
    for (kind, estimate) in &facts.packages {
        let class = kind.class();
        let aggregate = match classes.iter_mut().find(|verdict| verdict.class == class) {
            Some(verdict) => {
                verdict.aggregate = Fen(verdict.aggregate.0.saturating_add(estimate.0));
                continue;
            }
            None => *estimate,
        };
        classes.push(ClassVerdict { class, aggregate, threshold: thresholds.of(class), must_tender: false });
    }
    for verdict in &mut classes {
        verdict.must_tender = in_scope && verdict.aggregate.0 >= verdict.threshold.0;
    }
    classes.sort_by_key(|verdict| verdict.class);
    Ok(ScopeAssessment { categories, exemption: facts.exemption, classes })
}

//! Government procurement (政府采购) over HTTP: the plan with its method decided against the
//! thresholds (central and regional, as ruleset data), every step through the method's transition
//! table ([`ggzy_domain::procurement`]), sealed offers opened after their deadline, the evaluation by
//! the statutory formula with the SME deduction, the single-source publicity and its objections,
//! supplier objections and complaints with their clocks, and the contract's publicity.
//!
//! Each procurement is one stream (`procurement-{id}`); its state is the fold of that stream
//! (`fold.rs`). The decisions are the pure [`Procedure`]; this module loads, checks who may act,
//! and records.

mod deadlines;
mod fold;
mod objections;
mod ocds;
mod records;
mod steps;

use ggzy_domain::authz::Action;
use ggzy_domain::procurement::{
    AddOn, AwardDecisionStatus, ItemCategory, MethodRequest, ProcedureRefusal, ProcurementMethod, ProcurementRules,
    ProcurementState, WeightSetting, award_decision_status, check_deduction_rates, check_price_weight, decide_method,
};
use ggzy_domain::{Fen, RegionCode};
use ggzy_store::ExpectedVersion;

pub(crate) use fold::Loaded;
pub use fold::{PublicityObjectionView, StepView};
pub use objections::{ComplaintView, ObjectionView, QuestionView};
pub use records::{
    CommitteeMemberRecord, ObjectionRecord, ProcurementPlan, ProcurementRequest, RankRecord, SmeClaimKind,
    SmeClaimRecord,
};
pub use steps::{EvaluationAsked, OfferReceipt, OfferView, StepAsked};

use crate::App;
use crate::actor::Actor;
use crate::entity::stored_region;
use crate::entropy::random_hex;
use crate::error::{AppError, AppResult, FieldError, required_text};
use crate::events::{Event, Recorded, stream};

/// Longest title.
const TITLE_MAX_CHARS: usize = 200;
/// Longest free text (justification, reason, objection, reply).
const TEXT_MAX_CHARS: usize = 2000;
/// The ruleset every procurement pins.
const RULESET_ID: &str = "gov_procurement";

/// A procurement as shown to everyone (offers only after their deadline).
#[derive(Debug, Clone)]
pub struct ProcurementView {
    /// The plan.
    pub plan: ProcurementPlan,
    /// State now.
    pub state: ProcurementState,
    /// Steps in order, each with its article.
    pub history: Vec<StepView>,
    /// The invited suppliers (after the documents are issued).
    pub invited: Vec<String>,
    /// The current round of offers (0: bids or responses).
    pub round: u32,
    /// The current deadline for offers, UTC ms.
    pub offers_due_ms: Option<i64>,
    /// The offers of the round, once their deadline passed; `None` before (not even their number).
    pub offers: Option<Vec<OfferView>>,
    /// The ranking.
    pub ranking: Vec<RankRecord>,
    /// Suppliers found non-compliant.
    pub non_compliant: Vec<String>,
    /// The abnormally-low-price reviews: supplier and state.
    pub price_reviews: Vec<(String, ggzy_domain::procurement::AbnormallyLowReview)>,
    /// The committee or group that evaluated, once the result is published.
    pub committee: Vec<CommitteeMemberRecord>,
    /// The report's 5 working days passed without a decision: the first-ranked candidate is deemed
    /// chosen (条例 第四十三条); the last day that passed, with its rule.
    pub award_deemed: Option<ggzy_domain::deadline::Deadline>,
    /// The winners in order (several for a framework agreement).
    pub winners: Vec<(String, i64)>,
    /// Framework call-offs: (supplier, price fen, UTC ms).
    pub call_offs: Vec<(String, i64, i64)>,
    /// Single-source publicity objections.
    pub publicity_objections: Vec<PublicityObjectionView>,
    /// Questions with their reply clocks.
    pub questions: Vec<QuestionView>,
    /// Objections with their clocks.
    pub objections: Vec<ObjectionView>,
    /// Complaints with their clocks.
    pub complaints: Vec<ComplaintView>,
    /// The statutory dates now, with their articles.
    pub deadlines: Vec<crate::statutory_date::StatutoryDate>,
    /// Server time, UTC ms.
    pub server_now_ms: i64,
    /// Stream version.
    pub version: i64,
}

fn field(name: &str, code: &'static str, message: impl Into<String>) -> AppError {
    AppError::Invalid(vec![FieldError::new(name, code, message)])
}

fn refusal(error: ProcedureRefusal) -> AppError {
    match error {
        ProcedureRefusal::PeriodTooShort(_) | ProcedureRefusal::DeadlineMissing { .. } => {
            let code = error.code();
            field("offers_due_at", code, error.to_string())
        }
        ProcedureRefusal::Deadline(inner) => inner.into(),
        other => AppError::refused(other.code(), other.to_string()),
    }
}

/// Which security a cap applies to.
#[derive(Clone, Copy)]
pub(crate) enum Security {
    /// The bid deposit, of the budget (条例 第三十三条).
    BidDeposit,
    /// The performance bond, of the contract (条例 第四十八条).
    PerformanceBond,
}

/// A security of `amount_fen` against its cap in the pinned ruleset, a share of `base_fen`: the
/// arithmetic of the tender's caps (`ggzy_domain::evaluation::deposit`), the message with the
/// procurement article.
pub(crate) fn check_security_cap(
    ruleset: &ggzy_domain::ruleset::Ruleset,
    security: Security,
    base_fen: i64,
    amount_fen: i64,
) -> AppResult<()> {
    use ggzy_domain::evaluation::{DepositError, check_bid_deposit, check_performance_bond};
    let (rule_id, field_name, what, base_what) = match security {
        Security::BidDeposit => ("bid_deposit_percent_max", "bid_deposit_fen", "投标保证金", "采购项目预算金额"),
        Security::PerformanceBond => ("performance_bond_percent_max", "performance_bond_fen", "履约保证金", "合同金额"),
    };
    let rule = ruleset.get(rule_id).ok_or_else(|| AppError::Internal(format!("{} lacks {rule_id}", ruleset.key())))?;
    let checked = match security {
        Security::BidDeposit => check_bid_deposit(Fen(amount_fen), Fen(base_fen), rule.value),
        Security::PerformanceBond => check_performance_bond(Fen(amount_fen), Fen(base_fen), rule.value),
    };
    match checked {
        Ok(()) => Ok(()),
        Err(
            error @ (DepositError::DepositAboveCap { max_allowed, .. }
            | DepositError::PerformanceBondAboveCap { max_allowed, .. }),
        ) => Err(field(
            field_name,
            error.code(),
            format!("{what}不得超过{base_what}的{}%，即最多 {max_allowed} 元，请调低（{}）", rule.value, rule.source),
        )),
        Err(other) => Err(field(field_name, other.code(), other.to_string())),
    }
}

impl App {
    /// The procurement rules pinned by `key`, with the region's thresholds where a regional
    /// ruleset overrides them (政府采购法 第八条).
    fn procurement_rules(&self, key: &str, region: &RegionCode) -> AppResult<ProcurementRules> {
        let national = self.pinned_ruleset(key)?;
        let rules =
            ProcurementRules::from_ruleset(national).map_err(|error| AppError::Internal(format!("{key}: {error}")))?;
        let province = format!("{}0000", &region.as_str()[..2]);
        let regional_id = format!("{RULESET_ID}_{province}");
        match self.rulesets.iter().find(|set| set.id == regional_id) {
            Some(regional) => rules
                .with_regional_thresholds(regional)
                .map_err(|error| AppError::Internal(format!("{regional_id}: {error}"))),
            None => Ok(rules),
        }
    }

    /// Plans a procurement: the method is decided against the thresholds and grounds, the price
    /// weight and SME rates against their ranges; nothing is recorded if any is refused.
    pub async fn plan_procurement(
        &self,
        actor: &Actor,
        region: RegionCode,
        asked: ProcurementRequest,
    ) -> AppResult<ProcurementView> {
        actor.authorize_on_entity(Action::ManageTender, &region, &asked.purchaser_credit_code)?;
        self.store.entity(&asked.purchaser_credit_code).await?.ok_or(AppError::NotFound { what: "采购人" })?;
        let title = required_text("title", &asked.title, "项目名称", TITLE_MAX_CHARS)?;
        let method = ProcurementMethod::parse(&asked.method).ok_or_else(|| {
            field(
                "method",
                "invalid_method",
                "采购方式须为 open_tender（公开招标）、invited_tender（邀请招标）、competitive_negotiation（竞争性谈判）、\
                 competitive_consultation（竞争性磋商）、inquiry（询价）、single_source（单一来源）或 \
                 framework_agreement（框架协议采购）",
            )
        })?;
        let category = ItemCategory::parse(&asked.category).ok_or_else(|| {
            field("category", "invalid_category", "采购品目须为 goods（货物）、services（服务）或 works（工程）")
        })?;
        let mut grounds = Vec::new();
        for text in &asked.grounds {
            grounds.push(ggzy_domain::procurement::Ground::parse(text).ok_or_else(|| {
                field("grounds", "method_ground_mismatch", format!("采用该采购方式的情形 {text} 不存在"))
            })?);
        }
        let ruleset = self.current_ruleset(RULESET_ID)?.key();
        let rules = self.procurement_rules(&ruleset, &region)?;
        let add_on = match (asked.add_on_original_fen, asked.add_on_total_fen) {
            (Some(original), Some(total)) => {
                Some(AddOn { original_contract: Fen(original), add_ons_total: Fen(total) })
            }
            _ => None,
        };
        let request = MethodRequest { method, category, budget: Fen(asked.budget_fen), grounds, add_on };
        let decision =
            decide_method(&rules, &request).map_err(|error| field("method", error.code(), error.to_string()))?;
        if asked.uniform_standards && asked.price_weight_percent.is_some() {
            return Err(field(
                "price_weight_percent",
                "lowest_price_required",
                "技术、服务等标准统一的货物和服务项目，应当采用最低评标价法，不得填写价格分值比重（政府采购法实施条例 第三十四条）",
            ));
        }
        if let Some(percent) = asked.price_weight_percent {
            let setting = WeightSetting { method, category, percent, fixed_price: false, approved_exception: false };
            check_price_weight(&rules, setting)
                .map_err(|error| field("price_weight_percent", error.code(), error.to_string()))?;
        } else if method == ProcurementMethod::CompetitiveConsultation {
            return Err(field(
                "price_weight_percent",
                "price_weight_invalid",
                "竞争性磋商采用综合评分法，须填写价格分值占总分值的比重（政府采购竞争性磋商采购方式管理暂行办法（财库〔2014〕214号）第二十四条）",
            ));
        }
        if let Some(deposit) = asked.bid_deposit_fen {
            check_security_cap(self.pinned_ruleset(&ruleset)?, Security::BidDeposit, asked.budget_fen, deposit)?;
        }
        if asked.sme_deduction_percent.is_some() || asked.sme_share_deduction_percent.is_some() {
            let rates = ggzy_domain::procurement::DeductionRates {
                small_micro_percent: asked.sme_deduction_percent.unwrap_or(0),
                share_percent: asked.sme_share_deduction_percent.unwrap_or(0),
            };
            check_deduction_rates(&rules, category, rates)
                .map_err(|error| field("sme_deduction_percent", error.code(), error.to_string()))?;
        }
        let single_source = method == ProcurementMethod::SingleSource;
        let supplier = asked.single_source_supplier.as_deref().map(str::trim).filter(|code| !code.is_empty());
        match (single_source, supplier) {
            (true, Some(code)) => {
                self.store.entity(code).await?.ok_or(AppError::NotFound { what: "单一来源供应商" })?;
                required_text(
                    "justification",
                    asked.justification.as_deref().unwrap_or(""),
                    "单一来源采购的理由",
                    TEXT_MAX_CHARS,
                )?;
            }
            (true, None) => {
                return Err(field(
                    "single_source_supplier",
                    "invalid_suppliers",
                    "单一来源采购须填写唯一供应商的统一社会信用代码",
                ));
            }
            (false, Some(_)) => {
                return Err(field(
                    "single_source_supplier",
                    "invalid_suppliers",
                    "只有单一来源采购填写 single_source_supplier，请删去",
                ));
            }
            (false, None) => {}
        }
        let mut needs_approval = decision.needs_approval();
        let mut after_failed_tender_with_two = false;
        if let Some(previous_id) = &asked.previous_procurement_id {
            let previous = self.procurement_loaded(previous_id).await?;
            if previous.procedure.state() != ProcurementState::Failed {
                return Err(field(
                    "previous_procurement_id",
                    "previous_not_failed",
                    "只有废标（采购失败）的项目可以重新组织采购或变更采购方式",
                ));
            }
            // 政府采购法 第三十六条、第三十七条: a failed tender may change method only with the finance
            // department's approval, recorded as a step of the new procedure.
            if previous.plan.method()?.is_tender() && method != previous.plan.method()? {
                needs_approval = true;
                after_failed_tender_with_two =
                    method == ProcurementMethod::CompetitiveNegotiation && previous.procedure.responded().len() == 2;
            }
        }
        let needs_publicity = decision.requirements.iter().any(|requirement| {
            matches!(requirement, ggzy_domain::procurement::Requirement::SingleSourcePublicity { .. })
        });
        let (year, month, day) = self.today();
        let procurement_id = format!(
            "CG{}{year:04}{month:02}{day:02}{}",
            region.as_str(),
            random_hex(self.entropy.as_ref(), 3).to_uppercase()
        );
        let plan = ProcurementPlan {
            procurement_id: procurement_id.clone(),
            region_code: region.as_str().to_owned(),
            request: ProcurementRequest {
                title,
                method: method.as_str().to_owned(),
                category: category.as_str().to_owned(),
                single_source_supplier: supplier.map(str::to_owned),
                justification: asked.justification.as_deref().map(str::trim).map(str::to_owned),
                ..asked
            },
            needs_approval,
            needs_publicity,
            after_failed_tender_with_two,
            ruleset,
        };
        let stream_id = stream::procurement(&procurement_id);
        let event = Recorded {
            stream_id: stream_id.clone(),
            region_code: plan.region_code.clone(),
            event: Event::ProcurementPlanned(plan),
        };
        self.record(actor, vec![(stream_id, ExpectedVersion::NoStream)], vec![event], Vec::new()).await?;
        self.procurement(&procurement_id).await
    }

    /// The latest procurements, newest first.
    pub async fn procurements(&self, limit: i64) -> AppResult<Vec<ProcurementView>> {
        let mut views = Vec::new();
        for row in self.store.procurements(limit.clamp(1, 200)).await? {
            views.push(self.procurement(&row.procurement_id).await?);
        }
        Ok(views)
    }

    /// A procurement as everyone sees it now.
    pub async fn procurement(&self, procurement_id: &str) -> AppResult<ProcurementView> {
        let loaded = self.procurement_loaded(procurement_id).await?;
        let now_ms = self.now_ms();
        let rules = self.procurement_rules(&loaded.plan.ruleset, &stored_region(&loaded.plan.region_code)?)?;
        let deadlines = deadlines::procurement_deadlines(
            &self.calendar,
            self.pinned_ruleset(&loaded.plan.ruleset)?,
            &rules,
            &loaded,
        )?;
        let questions = loaded.question_views(&self.calendar, &rules)?;
        let objections = loaded.objection_views(&self.calendar, &rules)?;
        let complaints = loaded.complaint_views(&self.calendar, &rules)?;
        let procedure = &loaded.procedure;
        let award_deemed = match procedure.entered_ms(ProcurementState::Reported) {
            Some(reported_ms) if procedure.state() == ProcurementState::Reported => {
                let status = award_decision_status(
                    &self.calendar,
                    &rules,
                    ggzy_domain::china_time::date_of(reported_ms),
                    ggzy_domain::china_time::date_of(now_ms),
                )?;
                match status {
                    AwardDecisionStatus::DeemedFirstRanked { last_day } => Some(last_day),
                    AwardDecisionStatus::Open { .. } => None,
                }
            }
            _ => None,
        };
        Ok(ProcurementView {
            award_deemed,
            state: procedure.state(),
            history: loaded.history.clone(),
            invited: procedure.invited().to_vec(),
            round: procedure.round(),
            offers_due_ms: procedure.offers_due_ms(),
            offers: procedure.offers_readable(now_ms).then(|| steps::offer_views(procedure)),
            ranking: loaded.ranking.clone(),
            non_compliant: loaded.non_compliant.clone(),
            price_reviews: procedure
                .price_reviews()
                .iter()
                .map(|(supplier, review)| (supplier.clone(), *review))
                .collect(),
            // 条例 第四十三条第三款: the members are named in the result notice, not before.
            committee: if procedure.entered_ms(ProcurementState::ResultPublished).is_some() {
                loaded.committee.clone()
            } else {
                Vec::new()
            },
            winners: procedure.winners().iter().map(|(supplier, price)| (supplier.clone(), price.0)).collect(),
            call_offs: loaded.call_offs.clone(),
            publicity_objections: loaded.publicity_objections.clone(),
            questions,
            objections,
            complaints,
            deadlines,
            server_now_ms: now_ms,
            version: loaded.version,
            plan: loaded.plan,
        })
    }

    /// Loads and folds a procurement's stream.
    pub(crate) async fn procurement_loaded(&self, procurement_id: &str) -> AppResult<Loaded> {
        let events = self.store.stream(&stream::procurement(procurement_id)).await?;
        if events.is_empty() {
            return Err(AppError::NotFound { what: "采购项目" });
        }
        Loaded::fold(&events, |key, region| {
            let region = stored_region(region)?;
            self.procurement_rules(key, &region)
        })
    }

    /// Runs one decision on a procurement: folds, decides with the rules and the server time, and
    /// appends its events at the expected version (a concurrent change is refused, not merged).
    async fn procurement_command<T>(
        &self,
        actor: &Actor,
        procurement_id: &str,
        decide: impl FnOnce(&Loaded, &ProcurementRules, i64) -> AppResult<(Vec<Event>, T)>,
    ) -> AppResult<T> {
        let loaded = self.procurement_loaded(procurement_id).await?;
        let region = stored_region(&loaded.plan.region_code)?;
        let rules = self.procurement_rules(&loaded.plan.ruleset, &region)?;
        let now_ms = self.now_ms();
        let (events, extra) = decide(&loaded, &rules, now_ms)?;
        let stream_id = stream::procurement(procurement_id);
        let recorded = events
            .into_iter()
            .map(|event| Recorded { stream_id: stream_id.clone(), region_code: loaded.plan.region_code.clone(), event })
            .collect();
        self.record(actor, vec![(stream_id, ExpectedVersion::Exactly(loaded.version))], recorded, Vec::new())
            .await
            .map_err(|error| match error {
                AppError::VersionConflict { .. } => {
                    AppError::refused("state_changed", "办理期间该采购项目的状态已发生变化，请刷新后重试")
                }
                other => other,
            })?;
        Ok(extra)
    }

    /// Runs a decision through [`App::procurement_command`] and answers with the view after it.
    async fn procurement_update(
        &self,
        actor: &Actor,
        procurement_id: &str,
        decide: impl FnOnce(&Loaded, &ProcurementRules, i64) -> AppResult<Vec<Event>>,
    ) -> AppResult<ProcurementView> {
        self.procurement_command(actor, procurement_id, |loaded, rules, now_ms| {
            Ok((decide(loaded, rules, now_ms)?, ()))
        })
        .await?;
        self.procurement(procurement_id).await
    }

    /// The actor acts for the purchaser or its agency.
    fn authorize_purchaser(actor: &Actor, loaded: &Loaded) -> AppResult<()> {
        let region = stored_region(&loaded.plan.region_code)?;
        let purchaser =
            actor.authorize_on_entity(Action::ManageTender, &region, &loaded.plan.request.purchaser_credit_code);
        match (&purchaser, &loaded.plan.request.agency_credit_code) {
            (Err(AppError::NotEntityMember), Some(agency)) => {
                actor.authorize_on_entity(Action::ManageTender, &region, agency)
            }
            _ => purchaser,
        }
    }
}

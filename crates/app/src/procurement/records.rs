//! What a procurement records and what it is asked for: the plan (the first event of its stream) and
//! the plan request.

use ggzy_domain::Fen;
use ggzy_domain::procurement::{
    DeductionRates, Ground, ItemCategory, PriceWeight, ProcedureTerms, ProcurementMethod, SmeClaim,
};
use ggzy_store::procurement::ProcurementRow;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};

/// A procurement plan as asked for (采购实施计划 with the method chosen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcurementRequest {
    /// Title.
    pub title: String,
    /// The purchaser (采购人).
    pub purchaser_credit_code: String,
    /// The agency it entrusted (采购代理机构), if any.
    #[serde(default)]
    pub agency_credit_code: Option<String>,
    /// Method identifier.
    pub method: String,
    /// `goods`, `services` or `works`.
    pub category: String,
    /// Budget, fen.
    pub budget_fen: i64,
    /// The grounds for a method other than open tender (identifiers of `Ground`).
    #[serde(default)]
    pub grounds: Vec<String>,
    /// An add-on purchase: the original contract and all add-ons so far, fen.
    #[serde(default)]
    pub add_on_original_fen: Option<i64>,
    /// The add-ons' total including this one, fen.
    #[serde(default)]
    pub add_on_total_fen: Option<i64>,
    /// The price weight of comprehensive scoring, percent; absent for the lowest evaluated price.
    #[serde(default)]
    pub price_weight_percent: Option<i64>,
    /// The SME deduction for small and micro enterprises, percent.
    #[serde(default)]
    pub sme_deduction_percent: Option<i64>,
    /// The deduction for consortia and subcontracts with the required small and micro share, percent.
    #[serde(default)]
    pub sme_share_deduction_percent: Option<i64>,
    /// Reserved for small and micro enterprises (no deduction then).
    #[serde(default)]
    pub reserved_for_sme: bool,
    /// Single source: the sole supplier.
    #[serde(default)]
    pub single_source_supplier: Option<String>,
    /// Single source: the justification published.
    #[serde(default)]
    pub justification: Option<String>,
    /// The failed procurement this one replaces (a change of method after failure).
    #[serde(default)]
    pub previous_procurement_id: Option<String>,
    /// The bid deposit (投标保证金) the documents ask, fen (at most 2% of the budget, 条例 第三十三条).
    #[serde(default)]
    pub bid_deposit_fen: Option<i64>,
    /// Goods or services with uniform technical and service standards: the lowest evaluated price
    /// is mandatory (条例 第三十四条).
    #[serde(default)]
    pub uniform_standards: bool,
}

/// A procurement's plan as recorded (the first event of its stream).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcurementPlan {
    /// Procurement id.
    pub procurement_id: String,
    /// Region of the platform running it.
    pub region_code: String,
    /// What was asked, normalised.
    #[serde(flatten)]
    pub request: ProcurementRequest,
    /// Whether the finance department must approve the method first.
    pub needs_approval: bool,
    /// Whether a single-source publicity must come first.
    pub needs_publicity: bool,
    /// Competitive negotiation with two suppliers after a tender that drew two bids.
    #[serde(default)]
    pub after_failed_tender_with_two: bool,
    /// The ruleset pinned (`id@version`).
    pub ruleset: String,
}

impl ProcurementPlan {
    /// The method.
    pub fn method(&self) -> AppResult<ProcurementMethod> {
        ProcurementMethod::parse(&self.request.method)
            .ok_or_else(|| AppError::Internal(format!("stored method {}", self.request.method)))
    }

    /// The category.
    pub fn category(&self) -> AppResult<ItemCategory> {
        ItemCategory::parse(&self.request.category)
            .ok_or_else(|| AppError::Internal(format!("stored category {}", self.request.category)))
    }

    /// The grounds.
    pub fn grounds(&self) -> Vec<Ground> {
        self.request.grounds.iter().filter_map(|ground| Ground::parse(ground)).collect()
    }

    /// The pure terms, with the weight already checked when planned.
    pub(crate) fn terms(&self, price_weight: Option<PriceWeight>) -> AppResult<ProcedureTerms> {
        Ok(ProcedureTerms {
            method: self.method()?,
            category: self.category()?,
            budget: Fen(self.request.budget_fen),
            price_weight,
            sme_rates: DeductionRates {
                small_micro_percent: self.request.sme_deduction_percent.unwrap_or(0),
                share_percent: self.request.sme_share_deduction_percent.unwrap_or(0),
            },
            reserved_for_sme: self.request.reserved_for_sme,
            single_source_supplier: self.request.single_source_supplier.clone(),
            needs_approval: self.needs_approval,
            needs_publicity: self.needs_publicity,
            after_failed_tender_with_two: self.after_failed_tender_with_two,
        })
    }

    /// The list row.
    pub(crate) fn row(&self, at_ms: i64) -> ProcurementRow {
        ProcurementRow {
            procurement_id: self.procurement_id.clone(),
            region_code: self.region_code.clone(),
            method: self.request.method.clone(),
            category: self.request.category.clone(),
            title: self.request.title.clone(),
            budget_fen: self.request.budget_fen,
            purchaser: self.request.purchaser_credit_code.clone(),
            planned_at_ms: at_ms,
        }
    }
}

/// An SME claim as recorded and asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SmeClaimRecord {
    /// `none`, `small_micro` or `share`.
    #[serde(default)]
    pub kind: SmeClaimKind,
    /// For `share`: the small and micro share of the contract, percent.
    #[serde(default)]
    pub share_percent: Option<i64>,
    /// For `share`: a control or management relation among the members (then no deduction).
    #[serde(default)]
    pub related: bool,
}

/// The kind of an SME claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SmeClaimKind {
    /// No claim.
    #[default]
    None,
    /// A small or micro enterprise.
    SmallMicro,
    /// A consortium or subcontract with a small and micro share.
    Share,
}

impl SmeClaimRecord {
    /// The pure claim.
    pub fn claim(self) -> SmeClaim {
        match self.kind {
            SmeClaimKind::None => SmeClaim::None,
            SmeClaimKind::SmallMicro => SmeClaim::SmallMicro,
            SmeClaimKind::Share => {
                SmeClaim::Share { small_micro_share_percent: self.share_percent.unwrap_or(0), related: self.related }
            }
        }
    }
}

/// One place of a recorded ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankRecord {
    /// 1-based rank.
    pub rank: usize,
    /// The supplier.
    pub supplier_credit_code: String,
    /// The price quoted, fen.
    pub price_fen: i64,
    /// The SME deduction applied, percent.
    pub deduction_percent: i64,
    /// The price score, centipoints (comprehensive scoring).
    pub price_points_centi: Option<i64>,
    /// The total, centipoints (comprehensive scoring).
    pub total_centi: Option<i64>,
}

/// A supplier objection (质疑) as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectionRecord {
    /// Procurement.
    pub procurement_id: String,
    /// Objection id.
    pub objection_id: String,
    /// The supplier.
    pub supplier_credit_code: String,
    /// `documents`, `process` or `result`.
    pub subject: String,
    /// The day the supplier knew or should have known (条例 第五十三条).
    pub known_on: String,
    /// The day it was received.
    pub received_on: String,
    /// What is objected to and why.
    pub text: String,
}

/// A member of the committee or group (评标委员会、谈判小组、询价小组、磋商小组) as recorded and published
/// with the result (政府采购法实施条例 第四十三条).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitteeMemberRecord {
    /// Name (or the expert's id in the library).
    pub name: String,
    /// An expert (true) or the purchaser's representative.
    pub expert: bool,
    /// Works for the purchaser.
    #[serde(default)]
    pub purchaser_staff: bool,
    /// Works for the agency running the procurement.
    #[serde(default)]
    pub agency_staff: bool,
}

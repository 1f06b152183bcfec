//! Government procurement over HTTP (政府采购): the plan with its method checked against the
//! thresholds, the steps of the method's table, sealed offers and their opening, the evaluation,
//! the single-source publicity's objections, suppliers' objections (质疑) and complaints (投诉) with their clocks.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use ggzy_app::procurement::{
    CommitteeMemberRecord, ComplaintView, EvaluationAsked, ObjectionView, OfferReceipt, ProcurementRequest,
    ProcurementView, QuestionView, SmeClaimKind, SmeClaimRecord, StepAsked,
};
use ggzy_domain::deadline::Deadline;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::WebState;
use crate::api::{StatutoryDateDto, rfc3339};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, RequireActor};
use crate::fields as parse;

/// A procurement to plan.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PlanProcurementRequest {
    /// The region of the platform running it (GB/T 2260).
    region_code: String,
    /// Title.
    title: String,
    /// The purchaser's credit code (采购人).
    purchaser_credit_code: String,
    /// The agency's credit code (采购代理机构), if entrusted.
    #[serde(default)]
    agency_credit_code: Option<String>,
    /// `open_tender`, `invited_tender`, `competitive_negotiation`, `competitive_consultation`,
    /// `inquiry`, `single_source` or `framework_agreement`.
    method: String,
    /// `goods`, `services` or `works`.
    category: String,
    /// Budget, fen.
    budget_fen: i64,
    /// The grounds for a method other than open tender, e.g. `sole_supplier`, `urgency`,
    /// `standard_goods`, `consultation_cannot_specify`.
    #[serde(default)]
    grounds: Vec<String>,
    /// Add-on purchase: the original contract, fen.
    #[serde(default)]
    add_on_original_fen: Option<i64>,
    /// Add-on purchase: all add-ons including this one, fen.
    #[serde(default)]
    add_on_total_fen: Option<i64>,
    /// Comprehensive scoring: the price weight, percent (absent: lowest evaluated price).
    #[serde(default)]
    price_weight_percent: Option<i64>,
    /// SME deduction for small and micro enterprises, percent.
    #[serde(default)]
    sme_deduction_percent: Option<i64>,
    /// Deduction for consortia and subcontracts with a small and micro share, percent.
    #[serde(default)]
    sme_share_deduction_percent: Option<i64>,
    /// Reserved for small and micro enterprises.
    #[serde(default)]
    reserved_for_sme: bool,
    /// Single source: the sole supplier's credit code.
    #[serde(default)]
    single_source_supplier: Option<String>,
    /// Single source: the justification published.
    #[serde(default)]
    justification: Option<String>,
    /// The failed procurement this one replaces.
    #[serde(default)]
    previous_procurement_id: Option<String>,
    /// The bid deposit the documents ask, fen (at most 2% of the budget).
    #[serde(default)]
    bid_deposit_fen: Option<i64>,
    /// Uniform technical and service standards: the lowest evaluated price is mandatory.
    #[serde(default)]
    uniform_standards: bool,
}

/// One step taken.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepDto {
    /// Command identifier.
    command: String,
    /// In Chinese.
    label: String,
    /// State left.
    from: String,
    /// State reached.
    to: String,
    /// The article of the table's line.
    source: String,
    /// When (RFC 3339).
    at: String,
    /// The performance bond at the contract's signing, fen.
    performance_bond_fen: Option<i64>,
    /// Why, or what was done.
    reason: String,
}

/// An offer after its deadline.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfferDto {
    /// The supplier.
    supplier_credit_code: String,
    /// Sealed at (RFC 3339).
    sealed_at: String,
    /// Price once opened, fen.
    price_fen: Option<i64>,
    /// The SME claim once opened.
    sme: Option<SmeClaimDto>,
}

/// An SME claim.
#[derive(Debug, Serialize, Deserialize, ToSchema, Default)]
pub struct SmeClaimDto {
    /// `none`, `small_micro` (小微企业) or `share` (联合体或分包的小微企业份额).
    #[serde(default)]
    kind: Option<String>,
    /// For `share`: the small and micro share of the contract, percent.
    #[serde(default)]
    share_percent: Option<i64>,
    /// For `share`: a control or management relation among the members (then no deduction).
    #[serde(default)]
    related: bool,
}

/// One place of the ranking.
#[derive(Debug, Serialize, ToSchema)]
pub struct RankDto {
    /// Rank.
    rank: usize,
    /// The supplier.
    supplier_credit_code: String,
    /// Price quoted, fen.
    price_fen: i64,
    /// SME deduction applied, percent.
    deduction_percent: i64,
    /// Price score, points (comprehensive scoring).
    price_points: Option<f64>,
    /// Total, points (comprehensive scoring).
    total_points: Option<f64>,
}

/// A winner (or an admitted framework supplier).
#[derive(Debug, Serialize, ToSchema)]
pub struct WinnerDto {
    /// The supplier.
    supplier_credit_code: String,
    /// Price, fen.
    price_fen: i64,
}

/// A framework call-off.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallOffDto {
    /// The supplier.
    supplier_credit_code: String,
    /// Price, fen.
    price_fen: i64,
    /// When (RFC 3339).
    at: String,
}

/// A publicity objection.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicityObjectionDto {
    /// Id.
    objection_id: String,
    /// The objecting supplier.
    objector_credit_code: String,
    /// What is objected to.
    text: String,
    /// Received (RFC 3339).
    received_at: String,
    /// Upheld, once reviewed.
    upheld: Option<bool>,
    /// The reply.
    reply: Option<String>,
}

/// A counted day with its rule.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClockDto {
    /// The day (`YYYY-MM-DD`).
    day: String,
    /// The rule id.
    rule_id: String,
    /// The legal source.
    source: String,
}

fn clock(deadline: &Deadline) -> ClockDto {
    ClockDto { day: deadline.day.to_string(), rule_id: deadline.rule_id.clone(), source: deadline.source.clone() }
}

/// A question (询问) with its reply clock.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionDto {
    /// Id.
    question_id: String,
    /// The supplier.
    supplier_credit_code: String,
    /// The question.
    text: String,
    /// Asked on.
    asked_on: String,
    /// The answer is due (null while it falls in a year whose official holidays are not published yet).
    reply_due: Option<ClockDto>,
    /// The answer.
    reply: Option<String>,
    /// Answered on.
    answered_on: Option<String>,
}

fn question_dto(view: QuestionView) -> QuestionDto {
    let (reply, answered_on) = match view.answer {
        Some((reply, day)) => (Some(reply), Some(day.to_string())),
        None => (None, None),
    };
    QuestionDto {
        question_id: view.question_id,
        supplier_credit_code: view.supplier_credit_code,
        text: view.text,
        asked_on: view.asked_on.to_string(),
        reply_due: view.reply_due.as_ref().map(clock),
        reply,
        answered_on,
    }
}

/// A objection (质疑) with its clocks.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObjectionDto {
    /// Id.
    objection_id: String,
    /// The supplier.
    supplier_credit_code: String,
    /// `documents`, `process` or `result`.
    subject: String,
    /// The day the supplier knew or should have known.
    known_on: String,
    /// Received on.
    received_on: String,
    /// What and why.
    text: String,
    /// The last day it could be filed (null while it falls in a year whose official holidays are not published yet).
    last_day: Option<ClockDto>,
    /// The reply is due (likewise).
    reply_due: Option<ClockDto>,
    /// The last day to complain (likewise).
    complaint_last_day: Option<ClockDto>,
    /// Whether found justified, once answered.
    upheld: Option<bool>,
    /// The reply.
    reply: Option<String>,
    /// Answered on.
    answered_on: Option<String>,
}

fn objection_dto(view: ObjectionView) -> ObjectionDto {
    let (upheld, reply, answered_on) = match view.answer {
        Some((upheld, reply, day)) => (Some(upheld), Some(reply), Some(day.to_string())),
        None => (None, None, None),
    };
    ObjectionDto {
        objection_id: view.record.objection_id,
        supplier_credit_code: view.record.supplier_credit_code,
        subject: view.record.subject,
        known_on: view.record.known_on,
        received_on: view.record.received_on,
        text: view.record.text,
        last_day: view.last_day.as_ref().map(clock),
        reply_due: view.reply_due.as_ref().map(clock),
        complaint_last_day: view.complaint_last_day.as_ref().map(clock),
        upheld,
        reply,
        answered_on,
    }
}

/// A complaint (投诉) with the finance department's clocks.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComplaintDto {
    /// Id.
    complaint_id: String,
    /// The objection it follows.
    objection_id: String,
    /// The complainant.
    supplier_credit_code: String,
    /// What and why.
    text: String,
    /// Received (and accepted) on.
    received_on: String,
    /// Review due (null while it falls in a year whose official holidays are not published yet).
    review_due: Option<ClockDto>,
    /// Copy to the respondents due (likewise).
    copy_due: Option<ClockDto>,
    /// Decision due, after excluded time (absent while the clock is stopped, and likewise).
    decision_due: Option<ClockDto>,
    /// While the decision clock is stopped: since (`YYYY-MM-DD`).
    decision_clock_stopped_since: Option<String>,
    /// While stopped: working days left.
    decision_days_left: Option<u32>,
    /// Excluded stretches (条例 第五十八条).
    clock_stops: Vec<ClockStopDto>,
    /// Upheld, once decided.
    upheld: Option<bool>,
    /// Whether the unlawful act affects the result.
    affects_result: Option<bool>,
    /// The decision.
    decision: Option<String>,
    /// Decided on.
    decided_on: Option<String>,
}

fn complaint_dto(view: ComplaintView) -> ComplaintDto {
    let (upheld, affects_result, decision, decided_on) = match view.decision {
        Some((upheld, affects, text, day)) => (Some(upheld), Some(affects), Some(text), Some(day.to_string())),
        None => (None, None, None, None),
    };
    ComplaintDto {
        complaint_id: view.complaint_id,
        objection_id: view.objection_id,
        supplier_credit_code: view.supplier_credit_code,
        text: view.text,
        received_on: view.received_on.to_string(),
        review_due: view.review_due.as_ref().map(clock),
        copy_due: view.copy_due.as_ref().map(clock),
        decision_due: view.decision_due.as_ref().map(clock),
        decision_clock_stopped_since: view.decision_clock_stopped.map(|(since, _)| since.to_string()),
        decision_days_left: view.decision_clock_stopped.map(|(_, left)| left),
        clock_stops: view
            .clock_stops
            .into_iter()
            .map(|(stopped, resumed, reason)| ClockStopDto {
                stopped_on: stopped.to_string(),
                resumed_on: resumed.map(|day| day.to_string()),
                reason,
            })
            .collect(),
        upheld,
        affects_result,
        decision,
        decided_on,
    }
}

/// Time excluded from a complaint's decision clock.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClockStopDto {
    /// Stopped on (counts as elapsed).
    stopped_on: String,
    /// Restarted on (counting resumes the day after).
    resumed_on: Option<String>,
    /// Why (testing, expert review, correction).
    reason: String,
}

/// A procurement as everyone sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcurementDto {
    /// Id.
    procurement_id: String,
    /// Region.
    region_code: String,
    /// Title.
    title: String,
    /// Method identifier.
    method: String,
    /// In Chinese.
    method_label: String,
    /// Category identifier.
    category: String,
    /// Budget, fen.
    budget_fen: i64,
    /// The purchaser.
    purchaser_credit_code: String,
    /// The agency.
    agency_credit_code: Option<String>,
    /// The grounds for the method.
    grounds: Vec<String>,
    /// Comprehensive scoring: the price weight, percent.
    price_weight_percent: Option<i64>,
    /// SME deduction, percent.
    sme_deduction_percent: Option<i64>,
    /// Single source: the supplier.
    single_source_supplier: Option<String>,
    /// Single source: the justification.
    justification: Option<String>,
    /// The failed procurement it replaces.
    previous_procurement_id: Option<String>,
    /// The bid deposit, fen.
    bid_deposit_fen: Option<i64>,
    /// The finance department must approve the method first.
    needs_approval: bool,
    /// A single-source publicity must come first.
    needs_publicity: bool,
    /// The pinned ruleset.
    ruleset: String,
    /// State identifier.
    state: String,
    /// In Chinese.
    state_label: String,
    /// Steps with their articles.
    history: Vec<StepDto>,
    /// Invited suppliers.
    invited: Vec<String>,
    /// Round of offers (0: bids or responses; then final offers).
    round: u32,
    /// Deadline for offers (RFC 3339).
    offers_due_at: Option<String>,
    /// Offers, once their deadline passed (absent before: not even their number).
    offers: Option<Vec<OfferDto>>,
    /// The ranking.
    ranking: Vec<RankDto>,
    /// Suppliers found non-compliant.
    non_compliant: Vec<String>,
    /// The abnormally-low-price reviews (87号令 第六十条).
    price_reviews: Vec<PriceReviewDto>,
    /// The committee or group (published with the result).
    committee: Vec<CommitteeMemberDto>,
    /// The purchaser let the 5 working days after the report pass: the first-ranked candidate is deemed
    /// chosen (条例 第四十三条); the last day that passed.
    award_deemed: Option<ClockDto>,
    /// Winners (several for a framework agreement).
    winners: Vec<WinnerDto>,
    /// Framework call-offs.
    call_offs: Vec<CallOffDto>,
    /// Single-source publicity objections.
    publicity_objections: Vec<PublicityObjectionDto>,
    /// Questions with their reply clocks.
    questions: Vec<QuestionDto>,
    /// Objections with their clocks.
    objections: Vec<ObjectionDto>,
    /// Complaints with their clocks.
    complaints: Vec<ComplaintDto>,
    /// Statutory dates with their articles.
    deadlines: Vec<StatutoryDateDto>,
    /// Server time (RFC 3339).
    server_now: String,
    /// Stream version.
    version: i64,
}

fn points(centi: Option<i64>) -> Option<f64> {
    // Display only: the record keeps exact centipoints.
    centi.map(|value| value as f64 / 100.0)
}

fn sme_dto(record: SmeClaimRecord) -> SmeClaimDto {
    let kind = match record.kind {
        SmeClaimKind::None => "none",
        SmeClaimKind::SmallMicro => "small_micro",
        SmeClaimKind::Share => "share",
    };
    SmeClaimDto { kind: Some(kind.to_owned()), share_percent: record.share_percent, related: record.related }
}

/// The DTO of a view.
pub fn procurement_dto(view: ProcurementView) -> ProcurementDto {
    let plan = view.plan;
    let method_label = ggzy_domain::procurement::ProcurementMethod::parse(&plan.request.method)
        .map(|method| method.label().to_owned())
        .unwrap_or_default();
    ProcurementDto {
        procurement_id: plan.procurement_id,
        region_code: plan.region_code,
        title: plan.request.title,
        method: plan.request.method,
        method_label,
        category: plan.request.category,
        budget_fen: plan.request.budget_fen,
        purchaser_credit_code: plan.request.purchaser_credit_code,
        agency_credit_code: plan.request.agency_credit_code,
        grounds: plan.request.grounds,
        price_weight_percent: plan.request.price_weight_percent,
        sme_deduction_percent: plan.request.sme_deduction_percent,
        single_source_supplier: plan.request.single_source_supplier,
        justification: plan.request.justification,
        previous_procurement_id: plan.request.previous_procurement_id,
        bid_deposit_fen: plan.request.bid_deposit_fen,
        needs_approval: plan.needs_approval,
        needs_publicity: plan.needs_publicity,
        ruleset: plan.ruleset,
        state: view.state.as_str().to_owned(),
        state_label: view.state.label().to_owned(),
        history: view
            .history
            .into_iter()
            .map(|step| StepDto {
                command: step.command,
                label: step.label,
                from: step.from,
                to: step.to,
                source: step.source,
                at: rfc3339(step.at_ms),
                performance_bond_fen: step.performance_bond_fen,
                reason: step.reason,
            })
            .collect(),
        invited: view.invited,
        round: view.round,
        offers_due_at: view.offers_due_ms.map(rfc3339),
        offers: view.offers.map(|offers| {
            offers
                .into_iter()
                .map(|offer| OfferDto {
                    supplier_credit_code: offer.supplier_credit_code,
                    sealed_at: rfc3339(offer.at_ms),
                    price_fen: offer.price_fen,
                    sme: offer.sme.map(sme_dto),
                })
                .collect()
        }),
        ranking: view
            .ranking
            .into_iter()
            .map(|place| RankDto {
                rank: place.rank,
                supplier_credit_code: place.supplier_credit_code,
                price_fen: place.price_fen,
                deduction_percent: place.deduction_percent,
                price_points: points(place.price_points_centi),
                total_points: points(place.total_centi),
            })
            .collect(),
        non_compliant: view.non_compliant,
        price_reviews: view
            .price_reviews
            .into_iter()
            .map(|(supplier_credit_code, review)| PriceReviewDto {
                supplier_credit_code,
                review: review.as_str().to_owned(),
                label: review.label().to_owned(),
            })
            .collect(),
        committee: view
            .committee
            .into_iter()
            .map(|member| CommitteeMemberDto {
                name: member.name,
                expert: member.expert,
                purchaser_staff: member.purchaser_staff,
                agency_staff: member.agency_staff,
            })
            .collect(),
        award_deemed: view.award_deemed.as_ref().map(clock),
        winners: view
            .winners
            .into_iter()
            .map(|(supplier_credit_code, price_fen)| WinnerDto { supplier_credit_code, price_fen })
            .collect(),
        call_offs: view
            .call_offs
            .into_iter()
            .map(|(supplier_credit_code, price_fen, at_ms)| CallOffDto {
                supplier_credit_code,
                price_fen,
                at: rfc3339(at_ms),
            })
            .collect(),
        publicity_objections: view
            .publicity_objections
            .into_iter()
            .map(|objection| PublicityObjectionDto {
                objection_id: objection.objection_id,
                objector_credit_code: objection.objector_credit_code,
                text: objection.text,
                received_at: rfc3339(objection.at_ms),
                upheld: objection.review.as_ref().map(|(upheld, _)| *upheld),
                reply: objection.review.map(|(_, reply)| reply),
            })
            .collect(),
        questions: view.questions.into_iter().map(question_dto).collect(),
        objections: view.objections.into_iter().map(objection_dto).collect(),
        complaints: view.complaints.into_iter().map(complaint_dto).collect(),
        deadlines: view.deadlines.into_iter().map(StatutoryDateDto::from).collect(),
        server_now: rfc3339(view.server_now_ms),
        version: view.version,
    }
}

/// Plans a procurement (采购人或采购代理机构): the method is checked against the thresholds and its
/// grounds, the price weight and SME rates against their statutory ranges.
#[utoipa::path(post, path = "/api/v1/procurements", tag = "procurement", request_body = PlanProcurementRequest, responses(
    (status = 201, body = ProcurementDto),
    (status = 404, description = "not_found (purchaser or supplier)", body = ErrorBody),
    (status = 422, description = "invalid_method, invalid_category, method_not_for_category, method_not_allowed_for_amount, method_ground_missing, method_ground_mismatch, add_on_amounts_missing, add_on_above_cap, procurement_budget_invalid, price_weight_invalid, price_weight_below_floor, price_weight_above_cap, sme_deduction_out_of_range, deposit_above_cap, lowest_price_required, invalid_suppliers, previous_not_failed, invalid_text", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn plan_procurement(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    ApiJson(request): ApiJson<PlanProcurementRequest>,
) -> ApiResult<(StatusCode, axum::Json<ProcurementDto>)> {
    let region = parse::region(state.app.region_table(), "region_code", &request.region_code)
        .map_err(|error| ApiError::invalid(vec![error]))?;
    let asked = ProcurementRequest {
        title: request.title,
        purchaser_credit_code: request.purchaser_credit_code,
        agency_credit_code: request.agency_credit_code,
        method: request.method,
        category: request.category,
        budget_fen: request.budget_fen,
        grounds: request.grounds,
        add_on_original_fen: request.add_on_original_fen,
        add_on_total_fen: request.add_on_total_fen,
        price_weight_percent: request.price_weight_percent,
        sme_deduction_percent: request.sme_deduction_percent,
        sme_share_deduction_percent: request.sme_share_deduction_percent,
        reserved_for_sme: request.reserved_for_sme,
        single_source_supplier: request.single_source_supplier,
        justification: request.justification,
        previous_procurement_id: request.previous_procurement_id,
        bid_deposit_fen: request.bid_deposit_fen,
        uniform_standards: request.uniform_standards,
    };
    let view = state.app.plan_procurement(&actor, region, asked).await?;
    Ok((StatusCode::CREATED, axum::Json(procurement_dto(view))))
}

/// The latest procurements, newest first.
#[utoipa::path(get, path = "/api/v1/procurements", tag = "procurement", responses((status = 200, body = Vec<ProcurementDto>)))]
pub async fn list_procurements(State(state): State<WebState>) -> ApiResult<axum::Json<Vec<ProcurementDto>>> {
    Ok(axum::Json(state.app.procurements(100).await?.into_iter().map(procurement_dto).collect()))
}

/// One procurement: its steps with their articles, its clocks, offers after their deadline.
#[utoipa::path(get, path = "/api/v1/procurements/{procurement_id}", tag = "procurement", responses(
    (status = 200, body = ProcurementDto),
    (status = 404, body = ErrorBody),
))]
pub async fn get_procurement(
    State(state): State<WebState>,
    Path(procurement_id): Path<String>,
) -> ApiResult<axum::Json<ProcurementDto>> {
    Ok(axum::Json(procurement_dto(state.app.procurement(&procurement_id).await?)))
}

/// A step of the method's table.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StepRequestDto {
    /// Command identifier: `submit_for_approval`, `approve`, `refuse_approval` (finance department),
    /// `start_publicity`, `close_publicity`, `invite_suppliers`, `publish_notice`, `issue_documents`,
    /// `issue_clarification`, `start_opening`, `close_opening`, `complete_review`, `close_responses`,
    /// `start_negotiation`, `request_final_offers`, `close_final_offers`, `submit_report`,
    /// `determine_winner`, `publish_result`, `next_candidate`, `sign_contract`, `publish_contract`,
    /// `record_acceptance`, `call_off`, `declare_failed`, `terminate`, `suspend`, `resume` (finance
    /// department), `hold_contract`, `release_contract`.
    command: String,
    /// The deadline for offers the step sets (RFC 3339).
    #[serde(default)]
    offers_due_at: Option<String>,
    /// The end of a single-source publicity (RFC 3339).
    #[serde(default)]
    publicity_ends_at: Option<String>,
    /// Single-source award or call-off: the price, fen.
    #[serde(default)]
    price_fen: Option<i64>,
    /// Call-off: the supplier.
    #[serde(default)]
    supplier_credit_code: Option<String>,
    /// `invite_suppliers`: the suppliers.
    #[serde(default)]
    suppliers: Vec<String>,
    /// `invite_suppliers`: `notice`, `library_draw` or `recommendation`.
    #[serde(default)]
    selection: Option<String>,
    /// `invite_suppliers`: the qualified candidates the platform draws from at random (required for an
    /// invited tender and a library draw), instead of `suppliers`.
    #[serde(default)]
    candidates: Vec<String>,
    /// `invite_suppliers`: how many to draw from `candidates`.
    #[serde(default)]
    draw_count: Option<usize>,
    /// `sign_contract`: the performance bond, fen (at most 10% of the contract, 条例 第四十八条).
    #[serde(default)]
    performance_bond_fen: Option<i64>,
    /// Why, or the clarification's content.
    #[serde(default)]
    reason: String,
}

/// Takes a step; refused with the article when the table does not allow it in the current state.
#[utoipa::path(post, path = "/api/v1/procurements/{procurement_id}/steps", tag = "procurement", request_body = StepRequestDto, responses(
    (status = 200, body = ProcurementDto),
    (status = 403, body = ErrorBody),
    (status = 409, description = "procurement_invalid_transition, offers_not_due, suppliers_too_few, method_approval_required, publicity_objection_open, not_evaluated, no_candidate_left, state_changed", body = ErrorBody),
    (status = 422, description = "invalid_command, performance_bond_above_cap, deadline_below_statutory_minimum, invalid_time, invalid_selection, invalid_suppliers, price_missing, invalid_text", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn take_step(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(procurement_id): Path<String>,
    ApiJson(request): ApiJson<StepRequestDto>,
) -> ApiResult<axum::Json<ProcurementDto>> {
    let mut errors = Vec::new();
    let offers_due_ms = request
        .offers_due_at
        .as_deref()
        .and_then(|text| parse::collect(parse::timestamp_ms("offers_due_at", text), &mut errors));
    let publicity_ends_ms = request
        .publicity_ends_at
        .as_deref()
        .and_then(|text| parse::collect(parse::timestamp_ms("publicity_ends_at", text), &mut errors));
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    let asked = StepAsked {
        command: request.command,
        offers_due_ms,
        publicity_ends_ms,
        price_fen: request.price_fen,
        supplier_credit_code: request.supplier_credit_code,
        suppliers: request.suppliers,
        selection: request.selection,
        candidates: request.candidates,
        draw_count: request.draw_count,
        performance_bond_fen: request.performance_bond_fen,
        reason: request.reason,
    };
    Ok(axum::Json(procurement_dto(state.app.procurement_step(&actor, &procurement_id, asked).await?)))
}

/// A sealed offer.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SealOfferRequest {
    /// The supplier.
    supplier_credit_code: String,
    /// SM3(price_fen as 8 big-endian bytes ‖ salt), hex (the same commitment as a sale's sealed bid,
    /// docs/auction.md).
    commitment: String,
}

/// The receipt of a sealed offer.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfferReceiptDto {
    /// Procurement.
    procurement_id: String,
    /// Round.
    round: u32,
    /// The supplier.
    supplier_credit_code: String,
    /// Server time of receipt (RFC 3339).
    received_at: String,
}

fn receipt_dto(receipt: OfferReceipt) -> OfferReceiptDto {
    OfferReceiptDto {
        procurement_id: receipt.procurement_id,
        round: receipt.round,
        supplier_credit_code: receipt.supplier_credit_code,
        received_at: rfc3339(receipt.at_ms),
    }
}

/// A supplier seals its bid, response or final offer before the deadline.
#[utoipa::path(post, path = "/api/v1/procurements/{procurement_id}/offers", tag = "procurement", request_body = SealOfferRequest, responses(
    (status = 201, body = OfferReceiptDto),
    (status = 403, description = "forbidden, bidder_restricted", body = ErrorBody),
    (status = 409, description = "bid_deadline_passed, not_accepting_offers, supplier_not_invited, offer_final, supplier_not_responded", body = ErrorBody),
    (status = 422, description = "invalid_commitment", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn seal_offer(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(procurement_id): Path<String>,
    ApiJson(request): ApiJson<SealOfferRequest>,
) -> ApiResult<(StatusCode, axum::Json<OfferReceiptDto>)> {
    let receipt = state
        .app
        .seal_procurement_offer(&actor, &procurement_id, &request.supplier_credit_code, &request.commitment)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(receipt_dto(receipt))))
}

/// Opening an offer.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OpenOfferRequest {
    /// The supplier.
    supplier_credit_code: String,
    /// The price sealed, fen.
    price_fen: i64,
    /// The salt sealed, hex.
    salt: String,
    /// The SME claim (checked by the committee against the declaration).
    #[serde(default)]
    sme: SmeClaimDto,
}

/// A supplier opens its offer after the deadline with the price and salt it sealed.
#[utoipa::path(post, path = "/api/v1/procurements/{procurement_id}/offers/opening", tag = "procurement", request_body = OpenOfferRequest, responses(
    (status = 200, body = ProcurementDto),
    (status = 409, description = "opening_too_early, offer_not_found, offer_already_opened, commitment_mismatch", body = ErrorBody),
    (status = 422, description = "invalid_amount, invalid_commitment, invalid_sme_claim", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn open_offer(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(procurement_id): Path<String>,
    ApiJson(request): ApiJson<OpenOfferRequest>,
) -> ApiResult<axum::Json<ProcurementDto>> {
    let kind = match request.sme.kind.as_deref().unwrap_or("none") {
        "none" => SmeClaimKind::None,
        "small_micro" => SmeClaimKind::SmallMicro,
        "share" => SmeClaimKind::Share,
        _ => {
            return Err(ApiError::invalid(vec![ggzy_app::error::FieldError::new(
                "sme.kind",
                "invalid_sme_claim",
                "中小企业声明须为 none、small_micro（小微企业）或 share（联合体或分包中小微企业份额）",
            )]));
        }
    };
    let sme = SmeClaimRecord { kind, share_percent: request.sme.share_percent, related: request.sme.related };
    let view = state
        .app
        .open_procurement_offer(
            &actor,
            &procurement_id,
            &request.supplier_credit_code,
            request.price_fen,
            &request.salt,
            sme,
        )
        .await?;
    Ok(axum::Json(procurement_dto(view)))
}

/// The committee's evaluation.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EvaluationRequest {
    /// Comprehensive scoring: the points of every criterion but price, per supplier, in hundredths
    /// of a point (the price score is computed by the statutory formula).
    #[serde(default)]
    other_points: BTreeMap<String, i64>,
    /// Suppliers found non-compliant in the review.
    #[serde(default)]
    non_compliant: Vec<String>,
    /// The order the documents set for ties the formula leaves.
    #[serde(default)]
    tie_order: Vec<String>,
    /// The committee or group (size and composition checked per method: 87号令 第四十七条, 政府采购法
    /// 第三十八条、第四十条, 74号令 第七条, 214号 第十四条); published with the result.
    #[serde(default)]
    committee: Vec<CommitteeMemberDto>,
    /// The item is technically complex or of large social impact (a tender committee of 7 or more).
    #[serde(default)]
    complex_or_high_impact: bool,
}

/// A member of the committee or group.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CommitteeMemberDto {
    /// Name.
    name: String,
    /// An expert (true) or the purchaser's representative (false).
    expert: bool,
    /// Works for the purchaser (may not sit as an expert).
    #[serde(default)]
    purchaser_staff: bool,
    /// Works for the agency (may not evaluate).
    #[serde(default)]
    agency_staff: bool,
}

/// Records the evaluation; the ranking is computed (lowest evaluated price, or comprehensive scoring
/// with the SME deduction and the price formula).
#[utoipa::path(post, path = "/api/v1/procurements/{procurement_id}/evaluation", tag = "procurement", request_body = EvaluationRequest, responses(
    (status = 200, body = ProcurementDto),
    (status = 409, description = "not_evaluating, nothing_to_rank, abnormally_low_pending, suppliers_too_few, re_evaluation_forbidden", body = ErrorBody),
    (status = 422, description = "invalid_points, tie_break_missing, tie_break_tied, committee_size_invalid, committee_experts_too_few, committee_member_duplicate, committee_purchaser_staff_as_expert, committee_agency_staff", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn evaluate(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(procurement_id): Path<String>,
    ApiJson(request): ApiJson<EvaluationRequest>,
) -> ApiResult<axum::Json<ProcurementDto>> {
    let asked = EvaluationAsked {
        other_points: request.other_points,
        non_compliant: request.non_compliant,
        tie_order: request.tie_order,
        committee: request
            .committee
            .into_iter()
            .map(|member| CommitteeMemberRecord {
                name: member.name,
                expert: member.expert,
                purchaser_staff: member.purchaser_staff,
                agency_staff: member.agency_staff,
            })
            .collect(),
        complex_or_high_impact: request.complex_or_high_impact,
    };
    let view = state.app.evaluate_procurement(&actor, &procurement_id, asked).await?;
    Ok(axum::Json(procurement_dto(view)))
}

/// A bid's abnormally-low-price review as shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct PriceReviewDto {
    /// The supplier.
    supplier_credit_code: String,
    /// `flagged`, `explanation_requested`, `explained` or `invalid`.
    review: String,
    /// In Chinese.
    label: String,
}

/// A move in a bid's abnormally-low-price review.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PriceReviewRequest {
    /// The supplier.
    supplier_credit_code: String,
    /// `flag`, `request_explanation`, `accept_explanation`, `reject_explanation` or `miss_explanation`.
    command: String,
    /// Why, or the explanation's gist.
    reason: String,
}

/// The committee moves a bid's abnormally-low-price review (87号令 第六十条); a flagged bid is not ranked
/// until the review ends, a rejected one is invalid.
#[utoipa::path(post, path = "/api/v1/procurements/{procurement_id}/price-reviews", tag = "procurement", request_body = PriceReviewRequest, responses(
    (status = 200, body = ProcurementDto),
    (status = 409, description = "not_evaluating, re_evaluation_forbidden, offer_not_found, abnormally_low_invalid_transition", body = ErrorBody),
    (status = 422, description = "invalid_command, invalid_text", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn review_offer_price(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(procurement_id): Path<String>,
    ApiJson(request): ApiJson<PriceReviewRequest>,
) -> ApiResult<axum::Json<ProcurementDto>> {
    let view = state
        .app
        .review_offer_price(&actor, &procurement_id, &request.supplier_credit_code, &request.command, &request.reason)
        .await?;
    Ok(axum::Json(procurement_dto(view)))
}

/// An objection to a single-source publicity, or an objection, by a supplier.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SupplierTextRequest {
    /// The supplier.
    supplier_credit_code: String,
    /// What and why.
    text: String,
}

/// A created item's id.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedDto {
    /// Id.
    id: String,
}

/// A supplier objects to a single-source publicity (政府采购法实施条例 第三十八条).
#[utoipa::path(post, path = "/api/v1/procurements/{procurement_id}/publicity-objections", tag = "procurement", request_body = SupplierTextRequest, responses(
    (status = 201, body = CreatedDto),
    (status = 409, description = "publicity_over, publicity_objection_open", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn object_to_publicity(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(procurement_id): Path<String>,
    ApiJson(request): ApiJson<SupplierTextRequest>,
) -> ApiResult<(StatusCode, axum::Json<CreatedDto>)> {
    let id =
        state.app.object_to_publicity(&actor, &procurement_id, &request.supplier_credit_code, &request.text).await?;
    Ok((StatusCode::CREATED, axum::Json(CreatedDto { id })))
}

/// A review or an answer.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AnswerRequest {
    /// Whether the objection, objection or complaint is upheld.
    upheld: bool,
    /// The reply or decision.
    text: String,
    /// Complaints: whether the unlawful act affects the result (条例 第七十一条).
    #[serde(default)]
    affects_result: bool,
}

/// The purchaser reviews a publicity objection; an upheld one ends the single-source route.
#[utoipa::path(post, path = "/api/v1/procurements/{procurement_id}/publicity-objections/{objection_id}/review", tag = "procurement", request_body = AnswerRequest, responses(
    (status = 200, body = ProcurementDto),
    (status = 409, description = "publicity_objection_unknown, procurement_invalid_transition", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn review_publicity_objection(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((procurement_id, objection_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<AnswerRequest>,
) -> ApiResult<axum::Json<ProcurementDto>> {
    let view = state
        .app
        .review_publicity_objection(&actor, &procurement_id, &objection_id, request.upheld, &request.text)
        .await?;
    Ok(axum::Json(procurement_dto(view)))
}

/// A supplier asks a question (询问, 政府采购法 第五十一条), answered within 3 working days
/// (条例 第五十二条).
#[utoipa::path(post, path = "/api/v1/procurements/{procurement_id}/questions", tag = "procurement", request_body = SupplierTextRequest, responses(
    (status = 201, body = CreatedDto),
    (status = 422, description = "invalid_text", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn ask_question(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(procurement_id): Path<String>,
    ApiJson(request): ApiJson<SupplierTextRequest>,
) -> ApiResult<(StatusCode, axum::Json<CreatedDto>)> {
    let id = state.app.ask_question(&actor, &procurement_id, &request.supplier_credit_code, &request.text).await?;
    Ok((StatusCode::CREATED, axum::Json(CreatedDto { id })))
}

/// An answer to a question.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReplyRequest {
    /// The answer.
    text: String,
}

/// The purchaser or agency answers a question.
#[utoipa::path(post, path = "/api/v1/procurements/{procurement_id}/questions/{question_id}/answer", tag = "procurement", request_body = ReplyRequest, responses(
    (status = 200, body = ProcurementDto),
    (status = 409, description = "question_answered", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn answer_question(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((procurement_id, question_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<ReplyRequest>,
) -> ApiResult<axum::Json<ProcurementDto>> {
    Ok(axum::Json(procurement_dto(
        state.app.answer_question(&actor, &procurement_id, &question_id, &request.text).await?,
    )))
}

/// A objection (质疑).
#[derive(Debug, Deserialize, ToSchema)]
pub struct ObjectionRequest {
    /// The supplier.
    supplier_credit_code: String,
    /// `documents`, `process` or `result`.
    subject: String,
    /// The day the supplier knew (`YYYY-MM-DD`): required for `process` (the step's end), optional for
    /// `documents` (the day received), ignored for `result` (the result notice's end).
    #[serde(default)]
    known_on: Option<String>,
    /// What and why.
    text: String,
}

/// A supplier objects (质疑) to the documents, a step or the result within 7 working days (政府采购法
/// 第五十二条).
#[utoipa::path(post, path = "/api/v1/procurements/{procurement_id}/objections", tag = "procurement", request_body = ObjectionRequest, responses(
    (status = 201, body = CreatedDto),
    (status = 422, description = "challenge_out_of_time (with the last allowed day), objection_subject_invalid, invalid_date, invalid_text", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn file_procurement_objection(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(procurement_id): Path<String>,
    ApiJson(request): ApiJson<ObjectionRequest>,
) -> ApiResult<(StatusCode, axum::Json<CreatedDto>)> {
    let id = state
        .app
        .file_procurement_objection(
            &actor,
            &procurement_id,
            &request.supplier_credit_code,
            &request.subject,
            request.known_on.as_deref(),
            &request.text,
        )
        .await?;
    Ok((StatusCode::CREATED, axum::Json(CreatedDto { id })))
}

/// The purchaser answers an objection within 7 working days (政府采购法 第五十三条).
#[utoipa::path(post, path = "/api/v1/procurements/{procurement_id}/objections/{objection_id}/answer", tag = "procurement", request_body = AnswerRequest, responses(
    (status = 200, body = ProcurementDto),
    (status = 409, description = "objection_answered", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn answer_procurement_objection(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((procurement_id, objection_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<AnswerRequest>,
) -> ApiResult<axum::Json<ProcurementDto>> {
    let view = state
        .app
        .answer_procurement_objection(&actor, &procurement_id, &objection_id, request.upheld, &request.text)
        .await?;
    Ok(axum::Json(procurement_dto(view)))
}

/// A complaint (投诉).
#[derive(Debug, Deserialize, ToSchema)]
pub struct ComplaintRequest {
    /// The objection it follows (only objected to matters may be complained about).
    objection_id: String,
    /// What and why.
    text: String,
}

/// The objecting supplier complains to the finance department within 15 working days after the
/// reply period (政府采购法 第五十五条).
#[utoipa::path(post, path = "/api/v1/procurements/{procurement_id}/complaints", tag = "procurement", request_body = ComplaintRequest, responses(
    (status = 201, body = CreatedDto),
    (status = 409, description = "complaint_too_early, complaint_exists", body = ErrorBody),
    (status = 422, description = "complaint_out_of_time, complaint_without_objection", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn file_complaint(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(procurement_id): Path<String>,
    ApiJson(request): ApiJson<ComplaintRequest>,
) -> ApiResult<(StatusCode, axum::Json<CreatedDto>)> {
    let id =
        state.app.file_procurement_complaint(&actor, &procurement_id, &request.objection_id, &request.text).await?;
    Ok((StatusCode::CREATED, axum::Json(CreatedDto { id })))
}

/// The finance department decides a complaint; upheld with an effect on the result, the outcome of
/// 政府采购法实施条例 第七十一条 is applied (next candidate, or the procedure fails and starts again).
#[utoipa::path(post, path = "/api/v1/procurements/{procurement_id}/complaints/{complaint_id}/decision", tag = "procurement", request_body = AnswerRequest, responses(
    (status = 200, body = ProcurementDto),
    (status = 403, body = ErrorBody),
    (status = 409, description = "complaint_decided, procurement_invalid_transition", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn decide_complaint(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((procurement_id, complaint_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<AnswerRequest>,
) -> ApiResult<axum::Json<ProcurementDto>> {
    let view = state
        .app
        .decide_procurement_complaint(
            &actor,
            &procurement_id,
            &complaint_id,
            request.upheld,
            request.affects_result,
            &request.text,
        )
        .await?;
    Ok(axum::Json(procurement_dto(view)))
}

/// Stopping or restarting a complaint's decision clock.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ComplaintClockRequest {
    /// `stop` or `resume`.
    action: String,
    /// Why it stops (testing, expert review, the complainant's correction).
    #[serde(default)]
    reason: String,
}

/// The finance department stops or restarts a complaint's decision clock: testing, expert review and
/// correction time do not count (政府采购法实施条例 第五十八条).
#[utoipa::path(post, path = "/api/v1/procurements/{procurement_id}/complaints/{complaint_id}/clock", tag = "procurement", request_body = ComplaintClockRequest, responses(
    (status = 200, body = ProcurementDto),
    (status = 403, body = ErrorBody),
    (status = 409, description = "complaint_clock_invalid, complaint_decided", body = ErrorBody),
    (status = 422, description = "invalid_command, invalid_text", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn complaint_clock(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((procurement_id, complaint_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<ComplaintClockRequest>,
) -> ApiResult<axum::Json<ProcurementDto>> {
    let stop = match request.action.as_str() {
        "stop" => true,
        "resume" => false,
        _ => {
            return Err(ApiError::invalid(vec![ggzy_app::error::FieldError::new(
                "action",
                "invalid_command",
                "action 须为 stop（暂停计算处理期限）或 resume（恢复计算）",
            )]));
        }
    };
    let view = state.app.complaint_clock(&actor, &procurement_id, &complaint_id, stop, &request.reason).await?;
    Ok(axum::Json(procurement_dto(view)))
}

//! A lot's award procedure after opening: committee, evaluation report, candidates' publicity with
//! objections, award decision, award letter and contract.

use axum::extract::{Path, State};
use ggzy_app::award::{AdjustmentInput, CommitteeInput, LotAward, RejectionInput, ReportInput, SubcontractInput};
use ggzy_app::events::{CriterionDetails, EvaluationTermsDetails, MemberDetails, ScoringTableDetails};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::WebState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, MaybeActor, RequireActor};

/// A committee member.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MemberDto {
    /// Name (sealed from the public until the winner is decided).
    name: String,
    /// `expert` or `principal_representative`.
    kind: String,
}

/// One criterion of the scoring table.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CriterionDto {
    /// Id, unique in the table.
    id: String,
    /// Name.
    name: String,
    /// Maximum points in hundredths (the table's maxima add up to 10000, i.e. 100 points).
    max_centipoints: i64,
    /// `price`, `technical` or `commercial` (exactly one `price`).
    kind: String,
}

/// The tender documents' scoring table (comprehensive scoring).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ScoringTableDto {
    /// Criteria.
    criteria: Vec<CriterionDto>,
    /// Benchmark price: `lowest_valid` (default) or `average_valid`.
    #[serde(default = "lowest_valid")]
    benchmark: String,
    /// Price points lost per 100% above the benchmark, basis points (e.g. 100 = 1 point of 100 per 1%).
    penalty_above_bp: i64,
    /// Price points lost per 100% below the benchmark, basis points.
    penalty_below_bp: i64,
}

fn lowest_valid() -> String {
    "lowest_valid".to_owned()
}

impl ScoringTableDto {
    fn into_details(self) -> ScoringTableDetails {
        ScoringTableDetails {
            criteria: self
                .criteria
                .into_iter()
                .map(|c| CriterionDetails { id: c.id, name: c.name, max_centipoints: c.max_centipoints, kind: c.kind })
                .collect(),
            benchmark: self.benchmark,
            penalty_above_bp: self.penalty_above_bp,
            penalty_below_bp: self.penalty_below_bp,
        }
    }
}

/// The tender documents' evaluation terms.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EvaluationTermsDto {
    /// `lowest_evaluated_price` (经评审的最低投标价法) or `comprehensive_scoring` (综合评估法).
    method: String,
    /// The scoring table (comprehensive scoring only).
    #[serde(default)]
    scoring_table: Option<ScoringTableDto>,
}

impl EvaluationTermsDto {
    pub(super) fn into_details(self) -> EvaluationTermsDetails {
        EvaluationTermsDetails {
            method: self.method,
            scoring_table: self.scoring_table.map(ScoringTableDto::into_details),
        }
    }
}

/// The committee to form.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CommitteeRequest {
    /// The documents' method, restated (optional; a different one is refused, 条例 第四十九条).
    #[serde(default)]
    method: Option<String>,
    /// Members: at least 5, an odd number, experts at least two thirds (招标投标法 第三十七条).
    members: Vec<MemberDto>,
    /// The documents' table, restated (optional; a different one is refused).
    #[serde(default)]
    scoring_table: Option<ScoringTableDto>,
}

/// A rejected bid.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RejectionDto {
    /// Bidder.
    bidder_credit_code: String,
    /// Grounds of 条例 第五十一条: `missing_seal_or_signature`, `no_consortium_agreement`, `not_qualified`,
    /// `multiple_bids`, `price_below_cost_or_above_ceiling`, `not_responsive`, `collusion_fraud_or_bribery`.
    grounds: Vec<String>,
}

/// A price adjustment.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AdjustmentDto {
    /// Bidder.
    bidder_credit_code: String,
    /// Added to the bid price, fen (negative lowers it).
    amount_fen: i64,
    /// Why.
    reason: String,
}

/// The chair's review: what the report states besides the members' signed scores.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReportRequest {
    /// The chair, when a principal or agency account acts for a representative who chairs.
    #[serde(default)]
    member: Option<String>,
    /// Rejected bids.
    #[serde(default)]
    rejections: Vec<RejectionDto>,
    /// Price adjustments.
    #[serde(default)]
    adjustments: Vec<AdjustmentDto>,
    /// Abnormally-low flag threshold, percent of the average evaluated price (default 80).
    #[serde(default)]
    abnormally_low_percent: Option<i64>,
}

/// One ranked bid.
#[derive(Debug, Serialize, ToSchema)]
pub struct RankedDto {
    /// Rank.
    rank: i64,
    /// Bidder.
    bidder_credit_code: String,
    /// Bid price, fen.
    price_fen: i64,
    /// Evaluated price, fen.
    evaluated_price_fen: i64,
    /// Total score in hundredths (comprehensive scoring).
    total_centipoints: Option<i64>,
}

/// The evaluation report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportDto {
    /// Method.
    method: String,
    /// Bids that stand, ranked.
    ranking: Vec<RankedDto>,
    /// Candidates in rank order (at most 3, 条例 第五十三条).
    candidates: Vec<String>,
    /// Rejected bids.
    rejected: Vec<RejectionDto>,
    /// Bids flagged as abnormally low.
    abnormally_low: Vec<String>,
    /// Fewer valid bids than the minimum.
    competition_lacking: bool,
}

/// The candidates' publicity.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicityDto {
    /// First day.
    start_day: String,
    /// Latest legal first day (条例 第五十四条).
    latest_start_day: String,
    /// Last day (suspensions counted); absent while an objection stops the clock.
    ends_day: Option<String>,
    /// An objection waits for its reply.
    suspended: bool,
    /// The period is over.
    over: bool,
    /// Why the last day is unknown although no objection is open (a year without holiday data).
    unknown_reason: Option<String>,
}

/// An objection.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObjectionDto {
    /// Id.
    objection_id: String,
    /// The objector (empty for viewers other than the tender's managers).
    objector_credit_code: String,
    /// Text.
    text: String,
    /// Day raised.
    raised_day: String,
    /// Last day for the reply (条例 第五十四条); absent when it reaches a year without holiday data.
    reply_due_day: Option<String>,
    /// The reply.
    reply: Option<String>,
    /// Day answered.
    answered_day: Option<String>,
}

/// The winner.
#[derive(Debug, Serialize, ToSchema)]
pub struct WinnerDto {
    /// Credit code.
    credit_code: String,
    /// Rank among the candidates.
    rank: i64,
}

/// A candidate that dropped out.
#[derive(Debug, Serialize, ToSchema)]
pub struct DropoutDto {
    /// Bidder.
    bidder_credit_code: String,
    /// Ground (条例 第五十五条).
    ground: String,
}

/// The award letter.
#[derive(Debug, Serialize, ToSchema)]
pub struct LetterDto {
    /// Day issued.
    issued_day: String,
    /// Last day for the written contract (招标投标法 第四十六条); absent when the period reaches a
    /// year without holiday data (then `contract_counted_day` is the last day before any 顺延).
    contract_due_day: Option<String>,
    /// The period's last day by counting alone.
    contract_counted_day: String,
    /// Bidders told the result (招标投标法 第四十五条).
    notified: Vec<String>,
}

/// The contract.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContractDto {
    /// Amount, fen.
    amount_fen: i64,
    /// Performance bond, fen.
    performance_bond_fen: i64,
    /// Day signed.
    signed_day: String,
    /// Signed within the legal period.
    in_time: bool,
}

/// The committee as shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommitteeDto {
    /// Method.
    method: String,
    /// Members.
    members: Vec<MemberDto>,
}

/// A lot's award procedure.
#[derive(Debug, Serialize, ToSchema)]
pub struct LotAwardDto {
    /// Tender.
    tender_id: String,
    /// Lot.
    lot_id: String,
    /// `opened`, `evaluating`, `recommended`, `publicity`, `award_pending`, `awarded`, `notified`, `contracted`, `failed`.
    stage: String,
    /// The stage in Chinese.
    stage_label: String,
    /// The committee.
    committee: Option<CommitteeDto>,
    /// The report.
    report: Option<ReportDto>,
    /// Why the lot failed.
    failed_reason: Option<String>,
    /// The publicity.
    publicity: Option<PublicityDto>,
    /// Objections.
    objections: Vec<ObjectionDto>,
    /// Whether the award was decided as for a state-funded project (from the project's registration).
    state_funded: Option<bool>,
    /// The winner.
    winner: Option<WinnerDto>,
    /// Dropouts.
    dropouts: Vec<DropoutDto>,
    /// The award letter.
    letter: Option<LetterDto>,
    /// The contract.
    contract: Option<ContractDto>,
    /// Day the (last) winner was decided.
    awarded_day: Option<String>,
    /// Securities refunded (条例 第五十七条).
    refunded: Option<DoneDto>,
    /// The written report to the regulator (招标投标法 第四十七条).
    regulator_report: Option<DoneDto>,
    /// The sealed reference price (标底): its commitment, and the price once read out at the opening.
    reference_price: Option<ReferencePriceDto>,
    /// The committee's work (shown to the committee and the tender's managers only).
    workspace: Option<super::evaluation::WorkspaceDto>,
    /// Subcontracts recorded after the contract (招标投标法 第四十八条).
    subcontracts: Vec<SubcontractDto>,
}

/// A subcontract.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubcontractDto {
    /// The subcontractor.
    subcontractor_credit_code: String,
    /// The (non-main, non-key) work.
    work: String,
    /// `contract` or `consent`.
    basis: String,
}

/// A subcontract to record.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SubcontractRequest {
    /// The subcontractor (registered on the platform).
    subcontractor_credit_code: String,
    /// Who subcontracts: the winner when absent; a subcontractor may not subcontract again.
    #[serde(default)]
    subcontracted_by: Option<String>,
    /// The work subcontracted.
    work: String,
    /// Whether it is main (主体) or key (关键性) work: refused when true.
    main_or_key_work: bool,
    /// `contract` (the contract provides for it) or `consent` (the principal consents).
    basis: String,
}

/// A step done on a day, in time or late.
#[derive(Debug, Serialize, ToSchema)]
pub struct DoneDto {
    /// Day.
    day: String,
    /// Within the legal period (or its counted part, when the calendar does not cover the year).
    in_time: bool,
}

pub(super) fn dto(fold: LotAward) -> LotAwardDto {
    let workspace = super::evaluation::workspace_dto(&fold);
    let publicity = fold.publicity.map(|p| PublicityDto {
        start_day: p.start_day.to_string(),
        latest_start_day: p.latest_start_day.to_string(),
        ends_day: p.ends_day.map(|d| d.to_string()),
        suspended: p.suspended,
        over: p.over,
        unknown_reason: p.unknown_reason,
    });
    let objections = fold
        .objections
        .into_iter()
        .map(|o| ObjectionDto {
            reply_due_day: o.reply_due_day.map(|d| d.to_string()),
            objection_id: o.objection_id,
            objector_credit_code: o.objector_credit_code,
            text: o.text,
            raised_day: o.raised_day.to_string(),
            reply: o.reply,
            answered_day: o.answered_day.map(|d| d.to_string()),
        })
        .collect();
    LotAwardDto {
        tender_id: fold.tender_id,
        lot_id: fold.lot_id,
        stage: fold.stage.as_str().to_owned(),
        stage_label: fold.stage.label().to_owned(),
        committee: fold.committee.map(|c| CommitteeDto {
            method: c.method,
            members: c.members.into_iter().map(|m| MemberDto { name: m.name, kind: m.kind }).collect(),
        }),
        report: fold.report.map(|r| ReportDto {
            method: r.method,
            ranking: r
                .ranking
                .into_iter()
                .map(|x| RankedDto {
                    rank: x.rank,
                    bidder_credit_code: x.bidder_credit_code,
                    price_fen: x.price_fen,
                    evaluated_price_fen: x.evaluated_price_fen,
                    total_centipoints: x.total_centipoints,
                })
                .collect(),
            candidates: r.candidates,
            rejected: r
                .rejected
                .into_iter()
                .map(|x| RejectionDto { bidder_credit_code: x.bidder_credit_code, grounds: x.grounds })
                .collect(),
            abnormally_low: r.abnormally_low,
            competition_lacking: r.competition_lacking,
        }),
        failed_reason: fold.failed_reason,
        publicity,
        objections,
        state_funded: fold.state_funded,
        winner: fold.winner.map(|(credit_code, rank)| WinnerDto { credit_code, rank }),
        dropouts: fold
            .dropouts
            .into_iter()
            .map(|(bidder_credit_code, ground)| DropoutDto { bidder_credit_code, ground })
            .collect(),
        letter: fold.letter.map(|l| LetterDto {
            issued_day: l.issued_day.to_string(),
            contract_due_day: l.contract_due_day.map(|d| d.to_string()),
            contract_counted_day: l.contract_counted_day.to_string(),
            notified: l.notified,
        }),
        contract: fold.contract.map(|c| ContractDto {
            amount_fen: c.amount_fen,
            performance_bond_fen: c.performance_bond_fen,
            signed_day: c.signed_day.to_string(),
            in_time: c.in_time,
        }),
        awarded_day: fold.awarded_day.map(|d| d.to_string()),
        refunded: fold.refunded.map(|(day, in_time)| DoneDto { day: day.to_string(), in_time }),
        regulator_report: fold.regulator_report.map(|(day, in_time)| DoneDto { day: day.to_string(), in_time }),
        reference_price: fold.reference_price.map(|(commitment_hex, revealed)| ReferencePriceDto {
            commitment_hex,
            price_fen: revealed.map(|(price, _)| price),
            revealed_day: revealed.map(|(_, day)| day.to_string()),
        }),
        workspace,
        subcontracts: fold
            .subcontracts
            .into_iter()
            .map(|s| SubcontractDto {
                subcontractor_credit_code: s.subcontractor_credit_code,
                work: s.work,
                basis: s.basis,
            })
            .collect(),
    }
}

pub(super) type Award = ApiResult<axum::Json<LotAwardDto>>;

pub(super) fn ok(fold: LotAward) -> Award {
    Ok(axum::Json(dto(fold)))
}

/// A lot's award procedure (public: candidates, publicity and results; the committee's names are
/// sealed until the winner is decided, objectors' names shown to the tender's managers only).
#[utoipa::path(get, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/award", tag = "award", responses(
    (status = 200, body = LotAwardDto), (status = 404, body = ErrorBody),
))]
pub async fn get_lot_award(
    State(state): State<WebState>,
    MaybeActor(actor): MaybeActor,
    Path((tender_id, lot_id)): Path<(String, String)>,
) -> Award {
    ok(state.app.lot_award(actor.as_ref(), &tender_id, &lot_id).await?)
}

/// Forms the lot's evaluation committee (招标投标法 第三十七条).
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/committee", tag = "award",
    request_body = CommitteeRequest, responses(
        (status = 200, body = LotAwardDto),
        (status = 409, description = "invalid_transition", body = ErrorBody),
        (status = 422, description = "committee_too_small, committee_size_even, committee_experts_too_few, scoring_table_invalid", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn form_committee(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<CommitteeRequest>,
) -> Award {
    let input = CommitteeInput {
        method: request.method,
        members: request
            .members
            .into_iter()
            .map(|m| MemberDetails { name: m.name, kind: m.kind, expert_id: None })
            .collect(),
        scoring_table: request.scoring_table.map(ScoringTableDto::into_details),
    };
    ok(state.app.form_committee(&actor, &tender_id, &lot_id, input).await?)
}

/// The chair drafts the report (条例 第五十三条): the server evaluates the opened bids by the
/// documents' method with the members' signed score sheets and the chair's rejections and
/// adjustments; the members then sign it. When no bid stands the lot fails (招标投标法 第四十二条).
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/evaluation-report", tag = "evaluation",
    request_body = ReportRequest, responses(
        (status = 200, body = LotAwardDto),
        (status = 409, description = "invalid_transition", body = ErrorBody),
        (status = 422, description = "evaluation_not_signed_in, evaluation_chair_missing, evaluation_not_chair, evaluation_scores_missing, clarification_open, evaluation_time_extension_required, rejection_ground_invalid, bidder_not_in_lot", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn draft_report(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<ReportRequest>,
) -> Award {
    let input = ReportInput {
        rejections: request
            .rejections
            .into_iter()
            .map(|r| RejectionInput { bidder: r.bidder_credit_code, grounds: r.grounds })
            .collect(),
        adjustments: request
            .adjustments
            .into_iter()
            .map(|a| AdjustmentInput { bidder: a.bidder_credit_code, amount_fen: a.amount_fen, reason: a.reason })
            .collect(),
        abnormally_low_percent: request.abnormally_low_percent,
    };
    ok(state.app.draft_report(&actor, &tender_id, &lot_id, request.member.as_deref(), input).await?)
}

/// Records a subcontract of the contracted lot: only non-main, non-key work, as the contract provides
/// or with the principal's consent; no further subcontracting (招标投标法 第四十八条).
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/subcontracts", tag = "award",
    request_body = SubcontractRequest, responses(
        (status = 200, body = LotAwardDto),
        (status = 409, description = "invalid_transition", body = ErrorBody),
        (status = 422, description = "subcontract_main_work, subcontract_resubcontracting, subcontract_invalid", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn record_subcontract(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<SubcontractRequest>,
) -> Award {
    let input = SubcontractInput {
        subcontractor: request.subcontractor_credit_code,
        subcontracted_by: request.subcontracted_by,
        work: request.work,
        main_or_key_work: request.main_or_key_work,
        basis: request.basis,
    };
    ok(state.app.record_subcontract(&actor, &tender_id, &lot_id, input).await?)
}

/// Publishes the candidates (条例 第五十四条: within 3 days of the report, for at least 3 days).
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/publicity", tag = "award", responses(
    (status = 200, body = LotAwardDto), (status = 409, description = "invalid_transition", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn publish_candidates(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id)): Path<(String, String)>,
) -> Award {
    ok(state.app.publish_candidates(&actor, &tender_id, &lot_id).await?)
}

/// An objection to the result.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ObjectionRequest {
    /// The objecting bidder (the caller acts for it).
    objector_credit_code: String,
    /// What it objects to.
    text: String,
}

/// A bidder objects to the result during publicity; the clock stops until the reply (条例 第五十四条).
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/objections", tag = "award",
    request_body = ObjectionRequest, responses(
        (status = 200, body = LotAwardDto),
        (status = 409, description = "objection_out_of_time", body = ErrorBody),
        (status = 422, description = "objection_not_a_bidder", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn raise_objection(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<ObjectionRequest>,
) -> Award {
    ok(state.app.raise_objection(&actor, &tender_id, &lot_id, &request.objector_credit_code, &request.text).await?)
}

/// The principal's reply.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReplyRequest {
    /// The reply.
    reply: String,
}

/// The principal answers an objection; the publicity clock runs again.
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/objections/{objection_id}/reply", tag = "award",
    request_body = ReplyRequest, responses(
        (status = 200, body = LotAwardDto), (status = 404, body = ErrorBody),
        (status = 409, description = "objection_already_answered", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn answer_objection(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id, objection_id)): Path<(String, String, String)>,
    ApiJson(request): ApiJson<ReplyRequest>,
) -> Award {
    ok(state.app.answer_objection(&actor, &tender_id, &lot_id, &objection_id, &request.reply).await?)
}

/// The award decision.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AwardRequest {
    /// The winner (a candidate). When state funds control or lead the project (as its registration
    /// says), the first candidate must win (条例 第五十五条).
    winner_credit_code: String,
}

/// Decides the winner once publicity is over with no objection open.
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/award", tag = "award",
    request_body = AwardRequest, responses(
        (status = 200, body = LotAwardDto),
        (status = 409, description = "publicity_not_over, objection_pending, invalid_transition", body = ErrorBody),
        (status = 422, description = "award_not_first_candidate, award_not_a_candidate, award_candidate_dropped", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn decide_award(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<AwardRequest>,
) -> Award {
    ok(state.app.decide_award(&actor, &tender_id, &lot_id, &request.winner_credit_code).await?)
}

/// Why the winner dropped out.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DropoutRequest {
    /// `declined`, `force_majeure`, `no_performance_bond` or `unlawful` (条例 第五十五条).
    ground: String,
}

/// Records that the winner dropped out; the next candidate may then be chosen, or the lot re-tendered.
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/award/dropout", tag = "award",
    request_body = DropoutRequest, responses(
        (status = 200, body = LotAwardDto),
        (status = 409, description = "invalid_transition", body = ErrorBody),
        (status = 422, description = "dropout_ground_invalid", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn record_dropout(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<DropoutRequest>,
) -> Award {
    ok(state.app.record_dropout(&actor, &tender_id, &lot_id, &request.ground).await?)
}

/// Why the lot is re-tendered.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RetenderRequest {
    /// Reason.
    reason: String,
}

/// Re-tenders the lot after a dropout (条例 第五十五条).
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/retender", tag = "award",
    request_body = RetenderRequest, responses(
        (status = 200, body = LotAwardDto),
        (status = 409, description = "invalid_transition", body = ErrorBody),
        (status = 422, description = "award_retender_not_allowed", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn retender_lot(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<RetenderRequest>,
) -> Award {
    ok(state.app.retender_lot(&actor, &tender_id, &lot_id, &request.reason).await?)
}

/// Sends the award letter and the results to every other bidder (招标投标法 第四十五条).
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/award-letter", tag = "award", responses(
    (status = 200, body = LotAwardDto), (status = 409, description = "invalid_transition", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn issue_award_letter(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id)): Path<(String, String)>,
) -> Award {
    ok(state.app.issue_award_letter(&actor, &tender_id, &lot_id).await?)
}

/// The signed contract.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ContractRequest {
    /// Contract amount, fen.
    amount_fen: i64,
    /// Performance bond, fen (at most 10% of the amount, 条例 第五十八条).
    #[serde(default)]
    performance_bond_fen: i64,
}

/// Records the written contract (招标投标法 第四十六条: within 30 days of the award letter).
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/contract", tag = "award",
    request_body = ContractRequest, responses(
        (status = 200, body = LotAwardDto),
        (status = 409, description = "invalid_transition", body = ErrorBody),
        (status = 422, description = "performance_bond_above_cap, invalid_amount", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn sign_contract(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<ContractRequest>,
) -> Award {
    ok(state.app.sign_contract(&actor, &tender_id, &lot_id, request.amount_fen, request.performance_bond_fen).await?)
}

/// Refunds the lot's bid securities (条例 第五十七条: within 5 days of the contract).
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/securities/refunds", tag = "award", responses(
    (status = 200, body = LotAwardDto),
    (status = 409, description = "invalid_transition, nothing_to_refund", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn refund_securities(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id)): Path<(String, String)>,
) -> Award {
    ok(state.app.refund_securities(&actor, &tender_id, &lot_id).await?)
}

/// Records the written report to the regulator (招标投标法 第四十七条: within 15 days of the award).
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/regulator-report", tag = "award", responses(
    (status = 200, body = LotAwardDto),
    (status = 409, description = "invalid_transition, already_reported", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn report_to_regulator(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id)): Path<(String, String)>,
) -> Award {
    ok(state.app.report_to_regulator(&actor, &tender_id, &lot_id).await?)
}

/// Archives the lot once the report is filed and every security refunded.
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/archive", tag = "award", responses(
    (status = 200, body = LotAwardDto),
    (status = 409, description = "invalid_transition, archive_incomplete", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn archive_lot(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id)): Path<(String, String)>,
) -> Award {
    ok(state.app.archive_lot(&actor, &tender_id, &lot_id).await?)
}

/// The sealed reference price of a lot.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferencePriceDto {
    /// SM3 commitment recorded before the deadline.
    commitment_hex: String,
    /// The price, fen, once read out at the opening.
    price_fen: Option<i64>,
    /// Day read out.
    revealed_day: Option<String>,
}

/// A commitment to the lot's reference price (`ggzy tender reference-price` computes it offline).
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReferenceCommitRequest {
    /// SM3 commitment (64 hex) as `ggzy_crypto::reference_price` defines it.
    commitment_hex: String,
}

/// Records the commitment to a lot's reference price (标底), before the deadline, once (条例 第二十七条).
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/reference-price", tag = "award",
    request_body = ReferenceCommitRequest, responses(
        (status = 200, body = LotAwardDto),
        (status = 409, description = "reference_price_too_late, reference_price_exists", body = ErrorBody),
        (status = 422, description = "invalid_digest", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn commit_reference_price(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<ReferenceCommitRequest>,
) -> Award {
    ok(state.app.commit_reference_price(&actor, &tender_id, &lot_id, &request.commitment_hex).await?)
}

/// The reference price read out at the opening.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReferenceRevealRequest {
    /// The price, fen.
    price_fen: i64,
    /// The salt used for the commitment (hex).
    salt_hex: String,
}

/// Reads out the lot's reference price at the opening; it must open the commitment (条例 第五十条).
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/reference-price/reveal", tag = "award",
    request_body = ReferenceRevealRequest, responses(
        (status = 200, body = LotAwardDto),
        (status = 409, description = "reference_price_before_opening, invalid_transition", body = ErrorBody),
        (status = 422, description = "reference_price_mismatch, invalid_amount", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn reveal_reference_price(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<ReferenceRevealRequest>,
) -> Award {
    ok(state.app.reveal_reference_price(&actor, &tender_id, &lot_id, request.price_fen, &request.salt_hex).await?)
}

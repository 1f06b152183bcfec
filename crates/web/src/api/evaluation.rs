//! The committee's workspace (评标工作) over HTTP: sign-in with the avoidance declaration, the
//! opened bids, the chair's election, signed score sheets, more time and its extension,
//! clarifications, and the signatures on the report. The signed bytes are in `docs/evaluation.md`.

use axum::extract::{Path, Query, State};
use ggzy_app::award::{DraftOutcome, LotAward, ReportSignatureInput, ScoreDetails, SheetInput, SignInInput};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::award::{Award, LotAwardDto, ok};
use crate::WebState;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, RequireActor};

/// A member's sign-in.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SignInRequest {
    /// The member, only when a principal or agency account acts for its representative.
    #[serde(default)]
    member: Option<String>,
    /// The avoidance declaration (回避承诺) in the member's words.
    declaration: String,
    /// `true`: no ground for avoidance applies to the member (false is refused: apply to withdraw).
    no_conflict: bool,
    /// The member's SM2 certificate (PEM) from a trusted CA; its common name is the member id
    /// (the expert id, or the representative's name).
    certificate_pem: String,
}

/// Who acts (only when a principal or agency account acts for its representative).
#[derive(Debug, Deserialize, IntoParams, ToSchema)]
pub struct MemberQuery {
    /// The member.
    #[serde(default)]
    member: Option<String>,
}

/// A vote for the chair.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ChairVoteRequest {
    /// The voter, when acting for a representative.
    #[serde(default)]
    member: Option<String>,
    /// The member voted for (expert id or representative's name).
    candidate: String,
}

/// One score.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SheetScoreDto {
    /// Bidder.
    bidder_credit_code: String,
    /// Criterion id of the documents' scoring table (not the price criterion).
    criterion: String,
    /// Points in hundredths.
    centipoints: i64,
}

/// A member's signed score sheet.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SheetRequest {
    /// The member, when acting for a representative.
    #[serde(default)]
    member: Option<String>,
    /// Every opened bid on every non-price criterion.
    scores: Vec<SheetScoreDto>,
    /// SM2 signature (DER, hex) over the sheet's bytes (`docs/evaluation.md`).
    signature_hex: String,
}

/// A request for more time (条例 第四十八条第二款).
#[derive(Debug, Deserialize, ToSchema)]
pub struct TimeRequest {
    /// The member, when acting for a representative.
    #[serde(default)]
    member: Option<String>,
    /// Why the time is too short.
    reason: String,
}

/// The principal's extension.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ExtensionRequest {
    /// The new end of the evaluation (RFC 3339).
    until: String,
    /// Why.
    reason: String,
}

/// A clarification asked by the chair (条例 第五十二条).
#[derive(Debug, Deserialize, ToSchema)]
pub struct ClarificationRequest {
    /// The chair, when acting for a representative.
    #[serde(default)]
    member: Option<String>,
    /// The bidder asked.
    bidder_credit_code: String,
    /// The question, in writing.
    question: String,
}

/// A bidder's answer.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AnswerRequest {
    /// The answer, within the bid (it may not change the bid's substance).
    answer: String,
}

/// A signature on the draft report (条例 第五十三条).
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReportSignatureRequest {
    /// The member, when acting for a representative.
    #[serde(default)]
    member: Option<String>,
    /// SM3 of the draft signed, hex (as shown in `workspace.draft.report_sm3_hex`).
    report_sm3_hex: String,
    /// Agree with the result.
    agree: bool,
    /// When not agreeing: the dissent and its reasons, in writing.
    #[serde(default)]
    dissent: Option<String>,
    /// SM2 signature (DER, hex) over the signing bytes (`docs/evaluation.md`).
    signature_hex: String,
}

/// An opened bid as the committee reads it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpenedBidDto {
    /// Bidder.
    bidder_credit_code: String,
    /// What the bidder declared in its envelope (price and fields).
    declared: serde_json::Value,
}

/// A member in the workspace.
#[derive(Debug, Serialize, ToSchema)]
pub struct SeatDto {
    /// Member id (expert id, or the representative's name).
    member: String,
    /// Signed in with the avoidance declaration.
    signed_in: bool,
    /// Handed in a signed score sheet.
    scored: bool,
    /// Asked for more time since the last extension.
    asked_for_time: bool,
    /// Signed the current draft: `agrees` or `dissents`.
    signed: Option<String>,
}

/// A clarification.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClarificationDto {
    /// Id.
    clarification_id: String,
    /// The bidder asked.
    bidder_credit_code: String,
    /// The question.
    question: String,
    /// The answer.
    answer: Option<String>,
}

/// A score far from the other members' (评分畸高畸低).
#[derive(Debug, Serialize, ToSchema)]
pub struct OutlierDto {
    /// Member.
    member: String,
    /// Bidder.
    bidder_credit_code: String,
    /// Criterion.
    criterion: String,
    /// The score, hundredths.
    centipoints: i64,
    /// The other members' mean, hundredths.
    others_mean_centipoints: i64,
}

/// The draft report.
#[derive(Debug, Serialize, ToSchema)]
pub struct DraftDto {
    /// SM3 of the draft, hex: what members sign.
    report_sm3_hex: String,
    /// `reported` (candidates ranked) or `failed` (no bid stands).
    outcome: String,
    /// Candidates in rank order (when reported).
    candidates: Vec<String>,
    /// Flagged scores.
    outliers: Vec<OutlierDto>,
}

/// A member's stance on the closed report.
#[derive(Debug, Serialize, ToSchema)]
pub struct StanceDto {
    /// Member.
    member: String,
    /// `agrees`, `dissents` or `deemed_to_agree` (did not sign, no written dissent: 条例 第五十三条).
    stance: String,
    /// The dissent.
    dissent: Option<String>,
}

/// The committee's work on a lot.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkspaceDto {
    /// Members.
    members: Vec<SeatDto>,
    /// The elected chair.
    chair: Option<String>,
    /// More than a third asked for more time and the principal has not extended it (条例 第四十八条).
    extension_required: bool,
    /// The latest extension's end (UTC ms).
    extended_until_ms: Option<i64>,
    /// Clarifications.
    clarifications: Vec<ClarificationDto>,
    /// The draft.
    draft: Option<DraftDto>,
    /// Stances once the report is closed.
    stances: Option<Vec<StanceDto>>,
}

pub(super) fn workspace_dto(fold: &LotAward) -> Option<WorkspaceDto> {
    let committee = fold.committee.as_ref()?;
    let work = &fold.workspace;
    if work.signed_in.is_empty() && work.draft.is_none() {
        return None;
    }
    let members = committee
        .members
        .iter()
        .map(|m| {
            let id = m.member_id();
            SeatDto {
                member: id.to_owned(),
                signed_in: work.signed_in.contains_key(id),
                scored: work.sheets.contains_key(id),
                asked_for_time: work.time_requests.contains_key(id),
                signed: work.draft.as_ref().and_then(|d| d.signatures.get(id)).map(|s| s.as_str().to_owned()),
            }
        })
        .collect();
    Some(WorkspaceDto {
        members,
        chair: work.chair(committee),
        extension_required: work.extension_required(committee),
        extended_until_ms: work.extension.as_ref().map(|(until, _)| *until),
        clarifications: work
            .clarifications
            .iter()
            .map(|c| ClarificationDto {
                clarification_id: c.clarification_id.clone(),
                bidder_credit_code: c.bidder_credit_code.clone(),
                question: c.question.clone(),
                answer: c.answer.clone(),
            })
            .collect(),
        draft: work.draft.as_ref().map(|d| DraftDto {
            report_sm3_hex: d.report_sm3_hex.clone(),
            outcome: match &d.outcome {
                DraftOutcome::Reported(_) => "reported".to_owned(),
                DraftOutcome::Failed { .. } => "failed".to_owned(),
            },
            candidates: match &d.outcome {
                DraftOutcome::Reported(details) => details.candidates.clone(),
                DraftOutcome::Failed { .. } => Vec::new(),
            },
            outliers: d
                .outliers
                .iter()
                .map(|o| OutlierDto {
                    member: o.member.clone(),
                    bidder_credit_code: o.bidder_credit_code.clone(),
                    criterion: o.criterion.clone(),
                    centipoints: o.centipoints,
                    others_mean_centipoints: o.others_mean_centipoints,
                })
                .collect(),
        }),
        stances: work.closed.as_ref().map(|stances| {
            stances
                .iter()
                .map(|s| StanceDto { member: s.member.clone(), stance: s.stance.clone(), dissent: s.dissent.clone() })
                .collect()
        }),
    })
}

/// A member signs in: the avoidance declaration and the certificate their signatures verify under.
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/evaluation/sign-in", tag = "evaluation",
    request_body = SignInRequest, responses(
        (status = 200, body = LotAwardDto),
        (status = 409, description = "invalid_transition", body = ErrorBody),
        (status = 422, description = "avoidance_declared, member_certificate_mismatch, certificate_untrusted, member_must_act_in_person", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn sign_in(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<SignInRequest>,
) -> Award {
    let input = SignInInput {
        member: request.member,
        declaration: request.declaration,
        no_conflict: request.no_conflict,
        certificate_pem: request.certificate_pem,
    };
    ok(state.app.sign_in_to_evaluation(&actor, &tender_id, &lot_id, input).await?)
}

/// The opened bids, for a member who signed in.
#[utoipa::path(get, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/evaluation/bids", tag = "evaluation",
    params(MemberQuery), responses(
        (status = 200, body = [OpenedBidDto]),
        (status = 422, description = "evaluation_not_signed_in", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn opened_bids(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id)): Path<(String, String)>,
    Query(query): Query<MemberQuery>,
) -> ApiResult<axum::Json<Vec<OpenedBidDto>>> {
    let bids = state.app.evaluation_bids(&actor, &tender_id, &lot_id, query.member.as_deref()).await?;
    Ok(axum::Json(
        bids.into_iter()
            .map(|b| OpenedBidDto {
                bidder_credit_code: b.bidder_credit_code,
                declared: serde_json::from_str(&b.declared_json).unwrap_or_default(),
            })
            .collect(),
    ))
}

/// A vote for the chair; more than half of the committee elects (推举).
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/evaluation/chair-votes", tag = "evaluation",
    request_body = ChairVoteRequest, responses((status = 200, body = LotAwardDto), (status = 422, body = ErrorBody)),
    security(("session" = []), ("api_token" = [])))]
pub async fn vote_for_chair(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<ChairVoteRequest>,
) -> Award {
    ok(state.app.vote_for_chair(&actor, &tender_id, &lot_id, request.member.as_deref(), &request.candidate).await?)
}

/// A member's signed score sheet on the documents' criteria (条例 第四十九条).
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/evaluation/score-sheets", tag = "evaluation",
    request_body = SheetRequest, responses(
        (status = 200, body = LotAwardDto),
        (status = 422, description = "score_criterion_unknown, score_missing, score_out_of_range, evaluation_signature_invalid", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn sign_scores(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<SheetRequest>,
) -> Award {
    let input = SheetInput {
        member: request.member,
        scores: request
            .scores
            .into_iter()
            .map(|s| ScoreDetails {
                bidder_credit_code: s.bidder_credit_code,
                criterion: s.criterion,
                centipoints: s.centipoints,
            })
            .collect(),
        signature_hex: request.signature_hex,
    };
    ok(state.app.sign_scores(&actor, &tender_id, &lot_id, input).await?)
}

/// A member finds the evaluation time too short (条例 第四十八条第二款).
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/evaluation/time-requests", tag = "evaluation",
    request_body = TimeRequest, responses((status = 200, body = LotAwardDto), (status = 422, body = ErrorBody)),
    security(("session" = []), ("api_token" = [])))]
pub async fn request_more_time(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<TimeRequest>,
) -> Award {
    ok(state.app.request_more_time(&actor, &tender_id, &lot_id, request.member.as_deref(), &request.reason).await?)
}

/// The principal extends the evaluation time.
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/evaluation/extension", tag = "evaluation",
    request_body = ExtensionRequest, responses((status = 200, body = LotAwardDto), (status = 422, body = ErrorBody)),
    security(("session" = []), ("api_token" = [])))]
pub async fn extend_evaluation(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<ExtensionRequest>,
) -> Award {
    let until = crate::fields::timestamp_ms("until", &request.until).map_err(|e| ApiError::invalid(vec![e]))?;
    ok(state.app.extend_evaluation(&actor, &tender_id, &lot_id, until, &request.reason).await?)
}

/// The chair asks a bidder to clarify, in writing (条例 第五十二条).
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/evaluation/clarifications", tag = "evaluation",
    request_body = ClarificationRequest, responses((status = 200, body = LotAwardDto), (status = 422, body = ErrorBody)),
    security(("session" = []), ("api_token" = [])))]
pub async fn request_clarification(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<ClarificationRequest>,
) -> Award {
    let member = request.member.as_deref();
    let fold = state
        .app
        .request_clarification(&actor, &tender_id, &lot_id, member, &request.bidder_credit_code, &request.question)
        .await?;
    ok(fold)
}

/// The bidder asked answers (only an asked bidder can: no unsolicited clarification).
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/evaluation/clarifications/{clarification_id}/answer",
    tag = "evaluation", request_body = AnswerRequest, responses(
        (status = 200, body = LotAwardDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn answer_clarification(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id, clarification_id)): Path<(String, String, String)>,
    ApiJson(request): ApiJson<AnswerRequest>,
) -> Award {
    ok(state.app.answer_clarification(&actor, &tender_id, &lot_id, &clarification_id, &request.answer).await?)
}

/// A member signs the draft report, agreeing or dissenting in writing; the last signature closes it.
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/evaluation-report/signatures", tag = "evaluation",
    request_body = ReportSignatureRequest, responses(
        (status = 200, body = LotAwardDto),
        (status = 422, description = "report_draft_changed, dissent_reason_missing, evaluation_signature_invalid", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn sign_report(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<ReportSignatureRequest>,
) -> Award {
    let input = ReportSignatureInput {
        member: request.member,
        report_sm3_hex: request.report_sm3_hex,
        agree: request.agree,
        dissent: request.dissent,
        signature_hex: request.signature_hex,
    };
    ok(state.app.sign_report(&actor, &tender_id, &lot_id, input).await?)
}

/// The chair closes the report; members who neither signed nor dissented in writing are deemed
/// to agree (条例 第五十三条).
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/evaluation-report/close", tag = "evaluation",
    params(MemberQuery), responses((status = 200, body = LotAwardDto), (status = 422, body = ErrorBody)),
    security(("session" = []), ("api_token" = [])))]
pub async fn close_report(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id)): Path<(String, String)>,
    Query(query): Query<MemberQuery>,
) -> Award {
    ok(state.app.close_report(&actor, &tender_id, &lot_id, query.member.as_deref()).await?)
}

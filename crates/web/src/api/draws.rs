//! The expert draw of a lot (专家抽取, docs/draw.md): schedule with a published commitment, make it at
//! the draw minute, answers and replacements, the public record (names sealed until the result) and
//! the data `ggzy verify --draw` recomputes it from.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use ggzy_app::events::{DrawPerformedDetails, PickDetails};
use ggzy_app::expert::{DrawInput, DrawSlotInput, DrawView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::experts::instant;
use super::rfc3339;
use crate::WebState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, MaybeActor, RequireActor};

/// One slot: how many experts of a specialty, from where.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct SlotDto {
    /// Specialty code.
    specialty: String,
    /// Regions to draw from (empty: anywhere).
    #[serde(default)]
    include: Vec<String>,
    /// Regions never to draw from (remote cross-region draw: the project's region).
    #[serde(default)]
    exclude: Vec<String>,
    /// Members.
    count: u16,
    /// Reserves.
    #[serde(default)]
    reserves: u16,
}

/// An expert excluded by name.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct NamedExclusionDto {
    /// Expert id.
    expert_id: String,
    /// Why.
    reason: String,
}

/// A draw request.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DrawRequestDto {
    /// The slots.
    slots: Vec<SlotDto>,
    /// Evaluation start, RFC 3339.
    evaluation_start: String,
    /// Evaluation end, RFC 3339.
    evaluation_end: String,
    /// The draw minute, RFC 3339 (not before now, not after the evaluation start).
    draw_at: String,
    /// Experts excluded by name, with the reason.
    #[serde(default)]
    excluded_by_name: Vec<NamedExclusionDto>,
}

/// One pick.
#[derive(Debug, Serialize, ToSchema)]
pub struct PickDto {
    /// Slot index in the request.
    slot: usize,
    /// `member`, `reserve`, `replacement`.
    role: String,
    /// Expert id.
    expert_id: String,
    /// Candidates.
    candidates: u64,
    /// Index chosen.
    index: u64,
    /// Stream position.
    stream_position: u64,
    /// `accepted`, `declined` or absent.
    answer: Option<String>,
    /// Replaced, and why.
    replaced: Option<String>,
    /// Name; absent while sealed (until the lot's winner is decided).
    name: Option<String>,
}

/// An exclusion with its reasons.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExclusionDto {
    /// Expert id.
    expert_id: String,
    /// Reason codes.
    codes: Vec<String>,
    /// Reasons in Chinese.
    reasons: Vec<String>,
    /// Legal sources.
    sources: Vec<String>,
}

/// One pool entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct PoolEntryDto {
    /// Expert id.
    expert_id: String,
    /// Region.
    region_code: String,
    /// Specialties.
    specialties: Vec<String>,
}

/// A draw as published.
#[derive(Debug, Serialize, ToSchema)]
pub struct DrawDto {
    /// Draw id.
    draw_id: String,
    /// Tender.
    tender_id: String,
    /// Lot.
    lot_id: String,
    /// `scheduled` or `performed`.
    state: String,
    /// The slots.
    slots: Vec<SlotDto>,
    /// Evaluation start.
    evaluation_start: String,
    /// Evaluation end.
    evaluation_end: String,
    /// The draw minute.
    draw_at: String,
    /// The commitment (SM3), hex, published before the draw.
    commitment_hex: String,
    /// Log position of the commitment.
    commitment_position: i64,
    /// The revealed secret, hex (after the draw).
    secret_hex: Option<String>,
    /// The public values, hex (after the draw).
    public_values_hex: Vec<String>,
    /// Size of the signed tree head used (after the draw).
    tree_size: Option<i64>,
    /// The eligible pool (after the draw; no names).
    pool: Vec<PoolEntryDto>,
    /// Exclusions with reasons (after the draw).
    exclusions: Vec<ExclusionDto>,
    /// Every pick.
    picks: Vec<PickDto>,
    /// Stream values used.
    values_used: u64,
    /// Whether names are sealed for this viewer.
    names_sealed: bool,
    /// Stream version.
    version: i64,
}

fn slot_dto(slot: &ggzy_app::events::DrawSlotDetails) -> SlotDto {
    SlotDto {
        specialty: slot.specialty.clone(),
        include: slot.include.clone(),
        exclude: slot.exclude.clone(),
        count: slot.count,
        reserves: slot.reserves,
    }
}

fn pick_dto(
    pick: PickDetails,
    answer: Option<(bool, String)>,
    replaced: Option<String>,
    name: Option<String>,
) -> PickDto {
    PickDto {
        slot: pick.slot,
        role: pick.role,
        expert_id: pick.expert_id,
        candidates: pick.candidates,
        index: pick.index,
        stream_position: pick.stream_position,
        answer: answer.map(|(accepted, _)| if accepted { "accepted" } else { "declined" }.to_owned()),
        replaced,
        name,
    }
}

fn dto(view: DrawView) -> DrawDto {
    let schedule = &view.schedule;
    let performed: Option<&DrawPerformedDetails> = view.performed.as_ref();
    DrawDto {
        draw_id: schedule.draw_id.clone(),
        tender_id: schedule.tender_id.clone(),
        lot_id: schedule.lot_id.clone(),
        state: if performed.is_some() { "performed" } else { "scheduled" }.to_owned(),
        slots: schedule.slots.iter().map(slot_dto).collect(),
        evaluation_start: rfc3339(schedule.evaluation_start_ms),
        evaluation_end: rfc3339(schedule.evaluation_end_ms),
        draw_at: rfc3339(schedule.draw_at_ms),
        commitment_hex: schedule.commitment_hex.clone(),
        commitment_position: view.commitment_position,
        secret_hex: performed.map(|p| p.secret_hex.clone()),
        public_values_hex: performed.map(|p| p.public_values_hex.clone()).unwrap_or_default(),
        tree_size: performed.map(|p| p.tree_head.tree_size),
        pool: performed
            .map(|p| {
                p.pool
                    .iter()
                    .map(|e| PoolEntryDto {
                        expert_id: e.expert_id.clone(),
                        region_code: e.region_code.clone(),
                        specialties: e.specialties.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        exclusions: performed
            .map(|p| {
                p.exclusions
                    .iter()
                    .map(|e| ExclusionDto {
                        expert_id: e.expert_id.clone(),
                        codes: e.reasons.iter().map(|r| r.0.clone()).collect(),
                        reasons: e.reasons.iter().map(|r| r.1.clone()).collect(),
                        sources: e.reasons.iter().map(|r| r.2.clone()).collect(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        values_used: view.values_used,
        names_sealed: view.names_sealed,
        version: view.version,
        picks: view.picks.into_iter().map(|p| pick_dto(p.pick, p.answer, p.replaced, p.name)).collect(),
    }
}

/// Schedules the expert draw of a lot and publishes its commitment (the principal, its agency, or
/// the centre).
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/lots/{lot_id}/draws", tag = "experts",
    request_body = DrawRequestDto, responses(
        (status = 201, body = DrawDto),
        (status = 409, description = "draw_after_evaluation, draw_tender_state, already_exists", body = ErrorBody),
        (status = 422, description = "expert_pool_insufficient (names the specialty and the count found), invalid_time", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn schedule_draw(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, lot_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<DrawRequestDto>,
) -> ApiResult<impl IntoResponse> {
    let input = DrawInput {
        slots: request
            .slots
            .into_iter()
            .map(|s| DrawSlotInput {
                specialty: s.specialty,
                include: s.include,
                exclude: s.exclude,
                count: s.count,
                reserves: s.reserves,
            })
            .collect(),
        evaluation_start_ms: instant("evaluation_start", &request.evaluation_start)?,
        evaluation_end_ms: instant("evaluation_end", &request.evaluation_end)?,
        draw_at_ms: instant("draw_at", &request.draw_at)?,
        excluded_by_name: request.excluded_by_name.into_iter().map(|e| (e.expert_id, e.reason)).collect(),
    };
    let view = state.app.schedule_draw(&actor, &tender_id, &lot_id, input).await?;
    Ok((StatusCode::CREATED, axum::Json(dto(view))))
}

/// Makes the draw at or after its draw minute (tender opened, committee not formed).
#[utoipa::path(post, path = "/api/v1/draws/{draw_id}/execution", tag = "experts", responses(
    (status = 200, body = DrawDto),
    (status = 409, description = "draw_minute_not_reached, draw_already_performed, draw_before_opening, draw_after_evaluation", body = ErrorBody),
    (status = 422, description = "expert_pool_insufficient", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn perform_draw(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(draw_id): Path<String>,
) -> ApiResult<axum::Json<DrawDto>> {
    Ok(axum::Json(dto(state.app.perform_draw(&actor, &draw_id).await?)))
}

/// A replacement request.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReplacementRequest {
    /// The member to replace.
    expert_id: String,
    /// `declined` or `no_answer`.
    reason: String,
}

/// Replaces a member who declined or did not answer by the next pick of the same stream.
#[utoipa::path(post, path = "/api/v1/draws/{draw_id}/replacements", tag = "experts",
    request_body = ReplacementRequest, responses(
        (status = 200, body = DrawDto),
        (status = 409, description = "draw_not_replaceable, draw_not_performed, draw_after_evaluation", body = ErrorBody),
        (status = 422, description = "expert_pool_insufficient", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn replace_expert(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(draw_id): Path<String>,
    ApiJson(request): ApiJson<ReplacementRequest>,
) -> ApiResult<axum::Json<DrawDto>> {
    Ok(axum::Json(dto(state.app.replace_drawn_expert(&actor, &draw_id, &request.expert_id, &request.reason).await?)))
}

/// An answer.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AnswerRequest {
    /// The drawn expert.
    expert_id: String,
    /// Whether they will sit.
    accepted: bool,
    /// Why not.
    #[serde(default)]
    reason: String,
}

/// Records a drawn expert's answer (the expert, or the centre taking it by phone).
#[utoipa::path(post, path = "/api/v1/draws/{draw_id}/answers", tag = "experts", request_body = AnswerRequest,
    responses(
        (status = 200, body = DrawDto), (status = 409, description = "draw_already_answered", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn answer_draw(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(draw_id): Path<String>,
    ApiJson(request): ApiJson<AnswerRequest>,
) -> ApiResult<axum::Json<DrawDto>> {
    let view = state.app.answer_draw(&actor, &draw_id, &request.expert_id, request.accepted, &request.reason).await?;
    Ok(axum::Json(dto(view)))
}

/// A draw as published (public; names sealed until the lot's winner is decided).
#[utoipa::path(get, path = "/api/v1/draws/{draw_id}", tag = "experts", responses(
    (status = 200, body = DrawDto), (status = 404, body = ErrorBody),
))]
pub async fn get_draw(
    State(state): State<WebState>,
    MaybeActor(actor): MaybeActor,
    Path(draw_id): Path<String>,
) -> ApiResult<axum::Json<DrawDto>> {
    Ok(axum::Json(dto(state.app.draw(actor.as_ref(), &draw_id).await?)))
}

/// One recorded event of the draw's stream.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordedEventDto {
    /// Log position.
    position: i64,
    /// The event payload as recorded (JSON object with its `type`).
    #[schema(value_type = Object)]
    event: serde_json::Value,
}

/// Everything `ggzy verify --draw` needs.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerificationDataDto {
    /// Draw id.
    draw_id: String,
    /// The draw stream's events in order.
    events: Vec<RecordedEventDto>,
}

/// The published data a draw is recomputed from (public: it names no one).
#[utoipa::path(get, path = "/api/v1/draws/{draw_id}/verification-data", tag = "experts", responses(
    (status = 200, body = VerificationDataDto), (status = 404, body = ErrorBody),
))]
pub async fn verification_data(
    State(state): State<WebState>,
    Path(draw_id): Path<String>,
) -> ApiResult<axum::Json<VerificationDataDto>> {
    let data = state.app.draw_verification_data(&draw_id).await?;
    Ok(axum::Json(VerificationDataDto {
        draw_id: data.draw_id,
        events: data
            .events
            .into_iter()
            .map(|(position, event)| RecordedEventDto {
                position,
                event: serde_json::to_value(&event).unwrap_or(serde_json::Value::Null),
            })
            .collect(),
    }))
}

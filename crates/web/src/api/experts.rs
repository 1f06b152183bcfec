//! The expert library (评标专家库): registration, changes, standing, and public statistics. Personal
//! data only for the roles the policy allows (`read_expert_personal`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use ggzy_app::events::{EmploymentDetails, QualificationDetails};
use ggzy_app::expert::{ExpertInput, ExpertStatistics, ExpertView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::rfc3339;
use crate::WebState;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, RequireActor};

/// One employment.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct EmploymentDto {
    /// The employer's credit code.
    employer_credit_code: String,
    /// First day, `YYYY-MM-DD`.
    from: String,
    /// Last day, `YYYY-MM-DD`; absent while it lasts.
    #[serde(default)]
    until: Option<String>,
}

/// A title or qualification.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct QualificationDto {
    /// `intermediate`, `vice_senior`, `senior` or `practice`.
    level: String,
    /// Name, e.g. `高级工程师`.
    name: String,
    /// Certificate number.
    certificate_no: String,
    /// Last valid day, `YYYY-MM-DD`, if it expires.
    #[serde(default)]
    valid_until: Option<String>,
}

/// A time window, RFC 3339.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct WindowDto {
    /// Start.
    start: String,
    /// End (excluded).
    end: String,
}

/// A penalty on record.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct PenaltyDto {
    /// Day decided, `YYYY-MM-DD`.
    decided_on: String,
    /// Authority.
    authority: String,
    /// What for.
    description: String,
}

/// An expert's record as submitted.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ExpertRequest {
    /// Pool id (optional; the platform assigns one).
    #[serde(default)]
    expert_id: Option<String>,
    /// Name.
    name: String,
    /// Resident ID number (GB 11643).
    resident_id: String,
    /// Region (GB/T 2260).
    region_code: String,
    /// Phone.
    phone: String,
    /// The expert's user account, to read their record and answer draws.
    #[serde(default)]
    user_id: Option<String>,
    /// Employments, current and past.
    #[serde(default)]
    employments: Vec<EmploymentDto>,
    /// First day of work in the field, `YYYY-MM-DD`.
    career_start: String,
    /// Specialty codes (data/specialties/specialties.txt).
    specialties: Vec<String>,
    /// Titles and qualifications.
    #[serde(default)]
    qualifications: Vec<QualificationDto>,
    /// `except_leave` (default) or `only_within`.
    #[serde(default)]
    availability: String,
    /// Leave windows, or the only windows available.
    #[serde(default)]
    windows: Vec<WindowDto>,
    /// Penalties for misconduct in tendering or evaluation.
    #[serde(default)]
    penalties: Vec<PenaltyDto>,
    /// For updates: the version read.
    #[serde(default)]
    version: Option<i64>,
}

/// An expert with personal data.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExpertDto {
    /// Pool id.
    expert_id: String,
    /// Name.
    name: String,
    /// Resident ID number.
    resident_id: String,
    /// Region.
    region_code: String,
    /// Phone.
    phone: String,
    /// Linked user.
    user_id: Option<String>,
    /// Employments.
    employments: Vec<EmploymentDto>,
    /// First day in the field.
    career_start: String,
    /// Specialties.
    specialties: Vec<String>,
    /// Qualifications.
    qualifications: Vec<QualificationDto>,
    /// `except_leave` or `only_within`.
    availability: String,
    /// Windows.
    windows: Vec<WindowDto>,
    /// Penalties.
    penalties: Vec<PenaltyDto>,
    /// `active`, `suspended`, `removed`.
    status: String,
    /// Status in Chinese.
    status_label: String,
    /// Registered.
    registered_at: String,
    /// Last change.
    updated_at: String,
    /// Stream version.
    version: i64,
    /// Every change: event type, time, actor.
    history: Vec<HistoryDto>,
}

/// One change of the record.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryDto {
    /// Event type.
    event_type: String,
    /// When.
    at: String,
    /// Who (user id).
    actor: String,
}

fn dto(view: ExpertView) -> ExpertDto {
    let d = view.details;
    ExpertDto {
        expert_id: d.expert_id,
        name: d.name,
        resident_id: d.resident_id,
        region_code: d.region_code,
        phone: d.phone,
        user_id: d.user_id,
        employments: d
            .employments
            .into_iter()
            .map(|e| EmploymentDto { employer_credit_code: e.employer_credit_code, from: e.from, until: e.until })
            .collect(),
        career_start: d.career_start,
        specialties: d.specialties,
        qualifications: d
            .qualifications
            .into_iter()
            .map(|q| QualificationDto {
                level: q.level,
                name: q.name,
                certificate_no: q.certificate_no,
                valid_until: q.valid_until,
            })
            .collect(),
        availability: d.availability,
        windows: d.windows.iter().map(|&(start, end)| WindowDto { start: rfc3339(start), end: rfc3339(end) }).collect(),
        penalties: d
            .penalties
            .into_iter()
            .map(|(decided_on, authority, description)| PenaltyDto { decided_on, authority, description })
            .collect(),
        status: view.status.as_str().to_owned(),
        status_label: view.status.label().to_owned(),
        registered_at: rfc3339(view.registered_at_ms),
        updated_at: rfc3339(view.updated_at_ms),
        version: view.version,
        history: view
            .history
            .into_iter()
            .map(|(event_type, at, actor)| HistoryDto { event_type, at: rfc3339(at), actor })
            .collect(),
    }
}

/// An RFC 3339 time as UTC ms.
pub(crate) fn instant(field: &str, text: &str) -> ApiResult<i64> {
    text.trim()
        .parse::<jiff::Timestamp>()
        .map(|t| t.as_millisecond())
        .map_err(|_| ApiError::new("invalid_time", format!("{field} 须为 RFC 3339 时间，如 2026-12-20T09:00:00+08:00")))
}

fn input(request: ExpertRequest) -> ApiResult<ExpertInput> {
    let windows = request
        .windows
        .iter()
        .enumerate()
        .map(|(i, w)| {
            Ok((instant(&format!("windows[{i}].start"), &w.start)?, instant(&format!("windows[{i}].end"), &w.end)?))
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(ExpertInput {
        expert_id: request.expert_id,
        name: request.name,
        resident_id: request.resident_id,
        region_code: request.region_code,
        phone: request.phone,
        user_id: request.user_id,
        employments: request
            .employments
            .into_iter()
            .map(|e| EmploymentDetails { employer_credit_code: e.employer_credit_code, from: e.from, until: e.until })
            .collect(),
        career_start: request.career_start,
        specialties: request.specialties,
        qualifications: request
            .qualifications
            .into_iter()
            .map(|q| QualificationDetails {
                level: q.level,
                name: q.name,
                certificate_no: q.certificate_no,
                valid_until: q.valid_until,
            })
            .collect(),
        availability: request.availability,
        windows,
        penalties: request.penalties.into_iter().map(|p| (p.decided_on, p.authority, p.description)).collect(),
    })
}

/// Registers an expert (the centre's staff or admin of the expert's region).
#[utoipa::path(post, path = "/api/v1/experts", tag = "experts", request_body = ExpertRequest, responses(
    (status = 201, body = ExpertDto),
    (status = 422, description = "invalid_id_number, invalid_region_code, invalid_credit_code, expert_experience_too_short, expert_qualification_missing, expert_specialty_unknown, invalid_input", body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 409, description = "already_exists", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn register_expert(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    ApiJson(request): ApiJson<ExpertRequest>,
) -> ApiResult<impl IntoResponse> {
    let view = state.app.register_expert(&actor, input(request)?).await?;
    Ok((StatusCode::CREATED, axum::Json(dto(view))))
}

/// Query of the expert list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ExpertQuery {
    /// Region (and below).
    region: String,
    /// Cursor: the last expert id of the previous page.
    #[serde(default)]
    after: Option<String>,
    /// Page size (1-200, default 50).
    #[serde(default)]
    limit: Option<i64>,
}

/// The experts of a region, with personal data (keepers and regulators of the region).
#[utoipa::path(get, path = "/api/v1/experts", tag = "experts", params(ExpertQuery), responses(
    (status = 200, body = [ExpertDto]), (status = 403, body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn list_experts(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    ApiQuery(query): ApiQuery<ExpertQuery>,
) -> ApiResult<axum::Json<Vec<ExpertDto>>> {
    let region = state
        .app
        .region_table()
        .validate(&query.region)
        .map_err(|e| ApiError::new("invalid_region_code", format!("region {e}")))?;
    let views = state.app.list_experts(&actor, &region, query.after.as_deref(), query.limit.unwrap_or(50)).await?;
    Ok(axum::Json(views.into_iter().map(dto).collect()))
}

/// One expert with the history of every change (keepers, regulators, the expert themself).
#[utoipa::path(get, path = "/api/v1/experts/{expert_id}", tag = "experts", responses(
    (status = 200, body = ExpertDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn get_expert(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(expert_id): Path<String>,
) -> ApiResult<axum::Json<ExpertDto>> {
    Ok(axum::Json(dto(state.app.expert(&actor, &expert_id).await?)))
}

/// Replaces an expert's record (`version` as read).
#[utoipa::path(put, path = "/api/v1/experts/{expert_id}", tag = "experts", request_body = ExpertRequest, responses(
    (status = 200, body = ExpertDto), (status = 409, description = "version_conflict", body = ErrorBody),
    (status = 422, body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn update_expert(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(expert_id): Path<String>,
    ApiJson(request): ApiJson<ExpertRequest>,
) -> ApiResult<axum::Json<ExpertDto>> {
    let version = request.version.ok_or_else(|| ApiError::new("invalid_body", "请提供读取时的版本号 version"))?;
    let view = state.app.update_expert(&actor, &expert_id, version, input(request)?).await?;
    Ok(axum::Json(dto(view)))
}

/// A change of standing.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StatusRequest {
    /// `suspend`, `reinstate` or `remove`.
    command: String,
    /// Why.
    reason: String,
}

/// Suspends, reinstates or removes an expert (the status table, each line citing its article).
#[utoipa::path(post, path = "/api/v1/experts/{expert_id}/status", tag = "experts", request_body = StatusRequest,
    responses(
        (status = 200, body = ExpertDto), (status = 409, description = "expert_transition_invalid", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn change_status(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(expert_id): Path<String>,
    ApiJson(request): ApiJson<StatusRequest>,
) -> ApiResult<axum::Json<ExpertDto>> {
    let view = state.app.change_expert_status(&actor, &expert_id, &request.command, &request.reason).await?;
    Ok(axum::Json(dto(view)))
}

/// Statistics of the pool (public: numbers, no person).
#[derive(Debug, Serialize, ToSchema)]
pub struct StatisticsDto {
    /// Experts per status.
    by_status: Vec<CountDto>,
    /// Active experts per specialty (every level).
    by_specialty: Vec<CountDto>,
}

/// One count.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountDto {
    /// Status or specialty code.
    key: String,
    /// Its name.
    name: String,
    /// How many.
    count: i64,
}

fn statistics_dto(stats: ExpertStatistics) -> StatisticsDto {
    StatisticsDto {
        by_status: stats
            .by_status
            .into_iter()
            .map(|(status, count)| CountDto { key: status.as_str().to_owned(), name: status.label().to_owned(), count })
            .collect(),
        by_specialty: stats
            .by_specialty
            .into_iter()
            .map(|line| CountDto { key: line.specialty, name: line.name, count: line.active })
            .collect(),
    }
}

/// Public statistics of the expert pool.
#[utoipa::path(get, path = "/api/v1/experts/statistics", tag = "experts", responses((status = 200, body = StatisticsDto)))]
pub async fn statistics(State(state): State<WebState>) -> ApiResult<axum::Json<StatisticsDto>> {
    Ok(axum::Json(statistics_dto(state.app.expert_statistics().await?)))
}

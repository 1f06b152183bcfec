//! Projects (项目登记): registration with the duty-to-tender assessment, the approval of tender
//! scope, method and form (实施条例 第七条), and the self-tendering filing (招标投标法 第十二条).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use ggzy_app::project::{NewProject, ProjectView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::WebState;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, RequireActor};
use crate::fields::{self as parse, collect};

/// One procurement package of the project.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct PackageDto {
    /// `works` (施工), `goods` (重要设备、材料), `survey` (勘察), `design` (设计), `supervision` (监理).
    kind: String,
    /// Name.
    name: String,
    /// Contract estimate (合同估算价), fen.
    estimate_fen: i64,
}

/// A claimed exemption from tendering.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct ExemptionDto {
    /// A ground of 招标投标法 第六十六条 (`national_security`, `state_secret`, `emergency_relief`,
    /// `work_for_relief`) or 实施条例 第九条 (`irreplaceable_patent`, `self_supply`,
    /// `concession_investor`, `compatibility_add_on`).
    ground: String,
    /// Why it applies (faking it is avoidance of tendering, 第九条第二款).
    justification: String,
}

/// A project to register.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ProjectRequest {
    /// Investment project code (投资项目代码), `YYYY-RRRRRR-DD-TT-NNNNNN`; the project's id.
    code: String,
    /// Name.
    name: String,
    /// Region of the platform (GB/T 2260).
    region_code: String,
    /// The principal's credit code (the caller acts for it).
    principal_credit_code: String,
    /// Large infrastructure or public utility concerning public interest or safety (法 第三条第（一）项).
    #[serde(default)]
    public_interest: bool,
    /// Funded by international-organisation or foreign-government loans or aid (第三条第（三）项).
    #[serde(default)]
    foreign_loan_or_aid: bool,
    /// Total investment, fen.
    total_investment_fen: i64,
    /// Budget funds (预算资金) in it, fen (0 if none).
    #[serde(default)]
    state_budget_funds_fen: i64,
    /// Funds of state-owned enterprises or institutions control or lead (16号令 第二条第（二）项).
    #[serde(default)]
    state_controlled: bool,
    /// The procurement packages.
    packages: Vec<PackageDto>,
    /// A claimed exemption.
    #[serde(default)]
    exemption: Option<ExemptionDto>,
    /// The project needs 审批 or 核准 (not only 备案): its tender scope, method and form are approved
    /// with it (实施条例 第七条).
    approval_required: bool,
    /// `open` or `invited`.
    method: String,
    /// `entrusted` (委托招标) or `self` (自行招标).
    organisation_form: String,
    /// For invited tendering of a state-funded project: `few_bidders` or `cost_disproportionate`
    /// (实施条例 第八条).
    #[serde(default)]
    invitation_ground: Option<String>,
}

/// The verdict for one threshold class.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClassVerdictDto {
    /// `works`, `goods` or `services`.
    class: String,
    /// The estimates of all the project's packages in the class, summed (no splitting, 法 第四条).
    aggregate_fen: i64,
    /// The threshold (必须招标的工程项目规定 第五条).
    threshold_fen: i64,
    /// Whether these packages must be tendered.
    must_tender: bool,
}

/// The approval as recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApprovalDto {
    /// Approving authority.
    authority: String,
    /// Document number.
    document_number: String,
    /// Day decided.
    decided_on: String,
}

/// The self-tendering filing.
#[derive(Debug, Serialize, ToSchema)]
pub struct FilingDto {
    /// Technical staff.
    technical_staff: u32,
    /// Economic staff.
    economic_staff: u32,
    /// Statement.
    statement: String,
    /// Day filed.
    filed_on: String,
}

/// A project (public).
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectDto {
    /// Investment project code (the id).
    project_id: String,
    /// Name.
    name: String,
    /// Region.
    region_code: String,
    /// Principal.
    principal_credit_code: String,
    /// Ruleset pinned.
    ruleset: String,
    /// `registered` or `approved`.
    state: String,
    /// State in Chinese.
    state_label: String,
    /// Total investment, fen.
    total_investment_fen: i64,
    /// Budget funds, fen.
    state_budget_funds_fen: i64,
    /// Packages.
    packages: Vec<PackageDto>,
    /// Categories of 招标投标法 第三条 that apply (`public_interest`, `state_budget_funded`,
    /// `state_controlled`, `foreign_loan_or_aid`).
    categories: Vec<String>,
    /// Per threshold class.
    classes: Vec<ClassVerdictDto>,
    /// Whether the law requires tendering (依法必须进行招标).
    must_tender: bool,
    /// Whether state funds control or lead: open tendering (条例 第八条), first candidate wins (第五十五条).
    state_funded: bool,
    /// The exemption claimed.
    exemption: Option<ExemptionDto>,
    /// Whether 审批/核准 is required.
    approval_required: bool,
    /// Method in force.
    method: String,
    /// Organisation form in force.
    organisation_form: String,
    /// Invitation ground in force.
    invitation_ground: Option<String>,
    /// The approval.
    approval: Option<ApprovalDto>,
    /// The self-tendering filing.
    filing: Option<FilingDto>,
    /// Whether its tenders may publish their notice or invitations now.
    ready: bool,
    /// Why not, citing the article.
    not_ready_reason: Option<String>,
    /// Stream version.
    version: i64,
}

fn project_dto(view: ProjectView) -> ProjectDto {
    let must_tender = view.assessment.must_tender();
    let state_funded = view.assessment.state_funded();
    let details = view.details;
    ProjectDto {
        project_id: details.project_id,
        name: details.name,
        region_code: details.region_code,
        principal_credit_code: details.principal_credit_code,
        ruleset: details.ruleset,
        state: view.state.as_str().to_owned(),
        state_label: view.state.label().to_owned(),
        total_investment_fen: details.total_investment_fen,
        state_budget_funds_fen: details.state_budget_funds_fen,
        packages: details
            .packages
            .into_iter()
            .map(|p| PackageDto { kind: p.kind, name: p.name, estimate_fen: p.estimate_fen })
            .collect(),
        categories: view.assessment.categories.iter().map(|c| c.as_str().to_owned()).collect(),
        classes: view
            .assessment
            .classes
            .iter()
            .map(|c| ClassVerdictDto {
                class: c.class.as_str().to_owned(),
                aggregate_fen: c.aggregate.0,
                threshold_fen: c.threshold.0,
                must_tender: c.must_tender,
            })
            .collect(),
        must_tender,
        state_funded,
        exemption: details.exemption.map(|(ground, justification)| ExemptionDto { ground, justification }),
        approval_required: details.approval_required,
        method: view.method.as_str().to_owned(),
        organisation_form: view.organisation_form.as_str().to_owned(),
        invitation_ground: view.invitation_ground.map(|g| g.as_str().to_owned()),
        approval: view.approval.map(|a| ApprovalDto {
            authority: a.authority,
            document_number: a.document_number,
            decided_on: a.decided_on.to_string(),
        }),
        filing: view.filing.map(|f| FilingDto {
            technical_staff: f.technical_staff,
            economic_staff: f.economic_staff,
            statement: f.statement,
            filed_on: f.filed_on.to_string(),
        }),
        ready: view.not_ready.is_none(),
        not_ready_reason: view.not_ready,
        version: view.version,
    }
}

/// Registers a project under its investment project code (the principal's member).
#[utoipa::path(post, path = "/api/v1/projects", tag = "projects", request_body = ProjectRequest, responses(
    (status = 201, body = ProjectDto),
    (status = 403, body = ErrorBody),
    (status = 409, description = "already_exists (the code is registered)", body = ErrorBody),
    (status = 422, description = "invalid_investment_code, invalid_amount, invalid_choice, open_tendering_required, invitation_ground_invalid", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn register_project(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    ApiJson(request): ApiJson<ProjectRequest>,
) -> ApiResult<impl IntoResponse> {
    let mut errors = Vec::new();
    let region = collect(parse::region(state.app.region_table(), "region_code", &request.region_code), &mut errors);
    let principal = collect(parse::credit_code("principal_credit_code", &request.principal_credit_code), &mut errors);
    let (Some(region), Some(principal_credit_code)) = (region, principal) else {
        return Err(ApiError::invalid(errors));
    };
    let new = NewProject {
        code: request.code,
        name: request.name,
        region,
        principal_credit_code,
        public_interest: request.public_interest,
        foreign_loan_or_aid: request.foreign_loan_or_aid,
        total_investment_fen: request.total_investment_fen,
        state_budget_funds_fen: request.state_budget_funds_fen,
        state_controlled: request.state_controlled,
        packages: request.packages.into_iter().map(|p| (p.kind, p.name, p.estimate_fen)).collect(),
        exemption: request.exemption.map(|e| (e.ground, e.justification)),
        approval_required: request.approval_required,
        method: request.method,
        organisation_form: request.organisation_form,
        invitation_ground: request.invitation_ground.filter(|g| !g.trim().is_empty()),
    };
    let view = state.app.register_project(&actor, new).await?;
    Ok((StatusCode::CREATED, axum::Json(project_dto(view))))
}

/// One project (public: project information is published).
#[utoipa::path(get, path = "/api/v1/projects/{project_id}", tag = "projects", responses(
    (status = 200, body = ProjectDto),
    (status = 404, body = ErrorBody),
))]
pub async fn get_project(
    State(state): State<WebState>,
    Path(project_id): Path<String>,
) -> ApiResult<axum::Json<ProjectDto>> {
    Ok(axum::Json(project_dto(state.app.project(&project_id).await?)))
}

/// The approving authority's decision on tender scope, method and form.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ApprovalRequest {
    /// The approving authority (审批、核准部门).
    authority: String,
    /// Its document number (文号).
    document_number: String,
    /// Day decided, `YYYY-MM-DD`.
    decided_on: String,
    /// Approved method: `open` or `invited`.
    method: String,
    /// Approved form: `entrusted` or `self`.
    organisation_form: String,
    /// The ground found for invited tendering (实施条例 第八条), if any.
    #[serde(default)]
    invitation_ground: Option<String>,
}

/// Records the approval of the project's tender scope, method and form (实施条例 第七条).
#[utoipa::path(post, path = "/api/v1/projects/{project_id}/approval", tag = "projects",
    request_body = ApprovalRequest, responses(
        (status = 200, body = ProjectDto),
        (status = 409, description = "invalid_transition, approval_not_required", body = ErrorBody),
        (status = 422, description = "invalid_text, invalid_time, invalid_date (a day after today), invalid_choice, open_tendering_required", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn record_approval(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(project_id): Path<String>,
    ApiJson(request): ApiJson<ApprovalRequest>,
) -> ApiResult<axum::Json<ProjectDto>> {
    let decided_on =
        parse::day("decided_on", "核准日期", &request.decided_on).map_err(|e| ApiError::invalid(vec![e]))?;
    let view = state
        .app
        .record_project_approval(
            &actor,
            &project_id,
            &request.authority,
            &request.document_number,
            decided_on,
            &request.method,
            &request.organisation_form,
            request.invitation_ground.as_deref().filter(|g| !g.trim().is_empty()),
        )
        .await?;
    Ok(axum::Json(project_dto(view)))
}

/// The self-tendering filing.
#[derive(Debug, Deserialize, ToSchema)]
pub struct FilingRequest {
    /// Technical staff able to run the tender (实施条例 第十条).
    technical_staff: u32,
    /// Economic staff.
    economic_staff: u32,
    /// The principal's statement of its capacity.
    statement: String,
}

/// Files the principal's self-tendering with the regulator (招标投标法 第十二条第三款).
#[utoipa::path(post, path = "/api/v1/projects/{project_id}/self-tendering-filing", tag = "projects",
    request_body = FilingRequest, responses(
        (status = 200, body = ProjectDto),
        (status = 409, description = "invalid_transition, self_tendering_not_chosen", body = ErrorBody),
        (status = 422, description = "self_tendering_staff_missing, invalid_text", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn file_self_tendering(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(project_id): Path<String>,
    ApiJson(request): ApiJson<FilingRequest>,
) -> ApiResult<axum::Json<ProjectDto>> {
    let view = state
        .app
        .file_self_tendering(&actor, &project_id, request.technical_staff, request.economic_staff, &request.statement)
        .await?;
    Ok(axum::Json(project_dto(view)))
}

//! Projects (项目登记, RULES.md §1.1): registered under their investment project code with their
//! funding and procurement packages, assessed by the pure domain for the duty to tender, and
//! given the tender method and organisation form that the approving authority approves
//! (实施条例 第七条) and, for self-tendering, the filing with the regulator (招标投标法 第十二条).
//! A tender belongs to a project; its first notice or invitation waits until the project is ready.
//!
//! Each project is its own stream (`project-{code}`; one code, one registration); its state is the
//! fold of that stream.

use ggzy_domain::project::{
    self, ContractKind, ExemptionGround, InvestmentCode, InvitationGround, OrganisationForm, ProcedureError,
    ProjectCommand, ProjectStanding, ProjectState, ScopeAssessment, ScopeFacts, ScopeThresholds, TenderingMethod,
    project_transition,
};
use ggzy_domain::ruleset::Ruleset;
use ggzy_domain::{CreditCode, Fen, RegionCode, authz::Action};
use ggzy_store::ExpectedVersion;
use ggzy_store::tender_projection::TenderRow;
use jiff::civil::Date;

use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, AppResult, FieldError, required_text};
use crate::events::{Event, PackageDetails, ProjectDetails, Recorded, recorded_day, stream};

/// Most packages one project may list.
const PACKAGES_MAX: usize = 100;

/// A project to register.
#[derive(Debug, Clone)]
pub struct NewProject {
    /// The investment project code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Platform region.
    pub region: RegionCode,
    /// The principal.
    pub principal_credit_code: CreditCode,
    /// 关系社会公共利益、公众安全的基础设施、公用事业项目.
    pub public_interest: bool,
    /// 使用国际组织或者外国政府贷款、援助资金.
    pub foreign_loan_or_aid: bool,
    /// Total investment, fen.
    pub total_investment_fen: i64,
    /// Budget funds in it, fen.
    pub state_budget_funds_fen: i64,
    /// State-owned funds control or lead.
    pub state_controlled: bool,
    /// Packages: (kind, name, estimate in fen).
    pub packages: Vec<(String, String, i64)>,
    /// A claimed exemption: (ground identifier, justification).
    pub exemption: Option<(String, String)>,
    /// Whether the project needs 审批/核准.
    pub approval_required: bool,
    /// Proposed method identifier.
    pub method: String,
    /// Proposed organisation form identifier.
    pub organisation_form: String,
    /// Ground for invited tendering (实施条例 第八条), if any.
    pub invitation_ground: Option<String>,
}

/// The approval of tender scope, method and form as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalView {
    /// The approving authority.
    pub authority: String,
    /// Its document number.
    pub document_number: String,
    /// Day decided.
    pub decided_on: Date,
}

/// The self-tendering filing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilingView {
    /// Technical staff.
    pub technical_staff: u32,
    /// Economic staff.
    pub economic_staff: u32,
    /// Statement.
    pub statement: String,
    /// Day filed.
    pub filed_on: Date,
}

/// A project as shown (public: the portal publishes project information).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectView {
    /// As registered.
    pub details: ProjectDetails,
    /// Where it stands.
    pub state: ProjectState,
    /// The assessment under the pinned ruleset.
    pub assessment: ScopeAssessment,
    /// Method in force (the approved one once approved).
    pub method: TenderingMethod,
    /// Organisation form in force.
    pub organisation_form: OrganisationForm,
    /// Invitation ground in force.
    pub invitation_ground: Option<InvitationGround>,
    /// The approval, once recorded.
    pub approval: Option<ApprovalView>,
    /// The self-tendering filing, once made.
    pub filing: Option<FilingView>,
    /// Why its tenders may not start yet (`None`: they may).
    pub not_ready: Option<String>,
    /// Stream version.
    pub version: i64,
}

impl ProjectView {
    fn standing(&self) -> ProjectStanding {
        ProjectStanding {
            approval_required: self.details.approval_required,
            approved: self.approval.is_some(),
            form: self.organisation_form,
            self_tendering_filed: self.filing.is_some(),
        }
    }
}

fn invalid(field: &str, code: &'static str, message: impl Into<String>) -> AppError {
    AppError::Invalid(vec![FieldError::new(field, code, message)])
}

fn parse_method(field: &str, value: &str) -> AppResult<TenderingMethod> {
    TenderingMethod::parse(value)
        .ok_or_else(|| invalid(field, "invalid_choice", "招标方式须为 open（公开招标）或 invited（邀请招标）"))
}

fn parse_form(field: &str, value: &str) -> AppResult<OrganisationForm> {
    OrganisationForm::parse(value)
        .ok_or_else(|| invalid(field, "invalid_choice", "招标组织形式须为 entrusted（委托招标）或 self（自行招标）"))
}

pub(crate) fn parse_ground(field: &str, value: Option<&str>) -> AppResult<Option<InvitationGround>> {
    value
        .map(|ground| {
            InvitationGround::parse(ground).ok_or_else(|| {
                AppError::refused(
                    "invitation_ground_invalid",
                    format!(
                        "{field}：邀请招标的理由须为招标投标法实施条例 第八条所列情形之一：{}",
                        InvitationGround::listing()
                    ),
                )
            })
        })
        .transpose()
}

/// A domain refusal of the method or readiness as the API shows it.
pub(crate) fn procedure_refused(error: ProcedureError) -> AppError {
    let code = match error {
        ProcedureError::OpenTenderingRequired => "open_tendering_required",
        ProcedureError::ApprovalMissing => "project_not_approved",
        ProcedureError::SelfTenderingNotFiled => "self_tendering_not_filed",
        ProcedureError::MethodMismatch { .. } => "method_not_approved",
    };
    AppError::refused(code, error.to_string())
}

fn thresholds(ruleset: &Ruleset) -> AppResult<ScopeThresholds> {
    let value = |id: &str| {
        ruleset
            .get(id)
            .map(|rule| rule.value)
            .ok_or_else(|| AppError::Internal(format!("{} lacks {id}", ruleset.key())))
    };
    Ok(ScopeThresholds {
        state_budget_funds_min: Fen(value("state_budget_funds_fen_min")?),
        state_budget_funds_percent_min: value("state_budget_funds_percent_min")?,
        works_min: Fen(value("must_tender_works_fen_min")?),
        goods_min: Fen(value("must_tender_goods_fen_min")?),
        services_min: Fen(value("must_tender_services_fen_min")?),
    })
}

fn facts(details: &ProjectDetails) -> AppResult<ScopeFacts> {
    let packages = details
        .packages
        .iter()
        .enumerate()
        .map(|(i, package)| {
            ContractKind::parse(&package.kind).map(|kind| (kind, Fen(package.estimate_fen))).ok_or_else(|| {
                invalid(
                    &format!("packages[{i}].kind"),
                    "invalid_choice",
                    "采购内容须为 works（施工）、goods（重要设备、材料）、survey（勘察）、design（设计）或 supervision（监理）",
                )
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let exemption = details
        .exemption
        .as_ref()
        .map(|(ground, _)| {
            ExemptionGround::parse(ground).ok_or_else(|| {
                invalid(
                    "exemption.ground",
                    "invalid_choice",
                    format!(
                        "可以不进行招标的情形须为招标投标法 第六十六条或实施条例 第九条所列之一：{}",
                        ExemptionGround::ALL
                            .iter()
                            .map(|g| format!("{}（{}）", g.as_str(), g.label()))
                            .collect::<Vec<_>>()
                            .join("；")
                    ),
                )
            })
        })
        .transpose()?;
    Ok(ScopeFacts {
        public_interest: details.public_interest,
        foreign_loan_or_aid: details.foreign_loan_or_aid,
        total_investment: Fen(details.total_investment_fen),
        state_budget_funds: Fen(details.state_budget_funds_fen),
        state_controlled: details.state_controlled,
        packages,
        exemption,
    })
}

impl App {
    fn assess(&self, details: &ProjectDetails) -> AppResult<ScopeAssessment> {
        let ruleset = self.pinned_ruleset(&details.ruleset)?;
        project::assess(&facts(details)?, &thresholds(ruleset)?)
            .map_err(|error| invalid("packages", "invalid_amount", error.to_string()))
    }

    /// Registers a project; the registrant must act for the principal.
    pub async fn register_project(&self, actor: &Actor, new: NewProject) -> AppResult<ProjectView> {
        let code = InvestmentCode::parse(&new.code).map_err(|e| {
            invalid("code", "invalid_investment_code", format!("投资项目代码{e}（格式如 2026-330106-48-01-000123）"))
        })?;
        let name = required_text("name", &new.name, "项目名称", 200)?;
        if new.packages.is_empty() || new.packages.len() > PACKAGES_MAX {
            return Err(invalid("packages", "invalid_text", format!("至少登记1个、最多{PACKAGES_MAX}个采购内容")));
        }
        let packages = new
            .packages
            .iter()
            .enumerate()
            .map(|(i, (kind, name, estimate_fen))| {
                Ok(PackageDetails {
                    kind: kind.clone(),
                    name: required_text(&format!("packages[{i}].name"), name, "采购内容名称", 200)?,
                    estimate_fen: *estimate_fen,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        let exemption = match &new.exemption {
            Some((ground, justification)) => Some((
                ground.clone(),
                required_text("exemption.justification", justification, "不进行招标的理由说明", 2000)?,
            )),
            None => None,
        };
        let method = parse_method("method", &new.method)?;
        let form = parse_form("organisation_form", &new.organisation_form)?;
        let ground = parse_ground("invitation_ground", new.invitation_ground.as_deref())?;
        self.store
            .entity(new.principal_credit_code.as_str())
            .await?
            .ok_or(AppError::NotFound { what: "市场主体" })?;
        actor.authorize_on_entity(Action::ManageTender, &new.region, new.principal_credit_code.as_str())?;
        let details = ProjectDetails {
            project_id: code.as_str().to_owned(),
            name,
            region_code: new.region.as_str().to_owned(),
            principal_credit_code: new.principal_credit_code.as_str().to_owned(),
            ruleset: self.current_construction_ruleset()?.key(),
            public_interest: new.public_interest,
            foreign_loan_or_aid: new.foreign_loan_or_aid,
            total_investment_fen: new.total_investment_fen,
            state_budget_funds_fen: new.state_budget_funds_fen,
            state_controlled: new.state_controlled,
            packages,
            exemption,
            approval_required: new.approval_required,
            method: method.as_str().to_owned(),
            organisation_form: form.as_str().to_owned(),
            invitation_ground: ground.map(|g| g.as_str().to_owned()),
        };
        let assessment = self.assess(&details)?;
        project::check_method(&assessment, method, ground).map_err(procedure_refused)?;
        let stream_id = stream::project(code.as_str());
        let event = Recorded {
            stream_id: stream_id.clone(),
            region_code: details.region_code.clone(),
            event: Event::ProjectRegistered(details),
        };
        match self.record(actor, vec![(stream_id, ExpectedVersion::NoStream)], vec![event], Vec::new()).await {
            Ok(_) => {}
            Err(AppError::VersionConflict { .. }) => {
                return Err(AppError::AlreadyExists { what: "该投资项目代码的项目" });
            }
            Err(other) => return Err(other),
        }
        self.project(code.as_str()).await
    }

    /// A project as registered (public).
    pub async fn project(&self, project_id: &str) -> AppResult<ProjectView> {
        let mut view: Option<ProjectView> = None;
        for stored in self.store.stream(&stream::project(project_id)).await? {
            let event: Event = serde_json::from_str(&stored.payload)
                .map_err(|e| AppError::Internal(format!("stored event {}: {e}", stored.position)))?;
            let day = ggzy_domain::china_time::date_of(stored.recorded_at_ms);
            match (event, view.as_mut()) {
                (Event::ProjectRegistered(details), _) => {
                    let assessment = self.assess(&details)?;
                    let method = parse_method("method", &details.method)?;
                    let form = parse_form("organisation_form", &details.organisation_form)?;
                    let ground = parse_ground("invitation_ground", details.invitation_ground.as_deref())?;
                    view = Some(ProjectView {
                        details,
                        state: ProjectState::Registered,
                        assessment,
                        method,
                        organisation_form: form,
                        invitation_ground: ground,
                        approval: None,
                        filing: None,
                        not_ready: None,
                        version: 0,
                    });
                }
                (
                    Event::ProjectApprovalRecorded {
                        authority,
                        document_number,
                        decided_on,
                        method,
                        organisation_form,
                        invitation_ground,
                        ..
                    },
                    Some(view),
                ) => {
                    view.state = ProjectState::Approved;
                    view.method = parse_method("method", &method)?;
                    view.organisation_form = parse_form("organisation_form", &organisation_form)?;
                    view.invitation_ground = parse_ground("invitation_ground", invitation_ground.as_deref())?;
                    view.approval =
                        Some(ApprovalView { authority, document_number, decided_on: recorded_day(&decided_on) });
                }
                (Event::SelfTenderingFiled { technical_staff, economic_staff, statement, .. }, Some(view)) => {
                    view.filing = Some(FilingView { technical_staff, economic_staff, statement, filed_on: day });
                }
                _ => {}
            }
            if let Some(view) = view.as_mut() {
                view.version = stored.stream_version;
            }
        }
        let mut view = view.ok_or(AppError::NotFound { what: "项目" })?;
        view.not_ready = project::check_ready(&view.assessment, &view.standing()).err().map(|e| e.to_string());
        Ok(view)
    }

    async fn record_project(&self, actor: &Actor, view: &ProjectView, event: Event) -> AppResult<ProjectView> {
        let stream_id = stream::project(&view.details.project_id);
        let recorded = Recorded { stream_id: stream_id.clone(), region_code: view.details.region_code.clone(), event };
        self.record(actor, vec![(stream_id, ExpectedVersion::Exactly(view.version))], vec![recorded], Vec::new())
            .await?;
        self.project(&view.details.project_id).await
    }

    fn authorize_project(&self, actor: &Actor, view: &ProjectView) -> AppResult<()> {
        let region = crate::entity::stored_region(&view.details.region_code)?;
        actor.authorize_on_entity(Action::ManageTender, &region, &view.details.principal_credit_code)
    }

    /// Records the approving authority's decision on tender scope, method and form (实施条例 第七条).
    #[allow(clippy::too_many_arguments)]
    pub async fn record_project_approval(
        &self,
        actor: &Actor,
        project_id: &str,
        authority: &str,
        document_number: &str,
        decided_on: Date,
        method: &str,
        organisation_form: &str,
        invitation_ground: Option<&str>,
    ) -> AppResult<ProjectView> {
        let view = self.project(project_id).await?;
        self.authorize_project(actor, &view)?;
        project_transition(view.state, ProjectCommand::RecordApproval)
            .map_err(|refused| AppError::refused("invalid_transition", refused.to_string()))?;
        if !view.details.approval_required {
            return Err(AppError::refused(
                "approval_not_required",
                "该项目登记为不需审批、核准的项目，招标事项无需核准（招标投标法实施条例 第七条）",
            ));
        }
        let authority = required_text("authority", authority, "审批、核准部门", 200)?;
        let document_number = required_text("document_number", document_number, "核准文件文号", 200)?;
        if decided_on > ggzy_domain::china_time::date_of(self.now_ms()) {
            return Err(invalid("decided_on", "invalid_date", "核准日期不能晚于今天"));
        }
        let method = parse_method("method", method)?;
        let form = parse_form("organisation_form", organisation_form)?;
        let ground = parse_ground("invitation_ground", invitation_ground)?;
        project::check_method(&view.assessment, method, ground).map_err(procedure_refused)?;
        let event = Event::ProjectApprovalRecorded {
            project_id: project_id.to_owned(),
            authority,
            document_number,
            decided_on: decided_on.to_string(),
            method: method.as_str().to_owned(),
            organisation_form: form.as_str().to_owned(),
            invitation_ground: ground.map(|g| g.as_str().to_owned()),
        };
        self.record_project(actor, &view, event).await
    }

    /// Records the principal's self-tendering filing with the regulator (招标投标法 第十二条第三款): it
    /// must have technical and economic staff able to run the tender (实施条例 第十条).
    pub async fn file_self_tendering(
        &self,
        actor: &Actor,
        project_id: &str,
        technical_staff: u32,
        economic_staff: u32,
        statement: &str,
    ) -> AppResult<ProjectView> {
        let view = self.project(project_id).await?;
        self.authorize_project(actor, &view)?;
        project_transition(view.state, ProjectCommand::FileSelfTendering)
            .map_err(|refused| AppError::refused("invalid_transition", refused.to_string()))?;
        if view.organisation_form != OrganisationForm::SelfTendering {
            return Err(AppError::refused(
                "self_tendering_not_chosen",
                format!("该项目的招标组织形式为{}，无需办理自行招标备案", view.organisation_form.label()),
            ));
        }
        if view.filing.is_some() {
            return Err(AppError::refused("invalid_transition", "该项目已经办理自行招标备案"));
        }
        if technical_staff == 0 || economic_staff == 0 {
            return Err(AppError::refused(
                "self_tendering_staff_missing",
                "自行招标须具有与招标项目规模和复杂程度相适应的技术、经济等方面的专业人员，技术和经济人员均不能为0（招标投标法实施条例 第十条）",
            ));
        }
        let statement = required_text("statement", statement, "自行招标能力说明", 2000)?;
        let event =
            Event::SelfTenderingFiled { project_id: project_id.to_owned(), technical_staff, economic_staff, statement };
        self.record_project(actor, &view, event).await
    }

    /// The project a new tender is created under: it exists, belongs to the same principal, and the
    /// tender names an agency exactly when the project entrusts one (招标投标法 第十二条).
    pub(crate) async fn project_for_new_tender(
        &self,
        project_id: &str,
        principal: &CreditCode,
        agency: Option<&CreditCode>,
    ) -> AppResult<ProjectView> {
        let view = self.project(project_id).await?;
        if view.details.principal_credit_code != principal.as_str() {
            return Err(invalid(
                "project_id",
                "project_principal_mismatch",
                format!(
                    "项目 {project_id} 的招标人为 {}，与本招标项目的招标人不一致",
                    view.details.principal_credit_code
                ),
            ));
        }
        match (view.organisation_form, agency) {
            (OrganisationForm::Entrusted, None) => Err(invalid(
                "agency_credit_code",
                "agency_required",
                "该项目为委托招标，须填写受托的招标代理机构（招标投标法 第十二条、第十五条）",
            )),
            (OrganisationForm::SelfTendering, Some(_)) => Err(invalid(
                "agency_credit_code",
                "agency_not_allowed",
                "该项目为自行招标，不能指定招标代理机构；如需委托，请先变更招标组织形式（招标投标法实施条例 第七条）",
            )),
            _ => Ok(view),
        }
    }

    /// Whether a tender may publish its first notice (`method` = open) or invitation (invited):
    /// its project is ready (实施条例 第七条; 招标投标法 第十二条) and the method is the project's.
    pub(crate) async fn check_project_ready(&self, row: &TenderRow, method: TenderingMethod) -> AppResult<ProjectView> {
        let view = self.project(tender_project(row)?).await?;
        project::check_ready(&view.assessment, &view.standing()).map_err(procedure_refused)?;
        if view.method != method {
            return Err(procedure_refused(ProcedureError::MethodMismatch { project: view.method, attempted: method }));
        }
        Ok(view)
    }

    /// Whether the tender's project must be tendered by law (依法必须进行招标的项目).
    pub(crate) async fn tender_must_tender(&self, row: &TenderRow) -> AppResult<bool> {
        let project_id = tender_project(row)?;
        Ok(self.project(project_id).await?.assessment.must_tender())
    }

    /// Whether the tender's project is state-funded, so that its first candidate must win (实施条例
    /// 第五十五条).
    pub(crate) async fn tender_state_funded(&self, row: &TenderRow) -> AppResult<bool> {
        let project_id = tender_project(row)?;
        Ok(self.project(project_id).await?.assessment.state_funded())
    }
}

fn tender_project(row: &TenderRow) -> AppResult<&str> {
    row.project_id.as_deref().ok_or_else(|| AppError::Internal(format!("tender {} has no project", row.tender_id)))
}

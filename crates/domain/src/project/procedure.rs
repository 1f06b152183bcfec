//! How a project may be tendered: the method (open or invited, 实施条例 第八条), who organises it
//! (an entrusted agency or the principal itself, 招标投标法 第十二条), the approval of both with the
//! project (实施条例 第七条), and when its tenders may start (RULES.md §1.4 `DRAFT → READY`).

use std::fmt;

use super::ScopeAssessment;

/// 招标方式.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TenderingMethod {
    /// 公开招标.
    Open,
    /// 邀请招标.
    Invited,
}

impl TenderingMethod {
    /// Identifier used by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            TenderingMethod::Open => "open",
            TenderingMethod::Invited => "invited",
        }
    }

    /// Parses an identifier.
    pub fn parse(text: &str) -> Option<TenderingMethod> {
        [TenderingMethod::Open, TenderingMethod::Invited].into_iter().find(|m| m.as_str() == text)
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            TenderingMethod::Open => "公开招标",
            TenderingMethod::Invited => "邀请招标",
        }
    }
}

/// 招标组织形式.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OrganisationForm {
    /// 委托招标: an agency chosen by the principal runs it (招标投标法 第十二条第一款).
    Entrusted,
    /// 自行招标: the principal runs it with its own staff (第十二条第二款).
    SelfTendering,
}

impl OrganisationForm {
    /// Identifier used by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            OrganisationForm::Entrusted => "entrusted",
            OrganisationForm::SelfTendering => "self",
        }
    }

    /// Parses an identifier.
    pub fn parse(text: &str) -> Option<OrganisationForm> {
        [OrganisationForm::Entrusted, OrganisationForm::SelfTendering].into_iter().find(|f| f.as_str() == text)
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            OrganisationForm::Entrusted => "委托招标",
            OrganisationForm::SelfTendering => "自行招标",
        }
    }
}

/// The grounds on which a project that must tender openly may invite instead (实施条例 第八条).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InvitationGround {
    /// 技术复杂、有特殊要求或者受自然环境限制，只有少量潜在投标人可供选择.
    FewBidders,
    /// 采用公开招标方式的费用占项目合同金额的比例过大.
    CostDisproportionate,
}

impl InvitationGround {
    /// Both grounds.
    pub const ALL: [InvitationGround; 2] = [InvitationGround::FewBidders, InvitationGround::CostDisproportionate];

    /// Identifier used by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            InvitationGround::FewBidders => "few_bidders",
            InvitationGround::CostDisproportionate => "cost_disproportionate",
        }
    }

    /// Parses an identifier.
    pub fn parse(text: &str) -> Option<InvitationGround> {
        InvitationGround::ALL.into_iter().find(|g| g.as_str() == text)
    }

    /// The statute's words.
    pub fn label(self) -> &'static str {
        match self {
            InvitationGround::FewBidders => "技术复杂、有特殊要求或者受自然环境限制，只有少量潜在投标人可供选择",
            InvitationGround::CostDisproportionate => "采用公开招标方式的费用占项目合同金额的比例过大",
        }
    }

    /// The list shown when a ground is missing or unknown.
    pub fn listing() -> String {
        InvitationGround::ALL.iter().map(|g| format!("{}（{}）", g.as_str(), g.label())).collect::<Vec<_>>().join("；")
    }
}

/// Why a project's choice of method, or its readiness to tender, is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProcedureError {
    /// A state-funded must-tender project chose invited tendering without a ground.
    #[error(
        "国有资金占控股或者主导地位的依法必须进行招标的项目应当公开招标；邀请招标须有下列情形之一：{}（招标投标法实施条例 第八条）",
        InvitationGround::listing()
    )]
    OpenTenderingRequired,
    /// The project needs approval of its tender scope, method and form first.
    #[error(
        "该项目须先将招标范围、招标方式、招标组织形式报项目审批、核准部门审批、核准，登记核准文件后方可招标（招标投标法实施条例 第七条）"
    )]
    ApprovalMissing,
    /// A self-tendering must-tender project has not filed with the regulator.
    #[error("依法必须进行招标的项目自行办理招标事宜的，应当先向有关行政监督部门备案（招标投标法 第十二条第三款）")]
    SelfTenderingNotFiled,
    /// The tender's method differs from the project's.
    #[error("该项目确定的招标方式为{}，不能{}（招标投标法实施条例 第七条）", project.label(), attempted.label())]
    MethodMismatch {
        /// The project's method.
        project: TenderingMethod,
        /// What the tender tried.
        attempted: TenderingMethod,
    },
}

/// Checks a method against 实施条例 第八条: a state-funded must-tender project tenders openly
/// unless one of the two grounds is found.
pub fn check_method(
    assessment: &ScopeAssessment,
    method: TenderingMethod,
    ground: Option<InvitationGround>,
) -> Result<(), ProcedureError> {
    let bound_to_open = assessment.must_tender() && assessment.state_funded();
    if bound_to_open && method == TenderingMethod::Invited && ground.is_none() {
        return Err(ProcedureError::OpenTenderingRequired);
    }
    Ok(())
}

/// What a project has on record that decides whether its tenders may start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProjectStanding {
    /// The project needs 审批 or 核准 (rather than 备案) under the investment rules.
    pub approval_required: bool,
    /// The approval of scope, method and form is recorded.
    pub approved: bool,
    /// The organisation form in force (the approved one, once approved).
    pub form: OrganisationForm,
    /// The self-tendering filing is recorded.
    pub self_tendering_filed: bool,
}

/// Whether a tender of the project may publish its first notice or invitation (`DRAFT → READY`):
/// a must-tender project needs the approval where the investment rules require one (实施条例 第七条),
/// and the filing when it tenders itself (招标投标法 第十二条第三款). A project outside the duty may
/// tender voluntarily at once.
pub fn check_ready(assessment: &ScopeAssessment, standing: &ProjectStanding) -> Result<(), ProcedureError> {
    if !assessment.must_tender() {
        return Ok(());
    }
    if standing.approval_required && !standing.approved {
        return Err(ProcedureError::ApprovalMissing);
    }
    if standing.form == OrganisationForm::SelfTendering && !standing.self_tendering_filed {
        return Err(ProcedureError::SelfTenderingNotFiled);
    }
    Ok(())
}

/// Where a project's registration stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProjectState {
    /// Registered with its code, funding, packages, method and form.
    Registered,
    /// The approving authority's decision on scope, method and form is recorded (实施条例 第七条).
    Approved,
}

impl ProjectState {
    /// Identifier used by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectState::Registered => "registered",
            ProjectState::Approved => "approved",
        }
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            ProjectState::Registered => "已登记",
            ProjectState::Approved => "招标事项已核准",
        }
    }
}

/// What may be done to a registered project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProjectCommand {
    /// Record the approval of tender scope, method and form.
    RecordApproval,
    /// Record the self-tendering filing with the regulator.
    FileSelfTendering,
}

impl ProjectCommand {
    /// The Chinese name shown in errors.
    pub fn label(self) -> &'static str {
        match self {
            ProjectCommand::RecordApproval => "登记招标事项核准",
            ProjectCommand::FileSelfTendering => "办理自行招标备案",
        }
    }
}

/// One legal move of a project.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProjectTransition {
    /// State before.
    pub from: ProjectState,
    /// The command.
    pub command: ProjectCommand,
    /// State after.
    pub to: ProjectState,
    /// The article.
    pub source: &'static str,
}

use ProjectCommand as C;
use ProjectState as S;

/// A project's registration, one legal move per line. Approval is given once; a filing may come
/// before or after it (it changes no state, only what the tenders may do).
pub const PROJECT_TRANSITIONS: &[ProjectTransition] = &[
    ProjectTransition {
        from: S::Registered,
        command: C::RecordApproval,
        to: S::Approved,
        source: "招标投标法实施条例 第七条",
    },
    ProjectTransition {
        from: S::Registered,
        command: C::FileSelfTendering,
        to: S::Registered,
        source: "招标投标法 第十二条第三款；招标投标法实施条例 第十条",
    },
    ProjectTransition {
        from: S::Approved,
        command: C::FileSelfTendering,
        to: S::Approved,
        source: "招标投标法 第十二条第三款；招标投标法实施条例 第十条",
    },
];

/// A command the project's state does not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub struct InvalidProjectTransition {
    /// The state.
    pub state: ProjectState,
    /// The command.
    pub command: ProjectCommand,
}

impl fmt::Display for InvalidProjectTransition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "该项目当前为“{}”，不能{}", self.state.label(), self.command.label())
    }
}

/// The move a command makes from a state, if the table allows it.
pub fn project_transition(
    state: ProjectState,
    command: ProjectCommand,
) -> Result<&'static ProjectTransition, InvalidProjectTransition> {
    PROJECT_TRANSITIONS
        .iter()
        .find(|line| line.from == state && line.command == command)
        .ok_or(InvalidProjectTransition { state, command })
}

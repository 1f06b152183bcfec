//! Projects (项目登记): the investment project code, whether and what the law requires to be
//! tendered (RULES.md §1.1), and the method and organisation form approved for it, which gate its
//! tenders (RULES.md §1.4 `DRAFT → READY`).

mod investment_code;
mod procedure;
mod scope;

pub use investment_code::InvestmentCode;
pub use procedure::{
    InvalidProjectTransition, InvitationGround, OrganisationForm, PROJECT_TRANSITIONS, ProcedureError, ProjectCommand,
    ProjectStanding, ProjectState, ProjectTransition, TenderingMethod, check_method, check_ready, project_transition,
};
pub use scope::{
    Category, ClassVerdict, ContractKind, ExemptionGround, ScopeAssessment, ScopeError, ScopeFacts, ScopeThresholds,
    ThresholdClass, assess,
};

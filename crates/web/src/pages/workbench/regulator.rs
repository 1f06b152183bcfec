//! The regulator's workbench (`/workbench/regulator`): the procedures of its regions and where each
//! stands (程序监控), the supervision alerts with their evidence and the review that confirms or
//! dismisses each (then refers a confirmed one), and the complaints with their statutory clocks and
//! the acceptance and written decisions (招标投标法实施条例 第六十一条). Every form goes through the
//! same use case as `POST /api/v1/alerts/{id}/review`, `…/referral`, `POST
//! /api/v1/complaints/{id}/acceptance` and `…/decision`, so the API's authorization and checks apply.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use ggzy_app::AppError;
use ggzy_app::alert::AlertView;
use ggzy_app::workbench::{
    DeskComplaint, DeskProcurementComplaint, MonitoredProcurement, MonitoredSale, MonitoredTender, RegulatorDesk,
};
use ggzy_domain::Role;
use ggzy_domain::alert::{AlertCommand, AlertState};
use ggzy_domain::complaint::ComplaintState;
use serde::Deserialize;

use super::{Desk, FailedForm, FormErrors, PageForm, no_store};
use crate::WebState;
use crate::pages::PageError;
use crate::pages::format::{UNCOUNTED_DAY, datetime, machine_datetime};

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/workbench/regulator", get(page))
        .route("/workbench/regulator/alerts/review", post(review))
        .route("/workbench/regulator/alerts/referral", post(refer))
        .route("/workbench/regulator/complaints/acceptance", post(acceptance))
        .route("/workbench/regulator/complaints/decision", post(decision))
}

/// `2026-11-24 16:00` and its machine form, or both empty when there is no time.
fn when(ms: Option<i64>) -> (String, String) {
    ms.map_or_else(|| (String::new(), String::new()), |ms| (datetime(ms), machine_datetime(ms)))
}

/// A row of the procedure monitor (a tender, a procurement or a sale).
struct ProcedureRow {
    href: String,
    title: String,
    region: String,
    state: &'static str,
    state_label: &'static str,
    due: String,
    due_machine: String,
    note: String,
}

impl From<&MonitoredTender> for ProcedureRow {
    fn from(t: &MonitoredTender) -> ProcedureRow {
        let (due, due_machine) = when(t.bid_deadline_ms);
        let note =
            if t.open_objections > 0 { format!("{} 件异议待答复", t.open_objections) } else { String::new() };
        ProcedureRow {
            href: format!("/notices/{}", t.tender_id),
            title: t.title.clone(),
            region: t.region_code.clone(),
            state: t.state.as_str(),
            state_label: t.state.label(),
            due,
            due_machine,
            note,
        }
    }
}

impl From<&MonitoredProcurement> for ProcedureRow {
    fn from(p: &MonitoredProcurement) -> ProcedureRow {
        let (due, due_machine) = when(p.offers_due_ms);
        ProcedureRow {
            href: format!("/procurements/{}", p.procurement_id),
            title: p.title.clone(),
            region: p.region_code.clone(),
            state: p.state.as_str(),
            state_label: p.state.label(),
            due,
            due_machine,
            note: String::new(),
        }
    }
}

impl From<&MonitoredSale> for ProcedureRow {
    fn from(s: &MonitoredSale) -> ProcedureRow {
        let (due, due_machine) = when(Some(s.ends_at_ms));
        ProcedureRow {
            href: format!("/sales/{}", s.sale_id),
            title: s.title.clone(),
            region: s.region_code.clone(),
            state: s.phase.as_str(),
            state_label: s.phase.label(),
            due,
            due_machine,
            note: String::new(),
        }
    }
}

/// An alert with its evidence, reviews and the forms its state allows.
struct AlertRow {
    alert_id: String,
    review_key: String,
    referral_key: String,
    tender_id: String,
    tender_title: String,
    lot_id: String,
    rule: String,
    label: String,
    article: String,
    score: String,
    state: &'static str,
    state_label: &'static str,
    raised: String,
    bidders: Vec<String>,
    evidence: Vec<(String, String)>,
    reviews: Vec<(&'static str, String, String, String)>,
    reviewable: bool,
    referable: bool,
}

impl AlertRow {
    /// The row of an alert; `tenders` gives the title of its tender.
    fn new(a: &AlertView, tenders: &[MonitoredTender]) -> AlertRow {
        let d = &a.details;
        let tender_title = tenders.iter().find(|t| t.tender_id == d.tender_id).map(|t| t.title.clone());
        AlertRow {
            tender_title: tender_title.unwrap_or_else(|| d.tender_id.clone()),
            alert_id: d.alert_id.clone(),
            review_key: format!("review:{}", d.alert_id),
            referral_key: format!("referral:{}", d.alert_id),
            tender_id: d.tender_id.clone(),
            lot_id: d.lot_id.clone(),
            rule: d.rule.clone(),
            label: d.label.clone(),
            article: d.article.clone(),
            score: format!("{}.{:03}", d.score_permille / 1000, d.score_permille % 1000),
            state: a.state.as_str(),
            state_label: a.state.label(),
            raised: datetime(a.raised_at_ms),
            bidders: d.bidders.clone(),
            evidence: d.evidence.clone(),
            reviews: a
                .reviews
                .iter()
                .map(|(state, reason, at)| (state.label(), reason.clone(), datetime(*at), machine_datetime(*at)))
                .collect(),
            reviewable: a.state == AlertState::New,
            referable: a.state == AlertState::Confirmed,
        }
    }
}

/// A tender complaint with its clocks and the decision its state allows.
struct ComplaintRow {
    complaint_id: String,
    acceptance_key: String,
    decision_key: String,
    tender_id: String,
    title: String,
    complainant: String,
    text: String,
    known_on: String,
    filed_day: String,
    state: &'static str,
    state_label: &'static str,
    acceptance_due: String,
    acceptance: String,
    decision_due: String,
    decision: String,
    awaiting_acceptance: bool,
    awaiting_decision: bool,
}

/// A statutory last day beyond the working-day calendar the platform holds (not guessed).
const UNKNOWN_DAY: &str = "工作日历尚未覆盖该日期，暂无法确定";

fn in_time(yes: bool) -> &'static str {
    if yes { "在期限内" } else { "已超过期限" }
}

impl From<&DeskComplaint> for ComplaintRow {
    fn from(c: &DeskComplaint) -> ComplaintRow {
        let v = &c.complaint;
        let acceptance = v.acceptance.as_ref().map_or_else(String::new, |(day, ok, reason)| {
            let what = if v.state == ComplaintState::NotAccepted { "决定不予受理" } else { "受理" };
            let why = if reason.is_empty() { String::new() } else { format!("，理由：{reason}") };
            format!("{day} {what}（{}）{why}", in_time(*ok))
        });
        let decision = v.decision.as_ref().map_or_else(String::new, |(day, ok, upheld, text)| {
            let outcome = if *upheld { "投诉成立" } else { "投诉不成立，驳回" };
            format!("{day} 作出处理决定（{}）：{outcome}。{text}", in_time(*ok))
        });
        ComplaintRow {
            complaint_id: v.complaint_id.clone(),
            acceptance_key: format!("acceptance:{}", v.complaint_id),
            decision_key: format!("decision:{}", v.complaint_id),
            tender_id: v.tender_id.clone(),
            title: if c.title.is_empty() { v.tender_id.clone() } else { c.title.clone() },
            complainant: v.complainant_credit_code.clone(),
            text: v.text.clone(),
            known_on: v.known_on.to_string(),
            filed_day: v.filed_day.to_string(),
            state: v.state.as_str(),
            state_label: v.state.label(),
            acceptance_due: v.acceptance_due.map_or_else(|| UNKNOWN_DAY.to_owned(), |d| d.to_string()),
            acceptance,
            decision_due: match (v.decision_due, v.state) {
                (Some(day), _) => day.to_string(),
                (None, ComplaintState::Accepted | ComplaintState::Decided) => UNKNOWN_DAY.to_owned(),
                (None, _) => String::new(),
            },
            decision,
            awaiting_acceptance: v.state == ComplaintState::Filed,
            awaiting_decision: v.state == ComplaintState::Accepted,
        }
    }
}

/// A government-procurement complaint (read only here: the finance department's forms are the API's).
struct ProcurementComplaintRow {
    procurement_id: String,
    title: String,
    supplier: String,
    text: String,
    received_on: String,
    review_due: String,
    decision_due: String,
    decision: String,
}

impl From<&DeskProcurementComplaint> for ProcurementComplaintRow {
    fn from(p: &DeskProcurementComplaint) -> ProcurementComplaintRow {
        let c = &p.complaint;
        let decision_due = match (&c.decision_due, &c.decision_clock_stopped) {
            (_, Some((since, left))) => format!("自 {since} 起暂停计算（剩余 {left} 个工作日）"),
            (Some(due), None) => due.day.to_string(),
            (None, None) => UNCOUNTED_DAY.to_owned(),
        };
        let decision = c.decision.as_ref().map_or_else(String::new, |(upheld, affects, text, day)| {
            let outcome = if *upheld { "投诉成立" } else { "投诉不成立" };
            let effect = if *affects { "，影响采购结果" } else { "" };
            format!("{day} {outcome}{effect}。{text}")
        });
        ProcurementComplaintRow {
            procurement_id: p.procurement_id.clone(),
            title: p.title.clone(),
            supplier: c.supplier_credit_code.clone(),
            text: c.text.clone(),
            received_on: c.received_on.to_string(),
            review_due: c.review_due.as_ref().map_or_else(|| UNCOUNTED_DAY.to_owned(), |due| due.day.to_string()),
            decision_due,
            decision,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "workbench/regulator.html")]
struct RegulatorPage {
    user: String,
    csrf_token: String,
    regions: String,
    server_now: String,
    tenders: Vec<ProcedureRow>,
    procurements: Vec<ProcedureRow>,
    sales: Vec<ProcedureRow>,
    alerts: Vec<AlertRow>,
    complaints: Vec<ComplaintRow>,
    procurement_complaints: Vec<ProcurementComplaintRow>,
    done: Option<&'static str>,
    /// The refused form, if any.
    failed: FailedForm,
}

fn render(desk: &Desk, data: &RegulatorDesk) -> RegulatorPage {
    RegulatorPage {
        user: desk.actor.display_name.clone(),
        csrf_token: desk.csrf_token.clone(),
        regions: data.regions.join("、"),
        server_now: datetime(data.server_now_ms),
        tenders: data.tenders.iter().map(ProcedureRow::from).collect(),
        procurements: data.procurements.iter().map(ProcedureRow::from).collect(),
        sales: data.sales.iter().map(ProcedureRow::from).collect(),
        alerts: data.alerts.iter().map(|alert| AlertRow::new(alert, &data.tenders)).collect(),
        complaints: data.complaints.iter().map(ComplaintRow::from).collect(),
        procurement_complaints: data.procurement_complaints.iter().map(ProcurementComplaintRow::from).collect(),
        done: None,
        failed: FailedForm::default(),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct Done {
    done: Option<String>,
}

fn done_message(done: Option<&str>) -> Option<&'static str> {
    match done {
        Some("reviewed") => Some("核查结论已记录。"),
        Some("referred") => Some("预警已移送。"),
        Some("accepted") => Some("受理决定已记录，投诉人可在平台查看。"),
        Some("decided") => Some("处理决定已记录，投诉人可在平台查看。"),
        _ => None,
    }
}

/// `GET /workbench/regulator`.
async fn page(State(state): State<WebState>, desk: Desk, Query(query): Query<Done>) -> Result<Response, PageError> {
    desk.require(&[Role::Regulator])?;
    let data = state.app.regulator_desk(&desk.actor).await?;
    let mut page = render(&desk, &data);
    page.done = done_message(query.done.as_deref());
    Ok(no_store(page.into_response()))
}

/// The page again with one form's errors (422: nothing was recorded).
async fn with_errors(state: &WebState, desk: &Desk, key: String, errors: FormErrors) -> Result<Response, PageError> {
    let data = state.app.regulator_desk(&desk.actor).await?;
    let mut page = render(desk, &data);
    page.failed = FailedForm::new(key, errors);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, no_store(page.into_response())).into_response())
}

/// The API's refusal of a form: beside the field, unless it concerns no field at all (not this
/// regulator's region, no such record), which is the error page with the API's status.
async fn refused(
    state: &WebState,
    desk: &Desk,
    key: String,
    error: AppError,
    field: &str,
) -> Result<Response, PageError> {
    match error {
        AppError::Forbidden(_) | AppError::NotFound { .. } => Err(PageError::from(error)),
        other => with_errors(state, desk, key, FormErrors::from_api(other, field)).await,
    }
}

/// The checks every form of this page starts with.
fn admit(desk: &Desk, csrf_token: &str) -> Result<(), PageError> {
    desk.check_csrf(csrf_token)?;
    desk.require(&[Role::Regulator])
}

#[derive(Debug, Deserialize)]
pub(crate) struct ReviewForm {
    #[serde(default)]
    csrf_token: String,
    alert_id: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

/// `POST /workbench/regulator/alerts/review`: confirms or dismisses a new alert, with the reason.
async fn review(
    State(state): State<WebState>,
    desk: Desk,
    PageForm(form): PageForm<ReviewForm>,
) -> Result<Response, PageError> {
    admit(&desk, &form.csrf_token)?;
    let key = format!("review:{}", form.alert_id);
    let command = match form.decision.as_str() {
        "confirm" => AlertCommand::Confirm,
        "dismiss" => AlertCommand::Dismiss,
        _ => {
            let errors = FormErrors::one("decision", "请选择核查结论：确认（情况属实）或排除（不属实）");
            return with_errors(&state, &desk, key, errors).await;
        }
    };
    match state.app.review_alert(&desk.actor, &form.alert_id, command, &form.reason).await {
        Ok(_) => Ok(Redirect::to("/workbench/regulator?done=reviewed#alerts-heading").into_response()),
        Err(error) => refused(&state, &desk, key, error, "reason").await,
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct ReferralForm {
    #[serde(default)]
    csrf_token: String,
    alert_id: String,
    #[serde(default)]
    reason: String,
}

/// `POST /workbench/regulator/alerts/referral`: refers a confirmed alert on, saying to whom and why.
async fn refer(
    State(state): State<WebState>,
    desk: Desk,
    PageForm(form): PageForm<ReferralForm>,
) -> Result<Response, PageError> {
    admit(&desk, &form.csrf_token)?;
    let key = format!("referral:{}", form.alert_id);
    match state.app.review_alert(&desk.actor, &form.alert_id, AlertCommand::Refer, &form.reason).await {
        Ok(_) => Ok(Redirect::to("/workbench/regulator?done=referred#alerts-heading").into_response()),
        Err(error) => refused(&state, &desk, key, error, "reason").await,
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct AcceptanceForm {
    #[serde(default)]
    csrf_token: String,
    complaint_id: String,
    /// `accept` or `refuse`.
    #[serde(default)]
    accept: String,
    #[serde(default)]
    reason: String,
}

/// `POST /workbench/regulator/complaints/acceptance`: accepts a complaint or declines it with a reason.
async fn acceptance(
    State(state): State<WebState>,
    desk: Desk,
    PageForm(form): PageForm<AcceptanceForm>,
) -> Result<Response, PageError> {
    admit(&desk, &form.csrf_token)?;
    let key = format!("acceptance:{}", form.complaint_id);
    let accept = match form.accept.as_str() {
        "accept" => true,
        "refuse" => false,
        _ => {
            let errors = FormErrors::one("accept", "请选择受理或不予受理");
            return with_errors(&state, &desk, key, errors).await;
        }
    };
    match state.app.decide_complaint_acceptance(&desk.actor, &form.complaint_id, accept, &form.reason).await {
        Ok(_) => Ok(Redirect::to("/workbench/regulator?done=accepted#complaints-heading").into_response()),
        Err(error) => refused(&state, &desk, key, error, "reason").await,
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct DecisionForm {
    #[serde(default)]
    csrf_token: String,
    complaint_id: String,
    /// `upheld` or `rejected`.
    #[serde(default)]
    upheld: String,
    #[serde(default)]
    decision: String,
}

/// `POST /workbench/regulator/complaints/decision`: the written decision on an accepted complaint.
async fn decision(
    State(state): State<WebState>,
    desk: Desk,
    PageForm(form): PageForm<DecisionForm>,
) -> Result<Response, PageError> {
    admit(&desk, &form.csrf_token)?;
    let key = format!("decision:{}", form.complaint_id);
    let upheld = match form.upheld.as_str() {
        "upheld" => true,
        "rejected" => false,
        _ => {
            let errors = FormErrors::one("upheld", "请选择投诉成立或不成立");
            return with_errors(&state, &desk, key, errors).await;
        }
    };
    match state.app.decide_complaint(&desk.actor, &form.complaint_id, upheld, &form.decision).await {
        Ok(_) => Ok(Redirect::to("/workbench/regulator?done=decided#complaints-heading").into_response()),
        Err(error) => refused(&state, &desk, key, error, "decision").await,
    }
}

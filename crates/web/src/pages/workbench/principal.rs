//! The principal's and agency's workbench (`/workbench/principal`): the tenders its entities run
//! with their state and bid deadline, what waits on each (objections to the documents with the
//! reply form, the lots' expert draws as counts, reports, candidates, award and contract), the
//! projects, and the government procurements where an entity is purchaser or agency. The reply
//! goes through the same use case as `POST /api/v1/tenders/{id}/objections/{id}/reply`; acts that
//! need a private key (the opening-key ceremony) are shown as the CLI command, never taken here.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use ggzy_app::workbench::{DeskAward, DeskDraw, DeskLot, DeskProcurement, DeskTender, PrincipalDesk};
use ggzy_domain::Role;
use ggzy_domain::tender::TenderState;
use serde::Deserialize;

use super::{Desk, FailedForm, FormErrors, PageForm, no_store};
use crate::WebState;
use crate::pages::PageError;
use crate::pages::format::{datetime, machine_datetime, yuan};

/// Who may use this workbench.
const ROLES: [Role; 2] = [Role::Principal, Role::Agency];

pub(super) fn routes() -> Router<WebState> {
    Router::new().route("/workbench/principal", get(page)).route("/workbench/principal/objection-replies", post(reply))
}

/// An objection to the documents, as a row (the objector stays unnamed).
struct ObjectionRow {
    key: String,
    objection_id: String,
    text: String,
    raised_day: String,
    /// The reply and its day, once answered.
    reply: Option<(String, String)>,
}

/// A lot, as a row.
struct LotRow {
    lot_id: String,
    name: String,
    failed_reason: Option<String>,
    draw: Option<String>,
    draw_id: String,
    award: Option<AwardRow>,
}

/// A lot's award procedure, as a row.
struct AwardRow {
    stage: &'static str,
    stage_label: &'static str,
    reported_day: String,
    candidates: Vec<String>,
    winner: String,
    open_objections: usize,
    letter_day: String,
    contract: String,
}

/// A tender, as a row.
struct TenderRowView {
    tender_id: String,
    title: String,
    state: &'static str,
    state_label: &'static str,
    role_label: &'static str,
    principal_name: String,
    project_id: String,
    deadline: String,
    deadline_machine: String,
    needs_ceremony: bool,
    objections: Vec<ObjectionRow>,
    lots: Vec<LotRow>,
}

/// A procurement, as a row.
struct ProcurementRowView {
    procurement_id: String,
    title: String,
    state: &'static str,
    state_label: &'static str,
    role_label: &'static str,
    budget: String,
}

/// A draw as one sentence of counts (names sealed, 招标投标法 第三十七条).
fn draw_text(draw: &DeskDraw) -> String {
    if draw.performed {
        format!(
            "已抽取 {} 人：确认参加 {} 人，不参加 {} 人，未答复 {} 人；评标开始 {}",
            draw.requested,
            draw.accepted,
            draw.declined,
            draw.unanswered,
            datetime(draw.evaluation_start_ms)
        )
    } else {
        format!(
            "已申请抽取 {} 人，抽取时间 {}，评标开始 {}",
            draw.requested,
            datetime(draw.draw_at_ms),
            datetime(draw.evaluation_start_ms)
        )
    }
}

impl From<&DeskAward> for AwardRow {
    fn from(award: &DeskAward) -> AwardRow {
        AwardRow {
            stage: award.stage.as_str(),
            stage_label: award.stage.label(),
            reported_day: award.reported_day.map(|d| d.to_string()).unwrap_or_default(),
            candidates: award.candidates.clone(),
            winner: award.winner.clone().unwrap_or_default(),
            open_objections: award.open_objections,
            letter_day: award.letter_day.map(|d| d.to_string()).unwrap_or_default(),
            contract: award
                .contract
                .map(|(amount, day)| format!("合同金额 {}，{day} 签订", yuan(amount)))
                .unwrap_or_default(),
        }
    }
}

impl From<&DeskLot> for LotRow {
    fn from(lot: &DeskLot) -> LotRow {
        LotRow {
            lot_id: lot.lot_id.clone(),
            name: lot.name.clone(),
            failed_reason: lot.failed_reason.clone(),
            draw: lot.draw.as_ref().map(draw_text),
            draw_id: lot.draw.as_ref().map(|d| d.draw_id.clone()).unwrap_or_default(),
            award: lot.award.as_ref().map(AwardRow::from),
        }
    }
}

impl From<&DeskTender> for TenderRowView {
    fn from(t: &DeskTender) -> TenderRowView {
        TenderRowView {
            tender_id: t.tender_id.clone(),
            title: t.title.clone(),
            state: t.state.as_str(),
            state_label: t.state.label(),
            role_label: if t.as_agency { "受托代理" } else { "招标人" },
            principal_name: t.principal_name.clone(),
            project_id: t.project_id.clone().unwrap_or_default(),
            deadline: t.bid_deadline_ms.map(datetime).unwrap_or_default(),
            deadline_machine: t.bid_deadline_ms.map(machine_datetime).unwrap_or_default(),
            needs_ceremony: t.state == TenderState::Draft && !t.has_opening_key,
            objections: t
                .objections
                .iter()
                .map(|o| ObjectionRow {
                    key: objection_key(&t.tender_id, &o.objection_id),
                    objection_id: o.objection_id.clone(),
                    text: o.text.clone(),
                    raised_day: o.raised_day.to_string(),
                    reply: o.answer.as_ref().map(|(reply, day)| (reply.clone(), day.to_string())),
                })
                .collect(),
            lots: t.lots.iter().map(LotRow::from).collect(),
        }
    }
}

impl From<&DeskProcurement> for ProcurementRowView {
    fn from(p: &DeskProcurement) -> ProcurementRowView {
        ProcurementRowView {
            procurement_id: p.procurement_id.clone(),
            title: p.title.clone(),
            state: p.state.as_str(),
            state_label: p.state.label(),
            role_label: if p.as_agency { "采购代理机构" } else { "采购人" },
            budget: yuan(p.budget_fen),
        }
    }
}

/// The key of an objection's reply form.
fn objection_key(tender_id: &str, objection_id: &str) -> String {
    format!("objection:{tender_id}:{objection_id}")
}

#[derive(Template, WebTemplate)]
#[template(path = "workbench/principal.html")]
struct PrincipalPage {
    user: String,
    csrf_token: String,
    entities: Vec<(String, String)>,
    projects: Vec<(String, String, &'static str, String)>,
    tenders: Vec<TenderRowView>,
    procurements: Vec<ProcurementRowView>,
    server_now: String,
    done: Option<&'static str>,
    /// The refused form, if any.
    failed: FailedForm,
    posted_reply: String,
}

impl PrincipalPage {
    /// What the row's form held when it was refused (empty otherwise).
    fn posted(&self, key: &str) -> &str {
        if self.failed.is(key) { &self.posted_reply } else { "" }
    }
}

fn render(desk: &Desk, data: &PrincipalDesk) -> PrincipalPage {
    PrincipalPage {
        user: desk.actor.display_name.clone(),
        csrf_token: desk.csrf_token.clone(),
        entities: data.entities.iter().map(|e| (e.credit_code.clone(), e.name.clone())).collect(),
        projects: data
            .projects
            .iter()
            .map(|p| (p.project_id.clone(), p.name.clone(), p.state_label, p.not_ready.clone().unwrap_or_default()))
            .collect(),
        tenders: data.tenders.iter().map(TenderRowView::from).collect(),
        procurements: data.procurements.iter().map(ProcurementRowView::from).collect(),
        server_now: datetime(data.server_now_ms),
        done: None,
        failed: FailedForm::default(),
        posted_reply: String::new(),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct Done {
    done: Option<String>,
}

/// `GET /workbench/principal`.
async fn page(State(state): State<WebState>, desk: Desk, Query(query): Query<Done>) -> Result<Response, PageError> {
    desk.require(&ROLES)?;
    let data = state.app.principal_desk(&desk.actor).await?;
    let mut page = render(&desk, &data);
    page.done = match query.done.as_deref() {
        Some("replied") => {
            Some("异议已答复。最后一项异议答复后，投标截止时间按暂停天数顺延（招标投标法实施条例 第二十二条）。")
        }
        _ => None,
    };
    Ok(no_store(page.into_response()))
}

#[derive(Debug, Deserialize)]
pub(crate) struct Reply {
    #[serde(default)]
    csrf_token: String,
    tender_id: String,
    objection_id: String,
    #[serde(default)]
    reply: String,
}

/// `POST /workbench/principal/objection-replies`: answers an objection to the documents; the page
/// again with the reason beside the reply when refused (422: nothing was recorded).
async fn reply(
    State(state): State<WebState>,
    desk: Desk,
    PageForm(form): PageForm<Reply>,
) -> Result<Response, PageError> {
    desk.check_csrf(&form.csrf_token)?;
    desk.require(&ROLES)?;
    match state.app.answer_document_objection(&desk.actor, &form.tender_id, &form.objection_id, &form.reply).await {
        Ok(_) => Ok(Redirect::to("/workbench/principal?done=replied").into_response()),
        Err(error) => {
            let data = state.app.principal_desk(&desk.actor).await?;
            let mut page = render(&desk, &data);
            page.failed = FailedForm::new(
                objection_key(&form.tender_id, &form.objection_id),
                FormErrors::from_api(error, "reply"),
            );
            page.posted_reply = form.reply;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, no_store(page.into_response())).into_response())
        }
    }
}

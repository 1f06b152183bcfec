//! The expert's workbench (`/workbench/expert`): the draws that picked the user's expert record
//! with the answer form (accept or decline, the use case of `POST /api/v1/draws/{id}/answers`),
//! and for each lot whose committee the expert sits on the evaluation entry: sign-in with the
//! avoidance declaration (回避承诺) and the certificate (the use case of `…/evaluation/sign-in`),
//! then the opened bids. Score sheets and the report are signed with the expert's own SM2 key:
//! the page says how, and never asks for the key.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use ggzy_app::AppError;
use ggzy_app::award::SignInInput;
use ggzy_app::workbench::{ExpertDesk, ExpertDraw, ExpertEvaluation};
use ggzy_domain::Role;
use ggzy_domain::lot_award::LotStage;
use serde::Deserialize;

use super::{Desk, FailedForm, FormErrors, PageForm, no_store};
use crate::WebState;
use crate::pages::PageError;
use crate::pages::format::{datetime, machine_datetime, yuan};

/// The declaration the sign-in form starts with; the expert may rewrite it in their own words.
const DECLARATION: &str = "本人承诺：与本项目招标人、投标人不存在利害关系，不存在法律法规规定应当回避的情形；评标中发现应当回避的情形将主动提出回避，并对评标工作保密。";

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/workbench/expert", get(page))
        .route("/workbench/expert/draw-answers", post(answer))
        .route("/workbench/expert/evaluation-sign-ins", post(sign_in))
}

/// An opened bid as the committee reads it.
struct BidRow {
    bidder: String,
    declared: String,
}

/// The committee work on a lot, as shown.
struct EvaluationRow {
    key: String,
    member_id: String,
    stage_label: &'static str,
    evaluating: bool,
    signed_in: bool,
    chair: String,
    scored: bool,
    draft_sm3: String,
    signed_draft: bool,
    bids: Vec<BidRow>,
}

/// A draw that picked the expert, as a row.
struct DrawRow {
    key: String,
    draw_id: String,
    tender_id: String,
    lot_id: String,
    title: String,
    lot_name: String,
    role_label: &'static str,
    start: String,
    start_machine: String,
    end: String,
    answer: String,
    answerable: bool,
    evaluation: Option<EvaluationRow>,
}

fn role_label(role: &str) -> &'static str {
    match role {
        "reserve" => "候补专家",
        "replacement" => "补抽的评标委员会成员",
        _ => "评标委员会成员",
    }
}

fn answer_text(draw: &ExpertDraw) -> String {
    match (&draw.replaced, &draw.answer) {
        (Some(_), _) => "已由补抽专家替换".to_owned(),
        (None, Some((true, _))) => "已确认参加".to_owned(),
        (None, Some((false, reason))) => format!("已答复不参加：{reason}"),
        (None, None) => "尚未答复".to_owned(),
    }
}

/// What a bidder declared in its envelope, readable: the price in yuan, other fields as given.
fn declared_text(declared_json: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(declared_json) {
        Ok(serde_json::Value::Object(fields)) => fields
            .iter()
            .map(|(name, value)| match (name.as_str(), value.as_i64()) {
                ("price_fen", Some(fen)) => format!("投标报价 {}", yuan(fen)),
                (_, _) => match value {
                    serde_json::Value::String(text) => format!("{name}：{text}"),
                    other => format!("{name}：{other}"),
                },
            })
            .collect::<Vec<_>>()
            .join("；"),
        _ => declared_json.to_owned(),
    }
}

fn evaluation_row(draw: &ExpertDraw, e: &ExpertEvaluation) -> EvaluationRow {
    EvaluationRow {
        key: sign_in_key(&draw.tender_id, &draw.lot_id),
        member_id: e.member_id.clone(),
        stage_label: e.stage.label(),
        evaluating: e.stage == LotStage::Evaluating,
        signed_in: e.signed_in,
        chair: e.chair.clone().unwrap_or_default(),
        scored: e.scored,
        draft_sm3: e.draft_sm3.clone().unwrap_or_default(),
        signed_draft: e.signed_draft,
        bids: e
            .opened_bids
            .iter()
            .map(|b| BidRow { bidder: b.bidder_credit_code.clone(), declared: declared_text(&b.declared_json) })
            .collect(),
    }
}

impl From<&ExpertDraw> for DrawRow {
    fn from(draw: &ExpertDraw) -> DrawRow {
        DrawRow {
            key: answer_key(&draw.draw_id),
            draw_id: draw.draw_id.clone(),
            tender_id: draw.tender_id.clone(),
            lot_id: draw.lot_id.clone(),
            title: draw.title.clone(),
            lot_name: draw.lot_name.clone(),
            role_label: role_label(&draw.role),
            start: datetime(draw.evaluation_start_ms),
            start_machine: machine_datetime(draw.evaluation_start_ms),
            end: datetime(draw.evaluation_end_ms),
            answer: answer_text(draw),
            answerable: draw.answerable,
            evaluation: draw.evaluation.as_ref().map(|e| evaluation_row(draw, e)),
        }
    }
}

fn answer_key(draw_id: &str) -> String {
    format!("answer:{draw_id}")
}

fn sign_in_key(tender_id: &str, lot_id: &str) -> String {
    format!("sign-in:{tender_id}:{lot_id}")
}

#[derive(Template, WebTemplate)]
#[template(path = "workbench/expert.html")]
struct ExpertPage {
    user: String,
    csrf_token: String,
    /// (expert id, name, standing) of the linked record.
    expert: Option<(String, String, String)>,
    draws: Vec<DrawRow>,
    server_now: String,
    done: Option<&'static str>,
    /// The refused form, if any.
    failed: FailedForm,
    posted_text: String,
    posted_certificate: String,
}

impl ExpertPage {
    /// The reason or declaration as typed, when the row's form was refused.
    fn posted_or<'a>(&'a self, key: &str, default: &'a str) -> &'a str {
        if self.failed.is(key) { &self.posted_text } else { default }
    }

    /// The certificate as pasted, when the row's form was refused.
    fn posted_certificate(&self, key: &str) -> &str {
        if self.failed.is(key) { &self.posted_certificate } else { "" }
    }

    /// The declaration the sign-in form starts with.
    fn declaration(&self) -> &'static str {
        DECLARATION
    }
}

fn render(desk: &Desk, data: &ExpertDesk) -> ExpertPage {
    ExpertPage {
        user: desk.actor.display_name.clone(),
        csrf_token: desk.csrf_token.clone(),
        expert: data.expert.as_ref().map(|e| (e.expert_id.clone(), e.name.clone(), standing(&e.status).to_owned())),
        draws: data.draws.iter().map(DrawRow::from).collect(),
        server_now: datetime(data.server_now_ms),
        done: None,
        failed: FailedForm::default(),
        posted_text: String::new(),
        posted_certificate: String::new(),
    }
}

fn standing(status: &str) -> &'static str {
    match status {
        "suspended" => "暂停抽取",
        "removed" => "已出库",
        _ => "在库",
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct Done {
    done: Option<String>,
}

/// `GET /workbench/expert`.
async fn page(State(state): State<WebState>, desk: Desk, Query(query): Query<Done>) -> Result<Response, PageError> {
    desk.require(&[Role::Expert])?;
    let data = state.app.expert_desk(&desk.actor).await?;
    let mut page = render(&desk, &data);
    page.done = match query.done.as_deref() {
        Some("accepted") => Some("已确认参加评标。请按通知的时间参加，评标开始后在本页签到。"),
        Some("declined") => Some("已答复不参加，抽取方将按规则补抽专家。"),
        Some("signed-in") => Some("已签到并作出回避承诺，可以查阅开标后的投标文件。"),
        _ => None,
    };
    Ok(no_store(page.into_response()))
}

/// A refused form's page (422: nothing was recorded).
struct Refused {
    key: String,
    errors: FormErrors,
    text: String,
    certificate: String,
}

async fn with_errors(state: &WebState, desk: &Desk, refused: Refused) -> Result<Response, PageError> {
    let data = state.app.expert_desk(&desk.actor).await?;
    let mut page = render(desk, &data);
    page.failed = FailedForm::new(refused.key, refused.errors);
    page.posted_text = refused.text;
    page.posted_certificate = refused.certificate;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, no_store(page.into_response())).into_response())
}

#[derive(Debug, Deserialize)]
pub(crate) struct Answer {
    #[serde(default)]
    csrf_token: String,
    draw_id: String,
    expert_id: String,
    /// `yes` or `no`; absent when neither was chosen.
    accepted: Option<String>,
    #[serde(default)]
    reason: String,
}

/// `POST /workbench/expert/draw-answers`: the expert's answer to a draw. The use case checks the
/// expert record is the user's own.
async fn answer(
    State(state): State<WebState>,
    desk: Desk,
    PageForm(form): PageForm<Answer>,
) -> Result<Response, PageError> {
    desk.check_csrf(&form.csrf_token)?;
    desk.require(&[Role::Expert])?;
    let key = answer_key(&form.draw_id);
    let refused = |errors| Refused { key: key.clone(), errors, text: form.reason.clone(), certificate: String::new() };
    let accepted = match form.accepted.as_deref() {
        Some("yes") => true,
        Some("no") => false,
        _ => return with_errors(&state, &desk, refused(FormErrors::one("accepted", "请选择参加或不参加"))).await,
    };
    match state.app.answer_draw(&desk.actor, &form.draw_id, &form.expert_id, accepted, &form.reason).await {
        Ok(_) => {
            let done = if accepted { "accepted" } else { "declined" };
            Ok(Redirect::to(&format!("/workbench/expert?done={done}")).into_response())
        }
        Err(error) => with_errors(&state, &desk, refused(FormErrors::from_api(error, "accepted"))).await,
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct SignIn {
    #[serde(default)]
    csrf_token: String,
    tender_id: String,
    lot_id: String,
    #[serde(default)]
    declaration: String,
    /// The checkbox: present (`yes`) only when ticked.
    no_conflict: Option<String>,
    #[serde(default)]
    certificate_pem: String,
}

/// The sign-in form's field a refusal is about.
fn sign_in_field(error: &AppError) -> &'static str {
    match error {
        AppError::Refused { code: "avoidance_declared", .. } => "no_conflict",
        AppError::Refused { code: "evaluation_text_invalid", .. } => "declaration",
        AppError::Refused {
            code:
                "invalid_certificate"
                | "member_certificate_mismatch"
                | "certificate_expired"
                | "certificate_revoked"
                | "certificate_untrusted",
            ..
        } => "certificate_pem",
        _ => "sign_in",
    }
}

/// `POST /workbench/expert/evaluation-sign-ins`: the member signs in with the avoidance
/// declaration and their certificate (public; the key stays with the expert).
async fn sign_in(
    State(state): State<WebState>,
    desk: Desk,
    PageForm(form): PageForm<SignIn>,
) -> Result<Response, PageError> {
    desk.check_csrf(&form.csrf_token)?;
    desk.require(&[Role::Expert])?;
    let input = SignInInput {
        member: None,
        declaration: form.declaration.clone(),
        no_conflict: form.no_conflict.is_some(),
        certificate_pem: form.certificate_pem.clone(),
    };
    match state.app.sign_in_to_evaluation(&desk.actor, &form.tender_id, &form.lot_id, input).await {
        Ok(_) => Ok(Redirect::to("/workbench/expert?done=signed-in").into_response()),
        Err(error) => {
            let field = sign_in_field(&error);
            let refused = Refused {
                key: sign_in_key(&form.tender_id, &form.lot_id),
                errors: FormErrors::from_api(error, field),
                text: form.declaration,
                certificate: form.certificate_pem,
            };
            with_errors(&state, &desk, refused).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::declared_text;

    #[test]
    fn the_declared_price_reads_in_yuan() {
        assert_eq!(
            declared_text(r#"{"price_fen":1000000000,"工期":"365日历天"}"#),
            "投标报价 10,000,000.00 元；工期：365日历天"
        );
        assert_eq!(declared_text("not json"), "not json");
    }
}

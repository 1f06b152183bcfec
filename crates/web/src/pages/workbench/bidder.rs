//! The bidder's workbench (`/workbench/bidder`): its entities, the lots taking registrations
//! (报名), its registrations with the sealed bid's status, the upload of an envelope made offline
//! by `ggzy bid seal` (the file never leaves the bidder unencrypted; the page only carries it), the
//! receipt, and the way to the live opening hall (不见面开标). Registration and upload go through
//! the same use cases as `POST /api/v1/tenders/{id}/register` and `…/bids`.

use std::net::SocketAddr;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{ConnectInfo, DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use ggzy_app::bid::ONE_SHOT_MAX_BYTES;
use ggzy_app::workbench::{BidderDesk, DeskRegistration, OpenLot};
use ggzy_domain::Role;
use serde::Deserialize;

use super::{Desk, FailedForm, FormErrors, PageForm, no_store};
use crate::WebState;
use crate::api::bids::{ReceiptDto, bid_too_large, parse_start};
use crate::api::rfc3339;
use crate::api::tenders::tender_dto;
use crate::pages::PageError;
use crate::pages::format::{datetime, machine_datetime};

/// Multipart framing and the small fields around the envelope.
const FORM_OVERHEAD_BYTES: usize = 64 * 1024;

pub(super) fn routes() -> Router<WebState> {
    let most = usize::try_from(ONE_SHOT_MAX_BYTES).unwrap_or(usize::MAX).saturating_add(FORM_OVERHEAD_BYTES);
    Router::new()
        .route("/workbench/bidder", get(page))
        .route("/workbench/bidder/registrations", post(register))
        .route("/workbench/bidder/documents/{tender_id}", get(documents))
        .route("/workbench/bidder/bids", post(upload).layer(DefaultBodyLimit::max(most)))
}

/// A lot open for registration, as a row.
struct OpenRow {
    key: String,
    tender_id: String,
    title: String,
    lot_id: String,
    lot_name: String,
    deadline: String,
    deadline_machine: String,
    unregistered: Vec<String>,
}

impl From<&OpenLot> for OpenRow {
    fn from(lot: &OpenLot) -> OpenRow {
        OpenRow {
            key: format!("register:{}:{}", lot.tender_id, lot.lot_id),
            tender_id: lot.tender_id.clone(),
            title: lot.title.clone(),
            lot_id: lot.lot_id.clone(),
            lot_name: lot.lot_name.clone(),
            deadline: datetime(lot.bid_deadline_ms),
            deadline_machine: machine_datetime(lot.bid_deadline_ms),
            unregistered: lot.unregistered.clone(),
        }
    }
}

/// A registration, as a row with its upload form.
struct RegistrationRow {
    key: String,
    tender_id: String,
    title: String,
    state_label: &'static str,
    state: &'static str,
    lot_id: String,
    lot_name: String,
    bidder_code: String,
    bidder_name: String,
    deadline: String,
    deadline_machine: String,
    accepting: bool,
    bid_status: &'static str,
    bid_digest: String,
    bid_received: String,
}

impl From<&DeskRegistration> for RegistrationRow {
    fn from(r: &DeskRegistration) -> RegistrationRow {
        let (bid_status, bid_digest, bid_received) = match &r.bid {
            Some(bid) if bid.status == "submitted" => {
                ("已递交", bid.envelope_digest.clone(), datetime(bid.received_at_ms))
            }
            Some(bid) => ("已撤回", bid.envelope_digest.clone(), datetime(bid.received_at_ms)),
            None => ("未递交", String::new(), String::new()),
        };
        RegistrationRow {
            key: format!("bid:{}:{}:{}", r.tender_id, r.lot_id, r.bidder.credit_code),
            tender_id: r.tender_id.clone(),
            title: r.title.clone(),
            state_label: r.state.label(),
            state: r.state.as_str(),
            lot_id: r.lot_id.clone(),
            lot_name: r.lot_name.clone(),
            bidder_code: r.bidder.credit_code.clone(),
            bidder_name: r.bidder.name.clone(),
            deadline: r.bid_deadline_ms.map(datetime).unwrap_or_default(),
            deadline_machine: r.bid_deadline_ms.map(machine_datetime).unwrap_or_default(),
            accepting: r.accepting,
            bid_status,
            bid_digest,
            bid_received,
        }
    }
}

/// The receipt just issued, shown once above the page.
struct ReceiptShown {
    title: String,
    lot_id: String,
    received: String,
    digest: String,
    log_position: i64,
    json: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "workbench/bidder.html")]
struct BidderPage {
    user: String,
    csrf_token: String,
    entities: Vec<(String, String)>,
    open: Vec<OpenRow>,
    registrations: Vec<RegistrationRow>,
    server_now: String,
    done: Option<&'static str>,
    receipt: Option<ReceiptShown>,
    /// The refused form, if any.
    failed: FailedForm,
}

fn render(desk: &Desk, data: &BidderDesk) -> BidderPage {
    BidderPage {
        user: desk.actor.display_name.clone(),
        csrf_token: desk.csrf_token.clone(),
        entities: data.entities.iter().map(|e| (e.credit_code.clone(), e.name.clone())).collect(),
        open: data.open.iter().map(OpenRow::from).collect(),
        registrations: data.registrations.iter().map(RegistrationRow::from).collect(),
        server_now: datetime(data.server_now_ms),
        done: None,
        receipt: None,
        failed: FailedForm::default(),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct Done {
    done: Option<String>,
}

/// `GET /workbench/bidder`.
async fn page(State(state): State<WebState>, desk: Desk, Query(query): Query<Done>) -> Result<Response, PageError> {
    desk.require(&[Role::Bidder])?;
    let data = state.app.bidder_desk(&desk.actor).await?;
    let mut page = render(&desk, &data);
    page.done = match query.done.as_deref() {
        Some("registered") => Some("报名成功。请用 ggzy bid seal 离线加密投标文件后在下方递交。"),
        _ => None,
    };
    Ok(no_store(page.into_response()))
}

/// The page again with one form's errors (422: nothing was recorded).
async fn with_errors(state: &WebState, desk: &Desk, key: String, errors: FormErrors) -> Result<Response, PageError> {
    let data = state.app.bidder_desk(&desk.actor).await?;
    let mut page = render(desk, &data);
    page.failed = FailedForm::new(key, errors);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, no_store(page.into_response())).into_response())
}

#[derive(Debug, Deserialize)]
pub(crate) struct Registration {
    #[serde(default)]
    csrf_token: String,
    tender_id: String,
    lot_id: String,
    bidder_credit_code: String,
}

/// `POST /workbench/bidder/registrations`: registers one of the user's entities for a lot.
async fn register(
    State(state): State<WebState>,
    desk: Desk,
    PageForm(form): PageForm<Registration>,
) -> Result<Response, PageError> {
    desk.check_csrf(&form.csrf_token)?;
    desk.require(&[Role::Bidder])?;
    let key = format!("register:{}:{}", form.tender_id, form.lot_id);
    let bidder = match crate::fields::credit_code("bidder_credit_code", form.bidder_credit_code.trim()) {
        Ok(code) => code,
        Err(error) => {
            let errors = FormErrors::from_api(crate::error::ApiError::invalid(vec![error]), "bidder_credit_code");
            return with_errors(&state, &desk, key, errors).await;
        }
    };
    match state.app.register_bidder(&desk.actor, &form.tender_id, &form.lot_id, &bidder).await {
        Ok(()) => Ok(Redirect::to("/workbench/bidder?done=registered").into_response()),
        Err(error) => with_errors(&state, &desk, key, FormErrors::from_api(error, "bidder_credit_code")).await,
    }
}

/// `GET /workbench/bidder/documents/{tender_id}`: the tender documents as a JSON file for a
/// registered bidder (the tender with its opening key for `ggzy bid seal --opening-key`, the
/// evaluation terms, and every public step with the clarifications and amendments).
async fn documents(
    State(state): State<WebState>,
    desk: Desk,
    Path(tender_id): Path<String>,
) -> Result<Response, PageError> {
    desk.require(&[Role::Bidder])?;
    let documents = state.app.tender_documents(&desk.actor, &tender_id).await?;
    let steps: Vec<serde_json::Value> = documents
        .steps
        .iter()
        .map(|step| {
            serde_json::json!({
                "at": rfc3339(step.at_ms), "lot_id": step.lot_id, "title": step.title, "detail": step.detail,
            })
        })
        .collect();
    let body = serde_json::json!({
        "tender": tender_dto(documents.tender),
        "evaluation": documents.evaluation,
        "steps": steps,
    });
    let text = serde_json::to_string_pretty(&body)
        .map_err(|e| PageError::from(ggzy_app::AppError::Internal(e.to_string())))?;
    let disposition = format!("attachment; filename=\"tender-documents-{tender_id}.json\"");
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8")),
        (
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&disposition).map_err(|_| PageError::bad_query("招标项目编号无效"))?,
        ),
    ];
    Ok(no_store((headers, text).into_response()))
}

/// The fields of the upload form.
#[derive(Default)]
struct UploadForm {
    csrf_token: String,
    tender_id: String,
    lot_id: String,
    bidder_credit_code: String,
    envelope_digest: String,
    envelope: Vec<u8>,
}

async fn text(field: Field<'_>) -> Result<String, MultipartError> {
    field.text().await
}

async fn read_upload(mut multipart: Multipart) -> Result<UploadForm, MultipartError> {
    let mut form = UploadForm::default();
    while let Some(field) = multipart.next_field().await? {
        match field.name().unwrap_or_default() {
            "csrf_token" => form.csrf_token = text(field).await?,
            "tender_id" => form.tender_id = text(field).await?,
            "lot_id" => form.lot_id = text(field).await?,
            "bidder_credit_code" => form.bidder_credit_code = text(field).await?,
            "envelope_digest" => form.envelope_digest = text(field).await?.trim().to_ascii_lowercase(),
            "envelope" => form.envelope = field.bytes().await?.to_vec(),
            _ => {}
        }
    }
    Ok(form)
}

/// `POST /workbench/bidder/bids` (multipart): submits an envelope sealed by `ggzy bid seal` and
/// shows the platform-signed receipt, or the reason it was refused beside the field.
async fn upload(
    State(state): State<WebState>,
    desk: Desk,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let form = match read_upload(multipart).await {
        Ok(form) => form,
        Err(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            let limit = u64::try_from(state.config.max_bid_bytes).unwrap_or(u64::MAX).min(ONE_SHOT_MAX_BYTES);
            return Err(PageError::from(bid_too_large(limit)));
        }
        Err(error) => return Err(PageError::bad_query(format!("上传表单无法读取，请重新选择文件后提交：{error}"))),
    };
    desk.check_csrf(&form.csrf_token)?;
    desk.require(&[Role::Bidder])?;
    let key = format!("bid:{}:{}:{}", form.tender_id, form.lot_id, form.bidder_credit_code);
    if form.envelope.is_empty() {
        let errors = FormErrors::one("envelope", "请选择 ggzy bid seal 生成的加密投标文件（.bid）");
        return with_errors(&state, &desk, key, errors).await;
    }
    let size = form.envelope.len() as u64;
    let limit = u64::try_from(state.config.max_bid_bytes).unwrap_or(u64::MAX).min(ONE_SHOT_MAX_BYTES);
    if size > limit {
        return with_errors(&state, &desk, key, FormErrors::from_api(bid_too_large(limit), "envelope")).await;
    }
    let start = match parse_start(
        form.tender_id.clone(),
        form.lot_id.clone(),
        &form.bidder_credit_code,
        size,
        &form.envelope_digest,
    ) {
        Ok(start) => start,
        Err(error) => return with_errors(&state, &desk, key, FormErrors::from_api(error, "envelope_digest")).await,
    };
    let receipt = match state.app.submit_bid(&desk.actor, start, form.envelope, &peer.ip().to_string()).await {
        Ok(receipt) => ReceiptDto::from(receipt),
        Err(error) => return with_errors(&state, &desk, key, FormErrors::from_api(error, "envelope")).await,
    };
    let data = state.app.bidder_desk(&desk.actor).await?;
    let mut page = render(&desk, &data);
    let title = data
        .registrations
        .iter()
        .find(|r| r.tender_id == receipt.tender_id)
        .map_or_else(|| receipt.tender_id.clone(), |r| r.title.clone());
    page.receipt = Some(ReceiptShown {
        title,
        lot_id: receipt.lot_id.clone(),
        received: datetime(receipt.received_at_ms),
        digest: receipt.envelope_digest.clone(),
        log_position: receipt.log_position,
        json: serde_json::to_string_pretty(&receipt).unwrap_or_default(),
    });
    Ok((StatusCode::CREATED, no_store(page.into_response())).into_response())
}

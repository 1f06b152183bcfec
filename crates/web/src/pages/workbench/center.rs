//! The trading centre staff's workbench (`/workbench/center`): the opening sessions of the centre's
//! regions (tenders whose bid deadline is within the next days, or passed with the opening record
//! not signed yet) with the sealed bids' count once the deadline passed, the decryption and escrow
//! progress, and the way into each live opening hall; and the land and property sales taking bids.
//!
//! The centre's venues (开标室, 评标室) are kept here too: a form registers one, another books one for
//! a tender's opening or evaluation (场地预约), through the same use cases as `/api/v1/venues`.
//! The opening itself is started and closed by the principal or agency, and an escrow share is
//! decrypted with the official's private key, which never reaches a page — the page shows the
//! `ggzy escrow give` command that does it on the official's own machine.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use ggzy_app::venue::{NewBooking, NewVenue, VenueView};
use ggzy_app::workbench::{CenterDesk, MonitoredSale, OpeningSession, SessionStage, UPCOMING_DAYS};
use ggzy_domain::Role;
use serde::Deserialize;

use super::{Desk, FailedForm, FormErrors, PageForm, no_store};
use crate::WebState;
use crate::pages::PageError;
use crate::pages::format::{datetime, local_datetime_ms, machine_datetime};

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/workbench/center", get(page))
        .route("/workbench/center/venues", post(register_venue))
        .route("/workbench/center/bookings", post(book_venue))
}

/// A booking of a venue, as shown.
struct BookingRow {
    tender_id: String,
    purpose: &'static str,
    starts: String,
    ends: String,
    cancelled: bool,
    /// The opening's new time, when an amendment moved the deadline out of this slot.
    opening_moved_to: Option<String>,
}

/// A venue with its bookings and its booking form.
struct VenueRow {
    key: String,
    venue_id: String,
    name: String,
    kind_label: &'static str,
    capacity: i64,
    address: String,
    bookings: Vec<BookingRow>,
}

impl From<&VenueView> for VenueRow {
    fn from(v: &VenueView) -> VenueRow {
        VenueRow {
            key: format!("booking:{}", v.details.venue_id),
            venue_id: v.details.venue_id.clone(),
            name: v.details.name.clone(),
            kind_label: v.kind.label(),
            capacity: v.details.capacity,
            address: v.details.address.clone(),
            bookings: v
                .bookings
                .iter()
                .map(|b| BookingRow {
                    tender_id: b.tender_id.clone(),
                    purpose: b.purpose.label(),
                    starts: datetime(b.starts_ms),
                    ends: datetime(b.ends_ms),
                    cancelled: b.cancelled,
                    opening_moved_to: v.moved_openings.get(&b.booking_id).map(|&deadline| datetime(deadline)),
                })
                .collect(),
        }
    }
}

/// An opening session, as shown.
struct SessionRow {
    tender_id: String,
    title: String,
    region: String,
    deadline: String,
    deadline_machine: String,
    stage: &'static str,
    running: bool,
    sealed_bids: String,
    decrypted: usize,
    escrow: String,
    /// What the signed-in official does with its own share, if it holds one.
    own_share: String,
    /// The command handing the share in, while it is due.
    give_command: String,
}

/// The escrow progress: holders, threshold and shares handed in.
fn escrow_text(s: &OpeningSession) -> String {
    match s.escrow_threshold {
        None => "尚未举行开标密钥仪式".to_owned(),
        Some(threshold) if s.escrow_quorum_reached => {
            format!("{} 名监督人员提交分片，已达门限（{threshold} 片），已用托管密钥解密", s.escrow_given)
        }
        Some(threshold) if s.stage == SessionStage::Running => {
            format!("{} 名监督人员持有分片，需 {threshold} 片；已提交 {} 片", s.escrow_holders, s.escrow_given)
        }
        Some(threshold) => format!("{} 名监督人员持有分片，需 {threshold} 片；开标开始后提交", s.escrow_holders),
    }
}

impl From<&OpeningSession> for SessionRow {
    fn from(s: &OpeningSession) -> SessionRow {
        let (own_share, give_command) = match s.own_share {
            None => (String::new(), String::new()),
            Some(share) if share.given => (format!("您持有第 {} 号分片，已提交。", share.share_index), String::new()),
            Some(share) if s.stage == SessionStage::Running => (
                format!("您持有第 {} 号分片，尚未提交。请在本人电脑上运行：", share.share_index),
                format!("ggzy escrow give --server 平台地址 --token 本人API令牌 --key 本人私钥.pem {}", s.tender_id),
            ),
            Some(share) => (format!("您持有第 {} 号分片，开标开始后提交。", share.share_index), String::new()),
        };
        SessionRow {
            tender_id: s.tender_id.clone(),
            title: s.title.clone(),
            region: s.region_code.clone(),
            deadline: datetime(s.bid_deadline_ms),
            deadline_machine: machine_datetime(s.bid_deadline_ms),
            stage: s.stage.label(),
            running: s.stage == SessionStage::Running,
            sealed_bids: s.sealed_bids.map_or_else(|| "截止前不公开".to_owned(), |n| format!("{n} 份")),
            decrypted: s.decrypted,
            escrow: escrow_text(s),
            own_share,
            give_command,
        }
    }
}

/// A sale taking bids, as shown.
struct SaleRow {
    sale_id: String,
    title: String,
    region: String,
    phase: &'static str,
    phase_label: &'static str,
    ends: String,
    ends_machine: String,
}

impl From<&MonitoredSale> for SaleRow {
    fn from(s: &MonitoredSale) -> SaleRow {
        SaleRow {
            sale_id: s.sale_id.clone(),
            title: s.title.clone(),
            region: s.region_code.clone(),
            phase: s.phase.as_str(),
            phase_label: s.phase.label(),
            ends: datetime(s.ends_at_ms),
            ends_machine: machine_datetime(s.ends_at_ms),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "workbench/center.html")]
struct CenterPage {
    user: String,
    csrf_token: String,
    regions: String,
    server_now: String,
    upcoming_days: i64,
    sessions: Vec<SessionRow>,
    sales: Vec<SaleRow>,
    venues: Vec<VenueRow>,
    /// The refused form, if any.
    failed: FailedForm,
}

fn render(desk: &Desk, data: &CenterDesk, venues: &[VenueView]) -> CenterPage {
    CenterPage {
        user: desk.actor.display_name.clone(),
        csrf_token: desk.csrf_token.clone(),
        regions: data.regions.join("、"),
        server_now: datetime(data.server_now_ms),
        upcoming_days: UPCOMING_DAYS,
        sessions: data.sessions.iter().map(SessionRow::from).collect(),
        sales: data.sales.iter().map(SaleRow::from).collect(),
        venues: venues.iter().map(VenueRow::from).collect(),
        failed: FailedForm::default(),
    }
}

/// `GET /workbench/center`.
async fn page(State(state): State<WebState>, desk: Desk) -> Result<Response, PageError> {
    desk.require(&[Role::CenterStaff])?;
    let data = state.app.center_desk(&desk.actor).await?;
    let venues = state.app.venues(&desk.actor).await?;
    Ok(no_store(render(&desk, &data, &venues).into_response()))
}

/// The page again with one form's errors (422: nothing was recorded).
async fn with_errors(state: &WebState, desk: &Desk, key: &str, errors: FormErrors) -> Result<Response, PageError> {
    let data = state.app.center_desk(&desk.actor).await?;
    let venues = state.app.venues(&desk.actor).await?;
    let mut page = render(desk, &data, &venues);
    page.failed = FailedForm::new(key, errors);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, no_store(page.into_response())).into_response())
}

#[derive(Debug, Deserialize)]
pub(crate) struct VenueForm {
    #[serde(default)]
    csrf_token: String,
    name: String,
    kind: String,
    capacity: String,
    address: String,
}

/// `POST /workbench/center/venues`: registers a venue of the staff member's region.
async fn register_venue(
    State(state): State<WebState>,
    desk: Desk,
    PageForm(form): PageForm<VenueForm>,
) -> Result<Response, PageError> {
    desk.check_csrf(&form.csrf_token)?;
    desk.require(&[Role::CenterStaff])?;
    let key = "venue:new";
    let Ok(capacity) = form.capacity.trim().parse::<i64>() else {
        return with_errors(&state, &desk, key, FormErrors::one("capacity", "座位数须为 1 至 1000 的整数")).await;
    };
    let Some(region) = desk.actor.grants.iter().find(|g| g.role == Role::CenterStaff).map(|g| g.region) else {
        return Err(PageError::from(ggzy_app::AppError::Unauthenticated));
    };
    let new = NewVenue { region, name: form.name, kind: form.kind, capacity, address: form.address };
    match state.app.register_venue(&desk.actor, new).await {
        Ok(_) => Ok(Redirect::to("/workbench/center#venues-heading").into_response()),
        Err(error) => with_errors(&state, &desk, key, FormErrors::from_api(error, "name")).await,
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct BookingForm {
    #[serde(default)]
    csrf_token: String,
    venue_id: String,
    tender_id: String,
    starts_at: String,
    ends_at: String,
}

/// `POST /workbench/center/bookings`: books a venue for the session its kind holds (an opening
/// room for an opening, an evaluation room for an evaluation).
async fn book_venue(
    State(state): State<WebState>,
    desk: Desk,
    PageForm(form): PageForm<BookingForm>,
) -> Result<Response, PageError> {
    desk.check_csrf(&form.csrf_token)?;
    desk.require(&[Role::CenterStaff])?;
    let key = format!("booking:{}", form.venue_id);
    let (Some(starts_ms), Some(ends_ms)) = (local_datetime_ms(&form.starts_at), local_datetime_ms(&form.ends_at))
    else {
        let errors = FormErrors::one("starts_at", "请填写开始和结束时间（北京时间，年-月-日 时:分）");
        return with_errors(&state, &desk, &key, errors).await;
    };
    let venue = state.app.venue(&form.venue_id).await?;
    let purpose = venue.kind.purpose().as_str().to_owned();
    let new = NewBooking { tender_id: form.tender_id.trim().to_owned(), purpose, starts_ms, ends_ms };
    match state.app.book_venue(&desk.actor, &form.venue_id, new).await {
        Ok(_) => Ok(Redirect::to("/workbench/center#venues-heading").into_response()),
        Err(error) => with_errors(&state, &desk, &key, FormErrors::from_api(error, "tender_id")).await,
    }
}

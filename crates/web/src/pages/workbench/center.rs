//! The trading centre staff's workbench (`/workbench/center`): the opening sessions of the centre's
//! regions (tenders whose bid deadline is within the next days, or passed with the opening record
//! not signed yet) with the sealed bids' count once the deadline passed, the decryption and escrow
//! progress, and the way into each live opening hall; and the land and property sales taking bids.
//!
//! Nothing here is a form: the opening is started and closed by the principal or agency, and an
//! escrow share is decrypted with the official's private key, which never reaches a page — the
//! page shows the `ggzy escrow give` command that does it on the official's own machine.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use ggzy_app::workbench::{CenterDesk, MonitoredSale, OpeningSession, SessionStage, UPCOMING_DAYS};
use ggzy_domain::Role;

use super::{Desk, no_store};
use crate::WebState;
use crate::pages::PageError;
use crate::pages::format::{datetime, machine_datetime};

pub(super) fn routes() -> Router<WebState> {
    Router::new().route("/workbench/center", get(page))
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
}

fn render(desk: &Desk, data: &CenterDesk) -> CenterPage {
    CenterPage {
        user: desk.actor.display_name.clone(),
        csrf_token: desk.csrf_token.clone(),
        regions: data.regions.join("、"),
        server_now: datetime(data.server_now_ms),
        upcoming_days: UPCOMING_DAYS,
        sessions: data.sessions.iter().map(SessionRow::from).collect(),
        sales: data.sales.iter().map(SaleRow::from).collect(),
    }
}

/// `GET /workbench/center`.
async fn page(State(state): State<WebState>, desk: Desk) -> Result<Response, PageError> {
    desk.require(&[Role::CenterStaff])?;
    let data = state.app.center_desk(&desk.actor).await?;
    Ok(no_store(render(&desk, &data).into_response()))
}

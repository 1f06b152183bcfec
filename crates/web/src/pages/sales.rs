//! Sales pages: the list of land-use rights and state-property sales (`/sales`) and one sale's live
//! page (`/sales/{id}`): terms, statutory dates with their articles, the bids by paddle, and the
//! countdown on the server's clock. Without JavaScript the page is a snapshot that reads fully; with
//! it, the page follows the live view (SSE) and updates within a second of each bid. A signed-in
//! bidder admitted to the sale also gets the bid form, which shows the API's Chinese error.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use ggzy_app::actor::Credential;
use ggzy_app::sale::SaleView;

use super::PageError;
use super::format::{DeadlineRow, datetime, datetime_seconds, machine_datetime, yuan};
use crate::WebState;
use crate::extract::MaybeActor;

/// A sale as a row of the list.
pub(crate) struct SaleRow {
    pub(crate) sale_id: String,
    pub(crate) title: String,
    pub(crate) kind_label: &'static str,
    pub(crate) phase: &'static str,
    pub(crate) phase_label: &'static str,
    pub(crate) starts: String,
    pub(crate) starts_machine: String,
    pub(crate) start_price: String,
}

impl From<&SaleView> for SaleRow {
    fn from(view: &SaleView) -> SaleRow {
        SaleRow {
            sale_id: view.announcement.sale_id.clone(),
            title: view.announcement.notice.title.clone(),
            kind_label: view.terms.kind.label(),
            phase: view.phase.as_str(),
            phase_label: view.phase.label_for(view.terms.kind),
            starts: datetime(view.terms.starts_at_ms),
            starts_machine: machine_datetime(view.terms.starts_at_ms),
            start_price: yuan(view.terms.start_price.0),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "sales.html")]
pub(crate) struct SalesPage {
    sales: Vec<SaleRow>,
}

pub(crate) async fn list(State(state): State<WebState>) -> Result<SalesPage, PageError> {
    let views = state.app.sales(50).await?;
    Ok(SalesPage { sales: views.iter().map(SaleRow::from).collect() })
}

/// One bid as shown.
pub(crate) struct BidRow {
    paddle: u32,
    price: String,
    at: String,
}

/// A tender's sealed bid as shown after the deadline.
pub(crate) struct SealedBidRow {
    paddle: u32,
    at: String,
    price: String,
    commitment: String,
}

/// The panel's report as shown.
pub(crate) struct EvaluationText {
    size: usize,
    panel: String,
    method: &'static str,
    scores: Vec<String>,
}

/// What a tender shows: its bids once the deadline passed, and the panel's report.
pub(crate) struct TenderSection {
    opened: bool,
    final_bid: bool,
    bids: Vec<SealedBidRow>,
    evaluation: Option<EvaluationText>,
}

fn tender_section(view: &SaleView) -> Option<TenderSection> {
    if !view.terms.kind.is_tender() {
        return None;
    }
    let bids = view.tender_bids.as_deref().unwrap_or_default();
    Some(TenderSection {
        opened: view.tender_bids.is_some(),
        final_bid: view.terms.kind == ggzy_domain::sale::SaleKind::LandTender,
        bids: bids
            .iter()
            .map(|bid| SealedBidRow {
                paddle: bid.paddle,
                at: datetime_seconds(bid.at_ms),
                price: bid.price.map_or_else(|| "未解密".to_owned(), |price| yuan(price.0)),
                commitment: hex::encode(bid.commitment),
            })
            .collect(),
        evaluation: view.tender_evaluation.as_ref().map(|evaluation| EvaluationText {
            size: evaluation.panel.len(),
            panel: evaluation.panel.join("、"),
            method: evaluation.method.label(),
            scores: evaluation
                .scores
                .iter()
                .map(|(paddle, centi)| format!("{paddle} 号 {}.{:02} 分", centi / 100, centi % 100))
                .collect(),
        }),
    })
}

/// The bid form of a signed-in bidder admitted to the sale.
pub(crate) struct BidForm {
    bidder: String,
    paddle: u32,
    csrf_token: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "sale.html")]
pub(crate) struct SalePage {
    sale: SaleRow,
    sale_id: String,
    description: String,
    increment: String,
    deposit: String,
    appraisal: Option<String>,
    mining_right: Option<&'static str>,
    reserve_commitment: Option<String>,
    reserve: Option<String>,
    applications_close: String,
    ends: String,
    ends_at_ms: i64,
    server_now_ms: i64,
    paused_reason: Option<String>,
    minimum_next: String,
    minimum_next_fen: i64,
    bids: Vec<BidRow>,
    outcome: Option<String>,
    winner: Option<String>,
    deadlines: Vec<DeadlineRow>,
    version: i64,
    form: Option<BidForm>,
    tender: Option<TenderSection>,
}

fn outcome_text(view: &SaleView) -> Option<String> {
    use ggzy_domain::sale::{NoSale, SaleOutcome};
    Some(match view.outcome? {
        SaleOutcome::Sold(bid) => format!("成交：{} 号竞买人，成交价 {}", bid.paddle, yuan(bid.price.0)),
        SaleOutcome::SoldToSoleBuyer { paddle, price } => {
            format!("成交：仅一个合格意向受让方（{paddle} 号），按转让底价 {} 协议成交", yuan(price.0))
        }
        SaleOutcome::Unsold(NoSale::NoBids) => "未成交：无人出价（无意向受让方）".to_owned(),
        SaleOutcome::Unsold(NoSale::BelowReserve { highest }) => {
            format!("未成交：最高应价 {} 未达到底价", yuan(highest.0))
        }
        SaleOutcome::Unsold(NoSale::TooFewBidders { admitted, needed }) => {
            format!("未成交：竞买人{admitted}人，不足{needed}人，拍卖终止")
        }
    })
}

pub(crate) async fn detail(
    State(state): State<WebState>,
    MaybeActor(actor): MaybeActor,
    Path(sale_id): Path<String>,
) -> Result<SalePage, PageError> {
    let view = state.app.sale(&sale_id).await?;
    let mut form = None;
    if let Some(actor) = &actor
        && let Credential::Session { csrf_token } = &actor.credential
    {
        for bidder in &actor.entities {
            if let Ok(Some(paddle)) = state.app.sale_paddle(actor, &sale_id, bidder).await {
                form = Some(BidForm { bidder: bidder.clone(), paddle, csrf_token: csrf_token.clone() });
                break;
            }
        }
    }
    Ok(SalePage {
        sale: SaleRow::from(&view),
        sale_id: view.announcement.sale_id.clone(),
        description: view.announcement.notice.description.clone(),
        increment: yuan(view.terms.increment.0),
        deposit: yuan(view.terms.deposit.0),
        appraisal: view.terms.appraisal.map(|fen| yuan(fen.0)),
        mining_right: view.announcement.mining_right().map(|right| right.label()),
        reserve_commitment: view.announcement.notice.reserve_commitment_hex.clone(),
        reserve: view.reserve.map(|fen| yuan(fen.0)),
        applications_close: datetime(view.terms.applications_close_ms),
        ends: datetime_seconds(view.ends_at_ms),
        ends_at_ms: view.ends_at_ms,
        server_now_ms: view.server_now_ms,
        paused_reason: view.paused_reason.clone(),
        minimum_next: yuan(view.minimum_next.0),
        minimum_next_fen: view.minimum_next.0,
        bids: view
            .bids
            .iter()
            .rev()
            .map(|bid| BidRow { paddle: bid.paddle, price: yuan(bid.price.0), at: datetime_seconds(bid.at_ms) })
            .collect(),
        outcome: outcome_text(&view),
        winner: view.winner_credit_code.clone(),
        deadlines: view.deadlines.iter().map(DeadlineRow::from).collect(),
        version: view.version,
        form,
        tender: tender_section(&view),
    })
}

//! The regulator's workbench (监管工作台): the procedures of the regions it supervises with where each
//! stands (程序监控), the supervision alerts with their evidence, and the complaints with their clocks.
//! Every row is read through the same authorization as the API (`Action::SuperviseTender` on the
//! region of the row): a regulator of 330100 sees Hangzhou and its districts, nothing else.

use ggzy_domain::authz::{self, Action};
use ggzy_domain::procurement::ProcurementState;
use ggzy_domain::sale::SalePhase;
use ggzy_domain::tender::TenderState;
use ggzy_store::read::RegionRange;

use crate::App;
use crate::actor::Actor;
use crate::alert::AlertView;
use crate::complaint::ComplaintView;
use crate::error::{AppError, AppResult};
use crate::events::Event;
use crate::regions::{in_ranges, ranges_for};
use crate::tender::tender_state;

/// Most alerts and complaints listed (the newest; the API pages through the rest).
const ROWS_SHOWN: i64 = 100;
/// Most procurements and sales read to find the region's (the public lists page through them all).
const MARKET_ROWS_READ: i64 = 200;

/// A tender of the supervised regions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonitoredTender {
    /// Tender.
    pub tender_id: String,
    /// Project title.
    pub title: String,
    /// Region running it.
    pub region_code: String,
    /// Where it stands.
    pub state: TenderState,
    /// Bid deadline, UTC ms, once the notice set it.
    pub bid_deadline_ms: Option<i64>,
    /// Objections to the documents waiting for their reply.
    pub open_objections: i64,
}

/// A government procurement of the supervised regions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonitoredProcurement {
    /// Procurement.
    pub procurement_id: String,
    /// Title.
    pub title: String,
    /// Region.
    pub region_code: String,
    /// Where it stands.
    pub state: ProcurementState,
    /// The current deadline for offers, UTC ms.
    pub offers_due_ms: Option<i64>,
}

/// A land or property sale of the supervised regions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonitoredSale {
    /// Sale.
    pub sale_id: String,
    /// Title of the parcel or asset.
    pub title: String,
    /// Region.
    pub region_code: String,
    /// Phase now.
    pub phase: SalePhase,
    /// Current end of bidding, UTC ms.
    pub ends_at_ms: i64,
}

/// A tender complaint with the tender's title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskComplaint {
    /// The complaint and its clocks.
    pub complaint: ComplaintView,
    /// Title of the tender complained about.
    pub title: String,
}

/// A government-procurement complaint (to the finance department) with its procurement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskProcurementComplaint {
    /// Procurement.
    pub procurement_id: String,
    /// Its title.
    pub title: String,
    /// The complaint and its clocks.
    pub complaint: crate::procurement::ComplaintView,
}

/// Everything the regulator's workbench shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegulatorDesk {
    /// The supervised region codes (ranges' lowest code), for the heading.
    pub regions: Vec<String>,
    /// Tenders, newest first.
    pub tenders: Vec<MonitoredTender>,
    /// Government procurements.
    pub procurements: Vec<MonitoredProcurement>,
    /// Land and property sales.
    pub sales: Vec<MonitoredSale>,
    /// Alerts with their evidence, newest first.
    pub alerts: Vec<AlertView>,
    /// Tender complaints, newest first.
    pub complaints: Vec<DeskComplaint>,
    /// Procurement complaints.
    pub procurement_complaints: Vec<DeskProcurementComplaint>,
    /// The server's clock, UTC ms.
    pub server_now_ms: i64,
}

impl App {
    /// The regulator's workbench: only the regions its grants supervise.
    pub async fn regulator_desk(&self, actor: &Actor) -> AppResult<RegulatorDesk> {
        let ranges = ranges_for(actor, Action::SuperviseTender);
        if ranges.is_empty() {
            return Err(AppError::Forbidden(authz::Denied { action: Action::SuperviseTender, region: actor.region }));
        }
        let (procurements, procurement_complaints) = self.monitored_procurements(&ranges).await?;
        Ok(RegulatorDesk {
            regions: ranges.iter().map(|range| range.low.clone()).collect(),
            tenders: self.monitored_tenders(&ranges).await?,
            procurements,
            procurement_complaints,
            sales: self.monitored_sales(&ranges).await?,
            alerts: self.desk_alerts(actor).await?,
            complaints: self.desk_complaints(actor, &ranges).await?,
            server_now_ms: self.now_ms(),
        })
    }

    async fn monitored_tenders(&self, ranges: &[RegionRange]) -> AppResult<Vec<MonitoredTender>> {
        let mut tenders = Vec::new();
        for row in self.store.tenders(i64::MAX).await?.into_iter().rev() {
            if !in_ranges(&row.region_code, ranges) {
                continue;
            }
            tenders.push(MonitoredTender {
                state: tender_state(&row)?,
                tender_id: row.tender_id,
                title: row.title,
                region_code: row.region_code,
                bid_deadline_ms: row.bid_deadline_ms,
                open_objections: row.open_objections,
            });
        }
        Ok(tenders)
    }

    async fn monitored_procurements(
        &self,
        ranges: &[RegionRange],
    ) -> AppResult<(Vec<MonitoredProcurement>, Vec<DeskProcurementComplaint>)> {
        let mut procurements = Vec::new();
        let mut complaints = Vec::new();
        for view in self.procurements(MARKET_ROWS_READ).await? {
            if !in_ranges(&view.plan.region_code, ranges) {
                continue;
            }
            for complaint in &view.complaints {
                complaints.push(DeskProcurementComplaint {
                    procurement_id: view.plan.procurement_id.clone(),
                    title: view.plan.request.title.clone(),
                    complaint: complaint.clone(),
                });
            }
            procurements.push(MonitoredProcurement {
                procurement_id: view.plan.procurement_id,
                title: view.plan.request.title,
                region_code: view.plan.region_code,
                state: view.state,
                offers_due_ms: view.offers_due_ms,
            });
        }
        Ok((procurements, complaints))
    }

    /// The land and property sales of the ranges (the newest read).
    pub(crate) async fn monitored_sales(&self, ranges: &[RegionRange]) -> AppResult<Vec<MonitoredSale>> {
        Ok(self
            .sales(MARKET_ROWS_READ)
            .await?
            .into_iter()
            .filter(|view| in_ranges(&view.announcement.region_code, ranges))
            .map(|view| MonitoredSale {
                sale_id: view.announcement.sale_id,
                title: view.announcement.notice.title,
                region_code: view.announcement.region_code,
                phase: view.phase,
                ends_at_ms: view.ends_at_ms,
            })
            .collect())
    }

    /// The alerts of `GET /api/v1/alerts`, each with its evidence (`GET /api/v1/alerts/{id}`).
    async fn desk_alerts(&self, actor: &Actor) -> AppResult<Vec<AlertView>> {
        let mut alerts = Vec::new();
        for row in self.alerts(actor, None, ROWS_SHOWN).await? {
            alerts.push(self.alert(actor, &row.alert_id).await?);
        }
        Ok(alerts)
    }

    /// The tender complaints filed in the ranges, each as `GET /api/v1/complaints/{id}` shows it.
    async fn desk_complaints(&self, actor: &Actor, ranges: &[RegionRange]) -> AppResult<Vec<DeskComplaint>> {
        let mut complaints = Vec::new();
        for stored in self.store.events_of_type("ComplaintFiled", ranges, ROWS_SHOWN).await? {
            let event: Event = serde_json::from_str(&stored.payload)
                .map_err(|e| AppError::Internal(format!("stored event {}: {e}", stored.position)))?;
            let Event::ComplaintFiled { complaint_id, .. } = event else { continue };
            let complaint = self.complaint(actor, &complaint_id).await?;
            let title = self.store.tender(&complaint.tender_id).await?.map_or_else(String::new, |row| row.title);
            complaints.push(DeskComplaint { complaint, title });
        }
        Ok(complaints)
    }
}

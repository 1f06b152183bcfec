//! The principal's and agency's workbench (招标人/代理机构工作台): the user's entities, the tenders
//! they run (as principal, or as the entrusted agency) with what waits on each (open objections to
//! the documents, the lots' expert draws, reports, candidates, award and contract), the projects
//! the tenders belong to, and the government procurements where an entity is purchaser or agency.
//! Everything is read from the same folds the API serves, as this user may see them: the drawn
//! experts' names stay sealed (only counts are gathered) and objectors stay unnamed.

use ggzy_domain::lot_award::LotStage;
use ggzy_domain::procurement::ProcurementState;
use ggzy_domain::tender::TenderState;
use jiff::civil::Date;

use super::bidder::DeskEntity;
use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::expert::draw_id_of;
use crate::objection::DocumentObjection;
use crate::tender::tender_state;

/// Most procurements read to find the user's (the list of every procedure pages through the rest).
const PROCUREMENTS_SCANNED: i64 = 200;

/// A project one of the user's tenders belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskProject {
    /// 投资项目代码 (the project's id).
    pub project_id: String,
    /// Name.
    pub name: String,
    /// State, in Chinese.
    pub state_label: &'static str,
    /// Why it is not ready for tendering yet, if it is not.
    pub not_ready: Option<String>,
}

/// A lot's expert draw, as counts: who was drawn stays sealed until the winner is decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskDraw {
    /// Draw id (`{tender}-{lot}`).
    pub draw_id: String,
    /// The draw minute, UTC ms.
    pub draw_at_ms: i64,
    /// Evaluation start, UTC ms.
    pub evaluation_start_ms: i64,
    /// Whether it was made.
    pub performed: bool,
    /// Members asked for (reserves not counted).
    pub requested: u32,
    /// Members sitting now who accepted.
    pub accepted: usize,
    /// Members sitting now who declined (to be replaced).
    pub declined: usize,
    /// Members sitting now who have not answered.
    pub unanswered: usize,
}

/// Where a lot's award procedure stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskAward {
    /// Stage.
    pub stage: LotStage,
    /// Day of the evaluation report, once submitted.
    pub reported_day: Option<Date>,
    /// Candidates in rank order (credit codes: public once reported).
    pub candidates: Vec<String>,
    /// The winner.
    pub winner: Option<String>,
    /// Result objections waiting for the reply.
    pub open_objections: usize,
    /// Day the award letter was issued.
    pub letter_day: Option<Date>,
    /// Contract amount and day signed.
    pub contract: Option<(i64, Date)>,
}

/// A lot of one of the user's tenders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskLot {
    /// Lot.
    pub lot_id: String,
    /// Name.
    pub name: String,
    /// Why it failed at the opening, if it did.
    pub failed_reason: Option<String>,
    /// Its expert draw, once scheduled.
    pub draw: Option<DeskDraw>,
    /// Its award procedure, once anything was recorded on it after the opening.
    pub award: Option<DeskAward>,
}

/// A tender the user's entity runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskTender {
    /// Tender.
    pub tender_id: String,
    /// Title.
    pub title: String,
    /// State.
    pub state: TenderState,
    /// Whether the user acts as the entrusted agency (else as the principal).
    pub as_agency: bool,
    /// The principal's name.
    pub principal_name: String,
    /// Project id, if under a registered project.
    pub project_id: Option<String>,
    /// Bid deadline, UTC ms.
    pub bid_deadline_ms: Option<i64>,
    /// Whether the opening-key ceremony's public key is recorded.
    pub has_opening_key: bool,
    /// Objections to the documents (objectors unnamed), oldest first.
    pub objections: Vec<DocumentObjection>,
    /// Lots.
    pub lots: Vec<DeskLot>,
}

impl DeskTender {
    /// Objections waiting for the reply.
    pub fn open_objections(&self) -> impl Iterator<Item = &DocumentObjection> {
        self.objections.iter().filter(|o| o.answer.is_none())
    }
}

/// A government procurement where the user's entity is purchaser or agency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskProcurement {
    /// Procurement id.
    pub procurement_id: String,
    /// Title.
    pub title: String,
    /// State.
    pub state: ProcurementState,
    /// Whether the user acts as the agency (else as the purchaser).
    pub as_agency: bool,
    /// Budget, fen.
    pub budget_fen: i64,
}

/// Everything the principal's workbench shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalDesk {
    /// The entities the user acts for.
    pub entities: Vec<DeskEntity>,
    /// Projects of the tenders listed.
    pub projects: Vec<DeskProject>,
    /// Tenders, newest first.
    pub tenders: Vec<DeskTender>,
    /// Procurements, newest first.
    pub procurements: Vec<DeskProcurement>,
    /// The server's clock, UTC ms.
    pub server_now_ms: i64,
}

impl App {
    /// The principal's workbench of a signed-in user: only tenders and procurements of its own
    /// entities (as principal/purchaser or entrusted agency).
    pub async fn principal_desk(&self, actor: &Actor) -> AppResult<PrincipalDesk> {
        let entities = self.desk_entities(actor).await?;
        let mut tenders = Vec::new();
        let mut projects: Vec<DeskProject> = Vec::new();
        for row in self.store.tenders(i64::MAX).await?.into_iter().rev() {
            let as_principal = actor.entities.contains(&row.principal_credit_code);
            let as_agency = row.agency_credit_code.as_ref().is_some_and(|agency| actor.entities.contains(agency));
            if !(as_principal || as_agency) {
                continue;
            }
            if let Some(project_id) = &row.project_id
                && !projects.iter().any(|p| &p.project_id == project_id)
            {
                match self.project(project_id).await {
                    Ok(project) => projects.push(DeskProject {
                        project_id: project_id.clone(),
                        name: project.details.name,
                        state_label: project.state.label(),
                        not_ready: project.not_ready,
                    }),
                    // A tender recorded before its project's registry: the tender row still shows it.
                    Err(AppError::NotFound { .. }) => {}
                    Err(other) => return Err(other),
                }
            }
            let state = tender_state(&row)?;
            let principal_name = self.entity_name(&row.principal_credit_code).await?;
            tenders.push(DeskTender {
                objections: self.objections_for(Some(actor), &row.tender_id).await?,
                lots: self.desk_lots(actor, &row.tender_id, state).await?,
                tender_id: row.tender_id,
                title: row.title,
                state,
                as_agency: !as_principal,
                principal_name,
                project_id: row.project_id,
                bid_deadline_ms: row.bid_deadline_ms,
                has_opening_key: row.opening_public_key.is_some(),
            });
        }
        let mut procurements = Vec::new();
        for view in self.procurements(PROCUREMENTS_SCANNED).await? {
            let request = &view.plan.request;
            let as_purchaser = actor.entities.contains(&request.purchaser_credit_code);
            let as_agency = request.agency_credit_code.as_ref().is_some_and(|agency| actor.entities.contains(agency));
            if as_purchaser || as_agency {
                procurements.push(DeskProcurement {
                    procurement_id: view.plan.procurement_id.clone(),
                    title: request.title.clone(),
                    state: view.state,
                    as_agency: !as_purchaser,
                    budget_fen: request.budget_fen,
                });
            }
        }
        Ok(PrincipalDesk { entities, projects, tenders, procurements, server_now_ms: self.now_ms() })
    }

    /// The entities the user acts for, with their registered names.
    pub(super) async fn desk_entities(&self, actor: &Actor) -> AppResult<Vec<DeskEntity>> {
        let mut entities = Vec::with_capacity(actor.entities.len());
        for code in &actor.entities {
            entities.push(DeskEntity { credit_code: code.clone(), name: self.entity_name(code).await? });
        }
        Ok(entities)
    }

    /// A tender's lots with their draws and award procedures.
    async fn desk_lots(&self, actor: &Actor, tender_id: &str, state: TenderState) -> AppResult<Vec<DeskLot>> {
        let mut lots = Vec::new();
        for lot in self.store.tender_lots(tender_id).await? {
            let award = if state == TenderState::Opened {
                let fold = self.lot_award(Some(actor), tender_id, &lot.lot_id).await?;
                (fold.version > 0).then(|| desk_award(&fold))
            } else {
                None
            };
            lots.push(DeskLot {
                draw: self.desk_draw(actor, tender_id, &lot.lot_id).await?,
                award,
                lot_id: lot.lot_id,
                name: lot.name,
                failed_reason: lot.failed_reason,
            });
        }
        Ok(lots)
    }

    /// A lot's draw as counts, or `None` when none was scheduled.
    async fn desk_draw(&self, actor: &Actor, tender_id: &str, lot_id: &str) -> AppResult<Option<DeskDraw>> {
        let view = match self.draw(Some(actor), &draw_id_of(tender_id, lot_id)).await {
            Ok(view) => view,
            Err(AppError::NotFound { .. }) => return Ok(None),
            Err(other) => return Err(other),
        };
        let sitting: Vec<_> = view.sitting().collect();
        let answered =
            |accepted: bool| sitting.iter().filter(|p| p.answer.as_ref().is_some_and(|(a, _)| *a == accepted)).count();
        Ok(Some(DeskDraw {
            draw_id: view.schedule.draw_id.clone(),
            draw_at_ms: view.schedule.draw_at_ms,
            evaluation_start_ms: view.schedule.evaluation_start_ms,
            performed: view.performed.is_some(),
            requested: view.schedule.slots.iter().map(|slot| u32::from(slot.count)).sum(),
            accepted: answered(true),
            declined: answered(false),
            unanswered: sitting.iter().filter(|p| p.answer.is_none()).count(),
        }))
    }
}

fn desk_award(fold: &crate::award::LotAward) -> DeskAward {
    DeskAward {
        stage: fold.stage,
        reported_day: fold.reported_day,
        candidates: fold.candidates(),
        winner: fold.winner.as_ref().map(|(code, _)| code.clone()),
        open_objections: fold.objections.iter().filter(|o| o.answered_day.is_none()).count(),
        letter_day: fold.letter.as_ref().map(|letter| letter.issued_day),
        contract: fold.contract.as_ref().map(|c| (c.amount_fen, c.signed_day)),
    }
}

//! The role workbenches' reads (工作台): what each signed-in role needs on one page, gathered from
//! the projections the API already serves. Every action a workbench offers goes through the same
//! use case as the API (authorization, checks and events included); nothing here writes.

mod bidder;
mod center;
mod expert;
mod principal;
mod regulator;

pub use bidder::{BidderDesk, DeskBid, DeskEntity, DeskRegistration, OpenLot, TenderDocuments};
pub use center::{CenterDesk, OpeningSession, OwnShare, SessionStage, UPCOMING_DAYS};
pub use expert::{DeskExpert, ExpertDesk, ExpertDraw, ExpertEvaluation};
pub use principal::{DeskAward, DeskDraw, DeskLot, DeskProcurement, DeskProject, DeskTender, PrincipalDesk};
pub use regulator::{
    DeskComplaint, DeskProcurementComplaint, MonitoredProcurement, MonitoredSale, MonitoredTender, RegulatorDesk,
};

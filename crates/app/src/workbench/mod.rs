//! The role workbenches' reads (工作台): what each signed-in role needs on one page, gathered from
//! the projections the API already serves. Every action a workbench offers goes through the same
//! use case as the API (authorization, checks and events included); nothing here writes.

mod bidder;
mod center;
mod expert;
mod principal;
mod regulator;

pub use bidder::{BidderDesk, DeskBid, DeskEntity, DeskRegistration, OpenLot};

//! Land-use rights, mining rights and state-property sales (招拍挂, 产权转让) on the shared live-bidding
//! core ([`crate::auction`]), and by tender (sealed bids, opening, panel): the announcement's terms, applications and admission with a deposit
//! and a paddle number, the bidding, the close of a listing with live bidding (现场竞价), the sealed
//! reserve, the confirmation, deposit refunds, and re-disclosure of an unsold property transfer
//! under the 90% rule. Everything is a fold over the sale's events and a transition table citing
//! the articles; time is an input.

mod kind;
mod procedure;
mod table;
mod tender;

pub use kind::{MiningRight, SaleKind, SaleTerms, SaleTermsError};
pub use procedure::{NoSale, Sale, SaleEvent, SaleOutcome, SaleRefusal, bidders_min};
pub use table::{SALE_TRANSITIONS, SaleCommand, SalePhase, SaleTransition, SaleTransitionRefused, sale_transition};
pub use tender::{SCORE_MAX, SealedBid, TenderBook, TenderEvaluation, TenderMethod};

//! API tests: the real server over HTTP, on SQLite and (when configured) PostgreSQL.

mod committee_fixture;
mod expert_fixture;
mod helpers;
mod procurement_fixture;
mod tender_fixture;

mod alerts;
mod auth;
mod award;
mod bids;
mod cli_tools;
mod complaints;
mod credit;
mod entities;
mod evaluation;
mod experts;
mod invited;
mod log;
mod market_screens;
mod objections;
mod opening;
mod opening_objections;
mod platform;
mod prequalification;
mod procurement;
mod procurement_objections;
mod projects;
mod reference_price;
mod relations;
mod sales;
mod supervision;
mod two_stage;
mod workbench;

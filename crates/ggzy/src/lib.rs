//! The ggzy server as a library: configuration, building and serving, demo data, offline
//! verification, export and the dossier of a tender. The `ggzy` binary (`main.rs`) is the command
//! line over it; tests use it to spawn the real server in-process with a fake clock.

pub mod ceremony;
pub mod client;
pub mod config;
pub mod demo;
pub mod demo_ca;
pub mod demo_clock;
pub mod demo_evaluation;
pub mod demo_experts;
pub mod demo_market;
pub mod demo_procurement;
pub mod demo_sales;
pub mod demo_tenders;
pub mod dossier;
pub mod export;
pub mod keys;
pub mod ocds_export;
pub mod ocds_import;
pub mod reindex;
pub mod server;
pub mod telemetry;
pub mod verify;
pub mod verify_bids;
pub mod verify_draw;

//! Use cases of the ggzy platform: load, decide with the pure domain, append events with their
//! projections, answer queries.
//!
//! This crate owns the things the pure crates must not touch: the [`clock::Clock`], the
//! [`entropy::Entropy`] source and the store. Tests swap the clock for a [`clock::FakeClock`] and
//! run whole procedures under a fake, accelerated time.

pub mod actor;
pub mod alert;
pub mod audit;
pub mod award;
pub mod bid;
pub mod calendar;
pub mod clock;
pub mod complaint;
pub mod credit;
pub mod entity;
pub mod entropy;
pub mod error;
pub mod events;
pub mod expert;
pub mod idempotency;
pub mod identity;
pub mod invitation;
pub mod market_screen;
pub mod objection;
pub mod ocds;
pub mod ocds_import;
pub mod opening;
pub mod opening_hall;
pub mod opening_objection;
pub mod portal;
pub mod prequalification;
pub mod procurement;
pub mod project;
pub mod regions;
pub mod related_bidders;
pub mod rulesets;
pub mod sale;
pub mod search;
pub mod security;
pub mod statutory_date;
pub mod supervision;
pub mod tender;
mod tender_events;
pub mod transparency;
pub mod two_stage;
pub mod venue;
pub mod workbench;

use std::sync::Arc;

use ggzy_domain::RegionTable;
use ggzy_domain::calendar::HolidayCalendar;
use ggzy_domain::ruleset::Ruleset;
use ggzy_store::Store;

pub use actor::Actor;
pub use error::{AppError, AppResult, FieldError};

/// Tunables of the app layer (from the server's configuration).
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// How long a login session lives, in milliseconds.
    pub session_ttl_ms: i64,
    /// Failed logins of one username allowed within [`AppConfig::login_window_ms`].
    pub login_max_failures: i64,
    /// Window of the login throttle, in milliseconds.
    pub login_window_ms: i64,
    /// After this long a pending idempotency key (its server died mid-request) may be taken over.
    pub idempotency_lease_ms: i64,
}

impl Default for AppConfig {
    fn default() -> AppConfig {
        AppConfig {
            session_ttl_ms: 8 * 3600 * 1000,
            login_max_failures: 5,
            login_window_ms: 15 * 60 * 1000,
            idempotency_lease_ms: 60 * 1000,
        }
    }
}

/// The application: every use case hangs off this; cheap to clone.
#[derive(Clone)]
pub struct App {
    store: Store,
    clock: Arc<dyn clock::Clock>,
    entropy: Arc<dyn entropy::Entropy>,
    regions: Arc<RegionTable>,
    config: AppConfig,
    search: ggzy_search::EntityIndex,
    notices: portal::NoticeCatalog,
    /// The notice pages' reads, kept per log position (`portal/notice_page.rs`).
    notice_pages: portal::NoticePages,
    transparency: transparency::TransparencyLog,
    rulesets: Arc<Vec<Ruleset>>,
    calendar: Arc<HolidayCalendar>,
    bids: Option<Arc<bid::BidServices>>,
    person_key_pepper: Option<entity::person_key::PersonKeyPepper>,
    sales: sale::SaleHub,
    opening_hall: opening_hall::OpeningHall,
}

impl App {
    /// Assembles the app from its parts; the search index starts empty (see
    /// [`App::rebuild_search_index`]).
    pub fn new(
        store: Store,
        clock: Arc<dyn clock::Clock>,
        entropy: Arc<dyn entropy::Entropy>,
        regions: Arc<RegionTable>,
        config: AppConfig,
    ) -> AppResult<App> {
        let search = ggzy_search::EntityIndex::in_memory()
            .map_err(|e| AppError::Internal(format!("creating the search index: {e}")))?;
        let rulesets = rulesets::builtin().map_err(|e| AppError::Internal(format!("built-in rulesets: {e}")))?;
        let calendar = calendar::builtin().map_err(|e| AppError::Internal(format!("built-in calendar: {e}")))?;
        Ok(App {
            store,
            clock,
            entropy,
            regions,
            config,
            search,
            notices: portal::NoticeCatalog::new()?,
            notice_pages: portal::NoticePages::default(),
            transparency: Default::default(),
            rulesets: Arc::new(rulesets),
            calendar: Arc::new(calendar),
            bids: None,
            person_key_pepper: None,
            sales: sale::SaleHub::default(),
            opening_hall: opening_hall::OpeningHall::default(),
        })
    }

    /// The same app (store, keys, services) under another clock: the sandbox runs a procedure
    /// under an accelerated fake clock, and the demo seeds its history in the past.
    pub fn with_clock(&self, clock: Arc<dyn clock::Clock>) -> App {
        App { clock, ..self.clone() }
    }

    /// The store (for health checks and offline tools).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The GB/T 2260 region table in force.
    pub fn region_table(&self) -> &RegionTable {
        &self.regions
    }

    /// Current time, UTC milliseconds, from the app's clock.
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Today's date (year, month, day) in China Standard Time, from the app's clock.
    pub fn today(&self) -> (i32, u8, u8) {
        let date = jiff::Timestamp::from_millisecond(self.now_ms())
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
            .to_zoned_datetime(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
            .date();
        (i32::from(date.year()), date.month().unsigned_abs(), date.day().unsigned_abs())
    }
}

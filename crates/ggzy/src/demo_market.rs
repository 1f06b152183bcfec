//! The demo's market history: a small synthetic market with planted cartels
//! (`ggzy_analytics::market::synthetic`, seeded), loaded through the OCDS import path as another
//! publisher's releases, so that the regulators' market screens (`GET
//! /api/v1/supervision/market-screens`) have years of awarded lots to look at.
//!
//! Running a thousand tenders through the full procedure would take many minutes; the history is a
//! projection of figures instead, and says so: its publisher is named as synthetic, its firms are
//! not registered entities, and OCDS carries no traces (machine, address, account, phone, legal
//! representative), so the shared-device and common-owner cartels can be found only by how they
//! bid and win (co-bidding rings, rotation), never by the trace screens. docs/market-screens.md
//! describes what the demo can and cannot show.

use std::collections::BTreeMap;
use std::ops::{Range, RangeInclusive};

use anyhow::Context as _;
use ggzy_analytics::market::release_of_lot;
use ggzy_analytics::market::synthetic::{Draws, Params, Shape, generate};
use ggzy_analytics::ocds_input::release_key;
use ggzy_app::App;
use ggzy_app::actor::Actor;
use ggzy_app::market_screen::MarketScreenRequest;
use ggzy_app::ocds_import::ImportedRelease;
use ggzy_domain::RegionCode;
use rand::rngs::StdRng;
use rand::{Rng, RngExt as _, SeedableRng as _};

use crate::demo::explain;

/// The market's seed: the demo shows the same market every time.
pub const DEMO_MARKET_SEED: u64 = 2026;
/// Who the releases say published them.
pub const DEMO_MARKET_PUBLISHER: &str = "演示用合成市场（非真实数据）";
/// The platform region the history is imported under (Hangzhou: both demo regulators see it).
const DEMO_MARKET_REGION: &str = "330100";

/// A small market of one city: 300 honest firms (plus look-alikes) in three categories over three
/// years, one cartel of each shape rigging 24 lots. Chosen so that the default thresholds find
/// most cartel firms and few honest ones, in about a tenth of a second.
pub fn demo_market_params() -> Params {
    Params {
        firms: 300,
        regions: 1,
        categories: 3,
        years: 3,
        lots_per_year: 400,
        cartels_per_shape: 1,
        target_lots: 24,
        ..Params::default()
    }
}

/// A `rand` generator as the synthetic market's source of random numbers (the same calls the
/// generator made on `rand` when it lived in `bench/`, so seeds keep their markets).
pub struct RandDraws<R>(pub R);

impl<R: Rng> Draws for RandDraws<R> {
    fn unit(&mut self) -> f64 {
        self.0.random::<f64>()
    }
    fn index(&mut self, range: Range<usize>) -> usize {
        self.0.random_range(range)
    }
    fn index_inclusive(&mut self, range: RangeInclusive<usize>) -> usize {
        self.0.random_range(range)
    }
    fn uniform(&mut self, range: Range<f64>) -> f64 {
        self.0.random_range(range)
    }
    fn chance(&mut self, p: f64) -> bool {
        self.0.random_bool(p)
    }
}

/// What the demo market holds and what the screens make of it at the default thresholds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoMarket {
    /// Awarded lots imported.
    pub lots: usize,
    /// Firms, honest and planted.
    pub firms: usize,
    /// Firms planted in cartels.
    pub cartel_firms: usize,
    /// Cartel firms the screens flag.
    pub cartel_flagged: usize,
    /// Honest firms the screens flag.
    pub honest_flagged: usize,
}

/// Generates the market, imports it as OCDS releases and screens it once to report the count.
pub async fn seed_market(app: &App) -> anyhow::Result<DemoMarket> {
    let market = generate(&demo_market_params(), &mut RandDraws(StdRng::seed_from_u64(DEMO_MARKET_SEED)));
    let mut jsonl = String::new();
    let mut releases = Vec::with_capacity(market.lots.len());
    for (index, lot) in market.lots.iter().enumerate() {
        let release = release_of_lot(lot, &format!("ocds-ggzydemo-{}", lot.id));
        let key = release_key(&release).map_err(|p| anyhow::anyhow!("demo release {}: {}", lot.id, p.message))?;
        let json = release.to_string();
        jsonl.push_str(&json);
        jsonl.push('\n');
        releases.push(ImportedRelease { line: i64::try_from(index + 1).unwrap_or(i64::MAX), key, json });
    }
    let file_sm3 = hex::encode(ggzy_crypto::sm3::sm3(jsonl.as_bytes()));
    let region = RegionCode::parse(DEMO_MARKET_REGION).context("demo market region")?;
    let lots = app
        .import_ocds(&Actor::system(region), DEMO_MARKET_PUBLISHER, &file_sm3, releases, 0)
        .await
        .map_err(explain)
        .context("importing the demo market")?;
    // What the demo regulators see at the default thresholds, through the same use case as the
    // API, against the truth only the generator knows.
    let request = MarketScreenRequest { region: Some(region), ..MarketScreenRequest::default() };
    let report = app.market_screens(&Actor::system(region), &request).await.map_err(explain)?;
    let mut flagged: BTreeMap<&str, Option<Shape>> = BTreeMap::new();
    for score in &report.scores {
        if let Some((firm, shape)) = market.truth.get_key_value(&score.firm) {
            flagged.insert(firm, *shape);
        }
    }
    Ok(DemoMarket {
        lots,
        firms: market.truth.len(),
        cartel_firms: market.truth.values().filter(|s| s.is_some()).count(),
        cartel_flagged: flagged.values().filter(|s| s.is_some()).count(),
        honest_flagged: flagged.values().filter(|s| s.is_none()).count(),
    })
}

#[cfg(test)]
mod tests {
    use ggzy_app::actor::Actor;
    use ggzy_store::testkit::TestDb;

    use super::*;
    use crate::demo::tests::test_app;

    #[tokio::test]
    async fn the_demo_market_is_imported_and_the_screens_find_its_cartels_more_than_honest_firms() {
        for db in TestDb::all().await {
            let app = test_app(&db).await;
            let market = seed_market(&app).await.expect("demo market");
            assert_eq!((market.lots, market.firms), (1_200, 340));
            // Measured on seed 2026 (docs/market-screens.md): 18 of 20 cartel firms, 6 of 320 others.
            assert!(market.cartel_flagged * 10 >= market.cartel_firms * 8, "{market:?}");
            assert!(market.honest_flagged * 20 <= market.firms - market.cartel_firms, "{market:?}");
            // A regulator of another city sees none of it: it was imported under Hangzhou.
            let ningbo = Actor::system(RegionCode::parse("330200").expect("region"));
            let request = MarketScreenRequest { region: Some(ningbo.region), ..MarketScreenRequest::default() };
            let report = app.market_screens(&ningbo, &request).await.expect("screens");
            assert_eq!((report.imported_lots, report.scores.len()), (0, 0));
            db.drop_db().await;
        }
    }
}

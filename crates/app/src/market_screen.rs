//! The market-level collusion screens (`ggzy_analytics::market`: 陪标, 标王, 轮流中标, 串标团伙 and
//! the lot screens summed per firm) over the awarded lots a regulator supervises, for the
//! supervision API. Nothing is recorded: a screen is a reading of the record at the time asked,
//! and each score carries the lots behind it so that the regulator can open them.
//!
//! A lot of this platform counts once its award is recorded: its bids as read at the opening with
//! the traces the opening alerts compare (one builder, `App::lot_bids`), the winner of the award,
//! the tender's region code, the year of the award day (China time), and as category the kind of
//! the project's packages when they are all one kind (施工, 设计, …), else 工程建设 (the catalog
//! category of every tender on this platform). OCDS releases imported from other publishers
//! (`ggzy import ocds`) count too, as lots without traces, when the import was made in a region the
//! caller supervises (`ggzy_analytics::market::lots_of_release` says what is read from them).

use std::collections::{BTreeMap, BTreeSet};

pub use ggzy_analytics::market::{FirmScore, MarketRule, MarketSettings};
use ggzy_analytics::market::{MarketBid, MarketLot, lots_of_release, screen_market};
use ggzy_domain::RegionCode;
use ggzy_domain::authz::{self, Action};
use ggzy_domain::project::ContractKind;
use ggzy_store::read::RegionRange;
use ggzy_store::tender_projection::TenderRow;

use crate::App;
use crate::actor::{Actor, Credential};
use crate::error::{AppError, AppResult};
use crate::events::stream;
use crate::regions::region_range;

/// The category of a tender whose project is missing or mixes kinds of work.
const CATALOG_CATEGORY: &str = "工程建设";

/// What to screen.
#[derive(Debug, Clone, Default)]
pub struct MarketScreenRequest {
    /// One region (and those below it) the caller supervises; `None`: all of them.
    pub region: Option<RegionCode>,
    /// Awards from this year on.
    pub year_from: Option<i32>,
    /// Awards up to this year.
    pub year_to: Option<i32>,
    /// The screens' thresholds.
    pub settings: MarketSettings,
}

/// The screens' result.
#[derive(Debug, Clone)]
pub struct MarketScreenReport {
    /// Awarded lots of this platform screened.
    pub platform_lots: usize,
    /// Awarded lots of imported OCDS releases screened.
    pub imported_lots: usize,
    /// Firms that bid on them.
    pub firms: usize,
    /// Scores at or above the request's `min_score`, by rule, then highest first.
    pub scores: Vec<FirmScore>,
}

fn within(ranges: Option<&[RegionRange]>, code: &str) -> bool {
    ranges.is_none_or(|ranges| ranges.iter().any(|r| r.low.as_str() <= code && code <= r.high.as_str()))
}

impl App {
    /// Runs every market screen over the awarded lots of the regions the actor supervises (or of
    /// `request.region`), within the year range.
    pub async fn market_screens(&self, actor: &Actor, request: &MarketScreenRequest) -> AppResult<MarketScreenReport> {
        let ranges = market_scope(actor, request.region.as_ref())?;
        let in_years = |lot: &MarketLot| {
            request.year_from.is_none_or(|from| lot.year >= from) && request.year_to.is_none_or(|to| lot.year <= to)
        };
        let mut lots = self.platform_market_lots(ranges.as_deref()).await?;
        lots.retain(in_years);
        let platform_lots = lots.len();
        let mut imported = self.imported_market_lots(ranges.as_deref()).await?;
        imported.retain(in_years);
        let imported_lots = imported.len();
        lots.extend(imported);
        let firms = lots.iter().flat_map(|l| &l.bids).map(|b| b.bid.bidder.as_str()).collect::<BTreeSet<_>>().len();
        let scores = screen_market(&lots, &request.settings);
        Ok(MarketScreenReport { platform_lots, imported_lots, firms, scores })
    }

    /// Every awarded lot of this platform's tenders in `ranges` (all when `None`).
    async fn platform_market_lots(&self, ranges: Option<&[RegionRange]>) -> AppResult<Vec<MarketLot>> {
        let mut categories: BTreeMap<String, String> = BTreeMap::new();
        let mut lots = Vec::new();
        for row in self.store.tenders(i64::MAX).await? {
            // Bids are public from the opening record on (招标投标法 第三十六条); awards come later.
            if row.opening_record.is_none() || !within(ranges, &row.region_code) {
                continue;
            }
            let submitted = self.store.submitted_bids(&row.tender_id).await?;
            let openings = self.store.bid_openings(&row.tender_id).await?;
            let mut category = None;
            for lot in self.store.tender_lots(&row.tender_id).await? {
                let award = self.lot_award(None, &row.tender_id, &lot.lot_id).await?;
                let (Some((winner, _)), Some(day)) = (&award.winner, award.awarded_day) else { continue };
                if category.is_none() {
                    category = Some(self.market_category(&row, &mut categories).await?);
                }
                let bids = self.lot_bids(&row.tender_id, &lot.lot_id, &submitted, &openings).await?;
                lots.push(MarketLot {
                    id: format!("{}/{}", row.tender_id, lot.lot_id),
                    region: row.region_code.clone(),
                    category: category.clone().unwrap_or_default(),
                    year: i32::from(day.year()),
                    bids: bids.into_iter().map(|bid| MarketBid { winner: bid.bidder == *winner, bid }).collect(),
                });
            }
        }
        Ok(lots)
    }

    /// The kind of work of the tender's project when its packages share one, else the catalog's.
    async fn market_category(&self, row: &TenderRow, known: &mut BTreeMap<String, String>) -> AppResult<String> {
        let Some(project_id) = &row.project_id else { return Ok(CATALOG_CATEGORY.to_owned()) };
        if let Some(category) = known.get(project_id) {
            return Ok(category.clone());
        }
        let project = self.project(project_id).await?;
        let kinds: BTreeSet<&str> = project.details.packages.iter().map(|p| p.kind.as_str()).collect();
        let category = match kinds.into_iter().collect::<Vec<_>>().as_slice() {
            [kind] => ContractKind::parse(kind).map_or(CATALOG_CATEGORY, ContractKind::label),
            _ => CATALOG_CATEGORY,
        }
        .to_owned();
        known.insert(project_id.clone(), category.clone());
        Ok(category)
    }

    /// The awarded lots of imported OCDS releases whose import was recorded in `ranges`.
    async fn imported_market_lots(&self, ranges: Option<&[RegionRange]>) -> AppResult<Vec<MarketLot>> {
        let mut import_regions: BTreeMap<String, Option<String>> = BTreeMap::new();
        let mut lots = Vec::new();
        for (json, file_sm3) in self.store.ocds_imported_with_files().await? {
            let region = match import_regions.get(&file_sm3) {
                Some(region) => region.clone(),
                None => {
                    let events = self.store.stream(&stream::ocds_import(&file_sm3)).await?;
                    let region = events.first().map(|e| e.region_code.clone());
                    import_regions.insert(file_sm3.clone(), region.clone());
                    region
                }
            };
            let Some(region) = region.filter(|r| within(ranges, r)) else { continue };
            let release: serde_json::Value = serde_json::from_str(&json)
                .map_err(|e| AppError::Internal(format!("imported OCDS release of file {file_sm3}: {e}")))?;
            lots.extend(lots_of_release(&release, &region));
        }
        Ok(lots)
    }
}

/// The region ranges the actor may screen: the one asked for, or every region it supervises;
/// `None` for the platform itself (every region).
fn market_scope(actor: &Actor, region: Option<&RegionCode>) -> AppResult<Option<Vec<RegionRange>>> {
    if let Some(region) = region {
        actor.authorize(Action::ScreenMarket, region)?;
        return Ok(Some(vec![region_range(region)]));
    }
    if actor.credential == Credential::System {
        return Ok(None);
    }
    let ranges: Vec<RegionRange> = actor
        .grants
        .iter()
        .filter(|grant| authz::authorize(&[**grant], Action::ScreenMarket, &grant.region).is_ok())
        .map(|grant| region_range(&grant.region))
        .collect();
    if ranges.is_empty() {
        return Err(AppError::Forbidden(authz::Denied { action: Action::ScreenMarket, region: actor.region }));
    }
    Ok(Some(ranges))
}

//! The home page: the newest notices by trading category (工程建设, 政府采购, 土地与产权), the regions
//! served (each leading to its notices), the market entities, and where to go from there.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use ggzy_app::portal::NoticeFilter;

use super::PageError;
use super::notices::NoticeRow;
use super::procurements::ProcurementRow;
use super::sales::SaleRow;
use crate::WebState;

/// Tender notices shown on the home page.
const LATEST: usize = 8;
/// Procurements and sales shown on the home page, each.
const LATEST_OTHER: i64 = 5;

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub(crate) struct HomePage {
    notices: Vec<NoticeRow>,
    procurements: Vec<ProcurementRow>,
    sales: Vec<SaleRow>,
    regions: Vec<RegionRow>,
    entities: Vec<EntityRow>,
}

struct RegionRow {
    code: String,
    name: String,
}

struct EntityRow {
    credit_code: String,
    name: String,
    region_name: String,
}

pub(crate) async fn home(State(state): State<WebState>) -> Result<HomePage, PageError> {
    let filter = NoticeFilter { limit: LATEST, ..NoticeFilter::default() };
    let notices = state.app.public_notices(&filter).await?.notices.into_iter().map(NoticeRow::from).collect();
    let procurements = state.app.procurements(LATEST_OTHER).await?.iter().map(ProcurementRow::from).collect();
    let sales = state.app.sales(LATEST_OTHER).await?.iter().map(SaleRow::from).collect();
    let regions = state
        .app
        .platform_regions()
        .await?
        .into_iter()
        .map(|r| RegionRow { code: r.region_code, name: r.name })
        .collect();
    let entities = state
        .app
        .list_entities(None, None, 20)
        .await?
        .into_iter()
        .map(|e| EntityRow { credit_code: e.credit_code, name: e.name, region_name: e.region_name })
        .collect();
    Ok(HomePage { notices, procurements, sales, regions, entities })
}

//! The home page: the newest notices, the regions served, the market entities, and where to go
//! from there.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use ggzy_app::portal::NoticeFilter;

use super::PageError;
use super::notices::NoticeRow;
use crate::WebState;

/// Notices shown on the home page.
const LATEST: usize = 8;

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub(crate) struct HomePage {
    notices: Vec<NoticeRow>,
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
    Ok(HomePage { notices, regions, entities })
}

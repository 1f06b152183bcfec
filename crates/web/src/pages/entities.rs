//! An entity's public page (`/entities/{credit_code}`): its registration as the public API shows
//! it (no contacts, no ID numbers), its credit records, and the notices of the tenders it runs as
//! principal or agency.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};

use super::PageError;
use super::credit::CreditRow;
use super::format::date;
use super::notices::NoticeRow;
use crate::WebState;

#[derive(Template, WebTemplate)]
#[template(path = "entity.html")]
pub(crate) struct EntityPage {
    credit_code: String,
    name: String,
    region_name: String,
    legal_rep_name: String,
    registered: String,
    notices: Vec<NoticeRow>,
    records: Vec<CreditRow>,
}

pub(crate) async fn entity(
    State(state): State<WebState>,
    Path(credit_code): Path<String>,
) -> Result<EntityPage, PageError> {
    // Anonymous viewer: the app returns the public view only.
    let entity = state.app.entity(None, credit_code.trim()).await?;
    let notices = state.app.entity_notices(&entity.credit_code).await?.into_iter().map(NoticeRow::from).collect();
    let records =
        state.app.entity_credit_records(&entity.credit_code).await?.into_iter().map(CreditRow::from).collect();
    Ok(EntityPage {
        registered: date(entity.registered_at_ms),
        credit_code: entity.credit_code,
        name: entity.name,
        region_name: entity.region_name,
        legal_rep_name: entity.legal_rep_name,
        notices,
        records,
    })
}

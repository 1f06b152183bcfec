//! The transparency page (`/transparency`): the newest signed tree head over the event log, the
//! platform's public key, and how anyone checks a receipt or a dossier with `ggzy verify`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use ggzy_app::AppError;

use super::PageError;
use super::format::{datetime, machine_datetime};
use crate::WebState;

/// The head as shown.
pub(crate) struct HeadRow {
    pub(crate) tree_size: i64,
    pub(crate) signed: String,
    pub(crate) signed_machine: String,
    pub(crate) root_hash: String,
    pub(crate) signature: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "transparency.html")]
pub(crate) struct TransparencyPage {
    head: Option<HeadRow>,
    events: i64,
    public_key_pem: String,
}

pub(crate) async fn transparency(State(state): State<WebState>) -> Result<TransparencyPage, PageError> {
    let head = match state.app.latest_tree_head().await {
        Ok(head) => Some(HeadRow {
            tree_size: head.tree_size,
            signed: datetime(head.timestamp_ms),
            signed_machine: machine_datetime(head.timestamp_ms),
            root_hash: hex::encode(head.root_hash),
            signature: hex::encode(head.signature),
        }),
        // A fresh platform has not signed a head yet; the page says so.
        Err(AppError::NotFound { .. }) => None,
        Err(other) => return Err(other.into()),
    };
    let events = state.app.store().watermark().await.map_err(AppError::from)?;
    Ok(TransparencyPage { head, events, public_key_pem: state.app.platform_public_key_pem()? })
}

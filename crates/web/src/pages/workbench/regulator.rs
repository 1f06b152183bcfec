//! The regulator workbench (to be filled).

use axum::Router;

use crate::WebState;

pub(super) fn routes() -> Router<WebState> {
    Router::new()
}

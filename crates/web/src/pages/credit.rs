//! The credit records (信用信息): penalties and restrictions as published, on their own page and on
//! each entity's page.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use ggzy_app::credit::CreditRecordView;

use super::PageError;
use crate::WebState;

/// One decision as shown.
pub(crate) struct CreditRow {
    pub(crate) credit_code: String,
    pub(crate) entity_name: String,
    pub(crate) kind_label: &'static str,
    pub(crate) authority: String,
    pub(crate) document_no: String,
    pub(crate) decided_on: String,
    pub(crate) period: Option<String>,
    pub(crate) basis: String,
    pub(crate) facts: String,
    pub(crate) status: &'static str,
    pub(crate) status_class: &'static str,
    pub(crate) revoked_reason: Option<String>,
}

impl From<CreditRecordView> for CreditRow {
    fn from(view: CreditRecordView) -> CreditRow {
        let row = view.row;
        let period = match (view.scope, &row.barred_from, &row.barred_until) {
            (Some(scope), Some(from), Some(until)) => Some(format!("{from} 至 {until}，禁止参加{}", scope.label())),
            _ => None,
        };
        let (status, status_class) = match (row.revoked_at_ms.is_some(), view.in_force, period.is_some()) {
            (true, _, _) => ("已撤销", "revoked"),
            (false, true, _) => ("禁止期内", "failed"),
            (false, false, true) => ("不在禁止期内", "expired"),
            (false, false, false) => ("已公示", "candidates"),
        };
        CreditRow {
            credit_code: row.credit_code,
            entity_name: view.entity_name,
            kind_label: view.kind.label(),
            authority: row.authority,
            document_no: row.document_no,
            decided_on: row.decided_on,
            period,
            basis: row.basis,
            facts: row.facts,
            status,
            status_class,
            revoked_reason: row.revoked_reason,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "credit.html")]
pub(crate) struct CreditPage {
    records: Vec<CreditRow>,
}

pub(crate) async fn list(State(state): State<WebState>) -> Result<CreditPage, PageError> {
    let views = state.app.credit_records(100).await?;
    Ok(CreditPage { records: views.into_iter().map(CreditRow::from).collect() })
}

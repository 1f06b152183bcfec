//! The expert pool's public statistics (`/experts/statistics`): how many experts stand in each
//! status and how many active experts each specialty has, the same numbers as
//! `GET /api/v1/experts/statistics`. Numbers only: no expert is named or described.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use super::PageError;
use crate::WebState;

/// A count as shown.
pub(crate) struct CountRow {
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) count: i64,
    /// Nesting level in the specialty tree (1 = top), for the indentation.
    pub(crate) level: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "expert_statistics.html")]
pub(crate) struct ExpertStatisticsPage {
    by_status: Vec<CountRow>,
    total: i64,
    by_specialty: Vec<CountRow>,
}

pub(crate) async fn statistics(State(state): State<WebState>) -> Result<ExpertStatisticsPage, PageError> {
    let stats = state.app.expert_statistics().await?;
    let total = stats.by_status.iter().map(|(_, count)| count).sum();
    let by_status = stats
        .by_status
        .into_iter()
        .map(|(status, count)| CountRow {
            code: status.as_str().to_owned(),
            name: status.label().to_owned(),
            count,
            level: 1,
        })
        .collect();
    let by_specialty = stats
        .by_specialty
        .into_iter()
        .map(|line| CountRow {
            // Codes grow by two characters per level below the one-letter top (A, A01, A0101).
            level: line.specialty.len().div_ceil(2),
            code: line.specialty,
            name: line.name,
            count: line.active,
        })
        .collect();
    Ok(ExpertStatisticsPage { by_status, total, by_specialty })
}

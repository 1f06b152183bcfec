//! The market-level collusion screens for regulators (陪标, 标王, 轮流中标, 串标团伙, and the lot
//! screens summed per firm, 招标投标法实施条例 第三十四条、第三十九条、第四十条) over the awarded lots of the
//! regions they supervise. Thresholds can be lowered so that a small market can be screened.

use axum::extract::State;
use ggzy_app::FieldError;
use ggzy_app::market_screen::{FirmScore, MarketScreenReport, MarketScreenRequest, MarketSettings};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::WebState;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiQuery, RequireActor};
use crate::fields;

/// Years an award may carry.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;
/// Counts the sample-size thresholds may take.
const COUNTS: std::ops::RangeInclusive<i64> = 1..=1000;

/// Query of the market screens.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct MarketScreenQuery {
    /// Only this region and those below it (one the caller supervises); default: all of them.
    #[serde(default)]
    region_code: Option<String>,
    /// Awards from this year on (2000-2100).
    #[serde(default)]
    year_from: Option<i32>,
    /// Awards up to this year (2000-2100, not before `year_from`).
    #[serde(default)]
    year_to: Option<i32>,
    /// Only scores at or above this (0-1, default 0.3).
    #[serde(default)]
    min_score: Option<f64>,
    /// Fewest bids before the cover-bidder, serial-winner and rotation screens judge a firm (1-1000,
    /// default 8).
    #[serde(default)]
    min_bids: Option<i64>,
    /// Fewest lots two firms must share before the pair screens count them (1-1000, default 4).
    #[serde(default)]
    min_joint_lots: Option<i64>,
}

/// One evidence row of a market score.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarketEvidenceDto {
    /// What it is (e.g. `partner`, `lots`, `wins`).
    what: String,
    /// The value (lots are `{tender id}/{lot id}` for this platform's lots).
    value: String,
}

/// A firm's score under one market rule: a reason to look, never a finding.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarketScoreDto {
    /// The firm (credit code, or the id an imported release gives).
    firm: String,
    /// The rule's code (`cover_bidder`, `serial_winner`, `rotation`, `co_bidding_ring`,
    /// `shared_traces`, `common_owner`, `price_pattern`).
    rule: String,
    /// The rule in Chinese.
    label: String,
    /// The articles it points to.
    article: String,
    /// Score, 0-1000.
    score_permille: i64,
    /// Evidence: counts, partners and the lots behind them.
    evidence: Vec<MarketEvidenceDto>,
}

/// The thresholds the screens ran with.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarketThresholdsDto {
    /// Scores below this are left out.
    min_score: f64,
    /// Fewest bids before a firm's win ratio is judged.
    min_bids: usize,
    /// Fewest joint lots before a pair counts.
    min_joint_lots: usize,
}

/// The market screens' result.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarketScreensDto {
    /// Awarded lots of this platform screened.
    platform_lots: usize,
    /// Awarded lots of imported OCDS releases screened (no traces: only bids, prices and wins).
    imported_lots: usize,
    /// Firms that bid on them.
    firms: usize,
    /// The thresholds used.
    thresholds: MarketThresholdsDto,
    /// The scores, by rule, then highest first.
    scores: Vec<MarketScoreDto>,
}

fn score(score: FirmScore) -> MarketScoreDto {
    // Thousandths, as the alerts give them.
    #[allow(clippy::cast_possible_truncation)]
    let score_permille = (score.score * 1000.0).round() as i64;
    MarketScoreDto {
        firm: score.firm,
        rule: score.rule.code().to_owned(),
        label: score.rule.label().to_owned(),
        article: score.rule.article().to_owned(),
        score_permille,
        evidence: score.evidence.into_iter().map(|e| MarketEvidenceDto { what: e.what, value: e.value }).collect(),
    }
}

fn dto(report: MarketScreenReport, settings: &MarketSettings) -> MarketScreensDto {
    MarketScreensDto {
        platform_lots: report.platform_lots,
        imported_lots: report.imported_lots,
        firms: report.firms,
        thresholds: MarketThresholdsDto {
            min_score: settings.min_score,
            min_bids: settings.min_bids,
            min_joint_lots: settings.min_joint_lots,
        },
        scores: report.scores.into_iter().map(score).collect(),
    }
}

/// The query as a request, with every field problem at once.
fn request(state: &WebState, query: &MarketScreenQuery) -> Result<MarketScreenRequest, ApiError> {
    let mut errors = Vec::new();
    let region = match query.region_code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => fields::region(state.app.region_table(), "region_code", code).map_err(|e| errors.push(e)).ok(),
        None => None,
    };
    for (field, year) in [("year_from", query.year_from), ("year_to", query.year_to)] {
        if year.is_some_and(|y| !YEARS.contains(&y)) {
            errors.push(FieldError::new(
                field,
                "invalid_year_range",
                format!("年份（{field}）须在{}至{}之间", YEARS.start(), YEARS.end()),
            ));
        }
    }
    if let (Some(from), Some(to)) = (query.year_from, query.year_to)
        && from > to
    {
        errors.push(FieldError::new(
            "year_to",
            "invalid_year_range",
            format!("截止年份（year_to = {to}）不能早于起始年份（year_from = {from}）"),
        ));
    }
    let mut settings = MarketSettings::default();
    if let Some(min_score) = query.min_score {
        if (0.0..=1.0).contains(&min_score) {
            settings.min_score = min_score;
        } else {
            errors.push(FieldError::new(
                "min_score",
                "threshold_out_of_range",
                "最低分值（min_score）须在0至1之间，如0.3",
            ));
        }
    }
    for (field, value, what, target) in [
        ("min_bids", query.min_bids, "判断中标率所需的最少投标次数", &mut settings.min_bids),
        (
            "min_joint_lots",
            query.min_joint_lots,
            "计入两家单位关系所需的最少共同投标标段数",
            &mut settings.min_joint_lots,
        ),
    ] {
        match value {
            Some(count) if COUNTS.contains(&count) => *target = usize::try_from(count).unwrap_or(1),
            Some(_) => errors.push(FieldError::new(
                field,
                "threshold_out_of_range",
                format!("{what}（{field}）须为{}至{}之间的整数", COUNTS.start(), COUNTS.end()),
            )),
            None => {}
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    Ok(MarketScreenRequest { region, year_from: query.year_from, year_to: query.year_to, settings })
}

/// Runs the market-level collusion screens over the awarded lots of the regions the caller
/// supervises (regulators): every firm score with its rule, article and evidence.
#[utoipa::path(get, path = "/api/v1/supervision/market-screens", tag = "supervision", params(MarketScreenQuery),
    responses(
        (status = 200, body = MarketScreensDto),
        (status = 403, body = ErrorBody),
        (status = 422, description = "invalid_region_code, invalid_year_range, threshold_out_of_range, invalid_input", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn market_screens(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    ApiQuery(query): ApiQuery<MarketScreenQuery>,
) -> ApiResult<axum::Json<MarketScreensDto>> {
    let request = request(&state, &query)?;
    let report = state.app.market_screens(&actor, &request).await?;
    Ok(axum::Json(dto(report, &request.settings)))
}

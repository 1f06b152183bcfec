//! The expert pool (评标专家库) and the expert draw (专家抽取), wired to the record.
//!
//! - `library.rs`: registering experts, changing their records and standing (each change an event on
//!   the expert's stream `expert-{id}`, projected into the `expert` table for lists and statistics),
//!   and who sees their personal data.
//! - `draw.rs`: scheduling a draw with its published commitment, making it at the draw minute from
//!   the revealed secret and a signed tree head, answers and replacements; a draw is the fold of its
//!   own stream `draw-{id}`.
//! - `verify.rs`: recomputing a recorded draw from its events alone (`ggzy verify --draw`).
//! - `outbox.rs`: notifications to drawn experts through a pluggable sender.
//! - `assessment.rs`: the principal's assessment of each drawn expert after the report.
//!
//! The algorithm and its byte layouts are `docs/draw.md`; the pure halves are
//! `ggzy_domain::expert` and `ggzy_crypto::draw_seed`.

mod assessment;
mod draw;
mod library;
mod outbox;
mod verify;

use std::sync::LazyLock;

use ggzy_domain::expert::{
    Availability, Employment, Expert, ExpertId, ExpertStatus, PenaltyRecord, Qualification, SpecialtyCode,
    SpecialtyTree, TimeWindow, TitleLevel,
};
use ggzy_domain::{CreditCode, RegionCode, ResidentId};
use ggzy_store::expert::ExpertRow;

pub use assessment::{AssessmentInput, RATINGS};
pub(crate) use draw::draw_id_of;
pub use draw::{DrawInput, DrawSlotInput, DrawView, PickView, VerificationData};
pub use ggzy_store::expert::AssessmentRow;
pub use library::{ExpertInput, ExpertStatistics, ExpertView, StatisticsLine};
pub use outbox::{LoggingSender, Notification, NotificationSender, SendFuture};
pub use verify::{DrawRecordError, VerifiedDraw, verify_recorded_draw};

use crate::error::{AppError, AppResult};
use crate::events::ExpertDetails;

/// The specialty tree shipped with the binary (`data/specialties/specialties.txt`).
pub const BUILTIN_SPECIALTIES: &str = include_str!("../../../../data/specialties/specialties.txt");

static SPECIALTIES: LazyLock<Result<SpecialtyTree, String>> =
    LazyLock::new(|| SpecialtyTree::parse(BUILTIN_SPECIALTIES).map_err(|e| e.to_string()));

/// The specialty tree in force.
pub fn specialty_tree() -> AppResult<&'static SpecialtyTree> {
    SPECIALTIES.as_ref().map_err(|e| AppError::Internal(format!("built-in specialty tree: {e}")))
}

/// The projected row of an expert's record.
pub(crate) fn expert_row(details: &ExpertDetails, at_ms: i64, version: i64) -> ExpertRow {
    ExpertRow {
        expert_id: details.expert_id.clone(),
        region_code: details.region_code.clone(),
        resident_id: details.resident_id.clone(),
        name: details.name.clone(),
        status: ExpertStatus::Active.as_str().to_owned(),
        specialties: details.specialties.join(" "),
        user_id: details.user_id.clone(),
        // Serializing a plain struct cannot fail.
        details_json: serde_json::to_string(details).unwrap_or_default(),
        registered_at_ms: at_ms,
        updated_at_ms: at_ms,
        version,
    }
}

fn level_of(text: &str) -> Option<TitleLevel> {
    Some(match text {
        "intermediate" => TitleLevel::Intermediate,
        "vice_senior" => TitleLevel::ViceSenior,
        "senior" => TitleLevel::Senior,
        "practice" => TitleLevel::Practice,
        _ => return None,
    })
}

fn stored<T, E: std::fmt::Display>(what: &str, result: Result<T, E>) -> AppResult<T> {
    result.map_err(|e| AppError::Internal(format!("stored expert {what}: {e}")))
}

fn stored_day(what: &str, text: &str) -> AppResult<jiff::civil::Date> {
    stored(what, text.parse::<jiff::civil::Date>())
}

/// The domain record of a stored row (details as recorded plus the projected status). The app wrote
/// every field after validating it, so a failure here is a bug, not an input error.
pub(crate) fn expert_of_row(row: &ExpertRow) -> AppResult<Expert> {
    let details: ExpertDetails = stored("details", serde_json::from_str(&row.details_json))?;
    let mut expert = expert_of_details(&details)?;
    expert.status = ExpertStatus::parse(&row.status)
        .ok_or_else(|| AppError::Internal(format!("stored expert status {}", row.status)))?;
    Ok(expert)
}

/// The domain record of recorded details (status active; the caller sets the current one).
pub(crate) fn expert_of_details(details: &ExpertDetails) -> AppResult<Expert> {
    let windows = details
        .windows
        .iter()
        .map(|&(start, end)| stored("window", TimeWindow::new(start, end)))
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Expert {
        id: stored("id", ExpertId::parse(&details.expert_id))?,
        name: details.name.clone(),
        resident_id: stored("resident id", ResidentId::parse(&details.resident_id))?,
        region: stored("region", RegionCode::parse(&details.region_code))?,
        employments: details
            .employments
            .iter()
            .map(|e| {
                Ok(Employment {
                    employer: stored("employer", CreditCode::parse(&e.employer_credit_code))?,
                    from: stored_day("employment start", &e.from)?,
                    until: e.until.as_deref().map(|day| stored_day("employment end", day)).transpose()?,
                })
            })
            .collect::<AppResult<_>>()?,
        career_start: stored_day("career start", &details.career_start)?,
        specialties: details
            .specialties
            .iter()
            .map(|code| stored("specialty", SpecialtyCode::parse(code)))
            .collect::<AppResult<_>>()?,
        qualifications: details
            .qualifications
            .iter()
            .map(|q| {
                Ok(Qualification {
                    level: level_of(&q.level)
                        .ok_or_else(|| AppError::Internal(format!("stored qualification level {}", q.level)))?,
                    name: q.name.clone(),
                    certificate_no: q.certificate_no.clone(),
                    valid_until: q.valid_until.as_deref().map(|day| stored_day("validity", day)).transpose()?,
                })
            })
            .collect::<AppResult<_>>()?,
        availability: if details.availability == "only_within" {
            Availability::OnlyWithin(windows)
        } else {
            Availability::ExceptLeave(windows)
        },
        status: ExpertStatus::Active,
        penalties: details
            .penalties
            .iter()
            .map(|(day, authority, description)| {
                Ok(PenaltyRecord {
                    decided_on: stored_day("penalty day", day)?,
                    authority: authority.clone(),
                    description: description.clone(),
                })
            })
            .collect::<AppResult<_>>()?,
        assessments: Vec::new(),
    })
}

//! The expert library (评标专家库): registering experts, changing their records and standing, and
//! what each role sees. Every change is an event on the expert's stream (`expert-{id}`); the
//! `expert` table serves lists, statistics and the draw's pool.
//!
//! Personal data (name, ID number, phone, employers, certificates) is shown only where the policy
//! allows `ReadExpertPersonal`: the pool's keepers and regulators of the region, and the expert
//! themself (their linked user). The public sees counts per specialty and status, never a person.

use std::collections::BTreeMap;

use ggzy_domain::authz::{self, Action, Decision};
use ggzy_domain::expert::{
    ExpertCommand, ExpertError, ExpertId, ExpertRules, ExpertStatus, SpecialtyCode, TimeWindow, TitleLevel,
    expert_transition,
};
use ggzy_domain::{CreditCode, RegionCode, ResidentId, china_time};
use ggzy_store::ExpectedVersion;
use ggzy_store::expert::ExpertRow;

use super::{expert_of_details, level_of, specialty_tree};
use crate::App;
use crate::actor::{Actor, Credential};
use crate::entity::stored_region;
use crate::entropy::random_hex;
use crate::error::{AppError, AppResult, FieldError};
use crate::events::{EmploymentDetails, Event, ExpertDetails, QualificationDetails, Recorded, stream};
use crate::regions::region_range;

/// Most employments, qualifications or penalties on one record (a bound on stored data).
const LIST_MAX: usize = 50;

/// An expert's record as submitted (text fields, checked here field by field).
#[derive(Debug, Clone, Default)]
pub struct ExpertInput {
    /// Pool id to use (e.g. the number in a legacy pool); the platform assigns one when absent.
    pub expert_id: Option<String>,
    /// Name.
    pub name: String,
    /// Resident ID number.
    pub resident_id: String,
    /// Region (GB/T 2260).
    pub region_code: String,
    /// Phone.
    pub phone: String,
    /// The expert's user account, if any.
    pub user_id: Option<String>,
    /// Employments.
    pub employments: Vec<EmploymentDetails>,
    /// First day in the field, `YYYY-MM-DD`.
    pub career_start: String,
    /// Specialty codes.
    pub specialties: Vec<String>,
    /// Qualifications.
    pub qualifications: Vec<QualificationDetails>,
    /// `except_leave` (default) or `only_within`.
    pub availability: String,
    /// Availability windows (UTC ms).
    pub windows: Vec<(i64, i64)>,
    /// Penalties: (day, authority, what for).
    pub penalties: Vec<(String, String, String)>,
}

/// An expert as shown to a viewer allowed to see personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpertView {
    /// The record.
    pub details: ExpertDetails,
    /// Standing.
    pub status: ExpertStatus,
    /// Registered, UTC ms.
    pub registered_at_ms: i64,
    /// Last change, UTC ms.
    pub updated_at_ms: i64,
    /// Stream version (for updates).
    pub version: i64,
    /// Every change: (event type, when, who).
    pub history: Vec<(String, i64, String)>,
}

/// One line of the public statistics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatisticsLine {
    /// Specialty code.
    pub specialty: String,
    /// Its name.
    pub name: String,
    /// Active experts registered under it or below it.
    pub active: i64,
}

/// What the public may know of the pool: numbers, never persons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpertStatistics {
    /// Experts per status.
    pub by_status: Vec<(ExpertStatus, i64)>,
    /// Active experts per specialty (every level), in code order.
    pub by_specialty: Vec<StatisticsLine>,
}

fn field(errors: &mut Vec<FieldError>, name: impl Into<String>, code: &'static str, message: impl Into<String>) {
    errors.push(FieldError::new(name, code, message));
}

fn day(errors: &mut Vec<FieldError>, name: &str, text: &str) -> Option<jiff::civil::Date> {
    match text.trim().parse::<jiff::civil::Date>() {
        Ok(date) => Some(date),
        Err(_) => {
            field(errors, name, "invalid_date", format!("{name} 须为 YYYY-MM-DD 格式的日期"));
            None
        }
    }
}

/// The field an error of the domain's record check belongs to.
fn field_of(error: &ExpertError) -> &'static str {
    match error {
        ExpertError::IdInvalid { .. } => "expert_id",
        ExpertError::NameInvalid => "name",
        ExpertError::BirthDateInFuture | ExpertError::TooOld { .. } => "resident_id",
        ExpertError::EmploymentDates { .. } => "employments",
        ExpertError::SpecialtiesMissing
        | ExpertError::SpecialtyUnknown { .. }
        | ExpertError::SpecialtyDuplicate { .. } => "specialties",
        ExpertError::ExperienceTooShort { .. } => "career_start",
        ExpertError::QualificationMissing { .. } => "qualifications",
        ExpertError::TimeWindowEmpty { .. } | ExpertError::TooManyWindows { .. } => "windows",
        ExpertError::AssessmentScoreOutOfRange { .. } | ExpertError::AssessmentDuplicate { .. } => "assessments",
    }
}

impl App {
    /// The pool's admission rules under the construction ruleset in force (招标投标法 第三十七条:
    /// eight years in the field and a senior title or the equivalent).
    fn expert_rules(&self) -> AppResult<ExpertRules> {
        let ruleset = self.current_construction_ruleset()?;
        let years = ruleset
            .get("expert_years_in_field_min")
            .ok_or_else(|| AppError::Internal(format!("{} lacks expert_years_in_field_min", ruleset.key())))?;
        Ok(ExpertRules {
            years_in_field_min: i16::try_from(years.value).unwrap_or(i16::MAX),
            // "高级职称或者具有同等专业水平": both senior levels, or a registered practising qualification.
            accepted_levels: vec![TitleLevel::ViceSenior, TitleLevel::Senior, TitleLevel::Practice],
            age_max: None,
        })
    }

    /// Checks a submitted record field by field, then against the pool's rules; every problem is
    /// reported at once.
    fn expert_details(&self, input: &ExpertInput, expert_id: String) -> AppResult<(ExpertDetails, RegionCode)> {
        let mut errors = Vec::new();
        if let Err(error) = ExpertId::parse(&expert_id) {
            field(&mut errors, "expert_id", error.code(), error.to_string());
        }
        let resident_id = match ResidentId::parse(input.resident_id.trim()) {
            Ok(id) => Some(id),
            Err(error) => {
                field(&mut errors, "resident_id", "invalid_id_number", format!("身份证号码{error}（GB 11643）"));
                None
            }
        };
        let region = match self.regions.validate(input.region_code.trim()) {
            Ok(region) => Some(region),
            Err(error) => {
                field(&mut errors, "region_code", "invalid_region_code", format!("所在地区{error}"));
                None
            }
        };
        let digits = input.phone.chars().filter(char::is_ascii_digit).count();
        let phone_chars = input.phone.chars().all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | ' '));
        if !phone_chars || !(7..=20).contains(&digits) {
            field(&mut errors, "phone", "invalid_phone", "联系电话应为7至20位数字，可含 - + 和空格");
        }
        for (what, len) in [
            ("employments", input.employments.len()),
            ("qualifications", input.qualifications.len()),
            ("penalties", input.penalties.len()),
        ] {
            if len > LIST_MAX {
                field(&mut errors, what, "invalid_text", format!("{what} 最多{LIST_MAX}项"));
            }
        }
        for (i, employment) in input.employments.iter().enumerate() {
            if let Err(error) = CreditCode::parse(employment.employer_credit_code.trim()) {
                let name = format!("employments[{i}].employer_credit_code");
                field(&mut errors, name, "invalid_credit_code", format!("工作单位统一社会信用代码{error}"));
            }
            day(&mut errors, &format!("employments[{i}].from"), &employment.from);
            if let Some(until) = &employment.until {
                day(&mut errors, &format!("employments[{i}].until"), until);
            }
        }
        day(&mut errors, "career_start", &input.career_start);
        for (i, code) in input.specialties.iter().enumerate() {
            if let Err(error) = SpecialtyCode::parse(code.trim()) {
                field(&mut errors, format!("specialties[{i}]"), error.code(), error.to_string());
            }
        }
        for (i, qualification) in input.qualifications.iter().enumerate() {
            if level_of(&qualification.level).is_none() {
                field(
                    &mut errors,
                    format!("qualifications[{i}].level"),
                    "invalid_choice",
                    "职称或资格等级须为 intermediate（中级）、vice_senior（副高级）、senior（正高级）或 practice（注册执业资格）",
                );
            }
            if qualification.name.trim().is_empty() || qualification.certificate_no.trim().is_empty() {
                field(&mut errors, format!("qualifications[{i}]"), "invalid_text", "请填写职称或资格的名称和证书编号");
            }
            if let Some(until) = &qualification.valid_until {
                day(&mut errors, &format!("qualifications[{i}].valid_until"), until);
            }
        }
        if !matches!(input.availability.as_str(), "" | "except_leave" | "only_within") {
            field(
                &mut errors,
                "availability",
                "invalid_choice",
                "可参加评标时间的填报方式须为 except_leave（除请假外均可）或 only_within（仅在所列时间段）",
            );
        }
        for (i, &(start, end)) in input.windows.iter().enumerate() {
            if let Err(error) = TimeWindow::new(start, end) {
                field(&mut errors, format!("windows[{i}]"), error.code(), error.to_string());
            }
        }
        for (i, (when, authority, description)) in input.penalties.iter().enumerate() {
            day(&mut errors, &format!("penalties[{i}].decided_on"), when);
            if authority.trim().is_empty() || description.trim().is_empty() {
                field(&mut errors, format!("penalties[{i}]"), "invalid_text", "请填写处罚机关和处罚事由");
            }
        }
        let (Some(resident_id), Some(region), true) = (resident_id, region, errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        let details = ExpertDetails {
            expert_id,
            name: input.name.trim().to_owned(),
            resident_id: resident_id.as_str().to_owned(),
            region_code: region.as_str().to_owned(),
            phone: input.phone.trim().to_owned(),
            user_id: input.user_id.clone().filter(|id| !id.trim().is_empty()),
            employments: input
                .employments
                .iter()
                .map(|e| EmploymentDetails {
                    employer_credit_code: e.employer_credit_code.trim().to_owned(),
                    from: e.from.trim().to_owned(),
                    until: e.until.as_ref().map(|day| day.trim().to_owned()),
                })
                .collect(),
            career_start: input.career_start.trim().to_owned(),
            specialties: input.specialties.iter().map(|code| code.trim().to_owned()).collect(),
            qualifications: input.qualifications.clone(),
            availability: if input.availability.is_empty() {
                "except_leave".to_owned()
            } else {
                input.availability.clone()
            },
            windows: input.windows.clone(),
            penalties: input.penalties.clone(),
        };
        // The domain's check of the whole record: the tree, the years, the title (法 第三十七条).
        let expert = expert_of_details(&details)?;
        let today = china_time::date_of(self.now_ms());
        if let Err(problems) = expert.validate(specialty_tree()?, &self.expert_rules()?, today) {
            let errors = problems
                .iter()
                .map(|problem| FieldError::new(field_of(problem), problem.code(), problem.to_string()))
                .collect();
            return Err(AppError::Invalid(errors));
        }
        Ok((details, region))
    }

    /// Registers an expert in the pool of their region (the centre's staff or admin of the region).
    pub async fn register_expert(&self, actor: &Actor, input: ExpertInput) -> AppResult<ExpertView> {
        let expert_id = match input.expert_id.as_deref().map(str::trim).filter(|id| !id.is_empty()) {
            Some(id) => id.to_owned(),
            None => format!("E{}", random_hex(self.entropy.as_ref(), 6).to_uppercase()),
        };
        let (details, region) = self.expert_details(&input, expert_id.clone())?;
        actor.authorize(Action::ManageExperts, &region)?;
        let stream_id = stream::expert(&expert_id);
        let event = Recorded {
            stream_id: stream_id.clone(),
            region_code: details.region_code.clone(),
            event: Event::ExpertRegistered(details),
        };
        match self.record(actor, vec![(stream_id, ExpectedVersion::NoStream)], vec![event], Vec::new()).await {
            Ok(_) => {}
            // The stream exists, or the resident ID is registered under another id.
            Err(AppError::VersionConflict { .. } | AppError::AlreadyExists { .. }) => {
                return Err(AppError::AlreadyExists { what: "该专家编号或身份证号码的专家" });
            }
            Err(other) => return Err(other),
        }
        self.expert_view(&expert_id).await
    }

    /// Replaces an expert's record (the keeper of the pool; `version` as read).
    pub async fn update_expert(
        &self,
        actor: &Actor,
        expert_id: &str,
        version: i64,
        input: ExpertInput,
    ) -> AppResult<ExpertView> {
        let row = self.expert_row(expert_id).await?;
        actor.authorize(Action::ManageExperts, &stored_region(&row.region_code)?)?;
        let (details, region) = self.expert_details(&input, expert_id.to_owned())?;
        actor.authorize(Action::ManageExperts, &region)?;
        let stream_id = stream::expert(expert_id);
        let event = Recorded {
            stream_id: stream_id.clone(),
            region_code: details.region_code.clone(),
            event: Event::ExpertUpdated(details),
        };
        self.record(actor, vec![(stream_id, ExpectedVersion::Exactly(version))], vec![event], Vec::new()).await?;
        self.expert_view(expert_id).await
    }

    /// Suspends, reinstates or removes an expert through the status table, with the keeper's reason.
    pub async fn change_expert_status(
        &self,
        actor: &Actor,
        expert_id: &str,
        command: &str,
        reason: &str,
    ) -> AppResult<ExpertView> {
        let row = self.expert_row(expert_id).await?;
        actor.authorize(Action::ManageExperts, &stored_region(&row.region_code)?)?;
        let command = match command {
            "suspend" => ExpertCommand::Suspend,
            "reinstate" => ExpertCommand::Reinstate,
            "remove" => ExpertCommand::Remove,
            _ => {
                return Err(AppError::Invalid(vec![FieldError::new(
                    "command",
                    "invalid_choice",
                    "操作须为 suspend（暂停评标资格）、reinstate（恢复）或 remove（清退）",
                )]));
            }
        };
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 2000 {
            return Err(AppError::Invalid(vec![FieldError::new(
                "reason",
                "invalid_text",
                "请填写变更专家状态的理由（不超过2000字）",
            )]));
        }
        let status = ExpertStatus::parse(&row.status)
            .ok_or_else(|| AppError::Internal(format!("stored expert status {}", row.status)))?;
        let line = expert_transition(status, command).map_err(|e| AppError::refused(e.code(), e.to_string()))?;
        let stream_id = stream::expert(expert_id);
        let event = Recorded {
            stream_id: stream_id.clone(),
            region_code: row.region_code.clone(),
            event: Event::ExpertStatusChanged {
                expert_id: expert_id.to_owned(),
                status: line.to.as_str().to_owned(),
                reason: reason.to_owned(),
                source: line.source.to_owned(),
            },
        };
        self.record(actor, vec![(stream_id, ExpectedVersion::Exactly(row.version))], vec![event], Vec::new()).await?;
        self.expert_view(expert_id).await
    }

    pub(crate) async fn expert_row(&self, expert_id: &str) -> AppResult<ExpertRow> {
        self.store.expert(expert_id).await?.ok_or(AppError::NotFound { what: "专家" })
    }

    async fn expert_view(&self, expert_id: &str) -> AppResult<ExpertView> {
        let row = self.expert_row(expert_id).await?;
        let details: ExpertDetails = serde_json::from_str(&row.details_json)
            .map_err(|e| AppError::Internal(format!("stored expert {expert_id}: {e}")))?;
        let status = ExpertStatus::parse(&row.status)
            .ok_or_else(|| AppError::Internal(format!("stored expert status {}", row.status)))?;
        let history = self
            .store
            .stream(&stream::expert(expert_id))
            .await?
            .into_iter()
            .map(|stored| (stored.event_type, stored.recorded_at_ms, stored.actor))
            .collect();
        Ok(ExpertView {
            details,
            status,
            registered_at_ms: row.registered_at_ms,
            updated_at_ms: row.updated_at_ms,
            version: row.version,
            history,
        })
    }

    /// Whether the actor may see this expert's personal data: the policy for the region, or, for
    /// `OwnEntity`, the record being linked to the actor's user.
    pub(crate) fn may_read_expert(&self, actor: &Actor, row: &ExpertRow) -> AppResult<()> {
        if actor.credential == Credential::System {
            return Ok(());
        }
        let region = stored_region(&row.region_code)?;
        match authz::decide(&actor.grants, Action::ReadExpertPersonal, &region) {
            Decision::Allow => Ok(()),
            Decision::AllowIfOwnEntity if row.user_id.as_deref() == Some(actor.user_id.as_str()) => Ok(()),
            Decision::AllowIfOwnEntity | Decision::Deny => {
                Err(AppError::Forbidden(authz::Denied { action: Action::ReadExpertPersonal, region }))
            }
        }
    }

    /// One expert's record and history, for those allowed to see personal data.
    pub async fn expert(&self, actor: &Actor, expert_id: &str) -> AppResult<ExpertView> {
        let row = self.expert_row(expert_id).await?;
        self.may_read_expert(actor, &row)?;
        self.expert_view(expert_id).await
    }

    /// The experts of a region (and below), in id order after `after`, for those allowed to see
    /// personal data there.
    pub async fn list_experts(
        &self,
        actor: &Actor,
        region: &RegionCode,
        after: Option<&str>,
        limit: i64,
    ) -> AppResult<Vec<ExpertView>> {
        actor.authorize(Action::ReadExpertPersonal, region)?;
        let rows = self.store.experts(Some(&region_range(region)), after, limit.clamp(1, 200)).await?;
        let mut views = Vec::with_capacity(rows.len());
        for row in rows {
            let mut view = self.expert_view(&row.expert_id).await?;
            // Lists show the record; the history is on the expert's own page.
            view.history.clear();
            views.push(view);
        }
        Ok(views)
    }

    /// Public statistics of the pool: numbers per status and per specialty, no person.
    pub async fn expert_statistics(&self) -> AppResult<ExpertStatistics> {
        let tree = specialty_tree()?;
        let mut by_status: BTreeMap<ExpertStatus, i64> = ExpertStatus::ALL.iter().map(|s| (*s, 0)).collect();
        let mut by_specialty: BTreeMap<SpecialtyCode, i64> = BTreeMap::new();
        for row in self.store.all_experts().await? {
            let Some(status) = ExpertStatus::parse(&row.status) else { continue };
            *by_status.entry(status).or_default() += 1;
            if status != ExpertStatus::Active {
                continue;
            }
            // An expert counts once under each specialty their own codes lie within.
            let mut counted = std::collections::BTreeSet::new();
            for code in row.specialties.split_whitespace().filter_map(|code| SpecialtyCode::parse(code).ok()) {
                let mut current = Some(code);
                while let Some(code) = current {
                    current = code.parent();
                    counted.insert(code);
                }
            }
            for code in counted {
                *by_specialty.entry(code).or_default() += 1;
            }
        }
        Ok(ExpertStatistics {
            by_status: by_status.into_iter().collect(),
            by_specialty: by_specialty
                .into_iter()
                .map(|(code, active)| StatisticsLine {
                    name: tree.name(&code).unwrap_or_default().to_owned(),
                    specialty: code.as_str().to_owned(),
                    active,
                })
                .collect(),
        })
    }
}

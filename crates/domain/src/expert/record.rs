//! The expert record (评标专家 / 评审专家) and the checks made when it is registered or changed:
//! identity and employment, specialties from the configured tree, the qualifications 招标投标法
//! 第三十七条 asks for, availability, status and the assessments recorded after each evaluation.
//!
//! Fields hold already-parsed types (`ResidentId`, `CreditCode`, `RegionCode`, `SpecialtyCode`),
//! so what remains to check here is what spans fields or needs an input: the specialty tree, the
//! pool's rules (numbers from the pinned ruleset) and today's date.

use std::collections::BTreeSet;
use std::fmt;

use jiff::civil::Date;

use super::specialty::{SpecialtyCode, SpecialtyTree};
use super::status::{ExpertCommand, ExpertStatus, ExpertTransition, InvalidExpertTransition, expert_transition};
use crate::{CreditCode, RegionCode, ResidentId};

/// Longest expert id, in bytes.
const ID_LEN_MAX: usize = 64;

/// Longest name, in characters.
const NAME_CHARS_MAX: usize = 50;

/// Highest assessment score.
const SCORE_MAX: u8 = 100;

/// The article on experts' qualifications.
const QUALIFICATION_ARTICLE: &str = "招标投标法 第三十七条";

/// An expert's identifier in the pool: 1–64 printable ASCII characters without spaces.
///
/// Draws sort the pool by this id (byte order), so it must never change once assigned.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExpertId(String);

impl ExpertId {
    /// Parses an id.
    ///
    /// # Errors
    /// [`ExpertError::IdInvalid`].
    pub fn parse(text: &str) -> Result<ExpertId, ExpertError> {
        let ok = !text.is_empty() && text.len() <= ID_LEN_MAX && text.bytes().all(|b| b.is_ascii_graphic());
        if !ok {
            return Err(ExpertError::IdInvalid { id: text.chars().take(ID_LEN_MAX).collect() });
        }
        Ok(ExpertId(text.to_owned()))
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ExpertId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ExpertId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ExpertId").field(&self.0).finish()
    }
}

/// A half-open span of time `[start, end)` in UTC milliseconds, never empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimeWindow {
    start_ms: i64,
    end_ms: i64,
}

impl TimeWindow {
    /// A window from `start_ms` (included) to `end_ms` (excluded).
    ///
    /// # Errors
    /// [`ExpertError::TimeWindowEmpty`] unless `start_ms < end_ms`.
    pub fn new(start_ms: i64, end_ms: i64) -> Result<TimeWindow, ExpertError> {
        if start_ms >= end_ms {
            return Err(ExpertError::TimeWindowEmpty { start_ms, end_ms });
        }
        Ok(TimeWindow { start_ms, end_ms })
    }

    /// Start (included).
    pub fn start_ms(&self) -> i64 {
        self.start_ms
    }

    /// End (excluded).
    pub fn end_ms(&self) -> i64 {
        self.end_ms
    }

    /// Whether `other` lies wholly inside this window.
    pub fn covers(&self, other: &TimeWindow) -> bool {
        self.start_ms <= other.start_ms && other.end_ms <= self.end_ms
    }

    /// Whether the two windows share any instant.
    pub fn overlaps(&self, other: &TimeWindow) -> bool {
        self.start_ms < other.end_ms && other.start_ms < self.end_ms
    }
}

/// When an expert can sit on an evaluation. Experts either declare leave (请假) or, in some pools,
/// declare the only windows they are available in; both forms exist, so both are kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Availability {
    /// Available at any time except during these leave windows.
    ExceptLeave(Vec<TimeWindow>),
    /// Available only within these windows.
    OnlyWithin(Vec<TimeWindow>),
}

impl Default for Availability {
    fn default() -> Availability {
        Availability::ExceptLeave(Vec::new())
    }
}

impl Availability {
    /// Whether the expert can sit for the whole of `evaluation`: no leave overlaps it, or one
    /// declared window covers it (windows are not joined: one window must hold the evaluation).
    pub fn allows(&self, evaluation: &TimeWindow) -> bool {
        match self {
            Availability::ExceptLeave(leave) => !leave.iter().any(|window| window.overlaps(evaluation)),
            Availability::OnlyWithin(windows) => windows.iter().any(|window| window.covers(evaluation)),
        }
    }
}

/// One employment of the expert (工作单位), current or past.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Employment {
    /// The employer's credit code.
    pub employer: CreditCode,
    /// First day.
    pub from: Date,
    /// Last day; `None` while it lasts.
    pub until: Option<Date>,
}

impl Employment {
    /// Whether the employment still lasts.
    pub fn is_current(&self) -> bool {
        self.until.is_none()
    }
}

/// The level of a professional title or its equivalent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TitleLevel {
    /// 中级职称.
    Intermediate,
    /// 副高级职称.
    ViceSenior,
    /// 正高级职称.
    Senior,
    /// A registered practising qualification (注册执业资格, e.g. 一级注册建造师), accepted as
    /// "同等专业水平" where the ruleset says so.
    Practice,
}

impl TitleLevel {
    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            TitleLevel::Intermediate => "中级职称",
            TitleLevel::ViceSenior => "副高级职称",
            TitleLevel::Senior => "正高级职称",
            TitleLevel::Practice => "注册执业资格",
        }
    }
}

/// A title or qualification certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Qualification {
    /// Its level.
    pub level: TitleLevel,
    /// Its name, e.g. `高级工程师`, `一级注册建造师`.
    pub name: String,
    /// The certificate number.
    pub certificate_no: String,
    /// Last day of validity; `None` for titles that do not expire.
    pub valid_until: Option<Date>,
}

/// A conduct finding in an assessment: the items of 招标投标法实施条例 第七十一条, and 第七十二条.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Misconduct {
    /// 应当回避而不回避.
    FailedToRecuse,
    /// 擅离职守.
    LeftPost,
    /// 不按照招标文件规定的评标标准和方法评标.
    IgnoredCriteria,
    /// 私下接触投标人.
    PrivateContact,
    /// 向招标人征询确定中标人的意向或者接受倾向、排斥特定投标人的要求.
    SoughtPreference,
    /// 对依法应当否决的投标不提出否决意见.
    FailedToReject,
    /// 暗示或者诱导投标人作出澄清、说明或者接受投标人主动提出的澄清、说明.
    InducedClarification,
    /// 其他不客观、不公正履行职务的行为.
    OtherUnfair,
    /// 收受投标人的财物或者其他好处.
    Bribery,
}

impl Misconduct {
    /// The article and item.
    pub fn source(self) -> &'static str {
        match self {
            Misconduct::FailedToRecuse => "招标投标法实施条例 第七十一条第（一）项",
            Misconduct::LeftPost => "招标投标法实施条例 第七十一条第（二）项",
            Misconduct::IgnoredCriteria => "招标投标法实施条例 第七十一条第（三）项",
            Misconduct::PrivateContact => "招标投标法实施条例 第七十一条第（四）项",
            Misconduct::SoughtPreference => "招标投标法实施条例 第七十一条第（五）项",
            Misconduct::FailedToReject => "招标投标法实施条例 第七十一条第（六）项",
            Misconduct::InducedClarification => "招标投标法实施条例 第七十一条第（七）项",
            Misconduct::OtherUnfair => "招标投标法实施条例 第七十一条第（八）项",
            Misconduct::Bribery => "招标投标法实施条例 第七十二条",
        }
    }
}

/// The record of how the expert performed in one evaluation (政府采购法实施条例 第六十二条: the
/// principal or agency records it and reports it), kept on the expert.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assessment {
    /// The tender.
    pub tender_id: String,
    /// The lot.
    pub lot_id: String,
    /// Day of the assessment.
    pub assessed_on: Date,
    /// Who assessed (the principal's or agency's credit code).
    pub assessor: CreditCode,
    /// Score out of 100.
    pub score: u8,
    /// Conduct findings; empty when there are none.
    pub misconduct: Vec<Misconduct>,
    /// Free remarks.
    pub remarks: String,
}

/// An administrative or criminal penalty for misconduct in tendering or evaluation (评标委员会和评标
/// 方法暂行规定 第十二条第（四）项): such an expert may not sit on a committee.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PenaltyRecord {
    /// Day of the decision.
    pub decided_on: Date,
    /// Deciding authority.
    pub authority: String,
    /// What it was for.
    pub description: String,
}

/// The pool's admission rules, read from the pinned ruleset by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpertRules {
    /// Full years in the field at least (招标投标法 第三十七条: 8).
    pub years_in_field_min: i16,
    /// Title levels that qualify (engineering: senior titles or an equivalent practising
    /// qualification).
    pub accepted_levels: Vec<TitleLevel>,
    /// Highest age in full years, included ("70周岁以下" includes 70, 民法典 第一千二百五十九条);
    /// `None` where no age limit applies.
    pub age_max: Option<i16>,
}

/// A member of the expert pool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expert {
    /// Pool id.
    pub id: ExpertId,
    /// Name (姓名). Personal data; sealed with the committee list until the result (招标投标法
    /// 第三十七条).
    pub name: String,
    /// Resident ID number (GB 11643).
    pub resident_id: ResidentId,
    /// Where the expert lives and evaluates (the region the pool assigns, for 远程异地评标).
    pub region: RegionCode,
    /// Employments, current and past; used by the avoidance screen.
    pub employments: Vec<Employment>,
    /// First day of work in the field (for the years-in-field requirement).
    pub career_start: Date,
    /// Specialties registered under (codes of the configured tree).
    pub specialties: Vec<SpecialtyCode>,
    /// Titles and qualifications.
    pub qualifications: Vec<Qualification>,
    /// When the expert can sit.
    pub availability: Availability,
    /// Standing in the pool.
    pub status: ExpertStatus,
    /// Penalties for misconduct in tendering or evaluation.
    pub penalties: Vec<PenaltyRecord>,
    /// Assessments after evaluations, oldest first.
    pub assessments: Vec<Assessment>,
}

/// Full years from `from` to `to` (an age, a length of service).
fn full_years(from: (i32, u8, u8), to: Date) -> i32 {
    let (year, month, day) = from;
    let before_anniversary =
        (to.month(), to.day()) < (i8::try_from(month).unwrap_or(i8::MAX), i8::try_from(day).unwrap_or(i8::MAX));
    i32::from(to.year()) - year - i32::from(before_anniversary)
}

fn ymd(date: Date) -> (i32, u8, u8) {
    (i32::from(date.year()), u8::try_from(date.month()).unwrap_or(0), u8::try_from(date.day()).unwrap_or(0))
}

impl Expert {
    /// Employers the expert works for now.
    pub fn current_employers(&self) -> impl Iterator<Item = &CreditCode> {
        self.employments.iter().filter(|e| e.is_current()).map(|e| &e.employer)
    }

    /// Age in full years on `today`.
    pub fn age_on(&self, today: Date) -> i32 {
        full_years(self.resident_id.birth_date(), today)
    }

    /// Whether the expert is registered under `specialty` or a specialty below it.
    pub fn has_specialty_within(&self, specialty: &SpecialtyCode) -> bool {
        self.specialties.iter().any(|own| own.is_within(specialty))
    }

    /// Checks the record against the tree and the pool's rules on `today`, returning every problem
    /// at once (the registration form shows them all).
    ///
    /// # Errors
    /// Each problem found, in field order.
    pub fn validate(&self, tree: &SpecialtyTree, rules: &ExpertRules, today: Date) -> Result<(), Vec<ExpertError>> {
        let mut errors = Vec::new();
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > NAME_CHARS_MAX {
            errors.push(ExpertError::NameInvalid);
        }
        if !self.resident_id.birth_date_not_after(ymd(today)) {
            errors.push(ExpertError::BirthDateInFuture);
        }
        if let Some(max) = rules.age_max {
            let age = self.age_on(today);
            if age > i32::from(max) {
                errors.push(ExpertError::TooOld { age, max });
            }
        }
        for employment in &self.employments {
            if employment.until.is_some_and(|until| until < employment.from) {
                errors.push(ExpertError::EmploymentDates { employer: employment.employer.clone() });
            }
        }
        if self.specialties.is_empty() {
            errors.push(ExpertError::SpecialtiesMissing);
        }
        let mut seen = BTreeSet::new();
        for code in &self.specialties {
            if !tree.contains(code) {
                errors.push(ExpertError::SpecialtyUnknown { code: code.clone() });
            } else if !seen.insert(code) {
                errors.push(ExpertError::SpecialtyDuplicate { code: code.clone() });
            }
        }
        let years = full_years(ymd(self.career_start), today);
        if years < i32::from(rules.years_in_field_min) {
            errors.push(ExpertError::ExperienceTooShort { years: years.max(0), min: rules.years_in_field_min });
        }
        let qualified = self
            .qualifications
            .iter()
            .any(|q| rules.accepted_levels.contains(&q.level) && q.valid_until.is_none_or(|until| until >= today));
        if !qualified {
            let accepted = rules.accepted_levels.iter().map(|level| level.label()).collect::<Vec<_>>().join("、");
            errors.push(ExpertError::QualificationMissing { accepted });
        }
        let windows = match &self.availability {
            Availability::ExceptLeave(windows) | Availability::OnlyWithin(windows) => windows,
        };
        // Windows are valid by construction (TimeWindow::new); nothing to check but their number.
        if windows.len() > WINDOWS_MAX {
            errors.push(ExpertError::TooManyWindows { max: WINDOWS_MAX });
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }

    /// Applies a status command through the transition table.
    ///
    /// # Errors
    /// [`InvalidExpertTransition`] when the table has no such move.
    pub fn apply(&mut self, command: ExpertCommand) -> Result<&'static ExpertTransition, InvalidExpertTransition> {
        let line = expert_transition(self.status, command)?;
        self.status = line.to;
        Ok(line)
    }

    /// Appends the assessment of one evaluation.
    ///
    /// # Errors
    /// [`ExpertError::AssessmentScoreOutOfRange`], or [`ExpertError::AssessmentDuplicate`] when the
    /// lot was already assessed for this expert.
    pub fn record_assessment(&mut self, assessment: Assessment) -> Result<(), ExpertError> {
        if assessment.score > SCORE_MAX {
            return Err(ExpertError::AssessmentScoreOutOfRange { score: assessment.score });
        }
        let duplicate =
            self.assessments.iter().any(|a| a.tender_id == assessment.tender_id && a.lot_id == assessment.lot_id);
        if duplicate {
            return Err(ExpertError::AssessmentDuplicate {
                tender_id: assessment.tender_id,
                lot_id: assessment.lot_id,
            });
        }
        self.assessments.push(assessment);
        Ok(())
    }
}

/// Most availability windows per expert (a bound on stored data).
const WINDOWS_MAX: usize = 366;

/// Why an expert record cannot be accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpertError {
    /// An id that is empty, too long or not printable ASCII.
    #[error("专家编号“{id}”不合法：应为1至64位半角字母、数字或符号，不含空格")]
    IdInvalid {
        /// The id given (cut to 64 characters).
        id: String,
    },
    /// Name empty or too long.
    #[error("专家姓名不能为空，且不超过{NAME_CHARS_MAX}个字")]
    NameInvalid,
    /// The birth date in the ID number lies after today.
    #[error("身份证号码中的出生日期晚于今天，请核对身份证号码")]
    BirthDateInFuture,
    /// Older than the pool's age limit.
    #[error("专家年龄{age}周岁，超过专家库规定的{max}周岁上限")]
    TooOld {
        /// Age in full years.
        age: i32,
        /// The limit (included).
        max: i16,
    },
    /// An employment that ends before it starts.
    #[error("在单位“{employer}”的任职结束日期早于开始日期，请核对任职经历", employer = employer.as_str())]
    EmploymentDates {
        /// The employer.
        employer: CreditCode,
    },
    /// No specialty.
    #[error("请至少选择一个评标专业")]
    SpecialtiesMissing,
    /// A specialty not in the configured tree.
    #[error("评标专业 {code} 不在专业分类表中，请从专业分类表中选择")]
    SpecialtyUnknown {
        /// The code.
        code: SpecialtyCode,
    },
    /// The same specialty twice.
    #[error("评标专业 {code} 重复，请删除重复的专业")]
    SpecialtyDuplicate {
        /// The code.
        code: SpecialtyCode,
    },
    /// Fewer years in the field than required.
    #[error("从事相关领域工作{years}年，不满{min}年（{QUALIFICATION_ARTICLE}）")]
    ExperienceTooShort {
        /// Full years.
        years: i32,
        /// The minimum.
        min: i16,
    },
    /// No valid qualification of an accepted level.
    #[error("缺少有效的职称或执业资格：应具有{accepted}（{QUALIFICATION_ARTICLE}）")]
    QualificationMissing {
        /// The accepted levels, as Chinese text.
        accepted: String,
    },
    /// A time window whose end is not after its start.
    #[error("时间段无效：结束时间应晚于开始时间（开始 {start_ms}，结束 {end_ms}）")]
    TimeWindowEmpty {
        /// Start given.
        start_ms: i64,
        /// End given.
        end_ms: i64,
    },
    /// Too many availability windows.
    #[error("可参加评标时间或请假时间段超过{max}个，请合并时间段")]
    TooManyWindows {
        /// The limit.
        max: usize,
    },
    /// A score above 100.
    #[error("考核评分{score}分超出0至100分的范围")]
    AssessmentScoreOutOfRange {
        /// The score given.
        score: u8,
    },
    /// The lot was already assessed for this expert.
    #[error("该专家在项目 {tender_id} 标段 {lot_id} 的评标考核已登记，不能重复登记")]
    AssessmentDuplicate {
        /// The tender.
        tender_id: String,
        /// The lot.
        lot_id: String,
    },
}

impl ExpertError {
    /// Stable error code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            ExpertError::IdInvalid { .. } => "expert_id_invalid",
            ExpertError::NameInvalid => "expert_name_invalid",
            ExpertError::BirthDateInFuture => "expert_birth_date_in_future",
            ExpertError::TooOld { .. } => "expert_too_old",
            ExpertError::EmploymentDates { .. } => "expert_employment_dates_invalid",
            ExpertError::SpecialtiesMissing => "expert_specialties_missing",
            ExpertError::SpecialtyUnknown { .. } => "expert_specialty_unknown",
            ExpertError::SpecialtyDuplicate { .. } => "expert_specialty_duplicate",
            ExpertError::ExperienceTooShort { .. } => "expert_experience_too_short",
            ExpertError::QualificationMissing { .. } => "expert_qualification_missing",
            ExpertError::TimeWindowEmpty { .. } => "time_window_empty",
            ExpertError::TooManyWindows { .. } => "expert_windows_too_many",
            ExpertError::AssessmentScoreOutOfRange { .. } => "assessment_score_out_of_range",
            ExpertError::AssessmentDuplicate { .. } => "assessment_duplicate",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn full_years_count_anniversaries() {
        assert_eq!(full_years((1956, 3, 1), date(2026, 2, 28)), 69);
        assert_eq!(full_years((1956, 3, 1), date(2026, 3, 1)), 70);
        // Born on 29 February: the anniversary in a common year comes on 1 March.
        assert_eq!(full_years((2000, 2, 29), date(2026, 2, 28)), 25);
        assert_eq!(full_years((2000, 2, 29), date(2026, 3, 1)), 26);
    }

    #[test]
    fn windows_and_availability() {
        let w = |a, b| TimeWindow::new(a, b).expect("non-empty");
        assert_eq!(TimeWindow::new(5, 5).map_err(|e| e.code()), Err("time_window_empty"));
        let evaluation = w(100, 200);
        assert!(Availability::default().allows(&evaluation));
        assert!(Availability::ExceptLeave(vec![w(0, 100), w(200, 300)]).allows(&evaluation));
        assert!(!Availability::ExceptLeave(vec![w(199, 300)]).allows(&evaluation));
        assert!(Availability::OnlyWithin(vec![w(100, 200)]).allows(&evaluation));
        assert!(!Availability::OnlyWithin(vec![w(100, 150), w(150, 200)]).allows(&evaluation));
        assert!(!Availability::OnlyWithin(Vec::new()).allows(&evaluation));
    }

    #[test]
    fn ids() {
        assert!(ExpertId::parse("E-0001").is_ok());
        for bad in ["", "E 1", "专家1", &"x".repeat(65)] {
            assert_eq!(ExpertId::parse(bad).map_err(|e| e.code()), Err("expert_id_invalid"), "{bad:?}");
        }
    }
}

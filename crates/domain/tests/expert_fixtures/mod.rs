//! Shared fixtures of the expert tests: synthetic credit codes (valid check characters, generated
//! with a separate script, not real entities), resident IDs computed here, and an expert builder.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used)] // each test file uses a different part

use ggzy_domain::expert::{
    Availability, AvoidanceContext, Employment, Expert, ExpertId, ExpertRules, ExpertStatus, Qualification,
    SpecialtyCode, SpecialtyTree, TimeWindow, TitleLevel,
};
use ggzy_domain::person_key::PersonKey;
use ggzy_domain::{CreditCode, RegionCode, ResidentId, china_time};
use jiff::civil::{Date, date, datetime};

pub const SPECIALTIES: &str = include_str!("../../../../data/specialties/specialties.txt");

pub const PRINCIPAL: &str = "91330100MA2H000142";
pub const AGENCY: &str = "91330100MA2H00022W";
pub const BIDDER_A: &str = "91330100MA2H00030P";
pub const BIDDER_B: &str = "91330100MA2H00049L";
pub const BIDDER_C: &str = "91330100MA2H00057F";
pub const REGULATOR: &str = "11330100MA2H00065J";
pub const EMPLOYERS: [&str; 8] = [
    "91330100MA2H000735",
    "91330100MA2H000810",
    "91330100MA2H0009XP",
    "91330100MA2H00102G",
    "91330100MA2H00110B",
    "91330100MA2H001298",
    "91330100MA2H001373",
    "91330100MA2H00145X",
];

pub fn tree() -> SpecialtyTree {
    SpecialtyTree::parse(SPECIALTIES).unwrap()
}

pub fn credit(code: &str) -> CreditCode {
    CreditCode::parse(code).unwrap()
}

pub fn region(code: &str) -> RegionCode {
    RegionCode::parse(code).unwrap()
}

pub fn specialty(code: &str) -> SpecialtyCode {
    SpecialtyCode::parse(code).unwrap()
}

pub fn id(text: &str) -> ExpertId {
    ExpertId::parse(text).unwrap()
}

/// A valid resident ID number: Hangzhou Xihu address code, a birth date from `n`, sequence `n`.
pub fn resident_id(n: u32) -> ResidentId {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let body = format!("330106{}{:02}15{:03}", 1960 + n % 20, 1 + n % 12, n % 1000);
    let sum: u32 = body.chars().zip(WEIGHTS).map(|(c, w)| c.to_digit(10).unwrap() * w).sum();
    ResidentId::parse(&format!("{body}{}", CHECK[(sum % 11) as usize])).unwrap()
}

/// A stand-in for the app's keyed digest: the number's bytes, padded. Distinct numbers give
/// distinct keys, which is all the screen relies on.
pub fn person_key(id: &ResidentId) -> PersonKey {
    let mut bytes = [0u8; 32];
    for (byte, digit) in bytes.iter_mut().zip(id.as_str().bytes()) {
        *byte = digit;
    }
    PersonKey::from_bytes(bytes)
}

/// The context with the person keys of `experts` given, as the app gives them.
pub fn with_persons(mut context: AvoidanceContext, experts: &[Expert]) -> AvoidanceContext {
    for subject in experts {
        context.expert_persons.insert(subject.id.clone(), person_key(&subject.resident_id));
    }
    context
}

/// The evaluation in the fixtures: 2026-12-15 09:00 to 17:00, 北京时间.
pub fn evaluation() -> TimeWindow {
    let start = china_time::instant_of(datetime(2026, 12, 15, 9, 0, 0, 0)).unwrap();
    let end = china_time::instant_of(datetime(2026, 12, 15, 17, 0, 0, 0)).unwrap();
    TimeWindow::new(start, end).unwrap()
}

pub fn today() -> Date {
    date(2026, 12, 1)
}

pub fn rules() -> ExpertRules {
    ExpertRules {
        years_in_field_min: 8,
        accepted_levels: vec![TitleLevel::ViceSenior, TitleLevel::Senior, TitleLevel::Practice],
        age_max: Some(70),
    }
}

/// An active, available, qualified expert working for `employer` (no other employment).
pub fn expert(n: u32, employer: &str, specialties: &[&str], region_code: &str) -> Expert {
    Expert {
        id: id(&format!("E{n:04}")),
        name: format!("专家{n}"),
        resident_id: resident_id(n),
        region: region(region_code),
        employments: vec![Employment { employer: credit(employer), from: date(2000, 7, 1), until: None }],
        career_start: date(1995, 7, 1),
        specialties: specialties.iter().map(|s| specialty(s)).collect(),
        qualifications: vec![Qualification {
            level: TitleLevel::ViceSenior,
            name: "高级工程师".to_owned(),
            certificate_no: format!("GJ{n:06}"),
            valid_until: None,
        }],
        availability: Availability::default(),
        status: ExpertStatus::Active,
        penalties: Vec::new(),
        assessments: Vec::new(),
    }
}

/// The lot's parties: principal, agency, bidders A and B; the regulator supervises; 36 months of
/// look-back for former employment.
pub fn context() -> AvoidanceContext {
    AvoidanceContext {
        principal: credit(PRINCIPAL),
        agency: Some(credit(AGENCY)),
        bidders: vec![credit(BIDDER_A), credit(BIDDER_B)],
        supervising_departments: vec![credit(REGULATOR)],
        relations: Vec::new(),
        expert_persons: Default::default(),
        excluded_by_name: Vec::new(),
        evaluation: evaluation(),
        former_employment_months: 36,
    }
}

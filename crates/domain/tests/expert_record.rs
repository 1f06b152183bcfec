//! The shipped specialty tree, the checks on an expert record, status moves and assessments.

mod expert_fixtures;

use expert_fixtures::*;
use ggzy_domain::expert::{
    Assessment, Employment, ExpertCommand, ExpertError, ExpertStatus, Misconduct, Qualification, SpecialtyCode,
    TitleLevel,
};
use jiff::civil::date;

#[test]
fn the_shipped_tree_parses_and_every_parent_exists() {
    let tree = tree();
    assert!((100..=300).contains(&tree.len()), "{} entries", tree.len());
    let top: Vec<String> = tree.iter().filter(|s| s.code.level() == 1).map(|s| s.code.to_string()).collect();
    assert_eq!(top, ["A", "B", "C"]);
    for entry in tree.iter() {
        if let Some(parent) = entry.code.parent() {
            assert!(tree.contains(&parent), "{} has no parent {parent}", entry.code);
        }
        assert!(!entry.name.is_empty());
        assert!(tree.path_name(&entry.code).is_some());
    }
    assert_eq!(tree.path_name(&specialty("A0101")).as_deref(), Some("工程 / 房屋建筑工程 / 建筑工程施工"));
    assert!(tree.is_leaf(&specialty("C0102")));
    assert!(tree.children(&specialty("A")).count() >= 10);
}

#[test]
fn a_qualified_expert_passes() {
    assert_eq!(expert(1, EMPLOYERS[0], &["A0101", "C0102"], "330106").validate(&tree(), &rules(), today()), Ok(()));
}

#[test]
fn every_problem_is_reported_at_once() {
    let mut record = expert(2, EMPLOYERS[0], &["A0101", "A0101", "Z01"], "330106");
    record.name = "  ".to_owned();
    record.career_start = date(2020, 1, 1);
    record.qualifications = vec![Qualification {
        level: TitleLevel::Intermediate,
        name: "工程师".to_owned(),
        certificate_no: "X1".to_owned(),
        valid_until: None,
    }];
    record.employments.push(Employment {
        employer: credit(EMPLOYERS[1]),
        from: date(2010, 1, 1),
        until: Some(date(2009, 1, 1)),
    });
    let errors = record.validate(&tree(), &rules(), today()).expect_err("many problems");
    let codes: Vec<&str> = errors.iter().map(ExpertError::code).collect();
    assert_eq!(
        codes,
        [
            "expert_name_invalid",
            "expert_employment_dates_invalid",
            "expert_specialty_duplicate",
            "expert_specialty_unknown",
            "expert_experience_too_short",
            "expert_qualification_missing",
        ]
    );
    assert!(errors[4].to_string().contains("不满8年（招标投标法 第三十七条）"), "{}", errors[4]);
    assert!(errors[5].to_string().contains("副高级职称、正高级职称、注册执业资格"), "{}", errors[5]);
}

#[test]
fn age_limit_includes_the_bound_and_expired_titles_do_not_count() {
    // resident_id(0) is born 1960-01-15.
    let record = expert(0, EMPLOYERS[0], &["A0101"], "330106");
    let mut strict = rules();
    strict.age_max = Some(66);
    assert_eq!(record.age_on(date(2027, 1, 14)), 66);
    assert_eq!(record.validate(&tree(), &strict, date(2027, 1, 14)), Ok(()));
    let errors = record.validate(&tree(), &strict, date(2027, 1, 15)).expect_err("67");
    assert_eq!(errors, vec![ExpertError::TooOld { age: 67, max: 66 }]);

    let mut expired = expert(3, EMPLOYERS[0], &["A0101"], "330106");
    expired.qualifications[0].valid_until = Some(date(2026, 11, 30));
    let errors = expired.validate(&tree(), &rules(), today()).expect_err("expired");
    assert_eq!(errors[0].code(), "expert_qualification_missing");
}

#[test]
fn status_moves_follow_the_table() {
    let mut record = expert(4, EMPLOYERS[0], &["A0101"], "330106");
    assert_eq!(record.apply(ExpertCommand::Suspend).map(|line| line.to), Ok(ExpertStatus::Suspended));
    assert!(record.apply(ExpertCommand::Suspend).is_err());
    assert_eq!(record.apply(ExpertCommand::Reinstate).map(|line| line.to), Ok(ExpertStatus::Active));
    let removal = record.apply(ExpertCommand::Remove).expect("active can be removed");
    assert!(removal.source.contains("第七十一条"));
    assert_eq!(record.status, ExpertStatus::Removed);
    let refused = record.apply(ExpertCommand::Reinstate).expect_err("removal is final");
    assert_eq!(refused.to_string(), "该专家当前状态为“已清退”，不能恢复评标资格");
    assert_eq!(record.status, ExpertStatus::Removed);
}

#[test]
fn assessments_are_recorded_once_per_lot() {
    let mut record = expert(5, EMPLOYERS[0], &["A0101"], "330106");
    let assessment = Assessment {
        tender_id: "T-2026-0001".to_owned(),
        lot_id: "L01".to_owned(),
        assessed_on: date(2026, 12, 16),
        assessor: credit(AGENCY),
        score: 92,
        misconduct: vec![Misconduct::LeftPost],
        remarks: "中途离场30分钟".to_owned(),
    };
    assert_eq!(record.record_assessment(assessment.clone()), Ok(()));
    assert_eq!(record.record_assessment(assessment.clone()).map_err(|e| e.code()), Err("assessment_duplicate"));
    let too_high = Assessment { lot_id: "L02".to_owned(), score: 101, ..assessment };
    assert_eq!(record.record_assessment(too_high).map_err(|e| e.code()), Err("assessment_score_out_of_range"));
    assert_eq!(record.assessments.len(), 1);
    assert_eq!(Misconduct::LeftPost.source(), "招标投标法实施条例 第七十一条第（二）项");
}

#[test]
fn specialties_match_by_prefix() {
    let record = expert(6, EMPLOYERS[0], &["A0101"], "330106");
    for (code, within) in [("A", true), ("A01", true), ("A0101", true), ("A0102", false), ("A02", false), ("B", false)]
    {
        assert_eq!(record.has_specialty_within(&SpecialtyCode::parse(code).expect("valid")), within, "{code}");
    }
}

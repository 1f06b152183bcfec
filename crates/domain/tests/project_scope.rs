//! Which projects must be tendered (RULES.md §1.1), with figures computed by hand from 招标投标法
//! 第三条、第四条、第六十六条, 实施条例 第二条、第八条、第九条 and 必须招标的工程项目规定 第二条、第五条.

use ggzy_domain::Fen;
use ggzy_domain::project::{
    Category, ContractKind, ExemptionGround, InvitationGround, OrganisationForm, ProcedureError, ProjectCommand,
    ProjectStanding, ProjectState, ScopeFacts, ScopeThresholds, TenderingMethod, ThresholdClass, assess, check_method,
    check_ready, project_transition,
};

const WAN: i64 = 1_000_000; // 1万元 in fen

fn thresholds() -> ScopeThresholds {
    ScopeThresholds {
        state_budget_funds_min: Fen(200 * WAN),
        state_budget_funds_percent_min: 10,
        works_min: Fen(400 * WAN),
        goods_min: Fen(200 * WAN),
        services_min: Fen(100 * WAN),
    }
}

fn private_project(packages: Vec<(ContractKind, Fen)>) -> ScopeFacts {
    ScopeFacts {
        public_interest: false,
        foreign_loan_or_aid: false,
        total_investment: Fen(5_000 * WAN),
        state_budget_funds: Fen(0),
        state_controlled: false,
        packages,
        exemption: None,
    }
}

#[test]
fn each_category_of_article_3_brings_the_duty_and_none_leaves_it_voluntary() {
    let works = vec![(ContractKind::Works, Fen(400 * WAN))];
    let none = assess(&private_project(works.clone()), &thresholds()).expect("assessed");
    assert!(none.categories.is_empty());
    assert!(!none.must_tender(), "a privately funded, non-public-interest project need not tender");

    let public = ScopeFacts { public_interest: true, ..private_project(works.clone()) };
    let foreign = ScopeFacts { foreign_loan_or_aid: true, ..private_project(works.clone()) };
    let controlled = ScopeFacts { state_controlled: true, ..private_project(works.clone()) };
    for (facts, category) in [
        (public, Category::PublicInterest),
        (foreign, Category::ForeignLoanOrAid),
        (controlled, Category::StateControlled),
    ] {
        let assessment = assess(&facts, &thresholds()).expect("assessed");
        assert_eq!(assessment.categories, vec![category]);
        assert!(assessment.must_tender(), "{category:?}");
    }
}

#[test]
fn budget_funds_count_only_at_200_wan_and_10_percent_of_the_investment() {
    let works = vec![(ContractKind::Works, Fen(500 * WAN))];
    // 500万 of 5000万 = 10%: both floors reached (以上 includes the figure itself).
    let at_both = ScopeFacts { state_budget_funds: Fen(500 * WAN), ..private_project(works.clone()) };
    assert_eq!(assess(&at_both, &thresholds()).expect("ok").categories, vec![Category::StateBudgetFunded]);
    // 499.99万 of 5000万 is below 10%.
    let below_share = ScopeFacts { state_budget_funds: Fen(500 * WAN - 1), ..private_project(works.clone()) };
    assert!(assess(&below_share, &thresholds()).expect("ok").categories.is_empty());
    // 199万 of 1000万 is 19.9% but below 200万.
    let small = ScopeFacts {
        total_investment: Fen(1_000 * WAN),
        state_budget_funds: Fen(199 * WAN),
        ..private_project(works.clone())
    };
    assert!(assess(&small, &thresholds()).expect("ok").categories.is_empty());
    // Exactly 200万 of 2000万.
    let exact =
        ScopeFacts { total_investment: Fen(2_000 * WAN), state_budget_funds: Fen(200 * WAN), ..private_project(works) };
    let assessment = assess(&exact, &thresholds()).expect("ok");
    assert!(assessment.state_funded() && assessment.must_tender());
}

#[test]
fn works_goods_and_services_each_meet_their_own_threshold() {
    let facts = ScopeFacts {
        public_interest: true,
        ..private_project(vec![
            (ContractKind::Works, Fen(400 * WAN - 1)),
            (ContractKind::Goods, Fen(200 * WAN)),
            (ContractKind::Design, Fen(100 * WAN)),
        ])
    };
    let assessment = assess(&facts, &thresholds()).expect("ok");
    let verdicts: Vec<(ThresholdClass, bool)> = assessment.classes.iter().map(|c| (c.class, c.must_tender)).collect();
    assert_eq!(
        verdicts,
        vec![(ThresholdClass::Works, false), (ThresholdClass::Goods, true), (ThresholdClass::Services, true)]
    );
}

#[test]
fn splitting_a_package_does_not_escape_the_threshold() {
    // Two works packages of 250万 and survey 40万 + supervision 70万: each below its threshold, the
    // sums (500万 and 110万) above them (招标投标法 第四条; 16号令 第五条第二款).
    let facts = ScopeFacts {
        public_interest: true,
        ..private_project(vec![
            (ContractKind::Works, Fen(250 * WAN)),
            (ContractKind::Survey, Fen(40 * WAN)),
            (ContractKind::Works, Fen(250 * WAN)),
            (ContractKind::Supervision, Fen(70 * WAN)),
        ])
    };
    let assessment = assess(&facts, &thresholds()).expect("ok");
    let works = &assessment.classes[0];
    assert_eq!((works.class, works.aggregate, works.must_tender), (ThresholdClass::Works, Fen(500 * WAN), true));
    let services = &assessment.classes[1];
    assert_eq!(
        (services.class, services.aggregate, services.must_tender),
        (ThresholdClass::Services, Fen(110 * WAN), true)
    );
}

#[test]
fn an_exemption_of_article_66_or_tiaoli_9_lifts_the_duty_and_cites_its_article() {
    for ground in ExemptionGround::ALL {
        let facts = ScopeFacts {
            public_interest: true,
            exemption: Some(ground),
            ..private_project(vec![(ContractKind::Works, Fen(9_000 * WAN))])
        };
        let assessment = assess(&facts, &thresholds()).expect("ok");
        assert!(!assessment.must_tender(), "{ground:?}");
        assert_eq!(ExemptionGround::parse(ground.as_str()), Some(ground));
    }
    assert_eq!(ExemptionGround::EmergencyRelief.source(), "招标投标法 第六十六条");
    assert_eq!(ExemptionGround::IrreplaceablePatent.source(), "招标投标法实施条例 第九条第（一）项");
}

#[test]
fn bad_figures_are_refused() {
    let no_packages = private_project(Vec::new());
    assert!(assess(&no_packages, &thresholds()).is_err());
    let zero = private_project(vec![(ContractKind::Goods, Fen(0))]);
    assert!(assess(&zero, &thresholds()).is_err());
    let above =
        ScopeFacts { state_budget_funds: Fen(6_000 * WAN), ..private_project(vec![(ContractKind::Goods, Fen(1))]) };
    assert!(assess(&above, &thresholds()).is_err());
}

#[test]
fn a_state_funded_must_tender_project_tenders_openly_unless_a_ground_of_tiaoli_8_is_found() {
    let controlled =
        ScopeFacts { state_controlled: true, ..private_project(vec![(ContractKind::Works, Fen(800 * WAN))]) };
    let assessment = assess(&controlled, &thresholds()).expect("ok");
    assert_eq!(check_method(&assessment, TenderingMethod::Invited, None), Err(ProcedureError::OpenTenderingRequired));
    assert_eq!(check_method(&assessment, TenderingMethod::Invited, Some(InvitationGround::FewBidders)), Ok(()));
    assert_eq!(check_method(&assessment, TenderingMethod::Open, None), Ok(()));
    // A public-interest project without state funds may invite freely.
    let public = ScopeFacts { public_interest: true, ..private_project(vec![(ContractKind::Works, Fen(800 * WAN))]) };
    let assessment = assess(&public, &thresholds()).expect("ok");
    assert_eq!(check_method(&assessment, TenderingMethod::Invited, None), Ok(()));
}

#[test]
fn a_must_tender_project_starts_only_after_its_approval_and_its_self_tendering_filing() {
    let facts = ScopeFacts { public_interest: true, ..private_project(vec![(ContractKind::Works, Fen(800 * WAN))]) };
    let assessment = assess(&facts, &thresholds()).expect("ok");
    let standing = ProjectStanding {
        approval_required: true,
        approved: false,
        form: OrganisationForm::SelfTendering,
        self_tendering_filed: false,
    };
    assert_eq!(check_ready(&assessment, &standing), Err(ProcedureError::ApprovalMissing));
    let approved = ProjectStanding { approved: true, ..standing };
    assert_eq!(check_ready(&assessment, &approved), Err(ProcedureError::SelfTenderingNotFiled));
    let filed = ProjectStanding { self_tendering_filed: true, ..approved };
    assert_eq!(check_ready(&assessment, &filed), Ok(()));
    let entrusted = ProjectStanding { form: OrganisationForm::Entrusted, ..approved };
    assert_eq!(check_ready(&assessment, &entrusted), Ok(()));
    // A voluntary tender needs neither.
    let voluntary = assess(&private_project(vec![(ContractKind::Works, Fen(800 * WAN))]), &thresholds()).expect("ok");
    assert_eq!(check_ready(&voluntary, &standing), Ok(()));
}

#[test]
fn approval_is_recorded_once_and_the_filing_changes_no_state() {
    assert_eq!(
        project_transition(ProjectState::Registered, ProjectCommand::RecordApproval).map(|t| t.to),
        Ok(ProjectState::Approved)
    );
    assert!(project_transition(ProjectState::Approved, ProjectCommand::RecordApproval).is_err());
    for state in [ProjectState::Registered, ProjectState::Approved] {
        assert_eq!(project_transition(state, ProjectCommand::FileSelfTendering).map(|t| t.to), Ok(state));
    }
}

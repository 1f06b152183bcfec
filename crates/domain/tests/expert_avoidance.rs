//! The avoidance screen case by case: each reason an expert may not be drawn, its code and its
//! legal source, and the near misses that must stay eligible.

mod expert_fixtures;

use expert_fixtures::*;
use ggzy_domain::expert::{
    Availability, Employment, ExclusionReason, Expert, ExpertStatus, Holder, Link, NamedExclusion, PartyRole,
    PenaltyRecord, Relation, TimeWindow, screen,
};
use jiff::civil::date;

const XIHU: &str = "330106";

fn clean(n: u32) -> Expert {
    expert(n, EMPLOYERS[0], &["A0101"], XIHU)
}

/// The reasons the screen gives for the single expert `subject` under `context`.
fn reasons(subject: Expert, context: &ggzy_domain::expert::AvoidanceContext) -> Vec<ExclusionReason> {
    let pool = [subject];
    let context = with_persons(context.clone(), &pool);
    let screening = screen(&pool, &context);
    match screening.exclusions.as_slice() {
        [] => {
            assert_eq!(screening.eligible.len(), 1);
            Vec::new()
        }
        [exclusion] => {
            assert!(screening.eligible.is_empty());
            exclusion.reasons.clone()
        }
        more => panic!("one expert, {} exclusions", more.len()),
    }
}

fn with_employer(n: u32, employer: &str) -> Expert {
    expert(n, employer, &["A0101"], XIHU)
}

#[test]
fn a_clean_expert_is_eligible() {
    assert_eq!(reasons(clean(1), &context()), Vec::new());
}

#[test]
fn current_employer_is_a_bidder_or_the_principal_side() {
    let cases = [(BIDDER_A, PartyRole::Bidder), (PRINCIPAL, PartyRole::Principal), (AGENCY, PartyRole::Agency)];
    for (employer, role) in cases {
        let found = reasons(with_employer(2, employer), &context());
        assert_eq!(found, vec![ExclusionReason::EmployedByParty { role, party: credit(employer) }], "{employer}");
        assert_eq!(found[0].code(), "employed_by_party");
    }
    let bidder = ExclusionReason::EmployedByParty { role: PartyRole::Bidder, party: credit(BIDDER_A) };
    assert!(bidder.source().is_some_and(|s| s.contains("招标投标法 第三十七条第四款")));
    assert!(bidder.label().contains("现任职于本项目投标人"));
}

#[test]
fn former_employer_counts_within_the_period_and_not_a_day_outside() {
    // Evaluation on 2026-12-15; 36 months back is 2023-12-15, which still counts ("以内").
    assert_eq!(context().former_employment_cutoff(), date(2023, 12, 15));
    let former = |until| {
        let mut subject = clean(3);
        subject
            .employments
            .insert(0, Employment { employer: credit(BIDDER_B), from: date(2010, 1, 1), until: Some(until) });
        subject
    };
    assert_eq!(
        reasons(former(date(2023, 12, 15)), &context()),
        vec![ExclusionReason::FormerlyEmployedByParty {
            role: PartyRole::Bidder,
            party: credit(BIDDER_B),
            until: date(2023, 12, 15)
        }]
    );
    assert_eq!(reasons(former(date(2023, 12, 14)), &context()), Vec::new());
    // A last day on or after the evaluation day is a current employment.
    assert_eq!(
        reasons(former(date(2026, 12, 15)), &context()),
        vec![ExclusionReason::EmployedByParty { role: PartyRole::Bidder, party: credit(BIDDER_B) }]
    );
    // A shorter configured period moves the cut-off.
    let mut one_year = context();
    one_year.former_employment_months = 12;
    assert_eq!(reasons(former(date(2025, 6, 30)), &one_year), Vec::new());
}

#[test]
fn related_through_a_shared_legal_representative() {
    let employer = credit(EMPLOYERS[0]);
    // Stated directly.
    let mut stated = context();
    stated.relations.push(Relation::SameLegalRepresentative { a: credit(BIDDER_A), b: employer.clone() });
    let expected = vec![ExclusionReason::EmployerRelated {
        role: PartyRole::Bidder,
        party: credit(BIDDER_A),
        employer: employer.clone(),
        link: Link::SameLegalRepresentative,
    }];
    assert_eq!(reasons(clean(4), &stated), expected);
    // Derived from the legal-representative facts.
    let boss = person_key(&resident_id(900));
    let mut derived = context();
    derived.relations.push(Relation::LegalRepresentative { person: boss, entity: employer.clone() });
    derived.relations.push(Relation::LegalRepresentative { person: boss, entity: credit(BIDDER_A) });
    assert_eq!(reasons(clean(4), &derived), expected);
    assert_eq!(expected[0].code(), "employer_related_to_party");
    assert!(expected[0].source().is_some_and(|s| s.contains("第十二条第（三）项")));
}

#[test]
fn related_through_shareholdings() {
    let employer = credit(EMPLOYERS[0]);
    let subject = clean(5);
    let cases = [
        (
            Relation::Shareholder {
                holder: Holder::Entity(credit(BIDDER_B)),
                entity: employer.clone(),
                share_bp: None,
            },
            ExclusionReason::EmployerRelated {
                role: PartyRole::Bidder,
                party: credit(BIDDER_B),
                employer: employer.clone(),
                link: Link::HeldByParty,
            },
        ),
        (
            Relation::Shareholder {
                holder: Holder::Entity(employer.clone()),
                entity: credit(BIDDER_B),
                share_bp: Some(2000),
            },
            ExclusionReason::EmployerRelated {
                role: PartyRole::Bidder,
                party: credit(BIDDER_B),
                employer: employer.clone(),
                link: Link::Shareholder,
            },
        ),
        (
            Relation::Shareholder {
                holder: Holder::Person(person_key(&subject.resident_id)),
                entity: credit(BIDDER_B),
                share_bp: None,
            },
            ExclusionReason::PersonallyRelated {
                role: PartyRole::Bidder,
                party: credit(BIDDER_B),
                link: Link::Shareholder,
            },
        ),
        (
            Relation::Officer { person: person_key(&subject.resident_id), entity: credit(BIDDER_A) },
            ExclusionReason::PersonallyRelated {
                role: PartyRole::Bidder,
                party: credit(BIDDER_A),
                link: Link::Officer,
            },
        ),
    ];
    for (relation, expected) in cases {
        let mut with = context();
        with.relations.push(relation.clone());
        assert_eq!(reasons(subject.clone(), &with), vec![expected], "{relation:?}");
    }
}

#[test]
fn related_through_a_declared_controller() {
    let employer = credit(EMPLOYERS[0]);
    let cases = [
        (Relation::Controller { controller: employer.clone(), entity: credit(BIDDER_A) }, Link::Controls),
        (Relation::Controller { controller: credit(BIDDER_A), entity: employer.clone() }, Link::ControlledByParty),
    ];
    for (relation, link) in cases {
        let mut with = context();
        with.relations.push(relation.clone());
        let found = reasons(clean(12), &with);
        let expected = ExclusionReason::EmployerRelated {
            role: PartyRole::Bidder,
            party: credit(BIDDER_A),
            employer: employer.clone(),
            link,
        };
        assert_eq!(found, vec![expected], "{relation:?}");
        assert!(found[0].source().is_some_and(|s| s.contains("第十二条第（三）项")));
    }
}

#[test]
fn persons_are_matched_by_key_only() {
    // The same relation, but the app gave no key for the expert (or another person's key).
    let subject = clean(13);
    let relation = Relation::Officer { person: person_key(&subject.resident_id), entity: credit(BIDDER_A) };
    let mut without_key = context();
    without_key.relations.push(relation.clone());
    let pool = [subject.clone()];
    assert_eq!(screen(&pool, &without_key).exclusions, Vec::new());
    let mut other_key = with_persons(without_key.clone(), &pool);
    other_key.expert_persons.insert(subject.id.clone(), person_key(&resident_id(902)));
    assert_eq!(screen(&pool, &other_key).exclusions, Vec::new());
    assert_eq!(reasons(subject, &without_key).len(), 1);
}

#[test]
fn near_relative_of_a_bidders_legal_representative() {
    let subject = clean(6);
    let boss = person_key(&resident_id(901));
    let mut with = context();
    with.relations.push(Relation::LegalRepresentative { person: boss, entity: credit(BIDDER_A) });
    with.relations.push(Relation::NearRelative { a: boss, b: person_key(&subject.resident_id) });
    let found = reasons(subject, &with);
    assert_eq!(
        found,
        vec![ExclusionReason::PersonallyRelated {
            role: PartyRole::Bidder,
            party: credit(BIDDER_A),
            link: Link::NearRelative
        }]
    );
    assert!(found[0].source().is_some_and(|s| s.contains("第十二条第（一）项")));
}

#[test]
fn relations_to_entities_outside_the_lot_do_not_count() {
    let mut with = context();
    let outsider = credit(EMPLOYERS[5]);
    with.relations.push(Relation::SameLegalRepresentative { a: outsider.clone(), b: credit(EMPLOYERS[0]) });
    with.relations.push(Relation::Shareholder {
        holder: Holder::Entity(outsider),
        entity: credit(EMPLOYERS[0]),
        share_bp: None,
    });
    // A bidder linked to an employment that ended before the period does not count either.
    let mut subject = expert(7, EMPLOYERS[1], &["A0101"], XIHU);
    subject.employments.push(Employment {
        employer: credit(EMPLOYERS[0]),
        from: date(2000, 1, 1),
        until: Some(date(2020, 1, 1)),
    });
    with.relations.push(Relation::SameLegalRepresentative { a: credit(BIDDER_A), b: credit(EMPLOYERS[0]) });
    assert_eq!(reasons(subject, &with), Vec::new());
}

#[test]
fn excluded_by_name_with_its_reason() {
    let mut with = context();
    with.excluded_by_name
        .push(NamedExclusion {
            expert: id("E0008"), reason: "投标人B申请回避：曾参与本项目可研".to_owned()
        });
    let found = reasons(clean(8), &with);
    assert_eq!(
        found,
        vec![ExclusionReason::ExcludedByName {
            reason: "投标人B申请回避：曾参与本项目可研".to_owned()
        }]
    );
    assert_eq!(found[0].code(), "excluded_by_name");
    assert!(found[0].label().contains("经申请回避"));
}

#[test]
fn suspended_or_removed_experts_are_not_drawn() {
    for status in [ExpertStatus::Suspended, ExpertStatus::Removed] {
        let mut subject = clean(9);
        subject.status = status;
        let found = reasons(subject, &context());
        assert_eq!(found, vec![ExclusionReason::NotActive { status }]);
        assert_eq!(found[0].source(), Some("招标投标法实施条例 第七十一条"));
    }
}

#[test]
fn unavailable_at_the_evaluation_time() {
    let evaluation = evaluation();
    let hour = 3_600_000;
    let window = |a: i64, b: i64| TimeWindow::new(a, b).expect("non-empty");
    let leave_overlapping =
        Availability::ExceptLeave(vec![window(evaluation.end_ms() - hour, evaluation.end_ms() + hour)]);
    let leave_before = Availability::ExceptLeave(vec![window(evaluation.start_ms() - hour, evaluation.start_ms())]);
    let only_morning = Availability::OnlyWithin(vec![window(evaluation.start_ms(), evaluation.start_ms() + hour)]);
    let only_week =
        Availability::OnlyWithin(vec![window(evaluation.start_ms() - 72 * hour, evaluation.end_ms() + 72 * hour)]);
    for (availability, eligible) in
        [(leave_overlapping, false), (leave_before, true), (only_morning, false), (only_week, true)]
    {
        let mut subject = clean(10);
        subject.availability = availability.clone();
        let found = reasons(subject, &context());
        if eligible {
            assert_eq!(found, Vec::new(), "{availability:?}");
        } else {
            assert_eq!(found, vec![ExclusionReason::Unavailable], "{availability:?}");
            assert_eq!(found[0].source(), None, "availability is the expert's declaration, not law");
        }
    }
}

#[test]
fn regulator_staff_and_prior_penalties() {
    let found = reasons(with_employer(11, REGULATOR), &context());
    assert_eq!(found, vec![ExclusionReason::RegulatorStaff { department: credit(REGULATOR) }]);
    assert!(found[0].source().is_some_and(|s| s.contains("招标投标法实施条例 第四十六条第四款")));

    let mut penalised = clean(12);
    penalised.penalties.push(PenaltyRecord {
        decided_on: date(2024, 5, 1),
        authority: "杭州市发展和改革委员会".to_owned(),
        description: "应当回避而不回避".to_owned(),
    });
    assert_eq!(reasons(penalised, &context()), vec![ExclusionReason::PriorPenalty]);
}

#[test]
fn every_reason_is_recorded_and_the_result_is_sorted() {
    let mut many = with_employer(13, BIDDER_A);
    many.status = ExpertStatus::Suspended;
    let mut with = context();
    with.excluded_by_name.push(NamedExclusion { expert: id("E0013"), reason: "申请回避".to_owned() });
    let found = reasons(many, &with);
    let codes: Vec<&str> = found.iter().map(ExclusionReason::code).collect();
    assert_eq!(codes, ["expert_not_active", "employed_by_party", "excluded_by_name"]);

    let pool = vec![clean(30), with_employer(20, BIDDER_A), clean(25), with_employer(21, PRINCIPAL)];
    let screening = screen(&pool, &context());
    let eligible: Vec<&str> = screening.eligible.iter().map(|e| e.id.as_str()).collect();
    let excluded: Vec<&str> = screening.exclusions.iter().map(|e| e.expert.as_str()).collect();
    assert_eq!(eligible, ["E0025", "E0030"]);
    assert_eq!(excluded, ["E0020", "E0021"]);
}

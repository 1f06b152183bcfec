//! Property tests of a procurement procedure's written invariants: no offer is accepted at or after
//! its deadline and every one before it is; no offer opens before the deadline or with another
//! commitment; the winner is the first in rank and the next candidate the next one; a random draw of
//! suppliers takes distinct candidates, as many as asked.

use proptest::prelude::*;

use super::rules::fixture;
use super::*;
use crate::Fen;
use crate::calendar::HolidayCalendar;

const SUPPLIERS: [&str; 4] = ["S0", "S1", "S2", "S3"];

fn calendar() -> HolidayCalendar {
    HolidayCalendar::parse_csv(include_str!("../../../../data/calendar/holidays.csv")).expect("the calendar")
}

fn terms(method: ProcurementMethod) -> ProcedureTerms {
    ProcedureTerms {
        method,
        category: ItemCategory::Goods,
        budget: Fen(50_000_000),
        price_weight: None,
        sme_rates: DeductionRates { small_micro_percent: 10, share_percent: 5 },
        reserved_for_sme: false,
        single_source_supplier: None,
        needs_approval: false,
        needs_publicity: false,
        after_failed_tender_with_two: false,
    }
}

/// Monday 2026-09-14 10:00 China time.
const T0: i64 = 1_789_351_200_000;
const DAY: i64 = 86_400_000;

/// An open tender published at T0 with its deadline `due_days` later (at least the 20-day floor).
fn bidding(due_ms: i64) -> Procedure {
    let mut procedure = Procedure::plan(terms(ProcurementMethod::OpenTender), T0);
    let request = StepRequest { offers_due_ms: Some(due_ms), ..StepRequest::default() };
    let (facts, _) = procedure
        .decide_step(&fixture::rules(), &calendar(), ProcurementCommand::PublishNotice, &request, T0)
        .expect("published");
    for fact in &facts {
        procedure.apply(fact);
    }
    procedure
}

fn commitment(price: i64) -> [u8; 32] {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&price.to_be_bytes());
    bytes
}

proptest! {
    #[test]
    fn no_offer_is_accepted_at_or_after_its_deadline(due_extra in 0i64..10 * DAY, at in 0i64..60 * DAY) {
        let due = T0 + 24 * DAY + due_extra;
        let procedure = bidding(due);
        let now = T0 + at;
        let decided = procedure.decide_offer("S0", commitment(1), now);
        if now < due {
            prop_assert!(decided.is_ok(), "{decided:?}");
        } else {
            prop_assert_eq!(decided.map_err(|e| e.code()), Err("bid_deadline_passed"));
        }
    }

    #[test]
    fn no_offer_opens_before_its_deadline_or_against_another_commitment(
        at in 0i64..60 * DAY,
        price in 1i64..1_000_000_000,
        other in 1i64..1_000_000_000,
    ) {
        let due = T0 + 24 * DAY;
        let mut procedure = bidding(due);
        procedure.apply(&procedure.decide_offer("S1", commitment(price), T0 + DAY).expect("sealed"));
        let now = T0 + at;
        let opened = procedure.decide_opening("S1", Fen(price), commitment(other), SmeClaim::None, now);
        match (now < due, price == other) {
            (true, _) => prop_assert_eq!(opened.map_err(|e| e.code()), Err("opening_too_early")),
            (false, false) => prop_assert_eq!(opened.map_err(|e| e.code()), Err("commitment_mismatch")),
            (false, true) => prop_assert!(opened.is_ok()),
        }
    }

    #[test]
    fn the_winner_is_the_first_in_rank_and_the_next_candidate_the_next(
        prices in proptest::collection::vec(1i64..1_000_000, 3..=4),
    ) {
        let due = T0 + 24 * DAY;
        let rules = fixture::rules();
        let calendar = calendar();
        let mut procedure = bidding(due);
        for (supplier, price) in SUPPLIERS.iter().zip(&prices) {
            procedure.apply(&procedure.decide_offer(supplier, commitment(*price), T0 + DAY).expect("sealed"));
        }
        let step = |procedure: &mut Procedure, command| {
            let (facts, _) = procedure.decide_step(&rules, &calendar, command, &StepRequest::default(), due)?;
            for fact in &facts {
                procedure.apply(fact);
            }
            Ok::<_, ProcedureRefusal>(())
        };
        step(&mut procedure, ProcurementCommand::StartOpening).expect("opening");
        for (supplier, price) in SUPPLIERS.iter().zip(&prices) {
            procedure.apply(
                &procedure.decide_opening(supplier, Fen(*price), commitment(*price), SmeClaim::None, due).expect("opened"),
            );
        }
        step(&mut procedure, ProcurementCommand::CloseOpening).expect("review");
        step(&mut procedure, ProcurementCommand::CompleteReview).expect("evaluation");
        let order: Vec<String> = SUPPLIERS.iter().map(|s| (*s).to_owned()).collect();
        procedure.apply(
            &procedure.decide_evaluation(&rules, &Default::default(), &[], &order).expect("ranked"),
        );
        step(&mut procedure, ProcurementCommand::SubmitReport).expect("report");
        step(&mut procedure, ProcurementCommand::DetermineWinner).expect("winner");
        let lowest = prices.iter().min().copied().unwrap_or_default();
        prop_assert_eq!(procedure.winners().last().map(|(_, price)| price.0), Some(lowest));
        prop_assert_eq!(&procedure.winners()[0].0, &procedure.ranking()[0].bidder);
        step(&mut procedure, ProcurementCommand::PublishResult).expect("published");
        step(&mut procedure, ProcurementCommand::NextCandidate).expect("next");
        prop_assert_eq!(&procedure.winners()[1].0, &procedure.ranking()[1].bidder);
        prop_assert!(procedure.ranking()[0].price.price <= procedure.ranking()[1].price.price);
    }

    #[test]
    fn a_draw_takes_distinct_candidates_and_as_many_as_asked(
        n in 3usize..40,
        count in 1usize..40,
        seed in any::<u64>(),
    ) {
        let candidates: Vec<String> = (0..n).map(|i| format!("S{i}")).collect();
        let mut state = seed;
        let drawn = draw_suppliers(&candidates, count, || {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            state >> 11
        });
        prop_assert_eq!(drawn.len(), count.min(n));
        let mut unique = drawn.clone();
        unique.sort();
        unique.dedup();
        prop_assert_eq!(unique.len(), drawn.len());
        prop_assert!(drawn.iter().all(|s| candidates.contains(s)));
    }
}

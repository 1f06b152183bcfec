//! Properties of the screen and the draw: an excluded expert is never drawn, the draw is a pure
//! function of its inputs (the order the pool arrives in does not matter), and the index selection
//! is unbiased where plain `v mod n` is measurably not.

mod expert_fixtures;

use std::collections::BTreeSet;

use expert_fixtures::*;
use ggzy_domain::expert::{
    Availability, DrawError, DrawPool, DrawRequest, DrawSlot, Employment, Expert, ExpertStatus, Holder, RegionScope,
    Relation, TimeWindow, draw, screen, uniform_index,
};
use jiff::civil::date;
use proptest::prelude::*;

const SPECIALTY_CHOICES: [&str; 5] = ["A0101", "A0102", "A0201", "C0102", "C0401"];
const REGION_CHOICES: [&str; 4] = ["330106", "330203", "320102", "310101"];
/// Employers an expert may have: the lot's parties, the regulator, or neutral employers.
const EMPLOYER_CHOICES: [&str; 9] =
    [PRINCIPAL, AGENCY, BIDDER_A, BIDDER_B, REGULATOR, EMPLOYERS[0], EMPLOYERS[1], EMPLOYERS[2], EMPLOYERS[3]];

/// (employer, former employer and months ago it ended, status, leave, penalty, specialties, region)
type RawExpert = (usize, Option<(usize, u16)>, u8, bool, bool, Vec<usize>, usize);

fn raw_expert() -> impl Strategy<Value = RawExpert> {
    (
        // Mostly neutral employers, so that draws succeed often enough to test something.
        prop_oneof![3 => 5..EMPLOYER_CHOICES.len(), 1 => 0usize..5],
        prop::option::weighted(0.3, (0..EMPLOYER_CHOICES.len(), 0u16..60)),
        prop::sample::select(vec![0u8, 0, 0, 0, 1, 2]),
        prop::bool::weighted(0.15),
        prop::bool::weighted(0.1),
        prop::collection::vec(0..SPECIALTY_CHOICES.len(), 1..3),
        0..REGION_CHOICES.len(),
    )
}

fn build(index: usize, raw: &RawExpert) -> Expert {
    let (employer, former, status, leave, penalty, specialties, region_index) = raw;
    let codes: Vec<&str> = specialties.iter().map(|&s| SPECIALTY_CHOICES[s]).collect();
    let n = u32::try_from(index).expect("small");
    let mut record = expert(n, EMPLOYER_CHOICES[*employer], &codes, REGION_CHOICES[*region_index]);
    record.specialties.dedup();
    if let Some((former_employer, months_ago)) = former {
        let until = date(2026, 12, 15).checked_sub(jiff::Span::new().months(i64::from(*months_ago))).expect("in range");
        record.employments.push(Employment {
            employer: credit(EMPLOYER_CHOICES[*former_employer]),
            from: date(1999, 1, 1),
            until: Some(until),
        });
    }
    record.status = match status {
        1 => ExpertStatus::Suspended,
        2 => ExpertStatus::Removed,
        _ => ExpertStatus::Active,
    };
    if *leave {
        let evaluation = evaluation();
        let window = TimeWindow::new(evaluation.start_ms() - 1, evaluation.start_ms() + 1).expect("non-empty");
        record.availability = Availability::ExceptLeave(vec![window]);
    }
    if *penalty {
        record.penalties.push(ggzy_domain::expert::PenaltyRecord {
            decided_on: date(2020, 1, 1),
            authority: "监督部门".to_owned(),
            description: "违法评标".to_owned(),
        });
    }
    record
}

/// (specialty, region scope kind, count, reserves) per slot.
type RawSlot = (usize, usize, u16, u16);

fn raw_slots() -> impl Strategy<Value = Vec<RawSlot>> {
    prop::collection::vec(
        (0..SPECIALTY_CHOICES.len(), prop_oneof![2 => Just(0usize), 1 => 1usize..3], 1u16..4, 0u16..2),
        1..4,
    )
}

fn request(raw: &[RawSlot]) -> DrawRequest {
    let scope = |kind: usize| match kind {
        0 => RegionScope::anywhere(),
        1 => RegionScope::within(vec![region("330000")]),
        _ => RegionScope::outside(vec![region("330100")]),
    };
    DrawRequest {
        slots: raw
            .iter()
            .map(|&(s, kind, count, reserves)| DrawSlot {
                specialty: specialty(SPECIALTY_CHOICES[s]),
                regions: scope(kind),
                count,
                reserves,
            })
            .collect(),
    }
}

/// A deterministic, well-mixed stream (SplitMix64).
fn splitmix(seed: u64) -> impl Iterator<Item = u64> {
    let mut state = seed;
    std::iter::from_fn(move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Some(z ^ (z >> 31))
    })
}

fn context_with_relations(experts: &[Expert], related: &[usize]) -> ggzy_domain::expert::AvoidanceContext {
    let mut context = with_persons(context(), experts);
    for &index in related {
        if let Some(subject) = experts.get(index) {
            context.relations.push(Relation::Shareholder {
                holder: Holder::Person(person_key(&subject.resident_id)),
                entity: credit(BIDDER_B),
                share_bp: None,
            });
        }
    }
    context
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn an_excluded_expert_is_never_drawn(
        raw in prop::collection::vec(raw_expert(), 10..80),
        related in prop::collection::vec(0usize..80, 0..6),
        slots in raw_slots(),
        seed in any::<u64>(),
    ) {
        let experts: Vec<Expert> = raw.iter().enumerate().map(|(i, r)| build(i, r)).collect();
        let context = context_with_relations(&experts, &related);
        let screening = screen(&experts, &context);

        let eligible: BTreeSet<_> = screening.eligible.iter().map(|e| e.id.clone()).collect();
        let excluded: BTreeSet<_> = screening.exclusions.iter().map(|e| e.expert.clone()).collect();
        prop_assert!(eligible.is_disjoint(&excluded));
        prop_assert_eq!(eligible.len() + excluded.len(), experts.len());
        for exclusion in &screening.exclusions {
            prop_assert!(!exclusion.reasons.is_empty());
        }
        // Spot-check the screen against the rules themselves.
        for record in &experts {
            let works_for_party = record.current_employers().any(|e| {
                [PRINCIPAL, AGENCY, BIDDER_A, BIDDER_B, REGULATOR].contains(&e.as_str())
            });
            if record.status != ExpertStatus::Active || works_for_party || !record.penalties.is_empty() {
                prop_assert!(excluded.contains(&record.id), "{:?} should be excluded", record.id);
            }
        }

        let pool = DrawPool::from_experts(screening.eligible.iter().copied()).expect("distinct ids");
        let request = request(&slots);
        match draw(&pool, &request, &mut splitmix(seed)) {
            Ok(result) => {
                let mut seen = BTreeSet::new();
                for pick in &result.picks {
                    prop_assert!(eligible.contains(&pick.expert), "{:?} drawn but not eligible", pick.expert);
                    prop_assert!(!excluded.contains(&pick.expert));
                    prop_assert!(seen.insert(pick.expert.clone()), "{:?} drawn twice", pick.expert);
                }
            }
            Err(err) => prop_assert!(matches!(err, DrawError::PoolTooSmall { .. }), "{err}"),
        }
    }

    #[test]
    fn the_draw_is_a_pure_function_of_its_inputs(
        raw in prop::collection::vec(raw_expert(), 1..40),
        slots in raw_slots(),
        seed in any::<u64>(),
        rotation in 0usize..40,
    ) {
        let experts: Vec<Expert> = raw.iter().enumerate().map(|(i, r)| build(i, r)).collect();
        let mut shuffled = experts.clone();
        shuffled.reverse();
        let len = shuffled.len();
        shuffled.rotate_left(rotation % len);

        let context = context();
        let a = screen(&experts, &context);
        let b = screen(&shuffled, &context);
        prop_assert_eq!(&a.exclusions, &b.exclusions);
        prop_assert_eq!(
            a.eligible.iter().map(|e| &e.id).collect::<Vec<_>>(),
            b.eligible.iter().map(|e| &e.id).collect::<Vec<_>>()
        );

        let pool_a = DrawPool::from_experts(a.eligible.iter().copied()).expect("distinct");
        let pool_b = DrawPool::from_experts(b.eligible.iter().copied()).expect("distinct");
        let request = request(&slots);
        let first = draw(&pool_a, &request, &mut splitmix(seed));
        prop_assert_eq!(&first, &draw(&pool_b, &request, &mut splitmix(seed)));
        prop_assert_eq!(&first, &draw(&pool_a, &request, &mut splitmix(seed)));
    }
}

/// Pearson's chi-square of observed counts against equal expected counts.
fn chi_square(counts: &[u64]) -> f64 {
    let total: u64 = counts.iter().sum();
    let expected = total as f64 / counts.len() as f64;
    counts.iter().map(|&c| (c as f64 - expected).powi(2) / expected).sum()
}

/// The test's power comes from the range: with `n = 3·2^62`, `2^64 mod n = 2^62`, so a quarter of
/// all u64 values lie above the last whole copy of `0..n`. Plain `v mod n` folds them onto the
/// first third of the range, which then gets 1/2 of the draws instead of 1/3; rejection sampling
/// skips them. Counting which third each index falls in separates the two by a wide margin, and the
/// stream is a fixed SplitMix64 sequence, so the outcome is the same on every run.
#[test]
fn index_selection_is_unbiased_where_plain_modulo_is_not() {
    const SAMPLES: usize = 30_000;
    // Chi-square with 2 degrees of freedom at p = 0.001.
    const CRITICAL_DF2: f64 = 13.82;
    let n: u64 = 3 << 62;
    let third = n / 3;

    let mut stream = splitmix(2026);
    let mut unbiased = [0u64; 3];
    for _ in 0..SAMPLES {
        let index = uniform_index(n, &mut stream).expect("a working stream");
        unbiased[usize::try_from(index / third).expect("0..3")] += 1;
    }
    let mut biased = [0u64; 3];
    for value in splitmix(2026).take(SAMPLES) {
        biased[usize::try_from((value % n) / third).expect("0..3")] += 1;
    }
    assert!(chi_square(&unbiased) < CRITICAL_DF2, "rejection sampling looks biased: {unbiased:?}");
    assert!(chi_square(&biased) > 100.0 * CRITICAL_DF2, "the test cannot tell plain modulo apart: {biased:?}");
    let first_share = biased[0] as f64 / SAMPLES as f64;
    assert!((first_share - 0.5).abs() < 0.02, "plain modulo gives the first third half the draws: {first_share}");
}

/// The same check on a small, pool-sized range: every index of `0..7` about equally often.
#[test]
fn small_ranges_are_uniform_too() {
    // Chi-square with 6 degrees of freedom at p = 0.001.
    const CRITICAL_DF6: f64 = 22.46;
    let mut stream = splitmix(11);
    let mut counts = [0u64; 7];
    for _ in 0..70_000 {
        counts[usize::try_from(uniform_index(7, &mut stream).expect("working stream")).expect("0..7")] += 1;
    }
    assert!(chi_square(&counts) < CRITICAL_DF6, "{counts:?}");
}

/// The whole draw, not just the index: 100,000 draws of one member from the same pool of ten, each
/// from its own stream, pick every expert about equally often (chi-square at the 1% level).
#[test]
fn whole_draws_pick_every_expert_of_a_pool_equally_often() {
    // Chi-square with 9 degrees of freedom at p = 0.01.
    const CRITICAL_DF9: f64 = 21.67;
    let entries = (0..10)
        .map(|i| ggzy_domain::expert::PoolEntry {
            id: ggzy_domain::expert::ExpertId::parse(&format!("E{i:02}")).expect("id"),
            region: region("330106"),
            specialties: vec![specialty("A0101")],
        })
        .collect();
    let pool = DrawPool::new(entries).expect("pool");
    let request = DrawRequest {
        slots: vec![DrawSlot { specialty: specialty("A01"), regions: RegionScope::anywhere(), count: 1, reserves: 0 }],
    };
    let mut counts = [0u64; 10];
    for seed in 0..100_000u64 {
        let made = draw(&pool, &request, &mut splitmix(seed.wrapping_mul(0x2545_F491_4F6C_DD1D))).expect("draw");
        let id = made.picks[0].expert.as_str();
        counts[id[1..].parse::<usize>().expect("index")] += 1;
    }
    assert!(chi_square(&counts) < CRITICAL_DF9, "{counts:?}");
}

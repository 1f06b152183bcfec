//! The draw: the worked example of `docs/draw.md`, determinism, counts, no repeats, errors and
//! replacements that continue the stream.

mod expert_fixtures;

use std::collections::BTreeSet;

use expert_fixtures::*;
use ggzy_domain::expert::{
    Draw, DrawError, DrawPool, DrawRequest, DrawSlot, DrawVerifyError, Pick, PickRole, PoolEntry, RegionScope, draw,
    verify_draw,
};

const DOC: &str = include_str!("../../../docs/draw.md");

/// The first values of the stream of the golden vector in `crates/crypto/tests/draw_seed.rs`
/// (tender `T-2026-0001`, lot `L01`, secret 00..1f, the example tree head). Copied, not computed:
/// the domain crate does not depend on the crypto crate.
const VALUES: [u64; 8] = [
    15771339130513313020,
    11112097236184661603,
    3357745797972179503,
    17932370651040805812,
    385036425697241771,
    14487325926449132235,
    1165995915018878401,
    4724941930505153634,
];

fn entry(id_text: &str, region_code: &str, specialties: &[&str]) -> PoolEntry {
    PoolEntry {
        id: id(id_text),
        region: region(region_code),
        specialties: specialties.iter().map(|s| specialty(s)).collect(),
    }
}

/// The pool of the worked example, listed out of order on purpose.
fn example_pool() -> DrawPool {
    DrawPool::new(vec![
        entry("E013", "330110", &["A0101", "A0102"]),
        entry("E001", "330106", &["A0101"]),
        entry("E002", "330106", &["A0101", "C0102"]),
        entry("E003", "330203", &["A0102"]),
        entry("E004", "330203", &["A0101"]),
        entry("E005", "330106", &["C0102"]),
        entry("E006", "330302", &["C0102"]),
        entry("E007", "310101", &["A0101"]),
        entry("E008", "330302", &["A0101", "C0102"]),
        entry("E009", "320102", &["C0102"]),
        entry("E010", "330106", &["A01"]),
        entry("E011", "330402", &["C0101", "C0102"]),
        entry("E012", "340104", &["C0103"]),
    ])
    .expect("distinct ids")
}

/// Two 工程造价咨询 experts from outside Hangzhou (remote), three 建筑工程施工 experts from
/// Zhejiang plus one reserve.
fn example_request() -> DrawRequest {
    DrawRequest {
        slots: vec![
            DrawSlot {
                specialty: specialty("C0102"),
                regions: RegionScope::outside(vec![region("330100")]),
                count: 2,
                reserves: 0,
            },
            DrawSlot {
                specialty: specialty("A0101"),
                regions: RegionScope::within(vec![region("330000")]),
                count: 3,
                reserves: 1,
            },
        ],
    }
}

fn pick(slot: usize, role: PickRole, expert: &str, candidates: u64, index: u64, stream_position: u64) -> Pick {
    Pick { slot, role, expert: id(expert), candidates, index, stream_position }
}

fn example_picks() -> Vec<Pick> {
    vec![
        pick(1, PickRole::Member, "E001", 5, 0, 0),
        pick(1, PickRole::Member, "E013", 4, 3, 1),
        pick(1, PickRole::Member, "E004", 3, 1, 2),
        pick(0, PickRole::Member, "E006", 4, 0, 3),
        pick(0, PickRole::Member, "E011", 3, 2, 4),
        pick(1, PickRole::Reserve, "E008", 2, 1, 5),
        pick(0, PickRole::Replacement, "E009", 1, 0, 6),
    ]
}

#[test]
fn the_worked_example() {
    let pool = example_pool();
    let request = example_request();
    let mut stream = VALUES.into_iter();
    let mut result = draw(&pool, &request, &mut stream).expect("enough experts");
    assert_eq!(result.values_used, 6);
    // E006 declines: the replacement continues the same stream at value 6.
    let replacement = result.replace(&pool, &request, 0, &mut stream).expect("one candidate left");
    assert_eq!(replacement, pick(0, PickRole::Replacement, "E009", 1, 0, 6));
    assert_eq!(result.picks, example_picks());
    assert_eq!(result.values_used, 7);
}

#[test]
fn the_worked_example_in_the_docs_matches() {
    for line in [
        "| 1 | 0 | 1 (A0101) | member | 5 | 15771339130513313020 | 0 | E001 |",
        "| 2 | 1 | 1 (A0101) | member | 4 | 11112097236184661603 | 3 | E013 |",
        "| 3 | 2 | 1 (A0101) | member | 3 | 3357745797972179503 | 1 | E004 |",
        "| 4 | 3 | 0 (C0102) | member | 4 | 17932370651040805812 | 0 | E006 |",
        "| 5 | 4 | 0 (C0102) | member | 3 | 385036425697241771 | 2 | E011 |",
        "| 6 | 5 | 1 (A0101) | reserve | 2 | 14487325926449132235 | 1 | E008 |",
        "| 7 | 6 | 0 (C0102) | replacement | 1 | 1165995915018878401 | 0 | E009 |",
    ] {
        assert!(DOC.contains(line), "docs/draw.md must contain the row {line}");
    }
    // The indices in the table are the values mod n (no value was rejected in this example).
    for (pick, value) in example_picks().iter().zip(VALUES) {
        assert_eq!(value % pick.candidates, pick.index);
    }
}

#[test]
fn verify_accepts_the_published_draw_and_names_the_first_difference() {
    let pool = example_pool();
    let request = example_request();
    let published = example_picks();
    let recomputed = verify_draw(&pool, &request, &[0], &mut VALUES.into_iter(), &published).expect("matches");
    assert_eq!(recomputed.picks, published);

    let mut forged = published.clone();
    forged[3].expert = id("E008");
    let err = verify_draw(&pool, &request, &[0], &mut VALUES.into_iter(), &forged).expect_err("forged");
    assert_eq!(
        err,
        DrawVerifyError::Mismatch { position: 3, recomputed: Some(id("E006")), published: Some(id("E008")) }
    );
    assert_eq!(err.code(), "draw_verify_mismatch");
    assert_eq!(err.to_string(), "第4次抽取与按公开数据重算的结果不一致：重算为 E006，公布为 E008");

    // A replacement left out of the published record is a difference too.
    let err = verify_draw(&pool, &request, &[0], &mut VALUES.into_iter(), &published[..6]).expect_err("short");
    assert_eq!(err, DrawVerifyError::Mismatch { position: 6, recomputed: Some(id("E009")), published: None });
    // A pool with one expert removed gives another draw.
    let smaller =
        DrawPool::new(pool.entries().iter().filter(|e| e.id.as_str() != "E013").cloned().collect()).expect("distinct");
    assert!(verify_draw(&smaller, &request, &[0], &mut VALUES.into_iter(), &published).is_err());
}

/// A deterministic, well-mixed stream for tests that need more values than the example has.
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

/// 60 experts over three specialties and two provinces.
fn large_pool() -> DrawPool {
    let specialties = ["A0101", "A0201", "C0102"];
    let regions = ["330106", "330203", "320102"];
    DrawPool::new(
        (0..60)
            .map(|i| entry(&format!("X{i:03}"), regions[i % 3], &[specialties[i % 3], specialties[(i / 3) % 3]]))
            .collect(),
    )
    .expect("distinct")
}

fn large_request() -> DrawRequest {
    let slot = |code: &str, count, reserves| DrawSlot {
        specialty: specialty(code),
        regions: RegionScope::anywhere(),
        count,
        reserves,
    };
    DrawRequest { slots: vec![slot("C0102", 2, 1), slot("A0101", 4, 2), slot("A02", 3, 0)] }
}

#[test]
fn the_draw_is_deterministic_and_honours_every_slot() {
    let pool = large_pool();
    let request = large_request();
    let first = draw(&pool, &request, &mut splitmix(7)).expect("enough");
    let second = draw(&pool, &request, &mut splitmix(7)).expect("enough");
    assert_eq!(first, second);
    assert_ne!(first.picks, draw(&pool, &request, &mut splitmix(8)).expect("enough").picks);

    let ids: BTreeSet<_> = first.picks.iter().map(|p| p.expert.clone()).collect();
    assert_eq!(ids.len(), first.picks.len(), "no expert twice");
    for (slot, line) in request.slots.iter().enumerate() {
        let members = first.with_role(PickRole::Member).filter(|p| p.slot == slot).count();
        let reserves = first.with_role(PickRole::Reserve).filter(|p| p.slot == slot).count();
        assert_eq!((members, reserves), (usize::from(line.count), usize::from(line.reserves)), "slot {slot}");
    }
    for p in &first.picks {
        let entry = pool.entries().iter().find(|e| e.id == p.expert).expect("drawn from the pool");
        let line = &request.slots[p.slot];
        assert!(entry.specialties.iter().any(|s| s.is_within(&line.specialty)), "{p:?}");
        assert!(line.regions.admits(&entry.region), "{p:?}");
    }
    // Members of every slot come before any reserve, slots in specialty order (A0101, A02, C0102).
    let slots: Vec<usize> = first.picks.iter().map(|p| p.slot).collect();
    assert_eq!(slots, [1, 1, 1, 1, 2, 2, 2, 0, 0, 1, 1, 0]);
}

#[test]
fn listing_slots_in_another_order_changes_nothing_but_their_indices() {
    let pool = large_pool();
    let request = large_request();
    let mut reversed = request.clone();
    reversed.slots.reverse();
    let a = draw(&pool, &request, &mut splitmix(3)).expect("enough");
    let b = draw(&pool, &reversed, &mut splitmix(3)).expect("enough");
    let experts = |d: &Draw| d.picks.iter().map(|p| p.expert.clone()).collect::<Vec<_>>();
    assert_eq!(experts(&a), experts(&b));
}

#[test]
fn a_pool_too_small_is_reported_before_any_value_is_used() {
    let pool = example_pool();
    let mut request = example_request();
    request.slots[0].count = 4;
    request.slots[0].reserves = 1;
    let mut stream = VALUES.into_iter();
    let err = draw(&pool, &request, &mut stream).expect_err("4 candidates for 5");
    assert_eq!(err, DrawError::PoolTooSmall { slot: 0, specialty: specialty("C0102"), needed: 5, eligible: 4 });
    assert_eq!(err.code(), "draw_pool_too_small");
    assert!(
        err.to_string().starts_with("专业 C0102（第1个抽取专业）还需抽取5人，但符合条件且未被抽中的专家只有4人"),
        "{err}"
    );
    assert_eq!(stream.next(), Some(VALUES[0]), "nothing consumed");
}

#[test]
fn slots_that_share_experts_can_run_dry_during_the_draw() {
    // E002 and E008 are the only experts in both A0101 and C0102 within reach; each slot alone
    // fits, together they do not.
    let pool =
        DrawPool::new(vec![entry("E002", "330106", &["A0101", "C0102"]), entry("E008", "330302", &["A0101", "C0102"])])
            .expect("distinct");
    let slot =
        |code: &str| DrawSlot { specialty: specialty(code), regions: RegionScope::anywhere(), count: 2, reserves: 0 };
    let request = DrawRequest { slots: vec![slot("A0101"), slot("C0102")] };
    let err = draw(&pool, &request, &mut VALUES.into_iter()).expect_err("shared experts");
    assert_eq!(err, DrawError::PoolTooSmall { slot: 1, specialty: specialty("C0102"), needed: 2, eligible: 0 });
}

#[test]
fn replacements_continue_the_stream_and_never_repeat_anyone() {
    let pool = large_pool();
    let request = large_request();
    let mut stream = splitmix(11);
    let mut result = draw(&pool, &request, &mut stream).expect("enough");
    let before = result.drawn();
    let used = result.values_used;
    let first = result.replace(&pool, &request, 1, &mut stream).expect("candidates left");
    assert!(!before.contains(&first.expert));
    assert_eq!(first.stream_position, used);
    assert_eq!(first.role, PickRole::Replacement);

    // Resuming from the published position gives the same replacement.
    let mut again = draw(&pool, &request, &mut splitmix(11)).expect("enough");
    let mut resumed = splitmix(11).skip(usize::try_from(again.values_used).expect("small"));
    assert_eq!(again.replace(&pool, &request, 1, &mut resumed).expect("left"), first);

    // Keep replacing until the slot runs dry: every expert at most once, then an error.
    let mut seen = result.drawn();
    loop {
        match result.replace(&pool, &request, 0, &mut stream) {
            Ok(p) => assert!(seen.insert(p.expert.clone()), "{p:?} drawn twice"),
            Err(err) => {
                assert_eq!(err.code(), "draw_pool_too_small");
                break;
            }
        }
    }
    assert_eq!(result.replace(&pool, &request, 9, &mut stream).map_err(|e| e.code()), Err("draw_slot_unknown"));
}

#[test]
fn malformed_requests_and_pools() {
    let pool = example_pool();
    let empty = DrawRequest { slots: Vec::new() };
    assert_eq!(draw(&pool, &empty, &mut VALUES.into_iter()).map_err(|e| e.code()), Err("draw_request_empty"));
    let mut zero = example_request();
    zero.slots[1].count = 0;
    assert_eq!(draw(&pool, &zero, &mut VALUES.into_iter()).map_err(|e| e.code()), Err("draw_slot_count_zero"));
    let mut huge = example_request();
    huge.slots[1].count = 300;
    assert_eq!(draw(&pool, &huge, &mut VALUES.into_iter()).map_err(|e| e.code()), Err("draw_request_too_large"));
    let twice = DrawPool::new(vec![entry("E001", "330106", &["A0101"]), entry("E001", "330106", &["A0102"])]);
    assert_eq!(twice.map_err(|e| e.code()), Err("draw_pool_duplicate_expert"));
    // A stream that ends is an error, not a panic.
    assert_eq!(draw(&pool, &example_request(), &mut VALUES[..3].iter().copied()), Err(DrawError::StreamExhausted));
}

#[test]
fn the_pool_comes_from_the_screen() {
    let experts = vec![
        expert(2, EMPLOYERS[0], &["A0101"], "330106"),
        expert(1, BIDDER_A, &["A0101"], "330106"),
        expert(3, EMPLOYERS[1], &["A0101"], "330203"),
    ];
    let screening = ggzy_domain::expert::screen(&experts, &context());
    let pool = DrawPool::from_experts(screening.eligible.iter().copied()).expect("distinct");
    let ids: Vec<&str> = pool.entries().iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["E0002", "E0003"]);
}

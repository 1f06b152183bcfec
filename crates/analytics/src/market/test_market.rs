//! Hand-made markets for the market screens: for each screen one that must be flagged and a
//! look-alike (same region, category and volume) that must not.

use ggzy_domain::Fen;

use super::*;
use crate::collusion::LotBid;

const FLAG: f64 = 0.3;
const SPREAD: [i64; 5] = [0, 370_000, 910_000, 1_330_000, 2_050_000];

/// One lot of cell 杭州 × 房建: bidders with their price (fen); the first listed wins.
fn lot(id: usize, bidders: &[&str]) -> MarketLot {
    let bids = bidders
        .iter()
        .enumerate()
        .map(|(i, b)| MarketBid {
            bid: LotBid {
                bidder: (*b).to_owned(),
                // Uneven gaps of several percent: no price pattern unless a test sets one.
                price: Some(Fen(10_000_000 + SPREAD.get(i).copied().unwrap_or(2_900_000))),
                ..LotBid::default()
            },
            winner: i == 0,
        })
        .collect();
    MarketLot { id: format!("L{id:03}"), region: "杭州".to_owned(), category: "房建".to_owned(), year: 2024, bids }
}

fn score(scores: &[FirmScore], firm: &str) -> f64 {
    scores.iter().find(|s| s.firm == firm).map_or(0.0, |s| s.score)
}

fn outsider(i: usize) -> String {
    format!("X{i:03}")
}

#[test]
fn a_cover_bidder_losing_to_one_leader_is_flagged_a_weak_honest_loser_is_not() {
    let mut lots = Vec::new();
    // C covers for L on ten lots; W loses ten lots to ten different winners.
    for i in 0..10 {
        lots.push(lot(i, &["L", "C", &outsider(i)]));
        lots.push(lot(100 + i, &[&outsider(50 + i), "W", &outsider(i)]));
    }
    // S is strong everywhere: it wins 18 of 20 lots without T, and 9 of 10 against T.
    for i in 0..20 {
        let (a, b) = (outsider(200 + i), outsider(300 + i));
        let order = if i < 18 { ["S", &a, &b] } else { [&a, "S", &b] };
        lots.push(lot(200 + i, &order));
    }
    for i in 0..10 {
        let o = outsider(400 + i);
        let order = if i < 9 { ["S", "T", &o] } else { [&o, "T", "S"] };
        lots.push(lot(300 + i, &order));
    }
    let scores = cover_bidders(&lots, &MarketSettings::default());
    assert!(score(&scores, "C") >= FLAG, "{scores:?}");
    assert!(score(&scores, "W") < FLAG, "{scores:?}");
    assert!(score(&scores, "T") < FLAG, "{scores:?}");
    let c = scores.iter().find(|s| s.firm == "C").map(|s| s.evidence.clone()).unwrap_or_default();
    assert!(c.iter().any(|e| e.what == "lost_to_top_winners" && e.value.starts_with("L×10")), "{c:?}");
    assert_eq!(MarketRule::CoverBidder.article(), "招标投标法实施条例 第三十九条第（二）项、第（三）项");
}

#[test]
fn a_firm_winning_every_bid_is_a_serial_winner_one_winning_at_chance_is_not() {
    let mut lots = Vec::new();
    for i in 0..10 {
        let (a, b, c) = (outsider(i), outsider(20 + i), outsider(40 + i));
        lots.push(lot(i, &["K", &a, &b, &c]));
        // H wins 3 of 10 against 3 others: 2.5 at equal chance.
        let order = if i < 3 { ["H", &a, &b, &c] } else { [&a, "H", &b, &c] };
        lots.push(lot(100 + i, &order));
    }
    let scores = serial_winners(&lots, &MarketSettings::default());
    assert!(score(&scores, "K") >= FLAG, "{scores:?}");
    assert!(score(&scores, "H") < FLAG, "{scores:?}");
}

#[test]
fn a_group_taking_turns_is_a_rotation_a_group_winning_at_chance_is_not() {
    let mut lots = Vec::new();
    let ring = ["A", "B", "C"];
    let honest = ["D", "E", "F"];
    for i in 0..12 {
        let (x, y) = (outsider(i), outsider(50 + i));
        let w = ring[i % 3];
        let others: Vec<&str> = ring.iter().copied().filter(|r| *r != w).collect();
        lots.push(lot(i, &[w, others[0], others[1], &x, &y]));
        // D, E, F also always meet, but win 7 of 12 (7.2 at chance), in turns too.
        let w = honest[i % 3];
        let others: Vec<&str> = honest.iter().copied().filter(|r| *r != w).collect();
        if i < 7 {
            lots.push(lot(100 + i, &[w, others[0], others[1], &x, &y]));
        } else {
            lots.push(lot(100 + i, &[&x, w, others[0], others[1], &y]));
        }
    }
    let scores = rotations(&lots, &MarketSettings::default());
    for firm in ring {
        assert!(score(&scores, firm) >= FLAG, "{firm}: {scores:?}");
    }
    for firm in honest {
        assert!(score(&scores, firm) < FLAG, "{firm}: {scores:?}");
    }
}

#[test]
fn firms_always_bidding_together_form_a_ring_busy_firms_meeting_by_chance_do_not() {
    let mut lots = Vec::new();
    // 40 lots; R1–R3 bid together on 10; B1, B2 bid on 30 each, meeting on 20 (22.5 by chance).
    for i in 0..40 {
        let mut bidders = vec![outsider(i)];
        if i < 10 {
            bidders.extend(["R1", "R2", "R3"].map(str::to_owned));
        }
        if i < 30 {
            bidders.push("B1".to_owned());
        }
        if i >= 10 {
            bidders.push("B2".to_owned());
        }
        let names: Vec<&str> = bidders.iter().map(String::as_str).collect();
        lots.push(lot(i, &names));
    }
    let scores = co_bidding_rings(&lots, &MarketSettings::default());
    for firm in ["R1", "R2", "R3"] {
        assert!(score(&scores, firm) >= FLAG, "{firm}: {scores:?}");
    }
    assert!(score(&scores, "B1") < FLAG, "{scores:?}");
    assert!(score(&scores, "B2") < FLAG, "{scores:?}");
    let r1 = scores.iter().find(|s| s.firm == "R1").map(|s| s.evidence.clone()).unwrap_or_default();
    assert!(r1.iter().any(|e| e.what == "community" && e.value == "R1, R2, R3"), "{r1:?}");
}

#[test]
fn a_machine_shared_lot_after_lot_is_flagged_an_agency_address_shared_once_is_not() {
    let mut lots = Vec::new();
    for i in 0..6 {
        let mut a = lot(i, &["P1", "P2", &outsider(i)]);
        if i < 5 {
            a.bids[0].bid.machine_id_hash = "m1".to_owned();
            a.bids[1].bid.machine_id_hash = "m1".to_owned();
        }
        let mut b = lot(100 + i, &["H1", "H2", &outsider(i)]);
        if i == 0 {
            b.bids[0].bid.client_ip = "10.1.1.1".to_owned();
            b.bids[1].bid.client_ip = "10.1.1.1".to_owned();
        }
        lots.extend([a, b]);
    }
    let scores = shared_traces(&lots, &MarketSettings::default());
    assert!(score(&scores, "P1") >= FLAG && score(&scores, "P2") >= FLAG, "{scores:?}");
    assert!(score(&scores, "H1") < FLAG && score(&scores, "H2") < FLAG, "{scores:?}");
}

#[test]
fn one_owner_behind_two_bids_is_flagged_sister_firms_never_meeting_are_not() {
    let mut lots = Vec::new();
    for i in 0..6 {
        let mut a = lot(i, &["O1", "O2", &outsider(i)]);
        a.bids[0].bid.legal_representative = "owner-1".to_owned();
        a.bids[1].bid.legal_representative = "owner-1".to_owned();
        // S1 and S2 share an owner too, but never bid on the same lot.
        let mut b = lot(100 + i, &[if i % 2 == 0 { "S1" } else { "S2" }, &outsider(i)]);
        b.bids[0].bid.legal_representative = "owner-2".to_owned();
        lots.extend([a, b]);
    }
    let scores = common_owners(&lots, &MarketSettings::default());
    assert!(score(&scores, "O1") >= FLAG, "{scores:?}");
    assert!(score(&scores, "S1") < FLAG && score(&scores, "S2") < FLAG, "{scores:?}");
}

#[test]
fn equal_gaps_lot_after_lot_are_flagged_one_close_pair_is_not() {
    let mut lots = Vec::new();
    for i in 0..6 {
        // G1–G3 bid 1% apart, exactly, every time; E1 and E2 come within 0.1% once.
        let mut a = lot(i, &["G1", "G2", "G3", &outsider(i)]);
        for (k, bid) in a.bids.iter_mut().take(3).enumerate() {
            bid.bid.price = Some(Fen(9_000_000 + 90_000 * i64::try_from(k).unwrap_or(0)));
        }
        let mut b = lot(100 + i, &["E1", "E2", &outsider(i)]);
        if i == 0 {
            b.bids[1].bid.price = Some(Fen(10_010_000));
        }
        lots.extend([a, b]);
    }
    let scores = price_patterns(&lots, &MarketSettings::default());
    for firm in ["G1", "G2", "G3"] {
        assert!(score(&scores, firm) >= FLAG, "{firm}: {scores:?}");
    }
    assert!(score(&scores, "E1") < FLAG && score(&scores, "E2") < FLAG, "{scores:?}");
}

#[test]
fn screen_market_is_sorted_and_keeps_only_scores_above_the_minimum() {
    let lots: Vec<MarketLot> = (0..10).map(|i| lot(i, &["K", &outsider(i), &outsider(20 + i)])).collect();
    let settings = MarketSettings::default();
    let scores = screen_market(&lots, &settings);
    assert!(scores.iter().all(|s| s.score >= settings.min_score && s.score <= 1.0));
    assert!(scores.windows(2).all(|w| w[0].rule <= w[1].rule));
    assert!(scores.iter().any(|s| s.firm == "K" && s.rule == MarketRule::SerialWinner));
    assert_eq!(screen_market(&lots, &settings), scores, "deterministic");
}

//! The sale procedure over the live-bidding core: a listing closed into live bidding, a land
//! auction with too few bidders, a property transfer repriced under the 90% rule; and, whatever
//! happens, the winner is the highest accepted bid at or above the reserve and no bid is accepted
//! at or after the end.

use ggzy_domain::Fen;
use ggzy_domain::auction::AuctionRefusal;
use ggzy_domain::sale::{
    NoSale, Sale, SaleEvent, SaleKind, SaleOutcome, SalePhase, SaleRefusal, SaleTerms, TenderMethod,
};
use proptest::prelude::*;

const MIN: i64 = 60_000;
const WAN: i64 = 1_000_000; // 1万元 in fen

fn terms(kind: SaleKind) -> SaleTerms {
    SaleTerms {
        kind,
        start_price: Fen(1_000 * WAN),
        increment: Fen(10 * WAN),
        deposit: Fen(200 * WAN),
        appraisal: (kind == SaleKind::PropertyTransfer).then_some(Fen(1_000 * WAN)),
        reserve_sealed: kind != SaleKind::PropertyTransfer,
        applications_close_ms: 50 * MIN,
        starts_at_ms: 60 * MIN,
        ends_at_ms: 120 * MIN,
        countdown_ms: (kind == SaleKind::PropertyTransfer).then_some(5 * MIN),
    }
}

fn step(sale: &mut Sale, decide: impl FnOnce(&Sale) -> Result<SaleEvent, SaleRefusal>) {
    let event = decide(sale).expect("decided");
    sale.apply(&event);
}

fn admit(sale: &mut Sale, bidders: &[(&str, u32)]) {
    for (bidder, paddle) in bidders {
        step(sale, |s| s.decide_apply(bidder, 10 * MIN));
        step(sale, |s| s.decide_admit(bidder, *paddle, Fen(200 * WAN), 55 * MIN));
    }
}

#[test]
fn a_listing_with_two_bidders_going_on_ends_in_live_bidding() {
    let mut sale = Sale::announce(terms(SaleKind::LandListing), 0, 3).expect("terms");
    assert_eq!(sale.decide_bid("A", Fen(1_000 * WAN), 10 * MIN), Err(SaleRefusal::NotAdmitted));
    admit(&mut sale, &[("A", 17), ("B", 42), ("C", 8)]);
    assert_eq!(
        sale.decide_admit("D", 9, Fen(200 * WAN), 56 * MIN),
        Err(SaleRefusal::NotApplied),
        "no application, no admission"
    );
    assert_eq!(sale.decide_apply("D", 50 * MIN), Err(SaleRefusal::ApplicationsClosed));
    step(&mut sale, |s| s.decide_bid("A", Fen(1_000 * WAN), 61 * MIN));
    step(&mut sale, |s| s.decide_bid("B", Fen(1_020 * WAN), 90 * MIN));
    assert_eq!(sale.phase(120 * MIN), SalePhase::ListingOver);
    assert!(matches!(
        sale.decide_bid("A", Fen(1_100 * WAN), 120 * MIN),
        Err(SaleRefusal::Auction(AuctionRefusal::Ended { .. }))
    ));
    // 17 and 42 go on; 8 does not (and a paddle nobody holds is refused).
    assert_eq!(
        sale.decide_close_listing(&[17, 99], 121 * MIN, 151 * MIN, 5 * MIN),
        Err(SaleRefusal::UnknownPaddle(99))
    );
    step(&mut sale, |s| s.decide_close_listing(&[42, 17], 121 * MIN, 151 * MIN, 5 * MIN));
    assert_eq!(sale.phase(122 * MIN), SalePhase::Bidding);
    assert_eq!(sale.decide_bid("C", Fen(1_100 * WAN), 122 * MIN), Err(SaleRefusal::NotInLiveBidding));
    step(&mut sale, |s| s.decide_bid("A", Fen(1_030 * WAN), 149 * MIN));
    assert_eq!(sale.auction().ends_at_ms(), 154 * MIN, "a bid in the countdown moves the end");
    assert_eq!(sale.phase(154 * MIN), SalePhase::AwaitingReserve);
    assert_eq!(sale.outcome(154 * MIN), None, "the reserve is not known yet");
    step(&mut sale, |s| s.decide_reveal_reserve(Fen(1_025 * WAN), 155 * MIN));
    let outcome = sale.outcome(155 * MIN).expect("decided");
    assert_eq!(outcome.winner(), Some((17, Fen(1_030 * WAN))));
    assert_eq!(sale.decide_refund("A", 156 * MIN), Err(SaleRefusal::WinnerDeposit));
    step(&mut sale, |s| s.decide_refund("B", 156 * MIN));
    assert_eq!(sale.decide_refund("B", 157 * MIN), Err(SaleRefusal::AlreadyRefunded));
    step(&mut sale, |s| s.decide_confirm(158 * MIN));
    assert_eq!(sale.phase(158 * MIN), SalePhase::Confirmed);
    // The deposit (200万) becomes part of the price (1030万); payments follow the contract.
    assert_eq!(sale.paid(), Fen(200 * WAN));
    assert_eq!(sale.decide_payment(Fen(830 * WAN), 159 * MIN), Err(SaleRefusal::NoContract));
    step(&mut sale, |s| s.decide_sign_contract(160 * MIN));
    assert_eq!(sale.decide_sign_contract(161 * MIN), Err(SaleRefusal::ContractAlreadySigned));
    assert_eq!(
        sale.decide_payment(Fen(830 * WAN + 1), 161 * MIN),
        Err(SaleRefusal::PaymentOutOfRange { owed: Fen(830 * WAN) })
    );
    step(&mut sale, |s| s.decide_payment(Fen(830 * WAN), 161 * MIN));
    assert_eq!(sale.paid(), Fen(1_030 * WAN));
}

#[test]
fn a_listing_with_one_bidder_going_on_ends_on_its_standing_bid_below_the_reserve() {
    let mut sale = Sale::announce(terms(SaleKind::LandListing), 0, 3).expect("terms");
    admit(&mut sale, &[("A", 1), ("B", 2)]);
    step(&mut sale, |s| s.decide_bid("A", Fen(1_000 * WAN), 61 * MIN));
    step(&mut sale, |s| s.decide_close_listing(&[1], 121 * MIN, 151 * MIN, 5 * MIN));
    step(&mut sale, |s| s.decide_reveal_reserve(Fen(1_025 * WAN), 122 * MIN));
    assert_eq!(sale.outcome(122 * MIN), Some(SaleOutcome::Unsold(NoSale::BelowReserve { highest: Fen(1_000 * WAN) })));
    assert_eq!(sale.decide_confirm(123 * MIN), Err(SaleRefusal::NotSold));
}

#[test]
fn a_land_auction_with_two_bidders_cannot_be_held() {
    let mut sale = Sale::announce(terms(SaleKind::LandAuction), 0, 3).expect("terms");
    admit(&mut sale, &[("A", 1), ("B", 2)]);
    assert_eq!(
        sale.decide_bid("A", Fen(1_000 * WAN), 61 * MIN),
        Err(SaleRefusal::TooFewBidders {
            admitted: 2,
            needed: 3,
            article: "招标拍卖挂牌出让国有建设用地使用权规定 第十五条"
        })
    );
    assert_eq!(sale.phase(60 * MIN), SalePhase::Decided);
    assert_eq!(sale.outcome(60 * MIN), Some(SaleOutcome::Unsold(NoSale::TooFewBidders { admitted: 2, needed: 3 })));
}

#[test]
fn a_mining_auction_needs_the_rulesets_minimum_and_names_its_source() {
    let mut sale = Sale::announce(terms(SaleKind::MiningAuction), 0, 3).expect("terms");
    admit(&mut sale, &[("A", 1), ("B", 2)]);
    let refused = sale.decide_bid("A", Fen(1_000 * WAN), 61 * MIN).expect_err("two bidders");
    assert_eq!(refused.code(), "too_few_bidders");
    assert!(refused.to_string().contains("矿产资源法 第十七条"), "{refused}");
    assert_eq!(sale.outcome(60 * MIN), Some(SaleOutcome::Unsold(NoSale::TooFewBidders { admitted: 2, needed: 3 })));
}

#[test]
fn a_mining_listing_ends_in_countdown_bidding_without_a_close_by_the_host() {
    let mut mining = terms(SaleKind::MiningListing);
    mining.countdown_ms = Some(5 * MIN);
    let mut sale = Sale::announce(mining, 0, 3).expect("terms");
    admit(&mut sale, &[("A", 1), ("B", 2)]);
    step(&mut sale, |s| s.decide_bid("A", Fen(1_000 * WAN), 61 * MIN));
    step(&mut sale, |s| s.decide_bid("B", Fen(1_010 * WAN), 118 * MIN));
    assert_eq!(sale.auction().ends_at_ms(), 123 * MIN, "free bidding, then the countdown extends the end");
    assert!(sale.decide_close_listing(&[1, 2], 124 * MIN, 150 * MIN, MIN).is_err(), "no live bidding for mining");
    assert_eq!(sale.phase(123 * MIN), SalePhase::AwaitingReserve);
    step(&mut sale, |s| s.decide_reveal_reserve(Fen(1_000 * WAN), 124 * MIN));
    assert_eq!(sale.outcome(124 * MIN).and_then(|outcome| outcome.winner()), Some((2, Fen(1_010 * WAN))));
    step(&mut sale, |s| s.decide_confirm(125 * MIN));
    step(&mut sale, |s| s.decide_sign_contract(126 * MIN));
}

#[test]
fn a_property_transfer_without_buyers_is_repriced_below_ninety_percent_only_with_approval() {
    let mut sale = Sale::announce(terms(SaleKind::PropertyTransfer), 0, 3).expect("terms");
    let mut low = terms(SaleKind::PropertyTransfer);
    low.start_price = Fen(999 * WAN);
    assert_eq!(
        Sale::announce(low, 0, 3).map(|_| ()),
        Err(SaleRefusal::Terms(ggzy_domain::sale::SaleTermsError::BelowAppraisal))
    );
    assert_eq!(sale.outcome(60 * MIN), Some(SaleOutcome::Unsold(NoSale::NoBids)));
    let mut second = terms(SaleKind::PropertyTransfer);
    second.applications_close_ms = 200 * MIN;
    second.starts_at_ms = 210 * MIN;
    second.ends_at_ms = 240 * MIN;
    second.start_price = Fen(900 * WAN);
    // Exactly 90% needs no approval; one fen less does.
    assert!(sale.decide_reprice(second.clone(), 90, None, 61 * MIN, true).is_ok());
    second.start_price = Fen(900 * WAN - 1);
    assert_eq!(
        sale.decide_reprice(second.clone(), 90, None, 61 * MIN, true),
        Err(SaleRefusal::PriceCutNeedsApproval { price: Fen(900 * WAN - 1), floor: Fen(900 * WAN), percent: 90 })
    );
    assert_eq!(
        sale.decide_reprice(second.clone(), 90, Some("x"), 61 * MIN, false),
        Err(SaleRefusal::DisclosureExpired)
    );
    second.start_price = Fen(850 * WAN);
    step(&mut sale, |s| s.decide_reprice(second, 90, Some("国资产权〔2026〕12号"), 61 * MIN, true));
    assert_eq!(sale.round(), 2);
    assert_eq!(sale.phase(61 * MIN), SalePhase::Announced);
    // One buyer: it takes the asset at the listed price, without bidding.
    step(&mut sale, |s| s.decide_apply("A", 100 * MIN));
    step(&mut sale, |s| s.decide_admit("A", 5, Fen(200 * WAN), 205 * MIN));
    assert_eq!(sale.outcome(210 * MIN), Some(SaleOutcome::SoldToSoleBuyer { paddle: 5, price: Fen(850 * WAN) }));
}

/// One attempt in the property test.
#[derive(Clone, Debug)]
enum Attempt {
    Bid { bidder: usize, steps: i64, off_grid: i64 },
    Pause,
    Resume,
}

fn attempt() -> impl Strategy<Value = (u64, Attempt)> {
    let kind = prop_oneof![
        8 => (0usize..4, -2i64..40, 0i64..3).prop_map(|(bidder, steps, off_grid)| Attempt::Bid { bidder, steps, off_grid }),
        1 => Just(Attempt::Pause),
        1 => Just(Attempt::Resume),
    ];
    (0u64..300, kind)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Bidder 3 is never admitted; the others are. Whatever the attempts: no bid at or after the
    /// (moving) end is accepted, and the winner is the highest accepted bid iff it reaches the reserve.
    #[test]
    fn the_winner_is_the_highest_valid_bid_at_or_above_the_reserve(
        kind in prop_oneof![
            Just(SaleKind::LandAuction),
            Just(SaleKind::PropertyTransfer),
            Just(SaleKind::MiningAuction),
            Just(SaleKind::MiningListing),
        ],
        attempts in proptest::collection::vec(attempt(), 0..60),
        reserve_steps in 0i64..30,
    ) {
        let names = ["A", "B", "C", "D"];
        let mut sale = Sale::announce(terms(kind), 0, 3).expect("terms");
        admit(&mut sale, &[("A", 11), ("B", 12), ("C", 13)]);
        let mut now_ms = 60 * MIN;
        let mut accepted: Vec<Fen> = Vec::new();
        for (gap_s, attempt) in attempts {
            now_ms += i64::try_from(gap_s).unwrap_or(0) * 1000;
            let decided = match attempt {
                Attempt::Bid { bidder, steps, off_grid } => {
                    let price = Fen(1_000 * WAN + steps * 10 * WAN + off_grid);
                    let decided = sale.decide_bid(names[bidder], price, now_ms);
                    if decided.is_ok() {
                        prop_assert!(bidder < 3, "only admitted bidders bid");
                        prop_assert!(now_ms < sale.auction().ends_at_ms(), "no bid at or after the end");
                        accepted.push(price);
                    }
                    decided
                }
                Attempt::Pause => sale.decide_pause(now_ms, "系统故障"),
                Attempt::Resume => sale.decide_resume(now_ms),
            };
            if let Ok(event) = decided {
                sale.apply(&event);
            }
        }
        // End any pause and run out the clock.
        if let Ok(event) = sale.decide_resume(now_ms) {
            sale.apply(&event);
        }
        let end = sale.auction().ends_at_ms().max(now_ms);
        let reserve = Fen(1_000 * WAN + reserve_steps * 10 * WAN);
        if let Ok(event) = sale.decide_reveal_reserve(reserve, end) {
            sale.apply(&event);
        }
        let outcome = sale.outcome(end).expect("decided once over");
        let highest = accepted.iter().max().copied();
        match (kind, highest) {
            (_, None) => prop_assert_eq!(outcome.winner(), None),
            (kind, Some(highest)) if kind != SaleKind::PropertyTransfer && highest < reserve => {
                prop_assert_eq!(outcome.winner(), None)
            }
            (_, Some(highest)) => prop_assert_eq!(outcome.winner().map(|(_, price)| price), Some(highest)),
        }
    }
}

fn tender_terms(kind: SaleKind) -> SaleTerms {
    SaleTerms { increment: Fen(0), countdown_ms: None, reserve_sealed: false, ..terms(kind) }
}

fn seal(sale: &mut Sale, bidder: &str, salt: u8, at_ms: i64) {
    step(sale, |s| s.decide_sealed_bid(bidder, [salt; 32], at_ms));
}

#[test]
fn a_mining_tender_bid_may_be_replaced_before_the_deadline_and_two_bids_end_it() {
    let mut sale = Sale::announce(tender_terms(SaleKind::MiningTender), 0, 3).expect("terms");
    admit(&mut sale, &[("A", 1), ("B", 2), ("C", 3)]);
    assert!(matches!(sale.decide_sealed_bid("A", [1; 32], 59 * MIN), Err(SaleRefusal::TenderNotOpen { .. })));
    seal(&mut sale, "A", 1, 61 * MIN);
    seal(&mut sale, "A", 9, 62 * MIN); // 招标投标法 第二十九条: replaced, still one bid
    seal(&mut sale, "B", 2, 63 * MIN);
    assert_eq!(sale.tender().count(), 2);
    assert_eq!(sale.tender().bid_of(1).map(|bid| bid.commitment), Some([9; 32]));
    assert_eq!(
        sale.decide_sealed_bid("C", [3; 32], 120 * MIN),
        Err(SaleRefusal::TenderClosed { deadline_ms: 120 * MIN, now_ms: 120 * MIN })
    );
    assert_eq!(sale.phase(120 * MIN), SalePhase::Decided, "fewer than three bids: no opening (第二十八条)");
    assert_eq!(sale.outcome(120 * MIN), Some(SaleOutcome::Unsold(NoSale::TooFewBidders { admitted: 2, needed: 3 })));
}

#[test]
fn by_highest_price_the_earlier_of_two_equal_bids_wins_and_an_unopened_bid_is_invalid() {
    let mut sale = Sale::announce(tender_terms(SaleKind::LandTender), 0, 3).expect("terms");
    admit(&mut sale, &[("A", 1), ("B", 2), ("C", 3)]);
    seal(&mut sale, "B", 2, 61 * MIN);
    seal(&mut sale, "A", 1, 62 * MIN);
    seal(&mut sale, "C", 3, 63 * MIN);
    assert_eq!(sale.decide_sealed_bid("A", [7; 32], 64 * MIN), Err(SaleRefusal::SealedBidFinal));
    assert_eq!(sale.phase(120 * MIN), SalePhase::Opening);
    assert_eq!(sale.decide_open_bid("A", Fen(1_100 * WAN), [7; 32], 121 * MIN), Err(SaleRefusal::CommitmentMismatch));
    step(&mut sale, |s| s.decide_open_bid("A", Fen(1_100 * WAN), [1; 32], 121 * MIN));
    step(&mut sale, |s| s.decide_open_bid("B", Fen(1_100 * WAN), [2; 32], 121 * MIN));
    assert_eq!(sale.decide_open_bid("B", Fen(1_100 * WAN), [2; 32], 122 * MIN), Err(SaleRefusal::AlreadyOpened));
    let panel: Vec<String> = ["甲", "乙", "丙", "丁", "戊", "己"].iter().map(|name| (*name).to_owned()).collect();
    assert!(matches!(
        sale.decide_evaluation(&panel, TenderMethod::HighestPrice, &[], 5, 123 * MIN),
        Err(SaleRefusal::PanelSize { size: 6, min: 5, .. })
    ));
    assert!(matches!(
        sale.decide_evaluation(&panel[..5], TenderMethod::HighestPrice, &[(1, 9_000)], 5, 123 * MIN),
        Err(SaleRefusal::Scores { .. })
    ));
    step(&mut sale, |s| s.decide_evaluation(&panel[..5], TenderMethod::HighestPrice, &[], 5, 123 * MIN));
    let winner = sale.outcome(124 * MIN).and_then(|outcome| outcome.winner());
    assert_eq!(winner, Some((2, Fen(1_100 * WAN))), "B handed in first; C never opened");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// A tender by highest price: whatever the times, prices and openings, no sealed bid is taken
    /// at or after the deadline, and the winner is the highest opened bid at or above the start
    /// price and the reserve, the earlier one on a tie.
    #[test]
    fn a_tender_by_highest_price_takes_no_late_bid_and_the_best_opened_bid_wins(
        bids in proptest::collection::vec((0usize..4, 50i64..130, 0i64..6, any::<bool>()), 0..8),
        reserve_steps in 0i64..6,
    ) {
        let names = ["A", "B", "C", "D"];
        let sealed_reserve = SaleTerms { reserve_sealed: true, ..tender_terms(SaleKind::MiningTender) };
        let mut sale = Sale::announce(sealed_reserve, 0, 3).expect("terms");
        admit(&mut sale, &[("A", 1), ("B", 2), ("C", 3), ("D", 4)]);
        // Each bidder's latest sealed bid before the deadline: (price, time, opens).
        let mut held: Vec<Option<(Fen, i64, bool, usize)>> = vec![None; 4];
        let mut times: Vec<i64> = bids.iter().map(|(_, minute, _, _)| minute * MIN).collect();
        times.sort_unstable();
        for (seq, ((bidder, _, steps, opens), at_ms)) in bids.iter().zip(times).enumerate() {
            let price = Fen(990 * WAN + steps * 10 * WAN);
            let commitment = [u8::try_from(*steps).unwrap_or(0); 32];
            match sale.decide_sealed_bid(names[*bidder], commitment, at_ms) {
                Ok(event) => {
                    prop_assert!((60 * MIN..120 * MIN).contains(&at_ms), "taken at {at_ms}");
                    sale.apply(&event);
                    held[*bidder] = Some((price, at_ms, *opens, seq));
                }
                Err(_) => prop_assert!(!(60 * MIN..120 * MIN).contains(&at_ms), "refused in time at {at_ms}"),
            }
        }
        let count = held.iter().flatten().count();
        if count < 3 {
            prop_assert_eq!(sale.phase(120 * MIN), SalePhase::Decided);
            return Ok(());
        }
        for (i, entry) in held.iter().enumerate() {
            if let Some((price, _, true, _)) = entry {
                let steps = (price.0 - 990 * WAN) / (10 * WAN);
                let commitment = [u8::try_from(steps).unwrap_or(0); 32];
                let event = sale.decide_open_bid(names[i], *price, commitment, 121 * MIN).expect("opens");
                sale.apply(&event);
            }
        }
        let panel: Vec<String> = ["甲", "乙", "丙", "丁", "戊"].iter().map(|name| (*name).to_owned()).collect();
        let event = sale.decide_evaluation(&panel, TenderMethod::HighestPrice, &[], 5, 122 * MIN).expect("report");
        sale.apply(&event);
        let reserve = Fen(1_000 * WAN + reserve_steps * 10 * WAN);
        let event = sale.decide_reveal_reserve(reserve, 123 * MIN);
        if let Ok(event) = event {
            sale.apply(&event);
        }
        let floor = Fen(reserve.0.max(1_000 * WAN));
        let expected = held
            .iter()
            .enumerate()
            .filter_map(|(i, entry)| entry.filter(|(price, _, opens, _)| *opens && *price >= floor).map(|e| (i, e)))
            .max_by(|(_, (a, at, _, aseq)), (_, (b, bt, _, bseq))| a.cmp(b).then(bt.cmp(at)).then(bseq.cmp(aseq)))
            .map(|(i, (price, _, _, _))| (u32::try_from(i + 1).unwrap_or(0), price));
        prop_assert_eq!(sale.outcome(124 * MIN).and_then(|outcome| outcome.winner()), expected);
    }
}

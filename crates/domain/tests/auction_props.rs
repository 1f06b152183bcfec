//! Properties of the live-bidding core, whatever the bids, their order and their times: no bid is
//! accepted at or after the end (as extensions and pauses move it); the winner is the highest
//! accepted bid, and only when it reaches the reserve; every accepted bid beats the one before it by
//! the increment; replaying the recorded events gives the same auction.

use ggzy_domain::Fen;
use ggzy_domain::auction::{Auction, AuctionEvent, AuctionRefusal, AuctionTerms, Outcome, Unsold};
use proptest::prelude::*;

/// One thing that may happen: a bid (paddle, price offset from the start price in increments,
/// plus some fen off the grid), a pause or a resumption, each a number of seconds after the last.
#[derive(Clone, Debug)]
enum Attempt {
    Bid { paddle: u32, steps: i64, off_grid: i64 },
    Pause,
    Resume,
}

fn attempt() -> impl Strategy<Value = (u64, Attempt)> {
    let kind = prop_oneof![
        8 => (1u32..6, -2i64..40, 0i64..3).prop_map(|(paddle, steps, off_grid)| Attempt::Bid { paddle, steps, off_grid }),
        1 => Just(Attempt::Pause),
        1 => Just(Attempt::Resume),
    ];
    (0u64..400, kind)
}

const INCREMENT: i64 = 50_000;
const START: i64 = 10_000_000;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn the_winner_is_the_highest_valid_bid_and_nothing_is_accepted_after_the_end(
        attempts in proptest::collection::vec(attempt(), 0..80),
        reserve_steps in proptest::option::of(0i64..30),
        countdown_s in proptest::option::of(1i64..300),
        duration_s in 60i64..3_600,
    ) {
        let terms = AuctionTerms {
            start_price: Fen(START),
            increment: Fen(INCREMENT),
            reserve: reserve_steps.map(|steps| Fen(START + steps * INCREMENT)),
            starts_at_ms: 1_000_000,
            ends_at_ms: 1_000_000 + duration_s * 1000,
            countdown_ms: countdown_s.map(|s| s * 1000),
        };
        let mut auction = Auction::new(terms.clone());
        let mut recorded: Vec<AuctionEvent> = Vec::new();
        let mut now_ms = terms.starts_at_ms;
        for (gap_s, attempt) in attempts {
            now_ms += i64::try_from(gap_s).unwrap_or(0) * 1000;
            let decided = match attempt {
                Attempt::Bid { paddle, steps, off_grid } => {
                    let price = Fen(START + steps * INCREMENT + off_grid);
                    let decided = auction.decide_bid(paddle, price, now_ms);
                    match &decided {
                        Ok(_) => {
                            prop_assert!(auction.paused().is_none());
                            prop_assert!(now_ms < auction.ends_at_ms(), "accepted at or after the end");
                            prop_assert!(price >= auction.minimum_next());
                        }
                        Err(AuctionRefusal::Ended { ends_at_ms, .. }) => prop_assert!(now_ms >= *ends_at_ms),
                        Err(AuctionRefusal::BelowMinimum { minimum, .. }) => prop_assert!(price < *minimum),
                        Err(_) => {}
                    }
                    decided
                }
                Attempt::Pause => auction.decide_pause(now_ms, "平台故障"),
                Attempt::Resume => auction.decide_resume(now_ms),
            };
            if let Ok(event) = decided {
                let end_before = auction.ends_at_ms();
                auction.apply(&event);
                prop_assert!(auction.ends_at_ms() >= end_before, "the end never moves in");
                recorded.push(event);
            }
        }
        // Each accepted bid beats the previous one by the increment, from the start price.
        let bids = auction.bids().to_vec();
        for pair in bids.windows(2) {
            prop_assert!(pair[1].price.0 >= pair[0].price.0 + INCREMENT);
            prop_assert!(pair[1].paddle != pair[0].paddle);
        }
        prop_assert!(bids.first().is_none_or(|first| first.price.0 >= START));
        // Replaying the record gives the same auction.
        prop_assert_eq!(&Auction::replay(terms.clone(), &recorded), &auction);
        // After the end (resuming a pause first), the highest bid wins if it reaches the reserve.
        if auction.paused().is_some() {
            let resume = auction.decide_resume(now_ms).expect("paused");
            auction.apply(&resume);
        }
        let end = auction.ends_at_ms();
        prop_assert_eq!(auction.outcome(end - 1), None, "not over before the end");
        let highest = bids.iter().max_by_key(|bid| bid.price).copied();
        let expected = match (highest, terms.reserve) {
            (None, _) => Outcome::Unsold(Unsold::NoBids),
            (Some(bid), Some(reserve)) if bid.price < reserve => Outcome::Unsold(Unsold::BelowReserve { highest: bid.price }),
            (Some(bid), _) => Outcome::Sold(bid),
        };
        prop_assert_eq!(auction.outcome(end), Some(expected));
        prop_assert!(auction.decide_bid(99, Fen(i64::MAX / 2), end).is_err(), "no bid at the end");
    }
}

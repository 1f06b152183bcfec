//! Property: no bid is ever accepted at or after the deadline, whatever the order in which
//! submissions and the opening attempt arrive, and nothing is accepted once opening has started.

use ggzy_domain::tender::{TenderState, accept_bid, decide_at_deadline};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Arrival {
    Bid { at_ms: i64 },
    Opening { at_ms: i64 },
}

fn arrival() -> impl Strategy<Value = Arrival> {
    prop_oneof![
        9 => (0i64..2_000).prop_map(|at_ms| Arrival::Bid { at_ms }),
        1 => (0i64..2_000).prop_map(|at_ms| Arrival::Opening { at_ms }),
    ]
}

proptest! {
    #[test]
    fn no_bid_at_or_after_the_deadline(deadline in 1i64..2_000, arrivals in prop::collection::vec(arrival(), 0..200)) {
        let mut state = TenderState::Bidding;
        let mut accepted = 0u32;
        for arrival in arrivals {
            match arrival {
                Arrival::Bid { at_ms } => {
                    let verdict = accept_bid(state, deadline, at_ms);
                    if verdict.is_ok() {
                        prop_assert!(at_ms < deadline, "accepted at {at_ms} with deadline {deadline}");
                        prop_assert_eq!(state, TenderState::Bidding);
                        accepted += 1;
                    } else if state == TenderState::Bidding {
                        prop_assert!(at_ms >= deadline, "refused at {at_ms} before deadline {deadline}");
                    }
                }
                Arrival::Opening { at_ms } => {
                    let lots = [("1".to_owned(), accepted)];
                    if let Ok(outcome) = decide_at_deadline(state, deadline, at_ms, &lots, 3) {
                        prop_assert!(at_ms >= deadline, "opened at {at_ms} before deadline {deadline}");
                        state = outcome.transition.to;
                    }
                }
            }
        }
    }
}

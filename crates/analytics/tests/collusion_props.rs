//! Properties of the lot screens: the flags depend on the bids, not on the order the database
//! returns them in, and a flag on a shared trace names only bidders who really share it.

use ggzy_analytics::collusion::{LotBid, Rule, ScreenSettings, screen_lot};
use ggzy_domain::Fen;
use proptest::prelude::*;

fn bids() -> impl Strategy<Value = Vec<LotBid>> {
    prop::collection::vec((1_000_000i64..1_100_000, 0u8..4, 0u8..4), 2..8).prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, (price, machine, ip))| LotBid {
                bidder: format!("B{i}"),
                // Round to 10,000 fen so that equal prices and equal gaps happen.
                price: Some(Fen(price / 10_000 * 10_000)),
                machine_id_hash: format!("m{machine}"),
                client_ip: if ip == 0 { String::new() } else { format!("10.0.0.{ip}") },
                ..LotBid::default()
            })
            .collect()
    })
}

proptest! {
    #[test]
    fn the_flags_do_not_depend_on_the_order_of_the_bids(bids in bids(), rotate in 0usize..8) {
        let settings = ScreenSettings::default();
        let mut reordered = bids.clone();
        reordered.reverse();
        let len = reordered.len();
        reordered.rotate_left(rotate % len);
        prop_assert_eq!(screen_lot(&bids, &settings), screen_lot(&reordered, &settings));
    }

    #[test]
    fn a_shared_trace_flag_names_only_bidders_sharing_that_value(bids in bids()) {
        for flag in screen_lot(&bids, &ScreenSettings::default()) {
            let field: fn(&LotBid) -> &str = match flag.rule {
                Rule::SameMachine => |b| &b.machine_id_hash,
                Rule::SameSubmissionAddress => |b| &b.client_ip,
                _ => continue,
            };
            prop_assert!(flag.bidders.len() >= 2);
            for bidder in &flag.bidders {
                let bid = bids.iter().find(|b| &b.bidder == bidder).expect("a bidder of the lot");
                prop_assert_eq!(field(bid), flag.evidence[0].value.as_str());
            }
        }
    }
}

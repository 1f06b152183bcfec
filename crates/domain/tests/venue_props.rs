//! Property of the venue bookings: whatever is asked, in whatever order, the bookings a room
//! accepts never share an instant (a room holds one session at a time).

use ggzy_domain::venue::{Booking, BookingPurpose, BookingRequest, VenueKind, check_booking};
use proptest::prelude::*;

const HOUR: i64 = 3_600_000;

proptest! {
    #[test]
    fn accepted_bookings_of_a_room_never_overlap(
        asked in prop::collection::vec((0i64..96, 1i64..40, prop::bool::weighted(0.2)), 1..60),
    ) {
        let mut held: Vec<Booking> = Vec::new();
        for (i, (start, hours, cancel_later)) in asked.into_iter().enumerate() {
            // Quarter-hour steps over four days, sessions of a quarter-hour to ten hours.
            let quarter = HOUR / 4;
            let request = BookingRequest {
                purpose: BookingPurpose::Opening,
                starts_ms: start * quarter,
                ends_ms: (start + hours) * quarter,
                bid_deadline_ms: None,
            };
            if check_booking(VenueKind::OpeningRoom, &held, &request).is_ok() {
                held.push(Booking {
                    booking_id: format!("B{i}"),
                    tender_id: "ZB".to_owned(),
                    purpose: request.purpose,
                    starts_ms: request.starts_ms,
                    ends_ms: request.ends_ms,
                    // Some are cancelled once accepted: they free their time for later ones.
                    cancelled: cancel_later,
                });
            }
        }
        let live: Vec<&Booking> = held.iter().filter(|b| !b.cancelled).collect();
        for (i, a) in live.iter().enumerate() {
            for b in &live[i + 1..] {
                prop_assert!(!a.overlaps(b.starts_ms, b.ends_ms), "{a:?} overlaps {b:?}");
            }
        }
    }
}

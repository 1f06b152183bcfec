//! Venues of the trading center (场地) and their bookings (场地预约): opening rooms (开标室) where a
//! tender is opened at its deadline, at the place its documents fixed beforehand (招标投标法
//! 第三十四条), and evaluation rooms (评标室) where a committee evaluates in confidence (第三十八条).
//! A room holds one session at a time: a booking that overlaps another of the same room is refused.

/// What a room is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VenueKind {
    /// 开标室: bid openings, public.
    OpeningRoom,
    /// 评标室: evaluations, closed (招标投标法 第三十八条).
    EvaluationRoom,
}

impl VenueKind {
    /// Every kind.
    pub const ALL: [VenueKind; 2] = [VenueKind::OpeningRoom, VenueKind::EvaluationRoom];

    /// Identifier in the API and the events.
    pub fn as_str(self) -> &'static str {
        match self {
            VenueKind::OpeningRoom => "opening_room",
            VenueKind::EvaluationRoom => "evaluation_room",
        }
    }

    /// Parses an identifier.
    pub fn parse(text: &str) -> Option<VenueKind> {
        VenueKind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            VenueKind::OpeningRoom => "开标室",
            VenueKind::EvaluationRoom => "评标室",
        }
    }

    /// The session a room of this kind holds.
    pub fn purpose(self) -> BookingPurpose {
        match self {
            VenueKind::OpeningRoom => BookingPurpose::Opening,
            VenueKind::EvaluationRoom => BookingPurpose::Evaluation,
        }
    }
}

/// The session a booking is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BookingPurpose {
    /// 开标.
    Opening,
    /// 评标.
    Evaluation,
}

impl BookingPurpose {
    /// Every purpose.
    pub const ALL: [BookingPurpose; 2] = [BookingPurpose::Opening, BookingPurpose::Evaluation];

    /// Identifier in the API and the events.
    pub fn as_str(self) -> &'static str {
        match self {
            BookingPurpose::Opening => "opening",
            BookingPurpose::Evaluation => "evaluation",
        }
    }

    /// Parses an identifier.
    pub fn parse(text: &str) -> Option<BookingPurpose> {
        BookingPurpose::ALL.into_iter().find(|purpose| purpose.as_str() == text)
    }

    /// Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            BookingPurpose::Opening => "开标",
            BookingPurpose::Evaluation => "评标",
        }
    }
}

/// A booking of a room: a half-open interval `[starts_ms, ends_ms)`, UTC ms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Booking {
    /// Booking id.
    pub booking_id: String,
    /// The tender the session is for.
    pub tender_id: String,
    /// Opening or evaluation.
    pub purpose: BookingPurpose,
    /// Start, UTC ms.
    pub starts_ms: i64,
    /// End, UTC ms (exclusive).
    pub ends_ms: i64,
    /// Cancelled bookings keep their place in the record and hold the room no longer.
    pub cancelled: bool,
}

impl Booking {
    /// Whether two bookings share any instant.
    pub fn overlaps(&self, starts_ms: i64, ends_ms: i64) -> bool {
        self.starts_ms < ends_ms && starts_ms < self.ends_ms
    }

    /// Whether this is a live opening booking that the tender's bid deadline has left: an amendment
    /// moved the deadline (招标投标法 第二十三条), and the opening, held at the deadline (第三十四条),
    /// would no longer take place in the slot booked.
    pub fn misses_opening(&self, bid_deadline_ms: Option<i64>) -> bool {
        self.is_live_opening()
            && bid_deadline_ms.is_some_and(|deadline| !covers(self.starts_ms, self.ends_ms, deadline))
    }

    /// An opening booking not cancelled.
    pub fn is_live_opening(&self) -> bool {
        self.purpose == BookingPurpose::Opening && !self.cancelled
    }
}

/// Whether the slot [starts, ends) holds the instant.
fn covers(starts_ms: i64, ends_ms: i64, instant_ms: i64) -> bool {
    starts_ms <= instant_ms && instant_ms < ends_ms
}

/// Longest booking: one working session. Not statutory; it keeps a mistyped end (a year instead of
/// an hour) from blocking a room.
pub const BOOKING_MAX_MS: i64 = 24 * 3_600_000;

/// Why a booking is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VenueError {
    /// The end is not after the start, or the session is longer than [`BOOKING_MAX_MS`].
    TimeInvalid,
    /// The room is not for this session (an evaluation in an opening room).
    PurposeMismatch {
        /// The room's kind.
        kind: VenueKind,
        /// The session asked for.
        purpose: BookingPurpose,
    },
    /// An opening booked outside the tender's bid deadline (招标投标法 第三十四条).
    MissesDeadline {
        /// The deadline, UTC ms.
        bid_deadline_ms: i64,
    },
    /// Another live booking of the room shares time with this one.
    Overlap {
        /// The booking in the way.
        booking_id: String,
        /// Its tender.
        tender_id: String,
        /// Its start, UTC ms.
        starts_ms: i64,
        /// Its end, UTC ms.
        ends_ms: i64,
    },
}

impl VenueError {
    /// Stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            VenueError::TimeInvalid => "venue_booking_time_invalid",
            VenueError::PurposeMismatch { .. } => "venue_purpose_mismatch",
            VenueError::MissesDeadline { .. } => "venue_booking_misses_deadline",
            VenueError::Overlap { .. } => "venue_booking_overlap",
        }
    }
}

/// A booking asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookingRequest {
    /// Opening or evaluation.
    pub purpose: BookingPurpose,
    /// Start, UTC ms.
    pub starts_ms: i64,
    /// End, UTC ms (exclusive).
    pub ends_ms: i64,
    /// The tender's bid deadline, once its notice set one.
    pub bid_deadline_ms: Option<i64>,
}

/// Decides a booking of a room of `kind` that already holds `existing`: the time is a real session,
/// the room is for the session, an opening covers the bid deadline (the opening takes place at the
/// deadline, at the place fixed beforehand: 招标投标法 第三十四条), and no live booking shares time.
pub fn check_booking(kind: VenueKind, existing: &[Booking], request: &BookingRequest) -> Result<(), VenueError> {
    let length = request.ends_ms.saturating_sub(request.starts_ms);
    if length <= 0 || length > BOOKING_MAX_MS {
        return Err(VenueError::TimeInvalid);
    }
    if kind.purpose() != request.purpose {
        return Err(VenueError::PurposeMismatch { kind, purpose: request.purpose });
    }
    if let (BookingPurpose::Opening, Some(deadline)) = (request.purpose, request.bid_deadline_ms)
        && !covers(request.starts_ms, request.ends_ms, deadline)
    {
        return Err(VenueError::MissesDeadline { bid_deadline_ms: deadline });
    }
    if let Some(other) =
        existing.iter().find(|booking| !booking.cancelled && booking.overlaps(request.starts_ms, request.ends_ms))
    {
        return Err(VenueError::Overlap {
            booking_id: other.booking_id.clone(),
            tender_id: other.tender_id.clone(),
            starts_ms: other.starts_ms,
            ends_ms: other.ends_ms,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600_000;

    fn booked(id: &str, starts_ms: i64, ends_ms: i64, cancelled: bool) -> Booking {
        Booking {
            booking_id: id.to_owned(),
            tender_id: "ZB1".to_owned(),
            purpose: BookingPurpose::Opening,
            starts_ms,
            ends_ms,
            cancelled,
        }
    }

    fn opening(starts_ms: i64, ends_ms: i64, deadline: Option<i64>) -> BookingRequest {
        BookingRequest { purpose: BookingPurpose::Opening, starts_ms, ends_ms, bid_deadline_ms: deadline }
    }

    #[test]
    fn a_room_holds_one_session_at_a_time() {
        let existing = [booked("A", 9 * HOUR, 11 * HOUR, false), booked("B", 13 * HOUR, 15 * HOUR, true)];
        let room = VenueKind::OpeningRoom;
        // Touching ends do not overlap: [9, 11) and [11, 12).
        assert_eq!(check_booking(room, &existing, &opening(11 * HOUR, 12 * HOUR, None)), Ok(()));
        let refused = check_booking(room, &existing, &opening(10 * HOUR, 12 * HOUR, None));
        assert!(matches!(refused, Err(VenueError::Overlap { ref booking_id, .. }) if booking_id == "A"), "{refused:?}");
        // A cancelled booking no longer holds the room.
        assert_eq!(check_booking(room, &existing, &opening(13 * HOUR, 14 * HOUR, None)), Ok(()));
    }

    #[test]
    fn an_opening_covers_the_deadline_in_an_opening_room() {
        let deadline = 9 * HOUR + HOUR / 2;
        let room = VenueKind::OpeningRoom;
        assert_eq!(check_booking(room, &[], &opening(9 * HOUR, 11 * HOUR, Some(deadline))), Ok(()));
        assert_eq!(
            check_booking(room, &[], &opening(10 * HOUR, 11 * HOUR, Some(deadline))),
            Err(VenueError::MissesDeadline { bid_deadline_ms: deadline })
        );
        let evaluation = BookingRequest { purpose: BookingPurpose::Evaluation, ..opening(9 * HOUR, 10 * HOUR, None) };
        assert_eq!(
            check_booking(room, &[], &evaluation),
            Err(VenueError::PurposeMismatch { kind: room, purpose: BookingPurpose::Evaluation })
        );
        assert_eq!(check_booking(VenueKind::EvaluationRoom, &[], &evaluation), Ok(()));
    }

    #[test]
    fn a_session_has_a_positive_length_of_at_most_a_day() {
        let room = VenueKind::OpeningRoom;
        assert_eq!(check_booking(room, &[], &opening(HOUR, HOUR, None)), Err(VenueError::TimeInvalid));
        assert_eq!(check_booking(room, &[], &opening(2 * HOUR, HOUR, None)), Err(VenueError::TimeInvalid));
        assert_eq!(check_booking(room, &[], &opening(0, BOOKING_MAX_MS + 1, None)), Err(VenueError::TimeInvalid));
        assert_eq!(check_booking(room, &[], &opening(0, BOOKING_MAX_MS, None)), Ok(()));
    }

    #[test]
    fn an_opening_booking_left_by_a_moved_deadline_is_flagged() {
        let booking = booked("YY1", 10 * HOUR, 12 * HOUR, false);
        assert!(!booking.misses_opening(Some(11 * HOUR)), "covered");
        assert!(!booking.misses_opening(Some(10 * HOUR)), "the start is inside");
        assert!(booking.misses_opening(Some(12 * HOUR)), "the end is not");
        assert!(booking.misses_opening(Some(36 * HOUR)), "moved a day later");
        assert!(!booking.misses_opening(None), "no deadline set");
        assert!(!booked("YY2", 10 * HOUR, 12 * HOUR, true).misses_opening(Some(36 * HOUR)), "cancelled");
        let evaluation = Booking { purpose: BookingPurpose::Evaluation, ..booked("YY3", 10 * HOUR, 12 * HOUR, false) };
        assert!(!evaluation.misses_opening(Some(36 * HOUR)), "an evaluation is not held at the deadline");
    }
}

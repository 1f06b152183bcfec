//! The trading center's venues (场地: 开标室, 评标室) and their bookings (场地预约) for a tender's
//! opening or evaluation. Each venue is a short stream of its own (`venue-{id}`): registered, then
//! booked and cancelled; the venue is read by folding it, and a booking is appended at the version
//! it was decided on, so two bookings of the same room cannot both pass the overlap check
//! ([`ggzy_domain::venue::check_booking`]). The center of the venue's region keeps it.

use std::collections::BTreeMap;

use ggzy_domain::RegionCode;
use ggzy_domain::authz::Action;
use ggzy_domain::venue::{Booking, BookingPurpose, BookingRequest, VenueError, VenueKind, check_booking};
use ggzy_store::ExpectedVersion;
use serde::{Deserialize, Serialize};

use crate::App;
use crate::actor::Actor;
use crate::entity::stored_region;
use crate::entropy::random_hex;
use crate::error::{AppError, AppResult, FieldError, required_text};
use crate::events::{Event, Recorded, stream};
use crate::regions::ranges_for;

/// Most venues listed for a center.
const VENUES_LISTED: i64 = 200;

/// A venue as registered (the event's payload).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VenueDetails {
    /// Venue id.
    pub venue_id: String,
    /// Region of the center that keeps it.
    pub region_code: String,
    /// Name (e.g. 第一开标室).
    pub name: String,
    /// `opening_room` or `evaluation_room`.
    pub kind: String,
    /// Seats.
    pub capacity: i64,
    /// Where it is.
    pub address: String,
}

/// A booking as recorded (the event's payload).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VenueBookingDetails {
    /// Venue.
    pub venue_id: String,
    /// Booking id.
    pub booking_id: String,
    /// The tender the session is for.
    pub tender_id: String,
    /// `opening` or `evaluation`.
    pub purpose: String,
    /// Start, UTC ms.
    pub starts_ms: i64,
    /// End, UTC ms (exclusive).
    pub ends_ms: i64,
}

/// A venue to register, as typed.
#[derive(Debug, Clone)]
pub struct NewVenue {
    /// The center's region.
    pub region: RegionCode,
    /// Name.
    pub name: String,
    /// `opening_room` or `evaluation_room`.
    pub kind: String,
    /// Seats.
    pub capacity: i64,
    /// Where it is.
    pub address: String,
}

/// A booking asked for, as typed.
#[derive(Debug, Clone)]
pub struct NewBooking {
    /// The tender.
    pub tender_id: String,
    /// `opening` or `evaluation`.
    pub purpose: String,
    /// Start, UTC ms.
    pub starts_ms: i64,
    /// End, UTC ms (exclusive).
    pub ends_ms: i64,
}

/// A venue with its bookings (the fold of its stream).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VenueView {
    /// As registered.
    pub details: VenueDetails,
    /// Its kind.
    pub kind: VenueKind,
    /// Every booking, cancelled ones included, by start.
    pub bookings: Vec<Booking>,
    /// Live opening bookings not yet over whose tender's bid deadline an amendment has moved out of
    /// the slot: booking id → the deadline now (UTC ms). The center cancels and books again.
    pub moved_openings: BTreeMap<String, i64>,
    /// Stream version (the next booking is appended at it).
    pub version: i64,
}

fn venue_refusal(error: &VenueError) -> AppError {
    let hm = |ms: i64| ggzy_domain::china_time::text(ms);
    let message = match error {
        VenueError::TimeInvalid => "预约的结束时间须晚于开始时间，且一次预约不超过24小时".to_owned(),
        VenueError::PurposeMismatch { kind, purpose } => {
            format!(
                "{}不能预约用于{}：开标须在开标室，评标须在评标室（招标投标法 第三十八条：评标在严格保密的情况下进行）",
                kind.label(),
                purpose.label()
            )
        }
        VenueError::MissesDeadline { bid_deadline_ms } => format!(
            "开标应当在投标截止时间的同一时间公开进行（招标投标法 第三十四条）：开标室的预约须覆盖投标截止时间 {}",
            hm(*bid_deadline_ms)
        ),
        VenueError::Overlap { booking_id, tender_id, starts_ms, ends_ms } => format!(
            "该场地在 {} 至 {} 已被预约（预约 {booking_id}，招标项目 {tender_id}），请换一个时段或场地",
            hm(*starts_ms),
            hm(*ends_ms)
        ),
    };
    let field = match error {
        VenueError::PurposeMismatch { .. } => "purpose",
        VenueError::Overlap { .. } => return AppError::refused(error.code(), message),
        _ => "starts_at",
    };
    AppError::Invalid(vec![FieldError::new(field, error.code(), message)])
}

impl App {
    /// The center registers a venue of its region.
    pub async fn register_venue(&self, actor: &Actor, new: NewVenue) -> AppResult<VenueView> {
        actor.authorize(Action::ManageVenues, &new.region)?;
        let name = required_text("name", &new.name, "场地名称", 100)?;
        let address = required_text("address", &new.address, "场地地址", 200)?;
        let kind = VenueKind::parse(&new.kind).ok_or_else(|| {
            AppError::Invalid(vec![FieldError::new(
                "kind",
                "venue_kind_invalid",
                "场地类型须为 opening_room（开标室）或 evaluation_room（评标室）",
            )])
        })?;
        if !(1..=1000).contains(&new.capacity) {
            return Err(AppError::Invalid(vec![FieldError::new(
                "capacity",
                "venue_capacity_invalid",
                "座位数须为 1 至 1000 的整数",
            )]));
        }
        let venue_id = format!("CD{}", random_hex(self.entropy.as_ref(), 6).to_uppercase());
        let details = VenueDetails {
            venue_id: venue_id.clone(),
            region_code: new.region.as_str().to_owned(),
            name,
            kind: kind.as_str().to_owned(),
            capacity: new.capacity,
            address,
        };
        let stream_id = stream::venue(&venue_id);
        let event = Recorded {
            stream_id: stream_id.clone(),
            region_code: details.region_code.clone(),
            event: Event::VenueRegistered(details),
        };
        self.record(actor, vec![(stream_id, ExpectedVersion::NoStream)], vec![event], Vec::new()).await?;
        self.venue(&venue_id).await
    }

    /// The center books a venue for a tender's opening or evaluation.
    pub async fn book_venue(&self, actor: &Actor, venue_id: &str, new: NewBooking) -> AppResult<VenueView> {
        let view = self.venue_record(venue_id).await?;
        actor.authorize(Action::ManageVenues, &stored_region(&view.details.region_code)?)?;
        let purpose = BookingPurpose::parse(&new.purpose).ok_or_else(|| {
            AppError::Invalid(vec![FieldError::new(
                "purpose",
                "venue_purpose_mismatch",
                "预约用途须为 opening（开标）或 evaluation（评标）",
            )])
        })?;
        let tender = self.store.tender(&new.tender_id).await?.ok_or(AppError::NotFound { what: "招标项目" })?;
        let request = BookingRequest {
            purpose,
            starts_ms: new.starts_ms,
            ends_ms: new.ends_ms,
            bid_deadline_ms: tender.bid_deadline_ms,
        };
        check_booking(view.kind, &view.bookings, &request).map_err(|error| venue_refusal(&error))?;
        let details = VenueBookingDetails {
            venue_id: venue_id.to_owned(),
            booking_id: format!("YY{}", random_hex(self.entropy.as_ref(), 6).to_uppercase()),
            tender_id: tender.tender_id,
            purpose: purpose.as_str().to_owned(),
            starts_ms: new.starts_ms,
            ends_ms: new.ends_ms,
        };
        let stream_id = stream::venue(venue_id);
        let event = Recorded {
            stream_id: stream_id.clone(),
            region_code: view.details.region_code.clone(),
            event: Event::VenueBooked(details),
        };
        self.record(actor, vec![(stream_id, ExpectedVersion::Exactly(view.version))], vec![event], Vec::new()).await?;
        self.venue(venue_id).await
    }

    /// The center cancels a booking (the record keeps it, marked cancelled).
    pub async fn cancel_venue_booking(
        &self,
        actor: &Actor,
        venue_id: &str,
        booking_id: &str,
        reason: &str,
    ) -> AppResult<VenueView> {
        let view = self.venue_record(venue_id).await?;
        actor.authorize(Action::ManageVenues, &stored_region(&view.details.region_code)?)?;
        let booking = view
            .bookings
            .iter()
            .find(|booking| booking.booking_id == booking_id)
            .ok_or(AppError::NotFound { what: "场地预约" })?;
        if booking.cancelled {
            return Err(AppError::refused("venue_booking_cancelled", "该预约已取消"));
        }
        let reason = required_text("reason", reason, "取消理由", 500)?;
        let stream_id = stream::venue(venue_id);
        let event = Recorded {
            stream_id: stream_id.clone(),
            region_code: view.details.region_code.clone(),
            event: Event::VenueBookingCancelled {
                venue_id: venue_id.to_owned(),
                booking_id: booking_id.to_owned(),
                reason,
            },
        };
        self.record(actor, vec![(stream_id, ExpectedVersion::Exactly(view.version))], vec![event], Vec::new()).await?;
        self.venue(venue_id).await
    }

    /// One venue with its bookings, folded from its stream, and the openings moved away from theirs.
    pub async fn venue(&self, venue_id: &str) -> AppResult<VenueView> {
        let mut view = self.venue_record(venue_id).await?;
        // Only bookings still to come: one read per live opening ahead, a handful per room.
        let now_ms = self.now_ms();
        for booking in view.bookings.iter().filter(|b| b.ends_ms > now_ms && b.is_live_opening()) {
            let deadline = self.store.tender(&booking.tender_id).await?.and_then(|tender| tender.bid_deadline_ms);
            if let Some(deadline) = deadline.filter(|&deadline| booking.misses_opening(Some(deadline))) {
                view.moved_openings.insert(booking.booking_id.clone(), deadline);
            }
        }
        Ok(view)
    }

    /// The fold of a venue's stream alone, without [`VenueView::moved_openings`] (what a command
    /// decides on).
    async fn venue_record(&self, venue_id: &str) -> AppResult<VenueView> {
        let mut view: Option<VenueView> = None;
        for stored in self.store.stream(&stream::venue(venue_id)).await? {
            let event: Event = serde_json::from_str(&stored.payload)
                .map_err(|e| AppError::Internal(format!("stored event {}: {e}", stored.position)))?;
            match (event, view.as_mut()) {
                (Event::VenueRegistered(details), None) => {
                    let kind = VenueKind::parse(&details.kind)
                        .ok_or_else(|| AppError::Internal(format!("stored venue kind {}", details.kind)))?;
                    view = Some(VenueView {
                        details,
                        kind,
                        bookings: Vec::new(),
                        moved_openings: BTreeMap::new(),
                        version: stored.stream_version,
                    });
                }
                (Event::VenueBooked(booked), Some(venue)) => {
                    let purpose = BookingPurpose::parse(&booked.purpose)
                        .ok_or_else(|| AppError::Internal(format!("stored booking purpose {}", booked.purpose)))?;
                    venue.bookings.push(Booking {
                        booking_id: booked.booking_id,
                        tender_id: booked.tender_id,
                        purpose,
                        starts_ms: booked.starts_ms,
                        ends_ms: booked.ends_ms,
                        cancelled: false,
                    });
                    venue.version = stored.stream_version;
                }
                (Event::VenueBookingCancelled { booking_id, .. }, Some(venue)) => {
                    if let Some(booking) = venue.bookings.iter_mut().find(|b| b.booking_id == booking_id) {
                        booking.cancelled = true;
                    }
                    venue.version = stored.stream_version;
                }
                (other, _) => {
                    return Err(AppError::Internal(format!("venue stream holds {}", other.type_name())));
                }
            }
        }
        let mut view = view.ok_or(AppError::NotFound { what: "场地" })?;
        view.bookings.sort_by_key(|booking| booking.starts_ms);
        Ok(view)
    }

    /// The venues of the regions the actor keeps venues for, by name.
    pub async fn venues(&self, actor: &Actor) -> AppResult<Vec<VenueView>> {
        let ranges = ranges_for(actor, Action::ManageVenues);
        let mut views = Vec::new();
        for stored in self.store.events_of_type("VenueRegistered", &ranges, VENUES_LISTED).await? {
            let venue_id = stored.stream_id.strip_prefix("venue-").unwrap_or(&stored.stream_id).to_owned();
            views.push(self.venue(&venue_id).await?);
        }
        views.sort_by(|a, b| a.details.name.cmp(&b.details.name));
        Ok(views)
    }
}

//! The trading center's venues (场地: 开标室, 评标室) and their bookings (场地预约) over HTTP: the
//! center staff of the venue's region register venues and book them for a tender's opening or
//! evaluation; a booking that overlaps another of the same room, misses the bid deadline of an
//! opening, or puts a session in the wrong kind of room is refused.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use ggzy_app::venue::{NewBooking, NewVenue, VenueView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::WebState;
use crate::api::rfc3339;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, RequireActor};
use crate::fields::{self as parse, collect};

/// A venue to register.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewVenueRequest {
    /// The center's region (GB/T 2260).
    region_code: String,
    /// Name, e.g. 第一开标室.
    name: String,
    /// `opening_room` (开标室) or `evaluation_room` (评标室).
    kind: String,
    /// Seats (1..=1000).
    capacity: i64,
    /// Where it is.
    address: String,
}

/// A booking of a venue.
#[derive(Debug, Serialize, ToSchema)]
pub struct BookingDto {
    /// Booking id.
    booking_id: String,
    /// The tender.
    tender_id: String,
    /// `opening` or `evaluation`.
    purpose: String,
    /// Start (RFC 3339).
    starts_at: String,
    /// End (RFC 3339, exclusive).
    ends_at: String,
    /// Cancelled bookings stay listed and hold the room no longer.
    cancelled: bool,
    /// For an opening still to come: the tender's bid deadline now (RFC 3339), when an amendment has
    /// moved it out of the booked slot (招标投标法 第二十三条, 第三十四条); cancel and book again.
    opening_moved_to: Option<String>,
}

/// A venue with its bookings.
#[derive(Debug, Serialize, ToSchema)]
pub struct VenueDto {
    /// Venue id.
    venue_id: String,
    /// The center's region.
    region_code: String,
    /// Name.
    name: String,
    /// `opening_room` or `evaluation_room`.
    kind: String,
    /// In Chinese.
    kind_label: String,
    /// Seats.
    capacity: i64,
    /// Where it is.
    address: String,
    /// Every booking by start, cancelled ones included.
    bookings: Vec<BookingDto>,
}

/// The DTO of a venue.
pub fn venue_dto(view: VenueView) -> VenueDto {
    VenueDto {
        venue_id: view.details.venue_id,
        region_code: view.details.region_code,
        name: view.details.name,
        kind: view.kind.as_str().to_owned(),
        kind_label: view.kind.label().to_owned(),
        capacity: view.details.capacity,
        address: view.details.address,
        bookings: view
            .bookings
            .into_iter()
            .map(|booking| BookingDto {
                opening_moved_to: view.moved_openings.get(&booking.booking_id).map(|&deadline| rfc3339(deadline)),
                booking_id: booking.booking_id,
                tender_id: booking.tender_id,
                purpose: booking.purpose.as_str().to_owned(),
                starts_at: rfc3339(booking.starts_ms),
                ends_at: rfc3339(booking.ends_ms),
                cancelled: booking.cancelled,
            })
            .collect(),
    }
}

/// Registers a venue of the center (交易中心工作人员 of the region).
#[utoipa::path(post, path = "/api/v1/venues", tag = "venues", request_body = NewVenueRequest, responses(
    (status = 201, body = VenueDto),
    (status = 403, description = "forbidden (the region's center staff only)", body = ErrorBody),
    (status = 422, description = "invalid_region_code, invalid_text, venue_kind_invalid, venue_capacity_invalid", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn register_venue(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    ApiJson(request): ApiJson<NewVenueRequest>,
) -> ApiResult<(StatusCode, axum::Json<VenueDto>)> {
    let region = parse::region(state.app.region_table(), "region_code", &request.region_code)
        .map_err(|error| ApiError::invalid(vec![error]))?;
    let new = NewVenue {
        region,
        name: request.name,
        kind: request.kind,
        capacity: request.capacity,
        address: request.address,
    };
    Ok((StatusCode::CREATED, axum::Json(venue_dto(state.app.register_venue(&actor, new).await?))))
}

/// The venues of the regions the caller keeps venues for, by name.
#[utoipa::path(get, path = "/api/v1/venues", tag = "venues", responses(
    (status = 200, body = Vec<VenueDto>),
), security(("session" = []), ("api_token" = [])))]
pub async fn list_venues(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
) -> ApiResult<axum::Json<Vec<VenueDto>>> {
    Ok(axum::Json(state.app.venues(&actor).await?.into_iter().map(venue_dto).collect()))
}

/// One venue with its bookings.
#[utoipa::path(get, path = "/api/v1/venues/{venue_id}", tag = "venues", responses(
    (status = 200, body = VenueDto),
    (status = 404, body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn get_venue(
    State(state): State<WebState>,
    RequireActor(_actor): RequireActor,
    Path(venue_id): Path<String>,
) -> ApiResult<axum::Json<VenueDto>> {
    Ok(axum::Json(venue_dto(state.app.venue(&venue_id).await?)))
}

/// A booking to make.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewBookingRequest {
    /// The tender.
    tender_id: String,
    /// `opening` (in an opening room, covering the bid deadline) or `evaluation` (in an evaluation room).
    purpose: String,
    /// Start, RFC 3339 with offset.
    starts_at: String,
    /// End, RFC 3339 with offset (at most 24 hours after the start).
    ends_at: String,
}

/// Books a venue for a tender's opening or evaluation (场地预约).
#[utoipa::path(post, path = "/api/v1/venues/{venue_id}/bookings", tag = "venues", request_body = NewBookingRequest, responses(
    (status = 200, body = VenueDto),
    (status = 404, description = "not_found (venue or tender)", body = ErrorBody),
    (status = 409, description = "venue_booking_overlap (names the booking in the way)", body = ErrorBody),
    (status = 422, description = "invalid_time, venue_booking_time_invalid, venue_purpose_mismatch, venue_booking_misses_deadline", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn book_venue(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(venue_id): Path<String>,
    ApiJson(request): ApiJson<NewBookingRequest>,
) -> ApiResult<axum::Json<VenueDto>> {
    let mut errors = Vec::new();
    let starts = collect(parse::timestamp_ms("starts_at", &request.starts_at), &mut errors);
    let ends = collect(parse::timestamp_ms("ends_at", &request.ends_at), &mut errors);
    let (Some(starts_ms), Some(ends_ms)) = (starts, ends) else {
        return Err(ApiError::invalid(errors));
    };
    let new = NewBooking { tender_id: request.tender_id, purpose: request.purpose, starts_ms, ends_ms };
    Ok(axum::Json(venue_dto(state.app.book_venue(&actor, &venue_id, new).await?)))
}

/// Why a booking is cancelled.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CancelBookingRequest {
    /// E.g. the opening was postponed by an amendment.
    reason: String,
}

/// Cancels a booking; it stays listed, marked cancelled.
#[utoipa::path(post, path = "/api/v1/venues/{venue_id}/bookings/{booking_id}/cancel", tag = "venues", request_body = CancelBookingRequest, responses(
    (status = 200, body = VenueDto),
    (status = 404, body = ErrorBody),
    (status = 409, description = "venue_booking_cancelled", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn cancel_booking(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((venue_id, booking_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<CancelBookingRequest>,
) -> ApiResult<axum::Json<VenueDto>> {
    Ok(axum::Json(venue_dto(state.app.cancel_venue_booking(&actor, &venue_id, &booking_id, &request.reason).await?)))
}

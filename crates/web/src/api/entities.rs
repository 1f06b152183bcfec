//! Market entities (市场主体库).

pub mod relations;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use ggzy_app::entity::{EntityInput, EntityView};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::WebState;
use crate::api::rfc3339;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, MaybeActor, RequireActor};
use crate::fields::{self as parse, collect};

/// A market entity's details as submitted (everything but the credit code).
#[derive(Debug, Deserialize, ToSchema)]
pub struct EntityDetailsDto {
    /// Registered name.
    name: String,
    /// Registration region, a GB/T 2260 code in the platform's table.
    region_code: String,
    /// Legal representative's name.
    legal_rep_name: String,
    /// Legal representative's resident ID number (GB 11643); checked, then kept only masked.
    legal_rep_id_number: String,
    /// Contact person.
    contact_name: String,
    /// Contact phone.
    contact_phone: String,
    /// Address.
    address: String,
}

/// A market entity to register.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EntityRequest {
    /// 统一社会信用代码 (GB 32100, 18 characters with check character).
    credit_code: String,
    /// The details.
    #[serde(flatten)]
    details: EntityDetailsDto,
}

/// New details of an entity, based on the version the caller read.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateEntityRequest {
    /// The version the caller last read; a stale one is `version_conflict`.
    expected_version: i64,
    /// The new details.
    #[serde(flatten)]
    details: EntityDetailsDto,
}

/// The non-public part of an entity.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntityContactsDto {
    /// Legal representative's ID number, masked.
    legal_rep_id_masked: String,
    /// Contact person.
    contact_name: String,
    /// Contact phone.
    contact_phone: String,
    /// Address.
    address: String,
}

/// A market entity.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntityDto {
    /// 统一社会信用代码.
    credit_code: String,
    /// Registered name.
    name: String,
    /// Registration region.
    region_code: String,
    /// Full name of the region.
    region_name: String,
    /// Legal representative.
    legal_rep_name: String,
    /// Registered (RFC 3339, UTC).
    registered_at: String,
    /// Last changed (RFC 3339, UTC).
    updated_at: String,
    /// Version, to send back as `expected_version` when updating.
    version: i64,
    /// Present only for the entity's members, the centre and regulators of its region.
    #[serde(skip_serializing_if = "Option::is_none")]
    contacts: Option<EntityContactsDto>,
}

fn entity_dto(view: EntityView) -> EntityDto {
    EntityDto {
        credit_code: view.credit_code,
        name: view.name,
        region_code: view.region_code,
        region_name: view.region_name,
        legal_rep_name: view.legal_rep_name,
        registered_at: rfc3339(view.registered_at_ms),
        updated_at: rfc3339(view.updated_at_ms),
        version: view.version,
        contacts: view.contacts.map(|c| EntityContactsDto {
            legal_rep_id_masked: c.legal_rep_id_masked,
            contact_name: c.contact_name,
            contact_phone: c.contact_phone,
            address: c.address,
        }),
    }
}

/// Parses every field at once, so that the client sees all problems in one answer.
fn parse_entity(state: &WebState, credit_code: &str, fields: EntityDetailsDto) -> Result<EntityInput, ApiError> {
    let mut errors = Vec::new();
    let credit = collect(parse::credit_code("credit_code", credit_code), &mut errors);
    let region = collect(parse::region(state.app.region_table(), "region_code", &fields.region_code), &mut errors);
    let id = collect(
        parse::resident_id(
            "legal_rep_id_number",
            "法定代表人身份证号码",
            &fields.legal_rep_id_number,
            state.app.today(),
        ),
        &mut errors,
    );
    match (credit, region, id) {
        (Some(credit_code), Some(region), Some(legal_rep_id)) if errors.is_empty() => Ok(EntityInput {
            credit_code,
            name: fields.name,
            region,
            legal_rep_name: fields.legal_rep_name,
            legal_rep_id,
            contact_name: fields.contact_name,
            contact_phone: fields.contact_phone,
            address: fields.address,
        }),
        _ => Err(ApiError::invalid(errors)),
    }
}

/// Registers a market entity; a bidder, principal or agency becomes its first member.
#[utoipa::path(post, path = "/api/v1/entities", tag = "entities", request_body = EntityRequest, responses(
    (status = 201, body = EntityDto),
    (status = 409, description = "already_exists", body = ErrorBody),
    (status = 422, description = "invalid_credit_code, invalid_resident_id, invalid_region_code, invalid_input", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn register_entity(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    ApiJson(request): ApiJson<EntityRequest>,
) -> ApiResult<impl IntoResponse> {
    let input = parse_entity(&state, &request.credit_code, request.details)?;
    let view = state.app.register_entity(&actor, input).await?;
    Ok((StatusCode::CREATED, axum::Json(entity_dto(view))))
}

/// Changes an entity's details (its members, or the centre of its region).
#[utoipa::path(put, path = "/api/v1/entities/{credit_code}", tag = "entities", request_body = UpdateEntityRequest, responses(
    (status = 200, body = EntityDto),
    (status = 409, description = "version_conflict", body = ErrorBody),
    (status = 422, body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn update_entity(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(credit_code): Path<String>,
    ApiJson(request): ApiJson<UpdateEntityRequest>,
) -> ApiResult<axum::Json<EntityDto>> {
    let input = parse_entity(&state, &credit_code, request.details)?;
    let view = state.app.update_entity(&actor, request.expected_version, input).await?;
    Ok(axum::Json(entity_dto(view)))
}

/// One entity; contacts only for those allowed to see them.
#[utoipa::path(get, path = "/api/v1/entities/{credit_code}", tag = "entities", responses(
    (status = 200, body = EntityDto),
    (status = 404, body = ErrorBody),
))]
pub async fn get_entity(
    State(state): State<WebState>,
    MaybeActor(actor): MaybeActor,
    Path(credit_code): Path<String>,
) -> ApiResult<axum::Json<EntityDto>> {
    let code = credit_code.trim().to_ascii_uppercase();
    Ok(axum::Json(entity_dto(state.app.entity(actor.as_ref(), &code).await?)))
}

/// Paging and filter of the entity list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct EntityListQuery {
    /// Chinese full-text search over name, region and legal representative (every word must
    /// match), or a credit code or its first 6+ characters; results best first, one page.
    q: Option<String>,
    /// Only entities registered in this region or below it.
    region: Option<String>,
    /// Continue after this credit code (the previous page's `next_cursor`).
    after: Option<String>,
    /// Page size (1 to 200, default 50).
    limit: Option<i64>,
}

/// A page of entities.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntityPage {
    /// The entities, in credit-code order.
    items: Vec<EntityDto>,
    /// Pass as `after` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
}

/// The public entity directory, paged by credit code, or searched with `q`.
#[utoipa::path(get, path = "/api/v1/entities", tag = "entities", params(EntityListQuery), responses(
    (status = 200, body = EntityPage),
    (status = 422, body = ErrorBody),
))]
pub async fn list_entities(
    State(state): State<WebState>,
    ApiQuery(query): ApiQuery<EntityListQuery>,
) -> ApiResult<axum::Json<EntityPage>> {
    let region = match query.region.as_deref() {
        Some(code) => {
            Some(parse::region(state.app.region_table(), "region", code).map_err(|e| ApiError::invalid(vec![e]))?)
        }
        None => None,
    };
    let limit = query.limit.unwrap_or(50).clamp(1, 200);
    if let Some(q) = query.q.as_deref().filter(|q| !q.trim().is_empty()) {
        let views = state.app.search_entities(q, region.as_ref(), limit).await?;
        return Ok(axum::Json(EntityPage { items: views.into_iter().map(entity_dto).collect(), next_cursor: None }));
    }
    let views = state.app.list_entities(region.as_ref(), query.after.as_deref(), limit).await?;
    let next_cursor = (i64::try_from(views.len()).unwrap_or(0) == limit)
        .then(|| views.last().map(|v| v.credit_code.clone()))
        .flatten();
    Ok(axum::Json(EntityPage { items: views.into_iter().map(entity_dto).collect(), next_cursor }))
}

/// A member to add.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MemberRequest {
    /// The user who will act for the entity.
    user_id: String,
}

/// Lets a user act for an entity (centre staff or admin of its region).
#[utoipa::path(post, path = "/api/v1/entities/{credit_code}/members", tag = "entities", request_body = MemberRequest, responses(
    (status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn add_entity_member(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(credit_code): Path<String>,
    ApiJson(request): ApiJson<MemberRequest>,
) -> ApiResult<StatusCode> {
    state.app.add_entity_member(&actor, &credit_code, &request.user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

//! An entity's relations register (关联关系): declared shareholders, officers and controlling
//! entity. Read by the expert draw's avoidance screen and the related-bidders rule (条例34).

use axum::extract::{Path, State};
use ggzy_app::FieldError;
use ggzy_app::entity::relations::{
    HolderInput, OfficerInput, PersonView, RelatedEntityView, RelationsInput, RelationsView, ShareholderInput,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::WebState;
use crate::api::rfc3339;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, MaybeActor, RequireActor};
use crate::fields::{self as parse, collect};

/// One shareholder: an entity by `credit_code`, or a natural person by `name` and `resident_id`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ShareholderRequest {
    /// The holding entity's 统一社会信用代码 (it need not be registered on the platform).
    credit_code: Option<String>,
    /// The holding person's name.
    name: Option<String>,
    /// The holding person's resident ID number (GB 11643); kept only masked and as a person key.
    resident_id: Option<String>,
    /// Share held, in per cent: more than 0, at most 100, at most two decimals.
    #[schema(value_type = Option<f64>)]
    share_percent: Option<serde_json::Number>,
}

/// One director, supervisor or senior manager (董事、监事、高级管理人员).
#[derive(Debug, Deserialize, ToSchema)]
pub struct OfficerRequest {
    /// Name.
    name: String,
    /// Resident ID number (GB 11643); kept only masked and as a person key.
    resident_id: String,
    /// Post (董事长, 董事, 监事, 总经理 ...).
    post: String,
}

/// An entity's whole declaration; it replaces the previous one.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RelationsRequest {
    /// Shareholders.
    #[serde(default)]
    shareholders: Vec<ShareholderRequest>,
    /// Directors, supervisors and senior managers.
    #[serde(default)]
    officers: Vec<OfficerRequest>,
    /// The controlling entity's 统一社会信用代码 (控股股东 or the entity in control), if any.
    controlling_entity: Option<String>,
}

/// A related entity.
#[derive(Debug, Serialize, ToSchema)]
pub struct RelatedEntityDto {
    /// 统一社会信用代码.
    credit_code: String,
    /// Its name, when it is registered on the platform.
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
}

/// A person: the name, and the masked ID for those who may see the entity's contacts.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonDto {
    /// Name.
    name: String,
    /// Resident ID, masked (`110105********002X`); the full number is never stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    resident_id_masked: Option<String>,
}

/// A shareholder: `entity` or `person`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShareholderDto {
    /// The holding entity.
    #[serde(skip_serializing_if = "Option::is_none")]
    entity: Option<RelatedEntityDto>,
    /// The holding person.
    #[serde(skip_serializing_if = "Option::is_none")]
    person: Option<PersonDto>,
    /// Share held, in per cent, when declared.
    #[serde(skip_serializing_if = "Option::is_none")]
    share_percent: Option<f64>,
}

/// An officer.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfficerDto {
    /// The person.
    person: PersonDto,
    /// Post.
    post: String,
}

/// An entity's relations as last declared. Public as the national enterprise credit system makes
/// them (entities, names, posts, shares); masked IDs only for the entity's members, the centre and
/// regulators of its region.
#[derive(Debug, Serialize, ToSchema)]
pub struct RelationsDto {
    /// The declaring entity.
    credit_code: String,
    /// When declared (RFC 3339, UTC); absent when it never declared.
    #[serde(skip_serializing_if = "Option::is_none")]
    declared_at: Option<String>,
    /// Shareholders, in declared order.
    shareholders: Vec<ShareholderDto>,
    /// Officers, in declared order.
    officers: Vec<OfficerDto>,
    /// Controlling entity.
    #[serde(skip_serializing_if = "Option::is_none")]
    controlling_entity: Option<RelatedEntityDto>,
    /// Whether persons carry their masked ID for this viewer.
    persons_identified: bool,
}

fn entity_dto(view: RelatedEntityView) -> RelatedEntityDto {
    RelatedEntityDto { credit_code: view.credit_code, name: view.name }
}

fn person_dto(view: PersonView) -> PersonDto {
    PersonDto { name: view.name, resident_id_masked: view.resident_id_masked }
}

fn relations_dto(view: RelationsView) -> RelationsDto {
    RelationsDto {
        credit_code: view.credit_code,
        declared_at: view.declared_at_ms.map(rfc3339),
        shareholders: view
            .shareholders
            .into_iter()
            .map(|s| ShareholderDto {
                entity: s.entity.map(entity_dto),
                person: s.person.map(person_dto),
                share_percent: s.share_bp.map(|bp| f64::from(bp) / 100.0),
            })
            .collect(),
        officers: view
            .officers
            .into_iter()
            .map(|o| OfficerDto { person: person_dto(o.person), post: o.post })
            .collect(),
        controlling_entity: view.controlling_entity.map(entity_dto),
        persons_identified: view.persons_identified,
    }
}

/// A share in per cent as basis points: the number's decimal text, so that 33.33 is exactly 3333
/// (no float rounding); more than 0, at most 100, at most two decimals.
fn share_bp(field: &str, number: &serde_json::Number) -> Result<u16, FieldError> {
    let invalid = || {
        FieldError::new(
            field,
            "invalid_share_percent",
            format!("持股比例（{field}）以百分数填写，须大于0且不超过100，最多两位小数，如 51 或 33.33"),
        )
    };
    let text = number.to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let fraction = fraction.trim_end_matches('0');
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 3 || !digits(whole) || fraction.len() > 2 || !digits(fraction) {
        return Err(invalid());
    }
    let whole: u32 = whole.parse().map_err(|_| invalid())?;
    let hundredths: u32 = format!("{fraction:0<2}").parse().map_err(|_| invalid())?;
    let bp = whole * 100 + hundredths;
    match u16::try_from(bp) {
        Ok(bp) if (1..=10_000).contains(&bp) => Ok(bp),
        _ => Err(invalid()),
    }
}

/// Parses every field at once, so that the client sees all problems in one answer.
fn parse_relations(state: &WebState, credit_code: &str, request: RelationsRequest) -> Result<RelationsInput, ApiError> {
    let mut errors = Vec::new();
    let today = state.app.today();
    let credit = collect(parse::credit_code("credit_code", credit_code), &mut errors);
    let mut shareholders = Vec::new();
    for (i, shareholder) in request.shareholders.into_iter().enumerate() {
        let share_field = format!("shareholders[{i}].share_percent");
        let share = match &shareholder.share_percent {
            Some(number) => collect(share_bp(&share_field, number), &mut errors).map(Some),
            None => Some(None),
        };
        let holder = match (shareholder.credit_code, shareholder.name, shareholder.resident_id) {
            (Some(code), None, None) => {
                collect(parse::credit_code(&format!("shareholders[{i}].credit_code"), &code), &mut errors)
                    .map(HolderInput::Entity)
            }
            (None, Some(name), Some(id)) => {
                let field = format!("shareholders[{i}].resident_id");
                collect(parse::resident_id(&field, "股东身份证号码", &id, today), &mut errors)
                    .map(|resident_id| HolderInput::Person { name, resident_id })
            }
            _ => {
                errors.push(FieldError::new(
                    format!("shareholders[{i}]"),
                    "relation_holder_ambiguous",
                    format!("股东（shareholders[{i}]）须填写统一社会信用代码 credit_code，或姓名 name 和身份证号码 resident_id，二者选一"),
                ));
                None
            }
        };
        if let (Some(holder), Some(share_bp)) = (holder, share) {
            shareholders.push(ShareholderInput { holder, share_bp });
        }
    }
    let mut officers = Vec::new();
    for (i, officer) in request.officers.into_iter().enumerate() {
        let field = format!("officers[{i}].resident_id");
        if let Some(resident_id) =
            collect(parse::resident_id(&field, "人员身份证号码", &officer.resident_id, today), &mut errors)
        {
            officers.push(OfficerInput { name: officer.name, resident_id, post: officer.post });
        }
    }
    let controlling_entity = match request.controlling_entity {
        Some(code) => collect(parse::credit_code("controlling_entity", &code), &mut errors).map(Some),
        None => Some(None),
    };
    match (credit, controlling_entity) {
        (Some(credit_code), Some(controlling_entity)) if errors.is_empty() => {
            Ok(RelationsInput { credit_code, shareholders, officers, controlling_entity })
        }
        _ => Err(ApiError::invalid(errors)),
    }
}

/// Declares an entity's shareholders, officers and controlling entity, replacing its previous
/// declaration (its members, or the centre or an admin of its region).
#[utoipa::path(put, path = "/api/v1/entities/{credit_code}/relations", tag = "entities", request_body = RelationsRequest, responses(
    (status = 200, body = RelationsDto),
    (status = 403, description = "forbidden, not_entity_member", body = ErrorBody),
    (status = 404, body = ErrorBody),
    (status = 409, description = "version_conflict: another declaration was recorded at the same time", body = ErrorBody),
    (status = 422, description = "invalid_credit_code, invalid_resident_id, invalid_share_percent, relation_holder_ambiguous, relation_duplicate, relation_to_self, relations_too_many, invalid_text, invalid_input", body = ErrorBody),
), security(("session" = []), ("api_token" = [])))]
pub async fn declare_entity_relations(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(credit_code): Path<String>,
    ApiJson(request): ApiJson<RelationsRequest>,
) -> ApiResult<axum::Json<RelationsDto>> {
    let input = parse_relations(&state, &credit_code, request)?;
    Ok(axum::Json(relations_dto(state.app.declare_entity_relations(&actor, input).await?)))
}

/// An entity's relations as last declared; masked IDs only for those who may see its contacts.
#[utoipa::path(get, path = "/api/v1/entities/{credit_code}/relations", tag = "entities", responses(
    (status = 200, body = RelationsDto),
    (status = 404, body = ErrorBody),
))]
pub async fn get_entity_relations(
    State(state): State<WebState>,
    MaybeActor(actor): MaybeActor,
    Path(credit_code): Path<String>,
) -> ApiResult<axum::Json<RelationsDto>> {
    let code = credit_code.trim().to_ascii_uppercase();
    Ok(axum::Json(relations_dto(state.app.entity_relations(actor.as_ref(), &code).await?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bp(json: &str) -> Result<u16, &'static str> {
        let number: serde_json::Number = serde_json::from_str(json).map_err(|_| "not a number")?;
        share_bp("s", &number).map_err(|e| e.code)
    }

    #[test]
    fn share_percent_in_basis_points() {
        let table = [
            ("51", Ok(5100)),
            ("33.33", Ok(3333)),
            ("0.01", Ok(1)),
            ("100", Ok(10_000)),
            ("100.0", Ok(10_000)),
            ("50.5", Ok(5050)),
            ("0", Err("invalid_share_percent")),
            ("-5", Err("invalid_share_percent")),
            ("100.01", Err("invalid_share_percent")),
            ("33.333", Err("invalid_share_percent")),
            ("1e-7", Err("invalid_share_percent")),
            ("1000", Err("invalid_share_percent")),
        ];
        for (json, expected) in table {
            assert_eq!(bp(json), expected, "{json}");
        }
    }
}

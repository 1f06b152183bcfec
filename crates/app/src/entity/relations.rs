//! The entity-relations register (关联关系): what an entity declares about its shareholders (an
//! entity by credit code, or a natural person), its officers (董事、监事、高级管理人员) and its
//! controlling entity. Each declaration replaces the previous one as a whole
//! (`EntityRelationsDeclared`, on the entity's own relations stream, so it does not move the
//! version clients send when they change the entity's details).
//!
//! Persons are recorded as name, masked resident ID and person key, never the full number, so the
//! register can say "the same person" without holding anyone's ID. Who reads what: the register is
//! public as the national enterprise credit system makes it (entity shareholders, the persons'
//! names, posts and shares); masked IDs only to those who may see the entity's contacts (its
//! members, the centre and regulators of its region). Person keys never leave the platform.

use std::collections::BTreeSet;

use ggzy_domain::authz::Action;
use ggzy_domain::{CreditCode, ResidentId};
use ggzy_store::ExpectedVersion;
use ggzy_store::projection::{EntityRelationRow, ProjectionOp};
use serde::{Deserialize, Serialize};

use super::stored_region;
use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, AppResult, FieldError};
use crate::events::{Event, Recorded};

/// Most shareholders one declaration lists (a company limited by shares may have up to 200
/// promoters, 公司法 第九十二条; a longer register is filed in parts elsewhere).
pub const SHAREHOLDERS_MAX: usize = 200;

/// Most officers one declaration lists.
pub const OFFICERS_MAX: usize = 100;

/// Basis points of a whole (100%).
const WHOLE_BP: u32 = 10_000;

/// Longest name or post, in characters.
const TEXT_MAX_CHARS: usize = 50;

/// The `kind` of the `entity_relation` rows.
pub(crate) const KIND_SHAREHOLDER: &str = "shareholder";
pub(crate) const KIND_OFFICER: &str = "officer";
pub(crate) const KIND_CONTROLLER: &str = "controller";

/// The stream of an entity's relations declarations.
pub(crate) fn stream_of(credit_code: &str) -> String {
    format!("entity-relations-{credit_code}")
}

/// Who holds the shares, as declared.
#[derive(Debug, Clone)]
pub enum HolderInput {
    /// A market entity (it need not be registered on the platform).
    Entity(CreditCode),
    /// A natural person.
    Person {
        /// Name.
        name: String,
        /// Resident ID (validated, then kept only masked and as a person key).
        resident_id: ResidentId,
    },
}

/// One shareholder as declared.
#[derive(Debug, Clone)]
pub struct ShareholderInput {
    /// The holder.
    pub holder: HolderInput,
    /// The share in basis points (1 to 10000), when declared.
    pub share_bp: Option<u16>,
}

/// One officer (董事、监事、高级管理人员) as declared.
#[derive(Debug, Clone)]
pub struct OfficerInput {
    /// Name.
    pub name: String,
    /// Resident ID (validated, then kept only masked and as a person key).
    pub resident_id: ResidentId,
    /// Post (董事长, 董事, 监事, 总经理 ...).
    pub post: String,
}

/// A whole declaration, parsed into validated types at the edge.
#[derive(Debug, Clone)]
pub struct RelationsInput {
    /// The declaring entity.
    pub credit_code: CreditCode,
    /// Its shareholders.
    pub shareholders: Vec<ShareholderInput>,
    /// Its officers.
    pub officers: Vec<OfficerInput>,
    /// Its controlling entity (控股股东 or the entity in control), if any.
    pub controlling_entity: Option<CreditCode>,
}

/// A person as recorded: never the full ID number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonDetails {
    /// Name.
    pub name: String,
    /// Resident ID, masked.
    pub resident_id_masked: String,
    /// Person key (hex).
    pub person_key: String,
}

/// A shareholder as recorded: an entity (`credit_code`) or a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareholderDetails {
    /// The holding entity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_code: Option<String>,
    /// The holding person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<PersonDetails>,
    /// Share in basis points, when declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_bp: Option<u16>,
}

/// An officer as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficerDetails {
    /// The person.
    pub person: PersonDetails,
    /// Post.
    pub post: String,
}

/// A relations declaration as recorded (`EntityRelationsDeclared`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityRelationsDetails {
    /// The declaring entity.
    pub credit_code: String,
    /// Shareholders, in declared order.
    pub shareholders: Vec<ShareholderDetails>,
    /// Officers, in declared order.
    pub officers: Vec<OfficerDetails>,
    /// Controlling entity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controlling_entity: Option<String>,
}

impl EntityRelationsDetails {
    /// The projection update: the declaration's rows replace the entity's previous ones.
    pub(crate) fn projection(&self, at_ms: i64) -> ProjectionOp {
        let blank = |kind: &str| EntityRelationRow {
            credit_code: self.credit_code.clone(),
            position: 0,
            kind: kind.to_owned(),
            related_credit_code: None,
            person_name: None,
            person_id_masked: None,
            person_key: None,
            share_bp: None,
            post: None,
        };
        let with_person = |row: EntityRelationRow, person: &PersonDetails| EntityRelationRow {
            person_name: Some(person.name.clone()),
            person_id_masked: Some(person.resident_id_masked.clone()),
            person_key: Some(person.person_key.clone()),
            ..row
        };
        let mut rows = Vec::new();
        for shareholder in &self.shareholders {
            let row = EntityRelationRow {
                related_credit_code: shareholder.credit_code.clone(),
                share_bp: shareholder.share_bp.map(i64::from),
                ..blank(KIND_SHAREHOLDER)
            };
            rows.push(match &shareholder.person {
                Some(person) => with_person(row, person),
                None => row,
            });
        }
        for officer in &self.officers {
            rows.push(with_person(
                EntityRelationRow { post: Some(officer.post.clone()), ..blank(KIND_OFFICER) },
                &officer.person,
            ));
        }
        if let Some(controller) = &self.controlling_entity {
            rows.push(EntityRelationRow { related_credit_code: Some(controller.clone()), ..blank(KIND_CONTROLLER) });
        }
        for (position, row) in rows.iter_mut().enumerate() {
            row.position = i64::try_from(position).unwrap_or(i64::MAX);
        }
        ProjectionOp::ReplaceEntityRelations { credit_code: self.credit_code.clone(), declared_at_ms: at_ms, rows }
    }
}

/// A related entity as shown: its name when it is registered on the platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelatedEntityView {
    /// 统一社会信用代码.
    pub credit_code: String,
    /// Registered name on the platform, if registered.
    pub name: Option<String>,
}

/// A person as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonView {
    /// Name.
    pub name: String,
    /// Resident ID, masked; only for viewers who may see the entity's contacts.
    pub resident_id_masked: Option<String>,
}

/// A shareholder as shown: an entity or a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareholderView {
    /// The holding entity.
    pub entity: Option<RelatedEntityView>,
    /// The holding person.
    pub person: Option<PersonView>,
    /// Share in basis points, when declared.
    pub share_bp: Option<u16>,
}

/// An officer as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficerView {
    /// The person.
    pub person: PersonView,
    /// Post.
    pub post: String,
}

/// An entity's relations as last declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationsView {
    /// The declaring entity.
    pub credit_code: String,
    /// When declared, UTC ms; `None` when it never declared any.
    pub declared_at_ms: Option<i64>,
    /// Shareholders, in declared order.
    pub shareholders: Vec<ShareholderView>,
    /// Officers, in declared order.
    pub officers: Vec<OfficerView>,
    /// Controlling entity.
    pub controlling_entity: Option<RelatedEntityView>,
    /// Whether masked IDs are shown to this viewer.
    pub persons_identified: bool,
}

fn check_name(field: String, value: &str, label: &str, errors: &mut Vec<FieldError>) {
    let chars = value.trim().chars().count();
    if chars == 0 || chars > TEXT_MAX_CHARS {
        errors.push(FieldError::new(field, "invalid_text", format!("{label}不能为空，且不超过{TEXT_MAX_CHARS}个字符")));
    }
}

/// Checks what parsing could not: lengths, counts, duplicates, self-reference and the total share.
fn check(input: &RelationsInput) -> AppResult<()> {
    let mut errors = Vec::new();
    let own = &input.credit_code;
    if input.shareholders.len() > SHAREHOLDERS_MAX {
        errors.push(FieldError::new(
            "shareholders",
            "relations_too_many",
            format!("股东最多申报{SHAREHOLDERS_MAX}个（本次{}个）", input.shareholders.len()),
        ));
    }
    if input.officers.len() > OFFICERS_MAX {
        errors.push(FieldError::new(
            "officers",
            "relations_too_many",
            format!("董事、监事和高级管理人员最多申报{OFFICERS_MAX}人（本次{}人）", input.officers.len()),
        ));
    }
    let mut holders = BTreeSet::new();
    let mut total_bp: u32 = 0;
    for (i, shareholder) in input.shareholders.iter().enumerate() {
        total_bp += u32::from(shareholder.share_bp.unwrap_or(0));
        let (field, seen) = match &shareholder.holder {
            HolderInput::Entity(code) => {
                let field = format!("shareholders[{i}].credit_code");
                if code == own {
                    errors.push(FieldError::new(
                        field.clone(),
                        "relation_to_self",
                        format!("股东（{field}）不能是申报主体自身"),
                    ));
                }
                (field, holders.insert(code.as_str().to_owned()))
            }
            HolderInput::Person { name, resident_id } => {
                check_name(format!("shareholders[{i}].name"), name, "股东姓名", &mut errors);
                let field = format!("shareholders[{i}].resident_id");
                (field, holders.insert(resident_id.as_str().to_owned()))
            }
        };
        if !seen {
            errors.push(FieldError::new(
                field.clone(),
                "relation_duplicate",
                format!("股东（{field}）重复申报：同一股东只申报一次，持股比例合并填写"),
            ));
        }
    }
    if total_bp > WHOLE_BP {
        errors.push(FieldError::new(
            "shareholders",
            "invalid_share_percent",
            format!("各股东持股比例合计为{}%，超过100%，请核对", percent_text(total_bp)),
        ));
    }
    let mut officers = BTreeSet::new();
    for (i, officer) in input.officers.iter().enumerate() {
        check_name(format!("officers[{i}].name"), &officer.name, "人员姓名", &mut errors);
        check_name(format!("officers[{i}].post"), &officer.post, "职务", &mut errors);
        if !officers.insert(officer.resident_id.as_str()) {
            let field = format!("officers[{i}].resident_id");
            errors.push(FieldError::new(
                field.clone(),
                "relation_duplicate",
                format!("人员（{field}）重复申报：一人兼任多个职务的，在职务中合并填写（如“董事长兼总经理”）"),
            ));
        }
    }
    if input.controlling_entity.as_ref() == Some(own) {
        errors.push(FieldError::new(
            "controlling_entity",
            "relation_to_self",
            "控股或控制单位（controlling_entity）不能是申报主体自身",
        ));
    }
    if errors.is_empty() { Ok(()) } else { Err(AppError::Invalid(errors)) }
}

/// Basis points as a per-cent figure: 10050 → "100.5".
fn percent_text(bp: u32) -> String {
    let text = format!("{}.{:02}", bp / 100, bp % 100);
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

impl App {
    fn person_details(&self, name: &str, resident_id: &ResidentId) -> AppResult<PersonDetails> {
        Ok(PersonDetails {
            name: name.trim().to_owned(),
            resident_id_masked: resident_id.masked(),
            person_key: self.require_person_key(resident_id)?.to_hex(),
        })
    }

    /// Records an entity's relations, replacing its previous declaration: a user acting for the
    /// entity, or centre staff or an admin of its region (as for changing its details).
    pub async fn declare_entity_relations(&self, actor: &Actor, input: RelationsInput) -> AppResult<RelationsView> {
        let credit_code = input.credit_code.as_str();
        let row = self.store.entity(credit_code).await?.ok_or(AppError::NotFound { what: "市场主体" })?;
        let region = stored_region(&row.region_code)?;
        actor.authorize_on_entity(Action::UpdateEntity, &region, credit_code)?;
        check(&input)?;
        let mut shareholders = Vec::with_capacity(input.shareholders.len());
        for shareholder in &input.shareholders {
            shareholders.push(match &shareholder.holder {
                HolderInput::Entity(code) => ShareholderDetails {
                    credit_code: Some(code.as_str().to_owned()),
                    person: None,
                    share_bp: shareholder.share_bp,
                },
                HolderInput::Person { name, resident_id } => ShareholderDetails {
                    credit_code: None,
                    person: Some(self.person_details(name, resident_id)?),
                    share_bp: shareholder.share_bp,
                },
            });
        }
        let officers = input
            .officers
            .iter()
            .map(|officer| {
                Ok(OfficerDetails {
                    person: self.person_details(&officer.name, &officer.resident_id)?,
                    post: officer.post.trim().to_owned(),
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        let details = EntityRelationsDetails {
            credit_code: credit_code.to_owned(),
            shareholders,
            officers,
            controlling_entity: input.controlling_entity.as_ref().map(|code| code.as_str().to_owned()),
        };
        let stream_id = stream_of(credit_code);
        // The store re-checks this version in the append, so two declarations racing cannot both
        // replace the same one: the later is a version conflict, to be resent.
        let expected = match self.store.stream_version(&stream_id).await? {
            0 => ExpectedVersion::NoStream,
            version => ExpectedVersion::Exactly(version),
        };
        let event = Recorded {
            stream_id: stream_id.clone(),
            region_code: row.region_code.clone(),
            event: Event::EntityRelationsDeclared(details),
        };
        self.record(actor, vec![(stream_id, expected)], vec![event], Vec::new()).await?;
        self.entity_relations(Some(actor), credit_code).await
    }

    /// An entity's relations as last declared (empty and undated when it declared none).
    pub async fn entity_relations(&self, viewer: Option<&Actor>, credit_code: &str) -> AppResult<RelationsView> {
        let row = self.store.entity(credit_code).await?.ok_or(AppError::NotFound { what: "市场主体" })?;
        let region = stored_region(&row.region_code)?;
        let identified = viewer
            .is_some_and(|viewer| viewer.authorize_on_entity(Action::ReadEntityContacts, &region, credit_code).is_ok());
        let declared_at_ms = self.store.entity_relations_declared_at(credit_code).await?;
        let mut view = RelationsView {
            credit_code: row.credit_code,
            declared_at_ms,
            shareholders: Vec::new(),
            officers: Vec::new(),
            controlling_entity: None,
            persons_identified: identified,
        };
        for relation in self.store.entity_relations(credit_code).await? {
            let person = relation.person_name.clone().map(|name| PersonView {
                name,
                resident_id_masked: relation.person_id_masked.clone().filter(|_| identified),
            });
            let entity = match &relation.related_credit_code {
                Some(code) => Some(self.related_entity(code).await?),
                None => None,
            };
            match relation.kind.as_str() {
                KIND_SHAREHOLDER => view.shareholders.push(ShareholderView {
                    entity,
                    person,
                    share_bp: relation.share_bp.map(stored_share).transpose()?,
                }),
                KIND_OFFICER => view.officers.push(OfficerView {
                    person: person.ok_or_else(|| stored_fault(&relation, "officer without a person"))?,
                    post: relation.post.clone().unwrap_or_default(),
                }),
                KIND_CONTROLLER => view.controlling_entity = entity,
                _ => return Err(stored_fault(&relation, "unknown kind")),
            }
        }
        Ok(view)
    }

    async fn related_entity(&self, credit_code: &str) -> AppResult<RelatedEntityView> {
        let name = self.store.entity(credit_code).await?.map(|row| row.name);
        Ok(RelatedEntityView { credit_code: credit_code.to_owned(), name })
    }
}

/// A stored share in basis points (written from a `u16`).
pub(crate) fn stored_share(share_bp: i64) -> AppResult<u16> {
    u16::try_from(share_bp).map_err(|_| AppError::Internal(format!("stored share {share_bp} bp")))
}

pub(crate) fn stored_fault(row: &EntityRelationRow, what: &str) -> AppError {
    AppError::Internal(format!("stored relation {}#{} ({}): {what}", row.credit_code, row.position, row.kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_text_drops_trailing_zeros() {
        assert_eq!(percent_text(10050), "100.5");
        assert_eq!(percent_text(12000), "120");
        assert_eq!(percent_text(10001), "100.01");
    }
}

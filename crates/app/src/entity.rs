//! Market entities (市场主体库): registration, changes, public and private views.
//!
//! The legal representative's resident ID is checked and then kept only masked and as a person key
//! ([`person_key`]); the entity's declared shareholders, officers and controlling entity are the
//! relations register ([`relations`]), which the expert draw's avoidance screen and the related
//! bidders rule read through [`relation_facts`].

pub mod person_key;
pub(crate) mod relation_facts;
pub mod relations;

use ggzy_domain::authz::Action;
use ggzy_domain::{CreditCode, RegionCode, ResidentId};
use ggzy_store::ExpectedVersion;
use ggzy_store::projection::EntityRow;
use ggzy_store::read::RegionRange;

use crate::App;
use crate::actor::{Actor, Credential};
use crate::error::{AppError, AppResult, FieldError};
use crate::events::{EntityDetails, Event, Recorded, stream};
use crate::regions::region_range;

/// Details of an entity as submitted, already parsed into validated types at the edge.
#[derive(Debug, Clone)]
pub struct EntityInput {
    /// 统一社会信用代码.
    pub credit_code: CreditCode,
    /// Registered name.
    pub name: String,
    /// Registration region (checked against the region table).
    pub region: RegionCode,
    /// Legal representative's name.
    pub legal_rep_name: String,
    /// Legal representative's resident ID (validated, then only kept masked).
    pub legal_rep_id: ResidentId,
    /// Contact person.
    pub contact_name: String,
    /// Contact phone.
    pub contact_phone: String,
    /// Address.
    pub address: String,
}

/// An entity as shown; `contacts` only to those allowed to see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityView {
    /// 统一社会信用代码.
    pub credit_code: String,
    /// Registered name.
    pub name: String,
    /// Registration region.
    pub region_code: String,
    /// Full name of the region.
    pub region_name: String,
    /// Legal representative (public in the national enterprise credit system).
    pub legal_rep_name: String,
    /// When it registered, UTC ms.
    pub registered_at_ms: i64,
    /// When it last changed, UTC ms.
    pub updated_at_ms: i64,
    /// Version, for optimistic concurrency on updates.
    pub version: i64,
    /// Private details, if the viewer may see them.
    pub contacts: Option<EntityContacts>,
}

/// The private part of an entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityContacts {
    /// Legal representative's ID, masked.
    pub legal_rep_id_masked: String,
    /// Contact person.
    pub contact_name: String,
    /// Contact phone.
    pub contact_phone: String,
    /// Address.
    pub address: String,
}

fn check_text(field: &str, value: &str, max_chars: usize, label: &str, errors: &mut Vec<FieldError>) {
    let chars = value.trim().chars().count();
    if chars == 0 || chars > max_chars {
        errors.push(FieldError::new(field, "invalid_text", format!("{label}不能为空，且不超过{max_chars}个字符")));
    }
}

fn check_phone(value: &str, errors: &mut Vec<FieldError>) {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let allowed = value.chars().all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | ' ' | '(' | ')'));
    if !allowed || !(7..=20).contains(&digits) {
        errors.push(FieldError::new("contact_phone", "invalid_phone", "联系电话应为7至20位数字，可含 - + ( ) 和空格"));
    }
}

fn validate(input: &EntityInput, legal_rep_person_key: Option<String>) -> AppResult<EntityDetails> {
    let mut errors = Vec::new();
    check_text("name", &input.name, 100, "主体名称", &mut errors);
    check_text("legal_rep_name", &input.legal_rep_name, 50, "法定代表人姓名", &mut errors);
    check_text("contact_name", &input.contact_name, 50, "联系人", &mut errors);
    check_text("address", &input.address, 200, "地址", &mut errors);
    check_phone(&input.contact_phone, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok(EntityDetails {
        credit_code: input.credit_code.as_str().to_owned(),
        name: input.name.trim().to_owned(),
        region_code: input.region.as_str().to_owned(),
        legal_rep_name: input.legal_rep_name.trim().to_owned(),
        legal_rep_id_masked: input.legal_rep_id.masked(),
        legal_rep_person_key,
        contact_name: input.contact_name.trim().to_owned(),
        contact_phone: input.contact_phone.trim().to_owned(),
        address: input.address.trim().to_owned(),
    })
}

impl App {
    /// Registers a market entity; a bidder, principal or agency registering becomes its member.
    pub async fn register_entity(&self, actor: &Actor, input: EntityInput) -> AppResult<EntityView> {
        let details = validate(&input, self.person_key(&input.legal_rep_id).map(|key| key.to_hex()))?;
        actor.authorize(Action::RegisterEntity, &input.region)?;
        let stream_id = stream::entity(&details.credit_code);
        let region_code = details.region_code.clone();
        let credit_code = details.credit_code.clone();
        let mut events = vec![Recorded {
            stream_id: stream_id.clone(),
            region_code: region_code.clone(),
            event: Event::EntityRegistered(details),
        }];
        let acts_for_entities = actor.grants.iter().any(|grant| grant.role.acts_for_entity());
        if actor.credential != Credential::System && acts_for_entities {
            events.push(Recorded {
                stream_id: stream_id.clone(),
                region_code,
                event: Event::EntityMemberAdded { credit_code: credit_code.clone(), user_id: actor.user_id.clone() },
            });
        }
        match self.record(actor, vec![(stream_id, ExpectedVersion::NoStream)], events, Vec::new()).await {
            Ok(_) => {}
            Err(AppError::VersionConflict { .. }) => return Err(AppError::AlreadyExists { what: "市场主体" }),
            Err(other) => return Err(other),
        }
        let mut actor = actor.clone();
        actor.entities.push(credit_code.clone());
        let view = self.entity(Some(&actor), &credit_code).await?;
        self.index_entity(&view).await;
        Ok(view)
    }

    /// Adds a user as a member of an entity (center staff or admin, or the system when seeding).
    pub async fn add_entity_member(&self, actor: &Actor, credit_code: &str, user_id: &str) -> AppResult<()> {
        let row = self.store.entity(credit_code).await?.ok_or(AppError::NotFound { what: "市场主体" })?;
        let region = stored_region(&row.region_code)?;
        actor.authorize(Action::UpdateEntity, &region)?;
        self.store.user(user_id).await?.ok_or(AppError::NotFound { what: "用户" })?;
        let stream_id = stream::entity(credit_code);
        let event = Recorded {
            stream_id: stream_id.clone(),
            region_code: row.region_code.clone(),
            event: Event::EntityMemberAdded { credit_code: credit_code.to_owned(), user_id: user_id.to_owned() },
        };
        self.record(actor, vec![(stream_id, ExpectedVersion::Exactly(row.version))], vec![event], Vec::new()).await?;
        Ok(())
    }

    /// Changes an entity's details; `expected_version` is the version the caller last read.
    pub async fn update_entity(
        &self,
        actor: &Actor,
        expected_version: i64,
        input: EntityInput,
    ) -> AppResult<EntityView> {
        let details = validate(&input, self.person_key(&input.legal_rep_id).map(|key| key.to_hex()))?;
        let current =
            self.store.entity(input.credit_code.as_str()).await?.ok_or(AppError::NotFound { what: "市场主体" })?;
        let current_region = stored_region(&current.region_code)?;
        actor.authorize_on_entity(Action::UpdateEntity, &current_region, &details.credit_code)?;
        actor.authorize_on_entity(Action::UpdateEntity, &input.region, &details.credit_code)?;
        let stream_id = stream::entity(&details.credit_code);
        // The projected version is the stream's version (member additions count too); the append
        // below re-checks it against the log, so a race between this read and the write is a conflict.
        if expected_version != current.version {
            return Err(AppError::VersionConflict { expected: expected_version, actual: current.version });
        }
        let credit_code = details.credit_code.clone();
        let event = Recorded {
            stream_id: stream_id.clone(),
            region_code: details.region_code.clone(),
            event: Event::EntityUpdated(details),
        };
        self.record(actor, vec![(stream_id, ExpectedVersion::Exactly(expected_version))], vec![event], Vec::new())
            .await?;
        let view = self.entity(Some(actor), &credit_code).await?;
        self.index_entity(&view).await;
        Ok(view)
    }

    /// One entity; contacts only for viewers the policy allows.
    pub async fn entity(&self, viewer: Option<&Actor>, credit_code: &str) -> AppResult<EntityView> {
        let row = self.store.entity(credit_code).await?.ok_or(AppError::NotFound { what: "市场主体" })?;
        let region = stored_region(&row.region_code)?;
        let may_see_contacts = viewer
            .is_some_and(|viewer| viewer.authorize_on_entity(Action::ReadEntityContacts, &region, credit_code).is_ok());
        Ok(self.entity_view(row, may_see_contacts))
    }

    /// Entities in credit-code order, optionally within a region and below, after a cursor.
    pub async fn list_entities(
        &self,
        region: Option<&RegionCode>,
        after: Option<&str>,
        limit: i64,
    ) -> AppResult<Vec<EntityView>> {
        let range: Option<RegionRange> = region.map(region_range);
        let rows = self.store.entities(range.as_ref(), after, limit.clamp(1, 200)).await?;
        Ok(rows.into_iter().map(|row| self.public_entity_view(row)).collect())
    }

    pub(crate) fn public_entity_view(&self, row: EntityRow) -> EntityView {
        self.entity_view(row, false)
    }

    fn entity_view(&self, row: EntityRow, with_contacts: bool) -> EntityView {
        let region_name =
            RegionCode::parse(&row.region_code).ok().and_then(|code| self.regions.full_name(&code)).unwrap_or_default();
        let contacts = with_contacts.then(|| EntityContacts {
            legal_rep_id_masked: row.legal_rep_id_masked.clone(),
            contact_name: row.contact_name.clone(),
            contact_phone: row.contact_phone.clone(),
            address: row.address.clone(),
        });
        EntityView {
            credit_code: row.credit_code,
            name: row.name,
            region_code: row.region_code,
            region_name,
            legal_rep_name: row.legal_rep_name,
            registered_at_ms: row.registered_at_ms,
            updated_at_ms: row.updated_at_ms,
            version: row.version,
            contacts,
        }
    }
}

pub(crate) fn stored_region(code: &str) -> AppResult<RegionCode> {
    RegionCode::parse(code).map_err(|e| AppError::Internal(format!("stored region code {code}: {e}")))
}

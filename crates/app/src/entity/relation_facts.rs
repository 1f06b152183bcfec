//! The relations register read as the domain's relation facts ([`Relation`]) around a set of
//! parties: what the avoidance screen of a draw and the related-bidders rule (条例34) consume.
//!
//! For each party: its legal representative (by person key), what it declared (shareholders,
//! officers, controlling entity), what other entities declared naming it (it holds shares in them
//! or controls them), and the other entities whose legal representative has the same person key.
//! That is every fact one link deep from a party; the consumers decide which links matter.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use ggzy_domain::CreditCode;
use ggzy_domain::expert::{ExpertId, Holder, Relation};
use ggzy_domain::person_key::PersonKey;
use ggzy_domain::resident_id::ResidentId;
use ggzy_store::projection::EntityRelationRow;

use super::relations::{KIND_CONTROLLER, KIND_OFFICER, KIND_SHAREHOLDER, stored_fault, stored_share};
use crate::App;
use crate::error::{AppError, AppResult};

fn stored_code(text: &str) -> AppResult<CreditCode> {
    CreditCode::parse(text).map_err(|e| AppError::Internal(format!("stored credit code {text}: {e}")))
}

fn stored_key(text: &str) -> AppResult<PersonKey> {
    PersonKey::parse_hex(text).map_err(|e| AppError::Internal(format!("stored person key: {e}")))
}

/// The fact a stored row states about its declaring entity.
fn relation_of_row(row: &EntityRelationRow) -> AppResult<Relation> {
    let entity = stored_code(&row.credit_code)?;
    let related = row.related_credit_code.as_deref().map(stored_code).transpose()?;
    let person = row.person_key.as_deref().map(stored_key).transpose()?;
    Ok(match (row.kind.as_str(), related, person) {
        (KIND_SHAREHOLDER, Some(holder), _) => Relation::Shareholder {
            holder: Holder::Entity(holder),
            entity,
            share_bp: row.share_bp.map(stored_share).transpose()?,
        },
        (KIND_SHAREHOLDER, None, Some(person)) => Relation::Shareholder {
            holder: Holder::Person(person),
            entity,
            share_bp: row.share_bp.map(stored_share).transpose()?,
        },
        (KIND_OFFICER, _, Some(person)) => Relation::Officer { person, entity },
        (KIND_CONTROLLER, Some(controller), _) => Relation::Controller { controller, entity },
        _ => return Err(stored_fault(row, "incomplete row")),
    })
}

impl App {
    /// Every relation fact one link deep from `parties`, without duplicates, in a stable order.
    pub(crate) async fn party_relations(&self, parties: &[CreditCode]) -> AppResult<Vec<Relation>> {
        let parties: BTreeSet<&CreditCode> = parties.iter().collect();
        let mut seen = HashSet::new();
        let mut relations = Vec::new();
        let mut push = |relation: Relation| {
            if seen.insert(relation.clone()) {
                relations.push(relation);
            }
        };
        for party in parties {
            let code = party.as_str();
            if let Some(key) = self.store.entity(code).await?.and_then(|row| row.legal_rep_person_key) {
                // The party itself is among the entities this key heads.
                for headed in self.store.entities_with_legal_rep(&key).await? {
                    push(Relation::LegalRepresentative {
                        person: stored_key(&key)?,
                        entity: stored_code(&headed.credit_code)?,
                    });
                }
            }
            for row in self.store.entity_relations(code).await? {
                push(relation_of_row(&row)?);
            }
            for row in self.store.entity_relations_naming(code).await? {
                push(relation_of_row(&row)?);
            }
        }
        Ok(relations)
    }

    /// The person keys of every expert of the pool (empty without the deployment's pepper, when
    /// no entity has keys either).
    pub(crate) async fn expert_person_keys(&self) -> AppResult<BTreeMap<ExpertId, PersonKey>> {
        let mut keys = BTreeMap::new();
        if self.person_key_pepper.is_none() {
            return Ok(keys);
        }
        for row in self.store.all_experts().await? {
            let id = ExpertId::parse(&row.expert_id)
                .map_err(|e| AppError::Internal(format!("stored expert id {}: {e}", row.expert_id)))?;
            let resident_id = ResidentId::parse(&row.resident_id)
                .map_err(|e| AppError::Internal(format!("stored resident id of expert {}: {e}", row.expert_id)))?;
            keys.insert(id, self.require_person_key(&resident_id)?);
        }
        Ok(keys)
    }
}

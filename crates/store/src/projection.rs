//! Projection updates: read models kept in the same transaction as the events that cause them.
//!
//! The app maps each event to the operations below (so a rebuild replays events through the same
//! mapping); this module only knows how each operation is written in SQL.

use sqlx::AnyConnection;

use crate::alert::{self, AlertOp};
use crate::connect::Backend;
use crate::error::{StoreError, StoreResult};
use crate::expert::{self, ExpertOp};
use crate::tender_projection::{self, TenderOp};

/// A market entity (市场主体) row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityRow {
    /// 统一社会信用代码.
    pub credit_code: String,
    /// Registered name.
    pub name: String,
    /// Region where it is registered.
    pub region_code: String,
    /// Legal representative's name.
    pub legal_rep_name: String,
    /// Legal representative's resident ID, masked (the full number is never stored).
    pub legal_rep_id_masked: String,
    /// Legal representative's person key (hex), to recognise the person across entities; `None`
    /// for entities recorded before keys existed (or by a tool without the deployment's pepper).
    pub legal_rep_person_key: Option<String>,
    /// Contact person.
    pub contact_name: String,
    /// Contact phone.
    pub contact_phone: String,
    /// Address.
    pub address: String,
    /// When it registered, UTC ms.
    pub registered_at_ms: i64,
    /// When it last changed, UTC ms.
    pub updated_at_ms: i64,
    /// Version of the entity's event stream.
    pub version: i64,
}

/// One declared relation of an entity (关联关系): a shareholder, an officer or the controlling
/// entity. Persons appear as name, masked ID and person key only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityRelationRow {
    /// The declaring entity.
    pub credit_code: String,
    /// Order within the declaration, from 0.
    pub position: i64,
    /// `shareholder`, `officer` or `controller`.
    pub kind: String,
    /// The entity that holds shares or controls (an entity shareholder, the controlling entity).
    pub related_credit_code: Option<String>,
    /// The person's name (a natural-person shareholder, an officer).
    pub person_name: Option<String>,
    /// The person's resident ID, masked.
    pub person_id_masked: Option<String>,
    /// The person's key (hex).
    pub person_key: Option<String>,
    /// Share in basis points (5000 = 50%), when declared.
    pub share_bp: Option<i64>,
    /// An officer's post.
    pub post: Option<String>,
}

/// One write to a read model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectionOp {
    /// A region starts running a (branch) platform.
    EnablePlatformRegion {
        /// Region code.
        region_code: String,
        /// Full Chinese name.
        name: String,
        /// The platform region above it, if any.
        parent_code: Option<String>,
        /// When, UTC ms.
        enabled_at_ms: i64,
    },
    /// A new market entity.
    InsertEntity(EntityRow),
    /// New details of an existing entity.
    UpdateEntity(EntityRow),
    /// A new user.
    InsertUser {
        /// User id.
        user_id: String,
        /// Login name.
        username: String,
        /// Name shown.
        display_name: String,
        /// Home region.
        region_code: String,
        /// When, UTC ms.
        created_at_ms: i64,
    },
    /// A role granted for a region.
    GrantRole {
        /// User id.
        user_id: String,
        /// Role identifier.
        role: String,
        /// Region.
        region_code: String,
    },
    /// An entity's relations declaration replaces the previous one.
    ReplaceEntityRelations {
        /// The declaring entity.
        credit_code: String,
        /// When, UTC ms.
        declared_at_ms: i64,
        /// The declared relations, in order.
        rows: Vec<EntityRelationRow>,
    },
    /// The entity's stream moved on without a change of details (the projected version follows).
    SetEntityVersion {
        /// The entity.
        credit_code: String,
        /// Its stream version now.
        version: i64,
    },
    /// A user acts for an entity.
    AddEntityMember {
        /// The entity.
        credit_code: String,
        /// The user.
        user_id: String,
    },
    /// A write to the tender read models.
    Tender(TenderOp),
    /// A write to the expert pool's read model, a draw's sealed secret or the outbox.
    Expert(ExpertOp),
    /// A write to the supervision alerts' read model.
    Alert(AlertOp),
    /// An OCDS release imported from another publisher (reference data, `ocds_import`).
    PutOcdsRelease(crate::ocds_import::OcdsImportRow),
    /// A sale announced.
    PutSale(crate::sale::SaleRow),
    /// A government procurement planned.
    PutProcurement(crate::procurement::ProcurementRow),
    /// A credit record (penalty or debarment) recorded.
    PutCreditRecord(crate::credit::CreditRecordRow),
    /// A small one-shot bid file, kept in the database with the event that names it.
    PutInlineBlob(crate::inline_blob::InlineBlob),
    /// A credit record revoked.
    RevokeCreditRecord {
        /// The record.
        record_id: String,
        /// Why.
        reason: String,
        /// When, UTC ms.
        at_ms: i64,
    },
    /// A password hash. Operational, not derived from events: secrets never enter the record, so
    /// the event says only that the password was set; this row commits with it.
    SetCredential {
        /// User id.
        user_id: String,
        /// Argon2id PHC string.
        password_hash: String,
        /// When, UTC ms.
        updated_at_ms: i64,
    },
}

impl ProjectionOp {
    /// A guard on a tender's state (see [`TenderOp::RequireState`]).
    pub(crate) fn is_tender_state_guard(&self) -> bool {
        matches!(self, ProjectionOp::Tender(TenderOp::RequireState { .. }))
    }

    /// Whether this write leaves every tender row as it was (see [`TenderOp::leaves_tenders`]).
    pub(crate) fn leaves_tenders(&self) -> bool {
        match self {
            ProjectionOp::Tender(op) => op.leaves_tenders(),
            ProjectionOp::PutInlineBlob(_) => true,
            _ => false,
        }
    }
}

pub(crate) async fn apply(conn: &mut AnyConnection, backend: Backend, op: &ProjectionOp) -> StoreResult<()> {
    match op {
        ProjectionOp::Tender(op) => tender_projection::apply(conn, backend, op).await?,
        ProjectionOp::Expert(op) => expert::apply(conn, op).await?,
        ProjectionOp::Alert(op) => alert::apply(conn, op).await?,
        ProjectionOp::PutOcdsRelease(row) => crate::ocds_import::put(conn, row).await?,
        ProjectionOp::PutSale(row) => crate::sale::put(conn, row).await?,
        ProjectionOp::PutProcurement(row) => crate::procurement::put(conn, row).await?,
        ProjectionOp::PutCreditRecord(row) => crate::credit::put(conn, row).await?,
        ProjectionOp::PutInlineBlob(blob) => crate::bid_batch::put_blobs(conn, backend, &[blob]).await?,
        ProjectionOp::RevokeCreditRecord { record_id, reason, at_ms } => {
            crate::credit::revoke(conn, record_id, reason, *at_ms).await?;
        }
        ProjectionOp::EnablePlatformRegion { region_code, name, parent_code, enabled_at_ms } => {
            sqlx::query(
                "INSERT INTO platform_region (region_code, name, parent_code, enabled_at_ms) VALUES ($1, $2, $3, $4)",
            )
            .bind(region_code.as_str())
            .bind(name.as_str())
            .bind(parent_code.as_deref())
            .bind(*enabled_at_ms)
            .execute(&mut *conn)
            .await?;
        }
        ProjectionOp::InsertEntity(row) => {
            sqlx::query(
                "INSERT INTO entity (credit_code, name, region_code, legal_rep_name, legal_rep_id_masked, \
                 contact_name, contact_phone, address, registered_at_ms, updated_at_ms, version, \
                 legal_rep_person_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(row.credit_code.as_str())
            .bind(row.name.as_str())
            .bind(row.region_code.as_str())
            .bind(row.legal_rep_name.as_str())
            .bind(row.legal_rep_id_masked.as_str())
            .bind(row.contact_name.as_str())
            .bind(row.contact_phone.as_str())
            .bind(row.address.as_str())
            .bind(row.registered_at_ms)
            .bind(row.updated_at_ms)
            .bind(row.version)
            .bind(row.legal_rep_person_key.as_deref())
            .execute(&mut *conn)
            .await?;
        }
        ProjectionOp::UpdateEntity(row) => {
            let result = sqlx::query(
                "UPDATE entity SET name = $2, region_code = $3, legal_rep_name = $4, legal_rep_id_masked = $5, \
                 contact_name = $6, contact_phone = $7, address = $8, updated_at_ms = $9, version = $10, \
                 legal_rep_person_key = $11 WHERE credit_code = $1",
            )
            .bind(row.credit_code.as_str())
            .bind(row.name.as_str())
            .bind(row.region_code.as_str())
            .bind(row.legal_rep_name.as_str())
            .bind(row.legal_rep_id_masked.as_str())
            .bind(row.contact_name.as_str())
            .bind(row.contact_phone.as_str())
            .bind(row.address.as_str())
            .bind(row.updated_at_ms)
            .bind(row.version)
            .bind(row.legal_rep_person_key.as_deref())
            .execute(&mut *conn)
            .await?;
            if result.rows_affected() != 1 {
                return Err(StoreError::Invalid("entity to update does not exist"));
            }
        }
        ProjectionOp::ReplaceEntityRelations { credit_code, declared_at_ms, rows } => {
            replace_entity_relations(conn, credit_code, *declared_at_ms, rows).await?;
        }
        ProjectionOp::InsertUser { user_id, username, display_name, region_code, created_at_ms } => {
            sqlx::query(
                "INSERT INTO app_user (user_id, username, display_name, region_code, created_at_ms) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(user_id.as_str())
            .bind(username.as_str())
            .bind(display_name.as_str())
            .bind(region_code.as_str())
            .bind(*created_at_ms)
            .execute(&mut *conn)
            .await?;
        }
        ProjectionOp::GrantRole { user_id, role, region_code } => {
            sqlx::query(
                "INSERT INTO user_role (user_id, role, region_code) VALUES ($1, $2, $3) \
                 ON CONFLICT (user_id, role, region_code) DO NOTHING",
            )
            .bind(user_id.as_str())
            .bind(role.as_str())
            .bind(region_code.as_str())
            .execute(&mut *conn)
            .await?;
        }
        ProjectionOp::SetEntityVersion { credit_code, version } => {
            let result = sqlx::query("UPDATE entity SET version = $2 WHERE credit_code = $1")
                .bind(credit_code.as_str())
                .bind(*version)
                .execute(&mut *conn)
                .await?;
            if result.rows_affected() != 1 {
                return Err(StoreError::Invalid("entity to update does not exist"));
            }
        }
        ProjectionOp::AddEntityMember { credit_code, user_id } => {
            sqlx::query(
                "INSERT INTO entity_member (credit_code, user_id) VALUES ($1, $2) \
                 ON CONFLICT (credit_code, user_id) DO NOTHING",
            )
            .bind(credit_code.as_str())
            .bind(user_id.as_str())
            .execute(&mut *conn)
            .await?;
        }
        ProjectionOp::SetCredential { user_id, password_hash, updated_at_ms } => {
            sqlx::query(
                "INSERT INTO credential (user_id, password_hash, updated_at_ms) VALUES ($1, $2, $3) \
                 ON CONFLICT (user_id) DO UPDATE SET password_hash = excluded.password_hash, \
                 updated_at_ms = excluded.updated_at_ms",
            )
            .bind(user_id.as_str())
            .bind(password_hash.as_str())
            .bind(*updated_at_ms)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

async fn replace_entity_relations(
    conn: &mut AnyConnection,
    credit_code: &str,
    declared_at_ms: i64,
    rows: &[EntityRelationRow],
) -> StoreResult<()> {
    let result = sqlx::query("UPDATE entity SET relations_declared_at_ms = $2 WHERE credit_code = $1")
        .bind(credit_code)
        .bind(declared_at_ms)
        .execute(&mut *conn)
        .await?;
    if result.rows_affected() != 1 {
        return Err(StoreError::Invalid("entity declaring relations does not exist"));
    }
    sqlx::query("DELETE FROM entity_relation WHERE credit_code = $1").bind(credit_code).execute(&mut *conn).await?;
    for row in rows {
        sqlx::query(
            "INSERT INTO entity_relation (credit_code, position, kind, related_credit_code, person_name, \
             person_id_masked, person_key, share_bp, post) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(credit_code)
        .bind(row.position)
        .bind(row.kind.as_str())
        .bind(row.related_credit_code.as_deref())
        .bind(row.person_name.as_deref())
        .bind(row.person_id_masked.as_deref())
        .bind(row.person_key.as_deref())
        .bind(row.share_bp)
        .bind(row.post.as_deref())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

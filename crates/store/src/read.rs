//! Reads of the projections (read models).

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::connect::Store;
use crate::error::StoreResult;
use crate::projection::{EntityRelationRow, EntityRow};

/// A region that runs a (branch) platform: a tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformRegionRow {
    /// Region code.
    pub region_code: String,
    /// Full Chinese name.
    pub name: String,
    /// Platform region above it.
    pub parent_code: Option<String>,
    /// When it was enabled, UTC ms.
    pub enabled_at_ms: i64,
}

/// An inclusive range of region codes: a region and everything below it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionRange {
    /// Lowest code in the range.
    pub low: String,
    /// Highest code in the range.
    pub high: String,
}

/// `(region_code >= $n AND region_code <= $n+1) OR …` for each range, numbering the placeholders
/// from `next` (advanced past them); the caller binds each range's `low` and `high` in order.
pub(crate) fn region_clause(ranges: &[RegionRange], next: &mut usize) -> String {
    let clauses: Vec<String> = ranges
        .iter()
        .map(|_| {
            let clause = format!("(region_code >= ${} AND region_code <= ${})", *next, *next + 1);
            *next += 2;
            clause
        })
        .collect();
    format!("({})", clauses.join(" OR "))
}

const ENTITY_COLUMNS: &str = "credit_code, name, region_code, legal_rep_name, legal_rep_id_masked, contact_name, \
     contact_phone, address, registered_at_ms, updated_at_ms, version, legal_rep_person_key";

/// Most entities one person key is looked up in (a person heads few entities; a bound keeps the
/// read small even for a key shared by mistake).
const ENTITIES_PER_PERSON_MAX: i64 = 500;

const RELATION_COLUMNS: &str = "credit_code, position, kind, related_credit_code, person_name, person_id_masked, \
     person_key, share_bp, post";

fn relation_from_row(row: &AnyRow) -> Result<EntityRelationRow, sqlx::Error> {
    Ok(EntityRelationRow {
        credit_code: row.try_get(0)?,
        position: row.try_get(1)?,
        kind: row.try_get(2)?,
        related_credit_code: row.try_get(3)?,
        person_name: row.try_get(4)?,
        person_id_masked: row.try_get(5)?,
        person_key: row.try_get(6)?,
        share_bp: row.try_get(7)?,
        post: row.try_get(8)?,
    })
}

fn entity_from_row(row: &AnyRow) -> Result<EntityRow, sqlx::Error> {
    Ok(EntityRow {
        credit_code: row.try_get(0)?,
        name: row.try_get(1)?,
        region_code: row.try_get(2)?,
        legal_rep_name: row.try_get(3)?,
        legal_rep_id_masked: row.try_get(4)?,
        contact_name: row.try_get(5)?,
        contact_phone: row.try_get(6)?,
        address: row.try_get(7)?,
        registered_at_ms: row.try_get(8)?,
        updated_at_ms: row.try_get(9)?,
        version: row.try_get(10)?,
        legal_rep_person_key: row.try_get(11)?,
    })
}

impl Store {
    /// Regions running a platform, in code order.
    pub async fn platform_regions(&self) -> StoreResult<Vec<PlatformRegionRow>> {
        let rows = sqlx::query(
            "SELECT region_code, name, parent_code, enabled_at_ms FROM platform_region ORDER BY region_code",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(PlatformRegionRow {
                    region_code: row.try_get(0)?,
                    name: row.try_get(1)?,
                    parent_code: row.try_get(2)?,
                    enabled_at_ms: row.try_get(3)?,
                })
            })
            .collect()
    }

    /// One market entity.
    pub async fn entity(&self, credit_code: &str) -> StoreResult<Option<EntityRow>> {
        let sql = format!("SELECT {ENTITY_COLUMNS} FROM entity WHERE credit_code = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(credit_code).fetch_optional(self.pool()).await?;
        Ok(row.as_ref().map(entity_from_row).transpose()?)
    }

    /// Entities in credit-code order after `after` (a cursor), optionally within a region range.
    pub async fn entities(
        &self,
        region: Option<&RegionRange>,
        after: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<EntityRow>> {
        let (low, high) = match region {
            Some(range) => (range.low.as_str(), range.high.as_str()),
            None => ("000000", "999999"),
        };
        let sql = format!(
            "SELECT {ENTITY_COLUMNS} FROM entity WHERE region_code >= $1 AND region_code <= $2 \
             AND credit_code > $3 ORDER BY credit_code LIMIT $4"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(low)
            .bind(high)
            .bind(after.unwrap_or(""))
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        Ok(rows.iter().map(entity_from_row).collect::<Result<_, _>>()?)
    }

    /// The entities whose legal representative has this person key, in credit-code order.
    pub async fn entities_with_legal_rep(&self, person_key: &str) -> StoreResult<Vec<EntityRow>> {
        let sql = format!(
            "SELECT {ENTITY_COLUMNS} FROM entity WHERE legal_rep_person_key = $1 ORDER BY credit_code LIMIT $2"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(person_key)
            .bind(ENTITIES_PER_PERSON_MAX)
            .fetch_all(self.pool())
            .await?;
        Ok(rows.iter().map(entity_from_row).collect::<Result<_, _>>()?)
    }

    /// When the entity last declared its relations (`None`: never, or no such entity).
    pub async fn entity_relations_declared_at(&self, credit_code: &str) -> StoreResult<Option<i64>> {
        let row = sqlx::query("SELECT relations_declared_at_ms FROM entity WHERE credit_code = $1")
            .bind(credit_code)
            .fetch_optional(self.pool())
            .await?;
        Ok(match row {
            Some(row) => row.try_get(0)?,
            None => None,
        })
    }

    /// The relations the entity declared, in their declared order.
    pub async fn entity_relations(&self, credit_code: &str) -> StoreResult<Vec<EntityRelationRow>> {
        let sql = format!("SELECT {RELATION_COLUMNS} FROM entity_relation WHERE credit_code = $1 ORDER BY position");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(credit_code).fetch_all(self.pool()).await?;
        Ok(rows.iter().map(relation_from_row).collect::<Result<_, _>>()?)
    }

    /// The relations other entities declared that name `credit_code` as their shareholder or
    /// controlling entity, by declaring entity and order.
    pub async fn entity_relations_naming(&self, credit_code: &str) -> StoreResult<Vec<EntityRelationRow>> {
        let sql = format!(
            "SELECT {RELATION_COLUMNS} FROM entity_relation WHERE related_credit_code = $1 \
             ORDER BY credit_code, position"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(credit_code).fetch_all(self.pool()).await?;
        Ok(rows.iter().map(relation_from_row).collect::<Result<_, _>>()?)
    }

    /// Whether the user acts for the entity.
    pub async fn is_entity_member(&self, credit_code: &str, user_id: &str) -> StoreResult<bool> {
        let row = sqlx::query("SELECT 1 FROM entity_member WHERE credit_code = $1 AND user_id = $2")
            .bind(credit_code)
            .bind(user_id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.is_some())
    }

    /// Entities the user acts for.
    pub async fn user_entities(&self, user_id: &str) -> StoreResult<Vec<String>> {
        let rows = sqlx::query("SELECT credit_code FROM entity_member WHERE user_id = $1 ORDER BY credit_code")
            .bind(user_id)
            .fetch_all(self.pool())
            .await?;
        Ok(rows.iter().map(|row| row.try_get(0)).collect::<Result<_, _>>()?)
    }

    /// Current version of a stream (0 if it has no events).
    pub async fn stream_version(&self, stream_id: &str) -> StoreResult<i64> {
        let row = sqlx::query("SELECT COALESCE(MAX(stream_version), 0) FROM event WHERE stream_id = $1")
            .bind(stream_id)
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get(0)?)
    }

    /// Number of market entities (for the demo summary and tests).
    pub async fn count_entities(&self) -> StoreResult<i64> {
        let row = sqlx::query("SELECT COUNT(*) FROM entity").fetch_one(self.pool()).await?;
        Ok(row.try_get(0)?)
    }

    /// The events of one type recorded in the region ranges, newest first, at most `limit`. Some
    /// records (a tender complaint) are streams of their own with no read model: the event that
    /// opens each stream lists them for a workbench, which folds each stream for its state.
    pub async fn events_of_type(
        &self,
        event_type: &str,
        regions: &[RegionRange],
        limit: i64,
    ) -> StoreResult<Vec<crate::event::StoredEvent>> {
        if regions.is_empty() {
            return Ok(Vec::new());
        }
        let mut next = 2;
        let clause = region_clause(regions, &mut next);
        let sql = format!(
            "SELECT {} FROM event WHERE event_type = $1 AND {clause} ORDER BY position DESC LIMIT ${next}",
            crate::event::EVENT_COLUMNS
        );
        // Only numbered placeholders are spliced in; every value is bound.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(event_type);
        for range in regions {
            query = query.bind(range.low.as_str()).bind(range.high.as_str());
        }
        let rows = query.bind(limit).fetch_all(self.pool()).await?;
        Ok(rows.iter().map(crate::event::event_from_row).collect::<Result<_, _>>()?)
    }
}

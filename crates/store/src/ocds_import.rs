//! OCDS compiled releases imported from other publishers: reference data for supervision, one row
//! per ocid; a release with a later `date` replaces an earlier one, an older one is ignored.

use sqlx::{AnyConnection, Row};

use crate::connect::Store;
use crate::error::StoreResult;

/// One imported release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcdsImportRow {
    /// The contracting process id.
    pub ocid: String,
    /// Who published it (as the importer names them).
    pub publisher: String,
    /// The release's `date` (RFC 3339 as published).
    pub release_date: String,
    /// The compiled release, as read.
    pub release_json: String,
    /// SM3 of the imported file (hex).
    pub file_sm3: String,
    /// Line of the file.
    pub line: i64,
    /// Imported, UTC ms.
    pub imported_at_ms: i64,
}

pub(crate) async fn put(conn: &mut AnyConnection, row: &OcdsImportRow) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO ocds_import (ocid, publisher, release_date, release_json, file_sm3, line, imported_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (ocid) DO UPDATE SET publisher = excluded.publisher, release_date = excluded.release_date, \
         release_json = excluded.release_json, file_sm3 = excluded.file_sm3, line = excluded.line, \
         imported_at_ms = excluded.imported_at_ms WHERE excluded.release_date >= ocds_import.release_date",
    )
    .bind(row.ocid.as_str())
    .bind(row.publisher.as_str())
    .bind(row.release_date.as_str())
    .bind(row.release_json.as_str())
    .bind(row.file_sm3.as_str())
    .bind(row.line)
    .bind(row.imported_at_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl Store {
    /// How many releases are held.
    pub async fn ocds_import_count(&self) -> StoreResult<i64> {
        let row = sqlx::query("SELECT COUNT(*) FROM ocds_import").fetch_one(self.pool()).await?;
        Ok(row.try_get(0)?)
    }

    /// Every release held, as imported, in ocid order.
    pub async fn ocds_imported_all(&self) -> StoreResult<Vec<String>> {
        let rows = sqlx::query("SELECT release_json FROM ocds_import ORDER BY ocid").fetch_all(self.pool()).await?;
        Ok(rows.iter().map(|row| row.try_get(0)).collect::<Result<_, _>>()?)
    }

    /// Every release held with the SM3 of the file it came from (whose import event says in which
    /// region it was imported), in ocid order.
    pub async fn ocds_imported_with_files(&self) -> StoreResult<Vec<(String, String)>> {
        let rows =
            sqlx::query("SELECT release_json, file_sm3 FROM ocds_import ORDER BY ocid").fetch_all(self.pool()).await?;
        Ok(rows.iter().map(|row| Ok((row.try_get(0)?, row.try_get(1)?))).collect::<Result<_, sqlx::Error>>()?)
    }

    /// The release held for an ocid: (publisher, date, JSON).
    pub async fn ocds_imported(&self, ocid: &str) -> StoreResult<Option<(String, String, String)>> {
        let row = sqlx::query("SELECT publisher, release_date, release_json FROM ocds_import WHERE ocid = $1")
            .bind(ocid)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|r| Ok::<_, sqlx::Error>((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))).transpose()?)
    }
}

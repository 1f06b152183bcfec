//! OCDS releases imported from other publishers (`ggzy import --ocds`): reference data for
//! supervision, kept one per ocid (`ocds_import`), with one event per import naming the file's SM3
//! digest, the publisher and the counts, so that what was imported, and when, is on the record.

use ggzy_analytics::ocds_input::ReleaseKey;
use ggzy_store::ExpectedVersion;
use ggzy_store::ocds_import::OcdsImportRow;
use ggzy_store::projection::ProjectionOp;

use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::events::{Event, Recorded, stream};

/// One line that passed the checks.
#[derive(Debug, Clone)]
pub struct ImportedRelease {
    /// Line in the file (1-based).
    pub line: i64,
    /// Its ocid and date.
    pub key: ReleaseKey,
    /// The release as read.
    pub json: String,
}

impl App {
    /// Records an import: the releases (a later `date` replaces an earlier one of the same ocid)
    /// and the event that says what was imported.
    pub async fn import_ocds(
        &self,
        actor: &Actor,
        publisher: &str,
        file_sm3_hex: &str,
        releases: Vec<ImportedRelease>,
        rejected_lines: usize,
    ) -> AppResult<usize> {
        let publisher = publisher.trim();
        if publisher.is_empty() || publisher.chars().count() > 200 {
            return Err(AppError::refused("invalid_text", "发布方名称（publisher）不能为空，且不超过200个字"));
        }
        let imported = releases.len();
        let now_ms = self.now_ms();
        let ops = releases
            .into_iter()
            .map(|release| {
                ProjectionOp::PutOcdsRelease(OcdsImportRow {
                    ocid: release.key.ocid,
                    publisher: publisher.to_owned(),
                    release_date: release.key.date,
                    release_json: release.json,
                    file_sm3: file_sm3_hex.to_owned(),
                    line: release.line,
                    imported_at_ms: now_ms,
                })
            })
            .collect();
        let stream_id = stream::ocds_import(file_sm3_hex);
        let event = Recorded {
            stream_id: stream_id.clone(),
            region_code: actor.region.as_str().to_owned(),
            event: Event::OcdsImported {
                publisher: publisher.to_owned(),
                file_sm3: file_sm3_hex.to_owned(),
                imported: i64::try_from(imported).unwrap_or(i64::MAX),
                rejected: i64::try_from(rejected_lines).unwrap_or(i64::MAX),
            },
        };
        self.record(actor, vec![(stream_id, ExpectedVersion::Any)], vec![event], ops).await?;
        Ok(imported)
    }
}

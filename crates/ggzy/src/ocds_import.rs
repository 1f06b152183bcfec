//! `ggzy import --ocds FILE.jsonl --publisher NAME --region CODE`: another publisher's compiled
//! releases, one per line, into the platform's reference data (`ggzy_app::ocds_import`). Each line
//! that cannot be imported is reported with its line number and field and the rest goes on; progress
//! goes to standard error. Fails only when no line could be imported.

use std::io::{BufRead as _, BufReader};
use std::path::Path;

use anyhow::{Context as _, bail};
use ggzy_analytics::ocds_input::release_key;
use ggzy_app::actor::Actor;
use ggzy_app::ocds_import::ImportedRelease;
use ggzy_crypto::sm3::Sm3Hasher;

use crate::config::Config;

/// Lines between two progress reports.
const PROGRESS_EVERY: usize = 10_000;

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    /// Lines imported.
    pub imported: usize,
    /// Lines refused.
    pub rejected: usize,
}

/// Imports `file` under `config`'s database as `publisher`, recorded by the platform of `region`.
pub async fn import_with_config(
    config: &Config,
    file: &Path,
    publisher: &str,
    region: &str,
) -> anyhow::Result<ImportSummary> {
    let reader = BufReader::new(std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?);
    let mut hasher = Sm3Hasher::new();
    let mut releases = Vec::new();
    let mut rejected = 0;
    for (index, line) in reader.split(b'\n').enumerate() {
        let number = index + 1;
        let bytes = line.with_context(|| format!("{}: reading line {number}", file.display()))?;
        hasher.update(&bytes);
        hasher.update(b"\n");
        if number % PROGRESS_EVERY == 0 {
            eprintln!("read {number} lines ({} to import, {rejected} refused)", releases.len());
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let parsed = std::str::from_utf8(&bytes)
            .map_err(|_| "not UTF-8".to_owned())
            .and_then(|text| {
                serde_json::from_str::<serde_json::Value>(text)
                    .map(|value| (text, value))
                    .map_err(|e| format!("column {}: not valid JSON", e.column()))
            })
            .and_then(|(text, value)| match release_key(&value) {
                Ok(key) => {
                    Ok(ImportedRelease { line: i64::try_from(number).unwrap_or(i64::MAX), key, json: text.to_owned() })
                }
                Err(problem) if problem.field.is_empty() => Err(problem.message),
                Err(problem) => Err(format!("{}: {}", problem.field, problem.message)),
            });
        match parsed {
            Ok(release) => releases.push(release),
            Err(message) => {
                rejected += 1;
                eprintln!("line {number}: {message}");
            }
        }
    }
    if releases.is_empty() {
        bail!("{}: no compiled release could be imported ({rejected} lines refused)", file.display());
    }
    let file_sm3 = hex::encode(hasher.finalize());
    // The importer may be the first to use the database: migrate it first, then import.
    crate::server::open_store(config).await?.close().await;
    let app = crate::server::offline_app(config).await?;
    let home = app.region_table().validate(region).map_err(|e| anyhow::anyhow!("--region {region}: {e}"))?;
    let result = app.import_ocds(&Actor::system(home), publisher, &file_sm3, releases, rejected).await;
    app.store().close().await;
    let imported = result.map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(ImportSummary { imported, rejected })
}

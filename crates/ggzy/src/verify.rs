//! `ggzy verify`: checks the whole hash chain of an event log, from a live database or from a
//! JSON Lines export, and names the first row that is not what was recorded.
//!
//! Verification only reads. A plain path is opened as SQLite in read-only mode (never created,
//! never migrated), so checking a copied or seized database file cannot alter it.

use std::path::Path;

use anyhow::{Context as _, bail};
use ggzy_crypto::chain::ChainVerifier;
use ggzy_crypto::sm2::{PrivateKey, PublicKey};
use ggzy_store::verify::{VerifyError, verify_store_signed};
use ggzy_store::{Store, StoreOptions};

use crate::export;

/// What verification found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyOutcome {
    /// Every event checks out.
    Intact {
        /// Number of events checked.
        events: i64,
        /// Hash of the last event (all zeros for an empty log), lower-case hex: compare it with a
        /// head hash published or notarised earlier to detect a truncated log.
        head_hash_hex: String,
        /// Signed tree heads whose roots match the chain.
        tree_heads: usize,
        /// Whether their platform signatures were checked (the key was available).
        signatures_checked: bool,
    },
    /// The chain is intact but a signed tree head does not match it (history rewritten, events
    /// removed, or a head altered).
    TreeHeadMismatch {
        /// The head's size.
        tree_size: i64,
        /// Why, in words.
        reason: String,
    },
    /// The chain breaks.
    Broken {
        /// Position of the first event that is not as recorded (events before it are intact).
        first_bad_position: i64,
        /// Why, in words.
        reason: String,
        /// Number of events checked and found intact before it.
        events_before: i64,
    },
}

impl VerifyOutcome {
    /// The outcome for a verifier that has checked everything without finding a fault.
    pub(crate) fn intact(verifier: &ChainVerifier) -> VerifyOutcome {
        VerifyOutcome::Intact {
            events: verifier.checked(),
            head_hash_hex: hex::encode(verifier.head_hash()),
            tree_heads: 0,
            signatures_checked: false,
        }
    }

    /// The outcome for a fault at the row the verifier expects next.
    pub(crate) fn broken_next(verifier: &ChainVerifier, reason: String) -> VerifyOutcome {
        VerifyOutcome::Broken { first_bad_position: verifier.checked() + 1, reason, events_before: verifier.checked() }
    }
}

/// Verifies a database URL (`sqlite://…`, `postgres://…`), a SQLite file path, or an export file
/// (a path ending in `.jsonl`).
pub async fn verify_source(source: &str, platform_key: Option<&PublicKey>) -> anyhow::Result<VerifyOutcome> {
    if source.ends_with(".jsonl") && !source.starts_with("sqlite:") && !source.contains("://") {
        let path = source.to_owned();
        // The reader is synchronous (std::io::BufRead); keep it off the async workers.
        return tokio::task::spawn_blocking(move || {
            let file = std::fs::File::open(&path).with_context(|| format!("opening export file {path}"))?;
            export::verify_jsonl(std::io::BufReader::new(file))
        })
        .await
        .context("export verification task")?;
    }
    let url = database_url(source)?;
    let store = Store::connect(&url, StoreOptions { max_connections: 1, ..StoreOptions::default() })
        .await
        .with_context(|| format!("opening {}", ggzy_store::connect::redact_url(source)))?;
    let outcome = verify_store_chain(&store, platform_key).await;
    store.close().await;
    outcome
}

/// The URL to open for a source, read-only where the backend allows it.
pub(crate) fn database_url(source: &str) -> anyhow::Result<String> {
    if source.starts_with("postgres://") || source.starts_with("postgresql://") {
        return Ok(source.to_owned());
    }
    if let Some(rest) = source.strip_prefix("sqlite:") {
        // Without a mode the store would open read-write and create a missing file.
        if source.contains("mode=") {
            return Ok(source.to_owned());
        }
        let path = rest.strip_prefix("//").unwrap_or(rest);
        let path = path.split_once('?').map_or(path, |(path, _)| path);
        // In-memory and percent-encoded names are left to the driver.
        if !path.is_empty() && !path.starts_with(':') && !path.contains('%') {
            check_sqlite_file(Path::new(path))?;
        }
        let separator = if source.contains('?') { '&' } else { '?' };
        return Ok(format!("{source}{separator}mode=ro"));
    }
    if source.contains("://") {
        bail!("unsupported source {source}: use sqlite://PATH, postgres://…, a SQLite file or an export .jsonl");
    }
    check_sqlite_file(Path::new(source))?;
    // sqlx percent-decodes the path, so '%', '?' and '#' in a file name must be encoded.
    let mut encoded = String::with_capacity(source.len());
    for c in source.chars() {
        match c {
            '%' => encoded.push_str("%25"),
            '?' => encoded.push_str("%3F"),
            '#' => encoded.push_str("%23"),
            other => encoded.push(other),
        }
    }
    Ok(format!("sqlite://{encoded}?mode=ro"))
}

/// The platform's public key from a PEM file holding it (SPKI) or the platform's private key (PKCS#8).
pub fn load_platform_key(path: &Path) -> anyhow::Result<PublicKey> {
    let pem = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    PublicKey::from_public_key_pem(&pem)
        .or_else(|_| PrivateKey::from_pkcs8_pem(&pem).map(|key| key.verifying_key()))
        .map_err(|_| anyhow::anyhow!("{} holds no SM2 public or private key", path.display()))
}

/// The first bytes of every SQLite database file (<https://www.sqlite.org/fileformat.html>).
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Refuses, with a clear message, a file that could not be opened read-only as a ggzy database.
/// Such a file would otherwise fail inside the store's connection setup (which switches the
/// journal to WAL, impossible read-only) and surface only as a pool timeout.
fn check_sqlite_file(path: &Path) -> anyhow::Result<()> {
    use std::io::Read as _;
    if !path.is_file() {
        bail!("no such database file: {}", path.display());
    }
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut header = Vec::with_capacity(20);
    file.take(20).read_to_end(&mut header).with_context(|| format!("reading {}", path.display()))?;
    if header.len() < 20 || !header.starts_with(SQLITE_MAGIC) {
        bail!("{} is not a SQLite database", path.display());
    }
    // Header bytes 18 and 19 (file format write and read versions) are 2 in WAL mode, which the
    // store sets on every database it creates.
    if header[18..20] != [2, 2] {
        bail!("{} is not a ggzy database (its SQLite journal is not in WAL mode)", path.display());
    }
    Ok(())
}

/// Checks every event of a store in position order, in constant memory.
pub async fn verify_store_chain(store: &Store, platform_key: Option<&PublicKey>) -> anyhow::Result<VerifyOutcome> {
    match verify_store_signed(store, platform_key).await {
        Ok(report) => Ok(VerifyOutcome::Intact {
            events: report.events,
            head_hash_hex: hex::encode(report.head_hash),
            tree_heads: report.tree_heads,
            signatures_checked: report.signatures_checked,
        }),
        Err(VerifyError::TreeHead { tree_size, reason }) => Ok(VerifyOutcome::TreeHeadMismatch { tree_size, reason }),
        Err(VerifyError::Broken { position, reason, events_before }) => {
            Ok(VerifyOutcome::Broken { first_bad_position: position, reason, events_before })
        }
        Err(VerifyError::Store(error)) => {
            Err(anyhow::Error::new(error).context("cannot read the event log (is this a ggzy database?)"))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use rand::{RngExt as _, SeedableRng as _};
    use sqlx::Connection as _;
    use sqlx::sqlite::SqliteConnection;

    use super::*;
    use crate::demo::seed_demo;
    use crate::demo::tests::test_app;

    /// Seeds the demo into a fresh SQLite file and folds the WAL into it, so copying the one file
    /// copies the whole database. Returns the file and its test database (which owns the directory).
    async fn seeded_file() -> (ggzy_store::testkit::TestDb, std::path::PathBuf) {
        let db = ggzy_store::testkit::TestDb::sqlite();
        let app = test_app(&db).await;
        seed_demo(&app).await.expect("seed");
        app.store().close().await;
        let path = std::path::PathBuf::from(db.url().trim_start_matches("sqlite://"));
        let mut conn = SqliteConnection::connect(&format!("{}?mode=rw", db.url())).await.expect("open");
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut conn).await.expect("checkpoint");
        conn.close().await.expect("close");
        (db, path)
    }

    fn outcome_position(outcome: &VerifyOutcome) -> Option<i64> {
        match outcome {
            VerifyOutcome::Broken { first_bad_position, .. } => Some(*first_bad_position),
            VerifyOutcome::Intact { .. } | VerifyOutcome::TreeHeadMismatch { .. } => None,
        }
    }

    async fn execute(path: &Path, sql: &str, position: i64) -> Result<(), sqlx::Error> {
        let mut conn = SqliteConnection::connect(&format!("sqlite://{}?mode=rw", path.display())).await?;
        let result = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())).bind(position).execute(&mut conn).await;
        conn.close().await?;
        result.map(drop)
    }

    #[tokio::test]
    async fn sources_are_classified_and_missing_files_are_not_created() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("missing.db");
        let missing_text = missing.display().to_string();
        let error = verify_source(&missing_text, None).await.expect_err("missing file");
        assert!(error.to_string().contains("no such database file"), "{error:#}");
        let error = verify_source(&format!("sqlite://{missing_text}"), None).await.expect_err("missing file by URL");
        assert!(error.to_string().contains("no such database file"), "{error:#}");
        assert!(!missing.exists(), "verify created the database file");
        assert_eq!(database_url("/a/b?.db").expect_err("missing").to_string(), "no such database file: /a/b?.db");
        assert!(database_url("mysql://x/y").is_err());
        assert_eq!(database_url("postgres://u@h/db").expect("postgres"), "postgres://u@h/db");
    }

    #[tokio::test]
    async fn an_empty_log_is_intact_and_a_foreign_file_is_an_error() {
        let db = ggzy_store::testkit::TestDb::sqlite();
        db.store().await.close().await;
        let path = db.url().trim_start_matches("sqlite://").to_owned();
        let outcome = verify_source(&path, None).await.expect("verify");
        assert_eq!(
            outcome,
            VerifyOutcome::Intact {
                events: 0,
                head_hash_hex: "0".repeat(64),
                tree_heads: 0,
                signatures_checked: false
            }
        );

        let dir = tempfile::tempdir().expect("tempdir");
        let foreign = |name: &str, wal: bool| {
            let path = dir.path().join(name);
            async move {
                let url = format!("sqlite://{}?mode=rwc", path.display());
                let mut conn = SqliteConnection::connect(&url).await.expect("db");
                let journal = if wal { "PRAGMA journal_mode = WAL" } else { "PRAGMA journal_mode = DELETE" };
                sqlx::query(journal).execute(&mut conn).await.expect("journal mode");
                sqlx::query("CREATE TABLE t (x INTEGER)").execute(&mut conn).await.expect("table");
                conn.close().await.expect("close");
                path.display().to_string()
            }
        };
        let error = verify_source(&foreign("wal.db", true).await, None).await.expect_err("not a ggzy database");
        assert!(format!("{error:#}").contains("cannot read the event log"), "{error:#}");
        let error = verify_source(&foreign("delete.db", false).await, None).await.expect_err("not in WAL mode");
        assert!(format!("{error:#}").contains("not in WAL mode"), "{error:#}");
        let text = dir.path().join("notes.txt");
        std::fs::write(&text, "这不是数据库，只是一段足够长的文字。").expect("write");
        let error = verify_source(&text.display().to_string(), None).await.expect_err("not SQLite");
        assert!(format!("{error:#}").contains("not a SQLite database"), "{error:#}");
    }

    /// Changes one byte (text), one bit (blob) or one bit of the value (integer) of one column of
    /// one row; false if the change collides with a UNIQUE constraint (not a possible tamper).
    async fn tamper(path: &Path, position: i64, column: &str, rng: &mut rand::rngs::StdRng) -> bool {
        let mut conn = SqliteConnection::connect(&format!("sqlite://{}?mode=rw", path.display())).await.expect("open");
        let select = format!("SELECT {column} FROM event WHERE position = $1");
        let update = format!("UPDATE event SET {column} = $1 WHERE position = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(select)).bind(position).fetch_one(&mut conn).await.expect("row");
        let update = sqlx::query(sqlx::AssertSqlSafe(update));
        let update = match column {
            "position" | "stream_version" | "recorded_at_ms" => {
                let value: i64 = sqlx::Row::get(&row, 0);
                update.bind(value ^ (1_i64 << rng.random_range(0..64)))
            }
            "prev_hash" | "hash" => {
                let mut value: Vec<u8> = sqlx::Row::get(&row, 0);
                let at = rng.random_range(0..value.len());
                value[at] ^= 1 << rng.random_range(0..8);
                update.bind(value)
            }
            _ => {
                let value: String = sqlx::Row::get(&row, 0);
                let ascii: Vec<usize> =
                    value.bytes().enumerate().filter(|(_, b)| b.is_ascii()).map(|(i, _)| i).collect();
                let mut bytes = value.into_bytes();
                let at = ascii[rng.random_range(0..ascii.len())];
                let original = bytes[at];
                while bytes[at] == original {
                    bytes[at] = rng.random_range(0x20..0x7f);
                }
                update.bind(String::from_utf8(bytes).expect("ASCII for ASCII keeps UTF-8"))
            }
        };
        let applied = update.bind(position).execute(&mut conn).await.is_ok();
        conn.close().await.expect("close");
        applied
    }

    #[tokio::test]
    async fn tampering_with_any_column_is_found_at_the_row() {
        let (_db, original) = seeded_file().await;
        let intact = verify_source(&original.display().to_string(), None).await.expect("verify");
        let VerifyOutcome::Intact { events, .. } = intact else { panic!("seeded chain broken: {intact:?}") };
        let dir = tempfile::tempdir().expect("tempdir");
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x6767_7a79);
        let columns = [
            "position",
            "stream_id",
            "stream_version",
            "event_type",
            "region_code",
            "actor",
            "recorded_at_ms",
            "payload",
            "prev_hash",
            "hash",
        ];
        let mut seen = HashSet::new();
        for case in 0..30 {
            let copy = dir.path().join(format!("case{case}.db"));
            std::fs::copy(&original, &copy).expect("copy");
            // Every column once, then random ones; the last row too (its renumbering is the hard case).
            let column = columns.get(case).copied().unwrap_or_else(|| columns[rng.random_range(0..columns.len())]);
            let position = if case % 7 == 0 { events } else { rng.random_range(1..=events) };
            if !tamper(&copy, position, column, &mut rng).await {
                continue;
            }
            let outcome = verify_source(&copy.display().to_string(), None).await.expect("verify copy");
            assert_eq!(outcome_position(&outcome), Some(position), "{column} of {position}: {outcome:?}");
            seen.insert(column);
        }
        assert!(seen.len() >= 8, "too few columns exercised: {seen:?}");
    }

    #[tokio::test]
    async fn renumbered_and_undecodable_rows_are_breaks_not_crashes() {
        let (_db, original) = seeded_file().await;
        let intact = verify_source(&original.display().to_string(), None).await.expect("verify");
        let VerifyOutcome::Intact { events, .. } = intact else { panic!("seeded chain broken: {intact:?}") };
        let dir = tempfile::tempdir().expect("tempdir");
        let cases: [(&str, i64); 7] = [
            ("UPDATE event SET payload = CAST(X'C328' AS TEXT) WHERE position = $1", 5),
            ("UPDATE event SET stream_version = 'zwei' WHERE position = $1", 9),
            ("UPDATE event SET hash = 'not a blob' WHERE position = $1", 3),
            ("UPDATE event SET position = -position WHERE position = $1", 7),
            ("UPDATE event SET position = -position WHERE position = $1", events),
            ("UPDATE event SET position = position + 1000000 WHERE position = $1", events),
            ("UPDATE event SET position = 'last' WHERE position = $1", events),
        ];
        for (index, (sql, position)) in cases.into_iter().enumerate() {
            let copy = dir.path().join(format!("odd{index}.db"));
            std::fs::copy(&original, &copy).expect("copy");
            execute(&copy, sql, position).await.expect("tamper");
            let outcome = verify_source(&copy.display().to_string(), None).await.expect("verify copy");
            assert_eq!(outcome_position(&outcome), Some(position), "{sql} at {position}: {outcome:?}");
            if let VerifyOutcome::Broken { events_before, .. } = outcome {
                assert_eq!(events_before, position - 1);
            }
        }
    }
}

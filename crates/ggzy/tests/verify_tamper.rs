//! The tamper-evidence promise, end to end through the real binary: a demo database verifies;
//! changing one byte (or one bit) of any column of any event row, behind the platform's back, makes
//! `ggzy verify` fail and name exactly that row; and the same holds for a line of an export.
//!
//! The cases are random but seeded, so a failure reproduces. Each runs on its own copy of one
//! seeded database; the copy is complete because the WAL is checkpointed into the main file first.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rand::rngs::StdRng;
use rand::{RngExt as _, SeedableRng as _};
use sqlx::sqlite::SqliteConnection;
use sqlx::{AssertSqlSafe, Connection as _, Row as _};

/// Every column of the `event` table.
const COLUMNS: [&str; 10] = [
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

/// Seeded tamper cases against the database (the full run sets `GGZY_TAMPER_CASES`, e.g. 1000).
const DB_CASES: usize = 40;
/// Seeded one-byte edits of the export.
const EXPORT_CASES: usize = 25;
/// Seeded one-bit edits of stored files (sealed bids, technical proposals).
const BLOB_CASES: usize = 12;

/// The number of cases: the default, or `GGZY_TAMPER_CASES` for the long run.
fn cases(default: usize) -> usize {
    std::env::var("GGZY_TAMPER_CASES").ok().and_then(|value| value.parse().ok()).unwrap_or(default)
}

/// The binary, run in `dir` with no `GGZY_*` settings inherited, so neither a `./ggzy.toml` nor the
/// caller's environment can point it at another database.
fn ggzy(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ggzy"));
    command.current_dir(dir);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("GGZY_") {
            command.env_remove(key);
        }
    }
    command
}

fn output_text(output: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// What `ggzy verify` said.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Intact { events: i64, head: String },
    Broken { position: i64 },
}

/// Runs `ggzy verify SOURCE`: exit 0 with `chain intact: N events, head HEX` on stdout, or exit 1
/// with `chain broken at position P: REASON` on stderr. Anything else fails the test.
fn verify(dir: &Path, source: &Path) -> Verdict {
    let output = ggzy(dir).arg("verify").arg(source).output().expect("run ggzy verify");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    match output.status.code() {
        Some(0) => {
            let line = stdout.lines().find_map(|line| line.strip_prefix("chain intact: "));
            let (events, head) = line
                .and_then(|rest| rest.split_once(" events, head "))
                .unwrap_or_else(|| panic!("no intact line:\n{}", output_text(&output)));
            Verdict::Intact { events: events.parse().expect("event count"), head: head.trim().to_owned() }
        }
        Some(1) => {
            let position = stderr
                .lines()
                .find_map(|line| line.split_once("chain broken at position ").map(|(_, rest)| rest))
                .and_then(|rest| rest.split_once(':'))
                .map(|(position, _)| position.parse().expect("position"))
                .unwrap_or_else(|| panic!("no broken line:\n{}", output_text(&output)));
            Verdict::Broken { position }
        }
        _ => panic!("unexpected exit:\n{}", output_text(&output)),
    }
}

fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}?mode=rw", path.display())
}

/// Seeds the demo through the binary into `dir/demo/platform.db`, folds the WAL into the main file
/// and returns the file and its number of events.
async fn seed(dir: &Path) -> (PathBuf, i64) {
    let data_dir = dir.join("demo");
    let output =
        ggzy(dir).arg("demo").arg("--seed-only").arg("--data-dir").arg(&data_dir).output().expect("run ggzy demo");
    assert!(output.status.success(), "demo seeding failed:\n{}", output_text(&output));
    let db = data_dir.join("platform.db");
    let mut conn = SqliteConnection::connect(&sqlite_url(&db)).await.expect("open the demo database");
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut conn).await.expect("checkpoint");
    let events: i64 = sqlx::query("SELECT COUNT(*) FROM event").fetch_one(&mut conn).await.expect("count").get(0);
    conn.close().await.expect("close");
    assert!(events > 30, "demo has only {events} events");
    (db, events)
}

/// An ASCII byte other than `original`, printable so the value stays ordinary text.
fn other_ascii(rng: &mut StdRng, original: u8) -> u8 {
    loop {
        let byte = rng.random_range(0x20..0x7f);
        if byte != original {
            return byte;
        }
    }
}

/// Changes one column of the row at `position` by the smallest possible edit: one bit of an
/// integer's value, one bit of a blob, one ASCII byte of a text (to another ASCII byte, so the
/// text stays valid UTF-8). Returns false when the change hits a UNIQUE constraint (renumbering onto
/// an existing position, or a stream version that exists): not a tamper the database permits.
async fn tamper(db: &Path, position: i64, column: &str, rng: &mut StdRng) -> bool {
    let mut conn = SqliteConnection::connect(&sqlite_url(db)).await.expect("open the copy");
    let select = format!("SELECT {column} FROM event WHERE position = $1");
    let row = sqlx::query(AssertSqlSafe(select)).bind(position).fetch_one(&mut conn).await.expect("the row");
    let update = sqlx::query(AssertSqlSafe(format!("UPDATE event SET {column} = $1 WHERE position = $2")));
    let update = match column {
        "position" | "stream_version" | "recorded_at_ms" => {
            let value: i64 = row.get(0);
            update.bind(value ^ (1_i64 << rng.random_range(0..64)))
        }
        "prev_hash" | "hash" => {
            let mut value: Vec<u8> = row.get(0);
            let at = rng.random_range(0..value.len());
            value[at] ^= 1 << rng.random_range(0..8);
            update.bind(value)
        }
        _ => {
            let value: String = row.get(0);
            let ascii: Vec<usize> = value.bytes().enumerate().filter(|(_, b)| b.is_ascii()).map(|(i, _)| i).collect();
            assert!(!ascii.is_empty(), "{column} of {position} has no ASCII byte: {value}");
            let mut bytes = value.into_bytes();
            let at = ascii[rng.random_range(0..ascii.len())];
            bytes[at] = other_ascii(rng, bytes[at]);
            update.bind(String::from_utf8(bytes).expect("one ASCII byte for another keeps UTF-8"))
        }
    };
    let applied = match update.bind(position).execute(&mut conn).await {
        Ok(done) => {
            assert_eq!(done.rows_affected(), 1);
            true
        }
        Err(sqlx::Error::Database(error)) if error.is_unique_violation() => false,
        Err(other) => panic!("tampering with {column} of {position}: {other}"),
    };
    conn.close().await.expect("close the copy");
    applied
}

#[tokio::test]
async fn one_changed_byte_in_any_column_of_any_row_is_found_at_that_row() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let (db, events) = seed(dir.path()).await;
    let Verdict::Intact { events: verified, head } = verify(dir.path(), &db) else {
        panic!("the freshly seeded demo does not verify");
    };
    assert_eq!(verified, events);
    assert_eq!(head.len(), 64);

    let mut rng = StdRng::seed_from_u64(0x6767_7a79_7665_7269);
    let mut columns_hit = std::collections::BTreeSet::new();
    for case in 0..cases(DB_CASES) {
        let copy = dir.path().join(format!("case{case}.db"));
        std::fs::copy(&db, &copy).expect("copy the database");
        // Each column once first, then random ones; every eighth case hits the last row, where a
        // renumbered row cannot show up as a gap before a later one.
        let column = COLUMNS.get(case).copied().unwrap_or_else(|| COLUMNS[rng.random_range(0..COLUMNS.len())]);
        let mut attempts = 0;
        let position = loop {
            let position = if case % 8 == 7 { events } else { rng.random_range(1..=events) };
            if tamper(&copy, position, column, &mut rng).await {
                break position;
            }
            attempts += 1;
            assert!(attempts < 50, "no permitted change of {column} found");
        };
        columns_hit.insert(column);
        let verdict = verify(dir.path(), &copy);
        assert_eq!(verdict, Verdict::Broken { position }, "case {case}: {column} of event {position}");
        std::fs::remove_file(&copy).ok();
    }
    assert_eq!(columns_hit.len(), COLUMNS.len(), "columns exercised: {columns_hit:?}");
}

#[tokio::test]
async fn one_changed_byte_in_an_export_line_is_found_at_that_line() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let (db, events) = seed(dir.path()).await;
    let Verdict::Intact { head: db_head, .. } = verify(dir.path(), &db) else {
        panic!("the freshly seeded demo does not verify");
    };

    let export = dir.path().join("events.jsonl");
    let output = ggzy(dir.path())
        .arg("export")
        .arg("--database-url")
        .arg(format!("sqlite://{}", db.display()))
        .arg("--out")
        .arg(&export)
        .output()
        .expect("run ggzy export");
    assert!(output.status.success(), "export failed:\n{}", output_text(&output));
    assert_eq!(verify(dir.path(), &export), Verdict::Intact { events, head: db_head });

    let original = std::fs::read(&export).expect("read the export");
    let lines: Vec<&[u8]> = original.split_inclusive(|&b| b == b'\n').collect();
    assert_eq!(i64::try_from(lines.len()).expect("line count"), events);
    for (index, line) in lines.iter().enumerate() {
        let value: serde_json::Value = serde_json::from_slice(line).expect("each line is JSON");
        assert_eq!(value["position"].as_i64(), i64::try_from(index + 1).ok(), "line {}", index + 1);
        assert!(value["payload"].is_string(), "payload is the stored string");
    }

    let mut rng = StdRng::seed_from_u64(0x6578_706f_7274);
    for case in 0..cases(EXPORT_CASES) {
        let index = rng.random_range(0..lines.len());
        let line = lines[index];
        // Any ASCII byte of the line but its newline: keys, punctuation, numbers, hex, payload.
        let ascii: Vec<usize> =
            line[..line.len() - 1].iter().enumerate().filter(|(_, b)| b.is_ascii()).map(|(i, _)| i).collect();
        let at = ascii[rng.random_range(0..ascii.len())];
        let mut edited_line = line.to_vec();
        edited_line[at] = other_ascii(&mut rng, line[at]);
        let edited: Vec<u8> = lines
            .iter()
            .enumerate()
            .flat_map(|(i, l)| if i == index { edited_line.clone() } else { l.to_vec() })
            .collect();
        let path = dir.path().join(format!("edited{case}.jsonl"));
        std::fs::write(&path, &edited).expect("write the edited export");
        let position = i64::try_from(index + 1).expect("position");
        assert_eq!(
            verify(dir.path(), &path),
            Verdict::Broken { position },
            "case {case}: byte {at} of line {position}, {:?} → {:?}",
            char::from(line[at]),
            char::from(edited_line[at]),
        );
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir").filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() { files.extend(files_under(&path)) } else { files.push(path) }
    }
    files.sort();
    files
}

/// Where a stored file lives: its own file under `blobs/`, or a row of `inline_blob` (small one-shot bids).
enum StoredFile {
    File(PathBuf),
    Row(Vec<u8>),
}

async fn inline_addresses(db: &Path) -> Vec<Vec<u8>> {
    let mut conn = SqliteConnection::connect(&sqlite_url(db)).await.expect("open");
    let rows = sqlx::query("SELECT sm3 FROM inline_blob ORDER BY sm3").fetch_all(&mut conn).await.expect("inline rows");
    conn.close().await.expect("close");
    rows.iter().map(|row| row.get(0)).collect()
}

#[tokio::test]
async fn one_changed_bit_in_any_stored_bid_file_is_found_at_the_event_that_names_it() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let (db, _) = seed(dir.path()).await;
    let blobs = db.with_file_name("blobs");
    let files = files_under(&blobs);
    let rows = inline_addresses(&db).await;
    assert!(files.len() >= 2, "the demo's uploaded bids and technical proposals are files: {files:?}");
    assert!(rows.len() >= 3, "the demo's bids sent in one request are kept in the database: {rows:?}");
    let stored: Vec<StoredFile> =
        files.iter().cloned().map(StoredFile::File).chain(rows.into_iter().map(StoredFile::Row)).collect();
    let output = ggzy(dir.path()).arg("verify").arg(&db).output().expect("verify");
    assert!(
        String::from_utf8_lossy(&output.stdout).contains(&format!("stored files: {} match", stored.len())),
        "{}",
        output_text(&output)
    );

    let mut rng = StdRng::seed_from_u64(0x626c_6f62);
    for case in 0..cases(BLOB_CASES) {
        let copy = dir.path().join(format!("blobcase{case}"));
        std::fs::create_dir_all(&copy).expect("case dir");
        let copy_db = copy.join("platform.db");
        std::fs::copy(&db, &copy_db).expect("copy db");
        for file in &files {
            let target = copy.join("blobs").join(file.strip_prefix(&blobs).expect("under blobs"));
            std::fs::create_dir_all(target.parent().expect("parent")).expect("dirs");
            std::fs::copy(file, &target).expect("copy blob");
        }
        // Cases alternate between the two places, so each is tested whatever the random draws.
        let (in_files, in_rows): (Vec<_>, Vec<_>) = stored.iter().partition(|s| matches!(s, StoredFile::File(_)));
        let pool = if case % 2 == 0 { in_files } else { in_rows };
        let address = match pool[rng.random_range(0..pool.len())] {
            StoredFile::File(victim) => {
                let target = copy.join("blobs").join(victim.strip_prefix(&blobs).expect("under blobs"));
                let mut bytes = std::fs::read(&target).expect("blob");
                let at = rng.random_range(0..bytes.len());
                bytes[at] ^= 1 << rng.random_range(0..8);
                std::fs::write(&target, bytes).expect("tampered blob");
                victim.file_name().expect("name").to_string_lossy().into_owned()
            }
            StoredFile::Row(address) => {
                let mut conn = SqliteConnection::connect(&sqlite_url(&copy_db)).await.expect("open copy");
                let mut bytes: Vec<u8> = sqlx::query("SELECT bytes FROM inline_blob WHERE sm3 = $1")
                    .bind(address.as_slice())
                    .fetch_one(&mut conn)
                    .await
                    .expect("row")
                    .get(0);
                let at = rng.random_range(0..bytes.len());
                bytes[at] ^= 1 << rng.random_range(0..8);
                sqlx::query("UPDATE inline_blob SET bytes = $1 WHERE sm3 = $2")
                    .bind(bytes)
                    .bind(address.as_slice())
                    .execute(&mut conn)
                    .await
                    .expect("tampered row");
                conn.close().await.expect("close");
                hex::encode(address)
            }
        };
        let mut conn = SqliteConnection::connect(&sqlite_url(&db)).await.expect("open");
        let position: i64 = sqlx::query("SELECT position FROM event WHERE payload LIKE $1")
            .bind(format!("%{address}%"))
            .fetch_one(&mut conn)
            .await
            .expect("the event naming the file")
            .get(0);
        conn.close().await.expect("close");
        let output = ggzy(dir.path()).arg("verify").arg(&copy_db).output().expect("verify");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "case {case}: {}", output_text(&output));
        assert!(
            stderr.contains(&format!("stored file broken at position {position}: stored file {address} was altered")),
            "case {case}: {stderr}"
        );
        std::fs::remove_dir_all(&copy).ok();
    }
}

#[test]
fn a_missing_database_file_is_an_error_and_is_not_created() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let missing = dir.path().join("nothing-here.db");
    let output = ggzy(dir.path()).arg("verify").arg(&missing).output().expect("run ggzy verify");
    assert!(!output.status.success(), "verifying a missing file succeeded:\n{}", output_text(&output));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no such database file"), "{}", output_text(&output));
    assert!(!missing.exists(), "verify created the file it was asked to check");
}

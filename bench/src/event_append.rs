//! Event-append benchmark: durable appends through the store's group commit, against a baseline of
//! one transaction per row on the same backend, then a full chain verification proving that no event
//! was lost.
//!
//! ```text
//! cargo run --release -p ggzy-bench --bin event-append -- \
//!     [--backend sqlite|postgres|both] [--writers 64] [--seconds 10] \
//!     [--database-url postgres://postgres@127.0.0.1:5432/postgres]
//! ```
//!
//! The PostgreSQL URL names an admin database (default: `BENCH_DATABASE_URL`, else the local
//! server); the benchmark creates `ggzy_bench_<pid>` there and drops it at the end, also on error.
//! Loopback only. Benchmarks never fail the test run: this is a plain binary, not a test.

#![allow(clippy::print_stdout, reason = "a benchmark reports on standard output")]

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use ggzy_store::verify::verify_store;
use ggzy_store::{AppendRequest, Backend, ExpectedVersion, NewEvent, Store, StoreOptions};
use sqlx::{AnyConnection, Connection, Executor, Row};

const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
/// Size of each event's JSON payload, in bytes.
const PAYLOAD_BYTES: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    Sqlite,
    Postgres,
    Both,
}

#[derive(Debug, Clone)]
struct Args {
    which: Which,
    writers: usize,
    duration: Duration,
    admin_url: String,
}

const USAGE: &str = "usage: event-append [--backend sqlite|postgres|both] [--writers N] [--seconds S] \
                     [--database-url postgres://USER@HOST:PORT/ADMIN_DB]";

fn parse_args() -> Result<Args> {
    let mut which = Which::Sqlite;
    let mut writers = 64usize;
    let mut seconds = 10.0f64;
    let mut admin_url = std::env::var("BENCH_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| DEFAULT_ADMIN_URL.to_owned());
    for (key, value) in ggzy_bench::flags(USAGE)? {
        match key.as_str() {
            "--backend" => {
                which = match value.as_str() {
                    "sqlite" => Which::Sqlite,
                    "postgres" | "postgresql" => Which::Postgres,
                    "both" => Which::Both,
                    other => bail!("unknown backend {other:?}\n{USAGE}"),
                }
            }
            "--writers" => writers = value.parse().context("--writers")?,
            "--seconds" => seconds = value.parse().context("--seconds")?,
            "--database-url" => admin_url = value,
            other => bail!("unknown argument {other:?}\n{USAGE}"),
        }
    }
    if writers == 0 {
        bail!("--writers must be at least 1");
    }
    if !(seconds.is_finite() && seconds > 0.0 && seconds <= 3600.0) {
        bail!("--seconds must be in (0, 3600]");
    }
    Ok(Args { which, writers, duration: Duration::from_secs_f64(seconds), admin_url })
}

/// What one measurement found.
#[derive(Debug, Clone)]
struct Measured {
    events: u64,
    elapsed: Duration,
    /// Latency of each operation, sorted ascending.
    latencies_us: Vec<u64>,
}

impl Measured {
    fn from_parts(events: u64, elapsed: Duration, mut latencies_us: Vec<u64>) -> Measured {
        latencies_us.sort_unstable();
        Measured { events, elapsed, latencies_us }
    }

    fn per_second(&self) -> f64 {
        self.events as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile_ms(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return f64::NAN;
        }
        // Nearest rank.
        let rank = ((p / 100.0) * self.latencies_us.len() as f64).ceil() as usize;
        let index = rank.clamp(1, self.latencies_us.len()) - 1;
        self.latencies_us[index] as f64 / 1000.0
    }
}

/// One backend's results.
#[derive(Debug)]
struct Report {
    backend: &'static str,
    version: String,
    group: Measured,
    baseline: Measured,
    verified: i64,
}

#[tokio::main]
async fn main() -> Result<()> {
    sqlx::any::install_default_drivers();
    let args = parse_args()?;
    let mut reports = Vec::new();
    if matches!(args.which, Which::Sqlite | Which::Both) {
        eprintln!("sqlite: {} writers, {:?} per measurement ...", args.writers, args.duration);
        reports.push(run_sqlite(&args).await.context("SQLite benchmark")?);
    }
    if matches!(args.which, Which::Postgres | Which::Both) {
        eprintln!("postgres: {} writers, {:?} per measurement ...", args.writers, args.duration);
        reports.push(run_postgres(&args).await.context("PostgreSQL benchmark")?);
    }
    print_table(&args, &reports);
    Ok(())
}

async fn run_sqlite(args: &Args) -> Result<Report> {
    let dir = tempfile::tempdir().context("temporary directory")?;
    let store_url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let baseline_url = format!("sqlite://{}?mode=rwc", dir.path().join("baseline.db").display());

    let store = Store::connect(&store_url, StoreOptions::default()).await.context("connect store")?;
    store.migrate().await.context("migrate store")?;
    let (group, verified) = measure_store(&store, args).await?;

    let mut conn = AnyConnection::connect(&baseline_url).await.context("connect baseline")?;
    conn.execute("PRAGMA journal_mode = WAL").await?;
    conn.execute("PRAGMA synchronous = FULL").await?;
    let version: String = sqlx::query("SELECT sqlite_version()").fetch_one(&mut conn).await?.try_get(0)?;
    let baseline = measure_baseline(&mut conn, Backend::Sqlite, args.duration).await?;
    conn.close().await.ok();

    Ok(Report { backend: "SQLite", version: format!("SQLite {version}"), group, baseline, verified })
}

async fn run_postgres(args: &Args) -> Result<Report> {
    let name = format!("ggzy_bench_{}", std::process::id());
    let mut admin = AnyConnection::connect(&args.admin_url).await.with_context(|| {
        format!("connect to the admin database {}", ggzy_store::connect::redact_url(&args.admin_url))
    })?;
    admin
        .execute(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
        .await
        .context("drop a stale benchmark database")?;
    admin.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).await.context("create benchmark database")?;
    let base = args.admin_url.rsplit_once('/').map_or(args.admin_url.as_str(), |(base, _)| base);
    let url = format!("{base}/{name}");

    let outcome = postgres_inner(&url, args).await;

    let dropped = admin.execute(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))).await;
    admin.close().await.ok();
    let report = outcome?;
    dropped.with_context(|| format!("drop benchmark database {name}"))?;
    Ok(report)
}

async fn postgres_inner(url: &str, args: &Args) -> Result<Report> {
    let store = Store::connect(url, StoreOptions::default()).await.context("connect store")?;
    store.migrate().await.context("migrate store")?;
    let (group, verified) = measure_store(&store, args).await?;

    let mut conn = AnyConnection::connect(url).await.context("connect baseline")?;
    let version: String = sqlx::query("SHOW server_version").fetch_one(&mut conn).await?.try_get(0)?;
    let baseline = measure_baseline(&mut conn, Backend::Postgres, args.duration).await?;
    conn.close().await.ok();

    Ok(Report { backend: "PostgreSQL", version: format!("PostgreSQL {version}"), group, baseline, verified })
}

/// A JSON payload of exactly [`PAYLOAD_BYTES`] bytes.
fn payload(writer: usize, seq: i64) -> String {
    let head = format!(r#"{{"kind":"bench.appended","writer":{writer},"seq":{seq},"amount_cents":123456,"note":""#);
    let tail = r#""}"#;
    let fill = PAYLOAD_BYTES.saturating_sub(head.len() + tail.len());
    format!("{head}{}{tail}", "x".repeat(fill))
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
}

/// Group commit: `writers` tasks, each appending one event at a time to its own stream until the
/// deadline; then closes the store and verifies the whole chain. Returns the measurement and the
/// number of events the verification checked.
async fn measure_store(store: &Store, args: &Args) -> Result<(Measured, i64)> {
    let start = Instant::now();
    let deadline = start + args.duration;
    let mut tasks = Vec::with_capacity(args.writers);
    for writer in 0..args.writers {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let stream_id = format!("bench-{writer:04}");
            let mut version = 0i64;
            let mut latencies = Vec::with_capacity(1 << 14);
            while Instant::now() < deadline {
                let request = AppendRequest {
                    actor: "bench".to_owned(),
                    recorded_at_ms: now_ms(),
                    expected: vec![(stream_id.clone(), ExpectedVersion::Exactly(version))],
                    events: vec![NewEvent {
                        stream_id: stream_id.clone(),
                        event_type: "BenchAppended".to_owned(),
                        region_code: "110000".to_owned(),
                        payload: payload(writer, version + 1),
                    }],
                    projections: vec![],
                };
                let began = Instant::now();
                let appended = store.append(request).await.with_context(|| format!("append to {stream_id}"))?;
                latencies.push(u64::try_from(began.elapsed().as_micros()).unwrap_or(u64::MAX));
                version += 1;
                if appended.stream_versions != [(stream_id.clone(), version)] {
                    bail!("{stream_id}: expected version {version}, got {:?}", appended.stream_versions);
                }
            }
            Ok::<Vec<u64>, anyhow::Error>(latencies)
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.context("writer task panicked")??);
    }
    let elapsed = start.elapsed();
    let events = latencies.len() as u64;

    eprintln!("  verifying the chain of {events} events ...");
    let report = verify_store(store).await?;
    store.close().await;
    if u64::try_from(report.events).ok() != Some(events) {
        bail!("verified {} events but {events} appends succeeded", report.events);
    }
    Ok((Measured::from_parts(events, elapsed, latencies), report.events))
}

/// Baseline: one connection, one transaction (BEGIN, single-row INSERT, COMMIT) per event.
async fn measure_baseline(conn: &mut AnyConnection, backend: Backend, duration: Duration) -> Result<Measured> {
    let create = match backend {
        Backend::Sqlite => {
            "CREATE TABLE bench_baseline (position BIGINT PRIMARY KEY, stream_id TEXT NOT NULL, \
             stream_version BIGINT NOT NULL, event_type TEXT NOT NULL, region_code TEXT NOT NULL, \
             actor TEXT NOT NULL, recorded_at_ms BIGINT NOT NULL, payload TEXT NOT NULL, \
             prev_hash BLOB NOT NULL, hash BLOB NOT NULL, UNIQUE (stream_id, stream_version))"
        }
        Backend::Postgres => {
            "CREATE TABLE bench_baseline (position BIGINT PRIMARY KEY, stream_id TEXT NOT NULL, \
             stream_version BIGINT NOT NULL, event_type TEXT NOT NULL, region_code TEXT NOT NULL, \
             actor TEXT NOT NULL, recorded_at_ms BIGINT NOT NULL, payload TEXT NOT NULL, \
             prev_hash BYTEA NOT NULL, hash BYTEA NOT NULL, UNIQUE (stream_id, stream_version))"
        }
    };
    conn.execute(create).await.context("create baseline table")?;
    let mut latencies = Vec::with_capacity(1 << 14);
    let mut prev_hash = vec![0u8; 32];
    let start = Instant::now();
    let deadline = start + duration;
    let mut position = 0i64;
    while Instant::now() < deadline {
        position += 1;
        // A stand-in hash of the same size: the baseline measures the database, not SM3.
        let mut hash = prev_hash.clone();
        hash[..8].copy_from_slice(&position.to_le_bytes());
        let began = Instant::now();
        let mut tx = conn.begin().await?;
        sqlx::query(
            "INSERT INTO bench_baseline (position, stream_id, stream_version, event_type, region_code, actor, \
             recorded_at_ms, payload, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(position)
        .bind("bench-baseline")
        .bind(position)
        .bind("BenchAppended")
        .bind("110000")
        .bind("bench")
        .bind(now_ms())
        .bind(payload(0, position))
        .bind(prev_hash.as_slice())
        .bind(hash.as_slice())
        .execute(&mut *tx)
        .await
        .context("baseline insert")?;
        tx.commit().await.context("baseline commit")?;
        latencies.push(u64::try_from(began.elapsed().as_micros()).unwrap_or(u64::MAX));
        prev_hash = hash;
    }
    let elapsed = start.elapsed();
    let count: i64 = sqlx::query("SELECT COUNT(*) FROM bench_baseline").fetch_one(&mut *conn).await?.try_get(0)?;
    if count != position {
        bail!("baseline: {count} rows stored, {position} committed");
    }
    Ok(Measured::from_parts(latencies.len() as u64, elapsed, latencies))
}

fn machine_facts() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpu = ggzy_bench::machine::cpu_model();
    let kernel = ggzy_bench::machine::kernel();
    let commit = ggzy_bench::machine::commit();
    format!("nproc {cores}, {cpu}, Linux {kernel}, commit {commit}, release build, loopback")
}

fn print_table(args: &Args, reports: &[Report]) {
    println!();
    println!(
        "Event appends, {} writers, {} s per measurement, {PAYLOAD_BYTES}-byte JSON payload; {}.",
        args.writers,
        args.duration.as_secs_f64(),
        machine_facts()
    );
    println!();
    println!("| backend | measurement | events | events/s | p50 | p99 |");
    println!("|---|---|---:|---:|---:|---:|");
    for report in reports {
        let rows = [
            (format!("group commit, `Store::append`, {} writers", args.writers), &report.group),
            ("baseline: 1 row per transaction, 1 connection".to_owned(), &report.baseline),
        ];
        for (label, measured) in rows {
            println!(
                "| {} | {label} | {} | {} | {:.2} ms | {:.2} ms |",
                report.version,
                ggzy_bench::thousands(measured.events as f64),
                ggzy_bench::thousands(measured.per_second()),
                measured.percentile_ms(50.0),
                measured.percentile_ms(99.0),
            );
        }
        println!(
            "| {} | **ratio group commit / baseline** | | **{:.1}×** | | |",
            report.backend,
            report.group.per_second() / report.baseline.per_second()
        );
        println!(
            "| {} | chain verified (`verify_store`) | {} | | | |",
            report.backend,
            ggzy_bench::thousands(report.verified as f64)
        );
    }
}

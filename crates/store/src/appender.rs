//! The single appender: group commit of the event log.
//!
//! Callers send append requests over a channel; one task owns the write connection. Whatever has
//! queued while the previous commit was syncing goes into the next transaction together, so a
//! burst of N writers costs one transaction and one fsync instead of N. A caller's future resolves
//! only after the transaction holding its events has committed (SQLite: WAL, `synchronous=FULL`).
//!
//! Inside a batch each request stays atomic and independent: version conflicts are found in memory
//! before anything is written, and a request with projection updates runs under its own SAVEPOINT,
//! so one request's failure (a duplicate credit code, say) never takes the others down with it.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use ggzy_crypto::chain::{EventFields, GENESIS_HASH, event_hash};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AssertSqlSafe, Row};
use tokio::sync::{mpsc, oneshot};

use crate::connect::Backend;
use crate::error::{StoreError, StoreResult};
use crate::event::{AppendRequest, Appended, ExpectedVersion};
use crate::projection;

/// Requests waiting for the appender; beyond this, callers wait to enqueue (back-pressure).
const QUEUE_CAPACITY: usize = 4096;
/// Rows per multi-row INSERT: 10 parameters per row stays far below SQLite's and PostgreSQL's limits.
const ROWS_PER_INSERT: usize = 400;
/// Key of the PostgreSQL advisory lock that serializes appenders of all processes ("ggzy").
const APPEND_LOCK_KEY: i64 = 0x6767_7a79;

struct Job {
    request: AppendRequest,
    reply: oneshot::Sender<StoreResult<Appended>>,
}

/// Sends requests to the appender task.
#[derive(Clone, Debug)]
pub(crate) struct AppenderHandle {
    sender: mpsc::Sender<Job>,
}

impl AppenderHandle {
    pub(crate) async fn append(&self, request: AppendRequest) -> StoreResult<Appended> {
        if request.events.is_empty() {
            return Err(StoreError::Invalid("an append needs at least one event"));
        }
        let (reply, response) = oneshot::channel();
        self.sender.send(Job { request, reply }).await.map_err(|_| StoreError::Closed)?;
        response.await.map_err(|_| StoreError::Closed)?
    }

    /// Lets queued requests finish, then stops the task. Idempotent.
    pub(crate) async fn stop(&self) {
        // An empty request is the stop signal: real requests are never empty (checked above).
        let (reply, response) = oneshot::channel();
        let stop = AppendRequest {
            actor: String::new(),
            recorded_at_ms: 0,
            expected: Vec::new(),
            events: Vec::new(),
            projections: Vec::new(),
        };
        if self.sender.send(Job { request: stop, reply }).await.is_ok() {
            let _ = response.await;
        }
    }
}

pub(crate) fn spawn(writer: PoolConnection<Any>, backend: Backend, max_batch: usize) -> AppenderHandle {
    let (sender, receiver) = mpsc::channel(QUEUE_CAPACITY);
    tokio::spawn(run(writer, backend, max_batch.max(1), receiver));
    AppenderHandle { sender }
}

async fn run(mut writer: PoolConnection<Any>, backend: Backend, max_batch: usize, mut receiver: mpsc::Receiver<Job>) {
    let mut jobs = Vec::with_capacity(max_batch);
    while let Some(first) = receiver.recv().await {
        jobs.push(first);
        while jobs.len() < max_batch {
            match receiver.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let stop_at = jobs.iter().position(|job| job.request.events.is_empty());
        let stop = stop_at.map(|at| jobs.remove(at));
        if !jobs.is_empty() {
            commit_batch(&mut writer, backend, &mut jobs).await;
        }
        if let Some(stop) = stop {
            // Whatever queued behind the stop signal is refused (the store is closing).
            receiver.close();
            while let Some(job) = receiver.recv().await {
                let _ = job.reply.send(Err(StoreError::Closed));
            }
            let _ = stop.reply.send(Err(StoreError::Closed));
            return;
        }
    }
}

/// A row ready to insert.
struct Row10 {
    position: i64,
    stream_id: String,
    stream_version: i64,
    event_type: String,
    region_code: String,
    actor: String,
    recorded_at_ms: i64,
    payload: String,
    prev_hash: Vec<u8>,
    hash: Vec<u8>,
}

/// The log's head and stream versions as the transaction sees them, including its own writes.
#[derive(Clone)]
struct Working {
    next_position: i64,
    prev_hash: Vec<u8>,
    versions: HashMap<String, i64>,
}

async fn commit_batch(conn: &mut AnyConnection, backend: Backend, jobs: &mut Vec<Job>) {
    let mut results: Vec<Option<StoreResult<Appended>>> = Vec::with_capacity(jobs.len());
    let outcome = write_batch(conn, backend, jobs, &mut results).await;
    let outcome = match outcome {
        Ok(()) => sqlx::query("COMMIT").execute(&mut *conn).await.map(|_| ()).map_err(StoreError::from),
        Err(error) => Err(error),
    };
    if let Err(error) = outcome {
        let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
        tracing::error!(error = %error, jobs = jobs.len(), "event batch failed, rolled back");
        let shared = match error {
            StoreError::Unavailable(source) => StoreError::Unavailable(source),
            other => StoreError::Unavailable(Arc::new(sqlx::Error::Protocol(other.to_string()))),
        };
        for job in jobs.drain(..) {
            let _ = job.reply.send(Err(clone_unavailable(&shared)));
        }
        return;
    }
    for (job, result) in jobs.drain(..).zip(results) {
        let _ = job.reply.send(result.unwrap_or(Err(StoreError::Closed)));
    }
}

fn clone_unavailable(error: &StoreError) -> StoreError {
    match error {
        StoreError::Unavailable(source) => StoreError::Unavailable(Arc::clone(source)),
        _ => StoreError::Closed,
    }
}

async fn write_batch(
    conn: &mut AnyConnection,
    backend: Backend,
    jobs: &[Job],
    results: &mut Vec<Option<StoreResult<Appended>>>,
) -> StoreResult<()> {
    match backend {
        // IMMEDIATE takes the write lock now: a deferred transaction could fail to upgrade after
        // reading the head if another connection wrote in between.
        Backend::Sqlite => sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await?,
        Backend::Postgres => {
            sqlx::query("BEGIN").execute(&mut *conn).await?;
            sqlx::query("SELECT CAST(1 AS BIGINT) FROM (SELECT pg_advisory_xact_lock($1)) AS appender_lock")
                .bind(APPEND_LOCK_KEY)
                .execute(&mut *conn)
                .await?
        }
    };
    let mut working = read_working_state(conn, backend, jobs).await?;
    let mut pending: Vec<Row10> = Vec::new();
    for job in jobs {
        let request = &job.request;
        if let Err(conflict) = check_expected(&working, request) {
            results.push(Some(Err(conflict)));
            continue;
        }
        if request.projections.is_empty() {
            let (rows, appended) = build_rows(&mut working, request);
            pending.extend(rows);
            results.push(Some(Ok(appended)));
            continue;
        }
        // Only a request with projections can fail after its rows are built: keep a copy to undo.
        let before = working.clone();
        let (rows, appended) = build_rows(&mut working, request);
        // Keep the log in position order: rows of earlier requests go in first.
        insert_rows(conn, backend, &mut pending).await?;
        sqlx::query("SAVEPOINT append_request").execute(&mut *conn).await?;
        let mut rows = rows;
        let applied = async {
            insert_rows(conn, backend, &mut rows).await?;
            for op in &request.projections {
                projection::apply(conn, op).await?;
            }
            Ok::<(), StoreError>(())
        }
        .await;
        match applied {
            Ok(()) => {
                sqlx::query("RELEASE SAVEPOINT append_request").execute(&mut *conn).await?;
                results.push(Some(Ok(appended)));
            }
            Err(
                error @ (StoreError::Duplicate(_)
                | StoreError::Invalid(_)
                | StoreError::PreconditionFailed(_)
                | StoreError::VersionConflict { .. }),
            ) => {
                sqlx::query("ROLLBACK TO SAVEPOINT append_request").execute(&mut *conn).await?;
                sqlx::query("RELEASE SAVEPOINT append_request").execute(&mut *conn).await?;
                working = before;
                results.push(Some(Err(error)));
            }
            Err(other) => return Err(other),
        }
    }
    insert_rows(conn, backend, &mut pending).await?;
    Ok(())
}

async fn read_working_state(conn: &mut AnyConnection, backend: Backend, jobs: &[Job]) -> StoreResult<Working> {
    let head = sqlx::query("SELECT position, hash FROM event ORDER BY position DESC LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?;
    let (last_position, prev_hash) = match head {
        Some(row) => (row.try_get::<i64, _>(0)?, row.try_get::<Vec<u8>, _>(1)?),
        None => (0, GENESIS_HASH.to_vec()),
    };
    let mut streams: Vec<&str> = jobs
        .iter()
        .flat_map(|job| {
            job.request
                .events
                .iter()
                .map(|event| event.stream_id.as_str())
                .chain(job.request.expected.iter().map(|(stream, _)| stream.as_str()))
        })
        .collect();
    streams.sort_unstable();
    streams.dedup();
    let mut versions = HashMap::with_capacity(streams.len());
    for chunk in streams.chunks(ROWS_PER_INSERT) {
        // One scalar MAX per stream, which both engines answer from the (stream_id, stream_version)
        // index in O(log n). `GROUP BY stream_id` reads every row of every stream instead, so the
        // cost of each batch grew with the log. VALUES columns are `column1` on both engines.
        let mut sql = String::from(
            "SELECT v.column1, (SELECT MAX(e.stream_version) FROM event e WHERE e.stream_id = v.column1) \
             FROM (VALUES ",
        );
        for n in 1..=chunk.len() {
            sql.push_str(if n > 1 { ", (" } else { "(" });
            push_placeholder(&mut sql, backend, n);
            sql.push(')');
        }
        sql.push_str(") AS v");
        // Only placeholders are spliced in; the stream ids are bound.
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for stream in chunk {
            query = query.bind(*stream);
        }
        for row in query.fetch_all(&mut *conn).await? {
            // NULL: the stream has no events yet (version 0, the default of `versions`).
            if let Some(version) = row.try_get::<Option<i64>, _>(1)? {
                versions.insert(row.try_get::<String, _>(0)?, version);
            }
        }
    }
    Ok(Working { next_position: last_position + 1, prev_hash, versions })
}

fn check_expected(working: &Working, request: &AppendRequest) -> StoreResult<()> {
    for (stream_id, expected) in &request.expected {
        let actual = working.versions.get(stream_id).copied().unwrap_or(0);
        let expected = match *expected {
            ExpectedVersion::Any => continue,
            ExpectedVersion::NoStream => 0,
            ExpectedVersion::Exactly(version) => version,
        };
        if actual != expected {
            return Err(StoreError::VersionConflict { stream_id: stream_id.clone(), expected, actual });
        }
    }
    Ok(())
}

fn build_rows(working: &mut Working, request: &AppendRequest) -> (Vec<Row10>, Appended) {
    let first_position = working.next_position;
    let mut rows = Vec::with_capacity(request.events.len());
    let mut stream_versions: Vec<(String, i64)> = Vec::new();
    let mut hashes = Vec::with_capacity(request.events.len());
    for event in &request.events {
        let version = working.versions.get(&event.stream_id).copied().unwrap_or(0) + 1;
        working.versions.insert(event.stream_id.clone(), version);
        let position = working.next_position;
        let hash = event_hash(&EventFields {
            position,
            stream_id: &event.stream_id,
            stream_version: version,
            event_type: &event.event_type,
            region_code: &event.region_code,
            actor: &request.actor,
            recorded_at_ms: request.recorded_at_ms,
            payload: &event.payload,
            prev_hash: &working.prev_hash,
        })
        .to_vec();
        rows.push(Row10 {
            position,
            stream_id: event.stream_id.clone(),
            stream_version: version,
            event_type: event.event_type.clone(),
            region_code: event.region_code.clone(),
            actor: request.actor.clone(),
            recorded_at_ms: request.recorded_at_ms,
            payload: event.payload.clone(),
            prev_hash: std::mem::replace(&mut working.prev_hash, hash.clone()),
            hash: hash.clone(),
        });
        hashes.push(hash);
        working.next_position += 1;
        match stream_versions.iter_mut().find(|(stream, _)| *stream == event.stream_id) {
            Some(entry) => entry.1 = version,
            None => stream_versions.push((event.stream_id.clone(), version)),
        }
    }
    let appended = Appended { first_position, last_position: working.next_position - 1, stream_versions, hashes };
    (rows, appended)
}

/// Appends the `n`th (1-based) bind placeholder. SQLite gets anonymous `?`: for named ones
/// (`$n`, `?n`) sqlx looks each name up with `sqlite3_bind_parameter_name`, a linear scan, so a
/// statement with k parameters costs O(k^2) to bind (10% of the writer thread's CPU at 64 writers).
fn push_placeholder(sql: &mut String, backend: Backend, n: usize) {
    match backend {
        Backend::Sqlite => sql.push('?'),
        Backend::Postgres => {
            let _ = write!(sql, "${n}");
        }
    }
}

/// Inserts and empties `rows`, a few hundred per statement.
async fn insert_rows(conn: &mut AnyConnection, backend: Backend, rows: &mut Vec<Row10>) -> StoreResult<()> {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut sql = String::from(
            "INSERT INTO event (position, stream_id, stream_version, event_type, region_code, actor, \
             recorded_at_ms, payload, prev_hash, hash) VALUES ",
        );
        for (i, _) in chunk.iter().enumerate() {
            let base = i * 10;
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for column in 1..=10 {
                if column > 1 {
                    sql.push_str(", ");
                }
                push_placeholder(&mut sql, backend, base + column);
            }
            sql.push(')');
        }
        // Only numbered placeholders are spliced in; every value is bound.
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for row in chunk {
            query = query
                .bind(row.position)
                .bind(row.stream_id.as_str())
                .bind(row.stream_version)
                .bind(row.event_type.as_str())
                .bind(row.region_code.as_str())
                .bind(row.actor.as_str())
                .bind(row.recorded_at_ms)
                .bind(row.payload.as_str())
                .bind(row.prev_hash.as_slice())
                .bind(row.hash.as_slice());
        }
        query.execute(&mut *conn).await?;
    }
    rows.clear();
    Ok(())
}

//! The single appender: group commit of the event log.
//!
//! Callers send append requests over a channel; one task owns the write connection. Whatever has
//! queued while the previous commit was syncing goes into the next transaction together, so a
//! burst of N writers costs one transaction and one fsync instead of N. A caller's future resolves
//! only after the transaction holding its events has committed (SQLite: WAL, `synchronous=FULL`).
//!
//! Inside a batch each request stays atomic and independent: version conflicts are found in memory
//! before anything is written, and one request's failure (a duplicate credit code, say) never takes
//! the others down with it.
//!
//! Requests almost never fail, and each statement is a round trip to the database (on SQLite a
//! hand-off to sqlx's worker thread and back), so a batch is first written together, with no
//! savepoint: all event rows in a few multi-row INSERTs, then the projection updates in request
//! order, where bid rows and inline bid files are gathered into multi-row statements
//! (`bid_batch.rs`) and a tender-state guard repeated by every bid is checked once. A bid in
//! a surge then costs a small share of a batch's statements instead of six of its own (savepoint,
//! event row, guard, bid row, file row, release). If one request does fail, the transaction is
//! rolled back and the batch written again with a SAVEPOINT around each request that has
//! projection updates, so the failure is undone alone.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use ggzy_crypto::chain::{EventFields, GENESIS_HASH, event_hash};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AssertSqlSafe, Row};
use tokio::sync::{mpsc, oneshot};

use crate::bid_batch::BidBatch;
use crate::connect::Backend;
use crate::error::{StoreError, StoreResult};
use crate::event::{AppendRequest, Appended, ExpectedVersion};
use crate::projection::{self, ProjectionOp};

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
    let outcome = match write_together(conn, backend, jobs, &mut results).await {
        Ok(None) => commit(conn).await,
        Ok(Some(failure)) => match sqlx::query("ROLLBACK").execute(&mut *conn).await {
            Err(error) => Err(error.into()),
            // Alone in its batch, the failed request's own error is the whole answer.
            Ok(_) if jobs.len() == 1 => {
                results = vec![Some(Err(failure))];
                Ok(())
            }
            Ok(_) => {
                results.clear();
                match write_isolated(conn, backend, jobs, &mut results).await {
                    Ok(()) => commit(conn).await,
                    Err(error) => Err(error),
                }
            }
        },
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

async fn begin(conn: &mut AnyConnection, backend: Backend) -> StoreResult<()> {
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
    Ok(())
}

async fn commit(conn: &mut AnyConnection) -> StoreResult<()> {
    sqlx::query("COMMIT").execute(&mut *conn).await?;
    Ok(())
}

/// A failure that belongs to one request (its projection update was refused), not to the batch.
fn is_request_failure(error: &StoreError) -> bool {
    matches!(
        error,
        StoreError::Duplicate(_)
            | StoreError::Invalid(_)
            | StoreError::PreconditionFailed(_)
            | StoreError::VersionConflict { .. }
    )
}

/// Writes the whole batch in the open transaction without savepoints: every event row first (no
/// projection reads the log), then each request's projection updates in request order. Returns
/// the first request failure, after which the transaction must be rolled back.
async fn write_together(
    conn: &mut AnyConnection,
    backend: Backend,
    jobs: &[Job],
    results: &mut Vec<Option<StoreResult<Appended>>>,
) -> StoreResult<Option<StoreError>> {
    begin(conn, backend).await?;
    let mut working = read_working_state(conn, backend, jobs).await?;
    let mut pending: Vec<Row10> = Vec::new();
    let mut written: Vec<&AppendRequest> = Vec::with_capacity(jobs.len());
    for job in jobs {
        let request = &job.request;
        if let Err(conflict) = check_expected(&working, request) {
            results.push(Some(Err(conflict)));
            continue;
        }
        let (rows, appended) = build_rows(&mut working, request);
        pending.extend(rows);
        results.push(Some(Ok(appended)));
        written.push(request);
    }
    insert_rows(conn, backend, &mut pending).await?;
    // Tender-state guards already checked in this transaction, still true while every write since
    // has left the tender rows alone: in a bid surge each bid carries the same guard, and checking
    // it once per batch saves a statement per bid.
    let mut proven: Vec<&ProjectionOp> = Vec::new();
    let mut bids = BidBatch::default();
    for op in written.iter().flat_map(|request| &request.projections) {
        if op.is_tender_state_guard() && proven.contains(&op) {
            continue;
        }
        // Bid writes are held back; only a tender-state guard (it reads neither table) may pass
        // them, anything else could read or change their rows and goes after them.
        if bids.holds(op) {
            continue;
        }
        if !op.is_tender_state_guard() {
            bids.write(conn, backend).await?;
        }
        match projection::apply(conn, backend, op).await {
            Ok(()) => {}
            Err(error) if is_request_failure(&error) => return Ok(Some(error)),
            Err(other) => return Err(other),
        }
        if op.is_tender_state_guard() {
            proven.push(op);
        } else if !op.leaves_tenders() {
            proven.clear();
        }
    }
    match bids.write(conn, backend).await {
        Err(error) if is_request_failure(&error) => Ok(Some(error)),
        other => other.map(|()| None),
    }
}

/// Writes the batch again, each request with projection updates under its own SAVEPOINT, so a
/// request that fails is undone alone.
async fn write_isolated(
    conn: &mut AnyConnection,
    backend: Backend,
    jobs: &[Job],
    results: &mut Vec<Option<StoreResult<Appended>>>,
) -> StoreResult<()> {
    begin(conn, backend).await?;
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
                projection::apply(conn, backend, op).await?;
            }
            Ok::<(), StoreError>(())
        }
        .await;
        match applied {
            Ok(()) => {
                sqlx::query("RELEASE SAVEPOINT append_request").execute(&mut *conn).await?;
                results.push(Some(Ok(appended)));
            }
            Err(error) if is_request_failure(&error) => {
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
        push_values(&mut sql, backend, chunk.len(), 1, "");
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
pub(crate) fn push_placeholder(sql: &mut String, backend: Backend, n: usize) {
    match backend {
        Backend::Sqlite => sql.push('?'),
        Backend::Postgres => {
            let _ = write!(sql, "${n}");
        }
    }
}

/// Appends `(…), (…)` for a multi-row INSERT: `rows` rows of `columns` placeholders, numbered on
/// from 1, each row ending with `tail` (constant columns, spliced in as written).
pub(crate) fn push_values(sql: &mut String, backend: Backend, rows: usize, columns: usize, tail: &str) {
    for row in 0..rows {
        sql.push_str(if row > 0 { ", (" } else { "(" });
        for column in 1..=columns {
            if column > 1 {
                sql.push_str(", ");
            }
            push_placeholder(sql, backend, row * columns + column);
        }
        sql.push_str(tail);
        sql.push(')');
    }
}

/// Inserts and empties `rows`, a few hundred per statement.
async fn insert_rows(conn: &mut AnyConnection, backend: Backend, rows: &mut Vec<Row10>) -> StoreResult<()> {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut sql = String::from(
            "INSERT INTO event (position, stream_id, stream_version, event_type, region_code, actor, \
             recorded_at_ms, payload, prev_hash, hash) VALUES ",
        );
        push_values(&mut sql, backend, chunk.len(), 10, "");
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

#[cfg(test)]
mod tests {
    //! The batch paths, driven directly with a batch of chosen requests: which requests share a
    //! batch through the channel depends on timing, and a failure must be handled in every shape.

    use super::*;
    use crate::event::NewEvent;
    use crate::tender_projection::TenderOp;
    use crate::testkit::{entity_row, on_every_backend, tender_row};
    use crate::verify::verify_store;

    fn registering(stream: &str, code: Option<&str>) -> AppendRequest {
        AppendRequest {
            actor: "tester".to_owned(),
            recorded_at_ms: 1_790_000_000_000,
            expected: vec![(stream.to_owned(), ExpectedVersion::NoStream)],
            events: vec![NewEvent {
                stream_id: stream.to_owned(),
                event_type: "EntityRegistered".to_owned(),
                region_code: "330106".to_owned(),
                payload: format!(r#"{{"stream":"{stream}"}}"#),
            }],
            projections: code
                .map(|code| vec![ProjectionOp::InsertEntity(entity_row(code, &format!("{stream}公司")))])
                .unwrap_or_default(),
        }
    }

    /// Commits `requests` as one batch on a connection of the store's pool; returns each answer.
    async fn one_batch(store: &crate::Store, requests: Vec<AppendRequest>) -> Vec<StoreResult<Appended>> {
        let mut conn = store.pool().acquire().await.expect("connection");
        let mut answers = Vec::new();
        let mut jobs = Vec::new();
        for request in requests {
            let (reply, answer) = oneshot::channel();
            jobs.push(Job { request, reply });
            answers.push(answer);
        }
        commit_batch(&mut conn, store.backend(), &mut jobs).await;
        let mut results = Vec::new();
        for answer in answers {
            results.push(answer.await.expect("every job is answered"));
        }
        results
    }

    async fn logged_streams(store: &crate::Store) -> Vec<String> {
        store.scan(0, 100).await.expect("scan").into_iter().map(|event| event.stream_id).collect()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_batch_without_failures_commits_every_request_in_order() {
        on_every_backend(|store| async move {
            let results = one_batch(
                &store,
                vec![
                    registering("a", Some("91330100MA00000001")),
                    registering("b", None),
                    registering("c", Some("91330100MA00000002")),
                ],
            )
            .await;
            let positions: Vec<i64> =
                results.into_iter().map(|result| result.expect("committed").first_position).collect();
            assert_eq!(positions, vec![1, 2, 3]);
            assert_eq!(logged_streams(&store).await, vec!["a", "b", "c"]);
            assert_eq!(store.count_entities().await.expect("count"), 2);
            verify_store(&store).await.expect("chain verifies");
        })
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failing_request_among_others_is_undone_alone() {
        on_every_backend(|store| async move {
            store.append(registering("seed", Some("91330100MA00000009"))).await.expect("seed");
            let results = one_batch(
                &store,
                vec![
                    registering("a", Some("91330100MA00000001")),
                    // The same credit code as the seed: a duplicate, found only when written.
                    registering("dup", Some("91330100MA00000009")),
                    registering("b", None),
                    // A version conflict, found in memory before anything is written.
                    registering("seed", None),
                    registering("c", Some("91330100MA00000002")),
                ],
            )
            .await;
            let outcome: Vec<Result<i64, String>> = results
                .into_iter()
                .map(|result| result.map(|appended| appended.first_position).map_err(|error| format!("{error:?}")))
                .collect();
            assert_eq!(outcome[0], Ok(2));
            assert!(outcome[1].as_ref().is_err_and(|error| error.starts_with("Duplicate")), "{outcome:?}");
            assert_eq!(outcome[2], Ok(3), "positions stay consecutive after the failed request");
            assert!(outcome[3].as_ref().is_err_and(|error| error.starts_with("VersionConflict")), "{outcome:?}");
            assert_eq!(outcome[4], Ok(4));
            assert_eq!(logged_streams(&store).await, vec!["seed", "a", "b", "c"]);
            assert_eq!(store.count_entities().await.expect("count"), 3);
            verify_store(&store).await.expect("chain verifies");
        })
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failing_request_alone_in_its_batch_writes_nothing() {
        on_every_backend(|store| async move {
            store.append(registering("seed", Some("91330100MA00000009"))).await.expect("seed");
            let results = one_batch(&store, vec![registering("dup", Some("91330100MA00000009"))]).await;
            assert!(matches!(results.as_slice(), [Err(StoreError::Duplicate(_))]), "{results:?}");
            assert_eq!(logged_streams(&store).await, vec!["seed"]);
            // The appender goes on from the same head.
            let next = store.append(registering("next", None)).await.expect("append");
            assert_eq!(next.first_position, 2);
            verify_store(&store).await.expect("chain verifies");
        })
        .await;
    }

    fn with_projections(stream: &str, projections: Vec<ProjectionOp>) -> AppendRequest {
        AppendRequest { projections, ..registering(stream, None) }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_state_guard_is_checked_again_once_the_tender_may_have_changed() {
        on_every_backend(|store| async move {
            let tender = ProjectionOp::Tender(TenderOp::InsertTender(tender_row("t1", "bidding")));
            store.append(with_projections("tender-t1", vec![tender])).await.expect("tender");
            let guard = ProjectionOp::Tender(TenderOp::RequireState {
                tender_id: "t1".to_owned(),
                state: "bidding".to_owned(),
            });
            let opening = ProjectionOp::Tender(TenderOp::SetState {
                tender_id: "t1".to_owned(),
                state: "opening".to_owned(),
                version: 2,
                updated_at_ms: 2,
            });
            let results = one_batch(
                &store,
                vec![
                    with_projections("bid-a", vec![guard.clone(), blob(1)]),
                    // Only bid writes since the first guard: it still holds.
                    with_projections("bid-b", vec![guard.clone(), blob(2)]),
                    with_projections("opening", vec![opening]),
                    // The state changed in this very transaction: the guard must fail.
                    with_projections("bid-c", vec![guard.clone(), blob(3)]),
                ],
            )
            .await;
            let failed: Vec<bool> = results.iter().map(Result::is_err).collect();
            assert_eq!(failed, vec![false, false, false, true], "{results:?}");
            assert!(matches!(results[3], Err(StoreError::PreconditionFailed(_))), "{results:?}");
            assert_eq!(logged_streams(&store).await, vec!["tender-t1", "bid-a", "bid-b", "opening"]);
            assert_eq!(store.inline_blob_count().await.expect("count"), 2);
        })
        .await;
    }

    fn bid(bidder: &str, digest: u8) -> ProjectionOp {
        ProjectionOp::Tender(TenderOp::PutBid(crate::tender_projection::BidRow {
            tender_id: "t1".to_owned(),
            lot_id: "1".to_owned(),
            bidder_credit_code: bidder.to_owned(),
            envelope_digest: vec![digest; 32],
            blob_sm3: vec![digest; 32],
            size_bytes: 1,
            cert_serial: "01".to_owned(),
            sealed_at_ms: 1,
            tool_version: "test".to_owned(),
            machine_id_hash: vec![0; 32],
            mac_hash: vec![0; 32],
            client_ip: "127.0.0.1".to_owned(),
            received_at_ms: i64::from(digest),
        }))
    }

    fn blob(byte: u8) -> ProjectionOp {
        ProjectionOp::PutInlineBlob(crate::inline_blob::InlineBlob { address: [byte; 32], bytes: Arc::new(vec![byte]) })
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn bid_writes_held_back_land_as_if_written_one_by_one() {
        on_every_backend(|store| async move {
            let tender = ProjectionOp::Tender(TenderOp::InsertTender(tender_row("t1", "bidding")));
            store.append(with_projections("tender-t1", vec![tender, bid("Y", 9)])).await.expect("tender");
            let withdraw = |bidder: &str| {
                ProjectionOp::Tender(TenderOp::WithdrawBid {
                    tender_id: "t1".to_owned(),
                    lot_id: "1".to_owned(),
                    bidder_credit_code: bidder.to_owned(),
                })
            };
            let results = one_batch(
                &store,
                vec![
                    with_projections("x-1", vec![bid("X", 1), blob(1)]),
                    with_projections("y-1", vec![bid("Y", 3), blob(3)]),
                    // X replaces its bid in the same batch: the later one stands.
                    with_projections("x-2", vec![bid("X", 2), blob(2)]),
                    // The same bytes again are one row.
                    with_projections("z-1", vec![bid("Z", 1), blob(1)]),
                    // A withdrawal reads the bid table: it must see Y's new bid written before it
                    // (else it would withdraw the old one, and the new one land after it).
                    with_projections("y-withdrawn", vec![withdraw("Y")]),
                ],
            )
            .await;
            assert!(results.iter().all(Result::is_ok), "{results:?}");
            let bid_of = |bidder: &'static str| {
                let store = store.clone();
                async move { store.bid("t1", "1", bidder).await.expect("read").expect("bid") }
            };
            let x = bid_of("X").await;
            assert_eq!((x.bid.envelope_digest, x.status.as_str()), (vec![2; 32], "submitted"));
            let y = bid_of("Y").await;
            assert_eq!((y.bid.envelope_digest, y.status.as_str()), (vec![3; 32], "withdrawn"));
            assert_eq!(bid_of("Z").await.bid.envelope_digest, vec![1; 32]);
            assert_eq!(store.inline_blob_count().await.expect("count"), 3);
            verify_store(&store).await.expect("chain verifies");
        })
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failure_after_held_back_bids_undoes_only_its_request() {
        on_every_backend(|store| async move {
            let tender = ProjectionOp::Tender(TenderOp::InsertTender(tender_row("t1", "bidding")));
            let entity = ProjectionOp::InsertEntity(entity_row("91330100MA00000009", "已登记公司"));
            store.append(with_projections("tender-t1", vec![tender, entity.clone()])).await.expect("tender");
            let results = one_batch(
                &store,
                vec![
                    with_projections("x-1", vec![bid("X", 1), blob(1)]),
                    // Its bid is held back, then its entity turns out a duplicate.
                    with_projections("w-1", vec![bid("W", 4), blob(4), entity]),
                    with_projections("y-1", vec![bid("Y", 3), blob(3)]),
                ],
            )
            .await;
            let failed: Vec<bool> = results.iter().map(Result::is_err).collect();
            assert_eq!(failed, vec![false, true, false], "{results:?}");
            assert!(matches!(results[1], Err(StoreError::Duplicate(_))), "{results:?}");
            assert_eq!(logged_streams(&store).await, vec!["tender-t1", "x-1", "y-1"]);
            assert!(store.bid("t1", "1", "W").await.expect("read").is_none(), "the failed request's bid is undone");
            assert!(store.bid("t1", "1", "Y").await.expect("read").is_some());
            assert_eq!(store.inline_blob_count().await.expect("count"), 2);
            verify_store(&store).await.expect("chain verifies");
        })
        .await;
    }
}

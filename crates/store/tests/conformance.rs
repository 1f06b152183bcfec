//! One conformance suite for the store and the event log. Every scenario runs on SQLite, and on
//! PostgreSQL too when `TEST_DATABASE_URL` is set (CI sets it), each on a fresh database.

use std::collections::HashSet;

use ggzy_store::idempotency::Claim;
use ggzy_store::projection::{EntityRelationRow, EntityRow};
use ggzy_store::read::RegionRange;
use ggzy_store::testkit::{TestDb, entity_row, on_every_backend};
use ggzy_store::verify::verify_store;
use ggzy_store::{AppendRequest, Backend, ExpectedVersion, NewEvent, ProjectionOp, StoreError};

fn event(stream: &str, event_type: &str, payload: &str) -> NewEvent {
    NewEvent {
        stream_id: stream.to_owned(),
        event_type: event_type.to_owned(),
        region_code: "330100".to_owned(),
        payload: payload.to_owned(),
    }
}

fn request(stream: &str, expected: ExpectedVersion, count: usize) -> AppendRequest {
    AppendRequest {
        actor: "tester".to_owned(),
        recorded_at_ms: 1_790_000_000_000,
        expected: vec![(stream.to_owned(), expected)],
        events: (0..count).map(|i| event(stream, "Noted", &format!(r#"{{"n":{i}}}"#))).collect(),
        projections: Vec::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appends_are_chained_and_read_back_in_order() {
    on_every_backend(|store| async move {
        let first = store.append(request("lot-1", ExpectedVersion::NoStream, 3)).await.expect("append");
        assert_eq!((first.first_position, first.last_position), (1, 3));
        assert_eq!(first.stream_versions, vec![("lot-1".to_owned(), 3)]);
        let second = store.append(request("lot-1", ExpectedVersion::Exactly(3), 1)).await.expect("append");
        assert_eq!((second.first_position, second.last_position), (4, 4));
        let events = store.stream("lot-1").await.expect("read stream");
        assert_eq!(events.iter().map(|e| e.stream_version).collect::<Vec<_>>(), vec![1, 2, 3, 4]);
        assert_eq!(events[1].payload, r#"{"n":1}"#);
        assert_eq!(events[1].prev_hash, events[0].hash);
        let report = verify_store(&store).await.expect("chain verifies");
        assert_eq!(report.events, 4);
        assert_eq!(report.head_hash.to_vec(), events[3].hash);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_expected_version_is_a_conflict_and_writes_nothing() {
    on_every_backend(|store| async move {
        store.append(request("lot-1", ExpectedVersion::NoStream, 2)).await.expect("append");
        let stale = store.append(request("lot-1", ExpectedVersion::Exactly(1), 1)).await;
        assert!(matches!(stale, Err(StoreError::VersionConflict { expected: 1, actual: 2, .. })), "got {stale:?}");
        let exists = store.append(request("lot-1", ExpectedVersion::NoStream, 1)).await;
        assert!(matches!(exists, Err(StoreError::VersionConflict { expected: 0, actual: 2, .. })));
        assert_eq!(store.watermark().await.expect("watermark"), 2);
        assert_eq!(store.stream_version("lot-1").await.expect("version"), 2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_share_commits_without_losing_or_reordering_anything() {
    on_every_backend(|store| async move {
        let writers = 64;
        let appends_per_writer = 20;
        let mut tasks = Vec::new();
        for writer in 0..writers {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let stream = format!("stream-{writer}");
                for version in 0..appends_per_writer {
                    let expected =
                        if version == 0 { ExpectedVersion::NoStream } else { ExpectedVersion::Exactly(version) };
                    store.append(request(&stream, expected, 1)).await.expect("append");
                }
            }));
        }
        for task in tasks {
            task.await.expect("writer task");
        }
        let total = writers * appends_per_writer;
        assert_eq!(store.watermark().await.expect("watermark"), total);
        let report = verify_store(&store).await.expect("chain verifies");
        assert_eq!(report.events, total);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_appends_at_the_same_version_let_exactly_one_win() {
    on_every_backend(|store| async move {
        store.append(request("contested", ExpectedVersion::NoStream, 1)).await.expect("append");
        let mut tasks = Vec::new();
        for _ in 0..16 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                store.append(request("contested", ExpectedVersion::Exactly(1), 1)).await
            }));
        }
        let mut wins = 0;
        for task in tasks {
            match task.await.expect("task") {
                Ok(_) => wins += 1,
                Err(StoreError::VersionConflict { .. }) => {}
                Err(other) => panic!("unexpected error {other:?}"),
            }
        }
        assert_eq!(wins, 1);
        assert_eq!(store.stream_version("contested").await.expect("version"), 2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_projection_rolls_back_only_its_own_request() {
    on_every_backend(|store| async move {
        let mut tasks = Vec::new();
        // Pairs of requests register the same credit code: one of each pair must fail as a duplicate.
        for i in 0..20 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let code = format!("91330100MA000000{:02}", i / 2);
                let stream = format!("entity-attempt-{i}");
                let mut append = request(&stream, ExpectedVersion::NoStream, 1);
                append.projections.push(ProjectionOp::InsertEntity(entity_row(&code, &format!("公司{i}"))));
                (stream, store.append(append).await)
            }));
        }
        let mut ok_streams = HashSet::new();
        let mut duplicates = 0;
        for task in tasks {
            let (stream, result) = task.await.expect("task");
            match result {
                Ok(_) => {
                    ok_streams.insert(stream);
                }
                Err(StoreError::Duplicate(_)) => duplicates += 1,
                Err(other) => panic!("unexpected error {other:?}"),
            }
        }
        assert_eq!((ok_streams.len(), duplicates), (10, 10));
        assert_eq!(store.count_entities().await.expect("count"), 10);
        let events = store.scan(0, 100).await.expect("scan");
        let logged: HashSet<String> = events.iter().map(|e| e.stream_id.clone()).collect();
        assert_eq!(logged, ok_streams, "exactly the successful requests are in the log");
        verify_store(&store).await.expect("chain verifies after rollbacks");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn projections_commit_with_their_events() {
    on_every_backend(|store| async move {
        let mut append = request("entity-91330106MA27XYZ123", ExpectedVersion::NoStream, 1);
        append.projections = vec![
            ProjectionOp::EnablePlatformRegion {
                region_code: "330100".to_owned(),
                name: "浙江省杭州市".to_owned(),
                parent_code: None,
                enabled_at_ms: 5,
            },
            ProjectionOp::InsertEntity(entity_row("91330106MA27XYZ123", "杭州测试建设有限公司")),
            ProjectionOp::InsertUser {
                user_id: "u1".to_owned(),
                username: "bidder1".to_owned(),
                display_name: "王五".to_owned(),
                region_code: "330100".to_owned(),
                created_at_ms: 5,
            },
            ProjectionOp::GrantRole {
                user_id: "u1".to_owned(),
                role: "bidder".to_owned(),
                region_code: "330100".to_owned(),
            },
            ProjectionOp::GrantRole {
                user_id: "u1".to_owned(),
                role: "bidder".to_owned(),
                region_code: "330100".to_owned(),
            },
            ProjectionOp::AddEntityMember { credit_code: "91330106MA27XYZ123".to_owned(), user_id: "u1".to_owned() },
            ProjectionOp::SetCredential {
                user_id: "u1".to_owned(),
                password_hash: "$argon2id$x".to_owned(),
                updated_at_ms: 5,
            },
        ];
        store.append(append).await.expect("append");
        assert_eq!(store.platform_regions().await.expect("regions")[0].name, "浙江省杭州市");
        let entity = store.entity("91330106MA27XYZ123").await.expect("entity").expect("exists");
        assert_eq!(entity.name, "杭州测试建设有限公司");
        assert!(store.is_entity_member("91330106MA27XYZ123", "u1").await.expect("member"));
        assert_eq!(store.user_roles("u1").await.expect("roles"), vec![("bidder".to_owned(), "330100".to_owned())]);
        assert_eq!(store.password_hash("u1").await.expect("hash").as_deref(), Some("$argon2id$x"));
        let user = store.user_by_username("bidder1").await.expect("user").expect("exists");
        assert_eq!(user.display_name, "王五");

        let mut update = request("entity-91330106MA27XYZ123", ExpectedVersion::Exactly(1), 1);
        update.projections =
            vec![ProjectionOp::UpdateEntity(EntityRow { version: 2, ..entity_row("91330106MA27XYZ123", "新名称") })];
        store.append(update).await.expect("update");
        assert_eq!(store.entity("91330106MA27XYZ123").await.expect("entity").expect("exists").name, "新名称");

        let in_region = RegionRange { low: "330100".to_owned(), high: "330199".to_owned() };
        assert_eq!(store.entities(Some(&in_region), None, 10).await.expect("list").len(), 1);
        let elsewhere = RegionRange { low: "110000".to_owned(), high: "119999".to_owned() };
        assert!(store.entities(Some(&elsewhere), None, 10).await.expect("list").is_empty());
    })
    .await;
}

fn relation_row(code: &str, position: i64, kind: &str) -> EntityRelationRow {
    EntityRelationRow {
        credit_code: code.to_owned(),
        position,
        kind: kind.to_owned(),
        related_credit_code: None,
        person_name: None,
        person_id_masked: None,
        person_key: None,
        share_bp: None,
        post: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entity_relations_are_replaced_as_a_whole() {
    on_every_backend(|store| async move {
        const HELD: &str = "91330106MA27XYZ123";
        const PARENT: &str = "91330100MA2H00030P";
        let key = "ab".repeat(32);
        let mut append = request("entity-91330106MA27XYZ123", ExpectedVersion::NoStream, 1);
        append.projections = vec![
            ProjectionOp::InsertEntity(EntityRow {
                legal_rep_person_key: Some(key.clone()),
                ..entity_row(HELD, "杭州测试建设有限公司")
            }),
            ProjectionOp::InsertEntity(EntityRow {
                legal_rep_person_key: Some(key.clone()),
                ..entity_row(PARENT, "杭州测试集团有限公司")
            }),
        ];
        store.append(append).await.expect("append");
        let same_head = store.entities_with_legal_rep(&key).await.expect("by person key");
        assert_eq!(same_head.iter().map(|e| e.credit_code.as_str()).collect::<Vec<_>>(), vec![PARENT, HELD]);
        assert_eq!(store.entity_relations_declared_at(HELD).await.expect("declared at"), None);

        let first = vec![
            EntityRelationRow {
                related_credit_code: Some(PARENT.to_owned()),
                share_bp: Some(6000),
                ..relation_row(HELD, 0, "shareholder")
            },
            EntityRelationRow {
                person_name: Some("王五".to_owned()),
                person_id_masked: Some("330106********0011".to_owned()),
                person_key: Some("cd".repeat(32)),
                post: Some("董事".to_owned()),
                ..relation_row(HELD, 1, "officer")
            },
        ];
        let mut declare = request("entity-relations-91330106MA27XYZ123", ExpectedVersion::NoStream, 1);
        declare.projections = vec![ProjectionOp::ReplaceEntityRelations {
            credit_code: HELD.to_owned(),
            declared_at_ms: 7,
            rows: first.clone(),
        }];
        store.append(declare).await.expect("declare");
        assert_eq!(store.entity_relations(HELD).await.expect("relations"), first);
        assert_eq!(store.entity_relations_naming(PARENT).await.expect("naming"), vec![first[0].clone()]);
        assert_eq!(store.entity_relations_declared_at(HELD).await.expect("declared at"), Some(7));

        // An empty declaration replaces everything and is still a declaration.
        let mut again = request("entity-relations-91330106MA27XYZ123", ExpectedVersion::Exactly(1), 1);
        again.projections = vec![ProjectionOp::ReplaceEntityRelations {
            credit_code: HELD.to_owned(),
            declared_at_ms: 9,
            rows: vec![],
        }];
        store.append(again).await.expect("declare again");
        assert!(store.entity_relations(HELD).await.expect("relations").is_empty());
        assert!(store.entity_relations_naming(PARENT).await.expect("naming").is_empty());
        assert_eq!(store.entity_relations_declared_at(HELD).await.expect("declared at"), Some(9));

        // Declaring for an entity that does not exist fails and writes nothing.
        let mut unknown = request("entity-relations-x", ExpectedVersion::NoStream, 1);
        unknown.projections = vec![ProjectionOp::ReplaceEntityRelations {
            credit_code: "91330100MA2H00049L".to_owned(),
            declared_at_ms: 9,
            rows: vec![relation_row("91330100MA2H00049L", 0, "controller")],
        }];
        assert!(store.append(unknown).await.is_err());
        assert!(store.entity_relations("91330100MA2H00049L").await.expect("relations").is_empty());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feed_readers_never_miss_a_row_while_writers_commit() {
    on_every_backend(|store| async move {
        let total_writers: i64 = 8;
        let per_writer: i64 = 25;
        let mut writers = Vec::new();
        for writer in 0..total_writers {
            let store = store.clone();
            writers.push(tokio::spawn(async move {
                for _ in 0..per_writer {
                    store.append(request(&format!("w{writer}"), ExpectedVersion::Any, 2)).await.expect("append");
                }
            }));
        }
        let total = total_writers * per_writer * 2;
        let mut seen = Vec::new();
        let mut after = 0;
        // Bounded: each page either advances the cursor or writers are still running.
        for _ in 0..100_000 {
            let page = store.feed(after, 17, None).await.expect("feed");
            assert!(page.next_after >= after);
            seen.extend(page.events.iter().map(|e| e.position));
            after = page.next_after;
            if after >= total {
                break;
            }
            tokio::task::yield_now().await;
        }
        for writer in writers {
            writer.await.expect("writer");
        }
        let expected: Vec<i64> = (1..=total).collect();
        assert_eq!(seen, expected, "every position exactly once, in order");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feed_filters_by_region_range() {
    on_every_backend(|store| async move {
        for (stream, region) in [("a", "330106"), ("b", "110105"), ("c", "330200")] {
            let mut append = request(stream, ExpectedVersion::Any, 1);
            append.events[0].region_code = region.to_owned();
            store.append(append).await.expect("append");
        }
        let hangzhou = [RegionRange { low: "330100".to_owned(), high: "330199".to_owned() }];
        let page = store.feed(0, 10, Some(&hangzhou)).await.expect("feed");
        assert_eq!(page.events.iter().map(|e| e.stream_id.as_str()).collect::<Vec<_>>(), vec!["a"]);
        assert_eq!((page.watermark, page.next_after), (3, 3));
        let none = store.feed(0, 10, Some(&[])).await.expect("feed");
        assert!(none.events.is_empty());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotency_claims_replay_and_reject_mismatches() {
    on_every_backend(|store| async move {
        const LEASE: i64 = 60_000;
        assert_eq!(store.claim_idempotency("u1", "k1", b"hash-a", 1, LEASE).await.expect("claim"), Claim::New);
        assert_eq!(store.claim_idempotency("u1", "k1", b"hash-a", 2, LEASE).await.expect("claim"), Claim::InProgress);
        store.complete_idempotency("u1", "k1", 201, r#"{"ok":true}"#).await.expect("complete");
        assert_eq!(
            store.claim_idempotency("u1", "k1", b"hash-a", 3, LEASE).await.expect("claim"),
            Claim::Replay { status: 201, body: r#"{"ok":true}"#.to_owned() }
        );
        assert_eq!(store.claim_idempotency("u1", "k1", b"hash-b", 4, LEASE).await.expect("claim"), Claim::Mismatch);
        // Keys are per scope (per user): another user's same key is independent.
        assert_eq!(store.claim_idempotency("u2", "k1", b"hash-b", 5, LEASE).await.expect("claim"), Claim::New);
        store.release_idempotency("u2", "k1").await.expect("release");
        assert_eq!(store.claim_idempotency("u2", "k1", b"hash-c", 6, LEASE).await.expect("claim"), Claim::New);
        // A claim whose server died mid-request is taken over once its lease ran out, by one taker only.
        assert_eq!(store.claim_idempotency("u3", "k", b"h", 100, LEASE).await.expect("claim"), Claim::New);
        assert_eq!(
            store.claim_idempotency("u3", "k", b"h", 100 + LEASE - 1, LEASE).await.expect("claim"),
            Claim::InProgress
        );
        assert_eq!(store.claim_idempotency("u3", "k", b"h", 100 + LEASE, LEASE).await.expect("claim"), Claim::New);
        assert_eq!(
            store.claim_idempotency("u3", "k", b"h", 100 + LEASE, LEASE).await.expect("claim"),
            Claim::InProgress
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_tokens_and_login_failures() {
    on_every_backend(|store| async move {
        let mut append = request("user-u1", ExpectedVersion::NoStream, 1);
        append.projections = vec![ProjectionOp::InsertUser {
            user_id: "u1".to_owned(),
            username: "admin".to_owned(),
            display_name: "管理员".to_owned(),
            region_code: "330100".to_owned(),
            created_at_ms: 0,
        }];
        store.append(append).await.expect("append");
        store.insert_session(b"session-hash", "u1", "csrf", 0, 1000).await.expect("session");
        let live = store.actor_by_session(b"session-hash", 999).await.expect("read");
        assert_eq!(live.map(|s| (s.actor.user.user_id, s.csrf_token)), Some(("u1".to_owned(), "csrf".to_owned())));
        assert_eq!(store.actor_by_session(b"session-hash", 1000).await.expect("read"), None, "expired");
        assert_eq!(store.delete_expired_sessions(1000).await.expect("purge"), 1);

        store.insert_api_token(b"token-hash", "t1", "u1", "对接", 0, 5000).await.expect("token");
        let actor = store.actor_by_api_token(b"token-hash", 10).await.expect("read");
        assert_eq!(actor.map(|a| a.user.user_id).as_deref(), Some("u1"));
        assert!(store.revoke_api_token("t1", "u1").await.expect("revoke"));
        assert_eq!(store.actor_by_api_token(b"token-hash", 10).await.expect("read"), None);

        for at in [10, 20, 30] {
            store.record_login_failure("admin", at).await.expect("failure");
        }
        assert_eq!(store.login_failures_since("admin", 15).await.expect("count"), 2);
        store.clear_login_failures("admin").await.expect("clear");
        assert_eq!(store.login_failures_since("admin", 0).await.expect("count"), 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_commits_are_durable() {
    let db = TestDb::sqlite();
    let store = db.store().await;
    assert_eq!(store.backend(), Backend::Sqlite);
    assert_eq!(store.sqlite_pragma("journal_mode").await.expect("pragma").as_deref(), Some("wal"));
    assert_eq!(store.sqlite_pragma("synchronous").await.expect("pragma").as_deref(), Some("2"), "FULL");
    store.close().await;
    db.drop_db().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_store_refuses_appends_without_losing_earlier_ones() {
    on_every_backend(|store| async move {
        store.append(request("s", ExpectedVersion::Any, 1)).await.expect("append");
        store.close().await;
        assert!(matches!(store.append(request("s", ExpectedVersion::Any, 1)).await, Err(StoreError::Closed)));
    })
    .await;
}

//! The one-statement actor lookup agrees with the separate user, role and membership queries, and
//! finds nothing for an unknown, expired or revoked credential. Runs on SQLite, and on PostgreSQL
//! too when `TEST_DATABASE_URL` is set.

use ggzy_store::actor_lookup::ActorRow;
use ggzy_store::testkit::{entity_row, on_every_backend};
use ggzy_store::{AppendRequest, ExpectedVersion, NewEvent, ProjectionOp, Store};

fn entity(code: &str) -> ProjectionOp {
    ProjectionOp::InsertEntity(entity_row(code, &format!("测试单位{code}")))
}

fn user(user_id: &str, username: &str) -> ProjectionOp {
    ProjectionOp::InsertUser {
        user_id: user_id.to_owned(),
        username: username.to_owned(),
        display_name: format!("用户{username}"),
        region_code: "330100".to_owned(),
        created_at_ms: 7,
    }
}

fn grant(user_id: &str, role: &str, region: &str) -> ProjectionOp {
    ProjectionOp::GrantRole { user_id: user_id.to_owned(), role: role.to_owned(), region_code: region.to_owned() }
}

fn member(code: &str, user_id: &str) -> ProjectionOp {
    ProjectionOp::AddEntityMember { credit_code: code.to_owned(), user_id: user_id.to_owned() }
}

/// u1 holds several grants and memberships, inserted out of order; u2 holds others (which must not
/// leak into u1's actor); u3 holds none.
async fn seed(store: &Store) {
    let codes = ["91330106MA27XYZ123", "91330100MA2AAAAA1X", "91330108MA2BBBBB2Y"];
    let mut projections: Vec<ProjectionOp> = codes.iter().map(|code| entity(code)).collect();
    projections.extend([user("u1", "multi"), user("u2", "other"), user("u3", "bare")]);
    projections.extend([
        grant("u1", "principal", "330100"),
        grant("u1", "bidder", "330106"),
        grant("u1", "center_staff", "330100"),
        grant("u1", "bidder", "330100"),
        grant("u2", "admin", "330000"),
    ]);
    projections.extend([
        member(codes[0], "u1"),
        member(codes[2], "u1"),
        member(codes[1], "u1"),
        member(codes[1], "u2"),
    ]);
    let request = AppendRequest {
        actor: "tester".to_owned(),
        recorded_at_ms: 1,
        expected: vec![("seed".to_owned(), ExpectedVersion::NoStream)],
        events: vec![NewEvent {
            stream_id: "seed".to_owned(),
            event_type: "Seeded".to_owned(),
            region_code: "330100".to_owned(),
            payload: "{}".to_owned(),
        }],
        projections,
    };
    store.append(request).await.expect("seed");
}

/// What the separate queries say about a user.
async fn separately(store: &Store, user_id: &str) -> ActorRow {
    ActorRow {
        user: store.user(user_id).await.expect("user").expect("exists"),
        roles: store.user_roles(user_id).await.expect("roles"),
        entities: store.user_entities(user_id).await.expect("entities"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_token_actor_matches_the_separate_queries() {
    on_every_backend(|store| async move {
        seed(&store).await;
        store.insert_api_token(b"token-u1", "t1", "u1", "对接", 0, 5000).await.expect("token");
        store.insert_api_token(b"token-u3", "t3", "u3", "对接", 0, 5000).await.expect("token");
        store.insert_api_token(b"token-revoked", "t4", "u1", "旧", 0, 5000).await.expect("token");
        assert!(store.revoke_api_token("t4", "u1").await.expect("revoke"));

        let actor = store.actor_by_api_token(b"token-u1", 10).await.expect("read").expect("live token");
        assert_eq!(actor, separately(&store, "u1").await);
        assert_eq!(actor.roles.len(), 4);
        assert_eq!(actor.entities.len(), 3);
        let bare = store.actor_by_api_token(b"token-u3", 10).await.expect("read").expect("live token");
        assert_eq!(bare, separately(&store, "u3").await);
        assert!(bare.roles.is_empty() && bare.entities.is_empty());

        assert_eq!(store.actor_by_api_token(b"token-u1", 5000).await.expect("read"), None, "expired");
        assert_eq!(store.actor_by_api_token(b"token-revoked", 10).await.expect("read"), None, "revoked");
        assert_eq!(store.actor_by_api_token(b"token-unknown", 10).await.expect("read"), None, "unknown");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_actor_matches_the_separate_queries() {
    on_every_backend(|store| async move {
        seed(&store).await;
        store.insert_session(b"session-u1", "u1", "csrf-1", 0, 1000).await.expect("session");
        store.insert_session(b"session-u3", "u3", "csrf-3", 0, 1000).await.expect("session");

        let found = store.actor_by_session(b"session-u1", 999).await.expect("read").expect("live session");
        assert_eq!(found.actor, separately(&store, "u1").await);
        assert_eq!(found.csrf_token, "csrf-1");
        let bare = store.actor_by_session(b"session-u3", 999).await.expect("read").expect("live session");
        assert_eq!(bare.actor, separately(&store, "u3").await);
        assert_eq!(bare.csrf_token, "csrf-3");

        assert_eq!(store.actor_by_session(b"session-u1", 1000).await.expect("read"), None, "expired");
        assert_eq!(store.actor_by_session(b"session-unknown", 10).await.expect("read"), None, "unknown");
        // A session's hash is not an API token, nor the other way round.
        assert_eq!(store.actor_by_api_token(b"session-u1", 10).await.expect("read"), None);
        store.delete_session(b"session-u1").await.expect("logout");
        assert_eq!(store.actor_by_session(b"session-u1", 10).await.expect("read"), None, "logged out");
    })
    .await;
}

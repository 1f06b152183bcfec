//! The transparency log over HTTP: every event is provably in the signed head, and each head
//! extends the one before; checked with the platform key the server publishes.

use ggzy_crypto::merkle::{verify_consistency, verify_inclusion};
use ggzy_crypto::sm2::PublicKey;
use ggzy_crypto::tree_head::{TreeHead, event_leaf};
use ggzy_domain::role::Role;
use reqwest::StatusCode;
use serde_json::Value;
use sm3::Sm3;

use crate::helpers::{TestApp, call, spawn_apps};

fn unhex(value: &Value) -> Vec<u8> {
    hex::decode(value.as_str().expect("hex string")).expect("hex")
}

/// Publishes a head for the log as it is, then fetches and checks it with the published key.
async fn signed_head(app: &TestApp, key: &PublicKey) -> (i64, Vec<u8>) {
    app.app.publish_tree_head().await.expect("publish");
    let (status, _, sth) = call(app.client.get(app.url("/api/v1/log/sth"))).await;
    assert_eq!(status, StatusCode::OK, "{sth}");
    let head = TreeHead {
        tree_size: sth["tree_size"].as_i64().expect("size"),
        timestamp_ms: sth["timestamp_ms"].as_i64().expect("time"),
        root_hash: unhex(&sth["root_hash"]),
    };
    assert_eq!(head.verify(key, &unhex(&sth["signature"])), Ok(()), "the head is signed by the platform key");
    (head.tree_size, head.root_hash)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_is_provably_in_the_signed_head_and_heads_only_grow() {
    for app in spawn_apps().await {
        let (_, _, key) = call(app.client.get(app.url("/api/v1/log/key"))).await;
        let key = PublicKey::from_public_key_pem(key["public_key_pem"].as_str().expect("pem")).expect("platform key");
        app.create_user("bidder", &[(Role::Bidder, "330100")]).await;
        let (size1, root1) = signed_head(&app, &key).await;
        assert_eq!(size1, app.app.store().watermark().await.expect("watermark"));

        let events = app.app.store().scan(0, 1000).await.expect("events");
        for event in &events {
            let url = format!("/api/v1/log/proof/inclusion?position={}&tree_size={size1}", event.position);
            let (status, _, proof) = call(app.client.get(app.url(&url))).await;
            assert_eq!(status, StatusCode::OK, "{proof}");
            assert_eq!(unhex(&proof["event_hash"]), event.hash, "the proof names the event's chain hash");
            let path: Vec<Vec<u8>> = proof["audit_path"].as_array().expect("path").iter().map(unhex).collect();
            let index = u64::try_from(event.position - 1).expect("position");
            let size = u64::try_from(size1).expect("size");
            assert_eq!(verify_inclusion::<Sm3>(index, size, &event_leaf(&event.hash), &path, &root1), Ok(()));
            assert!(verify_inclusion::<Sm3>(index, size, &event_leaf(b"another event"), &path, &root1).is_err());
        }

        app.create_user("agency", &[(Role::Agency, "330100")]).await;
        let (size2, root2) = signed_head(&app, &key).await;
        assert!(size2 > size1);
        let url = format!("/api/v1/log/proof/consistency?first={size1}&second={size2}");
        let (status, _, proof) = call(app.client.get(app.url(&url))).await;
        assert_eq!(status, StatusCode::OK, "{proof}");
        let proof: Vec<Vec<u8>> = proof["proof"].as_array().expect("proof").iter().map(unhex).collect();
        let (first, second) = (u64::try_from(size1).expect("size"), u64::try_from(size2).expect("size"));
        assert_eq!(verify_consistency::<Sm3>(first, second, &root1, &root2, &proof), Ok(()));
        assert!(verify_consistency::<Sm3>(first, second, &root2, &root1, &proof).is_err());

        // Proofs are only given against published heads, and for positions inside them.
        let unpublished = format!("/api/v1/log/proof/inclusion?position=1&tree_size={}", size2 - 1);
        let (status, _, error) = call(app.client.get(app.url(&unpublished))).await;
        assert_eq!((status, error["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_input")));
        assert!(error["message"].as_str().expect("message").contains("已发布树头"));
        let outside = format!("/api/v1/log/proof/inclusion?position={}&tree_size={size2}", size2 + 1);
        assert_eq!(call(app.client.get(app.url(&outside))).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        app.finish().await;
    }
}

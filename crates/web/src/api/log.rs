//! The transparency log: signed tree heads, the platform key, inclusion and consistency proofs.
//! All public: they reveal hashes and counts of the whole log, never event contents.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::WebState;
use crate::api::rfc3339;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::ApiQuery;

/// A signed tree head.
#[derive(Debug, Serialize, ToSchema)]
pub struct TreeHeadDto {
    /// Events covered (positions 1..=tree_size).
    tree_size: i64,
    /// When signed (RFC 3339, UTC).
    timestamp: String,
    /// When signed, UTC ms (the signed value).
    timestamp_ms: i64,
    /// RFC 9162 Merkle root over the event hashes, SM3, hex.
    root_hash: String,
    /// Platform SM2 signature (DER, hex) over `"GGZY-TREE-HEAD-V1\0" || i64 tree_size || i64 timestamp_ms ||
    /// u32 len || root_hash`, default ID 1234567812345678.
    signature: String,
}

/// The platform's signing key.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlatformKeyDto {
    /// SM2 public key, SPKI PEM.
    public_key_pem: String,
}

/// Which proof.
#[derive(Debug, Deserialize, IntoParams)]
pub struct InclusionQuery {
    /// The event's position.
    position: i64,
    /// Size of a published tree head.
    tree_size: i64,
}

/// An inclusion proof.
#[derive(Debug, Serialize, ToSchema)]
pub struct InclusionProofDto {
    /// The event's position (leaf index = position - 1).
    position: i64,
    /// The head's size.
    tree_size: i64,
    /// The event's chain hash, hex; the leaf is SM3(0x00 || hash).
    event_hash: String,
    /// Audit path from leaf to root, hex.
    audit_path: Vec<String>,
}

/// Which heads.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ConsistencyQuery {
    /// Size of the older published head.
    first: i64,
    /// Size of the newer published head.
    second: i64,
}

/// A consistency proof.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsistencyProofDto {
    /// Older head's size.
    first: i64,
    /// Newer head's size.
    second: i64,
    /// RFC 9162 consistency proof, hex.
    proof: Vec<String>,
}

/// The newest signed tree head.
#[utoipa::path(get, path = "/api/v1/log/sth", tag = "transparency", responses(
    (status = 200, body = TreeHeadDto), (status = 404, body = ErrorBody),
))]
pub async fn latest_tree_head(State(state): State<WebState>) -> ApiResult<axum::Json<TreeHeadDto>> {
    let head = state.app.latest_tree_head().await?;
    Ok(axum::Json(TreeHeadDto {
        tree_size: head.tree_size,
        timestamp: rfc3339(head.timestamp_ms),
        timestamp_ms: head.timestamp_ms,
        root_hash: hex::encode(head.root_hash),
        signature: hex::encode(head.signature),
    }))
}

/// The platform's public key, to check tree heads.
#[utoipa::path(get, path = "/api/v1/log/key", tag = "transparency", responses((status = 200, body = PlatformKeyDto)))]
pub async fn platform_key(State(state): State<WebState>) -> ApiResult<axum::Json<PlatformKeyDto>> {
    Ok(axum::Json(PlatformKeyDto { public_key_pem: state.app.platform_public_key_pem()? }))
}

/// Proof that an event is in a published head.
#[utoipa::path(get, path = "/api/v1/log/proof/inclusion", tag = "transparency", params(InclusionQuery), responses(
    (status = 200, body = InclusionProofDto), (status = 422, body = ErrorBody),
))]
pub async fn inclusion_proof(
    State(state): State<WebState>,
    ApiQuery(query): ApiQuery<InclusionQuery>,
) -> ApiResult<axum::Json<InclusionProofDto>> {
    let proof = state.app.inclusion_proof(query.position, query.tree_size).await?;
    Ok(axum::Json(InclusionProofDto {
        position: proof.position,
        tree_size: proof.tree_size,
        event_hash: hex::encode(proof.event_hash),
        audit_path: proof.audit_path.iter().map(hex::encode).collect(),
    }))
}

/// Proof that a newer published head extends an older one.
#[utoipa::path(get, path = "/api/v1/log/proof/consistency", tag = "transparency", params(ConsistencyQuery), responses(
    (status = 200, body = ConsistencyProofDto), (status = 422, body = ErrorBody),
))]
pub async fn consistency_proof(
    State(state): State<WebState>,
    ApiQuery(query): ApiQuery<ConsistencyQuery>,
) -> ApiResult<axum::Json<ConsistencyProofDto>> {
    let proof = state.app.consistency_proof(query.first, query.second).await?;
    Ok(axum::Json(ConsistencyProofDto {
        first: query.first,
        second: query.second,
        proof: proof.iter().map(hex::encode).collect(),
    }))
}

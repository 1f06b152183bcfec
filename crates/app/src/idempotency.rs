//! Idempotency keys for POST requests: the first response is stored and replayed on retries.

use ggzy_crypto::sm3::sm3;
pub use ggzy_store::idempotency::Claim;

use crate::App;
use crate::error::AppResult;

/// Digest identifying one request: method, path and body.
pub fn request_digest(method: &str, path: &str, body: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(method.len() + path.len() + body.len() + 2);
    bytes.extend_from_slice(method.as_bytes());
    bytes.push(b' ');
    bytes.extend_from_slice(path.as_bytes());
    bytes.push(b'\n');
    bytes.extend_from_slice(body);
    sm3(&bytes).to_vec()
}

/// The scope of a client's keys: a digest of its credential (keys of different clients never meet).
pub fn credential_scope(credential: Option<&str>) -> String {
    match credential {
        Some(secret) => hex::encode(sm3(secret.as_bytes())),
        None => "anonymous".to_owned(),
    }
}

impl App {
    /// Claims a key before running the request.
    pub async fn claim_idempotency(&self, scope: &str, key: &str, digest: &[u8]) -> AppResult<Claim> {
        Ok(self.store.claim_idempotency(scope, key, digest, self.now_ms(), self.config.idempotency_lease_ms).await?)
    }

    /// Stores the response of a claimed key.
    pub async fn complete_idempotency(&self, scope: &str, key: &str, status: u16, body: &str) -> AppResult<()> {
        Ok(self.store.complete_idempotency(scope, key, status, body).await?)
    }

    /// Releases a claim whose request failed on our side, so that a retry runs again.
    pub async fn release_idempotency(&self, scope: &str, key: &str) -> AppResult<()> {
        Ok(self.store.release_idempotency(scope, key).await?)
    }
}

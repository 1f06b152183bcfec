//! Verifying the whole event chain of a store, page by page, in constant memory.

use ggzy_crypto::chain::{ChainError, ChainVerifier};

use crate::connect::Store;
use crate::error::StoreError;

/// Rows read per page while verifying.
const VERIFY_PAGE: i64 = 2000;

/// What verification found.
#[derive(Debug)]
pub enum VerifyError {
    /// The chain is broken; the error names the first bad position.
    Chain(ChainError),
    /// The database could not be read.
    Store(StoreError),
}

/// A verified chain's summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Number of events checked.
    pub events: i64,
    /// Hash of the last event (the chain head).
    pub head_hash: [u8; 32],
}

/// Checks every event of the store in position order.
pub async fn verify_store(store: &Store) -> Result<VerifyReport, VerifyError> {
    let mut verifier = ChainVerifier::new();
    let mut after = 0;
    loop {
        let page = store.scan(after, VERIFY_PAGE).await.map_err(VerifyError::Store)?;
        let Some(last) = page.last() else { break };
        after = last.position;
        for event in &page {
            verifier.check(&event.fields(), &event.hash).map_err(VerifyError::Chain)?;
        }
    }
    Ok(VerifyReport { events: verifier.checked(), head_hash: verifier.head_hash() })
}

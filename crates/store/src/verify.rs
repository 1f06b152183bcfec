//! Verifying the whole event chain of a store, page by page, in constant memory.
//!
//! A row that cannot even be decoded (a wrong-typed or non-UTF-8 value written behind the
//! platform's back) is a break at its position, not a database failure; so is a row renumbered
//! out of the log (position below 1). Deleting the newest rows leaves a valid shorter chain: only
//! comparing the head hash with one published earlier shows that, and the signed tree heads do:
//! every stored head must match the root recomputed from the chain, carry a valid platform
//! signature when the key is known, and cover no more events than the log holds. Heads also catch
//! an operator who rewrites history and recomputes every chain hash.

use ggzy_crypto::chain::ChainVerifier;
use ggzy_crypto::sm2::PublicKey;
use ggzy_crypto::tree_head::{EventTree, TreeHead};

use crate::connect::Store;
use crate::error::StoreError;

/// Rows read per page while verifying.
const VERIFY_PAGE: i64 = 2000;

/// Why verification did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The chain is broken; `position` is the first row that is not as recorded.
    #[error("chain broken at position {position} after {events_before} intact events: {reason}")]
    Broken {
        /// Position of the first bad row.
        position: i64,
        /// Why, in words.
        reason: String,
        /// Rows checked and found intact before it.
        events_before: i64,
    },
    /// A signed tree head does not match the log.
    #[error("tree head of size {tree_size} does not match: {reason}")]
    TreeHead {
        /// The head's size.
        tree_size: i64,
        /// Why, in words.
        reason: String,
    },
    /// The event log could not be read at all (not a ggzy database, server gone).
    #[error("cannot read the event log")]
    Store(#[source] StoreError),
}

/// A verified chain's summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Number of events checked.
    pub events: i64,
    /// Hash of the last event (the chain head; all zeros for an empty log).
    pub head_hash: [u8; 32],
    /// Signed tree heads whose roots matched.
    pub tree_heads: usize,
    /// Whether their signatures were checked too (the platform key was given).
    pub signatures_checked: bool,
}

fn broken_next(verifier: &ChainVerifier, reason: String) -> VerifyError {
    VerifyError::Broken { position: verifier.checked() + 1, reason, events_before: verifier.checked() }
}

/// Checks every event of the store in position order, and every stored tree head's root.
pub async fn verify_store(store: &Store) -> Result<VerifyReport, VerifyError> {
    verify_store_signed(store, None).await
}

fn check_head(
    head: &crate::tree_head::TreeHeadRow,
    tree: &EventTree,
    key: Option<&PublicKey>,
) -> Result<(), VerifyError> {
    let fail = |reason: &str| VerifyError::TreeHead { tree_size: head.tree_size, reason: reason.to_owned() };
    if tree.root() != head.root_hash {
        return Err(fail("its root does not match the events: the log was rewritten, or the head altered"));
    }
    if let Some(key) = key {
        let signed =
            TreeHead { tree_size: head.tree_size, timestamp_ms: head.timestamp_ms, root_hash: head.root_hash.clone() };
        signed.verify(key, &head.signature).map_err(|_| fail("its signature does not verify with the platform key"))?;
    }
    Ok(())
}

/// Like [`verify_store`], also checking each head's signature with the platform key.
pub async fn verify_store_signed(store: &Store, key: Option<&PublicKey>) -> Result<VerifyReport, VerifyError> {
    // A page of zero rows decodes nothing: this fails only if the log cannot be read at all.
    store.scan(0, 0).await.map_err(VerifyError::Store)?;
    let heads = store.tree_heads().await.map_err(VerifyError::Store)?;
    let mut next_head = heads.iter().peekable();
    let mut tree = EventTree::new();
    let mut verifier = ChainVerifier::new();
    // A head published while the log was still empty covers the empty tree.
    while let Some(head) = next_head.next_if(|head| head.tree_size == 0) {
        check_head(head, &tree, key)?;
    }
    let mut after = 0;
    // After a page fails to decode, rows are read one at a time to find the one at fault.
    let mut one_by_one: i64 = 0;
    loop {
        let limit = if one_by_one > 0 { 1 } else { VERIFY_PAGE };
        let page = match store.scan(after, limit).await {
            Ok(page) => page,
            Err(_) if limit > 1 => {
                one_by_one = VERIFY_PAGE;
                continue;
            }
            Err(error) => return Err(undecodable(store, &verifier, &error, "the next row").await),
        };
        let Some(last) = page.last() else { break };
        after = last.position;
        one_by_one = one_by_one.saturating_sub(i64::try_from(page.len()).unwrap_or(i64::MAX));
        for event in &page {
            verifier.check(&event.fields(), &event.hash).map_err(|error| VerifyError::Broken {
                position: error.position(),
                reason: error.to_string(),
                events_before: verifier.checked(),
            })?;
            tree.push_event(&event.hash);
            while let Some(head) = next_head.next_if(|head| head.tree_size == tree.size()) {
                check_head(head, &tree, key)?;
            }
        }
    }
    // Rows numbered below 1 are never reached above; one there was renumbered out of the log.
    match store.scan(i64::MIN, 1).await {
        Ok(first) => match first.first() {
            Some(stray) if stray.position < 1 => Err(broken_next(
                &verifier,
                format!("a row carries position {}, outside the log (renumbered or inserted)", stray.position),
            )),
            _ => match next_head.next() {
                Some(head) => Err(VerifyError::TreeHead {
                    tree_size: head.tree_size,
                    reason: format!(
                        "a signed head covers {} events but the log holds {}: events were removed",
                        head.tree_size,
                        verifier.checked()
                    ),
                }),
                None => Ok(VerifyReport {
                    events: verifier.checked(),
                    head_hash: verifier.head_hash(),
                    tree_heads: heads.len(),
                    signatures_checked: key.is_some(),
                }),
            },
        },
        Err(error) => Err(undecodable(store, &verifier, &error, "a row numbered below 1").await),
    }
}

/// A row read failed: a break at the next position if the log as a whole is still readable,
/// otherwise the database failed.
async fn undecodable(store: &Store, verifier: &ChainVerifier, error: &StoreError, which: &str) -> VerifyError {
    if let Err(failure) = store.scan(0, 0).await {
        return VerifyError::Store(failure);
    }
    broken_next(verifier, format!("{which} cannot be decoded: {}", causes(error)))
}

/// An error and its causes in one line, skipping a cause its parent already prints.
fn causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut last = text.clone();
    let mut source = error.source();
    while let Some(cause) = source {
        let message = cause.to_string();
        if !last.contains(&message) {
            text.push_str(": ");
            text.push_str(&message);
        }
        last = message;
        source = cause.source();
    }
    text
}

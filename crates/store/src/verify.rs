//! Verifying the whole event chain of a store, page by page, in constant memory.
//!
//! A row that cannot even be decoded (a wrong-typed or non-UTF-8 value written behind the
//! platform's back) is a break at its position, not a database failure; so is a row renumbered
//! out of the log (position below 1). Deleting the newest rows leaves a valid shorter chain: only
//! comparing the head hash with one published earlier shows that.

use ggzy_crypto::chain::ChainVerifier;

use crate::connect::Store;
use crate::error::StoreError;

/// Rows read per page while verifying.
const VERIFY_PAGE: i64 = 2000;

/// Why verification did not succeed.
#[derive(Debug)]
pub enum VerifyError {
    /// The chain is broken; `position` is the first row that is not as recorded.
    Broken {
        /// Position of the first bad row.
        position: i64,
        /// Why, in words.
        reason: String,
        /// Rows checked and found intact before it.
        events_before: i64,
    },
    /// The event log could not be read at all (not a ggzy database, server gone).
    Store(StoreError),
}

/// A verified chain's summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Number of events checked.
    pub events: i64,
    /// Hash of the last event (the chain head; all zeros for an empty log).
    pub head_hash: [u8; 32],
}

fn broken_next(verifier: &ChainVerifier, reason: String) -> VerifyError {
    VerifyError::Broken { position: verifier.checked() + 1, reason, events_before: verifier.checked() }
}

/// Checks every event of the store in position order.
pub async fn verify_store(store: &Store) -> Result<VerifyReport, VerifyError> {
    // A page of zero rows decodes nothing: this fails only if the log cannot be read at all.
    store.scan(0, 0).await.map_err(VerifyError::Store)?;
    let mut verifier = ChainVerifier::new();
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
        }
    }
    // Rows numbered below 1 are never reached above; one there was renumbered out of the log.
    match store.scan(i64::MIN, 1).await {
        Ok(first) => match first.first() {
            Some(stray) if stray.position < 1 => Err(broken_next(
                &verifier,
                format!("a row carries position {}, outside the log (renumbered or inserted)", stray.position),
            )),
            _ => Ok(VerifyReport { events: verifier.checked(), head_hash: verifier.head_hash() }),
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

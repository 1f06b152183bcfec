//! The transparency log: signed tree heads over the event chain, and the proofs that let anyone
//! check that an event is in a published head and that each head extends the one before.
//!
//! The platform key signs heads; the running root is kept as a compact range in memory, so
//! publishing reads only the events appended since the last head. Proofs are computed from the
//! event hashes up to the head's size (linear in the log; fine at this scale, a node table when a
//! log grows past millions of events).

use std::sync::Arc;

use ggzy_crypto::merkle;
use ggzy_crypto::sm2::PrivateKey;
use ggzy_crypto::tree_head::{EventTree, TreeHead, event_leaf};
use ggzy_store::tree_head::TreeHeadRow;
use sm3::Sm3;
use tokio::sync::Mutex;

use crate::App;
use crate::error::{AppError, AppResult, FieldError};

/// Event hashes read per page.
const PAGE: i64 = 5000;

/// The platform key and the running tree.
#[derive(Clone, Default)]
pub struct TransparencyLog {
    pub(crate) key: Option<Arc<PrivateKey>>,
    tree: Arc<Mutex<EventTree>>,
}

/// A signed tree head as published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedTreeHead {
    /// Events covered.
    pub tree_size: i64,
    /// When signed, UTC ms.
    pub timestamp_ms: i64,
    /// SM3 Merkle root.
    pub root_hash: Vec<u8>,
    /// Platform SM2 signature over the head's encoding (DER).
    pub signature: Vec<u8>,
}

impl From<TreeHeadRow> for SignedTreeHead {
    fn from(row: TreeHeadRow) -> SignedTreeHead {
        SignedTreeHead {
            tree_size: row.tree_size,
            timestamp_ms: row.timestamp_ms,
            root_hash: row.root_hash,
            signature: row.signature,
        }
    }
}

/// An event's inclusion in a published head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InclusionProof {
    /// The event's position (leaf index + 1).
    pub position: i64,
    /// The head's size.
    pub tree_size: i64,
    /// The event's hash (its leaf is `SM3(0x00 || hash)`).
    pub event_hash: Vec<u8>,
    /// The audit path, leaf to root.
    pub audit_path: Vec<Vec<u8>>,
}

fn invalid(field: &str, message: String) -> AppError {
    AppError::Invalid(vec![FieldError::new(field, "invalid_input", message)])
}

impl App {
    /// Installs the platform's signing key (without one, no heads are published).
    pub fn with_platform_key(mut self, key: PrivateKey) -> App {
        self.transparency.key = Some(Arc::new(key));
        self
    }

    /// The platform's public key (SPKI PEM), to check tree heads and receipts.
    pub fn platform_public_key_pem(&self) -> AppResult<String> {
        let key = self.transparency.key.as_ref().ok_or(AppError::NotFound { what: "平台签名密钥" })?;
        key.verifying_key().to_public_key_pem().map_err(|e| AppError::Internal(e.to_string()))
    }

    /// Signs and stores a head for the log as it is now, unless the newest head already covers it.
    pub async fn publish_tree_head(&self) -> AppResult<SignedTreeHead> {
        let key = self.transparency.key.clone().ok_or(AppError::NotFound { what: "平台签名密钥" })?;
        let mut tree = self.transparency.tree.lock().await;
        let watermark = self.store.watermark().await?;
        loop {
            let done = tree.size();
            if done >= watermark {
                break;
            }
            let hashes = self.store.event_hashes(done, PAGE.min(watermark - done)).await?;
            if hashes.is_empty() {
                break;
            }
            for hash in hashes {
                tree.push_event(&hash);
            }
        }
        let tree_size = tree.size();
        if let Some(latest) = self.store.latest_tree_head().await?
            && latest.tree_size >= tree_size
        {
            return Ok(latest.into());
        }
        let head = TreeHead { tree_size, timestamp_ms: self.now_ms(), root_hash: tree.root() };
        let signature = head.sign(&key);
        let row = TreeHeadRow { tree_size, timestamp_ms: head.timestamp_ms, root_hash: head.root_hash, signature };
        // Another process may have published this size first; either signed head is valid.
        self.store.insert_tree_head(&row).await?;
        Ok(self.store.tree_head(tree_size).await?.map_or_else(|| row.into(), Into::into))
    }

    /// The newest published head.
    pub async fn latest_tree_head(&self) -> AppResult<SignedTreeHead> {
        Ok(self.store.latest_tree_head().await?.ok_or(AppError::NotFound { what: "已签名树头" })?.into())
    }

    async fn ensure_published(&self, tree_size: i64, field: &str) -> AppResult<()> {
        match self.store.tree_head(tree_size).await? {
            Some(_) => Ok(()),
            None => Err(invalid(
                field,
                format!("没有规模为 {tree_size} 的已发布树头，请使用 /api/v1/log/sth 返回的 tree_size"),
            )),
        }
    }

    async fn published_leaves(&self, tree_size: i64, field: &str) -> AppResult<Vec<Vec<u8>>> {
        self.ensure_published(tree_size, field).await?;
        let mut leaves = Vec::with_capacity(usize::try_from(tree_size).unwrap_or(0));
        while (leaves.len() as i64) < tree_size {
            let after = leaves.len() as i64;
            let page = self.store.event_hashes(after, PAGE.min(tree_size - after)).await?;
            if page.is_empty() {
                return Err(AppError::Internal(format!("event log shorter than published head {tree_size}")));
            }
            leaves.extend(page.iter().map(|hash| event_leaf(hash)));
        }
        Ok(leaves)
    }

    /// Proof that the event at `position` is in the published head of `tree_size` events.
    pub async fn inclusion_proof(&self, position: i64, tree_size: i64) -> AppResult<InclusionProof> {
        if position < 1 || position > tree_size {
            return Err(invalid("position", format!("事件位置须在 1 至 {tree_size} 之间")));
        }
        let leaves = self.published_leaves(tree_size, "tree_size").await?;
        let index = usize::try_from(position - 1).map_err(|e| AppError::Internal(e.to_string()))?;
        let audit_path =
            merkle::inclusion_proof::<Sm3>(&leaves, index).map_err(|e| AppError::Internal(e.to_string()))?;
        let event_hash =
            self.store.event_hashes(position - 1, 1).await?.pop().ok_or(AppError::NotFound { what: "事件" })?;
        Ok(InclusionProof { position, tree_size, event_hash, audit_path })
    }

    /// Proof that the published head of `second` events extends the one of `first` events.
    pub async fn consistency_proof(&self, first: i64, second: i64) -> AppResult<Vec<Vec<u8>>> {
        if first < 1 || first > second {
            return Err(invalid("first", format!("first 须在 1 至 second（{second}）之间")));
        }
        self.ensure_published(first, "first").await?;
        let leaves = self.published_leaves(second, "second").await?;
        let first = usize::try_from(first).map_err(|e| AppError::Internal(e.to_string()))?;
        merkle::consistency_proof::<Sm3>(&leaves, first).map_err(|e| AppError::Internal(e.to_string()))
    }
}

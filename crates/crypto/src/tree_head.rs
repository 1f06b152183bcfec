//! Signed tree heads: the platform's SM2 signature over the size and Merkle root of the event log
//! at a moment. Published heads pin the log: a later head must be consistent with every earlier
//! one (RFC 9162 consistency proof), and any receipt's event can be proven included.

use crate::encoding::{put_bytes, put_i64};
use crate::merkle::{CompactRange, Hash, MerkleError, leaf_hash, verify_inclusion};
use crate::sm2::{PrivateKey, PublicKey, Sm2Error};

/// Domain separation tag of the signed bytes.
pub const TREE_HEAD_TAG: &[u8] = b"GGZY-TREE-HEAD-V1\0";

/// The Merkle leaf of an event: `SM3(0x00 || event_hash)`; the tree's leaf `i` is event `i + 1`.
pub fn event_leaf(event_hash: &[u8]) -> Hash {
    leaf_hash::<sm3::Sm3>(event_hash)
}

/// The Merkle tree over event hashes, grown one event at a time in O(log n) memory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventTree(CompactRange);

impl EventTree {
    /// The empty tree.
    pub fn new() -> EventTree {
        EventTree::default()
    }

    /// Appends the next event (by its chain hash).
    pub fn push_event(&mut self, event_hash: &[u8]) {
        self.0.push::<sm3::Sm3>(event_leaf(event_hash));
    }

    /// Events so far.
    pub fn size(&self) -> i64 {
        i64::try_from(self.0.size()).unwrap_or(i64::MAX)
    }

    /// The root over the events so far.
    pub fn root(&self) -> Hash {
        self.0.root::<sm3::Sm3>()
    }
}

/// A tree head before or after signing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeHead {
    /// Number of events covered (positions 1..=tree_size).
    pub tree_size: i64,
    /// When the platform signed it, UTC milliseconds.
    pub timestamp_ms: i64,
    /// RFC 9162 root over the event leaves, SM3.
    pub root_hash: Hash,
}

impl TreeHead {
    /// The signed bytes: tag, size, time, root.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(TREE_HEAD_TAG.len() + 52);
        out.extend_from_slice(TREE_HEAD_TAG);
        put_i64(&mut out, self.tree_size);
        put_i64(&mut out, self.timestamp_ms);
        put_bytes(&mut out, &self.root_hash);
        out
    }

    /// The platform's signature (DER).
    pub fn sign(&self, key: &PrivateKey) -> Vec<u8> {
        key.sign(&self.encode())
    }

    /// Checks a signature by the platform key.
    pub fn verify(&self, key: &PublicKey, signature: &[u8]) -> Result<(), Sm2Error> {
        key.verify(&self.encode(), signature)
    }

    /// Checks that the event at `position` (1-based) with `event_hash` is in this head's tree,
    /// given the audit path from `/api/v1/log/proof/inclusion`.
    pub fn verify_inclusion(&self, position: i64, event_hash: &[u8], audit_path: &[Hash]) -> Result<(), MerkleError> {
        let index = u64::try_from(position - 1).map_err(|_| MerkleError::IndexOutOfRange { index: 0, size: 0 })?;
        let size = u64::try_from(self.tree_size).unwrap_or(0);
        verify_inclusion::<sm3::Sm3>(index, size, &event_leaf(event_hash), audit_path, &self.root_hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_sign_and_any_field_change_breaks_the_signature() {
        let key = PrivateKey::generate(&mut rand::rng());
        let head = TreeHead { tree_size: 51, timestamp_ms: 1_798_761_600_000, root_hash: vec![7; 32] };
        let signature = head.sign(&key);
        assert_eq!(head.verify(&key.verifying_key(), &signature), Ok(()));
        for changed in [
            TreeHead { tree_size: 52, ..head.clone() },
            TreeHead { timestamp_ms: 1, ..head.clone() },
            TreeHead { root_hash: vec![8; 32], ..head.clone() },
        ] {
            assert!(changed.verify(&key.verifying_key(), &signature).is_err());
        }
    }
}

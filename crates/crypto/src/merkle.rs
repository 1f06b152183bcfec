//! The Merkle tree of RFC 9162 §2.1 (Certificate Transparency 2.0) over the event log: tree
//! hashes, inclusion proofs and consistency proofs, generic over the hash function (SM3 in
//! production, SHA-256 for the RFC's own test vectors).
//!
//! Leaves and interior nodes are domain-separated (`0x00` / `0x01` prefixes), so a leaf can never
//! be passed off as a node. Proof *generation* here works from the list of leaf hashes and is
//! meant for tests and small trees; verification is what a bidder or auditor runs, and it needs
//! only the proof, the sizes and the roots.

use sm3::Digest;

/// A hash value of the tree.
pub type Hash = Vec<u8>;

/// Why a proof does not check out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MerkleError {
    /// The leaf index is not below the tree size.
    #[error("leaf index {index} is not below tree size {size}")]
    IndexOutOfRange {
        /// The leaf index.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// The first tree is larger than the second.
    #[error("consistency needs size1 <= size2, got {size1} > {size2}")]
    SizesReversed {
        /// Size of the older tree.
        size1: u64,
        /// Size of the newer tree.
        size2: u64,
    },
    /// The proof has the wrong number of hashes for these sizes.
    #[error("proof of {actual} hashes has the wrong length for these tree sizes")]
    WrongProofLength {
        /// Hashes given.
        actual: usize,
    },
    /// The proof leads to a different root.
    #[error("root mismatch")]
    RootMismatch,
}

/// `HASH(0x00 || data)`: the hash of a leaf.
pub fn leaf_hash<D: Digest>(data: &[u8]) -> Hash {
    let mut hasher = D::new();
    hasher.update([0x00]);
    hasher.update(data);
    hasher.finalize().to_vec()
}

/// `HASH(0x01 || left || right)`: the hash of an interior node.
pub fn node_hash<D: Digest>(left: &[u8], right: &[u8]) -> Hash {
    let mut hasher = D::new();
    hasher.update([0x01]);
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().to_vec()
}

/// The largest power of two strictly below `n` (n >= 2): where RFC 9162 splits a tree.
fn split(n: usize) -> usize {
    debug_assert!(n >= 2, "only trees of two or more leaves are split");
    let mut k = 1;
    while k << 1 < n {
        k <<= 1;
    }
    k
}

/// MTH(D\[n\]) from the leaf hashes; the empty tree's root is the hash of the empty string.
pub fn root<D: Digest>(leaf_hashes: &[Hash]) -> Hash {
    match leaf_hashes {
        [] => D::digest([]).to_vec(),
        [single] => single.clone(),
        _ => {
            let k = split(leaf_hashes.len());
            node_hash::<D>(&root::<D>(&leaf_hashes[..k]), &root::<D>(&leaf_hashes[k..]))
        }
    }
}

/// PATH(m, D\[n\]): the inclusion proof of leaf `index`.
pub fn inclusion_proof<D: Digest>(leaf_hashes: &[Hash], index: usize) -> Result<Vec<Hash>, MerkleError> {
    let size = leaf_hashes.len();
    if index >= size {
        return Err(MerkleError::IndexOutOfRange { index: index as u64, size: size as u64 });
    }
    Ok(path::<D>(leaf_hashes, index))
}

fn path<D: Digest>(leaves: &[Hash], m: usize) -> Vec<Hash> {
    if leaves.len() <= 1 {
        return Vec::new();
    }
    let k = split(leaves.len());
    let (mut proof, sibling) = if m < k {
        (path::<D>(&leaves[..k], m), root::<D>(&leaves[k..]))
    } else {
        (path::<D>(&leaves[k..], m - k), root::<D>(&leaves[..k]))
    };
    proof.push(sibling);
    proof
}

/// PROOF(m, D\[n\]): the consistency proof between the first `size1` leaves and all of them.
pub fn consistency_proof<D: Digest>(leaf_hashes: &[Hash], size1: usize) -> Result<Vec<Hash>, MerkleError> {
    let size2 = leaf_hashes.len();
    if size1 > size2 {
        return Err(MerkleError::SizesReversed { size1: size1 as u64, size2: size2 as u64 });
    }
    if size1 == 0 || size1 == size2 {
        return Ok(Vec::new());
    }
    Ok(subproof::<D>(leaf_hashes, size1, true))
}

fn subproof<D: Digest>(leaves: &[Hash], m: usize, whole: bool) -> Vec<Hash> {
    let n = leaves.len();
    if m == n {
        return if whole { Vec::new() } else { vec![root::<D>(leaves)] };
    }
    let k = split(n);
    if m <= k {
        let mut proof = subproof::<D>(&leaves[..k], m, whole);
        proof.push(root::<D>(&leaves[k..]));
        proof
    } else {
        let mut proof = subproof::<D>(&leaves[k..], m - k, false);
        proof.push(root::<D>(&leaves[..k]));
        proof
    }
}

/// Checks an inclusion proof (RFC 9162 §2.1.3.2).
pub fn verify_inclusion<D: Digest>(
    index: u64,
    size: u64,
    leaf_hash: &[u8],
    proof: &[Hash],
    root: &[u8],
) -> Result<(), MerkleError> {
    if index >= size {
        return Err(MerkleError::IndexOutOfRange { index, size });
    }
    let (mut fn_, mut sn) = (index, size - 1);
    let mut r = leaf_hash.to_vec();
    for p in proof {
        if sn == 0 {
            return Err(MerkleError::WrongProofLength { actual: proof.len() });
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash::<D>(p, &r);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = node_hash::<D>(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(MerkleError::WrongProofLength { actual: proof.len() });
    }
    if r == root { Ok(()) } else { Err(MerkleError::RootMismatch) }
}

/// Checks a consistency proof (RFC 9162 §2.1.4.2): the tree of `size2` leaves with `root2`
/// extends the tree of `size1` leaves with `root1` without changing any of them.
pub fn verify_consistency<D: Digest>(
    size1: u64,
    size2: u64,
    root1: &[u8],
    root2: &[u8],
    proof: &[Hash],
) -> Result<(), MerkleError> {
    if size1 > size2 {
        return Err(MerkleError::SizesReversed { size1, size2 });
    }
    if size1 == size2 {
        if !proof.is_empty() {
            return Err(MerkleError::WrongProofLength { actual: proof.len() });
        }
        return if root1 == root2 { Ok(()) } else { Err(MerkleError::RootMismatch) };
    }
    if size1 == 0 {
        // Every tree extends the empty one; the RFC asks for an empty proof.
        return if proof.is_empty() { Ok(()) } else { Err(MerkleError::WrongProofLength { actual: proof.len() }) };
    }
    let Some((first, rest)) = proof.split_first() else {
        return Err(MerkleError::WrongProofLength { actual: 0 });
    };
    // If size1 is a power of two, its root is the first node of the path: prepend it.
    let mut path: Vec<&[u8]> = Vec::with_capacity(proof.len() + 1);
    if size1.is_power_of_two() {
        path.push(root1);
        path.push(first);
    } else {
        path.push(first);
    }
    path.extend(rest.iter().map(Vec::as_slice));
    let (mut fn_, mut sn) = (size1 - 1, size2 - 1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    let mut fr = path[0].to_vec();
    let mut sr = path[0].to_vec();
    for c in &path[1..] {
        if sn == 0 {
            return Err(MerkleError::WrongProofLength { actual: proof.len() });
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash::<D>(c, &fr);
            sr = node_hash::<D>(c, &sr);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            sr = node_hash::<D>(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(MerkleError::WrongProofLength { actual: proof.len() });
    }
    if fr == root1 && sr == root2 { Ok(()) } else { Err(MerkleError::RootMismatch) }
}

/// The root of a growing tree in O(log n) memory: the roots of its perfect subtrees, largest first
/// (a "compact range" from the start of the log). Appending costs O(log n) hashes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompactRange {
    size: u64,
    peaks: Vec<Hash>,
}

impl CompactRange {
    /// The empty tree.
    pub fn new() -> CompactRange {
        CompactRange::default()
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends a leaf hash.
    pub fn push<D: Digest>(&mut self, leaf_hash: Hash) {
        let mut node = leaf_hash;
        // Each trailing one bit of the old size is a perfect subtree of the same height: merge.
        let mut size = self.size;
        while size & 1 == 1 {
            let left = self.peaks.pop().unwrap_or_default();
            node = node_hash::<D>(&left, &node);
            size >>= 1;
        }
        self.peaks.push(node);
        self.size += 1;
    }

    /// MTH of the leaves so far (the hash of nothing for the empty tree).
    pub fn root<D: Digest>(&self) -> Hash {
        let mut peaks = self.peaks.iter().rev();
        let Some(last) = peaks.next() else { return D::digest([]).to_vec() };
        peaks.fold(last.clone(), |right, left| node_hash::<D>(left, &right))
    }
}

#[cfg(test)]
mod tests {
    use sha2::Sha256;
    use sm3::Sm3;

    use super::*;

    /// The reference leaves of the RFC 6962 / transparency-dev test vectors.
    const LEAVES: [&str; 8] =
        ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];

    fn leaf_hashes<D: Digest>(n: usize) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash::<D>(&hex::decode(LEAVES[i % 8]).expect("hex")).to_vec()).collect()
    }

    #[test]
    fn roots_of_the_reference_trees() {
        // SHA-256 roots of the first 1..8 reference leaves (RFC 6962 reference test data).
        let expected = [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        ];
        for (n, root_hex) in expected.iter().enumerate() {
            assert_eq!(hex::encode(root::<Sha256>(&leaf_hashes::<Sha256>(n + 1))), *root_hex, "size {}", n + 1);
        }
        assert_eq!(
            hex::encode(root::<Sha256>(&[])),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "the empty tree's root is the hash of nothing"
        );
        // The same tree with SM3, as the platform uses it (value from STACK.md's ct-merkle spike).
        assert_eq!(
            hex::encode(root::<Sm3>(&leaf_hashes::<Sm3>(8))),
            "bc48ba7a709184b5f2a631e1adeb8dc2a0d4c018c1d6cc89b5664fe154c93b38"
        );
    }

    fn flip(hash: &[u8]) -> Hash {
        let mut changed = hash.to_vec();
        changed[0] ^= 1;
        changed
    }

    #[test]
    fn every_inclusion_proof_of_small_trees_verifies_and_every_tampering_fails() {
        for size in 1..=33usize {
            let leaves = leaf_hashes::<Sm3>(size);
            let root = root::<Sm3>(&leaves);
            for index in 0..size {
                let proof = inclusion_proof::<Sm3>(&leaves, index).expect("index in range");
                let (i, n) = (index as u64, size as u64);
                assert_eq!(verify_inclusion::<Sm3>(i, n, &leaves[index], &proof, &root), Ok(()), "{index}/{size}");
                assert!(verify_inclusion::<Sm3>(i, n, &flip(&leaves[index]), &proof, &root).is_err());
                assert!(verify_inclusion::<Sm3>(i, n, &leaves[index], &proof, &flip(&root)).is_err());
                if let Some(first) = proof.first() {
                    let mut bad = proof.clone();
                    bad[0] = flip(first);
                    assert!(verify_inclusion::<Sm3>(i, n, &leaves[index], &bad, &root).is_err());
                    assert!(verify_inclusion::<Sm3>(i, n, &leaves[index], &proof[1..], &root).is_err());
                }
                let mut longer = proof.clone();
                longer.push(root.clone());
                assert!(verify_inclusion::<Sm3>(i, n, &leaves[index], &longer, &root).is_err());
                if size > 1 {
                    let other = (index + 1) % size;
                    assert!(verify_inclusion::<Sm3>(other as u64, n, &leaves[index], &proof, &root).is_err());
                }
            }
            assert_eq!(
                verify_inclusion::<Sm3>(size as u64, size as u64, &leaves[0], &[], &root),
                Err(MerkleError::IndexOutOfRange { index: size as u64, size: size as u64 })
            );
        }
    }

    #[test]
    fn every_consistency_proof_of_small_trees_verifies_and_every_tampering_fails() {
        for size2 in 1..=33usize {
            let leaves = leaf_hashes::<Sm3>(size2);
            let root2 = root::<Sm3>(&leaves);
            for size1 in 1..=size2 {
                let root1 = root::<Sm3>(&leaves[..size1]);
                let proof = consistency_proof::<Sm3>(&leaves, size1).expect("sizes ordered");
                let (m, n) = (size1 as u64, size2 as u64);
                assert_eq!(verify_consistency::<Sm3>(m, n, &root1, &root2, &proof), Ok(()), "{size1} -> {size2}");
                assert!(verify_consistency::<Sm3>(m, n, &flip(&root1), &root2, &proof).is_err());
                assert!(verify_consistency::<Sm3>(m, n, &root1, &flip(&root2), &proof).is_err());
                if let Some(first) = proof.first() {
                    let mut bad = proof.clone();
                    bad[0] = flip(first);
                    assert!(verify_consistency::<Sm3>(m, n, &root1, &root2, &bad).is_err());
                    assert!(verify_consistency::<Sm3>(m, n, &root1, &root2, &proof[..proof.len() - 1]).is_err());
                }
                if size1 < size2 {
                    // A changed old leaf cannot be hidden behind a proof for the new tree.
                    let mut rewritten = leaves.clone();
                    rewritten[size1 - 1] = flip(&rewritten[size1 - 1]);
                    let forged = consistency_proof::<Sm3>(&rewritten, size1).expect("sizes ordered");
                    assert!(verify_consistency::<Sm3>(m, n, &root1, &root::<Sm3>(&rewritten), &forged).is_err());
                }
            }
            assert_eq!(verify_consistency::<Sm3>(0, size2 as u64, &root::<Sm3>(&[]), &root2, &[]), Ok(()));
        }
        assert_eq!(
            verify_consistency::<Sm3>(5, 4, &[], &[], &[]),
            Err(MerkleError::SizesReversed { size1: 5, size2: 4 })
        );
    }

    #[test]
    fn the_compact_range_root_equals_the_full_tree_root_at_every_size() {
        let leaves = leaf_hashes::<Sm3>(300);
        let mut range = CompactRange::new();
        assert_eq!(range.root::<Sm3>(), root::<Sm3>(&[]));
        for (n, leaf) in leaves.iter().enumerate() {
            range.push::<Sm3>(leaf.clone());
            assert_eq!(range.size(), n as u64 + 1);
            assert_eq!(range.root::<Sm3>(), root::<Sm3>(&leaves[..=n]), "size {}", n + 1);
        }
    }
}

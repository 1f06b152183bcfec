//! Randomness is an input: tokens, ids and salts come from an [`Entropy`] source.

use rand::TryRng as _;

/// A source of random bytes.
pub trait Entropy: Send + Sync {
    /// Fills `buf` with random bytes.
    fn fill(&self, buf: &mut [u8]);
}

/// The operating system's generator.
#[derive(Debug, Clone, Copy, Default)]
pub struct OsEntropy;

impl Entropy for OsEntropy {
    fn fill(&self, buf: &mut [u8]) {
        // The OS generator failing is unrecoverable for a service that must issue secrets.
        #[allow(clippy::expect_used, reason = "no safe way to continue without OS randomness")]
        rand::rngs::SysRng.try_fill_bytes(buf).expect("the operating system's random generator failed");
    }
}

/// `n` random bytes as lower-case hex.
pub fn random_hex(entropy: &dyn Entropy, n: usize) -> String {
    let mut bytes = vec![0; n];
    entropy.fill(&mut bytes);
    hex::encode(bytes)
}

//! The verifiable randomness of an expert draw (专家抽取): a commitment published before the draw, a
//! seed derived from the revealed secret and public values fixed only after the commitment, and a
//! deterministic stream of `u64` values from the seed. The byte layouts are specified in
//! `docs/draw.md`; golden vectors in the tests pin them, so changing any of them is a breaking change.
//!
//! Why this shape: the platform cannot choose the secret after seeing the public value (the
//! commitment binds it), and it cannot predict the public value when it commits (the value is a
//! signed tree head of the event log taken at the draw minute, after the commitment was logged).
//! Anyone holding the published commitment, secret, ids and public values recomputes the same
//! stream, and the domain's draw over the published pool then yields the same experts.
//!
//! The crate draws no randomness: the caller generates the secret and passes it in.

use crate::encoding::put_bytes;
use crate::sm3::{Sm3Digest, Sm3Hasher, sm3};

/// Domain separation tag of the commitment.
pub const COMMIT_TAG: &[u8] = b"GGZY-DRAW-COMMIT-V1\0";

/// Domain separation tag of the seed.
pub const SEED_TAG: &[u8] = b"GGZY-DRAW-SEED-V1\0";

/// Domain separation tag of each stream block.
pub const STREAM_TAG: &[u8] = b"GGZY-DRAW-STREAM-V1\0";

/// Shortest secret accepted, in bytes (128 bits): anything shorter could be guessed from the
/// commitment by brute force before the draw. Callers should use 32 random bytes.
pub const SECRET_LEN_MIN: usize = 16;

/// Most public values one seed takes; a bound so that a request cannot make derivation unbounded.
pub const PUBLIC_VALUES_MAX: usize = 16;

/// Why a commitment or a seed could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DrawSeedError {
    /// The secret is shorter than [`SECRET_LEN_MIN`].
    #[error("the draw secret has {len} bytes; at least {SECRET_LEN_MIN} are needed")]
    SecretTooShort {
        /// Its length.
        len: usize,
    },
    /// The revealed secret does not open the published commitment.
    #[error("the revealed secret does not match the published commitment")]
    CommitmentMismatch,
    /// No public value was given: without one the platform alone would fix the seed.
    #[error("at least one public value (the signed tree head) is needed")]
    NoPublicValue,
    /// More than [`PUBLIC_VALUES_MAX`] public values.
    #[error("{count} public values given; at most {PUBLIC_VALUES_MAX} are accepted")]
    TooManyPublicValues {
        /// How many were given.
        count: usize,
    },
}

impl DrawSeedError {
    /// Stable error code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            DrawSeedError::SecretTooShort { .. } => "draw_secret_too_short",
            DrawSeedError::CommitmentMismatch => "draw_commitment_mismatch",
            DrawSeedError::NoPublicValue => "draw_public_value_missing",
            DrawSeedError::TooManyPublicValues { .. } => "draw_public_values_too_many",
        }
    }
}

/// The commitment to a draw's secret, published before the public value exists:
/// `SM3(COMMIT_TAG || lp(tender_id) || lp(lot_id) || lp(secret))`.
///
/// The ids are inside so that one commitment cannot be passed off for another lot's draw.
///
/// # Errors
/// [`DrawSeedError::SecretTooShort`].
pub fn commitment(tender_id: &str, lot_id: &str, secret: &[u8]) -> Result<Sm3Digest, DrawSeedError> {
    check_secret(secret)?;
    let mut out = Vec::with_capacity(COMMIT_TAG.len() + 12 + tender_id.len() + lot_id.len() + secret.len());
    out.extend_from_slice(COMMIT_TAG);
    put_bytes(&mut out, tender_id.as_bytes());
    put_bytes(&mut out, lot_id.as_bytes());
    put_bytes(&mut out, secret);
    Ok(sm3(&out))
}

fn check_secret(secret: &[u8]) -> Result<(), DrawSeedError> {
    if secret.len() < SECRET_LEN_MIN {
        return Err(DrawSeedError::SecretTooShort { len: secret.len() });
    }
    Ok(())
}

/// Everything the seed is derived from, all of it published once the draw is done.
#[derive(Clone, Copy)]
pub struct SeedInputs<'a> {
    /// The tender (trade) id, exactly as published.
    pub tender_id: &'a str,
    /// The lot id, exactly as published.
    pub lot_id: &'a str,
    /// The secret revealed at the draw.
    pub secret: &'a [u8],
    /// Values fixed only after the commitment, in the published order: first the encoded signed
    /// tree head at the draw minute (`TreeHead::encode()`), then any others (e.g. a value the
    /// supervising officer types in at the draw).
    pub public_values: &'a [&'a [u8]],
}

impl std::fmt::Debug for SeedInputs<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secret stays out of logs until the platform publishes it on purpose.
        f.debug_struct("SeedInputs")
            .field("tender_id", &self.tender_id)
            .field("lot_id", &self.lot_id)
            .field("public_values", &self.public_values.len())
            .finish_non_exhaustive()
    }
}

/// The seed of one draw (32 bytes). Knowing it means knowing every expert the draw will pick, so
/// it is as secret as the secret until the draw is done.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct DrawSeed(Sm3Digest);

impl std::fmt::Debug for DrawSeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DrawSeed(..)")
    }
}

impl DrawSeed {
    /// Derives the seed:
    /// `SM3(SEED_TAG || lp(tender_id) || lp(lot_id) || lp(secret) || u32(k) || lp(public_1) … lp(public_k))`.
    ///
    /// Every field is length-prefixed and the number of public values is written before them, so
    /// no two different inputs give the same bytes. The commitment is checked first: a secret
    /// that does not open it yields no seed.
    ///
    /// # Errors
    /// [`DrawSeedError::SecretTooShort`], [`DrawSeedError::CommitmentMismatch`],
    /// [`DrawSeedError::NoPublicValue`] or [`DrawSeedError::TooManyPublicValues`].
    pub fn derive(inputs: &SeedInputs<'_>, published_commitment: &[u8]) -> Result<DrawSeed, DrawSeedError> {
        let expected = commitment(inputs.tender_id, inputs.lot_id, inputs.secret)?;
        if expected.as_slice() != published_commitment {
            return Err(DrawSeedError::CommitmentMismatch);
        }
        let count = inputs.public_values.len();
        if count == 0 {
            return Err(DrawSeedError::NoPublicValue);
        }
        if count > PUBLIC_VALUES_MAX {
            return Err(DrawSeedError::TooManyPublicValues { count });
        }
        let mut out = Vec::with_capacity(SEED_TAG.len() + 256);
        out.extend_from_slice(SEED_TAG);
        put_bytes(&mut out, inputs.tender_id.as_bytes());
        put_bytes(&mut out, inputs.lot_id.as_bytes());
        put_bytes(&mut out, inputs.secret);
        // Bounded by PUBLIC_VALUES_MAX above, so the conversion cannot fail.
        out.extend_from_slice(&u32::try_from(count).unwrap_or(u32::MAX).to_be_bytes());
        for value in inputs.public_values {
            put_bytes(&mut out, value);
        }
        Ok(DrawSeed(sm3(&out)))
    }

    /// A seed from its published bytes (for `verify`, once the draw is over).
    pub fn from_bytes(bytes: Sm3Digest) -> DrawSeed {
        DrawSeed(bytes)
    }

    /// The seed's bytes, for publishing after the draw.
    pub fn to_bytes(self) -> Sm3Digest {
        self.0
    }

    /// The stream from its first value.
    pub fn stream(self) -> DrawStream {
        DrawStream::at(self, 0)
    }
}

/// The deterministic stream of a seed: value `n` is the first 8 bytes, big-endian, of
/// `SM3(STREAM_TAG || seed || u64(n))`.
///
/// One hash per value keeps the definition trivial to reimplement and lets a replacement resume at
/// any published position without replaying the values before it. The stream ends only after
/// 2^64 values, which no draw reaches.
#[derive(Clone, PartialEq, Eq)]
pub struct DrawStream {
    seed: DrawSeed,
    position: u64,
    exhausted: bool,
}

impl std::fmt::Debug for DrawStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DrawStream").field("position", &self.position).finish_non_exhaustive()
    }
}

impl DrawStream {
    /// The stream of `seed` starting at value `position` (the number of values already consumed,
    /// as published with the draw).
    pub fn at(seed: DrawSeed, position: u64) -> DrawStream {
        DrawStream { seed, position, exhausted: false }
    }

    /// How many values have been consumed from the start of the stream: the index of the next one.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// Value `n` of the stream, without moving it.
    pub fn value_at(seed: DrawSeed, n: u64) -> u64 {
        let mut hasher = Sm3Hasher::new();
        hasher.update(STREAM_TAG);
        hasher.update(&seed.0);
        hasher.update(&n.to_be_bytes());
        let block = hasher.finalize();
        let mut first = [0u8; 8];
        first.copy_from_slice(&block[..8]);
        u64::from_be_bytes(first)
    }
}

impl Iterator for DrawStream {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        if self.exhausted {
            return None;
        }
        let value = DrawStream::value_at(self.seed, self.position);
        match self.position.checked_add(1) {
            Some(next) => self.position = next,
            // Value u64::MAX was the last one; stop rather than wrap to 0 and repeat the stream.
            None => self.exhausted = true,
        }
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn the_stream_ends_instead_of_wrapping() {
        let seed = DrawSeed::from_bytes([1; 32]);
        let mut stream = DrawStream::at(seed, u64::MAX);
        assert_eq!(stream.next(), Some(DrawStream::value_at(seed, u64::MAX)));
        assert_eq!(stream.next(), None);
        assert_eq!(stream.position(), u64::MAX);
    }

    #[test]
    fn debug_hides_the_secret_and_the_seed() {
        let inputs = SeedInputs { tender_id: "T", lot_id: "L", secret: SECRET, public_values: &[b"head"] };
        assert!(!format!("{inputs:?}").contains("0123"));
        let commit = commitment("T", "L", SECRET).expect("long enough");
        let seed = DrawSeed::derive(&inputs, &commit).expect("opens");
        assert_eq!(format!("{seed:?}"), "DrawSeed(..)");
    }
}
